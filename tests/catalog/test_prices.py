"""GPU rents by provider kind: the default (median of GPU clouds' on-demand offers), the
choice of another kind or provider, counts that agree everywhere, and one stale rule."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from helpers import ENV, QUARTER, assert_user_error, check_golden, run
from payback import PaybackError
from payback.analysis.resolve import resolve
from payback.catalog import (
    PROVIDER_KINDS,
    STALE_AFTER_DAYS,
    Catalog,
    Gpu,
    GpuPrice,
    default_catalog,
    gpu_offer,
    gpu_offers,
    gpu_rent,
    is_stale,
    marketplace_only,
    near_ids,
    rent_range,
    typical_gpu_price,
)
from payback.scenario import load_scenario, parse_scenario

DAY = dt.date(2026, 1, 1)
FRESH = DAY + dt.timedelta(days=30)
"""A day the test prices are not stale on: their words name no stale offer."""


def _price(provider: str, usd: float, provider_kind: str = "gpu_cloud", **kw: Any) -> GpuPrice:
    return GpuPrice(
        provider=provider,
        usd_per_gpu_hour=usd,
        provider_kind=provider_kind,  # type: ignore[arg-type]
        source="inline test price",
        checked=DAY,
        **kw,
    )


def _gpu(*prices: GpuPrice, gpu_id: str = "x") -> Gpu:
    return Gpu(
        id=gpu_id,
        name=gpu_id,
        memory_gb=80,
        memory_bandwidth_gb_s=2000,
        bf16_tflops=300,
        source="inline test record",
        checked=DAY,
        prices=list(prices),
    )


# the shape of the packaged H100 SXM: four GPU clouds, three hyperscalers, a commitment and
# a serverless platform
H100_LIKE = _gpu(
    _price("lambda", 4.29),
    _price("runpod", 3.99),
    _price("coreweave", 6.16),
    _price("nebius", 2.95),
    _price("aws", 6.88, "hyperscaler"),
    _price("gcp", 10.98, "hyperscaler"),
    _price("azure", 12.29, "hyperscaler"),
    _price("neocloud", 2.35, kind="reserved_1y"),
    _price("modal", 3.95, "serverless", kind="serverless"),
)


def test_the_default_rent_is_the_median_of_gpu_clouds_on_demand_offers() -> None:
    rent = gpu_rent(H100_LIKE)
    assert rent is not None
    # GPU clouds on demand: 2.95, 3.99, 4.29, 6.16 -> the lower middle, 3.99 (never inflated);
    # the median of all seven on-demand offers would be 4.29, of all nine offers 4.29 too
    assert (rent.offer.provider, rent.offer.usd_per_gpu_hour) == ("runpod", 3.99)
    assert rent.provider_kind == "gpu_cloud"
    assert [p.usd_per_gpu_hour for p in rent.basis] == [2.95, 3.99, 4.29, 6.16]
    assert (len(rent.offers), rent.low, rent.high) == (7, 2.95, 12.29)
    assert rent.describe(FRESH) == (
        # an even count: the lower of the middle two, said so with the range it came from
        "lower middle of 4 GPU-cloud on-demand offers, $2.95-6.16; 7 on-demand offers in all, "
        "$2.95-12.29"
    )
    assert typical_gpu_price(H100_LIKE) == rent.offer
    assert gpu_offer(H100_LIKE) == rent.offer


def test_another_kind_of_provider_by_name_or_by_kind() -> None:
    hyperscaler = gpu_rent(H100_LIKE, price="hyperscaler")
    assert hyperscaler is not None
    assert (hyperscaler.offer.provider, hyperscaler.offer.usd_per_gpu_hour) == ("gcp", 10.98)
    assert hyperscaler.describe(FRESH).startswith(
        "median of 3 hyperscaler on-demand offers, $6.88-12.29; 7 "
    )
    aws = gpu_offer(H100_LIKE, "AWS")  # a provider matches in any case
    assert aws is not None
    assert aws.usd_per_gpu_hour == 6.88
    with pytest.raises(
        PaybackError,
        match=r"no marketplace on-demand price for x \(its on-demand offers are from: gpu_cloud, hyperscaler\)",
    ):
        gpu_rent(H100_LIKE, price="marketplace")
    with pytest.raises(PaybackError, match=r"gpu_price"):
        gpu_rent(H100_LIKE, price="cheap")
    serverless = gpu_rent(H100_LIKE, "serverless")
    assert serverless is not None
    assert serverless.offer.provider == "modal"
    assert serverless.describe(FRESH) == "the only serverless offer"
    reserved = gpu_rent(H100_LIKE, "reserved_1y")
    assert reserved is not None
    assert reserved.describe(FRESH) == "the only GPU-cloud reserved-1y offer"


def test_without_a_gpu_cloud_offer_hyperscalers_never_marketplaces() -> None:
    only_aws = gpu_rent(
        _gpu(
            _price("aws", 0.80, "hyperscaler"),
            _price("modal", 0.8, "serverless", kind="serverless"),
        )
    )
    assert only_aws is not None
    assert only_aws.fallback
    assert (
        only_aws.describe(FRESH)
        == "the only hyperscaler on-demand offer (no GPU-cloud on-demand offer)"
    )
    only_market = _gpu(_price("runpod", 0.34, "marketplace"), _price("vast", 0.30, "marketplace"))
    assert gpu_rent(only_market) is None  # a marketplace rent is asked for, never the default
    assert marketplace_only(only_market)
    assert not marketplace_only(H100_LIKE)
    market = gpu_rent(only_market, price="marketplace")
    assert market is not None
    assert market.provider_kind == "marketplace"
    assert market.offer.usd_per_gpu_hour == 0.30
    # a marketplace rent is never mixed into the default when a GPU cloud rents the card
    mixed = gpu_rent(
        _gpu(_price("vast", 0.10, "marketplace"), _price("lambda", 1.0), _price("runpod", 2.0))
    )
    assert mixed is not None
    assert mixed.offer.usd_per_gpu_hour == 1.0
    assert gpu_rent(_gpu()) is None


def test_a_serverless_price_belongs_to_a_serverless_platform() -> None:
    assert (
        _price("modal", 1.0, kind="serverless", provider_kind="serverless").provider_kind
        == "serverless"
    )
    assert (
        GpuPrice(
            provider="mm", usd_per_gpu_hour=1, kind="serverless", source="inline test", checked=DAY
        ).provider_kind
        == "serverless"
    )
    with pytest.raises(ValueError, match="a serverless price is a serverless platform's"):
        _price("modal", 1.0, "gpu_cloud", kind="serverless")
    with pytest.raises(ValueError, match="a serverless price is a serverless platform's"):
        _price("modal", 1.0, "serverless")


def _raw_prices() -> list[tuple[str, dict[str, Any]]]:
    text = resources.files("payback.catalog").joinpath("data/gpus.toml").read_text("utf-8")
    return [(g["id"], p) for g in tomllib.loads(text)["gpu"] for p in g.get("prices", [])]


def test_every_packaged_price_states_its_provider_kind() -> None:
    raw = _raw_prices()
    assert len(raw) >= 50
    for gpu_id, price in raw:
        assert price.get("provider_kind") in PROVIDER_KINDS, (gpu_id, price["provider"])
    kinds = {(p["provider"], p["provider_kind"]) for _, p in raw}
    assert {("aws", "hyperscaler"), ("azure", "hyperscaler"), ("gcp", "hyperscaler")} <= kinds
    assert ("modal", "serverless") in kinds
    assert ("lambda", "gpu_cloud") in kinds
    # RunPod's Community Cloud (third-party hosts) is a marketplace, its Secure Cloud a GPU cloud
    for gpu_id, price in raw:
        if price["provider"] == "runpod" and price.get("kind", "on_demand") == "on_demand":
            secure = price["note"].startswith("Secure Cloud")
            assert (price["provider_kind"] == "gpu_cloud") == secure, gpu_id


def test_packaged_h100_default_is_a_gpu_cloud_price_not_a_hyperscaler_list_price() -> None:
    gpu = default_catalog().gpu("h100-sxm")
    rent = gpu_rent(gpu)
    assert rent is not None
    clouds = sorted(
        p.usd_per_gpu_hour
        for p in gpu.prices
        if p.kind == "on_demand" and p.provider_kind == "gpu_cloud"
    )
    assert rent.offer.usd_per_gpu_hour == clouds[(len(clouds) - 1) // 2]
    assert rent.offer.usd_per_gpu_hour < 5.0  # the hyperscalers' $6.88-12.29 are not in it
    hyperscalers = [p.usd_per_gpu_hour for p in gpu.prices if p.provider_kind == "hyperscaler"]
    assert rent.high == max(hyperscalers)  # but the range shown covers them


def test_counts_agree_everywhere() -> None:
    """The count `catalog gpus` shows, `analyze` says and the JSON gives is one function's."""
    code, out, _ = run("catalog", "gpus", "--json")
    assert code == 0
    listed = {g["id"]: g for g in json.loads(out)}
    from typer.testing import CliRunner

    from payback.cli import app

    table = CliRunner(env={**ENV, "COLUMNS": "200"}).invoke(app, ["catalog", "gpus"]).stdout
    for gpu in default_catalog().gpus.values():
        on_demand = [p for p in listed[gpu.id]["prices"] if p["kind"] == "on_demand"]
        assert len(on_demand) == len(gpu_offers(gpu))
        rent = gpu_rent(gpu)
        if rent is None:
            continue
        row = next(line for line in table.splitlines() if line.split()[:1] == [gpu.id])
        shown = (
            f"{len(rent.offers)}: {rent_range(rent.low, rent.high)}"  # every digit: $1.99-3.3996
            if len(rent.offers) > 1
            else f" {len(rent.offers)} "
        )
        assert shown in row, row
    # analyze names the same counts for the same GPU
    res = resolve(load_scenario(Path(__file__).parents[2] / "examples" / "catalog-ids.toml"))
    source = res.sources["alternatives.0.one_time.training.usd_per_gpu_hour"].source
    rent = gpu_rent(default_catalog().gpu("h100-sxm"))
    assert rent is not None
    # (the stale offers among the four are named between: their count depends on the day)
    assert f"lower middle of {len(rent.basis)} GPU-cloud on-demand offers, $2.95-6.155" in source
    assert f"; {len(rent.offers)} on-demand offers in all" in source
    detail = res.details["alternatives.0.one_time.training.usd_per_gpu_hour"]
    assert detail["offers_count"] == len(rent.offers)
    assert detail["basis_count"] == len(rent.basis)
    assert (detail["offers_low_usd_per_gpu_hour"], detail["offers_high_usd_per_gpu_hour"]) == (
        rent.low,
        rent.high,
    )


def _fleet(**fields: Any) -> dict[str, Any]:
    alternative = {
        "name": "fleet",
        "kind": "self_hosted",
        "gpu": "h100-sxm",
        "replica_requests_per_s": 5.0,
        **fields,
    }
    return {
        "scenario": {"name": "t", "horizon_months": 3, "start_date": dt.date(2026, 12, 1)},
        "traffic": {"requests_per_month": 1e6, "input_tokens": 500, "output_tokens": 100},
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.5,
            "output_usd_per_mtok": 10.0,
        },
        "alternatives": [alternative],
    }


def _rent_of(data: dict[str, Any]) -> float:
    res = resolve(parse_scenario(data), today=dt.date(2026, 12, 2))
    alt = res.scenario.alternatives[0]
    return float(alt.usd_per_gpu_hour)  # type: ignore[union-attr, arg-type]


def test_scenarios_choose_the_rent_by_provider_or_by_kind() -> None:
    gpu = default_catalog().gpu("h100-sxm")
    default, hyper = gpu_rent(gpu), gpu_rent(gpu, price="hyperscaler")
    assert default is not None
    assert hyper is not None
    assert _rent_of(_fleet()) == default.offer.usd_per_gpu_hour
    assert _rent_of(_fleet(gpu_price="hyperscaler")) == hyper.offer.usd_per_gpu_hour
    assert _rent_of(_fleet(gpu_provider="aws")) == 6.88
    assert _rent_of(_fleet(gpu_price="serverless", always_on=False)) == 3.9492  # 0.001097/s
    res = resolve(parse_scenario(_fleet(gpu_provider="aws")), today=dt.date(2026, 12, 2))
    source = res.sources["alternatives.0.usd_per_gpu_hour"].source
    assert "aws's on-demand price; " in source
    assert " on-demand offers in all, $" in source


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        (
            {"gpu_price": "hyperscaler", "gpu_provider": "aws"},
            "both choose the rent: give one of them",
        ),
        ({"gpu_price": "cheapest"}, "gpu_price"),
        ({"gpu_price": "serverless", "commitment": "1y"}, "a serverless rent is paid per second"),
    ],
)
def test_contradicting_rent_choices_are_one_line(
    tmp_path: Path, fields: dict[str, Any], fragment: str
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(_fleet(**fields)))
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, fragment)


def test_a_kind_without_offers_names_the_field(tmp_path: Path) -> None:
    data = _fleet(gpu_price="marketplace")
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(data))
    code, out, err = run("analyze", path)
    assert_user_error(
        code, out, err, "alternatives.0.gpu_price", "no marketplace on-demand price for h100-sxm"
    )


# ------------------------------------------------------------------ ids, any case


def test_ids_match_in_any_case_everywhere() -> None:
    catalog = default_catalog()
    assert catalog.gpu("L4").id == "l4"
    assert catalog.gpu("H100-SXM").id == "h100-sxm"
    assert catalog.model("Llama-3.1-8B").id == "llama-3.1-8b"
    assert catalog.finetune("OpenAI.GPT-4o-mini").id == "openai.gpt-4o-mini"
    assert _rent_of(_fleet(gpu="L4")) == 0.8048
    code, out, err = run(
        "estimate", "serving", "--model", "Llama-3.1-8B", "--gpu", "L40S", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["gpu"] == "l40s"


def test_the_best_match_is_suggested_first() -> None:
    assert near_ids("l4", ["a10", "l40s", "l40", "l4x"]) == [
        "l40",
        "l4x",
        "l40s",
    ]  # ties: listed order
    assert near_ids("h100", ["b200", "h100-sxm", "h100-pcie", "h100-nvl"]) == [
        "h100-sxm",
        "h100-nvl",
        "h100-pcie",
    ]
    assert near_ids("h10-sxm", ["h100-sxm", "h200", "l4"])[0] == "h100-sxm"
    assert near_ids("qwen3-8", default_catalog().models)[0] == "qwen3-8b"
    catalog = Catalog.of(gpus=[_gpu(gpu_id="l40s"), _gpu(gpu_id="l4"), _gpu(gpu_id="l40")])
    with pytest.raises(PaybackError, match=r"unknown GPU 'l41'; did you mean l4, l40, l40s\?"):
        catalog.gpu("l41")
    with pytest.raises(PaybackError, match=r"unknown GPU 'L'; did you mean l4, l40, l40s\?"):
        catalog.gpu("L")


# ------------------------------------------------------------------ one stale rule


def test_one_stale_rule_for_every_catalog() -> None:
    today = dt.date(2026, 12, 2)
    old = today - dt.timedelta(days=STALE_AFTER_DAYS + 1)
    assert is_stale(old, today)
    assert not is_stale(old + dt.timedelta(days=1), today)
    from rich.console import Console

    from payback.report.tables import finetunes_table, gpus_table

    console = Console(width=200, record=True, color_system=None)
    offers = [o for o in default_catalog().finetunes.values() if o.checked < old]
    gpus = [
        g for g in default_catalog().gpus.values() if (r := gpu_rent(g)) and r.offer.checked < old
    ]
    console.print(finetunes_table(default_catalog().finetunes.values(), today))
    console.print(gpus_table(default_catalog().gpus.values(), today))
    text = console.export_text()
    for record in [*offers, *gpus]:
        line = next(row for row in text.splitlines() if row.split()[:1] == [record.id])
        assert "(stale)" in line, line
    fresh = [o for o in default_catalog().finetunes.values() if not is_stale(o.checked, today)]
    for record in fresh:
        line = next(row for row in text.splitlines() if row.split()[:1] == [record.id])
        assert "(stale)" not in line


# ------------------------------------------------------------------ never cut an id


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize(
    "command",
    [("gpus",), ("models",), ("finetuning",), ("apis",), ("apis", "--search", "nemotron-3-ultra")],
)
def test_catalog_ids_are_never_cut(
    monkeypatch: pytest.MonkeyPatch, columns: int, command: tuple[str, ...]
) -> None:
    from typer.testing import CliRunner

    from payback.catalog import apis
    from payback.cli import app
    from payback.cli import catalog as catalog_cli

    monkeypatch.setattr(catalog_cli, "_today", lambda: dt.date(2026, 12, 2))
    monkeypatch.setattr(apis, "_today", lambda: dt.date(2026, 12, 2))  # dated API prices
    env = {**ENV, "COLUMNS": str(columns)}
    result = CliRunner(env=env).invoke(app, ["catalog", *command])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= columns
    _code, js, _ = run("catalog", *command, "--json")
    ids = [e.get("id") or e.get("ref") for e in json.loads(js)]
    if command == ("apis",):
        ids = sorted({e["provider"] for e in json.loads(js)})
    words = {w.strip() for line in out.splitlines() for w in line.split()}
    missing = [i for i in ids if i not in words]
    assert not missing, missing[:5]
    check_golden(f"catalog_{'_'.join(c.strip('-') for c in command)}_{columns}.txt", out)


def test_catalog_apis_without_search_is_a_summary_and_a_hint() -> None:
    code, out, _ = run("catalog", "apis")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) < 60
    code, js, _ = run("catalog", "apis", "--json")
    prices = json.loads(js)
    providers = {p["provider"] for p in prices}
    assert f"{len(prices):,} models from {len(providers)} providers" in out
    assert "--search" in out
    openai = next(line for line in lines if line.split()[:1] == ["openai"])
    count = sum(p["provider"] == "openai" for p in prices)
    assert openai.split()[1] == f"{count:,}"
    code, out, _ = run("catalog", "apis", "--search", "no-such-model-anywhere")
    assert code == 0
    assert "No API model's ref or name contains" in out
    assert QUARTER.exists()


def _quarter(tmp_path: Path, **fields: Any) -> Path:
    document = tomlkit.parse(QUARTER.read_text())
    alternative = document["alternatives"][0]  # type: ignore[index]
    for key in ("usd_per_gpu_hour", "replica_requests_per_s"):
        del alternative[key]  # type: ignore[union-attr]
    for key, value in fields.items():
        alternative[key] = value  # type: ignore[index]
    path = tmp_path / "quarter.toml"
    path.write_text(tomlkit.dumps(document))
    return path


def test_marketplace_rents_are_asked_for_in_analyze_and_recommend(tmp_path: Path) -> None:
    code, out, err = run("analyze", _quarter(tmp_path, model="qwen2.5-7b", gpu="rtx-4090"))
    assert_user_error(
        code,
        out,
        err,
        "alternatives.0.gpu = 'rtx-4090': every on-demand offer for rtx-4090 is a marketplace's",
        'gpu_price = "marketplace"',
    )
    code, out, err = run(
        "analyze",
        _quarter(tmp_path, model="qwen2.5-7b", gpu="RTX-4090", gpu_price="marketplace"),
        "--json",
    )
    assert code == 0, err
    assert "rtx-4090 at runpod (the only marketplace on-demand offer)" in out
    code, out, _ = run("recommend", _quarter(tmp_path, model="qwen2.5-7b", tpot_ms=40.0), "--json")
    assert code == 0
    default = json.loads(out)
    code, out, _ = run(
        "recommend",
        _quarter(tmp_path, model="qwen2.5-7b", tpot_ms=40.0, gpu_price="marketplace"),
        "--json",
    )
    assert code == 0
    market = json.loads(out)
    assert "rtx-4090" not in json.dumps(default["best"])
    assert market["best"]["gpu"] in {"rtx-4090", "rtx-5090", "rtx-pro-6000"}


RECHECKED = dt.date(2026, 12, 2)
"""The day the packaged prices older than 90 days were compared with their providers' pages."""


def test_every_price_older_than_90_days_says_how_it_was_rechecked() -> None:
    catalog = default_catalog()
    records: list[Any] = [p for g in catalog.gpus.values() for p in g.prices]
    records += list(catalog.finetunes.values())
    old = [r for r in records if (RECHECKED - r.checked).days > 90]
    assert len(old) >= 20
    for record in old:
        assert record.recheck is not None, record
        # dated the day of the re-check, that day or a later one (the SkyPilot comparison)
        assert record.recheck[10:12] == ": ", record.recheck
        assert dt.date.fromisoformat(record.recheck[:10]) >= RECHECKED, record.recheck
        # a figure that could not be compared keeps its own date: no date is invented
        if "could not be re-checked" in record.recheck:
            assert record.checked < RECHECKED - dt.timedelta(days=90)


OLDER_MODELS = [
    "qwen2.5-0.5b",
    "qwen2.5-1.5b",
    "qwen2.5-7b",
    "qwen2.5-72b",
    "llama-3.1-8b",
    "llama-3.1-70b",
    "llama-3.2-1b",
    "llama-3.2-3b",
    "llama-2-7b",
    "llama-2-70b",
    "mistral-7b",
    "gemma-2-9b",
    "phi-3.5-mini",
]


@pytest.mark.parametrize("model_id", OLDER_MODELS)
def test_older_models_licences_name_their_source(model_id: str) -> None:
    model = default_catalog().model(model_id)
    assert model.license
    assert model.license_source
    assert model.license_source.startswith("https://")
    # the source names the same licence the record states
    family = model.license.split(" (")[0].split(":")[0]
    words = {"Apache-2.0": "Apache License 2.0", "MIT": "MIT License"}
    assert words.get(family, family.split(" License")[0]) in model.license_source, model_id


# ------------------------------------------------------------------ tuned models on dedicated GPUs


def _tuned(**alternative: Any) -> dict[str, Any]:
    return {
        "scenario": {"name": "t", "horizon_months": 12, "start_date": dt.date(2026, 12, 1)},
        "traffic": {"requests_per_month": 1e6, "input_tokens": 500, "output_tokens": 100},
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.5,
            "output_usd_per_mtok": 10.0,
        },
        "alternatives": [{"name": "tuned", **alternative}],
    }


TRAINING = {
    "hosted": "together.lora-up-to-16b",
    "model": "llama-3.1-8b",
    "examples": 10_000,
    "tokens_per_example": 1_000,
    "epochs": 2,
}


def test_a_tuned_model_on_a_dedicated_deployment_is_not_priced_per_token(tmp_path: Path) -> None:
    offer = default_catalog().finetune("together.lora-up-to-16b")
    assert offer.tuned_serving == "dedicated"
    assert offer.input_usd_per_mtok is None
    assert offer.output_usd_per_mtok is None
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(_tuned(kind="hosted_api", fine_tuned="together.lora-up-to-16b")))
    code, out, err = run("analyze", path)
    assert_user_error(
        code,
        out,
        err,
        "alternatives.0.fine_tuned = 'together.lora-up-to-16b': together serves the tuned model "
        "on a dedicated deployment billed per GPU-hour, not per token",
        "self_hosted alternative",
    )


def test_a_dedicated_deployment_is_a_fleet_billed_per_gpu_hour() -> None:
    # the way to model it: GPUs paid by the hour, trained by the hosted offer
    data = _tuned(
        kind="self_hosted",
        gpu="h100-sxm",
        usd_per_gpu_hour=4.0,
        replica_requests_per_s=10.0,
        one_time={"training": TRAINING},
    )
    res = resolve(parse_scenario(data), today=dt.date(2026, 12, 2))
    # 10,000 examples x 1,000 tokens x 2 epochs = 20M tokens at $0.48/M = $9.60
    assert res.scenario.alternatives[0].one_time.training_usd == pytest.approx(9.60)  # type: ignore[union-attr]
    # one always-on GPU at $4/h: 730 h = $2,920 a month, whatever the traffic
    from payback.analysis.result import analyze

    analysis = analyze(parse_scenario(data))
    assert analysis.alternatives[0].components_usd["gpus"][0] == pytest.approx(2920.0)


def test_dedicated_serving_fields_are_checked() -> None:
    from payback.catalog import HostedFineTune

    base = {
        "id": "x.y",
        "provider": "x",
        "training_usd_per_mtok": 1.0,
        "source": "inline test",
        "checked": DAY,
    }
    with pytest.raises(ValueError, match="billed per GPU-hour: no per-token prices"):
        HostedFineTune(
            **base,
            tuned_serving="dedicated",
            dedicated_source="inline test",
            input_usd_per_mtok=1.0,
        )
    with pytest.raises(ValueError, match="needs dedicated_source"):
        HostedFineTune(**base, tuned_serving="dedicated")
    with pytest.raises(ValueError, match='describe tuned_serving = "dedicated"'):
        HostedFineTune(**base, dedicated_usd_per_gpu_hour=3.0)
    ok = HostedFineTune(
        **base, tuned_serving="dedicated", dedicated_usd_per_gpu_hour=3.89, dedicated_source="x y z"
    )
    assert ok.tuned_serving == "dedicated"


def test_the_batch_discount_reads_as_a_discount() -> None:
    """The column was 'batch off' with '50%' under it ('batch off 50%' stacked)."""
    from helpers import run

    _, out, _ = run("catalog", "apis", "--search", "openai:gpt-4o")
    assert "batch off" not in out
    assert "50% off" in out  # gpt-4o's batch API costs half
