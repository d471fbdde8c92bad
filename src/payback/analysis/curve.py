"""The cost of 1,000 requests as monthly traffic varies, for every option at once.

One engine call over a grid of traffic levels from 1/30x to 30x today's, at month-1
prices with retraining spread over its schedule (``retrain_usd / every``, not the lump
in the months it falls in: month 1 usually has none), and owned servers bought in cash
spread as depreciation financing charges them: month 1's servers · usd_per_server /
depreciation_months (a purchase is paid at t = 0, not in a month, so month 1 alone would
leave it out). An owned baseline already owns today's month-1 fleet: only the servers a
level needs beyond it are spread. Always-on fleets step up where another replica is
needed; the report's chart reads this curve and draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from payback.analysis.cashflows import OptionCosts, evaluate
from payback.analysis.resolve import Resolved
from payback.finance._types import FloatArray
from payback.scenario import SelfHostedOption, value_at

__all__ = ["CURVE_POINTS", "PerThousandCurve", "curve_levels", "per_1k_curve"]

CURVE_POINTS = 241
"""Traffic levels of the curve, logarithmically spaced (about 3% apart)."""
CURVE_SPAN = 30.0
"""The curve runs from today's traffic divided by this to today's times this."""


REFINE_POINTS = 33
REFINE_ROUNDS = 4
"""A crossover found between two grid levels (~3% apart) is narrowed by this many rounds of
this many levels each: to a part in 10^7, so that a fleet's step (a second replica from
730,000 requests a month) is stated where it is, not at the grid's midpoint (722k, "720k")."""


CHEAPER_RTOL = 1e-9
"""An alternative within this share of the baseline's cost per 1,000 requests is as cheap:
equal prices written two ways differ by float noise, which is no crossover."""


def as_cheap(alternative: FloatArray, baseline: FloatArray) -> np.ndarray:
    """Whether the alternative costs no more per request than the baseline at each level
    (within :data:`CHEAPER_RTOL`); the crossovers are where this changes.

    >>> as_cheap(np.array([3.3000000000000003, 3.4, 3.2]), np.array([3.3, 3.3, 3.3])).tolist()
    [True, False, True]
    """
    scale = np.maximum(np.abs(alternative), np.abs(baseline))
    return np.asarray(alternative - baseline <= CHEAPER_RTOL * scale)


def costs_the_same(alternative: FloatArray, baseline: FloatArray) -> np.ndarray:
    """Whether the alternative costs what the baseline does per request at each level
    (within :data:`CHEAPER_RTOL`): as cheap, and no cheaper.

    >>> costs_the_same(np.array([9.999999999999998, 9.0]), np.array([10.0, 10.0])).tolist()
    [True, False]
    """
    return np.asarray(as_cheap(alternative, baseline) & as_cheap(baseline, alternative))


@dataclass(frozen=True)
class PerThousandCurve:
    """USD per 1,000 requests at each traffic level, by option (month-1 prices,
    retraining and servers bought in cash spread per month)."""

    requests_per_month: list[float]
    """The traffic levels, low to high."""
    baseline_usd: list[float]
    alternatives_usd: list[list[float]]
    """One list per alternative, in the scenario's order."""
    crossovers: list[list[float]]
    """Per alternative, the traffic at each level-to-level change between cheaper (or as
    cheap) per request than the baseline and dearer, in the order of the levels: the first
    traffic at which the new side holds, to a part in 10^7 (:data:`REFINE_ROUNDS`)."""


def _month_1_spread(
    resolved: Resolved, path: str, costs: OptionCosts, owned_today: FloatArray
) -> FloatArray:
    """Month-1 cost with retraining spread over its schedule and owned servers bought in
    cash at their depreciation's monthly charge (:func:`_cash_servers_spread`)."""
    scenario = resolved.scenario
    every = round(float(value_at(scenario, f"{path}.recurring.retrain_every_months")))
    cost = float(value_at(scenario, f"{path}.recurring.retrain_usd"))
    spread = cost / every if every > 0 else 0.0
    retraining = costs.components.get("retraining")
    first = costs.monthly_usd[:, 0] - (retraining[:, 0] if retraining is not None else 0.0)
    servers = _cash_servers_spread(resolved, path, costs, owned_today)
    return np.asarray(first + spread + servers, dtype=np.float64)


def _cash_servers_spread(
    resolved: Resolved, path: str, costs: OptionCosts, owned_today: FloatArray
) -> FloatArray | float:
    """The month-1 charge of the owned servers an option buys in cash, as depreciation
    financing charges them: servers_1 · usd_per_server / depreciation_months [USD/month];
    the baseline's, only for servers beyond ``owned_today`` (its month-1 fleet at today's
    traffic, which what you do today already owns). 0 for any other option."""
    option = dict(resolved.scenario.options())[path]
    if not isinstance(option, SelfHostedOption) or option.owned is None:
        return 0.0
    if option.owned.financing != "cash" or costs.servers is None:
        return 0.0
    bought = costs.servers[:, 0]
    if path == "baseline":
        bought = np.maximum(bought - owned_today, 0.0)
    price = float(value_at(resolved.scenario, f"{path}.owned.usd_per_server"))
    months = float(value_at(resolved.scenario, f"{path}.owned.depreciation_months"))
    return np.asarray(bought * price / months, dtype=np.float64)


def _per_1k(resolved: Resolved, volumes: FloatArray) -> tuple[FloatArray, list[FloatArray]]:
    """USD per 1,000 requests of the baseline and of each alternative at ``volumes`` (one
    engine call, today's traffic last for the servers an owned baseline owns today)."""
    today = float(resolved.scenario.traffic.requests_per_month)
    ev = evaluate(resolved, {"traffic.requests_per_month": np.append(volumes, today)})
    servers = ev.baseline.servers
    owned_today = np.zeros(1) if servers is None else np.asarray(servers[-1:, 0])
    n = len(volumes)

    def per_1k(path: str, costs: OptionCosts) -> FloatArray:
        month_1 = _month_1_spread(resolved, path, costs, owned_today)[:n]
        return np.asarray(month_1 / volumes * 1000.0)

    return per_1k("baseline", ev.baseline), [
        per_1k(f"alternatives.{i}", outcome.costs) for i, outcome in enumerate(ev.alternatives)
    ]


def _crossovers(
    resolved: Resolved, volumes: FloatArray, baseline: FloatArray, alternatives: list[FloatArray]
) -> list[list[float]]:
    """Each change between cheaper and dearer on the grid, narrowed inside its interval:
    every round evaluates :data:`REFINE_POINTS` levels across each interval (all intervals
    of all alternatives in one engine call) and keeps the pair the change lies between."""
    found = [
        (i, int(j))
        for i, values in enumerate(alternatives)
        for j in np.nonzero(np.diff(as_cheap(values, baseline).astype(int)))[0]
    ]
    if not found:
        return [[] for _ in alternatives]
    low = np.array([volumes[j] for _, j in found])
    high = np.array([volumes[j + 1] for _, j in found])
    for _ in range(REFINE_ROUNDS):
        levels = np.geomspace(low, high, REFINE_POINTS, axis=-1)  # (crossovers, points)
        base, alts = _per_1k(resolved, levels.ravel())
        for k, (i, _) in enumerate(found):
            inside = slice(k * REFINE_POINTS, (k + 1) * REFINE_POINTS)
            cheaper = as_cheap(alts[i][inside], base[inside])
            after = 1 + int(np.argmax(cheaper[1:] != cheaper[0]))  # the first on the new side
            low[k], high[k] = levels[k, after - 1], levels[k, after]
    out: list[list[float]] = [[] for _ in alternatives]
    for (i, _), value in zip(found, high.tolist(), strict=True):
        out[i].append(value)
    return out


def curve_levels(today: float, points: int = CURVE_POINTS) -> FloatArray:
    """The curve's ``points`` traffic levels around ``today``'s (:data:`CURVE_SPAN`), none
    where that range has no room in a float: a 30th of a traffic under 10^-307 a month is
    0 or has lost its digits (5×10⁻³²⁴ / 30 is 0, which a geometric range cannot start at).

    >>> curve_levels(3e6, 3).tolist(), curve_levels(5e-324).tolist()
    ([100000.0, 3000000.0, 90000000.0], [])
    """
    low, high = today / CURVE_SPAN, today * CURVE_SPAN
    if not np.finfo(np.float64).tiny <= low < high < np.inf:
        return np.empty(0, dtype=np.float64)
    return np.geomspace(low, high, points)


def per_1k_curve(resolved: Resolved, points: int = CURVE_POINTS) -> PerThousandCurve:
    """The cost of 1,000 requests of every option over ``points`` traffic levels, and the
    traffic at which each alternative turns cheaper or dearer than the baseline; no levels
    at all where today's traffic is too small for a range around it (:func:`curve_levels`)."""
    today = float(resolved.scenario.traffic.requests_per_month)
    volumes = curve_levels(today, points)
    if not volumes.size:
        options = resolved.scenario.alternatives
        return PerThousandCurve([], [], [[] for _ in options], [[] for _ in options])
    baseline, alternatives = _per_1k(resolved, volumes)
    return PerThousandCurve(
        requests_per_month=volumes.tolist(),
        baseline_usd=baseline.tolist(),
        alternatives_usd=[values.tolist() for values in alternatives],
        crossovers=_crossovers(resolved, volumes, baseline, alternatives),
    )
