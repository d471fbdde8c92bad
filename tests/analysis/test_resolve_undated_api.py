"""A scenario starting before genai-prices' snapshot was read, priced at a model's one
undated price: the words of its source and a warning say that the price is the one read
then, not the start's (tried as a new user would: gpt-4o in a scenario starting 2020-01-01
read "genai-prices: openai:gpt-4o on 2020-01-01", at its 2026 price, with no warning)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from helpers import EXAMPLES, build, fleet_dict, run
from payback.analysis.resolve import resolve
from payback.catalog.apis import SNAPSHOT_CHECKED, api_price

START = dt.date(2020, 1, 1)
WORDS_2020 = (
    "genai-prices: openai:gpt-4o as listed when checked (undated: not known to hold on 2020-01-01)"
)
WARNING_2020 = (
    "openai:gpt-4o is priced as genai-prices lists it when checked (2026-11-10), with no "
    "earlier price, for a scenario starting 2020-01-01, 2,505 days before (over 180): give "
    "baseline.input_usd_per_mtok, output_usd_per_mtok and cached_input_usd_per_mtok for the "
    "prices then"
)


def starting(day: dt.date, **baseline: Any) -> dict[str, Any]:
    """A gpt-4o baseline against one alternative with typed-in numbers, from ``day``."""
    data = fleet_dict()
    data["baseline"] = {"name": "gpt-4o", "kind": "hosted_api", "model": "openai:gpt-4o"}
    data["scenario"]["start_date"] = day
    data["baseline"].update(baseline)
    return data


def dated_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "is priced as genai-prices lists it" in w]


def test_the_snapshot_is_read_on_its_pinned_day() -> None:
    assert dt.date(2026, 11, 10) == SNAPSHOT_CHECKED  # the day every figure below counts from


@pytest.mark.parametrize(
    ("ref", "day", "undated"),
    [
        ("openai:gpt-4o", START, True),  # one price, no date
        ("openai:gpt-4o", dt.date(2026, 12, 1), True),
        ("azure:gpt-4o", START, True),  # openai's, borrowed
        ("deepseek:deepseek-chat", START, True),  # prices by time of day only
        ("openai:o3", START, False),  # $10 before 2025-06-10: dated by its change
        ("openai:o3", dt.date(2025, 7, 1), False),  # $2 from 2025-06-10
        ("deepseek:deepseek-v4-flash", START, False),  # time of day and a dated change
    ],
)
def test_which_prices_the_snapshot_dates(ref: str, day: dt.date, undated: bool) -> None:
    assert api_price(ref, at=day).undated is undated


def test_a_dated_price_is_the_one_in_effect_then() -> None:
    # o3 was cut from $10/$40 to $2/$8 on 2025-06-10; genai-prices dates both
    before, after = api_price("openai:o3", at=START), api_price("openai:o3", at=dt.date(2025, 7, 1))
    assert (before.input_usd_per_mtok, before.output_usd_per_mtok) == (10.0, 40.0)
    assert (after.input_usd_per_mtok, after.output_usd_per_mtok) == (2.0, 8.0)


def test_an_undated_price_long_before_it_was_read_is_said_and_warned_of() -> None:
    resolved = resolve(build(starting(START)))
    for name in ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok"):
        source = resolved.sources[f"baseline.{name}"]
        assert source.source == WORDS_2020
        assert source.checked == dt.date(2026, 11, 10)
    assert resolved.scenario.baseline.input_usd_per_mtok == 2.5  # type: ignore[union-attr]
    assert dated_warnings(resolved.warnings) == [WARNING_2020]


def test_the_warning_names_only_the_prices_left_to_the_snapshot() -> None:
    resolved = resolve(build(starting(START, input_usd_per_mtok=5.0, output_usd_per_mtok=15.0)))
    assert dated_warnings(resolved.warnings) == [
        WARNING_2020.replace(
            "baseline.input_usd_per_mtok, output_usd_per_mtok and cached_input_usd_per_mtok",
            "baseline.cached_input_usd_per_mtok",
        )
    ]
    every = {"input_usd_per_mtok": 5.0, "output_usd_per_mtok": 15.0}
    every["cached_input_usd_per_mtok"] = 2.5
    assert dated_warnings(resolve(build(starting(START, **every))).warnings) == []


def test_each_option_names_the_prices_it_leaves_to_the_snapshot() -> None:
    """Once a model, a second option on gpt-4o that left its output and cached prices to the
    snapshot went unnamed, and following the warning left it on today's prices (review)."""
    data = starting(START)
    data["alternatives"].append(
        {"name": "gpt-4o too", "kind": "hosted_api", "model": "gpt-4o", "input_usd_per_mtok": 5.0}
    )
    resolved = resolve(build(data))
    second = WARNING_2020.replace(
        "give baseline.input_usd_per_mtok, output_usd_per_mtok and cached_input_usd_per_mtok",
        "give alternatives.1.output_usd_per_mtok and cached_input_usd_per_mtok",
    )
    assert second != WARNING_2020
    assert dated_warnings(resolved.warnings) == [WARNING_2020, second]
    assert resolved.sources["alternatives.1.output_usd_per_mtok"].source == WORDS_2020


@pytest.mark.parametrize(
    ("day", "words", "warned"),
    [
        # 181 days before 2026-11-10: past the stale rule's 180, warned
        (
            dt.date(2026, 5, 13),
            "as listed when checked (undated: not known to hold on 2026-05-13)",
            1,
        ),
        # 180 days before: as near as a price the stale rule still counts as fresh
        (
            dt.date(2026, 5, 14),
            "as listed when checked (undated: not known to hold on 2026-05-14)",
            0,
        ),
        (
            dt.date(2026, 11, 9),
            "as listed when checked (undated: not known to hold on 2026-11-09)",
            0,
        ),
        # from the day it was read on: the price of that day, as before
        (dt.date(2026, 11, 10), "on 2026-11-10", 0),
        (dt.date(2026, 12, 1), "on 2026-12-01", 0),
    ],
)
def test_the_threshold_is_the_stale_rules_days(day: dt.date, words: str, warned: int) -> None:
    resolved = resolve(build(starting(day)))
    assert resolved.sources["baseline.input_usd_per_mtok"].source == (
        f"genai-prices: openai:gpt-4o {words}"
    )
    assert len(dated_warnings(resolved.warnings)) == warned


def test_a_dated_price_keeps_its_words_and_no_warning() -> None:
    resolved = resolve(build(starting(START, model="openai:o3")))
    assert resolved.sources["baseline.input_usd_per_mtok"].source == (
        "genai-prices: openai:o3 on 2020-01-01 (dated prices: picked the one in effect on "
        "2020-01-01 (before 2025-06-10))"
    )
    assert resolved.scenario.baseline.input_usd_per_mtok == 10.0  # type: ignore[union-attr]
    assert dated_warnings(resolved.warnings) == []


def test_analyze_warns_once_on_stderr(tmp_path: Any) -> None:
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    text = text.replace("start_date = 2026-12-01", "start_date = 2020-01-01")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("batch_share"))
    path = tmp_path / "ids-2020.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 0
    assert err.count("is priced as genai-prices lists it") == 1
    assert f"warning: {WARNING_2020}\n" in err
    assert "openai:gpt-4o on 2020-01-01" not in out
    assert "openai:gpt-4o as listed when" in out
