"""No silent wrong or doubtful number: each case an exit code 0 used to hide now says what it
did or is refused (issue: hostile and odd input)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLES
from payback import PaybackError, analyze, load_scenario
from payback.cli import app

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
VLLM = Path(__file__).resolve().parents[1] / "data" / "benchmarks" / "vllm_save_result.json"
NVIDIA = VLLM.with_name("genai_perf_profile_export_genai_perf.json")


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=ENV).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_error(code: int, out: str, err: str) -> str:
    assert code == 2, (out, err)
    assert "Traceback" not in err
    errors = [line for line in err.strip().splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    return errors[0]


def test_sobol_with_zero_samples_is_refused_not_run_with_1024() -> None:
    line = one_error(
        *run("sensitivity", EXAMPLES / "seed.toml", "--method", "sobol", "--samples", "0")
    )
    assert "--samples 0: must be a whole number from 8" in line


# ------------------------------------------------------------------ benchmark throughputs


def vllm(tmp_path: Path, **edit: Any) -> Path:
    data = json.loads(VLLM.read_text()) | edit
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("value", [0, None])
def test_zero_output_throughput_is_recomputed_as_null_is_and_said(
    tmp_path: Path, value: float | None
) -> None:
    code, out, err = run("import-benchmark", vllm(tmp_path, output_throughput=value), "--json")
    assert code == 0, err
    measured = json.loads(out)["output_tokens_per_s"]
    assert measured == pytest.approx(200752 / 1000 * 17.52241876769224)  # 3,518, not 0
    shown = "null" if value is None else "0"
    assert f"warning: {tmp_path / 'bench.json'}: output_throughput = {shown}: recomputed as" in err


@pytest.mark.parametrize("value", [0, None])
def test_null_or_zero_request_throughput_is_recomputed_from_the_duration(
    tmp_path: Path, value: float | None
) -> None:
    code, out, err = run("import-benchmark", vllm(tmp_path, request_throughput=value), "--json")
    assert code == 0, err  # an AssertionError before
    assert json.loads(out)["replica_requests_per_s"] == pytest.approx(1000 / 57.069746663274344)
    assert "recomputed as completed / duration" in err


def test_null_request_throughput_without_a_duration_is_one_line(tmp_path: Path) -> None:
    path = vllm(tmp_path, request_throughput=None, duration=None)
    line = one_error(*run("import-benchmark", path))
    assert "request_throughput = null and no duration to recompute it from" in line


def test_a_scenario_calibrated_by_such_a_result_is_recomputed_and_said(tmp_path: Path) -> None:
    vllm(tmp_path, request_throughput=None)
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        re.sub(
            r"^replica_requests_per_s = .*$",
            'calibration = "bench.json"',
            (EXAMPLES / "quarter-200k.toml").read_text(),
            flags=re.M,
        )
    )
    code, _, err = run("analyze", scenario)
    assert code == 0, err
    assert "request_throughput = null: recomputed as completed / duration = 17.52 requests/s" in err


def test_nvidia_zero_output_throughput_is_recomputed(tmp_path: Path) -> None:
    data = json.loads(NVIDIA.read_text())
    data["output_token_throughput"]["avg"] = 0
    path = tmp_path / "profile_export_genai_perf.json"
    path.write_text(json.dumps(data))
    code, out, err = run("import-benchmark", path, "--json")
    assert code == 0, err
    assert json.loads(out)["output_tokens_per_s"] > 0
    assert "output_token_throughput.avg = 0: recomputed" in err


# ------------------------------------------------------------------ training GPUs


def test_training_gpus_are_capped_by_data_parallelism() -> None:
    args = (
        "estimate",
        "training",
        "--model",
        "llama-3.1-8b",
        "--gpu",
        "h100-sxm",
        "--tokens",
        "1e6",
    )
    line = one_error(*run(*args, "--gpus", "100000"))
    assert line == (
        "error: --gpus 100000: at most 732 for this run: data parallelism gives each GPU at "
        "least one sequence of 4,096 tokens a step, and the run's 3,000,000 tokens (tokens × "
        "epochs) make 732 such sequences"
    )  # 3 epochs unless given, as a scenario's training job
    code, out, err = run(*args, "--gpus", "732", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["gpus"], data["max_gpus"]) == (732, 732)
    code, out, _ = run(*args)
    assert code == 0
    words = " ".join(out.split())
    assert "could spread over up to 732 GPUs: one sequence per GPU per step" in words


# ------------------------------------------------------------------ results that overflow


def test_requests_so_small_the_cost_per_1k_overflows_is_refused_naming_the_field(
    tmp_path: Path,
) -> None:
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    path = tmp_path / "tiny.toml"
    path.write_text(text.replace("requests_per_month = 200000", "requests_per_month = 5e-324"))
    for command in ("analyze", "explain", "sensitivity", "report"):
        extra = ("-o", tmp_path / "r.html") if command == "report" else ()
        code, out, err = run(command, path, *extra)
        line = one_error(code, out, err)
        assert line.startswith(
            "error: traffic.requests_per_month = 5e-324: the results overflow with it "
            "(alternatives.0 'fine-tuned 7B on one rented L4': cost per 1k requests is not a "
            "finite number)"
        )
        assert "$inf" not in out
    with pytest.raises(PaybackError, match="requests_per_month = 5e-324"):
        analyze(load_scenario(path))


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("15", "2", "1e308"), "--one-time 1e308: must be a finite number ≥ 0 (USD), at most"),
        (("5e-324", "0", "400"), "--self-hosted-per-1k 0: only 5e-324 below the hosted"),
    ],
)
def test_quick_never_prints_inf_requests(args: tuple[str, str, str], fragment: str) -> None:
    hosted, self_hosted, one_time = args
    code, out, err = run(
        "quick",
        "--hosted-per-1k",
        hosted,
        "--self-hosted-per-1k",
        self_hosted,
        "--one-time",
        one_time,
    )
    assert fragment in one_error(code, out, err)
    assert "inf" not in out


def test_training_tokens_that_overflow_are_one_line() -> None:
    """Found by the fuzz test: 1e7 tokens × 1e308 epochs crashed the GPU cap."""
    args = ("estimate", "training", "--model", "qwen2.5-7b", "--gpu", "l4", "--tokens", "1e7")
    line = one_error(*run(*args, "--epochs", "1e308"))
    assert line == (
        "error: --tokens 1e+07 × --epochs 1e+308 = inf: at most 1,000,000,000,000,000 tokens a run (far "
        "beyond any pre-training run)"
    )
    line = one_error(*run(*args[:-1], "5e-324"))
    assert line == (
        "error: --tokens 4.94066e-324 × --epochs 3 = 1.48e-323: a run processes at least one token"
    )  # 3 epochs unless given, as a scenario's training job


def test_training_tokens_past_the_bound_name_the_flag() -> None:
    """Tried as a new user would: --tokens 1e30 read "tokens × epochs = 1e+30", no flag."""
    args = ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "l4", "--tokens")
    line = one_error(*run(*args, "1e30"))
    assert line == (
        "error: --tokens 1e+30 × --epochs 3 = 3e+30: at most 1,000,000,000,000,000 tokens a run (far beyond "
        "any pre-training run)"
    )
    line = one_error(*run(*args, "1e14", "--epochs", "20"))
    assert line.startswith(
        "error: --tokens 1e+14 × --epochs 20 = 2e+15: at most 1,000,000,000,000,000 tokens"
    )
