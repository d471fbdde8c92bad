"""A fleet several workloads share, sized on their combined load and priced by the one
fleet formula (:func:`payback.finance.costs.self_hosted_cost`): an alternative's shared
multi-adapter fleet (:mod:`payback.analysis.portfolio`) and the baseline fleet the
workloads run on today (:mod:`payback.analysis.portfolio_baseline`). The placement of
adapters is :func:`~payback.analysis.adapters.place_adapters`'s."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, reduce
from typing import Any

import numpy as np

from payback import finance as model
from payback.analysis.adapters import ceil_replicas, place_adapters
from payback.analysis.resolve import Resolved
from payback.analysis.resolve_fleet import fleet_rank, spare_capacity
from payback.errors import PaybackError
from payback.finance._types import FloatArray, as_float, per_sample
from payback.finance.traffic import SECONDS_PER_MONTH
from payback.scenario import COMMITMENT_TERM_MONTHS, SelfHostedOption, value_at

__all__ = [
    "FleetCosts",
    "Reader",
    "ReplicaSize",
    "SharedFleet",
    "at_cheapest_size",
    "fleet_params",
    "linear_fleet",
    "no_common_size",
    "one_model",
    "one_size_fleet",
    "price_fleet",
    "shared_fleet_costs",
    "spread_loads",
    "weighted_sum",
    "whole_replicas",
]


def sum_arrays(arrays: Sequence[FloatArray]) -> FloatArray:
    """The elementwise sum of ``arrays`` (broadcast)."""
    return reduce(lambda a, b: np.asarray(a + b, dtype=np.float64), arrays)


def stack(arrays: Sequence[FloatArray]) -> FloatArray:
    """``arrays`` broadcast to one shape and stacked on a new first axis."""
    return np.stack(np.broadcast_arrays(*arrays))


@dataclass(frozen=True)
class ReplicaSize:
    """One workload on a replica of one size, at each sample (``nan`` where the size does
    not serve the sample's lengths)."""

    rps: FloatArray
    """Its requests/s a replica."""
    ttft: FloatArray
    """Its mean first token where the fleet runs [ms] (∞ unbounded, ``nan`` unread)."""
    tpot: FloatArray
    """Its time per output token where the fleet runs [ms]."""
    meets: Any
    """Whether the first token meets the workload's own ``ttft_ms`` (bools)."""


class Reader:
    """Numbers of one workload's scenario, by its own paths, with overrides first."""

    def __init__(
        self,
        part: Resolved,
        overrides: Mapping[str, FloatArray],
        given: Mapping[str, FloatArray] | None = None,
    ) -> None:
        self.part = part
        self.scenario = part.scenario
        self.overrides = overrides
        self.given = overrides if given is None else given
        """The overrides as the study gave them, before capacities followed them."""

    def sizes(self, path: str) -> dict[float, ReplicaSize] | None:
        """The replica sizes the option at ``path`` was chosen among, with this workload's
        capacity and latencies on each at each sample
        (:func:`payback.analysis.follow.replica_serving`) and whether the first token
        meets the option's own ``ttft_ms`` there, as analyze judges it
        (:func:`~payback.analysis.resolve_self_hosted.first_token_meets`)."""
        from payback.analysis.follow import replica_serving
        from payback.analysis.resolve_self_hosted import first_token_meets

        serving = replica_serving(self.part, self.given, path)
        if serving is None:
            return None
        target = value_at(self.scenario, f"{path}.ttft_ms")
        return {
            g: ReplicaSize(rps, ttft, tpot, first_token_meets(ttft, target))
            for g, (rps, ttft, tpot) in serving.items()
        }

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


def at_cheapest_size(
    sizes: Sequence[Mapping[float, ReplicaSize]],
    build: Callable[[list[FloatArray], FloatArray], SharedFleet],
    masks: FloatArray,
) -> SharedFleet | None:
    """The shared fleet at the replica size (GPUs) analyze would choose for it at each
    sample, by the rule it chooses one workload's by
    (:func:`~payback.analysis.resolve_fleet.fleet_rank`), applied to the fleet the
    workloads share: the sizes where every workload meets its own ``ttft_ms`` first, then
    the one that costs least over the horizon (its GPUs, owned hardware and facility each
    month and the servers it buys at the start:
    :func:`~payback.analysis.resolve_fleet.fleet_cost`'s measure), then the more spare
    capacity paid for in month 1 (:func:`~payback.analysis.resolve_fleet.spare_capacity`
    of its replicas at the requests/s a replica of the workloads' mix: Σ r_w / Σ (r_w / c_w)
    for r_w a workload's requests and c_w its capacity on the size; one workload's alone is
    analyze's replicas × c), then the faster first token, then per output token (the
    slowest workload's where the fleet runs), then the fewest GPUs. The sizes compared
    are those every workload's capacity was estimated at (``sizes``: each workload's
    capacity, latencies and whether it meets ``ttft_ms`` on each size, at each sample;
    nan where the size does not serve it); a workload alone may have chosen another, but
    one fleet runs one size, so each workload's load is counted in replicas of the
    fleet's. ``build`` makes the fleet from each workload's requests/s and a size;
    ``masks`` (1, T): the tenants it is sized for. None when no size serves them all."""
    from payback.analysis.follow import ranks_before

    common = sorted(set.intersection(*(set(s) for s in sizes)))
    if not common:
        return None

    def rank(g: float) -> tuple[tuple[FloatArray, ...], list[FloatArray]]:
        rps = [as_float(s[g].rps) for s in sizes]
        fleet = build(rps, as_float(g))
        costs = shared_fleet_costs(fleet, masks)
        monthly = sum_arrays(list(costs.components.values()))[0]
        total = np.sum(monthly, axis=-1) + costs.at_start[0]
        serves = reduce(np.logical_and, [np.isfinite(r) for r in rps])
        meets = reduce(np.logical_and, [s[g].meets for s in sizes])
        first, per_token = (
            reduce(np.fmax, [as_float(getattr(s[g], k)) for s in sizes]) for k in ("ttft", "tpot")
        )
        key = fleet_rank(
            meets & serves,
            np.where(serves, total, np.inf),
            np.where(serves, _spare(fleet, costs, rps, g, masks), 0.0),
            first,
            per_token,
        )
        return tuple(np.broadcast_arrays(*(as_float(k) for k in key))), rps

    best, capacity = rank(common[0])
    size = as_float(np.full_like(best[0], common[0]))
    for g in common[1:]:
        key, rps = rank(g)
        better = ranks_before(key, best)  # strictly: of equal ranks, the fewest GPUs
        best = tuple(as_float(np.where(better, k, b)) for k, b in zip(key, best, strict=True))
        size = as_float(np.where(better, g, size))
        capacity = [as_float(np.where(better, r, c)) for r, c in zip(rps, capacity, strict=True)]
    return build(capacity, size)


def _spare(
    fleet: SharedFleet, costs: FleetCosts, rps: list[FloatArray], g: float, masks: FloatArray
) -> FloatArray:
    """The capacity the fleet of replicas of ``g`` GPUs pays for in month 1
    (:func:`~payback.analysis.resolve_fleet.spare_capacity`): its replicas × the requests/s
    a replica of the mix of the tenants it is sized for (``masks`` (1, T)) serves."""
    mean = fleet.mean[..., 0]  # (T, …): replicas busy in month 1's average hour
    busy = [m * np.where(np.isfinite(r), r, 0.0) for m, r in zip(mean, rps, strict=True)]
    served = weighted_sum(masks, stack(busy))  # requests/s
    load = weighted_sum(masks, mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        mix = np.where(load > 0.0, served / load, 0.0)[0]
    return as_float(spare_capacity(fleet.always_on, costs.gpus[0, ..., 0] / g, mix))


def one_size_fleet(
    path: str,
    loads: Sequence[tuple[str, Reader, FloatArray]],
    masks: FloatArray,
    **fields: Any,
) -> SharedFleet:
    """The fleet of the option at ``path`` that ``loads`` share (each a workload's name,
    its reader and the requests it sends the fleet each month), of one replica size:
    :func:`at_cheapest_size` of the sizes each capacity was estimated on, sized for the
    tenants of ``masks`` (1, T); each workload's capacity as it reads it where one is
    given. ``fields``: the :class:`SharedFleet`'s other fields."""

    def build(capacity: list[FloatArray], size: FloatArray | None = None) -> SharedFleet:
        mean = [
            requests / SECONDS_PER_MONTH / per_sample(rps)
            for (_, _, requests), rps in zip(loads, capacity, strict=True)
        ]
        peak = [
            m * per_sample(read("traffic.peak_to_average"))
            for (_, read, _), m in zip(loads, mean, strict=True)
        ]
        params = fields["params"] | ({} if size is None else {"gpus_per_replica": size})
        return SharedFleet(peak=stack(peak), mean=stack(mean), **(fields | {"params": params}))

    sizes = [read.sizes(path) for _, read, _ in loads]
    known = [s for s in sizes if s is not None]
    if len(known) < len(sizes):  # a capacity given: each workload's as it reads it
        gpus = stack([as_float(read(f"{path}.gpus_per_replica")) for _, read, _ in loads])
        if np.any(gpus != gpus[:1]):  # in replicas of different sizes: one fleet runs one
            said = ", ".join(
                f"{name} {float(np.ravel(g)[0]):g}"
                for (name, _, _), g in zip(loads, gpus, strict=True)
            )
            raise PaybackError(
                f"{path}: the workloads' capacities are of replicas of different sizes "
                f"(GPUs a replica: {said}), and one shared fleet runs one size; give "
                'gpus_per_replica, each capacity at it, or fleet = "separate"'
            )
        return build([read(f"{path}.replica_requests_per_s") for _, read, _ in loads])
    fleet = at_cheapest_size(known, build, masks)
    if fleet is None:
        each = dict(zip((name for name, _, _ in loads), known, strict=True))
        raise PaybackError(no_common_size(path, list(each.items())))
    return fleet


def no_common_size(path: str, sizes: Sequence[tuple[str, Mapping[float, Any] | None]]) -> str:
    """Why no replica size serves every workload of the shared fleet at ``path``
    (``sizes``: each workload's name and the sizes that serve it)."""
    each = "; ".join(
        f"{name} on {', '.join(f'{g:g}' for g in sorted(s or {}))}" for name, s in sizes
    )
    return (
        f"{path}: no replica size serves every workload of its shared fleet (GPUs a replica "
        f"that meet each one's lengths and targets: {each}); give gpus_per_replica, "
        'fleet = "separate", or a looser tpot_ms'
    )


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
    servers: FloatArray | None = None
    """Owned servers in use each month (None when it rents its GPUs)."""
    shares: Callable[[], FloatArray] | None = field(default=None, repr=False, compare=False)
    """How :attr:`share` is worked out, when asked (None: the loads were given summed)."""

    @cached_property
    def share(self) -> FloatArray:
        """(K, W, …, H): each workload's share of its GPU time (worked out when read: at
        K subsets of W workloads it is K · W times the months)."""
        if self.shares is None:
            raise ValueError("the shared fleet was priced from summed loads: no shares")
        return self.shares()


def weighted_sum(masks: FloatArray, a: FloatArray) -> FloatArray:
    """Σ_w m_kw · a_w for each row of ``masks`` (K, W), ``a``'s other axes kept: (K, …), one
    matrix product (never the (K, W, …) product summed)."""
    m = as_float(masks)
    a = as_float(a)
    return as_float((m @ a.reshape(a.shape[0], -1)).reshape(m.shape[:1] + a.shape[1:]))


def spread_loads(fleet: SharedFleet) -> tuple[FloatArray, FloatArray]:
    """The fleet's peak and mean loads (W, …, H) with every sample axis its parameters have,
    so the parameters' samples meet the loads' (not the subsets')."""
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

    return spread(fleet.peak), spread(fleet.mean)


def one_model(fleet: SharedFleet) -> bool:
    """Whether an always-on fleet's replicas follow from its summed peak alone: every
    busiest hour at once (c = 1) and no adapter penalty (η = 1), as the baseline fleet's
    (:func:`place_adapters` then pools every load: ⌈Σ x⌉)."""
    c, o, d = (as_float(v) for v in (fleet.coincidence, fleet.overhead, fleet.decade_loss))
    if c.ndim or o.ndim or d.ndim:
        return False
    return float(c) == 1.0 and float(o) == 0.0 and float(d) == 0.0


def linear_fleet(fleet: SharedFleet) -> bool:
    """Whether the fleet's cost follows from its tenants' summed loads (Σ_w m_w · peak_w,
    Σ_w m_w · mean_w): scaled to zero, or one model (:func:`one_model`)."""
    return not fleet.always_on or one_model(fleet)


def whole_replicas(peak_sum: FloatArray, fleet: SharedFleet) -> FloatArray:
    """Whole replicas of a :func:`one_model` fleet for a summed peak load (merged weights)."""
    return ceil_replicas(peak_sum / per_sample(fleet.params["target_utilization"]))


_CHUNK = 4_000_000
"""Elements of a (subsets, workloads, …) array placed at once (about 32 MB of floats)."""


def shared_fleet_costs(fleet: SharedFleet, masks: FloatArray) -> FleetCosts:
    """The shared fleet of each subset of workloads (``masks``: (K, W) of 0/1), placed as
    :func:`place_adapters` finds cheapest (always on) or each workload on its own merged
    deployment (scaled to zero: billed by the second, a fleet gains nothing from mixing
    adapters and would lose η(n) of its throughput), priced by the one fleet formula.
    Summed loads are matrix products; a placement that reads each workload's load goes
    a bounded number of subsets at a time."""
    m = as_float(masks)
    peak, mean = spread_loads(fleet)
    total = weighted_sum(m, mean)

    def shares() -> FloatArray:
        means = m.reshape(m.shape + (1,) * (mean.ndim - 1)) * mean
        with np.errstate(divide="ignore", invalid="ignore"):
            return as_float(np.where(total[:, np.newaxis] > 0, means / total[:, np.newaxis], 0.0))

    if not fleet.always_on:
        return price_fleet(fleet, total, None, shares)
    if one_model(fleet):
        return price_fleet(fleet, whole_replicas(weighted_sum(m, peak), fleet), None, shares)
    utilization = per_sample(fleet.params["target_utilization"])
    step = max(1, _CHUNK // max(1, peak.size))
    placed = []
    for lo in range(0, len(m), step):
        rows = m[lo : lo + step]
        weights = rows.reshape(rows.shape + (1,) * (peak.ndim - 1))  # (K, W, …, 1s)
        placed.append(
            place_adapters(
                np.moveaxis(weights * peak, 1, 0) / utilization,
                np.moveaxis(weights * mean, 1, 0) / utilization,
                fleet.coincidence,
                fleet.overhead,
                fleet.decade_loss,
            )
        )
    replicas = as_float(np.concatenate([r for r, _ in placed]))
    pinned = as_float(np.concatenate([p for _, p in placed]))
    return price_fleet(fleet, replicas, pinned, shares)


def price_fleet(
    fleet: SharedFleet,
    load: FloatArray,
    pinned: FloatArray | None,
    shares: Callable[[], FloatArray] | None = None,
) -> FleetCosts:
    """The fleet priced by the one fleet formula: ``load`` (K, …, H) is its whole replicas
    when always on (``pinned`` of them pinned to one workload; None: none), else its
    summed mean load in replicas (billed by the second, every workload merged)."""
    params = dict(fleet.params)
    gpus_per_replica = per_sample(params["gpus_per_replica"])
    if fleet.always_on:
        params.pop("target_utilization")
        components, gpus, extras = model.self_hosted_cost(
            load * SECONDS_PER_MONTH,
            replica_requests_per_s=1.0,
            target_utilization=1.0,
            peak_to_average=1.0,
            always_on=True,
            cash=fleet.cash,
            **params,
        )
        pinned_gpus = as_float(
            np.zeros(np.shape(load)) if pinned is None else pinned * gpus_per_replica
        )
        idle_gpus = as_float(gpus - extras["needed_gpus"])  # reserved beyond the month's need
        spare_gpus = as_float(extras["needed_gpus"] - extras["traffic_gpus"])  # min_replicas
    else:
        components, gpus, extras = model.self_hosted_cost(
            load * SECONDS_PER_MONTH,
            replica_requests_per_s=1.0,
            always_on=False,
            cash=fleet.cash,
            **params,
        )
        pinned_gpus, idle_gpus, spare_gpus = gpus, np.zeros_like(gpus), np.zeros_like(gpus)
    at_start = extras.get("at_start", np.zeros(load.shape[:-1]))
    if not fleet.cash:
        at_start = np.zeros(load.shape[:-1])
    counts = (gpus, pinned_gpus, idle_gpus, spare_gpus)
    return FleetCosts(components, *counts, as_float(at_start), extras.get("servers"), shares)
