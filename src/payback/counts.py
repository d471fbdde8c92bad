"""Whole numbers as files write them: the one type a scenario's counts and a calibration
file's counts are read with (beneath both, so that the hardware layer's calibration schema
does not reach up into the scenario's)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

__all__ = ["Whole"]


def _whole(value: Any) -> Any:
    """2.0 is the whole number 2 (YAML and hand-edited TOML write it so); 2.5 stays an error.

    >>> _whole(2.0), _whole(2.5), _whole("2")
    (2, 2.5, '2')
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
"""An integer count; a float with no fractional part is accepted."""
