"""Logs whose every request has 0 input and 0 output tokens (failed rows, or token columns
not filled) are warned of, and ``-o`` writes nothing from them: they had been read as mean
lengths of 0.0 without a word, written by ``-o`` and taken by ``analyze``."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from helpers import run
from payback import profile_usage
from payback.measure.usage.sql import ZERO_TOKENS

STARTER = resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")


def logs(path: Path, tokens: str) -> Path:
    """800 rows, four a day from 2026-03-01, each with ``tokens`` (input,output)."""
    lines = ["ts,input_tokens,output_tokens"]
    for i in range(800):
        day = 1 + i // 4 % 28
        lines.append(f"2026-{3 + i // 112:02d}-{day:02d}T{i % 4 * 6:02d}:00:00Z,{tokens}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_zero_token_logs_are_warned_of(tmp_path: Path) -> None:
    profile = profile_usage([logs(tmp_path / "zero.csv", "0,0")])
    assert profile.traffic["input_tokens"] == 0.0
    assert ZERO_TOKENS in profile.warnings
    code, out, err = run("usage", tmp_path / "zero.csv")
    assert code == 0
    assert "input_tokens         0.0 mean" in out
    assert f"warning: {ZERO_TOKENS}\n" in err
    assert ZERO_TOKENS == (
        "every request is logged with 0 input and 0 output tokens: failed or error rows, or "
        "token columns not filled? no workload has lengths of 0"
    )


def test_o_writes_nothing_from_zero_token_logs(tmp_path: Path) -> None:
    zero = logs(tmp_path / "zero.csv", "0,0")
    fresh = tmp_path / "fresh.toml"
    code, out, err = run("usage", zero, "-o", fresh)
    assert code == 2
    assert "Traceback" not in err
    assert err.splitlines()[-1] == f"error: -o {fresh}: nothing written: {ZERO_TOKENS}"
    assert not fresh.exists()
    scenario = tmp_path / "s.toml"
    scenario.write_text(STARTER, encoding="utf-8")
    code, out, err = run("usage", zero, "-o", scenario, "--json")
    assert code == 2
    assert err.splitlines() == [
        f"warning: {ZERO_TOKENS}",
        f"error: -o {scenario}: nothing written: {ZERO_TOKENS}",
    ]
    assert json.loads(out)["refused"] == f"-o {scenario}: nothing written: {ZERO_TOKENS}"
    assert scenario.read_text(encoding="utf-8") == STARTER


def test_some_zero_rows_or_output_alone_are_not_warned_of(tmp_path: Path) -> None:
    assert ZERO_TOKENS not in profile_usage([logs(tmp_path / "out.csv", "0,200")]).warnings
    assert ZERO_TOKENS not in profile_usage([logs(tmp_path / "in.csv", "1000,0")]).warnings
