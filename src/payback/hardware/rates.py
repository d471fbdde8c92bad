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
    """The time per output token at full load [s]: a decode step at the mean context, with
    its share of prompt chunks when the engine mixes them in, as a decoding sequence sees
    it (:func:`held_slot_step`: at a batch cap of 1, the decode step alone)."""
    prefill_s: Any
    """Seconds to prefill one prompt (its uncached part)."""
    requests_per_s: Any
    ttft_s: Any
    """Time to the first token of a request arriving alone: with mixed steps its prompt's
    steps (:func:`~payback.hardware.prompts.prompt_service_seconds` with nothing else
    decoding); without, its prefill (or one read of the weights, whichever is longer)
    and one decode step; then the engine's time a request outside its steps."""
    running: Any
    """Sequences finishing a token a step at full load: the batch, or fewer when the token
    budget of a step holds no more (:func:`payback.hardware.serving.mixed_batch`) or a
    prompt going through holds a slot (:func:`full_load_decoding`)."""
    slots: Any
    """Sequence slots in use at full load: the batch, or fewer when the token budget of a
    step holds no more (the batch ``estimate serving`` and ``recommend`` report)."""


def step_parts(
    args: dict[str, Any],
    running: Any,
    per_step: Any,
    *,
    mean_context: float,
    compute: Any,
    new: Any,
    budget: Any,
    engine: sv.ServingEngine,
) -> tuple[Any, Any, Any]:
    """The share f of the steps carrying prompt chunks, such a step and a decode-only one
    [s] (see :func:`mixed_step`), both read at ``running`` sequences decoding (a held
    slot's one sequence fewer in a carrying step is left in its cache reads)."""
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
    return share, carrying, plain


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
    share, carrying, plain = step_parts(
        args,
        running,
        per_step,
        mean_context=mean_context,
        compute=compute,
        new=new,
        budget=budget,
        engine=engine,
    )
    return share * carrying + (1.0 - share) * plain


def held_slot_step(share: Any, carrying: Any, plain: Any, slots: Any, held: Any) -> Any:
    """The time between a decoding sequence's output tokens where a prompt going through
    holds ``held`` (0 to 1) of the ``slots`` sequence slots a decoding sequence would use.

    With the slots all taken (the batch cap reached, a :func:`full_load_decoding` case) a
    waiting prompt is admitted only into the slot a finished sequence frees (vLLM's
    scheduler counts a prompt being prefilled among its ``max_num_seqs`` running
    requests, and holds its KV blocks), so the f steps carrying its chunks decode the
    c − 1 others and the 1 − f others decode all c: a decoding sequence's steps are
    carrying ones in proportion f · (c − 1) against (1 − f) · c, and its time per output
    token is (f · (c − 1) · carrying + (1 − f) · c · decode) / (f · (c − 1) + (1 − f) · c),
    not the mean step f · carrying + (1 − f) · decode the wall clock runs. At c = 1
    nothing rides on a sequence's decode: requests are served strictly in turn, the
    time per output token is the decode step and the prompt's steps come before its
    first token. With a slot free (``held`` 0) the prompt takes it and every step
    carries the same decoding sequences: the mean step.

    >>> float(held_slot_step(0.5, 3.0, 1.0, 1.0, 1.0))
    1.0
    >>> float(held_slot_step(0.5, 3.0, 1.0, 2.0, 1.0))  # (0.5 · 1 · 3 + 0.5 · 2 · 1) / 1.5
    1.6666666666666667
    >>> float(held_slot_step(1.0, 3.0, 1.0, 1.0, 1.0))  # every step carries a prompt
    1.0
    """
    c = np.maximum(np.asarray(slots, dtype=np.float64), 1.0)
    carried = share * np.maximum(c - held, 0.0)
    alone = (1.0 - share) * c
    weight = carried + alone
    # every step carrying a prompt at c = 1 (f = 1, a request of one output token): the
    # limit as f → 1, the decode step, as at c = 1 for any f
    seen = (carried * carrying + alone * plain) / np.maximum(weight, 1e-300)
    return np.where(weight > 0.0, seen, plain)


def paces(output_tokens: float) -> bool:
    """Whether a request of ``output_tokens`` (a mean) has tokens after its first: the time
    per output token is defined over them (as vLLM's serving benchmark takes it), so a
    ``tpot_ms`` target binds only then; a request of one token has no gap between tokens.

    >>> paces(1.0), paces(200.0)
    (False, True)
    """
    return bool(output_tokens > 1.0)


def full_load_decoding(
    batch: Any, *, new: Any, output_tokens: float, budget: Any
) -> tuple[Any, Any, Any]:
    """Sequences finishing a token a step at full load, whether a prompt going through
    holds one of the ``batch`` slots (1) or takes a free one (0), and the slots in use.

    The token budget holds B_b = :func:`~payback.hardware.serving.mixed_batch` sequences.
    Where that is the whole batch cap c the slots are all taken: a prompt of n new tokens
    enters the slot a finished sequence frees and goes through in k = max(1, n / room)
    steps (the room the budget leaves, budget − c), the last of them giving its first
    token, then O − 1 decode steps: a slot's cycle is k + O − 1 steps for O tokens, so
    c · O / (O + k − 1) sequences finish a token a step (c where a prompt fits one step).
    A prompt holds a slot (1) where that is the fewer; else the budget binds first and a
    slot is free for it (0), and the slots in use are B_b."""
    out = max(output_tokens, 1.0)
    held_b = sv.mixed_batch(batch=batch, new_input_tokens=new, output_tokens=out, budget=budget)
    room = np.where(np.isfinite(budget), np.maximum(budget - held_b, 1.0), np.inf)
    k = np.maximum(1.0, np.asarray(new, dtype=np.float64) / room)
    by_slots = np.asarray(batch, dtype=np.float64) * out / (out + k - 1.0)
    return np.minimum(held_b, by_slots), np.where(by_slots <= held_b, 1.0, 0.0), held_b


def _loaded(
    args: dict[str, Any],
    batch: Any,
    *,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: Any,
    engine: sv.ServingEngine = sv.VLLM,
    slots_full: bool = True,
) -> tuple[Any, Any, Any, Any, Any]:
    """Sequences running, the time per output token, the mean step [s], one prompt's
    prefill [s] and the slots in use at full load (see :func:`loaded_steps`)."""
    prefill, compute, new = prompt_parts(args, input_tokens, cached_share, engine)
    budget = np.asarray(budget, dtype=np.float64)
    if not np.any(np.isfinite(budget)):
        step = sv.decode_step_seconds(batch=batch, context=mean_context, engine=engine, **args)
        whole = np.asarray(batch, dtype=np.float64)
        return whole, step, step, prefill, whole
    out = max(output_tokens, 1.0)
    running, held, slots = full_load_decoding(batch, new=new, output_tokens=out, budget=budget)
    if not slots_full:
        running, held = slots, 0.0
    at = {"mean_context": mean_context, "budget": budget, "engine": engine}
    share, carrying, plain = step_parts(
        args, running, running / out, compute=compute, new=new, **at
    )
    mixed = share * carrying + (1.0 - share) * plain
    seen = held_slot_step(share, carrying, plain, batch, held)
    alone = sv.decode_step_seconds(batch=batch, context=mean_context, engine=engine, **args)
    finite = np.isfinite(budget)
    return (
        np.where(finite, running, np.asarray(batch, dtype=np.float64)),
        np.where(finite, seen, alone),
        np.where(finite, mixed, alone),
        prefill,
        np.where(finite, slots, np.asarray(batch, dtype=np.float64)),
    )


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
    slots_full: bool = True,
) -> tuple[Any, Any, Any]:
    """Sequences running, the time per output token [s] and the prefill of one prompt [s]
    at full load: ``batch`` sequence slots c, all taken.

    With a finite token ``budget`` (an engine that chunks prompts into decode steps) the
    sequences finishing a token a step are :func:`full_load_decoding`'s B (the token
    budget's :func:`~payback.hardware.serving.mixed_batch`, or fewer where a prompt going
    through holds a slot) and B/O prompts arrive a step. They ride on the share f of the
    steps :func:`~payback.hardware.serving.chunk_step_share` gives (each prompt taken in as
    few steps as the budget's room allows), each such step carrying B · n / (O · f) new
    tokens whose matrix multiplications overlap that step's memory reads; the other steps
    decode only: the mean step f · carrying + (1 − f) · decode. The time per output token
    is the step as a decoding sequence sees it (:func:`held_slot_step`): with no slot
    free, a prompt's steps decode one sequence fewer, and at c = 1 none (requests in
    turn). ``slots_full`` False: ``batch`` is the sequences decoding and a prompt always
    finds a free slot (a closed loop of fewer clients than slots). Without a budget (∞),
    steps decode only and prompts are prefilled apart. ``batch`` may be an array
    broadcasting against ``args``' (a grid of batches for every configuration)."""
    running, seen, _, prefill, _ = _loaded(
        args,
        batch,
        mean_context=mean_context,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_share=cached_share,
        budget=budget,
        engine=engine,
        slots_full=slots_full,
    )
    return running, seen, prefill


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
    slots_full: bool = True,
) -> ReplicaRates:
    """Throughput and latency of replicas of :func:`serving_shape` ``args`` (numbers, or
    arrays for many configurations at once) running ``batch`` sequences: the one core
    :func:`estimate_serving` and ``recommend``'s search both price capacity with.

    Mixed steps (a finite ``budget``): B sequences finish one token a step,
    requests/s = B / (O · step) (:func:`~payback.hardware.serving.mixed_requests_per_s`),
    the step the mean one the wall clock runs (:func:`loaded_steps`; at a batch cap of 1,
    1 / (k · carrying + (O − 1) · decode): requests in turn).
    Separate prefills (∞): requests/s = 1 / (prefill + O · step / B). ``slots_full``
    as :func:`loaded_steps`'."""
    running, seen, step, prefill, slots = _loaded(
        args,
        batch,
        mean_context=mean_context,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_share=cached_share,
        budget=budget,
        engine=engine,
        slots_full=slots_full,
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
        load_step_s=seen,
        prefill_s=prefill,
        requests_per_s=rps,
        ttft_s=np.where(
            np.isfinite(np.asarray(budget, dtype=np.float64)), riding, alone + first_step
        )
        + engine.request_overhead_s,
        running=running,
        slots=slots,
    )
