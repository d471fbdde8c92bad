"""A model on a replica: its weights and KV cache in bytes (mixture-of-experts, sliding
windows and latent attention included), the batch the memory holds and the tensor
parallelism that fits it."""

from __future__ import annotations

from typing import Any

import numpy as np

from payback.catalog import Gpu, OpenModel
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.device import (
    device_scales,
    gpu_family,
    peak_flops,
    runnable_precisions,
    weight_read_share,
)
from payback.hardware.kernels import DENSE_LAYER_KERNELS, layer_kernels
from payback.hardware.kv_cache import KV_BYTES, kv_cache_dtype
from payback.hardware.serving import EXPERT_ONLY_PRECISIONS, PRECISIONS
from payback.hardware.shapes import (
    SHAPE_FIELDS,
    ParameterSplit,
    kv_bytes_per_token,
    parameter_split,
)

DECODE_ONLY = (
    "kv_bytes_per_token",
    "weights",
    "bandwidth",
    "expert_weights",
    "expert_share",
    "layer_kernel_ratio",
)
"""Keys of :func:`serving_shape` that decode steps use and prefill does not."""

PCIE_GEN4_BYTES_S = 32e9
TP_DEGREES = (1, 2, 4, 8)
"""Tensor-parallel degrees modelled: within one 8-GPU node."""
NODE_GPUS = max(TP_DEGREES)
"""The GPUs of one node (a replica's tensor parallelism stays within it)."""

MIN_AUTO_BATCH = 16
"""Automatic tensor parallelism picks the fewest GPUs whose KV cache holds at least this
many sequences at the workload's mean context (fewer GPUs leave too little room to batch)."""


def require_finite(name: str, value: float, low: float, inclusive: bool = True) -> None:
    """One line when ``value`` is not a finite number ≥ ``low`` (> with ``inclusive`` off)."""
    ok = np.isfinite(value) and (value >= low if inclusive else value > low)
    if not ok:
        raise PaybackError.bad(
            name, value, f"must be a finite number {'≥' if inclusive else '>'} {low:g}"
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


def check_precision(
    model: OpenModel, precision: str, gpu: Gpu | None = None, engine: sv.ServingEngine = sv.VLLM
) -> None:
    """One line when a weight format does not apply to the model (an expert-only format
    on a dense model), or (``gpu`` given) the GPU has no rate for it: the line names the
    formats the GPU runs that ``engine`` serves (the engine's own refusal comes later)."""
    if precision in EXPERT_ONLY_PRECISIONS and not model.is_moe:
        dense = (
            f"{precision} quantizes a mixture of experts' expert weights (as gpt-oss ships "
            f"them) and {model.id} is dense; use int4 for 4-bit weights"
        )
        raise PaybackError(
            f"{model.id} at {precision}: {dense}", param="precision", value=precision, allowed=dense
        )
    if gpu is not None:
        served = tuple(p for p in PRECISIONS if p in engine.precisions or p == precision)
        peak_flops(gpu, precision, served if precision in served else PRECISIONS)


def context_overflow(
    model: OpenModel, input_tokens: float, output_tokens: float
) -> PaybackError | None:
    """Why a request of ``input_tokens`` + ``output_tokens`` cannot run on ``model``: more
    tokens than its context holds (``max_position_embeddings``: positions past it are not
    trained, and engines refuse them); ``None`` when it fits. Token counts are means, so a
    mean past the context means requests past it."""
    limit = model.max_context
    if input_tokens + output_tokens <= limit:
        return None
    where = f"{model.id}'s context is {limit:,} tokens (max_position_embeddings)"
    if input_tokens >= limit:
        return PaybackError.bad(
            "input_tokens", input_tokens, f"{where}; a prompt of at most {limit - 1:,} tokens"
        )
    return PaybackError.bad(
        "output_tokens",
        output_tokens,
        f"{where}, and with {input_tokens:,.0f} input tokens a request "
        f"at most {limit - input_tokens:,.0f} more fit",
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


def model_kv_bytes_per_token(model: OpenModel, kv_cache: str) -> float:
    """KV cache of one token across all layers of one copy, as if every layer held the
    whole context [bytes] (GQA keys and values, or MLA's latent and rope key), in a cache
    of ``kv_cache`` elements (``bf16`` or ``fp8``: :func:`kv_cache_dtype`)."""
    return kv_bytes_per_token(
        layers=model.layers,
        kv_heads=model.kv_heads,
        head_dim=model.head_dim,
        kv_bytes=KV_BYTES[kv_cache],
        kv_lora_rank=model.kv_lora_rank,
        qk_rope_head_dim=model.qk_rope_head_dim,
    )


def attended_tokens(model: OpenModel, context: float) -> float:
    """Tokens of KV cache one sequence of ``context`` tokens holds, in full-layer
    equivalents (sliding-window layers hold at most their window). A cached prompt prefix
    (``cached_input_share``) counts in every sequence that holds it: conservative where
    concurrent sequences share one prefix, which vLLM's prefix caching holds once, so a
    memory-bound batch may be larger than estimated."""
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
      (``weights`` / 0.95); int4 on an HBM Ampere or Hopper GPU at a lower share that
      folds each matrix multiply's fixed time into the read
      (:func:`~payback.hardware.device.weight_read_share`, from a layer's whole int4
      weights: a mixture's step that reads every expert pays the whole time, one that
      reads few of them its share); they multiply at
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
    streamed = float(sv.weights_bytes(matmul_params - head, precision))
    read = weight_read_share(engine, gpu, precision, streamed / (model.layers * tp))
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
        weights = streamed / read + sv.weights_bytes(head, "bf16")
        expert_weights = 0.0
    width = model.heads * model.head_dim
    if model.is_mla:  # queries and keys of head_dim, values of v_head_dim
        width = model.heads * (model.head_dim + (model.v_head_dim or model.head_dim)) // 2
    kv_reads = 1.0
    if not engine.grouped_kv_reuse and not model.is_mla:
        kv_reads = model.heads / model.kv_heads
    bandwidth_scale, compute_scale = device_scales(engine, gpu, precision)  # as shown
    amd = gpu_family(gpu) == "cdna3"  # shared experts in series (kernels.py)
    return {
        "params": params,
        "weights": weights,
        "kv_bytes_per_token": model_kv_bytes_per_token(model, kv_cache_dtype(engine, precision))
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
        "layer_kernel_ratio": layer_kernels(model, shared_in_series=amd) / DENSE_LAYER_KERNELS,
    }


def kv_cache_tokens(
    model: OpenModel, gpu: Gpu, precision: str, tp: int, engine: sv.ServingEngine = sv.VLLM
) -> float:
    """Tokens of KV cache a replica of ``tp`` GPUs holds beside all the weights (KV heads
    copied when ``tp`` exceeds them), counted as tokens of every layer (a sequence holds
    :func:`attended_tokens` of them): the estimate's and recommend's memory limit."""
    per_token = model_kv_bytes_per_token(
        model, kv_cache_dtype(engine, precision)
    ) * _kv_replication(model, tp)
    return float(
        sv.kv_capacity_tokens(
            gpu_memory_bytes=gpu.memory_bytes,
            tensor_parallel=tp,
            weights=weight_bytes(model, precision),
            kv_bytes_per_token=per_token,
            engine=engine,
        )
    )


def _gpus_for(
    model: OpenModel, gpu: Gpu, precision: str, engine: sv.ServingEngine, context: float
) -> int:
    """The fewest GPUs whose memory holds the weights at ``precision`` and the KV cache of
    one sequence of ``context`` tokens (0: the weights alone): of the counts the heads
    split over, else, past one node, the fewest whose memory adds up to it (KV heads
    split, not copied)."""
    need = attended_tokens(model, context) if context > 0 else 0.0
    for tp in valid_tensor_parallel(model):
        room = kv_cache_tokens(model, gpu, precision, tp, engine)
        if room > 0 and room >= need:
            return tp
    usable = _usable_bytes(gpu, engine)
    if usable <= 0:
        return 10**6
    per_token = model_kv_bytes_per_token(model, kv_cache_dtype(engine, precision))
    least = int(np.ceil((weight_bytes(model, precision) + need * per_token) / usable))
    return max(least, NODE_GPUS + 1)


def _does_not_fit(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    tp: int,
    engine: sv.ServingEngine,
    context: float = 0.0,
) -> str:
    """Why ``tp`` GPUs cannot serve the model: its weights do not fit, or (``context``
    given) no sequence of ``context`` tokens fits in the KV cache beside them; then the
    fewest GPUs that hold the weights and one such sequence, at ``precision`` and at each
    lighter format the GPU and the engine run."""
    weights = weight_bytes(model, precision)
    room = kv_cache_tokens(model, gpu, precision, tp, engine)
    if context > 0 and room > 0:
        head = (
            f"{model.id} at {precision} on {tp} × {gpu.id}: no room for one sequence of "
            f"{context:,.0f} tokens in the KV cache ({room:,.0f} tokens fit)"
        )
    else:
        head = (
            f"{model.id} at {precision} has {weights / 1e9:,.0f} GB of weights; "
            f"{tp} × {gpu.id} hold {tp * _usable_bytes(gpu, engine) / 1e9:,.0f} GB usable"
        )

    def need(p: str) -> int:
        return _gpus_for(model, gpu, p, engine, context)

    parts = [
        head,
        f"it needs at least {need(precision):,} × {gpu.id} at {precision}"
        + (" (more than one node)" if need(precision) > NODE_GPUS else ""),
    ]
    runs = runnable_precisions(gpu, experts=model.is_moe)  # the GPU has a peak for them
    lighter = [
        p
        for p in PRECISIONS
        if weight_bytes(model, p) < weights and p in runs and p in engine.precisions
    ]
    parts += [f"{need(p):,} at {p}" for p in lighter]
    node = NODE_GPUS
    if lighter and need(precision) > node:
        one_node = [p for p in lighter if need(p) <= node]
        parts.append(
            f"one node of {node} holds it at {', '.join(one_node)} only"
            if one_node
            else f"none of these fits one node of {node} GPUs (a replica's tensor parallelism)"
        )
    return "; ".join(parts)


def mlp_widths(model: OpenModel) -> list[tuple[str, int]]:
    """The MLP widths tensor parallelism splits, by their config name: the dense MLP's
    ``intermediate_size`` where the model has dense MLP layers (all of a dense model's,
    a mixture's first ``layers − moe_layers``), each expert's ``moe_intermediate_size``
    (a shared expert's is a multiple of it)."""
    out: list[tuple[str, int]] = []
    dense = not model.is_moe or (model.moe_layers or model.layers) < model.layers
    if dense:
        out.append(("intermediate_size", model.intermediate_size))
    if model.is_moe and model.moe_intermediate_size is not None:
        out.append(("moe_intermediate_size", model.moe_intermediate_size))
    return out


def heads_tensor_parallel(model: OpenModel) -> list[int]:
    """TP degrees that split the model's attention heads evenly."""
    return [
        tp
        for tp in TP_DEGREES
        if model.heads % tp == 0 and (model.kv_heads % tp == 0 or tp % model.kv_heads == 0)
    ]


def valid_tensor_parallel(model: OpenModel) -> list[int]:
    """TP degrees that split the model's attention heads and its MLP widths
    (:func:`mlp_widths`) evenly: vLLM's and SGLang's column-parallel layers and fused
    experts shard a width only when the GPUs divide it (vLLM's ``divide`` asserts it), so
    an intermediate size of 14,337 runs on one GPU only."""
    widths = [w for _, w in mlp_widths(model)]
    return [tp for tp in heads_tensor_parallel(model) if all(w % tp == 0 for w in widths)]


def _counts(counts: list[int]) -> str:
    """GPU counts in words: '1 GPU', '1 or 2 GPUs', '1, 2 or 4 GPUs'."""
    if len(counts) == 1:
        return f"{counts[0]} GPU" + ("s" if counts[0] != 1 else "")
    return f"{', '.join(map(str, counts[:-1]))} or {counts[-1]} GPUs"


def tensor_parallel_refusal(model: OpenModel, tp: int) -> str:
    """What is allowed instead of ``tp`` GPUs a replica, in words: the heads' split, or
    the MLP width that the GPUs do not divide, its value and the counts that do."""
    heads = heads_tensor_parallel(model)
    valid = ", ".join(map(str, valid_tensor_parallel(model)))
    if tp in heads:
        for name, width in mlp_widths(model):
            if width % tp:
                divide = _counts([d for d in TP_DEGREES if width % d == 0])
                return (
                    f"{model.id}'s {name} {width:,} does not split evenly over {tp} GPUs "
                    f"(vLLM and SGLang shard it evenly), over {divide} only; a replica of "
                    f"{_counts(valid_tensor_parallel(model))} runs the model"
                )
    return (
        f"{model.id} ({model.heads} heads, {model.kv_heads} KV heads) "
        f"splits over {valid} GPUs in one node"
    )


def choose_tensor_parallel(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    mean_context: float,
    engine: sv.ServingEngine = sv.VLLM,
) -> int:
    """The fewest GPUs (1, 2, 4, 8) whose KV cache holds :data:`MIN_AUTO_BATCH` sequences of
    ``mean_context`` tokens (or the engine's limit if lower); else the fewest that fit one;
    else one line: the weights do not fit, or they do and one sequence does not, and the
    GPUs each format needs for one sequence (:func:`_does_not_fit`)."""
    candidates = valid_tensor_parallel(model)
    target = min(MIN_AUTO_BATCH, engine.max_num_seqs)
    attended = attended_tokens(model, mean_context)
    for wanted in (target, 1):
        for tp in candidates:
            if kv_cache_tokens(model, gpu, precision, tp, engine) >= wanted * attended:
                return tp
    raise PaybackError(_does_not_fit(model, gpu, precision, max(candidates), engine, mean_context))
