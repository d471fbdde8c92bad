"""The cost of 1,000 requests in a month that retrains, tried as a new user would:
quarter-200k.toml's analyze showed month 24 at "$9.51 vs $10.92" beside month 1's "$5.51",
with nothing saying month 24 pays a retraining ($800 every 6 months), while the report's
chart spreads retraining per month. The table keeps each month's own figure (the rows
above it are that month's costs) and says what the retraining adds to it: $800 of 200,000
requests is $4.00 per 1,000, so $9.51 = $5.51 + $4.00."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES, QUARTER, run


def _row(out: str, label: str) -> list[str]:
    line = next(line for line in out.splitlines() if line.strip().startswith(label))
    return line.split()


def test_a_retraining_month_says_what_retraining_adds() -> None:
    code, out, err = run("analyze", QUARTER)
    assert code == 0, err
    assert _row(out, "per 1k requests") == [
        *("per", "1k", "requests", "vs", "baseline"),
        *("$5.51", "vs", "$10.92", "$9.51", "vs", "$10.92"),
    ]
    assert _row(out, "of it retraining") == ["of", "it", "retraining", "$0.00", "$4.00"]


def test_no_retraining_month_shown_no_row(tmp_path: Path) -> None:
    # horizon 5: retraining every 6 months falls in no month of it (the file is warned of)
    path = tmp_path / "five.toml"
    path.write_text(QUARTER.read_text().replace("horizon_months = 24 ", "horizon_months = 5 "))
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert "of it retraining" not in out
    # nor where the alternative never retrains (seed.toml: a per-request price)
    assert "of it retraining" not in run("analyze", EXAMPLES / "seed.toml")[1]
