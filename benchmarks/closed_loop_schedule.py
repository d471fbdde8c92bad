"""A closed-loop benchmark run scheduled step by step, with payback's own step time: the
check behind docs/accuracy.md's bullet on rows L9-L13 (run on demand, not a test).

The scheduler is vLLM V1's as far as a step's contents go: sequences decoding first, one
token each, then waiting prompts first come, first served, the last cut to the token
budget's room; a prompt's first token comes at the end of the step that finishes it. A
step lasts :func:`payback.hardware.serving.decode_step_seconds` of the sequences decoding,
carrying the prompt tokens' matrix work. N clients each send their next request as soon as
the last one ends, all N at t = 0 (``vllm bench serve --request-rate inf
--max-concurrency N``), R requests in all; requests/s is R over the run's duration.

What it shows: no schedule of these steps, whatever the output lengths, gives the
measured first tokens of L11-L13 (the published median at 48 clients, 840 ms, is above
any median here), while the run's last first tokens (the start's burst) match the
published P99. With the API server's event loop as one FIFO server in the loop
(``frontend_s`` a token), no per-token cost gives them either: below the server's
saturation the first tokens move by about one step (a prompt sent at a step's end misses
the step already launched), and the cost that reaches the measured mean at 48 clients
saturates the server, taking the run's request rate below the measured one while leaving
32 clients' first tokens short. Nor does a KV pool smaller than the default one (a
memory setting the page does not state): the pool that brings 48 clients' mean first
token to the measured one leaves 32 clients' untouched, one that delays 32 clients'
takes the 48-client rate far below the measured one, and none reaches 16 clients'. A
serial cost per request in the API server (``admit_s``), as large as the time a prompt
served alone spends outside the engine, moves the first tokens by at most 20 ms. Holding
each request the measured gap before the engine (``delay_s``) brings the run's request
rate at 16-48 clients within 2% of the measured one: the missing time is spent before
the scheduler, where a request holds no place in the batch.

``python benchmarks/closed_loop_schedule.py``
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.estimate import on_gpu, serving_shape
from payback.hardware.placement import DECODE_ONLY

MEASURED_4090 = {  # clients: req/s, mean TTFT, median TTFT, P99 TTFT [ms] (L9-L13's source)
    4: (2.09, 63, 53, 157),
    8: (3.78, 79, 55, 268),
    16: (6.44, 155, 97, 503),
    32: (9.73, 362, 277, 938),
    48: (11.87, 667, 840, 1483),
}
MEASURED_L4 = {  # clients: req/s, median TTFT, P95 TTFT [ms] (S43-S46's source, --ignore-eos)
    1: (1.3, 27.0, 115.5),
    2: (2.9, 37.8, 48.2),
    4: (5.4, 50.1, 85.4),
    8: (10.2, 60.9, 88.4),
    16: (17.8, 103.8, 135.7),
    32: (29.5, 135.3, 191.8),
}


GAP_4090 = {4: 0.005, 8: 0.013, 16: 0.070, 32: 0.213, 48: 0.419}
"""The measured mean first token less the estimate (rows L9-L13) [s], held before the
engine to see what the run's request rate says of where that time is spent."""


FRONTEND_S = (78e-6, 265e-6, 500e-6, 800e-6)
"""Per-output-token costs of the API server's event loop tried [s]: 78 µs is the most one
server can spend a token and still stream the 12,850 tokens/s of vllm-project/vllm
PR #12287's A100 run (Llama-3.2-1B, 400 clients, before that change); 265 µs the most the
L4 run's 3,776 tokens/s at 32 clients allows; 500 and 800 µs bracket the server's
saturation at the RTX 4090's 48-client rate."""


ADMIT_S = (5e-3, 17e-3)
"""Serial costs of a request in the API server tried [s] (HTTP, validation, the prompt's
tokenization in one worker thread, vllm-project/vllm issue #25301): at most the 17 ms a
prompt served alone spends outside the engine on the RTX 4090 (53 ms measured, 36 in the
step model)."""

KV_POOLS = (10_000, 13_000, 15_000)
"""KV pools tried [tokens]. At vLLM's default ``--gpu-memory-utilization 0.9`` a 24 GiB
card keeps about 7 GiB for the pool once Mistral-7B's 13.5 GiB of weights and the
activations are in: about 54,000 tokens at 128 KiB a token (32 layers, 8 KV heads of 128,
two bytes, K and V), room for 140 sequences of 384. The page states no memory setting,
so smaller pools are tried: 13,000 tokens (a setting of about 0.67) is where the
48-client mean first token reaches the measured one, 10,000 where 32 clients' begins to
grow."""


def run(
    model: str,
    gpu: str,
    *,
    clients: int,
    input_tokens: int,
    outputs: Any,
    frontend_s: float = 0.0,
    admit_s: float = 0.0,
    kv_tokens: float = math.inf,
    block: int = 16,
    delay_s: float = 0.0,
) -> dict[str, float]:
    """Schedule ``len(outputs)`` requests of ``input_tokens`` and the given output lengths
    over ``clients`` clients; the run's requests/s and its first tokens [ms].

    ``frontend_s`` > 0 puts the API server's event loop in the loop as one FIFO server
    beside the engine (vLLM V1: the engine core is its own process): every output token
    costs it ``frontend_s`` (detokenizing, the SSE chunk), every new request ``admit_s``
    (HTTP, tokenizing), both in arrival order; a prompt reaches the scheduler when its
    admission is done, a token reaches the client when its output work is, and a client
    sends its next request when its last token reaches it.

    ``kv_tokens`` < ∞ gives the engine a KV pool of that many tokens in blocks of
    ``block`` (vLLM V1's ``Scheduler.schedule``, vllm/v1/core/sched/scheduler.py): a
    decoding sequence takes a new block when its tokens fill the last one; when none is
    free the sequence admitted last is preempted (``self.running.pop()``), its blocks
    freed, and it goes back to the head of the queue to recompute its prompt and the
    tokens it has given (its next token comes at the end of that recomputation); a waiting
    prompt goes in only when the pool holds its blocks, else nothing behind it does.

    ``delay_s`` holds every request that long between its sending and the scheduler (in
    parallel, not a queue): a wait before the engine, which keeps the request out of the
    batch, unlike time spent after the engine's first token."""
    catalog = default_catalog()
    engine = on_gpu(sv.VLLM, catalog.gpu(gpu))
    args = serving_shape(catalog.model(model), catalog.gpu(gpu), "bf16", 1, engine)
    prefill_args = {k: v for k, v in args.items() if k not in DECODE_ONLY}
    per_token = (
        float(
            sv.prefill_seconds(
                input_tokens=input_tokens, engine=engine, with_allreduce=False, **prefill_args
            )
        )
        / input_tokens
    )
    budget = engine.max_num_batched_tokens or float("inf")
    outs = np.asarray(outputs)
    total = outs.size
    sent = np.full(total, np.nan)
    first = np.full(total, np.nan)
    ended = np.full(total, np.nan)
    waiting: list[list[float]] = []  # [request, tokens left to compute, ready at]
    free = 0.0  # when the front end's event loop is next idle
    decoding: dict[int, int] = {}  # request: tokens out so far, in order of admission
    given: dict[int, int] = {}  # request: tokens out so far, preempted ones included
    blocks: dict[int, int] = {}  # request: KV blocks it holds
    pool = kv_tokens / block
    used = 0
    preempted = 0
    steps = 0

    def blocks_for(tokens: float) -> int:
        return math.ceil(tokens / block)

    nxt, now = 0, 0.0
    for _ in range(min(clients, total)):
        sent[nxt] = 0.0
        free += admit_s
        waiting.append([nxt, float(input_tokens), free + delay_s])
        nxt += 1
    while np.isnan(ended).any():
        if not decoding and all(w[2] > now for w in waiting):
            now = min(w[2] for w in waiting)
        stepping = list(decoding)
        if math.isfinite(pool):  # each sequence's next token needs room in its blocks
            stepping = []
            order = list(decoding)
            while order:
                r = order[0]
                need = blocks_for(input_tokens + decoding[r]) - blocks[r]
                if used + need <= pool:
                    used += need
                    blocks[r] += need
                    stepping.append(order.pop(0))
                    continue
                victim = order.pop()
                used -= blocks.pop(victim)
                del decoding[victim]
                preempted += 1
                waiting.insert(0, [victim, float(input_tokens + given[victim]), now])
        room = budget - len(stepping)
        chunks: list[tuple[list[float], float]] = []
        for w in waiting:
            if room <= 0 or w[2] > now:
                break
            take = min(w[1], room)
            if math.isfinite(pool):
                r = int(w[0])
                need = blocks_for(input_tokens + given.get(r, 0) - w[1] + take) - blocks.get(r, 0)
                if used + need > pool:
                    break
                used += need
                blocks[r] = blocks.get(r, 0) + need
            chunks.append((w, take))
            room -= take
        carried = sum(take for _, take in chunks)
        if not stepping and not chunks and all(w[2] <= now for w in waiting):
            raise ValueError(f"a KV pool of {kv_tokens} tokens holds no request")
        context = input_tokens + (np.mean([decoding[r] for r in stepping]) if stepping else 0.0)
        steps += 1
        now += float(
            sv.decode_step_seconds(
                batch=float(len(stepping)),
                context=context,
                engine=engine,
                prefill_compute_s=carried * per_token,
                prefill_tokens=carried,
                **args,
            )
        )
        finished = []
        free = max(free, now)
        for r in stepping:
            decoding[r] += 1
            given[r] = decoding[r]
            free += frontend_s
            if decoding[r] >= outs[r]:
                finished.append((r, free))
        for w, take in chunks:
            w[1] -= take
            if w[1] <= 0:
                r = int(w[0])
                waiting.remove(w)
                free += frontend_s
                decoding[r] = given[r] = given.get(r, 0) + 1
                if given[r] == 1:
                    first[r] = free
                if decoding[r] >= outs[r]:
                    finished.append((r, free))
        for r, at in finished:
            del decoding[r]
            used -= blocks.pop(r, 0)
            ended[r] = at
            if nxt < total:
                sent[nxt] = at
                free = max(free, at) + admit_s
                waiting.append([nxt, float(input_tokens), free + delay_s])
                nxt += 1
    ttft = (first - sent) * 1e3
    return {
        "rps": total / float(np.max(ended)),
        "mean": float(ttft.mean()),
        "median": float(np.median(ttft)),
        "p95": float(np.percentile(ttft, 95)),
        "p99": float(np.percentile(ttft, 99)),
        "preempted": float(preempted),
        "steps": float(steps),
    }


def _row_4090(label: str, clients: int, outputs: np.ndarray, **kw: float) -> None:
    """One run of the 4090's loop beside the published figures: ``label`` names the
    setting (``kw``: the keywords of :func:`run` it sets)."""
    rps, mean, median, p99 = MEASURED_4090[clients]
    r = run("mistral-7b", "rtx-4090", clients=clients, input_tokens=256, outputs=outputs, **kw)
    preempted = f", {r['preempted']:3.0f} preemptions" if "kv_tokens" in kw else ""
    print(
        f"    {label}{clients:2d} clients: {r['rps']:5.2f} req/s ({rps}), TTFT mean "
        f"{r['mean']:4.0f} ({mean}), median {r['median']:4.0f} ({median}), "
        f"P99 {r['p99']:5.0f} ({p99}){preempted}"
    )


def main() -> None:
    rng = np.random.default_rng(0)
    print("Mistral-7B, RTX 4090, 256 in, 300 requests (published: req/s, mean/median/P99 TTFT)")
    lengths = {
        "100 each": np.full(300, 100),
        "72-128 (mean 100)": rng.integers(72, 129, 300),
    }
    for name, outs in lengths.items():
        print(f"  outputs {name}")
        for n in MEASURED_4090:
            _row_4090("", n, outs)
    spread = lengths["72-128 (mean 100)"]
    print("  outputs 72-128, the API server's event loop a FIFO server at c a token")
    for c in FRONTEND_S:
        for n in (4, 16, 32, 48):
            _row_4090(f"c = {c * 1e6:3.0f} µs, ", n, spread, frontend_s=c)
    print("  outputs 72-128, the API server's work on each request a serial cost a (c = 0)")
    for a in ADMIT_S:
        for n in (4, 16, 32, 48):
            _row_4090(f"a = {a * 1e3:2.0f} ms, ", n, spread, admit_s=a)
    print("  outputs 72-128, c = 78 µs, a KV pool of P tokens (the default holds about 54,000)")
    for pool in KV_POOLS:
        for n in (16, 32, 48):
            _row_4090(f"P = {pool:6,d}, ", n, spread, frontend_s=FRONTEND_S[0], kv_tokens=pool)
    print("  outputs 72-128, c = 78 µs, each request held the measured gap before the engine")
    for n in MEASURED_4090:
        gap = GAP_4090[n]
        _row_4090(f"{gap * 1e3:3.0f} ms, ", n, spread, frontend_s=FRONTEND_S[0], delay_s=gap)
    print("Qwen2.5-0.5B, L4, 256 in / 128 out (--ignore-eos), 200 requests")
    for c in (0.0, *FRONTEND_S[:2]):
        for n, (rps, median, p95) in MEASURED_L4.items():
            r = run(
                "qwen2.5-0.5b",
                "l4",
                clients=n,
                input_tokens=256,
                outputs=np.full(200, 128),
                frontend_s=c,
            )
            print(
                f"    c = {c * 1e6:3.0f} µs, {n:2d} clients: {r['rps']:5.2f} req/s ({rps}), "
                f"TTFT median {r['median']:5.1f} ({median}), P95 {r['p95']:5.1f} ({p95})"
            )


if __name__ == "__main__":
    main()
