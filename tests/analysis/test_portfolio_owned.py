"""A portfolio's owned shared fleet bought in cash, its baseline's words and its workloads'
training jobs, tried as a new user would.

- tests/data/portfolio.toml with the shared fleet's rent replaced by owned servers bought in
  cash ($60,000 a server of 4 GPUs) said "One-time cost $88,390 ($14,400 shared, the rest
  per workload)", though the workloads' own items add up to $13,990: the $60,000 server
  is the shared fleet's. Its contribution table left the server out of every workload's
  fleet share (all 5 "carry the fleet"), where depreciation puts the server's charge in.
- A workload's own training job was priced with the packaged catalog even when the
  portfolio was prepared with a catalog of the caller's own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import payback
from helpers import FROZEN_PORTFOLIO, run
from payback import finance as model
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, default_catalog
from payback.scenario import parse_scenario
from payback.studies.portfolio import analyze_portfolio

OWNED = """[alternatives.owned]
usd_per_server = 60000
gpus_per_server = 4
kw_per_server = 3
usd_per_kwh = 0.1
pue = 1.4
colocation_usd_per_server_month = 500
depreciation_months = 36
financing = "FINANCING"
"""
OWN_ITEMS = 4150 + 4240 + 1260 + 2420 + 1920  # data + eval + training × runs, per workload


def _owned_file(tmp_path: Path, financing: str = "cash") -> Path:
    """tests/data/portfolio.toml with the shared fleet's rent replaced by owned servers."""
    text = FROZEN_PORTFOLIO.read_text()
    rent = "usd_per_gpu_hour = 0.86          # an L40S"
    assert rent in text
    text = text.replace(rent, "# an L40S", 1)
    at = text.index("[alternatives.one_time]")
    text = text[:at] + OWNED.replace("FINANCING", financing) + text[at:]
    path = tmp_path / f"pfo_{financing}.toml"
    path.write_text(text)
    return path


def _shared(analysis: Any) -> Any:
    return analysis.alternatives[0]


def test_the_servers_the_shared_fleet_buys_are_its_own_not_the_workloads(
    tmp_path: Path,
) -> None:
    path = _owned_file(tmp_path)
    analysis = analyze_portfolio(payback.load_scenario(path))
    alt = _shared(analysis)
    assert alt.one_time_usd == pytest.approx(88_390)
    assert alt.shared_one_time_usd == pytest.approx(14_400)  # the serving stack: 120 h × $120
    assert alt.fleet_one_time_usd == pytest.approx(60_000)  # one server, bought at t = 0
    assert alt.workloads_one_time_usd == pytest.approx(OWN_ITEMS)  # 13,990
    parts = alt.shared_one_time_usd + alt.fleet_one_time_usd + alt.workloads_one_time_usd
    assert parts == pytest.approx(alt.one_time_usd)
    # a fleet of separate rented GPUs buys nothing: its parts add up as well
    other = analysis.alternatives[1]
    assert other.fleet_one_time_usd == 0.0
    assert other.shared_one_time_usd + other.workloads_one_time_usd == pytest.approx(
        other.one_time_usd
    )


def _pv(monthly: Any, rate: float) -> float:
    return float(model.net_present_value(np.asarray(monthly, dtype=float), 0.0, 0.0, rate))


def test_a_cash_server_is_in_each_workloads_fleet_share_by_its_gpu_time(tmp_path: Path) -> None:
    analysis = analyze_portfolio(payback.load_scenario(_owned_file(tmp_path)))
    alt = _shared(analysis)
    outcome = analysis.evaluation.alternatives[0]
    share = np.asarray(outcome.fleet_share)
    fleet = np.asarray(outcome.fleet_usd)
    rate = 0.10
    weights = [_pv(share[k], rate) for k in range(len(share))]
    for k, c in enumerate(alt.contributions):  # its monthly share and the server's, alike
        expected = _pv(fleet * share[k], rate) + 60_000 * weights[k] / sum(weights)
        assert c.fleet_usd == pytest.approx(expected, rel=1e-9)
    # the fleet shares and what is shared add up to the NPV; the server is all in the shares
    assert sum(c.net_usd for c in alt.contributions) - alt.shared_usd == pytest.approx(alt.npv_usd)
    fleet_pv = _pv(fleet, rate) + 60_000
    assert sum(c.fleet_usd for c in alt.contributions) == pytest.approx(fleet_pv)
    assert alt.riders  # SQL helper saves $406 against its share of a $60,000 server
    assert alt.shared_usd < 60_000


def test_cash_and_depreciation_attribute_the_server_alike(tmp_path: Path) -> None:
    """The shares of the fleet's cost each workload takes are the same under either
    financing (constant traffic: the same share every month); only what is charged differs
    (cash: the whole server; depreciation: its months within the horizon)."""
    cash = _shared(analyze_portfolio(payback.load_scenario(_owned_file(tmp_path))))
    dep = _shared(analyze_portfolio(payback.load_scenario(_owned_file(tmp_path, "depreciation"))))
    total_cash = sum(c.fleet_usd for c in cash.contributions)
    total_dep = sum(c.fleet_usd for c in dep.contributions)
    for c, d in zip(cash.contributions, dep.contributions, strict=True):
        assert c.fleet_usd / total_cash == pytest.approx(d.fleet_usd / total_dep)
    # what no workload carries is the same: the serving stack and ops, not the server
    assert cash.shared_usd == pytest.approx(dep.shared_usd)
    assert cash.shared_usd == pytest.approx(14_400 + _pv(np.full(24, 500.0), 0.10))
    assert dep.fleet_one_time_usd == 0.0
    assert dep.shared_one_time_usd + dep.workloads_one_time_usd == pytest.approx(dep.one_time_usd)


def test_the_words_json_and_reports_say_the_servers_are_the_fleets(tmp_path: Path) -> None:
    path = _owned_file(tmp_path)
    text = run("analyze", path)[1]
    assert "One-time cost           $88,390 ($14,400 shared, $60,000 of servers for the" in text
    assert "$13,990 per workload" in " ".join(text.split())
    shared_block = text.split("a fine-tuned 8B and its own fleet per task (self-hosted)")[0]
    assert "rest per workload" not in shared_block
    said = " ".join(shared_block.split()).split("One-time cost ")[1].split(")")[0]
    total, *parts = [int(a.replace(",", "")) for a in re.findall(r"\$([\d,]+)", said)]
    assert (total, sum(parts), len(parts)) == (88_390, 88_390, 3)  # the parts shown add up
    data = json.loads(run("analyze", path, "--json")[1])
    alt = data["portfolio"]["alternatives"][0]
    assert (alt["shared_one_time_usd"], alt["fleet_one_time_usd"]) == (14_400, 60_000)
    assert alt["workloads_one_time_usd"] == pytest.approx(OWN_ITEMS)
    words = " ".join(run("explain", path)[1].split())
    assert "$14,400 of it shared by all, $60,000 of servers for the shared fleet" in words
    report = tmp_path / "report.md"
    assert run("report", path, "-o", report)[0] == 0
    shown = report.read_text().replace("\\$", "$")  # Markdown escapes each $
    assert (
        "$88,390 ($14,400 shared, $60,000 of servers for the shared fleet, $13,990 per workload)"
        in shown
    )


# ---------------------------------------------------------------- a catalog of one's own

HOSTED = "together.lora-up-to-16b"
JOB = {"hosted": HOSTED, "examples": 20_000, "tokens_per_example": 1_000, "epochs": 3}


def _two_workloads() -> dict[str, Any]:
    traffic = {"output_tokens": 200, "input_tokens": 1000}
    return {
        "scenario": {"name": "two tasks", "horizon_months": 12},
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.5,
            "output_usd_per_mtok": 10.0,
        },
        "alternatives": [
            {
                "name": "adapters",
                "kind": "self_hosted",
                "usd_per_gpu_hour": 2.0,
                "replica_requests_per_s": 10.0,
                "portfolio": {"fleet": "shared"},
            },
        ],
        "workloads": [
            {
                "name": "a",
                "traffic": traffic | {"requests_per_month": 1_000_000},
                "one_time": {"training": JOB, "training_runs": 2},
            },
            {"name": "b", "traffic": traffic | {"requests_per_month": 500_000}},
        ],
    }


def test_a_workloads_training_job_is_priced_with_the_portfolios_catalog() -> None:
    cat = default_catalog()
    offer = cat.finetune(HOSTED)
    dearer = offer.model_copy(update={"training_usd_per_mtok": offer.training_usd_per_mtok * 5})
    mine = Catalog(gpus=cat.gpus, models=cat.models, finetunes={**cat.finetunes, HOSTED: dearer})
    scenario = parse_scenario(_two_workloads())
    ours = evaluate_portfolio(prepare(scenario, mine)).alternatives[0].pieces.one_time_usd[0]
    packaged = evaluate_portfolio(prepare(scenario)).alternatives[0].pieces.one_time_usd[0]
    # analyze of that workload alone, its job an alternative's one-time item
    alone = _two_workloads()
    del alone["workloads"]
    alone["traffic"] = {"requests_per_month": 1_000_000, "input_tokens": 1000, "output_tokens": 200}
    alone["alternatives"][0]["one_time"] = {"training": JOB}
    del alone["alternatives"][0]["portfolio"]
    job = resolve(parse_scenario(alone), mine).scenario.alternatives[0].one_time.training_usd
    assert job == pytest.approx(60.0 * 0.48 * 5)  # 60M tokens at 5 × $0.48/M
    assert float(ours) == pytest.approx(2 * job)
    assert float(packaged) == pytest.approx(2 * 60.0 * 0.48)


# ---------------------------------------------------------------- the baseline's words


def test_a_self_hosted_baseline_is_not_called_todays_apis() -> None:
    from payback.report.portfolio_charts import cumulative_costs
    from payback.report.portfolio_document import portfolio_explanation

    traffic = {"requests_per_month": 100_000, "input_tokens": 1000, "output_tokens": 200}
    data = {
        "scenario": {"name": "self-hosted baseline portfolio", "horizon_months": 12},
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
        "workloads": [{"name": f"task {k}", "traffic": traffic} for k in range(3)],
    }
    analysis = analyze_portfolio(parse_scenario(data))
    chart = cumulative_costs(analysis)
    assert chart.series[0].name == "baseline: today's baseline ('own 70B fleet')"
    assert "every workload on today's baseline ('own 70B fleet'), starts at $0" in chart.note
    words = " ".join(" ".join(p) for _, p in portfolio_explanation(analysis))
    # on one baseline fleet shared today: what moving them sheds of it ($2,920)
    assert "moving the 3 workloads off today's baseline ('own 70B fleet') saves $2,920" in words
    assert "today's API" not in words + chart.note + chart.series[0].name
