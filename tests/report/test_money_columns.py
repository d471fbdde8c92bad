"""Money down one column of a table is written alike: "$584.00" stood under "$2,184" in
analyze's cost table, and "$817.78" beside "$13,630" in a portfolio's; a migration step
that does not pay back within the horizon read "never" where every other output says "not
within N months"."""

from __future__ import annotations

import re
from pathlib import Path

import tomlkit

from helpers import EXAMPLES, run
from payback.report.portfolio_common import contribution_rows, order_rows
from payback.scenario.io import parse_scenario, read_scenario_data
from payback.studies.portfolio import analyze_portfolio

MONEY = re.compile(r"-?\$[\d,]+(\.\d\d)?")


def _kinds(cells: list[str]) -> set[bool]:
    """Whether each money cell has cents."""
    found = [MONEY.fullmatch(c) for c in cells if c]
    assert all(found), cells
    return {m.group(1) is not None for m in found if m}


def _cost_rows(out: str) -> list[list[str]]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("USD per month"))
    rows = []
    for line in lines[start + 2 :]:
        if line.strip().startswith("per 1k"):
            return rows
        rows.append(re.findall(r"-?\$[\d,.]+", line))
    raise AssertionError(out)


def test_each_cost_column_has_one_precision() -> None:
    code, out, err = run("analyze", EXAMPLES / "quarter-200k.toml")
    assert code == 0, err
    rows = _cost_rows(out)
    assert rows[0] == ["$2,184", "$2,184", "$52,416"]  # the baseline, 24 months of $2,184
    assert ["$584", "$584", "$14,016"] in rows  # the GPU: $0.80 × 730 h, × 24
    for column in zip(*rows, strict=True):
        assert len(_kinds(list(column))) == 1, column


def test_a_column_under_1000_dollars_keeps_its_cents() -> None:
    code, out, err = run("analyze", EXAMPLES / "seed.toml")
    assert code == 0, err
    rows = _cost_rows(out)
    columns = list(zip(*rows, strict=True))
    small = [
        c for c in columns if all(abs(float(v.strip("-$").replace(",", ""))) < 1000 for v in c)
    ]
    assert small, rows
    for column in small:
        assert _kinds(list(column)) == {True}, column


def test_portfolio_columns_and_the_order_past_the_horizon() -> None:
    analysis = analyze_portfolio(parse_scenario(read_scenario_data(EXAMPLES / "portfolio.toml")))
    alt = analysis.alternatives[0]
    rows = contribution_rows(alt)
    for index in (1, 3, 4):  # saves, fleet share, net
        assert len(_kinds([r[index] for r in rows])) == 1, [r[index] for r in rows]
    order = order_rows(alt, analysis.horizon_months)
    for index in (2, 3):
        assert len(_kinds([r[index] for r in order])) == 1
    never = [s for s in alt.order if s.break_even_month is None]
    assert never, "the example's first step should not pay back alone"
    shown = {r[1]: r[4] for r in order}
    for step in never:
        assert shown[step.workload] == "not within 24 months"
    assert "never" not in {cell for r in order for cell in r}


def test_a_portfolio_past_its_horizon_says_so_once() -> None:
    """Separate fleets per workload never pay back within the example's 24 months: the
    sentence read "does not pay back within a quarter (never within the horizon)"."""
    analysis = analyze_portfolio(parse_scenario(read_scenario_data(EXAMPLES / "portfolio.toml")))
    late = [a for a in analysis.alternatives if a.break_even_month is None]
    assert late, "the example's second alternative should not pay back within 24 months"
    for alt in late:
        assert alt.quarter.startswith("With all 5 workloads it does not pay back within 24 months;")


def test_a_per_request_portfolio_of_two_reads_as_written(tmp_path: Path) -> None:
    """Two workloads on a $2 per 1,000 alternative ($10 and $6 today, 100,000 and 50,000
    requests): $200 + $100 + $200 ops = $500 a month against $1,000 + $300; it read "Even
    with all 2 workloads", "Fleet per_request, priced per workload", "own fleet $0.00",
    "$500.00 against $1,300" and "6 months: yes" where a scenario says "6: yes"."""
    raw = {
        "scenario": {"name": "two", "horizon_months": 12},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 10.0},
        "alternatives": [
            {
                "name": "ft",
                "kind": "per_request",
                "usd_per_1k_requests": 2.0,
                "ops_usd_per_month": 200.0,
                "one_time": {"engineer_hours": 10, "engineer_usd_per_hour": 100.0},
            }
        ],
        "workloads": [
            {
                "name": "A",
                "traffic": {"requests_per_month": 100_000},
                "one_time": {"data_usd": 2000.0},
            },
            {
                "name": "B",
                "traffic": {"requests_per_month": 50_000},
                "baseline": {"name": "api2", "kind": "per_request", "usd_per_1k_requests": 6.0},
                "one_time": {"data_usd": 1000.0},
            },
        ],
    }
    path = tmp_path / "two.toml"
    path.write_text(tomlkit.dumps(raw))
    code, out, err = run("analyze", path)
    assert code == 0, err
    lines = {line.split("  ")[0]: line for line in out.splitlines()}
    assert (
        lines["Fleet"].split(None, 1)[1].strip() == "none: a price per 1,000 requests, per workload"
    )
    assert "$500 against $1,300 today (month 12: $500 against $1,300)" in lines["USD per month"]
    # $4,000 up front, $800 saved a month: month 5.00
    assert lines["Pays back within"].split(None, 3)[3].strip() == "3 months: no; 6: yes; 12: yes"
    assert "Even with both workloads it does not pay back within a quarter (month 5.0)." in out
    contributions = [
        line.split() for line in out.splitlines() if line.rstrip().endswith("pays its way")
    ]
    assert [row[2] for row in contributions] == ["-", "-"]
    assert "own fleet" not in out  # no fleet: its column has no header, its cells "-"
    # one month: the terminal and the documents say it alike, once
    raw["scenario"]["horizon_months"] = 1
    path.write_text(tomlkit.dumps(raw))
    code, out, err = run("analyze", path)
    assert code == 0, err
    said = " ".join(out.split())
    assert "NPV, 1 month " in said
    assert "Break-even not within 1 month" in said
    code, _, err = run("report", path, "-o", tmp_path / "one.md")
    assert code == 0, err
    md = (tmp_path / "one.md").read_text()
    assert md.count("| USD per month, month 1 |") == 1
    assert "| break-even | not within 1 month |" in md
    assert "carries the fleet" not in md  # no fleet to carry: the chart's caption says so


def test_a_contributions_table_writes_all_its_money_alike(tmp_path: Path) -> None:
    """Three workloads on one self-hosted baseline fleet moved to a hosted API, each
    -$27 × 12 = -$324 alone, the set retiring a $2,920 fleet: $35,040. The table read
    "-$324.00" under saves beside "-$324" under net (each column written alike, the net
    column whole for its $35,040). Every money cell of the table is now written alike: the
    terminal's, the reports' and the page's rows are the same cells."""
    from payback.report.portfolio_common import adds_up_words, baseline_fleet

    raw = {
        "scenario": {"name": "one fleet", "horizon_months": 12},
        "baseline": {
            "name": "own 70B fleet",
            "kind": "self_hosted",
            "usd_per_gpu_hour": 2.0,
            "gpus_per_replica": 2,
            "replica_requests_per_s": 5.0,
            "min_replicas": 1,
        },
        "alternatives": [
            {
                "name": "hosted mini",
                "kind": "hosted_api",
                "input_usd_per_mtok": 0.15,
                "output_usd_per_mtok": 0.6,
            }
        ],
        "workloads": [
            {
                "name": n,
                "traffic": {
                    "requests_per_month": 100_000,
                    "input_tokens": 1000,
                    "output_tokens": 200,
                },
            }
            for n in "abc"
        ],
    }
    analysis = analyze_portfolio(parse_scenario(raw))
    rows = contribution_rows(analysis.alternatives[0], baseline_fleet(analysis, 0))
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("a", "-$324", "-", "-$324"),
        ("b", "-$324", "-", "-$324"),
        ("c", "-$324", "-", "-$324"),
        ("baseline fleet, retired as a set", "", "", "$35,040"),
        ("shared ops, shared one-time", "", "", "$0"),
    ]
    assert "The nets (-$324, -$324, -$324), the row" in adds_up_words(analysis, 0)
    path = tmp_path / "one-fleet.toml"
    path.write_text(tomlkit.dumps(raw), encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 0, err
    table = out[out.index("What each workload brings") : out.index("Migration order")]
    assert _kinds(re.findall(r"-?\$[\d,.]+", table)) == {False}
    # 20% of requests still sent to the fleet keep it running: no set's row, every figure
    # under $1,000 (-$21.60 × 12 = -$259.20 each), and the table keeps its cents throughout
    raw["alternatives"][0]["escalation_share"] = 0.2
    analysis = analyze_portfolio(parse_scenario(raw))
    rows = contribution_rows(analysis.alternatives[0], baseline_fleet(analysis, 0))
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("a", "-$259.20", "-$259.20"),
        ("b", "-$259.20", "-$259.20"),
        ("c", "-$259.20", "-$259.20"),
        ("shared ops, shared one-time", "", "$0.00"),
    ]
