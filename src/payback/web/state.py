"""What the page does besides drawing: hold the scenario and the changes made to it,
read what is typed into a box, sort messages to the inputs they are about, and time one
change. No Streamlit here, so it is testable."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

from payback.analysis.result import Analysis, analyze
from payback.analysis.verdict import months_text, saves_nothing
from payback.errors import PaybackError
from payback.figures import whole_text
from payback.money import fine_usd
from payback.report.common import (
    is_rate,
    pays_back_text,
    quarter_text,
)
from payback.report.labels import input_label
from payback.scenario import (
    Scenario,
    marked_values,
    parse_scenario,
    scenario_data_from_text,
    scenario_format,
    scenario_text,
)
from payback.scenario.distributions import DISTS
from payback.scenario.io import Format
from payback.scenario.paths import FieldRange, schema_range
from payback.scenario.schema import KINDS
from payback.studies.solve import METRICS, parse_target, solve, takes
from payback.web.take import quarter_words, solution_words
from payback.web.typed import ascii_number, read_number, show_number
from payback.web.words import NO_FOLDER, in_page_words, lines_in_page_words

SECTIONS = (
    "scenario",
    "traffic",
    "baseline",
    "alternative",
    "one_time",
    "recurring",
    "quality",
    "general",
)


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path in a raw scenario table (creating tables on the way);
    ``None`` removes the key (and makes no table), as :func:`payback.scenario.edit.with_values`
    does to the file's text."""
    node: Any = data
    *parents, last = path.split(".")
    for part in parents:
        if value is None and not isinstance(node, list) and node.get(part) is None:
            return  # nothing to remove: no table is made for it
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value


def get_path(data: Mapping[str, Any], path: str, default: Any = None) -> Any:
    node: Any = data
    for part in path.split("."):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return default
            node = node[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return default
    return node


def central(value: Any) -> Any:
    """A field's number: itself, or a distribution table's central value (the one the
    analysis uses, from :mod:`payback.scenario.distributions`); ``None`` for a malformed table."""
    if isinstance(value, Mapping) and value.get("dist") in DISTS:
        try:
            return DISTS[value["dist"]].model_validate(dict(value)).central()
        except ValidationError:
            return None
    return value


def apply_edits(raw: Mapping[str, Any], edits: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with ``edits`` (dotted path → value) applied. An edit equal to a
    distribution's central value keeps the distribution (the user did not change it)."""
    data = copy.deepcopy(dict(raw))
    for path, value in edits.items():
        current = get_path(data, path)
        if isinstance(current, Mapping) and "dist" in current and value == central(current):
            continue
        set_path(data, path, value)
    return data


def message_path(message: str) -> str:
    """The dotted path a one-line message names first (``traffic.requests_per_month``)."""
    return message.split(" ", 1)[0].split("=")[0].rstrip(":")


def section_of(message: str) -> str:
    """Which input section a one-line message is about, from the path it names."""
    head = message_path(message)
    if ".quality" in head or ".latency" in head:
        return "quality"
    if head.startswith("traffic"):
        return "traffic"
    if head.startswith("baseline"):
        return "baseline"
    if head.startswith("scenario"):
        return "scenario"
    if head.startswith("alternatives"):
        if ".one_time" in head:
            return "one_time"
        if ".recurring" in head:
            return "recurring"
        return "alternative"
    return "general"


def read_upload(name: str, content: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    """An uploaded scenario's raw table, read in memory and validated, or the problems
    with it (the command line's messages, naming the file, in the page's words): a file
    over :data:`payback.limits.MAX_SCENARIO_BYTES` as the command line refuses it (the
    page's uploader takes more, so that this line is said: see ``payback serve``)."""
    from payback.limits import MAX_SCENARIO_BYTES, check_size

    fmt = scenario_format(name)
    try:
        check_size(name, len(content), "a scenario file", MAX_SCENARIO_BYTES)
        data = scenario_data_from_text(scenario_text(content, name), fmt, name)
        parse_scenario(data, name)
    except PaybackError as exc:  # bytes not UTF-8 too, in the command line's words
        return None, lines_in_page_words(exc.messages)
    return data, []


@dataclass(frozen=True)
class Outcome:
    """A scenario built from the page's inputs and its analysis, or the problems with it."""

    data: dict[str, Any]
    scenario: Scenario | None
    analysis: Analysis | None
    problems: dict[str, list[str]]
    seconds: float
    """Time from the inputs to the analysis (the page's responsiveness)."""


def evaluate_inputs(
    raw: Mapping[str, Any], edits: Mapping[str, Any], base_dir: Path | None = None
) -> Outcome:
    """Build, validate and analyze the edited scenario; sort any problems by section (in
    the page's words: :func:`payback.web.words.in_page_words`).

    ``base_dir`` is the folder of the file the page opened: the scenario's relative paths
    (a calibration, a config.json) are read from there."""
    start = time.perf_counter()
    data = apply_edits(raw, edits)
    problems: dict[str, list[str]] = {}
    scenario = analysis = None
    try:
        scenario = parse_scenario(data, source="page")
        scenario.base_dir = base_dir
        analysis = analyze(scenario)
    except PaybackError as exc:
        for message in exc.messages:
            text = in_page_words(message.removeprefix("page: "))
            if base_dir is None and text.endswith(": no such file"):
                text += NO_FOLDER
            problems.setdefault(section_of(text), []).append(text)
    return Outcome(data, scenario, analysis, problems, time.perf_counter() - start)


@dataclass(frozen=True)
class Figure:
    """One figure of the answer as the page shows it: its slot (the element's key), label,
    value and the help behind its question mark."""

    slot: str
    label: str
    value: str
    help: str | None = None


def answer_figures(alt: Any, horizon: int) -> list[Figure]:
    """The four figures of the answer for one alternative (of an :class:`Analysis` or of a
    portfolio's: both give the break-even, its requests, the quarter and the NPV), each as
    ``payback analyze`` writes it in its table: the break-even month to two places and the
    requests to every digit ("month 1.54, after 30,769 requests"), the NPV in cents below
    $1,000 and under a cent as its verdict says it (``fine_usd``: "-$0.00041")."""
    requests = alt.break_even_requests
    if saves_nothing(alt.cumulative_savings_usd):  # month 0 by the formula, no payback
        requests = None
    reason = getattr(alt, "reason", None)
    return [
        Figure(
            "month",
            "Break-even",
            pays_back_text(alt, horizon, 2),
            None if reason is None else f"Why not: {reason}",
        ),
        Figure(
            "requests",
            "Requests until then",
            "—" if requests is None else whole_text(requests),
            None
            if requests is None
            else "Requests from the start of month 1 to the break-even, counted inside "
            "the month it falls in.",
        ),
        Figure("quarter", "Within a quarter?", quarter_text(alt.pays_back_within)),
        Figure("npv", f"NPV over {months_text(horizon)}", fine_usd(alt.npv_usd)),
    ]


def solvable_inputs(analysis: Analysis, index: int | None = None) -> list[str]:
    """The inputs "what would it take" can solve for: every engine input without a
    distribution, traffic first; with ``index``, the scenario's and that alternative's own
    that solve takes (:func:`payback.studies.solve.takes`)."""
    scenario = analysis.scenario
    paths = [p for p in analysis.input_paths if p not in scenario.distributions]
    if index is not None:
        mine = f"alternatives.{index}."
        paths = [p for p in paths if not p.startswith("alternatives.") or p.startswith(mine)]
        paths = [p for p in paths if takes(analysis.resolved, p)]
    first = "traffic.requests_per_month"
    return ([first] if first in paths else []) + [p for p in paths if p != first]


def what_it_takes(
    analysis: Analysis, index: int, parameter: str, metric: str, value: float
) -> list[str]:
    """``payback solve``'s answer for the page (:func:`solution_words`): the value of
    ``parameter`` at which alternative ``index`` meets ``metric = value``, or the one-line
    problem."""
    if metric not in METRICS:
        return [f"unknown target {metric!r}; allowed: {', '.join(METRICS)}"]
    number = f"{int(value)}" if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = f"{metric}={number}"
    try:
        target = parse_target(text)
        solution = solve(analysis.resolved, parameter, target, index)
    except PaybackError as exc:
        # the page's own words: the target or input it was given, then what is wrong
        words = {"target": text, "vary": parameter}
        if exc.param in words and exc.allowed is not None:
            return [in_page_words(f"{words[exc.param]}: {exc.allowed}")]
        return lines_in_page_words(exc.messages)
    return solution_words(solution) + quarter_words(analysis, index, solution)


# ---------------------------------------------------------------- the scenario the page holds


def traffic_routes(data: Any) -> dict[str, str]:
    """Where the traffic boxes write in a file with workloads: each ``traffic.F`` the file's
    own ``[traffic]`` leaves out is the first workload's ``workloads.0.traffic.F``.

    >>> traffic_routes({"workloads": [{"name": "a", "traffic": {"requests_per_month": 1}}]})[
    ...     "traffic.requests_per_month"
    ... ]
    'workloads.0.traffic.requests_per_month'
    >>> traffic_routes({"traffic": {"requests_per_month": 1}})
    {}
    """
    from payback.scenario.schema import Traffic

    if not isinstance(data, Mapping):
        return {}
    workloads = data.get("workloads")
    first = workloads[0] if isinstance(workloads, list) and workloads else None
    given = data.get("traffic", {})
    if not (isinstance(first, Mapping) and isinstance(first.get("traffic"), Mapping)):
        return {}
    if not isinstance(given, Mapping):
        return {}
    return {
        f"traffic.{name}": f"workloads.0.traffic.{name}"
        for name in Traffic.model_fields
        if name not in given
    }


@dataclass
class Held:
    """The scenario the page holds: the file as opened (its text and its table) and the
    changes made on the page, by dotted path (``None`` removes a field). What the page
    shows is computed from :meth:`data`; the download, :meth:`file_text`, writes the same
    values into the file's own text, its comments and layout kept."""

    name: str
    text: str
    raw: dict[str, Any]
    base: Path | None = None
    """The opened file's folder, where its relative paths (a calibration) are read from."""
    edits: dict[str, Any] = field(default_factory=dict)
    routes: dict[str, str] = field(default_factory=dict)
    """A box's path → the path in the file its value is written to: a file with workloads
    and no ``[traffic]`` field of that name shows the first workload's traffic in the
    traffic boxes, and a change there is that workload's (the portfolio's answer reads
    it; a ``[traffic]`` table written beside the workloads only moved the one-workload
    view)."""
    set_aside: dict[str, Any] = field(default_factory=dict)
    """A field's path → the value it had when its input was last shown: a self-hosted
    option's serving inputs of the mode not shown (catalog or typed) are left out of the
    scenario, and start from these values when their mode is shown again."""

    @classmethod
    def from_text(cls, name: str, text: str, base: Path | None = None) -> Held:
        """A file's text, read (raises :class:`PaybackError` naming ``name``); a file with
        workloads and no ``[traffic]`` shows the first workload's in the traffic boxes."""
        from payback.scenario.workloads import workload_defaults

        data = scenario_data_from_text(text, scenario_format(name), name)
        return cls(name, text, workload_defaults(data), base, routes=traffic_routes(data))

    @classmethod
    def from_data(cls, name: str, data: Mapping[str, Any], base: Path | None = None) -> Held:
        """A scenario table, held as if opened from a TOML file that says just that."""
        import tomlkit

        return cls(name, tomlkit.dumps(copy.deepcopy(dict(data))), copy.deepcopy(dict(data)), base)

    @property
    def fmt(self) -> Format:
        return scenario_format(self.name)

    def data(self) -> dict[str, Any]:
        """The scenario's table with the page's changes (a routed one in both places: the
        first workload's traffic and the ``[traffic]`` the one-workload view reads)."""
        data = apply_edits(self.raw, self.edits)
        for path, value in self.edits.items():
            if path in self.routes:
                set_path(data, self.routes[path], value)
        return data

    def value(self, path: str) -> Any:
        """The number (a range's central value) or setting at ``path`` with the page's
        changes; ``None`` where the file leaves it out."""
        if path in self.edits:
            return self.edits[path]
        return central(get_path(self.raw, path))

    def has(self, path: str) -> bool:
        """Whether the scenario the page holds has a table (or value) at ``path``."""
        if path in self.edits:
            return self.edits[path] is not None
        if any(p.startswith(f"{path}.") and v is not None for p, v in self.edits.items()):
            return True
        return get_path(self.raw, path) is not None

    def set(self, path: str, value: Any) -> None:
        """Record a value; the file's own value (a range's central value) is no change.
        A table removed (``None``) takes the changes inside it along."""
        if value is None:
            for inside in [p for p in self.edits if p.startswith(f"{path}.")]:
                del self.edits[inside]
        if value == central(get_path(self.raw, path)):
            self.edits.pop(path, None)
        else:
            self.edits[path] = value

    def file_text(self) -> str:
        """The file's text with the page's changes, as the download gives it: a comment on
        the line of a value changed (or of the inline table that holds it) marked with the
        value it was written about (``# was 0.08: ...``, one mark however often the file is
        downloaded, opened and changed: :mod:`payback.scenario.comments`), every other line
        as the file has it."""
        if not self.edits:
            return self.text
        return marked_values(
            self.text, self.fmt, {self.routes.get(p, p): v for p, v in self.edits.items()}
        )

    def download_name(self) -> str:
        stem = Path(self.name).stem or "scenario"
        return f"{stem}.{'yaml' if self.fmt == 'yaml' else 'toml'}"


@dataclass(frozen=True)
class NumberField:
    """A number the page asks for: its words, unit and what the schema allows."""

    path: str
    label: str
    percent: bool
    whole: bool
    allowed: FieldRange
    default: float | None
    """The schema's value when the file leaves the field out (``None``: not set)."""
    optional: bool
    """May be left empty: the field is then not set."""

    def allowed_text(self) -> str:
        """What the field allows, as the box shows it: ``0% to 100%``, ``more than 0``."""
        scale = 100 if self.percent else 1
        mark = "%" if self.percent else ""
        r = self.allowed
        low, high = r.lowest * scale, r.highest * scale
        words = "whole numbers " if self.whole else ""

        def num(value: float) -> str:
            return show_number(int(value) if value.is_integer() else value) + mark

        if math.isfinite(low) and math.isfinite(high) and r.lowest_included and r.highest_included:
            return f"{words}{num(low)} to {num(high)}"
        parts = []
        if math.isfinite(low):
            parts.append(("at least " if r.lowest_included else "more than ") + num(low))
        if math.isfinite(high):
            parts.append(("at most " if r.highest_included else "less than ") + num(high))
        return words + (" and ".join(parts) or "any number")

    def read(self, text: str, example: str = "") -> tuple[Any, str | None]:
        """The value a box's text gives (a percentage as its fraction; ``None`` for an
        empty optional box), or ``None`` and one line naming the field, the text and what
        is allowed."""
        name = self.label[0].upper() + self.label[1:]
        hint = f", such as {example}" if example else ""
        try:
            number = read_number(text, self.percent)
        except ValueError:
            return None, (
                f"{name}: “{text.strip()}” is not a plain number; allowed: "
                f"{self.allowed_text()}, in digits with or without commas between thousands{hint}"
                + ascii_number(text)
            )
        if number is None:
            if self.optional:
                return None, None
            return None, f"{name}: empty; type a number{hint} (allowed: {self.allowed_text()})"
        if self.whole and number != number.to_integral_value():
            return (
                None,
                f"{name}: {text.strip()} is not a whole number; allowed: {self.allowed_text()}",
            )
        value = number / 100 if self.percent else number
        r = self.allowed
        low_ok = value > r.lowest or (r.lowest_included and value == r.lowest)
        high_ok = value < r.highest or (r.highest_included and value == r.highest)
        if not (low_ok and high_ok):
            return None, f"{name}: {text.strip()} is out of range; allowed: {self.allowed_text()}"
        if self.whole:
            return int(value), None
        return (int(value) if value == value.to_integral_value() else float(value)), None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds (``Quality | None`` holds ``Quality``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, UnionType) or get_args(annotation):
        for member in get_args(annotation):
            found = _model_in(member)
            if found is not None:
                return found
    return None


def _schema_field(data: Mapping[str, Any], path: str) -> tuple[type[BaseModel], str] | None:
    """The model holding the field at ``path`` of the scenario table ``data`` and the
    field's name; an option's model by the kind ``data`` gives it."""
    parts = path.split(".")
    model: type[BaseModel] = Scenario
    node: Any = data
    i = 0
    while i < len(parts) - 1:
        part = parts[i]
        if part not in model.model_fields:
            return None
        node = node.get(part) if isinstance(node, Mapping) else None
        if part in ("baseline", "alternatives"):
            if part == "alternatives":
                i += 1
                index = int(parts[i]) if parts[i].isdigit() else -1
                node = node[index] if isinstance(node, list) and 0 <= index < len(node) else None
            kind = node.get("kind") if isinstance(node, Mapping) else None
            if kind not in KINDS:
                return None
            model = KINDS[kind]
        else:
            inner = _model_in(model.model_fields[part].annotation)
            if inner is None:
                return None
            model = inner
        i += 1
    return (model, parts[-1]) if parts[-1] in model.model_fields else None


def number_field(data: Mapping[str, Any], path: str, label: str | None = None) -> NumberField:
    """What the schema says about the number at ``path`` (of an option of the kind
    ``data`` gives it). Raises ``KeyError`` for a path that names no number."""
    found = _schema_field(data, path)
    if found is None:
        raise KeyError(path)
    model, name = found
    default = model.model_fields[name].get_default(call_default_factory=True)
    known = None if default is PydanticUndefined else default
    allowed = schema_range(model, name)
    return NumberField(
        path=path,
        label=label or input_label(path),
        percent=is_rate(path),
        whole=not allowed.is_real,
        allowed=allowed,
        default=known if isinstance(known, int | float) and not isinstance(known, bool) else None,
        optional=default is None,
    )
