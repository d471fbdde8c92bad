"""What ``payback solve`` aims at and what it answers: the target (``metric=value``,
:func:`parse_target`) and the :class:`Solution` (the value found, or why none is), shared
by one scenario's solve and a portfolio's (:mod:`payback.studies.solve`), and a training
job's rent the catalog gave written in to solve for it (:func:`catalog_rent_given`)."""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from payback.analysis.alone import local_path
from payback.analysis.lookups import Resolved
from payback.analysis.verdict import months_text
from payback.errors import PaybackError
from payback.figures import limit_text, typed_text
from payback.limits import BEYOND_FLOAT
from payback.nearby import nearest
from payback.scenario import FieldRange, Scenario
from payback.scenario.paths import schema_range, value_at, with_value
from payback.scenario.schema import MAX_FLEET_GPUS, ScenarioInfo

__all__ = [
    "METRICS",
    "QUARTER_SAVINGS",
    "Metric",
    "Solution",
    "Target",
    "alternatives_held",
    "another_alternatives",
    "catalog_rent_given",
    "check_alternative",
    "check_horizon",
    "check_own_input",
    "metric_of",
    "parse_target",
]

Metric = Literal["break_even_month", "npv_usd", "break_even_requests", "quarter_savings_usd"]

QUARTER_SAVINGS: Metric = "quarter_savings_usd"
"""A target no command line takes (not among :data:`METRICS`): the cumulative savings at
the end of month 3, undiscounted (≥ target is better). At ≥ 0 the alternative pays back
within a quarter as analyze says it, broken even by month 3 and not behind again there;
a break-even in month 3 is not that where a later cost (a retraining in month 3) puts the
savings back below zero (:meth:`~payback.analysis.result.Analysis.quarter_threshold`)."""

METRICS: dict[str, str] = {
    "break_even_month": "the month the alternative pays back (≤ target is better)",
    "npv_usd": "the NPV of switching over the horizon, USD (≥ target is better)",
    "break_even_requests": "cumulative requests until it pays back (≤ target is better)",
}
"""The targets :func:`solve` can reach, with what each means."""


@dataclass(frozen=True)
class Target:
    """``metric = value``: what must hold with equality."""

    metric: Metric
    value: float

    def __str__(self) -> str:
        whole = self.value.is_integer() and abs(self.value) < 1e15
        text = f"{int(self.value) if whole else self.value:g}"
        return f"{self.metric}={re.sub(r'e([+-])0*', lambda m: 'e' + m[1].strip('+'), text)}"

    @property
    def lower_is_better(self) -> bool:
        return self.metric not in ("npv_usd", QUARTER_SAVINGS)


def metric_of(outcome: Any, metric: Metric) -> Any:
    """``metric`` in an alternative's outcome: its field of that name, or for
    :data:`QUARTER_SAVINGS` its cumulative savings at the end of month 3 (index 3: the
    first is month 0's, the one-time cost)."""
    if metric == QUARTER_SAVINGS:
        return np.asarray(outcome.cumulative_savings_usd)[..., 3]
    return getattr(outcome, metric)


def parse_target(text: str) -> Target:
    """A target from text such as ``break_even_month=3``, ``npv_usd = 0`` or
    ``break_even_requests=1e6``. Raises :class:`PaybackError` with one line.

    >>> parse_target("break_even_month=3")
    Target(metric='break_even_month', value=3.0)
    """
    allowed = ", ".join(METRICS)
    quoted = repr(text)  # the value as the error shows it: target 'npv=0': ...
    match = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*", text)
    if match is None:
        raise PaybackError.bad(
            "target",
            quoted,
            f"expected METRIC=VALUE such as break_even_month=3; metrics: {allowed}",
        )
    metric, number = match.groups()
    quoted = repr(f"{metric}={typed_text(number)}")  # 400 digits said short: 'npv_usd=1e+400'
    if metric not in METRICS:
        close = nearest(metric, METRICS)
        hint = f"did you mean {close!r}? " if close else ""
        raise PaybackError.bad(
            "target", quoted, f"unknown metric {metric!r}; {hint}allowed: {allowed}"
        )
    try:
        value = float(number.replace("_", ""))
    except ValueError:
        raise PaybackError.bad(
            "target", quoted, f"{number!r} is not a number (e.g. {metric}=3)"
        ) from None
    # typed as digits past any float (1e400): told the metric's bound, else the float's
    overflow = math.isinf(value) and re.fullmatch(r"[-+]?[\d.]+(e[-+]?\d+)?", number.lower())
    if not math.isfinite(value) and not overflow:
        raise PaybackError.bad("target", quoted, "the value must be a finite number")
    if metric != "npv_usd" and value < 0:
        raise PaybackError.bad("target", quoted, f"{metric} must be ≥ 0")
    if metric in TARGET_LIMITS and abs(value) > TARGET_LIMITS[metric]:
        raise PaybackError.bad(
            "target",
            quoted,
            f"{metric} must be {'within ±' if metric == 'npv_usd' else 'at most '}"
            f"{limit_text(TARGET_LIMITS[metric])}: no scenario within a file's limits comes "
            "near it",
        )
    if overflow:
        raise PaybackError.bad("target", quoted, f"{metric} {BEYOND_FLOAT}")
    return Target(metric, value)  # type: ignore[arg-type]


TARGET_LIMITS = {"npv_usd": 1e21, "break_even_requests": 1e18}
"""The largest target of each unbounded metric: 1e13 requests a month (the most a file
allows) for 600 months is 6e15 requests, each at most $1,000 (a price of 1,000 requests at
most $1e6): about 6e18 dollars. A target past them (1e308) searched every value and ended
"no value reaches it" (exit 1), or read "never" as met; break_even_month has its own,
the longest horizon."""


@dataclass(frozen=True)
class Solution:
    """The value of one input at which one alternative meets a target, or why none does."""

    parameter: str
    alternative: int
    alternative_name: str
    target: Target
    current: float
    """The input's value in the scenario."""
    current_achieved: float | None
    """The metric with the input at that value (``None``: never pays back)."""
    current_met: bool
    """Whether today's value already meets the target."""
    value: float | None
    """The solution; ``None`` when no value in the allowed range reaches the target."""
    achieved: float | None
    """The metric at :attr:`value` (``None``: never pays back)."""
    reached: bool
    """Whether the target holds at :attr:`value` (within float precision)."""
    step: bool
    """The metric jumps across the target at :attr:`value`: the target is met on one
    side and missed on the other, never hit exactly."""
    other_side: tuple[float, float | None] | None
    """For a step: the value just across it and the metric there. Also for a target met
    exactly beside a jump (:attr:`reached`), one point away: the value across the jump,
    where the metric misses the target by more than a float's rounding (a price tier that
    starts strictly above 200,000 tokens, the target the dearer side's figure there)."""
    met_above: bool | None
    """Whether values just above :attr:`value` meet the target (``at least``), or just
    below (``at most``); ``None`` without a solution."""
    single_crossing: bool
    """Of all the values tried, only those on the :attr:`met_above` side of
    :attr:`value` meet the target: "at least" / "at most" holds over the range checked.
    Otherwise the metric crosses the target elsewhere too (it is not monotone in the
    input: fleet replicas, retraining months) and the claim holds only near the value,
    the crossing nearest today's."""
    closest: tuple[float, float | None] | None
    """Without a solution: the allowed value whose metric comes closest, and that metric."""
    holds_everywhere: bool
    """Without a solution: whether every allowed value already meets the target."""
    allowed: FieldRange
    whole: bool
    """The input is a whole-number count: only whole values were tried."""
    horizon_months: int
    iterations: int
    """Engine calls: one for the bracketing grid, one per refining round."""
    evaluations: int
    """Candidate values evaluated in all."""
    closest_savings_usd: float | None = None
    """Without a solution, for a break-even target no allowed value reaches within the
    horizon ("never" everywhere): the cumulative savings at the horizon at :attr:`closest`,
    the value that comes nearest to paying back (the most saved, or the least still owed)."""
    savings_dip: bool = False
    """For a step in a break-even target: on the side with the later break-even the
    savings reach zero in an earlier month and fall back below it (a retraining month), so
    the first month they reach zero jumps across the step."""
    behind_again_month: int | None = None
    """For a break-even target met: the first month after it, at the value solved, whose
    cumulative savings are below zero again (analyze's "behind again from month m")."""
    holds_past: bool = False
    """Every value tried past :attr:`value` on its :attr:`met_above` side meets the target:
    "at least" / "at most" holds there over the range checked. Where
    :attr:`single_crossing` is false and this true, the metric crosses the target again only
    on the other side (met again further off, past a stretch that misses it); where both
    are false, a value tried on the met side misses it, and the claim holds only near
    :attr:`value`."""
    within_fleet_cap: FieldRange | None = None
    """The values searched where the fleet cap narrows :attr:`allowed`: past them a fleet
    would need more than :data:`~payback.scenario.schema.MAX_FLEET_GPUS` GPUs, and analyze
    refuses the scenario; ``None`` where no allowed value passes the cap."""
    refused_past: tuple[bool, bool] = (False, False)
    """Whether past the low and the high edge of :attr:`within_fleet_cap` analyze refuses
    the file for another reason than the cap (a token length past a model's context; the
    reason among :attr:`warnings`), rather than for a fleet past the cap."""
    current_source: str | None = None
    """Where :attr:`current` comes from where the file does not give it: the catalog's
    rent a training estimate priced the run at (``catalog: h100-sxm at runpod (...)``), as
    analyze's list of derived numbers says it; ``None`` for a value the file gives."""
    warnings: list[str] = field(default_factory=list)
    """What the search holds that analyze at the value would not: a self-hosted capacity
    that stays as it is while a token length varies
    (:func:`~payback.studies.capacity_held.capacity_held_line`)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "value": self.value,
            "target": {"metric": self.target.metric, "value": self.target.value},
            "achieved": self.achieved,
            "engine_calls": self.iterations,
            "iterations": self.iterations,  # the README's name for engine_calls, kept
            "reached": self.reached,
            "step": self.step,
            "other_side": None
            if self.other_side is None
            else {"value": self.other_side[0], "achieved": self.other_side[1]},
            "met": None
            if self.met_above is None
            else ("at_least" if self.met_above else "at_most"),
            "single_crossing": self.single_crossing,
            "holds_past": self.holds_past,
            "closest": None
            if self.closest is None
            else {"value": self.closest[0], "achieved": self.closest[1]}
            | (
                {"savings_at_horizon_usd": self.closest_savings_usd}
                if self.closest_savings_usd is not None
                else {}
            ),
            "holds_everywhere": self.holds_everywhere,
            "savings_dip": self.savings_dip,
            "behind_again_month": self.behind_again_month,
            "current": {
                "value": self.current,
                "achieved": self.current_achieved,
                "met": self.current_met,
            }
            | ({"source": self.current_source} if self.current_source is not None else {}),
            "alternative": {"index": self.alternative, "name": self.alternative_name},
            "allowed": {
                "lowest": self.allowed.lowest,
                "highest": self.allowed.highest,
                "lowest_included": self.allowed.lowest_included,
                "highest_included": self.allowed.highest_included,
                "whole": self.whole,
            },
            "values_tried": self.evaluations,
            "within_fleet_cap": None
            if self.within_fleet_cap is None
            else {
                "lowest": self.within_fleet_cap.lowest,
                "highest": self.within_fleet_cap.highest,
                "max_fleet_gpus": MAX_FLEET_GPUS,
            },
            "refused_past": list(self.refused_past),
            "warnings": self.warnings,
        }


def alternatives_held(count: int) -> str:
    """What ``--alternative`` may be, for its refusal: the scenario's alternatives by index
    (it said 'alternatives 0 to 0' for one).

    >>> alternatives_held(1), alternatives_held(3)
    ('the scenario has one alternative, 0', 'the scenario has alternatives 0 to 2')
    """
    if count == 1:
        return "the scenario has one alternative, 0"
    return f"the scenario has alternatives 0 to {count - 1}"


def check_alternative(scenario: Scenario, alternative: int) -> None:
    """``--alternative`` names one of the scenario's alternatives."""
    count = len(scenario.alternatives)
    if not (isinstance(alternative, int) and 0 <= alternative < count):
        raise PaybackError.bad("alternative", alternative, alternatives_held(count))


def check_own_input(scenario: Scenario, parameter: str, alternative: int) -> None:
    """Another alternative's input cannot move this one's answer: solve had called every
    value of it already met (or none), as if it had been weighed."""
    if local_path(parameter, alternative) is None:
        raise another_alternatives(scenario, parameter, int(parameter.split(".")[1]), alternative)


def another_alternatives(
    scenario: Scenario, parameter: str, other: int, alternative: int
) -> PaybackError:
    """The refusal of ``parameter``, an input of alternative ``other``, as the input to vary
    for alternative ``alternative``'s answer, which it cannot move."""
    return PaybackError.bad(
        "vary",
        parameter,
        f"an input of alternative {other} ({scenario.alternatives[other].name!r}), which "
        f"cannot move alternative {alternative}'s answer; solve for alternative {other}",
    )


def check_horizon(target: Target, horizon: int) -> None:
    """A break-even target within the horizon: none after it is computed."""
    longest = schema_range(ScenarioInfo, "horizon_months").highest
    if target.metric == "break_even_month" and target.value > longest:
        raise PaybackError.bad(  # it advised horizon_months ≥ a 309-digit number for 1e308
            "target",
            str(target),
            f"break_even_month must be at most {longest:,.0f}, the longest horizon a scenario "
            "allows (scenario.horizon_months)",
        )
    if target.metric == "break_even_month" and target.value > horizon:
        raise PaybackError.bad(
            "target",
            str(target),
            f"the scenario's horizon is {months_text(horizon)} and no break-even after it is "
            f"computed; set scenario.horizon_months ≥ {math.ceil(target.value)}",
        )


def catalog_rent_given(resolved: Resolved, parameter: str) -> tuple[Resolved, str | None]:
    """``resolved`` with a training job's GPU rent written in where ``parameter`` is that
    rent, the file gives none and the training estimate took it from the catalog, and where
    that rent came from; else ``resolved`` as it is and ``None``. The estimate reads the rent
    it is given as it reads the catalog's, so at today's value analyze's figures are the
    same; written in, the rent is a number the training cost follows (as a job's size is),
    which solve varies from the value analyze used (it said 'not given in the file, so there
    is no value to vary', though analyze priced the run at the catalog's rent)."""
    if not parameter.endswith(".training.usd_per_gpu_hour"):
        return resolved, None
    source = resolved.sources.get(parameter)
    try:
        written = value_at(resolved.original, parameter)
    except PaybackError:  # no such job: check_parameter names the path
        return resolved, None
    if source is None or written is not None:
        return resolved, None
    value = float(source.value)
    given = dataclasses.replace(
        resolved,
        scenario=with_value(resolved.scenario, parameter, value),
        original=with_value(resolved.original, parameter, value),
    )
    return given, source.source
