"""A layer's kernels in series at a small batch (payback.hardware.kernels), by hand from
the engines' module code, and what they add to a decode step."""

from __future__ import annotations

import pytest

from payback import estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.estimate import serving_shape
from payback.hardware.kernels import DENSE_LAYER_KERNELS, layer_kernels

CAT = default_catalog()


def test_layer_kernels_by_hand() -> None:
    # dense: norm, QKV, RoPE, attention, O; norm, gate-up, SiLU-and-mul, down
    assert DENSE_LAYER_KERNELS == 9
    for dense in ("llama-3.1-8b", "qwen2.5-0.5b", "llama-3.1-70b"):
        assert layer_kernels(CAT.model(dense), shared_in_series=True) == 9.0
    # gpt-oss: the MLP's 3 become router, top-k, alignment, two grouped GEMMs, activation
    # and the sum over its 4 experts: 9 - 3 + 7 = 13; no shared expert, so AMD's the same
    gpt_oss = CAT.model("gpt-oss-120b")
    assert layer_kernels(gpt_oss, shared_in_series=False) == 13.0
    assert layer_kernels(gpt_oss, shared_in_series=True) == 13.0
    # Llama 4 Scout: one expert a token, no sum: 9 - 3 + 6 = 12; its shared expert on a
    # second stream on NVIDIA, in series on AMD (gate-up, activation, down, add): 16
    scout = CAT.model("llama-4-scout")
    assert layer_kernels(scout, shared_in_series=False) == 12.0
    assert layer_kernels(scout, shared_in_series=True) == 16.0
    # DeepSeek-V3: latent attention's 9 kernels for 5 in every layer (13 in its 3 dense
    # layers), the 58 MoE layers 13 - 3 + 7 = 17 (21 with the shared expert in series)
    deepseek = CAT.model("deepseek-v3")
    assert layer_kernels(deepseek, shared_in_series=False) == pytest.approx((3 * 13 + 58 * 17) / 61)
    assert layer_kernels(deepseek, shared_in_series=True) == pytest.approx((3 * 13 + 58 * 21) / 61)


def test_a_deepseek_layer_costs_its_kernels_at_a_dense_kernels_time() -> None:
    # S42: DeepSeek-R1 at one sequence on 8 x B200 (TensorRT-LLM). A MoE layer's 17
    # kernels at 30/9 us are 56.7 us where a dense layer's 9 are 30 us; over the 61 layers
    # (3 x 13 + 58 x 17) x 30/9 us = 3.417 ms of the step, 1.83 ms before kernels counted
    model, b200 = CAT.model("deepseek-v3"), CAT.gpu("b200")
    shape = serving_shape(model, b200, "mxfp4", 8, sv.TRTLLM)
    ratio = shape["layer_kernel_ratio"]
    assert 61 * 30e-6 * ratio == pytest.approx((3 * 13 + 58 * 17) * 30e-6 / 9, rel=1e-12)
    assert 61 * 30e-6 * ratio * 1e3 == pytest.approx(3.417, abs=0.001)
    step = sv.decode_step_seconds(batch=1, context=2048, engine=sv.TRTLLM, **shape)
    dense_cost = dict(shape, layer_kernel_ratio=1.0)
    before = sv.decode_step_seconds(batch=1, context=2048, engine=sv.TRTLLM, **dense_cost)
    assert float(step - before) * 1e3 == pytest.approx(3.417 - 1.830, abs=0.001)


def test_a_dense_estimate_does_not_move_and_amd_runs_shared_experts_in_series() -> None:
    # a dense model's ratio is 1 on every GPU: its step is the one the 30 us were set on
    for gpu in ("h100-sxm", "mi300x", "l4"):
        shape = serving_shape(CAT.model("llama-3.1-8b"), CAT.gpu(gpu), "bf16", 1)
        assert shape["layer_kernel_ratio"] == 1.0
    # S48: Llama 4 Scout on 8 x MI300X, its shared expert in series: 16 / 9 of a dense
    # layer's cost; on 8 x H100 the second stream takes it: 12 / 9
    scout = CAT.model("llama-4-scout")
    amd = serving_shape(scout, CAT.gpu("mi300x"), "bf16", 8, sv.SGLANG)
    nvidia = serving_shape(scout, CAT.gpu("h100-sxm"), "bf16", 8, sv.SGLANG)
    assert amd["layer_kernel_ratio"] == pytest.approx(16 / 9)
    assert nvidia["layer_kernel_ratio"] == pytest.approx(12 / 9)
    one = estimate_serving(
        scout,
        CAT.gpu("mi300x"),
        "bf16",
        input_tokens=610,
        output_tokens=422,
        gpus_per_replica=8,
        batch=1,
        engine=sv.SGLANG,
    )
    # S48's 48 layers: 48 x 16 x 30/9 us = 2.56 ms of per-layer cost, 1.44 ms before; the
    # step 4.80 ms against the 7.49 ms measured (1.56x), 3.68 ms before (2.03x)
    step_ms = 1000.0 / one.decode_output_tokens_per_s
    dense_cost = dict(amd, layer_kernel_ratio=1.0)
    before = sv.decode_step_seconds(batch=1, context=821, engine=sv.SGLANG, **dense_cost)
    assert step_ms - float(before) * 1e3 == pytest.approx(2.56 - 1.44, abs=1e-9)
    assert step_ms == pytest.approx(4.80, abs=0.005)
    assert 7.49 / step_ms == pytest.approx(1.56, abs=0.005)
