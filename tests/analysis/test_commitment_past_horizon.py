"""A commitment's first term longer than the horizon says what its months past it cost.

Tried as a new user would: a 1-year term at $2 a GPU-hour over a 6-month horizon warned
only "the term runs 12 months, past the 6-month horizon; the months after it are paid but
not counted", while a term renewed within the horizon said its dollars ("$10,512 for each
GPU reserved in month 15"). By hand: months 7-12 at 730 h × $2 (the term's price; the
-20% a year trend waits for the renewal) = $8,760 for each GPU; the fleet reserves 6 GPUs
(6 requests/s, 1 a GPU), $52,560 in all, what months 7-12 cost on a 12-month horizon.
"""

from __future__ import annotations

import numpy as np
import pytest

from payback.analysis.cashflows import evaluate
from payback.analysis.resolve import Resolved, resolve
from payback.scenario import parse_scenario, scenario_data_from_text

COMMITTED = """
[scenario]
name = "commit 1y short horizon"
horizon_months = HORIZON
[traffic]
requests_per_month = 15768000
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 1.0
[[alternatives]]
name = "reserved"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
replica_requests_per_s = 1.0
target_utilization = 1.0
commitment = "1y"
gpu_price_change_annual = -0.2
"""


def _resolved(horizon: int) -> Resolved:
    text = COMMITTED.replace("HORIZON", str(horizon))
    return resolve(parse_scenario(scenario_data_from_text(text, "toml")))


def test_the_first_term_past_the_horizon_is_paid_per_gpu() -> None:
    resolved = _resolved(6)
    assert [w for w in resolved.warnings if ".commitment" in w] == [
        "alternatives.0.commitment = '1y': the term runs 12 months, past the 6-month horizon; "
        "months 7-12 are paid but not counted: $8,760 for each GPU reserved in month 6 (a "
        "horizon of 12 months holds them)"
    ]
    gpus = evaluate(resolved).alternatives[0].costs.gpus
    assert float(gpus[-1]) == 6.0
    whole_term = evaluate(_resolved(12)).alternatives[0].costs.components["gpus"]
    assert float(np.sum(whole_term[6:])) == pytest.approx(6 * 8_760.0)  # $52,560


def test_a_horizon_of_whole_terms_says_nothing() -> None:
    assert not [w for w in _resolved(12).warnings if ".commitment" in w]
