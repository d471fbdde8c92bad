"""Older GenAI-Perf exports write no request_count metric: the count configured in
input_config (flat ``request_count``, nested ``perf_analyzer.request_count.num``) is read,
as docs/benchmark-formats.md §4 says, so the load line says the requests and the run's
length (1,000 / 17.61 requests/s = 56.8 s) as it does for newer exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import DATA
from payback.measure.benchmarks import read_benchmark

LEGACY = DATA / "genai_perf_legacy_flat_profile_export_genai_perf.json"
NESTED = DATA / "genai_perf_profile_export_genai_perf.json"


def test_the_flat_configured_count_is_read() -> None:
    data = json.loads(LEGACY.read_text())
    assert "request_count" not in data
    assert data["input_config"]["request_count"] == 1000
    serving = read_benchmark(LEGACY).serving
    assert serving is not None
    assert serving.completed == 1000
    assert serving.duration_s == pytest.approx(1000 / data["request_throughput"]["avg"])
    assert round(serving.duration_s, 1) == 56.8


def test_the_nested_configured_count_is_read_where_the_metric_is_absent(tmp_path: Path) -> None:
    data = json.loads(NESTED.read_text())
    del data["request_count"]
    assert data["input_config"]["perf_analyzer"]["request_count"]["num"] == 1000
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    serving = read_benchmark(path).serving
    assert serving is not None
    assert serving.completed == 1000


@pytest.mark.parametrize("configured", [0, None, "1000", 12.5])
def test_a_count_that_is_not_a_whole_number_of_requests_is_left_out(
    tmp_path: Path, configured: object
) -> None:
    data = json.loads(LEGACY.read_text())
    data["input_config"]["request_count"] = configured
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    serving = read_benchmark(path).serving
    assert serving is not None
    assert serving.completed is None
