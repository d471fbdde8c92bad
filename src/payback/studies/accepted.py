"""Assumed ranges narrowed to the values analyze accepts.

A file without distributions has every input moved ±25% (``payback sensitivity``,
``explain``, ``report``, and Sobol's samples). An input an estimate follows (a latency
target, a token length, :func:`~payback.analysis.follow.estimate_inputs`) is estimated
again at each end, and an end past what analyze accepts (a latency target no batch meets,
a prompt past the model's context) stopped the whole command on a file analyze accepts,
with advice about a range the user never wrote. Such an end is taken back to the file's
value, and the input says so (:class:`Narrowed`: which end, the value refused and
analyze's reason, the refusal's ``reason``), so that its range is never labelled ±25%
where it was moved one way only. A range the file gives is left as it is (its refusal
names it). A portfolio's inputs are narrowed by the same code
(:func:`portfolio_within_accepted`), and an input narrowed so that it moves nothing is
said beside the drivers, not dropped without a word (:class:`Ranked`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np

from payback.analysis.cashflows import evaluate
from payback.analysis.follow import estimate_inputs
from payback.analysis.resolve import Resolved
from payback.errors import PaybackError
from payback.scenario.distributions import Uniform

if TYPE_CHECKING:
    from payback.analysis.portfolio import Portfolio
    from payback.studies.uncertainty import UncertainInput

__all__ = [
    "Narrowed",
    "Ranked",
    "narrowed_label",
    "narrowed_unmoved",
    "portfolio_within_accepted",
    "ranked",
    "within_accepted",
]

Item = TypeVar("Item", bound=Any)


@dataclass(frozen=True)
class Narrowed:
    """An end of an assumed range taken back to the file's value: analyze refuses the file
    at that end."""

    end: Literal["low", "high"]
    """The end taken back to the file's value."""
    refused: float
    """The assumed end analyze refuses (the file's value -25%, say)."""
    reason: str
    """Analyze's reason, as its refusal says it (the error's ``reason``)."""
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
    return _narrowed(mine, followed, lambda path, x: evaluate(resolved, {path: np.array([x])}))


def portfolio_within_accepted(portfolio: Portfolio, mine: list[Item]) -> list[Item]:
    """:func:`within_accepted` over a portfolio's inputs (``mine``, each by its portfolio
    path, ``workloads.0.traffic.input_tokens``): an input that an estimate of any workload
    it reaches follows, at each end of its assumed range, the portfolio evaluated there."""
    from payback.analysis.portfolio import evaluate_portfolio, route

    reads = [
        {r for estimate in estimate_inputs(part).values() for r in estimate}
        for part in portfolio.parts
    ]
    followed = set()
    for item in mine:
        where = route(portfolio, item.path)
        if any(where.local in reads[j] for j in where.parts):
            followed.add(item.path)
    kept = _narrowed(
        [(item, item.path) for item in mine],
        followed,
        lambda path, x: evaluate_portfolio(portfolio, {path: np.array([x])}),
    )
    return [item for item, _ in kept]


class Ranked(list[Item]):
    """One alternative's drivers, ranked (a list, as before), and ``narrowed_unmoved``: its
    inputs narrowed to one way (:class:`Narrowed`) that move nothing over what remains of
    their range, so that the ranking leaves them out, as any input that moves nothing,
    and the note on the narrowed inputs says so (:func:`ranked`)."""

    def __init__(
        self, drivers: Iterable[Item] = (), narrowed_unmoved: Iterable[UncertainInput] = ()
    ) -> None:
        super().__init__(drivers)
        self.narrowed_unmoved = list(narrowed_unmoved)


def ranked(drivers: list[Item], mine: list[UncertainInput]) -> Ranked[Item]:
    """``drivers`` (ranked from the inputs ``mine``) with the inputs of ``mine`` narrowed
    to one way that are not among them (:class:`Ranked`)."""
    moved = {d.parameter for d in drivers}
    return Ranked(drivers, [i for i in mine if i.narrowed is not None and i.path not in moved])


def narrowed_unmoved(drivers: list[Any]) -> list[UncertainInput]:
    """The inputs narrowed to one way that ``drivers`` (:class:`Ranked`) left out because
    they move nothing; none for a plain list."""
    return drivers.narrowed_unmoved if isinstance(drivers, Ranked) else []


def _narrowed(
    mine: list[tuple[Item, str]], followed: set[str], run: Callable[[str, float], object]
) -> list[tuple[Item, str]]:
    """:func:`within_accepted`'s narrowing: ``run(path, value)`` evaluates the file with the
    input at ``path`` at ``value`` (raising analyze's refusal); only the ``followed`` paths
    are tried."""
    out = []
    for item, path in mine:
        if item.assumed is None or path not in followed:
            out.append((item, path))
            continue
        low, high = item.ends()
        low_why, high_why = (_refusal(run, path, end) for end in (low, high))
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


def _refusal(run: Callable[[str, float], object], path: str, value: float) -> str | None:
    """Why analyze refuses the file with ``path`` at ``value`` (its reason alone: the
    error's ``reason``), or ``None`` where it accepts it."""
    try:
        run(path, value)
    except PaybackError as exc:
        return exc.reason if exc.reason is not None else "; ".join(exc.messages)
    return None
