"""Sobol indices over any engine's NPVs: the scenario's (:func:`scenario_sobol`, each
alternative alone with the inputs that can move it, for
:func:`payback.studies.uncertainty.sobol`) or the portfolio's
(:func:`payback.studies.portfolio_uncertainty.portfolio_sobol`), with SciPy's
``sobol_indices`` and the intervals of :mod:`payback.studies.sobol_intervals`."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.errors import PaybackError
from payback.finance._types import FloatArray
from payback.studies.uncertainty import (
    SOBOL_CELLS,
    Progress,
    Sobol,
    SobolIndex,
    UncertainInput,
    _check_seed,
)

if TYPE_CHECKING:
    from payback.analysis.resolve import Resolved

__all__ = [
    "base_samples",
    "check_sobol_samples",
    "check_sobol_size",
    "most_base_samples",
    "scenario_sobol",
    "sobol_over",
]


def check_sobol_samples(samples: int) -> None:
    if not (isinstance(samples, int) and 8 <= samples <= 2**20):
        raise PaybackError.bad(
            "samples", samples, f"must be a whole number from 8 to {2**20:,} for Sobol indices"
        )


def base_samples(samples: int) -> int:
    """The base samples a Sobol analysis runs: ``samples`` rounded up to a power of two.

    >>> base_samples(1000), base_samples(1024), base_samples(16385)
    (1024, 1024, 32768)
    """
    return 1 << math.ceil(math.log2(samples))


def most_base_samples(inputs: int) -> int:
    """The most base samples (a power of two, at most 2**20) whose n · inputs² numbers fit
    :data:`~payback.studies.uncertainty.SOBOL_CELLS`; 0 where not even 8 fit.

    >>> most_base_samples(45), most_base_samples(711), most_base_samples(1), most_base_samples(3000)
    (16384, 64, 1048576, 0)
    """
    fits = SOBOL_CELLS // (inputs * inputs) if inputs else 2**20
    return min(2**20, 1 << (fits.bit_length() - 1)) if fits >= 8 else 0


def check_sobol_size(samples: int, inputs: int, of: str = "") -> None:
    """Refuse ``samples`` whose base samples (:func:`base_samples`) times ``inputs``² pass
    :data:`~payback.studies.uncertainty.SOBOL_CELLS`, naming the most that fit
    (:func:`most_base_samples`): any count up to it passes. ``of``: whose inputs they are
    (`` of 'a'``)."""
    if base_samples(samples) * inputs * inputs <= SOBOL_CELLS:
        return
    most = most_base_samples(inputs)
    need = (
        f"with {inputs} uncertain inputs{of}, Sobol indices need n · inputs² numbers (n: the "
        f"base samples, rounded up to a power of two), at most {SOBOL_CELLS:,}"
    )
    raise PaybackError.bad(
        "samples",
        samples,
        f"{need}; use at most {most:,}"
        if most
        else f"{need}, past it even at 8; the tornado ranks these inputs instead",
    )


def scenario_sobol(
    resolved: Resolved,
    inputs: list[UncertainInput],
    samples: int,
    seed: int,
    progress: Progress | None = None,
) -> Sobol:
    """:func:`sobol_over` for each alternative of a scenario alone (the baseline and it,
    :func:`~payback.analysis.cashflows.alone`), over the ``inputs`` that can move it: its
    own, the traffic's, the baseline's and the scenario's. Time linear in the number of
    alternatives, memory that of the alternative with the most inputs, and the size limit
    (:func:`check_sobol_size`) checked on that alternative's inputs, before any run. Its
    samples whose fleet passes the GPU cap are said first under ``warnings``, the
    baseline's from the first alternative's samples."""
    from payback.analysis.cashflows import alone, evaluate, local_path, numeric_paths
    from payback.analysis.verdict import quoted
    from payback.studies.accepted import within_accepted
    from payback.studies.capacity_held import capacity_held_line
    from payback.studies.fleet_cap import FleetsPastCap, scenario_fleets
    from payback.studies.uncertainty import CELLS_PER_CHUNK

    scenario = resolved.scenario
    names = [alt.name for alt in scenario.alternatives]
    studies = []
    for a in range(len(names)):
        single = alone(resolved, a)
        local = {path: item for item in inputs if (path := local_path(item.path, a))}
        # in the order the engine reads them for it alone: its indices are those of a
        # scenario of that alternative only
        mine = [(local[path], path) for path in numeric_paths(single) if path in local]
        # an assumed end analyze refuses is taken back to the file's value, as the tornado's
        studies.append((single, within_accepted(single, mine)))
    check_sobol_samples(samples)
    _check_seed(seed)
    widest = max(range(len(names)), key=lambda a: len(studies[a][1]))
    check_sobol_size(samples, len(studies[widest][1]), f" of {quoted(names[widest])}")
    n = base_samples(samples)
    total = sum(n * (len(m) + 2 if len(m) > 1 else 1) for _, m in studies if m)
    chunk = max(1_000, CELLS_PER_CHUNK // (scenario.scenario.horizon_months + 1))
    labels = FleetsPastCap.of_scenario(scenario).labels
    ranked: list[list[SobolIndex]] = []
    capped: list[str] = []
    wide: list[str] = []
    done = 0
    for a, (single, mine) in enumerate(studies):
        past = FleetsPastCap([labels[0], labels[a + 1]])
        counted = past.counting(partial(evaluate, single), scenario_fleets)
        step = None if progress is None else _shifted(progress, done, total)
        found = sobol_over(
            [replace(item, path=path) for item, path in mine],
            1,
            partial(_npvs, counted),
            chunk,
            samples,
            seed,
            step,
            [names[a]],
        )
        back = {path: item.path for item, path in mine}
        ranked.append([replace(i, parameter=back[i.parameter]) for i in found.alternatives[0]])
        if a:  # the baseline's fleet is the same in every run: said from the first
            past.past[0] = 0
        runs = found.evaluations(len(mine))
        capped += past.lines(runs, [item.path for item, _ in mine])
        wide += found.warnings
        done += runs
    held = capacity_held_line(resolved, [item.path for item in inputs])
    return Sobol(n, seed, ranked, [*capped, *wide, *([held] if held else [])])


def _npvs(
    counted: Callable[[dict[str, FloatArray]], Any], overrides: dict[str, FloatArray]
) -> list[FloatArray]:
    """The NPVs of a scenario of one alternative (:func:`~payback.analysis.cashflows.alone`)."""
    return [counted(overrides).alternatives[0].npv_usd]


def _shifted(progress: Progress, done: int, total: int) -> Progress:
    """``progress`` of one alternative's run as a part of all of them: ``done`` before it,
    ``total`` in all."""
    return lambda now, _: progress(done + now, total)


def _largest(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray) -> FloatArray:
    """Each output's largest finite |value| over A, B and the AB pages, (outputs, 1); 1
    where all are 0 (or none is finite).

    >>> _largest(np.array([[1e200, -3e200]]), np.array([[0.0, 2e200]]), np.zeros((2, 1, 2)))
    array([[3.e+200]])
    """
    values = np.concatenate([f_a, f_b, np.moveaxis(f_ab, 0, -1).reshape(f_a.shape[0], -1)], axis=1)
    largest = np.max(np.where(np.isfinite(values), np.abs(values), 0.0), axis=1, keepdims=True)
    return np.where(largest > 0, largest, 1.0)


def sobol_over(
    inputs: list[UncertainInput],
    count: int,
    npvs: Callable[[dict[str, FloatArray]], list[FloatArray]],
    chunk: int,
    samples: int,
    seed: int,
    progress: Progress | None = None,
    names: list[str] | None = None,
) -> Sobol:
    """:func:`sobol`'s indices for ``count`` alternatives (``names``) whose NPVs ``npvs``
    gives for samples of ``inputs`` (a dict of arrays by path), at most ``chunk`` samples a
    call: the scenario's engine, or the portfolio's. Each index carries the half-width of
    its 95% interval (:mod:`payback.studies.sobol_intervals`)."""
    from scipy.stats import sobol_indices

    from payback.studies.sobol_intervals import saltelli, wide_warnings, with_intervals

    check_sobol_samples(samples)
    _check_seed(seed)
    d = len(inputs)
    n = base_samples(samples)
    if d == 0:
        return Sobol(n, seed, [[] for _ in range(count)])
    check_sobol_size(samples, d)
    total_runs = n * (d + 2)
    done = 0

    def npv(x: FloatArray) -> FloatArray:
        nonlocal done
        out = np.empty((count, x.shape[1]))
        for start in range(0, x.shape[1], chunk):
            part = x[:, start : start + chunk]
            values = npvs({i.path: part[j] for j, i in enumerate(inputs)})
            for a, value in enumerate(values):
                out[a, start : start + part.shape[1]] = value
            done += part.shape[1]
            if progress is not None:
                progress(min(done, total_runs), total_runs)
        return out

    if d == 1:  # SciPy squeezes a single input away; one input explains all the variance there is
        values = npv(inputs[0].ppf(np.random.default_rng(seed).random((1, n))))
        # moved at all: np.var of 1,024 equal NPVs is 1e-23, not 0, and gave a share of 1
        first = total = (np.ptp(values, axis=1) > 0).astype(float).reshape(count, 1)
        confs = [np.zeros((count, 1))] * 3
    else:
        kept: dict[str, FloatArray] = {}

        def method(f_A: FloatArray, f_B: FloatArray, f_AB: FloatArray) -> Any:
            # SciPy's centred values, for the intervals, in units of each output's largest:
            # the indices are ratios of variances, and NPVs of 1e190 squared overflow
            scale = _largest(f_A, f_B, f_AB)
            kept.update(a=f_A / scale, b=f_B / scale, ab=f_AB / scale)
            return saltelli(kept["a"], kept["b"], kept["ab"])

        sobol_indices(func=npv, n=n, dists=inputs, method=method, rng=np.random.default_rng(seed))
        found = with_intervals(kept["a"], kept["b"], kept["ab"], seed)
        first, total = found.first, found.total
        confs = [found.first_conf, found.total_conf, found.excess_conf]
    ranked = []
    for a in range(count):
        indices = [
            SobolIndex(
                i.path,
                float(first[a, j]),
                float(total[a, j]),
                i.assumed,
                first_order_conf=float(confs[0][a, j]),
                total_order_conf=float(confs[1][a, j]),
                excess_conf=float(confs[2][a, j]),
                narrowed=i.narrowed,
            )
            for j, i in enumerate(inputs)
            if max(first[a, j], total[a, j]) >= 0.005
        ]
        ranked.append(sorted(indices, key=lambda s: -s.total_order))
    names = names or [f"alternative {a}" for a in range(count)]
    return Sobol(n, seed, ranked, wide_warnings(ranked, names, n, most_base_samples(d)))
