"""The quarter's traffic sentence where today's traffic already pays back within a
quarter and the answer is not monotone in traffic, tried as a new user would: a 1-year
commitment with traffic shrinking 20% a month said "Within a quarter: yes" and then "It
pays back within a quarter with traffic just above 2,692,623 requests/month (today
10,000,000)", as if today's traffic fell short."""

from __future__ import annotations

from pathlib import Path

from helpers import run

COMMITTED = """
[scenario]
name = "commit shrinking"
horizon_months = 15
discount_rate_annual = 0.0

[traffic]
requests_per_month = 10000000
growth_monthly = -0.2
input_tokens = 1000
output_tokens = 200
peak_to_average = 2.0

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 2.0

[[alternatives]]
name = "reserved"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
gpus_per_replica = 1
replica_requests_per_s = 2.0
target_utilization = 0.5
min_replicas = 1
commitment = "1y"
"""


def test_today_met_says_how_far_down_it_still_pays_back(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(COMMITTED, encoding="utf-8")
    code, out, err = run("explain", path)
    assert code == 0, err
    words = " ".join(out.split())
    assert "Within a quarter: yes" in words
    assert (
        "It still pays back within a quarter down to traffic just above 2,692,623 "
        "requests/month (today 10,000,000), the nearest crossing to today's, though not at "
        "every traffic above it: the savings after month 3 are not monotone in traffic" in words
    )
    assert "It pays back within a quarter with traffic just above" not in words
