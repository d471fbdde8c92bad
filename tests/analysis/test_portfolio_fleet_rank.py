"""A fleet several workloads share chooses its replica size by the rule analyze chooses one
workload's by (:func:`~payback.analysis.resolve_fleet.fleet_rank`): the sizes where every
workload meets its own ``ttft_ms`` first, then the cost over the horizon, then the more
spare capacity paid for, then the faster first token.

Llama 3.1 70B at FP8 on H100s at $2.00/GPU-hour, ``tpot_ms = 14``, no
``gpus_per_replica``: 'support' (1,200/250 tokens) serves 3.7099 requests/s on a 4-GPU
replica and 11.458 on an 8-GPU one, 'summaries' (3,000/300) 1.4152 and 4.4838; their
mean first tokens where the fleet runs are 121.9 and 433.7 ms on 4 GPUs, 59.6 and 124.6
ms on 8. The fleet mixes no adapters (η = 1, every busiest hour at once), so it runs
⌈Σ_w r_w · p_w / (730 · 3,600 · c_w) / 0.7⌉ replicas (min_replicas = 1). Before, the
shared fleet took the cheapest size, the fewest GPUs on a tie, and read no ``ttft_ms``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import payback
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.analysis.portfolio_baseline import baseline_fleet_facts

TEXT = """\
[scenario]
name = "two tasks, a 70B on H100s"
horizon_months = 12
discount_rate_annual = 0.10
start_date = 2026-12-01

[baseline]
name = "gpt-4o"
kind = "hosted_api"
model = "openai:gpt-4o"

[[alternatives]]
name = "Llama 3.1 70B on H100s"
kind = "self_hosted"
model = "llama-3.1-70b"
gpu = "h100-sxm"
precision = "fp8"
tpot_ms = 14
min_replicas = 1
usd_per_gpu_hour = 2.0
ops_usd_per_month = 800.0
portfolio = { coincidence_factor = 1.0, adapter_overhead = 0.0, adapter_decade_loss = 0.0 }
[alternatives.one_time]
engineer_hours = 80
engineer_usd_per_hour = 120.0

[[workloads]]
name = "support"
traffic = { requests_per_month = SUPPORT, input_tokens = 1200, output_tokens = 250, \
peak_to_average = 3.0 }

[[workloads]]
name = "summaries"
traffic = { requests_per_month = 150000, input_tokens = 3000, output_tokens = 300, \
peak_to_average = 2.5 }
"""


def _prepared(tmp_path: Path, support: int, ttft: str = "") -> payback.Scenario:
    text = TEXT.replace("SUPPORT", str(support)).replace("\\\n", "")
    text = text.replace("tpot_ms = 14\n", f"tpot_ms = 14\n{ttft}")
    path = tmp_path / f"rank-{support}.toml"
    path.write_text(text, encoding="utf-8")
    return prepare(payback.load_scenario(path))


def _capacities(p: payback.Scenario) -> list[dict[float, float]]:
    return [part.details["alternatives.0"]["replicas"] for part in p.parts]


def test_of_two_sizes_at_one_cost_the_more_spare_capacity(tmp_path: Path) -> None:
    """2,000,000 support requests a month: two 4-GPU replicas (load 0.7162 / 0.7 = 1.023)
    or one 8-GPU one (0.2311 / 0.7 = 0.330), 8 GPUs either way, $11,680 a month. The mix
    serves Σ r / Σ (r / c) requests/s a replica: 3.333 on 4 GPUs, 10.34 on 8, so two 4-GPU
    replicas pay for 6.67 requests/s and one 8-GPU replica for 10.34: analyze's rule takes
    8 GPUs a replica (it took 4, the fewer GPUs)."""
    p = _prepared(tmp_path, 2_000_000)
    caps = _capacities(p)
    assert [round(c[4], 4) for c in caps] == [3.7099, 1.4152]
    assert [round(c[8], 4) for c in caps] == [11.4582, 4.4838]
    month = 730 * 3600
    rates = [2_000_000 / month, 150_000 / month]
    peaks = [3.0, 2.5]
    on = {
        g: sum(r * k / c[g] for r, k, c in zip(rates, peaks, caps, strict=True)) / 0.7
        for g in (4, 8)
    }
    assert on[4] == pytest.approx(1.023, abs=1e-3)  # two replicas of 4 GPUs
    assert on[8] == pytest.approx(0.330, abs=1e-3)  # one of 8
    mix = {g: sum(rates) / sum(r / c[g] for r, c in zip(rates, caps, strict=True)) for g in (4, 8)}
    assert 2 * mix[4] == pytest.approx(6.666, abs=1e-3)
    assert 1 * mix[8] == pytest.approx(10.337, abs=1e-3)
    outcome = evaluate_portfolio(p).alternatives[0]
    assert outcome.pieces.fleet is not None
    assert float(outcome.pieces.fleet.params["gpus_per_replica"]) == 8.0  # was 4
    assert outcome.gpus is not None
    assert list(outcome.gpus) == [8.0] * 12
    assert outcome.fleet_usd is not None
    assert np.asarray(outcome.fleet_usd) == pytest.approx([8 * 2.0 * 730] * 12, abs=0.005)


def test_the_cheapest_size_that_misses_a_workloads_ttft_ms_comes_after(tmp_path: Path) -> None:
    """1,000,000 support requests a month, ttft_ms = 300: one 4-GPU replica serves both
    (load 0.5416 / 0.7), $5,840 a month, but summaries' first token there is 433.7 ms; one
    8-GPU replica meets both (59.6 and 124.6 ms) at $11,680. The shared fleet ran 4 GPUs,
    missing summaries' target, where summaries alone runs 8."""
    p = _prepared(tmp_path, 1_000_000, "ttft_ms = 300\n")
    latency = [part.details["alternatives.0"]["replica_latency"] for part in p.parts]
    first = [[round(each[g]["ttft_at_utilization_ms"], 1) for each in latency] for g in (4, 8)]
    assert first == [[121.9, 433.7], [59.6, 124.6]]
    assert [part.scenario.alternatives[0].gpus_per_replica for part in p.parts] == [4, 8]
    outcome = evaluate_portfolio(p).alternatives[0]
    assert outcome.pieces.fleet is not None
    assert float(outcome.pieces.fleet.params["gpus_per_replica"]) == 8.0  # was 4
    assert outcome.fleet_usd is not None
    assert np.asarray(outcome.fleet_usd) == pytest.approx([8 * 2.0 * 730] * 12, abs=0.005)
    # without the target the cheaper 4-GPU fleet, $5,840 a month
    cheaper = evaluate_portfolio(_prepared(tmp_path, 1_000_000)).alternatives[0]
    assert cheaper.pieces.fleet is not None
    assert float(cheaper.pieces.fleet.params["gpus_per_replica"]) == 4.0
    assert cheaper.fleet_usd is not None
    assert np.asarray(cheaper.fleet_usd) == pytest.approx([4 * 2.0 * 730] * 12, abs=0.005)


def test_each_sample_chooses_as_analyze_of_its_value(tmp_path: Path) -> None:
    """Samples of support's requests, 1,000,000 and 2,000,000: the first runs one 4-GPU
    replica ($5,840 a month), the second one 8-GPU replica at the cost of two 4-GPU ones
    ($11,680), as analyze of each value writes it."""
    p = _prepared(tmp_path, 1_000_000)
    moved = {"workloads.0.traffic.requests_per_month": np.array([1_000_000.0, 2_000_000.0])}
    outcome = evaluate_portfolio(p, moved).alternatives[0]
    assert outcome.pieces.fleet is not None
    assert np.ravel(outcome.pieces.fleet.params["gpus_per_replica"]).tolist() == [4.0, 8.0]
    assert outcome.fleet_usd is not None
    assert np.asarray(outcome.fleet_usd)[:, 0] == pytest.approx([5840.0, 11680.0], abs=0.005)
    each = [
        evaluate_portfolio(_prepared(tmp_path, n)).alternatives[0] for n in (1_000_000, 2_000_000)
    ]
    assert np.asarray(outcome.npv_usd) == pytest.approx([float(o.npv_usd) for o in each], abs=0.005)


TODAY = """\
[scenario]
name = "two tasks on a 70B today"
horizon_months = 12
discount_rate_annual = 0.10
start_date = 2026-12-01

[baseline]
name = "Llama 3.1 70B today"
kind = "self_hosted"
model = "llama-3.1-70b"
gpu = "h100-sxm"
precision = "fp8"
tpot_ms = 14
ttft_ms = 300
min_replicas = 1
usd_per_gpu_hour = 3.0

[[alternatives]]
name = "gpt-4o-mini"
kind = "hosted_api"
model = "openai:gpt-4o-mini"

[[workloads]]
name = "support"
traffic = { requests_per_month = 1000000, input_tokens = 1200, output_tokens = 250, \
peak_to_average = 3.0 }

[[workloads]]
name = "summaries"
traffic = { requests_per_month = 150000, input_tokens = 3000, output_tokens = 300, \
peak_to_average = 2.5 }
"""


def test_the_baseline_fleet_today_meets_every_workloads_ttft_ms(tmp_path: Path) -> None:
    """The fleet the two share today, ttft_ms = 300: one 4-GPU replica holds their load
    but summaries' first token there is 433.7 ms, so one 8-GPU replica, 8 × $3.00 × 730 =
    $17,520 a month (it ran 4 GPUs, $8,760, missing summaries' target)."""
    path = tmp_path / "today.toml"
    path.write_text(TODAY.replace("\\\n", ""), encoding="utf-8")
    p = prepare(payback.load_scenario(path))
    assert [part.scenario.baseline.gpus_per_replica for part in p.parts] == [4, 8]
    facts = baseline_fleet_facts(evaluate_portfolio(p), 0)
    assert facts is not None
    assert facts.gpus_per_replica == 8.0
    assert list(facts.gpus) == [8.0] * 12
    assert facts.usd_per_month == pytest.approx([8 * 3.0 * 730] * 12, abs=0.005)
