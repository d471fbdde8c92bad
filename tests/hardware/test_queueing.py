"""The closed loop's wait behind other prompts: mean value analysis of a finite-source
queue, checked by hand and against its limits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
