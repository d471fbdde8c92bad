"""Mixtures of experts in the estimators: hand-worked decode steps, the dense limit, and
LoRA memory on a Qwen3 MoE."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payback import PaybackError, estimate_serving, estimate_training
from payback.catalog import OpenModel, default_catalog
from payback.hardware import serving as sv
from payback.hardware.estimate import serving_shape, weight_bytes

CAT = default_catalog()
QWEN_MOE = CAT.model("qwen3-30b-a3b")
H100 = CAT.gpu("h100-sxm")

# Qwen3-30B-A3B, by hand from its config.json:
EMBEDDING = 151_936 * 2048  # the untied input embedding: looked up, not streamed
ROUTED = 48 * 128 * 3 * 2048 * 768  # 48 MoE layers x 128 experts x gate/up/down
KV_PER_TOKEN = 2 * 48 * 4 * 128 * 2  # K and V x layers x KV heads x head dim x BF16
NON_EXPERT = 30.5e9 - EMBEDDING - ROUTED  # attention, router, norms, output projection


def _step_ms(batch: int, context: int) -> float:
    """A decode step on one H100 SXM in BF16 at ``context`` tokens, by hand:
    (W + X · (1 − (1 − 8/128)^b)) at 3,350 GB/s x 0.85 and b · C · kv bytes at x 0.71, plus 1 ms and
    48 layers of 13 kernels at 0.03 / 9 ms (a dense layer's 9 less its 3 MLP kernels plus the
    router, top-k and the 5 of the fused experts); the step is memory-bound (checked below)."""
    touched = 1.0 - (1.0 - 8 / 128) ** batch
    weights = 2 * NON_EXPERT + 2 * ROUTED * touched
    cache = batch * context * KV_PER_TOKEN  # read by the attention kernels at 71%
    memory_ms = (weights / (3350e9 * 0.85) + cache / (3350e9 * 0.71)) * 1e3
    active = NON_EXPERT + ROUTED * 8 / 128
    compute_ms = batch * (2 * active + 4 * 48 * 32 * 128 * context) / (989e12 * 0.5) * 1e3
    assert compute_ms < memory_ms
    return memory_ms + 1.0 + 48 * 13 * 0.03 / 9


def test_decode_step_by_hand_batch_1_reads_the_active_weights() -> None:
    # One token touches 8 of 128 experts in each layer: the step streams 2 x (1.198e9 +
    # 28.99e9 / 16) = 6.02 GB of weights, the active matmul parameters (3.01e9) in BF16,
    # not the 58 GB the replica holds, plus 1,000 x 98,304 B of KV cache.
    assert ROUTED == 28_991_029_248
    shape = serving_shape(QWEN_MOE, H100, "bf16", 1)
    assert float(shape["weights"]) + float(shape["expert_weights"]) / 16 == pytest.approx(
        2 * float(shape["params"]), rel=1e-12
    )
    assert float(shape["params"]) == pytest.approx(3.0097e9, rel=1e-4)
    assert weight_bytes(QWEN_MOE, "bf16") == pytest.approx(61.0e9, rel=1e-12)
    expected_ms = _step_ms(batch=1, context=1000)
    assert expected_ms == pytest.approx(5.24, abs=0.01)
    result = estimate_serving(
        QWEN_MOE, H100, "bf16", input_tokens=1000, output_tokens=2, batch=1, context=1000
    )
    assert result.gpus_per_replica == 1
    assert result.decode_output_tokens_per_s == pytest.approx(1000 / expected_ms, rel=1e-9)


def test_decode_step_by_hand_batch_64_reads_nearly_every_expert() -> None:
    # 64 tokens touch 1 - (15/16)^64 = 98.4% of the experts: 2 x (1.198e9 + 0.984 x
    # 28.99e9) = 59.44 GB, ten times batch 1's weights, plus 64 x 1,000 x 98,304 B:
    # 59.44e9 / (3,350e9 x 0.85) + 6.29e9 / (3,350e9 x 0.71) + 1 + 48 x 13 x 0.03 / 9 = 26.60 ms.
    share = float(sv.experts_touched(tokens=64, expert_share=8 / 128))
    assert share == pytest.approx(1 - (15 / 16) ** 64)
    assert share == pytest.approx(0.98392, abs=1e-5)
    expected_ms = _step_ms(batch=64, context=1000)
    assert expected_ms == pytest.approx(26.60, abs=0.01)
    result = estimate_serving(
        QWEN_MOE, H100, "bf16", input_tokens=1000, output_tokens=2, batch=64, context=1000
    )
    assert result.decode_output_tokens_per_s == pytest.approx(64 * 1000 / expected_ms, rel=1e-9)
    # the expected distinct experts per layer, E · (1 − (1 − k/E)^b)
    distinct = 128 * float(sv.experts_touched(tokens=64, expert_share=8 / 128))
    assert distinct == pytest.approx(125.94, abs=0.01)


def test_gpt_oss_mxfp4_keeps_experts_at_4_25_bits_and_the_rest_in_bf16() -> None:
    # gpt-oss-20b: 19.11e9 routed expert parameters x 4.25 bits, 1.8e9 others x 2 B.
    model = CAT.model("gpt-oss-20b")
    routed = 24 * 32 * 3 * 2880 * 2880
    expected = routed * (0.5 + 1 / 32) + (20.91e9 - routed) * 2
    assert weight_bytes(model, "mxfp4") == pytest.approx(expected, rel=1e-12)
    assert weight_bytes(model, "mxfp4") / 1e9 == pytest.approx(13.76, abs=0.01)
    dense = CAT.model("qwen3-8b")
    with pytest.raises(PaybackError, match="qwen3-8b is dense; use int4 for 4-bit weights"):
        estimate_serving(dense, H100, "mxfp4")


def _twins(
    layers: int, hidden: int, heads: int, experts: int, width: int, tied: bool
) -> tuple[OpenModel, OpenModel]:
    """A mixture of experts whose every token uses every expert, and the dense model of
    the same parameters with one MLP as wide as all the experts together."""
    common = {
        "name": "twin",
        "hf_repo": "test/twin",
        "params_b": 1.0 + layers * experts * 3 * hidden * width / 1e9,
        "layers": layers,
        "hidden_size": hidden,
        "heads": heads,
        "kv_heads": heads,
        "head_dim": 64,
        "vocab_size": 32000,
        "tied_embeddings": tied,
        "max_context": 32768,
        "source": "inline test model",
        "checked": "2026-12-02",
    }
    moe = OpenModel(
        id="moe",
        intermediate_size=width,
        experts=experts,
        experts_per_token=experts,
        moe_intermediate_size=width,
        **common,
    )
    dense = OpenModel(id="dense", intermediate_size=experts * width, **common)
    return moe, dense


@settings(max_examples=40, deadline=None)
@given(
    layers=st.integers(2, 40),
    hidden=st.sampled_from([512, 1024, 2048]),
    heads=st.sampled_from([8, 16]),
    experts=st.integers(2, 64),
    width=st.sampled_from([128, 256, 512]),
    tied=st.booleans(),
    gpu=st.sampled_from(["h100-sxm", "a100-80gb", "l40s"]),
    precision=st.sampled_from(["bf16", "int8", "int4"]),
    batch=st.integers(1, 64),
    context=st.integers(1, 8000),
)
def test_moe_estimate_is_the_dense_one_when_every_expert_is_active(
    layers: int,
    hidden: int,
    heads: int,
    experts: int,
    width: int,
    tied: bool,
    gpu: str,
    precision: str,
    batch: int,
    context: int,
) -> None:
    moe, dense = _twins(layers, hidden, heads, experts, width, tied)
    # the same bytes and arithmetic; the MoE's layers run more kernels (router, top-k, the
    # fused experts' alignment and sum: payback.hardware.kernels), so the per-layer cost is
    # off for the comparison and checked on its own below
    engine = dataclasses.replace(sv.VLLM, layer_overhead_s=0.0)
    kwargs = {
        "input_tokens": 200.0,
        "output_tokens": 100.0,
        "batch": batch,
        "context": context,
        "engine": engine,
    }
    try:
        dense_estimate = estimate_serving(dense, CAT.gpu(gpu), precision, **kwargs)
    except PaybackError as exc:  # the batch does not fit: neither does the MoE's
        with pytest.raises(PaybackError, match=re.escape(exc.messages[0][:20])):
            estimate_serving(moe, CAT.gpu(gpu), precision, **kwargs)
        return
    moe_estimate = estimate_serving(moe, CAT.gpu(gpu), precision, **kwargs).to_dict()
    for key, value in dense_estimate.to_dict().items():
        if key == "model":
            continue
        if isinstance(value, float):
            assert math.isclose(moe_estimate[key], value, rel_tol=1e-9), key
        else:
            assert moe_estimate[key] == value, key
    ratio = serving_shape(moe, CAT.gpu(gpu), precision, 1)["layer_kernel_ratio"]
    assert ratio == pytest.approx(13 / 9)  # all experts a token's: 7 routed kernels for 3
    trained = estimate_training(moe, CAT.gpu(gpu), "full", tokens=1e6)
    assert trained.flops == pytest.approx(
        estimate_training(dense, CAT.gpu(gpu), "full", tokens=1e6).flops, rel=1e-12
    )


def test_qwen3_moe_lora_memory_fit_by_hand() -> None:
    # LoRA rank 16 on q, k, v, o and on gate/up/down of all 128 experts of the 48 layers:
    # attention 16 x (6144 + 2 x 2560 + 6144) = 278,528 a layer; experts 16 x 128 x 3 x
    # (2048 + 768) = 17,301,504 a layer: 843.8M adapter parameters x 16 B of state.
    adapters = 48 * 16 * ((2048 + 4096) + 2 * (2048 + 512) + (4096 + 2048))
    adapters += 48 * 16 * 128 * 3 * (2048 + 768)
    assert adapters == 843_841_536
    # activations of a 4,096-token micro-batch: 48 kept layer inputs, one layer's working
    # set with the 8 experts' 8 x 768 intermediate width, and the logits
    activations = 4096 * 2048 * 2 * 48 + 4096 * (10 * 2048 + 3 * 8 * 768) * 2
    activations += 4096 * 151_936 * 6
    one_gpu = 30.5e9 * 2 + adapters * 16 + activations + 2e9  # frozen BF16 weights
    # on two GPUs the adapters' states are sharded with the weights (FSDP/ZeRO-3), and each
    # GPU gathers two whole layers in BF16: attention 2048 x 4096 + 2 x 2048 x 512 +
    # 4096 x 2048 = 18,874,368, 128 experts x 3 x 2048 x 768 = 603,979,776, router
    # 2048 x 128, norms 2 x 2048: 623,120,384 parameters, 2 x 2 B each
    gathered = 2 * 2 * (18_874_368 + 603_979_776 + 2048 * 128 + 2 * 2048)
    assert gathered == 2_492_481_536
    # and the root unit whole in BF16: embedding and lm_head (untied, 151,936 x 2,048 each)
    # and the final norm, 622,331,904 parameters, 1,244,663,808 B
    root = 2 * (2 * 151_936 * 2048 + 2048)
    assert root == 1_244_663_808
    two_gpus = (30.5e9 * 2 + adapters * 16) / 2 + gathered + root + activations + 2e9
    h100_usable = 81559 * 2**20 * 0.9
    assert two_gpus < h100_usable < one_gpu  # 47.8 GB fits, 81.4 GB does not
    on_h100 = estimate_training(QWEN_MOE, H100, "lora", tokens=1e6, epochs=1.0)
    assert on_h100.gpus == 2
    assert on_h100.memory_gib == pytest.approx(two_gpus / 2**30, rel=1e-12)
    on_h200 = estimate_training(QWEN_MOE, CAT.gpu("h200"), "lora", tokens=1e6)
    assert on_h200.gpus == 1
    assert on_h200.memory_gib == pytest.approx(one_gpu / 2**30, rel=1e-12)
    # where the adapters go is said, and compute counts the active parameters only
    assert on_h100.adapters is not None
    assert "all 128 routed experts" in on_h100.adapters
    assert "not the router" in on_h100.adapters
    assert "844M trainable parameters" in on_h100.adapters
    active = 30.5e9 - ROUTED * (1 - 8 / 128)
    assert on_h100.flops == pytest.approx(4 * active * 1e6, rel=1e-12)
    assert on_h100.active_params_b == pytest.approx(3.32, abs=0.01)
