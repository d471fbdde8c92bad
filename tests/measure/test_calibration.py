"""Measurements instead of estimates: benchmark importers, calibration files, their use in
scenarios and estimates, and ``payback calibrate`` on the CPU with a tiny model shape."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import DATA, EXAMPLES, assert_user_error, check_golden, fleet_dict, run
from payback import PaybackError, estimate_serving, estimate_training
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog
from payback.hardware.calibration import Factors, engine_for, fit_decode
from payback.hardware.serving import VLLM
from payback.measure.apply import import_benchmark
from payback.measure.benchmarks import read_benchmark, read_benchmark_with_warnings
from payback.measure.calibration import Calibration, calibration_toml, load_calibration
from payback.scenario import load_scenario, parse_scenario

VLLM_FILE = DATA / "vllm_save_result.json"
NVIDIA_FILES = {
    "genai_perf_profile_export_genai_perf.json": "GenAI-Perf",
    "genai_perf_legacy_flat_profile_export_genai_perf.json": "GenAI-Perf",
    "aiperf_profile_export_aiperf.json": "AIPerf",
    "aiperf_legacy_records_profile_export_aiperf.json": "AIPerf",
}


def raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text())
    return data


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


# ------------------------------------------------------------------ importers


def test_vllm_save_result_fields() -> None:
    data = raw("vllm_save_result.json")
    cal = read_benchmark(VLLM_FILE)
    s = cal.serving
    assert s is not None
    assert cal.kind == "benchmark"
    assert cal.tool == "vllm bench serve"
    assert cal.served_model == "meta-llama/Llama-3.1-8B-Instruct"
    assert cal.file == "vllm_save_result.json"
    assert cal.created == "2025-11-18T14:22:03"
    assert s.replica_requests_per_s == data["request_throughput"]
    assert s.output_tokens_per_s == data["output_throughput"]
    assert s.input_tokens == data["total_input_tokens"] / data["completed"]
    assert s.output_tokens == data["total_output_tokens"] / data["completed"]
    assert s.completed == 1000
    assert s.duration_s == data["duration"]
    assert s.concurrency == 64
    assert s.request_rate is None  # "inf"
    assert s.ttft_ms is not None
    assert s.ttft_ms.p99 == data["p99_ttft_ms"]
    assert s.ttft_ms.p50 == data["p50_ttft_ms"]
    assert s.ttft_ms.mean == data["mean_ttft_ms"]
    assert s.tpot_ms is not None
    assert s.tpot_ms.p90 == data["p90_tpot_ms"]
    assert s.itl_ms is not None
    assert s.itl_ms.p50 == data["median_itl_ms"]
    assert s.e2el_ms is not None
    assert s.e2el_ms.p99 == data["p99_e2el_ms"]
    # the identities of the format hold in the file
    assert math.isclose(s.replica_requests_per_s, s.completed / data["duration"])


def old_vllm(tmp_path: Path) -> Path:
    """The same run as written by benchmark_serving.py (≈ v0.8): the misspelt goodput key,
    no failed/endpoint_type/label, only the default p99, and per-request arrays."""
    data = raw("vllm_save_result.json")
    for key in ("failed", "endpoint_type", "label", "request_goodput", "latencies"):
        data.pop(key, None)
    data = {k: v for k, v in data.items() if not ("e2el" in k or k.startswith(("p50_", "p90_")))}
    data["request_goodput:"] = None
    data["latencies"] = [1.0, 2.0, 3.0, 4.0]  # seconds
    return write_json(tmp_path / "old.json", data)


def test_old_vllm_format_and_latencies_from_the_arrays(tmp_path: Path) -> None:
    cal = read_benchmark(old_vllm(tmp_path))
    s = cal.serving
    assert s is not None
    assert cal.tool == "vllm benchmark_serving.py"
    assert s.ttft_ms is not None
    assert s.ttft_ms.p50 == raw("vllm_save_result.json")["median_ttft_ms"]
    assert s.ttft_ms.p90 is None
    # no e2el statistics: computed from the latencies in seconds (numpy's linear percentiles)
    assert s.e2el_ms is not None
    assert s.e2el_ms.mean == pytest.approx(2500.0)
    assert s.e2el_ms.p50 == pytest.approx(2500.0)
    assert s.e2el_ms.p90 == pytest.approx(3700.0)


@pytest.mark.parametrize(("name", "tool"), NVIDIA_FILES.items())
def test_nvidia_exports(name: str, tool: str) -> None:
    data = raw(name)
    metrics = data.get("records", data)
    cal = read_benchmark(DATA / name)
    s = cal.serving
    assert s is not None
    assert cal.tool == tool
    assert cal.served_model == "meta-llama/Llama-3.1-8B-Instruct"
    assert s.replica_requests_per_s == metrics["request_throughput"]["avg"]
    assert s.output_tokens_per_s == metrics["output_token_throughput"]["avg"]
    assert s.input_tokens == metrics["input_sequence_length"]["avg"]
    assert s.output_tokens == metrics["output_sequence_length"]["avg"]
    assert s.concurrency == 64
    ttft = metrics.get("time_to_first_token") or metrics["ttft"]
    assert s.ttft_ms is not None
    assert s.ttft_ms.p99 == ttft["p99"]
    assert s.ttft_ms.mean == ttft["avg"]
    assert s.tpot_ms is not None
    assert s.tpot_ms.p50 == metrics["inter_token_latency"]["p50"]
    assert s.e2el_ms is not None
    assert s.e2el_ms.p90 == metrics["request_latency"]["p90"]
    if "request_count" in metrics:
        assert s.completed == metrics["request_count"]["avg"]


def test_all_formats_describe_the_same_run() -> None:
    """Every sample simulates one Llama-3.1-8B run at concurrency 64: within 2%."""
    rates = [read_benchmark(p).serving.replica_requests_per_s for p in DATA.glob("*.json")]  # type: ignore[union-attr]
    assert len(rates) == 5
    assert max(rates) / min(rates) < 1.02


def test_latency_in_seconds_is_converted(tmp_path: Path) -> None:
    data = raw("aiperf_profile_export_aiperf.json")
    data["request_latency"] = {"unit": "sec", "avg": 3.5, "p50": 3.25}
    s = read_benchmark(write_json(tmp_path / "a.json", data)).serving
    assert s is not None
    assert s.e2el_ms is not None
    assert (s.e2el_ms.mean, s.e2el_ms.p50) == (3500.0, 3250.0)


def test_nested_aiperf_v2_config(tmp_path: Path) -> None:
    data = raw("aiperf_profile_export_aiperf.json")
    data["input_config"] = {
        "models": {"items": [{"name": "qwen/Qwen2.5-7B"}]},
        "phases": [{"name": "warmup", "concurrency": 1}, {"name": "profiling", "concurrency": 64}],
    }
    cal = read_benchmark(write_json(tmp_path / "a.json", data))
    assert cal.served_model == "qwen/Qwen2.5-7B"
    assert cal.serving is not None
    assert cal.serving.concurrency == 64  # the profiling phase's, not the warmup's


def test_append_result_runs(tmp_path: Path) -> None:
    first = raw("vllm_save_result.json")
    second = {
        **first,
        "request_throughput": 9.0,
        "duration": 1000 / 9.0,
        "output_throughput": first["total_output_tokens"] / (1000 / 9.0),
        "max_concurrency": 32,  # 9 requests/s ≤ 32 clients / 3.522 s = 9.09
    }
    path = tmp_path / "runs.json"
    path.write_text(json.dumps(first) + "\n" + json.dumps(second))
    cal, warnings = read_benchmark_with_warnings(path)
    assert cal.serving is not None
    assert cal.serving.replica_requests_per_s == 9.0
    assert warnings == [
        f"{path}: holds 2 runs; using the last (import another with "
        "read_benchmark(path, run=N), N from 1 to 2)"
    ]
    cal, warnings = read_benchmark_with_warnings(path, run=1)
    assert cal.serving is not None
    assert cal.serving.concurrency == 64
    assert warnings == []
    with pytest.raises(PaybackError, match=r"^run 3: .* holds 2 run"):
        read_benchmark(path, run=3)
    # the command names its flag
    assert_user_error(*run("import-benchmark", path, "--run", "3"), f"--run 3: {path} holds 2 run")


def test_failed_requests_warn(tmp_path: Path) -> None:
    data = {**raw("vllm_save_result.json"), "failed": 12}
    _, warnings = read_benchmark_with_warnings(write_json(tmp_path / "f.json", data))
    assert warnings == [
        f"{tmp_path / 'f.json'}: 12 of 1,012 requests failed; capacity counts completed ones"
    ]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "is empty"),
        ("{nope", "not valid JSON"),
        ("[1, 2]", "expected a JSON object (a benchmark result), found a list holding a number"),
        # a bare value was said "a list holding int" (tried as a new user would)
        ("1", "expected a JSON object (a benchmark result), found a number (1)"),
        ("null", "expected a JSON object (a benchmark result), found null"),
        ('"x"', "expected a JSON object (a benchmark result), found text"),
        ("[]", "expected a JSON object (a benchmark result), found an empty list"),
        # the last of two request_throughput keys won: 10 requests/s read as 1,000
        (
            '{"completed": 100, "request_throughput": 10.0, "request_throughput": 1000.0}',
            'the key "request_throughput" is given twice in one object; give each key once',
        ),
        ('{"a": 1}\n{"b": 1, "b": 2}', 'the key "b" is given twice in one object'),
        (  # vLLM writes request_throughput as completed / duration
            '{"completed": 100, "duration": 10.0, "request_throughput": 1000.0}',
            "request_throughput = 1,000 disagrees with completed / duration = 100 / 10 s = 10 "
            "requests/s (vLLM writes the one from the other); correct whichever was changed",
        ),
        ('{"a": 1}', "not a vLLM --save-result, GenAI-Perf or AIPerf profile export"),
        ('{"completed": 0, "request_throughput": 0, "duration": 1}', "no request completed"),
        (
            '{"completed": 5, "request_throughput": NaN, "duration": 1}',
            "request_throughput = NaN: expected a finite number",
        ),
        (
            '{"completed": 5, "request_throughput": 1.0, "duration": 5}',
            "total_input_tokens and total_output_tokens are required",
        ),
        ('{"request_throughput": {"unit": "requests/sec", "avg": -1}}', "must be > 0"),
        (
            '{"request_throughput": {"unit": "requests/sec", "avg": 2}, "request_latency": {"unit": "h", "avg": 1},'
            ' "input_sequence_length": {"avg": 5}, "output_sequence_length": {"avg": 5}}',
            'request_latency.unit = "h"',
        ),
    ],
)
def test_bad_benchmark_files(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(PaybackError) as info:
        read_benchmark(path)
    assert len(info.value.messages) == 1
    assert fragment in info.value.messages[0]
    assert str(path) in info.value.messages[0]


def test_binary_and_missing_files(tmp_path: Path) -> None:
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(PaybackError, match="not a text file"):
        read_benchmark(binary)
    with pytest.raises(PaybackError, match="no such file"):
        read_benchmark(tmp_path / "none.json")


# ------------------------------------------------------------------ calibration files


def test_calibration_toml_round_trip(tmp_path: Path) -> None:
    cal = read_benchmark(VLLM_FILE).model_copy(update={"model": "llama-3.1-8b", "gpu": "h100-sxm"})
    path = tmp_path / "cal.toml"
    path.write_text(calibration_toml(cal))
    back = load_calibration(path)
    assert back.model == "llama-3.1-8b"
    assert back.gpu == "h100-sxm"
    assert back.tool == cal.tool
    assert back.serving is not None
    assert cal.serving is not None
    for name in ("replica_requests_per_s", "output_tokens_per_s", "input_tokens", "output_tokens"):
        assert getattr(back.serving, name) == pytest.approx(getattr(cal.serving, name), rel=1e-5)
    assert back.serving.tpot_ms is not None
    assert cal.serving.tpot_ms is not None
    assert back.serving.tpot_ms.p99 == pytest.approx(cal.serving.tpot_ms.p99, rel=1e-5)
    # a JSON benchmark result is read directly too
    assert load_calibration(VLLM_FILE) == read_benchmark(VLLM_FILE)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('kind = "calibration"', "has no [calibration] table"),
        (
            '[calibration]\nkind = "benchmark"\ntool = "x"\ncreated = "now"\ncolour = 1',
            "cal.toml: calibration.colour = 1: unknown field in [calibration]; allowed: kind, tool, "
            "created, file, model, served_model, gpu, device, precision",
        ),
        (
            '[calibration]\nkind = "calibration"\ntool = "x"\ncreated = "now"\n[factors]\nbandwidth_efficiency = 1.5',
            "cal.toml: factors.bandwidth_efficiency = 1.5: must be ≤ 1 "
            "(a share of the device's peak memory bandwidth: what decode steps reach)",
        ),
        ("[calibration\n", "not a calibration file"),
    ],
)
def test_bad_calibration_files(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "cal.toml"
    path.write_text(text)
    with pytest.raises(PaybackError) as info:
        load_calibration(path)
    assert any(fragment in m for m in info.value.messages), info.value.messages


def test_engine_for_replaces_only_the_measured_factors() -> None:
    engine = engine_for(Factors(bandwidth_efficiency=0.6, prefill_mfu=0.4))
    assert engine == dataclasses.replace(
        VLLM,
        bandwidth_efficiency=0.6,
        kv_bandwidth_efficiency=0.6,  # fitted through weights and KV bytes together
        prefill_mfu=0.4,
        measured=("bandwidth_efficiency", "prefill_mfu"),
    )
    assert engine_for(None) is VLLM


@settings(max_examples=60, deadline=None)
@given(
    efficiency=st.floats(0.05, 1.0),
    overhead=st.floats(1e-5, 5e-3),
    weights=st.floats(1e8, 1e11),
    kv=st.floats(1e6, 1e9),
)
def test_fit_decode_recovers_the_line(
    efficiency: float, overhead: float, weights: float, kv: float
) -> None:
    """Steps made by step = overhead + bytes / (BW · efficiency) give both back."""
    bandwidth = 3.35e12
    streamed = np.array([weights + b * kv for b in (1, 4, 16, 64)])
    steps = overhead + streamed / (bandwidth * efficiency)
    eff, step, layer = fit_decode(
        step_s=steps.tolist(), bytes_per_step=streamed.tolist(), bandwidth=bandwidth, layers=32
    )
    assert eff == pytest.approx(efficiency, rel=1e-4)
    assert step + 32 * layer == pytest.approx(overhead, rel=1e-3, abs=1e-9)
    # the split keeps the default ratio of per-step to per-layer overhead
    assert step / layer == pytest.approx(VLLM.step_overhead_s / VLLM.layer_overhead_s)


def test_fit_decode_with_one_point_keeps_the_default_overhead() -> None:
    default = VLLM.step_overhead_s + 10 * VLLM.layer_overhead_s  # 1.3 ms
    eff, step, layer = fit_decode(step_s=[0.0113], bytes_per_step=[1e10], bandwidth=1e12, layers=10)
    assert step + 10 * layer == pytest.approx(default)
    assert eff == pytest.approx(1e10 / (1e12 * (0.0113 - default)))


# ------------------------------------------------------------------ scenarios


def calibrated(tmp_path: Path, calibration: str, **alternative: Any) -> dict[str, Any]:
    data = fleet_dict(calibration=calibration, **alternative)
    data["alternatives"][0].pop("replica_requests_per_s")
    # planned below the capacity: at 100% the estimate warns of an unbounded first token
    data["alternatives"][0]["target_utilization"] = 0.9
    return data


def resolved(tmp_path: Path, data: dict[str, Any]) -> Any:
    scenario = parse_scenario(data)
    scenario.base_dir = tmp_path
    return resolve(scenario)


def test_benchmark_at_the_scenario_lengths_is_used_as_measured(tmp_path: Path) -> None:
    s = read_benchmark(VLLM_FILE).serving
    assert s is not None
    data = calibrated(tmp_path, str(VLLM_FILE))
    data["traffic"].update(input_tokens=s.input_tokens * 1.04, output_tokens=s.output_tokens)
    res = resolved(tmp_path, data)
    alt = res.scenario.alternatives[0]
    assert alt.replica_requests_per_s == s.replica_requests_per_s
    assert alt.gpus_per_replica == 1
    source = res.sources["alternatives.0.replica_requests_per_s"].source
    assert source.startswith("benchmark: vllm bench serve")
    assert "concurrency 64" in source
    assert res.warnings == [
        "alternatives.0.calibration: the benchmark does not record its precision; its capacity is "
        "taken as measured with this option's (bf16). Record them by importing the result "
        "with `payback import-benchmark`, naming the GPU and precision",
        "alternatives.0: the benchmark does not say how many GPUs its replica used; 1 assumed "
        "(give model and gpu for a better guess); set gpus_per_replica",
    ]


def test_benchmark_scaled_to_other_lengths_by_the_estimate_at_its_load(tmp_path: Path) -> None:
    """The benchmark kept 64 requests in flight: the ratio of the estimates at batch 64,
    at the scenario's lengths (500/400) over the benchmark's, scales its requests/s."""
    s = read_benchmark(VLLM_FILE).serving
    assert s is not None
    data = calibrated(tmp_path, "bench.json", model="llama-3.1-8b", gpu="h100-sxm")
    (tmp_path / "bench.json").write_bytes(VLLM_FILE.read_bytes())
    data["traffic"].update(input_tokens=500, output_tokens=400)
    res = resolved(tmp_path, data)
    catalog = default_catalog()
    model, gpu = catalog.model("llama-3.1-8b"), catalog.gpu("h100-sxm")

    def rps(i: float, o: float, batch: int | None = 64) -> float:
        return estimate_serving(
            model, gpu, input_tokens=i, output_tokens=o, gpus_per_replica=1, batch=batch
        ).replica_requests_per_s

    expected = s.replica_requests_per_s * rps(500, 400) / rps(s.input_tokens, s.output_tokens)
    assert res.scenario.alternatives[0].replica_requests_per_s == pytest.approx(expected, rel=1e-12)
    # not the ratio at full load (batch 256), which the benchmark never ran
    full = (
        s.replica_requests_per_s * rps(500, 400, None) / rps(s.input_tokens, s.output_tokens, None)
    )
    assert abs(full / expected - 1) > 0.1
    assert "scaled ×" in res.sources["alternatives.0.replica_requests_per_s"].source
    # llama-3.1-8b fits one H100: the assumed tensor-parallel degree is 1, and said
    assert res.scenario.alternatives[0].gpus_per_replica == 1
    assert "does not record its GPU or precision" in res.warnings[0]
    assert "taken as measured with this option's (h100-sxm, bf16)" in res.warnings[0]
    assert "1 assumed (the fewest that hold llama-3.1-8b)" in res.warnings[1]


def test_benchmark_unscaled_without_model_warns(tmp_path: Path) -> None:
    data = calibrated(tmp_path, str(VLLM_FILE))
    data["traffic"].update(input_tokens=500, output_tokens=400)
    res = resolved(tmp_path, data)
    s = read_benchmark(VLLM_FILE).serving
    assert s is not None
    assert res.scenario.alternatives[0].replica_requests_per_s == s.replica_requests_per_s
    assert len(res.warnings) == 3
    assert "its capacity is used unscaled (give model and gpu to scale it)" in res.warnings[2]


def test_benchmark_of_another_model_is_refused(tmp_path: Path) -> None:
    cal = read_benchmark(VLLM_FILE).model_copy(update={"model": "llama-3.1-8b", "gpu": "h100-sxm"})
    (tmp_path / "cal.toml").write_text(calibration_toml(cal))
    data = calibrated(tmp_path, "cal.toml", model="qwen2.5-7b", gpu="h100-sxm")
    with pytest.raises(PaybackError) as info:
        resolved(tmp_path, data)
    assert info.value.messages == [
        "alternatives.0.calibration: the benchmark measured model llama-3.1-8b; this uses qwen2.5-7b"
    ]


def test_benchmark_that_misses_the_latency_target_warns(tmp_path: Path) -> None:
    data = calibrated(tmp_path, str(VLLM_FILE), tpot_ms=15.0)
    res = resolved(tmp_path, data)
    assert any("misses tpot_ms = 15" in w for w in res.warnings)


def factors_file(tmp_path: Path, **factors: Any) -> Path:
    cal = Calibration(
        kind="calibration",
        tool="payback calibrate",
        created="2026-11-28T00:00:00",
        model="qwen2.5-0.5b",
        gpu="h100-sxm",
        precision="bf16",
        factors=Factors(**factors),
    )
    path = tmp_path / "factors.toml"
    path.write_text(calibration_toml(cal))
    return path


def test_factors_calibrate_the_serving_estimate(tmp_path: Path) -> None:
    factors = {
        "bandwidth_efficiency": 0.6,
        "prefill_mfu": 0.7,
        "step_overhead_s": 5e-4,
        "layer_overhead_s": 1e-5,
    }
    path = factors_file(tmp_path, **factors)
    data = calibrated(tmp_path, path.name, model="llama-3.1-8b", gpu="h100-sxm")
    res = resolved(tmp_path, data)
    catalog = default_catalog()
    engine = dataclasses.replace(VLLM, **factors)
    expected = estimate_serving(
        catalog.model("llama-3.1-8b"),
        catalog.gpu("h100-sxm"),
        input_tokens=1000,
        output_tokens=200,
        engine=engine,
    )
    default = estimate_serving(
        catalog.model("llama-3.1-8b"), catalog.gpu("h100-sxm"), input_tokens=1000, output_tokens=200
    )
    got = res.scenario.alternatives[0].replica_requests_per_s
    assert got == pytest.approx(expected.replica_requests_per_s, rel=1e-12)
    assert got != pytest.approx(default.replica_requests_per_s, rel=1e-3)
    assert (
        "factors calibrated by factors.toml"
        in res.sources["alternatives.0.replica_requests_per_s"].source
    )
    # another model on the same GPU: no word of the GPU; but 16× the size of the one
    # measured (qwen2.5-0.5b), which is warned about
    assert res.warnings == [
        "alternatives.0.calibration: its factors were measured on qwen2.5-0.5b, 0.49B "
        "parameters, and are used for llama-3.1-8b, 8.03B (16.4× more); they may not carry "
        "over: calibrate with a model near the size you serve (README, 'A GPU at hand')"
    ]


def test_factors_from_another_gpu_warn_and_need_model_and_gpu(tmp_path: Path) -> None:
    path = factors_file(tmp_path, bandwidth_efficiency=0.6)
    res = resolved(tmp_path, calibrated(tmp_path, path.name, model="llama-3.1-8b", gpu="l40s"))
    assert res.warnings[0] == (
        "alternatives.0.calibration: the calibration measured gpu h100-sxm; this uses l40s "
        "(its utilisation factors may not carry over)"
    )
    assert "measured on qwen2.5-0.5b, 0.49B parameters" in res.warnings[1]  # 16× the size
    assert len(res.warnings) == 2
    with pytest.raises(
        PaybackError, match="model and gpu are required to apply the calibration's factors"
    ):
        resolved(tmp_path, calibrated(tmp_path, path.name))


def test_given_capacity_wins_over_a_calibration(tmp_path: Path) -> None:
    data = fleet_dict(calibration=str(VLLM_FILE))
    res = resolved(tmp_path, data)
    assert res.scenario.alternatives[0].replica_requests_per_s == 1.0
    assert res.warnings == [
        "alternatives.0.calibration is not used: replica_requests_per_s is given and wins"
    ]


def test_missing_calibration_file_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(PaybackError) as info:
        resolved(tmp_path, calibrated(tmp_path, "nope.toml"))
    assert info.value.messages == [
        f"alternatives.0.calibration = 'nope.toml': {tmp_path / 'nope.toml'}: no such file"
    ]


def training_scenario(calibration: str, method: str = "lora") -> dict[str, Any]:
    data = fleet_dict()
    data["alternatives"][0]["one_time"] = {
        "training": {
            "model": "llama-3.1-8b",
            "gpu": "h100-sxm",
            "method": method,
            "examples": 10_000,
            "tokens_per_example": 1000,
            "usd_per_gpu_hour": 3.0,
            "calibration": calibration,
        }
    }
    return data


def test_training_calibration_scales_the_utilization(tmp_path: Path) -> None:
    path = factors_file(tmp_path, training_method="lora", training_mfu_ratio=1.6)
    res = resolved(tmp_path, training_scenario(path.name))
    catalog = default_catalog()
    args = {"tokens": 1e7, "epochs": 3.0, "usd_per_gpu_hour": 3.0}
    model, gpu = catalog.model("llama-3.1-8b"), catalog.gpu("h100-sxm")
    scaled = estimate_training(model, gpu, "lora", mfu_scale=1.6, **args)
    plain = estimate_training(model, gpu, "lora", **args)
    got = res.scenario.alternatives[0].one_time.training_usd
    assert got == pytest.approx(scaled.usd)
    assert got == pytest.approx(plain.usd / 1.6)  # GPU-hours ∝ 1 / MFU
    assert (
        "calibrated by factors.toml" in res.sources["alternatives.0.one_time.training_usd"].source
    )


def test_training_calibration_of_another_method_or_without_training(tmp_path: Path) -> None:
    path = factors_file(tmp_path, training_method="lora", training_mfu_ratio=1.6)
    with pytest.raises(PaybackError, match="measured lora training; this job is full"):
        resolved(tmp_path, training_scenario(path.name, method="full"))
    path = factors_file(tmp_path, bandwidth_efficiency=0.5)
    with pytest.raises(PaybackError, match="holds no training measurement"):
        resolved(tmp_path, training_scenario(path.name))


# ------------------------------------------------------------------ CLI: import-benchmark, estimate


def test_import_benchmark_golden_with_the_estimate() -> None:
    code, out, err = run("import-benchmark", VLLM_FILE, "--gpu", "h100-sxm")
    assert code == 0, err
    assert err == ""
    check_golden("import_benchmark_vllm.txt", out)


def test_import_benchmark_json_and_output(tmp_path: Path) -> None:
    target = tmp_path / "cal.toml"
    name = "genai_perf_profile_export_genai_perf.json"
    code, out, err = run("import-benchmark", DATA / name, "--json", "-o", target)
    assert code == 0, err
    data = json.loads(out)
    metrics = raw(name)
    assert data["replica_requests_per_s"] == metrics["request_throughput"]["avg"]
    assert data["output_tokens_per_s"] == metrics["output_token_throughput"]["avg"]
    assert data["input_tokens"] == metrics["input_sequence_length"]["avg"]
    assert data["latency_ms"]["ttft_ms"]["p99"] == metrics["time_to_first_token"]["p99"]
    assert data["calibration"]["model"] == "llama-3.1-8b"  # the catalog knows the served name
    assert data["estimate"] is None
    written = load_calibration(target)
    assert written.tool == "GenAI-Perf"
    assert written.model == "llama-3.1-8b"
    # never overwritten without --force; the file stays as it was
    before = target.read_bytes()
    assert_user_error(
        *run("import-benchmark", VLLM_FILE, "-o", target), "already exists; use --force"
    )
    assert target.read_bytes() == before
    code, _, _ = run("import-benchmark", VLLM_FILE, "-o", target, "--force", "--json")
    assert code == 0
    assert load_calibration(target).tool == "vllm bench serve"


def test_import_benchmark_bad_input(tmp_path: Path) -> None:
    assert_user_error(*run("import-benchmark", tmp_path / "none.json"), "no such file")
    assert_user_error(*run("import-benchmark", VLLM_FILE, "--gpu", "h1000"), "h1000")
    data = {**raw("vllm_save_result.json"), "model_id": "acme/secret-13b"}
    path = write_json(tmp_path / "x.json", data)
    assert_user_error(
        *run("import-benchmark", path, "--gpu", "h100-sxm"),
        "is not in the catalog; name the model to compare it with the estimate",
    )


def test_estimate_serving_with_a_calibration(tmp_path: Path) -> None:
    path = factors_file(tmp_path, bandwidth_efficiency=0.5, prefill_mfu=0.6)
    args = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--json")
    code, out, _ = run(*args, "--calibration", path)
    assert code == 0
    catalog = default_catalog()
    expected = estimate_serving(
        catalog.model("llama-3.1-8b"),
        catalog.gpu("h100-sxm"),
        engine=dataclasses.replace(VLLM, bandwidth_efficiency=0.5, prefill_mfu=0.6),
    )
    assert json.loads(out)["replica_requests_per_s"] == pytest.approx(
        expected.replica_requests_per_s
    )
    assert_user_error(
        *run(*args, "--calibration", VLLM_FILE),
        "holds no utilisation factors but a serving benchmark",
    )


def test_estimate_training_with_a_calibration(tmp_path: Path) -> None:
    path = factors_file(tmp_path, training_method="lora", training_mfu_ratio=2.0)
    args = (
        "estimate",
        "training",
        "--model",
        "qwen2.5-7b",
        "--gpu",
        "h100-sxm",
        "--tokens",
        "1e7",
        "--json",
    )
    plain = json.loads(run(*args)[1])
    code, out, _ = run(*args, "--calibration", path)
    assert code == 0
    assert json.loads(out)["mfu"] == pytest.approx(2 * plain["mfu"])
    assert json.loads(out)["hours"] == pytest.approx(plain["hours"] / 2)
    assert_user_error(
        *run(*args, "--method", "full", "--calibration", path),
        "measured lora training; this job is full (calibrate full fine-tuning)",
    )


# ------------------------------------------------------------------ payback calibrate (CPU)


@pytest.mark.slow  # times a tiny model on the CPU
def test_calibrate_on_the_cpu(tiny_model: Path) -> None:
    from payback.measure.calibrate import run_calibration

    catalog = default_catalog()
    phases: list[str] = []
    cal = run_calibration(
        catalog.model(str(tiny_model)),
        catalog=catalog,
        device="cpu",
        context=64,
        batches=(1, 8),
        seconds=10.0,
        progress=lambda phase, share: phases.append(phase),
    )
    assert cal.kind == "calibration"
    assert cal.tool == "payback calibrate"
    assert cal.gpu is None
    assert cal.device is not None
    assert cal.device.startswith("CPU")
    m, f = cal.measured, cal.factors
    assert m is not None
    assert f is not None
    assert [p.batch for p in m.decode] == [1, 8]
    assert all(p.measured_ms > 0 and p.estimated_ms > 0 for p in m.decode)
    # 4,096 tokens a step (64 sequences of 64), fewer on a CPU too slow for that in the
    # time, which the notes then say
    assert m.training_tokens is not None
    assert m.training_tokens % 64 == 0
    assert 64 <= m.training_tokens <= 4096
    if m.training_tokens < 4096:
        assert any(f"training timed on {m.training_tokens} tokens a step" in n for n in m.notes)
    assert m.training_tokens_per_s
    assert m.training_estimated_tokens_per_s
    assert f.training_method == "lora"
    assert f.training_mfu_ratio == pytest.approx(
        m.training_tokens_per_s / m.training_estimated_tokens_per_s
    )
    assert m.prefill_tokens == 64
    assert m.prefill_tokens_per_s
    assert m.prefill_estimated_tokens_per_s
    assert f.prefill_mfu == pytest.approx(
        min(1.0, VLLM.prefill_mfu * m.prefill_tokens_per_s / m.prefill_estimated_tokens_per_s)
    )
    # a CPU whose matrix products are slow against its copies is compute-bound at every
    # batch: nothing to fit the bandwidth line to, and the notes say so
    if f.bandwidth_efficiency is None:
        assert any("compute-bound at every batch" in n for n in m.notes)
    else:
        assert 0 < f.bandwidth_efficiency <= 1
    assert phases[0] == "device"
    assert "decode batch 8" in phases
    assert phases[-1] == "decode"
    assert any("CPU" in note for note in m.notes)


@pytest.mark.slow  # times a tiny model on the CPU
def test_calibrate_cli_writes_a_file_estimates_use(tiny_model: Path, tmp_path: Path) -> None:
    target = tmp_path / "cpu.toml"
    code, out, err = run(
        "calibrate", "--model", tiny_model, "--device", "cpu", "--context", "64", "--seconds", "1",
        "--method", "full", "-o", target,
    )  # fmt: skip
    assert code == 0, err
    assert "measured / estimated" in out
    assert "training (full), tokens/s" in out
    assert "decode step, batch 1, context 64, ms" in out
    assert f"Wrote {target}. It was measured on a CPU: estimates for a GPU refuse it" in " ".join(
        out.split()
    )
    cal = load_calibration(target)
    assert cal.factors is not None
    assert cal.factors.training_method == "full"
    assert_user_error(
        *run("estimate", "serving", "--model", tiny_model, "--gpu", "l4", "--calibration", target),
        f"--calibration {target}: measured on a CPU (",
    )
    # the file's factors are what an estimate reads, once a GPU measured them
    on_gpu = tmp_path / "l4.toml"
    on_gpu.write_text(calibration_toml(cal.model_copy(update={"gpu": "l4", "device": "NVIDIA L4"})))
    code, out, _ = run(
        "estimate", "serving", "--model", tiny_model, "--gpu", "l4", "--calibration", on_gpu,
        "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["replica_requests_per_s"] > 0
    assert_user_error(
        *run("calibrate", "--model", tiny_model, "--device", "cpu", "-o", target),
        "already exists; use --force",
    )


@pytest.mark.slow  # needs torch, which takes seconds to import
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--precision", "fp8"), "--precision fp8: calibrate measures bf16"),
        (("--method", "qlora"), "--method qlora: calibrate measures lora or full"),
        (("--device", "tpu"), "--device tpu: must be cuda or cpu"),
        (("--context", "4"), "--context 4: must be 16 to 2,048 tokens (tiny's longest context)"),
        (("--context", "4096"), "--context 4096: must be 16 to 2,048"),
        (
            ("--device", "cpu", "--gpu", "h100-sxm"),
            "--gpu h100-sxm: names the catalog GPU a CUDA device is",
        ),
        (("--seconds", "-1"), "--seconds -1: must be > 0"),
    ],
)
def test_calibrate_bad_options(tiny_model: Path, args: tuple[str, ...], fragment: str) -> None:
    assert_user_error(*run("calibrate", "--model", tiny_model, *args), fragment)


@pytest.mark.slow  # needs torch, which takes seconds to import
def test_calibrate_without_cuda_or_torch(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    if not torch.cuda.is_available():
        assert_user_error(
            *run("calibrate", "--model", tiny_model, "--device", "cuda"), "sees no CUDA GPU"
        )
    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    assert_user_error(*run("calibrate", "--model", tiny_model), "pip install 'payback[calibrate]'")


def test_readme_h200_figures_are_the_bundled_calibrations() -> None:
    """The README's H200 table quotes examples/calibrations, so it cannot drift."""
    from helpers import EXAMPLES, ROOT

    readme = (ROOT / "README.md").read_text()
    rows = {
        line.split("|")[1].strip(): line for line in readme.splitlines() if line.startswith("| ")
    }
    for name in ("qwen2.5-0.5b", "llama-3.1-8b"):
        cal = load_calibration(EXAMPLES / "calibrations" / f"h200-{name}-lora.toml")
        assert cal.measured is not None
        assert cal.factors is not None
        assert cal.gpu == "h200"
        assert cal.model == name
        steps = {p.batch: p.measured_ms for p in cal.measured.decode}
        for batch in (1, 64, 256):
            assert f"{steps[batch]:.2f} ms" in rows[f"decode step, batch {batch}"]
        assert f"{cal.measured.prefill_tokens_per_s:,.0f}" in rows["prefill, tokens/s"]
        assert (
            f"{cal.measured.training_tokens_per_s:,.0f}"
            in rows["LoRA training (checkpointed), tokens/s"]
        )
        fitted = f"{cal.factors.bandwidth_efficiency:.2f} / {cal.factors.prefill_mfu:.2f}"
        assert fitted in rows["fitted: bandwidth efficiency / prefill MFU"]


def test_readme_calibrated_and_default_capacity_are_todays() -> None:
    """The README's "27.9 requests/s against 28.2 by default" sentence is what
    `payback estimate serving --engine lean` gives today, with and without the bundled
    calibration."""
    import json

    from helpers import EXAMPLES, ROOT, run

    args = ["estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h200", "--engine", "lean"]
    args += ["--input-tokens", "1000", "--output-tokens", "200", "--json"]
    cal = EXAMPLES / "calibrations" / "h200-llama-3.1-8b-lora.toml"
    rates = []
    for extra in ([], ["--calibration", str(cal)]):
        code, out, err = run(*args, *extra)
        assert code == 0, err
        rates.append(json.loads(out)["replica_requests_per_s"])
    default, calibrated = rates
    text = " ".join((ROOT / "README.md").read_text().split())
    assert f"is {calibrated:.1f} requests/s against {default:.1f} by default at 1,000/200" in text


# ------------------------------------------------------------------ review: odd files and uses


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        ({"total_output_tokens": 0}, "total_output_tokens = 0: must be > 0"),
        ({"total_input_tokens": -5}, "total_input_tokens = -5: must be ≥ 0"),
        ({"output_throughput": -3}, "output_throughput = -3: must be ≥ 0"),
        ({"p99_ttft_ms": -1}, "p99_ttft_ms = -1: must be ≥ 0"),
        ({"completed": 0.5}, "completed = 0.5: must be a whole number"),
        ({"completed": -3}, "completed = -3: must be ≥ 0"),
        ({"completed": "many"}, 'completed = "many": expected a finite number'),
        ({"request_throughput": 1e308}, "request_throughput = 1e+308: must be ≤ 1,000,000"),
        ({"total_output_tokens": 1e308}, "total_output_tokens = 1e+308: must be ≤ 1,000,000,000"),
        ({"duration": 0}, "duration = 0: must be > 0"),
        ({"completed": None}, "completed = null: no request completed"),
    ],
)
def test_bad_numbers_in_a_vllm_file_are_one_line(
    tmp_path: Path, edit: dict[str, Any], fragment: str
) -> None:
    path = write_json(tmp_path / "b.json", {**raw("vllm_save_result.json"), **edit})
    code, out, err = run("import-benchmark", path)
    assert_user_error(code, out, err, fragment)
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("metric", "value", "fragment"),
    [
        ("request_count", 0.4, "request_count: avg = 0.4: must be a whole number"),
        ("request_count", -4, "request_count: avg = -4: must be > 0"),
        ("benchmark_duration", -4, "benchmark_duration: avg = -4: must be > 0"),
        ("input_sequence_length", -4, "input_sequence_length: avg = -4: must be ≥ 0"),
        ("output_token_throughput", -4, "output_token_throughput: avg = -4: must be ≥ 0"),
        (  # AIPerf writes it as request_count / benchmark_duration
            "request_throughput",
            5e6,
            "request_throughput.avg = 5,000,000 requests/sec disagrees with request_count / "
            "benchmark_duration = 1,000 / 56.51 sec = 17.69 requests/s",
        ),
    ],
)
def test_bad_numbers_in_an_aiperf_file_are_one_line(
    tmp_path: Path, metric: str, value: float, fragment: str
) -> None:
    data = raw("aiperf_profile_export_aiperf.json")
    data[metric] = {**data[metric], "avg": value}
    code, out, err = run("import-benchmark", write_json(tmp_path / "a.json", data))
    assert_user_error(code, out, err, fragment)


def test_odd_but_readable_values(tmp_path: Path) -> None:
    data = {
        **raw("vllm_save_result.json"),
        "max_concurrency": 64.0,
        "p50_tpot_ms": 0.0,
        "latencies": [1, "a", None, True, 1e400, 3],
    }
    data = {k: v for k, v in data.items() if "e2el" not in k}
    s = read_benchmark(write_json(tmp_path / "o.json", data)).serving
    assert s is not None
    assert s.concurrency == 64
    assert s.tpot_ms is not None
    assert s.tpot_ms.p50 == 0.0
    assert s.e2el_ms is not None
    assert s.e2el_ms.mean == pytest.approx(2000.0)
    data["max_concurrency"] = True
    s = read_benchmark(write_json(tmp_path / "o.json", data)).serving
    assert s is not None
    assert s.concurrency is None


def test_a_vllm_file_without_completed_says_so(tmp_path: Path) -> None:
    data = {k: v for k, v in raw("vllm_save_result.json").items() if k != "completed"}
    with pytest.raises(PaybackError, match="completed is required"):
        read_benchmark(write_json(tmp_path / "c.json", data))


@pytest.mark.parametrize("value", ['"x"', "5", "[1]"])
def test_a_calibration_table_that_is_not_a_table(tmp_path: Path, value: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"calibration = {value}\n")
    with pytest.raises(PaybackError, match="must be a table"):
        load_calibration(path)


def test_a_toml_datetime_is_read(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[calibration]\nkind = "calibration"\ntool = "x"\ncreated = 2026-11-28T06:26:51\n'
    )
    assert load_calibration(path).created == "2026-11-28T06:26:51"


def test_a_raw_benchmark_of_another_model_is_refused(tmp_path: Path) -> None:
    data = {**raw("vllm_save_result.json"), "model_id": "meta-llama/Llama-3.1-70B-Instruct"}
    write_json(tmp_path / "b.json", data)
    with pytest.raises(
        PaybackError, match=r"the benchmark measured model llama-3\.1-70b; this uses llama-3\.1-8b"
    ):
        resolved(tmp_path, calibrated(tmp_path, "b.json", model="llama-3.1-8b", gpu="h100-sxm"))


def test_models_are_compared_by_catalog_id(tmp_path: Path) -> None:
    """The option may name the Hugging Face repository the benchmark file named by id."""
    cal = read_benchmark(VLLM_FILE)
    assert cal.model == "llama-3.1-8b"
    (tmp_path / "c.toml").write_text(calibration_toml(cal))
    data = calibrated(tmp_path, "c.toml", model="meta-llama/Llama-3.1-8B-Instruct", gpu="h100-sxm")
    assert resolved(tmp_path, data).scenario.alternatives[0].replica_requests_per_s > 0


def test_benchmark_gpus_and_precision_must_match(tmp_path: Path) -> None:
    cal = read_benchmark(VLLM_FILE)
    assert cal.serving is not None
    cal = cal.model_copy(
        update={
            "precision": "fp8",
            "serving": cal.serving.model_copy(update={"gpus_per_replica": 2}),
        }
    )
    (tmp_path / "c.toml").write_text(calibration_toml(cal))
    with pytest.raises(PaybackError, match="the benchmark measured precision fp8; this uses bf16"):
        resolved(tmp_path, calibrated(tmp_path, "c.toml"))
    data = calibrated(tmp_path, "c.toml", precision="fp8", gpus_per_replica=4)
    with pytest.raises(
        PaybackError, match="gpus_per_replica = 4: the benchmark's replica ran on 2 GPUs"
    ):
        resolved(tmp_path, data)
    res = resolved(tmp_path, calibrated(tmp_path, "c.toml", precision="fp8"))
    assert res.scenario.alternatives[0].gpus_per_replica == 2
    assert res.warnings == []


@pytest.mark.parametrize(
    ("efficiency", "said"),
    [
        (  # near a GPU's: it may not carry over
            0.6,
            "measured on NVIDIA A800 80GB PCIe, not a catalog GPU; its utilisation factors may "
            "not carry over to h100-sxm",
        ),
        (  # far below a GPU's (under half of 0.5): said plainly
            0.1,
            "its bandwidth_efficiency 0.1 is far below a GPU's 0.5-0.95: it was measured on "
            "NVIDIA A800 80GB PCIe, not the GPU served on, and estimates with it take the GPU "
            "to be as slow as that device",
        ),
    ],
)
def test_factors_of_a_gpu_the_catalog_lacks_are_warned_about(
    tmp_path: Path, efficiency: float, said: str
) -> None:
    cal = Calibration(
        kind="calibration",
        tool="payback calibrate",
        created="2026-11-28T00:00:00",
        device="NVIDIA A800 80GB PCIe",
        factors=Factors(bandwidth_efficiency=efficiency),
    )
    path = tmp_path / "a800.toml"
    path.write_text(calibration_toml(cal))
    code, _, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--calibration", path
    )
    assert code == 0
    assert err == f"warning: --calibration {path}: {said}\n"


@pytest.mark.parametrize("efficiency", [1.0, 0.6, 0.1])
def test_a_cpus_factors_are_refused_on_a_gpu(tmp_path: Path, efficiency: float) -> None:
    """A CPU whose caches hold the model reaches 1.0 of its measured copy speed: on an H100
    that read as all of its HBM bandwidth (432 → 477 requests/s of qwen2.5-0.5b) with a
    warning alone. A CPU's factors say nothing about a GPU's, near a GPU's or far below."""
    cal = Calibration(
        kind="calibration",
        tool="payback calibrate",
        created="2026-11-28T00:00:00",
        model="qwen2.5-0.5b",
        device="CPU x86_64",
        factors=Factors(bandwidth_efficiency=efficiency, prefill_mfu=0.46),
    )
    path = tmp_path / "cpu.toml"
    path.write_text(calibration_toml(cal))
    code, out, err = run(
        "estimate", "serving", "--model", "qwen2.5-0.5b", "--gpu", "h100-sxm", "--calibration", path
    )
    assert (code, out) == (2, "")
    assert err == (
        f"error: --calibration {path}: measured on a CPU (CPU x86_64), and this estimate is for "
        "h100-sxm; a CPU's utilisation factors do not carry over to a GPU. Allowed: a "
        "calibration measured on a GPU (`payback calibrate` run on one), best on "
        "h100-sxm; or none, for the catalog's defaults\n"
    )
    # on a scenario's option, the line names the field and the file
    (tmp_path / "s.toml").write_text(
        (EXAMPLES / "calibrated-h200.toml")
        .read_text()
        .replace("calibrations/h200-llama-3.1-8b-lora.toml", "cpu.toml")
    )
    with pytest.raises(PaybackError) as caught:
        resolve(load_scenario(tmp_path / "s.toml"))
    assert caught.value.messages == [
        f"{tmp_path / 's.toml'}: alternatives.0.calibration (cpu.toml): measured on a CPU "
        "(CPU x86_64), and this estimate is for h200; a CPU's utilisation factors do not carry "
        "over to a GPU. Allowed: a calibration measured on a GPU (`payback calibrate` run on "
        "one), best on h200; or none, for the catalog's defaults"
    ]


@pytest.mark.parametrize("device", ["cpu", " Cpu (laptop)"])
def test_a_cpu_written_by_hand_is_refused_as_well(tmp_path: Path, device: str) -> None:
    """A calibration written by hand with ``device = "cpu"`` and no GPU passed with a
    warning (only calibrate's own "CPU x86_64" was recognised; review)."""
    cal = Calibration(
        kind="calibration",
        tool="payback calibrate",
        created="2026-11-28T00:00:00",
        model="qwen2.5-0.5b",
        device=device,
        factors=Factors(bandwidth_efficiency=1.0),
    )
    path = tmp_path / "cpu.toml"
    path.write_text(calibration_toml(cal))
    code, out, err = run(
        "estimate", "serving", "--model", "qwen2.5-0.5b", "--gpu", "h100-sxm", "--calibration", path
    )
    assert (code, out) == (2, "")
    assert err.startswith(f"error: --calibration {path}: measured on a CPU ({device}")


def test_import_benchmark_checks_its_options_before_writing(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    for args, fragment in [
        (("--gpus-per-replica", "0"), "--gpus-per-replica 0: must be 1 to 1024"),
        (("--precision", "fp9"), "--precision fp9: unknown; allowed: bf16, fp8, int8, int4"),
        (("--model", "nosuch"), "nosuch"),
    ]:
        assert_user_error(*run("import-benchmark", VLLM_FILE, *args, "-o", target), fragment)
        assert not target.exists()
    assert_user_error(*run("import-benchmark", VLLM_FILE, "-o", tmp_path), "is a directory")
    (tmp_path / "plain").write_text("x")  # a missing folder is made; a file in the way is not
    assert_user_error(
        *run("import-benchmark", VLLM_FILE, "-o", tmp_path / "plain" / "c.toml"), "not a folder"
    )
    code, _, err = run(
        "import-benchmark", VLLM_FILE, "--gpu", "h100-sxm", "--gpus-per-replica", "1", "-o", target
    )
    assert code == 0
    # the precision is recorded only when given, and the file says it will not know it
    assert "will not record the benchmark's precision (--precision)" in err
    written = load_calibration(target)
    assert (written.model, written.gpu, written.precision) == ("llama-3.1-8b", "h100-sxm", None)
    assert written.serving is not None
    assert written.serving.gpus_per_replica == 1


def test_estimate_training_says_it_is_calibrated(tmp_path: Path) -> None:
    path = factors_file(tmp_path, training_method="lora", training_mfu_ratio=2.0)
    code, out, err = run(
        "estimate",
        "training",
        "--model",
        "qwen2.5-7b",
        "--gpu",
        "l4",
        "--tokens",
        "1e7",
        "--calibration",
        path,
    )
    assert code == 0
    assert "calibrated by" in out
    assert "utilization ×2 (payback calibrate" in out
    assert "the calibration measured gpu h100-sxm; this uses l4" in err


@pytest.mark.slow  # needs torch, which takes seconds to import
def test_calibrate_output_is_checked_before_measuring(tiny_model: Path, tmp_path: Path) -> None:
    assert_user_error(
        *run("calibrate", "--model", tiny_model, "-o", tmp_path, "--force"), "is a directory"
    )
    (tmp_path / "plain").write_text("x")  # a missing folder is made; a file in the way is not
    assert_user_error(
        *run("calibrate", "--model", tiny_model, "-o", tmp_path / "plain" / "c.toml"),
        "not a folder",
    )


def test_a_benchmark_without_its_gpu_is_taken_for_the_option_with_a_warning(tmp_path: Path) -> None:
    """vLLM files never record the GPU: used on an L4 option, the H100 run's 17.5 req/s
    would be 14 times the L4's estimate, so the warning says how to record it."""
    res = resolved(tmp_path, calibrated(tmp_path, str(VLLM_FILE), model="llama-3.1-8b", gpu="l4"))
    assert "the benchmark does not record its GPU or precision" in res.warnings[0]
    assert "`payback import-benchmark`, naming the GPU and precision" in res.warnings[0]
    # recorded, the same run is refused on an L4
    code, _, _ = run(
        "import-benchmark",
        VLLM_FILE,
        "--gpu",
        "h100-sxm",
        "--precision",
        "bf16",
        "-o",
        tmp_path / "c.toml",
    )
    assert code == 0
    with pytest.raises(PaybackError, match="the benchmark measured gpu h100-sxm; this uses l4"):
        resolved(tmp_path, calibrated(tmp_path, "c.toml", model="llama-3.1-8b", gpu="l4"))


def test_import_benchmark_as_a_library_call_records_only_what_is_known() -> None:
    catalog = default_catalog()
    cal, estimate, warnings = import_benchmark(
        VLLM_FILE, model=catalog.model("qwen2.5-7b"), gpu=catalog.gpu("h100-sxm")
    )
    assert (cal.model, cal.gpu, cal.precision) == ("qwen2.5-7b", "h100-sxm", None)
    assert warnings == [
        f"{VLLM_FILE}: the benchmark reports serving meta-llama/Llama-3.1-8B-Instruct "
        "(llama-3.1-8b); recorded as qwen2.5-7b, as asked"
    ]
    assert estimate is not None
    assert estimate.model == "qwen2.5-7b"
    assert estimate.batch == 64
    cal, estimate, warnings = import_benchmark(VLLM_FILE)
    assert (cal.model, cal.gpu, estimate, warnings) == ("llama-3.1-8b", None, None, [])


def test_a_file_without_a_date_has_none(tmp_path: Path) -> None:
    data = raw("genai_perf_profile_export_genai_perf.json")
    assert read_benchmark(write_json(tmp_path / "g.json", data)).created is None
    code, out, _ = run(
        "estimate",
        "serving",
        "--model",
        "llama-3.1-8b",
        "--gpu",
        "l4",
        "--calibration",
        tmp_path / "none.toml",
    )
    assert code == 2
    assert out == ""


@pytest.mark.parametrize(("engine", "kv_cache"), [("sglang", "auto"), ("vllm", "fp8")])
def test_benchmark_scaled_on_the_options_engine_and_cache(
    tmp_path: Path, engine: str, kv_cache: str
) -> None:
    """The benchmark measured the deployment the option describes: the ratio of estimates
    that scales it to the scenario's lengths is taken on the option's engine and KV cache
    (it was taken on vLLM's default whatever the option said)."""
    from payback.hardware.estimate import engine_named, with_kv_cache

    s = read_benchmark(VLLM_FILE).serving
    assert s is not None
    data = calibrated(tmp_path, "bench.json", model="llama-3.1-8b", gpu="h100-sxm")
    (tmp_path / "bench.json").write_bytes(VLLM_FILE.read_bytes())
    data["traffic"].update(input_tokens=3000, output_tokens=1500)
    data["alternatives"][0].update(engine=engine, kv_cache=kv_cache)
    res = resolved(tmp_path, data)
    catalog = default_catalog()
    model, gpu = catalog.model("llama-3.1-8b"), catalog.gpu("h100-sxm")
    on = with_kv_cache(engine_named(engine), kv_cache)

    def rps(i: float, o: float, chosen: Any) -> float:
        return estimate_serving(
            model,
            gpu,
            input_tokens=i,
            output_tokens=o,
            gpus_per_replica=1,
            batch=64,
            engine=chosen,
        ).replica_requests_per_s

    def scaled(chosen: Any) -> float:
        ratio = rps(3000, 1500, chosen) / rps(s.input_tokens, s.output_tokens, chosen)
        return s.replica_requests_per_s * ratio

    got = res.scenario.alternatives[0].replica_requests_per_s
    assert got == pytest.approx(scaled(on), rel=1e-12)
    assert abs(got / scaled(engine_named("vllm")) - 1) > 1e-4  # not vLLM's default
    assert f"h100-sxm ({engine}) at that load" in (
        res.sources["alternatives.0.replica_requests_per_s"].source
    )
