"""A study that varies a token length says the self-hosted capacity it holds as it is
(the engine moves only the per-token prices): one line, in text and --json."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run
from payback.analysis.resolve import resolve
from payback.scenario import load_scenario
from payback.studies.solve import parse_target, solve
from payback.studies.uncertainty import monte_carlo, sobol

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HELD = (
    "alternatives.0's capacity (replica_requests_per_s, 8.525 requests/s, estimated at the "
    "file's 1,200/250 tokens) stays as it is; run analyze at other token lengths to see it move"
)
OUTPUT_ONLY = f"traffic.output_tokens varies the per-token prices only: {HELD}"


def _with(example: str, old: str, new: str, tmp_path: Path) -> Path:
    """The example with one line written otherwise."""
    text = (EXAMPLES / example).read_text()
    assert old in text
    path = tmp_path / example
    path.write_text(text.replace(old, new, 1))
    return path


def _output_ranged(tmp_path: Path) -> Path:
    """catalog-ids.toml with its output length a range around the file's 250 tokens."""
    return _with(
        "catalog-ids.toml",
        "output_tokens = 250",
        'output_tokens = { dist = "uniform", low = 187.5, high = 312.5 }',
        tmp_path,
    )


def _traffic_ranged(tmp_path: Path) -> Path:
    """quarter-200k.toml (a given capacity) with only its traffic a range."""
    return _with(
        "quarter-200k.toml",
        "requests_per_month = 200000",
        'requests_per_month = { dist = "uniform", low = 150000, high = 250000 }',
        tmp_path,
    )


def test_tornado_says_the_estimated_capacity_it_holds() -> None:
    code, out, err = run("sensitivity", EXAMPLES / "catalog-ids.toml", "--json")
    assert code == 0, err
    line = (
        "traffic.input_tokens, traffic.output_tokens and traffic.cached_input_share vary the "
        f"per-token prices only: {HELD}"
    )
    assert json.loads(out)["warnings"] == [line]
    assert f"warning: {line}" in " ".join(err.split())


def test_tornado_given_capacity_said_as_given_and_none_without_token_lengths(
    tmp_path: Path,
) -> None:
    code, out, err = run("sensitivity", EXAMPLES / "quarter-200k.toml", "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == [
        "traffic.input_tokens, traffic.output_tokens and traffic.cached_input_share vary the "
        "per-token prices only: alternatives.0's capacity (replica_requests_per_s, 0.85 "
        "requests/s, as given) stays as it is; measure it at other token lengths (payback "
        "estimate serving, or a benchmark through payback import-benchmark) and give the file "
        "what you measure"
    ]
    code, out, err = run("sensitivity", _traffic_ranged(tmp_path), "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == []
    assert "per-token prices only" not in err


def test_monte_carlo_says_the_capacity_it_holds(tmp_path: Path) -> None:
    resolved = resolve(load_scenario(_output_ranged(tmp_path)))
    assert monte_carlo(resolved, samples=200).warnings == [OUTPUT_ONLY]
    plain = resolve(load_scenario(_traffic_ranged(tmp_path)))
    assert monte_carlo(plain, samples=200).warnings == []


def test_analyze_samples_json_says_it(tmp_path: Path) -> None:
    code, out, err = run("analyze", _output_ranged(tmp_path), "--samples", "200", "--json")
    assert code == 0, err
    assert OUTPUT_ONLY in json.loads(out)["warnings"]


def test_sobol_says_the_capacity_it_holds(tmp_path: Path) -> None:
    resolved = resolve(load_scenario(_output_ranged(tmp_path)))
    assert OUTPUT_ONLY in sobol(resolved, 64).warnings


def test_solve_says_the_capacity_it_holds() -> None:
    resolved = resolve(load_scenario(EXAMPLES / "catalog-ids.toml"))
    found = solve(resolved, "traffic.output_tokens", "npv_usd=0")
    # past the values analyze accepts (below 1 token, past llama-3.1-8b's context of
    # 131,072 with 1,200 input tokens) the search stops, and says why
    assert found.warnings[0] == OUTPUT_ONLY
    assert [line.split(": past it")[0] for line in found.warnings[1:]] == [
        "traffic.output_tokens searched ≥ 1",
        "traffic.output_tokens searched ≤ 129,872",
    ]
    assert "context is 131,072 tokens" in found.warnings[2]
    assert found.to_dict()["warnings"] == found.warnings
    other = solve(resolved, "traffic.requests_per_month", "npv_usd=0")
    assert other.warnings == []


WORKLOAD_1 = (
    "workloads.1.traffic.output_tokens varies the per-token prices only: alternatives.0's "
    "capacity on workloads.1 (replica_requests_per_s, 4 requests/s, as given) and "
    "alternatives.1's capacity on workloads.1 (replica_requests_per_s, 4 requests/s, as "
    "given) stay as they are; measure them at other token lengths (payback estimate "
    "serving, or a benchmark through payback import-benchmark) and give the file what you "
    "measure"
)


def test_portfolio_solve_says_the_capacities_of_the_workload_it_moves() -> None:
    from payback.analysis.portfolio import prepare
    from payback.studies.portfolio_uncertainty import solve_portfolio

    p = prepare(load_scenario(EXAMPLES / "portfolio.toml"))
    found = solve_portfolio(p, "workloads.1.traffic.output_tokens", parse_target("npv_usd=0"))
    assert found.warnings == [WORKLOAD_1]
    other = solve_portfolio(p, "workloads.1.traffic.requests_per_month", parse_target("npv_usd=0"))
    assert other.warnings == []


def test_portfolio_monte_carlo_and_tornado_say_it(tmp_path: Path) -> None:
    from payback.analysis.portfolio import prepare
    from payback.studies.portfolio_uncertainty import portfolio_monte_carlo

    ranged = _with(
        "portfolio.toml",
        "input_tokens = 3000, output_tokens = 300,",
        'input_tokens = 3000, output_tokens = { dist = "uniform", low = 250, high = 350 },',
        tmp_path,
    )
    p = prepare(load_scenario(ranged))
    assert portfolio_monte_carlo(p, 200)["warnings"] == [WORKLOAD_1]
    code, out, err = run("sensitivity", ranged, "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == [WORKLOAD_1]
    code, out, err = run("sensitivity", EXAMPLES / "portfolio.toml", "--swing", "0.1", "--json")
    assert code == 0, err
    (held,) = json.loads(out)["warnings"]
    # five workloads' lengths, two alternatives each: said shortly (the line named all 20)
    assert held == (
        "the input_tokens and output_tokens of workloads 0, 1, 2, 3 and 4 vary the per-token "
        "prices only: the 10 capacities of alternatives.0 and alternatives.1 on those "
        "workloads (replica_requests_per_s, each as the workload's analysis resolves it) stay "
        "as they are; estimate or measure them again at other token lengths and give the file "
        "those"
    )
