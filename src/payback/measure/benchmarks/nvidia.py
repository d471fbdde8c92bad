"""NVIDIA's benchmark results: GenAI-Perf's ``profile_export_genai_perf.json`` and AIPerf's
``profile_export_aiperf.json``, ``{metric: {unit, avg, p50, ...}}`` (the fields are in
``docs/benchmark-formats.md``)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from payback.errors import PaybackError
from payback.figures import limit_text, written_number
from payback.measure.benchmarks._common import (
    created_time,
    disagree,
    empty_prompts,
    figure,
    in_flight_bound,
    json_text,
    measured,
    number,
    percentiles,
    short,
    whole_or_none,
)
from payback.measure.calibration import MAX_LATENCY_MS, Calibration, Percentiles

__all__ = ["from_nvidia", "is_nvidia"]

_TIME_SCALE = {"ms": 1.0, "s": 1e3, "sec": 1e3, "us": 1e-3, "ns": 1e-6}
"""Milliseconds per unit of a latency."""


def _per(thing: str) -> dict[str, float]:
    """A rate's units and the factor to one per second."""
    return {f"{thing}/sec": 1.0, f"{thing}/s": 1.0, f"{thing}/min": 1 / 60, f"{thing}/ms": 1e3}


_UNITS: dict[str, dict[str, float]] = {
    "request_throughput": _per("requests"),
    "output_token_throughput": _per("tokens"),
    "benchmark_duration": {"sec": 1.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9},
    "request_count": {"count": 1.0, "requests": 1.0},
    "error_request_count": {"requests": 1.0, "count": 1.0},
    "input_sequence_length": {"tokens": 1.0},
    "output_sequence_length": {"tokens": 1.0},
    "total_isl": {"tokens": 1.0},
    "total_osl": {"tokens": 1.0},
}
"""The units each metric read may be given in, and the factor to payback's (per second,
seconds, tokens); a metric without a ``unit`` is read in the first, the one the tools
write (``request_throughput`` in requests/sec)."""
_AIPERF_KEYS = ("schema_version", "aiperf_version", "was_cancelled", "error_summary")
"""Top-level keys only AIPerf writes."""


def is_nvidia(data: Mapping[str, Any]) -> bool:
    """A GenAI-Perf or AIPerf export: its metrics are tables, at the top or in ``records``."""
    return isinstance(data.get("request_throughput"), dict) or isinstance(data.get("records"), dict)


def from_nvidia(data: Mapping[str, Any], where: str) -> tuple[Calibration, list[str]]:
    """The calibration a GenAI-Perf or AIPerf export holds, and what to double-check."""
    metrics: Mapping[str, Any] = data
    aiperf = any(k in data for k in _AIPERF_KEYS)
    if isinstance(data.get("records"), dict):
        metrics, aiperf = data["records"], True
    count_block = _block(metrics, "request_count") or {}
    tool = "AIPerf" if aiperf or count_block.get("unit") == "requests" else "GenAI-Perf"
    rps, out_tps, isl, osl, count = _throughput(metrics, where)
    config = data.get("input_config")
    config = config if isinstance(config, dict) else {}
    if count is None:  # older GenAI-Perf: the count configured (docs/benchmark-formats.md §4)
        count = _configured_count(config)
    duration = _avg(metrics, where, "benchmark_duration", positive=True)
    warnings = []
    if out_tps == 0:  # measured nothing, as null: from the mean output length
        out_tps = None
        warnings.append(
            f"{where}: output_token_throughput.avg = 0: recomputed as output_sequence_length × "
            f"requests/s = {osl * rps:,.0f} tokens/s"
        )
    _requests_agree(metrics, where, tool, rps, count, duration)
    if out_tps is not None:
        _tokens_agree(metrics, where, tool, (out_tps, rps, osl), duration)
    _in_bounds(metrics, where)
    errors = _avg(metrics, where, "error_request_count")
    if errors:
        of = f" of {figure(count + errors)}" if count else ""  # as vLLM's: 250 of 1,250
        warnings.append(
            f"{where}: {figure(errors)}{of} requests failed; capacity counts completed ones"
        )
    if data.get("was_cancelled"):
        warnings.append(f"{where}: the run was cancelled before it finished")
    model, given, rate = _config(config)
    concurrency = whole_or_none(given)
    if given not in (None, 0) and concurrency is None:  # as vLLM's: the comparison changes
        warnings.append(
            f"{where}: concurrency = {json.dumps(given)} in input_config is not a whole number of "
            "clients: read as no fixed concurrency"
        )
    created = created_time(data.get("start_time")) or created_time(data.get("end_time"))
    serving = measured(
        where,
        {"concurrency": "input_config's concurrency"},
        replica_requests_per_s=rps,
        output_tokens_per_s=out_tps if out_tps is not None else osl * rps,
        input_tokens=isl,
        output_tokens=osl,
        completed=int(count) if count else None,
        duration_s=duration if duration else (count / rps if count else None),
        concurrency=concurrency,
        request_rate=_offered(rate) if concurrency is None else None,
        ttft_ms=_stats(metrics, where, "time_to_first_token", "ttft"),
        tpot_ms=_stats(metrics, where, "inter_token_latency"),
        itl_ms=_stats(metrics, where, "inter_chunk_latency"),
        e2el_ms=_stats(metrics, where, "request_latency"),
    )
    in_flight_bound(
        serving,
        where,
        {
            "rps": "request_throughput.avg",
            "clients": "input_config's concurrency",
            "latency": "request_latency.avg",
        },
    )
    return (
        Calibration(
            kind="benchmark",
            tool=tool,
            created=created,
            served_model=model,
            serving=serving,
        ),
        warnings,
    )


def _configured_count(config: Mapping[str, Any]) -> int | None:
    """The requests an older GenAI-Perf run was configured to send (flat
    ``request_count``, nested ``perf_analyzer.request_count.num``); None for anything but a
    positive whole number."""
    configured = config.get("request_count")
    if isinstance(configured, dict):
        configured = None
    nested = config.get("perf_analyzer")
    if configured is None and isinstance(nested, dict):
        counted = nested.get("request_count")
        configured = counted.get("num") if isinstance(counted, dict) else None
    return whole_or_none(configured)


def _throughput(
    metrics: Mapping[str, Any], where: str
) -> tuple[float, float | None, float, float, float | None]:
    """Requests/s, output tokens/s (when given), mean input and output tokens, and the
    request count (when given)."""
    rps = _avg(metrics, where, "request_throughput", positive=True)
    if rps is None:
        raise PaybackError(f"{where}: request_throughput.avg is required")
    out_tps = _avg(metrics, where, "output_token_throughput")
    osl = _avg(metrics, where, "output_sequence_length", positive=True)
    if osl is None and out_tps is not None:
        osl = out_tps / rps
    isl = _avg(metrics, where, "input_sequence_length")
    count = _avg(metrics, where, "request_count", positive=True, whole=True)
    if isl is None and count:
        total_isl = _avg(metrics, where, "total_isl")
        isl = None if total_isl is None else total_isl / count
    if osl is None or osl <= 0 or isl is None:
        raise PaybackError(
            f"{where}: input_sequence_length and output_sequence_length (or output_token_throughput) are required"
        )
    if isl == 0:
        given = _block(metrics, "input_sequence_length") is not None
        said = "input_sequence_length: avg = 0" if given else "total_isl: avg = 0"
        raise empty_prompts(where, said, count)
    return rps, out_tps, isl, osl, count


def _block(metrics: Mapping[str, Any], *names: str) -> Mapping[str, Any] | None:
    """The first of the metric's names present as a table."""
    for name in names:
        value = metrics.get(name)
        if isinstance(value, dict):
            return value
    return None


def _avg(
    metrics: Mapping[str, Any],
    where: str,
    *names: str,
    positive: bool = False,
    whole: bool = False,
) -> float | None:
    """A metric's ``avg`` in payback's unit (per second, seconds, tokens) from its ``unit``;
    None when the metric is absent."""
    block = _block(metrics, *names)
    if block is None:
        return None
    value = number(block, "avg", f"{where}: {names[0]}", positive=positive, whole=whole)
    if value is None:
        return None
    factor, unit = _unit(block, where, names[0], _UNITS[names[0]])
    if not math.isfinite(value * factor):
        raise PaybackError(
            f"{where}: {names[0]}.avg = {written_number(value)} {unit}: past the largest number "
            f"payback computes with once in {next(iter(_UNITS[names[0]]))}"
        )
    return value * factor


_BOUNDS = {
    "request_throughput": (1e6, "requests/s (completed requests per second)"),
    "output_token_throughput": (1e9, "tokens/s"),
    "input_sequence_length": (1e7, "tokens (mean prompt tokens per request)"),
    "output_sequence_length": (1e6, "tokens (mean output tokens per request)"),
}
"""The largest value of each metric a measurement holds (its field's bound in
:class:`~payback.measure.calibration.ServingMeasurement`), in payback's unit: refused
naming the file's metric, as vLLM's reader names its fields."""


def _in_bounds(metrics: Mapping[str, Any], where: str) -> None:
    """Refuse a metric past :data:`_BOUNDS`, naming it, its value and unit as the file
    writes them (after the checks that two figures agree, which say more)."""
    for name, (bound, unit) in _BOUNDS.items():
        value = _avg(metrics, where, name)
        if value is not None and value > bound:
            raise PaybackError(
                f"{where}: {name}.avg = {_said(metrics, name)}: must be ≤ {limit_text(bound)} {unit}"
            )


def _unit(
    block: Mapping[str, Any], where: str, name: str, units: Mapping[str, float]
) -> tuple[float, str]:
    """The factor of a metric's ``unit`` (absent or null: the first of ``units``) and the
    unit as written; one line naming the metric, its unit and those allowed otherwise."""
    given = block.get("unit")
    if given is None:
        return next(iter(units.values())), next(iter(units))
    factor = units.get(given.lower()) if isinstance(given, str) else None
    if factor is None:
        raise PaybackError(
            f"{where}: {name}.unit = {json_text(given)}: expected one of {', '.join(units)}"
        )
    return factor, given


def _said(metrics: Mapping[str, Any], name: str) -> str:
    """A metric's ``avg`` and unit as the file writes them, and in payback's unit where that
    is another (``1,064 requests/min (17.74 requests/s)``)."""
    block = _block(metrics, name) or {}
    units = _UNITS[name]
    unit = block.get("unit") or next(iter(units))
    value = float(block["avg"])
    factor = units[unit.lower()]
    if factor == 1.0:
        return f"{short(value)} {unit}"
    ours = next(iter(units)).replace("/sec", "/s").replace("sec", "s")
    return f"{short(value)} {unit} ({short(value * factor)} {ours})"


def _requests_agree(
    metrics: Mapping[str, Any],
    where: str,
    tool: str,
    rps: float,
    count: float | None,
    duration: float | None,
) -> None:
    """Refuse a ``request_throughput`` more than 1% from request_count / benchmark_duration,
    the figure the tools write it from, as vLLM's importer does: one of them was edited,
    mixed from another run, or given in another unit than the file says."""
    if count and duration and disagree(rps, count / duration):
        raise PaybackError(
            f"{where}: request_throughput.avg = {_said(metrics, 'request_throughput')} disagrees "
            f"with request_count / benchmark_duration = {figure(count)} / "
            f"{_said(metrics, 'benchmark_duration')} = {short(count / duration)} requests/s "
            f"({tool} writes the one from the other); correct whichever was changed"
        )


def _tokens_agree(
    metrics: Mapping[str, Any],
    where: str,
    tool: str,
    rates: tuple[float, float, float],
    duration: float | None,
) -> None:
    """Refuse an ``output_token_throughput`` more than 1% from the output tokens over the
    run's duration it is written from: total_osl / benchmark_duration (AIPerf), else the
    mean output_sequence_length × requests/s (the same sum over the same duration)."""
    out_tps, rps, osl = rates
    total = _avg(metrics, where, "total_osl") if duration else None
    if total is not None and duration:
        computed = total / duration
        how = f"total_osl / benchmark_duration = {figure(total)} / "
        how += _said(metrics, "benchmark_duration")
    elif _block(metrics, "output_sequence_length") is not None:
        computed = osl * rps
        how = f"output_sequence_length × request_throughput = {short(osl)} × "
        how += _said(metrics, "request_throughput")
    else:  # the mean output length is read from this rate
        return
    if disagree(out_tps, computed):
        raise PaybackError(
            f"{where}: output_token_throughput.avg = {_said(metrics, 'output_token_throughput')} "
            f"disagrees with {how} = {short(computed)} tokens/s ({tool} writes the one from the "
            "other); correct whichever was changed"
        )


def _stats(metrics: Mapping[str, Any], where: str, *names: str) -> Percentiles | None:
    """A latency's ``avg``, ``p50``, ``p90`` and ``p99`` in milliseconds, from its ``unit``."""
    block = _block(metrics, *names)
    if block is None:
        return None
    scale, unit = _unit(block, where, names[0], _TIME_SCALE)
    slip = f" {unit} (over 11 days: is its unit, {unit}, right?)"
    got = {
        k: number(
            block,
            k if k != "mean" else "avg",
            f"{where}: {names[0]}",
            at_most=MAX_LATENCY_MS / scale,
            unit=slip,
        )
        for k in ("mean", "p50", "p90", "p99")
    }
    return percentiles(
        {k: None if v is None else v * scale for k, v in got.items()},
        where,
        {k: f"{names[0]}.{k}" for k in ("p50", "p90", "p99")},
    )


def _offered(rate: Any) -> float | None:
    """The request rate a run offered [requests/s]; None for anything but a finite
    positive number (a rate the tools write), read as all requests at once."""
    if isinstance(rate, bool) or not isinstance(rate, int | float):
        return None
    return float(rate) if math.isfinite(rate) and 0 < rate <= 1e6 else None


def _config(config: Mapping[str, Any]) -> tuple[str | None, Any, Any]:
    """The model name, concurrency and request rate (as the file gives them) from
    GenAI-Perf's (flat or nested ``perf_analyzer.stimulus``) or AIPerf's (legacy
    ``UserConfig`` ``loadgen`` or v2 ``phases``) ``input_config``."""

    def get(*path: str) -> Any:
        node: Any = config
        for key in path:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node

    names = (
        get("model")
        or get("model_names")
        or get("endpoint", "model_names")
        or [m.get("name") for m in (get("models", "items") or []) if isinstance(m, dict)]
    )
    model = (
        names[0] if isinstance(names, list) and names else names if isinstance(names, str) else None
    )

    def load(key: str) -> Any:
        return (
            get(key)
            or get("perf_analyzer", "stimulus", key)
            or get("loadgen", key)
            or next(
                (
                    p.get(key)
                    for p in get("phases") or []
                    if isinstance(p, dict) and p.get("name") == "profiling"
                ),
                None,
            )
        )

    named = model if isinstance(model, str) else json_text(model)  # as the file spells it
    return named if model else None, load("concurrency"), load("request_rate")
