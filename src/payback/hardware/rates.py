"""A replica's step at a batch under load (prompt chunks riding on decode steps, or prompts
prefilled apart) and the capacity and unloaded first token it gives: the core that
:mod:`payback.hardware.load`'s latencies under load, ``estimate serving`` and
``recommend``'s search all price capacity with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from payback.hardware import serving as sv
from payback.hardware.prompts import own_prefill_seconds, prompt_parts, prompt_service_seconds


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
    """Time to the first token of a request arriving alone: with mixed steps its prompt's
    steps (:func:`~payback.hardware.prompts.prompt_service_seconds` with nothing else
    decoding); without, its prefill (or one read of the weights, whichever is longer)
    and one decode step; then the engine's time a request outside its steps."""
    running: Any
    """Sequences running together at full load: the batch, or fewer when the token
    budget of a step holds no more (:func:`payback.hardware.serving.mixed_batch`)."""


def mixed_step(
    args: dict[str, Any],
    running: Any,
    per_step: Any,
    *,
    mean_context: float,
    compute: Any,
    new: Any,
    budget: Any,
    engine: sv.ServingEngine,
) -> Any:
    """Mean seconds a step of ``running`` sequences B decoding under a token ``budget``
    while ``per_step`` prompts r of n = ``new`` tokens each (``compute`` seconds of matrix
    work) arrive a step: the share f of the steps that carry prompt chunks
    (:func:`~payback.hardware.serving.chunk_step_share`, the room budget − B), each carrying
    r · n / f of those tokens, the others decoding only: f · carrying + (1 − f) · decode."""
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
    return share * carrying + (1.0 - share) * plain


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
    prefill, compute, new = prompt_parts(args, input_tokens, cached_share, engine)
    budget = np.asarray(budget, dtype=np.float64)
    if not np.any(np.isfinite(budget)):
        step = sv.decode_step_seconds(batch=batch, context=mean_context, engine=engine, **args)
        return np.asarray(batch, dtype=np.float64), step, prefill
    running = sv.mixed_batch(
        batch=batch, new_input_tokens=new, output_tokens=output_tokens, budget=budget
    )
    at = {"mean_context": mean_context, "budget": budget, "engine": engine}
    per_step = running / max(output_tokens, 1.0)
    mixed = mixed_step(args, running, per_step, compute=compute, new=new, **at)
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
    alone = own_prefill_seconds(args, prefill, input_tokens, engine)
    first_step = sv.decode_step_seconds(batch=1.0, context=prompt, engine=engine, **args)
    # mixed steps: the prompt's chunks ride on steps of an idle replica, the last one's
    # sampling giving the first token, as under load (latency_at_utilization) as the
    # load goes to nothing
    riding = prompt_service_seconds(
        args,
        0.0,
        mean_context=prompt,
        input_tokens=input_tokens,
        cached_share=cached_share,
        budget=budget,
        engine=engine,
    )
    return ReplicaRates(
        load_step_s=step,
        prefill_s=prefill,
        requests_per_s=rps,
        ttft_s=np.where(
            np.isfinite(np.asarray(budget, dtype=np.float64)), riding, alone + first_step
        )
        + engine.request_overhead_s,
        running=running,
    )
