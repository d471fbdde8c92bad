"""The closed loop's wait behind other prompts: mean value analysis of a finite-source
queue, checked by hand and against its limits."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payback import estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.estimate import on_gpu, serving_at_concurrency, serving_shape
from payback.hardware.prompts import prompt_occupancy_seconds, prompt_parts, prompt_service_seconds
from payback.hardware.queueing import closed_queue_wait
from payback.hardware.serving import queue_wait


def test_one_client_never_waits() -> None:
    assert float(closed_queue_wait(clients=1, service_s=3.0, think_s=0.5)) == 0.0


def test_two_and_three_clients_by_hand() -> None:
    # S = Z = 1. n = 1: R = 1, X = 1/2, Q = U = 1/2.
    # n = 2: R = 1 (1 + 1/2 - 1/2) + 1/2 x 1/2 = 1.25, so w = 0.25;
    #        X = 2 / 2.25 = 8/9, Q = 10/9, U = 8/9.
    # n = 3: R = 1 (1 + 10/9 - 8/9) + 8/9 x 1/2 = 11/9 + 4/9 = 5/3, so w = 2/3.
    assert float(closed_queue_wait(clients=2, service_s=1.0, think_s=1.0)) == pytest.approx(0.25)
    assert float(closed_queue_wait(clients=3, service_s=1.0, think_s=1.0)) == pytest.approx(2 / 3)
    # it scales with the times: S = Z = 2 s waits twice as long
    assert float(closed_queue_wait(clients=3, service_s=2.0, think_s=2.0)) == pytest.approx(4 / 3)


def test_many_clients_at_a_fixed_rate_is_the_open_m_d_1_queue() -> None:
    # N clients, each away Z = N / λ: the arrival rate tends to λ and the wait to
    # Pollaczek-Khinchine's rho / (2 (1 - rho)) x S, rho = λ S = 0.5 here (1 - 1/N off)
    n, service, rate = 20_000, 1.0, 0.5
    wait = float(closed_queue_wait(clients=n, service_s=service, think_s=n / rate))
    assert wait == pytest.approx(
        float(queue_wait(busy=rate * service, service_s=service)), rel=2e-3
    )


def test_a_loop_near_saturation_waits_less_than_the_open_queue() -> None:
    # 8 clients, each 3.5 s of prompt and 27 s away (about row L17's loop): the server is
    # busy 8 x 3.5 / (30.5 + w) ~ 0.84 of the time, where the open queue's wait is about
    # 2.6 S; no more than 7 prompts can be ahead, and the closed one waits far less
    wait = float(closed_queue_wait(clients=8, service_s=3.5, think_s=27.0))
    rate = 8 / (27.0 + 3.5 + wait)
    assert 0.8 < rate * 3.5 < 0.9
    assert wait < 0.5 * float(queue_wait(busy=rate * 3.5, service_s=3.5))


@settings(max_examples=60, deadline=None)
@given(
    clients=st.integers(min_value=1, max_value=300),
    service=st.floats(min_value=1e-4, max_value=10.0),
    think=st.floats(min_value=0.0, max_value=100.0),
)
def test_the_wait_is_bounded_and_grows_with_the_clients(
    clients: int, service: float, think: float
) -> None:
    wait = float(closed_queue_wait(clients=clients, service_s=service, think_s=think))
    more = float(closed_queue_wait(clients=clients + 1, service_s=service, think_s=think))
    assert 0.0 <= wait <= (clients - 1) * service * (1 + 1e-9)
    assert more >= wait * (1 - 1e-9)


# ------------------------------------------------------------------ the closed loop walked


def _walk(model: str, gpu: str, tokens: tuple[int, int], clients: list[int]) -> list[Any]:
    catalog = default_catalog()
    return [
        serving_at_concurrency(
            catalog.model(model),
            catalog.gpu(gpu),
            "bf16",
            concurrency=n,
            input_tokens=tokens[0],
            output_tokens=tokens[1],
            gpus_per_replica=1,
        )
        for n in clients
    ]


@pytest.mark.parametrize(
    ("model", "gpu", "tokens", "clients"),
    [
        # vLLM on an H100 holds 412 sequences of 1,100 tokens: the walk passes the cap
        ("llama-3.1-8b", "h100-sxm", (1000, 200), [1, 2, 8, 64, 200, 300, 411, 412, 413, 520]),
        # 15 sequences of 28,808 tokens on an A100: prompts of 14 steps each
        ("llama-3.1-8b", "a100-80gb", (28_680, 256), [1, 2, 4, 8, 14, 15, 16, 17, 18, 40]),
        # 50 tokens out: several prompts to a step, or the batch would stop near 50
        ("llama-3.1-8b", "h100-sxm", (1000, 50), [1, 16, 64, 128, 256, 384]),
    ],
)
def test_more_clients_never_serve_less_or_answer_sooner(
    model: str, gpu: str, tokens: tuple[int, int], clients: list[int]
) -> None:
    """One more client never lowers the rate or the batch, nor brings the first token
    sooner (past two clients: the first has no step under way to wait out), and the rate
    never passes the estimate's capacity at those lengths."""
    catalog = default_catalog()
    capacity = estimate_serving(
        catalog.model(model),
        catalog.gpu(gpu),
        "bf16",
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        gpus_per_replica=1,
    ).replica_requests_per_s
    loops = _walk(model, gpu, tokens, clients)
    for before, after in itertools.pairwise(loops):
        assert after.requests_per_s >= before.requests_per_s * (1 - 1e-9)
        assert after.running >= before.running - 1e-9
        if before.concurrency >= 2:
            assert after.ttft_s >= before.ttft_s * (1 - 1e-9)
    assert all(loop.requests_per_s <= capacity * (1 + 1e-6) for loop in loops)
    # beyond the cap the rate holds and each client more waits one request's turn
    last, previous = loops[-1], loops[-2]
    if last.concurrency > previous.concurrency >= 413:
        turn = (last.concurrency - previous.concurrency) / last.requests_per_s
        assert last.ttft_s == pytest.approx(previous.ttft_s + turn, rel=1e-6)


def test_short_prompts_share_a_step_of_the_prompt_stream() -> None:
    # vLLM on an H100, 64 sequences, 1,000-token prompts: a step's room is 8,192 - 64
    # tokens, so a prompt holds the stream for 1,000 / 8,128 of a step carrying a full
    # room of prompt tokens, less than the step of its own that carries it alone
    catalog = default_catalog()
    h100 = catalog.gpu("h100-sxm")
    engine = on_gpu(sv.VLLM, h100)
    args = serving_shape(catalog.model("llama-3.1-8b"), h100, "bf16", 1, engine)
    prompt = {
        "mean_context": 1100.0,
        "input_tokens": 1000.0,
        "cached_share": 0.0,
        "budget": 8192.0,
        "engine": engine,
    }
    held = float(prompt_occupancy_seconds(args, 64.0, **prompt))
    alone = float(prompt_service_seconds(args, 64.0, **prompt))
    _, compute, _ = prompt_parts(args, 1000.0, 0.0, engine)
    full = float(
        sv.decode_step_seconds(
            batch=64.0,
            context=1100.0,
            engine=engine,
            prefill_compute_s=float(compute) * 8128 / 1000,
            prefill_tokens=8128.0,
            **args,
        )
    )
    assert held == pytest.approx(1000 / 8128 * full, rel=1e-12)
    assert float(compute) < held < alone
    # without mixed steps the stream is the prefill, one prompt after another
    lean = on_gpu(sv.LEAN, h100)
    lean_args = serving_shape(catalog.model("llama-3.1-8b"), h100, "bf16", 1, lean)
    apart = prompt | {"budget": np.inf, "engine": lean}
    prefill, _, _ = prompt_parts(lean_args, 1000.0, 0.0, lean)
    assert float(prompt_occupancy_seconds(lean_args, 64.0, **apart)) == pytest.approx(
        float(prefill)
    )


@pytest.mark.parametrize(
    ("model", "gpu", "tokens"),
    [("qwen2.5-0.5b", "h100-sxm", (100, 2000)), ("qwen3-30b-a3b", "l4", (100, 200))],
)
def test_one_client_of_a_static_engine_is_served(
    model: str, gpu: str, tokens: tuple[int, int]
) -> None:
    """A static-batch engine serves nothing below one sequence and about one request per
    E at one: the loop's X · E steps from 0 to just over 1 there, and the search closed on
    it from below and divided by a rate of 0 (found by an independent review)."""
    catalog = default_catalog()
    loop = serving_at_concurrency(
        catalog.model(model),
        catalog.gpu(gpu),
        "bf16",
        concurrency=1,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        engine=sv.LEAN,
    )
    assert loop.requests_per_s > 0
    # Little's law holds across the step: one client, in the system X · e2e of the time
    assert 1 - 1e-9 <= loop.requests_per_s * loop.e2e_s <= 1.05
    assert loop.e2e_s == pytest.approx(loop.ttft_s + (tokens[1] - 1) * loop.tpot_s, rel=1e-9)
