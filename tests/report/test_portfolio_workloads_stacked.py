"""The portfolio report's first table, its workloads, at 420 px, tried as a new user would:
its six columns (659 px) scrolled sideways in a 372 px box, each workload's peak and
baseline out of sight. On a phone it now stacks as a scenario's summary does
(:mod:`payback.report.stacked`): each workload's name, then each figure on a line after its
column's name, all within the screen; at 1400 px it is the table it was, a row a workload.
The figures are ``payback analyze --json``'s and the file's."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, pages_at, run
from payback.report.portfolio_document import portfolio_html
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio

PORTFOLIO = EXAMPLES / "portfolio.toml"
HEADER = ["workload", "requests/month", "growth", "tokens in / out", "peak / average", "baseline"]

MEASURE = """() => {
    const table = document.querySelector('table');
    const box = table.closest('.wide');
    const cells = [...table.querySelectorAll('tbody td')].map(td => {
        const r = td.getBoundingClientRect();
        const column = td.cellIndex;
        const label = column > 0 ? table.tHead.rows[0].cells[column].innerText.trim() : '';
        return {label: label, text: td.innerText.trim(), right: Math.round(r.right),
                before: getComputedStyle(td, '::before').content};
    });
    const heads = [...table.querySelectorAll('th')].map(th => th.getBoundingClientRect());
    return {
        page: document.documentElement.scrollWidth,
        wide: Math.round(table.getBoundingClientRect().width),
        room: box.clientWidth,
        scrolls: box.scrollWidth > box.clientWidth,
        headSeen: (r => r.width > 5 && r.height > 5)(table.tHead.getBoundingClientRect()),
        headTops: [...new Set(heads.map(h => Math.round(h.top)))].length,
        rowTops: [...table.querySelectorAll('tbody tr')].map(tr =>
            new Set([...tr.children].map(td => Math.round(td.getBoundingClientRect().top))).size),
        cells,
    };
}"""


def _expected_rows() -> list[list[str]]:
    """Each workload's row from ``payback analyze --json`` (its name, requests a month and
    baseline) and the file (growth, token lengths, peak to average), written by hand."""
    code, out, err = run("analyze", PORTFOLIO, "--json")
    assert code == 0, err
    workloads = json.loads(out)["portfolio"]["workloads"]
    scenario = load_scenario(PORTFOLIO)
    rows = []
    for answered, given in zip(workloads, scenario.workloads or [], strict=True):
        t = given.traffic
        assert t is not None
        assert t.growth_monthly == 0.0
        rows.append(
            [
                answered["name"],
                f"{answered['requests_per_month']:,.0f}",
                "0%",
                f"{t.input_tokens:,.0f} / {t.output_tokens:,.0f}",
                f"{t.peak_to_average:g}",
                answered["baseline"],
            ]
        )
    return rows


def test_the_workloads_table_is_marked_to_stack_its_figures_named() -> None:
    page = portfolio_html(analyze_portfolio(load_scenario(PORTFOLIO)))
    start = page.index('<div class="wide stacked"><table><thead>')
    assert page.index("<table>") == start + len('<div class="wide stacked">')  # the first
    first = page[start : page.index("</table>", start)]
    heads = re.findall(r"<th(?: [^>]*)?>(.*?)</th>", first)
    assert heads == HEADER
    body = first[first.index("<tbody>") :]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]
    expected = _expected_rows()
    assert rows == expected
    assert expected[0] == ["support triage", "400,000", "0%", "1,500 / 150", "3", rows[0][5]]
    assert expected[1][4] == "2.5"  # ticket summaries' peak, as the terminal writes it
    sheet = page[page.index("<style>") : page.index("</style>")]
    for i, name in enumerate(HEADER[1:], start=2):
        assert f'.stacked td:nth-child({i})::before {{ content: "{name}"; }}' in sheet
    assert page.count('class="wide stacked"') == 1  # the other tables scroll in their box


@pytest.mark.slow
def test_the_workloads_read_at_420_px_and_are_the_table_at_1400(tmp_path: Path) -> None:
    page_file = tmp_path / "report.html"
    page_file.write_text(portfolio_html(analyze_portfolio(load_scenario(PORTFOLIO))))
    expected = _expected_rows()
    for width, page in pages_at(page_file, (360, 420, 1400)):
        m: dict[str, Any] = page.evaluate(MEASURE)
        assert m["page"] <= width, m
        assert m["wide"] <= m["room"], (width, m)
        assert not m["scrolls"], (width, m)
        assert all(c["right"] <= width - 16 for c in m["cells"]), (width, m["cells"])
        texts = [c["text"] for c in m["cells"]]
        assert texts == [cell for row in expected for cell in row]  # every figure, as given
        figures = [c for c in m["cells"] if c["label"]]
        assert len(figures) == 5 * 5
        if width < 1400:  # stacked: the head out of sight, a figure a line, its name before
            assert not m["headSeen"]
            assert m["rowTops"] == [6] * 5  # the name, then five figures one under another
            assert all(c["before"] == f'"{c["label"]}"' for c in figures), figures
            assert all(c["right"] == m["cells"][0]["right"] for c in figures), figures
        else:  # the table: its head in one row, each workload on one row
            assert m["headSeen"]
            assert m["headTops"] == 1
            assert m["rowTops"] == [1] * 5
            assert all(c["before"] in ("none", "normal") for c in figures), figures
