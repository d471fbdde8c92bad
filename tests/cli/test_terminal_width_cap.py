"""An absurd terminal width, tried as a new user would: ``COLUMNS=99999999 payback --help``
ran for minutes (Rich pads every line of the help to the width: gigabytes of blanks), and
so did ``payback catalog``, which prints its help. Help and output are drawn at most
:data:`payback.limits.MAX_COLUMNS` (1,000) columns wide; a terminal up to that width is
drawn as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES
from payback.limits import MAX_COLUMNS, MIN_COLUMNS

SRC = Path(__file__).resolve().parents[2] / "src"


def payback(*args: str, columns: str) -> tuple[int, str]:
    env = os.environ | {"PYTHONPATH": str(SRC), "COLUMNS": columns, "TERM": "dumb"}
    env.pop("TERMINAL_WIDTH", None)
    done = subprocess.run(
        [sys.executable, "-m", "payback", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,  # the help ran past 200 s
    )
    return done.returncode, done.stdout + done.stderr


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize(
    ("args", "code"),
    [(("--help",), 0), (("catalog",), 2), (("analyze", "-h"), 0), (("estimate",), 2)],
)
def test_help_at_an_absurd_width_is_drawn_1000_columns_wide(
    args: tuple[str, ...], code: int
) -> None:
    exit_code, text = payback(*args, columns="99999999")
    assert exit_code == code
    assert "Usage: " in text
    assert widest(text) == MAX_COLUMNS == 1000  # the help's box spans the width


def test_help_at_a_width_under_the_cap_is_drawn_that_wide() -> None:
    for columns in (100, 1000):
        code, text = payback("--help", columns=str(columns))
        assert code == 0
        assert widest(text) == columns


def test_output_at_an_absurd_width_is_as_at_1000_columns() -> None:
    seed = str(EXAMPLES / "seed.toml")
    wide = payback("analyze", seed, columns="99999999")
    assert wide == payback("analyze", seed, columns="1000")
    assert wide[0] == 0
    assert widest(wide[1]) < 200  # nothing padded to the width


@pytest.mark.parametrize("columns", ["0", "1", "9"])
def test_output_and_help_at_a_width_under_10_are_drawn_10_wide(columns: str) -> None:
    """``COLUMNS=0 payback analyze`` printed nothing with exit 0, and ``COLUMNS=1`` a
    character a line: a terminal narrower than :data:`payback.limits.MIN_COLUMNS` is drawn
    as one of 10 is (a figure wider than that runs past it whole)."""
    seed = str(EXAMPLES / "seed.toml")
    narrow = payback("analyze", seed, columns=columns)
    assert narrow == payback("analyze", seed, columns=str(MIN_COLUMNS))
    assert narrow[0] == 0
    assert "(after ~30,769 requests)" in " ".join(narrow[1].split())
    code, text = payback("--help", columns=columns)
    assert code == 0
    assert "Usage:" in text
    assert widest(text) == MIN_COLUMNS == 10  # the help's box spans the width
