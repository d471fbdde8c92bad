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
