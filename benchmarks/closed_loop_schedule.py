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
published P99.

``python benchmarks/closed_loop_schedule.py``
"""

from __future__ import annotations

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


def run(
    model: str,
    gpu: str,
    *,
    clients: int,
    input_tokens: int,
    outputs: Any,
) -> dict[str, float]:
    """Schedule ``len(outputs)`` requests of ``input_tokens`` and the given output lengths
    over ``clients`` clients; the run's requests/s and its first tokens [ms]."""
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
    waiting: list[list[float]] = []  # [request, prompt tokens left]
    decoding: dict[int, int] = {}  # request: tokens out so far
    nxt, now = 0, 0.0
    for _ in range(min(clients, total)):
        sent[nxt] = 0.0
        waiting.append([nxt, float(input_tokens)])
        nxt += 1
    while np.isnan(ended).any():
        room = budget - len(decoding)
        chunks: list[tuple[list[float], float]] = []
        for w in waiting:
            if room <= 0:
                break
            take = min(w[1], room)
            chunks.append((w, take))
            room -= take
        carried = sum(take for _, take in chunks)
        context = input_tokens + (np.mean(list(decoding.values())) if decoding else 0.0)
        now += float(
            sv.decode_step_seconds(
                batch=float(len(decoding)),
                context=context,
                engine=engine,
                prefill_compute_s=carried * per_token,
                prefill_tokens=carried,
                **args,
            )
        )
        finished = []
        for r in list(decoding):
            decoding[r] += 1
            if decoding[r] >= outs[r]:
                finished.append(r)
        for w, take in chunks:
            w[1] -= take
            if w[1] <= 0:
                r = int(w[0])
                waiting.remove(w)
                first[r] = now
                decoding[r] = 1
                if outs[r] <= 1:
                    finished.append(r)
        for r in finished:
            del decoding[r]
            ended[r] = now
            if nxt < total:
                sent[nxt] = now
                waiting.append([nxt, float(input_tokens)])
                nxt += 1
    ttft = (first - sent) * 1e3
    return {
        "rps": total / float(np.max(ended)),
        "mean": float(ttft.mean()),
        "median": float(np.median(ttft)),
        "p95": float(np.percentile(ttft, 95)),
        "p99": float(np.percentile(ttft, 99)),
    }


def main() -> None:
    rng = np.random.default_rng(0)
    print("Mistral-7B, RTX 4090, 256 in, 300 requests (published: req/s, mean/median/P99 TTFT)")
    lengths = {
        "100 each": np.full(300, 100),
        "72-128 (mean 100)": rng.integers(72, 129, 300),
    }
    for name, outs in lengths.items():
        print(f"  outputs {name}")
        for n, (rps, mean, median, p99) in MEASURED_4090.items():
            r = run("mistral-7b", "rtx-4090", clients=n, input_tokens=256, outputs=outs)
            print(
                f"    {n:2d} clients: {r['rps']:5.2f} req/s ({rps}), TTFT mean {r['mean']:4.0f} "
                f"({mean}), median {r['median']:4.0f} ({median}), P99 {r['p99']:5.0f} ({p99})"
            )
    print("Qwen2.5-0.5B, L4, 256 in / 128 out (--ignore-eos), 200 requests")
    for n, (rps, median, p95) in MEASURED_L4.items():
        r = run("qwen2.5-0.5b", "l4", clients=n, input_tokens=256, outputs=np.full(200, 128))
        print(
            f"    {n:2d} clients: {r['rps']:5.2f} req/s ({rps}), TTFT median "
            f"{r['median']:5.1f} ({median}), P95 {r['p95']:5.1f} ({p95})"
        )


if __name__ == "__main__":
    main()
