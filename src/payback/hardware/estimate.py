"""Estimates for catalog models on catalog GPUs: serving capacity and fine-tuning cost.

These bind catalog records to the pure formulas in :mod:`payback.hardware.serving` and
:mod:`payback.hardware.training`, pick sensible defaults (tensor parallel degree, batch),
and say why a configuration cannot work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from payback.catalog import Gpu, OpenModel, typical_gpu_price
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware import training as tr
from payback.hardware.serving import PRECISIONS
from payback.hardware.shapes import kv_bytes_per_token

__all__ = [
    "ServingEstimate",
    "TrainingEstimate",
    "estimate_serving",
    "estimate_training",
    "kv_cache_tokens",
    "peak_flops",
    "replica_rates",
    "serving_shape",
]

PCIE_GEN4_BYTES_S = 32e9
TP_DEGREES = (1, 2, 4, 8)
"""Tensor-parallel degrees modelled: within one 8-GPU node."""
MIN_AUTO_BATCH = 16
"""Automatic tensor parallelism picks the fewest GPUs whose KV cache holds at least this
many sequences at the workload's mean context (fewer GPUs leave too little room to batch)."""


def peak_flops(gpu: Gpu, precision: str, allowed: tuple[str, ...] = PRECISIONS) -> float:
    """Dense tensor peak used at a precision [FLOP/s]. int4 is weight-only (AWQ/GPTQ
    kernels dequantize to 16 bits), so it computes at the BF16 peak."""
    if precision not in allowed:
        raise PaybackError(f"precision {precision!r}: unknown; allowed: {', '.join(allowed)}")
    peaks = {
        "bf16": gpu.bf16_tflops,
        "fp8": gpu.fp8_tflops,
        "int8": gpu.int8_tops,
        "int4": gpu.bf16_tflops,
    }
    value = peaks[precision]
    if value is None:
        supported = [p for p in allowed if peaks[p] is not None]
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
    """Sequences decoded together at full load (after the latency target)."""
    limited_by: str
    """What caps the batch: ``memory``, ``engine`` (max sequences), ``latency target`` or ``given``."""
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _finite(name: str, value: float, low: float, inclusive: bool = True) -> None:
    ok = np.isfinite(value) and (value >= low if inclusive else value > low)
    if not ok:
        raise PaybackError(
            f"{name} = {value}: must be a finite number {'≥' if inclusive else '>'} {low:g}"
        )


def _usable_bytes(gpu: Gpu, engine: sv.ServingEngine) -> float:
    """Memory one GPU gives the engine for weights and KV cache [bytes]."""
    return gpu.memory_bytes * engine.memory_utilization - engine.runtime_overhead_bytes


def _kv_replication(model: OpenModel, tp: int) -> float:
    """KV heads are split across GPUs up to ``kv_heads`` ways; beyond that they are copied."""
    return max(1.0, tp / model.kv_heads)


def serving_shape(model: OpenModel, gpu: Gpu, precision: str, tp: int) -> dict[str, Any]:
    """The per-replica numbers :mod:`payback.hardware.serving` needs.

    The input embedding of an untied model is a table lookup, not a matrix multiply: it
    is neither streamed at each decode step nor counted in the 2N FLOPs per token.
    """
    embedding = 0.0 if model.tied_embeddings else float(model.vocab_size * model.hidden_size)
    matmul_params = model.params_b * 1e9 - embedding
    return {
        "params": matmul_params,
        "weights": sv.weights_bytes(matmul_params, precision),
        "kv_bytes_per_token": kv_bytes_per_token(
            layers=model.layers,
            kv_heads=model.kv_heads,
            head_dim=model.head_dim,
            kv_bytes=sv.KV_BYTES[precision],
        )
        * _kv_replication(model, tp),
        "layers": model.layers,
        "attention_width": model.heads * model.head_dim,
        "hidden_size": model.hidden_size,
        "tensor_parallel": tp,
        "bandwidth": gpu.memory_bandwidth_gb_s * 1e9,
        "peak_flops": peak_flops(gpu, precision),
        "interconnect": (gpu.interconnect_gb_s or PCIE_GEN4_BYTES_S / 1e9) * 1e9,
    }


def kv_cache_tokens(
    model: OpenModel, gpu: Gpu, precision: str, tp: int, engine: sv.ServingEngine = sv.VLLM
) -> float:
    """Tokens of KV cache a replica of ``tp`` GPUs holds beside all the weights (KV heads
    copied when ``tp`` exceeds them): the estimate's and recommend's memory limit."""
    per_token = kv_bytes_per_token(
        layers=model.layers,
        kv_heads=model.kv_heads,
        head_dim=model.head_dim,
        kv_bytes=sv.KV_BYTES[precision],
    ) * _kv_replication(model, tp)
    return float(
        sv.kv_capacity_tokens(
            gpu_memory_bytes=gpu.memory_bytes,
            tensor_parallel=tp,
            weights=sv.weights_bytes(model.params_b * 1e9, precision),
            kv_bytes_per_token=per_token,
            engine=engine,
        )
    )


def _does_not_fit(
    model: OpenModel, gpu: Gpu, precision: str, tp: int, engine: sv.ServingEngine
) -> str:
    def need(p: str) -> int:
        usable = _usable_bytes(gpu, engine)
        weights = float(sv.weights_bytes(model.params_b * 1e9, p))
        return int(np.ceil(weights / usable)) if usable > 0 else 10**6

    weights = float(sv.weights_bytes(model.params_b * 1e9, precision))
    parts = [
        f"{model.id} at {precision} has {weights / 1e9:.0f} GB of weights; "
        f"{tp} × {gpu.id} hold {tp * _usable_bytes(gpu, engine) / 1e9:.0f} GB usable",
        f"it needs at least {need(precision)} × {gpu.id} at {precision}"
        + (" (more than one node)" if need(precision) > 8 else ""),
    ]
    parts += [
        f"{need(p)} at {p}" for p in PRECISIONS if sv.WEIGHT_BYTES[p] < sv.WEIGHT_BYTES[precision]
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
    for wanted in (target, 1):
        for tp in candidates:
            if kv_cache_tokens(model, gpu, precision, tp, engine) >= wanted * mean_context:
                return tp
    raise PaybackError(_does_not_fit(model, gpu, precision, max(candidates), engine))


@dataclass(frozen=True)
class ReplicaRates:
    """A replica's rates at a batch (arrays, one element per configuration, or floats)."""

    load_step_s: Any
    """Seconds per decode step at the batch and the mean context."""
    prefill_s: Any
    """Seconds to prefill one prompt (its uncached part)."""
    requests_per_s: Any
    ttft_s: Any
    """Time to the first token of a request arriving alone: its prefill (or one read of
    the weights, whichever is longer) and one decode step."""


def replica_rates(
    args: dict[str, Any],
    batch: Any,
    *,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    engine: sv.ServingEngine = sv.VLLM,
) -> ReplicaRates:
    """Throughput and latency of replicas of :func:`serving_shape` ``args`` (numbers, or
    arrays for many configurations at once) running ``batch`` sequences: the one core
    :func:`estimate_serving` and ``recommend``'s search both price capacity with."""
    load_step = sv.decode_step_seconds(batch=batch, context=mean_context, engine=engine, **args)
    prefill_args = {
        k: v for k, v in args.items() if k not in ("kv_bytes_per_token", "weights", "bandwidth")
    }
    prompt = max(input_tokens, 1.0)
    prefill = sv.prefill_seconds(
        input_tokens=prompt, cached_share=cached_share, engine=engine, **prefill_args
    )
    rps = sv.replica_requests_per_s(
        prefill_s=prefill, output_tokens=output_tokens, step_s=load_step, batch=batch
    )
    alone = np.maximum(
        prefill,
        sv.weight_read_seconds(
            weights=args["weights"],
            tensor_parallel=args["tensor_parallel"],
            bandwidth=args["bandwidth"],
            engine=engine,
        ),
    )
    first_step = sv.decode_step_seconds(batch=1.0, context=prompt, engine=engine, **args)
    return ReplicaRates(
        load_step_s=load_step, prefill_s=prefill, requests_per_s=rps, ttft_s=alone + first_step
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
    engine: sv.ServingEngine = sv.VLLM,
) -> ServingEstimate:
    """Capacity of one replica: batch, latency, decode and prefill rates, requests/s.

    Without ``batch``, the replica runs the largest batch that fits the KV cache at the
    workload's mean context (input + output / 2), the engine's sequence limit and the
    ``tpot_ms`` target. ``batch`` sets the load instead; ``context`` sets the context at
    which ``decode_output_tokens_per_s`` is reported. ``cached_input_share`` of each prompt
    is a shared prefix the engine's prefix cache holds, so prefill computes only the rest.
    """
    peak_flops(gpu, precision)  # fails early for a precision the GPU lacks
    _finite("input_tokens", input_tokens, 0.0)
    _finite("output_tokens", output_tokens, 1.0)
    if not (np.isfinite(cached_input_share) and 0.0 <= cached_input_share < 1.0):
        raise PaybackError(f"cached_input_share = {cached_input_share}: must be in [0, 1)")
    if context is not None:
        _finite("context", context, 1.0)
    if tpot_ms is not None:
        _finite("tpot_ms", tpot_ms, 0.0, inclusive=False)
    mean_context = input_tokens + output_tokens / 2.0
    if gpus_per_replica is None:
        tp = choose_tensor_parallel(model, gpu, precision, mean_context, engine)
    else:
        valid = valid_tensor_parallel(model)
        if gpus_per_replica not in valid:
            raise PaybackError(
                f"gpus_per_replica = {gpus_per_replica}: {model.id} ({model.heads} heads, {model.kv_heads} KV heads) "
                f"splits over {', '.join(map(str, valid))} GPUs in one node"
            )
        tp = gpus_per_replica
    args = serving_shape(model, gpu, precision, tp)
    capacity = kv_cache_tokens(model, gpu, precision, tp, engine)
    if capacity <= 0:
        raise PaybackError(_does_not_fit(model, gpu, precision, tp, engine))
    by_memory = int(capacity // mean_context)
    if by_memory < 1:
        raise PaybackError(
            f"{model.id} at {precision} on {tp} × {gpu.id}: no room for one sequence of "
            f"{mean_context:,.0f} tokens in the KV cache ({capacity:,.0f} tokens fit)"
        )
    max_batch = min(by_memory, engine.max_num_seqs)
    chosen, limited_by = max_batch, "memory" if by_memory <= engine.max_num_seqs else "engine"
    if tpot_ms is not None:
        grid = np.arange(1, max_batch + 1, dtype=np.float64)
        steps = sv.decode_step_seconds(batch=grid, context=mean_context, engine=engine, **args)
        ok = np.nonzero(steps * 1000.0 <= tpot_ms)[0]
        if ok.size == 0:
            raise PaybackError(
                f"{model.id} at {precision} on {tp} × {gpu.id} cannot meet tpot_ms = {tpot_ms:g}: "
                f"one sequence alone takes {steps[0] * 1000:.1f} ms per token"
            )
        if ok[-1] + 1 < chosen:
            chosen, limited_by = int(ok[-1] + 1), "latency target"
    at_context = mean_context if context is None else context
    if batch is not None:
        if batch < 1:
            raise PaybackError(f"batch = {batch}: must be ≥ 1")
        fits = int(capacity // max(at_context, mean_context))
        if batch > fits:
            raise PaybackError(
                f"batch = {batch}: {batch} sequences of {max(at_context, mean_context):,.0f} tokens need "
                f"{batch * max(at_context, mean_context):,.0f} tokens of KV cache; {tp} × {gpu.id} hold "
                f"{capacity:,.0f} ({fits} sequences)"
            )
        chosen, limited_by = batch, "given"
    step = float(sv.decode_step_seconds(batch=chosen, context=at_context, engine=engine, **args))
    rates = replica_rates(
        args,
        chosen,
        mean_context=mean_context,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_share=cached_input_share,
        engine=engine,
    )
    prompt = max(input_tokens, 1.0)
    load_step, prefill = float(rates.load_step_s), float(rates.prefill_s)
    rps = float(rates.requests_per_s)
    price = typical_gpu_price(gpu)
    return ServingEstimate(
        model=model.id,
        gpu=gpu.id,
        precision=precision,
        gpus_per_replica=tp,
        weights_gb=float(sv.weights_bytes(model.params_b * 1e9, precision)) / 1e9,
        kv_cache_gb=capacity * float(args["kv_bytes_per_token"]) / 1e9,
        max_batch=max_batch,
        batch=chosen,
        limited_by=limited_by,
        context_tokens=at_context,
        decode_output_tokens_per_s=chosen / step,
        prefill_tokens_per_s=prompt / prefill,
        tpot_ms=load_step * 1000.0,
        ttft_ms=float(rates.ttft_s) * 1000.0,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        replica_requests_per_s=rps,
        output_tokens_per_s=rps * output_tokens,
        usd_per_gpu_hour=price.usd_per_gpu_hour if price else None,
        price_source=f"{price.provider}, checked {price.checked} ({price.source})"
        if price
        else None,
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
    mfu_scale: float = 1.0,
) -> TrainingEstimate:
    """FLOPs = k · N · tokens · epochs; GPUs from memory; time from peak × MFU; cost × runs.

    ``mfu_scale`` multiplies the utilization: a calibration's measured throughput over
    the estimate's (``training_mfu_ratio``)."""
    if method not in tr.METHODS:
        raise PaybackError(f"method {method!r}: unknown; allowed: {', '.join(tr.METHODS)}")
    if stack not in tr.STACKS:
        raise PaybackError(f"stack {stack!r}: unknown; allowed: {', '.join(tr.STACKS)}")
    if gpus is not None and gpus < 1:
        raise PaybackError(f"gpus = {gpus}: must be ≥ 1")
    if usd_per_gpu_hour is not None:
        _finite("usd_per_gpu_hour", usd_per_gpu_hour, 0.0)
    for name, value in (("tokens", tokens), ("epochs", epochs)):
        if not np.isfinite(value) or value <= 0:
            raise PaybackError(f"{name} = {value}: must be a finite number > 0")
    if runs < 1:
        raise PaybackError(f"runs = {runs}: must be ≥ 1")
    peak = peak_flops(gpu, precision, tr.TRAINING_PRECISIONS)
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
        gpu_memory_bytes=gpu.memory_bytes,
        adapter_params=adapters,
        activations=activations,
    )
    if needed is None:
        raise PaybackError(
            f"{method} fine-tuning of {model.id} does not fit on 64 × {gpu.id}; "
            "use LoRA/QLoRA or GPUs with more memory"
        )
    if gpus is not None:
        if gpus < needed:
            per_gpu = tr.training_memory_per_gpu(
                params=n, method=method, gpus=gpus, adapter_params=adapters, activations=activations
            )
            raise PaybackError(
                f"{method} fine-tuning of {model.id} needs {per_gpu / 2**30:.0f} GiB per GPU on {gpus} × {gpu.id} "
                f"({gpu.memory_bytes / 2**30:,.0f} GiB each); it needs at least {needed} GPUs"
            )
        needed = gpus
    per_gpu_memory = tr.training_memory_per_gpu(
        params=n, method=method, gpus=needed, adapter_params=adapters, activations=activations
    )
    processed = tokens * epochs
    flops = tr.training_flops(n, processed, method)
    _finite("mfu_scale", mfu_scale, 0.0, inclusive=False)
    mfu = min(1.0, tr.training_mfu(method, n, needed, stack) * mfu_scale)
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
