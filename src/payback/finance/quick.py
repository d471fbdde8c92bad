"""The back-of-the-envelope answer: two prices per 1,000 requests and a one-time cost.

Pure Python (no numpy), so that ``payback quick`` starts at once.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, overload

from payback.errors import PaybackError
from payback.figures import counted, far_text, power_text, rate_text
from payback.limits import (
    MAX_GROWTH_MONTHLY,
    MAX_REQUESTS_PER_MONTH,
    MAX_USD,
    MAX_USD_PER_1K_REQUESTS,
)

if TYPE_CHECKING:
    from payback.finance._types import FloatArray

NOT_CHEAPER = "Self-hosting is not cheaper per request -- fine-tune only for behavior, not cost"


@dataclass(frozen=True)
class QuickAnswer:
    """The seed's answer, as numbers and as its one-line message."""

    break_even_requests: float | None
    savings_per_1k_usd: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def seed_break_even_requests(
    hosted_usd_per_1k: float, self_hosted_usd_per_1k: float, one_time_usd: float
) -> float:
    """The closed form: one_time / (hosted − self_hosted) · 1000 [requests].

    ``nan`` when self-hosting is not cheaper per request. The cash-flow engine gives the
    same number for constant prices, no growth and no recurring costs (a property test
    holds them equal).

    >>> round(seed_break_even_requests(15, 2, 400), 2)
    30769.23
    >>> seed_break_even_requests(2, 3, 400)
    nan
    """
    saved_per_1k = hosted_usd_per_1k - self_hosted_usd_per_1k
    return one_time_usd / saved_per_1k * 1000.0 if saved_per_1k > 0 else math.nan


def _check(name: str, value: float, highest: float) -> None:
    """A price or cost from 0 to ``highest``, the limit a scenario's field of the same kind
    has (:mod:`payback.limits`)."""
    if not math.isfinite(value) or value < 0 or value > highest:
        raise PaybackError.bad(
            name, value, f"must be a finite number ≥ 0 (USD), at most {highest:,.0f}"
        )


def _overflow(hosted: float, self_hosted: float, one_time: float, saved: float) -> PaybackError:
    """The error for a break-even too large for a float, naming what makes it so: a one-time
    cost that overflows with any saving, or a saving too small for it.

    >>> _overflow(15, 2, 1e308, 13).messages
    ['one_time_usd 1e+308: the break-even (one-time cost / (hosted − self-hosted) × 1,000) overflows; give a realistic cost']
    """
    if one_time * 1000.0 == math.inf or saved >= 1.0:
        return PaybackError.bad(
            "one_time_usd",
            one_time,
            "the break-even (one-time cost / (hosted − self-hosted) × 1,000) overflows; give a "
            "realistic cost",
        )
    return PaybackError.bad(
        "self_hosted_usd_per_1k",
        self_hosted,
        f"only {saved!r} below the hosted price {hosted!r}, so the break-even (one-time cost / "
        "(hosted − self-hosted) × 1,000) overflows; give prices that differ by a realistic "
        "amount",
    )


def quick_break_even(
    hosted_usd_per_1k: float, self_hosted_usd_per_1k: float, one_time_usd: float
) -> QuickAnswer:
    """Requests until a one-time cost is recovered at constant per-1k prices.

    break_even_requests = one_time / (hosted − self_hosted) · 1000; no answer when the
    self-hosted price is not lower.

    >>> answer = quick_break_even(15, 2, 400)
    >>> answer.message, answer.savings_per_1k_usd, round(answer.break_even_requests, 4)
    ('Break even after ~30,769 requests', 13.0, 30769.2308)
    >>> quick_break_even(2, 2, 400).message
    'Self-hosting is not cheaper per request -- fine-tune only for behavior, not cost'
    >>> quick_break_even(15, 2, 0).message
    'Break even at once: no one-time cost to recover'

    "~" marks a rounded count; a whole one is shown as it is:

    >>> quick_break_even(15, 5, 100).message
    'Break even after 10,000 requests'
    """
    _check("hosted_usd_per_1k", hosted_usd_per_1k, MAX_USD_PER_1K_REQUESTS)
    _check("self_hosted_usd_per_1k", self_hosted_usd_per_1k, MAX_USD_PER_1K_REQUESTS)
    _check("one_time_usd", one_time_usd, MAX_USD)
    saved = hosted_usd_per_1k - self_hosted_usd_per_1k
    if saved <= 0:
        return QuickAnswer(None, float(saved), NOT_CHEAPER)
    requests = seed_break_even_requests(hosted_usd_per_1k, self_hosted_usd_per_1k, one_time_usd)
    if not math.isfinite(requests):
        raise _overflow(hosted_usd_per_1k, self_hosted_usd_per_1k, one_time_usd, saved)
    if requests == 0:
        return QuickAnswer(0.0, float(saved), "Break even at once: no one-time cost to recover")
    shown = count_text(requests)
    exact = requests == round(requests) and requests < 1e15  # shown as it is, not rounded
    return QuickAnswer(
        requests,
        float(saved),
        f"Break even after {'' if exact else '~'}{counted(shown, 'request')}",
    )


def count_text(value: float) -> str:
    """A count in whole numbers with thousands separators, or to three figures from 10^15 on,
    where a float's digits past the 16th are noise.

    >>> count_text(30769.23), count_text(7.6923076923e31)
    ('30,769', '7.69×10³¹')
    """
    return f"{value:,.0f}" if abs(value) < 1e15 else power_text(value)  # not 7.69e+31


def month_figure(month: float, decimals: int = 1) -> str:
    """A (fractional) break-even month as a number, the one format every output uses:
    ``decimals`` places, but never a figure that reads as an earlier month than it is. Below
    0.1 it keeps at least two significant figures at any ``decimals`` (a break-even inside
    month 1 is not "month 0.0", and one break-even reads the same everywhere: 0.0154 is
    "0.015" with one place or two, not "0.02" in a table beside "0.015" in the verdict), and where
    rounding would land on a whole month the break-even is past, it keeps as many places
    as it takes (3.04 is inside month 4, past a quarter: "3.04", not "3.0"). Interfaces
    say "at once" for exactly 0. Pure Python, for ``payback quick``.

    >>> month_figure(2.46), month_figure(0.03), month_figure(0.0019, 2), month_figure(0.1)
    ('2.5', '0.03', '0.0019', '0.1')
    >>> month_figure(0.0154), month_figure(0.0154, 2), month_figure(0.0154, 4)
    ('0.015', '0.015', '0.0154')
    >>> month_figure(3.04), month_figure(2.96), month_figure(5.0), month_figure(0.0)
    ('3.04', '3.0', '5.0', '0.0')
    >>> month_figure(1e-320), month_figure(2.5e-13)  # past what is written out
    ('1×10⁻³²⁰', '2.5×10⁻¹³')
    """
    if month == math.floor(month):
        return f"{month:,.{decimals}f}"
    far = far_text(month)  # 1×10⁻³²⁰, not 320 digits
    if far is not None:
        return far
    if month < 0.1:
        places = max(decimals, 1 - math.floor(math.log10(month)))
        return f"{month:.{places}f}".rstrip("0").rstrip(".")
    whole = math.floor(month)
    for places in range(decimals, 16):
        text = f"{month:,.{places}f}"
        if float(text.replace(",", "")) > whole:
            return text
    return f"{month:,.{decimals}f}"


MONTH_RTOL = 1e-9
"""How close [relative] a computed break-even month must be to a whole month to be that
month: 3,600 up front recovered at 1,200 a month is month 3, not 3.0000000000000004 (a sum
of floats a part in 10^16 short), which read "not within a quarter"."""


@overload
def snap_month(month: float) -> float: ...
@overload
def snap_month(month: FloatArray) -> FloatArray: ...
def snap_month(month: Any) -> Any:
    """A break-even month within :data:`MONTH_RTOL` of a whole month k ≥ 1, as k exactly;
    any other month (and ``nan``, never) as it is. The one rule every "within k months"
    answer rests on: the cash-flow engine's break-even (arrays of samples) and
    :func:`quick_break_even_month` (floats) both pass through it, so quick, analyze,
    explain, the reports and the Monte Carlo shares compare the same number with k.

    >>> snap_month(3.0000000000000004), snap_month(2.9999999999999996), snap_month(3.04)
    (3.0, 3.0, 3.04)
    >>> snap_month(1e-12)  # a break-even inside month 1 is not "at once"
    1e-12
    >>> import numpy as np
    >>> snap_month(np.array([3.0000000000000004, np.nan, 0.0, 12.5]))
    array([ 3. ,  nan,  0. , 12.5])
    """
    # written with operators only, so that it is the same rule for a float and an array
    nearest = (month + 0.5) // 1.0
    close = abs(month - nearest) <= MONTH_RTOL * nearest
    return month + (nearest - month) * close


MAX_QUICK_MONTHS = 1200
"""The break-even month :func:`quick_break_even_month` looks for at most (100 years)."""


def quick_break_even_month(
    break_even_requests: float, requests_per_month: float, growth_monthly: float = 0.0
) -> float | None:
    """The month in which ``break_even_requests`` have been served, with
    ``requests_per_month`` in month 1 growing ``growth_monthly`` a month (compound), linear
    inside the month as the cash-flow engine counts it: with C(m) the requests of months
    1..m and m the first month with C(m) ≥ the break-even requests,
    t = (m − 1) + (break-even requests − C(m − 1)) / R_m.

    At constant per-1k prices the savings are proportional to the requests, so this is the
    engine's break-even month for that traffic (a property test holds them equal).
    ``None`` when traffic shrinks before it gets there, or after :data:`MAX_QUICK_MONTHS`.

    >>> round(quick_break_even_month(30_769.23, 20_000), 4)
    1.5385
    >>> round(quick_break_even_month(30_769.23, 20_000, 0.05), 4)
    1.5128
    >>> quick_break_even_month(1e9, 1_000, -0.5) is None
    True
    """
    if not (math.isfinite(requests_per_month) and 0 < requests_per_month <= MAX_REQUESTS_PER_MONTH):
        raise PaybackError.bad(
            "requests_per_month",
            requests_per_month,
            f"must be > 0 and ≤ {MAX_REQUESTS_PER_MONTH:,.0f} (requests in month 1; a "
            "scenario's traffic.requests_per_month allows the same)",
        )
    if not (math.isfinite(growth_monthly) and -1 < growth_monthly <= MAX_GROWTH_MONTHLY):
        raise PaybackError.bad(
            "growth_monthly",
            growth_monthly,
            f"must be > -1 and ≤ {MAX_GROWTH_MONTHLY:g} (a fraction: 0.05 means +5% a month, "
            f"{MAX_GROWTH_MONTHLY:g} doubles every month; a scenario's traffic.growth_monthly "
            "allows the same)",
        )
    if break_even_requests <= 0:
        return 0.0
    served = 0.0
    for month in range(1, MAX_QUICK_MONTHS + 1):
        try:
            this_month = requests_per_month * (1.0 + growth_monthly) ** (month - 1)
        except OverflowError:  # the factor is past a float (2^1024), the requests need not be
            grown = math.log(requests_per_month) + (month - 1) * math.log1p(growth_monthly)
            this_month = math.exp(grown) if grown < 709.0 else math.inf
        if served + this_month >= break_even_requests:
            return snap_month((month - 1) + (break_even_requests - served) / this_month)
        served += this_month
        if growth_monthly < 0 and this_month < 1e-9 * break_even_requests:
            return None  # shrinking traffic stops short
    return None


def quick_span(month: float | None) -> int:
    """The months a quick answer reads traffic over: to the break-even month, its last,
    part-served month included; 0 for a break-even at once or none (the
    :data:`MAX_QUICK_MONTHS` looked through are where the search stops, not a horizon
    anyone chose: -10% a month divides a traffic 10^54-fold over them).

    >>> quick_span(1.36), quick_span(3.0), quick_span(None), quick_span(0.0)
    (2, 3, 0, 0)
    """
    return 0 if month is None else math.ceil(month)


FAR_COMPOUNDING = 100.0
"""The factor by which a typed-in growth may multiply (or divide) the monthly requests
between month 1 and the last month an answer reads before it is said: more is growth (or
decline) few products keep, or a percent typed as a fraction (0.5 for 0.5%)."""


def compounding_line(
    field: str, requests: float, growth: float, months: int, what: str = "field"
) -> str | None:
    """One line when ``growth`` (typed as ``field``, a ``what``: a field, ``field = 0.5``, or a
    flag, ``--growth 0.5``) compounded from month 1 to month ``months`` multiplies
    ``requests`` by more than :data:`FAR_COMPOUNDING`, or divides them by more; ``None``
    otherwise. The one wording
    for a scenario's growths and ``payback quick --growth``; figures past a float's range
    (0.1^599) in powers of ten.

    >>> compounding_line("traffic.growth_monthly", 200_000, 0.5, 24)[:120]
    'traffic.growth_monthly = 0.5 (+50% a month) compounds 200,000 requests in month 1 to 2,244,548,293 in month 24 (×11,223)'
    >>> compounding_line("g", 1e6, 0.08, 24), compounding_line("g", 2e5, -0.18, 24)
    (None, None)
    >>> compounding_line("g", 200_000, -0.9, 600)[24:96]
    'shrinks 200,000 requests in month 1 to 2×10⁻⁵⁹⁴ in month 600 (1/1×10⁵⁹⁹)'
    """
    if growth == 0 or growth <= -1 or months < 2:
        return None
    log_fold = (months - 1) * math.log1p(growth) / math.log(10)
    if abs(log_fold) <= math.log10(FAR_COMPOUNDING):
        return None
    try:
        fold = (1.0 + growth) ** (months - 1)
    except OverflowError:
        fold = math.inf
    last = requests_text(requests * fold, math.log10(requests) + log_fold)
    if fold > 1:
        verb, by = "compounds", f"×{requests_text(fold, log_fold)}"
    else:
        verb, by = "shrinks", f"1/{requests_text(1 / fold if fold else math.inf, -log_fold)}"
    typed = rate_text(growth, signed=True)
    meant = f"; for {rate_text(growth / 100, signed=True)} a month write {growth / 100:g}"
    return (
        f"{field}{' ' if what == 'flag' else ' = '}{exact_text(growth)} ({typed} a month) "
        f"{verb} {counted(requests_text(requests), 'request')} in month 1 "
        f"to {last} in month {months:,} ({by}): check it is meant, the {what} is a fraction a "
        f"month{meant if abs(growth) >= 0.2 else ''}"
    )


def exact_text(value: float) -> str:
    """``value`` as ``:g`` writes it where that reads back as ``value``, else every digit
    it needs: -0.9999999999 is not "-1", a growth the field refuses.

    >>> exact_text(0.5), exact_text(-0.9999999999), exact_text(-0.9999999999999999)
    ('0.5', '-0.9999999999', '-0.9999999999999999')
    """
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


_TINIEST = 1e-300
"""Below it (a subnormal float, or 0 where 0.1^599 underflows) a figure is written from its
logarithm, as one past a float's range is."""


def requests_text(value: float, log10: float | None = None) -> str:
    """A count of requests (or a factor) for a warning: whole from 99.5, two figures down to
    0.01, in powers of ten past what is written out, and from ``log10`` where ``value`` is
    past a float's range (inf, or under :data:`_TINIEST`).

    >>> (
    ...     requests_text(2_244_548_293.4),
    ...     requests_text(0.0238),
    ...     requests_text(1.8e-8),
    ...     requests_text(1.56e-22),
    ...     requests_text(2.56e27),
    ... )
    ('2,244,548,293', '0.024', 'under 0.01', '1.56×10⁻²²', '2.56×10²⁷')
    >>> requests_text(99.7), requests_text(math.inf, 361.2), requests_text(0.0, -594.7)
    ('100', '1.58×10³⁶¹', '2×10⁻⁵⁹⁵')
    """
    if log10 is not None and not (_TINIEST <= value < math.inf):
        return _power_of_ten(log10)
    far = far_text(value)
    if far is not None:
        return far
    if value >= 99.5:  # not '1e+02'
        return f"{value:,.0f}"
    return f"{value:.2g}" if value >= 0.01 else "under 0.01"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(log10: float) -> str:
    """``10 ** log10`` as :func:`~payback.figures.power_text` writes a figure, to three
    figures, past a float's range too.

    >>> _power_of_ten(361.2), _power_of_ten(-593.69897), _power_of_ten(2.9999999)
    ('1.58×10³⁶¹', '2×10⁻⁵⁹⁴', '1×10³')
    """
    exponent = math.floor(log10)
    mantissa = float(f"{10.0 ** (log10 - exponent):.2f}")
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    text = f"{mantissa:.2f}".rstrip("0").rstrip(".")
    return f"{text}×10{str(exponent).translate(_SUPERSCRIPT)}"
