"""Fields of a self-hosted option that nothing reads are said, as ``training`` beside
``training_usd`` is ("… is not used: … is given and wins"), and a serverless rent is
called serverless (tried as a new user would: each was silent or said "on-demand")."""

from __future__ import annotations

from typing import Any

from helpers import build, fleet_dict
from payback import analyze
from payback.analysis.resolve import resolve

OWNED = {
    "usd_per_server": 100_000.0,
    "gpus_per_server": 8,
    "kw_per_server": 10.0,
    "usd_per_kwh": 0.12,
    "pue": 1.3,
    "colocation_usd_per_server_month": 1500.0,
    "depreciation_months": 36,
}


def warnings(**alternative: Any) -> list[str]:
    return resolve(build(fleet_dict(**alternative))).warnings


def test_min_replicas_of_a_fleet_scaled_to_zero_is_not_used() -> None:
    assert warnings(always_on=False, min_replicas=3) == [
        "alternatives.0.min_replicas is not used: always_on = false pays only the GPU-hours "
        "it runs (no replica is kept running)"
    ]
    assert warnings(always_on=False) == []
    assert warnings(min_replicas=3) == []


def test_a_gpu_provider_beside_the_rent_given_is_not_used() -> None:
    assert warnings(gpu_provider="lambda") == [
        "alternatives.0.gpu_provider is not used: usd_per_gpu_hour is given and wins"
    ]
    owned = fleet_dict(gpu_provider="lambda", owned=OWNED | {"financing": "depreciation"})
    del owned["alternatives"][0]["usd_per_gpu_hour"]
    said = resolve(build(owned)).warnings
    assert [w for w in said if "book value" not in w] == [  # and the value left at month 3
        "alternatives.0.gpu_provider is not used: owned servers pay no rent"
    ]


def test_a_serverless_rent_always_on_is_called_serverless() -> None:
    data = fleet_dict(gpu_price="serverless", usd_per_gpu_hour=3.95)
    configuration = analyze(build(data)).alternatives[0].configuration
    assert configuration is not None
    assert configuration["pricing"] == "serverless"
    assert configuration["usd_per_gpu_hour"] == 3.95
    plain = analyze(build(fleet_dict())).alternatives[0].configuration
    assert plain is not None
    assert plain["pricing"] == "on-demand"
