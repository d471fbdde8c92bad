"""How every output rounds a figure: money's halves up (:func:`half_up`), a rate the user
typed as typed (:func:`rate_text`), a computed share never said as 0% or 100% unless it is
(:func:`share_text`), the places figures said together take (:func:`tick_places`). Pure
Python and imports nothing of the package, so every layer (the scenario checks, the
hardware cautions, the catalog, the reports) writes a figure alike; :mod:`payback.money`
builds money (``usd``) on it."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from decimal import Decimal

__all__ = [
    "SIGNIFICANT",
    "TIES_BELOW",
    "WRITTEN_OUT",
    "complement_text",
    "counted",
    "digits_text",
    "far_text",
    "fixed_text",
    "half_up",
    "limit_text",
    "listed",
    "power_text",
    "rate_text",
    "share_text",
    "shares_alike",
    "tick_places",
    "typed_number",
    "typed_text",
    "whole_text",
    "written_number",
]

TIES_BELOW = 1e12
"""Amounts :func:`half_up` rounds: below it 14 significant digits keep every cent, and a
float step is far under a cent; from it, to :data:`SIGNIFICANT` digits."""

SIGNIFICANT = 15
"""The significant digits a float holds of any figure (15 to 17): past them a sum and the
same sum taken in another order differ (one quantity read $42,508,320,028,778,512 and
$42,508,320,028,778,496), so :func:`half_up` rounds there from :data:`TIES_BELOW`, and
:func:`digits_text` writes the digits past them as zeros."""


def half_up(size: float) -> float:
    """A non-negative amount made ready to format with its halves rounded up, as money is
    rounded ($6.50 to $7, $1,250 to $1.3k), where Python rounds an exact half to even ($6,
    $1.2k) and a half stored a hair below (a typed 2.675, or 91.205 computed as
    91.20499999999999) down: float noise is cleared at 14 significant digits, then the
    amount is nudged one float step up.

    >>> (
    ...     f"{half_up(6.5):.0f}",
    ...     f"{half_up(1.25):.1f}",
    ...     f"{half_up(2.675):.2f}",
    ...     f"{half_up(2.665):.2f}",
    ... )
    ('7', '1.3', '2.68', '2.67')
    >>> f"{half_up(91.20499999999999):.2f}", f"{half_up(91.2049):.2f}", half_up(1e18)
    ('91.21', '91.20', 1e+18)

    An amount under the smallest float that holds all its digits (2.2×10⁻³⁰⁸) is left as it
    is: a step up from 5×10⁻³²⁴ doubles it (it was written 9.88×10⁻³²⁴).

    >>> half_up(5e-324), half_up(2.5e-308)
    (5e-324, 2.5000000000000003e-308)

    From :data:`TIES_BELOW`, to :data:`SIGNIFICANT` digits, no further: one quantity summed
    two ways is one figure.

    >>> half_up(42_508_320_028_778_512.0) == half_up(42_508_320_028_778_496.0)
    True
    """
    if not math.isfinite(size) or size < sys.float_info.min:
        return size
    if size >= TIES_BELOW:
        return float(f"{size:.{SIGNIFICANT}g}")
    return math.nextafter(float(f"{size:.14g}"), math.inf)


def digits_text(size: float, decimals: int = 0) -> str:
    """A non-negative amount with separators to ``decimals`` places, halves up, the digits
    past :data:`SIGNIFICANT` written as zeros (not a float's binary digits, which read as
    a precision it has not); every output's money and counts are written so.

    >>> digits_text(20750.0), digits_text(2.675, 2), digits_text(42_508_320_028_778_512.0)
    ('20,750', '2.68', '42,508,320,028,778,500')
    >>> digits_text(757_377_273_398_905_984.0), digits_text(1e18), digits_text(4.25e16, 2)
    ('757,377,273,398,906,000', '1,000,000,000,000,000,000', '42,500,000,000,000,000.00')
    """
    rounded = half_up(size)
    if rounded < 10**SIGNIFICANT or not math.isfinite(rounded):
        return f"{rounded:,.{decimals}f}"
    return f"{Decimal(f'{rounded:.{SIGNIFICANT - 1}e}'):,.{decimals}f}"


def whole_text(count: float) -> str:
    """A count (requests) written whole: separators, :func:`digits_text`'s digits, powers
    of ten past :data:`WRITTEN_OUT` (4.7×10¹⁹, not 20 digits, the last four noise).

    >>> whole_text(2_541_282.4), whole_text(46_680_558_522_648_813_568.0), whole_text(0.0)
    ('2,541,282', '4.67×10¹⁹', '0')
    >>> whole_text(7_500_000_000_000_000_123.0)
    '7.5×10¹⁸'
    """
    big = far_text(count) if abs(count) > WRITTEN_OUT[1] else None
    return big or digits_text(count)


def rate_text(rate: float, signed: bool = False) -> str:
    """A rate or share the user typed (a discount rate, a target utilisation, a growth, a
    price trend), as typed: every digit up to four places of a percent, halves up, no
    trailing zeros; 0.075 is 7.5%, never 7% or 8%. ``signed`` puts a plus on a rise.

    >>> rate_text(0.075), rate_text(0.725), rate_text(-0.3), rate_text(0.08), rate_text(0.0)
    ('7.5%', '72.5%', '-30%', '8%', '0%')
    >>> rate_text(0.07), rate_text(0.123456789), rate_text(1.5), rate_text(-0.00000001)
    ('7%', '12.3457%', '150%', '0%')
    >>> rate_text(0.0725, signed=True), rate_text(-0.125, signed=True), rate_text(0.0, signed=True)
    ('+7.25%', '-12.5%', '0%')

    A share just under or over a whole 100% keeps the digits that tell it from 100% (a
    utilisation of 0.99999999 is not the capacity itself):

    >>> rate_text(0.99999999), rate_text(1.0), rate_text(1.0000004)
    ('99.999999%', '100%', '100.00004%')
    """
    text = f"{half_up(abs(rate) * 100):,.4f}".rstrip("0").rstrip(".")
    places = 4
    while text == "100" and abs(rate) != 1.0 and places < 12:
        places += 1
        text = f"{abs(rate) * 100:,.{places}f}".rstrip("0").rstrip(".")
    sign = "" if text == "0" else "-" if rate < 0 else "+" if signed else ""
    return sign + text + "%"


def counted(count: str, noun: str) -> str:
    """A count as written, then its noun: plural but for '1' ('1 request', never
    '1 requests'; '1 file', never '1 file(s)').

    >>> counted("1", "request"), counted("0.5", "request"), counted("8,516,392", "request")
    ('1 request', '0.5 requests', '8,516,392 requests')
    """
    return f"{count} {noun}{'' if count == '1' else 's'}"


def fixed_text(value: float, places: int = 2) -> str:
    """A signed figure to ``places`` decimals, as a table column shows it (a Sobol index,
    which noise makes a hair below zero), with no minus sign on what rounds to zero.

    >>> (
    ...     fixed_text(-0.004),
    ...     fixed_text(-0.0),
    ...     fixed_text(-0.006),
    ...     fixed_text(0.51),
    ...     fixed_text(-1e-9, 0),
    ... )
    ('0.00', '0.00', '-0.01', '0.51', '0')
    """
    text = f"{value:.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def tick_places(values: Sequence[float], least: int = 0, most: int = 15) -> int | None:
    """The fewest decimal places from ``least`` that tell figures said together apart (the
    ticks of one chart axis, a sentence's money) and write each within 1% of its value,
    halves up (none but 0 as 0: $0.0015 is not "$0.002", but $2.675 "$2.68"); ``None``
    where ``most`` do not (under 10^-``most``: a power of ten).

    >>> tick_places([0.5, 1.0, 10.0]), tick_places([0.0001, 0.0002, 0.0005], 2)
    (1, 4)
    >>> tick_places([0.0015, 0.002, 0.0025], 2), tick_places([2.675, 5.0], 2)
    (4, 2)
    >>> tick_places([1 / 3, 2 / 3]), tick_places([0.0, 3e-17, 6e-17])
    (2, None)
    """
    finite = sorted({v for v in values if math.isfinite(v)})
    for places in range(least, most + 1):
        texts = [(f"{half_up(abs(v)):.{places}f}", v) for v in finite]
        near = all(abs(float(t) - abs(v)) <= 0.01 * abs(v) for t, v in texts)
        if near and len({(t, v < 0) for t, v in texts}) == len(finite):
            return places
    return None


def share_text(share: float | None) -> str:
    """A computed share (of samples, of a cost, of a GPU's time) as people read it, and
    never false: 0% and 100% only when exact (0.996 of samples is 99.6%, not 100%; 0.004
    is 0.4%, not 0%), whole percents from 10% to 99%, one place outside them, and past
    one place ``<0.1%`` / ``>99.9%``; halves up (0.125 is 13%); ``unknown`` for None.

    >>> share_text(0.0), share_text(0.0004), share_text(0.004), share_text(0.034), share_text(0.237)
    ('0%', '<0.1%', '0.4%', '3.4%', '24%')
    >>> share_text(0.125), share_text(0.99), share_text(0.996), share_text(0.9996), share_text(1.0)
    ('13%', '99%', '99.6%', '>99.9%', '100%')
    >>> share_text(None), share_text(0.0999), share_text(0.0995)
    ('unknown', '10%', '10%')
    """
    if share is None:
        return "unknown"
    if share <= 0 or share >= 1:  # exact ends, or a share past them (a fleet over capacity)
        return f"{half_up(share * 100):,.0f}%" if share > 0 else "0%"
    whole = f"{half_up(share * 100):.0f}"
    if float(whole) >= 10 and share <= 0.99:
        return whole + "%"
    text = f"{half_up(share * 100):.1f}"
    if text == "0.0":
        return "<0.1%"
    if text == "100.0":
        return ">99.9%"
    return text + "%"


def shares_alike(shares: list[float], one_place: bool = False) -> list[str]:
    """Shares said in one sentence (each item's share of a cost), each its own rounding as
    :func:`share_text` rounds it, never forced to add up to 100% (50% + 38% + 13% of $200,
    $150 and $50 is 101% as printed, and each is true), all to one precision: whole
    percents where :func:`share_text` writes each whole, else one place for all (70.6%
    beside 29.4%, not 71% beside 4.5%), ``<0.1%`` / ``>99.9%`` past one place;
    ``one_place`` writes one place for all anyway (shares of a sentence that has others).

    >>> shares_alike([0.5, 0.375, 0.125]), shares_alike([19200 / 27207, 8000 / 27207, 7 / 27207])
    (['50%', '38%', '13%'], ['70.6%', '29.4%', '<0.1%'])
    >>> shares_alike([0.638, 0.362]), shares_alike([0.5, 0.341, 0.114, 0.045]), shares_alike([1.0])
    (['64%', '36%'], ['50.0%', '34.1%', '11.4%', '4.5%'], ['100%'])
    >>> shares_alike([0.9996, 0.0004, 0.0]), shares_alike([0.996, 0.004])
    (['>99.9%', '<0.1%', '0%'], ['99.6%', '0.4%'])
    >>> shares_alike([0.638], one_place=True)
    ['63.8%']
    """
    said = [share_text(s) for s in shares]
    if not one_place and all(
        s in ("0%", "100%") or ("." not in s and s[0].isdigit()) for s in said
    ):
        return said
    texts = []
    for share in shares:
        text = f"{half_up(share * 100):.1f}" if 0 < share < 1 else ""
        texts.append(
            share_text(share)
            if not text
            else "<0.1%"
            if text == "0.0"
            else ">99.9%"
            if text == "100.0"
            else text + "%"
        )
    return texts


WRITTEN_OUT = (1e-12, 1e18)
"""Sizes a figure is written out in full between, both ends included (every output writes
a month from 10^-12 and money up to 10^18 with no exponent): past them the digits are all
zeros or noise (1e-320 was printed with 320 digits, 1e300 with 301). Outside,
:func:`far_text` writes it in powers of ten."""


def complement_text(share: float) -> str:
    """The share of the rest, ``1 − share``, as :func:`share_text` says it, written so that
    the two add up to 100% as printed (0.565 is 57%, its rest 43%, where each rounded half
    up alone read 57% and 44%); past one place, ``share_text``'s own words.

    >>> (
    ...     complement_text(0.565),
    ...     complement_text(0.995),
    ...     complement_text(0.9996),
    ...     complement_text(0.0),
    ... )
    ('43%', '0.5%', '<0.1%', '100%')
    """
    said = share_text(share)
    if said[0] in "<>" or said in ("0%", "100%"):
        return share_text(1.0 - share)
    number = said.rstrip("%")
    places = len(number.partition(".")[2])
    return f"{100 - float(number):.{places}f}%"


def far_text(value: float, digits: int = 3) -> str | None:
    """A figure too small or too large to write out (:data:`WRITTEN_OUT`) in powers of ten
    as people write them, never an exponent (``1e-320``), to ``digits`` significant
    figures; ``None`` for zero, a figure between (each output writes it in its own style)
    and one that is not finite.

    >>> far_text(1e-320), far_text(-9.876e-13), far_text(1.5e20), far_text(7.6923e31, 4)
    ('1×10⁻³²⁰', '-9.88×10⁻¹³', '1.5×10²⁰', '7.692×10³¹')
    >>> far_text(0.0), far_text(1e-12), far_text(1e18), far_text(float("inf"))
    (None, None, None, None)
    """
    size = abs(value)
    if not math.isfinite(size) or size == 0 or WRITTEN_OUT[0] <= size <= WRITTEN_OUT[1]:
        return None
    return power_text(value, digits)


def power_text(value: float, digits: int = 3) -> str:
    """A finite figure in powers of ten to ``digits`` significant figures, whatever its size
    (:func:`far_text` for those past :data:`WRITTEN_OUT`; a count from 10^15, whose digits
    past the 16th are noise).

    >>> power_text(7.6923e16), power_text(1e15), power_text(-2.5e-5)
    ('7.69×10¹⁶', '1×10¹⁵', '-2.5×10⁻⁵')
    """
    mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def listed(items: Sequence[str]) -> str:
    """Items as a sentence lists them: ``a``, ``a and b``, ``a, b and c``.

    >>> listed(["a"]), listed(["a", "b"]), listed(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def limit_text(limit: float) -> str:
    """A field's bound as a person writes it: as ``:g`` writes it where that has no exponent
    (0.7, 0.0001; a whole number from a thousand with separators, 10,000), else whole with
    separators, and powers of ten past
    :data:`WRITTEN_OUT` (a solve range said '≤ 1e+12').

    >>> limit_text(0.7), limit_text(1000.0), limit_text(1e-4), limit_text(1e12), limit_text(1e6)
    ('0.7', '1,000', '0.0001', '1,000,000,000,000', '1,000,000')
    >>> limit_text(10_000), limit_text(512), limit_text(2.5e3)
    ('10,000', '512', '2,500')
    >>> limit_text(1e-5), limit_text(1.5e300), limit_text(-1.0), limit_text(2.5e-13)
    ('0.00001', '1.5×10³⁰⁰', '-1', '2.5×10⁻¹³')
    """
    text = f"{limit:g}"
    if not math.isfinite(limit):
        return text
    if "e" not in text:  # a whole number from a thousand with separators, as counts are
        return f"{limit:,.0f}" if abs(limit) >= 1000 and limit == int(limit) else text
    if (far := far_text(limit)) is not None:
        return far
    if limit == int(limit):
        return f"{limit:,.0f}"
    return f"{limit:.15f}".rstrip("0").rstrip(".")


def written_number(value: float) -> str:
    """A number read from a file as a message quotes it: as Python writes it (``200000``,
    ``0.7``, ``2000000000.0``, ``1e+308``), but a whole number of 17 digits or more to six
    significant figures, however long: TOML, YAML and JSON read a whole number of any length
    up to 4,300 digits, past the largest float (about 1.8e308), where ``:g`` fails and
    ``repr`` writes every digit.

    >>> written_number(200000), written_number(0.7), written_number(2e9), written_number(1e308)
    ('200000', '0.7', '2000000000.0', '1e+308')
    >>> written_number(10**20), written_number(int("9" * 309)), written_number(-12345678 * 10**400)
    ('1e+20', '1e+309', '-1.23457e+407')
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**16:
        return _six_figures(Decimal(value))
    return repr(value)


def _six_figures(value: Decimal) -> str:
    mantissa, _, exponent = f"{value:.5e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent):+03d}"


def typed_text(text: str, width: int = 24) -> str:
    """A number as typed on the command line, for a message: as typed up to ``width``
    characters, a longer number to six significant figures (as :func:`written_number`),
    other long text cut with an ellipsis.

    >>> typed_text("1e6"), typed_text("9" * 400), typed_text("-" + "1_000" * 100)
    ('1e6', '1e+400', '-1e+399')
    >>> typed_text("x" * 30)
    'xxxxxxxxxxxxxxxxxxxxxxx…'
    """
    if len(text) <= width:
        return text
    try:
        number = Decimal(text.strip().replace("_", ""))
    except ArithmeticError:
        number = Decimal("nan")
    return _six_figures(number) if number.is_finite() else text[: width - 1] + "…"


_SCALES = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "%": 0.01}
_WITH_UNIT = re.compile(
    r"\s*\$?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([kmb%]?)\s*(?:usd|\$)?\s*"
)


def typed_number(text: str) -> str | None:
    """A number typed with a unit or as text (``$0.80``, ``200k``, ``10%``, ``1,500``,
    ``2.5M USD``) as it must be written, the number alone; ``None`` for text that is not one.

    >>> typed_number("$0.80"), typed_number("200k"), typed_number("10%"), typed_number("1,500")
    ('0.8', '200000', '0.1', '1500')
    >>> typed_number("2.5M USD"), typed_number("fast"), typed_number("1e999"), typed_number("5 %")
    ('2500000', None, None, '0.05')
    >>> typed_number("1,5"), typed_number("1,000,000"), typed_number("10_000")  # 1,5: 1.5 or 15?
    (None, '1000000', '10000')
    """
    grouped = re.sub(r"(?<=\d)[,_](?=\d{3}(?!\d))", "", text)  # 1,500; never 1,5 (1.5?)
    typed = _WITH_UNIT.fullmatch(grouped.lower())
    if typed is None:
        return None
    number = float(typed.group(1)) * _SCALES[typed.group(2)]
    if not math.isfinite(number):
        return None
    return f"{int(number)}" if number == int(number) else f"{number:.12g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
