"""Every command that writes a file, with stdout closed from the start (``>&-``), tried as
a new user would: ``report -o r.html >&-`` wrote the report and then exited with 2, its
"Wrote" line refused; ``recommend --apply -o``, ``usage -o``, ``import-benchmark -o`` and
``init --json`` wrote their file too before failing. One rule now
(:mod:`payback.cli._streams`): where the command's only use of stdout is the line saying
where the file went (``report -o``, ``init``), the file is written and the line dropped,
exit code 0; where stdout carries more (``--json``, tables), the command is refused before
any work, exit code 2 and no file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DATA, EXAMPLES, QUARTER

pytestmark = pytest.mark.skipif(os.name != "posix", reason="closes a descriptor in the child")

SRC = Path(__file__).resolve().parents[2] / "src"
CLOSED_LINE = "error: cannot write the output: stdout is closed\n"


def closed(*args: str | Path, cwd: Path) -> tuple[int, str]:
    """``payback ARGS >&-`` in ``cwd``: the exit code and stderr."""
    env = os.environ | {"PYTHONPATH": str(SRC), "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "payback", *map(str, args)],
        capture_output=True,
        env=env,
        cwd=cwd,
        preexec_fn=lambda: os.close(1),
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=300,
    )
    return done.returncode, done.stderr.decode()


def _logs(folder: Path) -> Path:
    rows = [f"2026-01-{d:02d}T{h:02d}:00:00Z,1000,200" for d in range(1, 32) for h in range(24)]
    logs = folder / "requests.csv"
    logs.write_text("timestamp,input_tokens,output_tokens\n" + "\n".join(rows) + "\n")
    return logs


@pytest.mark.parametrize(
    "args",
    [
        ("report", EXAMPLES / "seed.toml", "-o", "new/r.html"),
        ("report", EXAMPLES / "seed.toml", "-o", "new/r.md"),
        ("init", "new/r.toml"),
        ("init",),
    ],
    ids=["report-html", "report-md", "init", "init-default"],
)
def test_a_status_line_alone_is_dropped_and_the_file_written(
    tmp_path: Path, args: tuple[str | Path, ...]
) -> None:
    assert closed(*args, cwd=tmp_path) == (0, "")
    written = tmp_path / (str(args[-1]) if len(args) > 1 else "scenario.toml")
    text = written.read_text(encoding="utf-8")
    whole = "[baseline]" if written.suffix == ".toml" else "<!-- payback sha256:"  # its last line
    assert whole in text


@pytest.mark.parametrize(
    "args",
    [
        ("report", EXAMPLES / "seed.toml", "-o", "new/r.html", "--json"),
        ("init", "new/r.toml", "--json"),
        ("recommend", QUARTER, "--model", "qwen2.5-7b", "--apply", "-o", "new/r.toml"),
        ("import-benchmark", DATA / "vllm_save_result.json", "-o", "new/r.toml"),
        ("usage", "requests.csv", "-o", "new/r.toml"),
        ("usage", "requests.csv", "-o", "new/r.toml", "--json"),
        ("calibrate", "--model", "qwen2.5-0.5b", "-o", "new/r.toml"),
    ],
    ids=[
        "report-json",
        "init-json",
        "recommend",
        "import-benchmark",
        "usage",
        "usage-json",
        "calibrate",
    ],
)
def test_more_than_a_status_line_is_refused_before_any_file(
    tmp_path: Path, args: tuple[str | Path, ...]
) -> None:
    _logs(tmp_path)
    assert closed(*args, cwd=tmp_path) == (2, CLOSED_LINE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requests.csv"]  # no new/ either


def test_bad_input_is_still_said_first(tmp_path: Path) -> None:
    """The scenario's own problem, not stdout's, where the input is wrong."""
    code, err = closed("report", "missing.toml", "-o", "r.html", cwd=tmp_path)
    assert (code, err) == (2, "error: missing.toml: no such file\n")
