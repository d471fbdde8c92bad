"""How busy a self-hosted fleet is, and what its idle capacity costs.

A fleet sized for the busiest hour (DESIGN.md: GPUs_m = max(min_replicas, ceil(peak_rps_m /
(replica_rps · u))) · gpus_per_replica) is idle for most of an average hour when traffic
is small: one always-on GPU serving 200,000 requests a month at 2 requests/s is busy about
4% of the time, and the other 96% of its rent pays for nothing. These functions make that
visible; they are pure and vectorized like :mod:`payback.finance` (sample axes first, the
month last).

- average utilisation_m = average served requests/s_m / fleet capacity_m, where
  fleet capacity_m = GPUs_m / gpus_per_replica · replica_requests_per_s
- peak utilisation_m = average utilisation_m · peak_to_average (the busiest hour)
- idle cost_m = fleet cost_m · (1 − average utilisation_m)

GPUs_m are those paid for: under a 1y/3y commitment, those reserved (the most its term has
needed so far, :func:`payback.finance.reserved_count`), so reserved GPUs a shrinking fleet
no longer needs are idle capacity.

A fleet scaled to zero pays only for the GPU-hours it runs, planned at ``target_utilization``
of capacity (:func:`payback.finance.scale_to_zero_gpu_hours`): its paid hours are
``target_utilization`` busy, in an average hour and at the peak alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from payback.finance._types import ArrayLike, FloatArray, as_float, per_sample
from payback.finance.traffic import HOURS_PER_MONTH

__all__ = ["FleetUtilisation", "fleet_utilisation"]

FLEET_COMPONENTS = ("gpus", "hardware", "facility")
"""The monthly cost components that pay for the fleet itself (rent, or owned servers and
their power and colocation)."""


def fleet_utilisation(
    served_requests: ArrayLike,
    *,
    gpus: ArrayLike,
    gpus_per_replica: ArrayLike,
    replica_requests_per_s: ArrayLike,
    peak_to_average: ArrayLike,
    target_utilization: ArrayLike,
    always_on: bool,
    fleet_usd: ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Average utilisation, busiest-hour utilisation (shares of the fleet's capacity in use)
    and the cost of idle capacity [USD/month], per month.

    >>> avg, peak, idle = fleet_utilisation([180_000.0], gpus=[1.0], gpus_per_replica=1,
    ...     replica_requests_per_s=2.0, peak_to_average=4.0, target_utilization=0.7,
    ...     always_on=True, fleet_usd=[584.0])
    >>> round(float(avg[0]), 4), round(float(peak[0]), 4), round(float(idle[0]), 2)
    (0.0342, 0.137, 564.0)
    >>> avg, peak, idle = fleet_utilisation([180_000.0], gpus=[0.05], gpus_per_replica=1,
    ...     replica_requests_per_s=2.0, peak_to_average=4.0, target_utilization=0.7,
    ...     always_on=False, fleet_usd=[29.2])
    >>> float(avg[0]), float(peak[0]), round(float(idle[0]), 2)
    (0.7, 0.7, 8.76)
    """
    served = as_float(served_requests)
    fleet = as_float(fleet_usd)
    if always_on:
        average_rps = served / (HOURS_PER_MONTH * 3600.0)
        capacity = (
            as_float(gpus) / per_sample(gpus_per_replica) * per_sample(replica_requests_per_s)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            average = np.where(capacity > 0, average_rps / capacity, 0.0)
        peak = average * per_sample(peak_to_average)
    else:
        shape = np.broadcast_shapes(served.shape, np.shape(fleet))
        average = np.broadcast_to(per_sample(target_utilization), shape).astype(np.float64)
        peak = average.copy()
    idle = fleet * (1.0 - np.minimum(average, 1.0))
    return average, peak, idle


@dataclass(frozen=True)
class FleetUtilisation:
    """How busy one self-hosted option's fleet is each month, and what idle capacity costs."""

    average: list[float]
    """Share of the fleet's capacity in use in an average hour of each month."""
    peak: list[float]
    """Share in use in the busiest hour of each month (``peak_to_average`` × the average)."""
    fleet_usd: list[float]
    """What the fleet itself costs each month: rent, or owned servers with power and space."""
    idle_usd: list[float]
    """The part of :attr:`fleet_usd` that pays for idle capacity each month."""
    always_on: bool
    gpus: list[float]
    """GPUs each month (always-on), or GPU-hours run (paid) / 730 (scaled to zero)."""
    owned_gpus: list[float] | None = None
    """Owned servers: the GPUs they hold for replicas each month, which the utilisation is
    a share of (paid for, in use or not); ``None`` for rented GPUs."""
    spare_gpus: list[float] | None = None
    """GPUs each month that ``min_replicas`` keeps beyond what the month's traffic needs
    (the cost engine's ``needed_gpus`` less its ``traffic_gpus``); ``None`` where the
    engine does not count them."""
    idle_gpus: list[float] | None = None
    """GPUs each month a 1y/3y commitment keeps reserved beyond those needed (its GPUs less
    ``needed_gpus``); ``None`` where the engine does not count them."""

    @property
    def idle_total_usd(self) -> float:
        return float(sum(self.idle_usd))

    @property
    def fleet_total_usd(self) -> float:
        return float(sum(self.fleet_usd))

    def to_dict(self) -> dict[str, Any]:
        return {
            "average": self.average,
            "peak": self.peak,
            "fleet_usd": self.fleet_usd,
            "idle_usd": self.idle_usd,
            "idle_total_usd": self.idle_total_usd,
        }
