"""Units and the identities of a benchmark's figures, tried as a new user would: GenAI-Perf's
and AIPerf's ``request_throughput`` in requests/min was read as requests/s (1,064 for 17.7),
an AIPerf ``benchmark_duration`` in ms as seconds, an ``output_token_throughput`` in
tokens/ms as tokens/s; a rate edited away from the counts it is written from (AIPerf's
requests/s ×100, vLLM's ``output_throughput`` of 35 for 3,518) and a p99 below its p50
were imported as they were. Every unit is converted or refused, a rate more than 1% from
its counts refused as vLLM's requests/s already was, percentiles out of order refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import DATA, assert_user_error, run
from payback import PaybackError
from payback.measure.benchmarks import read_benchmark

GAP = "genai_perf_profile_export_genai_perf.json"
AIPERF = "aiperf_profile_export_aiperf.json"
VLLM = "vllm_save_result.json"


def _raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text())
    return data


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data))
    return path


def _edited(tmp_path: Path, name: str, **metrics: dict[str, Any]) -> Path:
    """A sample NVIDIA export with metrics' blocks updated (``unit``, ``avg``, ``p99``)."""
    data = _raw(name)
    for metric, change in metrics.items():
        data[metric] = {**data[metric], **change}
    return _write(tmp_path / "r.json", data)


def _refused(path: Path, line: str) -> None:
    """The command's one error line is ``line`` about ``path``."""
    code, out, err = run("import-benchmark", path)
    assert_user_error(code, out, err)
    assert err == f"error: {path}: {line}\n"


# ------------------------------------------------------------------ units converted


def test_requests_per_minute_are_read_as_requests_per_second(tmp_path: Path) -> None:
    """The review's file: 1,064.495 requests/min is 17.74 requests/s, not 1,064.5."""
    rps = _raw(GAP)["request_throughput"]["avg"]  # 17.741587607708237 requests/sec
    path = _edited(tmp_path, GAP, request_throughput={"unit": "requests/min", "avg": rps * 60})
    code, out, _ = run("import-benchmark", path, "--json")
    assert code == 0
    assert json.loads(out)["replica_requests_per_s"] == pytest.approx(17.741587607708237)
    serving = read_benchmark(path).serving
    assert serving is not None
    assert serving.duration_s == pytest.approx(1000 / 17.741587607708237)  # 56.4 s, not 0.94


@pytest.mark.parametrize(
    ("metric", "unit", "factor"),
    [
        ("request_throughput", "requests/s", 1.0),
        ("request_throughput", "REQUESTS/MIN", 60.0),  # as _stats, case aside
        ("request_throughput", "requests/ms", 1e-3),
        ("output_token_throughput", "tokens/min", 60.0),
        ("output_token_throughput", "tokens/ms", 1e-3),
        ("benchmark_duration", "ms", 1e3),
        ("benchmark_duration", "us", 1e6),
        ("benchmark_duration", "s", 1.0),
    ],
)
def test_a_unit_is_converted(tmp_path: Path, metric: str, unit: str, factor: float) -> None:
    """The same run written in another unit imports as the same run."""
    base = read_benchmark(DATA / AIPERF).serving
    avg = _raw(AIPERF)[metric]["avg"] * factor
    serving = read_benchmark(_edited(tmp_path, AIPERF, **{metric: {"unit": unit, "avg": avg}}))
    assert serving.serving is not None
    assert base is not None
    for name in ("replica_requests_per_s", "output_tokens_per_s", "duration_s"):
        assert getattr(serving.serving, name) == pytest.approx(getattr(base, name), rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    per=st.sampled_from([("sec", 1.0), ("s", 1.0), ("min", 60.0), ("ms", 1e-3)]),
    time=st.sampled_from([("sec", 1.0), ("ms", 1e3), ("us", 1e6), ("ns", 1e9)]),
)
def test_any_units_read_the_same_run(per: tuple[str, float], time: tuple[str, float]) -> None:
    """Requests/s, tokens/s and the duration in any of their units: the same figures."""
    import tempfile

    data = _raw(AIPERF)
    data["request_throughput"] = {
        "unit": f"requests/{per[0]}",
        "avg": data["request_throughput"]["avg"] * per[1],
    }
    data["output_token_throughput"] = {
        "unit": f"tokens/{per[0]}",
        "avg": data["output_token_throughput"]["avg"] * per[1],
    }
    data["benchmark_duration"] = {
        "unit": time[0],
        "avg": data["benchmark_duration"]["avg"] * time[1],
    }
    with tempfile.TemporaryDirectory() as folder:
        got = read_benchmark(_write(Path(folder) / "r.json", data)).serving
    assert got is not None
    assert got.replica_requests_per_s == pytest.approx(17.694916030031628, rel=1e-12)
    assert got.output_tokens_per_s == pytest.approx(3539.5140534872266, rel=1e-12)
    assert got.duration_s == pytest.approx(56.51340748398073, rel=1e-12)


def test_a_metric_without_a_unit_is_read_in_the_tools_unit(tmp_path: Path) -> None:
    data = _raw(GAP)
    del data["request_throughput"]["unit"]
    serving = read_benchmark(_write(tmp_path / "r.json", data)).serving
    assert serving is not None
    assert serving.replica_requests_per_s == data["request_throughput"]["avg"]


@pytest.mark.parametrize(
    ("metric", "unit", "allowed"),
    [
        (
            "request_throughput",
            "requests/hour",
            "requests/sec, requests/s, requests/min, requests/ms",
        ),
        (
            "output_token_throughput",
            "tokens/sec/user",
            "tokens/sec, tokens/s, tokens/min, tokens/ms",
        ),
        ("benchmark_duration", "h", "sec, s, ms, us, ns"),
        ("input_sequence_length", "characters", "tokens"),
        ("request_count", "requests/sec", "count, requests"),
    ],
)
def test_an_unknown_unit_is_one_line(tmp_path: Path, metric: str, unit: str, allowed: str) -> None:
    path = _edited(tmp_path, AIPERF, **{metric: {"unit": unit}})
    _refused(path, f'{metric}.unit = "{unit}": expected one of {allowed}')  # as JSON spells it


def test_a_unit_that_is_not_text_is_one_line(tmp_path: Path) -> None:
    path = _edited(tmp_path, GAP, request_throughput={"unit": 60})
    _refused(
        path,
        "request_throughput.unit = 60: expected one of requests/sec, requests/s, "
        "requests/min, requests/ms",
    )


# ------------------------------------------------------------------ identities


def test_requests_per_second_times_100_are_refused(tmp_path: Path) -> None:
    """The review's AIPerf file: requests/s ×100 while 1,000 requests took 56.5 s."""
    avg = _raw(AIPERF)["request_throughput"]["avg"] * 100
    path = _edited(tmp_path, AIPERF, request_throughput={"avg": avg})
    _refused(
        path,
        "request_throughput.avg = 1,769 requests/sec disagrees with request_count / "
        "benchmark_duration = 1,000 / 56.51 sec = 17.69 requests/s (AIPerf writes the one "
        "from the other); correct whichever was changed",
    )


def test_a_duration_in_ms_that_was_seconds_is_refused(tmp_path: Path) -> None:
    path = _edited(tmp_path, AIPERF, benchmark_duration={"unit": "ms"})
    _refused(
        path,
        "request_throughput.avg = 17.69 requests/sec disagrees with request_count / "
        "benchmark_duration = 1,000 / 56.51 ms (0.05651 s) = 17,695 requests/s (AIPerf "
        "writes the one from the other); correct whichever was changed",
    )


def test_tokens_per_ms_that_were_per_second_are_refused(tmp_path: Path) -> None:
    path = _edited(tmp_path, GAP, output_token_throughput={"unit": "tokens/ms"})
    _refused(
        path,
        "output_token_throughput.avg = 3,542 tokens/ms (3,541,984 tokens/s) disagrees with "
        "output_sequence_length × request_throughput = 199.6 × 17.74 requests/sec = 3,542 "
        "tokens/s (GenAI-Perf writes the one from the other); correct whichever was changed",
    )


def test_requests_per_minute_that_were_per_second_are_refused(tmp_path: Path) -> None:
    """GenAI-Perf writes no duration: its output tokens/s are what tell."""
    path = _edited(tmp_path, GAP, request_throughput={"unit": "requests/min"})
    _refused(
        path,
        "output_token_throughput.avg = 3,542 tokens/sec disagrees with output_sequence_length "
        "× request_throughput = 199.6 × 17.74 requests/min (0.2957 requests/s) = 59.03 "
        "tokens/s (GenAI-Perf writes the one from the other); correct whichever was changed",
    )


def test_aiperf_output_tokens_are_checked_against_total_osl(tmp_path: Path) -> None:
    avg = _raw(AIPERF)["output_token_throughput"]["avg"] / 100
    path = _edited(tmp_path, AIPERF, output_token_throughput={"avg": avg})
    _refused(
        path,
        "output_token_throughput.avg = 35.4 tokens/sec disagrees with total_osl / "
        "benchmark_duration = 200,030 / 56.51 sec = 3,540 tokens/s (AIPerf writes the one "
        "from the other); correct whichever was changed",
    )


@pytest.mark.parametrize(
    ("name", "metric"), [(AIPERF, "request_throughput"), (GAP, "output_token_throughput")]
)
@pytest.mark.parametrize(
    ("factor", "kept"), [(1.009, True), (0.991, True), (1.011, False), (0.989, False)]
)
def test_the_tolerance_is_vllms_one_percent(
    tmp_path: Path, name: str, metric: str, factor: float, kept: bool
) -> None:
    avg = _raw(name)[metric]["avg"] * factor
    path = _edited(tmp_path, name, **{metric: {"avg": avg}})
    if kept:
        assert read_benchmark(path).serving is not None
    else:
        with pytest.raises(PaybackError, match="disagrees with"):
            read_benchmark(path)


def test_vllm_output_throughput_is_checked(tmp_path: Path) -> None:
    """The review's file: output_throughput = 35 where 200,752 tokens took 57.07 s."""
    path = _write(tmp_path / "v.json", {**_raw(VLLM), "output_throughput": 35.0})
    _refused(
        path,
        "output_throughput = 35 disagrees with total_output_tokens / duration = 200,752 / "
        "57.07 s = 3,518 tokens/s (vLLM writes the one from the other); correct whichever "
        "was changed",
    )
    nearly = {**_raw(VLLM), "output_throughput": 3517.66 * 1.009}
    assert read_benchmark(_write(tmp_path / "w.json", nearly)).serving is not None


def test_vllm_output_throughput_without_a_duration(tmp_path: Path) -> None:
    data = {**_raw(VLLM), "output_throughput": 350.0}
    del data["duration"]
    _refused(
        _write(tmp_path / "v.json", data),
        "output_throughput = 350 disagrees with total_output_tokens / (completed / "
        "request_throughput) = 200,752 / 57.07 s = 3,518 tokens/s (vLLM writes the one from "
        "the other); correct whichever was changed",
    )


# ------------------------------------------------------------------ percentiles


def test_a_p99_below_the_p90_is_refused(tmp_path: Path) -> None:
    """The review's file: time_to_first_token.p99 = 1.0 under a p50 of 74.7 ms."""
    path = _edited(tmp_path, GAP, time_to_first_token={"p99": 1.0})
    _refused(
        path,
        "time_to_first_token.p99 = 1 ms is below time_to_first_token.p90 = 143.5 ms, where a "
        "higher percentile is never lower (p50 ≤ p90 ≤ p99); correct whichever was changed",
    )


def test_percentiles_in_seconds_are_compared_in_ms(tmp_path: Path) -> None:
    path = _edited(tmp_path, GAP, request_latency={"unit": "s", "p50": 3.5, "p90": 3.4, "p99": 4})
    _refused(
        path,
        "request_latency.p90 = 3,400 ms is below request_latency.p50 = 3,500 ms, where a "
        "higher percentile is never lower (p50 ≤ p90 ≤ p99); correct whichever was changed",
    )


def test_vllm_percentiles_out_of_order_are_refused(tmp_path: Path) -> None:
    data = {**_raw(VLLM), "p90_tpot_ms": 20.0}  # p99 18.36
    _refused(
        _write(tmp_path / "v.json", data),
        "p99_tpot_ms = 18.36 ms is below p90_tpot_ms = 20 ms, where a higher percentile is "
        "never lower (p50 ≤ p90 ≤ p99); correct whichever was changed",
    )
    median = {k: v for k, v in _raw(VLLM).items() if k != "p50_itl_ms"} | {"p90_itl_ms": 1.0}
    with pytest.raises(PaybackError, match=r"p90_itl_ms = 1 ms is below median_itl_ms = 12\.9 ms"):
        read_benchmark(_write(tmp_path / "m.json", median))


def test_equal_percentiles_are_kept(tmp_path: Path) -> None:
    data = {**_raw(VLLM), "p50_tpot_ms": 17.0, "p90_tpot_ms": 17.0, "p99_tpot_ms": 17.0}
    serving = read_benchmark(_write(tmp_path / "v.json", data)).serving
    assert serving is not None
    assert serving.tpot_ms is not None
    assert (serving.tpot_ms.p50, serving.tpot_ms.p90, serving.tpot_ms.p99) == (17.0, 17.0, 17.0)
