"""A field written in the wrong table (tried as a new user would): the error listed what the
table allows and no more. A field that another table takes is now named with that table and
where to move it; after a sub-table's header, that the line belongs to the sub-table."""

from __future__ import annotations

import tomllib

import pytest

from helpers import EXAMPLES
from payback import PaybackError
from payback.scenario import parse_scenario

STARTER = (EXAMPLES / "quarter-200k.toml").read_text(encoding="utf-8")


def error_of(text: str) -> str:
    with pytest.raises(PaybackError) as info:
        parse_scenario(tomllib.loads(text), source="s.toml")
    return str(info.value)


def after(anchor: str, line: str) -> str:
    """The starter with ``line`` written right after the line holding ``anchor``."""
    assert anchor in STARTER
    head, tail = STARTER.split(anchor, 1)
    rest = tail.split("\n", 1)
    return f"{head}{anchor}{rest[0]}\n{line}\n{rest[1]}"


def test_growth_under_scenario_points_to_traffic() -> None:
    text = error_of(after("[scenario]", "growth_monthly = 0.05"))
    assert text == (
        "s.toml: scenario.growth_monthly: unknown field in scenario; did you mean [traffic] "
        "growth_monthly? (move it under [traffic]); allowed: name, horizon_months, "
        "discount_rate_annual, start_date"
    )


def test_the_tutorials_quality_after_one_time_belongs_to_the_alternative() -> None:
    """The tutorial's exercise 4 warns of it: a line after [alternatives.one_time] is in
    that table."""
    text = error_of(
        after("[alternatives.one_time]", "quality = { error_rate = 0.025, usd_per_error = 1.50 }")
    )
    assert text.startswith(
        "s.toml: alternatives.0.one_time.quality: unknown field in alternatives.0.one_time; "
        "did you mean [[alternatives]] quality? (a line after the [alternatives.one_time] "
        "header belongs to that table: move it above that header); allowed: data_usd, "
    )


def test_a_top_level_key_points_to_its_table() -> None:
    text = error_of("requests_per_month = 1000\n" + STARTER)
    assert text.startswith(
        "s.toml: requests_per_month: unknown field in the top level; did you mean [traffic] "
        "requests_per_month? (move it under [traffic]); allowed: scenario, traffic, "
    )


def test_a_table_nested_in_another_is_named_as_its_own() -> None:
    text = error_of(STARTER.replace("[traffic]", "[scenario.traffic]", 1) + "\n[traffic]\n")
    assert (
        "s.toml: scenario.traffic: unknown field in scenario; did you mean [traffic]? (a table "
        "of its own, not in [scenario]); allowed: name,"
    ) in text


def test_a_misspelt_field_still_gets_the_near_name() -> None:
    """A name no table takes keeps the did-you-mean of a near field in its own table."""
    text = error_of(after("[traffic]", "growth_montly = 0.05"))
    assert "traffic.growth_montly: unknown field in traffic; did you mean 'growth_monthly'?" in text


def test_a_workloads_terms_for_an_alternative_list_what_they_take() -> None:
    """Review: `alternatives."sh" = { gpu = "l40" }` under a [[workloads]] entry said "did
    you mean [baseline] gpu? (move it under [baseline]); allowed: " with nothing allowed:
    the name of the alternative was read as a field. A workload's terms take its own
    numbers for an alternative, none of them a GPU."""
    text = """
[scenario]
name = "pid"
horizon_months = 12
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 10.0
[[alternatives]]
name = "sh"
kind = "per_request"
usd_per_1k_requests = 2.0
[[workloads]]
name = "a"
traffic = { requests_per_month = 100000 }
alternatives."sh" = { gpu = "l40" }
"""
    text_error = error_of(text)
    assert text_error.startswith(
        "s.toml: workloads.0.alternatives.sh.gpu: unknown field in workloads.0.alternatives.sh; "
        "allowed: quality, latency, replica_requests_per_s, fine_tuned,"
    )
    assert "[baseline]" not in text_error
