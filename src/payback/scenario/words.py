"""The words an input file's faults are said in, shared by a scenario's lines
(:mod:`payback.scenario.messages`) and a calibration file's
(:mod:`payback.measure.calibration`): the same fault is worded the same way in both (a
number in quotes, a value past a bound, a value of the wrong type)."""

from __future__ import annotations

import calendar
import codecs
import math
import re
import sys
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from payback.figures import limit_text, typed_number
from payback.limits import BELOW_FLOAT, BEYOND_FLOAT
from payback.scenario.paths import schema_range

__all__ = [
    "BOUND_ERRORS",
    "DATE_TEXT",
    "TYPE_WORDS",
    "WrittenFloat",
    "as_number",
    "beyond_float",
    "beyond_float_words",
    "bound_words",
    "date_problem",
    "is_utf16",
    "overflowed",
    "read_float",
    "yaml_tab_hint",
]

TYPE_WORDS = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "string_type": "must be text in quotes",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "dict_type": "must be a table",
    "list_type": "must be a list of tables ([[alternatives]] in TOML)",
    "finite_number": "must be a finite number, not NaN or infinity",
    "date_type": "must be a date such as 2026-12-01 (unquoted in TOML)",
    "date_parsing": "must be a date such as 2026-12-01 (unquoted in TOML)",
    "date_from_datetime_inexact": "must be a date such as 2026-12-01, without a time",
    "date_from_datetime_parsing": "must be a date such as 2026-12-01",
}
"""What a field of each type must be, by pydantic's error type (a TOML file's words)."""

_SIGNS = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<", "less_than_equal": "≤"}
BOUND_ERRORS = frozenset(_SIGNS)
"""Pydantic's error types for a value past one of its field's bounds."""


def bound_words(kind: str, ctx: Mapping[str, Any]) -> str:
    """The bound a value is past (pydantic's error ``kind`` and its ``ctx``), as a rule.

    >>> bound_words("less_than_equal", {"le": 1.0}), bound_words("greater_than", {"gt": 0})
    ('must be ≤ 1', 'must be > 0')
    >>> bound_words("greater_than_equal", {"ge": "1970-01-01"})  # a date's, as pydantic says it
    'must be ≥ 1970-01-01'
    """
    limit = next(iter(ctx.values()))
    return (
        f"must be {_SIGNS[kind]} {limit_text(limit) if isinstance(limit, float | int) else limit}"
    )


def as_number(value: Any, plain: bool = False) -> str:
    """For a number typed as text with a unit ("$0.80", "200k", "10%"), how to write it;
    ``plain``: written without quotes in YAML, which read it as text (``200_000``).

    >>> as_number("$0.80"), as_number("fast"), as_number(3)
    ('; write 0.8, without quotes or units', '', '')
    >>> as_number("200_000", plain=True)
    '; YAML reads 200_000 as text; write 200000'
    """
    number = typed_number(value) if isinstance(value, str) else None
    if number is None:
        return ""
    if plain:
        return f"; YAML reads {value} as text; write {number}"
    return f"; write {number}, without quotes or units"


def beyond_float(value: Any) -> bool:
    """Whether ``value`` is a whole number past the largest float: TOML, YAML and JSON read
    one of any length (up to 4,300 digits), which a number field cannot hold.

    >>> beyond_float(10**400), beyond_float(-(10**400)), beyond_float(10**300), beyond_float(1e308)
    (True, True, False, False)
    """
    return (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max
    )


def beyond_float_words(model: type[BaseModel] | None, field: str, value: float) -> str:
    """What a number field of ``model`` says of ``value``, a whole number past the largest
    float either way (pydantic says only "a valid number") or a number written with an
    exponent past it (``1e400``, read as infinity): the field's bound on that side,
    as a value past it is told, where it has one; the largest float where it has none.

    >>> from pydantic import Field
    >>> class M(BaseModel):
    ...     low: float = Field(gt=0.0, lt=1e13)
    ...     free: float = Field(ge=0.0)
    >>> beyond_float_words(M, "low", 10**400), beyond_float_words(M, "low", -(10**400))
    ('must be < 10,000,000,000,000', 'must be > 0')
    >>> beyond_float_words(M, "free", 10**400)
    'must be under about 1.8e308, the largest number payback computes with'
    >>> beyond_float_words(None, "free", -(10**400))
    'must be over about -1.8e308, the lowest number payback computes with'
    """
    beyond = BEYOND_FLOAT if value > 0 else BELOW_FLOAT
    if model is None or field not in model.model_fields:
        return beyond
    allowed = schema_range(model, field)
    if value > 0:
        return beyond if allowed.highest == math.inf else f"must be {allowed.describe_high()}"
    return beyond if allowed.lowest == -math.inf else f"must be {allowed.describe_low()}"


class WrittenFloat(float):
    """A number a TOML file writes with an exponent (``1e14``, ``1e400``), which keeps its
    text for a message to quote: Python writes ``100000000000000.0`` and ``inf``. A field
    validated holds a plain float."""

    written: str = ""


def read_float(text: str) -> float:
    """A TOML reader's number (``tomllib``'s ``parse_float``): one written with an exponent
    as a :class:`WrittenFloat`.

    >>> read_float("1e400"), read_float("1e400").written, type(read_float("0.5")).__name__
    (inf, '1e400', 'float')
    """
    value = float(text)
    if "e" not in text.lower():
        return value
    number = WrittenFloat(value)
    number.written = text
    return number


def overflowed(kind: str, value: Any, shown: str) -> bool:
    """Whether a number field's error (pydantic's ``kind``) is for a number written past the
    largest float (``1e400``, ``1.9e308``, ``shown`` as written), which a reader reads as
    infinity; not for infinity written so (``inf``, YAML's ``.inf``).

    >>> (
    ...     overflowed("finite_number", math.inf, "1e400"),
    ...     overflowed("finite_number", math.inf, ".inf"),
    ... )
    (True, False)
    """
    number = kind == "finite_number" or kind.startswith("int_")
    infinite = isinstance(value, float) and math.isinf(value)
    return number and infinite and "inf" not in shown.lower()


DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(.*)")
"""A date as typed, maybe wrongly: year, month, day and what follows."""

_SUCH = "write a date such as 2026-12-01"


def date_problem(year: str, month: str, day: str, rest: str) -> str | None:
    """What is wrong with a date as typed, and how to write it; None for a good date.

    >>> date_problem("2026", "13", "45", ""), date_problem("2026", "12", "1", "")
    ('not a date (month 13); write a date such as 2026-12-01', 'a month and a day are written with two digits; write 2026-12-01')
    """
    y, m, d = int(year), int(month), int(day)
    if not 1 <= m <= 12:
        return f"not a date (month {m}); {_SUCH}"
    days = calendar.monthrange(y, m)[1]
    if not 1 <= d <= days:
        return f"not a date (day {d}: {year}-{m:02d} has {days} days); {_SUCH}"
    good = f"{year}-{m:02d}-{d:02d}"
    if re.match(r"[Tt ]+\d{1,2}:\d", rest):
        return f"a date is written without a time; write {good}"
    if rest.strip():
        return f"not a date; {_SUCH}"
    if len(month) == 2 and len(day) == 2:
        return None
    return f"a month and a day are written with two digits; write {good}"


def yaml_tab_hint(text: str, line: int, column: int) -> str:
    r"""What to do about the tab a YAML parser refused at ``line``, ``column`` (from 0).

    >>> yaml_tab_hint("scenario:\n\tname: x\n", 1, 0)
    '; YAML indents with spaces, not tabs: replace the tab on line 2'
    >>> yaml_tab_hint("a:\t1\n", 0, 2)
    '; YAML takes spaces, not tabs, between tokens: replace the tab on line 1'
    """
    lines = text.splitlines()
    indent = line < len(lines) and not lines[line][:column].strip()
    said = "indents with spaces, not tabs" if indent else "takes spaces, not tabs, between tokens"
    return f"; YAML {said}: replace the tab on line {line + 1}"


def is_utf16(raw: bytes) -> bool:
    r"""Whether ``raw`` is UTF-16 text with a byte-order mark (not UTF-32's, which starts
    as UTF-16 little-endian's does), mostly ASCII as a scenario is (four bytes of binary
    after the mark, ``00 81``, read as one CJK character).

    >>> is_utf16("x = 1".encode("utf-16")), is_utf16(b"\xff\xfe\x00"), is_utf16(b"x = 1")
    (True, False, False)
    >>> is_utf16(b"\xff\xfe\x00\x81"), is_utf16("# 1 × l4 ≤ 600".encode("utf-16"))
    (False, True)
    """
    if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[2:4] == b"\0\0":
        return False
    try:
        text = raw.decode("utf-16")
    except UnicodeDecodeError:
        return False
    return sum(c.isascii() for c in text) * 2 >= len(text) > 0  # not bytes read as CJK
