"""A training cost estimated from a job follows the job's size a study moves, as analyze
would estimate it.

An option whose ``one_time.training`` describes a job and gives no ``training_usd`` has
that cost estimated when the scenario is resolved
(:mod:`payback.analysis.resolve_training`). The job's numbers
(:data:`~payback.scenario.followed.TRAINING_READS`) are then inputs a study may move:
:func:`following_training` adds to the engine's overrides the ``training_usd`` analyze of
the file would give at each sample's values.

A few distinct values (a tornado's ends, a solve's values, at most
:data:`~payback.analysis.follow.EXACT_VALUES` a call) are each resolved. Many (Monte Carlo,
Sobol) scale the file's estimate, which is exact: a job on rented GPUs costs
k · N · tokens / (peak · MFU) GPU-hours at the rent, its GPUs chosen by memory alone, so
its cost is proportional to the tokens (examples × tokens per example × epochs) and to
the rent; a hosted job costs its tokens at the offer's price, at least the offer's
minimum (:func:`~payback.analysis.resolve_training.hosted_training_usd`). The samples of
the fewest and the most tokens are resolved too, so a value analyze refuses (a run of
more tokens than an estimate takes) is refused with the resolver's reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.analysis.memo import Memo
from payback.errors import PaybackError
from payback.finance._types import FloatArray
from payback.scenario.followed import JOB_TOKENS, TRAINING_READS, job_reads

if TYPE_CHECKING:
    from payback.analysis.resolve import Resolved

__all__ = ["TRAINING_READS", "following_training", "trainees"]

_KEPT = 8
_kept: Memo[float] = Memo(_KEPT)
"""Training costs resolved at a value, by the scenario they belong to (its id, kept alive)."""


def trainees(resolved: Resolved) -> dict[str, tuple[str, ...]]:
    """Each option's ``one_time`` whose ``training_usd`` is estimated from its job (not
    given, nor sampled), with the paths of the job's numbers the estimate follows."""
    out: dict[str, tuple[str, ...]] = {}
    written = resolved.original
    for path, option in written.options():
        one_time, where = option.one_time, f"{path}.one_time"
        job = one_time.training
        if job is None or one_time.training_usd is not None:
            continue
        if f"{where}.training_usd" in written.distributions:
            continue
        out[where] = tuple(f"{where}.training.{name}" for name in job_reads(job))
    return out


def following_training(resolved: Resolved, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``overrides`` with the ``training_usd`` of each option of :func:`trainees` whose
    job's numbers they move, as analyze estimates it at each sample's values; a swing of
    ``training_usd`` itself given beside them scales that estimate by its ratio to the
    file's."""
    out = dict(overrides)
    for where, reads in trainees(resolved).items():
        columns = [r for r in reads if r in overrides]
        if not columns:
            continue
        shape = np.broadcast_shapes(*(np.shape(v) for v in overrides.values()))
        table = np.stack([_flat(overrides[c], shape) for c in columns], axis=1)
        usd = _estimated(resolved, where, columns, table)
        file = _file_usd(resolved, where)
        given = overrides.get(f"{where}.training_usd")
        if given is not None:
            usd = usd * _flat(given, shape) / file if file > 0 else _flat(given, shape)
        out[f"{where}.training_usd"] = usd.reshape(shape)
    return out


def _flat(values: Any, shape: tuple[int, ...]) -> FloatArray:
    """``values`` broadcast to ``shape``, flat."""
    return np.broadcast_to(np.asarray(values, dtype=np.float64), shape).ravel()


def _file_usd(resolved: Resolved, where: str) -> float:
    """The training cost analyze estimated for the file."""
    from payback.scenario import value_at

    return float(value_at(resolved.scenario, f"{where}.training_usd"))


def _estimated(resolved: Resolved, where: str, columns: list[str], table: FloatArray) -> FloatArray:
    """The training cost at each row of ``table`` (``columns``' values): each distinct row
    resolved where they are few, else the file's estimate scaled (the module's docstring)."""
    from payback.analysis.follow import EXACT_VALUES

    rows, inverse = np.unique(table, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    if len(rows) <= EXACT_VALUES:
        found = [_resolved_at(resolved, where, columns, tuple(map(float, r))) for r in rows]
        return np.asarray(found, dtype=np.float64)[inverse]
    from payback.scenario import value_at

    job = value_at(resolved.scenario, f"{where}.training")
    at = {c.rsplit(".", 1)[-1]: table[:, j] for j, c in enumerate(columns)}
    tokens = math.prod(at.get(n, getattr(job, n)) for n in JOB_TOKENS)
    for i in (int(np.argmin(tokens)), int(np.argmax(tokens))):  # a refusal named, as analyze
        _resolved_at(resolved, where, columns, tuple(map(float, table[i])))
    if job.hosted is not None:
        from payback.analysis.resolve_training import hosted_training_usd
        from payback.catalog import default_catalog

        catalog = resolved.catalog or default_catalog()
        usd = hosted_training_usd(catalog.finetune(job.hosted), tokens)
    else:
        usd = _file_usd(resolved, where) * (tokens / job.tokens)
        if "usd_per_gpu_hour" in at:
            usd = usd * at["usd_per_gpu_hour"] / job.usd_per_gpu_hour
    return np.asarray(np.broadcast_to(usd, (len(table),)), dtype=np.float64)


def _resolved_at(
    resolved: Resolved, where: str, columns: list[str], row: tuple[float, ...]
) -> float:
    """The training cost analyze of the file with ``columns`` at ``row`` estimates (the
    one-time costs resolved again); a refusal raised, naming the values."""
    from payback.analysis.follow import lookups_on_day, reason_of, refused_there
    from payback.analysis.resolve_training import resolve_one_time
    from payback.scenario import SelfHostedOption, value_at
    from payback.scenario.paths import with_value

    kept = _kept.of(resolved)
    key = (where, tuple(columns), row)
    if key not in kept:
        scenario = resolved.original
        for path, value in zip(columns, row, strict=True):
            scenario = with_value(scenario, path, value)
        ctx = lookups_on_day(resolved, scenario)
        option = value_at(scenario, where.removesuffix(".one_time"))
        served = option.model if isinstance(option, SelfHostedOption) else None
        try:
            one_time = resolve_one_time(ctx, where, value_at(scenario, where), served)
        except PaybackError as exc:
            values = ", ".join(f"{p} = {v:,.6g}" for p, v in zip(columns, row, strict=True))
            follows = f"{where}.training_usd is estimated again at"
            raise refused_there(values, reason_of(exc), follows, "training_usd") from None
        kept[key] = float(one_time.training_usd or 0.0)
    return kept[key]
