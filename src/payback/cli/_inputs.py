"""The files a command reads, which no file it writes may replace, even with ``--force``.

Nothing the user wrote is lost: ``import-benchmark bench.json -o bench.json --force`` put
a calibration over the benchmark it was read from, ``report s.html -o s.html --force`` a
report over its scenario, and ``report r-one-time.png -o r.md --force`` a chart over it
(the chart beside ``r.md`` has that name). :func:`check_not_an_input` refuses, for every
file a command writes (:mod:`payback.cli._files` calls it before the work and again for
each file as it is written), a path that is the same file as one the command reads: a
path it was given (its scenario, benchmark, logs, a config.json), or a file its scenario
names (a ``calibration``, a ``model``'s config.json). The same file whatever the name:
``./s.toml``, a symbolic link to it, a hard link (the device and inode are compared).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from payback.errors import PaybackError

OUTPUT_PARAMETERS = frozenset({"output", "path"})
"""The parameters that name what a command writes, not what it reads: ``-o`` and
``init``'s PATH."""

SCENARIO_FILE_FIELDS = frozenset({"calibration", "model", "models"})
"""The fields of a scenario whose values may name a file it reads (relative to its folder):
a calibration, and a model given as a config.json path or a folder holding one."""


def check_not_an_input(path: Path, flag: str = "", report: Path | None = None) -> None:
    """Refuse to write ``path`` where it is the same file as one the running command reads
    (see the module), ``--force`` or not: one line naming the input. ``flag`` (``-o``) comes
    first when the path came with one; ``report`` is the report whose chart ``path`` is."""
    target = _identity(path)
    if target is None:  # not there: no input
        return
    for what, given, file in _inputs():
        if _identity(file) == target:
            raise PaybackError(_refusal(path, flag, report, _input_words(what, given, path)))


def _input_words(what: str, given: str, path: Path) -> str:
    """The input a written ``path`` would replace, in words: ``what`` it is (``the log``)
    and its name as ``given``, left out where it is the name ``path`` was written as (``-o
    log.csv: is the log this command reads``)."""
    if given == str(path):
        return f"{what} this command reads"
    return (
        f"{what} {given}, which this command reads"
        if what
        else f"{given}, which this command reads"
    )


def _refusal(path: Path, flag: str, report: Path | None, input_words: str) -> str:
    never = "payback never writes over its input" + (", even with --force" if _forced() else "")
    if report is not None and report != path:
        named = f"{flag} {report}" if flag else str(report)
        return f"{named}: its chart {path} is {input_words}; {never}: give the report another name"
    named = f"{flag} {path}" if flag else str(path)
    return f"{named}: is {input_words}; {never}: give another name"


def _forced() -> bool:
    """Whether the running command has a ``--force`` (usage has none: its ``-o`` updates a
    scenario in place), so that its refusal may say that --force does not lift it."""
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    return ctx is not None and any(
        "--force" in getattr(param, "opts", ()) for param in ctx.command.params
    )


def _identity(path: Path) -> tuple[int, int] | None:
    """The file ``path`` names (a link followed): its device and inode; ``None`` where
    there is no such file."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _inputs() -> Iterator[tuple[str, str, Path]]:
    """The files the running command reads, each with what it is in words (``the
    scenario``; empty where its name says it) and its name: its path parameters (and text
    ones naming a file: ``--model config.json``, usage's logs), and the files a scenario
    among them names."""
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:
        return
    for param in ctx.command.params:
        if param.name is None or param.name in OUTPUT_PARAMETERS:
            continue
        value = ctx.params.get(param.name)
        for given in value if isinstance(value, list | tuple) else [value]:
            if not isinstance(given, str | Path) or not str(given):
                continue
            for file in _files_named(str(given)):
                folder = " (its config.json)" if file != Path(given) else ""
                yield _param_words(param, ctx.info_name), f"{given}{folder}", file
                if _is_scenario(param):
                    yield from _named_in_scenario(file)


ARGUMENT_WORDS = {"paths": "the log", "import-benchmark": "the benchmark"}
"""What an argument that is no scenario reads, by its name or its command's."""


def _param_words(param: Any, command: str | None) -> str:
    """What a parameter's file is, in words, never its name in help (``FILE``, ``PATHS``):
    ``the scenario``, ``the log``, ``the benchmark``, ``the --calibration file``."""
    opts = [str(o) for o in getattr(param, "opts", []) if str(o).startswith("--")]
    if getattr(param, "param_type_name", "") == "argument" or not opts:
        if _is_scenario(param):
            return "the scenario"
        return ARGUMENT_WORDS.get(str(param.name)) or ARGUMENT_WORDS.get(command or "", "the file")
    return f"the {opts[0]} file"


def _files_named(given: str) -> list[Path]:
    """The file a value names (a model's folder: its config.json); none for a database URL,
    a name that is no file, or a glob: usage's, whose ``-o`` is a scenario it updates, never
    a log it reads (a glob passes over a file of no log type: ``usage 'logs/*' -o
    logs/scenario.toml`` runs again)."""
    if "://" in given or not os.path.lexists(given):
        return []
    return [Path(given) / "config.json"] if os.path.isdir(given) else [Path(given)]


def _is_scenario(param: Any) -> bool:
    """Whether ``param`` is a command's scenario file (:data:`payback.cli._common.
    ScenarioFile`), told by its help."""
    from typing import get_args

    from payback.cli._common import ScenarioFile

    wanted = getattr(get_args(ScenarioFile)[1], "help", None)
    return wanted is not None and bool(getattr(param, "help", None) == wanted)


def _named_in_scenario(file: Path) -> Iterator[tuple[str, str, Path]]:
    """The files the scenario ``file`` names (:data:`SCENARIO_FILE_FIELDS`), relative to its
    folder as the analysis reads them; none where it cannot be read (the command says why)."""
    from payback.scenario.io import scenario_data_from_text, scenario_format

    try:
        raw = file.read_bytes()
        data = scenario_data_from_text(raw.decode("utf-8-sig"), scenario_format(file), str(file))
    except (OSError, UnicodeDecodeError, PaybackError, RecursionError):
        return
    folder = file.resolve().parent
    for where, value in _file_fields(data, ""):
        named = Path(value) if Path(value).is_absolute() else folder / value
        label = f'{where} = "{value}" in {file}'
        yield "", label, named
        if named.is_dir():  # a model's folder: its config.json is read
            yield "", label, named / "config.json"


def _file_fields(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Each text value of a :data:`SCENARIO_FILE_FIELDS` field in ``node``, with its dotted
    path (``alternatives.1.calibration``, ``alternatives.0.models.1``)."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        at = f"{where}.{key}" if where else str(key)
        if isinstance(value, dict) or (isinstance(value, list) and key not in ("models",)):
            yield from _file_fields(value, at)
        elif key in SCENARIO_FILE_FIELDS and isinstance(value, str) and value:
            yield at, value
        elif key == "models" and isinstance(value, list):
            yield from ((f"{at}.{n}", v) for n, v in enumerate(value) if isinstance(v, str) and v)
