"""The cost of 1,000 requests as traffic varies counts servers bought in cash.

Tried as a new user would: $100,000 servers of 8 GPUs bought in cash, a replica of 2 GPUs
serving 1 request/s at a peak 4 times the average, $500 of ops, 10 kW at $0.10 and PUE 1.5
with $1,000 of colocation, against $10 per 1,000 requests. The report said "'owned' is
cheaper per request than the baseline from about 260k requests a month", counting ops and
the facility alone ((500 + 1,095 + 1,000) / $0.01 = 259,500), while analyze said it never
pays back; the same servers depreciated said "from about 537k". A purchase is paid at
t = 0, outside month 1: the curve now spreads it as depreciation charges it, 100,000 / 36
= $2,777.78 a month, so both financings cross at (2,595 + 2,777.78) / 0.01 = 537,278.
"""

from __future__ import annotations

import numpy as np
import pytest

from payback.analysis.curve import per_1k_curve
from payback.analysis.resolve import resolve
from payback.scenario import Scenario, parse_scenario, scenario_data_from_text

OWNED = """
[scenario]
name = "owned"
horizon_months = 36
discount_rate_annual = 0.10
[traffic]
requests_per_month = 300000
peak_to_average = 4.0
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 10.0
[[alternatives]]
name = "owned"
kind = "self_hosted"
replica_requests_per_s = 1.0
target_utilization = 1.0
gpus_per_replica = 2
ops_usd_per_month = 500.0
[alternatives.owned]
usd_per_server = 100000
gpus_per_server = 8
kw_per_server = 10.0
usd_per_kwh = 0.10
pue = 1.5
colocation_usd_per_server_month = 1000.0
depreciation_months = 36
financing = "FINANCING"
"""


def _scenario(text: str) -> Scenario:
    return parse_scenario(scenario_data_from_text(text, "toml"))


def test_cash_and_depreciation_cost_the_same_per_request() -> None:
    cash = per_1k_curve(resolve(_scenario(OWNED.replace("FINANCING", "cash"))))
    depreciation = per_1k_curve(resolve(_scenario(OWNED.replace("FINANCING", "depreciation"))))
    np.testing.assert_allclose(cash.alternatives_usd[0], depreciation.alternatives_usd[0])
    month_1 = 500.0 + 10.0 * 730 * 0.10 * 1.5 + 1000.0 + 100_000.0 / 36
    for curve in (cash, depreciation):
        (crossing,) = curve.crossovers[0]
        assert crossing == pytest.approx(month_1 / 0.01, rel=1e-6)  # 537,278
    # one server up to 4 replicas (2,628,000 requests a month at a peak of 4)
    volumes = np.asarray(cash.requests_per_month)
    one = volumes < 2_628_000
    np.testing.assert_allclose(
        np.asarray(cash.alternatives_usd[0])[one], month_1 / volumes[one] * 1000.0
    )


OWNED_BASELINE = """
[scenario]
name = "own servers today"
horizon_months = 3
[traffic]
requests_per_month = 5256000
[baseline]
name = "own servers"
kind = "self_hosted"
replica_requests_per_s = 1.0
target_utilization = 1.0
gpus_per_replica = 8
[baseline.owned]
usd_per_server = 36000
gpus_per_server = 8
depreciation_months = 36
financing = "cash"
[[alternatives]]
name = "api"
kind = "per_request"
usd_per_1k_requests = 1.0
"""


def test_an_owned_baseline_pays_only_for_servers_beyond_todays() -> None:
    """Today's 2 requests/s take 2 servers, owned already (analyze buys none for month 1):
    at 1/30 of today's traffic nothing is spread; at 30 times, 60 servers, the 58 beyond
    today's at 36,000 / 36 = $1,000 a month each."""
    curve = per_1k_curve(resolve(_scenario(OWNED_BASELINE)))
    assert curve.baseline_usd[0] == 0.0
    top = curve.requests_per_month[-1]
    assert top == pytest.approx(30 * 5_256_000)
    assert curve.baseline_usd[-1] == pytest.approx(58 * 1_000.0 / top * 1000.0)


@pytest.mark.parametrize(
    ("financing", "spread"),
    [("cash", "retraining and servers bought in cash"), ("depreciation", "retraining")],
)
def test_the_chart_title_says_what_it_spreads(financing: str, spread: str) -> None:
    from payback import analyze
    from payback.report.charts import cost_per_1k_vs_traffic

    chart = cost_per_1k_vs_traffic(analyze(_scenario(OWNED.replace("FINANCING", financing))))
    assert chart.title == (
        f"Cost of 1,000 requests as traffic varies (month-1 prices, {spread} spread per month)"
    )
