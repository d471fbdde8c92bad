"""The HTML report's summary table at 420 px, tried as a new user would: its seven columns
(873 px) scrolled sideways in a 372 px box, the NPV and "within a quarter?" out of sight.
On a phone it now stacks: each alternative's name, then each figure on a line after its
column's name, all within the screen; at 1400 px it is the table it was, one row each."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, pages_at
from payback import analyze, load_scenario
from payback.report.common import summary_table
from payback.report.html import render_html

MEASURE = """() => {
    const table = document.querySelector('table');
    const box = table.closest('.wide');
    const cells = [...table.querySelectorAll('tbody td')].map(td => {
        const r = td.getBoundingClientRect();
        const column = td.cellIndex;
        const label = column > 0 ? table.tHead.rows[0].cells[column].innerText.trim() : '';
        return {label: label, text: td.innerText.trim(),
                left: Math.round(r.left), right: Math.round(r.right), top: Math.round(r.top),
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


def test_each_figure_carries_its_column_name() -> None:
    analysis = analyze(load_scenario(EXAMPLES / "catalog-ids.toml"))
    table = summary_table(analysis)
    page = render_html(analysis)
    # the table's markup is the wide one's: a row of cells an alternative
    first = page[page.index('<div class="wide stacked"><table>') : page.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", first)[1:]
    assert [re.findall(r'<td class="[^"]*">(.*?)</td>', row) for row in rows] == table.rows
    # the catalog-ids.toml Llama on L40S's figures
    assert table.rows[0][1:4] == ["$20,628", "$2,621", "month 8.8"]
    # on a phone, each figure's column name before it, from the sheet
    sheet = page[page.index("<style>") : page.index("</style>")]
    for i, name in enumerate(table.header[1:], start=2):
        assert f'.stacked td:nth-child({i})::before {{ content: "{name}"; }}' in sheet


@pytest.mark.slow
def test_the_summary_reads_at_420_px_and_is_the_table_at_1400(tmp_path: Path) -> None:
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(analyze(load_scenario(EXAMPLES / "catalog-ids.toml"))))
    for width, page in pages_at(page_file, (420, 1400)):
        m: dict[str, Any] = page.evaluate(MEASURE)
        assert m["page"] <= width, m
        assert m["wide"] <= m["room"], (width, m)
        assert not m["scrolls"], (width, m)
        assert all(c["right"] <= width - 24 for c in m["cells"]), (width, m["cells"])
        figures = [c for c in m["cells"] if c["label"]]
        assert len(figures) == 2 * 6
        if width == 420:  # stacked: the head out of sight, a figure a line, its name before it
            assert not m["headSeen"]
            assert m["rowTops"] == [7, 7]  # the name, then six figures one under another
            assert all(c["before"] == f'"{c["label"]}"' for c in figures), figures
            # the label on the left, its figure on the right of the same line
            assert all(c["right"] == m["cells"][0]["right"] for c in figures), figures
            assert {c["label"] for c in figures} >= {"NPV, 12 months at 10%", "within a quarter?"}
        else:  # the table: its head in one row, each alternative on one row
            assert m["headSeen"]
            assert m["headTops"] == 1
            assert m["rowTops"] == [1, 1]
            assert all(c["before"] in ("none", "normal") for c in figures), figures
