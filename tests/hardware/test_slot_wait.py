"""The wait for a free sequence slot under Poisson arrivals (``queueing.erlang_c``,
``queueing.slot_wait``) and where it enters the first token at a planned utilisation:
hand-worked values, the exact M/D/c it approximates, and the unbounded queue at the
capacity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import benchmark_module
from payback.catalog import default_catalog
from payback.hardware.estimate import estimate_serving
from payback.hardware.queueing import erlang_c, slot_wait

ACCURACY = benchmark_module("accuracy")
L40S = {"input_tokens": 1200.0, "output_tokens": 250.0}


def _l40s(utilization: float) -> object:
    catalog = default_catalog()
    return estimate_serving(
        catalog.model("llama-3.1-8b"), catalog.gpu("l40s"), utilization=utilization, **L40S
    )


def exact_md_c_wait(servers: int, busy: float, holding_s: float = 1.0) -> float:
    """The exact mean wait of M/D/c (its embedded Markov chain): the number in the system one
    holding time later is max(N − c, 0) plus the Poisson(c · ρ) arrivals meanwhile, so the
    chain's stationary law (solved on a truncated state space) is the time-average one;
    Lq = E[max(N − c, 0)], W = Lq / λ."""
    offered = servers * busy
    size = int(servers + 40.0 / (1.0 - busy) + 100)  # the tail past it under 1e-12
    pmf = np.array([math.exp(-offered)] + [0.0] * size)
    for k in range(1, size + 1):
        pmf[k] = pmf[k - 1] * offered / k
    step = np.zeros((size + 1, size + 1))
    for n in range(size + 1):
        base = max(n - servers, 0)
        step[n, base:] = pmf[: size + 1 - base]
        step[n, size] += 1.0 - step[n].sum()
    system = step.T - np.eye(size + 1)
    system[-1, :] = 1.0
    law = np.linalg.solve(system, np.eye(size + 1)[-1])
    queued = float(np.sum(np.maximum(np.arange(size + 1) - servers, 0) * law))
    return queued / (offered / holding_s)


def test_erlang_c_of_one_server_is_mm1() -> None:
    """M/M/1: an arrival waits with probability ρ, the wait ρ / (1 − ρ) · T."""
    assert float(erlang_c(servers=1, offered=0.6)) == pytest.approx(0.6, rel=1e-12)
    wait = float(erlang_c(servers=1, offered=0.6)) * 2.0 / (1 - 0.6)  # C · T / (c − a)
    assert wait == pytest.approx(0.6 / 0.4 * 2.0, rel=1e-12)  # 3.0 s


def test_erlang_c_of_two_servers_by_hand() -> None:
    """c = 2, a = 1.2: a²/2! · c/(c − a) = 0.72 · 2.5 = 1.8 against 1 + a = 2.2 before it,
    C = 1.8 / 4.0 = 0.45; a = 1.8: 16.2 / 19."""
    assert float(erlang_c(servers=2, offered=1.2)) == pytest.approx(0.45, rel=1e-12)
    assert float(erlang_c(servers=2, offered=1.8)) == pytest.approx(16.2 / 19.0, rel=1e-12)


def test_slot_wait_of_one_slot_is_md1() -> None:
    """c = 1: Cosmetatos's correction vanishes, M/D/1's ρ / (2 (1 − ρ)) · T; ρ = 0.8,
    T = 2 s: 4 s."""
    assert float(slot_wait(servers=1, offered=0.8, holding_s=2.0)) == pytest.approx(4.0)


def test_slot_wait_of_two_slots_by_hand_and_exact() -> None:
    """c = 2, ρ = 0.9, T = 1: the M/M/2 wait 16.2/19 / 0.2 = 4.2632, half of it 2.1316,
    times 1 + 0.1 · 1 · (√14 − 2) / (16 · 0.9 · 2) = 1.006047: 2.1445, the exact M/D/2
    2.1469 (0.1% under)."""
    got = float(slot_wait(servers=2, offered=1.8, holding_s=1.0))
    hand = 0.5 * (16.2 / 19.0) / 0.2 * (1.0 + 0.1 * (math.sqrt(14.0) - 2.0) / 28.8)
    assert got == pytest.approx(hand, rel=1e-12)
    assert got == pytest.approx(2.14447, rel=1e-5)
    assert got == pytest.approx(exact_md_c_wait(2, 0.9), rel=2e-3)


@pytest.mark.parametrize(("servers", "busy"), [(4, 0.7), (16, 0.9), (16, 0.95), (64, 0.9)])
def test_slot_wait_within_one_percent_of_exact_md_c(servers: int, busy: float) -> None:
    """Against the exact M/D/c: 0.996, 1.005, 1.003 and 1.007 of it."""
    got = float(slot_wait(servers=servers, offered=servers * busy, holding_s=3.0))
    assert got == pytest.approx(exact_md_c_wait(servers, busy, 3.0), rel=0.01)


@pytest.mark.parametrize(
    ("servers", "busy", "ratio"), [(32, 0.7, 0.9736), (64, 0.7, 0.9514), (64, 0.8, 0.9763)]
)
def test_slot_wait_understates_many_slots_in_light_traffic(
    servers: int, busy: float, ratio: float
) -> None:
    """With many slots at 70-80% busy Cosmetatos's wait is 2.4-4.9% under the exact M/D/c
    (the docstring's band), where that wait is at most 0.015 of the holding time."""
    got = float(slot_wait(servers=servers, offered=servers * busy, holding_s=1.0))
    exact = exact_md_c_wait(servers, busy, 1.0)
    assert got / exact == pytest.approx(ratio, abs=5e-4)
    assert exact < 0.015


def test_slot_wait_is_vectorized_over_configurations() -> None:
    """One call for slots of 1, 2 and 1,024 (each stopping its recursion at its own c)
    gives each one's own wait; the recursion stays finite at c = 1,024 near capacity."""
    servers = np.array([1, 2, 1024, 1024])
    offered = np.array([0.8, 1.8, 1024 * 0.99, 1024 * 0.999])
    many = slot_wait(servers=servers, offered=offered, holding_s=np.array([2.0, 1.0, 1.0, 1.0]))
    assert many[0] == pytest.approx(4.0)
    assert many[1] == pytest.approx(2.14447, rel=1e-5)
    one = float(slot_wait(servers=1024, offered=1024 * 0.99, holding_s=1.0))
    assert many[2] == pytest.approx(one, rel=1e-12)
    assert 0.0 < many[2] < many[3] < math.inf


@pytest.mark.parametrize("servers", [1, 2, 149, 1024])
def test_slot_wait_is_unbounded_at_and_past_the_capacity(servers: int) -> None:
    for busy in (1.0, 1.2):
        assert float(slot_wait(servers=servers, offered=servers * busy, holding_s=1.0)) == (
            math.inf
        )
    assert float(erlang_c(servers=servers, offered=servers * 1.0)) == 1.0
    assert float(slot_wait(servers=servers, offered=0.0, holding_s=1.0)) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    servers=st.integers(1, 1024),
    low=st.floats(0.01, 0.999),
    high=st.floats(0.01, 0.999),
)
def test_slot_wait_grows_with_the_load(servers: int, low: float, high: float) -> None:
    low, high = sorted((low, high))
    a = float(slot_wait(servers=servers, offered=servers * low, holding_s=1.0))
    b = float(slot_wait(servers=servers, offered=servers * high, holding_s=1.0))
    assert 0.0 <= a <= b * (1.0 + 1e-9) < math.inf


@settings(max_examples=8, deadline=None)
@given(low=st.floats(0.5, 0.999), high=st.floats(0.5, 0.999))
def test_loaded_first_token_grows_with_the_utilization(low: float, high: float) -> None:
    low, high = sorted((low, high))
    first, second = _l40s(low), _l40s(high)
    assert first.ttft_at_utilization_ms <= second.ttft_at_utilization_ms * (1.0 + 1e-9)
    assert first.slot_wait_at_utilization_ms <= second.slot_wait_at_utilization_ms + 1e-9


def test_first_token_at_99_percent_waits_for_a_slot() -> None:
    """Llama-3.1-8B on an L40S, 1,200/250 tokens: 149 slots (memory). At 99% of capacity
    the first token was 208 ms, queueing on the prompt chunks only; the slots are an
    M/D/149 queue offered λ · 250 · the mean loaded step, whose wait is added. (The time
    per output token is a little under that step: a slot's prompt holds it in the steps
    its chunks ride on, which then decode one sequence fewer.)"""
    loaded = _l40s(0.99)
    assert loaded.batch == 149
    arrival = 0.99 * loaded.replica_requests_per_s
    hold_s = 250.0 * loaded.tpot_at_utilization_ms / 1e3
    wait = float(slot_wait(servers=149, offered=arrival * hold_s, holding_s=hold_s))
    # 3,563 ms held at the time per output token: a mean step 0.1% longer holds 1.7% more
    assert wait * 1e3 < loaded.slot_wait_at_utilization_ms < wait * 1e3 * 1.03
    # 3,625 ms: 3,280 when the step was read at the next whole batch, 148 sequences, not
    # the 148.5 a decoding sequence sees on average
    assert 3500.0 < loaded.slot_wait_at_utilization_ms < 3750.0
    assert loaded.ttft_at_utilization_ms == pytest.approx(208.0 + 3625.0, abs=2.0)
    assert not loaded.first_token_unbounded
    assert _l40s(0.5).slot_wait_at_utilization_ms < 1e-6  # nothing at half the capacity


def test_first_token_at_the_capacity_is_unbounded() -> None:
    """At utilization 1 the first token was 210 ms; a Poisson stream at exactly the
    capacity has no bounded queue for a slot."""
    loaded = _l40s(1.0)
    assert loaded.first_token_unbounded
    assert loaded.ttft_at_utilization_ms == math.inf
    assert loaded.slot_wait_at_utilization_ms == math.inf
    assert math.isfinite(loaded.tpot_at_utilization_ms)  # the batch at its cap: its step
    assert loaded.tpot_at_utilization_ms == pytest.approx(loaded.tpot_ms, rel=1e-9)
    assert not _l40s(0.9).first_token_unbounded


@pytest.mark.parametrize("engine", ["vllm", "sglang", "trtllm", "lean", "v0"])
@pytest.mark.parametrize("output_tokens", [1.0, 250.0])
def test_every_engine_is_unbounded_at_its_capacity(engine: str, output_tokens: float) -> None:
    """The slots' offered load reaches c exactly at the capacity, whatever the engine
    counts in it: mixed steps (O steps a request), prompts prefilled apart (O steps
    stretched by the share of time prefills take, 1 − λ · prefill; the lean engine's
    first token was 159 ms at 100% when only the steps were counted), pauses or not."""
    catalog = default_catalog()
    chosen = ACCURACY.VLLM_V0 if engine == "v0" else engine
    run = {"input_tokens": 1200.0, "output_tokens": output_tokens, "engine": chosen}
    model, gpu = catalog.model("llama-3.1-8b"), catalog.gpu("l40s")
    assert estimate_serving(model, gpu, utilization=1.0, **run).first_token_unbounded
    near = estimate_serving(model, gpu, utilization=0.9, **run)
    assert math.isfinite(near.ttft_at_utilization_ms)
