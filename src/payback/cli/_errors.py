"""The one error path of the command line: whatever goes wrong ends in one line per problem
on stderr and an exit code, never a traceback.

- Typer's and Click's own parse errors (a value that is not a number, an unknown option,
  a missing argument) name the option, the value and what is allowed, exit code 2;
- :class:`payback.PaybackError` (bad input) is one line per problem, exit code 2;
- Ctrl-C is one line, exit code 130;
- a reader that stops early (``payback ... | head -1``) ends the command quietly with exit
  code 141 (128 + SIGPIPE), as Unix tools killed by the closed pipe do; a stdout that
  cannot take the output (a full disk) is one line, exit code 2; a message stderr cannot
  take (closed, its reader gone, full) is dropped, the exit code kept
  (:mod:`payback.cli._streams`);
- anything else is a bug: one line that asks for a report, exit code 1, and the traceback
  only with ``--debug`` (anywhere on the command line) or ``PAYBACK_DEBUG=1``.

Warnings that libraries raise while a command runs (matplotlib's, for one) are caught and
shown as payback's own ``note:`` lines; numpy's floating-point warnings are dropped (a
result that overflows is refused by the command, naming the field). Control characters
are stripped from every line shown.

Imported by ``payback --help``: the standard library and Typer only.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import re
import signal
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import PurePath
from typing import Any, Literal, get_args, get_origin

import typer
import typer.exceptions
from typer._click import Context, Parameter
from typer._click import exceptions as click
from typer.core import TyperArgument, TyperGroup, TyperOption

from payback.cli._advice import in_command_words
from payback.cli._encoding import replace_unencodable
from payback.cli._help import fold_help, may_show_help
from payback.cli._streams import (
    CANNOT_WRITE,
    PIPE_CLOSED,
    StdoutClosed,
    cannot_write,
    closed_stdout,
    echo,
    escaped,
    file_of,
    message_line,
    pipe_closed,
    to_null,
    unwrapped,
)
from payback.errors import PaybackError
from payback.report.controls import clean, escape_controls

__all__ = [
    "DEBUG_ENV",
    "INTERRUPTED",
    "EmptyPath",
    "NotFinite",
    "PaybackGroup",
    "clean",
    "debug_requested",
    "echo",
]

DEBUG_ENV = "PAYBACK_DEBUG"
INTERRUPTED = "interrupted (Ctrl-C); no file was left half-written"
"""The line Ctrl-C gives, with exit code 130 (128 + SIGINT)."""


def debug_requested(args: Sequence[str] = ()) -> bool:
    """Whether ``--debug`` is on the command line (before a ``--``) or PAYBACK_DEBUG is set
    to anything but a word for off (empty, 0, false, no, off: ``PAYBACK_DEBUG=off`` had
    turned it on).

    >>> import os; os.environ[DEBUG_ENV] = "Off"; debug_requested(), debug_requested(["--debug"])
    (False, True)
    >>> os.environ[DEBUG_ENV] = "yes"; debug_requested(); del os.environ[DEBUG_ENV]
    True
    """
    flag = os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")
    return flag or "--debug" in _before_separator(args)


def _before_separator(args: Sequence[str]) -> list[str]:
    args = list(args)
    return args[: args.index("--")] if "--" in args else args


def _without_debug(args: Sequence[str]) -> list[str]:
    head = _before_separator(args)
    return [a for a in head if a != "--debug"] + list(args)[len(head) :]


class _Interrupted(Exception):
    """Ctrl-C inside a command, carried past Typer (which turns KeyboardInterrupt into a
    silent exit code 130)."""


class _PipeClosed(Exception):
    """stdout's reader went away inside a command, carried past Click (which turns a
    BrokenPipeError into exit code 1, the code of a bug or an unreached target)."""


class PaybackGroup(TyperGroup):
    """payback's command group: the command line's one error path (see the module)."""

    _ctrl_c: _CtrlC | None = None
    """The last command's Ctrl-C (:class:`_CtrlC`)."""

    def invoke(self, ctx: Context) -> Any:
        ctrl_c = self._ctrl_c = _CtrlC()
        try:
            result = super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted() from None
        except BrokenPipeError:
            raise _PipeClosed() from None
        except Exception:
            if ctrl_c.pressed:  # Ctrl-C broke a library mid-way and it failed from its
                raise _Interrupted() from None  # half-done state ("Invalid bounding box")
            raise
        finally:
            ctrl_c.end()
        if ctrl_c.pressed:  # a Ctrl-C that Python dropped (see _CtrlC.hook) and whose second
            raise _Interrupted()  # press came too late: the work went on to its end
        return result

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if may_show_help(argv):
            fold_help()
        closed_stdout()
        replace_unencodable()
        debug = debug_requested(argv)
        stdout_was = file_of(sys.stdout)
        self._ctrl_c = None
        code = _run(self, _without_debug(argv), prog_name, complete_var, debug, extra)
        if self._ctrl_c is not None:  # the handler that was there again, once no press is
            signal.signal(signal.SIGINT, self._ctrl_c.previous)  # pending (_CtrlC.end)
        if code == 1 and (  # the closed pipe met by Rich (it put the null device on stdout)
            file_of(sys.stdout) != stdout_was  # or by Typer while it parsed (it wraps stdout)
            or type(sys.stdout).__name__ == "PacifyFlushWrapper"
        ):
            code = PIPE_CLOSED
        unwrapped()
        try:  # what is still buffered reaches the reader now, not at the interpreter's exit
            if sys.stdout is not None:  # None: started with stdout closed (>&-)
                sys.stdout.flush()
        except BrokenPipeError:
            code = pipe_closed()
        except OSError as exc:  # a full disk met by the last of the output
            if exc.errno in CANNOT_WRITE or isinstance(exc, StdoutClosed):
                code = cannot_write(exc) if code == 0 else code
            to_null(sys.stdout)
        except ValueError:
            pass  # a stdout closed otherwise: nothing more can reach it
        if standalone_mode:
            sys.exit(code)
        return code


class _CtrlC:
    """Ctrl-C while a command runs: raised as KeyboardInterrupt wherever the work is, and
    remembered (:attr:`pressed`). A press that lands inside a garbage-collector callback
    (matplotlib's transforms have some) is dropped by Python with an "Exception ignored in
    ..." traceback on stderr: :meth:`hook` (``sys.unraisablehook`` meanwhile) prints nothing
    for it and presses Ctrl-C again from a thread of its own, so that the signal reaches the
    main thread back in the work and the command stops there, with its one line. No thread
    presses once the command is over (:meth:`end`); a press still pending then is ignored."""

    def __init__(self) -> None:
        self.pressed: list[int] = []
        self.running = True
        self.lock = _thread.allocate_lock()
        self.previous = signal.signal(signal.SIGINT, self.on_ctrl_c)
        self.previous_hook = sys.unraisablehook
        sys.unraisablehook = self.hook

    def on_ctrl_c(self, signum: int, frame: Any) -> None:
        self.pressed.append(signum)
        raise KeyboardInterrupt

    def hook(self, unraisable: Any) -> None:
        if not (self.pressed and issubclass(unraisable.exc_type, KeyboardInterrupt)):
            self.previous_hook(unraisable)  # not a Ctrl-C: as Python would say it
            return
        for _ in range(3):  # the press may land here, before the hook returns: press again
            try:  # (no context manager: its __exit__ would be Python code outside the try)
                _thread.start_new_thread(self.press_again, ())
                return
            except KeyboardInterrupt:
                continue
        # pressed three times inside the hook: the command stops at its end (invoke)

    def press_again(self) -> None:
        with self.lock:
            if self.running:
                signal.raise_signal(signal.SIGINT)

    def end(self) -> None:
        """The command is over: no more presses from a thread; the handler that was there
        put back, or Ctrl-C ignored where it was pressed (a press still pending is dropped,
        not raised in what runs next; the command exits with 130)."""
        for _ in range(3):
            try:
                with self.lock:
                    self.running = False
                signal.signal(signal.SIGINT, signal.SIG_IGN if self.pressed else self.previous)
                sys.unraisablehook = self.previous_hook
                return
            except KeyboardInterrupt:  # a press pending since the work: pressed holds it
                continue


def _run(
    group: PaybackGroup,
    argv: list[str],
    prog_name: str | None,
    complete_var: str | None,
    debug: bool,
    extra: dict[str, Any],
) -> int:
    """Run the command line; the exit code, every failure shown as one line per problem."""
    try:
        with _library_warnings():
            result = TyperGroup.main(
                group, argv, prog_name, complete_var, standalone_mode=False, **extra
            )
        if result == 130:  # Typer's own silent exit for a Ctrl-C while it parsed
            echo(f"error: {INTERRUPTED}", err=True)
        return result if isinstance(result, int) else 0
    except click.NoArgsIsHelpError:
        return 2  # Typer printed the help when the error was made
    except click.UsageError as exc:
        echo(f"error: {usage_line(exc, argv, group)}", err=True)
        return 2
    except click.ClickException as exc:
        echo(f"error: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code
    except PaybackError as exc:
        for line in exc.messages:
            echo(f"error: {in_command_words(message_line(line))}", err=True)
        return 2
    except (KeyboardInterrupt, _Interrupted, typer.exceptions.Abort):
        echo(f"error: {INTERRUPTED}", err=True)
        return 130
    except _PipeClosed:
        return pipe_closed()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except OSError as exc:
        if isinstance(exc, StdoutClosed):
            return cannot_write(exc)  # stdout closed from the start (>&-)
        if exc.errno not in CANNOT_WRITE or exc.filename is not None:
            return _internal(exc, debug)
        return cannot_write(exc)  # stdout on a full disk: no bug of payback's
    except MemoryError:
        echo(
            "error: out of memory: the input is too large for this machine (see Limits in the "
            "README)",
            err=True,
        )
        return 2
    except Exception as exc:
        if type(exc).__name__ == "InterruptException":  # DuckDB's Ctrl-C
            echo(f"error: {INTERRUPTED}", err=True)
            return 130
        return _internal(exc, debug)


def _internal(exc: Exception, debug: bool) -> int:
    if debug:
        _traceback()
    hint = "" if debug else f" (--debug or {DEBUG_ENV}=1 shows the traceback)"
    echo(
        f"error: internal error: {type(exc).__name__}: {_one_line(str(exc))[:300]}; "
        f"please report it with the command and its input{hint}",
        err=True,
    )
    return 1


def _traceback() -> None:
    import traceback

    try:
        sys.stderr.write(escaped(clean(traceback.format_exc())))
        sys.stderr.flush()
    except (AttributeError, OSError):  # no stderr, or one that cannot take it
        to_null(sys.stderr)


def _one_line(text: str) -> str:
    """``text`` on one line, its control characters written out (``\\x01``), not taken for
    blanks (``str.split`` splits at ``\\x1f``) nor dropped."""
    return " ".join(escape_controls(text).split())


# ------------------------------------------------------------------ library warnings

_NUMPY_FLOATING = re.compile(
    r"(overflow|underflow|divide by zero|invalid value) encountered"
    r"|Mean of empty slice|Degrees of freedom|All-NaN"
)
"""numpy's floating-point warnings: payback checks its results itself."""


@contextlib.contextmanager
def _library_warnings() -> Iterator[None]:
    """Catch the warnings raised while a command runs and show them as ``note:`` lines
    (once each, after the command), numpy's floating-point ones dropped."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        for quiet in (PendingDeprecationWarning, ResourceWarning, ImportWarning):
            warnings.filterwarnings("ignore", category=quiet)
        try:
            yield
        finally:
            shown: set[str] = set()
            for warning in caught:
                text = _one_line(str(warning.message))
                if _NUMPY_FLOATING.search(text) or not text:
                    continue
                origin = _origin(warning.filename)
                line = f"note: {origin}: {text}" if origin else f"note: {text}"
                if line not in shown:
                    shown.add(line)
                    echo(line[:500], err=True)


def _origin(filename: str) -> str:
    """The package a warning came from, by its file (``scipy``); empty when it points at
    payback's own code (matplotlib, for one, names the line that called it)."""
    parts = PurePath(filename).parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts and parts.index(marker) + 1 < len(parts):
            return parts[parts.index(marker) + 1].removesuffix(".py")
    return ""


# ------------------------------------------------------------------ parse errors


def usage_line(exc: click.UsageError, argv: Sequence[str], group: TyperGroup) -> str:
    """A parse error on one line: the option or argument, the value and what is allowed."""
    ctx = exc.ctx
    command, where = _command_for(group, argv)
    if ctx is not None:
        command, where = ctx.command, ctx.command_path
    message = _one_line(exc.message)
    if isinstance(exc, click.NoSuchOption):
        known = _option_names(command)
        return (
            f"{_shown(exc.option_name)}: no such option of {where}"
            f"{_near(exc.option_name, known)}; allowed: {', '.join(known)}"
        )
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        param = exc.param
        return f"{_param_name(param)}: missing; {where} needs {_kind(param)}{_help(param)}"
    if isinstance(exc, NotFinite | EmptyPath) and exc.param is not None:
        return f"{_param_name(exc.param)} {_shown(exc.typed)}: {exc.allowed}"
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        param = exc.param
        refused = _PATH_REFUSED.match(message)
        if refused:  # Typer's own check of a path: the file, and why
            path, why = refused.groups()
            named = "" if isinstance(param, TyperArgument) else f"{_param_name(param)} "
            return f"{named}{path}: {_PATH_WHY.get(why, why)}"
        value = _bad_value(exc, param, argv)
        shown = f" {_shown(value)}" if value is not None else ""
        words = _words(param)
        if words:  # a choice: the words allowed (in any case), the nearest as a GPU id's
            from payback.nearby import ID_CUTOFF, nearest

            near = nearest(str(value), words, cutoff=ID_CUTOFF) if value is not None else None
            mean = f"did you mean {near}? " if near else ""
            return f"{_param_name(param)}{shown}: unknown; {mean}allowed: {', '.join(words)}"
        from payback.figures import typed_number  # pure; loaded only on a parse error

        number = typed_number(value) if isinstance(value, str) else None  # 10M, 5%, $15
        kind = _kind(param)
        fits = kind == "a number" or (kind == "a whole number" and "." not in (number or "."))
        write = f"; write {number}" if number not in (None, value.strip()) and fits else ""
        return f"{_param_name(param)}{shown}: must be {kind}{write}"
    if isinstance(exc, click.BadOptionUsage):
        option = _param_by_option(command, exc.option_name)
        needs = f" ({_kind(option)})" if option is not None else ""
        if "requires" in message:
            return f"{exc.option_name}: needs a value{needs}"
        return f"{exc.option_name}: {message}"
    found = re.match(r"No such command '(.*?)'\.", exc.message)
    if found and isinstance(command, TyperGroup):
        commands = [n for n, c in command.commands.items() if not c.hidden]
        near = _near(found.group(1), commands)
        return f"{_shown(found.group(1))}: no such command{near}; allowed: {', '.join(commands)}"
    extra_args = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", exc.message)
    if extra_args:
        takes = [_param_name(p) for p in command.params if isinstance(p, TyperArgument)]
        return (
            f"{_shown(extra_args.group(1))}: unexpected argument; {where} takes "
            f"{' '.join(takes) or 'no argument'} and options"
        )
    return message


class NotFinite(click.BadParameter):
    """A number option given a value that is not finite: ``inf``, ``nan``, or one past the
    largest a float holds (``1e400`` reads as ``inf``); ``typed`` is the value as typed."""

    def __init__(self, typed: str, param: Any, ctx: Context | None = None) -> None:
        self.typed = typed
        super().__init__(self.allowed, ctx=ctx, param=param)

    @property
    def allowed(self) -> str:
        word = self.typed.strip().lower().lstrip("+-")
        if word in ("inf", "infinity", "nan"):
            return "must be a finite number"
        from payback.figures import typed_text

        return (
            f"must be a finite number; {typed_text(self.typed.strip())} is past the largest a "
            "number holds (about 1.8e308)"
        )


class EmptyPath(click.BadParameter):
    """A path argument or option given as an empty string, which Python's ``Path`` reads as
    the current folder (``payback analyze ''`` said ``.: is a directory``)."""

    typed = ""
    allowed = "the path is empty; give a file's path"

    def __init__(self, param: Any, ctx: Context | None = None) -> None:
        super().__init__(self.allowed, ctx=ctx, param=param)


_PATH_REFUSED = re.compile(
    r"(?:File|Directory|Path) '(.*)' (does not exist|is a file|is a directory|is not readable|"
    r"is not writable)\.$",
    re.IGNORECASE,
)
"""Typer's check of a path argument or option (readable by default), as it words it."""
_PATH_WHY = {
    "is not readable": "cannot read: permission denied (this user may not read it; chmod u+r)",
    "is not writable": "cannot write: permission denied (this user may not write it)",
    "does not exist": "no such file",
}


def _command_for(group: TyperGroup, argv: Sequence[str]) -> tuple[Any, str]:
    """The command the command line names (the group itself when none), and its path."""
    command: Any = group
    path = ["payback"]
    for arg in _before_separator(argv):
        if not isinstance(command, TyperGroup) or arg.startswith("-"):
            continue
        sub = command.commands.get(arg)
        if sub is None:
            break
        command, path = sub, [*path, arg]
    return command, " ".join(path)


def _help(param: Parameter) -> str:
    """The first sentence of a parameter's help, as ': ...', if it has one."""
    text = _one_line(getattr(param, "help", None) or "")
    # a sentence ends at a lone period: "error_rate, ..." keeps its ellipsis whole
    first = re.split(r"(?<!\.)\.(?:\s|$)", text)[0]
    return f" ({first})" if text else ""


def _shown(value: Any) -> str:
    """A value for a message: as typed, or quoted when it has spaces or odd characters."""
    text = escaped(str(value))  # a name's byte that is not UTF-8 as \\xNN, not '\\udcff'
    if text and text.isprintable() and " " not in text and len(text) <= 80:
        return text
    return repr(text[:80] + ("…" if len(text) > 80 else ""))


def _near(word: str, choices: Sequence[str]) -> str:
    """' (did you mean a or b?)': the two commands or options nearest ``word``."""
    from payback.nearby import nearby

    close = nearby(word, choices, n=2)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _option_names(command: Any) -> list[str]:
    names: list[str] = []
    for param in [*getattr(command, "params", []), *_help_option(command)]:
        if isinstance(param, TyperOption) and not param.hidden:
            names += [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
    return names or ["--help"]


def _help_option(command: Any) -> list[Parameter]:
    with contextlib.suppress(Exception):
        option = command.get_help_option(Context(command))
        if option is not None:
            return [option]
    return []


def _param_by_option(command: Any, option: str) -> Parameter | None:
    for param in getattr(command, "params", []):
        if option in (*param.opts, *getattr(param, "secondary_opts", [])):
            return param  # type: ignore[no-any-return]
    return None


def _param_name(param: Parameter) -> str:
    if isinstance(param, TyperOption):
        longs = [o for o in param.opts if o.startswith("--")]
        return (longs or param.opts)[0]
    return (param.name or "argument").upper()


def _annotation(param: Parameter) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    kinds = [a for a in get_args(annotation) if a is not type(None)] if annotation else []
    if len(kinds) == 1:  # X | None
        annotation = kinds[0]
    if getattr(annotation, "__origin__", None) is list:
        annotation = get_args(annotation)[0] if get_args(annotation) else str
    return annotation


def _words(param: Parameter) -> tuple[str, ...]:
    """The words a choice option takes (its ``Literal``), none for another option."""
    annotation = _annotation(param)
    if get_origin(annotation) is Literal:
        return tuple(str(a) for a in get_args(annotation))
    return ()


def _kind(param: Parameter) -> str:
    """What a parameter takes, in words: 'a number', 'a whole number', 'a file path',
    'one of bf16, fp8'."""
    annotation = _annotation(param)
    if _words(param):
        return f"one of {', '.join(_words(param))}"
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "a whole number"
    if annotation is float:
        return "a number"
    if isinstance(annotation, type) and issubclass(annotation, PurePath):
        return "a file path"
    if annotation is str:
        return "text"
    return "a value" if isinstance(param, TyperOption) else "an argument"


def _bad_value(exc: click.BadParameter, param: Parameter, argv: Sequence[str]) -> Any:
    """The value a parameter was given: from the validation error, else from the command line."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        with contextlib.suppress(Exception):
            found = errors()
            if found and "input" in found[0]:
                return found[0]["input"]
    args = _before_separator(argv)
    for i, arg in enumerate(args):
        for opt in param.opts:
            if arg == opt and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(opt + "="):
                return arg[len(opt) + 1 :]
    return None
