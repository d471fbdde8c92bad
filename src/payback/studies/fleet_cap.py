"""Samples whose fleet passes the GPU cap: a scenario's and a portfolio's Monte Carlo count
them with one counter.

A fixed scenario whose fleet would need more than
:data:`~payback.scenario.schema.MAX_FLEET_GPUS` GPUs is refused; its samples are drawn
inside each field's range, yet a wide range (traffic, a capacity near its floor) can still
size a fleet past the cap. Those samples are counted per option, a sample once however
many of its fleets (a portfolio's workloads on separate fleets) pass the cap, with the
most GPUs any sample needs and its month; :meth:`FleetsPastCap.lines` says them in one
line an option. All numpy over the samples: no per-sample loop.

A tornado's ends are held to the same cap with the same helpers (:func:`past_cap_ends`):
an end whose fleet passes it is marked on its driver (:class:`PastCap`) and said
(:func:`ends_past_cap`, :func:`tornado_cap_lines`). A solve searches only the values whose
fleets stay within it (:func:`within_cap`), the values analyze accepts; where an option's
capacity is estimated from model and gpu, the inputs the estimate reads
(:data:`ESTIMATE_READS`) size its fleet too, each value's fleet sized as analyze sizes it:
the scenario resolved again (:func:`resolved_peaks`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.finance._types import FloatArray

if TYPE_CHECKING:
    from payback.analysis.resolve import Resolved
    from payback.scenario import FieldRange, Scenario
    from payback.studies.uncertainty import Driver

__all__ = [
    "ESTIMATE_READS",
    "RESOLVED_CAP_POINTS",
    "SIZES_A_FLEET",
    "FleetsPastCap",
    "PastCap",
    "ResolvedPeaks",
    "busiest_month",
    "cap_note",
    "ends_past_cap",
    "estimated_by",
    "past_cap_ends",
    "rebuilt_peaks",
    "refused_past_cap",
    "resolved_peaks",
    "sample_peaks",
    "scenario_fleets",
    "tornado_cap_lines",
    "within_cap",
]

Evaluate = Callable[[dict[str, FloatArray]], Any]
"""Overrides by path (arrays over the samples) -> an evaluation."""
Peaks = Callable[[FloatArray], FloatArray]
"""An input's values -> the most GPUs any option's fleet needs at each (:func:`sample_peaks`)."""
EDGE_POINTS = 32
"""Values tried, in one evaluation, in each round that narrows an edge of :func:`within_cap`."""

SIZES_A_FLEET = frozenset(
    {
        "requests_per_month",
        "growth_monthly",
        "peak_to_average",
        "replica_requests_per_s",
        "escalation_share",
        "target_utilization",
        "gpus_per_replica",
        "min_replicas",
        "coincidence_factor",
        "adapter_overhead",
        "adapter_decade_loss",
    }
)
"""The numbers a fleet's size reads (a sampled one can take it past the cap)."""
ESTIMATE_READS = frozenset(
    {
        "input_tokens",
        "output_tokens",
        "cached_input_share",
        "tpot_ms",
        "gpus_per_replica",
        "target_utilization",
    }
)
"""The numbers the serving estimate reads (the resolver's ``_estimate_fields``): where an
option's capacity is estimated from model and gpu, they size its fleet through it (the
token lengths and ``tpot_ms`` change its requests/s, ``gpus_per_replica`` its replica)."""
RESOLVED_CAP_POINTS = (33, 4)
"""The grid's points and each edge round's for :func:`within_cap` where each value is
resolved again (:class:`ResolvedPeaks`: a serving estimate a value, not one engine call
for all): about 140 resolutions, a few seconds."""


class FleetsPastCap:
    """Per option (named by ``labels``: ``alternatives.0 ('fleet')``), the samples whose
    fleets need more than :data:`~payback.scenario.schema.MAX_FLEET_GPUS` GPUs in some
    month, and the most GPUs a sample needs, with its month.

    >>> past = FleetsPastCap(["alternatives.0 ('fleet')"])
    >>> past.count(
    ...     [[np.array([[9e6, 1.2e7], [1e6, 2e6]]), np.array([[1.1e7, 1.0], [1.0, 1.0]])]], 2
    ... )
    >>> past.past, past.most
    ([1], [(12000000.0, 2)])
    """

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.past = [0] * len(self.labels)
        self.most = [(0.0, 0)] * len(self.labels)

    @classmethod
    def of_scenario(cls, scenario: Scenario) -> FleetsPastCap:
        """One line an option of a scenario: its baseline's and each alternative's fleet
        (:func:`scenario_fleets`), as a fixed scenario's fleets are held to the cap."""
        return cls([f"{path} ({option.name!r})" for path, option in scenario.options()])

    def counting(self, evaluate: Evaluate, fleets_of: Callable[[Any], Any]) -> Evaluate:
        """``evaluate`` that also counts the fleets (``fleets_of(evaluation)``, as
        :meth:`count` takes them) of every evaluation it makes."""

        def counted(overrides: dict[str, FloatArray]) -> Any:
            ev = evaluate(overrides)
            self.count(fleets_of(ev), len(next(iter(overrides.values()))) if overrides else 1)
            return ev

        return counted

    def count(self, fleets: Sequence[Iterable[FloatArray | None]], n: int) -> None:
        """Count ``n`` samples: ``fleets[k]`` holds option k's fleets (GPUs by month, month
        on the last axis, samples before it or broadcast; ``None``: no fleet). A sample
        with several fleets past the cap counts once."""
        from payback.scenario.schema import MAX_FLEET_GPUS

        for k, option in enumerate(fleets):
            option = list(option)
            peak = sample_peaks(option, n)
            self.past[k] += int(np.sum(peak > MAX_FLEET_GPUS))
            worst = int(np.argmax(peak))  # the first sample needing the most
            if float(peak[worst]) > self.most[k][0]:
                self.most[k] = (float(peak[worst]), busiest_month(option, worst))

    def lines(self, samples: int, paths: Iterable[str]) -> list[str]:
        """One line per option with samples past the cap, naming the sampled ``paths``
        that size a fleet (the ranges to narrow)."""
        from payback.figures import share_text
        from payback.scenario.checks import fleet_limit, gpu_count

        varied = [path for path in paths if path.rsplit(".", 1)[-1] in SIZES_A_FLEET]
        out = []
        for label, past, (gpus, month) in zip(self.labels, self.past, self.most, strict=True):
            if not past:
                continue
            out.append(
                f"{label}: {past:,} of {samples:,} samples ({share_text(past / samples)}) "
                f"size a fleet past the cap, up to {gpu_count(gpus)} GPUs (month {month}); "
                f"{fleet_limit()}. The sampled figures count them: narrow "
                + (", ".join(varied) if varied else "the ranges that size the fleet")
            )
        return out


def scenario_fleets(ev: Any) -> list[list[FloatArray | None]]:
    """A scenario's evaluation's fleets, as :meth:`FleetsPastCap.of_scenario` names them:
    the baseline's, then each alternative's (``None`` where it runs none)."""
    return [[ev.baseline.gpus], *([outcome.costs.gpus] for outcome in ev.alternatives)]


def sample_peaks(option: Iterable[FloatArray | None], n: int) -> FloatArray:
    """Per sample (``n``), the most GPUs any of an option's fleets (as :meth:`FleetsPastCap.count`
    takes them) needs in a month; 0 without a fleet (a month that is not a number counts 0).

    >>> sample_peaks([np.array([[9e6, 1.2e7], [1e6, 2e6]]), None, np.array([3e6, 1.0])], 2)
    array([12000000.,  3000000.])
    """
    out = np.zeros(n)
    for gpus in option:
        if gpus is not None:
            g = np.asarray(gpus, dtype=np.float64)
            out = np.fmax(out, np.nan_to_num(np.fmax.reduce(g, axis=-1), nan=0.0))
    return np.broadcast_to(out, (n,))


def busiest_month(option: Iterable[FloatArray | None], sample: int) -> int:
    """The month (1 first) in which sample ``sample`` needs its most GPUs: the first such
    month of the first fleet that needs them (0 without a fleet).

    >>> busiest_month([np.array([[9e6, 1.2e7], [1e6, 2e6]]), np.array([3e6, 1.0])], 1)
    1
    """
    most, month = 0.0, 0
    for gpus in option:
        if gpus is None:
            continue
        g = np.asarray(gpus, dtype=np.float64)
        rows = g.reshape(-1, g.shape[-1])
        row = np.nan_to_num(rows[sample if rows.shape[0] > 1 else 0], nan=0.0)
        if float(row.max()) > most:
            most, month = float(row.max()), int(np.argmax(row)) + 1
    return month


@dataclass(frozen=True)
class PastCap:
    """A tornado end whose fleet passes the cap: the most GPUs a fleet needs there, and
    the month (1 first) it needs them."""

    gpus: float
    month: int


def past_cap_ends(fleets: Sequence[Iterable[FloatArray | None]], n: int) -> list[PastCap | None]:
    """Per sample (a tornado's ends), where any option's fleet passes the cap, the most
    GPUs one needs and its month (:func:`sample_peaks`, :func:`busiest_month`, as
    :meth:`FleetsPastCap.count` reads them); ``None`` where no fleet passes it.

    >>> past_cap_ends([[np.array([9e6, 1e6])], [np.array([[1.0, 2.0], [1.1e7, 1.2e7]])]], 2)
    [None, PastCap(gpus=12000000.0, month=2)]
    """
    from payback.scenario.schema import MAX_FLEET_GPUS

    options = [list(option) for option in fleets]
    peaks = np.stack([sample_peaks(option, n) for option in options]) if options else None
    out: list[PastCap | None] = [None] * n
    if peaks is None:
        return out
    for j in np.flatnonzero(peaks.max(axis=0) > MAX_FLEET_GPUS):
        k = int(np.argmax(peaks[:, j]))  # the first option needing the most
        out[j] = PastCap(float(peaks[k, j]), busiest_month(options[k], int(j)))
    return out


def ends_past_cap(drivers: Iterable[Driver]) -> list[str]:
    """Each tornado end (of ``drivers``) whose fleet passes the cap, in words: ``the high
    end of traffic.requests_per_month (10,871,929 GPUs, month 1)``."""
    from payback.scenario.checks import gpu_count

    return [
        f"the {end} end of {d.parameter} ({gpu_count(past.gpus)} GPUs, month {past.month})"
        for d in drivers
        for end, past in (("low", d.low_past_cap), ("high", d.high_past_cap))
        if past is not None
    ]


def cap_note(drivers: Iterable[Driver]) -> str:
    """One sentence under a tornado (a table, a chart) naming its ends whose fleet passes
    the cap; empty where none does."""
    from payback.scenario.schema import MAX_FLEET_GPUS

    ends = ends_past_cap(drivers)
    if not ends:
        return ""
    return (
        f"Past the fleet cap of {MAX_FLEET_GPUS:,} GPUs, worked out as if such a fleet could "
        f"run: {'; '.join(ends)}."
    )


def tornado_cap_lines(labels: Sequence[str], ranked: Sequence[Sequence[Driver]]) -> list[str]:
    """One line per option (named by ``labels``: ``alternatives.0 ('fleet')``) whose
    tornado (``ranked``: its drivers) has ends whose fleet passes the cap, saying them as
    a Monte Carlo's samples past it are said (:meth:`FleetsPastCap.lines`)."""
    from payback.scenario.checks import fleet_limit

    out = []
    for label, drivers in zip(labels, ranked, strict=True):
        ends = ends_past_cap(drivers)
        if ends:
            paths = dict.fromkeys(d.parameter for d in drivers if d.low_past_cap or d.high_past_cap)
            said = "end sizes" if len(ends) == 1 else "ends size"
            out.append(
                f"{label}: {len(ends)} tornado {said} a fleet past the cap: {'; '.join(ends)}; "
                f"{fleet_limit()}. Their NPV and break-even are worked out as if such a fleet "
                f"could run: narrow {', '.join(paths)}"
            )
    return out


def within_cap(
    peaks_at: Peaks,
    tried: FloatArray,
    current: float,
    allowed: FieldRange,
    edge_points: int = EDGE_POINTS,
) -> FieldRange | None:
    """The stretch of ``allowed`` around ``current`` (today's value of an input, whose
    fleets a loaded scenario keeps within the cap) where no fleet passes the cap: the
    values analyze accepts. ``peaks_at`` gives the most GPUs a fleet needs at each value;
    ``tried`` (sorted) brackets each edge, narrowed to a float's width (a whole number's
    for a count). ``None`` where no value tried passes the cap.

    >>> from payback.scenario import FieldRange
    >>> gpus = lambda xs: xs * 1e3  # past the cap of 10,000,000 above 10,000
    >>> edge = within_cap(
    ...     gpus, np.linspace(0.0, 1e5, 11), 2.0, FieldRange(0, 1e5, True, True, True)
    ... )
    >>> edge.lowest, edge.highest, edge.highest_included
    (0, 10000.0, True)
    """
    from dataclasses import replace

    from payback.scenario.schema import MAX_FLEET_GPUS

    past = peaks_at(tried) > MAX_FLEET_GPUS
    if not past.any():
        return None
    low, high = tried[past & (tried < current)], tried[past & (tried > current)]
    out = allowed
    if low.size:
        outside = float(low.max())
        inside = float(tried[tried > outside].min())
        out = replace(
            out, lowest=_edge(peaks_at, inside, outside, allowed, edge_points), lowest_included=True
        )
    if high.size:
        outside = float(high.min())
        inside = float(tried[tried < outside].max())
        out = replace(
            out,
            highest=_edge(peaks_at, inside, outside, allowed, edge_points),
            highest_included=True,
        )
    return out


def _edge(peaks_at: Peaks, inside: float, outside: float, allowed: FieldRange, count: int) -> float:
    """The value nearest ``outside`` (whose fleet passes the cap) that ``inside`` (whose
    fleet does not) reaches without passing it: each round tries ``count`` values between
    (logarithmic where they span decades)."""
    from payback.scenario.schema import MAX_FLEET_GPUS

    for _ in range(200):  # a float's width: about 12 rounds of 32 values, 40 of 4
        low, high = sorted((inside, outside))
        if low > 0 and high / low > 10:
            points = np.geomspace(low, high, count + 2)[1:-1]
        else:
            points = np.linspace(low, high, count + 2)[1:-1]
        if not allowed.is_real:
            points = np.unique(np.round(points))
        points = points[(points > low) & (points < high)]
        if points.size == 0:
            break
        if outside < inside:
            points = points[::-1]  # from inside outwards
        past = peaks_at(points) > MAX_FLEET_GPUS
        first = int(np.argmax(past)) if past.any() else points.size
        if first > 0:
            inside = float(points[first - 1])
        if first < points.size:
            outside = float(points[first])
    return inside


def estimated_by(resolved: Resolved, parameter: str) -> bool:
    """Whether ``parameter`` is read by the serving estimate of an option whose capacity
    is estimated (not given as ``replica_requests_per_s``): a token length of ``traffic``
    for any such option, an option's own field (:data:`ESTIMATE_READS`) for that option."""
    from payback.scenario.schema import SelfHostedOption

    parts = parameter.split(".")
    if parts[-1] not in ESTIMATE_READS:
        return False
    where = "traffic" if parts[0] == "traffic" and len(parts) == 2 else ".".join(parts[:-1])
    return any(
        isinstance(option, SelfHostedOption)
        and option.replica_requests_per_s is None
        and where in ("traffic", path)
        for path, option in resolved.original.options()
    )


@dataclass(frozen=True)
class ResolvedPeaks:
    """:data:`Peaks` that resolve the scenario again at each value (a serving estimate a
    value, not one engine call for all): :func:`within_cap` tries fewer values
    (:data:`RESOLVED_CAP_POINTS`) for them."""

    at: Callable[[float], float]
    """The most GPUs any fleet needs at one value."""
    refusals: dict[float, str] = field(default_factory=dict)
    """The values the resolver refused for another reason than the cap, with its reason
    (a token length past a model's context): outside what analyze accepts, as past the cap."""

    tried: set[float] = field(default_factory=set)
    """Every value resolved."""

    def __call__(self, xs: FloatArray) -> FloatArray:
        values = [float(x) for x in np.asarray(xs, dtype=np.float64)]
        self.tried.update(values)
        return np.array([self.at(x) for x in values])

    def refused_beyond(self, edge: float, above: bool) -> str | None:
        """The resolver's reason where the value tried nearest ``edge`` beyond it (above it,
        or below) was refused for another reason than the cap; ``None`` where it passes the
        cap (a refusal further out is not what the edge stops at)."""
        beyond = [x for x in self.tried if (x > edge if above else x < edge)]
        if not beyond:
            return None
        return self.refusals.get(min(beyond) if above else max(beyond))


def resolved_peaks(resolved: Resolved, parameter: str) -> ResolvedPeaks:
    """The most GPUs any option's fleet needs with ``parameter`` at each value, the
    scenario as written resolved again at each (its capacities estimated anew, as analyze
    estimates them): infinite where the resolution refuses the value, a fleet past the cap
    or another reason (recorded in :attr:`ResolvedPeaks.refusals`): analyze refuses it."""
    from payback.analysis.cashflows import evaluate
    from payback.analysis.resolve import resolve
    from payback.scenario.paths import with_value

    def fleets_at(x: float) -> Any:
        again = resolve(with_value(resolved.original, parameter, x))
        return scenario_fleets(evaluate(again, {parameter: np.array([x])}))

    return rebuilt_peaks(fleets_at)


def rebuilt_peaks(fleets_at: Callable[[float], Any]) -> ResolvedPeaks:
    """:class:`ResolvedPeaks` over ``fleets_at(x)``: every option's fleets (as
    :meth:`FleetsPastCap.count` takes them) with the scenario, or a portfolio, built again
    at one value; a refusal of the cap infinite, another recorded with its reason."""

    def at(x: float) -> float:
        return max(float(sample_peaks(option, 1)[0]) for option in fleets_at(x))

    refusals: dict[float, str] = {}
    return ResolvedPeaks(partial(refused_past_cap, at, refusals=refusals), refusals)


def refused_past_cap(
    at: Callable[[float], float], x: float, refusals: dict[float, str] | None = None
) -> float:
    """``at(x)``, or infinite where it raises a refusal of a fleet past the cap. Another
    refusal (a value analyze refuses for another reason: a token length past a model's
    context) is infinite too, its reason kept in ``refusals`` by value; without
    ``refusals`` it is 0 (not the cap's to say)."""
    from payback.errors import PaybackError
    from payback.scenario.schema import MAX_FLEET_GPUS

    try:
        return at(x)
    except PaybackError as exc:
        if f"{MAX_FLEET_GPUS:,} GPUs" in str(exc):
            return math.inf
        if refusals is None:
            return 0.0
        refusals[x] = exc.allowed or str(exc)  # the reason, not the file and value again
        return math.inf
