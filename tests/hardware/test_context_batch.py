"""``estimate serving --context`` reports the decode rate at the largest batch that fits at
that context, tried as a new user would: at 100,000 tokens of context it said 'decode at
batch 412', the batch that fits at the mean context of 1,100 tokens, where 4 fit (and
``--batch 412`` at that context was refused)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from helpers import assert_user_error, run
from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.estimate import (
    estimate_serving,
    loaded_steps,
    on_gpu,
    serving_shape,
)

CATALOG = default_catalog()
LLAMA, H100, L4 = CATALOG.model("llama-3.1-8b"), CATALOG.gpu("h100-sxm"), CATALOG.gpu("l4")
SERVING = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm")

# The KV cache of one H100 SXM (81,559 MiB) under vLLM, by hand: 90% of its memory less
# 1.5 GB of runtime, less llama-3.1-8b's 8.03e9 BF16 weights, over its BF16 KV cache of
# 2 (K, V) x 32 layers x 8 KV heads x 128 dimensions x 2 bytes = 131,072 bytes a token.
KV_BYTES = 2 * 32 * 8 * 128 * 2
H100_KV_TOKENS = (81_559 * 2**20 * 0.9 - 1.5e9 - 8.03e9 * 2) / KV_BYTES  # 453,252.6
L4_KV_TOKENS = (23_034 * 2**20 * 0.9 - 1.5e9 - 8.03e9 * 2) / KV_BYTES  # 31,872.6


def test_the_kv_cache_is_the_one_derived_by_hand() -> None:
    assert KV_BYTES == 131_072
    assert round(H100_KV_TOKENS, 1) == 453_252.6
    result = estimate_serving(LLAMA, H100)
    assert result.kv_cache_gb == pytest.approx(H100_KV_TOKENS * KV_BYTES / 1e9)
    assert result.max_batch == result.decode_batch == int(H100_KV_TOKENS // 1_100) == 412


def test_at_a_long_context_the_decode_rate_is_at_the_batch_that_fits_there() -> None:
    result = estimate_serving(LLAMA, H100, context=100_000.0)
    assert int(H100_KV_TOKENS // 100_000) == 4
    assert result.context_batch == 4
    # the replica at full load is still the one at the mean context
    assert (result.max_batch, result.batch, result.decode_batch) == (412, 412, 412)
    given = estimate_serving(LLAMA, H100, context=100_000.0, batch=4)
    assert given.context_batch == 4
    assert result.decode_output_tokens_per_s == pytest.approx(given.decode_output_tokens_per_s)
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA, H100, "bf16", 1, engine)
    step = float(sv.decode_step_seconds(batch=4, context=100_000.0, engine=engine, **args))
    assert result.decode_output_tokens_per_s == pytest.approx(4 / step)
    assert round(result.decode_output_tokens_per_s) == 137  # it said 181, at batch 412


def test_the_command_line_and_its_json_say_the_batch_at_that_context() -> None:
    code, out, err = run(*SERVING, "--context", "100000")
    assert code == 0, err
    assert "decode at batch 4, context 100,000" in out
    assert "137 output tokens/s" in out
    assert "412 (limited by memory)" in out
    # the full-load time per token is at the mean context, said so beside --context's line
    # (tried as a new user would: 16.2 ms under "decode at batch 64, context 4,096" read as
    # that context's, where 64 / 2,952 tokens/s is 21.7 ms)
    words = " ".join(out.split())
    assert "time per output token (full load) 62.4 ms (at 1,100 tokens of context, not " in (words)
    code, out, err = run(*SERVING)
    assert code == 0, err
    assert "time per output token (full load) 62.4 ms time to first" in " ".join(out.split())
    code, out, err = run(*SERVING, "--context", "100000", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["context_batch"], data["decode_batch"], data["batch"]) == (4, 412, 412)
    assert data["context_tokens"] == 100_000
    assert round(data["decode_output_tokens_per_s"]) == 137


def test_a_shorter_context_holds_more_within_the_engines_limit() -> None:
    at_500 = estimate_serving(LLAMA, H100, context=500.0)
    assert at_500.context_batch == int(H100_KV_TOKENS // 500) == 906
    assert at_500.decode_batch == 412
    at_100 = estimate_serving(LLAMA, H100, context=100.0)
    assert int(H100_KV_TOKENS // 100) == 4_532
    assert at_100.context_batch == 1_024  # vLLM's max_num_seqs on an H100
    at_mean = estimate_serving(LLAMA, H100, context=1_100.0)
    plain = estimate_serving(LLAMA, H100)
    assert at_mean.context_batch == plain.context_batch == plain.decode_batch == 412
    assert at_mean.decode_output_tokens_per_s == plain.decode_output_tokens_per_s


def test_the_latency_target_caps_the_batch_at_that_context() -> None:
    result = estimate_serving(LLAMA, H100, context=100_000.0, tpot_ms=20.0)
    assert result.context_batch == 2
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA, H100, "bf16", 1, engine)
    load = {
        "mean_context": 100_000.0,
        "input_tokens": 1_000.0,
        "output_tokens": 200.0,
        "cached_share": 0.0,
        "budget": 8_192.0,
        "engine": engine,
    }
    _, steps, _ = loaded_steps(args, np.array([2.0, 3.0]), **load)
    assert steps[0] * 1000 <= 20.0 < steps[1] * 1000
    # at the mean context the target allows many more
    assert result.batch == result.decode_batch > 2


def test_a_latency_target_no_sequence_meets_at_that_context_is_said_not_refused() -> None:
    """9 ms is met at the workload's mean context (--context only says where decode speed
    is reported): at 100,000 tokens one sequence takes 12.7 ms, so the decode there is of
    one sequence, the target said missed there; the estimate was refused whole."""
    at = estimate_serving(LLAMA, H100, context=100_000.0, tpot_ms=9.0)
    mean = estimate_serving(LLAMA, H100, tpot_ms=9.0)
    assert mean.context_batch > 1
    assert at.context_batch == 1
    assert at.context_tpot_missed_ms == pytest.approx(12.74, abs=0.005)
    assert (at.batch, at.replica_requests_per_s) == (mean.batch, mean.replica_requests_per_s)
    assert mean.context_tpot_missed_ms is None
    code, out, err = run(*SERVING, "--context", "100000", "--tpot-ms", "9")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "decode at batch 1, context 100,000 " in flat
    said = "(one sequence takes 12.7 ms per token here: --tpot-ms is missed at this context)"
    assert said in flat


def test_a_context_not_one_sequence_fits_is_refused() -> None:
    """One L4 holds 31,873 tokens of KV cache beside llama-3.1-8b: no sequence of 100,000.
    It was reported decoding 28 of them."""
    assert round(L4_KV_TOKENS, 1) == 31_872.6
    with pytest.raises(PaybackError) as caught:
        estimate_serving(LLAMA, L4, context=100_000.0)
    assert caught.value.param == "context"
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l4", "--context", "100000"
    )
    assert_user_error(
        code,
        out,
        err,
        "--context 100000: llama-3.1-8b at bf16 on 1 × l4: no room for one sequence of "
        "100,000 tokens in the KV cache (31,873 tokens fit); a replica of more GPUs holds more",
    )
    two = estimate_serving(LLAMA, L4, context=100_000.0, gpus_per_replica=2)
    assert two.context_batch == 1


def test_a_batch_that_does_not_fit_names_the_tokens_of_kv_cache() -> None:
    code, out, err = run(*SERVING, "--context", "100000", "--batch", "412")
    assert_user_error(
        code,
        out,
        err,
        "--batch 412: 412 sequences of 100,000 tokens need 41,200,000 tokens of KV cache; "
        "1 × h100-sxm hold 453,253 tokens of KV cache (4 sequences)",
    )
