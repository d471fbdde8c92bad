"""The rows of a log counted, shown and used agree (tried as a new user would): three
unreadable lines of a four-row CSV were counted 3 under Rows, yet shown as one ("1 of 3")
where the lines were alike; a TSV's rejected line had its tabs as spaces where its other
unreadable rows showed them as ``\\t``; and a row of more values than the header has
columns (1,200 written with an unquoted comma) was used with its values shifted and its
last one dropped, without a word."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run
from payback import profile_usage

HEADER = "timestamp,input_tokens,output_tokens\n"


def words(text: str) -> str:
    return " ".join(text.split())


def test_three_like_lines_that_do_not_split_are_shown_as_counted(tmp_path: Path) -> None:
    """1 row read, 3 short lines alike: 4 read, 1 used, 3 unreadable, and the 3 shown (it
    showed 1 of 3: the lines alike were shown once)."""
    logs = tmp_path / "four.csv"
    logs.write_text(HEADER + "2026-01-05T10:00:00Z,100,20\n" + "2026-01-05T11:00:00Z\n" * 3)
    code, out, err = run("usage", logs)
    assert code == 0, err
    said = words(out)
    assert "Rows: 4 read, 1 used, 3 unreadable, 0 not LLM calls or failed" in said
    assert (
        "unreadable: 3 with lines that do not split into the header's columns "
        "unreadable rows as the file has them (3 of 3): 2026-01-05T11:00:00Z "
        "2026-01-05T11:00:00Z 2026-01-05T11:00:00Z"
    ) in said
    code, out, err = run("usage", logs, "--json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert (rows["read"], rows["used"], rows["unreadable"]) == (4, 1, 3)
    assert rows["examples"] == ["2026-01-05T11:00:00Z"] * 3
    assert sum(rows["unreadable_why"].values()) == 3
    assert [m["requests"] for m in json.loads(out)["by_month"]] == [1.0]


def test_rows_of_more_values_than_the_header_are_unreadable_not_cut(tmp_path: Path) -> None:
    """Thousands written with an unquoted comma: 1,200 read as 1 input token and 200 output
    tokens, the 20 after it dropped, and the row counted as used; now unreadable, shown."""
    logs = tmp_path / "thousands.csv"
    logs.write_text(
        HEADER + "2026-01-05T10:00:00Z,100,20\n2026-01-05T11:00:00Z,1,200,20\n"
        "2026-01-05T12:00:00Z,2,500,30\n2026-01-05T13:00:00Z,3,000,40\n"
    )
    profile = profile_usage([logs])
    assert (profile.rows["read"], profile.rows["used"], profile.rows["unreadable"]) == (4, 1, 3)
    assert profile.rows["unreadable_why"] == {
        "lines that do not split into the header's columns": 3
    }
    assert profile.rows["examples"] == [
        "2026-01-05T11:00:00Z,1,200,20",
        "2026-01-05T12:00:00Z,2,500,30",
        "2026-01-05T13:00:00Z,3,000,40",
    ]
    assert (profile.traffic["input_tokens"], profile.traffic["output_tokens"]) == (100.0, 20.0)
    # a quoted 1,200 is one value, and an empty value after the last column changes nothing
    logs.write_text(HEADER + '2026-01-05T10:00:00Z,100,20,\n2026-01-05T11:00:00Z,"1,200",40\n')
    profile = profile_usage([logs])
    assert (profile.rows["used"], profile.rows["unreadable"]) == (2, 0)
    assert profile.traffic["input_tokens"] == 650.0


def test_a_tsv_line_that_does_not_split_shows_its_tabs_as_its_other_rows_do(
    tmp_path: Path,
) -> None:
    logs = tmp_path / "four.tsv"
    logs.write_text(
        "timestamp\tinput_tokens\toutput_tokens\n2026-01-05T10:00:00Z\t100\t20\n"
        "late\t1\t2\nlater\t1\t2\nbad\t1\n"
    )
    profile = profile_usage([logs])
    assert profile.rows["examples"] == ["late\\t1\\t2", "later\\t1\\t2", "bad\\t1"]
    assert (profile.rows["read"], profile.rows["used"], profile.rows["unreadable"]) == (4, 1, 3)
