"""A self-hosted option that gives its measured capacity (``replica_requests_per_s``) is
not estimated, so ``engine``, ``kv_cache`` and (without ``model`` and ``gpu``)
``precision`` written on it change nothing in ``analyze``: one warning names them, as
``calibration`` beside ``replica_requests_per_s`` is named (tried as a new user would:
``kv_cache = "fp8"`` on ``payback init``'s option was silent, its answer unchanged)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tomlkit

from helpers import build, fleet_dict, run
from payback import analyze
from payback.analysis.resolve import resolve

REASON = "replica_requests_per_s is given and wins; "


def warnings(**alternative: Any) -> list[str]:
    return resolve(build(fleet_dict(**alternative))).warnings


def test_engine_precision_and_kv_cache_beside_a_measured_capacity_are_named() -> None:
    assert warnings(engine="trtllm", precision="fp8", kv_cache="fp8") == [
        "alternatives.0: engine = 'trtllm', precision = 'fp8' and kv_cache = 'fp8' are not "
        "used: " + REASON + "they shape only the capacity estimate from model and gpu"
    ]
    assert warnings(kv_cache="fp8") == [
        "alternatives.0: kv_cache = 'fp8' is not used: "
        + REASON
        + "it shapes only the capacity estimate from model and gpu"
    ]
    # written at its default, it is still written for nothing
    assert warnings(engine="vllm", kv_cache="bf16") == [
        "alternatives.0: engine = 'vllm' and kv_cache = 'bf16' are not used: "
        + REASON
        + "they shape only the capacity estimate from model and gpu"
    ]


def test_the_answer_is_the_same_with_or_without_them() -> None:
    """The warning is true: the fleet's cost does not move (1 req/s at 100% needs one GPU
    at $1/h: $730 a month)."""
    plain = analyze(build(fleet_dict())).alternatives[0]
    written = analyze(build(fleet_dict(engine="lean", kv_cache="bf16", precision="bf16")))
    assert written.alternatives[0].monthly_cost_usd == plain.monthly_cost_usd
    assert plain.components_usd["gpus"] == [730.0, 730.0, 730.0]


def test_no_warning_where_they_are_read_or_not_written() -> None:
    assert warnings() == []
    # estimated: model and gpu with no capacity given read all three
    estimated = fleet_dict(model="qwen2.5-7b", gpu="l4", engine="sglang", kv_cache="fp8")
    del estimated["alternatives"][0]["replica_requests_per_s"]
    assert not any(
        "is not used" in w or "are not used" in w for w in resolve(build(estimated)).warnings
    )
    # model and gpu beside a measured capacity: precision sizes the weights (and is shown)
    assert warnings(model="qwen2.5-7b", gpu="l4", precision="fp8", engine="sglang") == [
        "alternatives.0: engine = 'sglang' is not used: "
        + REASON
        + "it shapes only the capacity estimate from model and gpu"
    ]


def test_analyze_says_it_in_text_and_json(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(fleet_dict(kv_cache="fp8")))
    line = (
        "alternatives.0: kv_cache = 'fp8' is not used: "
        + REASON
        + "it shapes only the capacity estimate from model and gpu"
    )
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert f"warning: {line}" in err.splitlines()
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == [line]


def test_latency_targets_beside_a_measured_capacity_are_named(tmp_path: Path) -> None:
    """Tried as a new user would: ``tpot_ms`` and ``ttft_ms`` written beside
    ``replica_requests_per_s`` were silent in analyze. They cap an estimate's batch and are
    checked against its first token; with the capacity given neither happens (recommend
    still reads them). ``model`` and ``gpu`` stay unsaid: the configuration shown reads
    them."""
    assert warnings(model="qwen2.5-7b", gpu="l4", tpot_ms=5) == [
        "alternatives.0: tpot_ms = 5 is not used: "
        + REASON
        + "it shapes only the capacity estimate from model and gpu; recommend still reads "
        "tpot_ms"
    ]
    line = (
        "alternatives.0: kv_cache = 'fp8', tpot_ms = 5 and ttft_ms = 10.5 are not used: "
        + REASON
        + "they shape only the capacity estimate from model and gpu; recommend still reads "
        "tpot_ms and ttft_ms"
    )
    assert warnings(kv_cache="fp8", tpot_ms=5, ttft_ms=10.5) == [line]
    # the answer does not move: one GPU at $1/h, $730 a month, as without them
    written = analyze(build(fleet_dict(tpot_ms=5, ttft_ms=10.5))).alternatives[0]
    assert written.components_usd["gpus"] == [730.0, 730.0, 730.0]
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(fleet_dict(kv_cache="fp8", tpot_ms=5, ttft_ms=10.5)))
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert f"warning: {line}" in err.splitlines()
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == [line]


def test_latency_targets_on_a_self_hosted_baseline_do_not_point_to_recommend() -> None:
    """recommend refuses a self-hosted baseline, so the warning for one says nothing of it
    (tried as a new user would: a baseline's ``tpot_ms = 30`` beside its measured capacity
    said "recommend still reads tpot_ms")."""
    swapped = fleet_dict(tpot_ms=30, ttft_ms=200)
    swapped["baseline"], swapped["alternatives"][0] = (
        swapped["alternatives"][0],
        swapped["baseline"],
    )
    assert resolve(build(swapped)).warnings == [
        "baseline: tpot_ms = 30 and ttft_ms = 200 are not used: "
        + REASON
        + "they shape only the capacity estimate from model and gpu"
    ]
