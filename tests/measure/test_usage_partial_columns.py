"""Files read together where some lack a column the others have: a cached-token column
(the share is not measured, the files named) and a model column (``--model`` does not
read the months only such a file covers as the model's zeros)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import run
from payback import profile_usage

KEPT = "a scenario written from these logs keeps its own"


def hourly(first: dt.date, last: dt.date) -> list[dt.datetime]:
    """A request at :30 past every hour from ``first`` to the end of ``last``."""
    t = dt.datetime(first.year, first.month, first.day, 0, 30, tzinfo=dt.UTC)
    end = dt.datetime(last.year, last.month, last.day, tzinfo=dt.UTC) + dt.timedelta(days=1)
    times = []
    while t < end:
        times.append(t)
        t += dt.timedelta(hours=1)
    return times


def test_a_file_without_cached_tokens_leaves_the_share_unmeasured(tmp_path: Path) -> None:
    """a.csv (no cached column) and b.csv (250 of 1,000 input tokens cached), as many
    requests each: counted as none cached the share read 0.125, half the 0.25 b.csv says."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    times = hourly(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    a.write_text("ts,input_tokens,output_tokens\n" + "".join(f"{t},1000,100\n" for t in times))
    b.write_text(
        "ts,input_tokens,output_tokens,cached_tokens\n"
        + "".join(f"{t + dt.timedelta(minutes=1)},1000,100,250\n" for t in times)
    )
    got = profile_usage([a, b])
    assert "cached_input_share" not in got.traffic
    assert got.to_dict()["traffic"]["cached_input_share"] is None
    assert (
        f"cached_input_share is not measured: {a} gives no cached-token count (no such column "
        f"or key) where the other files do (counted as none cached, it would read 0.125); the "
        f"files that give it, read alone, measure it ({KEPT})"
    ) in got.notes
    assert profile_usage([b]).traffic["cached_input_share"] == pytest.approx(0.25)
    scenario = tmp_path / "s.toml"
    code, _, err = run("usage", a, b, "-o", scenario)
    assert code == 0, err
    assert "cached_input_share" not in scenario.read_text().split("[traffic]")[1].split("[")[0]


def test_a_file_without_models_is_not_the_models_zeros(tmp_path: Path) -> None:
    """early.csv (January to March, no model column) and late.csv (April to June, all
    gpt-4o, 24 a day): --model gpt-4o had read January to March as complete months without
    a request of it (no growth); now they are not its coverage, the growth is fitted over
    April to June (flat: 0), and the file is named."""
    early, late = tmp_path / "early.csv", tmp_path / "late.csv"
    first = hourly(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    early.write_text("ts,input_tokens,output_tokens\n" + "".join(f"{t},1000,100\n" for t in first))
    second = hourly(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    late.write_text(
        "ts,model,input_tokens,output_tokens\n" + "".join(f"{t},gpt-4o,1000,100\n" for t in second)
    )
    got = profile_usage([early, late], model="gpt-4o")
    assert got.span["complete_months"] == ["2026-04", "2026-05", "2026-06"]
    assert got.traffic["growth_monthly"] == pytest.approx(0.0, abs=1e-12)
    assert got.traffic["requests_per_month"] == pytest.approx(24 * 365.25 / 12)
    assert got.warnings == [
        f"{early} names no model (no model column, or every row's empty) where the other "
        f"files name one: the model filter (gpt-4o) leaves its {len(first):,} rows out, and "
        "the months only it covers are not counted as gpt-4o's zeros; name the column that "
        "holds the model with columns model=COLUMN"
    ]
    everything = profile_usage([early, late])  # without --model both files count
    assert everything.span["complete_months"][0] == "2026-01"
