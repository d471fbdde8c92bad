"""A Monte Carlo of few samples says how rough its chances are, tried as a new user would:
`analyze examples/quarter-uncertain.toml --samples 1` printed "Chance it pays back ...
24: 0%" and p10 = p50 = p90 with no word that one sample decides nothing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import EXAMPLES, run
from payback.studies.sample_noise import FEW_SAMPLES, few_samples_line


def test_the_line_gives_one_standard_error_at_a_chance_of_half() -> None:
    # 0.5 / sqrt(3) = 0.2887: ±29 points; 0.5 / sqrt(2000) = 0.0112: ±1.1; 0.5 / sqrt(399)
    # = 0.02503: ±2.5, not ±3 (whole points overstated 205 to 399 samples by up to 20%)
    assert "about ±2.5 points" in (few_samples_line(399) or "")
    assert few_samples_line(3) == (
        "3 samples: each chance may be off by about ±29 points (one standard error at 50%), "
        "and the percentiles as roughly; 2,000 samples take it to ±1.1"
    )
    assert (few_samples_line(1) or "").startswith("1 sample: each chance may be off by about ±50")


@given(st.integers(1, 10_000))
def test_said_exactly_where_the_error_can_pass_two_and_a_half_points(n: int) -> None:
    assert (few_samples_line(n) is not None) == (n < FEW_SAMPLES)
    assert (n < FEW_SAMPLES) == (50 / math.sqrt(n) > 2.5)


@pytest.mark.parametrize(("samples", "said"), [(3, True), (2000, False)])
def test_analyze_says_it_in_its_warnings(samples: int, said: bool) -> None:
    code, out, err = run(
        "analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", str(samples), "--json"
    )
    assert code == 0, err
    line = few_samples_line(samples)
    assert (line is not None) == said
    noise = [w for w in json.loads(out).get("warnings", []) if "standard error" in w]
    assert noise == ([line] if said else [])
    if said:
        code, _, err = run("analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", "3")
        assert f"warning: {line}" in err.splitlines()


def test_a_portfolio_says_it_too(tmp_path: Path) -> None:
    from payback.analysis.portfolio import prepare
    from payback.scenario import load_scenario
    from payback.studies.portfolio_uncertainty import portfolio_monte_carlo

    text = (EXAMPLES / "portfolio.toml").read_text()
    old = "requests_per_month = 400000,"
    assert text.count(old) == 1
    ranged = text.replace(
        old, 'requests_per_month = { dist = "uniform", low = 300000, high = 500000 },'
    )
    path = tmp_path / "p.toml"
    path.write_text(ranged)
    p = prepare(load_scenario(path))
    assert few_samples_line(50) in portfolio_monte_carlo(p, 50)["warnings"]
    assert "warnings" not in portfolio_monte_carlo(p, 400)
