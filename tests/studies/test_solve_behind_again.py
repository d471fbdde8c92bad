"""solve says when the value it finds for a break-even target loses its break-even again:
quarter-200k with a $20,000 retraining breaks even in month 5.00 at 351,649 requests a
month, and analyze there says it is behind again from month 6 on (the retraining of month
6 costs more than the months before saved); solve said only 'gives month 5.00'."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import EXAMPLES, run

PATH = "traffic.requests_per_month"


def _dip(tmp_path: Path) -> Path:
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    old = "retrain_usd = 800.0 "
    assert old in text
    path = tmp_path / "qdip.toml"
    path.write_text(text.replace(old, "retrain_usd = 20000.0 ", 1))
    return path


def test_solve_says_the_break_even_found_is_lost_again(tmp_path: Path) -> None:
    path = _dip(tmp_path)
    code, out, err = run("solve", path, "--vary", PATH, "--target", "break_even_month=5")
    assert code == 0, err
    said = " ".join(out.split())
    assert f"{PATH} = 351,649 gives month 5.00, the target" in said
    assert "At that value the savings fall below zero again in month 6." in said
    code, out, err = run("solve", path, "--vary", PATH, "--target", "break_even_month=5", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert found["behind_again_month"] == 6
    # analyze at the value found: break-even in month 5, then behind from month 6 on
    at = path.with_name("at.toml")
    at.write_text(
        path.read_text().replace(
            "requests_per_month = 200000", f"requests_per_month = {round(found['value'])}", 1
        )
    )
    code, out, err = run("analyze", at, "--json")
    assert code == 0, err
    cum = json.loads(out)["alternatives"][0]["cumulative_savings_usd"]
    assert abs(cum[5]) < 0.05  # month 5.00: even within cents at the whole request
    assert max(cum[6:]) < 0  # behind from month 6 on
    assert round(cum[-1]) == -31_132  # analyze: "$31,132 behind" by month 24


def test_a_break_even_that_holds_says_nothing_more(tmp_path: Path) -> None:
    code, out, err = run(
        "solve", EXAMPLES / "quarter-200k.toml", "--vary", PATH, "--target",
        "break_even_month=5", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["behind_again_month"] is None
