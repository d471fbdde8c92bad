"""vLLM's benchmark results: ``vllm bench serve --save-result`` and the older
``benchmarks/benchmark_serving.py``, and sglang's ``bench_serving --output-file`` (the
same format under sglang's names; the fields are in ``docs/benchmark-formats.md``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from payback.errors import PaybackError
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
from payback.scenario.words import beyond_float

__all__ = ["from_vllm", "is_vllm"]


def is_vllm(data: Mapping[str, Any]) -> bool:
    """A vLLM result: ``request_throughput`` is a number (NVIDIA's tools give a table)."""
    return "request_throughput" in data and not isinstance(data["request_throughput"], dict)


def from_vllm(data: Mapping[str, Any], where: str) -> tuple[Calibration, list[str]]:
    """The calibration a vLLM result holds, and what to double-check about it."""
    completed, rps, total_in, total_out, warnings = _totals(data, where)
    e2el = _stats(data, where, "e2el")
    if e2el is None:  # sglang's bench_serving: the same result, its own name
        e2el = _stats(data, where, "e2e_latency")
    if e2el is None:
        e2el = _from_latencies(data.get("latencies"))
    output_rate = number(data, "output_throughput", where)
    if not output_rate:  # absent, null or 0 (no output measured): from the totals
        if "output_throughput" in data:
            warnings.append(
                f"{where}: output_throughput = {_json(data['output_throughput'])}: recomputed as "
                f"total_output_tokens / completed × requests/s = {total_out / completed * rps:,.0f} "
                "tokens/s"
            )
        output_rate = total_out / completed * rps
    else:
        _output_agrees(data, where, output_rate, total_out, completed / rps)
    warnings += _read_as_unlimited(data, where)
    tp, tp_key = _tensor_parallel(data, where, warnings)
    serving = measured(
        where,
        {**_NAMES, "gpus_per_replica": tp_key},
        replica_requests_per_s=rps,
        output_tokens_per_s=output_rate,
        input_tokens=total_in / completed,
        output_tokens=total_out / completed,
        completed=int(completed),
        duration_s=number(data, "duration", where, positive=True),
        concurrency=whole_or_none(data.get("max_concurrency")),
        request_rate=_request_rate(data.get("request_rate")),
        gpus_per_replica=tp,
        ttft_ms=_stats(data, where, "ttft"),
        tpot_ms=_stats(data, where, "tpot"),
        itl_ms=_stats(data, where, "itl"),
        e2el_ms=e2el,
    )
    e2el_name = "mean_e2el_ms" if "mean_e2el_ms" in data else "mean_e2e_latency_ms"
    in_flight_bound(
        serving,
        where,
        {
            "rps": "request_throughput",
            "clients": "max_concurrency",
            "latency": e2el_name if e2el_name in data else "mean of latencies",
        },
    )
    model = data.get("model_id")
    return (
        Calibration(
            kind="benchmark",
            tool=_tool(data),
            created=_created(data),
            served_model=str(model) if model else None,
            serving=serving,
        ),
        warnings,
    )


_NAMES = {
    "replica_requests_per_s": "request_throughput",
    "output_tokens_per_s": "output_throughput",
    "duration_s": "duration",
    "concurrency": "max_concurrency",
}
"""The result file's name for each field of the measurement it gives as it is."""


def _totals(data: Mapping[str, Any], where: str) -> tuple[float, float, float, float, list[str]]:
    """Requests completed, requests/s, input and output tokens of the run, and a warning
    when requests failed."""
    if "completed" not in data:
        raise PaybackError(
            f"{where}: completed is required (the requests a vLLM benchmark run completed)"
        )
    completed = number(data, "completed", where, whole=True)
    if not completed:
        raise PaybackError(
            f"{where}: completed = {_json(data.get('completed'))}: no request completed"
        )
    rps = number(data, "request_throughput", where, at_most=1e6)
    warnings = []
    if not rps:  # null or 0: from the requests completed and the run's duration
        rps = _requests_per_s(data, where, completed)
        warnings.append(
            f"{where}: request_throughput = {_json(data.get('request_throughput'))}: recomputed "
            f"as completed / duration = {rps:,.4g} requests/s"
        )
    else:
        _agrees(data, where, completed, rps)
    total_in = number(data, "total_input_tokens", where, at_most=1e7 * completed)
    total_out = number(data, "total_output_tokens", where, positive=True, at_most=1e6 * completed)
    if total_out is None or total_in is None:
        raise PaybackError(
            f"{where}: total_input_tokens and total_output_tokens are required (a pooling or embedding run has no output tokens)"
        )
    if total_in == 0:
        raise empty_prompts(
            where, f"total_input_tokens = {_json(data['total_input_tokens'])}", completed
        )
    failed = number(data, "failed", where, whole=True) or 0.0
    if failed:
        warnings.append(
            f"{where}: {figure(failed)} of {figure(completed + failed)} requests failed; "
            "capacity counts completed ones"
        )
    return completed, rps, total_in, total_out, warnings


_TP_KEYS = ("tp", "tensor_parallel_size")
"""The ``--metadata KEY=VALUE`` keys read as the GPUs the served replica used (vLLM writes
each value as text: ``"tp": "2"``)."""


def _tensor_parallel(
    data: Mapping[str, Any], where: str, warnings: list[str]
) -> tuple[int | None, str]:
    """The GPUs per replica a ``--metadata tp=N`` recorded, and its key; None (with a
    warning) for a value that is no whole number."""
    key = next((k for k in _TP_KEYS if k in data), _TP_KEYS[0])
    value = data.get(key)
    if value is None:
        return None, key
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    if text.isdigit() and int(text) >= 1:
        return int(text), key
    warnings.append(
        f"{where}: {key} = {_json(value)} is not a whole number of GPUs: not read as the GPUs "
        "per replica"
    )
    return None, key


_json = json_text


def _agrees(data: Mapping[str, Any], where: str, completed: float, rps: float) -> None:
    """Refuse a ``request_throughput`` more than 1% from completed / duration, the figure
    vLLM writes it from (``benchmark_serving``: completed / benchmark_duration): one of the
    two was edited or mixed from another run."""
    duration = number(data, "duration", where, positive=True)
    if duration and disagree(rps, completed / duration):
        raise PaybackError(
            f"{where}: request_throughput = {rps:,.4g} disagrees with completed / duration = "
            f"{figure(completed)} / {duration:,.4g} s = {completed / duration:,.4g} requests/s "
            "(vLLM writes the one from the other); correct whichever was changed"
        )


def _output_agrees(
    data: Mapping[str, Any], where: str, rate: float, total_out: float, implied_s: float
) -> None:
    """Refuse an ``output_throughput`` more than 1% from total_output_tokens / duration, the
    figure vLLM writes it from (``implied_s``, completed / requests/s, where the result
    gives no duration)."""
    duration = number(data, "duration", where, positive=True)
    seconds = duration or implied_s
    if disagree(rate, total_out / seconds):
        over = (
            f"total_output_tokens / duration = {figure(total_out)} / {short(seconds)} s"
            if duration
            else f"total_output_tokens / (completed / request_throughput) = {figure(total_out)}"
            f" / {short(seconds)} s"
        )
        raise PaybackError(
            f"{where}: output_throughput = {short(rate)} disagrees with {over} = "
            f"{short(total_out / seconds)} tokens/s (vLLM writes the one from the other); "
            "correct whichever was changed"
        )


def _requests_per_s(data: Mapping[str, Any], where: str, completed: float) -> float:
    """Requests/s of a run whose result gives none (null or 0): completed / duration."""
    duration = number(data, "duration", where)
    if not duration:
        raise PaybackError(
            f"{where}: request_throughput = {_json(data.get('request_throughput'))} and no "
            "duration to recompute it from (completed / duration): the run measured no requests/s"
        )
    return completed / duration


_SLIP = " ms (over 11 days: a unit slip, nanoseconds or microseconds as milliseconds?)"
"""Why a latency past :data:`MAX_LATENCY_MS` is refused."""


def _stats(data: Mapping[str, Any], where: str, metric: str) -> Percentiles | None:
    """``mean_{metric}_ms``, the median (``p50_`` or ``median_``), ``p90_`` and ``p99_``."""

    def ms(key: str) -> float | None:
        return number(data, f"{key}_{metric}_ms", where, at_most=MAX_LATENCY_MS, unit=_SLIP)

    median = ms("p50")
    found = {
        "mean": ms("mean"),
        "p50": median if median is not None else ms("median"),
        "p90": ms("p90"),
        "p99": ms("p99"),
    }
    names = {k: f"{k}_{metric}_ms" for k in ("p90", "p99")}
    names["p50"] = f"{'p50' if median is not None else 'median'}_{metric}_ms"
    return percentiles(found, where, names)


def _from_latencies(latencies: Any) -> Percentiles | None:
    """End-to-end latency from the per-request ``latencies`` [s] old results carry."""
    if not isinstance(latencies, list) or not latencies:
        return None
    seconds = [
        x
        for x in latencies
        if isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x < 1e6
    ]
    ms = np.asarray(seconds, dtype=np.float64) * 1e3
    if not ms.size:
        return None
    return Percentiles(
        mean=float(ms.mean()),
        p50=float(np.percentile(ms, 50)),
        p90=float(np.percentile(ms, 90)),
        p99=float(np.percentile(ms, 99)),
    )


def _read_as_unlimited(data: Mapping[str, Any], where: str) -> list[str]:
    """A warning for each load setting outside what vLLM writes (``max_concurrency`` a
    whole number or null, ``request_rate`` a rate or ``"inf"``) that is read as no limit,
    which changes the run the estimate is compared with: all requests at once."""
    said = []
    concurrency, rate = data.get("max_concurrency"), data.get("request_rate")
    if concurrency not in (None, 0) and whole_or_none(concurrency) is None:
        said.append(
            f"{where}: max_concurrency = {_json(concurrency)} is not a whole number of clients "
            "(vLLM writes one, or null for no limit): read as no limit"
        )
    if rate not in (None, "inf") and _request_rate(rate) is None and rate != math.inf:
        said.append(
            f'{where}: request_rate = {_json(rate)} is not a rate (vLLM writes requests/s, or "inf"'
            " for all at once): read as all at once"
        )
    return said


def _request_rate(rate: Any) -> float | None:
    """The offered request rate; None for ``inf`` (unlimited) or anything not a rate. A
    whole number past the largest float is kept as it is, for its field's bound to refuse."""
    if beyond_float(rate):
        return rate if rate > 0 else None
    if isinstance(rate, int | float) and not isinstance(rate, bool) and math.isfinite(rate):
        return float(rate) if rate > 0 else None
    return None


def _tool(data: Mapping[str, Any]) -> str:
    """``vllm bench serve`` writes fields the old script lacks; sglang's
    ``bench_serving`` (vLLM's format, from which it grew) names its end-to-end latency
    ``*_e2e_latency_ms`` and counts its output retokenized too."""
    if "total_output_tokens_retokenized" in data or any(
        key.endswith("_e2e_latency_ms") for key in data
    ):
        return "sglang bench_serving"
    if any(k in data for k in ("failed", "endpoint_type", "label")):
        return "vllm bench serve"
    return "vllm benchmark_serving.py"


def _created(data: Mapping[str, Any]) -> str | None:
    """When the run was (``date``, ``20250101-120000``) in ISO 8601; None where it reads
    as no time (:func:`~payback.measure.benchmarks._common.created_time`)."""
    return created_time(data.get("date"))
