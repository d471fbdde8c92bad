"""A capacity estimated from model and gpu follows what a study moves, as analyze of the
file with the input at that value estimates it: a token length (estimated again), the
traffic (the replica's GPUs chosen again among the sizes analyze compared), and a swing of
the estimate itself (its ratio to the file's, at each sample's lengths). Before, a study
held the capacity and the replica's size resolved at the file's values: a tornado's end, a
solve's answer and a Monte Carlo sample then disagreed with analyze of the same file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import EXAMPLES, FROZEN_PORTFOLIO, run
from payback.analysis.alone import alone
from payback.analysis.cashflows import evaluate
from payback.analysis.follow import EXACT_VALUES, following
from payback.analysis.resolve import Resolved, resolve
from payback.errors import PaybackError
from payback.scenario import load_scenario
from payback.scenario.paths import with_value
from payback.studies.solve import parse_target, solve
from payback.studies.uncertainty import tornado

CAPACITY = "alternatives.0.replica_requests_per_s"
GPUS = "alternatives.0.gpus_per_replica"


def _catalog_ids(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """examples/catalog-ids.toml at 30M requests a month on one replica at least (its
    fleet sized by the capacity, not by min_replicas = 2), with ``edits`` besides."""
    text = (EXAMPLES / "catalog-ids.toml").read_text()
    for old, new in (
        ("requests_per_month = 1000000", "requests_per_month = 30000000"),
        ("min_replicas = 2 ", "min_replicas = 1 "),
        *edits,
    ):
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Resolved:
    """Llama 3.1 8B on L40S: one GPU a replica, 8.525 requests/s at 1,200/250 tokens."""
    return resolve(load_scenario(_catalog_ids(tmp_path_factory.mktemp("big"))))


@pytest.fixture(scope="module")
def seventy(tmp_path_factory: pytest.TempPathFactory) -> Resolved:
    """Llama 3.1 70B on H100: analyze chooses 4 GPUs a replica at 30M requests a month,
    2 at 22.5M (the sizes compared: 1, 2, 4 and 8)."""
    path = _catalog_ids(
        tmp_path_factory.mktemp("seventy"),
        ('model = "llama-3.1-8b"\ngpu = "l40s"', 'model = "llama-3.1-70b"\ngpu = "h100-sxm"'),
    )
    return resolve(load_scenario(path))


def _analyze(resolved: Resolved, values: dict[str, float]) -> tuple[float, float, float]:
    """NPV, capacity and GPUs a replica of analyze of the file with ``values`` written."""
    scenario = resolved.original
    for path, value in values.items():
        scenario = with_value(scenario, path, value)
    again = resolve(scenario)
    option = again.scenario.alternatives[0]
    npv = float(evaluate(again).alternatives[0].npv_usd)
    return npv, float(option.replica_requests_per_s), float(option.gpus_per_replica)


def test_the_file_as_resolved_is_what_analyze_chose(big: Resolved, seventy: Resolved) -> None:
    assert big.scenario.alternatives[0].gpus_per_replica == 1
    assert big.scenario.alternatives[0].replica_requests_per_s == pytest.approx(8.525, abs=5e-4)
    assert seventy.scenario.alternatives[0].gpus_per_replica == 4
    assert _analyze(seventy, {"traffic.requests_per_month": 22.5e6})[2] == 2


@pytest.mark.parametrize(
    ("fixture", "path", "values"),
    [
        ("big", "traffic.input_tokens", [900.0, 1500.0, 6000.0]),
        ("big", "traffic.output_tokens", [187.5, 312.5, 2000.0]),
        ("big", "traffic.cached_input_share", [0.0, 0.225, 0.375]),
        ("seventy", "traffic.requests_per_month", [22.5e6, 3e7, 37.5e6]),
        ("seventy", "traffic.peak_to_average", [2.25, 3.75]),
        ("seventy", "traffic.growth_monthly", [0.0225, 0.0375]),
        ("seventy", "alternatives.0.usd_per_gpu_hour", [2.5, 6.0]),
    ],
)
def test_each_value_is_analyze_of_the_file_at_that_value(
    fixture: str, path: str, values: list[float], request: pytest.FixtureRequest
) -> None:
    resolved: Resolved = request.getfixturevalue(fixture)
    xs = np.array(values)
    moved = following(resolved, {path: xs})
    ev = evaluate(resolved, {path: xs})
    for i, x in enumerate(values):
        npv, capacity, gpus = _analyze(resolved, {path: x})
        assert float(ev.alternatives[0].npv_usd[i]) == pytest.approx(npv, rel=1e-12)
        assert float(np.broadcast_to(moved[CAPACITY], xs.shape)[i]) == pytest.approx(capacity)
        assert float(np.broadcast_to(moved[GPUS], xs.shape)[i]) == gpus


def test_the_capacity_moves_and_the_size_is_chosen_again(seventy: Resolved, big: Resolved) -> None:
    longer = following(big, {"traffic.output_tokens": np.array([250.0, 500.0])})
    held = big.scenario.alternatives[0].replica_requests_per_s
    assert longer[CAPACITY][0] == pytest.approx(held)
    assert longer[CAPACITY][1] < 0.6 * held  # twice the output: about half the requests
    fewer = following(seventy, {"traffic.requests_per_month": np.array([22.5e6, 3e7])})
    assert list(fewer[GPUS]) == [2.0, 4.0]


def test_tornado_ends_are_analyze_of_the_file_at_each_end(seventy: Resolved) -> None:
    drivers = tornado(seventy)[0]
    checked = 0
    for d in drivers:
        if d.parameter in ("traffic.requests_per_month", "traffic.peak_to_average"):
            for value, npv in ((d.low, d.npv_low_usd), (d.high, d.npv_high_usd)):
                assert npv == pytest.approx(_analyze(seventy, {d.parameter: value})[0], rel=1e-12)
                checked += 1
    assert checked == 4


def test_a_swing_of_the_estimate_scales_it_at_each_samples_lengths(big: Resolved) -> None:
    """The tornado's ±25% on an estimated capacity: 0.75 of the estimate at the file's
    lengths and at others alike, so an end of another input holds the estimate's ratio 1."""
    file = big.scenario.alternatives[0].replica_requests_per_s
    out = following(
        big,
        {
            "traffic.output_tokens": np.array([250.0, 500.0, 500.0]),
            CAPACITY: np.array([0.75 * file, file, 0.75 * file]),
        },
    )
    at_500 = _analyze(big, {"traffic.output_tokens": 500.0})[1]
    assert out[CAPACITY] == pytest.approx([0.75 * file, at_500, 0.75 * at_500])


def test_a_replica_the_caller_sizes_is_taken_as_given(big: Resolved) -> None:
    out = following(big, {CAPACITY: np.array([3.0]), GPUS: np.array([2.0])})
    assert out[CAPACITY][0] == 3.0
    assert out[GPUS][0] == 2.0


def test_solve_answers_what_analyze_of_the_answer_meets(seventy: Resolved) -> None:
    target = 889_000.0
    found = solve(seventy, "traffic.requests_per_month", parse_target(f"npv_usd={target:g}"))
    assert found.value is not None
    npv, _, gpus = _analyze(seventy, {"traffic.requests_per_month": found.value})
    assert gpus == 2  # the size analyze chooses there; held at 4, the answer was 22,695,542
    assert npv == pytest.approx(target, rel=1e-6)
    assert found.value == pytest.approx(22_494_645, rel=1e-5)


def test_many_samples_read_between_resolved_nodes_within_a_fifth_of_a_percent(
    big: Resolved,
) -> None:
    rng = np.random.default_rng(7)
    out_tokens = rng.uniform(150, 2000, 2_000)
    in_tokens = rng.uniform(300, 6000, 2_000)
    for overrides in (
        {"traffic.output_tokens": out_tokens},
        {"traffic.output_tokens": out_tokens, "traffic.input_tokens": in_tokens},
    ):
        assert len(np.unique(out_tokens)) > EXACT_VALUES  # read between nodes
        ev = evaluate(big, overrides)
        for i in range(0, 2_000, 250):
            own = {path: float(values[i]) for path, values in overrides.items()}
            npv = _analyze(big, own)[0]
            assert float(ev.alternatives[0].npv_usd[i]) == pytest.approx(npv, rel=2e-3)


def test_chunks_read_the_same_as_the_whole(big: Resolved) -> None:
    xs = np.linspace(180.0, 900.0, 400)
    whole = following(big, {"traffic.output_tokens": xs})[CAPACITY]
    halves = [following(big, {"traffic.output_tokens": part})[CAPACITY] for part in np.split(xs, 2)]
    assert np.array_equal(whole, np.concatenate(halves))


@settings(max_examples=10, deadline=None)
@given(st.floats(100.0, 1500.0), st.floats(1.05, 3.0))
def test_more_output_tokens_never_serve_more_requests(low: float, ratio: float) -> None:
    """On a replica of one size (the size chosen may grow with the lengths)."""
    resolved = resolve(load_scenario(EXAMPLES / "catalog-ids.toml"))
    xs = np.geomspace(low, low * ratio, 90)  # more than EXACT_VALUES: between nodes
    one = np.ones_like(xs)
    capacity = following(resolved, {"traffic.output_tokens": xs, GPUS: one})[CAPACITY]
    assert np.all(np.diff(capacity) <= 1e-9 * capacity[:-1])


def test_a_sample_past_the_models_context_is_refused_naming_it(big: Resolved) -> None:
    single = alone(big, 0)
    with pytest.raises(PaybackError) as caught:
        following(single, {"traffic.input_tokens": np.array([1200.0, 140_000.0])})
    (line,) = caught.value.messages
    assert line == (
        "traffic.input_tokens = 140,000: analyze refuses the file there (llama-3.1-8b's "
        "context is 131,072 tokens (max_position_embeddings); a prompt of at most 131,071 "
        "tokens), and the capacity of alternatives.0 is estimated again at each value a study "
        "tries; keep the input's range within what analyze accepts, or give "
        "replica_requests_per_s"
    )


def test_monte_carlo_past_the_context_exits_2_in_one_line(tmp_path: Path) -> None:
    path = _catalog_ids(
        tmp_path,
        ("input_tokens = 1200", 'input_tokens = { dist = "uniform", low = 1000, high = 200000 }'),
    )
    code, out, err = run("analyze", path, "--samples", "500")
    assert code == 2, out
    assert "Traceback" not in err
    assert "traffic.input_tokens = " in err
    assert "context" in err


def _estimated_portfolio(tmp_path: Path) -> Path:
    """The frozen copy of examples/portfolio.toml with both alternatives' capacity left to
    the estimate (Llama 3.1 8B in FP8 on L40S), workload 1 at 40M requests a month."""
    text = FROZEN_PORTFOLIO.read_text()
    lines = []
    for line in text.splitlines():
        if line.startswith("replica_requests_per_s = 13.8"):
            lines += ['model = "llama-3.1-8b"', 'gpu = "l40s"', 'precision = "fp8"']
        elif "replica_requests_per_s" not in line and line != "gpus_per_replica = 1":
            lines.append(line)
    text = "\n".join(lines).replace("requests_per_month = 150000,", "requests_per_month = 4e7,")
    path = tmp_path / "p.toml"
    path.write_text(text + "\n")
    return path


def test_a_portfolios_shared_and_separate_fleets_follow_a_workloads_lengths(
    tmp_path: Path,
) -> None:
    """The shared fleet read its capacity before it followed: at 900 output tokens on
    workload 1 its NPV was $13,442,384 where analyze of that file gives $13,018,806."""
    from payback.analysis.portfolio import evaluate_portfolio, prepare

    path = _estimated_portfolio(tmp_path)
    p = prepare(load_scenario(path))
    assert p.shares_fleet(0)
    assert not p.shares_fleet(1)
    moved = "workloads.1.traffic.output_tokens"
    xs = np.array([100.0, 900.0, 2000.0])
    study = evaluate_portfolio(p, {moved: xs})
    for k, x in enumerate(xs):
        again = evaluate_portfolio(prepare(with_value(load_scenario(path), moved, float(x))))
        for i in (0, 1):
            got = float(study.alternatives[i].npv_usd[k])
            assert got == pytest.approx(float(again.alternatives[i].npv_usd), rel=1e-12)


def test_no_held_line_where_every_varied_capacity_is_estimated(tmp_path: Path) -> None:
    """Three workloads' lengths, every capacity estimated: the line built for many raised
    IndexError (sensitivity of such a portfolio exited 1)."""
    from payback.analysis.portfolio import prepare
    from payback.studies.capacity_held import portfolio_capacity_held_line

    p = prepare(load_scenario(_estimated_portfolio(tmp_path)))
    paths = [f"workloads.{j}.traffic.output_tokens" for j in range(3)]
    assert portfolio_capacity_held_line(p, paths) is None


def test_an_input_that_prices_no_fleet_chooses_no_size_again(seventy: Resolved) -> None:
    """A baseline price moves nothing a fleet costs: the size analyze chose stands, with no
    engine call a size (a tornado of 20 inputs paid four engine calls for each)."""
    out = following(seventy, {"baseline.output_usd_per_mtok": np.array([7.5, 12.5])})
    assert CAPACITY not in out


def test_solves_answer_on_a_length_is_met_by_analyze(big: Resolved) -> None:
    found = solve(big, "traffic.input_tokens", parse_target("npv_usd=1850000"))
    assert found.value is not None
    npv = _analyze(big, {"traffic.input_tokens": found.value})[0]
    assert npv == pytest.approx(1_850_000, rel=1e-6)


def test_a_portfolios_swing_of_an_estimated_capacity_moves_each_workloads_alike(
    tmp_path: Path,
) -> None:
    """The portfolio's value of an alternative's estimated capacity is the first workload's;
    sent as it is to every workload it moved workload 1's (3.37 requests/s) by 4.05x, and
    every tornado end of the portfolio stood $150,302 off analyze."""
    from payback.analysis.portfolio import central_value, evaluate_portfolio, prepare

    path = _estimated_portfolio(tmp_path)
    p = prepare(load_scenario(path))
    file = float(evaluate_portfolio(p).alternatives[0].npv_usd)
    at_centre = central_value(p, CAPACITY)
    same = evaluate_portfolio(p, {CAPACITY: np.array([at_centre])})
    assert float(same.alternatives[0].npv_usd[0]) == pytest.approx(file, rel=1e-12)
    moved = "workloads.4.traffic.output_tokens"
    ends = evaluate_portfolio(p, {moved: np.array([187.5, 312.5]), CAPACITY: at_centre})
    for k, x in enumerate((187.5, 312.5)):
        again = evaluate_portfolio(prepare(with_value(load_scenario(path), moved, x)))
        got = float(ends.alternatives[0].npv_usd[k])
        assert got == pytest.approx(float(again.alternatives[0].npv_usd), rel=1e-12)
