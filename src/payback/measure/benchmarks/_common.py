"""What every benchmark reader shares: reading the JSON, checking a number, building the
measurement."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from payback.errors import PaybackError
from payback.figures import far_text, limit_text, written_number
from payback.limits import BEYOND_FLOAT, long_number, read_input
from payback.measure.calibration import Percentiles, ServingMeasurement, problems
from payback.scenario.words import beyond_float

__all__ = [
    "AGREEMENT",
    "created_time",
    "disagree",
    "empty_prompts",
    "figure",
    "in_flight_bound",
    "json_objects",
    "json_text",
    "measured",
    "number",
    "offered_load",
    "percentiles",
    "short",
    "whole_or_none",
]


def created_time(value: Any) -> str | None:
    """When a run was, as a calibration file's ``created`` holds it (ISO 8601), from an
    ISO 8601 time or vLLM's ``20250101-120000``; None for anything else, left out: a file
    whose time read otherwise (``Nov 18 2025``) had been written as it was and then refused
    where the calibration was read.

    >>> created_time("20251118-142203"), created_time("2025-11-18T15:41:07.204113")
    ('2025-11-18T14:22:03', '2025-11-18T15:41:07.204113')
    >>> created_time("Nov 18 2025"), created_time(1763478000), created_time(None)
    (None, None, None)
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.datetime.strptime(text, "%Y%m%d-%H%M%S").isoformat()
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None


def json_objects(path: Path) -> list[dict[str, Any]]:
    """The JSON object(s) of a result file: one object, or one per line (vLLM's
    ``--append-result``)."""
    text = _text(path)
    try:
        objects = _json_values(path, text)
    except RecursionError:
        raise PaybackError(f"{path}: JSON nested too deeply to be a benchmark result") from None
    except _Twice as twice:
        raise PaybackError(f"{path}: {twice}; give each key once") from None
    except ValueError:  # a whole number of over 4,300 digits, which Python reads no longer
        raise long_number(text, str(path)) from None
    if not objects or not all(isinstance(o, dict) for o in objects):
        other = next((o for o in objects if not isinstance(o, dict)), None)
        listed = text.lstrip().startswith("[")
        raise PaybackError(
            f"{path}: expected a JSON object (a benchmark result), found "
            + (
                ("an empty list" if not objects else f"a list holding {_kind(other)}")
                if listed
                else _kind(other)
            )
        )
    return objects


def _kind(value: Any) -> str:
    """A JSON value's kind as a sentence says it: a number (1), text, null, a list."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a bare value)"
    if isinstance(value, int | float):
        return f"a number ({json_text(value)})"
    return "text" if isinstance(value, str) else "a list"


class _Twice(ValueError):
    """A key given twice in one JSON object."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's keys, each once: a key given twice is refused (the last would win
    silently, a request rate of 10 read as 1,000)."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Twice(f"the key {json.dumps(key)} is given twice in one object")
        seen[key] = value
    return seen


def _json_values(path: Path, text: str) -> list[Any]:
    """The JSON value of a file (a list's items), or one value per line."""
    try:
        data = json.loads(text, object_pairs_hook=_unique)
    except json.JSONDecodeError as first:
        return _json_lines(path, text, first)
    return data if isinstance(data, list) else [data]


def _text(path: Path) -> str:
    raw = read_input(path, "a benchmark result file (JSON)")
    text = _decoded(path, raw)
    if not text.strip():
        raise PaybackError(f"{path}: is empty; expected a benchmark result (JSON)")
    return text


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),  # before UTF-16's, whose mark it starts with
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
"""Byte-order marks, the codec that reads past them, and the encoding's name."""


def _decoded(path: Path, raw: bytes) -> str:
    """The text of a result file: UTF-8 (with or without a byte-order mark), or UTF-16 or
    UTF-32 with one (as an editor or PowerShell's ``>`` saves it); else one line saying
    what the bytes are (gzip-compressed, UTF-16 without a mark, another encoding)."""
    for mark, codec, name in _BOMS:
        if raw.startswith(mark):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                raise PaybackError(
                    f"{path}: starts as {name} text but does not decode as {name}; save it as UTF-8"
                ) from None
    head = raw[:4096]
    if _utf16_ascii(head):  # valid UTF-8 too: a NUL after each character
        raise PaybackError(f"{path}: UTF-16 text without a byte-order mark; save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    if raw.startswith(b"\x1f\x8b"):
        raise PaybackError(
            f"{path}: gzip-compressed; decompress it first (gunzip), then import the JSON"
        )
    if b"\x00" in head:
        raise PaybackError(f"{path}: not a text file; expected a benchmark result (JSON)")
    raise PaybackError(
        f"{path}: not UTF-8 text (byte {raw[bad]:#04x} at offset {bad:,}, as Latin-1 or "
        "Windows-1252 write one); save it as UTF-8"
    )


def _utf16_ascii(head: bytes) -> bool:
    """ASCII written as UTF-16 (little- or big-endian): every other byte 0, the rest not."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 2:
        return False
    return (odd.count(0) == len(odd) and 0 not in even) or (
        even.count(0) == len(even) and 0 not in odd
    )


_SECTION = re.compile(
    r"^(?:\[\[?\s*(?:scenario|traffic|baseline|alternatives|workloads)\s*[\].]"
    r"|(?:scenario|traffic|baseline|alternatives|workloads):)",
    re.MULTILINE,
)
"""A payback scenario's top-level table, as TOML (``[scenario]``, ``[[alternatives]]``) or
YAML (``scenario:``) starts it."""
_FORMATS = (
    "vLLM's --save-result file, GenAI-Perf's profile_export_genai_perf.json or AIPerf's "
    "profile_export_aiperf.json"
)


def _scenario(path: Path, text: str) -> PaybackError | None:
    """The line for a payback scenario (TOML or YAML) given as a benchmark result: its
    comments may hold commas, which read as a CSV table's first line."""
    if not _SECTION.search(text):
        return None
    kind = "YAML" if path.suffix.lower() in (".yaml", ".yml") else "TOML"
    return PaybackError(
        f"{path}: a payback scenario ({kind}), not a benchmark result; what is imported is a "
        f"serving benchmark's result (JSON): {_FORMATS}"
    )


_CSV_SUFFIXES = (".csv", ".tsv")


def _csv(path: Path, text: str) -> PaybackError | None:
    """The line for a CSV table given as a result (GenAI-Perf and AIPerf write one beside
    their JSON export), by its name or a first line of comma-separated words."""
    first = next((line for line in text.splitlines() if line.strip()), "").strip()
    looks = "," in first and not first.startswith(("{", "[", '"'))
    if path.suffix.lower() not in _CSV_SUFFIXES and not looks:
        return None
    return PaybackError(
        f"{path}: a CSV table, which payback does not import; import the JSON export of "
        "the same run: profile_export_genai_perf.json (GenAI-Perf), "
        "profile_export_aiperf.json (AIPerf) or vLLM's --save-result file"
    )


def _json_lines(path: Path, text: str, first: json.JSONDecodeError) -> list[Any]:
    """One JSON value per non-blank line; ``first`` (the whole text's error) names a first
    line that is not JSON."""
    if text.lstrip().startswith(("# payback calibration", "[calibration]")):
        if path.suffix.lower() != ".json":  # a calibration file itself, given to import
            raise PaybackError(
                f"{path}: a calibration file (TOML), not a benchmark result (JSON): use it as "
                "it is, as the calibration of payback estimate or of a scenario's option"
            )
        raise PaybackError(
            f"{path}: a calibration (TOML) under a .json name, which payback reads as a "
            f"benchmark result (JSON); rename it {path.with_suffix('.toml').name}"
        )
    scenario = _scenario(path, text)
    if scenario is not None:
        raise scenario
    csv = _csv(path, text)
    if csv is not None:
        raise csv
    objects = []
    for count, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            objects.append(json.loads(line, object_pairs_hook=_unique))
        except json.JSONDecodeError:
            raise PaybackError(
                f"{path}: not valid JSON (line {first.lineno}, column {first.colno}: {first.msg})"
                if count == 1
                else f"{path}: line {count} is not valid JSON"
            ) from None
    return objects


def number(
    data: Mapping[str, Any],
    key: str,
    where: str,
    *,
    positive: bool = False,
    whole: bool = False,
    at_most: float | None = None,
    unit: str = "",
) -> float | None:
    """``data[key]`` as a float, or None when absent; one line naming it when it is not a
    finite number (≥ 0; > 0 with ``positive``; a whole number with ``whole``; ≤ ``at_most``,
    said in ``unit``, which may go on to say why). The value is shown as the file wrote it,
    a whole number of 400 digits shortened (``1e+400``), which is past the largest float."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PaybackError(f"{where}: {key} = {json_text(value)}: expected a finite number")
    if isinstance(value, float) and not math.isfinite(value):
        raise PaybackError(f"{where}: {key} = {json_text(value)}: expected a finite number")
    problem = None
    if positive and value <= 0:
        problem = "must be > 0"
    elif value < 0:
        problem = "must be ≥ 0"
    elif whole and isinstance(value, float) and not value.is_integer():
        problem = "must be a whole number"
    elif at_most is not None and value > at_most:
        problem = f"must be ≤ {limit_text(at_most)}{unit}"
    elif beyond_float(value):
        problem = BEYOND_FLOAT
    if problem:
        raise PaybackError(f"{where}: {key} = {written_number(value)}: {problem}")
    return float(value)


def json_text(value: Any) -> str:
    """A value as the result file spells it (``null``, ``true``, ``"17.5"``, ``{"x": 1}``,
    ``NaN``), a number of 400 digits shortened (``1e+400``), text as JSON writes it
    (``"µs"``, not Python's ``'µs'``).

    >>> json_text(True), json_text("17.5"), json_text({"x": 1}), json_text(float("nan"))
    ('true', '"17.5"', '{"x": 1}', 'NaN')
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return written_number(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not a JSON value (never from a file): as Python has it
        return repr(value)


def figure(value: float) -> str:
    """A figure a benchmark's line computes (requests, tokens), whole, with separators, in
    powers of ten past 10^18 (1e300 requests were printed with 301 digits).

    >>> figure(1003.0), figure(1e308)
    ('1,003', '1×10³⁰⁸')
    """
    return far_text(value) or f"{value:,.0f}"


def short(value: float) -> str:
    """A rate or duration a line shows, to four figures, whole with separators from 10,000
    (``17.69``, ``17,695``) and in powers of ten past 10^18."""
    if 1e4 <= abs(value) < 1e18:
        return f"{value:,.0f}"
    return far_text(value) or f"{value:,.4g}"


def empty_prompts(where: str, said: str, completed: float | None) -> PaybackError:
    """The line for a run whose prompts held no tokens (``said``: the field and its 0):
    every request sends at least one, so its requests failed or its dataset was not read,
    and a capacity measured so leaves out prefill, which a scenario's prompts then add
    nothing to."""
    over = f" over {figure(completed)} completed requests" if completed else ""
    return PaybackError(
        f"{where}: {said}: no prompt tokens{over}, where each request sends at least one "
        "(requests that failed, or a dataset not read?); rerun the benchmark: a capacity "
        "measured without prompts leaves out their prefill"
    )


def whole_or_none(value: Any) -> int | None:
    """A positive whole number (64 or 64.0), else None (null, "inf", true, 0); a whole
    number past the largest float is one, which its field's bound refuses."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    return int(value) if value >= 1 else None


def measured(where: str, names: Mapping[str, str], **fields: Any) -> ServingMeasurement:
    """The serving measurement; one line per field out of range, naming ``where`` and the
    field by the result file's name for it (``names``: vLLM's ``max_concurrency`` for
    ``concurrency``), where it has one."""
    try:
        return ServingMeasurement(**fields)
    except ValidationError as exc:
        lines = problems(exc, where)
    for ours, theirs in names.items():
        lines = [line.replace(f"{where}: {ours} = ", f"{where}: {theirs} = ", 1) for line in lines]
    raise PaybackError(lines)


AGREEMENT = 0.01
"""How far (a share) a rate may be from the counts it is written from, as the tools write
it (requests/s from completed / duration): further, one of them was edited, mixed from
another run or read in the wrong unit."""


def disagree(given: float, computed: float) -> bool:
    """Whether ``given`` is more than :data:`AGREEMENT` from ``computed``."""
    if not computed > 0:  # a count over a duration past the largest float: 0
        return given != computed
    return not abs(given / computed - 1.0) <= AGREEMENT


_RANKS = ("p50", "p90", "p99")


def percentiles(
    values: Mapping[str, float | None], where: str, names: Mapping[str, str]
) -> Percentiles | None:
    """The latency percentiles present [ms], or None when there are none; one line when a
    higher percentile is below a lower one (p50 ≤ p90 ≤ p99 of any list of latencies),
    naming both by the result file's fields (``names``: ``p99`` as ``p99_ttft_ms``)."""
    kept = {k: v for k, v in values.items() if v is not None}
    ranked = [(k, kept[k]) for k in _RANKS if k in kept]
    for (low, below), (high, above) in itertools.pairwise(ranked):
        if above < below * (1.0 - 1e-9):  # a rounding's worth below is as written
            raise PaybackError(
                f"{where}: {names[high]} = {short(above)} ms is below {names[low]} = "
                f"{short(below)} ms, where a higher percentile is never lower "
                "(p50 ≤ p90 ≤ p99); correct whichever was changed"
            )
    return Percentiles(**kept) if kept else None


KEPT_UP = 0.95
"""A run at a request rate that served at least this share of the rate it offered kept up
with it: it measured the load offered, not what the replica can serve. Random (Poisson)
arrivals put the rate a run actually sends a few % from the one asked for (1/√N of it, 3%
over 1,000 requests), and the last requests' latency lengthens the run past the last
arrival, so a server that kept up serves a few % under or over the rate offered; one that
could not serves well under it. Warned, not refused: the rate served is still a rate the
replica sustained, a floor under its capacity, which sizes more replicas than needed
(costs overstated, never understated)."""


def offered_load(serving: ServingMeasurement, where: str) -> list[str]:
    """A warning when a run at a request rate served about the rate it offered
    (:data:`KEPT_UP`): the server kept up, so the run measured the demand, not capacity."""
    offered, served = serving.request_rate, serving.replica_requests_per_s
    if offered is None or serving.concurrency is not None or served < KEPT_UP * offered:
        return []
    return [
        f"{where}: the run offered {short(offered)} requests/s and served {short(served)}: it "
        "measured the offered load, not the replica's capacity; benchmark at a concurrency, "
        "or with more requests/s than it serves"
    ]


LITTLE_TOLERANCE = 0.25
"""How far over its clients' bound a run's requests/s may be: a closed loop of C clients
whose requests take a mean L seconds end to end completes at most C / L requests a second
(Little's law: requests in flight = rate × time each spends; never more than C in flight).
A run's rate and mean latency are taken over slightly different spans (the start, as the
clients ramp up, and the tail), which moves them a few %: past 25% over, one of the figures
was edited, mixed from another run, or counts more than one replica."""


def in_flight_bound(serving: ServingMeasurement, where: str, names: Mapping[str, str]) -> None:
    """Refuse a run at a fixed concurrency that completed more requests a second than its
    clients can at its mean end-to-end latency (:data:`LITTLE_TOLERANCE`), naming the
    file's fields (``names``: requests/s, concurrency and mean latency)."""
    clients, latency = serving.concurrency, serving.e2el_ms
    if clients is None or latency is None or not latency.mean:
        return
    bound = clients / (latency.mean / 1e3)
    rps = serving.replica_requests_per_s
    if rps <= bound * (1.0 + LITTLE_TOLERANCE):
        return
    raise PaybackError(
        f"{where}: {names['rps']} = {short(rps)} requests/s is more than {names['clients']} = "
        f"{clients:,} clients can complete at {names['latency']} = {short(latency.mean)} ms: at "
        f"most {clients:,} / {short(latency.mean / 1e3)} s = {short(bound)} requests/s (each "
        "client has one request in flight; 25% over is allowed); correct whichever was "
        "changed, or import one replica's run"
    )
