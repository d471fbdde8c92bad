"""A shared option serving one workload runs that workload's own fleet. Tried as a new user
would (one workload, ``min_replicas = 3`` above what its traffic needs), analyze --json
called every GPU the floor keeps "pinned" and gave ``spare_gpus`` 0, the text and explain
said nothing of them, where a fleet shared by several workloads counts them as spare: the
engine's ``traffic_gpus`` (the need before the floor) did not reach that path
(:class:`payback.analysis.cashflows.OptionCosts` had ``needed_gpus`` only).

The definition (:func:`payback.finance.self_hosted_cost`): traffic replicas =
ceil(peak requests/s / (replica_requests_per_s · target_utilization)), needed replicas =
max(min_replicas, traffic replicas), spare = (needed − traffic) · gpus_per_replica.

Here a replica is 1 GPU of 2 requests/s planned at 50% (1 request/s), peak = average, a
month 2,628,000 s, nothing escalated. 3,416,400 requests a month are 1.3 requests/s:
ceil(1.3) = 2 GPUs for the traffic, the floor keeps 3: spare 3 − 2 = 1, pinned 2.

On a 1-year commitment with traffic halving each month from 13,665,600 (5.2 requests/s):
month 1 needs ceil(5.2) = 6 (spare 0) and reserves 6; month 2 2.6 → 3 (floor 3: spare 0,
idle 6 − 3 = 3); month 3 1.3 → 2 (needed 3: spare 1, idle 3); month 4 0.65 → 1 (spare 2,
idle 3). Pinned, spare and idle add up to the fleet's GPUs every month."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import (
    FROZEN_PORTFOLIO,
    assert_gpus_add_up,
    gpu_counts,
    portfolio_alternatives,
    run,
)

TOML = """
[scenario]
name = "one task on a fleet with a floor"
horizon_months = 12

[baseline]
name = "hosted API"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "adapters, one fleet"
kind = "self_hosted"
usd_per_gpu_hour = 0.6
replica_requests_per_s = 2.0
target_utilization = 0.5
min_replicas = 3
commitment = "TERM"
portfolio = { fleet = "shared" }

[[workloads]]
name = "support triage"
traffic = { requests_per_month = REQUESTS, growth_monthly = GROWTH, input_tokens = 1500, output_tokens = 150, peak_to_average = 1.0 }
"""


def _write(tmp_path: Path, requests: int, growth: float = 0.0, term: str = "none") -> Path:
    path = tmp_path / f"one-{requests}-{term}.toml"
    text = TOML.replace("REQUESTS", str(requests)).replace("GROWTH", str(growth))
    path.write_text(text.replace("TERM", term))
    return path


def test_the_engine_gives_the_traffics_gpus_on_the_one_workload_path() -> None:
    import tomllib

    from payback.analysis.cashflows import evaluate
    from payback.analysis.portfolio import prepare
    from payback.scenario import parse_scenario

    data = tomllib.loads(
        TOML.replace("REQUESTS", "3416400").replace("GROWTH", "0.0").replace("TERM", "none")
    )
    part = prepare(parse_scenario(data)).parts[0]
    costs = evaluate(part).alternatives[0].costs
    assert costs.traffic_gpus is not None
    assert costs.needed_gpus is not None
    assert list(costs.traffic_gpus[:2]) == [2.0, 2.0]  # ceil(1.3)
    assert list(costs.needed_gpus[:2]) == [3.0, 3.0]  # max(3, 2)


def test_the_floor_beyond_the_traffic_is_spare_not_pinned(tmp_path: Path) -> None:
    alt = portfolio_alternatives(_write(tmp_path, 3_416_400))[0]
    # (gpus, pinned, mixed, spare, idle): the old count said (3, 3, 0, 0, 0)
    assert gpu_counts(alt, 1) == (3.0, 2.0, 0.0, 1.0, 0.0)
    assert gpu_counts(alt, 12) == (3.0, 2.0, 0.0, 1.0, 0.0)


def test_spare_and_idle_under_a_commitment_add_up(tmp_path: Path) -> None:
    alt = portfolio_alternatives(_write(tmp_path, 13_665_600, -0.5, "1y"))[0]
    assert gpu_counts(alt, 1) == (6.0, 6.0, 0.0, 0.0, 0.0)
    assert gpu_counts(alt, 2) == (6.0, 3.0, 0.0, 0.0, 3.0)
    assert gpu_counts(alt, 3) == (6.0, 2.0, 0.0, 1.0, 3.0)
    assert gpu_counts(alt, 4) == (6.0, 1.0, 0.0, 2.0, 3.0)
    assert_gpus_add_up(alt)


def test_analyze_and_explain_say_the_spare_gpus_of_one_workloads_fleet(tmp_path: Path) -> None:
    path = _write(tmp_path, 3_416_400)
    said = "3 GPUs (1 GPU kept by min_replicas beyond what the traffic needs)"
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert f"Fleet one fleet (one workload): {said} USD" in " ".join(out.split())
    code, out, err = run("explain", path)
    assert code == 0, err
    assert (
        "Its one workload runs on a fleet of its own: 3 GPUs in month 1 (1 GPU kept by "
        "min_replicas beyond what the traffic needs)."
    ) in " ".join(out.split())
    code, out, err = run("explain", path, "--json")
    assert code == 0, err
    facts = json.loads(out)["alternatives"][0]
    assert facts["shared_fleet"] is None
    assert facts["own_fleets"] == {
        "gpus_month_1": 3,
        "gpus_max": 3,
        "spare_gpus_month_1": 1,
        "idle_gpus_month_1": 0,
        "idle_gpus_max": 0,
        "months_with_idle_gpus": 0,
    }


def test_a_fleet_per_workload_counts_its_floors_spare_gpus(tmp_path: Path) -> None:
    """tests/data/portfolio.toml's fleet per workload at min_replicas = 2: each of its five
    workloads needs one replica of 13.8 requests/s for its traffic and keeps a second, so
    5 of its 10 GPUs are kept by min_replicas (explain --json said null, analyze only
    "10 GPUs in all")."""
    text = FROZEN_PORTFOLIO.read_text()
    old = "min_replicas = 1                  # one replica per task"
    assert old in text
    path = tmp_path / "p.toml"
    path.write_text(text.replace(old, "min_replicas = 2"))
    code, out, err = run("explain", path, "--json")
    assert code == 0, err
    own = json.loads(out)["alternatives"][1]["own_fleets"]
    assert (own["gpus_month_1"], own["spare_gpus_month_1"]) == (10, 5)
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert (
        "a fine-tuned model and fleet per workload: 10 GPUs in all (5 GPUs kept by "
        "min_replicas beyond what the traffic needs)" in " ".join(out.split())
    )
