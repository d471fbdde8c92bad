"""A fleet several workloads share, sized on their combined load and priced by the one
fleet formula (:func:`payback.finance.costs.self_hosted_cost`): an alternative's shared
multi-adapter fleet (:mod:`payback.analysis.portfolio`) and the baseline fleet the
workloads run on today (:mod:`payback.analysis.portfolio_baseline`). The placement of
adapters is :func:`~payback.analysis.adapters.place_adapters`'s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

import numpy as np

from payback import finance as model
from payback.analysis.adapters import place_adapters
from payback.analysis.resolve import Resolved
from payback.finance._types import FloatArray, as_float, per_sample
from payback.finance.traffic import SECONDS_PER_MONTH
from payback.scenario import COMMITMENT_TERM_MONTHS, SelfHostedOption, value_at

__all__ = ["FleetCosts", "Reader", "SharedFleet", "fleet_params", "shared_fleet_costs"]


def sum_arrays(arrays: Sequence[FloatArray]) -> FloatArray:
    """The elementwise sum of ``arrays`` (broadcast)."""
    return reduce(lambda a, b: np.asarray(a + b, dtype=np.float64), arrays)


def stack(arrays: Sequence[FloatArray]) -> FloatArray:
    """``arrays`` broadcast to one shape and stacked on a new first axis."""
    return np.stack(np.broadcast_arrays(*arrays))


class Reader:
    """Numbers of one workload's scenario, by its own paths, with overrides first."""

    def __init__(self, part: Resolved, overrides: Mapping[str, FloatArray]) -> None:
        self.scenario = part.scenario
        self.overrides = overrides

    def __call__(self, path: str) -> FloatArray:
        if path in self.overrides:
            return self.overrides[path]
        return as_float(value_at(self.scenario, path))


@dataclass(frozen=True)
class SharedFleet:
    peak: FloatArray
    """(W, …, H): replicas busy at each workload's busiest hour, merged weights."""
    mean: FloatArray
    """(W, …, H): replicas busy in its average hour."""
    coincidence: FloatArray
    overhead: FloatArray
    decade_loss: FloatArray
    always_on: bool
    cash: bool
    params: dict[str, Any]


def fleet_params(
    read: Reader, path: str, option: SelfHostedOption, horizon: int
) -> tuple[dict[str, Any], bool]:
    """The fleet formula's parameters of the self-hosted option at ``path`` (an alternative's
    or the baseline's), as ``read`` reads them, and whether it buys its servers in cash."""
    params: dict[str, Any] = {
        "target_utilization": read(f"{path}.target_utilization"),
        "gpus_per_replica": read(f"{path}.gpus_per_replica"),
    }
    if option.always_on:
        params["min_replicas"] = read(f"{path}.min_replicas")
    cash = False
    if option.owned is not None:
        from payback.analysis.cashflows import OWNED_FIELDS

        cash = option.owned.financing == "cash"
        params["owned"] = {
            k: read(f"{path}.owned.{k}")
            for k in OWNED_FIELDS
            if not (cash and k == "depreciation_months")
        }
    else:
        params["usd_per_gpu_hour"] = read(f"{path}.usd_per_gpu_hour")
        params["term_months"] = COMMITMENT_TERM_MONTHS[option.commitment]
        trend_path = f"{path}.gpu_price_change_annual"
        if option.gpu_price_change_annual == 0.0 and trend_path not in read.overrides:
            params["trend"] = np.ones(horizon)
        else:
            params["trend"] = model.committed_price_trend(
                read(trend_path), horizon, COMMITMENT_TERM_MONTHS[option.commitment]
            )
    return params, cash


@dataclass(frozen=True)
class FleetCosts:
    """The shared fleet of each subset of workloads (subsets first, the month last)."""

    components: dict[str, FloatArray]
    """Its monthly cost by component [USD/month]."""
    gpus: FloatArray
    """GPUs each month (GPU-hours run (paid) / 730 when scaled to zero)."""
    pinned_gpus: FloatArray
    """Of those, the GPUs of replicas pinned to one workload's adapter (:func:`place_adapters`)."""
    idle_gpus: FloatArray
    """Of those, GPUs a 1y/3y commitment reserved that the month does not need: idle until
    the term ends (:func:`payback.finance.reserved_count`)."""
    spare_gpus: FloatArray
    """Of those, GPUs ``min_replicas`` keeps beyond what the month's traffic needs (the cost
    engine's ``needed_gpus`` less its ``traffic_gpus``): they run the base model and take
    a share of the load, but the placement needs none of them; the rest mix adapters."""
    at_start: FloatArray
    """What it buys at t = 0 [USD]."""
    share: FloatArray
    """(K, W, …, H): each workload's share of its GPU time."""
    servers: FloatArray | None = None
    """Owned servers in use each month (None when it rents its GPUs)."""


def shared_fleet_costs(fleet: SharedFleet, masks: FloatArray) -> FleetCosts:
    """The shared fleet of each subset of workloads (``masks``: (K, W) of 0/1), placed as
    :func:`place_adapters` finds cheapest (always on) or each workload on its own merged
    deployment (scaled to zero: billed by the second, a fleet gains nothing from mixing
    adapters and would lose η(n) of its throughput), priced by the one fleet formula."""
    m = as_float(masks)
    # every sample axis on the loads, so the parameters' samples meet theirs (not the subsets')
    scalars = [fleet.coincidence, fleet.overhead, fleet.decade_loss]
    for value in fleet.params.values():
        scalars += list(value.values()) if isinstance(value, dict) else [value]
    samples = np.broadcast_shapes(
        fleet.peak.shape[1:-1],
        fleet.mean.shape[1:-1],
        *(np.shape(v) for v in scalars if np.ndim(v) and np.shape(v)[-1:] != fleet.peak.shape[-1:]),
        *(
            np.shape(v)[:-1]
            for v in scalars
            if np.ndim(v) and np.shape(v)[-1:] == fleet.peak.shape[-1:]
        ),
    )
    shape = (fleet.peak.shape[0], *samples, fleet.peak.shape[-1])

    def spread(a: FloatArray) -> FloatArray:  # peak and mean may differ in sample axes
        pad = (1,) * (len(samples) - (a.ndim - 2))
        return np.broadcast_to(a.reshape(a.shape[:1] + pad + a.shape[1:]), shape)

    peak, mean = spread(fleet.peak), spread(fleet.mean)
    weights = m.reshape(m.shape + (1,) * (len(shape) - 1))  # (K, W, …, 1s)
    means = weights * mean
    total = np.sum(means, axis=1)
    params = dict(fleet.params)
    gpus_per_replica = per_sample(params["gpus_per_replica"])
    if fleet.always_on:
        utilization = per_sample(params.pop("target_utilization"))
        replicas, pinned = place_adapters(
            np.moveaxis(weights * peak, 1, 0) / utilization,
            np.moveaxis(means, 1, 0) / utilization,
            fleet.coincidence,
            fleet.overhead,
            fleet.decade_loss,
        )
        components, gpus, extras = model.self_hosted_cost(
            replicas * SECONDS_PER_MONTH,
            replica_requests_per_s=1.0,
            target_utilization=1.0,
            peak_to_average=1.0,
            always_on=True,
            cash=fleet.cash,
            **params,
        )
        pinned_gpus = as_float(pinned * gpus_per_replica)
        idle_gpus = as_float(gpus - extras["needed_gpus"])  # reserved beyond the month's need
        spare_gpus = as_float(extras["needed_gpus"] - extras["traffic_gpus"])  # min_replicas
    else:
        components, gpus, extras = model.self_hosted_cost(
            total * SECONDS_PER_MONTH,
            replica_requests_per_s=1.0,
            always_on=False,
            cash=fleet.cash,
            **params,
        )
        pinned_gpus, idle_gpus, spare_gpus = gpus, np.zeros_like(gpus), np.zeros_like(gpus)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total[:, np.newaxis] > 0, means / total[:, np.newaxis], 0.0)
    at_start = extras.get("at_start", np.zeros(total.shape[:-1]))
    if not fleet.cash:
        at_start = np.zeros(total.shape[:-1])
    counts = (gpus, pinned_gpus, idle_gpus, spare_gpus)
    return FleetCosts(components, *counts, as_float(at_start), share, extras.get("servers"))
