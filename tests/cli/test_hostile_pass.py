"""A second hostile-input pass over the commands, tried as a new user would: each case
failed before its fix (an internal error, a line that named no file, a link split or
replaced, a bound left unsaid), and gives one line and exit code 2, or the answer, now."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLES
from payback.cli import app

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
SEED = EXAMPLES / "seed.toml"


def run(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=ENV | (env or {})).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_error(code: int, out: str, err: str) -> str:
    """The single ``error:`` line of a run that failed with exit code 2."""
    assert code == 2, (out, err)
    assert "Traceback" not in err + out
    errors = [line for line in err.strip().splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    return errors[0]


def seed_with(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "scenario.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# ------------------------------------------------------------------ a saving too small to count


@pytest.mark.parametrize("command", ["analyze", "explain"])
def test_a_denormal_traffic_is_answered_not_an_internal_error(tmp_path: Path, command: str) -> None:
    """1e-320 requests a month saves about 1e-322 dollars a month: the months to recover the
    $400 overflowed math.ceil (analyze, 'OverflowError', exit 1), and explain's solve asked
    numpy for a geometric grid from 0 ('Geometric sequence cannot include zero')."""
    path = seed_with(tmp_path, "requests_per_month = 20000", "requests_per_month = 1e-320")
    code, out, err = run(command, path)
    assert code == 0, err
    assert "internal error" not in err
    words = " ".join(out.split())
    assert "too little to ever recover the $400.00 still owed" in words


def test_a_denormal_saving_is_never_recovered_in_words() -> None:
    import numpy as np

    from payback.analysis.verdict import never_reason

    saved = np.array([5e-324] * 6)
    cumulative = np.concatenate([[-400.0], -400.0 + np.cumsum(saved)])
    assert never_reason(saved, cumulative) == (
        "saves under a cent a month (month 6), too little to ever recover the $400.00 still owed"
    )


# ------------------------------------------------------------------ a file this user may not read


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("analyze", "{path}"), "error: {path}: cannot read: permission denied"),
        (
            (
                "estimate",
                "serving",
                "--model",
                "qwen2.5-7b",
                "--gpu",
                "l4",
                "--calibration",
                "{path}",
            ),
            "error: --calibration {path}: cannot read: permission denied",
        ),
    ],
)
def test_a_file_without_read_permission_is_named_with_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], start: str
) -> None:
    """chmod 000 as a user (not root, who reads it all the same): Typer refuses the path and
    the line read 'error: FILE: must be a file path', naming neither the file nor why."""
    import os

    path = tmp_path / "locked.toml"
    path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    real_access = os.access

    def access(target: object, mode: int, *a: object, **k: object) -> bool:
        if mode == os.R_OK and str(target) == str(path):
            return False  # as chmod 000 does for a user who is not root
        return real_access(target, mode, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    line = one_error(*run(*(a.format(path=path) for a in args)))
    assert line.startswith(start.format(path=path)), line


# ------------------------------------------------------------------ TOML values of other kinds


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("07:32:00", "07:32:00"),  # was datetime.time(7, 32)
        ("1979-05-27", "1979-05-27"),
        ("1979-05-27T07:32:00", "1979-05-27T07:32:00"),
    ],
)
def test_a_date_or_time_where_a_number_goes_is_shown_as_written(
    tmp_path: Path, written: str, shown: str
) -> None:
    path = seed_with(tmp_path, "requests_per_month = 20000", f"requests_per_month = {written}")
    line = one_error(*run("analyze", path))
    assert line == f"error: {path}: traffic.requests_per_month = {shown}: must be a number"


# ------------------------------------------------------------------ the environment


def test_an_output_that_cannot_encode_the_answer_gets_question_marks() -> None:
    """PYTHONIOENCODING=ascii (or a Latin-1 console): the table's '─' was an internal error
    (UnicodeEncodeError, exit 1) after half the answer."""
    import os
    import subprocess
    import sys

    env = os.environ | {"PYTHONIOENCODING": "ascii", "COLUMNS": "100", "TERM": "dumb"}
    done = subprocess.run(
        [sys.executable, "-m", "payback", "analyze", str(EXAMPLES / "quarter-200k.toml")],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("ascii", "replace")
    assert b"internal error" not in done.stderr
    assert b"NPV $7,836" in done.stdout


# ------------------------------------------------------------------ outputs: links kept


def test_a_hard_linked_scenario_is_written_under_both_names(tmp_path: Path) -> None:
    """recommend --apply -o onto a file with a second name (ln): a new file renamed over it
    split the two, the other name keeping the old scenario without a word. (Its scenario is
    another file: none a command reads is written over, tests/cli/test_outputs_not_inputs.)"""
    import shutil

    path, other = tmp_path / "scenario.toml", tmp_path / "shared.toml"
    shutil.copy(EXAMPLES / "quarter-200k.toml", path)
    other.hardlink_to(path)
    before = path.read_text(encoding="utf-8")
    args = ("--model", "qwen2.5-7b", "--apply", "-o", path, "--force")
    code, _, err = run("recommend", EXAMPLES / "quarter-200k.toml", *args)
    assert code == 0, err
    assert path.stat().st_ino == other.stat().st_ino
    assert path.stat().st_nlink == 2
    after = other.read_text(encoding="utf-8")
    assert after != before
    assert 'model = "qwen2.5-7b"' in after
    assert after.startswith(before.splitlines()[0])  # the comments are kept


def test_init_force_onto_a_hard_link_writes_every_name(tmp_path: Path) -> None:
    path, other = tmp_path / "scenario.toml", tmp_path / "copy.toml"
    path.write_text("# mine\n", encoding="utf-8")
    other.hardlink_to(path)
    code, _, err = run("init", path, "--force")
    assert code == 0, err
    assert other.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    assert other.read_text(encoding="utf-8").startswith("# A starter payback scenario")


@pytest.mark.parametrize(
    "args",
    [("init", "{loop}", "--force"), ("report", str(SEED), "-o", "{loop}", "--force")],
)
def test_a_symbolic_link_loop_is_refused_and_kept(tmp_path: Path, args: tuple[str, ...]) -> None:
    """init --force onto a link that leads round to itself replaced the link by a file."""
    suffix = ".html" if args[0] == "report" else ".toml"
    loop, back = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    loop.symlink_to(back.name)
    back.symlink_to(loop.name)
    line = one_error(*run(*(a.format(loop=loop) for a in args)))
    assert line.startswith(f"error: {loop}: a symbolic link that leads round to itself"), line
    assert loop.is_symlink()
    assert back.is_symlink()
    assert str(loop.readlink()) == back.name


# ------------------------------------------------------------------ bounds said, and held


QUARTER = EXAMPLES / "quarter-200k.toml"
TRAINING = (
    "estimate",
    "training",
    "--model",
    "llama-3.1-8b",
    "--gpu",
    "h100-sxm",
    "--tokens",
    "16e6",
)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (  # a cost of 58 followed by 310 digits, exit 0
            (*TRAINING, "--usd-per-gpu-hour", "1e308"),
            "error: --usd-per-gpu-hour 1e308: must be a finite number from 0 to 1,000 (USD per "
            "GPU-hour, as a scenario allows)",
        ),
        (
            (*TRAINING, "--usd-per-gpu-hour", "1000.5"),
            "error: --usd-per-gpu-hour 1000.5: must be a finite number from 0 to 1,000",
        ),
        (  # advised horizon_months ≥ a 309-digit number
            (
                "solve",
                QUARTER,
                "--vary",
                "traffic.requests_per_month",
                "--target",
                "break_even_month=1e308",
            ),
            "error: --target break_even_month=1e308: break_even_month must be at most 600, the "
            "longest horizon a scenario allows (scenario.horizon_months)",
        ),
        (  # searched every value, then "No value ..." and exit 1
            ("solve", QUARTER, "--vary", "traffic.requests_per_month", "--target", "npv_usd=1e308"),
            "error: --target 'npv_usd=1e308': npv_usd must be within ±1×10²¹: no scenario within "
            "a file's limits comes near it",
        ),
        (  # read 'never' as met: "the answer jumps from never ... to 3,621,490 requests"
            (
                "solve",
                QUARTER,
                "--vary",
                "traffic.requests_per_month",
                "--target",
                "break_even_requests=1e19",
            ),
            "error: --target 'break_even_requests=1e19': break_even_requests must be at most "
            "1,000,000,000,000,000,000: no scenario within a file's limits comes near it",
        ),
        (  # said 'must be a whole number ≥ 0' of a number ≥ 0
            (
                "analyze",
                EXAMPLES / "quarter-uncertain.toml",
                "--samples",
                "10",
                "--seed",
                "99999999999999999999",
            ),
            "error: --seed 99999999999999999999: must be a whole number from 0 to "
            "9,223,372,036,854,775,807",
        ),
        (  # measured on and on
            ("calibrate", "--model", "qwen2.5-0.5b", "--seconds", "1e308"),
            "error: --seconds 1e308: must be > 0 and ≤ 3,600",
        ),
    ],
)
def test_a_number_past_what_is_allowed_says_the_bound(args: tuple[str, ...], line: str) -> None:
    assert one_error(*run(*args)).startswith(line)


def test_a_rent_at_the_bound_is_taken() -> None:
    code, out, err = run(*TRAINING, "--usd-per-gpu-hour", "1000")
    assert code == 0, err
    assert "$1,000.00/GPU-h (given)" in out


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_an_output_on_a_full_disk_is_said_as_such_not_as_a_bug() -> None:
    """stdout on /dev/full read 'internal error: OSError: [Errno 28] No space left on
    device; please report it'. Exit code 2, as ``report -o`` on a full disk, not 1 (a bug)."""
    import subprocess
    import sys

    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "payback", "analyze", str(SEED)],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr.decode() == "error: cannot write the output: No space left on device\n"


# ------------------------------------------------------------------ names that turn text around

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows reads backwards where honoured


@pytest.mark.parametrize("command", ["analyze", "report"])
def test_a_bidi_override_in_a_name_is_left_out_and_the_hebrew_kept(
    tmp_path: Path, command: str
) -> None:
    """A name holding U+202E reached the terminal and the HTML report as it was: a browser
    (or a terminal that honours it) showed the verdict after it reversed."""
    name = f"\u05e9\u05dc\u05d5\u05dd {OVERRIDE}evil\u202c \u2067x\u2069"
    path = seed_with(tmp_path, 'name = "fine-tuned small model"', f'name = "{name}"')
    args: list[str | Path] = [command, path]
    if command == "report":
        args += ["-o", tmp_path / "report.html"]
    code, out, err = run(*args)
    assert code == 0, err
    text = (tmp_path / "report.html").read_text(encoding="utf-8") if command == "report" else out
    assert "\u05e9\u05dc\u05d5\u05dd evil x" in text
    for mark in (OVERRIDE, "\u202c", "\u2067", "\u2069"):
        assert mark not in text
