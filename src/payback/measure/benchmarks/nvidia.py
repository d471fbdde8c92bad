"""NVIDIA's benchmark results: GenAI-Perf's ``profile_export_genai_perf.json`` and AIPerf's
``profile_export_aiperf.json``, ``{metric: {unit, avg, p50, ...}}`` (the fields are in
``docs/benchmark-formats.md``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from payback.errors import PaybackError
from payback.measure.benchmarks._common import (
    empty_prompts,
    figure,
    measured,
    number,
    percentiles,
    whole_or_none,
)
from payback.measure.calibration import MAX_LATENCY_MS, Calibration, Percentiles

__all__ = ["from_nvidia", "is_nvidia"]

_TIME_SCALE = {"ms": 1.0, "s": 1e3, "sec": 1e3, "us": 1e-3, "ns": 1e-6}
"""Milliseconds per unit of a latency."""
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
    rps, out_tps, isl, osl, count = _throughput(metrics, where)
    warnings = []
    if out_tps == 0:  # measured nothing, as null: from the mean output length
        out_tps = None
        warnings.append(
            f"{where}: output_token_throughput.avg = 0: recomputed as output_sequence_length × "
            f"requests/s = {osl * rps:,.0f} tokens/s"
        )
    errors = _avg(metrics, where, "error_request_count")
    if errors:
        warnings.append(
            f"{where}: {figure(errors)} requests failed; capacity counts completed ones"
        )
    if data.get("was_cancelled"):
        warnings.append(f"{where}: the run was cancelled before it finished")
    duration = _avg(metrics, where, "benchmark_duration", positive=True)
    config = data.get("input_config")
    model, given = _config(config if isinstance(config, dict) else {})
    concurrency = whole_or_none(given)
    if given not in (None, 0) and concurrency is None:  # as vLLM's: the comparison changes
        warnings.append(
            f"{where}: concurrency = {json.dumps(given)} in input_config is not a whole number of "
            "clients: read as no fixed concurrency"
        )
    count_block = _block(metrics, "request_count") or {}
    tool = "AIPerf" if aiperf or count_block.get("unit") == "requests" else "GenAI-Perf"
    created = data.get("start_time") or data.get("end_time")
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
        ttft_ms=_stats(metrics, where, "time_to_first_token", "ttft"),
        tpot_ms=_stats(metrics, where, "inter_token_latency"),
        itl_ms=_stats(metrics, where, "inter_chunk_latency"),
        e2el_ms=_stats(metrics, where, "request_latency"),
    )
    return (
        Calibration(
            kind="benchmark",
            tool=tool,
            created=str(created) if created else None,
            served_model=model,
            serving=serving,
        ),
        warnings,
    )


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
    """A metric's ``avg``; None when the metric is absent."""
    block = _block(metrics, *names)
    if block is None:
        return None
    return number(block, "avg", f"{where}: {names[0]}", positive=positive, whole=whole)


def _stats(metrics: Mapping[str, Any], where: str, *names: str) -> Percentiles | None:
    """A latency's ``avg``, ``p50``, ``p90`` and ``p99`` in milliseconds, from its ``unit``."""
    block = _block(metrics, *names)
    if block is None:
        return None
    scale = _TIME_SCALE.get(str(block.get("unit", "ms")).lower())
    if scale is None:
        raise PaybackError(
            f"{where}: {names[0]}.unit = {block.get('unit')!r}: expected one of "
            f"{', '.join(_TIME_SCALE)}"
        )
    unit = str(block.get("unit", "ms"))
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
    return percentiles({k: None if v is None else v * scale for k, v in got.items()})


def _config(config: Mapping[str, Any]) -> tuple[str | None, Any]:
    """The model name and concurrency (as the file gives it) from GenAI-Perf's (flat or
    nested) or AIPerf's (legacy ``UserConfig`` or v2 ``phases``) ``input_config``."""

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
    concurrency = (
        get("concurrency")
        or get("perf_analyzer", "stimulus", "concurrency")
        or get("loadgen", "concurrency")
        or next(
            (
                p.get("concurrency")
                for p in get("phases") or []
                if isinstance(p, dict) and p.get("name") == "profiling"
            ),
            None,
        )
    )
    return str(model) if model else None, concurrency
