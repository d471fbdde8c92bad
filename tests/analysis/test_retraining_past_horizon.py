"""A retraining whose first month falls past the horizon is paid in no month counted;
analyze says so, as it says a commitment's months past the horizon are paid but not
counted (tried as a new user would: ``retrain_every_months = 30`` over 24 months was
dropped without a word)."""

from __future__ import annotations

import json
from pathlib import Path

import tomlkit

from helpers import build, fleet_dict, run
from payback import analyze
from payback.analysis.resolve import resolve

LINE = (
    "alternatives.0.recurring.retrain_every_months = 4: the first retraining falls in month "
    "4, past the 3-month horizon; its retrain_usd = 800 is paid but not counted"
)


def retraining(every: int, usd: float | None = 800.0) -> dict:
    recurring: dict = {"retrain_every_months": every}
    if usd is not None:
        recurring["retrain_usd"] = usd
    return fleet_dict(recurring=recurring)


def test_a_retraining_past_the_horizon_is_said() -> None:
    assert resolve(build(retraining(4))).warnings == [LINE]
    # and it is not counted: no retraining in months 1-3
    alt = analyze(build(retraining(4))).alternatives[0]
    assert "retraining" not in alt.components_usd


def test_no_word_where_one_falls_within_or_none_is_paid() -> None:
    assert resolve(build(retraining(3))).warnings == []  # month 3, the last counted
    alt = analyze(build(retraining(3))).alternatives[0]
    assert alt.components_usd["retraining"] == [0.0, 0.0, 800.0]
    assert resolve(build(retraining(4, 0.0))).warnings == []  # costs nothing
    assert resolve(build(retraining(0, None))).warnings == []  # never


def test_analyze_says_it_in_text_and_json(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(retraining(4)))
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert err.splitlines() == [f"warning: {LINE}"]
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == [LINE]
