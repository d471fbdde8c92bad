"""recommend with both ``model`` and ``models`` on an alternative, tried as a new user
would: the model it serves today was left out of the comparison without a word (only the
``models`` list was searched)."""

from __future__ import annotations

import json
from pathlib import Path

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
