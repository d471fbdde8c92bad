"""analyze's sources say a stale price the same way whichever catalog it comes from: a GPU
rent chosen by provider (its own offer marked, the range of all offers with its stale
ones), a hosted fine-tuning price (tuned model's tokens and its training job). One rule:
over 180 days before the analysis day. Every case is judged on a fixed day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from helpers import build, fleet_dict
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, Gpu, GpuPrice, HostedFineTune

TODAY = dt.date(2026, 12, 6)
OLD = dt.date(2026, 5, 18)  # 202 days before TODAY
FRESH = dt.date(2026, 11, 9)
PATH = "alternatives.0.usd_per_gpu_hour"


def _price(
    provider: str, usd: float, checked: dt.date = FRESH, kind: str = "gpu_cloud"
) -> GpuPrice:
    return GpuPrice(
        provider=provider,
        usd_per_gpu_hour=usd,
        provider_kind=kind,  # type: ignore[arg-type]
        source=f"https://example.com/{provider}",
        checked=checked,
    )


def _catalog(finetunes: tuple[HostedFineTune, ...] = ()) -> Catalog:
    """One GPU, the packaged H100 SXM's on-demand offers with nebius's stale."""
    gpu = Gpu(
        id="x",
        name="X",
        memory_gb=80,
        memory_bandwidth_gb_s=3350,
        bf16_tflops=989,
        source="https://example.com/datasheet",
        checked=FRESH,
        prices=[
            _price("lambda", 4.29),
            _price("runpod", 3.99),
            _price("coreweave", 6.16),
            _price("nebius", 2.95, OLD),
            _price("aws", 6.88, kind="hyperscaler"),
            _price("gcp", 10.98, kind="hyperscaler"),
            _price("azure", 12.29, kind="hyperscaler"),
        ],
    )
    return Catalog.of([gpu], finetunes=finetunes)


def _rented(**alternative: Any) -> Any:
    data = fleet_dict(gpu="x", replica_requests_per_s=5.0, **alternative)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    return resolve(build(data), _catalog(), TODAY)


def test_a_provider_named_fresh_the_range_of_all_names_the_stale_one() -> None:
    resolved = _rented(gpu_provider="runpod")
    source = resolved.sources[PATH]
    assert source.value == 3.99
    assert source.source == (
        "catalog: x at runpod (runpod's on-demand price; 7 on-demand offers in all, "
        "$2.95-12.29 (1 stale: nebius $2.95, checked 2026-05-18))"
    )
    assert [w for w in resolved.warnings if w.startswith(PATH)] == []
    detail = resolved.details[PATH]
    assert (detail["offers_count"], detail["offers_stale_count"]) == (7, 1)
    assert detail["description"] in source.source


def test_a_provider_named_stale_is_marked_and_counted_in_the_range() -> None:
    resolved = _rented(gpu_provider="nebius")
    source = resolved.sources[PATH]
    assert source.value == 2.95
    assert source.source == (
        "catalog: x at nebius (nebius's on-demand price, stale; 7 on-demand offers in all, "
        "$2.95-12.29 (1 stale: the one above))"
    )
    (warned,) = [w for w in resolved.warnings if w.startswith(PATH)]
    assert "was checked 2026-05-18: stale, 202 days ago (over 180)" in warned
    detail = resolved.details[PATH]
    # the JSON marks the offer used as the one named, not the GPU clouds' median
    assert [(o["provider"], o["used"]) for o in detail["offers_stale"]] == [("nebius", True)]
    assert detail["description"] in source.source


def test_the_default_rent_sources_say_the_range_of_all_with_its_stale_one() -> None:
    source = _rented().sources[PATH]
    assert source.value == 3.99
    assert source.source.endswith(
        "7 on-demand offers in all, $2.95-12.29 (1 stale: the one above))"
    )


def _finetune(checked: dt.date) -> HostedFineTune:
    return HostedFineTune(
        id="acme.small",
        provider="acme",
        training_usd_per_mtok=2.0,
        input_usd_per_mtok=0.5,
        output_usd_per_mtok=1.5,
        source="https://example.com/acme",
        checked=checked,
    )


def _tuned(checked: dt.date) -> Any:
    data = fleet_dict()
    data["alternatives"] = [
        {
            "name": "tuned",
            "kind": "hosted_api",
            "fine_tuned": "acme.small",
            "one_time": {
                "training": {"hosted": "acme.small", "examples": 1000, "tokens_per_example": 500}
            },
        }
    ]
    return resolve(build(data), _catalog((_finetune(checked),)), TODAY)


def test_a_stale_fine_tuning_price_says_stale_in_its_source_as_a_gpu_rent_does() -> None:
    resolved = _tuned(OLD)
    prices = resolved.sources["alternatives.0.input_usd_per_mtok"]
    assert (prices.value, prices.source) == (0.5, "catalog: fine-tuned acme.small, stale")
    training = resolved.sources["alternatives.0.one_time.training_usd"]
    # 1,000 examples x 500 tokens x 3 epochs (the default) = 1.5M tokens at $2/M = $3
    assert training.value == 3.0
    assert training.source == "catalog: acme.small fine-tuning, 1.5M tokens at $2/M, stale"
    warned = [w for w in resolved.warnings if "stale" in w]
    assert len(warned) == 3  # input, output, training: each warned once
    assert all("was checked 2026-05-18: stale, 202 days ago" in w for w in warned)


def test_a_fresh_fine_tuning_price_says_nothing_of_staleness() -> None:
    resolved = _tuned(FRESH)
    assert resolved.sources["alternatives.0.input_usd_per_mtok"].source == (
        "catalog: fine-tuned acme.small"
    )
    assert not any("stale" in s.source for s in resolved.sources.values())
    assert not [w for w in resolved.warnings if "stale" in w]


def test_the_day_decides_a_fine_tuning_price_as_it_does_a_gpu_rent() -> None:
    """180 days after 2026-05-18 is 2026-11-14: not yet stale that day, stale the next."""
    data = fleet_dict()
    data["alternatives"] = [{"name": "tuned", "kind": "hosted_api", "fine_tuned": "acme.small"}]
    catalog = _catalog((_finetune(OLD),))
    on = {
        day: resolve(build(data), catalog, day)
        for day in (dt.date(2026, 11, 14), dt.date(2026, 11, 15))
    }
    path = "alternatives.0.input_usd_per_mtok"
    assert on[dt.date(2026, 11, 14)].sources[path].source == "catalog: fine-tuned acme.small"
    assert on[dt.date(2026, 11, 15)].sources[path].source == "catalog: fine-tuned acme.small, stale"
