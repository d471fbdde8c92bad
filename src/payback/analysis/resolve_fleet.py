"""What a self-hosted fleet costs over the horizon, for many configurations at once: the
one function ``analyze`` (choosing a replica's GPUs) and ``payback recommend`` (ranking
configurations) price a fleet with."""

from __future__ import annotations

import numpy as np

from payback import finance as cm
from payback.scenario import COMMITMENT_TERM_MONTHS, Scenario, SelfHostedOption

__all__ = ["fleet_cost"]


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
    ``analyze``'s choice of GPUs per replica price fleets with it."""
    traffic = scenario.traffic
    horizon = scenario.scenario.horizon_months
    requests = cm.requests_per_month(traffic.requests_per_month, traffic.growth_monthly, horizon)
    served = requests - cm.escalated_requests(requests, option.escalation_share)
    owned = option.owned
    cash = owned is not None and owned.financing == "cash"
    term = COMMITMENT_TERM_MONTHS[option.commitment]
    with np.errstate(divide="ignore", invalid="ignore"):
        components, _, extras = cm.self_hosted_cost(
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
    if replicas is None:  # scaled to zero: the replicas its busiest hour would run
        with np.errstate(divide="ignore", invalid="ignore"):
            replicas = cm.fleet_replicas(
                served,
                peak_to_average=traffic.peak_to_average,
                replica_requests_per_s=rps,
                target_utilization=option.target_utilization,
                min_replicas=option.min_replicas,
            )
    replicas = np.where(np.isfinite(replicas), replicas, np.inf)
    return total / horizon, replicas, at_start if cash else None
