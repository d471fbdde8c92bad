"""``explain --json`` gives the numbers its prose says, beside the prose: a script read
only ``sections`` of paragraphs and had to parse "month 13.37" back out of them. Checked
on the bundled quarter-200k example against ``analyze --json``, ``solve``, ``sensitivity``
and by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, QUARTER, run


def _json(*args: str | Any) -> Any:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def explained() -> dict[str, Any]:
    return _json("explain", QUARTER)  # type: ignore[no-any-return]


def test_the_prose_stays_beside_the_numbers(explained: dict[str, Any]) -> None:
    titles = [s["title"] for s in explained["sections"]]
    assert titles[:3] == [
        "what the project really costs",
        "how the break-even is computed here",
        "the verdict",
    ]
    assert all(isinstance(p, str) for s in explained["sections"] for p in s["paragraphs"])
    assert explained["scenario"] == (
        "200k requests/month: hosted big model vs fine-tuned 7B on one rented L4"
    )
    assert (explained["horizon_months"], explained["discount_rate_annual"]) == (24, 0.10)
    assert explained["baseline"] == "hosted big model"


def test_the_verdict_and_break_even_are_analyzes(explained: dict[str, Any]) -> None:
    analyzed = _json("analyze", QUARTER)
    alt, same = explained["alternatives"][0], analyzed["alternatives"][0]
    assert alt["verdict"] == analyzed["verdict"]  # one alternative: the scenario's verdict
    assert alt["verdict"].endswith("month 13.4 (after ~2,673,817 requests), not within a "
                                   "quarter; NPV $7,836 over 24 months at 10%")  # fmt: skip
    for key in ("break_even_month", "break_even_requests", "npv_usd", "one_time_usd"):
        assert alt[key] == same[key], key
    assert alt["pays_back_within"] == same["pays_back_within"]
    assert alt["within_a_quarter"] is False
    assert alt["one_time_items_usd"] == same["one_time_items_usd"]
    assert alt["one_time_usd"] == 4000 + 60 * 120 + 1500 + 4 * 40  # $12,860


def test_the_break_even_worked_out_by_hand(explained: dict[str, Any]) -> None:
    """200k requests at (1,600 × $3 + 400 × $0.30 + 400 × $15) per million tokens:
    $10.92 per 1k, $2,184 a month; the L4 730 h × $0.80 = $584, 10% escalated $218.40,
    ops $300: $1,102.40; $1,081.60 saved a month, $281.60 in the retraining months 6 and
    12. Savings: -12,860 + 11 × 1,081.6 + 2 × 281.6 = -399.20 after month 13, +1,081.6
    = 682.40 after month 14: break-even 13 + 399.2 / 1,081.6."""
    alt = explained["alternatives"][0]
    month_1 = alt["month_1"]
    assert month_1["requests"] == 200_000
    assert month_1["baseline_usd"] == pytest.approx(2184.0)
    assert month_1["baseline_usd_per_1k_requests"] == pytest.approx(10.92)
    assert month_1["alternative_usd"] == pytest.approx(584 + 218.4 + 300)
    assert month_1["saving_usd"] == pytest.approx(1081.6)
    assert month_1["components_usd"] == pytest.approx(
        {"gpus": 584.0, "escalation": 218.4, "ops": 300.0, "retraining": 0.0}
    )
    assert alt["retraining"] == {"usd": 800.0, "every_months": 6}
    assert alt["monthly_difference_moves_because"] == ["retraining months cost more"]
    crossing = alt["crossing"]
    assert crossing["month"] == 14
    assert crossing["savings_before_usd"] == pytest.approx(-399.2)
    assert crossing["savings_after_usd"] == pytest.approx(682.4)
    assert alt["break_even_month"] == pytest.approx(13 + 399.2 / 1081.6)
    assert alt["after_a_quarter"]["months"] == 3
    assert alt["after_a_quarter"]["recovered_usd"] == pytest.approx(3 * 1081.6)
    assert alt["over_horizon"]["baseline_usd"] == pytest.approx(24 * 2184)
    assert alt["over_horizon"]["alternative_running_usd"] == pytest.approx(24 * 1102.4 + 4 * 800)
    # the prose says the same numbers
    words = " ".join(p for s in explained["sections"] for p in s["paragraphs"])
    assert "-$399 at the end of month 13, $682 at the end of month 14" in words
    assert "break-even = 13 + $399 / $1,082 = month 13.37" in words
    assert "After 3 months it has recovered $3,245 of the $12,860" in words


def test_the_traffic_for_a_quarter_is_solves(explained: dict[str, Any]) -> None:
    alt = explained["alternatives"][0]
    solved = _json(
        "solve", QUARTER, "--vary", "traffic.requests_per_month", "--target", "break_even_month=3"
    )
    traffic = alt["traffic_for_a_quarter"]
    assert traffic["requests_per_month"] == 585_538 == -(-solved["value"] // 1)
    assert (traffic["at_least"], traffic["single_crossing"], traffic["today"]) == (
        True,
        True,
        200_000,
    )


def test_the_fleet_and_the_levers_by_hand(explained: dict[str, Any]) -> None:
    """180,000 served requests a month (10% escalated) over 730 h at 0.85 requests/s:
    8.06% busy, 32.2% at the 4x busiest hour; $584 × (1 - 0.0806) idle. Scaled to zero it
    pays 180,000 / (0.85 × 0.7 × 3,600) = 84.03 busy GPU-hours × $0.80 = $67.23."""
    alt = explained["alternatives"][0]
    fleet = alt["fleet"]
    busy = 180_000 / (730 * 3600) / 0.85
    assert fleet["average_utilisation_month_1"] == pytest.approx(busy)
    assert fleet["busiest_hour_utilisation_month_1"] == pytest.approx(4 * busy)
    assert fleet["idle_usd_month_1"] == pytest.approx(584 * (1 - busy))
    assert fleet["idle_usd_over_horizon"] == pytest.approx(24 * 584 * (1 - busy))
    zero = alt["levers"]["scaled_to_zero"]
    assert zero["fleet_usd"] == pytest.approx(180_000 / (0.85 * 0.7 * 3600) * 0.80)
    assert zero["break_even_month"] == pytest.approx(8.546, abs=5e-4)  # "month 8.5"
    rent = alt["levers"]["usd_per_gpu_hour_for_a_quarter"]
    assert rent["value"] is None  # "not even a free GPU would pay back within a quarter"
    assert rent["nearest"]["usd_per_gpu_hour"] == 0.0
    assert rent["nearest"]["break_even_month"] == pytest.approx(8.2, abs=0.05)


def test_the_drivers_are_sensitivitys_with_their_words(explained: dict[str, Any]) -> None:
    alt = explained["alternatives"][0]
    ranked = _json("sensitivity", QUARTER)["alternatives"][0]["drivers"]
    drivers = alt["drivers"]
    assert [d["parameter"] for d in drivers] == [d["parameter"] for d in ranked]
    for mine, theirs in zip(drivers, ranked, strict=True):
        assert {k: mine[k] for k in theirs} == theirs
    first = drivers[0]
    assert first["parameter"] == "traffic.requests_per_month"
    assert (first["low"], first["high"]) == (150_000, 250_000)  # ±25% of 200,000
    assert first["range"] == "150k to 250k requests/month, ±25%"
    assert first["label"] == "requests per month, in month 1"
    assert first["break_even_month_low"] is None  # not within 24 months at 150k
    assert first["changes_the_answer"] is True
    assert alt["measure_first"] == {
        "parameter": "traffic.requests_per_month",
        "what": "your real monthly traffic, from request logs",
    }
    assert alt["uncertainty"] is None


def test_samples_give_what_the_samples_say() -> None:
    path = EXAMPLES / "quarter-uncertain.toml"
    args = ("--samples", "300", "--seed", "3")
    alt = _json("explain", path, *args)["alternatives"][0]
    sampled = _json("analyze", path, *args)["alternatives"][0]["uncertainty"]
    assert alt["uncertainty"] == {
        "samples": 300,
        "p_break_even_within": sampled["p_break_even_within"],
        "p_behind_again_at": sampled["p_behind_again_at"],
        "break_even_month_p50": sampled["break_even_month_percentiles"]["p50"],
        "p_npv_positive": sampled["p_npv_positive"],
    }
    assert [d["parameter"] for d in alt["drivers"]] == [d["parameter"] for d in sampled["drivers"]]


def test_every_alternative_has_its_own_numbers() -> None:
    data = _json("explain", EXAMPLES / "growth.toml")
    analyzed = _json("analyze", EXAMPLES / "growth.toml")
    assert [a["name"] for a in data["alternatives"]] == [
        a["name"] for a in analyzed["alternatives"]
    ]
    for mine, theirs in zip(data["alternatives"], analyzed["alternatives"], strict=True):
        assert mine["break_even_month"] == theirs["break_even_month"]
        assert mine["npv_usd"] == theirs["npv_usd"]
        assert mine["verdict"].startswith(repr(theirs["name"]))


def test_help_names_every_number(explained: dict[str, Any]) -> None:
    code, out, _ = run("explain", "--help")
    assert code == 0
    words = " ".join(out.replace("│", " ").split())
    for key in explained["alternatives"][0]:
        assert key in words, key
    for key in explained["alternatives"][0]["drivers"][0]:
        if key not in ("low", "high", "label", "range", "assumed"):
            assert key in words, key


def test_a_horizon_shorter_than_a_quarter_says_how_many_months(tmp_path: Path) -> None:
    """Over 2 months the prose says "After 2 months it has recovered $2,163": the numbers
    say 2 months, not a quarter, and no quarter's answer."""
    path = tmp_path / "two.toml"
    path.write_text(QUARTER.read_text().replace("horizon_months = 24 ", "horizon_months = 2 "))
    alt = _json("explain", path)["alternatives"][0]
    assert alt["after_a_quarter"] == {"months": 2, "recovered_usd": pytest.approx(2 * 1081.6)}
    assert alt["within_a_quarter"] is None
    assert alt["traffic_for_a_quarter"] is None
    assert alt["break_even_month"] is None
    assert alt["crossing"] is None
