"""Months and the requests in them."""

import numpy as np

from payback.finance._types import ArrayLike, FloatArray, per_sample

HOURS_PER_MONTH = 730.0
"""Hours in a month [h]: 8,760 h / 12."""

SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
"""Seconds in a month [s]."""


def months(horizon_months: int) -> FloatArray:
    """The month indices 1..H as floats.

    >>> months(3)
    array([1., 2., 3.])
    """
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be >= 1, got {horizon_months}")
    return np.arange(1, horizon_months + 1, dtype=np.float64)


def requests_per_month(
    requests_per_month: ArrayLike, growth_monthly: ArrayLike, horizon_months: int
) -> FloatArray:
    """Requests in each month, growing by compound monthly growth g.

    R_m = R · (1 + g) ** (m − 1)   [requests/month]

    >>> requests_per_month(1000.0, 0.1, 3)
    array([1000., 1100., 1210.])
    """
    m = months(horizon_months)
    return per_sample(requests_per_month) * (1.0 + per_sample(growth_monthly)) ** (m - 1.0)
