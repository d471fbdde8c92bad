"""One rent, one count and one stale rule for every GPU and fine-tuning offer, whichever
command shows it: ``catalog gpus`` (table and ``--json``), ``catalog finetuning``,
``estimate serving`` and ``analyze``."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import ENV, build, fleet_dict, per_request_dict, run
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog, gpu_rent, is_stale, rent_range, rent_text
from payback.cli import app

CATALOG = default_catalog()
RENTED = [g.id for g in CATALOG.gpus.values() if gpu_rent(g) is not None]


def _wide(*args: str) -> str:
    return CliRunner(env={**ENV, "COLUMNS": "250"}).invoke(app, list(args)).stdout


@pytest.fixture(scope="module")
def listed() -> dict[str, dict[str, Any]]:
    code, out, _ = run("catalog", "gpus", "--json")
    assert code == 0
    return {g["id"]: g for g in json.loads(out)}


@pytest.fixture(scope="module")
def table() -> dict[str, str]:
    lines = _wide("catalog", "gpus").splitlines()
    return {line.split()[0]: line for line in lines if line.split()}


def _analyzed(gpu_id: str) -> tuple[float, str, list[str]]:
    """analyze's rent for ``gpu_id`` (capacity given, so only the rent is looked up), its
    source line and the warnings about it."""
    data = fleet_dict(gpu=gpu_id, replica_requests_per_s=5.0)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    resolved = resolve(build(data))
    path = "alternatives.0.usd_per_gpu_hour"
    warned = [w for w in resolved.warnings if w.startswith(path)]
    return resolved.sources[path].value, resolved.sources[path].source, warned


def test_the_json_carries_the_typical_rent_the_table_and_analyze_show(
    listed: dict[str, dict[str, Any]], table: dict[str, str]
) -> None:
    assert len(RENTED) >= 10
    for gpu_id in RENTED:
        rent = listed[gpu_id]["typical_rent"]
        assert rent is not None, gpu_id
        row = table[gpu_id]
        # every digit of the rent, as analyze shows it ($0.8048 read $0.80 here)
        assert f"{rent_text(rent['usd_per_gpu_hour'])} {rent['provider']}" in row, row
        count = rent["offers_count"]
        shown = (
            f"{count}: "
            + rent_range(rent["offers_low_usd_per_gpu_hour"], rent["offers_high_usd_per_gpu_hour"])
            if count > 1
            else f" {count} "
        )
        assert shown in row, row
        value, source, _ = _analyzed(gpu_id)
        assert value == rent["usd_per_gpu_hour"]
        assert rent["description"] in source
        assert rent["basis_count"] == (
            1
            if "the only" in rent["description"]
            else int(re.findall(r"(?:median|lower middle) of (\d+)", source)[0])
        )


def test_estimate_serving_prices_a_replica_at_that_rent(listed: dict[str, dict[str, Any]]) -> None:
    for gpu_id in ("h100-sxm", "l40s", "l4", "a100-80gb", "h200"):
        code, out, err = run(
            "estimate", "serving", "--model", "qwen2.5-0.5b", "--gpu", gpu_id, "--json"
        )
        assert code == 0, err
        assert (
            json.loads(out)["usd_per_gpu_hour"]
            == listed[gpu_id]["typical_rent"]["usd_per_gpu_hour"]
        )


def test_marketplace_only_gpus_have_no_typical_rent(listed: dict[str, dict[str, Any]]) -> None:
    market = [g for g in CATALOG.gpus.values() if gpu_rent(g) is None and g.prices]
    for gpu in market:
        assert listed[gpu.id]["typical_rent"] is None
        assert "(market)" in _wide("catalog", "gpus", "--search", gpu.id)


def test_every_price_is_flagged_stale_by_the_one_rule(
    listed: dict[str, dict[str, Any]], table: dict[str, str]
) -> None:
    today = dt.date.today()
    flags = []
    for gpu in CATALOG.gpus.values():
        for price, record in zip(listed[gpu.id]["prices"], gpu.prices, strict=True):
            assert price["stale"] is is_stale(record.checked, today)
            flags.append(price["stale"])
        rent = gpu_rent(gpu)
        if rent is None:
            continue
        stale = is_stale(rent.offer.checked, today)
        assert ("(stale)" in table[gpu.id]) is stale, table[gpu.id]
        _, _, warned = _analyzed(gpu.id)
        assert bool(warned) is stale, (gpu.id, warned)
    assert any(flags)  # every one since 2026-12: OpenAI's checked 2026-01-01, Together's
    # 2025-11-14 (the dates their sources give); a fresh offer is not flagged:
    offer = next(iter(CATALOG.finetunes.values()))
    assert not is_stale(offer.checked, offer.checked + dt.timedelta(days=180))


def test_fine_tuning_offers_are_flagged_stale_by_the_same_rule() -> None:
    today = dt.date.today()
    code, out, _ = run("catalog", "finetuning", "--json")
    assert code == 0
    offers = {o["id"]: o for o in json.loads(out)}
    rows = {
        line.split()[0]: line
        for line in _wide("catalog", "finetuning").splitlines()
        if line.split()
    }
    flags = []
    for offer in CATALOG.finetunes.values():
        stale = is_stale(offer.checked, today)
        assert offers[offer.id]["stale"] is stale
        assert ("(stale)" in rows[offer.id]) is stale, rows[offer.id]
        flags.append(stale)
        data = per_request_dict(
            training={"hosted": offer.id, "examples": 1000, "tokens_per_example": 500}
        )
        resolved = resolve(build(data))
        warned = [w for w in resolved.warnings if "training_usd" in w and "checked" in w]
        assert bool(warned) is stale, (offer.id, warned)
    assert any(flags)  # every one since 2026-12: OpenAI's checked 2026-01-01, Together's
    # 2025-11-14 (the dates their sources give); a fresh offer is not flagged:
    offer = next(iter(CATALOG.finetunes.values()))
    assert not is_stale(offer.checked, offer.checked + dt.timedelta(days=180))
