"""Weight-only int4 on the HBM GPUs of the Ampere and Hopper families: each matrix
multiply takes a fixed time beside its weight read (Marlin's benchmark on an A100,
vLLM's RTN int4 runs on an H100), folded into the share of the bandwidth the weights are
read at. Every figure below is worked by hand."""

from __future__ import annotations

import pytest

from payback import estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.device import (
    dequant_gemm_seconds,
    factors_text,
    factors_used,
    weight_read_share,
)
from payback.hardware.estimate import serving_shape

CAT = default_catalog()
LLAMA8 = CAT.model("llama-3.1-8b")
H100 = CAT.gpu("h100-sxm")
HEAD = 128_256 * 4_096  # Llama 3.1 8B's output projection, kept in BF16
INT4 = 0.5 + 2 / 128  # bytes a weight, an FP16 scale per group of 128
LINEAR = (8.03e9 - 2 * HEAD) * INT4  # its int4 linear layers: 3,598,715,406 bytes


def test_the_fixed_time_is_on_the_hbm_ampere_and_hopper_gpus_only() -> None:
    for gpu in ("h100-sxm", "h100-pcie", "h100-nvl", "h200", "gh200", "a100-80gb", "a100-40gb"):
        assert dequant_gemm_seconds(CAT.gpu(gpu), "int4") == 9e-6, gpu
    # GDDR GPUs (Marlin near-ideal on an A10, RTX 3090, RTX A6000), Blackwell and AMD
    # (not measured) keep the stream alone; so do MXFP4 and the 16- and 8-bit formats
    for gpu in ("a10", "a10g", "rtx-a6000", "l40s", "l4", "rtx-4090", "b200", "mi300x"):
        assert dequant_gemm_seconds(CAT.gpu(gpu), "int4") == 0.0, gpu
    for precision in ("mxfp4", "bf16", "fp8", "int8"):
        assert dequant_gemm_seconds(H100, precision) == 0.0


def test_llama_8b_on_an_h100_reads_its_int4_weights_at_half_the_bandwidth() -> None:
    # a layer: 3,598,715,406 / 32 = 112,459,856 bytes, streamed at 0.95 × 0.85 × 3.35 TB/s
    # = 2.705 TB/s in 41.57 µs; its four multiplies add 36 µs: 0.95 × 41.57 / 77.57
    assert round(LINEAR / 32) == 112_459_856
    share = weight_read_share(sv.VLLM, H100, "int4", LINEAR / 32)
    assert share == pytest.approx(0.95 * 41.573 / (41.573 + 36.0), abs=2e-4)
    assert share == pytest.approx(0.509, abs=1e-3)
    # on an A10 (0.6 TB/s GDDR6) the share stays Marlin's 0.95, whatever the size
    assert weight_read_share(sv.VLLM, CAT.gpu("a10"), "int4", LINEAR / 32) == 0.95
    assert weight_read_share(sv.VLLM, H100, "bf16", LINEAR / 32) == 1.0


def test_a_decode_step_gains_four_multiplies_a_layer_whatever_the_parallelism() -> None:
    # weights / (0.85 · BW) is the step's weight time; it grows by 32 layers × 4 × 9 µs
    # = 1.152 ms, i.e. 1.152 ms × 0.85 × 3.35 TB/s = 3.28 GB more "bytes" at TP1
    for tp in (1, 2):
        shape = serving_shape(LLAMA8, H100, "int4", tp)
        weights = float(shape["weights"])
        stream_only = LINEAR / 0.95 + HEAD * 2
        added_s = (weights - stream_only) / (tp * 0.85 * 3.35e12)
        assert added_s == pytest.approx(32 * 4 * 9e-6, rel=1e-9), tp
    assert float(serving_shape(LLAMA8, H100, "int4", 1)["weights"]) - (
        LINEAR / 0.95 + HEAD * 2
    ) == pytest.approx(3.28032e9, rel=1e-6)
    # the A10 as before: the int4 bytes at 0.95
    a10 = serving_shape(LLAMA8, CAT.gpu("a10"), "int4", 1)
    assert float(a10["weights"]) == pytest.approx(LINEAR / 0.95 + HEAD * 2)


def test_a_batch_1_step_of_llama_8b_on_an_h100_is_the_measured_one() -> None:
    # S68: vLLM's RTN int4 (Marlin) on one H100, 32 tokens in 0.154 s; the step's 3.60 GB
    # of int4 weights, 1.05 GB of BF16 output projection at 0.85 of 3.35 TB/s, 1 ms + 32 ×
    # 30 µs of engine overhead, and now 1.152 ms of int4 multiplies
    shape = serving_shape(LLAMA8, H100, "int4", 1)
    step = float(sv.decode_step_seconds(batch=1, context=272, engine=sv.VLLM, **shape))
    stream = (LINEAR / 0.95 + HEAD * 2) / (0.85 * 3.35e12)
    kv = 272 * 32 * 8 * 128 * 2 * 2 / (0.71 * 3.35e12)
    assert step == pytest.approx(stream + kv + 1.0e-3 + 32 * 30e-6 + 1.152e-3, rel=1e-6)
    assert step * 1e3 == pytest.approx(4.83, abs=0.01)  # S68: 4.81 ms a token, prefill included


def test_the_fixed_time_reproduces_marlin_s_a100_benchmark() -> None:
    """The Marlin README's batch-16 figure, A100 bars read off the chart: Llama 7B, 13B,
    33B and 65B layer shapes at 2.22, 2.80, 3.04 and 3.20× FP16 (bench.py's four
    multiplies a block). With FP16 and int4 at one share of the bandwidth, the speedup is
    2 bytes over the int4 bytes at the int4 share: 2 · s / 0.516; each within 6%."""
    a100 = CAT.gpu("a100-80gb")
    blocks = {
        7: (4096 * (3 * 4096 + 4096 + 2 * 10752) + 10752 * 4096, 2.22),
        13: (5120 * (3 * 5120 + 5120 + 2 * 13568) + 13568 * 5120, 2.80),
        33: (6656 * (3 * 6656 + 6656 + 2 * 17664) + 17664 * 6656, 3.04),
        65: (8192 * (3 * 8192 + 8192 + 2 * 21760) + 21760 * 8192, 3.20),
    }
    for size, (params, bar) in blocks.items():
        share = weight_read_share(sv.VLLM, a100, "int4", params * INT4)
        assert 2 * share / INT4 == pytest.approx(bar, rel=0.06), size
    # the 7B block by hand: 102.7 MB at 0.95 × 0.85 × 2.039 TB/s, 62.4 µs + 36 µs,
    # against FP16's 398.5 MB at 0.85 × 2.039 TB/s, 229.9 µs: 2.34×
    share = weight_read_share(sv.VLLM, a100, "int4", blocks[7][0] * INT4)
    assert 2 * share / INT4 == pytest.approx(229.9 / (62.4 + 36.0), rel=2e-3)
    # an A10's bars (3.70-3.85×) are the stream alone: 2 × 0.95 / 0.516 = 3.68
    assert 2 * weight_read_share(sv.VLLM, CAT.gpu("a10"), "int4", 1e8) / INT4 == pytest.approx(
        3.685, abs=1e-3
    )


def test_a_mixture_pays_the_whole_time_when_a_step_reads_every_expert() -> None:
    # Qwen3-30B-A3B, 48 layers: the share is from a layer's whole int4 weights, so reading
    # the shared part and every expert takes 48 × 4 × 9 µs = 1.728 ms beside the stream
    qwen = CAT.model("qwen3-30b-a3b")
    shape = serving_shape(qwen, H100, "int4", 1)
    l40s = serving_shape(qwen, CAT.gpu("l40s"), "int4", 1)  # GDDR6: the stream alone
    head = qwen.vocab_size * qwen.hidden_size * 2  # the BF16 output projection
    stream_only = float(l40s["weights"]) + float(l40s["expert_weights"]) - head
    whole = float(shape["weights"]) + float(shape["expert_weights"]) - head
    assert (whole - stream_only) / (0.85 * 3.35e12) == pytest.approx(48 * 4 * 9e-6, rel=1e-9)
    assert qwen.layers == 48


def test_the_factors_state_the_fixed_time() -> None:
    assert factors_used(sv.VLLM, H100, "int4")["dequant_gemm_s"] == 9e-6
    assert factors_text(factors_used(sv.VLLM, H100, "int4")).endswith(
        "; weight-only bandwidth ×0.95, +9 µs an int4 matrix multiply"
    )
    assert "matrix multiply" not in factors_text(factors_used(sv.VLLM, CAT.gpu("l40s"), "int4"))


@pytest.mark.parametrize(
    ("name", "memory", "architecture", "fixed"),
    [
        ("NVIDIA Tesla T4 16GB", "gddr6", None, 0.0),  # Turing: no architecture of the list
        ("AMD Radeon PRO W7900 48GB", "gddr6", None, 0.0),
        ("Intel Gaudi 3", "hbm2e", None, 0.0),  # HBM, but no architecture: nothing measured
        ("NVIDIA A40 48GB", "gddr6", "ampere", 0.0),  # GDDR6 Ampere
        ("NVIDIA A100 80GB", None, None, 0.0),  # a name alone is not read any more
        ("NVIDIA A800 80GB", "hbm2e", "ampere", 9e-6),
        ("NVIDIA H800 80GB", "hbm3", "hopper", 9e-6),
        ("Acme Accelerator", "hbm3e", "hopper", 9e-6),  # the fields decide, not the name
        ("NVIDIA H100 80GB", "hbm3", "blackwell", 0.0),
        ("NVIDIA H100 80GB", "hbm3", "cdna3", 0.0),
    ],
)
def test_the_records_memory_and_architecture_decide_the_fixed_time(
    name: str, memory: str | None, architecture: str | None, fixed: float
) -> None:
    """An HBM memory on an Ampere or Hopper architecture takes the fixed time, whatever the
    GPU is called; a record that gives neither field takes none (the name matched by a
    pattern before, which reached a T4, a Radeon and a Gaudi)."""
    gpu = H100.model_copy(update={"name": name, "memory": memory, "architecture": architecture})
    assert dequant_gemm_seconds(gpu, "int4") == fixed
    assert dequant_gemm_seconds(gpu, "mxfp4") == 0.0


def test_int4_is_never_slower_than_the_16_bit_weights_it_replaces() -> None:
    """At tensor parallelism 8 a Llama 3.1 8B layer holds 14.06 MB of int4 a GPU, streamed
    in 5.2 µs beside 36 µs of fixed time: 0.95 × 5.2 / 41.2 = 0.12 of the bandwidth, below
    the 16-bit weights' own time (0.258 = 0.5156 / 2 bytes). The share stops there, so an
    int4 step is the BF16 one (no tensor-parallel int4 run was measured); at one GPU the
    fixed time still counts (0.509)."""
    layer = LINEAR / 32 / 8
    share = weight_read_share(sv.VLLM, H100, "int4", layer)
    assert share == pytest.approx(INT4 / 2.0, rel=1e-12)
    assert share > 0.95 * 5.2 / 41.2
    bf16, int4 = (
        estimate_serving(LLAMA8, H100, p, batch=1, gpus_per_replica=8).tpot_ms
        for p in ("bf16", "int4")
    )
    assert int4 == pytest.approx(bf16, rel=1e-9)
    one = estimate_serving(LLAMA8, H100, "int4", batch=1).tpot_ms
    assert one < estimate_serving(LLAMA8, H100, "bf16", batch=1).tpot_ms
