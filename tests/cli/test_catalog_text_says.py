"""What `payback catalog` says in text, not only in --json (tried as a new user would): a
price tiered by input tokens showed its base tier alone (google:gemini-2.5-pro 1.25/10,
while analyze at 250,000 input tokens used 2.50/15); a marketplace's rent, never used by
default, was shown as rtx-4090's "typical $/GPU-h" with nothing under it to say so; the
README said every entry shows its source and date, which open models showed neither of."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from helpers import ENV
from payback.cli import app

DAY = dt.date(2026, 12, 2)


def catalog(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    from payback.catalog import apis
    from payback.cli import catalog as catalog_cli

    monkeypatch.setattr(catalog_cli, "_today", lambda: DAY)
    monkeypatch.setattr(apis, "_today", lambda: DAY)
    result = CliRunner(env={**ENV, "COLUMNS": "300"}).invoke(app, ["catalog", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_tiered_api_price_shows_its_rates_above_each_tier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = catalog(monkeypatch, "apis", "--search", "google:gemini-2.5-pro")
    lines = out.splitlines()
    at = lines.index(
        "Tiered by a request's input tokens (the table gives the base tier; analyze prices "
        "each request at the tier of its traffic.input_tokens):"
    )
    assert lines[at + 1].split() == [
        "google:gemini-2.5-pro:",
        "input",
        "1.25",
        "(2.5",
        "above",
        "200,000),",
        "cached",
        "input",
        "0.125",
        "(0.25",
        "above",
        "200,000),",
        "output",
        "10",
        "(15",
        "above",
        "200,000)",
    ]


def test_the_tier_rates_are_what_analyze_prices_above_the_tier() -> None:
    from payback.catalog.apis import api_price

    above = api_price("google:gemini-2.5-pro", at=DAY, input_tokens=250_000)
    assert (above.input_usd_per_mtok, above.output_usd_per_mtok) == (2.5, 15.0)


def test_an_untiered_list_says_nothing_of_tiers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Tiered by" not in catalog(monkeypatch, "apis", "--search", "openai:gpt-4o")


def test_a_marketplace_rent_is_said_to_be_no_default(monkeypatch: pytest.MonkeyPatch) -> None:
    out = catalog(monkeypatch, "gpus", "--search", "rtx-4090")
    assert "$0.34 runpod (market)" in out
    assert (
        "(market): only marketplaces (third-party hosts) rent rtx-4090 on demand; the rent "
        "shown is theirs, not a typical one and never a default: analyze and estimate use "
        'none for it unless gpu_price = "marketplace" or usd_per_gpu_hour is given.'
    ) in out
    assert "(market):" not in catalog(monkeypatch, "gpus", "--search", "h100")


def test_open_models_say_where_their_source_and_date_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = catalog(monkeypatch, "models", "--search", "llama-3.1-8b")
    assert out.splitlines()[-1] == (
        "Each shape's source (its config.json) and the day it was checked (2026-11-28): --json."
    )
