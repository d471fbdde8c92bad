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

from typing import Literal, get_args

import numpy as np

from payback.finance._types import ArrayLike, FloatArray, as_float

# the engines (:mod:`payback.hardware.engines`), still named from here
from payback.hardware.engines import ENGINE_NAMES as ENGINE_NAMES
from payback.hardware.engines import ENGINES as ENGINES
from payback.hardware.engines import LEAN as LEAN
from payback.hardware.engines import SGLANG as SGLANG
from payback.hardware.engines import TRTLLM as TRTLLM
from payback.hardware.engines import VLLM as VLLM
from payback.hardware.engines import Engine as Engine
from payback.hardware.engines import ServingEngine as ServingEngine

Precision = Literal["bf16", "fp8", "int8", "int4", "mxfp4"]
"""Serving precisions of the weights."""
PRECISIONS: tuple[str, ...] = get_args(Precision)

EXPERT_ONLY_PRECISIONS: tuple[str, ...] = ("mxfp4",)
"""Formats that quantize a mixture of experts' expert weights only, the rest kept in
BF16: gpt-oss ships its experts in MXFP4, and vLLM's MXFP4 method quantizes the fused MoE
layers alone. A dense model has no weights they apply to."""

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
weight-only: the kernels dequantize them to 16 bits (:data:`DEQUANT`)."""

FP8_COMPUTE = 0.75
"""Share of the 8-bit tensor peak (FP8, or INT8 for W8A8) an 8-bit matrix multiply
reaches relative to a BF16 one of the BF16 peak: attention stays in 16 bits and 8-bit
GEMMs need scaling and conversions, so prefill in 8 bits is well under twice BF16's. TensorRT-LLM's
first-token latencies of Llama-2-7B and 70B on H100 in FP8 (36 and 109 ms at 2,048 tokens,
NVIDIA/TensorRT-LLM docs/source/performance.md) are 0.75× what twice the BF16 rate gives
(docs/accuracy.md marks them as the rows this factor was set from)."""

WEIGHT_ONLY: tuple[str, ...] = ("int4", "mxfp4")
"""Formats whose weights are dequantized to 16 bits inside the matrix multiplications
(W4A16): their arithmetic runs at the BF16 peak."""

DEQUANT_BANDWIDTH = 0.95
"""Share of the 16-bit kernels' bandwidth a weight-only kernel keeps when memory-bound:
Marlin's W4A16 GEMM reaches about 3.87× FP16's speed at batch 1-16 of the ideal 4×
("MARLIN: Mixed-Precision Auto-Regressive Parallel Inference on Large
Language Models", arXiv:2408.11743, fig. 1): unpacking and scaling in registers hides
behind the memory reads almost entirely, on a large matrix on an A10. On the HBM GPUs a
matrix multiply adds a fixed time beside
(:data:`payback.hardware.device.DEQUANT_GEMM_SECONDS`)."""

DEQUANT_COMPUTE: dict[str, float] = {"int4": 1.0, "mxfp4": 0.3}
"""Share of the BF16 tensor rate a weight-only matrix multiply keeps when compute-bound
on a GPU without tensor cores for the format. int4 (dense, Marlin): 1.0, no slower than
FP16 at large batches (arXiv:2408.11743, fig. 1). MXFP4 experts on Hopper (gpt-oss):
the grouped expert GEMMs upcast every 4-bit block to BF16 in the main loop for the few
tokens each expert gets, 0.3 of the BF16 rate: what the TensorRT-LLM perf overview's
gpt-oss rows on H100/H200 imply (docs/accuracy.md marks them as the rows this factor was
set from). Blackwell multiplies 4-bit blocks natively: no cost there."""


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
    prefill_compute_s: ArrayLike = 0.0,
    prefill_tokens: ArrayLike = 0.0,
    layer_kernel_ratio: ArrayLike = 1.0,
    engine: ServingEngine = VLLM,
) -> FloatArray:
    """Time of one decode step of ``batch`` sequences with ``context`` tokens each [s].

    A mixed step (chunked prefill) also computes ``prefill_tokens`` prompt tokens, whose
    matrix multiplications take ``prefill_compute_s`` at the prefill utilisation: they
    add to the step's compute, which overlaps the step's memory reads, to its
    all-reduces, and (P of them) to the tokens that reach a mixture's experts.

    ``params`` are the parameters in matrix multiplies a token uses and ``weights`` the
    bytes of those every token uses (both without an untied input embedding, which is
    looked up, not streamed); a mixture of experts adds its routed experts'
    ``expert_weights`` X, k/E of them per token (``expert_share``);
    ``kv_bytes_per_token`` is the whole replica's KV cache per token (copies included).

    C'      = C − (L_w / L) · max(C − W, 0)        (sliding-window layers hold ≤ W tokens)
    memory  = ((W + X · (1 − (1 − k/E)^(B+P))) / efficiency + B · C' · kv / kv_efficiency)
              / (tp · BW)
    compute = (2 N + 4 · L · H·d · C') · B / (tp · peak · decode_mfu)
    step    = max(memory, compute + prefill) + overhead + L · layer_overhead · r
              + (tp > 1) · 2 L · (latency + 2 (tp−1)/tp · (B + P) · h · 2 bytes / interconnect)

    At B = 1 the step reads the weights a token uses (k/E of the experts); a large batch
    reads nearly all of them. ``attention_width`` is heads × head_dim; ``bandwidth``
    [bytes/s] and ``peak_flops`` [FLOP/s] are per GPU. r (``layer_kernel_ratio``) is a
    layer's kernels over a dense layer's (:func:`payback.hardware.kernels.layer_kernels`).
    """
    b, tp = as_float(batch), as_float(tensor_parallel)
    attended = attended_context(
        context=context, window_layers=window_layers, layers=layers, window=window
    )
    streamed = decode_bytes(  # the prompt tokens a step carries reach experts too
        batch=b + as_float(prefill_tokens),
        context=0.0,
        weights=weights,
        kv_bytes_per_token=kv_bytes_per_token,
        expert_weights=expert_weights,
        expert_share=expert_share,
    )
    cache = b * attended * as_float(kv_bytes_per_token)
    memory = (streamed / engine.bandwidth_efficiency + cache / engine.kv_bandwidth_efficiency) / (
        tp * as_float(bandwidth)
    )
    flops = decode_flops(
        batch=b, context=attended, params=params, layers=layers, attention_width=attention_width
    )
    compute = flops / (tp * as_float(peak_flops) * engine.decode_mfu) + as_float(prefill_compute_s)
    comm = _allreduce_seconds(
        b + as_float(prefill_tokens), hidden_size, layers, tp, interconnect, engine
    )
    layer_s = as_float(layers) * engine.layer_overhead_s * as_float(layer_kernel_ratio)
    return np.maximum(memory, compute) + engine.step_overhead_s + layer_s + comm


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
    with_allreduce: bool = True,
) -> FloatArray:
    """GPU compute time to prefill one prompt of ``input_tokens`` tokens [s] (its
    matrix multiplications alone with ``with_allreduce`` off).

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
    if not with_allreduce:
        return compute
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


def mixed_batch(
    *, batch: ArrayLike, new_input_tokens: ArrayLike, output_tokens: ArrayLike, budget: ArrayLike
) -> FloatArray:
    """Sequences running together when prompts are chunked into decode steps under a token
    budget (chunked prefill): in steady state each request brings n new prompt tokens over
    its O steps, so a step of B sequences carries B · (1 + n/O) tokens; at most the
    budget, B ≤ budget / (1 + n/O). ``budget`` ∞ leaves ``batch`` as it is.

    >>> float(mixed_batch(batch=256, new_input_tokens=2048, output_tokens=128, budget=2048))
    120.47058823529412
    """
    per_sequence = 1.0 + as_float(new_input_tokens) / np.maximum(as_float(output_tokens), 1.0)
    return np.minimum(as_float(batch), as_float(budget) / per_sequence)


def chunk_step_share(
    *, prompts_per_step: ArrayLike, new_input_tokens: ArrayLike, room: ArrayLike
) -> FloatArray:
    """Share of decode steps that carry prompt tokens when the scheduler takes a waiting
    prompt in as few steps as the token budget allows (vLLM's and TensorRT-LLM's
    first-come chunked prefill: the whole prompt when it fits the room the decode tokens
    leave, else chunks that fill that room, the last one's leftover room taken by the
    next prompt's first chunk): each prompt fills k = max(1, n / room) steps' room, r
    prompts arrive a step, so f = min(1, r · k) and the other steps decode only. (Not
    ⌈n / room⌉ even chunks: a prompt one token past the room would then ride on two
    steps of half a prompt each, hidden in their memory reads, and a longer prompt would
    serve more requests.)

    At f = 1 every step carries prompt tokens, spread evenly. At small f a few steps carry
    a whole prompt each and turn compute-bound, their decode reads hidden inside them,
    while the rest stay memory-bound: the mean step is then about the decode step plus
    the prompts' whole compute, not the larger of the two. Under load this is what the
    published closed-loop sweeps show (docs/accuracy.md, latency under load): the time
    per output token grows with the prompt tokens served by their full compute time.

    >>> round(float(chunk_step_share(prompts_per_step=0.16, new_input_tokens=256, room=2032)), 6)
    0.16
    >>> float(chunk_step_share(prompts_per_step=0.5, new_input_tokens=20000, room=7000))
    1.0
    """
    k = np.maximum(1.0, as_float(new_input_tokens) / np.maximum(as_float(room), 1.0))
    return np.clip(as_float(prompts_per_step) * k, 0.0, 1.0)


def mixed_requests_per_s(
    *, batch: ArrayLike, output_tokens: ArrayLike, step_s: ArrayLike
) -> FloatArray:
    """Requests per second of a replica whose steps carry both prompt chunks and decode
    tokens: B sequences finish one output token a step, a request needs O of them,
    B / (O · step).

    >>> float(mixed_requests_per_s(batch=100, output_tokens=100, step_s=0.02))
    50.0
    """
    b = as_float(batch)
    return np.where(b > 0, b / (as_float(output_tokens) * as_float(step_s)), 0.0)


def queue_wait(*, busy: ArrayLike, service_s: ArrayLike) -> FloatArray:
    """Mean wait before service in an M/D/1 queue (Poisson arrivals, a fixed service
    time): ρ / (2 (1 − ρ)) · service (Pollaczek–Khinchine), ρ the share of time the server
    is busy, held below 0.99.

    >>> float(queue_wait(busy=0.5, service_s=0.1))
    0.05
    """
    rho = np.clip(as_float(busy), 0.0, 0.99)
    return rho / (2.0 * (1.0 - rho)) * as_float(service_s)
