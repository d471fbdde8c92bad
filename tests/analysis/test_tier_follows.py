"""A hosted API price tiered by a request's input tokens follows the input tokens a study
moves (analysis/follow_tiers.py), each value priced as analyze of the file at it prices it.

google:gemini-2.5-pro costs $1.25 in, $0.125 a cache read and $10 out per million tokens up
to 200,000 input tokens a request, $2.50, $0.25 and $15 above (genai-prices' cliff: every
token of a request strictly above the start). Tried as a new user would: analyze picked the
tier once, at the file's input_tokens, and every sample, tornado end and value solve tried
kept it, so a sample of 240,000 tokens was priced at the base tier ($145.5k against
analyze's $300,750 there) and solve put the $200,000 target at 325,490 tokens, where
analyze gives $409,750 (it is met only at the step at 200,000)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payback.analysis.alone import alone
from payback.analysis.cashflows import evaluate
from payback.analysis.follow import estimate_inputs
from payback.analysis.follow_tiers import tiered
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.analysis.resolve import Resolved, resolve
from payback.scenario import load_scenario
from payback.scenario.paths import with_value
from payback.studies.solve import solve
from payback.studies.uncertainty import monte_carlo, tornado

TOKENS = "traffic.input_tokens"
HEAD = """
[scenario]
name = "m"
horizon_months = 12
start_date = 2026-12-01
"""
TRAFFIC = """
[traffic]
requests_per_month = 100000
input_tokens = {tokens}
output_tokens = 500
cached_input_share = 0.5
"""
API = """
name = "api"
kind = "hosted_api"
model = "google:gemini-2.5-pro"
batch_share = 0.5
"""
PER_1K = """
name = "alt"
kind = "per_request"
usd_per_1k_requests = 10
"""


def _write(tmp_path: Path, text: str) -> Resolved:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return resolve(load_scenario(path))


def _scenario(tmp_path: Path, tokens: str = "150000", *, api_alternative: bool = False) -> Resolved:
    """The repro: 100,000 requests a month against gemini-2.5-pro, half of them through the
    batch API, half the input a cache read; the alternative $10 per 1,000 requests (or, with
    ``api_alternative``, the other way round: the API is the alternative)."""
    baseline, alternative = (PER_1K, API) if api_alternative else (API, PER_1K)
    return _write(
        tmp_path,
        HEAD + TRAFFIC.format(tokens=tokens) + f"[baseline]{baseline}[[alternatives]]{alternative}",
    )


def _by_hand(tokens: np.ndarray) -> np.ndarray:
    """The repro's NPV (12 months, no discount) at each input length: a request pays its
    uncached half and its output at 3/4 of the rate (half of them batched at half price),
    its cached half at the cache-read rate (batch takes nothing off it)."""
    above = tokens > 200_000
    rate_in = np.where(above, 2.5, 1.25)
    cache = np.where(above, 0.25, 0.125)
    rate_out = np.where(above, 15.0, 10.0)
    per_request = ((tokens / 2 * rate_in + 500 * rate_out) * 0.75 + tokens / 2 * cache) / 1e6
    return np.asarray(12 * 100_000 * (per_request - 0.01))


def _analyze(resolved: Resolved, path: str, value: float, alternative: int = 0) -> float:
    """NPV of analyze of the file with ``path`` at ``value``."""
    again = resolve(with_value(resolved.original, path, value), resolved.catalog)
    return float(evaluate(again).alternatives[alternative].npv_usd)


BOTH_SIDES = [0.0, 150_000.0, 199_999.5, 200_000.0, 200_000.5, 200_001.0, 240_000.0, 325_490.2]


def test_hand_computed_npv_is_analyze_at_each_value(tmp_path: Path) -> None:
    resolved = _scenario(tmp_path)
    assert _by_hand(np.array([150_000.0, 200_000.0, 240_000.0])).tolist() == pytest.approx(
        [88_125.0, 120_000.0, 300_750.0], rel=1e-12
    )
    for value in BOTH_SIDES:
        assert _analyze(resolved, TOKENS, value) == pytest.approx(
            float(_by_hand(np.array([value]))[0]), rel=1e-12
        ), value


@pytest.mark.parametrize("api_alternative", [False, True])
def test_each_sample_is_analyze_of_the_file_at_its_value(
    tmp_path: Path, api_alternative: bool
) -> None:
    """A few values (each resolved) and many (Monte Carlo's, Sobol's): both sides of the
    threshold, the API as the baseline or as an alternative."""
    resolved = _scenario(tmp_path, api_alternative=api_alternative)
    few = np.array(BOTH_SIDES)
    npv = evaluate(resolved, {TOKENS: few}).alternatives[0].npv_usd
    for value, got in zip(BOTH_SIDES, npv, strict=True):
        want = _analyze(resolved, TOKENS, value)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), value
    many = np.random.default_rng(1).uniform(150_000, 250_000, 2_000)
    want = -_by_hand(many) if api_alternative else _by_hand(many)  # the API dearer: a loss
    for engine in (resolved, alone(resolved, 0)):  # alone: the tornado's, Sobol's, solve's
        got = evaluate(engine, {TOKENS: many}).alternatives[0].npv_usd
        np.testing.assert_allclose(got, want, rtol=1e-9)
    assert np.sum(many > 200_000) > 900  # both sides well sampled


@pytest.fixture(scope="module")
def repro(tmp_path_factory: pytest.TempPathFactory) -> Resolved:
    return _scenario(tmp_path_factory.mktemp("repro"))


@settings(max_examples=60, deadline=None)
@given(
    near=st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=20),
    far=st.lists(st.floats(0.0, 1e6), min_size=0, max_size=80),
)
def test_any_samples_are_priced_at_their_own_tier(
    repro: Resolved, near: list[float], far: list[float]
) -> None:
    """Any lengths, some within two tokens of the threshold, a few (each resolved) or
    many (over :data:`~payback.analysis.follow.EXACT_VALUES`): each sample's NPV is the
    hand-computed one at its own tier."""
    tokens = np.array([200_000.0 + d for d in near] + far)
    got = evaluate(repro, {TOKENS: tokens}).alternatives[0].npv_usd
    np.testing.assert_allclose(got, _by_hand(tokens), rtol=1e-9, atol=1e-6)


def test_a_price_the_file_gives_stays_and_the_others_follow(tmp_path: Path) -> None:
    """input_usd_per_mtok = 1.25 typed: the input stays at it above the threshold, the
    cache read, output and batch discount follow the tier."""
    text = HEAD + TRAFFIC.format(tokens=150000) + "[baseline]" + API
    resolved = _write(tmp_path, text + "input_usd_per_mtok = 1.25\n[[alternatives]]" + PER_1K)
    assert tiered(resolved) == {
        "baseline": (
            "cached_input_usd_per_mtok",
            "output_usd_per_mtok",
            "batch_discount",
            "cached_input_batch_discount",
        )
    }
    values = [150_000.0, 240_000.0]
    npv = evaluate(resolved, {TOKENS: np.array(values)}).alternatives[0].npv_usd
    for value, got in zip(values, npv, strict=True):
        assert got == pytest.approx(_analyze(resolved, TOKENS, value), rel=1e-9)
    # 240,000 by hand: 120k uncached at $1.25 (typed), 500 out at $15, 120k cached at $0.25
    per_request = ((120_000 * 1.25 + 500 * 15.0) * 0.75 + 120_000 * 0.25) / 1e6
    assert npv[1] == pytest.approx(12 * 100_000 * (per_request - 0.01), rel=1e-12)


def test_a_swing_of_the_catalog_price_beside_moves_the_sample_tier(tmp_path: Path) -> None:
    """Both moved at once (Sobol's samples over assumed ranges): the price at each sample's
    tier times the swing's ratio to the file's."""
    resolved = _scenario(tmp_path)
    got = evaluate(
        resolved,
        {TOKENS: np.array([150_000.0, 240_000.0]), "baseline.input_usd_per_mtok": 1.25 * 1.2},
    ).alternatives[0]
    for i, (value, rate) in enumerate([(150_000.0, 1.25 * 1.2), (240_000.0, 2.5 * 1.2)]):
        cache, out = (0.125, 10.0) if value <= 200_000 else (0.25, 15.0)
        per_request = ((value / 2 * rate + 500 * out) * 0.75 + value / 2 * cache) / 1e6
        assert got.npv_usd[i] == pytest.approx(12 * 100_000 * (per_request - 0.01), rel=1e-12)


def test_the_tornado_ends_are_analyze_at_them(tmp_path: Path) -> None:
    """A uniform 150,000-250,000: p10 160,000 (base tier), p90 240,000 (above)."""
    resolved = _scenario(tmp_path, '{ dist = "uniform", low = 150000, high = 250000 }')
    (driver,) = [d for d in tornado(resolved)[0] if d.parameter == TOKENS]
    assert (driver.low, driver.high) == pytest.approx((160_000.0, 240_000.0))
    assert driver.npv_low_usd == pytest.approx(94_500.0, rel=1e-9)
    assert driver.npv_high_usd == pytest.approx(300_750.0, rel=1e-9)
    assert driver.npv_high_usd == pytest.approx(_analyze(resolved, TOKENS, 240_000.0), rel=1e-9)


def test_monte_carlo_prices_each_sample_at_its_tier(tmp_path: Path) -> None:
    """NPV rises with the input tokens (a jump up at the threshold), so its p90 is the NPV at
    the input's p90, about 240,000 tokens: above the threshold ($145.5k at the base tier)."""
    resolved = _scenario(tmp_path, '{ dist = "uniform", low = 150000, high = 250000 }')
    found = monte_carlo(resolved, samples=2_000, seed=0).alternatives[0].npv_usd_percentiles
    slope = float(_by_hand(np.array([200_002.0]))[0] - _by_hand(np.array([200_001.0]))[0])
    at = 200_001 + (found["p90"] - float(_by_hand(np.array([200_001.0]))[0])) / slope
    assert 235_000 < at < 245_000  # the p90 sample, read back off the upper tier's line
    assert found["p10"] == pytest.approx(94_500.0, rel=0.02)  # 160,000: the base tier


def test_solve_finds_the_step_at_the_threshold(tmp_path: Path) -> None:
    resolved = _scenario(tmp_path)
    found = solve(resolved, TOKENS, "npv_usd=200000")
    assert found.step
    assert found.value == pytest.approx(200_000.0, abs=1e-6)
    assert found.value > 200_000.0
    assert found.achieved == pytest.approx(_analyze(resolved, TOKENS, found.value), rel=1e-9)
    assert found.other_side is not None
    assert found.other_side[0] == pytest.approx(200_000.0, abs=1e-6)
    assert found.other_side[1] == pytest.approx(120_000.0, rel=1e-9)


def test_a_sampled_input_says_the_tier_follows_it(tmp_path: Path) -> None:
    fixed = _scenario(tmp_path).sources["baseline.input_usd_per_mtok"].source
    assert "base tier picked for 150,000 input tokens (tiers from 200,000)" in fixed
    assert "per sample" not in fixed
    sampled = _scenario(tmp_path, '{ dist = "uniform", low = 150000, high = 250000 }')
    assert (
        "tiered by input tokens per request: base tier picked for the central 200,000 input "
        "tokens (tiers from 200,000); the tier follows input_tokens per sample"
    ) in sampled.sources["baseline.input_usd_per_mtok"].source


def test_the_tiered_prices_are_estimates_input_tokens_feed(tmp_path: Path) -> None:
    feeds = estimate_inputs(_scenario(tmp_path))
    assert feeds["baseline.input_usd_per_mtok"] == (TOKENS,)
    assert feeds["baseline.cached_input_batch_discount"] == (TOKENS,)
    untiered = _write(
        tmp_path,
        HEAD
        + TRAFFIC.format(tokens=150000)
        + '[baseline]\nname = "api"\nkind = "hosted_api"\nmodel = "openai:gpt-4o"\n'
        + "[[alternatives]]"
        + PER_1K,
    )
    assert tiered(untiered) == {}


PORTFOLIO = """
[baseline]{api}
[[alternatives]]{alt}
[[workloads]]
name = "short"
[workloads.traffic]
requests_per_month = 100000
input_tokens = {tokens}
output_tokens = 500
cached_input_share = 0.5
[[workloads]]
name = "long"
[workloads.traffic]
requests_per_month = 100000
input_tokens = 300000
output_tokens = 500
cached_input_share = 0.5
"""


def test_a_workloads_input_tokens_sampled_follow_its_tier(tmp_path: Path) -> None:
    """Two workloads on the same API, one whose length moves: each sample's portfolio NPV is
    the two workloads' by hand, each at its own tier."""
    path = tmp_path / "p.toml"
    path.write_text(HEAD + PORTFOLIO.format(api=API, alt=PER_1K, tokens=150000))
    p = prepare(load_scenario(path))
    values = np.array(BOTH_SIDES[1:])
    npv = evaluate_portfolio(p, {"workloads.0.traffic.input_tokens": values}).alternatives[0]
    want = _by_hand(values) + _by_hand(np.array([300_000.0]))
    np.testing.assert_allclose(npv.npv_usd, want, rtol=1e-9)


def test_a_swing_of_a_price_each_workload_reads_at_its_own_tier(tmp_path: Path) -> None:
    """baseline.input_usd_per_mtok +20% reaches both workloads: each its own tier's rate
    (1.25 and 2.5) moved by 20%, not the first's $1.25 × 1.2 for both (the long one's price
    cut by 40%, the NPV down where a dearer API should raise it)."""
    path = tmp_path / "p.toml"
    path.write_text(HEAD + PORTFOLIO.format(api=API, alt=PER_1K, tokens=150000))
    p = prepare(load_scenario(path))
    got = evaluate_portfolio(p, {"baseline.input_usd_per_mtok": np.array([1.25 * 1.2])})
    want = 0.0
    for tokens, rate, cache, out in ((150_000, 1.25 * 1.2, 0.125, 10.0),
                                     (300_000, 2.5 * 1.2, 0.25, 15.0)):  # fmt: skip
        per_request = ((tokens / 2 * rate + 500 * out) * 0.75 + tokens / 2 * cache) / 1e6
        want += 12 * 100_000 * (per_request - 0.01)
    assert float(got.alternatives[0].npv_usd[0]) == pytest.approx(want, rel=1e-12)


def test_a_tier_analyze_refuses_is_refused_with_analyzes_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tier analyze refuses (here, as if the catalog had no batch rate above 200,000
    tokens) is refused in the words every followed estimate uses, and carries analyze's
    reason as the error's, as the capacity's and the training cost's refusals do, so that a
    study's narrowed label quotes the reason, not the whole line."""
    import payback.analysis.resolve_hosted as hosted
    from payback.analysis.follow_tiers import following_tiers
    from payback.errors import PaybackError

    resolved = _scenario(tmp_path)
    real = hosted.resolve_hosted
    no_batch = "no batch rate above 200,000 input tokens"

    def refusing(ctx: object, path: str, option: object) -> object:
        if float(ctx.scenario.traffic.input_tokens) > 200_000:  # type: ignore[attr-defined]
            raise PaybackError.bad(f"{path}.batch_share", 0.5, no_batch)
        return real(ctx, path, option)  # type: ignore[arg-type]

    monkeypatch.setattr(hosted, "resolve_hosted", refusing)
    with pytest.raises(PaybackError) as caught:
        following_tiers(resolved, {TOKENS: np.array([150_000.0, 250_000.0])})
    assert caught.value.reason == no_batch
    assert str(caught.value) == (
        f"{TOKENS} = 250,000: analyze refuses the file there ({no_batch}), and the prices of "
        "baseline follow the tier of each value a study tries; keep the input's range within "
        "what analyze accepts, or give the prices (input_usd_per_mtok, output_usd_per_mtok)"
    )
