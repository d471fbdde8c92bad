"""A study that varies a token length says the self-hosted capacity the file gives, which
it holds as it is (the engine moves only the per-token prices): one line, in text and
--json. A capacity estimated from model and gpu follows the lengths
(tests/studies/test_capacity_follows.py) and is not said."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run
from payback.analysis.resolve import resolve
from payback.scenario import load_scenario
from payback.studies.solve import parse_target, solve
from payback.studies.uncertainty import monte_carlo, sobol

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODO = (
    "measure {it} at other token lengths (payback estimate serving, or a benchmark through "
    "payback import-benchmark) and give the file what you measure, or leave {it} out for "
    "analyze to estimate from model and gpu at each length"
)
HELD = (
    "alternatives.0's capacity (replica_requests_per_s, 0.85 requests/s) stays as it is; "
    + TODO.format(it="it")
)
OUTPUT_ONLY = f"traffic.output_tokens varies the per-token prices only: {HELD}"


def _with(example: str, old: str, new: str, tmp_path: Path) -> Path:
    """The example with one line written otherwise."""
    text = (EXAMPLES / example).read_text()
    assert old in text
    path = tmp_path / example
    path.write_text(text.replace(old, new, 1))
    return path


def _output_ranged(tmp_path: Path, example: str = "quarter-200k.toml") -> Path:
    """An example with its output length a range around the file's."""
    old = {"quarter-200k.toml": "output_tokens = 400", "catalog-ids.toml": "output_tokens = 250"}
    low, high = {"quarter-200k.toml": (300, 500), "catalog-ids.toml": (187.5, 312.5)}[example]
    return _with(
        example,
        old[example],
        f'output_tokens = {{ dist = "uniform", low = {low}, high = {high} }}',
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


def test_tornado_says_the_given_capacity_it_holds_not_an_estimated_one() -> None:
    code, out, err = run("sensitivity", EXAMPLES / "quarter-200k.toml", "--json")
    assert code == 0, err
    line = (
        "traffic.input_tokens, traffic.output_tokens and traffic.cached_input_share vary the "
        f"per-token prices only: {HELD}"
    )
    assert json.loads(out)["warnings"] == [line]
    assert f"warning: {line}" in " ".join(err.split())
    code, out, err = run("sensitivity", EXAMPLES / "catalog-ids.toml", "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == []  # estimated: it follows the lengths
    assert "per-token prices only" not in err


def test_tornado_none_without_token_lengths(tmp_path: Path) -> None:
    code, out, err = run("sensitivity", _traffic_ranged(tmp_path), "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == []
    assert "per-token prices only" not in err


def test_monte_carlo_says_the_capacity_it_holds(tmp_path: Path) -> None:
    resolved = resolve(load_scenario(_output_ranged(tmp_path)))
    # 400 samples: enough not to add the few-samples line (studies/sample_noise.py)
    assert monte_carlo(resolved, samples=400).warnings == [OUTPUT_ONLY]
    plain = resolve(load_scenario(_traffic_ranged(tmp_path)))
    assert monte_carlo(plain, samples=400).warnings == []
    estimated = resolve(load_scenario(_output_ranged(tmp_path, "catalog-ids.toml")))
    assert monte_carlo(estimated, samples=400).warnings == []


def test_analyze_samples_json_says_it(tmp_path: Path) -> None:
    code, out, err = run("analyze", _output_ranged(tmp_path), "--samples", "200", "--json")
    assert code == 0, err
    assert OUTPUT_ONLY in json.loads(out)["warnings"]


def test_sobol_says_the_capacity_it_holds(tmp_path: Path) -> None:
    resolved = resolve(load_scenario(_output_ranged(tmp_path)))
    assert OUTPUT_ONLY in sobol(resolved, 64).warnings


def test_solve_says_the_capacity_it_holds() -> None:
    given = resolve(load_scenario(EXAMPLES / "quarter-200k.toml"))
    assert solve(given, "traffic.output_tokens", "npv_usd=0").warnings[0] == OUTPUT_ONLY
    resolved = resolve(load_scenario(EXAMPLES / "catalog-ids.toml"))
    found = solve(resolved, "traffic.output_tokens", "npv_usd=0")
    # past the values analyze accepts (below 1 token, past llama-3.1-8b's context of
    # 131,072 with 1,200 input tokens) the search stops, and says why; the capacity,
    # estimated, follows the lengths: not said
    assert [line.split(": past it")[0] for line in found.warnings] == [
        "traffic.output_tokens searched ≥ 1",
        "traffic.output_tokens searched ≤ 129,872",
    ]
    assert "context is 131,072 tokens" in found.warnings[1]
    # the resolver's reason alone: it said "...: examples/catalog-ids.toml: traffic.output_tokens
    # = 1: must be a finite number ≥ 1", the value just below 1 printed as 1
    assert found.warnings[0].endswith(
        "past it analyze refuses the file: must be a finite number ≥ 1"
    )
    assert not any("catalog-ids.toml" in line for line in found.warnings)
    assert found.to_dict()["warnings"] == found.warnings
    other = solve(resolved, "traffic.requests_per_month", "npv_usd=0")
    assert other.warnings == []


WORKLOAD_1 = (
    "workloads.1.traffic.output_tokens varies the per-token prices only: alternatives.0's "
    "capacity on workloads.1 (replica_requests_per_s, 3.4 requests/s) and alternatives.1's "
    "capacity on workloads.1 (replica_requests_per_s, 3.4 requests/s) stay as they are; "
    + TODO.format(it="them")
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
    assert portfolio_monte_carlo(p, 400)["warnings"] == [WORKLOAD_1]  # 400: no few-samples line
    code, out, err = run("sensitivity", ranged, "--json")
    assert code == 0, err
    assert json.loads(out)["warnings"] == [WORKLOAD_1]
    code, out, err = run("sensitivity", EXAMPLES / "portfolio.toml", "--swing", "0.1", "--json")
    assert code == 0, err
    (held,) = json.loads(out)["warnings"]
    # five workloads' lengths, two alternatives each: said shortly (the line named all 20)
    assert held == (
        "the input_tokens and output_tokens of workloads 0, 1, 2, 3 and 4 vary the per-token "
        "prices only: the capacities of alternatives.0 and alternatives.1 on those workloads "
        "(replica_requests_per_s: the 8 that workloads 1, 2, 3 and 4 give; alternatives.0's own "
        "on workload 0; alternatives.1's own on workload 0) stay as they are; "
        + TODO.format(it="them")
    )
