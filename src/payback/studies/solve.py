"""What would it take: the value of one input at which a target holds with equality.

``solve(scenario, "traffic.requests_per_month", parse_target("break_even_month=3"))``
finds the traffic at which the first alternative pays back in exactly three months. The
engine is vectorized over samples, so each step evaluates many candidate values in one
call: a grid over the field's whole allowed range (linear and logarithmic) brackets a
crossing; a dense scan of the stretch between today's value and that bracket (on both
sides of today) finds any crossing the grid stepped over, and the crossing nearest
today's value is kept; then each round splits its bracket into :data:`POINTS_PER_ROUND`
parts (bisection with many points at once) until it is as narrow as a float allows.
A metric within 10⁻⁹ (relative) of the target meets it, so float noise on a flat metric
is no crossing. Break-even can jump (fleet replicas and retraining months are whole
numbers; "never" is a jump too): when the bracket cannot shrink further and the metric
still jumps across the target, the answer says so and gives the value on the side where
the target is met. It is a sawtooth in traffic, too: "the target holds for every value
above" is claimed only when no other value tried crosses the target
(:attr:`Solution.single_crossing`); otherwise the claim is local, near the crossing.
A round cap keeps every call finite. Only the values analyze accepts are searched: where
an input sizes a fleet, the stretch around today's value whose fleets stay within the
GPU cap (:func:`~payback.studies.fleet_cap.within_cap`, :attr:`Solution.within_fleet_cap`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from payback.analysis.cashflows import alone, evaluate, local_path, numeric_paths
from payback.analysis.resolve import Resolved, as_resolved
from payback.finance._types import FloatArray
from payback.scenario import (
    FieldRange,
    Scenario,
    field_range,
    value_at,
)
from payback.scenario.schema import SelfHostedOption
from payback.studies.capacity_held import capacity_held_line
from payback.studies.fleet_cap import (
    EDGE_POINTS,
    RESOLVED_CAP_POINTS,
    SIZES_A_FLEET,
    Peaks,
    ResolvedPeaks,
    estimated_by,
    resolved_peaks,
    sample_peaks,
    scenario_fleets,
    within_cap,
)
from payback.studies.solve_grid import DENSE_POINTS, GRID_POINTS
from payback.studies.solve_grid import dense as _dense
from payback.studies.solve_grid import grid as _grid
from payback.studies.solve_inputs import check_parameter, takes
from payback.studies.targets import (
    METRICS,
    Solution,
    Target,
    catalog_rent_given,
    check_alternative,
    check_horizon,
    check_own_input,
    metric_of,
    parse_target,
)

__all__ = [
    "METRICS",
    "Outcomes",
    "Solution",
    "Target",
    "catalog_rent_given",
    "find_crossing",
    "parse_target",
    "refused_edges",
    "solve",
    "takes",
]

Outcomes = Callable[[FloatArray], Any]
"""An alternative's outcome with the varied input at each of an array of values."""
CAP_GRID_POINTS = 257
"""Points of each grid laid over the allowed range to bracket where a fleet passes the
cap (each edge is then narrowed to a float's width)."""
POINTS_PER_ROUND = 32
"""Candidate values evaluated in one engine call per refining round."""
FOLLOWED_POINTS = (31, 32)
"""The grid's and the dense scan's counts where each value resolves the scenario again:
at most :data:`~payback.analysis.follow.EXACT_VALUES` values a call, each resolved."""
MAX_ROUNDS = 60
"""Refining rounds at most; a float bracket is exhausted long before (about 10 rounds)."""
BREAK_EVEN = ("break_even_month", "break_even_requests")
"""The targets at the first month the savings reach zero: a step there may be a dip."""


def _maybe(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


class _Search:
    """One solve's state: the values tried, the metric at each, and the engine calls."""

    def __init__(self, outcome_at: Outcomes, target: Target, current: float) -> None:
        self._outcome_at = outcome_at
        self.target = target
        self.current = current
        self.sign = 1.0 if target.lower_is_better else -1.0
        # a metric this close to the target meets it: float noise on a flat metric must not
        # flip "met" back and forth
        self.near = 1e-9 * max(1.0, abs(target.value))
        self.calls = self.evaluations = 0
        self._xs: list[FloatArray] = []
        self._ms: list[FloatArray] = []

    def _outcome(self, xs: FloatArray) -> Any:
        self.calls += 1
        self.evaluations += xs.size
        return self._outcome_at(xs)

    def metric(self, xs: FloatArray) -> FloatArray:
        """The target's metric with the input at each of ``xs`` (one engine call)."""
        values = metric_of(self._outcome(xs), self.target.metric)
        return np.array(np.broadcast_to(values, xs.shape), dtype=float)

    def savings_at_horizon(self, xs: FloatArray) -> FloatArray:
        """The cumulative savings at the horizon with the input at each of ``xs`` (one
        engine call): how near to paying back a value comes when none does."""
        last = np.asarray(self._outcome(xs).cumulative_savings_usd)[..., -1]
        return np.array(np.broadcast_to(last, xs.shape), dtype=float)

    def dips(self, a: float, b: float) -> bool:
        """Whether, at the end of a step ``a, b`` whose break-even is the later one, the
        cumulative savings reach zero in an earlier month and fall back below it (one
        engine call): a later month's cost (a retraining) moves the first crossing across
        the step, not a whole number of replicas."""
        outcome = self._outcome(np.array([a, b]))
        cum = np.asarray(outcome.cumulative_savings_usd, dtype=float)
        month = np.broadcast_to(np.asarray(outcome.break_even_month, dtype=float), (2,))
        later = int(np.argmax(np.nan_to_num(month, nan=np.inf)))
        path = np.broadcast_to(cum, (2, cum.shape[-1]))[later]
        end = (
            path.size - 1 if np.isnan(month[later]) else min(math.ceil(month[later]), path.size - 1)
        )
        before = path[1:end]
        touch = 1e-6 * max(1.0, float(np.max(np.abs(path))))
        return bool(before.size) and float(np.max(before)) >= -touch

    def behind_again(self, x: float) -> int | None:
        """The first month after the break-even, with the input at ``x``, whose cumulative
        savings are below zero again (by a cent or more: analyze's "behind again from
        month m"), None where it stays ahead or never breaks even (one engine call, at a
        value already tried: not counted again)."""
        outcome = self._outcome_at(np.array([x]))
        path = np.asarray(outcome.cumulative_savings_usd, dtype=float).reshape(-1)
        month = float(np.asarray(outcome.break_even_month, dtype=float).reshape(-1)[0])
        if math.isnan(month):
            return None
        behind = [m for m in range(math.floor(month) + 1, path.size) if path[m] <= -0.005]
        return behind[0] if behind else None

    def gap(self, values: FloatArray) -> FloatArray:
        """Signed distance to the target, ≤ 0 where it is met; "never" is +∞."""
        missed = np.where(np.isnan(values), np.inf * self.sign, values)
        return self.sign * (missed - self.target.value)

    def tried(self, xs: FloatArray) -> FloatArray:
        """:meth:`metric`, remembering the values and what they gave."""
        ms = self.metric(xs)
        self._xs.append(xs)
        self._ms.append(ms)
        return ms

    def seen(self) -> tuple[FloatArray, FloatArray]:
        """Every value tried, sorted, and the metric at each."""
        xs, first = np.unique(np.concatenate(self._xs), return_index=True)
        return xs, np.concatenate(self._ms)[first]

    def nearest_change(self, xs: FloatArray, met: NDArray[np.bool_]) -> int | None:
        """The bracket [xs[i], xs[i+1]] across which "met" flips, nearest today's value."""
        changes = np.flatnonzero(met[:-1] != met[1:])
        if changes.size == 0:
            return None
        a, b = xs[changes], xs[changes + 1]
        current = self.current
        inside = (a <= current) & (current <= b)
        distance = np.where(inside, 0.0, np.minimum(np.abs(a - current), np.abs(b - current)))
        return int(changes[int(np.argmin(distance))])


_Bracket = tuple[float, float, float, float, float, float]
"""``a, b``, the metric at each and the gap to the target at each."""


def solve(
    scenario: Scenario | Resolved,
    parameter: str,
    target: Target | str,
    alternative: int = 0,
    *,
    over_distribution: bool = False,
) -> Solution:
    """The value of ``parameter`` (a dotted path, as in sensitivity) at which alternative
    ``alternative`` meets ``target`` with equality, everything else as in the scenario.

    Of several crossings in the allowed range, the one nearest today's value is given.
    An input that holds a distribution is refused unless ``over_distribution`` (the
    others stay at their central values either way). Raises :class:`PaybackError` for
    an unknown or non-numeric path (its ``param`` is ``vary``), a missing alternative
    (``alternative``) or a break-even target past the horizon (``target``). ``target``
    is a :class:`Target` or its text, ``"break_even_month=3"`` (:func:`parse_target`).
    """
    if isinstance(target, str):
        target = parse_target(target)
    resolved = as_resolved(scenario)
    resolved, source = catalog_rent_given(resolved, parameter)
    explicit = resolved.scenario
    check_alternative(explicit, alternative)
    check_parameter(resolved, parameter, over_distribution)
    check_own_input(explicit, parameter, alternative)
    peaks_at = _fleet_peaks(resolved, parameter, alternative)
    found = find_crossing(
        _scenario_outcomes(resolved, parameter, alternative),
        target,
        parameter=parameter,
        alternative=alternative,
        alternative_name=explicit.alternatives[alternative].name,
        current=float(value_at(explicit, parameter)),
        allowed=field_range(explicit, parameter),
        horizon_months=explicit.scenario.horizon_months,
        peaks_at=peaks_at,
    )
    held = capacity_held_line(resolved, [parameter])
    edges, refused = refused_edges(found, peaks_at)
    warnings = [*([held] if held else []), *edges]
    return dataclasses.replace(
        found, warnings=warnings, refused_past=refused, current_source=source
    )


def refused_edges(found: Solution, peaks_at: Peaks | None) -> tuple[list[str], tuple[bool, bool]]:
    """A line per edge of the values searched past which the resolver refuses the file for
    another reason than the fleet cap (a token length past a model's context), with its
    reason: ``traffic.input_tokens searched ≤ 32,600.6: past it analyze refuses the file:
    ...``; and whether the low and the high edge are such."""
    within, allowed = found.within_fleet_cap, found.allowed
    if within is None or not isinstance(peaks_at, ResolvedPeaks):
        return [], (False, False)
    out, refused = [], []
    for edge, above, sign in (
        (within.lowest, False, "≥"),
        (within.highest, True, "≤"),
    ):
        reason = peaks_at.refused_beyond(edge, above)
        past = reason is not None and edge != (allowed.highest if above else allowed.lowest)
        refused.append(past)
        if past:
            out.append(
                f"{found.parameter} searched {sign} {edge:,.10g}: past it analyze refuses the "
                f"file: {reason}"
            )
    return out, (refused[0], refused[1])


def _fleet_peaks(resolved: Resolved, parameter: str, alternative: int) -> Peaks | None:
    """The most GPUs any option's fleet needs (its busiest month) with ``parameter`` at
    each value, as analyze holds them to the cap; ``None`` where it sizes no fleet. Every
    option counts: analyze refuses a scenario any of whose fleets passes the cap, so an
    input shared by all (traffic) is evaluated on the whole scenario. An input the serving
    estimate reads, where it estimates a capacity, is resolved again at each value
    (:func:`~payback.studies.fleet_cap.resolved_peaks`): the engine alone keeps today's
    estimated capacity, which analyze would estimate anew."""
    if estimated_by(resolved, parameter) or _job_size(resolved, parameter):
        return resolved_peaks(resolved, parameter)
    scenario = resolved.scenario
    sized = parameter.rsplit(".", 1)[-1] in SIZES_A_FLEET
    if not sized or not any(isinstance(o, SelfHostedOption) for _, o in scenario.options()):
        return None
    local = local_path(parameter, alternative)
    single = alone(resolved, alternative)
    owned = local is not None and local != parameter and local in numeric_paths(single)
    engine, path = (single, local) if owned and local is not None else (resolved, parameter)

    def peaks(xs: FloatArray) -> FloatArray:
        fleets = scenario_fleets(evaluate(engine, {path: xs}))
        each = [sample_peaks(option, xs.size) for option in fleets]
        return np.asarray(np.max(each, axis=0), dtype=np.float64)

    return peaks


def _job_size(resolved: Resolved, parameter: str) -> bool:
    """Whether ``parameter`` is a training job's number its estimated cost follows: the
    values analyze accepts (a run of at most so many tokens) are those it resolves."""
    from payback.analysis.follow_training import trainees

    return any(parameter in reads for reads in trainees(resolved).values())


def _scenario_outcomes(resolved: Resolved, parameter: str, alternative: int) -> Outcomes:
    """The alternative's outcome with ``parameter`` at each value: the engine runs on this
    alternative alone (the others cannot change its outcome), so a study of every
    alternative stays linear in their number."""
    local = local_path(parameter, alternative)
    single = alone(resolved, alternative)
    engine = (
        (single, local, 0)
        if local is not None and local in numeric_paths(single)
        else (resolved, parameter, alternative)
    )

    def outcome_at(xs: FloatArray) -> Any:
        scenario, path, index = engine
        return evaluate(scenario, {path: xs}).alternatives[index]

    return outcome_at


def find_crossing(
    outcome_at: Outcomes,
    target: Target,
    *,
    parameter: str,
    alternative: int,
    alternative_name: str,
    current: float,
    allowed: FieldRange,
    horizon_months: int,
    peaks_at: Peaks | None = None,
) -> Solution:
    """The search :func:`solve` makes, over any evaluator: ``outcome_at(values)`` gives
    the alternative's outcome (its ``break_even_month``, ``npv_usd``,
    ``break_even_requests`` and ``cumulative_savings_usd``) with the input at each of
    ``values``, in one call; a portfolio's solve uses it with its own engine. With
    ``peaks_at`` (the most GPUs a fleet needs at each value), only the values whose fleets
    stay within the cap are searched, the values analyze accepts (fewer values tried where
    each resolves the scenario again: :class:`~payback.studies.fleet_cap.ResolvedPeaks`).
    Raises
    :class:`PaybackError` for a break-even target past the horizon."""
    whole = not allowed.is_real
    check_horizon(target, horizon_months)
    search = _Search(outcome_at, target, current)
    # the values analyze accepts: the cap's edges are found on fleets alone (not counted
    # among the values tried for the target)
    resolving = isinstance(peaks_at, ResolvedPeaks)
    grid_points, edge_points = RESOLVED_CAP_POINTS if resolving else (CAP_GRID_POINTS, EDGE_POINTS)
    within = (
        None
        if peaks_at is None
        else within_cap(
            peaks_at, _grid(allowed, current, whole, grid_points), current, allowed, edge_points
        )
    )
    searched = within or allowed
    # where each value resolves the scenario again (a capacity estimated at it), few enough
    # values a call that each is resolved, not read between estimates (analysis/follow.py)
    grid_count, dense_count = FOLLOWED_POINTS if resolving else (GRID_POINTS, DENSE_POINTS)
    xs = _grid(searched, current, whole, grid_count)
    ms = search.tried(xs)
    met = search.gap(ms) <= search.near
    today = int(np.searchsorted(xs, current))
    base: dict[str, Any] = {
        "parameter": parameter,
        "alternative": alternative,
        "alternative_name": alternative_name,
        "target": target,
        "current": current,
        "current_achieved": _maybe(float(ms[today])),
        "current_met": bool(met[today]),
        "allowed": allowed,
        "whole": whole,
        "horizon_months": horizon_months,
        "within_fleet_cap": within,
    }
    i = search.nearest_change(xs, met)
    if i is None:
        return _no_crossing(search, base, xs, ms, met)
    bracket = _bracket(search, searched, whole, xs, ms, i, dense_count)
    _, _, ma, mb, ga, gb = bracket
    finite = [abs(m) for m in (ma, mb) if math.isfinite(m)]
    scale = max(1.0, abs(target.value), *finite)
    """The size the metric's tolerances are relative to (the first bracket's)."""
    # met only within ``near``: that end is the answer as it stands; otherwise the bracket
    # holds a strict sign change, narrowed by its strict sign
    exact = min(ga, gb) > 0
    # which side meets the target, read on the grid's bracket: narrowed to a float's width,
    # rounding can flip the metric back and forth at the crossing itself
    met_above = gb <= search.near if exact else gb <= 0
    if not exact:
        bracket = _refine(search, whole, bracket, scale)
    return _crossing(search, base, bracket, scale, met_above)


def _no_crossing(
    search: _Search,
    base: dict[str, Any],
    xs: FloatArray,
    ms: FloatArray,
    met: NDArray[np.bool_],
) -> Solution:
    """No value tried crosses the target: the closest one, and whether all meet it."""
    distance = np.abs(search.gap(ms))
    savings = None
    if np.all(np.isnan(ms)) and search.target.metric != "npv_usd":
        # "never" at every value: the nearest is the value that comes nearest to paying
        # back, the most cumulative savings at the horizon (not today's value by default)
        distance = -search.savings_at_horizon(xs)
    # the closest metric; of equals (a flat stretch), the value nearest today's
    best = int(np.lexsort((np.abs(xs - search.current), distance))[0])
    if np.all(np.isnan(ms)) and search.target.metric != "npv_usd":
        savings = float(-distance[best])
    return Solution(
        **base,
        value=None,
        achieved=None,
        reached=False,
        step=False,
        other_side=None,
        met_above=None,
        single_crossing=False,
        closest=(float(xs[best]), _maybe(float(ms[best]))),
        holds_everywhere=bool(met.all()),
        iterations=search.calls,
        evaluations=search.evaluations,
        closest_savings_usd=savings,
    )


def _bracket(
    search: _Search,
    allowed: FieldRange,
    whole: bool,
    xs: FloatArray,
    ms: FloatArray,
    i: int,
    dense_points: int = DENSE_POINTS,
) -> _Bracket:
    """The crossing nearest today's value, after a dense scan between today's value and
    the grid's bracket ``xs[i], xs[i+1]``.

    The grid is coarse: between today's value and that bracket the metric may cross the
    target and back (fleet replicas make break-even a sawtooth). That stretch is scanned
    densely, on both sides of today, and the crossing nearest today taken again."""
    current = search.current
    reach = max(abs(float(xs[i]) - current), abs(float(xs[i + 1]) - current))
    dense = _dense(allowed, current, reach, whole, dense_points)
    dense = dense[~np.isin(dense, xs)]
    if dense.size:
        search.tried(dense)
        xs, ms = search.seen()
        met = search.gap(ms) <= search.near
        i = search.nearest_change(xs, met) or 0
    gaps = search.gap(ms[i : i + 2])
    return (
        float(xs[i]),
        float(xs[i + 1]),
        float(ms[i]),
        float(ms[i + 1]),
        float(gaps[0]),
        float(gaps[1]),
    )


def _refine(
    search: _Search, whole: bool, bracket: _Bracket, scale: float, *, to_float: bool = False
) -> _Bracket:
    """Split a bracket with a strict sign change into :data:`POINTS_PER_ROUND` parts a
    round, keeping the part where the sign flips nearest today's value, until no float (or
    whole number) lies between its ends, the metric meets the target at an end (not with
    ``to_float``), or :data:`MAX_ROUNDS`."""
    a, b, ma, mb, ga, gb = bracket
    for _ in range(MAX_ROUNDS):
        if not to_float and min(abs(ga), abs(gb)) <= 1e-13 * scale:
            break
        if whole:
            if b - a <= 1:
                break
            inner = np.unique(np.round(np.linspace(a, b, POINTS_PER_ROUND + 2)[1:-1]))
        else:
            inner = (
                np.geomspace(a, b, POINTS_PER_ROUND + 2)[1:-1]
                if a > 0 and b / a > 10
                else np.linspace(a, b, POINTS_PER_ROUND + 2)[1:-1]
            )
        inner = inner[(inner > a) & (inner < b)]
        if not whole and inner.size == 0:  # no float between a and b: as narrow as it gets
            break
        mi = search.tried(inner)
        pts = np.concatenate([[a], inner, [b]])
        mss = np.concatenate([[ma], mi, [mb]])
        gss = search.gap(mss)
        j = search.nearest_change(pts, gss <= 0) or 0
        a, b = float(pts[j]), float(pts[j + 1])
        ma, mb, ga, gb = float(mss[j]), float(mss[j + 1]), float(gss[j]), float(gss[j + 1])
    return a, b, ma, mb, ga, gb


def _beside_a_jump(bracket: _Bracket, tolerance: float, whole: bool) -> bool:
    """Whether a bracket's ends are one point apart (neighbouring floats, or within 10⁻⁹
    of their size), one end meets the target within ``tolerance`` and the other lies a
    jump away: a step whose side touches the target. Never for a whole number, where
    each end is a value of its own, written as it is.

    >>> tier = (200_000.0, 200_000.00000000003, 120_000.0, 249_750.0, 129_750.0, -3e-11)
    >>> _beside_a_jump(tier, 0.25, False), _beside_a_jump(tier, 0.25, True)
    (True, False)
    >>> _beside_a_jump((3.0, 4.0, 1.0, 9.0, 0.0, 8.0), 0.25, False)
    False
    """
    a, b, _, _, ga, gb = bracket
    near, far = sorted((abs(ga), abs(gb)))
    one_point = bool(np.nextafter(a, b) == b) or abs(b - a) <= 1e-9 * max(abs(a), abs(b))
    return not whole and one_point and near <= tolerance < far


def _crossing(
    search: _Search, base: dict[str, Any], bracket: _Bracket, scale: float, met_above: bool
) -> Solution:
    """The answer at a narrowed bracket: the end where the target is met (the closer one
    when both are within tolerance of it), or a step across it."""
    tolerance = 1e-6 * scale
    """A metric this close to the target meets it; a larger jump across it is a step."""
    whole = bool(base["whole"])
    if _beside_a_jump(bracket, tolerance, whole):
        # met with equality at one end only, the other a jump away: narrowed to a float's
        # width, the jump lies between two neighbouring values, and each is on its side
        bracket = _refine(search, whole, bracket, scale, to_float=True)
    a, b, ma, mb, ga, gb = bracket
    # "at least" / "at most" holds over the range only when no other value tried flips;
    # flips within 1e-9 of the answer are rounding at the crossing itself: one crossing
    xs, ms = search.seen()
    met = search.gap(ms) <= search.near
    flips = xs[:-1][met[:-1] != met[1:]]
    noise = np.abs(flips - a) <= 1e-9 * max(1.0, abs(a), abs(b))
    single = int(np.count_nonzero(~noise)) + int(bool(noise.any())) == 1
    # every value tried past the answer, on the side that meets the target, meets it: the
    # other crossings (if any) lie on the side that misses it, further off
    width = 1e-9 * max(1.0, abs(a), abs(b))
    past = xs > max(a, b) + width if met_above else xs < min(a, b) - width
    holds_past = bool(np.all(met[past]))
    # the side where the target is met; the closer one when both are within tolerance
    if abs(ga) <= tolerance or abs(gb) <= tolerance:
        use_a = abs(ga) <= abs(gb)
        reached = True
    else:
        use_a = ga <= 0
        reached = False
    beside = reached and _beside_a_jump(bracket, tolerance, whole)
    if beside and (ga <= 0) != use_a:
        # within the tolerance of the target only on the side that misses it, just past a
        # jump (a price tier starting strictly above 200,000 tokens, the target the dearer
        # side's NPV there): a step, answered from the end that meets it
        use_a, reached = ga <= 0, False
    value, achieved = (a, ma) if use_a else (b, mb)
    other = (b, mb) if use_a else (a, ma)
    dip = not reached and search.target.metric in BREAK_EVEN and search.dips(a, b)
    again = search.behind_again(value) if search.target.metric in BREAK_EVEN else None
    return Solution(
        **base,
        value=value,
        achieved=_maybe(achieved),
        reached=reached,
        step=not reached,
        other_side=None if reached and not beside else (other[0], _maybe(other[1])),
        met_above=met_above,
        single_crossing=single,
        holds_past=holds_past,
        closest=None,
        holds_everywhere=False,
        iterations=search.calls,
        evaluations=search.evaluations,
        savings_dip=dip,
        behind_again_month=again,
    )
