"""matplotlib's own lines kept off stderr where HOME cannot be written: tried as a new user
would, a report's charts with HOME unwritable printed matplotlib's raw logging ("mkdir -p
failed for path .../.config/matplotlib ...", "Matplotlib created a temporary cache
directory ...") amid payback's lines. payback now gives matplotlib a temporary folder of
its own there, removed on exit; a folder the user set is used as set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES

SOURCES = str(Path(payback.__file__).parents[1])
"""The payback under test, for the child (run in tmp_path, a relative PYTHONPATH is lost)."""


def _report(tmp_path: Path, output: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``payback report seed.toml -o OUTPUT`` in tmp_path, HOME under a file (no folder can
    be made there, even as root), temporary files in tmp_path/tmp."""
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "tmp").mkdir()
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
    }
    base |= {
        "HOME": str(tmp_path / "a-file" / "home"),
        "TMPDIR": str(tmp_path / "tmp"),
        "PYTHONPATH": SOURCES,
    }
    return subprocess.run(
        [sys.executable, "-m", "payback", "report", str(EXAMPLES / "seed.toml"), "-o", output],
        capture_output=True,
        text=True,
        env=base | env,
        cwd=tmp_path,
        check=False,
    )


@pytest.mark.parametrize(
    ("output", "said"),
    [("r.md", "Wrote r.md and 5 charts beside it\n"), ("c.png", "Wrote c.png\n")],
)
def test_an_unwritable_home_leaves_stderr_empty(tmp_path: Path, output: str, said: str) -> None:
    done = _report(tmp_path, output)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", said)
    assert (tmp_path / output).read_bytes()
    assert list((tmp_path / "tmp").iterdir()) == []  # matplotlib's folder removed on exit


def test_a_config_folder_the_user_set_is_used(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    done = _report(tmp_path, "r.md", MPLCONFIGDIR=str(mine))
    assert (done.returncode, done.stderr) == (0, "")
    assert any(mine.iterdir())  # matplotlib's font cache, where the user said
    assert list((tmp_path / "tmp").iterdir()) == []


def test_matplotlibs_font_cache_line_is_left_out() -> None:
    """matplotlib logs "Matplotlib is building the font cache; this may take a moment." when
    building takes over 5 s: with a temporary config folder it is built at every run, and on
    a busy machine the line reached stderr (a run of this file in parallel saw it). Once a
    chart is drawn, the line is filtered out; matplotlib's other lines are not."""
    import logging

    from payback.report.markdown import _pyplot

    _pyplot()
    logger = logging.getLogger("matplotlib.font_manager")

    def passes(message: str) -> bool:
        record = logger.makeRecord(logger.name, logging.WARNING, "fm.py", 1, message, (), None)
        return bool(logger.filter(record))

    assert not passes("Matplotlib is building the font cache; this may take a moment.")
    assert passes("findfont: Font family 'x' not found.")
