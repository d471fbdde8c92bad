"""recommend with both ``model`` and ``models`` on an alternative, tried as a new user
would: the model it serves today was left out of the comparison without a word (only the
``models`` list was searched)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import QUARTER, assert_user_error, run


def _both(tmp_path: Path, model: str, models: str) -> Path:
    text = QUARTER.read_text(encoding="utf-8").replace(
        'kind = "self_hosted"', f'kind = "self_hosted"\nmodel = "{model}"\nmodels = {models}', 1
    )
    path = tmp_path / "both.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_model_served_today_is_compared_with_the_models_listed(tmp_path: Path) -> None:
    """One model alone is 252 configurations, as recommend counts them for qwen2.5-7b; the
    two together 504, and the smaller model serves the quarter's 200k requests for less."""
    code, out, err = run("recommend", _both(tmp_path, "qwen2.5-1.5b", '["qwen2.5-7b"]'), "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["models"] == ["qwen2.5-7b", "qwen2.5-1.5b"]
    assert answer["considered"] == 2 * 252
    assert answer["best"]["model"] == "qwen2.5-1.5b"
    # listed in models too: compared once
    code, out, err = run("recommend", _both(tmp_path, "qwen2.5-7b", '["qwen2.5-7b"]'), "--json")
    assert code == 0, err
    assert (json.loads(out)["models"], json.loads(out)["considered"]) == (["qwen2.5-7b"], 252)


def test_an_unknown_model_beside_models_is_named_by_its_own_field(tmp_path: Path) -> None:
    assert_user_error(
        *run("recommend", _both(tmp_path, "qwen9-7b", '["qwen2.5-7b"]')),
        "alternatives.0.model: unknown model 'qwen9-7b'",
    )


def test_models_beside_a_gpu_are_for_recommend_to_choose_from(tmp_path: Path) -> None:
    """``models = [...]`` with a ``gpu`` and no ``model``: the file was refused by a line
    about replica_requests_per_s that did not speak of models. recommend compares them
    (the smallest serves the 1M requests for least: 2 replicas, min_replicas, of 1 × l4 at
    the catalog's $0.8048/GPU-h, 2 × 730 × 0.8048 = $1,175.008 a month), and analyze says
    recommend chooses the model."""
    from helpers import EXAMPLES

    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    text = text.replace(
        'model = "llama-3.1-8b"\ngpu = "l40s"\nprecision = "fp8"\n',
        'models = ["qwen2.5-1.5b", "llama-3.1-8b", "qwen2.5-14b"]\ngpu = "l40s"\n',
    )
    path = tmp_path / "models.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("recommend", path, "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["models"] == ["qwen2.5-1.5b", "llama-3.1-8b", "qwen2.5-14b"]
    best = answer["best"]
    assert (best["model"], best["gpu"], best["gpus_per_replica"], best["replicas"]) == (
        "qwen2.5-1.5b",
        "l4",
        1,
        2,
    )
    assert best["monthly_cost_usd"] == pytest.approx(2 * 730 * 0.8048, rel=1e-12)
    assert_user_error(
        *run("analyze", path),
        "alternatives.0.model: required to estimate the capacity (or give "
        "replica_requests_per_s); models lists several for `payback recommend FILE` to "
        "choose one",
    )
