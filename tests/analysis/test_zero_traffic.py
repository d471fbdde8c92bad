"""Traffic that shrinks to exactly zero requests in some month (tried as a new user would:
growth_monthly = -0.9 over 360 months, 0.1^k underflows to 0.0 from month 325, made
analyze refuse the scenario: "the results overflow (... cost per 1k requests is not a
finite number)"). Nothing overflows: a month of 0 requests has no cost of 1,000 requests
(0/0), which the results hold as NaN (null in --json); every other figure is as before,
and the growth warning explains the shrinking."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from helpers import EXAMPLES, build, per_request_dict, run
from payback import analyze

GROWTH = -0.9
HORIZON = 360


def shrinking() -> dict[str, object]:
    """20,000 requests in month 1, 10% of the month before after that; $15 against $2 a
    1,000 requests, $200 up front, no discounting."""
    data = per_request_dict(horizon=HORIZON, data_usd=200.0)
    data["traffic"] = {"requests_per_month": 20_000.0, "growth_monthly": GROWTH}
    data["scenario"] = {"name": "shrinking", "horizon_months": HORIZON, "discount_rate_annual": 0.0}
    return data


def test_a_month_of_zero_requests_has_no_cost_per_1k_and_the_rest_is_by_hand() -> None:
    analysis = analyze(build(shrinking()))
    requests = analysis.requests_per_month
    # 20,000 × 0.1^(m − 1): 0.1^324 underflows to 0.0, so months 325..360 serve nothing
    assert requests[:3] == pytest.approx([20_000.0, 2_000.0, 200.0], rel=1e-12)
    zero = [m for m, r in enumerate(requests, start=1) if r == 0.0]
    assert zero == list(range(325, HORIZON + 1))
    base, alt = analysis.baseline, analysis.alternatives[0]
    # $15 (and $2) a 1,000 requests in months that serve requests, none in those that don't
    assert base.usd_per_1k_requests[:3] == pytest.approx([15.0] * 3, rel=1e-12)
    assert alt.usd_per_1k_requests[:3] == pytest.approx([2.0] * 3, rel=1e-12)
    assert all(math.isnan(base.usd_per_1k_requests[m - 1]) for m in zero)
    assert all(math.isnan(alt.usd_per_1k_requests[m - 1]) for m in zero)
    # monthly costs: 20 × 15 = $300 then a tenth a month; $0 once traffic is 0
    assert base.monthly_cost_usd[:2] == pytest.approx([300.0, 30.0], rel=1e-12)
    assert alt.monthly_cost_usd[:2] == pytest.approx([40.0, 4.0], rel=1e-12)
    assert base.monthly_cost_usd[-1] == alt.monthly_cost_usd[-1] == 0.0
    # savings 260 × 0.1^(m − 1): in all 260 / 0.9 = 288.89, less $200 up front
    assert alt.npv_usd == pytest.approx(260.0 / 0.9 - 200.0, rel=1e-12)
    # month 1 saves 260 against 200 owed: 200 / 260 = 0.7692 of month 1
    assert alt.break_even_month == pytest.approx(200.0 / 260.0, rel=1e-9)
    assert alt.cumulative_savings_usd[-1] == pytest.approx(260.0 / 0.9 - 200.0, rel=1e-12)
    assert [w for w in analysis.resolved.warnings if w.startswith("traffic.growth_monthly")]


def zero_traffic_file(tmp_path: Path) -> Path:
    """examples/growth.toml (hosted API, rented and serverless fleets with ops costs),
    traffic shrinking 90% a month over 360 months."""
    text = (EXAMPLES / "growth.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^horizon_months = 24", f"horizon_months = {HORIZON}", text)
    text = re.sub(r"(?m)^growth_monthly = 0\.08", f"growth_monthly = {GROWTH}", text)
    assert f"horizon_months = {HORIZON}" in text
    assert f"growth_monthly = {GROWTH}" in text
    path = tmp_path / "zero.toml"
    path.write_text(text, encoding="utf-8")
    return path


NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)


@pytest.mark.parametrize("command", [("analyze",), ("explain",)])
def test_analyze_and_explain_answer_with_the_growth_warning(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    code, out, err = run(*command, zero_traffic_file(tmp_path))
    assert code == 0, err
    assert "warning: traffic.growth_monthly = -0.9 (-90% a month) shrinks 1,000,000" in err
    assert not NOT_A_NUMBER.search(out + err)
    if command == ("analyze",):  # the last month's cost of 1,000 requests, of each option
        assert out.count("n/a: 0 requests") == 3


def test_json_writes_null_for_the_cost_per_1k_of_a_month_of_zero_requests(
    tmp_path: Path,
) -> None:
    code, out, err = run("analyze", "--json", zero_traffic_file(tmp_path))
    assert code == 0, err
    assert not NOT_A_NUMBER.search(out)
    data = json.loads(out)
    assert data["requests_per_month"][-1] == 0.0
    # $2.50 / $1.25 / $10 a million tokens, 1,500 in (30% cached) and 350 out: $6.6875
    assert data["baseline"]["usd_per_1k_requests"][0] == pytest.approx(6.6875, rel=1e-12)
    for option in [data["baseline"], *data["alternatives"]]:
        assert option["usd_per_1k_requests"][-1] is None
        assert all(isinstance(v, float) for v in option["monthly_cost_usd"])
    assert all(isinstance(a["npv_usd"], float) for a in data["alternatives"])
    assert any(w.startswith("traffic.growth_monthly = -0.9") for w in data["warnings"])


def test_the_markdown_report_is_written(tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    code, out, err = run("report", zero_traffic_file(tmp_path), "-o", report)
    assert code == 0, err
    text = report.read_text(encoding="utf-8")
    assert "warning: traffic.growth_monthly = -0.9 (-90% a month) shrinks 1,000,000" in err
    assert not NOT_A_NUMBER.search(text + out + err)


def test_a_library_call_warns_nothing_and_every_option_has_no_cost_per_1k(
    tmp_path: Path,
) -> None:
    """payback.analyze() on it raised numpy's "invalid value encountered in divide", and a
    fleet with a fixed monthly cost got inf, not NaN, for a month of no requests."""
    import warnings

    from payback import load_scenario

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        analysis = analyze(load_scenario(zero_traffic_file(tmp_path)))
    zero = [m for m, r in enumerate(analysis.requests_per_month) if r == 0.0]
    assert zero
    for option in [analysis.baseline, *analysis.alternatives]:
        assert all(math.isnan(option.usd_per_1k_requests[m]) for m in zero), option.name
