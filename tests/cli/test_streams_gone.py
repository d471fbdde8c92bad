"""stdout and stderr that cannot take what payback writes, tried as a new user would
(``2>&-``, a stderr whose reader went away, ``>/dev/full``): the exit code says what
happened to the command, never 1 (a bug) and never 141 unless stdout's reader went away.

A bad input with stderr closed exited with 141 (the message met a closed pipe and was
taken for stdout's) or 1 (a usage error: the traceback went to the closed stderr); with
stderr on a full disk, 1; ``--help >/dev/full`` exited with 1, as a bug does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import EXAMPLES
from payback.cli._streams import escaped

pytestmark = pytest.mark.skipif(
    os.name != "posix" or not Path("/dev/full").exists(), reason="needs Linux's /dev/full"
)

SRC = Path(__file__).resolve().parents[2] / "src"
SEED = EXAMPLES / "seed.toml"


def _closed(fd: int) -> None:
    os.close(fd)


def _reader_gone(fd: int) -> None:
    read, write = os.pipe()
    os.close(read)
    os.dup2(write, fd)


def _full(fd: int) -> None:
    os.dup2(os.open("/dev/full", os.O_WRONLY), fd)


GONE: dict[str, Callable[[int], None]] = {
    "closed": _closed,
    "reader-gone": _reader_gone,
    "full": _full,
}


def payback(
    *args: str | Path, stdout: str | None = None, stderr: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``payback ARGS`` with stdout and/or stderr as named in :data:`GONE` (the other one
    captured)."""

    def before() -> None:
        if stdout is not None:
            GONE[stdout](1)
        if stderr is not None:
            GONE[stderr](2)

    env = os.environ | {"PYTHONPATH": str(SRC), "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "payback", *map(str, args)],
        capture_output=True,
        env=env,
        preexec_fn=before,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=120,
    )


BAD = {
    "missing": ("analyze", "missing.toml"),  # refused by the command itself
    "usage": ("quick", "--hosted-per-1k", "abc"),  # refused while the line is parsed
    "command": ("anlyze", "x.toml"),  # no such command
}


@pytest.mark.parametrize("gone", list(GONE))
@pytest.mark.parametrize("bad", list(BAD))
def test_bad_input_with_stderr_gone_is_still_exit_code_2(bad: str, gone: str) -> None:
    done = payback(*BAD[bad], stderr=gone)
    assert (done.returncode, done.stdout) == (2, b"")


@pytest.mark.parametrize("gone", ["reader-gone", "full"])
def test_bad_input_with_both_streams_gone_is_exit_code_2(gone: str) -> None:
    """Nothing reached stdout (nothing was to), so its reader's leaving changes nothing."""
    done = payback(*BAD["missing"], stdout=gone, stderr=gone)
    assert done.returncode == 2


@pytest.mark.parametrize("gone", list(GONE))
def test_a_warning_stderr_cannot_take_leaves_the_answer_and_exit_code_0(gone: str) -> None:
    """owned-h100's rent was checked over 180 days ago: a warning line on stderr."""
    done = payback("analyze", EXAMPLES / "owned-h100.toml", stderr=gone)
    assert done.returncode == 0
    assert "NPV" in done.stdout.decode()


@pytest.mark.parametrize(
    "args", [("--help",), ("analyze", "--help"), ("catalog", "gpus", "--help")]
)
def test_help_on_a_full_disk_is_one_line_and_exit_code_2(args: tuple[str, ...]) -> None:
    done = payback(*args, stdout="full")
    assert done.returncode == 2
    assert done.stderr.decode() == "error: cannot write the output: No space left on device\n"


CLOSED_LINE = "error: cannot write the output: stdout is closed\n"


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", SEED, "--json"),  # plain writes (Click's echo dropped them)
        ("analyze", SEED),  # Rich's tables (Rich dropped them)
        ("catalog", "gpus"),
        ("--help",),
        ("analyze", "--help"),
        ("--version",),  # an eager option, met while Typer parses
    ],
    ids=["json", "rich", "catalog", "help", "command-help", "version"],
)
def test_stdout_closed_from_the_start_is_one_line_and_exit_code_2(
    args: tuple[str | Path, ...],
) -> None:
    """``payback analyze seed.toml --json >&-`` exited with 0 with nothing written: Python
    has no sys.stdout then, and Click and Rich drop what is written to none."""
    done = payback(*args, stdout="closed")
    assert (done.returncode, done.stderr.decode()) == (2, CLOSED_LINE)


@pytest.mark.parametrize("gone", list(GONE))
def test_stdout_closed_from_the_start_with_stderr_gone_is_exit_code_2(gone: str) -> None:
    assert payback("analyze", SEED, "--json", stdout="closed", stderr=gone).returncode == 2


def test_bad_input_with_stdout_closed_from_the_start_says_the_input() -> None:
    done = payback(*BAD["missing"], stdout="closed")
    assert (done.returncode, done.stderr.decode()) == (2, "error: missing.toml: no such file\n")


def test_a_file_written_with_stdout_closed_from_the_start_is_whole(tmp_path: Path) -> None:
    """``report -o`` writes its file; its "Wrote" line, all it says on stdout, is dropped:
    exit code 0, where it exited with 2 with the report there (tests/cli/
    test_closed_stdout_writers.py has every writer)."""
    out = tmp_path / "r.html"
    done = payback("report", SEED, "-o", out, stdout="closed")
    assert (done.returncode, done.stderr.decode()) == (0, "")
    assert "</html>" in out.read_text(encoding="utf-8")


def test_help_on_a_full_disk_with_stderr_full_too_is_exit_code_2() -> None:
    assert payback("--help", stdout="full", stderr="full").returncode == 2


@pytest.mark.parametrize("gone", list(GONE))
@pytest.mark.parametrize("args", [("--help",), ("--version",), ("analyze", SEED)])
def test_a_closed_stdout_is_still_141_with_stderr_gone(args: tuple[str, ...], gone: str) -> None:
    """``payback --version | true 2>&-`` exited with 120: Typer wraps stderr, None there,
    and the wrapper failed the interpreter's last flush."""
    done = payback(*args, stdout="reader-gone", stderr=gone)
    assert done.returncode == 141


def test_a_closed_stdout_leaves_nothing_for_the_last_flush() -> None:
    """The null device goes on stdout once its reader is gone: the interpreter's last flush
    says no "Exception ignored ... BrokenPipeError" (and exits with 141, not 120)."""
    done = payback("analyze", SEED, "--json", stdout="reader-gone")
    assert (done.returncode, done.stderr.decode()) == (141, "")


def test_escaped_shows_each_byte_of_a_name_that_is_not_utf8() -> None:
    name = os.fsdecode(b"/tmp/x\xff\xfe.toml")
    assert escaped(name) == "/tmp/x\\xff\\xfe.toml"
    assert escaped("a\ud800b") == "a\\ud800b"  # a lone surrogate not from a file name
    assert escaped("héllo ✓") == "héllo ✓"
    assert escaped(name).encode("utf-8") == b"/tmp/x\\xff\\xfe.toml"


SERVE_UNTIL_EXEC = """
import os, sys

def execv(path, argv):  # where Streamlit would take the process over: are 1 and 2 open?
    for fd in (1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os._exit(10 + fd)
    os._exit(0)

os.execv = execv
sys.argv = ["payback", "serve", "--port", "1"]
from payback.cli import main

main()
"""


@pytest.mark.parametrize("closed", ["stdout", "stderr"])
def test_serve_with_a_stream_closed_starts_the_page_on_the_null_device(closed: str) -> None:
    """``payback serve 2>&-`` was an internal error (stderr None, flushed); the page then
    got the closed descriptor, and the first file it opened would have taken its logs."""
    env = os.environ | {"PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", SERVE_UNTIL_EXEC],
        env=env,
        capture_output=True,
        preexec_fn=lambda: os.close(1 if closed == "stdout" else 2),
        check=False,
        timeout=120,
    )
    assert done.returncode == 0


def test_a_closed_descriptor_is_held_so_no_file_takes_its_number(tmp_path: Path) -> None:
    """With stdout and stderr closed from the start, the first file a command opened got
    descriptor 1 (or 2), and anything written there, by a library or a program it starts,
    went into the user's file; both are now held by the null device first."""
    code = (
        "import os, sys\n"
        "from payback.cli._streams import closed_stdout\n"
        "closed_stdout()\n"
        "fd = os.open('report.md', os.O_WRONLY | os.O_CREAT)\n"
        "os.write(fd, str(fd).encode())\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
        preexec_fn=lambda: (os.close(1), os.close(2)),
        check=True,
    )
    assert int((tmp_path / "report.md").read_text()) > 2
