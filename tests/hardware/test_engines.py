"""Serving engines and the mechanisms beyond the plain roofline, each by a hand-worked case:
engine limits per GPU, chunked prefill sharing the step, KV reads by the attention
kernels, 16-bit output projections, dequantisation, FP8 GEMMs, GPU families, engines
that refuse a GPU or a precision, and training utilisation across GPUs."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from payback import PaybackError, estimate_serving, estimate_training
from payback.catalog import default_catalog
from payback.cli import app
from payback.hardware import serving as sv
from payback.hardware import training as tr
from payback.hardware.calibration import Factors, engine_for
from payback.hardware.estimate import (
    engine_limits,
    gpu_family,
    loaded_steps,
    serving_shape,
    weight_bytes,
)

CAT = default_catalog()
LLAMA8 = CAT.model("llama-3.1-8b")
H100 = CAT.gpu("h100-sxm")
HEAD = 128_256 * 4_096  # Llama 3.1 8B's output projection (and its embedding)
MATMUL = 8.03e9 - HEAD  # the untied input embedding is looked up, not multiplied


def _run(*args: str) -> tuple[int, str, str]:
    env = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner(env=env).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------ engines and their limits


def test_vllm_limits_follow_the_gpu() -> None:
    # vLLM serves 1,024 sequences and 8,192 tokens a step on GPUs of 70 GiB or more other
    # than the A100, 256 and 2,048 elsewhere; the other engines keep theirs everywhere
    assert engine_limits(sv.VLLM, H100) == (1024, 8192.0)
    assert engine_limits(sv.VLLM, CAT.gpu("a100-80gb")) == (256, 2048.0)
    assert engine_limits(sv.VLLM, CAT.gpu("l4")) == (256, 2048.0)
    assert engine_limits(sv.TRTLLM, CAT.gpu("l4")) == (2048, 8192.0)
    seqs, budget = engine_limits(sv.LEAN, H100)
    assert seqs == 256
    assert budget == float("inf")


def test_unknown_engine_and_impossible_combinations_say_so_in_one_line() -> None:
    with pytest.raises(
        PaybackError, match="engine tgi: unknown; allowed: vllm, sglang, trtllm, lean"
    ):
        estimate_serving(LLAMA8, H100, engine="tgi")
    with pytest.raises(
        PaybackError,
        match="engine 'trtllm' runs on NVIDIA GPUs only and mi300x is AMD; use vllm or sglang",
    ):
        estimate_serving(LLAMA8, CAT.gpu("mi300x"), engine="trtllm")
    with pytest.raises(
        PaybackError, match="engine 'lean' at fp8: it serves bf16; use vllm or sglang or trtllm"
    ):
        estimate_serving(LLAMA8, H100, "fp8", engine="lean")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--engine", "tgi"), "--engine tgi: unknown; allowed: vllm"),
        (("--engine", "trtllm", "--gpu", "mi300x"), "--engine trtllm: runs on NVIDIA GPUs only"),
        (("--engine", "lean", "--precision", "int4"), "--precision int4: engine 'lean' serves"),
    ],
)
def test_cli_refuses_in_one_line_exit_2(args: tuple[str, ...], expected: str) -> None:
    base = ["estimate", "serving", "--model", "llama-3.1-8b"]
    if "--gpu" not in args:
        base += ["--gpu", "h100-sxm"]
    code, out, err = _run(*base, *args)
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_cli_engine_choice_reaches_the_estimate() -> None:
    code, out, _ = _run(
        "estimate",
        "serving",
        "--model",
        "llama-3.1-8b",
        "--gpu",
        "h100-sxm",
        "--engine",
        "sglang",
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["engine"] == "sglang"
    direct = estimate_serving(LLAMA8, H100, engine="sglang")
    assert result["replica_requests_per_s"] == pytest.approx(direct.replica_requests_per_s)


# ------------------------------------------------------------------ chunked prefill


def test_token_budget_caps_the_running_batch_by_hand() -> None:
    # 2,048-token prompts with 128 outputs carry 1 + 2048/128 = 17 tokens a sequence a step:
    # 2,048 tokens a step hold 120.47 sequences, 8,192 hold 481.9
    assert float(
        sv.mixed_batch(batch=256, new_input_tokens=2048, output_tokens=128, budget=2048)
    ) == pytest.approx(2048 / 17)
    assert (
        float(sv.mixed_batch(batch=256, new_input_tokens=2048, output_tokens=128, budget=8192))
        == 256
    )
    result = estimate_serving(
        LLAMA8, CAT.gpu("a100-80gb"), "bf16", input_tokens=2048, output_tokens=128
    )
    assert result.limited_by == "token budget"
    assert result.batch == 120


def test_mixed_step_by_hand_llama_8b_h100() -> None:
    # vLLM on an H100, 1,000/200 tokens, batch 64 (given): 64/200 of a prompt arrives a
    # step, and a whole prompt fits in one step's room (8,192 - 64), so 32% of the steps
    # carry one prompt each and the rest decode only. Memory: 15.009e9 B of weights at 85%
    # and 64 x 1,100 x 131,072 B of KV at 71% of 3,350 GB/s. Compute: the decode GEMMs at
    # 0.5 of 989 TFLOP/s, plus, in a carrying step, one prompt's prefill at 0.67.
    # Step = 0.32 max(memory, decode + prompt) + 0.68 max(memory, decode) + 1 ms + 32 x 30 µs.
    weights = MATMUL * 2
    memory = weights / (3350e9 * 0.85) + 64 * 1100 * 131072 / (3350e9 * 0.71)
    decode = 64 * (2 * MATMUL + 4 * 32 * 4096 * 1100) / (989e12 * 0.5)
    prompt = (2 * MATMUL * 1000 + 2 * 32 * 4096 * 1000 * 1000) / (989e12 * 0.67)
    share = 64 / 200
    carrying = max(memory, decode + prompt) + 1e-3 + 32 * 3e-5
    plain = max(memory, decode) + 1e-3 + 32 * 3e-5
    step = share * carrying + (1 - share) * plain
    # the 64 slots all taken: a carrying step's prompt holds the slot its sequence freed,
    # so a decoding sequence is one of 63 in those steps and of 64 in the rest
    seen = (share * 63 * carrying + (1 - share) * 64 * plain) / (share * 63 + (1 - share) * 64)
    result = estimate_serving(LLAMA8, H100, "bf16", input_tokens=1000, output_tokens=200, batch=64)
    assert result.tpot_ms == pytest.approx(seen * 1e3, rel=1e-9)
    assert result.replica_requests_per_s == pytest.approx(64 / (200 * step), rel=1e-9)


def test_static_batches_prefill_apart() -> None:
    # the lean engine has no mixed steps: 1 / (prefill + O x step / B)
    result = estimate_serving(
        LLAMA8, H100, "bf16", input_tokens=1000, output_tokens=200, batch=64, engine="lean"
    )
    args = serving_shape(LLAMA8, H100, "bf16", 1, sv.LEAN)
    _, step, prefill = loaded_steps(
        args,
        64,
        mean_context=1100,
        input_tokens=1000,
        output_tokens=200,
        cached_share=0.0,
        budget=float("inf"),
        engine=sv.LEAN,
    )
    assert result.replica_requests_per_s == pytest.approx(
        1 / (float(prefill) + 200 * float(step) / 64)
    )


@settings(max_examples=40, deadline=None)
@given(
    batch=st.integers(1, 256),
    input_tokens=st.floats(1, 8000),
    output_tokens=st.floats(1, 2000),
)
def test_mixed_steps_never_run_more_tokens_than_the_budget(
    batch: int, input_tokens: float, output_tokens: float
) -> None:
    running = float(
        sv.mixed_batch(
            batch=batch, new_input_tokens=input_tokens, output_tokens=output_tokens, budget=2048
        )
    )
    assert running <= batch
    assert running * (1 + input_tokens / output_tokens) <= 2048 * (1 + 1e-12)


# ------------------------------------------------------------------ bytes and arithmetic


def test_quantized_checkpoints_stream_the_output_projection_in_bf16_and_dequantize() -> None:
    int4 = serving_shape(LLAMA8, H100, "int4", 1)
    assert float(int4["weights"]) == pytest.approx(  # + 32 layers × 4 multiplies × 9 µs on HBM
        (MATMUL - HEAD) * (0.5 + 2 / 128) / 0.95 + HEAD * 2 + 32 * 4 * 9e-6 * 0.85 * 3.35e12
    )
    assert float(int4["peak_flops"]) == pytest.approx(989e12)  # W4A16 computes at the BF16 rate
    fp8 = serving_shape(LLAMA8, H100, "fp8", 1)
    assert float(fp8["weights"]) == pytest.approx((MATMUL - HEAD) * 1 + HEAD * 2)
    assert float(fp8["peak_flops"]) == pytest.approx(1979e12 * 0.75)
    assert weight_bytes(LLAMA8, "fp8") == pytest.approx((8.03e9 - 2 * HEAD) + 2 * HEAD * 2)


def test_mxfp4_experts_dequantize_on_hopper_not_on_blackwell() -> None:
    gpt = CAT.model("gpt-oss-20b")
    hopper = serving_shape(gpt, CAT.gpu("h200"), "mxfp4", 1)
    blackwell = serving_shape(gpt, CAT.gpu("b200"), "mxfp4", 1)
    assert float(hopper["peak_flops"]) == pytest.approx(989e12 * 0.3)
    assert float(blackwell["peak_flops"]) == pytest.approx(2250e12)
    bf16 = serving_shape(gpt, CAT.gpu("h200"), "bf16", 1)
    # MXFP4 expert bytes: 4.25 bits read at 95% of the 16-bit kernels' rate
    assert float(hopper["expert_weights"]) == pytest.approx(
        float(bf16["expert_weights"]) / 2 * (0.5 + 1 / 32) / 0.95
    )


def test_engines_without_grouped_kv_reuse_read_the_cache_per_query_head() -> None:
    old = dataclasses.replace(sv.TRTLLM, grouped_kv_reuse=False)
    llama70 = CAT.model("llama-2-70b")  # 64 query heads over 8 KV heads
    modern = serving_shape(llama70, H100, "fp8", 2, sv.TRTLLM)
    before = serving_shape(llama70, H100, "fp8", 2, old)
    assert float(before["kv_bytes_per_token"]) == 8 * float(modern["kv_bytes_per_token"])


def test_gpu_families_scale_bandwidth_unless_measured() -> None:
    l40s = CAT.gpu("l40s")
    assert gpu_family(l40s) == "ada"
    assert gpu_family(CAT.gpu("rtx-4090")) == "ada"
    assert gpu_family(CAT.gpu("b200")) == "blackwell"
    assert float(serving_shape(LLAMA8, l40s, "bf16", 1)["bandwidth"]) == pytest.approx(864e9 * 0.95)
    measured = engine_for(Factors(bandwidth_efficiency=0.7))
    assert measured.measured == ("bandwidth_efficiency",)
    assert float(serving_shape(LLAMA8, l40s, "bf16", 1, measured)["bandwidth"]) == pytest.approx(
        864e9
    )


def test_long_context_decode_is_bound_by_kv_reads() -> None:
    # at 32k tokens and batch 16 the KV cache (16 x 32,768 x 131,072 B = 68.7 GB) is read at
    # 71% of the bandwidth: 20 ms, against 5.3 ms for the 15 GB of weights at 85%
    result = estimate_serving(
        LLAMA8,
        CAT.gpu("h200"),
        "bf16",
        input_tokens=32000,
        output_tokens=1536,
        batch=16,
        context=32768,
    )
    memory = MATMUL * 2 / (4800e9 * 0.85) + 16 * 32768 * 131072 / (4800e9 * 0.71)
    step = memory + 1e-3 + 32 * 3e-5
    assert result.decode_output_tokens_per_s == pytest.approx(16 / step, rel=1e-9)


# ------------------------------------------------------------------ training utilisation


def test_training_utilisation_across_gpus_by_stack() -> None:
    # an optimized (Megatron/NeMo) stack keeps its per-GPU rate from 1 to 64 GPUs; a
    # standard (FSDP) one loses 10% on more than one
    assert (
        tr.training_mfu("full", 7.5e9, 64, "optimized")
        == tr.training_mfu("full", 7.5e9, 1, "optimized")
        == 0.35
    )
    assert tr.training_mfu("full", 7.5e9, 64, "standard") == pytest.approx(0.30 * 0.9)
    nemo = estimate_training(
        CAT.model("llama-2-70b"),
        H100,
        "full",
        tokens=1e10,
        precision="fp8",
        stack="optimized",
        gpus=64,
    )
    assert nemo.tokens_per_s_per_gpu == pytest.approx(1979e12 * 0.35 / (6 * 68.98e9))


def test_prompts_ride_on_few_steps_by_hand() -> None:
    # 256-token prompts, 0.16 of one arriving a step, 2,032 tokens of room: each prompt
    # fits one step, so 16% of the steps carry a prompt; 20,000-token prompts in 7,000
    # tokens of room fill 20,000 / 7,000 = 2.857 steps' room each (chunks of 7,000, 7,000
    # and 6,000, the next prompt's first chunk taking the last 1,000), so 0.2 of them a
    # step fill 57% of the steps, and half a prompt a step fills every step
    assert float(
        sv.chunk_step_share(prompts_per_step=0.16, new_input_tokens=256, room=2032)
    ) == pytest.approx(0.16)
    assert float(
        sv.chunk_step_share(prompts_per_step=0.2, new_input_tokens=20000, room=7000)
    ) == pytest.approx(0.2 * 20000 / 7000)
    assert float(sv.chunk_step_share(prompts_per_step=0.5, new_input_tokens=20000, room=7000)) == 1
    # a prompt one token past the room takes a step and a token of the next: not two
    # steps (0.2), which spread it thin enough to hide in their memory reads
    assert float(
        sv.chunk_step_share(prompts_per_step=0.1, new_input_tokens=2001, room=2000)
    ) == pytest.approx(0.10005)


def test_a_prompt_past_the_token_budget_does_not_serve_more() -> None:
    # gemma-2-9b on an A100: at 1,907 input tokens a prompt fits the room 83 decoding
    # sequences leave in vLLM's 2,048-token budget; at 2,002 (79 decoding) it does not.
    # Split into two even chunks, each hidden in a memory-bound step, the longer prompt
    # served 12% more requests/s (4.56 against 4.08)
    model, gpu = CAT.model("gemma-2-9b"), CAT.gpu("a100-80gb")
    rates = [
        estimate_serving(
            model, gpu, "bf16", input_tokens=n, output_tokens=174.66, gpus_per_replica=1
        ).replica_requests_per_s
        for n in (1906.56, 1950.0, 2001.9, 2047.0)
    ]
    assert rates == sorted(rates, reverse=True)


def test_kv_read_efficiency_is_the_h200_calibrations() -> None:
    # The bundled H200 calibration times decode steps of Llama-3.1-8B (BF16, a contiguous
    # cache) at 1,024 tokens of context: from batch 64 to 256 the step grows by the reads
    # of 192 x 1,024 more tokens of 131,072 B (25.8 GB), 7.586 ms: 3.40 TB/s of the
    # H200's 4.8 TB/s, 0.71 of peak, the engines' KV-read efficiency.
    import tomllib
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "calibrations"
    calibration = tomllib.loads((path / "h200-llama-3.1-8b-lora.toml").read_text())
    steps = {row["batch"]: row["measured_ms"] for row in calibration["measured"]["decode"]}
    grown_s = (steps[256] - steps[64]) / 1e3
    assert grown_s == pytest.approx(7.586e-3, abs=1e-6)
    read = (256 - 64) * 1024 * 131072 / grown_s / (CAT.gpu("h200").memory_bandwidth_gb_s * 1e9)
    assert read == pytest.approx(0.708, abs=5e-4)
    assert sv.VLLM.kv_bandwidth_efficiency == round(read, 2)
    assert {e.kv_bandwidth_efficiency for e in sv.ENGINES.values()} == {0.71}


def test_blackwell_gpus_record_a_dense_fp4_peak() -> None:
    # FP4 runs at twice the FP8 rate on Blackwell's tensor cores: B200 9,000 against 4,500
    # and the RTX PRO 6000 2,000 against 1,000 (dense, half the datasheets' sparse 18,000
    # and 4,000); the RTX 5090's FP8 figure is GeForce's halved FP32-accumulate rate (419),
    # its FP4 the whitepaper's 1,676 dense. No GPU of another family records one.
    from payback.hardware.device import gpu_family

    fp4 = {g.id: g.fp4_tflops for g in CAT.gpus.values() if g.fp4_tflops is not None}
    assert fp4 == {"b200": 9000, "rtx-pro-6000": 2000, "rtx-5090": 1676}
    for gpu_id, peak in fp4.items():
        gpu = CAT.gpu(gpu_id)
        assert gpu_family(gpu) == "blackwell"
        assert gpu.fp8_tflops is not None
        assert peak >= 2 * gpu.fp8_tflops
    assert {g.id for g in CAT.gpus.values() if gpu_family(g) == "blackwell"} == set(fp4)
