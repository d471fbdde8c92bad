"""Quality and latency as money: hand-computed cases and invariants."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import (
    EXAMPLES,
    assert_user_error,
    build,
    edited,
    per_request_dict,
    quality_dict,
    run,
)
from payback import PaybackError, analyze
from payback.analysis.cashflows import evaluate, numeric_paths
from payback.analysis.resolve import resolve
from payback.finance import error_cost, latency_cost
from payback.scenario import has_value_terms, parse_scenario, without_value_terms


def test_error_cost_formula() -> None:
    """R · error_rate · usd_per_error, per month and per sample."""
    np.testing.assert_allclose(error_cost([1000.0, 3000.0], 0.1, 2.0), [200.0, 600.0])
    np.testing.assert_allclose(error_cost([1000.0], np.array([0.1, 0.2]), 2.0), [[200.0], [400.0]])


def test_latency_cost_formula() -> None:
    """R / 1000 · p50 [s] · value of a second per 1k: 50,000 requests at 2 s and $0.30."""
    np.testing.assert_allclose(latency_cost([50_000.0], 2000.0, 0.3), [30.0])


def test_costlier_alternative_that_halves_a_costly_error_rate_breaks_even() -> None:
    """Baseline: 100,000 × $10/1k = $1,000 + 100,000 × 0.04 × $2.50 = $10,000 of errors
    → $11,000/month. Alternative: $1,200 + 100,000 × 0.02 × $2.50 = $5,000 → $6,200.
    Savings $4,800/month against $10,000 up front: break-even = 10,000 / 4,800 = 2.0833
    months (within a quarter). Without quality it costs $200 more every month: never."""
    analysis = analyze(build(quality_dict()))
    alt = analysis.alternatives[0]
    assert alt.components_usd["errors"][0] == pytest.approx(5_000.0)
    assert analysis.baseline.components_usd["errors"][0] == pytest.approx(10_000.0)
    assert alt.monthly_cost_usd[0] == pytest.approx(6_200.0)
    assert alt.break_even_month == pytest.approx(10_000 / 4_800, rel=1e-12)
    assert alt.break_even_requests == pytest.approx(10_000 / 4_800 * 100_000, rel=1e-12)
    assert alt.npv_usd == pytest.approx(12 * 4_800 - 10_000)
    assert alt.pays_back_within == {"3": True, "6": True, "12": True, "horizon": True}
    assert alt.infrastructure_only == {
        "break_even_month": None,
        "break_even_requests": None,
        "npv_usd": pytest.approx(-12 * 200 - 10_000),
    }
    plain = analyze(build(quality_dict()), value_terms=False).alternatives[0]
    assert plain.break_even_month is None
    assert plain.reason == "the alternative costs more every month ($200 more in month 1)"
    assert "errors" not in plain.components_usd
    assert plain.infrastructure_only is None


def test_escalated_requests_carry_the_baselines_error_rate() -> None:
    """e = 10%: the alternative answers 90,000 requests at 2% and the baseline 10,000 at 4%:
    errors = 90,000 × 0.02 × 2.5 + 10,000 × 0.04 × 2.5 = 4,500 + 1,000 = $5,500. Running:
    90,000 × $12/1k = $1,080 + escalation 0.1 × $1,000 = $100 → $6,680/month. Savings
    11,000 − 6,680 = $4,320: break-even = 10,000 / 4,320 months."""
    alt = analyze(build(quality_dict(escalation=0.1))).alternatives[0]
    assert alt.components_usd["errors"][0] == pytest.approx(5_500.0)
    assert alt.components_usd["escalation"][0] == pytest.approx(100.0)
    assert alt.monthly_cost_usd[0] == pytest.approx(6_680.0)
    assert alt.break_even_month == pytest.approx(10_000 / 4_320, rel=1e-12)


def test_escalated_requests_carry_the_baselines_cost_per_error_too() -> None:
    """Baseline errors cost $5, the alternative's $1; e = 20%, rates 4% and 2%:
    errors = 80,000 × 0.02 × 1 + 20,000 × 0.04 × 5 = 1,600 + 4,000 = $5,600."""
    data = quality_dict(escalation=0.2)
    data["baseline"]["quality"]["usd_per_error"] = 5.0
    data["alternatives"][0]["quality"]["usd_per_error"] = 1.0
    alt = analyze(build(data)).alternatives[0]
    assert alt.components_usd["errors"][0] == pytest.approx(5_600.0)


def test_an_option_without_quality_has_no_error_cost_but_escalation_keeps_the_baselines() -> None:
    """Only the baseline gives quality: the alternative's own answers count as error-free
    (warned), its escalated 10% carry the baseline's: 10,000 × 0.04 × 2.5 = $1,000."""
    data = edited(quality_dict(escalation=0.1), "alternatives.0.quality", ...)
    analysis = analyze(build(data))
    assert analysis.alternatives[0].components_usd["errors"][0] == pytest.approx(1_000.0)
    assert (
        "baseline gives quality but alternatives.0 does not: the requests alternatives.0 "
        "answers itself count as making no costly errors; the requests it escalates to the "
        "baseline carry the baseline's quality (give every option quality, or none)"
    ) in analysis.resolved.warnings


@pytest.mark.parametrize("missing", ["baseline", "alternatives.0"])
def test_no_quality_drops_the_warning_whichever_option_lacks_quality(missing: str) -> None:
    data = edited(quality_dict(), f"{missing}.quality", ...)
    assert any("quality but" in w for w in analyze(build(data)).resolved.warnings)
    for scenario in (build(data), resolve(build(data))):  # a Resolved keeps its warnings
        plain = analyze(scenario, value_terms=False)
        assert not any("quality but" in w for w in plain.resolved.warnings)


def test_latency_credits_the_faster_option() -> None:
    """Baseline p50 3 s, alternative 0.8 s, a second across 1k requests worth $0.50:
    waiting costs 100 × 3 × 0.5 = $150 against 100 × 0.8 × 0.5 = $40: $110/month credited."""
    data = per_request_dict(10.0, 10.0, 100_000.0, horizon=12, data_usd=1_100.0)
    data["baseline"]["latency"] = {"p50_ms": 3000, "usd_per_second_per_1k_requests": 0.5}
    data["alternatives"][0]["latency"] = {"p50_ms": 800, "usd_per_second_per_1k_requests": 0.5}
    analysis = analyze(build(data))
    alt = analysis.alternatives[0]
    assert analysis.baseline.components_usd["latency"][0] == pytest.approx(150.0)
    assert alt.components_usd["latency"][0] == pytest.approx(40.0)
    assert alt.break_even_month == pytest.approx(1_100 / 110, rel=1e-12)


def test_quality_numbers_are_engine_inputs_that_can_be_varied() -> None:
    """The error rate is a dotted path like any other: 1%, 2% and 3% give errors of
    $2,500, $5,000 and $7,500 a month, and an override of a missing table is refused."""
    scenario = build(quality_dict())
    assert "alternatives.0.quality.error_rate" in numeric_paths(scenario)
    ev = evaluate(scenario, {"alternatives.0.quality.error_rate": np.array([0.01, 0.02, 0.03])})
    np.testing.assert_allclose(
        ev.alternatives[0].costs.components["errors"][:, 0], [2_500.0, 5_000.0, 7_500.0]
    )
    plain = build(per_request_dict())
    with pytest.raises(PaybackError, match=r"alternatives\.0\.quality\.error_rate: no such field"):
        evaluate(plain, {"alternatives.0.quality.error_rate": np.array([0.01])})


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("alternatives.0.quality.error_rate", -0.1, "error_rate = -0.1: must be ≥ 0"),
        ("alternatives.0.quality.error_rate", 1.5, "error_rate = 1.5: must be ≤ 1"),
        ("alternatives.0.quality.error_rate", math.nan, "must be a finite number"),
        ("alternatives.0.quality.usd_per_error", -2.0, "usd_per_error = -2.0: must be ≥ 0"),
        ("baseline.quality.usd_per_error", "2", "must be a number"),
        ("baseline.quality.cost", 2.0, "unknown field"),
        (
            "baseline.latency",
            {"p50_ms": -1.0, "usd_per_second_per_1k_requests": 1.0},
            "p50_ms = -1.0: must be ≥ 0",
        ),
    ],
)
def test_bad_quality_values_name_the_field(path: str, value: Any, message: str) -> None:
    with pytest.raises(PaybackError) as err:
        parse_scenario(edited(quality_dict(), path, value))
    assert len(err.value.messages) == 1
    assert path in err.value.messages[0]
    assert message in err.value.messages[0]


def test_without_value_terms_drops_quality_latency_and_their_distributions() -> None:
    data = quality_dict()
    data["alternatives"][0]["quality"]["error_rate"] = {
        "dist": "uniform",
        "low": 0.01,
        "high": 0.03,
    }
    scenario = build(data)
    assert has_value_terms(scenario)
    plain = without_value_terms(scenario)
    assert not has_value_terms(plain)
    assert plain.distributions == {}
    assert scenario.distributions  # the original is untouched
    assert plain == build(per_request_dict(10.0, 12.0, 100_000.0, horizon=12, data_usd=10_000.0))


rates = st.floats(min_value=0.0, max_value=1.0)


@settings(max_examples=60, deadline=None)
@given(
    base_rate=rates,
    high=rates,
    factor=st.floats(0.0, 1.0),
    usd_per_error=st.floats(0.0, 100.0),
    escalation=st.floats(0.0, 0.9),
    alt_price=st.floats(0.0, 30.0),
)
def test_a_lower_alternative_error_rate_never_delays_break_even(
    base_rate: float,
    high: float,
    factor: float,
    usd_per_error: float,
    escalation: float,
    alt_price: float,
) -> None:
    data = quality_dict(
        escalation=escalation, base_rate=base_rate, alt_rate=high, usd_per_error=usd_per_error
    )
    data["alternatives"][0]["usd_per_1k_requests"] = alt_price
    worse = analyze(build(data)).alternatives[0]
    better = analyze(build(edited(data, "alternatives.0.quality.error_rate", high * factor)))
    late = better.alternatives[0].break_even_month
    assert (late if late is not None else math.inf) <= (
        worse.break_even_month if worse.break_even_month is not None else math.inf
    ) + 1e-9
    assert better.alternatives[0].npv_usd >= worse.npv_usd - 1e-6 * max(1.0, abs(worse.npv_usd))


@settings(max_examples=40, deadline=None)
@given(
    base_rate=rates,
    alt_rate=rates,
    usd_per_error=st.floats(0.0, 100.0),
    escalation=st.floats(0.0, 0.9),
    p50=st.floats(0.0, 10_000.0),
)
def test_quality_off_equals_the_scenario_without_it_exactly(
    base_rate: float, alt_rate: float, usd_per_error: float, escalation: float, p50: float
) -> None:
    data = quality_dict(
        escalation=escalation, base_rate=base_rate, alt_rate=alt_rate, usd_per_error=usd_per_error
    )
    data["alternatives"][0]["latency"] = {"p50_ms": p50, "usd_per_second_per_1k_requests": 1.0}
    plain = edited(edited(data, "baseline.quality", ...), "alternatives.0.quality", ...)
    plain = edited(plain, "alternatives.0.latency", ...)
    off = analyze(build(data), value_terms=False).to_dict()
    reference = analyze(build(plain)).to_dict()
    assert off == reference


def test_cli_no_quality_is_the_infrastructure_view_shown_beside() -> None:
    """examples/quality.toml: errors and waiting priced in, the fine-tuned model pays back;
    with --no-quality it costs more every month and never does. The priced answer carries
    the infrastructure view's break-even and NPV, equal to --no-quality's."""
    import json

    path = EXAMPLES / "quality.toml"
    code, out, _ = run("analyze", path, "--json")
    assert code == 0
    priced = json.loads(out)["alternatives"][0]
    assert priced["break_even_month"] is not None
    assert "errors" in priced["components_usd"]
    assert "latency" in priced["components_usd"]
    code, out, _ = run("analyze", path, "--json", "--no-quality")
    assert code == 0
    plain = json.loads(out)["alternatives"][0]
    assert plain["break_even_month"] is None
    assert plain["reason"].startswith("the alternative costs more every month")
    assert "errors" not in plain["components_usd"]
    assert "infrastructure_only" not in plain
    assert priced["infrastructure_only"] == {
        "break_even_month": None,
        "break_even_requests": None,
        "npv_usd": pytest.approx(plain["npv_usd"], rel=1e-12),
    }
    code, out, _ = run("analyze", path)
    assert "Infrastructure only" in out
    assert "errors (quality)" in out
    code, out, _ = run("explain", path, "--no-quality")
    assert code == 0
    assert "errors (quality)" not in out


def test_reports_show_the_infrastructure_view_beside() -> None:
    """The hand-computed case: priced, month 10,000/4,800 = 2.1 and NPV 12 · 4,800 − 10,000
    = $47,600; on infrastructure alone never, NPV −12 · 200 − 10,000 = −$12,400."""
    from payback.report.common import summary_table
    from payback.report.explain import explain

    analysis = analyze(build(quality_dict()))
    table = summary_table(analysis)
    assert table.header[-1] == "infrastructure only: pays back, NPV"
    assert table.rows[0][3] == "month 2.1"
    assert table.rows[0][-1] == "not within 12 months, -$12,400"
    verdict = next(p for t, p in explain(analysis) if t == "the verdict")
    assert verdict[-1] == (
        "These numbers price errors and waiting (quality and latency). On infrastructure "
        "alone it would not pay back within 12 months; its NPV is a loss of $12,400."
    )
    plain = analyze(build(per_request_dict()))
    assert len(summary_table(plain).header) == 7


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (
            "quality = { error_rate = nan, usd_per_error = 2.5 }",
            "error_rate = nan: must be a finite number",
        ),
        (
            "quality = { error_rate = -0.01, usd_per_error = 2.5 }",
            "error_rate = -0.01: must be ≥ 0",
        ),
        ("quality = { error_rate = 0.01, usd_per_error = -1 }", "usd_per_error = -1: must be ≥ 0"),
        ("quality = { error_rate = 0.01 }", "usd_per_error: required field is missing"),
        ("latency = { p50_ms = 100 }", "usd_per_second_per_1k_requests: required field is missing"),
    ],
)
def test_cli_bad_quality_is_one_line_exit_2(tmp_path: Any, line: str, fragment: str) -> None:
    text = (
        (EXAMPLES / "seed.toml")
        .read_text()
        .replace("usd_per_1k_requests = 2.0", f"usd_per_1k_requests = 2.0\n{line}")
    )
    path = tmp_path / "bad.toml"
    path.write_text(text)
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, "alternatives.0.", fragment)
    assert len(err.strip().splitlines()) == 1
