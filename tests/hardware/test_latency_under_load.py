"""Latency under load: the batch a replica runs at a share of its capacity (Little's law)
and the time to the first token with queueing (an M/D/1 queue on the prompt stream, a
closed queue for a fixed number of clients)."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from typer.testing import CliRunner

from payback import PaybackError, estimate_serving
from payback.catalog import default_catalog
from payback.cli import app
from payback.hardware import serving as sv
from payback.hardware.estimate import (
    latency_at_concurrency,
    on_gpu,
    prompt_service_seconds,
    replica_rates,
    serving_shape,
)
from payback.hardware.load import startup_burst
from payback.hardware.placement import DECODE_ONLY
from payback.hardware.prompts import prompt_occupancy_seconds
from payback.hardware.queueing import closed_queue_wait, slot_wait

CAT = default_catalog()
LLAMA8 = CAT.model("llama-3.1-8b")
H100 = CAT.gpu("h100-sxm")
LOAD = {"mean_context": 1100.0, "input_tokens": 1000.0, "output_tokens": 200.0, "cached_share": 0.0}


def test_queue_wait_by_hand() -> None:
    # M/D/1: busy 80% of the time, 10 ms of service: 0.8 / (2 x 0.2) x 10 = 20 ms
    assert float(sv.queue_wait(busy=0.8, service_s=0.01)) == pytest.approx(0.02)
    assert float(sv.queue_wait(busy=0.0, service_s=0.01)) == 0.0
    assert float(sv.queue_wait(busy=5.0, service_s=0.01)) == pytest.approx(0.99 / 0.02 * 0.01)


def test_half_load_by_hand_vllm_on_an_h100() -> None:
    # vLLM on an H100 (8,192 tokens a step), 1,000/200 tokens, capacity at batch 64. At half
    # of it, on average B sequences decode, B = arrivals x 200 x step, the step the one a
    # decoding sequence sees: itself and B others (an M/G/inf occupancy), 1 + B of them,
    # prompts riding on it at the arrivals' rate, B / 200 a step; a prompt's 1,000 tokens
    # fit in one step's room (8,192 - (1 + B)), so k = 1: a share B / 200 of the steps
    # carries one whole prompt. B is the root of B / (200 x step(B)) = arrivals.
    # A prompt rides on the steps of the B decoding when it arrives: its own service s is
    # one step of B carrying its 1,000 tokens; it holds the prompt stream for q, 1,000 /
    # room of a step carrying a full room (8,192 - B) of prompt tokens:
    # ttft = h + (1 - e^-B) x step / 2 + rho / (2 (1 - rho)) x q + s, rho = arrivals x q,
    # h = vLLM's 8.5 ms a request outside the steps; then the wait for one of the 64
    # slots, each held 200 steps: M/D/64 offered arrivals x 200 x step = B.
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA8, H100, "bf16", 1, engine)
    rates = replica_rates(args, 64.0, budget=8192.0, engine=engine, **LOAD)
    arrivals = 0.5 * float(rates.requests_per_s)
    matmul = LLAMA8.params_b * 1e9 - LLAMA8.vocab_size * LLAMA8.hidden_size
    prompt = (2 * matmul * 1000 + 2 * 32 * 4096 * 1000 * 1000) / (989e12 * 0.67)

    def step_at(b: float, prompts: float, tokens: float = 1000.0) -> float:
        return float(
            sv.decode_step_seconds(
                batch=b,
                context=1100.0,
                engine=engine,
                prefill_compute_s=prompt * prompts,
                prefill_tokens=tokens * prompts,
                **args,
            )
        )

    def seen_step(b: float) -> float:
        share = b / 200
        return share * step_at(1 + b, 1.0) + (1 - share) * step_at(1 + b, 0.0)

    mean = brentq(lambda b: b / (200 * seen_step(b)) - arrivals, 1e-9, 64.0, xtol=1e-14)
    step = seen_step(mean)
    service = step_at(mean, 1.0)
    room = 8192.0 - mean
    held = 1000 / room * step_at(mean, room / 1000)
    rho = arrivals * held
    assert held < service  # the step's reads shared by the prompts it carries
    hold = 200 * step
    slots = float(slot_wait(servers=64, offered=arrivals * hold, holding_s=hold))
    assert arrivals * hold == pytest.approx(mean, rel=1e-9)  # Little's law
    ttft = 8.5e-3 + -math.expm1(-mean) * step / 2 + rho / (2 * (1 - rho)) * held + service
    result = estimate_serving(
        LLAMA8, H100, "bf16", input_tokens=1000, output_tokens=200, batch=64, utilization=0.5
    )
    # 20.3 decode on average, under half the cap: at half the rate the steps are shorter
    assert 20 < mean < 21
    assert result.tpot_at_utilization_ms == pytest.approx(step * 1e3, rel=1e-9)
    assert result.ttft_at_utilization_ms == pytest.approx((ttft + slots) * 1e3, rel=1e-9)
    assert result.tpot_at_utilization_ms < result.tpot_ms


def test_static_batches_queue_on_the_prefill() -> None:
    # the lean engine prefills a prompt alone: rho = arrivals x prefill
    result = estimate_serving(
        LLAMA8,
        H100,
        "bf16",
        input_tokens=1000,
        output_tokens=200,
        batch=32,
        utilization=0.9,
        engine="lean",
    )
    args = serving_shape(LLAMA8, H100, "bf16", 1, sv.LEAN)
    rates = replica_rates(args, 32.0, budget=math.inf, engine=sv.LEAN, **LOAD)
    arrivals = 0.9 * float(rates.requests_per_s)
    prefill = float(rates.prefill_s)

    def step(b: float) -> float:  # a decoding sequence's step: itself and b others, ≤ 32
        return float(
            sv.decode_step_seconds(batch=min(1 + b, 32.0), context=1100.0, engine=sv.LEAN, **args)
        )

    # Little's law with the prefills in series: B / (B x prefill + 200 x step) = arrivals
    mean = brentq(lambda b: b / (b * prefill + 200 * step(b)) - arrivals, 1e-9, 32.0, xtol=1e-14)
    rho = arrivals * prefill
    expected = rho / (2 * (1 - rho)) * prefill + prefill + step(mean)
    # and before it the wait for one of the 32 slots, each held for 200 steps stretched by
    # the prefills that take 1 − ρ of the GPU's time: M/D/32 offered B
    hold = 200 * step(mean) / (1 - rho)
    assert arrivals * hold == pytest.approx(mean, rel=1e-9)
    slots = float(slot_wait(servers=32, offered=arrivals * hold, holding_s=hold))
    assert slots * 1e3 == pytest.approx(74.0, abs=0.05)  # 84% of 32 slots held 2.47 s
    assert result.ttft_at_utilization_ms == pytest.approx((expected + slots) * 1e3, rel=1e-9)


@settings(max_examples=15, deadline=None)
@given(low=st.floats(0.05, 0.9), extra=st.floats(0.01, 0.1))
def test_latency_grows_with_load(low: float, extra: float) -> None:
    def at(u: float) -> tuple[float, float]:
        r = estimate_serving(
            LLAMA8, H100, "bf16", input_tokens=1000, output_tokens=200, utilization=u
        )
        assert r.tpot_at_utilization_ms is not None
        assert r.ttft_at_utilization_ms is not None
        return r.tpot_at_utilization_ms, r.ttft_at_utilization_ms

    a, b = at(low), at(min(low + extra, 1.0))
    assert b[0] >= a[0] * (1 - 1e-12)
    assert b[1] >= a[1] * (1 - 1e-12)


def test_full_load_is_the_loaded_step_and_bad_shares_are_refused() -> None:
    full = estimate_serving(
        LLAMA8, H100, "bf16", input_tokens=1000, output_tokens=200, utilization=1.0
    )
    assert full.tpot_at_utilization_ms == pytest.approx(full.tpot_ms, rel=1e-9)
    with pytest.raises(PaybackError, match=r"utilization 1\.5: a share of capacity in \(0, 1\]"):
        estimate_serving(LLAMA8, H100, utilization=1.5)


def test_cli_reports_latency_at_the_planned_load() -> None:
    env = {"COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner(env=env).invoke(
        app,
        [
            "estimate",
            "serving",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm",
            "--utilization",
            "0.7",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "at 70% of capacity" in result.stdout
    bad = CliRunner(env=env).invoke(
        app,
        [
            "estimate",
            "serving",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm",
            "--utilization",
            "0",
        ],
    )
    assert bad.exit_code == 2
    assert len(bad.stderr.strip().splitlines()) == 1


@settings(max_examples=10, deadline=None)
@given(
    clients=st.integers(1, 40),
    prompt=st.sampled_from([200.0, 2000.0, 16000.0]),
    out=st.sampled_from([2.0, 20.0, 300.0]),
)
def test_little_law_holds_over_the_loop(clients: int, prompt: float, out: float) -> None:
    # N clients, each always with one request in the system: X x E = N whenever the
    # batch cap does not bind (16,000-token prompts and 20 out at 2 clients gave 2.92
    # when the batch was read off a grid starting at one sequence)
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA8, H100, "bf16", 1, engine)
    load = {"mean_context": prompt + out / 2, "input_tokens": prompt, "output_tokens": out}
    loop = latency_at_concurrency(
        args,
        concurrency=clients,
        batch_cap=256,
        budget=8192.0,
        engine=engine,
        cached_share=0.0,
        **load,
    )
    assert loop.requests_per_s * loop.e2e_s == pytest.approx(clients, rel=1e-9)
    assert loop.e2e_s == pytest.approx(loop.ttft_s + (out - 1) * loop.tpot_s, rel=1e-3)
    assert loop.running <= clients


def test_closed_loop_beyond_the_batch_cap_waits_for_a_slot() -> None:
    # 40 clients on a replica capped at 8 sequences: the 8 holding slots go round as a
    # loop of 8 (their prompts, then their tokens: Little's law X(B) x E(B) = 8, B below 8
    # while one of them is in its prompt), and the other 32 wait for a slot: the replica
    # ends X requests a second, each request spends 40 / X in the system, of which
    # (O - 1) steps decode after its first token: ttft = 40 / X - 199 x step(B).
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA8, H100, "bf16", 1, engine)
    loop = latency_at_concurrency(
        args, concurrency=40, batch_cap=8, budget=8192.0, engine=engine, **LOAD
    )
    eight = latency_at_concurrency(
        args, concurrency=8, batch_cap=8, budget=8192.0, engine=engine, **LOAD
    )
    x, step = eight.requests_per_s, eight.tpot_s
    assert 7 < loop.running == eight.running < 8
    assert loop.requests_per_s == pytest.approx(x, rel=1e-9)
    assert loop.e2e_s == pytest.approx(40 / x, rel=1e-9)
    assert loop.ttft_s == pytest.approx(40 / x - 199 * step, rel=1e-9)
    assert loop.tpot_s == pytest.approx(step, rel=1e-9)
    # more clients only wait longer for a slot: the rate holds, the first token grows
    more = latency_at_concurrency(
        args, concurrency=41, batch_cap=8, budget=8192.0, engine=engine, **LOAD
    )
    assert more.requests_per_s == pytest.approx(x, rel=1e-9)
    assert more.ttft_s == pytest.approx(loop.ttft_s + 1 / x, rel=1e-9)


def test_one_client_is_a_lone_request() -> None:
    # one client: its prompt reaches the engine after vLLM's 8.5 ms outside the steps and
    # finds it idle (no step under way), then goes through in one step carrying all of it
    # (no wait: with one client no other prompt is ever ahead of it);
    # the one request is decoding only part of the time, so B < 1 solves Little's law,
    # X(B) x (ttft + 199 x step(B)) = 1, and the loop ends one request every e2e
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA8, H100, "bf16", 1, engine)
    loop = latency_at_concurrency(
        args, concurrency=1, batch_cap=64, budget=8192.0, engine=engine, **LOAD
    )
    b = loop.running
    rates = replica_rates(args, b, budget=8192.0, engine=engine, **LOAD, slots_full=False)
    step = float(rates.load_step_s)
    service = float(
        prompt_service_seconds(
            args,
            b,
            mean_context=1100.0,
            input_tokens=1000.0,
            cached_share=0.0,
            budget=8192.0,
            engine=engine,
        )
    )
    x = float(rates.requests_per_s)
    assert x == pytest.approx(b / (200 * step), rel=1e-9)
    phase = 8.5e-3 + service
    assert 0.9 < b < 1
    assert x * (phase + 199 * step) == pytest.approx(1, rel=1e-4)
    assert loop.requests_per_s == pytest.approx(x, rel=1e-9)
    assert loop.ttft_s == pytest.approx(phase, rel=1e-4)
    assert loop.e2e_s == pytest.approx(1 / x, rel=1e-9)
    assert loop.e2e_s == pytest.approx(loop.ttft_s + 199 * step, rel=1e-4)


def test_several_clients_wait_out_the_step_under_way() -> None:
    # 4 clients of 256/100 tokens on an RTX 4090 (2,048 tokens a step): a client sends
    # its next request at a step's end, when the next step is already under way for the
    # others, so the prompt waits a whole step, then the closed queue's wait behind the
    # other clients' prompts (closed_queue_wait, the rest of the request away from it)
    # and its own chunk: ttft = step + w + s, at the batch B the loop settles on
    # (Little's law: X(B) x (ttft + 99 step(B)) = 4).
    args, engine, _ = _rtx_shape()
    loop = latency_at_concurrency(
        args, concurrency=4, batch_cap=179, budget=2048.0, engine=engine, **SHORT
    )

    def at(b: float) -> tuple[float, float, float]:
        rates = replica_rates(args, b, budget=2048.0, engine=engine, **SHORT, slots_full=False)
        step = float(rates.load_step_s)
        prompt = {
            "mean_context": 306.0,
            "input_tokens": 256.0,
            "cached_share": 0.0,
            "budget": 2048.0,
            "engine": engine,
        }
        service = float(prompt_service_seconds(args, b, **prompt))
        x = float(rates.requests_per_s)
        held = float(prompt_occupancy_seconds(args, b, **prompt))
        away = step + service - held + 99 * step
        wait = float(closed_queue_wait(clients=4, service_s=held, think_s=away))
        return x, step, step + wait + service

    b = loop.running
    x, step, ttft = at(b)
    assert 1 < b <= 4
    assert x * (ttft + 99 * step) == pytest.approx(4, rel=1e-4)
    assert loop.requests_per_s == pytest.approx(x, rel=1e-9)
    assert loop.tpot_s == pytest.approx(step, rel=1e-9)
    assert loop.ttft_s == pytest.approx(ttft, rel=1e-4)
    # with half a step under way the loop would settle on another B, where this whole
    # step's X x (ttft + 99 step) is not 4


def test_a_prompt_longer_outside_than_half_a_step_waits_half_a_step_after_it() -> None:
    # Qwen2.5-0.5B on an A100 80GB, 32 clients of 104/211 tokens (row L15): a step of about
    # 2.4 ms is shorter than vLLM's 8.5 ms a request outside the steps, so a client's next
    # prompt, sent at a step's end, reaches the engine 8.5 ms later, at a phase of the steps
    # their varying lengths spread, and waits half a step on average: ttft = h + step / 2
    # + w + s (w the closed queue's wait of 32 clients), at the B Little's law settles on
    qwen, a100 = CAT.model("qwen2.5-0.5b"), CAT.gpu("a100-80gb")
    engine = on_gpu(sv.VLLM, a100)
    args = serving_shape(qwen, a100, "bf16", 1, engine)
    shape = {"mean_context": 209.5, "input_tokens": 104.0, "output_tokens": 211.0}
    loop = latency_at_concurrency(
        args,
        concurrency=32,
        batch_cap=256,
        budget=2048.0,
        engine=engine,
        cached_share=0.0,
        **shape,
    )
    b = loop.running
    rates = replica_rates(
        args, b, budget=2048.0, engine=engine, cached_share=0.0, **shape, slots_full=False
    )
    step = float(rates.load_step_s)
    service = float(
        prompt_service_seconds(
            args,
            b,
            mean_context=209.5,
            input_tokens=104.0,
            cached_share=0.0,
            budget=2048.0,
            engine=engine,
        )
    )
    x = float(rates.requests_per_s)
    under_way = 8.5e-3 + step / 2
    held = float(
        prompt_occupancy_seconds(
            args,
            b,
            mean_context=209.5,
            input_tokens=104.0,
            cached_share=0.0,
            budget=2048.0,
            engine=engine,
        )
    )
    away = under_way + service - held + 210 * step
    wait = float(closed_queue_wait(clients=32, service_s=held, think_s=away))
    assert 2e-3 < step < 8.5e-3 / 2
    ttft = under_way + wait + service
    assert loop.ttft_s == pytest.approx(ttft, rel=1e-4)
    assert x * (ttft + 210 * step) == pytest.approx(32, rel=1e-4)
    # with no time outside the steps the prompt would wait out one step only
    bare = dataclasses.replace(engine, request_overhead_s=0.0)
    assert (
        latency_at_concurrency(
            args,
            concurrency=32,
            batch_cap=256,
            budget=2048.0,
            engine=bare,
            cached_share=0.0,
            **shape,
        ).ttft_s
        < loop.ttft_s - 5e-3
    )


def test_one_more_client_never_brings_the_first_token_sooner_across_half_a_step() -> None:
    # 256/100 tokens on an H100: from 39 to 40 clients the step passes 8.3 ms, about twice
    # vLLM's 8.5 ms outside the steps over two; the wait for the step under way, max(step,
    # h + step / 2), is continuous there (a count of whole steps after h fell from 3 to 2
    # steps and the first token from 28.7 to 20.7 ms)
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA8, H100, "bf16", 1, engine)
    short = {"mean_context": 306.0, "input_tokens": 256.0, "output_tokens": 100.0}
    at = [
        latency_at_concurrency(
            args,
            concurrency=n,
            batch_cap=128,
            budget=8192.0,
            engine=engine,
            cached_share=0.0,
            **short,
        )
        for n in range(30, 50)
    ]
    assert all(a.ttft_s <= b.ttft_s + 1e-12 for a, b in itertools.pairwise(at))
    assert all(a.e2e_s <= b.e2e_s + 1e-12 for a, b in itertools.pairwise(at))
    assert at[9].tpot_s < 8.5e-3 < at[10].tpot_s * 1.05


def test_the_unloaded_first_token_is_the_loaded_one_as_the_load_goes_to_nothing() -> None:
    # a Poisson stream of almost no requests finds nothing decoding (no step under way)
    # and no prompt ahead: its first token is the unloaded one, for each engine that
    # chunks prompts (within 0.5%: the loaded path's smallest batch decodes one sequence
    # in the prompt's step)
    for engine in (sv.VLLM, sv.SGLANG, sv.TRTLLM):
        for gpu in (H100, CAT.gpu("a100-80gb")):
            idle = estimate_serving(
                LLAMA8,
                gpu,
                "bf16",
                input_tokens=1000,
                output_tokens=200,
                engine=engine,
                utilization=1e-6,
            )
            assert idle.ttft_at_utilization_ms == pytest.approx(idle.ttft_ms, rel=5e-3)


def test_without_mixed_steps_the_first_token_under_load_waits_a_read_of_the_weights() -> None:
    # the lean engine, Llama-3.1-70B on 2 x H100 at 200/200 tokens: the prompt's arithmetic
    # (2 x 69.5e9 x 200 over 2 x 989e12 x 0.67, about 21 ms) is shorter than one read of
    # its 141 GB over 2 x 3.35 TB/s at 0.85 (about 24.7 ms), so its own prefill step takes
    # the read, at any load (batched with others it is longer still): as the load goes to
    # nothing the first token is the unloaded one, and it only grows with the load (it
    # used to be 5 ms shorter at 1% of capacity than alone)
    seventy = CAT.model("llama-3.1-70b")
    args = serving_shape(seventy, H100, "bf16", 2, on_gpu(sv.LEAN, H100))
    read = float(
        sv.weight_read_seconds(
            weights=args["weights"], tensor_parallel=2, bandwidth=args["bandwidth"], tokens=200
        )
    )
    assert 24e-3 < read < 25.5e-3
    loads = [1e-6, 0.01, 0.3, 0.7]
    ttfts = [
        estimate_serving(
            seventy,
            H100,
            "bf16",
            input_tokens=200,
            output_tokens=200,
            gpus_per_replica=2,
            engine=sv.LEAN,
            utilization=u,
        )
        for u in loads
    ]
    assert ttfts[0].ttft_at_utilization_ms == pytest.approx(ttfts[0].ttft_ms, rel=5e-3)
    at = [t.ttft_at_utilization_ms for t in ttfts]
    assert at == sorted(at)
    assert all(t >= ttfts[0].ttft_ms * (1 - 5e-3) for t in at)


def test_static_batches_count_the_time_outside_the_steps_in_a_closed_loop() -> None:
    # an engine without mixed steps and 5 ms a request outside them: one client's first
    # token is 5 ms later than with none (the prompt's prefill and the wait alike)
    engine = on_gpu(dataclasses.replace(sv.LEAN, request_overhead_s=5e-3), H100)
    args = serving_shape(LLAMA8, H100, "bf16", 1, engine)
    bare = dataclasses.replace(engine, request_overhead_s=0.0)
    loops = [
        latency_at_concurrency(args, concurrency=1, batch_cap=64, budget=np.inf, engine=e, **LOAD)
        for e in (engine, bare)
    ]
    assert loops[0].ttft_s - loops[1].ttft_s == pytest.approx(5e-3, rel=0.01)


def test_prompt_tokens_a_step_carries_reach_the_experts() -> None:
    # a mixture of 8 GB of routed experts, 1 in 8 a token, 1 GB of shared weights, nothing
    # decoding, a step carrying 8 prompt tokens: they touch 1 - (7/8)^8 = 65.6% of the
    # experts, read at 0.85 of 1 TB/s (no overheads, no arithmetic)
    engine = dataclasses.replace(sv.VLLM, step_overhead_s=0.0, layer_overhead_s=0.0)
    step = sv.decode_step_seconds(
        batch=0.0,
        context=0.0,
        params=1.0,
        weights=1e9,
        kv_bytes_per_token=0.0,
        layers=1,
        attention_width=1,
        hidden_size=1,
        tensor_parallel=1,
        bandwidth=1e12,
        peak_flops=1e30,
        interconnect=1e12,
        expert_weights=8e9,
        expert_share=0.125,
        prefill_tokens=8.0,
        engine=engine,
    )
    touched = 1 - 0.875**8
    assert touched == pytest.approx(0.656, abs=5e-4)
    assert float(step) == pytest.approx((1e9 + 8e9 * (1 - 0.875**8)) / 0.85 / 1e12, rel=1e-9)


@settings(max_examples=10, deadline=None)
@given(low=st.integers(1, 200), extra=st.integers(1, 100))
def test_more_clients_never_serve_fewer_requests_nor_wait_less(low: int, extra: int) -> None:
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA8, H100, "bf16", 1, engine)

    def at(n: int) -> tuple[float, float]:
        loop = latency_at_concurrency(
            args, concurrency=n, batch_cap=128, budget=8192.0, engine=engine, **LOAD
        )
        return loop.requests_per_s, loop.e2e_s

    a, b = at(low), at(low + extra)
    assert b[0] >= a[0] * (1 - 1e-9)
    assert b[1] >= a[1] * (1 - 1e-9)


def test_a_closed_loop_needs_a_client() -> None:
    args = serving_shape(LLAMA8, H100, "bf16", 1, sv.VLLM)
    with pytest.raises(PaybackError, match="concurrency"):
        latency_at_concurrency(args, concurrency=0, batch_cap=8, budget=2048.0, **LOAD)


def test_analyze_checks_ttft_where_the_fleet_runs() -> None:
    # a 7B on one L4 at 1,500/300 tokens: the mean first token at the planned 70% of a
    # replica's capacity (queueing included) is what ttft_ms is held against
    from helpers import build, build_data
    from payback import analyze

    def warned(ttft_ms: float) -> list[str]:
        data = build_data(gpu="l4", ttft_ms=ttft_ms, target_utilization=0.7, gpus_per_replica=1)
        del data["alternatives"][0]["replica_requests_per_s"]
        del data["alternatives"][0]["usd_per_gpu_hour"]
        # the target's warning (vLLM on an L4 is also cautioned of its first token under load)
        return [w for w in analyze(build(data)).resolved.warnings if "ttft_ms" in w]

    loaded = estimate_serving(
        CAT.model("qwen2.5-7b"),
        CAT.gpu("l4"),
        input_tokens=1500,
        output_tokens=300,
        cached_input_share=0.3,
        utilization=0.7,
    ).ttft_at_utilization_ms
    assert loaded is not None
    (line,) = warned(loaded * 0.9)
    assert f"is {loaded:,.0f} ms, above ttft_ms = {loaded * 0.9:g}" in line
    assert "target_utilization 70%" in line
    assert warned(loaded * 1.1) == []


MISTRAL = CAT.model("mistral-7b")
RTX4090 = CAT.gpu("rtx-4090")
SHORT = {"mean_context": 306.0, "input_tokens": 256.0, "output_tokens": 100.0, "cached_share": 0.0}


def _rtx_shape() -> tuple[dict[str, object], sv.ServingEngine, float]:
    engine = on_gpu(sv.VLLM, RTX4090)
    args = serving_shape(MISTRAL, RTX4090, "bf16", 1, engine)
    # one 256-token prompt's matrix work when it rides on a decode step, per token
    riding = {k: v for k, v in args.items() if k not in DECODE_ONLY}
    per_token = float(
        sv.prefill_seconds(input_tokens=256.0, engine=engine, with_allreduce=False, **riding)
    )
    return args, engine, per_token / 256.0


def test_a_burst_of_prompts_goes_through_the_budget_first_come_first_served() -> None:
    # 16 prompts of 256 tokens at once, 2,048 tokens a step (vLLM on a 24 GB card):
    # step 1: nothing decodes, 8 whole prompts (2,048 tokens);
    # step 2: 8 decode, 2,040 of room: 7 whole prompts (1,792) and 248 of the 16th;
    # step 3: 15 decode, the 16th's last 8 tokens.
    args, engine, per_token = _rtx_shape()

    def step(decoding: float, tokens: float) -> float:
        return float(
            sv.decode_step_seconds(
                batch=decoding,
                context=256.0,
                engine=engine,
                prefill_compute_s=tokens * per_token,
                prefill_tokens=tokens,
                **args,
            )
        )

    t1 = step(0, 2048)
    t2 = t1 + step(8, 2040)
    t3 = t2 + step(15, 8)
    first, after = startup_burst(
        args, clients=16, input_tokens=256.0, cached_share=0.0, budget=2048.0, engine=engine
    )
    assert first == pytest.approx([t1] * 8 + [t2] * 7 + [t3], rel=1e-9)
    assert list(after) == [2] * 8 + [1] * 7 + [0]
    # a step of 2,048 prompt tokens is compute-bound: about 0.27 s on an RTX 4090
    assert 0.25 < t1 < 0.30


def test_without_a_budget_the_burst_is_one_step() -> None:
    args, engine, per_token = _rtx_shape()
    first, after = startup_burst(
        args, clients=5, input_tokens=256.0, cached_share=0.0, budget=math.inf, engine=engine
    )
    one = sv.decode_step_seconds(
        batch=0.0,
        context=256.0,
        engine=engine,
        prefill_compute_s=5 * 256 * per_token,
        prefill_tokens=5 * 256.0,
        **args,
    )
    assert first == pytest.approx([float(one)] * 5, rel=1e-9)
    assert list(after) == [0] * 5


def test_a_run_of_requests_by_hand() -> None:
    # 16 clients, 300 requests, all first requests sent at once. The steady loop gives X,
    # E and its TTFT; the burst's prompts end at t_end + (O - 1 - a_i) x step; the run
    # lasts R / X + mean(E_first) - E / 2 (Little's law over the run), and its mean first
    # token mixes the 16 burst first tokens with 284 steady ones.
    args, engine, _ = _rtx_shape()
    steady = latency_at_concurrency(
        args, concurrency=16, batch_cap=179, budget=2048.0, engine=engine, **SHORT
    )
    run = latency_at_concurrency(
        args, concurrency=16, batch_cap=179, budget=2048.0, engine=engine, requests=300, **SHORT
    )
    first, after = startup_burst(
        args, clients=16, input_tokens=256.0, cached_share=0.0, budget=2048.0, engine=engine
    )
    first = first + 8.5e-3  # each prompt's time outside the steps
    ends = first.max() + (99 - after) * steady.tpot_s
    # E / N, the loop's own time between requests (1 / X up to the batch grid's step)
    assert steady.e2e_s / 16 == pytest.approx(1 / steady.requests_per_s, rel=0.02)
    duration = 300 * steady.e2e_s / 16 + ends.mean() - steady.e2e_s / 2
    assert run.requests_per_s == pytest.approx(300 / duration, rel=1e-9)
    assert run.e2e_s == pytest.approx(16 * duration / 300, rel=1e-9)
    assert run.ttft_s == pytest.approx((first.sum() + 284 * steady.ttft_s) / 300, rel=1e-9)
    assert run.tpot_s == steady.tpot_s
    assert run.requests_per_s < steady.requests_per_s
    assert run.ttft_s > steady.ttft_s


@settings(max_examples=10, deadline=None)
@given(clients=st.integers(1, 300))
def test_a_long_run_is_the_steady_state(clients: int) -> None:
    args, engine, _ = _rtx_shape()
    steady = latency_at_concurrency(
        args, concurrency=clients, batch_cap=179, budget=2048.0, engine=engine, **SHORT
    )
    run = latency_at_concurrency(
        args,
        concurrency=clients,
        batch_cap=179,
        budget=2048.0,
        engine=engine,
        requests=10**9,
        **SHORT,
    )
    # the loop's own rate, N / E (Little's law over the loop)
    assert run.requests_per_s == pytest.approx(clients / steady.e2e_s, rel=1e-5)
    assert run.ttft_s == pytest.approx(steady.ttft_s, rel=1e-5)
    assert run.e2e_s == pytest.approx(steady.e2e_s, rel=1e-5)


def test_a_run_needs_a_request_per_client() -> None:
    args, engine, _ = _rtx_shape()
    with pytest.raises(PaybackError, match="requests"):
        latency_at_concurrency(
            args, concurrency=8, batch_cap=64, budget=2048.0, engine=engine, requests=4, **SHORT
        )


def test_a_wholly_cached_prompt_rides_one_step() -> None:
    # with every prompt token cached a prompt has no chunk of its own; it still rides one
    # decode step (its first token is that step's), the limit of a share just below 1,
    # not 0/0 chunks (the first token and the request were NaN)
    engine = on_gpu(sv.VLLM, H100)
    args = serving_shape(LLAMA8, H100, "bf16", 1, engine)
    shape = {"mean_context": 1100.0, "input_tokens": 1000.0, "budget": 8192.0, "engine": engine}
    whole = float(prompt_service_seconds(args, 8.0, cached_share=1.0, **shape))
    assert whole == pytest.approx(
        float(sv.decode_step_seconds(batch=8.0, context=1100.0, engine=engine, **args))
    )
    assert float(prompt_occupancy_seconds(args, 8.0, cached_share=1.0, **shape)) == 0.0
    loop = {k: v for k, v in LOAD.items() if k != "cached_share"}
    common = {"concurrency": 8, "batch_cap": 256, "budget": 8192.0, "engine": engine, **loop}
    at_one = latency_at_concurrency(args, cached_share=1.0, **common)
    near = latency_at_concurrency(args, cached_share=1.0 - 1e-9, **common)
    assert math.isfinite(at_one.ttft_s)
    assert math.isfinite(at_one.e2e_s)
    assert at_one.ttft_s == pytest.approx(near.ttft_s, rel=1e-6)
    assert at_one.e2e_s == pytest.approx(near.e2e_s, rel=1e-6)
