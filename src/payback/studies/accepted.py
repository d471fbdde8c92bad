"""Assumed ranges narrowed to the values analyze accepts.

A file without distributions has every input moved ±25% (``payback sensitivity``,
``explain``, ``report``). An input an estimate follows (a latency target, a token length,
:func:`~payback.analysis.follow.estimate_inputs`) is estimated again at each end, and an
end past what analyze accepts (a latency target no batch meets, a prompt past the model's
context) stopped the whole command on a file analyze accepts, with advice about a range
the user never wrote. Such an end is taken back to the file's value: the driver shows
the range it was moved over. A range the file gives is left as it is (its refusal names
it)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import numpy as np

from payback.analysis.cashflows import evaluate
from payback.analysis.follow import estimate_inputs
from payback.analysis.resolve import Resolved
from payback.errors import PaybackError
from payback.scenario.distributions import Uniform

__all__ = ["within_accepted"]

Item = TypeVar("Item", bound=Any)


def within_accepted(resolved: Resolved, mine: list[tuple[Item, str]]) -> list[tuple[Item, str]]:
    """``mine`` (uncertain inputs, each with its path in ``resolved``) with each assumed
    range of an input an estimate follows narrowed to the ends analyze accepts: a refused
    end at the file's value, an input both of whose ends are refused left out."""
    followed = {p for reads in estimate_inputs(resolved).values() for p in reads}
    out = []
    for item, path in mine:
        if item.assumed is None or path not in followed:
            out.append((item, path))
            continue
        low, high = item.ends()
        kept = [end if _accepted(resolved, path, end) else item.central for end in (low, high)]
        if kept == [low, high]:
            out.append((item, path))
        elif kept[0] < kept[1]:
            narrowed = Uniform(dist="uniform", low=kept[0], high=kept[1])
            out.append((dataclasses.replace(item, dist=narrowed), path))
    return out


def _accepted(resolved: Resolved, path: str, value: float) -> bool:
    try:
        evaluate(resolved, {path: np.array([value])})
    except PaybackError:
        return False
    return True
