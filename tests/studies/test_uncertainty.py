"""Distributions, Monte Carlo, tornado and Sobol: statistics, limits and agreement with a
per-sample loop."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import EXAMPLES, assert_user_error, build, edited, fleet_dict, per_request_dict, run
from payback import PaybackError, analyze, monte_carlo
from payback.analysis.cashflows import evaluate, numeric_paths
from payback.analysis.follow import following
from payback.analysis.resolve import resolve
from payback.scenario import parse_scenario
from payback.scenario.distributions import LogNormal, Normal, Triangular, Uniform
from payback.studies import uncertainty as un
from payback.studies.uncertainty import sobol, tornado

RNG = np.random.default_rng(12345)
U = RNG.random(200_000)


# ------------------------------------------------------------------ the distributions


def test_triangular_sample_statistics() -> None:
    d = Triangular(dist="triangular", low=1.0, mode=2.0, high=6.0)
    x = d.ppf(U)
    mean = (1 + 2 + 6) / 3
    sd = math.sqrt((1 + 4 + 36 - 2 - 6 - 12) / 18)
    assert x.mean() == pytest.approx(mean, abs=4 * sd / math.sqrt(U.size))
    assert x.min() >= 1.0
    assert x.max() <= 6.0
    assert np.mean(x <= 2.0) == pytest.approx(
        (2 - 1) / (6 - 1), abs=0.005
    )  # F(mode) = (mode-low)/(high-low)
    assert d.central() == 2.0


def test_uniform_sample_statistics() -> None:
    x = Uniform(dist="uniform", low=10.0, high=20.0).ppf(U)
    assert x.mean() == pytest.approx(15.0, abs=4 * (10 / math.sqrt(12)) / math.sqrt(U.size))
    assert np.quantile(x, 0.25) == pytest.approx(12.5, abs=0.05)
    assert Uniform(dist="uniform", low=10.0, high=20.0).central() == 15.0


def test_normal_sample_statistics_and_truncation() -> None:
    d = Normal(dist="normal", mean=5.0, sd=2.0)
    x = d.ppf(U)
    assert x.mean() == pytest.approx(5.0, abs=4 * 2 / math.sqrt(U.size))
    assert x.std() == pytest.approx(2.0, rel=0.01)
    truncated = d.ppf(U, lower=0.0, upper=math.inf)
    assert truncated.min() >= 0.0
    # Φ(-2.5) of the mass lies below 0 and is redistributed above it
    assert np.mean(truncated < 1.0) == pytest.approx((0.02275 - 0.00621) / (1 - 0.00621), abs=0.002)


@pytest.mark.parametrize("sd", [1e3, 1e9, 1e15, 1e300])
def test_a_normal_far_wider_than_its_range_is_uniform_in_it(sd: float) -> None:
    # truncated to [0, 1], N(0.3, sd²) has a density flat within 1e-6 of itself there, so
    # its quantiles are u itself; at sd = 1e15 and beyond Φ's differences lost their
    # digits and every sample was the mean, 0.3
    x = Normal(dist="normal", mean=0.3, sd=sd).ppf(U, lower=0.0, upper=1.0)
    np.testing.assert_allclose(x, np.clip(U, 0.0, 1.0), atol=1e-6)


def test_lognormal_median_and_p90() -> None:
    d = LogNormal(dist="lognormal", median=100.0, p90=300.0)
    x = d.ppf(U)
    assert np.median(x) == pytest.approx(100.0, rel=0.01)
    assert np.quantile(x, 0.9) == pytest.approx(300.0, rel=0.015)
    capped = d.ppf(U, lower=0.0, upper=200.0)
    assert capped.max() <= 200.0
    assert np.median(capped) < 100.0  # the mass above 200 is gone, so the median drops


@given(
    low=st.floats(-1e6, 1e6),
    width=st.floats(0, 1e6),
    where=st.floats(0, 1),
    u=st.lists(st.floats(0, 1), min_size=2, max_size=20),
)
def test_quantile_functions_are_monotone_and_inside_the_support(
    low: float, width: float, where: float, u: list[float]
) -> None:
    p = np.sort(np.array(u))
    for d in (
        Triangular(dist="triangular", low=low, mode=low + where * width, high=low + width),
        Uniform(dist="uniform", low=low, high=low + width),
    ):
        x = d.ppf(p)
        assert np.all(np.diff(x) >= -1e-9 * max(1.0, abs(low) + width))
        assert np.all(x >= low - 1e-9 * max(1.0, abs(low)))
        assert np.all(x <= low + width + 1e-9 * max(1.0, abs(low) + width))


# ------------------------------------------------------------------ scenarios with distributions


def uncertain_seed() -> dict[str, Any]:
    data = per_request_dict(horizon=12, data_usd=4000.0)
    data["traffic"]["requests_per_month"] = {
        "dist": "triangular",
        "low": 10_000,
        "mode": 20_000,
        "high": 40_000,
    }
    data["alternatives"][0]["usd_per_1k_requests"] = {"dist": "uniform", "low": 1.0, "high": 5.0}
    data["alternatives"][0]["one_time"]["data_usd"] = {
        "dist": "lognormal",
        "median": 4000.0,
        "p90": 8000.0,
    }
    return data


def test_the_deterministic_answer_uses_central_values() -> None:
    central = analyze(build(uncertain_seed())).alternatives[0]
    plain = per_request_dict(horizon=12, data_usd=4000.0)
    plain["alternatives"][0]["usd_per_1k_requests"] = 3.0
    assert central == analyze(build(plain)).alternatives[0]


@pytest.mark.parametrize(
    "dist",
    [
        {"dist": "triangular", "low": 20_000, "mode": 20_000, "high": 20_000},
        {"dist": "uniform", "low": 20_000, "high": 20_000},
        {"dist": "normal", "mean": 20_000, "sd": 0},
        {"dist": "lognormal", "median": 20_000, "p90": 20_000},
    ],
)
def test_degenerate_distributions_reproduce_the_deterministic_answer_exactly(
    dist: dict[str, Any],
) -> None:
    data = per_request_dict(horizon=12, data_usd=4000.0)
    plain = analyze(build(data)).alternatives[0]
    data["traffic"]["requests_per_month"] = dist
    mc = monte_carlo(build(data), samples=500, seed=3).alternatives[0]
    assert mc.break_even_month_percentiles == {
        "p10": plain.break_even_month,
        "p50": plain.break_even_month,
        "p90": plain.break_even_month,
    }
    assert mc.npv_usd_percentiles == {
        "p10": plain.npv_usd,
        "p50": plain.npv_usd,
        "p90": plain.npv_usd,
    }
    assert mc.cumulative_savings_percentiles["p50"] == plain.cumulative_savings_usd


def test_monte_carlo_matches_a_brute_force_loop() -> None:
    data = uncertain_seed()
    scenario = build(data)
    samples, seed = 300, 7
    mc = monte_carlo(scenario, samples=samples, seed=seed).alternatives[0]
    # the same draws, one scenario at a time, through the plain analysis
    inputs = un.uncertain_inputs(resolve(scenario))
    u = np.random.default_rng(seed).random((samples, len(inputs)))
    months, npvs = [], []
    for row in u:
        one = copy.deepcopy(data)
        one["traffic"]["requests_per_month"] = float(inputs[0].ppf(row[0]))
        one["alternatives"][0]["usd_per_1k_requests"] = float(inputs[1].ppf(row[1]))
        one["alternatives"][0]["one_time"]["data_usd"] = float(inputs[2].ppf(row[2]))
        result = analyze(build(one)).alternatives[0]
        months.append(math.inf if result.break_even_month is None else result.break_even_month)
        npvs.append(result.npv_usd)
    months_a = np.array(months)
    for k in ("3", "6", "12"):
        assert mc.p_break_even_within[k] == pytest.approx(np.mean(months_a <= int(k)))
    assert mc.p_break_even_within["horizon"] == pytest.approx(np.mean(np.isfinite(months_a)))
    assert mc.npv_usd_mean == pytest.approx(np.mean(npvs))
    assert mc.p_npv_positive == pytest.approx(np.mean(np.array(npvs) > 0))
    p50 = mc.break_even_month_percentiles["p50"]
    assert (math.inf if p50 is None else p50) == np.quantile(months_a, 0.5, method="inverted_cdf")


def test_never_counts_as_later_than_any_month() -> None:
    data = uncertain_seed()
    data["alternatives"][0]["usd_per_1k_requests"] = {"dist": "uniform", "low": 1.0, "high": 16.0}
    mc = monte_carlo(build(data), samples=4000, seed=1).alternatives[0]
    never = 1 - mc.p_break_even_within["horizon"]  # type: ignore[operator]
    assert 0.5 < never < 0.9  # 10-50% pay back: p10 is a month, p50 and p90 are "never"
    assert mc.break_even_month_percentiles["p10"] is not None
    assert mc.break_even_month_percentiles["p50"] is None
    assert mc.break_even_month_percentiles["p90"] is None
    assert mc.p_break_even_within["12"] == mc.p_break_even_within["horizon"]  # horizon is 12


def test_same_seed_same_answer_whatever_the_chunking(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = build(uncertain_seed())
    whole = monte_carlo(scenario, samples=1000, seed=5)
    monkeypatch.setattr(un, "FIRST_CHUNK", 64)
    monkeypatch.setattr(un, "CELLS_PER_CHUNK", 13 * 100)  # 100 samples a chunk at 12 months
    chunked = monte_carlo(scenario, samples=1000, seed=5)
    assert whole == chunked
    assert monte_carlo(scenario, samples=1000, seed=6) != whole


def test_progress_is_reported_per_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(un, "FIRST_CHUNK", 100)
    monkeypatch.setattr(un, "CELLS_PER_CHUNK", 13 * 1000)  # 1,000 samples a chunk at 12 months
    calls: list[tuple[int, int]] = []
    monte_carlo(
        build(uncertain_seed()),
        samples=2500,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(100, 2500), (1100, 2500), (2100, 2500), (2500, 2500)]


def test_an_obviously_dominant_input_ranks_first() -> None:
    data = per_request_dict(horizon=12, data_usd=4000.0)
    data["alternatives"][0]["one_time"]["data_usd"] = {
        "dist": "uniform",
        "low": 0.0,
        "high": 100_000.0,
    }
    data["alternatives"][0]["usd_per_1k_requests"] = {"dist": "uniform", "low": 1.9, "high": 2.1}
    data["traffic"]["requests_per_month"] = {"dist": "uniform", "low": 19_900, "high": 20_100}
    scenario = build(data)
    drivers = tornado(scenario)[0]
    assert drivers[0].parameter == "alternatives.0.one_time.data_usd"
    assert drivers[0].low == pytest.approx(10_000.0)  # p10 of U(0, 100k)
    assert drivers[0].high == pytest.approx(90_000.0)
    assert drivers[0].npv_low_usd - drivers[0].npv_high_usd == pytest.approx(80_000.0)
    indices = sobol(scenario, samples=512, seed=0).alternatives[0]
    assert indices[0].parameter == "alternatives.0.one_time.data_usd"
    assert indices[0].total_order > 0.95


def test_without_distributions_every_number_swings_25_percent() -> None:
    scenario = build(fleet_dict(ops_usd_per_month=500.0))
    drivers = {d.parameter: d for d in tornado(scenario)[0]}
    ops = drivers["alternatives.0.ops_usd_per_month"]
    assert (ops.low, ops.high) == (375.0, 625.0)
    assert ops.assumed
    assert ops.npv_low_usd - ops.npv_high_usd == pytest.approx(250.0 * 3)  # 3 months, no discount
    assert drivers["alternatives.0.target_utilization"].high == 1.0  # 1.25 clipped to the allowed 1
    assert "alternatives.0.min_replicas" not in drivers  # whole-number counts do not swing
    with pytest.raises(PaybackError, match=r"swing 1\.5: must be at least 0\.001 and less than 1"):
        tornado(scenario, swing=1.5)


def test_monte_carlo_without_distributions_is_the_deterministic_answer() -> None:
    scenario = build(fleet_dict())
    plain = analyze(scenario).alternatives[0]
    mc = monte_carlo(scenario, samples=10)
    assert mc.inputs == []
    assert mc.alternatives[0].npv_usd_percentiles["p50"] == plain.npv_usd


def test_a_distribution_the_engine_does_not_read_is_refused() -> None:
    """Token lengths against a per-request baseline and a capacity the file gives: read by
    nothing (an estimated capacity would follow them: see the test below)."""
    data = fleet_dict()
    data["traffic"]["input_tokens"] = {"dist": "uniform", "low": 900, "high": 1100}
    data["baseline"] = {"name": "flat", "kind": "per_request", "usd_per_1k_requests": 15.0}
    scenario = build(data)
    with pytest.raises(PaybackError) as caught:
        monte_carlo(scenario, samples=10)
    # analyze's words for a range it cannot sample (below), said by one function
    assert caught.value.messages == [
        'traffic.input_tokens = { dist = "uniform", low = 900, high = 1100 }: a distribution '
        "here cannot be sampled: the number is used only to estimate a catalog figure once, "
        "or not at all; give that figure a distribution instead (replica_requests_per_s)"
    ]


UNREAD_LENGTH = """[scenario]
name = "lengths nothing reads"
horizon_months = 12

[traffic]
requests_per_month = 1000000
input_tokens = { dist = "uniform", low = 900, high = 1100 }
output_tokens = 200

[baseline]
name = "flat"
kind = "per_request"
usd_per_1k_requests = 15.0

[[alternatives]]
name = "rented"
kind = "self_hosted"
usd_per_gpu_hour = 0.8
replica_requests_per_s = 3.0
"""


def test_the_studies_refusal_names_the_file(tmp_path: Path) -> None:
    """Tried as a new user would: analyze named the file beside a range it cannot sample,
    the studies did not (and said it in other words)."""
    path = tmp_path / "lengths.toml"
    path.write_text(UNREAD_LENGTH, encoding="utf-8")
    for command in (("analyze", "--samples", "100"), ("sensitivity",)):
        code, out, err = run(command[0], path, *command[1:])
        assert_user_error(code, out, err)
        assert err.strip().splitlines() == [
            f'error: {path}: traffic.input_tokens = {{ dist = "uniform", low = 900, high = '
            "1100 }: a distribution here cannot be sampled: the number is used only to "
            "estimate a catalog figure once, or not at all; give that figure a distribution "
            "instead (replica_requests_per_s)"
        ], command


def test_lengths_that_only_an_estimated_capacity_reads_are_sampled() -> None:
    """Against a per-request baseline the token lengths feed only the capacity estimate:
    refused before, now each sample's capacity is estimated at its length, the NPV
    analyze's of the file at that length."""
    data = fleet_dict(model="llama-3.1-8b", gpu="l4")
    del data["alternatives"][0]["replica_requests_per_s"]
    data["traffic"]["input_tokens"] = {"dist": "uniform", "low": 900, "high": 1100}
    data["baseline"] = {"name": "flat", "kind": "per_request", "usd_per_1k_requests": 15.0}
    scenario = build(data)
    assert monte_carlo(scenario, samples=10).inputs == ["traffic.input_tokens"]
    resolved = resolve(scenario)
    assert "traffic.input_tokens" in numeric_paths(resolved)
    xs = np.array([900.0, 1100.0, 8000.0])
    ends = evaluate(resolved, {"traffic.input_tokens": xs})
    for k, tokens in enumerate(xs):
        again = resolve(build(edited(data, "traffic.input_tokens", tokens)))
        npv = float(evaluate(again).alternatives[0].npv_usd)
        assert float(ends.alternatives[0].npv_usd[k]) == pytest.approx(npv, rel=1e-12)
    capacity = following(resolved, {"traffic.input_tokens": xs})
    rps = capacity["alternatives.0.replica_requests_per_s"]
    per_gpu = rps / capacity["alternatives.0.gpus_per_replica"]  # a size chosen at each
    assert per_gpu[0] > per_gpu[1] > per_gpu[2]  # longer prompts: fewer requests a GPU


def test_samples_and_seed_must_be_sensible() -> None:
    scenario = build(uncertain_seed())
    for bad in (0, -5, 10**9):
        with pytest.raises(
            PaybackError, match=f"samples {bad}: must be a whole number from 1 to 2,000,000"
        ):
            monte_carlo(scenario, samples=bad)
    with pytest.raises(
        PaybackError, match="seed -1: must be a whole number from 0 to 9,223,372,036,854,775,807"
    ):
        monte_carlo(scenario, samples=10, seed=-1)


def test_sampled_overrides_stay_inside_allowed_ranges() -> None:
    data = fleet_dict()
    # 0.43% of it below 0 and 0.43% above 1 (z = ±2.63): accepted, drawn truncated to (0, 1]
    data["alternatives"][0]["target_utilization"] = {"dist": "normal", "mean": 0.5, "sd": 0.19}
    scenario = build(data)
    (item,) = un.uncertain_inputs(resolve(scenario))
    values = item.ppf(U)
    assert values.max() <= 1.0
    assert values.min() > 0.0
    evaluate(resolve(scenario), {item.path: values[:1000]})  # no error, no division by zero


def test_distributions_round_trip_through_files(tmp_path: Path) -> None:
    scenario = parse_scenario(uncertain_seed())
    from payback import load_scenario
    from payback.scenario import dump_scenario

    for fmt in ("toml", "yaml"):
        path = tmp_path / f"s.{fmt}"
        path.write_text(dump_scenario(scenario, fmt))  # type: ignore[arg-type]
        assert load_scenario(path) == scenario
        assert load_scenario(path).distributions == scenario.distributions


# ------------------------------------------------------------------ command line


def test_analyze_samples_json_shape_and_reproducibility() -> None:
    args = (
        "analyze",
        EXAMPLES / "quarter-uncertain.toml",
        "--samples",
        "3000",
        "--seed",
        "11",
        "--json",
    )
    code, out, _ = run(*args)
    assert code == 0
    u = json.loads(out)["alternatives"][0]["uncertainty"]
    assert u["samples"] == 3000
    assert set(u["p_break_even_within"]) == {"3", "6", "12", "horizon"}
    assert set(u["break_even_month_percentiles"]) == {"p10", "p50", "p90"}
    assert {"parameter", "low", "high", "npv_low_usd", "npv_high_usd"} <= set(u["drivers"][0])
    swings = [d["npv_swing_usd"] for d in u["drivers"]]
    assert swings == sorted(swings, reverse=True)
    assert run(*args)[1] == out  # same seed, same output
    assert run(*args[:-3], "--seed", "12", "--json")[1] != out


def test_analyze_samples_text() -> None:
    code, out, _ = run("analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", "2000")
    assert code == 0
    assert "Uncertainty (2,000 samples, seed 0, 14 uncertain inputs)" in out
    assert "Chance it pays back" in out
    assert "What dominates" in out


def test_sensitivity_commands() -> None:
    code, out, _ = run("sensitivity", EXAMPLES / "quarter-uncertain.toml", "--json")
    assert code == 0
    drivers = json.loads(out)["alternatives"][0]["drivers"]
    assert drivers[0]["parameter"] in {"traffic.growth_monthly", "traffic.requests_per_month"}
    code, out, _ = run(
        "sensitivity",
        EXAMPLES / "quarter-uncertain.toml",
        "--method",
        "sobol",
        "--samples",
        "256",
        "--json",
    )
    assert code == 0
    indices = json.loads(out)["alternatives"][0]["indices"]
    assert indices[0]["total_order"] >= indices[-1]["total_order"]
    code, out, _ = run("sensitivity", EXAMPLES / "seed.toml")
    assert code == 0
    assert "No distribution for these inputs: each moved ±25%" in out
    code, out, _ = run(
        "sensitivity", EXAMPLES / "quarter-uncertain.toml", "--swing", "0.1", "--top", "3"
    )
    # the file has distributions: --swing moved each input in place of them (the line
    # said "No distribution for these inputs: each moved ±10%")
    assert "--swing moved each input ±10% in place of its distribution." in out
    assert "No distribution" not in out
    assert "\n 4. " not in out
    assert "\n4. " not in out


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        ({"dist": "uniform", "low": 5, "high": 1}, "uniform distribution needs low ≤ high"),
        (
            {"dist": "triangular", "low": 1, "mode": 9, "high": 5},
            "triangular distribution needs low ≤ mode ≤ high",
        ),
        (
            {"dist": "normal", "mean": 20000, "sd": -1},
            "traffic.requests_per_month.sd = -1: must be ≥ 0",
        ),
        (
            {"dist": "beta", "a": 1},
            'traffic.requests_per_month.dist = "beta": unknown distribution',
        ),
        (
            {"dist": "lognormal", "median": 20000},
            "traffic.requests_per_month.p90: required by a lognormal distribution",
        ),
        (
            {"dist": "uniform", "low": -5, "high": 10},
            'traffic.requests_per_month = { dist = "uniform", low = -5, high = 10 }: low = -5 is '
            "outside the field's range; each end must be > 0 and ≤ 10,000,000,000,000",
        ),
        (  # sampled truncated to > 0 its samples would all be inf (Φ(z) rounds to 1)
            {"dist": "normal", "mean": -5, "sd": 0.1},
            "traffic.requests_per_month: the normal distribution's central value -5 must be > 0",
        ),
    ],
)
def test_bad_distributions_exit_2(tmp_path: Path, edit: dict[str, Any], fragment: str) -> None:
    path = tmp_path / "s.toml"
    text = (EXAMPLES / "seed.toml").read_text()
    inline = "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in edit.items()) + " }"
    path.write_text(text.replace("requests_per_month = 20000", f"requests_per_month = {inline}"))
    assert_user_error(*run("analyze", path), fragment)


def test_distribution_on_a_count_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    path.write_text(
        text.replace(
            "training_runs = 4 ", 'training_runs = { dist = "uniform", low = 2, high = 6 } '
        )
    )
    assert_user_error(
        *run("analyze", path),
        "alternatives.0.one_time.training_runs: a distribution needs a field that holds any number",
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ("analyze", EXAMPLES / "seed.toml", "--samples", "0"),
            "--samples 0: must be a whole number from 1 to 2,000,000",
        ),
        (
            ("analyze", EXAMPLES / "seed.toml", "--samples", "10", "--seed", "-1"),
            "--seed -1: must be a whole number from 0 to 9,223,372,036,854,775,807",
        ),
        (("analyze", EXAMPLES / "seed.toml", "--seed", "3"), "--seed needs --samples"),
        (
            ("sensitivity", EXAMPLES / "seed.toml", "--samples", "64"),
            "--samples and --seed apply to --method sobol",
        ),
        (("sensitivity", EXAMPLES / "seed.toml", "--method", "sobol", "--seed", "-2"), "--seed -2"),
        (("sensitivity", EXAMPLES / "seed.toml", "--top", "0"), "--top 0: must be ≥ 1"),
        (("analyze", EXAMPLES / "seed.toml", "--samples", "100000000"), "--samples 100000000"),
        (
            ("sensitivity", EXAMPLES / "seed.toml", "--method", "morris"),
            "error: --method morris: unknown; allowed: tornado, sobol",
        ),
        (
            ("sensitivity", EXAMPLES / "seed.toml", "--swing", "2"),
            "--swing 2: must be at least 0.001 and less than 1",
        ),
        (
            ("sensitivity", EXAMPLES / "seed.toml", "--method", "sobol", "--samples", "2"),
            "--samples 2: must be a whole number from 8",
        ),
    ],
)
def test_bad_sampling_options_exit_2(args: tuple[Any, ...], fragment: str) -> None:
    assert_user_error(*run(*args), fragment)


def test_a_distribution_on_a_one_time_cost_alone() -> None:
    data = per_request_dict(
        horizon=6,
        engineer_hours={"dist": "triangular", "low": 20, "mode": 40, "high": 100},
        engineer_usd_per_hour=100.0,
    )
    scenario = build(data)
    mc = monte_carlo(scenario, samples=2000, seed=0).alternatives[0]
    # saves $260 a month: one-time $2k..$10k pays back in 7.7..38 months; within 6 months never
    assert mc.p_break_even_within["6"] == 0.0
    assert mc.npv_usd_percentiles["p50"] == pytest.approx(
        6 * 260 - 100 * float(Triangular(dist="triangular", low=20, mode=40, high=100).ppf(0.5)),
        rel=0.02,
    )
    assert tornado(scenario)[0][0].parameter == "alternatives.0.one_time.engineer_hours"
    assert sobol(scenario, samples=64).alternatives[0][0].total_order == 1.0


def test_sobol_with_two_alternatives_and_constant_npv() -> None:
    data = per_request_dict(horizon=6)
    data["alternatives"].append(dict(data["alternatives"][0], name="second"))
    data["alternatives"][0]["usd_per_1k_requests"] = {"dist": "uniform", "low": 1.0, "high": 3.0}
    data["traffic"]["requests_per_month"] = {"dist": "uniform", "low": 10_000, "high": 30_000}
    result = sobol(build(data), samples=256)
    assert result.base_samples == 256
    first, second = result.alternatives
    assert {s.parameter for s in first} == {
        "alternatives.0.usd_per_1k_requests",
        "traffic.requests_per_month",
    }
    assert [s.parameter for s in second] == ["traffic.requests_per_month"]  # its own price is fixed
    data["traffic"]["requests_per_month"] = 20_000
    only_price = sobol(build(data), samples=64)
    assert only_price.alternatives[1] == []  # nothing moves the second alternative's NPV


def test_windows_past_the_horizon_are_unknown_unless_all_paid_back() -> None:
    data = uncertain_seed()
    data["scenario"]["horizon_months"] = 6
    mc = monte_carlo(build(data), samples=2000).alternatives[0]
    assert 0 < mc.p_break_even_within["horizon"] < 1  # type: ignore[operator]
    assert mc.p_break_even_within["12"] is None
    assert sum(mc.break_even_month_histogram) == 2000
    assert len(mc.break_even_month_histogram) == 7
    assert mc.break_even_month_histogram[-1] / 2000 == pytest.approx(
        1 - mc.p_break_even_within["horizon"]
    )  # type: ignore[operator]


def test_long_horizons_keep_memory_bounded() -> None:
    data = uncertain_seed()
    data["scenario"]["horizon_months"] = 240
    mc = monte_carlo(build(data), samples=30_000).alternatives[0]
    assert len(mc.cumulative_savings_percentiles["p50"]) == 241
    assert mc.samples == 30_000


def test_sobol_refuses_matrices_that_would_not_fit() -> None:
    with pytest.raises(PaybackError, match="Sobol indices need n · inputs² numbers"):
        sobol(build(fleet_dict()), samples=2**20)


def test_rates_left_at_zero_get_an_assumed_range() -> None:
    drivers = {d.parameter: d for d in tornado(build(per_request_dict()))[0]}
    growth = drivers["traffic.growth_monthly"]
    assert (growth.low, growth.high) == (-0.02, 0.02)
    assert growth.assumed is not None
    assert "assumed for a rate left at 0" in growth.assumed
    assert "baseline.escalation_share" not in drivers  # the baseline never escalates


def _estimated_fleet(path: str, **given: float) -> dict[str, Any]:
    """An L4 fleet whose capacity and hosted training cost are estimated (unless ``given``
    sets them), with a distribution at ``path``."""
    data = fleet_dict(model="llama-3.1-8b", gpu="l4", tpot_ms=60)
    del data["alternatives"][0]["replica_requests_per_s"]
    data["alternatives"][0]["one_time"] = {
        "training": {"hosted": "openai.gpt-4o-mini", "examples": 100, "tokens_per_example": 500}
    }
    for name, value in given.items():
        where = data["alternatives"][0]
        (where["one_time"] if name == "training_usd" else where)[name] = value
    node: Any = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = {"dist": "uniform", "low": 50, "high": 150}
    return data


@pytest.mark.parametrize(
    ("path", "given", "figure"),
    [
        ("alternatives.0.tpot_ms", {"replica_requests_per_s": 3.0}, "replica_requests_per_s"),
        ("alternatives.0.one_time.training.examples", {"training_usd": 40.0}, "training_usd"),
    ],
)
def test_distributions_on_estimator_inputs_are_refused_when_read_once(
    path: str, given: dict[str, float], figure: str
) -> None:
    """The figure the number would estimate is given: the number is read by nothing. Said
    with the range as written and the figure to give it, in the Monte Carlo's words (above)."""
    with pytest.raises(PaybackError) as caught:
        parse_scenario(_estimated_fleet(path, **given))
    assert caught.value.messages == [
        f'scenario: {path} = {{ dist = "uniform", low = 50, high = 150 }}: a distribution '
        "here cannot be sampled: the number is used only to estimate a catalog figure once, "
        f"or not at all; give that figure a distribution instead ({figure})"
    ]


def test_distributions_on_estimator_inputs_move_their_estimate() -> None:
    """Refused before; now sampled, each sample's training cost analyze's of the file at
    its value: 100 examples × 500 tokens × 3 epochs at $3/M tokens, $0.45 at 100."""
    path = "alternatives.0.one_time.training.examples"
    scenario = parse_scenario(_estimated_fleet(path))
    assert monte_carlo(scenario, samples=20).inputs == [path]
    ev = evaluate(scenario, {path: np.array([50.0, 100.0, 150.0])})
    assert ev.alternatives[0].one_time_items_usd["training"] == pytest.approx([0.225, 0.45, 0.675])
    tpot = parse_scenario(_estimated_fleet("alternatives.0.tpot_ms"))
    assert monte_carlo(tpot, samples=20).inputs == ["alternatives.0.tpot_ms"]


def test_yaml_distribution_errors_name_the_field(tmp_path: Path) -> None:
    from payback import load_scenario

    path = tmp_path / "s.yaml"
    path.write_text(
        "scenario: {name: y, horizon_months: 6}\n"
        "traffic: {requests_per_month: {dist: uniform, low: 9, high: 1}}\n"
        "baseline: {name: a, kind: per_request, usd_per_1k_requests: 15}\n"
        "alternatives: [{name: b, kind: per_request, usd_per_1k_requests: 2}]\n"
    )
    with pytest.raises(
        PaybackError,
        match=r"s\.yaml: traffic\.requests_per_month: uniform distribution needs low ≤ high",
    ):
        load_scenario(path)


@given(
    mean=st.floats(-100, 100),
    sd=st.floats(0, 50),
    median=st.floats(0.01, 100),
    spread=st.floats(1, 10),
    u=st.lists(st.floats(0, 1), min_size=2, max_size=20),
)
def test_normal_and_lognormal_quantiles_are_monotone_and_truncated(
    mean: float, sd: float, median: float, spread: float, u: list[float]
) -> None:
    p = np.sort(np.array(u))
    x = Normal(dist="normal", mean=mean, sd=sd).ppf(p, lower=-120.0, upper=120.0)
    assert np.all(np.diff(x) >= -1e-9)
    assert np.all((x >= -120.0) & (x <= 120.0))
    y = LogNormal(dist="lognormal", median=median, p90=median * spread).ppf(
        p, lower=0.0, upper=1000.0
    )
    assert np.all(np.diff(y) >= -1e-9 * max(1.0, float(np.max(y))))
    assert np.all((y >= 0.0) & (y <= 1000.0))
