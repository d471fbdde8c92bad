"""The day rents are judged stale on is UTC's, as API prices' is (tried as a new user
would: under TZ=Pacific/Kiritimati a rent was a day older than under UTC, and a GPU
rent and an API price checked the same day could be judged on different days); and a
median of an odd count of offers says their range, as a lower middle of an even one does."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from payback.catalog import Gpu, GpuPrice, gpu_rent
from payback.catalog import _today as rent_day
from payback.catalog.apis import _today as api_day

DAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_day_is_utc_whatever_the_local_zone(zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """UTC+14 and UTC-11: at any hour one of them is on another date than UTC."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        before = dt.datetime.now(dt.UTC).date()
        day, api = rent_day(), api_day()
        after = dt.datetime.now(dt.UTC).date()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert day in (before, after)
    assert day == api
    assert os.environ.get("TZ") != zone


def _price(provider: str, usd: float) -> GpuPrice:
    return GpuPrice(
        provider=provider, usd_per_gpu_hour=usd, source="inline test price", checked=DAY
    )


def test_a_median_of_three_says_their_range() -> None:
    gpu = Gpu(
        id="x",
        name="x",
        memory_gb=80,
        memory_bandwidth_gb_s=2000,
        bf16_tflops=300,
        source="inline test record",
        checked=DAY,
        prices=[_price("aa", 3.5), _price("bb", 4.59), _price("cc", 6.3125)],
    )
    rent = gpu_rent(gpu)
    assert rent is not None
    assert rent.offer.usd_per_gpu_hour == 4.59
    assert rent.describe(DAY) == "median of 3 GPU-cloud on-demand offers, $3.50-6.3125"
