"""What ``payback solve`` says: the value found, what it achieves, today's value, and how
it was found, with enough digits that two values never read the same."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from payback.analysis.result import months_text, usd
from payback.analysis.verdict import month_figure
from payback.money import cents_kept
from payback.report.common import input_value, is_money, is_rate
from payback.report.places import crossing_places
from payback.scenario.schema import MAX_FLEET_GPUS

if TYPE_CHECKING:  # annotations only: a plain analyze loads no study
    from payback.studies.solve import Solution

__all__ = [
    "StepSides",
    "bound_value",
    "met_again",
    "metric_text",
    "metrics_apart",
    "not_in_file",
    "not_monotone",
    "said_as_step",
    "solution_lines",
    "step_sides",
    "threshold_texts",
    "values_apart",
    "whole_count",
]


def metric_text(metric: str, value: float | None, decimals: int | None = None) -> str:
    """A solve metric's value in words: ``month 3.00``, ``$1,200``, ``1,000,000 requests``
    (``decimals`` more where two values must read apart).

    >>> (
    ...     metric_text("break_even_month", 2.5),
    ...     metric_text("npv_usd", -1234.6),
    ...     metric_text("break_even_month", None),
    ... )
    ('month 2.50', '-$1,235', 'never (within the horizon)')
    >>> metric_text("npv_usd", -1e-9), metric_text("break_even_month", 3.0001, 4)
    ('$0', 'month 3.0001')
    >>> metric_text("break_even_month", 50 / 26_000), metric_text("break_even_month", 0.0)
    ('month 0.0019', 'month 0.00')
    """
    if value is None:
        return "never (within the horizon)"
    if metric == "npv_usd":
        if decimals is None and abs(value) < 0.005:
            return "$0"
        return usd(value, decimals)
    if metric == "break_even_requests":
        return f"{value:,.{decimals or 0}f} requests"
    places = 2 if decimals is None else decimals
    if 0 < value < 10**-places:  # inside month 1: month 0.0019, not month 0.00
        return f"month {month_figure(value, places)}"
    return f"month {value:.{places}f}"


def _apart(
    texts: Callable[[int | None], tuple[str, str]], a: float | None, b: float | None
) -> tuple[str, str]:
    """``texts(decimals)`` gives two values as text; the fewest decimals that read apart."""
    one, two = texts(None)
    shown = one.rstrip("%").rpartition(".")[2] if "." in one else ""
    start = len(shown) + 1 if shown.isdigit() else 1  # never fewer digits than at first
    for decimals in range(start, 21):
        if one != two or a == b or a is None or b is None:
            break
        one, two = texts(decimals)
    return one, two


def metrics_apart(metric: str, a: float | None, b: float | None) -> tuple[str, str]:
    """Two values of a metric as text, with enough digits to tell them apart."""
    return _apart(lambda d: (metric_text(metric, a, d), metric_text(metric, b, d)), a, b)


def values_apart(path: str, a: float, b: float) -> tuple[str, str]:
    """Two nearby values of an input as text, in its style, with enough digits to tell
    them apart: ``157,456.07`` and ``157,456.08``, never a raw float.

    >>> values_apart("traffic.requests_per_month", 157456.07049954878, 157456.0704995488)
    ('157,456.07049954878', '157,456.07049954880')
    >>> values_apart("alternatives.0.usd_per_gpu_hour", 1.25, 1.2500001)
    ('$1.2500000', '$1.2500001')
    >>> metrics_apart("break_even_month", 2.999, 3.001)
    ('month 2.999', 'month 3.001')
    """

    return _apart(lambda d: (_styled(path, a, d), _styled(path, b, d)), a, b)


def _styled(path: str, value: float, decimals: int | None) -> str:
    """An input's value in its style (:func:`input_value`), to ``decimals`` places (of
    the percent for a rate) where given."""
    if decimals is None:
        return input_value(path, value)
    if is_rate(path):
        return f"{value * 100:,.{decimals}f}%"
    sign = "-" if value < 0 else ""
    return sign + ("$" if is_money(path) else "") + f"{abs(value):,.{decimals}f}"


def _bound_apart(path: str, value: float, text: str, at_least: bool) -> str:
    """``text``, ``value`` as :func:`values_apart` writes it, rounded on the side where
    the target holds at the same places where it lay on the other."""
    shown = _figure(path, text)
    if shown is None or _holds(path, shown, value, at_least):
        return text
    if text == input_value(path, value):
        return input_value(path, _bound(path, value, at_least)[0])
    places = _places(text)
    return _styled(path, _directed(path, value, places, at_least), places)


def _one_point(a: float, b: float) -> bool:
    """Whether two values either side of a step are one point to a reader: apart by less
    than a millionth (a solve's last bracket, 8.687000008687003 and 8.687000008687001),
    where telling them apart would print a float's last digits.

    >>> _one_point(8.687000008687003, 8.687000008687001), _one_point(3.0, 4.0)
    (True, False)
    """
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1e-300)


@dataclass(frozen=True)
class StepSides:
    """A target met only within a step of the input, as both ``payback solve`` and the
    page say it: the metric either side, the input at the step and across it, and why it
    jumps."""

    was: str
    """The metric across the step (on the other side), told apart from :attr:`now`."""
    now: str
    """The metric at the solution."""
    value: str
    """The input at the solution."""
    there: str | None
    """The input across the step, told apart from :attr:`value`; ``None`` where the two
    are one point to a reader (:attr:`near` then says the side)."""
    near: str
    """``above`` or ``below``: the side of :attr:`value` the other one lies on."""
    cause: str
    side: str
    """Where the target holds past :attr:`value`: ``at least``/``at most``, or, where the
    two sides are one point that the figure shown is (:attr:`there` None, and no rounding
    moved it to the side that holds), ``above``/``below``: the step's own point may lie on
    either side (a price tier starts strictly above 200,000 tokens, so 200,000 itself
    gives the lower side's answer), and only the values past it are known to meet the
    target. A count rounded up past the step (17,361.1 requests shown as 17,362) holds
    at least there."""
    at: str
    """The words before :attr:`value` where :attr:`now` holds: ``at`` (``at 3``) or, at
    the step's own point, ``just above`` (``just above 200,000``)."""


def step_sides(solution: Solution) -> StepSides:
    """:class:`StepSides` of a solution met within a step (its ``other_side`` given)."""
    assert solution.value is not None
    assert solution.other_side is not None
    p = solution.parameter
    other_value, other_metric = solution.other_side
    was, now = metrics_apart(solution.target.metric, other_metric, solution.achieved)
    there: str | None = None
    at_least = bool(solution.met_above)
    point = False  # the figure shown is the step's own point, not a value past it
    if _one_point(other_value, solution.value):  # not two values: one, and its side
        bound = bound_value(p, solution.value, at_least)
        value = input_value(p, bound)
        # the figure as written lies on the side that misses the target (200,000 for a
        # tier that starts strictly above it, met at 200,000.00000000003): the step's own
        # point, said as "just above"; on the side that meets it (a count met at 1,460,000
        # exactly, 8.687 rounded below a step at 8.687000008687), "at"
        shown = _figure(p, value)
        point = shown is not None and (
            shown < solution.value if at_least else shown > solution.value
        )
    else:
        there, value = values_apart(p, other_value, solution.value)
        value = _bound_apart(p, solution.value, value, at_least)
    near = "above" if other_value > solution.value else "below"
    far = "below" if near == "above" else "above"
    return StepSides(
        was=was,
        now=now,
        value=value,
        there=there,
        near=near,
        cause=step_cause(solution),
        side=("above" if at_least else "below")
        if point
        else ("at least" if at_least else "at most"),
        at=f"just {far}" if point else "at",
    )


def said_as_step(solution: Solution) -> bool:
    """Whether the answer is said as a step (:func:`step_sides`): a step, or a target met
    exactly beside a jump (:attr:`~payback.studies.solve.Solution.other_side` given) where a
    figure the words would show lies across it, on the side that misses the target: met
    at 200,000.0000000014 just past a tier that starts strictly above 200,000, where the
    figure 200,000 gives the cheaper tier's answer."""
    if solution.other_side is None or solution.value is None:
        return False
    if solution.step:
        return True
    p, value, other = solution.parameter, solution.value, solution.other_side[0]
    for text in threshold_texts(p, value, bool(solution.met_above)):
        shown = _figure(p, text)
        if shown is not None and (shown <= other < value or value < other <= shown):
            return True
    return False


def met_again(above: bool, name: str) -> str:
    """The words for a target met at every value tried past the crossing nearest today's
    (:attr:`~payback.studies.solve.Solution.holds_past`) and again further off on the other
    side, ``name`` the input as the interface calls it."""
    return f"and again at some values further {'below' if above else 'above'} it: " + (
        not_monotone(name)
    )


def not_monotone(name: str) -> str:
    """Why a target met nearest today's value is not met at every value past it, ``name``
    the input as the interface calls it (solve's path, the page's label)."""
    return (
        f"the answer is not monotone in {name} (a whole number such as the fleet's replicas "
        "steps, or the payback leaves the horizon)"
    )


def step_cause(solution: Solution) -> str:
    """Why the answer jumps at a step, as far as the search tells it."""
    if solution.savings_dip:
        return (  # it had named only a retraining or a fixed fleet: a price can do it too
            "on the later side the savings reach zero and fall back below it, as a retraining "
            "month, traffic falling onto a fixed fleet or prices moving against the "
            "alternative can make a month cost more than the baseline: the first month they "
            "reach zero jumps"
        )
    if solution.whole:
        return "only whole numbers are allowed"
    tier = (  # only a prompt's length picks a price tier
        ", or an API price's tier by prompt length"
        if solution.parameter.endswith("input_tokens")
        else ""
    )
    return (
        f"a whole number such as the fleet's replicas changes there{tier}, or it stops paying "
        "back within the horizon"
    )


COUNTS = ("requests_per_month",)
"""Inputs that count whole things: a solution is shown as a whole number of them."""


def _scale(path: str) -> float:
    """What an input's figure is in: a rate's in percent."""
    return 100.0 if is_rate(path) else 1.0


def _figure(path: str, text: str) -> float | None:
    """The value a figure in an input's style reads as (``$1.2932``, ``26.485%``,
    ``1,000``); ``None`` for one written in powers of ten."""
    plain = text.replace(",", "").replace("$", "").removesuffix("%")
    try:
        return float(plain) / _scale(path)
    except ValueError:
        return None


def _holds(path: str, shown: float, value: float, at_least: bool) -> bool:
    """Whether ``shown`` lies on the side of ``value`` where the target holds (equal
    within a float's rounding of the figure)."""
    apart = (shown - value) * _scale(path)
    slack = 1e-12 * abs(value * _scale(path))
    return apart >= -slack if at_least else apart <= slack


def _directed(path: str, value: float, decimals: int, at_least: bool) -> float:
    """``value`` rounded to ``decimals`` places of its figure, up for ``at_least``, down
    otherwise (a figure already on a place, within a float's rounding, stays)."""
    scaled = value * _scale(path) * 10.0**decimals
    nearest = round(scaled)
    if abs(scaled - nearest) <= 1e-12 * max(1.0, abs(scaled)):
        places = float(nearest)
    else:
        places = float(math.ceil(scaled) if at_least else math.floor(scaled))
    return places / (10.0**decimals * _scale(path))


def _reads_as(path: str, value: float) -> bool:
    """Whether :func:`input_value` writes ``value`` with every place it has."""
    shown = _figure(path, input_value(path, value))
    return shown is not None and abs(shown - value) * _scale(path) <= 1e-12 * max(
        abs(value * _scale(path)), 1e-300
    )


def _places(text: str) -> int:
    """The places a figure shows after its point: 4 in ``$1.2932``."""
    digits = text.removesuffix("%").rpartition(".")[2] if "." in text else ""
    return len(digits) if digits.isdigit() else 0


def bound_value(path: str, value: float, at_least: bool) -> float:
    """A threshold as :func:`input_value` shows it, rounded on the side where the target
    holds, so that the figure written back into the scenario meets it: at most $1.29319
    is at most $1.2931 (``$1.2932`` missed an NPV of $0 by 10 cents), at most 26.484957%
    is at most 26.4849% (not 26.485%); a count is whole (at least 1,565,102.9 requests is
    at least 1,565,103). A figure that already lies on that side is kept; one written in
    powers of ten too.

    >>> bound_value("alternatives.0.usd_per_gpu_hour", 1.2931937908477127, False)
    1.2931
    >>> bound_value("alternatives.0.escalation_share", 0.2648495729, False)
    0.264849
    >>> bound_value("traffic.requests_per_month", 1_565_102.9, True)
    1565103
    >>> bound_value("traffic.requests_per_month", 10.4, False), bound_value("x.usd", 1.5, True)
    (10, 1.5)
    >>> (
    ...     bound_value("x.engineer_hours", 9.99996, False),
    ...     bound_value("x.engineer_hours", 9.99996, True),
    ... )
    (9.999, 9.99996)
    """
    if path.endswith(COUNTS):
        return whole_count(path, value, at_least)
    return _bound(path, value, at_least)[0]


def whole_count(path: str, value: float, at_least: bool) -> float:
    """A threshold on a count shown whole, on the side where the target holds: at least
    1,565,102.9 requests is at least 1,565,103; at most 10.4 is at most 10 (any other
    input as it is: :func:`bound_value` rounds its figure too).

    >>> whole_count("traffic.requests_per_month", 1_565_102.9, True)
    1565103
    >>> whole_count("traffic.requests_per_month", 10.4, False), whole_count("x.usd", 1.5, True)
    (10, 1.5)
    """
    if not path.endswith(COUNTS):
        return value
    return math.ceil(value) if at_least else math.floor(value)


def _bound(path: str, value: float, at_least: bool) -> tuple[float, int | None]:
    """:func:`bound_value` (a count left as it is) and the places of its figure where it
    had to move (``None`` where the figure already lay on the side the target holds)."""
    shown = _figure(path, input_value(path, value)) if math.isfinite(value) else None
    if shown is None or _holds(path, shown, value, at_least):
        return value, None
    places = _places(input_value(path, value))
    for _ in range(20):  # a figure trimmed of its zeros, or one a decade up, shows fewer
        here = _directed(path, value, places, at_least)
        finer = _directed(path, value, places + 1, at_least)
        if finer == here or not _reads_as(path, finer):
            break
        places += 1
    moved = _figure(path, input_value(path, here))
    if moved is None or not _holds(path, moved, value, at_least):
        return value, None
    return here, places


def threshold_texts(path: str, value: float, at_least: bool) -> tuple[str, str]:
    """The crossing and the bound where the target holds, as ``payback solve`` says
    them: the bound as :func:`bound_value` rounds it, the crossing with a place more,
    rounded the same way, where the bound had to move off it (``$1.29319`` and
    ``$1.2931``); one figure twice otherwise (a count's whole number too). A money
    crossing shows six significant figures at the least, rounded the same way
    (:func:`~payback.report.places.crossing_places`).

    >>> threshold_texts("alternatives.0.usd_per_gpu_hour", 1.2931937908477127, False)
    ('$1.29319', '$1.2931')
    >>> threshold_texts("traffic.requests_per_month", 585_537.2, True)
    ('585,538', '585,538')
    >>> threshold_texts("alternatives.0.owned.usd_per_kwh", 0.9128366867, False)
    ('$0.912836', '$0.91')
    """
    if path.endswith(COUNTS):
        text = input_value(path, whole_count(path, value, at_least))
        return text, text
    bound, places = _bound(path, value, at_least)
    text = input_value(path, bound)
    crossing = (
        text
        if places is None
        else _styled(path, _directed(path, value, places + 1, at_least), places + 1)
    )
    finer = crossing_places(value, crossing) if is_money(path) else None
    if finer is not None:  # to six figures, rounded to the side where the target holds
        crossing = cents_kept(_styled(path, _directed(path, value, finer, at_least), finer))
    return crossing, text


def solution_lines(solution: Solution) -> list[str]:
    """What ``payback solve`` prints: the value, what it achieves, today's, and how found."""
    p, metric = solution.parameter, solution.target.metric
    name = f"'{solution.alternative_name}'"
    today = _today(p, solution.current, metric, solution.current_achieved, solution.current_met)
    if solution.current_source is not None:
        today = today.replace(" gives ", f" ({not_in_file(solution.current_source)}) gives ", 1)
    found = f"Found by trying {solution.evaluations:,} values of {p}."
    at_once = (  # 0 requests until break-even is month 0 too
        [
            "Month 0 means paying back at once, before any month's saving"
            + (" (0 requests is month 0)" if metric == "break_even_requests" else "")
            + ": only an alternative with nothing to pay up front does."
        ]
        if metric in ("break_even_month", "break_even_requests") and solution.target.value == 0
        else []
    )
    if solution.value is None:
        return _unmet_lines(solution, today, found, at_once)
    above = bool(solution.met_above)
    side, way = ("at least", "above") if above else ("at most", "below")

    def holds(value: str, side: str = side) -> str:
        if solution.single_crossing:
            return f"it holds for {p} {side} {value}."
        if solution.holds_past:  # every value tried past it meets it: only the other side
            return (  # crosses again
                f"it holds for {p} {side} {value} (the crossing nearest today's value), "
                f"{met_again(above, p)}."
            )
        return (
            f"it holds just {way} {value} (the crossing nearest today's value), but not for "
            f"every value {way} it: {not_monotone(p)}."
        )

    if said_as_step(solution):
        sides = step_sides(solution)
        value = sides.value
        # a target met exactly at the side's own figure, beside a jump: at its edge
        within = "only within" if solution.step else "at the edge of"
        at = (
            f"just {sides.near} {p} = {value}" if sides.there is None else f"at {p} = {sides.there}"
        )
        lines = [
            f"{name}: {solution.target} is met {within} a step: the answer jumps "
            f"from {sides.was} {at} to {sides.now} {sides.at} {value} ({sides.cause}).",
            "The target " + holds(value, sides.side).removeprefix("it "),
        ]
    else:
        crossing, value = threshold_texts(p, solution.value, above)
        lines = [
            f"{name}: {p} = {crossing} gives {metric_text(metric, solution.achieved)}, the "
            f"target ({solution.target}); {holds(value)}",
        ]
    if (again := solution.behind_again_month) is not None:  # as analyze says it
        lines.append(f"At that value the savings fall below zero again in month {again}.")
    return [*lines, today, found]


def not_in_file(source: str) -> str:
    """Where today's value of an input the file does not give comes from, in a few words:
    the catalog's offer a training estimate's rent was read from, as analyze uses it.

    >>> not_in_file("catalog: h100-sxm at runpod (lower middle of 4 offers, $2.95-6.16)")
    "not in the file: the catalog's price, h100-sxm at runpod, as analyze uses it"
    """
    what, _, rest = source.partition(": ")
    where = rest.split(" (", 1)[0] if rest else what
    origin = "the catalog's price" if what == "catalog" else what
    return f"not in the file: {origin}, {where}, as analyze uses it"


def _today(path: str, current: float, metric: str, achieved: float | None, met: bool) -> str:
    """Today's value of the input varied, what it gives and whether that meets the target."""
    return f"Today {path} = {input_value(path, current)} gives {metric_text(metric, achieved)}" + (
        ", which already meets the target." if met else "."
    )


def _unmet_lines(solution: Solution, today: str, found: str, at_once: list[str]) -> list[str]:
    """:func:`solution_lines` when no allowed value meets the target: every value already
    does, or none does and which comes nearest."""
    p, metric = solution.parameter, solution.target.metric
    name = f"'{solution.alternative_name}'"
    allowed = solution.allowed
    held = f"({allowed.describe_low()} and {allowed.describe_high()}){_within_cap(solution)}"
    if solution.holds_everywhere:
        return [
            f"Every allowed value of {p} {held} already meets {solution.target} for {name}: "
            "there is no threshold to find.",
            today,
        ]
    closest = solution.closest or (math.nan, None)
    near, _ = metrics_apart(metric, closest[1], solution.target.value)
    at, edge = _closest_text(solution, closest[0])
    nearest = f"the closest is {near} at {p} = {at}{edge}"
    if solution.closest_savings_usd is not None:
        saved = solution.closest_savings_usd
        horizon = solution.horizon_months
        nearest = (
            f"at every value it never pays back within {months_text(horizon)}; it comes "
            f"nearest at {p} = {at}{edge}, "
            + (
                f"still {usd(-saved, 0)} short at month {horizon}"
                if saved < 0
                else f"{usd(saved, 0)} ahead at month {horizon}"
            )
        )
    return [
        f"No value of {p} in its allowed range {held} gives {solution.target} for {name}; "
        f"{nearest}.",
        *at_once,
        today,
        found,
    ]


def _within_cap(solution: Solution) -> str:
    """Where the fleet cap (or another refusal of analyze's: a model's context) narrows
    the allowed range, the values searched and why: `` within the fleet cap (≤
    4,343,500,004,343: past it a fleet would need more than 10,000,000 GPUs)``; empty
    otherwise. Each edge is rounded inwards, a value analyze accepts."""
    within, allowed, p = solution.within_fleet_cap, solution.allowed, solution.parameter
    if within is None:
        return ""
    sides = []
    if within.lowest != allowed.lowest:
        sides.append((f"≥ {cap_edge_text(p, within.lowest, True)}", solution.refused_past[0]))
    if within.highest != allowed.highest:
        sides.append((f"≤ {cap_edge_text(p, within.highest, False)}", solution.refused_past[1]))
    if not sides:
        return ""
    fleet = f"a fleet would need more than {MAX_FLEET_GPUS:,} GPUs"
    refused = "analyze refuses the file, as warned"
    if len({r for _, r in sides}) == 1:  # one reason for every edge
        past = "past it" if len(sides) == 1 else "past them"
        what = "what analyze accepts" if sides[0][1] else "the fleet cap"
        edges = " and ".join(e for e, _ in sides)
        return f" within {what} ({edges}: {past} {refused if sides[0][1] else fleet})"
    said = "; ".join(f"{e}: past it {refused if r else fleet}" for e, r in sides)
    return f" within what analyze accepts ({said})"


EDGE_FIGURES = 5
"""Significant figures of a cap's edge that :func:`input_value` would round off (a rate
of 3.2232 × 10⁻⁸ is 0.0000032233%, not 0.0001%)."""


def cap_edge_text(path: str, value: float, at_least: bool) -> str:
    """A fleet cap's edge as :func:`bound_value` writes it, rounded inwards (up for the
    smallest value analyze accepts, ``at_least``; down for the largest) so that the figure
    written back loads; with :data:`EDGE_FIGURES` significant figures where that figure
    strays more than 10⁻⁴ from the edge (a tiny rate, shown to four places of a percent).

    >>> cap_edge_text("alternatives.0.target_utilization", 3.2232e-08, True)
    '0.0000032232%'
    >>> cap_edge_text("alternatives.0.target_utilization", 3.22321e-08, True)
    '0.0000032233%'
    >>> cap_edge_text("traffic.requests_per_month", 4_343_500_004_343.7, False)
    '4,343,500,004,343'
    """
    text = input_value(path, bound_value(path, value, at_least))
    shown = _figure(path, text)
    if path.endswith(COUNTS) or value == 0 or not math.isfinite(value):
        return text
    if shown is not None and abs(shown - value) <= 1e-4 * abs(value):
        return text
    size = abs(value * _scale(path))
    places = max(0, EDGE_FIGURES - 1 - math.floor(math.log10(size)))
    return _styled(path, _directed(path, value, places, at_least), places)


def _closest_text(solution: Solution, value: float) -> tuple[str, str]:
    """The value that comes closest, and where it lies at an edge the fleet cap sets,
    that edge in words (`` at the largest value analyze accepts: ...``); an edge's value
    is rounded inwards, a value analyze accepts."""
    within, allowed, p = solution.within_fleet_cap, solution.allowed, solution.parameter
    low, high = (
        "past it the file is refused, as warned"
        if refused
        else f"the fleet cap of {MAX_FLEET_GPUS:,} GPUs"
        for refused in solution.refused_past
    )
    if within is not None and value == within.highest != allowed.highest:
        return cap_edge_text(p, value, False), (f", at the largest value analyze accepts: {high}")
    if within is not None and value == within.lowest != allowed.lowest:
        return cap_edge_text(p, value, True), (f", at the smallest value analyze accepts: {low}")
    shown = round(value) if p.endswith(COUNTS) and math.isfinite(value) else value
    return input_value(p, shown), ""  # a count whole: the nearest
