"""The commands tried as a demanding new user would: odd but valid inputs give readable
answers, bad ones one line naming the field, the value and what is allowed (exit code 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import EXAMPLES, QUARTER, assert_user_error, run


def _quarter(tmp_path: Path, old: str, new: str) -> Path:
    text = QUARTER.read_text()
    assert old in text
    path = tmp_path / "edited.toml"
    path.write_text(text.replace(old, new))
    return path


def test_a_trillion_requests_a_month_reads_without_exponents(tmp_path: Path) -> None:
    # 1e12 requests a month on 0.85 requests/s replicas planned at 70%, peak 4×:
    # 1e12 × 4 / (730 × 3600) / (0.85 × 0.7) = 2,302,291 replicas (rounded up)
    path = _quarter(tmp_path, "requests_per_month = 200000 ", "requests_per_month = 1e12 ")
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert not re.search(r"\de[+-]\d", out), out  # 2.3e+06 GPUs, $2.04e+05M
    gpus = next(line for line in out.splitlines() if line.startswith(" GPUs "))
    assert gpus.split()[1:] == ["2,302,291", "2,302,291"]
    assert "→ $204B" in out  # cumulative savings by month 24: $204 billion


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("estimate", "serving", "--model", "lama-3.1-8b", "--gpu", "l4"),
            "error: --model lama-3.1-8b: unknown model 'lama-3.1-8b'; did you mean llama-3.1-8b,",
        ),
        (
            ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100"),
            "error: --gpu h100: unknown GPU 'h100'; did you mean h100-sxm,",
        ),
        (
            ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h10", "--tokens", "1e6"),
            "error: --gpu h10: unknown GPU 'h10'; did you mean h100-sxm,",
        ),
        (
            ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l4", "--precision", "fp4"),
            "error: --precision fp4: unknown; allowed: bf16, fp8, int8, int4, mxfp4",
        ),
        (
            ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "l4", "--tokens", "1e6",
             "--method", "sft"),
            "error: --method sft: unknown; allowed: full, lora, qlora",
        ),
        (
            ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "-400"),
            "error: --one-time -400: must be a finite number ≥ 0 (USD)",
        ),
        (
            ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l4", "--input-tokens",
             "-5"),
            "error: --input-tokens -5: must be a finite number ≥ 0",
        ),
    ],
)  # fmt: skip
def test_a_bad_flag_is_named_with_the_value_as_typed(args: tuple[str, ...], line: str) -> None:
    code, out, err = run(*args)
    assert_user_error(code, out, err)
    assert len(err.splitlines()) == 1
    assert err.startswith(line), err


def test_a_search_that_matches_nothing_says_so_with_the_nearest_ids() -> None:
    code, out, err = run("catalog", "gpus", "--search", "h1000")
    assert (code, err) == (0, "")
    assert out.strip().startswith("No GPU's id or name contains 'h1000'; did you mean h200,")
    assert "BF16" not in out  # no empty table's header
    for command, what in (
        ("models", "No open model's id, name or repository contains 'zzzz'; known: qwen2.5-0.5b"),
        ("finetuning", "No fine-tuning offer's id, provider or base model contains 'zzzz'"),
        ("apis", "No API model's ref or name contains 'zzzz'; without --search"),
    ):
        code, out, err = run("catalog", command, "--search", "zzzz")
        assert (code, err) == (0, "")
        assert " ".join(out.split()).startswith(what), out


def test_serving_on_a_gpu_only_marketplaces_rent_says_why_there_is_no_price() -> None:
    # the catalog's only on-demand offer for the RTX 4090 is a marketplace's (runpod)
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "rtx-4090", "--precision", "fp8"
    )
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "GPU price none by default: every on-demand offer is a marketplace's "
        "(payback catalog gpus --search rtx-4090)"
    ) in text
    assert "not in the catalog" not in text


def test_init_writes_only_a_scenario_type_it_can_read_back(tmp_path: Path) -> None:
    target = tmp_path / "scenario.json"
    code, out, err = run("init", target)
    assert_user_error(code, out, err)
    assert err.strip() == (
        f"error: {target}: a scenario is written as .toml, or .yaml / .yml for YAML; not .json"
    )
    assert not target.exists()  # it wrote TOML into a .json file


def test_a_json_scenario_is_told_what_the_files_are_read_as(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('{"scenario": {"name": "x", "horizon_months": 6}}')
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err.strip().endswith(
        "; a .json file is read as TOML (a scenario is TOML, or YAML in a .yaml or .yml file)"
    )


def test_estimate_serving_reproduces_the_capacity_analyze_derives() -> None:
    # examples/catalog-ids.toml: llama-3.1-8b fp8 on l40s, tpot_ms 40, planned at 70%, at
    # 1,200/250 tokens with 30% of each prompt cached; analyze's source line points the
    # user at the estimate, which must give the same requests/s from the same inputs
    code, out, err = run("analyze", EXAMPLES / "catalog-ids.toml", "--json")
    assert code == 0, err
    derived = json.loads(out)["sources"]["alternatives.0.replica_requests_per_s"]["value"]
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s", "--precision", "fp8",
        "--input-tokens", "1200", "--output-tokens", "250", "--cached-input-share", "0.3",
        "--tpot-ms", "40", "--utilization", "0.7", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["replica_requests_per_s"] == pytest.approx(derived, rel=1e-12)
    assert derived == pytest.approx(13.72, abs=0.005)  # not the 9.94 of an uncached prompt


def test_recommend_apply_renames_the_precision_the_winner_replaces(tmp_path: Path) -> None:
    # catalog-ids' alternative is named "..., FP8 on rented L40S"; its winner runs elsewhere
    output = tmp_path / "tuned.toml"
    code, out, err = run("recommend", EXAMPLES / "catalog-ids.toml", "--apply", "-o", output)
    assert code == 0, err
    best = json.loads(run("recommend", EXAMPLES / "catalog-ids.toml", "--json")[1])["best"]
    assert (best["precision"], best["gpu"]) != ("fp8", "l40s")
    name = f"fine-tuned Llama 3.1 8B, {best['precision'].upper()} on rented {best['gpu'].upper()}"
    code, out, _ = run("analyze", output, "--json")
    assert json.loads(out)["alternatives"][0]["name"] == name


def test_recommend_refuses_fewer_replicas_than_the_alternative_runs_at_least() -> None:
    # catalog-ids' alternative has min_replicas = 2: at most 1 is no search at all (it was
    # "needs more than 1 replicas for 228 of the 336 configurations left out")
    code, out, err = run("recommend", EXAMPLES / "catalog-ids.toml", "--max-replicas", "1")
    assert_user_error(code, out, err)
    assert err.strip() == (
        "error: --max-replicas 1: must be ≥ alternatives.0.min_replicas = 2, the fewest the "
        "fleet runs"
    )


def test_an_absurd_count_is_shown_as_written(tmp_path: Path) -> None:
    path = _quarter(tmp_path, "training_runs = 4 ", "training_runs = 1e30 ")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err.strip() == (
        f"error: {path}: alternatives.0.one_time.training_runs = 1e+30: must be ≤ 10000"
    )  # was 1000000000000000019884624838656, the float read as a whole number


def test_recommend_without_a_model_names_the_flag_to_give_it() -> None:
    code, out, err = run("recommend", QUARTER)  # the quarter's alternative names no model
    assert_user_error(code, out, err)
    assert err.strip().endswith("in the scenario, or pass --model ID")
