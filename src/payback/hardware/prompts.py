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


class _Prompt:
    """One prompt's parts (:func:`prompt_parts`) beside ``running`` sequences decoding,
    shared by its service and its occupancy of the prompt stream."""

    def __init__(
        self, args: dict[str, Any], running: Any, *, mean_context: float, input_tokens: float,
        cached_share: float, budget: Any, engine: sv.ServingEngine,
    ) -> None:  # fmt: skip
        self.args, self.input_tokens, self.engine = args, input_tokens, engine
        self.prefill, self.compute, self.new = prompt_parts(
            args, input_tokens, cached_share, engine
        )
        b = np.asarray(running, dtype=np.float64)
        limit = np.asarray(budget, dtype=np.float64)
        self.mixed = np.isfinite(limit)
        self.step = {"batch": b, "context": mean_context, "engine": engine, **args}
        self.room = np.maximum(np.where(self.mixed, limit, self.new + b) - b, 1.0)

    def service(self) -> Any:
        own = own_prefill_seconds(self.args, self.prefill, self.input_tokens, self.engine)
        alone = own + sv.decode_step_seconds(**self.step)
        # a wholly cached prompt still rides one step: its first token is that step's
        chunks = np.maximum(np.ceil(self.new / self.room), 1.0)
        carrying = sv.decode_step_seconds(
            **self.step, prefill_compute_s=self.compute / chunks, prefill_tokens=self.new / chunks
        )
        return np.where(self.mixed, chunks * carrying, alone)

    def occupancy(self) -> Any:
        full = sv.decode_step_seconds(
            **self.step,
            prefill_compute_s=self.compute * self.room / max(self.new, 1.0),
            prefill_tokens=self.room,
        )
        return np.where(self.mixed, self.new / self.room * full, self.prefill)


def prompt_times(
    args: dict[str, Any], running: Any, *, mean_context: float, input_tokens: float,
    cached_share: float, budget: Any, engine: sv.ServingEngine = sv.VLLM,
) -> tuple[Any, Any]:  # fmt: skip
    """:func:`prompt_service_seconds` and :func:`prompt_occupancy_seconds` from one
    :func:`prompt_parts` (a loaded latency needs both)."""
    prompt = _Prompt(
        args, running, mean_context=mean_context, input_tokens=input_tokens,
        cached_share=cached_share, budget=budget, engine=engine,
    )  # fmt: skip
    return prompt.service(), prompt.occupancy()


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
    with mixed steps (a finite ``budget``), its n new tokens in k = max(⌈n / (budget − B)⌉, 1)
    chunks, each riding on a decode step, so k steps whose compute grows by n/k tokens' (a
    whole 5,000-token prompt makes its step compute-bound; a wholly cached one rides one
    step); without (∞), its own prefill step (:func:`own_prefill_seconds`) and one decode
    step. ``budget`` may be an array, one per configuration."""
    return _Prompt(
        args, running, mean_context=mean_context, input_tokens=input_tokens,
        cached_share=cached_share, budget=budget, engine=engine,
    ).service()  # fmt: skip


def prompt_occupancy_seconds(
    args: dict[str, Any], running: Any, *, mean_context: float, input_tokens: float,
    cached_share: float, budget: Any, engine: sv.ServingEngine = sv.VLLM,
) -> Any:  # fmt: skip
    """The time a prompt holds the prompt stream from the prompts behind it [s], the queue's
    service: with mixed steps its n new tokens' share n / room of steps carrying a full
    room (budget − B) of prompt tokens, several short prompts to a step or a long one over
    n / room steps; without, its prefill (batched prompts share the weights' read)."""
    return _Prompt(
        args, running, mean_context=mean_context, input_tokens=input_tokens,
        cached_share=cached_share, budget=budget, engine=engine,
    ).occupancy()  # fmt: skip
