"""What the workloads share (``shared_usd``) is the contributions table's "shared ops,
shared one-time" row, in every output, where the workloads share a self-hosted baseline
fleet today: the JSON gave $2,353.15 and -$37,529.14 (the baseline fleet's joint saving,
$43,529.14, folded in) where the text, Markdown and HTML said -$45,882 and -$6,000 (tried
as a new user would, on a 70B fleet two workloads share today)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from helpers import run
from payback import finance as model
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio

FILE = Path(__file__).parent.parent / "data" / "portfolio_baseline_fleet_shared_row.toml"


def _pv(monthly: float, months: int, rate: float) -> float:
    flows = np.full(months, monthly)
    return float(model.net_present_value(flows, 0.0, 0.0, rate))


def test_shared_usd_is_the_alternatives_own_shared_costs_by_hand() -> None:
    analysis = analyze_portfolio(load_scenario(FILE))
    tuned, hosted = analysis.alternatives
    # 200 h x $150 + $5,000 data, and $500 ops a month over 24 months at 10%
    assert tuned.shared_usd == pytest.approx(35_000.0 + _pv(500.0, 24, 0.10))
    assert round(tuned.shared_usd, 2) == 45_882.28
    assert hosted.shared_usd == pytest.approx(40 * 150.0)  # its one-time engineering alone
    for index, alt in enumerate(analysis.alternatives):
        facts = analysis.to_dict()["alternatives"][index]["baseline_fleet"]
        assert round(facts["joint_usd"], 2) == 43_529.14
        nets = sum(c.net_usd for c in alt.contributions)
        assert nets + facts["joint_usd"] - alt.shared_usd == pytest.approx(alt.npv_usd)


def test_the_json_and_the_tables_shared_row_are_one_figure(tmp_path: Path) -> None:
    code, out, err = run("analyze", FILE, "--json")
    assert code == 0, err
    shared = [a["shared_usd"] for a in json.loads(out)["portfolio"]["alternatives"]]
    assert [round(x, 2) for x in shared] == [45_882.28, 6_000.0]
    code, out, err = run("analyze", FILE)
    assert code == 0, err
    rows = re.findall(r"shared ops,\s+(?:shared one-time\s+)?(?:shared\s+)?(-\$[\d,]+)", out)
    assert rows == ["-$45,882", "-$6,000"]
    markdown = tmp_path / "r.md"
    code, _, err = run("report", FILE, "-o", markdown)
    assert code == 0, err
    text = markdown.read_text(encoding="utf-8")
    found = re.findall(r"\| shared ops, shared one-time \|[^\n]*?(-\\\$[\d,]+) \|", text)
    assert found == [r"-\$45,882", r"-\$6,000"]
