"""Ctrl-C at random moments: exit code 130, one line, no traceback, and no file left half
written: each output is its old self, absent, or whole (issue: hostile and odd input).

A few subprocesses, each interrupted at a seeded random moment after payback's package is
loaded (before that, the interpreter is starting and Python's own Ctrl-C applies): while
the command line loads, reads, computes, draws charts or writes.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import EXAMPLES
from payback.cli._files import owned
from payback.scenario import load_scenario

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child needs POSIX"),
    pytest.mark.slow,  # command lines in a subprocess
]

SRC = Path(__file__).resolve().parents[2] / "src"
LINE = "error: interrupted (Ctrl-C); no file was left half-written"
# Python's Ctrl-C handler, as a `payback` started from a terminal has (a suite started in the
# background passes SIGINT on ignored), payback's package, a line to say so, then the command
# line as `payback` runs it
CHILD = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "import sys, payback; print('up', flush=True); "
    "from payback.cli import main; sys.argv = ['payback', *sys.argv[1:]]; main()"
)
DELAYS = random.Random(20).sample([i / 20 for i in range(0, 30)], 6)
"""When to press Ctrl-C after payback is up, seconds: one per case, seeded."""


def interrupted(args: list[str | Path], delay: float, cwd: Path) -> tuple[int, str]:
    """Run ``payback ARGS``, press Ctrl-C ``delay`` seconds after it is up; exit code, stderr."""
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "up\n"
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    return child.returncode, err


def check_interrupted(code: int, err: str) -> None:
    assert code == 130, err[-2000:]  # never swallowed: the work takes longer than the delay
    assert "Traceback" not in err, err[-2000:]
    lines = err.strip().splitlines()
    assert lines[-1] == LINE, err[-2000:]
    assert all(line.startswith(("warning: ", "note: ")) for line in lines[:-1]), err[-2000:]


@pytest.fixture
def default_sigint() -> Iterator[None]:
    """Python's own Ctrl-C handler while the test runs, then what was there again: a suite
    started in the background by a shell without job control (``python -m pytest > log &``)
    inherits SIGINT ignored, and Python keeps it ignored (no test leaves it so: the guard in
    conftest.py fails one that does)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def no_leftovers(folder: Path) -> None:
    """No temporary file of an atomic write is left behind."""
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_ctrl_c_while_a_report_and_its_charts_are_made(tmp_path: Path) -> None:
    for delay in DELAYS[:2]:
        folder = tmp_path / f"at-{delay}"
        folder.mkdir()
        args = ["report", EXAMPLES / "quarter-uncertain.toml", "--samples", "1000000", "-o", "r.md"]
        check_interrupted(*interrupted(args, delay, folder))
        no_leftovers(folder)
        written = sorted(folder.iterdir())
        # all of the report (written once Ctrl-C came during the writing) or none of it
        assert all(owned(p) for p in written)
        assert not written or (folder / "r.md").exists()


def test_ctrl_c_while_usage_updates_a_scenario(tmp_path: Path) -> None:
    import duckdb

    logs = tmp_path / "logs.csv"  # 3 million requests: seconds to read
    duckdb.execute(
        "COPY (SELECT TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_minutes(i // 2) AS timestamp, "
        "i % 900 AS input_tokens, i % 90 AS output_tokens, 'r' || i AS request_id "
        f"FROM range(3000000) t(i)) TO '{logs}' (HEADER)"
    )
    scenario = tmp_path / "scenario.toml"
    shutil.copy(EXAMPLES / "quarter-200k.toml", scenario)
    before = scenario.read_bytes()
    for delay in DELAYS[2:4]:  # while DuckDB reads (the imports take half a second)
        check_interrupted(*interrupted(["usage", logs, "-o", scenario], 0.6 * delay, tmp_path))
        no_leftovers(tmp_path)
        if scenario.read_bytes() != before:  # Ctrl-C during the write: the whole update
            load_scenario(scenario)
            before = scenario.read_bytes()


def test_ctrl_c_while_sampling_and_while_starting(tmp_path: Path) -> None:
    args = ["analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", "2000000"]
    check_interrupted(*interrupted(args, DELAYS[4], tmp_path))
    # in its first tenth of a second: loading the command line
    code, err = interrupted(["init", "s.toml"], min(DELAYS[5], 0.05), tmp_path)
    if code == 0:  # it finished first: the file is whole
        load_scenario(tmp_path / "s.toml")
    else:
        check_interrupted(code, err)
    no_leftovers(tmp_path)


def test_ctrl_c_during_the_writes_takes_effect_once_all_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_sigint: None
) -> None:
    """Pressed while a Markdown report's first file is written: every file is written
    whole, then the command stops with 130 (deferred, never swallowed)."""
    from typer.testing import CliRunner

    import payback.cli._files as files
    from payback.cli import app

    real = files._stage
    pressed: list[int] = []

    def write(path: Path, content: bytes | str, force: bool) -> object:
        if not pressed:
            pressed.append(1)
            signal.raise_signal(signal.SIGINT)  # to this thread: handled before it returns
        return real(path, content, force)

    monkeypatch.setattr(files, "_stage", write)
    result = CliRunner().invoke(
        app, ["report", str(EXAMPLES / "seed.toml"), "-o", str(tmp_path / "r.md")]
    )
    assert result.exit_code == 130
    assert result.stderr == LINE + "\n"
    written = sorted(tmp_path.iterdir())
    assert len(written) > 1
    assert all(owned(p) for p in written)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_ctrl_c_that_a_library_turns_into_another_error_is_still_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_sigint: None
) -> None:
    """Ctrl-C while matplotlib draws can leave it half-done, and the error that surfaces is
    its own (ValueError: Invalid bounding box): the command still stops as interrupted,
    130 and one line, not as an internal error."""
    from typer.testing import CliRunner

    from payback.cli import app
    from payback.report import charts

    def drawn_half(analysis: object) -> None:
        with contextlib.suppress(KeyboardInterrupt):  # as a library's cleanup might
            signal.raise_signal(signal.SIGINT)  # to this thread: handled before it returns
        raise ValueError("Invalid bounding box")

    monkeypatch.setattr(charts, "cumulative_costs", drawn_half)
    result = CliRunner().invoke(
        app, ["report", str(EXAMPLES / "seed.toml"), "-o", str(tmp_path / "chart.png")]
    )
    assert result.exit_code == 130
    assert result.stderr == LINE + "\n"
    assert not list(tmp_path.iterdir())
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


@pytest.mark.parametrize("raised", [SystemExit(130), KeyboardInterrupt()])
def test_an_interrupted_command_leaves_without_finalizing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], raised: BaseException
) -> None:
    """Exit 130 skips the interpreter's finalization, where a library thread stopped by
    Ctrl-C can abort it (exit -6); what was written is flushed first. Other exits are
    Python's own."""
    import payback.cli as cli

    exits: list[int] = []

    def exit_now(code: int) -> None:
        exits.append(code)
        raise SystemExit(f"os._exit({code})")

    def command() -> None:
        print("partial output", end="")
        raise raised

    monkeypatch.setattr(cli.os, "_exit", exit_now)
    monkeypatch.setattr(cli, "app", command)
    previous = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit, match=r"os\._exit\(130\)"):
            cli.main()
        assert exits == [130]
        assert capsys.readouterr().out == "partial output"
        monkeypatch.setattr(cli, "app", lambda: sys.exit(2))
        with pytest.raises(SystemExit) as plain:
            cli.main()
        assert plain.value.code == 2
        assert exits == [130]
    finally:
        signal.signal(signal.SIGINT, previous)


GUARDED = """
import signal

def test_leaves_it_changed():
    signal.signal(signal.SIGINT, signal.default_int_handler)

def test_changes_it_and_puts_it_back():
    previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    signal.signal(signal.SIGINT, previous)

def test_after():
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
"""


def test_a_test_that_leaves_sigint_changed_errors_and_it_is_put_back(tmp_path: Path) -> None:
    """The suite's guard (conftest.py), in a pytest started with SIGINT ignored as a
    background launch leaves it: the header says so, the test that leaves Python's handler
    behind errors naming both, the next one finds SIGINT ignored again."""
    (tmp_path / "test_guarded.py").write_text(GUARDED)
    tests = Path(__file__).resolve().parents[1]
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(tests), str(SRC), os.environ.get("PYTHONPATH", "")])
    }
    ignored = (
        "import signal, sys, pytest; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        "sys.exit(pytest.main(['-p', 'conftest', '-p', 'no:cacheprovider', '-rE']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", ignored],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    out = proc.stdout
    assert "SIGINT: ignored at start (inherited from a background launch)" in out, out
    assert "3 passed, 1 error" in out, out
    assert "ERROR at teardown of test_leaves_it_changed" in out, out
    assert (
        "\nthe test left SIGINT's handler <built-in function default_int_handler>, "
        "not <Handlers.SIG_IGN: 1>\n"
    ) in out, out
