"""API token prices are judged by the one stale rule of every catalog: the genai-prices
snapshot carries no date of its own, so each price is ``checked`` on the day the snapshot it
pins was published (2026-11-10, genai-prices 0.2.3 on PyPI), and is stale over 180 days after
it on the analysis day, said as a GPU rent or a fine-tuning price is (analyze's source
and warning, ``catalog apis`` and its ``--json``). Before, API prices had no date and
were never judged."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import ENV, build, fleet_dict
from payback.analysis.resolve import resolve
from payback.catalog.apis import SNAPSHOT_CHECKED, api_price

READ = dt.date(2026, 11, 10)
LAST_FRESH = dt.date(2027, 5, 9)  # 20 + 31 + 31 + 28 + 31 + 30 + 9 = 180 days after READ
FIRST_STALE = dt.date(2027, 5, 10)  # 181 days after


def test_every_api_price_is_checked_on_the_day_the_snapshot_was_published() -> None:
    assert SNAPSHOT_CHECKED == READ
    assert api_price("openai:gpt-4o", at=dt.date(2026, 12, 1)).checked == READ
    assert api_price("anthropic:claude-sonnet-4-5", at=dt.date(2026, 12, 1)).checked == READ


def _resolved(today: dt.date) -> Any:
    data = fleet_dict()
    data["scenario"]["start_date"] = dt.date(2026, 12, 1)  # the prices in effect that day
    data["baseline"] = {"name": "api", "kind": "hosted_api", "model": "openai:gpt-4o"}
    return resolve(build(data), None, today)


def test_an_api_price_is_stale_over_180_days_after_it_was_read() -> None:
    fresh, stale = _resolved(LAST_FRESH), _resolved(FIRST_STALE)
    path = "baseline.input_usd_per_mtok"
    assert fresh.sources[path].value == stale.sources[path].value == 2.5
    assert fresh.sources[path].checked == READ
    assert fresh.sources[path].source == "genai-prices: openai:gpt-4o on 2026-12-01"
    assert stale.sources[path].source == "genai-prices: openai:gpt-4o on 2026-12-01, stale"
    assert not [w for w in fresh.warnings if "stale" in w]
    warned = [w for w in stale.warnings if "stale" in w]
    # input, cached input and output: each warned once, as a catalog price is
    assert [w.split(" = ")[0] for w in warned] == [
        "baseline.input_usd_per_mtok",
        "baseline.cached_input_usd_per_mtok",
        "baseline.output_usd_per_mtok",
    ]
    assert "was checked 2026-11-10: stale, 181 days ago (over 180)" in warned[0]


def _catalog_apis(monkeypatch: pytest.MonkeyPatch, today: dt.date, *args: str) -> str:
    from payback.cli import app
    from payback.cli import catalog as catalog_cli

    monkeypatch.setattr(catalog_cli, "_today", lambda: today)
    result = CliRunner(env={**ENV, "COLUMNS": "200"}).invoke(app, ["catalog", "apis", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_catalog_apis_says_the_snapshot_date_and_flags_it_stale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = _catalog_apis(monkeypatch, LAST_FRESH)
    assert (
        fresh.splitlines()[-1] == "Prices from the genai-prices 0.2.3 snapshot, checked 2026-11-10."
    )
    stale = _catalog_apis(monkeypatch, FIRST_STALE, "--search", "openai:gpt-4o")
    assert stale.splitlines()[-1] == (
        "Prices from the genai-prices 0.2.3 snapshot, checked 2026-11-10 (stale, 181 days "
        "ago: over 180); check a price on its provider's page before deciding."
    )
    for day, flag in ((LAST_FRESH, False), (FIRST_STALE, True)):
        listed = json.loads(_catalog_apis(monkeypatch, day, "--search", "gpt-4o", "--json"))
        assert listed
        assert {(p["checked"], p["stale"]) for p in listed} == {("2026-11-10", flag)}


def test_catalog_apis_json_gives_each_price_its_next_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The snapshot holds Gemini 3.6 Flash doubling on 2027-01-01: listed on 2026-12-31, its
    ``next_change`` is that day (an ISO date, as ``checked``); gpt-4o's one price, none."""
    import payback.catalog.apis

    monkeypatch.setattr(payback.catalog.apis, "_today", lambda: dt.date(2026, 12, 31))
    listed = json.loads(_catalog_apis(monkeypatch, LAST_FRESH, "--json"))
    by_ref = {p["ref"]: p for p in listed}
    assert by_ref["google:gemini-3.6-flash"]["next_change"] == "2027-01-01"
    assert by_ref["openai:gpt-4o"]["next_change"] is None


@pytest.mark.parametrize(("day", "stale"), [(LAST_FRESH, False), (FIRST_STALE, True)])
def test_the_analysis_day_is_the_catalogs_day_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch, day: dt.date, stale: bool
) -> None:
    """``resolve`` without a day judges staleness on ``payback.catalog``'s day, so a test
    (or a golden) that fixes that day fixes every stale mark in the sources; it took the
    real date, and a golden's sources turned ", stale" as the catalog's offers aged."""
    import payback.catalog

    monkeypatch.setattr(payback.catalog, "_today", lambda: day)
    data = fleet_dict()
    data["scenario"]["start_date"] = dt.date(2026, 12, 1)
    data["baseline"] = {"name": "api", "kind": "hosted_api", "model": "openai:gpt-4o"}
    source = resolve(build(data)).sources["baseline.input_usd_per_mtok"].source
    assert source.endswith(", stale") is stale
