"""What the page does besides drawing: turn widget values into a scenario, sort messages
to the inputs they are about, and time one change. No Streamlit here, so it is testable."""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from payback.analysis.result import QUARTER_MONTHS, QUARTER_PARAMETER, Analysis, analyze
from payback.errors import PaybackError
from payback.report.common import solution_lines
from payback.scenario import (
    Scenario,
    parse_scenario,
    scenario_data_from_text,
)
from payback.scenario.distributions import DISTS
from payback.studies.solve import METRICS, Target, parse_target, solve

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
    ``None`` removes the key."""
    node: Any = data
    *parents, last = path.split(".")
    for part in parents:
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


def section_of(message: str) -> str:
    """Which input section a one-line message is about, from the path it names."""
    head = message.split(" ", 1)[0].split("=")[0].rstrip(":")
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
    with it (the command line's messages, naming the file)."""
    fmt: Literal["toml", "yaml"] = "yaml" if name.lower().endswith((".yaml", ".yml")) else "toml"
    try:
        data = scenario_data_from_text(content.decode("utf-8-sig"), fmt, name)
        parse_scenario(data, name)
    except UnicodeDecodeError:
        return None, [f"{name}: not a text file (expected UTF-8 TOML or YAML)"]
    except PaybackError as exc:
        return None, list(exc.messages)
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
    """Build, validate and analyze the edited scenario; sort any problems by section.

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
            text = message.removeprefix("page: ")
            problems.setdefault(section_of(text), []).append(text)
    return Outcome(data, scenario, analysis, problems, time.perf_counter() - start)


def solvable_inputs(analysis: Analysis) -> list[str]:
    """The inputs "what would it take" can solve for: every engine input without a
    distribution, traffic first."""
    scenario = analysis.scenario
    paths = [p for p in analysis.input_paths if p not in scenario.distributions]
    first = "traffic.requests_per_month"
    return ([first] if first in paths else []) + [p for p in paths if p != first]


def what_it_takes(
    analysis: Analysis, index: int, parameter: str, metric: str, value: float
) -> list[str]:
    """``payback solve``'s lines for the page: the value of ``parameter`` at which
    alternative ``index`` meets ``metric = value``, or the one-line problem."""
    if metric not in METRICS:
        return [f"unknown target {metric!r}; allowed: {', '.join(METRICS)}"]
    number = f"{int(value)}" if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = f"{metric}={number}"
    try:
        target = parse_target(text)
        quarter = Target("break_even_month", float(QUARTER_MONTHS))
        if (parameter, target) == (QUARTER_PARAMETER, quarter) and (
            parameter not in analysis.scenario.distributions  # else solve refuses it below
        ):
            # the question the analysis answers for its explanation: solved once
            known = analysis.quarter_threshold(index)
            if known is not None:
                return solution_lines(known)
        solution = solve(analysis.resolved, parameter, target, index)
    except PaybackError as exc:
        # the page's own words: the target or input it was given, then what is wrong
        words = {"target": text, "vary": parameter}
        if exc.param in words and exc.allowed is not None:
            return [f"{words[exc.param]}: {exc.allowed}"]
        return list(exc.messages)
    return solution_lines(solution)
