"""recommend prices every configuration with the rent analyze would charge for it.

A scenario chooses the rent with ``gpu_price`` (a provider kind: serverless platforms bill
busy seconds at their own ``serverless`` price kind) or ``gpu_provider``; the search must
read the same offer, warn about that offer's age, and say how it priced the fleet.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pytest

from helpers import build, build_data
from payback.analysis.cashflows import evaluate
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, Gpu, GpuPrice, default_catalog, gpu_offers
from payback.report.recommend import recommendation_renderables
from payback.studies.recommend import recommend
from payback.studies.rewrite import apply_winner


def _rented(**alternative: Any) -> dict[str, Any]:
    """The search scenario with no rent or capacity given: the catalog prices each GPU."""
    data = build_data(3e6, **alternative)
    for key in ("usd_per_gpu_hour", "replica_requests_per_s"):
        del data["alternatives"][0][key]
    return data


def _analyzed_gpu_cost(data: dict[str, Any]) -> float:
    """The average monthly GPU cost analyze charges for the scenario ``data``."""
    gpus = evaluate(resolve(build(data))).alternatives[0].costs.components["gpus"]
    return float(np.mean(gpus))


def test_serverless_rent_prices_the_search_as_analyze_prices_it() -> None:
    """gpu_price = "serverless" is a price kind of its own (per-second billing): analyze
    pays a serverless platform's rate for it, so the search must compare the GPUs that
    platforms rent, at that rate; it compared on-demand offers of serverless platforms,
    of which there are none, and left every configuration out."""
    data = _rented(gpu_price="serverless", always_on=False)
    result = recommend(build(data))
    best = result.best
    assert best is not None, result.no_best_reason
    catalog = default_catalog()
    rented = {g.id for g in catalog.gpus.values() if gpu_offers(g, "serverless")}
    assert {c.gpu for c in result.candidates} <= rented
    assert len({c.gpu for c in result.candidates}) >= 2
    for c in result.candidates:
        offers = gpu_offers(catalog.gpu(c.gpu), "serverless")
        assert c.usd_per_gpu_hour == offers[(len(offers) - 1) // 2].usd_per_gpu_hour
    applied = copy.deepcopy(data)
    apply_winner(applied, 0, best, build(data).alternatives[0])  # type: ignore[arg-type]
    resolved = resolve(build(applied)).scenario.alternatives[0]
    assert resolved.usd_per_gpu_hour == best.usd_per_gpu_hour  # type: ignore[union-attr]
    assert _analyzed_gpu_cost(applied) == pytest.approx(best.monthly_cost_usd, rel=1e-9)


def test_the_header_says_a_serverless_search_pays_serverless_rent() -> None:
    from rich.console import Console

    result = recommend(build(_rented(gpu_price="serverless", always_on=False)))
    console = Console(width=200, record=True, color_system=None)
    console.print(recommendation_renderables(result))
    text = console.export_text()
    assert "priced as serverless rent" in text
    assert "on-demand" not in text.split("\n")[0]


def _two_kinds(cloud_checked: dt.date, hyperscaler_checked: dt.date) -> Catalog:
    """One GPU rented by a GPU cloud and by a hyperscaler, each offer checked on its day."""
    base = default_catalog().gpu("l40s")
    prices = [
        GpuPrice(
            provider="cloudco",
            usd_per_gpu_hour=1.0,
            source="https://example.com/cloud",
            checked=cloud_checked,
        ),
        GpuPrice(
            provider="hyperco",
            provider_kind="hyperscaler",
            usd_per_gpu_hour=2.0,
            source="https://example.com/hyper",
            checked=hyperscaler_checked,
        ),
    ]
    gpu = Gpu.model_validate({**base.model_dump(), "prices": [p.model_dump() for p in prices]})
    return Catalog.of([gpu], [default_catalog().model("qwen2.5-7b")])


@pytest.mark.parametrize(
    ("price", "stale_provider"),
    [("hyperscaler", "hyperco"), (None, "cloudco")],
)
def test_the_stale_warning_is_about_the_offer_the_search_priced(
    price: str | None, stale_provider: str
) -> None:
    """The winner's rent is warned of when the offer it was priced at is stale, as analyze
    warns of it; the search looked at the GPU cloud's offer whatever gpu_price chose."""
    old, new = dt.date.today() - dt.timedelta(days=400), dt.date.today()
    fresh_hyperscaler = _two_kinds(cloud_checked=old, hyperscaler_checked=new)
    fresh_cloud = _two_kinds(cloud_checked=new, hyperscaler_checked=old)
    extra = {} if price is None else {"gpu_price": price}
    scenario = build(_rented(**extra))
    for catalog in (fresh_hyperscaler, fresh_cloud):
        result = recommend(scenario, catalog=catalog)
        assert result.best is not None
        warned = [w for w in result.warnings if "the winner's rent" in w]
        charged = resolve(
            build(_rented(gpu="l40s", **extra)), catalog=catalog
        ).scenario.alternatives[0]
        assert result.best.usd_per_gpu_hour == charged.usd_per_gpu_hour  # type: ignore[union-attr]
        offer = next(p for p in catalog.gpu("l40s").prices if p.provider == stale_provider)
        if offer.checked == old:
            assert len(warned) == 1, result.warnings
            assert f"from {stale_provider}, checked {old}; stale, 400 days ago" in warned[0]
        else:
            assert warned == [], warned


VARIANTS: dict[str, dict[str, Any]] = {
    "on demand": {},
    "scaled to zero": {"always_on": False},
    "1-year commitment": {"commitment": "1y"},
    "hyperscaler rent": {"gpu_price": "hyperscaler"},
    "marketplace rent": {"gpu_price": "marketplace"},
    "serverless rent": {"gpu_price": "serverless", "always_on": False},
    "one provider": {"gpu_provider": "lambda"},
    "escalation and a floor": {"escalation_share": 0.2, "min_replicas": 3},
    "latency targets": {"tpot_ms": 30.0, "ttft_ms": 300.0},
    "sglang": {"engine": "sglang", "tpot_ms": 25.0},
    "lean engine": {"engine": "lean"},
    "half utilisation": {"target_utilization": 0.5},
    "owned, depreciated": {
        "gpu": "h100-sxm",
        "owned": {"usd_per_server": 250_000.0, "gpus_per_server": 8, "financing": "depreciation"},
    },
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("model", ["qwen2.5-7b", "llama-3.1-70b"])
def test_the_applied_winner_costs_in_analyze_what_recommend_printed(
    variant: str, model: str
) -> None:
    """For each way a scenario prices and sizes a fleet, the winner written back gives, in
    analyze, the rent, the capacity, the month-1 fleet and the average monthly fleet cost
    recommend printed for it."""
    data = _rented(model=model, **copy.deepcopy(VARIANTS[variant]))
    data["traffic"]["requests_per_month"] = 2e7
    scenario = build(data)
    result = recommend(scenario)
    best = result.best
    assert best is not None, result.no_best_reason
    applied = copy.deepcopy(data)
    apply_winner(applied, 0, best, scenario.alternatives[0])  # type: ignore[arg-type]
    resolved = resolve(build(applied))
    option = resolved.scenario.alternatives[0]
    assert option.replica_requests_per_s == pytest.approx(best.replica_requests_per_s, rel=1e-12)  # type: ignore[union-attr]
    assert option.usd_per_gpu_hour == best.usd_per_gpu_hour  # type: ignore[union-attr]
    analyzed = evaluate(resolved).alternatives[0]
    fleet = sum(
        np.asarray(v)
        for k, v in analyzed.costs.components.items()
        if k in ("gpus", "hardware", "facility")
    )
    assert float(np.mean(fleet)) == pytest.approx(best.monthly_cost_usd, rel=1e-9)
    if option.always_on:  # type: ignore[union-attr]
        assert analyzed.costs.gpus is not None
        assert float(np.ravel(analyzed.costs.gpus)[0]) == best.replicas * best.gpus_per_replica
