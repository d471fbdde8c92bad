"""What a number box holds: the text typed read strictly, as the command line reads a number,
and a number written back the way the boxes show it. No Streamlit here."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from payback.scenario.rounding import MOVED

__all__ = ["ascii_number", "estimate_number", "percent_hint", "read_number", "show_number"]

_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?")
"""Digits 0 to 9, with or without commas between thousands, an optional decimal part and
sign: as the command line reads a number, which refuses other scripts' digits (``٣٠٠``,
full-width ``２００``) and says the number in 0 to 9 (:func:`ascii_number`)."""


def show_number(value: float | Decimal | None, percent: bool = False) -> str:
    """A number as a box shows it: thousands separated, every digit the file gives (a
    fraction shown as a percentage), never an exponent; ``""`` for none.

    >>> show_number(200000), show_number(0.07, percent=True), show_number(2.5e-5)
    ('200,000', '7', '0.000025')
    >>> show_number(-0.4, percent=True), show_number(1234.5), show_number(None)
    ('-40', '1,234.5', '')
    """
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if percent:
        number *= 100
    text = format(number.normalize(), ",f")
    return "0" if text in ("-0", "+0") else text


def estimate_number(value: float) -> float:
    """A number the answer worked out (a replica's requests a second the serving estimate
    gives, a rent), as a box it fills shows it and the file gets it: to the fewest decimals
    that move it by at most :data:`~payback.scenario.rounding.MOVED` (0.05%), the rule by
    which ``payback usage -o`` writes measured traffic into a file; every digit of it had
    been shown (``172.20474742826428``).

    >>> estimate_number(172.20474742826428), estimate_number(35.04525593566074)
    (172.2, 35.05)
    >>> estimate_number(2.69), estimate_number(0.000123456), estimate_number(4.0), estimate_number(0.0)
    (2.69, 0.0001235, 4.0, 0.0)
    """
    value = float(value)
    if not math.isfinite(value) or value == 0:
        return value
    digits = 0
    while digits < 15 and abs(round(value, digits) - value) > MOVED * abs(value):
        digits += 1
    return round(value, digits)


def read_number(text: str, percent: bool = False) -> Decimal | None:
    """What a box holds, read strictly: digits with or without commas between thousands
    (``200,000``, ``200000``, ``-1.5``; a ``%`` after a percentage); ``None`` when empty.
    Raises ``ValueError`` for anything else (``12abc``, ``1,00``, ``1e6``, and digits
    other than 0 to 9: ``٣٠٠``, ``２００``, as the command line refuses them).

    >>> read_number("200,000"), read_number(" 7% ", percent=True), read_number("")
    (Decimal('200000'), Decimal('7'), None)
    """
    cleaned = text.strip().replace("\u2212", "-")  # a typographic minus reads as one
    if percent and cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    if not cleaned:
        return None
    if not _NUMBER.fullmatch(cleaned) or not any("0" <= c <= "9" for c in cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        raise ValueError(text) from None


def ascii_number(text: str) -> str:
    """After "is not a plain number": how to write a number typed in another script's
    digits (``٣٠٠``, full-width ``２００``), as the command line says it ("must be a number;
    write 300"); empty for any other text.

    >>> ascii_number("٣٠٠"), ascii_number("２００,０００"), ascii_number("12abc"), ascii_number("3")
    ('; write 300', '; write 200,000', '', '')
    """
    if text.isascii() or not any(c.isdigit() for c in text):
        return ""
    import unicodedata

    written = "".join(
        str(unicodedata.decimal(c))
        if not c.isascii() and unicodedata.decimal(c, None) is not None
        else unicodedata.normalize("NFKC", c)
        for c in text.strip()
    )
    try:
        read_number(written, percent=True)
    except ValueError:
        return ""
    return f"; write {written}"


def percent_hint(text: str) -> str | None:
    """A line under a percent box that holds a number between 0 and 1, which a file would
    read as a fraction (0.2 is 20% there) but the box reads as a percentage; ``None`` for
    any other text (the number is taken as typed either way), and for a number typed with
    its ``%``: ``0.2%`` says the percentage meant (the hint told it to type 20).

    >>> percent_hint("0.2")
    '0.2 is 0.2% here; for 20% type 20'
    >>> percent_hint("0.2%"), percent_hint("20"), percent_hint("0"), percent_hint("x")
    (None, None, None, None)
    """
    if text.strip().endswith("%"):
        return None
    try:
        number = read_number(text, percent=True)
    except ValueError:
        return None
    if number is None or not 0 < number < 1:
        return None
    typed, meant = show_number(number), show_number(number * 100)
    return f"{typed} is {typed}% here; for {meant}% type {meant}"
