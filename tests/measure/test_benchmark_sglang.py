"""sglang's ``bench_serving --output-file`` result (vLLM's format under sglang's names) was
read as vLLM's benchmark_serving.py and lost its end-to-end latency
(``*_e2e_latency_ms``): it is read labelled sglang, with that latency."""

from __future__ import annotations

from pathlib import Path

from helpers import run
from payback.measure.benchmarks import read_benchmark

SGLANG = Path(__file__).resolve().parents[1] / "data" / "hunt" / "sglang.jsonl"


def test_sglang_is_read_labelled_with_its_e2e_latency() -> None:
    cal = read_benchmark(SGLANG)
    assert cal.tool == "sglang bench_serving"
    serving = cal.serving
    assert serving is not None
    assert serving.e2el_ms is not None
    e2el = serving.e2el_ms.model_dump()
    assert e2el == {"mean": 3522.0, "p50": 3508.0, "p90": 3845.0, "p99": 4413.0}
    assert serving.replica_requests_per_s == 17.522340984755562
    assert serving.concurrency == 64  # max_concurrency; its "concurrency" is a measured mean
    assert serving.request_rate is None  # Infinity: all at once


def test_the_command_says_sglang_and_the_latency() -> None:
    code, out, err = run("import-benchmark", SGLANG)
    assert code == 0, err
    assert "sglang bench_serving: sglang.jsonl" in out
    assert "p50 3,508.0, p90 3,845.0, p99 4,413.0" in out
