"""A reader that stops early (``payback ... | head -1``, ``| true``): the command ends
quietly with exit code 141 (128 + SIGPIPE, as ``yes | head -1``), nothing on stderr. It
exited with 1, the code the help keeps for a bug or a target no value reaches, wherever
Rich, Click or the interpreter met the closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES

pytestmark = pytest.mark.skipif(os.name != "posix", reason="a closed pipe's EPIPE is POSIX")

SRC = Path(__file__).resolve().parents[2] / "src"
SEED = EXAMPLES / "seed.toml"


def payback(*args: str | Path, **popen: object) -> subprocess.Popen[bytes]:
    env = os.environ | {"PYTHONPATH": str(SRC), "COLUMNS": "100"}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "payback", *map(str, args)],
        stderr=subprocess.PIPE,
        env=env,
        **popen,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s"),  # Rich's tables
        ("analyze", SEED, "--json"),  # plain writes
        ("--help",),  # Typer's help
        ("--version",),  # an eager option, met while Typer parses (it exited 1 itself)
    ],
    ids=["rich", "json", "help", "version"],
)
def test_a_reader_gone_before_the_output_is_exit_code_141(args: tuple[str | Path, ...]) -> None:
    child = payback(*args, stdout=subprocess.PIPE)
    assert child.stdout is not None
    child.stdout.close()  # the reader is gone before payback writes a line (`| true`)
    _, err = child.communicate(timeout=120)
    assert (child.returncode, err.decode()) == (141, "")


def test_a_reader_gone_after_a_line_of_a_large_json_is_exit_code_141() -> None:
    """``catalog apis --json | head -1``: a megabyte of JSON written at once to a pipe whose
    reader then goes away went in short without an error (the kernel counted what it took,
    Python took that count as the whole), and payback exited 0, its output cut."""
    child = payback("catalog", "apis", "--json", stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline() == b"[\n"  # the reader takes one line, then goes away
    child.stdout.close()
    _, err = child.communicate(timeout=120)
    assert (child.returncode, err.decode()) == (141, "")


def test_a_target_no_value_reaches_is_still_exit_code_1_on_the_null_device(
    tmp_path: Path,
) -> None:
    """Exit code 1 stays for what the help says it is, stdout on the null device or not."""
    path = tmp_path / "dear.toml"
    quarter = (EXAMPLES / "quarter-200k.toml").read_text()
    path.write_text(quarter.replace("usd_per_gpu_hour = 0.80", "usd_per_gpu_hour = 140"))
    args = ("solve", path, "--vary", "alternatives.0.escalation_share")
    with Path(os.devnull).open("w") as null:
        child = payback(*args, "--target", "break_even_month=3", stdout=null)
        _, err = child.communicate(timeout=120)
    assert (child.returncode, err.decode()) == (1, "")


def test_stdout_closed_from_the_start_is_no_traceback() -> None:
    """``payback --version >&-``: Python has no sys.stdout at all; the last flush read it
    and printed a traceback (AttributeError), exit 1. The version cannot be written: one
    line and exit code 2, as on a full disk (tests/cli/test_streams_gone.py)."""
    env = os.environ | {"PYTHONPATH": str(SRC)}
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m payback --version >&-', sys.executable],
        capture_output=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stderr.decode()) == (
        2,
        "error: cannot write the output: stdout is closed\n",
    )
