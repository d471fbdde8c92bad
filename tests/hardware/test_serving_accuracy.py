"""docs/accuracy.md is what the code predicts, covers what the issue asks, and names the
mechanism behind every row outside the goal."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import benchmark_module
from payback.catalog import default_catalog

ROOT = Path(__file__).resolve().parents[2]


ACCURACY = benchmark_module("accuracy")
DOC = (ROOT / "docs" / "accuracy.md").read_text(encoding="utf-8")


def test_the_table_is_what_the_code_predicts() -> None:
    start = DOC.index(ACCURACY.START)
    end = DOC.index(ACCURACY.END) + len(ACCURACY.END)
    assert DOC[start:end] == ACCURACY.section(), (
        "docs/accuracy.md differs from the code: run python benchmarks/accuracy.py --write"
    )


def test_thirty_rows_diverse_in_gpu_engine_precision_batch_and_method() -> None:
    serving, training = ACCURACY.SERVING, ACCURACY.TRAINING
    assert len(serving) + len(training) >= 30
    catalog = default_catalog()
    gpus = {row.gpu for row in serving}
    assert {"a100-80gb", "l40s", "h100-sxm", "h200", "rtx-4090"} <= gpus
    assert len({row.engine.name for row in serving}) >= 2
    assert {"bf16", "fp8", "mxfp4"} <= {row.precision for row in serving}
    assert any(row.batch == 1 for row in serving)
    assert any(row.batch is None for row in serving)
    sizes = [catalog.model(row.model).params_b for row in serving]
    assert min(sizes) < 8
    assert max(sizes) > 60
    assert sum(catalog.model(row.model).is_moe for row in serving) >= 3
    moe_at_batch_1 = {r.model for r in serving if r.batch == 1 and catalog.model(r.model).is_moe}
    assert len(moe_at_batch_1) >= 3  # issue 16: three MoE models measured at batch 1
    assert "l4" in gpus
    assert min(sizes) < 1
    assert {"full", "lora", "qlora"} <= {row.method for row in training}
    assert {"standard", "optimized"} <= {row.stack for row in training}
    for row in (*serving, *training):
        assert row.published > 0
        assert row.conditions
        assert row.source


def test_every_row_outside_the_goal_is_named_with_its_mechanism() -> None:
    misses_section = DOC[DOC.index("## Where the goal is missed") :]
    for i, row in enumerate(ACCURACY.SERVING, 1):
        if abs(row.ratio() - 1.0) > ACCURACY.SERVING_GOAL[1]:
            assert f"S{i}" in misses_section, f"S{i} ({row.model}) misses ±30% unexplained"
    for i, t in enumerate(ACCURACY.TRAINING, 1):
        if abs(t.ratio() - 1.0) > ACCURACY.TRAINING_GOAL[1]:
            assert f"T{i}" in misses_section, f"T{i} ({t.model}) misses ±35% unexplained"


def test_per_sequence_metrics_read_the_same_decode_step() -> None:
    """``user`` (tokens/s of one sequence) and ``itl`` (ms between its tokens) are one
    figure two ways: their predictions multiply to 1,000 and the latency's ratio is
    inverted, so both rows give the same ratio for the same measurement."""
    speed = ACCURACY.ServingRow(
        "qwen2.5-0.5b", "l4", 1, "bf16", 256, 128, 196.0, "user", "c", "s", batch=1
    )
    latency = ACCURACY.dataclasses.replace(speed, metric="itl", published=1000.0 / 196.0)
    assert speed.predicted() * latency.predicted() == pytest.approx(1000.0)
    assert speed.ratio() == pytest.approx(latency.ratio())


def test_the_lean_engine_is_the_bundled_calibrations_fit() -> None:
    """The lean engine's overheads and bandwidth share are one fit of the H200 calibration
    (its three factors, to the precision the engine keeps them); the overheads beside the
    default share made the fit's own steps too fast."""
    from payback.hardware import serving as sv
    from payback.measure.calibration import load_calibration

    fit = load_calibration(ROOT / "examples" / "calibrations" / "h200-llama-3.1-8b-lora.toml")
    assert fit.factors.bandwidth_efficiency == pytest.approx(sv.LEAN.bandwidth_efficiency, abs=5e-4)
    assert fit.factors.step_overhead_s == pytest.approx(sv.LEAN.step_overhead_s, abs=5e-6)
    assert fit.factors.layer_overhead_s == pytest.approx(sv.LEAN.layer_overhead_s, abs=5e-7)
    assert sv.LEAN.bandwidth_efficiency != sv.VLLM.bandwidth_efficiency


def test_own_measurements_are_held_back_and_within_their_bounds() -> None:
    """Our own H200 runs: every decode step not used to set a factor is within 15% of the
    lean engine (hand check of one below), and each checkpointed LoRA run within 20% of
    the unsloth stack; the full and unrecomputed runs are listed but not scored."""
    runs = {run.path.name: run for run in ACCURACY.own_runs()}
    assert len([r for r in runs.values() if r.path.parent.name == "measured"]) == 6
    held = [
        step
        for run in runs.values()
        if not run.fit and not run.repeats_decode
        for step in run.decode()
    ]
    assert len(held) == 24
    for batch, context, measured, predicted in held:
        assert 0.85 <= measured / predicted <= 1.15, (batch, context, measured, predicted)
    # by hand: Qwen2.5-7B, batch 1 at 1,024 tokens on an H200 (4.8 TB/s): 0.70 ms + 28 × 21 µs,
    # plus 7.07e9 streamed weights × 2 bytes at 0.725 of the bandwidth and 1,024 tokens of a
    # 57,344-byte-a-token cache at 0.71 of it
    step = 0.70e-3 + 28 * 21e-6 + 2 * 7.07e9 / (4.8e12 * 0.725) + 1024 * 57_344 / (4.8e12 * 0.71)
    (first,) = [s for s in runs["h200-qwen2.5-7b-lora-1024.toml"].decode() if s[0] == 1]
    assert first[3] == pytest.approx(step * 1e3, rel=0.01)
    scored = [run.training_ratio() for run in runs.values()]
    assert sum(r is not None for r in scored) == 6
    assert all(0.8 <= r <= 1.2 for r in scored if r is not None)
    assert runs["h200-qwen2.5-1.5b-full-1024.toml"].training_ratio() is None
    assert runs["h200-qwen2.5-7b-lora-1024-nockpt.toml"].training_ratio() is None


def test_ampere_and_poisson_runs_are_held() -> None:
    """Under load, an Ampere family is held (AccelMark's A100 80GB closed loops) and
    Poisson arrivals are placed at rate ÷ the estimated capacity; a rate past it is not
    placed. By hand for Q1: 5 requests/s over the capacity the estimate gives for 250/346
    on an A100 80GB under vLLM."""
    errors = ACCURACY.load_errors()
    assert "ampere" in errors
    assert errors["ampere"]["rows"] >= 2
    llama = next(r for r in ACCURACY.LOAD if r.gpu == "a100-80gb" and r.model == "llama-3.1-8b")
    _, tpot, e2e, tokens = llama.predicted()
    assert tpot == pytest.approx(llama.tpot_ms, rel=0.06)
    assert e2e == pytest.approx(llama.e2e_ms, rel=0.06)
    assert tokens == pytest.approx(llama.output_tokens_per_s, rel=0.06)
    q1 = ACCURACY.POISSON[0]
    catalog = default_catalog()
    capacity = ACCURACY.estimate_serving(
        catalog.model("llama-3.1-8b"),
        catalog.gpu("a100-80gb"),
        "bf16",
        input_tokens=250,
        output_tokens=346,
        gpus_per_replica=1,
        engine="vllm",
    ).replica_requests_per_s
    assert q1.utilization() == pytest.approx(5.0 / capacity)
    assert q1.predicted() is not None
    past = [row for row in ACCURACY.POISSON if row.utilization() > 1.0]
    assert past
    assert all(row.predicted() is None for row in past)
    assert "ampere" in ACCURACY.poisson_errors()
    alone = [r for r in ACCURACY.SERVING if r.gpu == "a100-80gb" and r.engine.name == "vllm"]
    assert len(alone) >= 2
    assert all(abs(r.ratio() - 1.0) <= ACCURACY.SERVING_GOAL[1] for r in alone)
    misses = DOC[DOC.index("## Where the goal is missed") :]
    for i, row in enumerate(ACCURACY.POISSON, 1):
        assert f"Q{i}" in misses or f"Q1-Q{len(ACCURACY.POISSON)}" in misses, row
