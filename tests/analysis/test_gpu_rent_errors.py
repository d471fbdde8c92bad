"""A GPU id with no default rent (tried as a new user would: ``gpu = "l40"`` meant for
``l40s``): the error named ``gpu_price``, a field the user never wrote, and offered no
close id. It now names the field written, its value, the GPUs near it that have a rent
and what else to write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from helpers import build, fleet_dict
from payback import PaybackError
from payback.analysis.resolve import resolve

TODAY = dt.date(2026, 12, 1)


def self_hosted_on(gpu: str) -> dict[str, Any]:
    data = fleet_dict(gpu=gpu)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    return data


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(PaybackError) as err:
        resolve(build(data), today=TODAY)
    return str(err.value)


def test_a_marketplace_only_gpu_names_the_gpu_field_and_the_near_ids() -> None:
    assert error_of(self_hosted_on("l40")) == (
        "alternatives.0.gpu = 'l40': every on-demand offer for l40 is a marketplace's "
        "(third-party hosts, no datacentre SLA), never the default; did you mean 'l40s' or "
        "'l4'? Else set gpu_price = \"marketplace\" to pay one, or give usd_per_gpu_hour"
    )


def test_the_suggested_gpu_is_priced_and_marketplace_is_still_allowed() -> None:
    """Both ways out the message gives work: l40s has a default rent, and l40 with
    gpu_price = "marketplace" is priced."""
    fixed = resolve(build(self_hosted_on("l40s")), today=TODAY)
    assert fixed.scenario.alternatives[0].usd_per_gpu_hour > 0  # type: ignore[union-attr]
    market = self_hosted_on("l40")
    market["alternatives"][0]["gpu_price"] = "marketplace"
    paid = resolve(build(market), today=TODAY)
    assert paid.scenario.alternatives[0].usd_per_gpu_hour > 0  # type: ignore[union-attr]


def test_a_training_job_on_a_marketplace_only_gpu_names_its_own_gpu_field() -> None:
    """A training job chooses gpu_price as an alternative does: the way out is offered,
    and works."""
    data = fleet_dict()
    data["alternatives"][0]["one_time"] = {
        "training": {
            "model": "llama-3.1-8b",
            "gpu": "l40",
            "examples": 10_000,
            "tokens_per_example": 500,
        }
    }
    message = error_of(data)
    assert message.startswith("alternatives.0.one_time.training.gpu = 'l40': every on-demand")
    assert message.endswith(
        "did you mean 'l40s' or 'l4'? Else set gpu_price = \"marketplace\" to pay one, "
        "or give usd_per_gpu_hour"
    )
    data["alternatives"][0]["one_time"]["training"]["gpu_price"] = "marketplace"
    paid = resolve(build(data), today=TODAY)
    assert paid.sources["alternatives.0.one_time.training.usd_per_gpu_hour"].value == 0.69


def test_a_gpu_with_no_on_demand_rent_names_the_offers_the_catalog_has() -> None:
    """rtx-6000-ada has no on-demand offer but a serverless platform's (runpod $1.908):
    the refusal said only "give usd_per_gpu_hour", as estimate training names it and
    gpu_price = "serverless"; the way out it names works, at that price."""
    data = self_hosted_on("rtx-6000-ada")
    assert error_of(data) == (
        "alternatives.0.gpu = 'rtx-6000-ada': the catalog has no on-demand price for "
        "rtx-6000-ada; it has a serverless platform's offer, runpod $1.908 (set gpu_price = "
        '"serverless" to pay it); give usd_per_gpu_hour'
    )
    data["alternatives"][0]["gpu_price"] = "serverless"
    paid = resolve(build(data), today=TODAY)
    assert paid.sources["alternatives.0.usd_per_gpu_hour"].value == 1.908


def test_a_training_job_names_a_stale_offer_stale() -> None:
    """A job asking a serverless rent of a GPU with only a marketplace's on-demand offer
    (runpod's rtx-5090 $0.69, checked 2026-03-10: 266 days before 2026-12-01) is told of
    that offer, marked stale."""
    data = fleet_dict()
    data["alternatives"][0]["one_time"] = {
        "training": {
            "model": "llama-3.1-8b",
            "gpu": "rtx-5090",
            "gpu_price": "serverless",
            "examples": 10_000,
            "tokens_per_example": 500,
        }
    }
    assert (TODAY - dt.date(2026, 3, 10)).days == 266
    assert error_of(data) == (
        "alternatives.0.one_time.training.gpu = 'rtx-5090': the catalog has no serverless "
        "price for rtx-5090; it has a marketplace's on-demand offer, runpod $0.69 (checked "
        '2026-03-10: stale, 266 days ago; set gpu_price = "marketplace" to pay it); give '
        "usd_per_gpu_hour"
    )
