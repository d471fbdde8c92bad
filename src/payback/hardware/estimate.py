"""The serving estimate for catalog models on catalog GPUs: a replica's capacity.

It binds catalog records to the pure formulas in :mod:`payback.hardware.serving`, picks
sensible defaults (tensor parallel degree, batch), and says why a configuration cannot
work. The fine-tuning estimate is :mod:`payback.hardware.fine_tuning`.
"""

from __future__ import annotations

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
    "ServingEstimate",
    "attended_tokens",
    "check_precision",
    "choose_tensor_parallel",
    "estimate_serving",
    "kv_cache_tokens",
    "model_kv_bytes_per_token",
    "model_parameters",
    "peak_flops",
    "replica_rates",
    "require_finite",
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


def weight_bytes(model: OpenModel, precision: str) -> float:
    """All the weights a replica holds [bytes]: total parameters × bytes per weight; with
    an expert-only format (MXFP4), the routed experts in it and the rest in BF16."""
    if not model.is_moe:
        return float(sv.weights_bytes(model.params_b * 1e9, precision))
    routed, _ = _routed(model)
    rest = model.params_b * 1e9 - routed
    return float(
        sv.weights_bytes(rest, _rest_precision(precision)) + sv.weights_bytes(routed, precision)
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


def serving_shape(model: OpenModel, gpu: Gpu, precision: str, tp: int) -> dict[str, Any]:
    """The per-replica numbers :mod:`payback.hardware.serving` needs.

    The input embedding of an untied model is a table lookup, not a matrix multiply: it
    is neither streamed at each decode step nor counted in the 2N FLOPs per token. A
    mixture of experts computes with its active parameters (its router included) and
    streams the routed experts a step touches (``expert_weights``, k/E of them per token:
    ``expert_share``); its weights are its total parameters. Tensor parallelism splits
    every weight, experts included, over the ``tp`` GPUs.
    """
    embedding = 0.0 if model.tied_embeddings else float(model.vocab_size * model.hidden_size)
    matmul_params = model.params_b * 1e9 - embedding
    if model.is_moe:
        routed, share = _routed(model)
        params = matmul_params - routed * (1.0 - share)
        weights = sv.weights_bytes(matmul_params - routed, _rest_precision(precision))
        expert_weights: Any = sv.weights_bytes(routed, precision)
    else:
        params, share = matmul_params, 0.0
        weights, expert_weights = sv.weights_bytes(matmul_params, precision), 0.0
    width = model.heads * model.head_dim
    if model.is_mla:  # queries and keys of head_dim, values of v_head_dim
        width = model.heads * (model.head_dim + (model.v_head_dim or model.head_dim)) // 2
    return {
        "params": params,
        "weights": weights,
        "kv_bytes_per_token": model_kv_bytes_per_token(model, precision)
        * _kv_replication(model, tp),
        "layers": model.layers,
        "attention_width": width,
        "hidden_size": model.hidden_size,
        "tensor_parallel": tp,
        "bandwidth": gpu.memory_bandwidth_gb_s * 1e9,
        "peak_flops": peak_flops(gpu, precision),
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
    prefill_args = {k: v for k, v in args.items() if k not in DECODE_ONLY}
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
            expert_weights=args.get("expert_weights", 0.0),
            expert_share=args.get("expert_share", 0.0),
            tokens=prompt,
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
    check_precision(model, precision)
    _check_serving_inputs(
        gpu, precision, input_tokens, output_tokens, cached_input_share, context, tpot_ms
    )
    mean_context = input_tokens + output_tokens / 2.0
    tp = _replica_gpus(model, gpu, precision, gpus_per_replica, mean_context, engine)
    args = serving_shape(model, gpu, precision, tp)
    capacity, by_memory = _kv_room(model, gpu, precision, tp, mean_context, engine)
    max_batch = min(by_memory, engine.max_num_seqs)
    chosen, limited_by = max_batch, "memory" if by_memory <= engine.max_num_seqs else "engine"
    if tpot_ms is not None:
        fastest = _latency_batch(
            model, gpu, precision, tp, args, max_batch, mean_context, tpot_ms, engine
        )
        if fastest < chosen:
            chosen, limited_by = fastest, "latency target"
    at_context = mean_context if context is None else context
    if batch is not None:
        _check_batch(batch, capacity, max(at_context, mean_context), tp, gpu, model)
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
    rps = float(rates.requests_per_s)
    price = typical_gpu_price(gpu)
    return ServingEstimate(
        model=model.id,
        gpu=gpu.id,
        precision=precision,
        gpus_per_replica=tp,
        weights_gb=weight_bytes(model, precision) / 1e9,
        kv_cache_gb=capacity * float(args["kv_bytes_per_token"]) / 1e9,
        max_batch=max_batch,
        batch=chosen,
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
    mean_context: float,
    tpot_ms: float,
    engine: sv.ServingEngine,
) -> int:
    """The largest batch, up to ``max_batch``, whose decode step meets ``tpot_ms``."""
    grid = np.arange(1, max_batch + 1, dtype=np.float64)
    steps = sv.decode_step_seconds(batch=grid, context=mean_context, engine=engine, **args)
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
