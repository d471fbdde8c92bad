"""The pure, vectorized cost model.

Every function here takes numbers or numpy arrays and returns numpy arrays. Scalar
inputs broadcast against the month axis, which is always the *last* axis: an input of
shape ``(S,)`` (S samples) gives monthly arrays of shape ``(S, H)``. Nothing here reads
files, prints, or knows about scenarios or the command line.

Glossary (units in brackets):

- ``m``: month index, 1..H; a month is :data:`HOURS_PER_MONTH` hours.
- ``requests`` [requests/month], ``growth_monthly`` [1/month, compound].
- ``*_usd_per_mtok`` [USD per million tokens], ``usd_per_1k_requests`` [USD per 1,000].
- ``price_change_annual`` [1/year]: month m pays ``price * (1 + a) ** ((m - 1) / 12)``.
- ``replica_requests_per_s`` [requests/s one replica sustains at the scenario's lengths].
- ``usd_per_gpu_hour`` [USD per GPU-hour].
- ``error_rate`` [errors per request answered], ``usd_per_error`` [USD per error].
- ``p50_ms`` [ms, median time to an answer], ``usd_per_second_per_1k_requests`` [USD
  per second of waiting across 1,000 requests].
"""

from payback.finance.cashflow import (
    PAYBACK_WINDOWS,
    break_even_month,
    break_even_requests,
    cumulative_savings,
    monthly_discount_rate,
    net_present_value,
    seed_break_even_requests,
    share_paid_back_within,
)
from payback.finance.costs import (
    OWNED_PARAMETERS,
    always_on_gpu_cost,
    committed_price_trend,
    error_cost,
    escalated_requests,
    fleet_gpus,
    fleet_replicas,
    hosted_api_cost,
    latency_cost,
    owned_server_cost,
    per_request_cost,
    price_trend,
    recurring_monthly,
    retraining_cost,
    scale_to_zero_gpu_hours,
    self_hosted_cost,
    server_running_cost,
    servers_bought,
    servers_needed,
)
from payback.finance.traffic import HOURS_PER_MONTH, SECONDS_PER_MONTH, months, requests_per_month

__all__ = [
    "HOURS_PER_MONTH",
    "OWNED_PARAMETERS",
    "PAYBACK_WINDOWS",
    "SECONDS_PER_MONTH",
    "always_on_gpu_cost",
    "break_even_month",
    "break_even_requests",
    "committed_price_trend",
    "cumulative_savings",
    "error_cost",
    "escalated_requests",
    "fleet_gpus",
    "fleet_replicas",
    "hosted_api_cost",
    "latency_cost",
    "monthly_discount_rate",
    "months",
    "net_present_value",
    "owned_server_cost",
    "per_request_cost",
    "price_trend",
    "recurring_monthly",
    "requests_per_month",
    "retraining_cost",
    "scale_to_zero_gpu_hours",
    "seed_break_even_requests",
    "self_hosted_cost",
    "server_running_cost",
    "servers_bought",
    "servers_needed",
    "share_paid_back_within",
]
