"""Calibration factors: what a measurement on a device puts in place of the estimators'
defaults.

A ``payback calibrate`` run times decode steps, a prefill and a training step on one
device; :func:`fit_decode` turns the decode timings into the roofline's bandwidth
efficiency and per-step overhead, and :class:`Factors` holds those with the prefill
utilisation and the training throughput over the estimate's. :func:`engine_for` makes
the serving engine the estimators price a replica with out of them. Where the factors
come from (a calibration file) is :mod:`payback.measure.calibration`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from payback.counts import Whole
from payback.hardware import serving as sv
from payback.hardware.training import Method

__all__ = [
    "GPU_OVERHEAD_LIMITS",
    "GPU_RANGES",
    "SERVING_FACTORS",
    "DecodePoint",
    "Factors",
    "engine_for",
    "far_below_gpu",
    "fit_decode",
    "overhead_limit",
    "overhead_problems",
]

SERVING_FACTORS = ("bandwidth_efficiency", "prefill_mfu", "step_overhead_s", "layer_overhead_s")
"""The :class:`Factors` that replace a :class:`payback.hardware.serving.ServingEngine`'s."""


class _Model(BaseModel):
    # strict, as a scenario's schema: a calibration file's "0.7" in quotes is text
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class DecodePoint(_Model):
    """One decode-step timing of ``payback calibrate``."""

    batch: Whole = Field(ge=1)
    context_tokens: float = Field(gt=0.0)
    measured_ms: float = Field(gt=0.0)
    estimated_ms: float = Field(gt=0.0)
    """The default estimate of the same step."""


class Factors(_Model):
    """Utilisation factors measured on a device, replacing the estimators' defaults.

    The serving factors replace those of :class:`payback.hardware.serving.ServingEngine`;
    a field left out keeps the default.
    """

    bandwidth_efficiency: float | None = Field(None, gt=0.0, le=1.0)
    """A share of the device's peak memory bandwidth: what decode steps reach."""
    prefill_mfu: float | None = Field(None, gt=0.0, le=1.0)
    """A share of the device's dense tensor peak: what prefill reaches."""
    step_overhead_s: float | None = Field(None, ge=0.0, le=1.0)
    """Fixed time per decode step [s]. Seconds, not milliseconds: a GPU's engines spend
    0.5-1.4 ms (:data:`GPU_OVERHEAD_LIMITS`); a calibration is refused past the longest
    decode step it measured, of which it is a part, and one measured on a GPU past 0.1 s
    where its steps are shorter than that or not listed (:func:`overhead_limit`). The bound
    of 1 s holds a CPU's fit too."""
    layer_overhead_s: float | None = Field(None, ge=0.0, le=1.0)
    """Time per layer per decode step [s]. Seconds, not microseconds: a GPU's engines spend
    20-41 µs a layer (:data:`GPU_OVERHEAD_LIMITS`); a calibration is refused past the
    longest decode step it measured, and one measured on a GPU past 1 ms or its fit's
    reach, whichever is more (:func:`overhead_limit`)."""
    training_method: Method | None = None
    """The method ``training_mfu_ratio`` was measured for."""
    training_mfu_ratio: float | None = Field(None, gt=0.0, le=100.0)
    """Measured training throughput over the estimate's (the estimate's MFU is scaled by it)."""


def engine_for(factors: Factors | None, base: sv.ServingEngine = sv.VLLM) -> sv.ServingEngine:
    """``base`` with the measured factors in place of its defaults (marked ``measured``:
    they are the device's own, not scaled by its GPU family). A measured bandwidth
    efficiency is :func:`fit_decode`'s line through the weights and the KV cache together,
    so it sets the KV reads' efficiency too."""
    if factors is None:
        return base
    changes: dict[str, Any] = {
        name: getattr(factors, name)
        for name in SERVING_FACTORS
        if getattr(factors, name) is not None
    }
    measured = tuple(changes)
    if "bandwidth_efficiency" in changes:  # the fit is one line through weights and KV bytes
        changes["kv_bandwidth_efficiency"] = changes["bandwidth_efficiency"]
    return dataclasses.replace(base, **changes, measured=measured)


def fit_decode(
    *,
    step_s: Sequence[float],
    bytes_per_step: Sequence[float],
    bandwidth: float,
    layers: int,
    base: sv.ServingEngine = sv.VLLM,
) -> tuple[float, float, float]:
    """Fit measured decode steps to ``step = overhead + bytes / (bandwidth · efficiency)``.

    Returns ``(bandwidth_efficiency, step_overhead_s, layer_overhead_s)``: a least-squares
    line through the memory-bound points (both terms kept non-negative); the fitted
    overhead is split between the per-step and per-layer parts in the default ratio.
    With one point, or a fit without slope, the default overhead is kept and the
    efficiency is read from the largest step. Either way the overhead is at most the
    longest step (a line of non-negative slope through the points' mean is no higher at
    no bytes), which a calibration file is held to.

    >>> eff, step, layer = fit_decode(step_s=[0.003, 0.005], bytes_per_step=[2e9, 6e9],
    ...                               bandwidth=2e12, layers=10)
    >>> round(eff, 3), round(step + 10 * layer, 4)
    (1.0, 0.002)
    """
    t = np.asarray(step_s, dtype=np.float64)
    m = np.asarray(bytes_per_step, dtype=np.float64)
    default = base.step_overhead_s + layers * base.layer_overhead_s
    overhead, slope = default, 0.0
    if t.size >= 2 and np.ptp(m) > 0:
        from scipy.optimize import nnls

        solution, _ = nnls(np.column_stack([np.ones_like(m), m]), t)
        overhead, slope = float(solution[0]), float(solution[1])
    if slope <= 0.0:
        i = int(np.argmax(m))
        overhead = min(default, 0.5 * float(t[i]))
        slope = (float(t[i]) - overhead) / float(m[i])
    efficiency = min(1.0, 1.0 / (slope * bandwidth))
    share = overhead / default if default > 0 else 0.0
    return efficiency, base.step_overhead_s * share, base.layer_overhead_s * share


GPU_OVERHEAD_LIMITS = {"step_overhead_s": 0.1, "layer_overhead_s": 1.0e-3}
"""The longest decode-step overheads a calibration measured on a GPU may hold [s]. A
serving engine's host work a step (scheduling, sampling, output processing) takes
0.5-1.0 ms (vLLM 1.0 ms, SGLang and TensorRT-LLM 0.5 ms: :mod:`.serving`, the engines'
row of docs/accuracy.md) and a dense layer's 9 small kernels 21-30 µs (vLLM 30 µs, the
lean engine 21 µs); the fits of ``payback calibrate`` on an H200 gave 0.66-1.37 ms and
20-41 µs (``examples/calibrations``, ``benchmarks/measured``). The limits are 100× the
step's default and 33× the layer's, past any engine's host: a value over them is a unit
slip (milliseconds or microseconds written as seconds). A CPU has no such scale (its steps
take seconds): its fit is held to its own measured steps alone."""


def overhead_limit(name: str, longest_step_s: float | None, *, on_gpu: bool) -> float:
    """The longest ``step_overhead_s`` or ``layer_overhead_s`` (``name``) a calibration may
    hold [s]: on a GPU :data:`GPU_OVERHEAD_LIMITS`, and no longer than the longest decode
    step it measured (``longest_step_s``), of which the overhead is a part. A slower device
    whose steps :func:`fit_decode` fits a larger overhead to is held to its fit's reach:
    the longest step, a layer's default share of it.

    >>> overhead_limit("step_overhead_s", 0.0156, on_gpu=True)
    0.0156
    >>> overhead_limit("layer_overhead_s", 0.0156, on_gpu=True), overhead_limit(
    ...     "layer_overhead_s", 0.0156, on_gpu=False)
    (0.001, 0.0156)
    >>> round(overhead_limit("layer_overhead_s", 0.5, on_gpu=True), 5)  # a 0.5 s step
    0.01456
    """
    base = sv.VLLM  # the split fit_decode makes of the overhead
    share = 1.0
    if name == "layer_overhead_s":
        share = base.layer_overhead_s / (base.step_overhead_s + base.layer_overhead_s)
    limit = float("inf")
    if on_gpu:
        reach = 0.0 if longest_step_s is None else share * longest_step_s
        limit = max(GPU_OVERHEAD_LIMITS[name], reach)
    return limit if longest_step_s is None else min(limit, longest_step_s)


_OVERHEAD_WORDS = {
    "step_overhead_s": ("milliseconds", "the fixed time per decode step", "0.5-1.4 ms a step"),
    "layer_overhead_s": (
        "milliseconds or microseconds",
        "the time per layer per decode step",
        "20-41 µs a layer",
    ),
}
"""Each overhead's likely slip, what it is, and what a GPU's engines spend on it
(:data:`GPU_OVERHEAD_LIMITS`)."""


def overhead_problems(factors: Factors, steps_ms: Sequence[float], *, on_gpu: bool) -> list[str]:
    """One line for each decode-step overhead past :func:`overhead_limit`, ``steps_ms`` the
    decode steps measured beside it [ms]: its value, its unit and the range allowed.

    >>> print(overhead_problems(Factors(step_overhead_s=0.7), [], on_gpu=True)[0])
    factors.step_overhead_s = 0.7: 0.7 s: is it in milliseconds? the fixed time per decode
    step is in seconds: a GPU's serving engines spend 0.5-1.4 ms a step; allowed: 0 to 0.1 s
    """
    longest = max(steps_ms) / 1e3 if steps_ms else None
    lines = []
    for name, (slip, meaning, spent) in _OVERHEAD_WORDS.items():
        value = getattr(factors, name)
        limit = overhead_limit(name, longest, on_gpu=on_gpu)
        if value is None or value <= limit:
            continue
        why = [f"a GPU's serving engines spend {spent}"] if on_gpu else []
        if steps_ms:
            took = "-".join(f"{ms:g}" for ms in sorted({min(steps_ms), max(steps_ms)}))
            why.append(
                f"the decode steps this file measured, of which it is a part, took {took} ms"
            )
        lines.append(
            f"factors.{name} = {value!r}: {value:g} s: is it in {slip}? {meaning} is in "
            f"seconds: {', and '.join(why)}; allowed: 0 to {limit:g} s"
        )
    return lines


GPU_RANGES = {"bandwidth_efficiency": (0.5, 0.95), "prefill_mfu": (0.3, 0.8)}
"""What a data-centre GPU's serving factors measure, [low, high]: decode reaches 0.5-0.95
of the peak memory bandwidth (0.59 and 0.73 in the H200 calibrations of
``examples/calibrations``, vLLM's default 0.85), prefill 0.3-0.8 of the dense tensor peak
(0.58 and 0.67 there, the default 0.67). A factor under half the low end was measured on
another kind of device (a CPU) or a GPU busy with other work (:func:`far_below_gpu`)."""


def far_below_gpu(factors: Factors) -> dict[str, float]:
    """The serving factors far below what a GPU measures (under half the low end of its
    :data:`GPU_RANGES`), by name; empty for a GPU's. The words for them are
    :func:`payback.measure.apply.far_from_gpu`.

    >>> far_below_gpu(Factors(bandwidth_efficiency=0.00171286, prefill_mfu=0.5))
    {'bandwidth_efficiency': 0.00171286}
    >>> far_below_gpu(Factors(bandwidth_efficiency=0.725, prefill_mfu=0.668))
    {}
    """
    far = {}
    for name, (low, _high) in GPU_RANGES.items():
        value = getattr(factors, name)
        if value is not None and value < low / 2:
            far[name] = value
    return far
