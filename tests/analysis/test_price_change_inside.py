"""A catalog price that genai-prices lists as changing inside the horizon is warned about:
every month is priced as on the start date, and openai:o3 for a scenario starting
2025-05-20 was charged $10/$40 per Mtok for three months without a word, though it is
$2/$8 from 2025-06-10 (tried as a new user would)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run

SCENARIO = """
[scenario]
name = "o3"
horizon_months = {horizon}
start_date = {start}

[traffic]
requests_per_month = 1000000
input_tokens = 1000
output_tokens = 100

[baseline]
name = "o3"
kind = "hosted_api"
model = "openai:o3"
{prices}
[[alternatives]]
name = "cheap"
kind = "per_request"
usd_per_1k_requests = 1.0
"""
WARNED = (
    "warning: baseline.model: openai:o3's listed price changes on 2025-06-10, in month {month} "
    "of the {horizon}-month horizon (input $10 → $2, output $40 → $8 per Mtok); every month is "
    "priced as on {start}, the start: give baseline.price_change_annual or the prices to "
    "follow it, or a scenario.start_date from 2025-06-10 on"
)


@pytest.mark.parametrize(
    ("start", "horizon", "month"),
    [
        ("2025-05-20", 3, 1),  # 2025-06-10 is inside month 1 (May 20 to June 20)
        ("2025-03-01", 4, 4),  # inside month 4 (June 1 to July 1)
        ("2025-03-01", 3, None),  # month 4: past a 3-month horizon
        ("2025-06-10", 3, None),  # the start is on the new price
    ],
)
def test_a_change_inside_the_horizon_is_warned(
    tmp_path: Path, start: str, horizon: int, month: int | None
) -> None:
    path = tmp_path / "o3.toml"
    path.write_text(SCENARIO.format(start=start, horizon=horizon, prices=""), encoding="utf-8")
    code, _, err = run("analyze", path, "--json")
    assert code == 0, err
    if month is None:
        assert "listed price changes" not in err
    else:
        expected = WARNED.format(month=month, horizon=horizon, start=start)
        assert " ".join(err.split()).count(expected) == 1


@pytest.mark.parametrize(
    "given",
    ["input_usd_per_mtok = 10.0\noutput_usd_per_mtok = 40.0\n", "price_change_annual = -0.5\n"],
)
def test_prices_or_a_trend_given_in_the_file_are_not_warned_about(
    tmp_path: Path, given: str
) -> None:
    path = tmp_path / "o3.toml"
    path.write_text(SCENARIO.format(start="2025-05-20", horizon=3, prices=given), "utf-8")
    code, _, err = run("analyze", path)
    assert code == 0, err
    assert "listed price changes" not in err
