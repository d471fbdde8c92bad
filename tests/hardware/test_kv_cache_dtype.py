"""The KV cache's element type as a named mechanism: each engine's default for the weights
(vLLM and SGLang keep the model's BF16 for FP8 weights, TensorRT-LLM an FP8 cache), an
explicit ``--kv-cache`` / ``kv_cache`` choice, and where an FP8 cache cannot run."""

from __future__ import annotations

import json

import pytest

from helpers import assert_user_error, build, build_data, run
from payback import estimate_serving
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.estimate import model_kv_bytes_per_token, weight_bytes
from payback.hardware.kv_cache import kv_cache_dtype, with_kv_cache
from payback.studies.configurations import option_engine

CAT = default_catalog()
LLAMA8 = CAT.model("llama-3.1-8b")
L4 = CAT.gpu("l4")


def test_llama8b_kv_bytes_a_token_by_hand() -> None:
    # 2 (keys, values) x 32 layers x 8 KV heads x 128 x 2 B = 131,072 B in BF16; 65,536 in FP8
    assert model_kv_bytes_per_token(LLAMA8, "bf16") == 2 * 32 * 8 * 128 * 2 == 131_072
    assert model_kv_bytes_per_token(LLAMA8, "fp8") == 65_536


def test_each_engines_default_for_the_weights() -> None:
    assert kv_cache_dtype(sv.VLLM, "fp8") == "bf16"
    assert kv_cache_dtype(sv.SGLANG, "fp8") == "bf16"
    assert kv_cache_dtype(sv.TRTLLM, "fp8") == "fp8"
    for precision in ("bf16", "int8", "int4"):
        assert kv_cache_dtype(sv.TRTLLM, precision) == "bf16"
    assert kv_cache_dtype(with_kv_cache(sv.VLLM, "fp8"), "int4") == "fp8"
    assert kv_cache_dtype(with_kv_cache(sv.TRTLLM, "bf16"), "fp8") == "bf16"


def test_fp8_weights_on_an_l4_keep_vllms_bf16_cache_by_hand() -> None:
    # Llama 3.1 8B in FP8: 8.03e9 parameters a byte, its embedding and output projection
    # (128,256 x 4,096 each) one byte more: 9.08 GB. An L4 (24 GB) gives 0.9 x memory - 1.5 GB
    # to the engine; the rest holds 131,072 B a token in BF16 (vLLM's default), 65,536 in
    # FP8: at 1,000 + 200 / 2 = 1,100 tokens a sequence, 77 or 154 sequences
    weights = LLAMA8.params_b * 1e9 + 2 * 128_256 * 4_096
    assert weight_bytes(LLAMA8, "fp8") == pytest.approx(weights)
    free = L4.memory_bytes * 0.9 - 1.5e9 - weights
    assert int(free / 131_072 // 1_100) == 77
    assert int(free / 65_536 // 1_100) == 154
    default = estimate_serving(LLAMA8, L4, "fp8")
    assert (default.kv_cache, default.max_batch) == ("bf16", 77)
    assert default.kv_cache_reason == "vLLM's default for FP8 weights"
    assert default.kv_cache_gb == pytest.approx(free / 1e9, rel=1e-9)
    # int8 keeps the same cache: the two now agree, as their memory does
    int8 = estimate_serving(LLAMA8, L4, "int8")
    assert int8.max_batch == 77
    assert int8.replica_requests_per_s == pytest.approx(default.replica_requests_per_s, rel=0.01)
    asked = estimate_serving(LLAMA8, L4, "fp8", kv_cache="fp8")
    assert (asked.kv_cache, asked.max_batch, asked.kv_cache_reason) == ("fp8", 154, "as asked")
    assert asked.replica_requests_per_s > 1.5 * default.replica_requests_per_s
    trt = estimate_serving(LLAMA8, L4, "fp8", engine="trtllm")
    assert (trt.kv_cache, trt.max_batch) == ("fp8", 154)
    assert trt.kv_cache_reason == "TensorRT-LLM's default for FP8 weights"


def test_an_fp8_cache_where_the_engine_cannot_keep_one() -> None:
    a100 = CAT.gpu("a100-80gb")
    # vLLM stores FP8 (E4M3/E5M2) caches on Ampere, converting in its attention kernels
    assert estimate_serving(LLAMA8, a100, "bf16", kv_cache="fp8").kv_cache == "fp8"
    with pytest.raises(PaybackError) as info:
        estimate_serving(LLAMA8, a100, "bf16", engine="trtllm", kv_cache="fp8")
    assert info.value.param == "kv_cache"
    assert "needs FP8 tensor cores (Ada or later) and a100-80gb has none" in str(info.value)
    with pytest.raises(PaybackError, match="lean keeps a BF16 cache only"):
        estimate_serving(LLAMA8, L4, "bf16", engine="lean", kv_cache="fp8")
    with pytest.raises(PaybackError, match="kv_cache fp4: unknown; allowed: auto, bf16, fp8"):
        estimate_serving(LLAMA8, L4, "bf16", kv_cache="fp4")


def test_cli_says_the_cache_and_why() -> None:
    base = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l4", "--precision", "fp8")
    code, out, _ = run(*base)
    assert code == 0
    assert "11.2 GB (BF16, vLLM's default for FP8 weights)" in " ".join(out.split())
    code, out, _ = run(*base, "--kv-cache", "fp8")
    assert code == 0
    said = " ".join(out.split())
    assert "(FP8, set by --kv-cache)" in said
    assert "154 sequences at 1,100 tokens" in said
    code, out, _ = run(*base, "--json")
    data = json.loads(out)
    assert (data["kv_cache"], data["max_batch"]) == ("bf16", 77)
    assert data["kv_cache_reason"] == "vLLM's default for FP8 weights"
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "a100-80gb", "--engine",
        "trtllm", "--kv-cache", "fp8",
    )  # fmt: skip
    assert_user_error(code, out, err, "--kv-cache fp8: TensorRT-LLM's FP8 cache needs FP8")
    assert len(err.strip().splitlines()) == 1


def test_the_gpu_count_rule_is_said() -> None:
    # 2 x L4 hold llama-3.1-70b in int4 but only 2 sequences: 4 is the fewest holding 16
    args = ("estimate", "serving", "--model", "llama-3.1-70b", "--gpu", "l4", "--precision")
    code, out, _ = run(*args, "int4")
    assert code == 0
    said = " ".join(out.split())
    assert "4 × l4 (int4), the fewest whose KV cache holds 16 sequences of 1,100 tokens" in said
    _, out, _ = run(*args, "int4", "--json")
    assert json.loads(out)["gpus_per_replica_chosen"] == (
        "fewest whose KV cache holds 16 sequences of 1,100 tokens"
    )
    _, out, _ = run(*args, "int4", "--gpus-per-replica", "2", "--json")
    assert json.loads(out)["max_batch"] == 2
    assert json.loads(out)["gpus_per_replica_chosen"] == "given"


def test_the_advice_names_a_count_the_heads_split_over() -> None:
    # 141 GB of BF16 weights over 20.1 GB usable an L4 is 7 GPUs, but 64 heads and 8 KV
    # heads split over 1, 2, 4 or 8: 8
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-70b", "--gpu", "l4", "--gpus-per-replica", "1"
    )
    assert_user_error(code, out, err, "it needs at least 8 × l4 at bf16; 4 at fp8")
    code, out, _ = run(
        "estimate", "serving", "--model", "llama-3.1-70b", "--gpu", "l4", "--gpus-per-replica", "8"
    )
    assert code == 0


def test_a_given_batch_says_its_flag() -> None:
    code, out, _ = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s", "--batch", "1"
    )
    assert code == 0
    assert "1 (set by --batch)" in out
    assert "limited by given" not in out


def test_a_scenario_sets_the_cache_for_analyze_and_recommend() -> None:
    def resolved(**kv: str) -> dict[str, object]:
        data = build_data(model="llama-3.1-8b", gpu="l4", precision="fp8", gpus_per_replica=1, **kv)
        del data["alternatives"][0]["replica_requests_per_s"]
        del data["alternatives"][0]["usd_per_gpu_hour"]
        result = resolve(build(data))
        return result.details["alternatives.0"]["serving"]

    default, fp8 = resolved(), resolved(kv_cache="fp8")
    assert (default["kv_cache"], fp8["kv_cache"]) == ("bf16", "fp8")
    # 1,500 + 300 / 2 = 1,650 tokens a sequence: twice the sequences in an FP8 cache
    assert fp8["max_batch"] == pytest.approx(2 * default["max_batch"], abs=1)
    option = build(build_data(kv_cache="fp8")).alternatives[0]
    assert option_engine(option, sv.VLLM).kv_cache == "fp8"
    assert option_engine(build(build_data()).alternatives[0], sv.VLLM) is sv.VLLM
