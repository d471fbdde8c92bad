"""A ``[traffic]`` written beside ``[[workloads]]``, tried as a new user would on
examples/portfolio.toml: the portfolio reads each workload's own traffic, and said nothing
of the [traffic] it left unread (5 requests a month given, 665,000 analyzed)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, run
from payback.analysis.portfolio import prepare
from payback.scenario import parse_scenario, read_scenario_data

LINE = (
    "[traffic] is not used: with [[workloads]] the portfolio reads each workload's own "
    "traffic; the {} given in [traffic] move only the page's one-workload view (leave "
    "[traffic] out, or give the figures to a workload)"
)


def with_traffic(traffic: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(read_scenario_data(EXAMPLES / "portfolio.toml"))
    return {**data, "traffic": traffic}


def test_traffic_beside_workloads_is_warned_and_changes_no_figure(tmp_path: Path) -> None:
    text = (EXAMPLES / "portfolio.toml").read_text()
    given = "[traffic]\nrequests_per_month = 5\ninput_tokens = 10\noutput_tokens = 10\n\n"
    path = tmp_path / "portfolio.toml"
    path.write_text(text.replace("[baseline]", given + "[baseline]", 1))
    code, out, err = run("analyze", path)
    assert code == 0
    fields = "requests_per_month, input_tokens and output_tokens"
    assert err == f"warning: {LINE.format(fields)}\n"
    plain = run("analyze", EXAMPLES / "portfolio.toml")
    assert plain[2] == ""
    assert out == plain[1].replace(str(EXAMPLES / "portfolio.toml"), str(path))


@pytest.mark.parametrize(
    ("traffic", "fields"),
    [
        ({"requests_per_month": 5.0}, "requests_per_month"),
        ({"peak_to_average": 3.0, "growth_monthly": 0.01}, "growth_monthly"),
        # the first workload's central value, as a distribution: a study would vary it
        (
            {"requests_per_month": {"dist": "uniform", "low": 3e5, "high": 5e5}},
            "requests_per_month",
        ),
    ],
)
def test_the_fields_that_differ_from_the_first_workloads_are_named(
    traffic: dict[str, Any], fields: str
) -> None:
    assert prepare(parse_scenario(with_traffic(traffic))).warnings[0] == LINE.format(fields)


def test_traffic_that_repeats_the_first_workloads_is_said_nothing_of() -> None:
    first = {"requests_per_month": 4e5, "input_tokens": 1500, "output_tokens": 150}
    assert prepare(parse_scenario(with_traffic(first | {"peak_to_average": 3.0}))).warnings == []
    assert prepare(parse_scenario(with_traffic(first))).warnings == []  # the rest its own
