""" "What would it take?" in the page's words: ``payback solve``'s answer (the same
:class:`~payback.studies.targets.Solution`, the same figures written by the same functions)
told as a finance partner reads it: every sentence says what is solved, for which target,
in the input's own units ("at least 585,538 requests a month", "$0.80 per GPU-hour"), where
the command line writes the file's names ("traffic.requests_per_month = 585,538 gives
month 3.00, the target (break_even_month=3)"). No Streamlit here, so it is testable."""

from __future__ import annotations

import math
import re

from payback.analysis.result import QUARTER_MONTHS, QUARTER_PARAMETER, Analysis, usd
from payback.analysis.verdict import months_text
from payback.report.common import input_value
from payback.report.labels import input_label
from payback.report.solving import (
    met_again,
    metric_text,
    metrics_apart,
    not_monotone,
    said_as_step,
    solution_lines,
    step_sides,
    threshold_texts,
)
from payback.studies.solve import Solution, Target

__all__ = ["amount", "goal_words", "quarter_words", "solution_words", "target_words"]

_UNIT = re.compile(r"\s*\[([^\]]*)\]$")
_UNIT_WORDS = {"traffic.requests_per_month": "requests a month"}
"""Units that read better than the label's: the requests are a month's."""


def _unit(path: str) -> str:
    """The input's unit as its label gives it ("[$ per GPU-hour]"), in words after a value."""
    if path in _UNIT_WORDS:
        return _UNIT_WORDS[path]
    found = _UNIT.search(input_label(path))
    unit = found.group(1).split(";")[0].strip() if found else ""
    return unit.removeprefix("$").removeprefix("%").strip()


def amount(path: str, value: float) -> str:
    """A value of the input at ``path`` in its units, its figure as ``payback solve`` writes
    it (:func:`~payback.report.common.input_value`).

    >>> amount("traffic.requests_per_month", 585538), amount("alternatives.0.usd_per_gpu_hour", 0.8)
    ('585,538 requests a month', '$0.80 per GPU-hour')
    >>> (
    ...     amount("traffic.growth_monthly", 0.200605),
    ...     amount("alternatives.0.one_time.engineer_hours", 41.97),
    ... )
    ('20.0605% a month', '41.97 hours')
    >>> (
    ...     amount("alternatives.0.one_time.data_usd", 4000),
    ...     amount("alternatives.0.escalation_share", 0.1),
    ... )
    ('$4,000', '10%')
    >>> (
    ...     amount("alternatives.0.recurring.retrain_every_months", 6),
    ...     amount("alternatives.0.min_replicas", 1),
    ... )
    ('6 months', '1 replica')
    """
    return _with_unit(path, input_value(path, value))


def _with_unit(path: str, figure: str) -> str:
    """A figure of the input at ``path`` followed by its unit, one of it singular."""
    unit = _unit(path)
    if figure == "1" and unit:
        first, _, rest = unit.partition(" ")
        unit = " ".join([first.removesuffix("s"), rest]).strip()
    return f"{figure} {unit}" if unit else figure


def target_words(target: Target) -> str:
    """A solve target as the page says it, not as the file's field names write it.

    >>> target_words(Target("break_even_month", 3.0)), target_words(Target("npv_usd", 0.0))
    ('a break-even in month 3', 'an NPV of $0')
    >>> target_words(Target("break_even_requests", 1e6))
    'a break-even after 1,000,000 requests'
    """
    if target.metric == "npv_usd":
        return f"an NPV of {usd(target.value, 0)}"
    if target.metric == "break_even_requests":
        return f"a break-even after {target.value:,.0f} requests"
    return f"a break-even in month {target.value:g}"


def goal_words(target: Target, horizon: int) -> str:
    """What meeting ``target`` means for the alternative, as a verb phrase: the side it
    is met on included (a break-even by month 3, not only in month 3).

    >>> goal_words(Target("break_even_month", 3.0), 24), goal_words(Target("npv_usd", 0.0), 24)
    ('break even by month 3', 'reach an NPV of $0 or more over 24 months')
    >>> goal_words(Target("break_even_requests", 2673817.0), 24)
    'break even within 2,673,817 requests'
    """
    if target.metric == "npv_usd":
        return f"reach an NPV of {usd(target.value, 0)} or more over {months_text(horizon)}"
    if target.metric == "break_even_requests":
        return f"break even within {target.value:,.0f} requests"
    return f"break even by month {target.value:g}"


def _gives(metric: str, value: float | None, horizon: int, shown: str | None = None) -> str:
    """What a value of the input gives, as a verb phrase, its figure as ``payback solve``
    writes it (:func:`~payback.report.solving.metric_text`, or ``shown``: the figure with
    the digits that tell it from the target's).

    >>> _gives("break_even_month", 3.0, 24), _gives("npv_usd", 7835.9, 24)
    ('breaks even in month 3.00', 'has an NPV of $7,836 over 24 months')
    >>> _gives("break_even_requests", 2673816.6, 24), _gives("break_even_month", None, 24)
    ('breaks even after 2,673,817 requests', 'does not break even within 24 months')
    """
    if value is None:
        return f"does not break even within {months_text(horizon)}"
    text = shown or metric_text(metric, value)
    if metric == "npv_usd":
        return f"has an NPV of {text} over {months_text(horizon)}"
    if metric == "break_even_requests":
        return f"breaks even after {text}"
    return f"breaks even in {text}"


def _range(solution: Solution) -> str:
    """The input's allowed values in its units: "≥ $0 and ≤ $1,000 per GPU-hour"; an
    unbounded side left out ("any value" where both are)."""
    allowed, path = solution.allowed, solution.parameter
    sides = [
        f"{sign} {amount(path, bound)}"
        for sign, bound in (
            ("≥" if allowed.lowest_included else ">", allowed.lowest),
            ("≤" if allowed.highest_included else "<", allowed.highest),
        )
        if math.isfinite(bound)
    ]
    return " and ".join(sides) or "any value"


def _name(path: str) -> str:
    """The input as its box on the page names it, quoted: “GPU rent”."""
    return f"“{input_label(path, units=False)}”"


def solution_words(solution: Solution) -> list[str]:
    """``payback solve``'s answer (:func:`~payback.report.solving.solution_lines`) in the
    page's words, with the same figures: what value of the input the alternative needs to
    meet the target, on which side of it the target holds, what today's value gives, and
    how it was found; then what solve warns of (a capacity held while a token length
    varies), as the command line says it."""
    return [*_answer_words(solution), *(f"Note: {line}" for line in solution.warnings)]


def _answer_words(solution: Solution) -> list[str]:
    p, target, horizon = solution.parameter, solution.target, solution.horizon_months
    metric, name = target.metric, _name(p)
    alt, goal = f"'{solution.alternative_name}'", goal_words(target, horizon)
    today = (
        f"Today {name} is {amount(p, solution.current)}: {alt} "
        f"{_gives(metric, solution.current_achieved, horizon)}"
        + (", which already meets the target." if solution.current_met else ".")
    )
    found = f"Found by trying {solution.evaluations:,} values of {name}."
    at_once = [line for line in solution_lines(solution) if line.startswith("Month 0 means")]
    if solution.value is None and solution.holds_everywhere:
        return [
            f"Every allowed value of {name} ({_range(solution)}) already lets {alt} {goal}: there is "
            "no threshold to find.",
            today,
        ]
    if solution.value is None:
        return [_unmet(solution, name, alt, goal), *at_once, today, found]
    above = bool(solution.met_above)
    side = "at least" if above else "at most"
    if said_as_step(solution):  # a step, or met at a jump's edge where a figure lies across
        return [*_step(solution, name, alt, goal), today, found]
    crossing, bound = threshold_texts(p, solution.value, above)  # as payback solve says them
    value, at = _with_unit(p, bound), _with_unit(p, crossing)
    gives = _gives(metric, solution.achieved, horizon)
    if solution.single_crossing:
        first = f"For {alt} to {goal}, {name} must be {side} {value}: at {at} it {gives}."
    else:
        first = (
            f"For {alt} to {goal}, {name} must be {_past(solution, value)} (the crossing "
            f"nearest today's value; at {at} it {gives}), {_again(solution, name)}."
        )
    return [first, *at_once, today, found]


def _past(solution: Solution, value: str, side: str | None = None) -> str:
    """Where a target met nearest today's value holds on its side: every value tried past
    it (``holds_past``: "at least", or a step's ``side``, "above" where the figure itself
    misses it), or only near it ("just above")."""
    above = bool(solution.met_above)
    if solution.holds_past:
        return f"{side or ('at least' if above else 'at most')} {value}"
    return f"just {'above' if above else 'below'} {value}"


def _again(solution: Solution, name: str) -> str:
    """What else is true past the crossing nearest today's value, as payback solve says it:
    met again further off on the other side (``holds_past``), or not at every value past."""
    above = bool(solution.met_above)
    if solution.holds_past:
        return met_again(above, name)
    return f"but not every value {'above' if above else 'below'} it will do: {not_monotone(name)}"


def _step(solution: Solution, name: str, alt: str, goal: str) -> list[str]:
    """The sentences for a target met only within a step of the input (a whole number of
    replicas or months): what each side of the step gives, and on which side the target
    holds, each figure as ``payback solve`` writes it (apart where two would read the same)."""
    assert solution.other_side is not None
    p, metric, horizon = solution.parameter, solution.target.metric, solution.horizon_months
    other_metric = solution.other_side[1]
    sides = step_sides(solution)
    value, was, now = sides.value, sides.was, sides.now
    there = (
        f"just {sides.near} {_with_unit(p, value)}"
        if sides.there is None
        else f"at {_with_unit(p, sides.there)}"
    )
    holds = (
        f"{name} must be {sides.side} {_with_unit(p, value)}."
        if solution.single_crossing
        else f"{name} must be {_past(solution, _with_unit(p, value), sides.side)} (the crossing "
        f"nearest today's value), {_again(solution, name)}."
    )
    lead = (  # met exactly at the edge of the jump (solve: "at the edge of a step")
        f"For {alt} to {goal}, {name} meets the target at the edge of a step: the answer jumps "
        if solution.reached
        else f"For {alt} to {goal}, no value of {name} meets the target exactly: the answer jumps "
    )
    return [
        lead + f"({sides.cause}): {there} it {_gives(metric, other_metric, horizon, was)}; "
        f"{sides.at} {_with_unit(p, value)} it "
        f"{_gives(metric, solution.achieved, horizon, now)}.",
        f"To {goal}, {holds}",
    ]


def _unmet(solution: Solution, name: str, alt: str, goal: str) -> str:
    """The sentence for a target no allowed value of the input meets, and the nearest."""
    p, target, horizon = solution.parameter, solution.target, solution.horizon_months
    closest_value, closest = solution.closest or (math.nan, None)
    start = f"No value of {name} in its allowed range ({_range(solution)}) lets {alt} {goal}"
    if solution.closest_savings_usd is not None:
        saved = solution.closest_savings_usd
        where = (
            f"still {usd(-saved, 0)} short at month {horizon}"
            if saved < 0
            else f"{usd(saved, 0)} ahead at month {horizon}"
        )
        return (
            f"{start}: at every value it never pays back within {months_text(horizon)}; it "
            f"comes nearest at {amount(p, closest_value)}, {where}."
        )
    near, _ = metrics_apart(target.metric, closest, target.value)
    gives = _gives(target.metric, closest, horizon, near)
    return f"{start}; the nearest it comes is at {amount(p, closest_value)}, where it {gives}."


def _named(line: str, path: str, target: Target) -> str:
    """A line of ``payback solve`` with the input's name and the target in words."""
    return line.replace(path, input_label(path, units=False)).replace(
        str(target), target_words(target)
    )


def quarter_words(analysis: Analysis, index: int, solution: Solution) -> list[str]:
    """Where the page's traffic to break even by month 3 is not the traffic that pays back
    within a quarter as the verdict beside it says it (a later cost, a retraining in month
    3, puts the savings back below zero by then), that traffic too, as explain gives it;
    nothing otherwise."""
    quarter = Target("break_even_month", float(QUARTER_MONTHS))
    if (solution.parameter, solution.target) != (QUARTER_PARAMETER, quarter):
        return []
    from payback.report.explain import quarter_sentence, quarter_traffic

    within = quarter_traffic(analysis, index)
    bound = None if within is None else within["requests_per_month"]
    if bound is None or solution.value is None or solution.met_above is None:
        return []
    solved = math.ceil(solution.value) if solution.met_above else math.floor(solution.value)
    if bound == solved:
        return []
    assert within is not None
    if not within["single_crossing"]:  # a crossing nearest today's only: explain's words
        return [quarter_sentence(analysis, index)]
    side = "at least" if within["at_least"] else "at most"
    return [
        f"To pay back within a quarter, not behind again at month {QUARTER_MONTHS}, traffic "
        f"must be {side} {bound:,} requests a month: a later month's cost (a retraining, or "
        "traffic falling onto a fixed fleet) puts the savings back below zero by then."
    ]
