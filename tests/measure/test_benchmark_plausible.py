"""Implausible benchmarks passed silently: 64 clients at 1,000,000 requests/s with a mean
end-to-end latency of 3,522 ms (measured/estimated 50,915), and a whole 8-GPU node's 140
requests/s read as one H100's (4.45). A rate past what the run's clients can complete at
its mean latency (Little's law) is refused; one far from the estimate is warned about. A
vLLM ``--metadata tp=2`` is read as the GPUs per replica."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import DATA, assert_user_error, run

HUNT = Path(__file__).resolve().parents[1] / "data" / "hunt"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _vllm(**fields: Any) -> str:
    """The sample (64 clients, mean e2e latency 3,522.36 ms, 1,000 requests), edited; the
    run's duration and output rate follow a request rate as vLLM writes them together."""
    data = json.loads((DATA / "vllm_save_result.json").read_text()) | fields
    if "request_throughput" in fields:
        data["duration"] = data["completed"] / fields["request_throughput"]
        data["output_throughput"] = data["total_output_tokens"] / data["duration"]
    Path("result.json").write_text(json.dumps(data))
    return "result.json"


def test_more_requests_than_the_clients_can_complete_is_refused() -> None:
    # 64 / 3.52236 s = 18.17 requests/s at most; 25 is 38% over
    assert_user_error(
        *run("import-benchmark", _vllm(request_throughput=25.0)),
        "result.json: request_throughput = 25 requests/s is more than max_concurrency = 64 "
        "clients can complete at mean_e2el_ms = 3,522 ms: at most 64 / 3.522 s = 18.17 "
        "requests/s (each client has one request in flight; 25% over is allowed)",
    )


def test_within_a_quarter_over_the_bound_is_read() -> None:
    code, _, err = run("import-benchmark", _vllm(request_throughput=22.0))  # 21% over
    assert code == 0, err


def test_an_aiperf_run_is_held_to_it_too(tmp_path: Path) -> None:
    data = json.loads((DATA / "aiperf_profile_export_aiperf.json").read_text())
    data["input_config"]["loadgen"]["concurrency"] = 8  # 8 / 3.511 s = 2.279 at most
    Path("a.json").write_text(json.dumps(data))
    assert_user_error(
        *run("import-benchmark", "a.json"),
        "a.json: request_throughput.avg = 17.69 requests/s is more than input_config's "
        "concurrency = 8 clients can complete at request_latency.avg = 3,511 ms",
    )


def test_a_whole_nodes_throughput_is_warned_about() -> None:
    code, out, err = run("import-benchmark", HUNT / "node8.json", "--gpu", "h100-sxm", "--json")
    assert code == 0, err
    assert round(json.loads(out)["measured_over_estimated"], 2) == 4.45
    assert (
        f"warning: {HUNT / 'node8.json'}: measured 140 requests/s, 4.45× the estimate of the "
        "same run on 1 × h100-sxm (1 GPU a replica), 31.45: did the run measure a whole node "
        "(8 GPUs, say) or several replicas behind one endpoint?"
    ) in err


def test_the_sample_near_its_estimate_is_not_warned_about() -> None:
    code, _, err = run("import-benchmark", _vllm(), "--gpu", "h100-sxm")  # 0.95
    assert code == 0, err
    assert "the estimate of the same run" not in err


def test_vllm_metadata_tp_is_the_gpus_per_replica() -> None:
    code, out, err = run("import-benchmark", _vllm(tp="2"), "--gpu", "h100-sxm", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["calibration"]["serving"]["gpus_per_replica"] == 2
    assert answer["estimate"]["gpus_per_replica"] == 2
    assert round(answer["measured_over_estimated"], 2) == 0.59  # 17.52 / 29.88 on 2 × H100


def test_a_tp_that_is_no_whole_number_is_not_read() -> None:
    code, out, err = run("import-benchmark", _vllm(tp="two"), "--json")
    assert code == 0, err
    assert "gpus_per_replica" not in json.loads(out)["calibration"]["serving"]
    assert 'tp = "two" is not a whole number of GPUs: not read as the GPUs per replica' in err
