"""Serving throughput and latency from a roofline model (pure, vectorized functions).

Prefill is compute-bound: 2 N FLOPs per prompt token plus attention. Decode is
memory-bandwidth-bound: each step streams the weights once plus the KV cache of every
sequence in the batch, so a bigger batch shares the weight traffic. The batch is capped
by the memory left for the KV cache, by the engine's sequence limit and by a latency
target on the time per output token. Fixed per-step overheads (scheduling, sampling,
kernel launches under CUDA graphs) dominate small models.

All functions broadcast over numpy arrays, so thousands of configurations are
evaluated at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from payback.finance._types import ArrayLike, FloatArray, as_float

Precision = Literal["bf16", "fp8", "int8", "int4", "mxfp4"]
"""Serving precisions of the weights."""
PRECISIONS: tuple[str, ...] = get_args(Precision)

EXPERT_ONLY_PRECISIONS: tuple[str, ...] = ("mxfp4",)
"""Formats that quantize a mixture of experts' expert weights only, the rest kept in
BF16: gpt-oss ships its experts in MXFP4, and vLLM's MXFP4 method quantizes the fused MoE
layers alone. A dense model has no weights they apply to."""

KV_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 2.0, "int4": 2.0, "mxfp4": 2.0}
"""KV-cache bytes per element by weight precision: FP8 deployments keep an FP8 cache
(TensorRT-LLM and vLLM's ``kv_cache_dtype=fp8``); the others keep BF16."""

WEIGHT_BYTES = {
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5 + 2.0 / 128,
    "mxfp4": 0.5 + 1.0 / 32,
}
"""Bytes per weight; int4 (AWQ/GPTQ) adds an FP16 scale per group of 128, MXFP4 (the OCP
microscaling format) an 8-bit power-of-two scale per block of 32: 4.25 bits. Both are
weight-only here: the kernels dequantize to 16 bits, at the BF16 peak (the cost of
dequantizing is the calibration factors' to carry)."""


@dataclass(frozen=True)
class ServingEngine:
    """What a good serving engine achieves (vLLM-class: CUDA graphs, continuous batching,
    paged KV cache, chunked prefill). Every figure is replaceable by a measurement."""

    bandwidth_efficiency: float = 0.85
    """Share of peak memory bandwidth decode steps reach (a 1,024/128 batch-1 Llama-3.1-8B
    on an A100-40GB reaches 77% of the bandwidth bound, overheads included)."""
    prefill_mfu: float = 0.5
    """Share of the dense tensor peak prefill reaches."""
    decode_mfu: float = 0.5
    """Share of the dense tensor peak decode matrix multiplications reach when compute-bound."""
    step_overhead_s: float = 1.0e-3
    """Fixed time per decode step: scheduling, sampling, output processing [s]."""
    layer_overhead_s: float = 3.0e-5
    """Time per layer per step: kernel launches and small kernels [s]."""
    memory_utilization: float = 0.9
    """Share of GPU memory the engine takes (vLLM's ``gpu_memory_utilization``)."""
    runtime_overhead_bytes: float = 1.5e9
    """Per-GPU memory for activations, CUDA graphs and buffers [bytes]."""
    max_num_seqs: int = 256
    """Most sequences decoded together (vLLM's default ``max_num_seqs``)."""
    allreduce_latency_s: float = 8.0e-6
    """Latency of one all-reduce between tensor-parallel GPUs [s]."""


VLLM = ServingEngine()
"""The default engine."""


def weights_bytes(params: ArrayLike, precision: str) -> FloatArray:
    """Memory of the weights [bytes]: N · bytes per weight.

    >>> float(weights_bytes(8.03e9, "bf16")) / 1e9
    16.06
    """
    return as_float(params) * WEIGHT_BYTES[precision]


def kv_capacity_tokens(
    *,
    gpu_memory_bytes: ArrayLike,
    tensor_parallel: ArrayLike,
    weights: ArrayLike,
    kv_bytes_per_token: ArrayLike,
    engine: ServingEngine = VLLM,
) -> FloatArray:
    """Tokens of KV cache that fit beside the weights across the replica's GPUs.

    (tp · (memory · utilization − overhead) − weights) / kv_bytes_per_token, at least 0.
    """
    tp = as_float(tensor_parallel)
    free = tp * (
        as_float(gpu_memory_bytes) * engine.memory_utilization - engine.runtime_overhead_bytes
    )
    return np.maximum(free - as_float(weights), 0.0) / as_float(kv_bytes_per_token)


def experts_touched(*, tokens: ArrayLike, expert_share: ArrayLike) -> FloatArray:
    """Expected share of a layer's routed experts that ``tokens`` tokens use together.

    Each token picks k of the E experts; with routing spread evenly, an expert is missed
    by one token with probability 1 − k/E and by all b tokens with (1 − k/E)^b, so the
    expected number of distinct experts is E · (1 − (1 − k/E)^b) and their share
    1 − (1 − k/E)^b: k/E for one token, nearly 1 for a large batch. ``expert_share`` is k/E.

    >>> float(experts_touched(tokens=1, expert_share=4 / 32))
    0.125
    >>> round(float(experts_touched(tokens=64, expert_share=4 / 32)), 6)
    0.999806
    """
    share = as_float(expert_share)
    return 1.0 - (1.0 - share) ** as_float(tokens)


def attended_context(
    *, context: ArrayLike, window_layers: ArrayLike, layers: ArrayLike, window: ArrayLike
) -> FloatArray:
    """Tokens of context a sequence's KV cache holds, in full-attention-layer equivalents:
    C − (L_w / L) · max(C − W, 0), where ``window_layers`` L_w of the L layers hold at most
    ``window`` W tokens (sliding-window or chunked local attention; 0 and 0 for none).

    >>> float(attended_context(context=32768, window_layers=52, layers=62, window=1024))
    6144.0
    """
    c = as_float(context)
    share = as_float(window_layers) / as_float(layers)
    return c - share * np.maximum(c - as_float(window), 0.0)


def decode_bytes(
    *,
    batch: ArrayLike,
    context: ArrayLike,
    weights: ArrayLike,
    kv_bytes_per_token: ArrayLike,
    expert_weights: ArrayLike = 0.0,
    expert_share: ArrayLike = 0.0,
) -> FloatArray:
    """Bytes one decode step streams: the weights, and every sequence's KV cache,
    W + X · (1 − (1 − k/E)^B) + B · C · kv [bytes].

    ``weights`` W are those every token uses (all of a dense model's; a mixture of
    experts' attention, shared experts, router, dense layers and output projection);
    ``expert_weights`` X are the routed experts', of which the B sequences' tokens touch
    the share :func:`experts_touched` gives, ``expert_share`` being k/E. ``context`` is
    the attended context (:func:`attended_context`).

    >>> float(decode_bytes(batch=2, context=100, weights=1e9, kv_bytes_per_token=1e5)) / 1e9
    1.02
    >>> float(decode_bytes(batch=1, context=0, weights=1e9, kv_bytes_per_token=1e5,
    ...     expert_weights=8e9, expert_share=0.125)) / 1e9
    2.0
    """
    b = as_float(batch)
    streamed = as_float(weights) + as_float(expert_weights) * experts_touched(
        tokens=b, expert_share=expert_share
    )
    return streamed + b * as_float(context) * as_float(kv_bytes_per_token)


def decode_flops(
    *,
    batch: ArrayLike,
    context: ArrayLike,
    params: ArrayLike,
    layers: ArrayLike,
    attention_width: ArrayLike,
) -> FloatArray:
    """FLOPs of one decode step: (2 N + 4 · L · H·d · C) per sequence, times B; N the
    parameters a token uses (a mixture of experts' active ones), C the attended context.

    >>> float(decode_flops(batch=2, context=100, params=1e9, layers=10, attention_width=1000))
    4008000000.0
    """
    per_token = 2.0 * as_float(params) + 4.0 * as_float(layers) * as_float(
        attention_width
    ) * as_float(context)
    return per_token * as_float(batch)


def decode_step_seconds(
    *,
    batch: ArrayLike,
    context: ArrayLike,
    params: ArrayLike,
    weights: ArrayLike,
    kv_bytes_per_token: ArrayLike,
    layers: ArrayLike,
    attention_width: ArrayLike,
    hidden_size: ArrayLike,
    tensor_parallel: ArrayLike,
    bandwidth: ArrayLike,
    peak_flops: ArrayLike,
    interconnect: ArrayLike,
    expert_weights: ArrayLike = 0.0,
    expert_share: ArrayLike = 0.0,
    window_layers: ArrayLike = 0.0,
    window: ArrayLike = 0.0,
    engine: ServingEngine = VLLM,
) -> FloatArray:
    """Time of one decode step of ``batch`` sequences with ``context`` tokens each [s].

    ``params`` are the parameters in matrix multiplies a token uses and ``weights`` the
    bytes of those every token uses (both without an untied input embedding, which is
    looked up, not streamed); a mixture of experts adds its routed experts'
    ``expert_weights`` X, k/E of them per token (``expert_share``);
    ``kv_bytes_per_token`` is the whole replica's KV cache per token (copies included).

    C'      = C − (L_w / L) · max(C − W, 0)        (sliding-window layers hold ≤ W tokens)
    memory  = (W + X · (1 − (1 − k/E)^B) + B · C' · kv) / (tp · BW · efficiency)
    compute = (2 N + 4 · L · H·d · C') · B / (tp · peak · decode_mfu)
    step    = max(memory, compute) + overhead + L · layer_overhead
              + (tp > 1) · 2 L · (latency + 2 (tp−1)/tp · B · h · 2 bytes / interconnect)

    At B = 1 the step reads the weights a token uses (k/E of the experts); a large batch
    reads nearly all of them. ``attention_width`` is heads × head_dim; ``bandwidth``
    [bytes/s] and ``peak_flops`` [FLOP/s] are per GPU.
    """
    b, tp = as_float(batch), as_float(tensor_parallel)
    attended = attended_context(
        context=context, window_layers=window_layers, layers=layers, window=window
    )
    memory = decode_bytes(
        batch=b,
        context=attended,
        weights=weights,
        kv_bytes_per_token=kv_bytes_per_token,
        expert_weights=expert_weights,
        expert_share=expert_share,
    ) / (tp * as_float(bandwidth) * engine.bandwidth_efficiency)
    flops = decode_flops(
        batch=b, context=attended, params=params, layers=layers, attention_width=attention_width
    )
    compute = flops / (tp * as_float(peak_flops) * engine.decode_mfu)
    comm = _allreduce_seconds(b, hidden_size, layers, tp, interconnect, engine)
    return (
        np.maximum(memory, compute)
        + engine.step_overhead_s
        + as_float(layers) * engine.layer_overhead_s
        + comm
    )


def prefill_seconds(
    *,
    input_tokens: ArrayLike,
    cached_share: ArrayLike = 0.0,
    params: ArrayLike,
    layers: ArrayLike,
    attention_width: ArrayLike,
    hidden_size: ArrayLike,
    tensor_parallel: ArrayLike,
    peak_flops: ArrayLike,
    interconnect: ArrayLike,
    window_layers: ArrayLike = 0.0,
    window: ArrayLike = 0.0,
    engine: ServingEngine = VLLM,
) -> FloatArray:
    """GPU compute time to prefill one prompt of ``input_tokens`` tokens [s].

    With a share c of the prompt already in the prefix cache (a shared system prompt),
    only n = (1 − c) · I new tokens are computed, each attending to the whole prompt:
    compute = (2 N · n + 2 · L · H·d · n · (I + c · I)) / (tp · peak · prefill_mfu),
    which is 2 N I + 2 L H·d I² (causal attention) without caching; plus the
    tensor-parallel all-reduces. N is the parameters a token uses (a mixture of experts'
    active ones, its router included). In the ``window_layers`` sliding-window layers a
    token at position p attends to min(p, W) tokens, not p: their share of the attention
    term is the mean of min(p, W) over the new positions. Under load, prompts are
    prefilled in batches that share one read of the weights, so that read is not charged
    per request here (see :func:`weight_read_seconds` for a prompt alone).
    """
    i, tp = as_float(input_tokens), as_float(tensor_parallel)
    new = (1.0 - as_float(cached_share)) * i
    attention = (
        2.0 * as_float(layers) * as_float(attention_width) * new * (i + as_float(cached_share) * i)
    )
    attention = attention - 4.0 * as_float(window_layers) * as_float(
        attention_width
    ) * new * _beyond_window(as_float(cached_share) * i, i, as_float(window))
    flops = 2.0 * as_float(params) * new + attention
    compute = flops / (tp * as_float(peak_flops) * engine.prefill_mfu)
    comm = _allreduce_seconds(new, hidden_size, layers, tp, interconnect, engine)
    return compute + comm


def _beyond_window(start: FloatArray, end: FloatArray, window: FloatArray) -> FloatArray:
    """Mean over positions p in [start, end] of p − min(p, W): what a sliding window of W
    tokens saves per query position (W = 0: no window, nothing saved)."""
    w = np.minimum(window, end)

    def held(x: FloatArray) -> FloatArray:  # the integral of min(p, W) from 0 to x
        return np.where(x <= w, x * x / 2.0, w * x - w * w / 2.0)

    span = np.maximum(end - start, 1e-12)
    mean_held = (held(end) - held(start)) / span
    return np.where(window > 0, (start + end) / 2.0 - mean_held, 0.0)


def weight_read_seconds(
    *,
    weights: ArrayLike,
    tensor_parallel: ArrayLike,
    bandwidth: ArrayLike,
    expert_weights: ArrayLike = 0.0,
    expert_share: ArrayLike = 0.0,
    tokens: ArrayLike = 1.0,
    engine: ServingEngine = VLLM,
) -> FloatArray:
    """One read of the streamed weights from memory, each GPU its share [s]: the least
    time any forward pass takes, a lone short prompt's included. A pass over ``tokens``
    tokens reads the routed experts they touch (:func:`experts_touched`).

    >>> round(float(weight_read_seconds(weights=16e9, tensor_parallel=1, bandwidth=2e12)) * 1e3, 2)
    9.41
    """
    read = as_float(weights) + as_float(expert_weights) * experts_touched(
        tokens=tokens, expert_share=expert_share
    )
    return read / (as_float(tensor_parallel) * as_float(bandwidth) * engine.bandwidth_efficiency)


def _allreduce_seconds(
    tokens: FloatArray,
    hidden_size: ArrayLike,
    layers: ArrayLike,
    tp: FloatArray,
    interconnect: ArrayLike,
    engine: ServingEngine,
) -> FloatArray:
    """Two all-reduces per layer of tokens × hidden BF16 activations (ring algorithm)."""
    volume = 2.0 * (tp - 1.0) / tp * tokens * as_float(hidden_size) * 2.0
    per_layer = 2.0 * (engine.allreduce_latency_s + volume / as_float(interconnect))
    return np.where(tp > 1, as_float(layers) * per_layer, 0.0)


def replica_requests_per_s(
    *, prefill_s: ArrayLike, output_tokens: ArrayLike, step_s: ArrayLike, batch: ArrayLike
) -> FloatArray:
    """Requests per second one replica sustains at full load [requests/s].

    Each request costs its prefill plus its share of the decode steps it takes part in:
    1 / (prefill + O · step / B).

    >>> float(replica_requests_per_s(prefill_s=0.01, output_tokens=100, step_s=0.01, batch=100))
    50.0
    """
    b = as_float(batch)
    per_request = as_float(prefill_s) + as_float(output_tokens) * as_float(step_s) / np.maximum(
        b, 1e-12
    )
    return np.where(b >= 1, 1.0 / per_request, 0.0)
