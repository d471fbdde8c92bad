"""``-``, which many tools read as standard input or output, tried as a new user would:
``import-benchmark ... -o -`` wrote a file named ``-`` and ``cat s.toml | payback analyze -``
said only "-: no such file". payback reads and writes files: ``-`` is refused in one line
that says so, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, assert_user_error, run

DATA = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


@pytest.mark.parametrize(
    ("args", "example"),
    [
        (
            ("import-benchmark", str(DATA / "vllm_save_result.json"), "--gpu", "h100-sxm"),
            "calibration.toml",
        ),
        (("report", str(EXAMPLES / "seed.toml")), "report.html"),
        (("recommend", str(EXAMPLES / "catalog-ids.toml"), "--apply"), "scenario.toml"),
    ],
)
def test_o_dash_is_refused_and_nothing_is_written(
    args: tuple[str, ...], example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*args, "-o", "-")
    assert_user_error(code, out, err)
    assert err == (
        f"error: -o -: payback writes a file, not standard output; give a file name such as "
        f"{example}\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_init_dash_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("init", "-")
    assert_user_error(code, out, err)
    assert err == (
        "error: -: payback writes a file, not standard output; give a file name such as "
        "scenario.toml\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["analyze", "explain", "sensitivity", "report"])
def test_a_dash_for_the_scenario_says_files_are_read(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = [command, "-"] + (["-o", "r.html"] if command == "report" else [])
    code, out, err = run(*args)
    assert_user_error(code, out, err)
    assert err == (
        "error: -: no such file; payback reads files, not standard input: give a file's path\n"
    )


def test_a_file_named_dash_is_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that is there under the name ``-`` is read as any other (``./-`` or ``-``)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text((EXAMPLES / "seed.toml").read_text())
    code, out, err = run("analyze", "-")
    assert code == 0, err
    assert "30,769" in out
