"""The calibration a self-hosted alternative names, as :func:`payback.studies.recommend.recommend`
reads it: the configuration its serving benchmark measured (which ``analyze`` prices with
the measured capacity, not the estimate ranked), or the utilisation factors it applies to
every GPU compared."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.catalog import Catalog, Gpu, OpenModel
    from payback.measure.calibration import Calibration
    from payback.scenario import Scenario, SelfHostedOption
    from payback.studies.configurations import Candidate

__all__ = [
    "benchmark_text",
    "calibration_benchmark",
    "matches",
    "measured_warning",
    "option_calibration",
    "scaled_capacity",
]


def matches(benchmark: dict[str, Any], candidate: Candidate) -> bool:
    """Same model, GPU, precision and GPUs per replica (the count the benchmark recorded,
    else the one ``analyze`` assumes for it:
    :func:`payback.measure.apply.benchmark_gpus_per_replica`)."""
    return (
        benchmark["model"] == candidate.model
        and benchmark["gpu"] == candidate.gpu
        and benchmark["precision"] == candidate.precision
        and benchmark.get("gpus_per_replica") == candidate.gpus_per_replica
    )


def _benchmark_count(scenario: Scenario, catalog: Catalog, cal: Calibration) -> tuple[int, bool]:
    """GPUs per replica of the calibration's serving benchmark, and whether assumed,
    decided as ``analyze`` decides it for an alternative serving the benchmark's model
    on its GPU (the only configuration it can match)."""
    from payback.measure.apply import benchmark_gpus_per_replica

    assert cal.serving is not None
    model: OpenModel | None = None
    gpu: Gpu | None = None
    try:
        model = catalog.model(cal.model, scenario.base_dir) if cal.model else None
        gpu = catalog.gpu(cal.gpu) if cal.gpu else None
    except PaybackError:
        pass
    if model is None or gpu is None or cal.precision is None:
        return benchmark_gpus_per_replica(cal.serving, None, None, cal.precision or "bf16")
    return benchmark_gpus_per_replica(cal.serving, model, gpu, cal.precision)


def benchmark_text(benchmark: dict[str, Any]) -> str:
    """The benchmark's configuration in words, unknown parts said so, and whether its
    GPUs per replica is assumed."""
    words = " ".join(
        str(benchmark[k]) if benchmark.get(k) is not None else f"unknown {k}"
        for k in ("model", "precision")
    )
    tp = benchmark.get("gpus_per_replica")
    gpu = benchmark.get("gpu") or "unknown gpu"
    text = f"{words} on {tp} × {gpu}"
    if benchmark.get("gpus_per_replica_assumed"):
        text += (
            f" (it does not say how many GPUs its replica used; {tp} assumed, as analyze "
            "assumes: set gpus_per_replica in the calibration if it differs)"
        )
    return text


def option_calibration(
    scenario: Scenario, option: SelfHostedOption, path: str, warnings: list[str]
) -> Calibration | None:
    """The calibration (or serving benchmark) the alternative names, if any; what to
    double-check about it goes to ``warnings``."""
    if not option.calibration:
        return None
    from payback.measure.calibration import scenario_calibration

    cal, more = scenario_calibration(option.calibration, scenario.base_dir, f"{path}.calibration")
    warnings.extend(more)
    return cal


def calibration_benchmark(
    scenario: Scenario,
    catalog: Catalog,
    cal: Calibration | None,
    path: str,
    warnings: list[str],
) -> dict[str, Any] | None:
    """The configuration the calibration's serving benchmark measured, compared as
    ``analyze`` compares them (catalog ids); ``None`` without one. Factors measured on one
    device and applied to every GPU are warned about."""
    if cal is not None and cal.serving is not None:
        count, assumed = _benchmark_count(scenario, catalog, cal)
        return {
            "model": cal.model,
            "gpu": cal.gpu,
            "precision": cal.precision,
            "gpus_per_replica": count,
            "gpus_per_replica_assumed": assumed,
            "replica_requests_per_s": cal.serving.replica_requests_per_s,
        }
    if cal is not None and cal.factors is not None:
        measured_on = cal.gpu or cal.device or "a device the catalog lacks"
        warnings.append(
            f"{path}.calibration: its utilisation factors were measured on {measured_on}; "
            "recommend applies them to every GPU it compares (they may not carry over)"
        )
    return None


def measured_warning(
    path: str,
    benchmark: dict[str, Any] | None,
    candidates: list[Candidate],
    at_lengths: Any = None,
) -> list[str]:
    """When the calibration's serving benchmark measured a ranked configuration: analyze
    prices that one with the measured capacity, not the estimate ranked here.
    ``at_lengths(candidate)``: the measured requests/s as analyze scales it to the
    scenario's token lengths, None where it uses it unscaled."""
    measured = [c for c in candidates if benchmark is not None and matches(benchmark, c)]
    if not measured or benchmark is None:
        return []
    c = measured[0]
    count = f"{c.gpus_per_replica} GPU{'' if c.gpus_per_replica == 1 else 's'}"
    assumed_text = (
        f" ({count} per replica assumed: the benchmark does not say)"
        if benchmark.get("gpus_per_replica_assumed")
        else ""
    )
    rps = benchmark["replica_requests_per_s"]
    scaled = at_lengths(c) if at_lengths is not None else None
    figure = (
        f"the measured {rps:.3g} req/s"
        if scaled is None
        else f"{scaled:.3g} req/s (the measured {rps:.3g} scaled to the scenario's token lengths)"
    )
    return [
        f"{path}.calibration is a serving benchmark of {c.label()}{assumed_text}: analyze prices that "
        f"configuration with {figure}, not the estimate ranked here "
        f"({c.replica_requests_per_s:.3g} req/s)"
    ]


def scaled_capacity(
    scenario: Scenario,
    catalog: Catalog,
    option: SelfHostedOption,
    cal: Calibration | None,
    traffic: Any,
) -> Any:
    """The function :func:`measured_warning` reads: a candidate's measured requests/s at
    the scenario's token lengths, scaled as analyze scales it (the ratio of two estimates
    on the option's engine and KV cache, at the scenario's lengths and at the benchmark's:
    :func:`payback.analysis.resolve_self_hosted._at_scenario_lengths`); None where the
    lengths are within 5% of the benchmark's (used unscaled) or cannot be estimated."""
    from payback.hardware.estimate import engine_named, with_kv_cache
    from payback.measure.apply import estimate_at_load

    def at_lengths(c: Candidate) -> float | None:
        serving = cal.serving if cal is not None else None
        if serving is None:
            return None
        lengths = (traffic.input_tokens, traffic.output_tokens)
        measured = (serving.input_tokens, serving.output_tokens)
        if all(
            wanted is None or abs(wanted - got) <= 0.05 * max(got, 1.0)
            for wanted, got in zip(lengths, measured, strict=True)
        ):
            return None
        engine = with_kv_cache(engine_named(option.engine), option.kv_cache)
        try:
            model = catalog.model(c.model, scenario.base_dir)
            gpu = catalog.gpu(c.gpu)

            def capacity(input_tokens: float, output_tokens: float) -> float:
                return float(
                    estimate_at_load(
                        model,
                        gpu,
                        c.precision,
                        serving,
                        input_tokens=input_tokens,
                        output_tokens=output_tokens,
                        gpus_per_replica=c.gpus_per_replica,
                        tpot_ms=option.tpot_ms,
                        engine=engine,
                    ).replica_requests_per_s
                )

            at_scenario = capacity(lengths[0] or 0.0, lengths[1] or 0.0)
            return serving.replica_requests_per_s * at_scenario / capacity(*measured)
        except PaybackError:
            return None

    return at_lengths
