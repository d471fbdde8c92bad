"""``explain --json`` of a scenario with workloads gives the numbers its prose says beside
the prose, as one scenario's does: it gave only ``sections`` of paragraphs, and a script
had to parse "month 12.81" back out of them. Checked on the bundled portfolio example
against ``analyze --json`` (the portfolio), ``sensitivity --json`` and by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import FROZEN_PORTFOLIO, run, sampled_markdown

PORTFOLIO = FROZEN_PORTFOLIO
SHARED, SEPARATE = (
    "Llama 3.1 8B, an adapter per task, one fleet",
    "a fine-tuned 8B and its own fleet per task",
)


def _json(*args: Any) -> Any:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def explained() -> dict[str, Any]:
    return _json("explain", PORTFOLIO)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def analyzed() -> dict[str, Any]:
    return _json("analyze", PORTFOLIO)["portfolio"]  # type: ignore[no-any-return]


def _words(explained: dict[str, Any]) -> str:
    return " ".join(p for s in explained["sections"] for p in s["paragraphs"])


def test_the_prose_stays_beside_the_numbers(
    explained: dict[str, Any], analyzed: dict[str, Any]
) -> None:
    assert [s["title"] for s in explained["sections"]][:4] == [
        f"{SHARED}: the portfolio",
        f"{SHARED}: how the break-even is computed here",
        f"{SHARED}: why this migration order",
        f"{SHARED}: what decides it",
    ]
    assert all(isinstance(p, str) for s in explained["sections"] for p in s["paragraphs"])
    assert explained["scenario"] == "five tasks, one 8B base model"
    assert (explained["horizon_months"], explained["discount_rate_annual"]) == (24, 0.10)
    assert explained["workloads"] == analyzed["workloads"]
    assert explained["verdict"] == analyzed["verdict"]
    assert [a["name"] for a in explained["alternatives"]] == [SHARED, SEPARATE]


def test_month_1_and_the_one_time_cost_by_hand(explained: dict[str, Any]) -> None:
    """Month 1 on $2.50 in / $10 out per million tokens: support triage 400k × $0.00525,
    ticket summaries 150k × $0.0105, product tagging 60k × $0.0019, email drafts 40k ×
    $0.007, SQL helper 15k × $0.0075 = $2,100 + $1,575 + $114 + $280 + $112.50 =
    $4,181.50 for 665,000 requests. Shared: 2 L40S × 730 h × $0.86 = $1,255.60, ops $500,
    5% escalated $209.075: $1,964.675. A fleet per task: 5 GPUs, $3,139 + $500 + $209.075.
    Once: 120 h × $120 = $14,400 shared, and each task's data, eval and 3 runs: $4,150 +
    $4,240 + $1,260 + $2,420 + $1,920 = $13,990."""
    shared, separate = explained["alternatives"]
    base = 2100 + 1575 + 114 + 280 + 112.5
    one = shared["month_1"]
    assert one["requests"] == 665_000
    assert one["baseline_usd"] == pytest.approx(base)
    assert one["baseline_usd_per_1k_requests"] == pytest.approx(base / 665)
    assert one["alternative_usd"] == pytest.approx(2 * 730 * 0.86 + 500 + 0.05 * base)
    assert one["saving_usd"] == pytest.approx(2216.825)
    assert separate["month_1"]["alternative_usd"] == pytest.approx(5 * 730 * 0.86 + 709.075)
    assert separate["month_1"]["saving_usd"] == pytest.approx(333.425)
    for alt in (shared, separate):
        assert alt["shared_one_time_usd"] == 120 * 120
        assert alt["one_time_usd"] == 14_400 + 4150 + 4240 + 1260 + 2420 + 1920  # $28,390
        assert alt["last_month"] == {"month": 24, "saving_usd": alt["month_1"]["saving_usd"]}
    words = _words(explained)
    assert (
        "the 5 workloads cost $4,182 on today's APIs (665,000 requests, $6.29 per 1,000)" in words
    )
    assert "for $1,965 a month in month 1, against $4,182" in words
    assert "costs $3,848 ($5.79 per 1,000), so switching saves $333 that month" in words


def test_the_break_even_worked_out_by_hand(
    explained: dict[str, Any], analyzed: dict[str, Any]
) -> None:
    """-$28,390 + 12 × $2,216.825 = -$1,788.10 after month 12, + $2,216.825 = $428.725
    after month 13: break-even 12 + 1,788.1 / 2,216.825 = month 12.81, after that many
    months of 665,000 requests."""
    shared, separate = explained["alternatives"]
    assert shared["crossing"]["month"] == 13
    assert shared["crossing"]["savings_before_usd"] == pytest.approx(-1788.1)
    assert shared["crossing"]["savings_after_usd"] == pytest.approx(428.725)
    month = 12 + 1788.1 / 2216.825
    assert shared["break_even_month"] == pytest.approx(month)
    assert shared["break_even_requests"] == pytest.approx(month * 665_000)
    assert separate["crossing"] is None  # "They never reach zero within 24 months."
    assert separate["break_even_month"] is None
    for mine, theirs in zip(explained["alternatives"], analyzed["alternatives"], strict=True):
        for key in ("break_even_month", "break_even_requests", "npv_usd", "pays_back_within"):
            assert mine[key] == theirs[key], key
        assert mine["within_a_quarter"] is theirs["pays_back_within"]["3"] is False
        assert mine["quarter"] == theirs["quarter"]
    assert round(shared["npv_usd"]) == 19_858
    words = _words(explained)
    assert "-$1,788 at the end of month 12, $429 at the end of month 13" in words
    assert "break-even = 12 + $1,788 / $2,217 = month 12.81, after 8,516,392 requests" in words
    assert "its NPV over 24 months at 10% is $19,858" in words


def test_the_fleet_roles_and_order_are_the_portfolios(
    explained: dict[str, Any], analyzed: dict[str, Any]
) -> None:
    shared, separate = explained["alternatives"]
    assert shared["shared_fleet"] == {
        "gpus_month_1": 2,  # min_replicas = 2: "The shared fleet runs 2 GPUs in month 1"
        "pinned_gpus_month_1": 0,
        "mixed_gpus_month_1": 1,  # the traffic needs one; min_replicas keeps the second
        "spare_gpus_month_1": 1,  # 0 + 1 + 1 + 0 = 2: the counts add up to the fleet
        "idle_gpus_month_1": 0,  # no commitment: nothing reserved beyond the need
        "idle_gpus_max": 0,
        "months_with_idle_gpus": 0,
    }
    assert separate["shared_fleet"] is None
    # a fleet per workload, one GPU each (min_replicas 1 and each under a GPU's capacity):
    # "Each workload runs its own fine-tuned model on its own fleet: 5 GPUs in all in month 1"
    assert separate["own_fleets"] == {
        "gpus_month_1": 5,
        "gpus_max": 5,
        "spare_gpus_month_1": 0,  # each fleet per workload holds what its traffic needs
        "idle_gpus_month_1": 0,
        "idle_gpus_max": 0,
        "months_with_idle_gpus": 0,
    }
    assert shared["own_fleets"] is None
    assert "on its own fleet: 5 GPUs in all in month 1." in _words(explained)
    for mine, theirs in zip(explained["alternatives"], analyzed["alternatives"], strict=True):
        assert mine["contributions"] == theirs["contributions"]
        assert mine["carry_the_fleet"] == theirs["carry_the_fleet"]
        assert mine["ride_on_it"] == theirs["ride_on_it"]
        assert mine["migration_order"] == theirs["migration_order"]
        assert mine["greedy_is_best"] == theirs["greedy_is_best"] is True
    assert shared["ride_on_it"] == ["SQL helper"]  # "SQL helper saves less: it rides on it"
    assert separate["ride_on_it"] == ["product tagging", "email drafts", "SQL helper"]
    # support triage moves first and pays the shared one-time cost (-$13,340), which the
    # others repay: it carries the fleet, and its move is not said to lower the NPV
    assert shared["lowers_the_npv"] == []
    assert separate["lowers_the_npv"] == ["email drafts", "product tagging", "SQL helper"]
    steps = shared["migration_order"]
    assert [round(s["marginal_npv_usd"]) for s in steps] == [-13_340, 28_325, 3_369, 1_097, 406]
    assert steps[-1]["npv_usd"] == pytest.approx(shared["npv_usd"])
    words = _words(explained)
    assert (
        "Moved after the workloads before them, email drafts, product tagging, SQL helper "
        "lower the NPV" in words
    )
    assert "support triage lower" not in words
    assert "SQL helper adds $406 (NPV so far $19,858, break-even month 12.8)" in words


def test_the_drivers_are_sensitivitys_with_their_words(explained: dict[str, Any]) -> None:
    ranked = _json("sensitivity", PORTFOLIO)["alternatives"]
    for alt, theirs in zip(explained["alternatives"], ranked, strict=True):
        drivers = alt["drivers"]
        assert [d["parameter"] for d in drivers] == [d["parameter"] for d in theirs["drivers"]]
        for mine, same in zip(drivers, theirs["drivers"], strict=True):
            assert {k: mine[k] for k in same} == same
    shared, separate = explained["alternatives"]
    first, trend, triage = shared["drivers"][:3]
    assert (first["low"], first["high"]) == (1.875, 3.125)  # ±25% of $2.50
    assert (first["label"], first["range"]) == (
        "baseline input price",
        "$1.88 to $3.13/1M tokens, ±25%",  # the ends in cents, as sensitivity writes them
    )
    assert first["changes_the_answer"] is True
    assert trend["range"] == "-30.0% to 0.0% a year, assumed for a rate left at 0"
    assert trend["break_even_month_low"] is None
    assert triage["parameter"] == "workloads.0.traffic.requests_per_month"
    assert triage["label"] == "support triage's requests per month, in month 1"
    labels = {d["label"] for d in shared["drivers"]}  # a name ending in s takes an apostrophe
    assert "ticket summaries' requests per month, in month 1" in labels
    assert not [label for label in labels if "s's " in label]
    assert shared["measure_first"] == {
        "parameter": "baseline.input_usd_per_mtok",
        "what": "the price on your API contract",
    }
    assert separate["measure_first"]["parameter"] == "alternatives.1.usd_per_gpu_hour"
    words = _words(explained)
    assert (
        "baseline price trend (baseline.price_change_annual; -30.0% to 0.0% a year, assumed "
        "for a rate left at 0): NPV -$3,160 to $19,858" in words
    )
    assert "Measure first: quotes from two or three GPU providers." in words


def test_help_names_every_portfolio_number(explained: dict[str, Any]) -> None:
    code, out, _ = run("explain", "--help")
    assert code == 0
    words = " ".join(out.replace("│", " ").split())
    assert "For a scenario with workloads (a portfolio)" in words
    for key in explained:
        assert key in words, key
    for key in explained["alternatives"][0]:
        assert key in words, key


PRICED = """
[scenario]
name = "two tasks, a cheaper API"
horizon_months = 12

[baseline]
name = "big API"
kind = "per_request"
usd_per_1k_requests = 10.0

[[alternatives]]
name = "small API"
kind = "per_request"
usd_per_1k_requests = 6.0
one_time = { engineer_hours = 10, engineer_usd_per_hour = 100.0 }

[[alternatives]]
name = "same API"
kind = "per_request"
usd_per_1k_requests = 10.0

[[workloads]]
name = "a"
traffic = { requests_per_month = 100000 }

[[workloads]]
name = "b"
traffic = { requests_per_month = 50000 }
"""


def test_an_api_priced_per_request_has_no_fleet_in_words_or_numbers(tmp_path: Path) -> None:
    """150,000 requests at $10 and $6 per 1,000: $1,500 against $900, $600 saved a month
    after 10 h x $100 = $1,000 once: -$400 after month 1, $200 after month 2, break-even
    1 + 400/600 = month 1.67 (250,000 requests), NPV 12 x $600 - $1,000 = $6,200. At the
    baseline's price with nothing up front the explanation said "It pays back at once",
    "after a one-time $0.00", "NPV $0.00" and "a, b save less than their own fleet costs"
    of an option with no fleet; now the verdict's own words and no fleet."""
    path = tmp_path / "priced.toml"
    path.write_text(PRICED)
    data = _json("explain", path)
    small, same = data["alternatives"]
    assert small["month_1"] == {
        "requests": 150_000,
        "baseline_usd": 1500,
        "baseline_usd_per_1k_requests": 10,
        "alternative_usd": 900,
        "alternative_usd_per_1k_requests": 6,
        "saving_usd": 600,
    }
    assert small["crossing"] == {"month": 2, "savings_before_usd": -400, "savings_after_usd": 200}
    assert small["break_even_month"] == pytest.approx(1 + 400 / 600)
    assert small["break_even_requests"] == pytest.approx(250_000)
    assert small["npv_usd"] == pytest.approx(6200)
    assert small["shared_fleet"] is None
    assert small["fleet"] is None
    assert (same["saves_nothing"], same["crossing"], same["npv_usd"]) == (True, None, 0)
    assert same["ride_on_it"] == ["a", "b"]
    words = " ".join(" ".join(_words(data).split()).split())
    assert "break-even = 1 + $400 / $600 = month 1.67, after 250,000 requests" in words
    assert "It pays back at once" not in words
    assert "own fleet" not in words
    assert "$0.00" not in words
    assert (
        "against $1,500 on what they use today, with nothing to pay up front. It is not "
        "cheaper per request than the baseline" in words
    )
    assert "its NPV over 12 months is $0." in words
    assert "Once their own one-time items are paid, a, b save nothing by moving" in words


def test_an_option_that_saves_nothing_does_not_pay_back_within_anything(
    tmp_path: Path,
) -> None:
    """At the baseline's price with nothing up front the break-even is month 0 by the
    formula, and the portfolio said it paid back within 3, 6 and 12 months and "pays back
    within a quarter (at once)"; a scenario says no to each, and that it is not cheaper."""
    path = tmp_path / "priced.toml"
    path.write_text(PRICED)
    for data in (_json("analyze", path)["portfolio"], _json("explain", path)):
        same = data["alternatives"][1]
        assert same["pays_back_within"] == {"3": False, "6": False, "12": False, "horizon": False}
        assert same["quarter"].startswith("It is not cheaper per request than the baseline")
    small = _json("analyze", path)["portfolio"]["alternatives"][0]
    assert small["pays_back_within"] == {"3": True, "6": True, "12": True, "horizon": True}


def test_a_portfolio_without_distributions_says_every_sample_is_the_same(
    tmp_path: Path,
) -> None:
    """With no input a distribution, the samples' line read one NPV three times ("NPV p10
    $6,200, p50 $6,200, p90 $6,200"); it now says why, as one scenario's does."""
    path = tmp_path / "priced.toml"
    path.write_text(PRICED)
    out = sampled_markdown(path, 50, tmp_path / "r.md")  # the command line refuses it
    lines = [line for line in out.splitlines() if line.startswith("Monte Carlo (50 samples)")]
    assert (
        lines
        == [
            "Monte Carlo (50 samples): the scenario has no distributions, so every sample is the same."
        ]
        * 2
    )
    assert "p10" not in out
    # analyze, whose samples give only chances, refuses them: nothing would be sampled
    code, out, err = run("analyze", path, "--samples", "50", "--json")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: --samples: {path} has no distributions, so every sample")


def test_an_option_that_saves_nothing_has_no_break_even_at_once(tmp_path: Path) -> None:
    """Its break-even is month 0 by the formula: the portfolio's terminal and reports read
    "at once, after 0 requests", where one scenario's analyze says nothing is saved."""
    path = tmp_path / "priced.toml"
    path.write_text(PRICED)
    code, out, err = run("analyze", path)
    assert code == 0, err
    rows = [" ".join(line.split()) for line in out.splitlines() if line.startswith("Break-even")]
    assert rows == [
        "Break-even month 1.67, after 250,000 requests",
        "Break-even nothing saved: not cheaper per request, nothing up front",
    ]
    report = tmp_path / "r.md"
    code, _, err = run("report", path, "-o", report)
    assert code == 0, err
    text = report.read_text()
    assert "| break-even | nothing saved: not cheaper per request, nothing up front |" in text
    assert "at once, after 0 requests" not in text
