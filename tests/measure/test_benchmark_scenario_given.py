"""A payback scenario given to import-benchmark was said to be "a CSV table" when its first
comment line held a comma (tests/data/hunt/q.toml, the starter scenario), and "not valid
JSON" otherwise: it is said to be a scenario, with the result files that are imported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import assert_user_error, run

HUNT = Path(__file__).resolve().parents[1] / "data" / "hunt"
FORMATS = (
    "not a benchmark result; what is imported is a serving benchmark's result (JSON): "
    "vLLM's --save-result file, GenAI-Perf's profile_export_genai_perf.json or AIPerf's "
    "profile_export_aiperf.json"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_scenario_whose_first_comment_has_a_comma_is_said_to_be_a_scenario() -> None:
    shutil.copy(HUNT / "q.toml", "q.toml")
    assert_user_error(
        *run("import-benchmark", "q.toml"), f"q.toml: a payback scenario (TOML), {FORMATS}"
    )


def test_a_scenario_without_comments_is_not_said_to_be_bad_json() -> None:
    Path("s.toml").write_text('\n[scenario]\nname = "x"\n\n[[alternatives]]\nname = "y"\n')
    assert_user_error(
        *run("import-benchmark", "s.toml"), f"s.toml: a payback scenario (TOML), {FORMATS}"
    )


def test_a_yaml_scenario_is_said_to_be_one() -> None:
    Path("s.yaml").write_text("# a, b\nscenario:\n  name: x\ntraffic:\n  input_tokens: 1\n")
    assert_user_error(
        *run("import-benchmark", "s.yaml"), f"s.yaml: a payback scenario (YAML), {FORMATS}"
    )


def test_a_csv_table_is_still_one() -> None:
    Path("gp.csv").write_text("Metric,avg,min\nRequest Latency (ms),1,2\n")
    assert_user_error(*run("import-benchmark", "gp.csv"), "gp.csv: a CSV table")
