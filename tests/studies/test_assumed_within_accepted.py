"""A file without distributions has every input moved ±25%; an end of an input an
estimate follows that analyze refuses is taken back to the file's value, so that
sensitivity, explain and report answer on every file analyze accepts.

catalog-ids with Llama 3.1 70B on H100s at tpot_ms = 10: analyze chooses 8 GPUs a replica
and answers; at 7.5 ms (-25%) no replica size meets the target (one sequence alone takes
17.2 ms on 2 GPUs), and explain, report and sensitivity stopped with "alternatives.0.tpot_ms
= 7.5: analyze refuses the file there ... keep the input's range within what analyze
accepts", a range the file never gave (review)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES, run


@pytest.fixture
def tight(tmp_path: Path) -> Path:
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    for old, new in (
        ('model = "llama-3.1-8b"\ngpu = "l40s"', 'model = "llama-3.1-70b"\ngpu = "h100-sxm"'),
        ("tpot_ms = 40 ", "tpot_ms = 10 "),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "tight.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_refused_end_is_taken_back_to_the_files_value(tight: Path) -> None:
    code, out, err = run("sensitivity", tight, "--json")
    assert code == 0, err
    drivers = json.loads(out)["alternatives"][0]["drivers"]
    (tpot,) = [d for d in drivers if d["parameter"] == "alternatives.0.tpot_ms"]
    assert (tpot["low"], tpot["high"]) == (10.0, 12.5)
    # each end is analyze's of the file with that value
    scenario = payback.load_scenario(tight)
    assert tpot["npv_low_usd"] == pytest.approx(payback.analyze(scenario).alternatives[0].npv_usd)
    looser = tight.with_name("looser.toml")
    looser.write_text(tight.read_text().replace("tpot_ms = 10 ", "tpot_ms = 12.5 "))
    npv = payback.analyze(payback.load_scenario(looser)).alternatives[0].npv_usd
    assert tpot["npv_high_usd"] == pytest.approx(npv, rel=1e-9)


@pytest.mark.parametrize("command", ["explain", "report"])
def test_explain_and_report_answer(tight: Path, command: str) -> None:
    args = (
        (command, tight)
        if command == "explain"
        else (command, tight, "-o", tight.with_suffix(".md"))
    )
    code, _, err = run(*args)
    assert code == 0, err
    assert "analyze refuses" not in err


def test_a_range_the_file_gives_is_still_refused(tight: Path) -> None:
    """The user's own range past what analyze accepts is said, not narrowed."""
    ranged = tight.read_text().replace(
        "tpot_ms = 10 ", 'tpot_ms = { dist = "uniform", low = 5, high = 12 } '
    )
    tight.write_text(ranged)
    code, _, err = run("sensitivity", tight)
    assert code == 2
    assert "analyze refuses the file there" in err
