"""Estimates for catalog models on catalog GPUs: serving capacity and fine-tuning cost.

These bind catalog records to the pure formulas in :mod:`payback.model.serving` and
:mod:`payback.model.training`, pick sensible defaults (tensor parallel degree, batch),
and say why a configuration cannot work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from payback.catalog import Gpu, OpenModel, typical_gpu_price
from payback.model import serving as sv
from payback.model import training as tr
from payback.model.shapes import kv_bytes_per_token
from payback.scenario import ScenarioError

__all__ = [
    "PRECISIONS",
    "ServingEstimate",
    "TrainingEstimate",
    "estimate_serving",
    "estimate_training",
    "peak_flops",
]

PRECISIONS = ("bf16", "fp8", "int8", "int4")
METHODS = ("full", "lora", "qlora")
PCIE_GEN4_BYTES_S = 32e9
TP_DEGREES = (1, 2, 4, 8)
WEIGHTS_SHARE_FOR_AUTO_TP = 0.7
"""Automatic tensor parallelism picks the fewest GPUs whose usable memory the weights
fill to at most 70%, leaving the rest for the KV cache that batching needs."""


def peak_flops(gpu: Gpu, precision: str) -> float:
    """Dense tensor peak used at a precision [FLOP/s]. int4 is weight-only (AWQ/GPTQ
    kernels dequantize to 16 bits), so it computes at the BF16 peak."""
    if precision not in PRECISIONS:
        raise ScenarioError(f"precision {precision!r}: unknown; allowed: {', '.join(PRECISIONS)}")
    peaks = {
        "bf16": gpu.bf16_tflops,
        "fp8": gpu.fp8_tflops,
        "int8": gpu.int8_tops,
        "int4": gpu.bf16_tflops,
    }
    value = peaks[precision]
    if value is None:
        supported = [p for p, peak in peaks.items() if peak is not None]
        raise ScenarioError(
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
    """Sequences decoded together at full load (after the latency target)."""
    limited_by: str
    """What caps the batch: ``memory``, ``engine`` (max sequences) or ``latency target``."""
    context_tokens: float
    decode_output_tokens_per_s: float
    """Output tokens per second of decoding at ``batch`` and ``context_tokens``."""
    prefill_tokens_per_s: float
    tpot_ms: float
    """Time per output token at ``batch`` [ms]."""
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
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _shape_args(model: OpenModel, gpu: Gpu, precision: str, tp: int) -> dict[str, Any]:
    return {
        "params": model.params_b * 1e9,
        "weights": sv.weights_bytes(model.params_b * 1e9, precision),
        "kv_bytes_per_token": kv_bytes_per_token(
            layers=model.layers,
            kv_heads=model.kv_heads,
            head_dim=model.head_dim,
            kv_bytes=sv.KV_BYTES[precision],
        ),
        "layers": model.layers,
        "attention_width": model.heads * model.head_dim,
        "hidden_size": model.hidden_size,
        "tensor_parallel": tp,
        "bandwidth": gpu.memory_bandwidth_gb_s * 1e9,
        "peak_flops": peak_flops(gpu, precision),
        "interconnect": (gpu.interconnect_gb_s or PCIE_GEN4_BYTES_S / 1e9) * 1e9,
    }


def _usable_bytes(gpu: Gpu, engine: sv.ServingEngine) -> float:
    return gpu.memory_gb * 1e9 * engine.memory_utilization - engine.runtime_overhead_bytes


def _min_gpus(weights: float, gpu: Gpu, engine: sv.ServingEngine) -> int:
    usable = _usable_bytes(gpu, engine)
    return int(np.ceil(weights / usable)) if usable > 0 else 10**6


def _does_not_fit(
    model: OpenModel, gpu: Gpu, precision: str, tp: int, engine: sv.ServingEngine
) -> str:
    weights = float(sv.weights_bytes(model.params_b * 1e9, precision))
    parts = [
        f"{model.id} at {precision} has {weights / 1e9:.0f} GB of weights; "
        f"{tp} × {gpu.id} hold {tp * _usable_bytes(gpu, engine) / 1e9:.0f} GB usable"
    ]
    need = _min_gpus(weights, gpu, engine)
    parts.append(
        f"it needs at least {need} × {gpu.id} at {precision}"
        + (" (more than one node)" if need > 8 else "")
    )
    for other in PRECISIONS:
        if sv.WEIGHT_BYTES[other] < sv.WEIGHT_BYTES[precision]:
            other_need = _min_gpus(
                float(sv.weights_bytes(model.params_b * 1e9, other)), gpu, engine
            )
            parts.append(f"{other_need} at {other}")
    return "; ".join(parts)


def _valid_tp(model: OpenModel, tp: int) -> bool:
    return model.heads % tp == 0 and (model.kv_heads % tp == 0 or tp % model.kv_heads == 0)


def choose_tensor_parallel(
    model: OpenModel, gpu: Gpu, precision: str, engine: sv.ServingEngine = sv.VLLM
) -> int:
    """The fewest GPUs (1, 2, 4, 8) that hold the weights with room for a KV cache."""
    weights = float(sv.weights_bytes(model.params_b * 1e9, precision))
    usable = _usable_bytes(gpu, engine)
    candidates = [tp for tp in TP_DEGREES if _valid_tp(model, tp)]
    for share in (WEIGHTS_SHARE_FOR_AUTO_TP, 0.95):
        for tp in candidates:
            if weights <= share * tp * usable:
                return tp
    raise ScenarioError(_does_not_fit(model, gpu, precision, max(candidates), engine))


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
    engine: sv.ServingEngine = sv.VLLM,
) -> ServingEstimate:
    """Capacity of one replica: batch, latency, decode and prefill rates, requests/s.

    Without ``batch``, the replica runs the largest batch that fits the KV cache at the
    workload's mean context (input + output / 2), the engine's sequence limit and the
    ``tpot_ms`` target. ``batch`` and ``context`` set the point at which
    ``decode_output_tokens_per_s`` is reported (and, for ``batch``, the load).
    ``cached_input_share`` of each prompt is a shared prefix the engine's prefix cache
    holds, so prefill computes only the rest.
    """
    peak_flops(gpu, precision)  # fails early for a precision the GPU lacks
    for name, value in (("input_tokens", input_tokens), ("output_tokens", output_tokens)):
        if not np.isfinite(value) or value < 0:
            raise ScenarioError(f"{name} = {value}: must be a finite number ≥ 0")
    if not 0.0 <= cached_input_share < 1.0:
        raise ScenarioError(f"cached_input_share = {cached_input_share}: must be in [0, 1)")
    if output_tokens < 1:
        raise ScenarioError(f"output_tokens = {output_tokens}: must be ≥ 1 to decode anything")
    tp = gpus_per_replica or choose_tensor_parallel(model, gpu, precision, engine)
    if tp < 1:
        raise ScenarioError(f"gpus_per_replica = {tp}: must be ≥ 1")
    args = _shape_args(model, gpu, precision, tp)
    capacity = float(
        sv.kv_capacity_tokens(
            gpu_memory_bytes=gpu.memory_gb * 1e9,
            tensor_parallel=tp,
            weights=args["weights"],
            kv_bytes_per_token=args["kv_bytes_per_token"],
            engine=engine,
        )
    )
    mean_context = input_tokens + output_tokens / 2.0
    by_memory = int(capacity // max(mean_context, 1.0))
    if capacity <= 0:
        raise ScenarioError(_does_not_fit(model, gpu, precision, tp, engine))
    if by_memory < 1:
        raise ScenarioError(
            f"{model.id} at {precision} on {tp} × {gpu.id}: no room for one sequence of "
            f"{mean_context:,.0f} tokens in the KV cache ({capacity:,.0f} tokens fit)"
        )
    max_batch = min(by_memory, engine.max_num_seqs)
    limited_by = "memory" if by_memory <= engine.max_num_seqs else "engine"
    chosen = max_batch
    step_args = args
    if tpot_ms is not None:
        grid = np.arange(1, max_batch + 1, dtype=np.float64)
        steps = sv.decode_step_seconds(batch=grid, context=mean_context, engine=engine, **step_args)
        ok = np.nonzero(steps * 1000.0 <= tpot_ms)[0]
        if ok.size == 0:
            raise ScenarioError(
                f"{model.id} at {precision} on {tp} × {gpu.id} cannot meet tpot_ms = {tpot_ms:g}: "
                f"one sequence alone takes {steps[0] * 1000:.1f} ms per token"
            )
        if ok[-1] + 1 < chosen:
            chosen, limited_by = int(ok[-1] + 1), "latency target"
    if batch is not None:
        if batch < 1:
            raise ScenarioError(f"batch = {batch}: must be ≥ 1")
        chosen = batch
    at_context = mean_context if context is None else context
    step = float(
        sv.decode_step_seconds(batch=chosen, context=at_context, engine=engine, **step_args)
    )
    load_step = float(
        sv.decode_step_seconds(batch=chosen, context=mean_context, engine=engine, **step_args)
    )
    prefill_args = {k: v for k, v in args.items() if k != "kv_bytes_per_token"}
    prefill = float(
        sv.prefill_seconds(
            input_tokens=max(input_tokens, 1.0),
            cached_share=cached_input_share,
            engine=engine,
            **prefill_args,
        )
    )
    rps = float(
        sv.replica_requests_per_s(
            prefill_s=prefill, output_tokens=output_tokens, step_s=load_step, batch=chosen
        )
    )
    one_step = float(
        sv.decode_step_seconds(batch=1, context=input_tokens, engine=engine, **step_args)
    )
    price = typical_gpu_price(gpu)
    notes = []
    if batch is not None and batch > by_memory:
        notes.append(
            f"batch {batch} needs more KV cache than fits ({by_memory} sequences at this context)"
        )
    return ServingEstimate(
        model=model.id,
        gpu=gpu.id,
        precision=precision,
        gpus_per_replica=tp,
        weights_gb=float(args["weights"]) / 1e9,
        kv_cache_gb=capacity * float(args["kv_bytes_per_token"]) / 1e9,
        max_batch=max_batch,
        batch=chosen,
        limited_by=limited_by if batch is None else "given",
        context_tokens=at_context,
        decode_output_tokens_per_s=chosen / step,
        prefill_tokens_per_s=max(input_tokens, 1.0) / prefill,
        tpot_ms=load_step * 1000.0,
        ttft_ms=(prefill + one_step) * 1000.0,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        replica_requests_per_s=rps,
        output_tokens_per_s=rps * output_tokens,
        usd_per_gpu_hour=price.usd_per_gpu_hour if price else None,
        price_source=f"{price.provider}, checked {price.checked} ({price.source})"
        if price
        else None,
        notes=notes,
    )


@dataclass(frozen=True)
class TrainingEstimate:
    """Compute, memory, time and cost of fine-tuning a model on a GPU type."""

    model: str
    gpu: str
    method: str
    precision: str
    stack: str
    tokens: float
    """Tokens processed per run: dataset tokens × epochs."""
    flops: float
    gpus: int
    memory_gib: float
    """Memory each GPU needs [GiB]."""
    mfu: float
    tokens_per_s: float
    """Training tokens per second across all GPUs."""
    tokens_per_s_per_gpu: float
    hours: float
    """Wall time of one run [h]."""
    gpu_hours: float
    """GPU-hours of one run."""
    runs: int
    usd_per_gpu_hour: float | None
    usd: float | None
    """GPU cost of all runs [USD]: GPU-hours × price × runs."""
    price_source: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def estimate_training(
    model: OpenModel,
    gpu: Gpu,
    method: str = "lora",
    *,
    tokens: float,
    epochs: float = 1.0,
    runs: int = 1,
    precision: str = "bf16",
    stack: str = "standard",
    gpus: int | None = None,
    tokens_per_micro_batch: float = 4096.0,
    usd_per_gpu_hour: float | None = None,
) -> TrainingEstimate:
    """FLOPs = k · N · tokens · epochs; GPUs from memory; time from peak × MFU; cost × runs."""
    if method not in METHODS:
        raise ScenarioError(f"method {method!r}: unknown; allowed: {', '.join(METHODS)}")
    if stack not in ("standard", "optimized"):
        raise ScenarioError(f"stack {stack!r}: unknown; allowed: standard, optimized")
    if precision not in ("bf16", "fp8"):
        raise ScenarioError(f"training precision {precision!r}: allowed: bf16, fp8")
    for name, value in (("tokens", tokens), ("epochs", epochs)):
        if not np.isfinite(value) or value <= 0:
            raise ScenarioError(f"{name} = {value}: must be a finite number > 0")
    if runs < 1:
        raise ScenarioError(f"runs = {runs}: must be ≥ 1")
    peak = peak_flops(gpu, precision)
    n = model.params_b * 1e9
    adapters = tr.lora_parameters(
        layers=model.layers,
        hidden_size=model.hidden_size,
        intermediate_size=model.intermediate_size,
        heads=model.heads,
        kv_heads=model.kv_heads,
        head_dim=model.head_dim,
    )
    activations = tr.activation_bytes(
        tokens_per_micro_batch=tokens_per_micro_batch,
        layers=model.layers,
        hidden_size=model.hidden_size,
        intermediate_size=model.intermediate_size,
        vocab_size=model.vocab_size,
    )
    needed = tr.gpus_needed(
        params=n,
        method=method,
        gpu_memory_bytes=gpu.memory_gb * 1e9,
        adapter_params=adapters,
        activations=activations,
    )
    if needed is None:
        raise ScenarioError(
            f"{method} fine-tuning of {model.id} does not fit on 64 × {gpu.id}; "
            "use LoRA/QLoRA or GPUs with more memory"
        )
    if gpus is not None:
        if gpus < needed:
            per_gpu = tr.training_memory_per_gpu(
                params=n, method=method, gpus=gpus, adapter_params=adapters, activations=activations
            )
            raise ScenarioError(
                f"{method} fine-tuning of {model.id} needs {per_gpu / 2**30:.0f} GiB per GPU on {gpus} × {gpu.id} "
                f"({gpu.memory_gb:g} GB each); it needs at least {needed} GPUs"
            )
        needed = gpus
    per_gpu_memory = tr.training_memory_per_gpu(
        params=n, method=method, gpus=needed, adapter_params=adapters, activations=activations
    )
    processed = tokens * epochs
    flops = tr.training_flops(n, processed, method)
    mfu = tr.training_mfu(method, n, needed, stack)
    seconds = tr.training_seconds(flops, needed, peak, mfu)
    price_record = typical_gpu_price(gpu)
    price = (
        usd_per_gpu_hour
        if usd_per_gpu_hour is not None
        else (price_record.usd_per_gpu_hour if price_record else None)
    )
    gpu_hours = seconds / 3600.0 * needed
    return TrainingEstimate(
        model=model.id,
        gpu=gpu.id,
        method=method,
        precision=precision,
        stack=stack,
        tokens=processed,
        flops=flops,
        gpus=needed,
        memory_gib=per_gpu_memory / 2**30,
        mfu=mfu,
        tokens_per_s=processed / seconds,
        tokens_per_s_per_gpu=processed / seconds / needed,
        hours=seconds / 3600.0,
        gpu_hours=gpu_hours,
        runs=runs,
        usd_per_gpu_hour=price,
        usd=None if price is None else gpu_hours * price * runs,
        price_source=(
            "given"
            if usd_per_gpu_hour is not None
            else f"{price_record.provider}, checked {price_record.checked} ({price_record.source})"
            if price_record
            else None
        ),
    )
