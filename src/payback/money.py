"""How every output writes money: :func:`usd` (cents below $1,000, whole dollars from
there), and one rule for a figure under a cent wherever a sentence says it (``analyze``'s
verdict, explain's prose, the reports' words): the places that write it within 1% and tell
it from the sentence's other figures (:func:`small_usd`), so "$0.0019" is never "$0.00"
in one output and "$0.0019" in another (:func:`fine_usd` writes a figure alone so). A
chart's hover or a table's column of money takes the places :func:`money_places` gives;
two ends read as a pair (a sparkline's) :func:`ends_usd`; whether an amount under a cent is
one to state at all (a saving of 10^-37 a month is not), :func:`stated`.
Imports only :mod:`payback.figures`, so the analysis and the reports write money alike."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from payback.figures import WRITTEN_OUT, digits_text, far_text, half_up, tick_places

__all__ = [
    "CENT",
    "cents_kept",
    "ends_usd",
    "fine_usd",
    "money_places",
    "small_usd",
    "stated",
    "tiny_usd",
    "usd",
]

CENT = 0.01
"""The smallest figure :func:`usd` writes in cents: a figure under it (not zero) is
written by :func:`small_usd`'s places wherever a sentence says it."""


def usd(value: float, decimals: int | None = None) -> str:
    """Money as text; by default cents below $1,000 and whole dollars from there (999.996
    rounds to $1,000, not $1,000.00); no minus sign on an amount that rounds to zero.

    >>> usd(40.0), usd(20750.0), usd(-1234.567), usd(-1234.5, 2)
    ('$40.00', '$20,750', '-$1,235', '-$1,234.50')
    >>> usd(-0.004), usd(-0.3, 0), usd(999.996), usd(-999.994)
    ('$0.00', '$0', '$1,000', '-$999.99')

    Halves round up, as money is rounded: $6.50 is $7 in whole dollars, $1,422.50 $1,423.

    >>> usd(6.5, 0), usd(1422.5), usd(-0.125)
    ('$7', '$1,423', '-$0.13')

    Past $10^18 in powers of ten (:func:`~payback.figures.far_text`), not 50 digits; a
    tiny amount rounds to cents as any other (a sentence writes it by :func:`fine_usd`):

    >>> usd(1e18), usd(1.3292e50), usd(-2.5e19, 2), usd(1e-320)
    ('$1,000,000,000,000,000,000', '$1.33×10⁵⁰', '-$2.5×10¹⁹', '$0.00')
    """
    if abs(value) > WRITTEN_OUT[1] and (far := far_text(abs(value))) is not None:
        return ("-" if value < 0 else "") + "$" + far
    size = half_up(abs(value))
    if decimals is None:
        decimals = 2 if round(size, 2) < 1000 else 0
    text = digits_text(size, decimals)  # past 15 significant digits zeros, not float noise
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return f"{sign}${text}"


def cents_kept(text: str) -> str:
    """A money figure with the zeros past its cents dropped.

    >>> cents_kept("$0.912800"), cents_kept("$2.500000"), cents_kept("$12")
    ('$0.9128', '$2.50', '$12')
    """
    whole, point, places = text.partition(".")
    return f"{whole}.{places.rstrip('0').ljust(2, '0')}" if point else text


def tiny_usd(value: float) -> str:
    """Money under 10 cents to two significant figures, which tell it from $0 (an
    embedding API at $0.004 per 1,000 requests read "$0.00"), halves up, zeros past the
    cents dropped, never an exponent (powers of ten past
    :data:`~payback.figures.WRITTEN_OUT`); $0 and figures from 10 cents as :func:`usd`
    writes them.

    >>> tiny_usd(0.004), tiny_usd(0.0035), tiny_usd(0.000123), tiny_usd(-0.00125)
    ('$0.004', '$0.0035', '$0.00012', '-$0.0013')
    >>> tiny_usd(0.05), tiny_usd(4e-15), tiny_usd(0.0999), tiny_usd(0.0), tiny_usd(1495.2)
    ('$0.05', '$4×10⁻¹⁵', '$0.10', '$0.00', '$1,495')
    """
    size = abs(value)
    if value == 0 or round(size, 2) >= 0.1 or not math.isfinite(size):
        return usd(value)
    sign = "-" if value < 0 else ""
    if (far := far_text(size)) is not None:
        return f"{sign}${far}"
    places = 1 - math.floor(math.log10(size))
    return sign + cents_kept(f"${half_up(size):.{places}f}")


def small_usd(*values: float) -> Callable[[float], str]:
    """Money for one sentence of prose, its figures under $10 written alike with the places
    that write each within 1% and tell them apart (:func:`~payback.figures.tick_places`,
    cents at the least, zeros past them dropped): "$0.0016 of $0.0023", never "$0.00 of
    $0.00"; those of $10 or more in whole dollars; $0 as "$0"; where even 15 places do not
    write them (a figure under 10^-15), each by :func:`tiny_usd`.

    >>> money = small_usd(0.0016, 0.0023); money(0.0016), money(0.0023), money(0.0)
    ('$0.0016', '$0.0023', '$0')
    >>> money = small_usd(0.002, 0.007); money(0.002), money(0.007)
    ('$0.002', '$0.007')
    >>> small_usd(7.254, 9.5)(9.5), small_usd(0.004, 1_500.0)(1_500.0), small_usd(3e-17)(3e-17)
    ('$9.50', '$1,500', '$3×10⁻¹⁷')
    >>> small_usd(0.004, 1_500.0)(0.004), small_usd(0.3, 0.0019)(0.3)
    ('$0.004', '$0.30')
    """
    sizes = [float(f"{abs(v):.12g}") for v in values if math.isfinite(v)]  # float noise off
    places = tick_places([v for v in sizes if round(v, 2) < 10], 2)

    def money(value: float) -> str:
        if not value:
            return "$0"
        if not math.isfinite(value) or round(abs(value), 2) >= 10:
            return usd(value, 0)
        if places is None:
            return tiny_usd(value)
        return cents_kept(usd(value, places))

    return money


def fine_usd(value: float, decimals: int | None = None) -> str:
    """One money figure as :func:`usd` writes it to ``decimals``, but one under a cent (not
    zero) as prose writes it (:func:`small_usd`): the places that write it within 1%, so a
    verdict never reads "NPV $0.00" for a loss of $0.00041, nor "$0.01" for $0.0051,
    where explain says the figure. From a cent, and $0, exactly as ``usd`` writes it.

    >>> fine_usd(-0.00041), fine_usd(0.0051, 2), fine_usd(0.0019, 0), fine_usd(0.00999)
    ('-$0.00041', '$0.0051', '$0.0019', '$0.01')
    >>> fine_usd(0.015), fine_usd(0.3, 2), fine_usd(1_234.5), fine_usd(0.0, 0), fine_usd(3e-17)
    ('$0.02', '$0.30', '$1,235', '$0', '$3×10⁻¹⁷')
    """
    if 0 < abs(value) < CENT:
        return small_usd(value)(value)
    return usd(value, decimals)


def stated(value: float) -> bool:
    """Whether an amount a sentence could give (a month's saving, what a month costs more)
    is one to give: a cent or more, or under a cent one written out in full (from 10^-12 dollars,
    :data:`~payback.figures.WRITTEN_OUT`: "$0.0003", as :func:`fine_usd` writes it);
    smaller, as traffic shrunk toward nothing leaves, it is no cost and no saving to state.

    >>> stated(0.005), stated(0.0003), stated(-2e-12), stated(2e-37), stated(0.0)
    (True, True, True, False, False)
    """
    return abs(value) >= WRITTEN_OUT[0]  # a cent or more, and what fine_usd writes out


def ends_usd(values: Sequence[float], short: Callable[[float], str]) -> list[str]:
    """Money figures read as a pair (a sparkline's first and last month, an NPV's low and
    high end), each by ``short`` (a compact form: whole dollars below $1,000, "$2.9k"),
    but where one is under a cent (not zero) those under $10 as one sentence writes them
    (:func:`small_usd`): "-$0.02 → $0.0016", where whole dollars read "$0 → $0".

    >>> short = lambda v: f"{'-' if round(v) < 0 else ''}${abs(v):,.0f}"
    >>> ends_usd([-0.02, 0.0016], short), ends_usd([-0.001, 0.0062], short)
    (['-$0.02', '$0.0016'], ['-$0.001', '$0.0062'])
    >>> ends_usd([-2_859.0, 0.004], short), ends_usd([-0.3, 400.0], short)
    (['-$2,859', '$0.004'], ['$0', '$400'])
    """
    if not any(0 < abs(v) < CENT for v in values):
        return [short(v) for v in values]
    money = small_usd(*values)
    return [money(v) if round(abs(v), 2) < 10 else short(v) for v in values]


def money_places(values: Sequence[float]) -> int:
    """The decimal places money figures read side by side take (a chart's hover, as a
    table's column of them): whole dollars where any is $1,000 or more or whole dollars
    write each to the cent ($300 and $40 a month), cents below, and where the largest is
    under a cent as many places as write it within 1% (as :func:`small_usd` writes it
    alone: a month of $0.0051 read "$0.01", one of $0.51 "$1"); cents where even 15 places
    do not.

    >>> money_places([0.0, 2_184.0, 0.51]), money_places([0.0, 0.51, 884.05])
    (0, 2)
    >>> money_places([0.0, 0.0051, -0.0017]), money_places([300.0, 40.0]), money_places([0.0])
    (4, 0, 0)
    """
    sizes = [half_up(abs(v)) for v in values if math.isfinite(v)]
    top = max(sizes, default=0.0)
    if round(top, 2) >= 1000 or all(round(v, 2) == round(v) for v in sizes):
        return 0
    return tick_places([top], 2) or 2
