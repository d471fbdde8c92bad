"""Prices typed in another unit than the field's are warned of (not refused): the line names
the field, the value and the likely mistake, and the number is kept. The bounds are the
catalog's own ranges with a wide margin, checked here against the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, build, edited, fleet_dict, run
from payback.catalog import default_catalog
from payback.catalog.apis import search_api_models
from payback.scenario import load_scenario
from payback.scenario.units import (
    API_PRICE_RANGES,
    CACHE_READ_MOST,
    GPU_RENT_RANGE,
    HIGH_MARGIN,
    LOW_MARGIN,
    unit_warnings,
)


def test_a_per_token_price_in_a_per_million_field() -> None:
    data = edited(fleet_dict(), "baseline.cached_input_usd_per_mtok", 0.3)
    scenario = build(edited(data, "baseline.input_usd_per_mtok", 0.000003))
    assert scenario.baseline.input_usd_per_mtok == 0.000003  # kept as given
    assert unit_warnings(scenario) == [
        "baseline.input_usd_per_mtok = 3e-06: USD per million tokens; 3e-06 reads like a "
        "per-token price (× 1,000,000 = 3); the cheapest the catalog holds is 0.00688 "
        "(kept as given)"
    ]  # and no line for the cached price 100,000× over it: the unit is what is wrong


def test_a_price_far_below_any() -> None:
    scenario = build(edited(fleet_dict(), "baseline.output_usd_per_mtok", 1e-9))
    assert unit_warnings(scenario) == [
        "baseline.output_usd_per_mtok = 1e-09: USD per million tokens; 1e-09 is far below "
        "any price; the cheapest the catalog holds is 0.01 (kept as given)"
    ]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("requests_per_month", 1e-300, "under one request a month"),
        ("input_tokens", 0.5, "under one token a request"),
        ("output_tokens", 1e-300, "under one token a request"),
    ],
)
def test_traffic_between_0_and_1_is_warned_of(field: str, value: float, words: str) -> None:
    """1e-300 requests a month was answered in full without a word (tried as a new user
    would), where a price that small is warned of."""
    scenario = build(edited(fleet_dict(), f"traffic.{field}", value))
    assert unit_warnings(scenario) == [
        f"traffic.{field} = {value:g}: {words}; is a unit off? (kept as given)"
    ]
    assert unit_warnings(build(edited(fleet_dict(), f"traffic.{field}", 1.0))) == []
    if field != "requests_per_month":  # > 0 by the schema; a token count of 0 is plain
        assert unit_warnings(build(edited(fleet_dict(), f"traffic.{field}", 0.0))) == []


def test_a_price_per_billion_tokens() -> None:
    scenario = build(edited(fleet_dict(), "baseline.input_usd_per_mtok", 2500.0))
    assert unit_warnings(scenario) == [
        "baseline.input_usd_per_mtok = 2500: USD per million tokens; 2500 reads like a price "
        "per billion tokens (÷ 1,000 = 2.5); the dearest the catalog holds is 150 (kept as "
        "given)"
    ]


def test_a_cached_price_dearer_than_uncached() -> None:
    data = edited(fleet_dict(), "baseline.input_usd_per_mtok", 3.0)
    scenario = build(edited(data, "baseline.cached_input_usd_per_mtok", 30.0))
    assert unit_warnings(scenario) == [
        "baseline.cached_input_usd_per_mtok = 30 with input_usd_per_mtok = 3: cached input "
        "billed 10× uncached input; a cache read costs less than uncached input at every "
        "provider the catalog holds (at most 1.03×): is it a cache-write or output price, or "
        "a decimal point out of place? (kept as given)"
    ]


def test_a_cached_price_at_a_discount_is_silent() -> None:
    data = edited(fleet_dict(), "baseline.input_usd_per_mtok", 3.0)
    assert unit_warnings(build(edited(data, "baseline.cached_input_usd_per_mtok", 0.3))) == []


def test_a_monthly_rent_in_a_per_hour_field() -> None:
    scenario = build(fleet_dict(usd_per_gpu_hour=580.0))
    assert scenario.alternatives[0].usd_per_gpu_hour == 580.0
    # 580 / 730 = 0.7945 an hour, within the catalog's 0.34-14.2416
    assert unit_warnings(scenario) == [
        "alternatives.0.usd_per_gpu_hour = 580: USD per GPU-hour; 580 reads like a monthly "
        "rent (÷ 730 hours = 0.79 an hour); the dearest the catalog holds is 14.2416 (kept as "
        "given)"
    ]


def test_a_training_rent_per_second() -> None:
    job = {
        "model": "llama-3.1-8b",
        "gpu": "h100-sxm",
        "examples": 1000,
        "tokens_per_example": 500,
        "usd_per_gpu_hour": 0.0008,  # $2.88 an hour, typed per second
    }
    scenario = build(edited(fleet_dict(), "alternatives.0.one_time.training", job))
    (line,) = unit_warnings(scenario)
    assert line.startswith(
        "alternatives.0.one_time.training.usd_per_gpu_hour = 0.0008: USD per GPU-hour; 0.0008 "
        "reads like a per-second rent (× 3,600 = 2.88)"
    )


def test_a_workload_price_is_read_with_its_alternatives() -> None:
    data = fleet_dict()
    data["alternatives"].append(
        {
            "name": "tuned api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.0,
            "output_usd_per_mtok": 8.0,
        }
    )
    data["workloads"] = [
        {
            "name": "chat",
            "traffic": data["traffic"],
            "alternatives": {"tuned api": {"cached_input_usd_per_mtok": 20.0}},
        }
    ]
    (line,) = unit_warnings(build(data))
    assert line.startswith(
        "workloads.0.alternatives.tuned api.cached_input_usd_per_mtok = 20 with "
        "input_usd_per_mtok = 2: cached input billed 10× uncached input"
    )


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_the_examples_are_silent(path: Path) -> None:
    assert unit_warnings(load_scenario(path)) == []


def test_no_catalog_price_is_warned_of() -> None:
    """The bounds hold every price the catalog holds, and are its extremes (within 2×)."""
    prices = search_api_models()
    for field, (low, high) in API_PRICE_RANGES.items():
        values = [getattr(p, field) for p in prices if getattr(p, field)]
        assert min(values) >= low / LOW_MARGIN, field
        assert max(values) <= high * HIGH_MARGIN, field
        assert low / 2 <= min(values) <= low * 2, field
        assert high / 2 <= max(values) <= high * 2, field
    ratios = [
        p.cached_input_usd_per_mtok / p.input_usd_per_mtok
        for p in prices
        if p.cached_input_usd_per_mtok and p.input_usd_per_mtok
    ]
    assert max(ratios) <= CACHE_READ_MOST
    rents = [o.usd_per_gpu_hour for gpu in default_catalog().gpus.values() for o in gpu.prices]
    assert (min(rents), max(rents)) == GPU_RENT_RANGE


def test_analyze_warns_and_keeps_the_number(tmp_path: Path) -> None:
    """Tried as a new user would: a monthly rent typed per hour is a warning, exit 0."""
    quarter = (EXAMPLES / "quarter-200k.toml").read_text(encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(quarter.replace("usd_per_gpu_hour = 0.80", "usd_per_gpu_hour = 580"))
    code, _, err = run("analyze", path, "--json")
    assert code == 0, err
    assert (
        "warning: alternatives.0.usd_per_gpu_hour = 580: USD per GPU-hour; 580 reads like a "
        "monthly rent (÷ 730 hours = 0.79 an hour)"
    ) in err
