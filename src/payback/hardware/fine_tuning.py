"""The fine-tuning estimate for catalog models on catalog GPUs: compute, memory, time and
cost.

It binds catalog records to the pure formulas in :mod:`payback.hardware.training` and
:mod:`payback.hardware.training_memory`: the GPUs a run needs from memory, its time from
the peak × MFU, its cost × runs; and says why a configuration cannot work.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from payback.catalog import Gpu, OpenModel, offer_source, typical_gpu_price
from payback.errors import PaybackError
from payback.hardware import training as tr
from payback.hardware import training_memory as tm
from payback.hardware.estimate import model_parameters, peak_flops, require_finite

__all__ = ["MAX_TRAINING_TOKENS", "TrainingEstimate", "estimate_training", "too_many_tokens"]

DEFAULT_EPOCHS = 3.0
"""Passes over the dataset unless given: a scenario's ``one_time.training`` job's and
``payback estimate training``'s default (checked equal by a test), so that the same job
costs the same from the library."""
MAX_EPOCHS = 100.0
"""The most passes over the dataset a run makes: a scenario's ``one_time.training.epochs``
bound (checked equal by a test)."""
MAX_TRAINING_TOKENS = 1e15
"""Tokens a run processes (dataset × epochs), at most: beyond it a number is a typo, and
its time and cost would overflow."""


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
    active_params_b: float | None = None
    """Parameters a token uses [billions] (a mixture of experts'): the FLOPs count them;
    memory holds all ``params``."""
    adapters: str | None = None
    """Where the LoRA/QLoRA adapters go, and their trainable parameters."""
    epochs: float = DEFAULT_EPOCHS
    """Passes over the dataset: ``tokens`` is its tokens × this."""
    max_gpus: int = 0
    """The most GPUs the run can use: data parallelism gives each GPU at least one sequence
    (micro-batch) a step, so no more GPUs than the run has sequences (or than its memory
    needs)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def estimate_training(
    model: OpenModel,
    gpu: Gpu,
    method: str = "lora",
    *,
    tokens: float,
    epochs: float = DEFAULT_EPOCHS,
    runs: int = 1,
    precision: str = "bf16",
    stack: str = "standard",
    gpus: int | None = None,
    tokens_per_micro_batch: float = 4096.0,
    usd_per_gpu_hour: float | None = None,
    mfu_scale: float = 1.0,
) -> TrainingEstimate:
    """FLOPs = k · N · tokens · epochs; GPUs from memory; time from peak × MFU; cost × runs.

    ``tokens`` are the dataset's, ``epochs`` the passes over it: 3 unless given, as a
    scenario's ``one_time.training`` job and ``payback estimate training`` take them (the
    library had taken 1, a third of the same job).

    A mixture of experts holds all its parameters (weights, and with full fine-tuning
    their gradients and optimizer states) but computes with its active ones: N is the
    active count (the router included), and the utilization is that of a model of that
    size. ``mfu_scale`` multiplies the utilization: a calibration's measured throughput
    over the estimate's (``training_mfu_ratio``).

    The ``unsloth`` stack trains on one GPU, LoRA or QLoRA in BF16, its utilisation from
    :func:`~payback.hardware.training.unsloth_mfu` (the host's fixed time a layer, QLoRA's
    dequantisation and the GPU's kernel attainment); a job that needs more GPUs, full
    fine-tuning or FP8 is refused in one line."""
    _check_training_inputs(method, stack, gpus, usd_per_gpu_hour, tokens, epochs, runs)
    _check_stack(stack, method, precision, gpus)
    _check_method_precision(method, precision)
    peak = peak_flops(gpu, precision, tr.TRAINING_PRECISIONS)
    active = _active_parameters(model)
    processed = tokens * epochs
    needed, per_gpu_memory, most = _training_gpus(
        model, gpu, method, stack, gpus, tokens_per_micro_batch, processed
    )
    flops = tr.training_flops(active, processed, method)
    require_finite("mfu_scale", mfu_scale, 0.0, inclusive=False)
    if stack == "unsloth":
        most = tr.STACK_MAX_GPUS[stack]
        if needed > most:
            raise PaybackError(
                f"stack 'unsloth' trains on one GPU; {method} fine-tuning of {model.id} needs "
                f"{needed} × {gpu.id}: use a GPU with more memory, QLoRA, or stack standard"
            )
        base = tr.unsloth_mfu(
            params=active,
            layers=model.layers,
            method=method,
            peak_flops=peak,
            bandwidth=gpu.memory_bandwidth_gb_s * 1e9,
            attainment=tr.kernel_attainment(gpu, stack),
            tokens_per_micro_batch=tokens_per_micro_batch,
        )
    else:
        base = tr.training_mfu(method, active, needed, stack)
    mfu = min(1.0, base * mfu_scale)
    seconds = tr.training_seconds(flops, needed, peak, mfu)
    price, price_source = _training_price(gpu, usd_per_gpu_hour)
    gpu_hours = seconds / 3600.0 * needed
    return TrainingEstimate(
        model=model.id,
        gpu=gpu.id,
        method=method,
        precision=precision,
        stack=stack,
        tokens=processed,
        epochs=epochs,
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
        price_source=price_source,
        active_params_b=active / 1e9 if model.is_moe else None,
        adapters=None if method == "full" else adapter_placement(model),
        max_gpus=most,
    )


def _active_parameters(model: OpenModel) -> float:
    """Parameters a token uses [count]: all of a dense model's; a mixture of experts'
    total less the routed experts a token skips, (1 − k/E) of them."""
    n = model.params_b * 1e9
    if not model.is_moe:
        return n
    split = model_parameters(model)
    return n - split.routed_experts * (1.0 - split.expert_share)


def adapter_parameters(model: OpenModel, rank: int = 16) -> float:
    """Parameters of a LoRA adapter of rank ``rank`` where :func:`adapter_placement` puts
    them (every linear layer; a mixture of experts' experts; latent attention's
    projections): what a fine-tuning run trains and a multi-adapter server holds."""
    moe_layers = (model.moe_layers or model.layers) if model.is_moe else 0
    attention = None
    if model.is_mla:
        h, heads, d = model.hidden_size, model.heads, model.head_dim
        rope, v = model.qk_rope_head_dim or 0, model.v_head_dim or d
        kv_lora = model.kv_lora_rank or 0
        query = (
            ((h, heads * d),)
            if model.q_lora_rank is None
            else ((h, model.q_lora_rank), (model.q_lora_rank, heads * d))
        )
        attention = (
            *query,
            (h, kv_lora + rope),
            (kv_lora, heads * (d - rope + v)),
            (heads * v, h),
        )
    return tr.lora_parameters(
        rank=rank,
        layers=model.layers,
        hidden_size=model.hidden_size,
        intermediate_size=model.intermediate_size,
        heads=model.heads,
        kv_heads=model.kv_heads,
        head_dim=model.head_dim,
        experts=model.experts or 0,
        shared_experts=model.shared_experts,
        moe_intermediate_size=model.moe_intermediate_size or 0,
        moe_layers=moe_layers,
        attention_matrices=attention,
    )


def layer_parameters(model: OpenModel) -> float:
    """Parameters of the model's largest decoder layer [count], from its shape: attention
    and two norms, with the dense MLP or, in an MoE layer, every routed and shared expert
    and the router (what sharded data parallelism gathers at once,
    :func:`~payback.hardware.training_memory.gathered_bytes`)."""
    split = model_parameters(model)
    layers = model.layers
    moe = 0 if not model.is_moe else (layers if model.moe_layers is None else model.moe_layers)
    common = (split.attention + split.norms - model.hidden_size) / layers
    dense = split.dense_mlp / (layers - moe) if layers > moe else 0.0
    experts = (split.routed_experts + split.shared_experts + split.router) / moe if moe else 0.0
    return common + max(dense, experts)


def root_parameters(model: OpenModel) -> float:
    """Parameters of FSDP's root unit once each decoder layer is wrapped [count]: the
    embedding, the output projection (none of its own when tied: one matrix, counted once)
    and the final norm (what :data:`~payback.hardware.training_memory.FSDP_ROOT_BYTES` holds whole).

    Llama-3.1-8B, untied: 2 × 128,256 × 4,096 + 4,096 = 1,050,677,248."""
    split = model_parameters(model)
    return float(split.embedding + split.unembedding + model.hidden_size)


def adapter_placement(model: OpenModel) -> str:
    """Where LoRA adapters (rank 16) go on this model, and how many parameters they train."""
    count = f"{adapter_parameters(model) / 1e6:,.0f}M trainable parameters"
    if not model.is_moe:
        return f"rank 16 on every attention and MLP projection: {count}"
    experts = f"{model.experts} routed" + (
        f" and {model.shared_experts} shared" if model.shared_experts else ""
    )
    return (
        f"rank 16 on every attention projection and on the gate, up and down projections of "
        f"all {experts} experts in each MoE layer (not the router): {count}, all held in "
        "memory although a token trains only its experts'"
    )


def _check_training_inputs(
    method: str,
    stack: str,
    gpus: int | None,
    usd_per_gpu_hour: float | None,
    tokens: float,
    epochs: float,
    runs: int,
) -> None:
    """One line for the first input :func:`estimate_training` cannot use."""
    if method not in tr.METHODS:
        raise PaybackError.bad("method", method, f"unknown; allowed: {', '.join(tr.METHODS)}")
    if stack not in tr.STACKS:
        raise PaybackError.bad("stack", stack, f"unknown; allowed: {', '.join(tr.STACKS)}")
    if gpus is not None and gpus < 1:
        raise PaybackError.bad("gpus", gpus, "must be ≥ 1")
    if usd_per_gpu_hour is not None:
        require_finite("usd_per_gpu_hour", usd_per_gpu_hour, 0.0)
    for name, value in (("tokens", tokens), ("epochs", epochs)):
        if not np.isfinite(value) or value <= 0:
            raise PaybackError.bad(name, value, "must be a finite number > 0")
    if epochs > MAX_EPOCHS:
        raise PaybackError.bad(
            "epochs", epochs, f"must be ≤ {MAX_EPOCHS:g}, as in a scenario's training job"
        )
    if tokens * epochs < 1:
        raise PaybackError(
            f"tokens × epochs = {tokens * epochs:.3g}: a run processes at least one token"
        )
    if (words := too_many_tokens(tokens * epochs)) is not None:
        raise PaybackError(words)
    if runs < 1:
        raise PaybackError.bad("runs", runs, "must be ≥ 1")


def too_many_tokens(tokens: float) -> str | None:
    """Why a run of ``tokens`` (examples × tokens × epochs) is refused, on rented GPUs or as
    a hosted job alike; None within :data:`MAX_TRAINING_TOKENS`.

    >>> too_many_tokens(1e19)
    'tokens × epochs = 1×10¹⁹: at most 1,000,000,000,000,000 tokens a run (far beyond any pre-training run)'
    >>> too_many_tokens(1e15) is None
    True
    """
    from payback.figures import limit_text

    if tokens <= MAX_TRAINING_TOKENS:
        return None
    return (
        f"tokens × epochs = {limit_text(tokens)}: at most {limit_text(MAX_TRAINING_TOKENS)} "
        "tokens a run (far beyond any pre-training run)"
    )


def _check_stack(stack: str, method: str, precision: str, gpus: int | None) -> None:
    """One line for what the ``unsloth`` stack does not run (its factors are set on
    single-GPU LoRA and QLoRA in BF16)."""
    if stack != "unsloth":
        return
    if method == "full":
        raise PaybackError.bad(
            "method", method, "lora or qlora with stack 'unsloth' (its factors are set on them)"
        )
    if precision != "bf16":
        raise PaybackError.bad("precision", precision, "bf16 with stack 'unsloth'")
    if gpus is not None and gpus > tr.STACK_MAX_GPUS[stack]:
        raise PaybackError.bad("gpus", gpus, "1 with stack 'unsloth' (a single-GPU trainer)")


def _check_method_precision(method: str, precision: str) -> None:
    """One line for a precision the method does not train at
    (:data:`~payback.hardware.training.METHOD_PRECISIONS`): QLoRA at FP8."""
    allowed = tr.METHOD_PRECISIONS.get(method)
    if allowed is not None and precision in tr.TRAINING_PRECISIONS and precision not in allowed:
        raise PaybackError.bad(
            "precision",
            precision,
            f"{' or '.join(allowed)} with method {method!r}: QLoRA dequantizes its 4-bit weights "
            "to BF16 for its matrix multiplications and has no FP8 path (lora or full train "
            "at fp8)",
        )


def _training_gpus(
    model: OpenModel,
    gpu: Gpu,
    method: str,
    stack: str,
    gpus: int | None,
    tokens_per_micro_batch: float,
    processed: float,
) -> tuple[int, float, int]:
    """The GPUs a run uses (the fewest that hold it, or ``gpus`` when they do), the memory
    each needs [bytes] and the most it can use; one line when they cannot hold it, or when
    ``gpus`` is more than the run can keep busy: data parallelism gives each GPU at least
    one sequence of ``tokens_per_micro_batch`` a step, so a run of ``processed`` tokens uses
    at most processed / tokens_per_micro_batch GPUs (or the fewest its memory needs)."""
    n = model.params_b * 1e9
    adapters = adapter_parameters(model)
    width = model.intermediate_size
    if model.is_moe:  # the MLP width a token passes through in an MoE layer
        moe_width = (model.experts_per_token or 0) + model.shared_experts
        moe_width *= model.moe_intermediate_size or 0
        width = moe_width if model.moe_layers in (None, model.layers) else max(width, moe_width)
    activations = tm.activation_bytes(
        tokens_per_micro_batch=tokens_per_micro_batch,
        layers=model.layers,
        hidden_size=model.hidden_size,
        intermediate_size=width,
        vocab_size=model.vocab_size,
    )
    memory: dict[str, Any] = {
        "params": n,
        "method": method,
        "adapter_params": adapters,
        "activations": activations,
        "layer_params": layer_parameters(model),
        "root_params": root_parameters(model),
        "stack": stack,
    }
    needed = tm.gpus_needed(gpu_memory_bytes=gpu.memory_bytes, **memory)
    if needed is None:
        raise PaybackError(_does_not_fit(model, gpu, memory))
    sequences = math.floor(processed / tokens_per_micro_batch)
    most = max(needed, sequences)
    if gpus is not None:
        if gpus > most:
            raise PaybackError.bad(
                "gpus", gpus, _gpus_past(most, needed, sequences, tokens_per_micro_batch, processed)
            )
        if gpus < needed:
            per_gpu = tm.training_memory_per_gpu(gpus=gpus, **memory)
            raise PaybackError(
                f"{method} fine-tuning of {model.id} needs {per_gpu / 2**30:,.0f} GiB per GPU on {gpus:,} × {gpu.id} "
                f"({gpu.memory_bytes / 2**30:,.0f} GiB each); it needs at least {needed:,} GPUs"
            )
        needed = gpus
    split = None
    if stack == "optimized":  # Megatron: weights over the fewest GPUs that fit, data parallel
        split = tm.model_parallel_gpus(
            gpus=needed,
            gpu_memory_bytes=gpu.memory_bytes,
            **{
                k: memory[k]
                for k in ("params", "method", "adapter_params", "activations", "root_params")
            },
        )
    per_gpu_memory = tm.training_memory_per_gpu(gpus=needed, model_parallel=split, **memory)
    return needed, per_gpu_memory, most


def _gpus_past(
    most: int, needed: int, sequences: int, tokens_per_micro_batch: float, processed: float
) -> str:
    """Why a run of ``processed`` tokens (``sequences`` whole sequences of
    ``tokens_per_micro_batch``) keeps at most ``most`` GPUs busy: its sequences, or the
    fewest GPUs that hold it (``needed``) where it has fewer sequences than those."""
    each = (
        f"data parallelism gives each GPU at least one sequence of "
        f"{tokens_per_micro_batch:,.0f} tokens a step"
    )
    run = f"the run's {processed:,.0f} tokens (tokens × epochs)"
    such = "such sequence" if sequences == 1 else "such sequences"
    if sequences >= needed:
        return f"at most {most:,} for this run: {each}, and {run} make {sequences:,} {such}"
    fill = "less than one such sequence" if sequences == 0 else f"only {sequences:,} {such}"
    held = "the one GPU that holds it" if needed == 1 else f"the {needed:,} GPUs that hold it"
    return f"at most {most:,} for this run, {held}: {each}, and {run} fill {fill}"


def _does_not_fit(model: OpenModel, gpu: Gpu, memory: dict[str, Any]) -> str:
    """Why a job (``memory``: :func:`~payback.hardware.training_memory.gpus_needed`'s inputs)
    fits on no count of GPUs, and which lighter methods (those not tried: fewer bytes a
    parameter) fit, on how many."""
    method = memory["method"]
    fits = []
    for other in tr.METHODS:
        if tm.BYTES_PER_PARAM_STATE[other] >= tm.BYTES_PER_PARAM_STATE[method]:
            continue
        count = tm.gpus_needed(gpu_memory_bytes=gpu.memory_bytes, **{**memory, "method": other})
        if count is not None:
            fits.append(f"{other} fits on {count} × {gpu.id}")
    return f"{method} fine-tuning of {model.id} does not fit on 64 × {gpu.id}; " + (
        f"{', '.join(fits)}; or use GPUs with more memory" if fits else "use GPUs with more memory"
    )


def _training_price(gpu: Gpu, usd_per_gpu_hour: float | None) -> tuple[float | None, str | None]:
    """The price of a GPU-hour (the one given, else the catalog's typical one) and its source."""
    if usd_per_gpu_hour is not None:
        return usd_per_gpu_hour, "given"
    record = typical_gpu_price(gpu)
    if record is None:
        return None, None
    return record.usd_per_gpu_hour, offer_source(record)
