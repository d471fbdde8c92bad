"""The figures behind docs/accuracy.md's bullet on rows Q85, Q88 and Q89 (vLLM 0.19.1 on
an RTX 5090, Poisson arrivals, first token 0.70-0.71x the estimate where the same GPU's
closed loops L44 and L45 read 1.32-1.39x): run on demand, not a test. Every measured
figure below is copied from FreedomIntelligence/AccelMark (commit 5797fc4)
results/verified/nvidia_geforce_rtx_5090x1_suite_{A,C,F}_nvidia_vllm_47f5d58e_*/
{online,sustained,burst}/result.json and, for the A100 rows, the
nvidia_a100_sxm4_80gbx1_suite_{A,C}_nvidia_vllm020_0f6c56e4_* runs; the harness is
loadgen/loadgen.py as of the runs (commit 3ae358a, before 5797fc4 added the online
warm-up).

1. One stall per engine start. Each scenario runs in a fresh process that loads the
   model, and the online scenario then timed its first rate from the first request (no
   warm-up until 5797fc4). If the engine stalls T seconds once, at the start of the first
   of the three runs, the requests arriving in [0, T) (λ a second) wait T − t, so λ (T − x)
   of the N requests exceed x: T = P_q + (1 − q) · N / λ, from the P90 and from the P99
   alike. A stall in each run would give T = P_q + (1 − q) · N / (3 λ), where the two
   disagree by seconds. The sustained loops' first minute and the burst scenario's first
   cycle show the same stall; the next rates do not.
2. What it does to the median: k = λ T requests lie above every unstalled one, so the
   pooled median is the unstalled requests' quantile 0.5 N / (N − k), above their median.
   The burst scenario's steady windows (the same 300 prompts at the same 5 requests/s,
   each window starting on an idle engine, the stall in the first) give a second quantile
   of the same distribution; a line through the two reaches its median.
3. The prefix cache: vLLM V1 caches every full 16-token block, generated ones too, and
   evicts the least recently freed first (docs/design/prefix_caching.md), so a prompt
   cycled through a run is served from the cache only when the blocks of the requests
   between two uses of it (the cycle: distinct prompts × (input + output) tokens) fit the
   KV pool (payback's estimate of it). The closed loops cycle the suite's first 100
   prompts, the Poisson runs all 300. With the cache where it fits, what is left is read
   two ways, which medians cannot tell apart: one step more (vLLM's async scheduling forms
   step N + 1 while step N runs, so a prompt arriving in step N rides step N + 2), or more
   time outside the steps than the 8.5 ms set on S51, whose run went three times over 150
   prompts, so that two passes in three were hits (the run's P50, P90 and P99 fit that
   reading with one constant within 0.8 ms, the all-computed one within 3.5 ms).

``PYTHONPATH=src python benchmarks/accelmark_first_token_5090.py``
"""

from __future__ import annotations

from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.estimate import ServingEstimate, estimate_serving, serving_at_concurrency
from payback.hardware.placement import model_kv_bytes_per_token

REQUESTS = 900  # three runs of the suite's 300 prompts at each rate
FIRST_RATE = {  # run: (rate [1/s], TTFT P50, P90, P99 [ms]) at its first rate
    "A bf16": (5.0, 71.85, 14954.81, 28894.37),
    "C bf16": (5.0, 76.32, 21327.76, 35231.95),
    "C w4a16": (5.0, 40.53, 15434.43, 29397.26),
    "C w8a16": (5.0, 55.37, 25266.98, 39201.74),
    "F bf16": (10.0, 32.25, 28327.02, 35964.03),
}
NEXT_RATE_P99 = {"C bf16": 176.69, "C w4a16": 78.53, "C w8a16": 121.66, "F bf16": 71.86}
"""The P99 [ms] of the next rate (10 requests/s for suite C, 40 for F), the same process."""
SUSTAINED = {  # run: (minute 1 output tok/s, mean after the warm-up, minute 1 TTFT P99 [ms])
    "A bf16": (311.1, 707.8, 30310.5),
    "C bf16": (310.3, 704.3, 29888.0),
    "C w4a16": (641.1, 1438.4, 30431.4),
    "C w8a16": (440.3, 1203.2, 36029.4),
    "F bf16": (683.0, 4191.9, 49096.4),
}
BURST_STEADY = (68.68, 1812, 581, 27870.89)
"""Suite A's burst scenario, its steady windows at 5 requests/s: the pooled median [ms],
the requests in all, those of the first cycle and its P99 [ms] (cycles 2 and 3: 110.76 and
119.48 ms)."""

LLAMA = "llama-3.1-8b"
CLOSED = [  # row, GPU, input, output, measured median first token [ms]; 8 clients, 100 prompts
    ("L14", "a100-80gb", 255, 346, 34.5),
    ("L16", "a100-80gb", 279, 358, 34.5),
    ("L44", "rtx-5090", 255, 347, 34.9),
    ("L45", "rtx-5090", 279, 359, 35.1),
]
"""As the table has them (benchmarks/accuracy.py): the minutes after the suite's warm-up
minutes (from the 3rd of suite A, the 2nd of C), the median of the minutes' medians."""
POISSON = [  # row, GPU, input, output, rate [1/s], measured median first token [ms]; 300 prompts
    ("Q1", "a100-80gb", 250, 346, 5.0, 40.2),
    ("Q3", "a100-80gb", 274, 358, 5.0, 41.15),
    ("Q4", "a100-80gb", 274, 358, 10.0, 52.06),
    ("Q85", "rtx-5090", 250, 347, 5.0, 71.85),
    ("Q88", "rtx-5090", 274, 359, 5.0, 76.32),
    ("Q89", "rtx-5090", 274, 359, 10.0, 96.15),
]


def stall_seconds(rate: float, p90_ms: float, p99_ms: float, runs: int = 1) -> tuple[float, float]:
    """The stall T [s] that the P90 and the P99 each give, the stall in ``runs`` of the
    three runs: T = P_q + (1 − q) · N / (runs · λ)."""
    share = REQUESTS / (runs * rate)
    return p90_ms / 1e3 + 0.10 * share, p99_ms / 1e3 + 0.01 * share


def print_stalls() -> None:
    """Item 1: the stall's length from each run's first rate, and the other scenarios."""
    print("1. One stall at the first rate: T [s] from the P90 and the P99")
    for run, (rate, _, p90, p99) in FIRST_RATE.items():
        once = stall_seconds(rate, p90, p99)
        each = stall_seconds(rate, p90, p99, runs=3)
        after = NEXT_RATE_P99.get(run)
        nxt = "" if after is None else f"; the next rate's P99 {after:.0f} ms"
        print(
            f"   {run}: once {once[0]:.1f} and {once[1]:.1f}; in each run {each[0]:.1f} "
            f"and {each[1]:.1f}{nxt}"
        )
    for run, (first, later, p99) in SUSTAINED.items():
        lost = 60.0 * (1.0 - first / later)
        print(
            f"   sustained {run}: minute 1 {first:,.0f} tok/s against {later:,.0f} after "
            f"({lost:.1f} s of output lost), its first-token P99 {p99 / 1e3:.1f} s"
        )
    print(f"   burst A: the first cycle's steady P99 {BURST_STEADY[3] / 1e3:.1f} s")


def print_median_shift() -> float:
    """Item 2: the quantile the pooled median stands at, and the unstalled median of
    suite A at 5 requests/s [ms] (returned)."""
    print("2. The pooled median over the stall")
    rate, p50, p90, p99 = FIRST_RATE["A bf16"]
    t_online = sum(stall_seconds(rate, p90, p99)) / 2.0
    q_online = 0.5 * REQUESTS / (REQUESTS - rate * t_online)
    burst_p50, burst_n, cycle_n, cycle_p99 = BURST_STEADY
    t_burst = cycle_p99 / 1e3 + 0.01 * cycle_n / rate
    q_burst = 0.5 * burst_n / (burst_n - rate * t_burst)
    slope = (p50 - burst_p50) / (q_online - q_burst)
    median = burst_p50 - slope * (q_burst - 0.5)
    for run, (r, m, a, b) in FIRST_RATE.items():
        t = sum(stall_seconds(r, a, b)) / 2.0
        k = r * t
        print(
            f"   {run}: {k:.0f} of {REQUESTS} requests in the stall, the pooled median "
            f"({m:.1f} ms) is the others' quantile {0.5 * REQUESTS / (REQUESTS - k):.3f}"
        )
    print(
        f"   suite A at 5/s: online p{q_online * 100:.1f} = {p50:.2f} ms, burst steady "
        f"p{q_burst * 100:.1f} = {burst_p50:.2f} ms: median about {median:.1f} ms"
    )
    return median


def kv_tokens(gpu: str, prompt: int, out: int) -> float:
    """The KV pool of payback's estimate on ``gpu`` [tokens]."""
    cat = default_catalog()
    model = cat.model(LLAMA)
    est = estimate_serving(model, cat.gpu(gpu), "bf16", input_tokens=prompt, output_tokens=out)
    return float(est.kv_cache_gb * 1e9 / model_kv_bytes_per_token(model, "bf16"))


def cached_share(prompt: int) -> float:
    """The share of a prompt in full 16-token blocks, what a hit serves."""
    return (prompt // 16 * 16) / prompt


def closed_first_token(gpu: str, prompt: int, out: int, share: float) -> tuple[float, float]:
    """The estimate's first token and step [ms] at 8 clients, ``share`` of each prompt cached."""
    cat = default_catalog()
    loop = serving_at_concurrency(
        cat.model(LLAMA), cat.gpu(gpu), "bf16", concurrency=8, input_tokens=prompt,
        output_tokens=out, gpus_per_replica=1, engine=sv.VLLM, cached_input_share=share,
    )  # fmt: skip
    return loop.ttft_s * 1e3, loop.tpot_s * 1e3


def poisson_first_token(
    gpu: str, prompt: int, out: int, rate: float, share: float
) -> tuple[float, float]:
    """The estimate's first token and step [ms] at ``rate`` a second, ``share`` cached."""
    cat = default_catalog()
    model, card = cat.model(LLAMA), cat.gpu(gpu)

    def at(use: float | None) -> ServingEstimate:
        return estimate_serving(
            model, card, "bf16", input_tokens=prompt, output_tokens=out,
            cached_input_share=share, gpus_per_replica=1, utilization=use,
        )  # fmt: skip

    est = at(rate / at(None).replica_requests_per_s)
    return float(est.ttft_at_utilization_ms or 0.0), float(est.tpot_at_utilization_ms or 0.0)


INTERACTIVE_A100 = (27.78, 42.95, 59.38)
"""S51's run (vLLM 0.20.1, one request at a time, three passes over the first 150 prompts of
suite A): its first token's P50, P90 and P99 [ms]."""
INTERACTIVE_LENGTHS = (199, 321, 545, 456, 585)
"""Those prompts' tokens (their dataset's ``input_tokens`` plus about 10 of chat template)
at the quantiles each reading needs: all computed, P50, P90 and P99 at the 50th, 90th and
99th; two passes in three cached, the P50 a hit, the P90 and P99 the computed pass's 70th
and 97th (the 405th and 446th of 450)."""


def print_interactive() -> float:
    """Whether S51's run read its prompts from the cache: each reading's first tokens at
    those quantiles, less the measured ones, with the one constant that fits the P50; the
    time outside the steps [ms] the hits reading implies (returned)."""
    print("   S51's run: estimate - measured at P50, P90, P99 [ms], one constant fitted")
    cat = default_catalog()
    model, card = cat.model(LLAMA), cat.gpu("a100-80gb")

    def alone(tokens: int, share: float) -> float:
        return float(
            estimate_serving(
                model, card, "bf16", input_tokens=tokens, output_tokens=346,
                cached_input_share=share,
            ).ttft_ms
        )  # fmt: skip

    full = [alone(n, 0.0) for n in INTERACTIVE_LENGTHS]
    hit = alone(INTERACTIVE_LENGTHS[0], cached_share(INTERACTIVE_LENGTHS[0]))
    p50 = INTERACTIVE_A100[0]
    computed = (full[0], full[3], full[4])
    hits = (hit, full[1], full[2])
    for name, reading in (("all computed", computed), ("two in three hits", hits)):
        shift = p50 - reading[0]
        gaps = [m + shift - x for m, x in zip(reading, INTERACTIVE_A100, strict=True)]
        print(f"     {name}: constant {shift:+.1f}; " + ", ".join(f"{g:+.1f}" for g in gaps))
    print(f"     a hit as estimated today: {hit:.1f} ms ({hit / p50:.2f}x the P50)")
    return float(sv.VLLM.request_overhead_s * 1e3 + p50 - hit)


def print_cache(clean_q85: float) -> None:
    """Item 3: whether each run's prompt cycle fits the KV pool, and the estimate with the
    cache where it does, then with one step more."""
    print("3. The prefix cache: cycle against the KV pool [thousand tokens]; first token [ms]")
    extra = print_interactive() - sv.VLLM.request_overhead_s * 1e3
    print(f"   read as hits, S51 puts {extra + 8.5:.1f} ms outside the steps (+{extra:.1f})")
    for row, gpu, prompt, out, measured in CLOSED:
        pool, cycle = kv_tokens(gpu, prompt, out), (100 + 8) * (prompt + out)
        share = cached_share(prompt) if cycle < pool else 0.0
        now, _ = closed_first_token(gpu, prompt, out, 0.0)
        hit, step = closed_first_token(gpu, prompt, out, share)
        print(
            f"   {row} {gpu}: cycle {cycle / 1e3:.0f} of {pool / 1e3:.0f}; measured "
            f"{measured:.1f}; estimate {now:.1f} ({now / measured:.2f}x), cached {hit:.1f} "
            f"({hit / measured:.2f}x), + a step {hit + step:.1f} ({(hit + step) / measured:.2f}x), "
            f"+ {extra:.1f} {hit + extra:.1f} ({(hit + extra) / measured:.2f}x)"
        )
    for row, gpu, prompt, out, rate, measured in POISSON:
        pool, cycle = kv_tokens(gpu, prompt, out), 300 * (prompt + out)
        share = cached_share(prompt) if cycle < pool else 0.0
        now, _ = poisson_first_token(gpu, prompt, out, rate, 0.0)
        hit, step = poisson_first_token(gpu, prompt, out, rate, share)
        ours = clean_q85 if row == "Q85" else measured
        print(
            f"   {row} {gpu} {rate:g}/s: cycle {cycle / 1e3:.0f} of {pool / 1e3:.0f} "
            f"(cached {share:.2f}); measured {measured:.1f}; estimate {now:.1f} "
            f"({now / measured:.2f}x), with the cache {hit:.1f}, + a step {hit + step:.1f} "
            f"({(hit + step) / ours:.2f}x), + {extra:.1f} {hit + extra:.1f} "
            f"({(hit + extra) / ours:.2f}x){' of the unstalled median' if row == 'Q85' else ''}"
        )


if __name__ == "__main__":
    print_stalls()
    print_cache(print_median_shift())
