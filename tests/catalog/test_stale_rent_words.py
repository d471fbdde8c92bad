"""The default rent names the stale offers it was chosen from: a GPU cloud's price checked
over 180 days ago still counts in the median and the range (the figures stay), but the
words say so, in ``describe()`` (analyze's source line), ``catalog gpus`` (a list under the
table) and ``--json`` (``typical_rent.stale_offers``). The H100's default read "lower
middle of 4 GPU-cloud on-demand offers, $2.95-6.16" with nebius's $2.95, checked 202 days
before, among the four and nothing said. Every case is judged on a fixed day: staleness
moves with the date, these tests do not."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from helpers import ENV
from payback.catalog import Catalog, Gpu, GpuPrice, default_catalog, gpu_rent, is_stale

TODAY = dt.date(2026, 12, 6)
OLD = dt.date(2026, 5, 18)  # 13 + 30 + 31 + 31 + 30 + 31 + 30 + 6 = 202 days before TODAY
FRESH = dt.date(2026, 11, 9)


def _price(
    provider: str, usd: float, checked: dt.date = FRESH, provider_kind: str = "gpu_cloud", **kw: Any
) -> GpuPrice:
    return GpuPrice(
        provider=provider,
        usd_per_gpu_hour=usd,
        provider_kind=provider_kind,  # type: ignore[arg-type]
        source=f"https://example.com/{provider}",
        checked=checked,
        **kw,
    )


def _gpu(*prices: GpuPrice) -> Gpu:
    return Gpu(
        id="x",
        name="X",
        memory_gb=80,
        memory_bandwidth_gb_s=3350,
        bf16_tflops=989,
        source="https://example.com/datasheet",
        checked=FRESH,
        prices=list(prices),
    )


def _h100(nebius: dt.date = OLD, runpod: dt.date = FRESH) -> Gpu:
    """The packaged H100 SXM's on-demand offers: four GPU clouds, three hyperscalers."""
    return _gpu(
        _price("lambda", 4.29),
        _price("runpod", 3.99, runpod),
        _price("coreweave", 6.16),
        _price("nebius", 2.95, nebius),
        _price("aws", 6.88, provider_kind="hyperscaler"),
        _price("gcp", 10.98, provider_kind="hyperscaler"),
        _price("azure", 12.29, provider_kind="hyperscaler"),
    )


PLAIN = (
    "lower middle of 4 GPU-cloud on-demand offers, $2.95-6.16; 7 on-demand offers in all, "
    "$2.95-12.29"
)


def test_no_stale_offer_leaves_the_words_as_they_were() -> None:
    rent = gpu_rent(_h100(nebius=FRESH))
    assert rent is not None
    assert rent.stale(TODAY) == ()
    assert rent.stale_text(TODAY) == ""
    assert rent.describe(TODAY) == PLAIN
    assert rent.to_dict(TODAY)["stale_offers"] == []


def test_a_stale_offer_among_those_counted_is_named_and_still_counts() -> None:
    rent = gpu_rent(_h100())
    assert rent is not None
    # the figures stay: the lower middle of 2.95, 3.99, 4.29, 6.16 is runpod's 3.99 (without
    # nebius's stale 2.95 it would be lambda's 4.29), the range 2.95-6.16
    assert (rent.offer.provider, rent.offer.usd_per_gpu_hour) == ("runpod", 3.99)
    assert [o.usd_per_gpu_hour for o in rent.basis] == [2.95, 3.99, 4.29, 6.16]
    assert rent.describe(TODAY) == (
        "lower middle of 4 GPU-cloud on-demand offers, $2.95-6.16 (1 stale: nebius $2.95, "
        "checked 2026-05-18); 7 on-demand offers in all, $2.95-12.29 (1 stale: the one above)"
    )
    data = rent.to_dict(TODAY)
    assert data["stale_offers"] == [
        {"provider": "nebius", "usd_per_gpu_hour": 2.95, "checked": "2026-05-18", "used": False}
    ]
    assert data["offers_stale_count"] == 1
    assert (data["usd_per_gpu_hour"], data["basis_count"], data["offers_count"]) == (3.99, 4, 7)
    assert data["description"] == rent.describe(TODAY)


def test_stale_means_over_180_days_on_the_day_given() -> None:
    rent = gpu_rent(_h100())
    assert rent is not None
    # 2026-05-18 + 180 days = 2026-11-14: not yet stale that day, stale the next
    assert rent.describe(dt.date(2026, 11, 14)) == PLAIN
    assert "(1 stale: nebius $2.95, checked 2026-05-18)" in rent.describe(dt.date(2026, 11, 15))


def test_the_chosen_offer_itself_stale_is_marked_the_one_used() -> None:
    rent = gpu_rent(_h100(nebius=FRESH, runpod=OLD))
    assert rent is not None
    assert rent.offer.provider == "runpod"
    assert rent.describe(TODAY) == (
        "lower middle of 4 GPU-cloud on-demand offers, $2.95-6.16 (1 stale: runpod $3.99, "
        "checked 2026-05-18, the one used); 7 on-demand offers in all, $2.95-12.29 (1 stale: "
        "the one above)"
    )
    assert rent.to_dict(TODAY)["stale_offers"] == [
        {"provider": "runpod", "usd_per_gpu_hour": 3.99, "checked": "2026-05-18", "used": True}
    ]


def test_two_stale_the_chosen_one_among_them() -> None:
    rent = gpu_rent(_h100(runpod=OLD))
    assert rent is not None
    assert rent.stale_text(TODAY) == (
        "2 stale: nebius $2.95, checked 2026-05-18; runpod $3.99, checked 2026-05-18, the one used"
    )


def test_the_only_offer_stale_says_its_date() -> None:
    reserved = _gpu(
        _price("lambda", 4.29), _price("neocloud", 2.35, dt.date(2026, 4, 2), kind="reserved_1y")
    )
    rent = gpu_rent(reserved, "reserved_1y")
    assert rent is not None
    # its date goes with it wherever the rent is shown (analyze: "..., checked 2026-04-02")
    assert rent.describe(TODAY) == "the only GPU-cloud reserved-1y offer, stale"
    assert rent.to_dict(TODAY)["stale_offers"] == [
        {"provider": "neocloud", "usd_per_gpu_hour": 2.35, "checked": "2026-04-02", "used": True}
    ]


def test_a_fallback_and_stale_offers() -> None:
    only_aws = gpu_rent(_gpu(_price("aws", 0.8048, OLD, provider_kind="hyperscaler")))
    assert only_aws is not None
    assert only_aws.describe(TODAY) == (
        "the only hyperscaler on-demand offer, stale (no GPU-cloud on-demand offer)"
    )
    two = gpu_rent(
        _gpu(
            _price("aws", 6.88, OLD, provider_kind="hyperscaler"),
            _price("gcp", 10.98, provider_kind="hyperscaler"),
        )
    )
    assert two is not None
    assert two.describe(TODAY) == (
        "lower middle of 2 hyperscaler on-demand offers, $6.88 and $10.98 (no GPU-cloud "
        "on-demand offer; 1 stale: aws $6.88, checked 2026-05-18, the one used)"
    )


def test_past_three_stale_offers_the_rest_are_counted() -> None:
    gpu = _gpu(*(_price(f"p{i}", 1.0 + i, OLD) for i in range(5)))
    rent = gpu_rent(gpu)
    assert rent is not None
    assert rent.offer.provider == "p2"  # the median of 1, 2, 3, 4, 5
    assert rent.describe(TODAY) == (
        "median of 5 GPU-cloud on-demand offers, $1.00-5.00 (5 stale: p0 $1.00, checked "
        "2026-05-18; "
        "p1 $2.00, checked 2026-05-18; p2 $3.00, checked 2026-05-18, the one used; 2 more)"
    )
    assert len(rent.to_dict(TODAY)["stale_offers"]) == 5  # the JSON lists them all


def test_a_stale_offer_outside_the_median_is_named_in_the_range_of_all() -> None:
    """A stale hyperscaler price is not among those the GPU clouds' median was taken over,
    but it is in the range of all offers: that range names it (it said nothing before)."""
    gpu = _gpu(_price("runpod", 3.99), _price("aws", 6.88, OLD, provider_kind="hyperscaler"))
    rent = gpu_rent(gpu)
    assert rent is not None
    assert rent.describe(TODAY) == (
        "the only GPU-cloud on-demand offer; 2 on-demand offers in all, $3.99-6.88 "
        "(1 stale: aws $6.88, checked 2026-05-18)"
    )
    data = rent.to_dict(TODAY)
    assert data["stale_offers"] == []  # none among those the median was taken over
    assert data["offers_stale_count"] == 1
    assert data["offers_stale"] == [
        {
            "provider": "aws",
            "provider_kind": "hyperscaler",
            "usd_per_gpu_hour": 6.88,
            "checked": "2026-05-18",
            "used": False,
        }
    ]


def _h200() -> Gpu:
    """The packaged H200's on-demand offers: nebius's, and every hyperscaler's, stale."""
    return _gpu(
        _price("runpod", 4.59),
        _price("nebius", 3.50, dt.date(2025, 10, 22)),
        _price("coreweave", 6.31),
        _price("aws", 7.91, dt.date(2026, 4, 27), provider_kind="hyperscaler"),
        _price("gcp", 10.85, dt.date(2026, 4, 7), provider_kind="hyperscaler"),
        _price("azure", 13.78, dt.date(2026, 4, 7), provider_kind="hyperscaler"),
    )


def test_the_range_of_all_counts_the_stale_ones_named_before_and_names_the_rest() -> None:
    rent = gpu_rent(_h200())
    assert rent is not None
    # the median of 3.50, 4.59, 6.31 is runpod's 4.59; all six run 3.50-13.78, four of them
    # stale: nebius (named with the median), aws, gcp and azure (named with the range)
    assert (rent.offer.provider, len(rent.basis), len(rent.offers)) == ("runpod", 3, 6)
    assert rent.describe(TODAY) == (
        "median of 3 GPU-cloud on-demand offers, $3.50-6.31 (1 stale: nebius $3.50, checked "
        "2025-10-22); "
        "6 on-demand offers in all, $3.50-13.78 (4 stale: the one above; aws $7.91, checked "
        "2026-04-27; gcp $10.85, checked 2026-04-07; azure $13.78, checked 2026-04-07)"
    )
    data = rent.to_dict(TODAY)
    assert len(data["stale_offers"]) == 1
    assert data["offers_stale_count"] == 4
    assert [o["provider"] for o in data["offers_stale"]] == ["nebius", "aws", "gcp", "azure"]


def test_two_named_before_are_the_2_above() -> None:
    gpu = _gpu(
        _price("tensorwave", 1.50, OLD),
        _price("vultr", 1.85, OLD),
        _price("oracle", 6.00, OLD, provider_kind="hyperscaler"),
    )
    rent = gpu_rent(gpu)
    assert rent is not None
    assert rent.in_all_text(TODAY) == (
        "3 on-demand offers in all, $1.50-6.00 (3 stale: the 2 above; oracle $6.00, checked "
        "2026-05-18)"
    )


def test_the_one_used_is_named_even_past_three() -> None:
    """Seven stale offers: the lower middle (the 4th cheapest) is named, the rest counted."""
    gpu = _gpu(*(_price(f"p{i}", 1.0 + i, OLD) for i in range(7)))
    rent = gpu_rent(gpu)
    assert rent is not None
    assert rent.offer.provider == "p3"
    assert rent.stale_text(TODAY) == (
        "7 stale: p0 $1.00, checked 2026-05-18; p1 $2.00, checked 2026-05-18; p2 $3.00, "
        "checked 2026-05-18; p3 $4.00, checked 2026-05-18, the one used; 3 more"
    )


# ------------------------------------------------------------------ catalog gpus, on a fixed day


@pytest.fixture
def fixed_day(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    from payback.cli import catalog as catalog_cli

    monkeypatch.setattr(catalog_cli, "_today", lambda: TODAY)
    return TODAY


def _invoke(*args: str, columns: int = 250) -> str:
    from typer.testing import CliRunner

    from payback.cli import app

    result = CliRunner(env={**ENV, "COLUMNS": str(columns)}).invoke(app, ["catalog", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_catalog_gpus_json_lists_the_stale_offers_of_each_typical_rent(fixed_day: dt.date) -> None:
    listed = {g["id"]: g for g in json.loads(_invoke("gpus", "--json"))}
    named = 0
    for gpu in default_catalog().gpus.values():
        rent = gpu_rent(gpu)
        typical = listed[gpu.id]["typical_rent"]
        if rent is None:
            assert typical is None
            continue
        stale = [o for o in rent.basis if is_stale(o.checked, fixed_day)]
        assert typical["stale_offers"] == [
            {
                "provider": o.provider,
                "usd_per_gpu_hour": o.usd_per_gpu_hour,
                "checked": o.checked.isoformat(),
                "used": o is rent.offer,
            }
            for o in stale
        ]
        assert typical["description"] == rent.describe(fixed_day)
        assert ("stale" in typical["description"]) is bool(stale)
        named += bool(stale)
    assert named  # the packaged catalog has such rents on that day (the H100's nebius)


def _listed(monkeypatch: pytest.MonkeyPatch) -> None:
    """``catalog gpus`` on TODAY over three GPUs: the H100 (nebius's on-demand offer stale,
    and a stale reserved-1y offer), the H200 (four of six on-demand offers stale) and one
    rented only on a marketplace, at a stale price."""
    from payback.cli import catalog as catalog_cli

    h100 = _h100().model_copy(
        update={
            "id": "h100",
            "prices": [
                *_h100().prices,
                _price("neocloud", 2.35, dt.date(2026, 4, 2), kind="reserved_1y"),
            ],
        }
    )
    market = _gpu(_price("runpod", 0.69, dt.date(2026, 2, 15), provider_kind="marketplace"))
    gpus = Catalog.of([h100, _h200().model_copy(update={"id": "h200"}), market])
    monkeypatch.setattr("payback.catalog.default_catalog", lambda: gpus)
    monkeypatch.setattr(catalog_cli, "_today", lambda: TODAY)


def test_catalog_gpus_counts_every_stale_offer_of_a_row_under_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The table marks a row stale by the offer shown; below it, each GPU says how many of
    its offers of each kind are stale (the H200's row showed runpod's fresh $4.59 and
    nothing of the four stale offers in its range)."""
    _listed(monkeypatch)
    out = _invoke("gpus", columns=500)  # a line each
    head = (
        "Stale offers (checked over 180 days ago), by GPU and pricing kind; they still count "
        "in the typical rent's median and the range:"
    )
    assert head in out
    below = {
        line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
        for line in out[out.index(head) + len(head) :].splitlines()
        if line.strip()
    }
    assert below == {
        "h100": "on-demand 1 of 7 stale; reserved-1y 1 of 1 stale (neocloud $2.35, checked "
        "2026-04-02). Typical rent: lower middle of 4 GPU-cloud on-demand offers, $2.95-6.16 "
        "(1 stale: nebius $2.95, checked 2026-05-18); 7 on-demand offers in all, $2.95-12.29 "
        "(1 stale: the one above)",
        "h200": "on-demand 4 of 6 stale. Typical rent: median of 3 GPU-cloud on-demand "
        "offers, $3.50-6.31 (1 stale: nebius $3.50, checked 2025-10-22); 6 on-demand offers in all, "
        "$3.50-13.78 (4 stale: the one above; aws $7.91, checked 2026-04-27; gcp $10.85, "
        "checked 2026-04-07; azure $13.78, checked 2026-04-07)",
        "x": "on-demand 1 of 1 stale (runpod $0.69, checked 2026-02-15, a marketplace offer)",
    }


def test_catalog_gpus_json_counts_every_stale_offer(monkeypatch: pytest.MonkeyPatch) -> None:
    _listed(monkeypatch)
    listed = {g["id"]: g for g in json.loads(_invoke("gpus", "--json"))}
    # the H100: nebius on demand and neocloud reserved; the H200: nebius, aws, gcp, azure
    assert {i: g["stale_count"] for i, g in listed.items()} == {"h100": 2, "h200": 4, "x": 1}
    h100, h200 = listed["h100"]["typical_rent"], listed["h200"]["typical_rent"]
    assert (h100["offers_count"], h100["offers_stale_count"], len(h100["stale_offers"])) == (
        7,
        1,
        1,
    )
    assert (h200["offers_count"], h200["offers_stale_count"], len(h200["stale_offers"])) == (
        6,
        4,
        1,
    )
    assert listed["x"]["typical_rent"] is None
    assert [p["stale"] for p in listed["x"]["prices"]] == [True]


def test_catalog_gpus_says_nothing_below_when_no_rent_is_stale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from payback.cli import catalog as catalog_cli

    fresh = Catalog.of([_h100(nebius=FRESH)])
    monkeypatch.setattr("payback.catalog.default_catalog", lambda: fresh)
    monkeypatch.setattr(catalog_cli, "_today", lambda: TODAY)
    out = _invoke("gpus")
    assert "$3.99 runpod" in out
    assert "stale" not in out
