"""A prompt as the serving estimate sees it going through a replica: its arithmetic, its
own prefill step, the steps its chunks ride on and the time it holds the prompt stream
from the prompts behind it."""

from __future__ import annotations

from typing import Any

import numpy as np

from payback.hardware import serving as sv
from payback.hardware.placement import DECODE_ONLY


def prompt_parts(
    args: dict[str, Any], input_tokens: float, cached_share: float, engine: sv.ServingEngine
) -> tuple[Any, Any, float]:
    """A prompt's prefill alone (all-reduces included), its matrix work when it rides on
    decode steps (their all-reduces carry it), and its new (uncached) tokens."""
    prefill_args = {k: v for k, v in args.items() if k not in DECODE_ONLY}
    prompt = max(input_tokens, 1.0)
    alone = sv.prefill_seconds(
        input_tokens=prompt, cached_share=cached_share, engine=engine, **prefill_args
    )
    riding = sv.prefill_seconds(
        input_tokens=prompt,
        cached_share=cached_share,
        engine=engine,
        with_allreduce=False,
        **prefill_args,
    )
    return alone, riding, (1.0 - cached_share) * prompt


def own_prefill_seconds(args: dict[str, Any], prefill: Any, tokens: float, engine: Any) -> Any:
    """A prompt's own prefill step without mixed steps: its arithmetic, or one read of the
    weights (experts its tokens touch included), whichever is longer. Batched with others
    the step is longer still, so this is what its first token waits at any load."""
    keys = ("weights", "tensor_parallel", "bandwidth", "expert_weights", "expert_share")
    read = sv.weight_read_seconds(
        **{k: args.get(k, 0.0) for k in keys}, tokens=max(tokens, 1.0), engine=engine
    )
    return np.maximum(prefill, read)


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
    whole 5,000-token prompt makes its step compute-bound); without (∞), its own prefill
    step (:func:`own_prefill_seconds`) and one decode step. ``budget`` may be an array, one per
    configuration."""
    prefill, compute, new = prompt_parts(args, input_tokens, cached_share, engine)
    b = np.asarray(running, dtype=np.float64)
    limit = np.asarray(budget, dtype=np.float64)
    mixed = np.isfinite(limit)
    own = own_prefill_seconds(args, prefill, input_tokens, engine)
    alone = own + sv.decode_step_seconds(batch=b, context=mean_context, engine=engine, **args)
    chunks = np.ceil(new / np.maximum(np.where(mixed, limit, new + b) - b, 1.0))
    carrying = sv.decode_step_seconds(
        batch=b,
        context=mean_context,
        engine=engine,
        prefill_compute_s=compute / chunks,
        prefill_tokens=new / chunks,
        **args,
    )
    return np.where(mixed, chunks * carrying, alone)


def prompt_occupancy_seconds(
    args: dict[str, Any], running: Any, *, mean_context: float, input_tokens: float,
    cached_share: float, budget: Any, engine: sv.ServingEngine = sv.VLLM,
) -> Any:  # fmt: skip
    """The time a prompt holds the prompt stream from the prompts behind it [s], the queue's
    service: with mixed steps its n new tokens' share n / room of steps carrying a full
    room (budget − B) of prompt tokens, several short prompts to a step or a long one over
    n / room steps; without, its prefill (batched prompts share the weights' read)."""
    prefill, compute, new = prompt_parts(args, input_tokens, cached_share, engine)
    b, limit = np.asarray(running, dtype=np.float64), np.asarray(budget, dtype=np.float64)
    room = np.maximum(np.where(np.isfinite(limit), limit, new + b) - b, 1.0)
    full = sv.decode_step_seconds(
        batch=b,
        context=mean_context,
        engine=engine,
        prefill_compute_s=compute * room / max(new, 1.0),
        prefill_tokens=room,
        **args,
    )
    return np.where(np.isfinite(limit), new / room * full, prefill)
