"""The serving estimate for catalog models on catalog GPUs: a replica's capacity.

It binds catalog records to the pure formulas in :mod:`payback.hardware.serving`, picks
sensible defaults (tensor parallel degree, batch), and says why a configuration cannot
work. The fine-tuning estimate is :mod:`payback.hardware.fine_tuning`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from payback.catalog import Gpu, OpenModel, typical_gpu_price
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.serving import EXPERT_ONLY_PRECISIONS, PRECISIONS
from payback.hardware.shapes import (
    SHAPE_FIELDS,
    ParameterSplit,
    kv_bytes_per_token,
    parameter_split,
)

__all__ = [
    "DECODE_ONLY",
    "FAMILY_EFFICIENCY",
    "ClosedLoopLatency",
    "ServingEstimate",
    "attended_tokens",
    "check_engine",
    "check_precision",
    "choose_tensor_parallel",
    "engine_limits",
    "engine_named",
    "estimate_serving",
    "gpu_family",
    "kv_cache_tokens",
    "latency_at_concurrency",
    "latency_at_utilization",
    "loaded_latency_arrays",
    "model_kv_bytes_per_token",
    "model_parameters",
    "peak_flops",
    "prompt_service_seconds",
    "replica_rates",
    "require_finite",
    "serving_at_concurrency",
    "serving_shape",
    "valid_tensor_parallel",
    "weight_bytes",
]

DECODE_ONLY = ("kv_bytes_per_token", "weights", "bandwidth", "expert_weights", "expert_share")
"""Keys of :func:`serving_shape` that decode steps use and prefill does not."""

PCIE_GEN4_BYTES_S = 32e9
TP_DEGREES = (1, 2, 4, 8)
"""Tensor-parallel degrees modelled: within one 8-GPU node."""
MIN_AUTO_BATCH = 16
"""Automatic tensor parallelism picks the fewest GPUs whose KV cache holds at least this
many sequences at the workload's mean context (fewer GPUs leave too little room to batch)."""


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
        raise PaybackError(
            f"engine {engine.name!r} runs on {', '.join(v.upper() for v in engine.vendors)} "
            f"GPUs only and {gpu.id} is {vendor.upper()}; use {' or '.join(others)} on it"
        )
    if precision not in engine.precisions:
        others = [n for n, e in sv.ENGINES.items() if precision in e.precisions]
        raise PaybackError(
            f"engine {engine.name!r} at {precision}: it serves {', '.join(engine.precisions)}; "
            f"use {' or '.join(others)} for {precision}"
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
        raise PaybackError(f"precision {precision!r}: unknown; allowed: {', '.join(allowed)}")
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
        raise PaybackError(
            f"{gpu.id} has no {precision.upper()} tensor cores; use {', '.join(supported)} on it, "
            "or a GPU that has them"
        )
    return value * 1e12


@dataclass(frozen=True)
class ServingEstimate:
    """What one replica of a model serves on a GPU type at a precision."""

    model: str
    gpu: str
    precision: str
    gpus_per_replica: int
    weights_gb: float
    kv_cache_gb: float
    """Memory left for the KV cache across the replica [GB]."""
    max_batch: int
    """Sequences that fit in the KV cache at the workload's mean context (engine-capped)."""
    batch: int
    """Sequences decoded together at full load (after the latency target and the token
    budget)."""
    limited_by: str
    """What caps the batch: ``memory``, ``engine`` (max sequences), ``token budget``
    (prompt chunks fill the step), ``latency target`` or ``given``."""
    context_tokens: float
    decode_output_tokens_per_s: float
    """Output tokens per second of decoding at ``batch`` and ``context_tokens``."""
    prefill_tokens_per_s: float
    tpot_ms: float
    """Time per output token at ``batch`` and the mean context [ms]."""
    ttft_ms: float
    """Time to first token of a request on an unloaded replica: its prefill and one step [ms]."""
    input_tokens: float
    output_tokens: float
    replica_requests_per_s: float
    """Requests per second at full load with these token lengths."""
    output_tokens_per_s: float
    """Output tokens per second at full load (``replica_requests_per_s`` × output tokens)."""
    usd_per_gpu_hour: float | None
    price_source: str | None
    engine: str = "vllm"
    """The serving engine modelled (:data:`payback.hardware.serving.ENGINES`)."""
    max_num_batched_tokens: float | None = None
    """Its token budget a step on this GPU (``None``: prompts prefilled in steps of their own)."""
    utilization: float | None = None
    """The share of capacity the latencies below are at (``None``: not asked)."""
    tpot_at_utilization_ms: float | None = None
    """Time per output token when requests arrive at ``utilization`` × capacity [ms]."""
    ttft_at_utilization_ms: float | None = None
    """Mean time to the first token at that load, queueing included [ms]."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def require_finite(name: str, value: float, low: float, inclusive: bool = True) -> None:
    """One line when ``value`` is not a finite number ≥ ``low`` (> with ``inclusive`` off)."""
    ok = np.isfinite(value) and (value >= low if inclusive else value > low)
    if not ok:
        raise PaybackError(
            f"{name} = {value}: must be a finite number {'≥' if inclusive else '>'} {low:g}"
        )


def _usable_bytes(gpu: Gpu, engine: sv.ServingEngine) -> float:
    """Memory one GPU gives the engine for weights and KV cache [bytes]."""
    return gpu.memory_bytes * engine.memory_utilization - engine.runtime_overhead_bytes


def _kv_replication(model: OpenModel, tp: int) -> float:
    """KV heads are split across GPUs up to ``kv_heads`` ways; beyond that they are copied.
    MLA's latent is one per token, shared by all heads: every GPU keeps all of it."""
    if model.is_mla:
        return float(tp)
    return max(1.0, tp / model.kv_heads)


def model_parameters(model: OpenModel) -> ParameterSplit:
    """The model's parameters by part, counted from its shape."""
    return parameter_split(**{k: getattr(model, k) for k in SHAPE_FIELDS})


def check_precision(model: OpenModel, precision: str) -> None:
    """One line when a weight format does not apply to the model (an expert-only format
    on a dense model)."""
    if precision in EXPERT_ONLY_PRECISIONS and not model.is_moe:
        raise PaybackError(
            f"{model.id} at {precision}: {precision} quantizes a mixture of experts' expert "
            f"weights (as gpt-oss ships them) and {model.id} is dense; use int4 for 4-bit weights"
        )


def _routed(model: OpenModel) -> tuple[float, float]:
    """The routed experts' parameters [count] and k/E (0 and 0 for a dense model)."""
    if not model.is_moe:
        return 0.0, 0.0
    split = model_parameters(model)
    return float(split.routed_experts), split.expert_share


def _rest_precision(precision: str) -> str:
    """The precision of the weights other than the routed experts."""
    return "bf16" if precision in EXPERT_ONLY_PRECISIONS else precision


def sixteen_bit_parameters(model: OpenModel, precision: str) -> tuple[float, float]:
    """Parameters a quantized checkpoint keeps in 16 bits, held and streamed [count]: the
    embedding and the output projection (``lm_head``), which AWQ/GPTQ (AutoAWQ,
    llm-compressor's ``ignore=["lm_head"]`` recipes) and FP8 checkpoints (ModelOpt,
    llm-compressor) leave unquantized. Held: V·h, twice when untied; streamed each step:
    the output projection, V·h. (0, 0) in BF16 and for an expert-only format, whose
    non-expert weights are all BF16 already."""
    if precision == "bf16" or precision in EXPERT_ONLY_PRECISIONS:
        return 0.0, 0.0
    head = float(model.vocab_size * model.hidden_size)
    return head * (1.0 if model.tied_embeddings else 2.0), head


def weight_bytes(model: OpenModel, precision: str) -> float:
    """All the weights a replica holds [bytes]: total parameters × bytes per weight, the
    embedding and output projection in BF16 (:func:`sixteen_bit_parameters`); with an
    expert-only format (MXFP4), the routed experts in it and the rest in BF16."""
    held, _ = sixteen_bit_parameters(model, precision)
    routed, _ = _routed(model)
    rest = model.params_b * 1e9 - routed - held
    return float(
        sv.weights_bytes(rest, _rest_precision(precision))
        + sv.weights_bytes(routed, precision)
        + sv.weights_bytes(held, "bf16")
    )


def model_kv_bytes_per_token(model: OpenModel, precision: str) -> float:
    """KV cache of one token across all layers of one copy, as if every layer held the
    whole context [bytes] (GQA keys and values, or MLA's latent and rope key)."""
    return kv_bytes_per_token(
        layers=model.layers,
        kv_heads=model.kv_heads,
        head_dim=model.head_dim,
        kv_bytes=sv.KV_BYTES[precision],
        kv_lora_rank=model.kv_lora_rank,
        qk_rope_head_dim=model.qk_rope_head_dim,
    )


def attended_tokens(model: OpenModel, context: float) -> float:
    """Tokens of KV cache one sequence of ``context`` tokens holds, in full-layer
    equivalents (sliding-window layers hold at most their window)."""
    return float(
        sv.attended_context(
            context=context,
            window_layers=model.sliding_layers,
            layers=model.layers,
            window=model.sliding_window or 0,
        )
    )


def serving_shape(
    model: OpenModel, gpu: Gpu, precision: str, tp: int, engine: sv.ServingEngine = sv.VLLM
) -> dict[str, Any]:
    """The per-replica numbers :mod:`payback.hardware.serving` needs.

    The input embedding of an untied model is a table lookup, not a matrix multiply: it
    is neither streamed at each decode step nor counted in the 2N FLOPs per token. A
    mixture of experts computes with its active parameters (its router included) and
    streams the routed experts a step touches (``expert_weights``, k/E of them per token:
    ``expert_share``); its weights are its total parameters. Tensor parallelism splits
    every weight, experts included, over the ``tp`` GPUs.

    The mechanisms beyond the roofline fold into these numbers:

    - a quantized checkpoint streams its output projection in BF16
      (:func:`sixteen_bit_parameters`);
    - weight-only formats (:data:`~payback.hardware.serving.WEIGHT_ONLY`) stream their
      bytes at :data:`~payback.hardware.serving.DEQUANT_BANDWIDTH` of the 16-bit rate
      (``weights`` / 0.95) and multiply at
      :data:`~payback.hardware.serving.DEQUANT_COMPUTE` of the BF16 peak, except on
      Blackwell, whose tensor cores take 4-bit blocks; 8-bit formats (FP8, INT8 W8A8)
      multiply at :data:`~payback.hardware.serving.FP8_COMPUTE` of their peak's share;
    - an engine without grouped KV reuse reads a grouped-query cache once per query head
      (``kv_bytes_per_token`` × heads / KV heads);
    - ``bandwidth`` and ``peak_flops`` are scaled by the GPU family's
      :data:`FAMILY_EFFICIENCY`, unless the engine's factor was measured on the device.
    """
    embedding = 0.0 if model.tied_embeddings else float(model.vocab_size * model.hidden_size)
    matmul_params = model.params_b * 1e9 - embedding
    _, head = sixteen_bit_parameters(model, precision)
    dequant = precision in sv.WEIGHT_ONLY and gpu_family(gpu) != "blackwell"
    read = sv.DEQUANT_BANDWIDTH if precision in sv.WEIGHT_ONLY else 1.0
    if model.is_moe:
        routed, share = _routed(model)
        params = matmul_params - routed * (1.0 - share)
        rest = sv.weights_bytes(matmul_params - routed - head, _rest_precision(precision))
        weights: Any = rest + sv.weights_bytes(head, "bf16")
        expert_weights: Any = sv.weights_bytes(routed, precision) / read
        if precision not in EXPERT_ONLY_PRECISIONS:
            weights = rest / read + sv.weights_bytes(head, "bf16")
    else:
        params, share = matmul_params, 0.0
        weights = sv.weights_bytes(matmul_params - head, precision) / read + sv.weights_bytes(
            head, "bf16"
        )
        expert_weights = 0.0
    width = model.heads * model.head_dim
    if model.is_mla:  # queries and keys of head_dim, values of v_head_dim
        width = model.heads * (model.head_dim + (model.v_head_dim or model.head_dim)) // 2
    kv_reads = 1.0
    if not engine.grouped_kv_reuse and not model.is_mla:
        kv_reads = model.heads / model.kv_heads
    family = FAMILY_EFFICIENCY[gpu_family(gpu)]
    bandwidth_scale = 1.0 if "bandwidth_efficiency" in engine.measured else family.bandwidth
    compute_scale = 1.0 if "prefill_mfu" in engine.measured else family.compute
    if dequant:
        compute_scale *= sv.DEQUANT_COMPUTE[precision]
    if precision in ("fp8", "int8"):
        compute_scale *= sv.FP8_COMPUTE
    return {
        "params": params,
        "weights": weights,
        "kv_bytes_per_token": model_kv_bytes_per_token(model, precision)
        * _kv_replication(model, tp)
        * kv_reads,
        "layers": model.layers,
        "attention_width": width,
        "hidden_size": model.hidden_size,
        "tensor_parallel": tp,
        "bandwidth": gpu.memory_bandwidth_gb_s * 1e9 * bandwidth_scale,
        "peak_flops": peak_flops(gpu, precision) * compute_scale,
        "interconnect": (gpu.interconnect_gb_s or PCIE_GEN4_BYTES_S / 1e9) * 1e9,
        "expert_weights": expert_weights,
        "expert_share": share,
        "window_layers": float(model.sliding_layers),
        "window": float(model.sliding_window or 0),
    }


def kv_cache_tokens(
    model: OpenModel, gpu: Gpu, precision: str, tp: int, engine: sv.ServingEngine = sv.VLLM
) -> float:
    """Tokens of KV cache a replica of ``tp`` GPUs holds beside all the weights (KV heads
    copied when ``tp`` exceeds them), counted as tokens of every layer (a sequence holds
    :func:`attended_tokens` of them): the estimate's and recommend's memory limit."""
    per_token = model_kv_bytes_per_token(model, precision) * _kv_replication(model, tp)
    return float(
        sv.kv_capacity_tokens(
            gpu_memory_bytes=gpu.memory_bytes,
            tensor_parallel=tp,
            weights=weight_bytes(model, precision),
            kv_bytes_per_token=per_token,
            engine=engine,
        )
    )


def _does_not_fit(
    model: OpenModel, gpu: Gpu, precision: str, tp: int, engine: sv.ServingEngine
) -> str:
    def need(p: str) -> int:
        usable = _usable_bytes(gpu, engine)
        weights = weight_bytes(model, p)
        return int(np.ceil(weights / usable)) if usable > 0 else 10**6

    weights = weight_bytes(model, precision)
    parts = [
        f"{model.id} at {precision} has {weights / 1e9:.0f} GB of weights; "
        f"{tp} × {gpu.id} hold {tp * _usable_bytes(gpu, engine) / 1e9:.0f} GB usable",
        f"it needs at least {need(precision)} × {gpu.id} at {precision}"
        + (" (more than one node)" if need(precision) > 8 else ""),
    ]
    parts += [
        f"{need(p)} at {p}"
        for p in PRECISIONS
        if weight_bytes(model, p) < weights and (model.is_moe or p not in EXPERT_ONLY_PRECISIONS)
    ]
    return "; ".join(parts)


def valid_tensor_parallel(model: OpenModel) -> list[int]:
    """TP degrees that split the model's attention heads evenly."""
    return [
        tp
        for tp in TP_DEGREES
        if model.heads % tp == 0 and (model.kv_heads % tp == 0 or tp % model.kv_heads == 0)
    ]


def choose_tensor_parallel(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    mean_context: float,
    engine: sv.ServingEngine = sv.VLLM,
) -> int:
    """The fewest GPUs (1, 2, 4, 8) whose KV cache holds :data:`MIN_AUTO_BATCH` sequences of
    ``mean_context`` tokens (or the engine's limit if lower); else the fewest that fit one."""
    candidates = valid_tensor_parallel(model)
    target = min(MIN_AUTO_BATCH, engine.max_num_seqs)
    attended = attended_tokens(model, mean_context)
    for wanted in (target, 1):
        for tp in candidates:
            if kv_cache_tokens(model, gpu, precision, tp, engine) >= wanted * attended:
                return tp
    raise PaybackError(_does_not_fit(model, gpu, precision, max(candidates), engine))


@dataclass(frozen=True)
class ReplicaRates:
    """A replica's rates at a batch (arrays, one element per configuration, or floats)."""

    load_step_s: Any
    """Seconds per step at full load: a decode step at the mean context, with its share of
    prompt chunks when the engine mixes them in (the time per output token under load)."""
    prefill_s: Any
    """Seconds to prefill one prompt (its uncached part)."""
    requests_per_s: Any
    ttft_s: Any
    """Time to the first token of a request arriving alone: its prefill (or one read of
    the weights, whichever is longer) and one decode step."""
    running: Any
    """Sequences running together at full load: the batch, or fewer when the token
    budget of a step holds no more (:func:`payback.hardware.serving.mixed_batch`)."""


def loaded_steps(
    args: dict[str, Any],
    batch: Any,
    *,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: Any,
    engine: sv.ServingEngine = sv.VLLM,
) -> tuple[Any, Any, Any]:
    """Sequences running, seconds per step and the prefill of one prompt [s] at full load.

    With a finite token ``budget`` (an engine that chunks prompts into decode steps) the
    running batch is :func:`~payback.hardware.serving.mixed_batch`'s and B/O prompts
    arrive a step. They ride on the share f of the steps
    :func:`~payback.hardware.serving.chunk_step_share` gives (each prompt taken in as few
    steps as the budget's room allows), each such step carrying B · n / (O · f) new tokens
    whose matrix multiplications overlap that step's memory reads; the other steps decode
    only: step = f · carrying + (1 − f) · decode. Without a budget (∞), steps decode only
    and prompts are prefilled apart. ``batch`` may be an array broadcasting against
    ``args``' (a grid of batches for every configuration)."""
    prefill_args = {k: v for k, v in args.items() if k not in DECODE_ONLY}
    prompt = max(input_tokens, 1.0)
    prefill = sv.prefill_seconds(
        input_tokens=prompt, cached_share=cached_share, engine=engine, **prefill_args
    )
    budget = np.asarray(budget, dtype=np.float64)
    if not np.any(np.isfinite(budget)):
        step = sv.decode_step_seconds(batch=batch, context=mean_context, engine=engine, **args)
        return np.asarray(batch, dtype=np.float64), step, prefill
    new = (1.0 - cached_share) * prompt
    running = sv.mixed_batch(
        batch=batch, new_input_tokens=new, output_tokens=output_tokens, budget=budget
    )
    compute = sv.prefill_seconds(
        input_tokens=prompt,
        cached_share=cached_share,
        engine=engine,
        with_allreduce=False,
        **prefill_args,
    )
    per_step = running / max(output_tokens, 1.0)
    room = np.where(np.isfinite(budget), budget - running, np.inf)
    share = np.maximum(
        sv.chunk_step_share(prompts_per_step=per_step, new_input_tokens=new, room=room), 1e-12
    )
    carrying = sv.decode_step_seconds(
        batch=running,
        context=mean_context,
        engine=engine,
        prefill_compute_s=per_step / share * compute,
        prefill_tokens=per_step / share * new,
        **args,
    )
    plain = sv.decode_step_seconds(batch=running, context=mean_context, engine=engine, **args)
    mixed = share * carrying + (1.0 - share) * plain
    alone = sv.decode_step_seconds(batch=batch, context=mean_context, engine=engine, **args)
    finite = np.isfinite(budget)
    return (
        np.where(finite, running, np.asarray(batch, dtype=np.float64)),
        np.where(finite, mixed, alone),
        prefill,
    )


def replica_rates(
    args: dict[str, Any],
    batch: Any,
    *,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: Any = np.inf,
    engine: sv.ServingEngine = sv.VLLM,
) -> ReplicaRates:
    """Throughput and latency of replicas of :func:`serving_shape` ``args`` (numbers, or
    arrays for many configurations at once) running ``batch`` sequences: the one core
    :func:`estimate_serving` and ``recommend``'s search both price capacity with.

    Mixed steps (a finite ``budget``): B sequences finish one token a step,
    requests/s = B / (O · step) (:func:`~payback.hardware.serving.mixed_requests_per_s`).
    Separate prefills (∞): requests/s = 1 / (prefill + O · step / B)."""
    running, step, prefill = loaded_steps(
        args,
        batch,
        mean_context=mean_context,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_share=cached_share,
        budget=budget,
        engine=engine,
    )
    mixed = sv.mixed_requests_per_s(batch=running, output_tokens=output_tokens, step_s=step)
    serial = sv.replica_requests_per_s(
        prefill_s=prefill, output_tokens=output_tokens, step_s=step, batch=running
    )
    rps = np.where(np.isfinite(np.asarray(budget, dtype=np.float64)), mixed, serial)
    prompt = max(input_tokens, 1.0)
    alone = np.maximum(
        prefill,
        sv.weight_read_seconds(
            weights=args["weights"],
            tensor_parallel=args["tensor_parallel"],
            bandwidth=args["bandwidth"],
            expert_weights=args.get("expert_weights", 0.0),
            expert_share=args.get("expert_share", 0.0),
            tokens=prompt,
            engine=engine,
        ),
    )
    first_step = sv.decode_step_seconds(batch=1.0, context=prompt, engine=engine, **args)
    return ReplicaRates(
        load_step_s=step,
        prefill_s=prefill,
        requests_per_s=rps,
        ttft_s=alone + first_step,
        running=running,
    )


def prompt_service_seconds(
    args: dict[str, Any],
    running: Any,
    *,
    mean_context: float,
    input_tokens: float,
    cached_share: float,
    budget: Any,
    engine: sv.ServingEngine = sv.VLLM,
) -> Any:
    """Seconds one prompt takes to go through a replica decoding ``running`` sequences:
    with mixed steps (a finite ``budget``), its n new tokens in k = ⌈n / (budget − B)⌉
    chunks, each riding on a decode step, so k steps whose compute grows by n/k tokens' (a
    whole 5,000-token prompt makes its step compute-bound); without (∞), its prefill alone
    and one decode step. ``budget`` may be an array, one per configuration."""
    prefill_args = {k: v for k, v in args.items() if k not in DECODE_ONLY}
    prompt = max(input_tokens, 1.0)
    b = np.asarray(running, dtype=np.float64)
    limit = np.asarray(budget, dtype=np.float64)
    mixed = np.isfinite(limit)
    alone = sv.prefill_seconds(
        input_tokens=prompt, cached_share=cached_share, engine=engine, **prefill_args
    ) + sv.decode_step_seconds(batch=b, context=mean_context, engine=engine, **args)
    new = (1.0 - cached_share) * prompt
    chunks = np.ceil(new / np.maximum(np.where(mixed, limit, new + b) - b, 1.0))
    compute = sv.prefill_seconds(
        input_tokens=prompt,
        cached_share=cached_share,
        engine=engine,
        with_allreduce=False,
        **prefill_args,
    )
    carrying = sv.decode_step_seconds(
        batch=b,
        context=mean_context,
        engine=engine,
        prefill_compute_s=compute / chunks,
        prefill_tokens=new / chunks,
        **args,
    )
    return np.where(mixed, chunks * carrying, alone)


def loaded_latency_arrays(
    args: dict[str, Any],
    batch: Any,
    *,
    utilization: Any,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: Any,
    engine: sv.ServingEngine = sv.VLLM,
) -> tuple[Any, Any, Any]:
    """:func:`latency_at_utilization` for many configurations at once: ``args`` as
    :func:`serving_shape` gives them (numbers, or arrays of one value per configuration),
    ``batch`` the sequences each runs at full load (its capacity), ``budget`` its token
    budget a step (∞ without mixed steps), ``utilization`` the share of that capacity the
    requests arrive at. Returns the sequences running, the time per output token and the
    mean time to the first token [s], one per configuration."""
    cap = np.atleast_1d(np.asarray(batch, dtype=np.float64))
    col = {k: np.asarray(v)[..., np.newaxis] if np.ndim(v) else v for k, v in args.items()}
    limit = np.broadcast_to(np.asarray(budget, dtype=np.float64), cap.shape)[:, np.newaxis]
    grid = np.arange(1, int(max(cap.max(), 1.0)) + 1, dtype=np.float64)[np.newaxis, :]
    load: dict[str, Any] = {
        "mean_context": mean_context,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_share": cached_share,
        "engine": engine,
    }
    shape = (cap.size, grid.shape[1])
    rates = replica_rates(col, grid, budget=limit, **load)
    rps = np.broadcast_to(np.asarray(rates.requests_per_s, dtype=np.float64), shape)
    steps = np.broadcast_to(np.asarray(rates.load_step_s, dtype=np.float64), shape)
    running = np.broadcast_to(np.asarray(rates.running, dtype=np.float64), shape)
    rows = np.arange(cap.size)
    top = np.clip(cap.astype(int), 1, shape[1]) - 1
    arrival = np.asarray(utilization, dtype=np.float64) * rps[rows, top]
    within = grid <= np.maximum(cap, 1.0)[:, np.newaxis]
    covers = within & (rps >= (arrival * (1.0 - 1e-12))[:, np.newaxis])
    i = np.where(covers.any(axis=1), np.argmax(covers, axis=1), top)
    step, busy_batch = steps[rows, i], running[rows, i]
    flat = {k: np.asarray(v).reshape(-1) if np.ndim(v) else v for k, v in args.items()}
    service = prompt_service_seconds(
        flat,
        busy_batch,
        mean_context=mean_context,
        input_tokens=input_tokens,
        cached_share=cached_share,
        budget=limit[:, 0],
        engine=engine,
    )
    prefill = np.broadcast_to(np.asarray(rates.prefill_s, dtype=np.float64), shape)[:, 0]
    mixed = np.isfinite(limit[:, 0])
    queued = np.where(mixed, service, prefill)
    wait = sv.queue_wait(busy=arrival * queued, service_s=queued)
    ttft = np.where(mixed, step / 2.0, 0.0) + wait + service
    return busy_batch, step, ttft


@dataclass(frozen=True)
class LoadedLatency:
    """Latency of a replica serving a share of its capacity."""

    utilization: float
    running: float
    """Sequences decoding together at that load."""
    tpot_s: float
    """Time per output token: a step at that batch, prompt chunks included [s]."""
    ttft_s: float
    """Mean time to the first token, queueing included [s]."""


def _prompt_load(load: dict[str, Any]) -> dict[str, Any]:
    return {
        k: load[k] for k in ("mean_context", "input_tokens", "cached_share", "budget", "engine")
    }


def latency_at_utilization(
    args: dict[str, Any],
    *,
    utilization: float,
    batch_cap: int,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: float,
    engine: sv.ServingEngine = sv.VLLM,
) -> LoadedLatency:
    """Time per output token and to the first token when requests arrive at
    ``utilization`` × the replica's capacity (a Poisson stream), the capacity being that
    of ``batch_cap`` sequences.

    - Sequences decoding together (Little's law): B = λ · O · step(B), λ = u · capacity;
      the smallest whole batch up to the cap whose rate covers λ, and its loaded step.
    - Time to first token with mixed steps: the n new prompt tokens go through in chunks
      of what the step's budget leaves, budget − B tokens: k = ⌈n / (budget − B)⌉ steps,
      each carrying n/k of them (:func:`prompt_service_seconds`, s), after half a step on
      average for the one under way, and after the prompts queued before them on that
      chunk stream, an M/D/1 queue busy ρ = λ · s: ttft = step / 2 + ρ / (2 (1 − ρ)) · s + s.
    - Without mixed steps a prompt is prefilled alone: the queue's service is its prefill,
      ρ = λ · prefill, and ttft = wait + prefill + one step.
    """
    running, step, ttft = loaded_latency_arrays(
        args,
        max(batch_cap, 1),
        utilization=utilization,
        mean_context=mean_context,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_share=cached_share,
        budget=budget,
        engine=engine,
    )
    return LoadedLatency(
        utilization=utilization,
        running=float(running[0]),
        tpot_s=float(step[0]),
        ttft_s=float(ttft[0]),
    )


@dataclass(frozen=True)
class ClosedLoopLatency:
    """Latency of a replica serving a fixed number of clients, each sending its next
    request as soon as the last one ends (a closed loop: ``vllm bench serve
    --max-concurrency``, GenAI-Perf/AIPerf ``--concurrency``)."""

    concurrency: int
    running: float
    """Sequences decoding together; the rest of the clients' requests wait for a slot or
    are being prefilled."""
    requests_per_s: float
    tpot_s: float
    """Time per output token: a step at that batch, prompt chunks included [s]."""
    ttft_s: float
    """Mean time to the first token, waiting for a slot included [s]."""
    e2e_s: float
    """Mean time from sending a request to its last token [s]."""


def latency_at_concurrency(
    args: dict[str, Any],
    *,
    concurrency: int,
    batch_cap: int,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: float,
    engine: sv.ServingEngine = sv.VLLM,
) -> ClosedLoopLatency:
    """Throughput and latency when ``concurrency`` N clients keep one request each in
    flight (a closed loop), the replica running at most ``batch_cap`` sequences.

    A fixed concurrency is not a Poisson rate: the N requests are all in the system, each
    either decoding or before its first token (waiting for a slot, or its prompt going
    through). With B of them decoding, the replica finishes X(B) = B / (O · step(B))
    requests a second (:func:`replica_rates`), and a request spends
    E(B) = p(B) + (O − 1) · step(B) in the system when it is admitted at once, p(B) its
    prefill phase: half the step under way, the wait behind other prompts on the chunk
    stream (M/D/1 at the rate X, as :func:`latency_at_utilization`), and its own chunks
    (:func:`prompt_service_seconds`). Little's law
    over the loop, N = X · E, gives the batch: the smallest B (in quarters of a sequence)
    with X(B) · E(B) ≥ N. If even B = min(N, cap) leaves N above that, the others wait
    for a slot: E = N / X(cap). Then E = N / X, TTFT = max(p, E − (O − 1) · step) and
    the time per output token is the step.
    """
    load: dict[str, Any] = {
        "mean_context": mean_context,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_share": cached_share,
        "budget": budget,
        "engine": engine,
    }
    if concurrency < 1:
        raise PaybackError.bad("concurrency", concurrency, "a whole number of clients ≥ 1")
    top = float(max(min(concurrency, batch_cap), 1))
    grid = np.unique(np.append(np.arange(1.0, top, 0.25), top))
    rates = replica_rates(args, grid, **load)
    rps = np.broadcast_to(np.asarray(rates.requests_per_s, dtype=np.float64), grid.shape)
    steps = np.broadcast_to(np.asarray(rates.load_step_s, dtype=np.float64), grid.shape)
    running = np.broadcast_to(np.asarray(rates.running, dtype=np.float64), grid.shape)
    service = prompt_service_seconds(args, running, **_prompt_load(load))
    if np.isfinite(budget):
        busy = rps * service
        phase = steps / 2.0 + sv.queue_wait(busy=busy, service_s=service) + service
    else:
        prefill = np.asarray(rates.prefill_s, dtype=np.float64)
        phase = sv.queue_wait(busy=rps * prefill, service_s=prefill) + service
    decode = (max(output_tokens, 1.0) - 1.0) * steps
    in_system = rps * (phase + decode)
    reached = np.nonzero(in_system >= concurrency * (1.0 - 1e-12))[0]
    i = int(reached[0]) if reached.size else grid.size - 1
    x = float(rps[i])
    e2e = concurrency / x
    ttft = max(float(phase[i]), e2e - float(decode[i]))
    return ClosedLoopLatency(
        concurrency=concurrency,
        running=float(running[i]),
        requests_per_s=x,
        tpot_s=float(steps[i]),
        ttft_s=ttft,
        e2e_s=ttft + float(decode[i]),
    )


def serving_at_concurrency(
    model: OpenModel,
    gpu: Gpu,
    precision: str = "bf16",
    *,
    concurrency: int,
    input_tokens: float = 1000.0,
    output_tokens: float = 200.0,
    cached_input_share: float = 0.0,
    gpus_per_replica: int | None = None,
    engine: sv.ServingEngine | str = sv.VLLM,
) -> ClosedLoopLatency:
    """:func:`latency_at_concurrency` for a catalog model on a catalog GPU: the replica
    :func:`estimate_serving` sizes (its tensor parallelism, its most sequences by memory
    and the engine's limits) serving ``concurrency`` clients in a closed loop."""
    if isinstance(engine, str):
        engine = engine_named(engine)
    sized = estimate_serving(
        model,
        gpu,
        precision,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_input_share=cached_input_share,
        gpus_per_replica=gpus_per_replica,
        engine=engine,
    )
    engine = on_gpu(engine, gpu)
    budget = np.inf if engine.max_num_batched_tokens is None else engine.max_num_batched_tokens
    args = serving_shape(model, gpu, precision, sized.gpus_per_replica, engine)
    return latency_at_concurrency(
        args,
        concurrency=concurrency,
        batch_cap=sized.max_batch,
        mean_context=input_tokens + output_tokens / 2.0,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_share=cached_input_share,
        budget=budget,
        engine=engine,
    )


def estimate_serving(
    model: OpenModel,
    gpu: Gpu,
    precision: str = "bf16",
    *,
    input_tokens: float = 1000.0,
    output_tokens: float = 200.0,
    cached_input_share: float = 0.0,
    gpus_per_replica: int | None = None,
    batch: int | None = None,
    context: float | None = None,
    tpot_ms: float | None = None,
    engine: sv.ServingEngine | str = sv.VLLM,
    utilization: float | None = None,
) -> ServingEstimate:
    """Capacity of one replica: batch, latency, decode and prefill rates, requests/s.

    Without ``batch``, the replica runs the largest batch that fits the KV cache at the
    workload's mean context (input + output / 2), the engine's sequence limit on this GPU
    (:func:`engine_limits`), its token budget a step and the ``tpot_ms`` target (checked
    on the loaded step, prompt chunks included). ``batch`` sets the load instead;
    ``context`` sets the context at which ``decode_output_tokens_per_s`` is reported.
    ``cached_input_share`` of each prompt is a shared prefix the engine's prefix cache
    holds, so prefill computes only the rest. With ``utilization`` (the share of capacity
    the fleet is planned to run at), the latencies at that load are reported too
    (:func:`latency_at_utilization`). ``engine`` is a
    :class:`~payback.hardware.serving.ServingEngine` or one of
    :data:`~payback.hardware.serving.ENGINES`' names.
    """
    if isinstance(engine, str):
        engine = engine_named(engine)
    check_precision(model, precision)
    _check_serving_inputs(
        gpu, precision, input_tokens, output_tokens, cached_input_share, context, tpot_ms
    )
    check_engine(engine, gpu, precision)
    engine = on_gpu(engine, gpu)
    budget = np.inf if engine.max_num_batched_tokens is None else engine.max_num_batched_tokens
    mean_context = input_tokens + output_tokens / 2.0
    tp = _replica_gpus(model, gpu, precision, gpus_per_replica, mean_context, engine)
    args = serving_shape(model, gpu, precision, tp, engine)
    capacity, by_memory = _kv_room(model, gpu, precision, tp, mean_context, engine)
    max_batch = min(by_memory, engine.max_num_seqs)
    chosen, limited_by = max_batch, "memory" if by_memory <= engine.max_num_seqs else "engine"
    load: dict[str, Any] = {
        "mean_context": mean_context,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_share": cached_input_share,
        "budget": budget,
        "engine": engine,
    }
    if tpot_ms is not None:
        fastest = _latency_batch(model, gpu, precision, tp, args, max_batch, tpot_ms, load)
        if fastest < chosen:
            chosen, limited_by = fastest, "latency target"
    at_context = mean_context if context is None else context
    if batch is not None:
        _check_batch(batch, capacity, max(at_context, mean_context), tp, gpu, model)
        chosen, limited_by = batch, "given"
    step = float(sv.decode_step_seconds(batch=chosen, context=at_context, engine=engine, **args))
    rates = replica_rates(args, chosen, **load)
    running = float(rates.running)
    if running < chosen and limited_by != "given":
        limited_by = "token budget"
    rps = float(rates.requests_per_s)
    loaded = None
    if utilization is not None:
        if not (np.isfinite(utilization) and 0.0 < utilization <= 1.0):
            raise PaybackError.bad("utilization", utilization, "a share of capacity in (0, 1]")
        loaded = latency_at_utilization(
            args, utilization=utilization, batch_cap=int(chosen), **load
        )
    price = typical_gpu_price(gpu)
    return ServingEstimate(
        model=model.id,
        gpu=gpu.id,
        precision=precision,
        gpus_per_replica=tp,
        weights_gb=weight_bytes(model, precision) / 1e9,
        kv_cache_gb=capacity
        * model_kv_bytes_per_token(model, precision)
        * _kv_replication(model, tp)
        / 1e9,
        max_batch=max_batch,
        batch=max(1, int(running)) if running < chosen else chosen,
        limited_by=limited_by,
        context_tokens=at_context,
        decode_output_tokens_per_s=chosen / step,
        prefill_tokens_per_s=max(input_tokens, 1.0) / float(rates.prefill_s),
        tpot_ms=float(rates.load_step_s) * 1000.0,
        ttft_ms=float(rates.ttft_s) * 1000.0,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        replica_requests_per_s=rps,
        output_tokens_per_s=rps * output_tokens,
        usd_per_gpu_hour=price.usd_per_gpu_hour if price else None,
        price_source=f"{price.provider}, checked {price.checked} ({price.source})"
        if price
        else None,
        engine=engine.name,
        max_num_batched_tokens=engine.max_num_batched_tokens,
        utilization=utilization,
        tpot_at_utilization_ms=None if loaded is None else loaded.tpot_s * 1000.0,
        ttft_at_utilization_ms=None if loaded is None else loaded.ttft_s * 1000.0,
    )


def _check_serving_inputs(
    gpu: Gpu,
    precision: str,
    input_tokens: float,
    output_tokens: float,
    cached_input_share: float,
    context: float | None,
    tpot_ms: float | None,
) -> None:
    """One line for the first input :func:`estimate_serving` cannot use."""
    peak_flops(gpu, precision)  # fails early for a precision the GPU lacks
    require_finite("input_tokens", input_tokens, 0.0)
    require_finite("output_tokens", output_tokens, 1.0)
    if not (np.isfinite(cached_input_share) and 0.0 <= cached_input_share < 1.0):
        raise PaybackError(f"cached_input_share = {cached_input_share}: must be in [0, 1)")
    if context is not None:
        require_finite("context", context, 1.0)
    if tpot_ms is not None:
        require_finite("tpot_ms", tpot_ms, 0.0, inclusive=False)


def _replica_gpus(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    gpus_per_replica: int | None,
    mean_context: float,
    engine: sv.ServingEngine,
) -> int:
    """The replica's tensor parallel degree: the one given, if the heads split over it, else
    :func:`choose_tensor_parallel`'s."""
    if gpus_per_replica is None:
        return choose_tensor_parallel(model, gpu, precision, mean_context, engine)
    valid = valid_tensor_parallel(model)
    if gpus_per_replica not in valid:
        raise PaybackError(
            f"gpus_per_replica = {gpus_per_replica}: {model.id} ({model.heads} heads, {model.kv_heads} KV heads) "
            f"splits over {', '.join(map(str, valid))} GPUs in one node"
        )
    return gpus_per_replica


def _kv_room(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    tp: int,
    mean_context: float,
    engine: sv.ServingEngine,
) -> tuple[float, int]:
    """Tokens of KV cache the replica holds, and the sequences of ``mean_context`` tokens
    that fit in it; one line when not even one does."""
    capacity = kv_cache_tokens(model, gpu, precision, tp, engine)
    if capacity <= 0:
        raise PaybackError(_does_not_fit(model, gpu, precision, tp, engine))
    by_memory = int(capacity // attended_tokens(model, mean_context))
    if by_memory < 1:
        raise PaybackError(
            f"{model.id} at {precision} on {tp} × {gpu.id}: no room for one sequence of "
            f"{mean_context:,.0f} tokens in the KV cache ({capacity:,.0f} tokens fit)"
        )
    return capacity, by_memory


def _latency_batch(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    tp: int,
    args: dict[str, Any],
    max_batch: int,
    tpot_ms: float,
    load: dict[str, Any],
) -> int:
    """The largest batch, up to ``max_batch``, whose loaded step (prompt chunks included)
    meets ``tpot_ms``."""
    grid = np.arange(1, max_batch + 1, dtype=np.float64)
    _, steps, _ = loaded_steps(args, grid, **load)
    steps = np.broadcast_to(steps, grid.shape)
    ok = np.nonzero(steps * 1000.0 <= tpot_ms)[0]
    if ok.size == 0:
        raise PaybackError(
            f"{model.id} at {precision} on {tp} × {gpu.id} cannot meet tpot_ms = {tpot_ms:g}: "
            f"one sequence alone takes {steps[0] * 1000:.1f} ms per token"
        )
    return int(ok[-1] + 1)


def _check_batch(
    batch: int, capacity: float, context: float, tp: int, gpu: Gpu, model: OpenModel
) -> None:
    """One line when a given batch is below 1 or its KV cache of ``context`` tokens a
    sequence does not fit the replica's."""
    if batch < 1:
        raise PaybackError(f"batch = {batch}: must be ≥ 1")
    held = attended_tokens(model, context)
    fits = int(capacity // held)
    if batch > fits:
        raise PaybackError(
            f"batch = {batch}: {batch} sequences of {context:,.0f} tokens need "
            f"{batch * held:,.0f} tokens of KV cache; {tp} × {gpu.id} hold "
            f"{capacity:,.0f} ({fits} sequences)"
        )
