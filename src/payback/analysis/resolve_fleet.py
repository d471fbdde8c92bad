"""What a self-hosted fleet costs over the horizon, for many configurations at once: the
one function ``analyze`` (choosing a replica's GPUs) and ``payback recommend`` (ranking
configurations) price a fleet with."""

from __future__ import annotations

from typing import Any

import numpy as np

from payback import finance as cm
from payback.finance.costs import traffic_replicas
from payback.scenario import COMMITMENT_TERM_MONTHS, Scenario, SelfHostedOption

__all__ = ["fleet_cost", "fleet_rank", "fleet_sizes", "spare_capacity"]


def fleet_cost(
    scenario: Scenario,
    option: SelfHostedOption,
    rps: np.ndarray,
    tp: np.ndarray,
    price: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Average monthly fleet cost over the horizon, replicas per month, and owned servers
    paid in cash at t = 0 (else ``None``), one row per configuration, from the function
    the cost engine prices one configuration with
    (:func:`payback.finance.self_hosted_cost`): ``payback recommend``'s search and
    ``analyze``'s choice of GPUs per replica price fleets with it. A fleet scaled to zero
    (``always_on = false``) counts the replicas its busiest hour runs at once
    (:func:`fleet_sizes`)."""
    cost, replicas, _, at_start = fleet_sizes(scenario, option, rps, tp, price)
    return cost, replicas, at_start


def fleet_sizes(
    scenario: Scenario,
    option: SelfHostedOption,
    rps: np.ndarray,
    tp: np.ndarray,
    price: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """:func:`fleet_cost`'s figures with the replicas paid each month beside the replicas
    run: the same for an always-on fleet; scaled to zero, the GPU-hours run / 730 / GPUs
    per replica (``analyze``'s replicas_month_1 and replicas_max), where the replicas run
    are those the busiest hour needs at once (``min_replicas`` is not used: no replica is
    kept running)."""
    traffic = scenario.traffic
    horizon = scenario.scenario.horizon_months
    requests = cm.requests_per_month(traffic.requests_per_month, traffic.growth_monthly, horizon)
    served = requests - cm.escalated_requests(requests, option.escalation_share)
    owned = option.owned
    cash = owned is not None and owned.financing == "cash"
    term = COMMITMENT_TERM_MONTHS[option.commitment]
    with np.errstate(divide="ignore", invalid="ignore"):
        components, gpus, extras = cm.self_hosted_cost(
            np.broadcast_to(served, (len(rps), horizon)),
            replica_requests_per_s=rps,
            target_utilization=option.target_utilization,
            gpus_per_replica=tp,
            always_on=option.always_on,
            peak_to_average=traffic.peak_to_average,
            min_replicas=option.min_replicas,
            usd_per_gpu_hour=price,
            trend=cm.committed_price_trend(option.gpu_price_change_annual, horizon, term),
            owned=None if owned is None else {k: getattr(owned, k) for k in cm.OWNED_PARAMETERS},
            cash=cash,
            term_months=term,
        )
    monthly = np.sum(list(components.values()), axis=0)
    at_start = extras.get("at_start")
    total = np.sum(monthly, axis=-1) + (0.0 if at_start is None else at_start)
    replicas = extras.get("replicas")
    with np.errstate(divide="ignore", invalid="ignore"):
        paid = gpus / np.asarray(tp, dtype=np.float64)[:, np.newaxis]
        if replicas is None:  # scaled to zero: the replicas its busiest hour runs at once
            replicas = traffic_replicas(
                served,
                peak_to_average=traffic.peak_to_average,
                replica_requests_per_s=rps,
                target_utilization=option.target_utilization,
            )
    replicas = np.where(np.isfinite(replicas), replicas, np.inf)
    paid = np.where(np.isfinite(paid), paid, np.inf)
    return total / horizon, replicas, paid, at_start if cash else None


def spare_capacity(always_on: bool, replicas: Any, rps: Any) -> Any:
    """The capacity a fleet pays for in month 1, replicas × requests/s a replica (arrays
    or numbers): what :func:`fleet_rank` prefers more of at equal cost; 0 for a fleet
    scaled to zero, which pays for its load at the target utilisation and no more."""
    if not always_on:
        return np.zeros_like(np.asarray(rps, dtype=np.float64))
    return np.asarray(replicas, dtype=np.float64) * np.asarray(rps, dtype=np.float64)


def fleet_rank(meets: Any, cost: Any, spare: Any, ttft_ms: Any, tpot_ms: Any) -> tuple[Any, ...]:
    """The order fleets are preferred in, lowest first (numbers, or arrays compared
    element by element): those meeting the latency targets first, then the cheaper over
    the horizon, then the more spare capacity paid for (:func:`spare_capacity`), then the
    faster to the first token where the fleet runs, then per output token. ``payback
    recommend`` ranks configurations by it and ``analyze`` chooses a replica's GPUs by it
    (the fewer GPUs a replica where all of it ties): at the same cost, capacity to spare
    absorbs a burst or a month's growth and a faster token is felt, while fewer GPUs a
    replica buys nothing the cost model counts."""
    return (np.logical_not(meets), cost, np.negative(spare), ttft_ms, tpot_ms)
