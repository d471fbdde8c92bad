"""Sobol indices over any engine's NPVs: the scenario's (:func:`payback.studies.uncertainty.sobol`)
or the portfolio's (:func:`payback.studies.portfolio_uncertainty.portfolio_sobol`), with SciPy's
``sobol_indices`` and the intervals of :mod:`payback.studies.sobol_intervals`."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

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

__all__ = ["check_sobol_samples", "sobol_over"]


def check_sobol_samples(samples: int) -> None:
    if not (isinstance(samples, int) and 8 <= samples <= 2**20):
        raise PaybackError.bad(
            "samples", samples, f"must be a whole number from 8 to {2**20:,} for Sobol indices"
        )


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
    n = 1 << math.ceil(math.log2(samples))
    if d == 0:
        return Sobol(n, seed, [[] for _ in range(count)])
    if n * d * d > SOBOL_CELLS:
        raise PaybackError(
            f"samples = {samples}: with {d} uncertain inputs Sobol indices need n · inputs² numbers; "
            f"use at most {SOBOL_CELLS // (d * d):,} samples"
        )
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
            kept.update(a=f_A, b=f_B, ab=f_AB)  # SciPy's centred values, for the intervals
            return saltelli(f_A, f_B, f_AB)

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
                *(float(c[a, j]) for c in confs),
            )
            for j, i in enumerate(inputs)
            if max(first[a, j], total[a, j]) >= 0.005
        ]
        ranked.append(sorted(indices, key=lambda s: -s.total_order))
    names = names or [f"alternative {a}" for a in range(count)]
    return Sobol(n, seed, ranked, wide_warnings(ranked, names, n, SOBOL_CELLS // (d * d)))
