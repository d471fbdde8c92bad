""" "Pays back within a quarter" is analyze's rule, broken even by month 3 and not behind
again there, wherever explain and the reports name the traffic it takes; and a step in a
break-even target that a later month's cost makes says so.

10,000 requests a month at $12 against $2 per 1,000, $250 up front, a $200 retraining
every 3 months (months 3, 6, 9, 12). At R requests a month the savings after month 3 are
3 × 10 R / 1,000 - 250 - 200 = 0.03 R - 450: ≥ 0 from R = 15,000. At 12,500 they reach
zero in month 2 (0.01 × 12,500 × 2 = 250) and are $75 behind after month 3's retraining:
a break-even in month 2.0, not a pay-back within a quarter (explain named 12,500, the
traffic at which the first break-even is month 3, not 15,000)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import payback
from helpers import run
from retrained import RETRAINED_QUARTERLY as DIP


def _file(tmp_path: Path, requests: float) -> Path:
    path = tmp_path / f"dip-{requests:g}.toml"
    path.write_text(DIP.format(requests=requests), encoding="utf-8")
    return path


def test_the_traffic_for_a_quarter_is_where_month_3_ends_even(tmp_path: Path) -> None:
    code, out, err = run("explain", _file(tmp_path, 10_000), "--json")
    assert code == 0, err
    traffic = json.loads(out)["alternatives"][0]["traffic_for_a_quarter"]
    assert (traffic["requests_per_month"], traffic["at_least"]) == (15_000, True)
    assert traffic["single_crossing"] is True
    code, out, err = run("explain", _file(tmp_path, 10_000))
    assert "It pays back within a quarter if traffic is at least 15,000" in " ".join(out.split())


@pytest.mark.parametrize(("requests", "within"), [(12_500, False), (14_999, False), (15_000, True)])
def test_analyze_agrees_on_each_side_of_the_bound(
    tmp_path: Path, requests: float, within: bool
) -> None:
    scenario = payback.load_scenario(_file(tmp_path, requests))
    alt = payback.analyze(scenario).alternatives[0]
    assert alt.pays_back_within is not None
    assert alt.pays_back_within["3"] is within
    # 12,500: broken even in month 2, $75 behind after month 3
    if requests == 12_500:
        assert alt.break_even_month == pytest.approx(2.0)


def test_a_step_made_by_a_retraining_month_names_it(tmp_path: Path) -> None:
    """solve for break_even_month=3 (the first crossing) keeps its answer, 12,500, a step
    from month 3.60 just below to 2.00; its cause is the retraining's dip, not a fleet's
    replicas (there is no fleet) nor leaving the horizon."""
    code, out, err = run(
        "solve",
        _file(tmp_path, 10_000),
        "--vary",
        "traffic.requests_per_month",
        "--target",
        "break_even_month=3",
    )
    assert code == 0, err
    text = " ".join(out.split())
    assert "jumps from month 3.60 just below traffic.requests_per_month = 12,500" in text
    assert "the savings reach zero and fall back below it, as a retraining month, " in text
    assert "fleet's replicas" not in text
    code, out, err = run(
        "solve",
        _file(tmp_path, 10_000),
        "--vary",
        "traffic.requests_per_month",
        "--target",
        "break_even_month=3",
        "--json",
    )
    assert json.loads(out)["savings_dip"] is True


def test_a_fleet_step_keeps_its_cause(tmp_path: Path) -> None:
    """A step made by a replica more (no retraining: savings only grow) is still put down
    to a whole number such as the fleet's replicas. A replica serves 0.5 × 0.7 requests/s,
    919,800 requests a month; at $7,300 a month each, just below 919,800 one replica saves
    0.015 × 919,800 - 7,300 = $6,497 a month, $15,000 back in month 2.31; just above, two
    cost more than they save: never."""
    path = tmp_path / "fleet.toml"
    path.write_text(
        """
[scenario]
name = "fleet"
horizon_months = 12

[traffic]
requests_per_month = 1000000

[baseline]
name = "hosted"
kind = "per_request"
usd_per_1k_requests = 15.0

[[alternatives]]
name = "rented fleet"
kind = "self_hosted"
usd_per_gpu_hour = 10.0
replica_requests_per_s = 0.5
min_replicas = 1

[alternatives.one_time]
data_usd = 15000
""",
        encoding="utf-8",
    )
    solved = payback.solve(
        payback.load_scenario(path), "traffic.requests_per_month", "break_even_month=3"
    )
    assert solved.step
    assert not solved.savings_dip
    assert solved.value == pytest.approx(919_800, abs=1)
    code, out, err = run(
        "solve", path, "--vary", "traffic.requests_per_month", "--target", "break_even_month=3"
    )
    assert code == 0, err
    assert "a whole number such as the fleet's replicas changes there" in " ".join(out.split())


def test_another_alternatives_input_is_refused() -> None:
    """Another alternative's escalation share cannot move alternative 0's NPV: solve said
    "Every allowed value ... already meets npv_usd=0", as if it had been weighed."""
    from helpers import EXAMPLES, assert_user_error

    code, out, err = run(
        "solve",
        EXAMPLES / "catalog-ids.toml",
        "--vary",
        "alternatives.1.escalation_share",
        "--target",
        "npv_usd=0",
        "--alternative",
        "0",
    )
    assert_user_error(
        code,
        out,
        err,
        "alternatives.1.escalation_share",
        "an input of alternative 1 ('fine-tuned gpt-4.1-mini (hosted)'), which cannot move "
        "alternative 0's answer; solve for alternative 1",
    )


def test_a_dip_from_prices_is_told_with_prices_among_its_causes() -> None:
    """A hosted alternative (no fleet, no retraining) whose savings dip because the
    baseline's price falls faster: the step's words had named only a retraining month and
    a fixed fleet."""
    from helpers import EXAMPLES

    code, out, err = run(
        "solve", EXAMPLES / "growth.toml", "--vary", "baseline.price_change_annual",
        "--target", "break_even_month=12", "--alternative", "2",
    )  # fmt: skip
    assert code == 0, err
    said = " ".join(out.split())
    assert (
        "(on the later side the savings reach zero and fall back below it, as a retraining "
        "month, traffic falling onto a fixed fleet or prices moving against the alternative "
        "can make a month cost more than the baseline: the first month they reach zero "
        "jumps)"
    ) in said
