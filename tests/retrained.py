"""A scenario text the tests of a retraining's dip share: 10,000 requests a month (or a
distribution: ``requests``) at $12 against $2 per 1,000, $250 up front, a $200 retraining
every 3 months. It breaks even in month 2 from 12,500 requests a month and is behind again
after month 3's retraining up to 15,000 (month-3 savings 0.03 R - 450)."""

from __future__ import annotations

RETRAINED_QUARTERLY = """
[scenario]
name = "retrained every quarter"
horizon_months = 12

[traffic]
requests_per_month = {requests}

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 12.0

[[alternatives]]
name = "ft"
kind = "per_request"
usd_per_1k_requests = 2.0

[alternatives.one_time]
data_usd = 250

[alternatives.recurring]
retrain_every_months = 3
retrain_usd = 200
"""
