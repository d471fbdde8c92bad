"""Every output gives the same answer: for every example and both contract scenarios, the
break-even month, its requests, the NPV, whether it pays back within a quarter and the
month-1 costs read back from ``analyze``'s text, ``analyze --json``, the comparison of
several files, ``explain``, the Markdown and HTML reports and the page's figures agree with
the library's numbers, each to the precision it is shown at.

The figures are parsed out of the rendered text (not formatted again with the renderers'
own functions), so a renderer that rounds the wrong way, shows another alternative's number
or a stale one fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import payback
from helpers import CONTRACT, EXAMPLES, run
from payback.analysis.result import Analysis
from payback.scenario.io import read_scenario_data

FILES = sorted(p for p in EXAMPLES.glob("*.toml") if not read_scenario_data(p).get("workloads"))
FILES += sorted(CONTRACT.glob("*.toml"))  # the shared contract's scenarios, copied
IDS = [f"{p.parent.name}/{p.stem}" for p in FILES]

MONEY = r"-?\$[\d,]+(?:\.\d+)?"
MONTH = r"month [\d,]+(?:\.\d+)?|never|at once|not within \d+ months?"


def _number(text: str) -> tuple[float, float]:
    """A number as shown (``-$1,234.50``, ``18.50``, ``39,429,894``) and half its last
    shown digit: the most rounding can have moved it."""
    digits = text.replace("$", "").replace(",", "")
    decimals = len(digits.partition(".")[2])
    return float(digits), 0.5 * 10.0**-decimals


def agrees(shown: str, value: float) -> bool:
    number, half = _number(shown)
    return abs(number - value) <= half * (1 + 1e-9) + 1e-9 * abs(value)


def month_agrees(shown: str, month: float | None) -> bool:
    """``month 18.5`` / ``never`` / ``not within 6 months`` / ``at once`` against the
    engine's break-even month (``None``: not within the horizon)."""
    shown = shown.strip()
    if month is None:
        return shown == "never" or shown.startswith("not within")
    if month == 0:
        return shown == "at once"
    if not shown.startswith("month "):
        return False
    figure = shown.removeprefix("month ")
    # a shown month is never an earlier whole month than the break-even (month_figure)
    return agrees(figure, month) and float(figure.replace(",", "")) > int(month)


def quarter_word(alt: dict[str, Any]) -> str:
    answer = (alt["pays_back_within"] or {}).get("3")
    return "unknown" if answer is None else ("yes" if answer else "no")


@pytest.fixture(scope="module", params=FILES, ids=IDS)
def case(request: pytest.FixtureRequest) -> tuple[Path, Analysis, dict[str, Any]]:
    path: Path = request.param
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    return path, payback.analyze(payback.load_scenario(path)), json.loads(out)


def test_json_is_the_library_answer(case: tuple[Path, Analysis, dict[str, Any]]) -> None:
    _, analysis, data = case
    assert data["horizon_months"] == analysis.horizon_months
    assert data["baseline"]["monthly_cost_usd"] == analysis.baseline.monthly_cost_usd
    for alt, shown in zip(analysis.alternatives, data["alternatives"], strict=True):
        assert shown["name"] == alt.name
        assert shown["break_even_month"] == alt.break_even_month
        assert shown["break_even_requests"] == alt.break_even_requests
        assert shown["npv_usd"] == alt.npv_usd
        assert shown["monthly_cost_usd"] == alt.monthly_cost_usd
        assert shown["one_time_usd"] == alt.one_time_usd
        assert shown["pays_back_within"] == alt.pays_back_within


def test_analyze_text_agrees_with_the_json(case: tuple[Path, Analysis, dict[str, Any]]) -> None:
    path, _, data = case
    code, out, _ = run("analyze", path)
    assert code == 0
    alts, base = data["alternatives"], data["baseline"]["monthly_cost_usd"][0]
    lines = out.splitlines()
    found = {
        "break-even": [m.group(1) for m in map(re.compile(r"^Break-even\s+(.+?)\s*$").match, lines) if m],
        "npv": [m.group(1) for m in map(re.compile(rf"^NPV, \d+ months(?: at \d+%)?\s+({MONEY})").match, lines) if m],
        "quarter": [m.group(1) for m in map(re.compile(r"^Pays back within\s+3 months: (\w+)").match, lines) if m],
        "month 1": [m.group(1) for m in map(re.compile(rf"^ this alternative\s+({MONEY})").match, lines) if m],
        "baseline": [m.group(1) for m in map(re.compile(rf"^ baseline\s+({MONEY})").match, lines) if m],
    }  # fmt: skip
    assert {k: len(v) for k, v in found.items()} == dict.fromkeys(found, len(alts))
    for i, alt in enumerate(alts):
        month, _, after = found["break-even"][i].partition(", after ")
        assert month_agrees(month.partition(":")[0], alt["break_even_month"]), month
        if alt["break_even_month"] is not None:
            assert agrees(after.removesuffix(" requests"), alt["break_even_requests"])
        assert agrees(found["npv"][i], alt["npv_usd"])
        assert found["quarter"][i] == quarter_word(alt)
        assert agrees(found["month 1"][i], alt["monthly_cost_usd"][0])
        assert agrees(found["baseline"][i], base)
    if len(alts) > 1:  # the table of alternatives before the details
        _check_rows(out, alts, base)
    _check_verdict(out, data)


def _check_rows(out: str, alts: list[dict[str, Any]], base: float) -> None:
    """The comparison table's rows: one-time cost, month-1 saving, break-even, NPV, quarter."""
    row = re.compile(rf"({MONEY})\s+({MONEY})\s+({MONTH})\s+({MONEY})\s+(yes|no|unknown)\s*$")
    rows = [m.groups() for m in map(row.search, out.splitlines()) if m]
    assert len(rows) >= len(alts)
    for alt, (one_time, saving, month, npv, quarter) in zip(alts, rows, strict=False):
        assert agrees(one_time, alt["one_time_usd"])
        assert agrees(saving, base - alt["monthly_cost_usd"][0])
        assert month_agrees(month, alt["break_even_month"]), month
        assert agrees(npv, alt["npv_usd"])
        assert quarter == quarter_word(alt)


def _best(data: dict[str, Any]) -> dict[str, Any]:
    return max(data["alternatives"], key=lambda a: a["npv_usd"])


def _check_verdict(text: str, data: dict[str, Any]) -> None:
    """The verdict sentence names the best alternative by NPV with its month and NPV."""
    best = _best(data)
    flat = " ".join(text.split())
    assert f"'{best['name']}'" in flat
    said = re.search(rf"'{re.escape(best['name'])}' (.+?); NPV ({MONEY}) over", flat)
    assert said is not None, flat
    words, npv = said.groups()
    assert agrees(npv, best["npv_usd"])
    month = best["break_even_month"]
    if month is None:
        assert words.startswith("does not pay back")
    elif month > 0:
        shown = re.search(r"pays back in (month [\d.,]+) \(after ~([\d,.]+\w?) requests\)", words)
        assert shown is not None, words
        assert month_agrees(shown.group(1), month)
        assert ("not within a quarter" in words) == (month > 3)


def test_comparing_files_agrees_with_each_files_json(
    case: tuple[Path, Analysis, dict[str, Any]],
) -> None:
    """``analyze a.toml b.toml``: a's rows come first, then its verdict after the table."""
    path, _, data = case
    other = EXAMPLES / ("quarter-200k.toml" if path.stem == "seed" else "seed.toml")
    code, out, _ = run("analyze", path, other)
    assert code == 0
    alts, base = data["alternatives"], data["baseline"]["monthly_cost_usd"][0]
    _check_rows(out, alts, base)
    flat = " ".join(out.split())
    start = flat.index(f"{path.stem} ({data['scenario']}): ")
    _check_verdict(flat[start : flat.index(f"{other.stem} (", start)], data)


def _sections(analysis: Analysis, data: dict[str, Any]) -> dict[int, dict[str, str]]:
    """``explain --json``'s sections by alternative: title (without the name) -> text."""
    by: dict[int, dict[str, str]] = {i: {} for i in range(len(analysis.alternatives))}
    for section in data["sections"]:
        title, text = section["title"], " ".join(section["paragraphs"])
        index = 0
        for i, alt in enumerate(analysis.alternatives):
            if title.lower().startswith(alt.name.lower() + ": "):
                index, title = i, title[len(alt.name) + 2 :]
        by[index][title.lower()] = text
    return by


def test_explain_agrees_with_the_json(case: tuple[Path, Analysis, dict[str, Any]]) -> None:
    path, analysis, data = case
    code, out, _ = run("explain", path, "--json")
    assert code == 0
    sections = _sections(analysis, json.loads(out))
    base = data["baseline"]["monthly_cost_usd"][0]
    for i, alt in enumerate(data["alternatives"]):
        verdict = sections[i]["the verdict"]
        assert verdict.startswith(f"Within a quarter: {quarter_word(alt)}")
        over = re.search(
            rf"Over \d+ months?: it (.+?); the NPV of switching.*? is ({MONEY})\.", verdict
        )
        assert over is not None, verdict
        pays, npv = over.groups()
        assert agrees(npv, alt["npv_usd"])
        month = alt["break_even_month"]
        if month is None:
            assert pays == "does not pay back"
        else:
            assert month_agrees(pays.removeprefix("pays back ").removeprefix("in "), month)
        computed = sections[i]["how the break-even is computed here"]
        costs = re.search(
            rf"In month 1 the baseline costs ({MONEY}) .*?costs ({MONEY}) .*?so switching "
            rf"(saves|costs) ({MONEY}) (more )?that month",
            computed,
        )
        assert costs is not None, computed
        assert agrees(costs.group(1), base)
        assert agrees(costs.group(2), alt["monthly_cost_usd"][0])
        sign = 1 if costs.group(3) == "saves" else -1
        assert agrees(costs.group(4), sign * (base - alt["monthly_cost_usd"][0]))
        if month is not None and month > 0:
            shown = re.search(r"= month ([\d.,]+), after ([\d,]+) requests\.", computed)
            assert shown is not None, computed
            assert month_agrees(f"month {shown.group(1)}", month)
            assert agrees(shown.group(2), alt["break_even_requests"])


def _table_rows(cells: list[list[str]], data: dict[str, Any]) -> None:
    """The reports' table: name, one-time cost, cost in month 1, pays back, requests until
    then (every digit), NPV, within a quarter."""
    alts = data["alternatives"]
    assert len(cells) == len(alts)
    for alt, row in zip(alts, cells, strict=True):
        name, one_time, month_1, month, requests, npv, quarter = row[:7]
        assert name == alt["name"]
        assert agrees(one_time, alt["one_time_usd"])
        assert agrees(month_1, alt["monthly_cost_usd"][0])
        assert month_agrees(month, alt["break_even_month"]), month
        if alt["break_even_requests"] is None:
            assert requests == ""
        else:
            assert agrees(requests, alt["break_even_requests"])
        assert agrees(npv, alt["npv_usd"])
        assert quarter.startswith(quarter_word(alt))


def test_markdown_report_agrees_with_the_json(
    case: tuple[Path, Analysis, dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from payback.report import markdown

    monkeypatch.setattr(markdown, "png_bytes", lambda chart: b"")  # the table, not the charts
    _, analysis, data = case
    text = markdown.markdown_files(analysis, tmp_path / "r.md")[tmp_path / "r.md"].decode()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| alternative |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip().replace("\\", "") for c in line.strip("|").split(" | ")])
    _table_rows(rows, data)
    _check_verdict(text.replace("\\", ""), data)


@pytest.mark.slow  # plotly: seconds a file
def test_html_report_agrees_with_the_json(case: tuple[Path, Analysis, dict[str, Any]]) -> None:
    import html

    from payback.report.html import render_html

    _, analysis, data = case
    page = render_html(analysis)
    table = page[page.index("<table>") : page.index("</table>")]
    rows = [
        [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]
    ]
    _table_rows(rows, data)
    verdict = re.search(r'<p class="verdict">(.*?)</p>', page)
    assert verdict is not None
    _check_verdict(html.unescape(verdict.group(1)), data)


def test_the_pages_figures_agree_with_the_json(case: tuple[Path, Analysis, dict[str, Any]]) -> None:
    """The page's answer for each alternative, from its inputs as the file gives them
    (:func:`payback.web.state.evaluate_inputs`) and its figures
    (:func:`payback.web.state.answer_figures`), without a browser."""
    from payback.web.state import answer_figures, evaluate_inputs

    path, analysis, data = case
    outcome = evaluate_inputs(read_scenario_data(path), {}, path.parent)
    assert outcome.problems == {}
    assert outcome.analysis is not None
    for i, alt in enumerate(data["alternatives"]):
        mine = outcome.analysis.alternatives[i]
        assert (mine.break_even_month, mine.npv_usd) == (alt["break_even_month"], alt["npv_usd"])
        figures = {f.label: f.value for f in answer_figures(mine, analysis.horizon_months)}
        assert month_agrees(figures["Break-even"], alt["break_even_month"])
        requests = figures["Requests until then"]
        if alt["break_even_requests"] is None:
            assert requests == "—"
        else:  # three figures: 2.99M, 30.8k
            number = float(re.sub(r"[~,kM]", "", requests))
            scale = {"k": 1e3, "M": 1e6}.get(requests[-1], 1.0)
            assert number * scale == pytest.approx(alt["break_even_requests"], rel=5e-3, abs=0.5)
        assert figures["Within a quarter?"].startswith(quarter_word(alt))
        assert agrees(figures[f"NPV over {analysis.horizon_months} months"], alt["npv_usd"])
