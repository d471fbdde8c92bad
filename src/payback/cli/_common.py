"""What every command shares: the Typer app, the common options, errors as one line and
exit code 2, warnings, JSON output and the progress bar. The app's group
(:class:`payback.cli._errors.PaybackGroup`) is the one error path every failure ends in.

Start-up time matters here: ``payback --help`` imports every command module, so this
module and the command modules import only the standard library, Typer and
:mod:`payback.errors` at the top. A command imports the library (numpy, pydantic, rich
tables, ...) inside its function, when it runs.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from typer._click.globals import get_current_context

from payback.cli._advice import in_command_words
from payback.cli._errors import (
    EmptyPath,
    NotFinite,
    PaybackGroup,
    _annotation,
    _shown,
    clean,
)
from payback.cli._errors import echo as echo
from payback.cli._streams import escaped, message_line, write_out
from payback.errors import PaybackError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from payback.scenario import Scenario

P = ParamSpec("P")
R = TypeVar("R")


def _flags_without_type() -> None:
    """Help lists a flag without a type. Typer 0.29 prints one for every option, a flag's
    too ("--json <bool>"), which reads as if the flag took a value (``--json true`` is then
    refused: "Got unexpected extra argument"); an option that takes a value keeps its type
    ("--samples <int>")."""
    from typer.core import TyperOption

    typed = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else typed(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_without_type()


TYPED = "payback.typed"
"""Where each path parameter's value as typed is kept (``ctx.meta``): see :func:`typed`."""
TYPED_NUMBERS = "payback.typed_numbers"
"""Where each number option's value as typed is kept (``ctx.meta``): see :func:`as_typed`."""


def typed(name: str) -> Any:
    """The value of the path parameter ``name`` as typed, before Typer made it a ``Path``
    (``newdir/``, whose slash the ``Path`` drops); ``None`` outside a command."""
    ctx = get_current_context(silent=True)
    return None if ctx is None else ctx.meta.get(TYPED, {}).get(name)


def _values_checked() -> None:
    """One rule for every command's values, as Typer parses them, so that no command checks
    them apart: a number option refuses a value that is not finite (``inf``, ``nan``, or
    ``1e400``, which a float reads as ``inf``), named as typed (``--hosted-per-1k 1e400``,
    where a command's own check said ``inf``); a path refuses an empty one, which Python
    reads as the current folder (``payback analyze ''`` said ``.: is a directory``)."""
    from typer.core import _TyperParameter

    parse = _TyperParameter.process_value

    def process_value(self: _TyperParameter, ctx: Any, value: Any) -> Any:
        kind = _annotation(self)
        given = value if isinstance(value, list | tuple) else [value]
        path = isinstance(kind, type) and issubclass(kind, PurePath)
        if path and any(isinstance(v, str) and v == "" for v in given):
            raise EmptyPath(self, ctx)
        if path and ctx is not None and self.name:  # as typed: Path drops a trailing /
            ctx.meta.setdefault(TYPED, {})[self.name] = value
        if kind in (int, float) and isinstance(value, str) and ctx is not None and self.name:
            ctx.meta.setdefault(TYPED_NUMBERS, {})[self.name] = value  # 1_000, not 1000
        result = parse(self, ctx, value)
        if kind is float:
            parsed = result if isinstance(result, list | tuple) else [result]
            for typed, number in zip(given, parsed, strict=False):
                if isinstance(number, float) and not math.isfinite(number):
                    raise NotFinite(str(typed), self, ctx)
        return result

    _TyperParameter.process_value = process_value  # type: ignore[method-assign]


_values_checked()


def _each_option_once() -> None:
    """One rule for every command's options, as Click parses them: an option that takes one
    value refuses a second (``quick --hosted-per-1k 15 --hosted-per-1k 16`` ran with 16,
    silently), and one that may be repeated (``recommend --model``) the same value twice;
    each named as typed (``-o`` or ``--output``). Flags (``--json --json``) are left be."""
    from typer._click import exceptions as click
    from typer._click.parser import _OptionParser

    given = _OptionParser._get_value_from_state

    def get_value(self: _OptionParser, option_name: str, option: Any, state: Any) -> Any:
        value = given(self, option_name, option, state)
        before = state.opts.get(option.dest)
        if option.action == "store" and option.dest in state.opts:
            raise click.BadOptionUsage(
                option_name,
                f"given twice ({_shown(before)}, then {_shown(value)}); it takes one value: "
                "give it once",
                self.ctx,
            )
        if option.action == "append" and value in (before or []):
            raise click.BadOptionUsage(
                option_name,
                f"{_shown(value)} given twice; give each value once",
                self.ctx,
            )
        return value

    _OptionParser._get_value_from_state = get_value  # type: ignore[method-assign]


_each_option_once()

app = typer.Typer(
    name="payback",
    help=(
        "Does fine-tuning and self-hosting a model pay back against a hosted LLM API?\n\n"
        "Start with **payback init** to write a commented scenario, then "
        "**payback analyze scenario.toml**. For a back-of-the-envelope "
        "answer, **payback quick --hosted-per-1k 15 --self-hosted-per-1k 2 --one-time 400**.\n\n"
        "Exit codes: 0 done, 1 a target no value reaches (solve) or a bug, 2 bad input or an "
        "output that cannot be written (one line per problem), 130 Ctrl-C, 141 the reader of "
        "the output stopped early (payback ... | head). "
        "The README lists the limits on inputs."
    ),
    rich_markup_mode="markdown",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=PaybackGroup,
    # -h as well: a new user's first try (it was "-h: no such option"); every command's
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from payback import __version__

        typer.echo(f"payback {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Show the traceback of an internal error (anywhere on the command line; "
            "or PAYBACK_DEBUG=1).",
        ),
    ] = False,
) -> None:
    """Does fine-tuning and self-hosting a model pay back against a hosted LLM API?"""


# ------------------------------------------------------------------ options several commands take

ScenarioFile = Annotated[
    Path,
    typer.Argument(
        help="Scenario file (TOML, or YAML by extension): at most 10 MiB, nested 32 deep, "
        "100 alternatives.",
        show_default=False,
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option("--seed", help="Random seed (default 0): the same seed gives the same samples."),
]
SamplesOption = Annotated[
    int | None,
    typer.Option(
        "--samples",
        help="Also sample the scenario's distributions (Monte Carlo) this many times "
        "(1 to 2,000,000).",
    ),
]
JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON (for scripts) instead of text.")
]
NoQualityFlag = Annotated[
    bool,
    typer.Option(
        "--no-quality",
        help="Leave every option's quality (error cost) and latency out: the pure infrastructure view.",
    ),
]
ForceFlag = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]
ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        help="Open model id (see `payback catalog models`), a config.json path or a model's "
        "folder that holds one.",
    ),
]


# ------------------------------------------------------------------ errors


def _fail(lines: list[str]) -> typer.Exit:
    for line in lines:
        echo(f"error: {message_line(line)}", err=True)  # one line each, always
    return typer.Exit(code=2)


def as_flag(param: str) -> str | None:
    """The command line's name for a library parameter: ``max_replicas`` is ``--max-replicas``.

    Dotted scenario paths (``alternatives.0.gpu``) and names with other characters are not
    flags: ``None``.

    >>> as_flag("max_replicas"), as_flag("alternatives.0.gpu")
    ('--max-replicas', None)
    """
    return "--" + param.replace("_", "-") if param.isidentifier() else None


def command_flag(param: str) -> str | None:
    """The running command's flag for a library parameter (:func:`as_flag`), ``None`` when
    the command has no such flag: ``import-benchmark`` has no ``--output-tokens``, so a
    benchmark's mean output tokens that the estimate refuses keep the library's name."""
    flag = as_flag(param)
    context = get_current_context(silent=True)
    if flag is None or context is None:
        return flag
    flags = {o for p in context.command.params for o in (*p.opts, *p.secondary_opts)}
    return flag if flag in flags else None


@contextlib.contextmanager
def in_file(file: Path, named: bool = True) -> Iterator[None]:
    """With ``named``, errors about a scenario's fields found after it was read (a model's
    context shorter than ``traffic.input_tokens``) name the file, as the ones found reading
    it do: of several files compared, the line says which. An error about a flag stays as
    it is."""
    if not named:
        yield
        return
    try:
        yield
    except PaybackError as exc:
        if exc.param is not None and as_flag(exc.param) is not None:
            raise
        prefix = f"{file}: "
        raise PaybackError(
            [m if m.startswith(prefix) else prefix + m for m in exc.messages]
        ) from None


def from_catalog(kind: str, flag: str, ref: str) -> Any:
    """The catalog's ``"model"`` or ``"gpu"`` named by ``ref``, typed with ``flag``; an
    unknown id names the flag: ``--gpu h10: unknown GPU 'h10'; did you mean h100-sxm, ...``."""
    from payback.catalog import default_catalog

    catalog = default_catalog()
    try:
        return catalog.model(ref) if kind == "model" else catalog.gpu(ref)
    except PaybackError as exc:
        raise PaybackError([f"{flag} {ref}: {m}" for m in exc.messages]) from None


def as_typed(exc: PaybackError) -> PaybackError:
    """``exc`` quoting its flag's number as the user typed it (``--growth 1_000``, ``1e3``),
    where it names one of the command's number options (:meth:`PaybackError.renamed`
    writes the value it was given, ``--growth 1000``) and that is the number typed."""
    ctx = get_current_context(silent=True)
    if ctx is None or exc.param is None or exc.allowed is None or len(exc.messages) != 1:
        return exc
    names = [p.name for p in ctx.command.params if exc.param in p.opts]
    text = ctx.meta.get(TYPED_NUMBERS, {}).get(names[0]) if names else None
    try:
        same = text is not None and float(text.replace("_", "")) == float(exc.value)
    except (TypeError, ValueError):
        same = False
    if not same or text is None or not exc.messages[0].startswith(f"{exc.param} "):
        return exc
    return PaybackError(
        f"{exc.param} {text.strip()}: {exc.allowed}",
        param=exc.param,
        value=exc.value,
        allowed=exc.allowed,
        reason=exc.reason,
        advises=exc.advises,
    )


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`payback.PaybackError` into one line per problem and exit code 2; an
    error about one library parameter names the command's flag for it, and for each
    parameter it advises setting (``set gpus_per_replica to 4``) that the command has."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except PaybackError as exc:
            named = (exc.param, *exc.advises) if exc.param else ()
            flags = {p: f for p in named if (f := command_flag(p)) is not None}
            if flags:
                exc = exc.renamed(flags)
            raise _fail([in_command_words(m) for m in as_typed(exc).messages]) from None

    return wrapper


# ------------------------------------------------------------------ output


def _console(stderr: bool = False) -> Console:
    """A Rich console that strips control characters from what it prints (not from its own
    styles): a name with an escape sequence cannot rewrite the terminal. It never cuts a
    line at the terminal's width (Rich's default): a figure wider than a narrow terminal
    runs past it whole (``report.fit`` breaks lines between words only), and no line ends
    in blanks. A terminal wider than :data:`~payback.limits.MAX_COLUMNS` is drawn that
    wide, and one narrower than :data:`~payback.limits.MIN_COLUMNS` that wide, as the help
    is."""
    from rich.console import Console

    from payback.limits import drawn_width

    class Whole(Console):
        def print(self, *objects: Any, crop: bool = False, **kwargs: Any) -> None:
            super().print(*objects, crop=crop, **kwargs)

    console = Whole(highlight=False, markup=False, stderr=stderr)
    if console.width != drawn_width(console.width):
        console.width = drawn_width(console.width)
    console.push_render_hook(_clean_hook())
    return console


def _clean_hook() -> Any:
    from rich.console import RenderHook
    from rich.segment import Segment

    class Cleaned:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __rich_console__(self, console: Any, options: Any) -> Iterator[Segment]:
            from payback.report.fit import trimmed

            yield from trimmed(
                segment if segment.control else Segment(clean(segment.text), segment.style)
                for segment in console.render(self.inner, options)
            )

    class Hook(RenderHook):
        def process_renderables(self, renderables: list[Any]) -> list[Any]:
            return [Cleaned(r) for r in renderables]

    return Hook()


def wrapped(text: str) -> str:
    """``text`` wrapped to the terminal's width (80 where it is not known, at most
    :data:`~payback.limits.MAX_COLUMNS`), a word never cut: a dotted path or a number stays
    whole."""
    import textwrap

    from payback.limits import columns

    return textwrap.fill(text, columns(), break_on_hyphens=False, break_long_words=False)


def _warn(lines: list[str]) -> None:
    for line in lines:
        echo(f"warning: {in_command_words(message_line(line))}", err=True)


def _note(lines: list[str]) -> None:
    for line in lines:
        echo(f"note: {in_command_words(message_line(line))}", err=True)


def _print_json(data: Any) -> None:
    import json

    def finite(x: Any) -> Any:
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, float) and x == 0.0:  # -0.0 (no one-time cost negated, or typed)
            return 0.0
        if isinstance(x, str):  # a file name that is not UTF-8 holds lone surrogates, which
            return escaped(x)  # strict JSON readers refuse: each byte as the text \xNN
        if isinstance(x, dict):
            return {finite(k): finite(v) for k, v in x.items()}
        if isinstance(x, list):
            return [finite(v) for v in x]
        return x

    write_out(json.dumps(finite(data), indent=2, ensure_ascii=False, allow_nan=False))


PROGRESS_AFTER_S = 1.0
"""Work expected to take longer than this shows a progress bar (on a terminal only)."""


@contextlib.contextmanager
def _progress(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress callback that shows a bar on stderr, when it is a terminal, once the work
    will take over :data:`PROGRESS_AFTER_S`; ``enabled=False`` (``--json``) shows none."""
    import time

    console = _console(stderr=True)
    start = time.monotonic()
    bar: Progress | None = None
    task: TaskID | None = None
    show = enabled and console.is_terminal

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        elapsed = time.monotonic() - start
        if (
            bar is None
            and show
            and done < total
            and (elapsed / max(done, 1) * total > PROGRESS_AFTER_S or PROGRESS_AFTER_S <= 0)
        ):
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            bar = Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            bar.start()
            task = bar.add_task(label, total=total)
        if bar is not None and task is not None:
            bar.update(task, completed=done)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


@contextlib.contextmanager
def _busy(label: str, enabled: bool = True) -> Iterator[None]:
    """For work with no steps to count (a configuration search, a tornado, a solve): after
    :data:`PROGRESS_AFTER_S`, a moving bar on stderr when it is a terminal, with the time
    taken; ``enabled=False`` (``--json``) shows none."""
    console = _console(stderr=True)
    if not (enabled and console.is_terminal):
        yield
        return
    import threading

    lock = threading.Lock()
    state: dict[str, Any] = {"bar": None, "done": False}

    def begin() -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with lock:
            if state["done"]:
                return
            bar = Progress(
                TextColumn(label),
                BarColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            bar.add_task(label, total=None)
            bar.start()
            state["bar"] = bar

    timer = threading.Timer(max(PROGRESS_AFTER_S, 0.0), begin)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["bar"] is not None:
                state["bar"].stop()


def read_scenario(path: Path) -> Scenario:
    """The scenario file at ``path`` (:func:`payback.scenario.load_scenario`); where its
    schema fails, the unknown catalog ids of the fields that parsed are said with the schema's
    errors (:func:`payback.analysis.ids.unknown_ids`), each problem of the file in one run."""
    from payback.scenario import load_scenario, read_scenario_data

    try:
        return load_scenario(path)
    except PaybackError as exc:
        from payback.analysis.ids import unknown_ids

        try:
            ids = unknown_ids(read_scenario_data(path), Path(path).resolve().parent)
        except PaybackError:
            ids = []
        if not ids:
            raise
        raise PaybackError([*exc.messages, *(f"{path}: {m}" for m in ids)]) from None
