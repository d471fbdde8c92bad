"""The self-hosted capacity a study holds while it varies a token length.

A capacity estimated from model and gpu follows the token lengths a study moves
(:mod:`payback.analysis.follow`: estimated again, as analyze would at those lengths). A
capacity the file gives (``replica_requests_per_s``, measured or typed at the file's
lengths) cannot: the studies (the tornado, Monte Carlo, Sobol, solve) move
``traffic.input_tokens``, ``traffic.output_tokens`` and ``traffic.cached_input_share``
through the engine, where only the per-token prices follow them.
:func:`capacity_held_line` (:func:`portfolio_capacity_held_line` for a portfolio's
workloads) says so, once a study, naming every self-hosted option whose given capacity
stays as it is.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from payback.figures import listed

if TYPE_CHECKING:
    from payback.analysis.portfolio_setup import Portfolio
    from payback.analysis.resolve import Resolved

__all__ = ["TOKEN_PATHS", "capacity_held_line", "kept_for", "portfolio_capacity_held_line"]

TOKEN_PATHS = ("traffic.input_tokens", "traffic.output_tokens", "traffic.cached_input_share")
"""The traffic inputs a replica's capacity depends on that the engine reads as prices only."""


def _figure(value: float) -> str:
    """Four significant figures, thousands separated: 8.525, 1,234."""
    return f"{float(f'{value:.4g}'):,g}"


class Held(NamedTuple):
    """One capacity a study holds: its option's path, and how a line says it."""

    path: str
    text: str


def _held(
    resolved: Resolved, workload: str | None = None, kept: Container[str] | None = None
) -> list[Held]:
    """Each self-hosted option of ``resolved`` (of those whose paths ``kept`` holds) whose
    capacity the file gives (of ``workload``, a portfolio's ``workloads.1``); one estimated
    follows the lengths (:mod:`payback.analysis.follow`)."""
    from payback.scenario.schema import SelfHostedOption

    written = dict(resolved.original.options())
    on = "" if workload is None else f" on {workload}"
    held = []
    for path, option in resolved.scenario.options():
        rps = getattr(option, "replica_requests_per_s", None)
        if not isinstance(option, SelfHostedOption) or rps is None:
            continue
        if kept is not None and path not in kept:
            continue
        if f"{path}.replica_requests_per_s" in resolved.original.distributions:
            continue  # sampled on its own: no single value is held
        if getattr(written.get(path), "replica_requests_per_s", None) is None:
            continue  # estimated: it follows the lengths
        held.append(
            Held(path, f"{path}'s capacity{on} (replica_requests_per_s, {_figure(rps)} requests/s)")
        )
    return held


def _line(
    varied: Sequence[str], held: Sequence[Held], varied_text: str = "", held_text: str = ""
) -> str | None:
    """The line; ``varied_text`` / ``held_text`` say many of them shortly (plural). What to
    do: a capacity given was measured (or typed) at the file's lengths and is measured
    again, or left out for analyze to estimate at each."""
    if not varied or not held:
        return None
    verb = "varies" if len(varied) == 1 and not varied_text else "vary"
    many = len(held) > 1 or bool(held_text)
    stays, it = ("stay as they are", "them") if many else ("stays as it is", "it")
    todo = (
        f"measure {it} at other token lengths (payback estimate serving, or a benchmark "
        "through payback import-benchmark) and give the file what you measure, or leave "
        f"{it} out for analyze to estimate from model and gpu at each length"
    )
    return (
        f"{varied_text or listed(varied)} {verb} the per-token prices only: "
        f"{held_text or listed([h.text for h in held])} {stays}; {todo}"
    )


def kept_for(index: int) -> set[str]:
    """The options whose held capacity an alternative's own caution names: its own, and the
    baseline's, whose fleet cost every alternative is held against (its escalated share
    too)."""
    return {"baseline", f"alternatives.{index}"}


def capacity_held_line(
    resolved: Resolved, paths: Iterable[str], kept: Container[str] | None = None
) -> str | None:
    """One line where ``paths`` (the inputs a study varies) hold a token length of
    ``traffic`` and ``resolved`` has a self-hosted option (of those whose paths ``kept``
    holds, ``baseline`` or ``alternatives.0``: every one where ``None``) whose capacity
    enters the cash flows; ``None`` otherwise."""
    moved = set(paths)
    varied = [path for path in TOKEN_PATHS if path in moved]
    return _line(varied, _held(resolved, kept=kept) if varied else [])


def portfolio_capacity_held_line(
    p: Portfolio, paths: Iterable[str], kept: Container[str] | None = None
) -> str | None:
    """:func:`capacity_held_line` for a portfolio: the token lengths of any workload
    (``workloads.1.traffic.output_tokens``), the capacities of the workloads they reach (of
    the options ``kept`` holds: every one where ``None``)."""
    from payback.analysis.portfolio_setup import route

    found: list[tuple[tuple[list[int], int], str]] = []
    reached: set[int] = set()
    for path in dict.fromkeys(paths):
        where = route(p, path)
        if where.local in TOKEN_PATHS:  # by workload, then as TOKEN_PATHS orders them
            found.append(((sorted(where.parts), TOKEN_PATHS.index(where.local)), path))
            reached.update(where.parts)
    varied = [path for _, path in sorted(found)]
    each = [
        (j, h)
        for j in sorted(reached)
        for h in _held(p.parts[j], f"workloads.{j}", _serving(p, j, kept))
    ]
    held = [h for _, h in each]
    if len(reached) <= 2 or not held:
        return _line(varied, held)
    fields = [t.split(".")[-1] for t in TOKEN_PATHS if any(v.endswith(t) for v in varied)]
    workloads = listed([str(j) for j in sorted(reached)])
    alternatives = sorted({h.path for h in held})
    return _line(
        varied,
        held,
        varied_text=f"the {listed(fields)} of workloads {workloads}",
        held_text=f"the capacities of {listed(alternatives)} on those workloads "
        f"(replica_requests_per_s: {_given_by(p, each)})",
    )


def _given_by(p: Portfolio, each: Sequence[tuple[int, Held]]) -> str:
    """Who gives the capacities held on each workload: the workloads themselves
    (``workloads.1.alternatives."name"``, or a workload's own baseline), or the option for
    a workload that gives none: "the 4 that workloads 1, 2, 3 and 4 give; alternatives.0's
    own on workload 0"."""
    workloads = p.scenario.workloads or []

    def own(j: int, path: str) -> bool:
        if path == "baseline":
            return workloads[j].baseline is not None
        name = p.scenario.alternatives[int(path.split(".")[1])].name
        terms = workloads[j].alternatives.get(name)
        return terms is not None and "replica_requests_per_s" in terms.model_fields_set

    theirs = [j for j, h in each if own(j, h.path)]
    inherited: dict[str, list[int]] = {}
    for j, h in each:
        if not own(j, h.path):
            inherited.setdefault(h.path, []).append(j)
    parts = []
    if theirs:
        named = listed([str(j) for j in dict.fromkeys(theirs)])
        one = len(set(theirs)) == 1
        parts.append(
            f"the {len(theirs)} that workload{'' if one else 's'} {named} give{'s' if one else ''}"
        )
    parts += [
        f"{path}'s own on workload{'s' * (len(js) > 1)} {listed([str(j) for j in js])}"
        for path, js in inherited.items()
    ]
    return "; ".join(parts)


def _serving(p: Portfolio, j: int, kept: Container[str] | None = None) -> set[str]:
    """The options that serve workload ``j`` (of those ``kept`` holds): its baseline and the
    alternatives serving it."""
    serving = {"baseline"} | {f"alternatives.{i}" for i, on in enumerate(p.served) if j in on}
    return serving if kept is None else {path for path in serving if path in kept}
