"""recommend searches mixtures of experts and the new GPUs: sensible configurations for
gpt-oss-20b and Qwen3-30B-A3B on the quarter example, and analyze prices the winner by id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import payback
from helpers import EXAMPLES
from payback import estimate_serving
from payback.catalog import Catalog, default_catalog
from payback.cli import app
from payback.hardware.estimate import weight_bytes
from payback.studies.recommend import recommend

CAT = default_catalog()
QUARTER = EXAMPLES / "quarter-200k.toml"
# the catalog without the GPUs whose rent carries a caveat (GeForce, community tier)
DATACENTRE = Catalog(
    gpus={k: g for k, g in CAT.gpus.items() if not g.caveat},
    models=CAT.models,
    finetunes=CAT.finetunes,
)


def _marketplace(scenario: payback.Scenario) -> payback.Scenario:
    """The scenario with its alternative priced at marketplace rents (gpu_price)."""
    alternative = scenario.alternatives[0].model_copy(update={"gpu_price": "marketplace"})
    return scenario.model_copy(update={"alternatives": [alternative]})


@pytest.mark.parametrize("model_id", ["gpt-oss-20b", "qwen3-30b-a3b"])
def test_recommend_finds_one_cheap_gpu_for_an_moe_on_the_quarter(model_id: str) -> None:
    scenario = _marketplace(payback.load_scenario(QUARTER))
    result = recommend(scenario, models=[model_id])
    best = result.best
    assert best is not None
    # 200k requests a month peak at ~0.3 req/s: one replica of one 24 GB card, 4-bit weights
    assert (best.gpu, best.gpus_per_replica, best.replicas) == ("rtx-4090", 1, 1)
    assert best.precision == "int4"
    weights = weight_bytes(CAT.model(model_id), best.precision)
    assert weights < 0.9 * CAT.gpu("rtx-4090").memory_bytes
    assert best.monthly_cost_usd == pytest.approx(0.34 * 730, rel=1e-3)
    # the latencies are the estimate's where the fleet runs: at the alternative's
    # target_utilization of a replica's capacity (prompt chunks and queueing included)
    alone = estimate_serving(
        CAT.model(model_id),
        CAT.gpu(best.gpu),
        best.precision,
        input_tokens=scenario.traffic.input_tokens or 0.0,
        output_tokens=scenario.traffic.output_tokens or 0.0,
        cached_input_share=scenario.traffic.cached_input_share,
        gpus_per_replica=best.gpus_per_replica,
        utilization=scenario.alternatives[0].target_utilization,
    )
    assert best.tpot_ms == pytest.approx(alone.tpot_at_utilization_ms, rel=1e-6)
    assert best.ttft_ms == pytest.approx(alone.ttft_at_utilization_ms, rel=1e-6)
    assert best.tpot_ms < alone.tpot_ms  # below full load
    assert best.ttft_ms < 200
    assert any("GeForce" in w for w in result.warnings)
    # mxfp4 is searched for a mixture of experts
    assert any(c.precision == "mxfp4" for c in result.candidates)


@pytest.mark.parametrize("model_id", ["gpt-oss-20b", "qwen3-30b-a3b"])
def test_at_default_rents_an_moe_serves_on_one_l4(model_id: str) -> None:
    # the default rent is never a marketplace's: the L40's only rent (RunPod Community Cloud)
    # and the GeForce cards' are left out, and one L4 at AWS's list price serves the quarter
    for catalog in (None, DATACENTRE):
        result = recommend(payback.load_scenario(QUARTER), models=[model_id], catalog=catalog)
        best = result.best
        assert best is not None
        assert (best.gpu, best.precision, best.gpus_per_replica, best.replicas) == (
            "l4",
            "int4",
            1,
            1,
        )
        assert best.monthly_cost_usd == pytest.approx(0.8048 * 730, rel=1e-3)
    assert not [w for w in result.warnings if "days ago" not in w]  # only a stale price
    # the bigger memories are on the Pareto front: the MI300X in FP8
    assert "mi300x" in {c.gpu for c in result.pareto}


def test_mxfp4_is_not_tried_on_a_dense_model() -> None:
    result = recommend(payback.load_scenario(QUARTER), models=["qwen3-8b"])
    assert result.candidates
    assert all(c.precision != "mxfp4" for c in result.candidates)


def test_the_winner_is_analyzed_by_id_at_the_same_cost(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
    out = tmp_path / "gpt-oss.toml"
    result = runner.invoke(
        app,
        ["recommend", str(QUARTER), "--model", "gpt-oss-20b", "--json", "--apply", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    best = json.loads(result.stdout)["best"]
    written = payback.load_scenario(out).alternatives[0]
    assert (written.model, written.gpu, written.precision) == (  # type: ignore[union-attr]
        "gpt-oss-20b",
        best["gpu"],
        best["precision"],
    )
    analysis = json.loads(runner.invoke(app, ["analyze", str(out), "--json"]).stdout)
    gpus = analysis["alternatives"][0]["components_usd"]["gpus"]
    # the file's $0.80 (no gpu) is replaced: analyze pays the rent recommend ranked at
    assert sum(gpus) / len(gpus) == pytest.approx(best["monthly_cost_usd"], rel=1e-9)
