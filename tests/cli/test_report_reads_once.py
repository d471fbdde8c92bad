"""``payback report`` reads its scenario file once: the chart names' check, the choice of
a portfolio's report or a scenario's, and the analysis use the one loaded (it was read
three times for a Markdown report, twice for the other types)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import payback.scenario.io as scenario_io
from helpers import EXAMPLES, run

CASES = [
    pytest.param(name, suffix, marks=[pytest.mark.slow] if suffix == ".md" else [])
    for name in ("seed.toml", "portfolio.toml")
    for suffix in (".md", ".html", ".png")
]


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_report_reads_the_scenario_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, suffix: str
) -> None:
    reads: list[Any] = []
    read = scenario_io.read_scenario_data

    def counted(path: Any) -> Any:
        reads.append(path)
        return read(path)

    monkeypatch.setattr(scenario_io, "read_scenario_data", counted)
    code, _, err = run("report", EXAMPLES / name, "-o", tmp_path / f"r{suffix}")
    assert code == 0, err
    assert [str(p) for p in reads] == [str(EXAMPLES / name)]
