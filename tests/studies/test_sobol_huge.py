"""Sobol shares of NPVs too large to square.

Tried as a new user would: 600 months of 10^13 requests a month growing 90-100% a month
(NPVs near 10^190). The variance of the NPVs overflowed to inf, every share became nan and
the table said "None of the inputs moved changes the NPV", while the tornado of the same
file moved the NPV by ten orders of magnitude with the growth. The shares are ratios of
variances, so they are worked out in units of the largest NPV: growth carries it."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run

HUGE = """\
[scenario]
name = "huge"
horizon_months = 600
discount_rate_annual = 0.0

[traffic]
requests_per_month = 10000000000000.0
growth_monthly = { dist = "uniform", low = 0.9, high = 1.0 }

[baseline]
name = "base"
kind = "per_request"
usd_per_1k_requests = { dist = "uniform", low = 500000, high = 1000000 }

[[alternatives]]
name = "alt"
kind = "per_request"
usd_per_1k_requests = 0.0
[alternatives.one_time]
data_usd = 1000000000000.0
"""


def test_growth_carries_the_variance_of_huge_npvs(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(HUGE, encoding="utf-8")
    code, out, err = run("sensitivity", path, "--method", "sobol", "--json")
    assert code == 0, err
    indices = json.loads(out)["alternatives"][0]["indices"]
    shares = {i["parameter"]: (i["first_order"], i["total_order"]) for i in indices}
    first, total = shares["traffic.growth_monthly"]
    assert first > 0.9  # 0.96 at seed 0: a 2^600-fold range against a 2-fold price
    assert total > 0.9
    assert shares["baseline.usd_per_1k_requests"][1] < 0.1
