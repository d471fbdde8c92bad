"""Shapes of a cash flow that does not pay back within the horizon, for the verdict's
words: whether an alternative that costs more than the baseline every month could yet pay
back past it (the rule behind "the gap shrinks; by month N it is $X behind", said of the
horizon only, instead of "never recovered"), the month a saving kept up recovers what is
owed (the saving of the horizon's last month, or its average), and the months that cost
more between months that save; a last month that costs more only because of its retraining
is said so (:func:`retrained_words`), not "never recovered"."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from payback.figures import half_up
from payback.finance import share_paid_back_within, window_months

__all__ = [
    "NOTHING_LATER",
    "about_month",
    "behind_text",
    "cents",
    "closes_on_baseline",
    "costly_months",
    "falling_trend",
    "months_list",
    "never_pays_back",
    "on_average",
    "pays_back_within",
    "recovered_in",
    "recovered_in_falling",
    "retrained_words",
]

NOTHING_LATER = "with no later retraining or price change counted"
"""What a saving kept up past the horizon leaves out: the file's retraining to come (every
6 months in quarter-200k, $800) and any price trend; said with the month it took up, not
claimed of the alternative (a 2-month horizon said "needs until about month 11.9", where 24
months, retraining counted, break even in month 13.4)."""

_RELATIVE = 1e-9
"""How much the cost share must fall, relatively, not to be float rounding."""


def cents(amount: float) -> bool:
    """Whether ``amount`` is at least a cent as money is written (half a cent rounds up):
    a difference under it is no cost and no saving to state.

    >>> cents(0.005), cents(-0.0049), cents(2e-38), cents(-12.5), cents(1e300)
    (True, False, False, True, True)
    """
    return f"{half_up(abs(amount)):.2f}" != "0.00"


def closes_on_baseline(saved: Sequence[float], alternative_usd: Sequence[float]) -> bool:
    """Whether the alternative's cost for each dollar the baseline costs falls from the
    horizon's first month to its last (``saved`` is the baseline's monthly cost less the
    alternative's, ``alternative_usd`` the alternative's): traffic growing onto a fixed
    fleet, say, where more months may bring it under the baseline (or not: a floor above
    the baseline's keeps it dearer while the share falls toward the floors' ratio, so the
    words built on this say nothing past the horizon). A gap that shrinks only
    because traffic shrinks (a dearer price per request, both costs falling together)
    keeps the same share and never closes.

    >>> closes_on_baseline([-1920.0, -1420.0], [2920.0, 2920.0])
    True
    >>> closes_on_baseline([-200.0, -180.0], [1200.0, 1080.0])  # $12/1k vs $10/1k, -10%
    False
    """
    if len(saved) < 2 or len(alternative_usd) != len(saved):
        return False
    first_alt, last_alt = float(alternative_usd[0]), float(alternative_usd[-1])
    first_base, last_base = first_alt + float(saved[0]), last_alt + float(saved[-1])
    if first_base <= 0 or last_base <= 0:
        return False
    # last_alt / last_base < first_alt / first_base, without dividing
    earlier, later = first_alt * last_base, last_alt * first_base
    return earlier - later > _RELATIVE * abs(earlier)


def never_pays_back(saved: Sequence[float], alternative_usd: Sequence[float]) -> bool:
    """Whether the horizon alone shows that the alternative never pays back, as the
    verdict says it: it saves nothing or costs more than the baseline every month, and the
    gap does not shrink toward the baseline (:func:`closes_on_baseline`); so a window past
    the horizon ("pays back within 12 months") is no, not unknown.

    The seed at $16/1k against $15/1k, 20,000 requests a month: $20 more every month.

    >>> never_pays_back([-20.0] * 6, [320.0] * 6), never_pays_back([-1920.0, -1420.0], [2920.0] * 2)
    (True, False)
    >>> never_pays_back([-20.0, 5.0], [320.0, 295.0])  # it saves in month 2
    False
    """
    monthly = [float(m) for m in saved]
    if not monthly or any(m > 0 for m in monthly):
        return False
    narrows = monthly[-1] > monthly[0] and cents(monthly[-1] - monthly[0])
    return not (narrows and closes_on_baseline(monthly, alternative_usd))


def pays_back_within(
    month: float | None, horizon: int, cumulative: Sequence[float], never: bool = False
) -> dict[str, bool | None]:
    """By each window's month: broken even, not behind again (:func:`share_paid_back_within`);
    ``never``: a window past the horizon is no, not unknown (:func:`never_pays_back`)."""
    at = np.asarray(cumulative)[window_months(horizon)]
    shares = share_paid_back_within(math.nan if month is None else month, horizon, at)
    return {k: (False if never else None) if v is None else v == 1.0 for k, v in shares.items()}


def recovered_in(horizon: int, shortfall: float, saving: float) -> float | None:
    """The month a positive monthly ``saving`` kept up past the horizon recovers
    ``shortfall``, counted as a break-even month is (months elapsed, so that "about month
    25.1" and "breaks even in month 13.4" read alike); ``None`` where the months it needs
    overflow (a saving of 1e-320 a month: too small to count).

    >>> recovered_in(12, 1000.0, 300.0), recovered_in(12, 1000.0, 1e-320)
    (15.333333333333334, None)
    """
    months = shortfall / saving
    return horizon + months if math.isfinite(months) else None


def about_month(month: float) -> str:
    """``month 15.3`` for :func:`recovered_in`'s month after "about": one decimal, whole
    months from month 100 on (a tenth of a month past a hundred is no information).

    >>> about_month(15.3333), about_month(24.0), about_month(3_846_153.85), about_month(99.96)
    ('month 15.3', 'month 24.0', 'month 3,846,154', 'month 100')
    """
    return f"month {month:,.1f}" if round(month, 1) < 100 else f"month {month:,.0f}"


def costly_months(monthly: list[float]) -> list[int] | None:
    """The months (1-based) an alternative that saves costs more than the baseline, where
    it saves again after the first of them (retraining months, say); ``None`` where its
    savings end for good, or it never saves.

    >>> costly_months([5.0, -1.0, 5.0, -1.0]), costly_months([5.0, 5.0, -1.0, -1.0])
    ([2, 4], None)
    """
    saving = next((i for i, m in enumerate(monthly) if m > 0), None)
    if saving is None:
        return None
    worse = next((i for i, m in enumerate(monthly) if i > saving and m <= 0), None)
    if worse is None or not any(m > 0 for m in monthly[worse:]):
        return None
    return [i + 1 for i, m in enumerate(monthly) if m <= 0]


def savings_end(monthly: Sequence[float]) -> tuple[int, int]:
    """For monthly savings that stop for good (the last month saves nothing), the first
    month that saves (0-based) and the month its savings end (1-based): the one after the
    last month that saves a cent or more, so that savings shrinking toward nothing (traffic
    falling 100% a month) end where they drop under a cent, not where the float underflows.
    A month 1 that costs more (before a fleet's savings) is not where they end. The one
    rule of the reason and the verdict.

    >>> savings_end([-5.0, 260.0, 3e-14, 1e-300, 0.0]), savings_end([10.0, 0.001, 10.0, -50.0])
    ((1, 3), (0, 4))
    >>> savings_end([0.004, 0.001, 0.0])  # none a cent: the last that saves at all
    (0, 3)
    """
    saving = next(i for i, m in enumerate(monthly) if m > 0)
    kept = [i for i, m in enumerate(monthly) if m > 0 and cents(m)]
    last = kept[-1] if kept else max(i for i, m in enumerate(monthly) if m > 0)
    return saving, last + 2


def months_list(months: list[int]) -> str:
    """``month 6``, ``months 6, 12, 18 and 24``, or past six of them ``8 months``."""
    if len(months) > 6:
        return f"{len(months)} months"
    if len(months) == 1:
        return f"month {months[0]}"
    return "months " + ", ".join(map(str, months[:-1])) + f" and {months[-1]}"


def on_average(
    horizon: int, shortfall: float, monthly: list[float], money: Callable[[float], str]
) -> str:
    """Whether the average monthly saving over the horizon, kept up, recovers
    ``shortfall``: how long it takes, or that it never does. A saving that falls over the
    horizon's last months (a price or traffic trend, :func:`falling_trend`) is not kept up
    at the average: it goes on falling at that trend past the horizon, and the month is
    said only where the savings so projected recover the gap before they reach nothing.

    The starter with prices falling 30% a year saves $491.90 in month 13 down to $138.10 in
    month 23 (retraining months 18 and 24 cost more): months 13 to 24 average $157.23 a
    month, falling $35.37 a month, so month 25 is projected to cost more; it had said "at
    its average of $409 a month that takes until about month 31.4" (month 30 costs $854):

    >>> pc = [491.9, 451.6, 412.5, 374.5, 337.7, -498.1, 267.2, 233.5, 200.7, 169.0, 138.1, -691.8]
    >>> print(on_average(24, 3046.0, [1000.0] * 12 + pc, lambda v: f"${v:,.0f}"))
    its saving is falling: months 13 to 24 average $157 a month, down about $35 a month, so
    at that trend it is never recovered
    """
    average = sum(monthly) / len(monthly)
    needed = recovered_in(horizon, shortfall, average) if average > 0 else None
    if needed is None:
        return f"at its average of {money(average)} a month it is never recovered"
    trend = falling_trend(monthly)
    if trend is None:
        return (
            f"at its average of {money(average)} a month that takes until about "
            f"{about_month(needed)}"
        )
    first, level, slope = trend
    falling = (
        f"its saving is falling: months {first} to {horizon} average {money(level)} a month, "
        f"down about {money(-slope)} a month"
    )
    centre = (first + horizon) / 2
    projected = recovered_in_falling(
        horizon, shortfall, level + slope * (horizon + 1 - centre), slope
    )
    if projected is None:
        return f"{falling}, so at that trend it is never recovered"
    return (
        f"{falling}; if that trend kept up, the rest would be recovered by about "
        f"{about_month(projected)}"
    )


def falling_trend(monthly: Sequence[float]) -> tuple[int, float, float] | None:
    """The trend of the horizon's last half, where its saving falls by a cent a month or
    more: the first month of that half (1-based), its average saving a month (months that
    cost more, retraining months say, counted) and the least-squares fall a month of the
    months in it that save (so that retraining months, where the months between them save
    the same, are no trend); ``None`` where it does not fall or fewer than two months save.

    >>> falling_trend([10.0, 9.0, 8.0, -5.0, 6.0, 5.0])
    (4, 2.0, -1.0)
    >>> falling_trend([5.0, -1.0, 5.0, -1.0, 5.0, -1.0]) is None  # flat between retrainings
    True
    """
    first = len(monthly) // 2
    half = [float(m) for m in monthly[first:]]
    points = [(i, m) for i, m in enumerate(half) if m > 0]
    if len(points) < 2:
        return None
    mean_x = sum(i for i, _ in points) / len(points)
    mean_y = sum(m for _, m in points) / len(points)
    spread = sum((i - mean_x) ** 2 for i, _ in points)
    slope = sum((i - mean_x) * (m - mean_y) for i, m in points) / spread
    if slope >= 0 or not cents(slope):
        return None
    return first + 1, sum(half) / len(half), slope


def recovered_in_falling(
    horizon: int, shortfall: float, next_saving: float, slope: float
) -> float | None:
    """The month savings of ``next_saving`` in month ``horizon + 1``, changing by ``slope``
    (< 0) a month after it, recover ``shortfall`` (months elapsed, as :func:`recovered_in`):
    the first n with n * next_saving + slope * n * (n - 1) / 2 = shortfall; ``None`` where
    they reach nothing first.

    >>> recovered_in_falling(12, 27.0, 10.0, -1.0)  # 10 + 9 + 8 = 27
    15.0
    >>> recovered_in_falling(12, 60.0, 10.0, -1.0) is None  # at most 10 + 9 + ... + 0 = 55
    True
    """
    if next_saving <= 0:
        return None
    half = slope / 2  # n**2 * half + n * (next_saving - half) - shortfall = 0
    linear = next_saving - half
    discriminant = linear * linear + 4 * half * shortfall
    if discriminant < 0:
        return None
    months = (linear - math.sqrt(discriminant)) / -slope
    return horizon + months if math.isfinite(months) else None


def retrained_words(
    monthly: Sequence[float],
    retraining: Sequence[float] | None,
    shortfall: float,
    money: Callable[[float], str],
    verdict: bool = False,
) -> str | None:
    """For a horizon whose last month alone costs more than the baseline (or saves nothing)
    after a month that saves, and only because of that month's retraining (its saving
    before the retraining at least a cent): what that month's retraining did and when the
    saving before it, kept up, recovers the ``shortfall``; the break-even row's reason, or
    with ``verdict`` the verdict's words after "it saves from month 1 to month 5". ``None``
    otherwise: where the saving itself has ended, it is never recovered.

    quarter-200k at 6 months, $2,000 a retraining: $1,081.60 saved a month, $918.40 more in
    month 6; $8,370.40 owed, 7.74 months more at $1,081.60:

    >>> saved, retrained = [1081.6] * 5 + [-918.4], [0.0] * 5 + [2000.0]
    >>> print(retrained_words(saved, retrained, 8370.4, lambda v: f"${v:,.0f}"))
    saves $1,082/month before month 6's $2,000 retraining, which alone makes month 6 cost $918
    more than the baseline; if that saving kept up, with no later retraining or price change
    counted, it would recover the $8,370 still owed at month 6 by about month 13.7
    >>> retrained_words(saved, [0.0] * 5 + [900.0], 8370.4, str) is None  # -$18.40 before it
    True
    """
    horizon = len(monthly)
    if horizon < 2 or monthly[-1] > 0 or monthly[-2] <= 0 or retraining is None:
        return None
    retrained = float(retraining[-1]) if len(retraining) == horizon else 0.0
    before = monthly[-1] + retrained
    needed = recovered_in(horizon, shortfall, before) if before > 0 and cents(before) else None
    if retrained <= 0 or needed is None:
        return None
    more = (
        f"cost {money(-monthly[-1])} more than the baseline"
        if cents(monthly[-1])
        else "save nothing"
    )
    if verdict:
        return (
            f"and month {horizon}'s {money(retrained)} retraining alone makes it {more} that "
            f"month; by month {horizon} it is {money(shortfall)} behind, and if month "
            f"{horizon}'s {money(before)} saving before its retraining kept up, {NOTHING_LATER}, "
            f"the rest would take until about {about_month(needed)}"
        )
    return (
        f"saves {money(before)}/month before month {horizon}'s {money(retrained)} retraining, "
        f"which alone makes month {horizon} {more}; if that saving kept up, {NOTHING_LATER}, "
        f"it would recover the {money(shortfall)} still owed at month {horizon} by about "
        f"{about_month(needed)}"
    )


def behind_text(horizon: int, owed: float, short: float, money: Callable[[float], str]) -> str:
    """How far behind at the horizon an alternative is that has recovered less than nothing:
    its months cost more to run than the baseline's, over and above what it paid up front
    (it had read "has recovered -$5,927 of the $0 up front").

    >>> behind_text(12, 5000.0, 10927.0, lambda x: f"${x:,.0f}")
    'by month 12 it is $10,927 behind: the $5,000 up front and $5,927 more to run than the baseline'
    >>> behind_text(12, 0.0, 5927.0, lambda x: f"${x:,.0f}")
    'by month 12 it is $5,927 behind, all of it more to run than the baseline'
    """
    behind = f"by month {horizon} it is {money(short)} behind"
    if owed > 0:
        return f"{behind}: the {money(owed)} up front and {money(short - owed)} more to run than the baseline"
    return f"{behind}, all of it more to run than the baseline"
