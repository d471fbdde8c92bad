"""One rule for every file a command writes, tried as a new user would: ``report -o
newdir/r.html`` made the missing folder, while ``init newdir/s.toml``, ``usage ... -o
newdir/s.toml``, ``recommend --apply -o newdir/x.toml``, ``import-benchmark -o`` and
``calibrate -o`` refused it ("folder newdir does not exist"). Each now makes it, once there
is something to write, and says so in its --help; what cannot be made (a file in the way,
a folder that is not writable) is one line naming the flag, exit 2, before any work, and a
folder made for a write that fails is removed again (:func:`payback.cli._files._folders_made`)."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

import payback.cli._files as files_module
from helpers import DATA, QUARTER, assert_user_error, locked_folder, run
from payback.cli._files import _starter_text
from payback.errors import PaybackError


def _logs(folder: Path) -> Path:
    """One request an hour through January to March 2026: 24 a day, 24 × 30.4375 = 730.5
    a month, written so (730 would be 0.07% off)."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = [f"{(start + dt.timedelta(hours=h)).isoformat()},1000,200" for h in range(90 * 24)]
    logs = folder / "requests.csv"
    logs.write_text("timestamp,input_tokens,output_tokens\n" + "\n".join(rows) + "\n")
    return logs


def _writers(tmp_path: Path) -> dict[str, tuple[Any, ...]]:
    """Each command that writes a scenario or a calibration, its output the last word."""
    return {
        "init": ("init",),
        "usage": ("usage", _logs(tmp_path), "-o"),
        "recommend": ("recommend", QUARTER, "--model", "qwen2.5-7b", "--apply", "-o"),
        "import-benchmark": ("import-benchmark", DATA / "vllm_save_result.json", "-o"),
    }


WRITERS = ["init", "usage", "recommend", "import-benchmark"]


@pytest.mark.parametrize("writer", WRITERS)
def test_every_writer_makes_its_missing_folder(tmp_path: Path, writer: str) -> None:
    output = tmp_path / "new" / "deeper" / "out.toml"
    code, out, err = run(*_writers(tmp_path)[writer], output)
    assert code == 0, err
    assert f"Wrote {output}" in " ".join(out.split())
    assert sorted(p.name for p in output.parent.iterdir()) == ["out.toml"]
    assert tomllib.loads(output.read_text(encoding="utf-8"))


def test_init_writes_the_starter_in_the_folder_it_makes(tmp_path: Path) -> None:
    output = tmp_path / "new" / "s.yaml"
    code, out, err = run("init", output, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"written": str(output)}
    assert "requests_per_month: 200000" in output.read_text(encoding="utf-8")


def test_usage_writes_the_measured_traffic_in_the_folder_it_makes(tmp_path: Path) -> None:
    output = tmp_path / "new" / "s.toml"
    code, out, err = run(*_writers(tmp_path)["usage"], output, "--json")
    assert code == 0, err
    assert (json.loads(out)["written"], json.loads(out)["created"]) == (str(output), True)
    traffic = tomllib.loads(output.read_text(encoding="utf-8"))["traffic"]
    assert traffic["requests_per_month"] == 730.5


@pytest.mark.parametrize("writer", [*WRITERS, "calibrate"])
def test_a_file_in_the_way_is_refused_before_any_work(tmp_path: Path, writer: str) -> None:
    plain = tmp_path / "plain"
    plain.write_text("mine\n")
    output = plain / "sub" / "out.toml"
    args = ("calibrate", "--model", "qwen2.5-0.5b", "-o") if writer == "calibrate" else ()
    code, out, err = run(*(args or _writers(tmp_path)[writer]), output)
    assert_user_error(code, out, err)
    named = str(output) if writer == "init" else f"-o {output}"  # init's path is no option
    assert err == (
        f"error: {named}: cannot make the folder {plain / 'sub'}: {plain} is a file, not a folder\n"
    )
    assert plain.read_text() == "mine\n"


@pytest.mark.parametrize("writer", WRITERS)
def test_a_folder_that_cannot_be_made_in_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    """Not writable (tests may run as root, who may write anywhere: os.access says it)."""
    locked = locked_folder(tmp_path, monkeypatch)
    output = locked / "a" / "out.toml"
    code, out, err = run(*_writers(tmp_path)[writer], output)
    assert_user_error(code, out, err)
    assert err.endswith(f": cannot make the folder {locked / 'a'}: {locked} is not writable\n")
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("writer", WRITERS)
def test_a_failed_write_removes_the_folders_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    """The disk fills up as the file is written: the error, and the two folders made for it
    are gone again; a folder that was there already stays."""

    def full(path: Path, text: str | bytes, force: bool) -> None:
        raise PaybackError(f"{path}: cannot write: No space left on device")

    args = _writers(tmp_path)[writer]  # usage's logs written before the disk fills
    monkeypatch.setattr(files_module, "_write_one", full)
    (tmp_path / "there").mkdir()
    code, _, err = run(*args, tmp_path / "there" / "a" / "b" / "out.toml")
    assert code == 2
    assert "cannot write: No space left on device" in err
    assert list((tmp_path / "there").iterdir()) == []


def test_a_dot_dot_after_a_missing_folder_still_makes_none(tmp_path: Path) -> None:
    """``new/../s.toml`` is ``s.toml``, beside ``new``: no folder is made for it."""
    code, _, err = run("init", tmp_path / "a" / "new" / ".." / "s.toml")
    assert (code, err) == (0, "")
    assert (tmp_path / "a" / "s.toml").read_text(encoding="utf-8") == _starter_text()
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["s.toml"]


@pytest.mark.parametrize(
    "command",
    ["init", "usage", "recommend", "import-benchmark", "calibrate", "report"],
)
def test_every_writer_says_in_its_help_that_the_folder_is_made(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())
    assert "; a missing folder is made." in flat


def test_report_and_the_others_share_one_rule() -> None:
    """One helper makes the folders for every writer: no command makes its own."""
    cli = Path(files_module.__file__).parent
    for module in cli.glob("*.py"):
        if module.name != "_files.py":
            text = module.read_text(encoding="utf-8")
            for own in ("making_folders", "folder_to_make", "mkdir"):
                assert own not in text, module.name


@pytest.mark.parametrize(
    ("writer", "example"),
    [
        ("init", "scenario.toml"),
        ("usage", "scenario.toml"),
        ("recommend", "scenario.toml"),
        ("import-benchmark", "calibration.toml"),
        ("report", "report.html"),
    ],
)
def test_a_folder_given_for_the_file_is_said_to_be_one(
    tmp_path: Path, writer: str, example: str
) -> None:
    """``report -o out`` said "unknown report type (none)" and ``recommend --apply -o out``
    "a scenario is written as .toml", where ``init out`` said it is a folder."""
    out = tmp_path / "out"
    out.mkdir()
    args = ("report", QUARTER, "-o") if writer == "report" else _writers(tmp_path)[writer]
    code, stdout, err = run(*args, out)
    assert_user_error(code, stdout, err)
    named = str(out) if writer == "init" else f"-o {out}"
    assert err == f"error: {named}: is a directory; give a file name such as {out / example}\n"
    assert list(out.iterdir()) == []


WITH_REPORT = [*WRITERS, "report"]


def _args(tmp_path: Path, writer: str) -> tuple[Any, ...]:
    return ("report", QUARTER, "-o") if writer == "report" else _writers(tmp_path)[writer]


@pytest.mark.parametrize("writer", WITH_REPORT)
def test_a_missing_folder_whose_name_is_too_long_is_one_line(tmp_path: Path, writer: str) -> None:
    """A folder's name of 300 bytes: the system's "File name too long" was an internal error
    (exit 1) from every writer, where a long file name was said as such."""
    suffix = ".html" if writer == "report" else ".toml"
    output = tmp_path / ("a" * 300) / f"out{suffix}"
    code, out, err = run(*_args(tmp_path, writer), output)
    assert_user_error(code, out, err)
    assert "a name in this path is 300 bytes long; the limit is 255 bytes a name" in err
    assert "Errno" not in err
    assert "internal error" not in err


@pytest.mark.parametrize("writer", WITH_REPORT)
def test_a_link_to_a_missing_folder_is_written_through(tmp_path: Path, writer: str) -> None:
    """``d.toml`` a symbolic link to ``gone/s.toml``: the folder the link points in is made
    and the file written there, the link kept, as ``report -o d.md`` did; the others said
    "gone/s.toml: cannot write" once their work was done. With --force where the command
    has it (the link's name is there: see test_write_through_links); ``usage -o`` writes
    into a scenario, new or not, and has none."""
    suffix = ".html" if writer == "report" else ".toml"
    link = tmp_path / f"d{suffix}"
    link.symlink_to(Path("gone") / f"s{suffix}")
    force: tuple[str, ...] = ()
    if writer != "usage":
        code, out, err = run(*_args(tmp_path, writer), link)
        assert_user_error(code, out, err, f"{link}: already exists, a link to gone/s{suffix}, ")
        assert not (tmp_path / "gone").exists()
        force = ("--force",)
    code, _, err = run(*_args(tmp_path, writer), link, *force)
    assert code == 0, err
    assert link.is_symlink()
    assert (tmp_path / "gone" / f"s{suffix}").is_file()
    assert link.read_bytes() == (tmp_path / "gone" / f"s{suffix}").read_bytes()


@pytest.mark.parametrize("writer", WITH_REPORT)
def test_a_name_typed_with_a_slash_at_its_end_is_a_folders(tmp_path: Path, writer: str) -> None:
    """``-o r.html/`` wrote ``r.html`` (``Path`` drops the slash), where a shell's ``>``
    says "Not a directory"; ``init newdir/`` said it was a folder's name, the others not."""
    suffix = ".html" if writer == "report" else ".toml"
    typed = f"{tmp_path / ('r' + suffix)}/"
    code, out, err = run(*_args(tmp_path, writer), typed)
    assert_user_error(code, out, err)
    named = typed if writer == "init" else f"-o {typed}"
    assert err.startswith(f"error: {named}: a folder's name (it ends with /)"), err
    assert not (tmp_path / f"r{suffix}").exists()
