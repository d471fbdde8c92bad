"""Uncertainty and targets over a portfolio of workloads: Monte Carlo, the tornado and
Sobol indices over workload paths (``workloads.2.traffic.requests_per_month``), and solve
for the value of one path that meets a target; each evaluation is one vectorized call of
:func:`~payback.analysis.portfolio.evaluate_portfolio` over the samples."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.analysis.portfolio import (
    Portfolio,
    evaluate_portfolio,
)
from payback.analysis.unread import NO_CASH_FLOW
from payback.errors import PaybackError
from payback.finance._types import FloatArray
from payback.scenario.paths import with_value
from payback.studies import SOBOL_SAMPLES
from payback.studies.accepted import portfolio_within_accepted, ranked
from payback.studies.capacity_held import portfolio_capacity_held_line
from payback.studies.fleet_cap import (
    SIZES_A_FLEET,
    FleetsPastCap,
    Peaks,
    ResolvedPeaks,
    estimated_by,
    past_cap_ends,
    rebuilt_peaks,
    sample_peaks,
)
from payback.studies.sample_noise import few_samples_line
from payback.studies.solve_inputs import distribution_refused
from payback.studies.targets import another_alternatives

if TYPE_CHECKING:
    from payback.studies.solve import Solution, Target
    from payback.studies.uncertainty import Driver, Progress, Sobol


__all__ = [
    "portfolio_monte_carlo",
    "portfolio_paths",
    "portfolio_sobol",
    "portfolio_tornado",
    "solve_portfolio",
]


def _inputs(p: Portfolio) -> list[Any]:
    from payback.analysis.portfolio import central_value, portfolio_field_range
    from payback.analysis.portfolio_unread import unread_serving
    from payback.studies.uncertainty import UncertainInput

    dists = p.scenario.distributions
    unread = unread_serving(p)  # a fleet's number where there is no shared fleet: warned of
    return [
        UncertainInput(path, float(central_value(p, path)), dist, portfolio_field_range(p, path))
        for path, dist in dists.items()
        # [traffic] completed from the first workload's (the page writes it so) repeats its
        # ranges: they are that workload's, sampled once, by its own path
        if not (path.startswith("traffic.") and dists.get(f"workloads.0.{path}") == dist)
        and path not in unread
    ]


def portfolio_monte_carlo(
    p: Portfolio, samples: int, seed: int = 0, progress: Progress | None = None
) -> dict[str, Any]:
    """Every distribution of the scenario (``workloads.2.traffic.requests_per_month`` too)
    sampled ``samples`` times, all samples through :func:`evaluate_portfolio` at once (in
    chunks that bound memory): per alternative, the same summary as
    :func:`payback.studies.uncertainty.monte_carlo`'s. Each sample is drawn inside its
    field's range (the capacity floor included), as a scenario's are; samples whose fleet
    would need more GPUs than a scenario may plan are counted, and said under
    ``warnings``. ``progress(done, total)`` is called as chunks complete (a small first
    one, so the time of the whole run is known early), as a scenario's sampling calls it."""
    from payback.studies.uncertainty import (
        CELLS_PER_CHUNK,
        FIRST_CHUNK,
        check_sampling,
        sample_outcomes,
    )

    check_sampling(samples, seed)
    inputs = _inputs(p)
    horizon = p.scenario.scenario.horizon_months
    past = FleetsPastCap(
        [f"alternatives.{i} ({a.name!r})" for i, a in enumerate(p.scenario.alternatives)]
    )
    summaries = sample_outcomes(
        past.counting(
            lambda overrides: evaluate_portfolio(p, overrides), lambda ev: _fleets(p, ev)
        ),
        inputs,
        samples,
        seed,
        horizon=horizon,
        alternatives=len(p.scenario.alternatives),
        chunk=max(1_000, CELLS_PER_CHUNK // ((horizon + 1) * len(p.parts))),
        first_chunk=FIRST_CHUNK,
        progress=progress,
    )
    out: dict[str, Any] = {
        "samples": samples,
        "seed": seed,
        "inputs": [i.path for i in inputs],
        "alternatives": [summary.to_dict() for summary in summaries],
    }
    paths = [i.path for i in inputs]
    warnings = past.lines(samples, paths)
    if held := portfolio_capacity_held_line(p, paths):  # capacities a token length holds
        warnings.append(held)
    if few := few_samples_line(samples):
        warnings.append(few)
    if warnings:
        out["warnings"] = warnings
    return out


def _fleets(p: Portfolio, ev: Any) -> list[list[FloatArray | None]]:
    """Each alternative's fleets (:mod:`payback.studies.fleet_cap` counts the samples past
    the cap): the shared one, or each served workload's own."""
    return [
        [outcome.gpus]
        if outcome.gpus is not None
        else [ev.parts[j].alternatives[i].costs.gpus for j in p.served[i]]
        for i, outcome in enumerate(ev.alternatives)
    ]


# ---------------------------------------------------------------- sensitivity and solve


def portfolio_paths(p: Portfolio) -> list[str]:
    """Dotted paths of the numbers the portfolio reads, in the scenario's own terms: each
    workload's (``workloads.2.traffic.requests_per_month``, its own baseline's, its terms on
    an alternative, ``workloads.2.alternatives.0.quality.error_rate``, and its one-time
    items), the scenario baseline's, every alternative's (where a workload it serves reads
    them) and a shared fleet's ``portfolio`` numbers."""
    from payback.analysis.cashflows import numeric_paths
    from payback.analysis.portfolio import PORTFOLIO_FIELDS, replaced_terms

    workloads = p.scenario.workloads or []
    out: dict[str, None] = {}
    for j, part in enumerate(p.parts):
        for path in numeric_paths(part):
            bits = path.split(".")
            if bits[0] == "traffic" or (
                bits[0] == "baseline" and workloads[j].baseline is not None
            ):
                out[f"workloads.{j}.{path}"] = None
            elif bits[0] == "alternatives":
                i = int(bits[1])
                if j not in p.served[i]:
                    continue
                own = bits[2] in replaced_terms(p, j, i)
                out[f"workloads.{j}.{path}" if own else path] = None
            else:
                out[path] = None
        for name, value in workloads[j].one_time:
            if isinstance(value, int | float) and value != 0 and not isinstance(value, bool):
                out[f"workloads.{j}.one_time.{name}"] = None
    for i in range(len(p.scenario.alternatives)):
        if p.shares_fleet(i):
            for name in PORTFOLIO_FIELDS:
                out[f"alternatives.{i}.portfolio.{name}"] = None
    return list(out)


def _sensitivity_inputs(p: Portfolio, swing: float | None) -> list[Any]:
    """The scenario's distributions, or with ``swing`` (or without any) every number the
    portfolio reads over ±``swing`` (25%)."""
    from payback.analysis.portfolio import central_value, portfolio_field_range
    from payback.studies.uncertainty import swing_inputs

    inputs = _inputs(p)
    if not inputs or swing is not None:
        inputs = swing_inputs(
            p.scenario,
            portfolio_paths(p),
            lambda path: central_value(p, path),
            swing,
            lambda path: portfolio_field_range(p, path),
        )
    return inputs


def portfolio_sobol(
    p: Portfolio,
    samples: int = SOBOL_SAMPLES,
    seed: int = 0,
    swing: float | None = None,
    progress: Progress | None = None,
) -> Sobol:
    """Sobol first- and total-order indices of each alternative's portfolio NPV over the
    portfolio's inputs (workload paths included), as
    :func:`payback.studies.uncertainty.sobol`: every batch of samples through one
    :func:`evaluate_portfolio` call (in chunks that bound memory); its samples whose fleet
    passes the GPU cap counted and said first under ``warnings``, as a scenario's are; an
    assumed end analyze refuses taken back to the file's value, as the tornado's."""
    from payback.studies.sobol import sobol_over
    from payback.studies.uncertainty import CELLS_PER_CHUNK

    # an assumed end analyze refuses is taken back to the file's value, as the tornado's
    inputs = portfolio_within_accepted(p, _sensitivity_inputs(p, swing))
    horizon = p.scenario.scenario.horizon_months
    chunk = max(1_000, CELLS_PER_CHUNK // ((horizon + 1) * len(p.parts)))

    names = [a.name for a in p.scenario.alternatives]
    past = FleetsPastCap([f"alternatives.{i} ({name!r})" for i, name in enumerate(names)])
    counted = past.counting(lambda overrides: evaluate_portfolio(p, overrides), partial(_fleets, p))

    def npvs(overrides: dict[str, FloatArray]) -> list[FloatArray]:
        return [o.npv_usd for o in counted(overrides).alternatives]

    found = sobol_over(inputs, len(names), npvs, chunk, samples, seed, progress, names)
    paths = [i.path for i in inputs]
    capped = past.lines(found.evaluations(len(inputs)), paths)
    held = portfolio_capacity_held_line(p, paths)
    return replace(found, warnings=[*capped, *found.warnings, *([held] if held else [])])


def portfolio_tornado(p: Portfolio, swing: float | None = None) -> list[list[Driver]]:
    """Per alternative, every uncertain input of the portfolio at its p10 and p90 (or ±25%
    without distributions, a rate left at 0 over its assumed range), the rest central,
    ranked by the NPV swing: all inputs in one :func:`evaluate_portfolio` call. An end
    whose fleet passes the GPU cap is marked as a scenario's tornado marks it; an assumed
    end analyze refuses is taken back to the file's value, as a scenario's
    (:func:`~payback.studies.accepted.portfolio_within_accepted`)."""
    from payback.studies.uncertainty import paid_back_month, rank_drivers, swing_overrides

    inputs = _sensitivity_inputs(p, swing)
    if not inputs:
        return [[] for _ in p.scenario.alternatives]
    try:
        ev = evaluate_portfolio(p, swing_overrides(inputs, [item.path for item in inputs]))
    except PaybackError:  # an assumed end past what analyze accepts: narrowed, as a scenario's
        inputs = portfolio_within_accepted(p, inputs)
        if not inputs:
            return [[] for _ in p.scenario.alternatives]
        ev = evaluate_portfolio(p, swing_overrides(inputs, [item.path for item in inputs]))
    never = p.scenario.scenario.horizon_months + 1.0
    fleets = _fleets(p, ev)
    drivers = [
        rank_drivers(
            inputs,
            outcome.npv_usd,
            paid_back_month(outcome),
            never,
            past_cap_ends([fleets[i]], 2 * len(inputs)),
        )
        for i, outcome in enumerate(ev.alternatives)
    ]
    return [ranked(d, inputs) for d in drivers]  # a narrowed input moving nothing: said


def solve_portfolio(p: Portfolio, path: str, target: Target, alternative: int = 0) -> Solution:
    """The value of the portfolio input at ``path`` (``workloads.2.traffic.requests_per_month``)
    at which alternative ``alternative``'s portfolio meets ``target``: one scenario's
    search (:func:`~payback.studies.solve.find_crossing`: the grid, the dense scan near
    today's value, the refining rounds, steps and whether the crossing is the only one)
    over :func:`~payback.analysis.portfolio.evaluate_portfolio`."""
    from payback.analysis.portfolio import central_value, portfolio_field_range, route
    from payback.studies.solve import find_crossing, refused_edges

    scenario = p.scenario
    if not 0 <= alternative < len(scenario.alternatives):
        raise PaybackError.bad(
            "alternative", alternative, f"must be 0..{len(scenario.alternatives) - 1}"
        )
    try:
        where = route(p, path)  # names an input, or PaybackError
    except PaybackError as exc:  # about --vary, as a scenario's solve says it
        raise PaybackError.bad("vary", path, exc.messages[0].removeprefix(f"{path}: ")) from None
    if (dist := _distribution_at(p, path)) is not None:
        raise distribution_refused(path, dist)
    if (unread := _unread_line(p, path)) is not None:
        raise PaybackError.bad("vary", path, unread)
    if (owner := _owner(where, path)) is not None and owner != alternative:
        raise another_alternatives(scenario, path, owner, alternative)
    try:
        current = central_value(p, path)
    except PaybackError as exc:  # said of the workload's own path: the one given instead
        said = exc.messages[0].removeprefix(f"{where.local}: ")
        raise PaybackError.bad("vary", path, said) from None
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise PaybackError(f"{path}: not a number; vary a numeric input")

    def outcome_at(values: FloatArray) -> Any:
        return evaluate_portfolio(p, {path: values}).alternatives[alternative]

    found = find_crossing(
        outcome_at,
        target,
        parameter=path,
        alternative=alternative,
        alternative_name=scenario.alternatives[alternative].name,
        current=float(current),
        allowed=portfolio_field_range(p, path),
        horizon_months=scenario.scenario.horizon_months,
        peaks_at=(peaks := _fleet_peaks(p, path)),
    )
    held = portfolio_capacity_held_line(p, [path])
    edges, refused = refused_edges(found, peaks)  # past a model's context, say
    return replace(found, warnings=[*([held] if held else []), *edges], refused_past=refused)


def _owner(where: Any, path: str) -> int | None:
    """The alternative whose own input ``path`` is (``alternatives.I.…``, a workload's
    ``workloads.N.alternatives.I.…`` by index or name, routed to ``alternatives.I.…``);
    None for an input every alternative reads (traffic, a baseline, the scenario's)."""
    for read in (path, where.local):
        head, _, rest = read.partition(".")
        number = rest.partition(".")[0]
        if head == "alternatives" and number.isdigit():
            return int(number)
    return None


def _distribution_at(p: Portfolio, path: str) -> str | None:
    """The distribution ``path`` holds, None for a single value: a workload's term keyed by
    the alternative's name is found by its index too (it was solved at the range's middle)."""
    from payback.analysis.portfolio_setup import _alternative_key

    dists = p.scenario.distributions
    if path in dists:
        return dists[path].dist
    parts = path.split(".", 3)
    if len(parts) == 4 and parts[0] == "workloads" and parts[2] == "alternatives":
        found = _alternative_key(p, parts[3])
        if found is not None:
            i, field = found
            named = f"workloads.{parts[1]}.alternatives.{p.scenario.alternatives[i].name}"
            if (dist := dists.get(f"{named}.{field}")) is not None:
                return dist.dist
    return None


def _unread_line(p: Portfolio, path: str) -> str | None:
    """Why a ``portfolio`` number is no input to solve for where its alternative has no
    shared fleet (as :func:`~payback.analysis.portfolio_unread.unread_serving` warns); None
    for any other path."""
    parts = path.split(".")
    if parts[0] != "alternatives" or len(parts) != 4 or parts[2] != "portfolio":
        return None
    i = int(parts[1])
    if p.shares_fleet(i):
        return None
    return f"not read: {p.scenario.alternatives[i].name!r} has no shared fleet, {NO_CASH_FLOW}"


def _fleet_peaks(p: Portfolio, path: str) -> Peaks | None:
    """The most GPUs any fleet of the portfolio needs (its busiest month) with ``path`` at
    each value, as analyze holds every fleet to the cap; ``None`` where the input sizes no
    fleet or nothing is self-hosted. An input the serving estimate reads where a
    workload's capacity is estimated (a token length, an alternative's ``tpot_ms``) is
    prepared again at each value, as analyze estimates it anew."""
    from payback.scenario.schema import SelfHostedOption

    if any(estimated_by(part, _in_part(path)) for part in p.parts):
        return _prepared_peaks(p, path)
    sized = path.rsplit(".", 1)[-1] in SIZES_A_FLEET
    if not sized or not any(isinstance(a, SelfHostedOption) for a in p.scenario.alternatives):
        return None

    def peaks(xs: FloatArray) -> FloatArray:
        fleets = _fleets(p, evaluate_portfolio(p, {path: xs}))
        each = [sample_peaks(option, xs.size) for option in fleets]
        return np.asarray(np.max(each, axis=0), dtype=np.float64)

    return peaks


def _in_part(path: str) -> str:
    """A portfolio input's path in a workload's own scenario (:meth:`Portfolio.parts`):
    ``workloads.0.traffic.output_tokens`` is its ``traffic.output_tokens``."""
    parts = path.split(".")
    return ".".join(parts[2:]) if parts[0] == "workloads" and len(parts) > 2 else path


def _prepared_peaks(p: Portfolio, path: str) -> ResolvedPeaks:
    """The most GPUs any fleet needs with ``path`` at each value, the portfolio prepared
    again at each (:func:`~payback.analysis.portfolio.prepare`: each workload's capacity
    estimated anew, the shared fleets checked), as analyze prepares it."""
    from payback.analysis.portfolio import prepare

    def fleets_at(x: float) -> list[list[FloatArray | None]]:
        again = prepare(with_value(p.scenario, path, x))
        return _fleets(again, evaluate_portfolio(again, {path: np.array([x])}))

    return rebuilt_peaks(fleets_at)
