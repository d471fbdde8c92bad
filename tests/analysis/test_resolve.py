"""Scenarios that name catalog ids: resolution, provenance, explicit numbers winning."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from helpers import EXAMPLES, build, fleet_dict
from payback import PaybackError, analyze, load_scenario
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, Gpu, GpuPrice, default_catalog, gpu_offer
from payback.catalog.apis import api_price
from payback.hardware.estimate import estimate_serving

CAT = default_catalog()


def ids_only() -> dict[str, Any]:
    data = fleet_dict()
    data["scenario"]["start_date"] = dt.date(2026, 12, 1)
    data["baseline"] = {"name": "gpt-4o", "kind": "hosted_api", "model": "openai:gpt-4o"}
    data["alternatives"] = [
        {
            "name": "8B on L40S",
            "kind": "self_hosted",
            "model": "llama-3.1-8b",
            "gpu": "l40s",
            "precision": "fp8",
            "one_time": {
                "data_usd": 1000.0,
                "training": {
                    "model": "llama-3.1-8b",
                    "gpu": "h100-sxm",
                    "examples": 10_000,
                    "tokens_per_example": 500,
                },
            },
        }
    ]
    return data


def test_ids_only_scenario_runs_end_to_end() -> None:
    scenario = build(ids_only())
    resolved = resolve(scenario)
    base = resolved.scenario.baseline
    price = api_price("openai:gpt-4o", at=dt.date(2026, 12, 1), input_tokens=1000)
    assert (base.input_usd_per_mtok, base.output_usd_per_mtok) == (
        price.input_usd_per_mtok,
        price.output_usd_per_mtok,
    )  # type: ignore[union-attr]
    alt = resolved.scenario.alternatives[0]
    serving = estimate_serving(
        CAT.model("llama-3.1-8b"), CAT.gpu("l40s"), "fp8", input_tokens=1000, output_tokens=200
    )
    assert alt.replica_requests_per_s == pytest.approx(serving.replica_requests_per_s)  # type: ignore[union-attr]
    assert alt.usd_per_gpu_hour == gpu_offer(CAT.gpu("l40s")).usd_per_gpu_hour  # type: ignore[union-attr, union-attr]
    assert alt.gpus_per_replica == 1  # type: ignore[union-attr]
    assert alt.one_time.training_usd > 0
    for path in (
        "baseline.input_usd_per_mtok",
        "alternatives.0.usd_per_gpu_hour",
        "alternatives.0.replica_requests_per_s",
        "alternatives.0.one_time.training_usd",
    ):
        assert path in resolved.sources, path
    assert resolved.sources["baseline.input_usd_per_mtok"].source.startswith(
        "genai-prices: openai:gpt-4o"
    )
    analysis = analyze(scenario)
    assert analysis.alternatives[0].break_even_month is not None
    assert analysis.to_dict()["sources"]["alternatives.0.replica_requests_per_s"][
        "source"
    ].startswith("estimate:")
    assert resolved.original == scenario  # the scenario as written is kept


def test_explicit_numbers_win() -> None:
    data = ids_only()
    data["baseline"]["output_usd_per_mtok"] = 99.0
    alt = data["alternatives"][0]
    alt.update(usd_per_gpu_hour=0.5, replica_requests_per_s=3.0)
    alt["one_time"]["training_usd"] = 123.0
    resolved = resolve(build(data))
    assert resolved.scenario.baseline.output_usd_per_mtok == 99.0  # type: ignore[union-attr]
    assert resolved.scenario.baseline.input_usd_per_mtok == 2.5  # type: ignore[union-attr]
    chosen = resolved.scenario.alternatives[0]
    assert (chosen.usd_per_gpu_hour, chosen.replica_requests_per_s) == (0.5, 3.0)  # type: ignore[union-attr]
    assert chosen.one_time.training_usd == 123.0
    assert "baseline.output_usd_per_mtok" not in resolved.sources
    assert "alternatives.0.replica_requests_per_s" not in resolved.sources
    assert any("training is not used: training_usd is given" in w for w in resolved.warnings)


def test_gpu_provider_picks_that_price() -> None:
    data = ids_only()
    data["alternatives"][0]["gpu_provider"] = "runpod"
    resolved = resolve(build(data))
    runpod = next(p for p in CAT.gpu("l40s").prices if p.provider == "runpod")
    assert resolved.scenario.alternatives[0].usd_per_gpu_hour == runpod.usd_per_gpu_hour  # type: ignore[union-attr]
    data["alternatives"][0]["gpu_provider"] = "lambdaa"
    with pytest.raises(
        PaybackError,
        match=r"alternatives.0.gpu_provider = 'lambdaa': unknown provider; did you mean 'lambda'\?",
    ):
        resolve(build(data))


def test_hosted_training_job_cost_by_hand() -> None:
    # 1,000 examples x 500 tokens x 3 epochs = 1.5M tokens at the offer's price per 1M.
    data = fleet_dict()
    data["alternatives"][0]["one_time"] = {
        "training": {"hosted": "openai.gpt-4o-mini", "examples": 1000, "tokens_per_example": 500},
        "training_runs": 2,
    }
    offer = CAT.finetune("openai.gpt-4o-mini")
    analysis = analyze(build(data))
    assert analysis.alternatives[0].one_time_items_usd == {
        "data": 0.0,
        "engineering": 0.0,
        "eval": 0.0,
        "training": pytest.approx(2 * 1.5 * offer.training_usd_per_mtok),
    }


def test_size_banded_offer_checks_the_model_size() -> None:
    data = fleet_dict()
    band = next(
        o for o in CAT.finetunes.values() if o.max_params_b is not None and o.max_params_b <= 20
    )
    data["alternatives"][0]["one_time"] = {
        "training": {
            "hosted": band.id,
            "model": "llama-3.1-70b",
            "examples": 10,
            "tokens_per_example": 10,
        }
    }
    with pytest.raises(
        PaybackError, match=rf"alternatives.0.one_time.training: {band.id} prices models of"
    ):
        resolve(build(data))


def test_fine_tuned_hosted_model_prices() -> None:
    data = fleet_dict()
    data["alternatives"] = [
        {"name": "tuned", "kind": "hosted_api", "fine_tuned": "openai.gpt-4.1-mini"}
    ]
    offer = CAT.finetune("openai.gpt-4.1-mini")
    alt = resolve(build(data)).scenario.alternatives[0]
    assert alt.input_usd_per_mtok == offer.input_usd_per_mtok  # type: ignore[union-attr]
    assert alt.output_usd_per_mtok == offer.output_usd_per_mtok  # type: ignore[union-attr]


def test_batch_share_uses_the_providers_discount() -> None:
    # Half the requests through the batch API at 50% off: 25% off the whole bill.
    data = ids_only()
    plain = analyze(build(data)).baseline.monthly_cost_usd[0]
    data["baseline"]["batch_share"] = 0.5
    resolved = resolve(build(data))
    assert resolved.scenario.baseline.batch_discount == 0.5  # type: ignore[union-attr]
    batched = analyze(resolved).baseline.monthly_cost_usd[0]
    assert batched == pytest.approx(0.75 * plain)


def test_batch_requests_pay_the_providers_cache_read_rate() -> None:
    # examples/catalog-ids.toml: gpt-4o, 1e6 requests of 1,200 input (30% cached) and 250
    # output tokens. Standard: 1200 x (0.7 x 2.50 + 0.3 x 1.25) + 250 x 10 = $5,050 a
    # month; genai-prices' batch price takes half off input and output but keeps the cache
    # read at $1.25: 1200 x (0.7 x 1.25 + 0.3 x 1.25) + 250 x 5 = $2,750. A fifth by batch:
    # 0.8 x 5,050 + 0.2 x 2,750 = $4,590 (halving the cache read too gave $4,545).
    resolved = resolve(load_scenario(EXAMPLES / "catalog-ids.toml"))
    assert resolved.scenario.baseline.batch_share == 0.2  # type: ignore[union-attr]
    assert resolved.scenario.baseline.cached_input_batch_discount == 0.0  # type: ignore[union-attr]
    assert "baseline.cached_input_batch_discount" in resolved.sources
    assert analyze(resolved).baseline.monthly_cost_usd[0] == pytest.approx(4590.0)


def test_typed_in_prices_take_the_batch_discount_off_uncached_input_and_output() -> None:
    # 1e6 requests of 1,000 input (40% cached at $1.25) and 300 output tokens at $2.50 and
    # $10, half by batch at 50% off: 600 x 2.5 x 0.75 + 400 x 1.25 + 300 x 10 x 0.75 =
    # $3,875; with cached_input_batch_discount = 0.5 as well: 0.75 x $5,000 = $3,750.
    data = fleet_dict()
    data["traffic"].update(input_tokens=1000, output_tokens=300, cached_input_share=0.4)
    data["traffic"]["requests_per_month"] = 1e6
    data["baseline"].update(cached_input_usd_per_mtok=1.25, batch_share=0.5, batch_discount=0.5)
    assert analyze(build(data)).baseline.monthly_cost_usd[0] == pytest.approx(3875.0)
    data["baseline"]["cached_input_batch_discount"] = 0.5
    assert analyze(build(data)).baseline.monthly_cost_usd[0] == pytest.approx(3750.0)
    del data["baseline"]["cached_input_usd_per_mtok"]  # cached tokens billed as input
    del data["baseline"]["cached_input_batch_discount"]
    # 1000 x 2.5 x 0.75 + 300 x 10 x 0.75 = $4,125
    assert analyze(build(data)).baseline.monthly_cost_usd[0] == pytest.approx(4125.0)


def test_batch_share_without_a_known_discount_asks_for_one() -> None:
    data = fleet_dict()
    data["baseline"]["batch_share"] = 0.5
    with pytest.raises(
        PaybackError, match=r"baseline\.batch_discount: required with batch_share > 0"
    ):
        resolve(build(data))
    data["baseline"]["batch_discount"] = 0.5
    assert analyze(build(data)).baseline.monthly_cost_usd[0] == pytest.approx(
        0.75 * 2_628_000 * 0.0045
    )


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            "baseline.model",
            "openai:gpt-4x",
            "baseline.model: unknown API model 'openai:gpt-4x'; did you mean openai:gpt-4, openai:gpt-4o",
        ),
        (
            "alternatives.0.gpu",
            "h100",
            "alternatives.0.gpu: unknown GPU 'h100'; did you mean h100-sxm",
        ),
        ("alternatives.0.model", "llama-8b", "alternatives.0.model: unknown model 'llama-8b'"),
        (
            "alternatives.0.precision",
            "fp4",
            "alternatives.0.precision = 'fp4': did you mean 'mxfp4'",
        ),
    ],
)
def test_unknown_ids_name_the_field(path: str, value: str, message: str) -> None:
    data = ids_only()
    owner, field = path.rsplit(".", 1)
    node: Any = data
    for part in owner.split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    node[field] = value
    with pytest.raises(PaybackError, match=message.replace("(", r"\(").replace(")", r"\)")):
        analyze(build(data))


def test_impossible_serving_configuration_names_the_option() -> None:
    data = ids_only()
    data["alternatives"][0].update(
        model="llama-3.1-70b", gpu="l4", precision="bf16", gpus_per_replica=1
    )
    with pytest.raises(PaybackError) as caught:
        analyze(build(data))
    # the field that chose the too-small replica, as the file writes it
    assert caught.value.messages[0].startswith(
        "alternatives.0.gpus_per_replica = 1: llama-3.1-70b at bf16 has 141 GB of weights"
    )


def test_stale_prices_are_flagged() -> None:
    old = dt.date(2025, 1, 1)
    gpu = Gpu(
        id="old",
        name="old",
        memory_gb=80,
        memory_bandwidth_gb_s=2000,
        bf16_tflops=300,
        source="inline test",
        checked=old,
        prices=[GpuPrice(provider="xy", usd_per_gpu_hour=2.0, source="inline price", checked=old)],
    )
    catalog = Catalog.of(gpus=[gpu])
    data = fleet_dict(gpu="old")
    del data["alternatives"][0]["usd_per_gpu_hour"]
    resolved = resolve(build(data), catalog, today=dt.date(2026, 11, 28))
    assert resolved.scenario.alternatives[0].usd_per_gpu_hour == 2.0  # type: ignore[union-attr]
    assert resolved.warnings == [
        "alternatives.0.usd_per_gpu_hour = 2 (catalog: old at xy (the only GPU-cloud on-demand offer, stale)) was checked 2025-01-01: stale, 696 days ago (over 180); check it before deciding"
    ]
    fresh = resolve(build(data), catalog, today=dt.date(2025, 3, 1))
    assert fresh.warnings == []


def test_the_readme_shows_lines_of_the_catalog_ids_example() -> None:
    # the README's excerpt of examples/catalog-ids.toml: each setting it shows is in the
    # file (it showed batch_share = 0.2, which the file lacked)
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("[`examples/catalog-ids.toml`](examples/catalog-ids.toml) uses")
    excerpt = readme[readme.index("```toml", start) : readme.index("```\n", start + 1)]
    settings = {
        " ".join(line.split("#")[0].split())
        for line in excerpt.splitlines()[1:]
        if re.match(r"\w+ = ", line)
    }
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    in_file = {" ".join(line.split("#")[0].split()) for line in text.splitlines()}
    assert "batch_share = 0.2" in settings
    assert settings - in_file == set()


def test_catalog_ids_example_derives_every_number() -> None:
    resolved = resolve(load_scenario(EXAMPLES / "catalog-ids.toml"))
    for path in (
        "baseline.input_usd_per_mtok",
        "alternatives.0.replica_requests_per_s",
        "alternatives.0.usd_per_gpu_hour",
        "alternatives.0.one_time.training_usd",
        "alternatives.1.input_usd_per_mtok",
        "alternatives.1.one_time.training_usd",
    ):
        assert path in resolved.sources


def test_the_rents_words_judge_staleness_on_the_analysis_day() -> None:
    """A library call's day (``resolve(..., today=X)``) decides which offers the default
    rent's text calls stale, as it decides the warnings: it was judged on the real date."""
    checked = dt.date(2026, 11, 1)
    prices = [
        GpuPrice(provider=p, usd_per_gpu_hour=v, source="inline price", checked=checked)
        for p, v in (("xy", 2.0), ("zw", 3.0), ("uv", 4.0))
    ]
    gpu = Gpu(
        id="g",
        name="g",
        memory_gb=80,
        memory_bandwidth_gb_s=2000,
        bf16_tflops=300,
        source="inline test",
        checked=checked,
        prices=prices,
    )
    data = fleet_dict(gpu="g")
    del data["alternatives"][0]["usd_per_gpu_hour"]
    path = "alternatives.0.usd_per_gpu_hour"
    for today, stale in ((dt.date(2026, 11, 2), 0), (dt.date(2027, 6, 1), 3)):
        resolved = resolve(build(data), Catalog.of(gpus=[gpu]), today=today)
        text = resolved.sources[path].source
        assert ("3 stale:" in text) == bool(stale), text
        assert len(resolved.details[path].get("stale_offers", [])) == stale


def test_batch_share_before_the_batch_rates_date_says_when_it_is_known() -> None:
    # genai-prices' snapshot bundles OpenAI's batch rates from 2026-10-14 on (gpt-4o: 50%
    # off); a scenario starting 2026-06-01 read "no batch discount is known for
    # openai:gpt-4o" while `catalog apis` showed "batch 50% off"
    data = ids_only()
    data["scenario"]["start_date"] = dt.date(2026, 6, 1)
    data["baseline"]["batch_share"] = 0.2
    with pytest.raises(PaybackError) as caught:
        resolve(build(data))
    assert caught.value.messages == [
        "baseline.batch_discount: required with batch_share > 0: openai:gpt-4o's batch "
        "discount (50% off) is known only from 2026-10-14, and the scenario starts "
        "2026-06-01; give batch_discount (0.5 is half price) or a scenario.start_date from "
        "2026-10-14 on"
    ]
    data["scenario"]["start_date"] = dt.date(2026, 10, 14)
    assert resolve(build(data)).scenario.baseline.batch_discount == 0.5  # type: ignore[union-attr]


def test_a_price_without_batch_requests_says_nothing_of_the_batch_rate() -> None:
    """Before 2026-10-14 the snapshot's gpt-4o has no batch rate; a baseline sending none
    through the batch API read "(batch rate given only from 2026-10-14, not on
    2026-06-01)" beside each of its prices, as if it used one (tried as a new user would)."""
    data = ids_only()
    data["scenario"]["start_date"] = dt.date(2026, 6, 1)
    data["baseline"].pop("batch_share", None)
    source = resolve(build(data)).sources["baseline.input_usd_per_mtok"].source
    assert source == (
        "genai-prices: openai:gpt-4o as listed when checked (undated: not known to hold on "
        "2026-06-01)"
    )
    assert "batch" not in source
