"""Cumulative savings, break-even and net present value of switching.

Arrays follow :mod:`payback.finance`: monthly arrays have the month on the last axis;
"never" is ``nan`` in arrays (interfaces turn it into ``null``/"never").
"""

import numpy as np

from payback.finance._types import ArrayLike, BoolArray, FloatArray, as_float, per_sample
from payback.finance.quick import MONTH_RTOL, snap_month
from payback.finance.traffic import months

SAVING_RTOL = 1e-12
"""A month's saving within this share [relative] of the larger of the two monthly costs is
none: float noise. Prices equal but written two ways ($1.10 per million tokens × 3,000
tokens against $3.30 per 1,000 requests) differ by a part in 10^16 of the costs, which is
neither a saving nor a loss; a saving of $0.0005 on costs of $0.0006 (a sixth of them) is a
saving, however small."""


def monthly_savings(
    baseline_monthly_usd: ArrayLike, alternative_monthly_usd: ArrayLike
) -> FloatArray:
    """What switching saves each month, B_m − A_m [USD]; a difference within
    :data:`SAVING_RTOL` of max(|B_m|, |A_m|) is exactly 0 (float noise, not a saving).
    :func:`cumulative_savings` and :func:`net_present_value` both read it, so an alternative
    at the baseline's price has S(m) = S(0) and an NPV of −one_time exactly.

    >>> monthly_savings([3.3000000000000003, 0.0006, 300.0], [3.3, 0.0001, 40.0]).tolist()
    [0.0, 0.0005, 260.0]
    """
    base, alt = as_float(baseline_monthly_usd), as_float(alternative_monthly_usd)
    saved = base - alt
    noise = np.abs(saved) <= SAVING_RTOL * np.maximum(np.abs(base), np.abs(alt))
    return as_float(np.where(noise, 0.0, saved))


def cumulative_savings(
    baseline_monthly_usd: ArrayLike, alternative_monthly_usd: ArrayLike, one_time_usd: ArrayLike
) -> FloatArray:
    """Cumulative savings of switching, month 0 first [USD].

    S(0) = −one_time;  S(m) = Σ_{i ≤ m} (B_i − A_i) − one_time. The result has H + 1
    entries along the last axis.

    >>> cumulative_savings([300.0, 300.0, 300.0], [40.0, 40.0, 40.0], 400.0)
    array([-400., -140.,  120.,  380.])
    >>> cumulative_savings(
    ...     [300.0, 300.0], [40.0, 40.0], [400.0, 100.0]
    ... )  # samples of the one-time cost
    array([[-400., -140.,  120.],
           [-100.,  160.,  420.]])
    """
    saved = monthly_savings(baseline_monthly_usd, alternative_monthly_usd)
    one_time = per_sample(one_time_usd)
    samples = np.broadcast_shapes(saved.shape[:-1], one_time.shape[:-1])
    saved = np.broadcast_to(saved, (*samples, saved.shape[-1]))
    start = np.broadcast_to(-one_time, (*samples, 1))
    return np.concatenate([start, np.cumsum(saved, axis=-1) - one_time], axis=-1)


def break_even_month(cumulative_savings_usd: ArrayLike) -> FloatArray:
    """First time the cumulative savings reach zero, linear inside the month [months].

    With m the first month where S(m) ≥ 0: t = (m − 1) + (−S(m − 1)) / (S(m) − S(m − 1)).
    t = 0 when there is nothing to recover (S(0) ≥ 0) and month 1 does not lose money
    (S(1) ≥ 0); an alternative with no one-time cost that costs more from the start
    has not paid back at month 0. ``nan`` when S never reaches zero within the horizon.
    A t within a part in 10^9 of a whole month is that month
    (:func:`~payback.finance.quick.snap_month`): float noise in the sums does not move a
    break-even of exactly 3 months past a quarter.

    >>> round(float(break_even_month([-400.0, -140.0, 120.0])), 6)
    1.538462
    >>> float(break_even_month([-400.0, -300.0]))
    nan
    >>> break_even_month([[-400.0, -140.0, 120.0], [0.0, 1.0, 2.0], [0.0, -1.0, -2.0]]).round(4)
    array([1.5385, 0.    ,    nan])
    >>> float(
    ...     break_even_month(cumulative_savings([0.6] * 4, [0.4] * 4, 0.6))
    ... )  # not 3.0000000000000004
    3.0
    """
    s = as_float(cumulative_savings_usd)
    crossed = s >= 0.0
    if s.shape[-1] > 1:
        crossed[..., 0] &= s[..., 1] >= 0.0
    found = crossed.any(axis=-1)
    first = np.argmax(crossed, axis=-1)
    prev = np.maximum(first - 1, 0)
    s_first = np.take_along_axis(s, first[..., np.newaxis], axis=-1)[..., 0]
    s_prev = np.take_along_axis(s, prev[..., np.newaxis], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = np.where(first > 0, -s_prev / (s_first - s_prev), 0.0)
    return snap_month(np.where(found, prev + inside, np.nan))


def saves_nothing(cumulative_savings_usd: ArrayLike) -> np.ndarray:
    """Per sample: no one-time cost (S(0) = 0) and nothing saved or lost in any month (every
    S(m) = 0, :func:`monthly_savings` taking float noise as none): the alternative costs
    the same as the baseline every month, it is not cheaper per request. Its break-even is
    month 0 by the formula; it has paid back nothing, and the answers give no break-even
    (JSON ``null``, "nothing saved"). One that saves $0.0005 a month is cheaper, however
    little it saves.

    >>> saves_nothing([[0.0, 0.0, 0.0], [0.0, 0.0005, 0.001], [-0.001, -0.001, -0.001]]).tolist()
    [True, False, False]
    """
    s = as_float(cumulative_savings_usd)
    return np.asarray(np.all(s == 0.0, axis=-1))


def break_even_requests(break_even_month: ArrayLike, requests: ArrayLike) -> FloatArray:
    """Cumulative requests at a fractional month t, linear inside the month [requests].

    Σ_m R_m · clip(t − (m − 1), 0, 1): every month counts for the share of it elapsed by
    t, i.e. cumulative(i) + (t − i) · R_{i+1} with i = floor(t); ``nan`` where t is ``nan``.

    >>> float(break_even_requests(1.5, [20_000.0, 40_000.0]))
    40000.0
    """
    r = as_float(requests)
    t = per_sample(break_even_month)
    elapsed = np.clip(t - (months(r.shape[-1]) - 1.0), 0.0, 1.0)
    return as_float(np.sum(r * elapsed, axis=-1))


def monthly_discount_rate(discount_rate_annual: ArrayLike) -> FloatArray:
    """Monthly rate equivalent to an annual one: (1 + r) ** (1/12) − 1.

    >>> float(monthly_discount_rate(0.1268250301319698)).__round__(6)
    0.01
    """
    return (1.0 + as_float(discount_rate_annual)) ** (1.0 / 12.0) - 1.0


def net_present_value(
    baseline_monthly_usd: ArrayLike,
    alternative_monthly_usd: ArrayLike,
    one_time_usd: ArrayLike,
    discount_rate_annual: ArrayLike,
) -> FloatArray:
    """NPV of switching: −one_time + Σ_m (B_m − A_m) / (1 + r_m) ** m [USD].

    r_m is the monthly rate from :func:`monthly_discount_rate`; month m's cash flow is
    discounted m months (end of month), the one-time cost is paid at t = 0.

    >>> float(net_present_value([300.0] * 6, [40.0] * 6, 400.0, 0.0))
    1160.0
    """
    saved = monthly_savings(baseline_monthly_usd, alternative_monthly_usd)
    m = months(saved.shape[-1])
    factor = (1.0 + per_sample(monthly_discount_rate(discount_rate_annual))) ** -m
    return as_float(np.sum(saved * factor, axis=-1)) - as_float(one_time_usd)


PAYBACK_WINDOWS = (3, 6, 12)
"""Months the "pays back within" questions ask about; a quarter is 3."""


def window_months(horizon: int) -> list[int]:
    """The months whose cumulative savings :func:`share_paid_back_within` reads: month 0
    (the one-time cost, the scale of float noise), each of :data:`PAYBACK_WINDOWS` (the
    horizon where it is shorter), then the horizon.

    >>> window_months(6)
    [0, 3, 6, 6, 6]
    """
    return [0, *(min(k, horizon) for k in PAYBACK_WINDOWS), horizon]


def paid_back_within(
    months: ArrayLike, horizon: int, savings_at: ArrayLike | None = None
) -> BoolArray:
    """Per sample (a row), whether it is paid back within each of :data:`PAYBACK_WINDOWS`
    and within the horizon (the last column): broken even by then and not behind again at
    that month. ``savings_at`` holds its cumulative savings at :func:`window_months`;
    without it the break-even alone counts. Behind is below zero by more than float noise
    (:data:`MONTH_RTOL` of the row's largest figure; a break-even snapped to month k is
    ahead at k). A window past the horizon reads the horizon; the months after it are not
    computed, and :func:`share_paid_back_within` calls that window unknown.

    >>> paid_back_within([2.0], 12, [[-1000.0, 500.0, -3000.0, -5000.0, -5000.0]])
    array([[ True, False, False, False]])
    """
    t = np.atleast_1d(as_float(months))
    later = np.where(np.isfinite(t), t, np.inf)
    checks = len(PAYBACK_WINDOWS) + 2
    if savings_at is None:
        ahead = np.ones((t.shape[0], checks - 1), dtype=bool)
    else:
        at = np.broadcast_to(np.asarray(savings_at, dtype=np.float64), (t.shape[0], checks))
        noise = MONTH_RTOL * np.max(np.abs(at), axis=1, keepdims=True)
        ahead = at[:, 1:] >= -noise
    by = np.array([*PAYBACK_WINDOWS, horizon], dtype=np.float64)
    ahead |= later[:, np.newaxis] == by  # snapped to month k: its noise is not a deficit
    return (later[:, np.newaxis] <= by) & ahead


def share_paid_back_within(
    months: ArrayLike, horizon: int, savings_at: ArrayLike | None = None
) -> dict[str, float | None]:
    """Share of samples paid back within 3, 6 and 12 months and within the horizon
    (:func:`paid_back_within`): a project that breaks even in month 2 and is behind after a
    retraining in month 6 has not paid back within 6. A window past the horizon is unknown
    (``None``), even where every sample is ahead at the horizon: what happens after it is
    not computed, and a retraining or a falling price there may put it behind again.

    >>> share_paid_back_within([2.0, 5.0, float("nan")], 6)
    {'3': 0.3333333333333333, '6': 0.6666666666666666, '12': None, 'horizon': 0.6666666666666666}
    >>> share_paid_back_within([1.5], 6, [[-400.0, 380.0, 1160.0, 1160.0, 1160.0]])["12"] is None
    True
    >>> share_paid_back_within([2.0], 12, [[-1000.0, 500.0, -3000.0, -5000.0, -5000.0]])
    {'3': 1.0, '6': 0.0, '12': 0.0, 'horizon': 0.0}
    """
    paid = paid_back_within(months, horizon, savings_at)
    out: dict[str, float | None] = {
        str(k): float(np.mean(paid[:, j])) if k <= horizon else None
        for j, k in enumerate(PAYBACK_WINDOWS)
    }
    out["horizon"] = float(np.mean(paid[:, -1]))
    return out


def share_behind_again_at(
    months: ArrayLike, horizon: int, savings_at: ArrayLike
) -> dict[str, float | None]:
    """Share of samples broken even by 3, 6 and 12 months and by the horizon that are
    behind again at that month (a retraining, a price step): the samples that
    :func:`share_paid_back_within` leaves out though their break-even month is earlier.
    ``None`` past the horizon, as there.

    >>> share_behind_again_at([1.8, 2.0], 12, [[-250.0, -20.0, 300.0, 500.0, 600.0]] * 2)
    {'3': 1.0, '6': 0.0, '12': 0.0, 'horizon': 0.0}
    >>> share_behind_again_at([float("nan")], 6, [[-9.0, -5.0, -1.0, -1.0, -1.0]])["3"]
    0.0
    """
    t = np.atleast_1d(as_float(months))
    later = np.where(np.isfinite(t), t, np.inf)
    by = np.array([*PAYBACK_WINDOWS, horizon], dtype=np.float64)
    behind = (later[:, np.newaxis] <= by) & ~paid_back_within(months, horizon, savings_at)
    out: dict[str, float | None] = {
        str(k): float(np.mean(behind[:, j])) if k <= horizon else None
        for j, k in enumerate(PAYBACK_WINDOWS)
    }
    out["horizon"] = float(np.mean(behind[:, -1]))
    return out
