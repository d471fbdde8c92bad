"""``recommend`` marks a configuration whose rent is stale, as ``estimate``, ``catalog gpus``
and ``analyze`` do: in the tables (``$1,095*`` and one line per GPU below them, said by
:func:`payback.catalog.offer_source`) and in ``--json`` (``rent_source``, ``rent_checked``,
``rent_stale`` of every configuration). Its tables showed a rent checked 201 days ago as any
other, and its JSON had no date at all."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from rich.console import Console

import payback.studies.recommend as study
from helpers import QUARTER, build, build_data, run
from payback.catalog import Catalog, Gpu, GpuPrice, default_catalog, gpu_offer, offer_source
from payback.report.recommend import recommendation_renderables
from payback.studies.recommend import recommend

TODAY = dt.date(2026, 12, 5)
OLD = dt.date(2026, 5, 18)  # 13 + 30 + 31 + 31 + 30 + 31 + 30 + 5 = 201 days before TODAY
FRESH = dt.date(2026, 11, 1)


def _gpu(gpu_id: str, memory: float, bandwidth: float, bf16: float, rent: float, checked: dt.date, **kw: Any) -> Gpu:  # fmt: skip
    return Gpu(
        id=gpu_id,
        name=gpu_id.upper(),
        memory_gb=memory,
        memory_bandwidth_gb_s=bandwidth,
        bf16_tflops=bf16,
        source="https://example.com/datasheet",
        checked=FRESH,
        prices=[
            GpuPrice(
                provider=f"{gpu_id}-cloud",
                usd_per_gpu_hour=rent,
                source=f"https://example.com/{gpu_id}",
                checked=checked,
            )
        ],
        **kw,
    )


def _catalog() -> Catalog:
    """A cheap GPU rented at a fresh price, a dear one at a price checked 201 days ago."""
    return Catalog.of(
        [
            _gpu("fresh", 48, 860, 180, 0.90, FRESH, fp8_tflops=360, int8_tops=360),
            _gpu("old", 80, 3350, 989, 3.00, OLD, fp8_tflops=1979, int8_tops=1979),
        ],
        [default_catalog().model("qwen2.5-7b")],
    )


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(study, "_today", lambda: TODAY)


def _searched(**alternative: Any) -> study.Recommendation:
    data = build_data(3e6, **alternative)
    del data["alternatives"][0]["replica_requests_per_s"]
    if "usd_per_gpu_hour" not in alternative:
        del data["alternatives"][0]["usd_per_gpu_hour"]
    return recommend(build(data), catalog=_catalog())


def test_json_says_where_each_rent_comes_from_and_whether_it_is_stale() -> None:
    result = _searched()
    rows = result.to_dict()["candidates"]
    assert {r["gpu"] for r in rows} == {"fresh", "old"}
    for row in rows:
        if row["gpu"] == "old":
            assert row["rent_source"] == (
                "old-cloud, checked 2026-05-18; stale, 201 days ago (https://example.com/old)"
            )
            assert (row["rent_checked"], row["rent_stale"]) == ("2026-05-18", True)
        else:
            assert (
                row["rent_source"] == "fresh-cloud, checked 2026-11-01 (https://example.com/fresh)"
            )
            assert (row["rent_checked"], row["rent_stale"]) == ("2026-11-01", False)
    assert result.to_dict()["best"]["rent_stale"] is False  # the fresh GPU is cheaper
    assert any(p["rent_stale"] for p in result.to_dict()["pareto"])


def test_the_tables_mark_a_stale_rent_and_say_it_below() -> None:
    result = _searched()
    console = Console(width=160, record=True)
    console.print(recommendation_renderables(result, top=100))
    text = console.export_text()
    rows = [line for line in text.splitlines() if "$" in line and "GPU-h" not in line]
    old = [line for line in rows if " old " in line]
    fresh = [line for line in rows if " fresh " in line]
    assert len(old) == 4 * 3 + 3  # 4 precisions × TP 1, 2, 4 ranked, and 3 on the front
    assert fresh
    assert all(line.rstrip().endswith("*") for line in old)
    assert not any(line.rstrip().endswith("*") for line in fresh)
    assert "* a stale rent (checked over 180 days ago): check it before deciding" in text
    assert (
        "  old at $3.00/GPU-h from old-cloud, checked 2026-05-18; stale, 201 days ago "
        "(https://example.com/old)" in text
    )
    assert "fresh at" not in text


def test_the_alternatives_own_rent_is_not_the_catalogs() -> None:
    """A GPU the alternative prices itself has no catalog date: not marked, no source."""
    result = _searched(gpu="old", usd_per_gpu_hour=2.5)
    rows = [r for r in result.to_dict()["candidates"] if r["gpu"] == "old"]
    assert rows
    assert all(r["rent_source"] is None and r["rent_stale"] is False for r in rows)
    assert all(r["usd_per_gpu_hour"] == 2.5 for r in rows)


def test_a_stale_winner_is_warned_of_in_offer_sources_words() -> None:
    result = _searched(tpot_ms=10.0)  # only the fast, dear GPU meets it
    assert result.best is not None
    assert result.best.gpu == "old"
    assert result.warnings == [
        "alternatives.0: the winner's rent, old at $3.00/GPU-h from old-cloud, checked "
        "2026-05-18; stale, 201 days ago (https://example.com/old): check it before deciding"
    ]


def test_the_bundled_example_marks_the_catalogs_stale_rents() -> None:
    """quarter-200k with qwen2.5-7b: every row's source is the catalog's offer for its GPU,
    in offer_source's words, stale where the catalog says so (the MI300X and MI325X rents
    of the Pareto front, checked 2026-05-18, on 2026-12-05)."""
    code, out, err = run("recommend", QUARTER, "--model", "qwen2.5-7b", "--json")
    assert code == 0, err
    data = json.loads(out)
    catalog = default_catalog()
    rows = data["candidates"] + data["pareto"]
    for row in rows:
        offer = gpu_offer(catalog.gpu(row["gpu"]))
        assert offer is not None
        assert row["rent_source"] == offer_source(offer, TODAY)
        assert row["rent_checked"] == offer.checked.isoformat()
    stale = {r["gpu"] for r in rows if r["rent_stale"]}
    assert stale == {
        r["gpu"] for r in rows if (TODAY - dt.date.fromisoformat(r["rent_checked"])).days > 180
    }
    code, text, err = run("recommend", QUARTER, "--model", "qwen2.5-7b")
    assert code == 0, err
    for gpu in stale:
        offer = gpu_offer(catalog.gpu(gpu))
        assert offer is not None
        assert f"{gpu} at $" in text
        assert offer_source(offer, TODAY) in " ".join(text.split())


def test_the_pareto_front_says_why_an_equal_cost_row_is_not_on_it() -> None:
    """quarter-200k: four L4 configurations cost $588; the front keeps int4 (60.2 ms), not
    the winner fp8 (80.0 ms) at the same cost, so its title says "as cheap", not "no cheaper"."""
    code, text, err = run("recommend", QUARTER, "--model", "qwen2.5-7b")
    assert code == 0, err
    words = " ".join(text.split())
    assert "Pareto front: nothing as cheap has a lower tpot" in words
    data = json.loads(run("recommend", QUARTER, "--model", "qwen2.5-7b", "--json")[1])
    best, front = data["best"], data["pareto"]
    assert best["monthly_cost_usd"] == front[0]["monthly_cost_usd"]
    assert best["tpot_ms"] > front[0]["tpot_ms"]


def test_a_rent_without_a_gpu_is_said_to_be_unused() -> None:
    """quarter-200k gives usd_per_gpu_hour = 0.80 ('on-demand L4 rent') and no gpu: the
    search prices the L4 at the catalog's $0.8048 and --apply comments the 0.80 out; the
    header said only 'priced as on-demand rent (the median ...)'."""
    code, text, err = run("recommend", QUARTER, "--model", "qwen2.5-7b", "--top", "1")
    assert code == 0, err
    words = " ".join(text.split())
    assert (
        "the alternative's usd_per_gpu_hour = 0.8 is not used: it names no gpu to price at it"
        in words
    )
    assert "at $0.8048/GPU-h" in words  # the L4 at the catalog's rent
    result = _searched(usd_per_gpu_hour=2.5)
    assert result.own_rent == (None, 2.5)
    assert all(r["usd_per_gpu_hour"] != 2.5 for r in result.to_dict()["candidates"])


def test_a_stale_winners_rent_is_written_with_every_digit() -> None:
    """A catalog rent of $2.6948 read '$2.69' in the warning, beside tables that write
    every digit (rent_text: 730 h x $2.69 is not what the fleet pays)."""
    catalog = Catalog.of(
        [_gpu("old", 80, 3350, 989, 2.6948, OLD, fp8_tflops=1979, int8_tops=1979)],
        [default_catalog().model("qwen2.5-7b")],
    )
    data = build_data(3e6)
    del data["alternatives"][0]["replica_requests_per_s"]
    del data["alternatives"][0]["usd_per_gpu_hour"]
    result = recommend(build(data), catalog=catalog)
    assert result.warnings[-1].startswith(
        "alternatives.0: the winner's rent, old at $2.6948/GPU-h from old-cloud, checked"
    )
