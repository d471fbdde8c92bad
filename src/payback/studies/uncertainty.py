"""Uncertainty: Monte Carlo, one-at-a-time swings (tornado) and Sobol indices.

All three push arrays of samples through the one vectorized engine
(:func:`payback.analysis.cashflows.evaluate` with overrides by dotted path): no per-sample Python
loop. The uncertain inputs are the scenario's distributions. A scenario without any still gets a
sensitivity answer: every real-valued engine input moves ±25%, and rates that are zero in the file
move over a stated range (see :data:`ZERO_RANGES`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from payback.analysis.cashflows import alone, evaluate, local_path, numeric_paths
from payback.analysis.resolve import Resolved, as_resolved, file_named
from payback.errors import PaybackError
from payback.finance import share_behind_again_at, share_paid_back_within, window_months
from payback.finance._types import FloatArray
from payback.finance.cashflow import saves_nothing
from payback.scenario import FieldRange, Scenario, field_range, value_at
from payback.scenario.distributions import Distribution, Uniform, sampled_range
from payback.scenario.followed import not_sampled
from payback.studies import SOBOL_SAMPLES
from payback.studies.accepted import Narrowed, ranked, within_accepted
from payback.studies.fleet_cap import FleetsPastCap, PastCap, past_cap_ends, scenario_fleets
from payback.studies.sample_noise import few_samples_line

__all__ = [
    "AlternativeUncertainty",
    "Driver",
    "MonteCarlo",
    "SobolIndex",
    "UncertainInput",
    "monte_carlo",
    "rank_drivers",
    "sobol",
    "swing_overrides",
    "tornado",
    "uncertain_inputs",
]

MAX_SAMPLES = 2_000_000
"""More samples than this change no percentile a user reads and cost minutes."""
CELLS_PER_CHUNK = 1_500_000
"""Samples × months evaluated at once: bounds the engine's memory (tens of MB an array)."""
FIRST_CHUNK = 2_000
"""A small first chunk, so the time of the whole run is known early (for the progress bar)."""
FAN_SAMPLES = 20_000
"""The fan of cumulative savings uses the first this-many samples: its percentiles are
then within about ±0.5 percentile point, and memory stays flat for long horizons."""
SOBOL_CELLS = 40_000_000
"""Most base samples × inputs² that SciPy's Sobol matrices may hold (about 320 MB)."""
MIN_SWING = 0.001
"""The smallest ``--swing``, ±0.1%: below it an input may not move at all (1e-300 of 200,000
requests is lost in the sum), and the ranking would drop it unsaid."""
DEFAULT_SWING = 0.25
"""Without distributions, sensitivity moves each input this share down and up."""
ZERO_RANGES: dict[str, tuple[float, float]] = {
    "growth_monthly": (-0.02, 0.02),
    "price_change_annual": (-0.3, 0.0),
    "escalation_share": (0.0, 0.1),
}
"""Ranges for rates a file leaves at 0 (a ± share of 0 is 0): traffic may shrink or grow
2% a month, prices may fall up to 30% a year, up to 10% of requests may escalate."""

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` as evaluations complete."""


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain engine input: where it is, how it varies, and its allowed range."""

    path: str
    central: float
    dist: Distribution
    allowed: FieldRange
    assumed: str | None = None
    """How the range was assumed when the scenario gives no distribution (``±25%``)."""
    narrowed: Narrowed | None = None
    """An assumed end analyze refuses, taken back to the file's value (its label says so)."""

    def ppf(self, u: Any) -> FloatArray:
        """Values at probabilities ``u`` (the distribution truncated to the field's range,
        an excluded bound left out): the samples and the tornado's ends alike."""
        return self.dist.ppf(u, *sampled_range(self.allowed))

    def ends(self) -> tuple[float, float]:
        """The low and high end a tornado uses: p10 and p90, or an assumed range's ends."""
        if self.assumed is not None:
            return self.dist.support()
        return float(self.ppf(0.1)), float(self.ppf(0.9))


def _check_seed(seed: int) -> None:
    if not (isinstance(seed, int) and 0 <= seed < 2**63):
        raise PaybackError.bad("seed", seed, f"must be a whole number from 0 to {2**63 - 1:,}")


def check_sampling(samples: int, seed: int) -> None:
    """A Monte Carlo's ``samples`` (1 to :data:`MAX_SAMPLES`) and ``seed``, or PaybackError."""
    if not (isinstance(samples, int) and 1 <= samples <= MAX_SAMPLES):
        raise PaybackError.bad(
            "samples", samples, f"must be a whole number from 1 to {MAX_SAMPLES:,}"
        )
    _check_seed(seed)


def uncertain_inputs(
    resolved: Resolved, swing: float | None = None, *, assume_when_none: bool = True
) -> list[UncertainInput]:
    """The scenario's distributions, in the order the engine reads them.

    With ``swing`` given, or without distributions (and ``assume_when_none``), every
    real-valued engine input varies uniformly by ±``swing`` (default 25%) clipped to its
    range, and zero-valued rates over :data:`ZERO_RANGES`.
    """
    scenario = resolved.scenario
    engine_paths = numeric_paths(resolved)
    dists = scenario.distributions
    for path in dists:
        if path not in engine_paths:
            with file_named(scenario):  # the file too, as analyze's refusal names it
                raise PaybackError(not_sampled(path, dists[path]))
    if dists and swing is None:
        return [
            UncertainInput(p, float(value_at(scenario, p)), dists[p], field_range(scenario, p))
            for p in engine_paths
            if p in dists
        ]
    if not assume_when_none:
        return []
    return swing_inputs(scenario, engine_paths, lambda path: value_at(scenario, path), swing)


def swing_inputs(
    scenario: Scenario,
    paths: Iterable[str],
    central_of: Callable[[str], Any],
    swing: float | None = None,
    range_of: Callable[[str], FieldRange] | None = None,
) -> list[UncertainInput]:
    """Every real-valued input among ``paths`` over ±``swing`` of its central value
    (``central_of(path)``), a rate left at 0 over its assumed range, clipped to what the
    field allows (``range_of(path)``, default the scenario's field at that path); inputs
    with no range left are skipped."""
    share = DEFAULT_SWING if swing is None else swing
    if not (math.isfinite(share) and MIN_SWING <= share < 1):
        raise PaybackError.bad(
            "swing", share, "must be at least 0.001 and less than 1 (0.25: ±25%)"
        )
    out = []
    for path in paths:
        allowed = field_range(scenario, path) if range_of is None else range_of(path)
        central = float(central_of(path))
        name = path.rsplit(".", 1)[-1]
        if not allowed.is_real:
            continue
        if central == 0 and name in ZERO_RANGES:
            low, high = ZERO_RANGES[name]
            how = f"{low:g} to {high:g} (assumed for a rate left at 0)"
        elif central != 0:
            low, high = sorted((central * (1 - share), central * (1 + share)))
            how = f"±{_percent_typed(share)}%"  # as typed: --swing 0.075 is ±7.5%
        else:
            continue
        lowest, highest = sampled_range(allowed)  # an excluded bound: the nearest inside
        low, high = max(low, lowest), min(high, highest)
        if high > low:
            out.append(
                UncertainInput(
                    path, central, Uniform(dist="uniform", low=low, high=high), allowed, how
                )
            )
    return out


def _percent_typed(share: float) -> str:
    """A share as a percentage with the digits it was typed with (``:g`` rounded --swing
    0.9999999 to 100, an input moved ±100% that was not), a tiny one in powers of ten.

    >>> [_percent_typed(s) for s in (0.25, 0.075, 0.1, 0.9999999, 1e-300)]
    ['25', '7.5', '10', '99.99999', '1e-298']
    """
    from decimal import Decimal

    text = format(Decimal(repr(share)) * 100, "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text if len(text) <= 20 else f"{share * 100:g}"


# ---------------------------------------------------------------- Monte Carlo


@dataclass(frozen=True)
class AlternativeUncertainty:
    """What the samples say about one alternative."""

    samples: int
    p_break_even_within: dict[str, float | None]
    """Keys "3", "6", "12", "horizon": share of samples paid back by then (``None`` past the
    horizon when some samples never pay back within it)."""
    p_behind_again_at: dict[str, float | None]
    """The same keys: share of samples broken even by then but behind again at that month
    (a retraining, a price step), which ``p_break_even_within`` leaves out."""
    break_even_month_percentiles: dict[str, float | None]
    """Keys "p10", "p50", "p90"; a sample that never pays back counts as later than any
    month, and a percentile among those is ``None``."""
    break_even_month_histogram: list[int]
    """Samples paid back in month 1, 2, …, H (a break-even in [m−1, m) counts for month m),
    then the samples that never pay back within the horizon."""
    npv_usd_percentiles: dict[str, float]
    npv_usd_mean: float
    p_npv_positive: float
    cumulative_savings_percentiles: dict[str, list[float]]
    """p10/p50/p90 of the cumulative savings at months 0..H (the fan chart), from the
    first :data:`FAN_SAMPLES` samples."""
    drivers: list[Driver] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MonteCarlo:
    """Monte Carlo through the engine."""

    samples: int
    seed: int
    inputs: list[str]
    """Paths of the sampled inputs."""
    alternatives: list[AlternativeUncertainty]
    warnings: list[str] = field(default_factory=list)
    """An option's samples whose fleet passes the GPU cap (:mod:`~payback.studies.fleet_cap`)."""


def _percentiles(values: FloatArray) -> list[float]:
    return [float(v) for v in np.quantile(values, (0.1, 0.5, 0.9), method="inverted_cdf", axis=0)]


def _summary(
    month: FloatArray, npv: FloatArray, fan: FloatArray, horizon: int, savings_at: FloatArray
) -> AlternativeUncertainty:
    later = np.where(np.isfinite(month), month, np.inf)
    bins = np.minimum(np.floor(later), horizon - 1)  # month m holds break-evens in [m-1, m)
    counts = np.bincount(
        np.where(np.isfinite(later), bins, horizon).astype(np.int64), minlength=horizon + 1
    )
    quantiles = np.quantile(fan, (0.1, 0.5, 0.9), method="inverted_cdf", axis=0)
    return AlternativeUncertainty(
        samples=int(month.shape[0]),
        p_break_even_within=share_paid_back_within(month, horizon, savings_at),
        p_behind_again_at=share_behind_again_at(month, horizon, savings_at),
        break_even_month_percentiles={
            k: (v if math.isfinite(v) else None)
            for k, v in zip(("p10", "p50", "p90"), _percentiles(later), strict=True)
        },
        break_even_month_histogram=[int(c) for c in counts],
        npv_usd_percentiles=dict(zip(("p10", "p50", "p90"), _percentiles(npv), strict=True)),
        npv_usd_mean=float(np.mean(npv)),
        p_npv_positive=float(np.mean(npv > 0)),
        cumulative_savings_percentiles={
            k: [float(x) for x in row]
            for k, row in zip(("p10", "p50", "p90"), quantiles, strict=True)
        },
    )


def paid_back_month(outcome: Any) -> FloatArray:
    """An outcome's break-even month per sample, ``nan`` where it saves nothing (the same
    price, nothing up front): such a sample has not paid back, as the central answer says
    ("nothing saved"); its formula's month 0 is not "at once". The Monte Carlo and the
    tornado read it alike."""
    cumulative = outcome.cumulative_savings_usd
    return np.where(saves_nothing(cumulative), np.nan, outcome.break_even_month)


def sample_outcomes(
    evaluate_samples: Callable[[dict[str, FloatArray]], Any],
    inputs: list[UncertainInput],
    samples: int,
    seed: int,
    *,
    horizon: int,
    alternatives: int,
    chunk: int,
    first_chunk: int | None = None,
    progress: Progress | None = None,
) -> list[AlternativeUncertainty]:
    """Each alternative's summary over ``samples`` draws of ``inputs``: drawn by the inverse
    CDF of seeded uniform numbers, sample by sample (so the chunking does not change them),
    and evaluated ``chunk`` samples at a time (``first_chunk`` first, for an early progress
    report) by ``evaluate_samples`` (overrides by path -> an evaluation with one outcome per
    alternative), which keeps memory bounded whatever the horizon."""
    rng = np.random.default_rng(seed)
    months = np.empty((alternatives, samples))
    npvs = np.empty((alternatives, samples))
    fan_rows = min(samples, FAN_SAMPLES)  # the fan chart's percentiles: the first samples
    fans = np.empty((alternatives, fan_rows, horizon + 1))
    checks = window_months(horizon)  # every sample's cumulative savings at these months
    savings_at = np.empty((alternatives, samples, len(checks)))
    done = 0
    while done < samples:
        n = min(first_chunk if done == 0 and first_chunk else chunk, samples - done)
        u = rng.random((n, len(inputs)))
        ev = evaluate_samples({i.path: i.ppf(u[:, k]) for k, i in enumerate(inputs)})
        for a, outcome in enumerate(ev.alternatives):
            month = paid_back_month(outcome)
            months[a, done : done + n] = np.broadcast_to(month, (n,))
            npvs[a, done : done + n] = np.broadcast_to(outcome.npv_usd, (n,))
            cumulative = np.asarray(outcome.cumulative_savings_usd, dtype=np.float64)
            savings_at[a, done : done + n] = np.broadcast_to(
                cumulative[..., checks], (n, len(checks))
            )
            if done < fan_rows:
                rows = min(n, fan_rows - done)
                fans[a, done : done + rows] = np.broadcast_to(
                    outcome.cumulative_savings_usd, (n, horizon + 1)
                )[:rows]
        done += n
        if progress is not None:
            progress(done, samples)
    return [
        _summary(months[a], npvs[a], fans[a], horizon, savings_at[a]) for a in range(alternatives)
    ]


def monte_carlo(
    scenario: Scenario | Resolved,
    samples: int = 10_000,
    seed: int = 0,
    progress: Progress | None = None,
) -> MonteCarlo:
    """Sample every distribution of the scenario ``samples`` times and summarize each alternative.

    Inputs are drawn independently (inverse CDF of seeded uniform random numbers, drawn
    sample by sample so the chunking does not change them) and evaluated in chunks whose
    size keeps memory bounded whatever the horizon.
    """
    check_sampling(samples, seed)
    resolved = as_resolved(scenario)
    inputs = uncertain_inputs(resolved, assume_when_none=False)
    horizon = resolved.scenario.scenario.horizon_months
    past = FleetsPastCap.of_scenario(resolved.scenario)
    summaries = sample_outcomes(
        past.counting(lambda overrides: evaluate(resolved, overrides), scenario_fleets),
        inputs,
        samples,
        seed,
        horizon=horizon,
        alternatives=len(resolved.scenario.alternatives),
        chunk=max(1_000, CELLS_PER_CHUNK // (horizon + 1)),
        first_chunk=FIRST_CHUNK,
        progress=progress,
    )
    return MonteCarlo(
        samples=samples,
        seed=seed,
        inputs=[i.path for i in inputs],
        alternatives=summaries,
        warnings=[
            *_held(past.lines(samples, [i.path for i in inputs]), resolved, inputs),
            *filter(None, [few_samples_line(samples)]),
        ],
    )


def _held(warnings: list[str], resolved: Resolved, inputs: list[UncertainInput]) -> list[str]:
    """``warnings`` and, where a token length varies, the self-hosted capacity it holds
    (:func:`~payback.studies.capacity_held.capacity_held_line`)."""
    from payback.studies.capacity_held import capacity_held_line

    held = capacity_held_line(resolved, [i.path for i in inputs])
    return warnings if held is None else [*warnings, held]


# ---------------------------------------------------------------- one at a time


@dataclass(frozen=True)
class Driver:
    """One input moved to its low and high end, the others central."""

    parameter: str
    low: float
    """The input's low end: its p10, or the low end of an assumed range."""
    high: float
    """The input's high end: its p90, or the high end of an assumed range."""
    npv_low_usd: float
    npv_high_usd: float
    break_even_month_low: float | None
    break_even_month_high: float | None
    npv_swing_usd: float
    """|NPV at high − NPV at low|: the ranking key."""
    assumed: str | None = None
    """How the range was assumed (``±25%``) when the scenario gives no distribution."""
    narrowed: Narrowed | None = None
    """An assumed end analyze refuses, taken back to the file's value, and why."""
    low_past_cap: PastCap | None = None
    """Where the low end sizes a fleet past the GPU cap, the most GPUs and its month; its
    NPV and break-even are worked out as if such a fleet could run
    (:mod:`~payback.studies.fleet_cap`, as the samples of a Monte Carlo are counted)."""
    high_past_cap: PastCap | None = None  # the same for the high end

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def tornado(scenario: Scenario | Resolved, swing: float | None = None) -> list[list[Driver]]:
    """For each alternative, every uncertain input at its p10 and p90 (or an assumed range's
    ends), the rest central, ranked by the NPV swing (then the break-even swing). Inputs
    that change nothing for an alternative are left out of its list (one narrowed to the
    ends analyze accepts said in its ``narrowed_unmoved``). One engine call an
    alternative, on that alternative alone with the inputs that can move it: time and
    memory linear in the number of alternatives."""
    resolved = as_resolved(scenario)
    inputs = uncertain_inputs(resolved, swing)
    never = resolved.scenario.scenario.horizon_months + 1.0
    result: list[list[Driver]] = []
    for a in range(len(resolved.scenario.alternatives)):
        # the inputs that can move this alternative (those the engine reads for it), on it
        # alone: linear in alternatives
        single = alone(resolved, a)
        read = set(numeric_paths(single))
        mine = [
            (item, path)
            for item in inputs
            if (path := local_path(item.path, a)) is not None and path in read
        ]
        if not mine:
            result.append([])
            continue
        try:
            ev = evaluate(single, _moved_alone(mine))
        except PaybackError:  # an assumed end past what analyze accepts: narrowed
            mine = within_accepted(single, mine)
            if not mine:
                result.append([])
                continue
            ev = evaluate(single, _moved_alone(mine))
        items = [item for item, _ in mine]
        outcome = ev.alternatives[0]
        past = past_cap_ends(scenario_fleets(ev), 2 * len(items))
        drivers = rank_drivers(items, outcome.npv_usd, paid_back_month(outcome), never, past)
        result.append(ranked(drivers, items))  # a narrowed input moving nothing: said
    return result


def _moved_alone(mine: list[tuple[UncertainInput, str]]) -> dict[str, FloatArray]:
    return swing_overrides([item for item, _ in mine], [path for _, path in mine])


def swing_overrides(items: list[UncertainInput], paths: list[str]) -> dict[str, FloatArray]:
    """Samples that move each input alone: sample 2j holds input j at its low end, 2j + 1
    at its high end, every other input central (by ``paths``, one per input)."""
    k = len(items)
    overrides = {}
    for j, (item, path) in enumerate(zip(items, paths, strict=True)):
        column = np.full(2 * k, item.central)
        column[2 * j], column[2 * j + 1] = item.ends()
        overrides[path] = column
    return overrides


def rank_drivers(
    items: list[UncertainInput],
    npv_usd: FloatArray,
    month: FloatArray,
    never: float,
    past: list[PastCap | None] | None = None,
) -> list[Driver]:
    """The drivers of one alternative from its NPVs and break-even months at the samples of
    :func:`swing_overrides`, ranked by the NPV swing (then the break-even swing; ``never``
    stands for no break-even); inputs that move neither are left out. ``past``: per
    sample, where a fleet passes the GPU cap (:func:`~payback.studies.fleet_cap.past_cap_ends`),
    marked on the driver's end."""
    ends = past or [None] * (2 * len(items))
    npv = np.broadcast_to(npv_usd, (2 * len(items),))
    months = np.broadcast_to(month, (2 * len(items),))
    ranked = []
    for j, item in enumerate(items):
        low, high = item.ends()
        m_low, m_high = months[2 * j], months[2 * j + 1]
        month_swing = abs(np.nan_to_num(m_high, nan=never) - np.nan_to_num(m_low, nan=never))
        npv_swing = abs(float(npv[2 * j + 1] - npv[2 * j]))
        if npv_swing == 0 and month_swing == 0:
            continue
        driver = Driver(
            parameter=item.path,
            low=low,
            high=high,
            npv_low_usd=float(npv[2 * j]),
            npv_high_usd=float(npv[2 * j + 1]),
            break_even_month_low=None if math.isnan(m_low) else float(m_low),
            break_even_month_high=None if math.isnan(m_high) else float(m_high),
            npv_swing_usd=npv_swing,
            assumed=item.assumed,
            narrowed=item.narrowed,
            low_past_cap=ends[2 * j],
            high_past_cap=ends[2 * j + 1],
        )
        ranked.append((npv_swing, month_swing, driver))
    ranked.sort(key=lambda d: (-d[0], -d[1]))
    return [d[2] for d in ranked]


# ---------------------------------------------------------------- Sobol


@dataclass(frozen=True)
class SobolIndex:
    """Variance-based sensitivity of one alternative's NPV to one input."""

    parameter: str
    first_order: float
    """Share of the NPV's variance due to this input alone."""
    total_order: float
    """Share due to this input including its interactions with the others."""
    assumed: str | None = None
    first_order_conf: float = 0.0
    """Half-width of the first order's 95% interval (bootstrap: the estimate is sampled)."""
    total_order_conf: float = 0.0  # the total order's
    excess_conf: float = 0.0
    """Half-width of first − total: a first order above the total by no more is noise."""
    narrowed: Narrowed | None = None  # as a driver's

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def first_above_total(self) -> Literal["noise", "beyond noise"] | None:
        """Whether the estimates put the first order above the total (never so in truth),
        and whether by more than their noise."""
        if self.first_order <= self.total_order:
            return None
        return (
            "noise" if self.first_order - self.total_order <= self.excess_conf else "beyond noise"
        )


@dataclass(frozen=True)
class Sobol:
    """Sobol indices per alternative, and the sampling that produced them."""

    base_samples: int
    """n: a power of two; the engine ran n · (inputs + 2) times."""
    seed: int
    alternatives: list[list[SobolIndex]]
    warnings: list[str] = field(default_factory=list)
    """Where an alternative's intervals are wide (:data:`~payback.studies.sobol_intervals.WIDE`),
    the base samples that would narrow them; for a scenario, first, its samples whose
    fleet passes the GPU cap (:mod:`~payback.studies.fleet_cap`)."""

    def evaluations(self, inputs: int) -> int:
        """Rows of inputs the engine evaluated: n · (inputs + 2), n for one input."""
        return self.base_samples * (inputs + 2 if inputs > 1 else 1) if inputs else 0


def sobol(
    scenario: Scenario | Resolved,
    samples: int = SOBOL_SAMPLES,
    seed: int = 0,
    swing: float | None = None,
    progress: Progress | None = None,
) -> Sobol:
    """Sobol first- and total-order indices of each alternative's NPV (SciPy's
    ``sobol_indices``), ranked by total order. Each alternative is studied
    alone, over the inputs that can move it (:func:`~payback.studies.sobol.scenario_sobol`):
    the size limit counts one alternative's inputs. ``samples`` is rounded up to a power
    of two; inputs whose indices are both below 0.005 (sampling noise at this size) are
    left out."""
    from payback.studies.sobol import check_sobol_samples, scenario_sobol

    check_sobol_samples(samples)
    _check_seed(seed)
    resolved = as_resolved(scenario)
    return scenario_sobol(resolved, uncertain_inputs(resolved, swing), samples, seed, progress)


def sensitivity(
    scenario: Scenario | Resolved,
    method: Literal["tornado", "sobol"] = "tornado",
    *,
    swing: float | None = None,
    samples: int = SOBOL_SAMPLES,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[list[Driver]] | Sobol:
    """Which inputs decide the answer: :func:`tornado` (each input at its p10 and p90, one
    list of drivers per alternative) or :func:`sobol` (each input's share of the NPV's
    variance); ``swing`` is the range assumed for inputs without a distribution (±25%)."""
    if method == "tornado":
        return tornado(scenario, swing)
    if method == "sobol":
        return sobol(scenario, samples, seed, swing, progress)
    raise PaybackError.bad("method", method, "must be tornado or sobol")
