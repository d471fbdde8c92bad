"""Every output path through a folder that does not exist, tried as a new user would:
``payback init newd/../s.toml`` said "folder newd/.. does not exist" though the file's
folder (``.``) is there, where ``report -o newd/../r.html`` wrote ``r.html``. The system
cannot follow ``newd/..`` while ``newd`` is not there; each command now writes the file it
names (:func:`payback.cli._files.through_missing`), and makes no ``newd``."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

from helpers import DATA, QUARTER, assert_user_error, run
from payback.cli._files import _starter_text


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_init_writes_beside_the_missing_folder(tmp_path: Path) -> None:
    code, out, err = run("init", tmp_path / "newd" / ".." / "s.toml", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"written": str(tmp_path / "s.toml")}
    assert _names(tmp_path) == ["s.toml"]  # no newd
    assert (tmp_path / "s.toml").read_text(encoding="utf-8") == _starter_text()


def test_init_through_a_missing_folder_keeps_an_existing_file(tmp_path: Path) -> None:
    """``newd/../s.toml`` is ``s.toml``: there already, it is refused as such, not replaced
    (``Path.exists`` of ``newd/../s.toml`` is False while ``newd`` is missing)."""
    (tmp_path / "s.toml").write_text("kept\n", encoding="utf-8")
    code, out, err = run("init", tmp_path / "newd" / ".." / "s.toml")
    assert_user_error(code, out, err, f"{tmp_path / 's.toml'}: already exists; use --force")
    assert (tmp_path / "s.toml").read_text(encoding="utf-8") == "kept\n"
    assert _names(tmp_path) == ["s.toml"]


def test_init_keeps_a_deeper_folder_the_path_names(tmp_path: Path) -> None:
    """``there/newd/../s.toml`` is ``there/s.toml``; ``there`` exists."""
    (tmp_path / "there").mkdir()
    code, out, err = run("init", tmp_path / "there" / "newd" / ".." / "s.toml", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"written": str(tmp_path / "there" / "s.toml")}
    assert _names(tmp_path / "there") == ["s.toml"]


def test_recommend_apply_writes_beside_the_missing_folder(tmp_path: Path) -> None:
    scenario = tmp_path / "q.toml"
    scenario.write_bytes(QUARTER.read_bytes())
    code, out, err = run(
        "recommend",
        scenario,
        "--model",
        "qwen2.5-7b",
        "--apply",
        "-o",
        tmp_path / "newd" / ".." / "new.toml",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["written"] == str(tmp_path / "new.toml")
    assert _names(tmp_path) == ["new.toml", "q.toml"]
    assert "alternatives" in tomllib.loads((tmp_path / "new.toml").read_text(encoding="utf-8"))


def test_import_benchmark_writes_beside_the_missing_folder(tmp_path: Path) -> None:
    bench = tmp_path / "bench.json"
    bench.write_bytes((DATA / "vllm_save_result.json").read_bytes())
    code, _, err = run("import-benchmark", bench, "-o", tmp_path / "newd" / ".." / "c.toml")
    assert code == 0, err
    assert _names(tmp_path) == ["bench.json", "c.toml"]
    assert tomllib.loads((tmp_path / "c.toml").read_text(encoding="utf-8"))


def test_calibrate_checks_the_file_the_path_names(tmp_path: Path) -> None:
    """Refused before any work as the file it names (there already), not as a missing
    folder ``newd/..``."""
    (tmp_path / "c.toml").write_text("kept\n", encoding="utf-8")
    output = tmp_path / "newd" / ".." / "c.toml"
    code, out, err = run("calibrate", "--model", "qwen2.5-0.5b", "-o", output)
    assert_user_error(code, out, err, f"{tmp_path / 'c.toml'}: already exists; use --force")
    assert "does not exist" not in err
    assert _names(tmp_path) == ["c.toml"]


def test_usage_writes_beside_the_missing_folder(tmp_path: Path) -> None:
    """One request an hour from 1 January to 1 April 2026 (three whole months): 24 a day,
    24 × 30.4375 (365.25 / 12 days) = 730.5 a month, written so (730 would be 0.07% off)."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    hours = int((dt.datetime(2026, 4, 1, tzinfo=dt.UTC) - start).total_seconds() // 3600)
    rows = [f"{(start + dt.timedelta(hours=h)).isoformat()},1000,200" for h in range(hours)]
    logs = tmp_path / "requests.csv"
    logs.write_text("timestamp,input_tokens,output_tokens\n" + "\n".join(rows) + "\n")
    code, out, err = run("usage", logs, "-o", tmp_path / "newd" / ".." / "s.toml", "--json")
    assert code == 0, err
    assert json.loads(out)["written"] == str(tmp_path / "s.toml")
    assert _names(tmp_path) == ["requests.csv", "s.toml"]
    traffic = tomllib.loads((tmp_path / "s.toml").read_text(encoding="utf-8"))["traffic"]
    assert traffic["requests_per_month"] == 730.5
