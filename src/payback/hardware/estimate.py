"""The serving estimate for catalog models on catalog GPUs: a replica's capacity.

It binds catalog records to the pure formulas in :mod:`payback.hardware.serving`, picks
sensible defaults (tensor parallel degree, batch), and says why a configuration cannot
work. The fine-tuning estimate is :mod:`payback.hardware.fine_tuning`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from payback.catalog import Gpu, OpenModel, offer_source, typical_gpu_price
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.alone import alone_on_larger
from payback.hardware.device import (
    FAMILY_EFFICIENCY,
    check_engine,
    engine_limits,
    engine_named,
    gpu_family,
    on_gpu,
    peak_flops,
)
from payback.hardware.kv_cache import kv_cache_dtype, kv_cache_said, with_kv_cache
from payback.hardware.load import (
    ClosedLoopLatency,
    latency_at_concurrency,
    latency_at_utilization,
    loaded_latency_arrays,
    loaded_steps,
    replica_rates,
)
from payback.hardware.placement import (
    DECODE_ONLY,
    _does_not_fit,
    _kv_replication,
    attended_tokens,
    check_precision,
    choose_tensor_parallel,
    context_overflow,
    kv_cache_tokens,
    model_kv_bytes_per_token,
    model_parameters,
    require_finite,
    serving_shape,
    tensor_parallel_refusal,
    valid_tensor_parallel,
    weight_bytes,
)
from payback.hardware.prompts import prompt_service_seconds
from payback.hardware.rates import paces

__all__ = [
    "COMPUTED_CACHED_SHARE",
    "DECODE_ONLY",
    "FAMILY_EFFICIENCY",
    "ClosedLoopLatency",
    "ServingEstimate",
    "attended_tokens",
    "check_engine",
    "check_precision",
    "choose_tensor_parallel",
    "context_overflow",
    "engine_limits",
    "engine_named",
    "estimate_serving",
    "gpu_family",
    "kv_cache_dtype",
    "kv_cache_tokens",
    "latency_at_concurrency",
    "latency_at_utilization",
    "loaded_latency_arrays",
    "loaded_steps",
    "model_kv_bytes_per_token",
    "model_parameters",
    "on_gpu",
    "peak_flops",
    "prompt_service_seconds",
    "replica_rates",
    "require_finite",
    "serving_at_concurrency",
    "serving_by_replica",
    "serving_shape",
    "valid_tensor_parallel",
    "weight_bytes",
    "with_kv_cache",
]

COMPUTED_CACHED_SHARE = 0.99
"""The most of each prompt an estimate takes as served from the prefix cache. Any share in
[0, 1] may be given (1.0: a fixed prompt, every input token billed as cached), but an
engine still computes the tail of a prompt: it caches whole blocks (16 tokens in vLLM) and,
on a full hit, recomputes the last token to produce the first output token. A share above
0.99 is estimated at 0.99, as ``payback analyze`` and ``payback recommend`` estimate a
scenario's ``traffic.cached_input_share``; at 1.0 the prefill would take no time at all."""


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
    """Sequences decoded together at full load (after the latency target and the token
    budget)."""
    limited_by: str
    """What caps the batch: ``memory``, ``engine`` (max sequences), ``token budget``
    (prompt chunks fill the step), ``latency target`` or ``given``."""
    context_tokens: float
    decode_output_tokens_per_s: float
    """Output tokens per second of decoding ``context_batch`` sequences at
    ``context_tokens`` (decode steps alone, no prompt chunks)."""
    prefill_tokens_per_s: float
    """Prompt tokens prefilled a second: those the prefix cache does not hold
    (``cached_input_share`` of each prompt is skipped, not computed faster)."""
    tpot_ms: float
    """Time per output token at ``batch`` and the mean context [ms]."""
    ttft_ms: float
    """Time to first token of a request on an unloaded replica [ms]: its prompt's steps
    (with mixed steps; without, its prefill and one step) and the engine's time a request
    outside its steps."""
    input_tokens: float
    output_tokens: float
    replica_requests_per_s: float
    """Requests per second at full load with these token lengths."""
    output_tokens_per_s: float
    """Output tokens per second at full load (``replica_requests_per_s`` × output tokens)."""
    usd_per_gpu_hour: float | None
    price_source: str | None
    engine: str = "vllm"
    """The serving engine modelled (:data:`payback.hardware.serving.ENGINES`)."""
    kv_cache: str = "bf16"
    """The KV cache's element type, ``bf16`` or ``fp8`` (:func:`kv_cache_dtype`)."""
    kv_cache_reason: str = ""
    """Why that one: the engine's default for the weights, or asked for."""
    max_num_batched_tokens: float | None = None
    """Its token budget a step on this GPU (``None``: prompts prefilled in steps of their own)."""
    utilization: float | None = None
    """The share of capacity the latencies below are at (``None``: not asked)."""
    tpot_at_utilization_ms: float | None = None
    """Time per output token when requests arrive at ``utilization`` × capacity [ms]."""
    ttft_at_utilization_ms: float | None = None
    """Mean time to the first token at that load, queueing included [ms]; ∞ (``null`` in
    JSON) where ``first_token_unbounded``."""
    slot_wait_at_utilization_ms: float | None = None
    """Of that first token, the mean wait for a free sequence slot [ms]
    (:func:`~payback.hardware.queueing.slot_wait`); ∞ where ``first_token_unbounded`` and
    the slots are what saturates. Where the token budget limits the batch (``limited_by``
    ``token budget``) the prompts' queue for the steps' budget saturates first, and this
    wait stays finite."""
    first_token_unbounded: bool = False
    """Whether requests arrive at the replica's capacity (``utilization`` 1): the queue that
    saturates there (for a slot, or where the token budget limits the batch, of prompts for
    the steps' budget) grows without bound and the first token has no finite mean."""
    decode_batch: int = 0
    """Sequences the replica decodes together at the mean context: the batch given, or the
    largest the memory, the engine and the latency target allow. ``batch`` is fewer when
    the token budget of a step holds fewer at full load."""
    context_batch: int = 0
    """Sequences ``decode_output_tokens_per_s`` is at, of ``context_tokens`` each: at the
    mean context ``batch`` (the batch at full load: fewer than ``decode_batch``, a batch
    given too, where the token budget binds); at another context the batch given, else the
    largest whose KV cache fits at that context, within the engine's sequence limit and
    the latency target (a replica that holds 412 sequences of 1,100 tokens holds 4 of
    100,000)."""
    context_tpot_missed_ms: float | None = None
    """Where even one sequence at ``context_tokens`` misses the ``tpot_ms`` target (met at
    the mean context): its time per output token there [ms], ``context_batch`` then 1;
    ``None`` otherwise."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_ADVISE: ContextVar[bool] = ContextVar("advise_larger_replicas", default=True)
"""Whether a missed ``tpot_ms`` works out the larger replicas that meet it (a step on each):
not inside :func:`serving_by_replica`, which tries each replica itself and discards its
refusals."""


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
    engine: sv.ServingEngine | str = sv.VLLM,
    utilization: float | None = None,
    kv_cache: str | None = None,
    gpus_per_server: int | None = None,
) -> ServingEstimate:  # long: the batch's limits in order, then the one result record
    """Capacity of one replica: batch, latency, decode and prefill rates, requests/s.

    Without ``batch``, the replica runs the largest batch that fits the KV cache at the
    workload's mean context (input + output / 2), the engine's sequence limit on this GPU
    (:func:`engine_limits`), its token budget a step and the ``tpot_ms`` target (checked
    on the loaded step, prompt chunks included). ``batch`` sets the load instead;
    ``context`` sets the context at which ``decode_output_tokens_per_s`` is reported, at
    the largest batch those limits allow at that context (``context_batch``) or the
    ``batch`` given.
    ``cached_input_share`` of each prompt is a shared prefix the engine's prefix cache
    holds, so prefill computes only the rest (at most :data:`COMPUTED_CACHED_SHARE` of it is
    taken as cached). With ``utilization`` (the share of capacity
    the fleet is planned to run at), the latencies at that load are reported too
    (:func:`latency_at_utilization`). ``engine`` is a
    :class:`~payback.hardware.serving.ServingEngine` or one of
    :data:`~payback.hardware.serving.ENGINES`' names; ``kv_cache`` (``auto``, ``bf16`` or
    ``fp8``) sets its KV cache's element type (:mod:`payback.hardware.kv_cache`).
    Where one sequence alone misses ``tpot_ms``, the line names the fewest GPUs a replica
    meets it on (:func:`~payback.hardware.alone.alone_on_larger`), within one server of
    ``gpus_per_server`` GPUs (an owned server's) when given.
    """
    engine = with_kv_cache(engine_named(engine) if isinstance(engine, str) else engine, kv_cache)
    check_precision(model, precision, gpu, engine)
    _check_serving_inputs(
        model, gpu, precision, input_tokens, output_tokens, cached_input_share, context, tpot_ms
    )
    check_engine(engine, gpu, precision)
    tpot_ms = tpot_ms if paces(output_tokens) else None  # one token: no gap to meet
    cached_input_share = min(cached_input_share, COMPUTED_CACHED_SHARE)
    engine = on_gpu(engine, gpu)
    budget = np.inf if engine.max_num_batched_tokens is None else engine.max_num_batched_tokens
    mean_context = input_tokens + output_tokens / 2.0
    tp = _replica_gpus(model, gpu, precision, gpus_per_replica, mean_context, engine)
    args = serving_shape(model, gpu, precision, tp, engine)
    capacity, by_memory = _kv_room(
        model, gpu, precision, tp, mean_context, engine, given=gpus_per_replica is not None
    )
    max_batch = min(by_memory, engine.max_num_seqs)
    chosen, limited_by = max_batch, "memory" if by_memory <= engine.max_num_seqs else "engine"
    load: dict[str, Any] = {
        "mean_context": mean_context,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_share": cached_input_share,
        "budget": budget,
        "engine": engine,
    }
    fastest = None
    if tpot_ms is not None:
        try:
            fastest = _latency_batch(model, gpu, precision, tp, args, max_batch, tpot_ms, load)
        except PaybackError as missed_at_tp:  # a replica size given too: name larger ones
            if not _ADVISE.get():
                raise
            raise alone_on_larger(
                model, gpu, precision, tp, tpot_ms, load, missed_at_tp, gpus_per_server
            ) from None
        if fastest < chosen:
            chosen, limited_by = fastest, "latency target"
    at_context = mean_context if context is None else context
    if batch is not None:
        _check_batch(batch, capacity, max(at_context, mean_context), tp, gpu, model, engine)
        chosen, limited_by = batch, "given"
    at_batch, missed = chosen, None
    if batch is None and context is not None:
        at_batch, missed = _context_batch(
            model, gpu, precision, tp, args, capacity, tpot_ms, load, context
        )
    rates = replica_rates(args, chosen, **load)
    running = float(rates.slots)
    _check_batch_latency(batch, fastest, float(rates.load_step_s), tpot_ms)
    if running < chosen:  # a step's token budget holds fewer, a given batch included
        limited_by = "token budget"
        if context is None:  # the decode line at the batch the replica runs
            at_batch = max(1, int(running))
    step = float(sv.decode_step_seconds(batch=at_batch, context=at_context, engine=engine, **args))
    rps = float(rates.requests_per_s)
    loaded = None
    if utilization is not None:
        if not (np.isfinite(utilization) and 0.0 < utilization <= 1.0):
            raise PaybackError.bad("utilization", utilization, "a share of capacity in (0, 1]")
        loaded = latency_at_utilization(
            args, utilization=utilization, batch_cap=int(chosen), **load
        )
    price = typical_gpu_price(gpu)
    return ServingEstimate(
        model=model.id,
        gpu=gpu.id,
        precision=precision,
        gpus_per_replica=tp,
        weights_gb=weight_bytes(model, precision) / 1e9,
        kv_cache_gb=capacity
        * model_kv_bytes_per_token(model, kv_cache_dtype(engine, precision))
        * _kv_replication(model, tp)
        / 1e9,
        max_batch=max_batch,
        batch=max(1, int(running)) if running < chosen else chosen,
        limited_by=limited_by,
        context_tokens=at_context,
        decode_output_tokens_per_s=at_batch / step,
        prefill_tokens_per_s=max(input_tokens * (1.0 - cached_input_share), 1.0)
        / float(rates.prefill_s),
        tpot_ms=float(rates.load_step_s) * 1000.0,
        ttft_ms=float(rates.ttft_s) * 1000.0,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        replica_requests_per_s=rps,
        output_tokens_per_s=rps * output_tokens,
        usd_per_gpu_hour=price.usd_per_gpu_hour if price else None,
        price_source=offer_source(price) if price else None,
        engine=engine.name,
        kv_cache=kv_cache_dtype(engine, precision),
        kv_cache_reason=kv_cache_said(engine, precision).split(", ", 1)[1],
        max_num_batched_tokens=engine.max_num_batched_tokens,
        utilization=utilization,
        tpot_at_utilization_ms=None if loaded is None else loaded.tpot_s * 1000.0,
        ttft_at_utilization_ms=None if loaded is None else loaded.ttft_s * 1000.0,
        slot_wait_at_utilization_ms=None if loaded is None else loaded.slot_wait_s * 1000.0,
        first_token_unbounded=loaded is not None and not np.isfinite(loaded.ttft_s),
        decode_batch=int(chosen),
        context_batch=int(at_batch),
        context_tpot_missed_ms=missed,
    )


def serving_by_replica(
    model: OpenModel,
    gpu: Gpu,
    precision: str = "bf16",
    *,
    largest: int | None = None,
    **options: Any,
) -> dict[int, ServingEstimate]:
    """:func:`estimate_serving` on each tensor-parallel degree that holds the model (at
    most ``largest`` GPUs, an owned server's), by GPUs per replica; degrees whose estimate
    fails (the weights do not fit, ``tpot_ms`` cannot be met) are left out. ``options``
    are :func:`estimate_serving`'s; a refusal, never shown, names no larger replicas."""
    out: dict[int, ServingEstimate] = {}
    shown = _ADVISE.set(False)
    try:
        for tp in valid_tensor_parallel(model):
            if largest is not None and tp > largest:
                continue
            try:
                out[tp] = estimate_serving(model, gpu, precision, gpus_per_replica=tp, **options)
            except PaybackError:
                continue
    finally:
        _ADVISE.reset(shown)
    return out


def _check_serving_inputs(
    model: OpenModel,
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
    overflow = context_overflow(model, input_tokens, output_tokens)
    if overflow is not None:
        raise overflow
    if not (np.isfinite(cached_input_share) and 0.0 <= cached_input_share <= 1.0):
        raise PaybackError.bad(
            "cached_input_share", cached_input_share, "must be a share in [0, 1]"
        )
    if context is not None:
        require_finite("context", context, 1.0)
        if context > model.max_context:
            raise PaybackError.bad(
                "context", context, f"at most {model.max_context:,}: {model.id}'s context"
            )
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
        raise PaybackError.bad(
            "gpus_per_replica", gpus_per_replica, tensor_parallel_refusal(model, gpus_per_replica)
        )
    return gpus_per_replica


def _kv_room(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    tp: int,
    mean_context: float,
    engine: sv.ServingEngine,
    given: bool = False,
) -> tuple[float, int]:
    """Tokens of KV cache the replica holds, and the sequences of ``mean_context`` tokens
    that fit in it, each holding its whole context, its cached prefix too (conservative:
    see :func:`attended_tokens`); one line when not even one does (the GPUs each format
    needs for one: :func:`_does_not_fit`), naming ``gpus_per_replica`` when the caller
    chose ``tp`` (``given``)."""

    def refuse(why: str) -> PaybackError:
        return PaybackError.bad("gpus_per_replica", tp, why) if given else PaybackError(why)

    capacity = kv_cache_tokens(model, gpu, precision, tp, engine)
    by_memory = int(capacity // attended_tokens(model, mean_context))
    if by_memory < 1:
        raise refuse(_does_not_fit(model, gpu, precision, tp, engine, mean_context))
    return capacity, by_memory


def _latency_batch(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    tp: int,
    args: dict[str, Any],
    max_batch: int,
    tpot_ms: float,
    load: dict[str, Any],
) -> int:
    """The largest batch, up to ``max_batch``, whose loaded step (prompt chunks included)
    meets ``tpot_ms``."""
    grid = np.arange(1, max_batch + 1, dtype=np.float64)
    _, steps, _ = loaded_steps(args, grid, **load)
    steps = np.broadcast_to(steps, grid.shape)
    ok = np.nonzero(steps * 1000.0 <= tpot_ms)[0]
    if ok.size == 0:
        raise PaybackError.bad(
            "tpot_ms",
            tpot_ms,
            f"{model.id} at {precision} on {tp} × {gpu.id} cannot meet it: one sequence "
            f"alone takes {steps[0] * 1000:.1f} ms per token",
        )
    return int(ok[-1] + 1)


def _context_batch(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    tp: int,
    args: dict[str, Any],
    capacity: float,
    tpot_ms: float | None,
    load: dict[str, Any],
    context: float,
) -> tuple[int, float | None]:
    """The largest batch of ``context`` tokens a sequence the replica decodes: its KV cache
    (``capacity`` tokens) holds it, the engine runs it, and its loaded step at that context
    meets ``tpot_ms``; one line when not one sequence of ``context`` tokens fits. Where
    not even one sequence meets ``tpot_ms`` at that context (the target is the
    workload's, met at its mean context), one sequence, and its time per output token
    [ms]; else ``None`` beside the batch."""
    fits = int(capacity // attended_tokens(model, context))
    if fits < 1:
        raise PaybackError.bad(
            "context",
            context,
            f"{model.id} at {precision} on {tp} × {gpu.id}: no room for one sequence of "
            f"{context:,.0f} tokens in the KV cache ({capacity:,.0f} tokens fit)"
            + (
                "; a replica of more GPUs holds more"
                if tp < max(valid_tensor_parallel(model))
                else ""
            ),
        )
    most = min(fits, int(load["engine"].max_num_seqs))
    if tpot_ms is None:
        return most, None
    at = load | {"mean_context": context}
    try:
        return _latency_batch(model, gpu, precision, tp, args, most, tpot_ms, at), None
    except PaybackError:
        _, step, _ = loaded_steps(args, np.ones(1), **at)
        return 1, float(np.ravel(step)[0]) * 1000.0


def _check_batch_latency(
    batch: int | None, fastest: int | None, step_s: float, tpot_ms: float | None
) -> None:
    """One line when a given batch runs more sequences than the largest that meets the
    ``tpot_ms`` target (``fastest``), as a target no batch meets is refused: its time per
    output token (``step_s``, the loaded step) and the target."""
    if batch is None or fastest is None or tpot_ms is None or batch <= fastest:
        return
    raise PaybackError.bad(
        "batch",
        batch,
        f"its time per output token is {step_s * 1000.0:,.1f} ms, over the {tpot_ms:g} ms "
        f"target; at most {fastest:,} sequences meet it",
    )


def _check_batch(
    batch: int,
    capacity: float,
    context: float,
    tp: int,
    gpu: Gpu,
    model: OpenModel,
    engine: sv.ServingEngine,
) -> None:
    """One line when a given batch is below 1, its KV cache of ``context`` tokens a
    sequence does not fit the replica's, or it is more sequences than the engine runs on
    this GPU (``engine`` bound to it: :func:`on_gpu`)."""
    if batch < 1:
        raise PaybackError.bad("batch", batch, "must be ≥ 1")
    held = attended_tokens(model, context)
    fits = int(capacity // held)
    if batch > fits:
        raise PaybackError.bad(
            "batch",
            batch,
            f"{batch:,} sequences of {context:,.0f} tokens need {batch * held:,.0f} tokens of KV "
            f"cache; {tp} × {gpu.id} hold {capacity:,.0f} tokens of KV cache ({fits:,} "
            "sequences)",
        )
    if batch > engine.max_num_seqs:
        raise PaybackError.bad(
            "batch",
            batch,
            f"at most {engine.max_num_seqs:,}: the most sequences {engine.name} runs together "
            f"on {gpu.id} (its max_num_seqs)",
        )


def serving_at_concurrency(
    model: OpenModel,
    gpu: Gpu,
    precision: str = "bf16",
    *,
    concurrency: int,
    input_tokens: float = 1000.0,
    output_tokens: float = 200.0,
    cached_input_share: float = 0.0,
    gpus_per_replica: int | None = None,
    engine: sv.ServingEngine | str = sv.VLLM,
    requests: int | None = None,
    kv_cache: str | None = None,
) -> ClosedLoopLatency:
    """:func:`latency_at_concurrency` for a catalog model on a catalog GPU: the replica
    :func:`estimate_serving` sizes (its tensor parallelism, its most sequences by memory
    and the engine's limits) serving ``concurrency`` clients in a closed loop (over a run
    of ``requests`` in all, or in the steady state)."""
    engine = with_kv_cache(engine_named(engine) if isinstance(engine, str) else engine, kv_cache)
    sized = estimate_serving(
        model,
        gpu,
        precision,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_input_share=cached_input_share,
        gpus_per_replica=gpus_per_replica,
        engine=engine,
    )
    engine = on_gpu(engine, gpu)
    budget = np.inf if engine.max_num_batched_tokens is None else engine.max_num_batched_tokens
    args = serving_shape(model, gpu, precision, sized.gpus_per_replica, engine)
    return latency_at_concurrency(
        args,
        concurrency=concurrency,
        batch_cap=sized.max_batch,
        mean_context=input_tokens + output_tokens / 2.0,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_share=min(cached_input_share, COMPUTED_CACHED_SHARE),
        budget=budget,
        engine=engine,
        requests=requests,
    )
