"""The baseline fleet the workloads share today: workloads that give no baseline of their
own run on the scenario's always-on self-hosted baseline together, one fleet for all of
them, not a fleet each.

- **One fleet, sized on the combined load**, by the machinery of an alternative's shared
  fleet (:func:`~payback.analysis.portfolio_fleet.shared_fleet_costs`,
  :func:`~payback.analysis.adapters.place_adapters`): each workload needs
  r_w = requests_w / (730 · 3600) / rps_w replicas on average (rps_w the baseline's
  capacity at its own lengths) and r_w · peak_w in its busiest hour; one model (no
  adapters: η = 1, no overhead), so the fleet is ⌈Σ_w r_w · peak_w / u⌉ replicas, at least
  ``min_replicas``, priced by the one fleet formula
  (:func:`payback.finance.costs.self_hosted_cost`): its ``min_replicas``, commitment and
  GPU price trend are paid once. The busiest hours are taken to coincide (c = 1): the
  baseline may not say how its workloads' peaks overlap (``baseline.portfolio`` is
  refused), and the fleet the team runs today is sized for the traffic as it comes; c = 1
  is also the default of an alternative's shared fleet.
- **Moving a set S** of workloads off it saves B(all) − B(the rest): the rest is the
  workloads that stay (those the alternative does not serve among them) and the share e
  of the moved traffic the alternative escalates to the baseline, which rides on the same
  fleet (so the alternative's own escalation charge, the fleet a single scenario sizes
  for that share alone, :func:`payback.analysis.cashflows._escalation_cost`, is left out
  for these workloads). With nothing left on it the fleet is retired (B = 0); an
  escalated share keeps it running only where e > 0, as the engine's rule says. Owned
  servers: those of today's month-1 fleet are owned already (bought in cash, only servers
  beyond them are bought).
- **Each workload's own part** (its contribution): what moving it alone saves,
  B(all) − B(all but it, with its escalated share); what no workload saves alone (the
  fleet kept for the others until the last moves) is the portfolio's, said beside the
  shared ops.

A baseline scaled to zero is billed by the second (sharing changes nothing) and a
workload with a baseline of its own prices it alone: both stay per workload, as does a
portfolio with one workload on the scenario's baseline (the engine's answer exactly). The
baseline's ops are the fleet's, paid once while a workload's own traffic runs on it (as a
single scenario of the combined traffic pays them; an escalated share alone pays none, as
the engine's escalation does not); its quality and latency costs stay per workload (each
workload's requests meet them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from payback import finance as model
from payback.analysis.portfolio_fleet import (
    Reader,
    SharedFleet,
    fleet_params,
    one_size_fleet,
    price_fleet,
    spread_loads,
    stack,
    sum_arrays,
    whole_replicas,
)
from payback.finance._types import FloatArray, as_float, per_sample
from payback.scenario import SelfHostedOption

if TYPE_CHECKING:
    from payback.analysis.cashflows import Evaluation
    from payback.analysis.portfolio import PortfolioEvaluation
    from payback.analysis.portfolio_setup import Portfolio

__all__ = [
    "BaselineShare",
    "baseline_fleet_facts",
    "baseline_flows",
    "baseline_flows_of",
    "baseline_servers",
    "baseline_share",
    "rows_add",
    "rows_of",
    "sharing_workloads",
    "tenant_features",
]


def sharing_workloads(p: Portfolio) -> list[int]:
    """The workloads that run on one baseline fleet together: those without a baseline of
    their own when the scenario's is self-hosted and always on, two or more of them (else
    none: each workload's baseline is priced alone)."""
    option = p.scenario.baseline
    if not isinstance(option, SelfHostedOption) or not option.always_on:
        return []
    users = [j for j, w in enumerate(p.scenario.workloads or []) if w.baseline is None]
    return users if len(users) > 1 else []


@dataclass(frozen=True)
class BaselineShare:
    """The shared baseline fleet as the moves of one alternative's workloads change it.

    Its loads ("tenants", T of them): each sharing workload's traffic, then the escalated
    share of each served sharing workload. Moving the served workloads in a 0/1 mask m
    (W served) leaves the tenants ``base − m · stays + m · moves`` on the fleet."""

    fleet: SharedFleet
    """The tenants' loads (peak and mean, (T, …, H)) and the baseline's fleet parameters."""
    sharing: list[int]
    """The workloads on the fleet (:func:`sharing_workloads`)."""
    base: FloatArray
    """(T,): the tenants on the fleet today (every sharing workload's traffic)."""
    stays: FloatArray
    """(W, T): the tenant that is each served workload's traffic (a zero row: its own
    baseline)."""
    moves: FloatArray
    """(W, T): the tenant that is each served workload's escalated share."""
    present: FloatArray
    """(T, …): whether a tenant keeps the fleet running (an escalated share only where the
    share is above 0)."""
    usd_per_server: FloatArray | None
    """Owned servers bought in cash: their price (today's month-1 fleet is owned)."""
    other_baseline: FloatArray
    """(W, …, H): each served workload's own baseline's cost; on the shared fleet, what its
    baseline costs beyond the fleet and its ops (errors and waiting: per workload)."""
    own_usd: FloatArray
    """(W, …, H): each served workload's own running cost on the alternative, without the
    escalation charge of a workload on the shared fleet (its share rides on the fleet)."""
    ops_usd: FloatArray
    """(…, H): the baseline's ops, paid once while the fleet runs."""


def baseline_share(
    p: Portfolio,
    index: int,
    served: list[int],
    evs: list[Evaluation],
    readers: list[Reader],
    baseline: FloatArray,
    own: FloatArray,
) -> BaselineShare | None:
    """The shared baseline fleet as alternative ``index`` changes it (None when no workload
    it serves is on one). ``baseline`` and ``own``: (W, …, H), each served workload's
    baseline cost alone and its own running cost, as the engine prices them."""
    sharing = sharing_workloads(p)
    tenant = {j: t for t, j in enumerate(sharing)}
    on_fleet = [k for k, j in enumerate(served) if j in tenant]
    if not on_fleet:
        return None
    names = p.names  # built once: a list of every workload's name
    loads = [(names[j], readers[j], evs[j].requests) for j in sharing]
    present = [as_float(1.0) for _ in sharing]
    stays = np.zeros((len(served), len(sharing)))
    moves_at: list[int] = []
    for k in on_fleet:
        j = served[k]
        stays[k, tenant[j]] = 1.0
        share = as_float(readers[j](f"alternatives.{index}.escalation_share"))
        if np.any(share > 0.0):
            loads.append((names[j], readers[j], evs[j].requests * per_sample(share)))
            present.append((share > 0.0).astype(np.float64))
            moves_at.append(k)
    tenants = len(sharing) + len(moves_at)
    moves = np.zeros((len(served), tenants))
    for t, k in enumerate(moves_at, len(sharing)):
        moves[k, t] = 1.0
    stays = np.concatenate([stays, np.zeros((len(served), len(moves_at)))], axis=1)
    first = readers[sharing[0]]
    option = first.scenario.baseline
    assert isinstance(option, SelfHostedOption)
    params, cash = fleet_params(first, "baseline", option, p.scenario.scenario.horizon_months)
    today = np.array([[1.0] * len(sharing) + [0.0] * len(moves_at)])  # its size: today's
    fleet = one_size_fleet(
        "baseline",
        loads,
        today,
        coincidence=as_float(1.0),
        overhead=as_float(0.0),
        decade_loss=as_float(0.0),
        always_on=True,
        cash=cash,
        params=params,
    )
    on = np.zeros(len(served), dtype=bool)
    on[on_fleet] = True
    running = [  # a sharing workload's baseline less its fleet and ops: errors, waiting
        sum_arrays(
            [as_float(0.0)]
            + [
                v
                for k, v in evs[j].baseline.components.items()
                if k not in ("gpus", "hardware", "facility", "ops")
            ]
        )
        for j in served
    ]
    escalation = stack(
        [
            evs[j].alternatives[index].costs.components.get("escalation", as_float(0.0))
            for j in served
        ]
    )
    return BaselineShare(
        fleet=fleet,
        sharing=sharing,
        base=np.concatenate([np.ones(len(sharing)), np.zeros(len(moves_at))]),
        stays=stays,
        moves=moves,
        present=stack(present),
        usd_per_server=first("baseline.owned.usd_per_server") if cash else None,
        other_baseline=as_float(np.where(rows_of(on, baseline), stack(running), baseline)),
        own_usd=as_float(np.where(rows_of(on, own), own - escalation, own)),
        ops_usd=as_float(evs[sharing[0]].baseline.components.get("ops", as_float(0.0))),
    )


def rows_of(v: Any, a: Any) -> Any:
    """``v`` (K,) shaped to meet a (K, …) array ``a`` row by row, whatever its sample axes."""
    return v.reshape(v.shape + (1,) * (np.ndim(a) - 1))


def rows_add(a: FloatArray, b: FloatArray) -> FloatArray:
    """``a + b`` for two (K, …, H) arrays whose sample axes (between the first and the
    month's) differ in number: the shorter gets unit sample axes after its first axis."""
    n = max(a.ndim, b.ndim)
    a, b = (x.reshape(x.shape[:1] + (1,) * (n - x.ndim) + x.shape[1:]) for x in (a, b))
    return as_float(a + b)


def tenant_features(share: BaselineShare) -> FloatArray:
    """(T, F): what a row of tenants on the fleet is read by, each column linear in the
    row: its peak and mean loads (the spread sample axes and the month, flattened), whether
    a workload's own traffic is on it, and whether a tenant keeps it running
    (:func:`_fleet_usd_of`). A row's features are one matrix product, ``rows @ features``."""
    peak, mean = spread_loads(share.fleet)
    t = len(share.base)
    own = (np.arange(t) < len(share.sharing)).astype(np.float64)
    present = np.broadcast_to(share.present, (t, *np.shape(share.present)[1:]))
    return as_float(
        np.concatenate(
            [peak.reshape(t, -1), mean.reshape(t, -1), own[:, np.newaxis], present.reshape(t, -1)],
            axis=1,
        )
    )


def _fleet_usd(
    share: BaselineShare, tenants: FloatArray, with_ops: bool = True
) -> tuple[FloatArray, Any]:
    """The fleet's monthly cost (K, …, H) with each row of ``tenants`` (K, T) on it, its
    ops included unless ``with_ops`` is off, 0 where no tenant keeps it running, and its
    :class:`FleetCosts` (today's fleet first)."""
    rows = np.concatenate([share.base[np.newaxis], tenants])
    return _fleet_usd_of(share, rows @ tenant_features(share), with_ops)


def _fleet_usd_of(
    share: BaselineShare, features: FloatArray, with_ops: bool = True
) -> tuple[FloatArray, Any]:
    """:func:`_fleet_usd` of rows given by their features (``rows @`` :func:`tenant_features`,
    today's fleet first): the fleet is one model, so its cost follows from its summed loads
    (:func:`~payback.analysis.portfolio_fleet.linear_fleet`). It is always on
    (:func:`baseline_share` builds it so: a baseline scaled to zero is not shared), so its
    replicas follow the summed peak loads."""
    peak, _ = spread_loads(share.fleet)
    x = int(np.prod(peak.shape[1:]))
    rows = len(features)
    peak_sum = features[:, :x].reshape((rows, *peak.shape[1:]))
    costs = price_fleet(share.fleet, whole_replicas(peak_sum, share.fleet), None)
    parts = dict(costs.components)
    if share.usd_per_server is not None and costs.servers is not None:
        # cash: today's month-1 servers are owned; only servers beyond them are bought
        held = np.maximum(costs.servers, costs.servers[:1, ..., :1])
        bought = model.servers_bought(held) * per_sample(share.usd_per_server)
        bought[..., 0] = 0.0
        parts["hardware"] = bought
    total = as_float(sum_arrays(list(parts.values())))
    if with_ops:  # while a workload's own traffic runs on it: an escalated share alone
        # pays no ops, as the engine charges an escalation (the alternative's ops cover it)
        staying = (features[:, 2 * x] > 0.0).astype(np.float64)
        ops = as_float(share.ops_usd)[np.newaxis]
        total = rows_add(total, staying.reshape(staying.shape + (1,) * (ops.ndim - 1)) * ops)
    kept = features[:, 2 * x + 1 :].reshape((rows, *np.shape(share.present)[1:])) > 0.0
    kept = kept.reshape(kept.shape + (1,) * (total.ndim - kept.ndim))
    return as_float(np.where(kept, total, 0.0)), costs


def baseline_flows(share: BaselineShare, masks: FloatArray) -> tuple[FloatArray, FloatArray]:
    """For each subset of the served workloads moved (``masks``: (K, W) of 0/1): what the
    shared baseline fleet sheds without them, B(all) − B(the rest), and what their escalated
    share then adds back to it, B(the rest and the share) − B(the rest) ((K, …, H) each)."""
    m = as_float(masks)
    features = tenant_features(share)
    today = share.base[np.newaxis] @ features
    rest = today - m @ (share.stays @ features)
    escalated = m @ (share.moves @ features) if np.any(share.moves) else None
    return baseline_flows_of(share, today, rest, escalated)


def baseline_flows_of(
    share: BaselineShare, today: FloatArray, rest: FloatArray, escalated: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """:func:`baseline_flows` of subsets given by the features (:func:`tenant_features`) of
    today's tenants (1, F), of the tenants each subset leaves (K, F), and of the escalated
    share each adds back (K, F; None where no moved workload escalates to the fleet)."""
    k = len(rest)
    rows = [today, rest] if escalated is None else [today, rest, rest + escalated]
    usd, _ = _fleet_usd_of(share, np.concatenate(rows))
    today_usd, without = usd[:1], usd[1 : k + 1]
    added = usd[k + 1 :] - without if escalated is not None else np.zeros_like(without)
    return as_float(today_usd - without), as_float(added)


def baseline_servers(ev: PortfolioEvaluation) -> FloatArray | None:
    """The owned servers the shared baseline fleet runs today, each month, as the portfolio
    sizes it (None without one, or where no alternative serves a workload on it)."""
    for outcome in ev.alternatives:
        share = outcome.pieces.baseline
        if share is not None:
            _, costs = _fleet_usd(share, share.base[np.newaxis])
            return None if costs.servers is None else as_float(costs.servers[0])
    return None


# ---------------------------------------------------------------- in words and JSON


@dataclass(frozen=True)
class BaselineFleetFacts:
    """The shared baseline fleet before and after an alternative moves its workloads."""

    name: str
    workloads: list[str]
    """The workloads on it today."""
    moved: list[str]
    """Of those, the ones the alternative moves off it."""
    gpus_per_replica: float
    gpus: list[float]
    """Its GPUs today, each month."""
    usd_per_month: list[float]
    gpus_after: list[float]
    """Its GPUs with every moved workload gone (the others and the escalated share on it)."""
    usd_per_month_after: list[float]
    escalated: bool
    """Whether an escalated share of the moved traffic rides on it."""
    joint_usd: float
    """Present value of what the fleet saves that no workload saves moving alone (its
    replicas kept for the others until the last one moves)."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def baseline_fleet_facts(ev: PortfolioEvaluation, index: int) -> BaselineFleetFacts | None:
    """The shared baseline fleet of alternative ``index``'s workloads in a central
    evaluation (None when none of them shares one)."""
    from payback.analysis.result import floats

    p = ev.portfolio
    pieces = ev.alternatives[index].pieces
    share = pieces.baseline
    if share is None:
        return None
    n = len(pieces.served)
    names = p.names
    m = np.concatenate([np.ones((1, n)), np.eye(n)])
    rest = share.base[np.newaxis] - m[:1] @ share.stays
    tenants = np.concatenate([rest, rest + m[:1] @ share.moves])
    usd, costs = _fleet_usd(share, tenants, with_ops=False)
    saved, added = baseline_flows(share, m)
    joint = (saved[0] - added[0]) - np.sum(saved[1:] - added[1:], axis=0)
    rate = pieces.discount_rate_annual
    kept = usd[2] > 0.0
    return BaselineFleetFacts(
        name=p.scenario.baseline.name,
        workloads=[names[j] for j in share.sharing],
        moved=[names[j] for k, j in enumerate(pieces.served) if np.any(share.stays[k])],
        gpus_per_replica=float(np.asarray(share.fleet.params["gpus_per_replica"])),
        gpus=floats(costs.gpus[0]),
        usd_per_month=floats(usd[0]),
        gpus_after=floats(np.where(kept, costs.gpus[2], 0.0)),
        usd_per_month_after=floats(usd[2]),
        escalated=bool(np.any(share.moves)),
        joint_usd=float(model.net_present_value(joint, 0.0, 0.0, rate)),
    )
