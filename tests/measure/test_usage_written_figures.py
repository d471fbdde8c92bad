"""What ``payback usage -o`` tells about the file it writes is derived from the numbers
as the file holds them (rounded first), so that it says what ``payback analyze`` says of
that file: the growth caution's requests at the horizon, the title's requests a month."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from helpers import run
from payback import load_scenario, profile_usage

pytestmark = pytest.mark.slow  # request logs read through DuckDB, command lines

HEADER = "created_at,model,prompt_tokens,completion_tokens\n"
PER_DAY = [10, 11, 13, 15, 17, 19, 22, 25]
"""Requests a day in January to August 2026 (every day of a month alike)."""


def growing_logs(path: Path) -> Path:
    """``PER_DAY[m]`` requests every day of month m of 2026 (January first), evenly apart
    from 00:30 to 23:30, each of 1,000/200 tokens: eight complete months growing by about
    14% a month, so the growth is written."""
    rows = []
    day = dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC)
    while day.month <= len(PER_DAY) and day.year == 2026:
        n = PER_DAY[day.month - 1]
        step = dt.timedelta(hours=23) / (n - 1)
        rows += [f"{(day + k * step).isoformat()},m,1000,200\n" for k in range(n)]
        day += dt.timedelta(days=1)
    path.write_text(HEADER + "".join(rows))
    return path


def test_the_month_24_figure_usage_tells_is_analyzes_of_the_written_file(
    tmp_path: Path,
) -> None:
    """It said 16,086 requests in month 24 from the unrounded 760.94 requests and
    +14.1861% a month, where analyze of the written file (761 and 0.1419) says 16,100."""
    logs = growing_logs(tmp_path / "logs.csv")
    profile = profile_usage([logs])
    # 25 a day in August x 30.4375 = 760.9375; the fit of ln(per day) over the 8 months
    # grows 14.1861% a month, written to 4 decimals
    assert profile.traffic["requests_per_month"] == 25 * 30.4375
    assert round(profile.traffic["growth_monthly"], 4) == 0.1419
    scenario = tmp_path / "sc.toml"
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    written = load_scenario(scenario).traffic
    assert (written.requests_per_month, written.growth_monthly) == (761, 0.1419)
    # 761 x 1.1419^23 = 16,100.17 (the unrounded figures gave 760.9375 x 1.141861^23 = 16,086.27)
    assert f"{761 * 1.1419**23:,.0f}" == "16,100"
    said = " ".join(err.split())
    assert (
        "compounded over the scenario's 24 months it gives 16,100 requests in month 24 "
        "(from 761 a month now); check that it can last that long"
    ) in said
    code, out, err = run("analyze", scenario)
    assert code == 0, err
    told = re.search(r"requests in month 1, \+14\.19%/month to ([0-9,.k]+) in month 24", out)
    assert told is not None, out
    assert told.group(1) == "16,100"
    assert load_scenario(scenario).scenario.name.startswith("761 requests/month from logs.csv: ")


def test_the_table_beside_a_written_file_shows_its_numbers_as_written(tmp_path: Path) -> None:
    """Cached share 48,951 / 100,000 = 48.951% reads "49.0%"; the file holds 0.4895 (four
    decimals), which analyze reads as 48.95%: beside ``-o`` the table says "48.9%" (Python
    rounds 48.949999... down), the file's number, and without ``-o`` the measured "49.0%"."""
    logs = tmp_path / "cached.csv"
    rows = [f"2026-11-{d:02d}T12:00:00Z,m,100000,200,48951\n" for d in range(1, 31)]
    logs.write_text(
        "created_at,model,prompt_tokens,completion_tokens,cached_tokens\n" + "".join(rows)
    )
    profile = profile_usage([logs])
    assert profile.traffic["cached_input_share"] == pytest.approx(0.48951, abs=1e-12)
    code, out, err = run("usage", logs)
    assert code == 0, err
    assert re.search(r"cached_input_share\s+49\.0%", out), out
    code, out, err = run("usage", logs, "-o", tmp_path / "sc.toml")
    assert code == 0, err
    assert load_scenario(tmp_path / "sc.toml").traffic.cached_input_share == 0.4895
    assert re.search(r"cached_input_share\s+48\.9%", out), out
