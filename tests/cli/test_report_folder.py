"""``payback report -o missing/dir/r.html`` (tried as a new user would): .html, .htm and .png
were refused only after the whole analysis had run ("folder missing/dir does not exist"),
while .md made the folder. Every type now makes the missing folder, and what cannot be made
(a file in the way, a link to nothing, a folder that is not writable) is one line, exit 2,
decided before the scenario is even read; a folder is made only for a report written in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import payback.cli._files as files_module
import payback.scenario
from helpers import EXAMPLES, assert_user_error, locked_folder, run
from payback.cli._files import owned
from payback.errors import PaybackError

SEED = EXAMPLES / "seed.toml"
PORTFOLIO = EXAMPLES / "portfolio.toml"


def no_work(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every scenario the command reads: refused before any work, it reads none."""
    read: list[Path] = []
    real = payback.scenario.load_scenario

    def load(path: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(payback.scenario, "load_scenario", load)
    return read


@pytest.mark.slow  # a report and its charts written for every type
@pytest.mark.parametrize("suffix", [".html", ".htm", ".md", ".png"])
def test_every_report_type_makes_its_missing_folder(tmp_path: Path, suffix: str) -> None:
    output = tmp_path / "missing" / "dir" / f"r{suffix}"
    code, out, err = run("report", SEED, "-o", output)
    assert (code, err) == (0, ""), err
    assert out.startswith(f"Wrote {output}")
    assert owned(output)  # payback's report, stamped with its hash
    beside = sorted(p.name for p in output.parent.iterdir())
    if suffix == ".md":  # the seed's five charts beside it
        charts = ["cumulative", "components-0", "one-time", "per-1k", "tornado-0"]
        assert beside == sorted(["r.md", *(f"r-{c}.png" for c in charts)])
    else:
        assert beside == [output.name]


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_a_portfolio_report_makes_its_missing_folder(tmp_path: Path, suffix: str) -> None:
    output = tmp_path / "new" / f"r{suffix}"
    code, out, err = run("report", PORTFOLIO, "-o", output, "--json")
    assert (code, err) == (0, ""), err
    written = json.loads(out)["written"]
    assert written[0] == str(output)
    assert sorted(written) == sorted(str(p) for p in (tmp_path / "new").iterdir())
    assert all(owned(Path(p)) for p in written)


def test_a_file_in_the_way_is_refused_before_the_scenario_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = no_work(monkeypatch)
    plain = tmp_path / "plain"
    plain.write_text("mine\n")
    for suffix in (".html", ".htm", ".md", ".png"):
        output = plain / "sub" / f"r{suffix}"
        code, out, err = run("report", SEED, "-o", output)
        assert_user_error(code, out, err)
        assert err == (
            f"error: -o {output}: cannot make the folder {plain / 'sub'}: "
            f"{plain} is a file, not a folder\n"
        )
    assert read == []  # the scenario was never read: no analysis ran
    assert plain.read_text() == "mine\n"


def test_a_link_to_nothing_in_the_way_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = no_work(monkeypatch)
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    output = tmp_path / "gone" / "r.html"
    code, out, err = run("report", SEED, "-o", output)
    assert_user_error(code, out, err)
    assert err == (
        f"error: -o {output}: cannot make the folder {tmp_path / 'gone'}: "
        f"{tmp_path / 'gone'} is a symbolic link to nothing, not a folder\n"
    )
    assert read == []
    assert not (tmp_path / "nowhere").exists()


def test_a_folder_that_cannot_be_made_in_is_refused_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder where no folder can be made (not writable; tests may run as root, who may
    write anywhere, so the permission is what os.access says)."""
    locked = locked_folder(tmp_path, monkeypatch)
    read = no_work(monkeypatch)
    output = locked / "a" / "b" / "r.png"
    code, out, err = run("report", SEED, "-o", output)
    assert_user_error(code, out, err)
    assert err == (
        f"error: -o {output}: cannot make the folder {locked / 'a' / 'b'}: "
        f"{locked} is not writable\n"
    )
    assert read == []
    assert list(locked.iterdir()) == []


def test_no_folder_is_made_for_a_report_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a scenario that does not load: its error, and no folder
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\n")
    code, out, err = run("report", bad, "-o", tmp_path / "out" / "r.html")
    assert_user_error(code, out, err, "bad.toml")
    # a portfolio refused after it loads
    code, out, err = run("report", PORTFOLIO, "-o", tmp_path / "out" / "r.png", "--seed", "1")
    assert_user_error(code, out, err, "--seed needs --samples")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_a_failed_write_removes_the_folders_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """The disk fills up as the report is written: the error, and the two folders made for
    it are gone again; a folder that was there already stays."""

    def full(path: Path, text: str | bytes, force: bool) -> None:
        raise PaybackError(f"{path}: cannot write: No space left on device")

    monkeypatch.setattr(files_module, "_stage", full)
    (tmp_path / "there").mkdir()
    output = tmp_path / "there" / "a" / "b" / f"r{suffix}"
    code, out, err = run("report", SEED, "-o", output)
    assert_user_error(code, out, err, "cannot write: No space left on device")
    assert [p.name for p in tmp_path.iterdir()] == ["there"]
    assert list((tmp_path / "there").iterdir()) == []


def test_the_help_says_the_folder_is_made() -> None:
    code, out, _ = run("report", "--help")
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())
    assert "chart.png; a missing folder is made." in flat
    assert "Whatever the type, a missing folder in -o is made when the report is written" in flat
    assert "its folder is made when missing" not in flat  # said of .md alone before
