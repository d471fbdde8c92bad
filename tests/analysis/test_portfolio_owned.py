"""A portfolio's workloads' training jobs, tried as a new user would: a workload's own
training job was priced with the packaged catalog even when the portfolio was prepared
with a catalog of the caller's own.
"""

from __future__ import annotations

from typing import Any

import pytest

from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, default_catalog
from payback.scenario import parse_scenario

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
