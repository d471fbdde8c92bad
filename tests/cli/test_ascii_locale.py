"""An ASCII locale without Python's UTF-8 mode (``LC_ALL=C`` where C is not coerced to
C.UTF-8): stdout's error handler is "surrogateescape", and the first '×' of analyze's answer
was an internal error (UnicodeEncodeError, exit 1). Every command now writes readable ASCII."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import EXAMPLES
from payback.cli._encoding import ascii_for

QUARTER = str(EXAMPLES / "quarter-200k.toml")


def run_in_c_locale(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    env |= {
        "LC_ALL": "C",
        "LANG": "C",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONUTF8": "0",
        "COLUMNS": "100",
        "TERM": "dumb",
    }
    return subprocess.run(
        [sys.executable, "-m", "payback", *args], capture_output=True, env=env, check=False
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("analyze", QUARTER), b"1 GPU per replica"),
        (("analyze", QUARTER), b"-$12.9k -> $9.9k"),
        (("explain", QUARTER), b"It serves with 1 GPU per replica"),
        (("sensitivity", QUARTER), b"NPV"),
        (("catalog", "gpus"), b"h100-sxm"),
        (("analyze", QUARTER, "--json"), b'"npv_usd"'),
    ],
)
def test_every_command_writes_ascii_in_the_c_locale(args: tuple[str, ...], expected: bytes) -> None:
    done = run_in_c_locale(*args)
    assert done.returncode == 0, done.stderr.decode("ascii", "replace")
    assert b"internal error" not in done.stderr
    assert done.stdout.isascii()
    assert done.stderr.isascii()
    assert expected in done.stdout


def test_the_sparkline_keeps_its_shape_in_ascii() -> None:
    done = run_in_c_locale("analyze", QUARTER)
    line = next(x for x in done.stdout.decode("ascii").splitlines() if "Cumulative" in x)
    assert "__...----~~~====+++***###" in line


def test_the_nearest_ascii_of_each_character() -> None:
    assert ascii_for("1 × L4 ─│┼ ≤ 5% ≥ → … — ± ▁█ é") == "1 x L4 -|+ <= 5% >= -> ... -- +/- _# ?"
