"""A tornado's ends are held to the 10,000,000-GPU fleet cap as a Monte Carlo's samples are
(:mod:`payback.studies.fleet_cap`, one rule): an end whose fleet passes the cap is marked
on its driver, said on stderr and under --json's ``warnings``, under the table and under
the report's chart. It was drawn as if such a fleet could run, and nothing said so.

By hand: at 0.1 requests/s a replica, planned at 70%, busiest hour the mean, one GPU serves
730 · 3,600 · 0.1 · 0.7 = 183,960 requests a month. Traffic uniform over 1.0e12..2.0e12
requests a month (central 1.5e12), growing 1% a month: the tornado's ends are its p10 and
p90, 1.1e12 and 1.9e12. The fleet is largest in month 12, at 1.01^11 = 1.1156683 times
month 1: ⌈1.9e12 · 1.1156683 / 183,960⌉ = ⌈11,522,993.36⌉ = 11,522,994 GPUs at the high
end (past the cap), ⌈6,671,206.68⌉ = 6,671,207 at the low end and 9,097,101 central."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from helpers import run
from payback import analyze
from payback.scenario import parse_scenario
from payback.studies.fleet_cap import PastCap, tornado_cap_lines
from payback.studies.uncertainty import tornado

PER_GPU = 730 * 3_600 * 0.1 * 0.7  # requests a month one GPU serves
LIMIT = "at most 10,000,000 GPUs (more than twice the data-centre GPUs sold in a year)"
LINE = (
    "alternatives.0 ('fleet'): 1 tornado end sizes a fleet past the cap: the high end of "
    f"traffic.requests_per_month (11,522,994 GPUs, month 12); {LIMIT}. Their NPV and "
    "break-even are worked out as if such a fleet could run: narrow traffic.requests_per_month"
)


def _scenario(low: float = 1.0e12, high: float = 2.0e12) -> dict[str, Any]:
    return {
        "scenario": {"name": "big", "horizon_months": 12},
        "traffic": {
            "requests_per_month": {"dist": "uniform", "low": low, "high": high},
            "growth_monthly": 0.01,
            "peak_to_average": 1.0,
        },
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 2.0},
        "alternatives": [
            {
                "name": "fleet",
                "kind": "self_hosted",
                "usd_per_gpu_hour": 1.0,
                "replica_requests_per_s": 0.1,
                "target_utilization": 0.7,
                "min_replicas": 1,
            }
        ],
    }


def _written(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "big.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    return path


def test_the_high_end_past_the_cap_is_marked_with_its_fleet() -> None:
    assert math.ceil(1.9e12 * 1.01**11 / PER_GPU) == 11_522_994
    [[driver]] = tornado(parse_scenario(_scenario()))
    assert (driver.parameter, driver.low, driver.high) == (
        "traffic.requests_per_month",
        pytest.approx(1.1e12),
        pytest.approx(1.9e12),
    )
    assert driver.low_past_cap is None  # 6,671,207 GPUs at most
    assert driver.high_past_cap == PastCap(11_522_994.0, 12)
    # its NPV is still the one the engine gives (no discount): the sum over the months of
    # $2 per 1k requests less 730 GPU-hours a GPU at $1
    months = [1.9e12 * 1.01 ** (m - 1) for m in range(1, 13)]
    npv = sum(0.002 * r - math.ceil(r / PER_GPU) * 730.0 for r in months)
    assert driver.npv_high_usd == pytest.approx(npv, rel=1e-9)
    assert tornado_cap_lines(["alternatives.0 ('fleet')"], [[driver]]) == [LINE]


def test_no_end_past_the_cap_says_nothing(tmp_path: Path) -> None:
    """p90 1.6003e12: ⌈1.6003e12 · 1.1156683 / 183,960⌉ = 9,705,393 GPUs, under the cap."""
    [[driver]] = tornado(parse_scenario(_scenario(1.0e12, 1.667e12)))
    assert driver.low_past_cap is None
    assert driver.high_past_cap is None
    code, out, err = run("sensitivity", _written(tmp_path, _scenario(1.0e12, 1.667e12)), "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == []
    assert "cap" not in err


def test_sensitivity_says_it_on_stderr_in_json_and_under_the_table(tmp_path: Path) -> None:
    path = _written(tmp_path, _scenario())
    code, out, err = run("sensitivity", path, "--json")
    assert code == 0, err
    assert err.strip() == f"warning: {LINE}"
    answer = json.loads(out)
    assert answer["warnings"] == [LINE]
    [driver] = answer["alternatives"][0]["drivers"]
    assert driver["low_past_cap"] is None
    assert driver["high_past_cap"] == {"gpus": 11_522_994.0, "month": 12}
    code, out, err = run("sensitivity", path)
    assert code == 0, err
    assert "warning: alternatives.0 ('fleet'): 1 tornado end sizes a fleet past the cap" in err
    table = " ".join(out.split())
    assert (
        "Past the fleet cap of 10,000,000 GPUs, worked out as if such a fleet could run: the "
        "high end of traffic.requests_per_month (11,522,994 GPUs, month 12)." in table
    )


def test_the_reports_tornado_chart_says_it() -> None:
    from payback.report import charts

    chart = charts.drivers(analyze(parse_scenario(_scenario())), 0)
    assert chart is not None
    assert chart.note.endswith(
        "Past the fleet cap of 10,000,000 GPUs, worked out as if such a fleet could run: the "
        "high end of traffic.requests_per_month (11,522,994 GPUs, month 12)."
    )


def test_analyze_samples_marks_its_drivers_too(tmp_path: Path) -> None:
    """The drivers analyze --samples lists are the same tornado's."""
    code, out, err = run("analyze", _written(tmp_path, _scenario()), "--samples", "200")
    assert code == 0, err
    assert "high end of traffic.requests_per_month (11,522,994 GPUs, month 12)" in " ".join(
        out.split()
    )


def test_a_portfolios_tornado_is_held_to_the_cap_too(tmp_path: Path) -> None:
    """A workload of 1.6e12 requests a month on its own fleet (⌈1.6e12 / 183,960⌉ =
    8,697,543 GPUs): moved +25%, 2.0e12 needs ⌈10,871,928.68⌉ = 10,871,929 GPUs."""
    assert math.ceil(2.0e12 / PER_GPU) == 10_871_929
    data = {
        "scenario": {"name": "two tasks", "horizon_months": 12},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 2.0},
        "alternatives": [
            {
                **_scenario()["alternatives"][0],
                "name": "fleets",
                "portfolio": {"fleet": "separate"},
            }
        ],
        "workloads": [
            {"name": "big", "traffic": {"requests_per_month": 1.6e12, "peak_to_average": 1.0}},
            {"name": "small", "traffic": {"requests_per_month": 1000, "peak_to_average": 1.0}},
        ],
    }
    code, out, err = run("sensitivity", _written(tmp_path, data), "--json")
    assert code == 0, err
    answer = json.loads(out)
    drivers = {d["parameter"]: d for d in answer["alternatives"][0]["drivers"]}
    assert drivers["workloads.0.traffic.requests_per_month"]["high_past_cap"] == {
        "gpus": 10_871_929.0,
        "month": 1,
    }
    assert drivers["workloads.1.traffic.requests_per_month"]["high_past_cap"] is None
    [line] = answer["warnings"]
    assert line.startswith("alternatives.0 ('fleets'): 5 tornado ends size a fleet past the cap")
    assert (
        "the high end of workloads.0.traffic.requests_per_month (10,871,929 GPUs, month 1)" in line
    )


def test_a_portfolios_sobol_samples_are_counted_as_a_scenarios(tmp_path: Path) -> None:
    """A portfolio's Sobol indices counted none; its workload's traffic uniform over
    1.3e12..2.3e12 puts (2.3 − 1.8396) / 1.0 = 46.04% of the samples past the cap (one
    input: 1,024 samples evaluated)."""
    data = {
        "scenario": {"name": "two tasks", "horizon_months": 12},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 2.0},
        "alternatives": [
            {**_scenario()["alternatives"][0], "portfolio": {"fleet": "separate"}},
        ],
        "workloads": [
            {
                "name": "big",
                "traffic": {
                    "requests_per_month": {"dist": "uniform", "low": 1.3e12, "high": 2.3e12},
                    "peak_to_average": 1.0,
                },
            },
            {"name": "small", "traffic": {"requests_per_month": 1000, "peak_to_average": 1.0}},
        ],
    }
    path = _written(tmp_path, data)
    code, out, err = run("sensitivity", path, "--method", "sobol", "--samples", "1024", "--json")
    assert code == 0, err
    [line] = [w for w in json.loads(out)["warnings"] if "past the cap" in w]
    assert line.startswith("alternatives.0 ('fleet'): ")
    past = int(line.split(": ", 1)[1].split(" of 1,024 samples")[0].replace(",", ""))
    expected = (2.3e12 - 10_000_000 * PER_GPU) / 1e12
    assert abs(past / 1_024 - expected) < 4 * math.sqrt(expected * (1 - expected) / 1_024)
    assert "up to 12,50" in line  # near ⌈2.3e12 / 183,960⌉ = 12,502,718 GPUs
