"""Servers a shrinking fleet stops using, depreciated: held and charged, as cash keeps them.

Tried as a new user would: two $36,000 servers needed in month 1 and one after (2, 1 and
0.5 requests/s, a server's replica serves 1), depreciated over 36 months at $10 per 1,000
requests against an API: depreciation charged $2,000, $1,000, $1,000 and warned of $33,000
of book value left; the idle server's $35,000 was charged at no horizon. By hand, both
servers held: $2,000 a month; the API costs 52,560 + 26,280 + 13,140 = $91,980, so the NPV
(no discounting) is 91,980 − 6,000 = $85,980; each server has 33 of its 36 months left,
2 × 33,000 = $66,000 of book value. Cash pays $72,000 at t = 0 for the same servers: its
NPV is $66,000 less, the book value, which depreciation leaves out of the horizon.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from helpers import run
from payback import analyze
from payback.analysis.cashflows import evaluate
from payback.analysis.resolve import resolve
from payback.scenario import load_scenario, parse_scenario

SHRINKING = """
[scenario]
name = "two servers bought, one idle from month 2"
horizon_months = HORIZON
[traffic]
requests_per_month = 5256000
growth_monthly = -0.5
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
financing = "FINANCING"
"""


def _file(tmp_path: Path, financing: str = "depreciation", horizon: int = 3) -> Path:
    path = tmp_path / f"{financing}_{horizon}.toml"
    text = SHRINKING.replace("FINANCING", financing).replace("HORIZON", str(horizon))
    path.write_text(text)
    return path


def _analyze(path: Path) -> dict:
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    return json.loads(out)


def test_both_servers_are_charged_while_held(tmp_path: Path) -> None:
    answer = _analyze(_file(tmp_path))
    alt = answer["alternatives"][0]
    assert alt["monthly_cost_usd"] == pytest.approx([2_000.0, 2_000.0, 2_000.0])
    assert alt["components_usd"]["hardware"] == pytest.approx([2_000.0, 2_000.0, 2_000.0])
    assert alt["npv_usd"] == pytest.approx(85_980.0)
    assert answer["warnings"] == [
        "alternatives.0 ('owned'): financing = \"depreciation\": $6,000 of the servers' price "
        "is charged within the 3-month horizon, though $66,000 of book value is left at month "
        "3 (straight line over depreciation_months = 36), counted neither as a cost nor as a "
        "sale; a horizon of 36 months charges it all"
    ]


def test_a_horizon_of_the_depreciation_months_charges_every_server(tmp_path: Path) -> None:
    """$72,000 for the two servers over 36 months (it had charged $37,000), nothing left."""
    ev = evaluate(resolve(load_scenario(_file(tmp_path, horizon=36))))
    hardware = ev.alternatives[0].costs.components["hardware"]
    assert float(np.sum(hardware)) == pytest.approx(72_000.0)
    assert not [
        w for w in resolve(load_scenario(_file(tmp_path, horizon=36))).warnings if "owned" in w
    ]


def test_cash_and_depreciation_differ_by_the_book_value_left(tmp_path: Path) -> None:
    cash = _analyze(_file(tmp_path, "cash"))["alternatives"][0]
    depreciation = _analyze(_file(tmp_path))["alternatives"][0]
    assert cash["one_time_usd"] == pytest.approx(72_000.0)
    assert cash["npv_usd"] == pytest.approx(91_980.0 - 72_000.0)
    assert depreciation["npv_usd"] - cash["npv_usd"] == pytest.approx(66_000.0)


OWNED_BASELINE = """
[scenario]
name = "own servers today, traffic falling"
horizon_months = 3
[traffic]
requests_per_month = 5256000
growth_monthly = -0.5
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
financing = "depreciation"
[[alternatives]]
name = "api"
kind = "per_request"
usd_per_1k_requests = 1.0
"""


def test_an_owned_baseline_holds_its_servers_too(tmp_path: Path) -> None:
    """What you do today on two servers, depreciated: $2,000 a month while both are held;
    the API costs 5,256 + 2,628 + 1,314 = $9,198, so moving saves 6,000 − 9,198 = −$3,198.
    (Its month-1 fleet is owned already, bought when the file does not say: no book value
    is said for it.)"""
    path = tmp_path / "owned_baseline.toml"
    path.write_text(OWNED_BASELINE)
    answer = _analyze(path)
    assert answer["baseline"]["monthly_cost_usd"] == pytest.approx([2_000.0] * 3)
    assert answer["alternatives"][0]["npv_usd"] == pytest.approx(-3_198.0)
    assert answer["baseline"]["components_usd"]["hardware"] == pytest.approx([2_000.0] * 3)


PORTFOLIO = """
[scenario]
name = "two workloads, one shrinks"
horizon_months = 3
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 10.0
[[alternatives]]
name = "owned"
kind = "self_hosted"
replica_requests_per_s = 1.0
target_utilization = 1.0
gpus_per_replica = 1
portfolio = { fleet = "shared" }
[alternatives.owned]
usd_per_server = 36000
gpus_per_server = 1
depreciation_months = 36
financing = "depreciation"
[[workloads]]
name = "steady"
traffic = { requests_per_month = 5256000 }
[[workloads]]
name = "shrinking"
traffic = { requests_per_month = 5256000, growth_monthly = -0.5 }
"""


def test_a_portfolios_shared_fleet_holds_its_servers(tmp_path: Path) -> None:
    """2 + 2, 2 + 1, 2 + 1 one-GPU servers in use (0.5 requests/s still takes one): 4
    held, $4,000 a month. The API costs 3 × 52,560 + 91,980 = $249,660: NPV $237,660."""
    path = tmp_path / "portfolio.toml"
    path.write_text(PORTFOLIO)
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    answer = json.loads(out)["portfolio"]
    alt = answer["alternatives"][0]
    assert alt["npv_usd"] == pytest.approx(237_660.0)
    assert answer["warnings"] == [
        "alternatives.0 ('owned'), the fleet its 2 workloads share: financing = "
        '"depreciation": $12,000 of the servers\' price is charged within the 3-month '
        "horizon, though $132,000 of book value is left at month 3 (straight line over "
        "depreciation_months = 36), counted neither as a cost nor as a sale; a horizon of "
        "36 months charges it all"
    ]


@pytest.mark.parametrize("colocation", [0.0, 400.0])
def test_a_held_server_is_idle_capacity(colocation: float) -> None:
    """The idle capacity of an owned fleet that shrinks counts the servers it holds: both
    financings charge them, so a server the traffic no longer needs is idle, paid capacity.
    Two $36,000 servers depreciated over 36 months ($1,000 a server-month), one request/s a
    replica of 8 GPUs, traffic halving each month from two replicas' worth: the hardware is
    $2,000 a month, busy 100%, 50% and 25%, so $0 + $1,000 + $1,500 = $2,500 pays for idle
    capacity. Analyze had said $1,000 (capacity from the servers in use, half the charge);
    colocation, paid on the servers in use, is idle beside those (tried as a new user would)."""
    text = SHRINKING.replace("FINANCING", "depreciation").replace("HORIZON", "3")
    data = tomllib.loads(f"{text}colocation_usd_per_server_month = {colocation}\n")
    fleet = analyze(parse_scenario(data)).alternatives[0].utilisation
    assert fleet is not None
    assert fleet.average == pytest.approx([1.0, 0.5, 0.25])  # of the 2 servers held
    hardware = [0.0, 1000.0, 1500.0]  # $2,000 a month × (1 − busy)
    # colocation on the servers in use: 2, 1, 1, busy 100%, 100% and 50%
    facility = [0.0, 0.0, 0.5 * colocation]
    assert fleet.idle_usd == pytest.approx([h + f for h, f in zip(hardware, facility, strict=True)])
    assert fleet.owned_gpus == [16.0, 16.0, 16.0]
