"""A GPU as the serving estimate sees it: its architecture family and what that family
reaches (bandwidth, prefill, step overheads), the serving engine bound to it (its limits,
precisions it runs) and its peak tensor rate at a precision."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from payback.catalog import HBM_KINDS, Gpu
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.serving import EXPERT_ONLY_PRECISIONS, PRECISIONS
from payback.nearby import ID_CUTOFF, nearest

_FAMILIES: tuple[tuple[str, str], ...] = (
    (r"\bGH200\b|\bH100\b|\bH200\b", "hopper"),
    (r"\bB200\b|\bB100\b|\bGB200\b|RTX 50\d0|Blackwell", "blackwell"),
    (r"\bA100\b|\bA10G?\b|\bA30\b|\bA40\b|RTX A\d+|RTX 30\d0", "ampere"),
    (r"\bL4\b|\bL40S?\b|RTX 40\d0|\bAda\b", "ada"),
    (r"\bMI3\d\dX?\b|Instinct", "cdna3"),
)
"""GPU architectures, recognised by a record's name where it gives no ``architecture``."""


def known_family(gpu: Gpu) -> str | None:
    """The GPU's architecture as its record gives it or its name shows it; none where
    neither does (:func:`gpu_family` then takes Hopper's factors)."""
    if gpu.architecture is not None:
        return gpu.architecture
    for pattern, family in _FAMILIES:
        if re.search(pattern, gpu.name):
            return family
    return None


def gpu_family(gpu: Gpu) -> str:
    """The GPU's architecture: hopper, blackwell, ampere, ada or cdna3 (AMD), as its record
    gives it (every packaged GPU does); for a record without one, recognised by its name,
    and a name that matches none is taken as hopper, the reference the engine factors are
    set on.

    >>> from payback.catalog import default_catalog
    >>> [gpu_family(default_catalog().gpu(g)) for g in ("h200", "a100-80gb", "l40s", "mi300x")]
    ['hopper', 'ampere', 'ada', 'cdna3']
    """
    return known_family(gpu) or "hopper"


@dataclass(frozen=True)
class FamilyEfficiency:
    """What a GPU architecture's kernels reach, relative to Hopper's (where the engine
    factors are set)."""

    bandwidth: float
    """Decode's share of peak bandwidth over Hopper's."""
    compute: float
    """The tensor cores' sustained share of peak over Hopper's."""


FAMILY_EFFICIENCY: dict[str, FamilyEfficiency] = {
    "hopper": FamilyEfficiency(1.0, 1.0),
    "blackwell": FamilyEfficiency(1.0, 1.0),
    "ampere": FamilyEfficiency(1.0, 1.0),
    "ada": FamilyEfficiency(0.95, 1.0),
    "cdna3": FamilyEfficiency(1.0, 1.0),
}
"""Per-architecture factors. Hopper: the reference (an H200 copies at 87% of peak and
multiplies BF16 at 78%, ``examples/calibrations/h200-llama-3.1-8b-lora.toml``). Ampere:
as Hopper; a batch-1 Llama-3.1-8B decode on an A100 reaches 77% of the bandwidth bound
overheads included, as the Hopper factors predict, and TensorRT-LLM's A100 prefill
reaches 67% of the FP16 peak (NVIDIA/TensorRT-LLM docs/source/performance.md, v0.5
first-token latency), no less than Hopper's. Ada (L4, L40S, RTX 40 and RTX 6000 Ada):
GDDR6 copies reach 83% of peak where Hopper's HBM3 reach 87% (0.95×; L40S validation
targets, ai-hpc.github.io "Benchmarks for L40S x12"). Blackwell and CDNA 3: no published
microbenchmark read for this table; as Hopper."""


def engine_named(name: str) -> sv.ServingEngine:
    """The engine called ``name``; one line naming the allowed ones otherwise."""
    engine = sv.ENGINES.get(name)
    if engine is None:
        near = nearest(name, sv.ENGINE_NAMES, cutoff=ID_CUTOFF)
        mean = f"did you mean {near}? " if near else ""
        allowed = f"unknown; {mean}allowed: {', '.join(sv.ENGINE_NAMES)}"
        raise PaybackError.bad("engine", name, allowed)
    return engine


def check_engine(engine: sv.ServingEngine, gpu: Gpu, precision: str) -> None:
    """One line when the engine does not run on the GPU's maker or at the precision, or
    cannot keep the KV cache asked for on the GPU (:func:`check_kv_cache`)."""
    from payback.hardware.kv_cache import check_kv_cache

    vendor = "amd" if gpu_family(gpu) == "cdna3" else "nvidia"
    if vendor not in engine.vendors:
        others = [n for n, e in sv.ENGINES.items() if vendor in e.vendors]
        runs = (
            f"runs on {', '.join(v.upper() for v in engine.vendors)} GPUs only and {gpu.id} is "
            f"{vendor.upper()}; use {' or '.join(others)} on it"
        )  # the line names the engine; an interface names its flag or field instead
        raise PaybackError(
            f"engine {engine.name!r} {runs}", param="engine", value=engine.name, allowed=runs
        )
    if precision not in engine.precisions:
        others = [n for n, e in sv.ENGINES.items() if precision in e.precisions]
        serves = (
            f"it serves {', '.join(engine.precisions)}; use {' or '.join(others)} for {precision}"
        )
        raise PaybackError(
            f"engine {engine.name!r} at {precision}: {serves}",
            param="precision",
            value=precision,
            allowed=f"engine {engine.name!r} {serves.removeprefix('it ')}",
        )
    check_kv_cache(engine, gpu)


LARGE_GPU_BYTES = 70 * 2**30
"""The device memory from which vLLM raises its limits (:func:`engine_limits`) [bytes]."""


def engine_limits(engine: sv.ServingEngine, gpu: Gpu) -> tuple[int, float]:
    """The engine's most running sequences and tokens a step on this GPU (∞ tokens for an
    engine without mixed steps): vLLM raises both (:attr:`ServingEngine.large_gpu_limits`)
    on a GPU of 70 GiB or more whose name has no "a100" in it.

    This is vLLM's own rule, read from the device's name, not from its chip
    (``EngineArgs.get_batch_defaults`` in vllm/engine/arg_utils.py: 70 GiB or more and
    "a100" not in the lower-cased device name; the A100 is left out because the larger
    token budget lowered its throughput, vLLM pull request #17885). It is copied as the
    engine applies it, so an A800 80GB (the A100's GA100 chip, another name) gets the
    larger limits here as it does under vLLM. Packaged GPUs: the H100, H200, GH200, B200,
    RTX PRO 6000 and MI300X/MI325X take the larger limits, the A100s and every GPU under
    70 GiB the smaller ones.

    >>> from payback.catalog import default_catalog
    >>> [engine_limits(sv.VLLM, default_catalog().gpu(g)) for g in ("h100-sxm", "a100-80gb")]
    [(1024, 8192.0), (256, 2048.0)]
    """
    seqs, budget = engine.max_num_seqs, engine.max_num_batched_tokens
    large = gpu.memory_bytes >= LARGE_GPU_BYTES and "a100" not in gpu.name.lower()
    if engine.large_gpu_limits is not None and large:
        seqs, budget = engine.large_gpu_limits
    return seqs, np.inf if budget is None else float(budget)


def on_gpu(engine: sv.ServingEngine, gpu: Gpu) -> sv.ServingEngine:
    """The engine with its limits on this GPU (:func:`engine_limits`)."""
    seqs, budget = engine_limits(engine, gpu)
    return dataclasses.replace(
        engine,
        max_num_seqs=seqs,
        max_num_batched_tokens=None if not np.isfinite(budget) else budget,
    )


TENSOR_FORMATS: dict[str, frozenset[str]] = {
    "ampere": frozenset({"bf16", "int8"}),
    "ada": frozenset({"bf16", "fp8", "int8"}),
    "hopper": frozenset({"bf16", "fp8", "int8"}),
    "blackwell": frozenset({"bf16", "fp8", "int8"}),
    "cdna3": frozenset({"bf16", "fp8", "int8"}),
}
"""The formats each architecture's tensor cores multiply (the peaks a record can give):
FP8 from Ada and Hopper on (Ampere has none: NVIDIA's A100 and A10 datasheets print no
FP8 row), INT8 on every one of them (third-generation tensor cores and later; CDNA 3's
matrix cores). A precision outside this set is one the GPU lacks; one inside it whose
record gives no figure is one the catalog cannot price (:func:`precision_gap`)."""

_ARCH_NAMES = {
    "ampere": "Ampere",
    "ada": "Ada",
    "hopper": "Hopper",
    "blackwell": "Blackwell",
    "cdna3": "CDNA 3",
}

_PEAK_FIELDS = {"bf16": "bf16_tflops", "fp8": "fp8_tflops", "int8": "int8_tops"}
"""The record field holding a precision's own peak (int4 and mxfp4 use the BF16 one)."""


def _peaks(gpu: Gpu) -> dict[str, float | None]:
    return {
        "bf16": gpu.bf16_tflops,
        "fp8": gpu.fp8_tflops,
        "int8": gpu.int8_tops,
        "int4": gpu.bf16_tflops,
        "mxfp4": gpu.bf16_tflops,
    }


def precision_gap(gpu: Gpu, precision: str) -> str | None:
    """Why the GPU has no peak at a precision: ``"cores"`` where its architecture has no
    tensor cores for the format (FP8 on Ampere), ``"figure"`` where it has them, or its
    architecture is not known (:func:`known_family`), but the record gives no rate; none
    where the peak is known.

    >>> from payback.catalog import default_catalog
    >>> cat = default_catalog()
    >>> precision_gap(cat.gpu("a100-80gb"), "fp8"), precision_gap(cat.gpu("a10g"), "int8")
    ('cores', 'figure')
    """
    if _peaks(gpu)[precision] is not None:
        return None
    family = known_family(gpu)
    return "cores" if family is not None and precision not in TENSOR_FORMATS[family] else "figure"


def runnable_precisions(
    gpu: Gpu, allowed: tuple[str, ...] = PRECISIONS, experts: bool = False
) -> list[str]:
    """The precisions of ``allowed`` the GPU has a peak for, in order; the expert-only
    formats (MXFP4) only with ``experts`` (a mixture of experts)."""
    peaks = _peaks(gpu)
    return [
        p for p in allowed if peaks[p] is not None and (experts or p not in EXPERT_ONLY_PRECISIONS)
    ]


def peak_flops(gpu: Gpu, precision: str, allowed: tuple[str, ...] = PRECISIONS) -> float:
    """Dense tensor peak used at a precision [FLOP/s]. int4 and mxfp4 are weight-only
    (AWQ/GPTQ and MXFP4 MoE kernels dequantize to 16 bits), so they compute at the BF16
    peak. Without one, one line that tells a GPU lacking the tensor cores (FP8 on Ampere)
    from a record giving no figure (:func:`precision_gap`)."""
    if precision not in allowed:
        raise PaybackError.bad("precision", precision, f"unknown; allowed: {', '.join(allowed)}")
    value = _peaks(gpu)[precision]
    if value is None:
        use = f"use {', '.join(runnable_precisions(gpu, allowed))} on it"
        name = precision.upper()
        if precision_gap(gpu, precision) == "cores":
            lacks = f"{gpu.id} has no {name} tensor cores; {use}, or a GPU that has them"
        else:
            family = known_family(gpu)
            field = _PEAK_FIELDS[precision]
            runs = (
                "" if family is None else f"its {_ARCH_NAMES[family]} tensor cores run {name}, but "
            )
            lacks = (
                f"the catalog gives no {name} rate for {gpu.id}: {runs}its record has no "
                f"{field}; {use}, or add {field} (dense) to its record in the catalog's gpus.toml"
            )
        raise PaybackError(lacks, param="precision", value=precision, allowed=lacks)
    return value * 1e12


def device_scales(engine: sv.ServingEngine, gpu: Gpu, precision: str) -> tuple[float, float]:
    """The multipliers on ``gpu``'s bandwidth and tensor peak a serving step uses: the GPU
    family's (on the factors not measured on the device), the weight-only formats'
    dequantisation and the 8-bit formats' share of peak.

    >>> from payback.catalog import default_catalog
    >>> device_scales(sv.VLLM, default_catalog().gpu("l40s"), "fp8")
    (0.95, 0.75)
    """
    family = gpu_family(gpu)
    scale = FAMILY_EFFICIENCY[family]
    bandwidth = 1.0 if "bandwidth_efficiency" in engine.measured else scale.bandwidth
    compute = 1.0 if "prefill_mfu" in engine.measured else scale.compute
    if precision in sv.WEIGHT_ONLY and family != "blackwell":
        compute *= sv.DEQUANT_COMPUTE[precision]
    if precision in ("fp8", "int8"):
        compute *= sv.FP8_COMPUTE
    return bandwidth, compute


DEQUANT_GEMM_SECONDS = 9.0e-6
"""Time one int4 (W4A16) matrix multiply takes beyond streaming its weights at
:data:`~payback.hardware.serving.DEQUANT_BANDWIDTH`, on the HBM GPUs of the Ampere and Hopper
families (A100, H100, H200: :func:`dequant_gemm_seconds`, by the record's ``memory`` and
``architecture``) [s]. Marlin, the kernel vLLM runs AWQ and RTN int4 weights with on every NVIDIA
GPU from Ampere on, reaches its near-ideal share only where a GPU's memory is slow: its own
benchmark of the linear layers of Llama 7B-65B at batch 16 (IST-DASLab/marlin README.md, commit
2f6d7c1, "performance on layer shapes of popular models", bench.py) gives 3.4-3.9× FP16's speed on
an A10, RTX 3090 and RTX A6000 (GDDR6, 0.6-0.9 TB/s: 0.88-1.0 of the ideal 3.87×) but 2.2× at
Llama-7B shapes, 2.8× at 13B, 3.0× at 33B and 3.2× at 65B on an A100. Those A100 figures are one
constant beside the stream: with FP16 at 0.85 of the A100 80GB's 2.04 TB/s and int4 at 0.95 of that,
each of a block's four matrix multiplies takes 10.3, 7.8, 8.8 and 9.5 µs more than its weight read
(10-13.5 µs on the 40GB card's 1.56 TB/s; Falcon-180B's two 2.2B-parameter multiplies, 4 µs). The
fixed part is what does not shrink with the weights: the pipeline's first loads and the striped
partition's global reduction, which the SMs of a slice take in turn. On an A10 the same figure
leaves no such time, so the GDDR GPUs keep the stream alone. Held against vLLM's RTN int4 on Marlin
on one H100 (docs/accuracy.md S68-S70, which imply 8-12 µs; no factor was set from them). vLLM sends
GPTQ and compressed-tensors W4A16 checkpoints through ``choose_mp_linear_kernel``, which tries
Machete (CUTLASS, TMA and wgmma, compute capability 9.0 only) before Marlin on a Hopper GPU, but
FBGEMM's benchmark of the two found Marlin ahead up to batch 32 (pytorch/FBGEMM pull request #3259),
so int4 on Hopper takes Marlin's constant whichever checkpoint format it is."""

DEQUANT_GEMMS_PER_LAYER = 4
"""The int4 matrix multiplies of a layer a decode step runs: the fused query-key-value
and output projections, the fused gate-and-up and down projections (vLLM's
``QKVParallelLinear``, ``RowParallelLinear``, ``MergedColumnParallelLinear``; the Marlin
benchmark's four shapes a Llama block)."""

FIXED_TIME_ARCHITECTURES = frozenset({"ampere", "hopper"})
"""The architectures whose HBM parts take :data:`DEQUANT_GEMM_SECONDS` (the A10, A40 and
RTX A-series carry GDDR6 and do not)."""


INT4_FLOOR = sv.WEIGHT_BYTES["int4"] / sv.WEIGHT_BYTES["bf16"]
"""The lowest share of the 16-bit bandwidth int4 weights are read at: their bytes over the
16-bit ones' (0.258), the same time as the 16-bit weights they replace."""


def dequant_gemm_seconds(gpu: Gpu, precision: str) -> float:
    """Fixed time of one weight-only int4 matrix multiply beside its weight read on
    ``gpu`` [s]: :data:`DEQUANT_GEMM_SECONDS` where the record gives an HBM ``memory``
    and the Ampere or Hopper ``architecture``, where Marlin's own benchmark and vLLM's runs
    show it; none on GDDR GPUs (measured near-ideal), on Blackwell and AMD (not measured),
    on a record that gives neither field (its name is not read: nothing measured stands
    behind a guess), nor for MXFP4 (the gpt-oss rows set its factor).

    >>> from payback.catalog import default_catalog
    >>> [dequant_gemm_seconds(default_catalog().gpu(g), "int4") for g in ("h100-sxm", "a10")]
    [9e-06, 0.0]
    """
    hbm = gpu.memory in HBM_KINDS and gpu.architecture in FIXED_TIME_ARCHITECTURES
    return DEQUANT_GEMM_SECONDS if precision == "int4" and hbm else 0.0


def dequant_measured(gpu: Gpu) -> bool:
    """Whether weight-only int4's dequantising matrix multiplies were measured on a GPU of
    this kind, as :func:`dequant_gemm_seconds` takes them: an HBM part of the Ampere or
    Hopper architecture (Marlin's fixed time a multiply) or a GDDR one (near-ideal);
    not an HBM part of another architecture (Blackwell's B200, AMD's MI300X and MI325X),
    nor a record that gives neither field: their int4 estimate is the ideal one, the
    weights read at :data:`~payback.hardware.serving.DEQUANT_BANDWIDTH` with no fixed
    time, and nothing measured stands behind it.

    >>> from payback.catalog import default_catalog
    >>> [dequant_measured(default_catalog().gpu(g)) for g in ("h100-sxm", "l40s", "mi300x")]
    [True, True, False]
    """
    if gpu.memory is None:
        return False
    return gpu.memory not in HBM_KINDS or gpu.architecture in FIXED_TIME_ARCHITECTURES


DEQUANT_NOT_MEASURED = (
    "the estimate reads the 4-bit weights at the ideal 0.95 of the bandwidth with no fixed "
    "time a dequantising multiply, where Ampere and Hopper HBM GPUs take one (Marlin's, "
    "9 µs); no int4 run on this kind of GPU has been measured",
    "weight-only int4 on an HBM GPU neither Ampere nor Hopper (B200, MI300X, MI325X)",
)
"""The mechanism and the condition of the caution for int4 on a GPU whose dequantisation
:func:`dequant_measured` says was not measured."""


def dequant_regime(regime: Any, gpu: Gpu, precision: str) -> dict[str, str]:
    """The caution of ``regime`` (``int4-dequant-not-measured`` of
    :data:`payback.hardware.cautions.REGIMES`) by its name, where ``precision`` is int4 and
    its dequantisation was not measured on ``gpu``'s kind (:func:`dequant_measured`)."""
    if precision != "int4" or dequant_measured(gpu):
        return {}
    kind = gpu.architecture or "architecture not given"
    return {
        regime.name: f"int4 weights on {gpu.id} ({kind}): {regime.mechanism}, so its int4 "
        f"speed may be overstated (measured: docs/accuracy.md {', '.join(regime.outside)}, "
        "on an H100)"
    }


def weight_read_share(
    engine: sv.ServingEngine, gpu: Gpu, precision: str, layer_bytes: float
) -> float:
    """Share of the 16-bit kernels' bandwidth a weight-only format's decode reads its
    weights at, when a layer's matrix multiplies hold ``layer_bytes`` on each GPU: 1 for
    the other formats; :data:`~payback.hardware.serving.DEQUANT_BANDWIDTH` (0.95) where a
    multiply has no fixed time (:func:`dequant_gemm_seconds`); else that share of the time
    the layer's stream takes, t, over t plus its four multiplies' fixed time f:
    0.95 · t / (t + 4 f), t = bytes / (0.95 · engine share · bandwidth). A small layer on a
    fast GPU reads at a small share, but never below the 16-bit weights' own time
    (bytes-a-weight over 2: :data:`INT4_FLOOR`): the fixed time was measured at whole
    layers of 7-65B models (Marlin's 2.2-3.2× over FP16 on an A100; S68-S70 at one GPU),
    and a tensor-parallel slice of a small model, where it would exceed the whole 16-bit
    read, has no measurement; there the int4 estimate is the 16-bit one.

    >>> from payback.catalog import default_catalog
    >>> round(weight_read_share(sv.VLLM, default_catalog().gpu("h100-sxm"), "int4", 112.5e6), 3)
    0.509
    """
    if precision not in sv.WEIGHT_ONLY:
        return 1.0
    fixed = DEQUANT_GEMMS_PER_LAYER * dequant_gemm_seconds(gpu, precision)
    if fixed == 0.0 or layer_bytes <= 0.0:
        return sv.DEQUANT_BANDWIDTH
    scale, _ = device_scales(engine, gpu, precision)
    rate = sv.DEQUANT_BANDWIDTH * engine.bandwidth_efficiency * gpu.memory_bandwidth_gb_s * 1e9
    stream = layer_bytes / (rate * scale)
    return max(sv.DEQUANT_BANDWIDTH * stream / (stream + fixed), INT4_FLOOR)


def factors_used(engine: sv.ServingEngine, gpu: Gpu, precision: str) -> dict[str, object]:
    """The efficiency factors a serving estimate of ``engine`` (a calibration's measured
    ones in place, :func:`payback.hardware.calibration.engine_for`) uses on ``gpu`` at
    ``precision``: the engine's shares of peak and overheads, the GPU family's scales (on
    the factors not measured on the device) and the precision's
    (:func:`payback.hardware.placement.serving_shape` applies them all).

    >>> from payback.catalog import default_catalog
    >>> f = factors_used(sv.VLLM, default_catalog().gpu("l40s"), "fp8")
    >>> f["bandwidth_efficiency"], f["family"], f["family_bandwidth"], f["compute_scale"]
    (0.85, 'ada', 0.95, 0.75)
    """
    family = gpu_family(gpu)
    bandwidth, compute = device_scales(engine, gpu, precision)
    return {
        "engine": engine.name,
        "bandwidth_efficiency": engine.bandwidth_efficiency,
        "kv_bandwidth_efficiency": engine.kv_bandwidth_efficiency,
        "prefill_mfu": engine.prefill_mfu,
        "decode_mfu": engine.decode_mfu,
        "step_overhead_s": engine.step_overhead_s,
        "layer_overhead_s": engine.layer_overhead_s,
        "request_overhead_s": engine.request_overhead_s,
        "family": family,
        "family_bandwidth": bandwidth,
        "weight_bandwidth": sv.DEQUANT_BANDWIDTH if precision in sv.WEIGHT_ONLY else 1.0,
        "dequant_gemm_s": dequant_gemm_seconds(gpu, precision),
        "compute_scale": compute,
        "measured": list(engine.measured),
    }


def factors_text(factors: dict[str, object]) -> str:
    """:func:`factors_used` in one line; multipliers of 1 are left out.

    >>> from payback.catalog import default_catalog
    >>> print(factors_text(factors_used(sv.VLLM, default_catalog().gpu("h100-sxm"), "bf16")))
    bandwidth 0.85 of peak (KV reads 0.71), prefill MFU 0.67, decode MFU 0.5, step overhead 1 ms + 30 µs a layer, 8.5 ms a request outside the steps
    """
    f: dict[str, Any] = factors
    text = (
        f"bandwidth {f['bandwidth_efficiency']:.3g} of peak (KV reads "
        f"{f['kv_bandwidth_efficiency']:.3g}), prefill MFU {f['prefill_mfu']:.3g}, decode MFU "
        f"{f['decode_mfu']:.3g}, step overhead {f['step_overhead_s'] * 1e3:.3g} ms + "
        f"{f['layer_overhead_s'] * 1e6:.3g} µs a layer"
    )
    outside = f.get("request_overhead_s", 0.0)
    text += (
        f", {outside * 1e3:.3g} ms a request outside the steps"
        if outside
        else ", no time a request outside the steps counted (none measured)"
    )
    for key, what in (
        ("family_bandwidth", f"{f['family']} bandwidth"),
        ("weight_bandwidth", "weight-only bandwidth"),
        ("compute_scale", "tensor peak share"),
    ):
        if f[key] != 1.0:
            text += f"; {what} ×{f[key]:.3g}"
    if f.get("dequant_gemm_s"):
        text += f", +{f['dequant_gemm_s'] * 1e6:.3g} µs an int4 matrix multiply"
    return text


CAPABILITY_KINDS: dict[tuple[int, int], tuple[str, str | None]] = {
    (8, 0): ("ampere", "hbm2"),
    (8, 6): ("ampere", "gddr6"),
    (8, 7): ("ampere", None),
    (8, 9): ("ada", "gddr6"),
    (9, 0): ("hopper", "hbm3"),
    (10, 0): ("blackwell", "hbm3e"),
    (10, 3): ("blackwell", "hbm3e"),
    (12, 0): ("blackwell", "gddr7"),
}
"""The architecture and memory of an NVIDIA GPU by the CUDA compute capability it reports
(major, minor). 8.0 is the GA100 chip (A100, A800, A30: HBM2 up to 40 GB, HBM2e above,
:data:`_LARGER_KIND`); 8.6 the GA10x chips (A10, A40, RTX A-series: GDDR6; RTX 30:
GDDR6X); 8.7 Jetson Orin (LPDDR5, no kind of the list); 8.9 Ada (L4, L20, L40, L40S, RTX
6000 Ada: GDDR6; RTX 40: GDDR6X); 9.0 Hopper (H100 SXM and NVL, H800, H20, GH200: HBM3;
H200 and the 141-144 GB GH200: HBM3e; H100 PCIe: HBM2e); 10.0 and 10.3 datacenter
Blackwell (B200, GB200, B300: HBM3e); 12.0 the Blackwell RTX cards (RTX 50, RTX PRO:
GDDR7). Another 10.x, 11.x or 12.x (Jetson Thor, GB10: LPDDR5X) is Blackwell with no kind
given. Where a chip ships with more than one kind the most common stands in unless the
name says another (``NVIDIA H100 80GB HBM3``; an H100 PCIe reads as HBM3, a GeForce RTX
3090 as GDDR6): the estimates read only whether it is HBM (:func:`dequant_gemm_seconds`),
which the chip decides."""

_LARGER_KIND: dict[tuple[int, int], tuple[float, str]] = {
    (8, 0): (60 * 2**30, "hbm2e"),
    (9, 0): (100 * 2**30, "hbm3e"),
}
"""The memory of a chip's larger parts: from this many bytes on, the later HBM generation
(an 80 GB A100 or A800 carries HBM2e where the 40 GB parts carry HBM2; a 141 GB H200 or
144 GB GH200, HBM3e)."""

_MEMORY_WORD = re.compile(r"\b(hbm3e|hbm3|hbm2e|hbm2|gddr7|gddr6x|gddr6)\b", re.IGNORECASE)
"""A memory kind a device name gives (``NVIDIA H100 80GB HBM3``)."""

_ROCM_KINDS: dict[str, tuple[str, str]] = {"gfx942": ("cdna3", "hbm3")}
"""An AMD GPU's architecture and memory by the ``gcnArchName`` ROCm reports: gfx942 is
CDNA 3 (MI300X: HBM3; MI325X: HBM3e)."""


def reported_kinds(props: Any) -> tuple[str | None, str | None]:
    """The ``architecture`` and ``memory`` of the GPU a
    ``torch.cuda.get_device_properties`` object describes (its ``name``, ``major`` and
    ``minor``, and ``gcnArchName`` under ROCm, ``gfx942``): by the compute capability
    (:data:`CAPABILITY_KINDS`, the later HBM on a chip's larger parts) or the ROCm
    architecture, the memory by a kind the name gives where it gives one; none for what neither
    says (a Volta or CDNA 2 part).

    >>> from types import SimpleNamespace as P
    >>> reported_kinds(P(name="NVIDIA A800 80GB PCIe", major=8, minor=0, total_memory=85e9))
    ('ampere', 'hbm2e')
    >>> reported_kinds(P(name="NVIDIA H20", major=9, minor=0, total_memory=102e9))
    ('hopper', 'hbm3')
    >>> reported_kinds(P(name="NVIDIA H200 NVL 141GB HBM3e", major=9, minor=0))
    ('hopper', 'hbm3e')
    >>> reported_kinds(P(name="Tesla V100-SXM2-32GB", major=7, minor=0))
    (None, None)
    """
    name = str(getattr(props, "name", ""))
    rocm = str(getattr(props, "gcnArchName", "") or "").split(":")[0]
    if rocm.startswith("gfx"):  # ROCm; a CUDA build may give the attribute too
        architecture, memory = _ROCM_KINDS.get(rocm, (None, None))
    else:
        major, minor = int(getattr(props, "major", 0)), int(getattr(props, "minor", 0))
        architecture, memory = CAPABILITY_KINDS.get((major, minor), (None, None))
        larger = _LARGER_KIND.get((major, minor))
        if larger and float(getattr(props, "total_memory", 0)) >= larger[0]:
            memory = larger[1]
        if architecture is None and major in (10, 11, 12):
            architecture = "blackwell"
    word = _MEMORY_WORD.search(name)
    return architecture, word.group(1).lower() if word else memory
