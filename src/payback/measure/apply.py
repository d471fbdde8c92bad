"""Using a measurement: whether a calibration fits an estimate, the factors it puts on
the estimators, and a serving benchmark next to the estimate of the same run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.calibration import GPU_RANGES, SERVING_FACTORS, Factors, far_below_gpu
from payback.measure.benchmarks import catalog_model_id, read_benchmark_with_warnings
from payback.measure.calibration import Calibration, ServingMeasurement, problems

__all__ = [
    "benchmark_gpus_per_replica",
    "check_use",
    "closed_loop_at_load",
    "estimate_at_load",
    "factor_text",
    "far_from_estimate",
    "far_from_gpu",
    "import_benchmark",
    "measured_on_cpu",
    "refuse_cpu_on_gpu",
    "serving_factors",
    "training_scale",
]


def check_use(
    cal: Calibration,
    *,
    model: str | None,
    gpu: str | None,
    precision: str | None = None,
    where: str = "calibration",
    file: str | None = None,
) -> list[str]:
    """What stands between a calibration and its use for ``model`` on ``gpu``.

    A serving benchmark measured one model at one precision on one GPU: another of any
    of them is refused (:class:`PaybackError`). So are factors measured on a CPU
    (:func:`refuse_cpu_on_gpu`). Utilisation factors describe a device and a model size:
    another model of about its size is fine; one over 3× larger or smaller
    (:func:`_size_warning`), a model the catalog lacks, another GPU (or a GPU the catalog
    lacks), another precision (other kernels: an FP8 or int4 matrix multiply is not a
    BF16 one) is worth a warning, which is returned. Ids are compared as the catalog reads
    them (``H200`` is ``h200``). ``file`` names the calibration where ``where`` does not.
    """
    refuse_cpu_on_gpu(cal, gpu, where, file)
    benchmark = cal.serving is not None
    what = "benchmark" if benchmark else "calibration"
    used_model = catalog_model_id(model) or model
    known = {"model": catalog_model_id(cal.model), "gpu": _catalog_gpu(cal.gpu)}
    warnings = []
    for name, measured, used in (
        ("model", known["model"] or cal.model, used_model),
        ("gpu", known["gpu"] or cal.gpu, _catalog_gpu(gpu) or gpu),
        ("precision", cal.precision, precision),
    ):
        if measured is None or used is None or measured == used:
            continue
        unlisted = " (not in the catalog)" if name in known and not known[name] else ""
        message = f"{where}: the {what} measured {name} {measured}{unlisted}; this uses {used}"
        if benchmark:
            raise PaybackError(message)
        if name in ("gpu", "precision"):  # another GPU, or other kernels on it
            warnings.append(f"{message} (its utilisation factors may not carry over)")
        elif name == "model" and unlisted:  # no size to compare (_size_warning)
            warnings.append(
                f"{message} (its utilisation factors may not carry over, and with no size of "
                "it to compare, how far is unknown: calibrate with the model you serve)"
            )
    unknown = [
        name
        for name, measured, used in (("GPU", cal.gpu, gpu), ("precision", cal.precision, precision))
        if measured is None and used is not None
    ]
    if benchmark and unknown:
        warnings.append(
            f"{where}: the benchmark does not record its {' or '.join(unknown)}; its capacity is "
            f"taken as measured with this option's ({', '.join(str(u) for u in (gpu, precision) if u)}). "
            "Record them by importing the result with `payback import-benchmark`, naming the GPU "
            "and precision"
        )
    if not benchmark:
        warnings += _size_warning(cal.model, used_model, where)
    far = far_from_gpu(cal.factors) if cal.factors and not benchmark else ""
    if far and cal.gpu is not None:  # a catalog GPU's, measured too low
        warnings.append(
            f"{where}: its {far}, though it was measured on {cal.device or cal.gpu}: estimates "
            f"with it take {gpu or 'the GPU'} to be that slow (was the GPU busy with other work "
            "or throttled while it was measured?); calibrate again"
        )
    elif far:  # a CPU's factors: said more plainly than "may not carry over"
        warnings.append(
            f"{where}: its {far}: it was measured on {cal.device or 'a device'}, "
            "not the GPU served on, and estimates with it take the GPU to be as slow as that device"
        )
    elif not benchmark and cal.gpu is None and gpu is not None:
        warnings.append(
            f"{where}: measured on {cal.device or 'a device the catalog lacks'}, not a catalog GPU; "
            f"its utilisation factors may not carry over to {gpu}"
        )
    return warnings


def _catalog_gpu(gpu: str | None) -> str | None:
    """The catalog's id of a GPU named in any case (``H200`` is ``h200``); None when the
    catalog lacks it."""
    if not gpu:
        return None
    from payback.catalog import default_catalog

    try:
        return default_catalog().gpu(gpu).id
    except PaybackError:
        return None


def measured_on_cpu(cal: Calibration) -> bool:
    """Whether ``payback calibrate`` measured the calibration on a CPU: it names no GPU and
    its device is the CPU (:attr:`payback.measure.calibration.Calibration.on_cpu`)."""
    return cal.on_cpu


def refuse_cpu_on_gpu(cal: Calibration, gpu: str | None, where: str, file: str | None) -> None:
    """One line when factors measured on a CPU are put on a GPU's estimate.

    A CPU's factors are shares of its own measured matrix-product and copy speeds: a CPU
    whose caches hold a small model reaches 1.0 of its measured copy speed, which on a GPU
    would read as all of its HBM bandwidth, KV reads included. They say nothing about a
    GPU's, whether near a GPU's factors or far below them, so they are refused rather than
    warned about (a warning let the estimate go on with them) or dropped (the estimate
    would say it was calibrated when it was not)."""
    if gpu is None or not measured_on_cpu(cal):
        return
    named = f" ({file})" if file else ""
    raise PaybackError(
        f"{where}{named}: measured on a CPU ({cal.device}), and this estimate is for {gpu}; "
        "a CPU's utilisation factors do not carry over to a GPU. Allowed: a calibration "
        f"measured on a GPU (`payback calibrate` run on one), best on {gpu}; or "
        "none, for the catalog's defaults"
    )


SIZE_RATIO_WARNED = 3.0
"""A calibration's model with more than this many times the parameters of the model it is
used for, or under this share of them, is warned about: its utilisation factors (decode
overheads, prefill and training utilisation) depend on the model's size."""


def _size_warning(measured: str | None, used: str | None, where: str) -> list[str]:
    """One warning when a calibration was measured on a model of another size class than
    the one it is used for (:data:`SIZE_RATIO_WARNED`); none when either is unknown to the
    catalog."""
    if measured is None or used is None or measured == used:
        return []
    from payback.catalog import default_catalog

    catalog = default_catalog()
    try:
        on, to = catalog.model(measured).params_b, catalog.model(used).params_b
    except PaybackError:
        return []
    if 1.0 / SIZE_RATIO_WARNED <= on / to <= SIZE_RATIO_WARNED:
        return []
    return [
        f"{where}: its factors were measured on {measured}, {on:g}B parameters, and are used "
        f"for {used}, {to:g}B ("
        + (f"{to / on:.3g}× more" if on < to else f"{on / to:.3g}× fewer")
        + "); they may not carry over: calibrate with a model near the size you serve "
        "(README, 'A GPU at hand')"
    ]


def serving_factors(cal: Calibration, where: str = "calibration") -> Factors:
    """The calibration's serving factors; one line when it holds a benchmark instead."""
    if cal.factors is None or all(getattr(cal.factors, name) is None for name in SERVING_FACTORS):
        raise PaybackError(
            f"{where}: holds no utilisation factors"
            + (
                " but a serving benchmark; use it on a scenario's self_hosted option, or compare "
                "it with the estimate in `payback import-benchmark`, naming the GPU"
                if cal.serving is not None
                else " (make them with `payback calibrate`)"
            )
        )
    return cal.factors


def training_scale(cal: Calibration, method: str, where: str = "calibration") -> float:
    """The factor a calibration puts on the training estimate's utilization of ``method``."""
    factors = cal.factors
    if factors is None or factors.training_mfu_ratio is None:
        raise PaybackError(
            f"{where}: holds no training measurement (make one with `payback calibrate`)"
        )
    if factors.training_method != method:
        raise PaybackError(
            f"{where}: measured {factors.training_method} training; this job is {method} "
            f"(calibrate {method} fine-tuning)"
        )
    return factors.training_mfu_ratio


def estimate_at_load(
    model: Any,
    gpu: Any,
    precision: str,
    serving: ServingMeasurement,
    *,
    input_tokens: float | None = None,
    output_tokens: float | None = None,
    gpus_per_replica: int | None = None,
    tpot_ms: float | None = None,
    engine: sv.ServingEngine = sv.VLLM,
) -> Any:
    """The estimate of a replica under the benchmark's load: at its concurrency when that
    is below the batch the replica would run at full load (a closed-loop benchmark never
    batches more), at the benchmark's token lengths unless others are given."""
    from payback.hardware.estimate import estimate_serving

    def estimated(batch: int | None = None) -> Any:
        return estimate_serving(
            model,
            gpu,
            precision,
            input_tokens=serving.input_tokens if input_tokens is None else input_tokens,
            output_tokens=serving.output_tokens if output_tokens is None else output_tokens,
            gpus_per_replica=gpus_per_replica,
            tpot_ms=tpot_ms,
            batch=batch,
            engine=engine,
        )

    full = estimated()
    if serving.concurrency is not None and serving.concurrency < full.batch:
        return estimated(serving.concurrency)
    return full


def closed_loop_at_load(cal: Calibration, estimate: Any | None) -> Any | None:
    """The estimate like for like with a run at a fixed concurrency (of
    :func:`import_benchmark`'s calibration and estimate): that many clients in a closed
    loop on the replica the estimate sized (its GPUs and precision, the run's token
    lengths), over the run's requests when it counts them (every client starting at once,
    its figures averaged over the run as the benchmark reports them); ``None`` for a run
    at a request rate, or without an estimate."""
    from payback.catalog import default_catalog
    from payback.hardware.estimate import serving_at_concurrency

    serving = cal.serving
    if estimate is None or serving is None or serving.concurrency is None:
        return None
    if cal.model is None or cal.gpu is None:  # an estimate is made with both known
        return None
    catalog = default_catalog()
    return serving_at_concurrency(
        catalog.model(cal.model),
        catalog.gpu(cal.gpu),
        estimate.precision,
        concurrency=serving.concurrency,
        input_tokens=serving.input_tokens,
        output_tokens=serving.output_tokens,
        gpus_per_replica=estimate.gpus_per_replica,
        requests=serving.completed,
    )


FAR_FROM_ESTIMATE = 2.0
"""A benchmark whose requests/s is over this many times the estimate of the same run, or
under its inverse, is warned about: the serving rows of docs/accuracy.md lie within
0.69-1.57× of the estimate (median error 9%), so twice as far is more likely another setup
than the estimate's error: a whole node's (or several replicas') throughput read as one
replica's, or a replica on more or fewer GPUs than the estimate's."""


def far_from_estimate(
    cal: Calibration, estimate: Any | None, closed: Any | None, where: str
) -> list[str]:
    """A warning when the measured requests/s is far from the estimate it is compared with
    (:func:`closed_loop_at_load`'s, else ``estimate``'s): :data:`FAR_FROM_ESTIMATE`."""
    serving = cal.serving
    if serving is None or estimate is None:
        return []
    compared = closed.requests_per_s if closed is not None else estimate.replica_requests_per_s
    if not compared > 0:
        return []
    ratio = serving.replica_requests_per_s / compared
    if 1.0 / FAR_FROM_ESTIMATE <= ratio <= FAR_FROM_ESTIMATE:
        return []
    tp = estimate.gpus_per_replica
    replica = f"{tp} × {estimate.gpu} ({tp} GPU{'' if tp == 1 else 's'} a replica)"
    cause = (
        "did the run measure a whole node (8 GPUs, say) or several replicas behind one "
        "endpoint? Its requests/s is then theirs, not one replica's: record the GPUs the "
        "served replica used"
        if ratio > 1
        else "did the replica run on fewer GPUs than the estimate's, or share them? A "
        "per-GPU figure of a replica of several GPUs reads low too: record the GPUs the "
        "served replica used"
    )
    return [
        f"{where}: measured {serving.replica_requests_per_s:,.4g} requests/s, {ratio:,.2f}× the "
        f"estimate of the same run on {replica}, {compared:,.4g}: {cause}"
    ]


def benchmark_gpus_per_replica(
    serving: ServingMeasurement,
    model: Any | None,
    gpu: Any | None,
    precision: str,
    engine: sv.ServingEngine = sv.VLLM,
) -> tuple[int, bool]:
    """GPUs the benchmark's replica used, and whether that is assumed: the recorded count,
    else the fewest GPUs that hold ``model`` on ``gpu`` (the estimate's choice, as a
    deployment would pick), else 1."""
    if serving.gpus_per_replica is not None:
        return serving.gpus_per_replica, False
    if model is None or gpu is None:
        return 1, True
    from payback.hardware.estimate import choose_tensor_parallel

    mean_context = serving.input_tokens + serving.output_tokens / 2.0
    return choose_tensor_parallel(model, gpu, precision, mean_context, engine), True


def import_benchmark(
    path: str | Path,
    *,
    model: Any | None = None,
    gpu: Any | None = None,
    precision: str | None = None,
    gpus_per_replica: int | None = None,
    run: int | None = None,
) -> tuple[Calibration, Any | None, list[str]]:
    """A benchmark result as a calibration, with what the caller knows about the run.

    ``model`` and ``gpu`` are catalog records (the model defaults to the one the
    benchmark names, when the catalog knows it); ``precision`` and ``gpus_per_replica``
    are recorded only when given, never guessed. Returns the calibration, the estimate
    of the same run (at the benchmark's load; bf16 unless ``precision``) when the model
    and GPU are known, and what to double-check.
    """
    from payback.catalog import default_catalog

    cal, warnings = read_benchmark_with_warnings(path, run=run)
    serving = cal.serving
    assert serving is not None
    if model is None and cal.model is not None:
        model = default_catalog().model(cal.model)
    elif model is not None and cal.model is not None and model.id != cal.model:
        warnings.append(
            f"{path}: the benchmark reports serving {cal.served_model} ({cal.model}); "
            f"recorded as {model.id}, as asked"
        )
    if gpu is not None and model is None:
        raise PaybackError(
            f"{path}: the benchmark's model {cal.served_model!r} is not in the catalog; name the "
            "model to compare it with the estimate"
        )
    if gpus_per_replica is not None:
        serving = serving.model_copy(update={"gpus_per_replica": gpus_per_replica})
    data = cal.model_dump()
    data.update(
        model=model.id if model is not None else None,
        gpu=gpu.id if gpu is not None else None,
        precision=precision,
        serving=serving.model_dump(),
    )
    try:
        cal = Calibration.model_validate(data)
    except ValidationError as exc:
        raise PaybackError(problems(exc, str(path))) from None
    estimate = None
    if model is not None and gpu is not None:
        estimate = estimate_at_load(  # the GPUs given, else those the file recorded
            model, gpu, precision or "bf16", serving, gpus_per_replica=serving.gpus_per_replica
        )
    return cal, estimate, warnings


def factor_text(value: float) -> str:
    """A factor to three significant digits, as every output shows it (the estimate's
    ``factors_text`` writes ``:.3g``), never as an exponent.

    >>> factor_text(0.00171286), factor_text(0.725125), factor_text(1.44084), factor_text(2.1e-5)
    ('0.00171', '0.725', '1.44', '0.000021')
    """
    import numpy as np

    text = f"{value:.3g}"
    if "e" in text:
        text = np.format_float_positional(value, precision=3, fractional=False, trim="-")
    return text


def far_from_gpu(factors: Factors) -> str:
    """The serving factors far below what a GPU measures
    (:func:`payback.hardware.calibration.far_below_gpu`), said in one phrase; empty for a
    GPU's.

    >>> far_from_gpu(Factors(bandwidth_efficiency=0.00171286, prefill_mfu=0.5))
    "bandwidth_efficiency 0.00171 is far below a GPU's 0.5-0.95"
    >>> far_from_gpu(Factors(bandwidth_efficiency=0.0112, prefill_mfu=0.121))
    "bandwidth_efficiency 0.0112 and prefill_mfu 0.121 are far below a GPU's 0.5-0.95 and 0.3-0.8"
    >>> far_from_gpu(Factors(bandwidth_efficiency=0.725, prefill_mfu=0.668))
    ''
    """
    far = far_below_gpu(factors)
    if not far:
        return ""
    names = " and ".join(f"{name} {factor_text(value)}" for name, value in far.items())
    ranges = " and ".join(f"{GPU_RANGES[name][0]:g}-{GPU_RANGES[name][1]:g}" for name in far)
    return f"{names} {'is' if len(far) == 1 else 'are'} far below a GPU's {ranges}"
