"""The calibration file: a measurement that replaces estimates, and where it came from.

A *calibration* file (TOML) holds what was measured and, where the measurement was a
``payback calibrate`` run, the utilisation factors the estimators should use on that
device (:class:`payback.hardware.calibration.Factors`). It comes from two places:

- :mod:`payback.measure.benchmarks` reads the result of a serving benchmark: vLLM's
  ``vllm bench serve --save-result`` (and the older ``benchmark_serving.py``), NVIDIA
  GenAI-Perf's ``profile_export_genai_perf.json`` and AIPerf's
  ``profile_export_aiperf.json`` (the field-by-field mapping is in
  ``docs/benchmark-formats.md``);
- :mod:`payback.measure.calibrate` times a randomly initialised model of the catalog shape on a
  local GPU (or CPU) with PyTorch.

This module holds the file's model (:class:`Calibration`), reads it (:func:`load_calibration`,
which imports a benchmark result directly too) and writes it (:func:`calibration_toml`).
A scenario's ``self_hosted`` option (``calibration = "file"``), a training job and a single
estimate use it instead of the first-principles defaults (:mod:`payback.measure.apply`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from payback.errors import PaybackError
from payback.hardware.calibration import DecodePoint, Factors
from payback.hardware.serving import Precision
from payback.hardware.training import Method
from payback.limits import read_input

__all__ = [
    "Calibration",
    "Measured",
    "Percentiles",
    "ServingMeasurement",
    "calibration_from_data",
    "calibration_toml",
    "load_calibration",
    "load_calibration_with_warnings",
    "problems",
    "scenario_calibration",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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


def problems(exc: ValidationError, where: str) -> list[str]:
    """One line per invalid field of a calibration, naming ``where`` and the field."""
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
        raise PaybackError(problems(exc, where)) from None


def load_calibration(path: str | Path, run: int | None = None) -> Calibration:
    """Read a calibration file (TOML), or import a benchmark result (JSON) directly."""
    return load_calibration_with_warnings(path, run)[0]


def load_calibration_with_warnings(
    path: str | Path, run: int | None = None
) -> tuple[Calibration, list[str]]:
    """:func:`load_calibration`, and what to double-check about a benchmark it imported."""
    # the benchmark readers build this module's models: imported here, not at the top
    from payback.measure.benchmarks import read_benchmark_with_warnings

    p = Path(path)
    raw = read_input(p, "a calibration file")
    start = raw.lstrip()[:1]
    if start == b"{" or p.suffix.lower() == ".json":
        return read_benchmark_with_warnings(p, run=run)
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise PaybackError(f"{p}: TOML nested too deeply to be a calibration file") from None
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
    import tomlkit

    data = _drop_none(cal.model_dump())
    doc = tomlkit.document()
    doc.add(tomlkit.comment('payback calibration: use it with `calibration = "<this file>"` on a'))
    doc.add(
        tomlkit.comment(
            "self_hosted option or training job, or as the calibration of `payback estimate`."
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
    import tomlkit

    table = tomlkit.inline_table()
    table.update(value)
    return table
