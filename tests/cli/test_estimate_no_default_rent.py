"""What ``estimate`` says of a GPU with no default rent (tried as a new user would:
``estimate training --gpu l40`` said "no price in the catalog" though a marketplace's
$0.69 is listed, and ``estimate serving --gpu rtx-6000-ada`` "not in the catalog" though
a serverless platform's $1.908 is): the offers there are, and how to pay them; one
checked over 180 days before the day is marked stale, as ``catalog gpus`` and ``analyze``
mark it (``estimate serving --gpu rtx-5090`` named runpod's $0.69 of 2026-03-10 unmarked
on 2026-12-07)."""

from __future__ import annotations

import datetime as dt

import pytest

import payback.catalog
from helpers import run

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payback.catalog, "_today", lambda: TODAY)


def _said(*args: str) -> str:
    code, out, err = run("estimate", *args)
    assert code == 0, err
    return " ".join(out.split())


def test_training_on_a_marketplace_only_gpu_names_its_offer() -> None:
    text = _said("training", "--model", "qwen2.5-7b", "--gpu", "l40", "--tokens", "1e6")
    assert (
        "cost none by default: the catalog has a marketplace's on-demand offer, runpod $0.69 "
        "(checked 2026-02-15: stale, 295 days ago; "  # 2026-12-07 − 2026-02-15 = 295 days
        'gpu_price = "marketplace" in a scenario pays it); give --usd-per-gpu-hour'
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


def test_serving_names_a_stale_marketplace_offer_stale() -> None:
    # runpod's RTX 5090 offer, checked 2026-03-10: 272 days before 2026-12-07, over 180
    text = _said("serving", "--model", "qwen2.5-0.5b", "--gpu", "rtx-5090")
    assert (
        "GPU price none by default: the catalog has a marketplace's on-demand offer, runpod "
        '$0.69 (checked 2026-03-10: stale, 272 days ago; gpu_price = "marketplace" in a '
        "scenario pays it)"
    ) in text
    code, out, _ = run("catalog", "gpus", "--search", "rtx-5090")
    assert code == 0
    assert "checked 2026-03-10 (stale)" in " ".join(out.split())  # as the catalog marks it


def test_an_offer_within_180_days_is_not_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2026-09-06 − 2026-03-10 = 180 days: not over 180, so not stale (is_stale's rule)
    monkeypatch.setattr(payback.catalog, "_today", lambda: dt.date(2026, 9, 6))
    text = _said("serving", "--model", "qwen2.5-0.5b", "--gpu", "rtx-5090")
    assert 'offer, runpod $0.69 (gpu_price = "marketplace" in a scenario pays it)' in text
    monkeypatch.setattr(payback.catalog, "_today", lambda: dt.date(2026, 9, 7))
    text = _said("serving", "--model", "qwen2.5-0.5b", "--gpu", "rtx-5090")
    assert "runpod $0.69 (checked 2026-03-10: stale, 181 days ago;" in text
