"""The default estimates a calibration is measured against, and the factors measured from it.

``payback calibrate`` sets each measurement beside payback's estimate of the same thing
(the prefill of one prompt, a decode step at a batch, a training step) and derives the
factors from the two (:class:`payback.hardware.calibration.Factors`). A calibration file
records both, but the estimators change: a file's ``prefill_estimated_tokens_per_s`` is
what payback estimated *when it was measured*. The functions here are the ones
``calibrate`` uses, so that the estimate at a file's conditions can be made again with
today's code (:func:`estimated_now`), the factors derived again from its measured values
(:func:`factors_now`), and a file rewritten with both (:func:`refresh_file`; from the
shell: ``python -m payback.measure.estimates FILE...``).

``prefill_mfu`` and the decode fit are shares of the device's peaks, and
``training_mfu_ratio`` a ratio to the training estimate: each holds only while the
estimate it was derived against is today's, which :func:`factors_now` checks.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from payback.catalog import Catalog, Gpu, OpenModel
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.calibration import fit_decode
from payback.hardware.estimate import DECODE_ONLY, serving_shape
from payback.hardware.fine_tuning import estimate_training

__all__ = [
    "SAME",
    "Estimated",
    "decode_estimate_ms",
    "decode_factors",
    "estimated_now",
    "factors_now",
    "memory_bound_bytes",
    "prefill_estimate",
    "prefill_mfu_of",
    "refresh_file",
    "training_estimate",
]

SAME = 1e-4
"""Two figures within this share of each other are the same: a file keeps six significant
digits of each, so a value made again from them differs by a few millionths."""


def training_estimate(model: OpenModel, spec: Gpu, method: str) -> float:
    """The training throughput a calibration is measured against: one GPU, bf16, the
    standard stack [tokens/s]; :class:`PaybackError` when it cannot be estimated."""
    return estimate_training(model, spec, method, tokens=1e9, gpus=1).tokens_per_s_per_gpu


def prefill_estimate(shape: dict[str, Any], context: float) -> float:
    """The prefill throughput of prompts of ``context`` tokens on the default engine
    (``shape``: :func:`~payback.hardware.estimate.serving_shape`) [tokens/s]."""
    prefill = {k: v for k, v in shape.items() if k not in DECODE_ONLY}
    return context / float(sv.prefill_seconds(input_tokens=context, **prefill))


def decode_estimate_ms(shape: dict[str, Any], batch: int, context: float) -> float:
    """A decode step of ``batch`` sequences over ``context`` tokens each [ms]."""
    return float(sv.decode_step_seconds(batch=batch, context=context, **shape)) * 1e3


def prefill_mfu_of(measured: float, estimated: float) -> float:
    """The share of the peak a prefill measured at ``measured`` tokens/s reached, where the
    estimate at the default share says ``estimated`` (uncapped: over 1 is said, then
    capped, by the caller)."""
    return sv.VLLM.prefill_mfu * measured / estimated


def memory_bound_bytes(
    model: OpenModel, shape: dict[str, Any], batch: int, context: float
) -> float | None:
    """The bytes a decode step streams when it is memory-bound even at the full bandwidth
    (such steps fit the bandwidth line); None when it is compute-bound."""
    streamed = float(
        sv.decode_bytes(
            batch=batch,
            context=context,
            weights=shape["weights"],
            kv_bytes_per_token=float(shape["kv_bytes_per_token"]),
        )
    )
    compute = float(
        sv.decode_flops(
            batch=batch,
            context=context,
            params=shape["params"],
            layers=model.layers,
            attention_width=shape["attention_width"],
        )
    )
    compute_s = compute / (float(shape["peak_flops"]) * sv.VLLM.decode_mfu)
    return streamed if compute_s < streamed / float(shape["bandwidth"]) else None


def decode_factors(
    model: OpenModel, shape: dict[str, Any], steps: Sequence[tuple[int, float, float]]
) -> dict[str, float]:
    """The bandwidth efficiency and overheads fitted to the memory-bound ones of the decode
    ``steps`` (batch, context, measured seconds); empty when every step is compute-bound."""
    bound = [
        (seconds, streamed)
        for batch, context, seconds in steps
        if (streamed := memory_bound_bytes(model, shape, batch, context)) is not None
    ]
    if not bound:
        return {}
    eff, step_overhead, layer_overhead = fit_decode(
        step_s=[t for t, _ in bound],
        bytes_per_step=[b for _, b in bound],
        bandwidth=float(shape["bandwidth"]),
        layers=model.layers,
    )
    return {
        "bandwidth_efficiency": eff,
        "step_overhead_s": step_overhead,
        "layer_overhead_s": layer_overhead,
    }


@dataclass(frozen=True)
class Estimated:
    """Today's estimates at a calibration's conditions, where it measured each."""

    training_tokens_per_s: float | None
    prefill_tokens_per_s: float | None
    decode_ms: tuple[float, ...]
    """One for each of the file's decode points, in order."""


def _conditions(cal: Any, catalog: Catalog) -> tuple[OpenModel, Gpu, dict[str, Any]] | None:
    """The model, the catalog GPU and the serving shape a calibration was measured with;
    None where they cannot be made again: a serving benchmark, a device the catalog lacks
    (a CPU: its speeds and memory stood in for a datasheet), a model no longer readable."""
    if cal.kind != "calibration" or cal.measured is None or not cal.model or not cal.gpu:
        return None
    try:
        model, gpu = catalog.model(cal.model), catalog.gpu(cal.gpu)
    except PaybackError:
        return None
    return model, gpu, serving_shape(model, gpu, "bf16", 1)


def estimated_now(cal: Any, catalog: Catalog) -> Estimated | None:
    """What payback estimates today for each measurement of a ``payback calibrate`` file
    (a :class:`payback.measure.calibration.Calibration`), through the functions the
    calibration itself used; None where its conditions cannot be made again
    (:func:`_conditions`)."""
    found = _conditions(cal, catalog)
    if found is None:
        return None
    model, gpu, shape = found
    m = cal.measured
    training = None
    if m.training_tokens_per_s is not None and m.training_method is not None:
        try:
            training = training_estimate(model, gpu, m.training_method)
        except PaybackError:
            training = None
    prefill = None
    if m.prefill_tokens_per_s is not None and m.prefill_tokens is not None:
        prefill = prefill_estimate(shape, m.prefill_tokens)
    decode = tuple(decode_estimate_ms(shape, p.batch, p.context_tokens) for p in m.decode)
    return Estimated(training, prefill, decode)


def factors_now(cal: Any, catalog: Catalog) -> dict[str, float] | None:
    """The factors a ``payback calibrate`` file's measured values give against today's
    estimates (as the calibration derived them: prefill's capped at 1); None where its
    conditions cannot be made again. Each differs from the file's when the estimate it is
    derived against has changed since."""
    found, now = _conditions(cal, catalog), estimated_now(cal, catalog)
    if found is None or now is None:
        return None
    model, _, shape = found
    m = cal.measured
    factors: dict[str, float] = {}
    if now.prefill_tokens_per_s and m.prefill_tokens_per_s:
        factors["prefill_mfu"] = min(
            1.0, prefill_mfu_of(m.prefill_tokens_per_s, now.prefill_tokens_per_s)
        )
    if now.training_tokens_per_s and m.training_tokens_per_s:
        factors["training_mfu_ratio"] = m.training_tokens_per_s / now.training_tokens_per_s
    steps = [(p.batch, p.context_tokens, p.measured_ms / 1e3) for p in m.decode]
    factors.update(decode_factors(model, shape, steps))
    return factors


def _differ(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(a - b) > SAME * max(abs(a), abs(b))


def _six(value: float) -> float:
    """Six significant digits, as a calibration file keeps them."""
    return float(f"{value:.6g}")


def refresh_file(path: str | Path, catalog: Catalog | None = None) -> list[str]:
    """Rewrite a ``payback calibrate`` file's estimated figures with today's estimates at
    its conditions, and each factor whose value today's estimates change (by more than
    :data:`SAME`); its measured values, dates, notes and comments are kept as written.
    Returns what changed, one line each (none: the file is left as it was)."""
    import tomlkit

    from payback.catalog import default_catalog
    from payback.measure.calibration import load_calibration

    cal = load_calibration(path)
    catalog = catalog or default_catalog()
    now, factors = estimated_now(cal, catalog), factors_now(cal, catalog)
    if now is None or factors is None:
        raise PaybackError(
            f"{path}: its estimates cannot be made again (a payback calibrate file of a "
            "catalog model measured on a catalog GPU can)"
        )
    doc = tomlkit.parse(Path(path).read_text(encoding="utf-8"))
    changed: list[str] = []

    def put(table: Any, key: str, value: float | None, where: str) -> None:
        if value is None or key not in table or not _differ(float(table[key]), value):
            return
        changed.append(f"{where}{key}: {float(table[key]):g} -> {_six(value):g}")
        table[key] = _six(value)

    measured = doc["measured"]
    put(measured, "training_estimated_tokens_per_s", now.training_tokens_per_s, "")
    put(measured, "prefill_estimated_tokens_per_s", now.prefill_tokens_per_s, "")
    for i, (point, ms) in enumerate(zip(measured.get("decode", []), now.decode_ms, strict=True)):
        put(point, "estimated_ms", ms, f"decode[{i}] batch {point['batch']}: ")
    for key, value in factors.items():
        put(doc.get("factors", {}), key, value, "factors.")
    if changed:
        Path(path).write_text(tomlkit.dumps(doc), encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m payback.measure.estimates FILE...``: :func:`refresh_file` each file,
    saying what changed."""
    files = list(sys.argv[1:] if argv is None else argv)
    if not files:
        print("usage: python -m payback.measure.estimates CALIBRATION.toml...", file=sys.stderr)
        return 2
    for file in files:
        try:
            changed = refresh_file(file)
        except PaybackError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"{file}: " + ("; ".join(changed) if changed else "already today's estimates"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
