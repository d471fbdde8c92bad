"""A workload's peak_to_average sampled on a shared fleet: solve, Monte Carlo, sensitivity
and report stopped with "operands could not be broadcast together" (review), on the
shipped examples/portfolio.toml too: the fleet's busiest-hour loads took a sample axis its
mean loads lacked. Each sample now equals the portfolio of the file at that value."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from helpers import EXAMPLES, run
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.scenario import parse_scenario

PORTFOLIO = EXAMPLES / "portfolio.toml"


def _at(value: float) -> float:
    data = tomllib.loads(PORTFOLIO.read_text())
    data["workloads"][0]["traffic"]["peak_to_average"] = value
    return float(evaluate_portfolio(prepare(parse_scenario(data))).alternatives[0].npv_usd)


def test_each_sample_is_the_file_at_that_value() -> None:
    p = prepare(parse_scenario(tomllib.loads(PORTFOLIO.read_text())))
    values = np.array([1.5, 3.0, 200.0])
    ev = evaluate_portfolio(p, {"workloads.0.traffic.peak_to_average": values})
    npv = np.asarray(ev.alternatives[0].npv_usd)
    assert npv.shape == (3,)
    np.testing.assert_allclose(npv, [_at(v) for v in values], rtol=1e-12)
    assert npv[0] > npv[2]  # a peak of 200 needs more of the shared fleet


def test_solve_on_the_shipped_example() -> None:
    code, out, err = run(
        "solve", PORTFOLIO, "--vary", "workloads.0.traffic.peak_to_average",
        "--target", "npv_usd=0", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["parameter"] == "workloads.0.traffic.peak_to_average"


@pytest.mark.parametrize("command", [("analyze", "--samples", "50"), ("sensitivity",)])
def test_studies_of_a_sampled_peak(tmp_path: Path, command: tuple[str, ...]) -> None:
    text = PORTFOLIO.read_text().replace(
        "peak_to_average = 3.0 }",
        'peak_to_average = { dist = "uniform", low = 1.5, high = 3.0 } }',
        1,
    )
    assert "low = 1.5" in text
    path = tmp_path / "p.toml"
    path.write_text(text)
    code, out, err = run(command[0], path, *command[1:])
    assert code == 0, err
    assert out.strip()
