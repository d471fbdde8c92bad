"""``usage --json -o FILE`` and a scenario written before: what the file got, said in the
JSON, and the words an earlier ``-o`` wrote made true of the new logs.

``--json -o`` gave ``"warnings": []`` and the measured growth alone, while the file got
no growth (fitted from fewer than 6 months) and had a range replaced: those warnings went
to stderr only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers import run
from usage_logs import starter_scenario


def growing_logs(path: Path, months: int) -> Path:
    """Requests of 1,000/200 tokens, spread over each day: 10 a day in January 2026, 12 in
    February, 14 in March, ... for ``months`` months."""
    rows = ["timestamp,input_tokens,output_tokens"]
    day = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2026, 1 + months, 1, tzinfo=dt.UTC)
    while day < end:
        per_day = 10 + 2 * (day.month - 1)
        for k in range(per_day):
            at = day + dt.timedelta(hours=24 * k / per_day + 0.1)
            rows.append(at.strftime("%Y-%m-%dT%H:%M:%SZ") + ",1000,200")
        day += dt.timedelta(days=1)
    path.write_text("\n".join(rows) + "\n")
    return path


def test_json_carries_what_o_wrote_and_its_warnings(tmp_path: Path) -> None:
    """Three months (March: 14 a day × 30.4375 = 426.125 requests/month): the file gets
    426 and no growth, its requests_per_month range replaced; the JSON says both warnings
    and the numbers written (it said no warning, and only the growth measured)."""
    logs = growing_logs(tmp_path / "logs.csv", 3)
    target = starter_scenario(
        tmp_path / "s.toml",
        requests_per_month='{ dist = "triangular", low = 1000, mode = 2000, high = 3000 }',
    )
    code, out, err = run("usage", logs, "-o", target, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["written"] == str(target)
    assert data["traffic"]["requests_per_month"] == 426.125  # measured
    # 10, 12, 14 a day: (14 / 10) ** (1 / 2) - 1 a month, measured and not written
    assert data["traffic"]["growth_monthly"] == pytest.approx(1.4**0.5 - 1)
    assert data["written_traffic"] == {
        "requests_per_month": 426,
        "input_tokens": 1000.0,
        "output_tokens": 200.0,
        "peak_to_average": 1.714,  # 1 request in an hour of a 14-a-day month: 24 / 14
    }
    said = [w for w in data["warnings"] if w.startswith(f"{target}: ")]
    assert len(said) == 2, data["warnings"]
    assert said[0] == (
        f"{target}: traffic.requests_per_month was a triangular range (low = 1000, mode = "
        "2000, high = 3000); replaced by the measured 426; the range is kept in a comment "
        "after it"
    )
    assert said[1].startswith(
        f"{target}: growth_monthly +18.32% a month is fitted from only 3 complete months "
        "(2026-01 to 2026-03)"
    )
    assert "it is not written, the scenario keeps its own (growth_monthly = 0)" in said[1]
    assert "\ngrowth_monthly = 0.0 " in target.read_text()


def test_json_without_o_has_no_written_traffic(tmp_path: Path) -> None:
    code, out, err = run("usage", growing_logs(tmp_path / "logs.csv", 3), "--json")
    assert code == 0, err
    assert "written_traffic" not in json.loads(out)


def test_a_growth_comment_an_earlier_o_wrote_is_made_true(tmp_path: Path) -> None:
    """Three months, then seven: the second -o writes the growth fitted over 7 months (10
    to 22 a day: e^slope - 1 of the log-linear fit, 0.1388) and its comment is the
    starter's again; it kept '# was 0.0: 3 months (2026-01 to 2026-03) grew +18.32%/month:
    too few to extrapolate; set yours'."""
    import math

    target = tmp_path / "s.toml"
    code, _, err = run("usage", growing_logs(tmp_path / "three.csv", 3), "-o", target)
    assert code == 0, err
    first = [line for line in target.read_text().splitlines() if line.startswith("growth_")]
    assert first == [
        "growth_monthly = 0.0              # 3 months (2026-01 to 2026-03) grew "
        "+18.32%/month: too few to extrapolate; set yours"
    ]
    code, _, err = run("usage", growing_logs(tmp_path / "seven.csv", 7), "-o", target)
    assert code == 0, err
    logs = [math.log(10 + 2 * i) for i in range(7)]
    slope = sum((i - 3) * (y - sum(logs) / 7) for i, y in enumerate(logs)) / 28
    assert f"{math.exp(slope) - 1:.4f}" == "0.1388"
    second = [line for line in target.read_text().splitlines() if line.startswith("growth_")]
    assert second == ["growth_monthly = 0.1388           # compound; 0.05 = +5% a month"]
