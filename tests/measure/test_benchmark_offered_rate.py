"""A run at a fixed request rate that the server kept up with measured the load offered,
not capacity: vLLM at request_rate 5.0 served 4.993 requests/s, and analyze sized 5
replicas at 4.993 each without a word (tests/data/hunt/rate5.json, m3.toml)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers import DATA, run

HUNT = Path(__file__).resolve().parents[1] / "data" / "hunt"
SAID = (
    "the run offered 5 requests/s and served 4.993: it measured the offered load, not the "
    "replica's capacity; benchmark at a concurrency, or with more requests/s than it serves"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(HUNT / "rate5.json", tmp_path / "rate5.json")
    shutil.copy(HUNT / "m3.toml", tmp_path / "m3.toml")


def test_import_benchmark_warns_that_a_rate_kept_up_with_is_not_capacity() -> None:
    code, _, err = run("import-benchmark", "rate5.json", "-o", "r5.toml")
    assert code == 0, err
    assert f"warning: rate5.json: {SAID}" in err


def test_analyze_warns_with_the_result_and_with_the_file_imported_from_it() -> None:
    code, _, err = run("analyze", "m3.toml")
    assert code == 0, err
    assert SAID in err
    assert run("import-benchmark", "rate5.json", "-o", "r5.toml")[0] == 0
    Path("m3.toml").write_text(Path("m3.toml").read_text().replace("rate5.json", "r5.toml"))
    code, _, err = run("analyze", "m3.toml")
    assert code == 0, err
    assert f"r5.toml: {SAID}" in err


def _vllm(**fields: Any) -> str:
    data = {**json.loads((DATA / "vllm_save_result.json").read_text()), **fields}
    Path("result.json").write_text(json.dumps(data))
    return "result.json"


@pytest.mark.parametrize(
    ("rate", "warned"),
    [
        (18.0, True),  # 17.52 served: 97% of 18 offered, kept up
        (18.5, False),  # 94.7%: under the 95% that reads as kept up, it fell behind
        (40.0, False),  # far more offered than served: a capacity
    ],
)
def test_the_threshold_is_95_percent_of_the_rate_offered(rate: float, warned: bool) -> None:
    code, _, err = run("import-benchmark", _vllm(request_rate=rate, max_concurrency=None))
    assert code == 0, err
    assert ("measured the offered load" in err) is warned


def test_a_run_at_a_concurrency_is_not_warned_about_even_with_a_rate() -> None:
    code, _, err = run("import-benchmark", _vllm(request_rate=18.0, max_concurrency=64))
    assert code == 0, err
    assert "offered load" not in err


@pytest.mark.parametrize(
    ("name", "offered", "served"),
    [
        ("gp_nested_rate.json", "8", "17.74"),  # perf_analyzer.stimulus.request_rate
        ("gp_flat_rate.json", "8", "17.61"),  # request_rate, concurrency null
        ("ai_rate_only.json", "10", "17.69"),  # loadgen.request_rate
    ],
)
def test_nvidia_runs_at_a_rate_are_read_as_that_rate_not_all_at_once(
    tmp_path: Path, name: str, offered: str, served: str
) -> None:
    shutil.copy(HUNT / name, tmp_path / name)
    code, out, err = run("import-benchmark", name, "--json")
    assert code == 0, err
    serving = json.loads(out)["calibration"]["serving"]
    assert serving["request_rate"] == float(offered)
    assert "concurrency" not in serving or serving["concurrency"] is None
    assert f"the run offered {offered} requests/s and served {served}: it measured" in err
    code, out, err = run("import-benchmark", name)
    assert f"{offered} requests/s offered" in out
    assert "all requests at once" not in out
