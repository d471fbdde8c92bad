"""``explain`` says why the monthly difference moves only when it moves, and names only the
causes whose months differ within the horizon (``explain --json``'s
``monthly_difference_moves_because`` alike).

The reserved fleet: 15,768,000 requests a month is 6 requests/s (730 hours of 3,600 s), 6
replicas of 1 request/s on one GPU each at $2/GPU-hour: 6 × 730 × $2 = $8,760 a month,
held for the 1-year term; the rent's -20% a year reaches it in month 13 only (12 months of
$8,760, then $7,008)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run

RESERVED = """
[scenario]
name = "commit 1y"
horizon_months = {horizon}
discount_rate_annual = 0.0
[traffic]
requests_per_month = 15768000
growth_monthly = 0.0
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
[alternatives.one_time]
data_usd = 1000.0
"""

GROWING = """
[scenario]
name = "growing"
horizon_months = {horizon}
discount_rate_annual = 0.0
[traffic]
requests_per_month = 2000000
growth_monthly = 0.02
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 10.0
[[alternatives]]
name = "alt"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
replica_requests_per_s = 1.0
target_utilization = 1.0
ops_usd_per_month = 1000
[alternatives.one_time]
data_usd = 150000
[alternatives.recurring]
retrain_every_months = {every}
retrain_usd = 2000
"""


def _explain(tmp_path: Path, text: str) -> tuple[str, dict]:
    file = tmp_path / "s.toml"
    file.write_text(text)
    code, out, err = run("explain", file)
    assert code == 0, err
    code, raw, err = run("explain", file, "--json")
    assert code == 0, err
    (alt,) = json.loads(raw)["alternatives"]
    return " ".join(out.split()), alt


def test_a_rent_held_for_its_term_moves_nothing_within_it(tmp_path: Path) -> None:
    said, alt = _explain(tmp_path, RESERVED.format(horizon=6))
    assert "then moves" not in said
    assert alt["monthly_difference_moves_because"] == []
    code, raw, err = run("analyze", tmp_path / "s.toml", "--json")
    assert code == 0, err
    assert json.loads(raw)["alternatives"][0]["monthly_cost_usd"] == [8760.0] * 6


def test_the_rent_moves_from_the_second_term_on(tmp_path: Path) -> None:
    said, alt = _explain(tmp_path, RESERVED.format(horizon=12))
    assert alt["monthly_difference_moves_because"] == []
    said, alt = _explain(tmp_path, RESERVED.format(horizon=13))
    assert alt["monthly_difference_moves_because"] == ["the GPU rent changes -20% a year"]
    assert "The monthly difference then moves because the GPU rent changes -20% a year." in said


def test_one_month_has_no_later_month(tmp_path: Path) -> None:
    said, alt = _explain(tmp_path, GROWING.format(horizon=1, every=4))
    assert "then moves" not in said
    assert alt["monthly_difference_moves_because"] == []


@pytest.mark.parametrize(
    ("horizon", "every", "because"),
    [
        (2, 4, ["traffic changes +2% a month"]),
        (6, 4, ["traffic changes +2% a month", "retraining months cost more"]),
        (6, 1, ["traffic changes +2% a month"]),  # retrained every month: each the same
    ],
)
def test_only_causes_whose_months_differ(
    tmp_path: Path, horizon: int, every: int, because: list[str]
) -> None:
    said, alt = _explain(tmp_path, GROWING.format(horizon=horizon, every=every))
    assert alt["monthly_difference_moves_because"] == because
    assert f"The monthly difference then moves because {' and '.join(because)}." in said


def test_the_same_price_on_both_sides_moves_nothing(tmp_path: Path) -> None:
    """$1 per 1,000 requests on both sides: switching saves $0 in every month, however the
    traffic grows (it had been said to move "because traffic changes +2% a month")."""
    text = """
[scenario]
name = "same price"
horizon_months = 6
[traffic]
requests_per_month = 100000
growth_monthly = 0.02
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 1.0
[[alternatives]]
name = "other api"
kind = "per_request"
usd_per_1k_requests = 1.0
"""
    said, alt = _explain(tmp_path, text)
    assert "then moves" not in said
    assert alt["monthly_difference_moves_because"] == []


SELF_HOSTED_BASELINE = """
[scenario]
name = "own fleet to an API"
horizon_months = 12
discount_rate_annual = 0.0
[traffic]
requests_per_month = {requests}
growth_monthly = {growth}
[baseline]
name = "own fleet"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
gpus_per_replica = 2
replica_requests_per_s = 1.0
target_utilization = 1.0
gpu_price_change_annual = {rent}
[[alternatives]]
name = "hosted mini"
kind = "per_request"
usd_per_1k_requests = 0.1
"""


@pytest.mark.parametrize(
    ("requests", "growth", "rent", "because"),
    [
        # 2,628,000 requests a month is 1 request/s: one replica of 2 GPUs, $2,920 a month,
        # its rent -30% a year ($2,920 × 0.7^(1/12) = $2,834.49 in month 2)
        (2628000, 0.0, -0.3, ["the baseline's GPU rent changes -30% a year"]),
        # +10% a month: 1 request/s in month 1, 2.85 in month 12 (1.1^11): 3 replicas, 6 GPUs
        (
            2628000,
            0.1,
            0.0,
            ["traffic changes +10% a month", "the baseline's fleet goes from 2 to 6 GPUs"],
        ),
    ],
)
def test_a_self_hosted_baseline_names_its_own_causes(
    tmp_path: Path, requests: int, growth: float, rent: float, because: list[str]
) -> None:
    """A self-hosted baseline's rent and fleet move the monthly difference as an
    alternative's do; they had gone unnamed (the first case had read "saves $2,657 that
    month." and no cause, though the baseline's month 12 costs $2,105.67)."""
    text = SELF_HOSTED_BASELINE.format(requests=requests, growth=growth, rent=rent)
    said, alt = _explain(tmp_path, text)
    assert alt["monthly_difference_moves_because"] == because
    assert f"The monthly difference then moves because {' and '.join(because)}." in said


def test_an_owned_fleet_that_shrinks_inside_its_server_names_no_fleet_cause(
    tmp_path: Path,
) -> None:
    """110M requests a month is 41.9 requests/s: 3 replicas of 20 on one GPU each, 2 from
    month 2 (-5% a month), all on one 8-GPU server bought in cash, whose power and
    colocation (10 kW × 730 h × $0.12 × 1.3 + $1,500 = $2,638.80) stay the same: fewer
    GPUs cost nothing less, so only the traffic moves the difference (it had also said
    "the fleet goes from 3 to 2 GPUs")."""
    text = (
        RESERVED.format(horizon=12)
        .replace("requests_per_month = 15768000", "requests_per_month = 110000000")
        .replace("growth_monthly = 0.0", "growth_monthly = -0.05")
        .replace(
            "usd_per_gpu_hour = 2.0\nreplica_requests_per_s = 1.0\ntarget_utilization = 1.0\n"
            'commitment = "1y"\ngpu_price_change_annual = -0.2\n',
            "replica_requests_per_s = 20.0\ntarget_utilization = 1.0\n"
            "[alternatives.owned]\nusd_per_server = 100000\ngpus_per_server = 8\n"
            "kw_per_server = 10.0\nusd_per_kwh = 0.12\npue = 1.3\n"
            'colocation_usd_per_server_month = 1500.0\nfinancing = "cash"\n'
            "depreciation_months = 36\n",
        )
    )
    assert "owned" in text
    said, alt = _explain(tmp_path, text)
    assert alt["monthly_difference_moves_because"] == ["traffic changes -5% a month"]
    assert "'reserved' costs $2,639 " in said
