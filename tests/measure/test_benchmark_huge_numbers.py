"""Numbers out of range in a benchmark result, tried as a new user would: a whole number past
the largest float in any numeric field crashed import-benchmark (``int too large to
convert to float``, exit 1), a latency over 1e9 ms leaked pydantic's error (exit 1),
and a warning printed 1e308 failed requests with 309 digits. A run whose prompts held no
tokens was imported as ``0 in`` and written as ``input_tokens = 0.0``, which a scenario
then scaled from without a word: it is refused, the file is not written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import DATA, assert_user_error, run
from payback.measure.benchmarks import read_benchmark_with_warnings

BIG = 10**400
SLIP = " ms (over 11 days: a unit slip, nanoseconds or microseconds as milliseconds?)"
LARGEST = "must be under about 1.8e308, the largest number payback computes with"
EMPTY = (
    "no prompt tokens over 1,000 completed requests, where each request sends at least one "
    "(requests that failed, or a dataset not read?); rerun the benchmark: a capacity "
    "measured without prompts leaves out their prefill"
)


def _result(tmp_path: Path, name: str, **changes: Any) -> Path:
    data = json.loads((DATA / name).read_text())
    for key, value in changes.items():
        block = data
        *tables, field = key.split("__")
        for table in tables:
            block = block[table]
        block[field] = value
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data))
    return path


def _refused(path: Path, *args: str) -> str:
    code, out, err = run("import-benchmark", path, *args)
    assert_user_error(code, out, err)
    assert len(err.strip().splitlines()) == 1, err
    return err.strip().removeprefix(f"error: {path}: ")


@pytest.mark.parametrize(
    ("field", "said"),
    [
        ("duration", f"duration = 1e+400: {LARGEST}"),
        ("completed", f"completed = 1e+400: {LARGEST}"),
        ("failed", f"failed = 1e+400: {LARGEST}"),
        ("total_input_tokens", "total_input_tokens = 1e+400: must be ≤ 10,000,000,000"),
        ("total_output_tokens", "total_output_tokens = 1e+400: must be ≤ 1,000,000,000"),
        ("request_throughput", "request_throughput = 1e+400: must be ≤ 1,000,000"),
        ("output_throughput", f"output_throughput = 1e+400: {LARGEST}"),
        (
            "max_concurrency",
            "max_concurrency = 1e+400: must be ≤ 1,000,000 (requests kept in flight (closed loop); "
            "none for an open-loop run at a request rate)",
        ),
        (
            "request_rate",
            "request_rate = 1e+400: must be ≤ 1,000,000 (requests per second offered (open "
            "loop); none when unlimited)",
        ),
        ("mean_ttft_ms", f"mean_ttft_ms = 1e+400: must be ≤ 1,000,000,000{SLIP}"),
        ("p99_tpot_ms", f"p99_tpot_ms = 1e+400: must be ≤ 1,000,000,000{SLIP}"),
    ],
)
def test_a_vllm_number_past_the_largest_float_is_refused(
    tmp_path: Path, field: str, said: str
) -> None:
    assert _refused(_result(tmp_path, "vllm_save_result.json", **{field: BIG})) == said


@pytest.mark.parametrize(
    ("field", "said"),
    [
        ("p99_ttft_ms", f"p99_ttft_ms = 2000000000.0: must be ≤ 1,000,000,000{SLIP}"),
        ("median_e2el_ms", f"median_e2el_ms = 1e+308: must be ≤ 1,000,000,000{SLIP}"),
    ],
)
def test_a_vllm_latency_over_11_days_is_a_unit_slip(tmp_path: Path, field: str, said: str) -> None:
    value = 2e9 if field == "p99_ttft_ms" else 1e308
    path = _result(tmp_path, "vllm_save_result.json", **{field: value})
    if field == "median_e2el_ms":  # the older name, read where p50_ is absent
        data = json.loads(path.read_text())
        del data["p50_e2el_ms"]
        path.write_text(json.dumps(data))
    assert _refused(path) == said


def test_a_latency_at_11_days_is_kept(tmp_path: Path) -> None:
    path = _result(tmp_path, "vllm_save_result.json", p99_ttft_ms=1e9)
    cal, _ = read_benchmark_with_warnings(path)
    assert cal.serving is not None
    assert cal.serving.ttft_ms is not None
    assert cal.serving.ttft_ms.p99 == 1e9


@pytest.mark.parametrize(
    ("name", "key", "value", "said"),
    [
        (
            "genai_perf_profile_export_genai_perf.json",
            "time_to_first_token__p99",
            5e12,
            "time_to_first_token: p99 = 5000000000000.0: must be ≤ 1,000,000,000 ms "
            "(over 11 days: is its unit, ms, right?)",
        ),
        (  # the bound in the file's unit
            "genai_perf_profile_export_genai_perf.json",
            "time_to_first_token__p99",
            BIG,
            "time_to_first_token: p99 = 1e+400: must be ≤ 1,000,000,000 ms "
            "(over 11 days: is its unit, ms, right?)",
        ),
        (
            "genai_perf_profile_export_genai_perf.json",
            "request_throughput__avg",
            BIG,
            f"request_throughput: avg = 1e+400: {LARGEST}",
        ),
        (
            "aiperf_legacy_records_profile_export_aiperf.json",
            "records__request_count__avg",
            BIG,
            f"request_count: avg = 1e+400: {LARGEST}",
        ),
    ],
    ids=["ttft-5e12", "ttft-1e400", "throughput-1e400", "count-1e400"],
)
def test_an_nvidia_number_out_of_range_is_refused(
    tmp_path: Path, name: str, key: str, value: float, said: str
) -> None:
    assert _refused(_result(tmp_path, name, **{key: value})) == said


def test_an_nvidia_latency_bound_is_in_its_unit(tmp_path: Path) -> None:
    data = json.loads((DATA / "genai_perf_profile_export_genai_perf.json").read_text())
    block = data["time_to_first_token"]
    block.update(unit="ns", p99=2e15)  # 2e15 ns is 2e9 ms
    path = tmp_path / "ns.json"
    path.write_text(json.dumps(data))
    assert _refused(path) == (
        "time_to_first_token: p99 = 2000000000000000.0: must be ≤ 1,000,000,000,000,000 ns "
        "(over 11 days: is its unit, ns, right?)"
    )


def test_failed_requests_past_any_count_are_said_short(tmp_path: Path) -> None:
    path = _result(tmp_path, "vllm_save_result.json", failed=1e308)
    _, warnings = read_benchmark_with_warnings(path)
    assert warnings == [
        f"{path}: 1×10³⁰⁸ of 1×10³⁰⁸ requests failed; capacity counts completed ones"
    ]


@pytest.mark.parametrize(
    ("name", "key", "said"),
    [
        ("vllm_save_result.json", "total_input_tokens", "total_input_tokens = 0"),
        (
            "genai_perf_profile_export_genai_perf.json",
            "input_sequence_length__avg",
            "input_sequence_length: avg = 0",
        ),
    ],
)
def test_a_run_without_prompt_tokens_is_refused_and_not_written(
    tmp_path: Path, name: str, key: str, said: str
) -> None:
    path = _result(tmp_path, name, **{key: 0})
    out = tmp_path / "cal.toml"
    assert _refused(path, "-o", str(out)) == f"{said}: {EMPTY}"
    assert not out.exists()


def test_a_calibration_with_zero_prompt_tokens_is_refused(tmp_path: Path) -> None:
    cal = tmp_path / "cal.toml"
    cal.write_text(
        '[calibration]\nkind = "benchmark"\ntool = "vllm bench serve"\n\n[serving]\n'
        "replica_requests_per_s = 17.5\noutput_tokens_per_s = 3500.0\ninput_tokens = 0.0\n"
        "output_tokens = 200.0\n"
    )
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--calibration", cal
    )
    assert_user_error(code, out, err)
    assert err.strip() == (
        f"error: --calibration {cal}: serving.input_tokens = 0.0: must be > 0 "
        "(mean prompt tokens per request)"
    )


def test_a_number_too_long_to_read_is_refused_with_its_line(tmp_path: Path) -> None:
    """Past 4,300 digits Python's JSON and TOML readers refuse to convert a whole number
    (ValueError: 'Exceeds the limit', an internal error, exit 1)."""
    text = (DATA / "vllm_save_result.json").read_text()
    path = tmp_path / "long.json"
    path.write_text(text.replace('"completed": 1000', '"completed": ' + "9" * 5000, 1))
    code, out, err = run("import-benchmark", path)
    assert_user_error(code, out, err)
    assert err.strip() == (
        f"error: {path} line 1: completed = a 5,000-digit number: must be under about 1.8e308, "
        "the largest number payback computes with"
    )
    cal = tmp_path / "cal.toml"
    cal.write_text(
        '[calibration]\nkind = "benchmark"\ntool = "vllm bench serve"\n\n[serving]\n'
        f"replica_requests_per_s = {'1' * 4400}\n"
    )
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--calibration", cal
    )
    assert_user_error(code, out, err)
    assert err.strip() == (
        f"error: --calibration {cal} line 6: serving.replica_requests_per_s = a 4,400-digit number: "
        "must be under about 1.8e308, the largest number payback computes with"
    )
