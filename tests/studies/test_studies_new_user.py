"""payback sensitivity and the Monte Carlo tried as a new user would, on odd inputs: each
figure checked by hand or against payback analyze --json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, FROZEN_PORTFOLIO, run
from payback.scenario import parse_scenario
from payback.studies.uncertainty import sobol, tornado


def _quarter(requests: Any) -> dict[str, Any]:
    """The 200k quarter's shape, short: a hosted API against one rented GPU."""
    return {
        "scenario": {"name": "q", "horizon_months": 24, "discount_rate_annual": 0.1},
        "traffic": {
            "requests_per_month": requests,
            "input_tokens": 2_000,
            "output_tokens": 400,
            "peak_to_average": 4.0,
        },
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 3.0,
            "output_usd_per_mtok": 15.0,
        },
        "alternatives": [
            {
                "name": "l4",
                "kind": "self_hosted",
                "usd_per_gpu_hour": 0.8,
                "replica_requests_per_s": 0.85,
                "one_time": {"data_usd": 4_000.0},
            }
        ],
    }


def test_a_zero_width_range_has_no_share_of_the_variance(tmp_path: Path) -> None:
    """A uniform from 200,000 to 200,000 requests moves nothing: every NPV of the 1,024
    samples is the same, and no share is said. It had all of it (first and total order
    1.00), as np.var of equal NPVs is 1e-23, not 0."""
    data = _quarter({"dist": "uniform", "low": 200_000, "high": 200_000})
    assert sobol(parse_scenario(data), samples=1_024).alternatives == [[]]
    path = tmp_path / "flat.yaml"
    path.write_text(json.dumps(data))
    code, out, err = run("sensitivity", path, "--method", "sobol", "--json")
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["indices"] == []


def test_a_tornado_end_that_saves_nothing_has_not_paid_back() -> None:
    """$2 per 1k requests both ways, nothing up front: analyze says "nothing saved" and
    that it does not pay back within 3 months. The baseline's price trend moved to its
    assumed high end, 0% a year, is that same file: the tornado said it broke even at
    month 0.0 there ("break-even 0.0 at either end"), as the Monte Carlo never says of
    such a sample. At the low end, -30% a year, the baseline gets cheaper after month 1:
    NPV = Σ_m 40 · (0.7^((m−1)/12) − 1) over 6 months = -$16.90."""
    data = {
        "scenario": {"name": "same price", "horizon_months": 6},
        "traffic": {"requests_per_month": 20_000},
        "baseline": {"name": "hosted", "kind": "per_request", "usd_per_1k_requests": 2.0},
        "alternatives": [{"name": "same", "kind": "per_request", "usd_per_1k_requests": 2.0}],
    }
    drivers = {d.parameter: d for d in tornado(parse_scenario(data))[0]}
    trend = drivers["baseline.price_change_annual"]
    assert (trend.low, trend.high) == (-0.3, 0.0)
    assert trend.npv_high_usd == 0.0
    assert trend.break_even_month_high is None  # nothing saved, as the central answer
    assert trend.npv_low_usd == pytest.approx(
        sum(40.0 * (0.7 ** ((m - 1) / 12) - 1) for m in range(1, 7))
    )
    assert trend.npv_low_usd == pytest.approx(-16.90, abs=0.005)
    # the alternative's own price: cheaper at the low end saves $10 a month from the start
    price = drivers["alternatives.0.usd_per_1k_requests"]
    assert (price.break_even_month_low, price.break_even_month_high) == (0.0, None)
    assert price.npv_low_usd == pytest.approx(60.0)


def test_a_workloads_traffic_in_the_tornado_has_its_unit() -> None:
    """tests/data/portfolio.toml: support triage's 400,000 requests a month moved ±25% read
    "300k → 500k:", without the unit the scenario's own traffic gets."""
    code, out, err = run("sensitivity", FROZEN_PORTFOLIO)
    assert code == 0, err
    assert "300k → 500k requests/month: NPV $9.0k → $30.7k" in " ".join(out.split())


def test_a_zero_width_range_alone_is_not_said_to_be_every_input(tmp_path: Path) -> None:
    """With one distribution, of no width, the tornado and Sobol move that input alone:
    they said "No input changes the NPV.", of a file whose GPU rent and prices do."""
    path = tmp_path / "flat.yaml"
    path.write_text(json.dumps(_quarter({"dist": "uniform", "low": 200_000, "high": 200_000})))
    for method in ("tornado", "sobol"):
        code, out, err = run("sensitivity", path, "--method", method)
        assert code == 0, err
        assert "None of the inputs moved changes the NPV." in out
        assert "No input changes" not in out


def test_a_swing_near_one_is_said_as_typed() -> None:
    """--swing 0.9999999 moves the GPU rent of $0.80 to 0.8 · 1e-7 and 1.6 a GPU-hour;
    the note said each input moved ±100% (':g' rounds to six digits), as if to $0."""
    code, out, err = run("sensitivity", EXAMPLES / "quarter-200k.toml", "--swing", "0.9999999")
    assert code == 0, err
    assert "each moved ±99.99999%;" in " ".join(out.split())
    code, out, err = run(
        "sensitivity", EXAMPLES / "quarter-200k.toml", "--swing", "0.9999999", "--json"
    )
    drivers = {d["parameter"]: d for d in json.loads(out)["alternatives"][0]["drivers"]}
    rent = drivers["alternatives.0.usd_per_gpu_hour"]
    assert rent["assumed"] == "±99.99999%"
    assert rent["low"] == pytest.approx(0.8e-7)
    assert rent["high"] == pytest.approx(1.6)
