"""Waits in queues: a prompt behind other prompts when a fixed number of clients keep one
request each in flight (a closed loop, a finite-source queue) or under Poisson arrivals
(M/D/1), and a request waiting for a free sequence slot under Poisson arrivals (a
multi-server queue, M/D/c)."""

from __future__ import annotations

import numpy as np

from payback.finance._types import ArrayLike, FloatArray, as_float


def closed_queue_wait(*, clients: int, service_s: ArrayLike, think_s: ArrayLike) -> FloatArray:
    """Mean wait before service of N = ``clients`` clients that each alternate between a
    single first-come-first-served server taking ``service_s`` S (a fixed time: a
    prompt's steps) and a time ``think_s`` Z away from it (the rest of the request, and
    the step it waits out before reaching the scheduler).

    Mean value analysis of the closed network ("Mean-Value Analysis
    of Closed Multichain Queuing Networks", J. ACM 27(2), 1980): a client arriving with
    n − 1 others in the loop finds the queue the loop of n − 1 clients has, Q(n − 1), of
    which the one in service (U(n − 1), the server's busy share) has S / 2 left on average
    for a fixed service time (the residual-life correction of the FCFS approximation;
    "Quantitative System Performance", 1984, chapter 8):
    R(n) = S · (1 + Q(n − 1) − U(n − 1)) + U(n − 1) · S / 2, X(n) = n / (R(n) + Z),
    Q(n) = X(n) · R(n), U(n) = X(n) · S; the wait is R(N) − S. An approximation, exact
    for neither fixed nor random times away (2 clients, S = Z = 1: 0.25 here, 0.37 with
    exponential times away, none when both are fixed and fall in turn). One client never waits,
    no more than N − 1 prompts are ever ahead, and as N grows at a fixed arrival rate
    N / Z it becomes the M/D/1 wait of an open stream (Pollaczek–Khinchine,
    :func:`~payback.hardware.serving.queue_wait`), where the open queue's wait grows
    without bound as the load nears 1 and a closed loop's cannot.

    >>> float(closed_queue_wait(clients=2, service_s=1.0, think_s=1.0))
    0.25
    """
    s, z = as_float(service_s), as_float(think_s)
    if s.ndim == 0 and z.ndim == 0:  # one configuration: plain floats, 30x faster a client
        return np.asarray(_one_wait(int(clients), float(s), float(z)))
    queue = np.zeros(np.broadcast(s, z).shape)
    busy = np.zeros_like(queue)
    response = s + queue
    for n in range(1, max(int(clients), 1) + 1):
        response = s * (1.0 + np.maximum(queue - busy, 0.0)) + busy * s / 2.0
        rate = n / np.maximum(response + z, 1e-300)
        queue, busy = rate * response, np.minimum(rate * s, 1.0)
    return response - s


def _one_wait(clients: int, s: float, z: float) -> float:
    """:func:`closed_queue_wait` of one configuration."""
    queue = busy = 0.0
    response = s
    for n in range(1, max(clients, 1) + 1):
        response = s * (1.0 + max(queue - busy, 0.0)) + busy * s / 2.0
        rate = n / max(response + z, 1e-300)
        queue, busy = rate * response, min(rate * s, 1.0)
    return response - s


def erlang_c(*, servers: ArrayLike, offered: ArrayLike) -> FloatArray:
    """The probability that a Poisson arrival waits in an M/M/c queue (Erlang's C
    formula): c = ``servers`` (whole, ≥ 1), a = ``offered`` load in servers (arrival
    rate × mean holding time), ρ = a / c. From Erlang's B by its stable recursion
    B(0) = 1, B(k) = a · B(k − 1) / (k + a · B(k − 1)) (no factorials, no powers: it
    stays in (0, 1] for c in the thousands), then C = B / (1 − ρ (1 − B))
    (Cooper, "Introduction to Queueing Theory", 2nd ed., 1981, §3.3 and §3.4). One pass
    over k = 1 … max c, vectorized over the configurations (each stops at its own c).
    1 where ρ ≥ 1 (every arrival waits).

    >>> float(erlang_c(servers=1, offered=0.5))  # M/M/1: P(wait) = ρ
    0.5
    >>> round(float(erlang_c(servers=2, offered=1.0)), 6)  # (a²/2 · 2/(2 − a)) / (1 + a + 1)
    0.333333
    """
    c = np.maximum(np.asarray(servers, dtype=np.int64), 1)
    a = np.maximum(as_float(offered), 0.0)
    c, a = np.broadcast_arrays(c, a)
    b = np.ones(a.shape)
    for k in range(1, int(c.max(initial=1)) + 1):
        b = np.where(k <= c, a * b / (k + a * b), b)
    rho = a / c
    with np.errstate(divide="ignore", invalid="ignore"):
        waits = b / (1.0 - rho * (1.0 - b))
    return np.where(rho < 1.0, np.minimum(waits, 1.0), 1.0)


SATURATED = 1.0 - 1e-9
"""Utilisation of the slots at and above which :func:`slot_wait` is unbounded (∞): at the
capacity itself, a float's last digits aside."""


def slot_wait(*, servers: ArrayLike, offered: ArrayLike, holding_s: ArrayLike) -> FloatArray:
    """Mean wait for a free sequence slot [s]: Poisson arrivals, c = ``servers`` slots,
    each request holding one for a nearly fixed time T = ``holding_s`` (its decode), a =
    ``offered`` = λ · T: an M/D/c queue, ρ = a / c.

    M/D/c has no closed form; Cosmetatos's approximation corrects half the M/M/c wait
    (Erlang C, :func:`erlang_c`: W(M/M/c) = C(c, a) · T / (c − a)) for deterministic
    service ("Some approximate equilibrium results for the
    multi-server queue (M/G/r)", Operational Research Quarterly 27(3), 1976, 615-620):

        W(M/D/c) ≈ ½ · W(M/M/c) · (1 + (1 − ρ)(c − 1)(√(4 + 5c) − 2) / (16 ρ c)).

    At c = 1 the correction vanishes and it is M/D/1's Pollaczek–Khinchine wait,
    ρ / (2 (1 − ρ)) · T, exactly; against the exact M/D/c (its embedded Markov chain,
    ``tests/hardware/test_slot_wait.py``) it is within 1% at 2-16 slots for ρ of 0.7-0.95
    and at 32-64 slots for ρ of 0.9-0.95; with 32-128 slots at ρ of 0.7-0.8 it is 2-5%
    under, where the wait is at most 0.015 T (1.8×10⁻⁶ T at 128 slots, ρ 0.7), and at 64
    slots, ρ 0.5, 11% over a wait of 10⁻⁸ T (its light-traffic error with many servers:
    Kimura, J. Oper. Res. Soc. 42(7), 1991). ∞ where ρ ≥ :data:`SATURATED`: arrivals at
    the capacity have no bounded queue.

    >>> float(slot_wait(servers=1, offered=0.5, holding_s=1.0))  # M/D/1: ρ/(2(1 − ρ))
    0.5
    >>> float(slot_wait(servers=4, offered=4.0, holding_s=1.0))
    inf
    """
    c = np.maximum(np.asarray(servers, dtype=np.int64), 1)
    a = np.maximum(as_float(offered), 0.0)
    t = as_float(holding_s)
    rho = a / c
    busy = rho < SATURATED
    room = np.where(busy, c - a, 1.0)
    mmc = erlang_c(servers=c, offered=np.where(busy, a, 0.0)) * t / room
    safe = np.maximum(rho, 1e-300)
    correction = 1.0 + (1.0 - rho) * (c - 1) * (np.sqrt(4.0 + 5.0 * c) - 2.0) / (16.0 * safe * c)
    wait = np.where(rho > 0.0, 0.5 * mmc * correction, 0.0)
    return np.where(busy, wait, np.inf)


def stream_wait(*, busy: ArrayLike, service_s: ArrayLike) -> FloatArray:
    """Mean wait of a Poisson stream of prompts before its turn on the prompt stream, one
    at a time for a fixed time S = ``service_s``, the stream busy ρ = ``busy`` of the time
    (an M/D/1 queue): ρ / (2 (1 − ρ)) · S (Pollaczek–Khinchine), ∞ where ρ ≥
    :data:`SATURATED` (the stream at the replica's capacity: no bounded queue). It is
    :func:`slot_wait` with one slot.

    >>> float(stream_wait(busy=0.5, service_s=1.0))
    0.5
    >>> float(stream_wait(busy=1.0, service_s=0.01))
    inf
    """
    return slot_wait(servers=1, offered=busy, holding_s=service_s)
