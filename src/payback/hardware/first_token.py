"""The first-token cautions' rows by GPU family, and their lines: vLLM's first token on an
Ada GPU, measured later than estimated under load and by an HTTP server's time a request,
and a long prompt's on an Ada GPU (:data:`payback.hardware.cautions.REGIMES`
``first-token-under-load`` and ``ada-long-prompt`` hold their thresholds and cited
ratios)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from payback.figures import rate_text
from payback.hardware.device import gpu_family
from payback.hardware.placement import serving_shape
from payback.hardware.prompts import prompt_parts

if TYPE_CHECKING:
    from payback.catalog import Gpu, OpenModel
    from payback.hardware import serving as sv
    from payback.hardware.cautions import Regime
    from payback.hardware.estimate import ServingEstimate


@dataclass(frozen=True)
class FirstTokenRuns:
    """The rows the first-token caution cites on one GPU family, and what they say."""

    rows: tuple[str, ...]
    loads: tuple[float, float]
    """Their load: the estimate's output over its capacity (a closed loop), or the rate over
    the estimated capacity (Poisson arrivals)."""
    runs: str
    why: str


FIRST_TOKEN_RUNS: dict[str, FirstTokenRuns] = {
    "ada": FirstTokenRuns(
        ("L10", "L11", "L12", "L13"),
        (0.19, 0.66),
        "closed loops of 8-48 clients",
        "a wait before the engine that grows with the load, which no modelled mechanism explains",
    ),
}
"""The first-token caution's rows by the GPU family they ran on: vLLM's Mistral-7B on an
RTX 4090. The Ampere rows (vLLM 0.20.1 in process on an A100 80GB, AccelMark: L14-L16,
Q1-Q7) are within the goal on average (0.88-1.19x a row) since a request's time outside
the engine's steps is counted
(:attr:`~payback.hardware.serving.ServingEngine.request_overhead_s`)."""
FIRST_TOKEN_FIXED_MS = 20.0
"""The first-token caution's second threshold [ms], on an Ada GPU: under it an HTTP
server's time a request is a large share of the first token at any load. A prompt served
alone by vLLM's OpenAI server on an RTX 4090 and an L4 spent 17-18 ms outside the engine's
steps (docs/accuracy.md, 'Where the goal is missed'), of which the estimate counts vLLM's
8.5 ms in process; L9 (58 ms estimated, 10% of capacity) is outside and within the
goal."""


def first_token_regime(
    regime: Regime, gpu: Gpu, estimate: ServingEstimate, engine: sv.ServingEngine
) -> dict[str, str]:
    """The first-token-under-load regime: vLLM on an Ada GPU, the first token
    estimated at a planned utilisation of at least its threshold, or under
    :data:`FIRST_TOKEN_FIXED_MS` (idle where no utilisation is planned)."""
    family = gpu_family(gpu)
    utilization = estimate.utilization
    ttft = estimate.ttft_ms if utilization is None else estimate.ttft_at_utilization_ms
    if engine.name != "vllm" or family not in FIRST_TOKEN_RUNS or ttft is None:
        return {}
    if not math.isfinite(ttft):  # unbounded at the capacity: no mean to qualify
        return {}
    loaded = utilization is not None and utilization >= regime.threshold
    if not loaded and ttft >= FIRST_TOKEN_FIXED_MS:
        return {}
    runs = FIRST_TOKEN_RUNS[family]
    rows = [r for r in regime.inside if r.row in runs.rows]
    at = "" if utilization is None else f" at {rate_text(utilization)} of capacity"
    name = family.capitalize()
    if family == "ada" and not loaded:  # its rows measured the load's wait, not this
        return {
            regime.name: f"first token{at} with vllm on an Ada GPU ({gpu.id}): the "
            f"estimate's {ttft:,.0f} ms, under {FIRST_TOKEN_FIXED_MS:g} ms, where a prompt "
            "served alone by vLLM's OpenAI server on an RTX 4090 or an L4 spent 17-18 ms "
            "outside the engine's steps (HTTP, tokenization; docs/accuracy.md, L9 and S46), "
            f"of which the estimate counts {engine.request_overhead_s * 1e3:g} ms (vLLM in "
            "process)"
        }
    return {
        regime.name: f"first token{at} with vllm on an {name} GPU ({gpu.id}): the estimate's "
        f"{ttft:,.0f} ms; published vLLM runs on an {name} GPU at "
        f"{runs.loads[0] * 100:.0f}-{runs.loads[1]:.0%} of their estimated capacity "
        f"({runs.runs}) measured first tokens {min(r.ratio for r in rows):.2f}-"
        f"{max(r.ratio for r in rows):.2f}x the estimate "
        f"(docs/accuracy.md {', '.join(f'{r.row} {r.ratio:.2f}x' for r in rows)}): {runs.why}"
    }


def long_prompt_regime(
    regime: Regime,
    model: OpenModel,
    gpu: Gpu,
    estimate: ServingEstimate,
    engine: sv.ServingEngine,
    cached_input_share: float,
) -> dict[str, str]:
    """The ada-long-prompt regime: on an Ada GPU other than a GeForce card (the RTX 4090 ran
    the same prompt faster than estimated, docs/accuracy.md S62), a prompt whose attention
    arithmetic is at least its threshold x its matrix multiplications' (the prompt's
    arithmetic with and without its attention,
    :func:`~payback.hardware.serving.prefill_seconds`)."""
    if gpu_family(gpu) != "ada" or "GeForce" in gpu.name:
        return {}
    args = serving_shape(model, gpu, estimate.precision, estimate.gpus_per_replica, engine)
    tokens = estimate.input_tokens
    whole = prompt_parts(args, tokens, cached_input_share, engine)[1]
    gemms = prompt_parts(args | {"attention_width": 0.0}, tokens, cached_input_share, engine)[1]
    if float(gemms) <= 0.0:  # the whole prompt cached: none computed
        return {}
    share = float(whole) / float(gemms) - 1.0
    if share < regime.threshold:
        return {}
    return {
        regime.name: f"a {tokens:,.0f}-token prompt on an Ada GPU ({gpu.id}): its attention is "
        f"{share:.2f}x its matrix arithmetic; {regime.mechanism}; a published run in this "
        f"regime took {regime.worst.ratio:.2f}x the estimated first token (docs/accuracy.md "
        f"{regime.rows_text()}; one run)"
    }
