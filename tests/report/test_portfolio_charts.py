"""A portfolio's report has the scenario report's parts: charts (cumulative cost with each
break-even marked; each workload's contribution), how the break-even is computed with its
figures and why the migration order is this one; every figure is ``analyze --json``'s."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import FROZEN_PORTFOLIO, run
from payback.report.portfolio_charts import cumulative_costs, workload_contributions
from payback.report.portfolio_document import (
    portfolio_explanation,
    portfolio_html,
    portfolio_markdown,
)
from payback.scenario import load_scenario, parse_scenario
from payback.studies.portfolio import analyze_portfolio

PORTFOLIO = FROZEN_PORTFOLIO
MONEY = r"-?\$[\d,]+(?:\.\d+)?"

TINY: dict[str, Any] = {
    "scenario": {"name": "two workloads", "horizon_months": 12},
    "baseline": {"name": "today", "kind": "per_request", "usd_per_1k_requests": 10.0},
    "alternatives": [
        {
            "name": "after",
            "kind": "per_request",
            "usd_per_1k_requests": 2.0,
            "ops_usd_per_month": 200.0,
            "one_time": {"engineer_hours": 40, "engineer_usd_per_hour": 100.0},
        }
    ],
    "workloads": [
        {"name": "a", "traffic": {"requests_per_month": 100_000}},
        {
            "name": "b",
            "traffic": {"requests_per_month": 50_000},
            "baseline": {"name": "today b", "kind": "per_request", "usd_per_1k_requests": 6.0},
        },
    ],
}

# by hand: today 100k x $10/1k + 50k x $6/1k = $1,000 + $300 = $1,300 a month; after,
# 150k x $2/1k + $200 ops = $500; $800 saved a month against $4,000 once: month 5.00,
# after 5 x 150,000 = 750,000 requests; $1,300 / 150 = $8.67 and $500 / 150 = $3.33 per 1,000
TINY_HOW = [
    "In month 1 the 2 workloads cost $1,300 on today's APIs (150,000 requests, $8.67 per "
    "1,000) and 'after' costs $500 ($3.33 per 1,000), so switching saves $800 that month.",
    "Cumulative savings start at -$4,000 (the one-time cost) and add each month's difference. "
    "They first reach zero in month 5: -$800 at the end of month 4, $0 at the end of month 5. "
    "Linear inside the month, break-even = 4 + $800 / $800 = month 5.00, after 750,000 "
    "requests.",
]


def test_a_tiny_portfolios_break_even_is_explained_as_computed_by_hand(tmp_path: Path) -> None:
    analysis = analyze_portfolio(parse_scenario(TINY))
    sections = dict(portfolio_explanation(analysis))
    assert sections["after: how the break-even is computed here"] == TINY_HOW
    assert sections["after: why this migration order"] == [
        "The first to move is a: alone it has the highest NPV of any workload ($3,200). Then each step "
        "moves the workload that adds the most NPV given those already moved: b adds $2,400 "
        "(NPV so far $5,600, break-even month 5.0). Checked against every order (the sum of "
        "the NPVs of each first k): none is better."
    ]
    # by hand, undiscounted: a moved alone carries the ops and the one-time cost,
    # 12 x ($1,000 - $200 - $200 ops) - $4,000 = $3,200; b adds 12 x ($300 - $100) = $2,400
    chart = cumulative_costs(analysis)
    assert chart.series[0].y[:3] == [0.0, 1300.0, 2600.0]
    assert chart.series[1].y[:3] == [4000.0, 4500.0, 5000.0]
    (marker,) = chart.markers
    assert (marker["x"], marker["y"], marker["text"]) == (
        5.0,
        6500.0,
        "after: break-even month 5.0",
    )
    # explain, and both documents, say it
    file = tmp_path / "tiny.toml"
    from payback.scenario.io import dump_scenario

    file.write_text(dump_scenario(parse_scenario(TINY)))
    code, out, err = run("explain", file, "--json")
    assert code == 0, err
    said = {s["title"]: s["paragraphs"] for s in json.loads(out)["sections"]}
    assert said["after: how the break-even is computed here"] == TINY_HOW
    md = portfolio_markdown(analysis).replace("\\", "")
    page = html.unescape(portfolio_html(analysis))
    for paragraph in TINY_HOW:
        assert paragraph in md
        assert f"<p>{paragraph}</p>" in page


def agrees(shown: str, value: float) -> bool:
    """``shown`` is ``value`` to its digits: "-$5", "a loss of $5", "lowers the NPV by $5"
    are -5, "adds $5" is 5."""
    for loss in ("a loss of ", "lowers the NPV by "):
        shown = "-" + shown.removeprefix(loss) if shown.startswith(loss) else shown
    digits = shown.removeprefix("adds ").replace("$", "").replace(",", "")
    half = 0.5 * 10.0 ** -len(digits.partition(".")[2])
    return abs(float(digits) - value) <= half * (1 + 1e-9) + 1e-9 * abs(value)


def test_the_portfolio_examples_charts_and_words_are_analyze_json(tmp_path: Path) -> None:
    code, out, err = run("analyze", PORTFOLIO, "--json")
    assert code == 0, err
    alts = json.loads(out)["portfolio"]["alternatives"]
    analysis = analyze_portfolio(load_scenario(PORTFOLIO))
    chart = cumulative_costs(analysis)
    (baseline, *lines) = chart.series  # every alternative serves the five: one baseline
    assert len(lines) == len(alts) == 2
    for k, alt in enumerate(alts):
        base = np.concatenate([[0.0], np.cumsum(alt["baseline_usd"])])
        cost = alt["one_time_usd"] + np.concatenate([[0.0], np.cumsum(alt["monthly_cost_usd"])])
        assert np.allclose(baseline.y, base, rtol=1e-12)
        assert np.allclose(lines[k].y, cost, rtol=1e-12)
        # the gap between the lines is the cumulative savings analyze gives
        assert np.allclose(base - cost, alt["cumulative_savings_usd"], atol=1e-6)
        bars = workload_contributions(analysis, k)
        by_name = {s.name.split(" (")[0].split(":")[0]: s.y for s in bars.series}
        assert bars.markers[0]["labels"] == [c["workload"] for c in alt["contributions"]]
        assert by_name["saves"] == [c["savings_usd"] for c in alt["contributions"]]
        assert by_name["fleet share" if k == 0 else "own fleet"] == [
            c["fleet_usd"] for c in alt["contributions"]
        ]
        assert by_name["net"] == [c["net_usd"] for c in alt["contributions"]]
    marked = {m["name"]: m["x"] for m in chart.markers}
    assert marked == {a["name"]: a["break_even_month"] for a in alts if a["break_even_month"]}
    # the words: month 1's costs, the one-time cost, the crossing, each step of the order
    sections = dict(portfolio_explanation(analysis))
    # the order is said once, in its own section (the first section listed it as well,
    # SQL helper's step as $406.09 where the order section says $406)
    assert not any("Move them in this order" in p for ps in sections.values() for p in ps)
    for alt in alts:
        how = " ".join(sections[f"{alt['name']}: how the break-even is computed here"])
        month1 = re.search(
            rf"cost ({MONEY}) on today's APIs \(([\d,]+) requests.*costs ({MONEY}) .*saves ({MONEY}) that month",
            how,
        )
        assert month1 is not None, how
        assert agrees(month1.group(1), alt["baseline_usd"][0])
        assert agrees(month1.group(2), alt["requests_per_month"][0])
        assert agrees(month1.group(3), alt["monthly_cost_usd"][0])
        assert agrees(month1.group(4), alt["baseline_usd"][0] - alt["monthly_cost_usd"][0])
        start = re.search(rf"start at ({MONEY}) \(the one-time cost, ({MONEY}) of it shared", how)
        assert start is not None, how
        assert agrees(start.group(1), alt["cumulative_savings_usd"][0])
        assert agrees(start.group(1), -alt["one_time_usd"])
        assert agrees(start.group(2), alt["shared_one_time_usd"])
        cum, t = alt["cumulative_savings_usd"], alt["break_even_month"]
        if t is None:
            assert "They never reach zero within 24 months." in how
        else:
            m = int(np.ceil(t))
            cross = re.search(
                rf"month {m}: ({MONEY}) at the end of month {m - 1}, ({MONEY}) at the end of "
                rf"month {m}\. .* = {m - 1} \+ ({MONEY}) / ({MONEY}) = month ([\d.]+), after "
                r"([\d,]+) requests\.",
                how,
            )
            assert cross is not None, how
            for shown, value in zip(
                cross.groups(),
                [
                    cum[m - 1],
                    cum[m],
                    -cum[m - 1],
                    cum[m] - cum[m - 1],
                    t,
                    alt["break_even_requests"],
                ],
                strict=True,
            ):
                assert agrees(shown, value), (shown, value)
        order = sections[f"{alt['name']}: why this migration order"][0]
        steps = alt["migration_order"]
        first = re.search(rf"^The first to move is (.+?): .*\(((?:a loss of )?{MONEY})\)\.", order)
        assert first is not None, order
        assert first.group(1) == steps[0]["workload"]
        assert agrees(first.group(2), steps[0]["marginal_npv_usd"])
        for step in steps[1:]:
            said = re.search(
                rf"{step['workload']} ((?:adds|lowers the NPV by) {MONEY}) \(NPV so far ((?:a loss of )?{MONEY}), (break-even month [\d.]+|not within 24 months)\)",
                order,
            )
            assert said is not None, (step, order)
            assert agrees(said.group(1), step["marginal_npv_usd"])
            assert agrees(said.group(2), step["npv_usd"])
            if step["break_even_month"] is None:
                assert said.group(3) == "not within 24 months"
            else:
                assert agrees(
                    said.group(3).removeprefix("break-even month "), step["break_even_month"]
                )


def test_a_markdown_report_is_written_with_its_charts_or_not_at_all(tmp_path: Path) -> None:
    """A PNG beside the report that payback did not write is not replaced, and then nothing
    is written: not the report, not the other charts."""
    mine = tmp_path / "r-one-contributions-1.png"
    mine.write_bytes(b"my own picture")
    code, _, err = run("report", PORTFOLIO, "-o", tmp_path / "r.md")
    assert code == 2
    assert "r-one-contributions-1.png" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r-one-contributions-1.png"]
    assert mine.read_bytes() == b"my own picture"


def test_a_fleetless_alternatives_bars_are_saves_and_net() -> None:
    analysis = analyze_portfolio(parse_scenario(TINY))
    bars = workload_contributions(analysis, 0)
    # a price per 1,000 requests: no fleet to share; a saves 12 x $800, less the $4,000
    # paid once (shared, not a workload's), b 12 x $200, undiscounted
    assert [(s.name, s.y) for s in bars.series] == [
        ("saves", [9600.0, 2400.0]),
        ("net", [9600.0, 2400.0]),
    ]


def test_what_decides_a_portfolio_is_payback_sensitivitys_ranking() -> None:
    code, out, err = run("sensitivity", PORTFOLIO, "--json")
    assert code == 0, err
    ranked = json.loads(out)["alternatives"]
    sections = dict(portfolio_explanation(analyze_portfolio(load_scenario(PORTFOLIO))))
    for alt in ranked:
        name = alt["name"].removesuffix(" (portfolio)")
        said, advice, *_ = sections[f"{name}: what decides it"]  # then the capacity held
        for d in alt["drivers"][:3]:
            path = re.escape(d["parameter"])
            found = re.search(rf"\({path}; [^)]+\): NPV ({MONEY}) to ({MONEY}), break-even ", said)
            assert found is not None, (d["parameter"], said)
            assert agrees(found.group(1), d["npv_low_usd"])
            assert agrees(found.group(2), d["npv_high_usd"])
        assert said.index(alt["drivers"][0]["parameter"]) < said.index(
            alt["drivers"][2]["parameter"]
        )
        assert advice.startswith("Measure first: ")
    said, advice, _held = sections["Llama 3.1 8B, an adapter per task, one fleet: what decides it"]
    assert (
        "support triage's requests per month, in month 1 (workloads.0.traffic.requests_per_month;"
        " 300k to 500k requests/month, ±25%): NPV $9,003 to $30,713, break-even month 16.5 to "
        "month 10.5." in said
    )
    assert (
        "(baseline.price_change_annual; -30.0% to 0.0% a year, assumed for a rate left at 0)"
        in said
    )
    assert advice == (
        "Measure first: the price on your API contract. Narrowing the baseline input price "
        "narrows the answer more than anything else."
    )


def test_a_portfolios_inputs_are_listed_with_their_sources() -> None:
    from payback.report.inputs import input_cells
    from payback.report.portfolio_document import inputs_rows

    header, cells = input_cells(inputs_rows(analyze_portfolio(load_scenario(PORTFOLIO))))
    assert header == ["input", "value used", "source"]  # no range, no catalog reference
    rows = {r[0]: r[1:] for r in cells}
    # a workload's own term on an alternative, keyed by the alternative's name in the file
    assert rows["workloads.1.alternatives.0.replica_requests_per_s"] == ["4", "scenario file"]
    assert rows["workloads.0.traffic.requests_per_month"] == ["400,000", "scenario file"]
    assert rows["workloads.0.traffic.growth_monthly"] == ["0%", "default"]
    assert rows["alternatives.0.usd_per_gpu_hour"] == ["$0.86", "scenario file"]
    assert rows["scenario.discount_rate_annual"] == ["10%", "scenario file"]
    assert rows["workloads.4.one_time.data_usd"] == ["$1,200", "scenario file"]
    # a range where the file gives one; both documents carry the table
    data = json.loads(json.dumps(TINY))
    data["workloads"][0]["traffic"]["requests_per_month"] = {
        "dist": "triangular",
        "low": 80_000,
        "mode": 100_000,
        "high": 150_000,
    }
    analysis = analyze_portfolio(parse_scenario(data))
    header, cells = input_cells(inputs_rows(analysis))
    assert header == ["input", "value used", "range", "source"]
    rows = {r[0]: r[1:] for r in cells}
    assert rows["workloads.0.traffic.requests_per_month"] == [
        "100,000",
        "triangular: low 80,000, mode 100,000, high 150,000",
        "scenario file",
    ]
    md = portfolio_markdown(analysis)
    assert "## Inputs and where they come from" in md
    assert "| `workloads.0.traffic.requests_per_month` | 100,000 | triangular: low 80,000" in md
    path = "workloads.<wbr>1.<wbr>traffic.<wbr>requests_per_month"  # breaks after a dot
    assert f"<td><code>{path}</code></td><td>50,000</td>" in portfolio_html(analysis)


def test_a_sampled_portfolio_report_has_the_fan_and_the_histogram(tmp_path: Path) -> None:
    """`payback report --samples` of a portfolio had no chart of the samples (nor a word of
    them), where a scenario's has the savings fan and the break-even histogram: it has
    both now, per alternative, from the scenario's own chart functions.

    By hand: workload a's 60,000 to 140,000 requests (uniform) save $8 per 1,000; b's
    50,000 save $4 per 1,000, the $200 of ops a month: savings are $0.008 x R a month
    against $4,000 once, so the break-even is month 500,000 / R and the savings at month 12
    are -$4,000 + 12 x 0.008 R: $2,528 at R's p10 (68,000), $5,600 at its median, $8,672
    at its p90 (132,000). Month 4 (a break-even in [3, 4): R over 125,000) holds 15/80 of
    the samples, month 5 (R from 100,000 to 125,000) 25/80, month 9 (R under 62,500) 2.5/80,
    and none never pays back."""
    from payback.report.markdown import png_bytes
    from payback.report.portfolio_charts import portfolio_charts
    from payback.report.portfolio_document import portfolio_markdown_files

    data = json.loads(json.dumps(TINY))
    data["workloads"][0]["traffic"]["requests_per_month"] = {
        "dist": "uniform",
        "low": 60_000,
        "high": 140_000,
    }
    scenario = parse_scenario(data)
    assert [c.key for c in portfolio_charts(analyze_portfolio(scenario))] == [
        "cumulative-portfolio",
        "one-contributions-0",
    ]
    analysis = analyze_portfolio(scenario, samples=4_000, seed=1)
    charts = {c.key: c for c in portfolio_charts(analysis)}
    assert list(charts) == ["cumulative-portfolio", "one-contributions-0", "fan-0", "histogram-0"]
    fan = {s.name: s.y for s in charts["fan-0"].series}
    assert fan["p50"][0] == pytest.approx(-4_000.0)
    for name, by_hand in (("p10", 2_528.0), ("p50", 5_600.0), ("p90", 8_672.0)):
        assert fan[name][12] == pytest.approx(by_hand, abs=150.0)
    assert charts["fan-0"].title == "Cumulative savings of after: p10 to p90 of 4,000 samples"
    shares = charts["histogram-0"].series[0].y
    assert shares[3] == pytest.approx(15 / 80, abs=0.03)  # month 4
    assert shares[4] == pytest.approx(25 / 80, abs=0.03)  # month 5
    assert shares[8] == pytest.approx(2.5 / 80, abs=0.015)  # month 9
    assert sum(shares[:3]) == 0.0
    assert sum(shares[9:]) == 0.0
    assert charts["histogram-0"].markers == [{"never": 0.0}]
    assert charts["histogram-0"].note == "0% of samples never break even within 12 months."
    # the same figures as the summary analyze --json gives
    summary = analysis.uncertainty["alternatives"][0]  # type: ignore[index]
    assert fan == summary["cumulative_savings_percentiles"]
    assert [round(y * 4_000) for y in shares] == summary["break_even_month_histogram"][:-1]
    # both documents carry them, and the terminal's sentence of the samples
    page = portfolio_html(analysis)
    assert 'id="plot-fan-0"' in page
    assert 'id="plot-histogram-0"' in page
    assert "Monte Carlo (4,000 samples): pays back within 3 months 0%" in page
    files = portfolio_markdown_files(analysis, tmp_path / "report.md")
    assert files[tmp_path / "report-fan-0.png"] == png_bytes(charts["fan-0"])
    assert tmp_path / "report-histogram-0.png" in files
    text = files[tmp_path / "report.md"].decode()
    assert "![Break-even month of after across 4,000 samples](report-histogram-0.png)" in text


def test_the_histograms_never_share_is_clear_of_a_long_title() -> None:
    """The PNG histogram wrote 'never within the horizon: 0%' above the plot's right end,
    where the title of an alternative with a long name ran under it ('Break-even month of
    Llama 3.1 8B, an adapter per task, one fleet across 2,000 samples'): it is in the
    legend now, below the plot."""
    import matplotlib

    from payback.report.markdown import draw
    from payback.report.portfolio_charts import sampled_charts

    data = json.loads(json.dumps(TINY))
    data["alternatives"][0]["name"] = "Llama 3.1 8B, an adapter per task, one fleet"
    data["workloads"][0]["traffic"]["requests_per_month"] = {
        "dist": "uniform",
        "low": 60_000,
        "high": 140_000,
    }
    analysis = analyze_portfolio(parse_scenario(data), samples=2_000)
    _, histogram = sampled_charts(analysis, 0)
    figure = draw(histogram)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [t for t in figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
    (title,) = [t for t in texts if t.get_text().startswith("Break-even month of Llama")]
    (never,) = [t for t in texts if t.get_text() == "never within the horizon: 0%"]
    assert not title.get_window_extent(renderer).overlaps(never.get_window_extent(renderer))
    matplotlib.pyplot.close(figure)
