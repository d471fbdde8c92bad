"""A distribution's reach past its field's range, by hand: a triangular's or uniform's stated
ends inside it; for the rest at most 10% of its mass past a bound, and a median that
truncation moves by at most 5%; and the tornado's ends read from the distribution the
samples are drawn from."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import QUARTER, assert_user_error, run
from payback import PaybackError
from payback.analysis.resolve import resolve
from payback.scenario import field_range, load_scenario
from payback.scenario.distributions import (
    MAX_SHIFT,
    MAX_TAIL,
    Z90,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    range_problem,
    stated_end_problem,
)
from payback.scenario.paths import FieldRange
from payback.studies import uncertainty as un

REQUESTS = "traffic.requests_per_month"
LIMIT = 1e13
"""What traffic.requests_per_month allows: > 0 and ≤ 10¹³."""
REQUESTS_RANGE = FieldRange(0.0, LIMIT, False, True, True)
REQUESTS_SAMPLED = (5e-324, LIMIT)
ALLOWED = "the field must be > 0 and ≤ 10,000,000,000,000"


def _phi(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _quarter(tmp_path: Path, requests: str, line: str = "requests_per_month = 200000") -> Path:
    """examples/quarter-200k.toml with its monthly requests written as ``requests``."""
    text = QUARTER.read_text()
    assert line in text
    path = tmp_path / "q.toml"
    path.write_text(text.replace(line, requests, 1))
    return path


# ------------------------------------------------------------------ refused, by hand


def test_the_field_range_is_the_one_the_rule_reads() -> None:
    scenario = load_scenario(QUARTER)
    assert field_range(scenario, REQUESTS) == REQUESTS_RANGE


def test_a_lognormal_whose_p90_is_1e100_is_refused(tmp_path: Path) -> None:
    """σ = ln(10¹⁰⁰ / 200,000) / z₀.₉ = 218.05 / 1.2816 = 170.15; the limit 10¹³ sits at
    z = ln(10¹³ / 200,000) / σ = 17.728 / 170.15 = 0.1042: 1 − Φ(0.1042) = 45.9% above it.
    It was sampled truncated to ≤ 10¹³, and its tornado read 4.32×10⁻¹¹⁴ → 903.6 (a p90
    below the 200,000 median), its samples' p50 NPV -$34,945 against $7,836 central."""
    dist = LogNormal(dist="lognormal", median=200_000.0, p90=1e100)
    sigma = math.log(1e100 / 2e5) / Z90
    assert sigma == pytest.approx(170.15, abs=0.01)
    assert dist.above(LIMIT) == pytest.approx(1 - _phi(math.log(LIMIT / 2e5) / sigma), rel=1e-12)
    assert dist.above(LIMIT) == pytest.approx(0.4585, abs=1e-4)
    path = _quarter(
        tmp_path, 'requests_per_month = { dist = "lognormal", median = 200000, p90 = 1e100 }'
    )
    for command in (("sensitivity", path), ("analyze", path, "--samples", "2000")):
        assert_user_error(
            *run(*command),
            f'{REQUESTS} = {{ dist = "lognormal", median = 200000, p90 = 1e+100 }}: 46% of it '
            f"lies above 10,000,000,000,000, so its p90 is past it; {ALLOWED}: narrow it",
        )


def test_a_lognormal_whose_p90_is_1e12_puts_7_percent_past_the_limit(tmp_path: Path) -> None:
    """σ = ln(10¹² / 200,000) / 1.2816 = 15.425 / 1.2816 = 12.036; 10¹³ sits at
    z = ln(5×10⁷) / σ = 17.728 / 12.036 = 1.4729; Φ(1.47) = 0.92922 and Φ(1.48) = 0.93056
    (a table), so Φ(1.4729) = 0.92961: 7.04% above the limit. Truncated, its median is the
    plain quantile at 0.5 × 0.92961 = 0.46480, z = −0.08830 (Φ(−0.088) = 0.46494, a table),
    200,000 · e^(−12.036 × 0.0883) = 200,000 × 0.3456 = 69,100: moved 65%, more than 5%:
    refused. (It was accepted: the samples' p50 NPV read -$21,305 against $7,836 central.)"""
    dist = LogNormal(dist="lognormal", median=200_000.0, p90=1e12)
    assert dist.sigma == pytest.approx(12.036, abs=1e-3)
    z = math.log(LIMIT / 2e5) / dist.sigma
    assert z == pytest.approx(1.4729, abs=1e-4)
    assert dist.above(LIMIT) == pytest.approx(1 - 0.92961, abs=2e-5)
    assert dist.below(0.0) == 0.0
    assert range_problem(REQUESTS, dist, REQUESTS_RANGE) == (
        f'{REQUESTS} = {{ dist = "lognormal", median = 200000, p90 = 1e+12 }}: 7.0% of it lies '
        "above 10,000,000,000,000, and cutting that off moves its median from 200,000 to "
        f"69,100 (-65%); {ALLOWED}, and cutting a tail off may move the median by at most 5% of "
        "it: narrow it"
    )
    path = _quarter(
        tmp_path, 'requests_per_month = { dist = "lognormal", median = 200000, p90 = 1e12 }'
    )
    assert_user_error(*run("analyze", path, "--samples", "2000"), ": 7.0% of it lies above")


def test_a_normal_wider_than_the_field_is_refused_naming_both_sides(tmp_path: Path) -> None:
    """N(200,000, 10¹³): Φ(−200,000 / 10¹³) = 50.0% below 0, 1 − Φ((10¹³ − 200,000) / 10¹³)
    = 1 − Φ(1.0) = 15.9% above 10¹³ (its tornado read 857B → 8.68T around 200k)."""
    dist = Normal(dist="normal", mean=200_000.0, sd=1e13)
    assert dist.below(0.0) == pytest.approx(0.5, abs=1e-7)
    assert dist.above(LIMIT) == pytest.approx(0.158655, abs=1e-6)
    path = _quarter(tmp_path, 'requests_per_month = { dist = "normal", mean = 200000, sd = 1e13 }')
    assert_user_error(
        *run("sensitivity", path),
        f'{REQUESTS} = {{ dist = "normal", mean = 200000, sd = 1e+13 }}: 66% of it lies outside '
        f"the field's range (50% below, 16% above), so its p10 and p90 are past it; {ALLOWED}",
    )


def test_a_triangular_whose_stated_end_is_past_the_limit_is_refused_naming_it(
    tmp_path: Path,
) -> None:
    """low 100,000, mode 200,000, high 10¹⁴: high is a number the scenario states, and the
    field refuses it as it would refuse requests_per_month = 1e14 (it was told by the tail
    rule, 81% above the limit; a smaller reach was drawn truncated without a word)."""
    path = _quarter(
        tmp_path,
        'requests_per_month = { dist = "triangular", low = 100000, mode = 200000, high = 1e14 }',
    )
    assert_user_error(
        *run("sensitivity", path),
        f"{REQUESTS} = "
        '{ dist = "triangular", low = 100000, mode = 200000, high = 1e+14 }: high = 1e+14 is '
        "outside the field's range; each end must be > 0 and ≤ 10,000,000,000,000",
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (  # a price's low = -1: 5% of the triangle below 0 was drawn truncated, silently
            '{ dist = "triangular", low = -1, mode = 3, high = 4 }',
            "low = -1 is outside the field's range; each end must be ≥ 0 and ≤ 10,000",
        ),
        (
            '{ dist = "uniform", low = -0.5, high = 20000 }',
            "low = -0.5 and high = 20000 are outside the field's range; each end must be ≥ 0 "
            "and ≤ 10,000",
        ),
    ],
)
def test_a_stated_end_a_price_refuses_is_refused(tmp_path: Path, written: str, said: str) -> None:
    path = _quarter(tmp_path, f"input_usd_per_mtok = {written}", "input_usd_per_mtok = 3.0")
    assert_user_error(*run("analyze", path), f"baseline.input_usd_per_mtok = {written}: {said}")


def test_an_end_on_a_fields_excluded_bound_is_refused() -> None:
    """requests_per_month must be > 0: a uniform from 0 states 0, a number the field
    refuses written plain (it was accepted, as putting no mass there); a normal's tail past
    0 is implied, not stated, and keeps the truncation rule."""
    assert stated_end_problem(
        REQUESTS, Uniform(dist="uniform", low=0.0, high=1.0), REQUESTS_RANGE
    ) == (
        f'{REQUESTS} = {{ dist = "uniform", low = 0, high = 1 }}: low = 0 is outside the '
        "field's range; each end must be > 0 and ≤ 10,000,000,000,000"
    )
    assert (
        stated_end_problem(REQUESTS, Normal(dist="normal", mean=-1.0, sd=1.0), REQUESTS_RANGE)
        is None
    )


def test_a_uniform_whose_median_moves_just_past_5_percent_is_refused() -> None:
    """A uniform from 0 to H has its median at H / 2 and its p10-p90 spread 0.8 H; truncated
    to ≤ 10¹³ its median is 10¹³ / 2: moved (H − 10¹³) / 2, a share (H − 10¹³) / (1.6 H) of
    the spread, over 5% from H = 10¹³ / 0.92 = 1.08696×10¹³. H = 1.0870×10¹³ (8.0% above
    the limit) moves it 0.087 / 1.7392 = 5.002%: refused; H = 1.0869×10¹³ moves it
    0.0869 / 1.73904 = 4.997%: accepted."""
    wide = Uniform(dist="uniform", low=0.0, high=1.087e13)
    assert wide.above(LIMIT) == pytest.approx(0.087 / 1.087, rel=1e-9)
    assert range_problem(REQUESTS, wide, REQUESTS_RANGE) == (
        f'{REQUESTS} = {{ dist = "uniform", low = 0, high = 1.087e+13 }}: 8.0% of it lies '
        "above 10,000,000,000,000, and cutting that off moves its median from "
        "5,440,000,000,000 to 5,000,000,000,000 (5.0% of its p10-p90 spread); "
        f"{ALLOWED}, and cutting a tail off may move the median by at most 5% of its p10-p90 "
        "spread: narrow it"
    )
    narrow = Uniform(dist="uniform", low=0.0, high=1.0869e13)
    assert range_problem(REQUESTS, narrow, REQUESTS_RANGE) is None


def test_a_range_centred_near_zero_with_a_small_tail_past_a_limit_is_accepted() -> None:
    """A growth uniform from −1.002 to 1.0 (the field: > −1 and ≤ 1) puts 0.002 / 2.002 =
    0.1% below −1; cut off, its median −0.001 moves to 0.0000: 0.001 against a spread of
    1.6016, 0.06%: accepted (measured against the median itself, −0.001, it read +100% and
    was refused). A price change uniform from −1.01 to 0.99 (> −1 and ≤ 1) likewise: 0.5%
    below, its median moved 0.005 against a spread of 1.6."""
    scenario = load_scenario(QUARTER)
    growth = Uniform(dist="uniform", low=-1.002, high=1.0)
    allowed = field_range(scenario, "traffic.growth_monthly")
    assert (allowed.lowest, allowed.highest) == (-1.0, 1.0)
    assert growth.below(-1.0) == pytest.approx(0.002 / 2.002, rel=1e-9)
    assert range_problem("traffic.growth_monthly", growth, allowed) is None
    price = Uniform(dist="uniform", low=-1.01, high=0.99)
    assert price.below(-1.0) == pytest.approx(0.005, rel=1e-9)
    assert range_problem("x", price, FieldRange(-1.0, 1.0, False, True, True)) is None


def test_a_tail_past_10_percent_is_refused_with_the_digits_that_say_so() -> None:
    """A uniform from −0.10004 to 0.9 on a field ≥ 0 (a share: ≤ 1) puts 0.10004 / 1.00004
    = 10.0036% below 0: its p10 would be refused; from −0.1 to 0.9 it puts 10.000% there,
    its p10 exactly 0, and moves its median from 0.4 to 0.45, 0.05 of a spread of 0.8
    (6.25%): refused by the median instead."""
    share = FieldRange(0.0, 1.0, True, True, True)
    wide = Uniform(dist="uniform", low=-0.10004, high=0.9)
    line = range_problem("x", wide, share)
    assert line is not None
    assert ": 10.004% of it lies below 0, so its p10 is past it;" in line
    edge = Uniform(dist="uniform", low=-0.1, high=0.9)
    line = range_problem("x", edge, share)
    assert line is not None
    assert "moves its median from 0.4 to 0.45 (6.3% of its p10-p90 spread)" in line


def test_a_common_normal_with_a_small_tail_below_zero_is_accepted(tmp_path: Path) -> None:
    """N(200,000, 100,000) puts Φ(−2) = 2.28% below 0; truncated, its median is the plain
    quantile at 0.02275 + 0.5 × 0.97725 = 0.51138, z = 0.02852: 202,850, moved 1.4%:
    accepted, drawn truncated (it was accepted before, and must stay so)."""
    dist = Normal(dist="normal", mean=200_000.0, sd=100_000.0)
    assert dist.below(0.0) == pytest.approx(0.02275, abs=1e-5)
    assert range_problem(REQUESTS, dist, REQUESTS_RANGE) is None
    assert float(dist.ppf(0.5, *REQUESTS_SAMPLED)) == pytest.approx(202_850, rel=1e-4)
    path = _quarter(
        tmp_path, 'requests_per_month = { dist = "normal", mean = 200000, sd = 100000 }'
    )
    code, _out, err = run("sensitivity", path)
    assert code == 0, err


# ------------------------------------------------------------------ accepted, truncated


def test_a_normal_with_a_small_tail_past_a_share_is_drawn_truncated(tmp_path: Path) -> None:
    """mean 0.5, sd 0.2 on a share (≤ 1): Φ(−2.5) = 0.62% lies above 1 and as much below 0;
    its median stays 0.5: accepted and drawn truncated, never past either bound."""
    path = _quarter(
        tmp_path,
        'cached_input_share = { dist = "normal", mean = 0.5, sd = 0.2 }',
        "cached_input_share = 0.2",
    )
    scenario = load_scenario(path)
    (item,) = un.uncertain_inputs(resolve(scenario))
    assert item.dist.above(1.0) == pytest.approx(_phi(-2.5), rel=1e-9)
    drawn = item.ppf(np.linspace(0.0, 1.0, 10_001))
    assert drawn.max() == pytest.approx(1.0, abs=1e-12)
    assert drawn.max() <= 1.0
    assert drawn.min() >= 0.0
    # truncated, not clipped: no pile of samples on the bound
    assert np.mean(drawn >= 1.0 - 1e-9) < 1e-3
    # F(x) of the truncated distribution: its p90 is Φ⁻¹ at Φ(−2.5) + 0.9 (1 − 2 Φ(−2.5))
    from scipy.special import ndtri

    tail = _phi(-2.5)
    p90 = 0.5 + 0.2 * float(ndtri(tail + 0.9 * (1 - 2 * tail)))
    assert item.ends()[1] == pytest.approx(p90, rel=1e-9)


def test_a_tail_past_an_excluded_bound_is_accepted_and_never_drawn_on_it(
    tmp_path: Path,
) -> None:
    """requests_per_month must be > 0: a normal of mean 200,000 and sd 100,000 puts
    Φ(−2) = 2.3% below 0, truncated away, and no sample is 0, not even at u = 0 (a uniform
    from 0 was the case here; its stated 0 is now refused as a plain 0 is)."""
    path = _quarter(
        tmp_path, 'requests_per_month = { dist = "normal", mean = 200000, sd = 100000 }'
    )
    (item,) = un.uncertain_inputs(resolve(load_scenario(path)))
    assert float(item.ppf(0.0)) > 0.0
    path = _quarter(tmp_path, 'requests_per_month = { dist = "uniform", low = 0, high = 400000 }')
    assert_user_error(
        *run("analyze", path),
        "low = 0 is outside the field's range; each end must be > 0 and ≤ 10,000,000,000,000",
    )


def test_the_tornado_ends_are_the_sampled_distributions_p10_and_p90(tmp_path: Path) -> None:
    """Lognormal median 200,000, p90 10⁹: σ = ln(5,000) / 1.2816 = 6.646, 10¹³ at
    z = 17.728 / 6.646 = 2.667: 0.38% above it, accepted. Truncated, its p90 is
    F⁻¹(0.9 × F(10¹³)) and its p10 F⁻¹(0.1 × F(10¹³)); the samples' quantiles are those."""
    path = _quarter(
        tmp_path, 'requests_per_month = { dist = "lognormal", median = 200000, p90 = 1e9 }'
    )
    scenario = load_scenario(path)
    (item,) = un.uncertain_inputs(resolve(scenario))
    kept = 1 - item.dist.above(LIMIT)
    assert 1 - kept == pytest.approx(1 - _phi(math.log(5e7) / (math.log(5e3) / Z90)), rel=1e-9)
    assert 1 - kept == pytest.approx(0.00383, abs=1e-5)
    from scipy.special import ndtri

    sigma = math.log(5e3) / Z90
    p10, p90 = (2e5 * math.exp(sigma * float(ndtri(q * kept))) for q in (0.1, 0.9))
    assert item.ends() == pytest.approx((p10, p90), rel=1e-9)
    assert p10 < 200_000 < p90
    samples = item.ppf(np.random.default_rng(3).random(400_000))
    sample_p10, sample_p90 = np.quantile(samples, (0.1, 0.9))
    assert sample_p10 == pytest.approx(p10, rel=0.02)
    assert sample_p90 == pytest.approx(p90, rel=0.02)
    (driver,) = un.tornado(scenario)[0]
    assert (driver.low, driver.high) == pytest.approx((p10, p90), rel=1e-12)


# ------------------------------------------------------------------ every kind alike


def _kinds(a: float, b: float, c: float) -> list[Normal | LogNormal | Uniform | Triangular]:
    """A distribution of each kind from three numbers (a ≤ b ≤ c once sorted)."""
    low, mid, high = sorted((a, b, c))
    out: list[Normal | LogNormal | Uniform | Triangular] = [
        Normal(dist="normal", mean=mid, sd=high - mid),
        Uniform(dist="uniform", low=low, high=high),
        Triangular(dist="triangular", low=low, mode=mid, high=high),
    ]
    if mid > 0:
        out.append(LogNormal(dist="lognormal", median=mid, p90=mid + (high - mid)))
    return out


numbers = st.floats(-1e6, 1e6, allow_nan=False)


@given(a=numbers, b=numbers, c=numbers, below=st.floats(0.0, 1.0), width=st.floats(1e-3, 2e6))
def test_within_the_rule_p10_central_p90_are_in_order(
    a: float, b: float, c: float, below: float, width: float
) -> None:
    """Every kind the rule accepts keeps p10 ≤ central ≤ p90 after truncation (a
    triangular's central is its mode, which a skewed triangle can put past p10 or p90
    without any truncation: for it p10 ≤ p90, inside the range, and the untruncated
    quantiles moved by at most the share cut off). The range holds the middle value
    (``below`` of its width under it): a range anywhere left too few draws any kind the
    rule accepts, and Hypothesis's health check failed the test for filtering too much."""
    lowest = sorted((a, b, c))[1] - below * width
    allowed = FieldRange(lowest, lowest + width, True, True, True)
    kept = 0
    for dist in _kinds(a, b, c):
        if not allowed.lowest <= dist.central() <= allowed.highest:
            continue
        cut = dist.below(allowed.lowest) + dist.above(allowed.highest)
        if range_problem("x", dist, allowed) is not None:
            assert cut > 0.0
            continue
        assert max(dist.below(allowed.lowest), dist.above(allowed.highest)) <= MAX_TAIL
        # the accepted median moved by at most 5%: of itself for a lognormal, of the p10-p90
        # width for the others (read off the quantiles, not the rule's code)
        plain = dist.ppf([0.1, 0.5, 0.9])
        moved = abs(float(dist.ppf(0.5, lowest, lowest + width)) - plain[1])
        allowed_move = plain[1] if isinstance(dist, LogNormal) else plain[2] - plain[0]
        assert moved <= MAX_SHIFT * allowed_move * (1 + 1e-9) + 1e-300
        kept += 1
        p10, p50, p90 = (float(x) for x in dist.ppf([0.1, 0.5, 0.9], lowest, lowest + width))
        tolerance = 1e-9 * max(1.0, abs(lowest) + width, abs(a), abs(b), abs(c))
        assert allowed.lowest <= p10 <= p50 <= p90 <= allowed.highest
        # truncation moved each quantile by at most the share cut off
        plain = dist.ppf([0.1 - cut, 0.1 + cut, 0.9 - cut, 0.9 + cut])
        assert plain[0] - tolerance <= p10 <= plain[1] + tolerance
        assert plain[2] - tolerance <= p90 <= plain[3] + tolerance
        if not isinstance(dist, Triangular):
            assert p10 - tolerance <= dist.central() <= p90 + tolerance
    assume(kept > 0)


def test_the_share_outside_of_each_kind_by_hand() -> None:
    # uniform 0..10: 20% below 2, 30% above 7
    u = Uniform(dist="uniform", low=0.0, high=10.0)
    assert (u.below(2.0), u.above(7.0), u.below(-1.0), u.above(11.0)) == (0.2, 0.3, 0.0, 0.0)
    # triangular 0, 2, 4: F(1) = 1² / (4 × 2) = 1/8; above 3: 1² / (4 × 2) = 1/8
    t = Triangular(dist="triangular", low=0.0, mode=2.0, high=4.0)
    assert (t.below(1.0), t.above(3.0), t.below(2.0), t.above(2.0)) == (0.125, 0.125, 0.5, 0.5)
    # normal: Φ(−1.2816) = 10%
    n = Normal(dist="normal", mean=10.0, sd=2.0)
    assert n.below(10.0 - Z90 * 2.0) == pytest.approx(0.1, abs=1e-12)
    assert n.above(10.0 + Z90 * 2.0) == pytest.approx(0.1, abs=1e-12)
    # a point: none of it outside a range that holds it
    assert Normal(dist="normal", mean=1.0, sd=0.0).below(1.0) == 0.0


def test_a_scenario_file_tells_the_rule_once_per_field() -> None:
    """The library's error is one line per field, naming the field first."""
    from payback.scenario import parse_scenario

    data = {
        "scenario": {"name": "x", "horizon_months": 12},
        "traffic": {
            "requests_per_month": {"dist": "lognormal", "median": 200_000, "p90": 1e100},
            "input_tokens": 100,
            "output_tokens": 10,
        },
        "baseline": {"name": "b", "kind": "per_request", "usd_per_1k_requests": 2.0},
        "alternatives": [{"name": "a", "kind": "per_request", "usd_per_1k_requests": 1.0}],
    }
    with pytest.raises(PaybackError) as caught:
        parse_scenario(data)
    lines = str(caught.value).splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"scenario: {REQUESTS} = ")
