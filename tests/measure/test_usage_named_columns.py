"""``payback usage --columns`` naming a column or key the logs do not have: one line that
says so and lists what they have, for a JSON log as for a CSV (it was "none of the N rows
could be read ...: N with no time that reads as a date")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError, profile_usage

pytestmark = pytest.mark.slow

ROWS = [  # three requests in three hours of one day, 100/200/300 input tokens
    {
        "id": f"r{h}",
        "timestamp": f"2026-05-01T0{h}:00:41Z",
        "meta": {"created": f"2026-05-01T0{h}:00:41Z"},
        "input_tokens": 100 * (h + 1),
        "output_tokens": 10,
    }
    for h in range(3)
]
KEYS = "id, input_tokens, meta, output_tokens, timestamp"
NAMED = "input=input_tokens,output=output_tokens"


def jsonl(tmp_path: Path, rows: list[dict[str, object]] = ROWS) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_a_time_key_no_record_has_is_named_with_the_keys_there(tmp_path: Path) -> None:
    logs = jsonl(tmp_path)
    code, out, err = run("usage", logs, "--columns", f"ts=nope,{NAMED}")
    assert_user_error(
        code,
        out,
        err,
        f"--columns ts=nope: no record of {logs} has 'nope' (its records' keys: {KEYS})",
    )
    assert len(err.strip().splitlines()) == 1
    assert "rows could be read" not in err


@pytest.mark.parametrize(
    ("named", "said"),
    [
        # an optional field too: a cached count no record has was read as none cached
        (f"ts=timestamp,{NAMED},cached=cached_tokens", "cached=cached_tokens"),
        # and a model no record has, as every request without a model
        (f"ts=timestamp,{NAMED},model=model", "model=model"),
        (f"ts=meta.made,{NAMED}", "ts=meta.made"),
    ],
)
def test_any_field_named_by_a_key_no_record_has_is_refused(
    tmp_path: Path, named: str, said: str
) -> None:
    logs = jsonl(tmp_path)
    with pytest.raises(PaybackError) as caught:
        profile_usage([logs], columns=named)
    key = said.split("=", 1)[1]
    assert caught.value.messages == [
        f"columns {said}: no record of {logs} has {key!r} (its records' keys: {KEYS})"
    ]


def test_a_key_some_records_have_and_a_nested_path_are_read(tmp_path: Path) -> None:
    # cached_tokens only in the last record (30 of its 300 input tokens): 30 / 600 cached
    rows = [*ROWS[:2], {**ROWS[2], "cached_tokens": 30}]
    profile = profile_usage(
        [jsonl(tmp_path, rows)], columns=f"ts=meta.created,{NAMED},cached=cached_tokens"
    )
    assert profile.rows["used"] == 3
    assert profile.traffic["input_tokens"] == 200.0
    assert profile.traffic["cached_input_share"] == pytest.approx(30 / 600, rel=1e-12)


def test_a_csv_column_not_there_names_the_field_as_a_database_table_does(tmp_path: Path) -> None:
    logs = tmp_path / "logs.csv"
    logs.write_text("created_at,prompt_tokens,completion_tokens\n2026-05-01T00:00:00Z,10,5\n")
    code, out, err = run(
        "usage", logs, "--columns", "ts=nope,input=prompt_tokens,output=completion_tokens"
    )
    assert_user_error(
        code,
        out,
        err,
        f"--columns ts=nope: 'nope' is not a column of {logs} "
        "(columns: completion_tokens, created_at, prompt_tokens)",
    )
