"""A GPU as the serving estimate sees it: its architecture family and what that family
reaches (bandwidth, prefill, step overheads), the serving engine bound to it (its limits,
precisions it runs) and its peak tensor rate at a precision."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from payback.catalog import Gpu
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.serving import EXPERT_ONLY_PRECISIONS, PRECISIONS

_FAMILIES: tuple[tuple[str, str], ...] = (
    (r"\bGH200\b|\bH100\b|\bH200\b", "hopper"),
    (r"\bB200\b|\bB100\b|\bGB200\b|RTX 50\d0|Blackwell", "blackwell"),
    (r"\bA100\b|\bA10G?\b|\bA30\b|\bA40\b|RTX A\d+|RTX 30\d0", "ampere"),
    (r"\bL4\b|\bL40S?\b|RTX 40\d0|\bAda\b", "ada"),
    (r"\bMI3\d\dX?\b|Instinct", "cdna3"),
)
"""GPU architectures, recognised by the catalog record's name."""


def gpu_family(gpu: Gpu) -> str:
    """The GPU's architecture: hopper, blackwell, ampere, ada or cdna3 (AMD); a name
    that matches none is taken as hopper, the reference the engine factors are set on.

    >>> from payback.catalog import default_catalog
    >>> [gpu_family(default_catalog().gpu(g)) for g in ("h200", "a100-80gb", "l40s", "mi300x")]
    ['hopper', 'ampere', 'ada', 'cdna3']
    """
    for pattern, family in _FAMILIES:
        if re.search(pattern, gpu.name):
            return family
    return "hopper"


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
        raise PaybackError.bad("engine", name, f"unknown; allowed: {', '.join(sv.ENGINE_NAMES)}")
    return engine


def check_engine(engine: sv.ServingEngine, gpu: Gpu, precision: str) -> None:
    """One line when the engine does not run on the GPU's maker or at the precision."""
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


def engine_limits(engine: sv.ServingEngine, gpu: Gpu) -> tuple[int, float]:
    """The engine's most running sequences and tokens a step on this GPU (∞ tokens for an
    engine without mixed steps): vLLM raises both on GPUs of 70 GiB or more other than the
    A100 (:attr:`ServingEngine.large_gpu_limits`)."""
    seqs, budget = engine.max_num_seqs, engine.max_num_batched_tokens
    large = gpu.memory_bytes >= 70 * 2**30 and "A100" not in gpu.name
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


def peak_flops(gpu: Gpu, precision: str, allowed: tuple[str, ...] = PRECISIONS) -> float:
    """Dense tensor peak used at a precision [FLOP/s]. int4 and mxfp4 are weight-only
    (AWQ/GPTQ and MXFP4 MoE kernels dequantize to 16 bits), so they compute at the BF16
    peak."""
    if precision not in allowed:
        raise PaybackError.bad("precision", precision, f"unknown; allowed: {', '.join(allowed)}")
    peaks = {
        "bf16": gpu.bf16_tflops,
        "fp8": gpu.fp8_tflops,
        "int8": gpu.int8_tops,
        "int4": gpu.bf16_tflops,
        "mxfp4": gpu.bf16_tflops,
    }
    value = peaks[precision]
    if value is None:
        supported = [p for p in allowed if peaks[p] is not None and p not in EXPERT_ONLY_PRECISIONS]
        lacks = (
            f"{gpu.id} has no {precision.upper()} tensor cores; use {', '.join(supported)} on it, "
            "or a GPU that has them"
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
    return text
