"""Months of cash flows worked out by hand from the accounting model (DESIGN.md): the
arithmetic is here, from the scenario files' numbers, not copied from an output.

- requests R_m = R · (1 + g)^(m − 1); a month is 730 hours;
- hosted API: per-token prices, cached input at its own price, a yearly trend a paid as
  price · (1 + a)^((m − 1)/12);
- self-hosted, always on: GPUs = max(min_replicas, ceil(peak_rps / (replica_rps · u)) ·
  gpus_per_replica), peak_rps = average_rps · peak_to_average, paid GPUs · 730 · price;
  scaled to zero: busy GPU-hours only, R / (replica_rps · u · 3600) · gpus_per_replica;
- an escalation share e of the requests goes to the baseline at its price (a per-token
  or per-request baseline here: e · its cost); the alternative serves the rest;
- retraining every k months is paid in months k, 2k, …; ops every month;
- S(0) = −one_time, S(m) = S(m − 1) + B_m − A_m; break-even t = (m − 1) + −S(m − 1) /
  (S(m) − S(m − 1)) at the first S(m) ≥ 0; its requests: those of months 1..m − 1 and
  the share of month m elapsed;
- NPV = −one_time + Σ (B_m − A_m) / (1 + r)^(m/12).
"""

from __future__ import annotations

import math

import pytest

import payback
from helpers import EXAMPLES

HOURS = 730


def per_request_hosted(
    input_tokens: float,
    output_tokens: float,
    cached_share: float,
    input_usd: float,
    cached_usd: float,
    output_usd: float,
) -> float:
    """USD per request at a hosted API's per-million-token prices."""
    return (
        input_tokens * (1 - cached_share) * input_usd
        + input_tokens * cached_share * cached_usd
        + output_tokens * output_usd
    ) / 1e6


def test_quarter_200k_by_hand() -> None:
    """200,000 requests a month, flat; hosted big model at $3 / $0.30 cached / $15 per
    million tokens, 2,000 tokens in (20% cached), 400 out; one L4 at $0.80/h."""
    analysis = payback.analyze(payback.load_scenario(EXAMPLES / "quarter-200k.toml"))
    (alt,) = analysis.alternatives
    requests = 200_000
    per_request = per_request_hosted(2000, 400, 0.2, 3.0, 0.30, 15.0)
    assert per_request == pytest.approx(0.01092)
    baseline = requests * per_request  # $2,184 every month
    # the fleet: 200,000 · 0.9 served / (730 · 3600) s, × 4 at the peak: 0.27 requests/s,
    # against 0.85 · 0.7 = 0.595 a replica: one replica, one L4
    served_peak = requests * 0.9 / (HOURS * 3600) * 4.0
    replicas = max(1, math.ceil(served_peak / (0.85 * 0.7)))
    assert replicas == 1
    gpus = replicas * HOURS * 0.80  # $584
    escalation = 0.10 * requests * per_request  # $218.40 at the baseline's price
    ops = 300.0
    month_1 = gpus + escalation + ops
    assert month_1 == pytest.approx(1102.40)
    one_time = 4000 + 60 * 120 + 1500 + 40 * 4  # data, engineering, eval, 4 training runs
    assert (alt.one_time_usd, analysis.baseline.monthly_cost_usd[0]) == (one_time, baseline)
    assert alt.monthly_cost_usd[0] == pytest.approx(month_1, rel=1e-12)
    # retraining, $800, in months 6, 12, 18 and 24
    costs = [month_1 + (800.0 if m % 6 == 0 else 0.0) for m in range(1, 25)]
    assert alt.monthly_cost_usd == pytest.approx(costs, rel=1e-12)
    cumulative = [-float(one_time)]
    for cost in costs:
        cumulative.append(cumulative[-1] + baseline - cost)
    assert alt.cumulative_savings_usd == pytest.approx(cumulative, rel=1e-12)
    # S(13) = −12,860 + 13 · 1,081.60 − 2 · 800 = −399.20; S(14) = 682.40
    m = next(i for i, s in enumerate(cumulative) if s >= 0)
    assert m == 14
    month = (m - 1) + -cumulative[m - 1] / (cumulative[m] - cumulative[m - 1])
    assert month == pytest.approx(13 + 399.2 / 1081.6)
    assert alt.break_even_month == pytest.approx(month, rel=1e-12)
    assert alt.break_even_requests == pytest.approx(month * requests, rel=1e-12)
    npv = -one_time + sum((baseline - c) / 1.1 ** (k / 12) for k, c in enumerate(costs, 1))
    assert alt.npv_usd == pytest.approx(npv, rel=1e-12)
    assert alt.pays_back_within == {"3": False, "6": False, "12": False, "horizon": True}


def test_growth_month_13_by_hand() -> None:
    """Month 13 of the growth example: 1M requests growing 8% a month, a hosted API whose
    prices fall 40% a year, against rented H100s (two at least), H100s scaled to zero and
    a smaller hosted model."""
    analysis = payback.analyze(payback.load_scenario(EXAMPLES / "growth.toml"))
    m = 13
    requests = 1_000_000 * 1.08 ** (m - 1)
    trend = (1 - 0.4) ** ((m - 1) / 12)  # 0.6: one year on
    frontier = per_request_hosted(1500, 350, 0.3, 2.50, 1.25, 10.0) * trend
    baseline = requests * frontier
    assert analysis.baseline.monthly_cost_usd[m - 1] == pytest.approx(baseline, rel=1e-12)
    rented, serverless, smaller = analysis.alternatives
    # rented: 0.92 of 2.52M requests over 730 h, × 3 at the peak = 2.64 requests/s
    # against 10.7 · 0.7 = 7.49 a replica: one replica, but two at least
    served = requests * (1 - 0.08)
    replicas = math.ceil(served / (HOURS * 3600) * 3.0 / (10.7 * 0.7))
    gpus = max(2, replicas)
    assert (replicas, gpus) == (1, 2)
    escalation = 0.08 * requests * frontier
    retraining = 2000.0 if m % 3 == 0 else 0.0  # month 13: none
    cost = gpus * HOURS * 2.69 + escalation + 1500.0 + retraining
    assert rented.monthly_cost_usd[m - 1] == pytest.approx(cost, rel=1e-12)
    # serverless: the busy GPU-hours of the requests it serves, at half the capacity
    busy_hours = served / (10.7 * 0.5 * 3600)
    cost = busy_hours * 3.95 + escalation + 800.0 + retraining
    assert serverless.monthly_cost_usd[m - 1] == pytest.approx(cost, rel=1e-12)
    # the smaller hosted model: its own prices for 85%, the frontier's for 15%
    small = per_request_hosted(1500, 350, 0.3, 0.40, 0.10, 1.60) * trend
    cost = 0.85 * requests * small + 0.15 * requests * frontier
    assert smaller.monthly_cost_usd[m - 1] == pytest.approx(cost, rel=1e-12)
    # the smaller model's break-even: inside month 3
    one_time = 80 * 110.0 + 5000.0
    cumulative = [-one_time]
    for k in range(1, 4):
        r = 1_000_000 * 1.08 ** (k - 1)
        t = (1 - 0.4) ** ((k - 1) / 12)
        saved = (
            r
            * t
            * (
                per_request_hosted(1500, 350, 0.3, 2.50, 1.25, 10.0) * 0.85
                - 0.85 * per_request_hosted(1500, 350, 0.3, 0.40, 0.10, 1.60)
            )
        )
        cumulative.append(cumulative[-1] + saved)
    assert cumulative[2] < 0 <= cumulative[3]
    month = 2 + -cumulative[2] / (cumulative[3] - cumulative[2])
    assert smaller.break_even_month == pytest.approx(month, rel=1e-12)
    elapsed = 1_000_000 * (1 + 1.08) + (month - 2) * 1_000_000 * 1.08**2
    assert smaller.break_even_requests == pytest.approx(elapsed, rel=1e-12)


def test_the_seed_by_hand() -> None:
    """$15 against $2 per 1,000 requests, 20,000 a month, $400 up front: $260 a month saved,
    back after 400 / 13 · 1,000 = 30,769 requests, in month 1 + 140 / 260."""
    analysis = payback.analyze(payback.load_scenario(EXAMPLES / "seed.toml"))
    (alt,) = analysis.alternatives
    assert analysis.baseline.monthly_cost_usd == [300.0] * 6
    assert alt.monthly_cost_usd == [40.0] * 6
    assert alt.break_even_month == pytest.approx(1 + 140 / 260, rel=1e-12)
    assert alt.break_even_requests == pytest.approx(400 / 13 * 1000, rel=1e-12)
    assert alt.npv_usd == pytest.approx(6 * 260 - 400, rel=1e-12)
