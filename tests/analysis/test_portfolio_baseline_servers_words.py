"""Owned servers of the baseline fleet the workloads share today, past depreciation_months
or bought in cash: the portfolio said each workload's own line, for a fleet of its own
(review: "$200,000 of the $500,000" and "$100,000 of the $283,333" where the one fleet a
single scenario of the combined traffic sizes is charged "$250,000 of the $666,667"). Now
one line, the shared fleet's, with the figures analyze of the combined traffic gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run

BASELINE = """
[scenario]
name = "two"
horizon_months = 12
discount_rate_annual = 0.0

[baseline]
name = "owned fleet"
kind = "self_hosted"
gpus_per_replica = 2
replica_requests_per_s = 0.05
min_replicas = 1

[baseline.owned]
usd_per_server = 100000
gpus_per_server = 8
kw_per_server = 10
usd_per_kwh = 0.1
pue = 1.2
colocation_usd_per_server_month = 1000
depreciation_months = 6
financing = "FINANCING"

[[alternatives]]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 0.1
output_usd_per_mtok = 0.4
escalation_share = 0.1
"""
TOKENS = "growth_monthly = 0.1, input_tokens = 1000, output_tokens = 100, peak_to_average = 2.0"
PORTFOLIO = BASELINE + "".join(
    f'\n[[workloads]]\nname = "{n}"\ntraffic = {{ requests_per_month = {r}, {TOKENS} }}\n'
    for n, r in (("a", 200000), ("b", 100000))
)
SINGLE = BASELINE + f"\n[traffic]\nrequests_per_month = 300000\n{TOKENS.replace(', ', chr(10))}\n"


def _owned_lines(tmp_path: Path, text: str, name: str) -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    code, _, err = run("analyze", path)
    assert code == 0, err
    return [line for line in err.splitlines() if "depreciation_months = 6" in line]


@pytest.mark.parametrize("financing", ["depreciation", "cash"])
def test_one_line_for_the_shared_baseline_fleet(tmp_path: Path, financing: str) -> None:
    portfolio = _owned_lines(tmp_path, PORTFOLIO.replace("FINANCING", financing), "p.toml")
    single = _owned_lines(tmp_path, SINGLE.replace("FINANCING", financing), "s.toml")
    assert len(portfolio) == 1, portfolio
    assert len(single) == 1, single
    who = "warning: baseline ('owned fleet'), the fleet its 2 workloads share today: "
    assert portfolio[0].startswith(who)
    # the same figures as analyze of the two workloads' traffic on one fleet
    assert portfolio[0].removeprefix(who) == single[0].split("): ", 1)[1]
    if financing == "depreciation":
        assert "$250,000 of the $666,667 charged" in portfolio[0]
    else:
        assert "$83,333 of book value is left" in portfolio[0]


def test_parts_counted_more_than_once_are_named_so(tmp_path: Path) -> None:
    """Review: moved alone, each workload avoids some of the same servers bought in cash, so
    their parts add up to more than the set saves; the row that takes the excess back read
    "baseline fleet, retired as a set  -$103,752", and explain "-$103,752 ... is saved only
    by the set", and "after moving all 2"."""
    path = tmp_path / "p.toml"
    path.write_text(PORTFOLIO.replace("FINANCING", "cash"))
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    alt = json.loads(out)["portfolio"]["alternatives"][0]
    joint = alt["baseline_fleet"]["joint_usd"]
    assert joint < 0
    code, out, err = run("analyze", path)
    assert code == 0, err
    row = next(line for line in out.splitlines() if "baseline fleet," in line)
    assert "counted more than once" in row
    assert f"-${-joint:,.0f}" in row
    code, out, err = run("explain", path)
    flat = " ".join(out.split())
    assert "after moving both" in flat
    assert f"the parts count ${-joint:,.0f} (present value) of the fleet's saving" in flat
    assert "saved only by the set" not in flat
