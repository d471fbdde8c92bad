"""Measurements that replace estimates: serving benchmarks and local calibrations.

A *calibration* file (TOML) holds what was measured and, where the measurement was a
``payback calibrate`` run, the utilisation factors the estimators should use on that
device. It comes from two places:

- :func:`read_benchmark` reads the result of a serving benchmark: vLLM's
  ``vllm bench serve --save-result`` (and the older ``benchmark_serving.py``), NVIDIA
  GenAI-Perf's ``profile_export_genai_perf.json`` and AIPerf's
  ``profile_export_aiperf.json`` (the field-by-field mapping is in
  ``docs/benchmark-formats.md``);
- :mod:`payback.measure.calibrate` times a randomly initialised model of the catalog shape on a
  local GPU (or CPU) with PyTorch.

A scenario's ``self_hosted`` option (``calibration = "file"``) and a training job use it
instead of the first-principles defaults; ``payback estimate ... --calibration FILE``
does the same for one estimate.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import tomlkit
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.serving import Precision
from payback.hardware.training import Method

__all__ = [
    "Calibration",
    "DecodePoint",
    "Factors",
    "Measured",
    "Percentiles",
    "ServingMeasurement",
    "calibration_toml",
    "engine_for",
    "fit_decode",
    "load_calibration",
    "read_benchmark",
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True
    )


class Percentiles(_Model):
    """A latency's distribution over the benchmark's requests [ms]."""

    mean: float | None = Field(None, ge=0.0, le=1e9)
    p50: float | None = Field(None, ge=0.0, le=1e9)
    p90: float | None = Field(None, ge=0.0, le=1e9)
    p99: float | None = Field(None, ge=0.0, le=1e9)


class ServingMeasurement(_Model):
    """What one replica served in a benchmark run."""

    replica_requests_per_s: float = Field(gt=0.0, le=1e6)
    """Completed requests per second."""
    output_tokens_per_s: float = Field(ge=0.0, le=1e9)
    """Output tokens per second."""
    input_tokens: float = Field(ge=0.0, le=1e7)
    """Mean prompt tokens per request."""
    output_tokens: float = Field(gt=0.0, le=1e6)
    """Mean output tokens per request."""
    completed: int | None = Field(None, ge=1)
    """Requests that completed."""
    duration_s: float | None = Field(None, gt=0.0)
    """Length of the run [s]."""
    concurrency: int | None = Field(None, ge=1, le=1_000_000)
    """Requests kept in flight (closed loop); none for an open-loop run at a request rate."""
    request_rate: float | None = Field(None, gt=0.0, le=1e6)
    """Requests per second offered (open loop); none when unlimited."""
    gpus_per_replica: int | None = Field(None, ge=1, le=1024)
    """GPUs the served replica used (tensor parallel degree), when known."""
    ttft_ms: Percentiles | None = None
    """Time to first token."""
    tpot_ms: Percentiles | None = None
    """Time per output token after the first, per request (vLLM TPOT, GenAI-Perf/AIPerf
    inter-token latency)."""
    itl_ms: Percentiles | None = None
    """Gaps between streamed chunks over all requests (vLLM ITL, AIPerf inter-chunk latency)."""
    e2el_ms: Percentiles | None = None
    """End-to-end request latency."""


class DecodePoint(_Model):
    """One decode-step timing of ``payback calibrate``."""

    batch: int = Field(ge=1)
    context_tokens: float = Field(gt=0.0)
    measured_ms: float = Field(gt=0.0)
    estimated_ms: float = Field(gt=0.0)
    """The default estimate of the same step."""


class Measured(_Model):
    """What ``payback calibrate`` timed, next to the default estimates."""

    matmul_tflops: float | None = Field(None, gt=0.0)
    """A large matrix product's speed at the calibration precision [TFLOP/s]."""
    copy_gb_s: float | None = Field(None, gt=0.0)
    """A large device-to-device copy, bytes read plus written per second [GB/s]."""
    training_method: Method | None = None
    training_tokens: int | None = Field(None, ge=1)
    """Tokens per training step (micro-batch)."""
    training_tokens_per_s: float | None = Field(None, gt=0.0)
    training_estimated_tokens_per_s: float | None = Field(None, gt=0.0)
    prefill_tokens: int | None = Field(None, ge=1)
    """Prompt length prefilled [tokens]."""
    prefill_tokens_per_s: float | None = Field(None, gt=0.0)
    prefill_estimated_tokens_per_s: float | None = Field(None, gt=0.0)
    decode: list[DecodePoint] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    """What the measurement left out or could not do."""


class Factors(_Model):
    """Utilisation factors measured on a device, replacing the estimators' defaults.

    The serving factors replace those of :class:`payback.hardware.serving.ServingEngine`;
    a field left out keeps the default.
    """

    bandwidth_efficiency: float | None = Field(None, gt=0.0, le=1.0)
    """Share of the device's peak memory bandwidth decode steps reach."""
    prefill_mfu: float | None = Field(None, gt=0.0, le=1.0)
    """Share of the dense tensor peak prefill reaches."""
    step_overhead_s: float | None = Field(None, ge=0.0, le=1.0)
    """Fixed time per decode step [s]."""
    layer_overhead_s: float | None = Field(None, ge=0.0, le=1.0)
    """Time per layer per decode step [s]."""
    training_method: Method | None = None
    """The method ``training_mfu_ratio`` was measured for."""
    training_mfu_ratio: float | None = Field(None, gt=0.0, le=100.0)
    """Measured training throughput over the estimate's (the estimate's MFU is scaled by it)."""


class Calibration(_Model):
    """A calibration file: a measurement and where it came from."""

    kind: Literal["benchmark", "calibration"]
    """``benchmark``: an imported serving benchmark; ``calibration``: ``payback calibrate``."""
    tool: str
    """What measured it: ``vllm bench serve``, ``GenAI-Perf``, ``AIPerf``, ``payback calibrate``."""
    created: str | None = None
    """When the measurement ran or the file was made (ISO 8601)."""
    file: str | None = None
    """The benchmark result it was imported from."""
    model: str | None = None
    """The catalog model (or config.json path) measured, when known."""
    served_model: str | None = None
    """The model name the benchmark reports."""
    gpu: str | None = None
    """The catalog GPU measured, when known."""
    device: str | None = None
    """The device as the machine names it."""
    precision: Precision | None = None
    serving: ServingMeasurement | None = None
    measured: Measured | None = None
    factors: Factors | None = None


# -- calibration files -----------------------------------------------------------


def _problems(exc: ValidationError, where: str) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        value = err.get("input")
        shown = "" if isinstance(value, dict | list) or value is None else f" = {value!r}"
        message = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        out.append(f"{where}: {loc}{shown}: {message}")
    return out


def calibration_from_data(data: Mapping[str, Any], where: str) -> Calibration:
    """Validate a calibration's table; :class:`PaybackError` names each bad field."""
    try:
        return Calibration.model_validate(dict(data))
    except ValidationError as exc:
        raise PaybackError(_problems(exc, where)) from None


def load_calibration(path: str | Path, run: int | None = None) -> Calibration:
    """Read a calibration file (TOML), or import a benchmark result (JSON) directly."""
    return load_calibration_with_warnings(path, run)[0]


def load_calibration_with_warnings(
    path: str | Path, run: int | None = None
) -> tuple[Calibration, list[str]]:
    """:func:`load_calibration`, and what to double-check about a benchmark it imported."""
    p = Path(path)
    if p.is_dir():
        raise PaybackError(f"{p}: is a directory; give a calibration file")
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise PaybackError(f"{p}: no such file") from None
    except OSError as exc:
        raise PaybackError(f"{p}: cannot read ({exc.strerror or exc})") from None
    start = raw.lstrip()[:1]
    if start == b"{" or p.suffix.lower() == ".json":
        return read_benchmark_with_warnings(p, run=run)
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        if start == b"[":  # a JSON list of runs, perhaps
            with contextlib.suppress(PaybackError):
                return read_benchmark_with_warnings(p, run=run)
        raise PaybackError(
            f"{p}: not a calibration file (TOML from `payback calibrate` or `payback import-benchmark`) "
            f"nor a benchmark result (JSON): {exc}"
        ) from None
    if "calibration" not in data:
        raise PaybackError(
            f"{p}: not a calibration file: it has no [calibration] table "
            "(make one with `payback calibrate` or `payback import-benchmark`)"
        )
    top = data.pop("calibration")
    if not isinstance(top, dict):
        raise PaybackError(
            f"{p}: calibration = {top!r}: must be a table ([calibration] with kind and tool)"
        )
    if isinstance(top.get("created"), dt.date | dt.datetime):
        top["created"] = top["created"].isoformat()
    return calibration_from_data({**top, **data}, str(p)), []


def scenario_calibration(
    file: str, base_dir: Path | None, where: str
) -> tuple[Calibration, list[str]]:
    """The calibration a scenario field (``where``) names, relative to the scenario's
    folder, with what to double-check; its problems name the field and the value."""
    location = Path(file)
    if not location.is_absolute() and base_dir is not None:
        location = base_dir / location
    try:
        return load_calibration_with_warnings(location)
    except PaybackError as exc:
        raise PaybackError([f"{where} = {file!r}: {m}" for m in exc.messages]) from None


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    if isinstance(value, float):
        return float(f"{value:.6g}")
    return value


def calibration_toml(cal: Calibration) -> str:
    """The calibration as a TOML file: ``[calibration]`` (what and where), then
    ``[serving]``, ``[measured]`` and ``[factors]`` as present."""
    data = _drop_none(cal.model_dump())
    doc = tomlkit.document()
    doc.add(tomlkit.comment('payback calibration: use it with `calibration = "<this file>"` on a'))
    doc.add(
        tomlkit.comment(
            "self_hosted option or training job, or `payback estimate ... --calibration`."
        )
    )
    head = tomlkit.table()
    for key in (
        "kind",
        "tool",
        "created",
        "file",
        "model",
        "served_model",
        "gpu",
        "device",
        "precision",
    ):
        if key in data:
            head.add(key, data[key])
    doc.add("calibration", head)
    for key in ("serving", "measured", "factors"):
        if key not in data:
            continue
        section = tomlkit.table()
        for name, value in data[key].items():
            if isinstance(value, dict):
                section.add(name, _inline(value))
            elif name == "decode":
                points = tomlkit.array()
                points.multiline(True)
                for point in value:
                    points.append(_inline(point))
                section.add(name, points)
            else:
                section.add(name, value)
        doc.add(key, section)
    return tomlkit.dumps(doc)


def _inline(value: Mapping[str, Any]) -> Any:
    table = tomlkit.inline_table()
    table.update(value)
    return table


def engine_for(factors: Factors | None, base: sv.ServingEngine = sv.VLLM) -> sv.ServingEngine:
    """``base`` with the measured factors in place of its defaults."""
    if factors is None:
        return base
    changes = {
        name: getattr(factors, name)
        for name in ("bandwidth_efficiency", "prefill_mfu", "step_overhead_s", "layer_overhead_s")
        if getattr(factors, name) is not None
    }
    return dataclasses.replace(base, **changes)


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
    efficiency is read from the largest step.

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


# -- benchmark results -------------------------------------------------------------


def _json_objects(path: Path) -> list[dict[str, Any]]:
    """The JSON object(s) of a result file: one object, or one per line (vLLM's
    ``--append-result``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PaybackError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise PaybackError(f"{path}: is a directory; give a benchmark result file") from None
    except UnicodeDecodeError:
        raise PaybackError(f"{path}: not a text file; expected a benchmark result (JSON)") from None
    except OSError as exc:
        raise PaybackError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not text.strip():
        raise PaybackError(f"{path}: is empty; expected a benchmark result (JSON)")
    try:
        data = json.loads(text)
        objects = data if isinstance(data, list) else [data]
    except json.JSONDecodeError as first:
        objects = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                objects.append(json.loads(line))
            except json.JSONDecodeError:
                raise PaybackError(
                    f"{path}: not valid JSON (line {first.lineno}, column {first.colno}: {first.msg})"
                    if number == 1
                    else f"{path}: line {number} is not valid JSON"
                ) from None
    if not objects or not all(isinstance(o, dict) for o in objects):
        raise PaybackError(
            f"{path}: expected a JSON object (a benchmark result), found "
            + (f"a list holding {type(objects[0]).__name__}" if objects else "nothing")
        )
    return objects


def _number(
    data: Mapping[str, Any],
    key: str,
    where: str,
    *,
    positive: bool = False,
    whole: bool = False,
    at_most: float | None = None,
) -> float | None:
    """``data[key]`` as a float, or None when absent; one line naming it when it is not a
    finite number (≥ 0; > 0 with ``positive``; a whole number with ``whole``; ≤ ``at_most``)."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PaybackError(f"{where}: {key} = {value!r}: expected a finite number")
    problem = None
    if positive and value <= 0:
        problem = "must be > 0"
    elif value < 0:
        problem = "must be ≥ 0"
    elif whole and not float(value).is_integer():
        problem = "must be a whole number"
    elif at_most is not None and value > at_most:
        problem = f"must be ≤ {at_most:g}"
    if problem:
        raise PaybackError(f"{where}: {key} = {value!r}: {problem}")
    return float(value)


def _whole_or_none(value: Any) -> int | None:
    """A positive whole number (64 or 64.0), else None (null, "inf", true, 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value) if value >= 1 and float(value).is_integer() else None


def _measured(where: str, **fields: Any) -> ServingMeasurement:
    try:
        return ServingMeasurement(**fields)
    except ValidationError as exc:
        raise PaybackError(_problems(exc, where)) from None


def _percentiles(values: Mapping[str, float | None]) -> Percentiles | None:
    kept = {k: v for k, v in values.items() if v is not None}
    return Percentiles(**kept) if kept else None


def _is_vllm(data: Mapping[str, Any]) -> bool:
    return "request_throughput" in data and not isinstance(data["request_throughput"], dict)


def _from_vllm(data: Mapping[str, Any], where: str) -> tuple[Calibration, list[str]]:
    warnings: list[str] = []
    if "completed" not in data:
        raise PaybackError(
            f"{where}: completed is required (the requests a vLLM benchmark run completed)"
        )
    completed = _number(data, "completed", where, whole=True)
    if not completed:
        raise PaybackError(f"{where}: completed = {data.get('completed')!r}: no request completed")
    rps = _number(data, "request_throughput", where, positive=True, at_most=1e6)
    assert rps is not None  # the format's detection requires it
    total_in = _number(data, "total_input_tokens", where, at_most=1e7 * completed)
    total_out = _number(data, "total_output_tokens", where, positive=True, at_most=1e6 * completed)
    if total_out is None or total_in is None:
        raise PaybackError(
            f"{where}: total_input_tokens and total_output_tokens are required (a pooling or embedding run has no output tokens)"
        )
    failed = _number(data, "failed", where, whole=True) or 0.0
    if failed:
        warnings.append(
            f"{where}: {failed:.0f} of {completed + failed:.0f} requests failed; capacity counts completed ones"
        )

    def stats(metric: str) -> Percentiles | None:
        median = _number(data, f"p50_{metric}_ms", where)
        found = {
            "mean": _number(data, f"mean_{metric}_ms", where),
            "p50": median if median is not None else _number(data, f"median_{metric}_ms", where),
            "p90": _number(data, f"p90_{metric}_ms", where),
            "p99": _number(data, f"p99_{metric}_ms", where),
        }
        return _percentiles(found)

    e2el = stats("e2el")
    latencies = data.get("latencies")
    if e2el is None and isinstance(latencies, list) and latencies:
        ms = (
            np.asarray(
                [
                    x
                    for x in latencies
                    if isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x < 1e6
                ],
                dtype=np.float64,
            )
            * 1e3
        )
        if ms.size:
            e2el = Percentiles(
                mean=float(ms.mean()),
                p50=float(np.percentile(ms, 50)),
                p90=float(np.percentile(ms, 90)),
                p99=float(np.percentile(ms, 99)),
            )
    rate = data.get("request_rate")
    concurrency = data.get("max_concurrency")
    tool = (
        "vllm bench serve"
        if any(k in data for k in ("failed", "endpoint_type", "label"))
        else "vllm benchmark_serving.py"
    )
    output_rate = _number(data, "output_throughput", where)
    serving = _measured(
        where,
        replica_requests_per_s=rps,
        output_tokens_per_s=output_rate if output_rate is not None else total_out / completed * rps,
        input_tokens=total_in / completed,
        output_tokens=total_out / completed,
        completed=int(completed),
        duration_s=_number(data, "duration", where, positive=True),
        concurrency=_whole_or_none(concurrency),
        request_rate=float(rate)
        if isinstance(rate, int | float)
        and not isinstance(rate, bool)
        and math.isfinite(rate)
        and rate > 0
        else None,
        ttft_ms=stats("ttft"),
        tpot_ms=stats("tpot"),
        itl_ms=stats("itl"),
        e2el_ms=e2el,
    )
    created = str(data.get("date") or "")
    with contextlib.suppress(ValueError):
        created = dt.datetime.strptime(created, "%Y%m%d-%H%M%S").isoformat()
    model = data.get("model_id")
    return (
        Calibration(
            kind="benchmark",
            tool=tool,
            created=created or None,
            served_model=str(model) if model else None,
            serving=serving,
        ),
        warnings,
    )


_TIME_SCALE = {"ms": 1.0, "s": 1e3, "sec": 1e3, "us": 1e-3, "ns": 1e-6}


def _block(metrics: Mapping[str, Any], *names: str) -> Mapping[str, Any] | None:
    for name in names:
        value = metrics.get(name)
        if isinstance(value, dict):
            return value
    return None


def _from_nvidia(data: Mapping[str, Any], where: str) -> tuple[Calibration, list[str]]:
    """GenAI-Perf and AIPerf profile exports: ``{metric: {unit, avg, p50, ...}}``."""
    warnings: list[str] = []
    metrics: Mapping[str, Any] = data
    aiperf = any(
        k in data for k in ("schema_version", "aiperf_version", "was_cancelled", "error_summary")
    )
    if isinstance(data.get("records"), dict):
        metrics, aiperf = data["records"], True

    def avg(*names: str, positive: bool = False, whole: bool = False) -> float | None:
        block = _block(metrics, *names)
        if block is None:
            return None
        return _number(block, "avg", f"{where}: {names[0]}", positive=positive, whole=whole)

    def stats(*names: str) -> Percentiles | None:
        block = _block(metrics, *names)
        if block is None:
            return None
        scale = _TIME_SCALE.get(str(block.get("unit", "ms")).lower())
        if scale is None:
            raise PaybackError(
                f"{where}: {names[0]}.unit = {block.get('unit')!r}: expected one of "
                f"{', '.join(_TIME_SCALE)}"
            )
        got = {
            k: _number(block, k if k != "mean" else "avg", f"{where}: {names[0]}")
            for k in ("mean", "p50", "p90", "p99")
        }
        return _percentiles({k: None if v is None else v * scale for k, v in got.items()})

    rps = avg("request_throughput", positive=True)
    if rps is None:
        raise PaybackError(f"{where}: request_throughput.avg is required")
    out_tps = avg("output_token_throughput")
    osl = avg("output_sequence_length", positive=True)
    if osl is None and out_tps is not None:
        osl = out_tps / rps
    isl = avg("input_sequence_length")
    count = avg("request_count", positive=True, whole=True)
    if isl is None and count:
        total_isl = avg("total_isl")
        isl = None if total_isl is None else total_isl / count
    if osl is None or osl <= 0 or isl is None:
        raise PaybackError(
            f"{where}: input_sequence_length and output_sequence_length (or output_token_throughput) are required"
        )
    errors = avg("error_request_count")
    if errors:
        warnings.append(f"{where}: {errors:.0f} requests failed; capacity counts completed ones")
    if data.get("was_cancelled"):
        warnings.append(f"{where}: the run was cancelled before it finished")
    duration = avg("benchmark_duration", positive=True)
    config = data.get("input_config")
    model, concurrency = _nvidia_config(config if isinstance(config, dict) else {})
    count_block = _block(metrics, "request_count") or {}
    tool = "AIPerf" if aiperf or count_block.get("unit") == "requests" else "GenAI-Perf"
    created = data.get("start_time") or data.get("end_time")
    serving = _measured(
        where,
        replica_requests_per_s=rps,
        output_tokens_per_s=out_tps if out_tps is not None else osl * rps,
        input_tokens=isl,
        output_tokens=osl,
        completed=int(count) if count else None,
        duration_s=duration if duration else (count / rps if count else None),
        concurrency=concurrency,
        ttft_ms=stats("time_to_first_token", "ttft"),
        tpot_ms=stats("inter_token_latency"),
        itl_ms=stats("inter_chunk_latency"),
        e2el_ms=stats("request_latency"),
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


def _nvidia_config(config: Mapping[str, Any]) -> tuple[str | None, int | None]:
    """The model name and concurrency from GenAI-Perf's (flat or nested) or AIPerf's
    (legacy ``UserConfig`` or v2 ``phases``) ``input_config``."""

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
    return (
        str(model) if model else None,
        int(concurrency)
        if isinstance(concurrency, int) and not isinstance(concurrency, bool) and concurrency > 0
        else None,
    )


def read_benchmark(path: str | Path, run: int | None = None) -> Calibration:
    """Import a serving benchmark's result file as a calibration.

    ``run`` picks one run (1-based) of a file holding several (vLLM's
    ``--append-result``); the default is the last. What to double-check (failed
    requests, a run picked among several) comes from :func:`read_benchmark_with_warnings`.
    """
    return read_benchmark_with_warnings(path, run)[0]


def read_benchmark_with_warnings(
    path: str | Path, run: int | None = None
) -> tuple[Calibration, list[str]]:
    """:func:`read_benchmark`, and what to double-check about the result."""
    p = Path(path)
    objects = _json_objects(p)
    warnings: list[str] = []
    if run is not None and not 1 <= run <= len(objects):
        raise PaybackError(
            f"--run {run}: {p} holds {len(objects)} run(s); pick 1 to {len(objects)}"
        )
    index = (run or len(objects)) - 1
    if len(objects) > 1 and run is None:
        warnings.append(
            f"{p}: holds {len(objects)} runs; using the last (pick another with "
            f"`payback import-benchmark {p.name} --run K -o calibration.toml`)"
        )
    data = objects[index]
    where = str(p) if len(objects) == 1 else f"{p} (run {index + 1})"
    if _is_vllm(data):
        cal, more = _from_vllm(data, where)
    elif isinstance(data.get("request_throughput"), dict) or isinstance(data.get("records"), dict):
        cal, more = _from_nvidia(data, where)
    else:
        keys = ", ".join(sorted(data)[:8])
        raise PaybackError(
            f"{where}: not a vLLM --save-result, GenAI-Perf or AIPerf profile export "
            f"(no request_throughput; keys: {keys or 'none'})"
        )
    return cal.model_copy(update={"file": p.name, "model": catalog_model_id(cal.served_model)}), (
        warnings + more
    )


def catalog_model_id(name: str | None) -> str | None:
    """The catalog id of a model named by id, Hugging Face repository or config.json path
    (``meta-llama/Llama-3.1-8B-Instruct`` is ``llama-3.1-8b``); None when unknown."""
    if not name:
        return None
    from payback.catalog import default_catalog

    try:
        return default_catalog().model(name).id
    except PaybackError:
        return None


# -- using a calibration -----------------------------------------------------------


def check_use(
    cal: Calibration,
    *,
    model: str | None,
    gpu: str | None,
    precision: str | None = None,
    where: str = "calibration",
) -> list[str]:
    """What stands between a calibration and its use for ``model`` on ``gpu``.

    A serving benchmark measured one model at one precision on one GPU: another of any
    of them is refused (:class:`PaybackError`). Utilisation factors describe a device:
    another model is fine, another GPU (or a CPU, or a GPU the catalog lacks) is worth a
    warning, which is returned.
    """
    benchmark = cal.serving is not None
    what = "benchmark" if benchmark else "calibration"
    used_model = catalog_model_id(model) or model
    warnings = []
    for name, measured, used in (
        ("model", cal.model, used_model),
        ("gpu", cal.gpu, gpu),
        ("precision", cal.precision, precision),
    ):
        if measured is None or used is None or measured == used:
            continue
        message = f"{where}: the {what} measured {name} {measured}; this uses {used}"
        if benchmark:
            raise PaybackError(message)
        if name == "gpu":
            warnings.append(f"{message} (its utilisation factors may not carry over)")
    unknown = [
        name
        for name, measured, used in (("GPU", cal.gpu, gpu), ("precision", cal.precision, precision))
        if measured is None and used is not None
    ]
    if benchmark and unknown:
        warnings.append(
            f"{where}: the benchmark does not record its {' or '.join(unknown)}; its capacity is "
            f"taken as measured with this option's ({', '.join(str(u) for u in (gpu, precision) if u)}). "
            "Record them with `payback import-benchmark FILE --gpu ID --precision P -o calibration.toml`"
        )
    if not benchmark and cal.gpu is None and gpu is not None:
        warnings.append(
            f"{where}: measured on {cal.device or 'a device the catalog lacks'}, not a catalog GPU; "
            f"its utilisation factors may not carry over to {gpu}"
        )
    return warnings


def serving_factors(cal: Calibration, where: str = "calibration") -> Factors:
    """The calibration's serving factors; one line when it holds a benchmark instead."""
    if cal.factors is None or all(
        getattr(cal.factors, name) is None
        for name in ("bandwidth_efficiency", "prefill_mfu", "step_overhead_s", "layer_overhead_s")
    ):
        raise PaybackError(
            f"{where}: holds no utilisation factors"
            + (
                " but a serving benchmark; use it on a scenario's self_hosted option, or compare "
                "it with `payback import-benchmark FILE --gpu ID`"
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
            f"(calibrate with --method {method})"
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
            f"{path}: the benchmark's model {cal.served_model!r} is not in the catalog; name it "
            "(--model) to compare it with the estimate"
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
        raise PaybackError(_problems(exc, str(path))) from None
    estimate = None
    if model is not None and gpu is not None:
        estimate = estimate_at_load(
            model, gpu, precision or "bf16", serving, gpus_per_replica=gpus_per_replica
        )
    return cal, estimate, warnings
