"""The replica analyze sizes when the scenario does not give ``gpus_per_replica``.

A replica of a model that barely fits one GPU batches a handful of sequences; on two or
four GPUs the weights split and the KV cache holds many more, so each GPU serves several
times the requests. analyze took the fewest GPUs that hold 16 sequences, whatever the
traffic: a 70B at 100/1,600 tokens on 2 × H100 batching 33 sequences, where 4 × H100 serve
five times the requests per GPU, and a fleet several times dearer than the same model,
GPU and precision with gpus_per_replica = 4. It now sizes the replica as the fleet is
paid for: the GPUs per replica whose fleet costs least over the horizon at the scenario's
traffic (a tie broken as ``payback recommend`` ranks: tests/analysis/
test_replica_first_token.py), as ``payback recommend`` ranks them.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from helpers import build, fleet_dict, run
from payback.analysis.cashflows import evaluate
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware.estimate import estimate_serving, valid_tensor_parallel
from payback.studies.recommend import recommend


def _scenario(
    model: str,
    gpu: str,
    precision: str,
    tokens: tuple[float, float],
    requests: float,
    **alternative: Any,
) -> dict[str, Any]:
    data = fleet_dict(model=model, gpu=gpu, precision=precision, target_utilization=0.7)
    for key in ("usd_per_gpu_hour", "replica_requests_per_s"):
        del data["alternatives"][0][key]
    data["alternatives"][0].update(alternative)
    data["scenario"]["horizon_months"] = 12
    data["traffic"].update(
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        requests_per_month=requests,
        growth_monthly=0.05,
        peak_to_average=2.0,
    )
    return data


def _fleet_cost(data: dict[str, Any]) -> float | None:
    """analyze's GPU cost over the horizon, None when it refuses the configuration."""
    try:
        result = evaluate(resolve(build(data))).alternatives[0]
    except PaybackError:
        return None
    return float(np.sum(result.costs.components["gpus"]))


def _chosen(data: dict[str, Any]) -> tuple[int, float]:
    option = resolve(build(data)).scenario.alternatives[0]
    return option.gpus_per_replica, option.replica_requests_per_s  # type: ignore[union-attr,return-value]


CASES = [
    ("llama-3.1-70b", "h100-sxm", "bf16", (100, 1600)),
    ("llama-3.1-70b", "h100-sxm", "fp8", (100, 1600)),
    ("qwen2.5-32b", "h100-sxm", "bf16", (2000, 400)),
    ("qwen2.5-72b", "a100-80gb", "bf16", (100, 1600)),
    ("qwen2.5-7b", "l4", "bf16", (2000, 400)),
    ("llama-3.1-8b", "l40s", "fp8", (1200, 250)),
    ("qwen2.5-0.5b", "l40s", "bf16", (1000, 200)),
    ("qwen3-30b-a3b", "h100-sxm", "bf16", (2000, 400)),
]


@pytest.mark.parametrize(("model", "gpu", "precision", "tokens"), CASES)
@pytest.mark.parametrize("requests", [2e5, 3e7])
@pytest.mark.parametrize("always_on", [True, False])
def test_the_sized_replica_is_the_cheapest_fleet_of_those_that_fit(
    model: str,
    gpu: str,
    precision: str,
    tokens: tuple[float, float],
    requests: float,
    always_on: bool,
) -> None:
    data = _scenario(model, gpu, precision, tokens, requests, always_on=always_on)
    chosen, _ = _chosen(data)
    auto = _fleet_cost(data)
    assert auto is not None
    given = {
        tp: _fleet_cost(
            _scenario(
                model, gpu, precision, tokens, requests, always_on=always_on, gpus_per_replica=tp
            )
        )
        for tp in valid_tensor_parallel(default_catalog().model(model))
    }
    costs = {tp: c for tp, c in given.items() if c is not None}
    cheapest = min(costs.values())
    assert auto == pytest.approx(cheapest, rel=1e-12)
    assert chosen in {tp for tp, c in costs.items() if c <= cheapest * (1 + 1e-12)}


def test_a_70b_on_h100s_at_long_outputs_gets_the_replica_that_serves_them() -> None:
    """The case that showed it: five times the requests per GPU on four GPUs."""
    data = _scenario("llama-3.1-70b", "h100-sxm", "bf16", (100, 1600), 3e7)
    chosen, rps = _chosen(data)
    assert chosen == 4
    two = _chosen({**data, "alternatives": [{**data["alternatives"][0], "gpus_per_replica": 2}]})
    assert rps / 4 > 4 * two[1] / 2


def test_a_latency_target_only_one_size_meets_is_met_by_that_size() -> None:
    """tpot_ms that a 2-GPU replica of a 70B cannot meet even alone, but a larger one can:
    analyze sizes the replica that meets it instead of refusing the scenario."""
    catalog = default_catalog()
    model, gpu = catalog.model("llama-3.1-70b"), catalog.gpu("h100-sxm")
    alone = {
        tp: estimate_serving(
            model, gpu, "bf16", input_tokens=1000, output_tokens=200, gpus_per_replica=tp, batch=1
        ).tpot_ms
        for tp in (2, 4, 8)
    }
    target = (alone[2] + alone[4]) / 2
    data = _scenario("llama-3.1-70b", "h100-sxm", "bf16", (1000, 200), 3e6, tpot_ms=target)
    chosen, _ = _chosen(data)
    assert chosen in (4, 8)


@pytest.mark.parametrize(("model", "gpu", "precision"), [c[:3] for c in CASES])
def test_longer_outputs_never_make_the_fleet_cheaper(model: str, gpu: str, precision: str) -> None:
    costs = [
        _fleet_cost(_scenario(model, gpu, precision, (500, out), 3e7))
        for out in (50, 200, 800, 1600, 3200)
    ]
    known = [c for c in costs if c is not None]
    assert known == sorted(known), costs


@pytest.mark.parametrize(("model", "gpu", "precision", "tokens"), CASES[:4])
def test_estimate_serving_at_the_sized_replica_gives_analyzes_capacity(
    model: str, gpu: str, precision: str, tokens: tuple[float, float]
) -> None:
    data = _scenario(model, gpu, precision, tokens, 3e7)
    chosen, rps = _chosen(data)
    code, out, err = run(
        "estimate", "serving", "--model", model, "--gpu", gpu, "--precision", precision,
        "--input-tokens", str(tokens[0]), "--output-tokens", str(tokens[1]),
        "--gpus-per-replica", str(chosen), "--utilization", "0.7", "--json",
    )  # fmt: skip
    assert code == 0, err
    import json

    assert json.loads(out)["replica_requests_per_s"] == pytest.approx(rps, rel=1e-12)


def test_recommend_restricted_to_one_configuration_agrees() -> None:
    """Among recommend's candidates of one model, GPU and precision, the cheapest is the
    replica analyze sizes, at the same monthly cost."""
    data = _scenario("llama-3.1-70b", "h100-sxm", "bf16", (100, 1600), 3e7)
    chosen, _ = _chosen(data)
    result = recommend(build(data))
    same = [c for c in result.candidates if (c.gpu, c.precision) == ("h100-sxm", "bf16")]
    best = same[0]  # ranked: cheaper first, a tie as analyze breaks it
    assert best.gpus_per_replica == chosen
    assert _fleet_cost(data) == pytest.approx(best.monthly_cost_usd * 12, rel=1e-9)


def test_every_case_is_a_real_choice() -> None:
    """The cases above size replicas of at least three different sizes: the grid compares
    real choices, not one degree every time."""
    chosen = set()
    for (model, gpu, precision, tokens), requests in itertools.product(CASES, (3e7,)):
        chosen.add(_chosen(_scenario(model, gpu, precision, tokens, requests))[0])
    assert len(chosen) >= 3
