"""What the logs cannot measure is said so, once, and not written over a scenario's own
value (tried as a new user would): logs without a cached-token column wrote
``cached_input_share = 0.0`` over a scenario's 0.165 (the NPV moved 25%) and showed 0.0%;
logs without a complete month said both that growth_monthly is not written and that it is
0; one repeated request id was told twice, once as "1 duplicated request ids"."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from helpers import run
from payback import load_scenario
from usage_logs import daily_logs as logs
from usage_logs import starter_scenario

NO_CACHED = (
    "note: the logs have no cached-token column, so cached_input_share is not measured (a "
    "scenario written from these logs keeps its own); name the column with columns "
    "cached=COLUMN if they have one"
)


def scenario(path: Path, cached: str = "0.165", growth: str = "0.0") -> Path:
    return starter_scenario(path, cached_input_share=cached, growth_monthly=growth)


def test_no_cached_column_is_not_measured_and_the_scenario_keeps_its_own(tmp_path: Path) -> None:
    """October and November 2026 without a cached column: the 0.165 stays."""
    csv = logs(tmp_path / "big.csv", dt.date(2026, 10, 1), 61)
    s12b = scenario(tmp_path / "s12b.toml")
    code, out, err = run("usage", csv, "-o", s12b)
    assert code == 0, err
    assert load_scenario(s12b).traffic.cached_input_share == 0.165
    assert load_scenario(s12b).traffic.input_tokens == 1000.0  # the rest is written
    assert "cached_input_share not measured (no cached-token column)" in " ".join(out.split())
    assert "0.0%" not in out
    # said once, with the value the file keeps (it was said twice: the logs' note and -o's)
    said = [line for line in err.splitlines() if "cached_input_share" in line]
    assert said == [
        f"note: {s12b}: the logs have no cached-token column, so cached_input_share is not "
        "measured (the scenario keeps its own 0.165); name the column with --columns "
        "cached=COLUMN if they have one"
    ]
    # --json: null in traffic (not measured), None by month, the reason in the notes
    code, out, err = run("usage", csv, "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["traffic"]["cached_input_share"] is None
    assert got["traffic"]["input_tokens"] == 1000.0
    assert [m["cached_input_share"] for m in got["by_month"]] == [None, None]
    assert NO_CACHED.removeprefix("note: ") in got["notes"]


def test_no_cached_column_gives_a_new_scenario_the_starters_share(tmp_path: Path) -> None:
    new = tmp_path / "new.toml"
    code, _, err = run("usage", logs(tmp_path / "a.csv", dt.date(2026, 10, 1), 61), "-o", new)
    assert code == 0, err
    assert load_scenario(new).traffic.cached_input_share == 0.2  # the starter's
    assert [line for line in err.splitlines() if "cached_input_share" in line] == [
        f"note: {new}: the logs have no cached-token column, so cached_input_share is not "
        "measured (the new scenario has the starter's 0.2; set yours); name the column with "
        "--columns cached=COLUMN if they have one"
    ]
    # the file says so beside the figure (its comment read as if the logs had measured it)
    assert (
        "cached_input_share = 0.2          # the starter's, not in the logs: share of input "
        "tokens billed at the cached price\n"
    ) in new.read_text(encoding="utf-8")
    yaml = tmp_path / "new.yaml"
    code, _, err = run("usage", logs(tmp_path / "a.csv", dt.date(2026, 10, 1), 61), "-o", yaml)
    assert code == 0, err
    assert "# the starter's, not in the logs: share of input" in yaml.read_text(encoding="utf-8")


def test_a_cached_column_of_zeros_measures_zero(tmp_path: Path) -> None:
    csv = logs(tmp_path / "z.csv", dt.date(2026, 10, 1), 61, cached="0")
    s = scenario(tmp_path / "s.toml")
    code, out, err = run("usage", csv, "-o", s)
    assert code == 0, err
    assert load_scenario(s).traffic.cached_input_share == 0.0
    assert "cached_input_share 0.0% (cached / input tokens)" in " ".join(out.split())
    assert "cached_input_share is not measured" not in err
    # and a column of 250 of 1,000 measures 0.25
    code, _, err = run("usage", logs(tmp_path / "q.csv", dt.date(2026, 10, 1), 61, "250"), "-o", s)
    assert code == 0, err
    assert load_scenario(s).traffic.cached_input_share == 0.25


def test_no_complete_month_says_once_that_growth_is_not_measured(tmp_path: Path) -> None:
    """It also noted "fewer than two complete months: growth_monthly is 0"."""
    csv = logs(tmp_path / "w.csv", dt.date(2026, 5, 18), 14, cached="100")
    re_toml = scenario(tmp_path / "re.toml", growth="0.0587")
    code, out, err = run("usage", csv, "-o", re_toml)
    assert code == 0, err
    said = [line for line in err.splitlines() if "growth_monthly" in line]
    assert said == [
        f"warning: {re_toml}: growth_monthly is not measured: the logs hold no complete month; "
        "the scenario keeps its own 0.0587: set the growth you expect, or measure 6 complete "
        "months or more"
    ]
    assert load_scenario(re_toml).traffic.growth_monthly == 0.0587
    assert "growth_monthly not measured (fewer than two complete months to fit)" in " ".join(
        out.split()
    )


def test_one_repeated_request_id_is_said_once_in_the_singular(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text(
        "ts,prompt_tokens,completion_tokens,cached_tokens,id\n"
        "2026-01-05T10:00:00Z,10,5,0,a\n2026-01-05T10:20:00Z,10,5,0,a\n"
        "2026-01-05T11:00:00Z,10,5,0,b\n"
    )
    code, out, err = run("usage", path)
    assert code == 0, err
    words = " ".join(out.split())
    assert (
        "1 row dropped as repeats of a request id seen before (the same request logged twice, "
        "or overlapping exports): each request is counted once"
    ) in words
    assert "duplicated request ids" not in words
    assert "request id" not in err


def test_json_records_measure_a_cached_share_only_where_one_has_the_key(tmp_path: Path) -> None:
    from payback import profile_usage

    rows = [
        {"ts": f"2026-01-05T{h:02d}:00:00Z", "input_tokens": 1000, "output_tokens": 200}
        for h in range(4)
    ]
    none = tmp_path / "none.jsonl"
    none.write_text("".join(json.dumps(r) + "\n" for r in rows))
    profile = profile_usage([none])
    assert "cached_input_share" not in profile.traffic
    assert NO_CACHED.removeprefix("note: ") in profile.notes
    rows[0]["cached_tokens"] = 400  # one record of four: 400 of 4,000 input tokens
    some = tmp_path / "some.jsonl"
    some.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert profile_usage([some]).traffic["cached_input_share"] == 0.1
