"""A single scenario's samples are held to the fleet cap as a portfolio's are: a fixed
scenario whose fleet needs more than 10,000,000 GPUs is refused, and its Monte Carlo counts
the samples that size a fleet past the cap and says them (stderr, --json's ``warnings``,
the report's cautions, the page), one line an option, through the one counter of
:mod:`payback.studies.fleet_cap` the portfolio's sampling uses.

By hand: at 0.1 requests/s a replica, planned at 70%, busiest hour the mean, a replica
serves 730 · 3,600 · 0.1 · 0.7 = 183,960 requests a month, so the fleet passes 10,000,000
GPUs past 1.8396e12 requests a month."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import run
from payback import PaybackError, analyze, monte_carlo
from payback.scenario import parse_scenario
from payback.scenario.schema import MAX_FLEET_GPUS, MIN_REPLICA_REQUESTS_PER_S

PER_GPU = 730 * 3_600 * 0.1 * 0.7  # requests a month one GPU serves at 0.1 requests/s
THRESHOLD = MAX_FLEET_GPUS * PER_GPU  # 1.8396e12 requests a month


def _scenario(requests: Any, rps: Any = 0.1) -> dict[str, Any]:
    return {
        "scenario": {"name": "big", "horizon_months": 12},
        "traffic": {"requests_per_month": requests, "peak_to_average": 1.0},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 2.0},
        "alternatives": [
            {
                "name": "fleet",
                "kind": "self_hosted",
                "usd_per_gpu_hour": 1.0,
                "replica_requests_per_s": rps,
                "target_utilization": 0.7,
                "min_replicas": 1,
            }
        ],
    }


def _uniform(low: float, high: float) -> dict[str, Any]:
    return {"dist": "uniform", "low": low, "high": high}


def _past(line: str, samples: int) -> int:
    head = line.partition(f" of {samples:,} samples (")[0]
    return int(head.rsplit(" ", 1)[-1].replace(",", ""))


def test_a_fixed_scenario_past_the_threshold_is_refused_and_under_it_kept() -> None:
    """The cap the samples are held to is the one analyze holds a fixed scenario to."""
    assert math.isclose(THRESHOLD, 1.8396e12)
    analyze(parse_scenario(_scenario(1.83e12)))  # ⌈9,947,814.7⌉ GPUs: kept
    # 1.85e12 requests need ⌈10,056,534.03⌉ GPUs: refused
    with pytest.raises(PaybackError, match="fleet would need 10,056,535 GPUs in month 1"):
        parse_scenario(_scenario(1.85e12))


def test_a_wide_traffic_range_puts_a_known_share_past_the_cap() -> None:
    """Uniform over 1.3e12..2.3e12 requests (central 1.8e12, under the cap): a sample
    passes the cap above 1.8396e12, in (2.3 − 1.8396) / (2.3 − 1.3) = 46.04% of them; the
    most, near 2.3e12, is 2.3e12 / 183,960 = 12,502,718 GPUs, in month 1 (no growth)."""
    scenario = parse_scenario(_scenario(_uniform(1.3e12, 2.3e12)))
    mc = monte_carlo(scenario, samples=4_000, seed=3)
    [line] = mc.warnings
    expected = (2.3e12 - THRESHOLD) / 1e12
    assert expected == pytest.approx(0.4604)
    past = _past(line, 4_000)
    assert abs(past / 4_000 - expected) < 4 * math.sqrt(expected * (1 - expected) / 4_000)
    assert line.startswith(f"alternatives.0 ('fleet'): {past:,} of 4,000 samples (")
    most = int(line.split("up to ")[1].split(" GPUs")[0].replace(",", ""))
    assert 12_490_000 < most <= math.ceil(2.3e12 / PER_GPU) == 12_502_718
    assert " GPUs (month 1); at most 10,000,000 GPUs (" in line
    assert line.endswith("narrow traffic.requests_per_month")


def test_a_capacity_near_its_floor_puts_a_known_share_past_the_cap() -> None:
    """1e11 requests a month; each replica's capacity lognormal, median 0.05 requests/s, p90
    0.5 (σ = ln 10 / 1.28155 = 1.7967), drawn inside the field's 1e-4..1e6: the fleet passes
    the cap below 1e11 / (10^7 · 730 · 3,600 · 0.7) = 0.005436 requests/s, in
    (Φ(ln(0.005436/0.05)/σ) − Φ(ln(1e-4/0.05)/σ)) / (1 − Φ(ln(1e-4/0.05)/σ) − P(> 1e6))
    = (0.10853 − 0.00027) / 0.99973 = 10.83% of the samples."""
    data = _scenario(1e11, {"dist": "lognormal", "median": 0.05, "p90": 0.5})
    mc = monte_carlo(parse_scenario(data), samples=20_000, seed=5)

    def phi(x: float) -> float:
        return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))

    sigma = math.log(10.0) / 1.2815515655446004
    cut = 1e11 / (MAX_FLEET_GPUS * 730 * 3_600 * 0.7)
    floor, top = (phi(math.log(x / 0.05) / sigma) for x in (MIN_REPLICA_REQUESTS_PER_S, 1e6))
    expected = (phi(math.log(cut / 0.05) / sigma) - floor) / (top - floor)
    assert expected == pytest.approx(0.1083, abs=5e-4)
    [line] = mc.warnings
    share = _past(line, 20_000) / 20_000
    assert abs(share - expected) < 4 * math.sqrt(expected * (1 - expected) / 20_000)
    # the most: a capacity at the floor, 1e11 / (2,628,000 · 1e-4 · 0.7) = 543,596,435 GPUs
    most = int(line.split("up to ")[1].split(" GPUs")[0].replace(",", ""))
    assert 5e8 < most <= 543_596_435
    assert line.endswith("narrow alternatives.0.replica_requests_per_s")


def test_no_sample_past_the_cap_says_nothing() -> None:
    data = _scenario(_uniform(1.3e12, 1.83e12))  # every sample under 1.8396e12
    assert monte_carlo(parse_scenario(data), samples=2_000).warnings == []
    analysis = analyze(parse_scenario(data), samples=2_000)
    assert not any("past the cap" in w for w in analysis.resolved.warnings)


def test_a_self_hosted_baseline_is_counted_under_its_own_name() -> None:
    data = _scenario(_uniform(1.3e12, 2.3e12))
    data["baseline"] = {**data["alternatives"][0], "name": "own"}
    data["alternatives"] = [{"name": "api", "kind": "per_request", "usd_per_1k_requests": 2.0}]
    [line] = monte_carlo(parse_scenario(data), samples=1_000, seed=1).warnings
    assert line.startswith("baseline ('own'): ")


def test_the_counter_is_vectorised_and_counts_a_sample_once() -> None:
    """Two fleets of three samples: sample 0 passes the cap in both, sample 2 in one."""
    from payback.studies.fleet_cap import FleetsPastCap

    past = FleetsPastCap(["alternatives.0 ('x')"])
    a = np.array([[1.1e7, 1.0], [1.0, 1.0], [1.0, 1.0]])
    b = np.array([[1.0, 1.2e7], [1.0, 1.0], [1.0, 1.05e7]])
    past.count([[a, b, None]], 3)
    assert past.past == [2]
    assert past.most == [(1.2e7, 2)]
    past.count([[np.ones(2)]], 4)  # one fleet broadcast to the samples
    assert past.past == [2]


# ------------------------------------------------------------------ where it is said


def _written(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "big.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    return path


def test_analyze_samples_says_it_on_stderr_and_in_json(tmp_path: Path) -> None:
    path = _written(tmp_path, _scenario(_uniform(1.3e12, 2.3e12)))
    code, out, err = run("analyze", path, "--samples", "400", "--json")
    assert code == 0, err
    [line] = [w for w in json.loads(out)["warnings"] if "past the cap" in w]
    assert line.startswith("alternatives.0 ('fleet'): ")
    assert "size a fleet past the cap" in err
    code, out, err = run("analyze", path, "--samples", "400")
    assert code == 0, err
    assert "warning: alternatives.0 ('fleet'): " in err
    assert "size a fleet past the cap" in err


def test_nothing_is_said_without_samples_past_it(tmp_path: Path) -> None:
    path = _written(tmp_path, _scenario(_uniform(1.3e12, 1.83e12)))
    code, out, err = run("analyze", path, "--samples", "400", "--json")
    assert code == 0, err
    assert "past the cap" not in out + err


def test_the_report_lists_it_with_the_cautions(tmp_path: Path) -> None:
    path = _written(tmp_path, _scenario(_uniform(1.3e12, 2.3e12)))
    report = tmp_path / "report.md"
    code, _, err = run("report", path, "-o", report, "--samples", "400")
    assert code == 0, err
    text = report.read_text()
    cautions = text.split("## Cautions", 1)[1]
    assert "alternatives.0 ('fleet')" in cautions
    assert "size a fleet past the cap" in cautions


@pytest.mark.slow
def test_the_page_says_it_beside_the_chances(tmp_path: Path) -> None:
    """The page's "How sure is it?" warns of a portfolio's samples past the cap; a
    scenario's said nothing."""
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    import payback
    from payback.scenario import dump_scenario
    from payback.web.state import Held

    path = tmp_path / "big.toml"
    path.write_text(dump_scenario(parse_scenario(_scenario(_uniform(1.3e12, 2.3e12))), "toml"))
    at = AppTest.from_file(
        payback.__file__.replace("__init__.py", "web/app.py"), default_timeout=120
    )
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    at = at.button(key="mc:run").click().run()
    assert not at.exception
    said = [w.value for w in at.warning if "past the cap" in w.value]
    assert len(said) == 1
    assert "of 20,000 samples (46%)" in said[0]


def test_sobol_counts_the_samples_it_evaluates_past_the_cap(tmp_path: Path) -> None:
    """Sobol indices evaluate the engine on their own samples: with the traffic the one
    sampled input, n = 512 rows, a share near 46.04% of them past the cap is said, in the
    library's warnings, on stderr and in --json; with two inputs n · (2 + 2) rows."""
    from payback.studies.uncertainty import sobol

    scenario = parse_scenario(_scenario(_uniform(1.3e12, 2.3e12)))
    found = sobol(scenario, samples=512, seed=1)
    [line] = [w for w in found.warnings if "past the cap" in w]
    expected = (2.3e12 - THRESHOLD) / 1e12
    past = _past(line, 512)
    assert abs(past / 512 - expected) < 4 * math.sqrt(expected * (1 - expected) / 512)
    assert line.startswith(f"alternatives.0 ('fleet'): {past:,} of 512 samples (")
    assert line.endswith("narrow traffic.requests_per_month")
    two = parse_scenario(_scenario(_uniform(1.3e12, 2.3e12), _uniform(0.09, 0.11)))
    [line] = [w for w in sobol(two, samples=256, seed=1).warnings if "past the cap" in w]
    assert " of 1,024 samples (" in line
    path = tmp_path / "wide.yaml"
    path.write_text(json.dumps(_scenario(_uniform(1.3e12, 2.3e12))))
    code, out, err = run("sensitivity", path, "--method", "sobol", "--samples", "256", "--json")
    assert code == 0, err
    assert [w for w in json.loads(out)["warnings"] if "past the cap" in w]
    assert "size a fleet past the cap" in " ".join(err.split())


def test_sobol_says_nothing_where_no_sample_passes_the_cap() -> None:
    from payback.studies.uncertainty import sobol

    scenario = parse_scenario(_scenario(_uniform(1e6, 2e6)))
    assert not [w for w in sobol(scenario, samples=256, seed=1).warnings if "cap" in w]
