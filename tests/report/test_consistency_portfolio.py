"""A scenario with workloads gives the same answer in every output (``analyze`` text and
``--json``, ``explain``, the Markdown and HTML reports, the page's figures), and a portfolio
of one workload gives the plain analysis's answer, in the same words where it can."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, run
from payback.report.portfolio_document import portfolio_html, portfolio_markdown
from payback.scenario.io import dump_scenario, parse_scenario, read_scenario_data
from payback.studies.portfolio import analyze_portfolio
from payback.web.answer import verdict_headline
from payback.web.state import answer_figures, evaluate_inputs

PORTFOLIO = EXAMPLES / "portfolio.toml"
MONEY = r"-?\$[\d,]+(?:\.\d+)?"


def agrees(shown: str, value: float) -> bool:
    if shown.startswith("a loss of "):  # a negative NPV in words
        shown = "-" + shown.removeprefix("a loss of ")
    digits = shown.replace("\\$", "$").replace("$", "").replace(",", "")  # \$: Markdown's
    half = 0.5 * 10.0 ** -len(digits.partition(".")[2])
    return abs(float(digits) - value) <= half * (1 + 1e-9) + 1e-9 * abs(value)


def month_agrees(shown: str, month: float | None) -> bool:
    if month is None:
        return shown.startswith(("never", "not within", "does not pay back"))
    figure = shown.removeprefix("month ")
    return agrees(figure, month) and float(figure) > int(month)


def _json(path: Path) -> dict[str, Any]:
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    return dict(json.loads(out)["portfolio"])


def test_the_portfolio_example_agrees_in_every_output(tmp_path: Path) -> None:
    data = _json(PORTFOLIO)
    alts = data["alternatives"]
    analysis = analyze_portfolio(parse_scenario(read_scenario_data(PORTFOLIO)))
    for alt, mine in zip(alts, analysis.alternatives, strict=True):
        assert (alt["break_even_month"], alt["npv_usd"]) == (mine.break_even_month, mine.npv_usd)
    # analyze's text: one block per alternative
    code, out, _ = run("analyze", PORTFOLIO)
    assert code == 0
    lines = out.splitlines()
    months = [m.group(1) for m in map(re.compile(r"^Break-even\s+(.+?)\s*$").match, lines) if m]
    npvs = [m.group(1) for m in map(re.compile(rf"^NPV, 24 months at 10%\s+({MONEY})").match, lines) if m]  # fmt: skip
    costs = [m.groups() for m in map(re.compile(rf"^USD per month\s+({MONEY}) against ({MONEY})").match, lines) if m]  # fmt: skip
    quarters = [m.group(1) for m in map(re.compile(r"^Pays back within\s+3 months: (\w+)").match, lines) if m]  # fmt: skip
    assert len(months) == len(npvs) == len(costs) == len(quarters) == len(alts)
    for i, alt in enumerate(alts):
        month, _, after = months[i].partition(", after ")
        assert month_agrees(month, alt["break_even_month"]), month
        if alt["break_even_month"] is not None:
            assert agrees(after.removesuffix(" requests"), alt["break_even_requests"])
        assert agrees(npvs[i], alt["npv_usd"])
        assert agrees(costs[i][0], alt["monthly_cost_usd"][0])
        assert agrees(costs[i][1], alt["baseline_usd"][0])
        assert quarters[i] == ("yes" if alt["pays_back_within"]["3"] else "no")
    best = max(alts, key=lambda a: a["npv_usd"])
    verdict = " ".join(out[out.index("Verdict: ") :].split())
    assert verdict == f"Verdict: {data['verdict']}"
    said = re.search(rf"pays back in (month [\d.]+), .*; NPV ({MONEY}) over 24 months at 10%$", verdict)  # fmt: skip
    assert said is not None, verdict
    assert month_agrees(said.group(1), best["break_even_month"])
    assert agrees(said.group(2), best["npv_usd"])
    # explain: "It pays back in month 12.8; its NPV over 24 months at 10% is $19,858."
    code, out, _ = run("explain", PORTFOLIO, "--json")
    assert code == 0
    sections = [s for s in json.loads(out)["sections"] if s["title"].endswith(": the portfolio")]
    assert len(sections) == len(alts)
    for section, alt in zip(sections, alts, strict=True):
        text = " ".join(section["paragraphs"])
        pays = re.search(rf"It (pays back in month [\d.]+|does not pay back within 24 months); its NPV over 24 months at 10% is ((?:a loss of )?{MONEY})\.", text)  # fmt: skip
        assert pays is not None, text
        assert month_agrees(pays.group(1).removeprefix("pays back in "), alt["break_even_month"])
        assert agrees(pays.group(2), alt["npv_usd"])
        assert f"for {_usd(alt['monthly_cost_usd'][0])} a month in month 1" in text
    # the reports' summary tables
    md = portfolio_markdown(analysis)
    page = html.unescape(portfolio_html(analysis))
    for alt in alts:
        for text, cell in ((md, r"\| {} \| (.+?) \|"), (page, r"<td>{}</td><td[^>]*>(.+?)</td>")):
            after = text[text.index(alt["name"].replace("_", "\\_")) :]
            month = re.search(cell.format("break-even"), after)
            npv = re.search(cell.format(r"NPV, 24 months at 10%"), after)
            assert month is not None
            assert npv is not None
            assert month_agrees(month.group(1).partition(",")[0], alt["break_even_month"])
            assert agrees(npv.group(1), alt["npv_usd"])
    assert data["verdict"][0].upper() + data["verdict"][1:] in md.replace("\\", "")
    # the page: its headline and figures for each alternative shown
    outcome = evaluate_inputs(read_scenario_data(PORTFOLIO), {}, PORTFOLIO.parent)
    assert outcome.scenario is not None
    shown = analyze_portfolio(outcome.scenario)
    headline = verdict_headline(shown)
    assert headline == data["verdict"][0].upper() + data["verdict"][1:] + "."
    for alt, mine in zip(alts, shown.alternatives, strict=True):
        figures = {f.label: f.value for f in answer_figures(mine, data["horizon_months"])}
        assert month_agrees(figures["Break-even"], alt["break_even_month"])
        assert agrees(figures["NPV over 24 months"], alt["npv_usd"])
        assert figures["Within a quarter?"] == ("yes" if alt["pays_back_within"]["3"] else "no")


def _usd(value: float) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.{2 if abs(value) < 1000 else 0}f}"


def _one_workload(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """An example as it is, and with its traffic as its one workload."""
    plain = EXAMPLES / f"{name}.toml"
    data = read_scenario_data(plain)
    data["workloads"] = [{"name": "only", "traffic": data.pop("traffic")}]
    one = tmp_path / f"{name}-one-workload.toml"
    one.write_text(dump_scenario(parse_scenario(data), "toml"))
    return plain, one


@pytest.mark.parametrize("name", ["seed", "quarter-200k", "growth"])
def test_a_portfolio_of_one_workload_is_the_plain_analysis(tmp_path: Path, name: str) -> None:
    plain_path, one = _one_workload(tmp_path, name)
    code, out, _ = run("analyze", plain_path, "--json")
    assert code == 0
    plain = json.loads(out)
    portfolio = _json(one)
    for alt, mine in zip(plain["alternatives"], portfolio["alternatives"], strict=True):
        assert mine["name"] == alt["name"]
        for key in (
            "break_even_month",
            "break_even_requests",
            "npv_usd",
            "one_time_usd",
            "monthly_cost_usd",
            "cumulative_savings_usd",
        ):
            assert mine[key] == pytest.approx(alt[key], rel=1e-12), key
        assert mine["pays_back_within"] == alt["pays_back_within"]  # null past the horizon
        assert mine["baseline_usd"] == pytest.approx(plain["baseline"]["monthly_cost_usd"])
    # the verdicts say the same month, quarter and NPV, in the same words
    tail = re.compile(r"pays back in month [\d.]+.*?, (?:not )?within a quarter; NPV .*$")
    said_plain, said_one = (tail.search(v) for v in (plain["verdict"], portfolio["verdict"]))
    if said_plain is None:  # does not pay back
        assert "does not pay back" in plain["verdict"]
        assert "does not pay back" in portfolio["verdict"]
    else:
        assert said_one is not None
        month = re.compile(r"pays back in month [\d.]+")
        assert month.findall(said_plain.group()) == month.findall(said_one.group())
        assert said_plain.group().split("; ")[-1] == said_one.group().split("; ")[-1]  # NPV


def test_one_workload_is_said_as_one(tmp_path: Path) -> None:
    """No "1 workloads", no "Even with all 1 workload", no order of one, no "$X shared" of
    a one-time cost nothing else shares."""
    _, one = _one_workload(tmp_path, "quarter-200k")
    texts = []
    for args in (("analyze", one), ("explain", one)):
        code, out, _ = run(*args)
        assert code == 0
        texts.append(" ".join(out.split()))
    for suffix in ("md", "html"):
        # the Markdown report's folder is made when missing, as for a plain scenario
        path = tmp_path / "new folder" / f"r.{suffix}"
        code, _, err = run("report", one, "-o", path)
        assert (code, err) == (0, "")
        texts.append(html.unescape(path.read_text()) if suffix == "html" else path.read_text())
        (tmp_path / "new folder" / f"r.{suffix}").unlink()
    for text in texts:
        assert "1 workloads" not in text
        assert "all 1 workload" not in text
        assert "this 1 workload" not in text
        assert re.search(r"\$[\d,]+ (of it )?shared", text) is None
        assert "Move them in this order" not in text
    assert "24 months; 1 workload, 200,000 requests in month 1" in texts[0]
    assert "With its one workload it does not pay back within a quarter (month 13.4)" in texts[0]
    assert "serving 1 workload pays back in month 13.4" in texts[0]
    assert "It serves 1 workload (only) for $1,102 a month in month 1" in texts[1]
