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
import textwrap
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from payback.counts import Whole
from payback.errors import PaybackError
from payback.hardware.calibration import DecodePoint, Factors
from payback.hardware.serving import Precision
from payback.hardware.training import Method
from payback.limits import long_number, read_input

__all__ = [
    "MAX_LATENCY_MS",
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
    # strict as a scenario's schema: "0.7" in quotes is text, not the number 0.7
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


MAX_LATENCY_MS = 1e9
"""The longest latency a benchmark may give [ms]: over 11 days, past any request's; one
longer is a unit slip (nanoseconds or microseconds written as milliseconds)."""


class Percentiles(_Model):
    """A latency's distribution over the benchmark's requests [ms]."""

    mean: float | None = Field(None, ge=0.0, le=MAX_LATENCY_MS)
    p50: float | None = Field(None, ge=0.0, le=MAX_LATENCY_MS)
    p90: float | None = Field(None, ge=0.0, le=MAX_LATENCY_MS)
    p99: float | None = Field(None, ge=0.0, le=MAX_LATENCY_MS)


class ServingMeasurement(_Model):
    """What one replica served in a benchmark run."""

    replica_requests_per_s: float = Field(gt=0.0, le=1e6)
    """Completed requests per second."""
    output_tokens_per_s: float = Field(ge=0.0, le=1e9)
    """Output tokens per second."""
    input_tokens: float = Field(gt=0.0, le=1e7)
    """Mean prompt tokens per request (every request sends at least one: a mean of 0 is a
    run whose prompts were lost)."""
    output_tokens: float = Field(gt=0.0, le=1e6)
    """Mean output tokens per request."""
    completed: Whole | None = Field(None, ge=1)
    """Requests that completed."""
    duration_s: float | None = Field(None, gt=0.0)
    """Length of the run [s]."""
    concurrency: Whole | None = Field(None, ge=1, le=1_000_000)
    """Requests kept in flight (closed loop); none for an open-loop run at a request rate."""
    request_rate: float | None = Field(None, gt=0.0, le=1e6)
    """Requests per second offered (open loop); none when unlimited."""
    gpus_per_replica: Whole | None = Field(None, ge=1, le=1024)
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
    training_tokens: Whole | None = Field(None, ge=1)
    """Tokens per training step (micro-batch)."""
    training_tokens_per_s: float | None = Field(None, gt=0.0)
    training_estimated_tokens_per_s: float | None = Field(None, gt=0.0)
    prefill_tokens: Whole | None = Field(None, ge=1)
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

    @model_validator(mode="after")
    def _kind_matches(self) -> Calibration:
        """``kind`` says what the file holds: a benchmark's [serving], or what ``payback
        calibrate`` measured ([measured], [factors]); a file that says one and holds the
        other was edited by hand, and is refused rather than used as the other."""
        held = [name for name in ("serving", "measured", "factors") if getattr(self, name)]
        shown = (
            ", ".join(f"[{name}]" for name in held) or "none of [serving], [measured], [factors]"
        )
        if self.kind == "benchmark" and (self.serving is None or self.measured or self.factors):
            raise ValueError(
                f'calibration.kind = "benchmark": a benchmark file holds [serving] alone; this one '
                f"holds {shown}"
                + (
                    '; what `payback calibrate` writes is kind = "calibration"'
                    if not self.serving
                    else ""
                )
            )
        if self.kind == "calibration" and self.serving is not None:
            raise ValueError(
                f'calibration.kind = "calibration": a `payback calibrate` file holds [measured] and '
                f'[factors]; this one holds {shown}; an imported benchmark is kind = "benchmark"'
            )
        return self

    @model_validator(mode="after")
    def _overheads_fit(self) -> Calibration:
        """A decode step's overheads are seconds a part of each step: one measured on a GPU
        past :data:`payback.hardware.calibration.GPU_OVERHEAD_LIMITS`, or past the decode
        steps the file measured (a fit's overhead is at most the longest of them:
        :func:`payback.hardware.calibration.fit_decode`), is a unit slip (milliseconds
        written as seconds), refused in one line a factor rather than priced as steps of a
        second."""
        from payback.hardware.calibration import overhead_problems

        if self.factors is None:
            return self
        steps = [point.measured_ms for point in (self.measured.decode if self.measured else [])]
        lines = overhead_problems(self.factors, steps, on_gpu=not self.on_cpu)
        if lines:
            raise ValueError("\n".join(lines))
        return self

    @property
    def on_cpu(self) -> bool:
        """Whether ``payback calibrate`` measured it on a CPU: it names no GPU and its device
        is the CPU (``CPU x86_64``, as :mod:`payback.measure.calibrate` names it)."""
        device = (self.device or "").strip().lower()  # "cpu" written by hand as well
        return self.kind == "calibration" and self.gpu is None and device.startswith("cpu")


# -- calibration files -----------------------------------------------------------


_HEAD = (
    "kind",
    "tool",
    "created",
    "file",
    "model",
    "served_model",
    "gpu",
    "device",
    "precision",
)
"""The fields of the file's ``[calibration]`` table (its other tables are fields of
:class:`Calibration` too: the file's tables are read as one)."""
_TABLES = ("calibration", "serving", "measured", "factors")

_LIST_WORDS = {"decode": "must be a list of tables", "notes": "must be a list of text"}
"""A calibration's lists, where a scenario's words (a list of [[alternatives]]) do not fit."""


def problems(exc: ValidationError, where: str) -> list[str]:
    """One line per invalid field of a calibration (or of one of its tables: the model
    validated is ``exc.title``), naming ``where``, the field's table and name, the value
    and what is allowed, in a scenario's words (:mod:`payback.scenario.words`).

    >>> try:
    ...     Factors(bandwidth_efficiency=5.0)
    ... except ValidationError as exc:
    ...     print(problems(exc, "cal.toml")[0])
    cal.toml: bandwidth_efficiency = 5.0: must be ≤ 1 (a share of the device's peak memory bandwidth: what decode steps reach)
    """
    root = _MODELS.get(exc.title, Calibration)
    out = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        if root is Calibration and len(loc) == 1 and loc[0] not in _TABLES[1:]:
            loc = ["calibration", *loc]  # a field of the [calibration] table
        out += [f"{where}: {line}" for line in _problem(err, loc, root).split("\n")]
    return list(dict.fromkeys(out))


def _model_at(root: type[BaseModel], loc: list[str]) -> type[BaseModel] | None:
    """The model that holds the field at ``loc`` (``None`` past a list's index or a name
    no model takes)."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if model is None or part.isdigit():
            continue
        if model is Calibration and part == "calibration":
            continue
        field = model.model_fields.get(part)
        inner = _MODELS.get(_inner_name(field.annotation)) if field is not None else None
        model = inner
    return model


def _inner_name(annotation: Any) -> str:
    """The name of the calibration model an annotation holds (inside ``| None`` or a list)."""
    for name in _MODELS:
        if name in str(annotation):
            return name
    return ""


def _problem(err: Any, loc: list[str], root: type[BaseModel]) -> str:
    """One validation error as ``path = value: what is allowed``."""
    from payback.nearby import nearest
    from payback.scenario.messages import show_value
    from payback.scenario.words import (
        BOUND_ERRORS,
        TYPE_WORDS,
        as_number,
        beyond_float,
        beyond_float_words,
        bound_words,
    )

    path, field, kind = ".".join(loc), loc[-1] if loc else "", err["type"]
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) or kind == "missing" else f" = {show_value(value)}"
    model = _model_at(root, loc)
    if kind == "value_error":  # the kind does not match the tables: its own line
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if kind == "extra_forbidden":
        if root is Calibration and field in _TABLES and isinstance(value, dict):
            return _misplaced(loc)  # [factors.measured], or factors = {…} in [measured]
        if root is Calibration and len(loc) == 2 and isinstance(value, dict):
            allowed = ", ".join(f"[{t}]" for t in _TABLES)
            meant = nearest(field, _TABLES)
            near = f"did you mean [{meant}]? " if meant else ""
            return f"[{field}]: unknown table; {near}allowed: {allowed}"
        head = root is Calibration and loc[0] == "calibration"
        names = list(_HEAD) if head else list(model.model_fields) if model else []
        close = nearest(field, names)
        near = f"did you mean {close!r}? " if close else ""
        table = f"[{'.'.join(loc[:-1])}]" if len(loc) > 1 else "the file"
        return f"{path}{shown}: unknown field in {table}; {near}allowed: {', '.join(names)}"
    if kind == "missing":
        return f"{path}: required field is missing{_meaning(model, field)}"
    if kind in BOUND_ERRORS:
        return f"{path}{shown}: {bound_words(kind, err.get('ctx', {}))}{_meaning(model, field)}"
    if kind == "float_type" and beyond_float(value):  # 400 digits: "not a valid number"
        return f"{path}{shown}: {beyond_float_words(model, field, value)}{_meaning(model, field)}"
    if kind == "literal_error":
        return f"{path}{shown}: allowed: {err.get('ctx', {}).get('expected', '')}"
    if kind == "list_type" and field in _LIST_WORDS:
        return f"{path}{shown}: {_LIST_WORDS[field]}{_meaning(model, field)}"
    if kind in TYPE_WORDS:
        return f"{path}{shown}: {TYPE_WORDS[kind]}{as_number(value)}{_meaning(model, field)}"
    return f"{path}{shown}: {err['msg']}"


def _misplaced(loc: list[str]) -> str:
    """The line for one of the file's tables written inside another."""
    field, inside = loc[-1], ".".join(loc[:-1])
    return (
        f"{'.'.join(loc)}: [{field}] is a table of its own, not inside [{inside}]: write it "
        f"under a [{field}] header of its own"
    )


def _created_problems(value: Any) -> list[str]:
    """A ``created`` that is no date or time (ISO 8601), as one line; none for one that is
    (or for a value of another type, which the schema refuses)."""
    from payback.scenario.messages import show_value

    if not isinstance(value, str):
        return []
    try:
        dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return [
            f"calibration.created = {show_value(value)}: must be a date or a date and time "
            "(ISO 8601: 2026-11-28 or 2026-11-28T06:52:19), or left out (when the "
            "measurement ran or the file was made)"
        ]
    return []


def _meaning(model: type[BaseModel] | None, field: str) -> str:
    """`` (what the field is)``, from the docstring under it; empty without one."""
    from payback.scenario.docstrings import field_docstring

    doc = field_docstring(model, field).replace("``", "") if model else ""
    doc = doc.split(". ")[0].rstrip(".")
    if not doc:
        return ""
    doc = doc.split(" (")[0] if len(doc) > 90 else doc
    first = doc.split(" ")[0]  # an acronym keeps its capitals: GPUs, not gPUs
    return f" ({doc if first[1:2].isupper() else doc[0].lower() + doc[1:]})"


def calibration_from_data(data: Mapping[str, Any], where: str) -> Calibration:
    """Validate a calibration's table; :class:`PaybackError` names each bad field."""
    lines = [f"{where}: {line}" for line in _created_problems(data.get("created"))]
    try:
        cal = Calibration.model_validate(dict(data))
    except ValidationError as exc:
        lines += problems(exc, where)
    if lines:
        raise PaybackError(lines)
    return cal


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
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except RecursionError:
        raise PaybackError(f"{p}: TOML nested too deeply to be a calibration file") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        if start == b"[":  # a JSON list of runs, perhaps
            with contextlib.suppress(PaybackError):
                return read_benchmark_with_warnings(p, run=run)
        if isinstance(exc, UnicodeDecodeError):
            raise PaybackError(_not_text(p, raw, exc)) from None
        raise PaybackError(
            f"{p}: not a calibration file (TOML from `payback calibrate` or `payback import-benchmark`) "
            f"nor a benchmark result (JSON): {exc}"
        ) from None
    except ValueError:  # a whole number of over 4,300 digits, which Python reads no longer
        raise long_number(text, str(p), toml=True) from None
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
    inside = [name for name in _TABLES[1:] if isinstance(top.get(name), dict)]
    if inside:  # [calibration.factors] would be read as [factors], or lost beside one
        raise PaybackError([f"{p}: {_misplaced(['calibration', name])}" for name in inside])
    if isinstance(top.get("created"), dt.date | dt.datetime):
        top["created"] = top["created"].isoformat()
    if isinstance(top.get("precision"), str):  # "FP8" as the command line takes it
        top["precision"] = top["precision"].lower()
    cal = calibration_from_data({**top, **data}, str(p))
    from payback.measure.benchmarks._common import offered_load, percentiles

    if cal.serving is None:
        return cal, []
    for name in ("ttft_ms", "tpot_ms", "itl_ms", "e2el_ms"):  # in order, as a result's are
        latency = getattr(cal.serving, name)
        if latency is not None:
            names = {k: f"serving.{name}.{k}" for k in ("p50", "p90", "p99")}
            percentiles(latency.model_dump(), str(p), names)
    return cal, offered_load(cal.serving, str(p))


def _not_text(p: Path, raw: bytes, exc: UnicodeDecodeError) -> str:
    """The line for a file that is no UTF-8 text: where its first such byte is, as a
    scenario file's (:func:`payback.scenario.io._bad_byte`); a compressed one is said to be."""
    from payback.scenario.io import _bad_byte

    if raw.startswith(b"\x1f\x8b"):
        return (
            f"{p}: compressed (gzip), not a calibration file (TOML) nor a benchmark result "
            f"(JSON): decompress it first (gunzip {p.name}) and give the file it holds"
        )
    what = "not a text file" if b"\x00" in raw else "not UTF-8 text"
    return (
        f"{p}: {what} (a calibration file is UTF-8 TOML, a benchmark result JSON): "
        f"{_bad_byte(raw, exc)}"
    )


def scenario_calibration(
    file: str, base_dir: Path | None, where: str
) -> tuple[Calibration, list[str]]:
    """The calibration a scenario field (``where``) names, relative to the scenario's
    folder, with what to double-check; its problems name the field and the value."""
    if not file.strip():  # "" is the scenario's folder as a path: said as empty
        raise PaybackError(
            f"{where} = {file!r}: an empty path; name a calibration file (`payback calibrate` "
            "or `payback import-benchmark` writes one), or leave calibration out for the "
            "estimate's defaults"
        )
    location = Path(file)
    if not location.is_absolute() and base_dir is not None:
        location = base_dir / location
    from payback.measure.benchmarks import RUN_ADVICE, SCENARIO_RUN_ADVICE

    try:
        cal, warnings = load_calibration_with_warnings(location)
    except PaybackError as exc:
        raise PaybackError([f"{where} = {file!r}: {m}" for m in exc.messages]) from None
    return cal, [line.replace(RUN_ADVICE, SCENARIO_RUN_ADVICE) for line in warnings]


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
    for line in textwrap.wrap(_use(cal), 88, break_on_hyphens=False):
        doc.add(tomlkit.comment(line))
    head = tomlkit.table()
    for key in _HEAD:
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


def _use(cal: Calibration) -> str:
    """What the file is used for, by what it holds: a serving benchmark, the capacity of a
    scenario's option; ``payback calibrate``'s factors, the estimates they were fitted for.

    >>> print(_use(Calibration(kind="calibration", tool="t", factors=Factors(prefill_mfu=0.6))))
    payback calibration: utilisation factors measured by t. Use it with
    `calibration = "<this file>"` on a self_hosted option, or give it to `payback estimate
    serving`.
    """
    from payback.hardware.calibration import SERVING_FACTORS

    if cal.serving is not None:
        return (
            "payback calibration, a serving benchmark: its measured capacity and latency. Use "
            'it with `calibration = "<this file>"` on a scenario\'s self_hosted option of the '
            "model, GPU and precision it measured; `payback estimate` takes the utilisation "
            "factors of `payback calibrate` instead."
        )
    if cal.on_cpu:
        return (
            f"payback calibration: utilisation factors measured by {cal.tool} on a CPU "
            f"({cal.device}); estimates for a GPU refuse them: calibrate on the GPU you serve "
            "on for factors to use."
        )
    factors = cal.factors
    places, commands = [], []
    if factors is not None and any(getattr(factors, n) is not None for n in SERVING_FACTORS):
        places.append("a self_hosted option")
        commands.append("`payback estimate serving`")
    if factors is not None and factors.training_mfu_ratio is not None:
        places.append("a training job")
        commands.append("`payback estimate training`")
    if not places:
        return f"payback calibration measured by {cal.tool}: it holds no utilisation factors."
    return (
        f"payback calibration: utilisation factors measured by {cal.tool}. Use it with "
        f'`calibration = "<this file>"` on {" or ".join(places)}, or give it to '
        f"{' or '.join(commands)}."
    )


def _inline(value: Mapping[str, Any]) -> Any:
    import tomlkit

    table = tomlkit.inline_table()
    table.update(value)
    return table


_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (Calibration, ServingMeasurement, Percentiles, Measured, Factors, DecodePoint)
}
"""The models of a calibration file, by name (a validation error's ``title``)."""
