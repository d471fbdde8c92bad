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

The names below load from their module on first use (PEP 562), so that
:mod:`payback.finance.quick` (pure Python) starts without numpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for type checkers; at run time __getattr__ loads them
    from payback.finance.cashflow import (
        PAYBACK_WINDOWS as PAYBACK_WINDOWS,
    )
    from payback.finance.cashflow import (
        break_even_month as break_even_month,
    )
    from payback.finance.cashflow import (
        break_even_requests as break_even_requests,
    )
    from payback.finance.cashflow import (
        cumulative_savings as cumulative_savings,
    )
    from payback.finance.cashflow import (
        monthly_discount_rate as monthly_discount_rate,
    )
    from payback.finance.cashflow import (
        monthly_savings as monthly_savings,
    )
    from payback.finance.cashflow import (
        net_present_value as net_present_value,
    )
    from payback.finance.cashflow import (
        paid_back_within as paid_back_within,
    )
    from payback.finance.cashflow import (
        share_behind_again_at as share_behind_again_at,
    )
    from payback.finance.cashflow import (
        share_paid_back_within as share_paid_back_within,
    )
    from payback.finance.cashflow import (
        window_months as window_months,
    )
    from payback.finance.costs import (
        OWNED_PARAMETERS as OWNED_PARAMETERS,
    )
    from payback.finance.costs import (
        always_on_gpu_cost as always_on_gpu_cost,
    )
    from payback.finance.costs import (
        committed_price_trend as committed_price_trend,
    )
    from payback.finance.costs import (
        error_cost as error_cost,
    )
    from payback.finance.costs import (
        escalated_requests as escalated_requests,
    )
    from payback.finance.costs import (
        fleet_gpus as fleet_gpus,
    )
    from payback.finance.costs import (
        fleet_replicas as fleet_replicas,
    )
    from payback.finance.costs import (
        hosted_api_cost as hosted_api_cost,
    )
    from payback.finance.costs import (
        latency_cost as latency_cost,
    )
    from payback.finance.costs import (
        owned_server_cost as owned_server_cost,
    )
    from payback.finance.costs import (
        per_request_cost as per_request_cost,
    )
    from payback.finance.costs import (
        price_trend as price_trend,
    )
    from payback.finance.costs import (
        recurring_monthly as recurring_monthly,
    )
    from payback.finance.costs import (
        reserved_count as reserved_count,
    )
    from payback.finance.costs import (
        retraining_cost as retraining_cost,
    )
    from payback.finance.costs import (
        scale_to_zero_gpu_hours as scale_to_zero_gpu_hours,
    )
    from payback.finance.costs import (
        self_hosted_cost as self_hosted_cost,
    )
    from payback.finance.costs import (
        server_running_cost as server_running_cost,
    )
    from payback.finance.costs import (
        servers_bought as servers_bought,
    )
    from payback.finance.costs import (
        servers_needed as servers_needed,
    )
    from payback.finance.traffic import (
        HOURS_PER_MONTH as HOURS_PER_MONTH,
    )
    from payback.finance.traffic import (
        SECONDS_PER_MONTH as SECONDS_PER_MONTH,
    )
    from payback.finance.traffic import (
        months as months,
    )
    from payback.finance.traffic import (
        requests_per_month as requests_per_month,
    )

_WHERE = {
    "HOURS_PER_MONTH": "payback.finance.traffic",
    "OWNED_PARAMETERS": "payback.finance.costs",
    "PAYBACK_WINDOWS": "payback.finance.cashflow",
    "SECONDS_PER_MONTH": "payback.finance.traffic",
    "always_on_gpu_cost": "payback.finance.costs",
    "break_even_month": "payback.finance.cashflow",
    "break_even_requests": "payback.finance.cashflow",
    "committed_price_trend": "payback.finance.costs",
    "cumulative_savings": "payback.finance.cashflow",
    "error_cost": "payback.finance.costs",
    "escalated_requests": "payback.finance.costs",
    "fleet_gpus": "payback.finance.costs",
    "fleet_replicas": "payback.finance.costs",
    "hosted_api_cost": "payback.finance.costs",
    "latency_cost": "payback.finance.costs",
    "monthly_discount_rate": "payback.finance.cashflow",
    "monthly_savings": "payback.finance.cashflow",
    "months": "payback.finance.traffic",
    "net_present_value": "payback.finance.cashflow",
    "owned_server_cost": "payback.finance.costs",
    "per_request_cost": "payback.finance.costs",
    "price_trend": "payback.finance.costs",
    "recurring_monthly": "payback.finance.costs",
    "requests_per_month": "payback.finance.traffic",
    "reserved_count": "payback.finance.costs",
    "retraining_cost": "payback.finance.costs",
    "scale_to_zero_gpu_hours": "payback.finance.costs",
    "self_hosted_cost": "payback.finance.costs",
    "server_running_cost": "payback.finance.costs",
    "servers_bought": "payback.finance.costs",
    "servers_needed": "payback.finance.costs",
    "paid_back_within": "payback.finance.cashflow",
    "share_behind_again_at": "payback.finance.cashflow",
    "share_paid_back_within": "payback.finance.cashflow",
    "window_months": "payback.finance.cashflow",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'payback.finance' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
