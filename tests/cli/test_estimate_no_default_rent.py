"""What ``estimate`` says of a GPU with no default rent (tried as a new user would:
``estimate training --gpu l40`` said "no price in the catalog" though a marketplace's
$0.69 is listed, and ``estimate serving --gpu rtx-6000-ada`` "not in the catalog" though
a serverless platform's $1.908 is): the offers there are, and how to pay them."""

from __future__ import annotations

from helpers import run


def _said(*args: str) -> str:
    code, out, err = run("estimate", *args)
    assert code == 0, err
    return " ".join(out.split())


def test_training_on_a_marketplace_only_gpu_names_its_offer() -> None:
    text = _said("training", "--model", "qwen2.5-7b", "--gpu", "l40", "--tokens", "1e6")
    assert (
        "cost none by default: the catalog has a marketplace's on-demand offer, runpod $0.69 "
        '(gpu_price = "marketplace" in a scenario pays it); give --usd-per-gpu-hour'
    ) in text
    assert "no price in the catalog" not in text


def test_serving_on_a_serverless_only_gpu_names_its_offer() -> None:
    text = _said("serving", "--model", "qwen2.5-7b", "--gpu", "rtx-6000-ada")
    assert (
        "GPU price none by default: the catalog has a serverless platform's offer, runpod "
        '$1.908 (gpu_price = "serverless" in a scenario pays it)'
    ) in text
    assert "not in the catalog" not in text


def test_a_gpu_with_a_default_rent_is_priced_at_it() -> None:
    text = _said("training", "--model", "qwen2.5-7b", "--gpu", "l40s", "--tokens", "1e6")
    assert " at $1.09/GPU-h: runpod, checked " in text
