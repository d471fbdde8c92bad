"""A size-banded hosted fine-tuning offer is checked against the model actually trained.

Tried as a new user would: a self-hosted alternative serving llama-3.1-70b (70.6B) with
``training = { hosted = "together.lora-up-to-16b", ... }`` was priced at the ≤16B band's
$0.48/M ($2.30, exit 0); the band was checked only when ``training.model`` was given. The
job trains the alternative's own ``model`` when the training table names none, as the
Together refusal's advice (a self_hosted alternative with training.hosted) models it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import build, fleet_dict, run
from payback import PaybackError, analyze

JOB = {"hosted": "together.lora-up-to-16b", "examples": 2000, "tokens_per_example": 800}
# 2,000 examples × 800 tokens × 3 epochs (the default) = 4.8M tokens at $0.48/M
BY_HAND = 4.8 * 0.48  # $2.304

FILE = """\
[scenario]
name = "tuned 70b"
horizon_months = 12

[traffic]
requests_per_month = 100000
input_tokens = 1000
output_tokens = 200

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 3.0
output_usd_per_mtok = 15.0

[[alternatives]]
name = "tuned"
kind = "self_hosted"
model = "MODEL"
gpu = "h100-sxm"
[alternatives.one_time]
training = { hosted = "together.lora-up-to-16b", examples = 2000, tokens_per_example = 800 }
"""


def _training_usd(data: dict[str, Any]) -> float:
    return analyze(build(data)).alternatives[0].one_time_items_usd["training"]


def test_the_served_model_outside_the_band_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tuned.toml"
    path.write_text(FILE.replace("MODEL", "llama-3.1-70b"), encoding="utf-8")
    code, _, err = run("analyze", path)
    assert code == 2
    assert err.strip() == (
        f"error: {path}: alternatives.0.one_time.training: together.lora-up-to-16b prices "
        "models of 0-16B parameters; llama-3.1-70b (alternatives.0.model, the model "
        "trained) has 70.6B"
    )


def test_the_served_model_inside_the_band_is_priced_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "tuned.toml"
    path.write_text(FILE.replace("MODEL", "qwen2.5-7b"), encoding="utf-8")
    code, _, err = run("analyze", path)
    assert code == 0, err
    assert (
        "alternatives.0.one_time.training_usd = 2.304 (catalog: together.lora-up-to-16b "
        "fine-tuning, 4.8M tokens at $0.48/M)" in err
    )
    data = fleet_dict(model="qwen2.5-7b", one_time={"training": JOB})
    assert _training_usd(data) == pytest.approx(BY_HAND)


def test_the_advised_alternative_without_a_model_is_priced() -> None:
    # "model it as a self_hosted alternative (gpu, usd_per_gpu_hour) with training.hosted"
    data = fleet_dict(gpu="h100-sxm", one_time={"training": JOB})
    assert _training_usd(data) == pytest.approx(BY_HAND)


def test_the_training_model_wins_over_the_served_one() -> None:
    inside = fleet_dict(
        model="llama-3.1-70b", one_time={"training": {**JOB, "model": "qwen2.5-7b"}}
    )
    assert _training_usd(inside) == pytest.approx(BY_HAND)
    outside = fleet_dict(
        model="qwen2.5-7b", one_time={"training": {**JOB, "model": "llama-3.1-70b"}}
    )
    with pytest.raises(PaybackError, match=r"; llama-3.1-70b has 70.6B$"):
        analyze(build(outside))
