"""The idle capacity of an owned fleet that shrinks counts the servers it holds: both
financings charge them, so a server the traffic no longer needs is idle, paid capacity.
Two $36,000 servers depreciated over 36 months ($1,000 a server-month), one request/s a
replica of 8 GPUs, traffic halving each month from two replicas' worth: the hardware is
$2,000 a month, busy 100%, 50% and 25%, so $0 + $1,000 + $1,500 = $2,500 pays for idle
capacity. Analyze had said $1,000 (capacity from the servers in use, half the charge);
colocation, paid on the servers in use, is idle beside those (tried as a new user would)."""

from __future__ import annotations

import tomllib

import pytest

from payback import analyze
from payback.scenario import parse_scenario

SHRINKING = """
[scenario]
name = "two servers bought, one idle from month 2"
horizon_months = 3
discount_rate_annual = 0.0
[traffic]
requests_per_month = 5256000    # 2 requests/s over 730 hours
growth_monthly = -0.5
peak_to_average = 1.0
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 10.0
[[alternatives]]
name = "owned"
kind = "self_hosted"
replica_requests_per_s = 1.0
target_utilization = 1.0
gpus_per_replica = 8
[alternatives.owned]
usd_per_server = 36000
gpus_per_server = 8
depreciation_months = 36
financing = "depreciation"
colocation_usd_per_server_month = {colocation}
"""


@pytest.mark.parametrize("colocation", [0.0, 400.0])
def test_a_held_server_is_idle_capacity(colocation: float) -> None:
    data = tomllib.loads(SHRINKING.format(colocation=colocation))
    fleet = analyze(parse_scenario(data)).alternatives[0].utilisation
    assert fleet is not None
    assert fleet.average == pytest.approx([1.0, 0.5, 0.25])  # of the 2 servers held
    hardware = [0.0, 1000.0, 1500.0]  # $2,000 a month × (1 − busy)
    # colocation on the servers in use: 2, 1, 1, busy 100%, 100% and 50%
    facility = [0.0, 0.0, 0.5 * colocation]
    assert fleet.idle_usd == pytest.approx([h + f for h, f in zip(hardware, facility, strict=True)])
    assert fleet.owned_gpus == [16.0, 16.0, 16.0]
