"""The words an input file's faults are said in, shared by a scenario's lines
(:mod:`payback.scenario.messages`) and a calibration file's
(:mod:`payback.measure.calibration`): the same fault is worded the same way in both (a
number in quotes, a value past a bound, a value of the wrong type)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from payback.figures import limit_text, typed_number

__all__ = ["BOUND_ERRORS", "TYPE_WORDS", "as_number", "bound_words"]

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
