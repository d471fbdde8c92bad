"""A window past the horizon is no where the horizon shows it never pays back, tried as a
new user would: the seed's $400 project with the alternative at $16/1k against the
baseline's $15/1k, 20,000 requests a month, 6 months: $320 against $300, $20 more every
month at constant prices, so the verdict says the $400 "is never recovered", while the
same screen said "12: unknown (horizon too short)"."""

from __future__ import annotations

from pathlib import Path

from helpers import run
from payback import analyze
from payback.scenario import parse_scenario
from payback.scenario.io import read_scenario_data

WORSE = """[scenario]
name = "seed, dearer"
horizon_months = 6

[traffic]
requests_per_month = 20000

[baseline]
name = "hosted big model"
kind = "per_request"
usd_per_1k_requests = 15.0

[[alternatives]]
name = "fine-tuned small model"
kind = "per_request"
usd_per_1k_requests = {price}

[alternatives.one_time]
data_usd = 150.0
training_usd = 50.0
engineer_hours = 2
engineer_usd_per_hour = 100.0
"""


def _alt(tmp_path: Path, price: float):  # type: ignore[no-untyped-def]
    path = tmp_path / "worse.toml"
    path.write_text(WORSE.format(price=price), encoding="utf-8")
    return path, analyze(parse_scenario(read_scenario_data(path))).alternatives[0]


def test_an_alternative_dearer_every_month_is_no_past_the_horizon(tmp_path: Path) -> None:
    path, alt = _alt(tmp_path, 16.0)
    assert alt.monthly_savings_usd == [300.0 - 320.0] * 6
    assert alt.cumulative_savings_usd[-1] == -400 - 6 * 20 == -520
    assert alt.pays_back_within == {"3": False, "6": False, "12": False, "horizon": False}
    code, out, _ = run("analyze", path)
    assert code == 0
    assert "Pays back within    3 months: no; 6: no; 12: no\n" in out
    assert "so the $400.00 up front is never recovered" in " ".join(out.split())


def test_one_that_saves_is_still_unknown_past_the_horizon(tmp_path: Path) -> None:
    """At $14.90/1k it saves $2 a month: $388 still owed at month 6, month 12 not known."""
    _, alt = _alt(tmp_path, 14.9)
    assert alt.pays_back_within["12"] is None
