"""Smaller slips of import-benchmark, calibration files and calibrate, each as a user met
it: a field's meaning lowercased into "gPUs", --help leaving out mxfp4, a calibration's
"FP8" refused where --precision takes BF16, percentiles out of order accepted from TOML
(refused from JSON), TOML written under a .yaml name, calibrate --gpu without CUDA
explained as a CUDA device's name, an assumed GPU count credited to the benchmark, a run's
requests dropped from the load line without a duration, and AIPerf's failures not said
against the requests sent."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from helpers import DATA, assert_user_error, run
from payback.errors import PaybackError
from payback.measure.calibration import load_calibration

HUNT = Path(__file__).resolve().parents[1] / "data" / "hunt"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _h100(**replace: str) -> Path:
    text = (HUNT / "h100.toml").read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = Path("c.toml")
    path.write_text(text)
    return path


def test_an_acronym_keeps_its_capitals_in_a_fields_meaning() -> None:
    path = _h100(**{"concurrency = 64": "concurrency = 64\ngpus_per_replica = 0"})
    with pytest.raises(PaybackError) as caught:
        load_calibration(path)
    assert str(caught.value) == (
        "c.toml: serving.gpus_per_replica = 0: must be ≥ 1 (GPUs the served replica used "
        "(tensor parallel degree), when known)"
    )


def test_help_lists_every_precision_it_accepts() -> None:
    code, out, _ = run("import-benchmark", "--help")
    assert code == 0
    assert "bf16, fp8, int8, int4 or mxfp4" in " ".join(out.replace("│", " ").split())


def test_a_calibration_precision_in_capitals_is_read() -> None:
    assert load_calibration(_h100(**{'precision = "bf16"': 'precision = "FP8"'})).precision == "fp8"


def test_percentiles_out_of_order_in_a_calibration_are_refused_as_in_a_result() -> None:
    with pytest.raises(PaybackError) as caught:
        load_calibration(_h100(**{"p99 = 4413.85}": "p99 = 3000.0}"}))
    assert str(caught.value) == (
        "c.toml: serving.e2el_ms.p99 = 3,000 ms is below serving.e2el_ms.p90 = 3,845 ms, where "
        "a higher percentile is never lower (p50 ≤ p90 ≤ p99); correct whichever was changed"
    )


@pytest.mark.parametrize("name", ["x.yaml", "x.YML"])
def test_a_calibration_is_not_written_under_a_yaml_name(name: str) -> None:
    assert_user_error(
        *run("import-benchmark", DATA / "vllm_save_result.json", "-o", name),
        f"-o {name}: a calibration is written as TOML (.toml); not {Path(name).suffix}, which "
        "names YAML: name it x.toml",
    )
    assert not Path(name).exists()


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs PyTorch")
def test_calibrate_for_a_gpu_where_pytorch_sees_none_says_so() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("PyTorch sees a CUDA GPU here")
    assert_user_error(
        *run("calibrate", "--model", "qwen2.5-0.5b", "--gpu", "h100-sxm"),
        f"--gpu h100-sxm: PyTorch {torch.__version__} sees no CUDA GPU: calibrate would "
        "measure the CPU, where no catalog GPU is used",
    )


def test_an_assumed_gpu_count_is_not_credited_to_the_benchmark() -> None:
    shutil.copy(HUNT / "s2.toml", "s2.toml")
    shutil.copy(HUNT / "h100.toml", "h100.toml")
    code, out, err = run("analyze", "s2.toml")
    assert code == 0, err
    words = " ".join(out.split())
    assert (
        "gpus_per_replica 1 assumed (the fewest that hold llama-3.1-8b): the benchmark does not say"
    ) in words
    assert "replica_requests_per_s 6.864 benchmark: vllm bench serve (h100.toml)" in words


def test_the_load_line_keeps_the_requests_without_a_duration() -> None:
    data = json.loads((DATA / "vllm_save_result.json").read_text())
    del data["duration"]
    Path("r.json").write_text(json.dumps(data))
    code, out, err = run("import-benchmark", "r.json")
    assert code == 0, err
    assert "load concurrency 64; 1,000 requests time to first token" in " ".join(out.split())


def test_aiperf_failures_are_said_against_the_requests_sent() -> None:
    data = json.loads((DATA / "aiperf_profile_export_aiperf.json").read_text())
    data["error_request_count"] = {"unit": "requests", "avg": 50.0}
    Path("a.json").write_text(json.dumps(data))
    code, _, err = run("import-benchmark", "a.json")
    assert code == 0, err
    assert "warning: a.json: 50 of 1,050 requests failed; capacity counts completed ones" in err
