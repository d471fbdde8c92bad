"""Logs with half their rows unreadable exited 0 with no warning (the Rows line on stdout
only), while requests_per_month halved and -o wrote it, tried as a new user would. From 1%
of the rows left unread, a warning says how many, why, and that the traffic leaves them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run


def _logs(path: Path, rows: int, bad: int) -> Path:
    lines = ["timestamp,input_tokens,output_tokens"]
    for i in range(rows):
        tokens = "x" if i < bad else "1000"
        lines.append(f"2026-09-{1 + i % 28:02d}T{i % 24:02d}:00:00Z,{tokens},200")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("rows", "bad", "warned"),
    [(800, 400, "400 of 800 rows (50%)"), (200, 2, "2 of 200 rows (1%)"), (300, 2, None)],
)
def test_a_share_of_unreadable_rows_is_warned_of(
    tmp_path: Path, rows: int, bad: int, warned: str | None
) -> None:
    code, _, err = run("usage", _logs(tmp_path / "logs.csv", rows, bad))
    assert code == 0, err
    said = [line for line in err.splitlines() if "could not be read" in line]
    if warned is None:  # 2 of 300, under 1%: the Rows line says it
        assert said == []
        return
    assert said == [
        f"warning: {warned} could not be read ({bad:,} with token counts missing or not "
        "numbers): the traffic counts only the rows read, so requests_per_month leaves them "
        "out (if they were requests); the rows are shown under Rows"
    ]
