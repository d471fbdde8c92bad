"""Latency under Poisson arrivals at a fixed rate (requests a second, not a share of
capacity): a longer output or a longer prompt never ends sooner, and more requests a
second never make a token or a first token sooner. The utilisation is rate ÷ the capacity
for each length, as ``estimate serving --utilization`` is asked.

It was not so: with long prompts and short outputs the token budget holds one to three
sequences at full load, and those were counted as the only slots of an M/D/c queue as well
as on the prompt stream they limit, so a request waited 416 ms for one slot at 2 output
tokens and 33 ms for two at 4; and the busy batch, the smallest whole one whose rate
covered the arrivals, carried prompts at the full load's rate (TPOT at 40% of capacity was
the full load's). Tried as a new user would."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import benchmark_module, run
from payback import PaybackError, estimate_serving
from payback.catalog import default_catalog

CAT = default_catalog()
V0 = benchmark_module("accuracy").VLLM_V0  # prompts prefilled apart, pausing the batch
ENGINES = ("vllm", "sglang", "trtllm", "lean", V0)


def _at_rate(
    model: str,
    gpu: str,
    engine: object,
    rate: float,
    input_tokens: float,
    output_tokens: float,
    gpus: int | None = None,
) -> tuple[float, float, float, float]:
    """TTFT, TPOT, e2e (TTFT + (O − 1) · TPOT) and the slot wait [ms] at ``rate``, on
    replicas of ``gpus`` GPUs (None: the fewest that hold the lengths)."""
    m, g = CAT.model(model), CAT.gpu(gpu)
    lengths = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "engine": engine,
        "gpus_per_replica": gpus,
    }
    capacity = estimate_serving(m, g, **lengths).replica_requests_per_s  # type: ignore[arg-type]
    share = rate / capacity
    assert share <= 1.0, f"{rate} req/s past the capacity {capacity}"
    r = estimate_serving(m, g, utilization=share, **lengths)  # type: ignore[arg-type]
    assert r.ttft_at_utilization_ms is not None
    assert r.tpot_at_utilization_ms is not None
    assert r.slot_wait_at_utilization_ms is not None
    ttft, tpot = r.ttft_at_utilization_ms, r.tpot_at_utilization_ms
    return ttft, tpot, ttft + (output_tokens - 1.0) * tpot, r.slot_wait_at_utilization_ms


@pytest.mark.parametrize(
    ("gpu", "input_tokens", "rate", "was"),
    [
        # the review's figures, e2e ms at 2, 4, 6 and 8 output tokens
        ("h100-sxm", 16000.0, 1.4, (1625.5, 1345.5, 1362.5, 1389.0)),
        ("a100-80gb", 8000.0, 0.609, (1124.9, 1638.0, 1616.0, 1551.8)),
    ],
)
def test_a_longer_output_never_ends_sooner_at_a_fixed_rate(
    gpu: str, input_tokens: float, rate: float, was: tuple[float, ...]
) -> None:
    """Llama 3.1 8B with vLLM: the e2e latency grows with the output; no slot is waited for
    where the token budget, not the slots, limits the replica (the prompt stream queues)."""
    at = [_at_rate("llama-3.1-8b", gpu, "vllm", rate, input_tokens, o) for o in (2, 4, 6, 8)]
    e2e = [a[2] for a in at]
    assert e2e == sorted(e2e), e2e
    assert [a[0] for a in at] == sorted(a[0] for a in at)  # the first token too
    assert all(a[3] < 1e-3 for a in at)  # under a microsecond for a slot
    assert was != tuple(sorted(was))  # (the figures before: not in order)
    # the prompt stream is what a request waits for: most of its first token beyond the
    # unloaded one, which is the same 16,000 or 8,000 tokens' steps at each output
    assert at[-1][0] - at[0][0] < 0.01 * at[0][0]


def test_cli_first_token_at_two_and_four_output_tokens() -> None:
    """``--output-tokens 2 --utilization 0.6547`` gave a first token after 1,392 ms, 416 of
    it waiting for a free slot; ``--output-tokens 4 --utilization 0.6548`` (the same 1.4
    requests a second) 982 ms, 33 of it for a slot."""
    said = []
    for out, share in (("2", "0.6547"), ("4", "0.6548")):
        code, text, err = run(
            "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm",
            "--input-tokens", "16000", "--output-tokens", out, "--utilization", share, "--json",
        )  # fmt: skip
        assert code == 0, err
        said.append(text)
    two, four = (json.loads(t) for t in said)
    assert two["ttft_at_utilization_ms"] <= four["ttft_at_utilization_ms"]
    assert two["slot_wait_at_utilization_ms"] < 1e-3
    assert four["slot_wait_at_utilization_ms"] < 1e-3
    assert 900.0 < two["ttft_at_utilization_ms"] < 950.0  # 920 ms: 476 unloaded, 406 queued


MODELS = ("qwen2.5-0.5b", "llama-3.1-8b", "qwen3-30b-a3b", "gemma-2-9b")
GPUS = ("h100-sxm", "a100-80gb", "l40s", "rtx-4090")
PROMPTS = (200.0, 2000.0, 4000.0, 8000.0, 16000.0, 32000.0)
OUTPUTS = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 16.0, 64.0, 300.0)


def _capacity(model: str, gpu: str, engine: object, i: float, o: float, gpus: int) -> float:
    m, g = CAT.model(model), CAT.gpu(gpu)
    lengths = {"input_tokens": i, "output_tokens": o, "engine": engine, "gpus_per_replica": gpus}
    return estimate_serving(m, g, **lengths).replica_requests_per_s  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(
    model=st.sampled_from(MODELS),
    gpu=st.sampled_from(GPUS),
    engine=st.sampled_from(ENGINES),
    prompts=st.lists(st.sampled_from(PROMPTS), min_size=2, max_size=2, unique=True),
    outputs=st.lists(st.sampled_from(OUTPUTS), min_size=2, max_size=2, unique=True),
    share=st.floats(0.02, 0.99),
)
def test_longer_requests_never_end_sooner_at_a_fixed_rate(
    model: str,
    gpu: str,
    engine: object,
    prompts: list[float],
    outputs: list[float],
    share: float,
) -> None:
    """At one rate, under every length's capacity, on the same replica (the GPUs the
    longest lengths take): e2e grows with the output at a fixed prompt and with the prompt
    at a fixed output."""
    (i1, i2), (o1, o2) = sorted(prompts), sorted(outputs)
    m, g = CAT.model(model), CAT.gpu(gpu)
    try:
        gpus = estimate_serving(
            m,
            g,
            input_tokens=i2,
            output_tokens=o2,
            engine=engine,  # type: ignore[arg-type]
        ).gpus_per_replica
        pairs = list(itertools.product((i1, i2), (o1, o2)))
        rate = share * min(_capacity(model, gpu, engine, i, o, gpus) for i, o in pairs)
    except PaybackError:  # the model does not fit there, or the engine does not run on it
        return
    e2e = {(i, o): _at_rate(model, gpu, engine, rate, i, o, gpus)[2] for i, o in pairs}
    for i in (i1, i2):
        assert e2e[i, o2] >= e2e[i, o1] * (1.0 - 1e-9), (i, o1, o2, e2e)
    for o in (o1, o2):
        assert e2e[i2, o] >= e2e[i1, o] * (1.0 - 1e-9), (o, i1, i2, e2e)


@settings(max_examples=30, deadline=None)
@given(
    model=st.sampled_from(MODELS),
    gpu=st.sampled_from(GPUS),
    engine=st.sampled_from(ENGINES),
    prompt=st.sampled_from(PROMPTS),
    output=st.sampled_from(OUTPUTS),
    shares=st.lists(st.one_of(st.floats(0.01, 0.999), st.just(1.0)), min_size=2, max_size=2),
)
def test_more_requests_a_second_never_make_a_token_sooner(
    model: str, gpu: str, engine: object, prompt: float, output: float, shares: list[float]
) -> None:
    low, high = sorted(shares)
    m, g = CAT.model(model), CAT.gpu(gpu)
    lengths = {"input_tokens": prompt, "output_tokens": output, "engine": engine}
    try:
        a = estimate_serving(m, g, utilization=low, **lengths)  # type: ignore[arg-type]
    except PaybackError:
        return
    b = estimate_serving(m, g, utilization=high, **lengths)  # type: ignore[arg-type]
    assert a.tpot_at_utilization_ms is not None
    assert b.tpot_at_utilization_ms is not None
    assert a.ttft_at_utilization_ms is not None
    assert b.ttft_at_utilization_ms is not None
    assert b.tpot_at_utilization_ms >= a.tpot_at_utilization_ms * (1.0 - 1e-9)
    assert b.ttft_at_utilization_ms >= a.ttft_at_utilization_ms * (1.0 - 1e-9)
    assert math.isinf(b.ttft_at_utilization_ms) == (high == 1.0)


def test_a_budget_bound_replica_is_unbounded_at_its_capacity_on_the_prompt_stream() -> None:
    """16,000-token prompts and 2 output tokens on an H100: vLLM's 8,192-token budget holds
    one sequence at full load, its 16 slots hardly any: at the capacity the prompt stream
    (busy all the time) has no bounded queue, the slots a wait of nothing."""
    m, g = CAT.model("llama-3.1-8b"), CAT.gpu("h100-sxm")
    full = estimate_serving(m, g, input_tokens=16000, output_tokens=2, utilization=1.0)
    assert full.limited_by == "token budget"
    assert full.first_token_unbounded
    assert full.ttft_at_utilization_ms == math.inf
    assert full.tpot_at_utilization_ms == pytest.approx(full.tpot_ms, rel=1e-9)
    near = estimate_serving(m, g, input_tokens=16000, output_tokens=2, utilization=0.999)
    assert near.ttft_at_utilization_ms is not None
    assert 100 * full.ttft_ms < near.ttft_at_utilization_ms < math.inf
