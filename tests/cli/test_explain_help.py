"""``payback explain --help`` teaches before it lists: what explain answers, how to read
its sections, one example whose figures are the example's real output, then what --json
gives. Tried as a new user would, it read as a list of JSON field names (two sentences of
prose, then 70 keys)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import QUARTER, run


def _words(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def _help() -> str:
    code, out, err = run("explain", "--help")
    assert code == 0, err
    return _words(out.split("╭")[0])  # the description, before the options' boxes


def test_the_help_says_how_to_read_the_output_before_the_json() -> None:
    text = _help()
    prose = text.split("--json gives")[0]
    for section in (
        "What the project really costs",
        "How the break-even is computed here",
        "The verdict",
        "What decides it",
    ):
        assert section in prose, section
    assert "month 13.37 means 37% into month 14" in prose
    keys = re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", prose)
    assert keys == [], keys  # no JSON field names before --json is explained
    assert len(prose.split()) >= 120  # it teaches: more than a line or two


def test_the_helps_example_is_what_explain_prints() -> None:
    text = _help()
    example = re.search(r"Example: payback explain (\S+) works out \"(.+?)\"", text)
    assert example is not None
    assert QUARTER.as_posix().endswith(example.group(1))
    code, out, err = run("explain", QUARTER)
    assert code == 0, err
    printed = _words(out)
    assert example.group(2) in printed  # break-even = 13 + $399 / $1,082 = month 13.37
    assert "within a quarter if traffic is at least 585,538 requests/month (today 200,000)" in (
        printed
    )
    assert "at least 585,538 requests a month (today 200,000)" in text
    assert "Measure first: your real monthly traffic" in printed


def test_the_helps_tell_solves_month_3_from_a_quarter(tmp_path: Path) -> None:
    """solve's help called ``break_even_month=3`` "pays back in exactly a quarter" and
    explain's said its quarter traffic is found "as payback solve finds it"; with a
    retraining in month 3 the two differ (803,623 against 950,211), tried as a new user
    would. Each help now says which question it answers."""
    text = QUARTER.read_text()
    text = text.replace("requests_per_month = 200000", "requests_per_month = 1000000")
    text = text.replace("retrain_every_months = 6", "retrain_every_months = 3")
    text = text.replace("retrain_usd = 800.0", "retrain_usd = 9000.0")
    path = tmp_path / "retrained.toml"
    path.write_text(text)
    code, out, err = run("explain", path, "--json")
    assert code == 0, err
    quarter = json.loads(out)["alternatives"][0]["traffic_for_a_quarter"]["requests_per_month"]
    # by hand, 3 GPUs at 1M: a month saves 0.009828 T - 2,052; three months' savings pay the
    # $12,860 up front and month 3's $9,000 retraining: T = (21,860 / 3 + 2,052) / 0.009828
    assert quarter == 950_211
    code, out, err = run(
        "solve",
        path,
        "--vary",
        "traffic.requests_per_month",
        "--target",
        "break_even_month=3",
        "--json",
    )
    assert code == 0, err
    assert round(json.loads(out)["value"]) == 803_622  # reaches zero at 3.00, behind again
    assert "as payback solve finds it" not in _help()
    assert "not behind again there" in _help()
    code, out, err = run("solve", "--help")
    solve = _words(out.split("╭")[0])
    assert "pays back in exactly a quarter" not in solve
    assert "first reach zero at month 3.00" in solve
