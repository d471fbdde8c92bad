"""Break-even and NPV on plain numbers: a one-time cost and what switching saves each month.

The scenario-free entry to :mod:`payback.finance.cashflow` (the same formulas, on lists):

>>> break_even(one_time_usd=400, monthly_savings_usd=[130, 130, 130, 130])
3.076923076923077
>>> round(npv(one_time_usd=400, monthly_savings_usd=[130] * 4, discount_rate_annual=0.1), 2)
109.8
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from payback.errors import PaybackError


def _savings(monthly_savings_usd: Sequence[float]) -> list[float]:
    values = [float(v) for v in monthly_savings_usd]
    if not values:
        raise PaybackError.bad("monthly_savings_usd", "[]", "needs at least one month")
    for i, v in enumerate(values):
        if not math.isfinite(v):
            raise PaybackError.bad(f"monthly_savings_usd[{i}]", v, "must be a finite number (USD)")
    return values


def _finite(name: str, value: float, low: float = -math.inf) -> float:
    if not math.isfinite(value) or value < low:
        raise PaybackError.bad(name, value, f"must be a finite number ≥ {low:g}")
    return float(value)


def break_even(one_time_usd: float, monthly_savings_usd: Sequence[float]) -> float | None:
    """The month the savings recover the one-time cost, linear inside the month [months];
    ``None`` when they never do within the months given.

    Month m saves ``monthly_savings_usd[m - 1]`` (baseline cost minus the alternative's);
    see :func:`payback.finance.cashflow.break_even_month`.

    >>> break_even(400, [-10, 300, 300])
    2.3666666666666667
    >>> break_even(400, [100, 100]) is None
    True
    """
    import numpy as np

    from payback.finance.cashflow import break_even_month, cumulative_savings

    saved = np.asarray(_savings(monthly_savings_usd))
    one_time = _finite("one_time_usd", one_time_usd, 0.0)
    month = float(break_even_month(cumulative_savings(saved, 0.0, one_time)))
    return None if math.isnan(month) else month


def npv(
    one_time_usd: float, monthly_savings_usd: Sequence[float], discount_rate_annual: float = 0.0
) -> float:
    """Net present value of switching: −one_time + Σ_m saved_m / (1 + r_m) ** m [USD], with
    r_m the monthly rate equal to the annual ``discount_rate_annual``.

    >>> npv(400, [130, 130, 130, 130])
    120.0
    """
    import numpy as np

    from payback.finance.cashflow import net_present_value

    saved = np.asarray(_savings(monthly_savings_usd))
    one_time = _finite("one_time_usd", one_time_usd, 0.0)
    rate = _finite("discount_rate_annual", discount_rate_annual, -0.99)
    return float(net_present_value(saved, 0.0, one_time, rate))
