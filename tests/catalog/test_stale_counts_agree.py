"""The counts of offers and of stale offers agree wherever a GPU's rent is shown, on one
day: analyze's source line and ``--json`` estimates (``resolve``'s details), ``catalog
gpus`` (the table's on-demand count, the stale counts under it) and its ``--json``. The
packaged catalog on a fixed day: staleness moves with the date, these tests do not."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import ENV, build, fleet_dict
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog, gpu_offers, gpu_rent, is_stale

TODAY = dt.date(2026, 12, 6)
CATALOG = default_catalog()
RENTED = [g.id for g in CATALOG.gpus.values() if gpu_rent(g) is not None]


def _invoke(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    from payback.cli import app
    from payback.cli import catalog as catalog_cli

    monkeypatch.setattr(catalog_cli, "_today", lambda: TODAY)
    result = CliRunner(env={**ENV, "COLUMNS": "600"}).invoke(app, ["catalog", "gpus", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _analyzed(gpu_id: str) -> tuple[str, dict[str, Any]]:
    data = fleet_dict(gpu=gpu_id, replica_requests_per_s=5.0)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    resolved = resolve(build(data), None, TODAY)
    path = "alternatives.0.usd_per_gpu_hour"
    return resolved.sources[path].source, resolved.details[path]


def test_offer_and_stale_counts_agree_in_analyze_and_catalog_gpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listed = {g["id"]: g for g in json.loads(_invoke(monkeypatch, "--json"))}
    text = _invoke(monkeypatch)
    rows = {line.split()[0]: line for line in text.splitlines() if line.split()}
    below = {
        line.split(":", 1)[0].strip(): line.split(":", 1)[1]
        for line in text[text.index("Stale offers (") :].splitlines()[1:]
        if line.strip()
    }
    stale_seen = 0
    for gpu_id in RENTED:
        gpu = CATALOG.gpus[gpu_id]
        offers = gpu_offers(gpu)
        stale = [o for o in offers if is_stale(o.checked, TODAY)]
        typical = listed[gpu_id]["typical_rent"]
        source, detail = _analyzed(gpu_id)
        # the same counts in catalog gpus --json and analyze's estimates
        for shown in (typical, detail):
            assert (shown["offers_count"], shown["offers_stale_count"]) == (
                len(offers),
                len(stale),
            )
            assert [o["provider"] for o in shown["offers_stale"]] == [o.provider for o in stale]
        assert typical["description"] == detail["description"]
        assert detail["description"] in source
        # the table's on-demand column counts the same offers
        assert re.search(rf"\s{len(offers)}(:|\s)", rows[gpu_id]), rows[gpu_id]
        # every stale on-demand offer is said: counted in the words, and under the table
        said = re.findall(r"\((\d+) stale", typical["description"])
        if stale:
            assert f"on-demand {len(stale)} of {len(offers)} stale" in below[gpu_id]
            # the words' last count is the range of all offers' (or the median's, when
            # every offer is among those it was taken over), or "the only ..., stale"
            assert said[-1:] == [str(len(stale))] or typical["description"].endswith(", stale")
            stale_seen += 1
        else:
            assert said == []
        assert listed[gpu_id]["stale_count"] == sum(is_stale(p.checked, TODAY) for p in gpu.prices)
    assert stale_seen >= 4  # h100-sxm, h200, b200, mi300x, mi325x on that day
