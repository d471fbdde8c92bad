"""Test helpers: small scenarios built inline (importable: tests/ is on pytest's path)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from payback import Scenario
from payback.scenario import parse_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CONTRACT = Path(__file__).resolve().parent / "contract"
SHARED_CONTRACT = ROOT.parent / "shared" / "contract"


def per_request_dict(
    baseline_per_1k: float = 15.0,
    alternative_per_1k: float = 2.0,
    requests: float = 20_000.0,
    horizon: int = 6,
    **one_time: float,
) -> dict[str, Any]:
    """The seed's shape: two per-1k prices and a one-time cost."""
    return {
        "scenario": {"name": "test", "horizon_months": horizon},
        "traffic": {"requests_per_month": requests},
        "baseline": {
            "name": "hosted",
            "kind": "per_request",
            "usd_per_1k_requests": baseline_per_1k,
        },
        "alternatives": [
            {
                "name": "fine-tuned",
                "kind": "per_request",
                "usd_per_1k_requests": alternative_per_1k,
                "one_time": one_time or {"data_usd": 400.0},
            }
        ],
    }


def fleet_dict(**alternative: Any) -> dict[str, Any]:
    """A per-token baseline against a self-hosted fleet; keyword arguments edit the fleet."""
    alt: dict[str, Any] = {
        "name": "fleet",
        "kind": "self_hosted",
        "usd_per_gpu_hour": 1.0,
        "replica_requests_per_s": 1.0,
        "target_utilization": 1.0,
    }
    alt.update(alternative)
    return {
        "scenario": {"name": "fleet test", "horizon_months": 3},
        "traffic": {
            "requests_per_month": 2_628_000.0,  # exactly 1 request/s on average
            "input_tokens": 1000,
            "output_tokens": 200,
        },
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.5,
            "output_usd_per_mtok": 10.0,
        },
        "alternatives": [alt],
    }


def edited(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with the dotted ``path`` set (or removed when value is ...)."""
    out = copy.deepcopy(data)
    node: Any = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return out


def build(data: dict[str, Any]) -> Scenario:
    return parse_scenario(data)
