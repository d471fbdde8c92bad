"""A replica under load: the latency at a planned utilisation (Little's law over a fractional
batch, an M/D/c wait for a free slot and an M/D/1 one on the prompt chunks before the
first token) or at a fixed number of clients (a closed loop). The step the engine runs at a
batch and the capacity it gives are :mod:`payback.hardware.rates`' (imported here too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import gammainc

from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.prompts import prompt_parts, prompt_times
from payback.hardware.queueing import SATURATED, closed_queue_wait, slot_wait, stream_wait
from payback.hardware.rates import (
    ReplicaRates,
    full_load_decoding,
    held_slot_step,
    loaded_steps,
    replica_rates,
    step_parts,
)

__all__ = [
    "LOW_BATCHES",
    "ClosedLoopLatency",
    "LoadedLatency",
    "ReplicaRates",
    "latency_at_concurrency",
    "latency_at_utilization",
    "loaded_latency_arrays",
    "loaded_steps",
    "paused_share",
    "replica_rates",
    "startup_burst",
]


LOW_BATCHES = np.geomspace(1.0 / 64.0, 1.0, 13)[:-1]
"""Batches below one sequence that Little's law is solved over (a closed loop's, and
Poisson arrivals')."""


def _open_rates(
    args: dict[str, Any], mean: Any, top: Any, load: dict[str, Any], parts: tuple[Any, ...]
) -> tuple[Any, Any, Any]:
    """At a mean of ``mean`` sequences decoding: the mean step, the requests a second that
    keep that mean and the time per output token a decoding request sees (see
    :func:`latency_at_utilization`); ``top`` the sequences running at the capacity,
    ``parts`` a prompt's (:func:`prompt_parts`)."""
    prefill, compute, new = parts
    out = max(load["output_tokens"], 1.0)
    seen = np.minimum(1.0 + mean, top)
    at = {"mean_context": load["mean_context"], "engine": load["engine"]}
    cap = load["slots"]
    # the others fill the cap's other c − 1 slots (their number Poisson, as below): a
    # prompt then holds a slot a decoding sequence would use; at the capacity all do
    full = np.where(cap > 1.0, gammainc(np.maximum(cap - 1.0, 1.0), np.maximum(mean, 0.0)), 1.0)
    taken = load["held"] * np.where(mean >= top * (1.0 - 1e-12), 1.0, full)
    share, carrying, plain = step_parts(
        args,
        seen,
        mean / out,
        compute=compute,
        new=new,
        budget=load["budget"],
        **at,
    )
    mixed = share * carrying + (1.0 - share) * plain
    alone = sv.decode_step_seconds(
        batch=seen, context=load["mean_context"], engine=load["engine"], **args
    )
    finite = np.isfinite(load["budget"])
    step = np.where(finite, mixed, alone)
    rps = np.where(finite, mean / (out * step), mean / (mean * prefill + out * step))
    tpot = np.where(finite, held_slot_step(share, carrying, plain, cap, taken), alone)
    return step, rps, tpot


def _mean_decoding(
    args: dict[str, Any], arrival: Any, top: Any, load: dict[str, Any], parts: tuple[Any, ...]
) -> Any:
    """The mean sequences decoding B at ``arrival`` requests a second λ, at most ``top``:
    the root of X(B) = λ (X rises with B), bracketed on a grid from none to ``top`` (from
    1/64 of a sequence, then whole ones), then regula falsi (Illinois) on the bracket."""
    scale = np.concatenate([[0.0], LOW_BATCHES, np.arange(1.0, float(np.max(top)) + 1.0)])
    grid = np.minimum(scale[np.newaxis, :], top[:, np.newaxis])
    col = {k: np.asarray(v)[..., np.newaxis] if np.ndim(v) else v for k, v in args.items()}
    wide = load | {k: load[k][:, np.newaxis] for k in ("budget", "slots", "held")}
    bits = tuple(np.asarray(p)[..., np.newaxis] if np.ndim(p) else p for p in parts)
    rps = np.broadcast_to(_open_rates(col, grid, top[:, np.newaxis], wide, bits)[1], grid.shape)
    rows = np.arange(top.size)
    i = np.maximum(np.argmax(rps >= arrival[:, np.newaxis], axis=1), 1)
    low, f_low = grid[rows, i - 1], rps[rows, i - 1] - arrival
    high, f_high = grid[rows, i], rps[rows, i] - arrival
    mean, side = high, np.zeros(top.size)
    for _ in range(60):
        span = np.where(f_high > f_low, f_high - f_low, 1.0)
        mean = np.where(f_high > f_low, low - f_low * (high - low) / span, high)
        f = _open_rates(args, mean, top, load, parts)[1] - arrival
        if np.all((np.abs(f) <= 1e-13 * arrival) | (high - low <= 1e-13 * top)):
            break
        below = f < 0.0
        # Illinois: the end kept twice running counts half, so the bracket closes on both
        f_high = np.where(below & (side < 0), f_high / 2.0, f_high)
        f_low = np.where(~below & (side > 0), f_low / 2.0, f_low)
        low, f_low = np.where(below, mean, low), np.where(below, f, f_low)
        high, f_high = np.where(below, high, mean), np.where(below, f_high, f)
        side = np.where(below, -1.0, 1.0)
    return mean


def loaded_latency_arrays(
    args: dict[str, Any],
    batch: Any,
    *,
    utilization: Any,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: Any,
    engine: sv.ServingEngine = sv.VLLM,
) -> tuple[Any, Any, Any, Any]:
    """:func:`latency_at_utilization` for many configurations at once: ``args`` as
    :func:`serving_shape` gives them (numbers, or arrays of one value per configuration),
    ``batch`` the sequences each may hold (its batch cap), ``budget`` its token budget a
    step (∞ without mixed steps), ``utilization`` the share of its capacity the requests
    arrive at. Returns the mean sequences decoding, the time per output token, the mean
    time to the first token and, of it, the wait for a free slot [s], one per
    configuration (the last two ∞ at a utilisation of 1: no bounded queue)."""
    cap = np.atleast_1d(np.asarray(batch, dtype=np.float64))
    flat = {k: np.asarray(v).reshape(-1) if np.ndim(v) else v for k, v in args.items()}
    limit = np.broadcast_to(np.asarray(budget, dtype=np.float64), cap.shape)
    load: dict[str, Any] = {
        "mean_context": mean_context,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_share": cached_share,
        "engine": engine,
    }
    rates = replica_rates(flat, cap, budget=limit, **load)
    top = np.broadcast_to(np.asarray(rates.running, dtype=np.float64), cap.shape)
    capacity = np.broadcast_to(np.asarray(rates.requests_per_s, dtype=np.float64), cap.shape)
    arrival = np.asarray(utilization, dtype=np.float64) * capacity
    parts = prompt_parts(flat, input_tokens, cached_share, engine)
    load["budget"] = limit
    load["slots"] = np.floor(np.maximum(cap, 1.0) + 1e-9)
    held = full_load_decoding(cap, new=parts[2], output_tokens=output_tokens, budget=limit)[1]
    load["held"] = np.broadcast_to(np.asarray(held, dtype=np.float64), cap.shape)
    mean = _mean_decoding(flat, arrival, top, load, parts)
    # at the capacity, a float's last digits aside (as the slots' queue takes it): its batch
    mean = np.where(arrival >= capacity * SATURATED, top, mean)
    step, _, seen_step = _open_rates(flat, mean, top, load, parts)
    # no slower than at the capacity, where every slot is held: the Poisson count of the
    # others falls short of c − 1 near it (P ≈ 0.6), which put 0.999 of the capacity above it
    seen_step = np.minimum(seen_step, rates.load_step_s)
    mixed = np.isfinite(limit)
    seen = np.minimum(1.0 + mean, top)
    # a prompt rides on the steps of those decoding when it arrives (Poisson arrivals see
    # the time average); without mixed steps its first token's step holds it too
    prompt = {k: v for k, v in load.items() if k not in ("output_tokens", "slots", "held")}
    service, queued = prompt_times(flat, np.where(mixed, mean, seen), **prompt)
    wait = stream_wait(busy=arrival * queued, service_s=queued)
    under_way = -np.expm1(-mean)  # P(anything decodes): the occupancy is Poisson (M/G/∞)
    ttft = engine.request_overhead_s + np.where(mixed, under_way * step / 2.0, 0.0) + wait + service
    # prompts prefilled at once in steps of their own pause the batch: λ · prefill of the
    # time (the rate X(B) already counts it)
    paused = np.where(mixed, 1.0, np.maximum(1.0 - arrival * queued, 1e-9))
    apart = step / paused if engine.prefill_pauses_decode and output_tokens > 1.0 else step
    tpot = np.where(mixed, seen_step, apart)
    # a slot is held O steps, and the k − 1 of a prompt's steps before its first token
    # where a prompt holds one (full_load_decoding: c · O / B = O + k − 1)
    cycle = np.where(load["held"] > 0.0, cap / np.maximum(top, 1e-300), 1.0)
    hold = max(output_tokens, 1.0) * cycle * step / paused
    slots = np.floor(np.maximum(cap, 1.0) + 1e-9)
    queue = slot_wait(servers=slots, offered=arrival * hold, holding_s=hold)
    return mean, tpot, ttft + queue, queue


@dataclass(frozen=True)
class LoadedLatency:
    """Latency of a replica serving a share of its capacity."""

    utilization: float
    running: float
    """Sequences decoding at that load, on average (a fraction where few decode at once)."""
    tpot_s: float
    """Time per output token: a step as a decoding request sees it, prompt chunks
    included [s]."""
    ttft_s: float
    """Mean time to the first token, queueing included [s]; ∞ at a utilisation of 1."""
    slot_wait_s: float = 0.0
    """Of it, the mean wait for a free sequence slot [s]
    (:func:`~payback.hardware.queueing.slot_wait`)."""


def _prompt_load(load: dict[str, Any]) -> dict[str, Any]:
    return {
        k: load[k] for k in ("mean_context", "input_tokens", "cached_share", "budget", "engine")
    }


def latency_at_utilization(
    args: dict[str, Any],
    *,
    utilization: float,
    batch_cap: int,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: float,
    engine: sv.ServingEngine = sv.VLLM,
) -> LoadedLatency:
    """Time per output token and to the first token when requests arrive at
    ``utilization`` × the replica's capacity (a Poisson stream, λ requests a second), the
    capacity being that of ``batch_cap`` sequences (B_cap of them running at full load:
    fewer where the token budget of a step holds fewer, :func:`replica_rates`).

    - Sequences decoding (Little's law): on average B = λ · O · step, the step being the
      one a decoding request sees: itself and the others decoding, their number Poisson
      with mean B (an M/G/∞ occupancy, which a request in service sees as it is), at most
      the sequences running at full load: min(1 + B, B_cap) of them; with mixed steps its
      share of the steps carrying prompt chunks at the arrivals' rate, λ · step = B / O
      prompts a step (:func:`~payback.hardware.rates.mixed_step`), not the full load's
      B_cap / O. Requests a second X(B) = B / (O · step) (with prompts prefilled apart,
      B / (B · prefill + O · step)) rise with B; B solves X(B) = λ between nothing and
      B_cap, a fraction of a sequence where few requests decode at once (a long prompt
      and a short output), and at u = 1 it is B_cap and the step the full load's. The
      time per output token is that step (without mixed steps stretched by the
      prefills, below): the mean over a decode's steps.
    - Time to first token with mixed steps: the n new prompt tokens go through in chunks
      of what the step's budget leaves, budget − B tokens: k = ⌈n / (budget − B)⌉ steps of
      the B sequences decoding when the prompt arrives (a Poisson arrival sees the time
      average), each carrying n/k of them
      (:func:`~payback.hardware.prompts.prompt_service_seconds`, s), after half a step on
      average for the one under way (when one is: the share of time anything decodes,
      1 − e^(−B)), and after the prompts queued before them on that chunk stream, each
      holding it for q (:func:`~payback.hardware.prompts.prompt_occupancy_seconds`): an
      M/D/1 queue busy ρ = λ · q (:func:`~payback.hardware.queueing.stream_wait`):
      ttft = h + (1 − e^(−B)) · step / 2 + ρ / (2 (1 − ρ)) · q + s, h the engine's time a
      request outside its steps
      (:attr:`~payback.hardware.serving.ServingEngine.request_overhead_s`). Where the
      token budget caps the capacity (B_cap under ``batch_cap``) this stream is the
      bottleneck: ρ → 1 as u → 1.
    - Without mixed steps a prompt is prefilled alone: the queue's service is its prefill,
      ρ = λ · prefill, and ttft = h + wait + prefill + one step; the prefills pause the
      batch λ · prefill of the time, so a decode step takes step / (1 − λ · prefill).
    - Before all that, the wait for a free sequence slot: a request holds one of the
      c = ``batch_cap`` slots (memory, the engine's ``max_num_seqs`` or the latency
      target) for its O steps, T = O · step (without mixed steps stretched by the
      prefills), so the slots are an M/D/c queue offered a = λ · T = B
      (:func:`~payback.hardware.queueing.slot_wait`, Cosmetatos's correction of the M/M/c
      wait, Erlang C): a = c at the capacity where the slots cap it. The token budget is
      no slot limit: counted as ⌊B_cap⌋ slots as well as on the prompt stream, the same
      bottleneck queued twice (a 16,000-token prompt on an H100 at 1.4 requests a second
      waited 416 ms for one slot with 2 output tokens, 33 ms for two with 4, so the longer
      output ended sooner). Negligible below about 90% with a hundred slots; at u = 1 the
      mean first token is ∞ (a Poisson stream at exactly the capacity has no bounded
      queue, on the slots or on the prompt stream, whichever caps it).
    """
    running, step, ttft, queue = loaded_latency_arrays(
        args,
        max(batch_cap, 1),
        utilization=utilization,
        mean_context=mean_context,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_share=cached_share,
        budget=budget,
        engine=engine,
    )
    return LoadedLatency(
        utilization=utilization,
        running=float(running[0]),
        tpot_s=float(step[0]),
        ttft_s=float(ttft[0]),
        slot_wait_s=float(queue[0]),
    )


@dataclass(frozen=True)
class ClosedLoopLatency:
    """Latency of a replica serving a fixed number of clients, each sending its next
    request as soon as the last one ends (a closed loop: ``vllm bench serve
    --max-concurrency``, GenAI-Perf/AIPerf ``--concurrency``)."""

    concurrency: int
    running: float
    """Sequences decoding together; the rest of the clients' requests wait for a slot or
    are being prefilled."""
    requests_per_s: float
    """Requests ended a second (over a run of a given number of requests, that number
    over the run's duration)."""
    tpot_s: float
    """Time per output token: a step at that batch, prompt chunks included [s]."""
    ttft_s: float
    """Mean time to the first token, waiting for a slot included [s]."""
    e2e_s: float
    """Mean time from sending a request to its last token [s] (over a run, the clients
    over the run's requests a second, as a benchmark derives it)."""


def startup_burst(
    args: dict[str, Any],
    *,
    clients: int,
    input_tokens: float,
    cached_share: float,
    budget: float,
    engine: sv.ServingEngine = sv.VLLM,
) -> tuple[Any, Any]:
    """First-token times of ``clients`` prompts that all arrive at once on an idle replica
    (the start of a benchmark run: ``vllm bench serve --request-rate inf`` sends every
    client's first request together), and how many steps of that burst each prompt's
    sequence decodes in after its own.

    First come, first served under the token budget, as vLLM's scheduler takes them
    (running sequences first, one token each, then waiting prompts in order, the last one
    cut to the budget's room): step j carries the decode tokens of the D_j prompts already
    done and up to ``budget`` − D_j prompt tokens, and lasts
    :func:`~payback.hardware.serving.decode_step_seconds` of D_j sequences carrying them
    (their matrix work at the prefill utilisation). A prompt finished in step j has its
    first token when step j ends. With no budget (∞) every prompt goes in the first step.
    The room is at least one token a step, so the burst always ends.

    Returns two arrays, one element per prompt in arrival order: the first-token time [s]
    and the burst steps after its own."""
    _, compute, new = prompt_parts(args, input_tokens, cached_share, engine)
    tokens = max(new, 1.0)
    per_token = float(compute) / tokens
    left = np.full(clients, tokens)
    first = np.zeros(clients)
    step_of = np.zeros(clients, dtype=np.int64)
    done, elapsed, steps = 0, 0.0, 0
    while done < clients:
        steps += 1
        room = max(budget - done, 1.0)
        carried, finished, i = 0.0, 0, done
        while room > 0.0 and i < clients:
            take = min(float(left[i]), room)
            left[i] -= take
            room -= take
            carried += take
            finished += int(left[i] <= 0.0)
            i += 1
        elapsed += float(
            sv.decode_step_seconds(
                batch=float(done),
                context=input_tokens,
                engine=engine,
                prefill_compute_s=carried * per_token,
                prefill_tokens=carried,
                **args,
            )
        )
        first[done : done + finished] = elapsed
        step_of[done : done + finished] = steps
        done += finished
    return first, steps - step_of


def paused_share(requests_per_s: Any, prefill_s: Any, clients: int) -> Any:
    """The share of a sequence's decode time that its steps run, without mixed steps:
    every other client's prompt is prefilled in a step of its own while the batch waits
    (vLLM V0's scheduler below 32K of context, ``Scheduler._schedule_default``: waiting
    prompts first, decoding paused), so the decode phase D of (O − 1) steps stretches by
    the prefills of the other N − 1 clients that arrive during it, at (N − 1) / N of the
    replica's X requests a second: D = (O − 1) · step + X · (N − 1) / N · p · D, so
    (O − 1) · step / D = 1 − X · p · (N − 1) / N. With one client nothing pauses it."""
    others = max(clients - 1, 0) / max(clients, 1)
    busy = np.asarray(requests_per_s, dtype=np.float64) * prefill_s * others
    return np.maximum(1.0 - busy, 1e-9)


def _closed_loop(
    args: dict[str, Any], grid: Any, clients: tuple[int, int], load: dict[str, Any]
) -> tuple[Any, Any, Any, Any, Any]:
    """At each batch of ``grid``: requests/s, the step, the sequences running, a
    request's prefill phase and its decode time (see :func:`latency_at_concurrency`);
    ``clients`` the loop's N and the min(N, cap) of them that cycle through the prompts."""
    rates = replica_rates(args, grid, slots_full=False, **load)
    rps = np.broadcast_to(np.asarray(rates.requests_per_s, dtype=np.float64), grid.shape)
    steps = np.broadcast_to(np.asarray(rates.load_step_s, dtype=np.float64), grid.shape)
    running = np.broadcast_to(np.asarray(rates.running, dtype=np.float64), grid.shape)
    service, queued = prompt_times(args, running, **_prompt_load(load))
    outside = load["engine"].request_overhead_s
    decode = (max(load["output_tokens"], 1.0) - 1.0) * steps
    if not np.isfinite(load["budget"]) and load["engine"].prefill_pauses_decode:
        decode = decode / paused_share(rps, queued, clients[1])
    under_way = outside
    if np.isfinite(load["budget"]) and clients[0] > 1:
        # sent when its predecessor's last step ends: in at the next boundary (a whole
        # step) when its time outside the steps is short; past half a step, at a phase the
        # steps' varying lengths spread, half a step on average after it arrives
        under_way = np.maximum(steps, outside + steps / 2.0)
    away = under_way + np.maximum(service - queued, 0.0) + decode
    phase = under_way + closed_queue_wait(clients=clients[1], service_s=queued, think_s=away)
    return rps, steps, running, np.broadcast_to(phase + service, grid.shape), decode


def latency_at_concurrency(
    args: dict[str, Any],
    *,
    concurrency: int,
    batch_cap: int,
    mean_context: float,
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    budget: float,
    engine: sv.ServingEngine = sv.VLLM,
    requests: int | None = None,
) -> ClosedLoopLatency:
    """Throughput and latency when ``concurrency`` N clients keep one request each in
    flight (a closed loop), the replica running at most ``batch_cap`` sequences.

    A fixed concurrency is not a Poisson rate: the N requests are all in the system, each
    either decoding or before its first token (waiting for a slot, or its prompt going
    through). With B of them decoding, the replica finishes X(B) = B / (O · step(B))
    requests a second (:func:`replica_rates`), and a request spends
    E(B) = p(B) + (O − 1) · step(B) in the system when it is admitted at once, p(B) its
    prefill phase: the step under way, the wait behind other prompts on the chunk
    stream, and its own chunks (:func:`~payback.hardware.prompts.prompt_service_seconds`).
    That wait is a closed queue's (:func:`~payback.hardware.queueing.closed_queue_wait`
    over the min(N, cap) clients that cycle, the rest of a request their time away): at
    most N − 1 prompts ahead, where an open M/D/1 queue grows without bound near capacity
    (8 clients of 28,680-token prompts on an A100, docs/accuracy.md L17: 1.68x → 1.03x).
    The step under way is a whole one, not the half a Poisson arrival finds: a client
    sends its next request when its last token comes, at a step's end, and the engine
    has by then launched the next step for the sequences still decoding; the prompt
    reaches the scheduler during that step and waits it out (vLLM V1's
    ``EngineCore.run_busy_loop`` takes new requests from its input queue only between
    steps: schedule, execute, update). Where the engine's time a request outside its
    steps, h, is over half a step, the prompt reaches the
    scheduler h after it was sent, at a phase of the steps that their varying lengths
    (steps with prompt chunks and without) spread, and waits half a step on average:
    max(step, h + step / 2) in all. With one client nothing else decodes and the idle
    engine takes the prompt h after it was sent. Source: the run's
    schedule (``benchmarks/closed_loop_schedule.py``): with any time at all between a
    request's end and its successor reaching the engine, the mean first token at 4
    clients of rows L9-L13 goes from 38 to 58 ms (63 measured); no factor. Little's law
    over the loop, N = X · E, gives the batch: the B with X(B) · E(B) = N, solved on a
    grid from 1/64 of a sequence (with long prompts and few clients, less than one
    sequence decodes on average: most of a request's time is its prompt) to min(N, cap)
    in quarters, then on its bracket. If even B = min(N, cap) leaves N above that, the
    others wait for a slot: E = N / X(cap). Then E = N / X, TTFT = max(p, E − (O − 1) ·
    step) and the time per output token is the step; without mixed steps (vLLM V0) the
    decode phase is (O − 1) · step / :func:`paused_share` (others' prefills pause it).

    ``requests`` R: a run of R requests in all, its figures averaged over the run as a
    benchmark reports them (``vllm bench serve --num-prompts R --max-concurrency N``:
    requests/s = R / the run's duration, the mean TTFT over the R requests). The run
    starts with every client's request at once, not in the steady state's spread:
    the first m = min(N, cap) prompts go through the token budget together
    (:func:`startup_burst`: first tokens t_i, and a_i steps of the burst after prompt i's
    own, each giving it a token), so their first tokens come later and they end at
    E_i = t_end + (O − 1 − a_i) · step (the rest of their tokens at the steady step; the
    N − m beyond the cap count at the steady E). Little's law over the run, N clients
    busy until the last request is sent, then the last N in flight ending over E:
    duration = R · E / N + mean E_first − E / 2 (E / N = 1 / X), requests/s = R /
    duration, e2e = N / (requests/s) and TTFT = (Σ first-burst TTFT + (R − N) · steady
    TTFT) / R. The time per output token stays the steady step. R = ∞ (None) is the
    steady state alone.
    Source: the closed-loop sweep of docs/accuracy.md rows L9-L13 (300 prompts, all sent
    at once): its P99 first token at 8-48 clients (268, 503, 938 and 1,483 ms) is the
    burst's last prompt (267, 554, 1,089 and 1,629 ms), no factor set from it.
    """
    load: dict[str, Any] = {
        "mean_context": mean_context,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_share": cached_share,
        "budget": budget,
        "engine": engine,
    }
    if concurrency < 1:
        raise PaybackError.bad("concurrency", concurrency, "a whole number of clients ≥ 1")
    top = float(max(min(concurrency, batch_cap), 1))
    # below one sequence too: with long prompts and few clients, most of a request's time
    # is its prompt, and on average less than one sequence decodes
    fine = np.arange(1.0, min(top, 64.0), 0.25)  # then 256 steps: the root is refined below
    coarse = np.geomspace(64.0, top, 256) if top > 64.0 else np.empty(0)
    grid = np.unique(np.concatenate([LOW_BATCHES, fine, coarse, [top]]))
    clients = (concurrency, int(top))
    rps, steps, running, phase, decode = _closed_loop(args, grid, clients, load)
    in_system = rps * (phase + decode)  # the min(N, cap) clients holding slots
    reached = np.nonzero(in_system >= top * (1.0 - 1e-12))[0]
    i = 0  # the smallest batch holds the N requests already, or the solution below
    if not reached.size:  # even min(N, cap) decoding leaves N above: the others wait
        i = grid.size - 1
    elif reached[0] > 0:  # N = X · E between two batches: solve it there
        j = int(reached[0])
        low, high = (float(grid[j - 1]), float(in_system[j - 1])), (grid[j], in_system[j])
        for _ in range(40):  # regula falsi (Illinois) on the bracket
            batch = np.array([low[0] + (top - low[1]) * (high[0] - low[0]) / (high[1] - low[1])])
            rps, steps, running, phase, decode = _closed_loop(args, batch, clients, load)
            held = float(rps[0] * (phase[0] + decode[0]))
            if abs(held - top) <= 1e-12 * top:
                break
            if held < top:
                low, high = (float(batch[0]), held), (high[0], (high[1] + top) / 2)
            else:
                high, low = (float(batch[0]), held), (low[0], (low[1] + top) / 2)
        if held < top * (1.0 - 1e-9):  # a step in X · E the bracket closed on: its top end
            batch = np.array([float(high[0])])
            rps, steps, running, phase, decode = _closed_loop(args, batch, clients, load)
    x = float(rps[i])
    ttft = max(float(phase[i]), concurrency / x - float(decode[i]))
    step = float(steps[i])
    tpot = float(decode[i]) / (output_tokens - 1.0) if output_tokens > 1.0 else step
    steady = ttft + float(decode[i])
    if requests is None:
        return ClosedLoopLatency(
            concurrency=concurrency,
            running=float(running[i]),
            requests_per_s=x,
            tpot_s=tpot,
            ttft_s=ttft,
            e2e_s=steady,
        )
    if requests < concurrency:
        raise PaybackError.bad(
            "requests", requests, f"a whole number of requests ≥ the {concurrency} clients"
        )
    wave = int(min(concurrency, max(batch_cap, 1)))
    first, after = startup_burst(
        args,
        clients=wave,
        input_tokens=input_tokens,
        cached_share=cached_share,
        budget=budget,
        engine=engine,
    )
    first = first + engine.request_overhead_s
    late = np.maximum(max(output_tokens, 1.0) - 1.0 - after, 0.0) * step
    ends = float(np.sum(float(first.max()) + late)) + (concurrency - wave) * steady
    starts = float(np.sum(first)) + (concurrency - wave) * ttft
    duration = (requests + ends / steady) * steady / concurrency - steady / 2.0
    rate = requests / duration
    return ClosedLoopLatency(
        concurrency=concurrency,
        running=float(running[i]),
        requests_per_s=rate,
        tpot_s=tpot,
        ttft_s=(starts + (requests - concurrency) * ttft) / requests,
        e2e_s=concurrency / rate,
    )
