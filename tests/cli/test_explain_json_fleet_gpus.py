"""explain --json of a scenario (no workloads) gives its fleet's GPUs beyond the traffic's
need as a portfolio's does: ``spare_gpus_month_1`` (kept by ``min_replicas``) and the GPUs
a 1y/3y commitment keeps reserved but idle (``idle_gpus_month_1``, ``idle_gpus_max``,
``months_with_idle_gpus``). Tried as a new user would, a scenario's ``fleet`` had neither,
a portfolio's only the spare ones.

A replica is 1 GPU of 2 requests/s planned at 50% (1 request/s), peak = average, a month
2,628,000 s, nothing escalated; the engine's need is max(min_replicas = 3, ceil(peak
requests/s)) replicas.

- flat 3,416,400 requests (1.3 requests/s): ceil(1.3) = 2 for the traffic, 3 kept: spare 1.
- 1y, 13,665,600 requests halving each month: month 1 needs ceil(5.2) = 6 (spare 0) and
  the term reserves 6; months 2-12 need max(3, ceil(2.6, 1.3, …)) = 3: 3 idle, 11 months."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import run

TOML = """
[scenario]
name = "one task on a fleet with a floor"
horizon_months = 12

[traffic]
requests_per_month = REQUESTS
growth_monthly = GROWTH
input_tokens = 1500
output_tokens = 150
peak_to_average = 1.0

[baseline]
name = "hosted API"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "own fleet"
kind = "self_hosted"
usd_per_gpu_hour = 0.6
replica_requests_per_s = 2.0
target_utilization = 0.5
min_replicas = 3
commitment = "TERM"
"""


def _fleet(tmp_path: Path, requests: int, growth: float, term: str) -> dict[str, Any]:
    path = tmp_path / f"fleet-{term}.toml"
    text = TOML.replace("REQUESTS", str(requests)).replace("GROWTH", str(growth))
    path.write_text(text.replace("TERM", term))
    code, out, err = run("explain", path, "--json")
    assert code == 0, err
    fleet: dict[str, Any] = json.loads(out)["alternatives"][0]["fleet"]
    return fleet


def _gpus(fleet: dict[str, Any]) -> tuple[Any, ...]:
    keys = (
        "gpus_month_1",
        "spare_gpus_month_1",
        "idle_gpus_month_1",
        "idle_gpus_max",
        "months_with_idle_gpus",
    )
    return tuple(fleet[k] for k in keys)


def test_the_floor_beyond_the_traffic_is_spare(tmp_path: Path) -> None:
    fleet = _fleet(tmp_path, 3_416_400, 0.0, "none")
    assert _gpus(fleet) == (3, 1, 0, 0, 0)
    assert fleet["always_on"] is True  # the facts it had stay beside them
    assert fleet["fleet_usd_month_1"] == 3 * 730 * 0.6


def test_a_commitment_keeps_gpus_reserved_but_idle(tmp_path: Path) -> None:
    fleet = _fleet(tmp_path, 13_665_600, -0.5, "1y")
    assert _gpus(fleet) == (6, 0, 0, 3, 11)
