"""Assumed ranges narrowed to the values analyze accepts.

A file without distributions has every input moved ±25% (``payback sensitivity``,
``explain``, ``report``, and Sobol's samples). An input an estimate follows (a latency
target, a token length, :func:`~payback.analysis.follow.estimate_inputs`) is estimated
again at each end, and an end past what analyze accepts (a latency target no batch meets,
a prompt past the model's context) stopped the whole command on a file analyze accepts,
with advice about a range the user never wrote. Such an end is taken back to the file's
value, and the input says so (:class:`Narrowed`: which end, the value refused and
analyze's reason), so that its range is never labelled ±25% where it was moved one way
only. A range the file gives is left as it is (its refusal names it)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np

from payback.analysis.cashflows import evaluate
from payback.analysis.follow import estimate_inputs
from payback.analysis.resolve import Resolved
from payback.errors import PaybackError
from payback.scenario.distributions import Uniform

__all__ = ["Narrowed", "narrowed_label", "within_accepted"]

Item = TypeVar("Item", bound=Any)

REFUSED = "analyze refuses the file there ("
"""How a study's refusal of a value introduces analyze's reason (analysis/follow.py and
follow_training.py word it so: ``... = 7.5: analyze refuses the file there (REASON), and
...``)."""


@dataclass(frozen=True)
class Narrowed:
    """An end of an assumed range taken back to the file's value: analyze refuses the file
    at that end."""

    end: Literal["low", "high"]
    """The end taken back to the file's value."""
    refused: float
    """The assumed end analyze refuses (the file's value -25%, say)."""
    reason: str
    """Analyze's reason, as its refusal says it."""
    label: str
    """The range in words: ``+25% only, not -25%: at 7.5 analyze refuses the file (...)``
    (:func:`narrowed_label`)."""


def narrowed_label(assumed: str, end: Literal["low", "high"], refused: float, reason: str) -> str:
    """How a range ``assumed`` (``±25%``) moved one way only reads: the way it moved, the
    way it did not, and why.

    >>> narrowed_label("±25%", "low", 7.5, "no batch meets it")
    '+25% only, not -25%: at 7.5 analyze refuses the file (no batch meets it)'
    >>> narrowed_label("±10%", "high", 145_200.0, "past the model's context")
    "-10% only, not +10%: at 145,200 analyze refuses the file (past the model's context)"
    """
    why = f"at {refused:,.6g} analyze refuses the file ({reason})"
    if assumed.startswith("±"):
        share = assumed[1:]
        moved, not_moved = ("+", "-") if end == "low" else ("-", "+")
        return f"{moved}{share} only, not {not_moved}{share}: {why}"
    return f"{'up' if end == 'low' else 'down'} from the file's value only: {why}"


def within_accepted(resolved: Resolved, mine: list[tuple[Item, str]]) -> list[tuple[Item, str]]:
    """``mine`` (uncertain inputs, each with its path in ``resolved``) with each assumed
    range of an input an estimate follows narrowed to the ends analyze accepts: a refused
    end at the file's value, said in the input's ``narrowed``; an input both of whose ends
    are refused left out. The tornado's ends and Sobol's samples both come from it."""
    followed = {p for reads in estimate_inputs(resolved).values() for p in reads}
    out = []
    for item, path in mine:
        if item.assumed is None or path not in followed:
            out.append((item, path))
            continue
        low, high = item.ends()
        low_why, high_why = (_refusal(resolved, path, end) for end in (low, high))
        if low_why is None and high_why is None:
            out.append((item, path))
            continue
        if low_why is not None and high_why is not None:  # refused both ways: left out
            continue
        at: Literal["low", "high"] = "low" if low_why is not None else "high"
        refused, reason = (low, low_why) if low_why is not None else (high, high_why)
        kept = (item.central, high) if at == "low" else (low, item.central)
        if kept[0] < kept[1] and reason is not None:
            label = narrowed_label(item.assumed, at, refused, reason)
            dist = Uniform(dist="uniform", low=kept[0], high=kept[1])
            narrowed = Narrowed(at, refused, reason, label)
            out.append((dataclasses.replace(item, dist=dist, narrowed=narrowed), path))
    return out


def _refusal(resolved: Resolved, path: str, value: float) -> str | None:
    """Why analyze refuses the file with ``path`` at ``value`` (its reason alone), or
    ``None`` where it accepts it."""
    try:
        evaluate(resolved, {path: np.array([value])})
    except PaybackError as exc:
        text = "; ".join(exc.messages)
        _, found, rest = text.partition(REFUSED)
        reason, close, _ = rest.rpartition("), and ")
        return reason if found and close else text
    return None
