"""Prices typed in a unit other than the field's: a per-token price in a per-million field
(``input_usd_per_mtok = 0.000003``), a cached input price dearer than the uncached one, a
monthly rent in a per-hour field (``usd_per_gpu_hour = 580``). Each is warned of, naming the
field, the value and the likely mistake; the number is kept as given (a price can be odd
and right).

The bounds come from the catalog's own ranges, with a wide margin: a price below 1/100 of
the cheapest the catalog holds, or above 10× the dearest, is warned of. The ranges are
written here (the cost checks run without loading the price snapshot);
tests/scenario/test_unit_warnings.py checks them against the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from payback.scenario.schema import Scenario

__all__ = [
    "API_PRICE_RANGES",
    "CACHE_READ_MOST",
    "GPU_RENT_RANGE",
    "HIGH_MARGIN",
    "LOW_MARGIN",
    "unit_warnings",
]

LOW_MARGIN = 100.0
"""A price below the catalog's cheapest / this is warned of."""
HIGH_MARGIN = 10.0
"""A price above the catalog's dearest × this is warned of."""

API_PRICE_RANGES: dict[str, tuple[float, float]] = {
    # genai-prices' snapshot (payback.catalog.apis.search_api_models, base tier):
    # cheapest openrouter:~deepseek/deepseek-v4-flash-latest, dearest openai:o1-pro
    "input_usd_per_mtok": (0.00688, 150.0),
    # cheapest cache read of the snapshot at 0.0011, dearest at 37.5 (a $75 input's)
    "cached_input_usd_per_mtok": (0.0011, 37.5),
    # cheapest openrouter:lfm-7b, dearest openai:o1-pro
    "output_usd_per_mtok": (0.01, 600.0),
}
"""The cheapest and dearest token price [USD per million tokens] of each field that the
genai-prices snapshot holds (every token-priced model, base tier)."""

CACHE_READ_MOST = 1.03
"""The most a cache read costs over the same model's uncached input in the genai-prices
snapshot (openrouter:~deepseek/deepseek-pro-latest: 0.23 against 0.225, 1.022×; every other
model bills a cache read at a discount), rounded up: a typed cached input price dearer
than this over the typed input price is warned of."""

GPU_RENT_RANGE = (0.34, 14.2416)
"""The cheapest and dearest rent [USD per GPU-hour] of the GPU catalog
(catalog/data/gpus.toml: an RTX 4090 at runpod, a B200 at aws)."""

_HOURS_PER_MONTH = 730.0


def _within(x: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= x <= bounds[1]


def _token_price_line(where: str, value: float, bounds: tuple[float, float]) -> str | None:
    """The line for one token price outside the catalog's range with the margin."""
    low, high = bounds
    unit = "USD per million tokens"
    if 0 < value < low / LOW_MARGIN:
        if _within(value * 1e6, bounds):
            guess = f"reads like a per-token price (× 1,000,000 = {value * 1e6:,.6g})"
        else:
            guess = "is far below any price"
        return (
            f"{where} = {value:g}: {unit}; {value:g} {guess}; the cheapest the catalog "
            f"holds is {low:g} (kept as given)"
        )
    if value > high * HIGH_MARGIN:
        guess = (
            f"reads like a price per billion tokens (÷ 1,000 = {value / 1e3:,.6g})"
            if _within(value / 1e3, bounds)
            else "is far above any price"
        )
        return (
            f"{where} = {value:g}: {unit}; {value:g} {guess}; the dearest the catalog "
            f"holds is {high:g} (kept as given)"
        )
    return None


def _cache_line(where: str, cached: float | None, uncached: float | None) -> str | None:
    """The line for a cached input price dearer than the uncached one it goes with."""
    if cached is None or not uncached or cached <= uncached * CACHE_READ_MOST:
        return None
    return (
        f"{where}.cached_input_usd_per_mtok = {cached:g} with input_usd_per_mtok = "
        f"{uncached:g}: cached input billed {cached / uncached:.3g}× uncached input; a cache "
        f"read costs less than uncached input at every provider the catalog holds (at most "
        f"{CACHE_READ_MOST:g}×): is it a cache-write or output price, or a decimal point "
        "out of place? (kept as given)"
    )


def _rent_line(where: str, value: float | None) -> str | None:
    """The line for a GPU rent outside the catalog's range with the margin."""
    low, high = GPU_RENT_RANGE
    if value is None:
        return None
    head = f"{where} = {value:g}: USD per GPU-hour; {value:g}"
    if 0 < value < low / LOW_MARGIN:
        for per, hours in (("second", 3600), ("minute", 60)):
            if _within(value * hours, GPU_RENT_RANGE):
                return (
                    f"{head} reads like a per-{per} rent (× {hours:,} = {value * hours:.2f}); "
                    f"the cheapest the catalog holds is {low:g} an hour (kept as given)"
                )
        return f"{head} is far below any rent; the cheapest the catalog holds is {low:g} (kept as given)"
    if value > high * HIGH_MARGIN:
        monthly = value / _HOURS_PER_MONTH
        guess = (
            f"reads like a monthly rent (÷ {_HOURS_PER_MONTH:g} hours = {monthly:.2f} an hour)"
            if _within(monthly, GPU_RENT_RANGE)
            else "is far above any rent"
        )
        return f"{head} {guess}; the dearest the catalog holds is {high:g} (kept as given)"
    return None


def _priced_tables(scenario: Scenario) -> Iterator[tuple[str, Any, Any]]:
    """Each table that may type token prices, by path, with the table whose uncached input
    price its cached one goes with when it types none (a workload's terms: the
    alternative)."""
    for path, option in scenario.options():
        yield path, option, None
    for j, workload in enumerate(scenario.workloads or []):
        if workload.baseline is not None:
            yield f"workloads.{j}.baseline", workload.baseline, None
        by_name = {alt.name: alt for alt in scenario.alternatives}
        for name, terms in workload.alternatives.items():
            yield f"workloads.{j}.alternatives.{name}", terms, by_name.get(name)


def _rented(scenario: Scenario) -> Iterator[tuple[str, Any]]:
    """Each typed GPU rent, by path: a self-hosted option's and each training job's."""
    for path, option in scenario.options():
        yield f"{path}.usd_per_gpu_hour", getattr(option, "usd_per_gpu_hour", None)
        job = option.one_time.training
        if job is not None:
            yield f"{path}.one_time.training.usd_per_gpu_hour", job.usd_per_gpu_hour
    for j, workload in enumerate(scenario.workloads or []):
        job = workload.one_time.training
        if job is not None:
            yield f"workloads.{j}.one_time.training.usd_per_gpu_hour", job.usd_per_gpu_hour


_UNDER_ONE = {
    "requests_per_month": "under one request a month",
    "input_tokens": "under one token a request",
    "output_tokens": "under one token a request",
}
"""A traffic figure above 0 and under 1 (1e-300 requests a month was answered in full,
tried as a new user would): the words for what it means."""


def _traffic_lines(scenario: Scenario) -> Iterator[str]:
    """One line per traffic figure between 0 and 1: each workload's, or ``[traffic]``'s in a
    file without workloads (with them, ``[traffic]`` repeats the first one's)."""
    workloads = scenario.workloads or []
    tables = [(f"workloads.{j}.traffic", w.traffic) for j, w in enumerate(workloads)] or [
        ("traffic", scenario.traffic)
    ]
    for path, traffic in tables:
        for field, words in _UNDER_ONE.items():
            value = getattr(traffic, field, None)
            if value is not None and 0 < value < 1:
                yield f"{path}.{field} = {value:g}: {words}; is a unit off? (kept as given)"


def unit_warnings(scenario: Scenario) -> list[str]:
    """One line per typed price that reads as typed in another unit, and per traffic figure
    between 0 and 1 (:func:`_traffic_lines`): a token price below
    1/:data:`LOW_MARGIN` of the catalog's cheapest or above :data:`HIGH_MARGIN` × its
    dearest (:data:`API_PRICE_RANGES`), a cached input price above :data:`CACHE_READ_MOST`
    × the uncached one, a GPU rent outside :data:`GPU_RENT_RANGE` by the same margins."""
    out: list[str] = []
    for path, table, fallback in _priced_tables(scenario):
        for field, bounds in API_PRICE_RANGES.items():
            value = getattr(table, field, None)
            if value is not None and (line := _token_price_line(f"{path}.{field}", value, bounds)):
                out.append(line)
        uncached = getattr(table, "input_usd_per_mtok", None)
        if uncached is None and fallback is not None:
            uncached = getattr(fallback, "input_usd_per_mtok", None)
        bounds = API_PRICE_RANGES["input_usd_per_mtok"]
        if uncached is not None and _token_price_line("", uncached, bounds) is not None:
            continue  # an uncached price in another unit: told above, no ratio to read
        cached = getattr(table, "cached_input_usd_per_mtok", None)
        if (line := _cache_line(path, cached, uncached)) is not None:
            out.append(line)
    for where, value in _rented(scenario):
        if (line := _rent_line(where, value)) is not None:
            out.append(line)
    return [*out, *_traffic_lines(scenario)]
