"""The portfolio view: several workloads moved off the hosted API together.

Each workload is a scenario of its own (its traffic, its baseline, every alternative with
that workload's terms), resolved and evaluated by the one engine
(:func:`payback.analysis.cashflows.evaluate`). The portfolio adds what they share:

- **shared items, once**: an alternative's own one-time items, ops and retraining are
  paid once for the portfolio (they ride with the first workload it serves); each
  workload's own one-time items (its data, its eval) are added;
- **one shared fleet** (a self-hosted alternative with ``fleet = "shared"`` serving two
  or more workloads): one base model with a LoRA adapter per workload. Each workload
  needs replica-time at its own lengths, r_w = served_w / (730 · 3600) / rps_w replica
  per second on average and r_w · peak_w at its busiest hour. Mixed on one pool, the
  fleet is sized on the busiest hour of the combined load,

      L = max(c · Σ_w r_w · peak_w, max_w r_w · peak_w, Σ_w r_w) / η(n),

  c the coincidence factor (1: every peak falls in the same hour). η(n) is the
  throughput a replica keeps serving n adapters unmerged: 1 for one adapter (merged into
  the weights, as a single fine-tuned model is served), else (1 − o) · (1 − d · log10 n),
  o the overhead of unmerged LoRA kernels (vLLM, Llama-2-7B on an A100: 11.45 requests/s
  without LoRA, 7.60 with, vllm-project/vllm pull request 11267) and d the further loss
  per tenfold more adapters (S-LoRA, arXiv 2311.03285, Table 3: 8.05 requests/s with 5
  adapters, 7.61 with 2,000; Punica, arXiv 2310.18547, reports about 2 ms more per token
  for batched multi-adapter decoding). n counts the workloads with requests that month:
  an idle adapter slows no batch. An always-on fleet pins a workload that fills whole
  replicas to replicas of its own (merged, no penalty) and mixes only the leftovers when
  that needs fewer replicas (:func:`place_adapters`: at worst one fleet per workload); a
  scaled-to-zero fleet, billed by the second, runs each workload merged (mixing would
  only lose η(n)). The replicas are priced by the one fleet formula
  (:func:`payback.finance.costs.self_hosted_cost`), all of one size: without
  ``gpus_per_replica``, of those every workload's capacity was estimated on, the one
  analyze's rule prefers (:func:`at_cheapest_size`: every workload meeting its own
  ``ttft_ms`` first, then the fleet's cost over the horizon, then its spare capacity),
  each r_w counted in replicas of that size. Owned servers are the fleet's cost, whatever
  the financing: depreciated, in its monthly cost; bought in cash, those that
  month 2 on adds in its monthly cost and the month-1 fleet's at t = 0 in the one-time cost
  as the fleet's own part (:attr:`PortfolioOutcome.fleet_one_time_usd`), neither shared
  nor a workload's. So the one-time cost is the alternative's shared items, the shared
  fleet's servers and the workloads' own items. Both financings attribute the servers to
  the workloads alike (:mod:`payback.studies.portfolio`'s fleet shares): a monthly charge
  by that month's GPU-time share s_w,t; the month-1 servers bought at t = 0 by the
  share averaged over the months in present value, Σ_t δ_t s_w,t / Σ_t δ_t Σ_w s_w,t,
  as a straight-line depreciation of them over the horizon would spread them. The
  financings differ in what they charge (cash: the whole price; depreciation: the months
  within the horizon), not in who pays it.
- **one baseline fleet**: workloads without a baseline of their own on the scenario's
  always-on self-hosted baseline run on one fleet today, sized on their combined load by
  the same machinery (one model: η = 1); moving a set of them saves B(all) − B(the rest),
  the escalated share riding on the rest (:mod:`payback.analysis.portfolio_baseline`);
- **adapter memory**: an adapter of rank r on every linear layer holds
  r · Σ_layers Σ_projections (d_in + d_out) weights (bf16, 2 bytes each); the replica
  must hold the base weights, every adapter and at least one request's KV cache.

A scenario with one workload gives the engine's answer exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from payback import finance as model
from payback.analysis.adapters import adapter_bytes, adapter_efficiency, place_adapters
from payback.analysis.cashflows import Evaluation, evaluate
from payback.analysis.follow import following
from payback.analysis.portfolio_baseline import (
    BaselineShare,
    baseline_flows,
    baseline_share,
    rows_add,
    rows_of,
)
from payback.analysis.portfolio_fleet import (
    FleetCosts,
    Reader,
    SharedFleet,
    fleet_params,
    one_size_fleet,
    shared_fleet_costs,
    stack,
    sum_arrays,
    weighted_sum,
)
from payback.analysis.portfolio_setup import (
    Portfolio,
    Route,
    central_value,
    part_scale,
    portfolio_field_range,
    prepare,
    replaced_terms,
    route,
)
from payback.errors import PaybackError
from payback.finance._types import ArrayLike, FloatArray, as_float, per_sample
from payback.scenario import OneTime, SelfHostedOption

__all__ = [
    "FLEET_COMPONENTS",
    "AlternativePieces",
    "FleetCosts",
    "Portfolio",
    "PortfolioEvaluation",
    "Route",
    "adapter_bytes",
    "adapter_efficiency",
    "central_value",
    "evaluate_portfolio",
    "place_adapters",
    "portfolio_field_range",
    "prepare",
    "replaced_terms",
    "route",
    "shared_fleet_costs",
    "subset_flows",
]

FLEET_COMPONENTS = ("gpus", "hardware", "facility")
"""The components of a self-hosted option's monthly cost that its fleet makes up."""
SHARED_COMPONENTS = ("ops", "retraining")
"""The components an alternative pays once, however many workloads it serves."""
PORTFOLIO_FIELDS = ("coincidence_factor", "adapter_overhead", "adapter_decade_loss")
"""Numbers of an alternative's ``portfolio`` table the shared fleet reads."""


# ---------------------------------------------------------------- evaluation


def _split_overrides(
    p: Portfolio, overrides: Mapping[str, ArrayLike]
) -> tuple[list[dict[str, FloatArray]], list[dict[str, FloatArray]], dict[str, FloatArray]]:
    """Overrides by portfolio path, as each workload's scenario reads them (with the
    capacities that follow them, and as given), and those the portfolio reads itself
    (``workloads.N.one_time.*``, ``alternatives.N.portfolio.*``): see :func:`route`."""
    per_part: list[dict[str, FloatArray]] = [{} for _ in p.parts]
    own: dict[str, FloatArray] = {}
    for path, value in overrides.items():
        values = as_float(value)
        where = route(p, path)
        current = central_value(p, path)
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise PaybackError(f"{path}: not a number; vary a numeric input")
        if not where.parts:
            own[path] = values
        for j in where.parts:
            per_part[j][where.local] = values * part_scale(p, j, where.local, current)
    # an estimated capacity follows what moves it, in cash flows and shared fleet alike
    followed = [following(p.parts[j], ov) if ov else ov for j, ov in enumerate(per_part)]
    return followed, per_part, own


@dataclass(frozen=True)
class AlternativePieces:
    """One alternative's cash flows, by workload and shared, before they are summed."""

    served: list[int]
    """The workloads it serves (indices into the scenario's workloads)."""
    baseline_usd: FloatArray
    """(W, …, H): each served workload's baseline cost [USD/month]."""
    own_usd: FloatArray
    """(W, …, H): each served workload's own running cost on the alternative (its API fees,
    escalation, errors, waiting, and its own fleet unless the fleet is shared) [USD/month]."""
    own_fleet_usd: FloatArray
    """(W, …, H): the part of ``own_usd`` that is its own fleet (0 on a shared fleet)."""
    requests: FloatArray
    """(W, …, H): each served workload's requests [requests/month]."""
    one_time_usd: FloatArray
    """(W, …): each served workload's own one-time items (and the servers its own fleet buys)."""
    shared_monthly_usd: FloatArray
    """(…, H): ops and retraining, paid once [USD/month]."""
    shared_one_time_usd: FloatArray
    """(…): the alternative's own one-time items, paid once [USD]."""
    fleet: SharedFleet | None
    """The shared fleet's inputs, or None (separate fleets, a hosted option, one workload)."""
    discount_rate_annual: FloatArray
    own_idle_gpus: FloatArray | None = None
    """(W, …, H): GPUs each served workload's own fleet reserved under a 1y/3y commitment
    that the month does not need (None when no fleet of its own reserves any)."""
    baseline: BaselineShare | None = None
    """The baseline fleet its served workloads share with others (None: each workload's
    baseline alone); then ``baseline_usd`` and ``own_usd`` of a workload on it are those of
    moving it alone: what the fleet sheds, and its own costs with the fleet its escalated
    share adds (:mod:`payback.analysis.portfolio_baseline`)."""


def _one_time_items(read: Any, prefix: str) -> FloatArray:
    return as_float(
        read(f"{prefix}.data_usd")
        + read(f"{prefix}.engineer_hours") * read(f"{prefix}.engineer_usd_per_hour")
        + read(f"{prefix}.eval_usd")
        + read(f"{prefix}.training_usd") * read(f"{prefix}.training_runs")
    )


def _workload_one_time(p: Portfolio, j: int, own: Mapping[str, FloatArray]) -> FloatArray:
    from payback.analysis.lookups import Lookups
    from payback.analysis.resolve_training import resolve_one_time

    workload = (p.scenario.workloads or [])[j]
    prefix = f"workloads.{j}.one_time"
    if workload.one_time == OneTime() and not any(path.startswith(f"{prefix}.") for path in own):
        return as_float(0.0)
    one_time = workload.one_time
    if one_time.training_usd is None:
        from payback.catalog import analysis_day

        part = p.parts[j]  # the catalog and day the portfolio was prepared with
        ctx = Lookups(part.scenario, part.catalog, part.today or analysis_day())
        one_time = resolve_one_time(ctx, prefix, one_time)

    def read(path: str) -> FloatArray:
        if path in own:
            return own[path]
        value = getattr(one_time, path.rsplit(".", 1)[-1])
        return as_float(0.0 if value is None else value)

    return _one_time_items(read, prefix)


def _fleet_parts(costs: Any) -> FloatArray:
    parts = [costs.components[k] for k in FLEET_COMPONENTS if k in costs.components]
    return sum_arrays(parts) if parts else np.zeros_like(costs.monthly_usd)


def _pieces(
    p: Portfolio,
    index: int,
    evs: list[Evaluation],
    readers: list[Reader],
    own: Mapping[str, FloatArray],
    workload_one_time: list[FloatArray],
    stacks: dict[tuple[int, ...], tuple[FloatArray, FloatArray]],
) -> AlternativePieces:
    served = p.served[index]
    shared = p.shares_fleet(index)
    first = evs[served[0]].alternatives[index]
    own_usd, own_fleet, one_time = [], [], []
    for j in served:
        outcome = evs[j].alternatives[index]
        comps = outcome.costs.components
        fleet = _fleet_parts(outcome.costs)
        running = outcome.costs.monthly_usd - sum_arrays([comps[k] for k in SHARED_COMPONENTS])
        own_usd.append(running - fleet if shared else running)
        own_fleet.append(fleet)
        hardware = outcome.one_time_items_usd.get("hardware")
        bought = as_float(0.0) if hardware is None or shared else hardware
        one_time.append(workload_one_time[j] + bought)
    own_idle = [] if shared else [_own_idle_gpus(index, evs[j]) for j in served]
    idle = [i for i in own_idle if i is not None]
    key = tuple(served)
    if key not in stacks:  # the same for every alternative serving the same workloads
        stacks[key] = (
            stack([evs[j].baseline.monthly_usd for j in served]),
            stack([evs[j].requests for j in served]),
        )
    baseline, requests = stacks[key]
    own_stack = stack(own_usd)
    share = baseline_share(p, index, served, evs, readers, baseline, own_stack)
    if share is not None:  # a workload moved alone: what the fleet sheds, what it adds
        shed, added = baseline_flows(share, np.eye(len(served)))
        baseline, own_stack = rows_add(share.other_baseline, shed), rows_add(share.own_usd, added)
    hardware = first.one_time_items_usd.get("hardware")
    shared_one_time = first.one_time_usd - (0.0 if hardware is None else hardware)
    fleet_inputs = _shared_fleet(p, index, evs, readers, own) if shared else None
    return AlternativePieces(
        served=served,
        baseline_usd=baseline,
        own_usd=own_stack,
        own_fleet_usd=as_float(np.broadcast_to(0.0, own_stack.shape))
        if shared
        else stack(own_fleet),
        requests=requests,
        one_time_usd=stack(one_time),
        shared_monthly_usd=sum_arrays([first.costs.components[k] for k in SHARED_COMPONENTS]),
        shared_one_time_usd=as_float(shared_one_time),
        fleet=fleet_inputs,
        discount_rate_annual=readers[served[0]]("scenario.discount_rate_annual"),
        own_idle_gpus=stack(idle) if idle and len(idle) == len(own_idle) else None,
        baseline=share,
    )


def _own_idle_gpus(index: int, ev: Evaluation) -> FloatArray | None:
    """GPUs a workload's own fleet of alternative ``index`` rents under a 1y/3y commitment
    beyond each month's need (the cost engine's GPUs less its ``needed_gpus``): reserved,
    idle until the term ends (None for an option with no fleet)."""
    costs = ev.alternatives[index].costs
    if costs.gpus is None or costs.needed_gpus is None:
        return None
    return as_float(costs.gpus - costs.needed_gpus)


def _shared_fleet(
    p: Portfolio,
    index: int,
    evs: list[Evaluation],
    readers: list[Reader],
    own: Mapping[str, FloatArray],
) -> SharedFleet:
    path = f"alternatives.{index}"
    served = p.served[index]
    first = readers[served[0]]
    option = first.scenario.alternatives[index]
    assert isinstance(option, SelfHostedOption)
    serving = p.scenario.alternatives[index].portfolio
    numbers = {}
    for name in PORTFOLIO_FIELDS:
        full = f"{path}.portfolio.{name}"
        default = getattr(serving, name) if serving is not None else _serving_default(name)
        numbers[name] = own.get(full, as_float(default))
    params, cash = fleet_params(first, path, option, p.scenario.scenario.horizon_months)
    names = p.names  # built once: a list of every workload's name
    loads = [
        (
            names[j],
            readers[j],
            evs[j].requests * (1.0 - per_sample(readers[j](f"{path}.escalation_share"))),
        )
        for j in served
    ]
    return one_size_fleet(
        path,
        loads,
        np.ones((1, len(served))),
        coincidence=numbers["coincidence_factor"],
        overhead=numbers["adapter_overhead"],
        decade_loss=numbers["adapter_decade_loss"],
        always_on=option.always_on,
        cash=cash,
        params=params,
    )


def _serving_default(name: str) -> float:
    """The default of a ``portfolio`` table's number."""
    from payback.scenario.workloads import Serving

    return float(getattr(Serving(), name))


def subset_flows(
    pieces: AlternativePieces, masks: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Baseline and alternative monthly costs (K, …, H), one-time costs (K, …) and requests
    (K, …, H) of moving each subset of the served workloads (``masks``: (K, W) of 0/1); an
    empty subset moves nothing and pays nothing."""
    m = as_float(masks)

    def weighted(a: FloatArray) -> FloatArray:  # Σ_w m_kw · a_w, a's sample axes kept
        return weighted_sum(m, a)

    any_moved = (np.sum(m, axis=1) > 0).astype(np.float64)

    def if_moved(a: ArrayLike) -> FloatArray:  # (K, …, H): a where the subset moves any
        a = as_float(a)
        return as_float(any_moved.reshape(any_moved.shape + (1,) * a.ndim) * a)

    own, base = pieces.own_usd, pieces.baseline_usd
    if pieces.baseline is not None:  # of the workloads on the baseline fleet shared today,
        own, base = pieces.baseline.own_usd, pieces.baseline.other_baseline  # as a set
    baseline = weighted(base)
    alternative = rows_add(weighted(own), if_moved(pieces.shared_monthly_usd))
    requests = weighted(pieces.requests)
    one_time = weighted(pieces.one_time_usd) + rows_of(any_moved, pieces.one_time_usd) * as_float(
        pieces.shared_one_time_usd
    )
    if pieces.fleet is not None:
        costs = shared_fleet_costs(pieces.fleet, m)
        fleet = as_float(sum_arrays(list(costs.components.values())))  # (K, …, H)
        alternative = rows_add(alternative, fleet * rows_of(any_moved, fleet))
        one_time = one_time + costs.at_start * rows_of(any_moved, costs.at_start)
    if pieces.baseline is not None:  # B(all) − B(the rest), the escalated share on the rest
        shed, added = baseline_flows(pieces.baseline, m)
        baseline, alternative = rows_add(baseline, shed), rows_add(alternative, added)
    return baseline, alternative, one_time, requests


@dataclass(frozen=True)
class PortfolioOutcome:
    """Moving every workload an alternative serves, as arrays (sample axes, month last)."""

    pieces: AlternativePieces
    baseline_usd: FloatArray
    alternative_usd: FloatArray
    requests: FloatArray
    one_time_usd: FloatArray
    cumulative_savings_usd: FloatArray
    break_even_month: FloatArray
    break_even_requests: FloatArray
    npv_usd: FloatArray
    gpus: FloatArray | None
    """GPUs of the shared fleet each month (None without one)."""
    pinned_gpus: FloatArray | None
    """Of those, the GPUs pinned to one workload's adapter (:func:`place_adapters`)."""
    idle_gpus: FloatArray | None
    """GPUs reserved under a 1y/3y commitment that the month does not need: the shared
    fleet's, else those of the workloads' own fleets, summed (None for other options)."""
    fleet_usd: FloatArray | None
    """The shared fleet's monthly cost (None without one)."""
    fleet_share: FloatArray | None
    """(W, …, H): each served workload's share of the shared fleet's GPU time."""
    servers: FloatArray | None = None
    """Owned servers of the shared fleet in use each month (None without an owned one)."""
    spare_gpus: FloatArray | None = None
    """Of the shared fleet's GPUs, those ``min_replicas`` keeps beyond what the month's
    traffic needs (:attr:`FleetCosts.spare_gpus`; None without a shared fleet)."""
    fleet_one_time_usd: FloatArray | float = 0.0
    """The servers the shared fleet buys in cash at t = 0, part of ``one_time_usd``: the
    fleet's, neither shared items nor a workload's (0 without a shared fleet) [USD]."""


@dataclass(frozen=True)
class PortfolioEvaluation:
    portfolio: Portfolio
    parts: list[Evaluation]
    alternatives: list[PortfolioOutcome]


def evaluate_portfolio(
    p: Portfolio, overrides: Mapping[str, ArrayLike] | None = None
) -> PortfolioEvaluation:
    """Every alternative's portfolio cash flows, break-even and NPV.

    ``overrides`` maps portfolio paths (``workloads.2.traffic.requests_per_month``,
    ``baseline.output_usd_per_mtok``, ``alternatives.0.usd_per_gpu_hour``,
    ``alternatives.0.portfolio.coincidence_factor``) to arrays of samples.
    """
    per_part, given, own = _split_overrides(p, overrides or {})
    evs = [
        evaluate(part, ov, follow=False) if ov else evaluate(part)
        for part, ov in zip(p.parts, per_part, strict=True)
    ]
    readers = [
        Reader(part, ov, raw) for part, ov, raw in zip(p.parts, per_part, given, strict=True)
    ]
    workload_one_time = [_workload_one_time(p, j, own) for j in range(len(p.parts))]
    unused = [
        path
        for path in own
        if path.startswith("alternatives.") and not p.shares_fleet(int(path.split(".")[1]))
    ]
    if unused:
        raise PaybackError(f"{unused[0]}: not read: that alternative has no shared fleet")
    outcomes = []
    stacks: dict[tuple[int, ...], tuple[FloatArray, FloatArray]] = {}
    with np.errstate(all="ignore"):  # as the engine's: an extreme sample gives inf or nan
        for i in range(len(p.scenario.alternatives)):
            pieces = _pieces(p, i, evs, readers, own, workload_one_time, stacks)
            outcomes.append(_outcome(i, pieces, evs, workload_one_time))
    return PortfolioEvaluation(p, evs, outcomes)


def _outcome(
    index: int,
    pieces: AlternativePieces,
    evs: list[Evaluation],
    own_one_time: list[FloatArray],
) -> PortfolioOutcome:
    served = pieces.served
    first = evs[served[0]].alternatives[index]
    baseline = sum_arrays([evs[j].baseline.monthly_usd for j in served])
    requests = sum_arrays([evs[j].requests for j in served])
    gpus = pinned_gpus = spare = fleet_usd = share = servers = bought = None
    idle = None if pieces.own_idle_gpus is None else np.sum(pieces.own_idle_gpus, axis=0)
    if pieces.fleet is None:
        # the engine's own sums when there is one workload: its answer exactly
        rest = [pieces.own_usd[k] for k in range(1, len(served))]
        alternative = sum_arrays([first.costs.monthly_usd, *rest])
        hardware = [
            evs[j].alternatives[index].one_time_items_usd.get("hardware") for j in served[1:]
        ]
        one_time = sum_arrays(
            [
                first.one_time_usd,
                *(own_one_time[j] for j in served),
                *(b for b in hardware if b is not None),
            ]
        )
    else:
        costs = shared_fleet_costs(pieces.fleet, np.ones((1, len(served))))
        fleet_usd = sum_arrays(list(costs.components.values()))[0]
        gpus, pinned_gpus, share = costs.gpus[0], costs.pinned_gpus[0], costs.share[0]
        idle, spare = costs.idle_gpus[0], costs.spare_gpus[0]
        servers = None if costs.servers is None else costs.servers[0]
        alternative = np.sum(pieces.own_usd, axis=0) + pieces.shared_monthly_usd + fleet_usd
        bought = costs.at_start[0]
        one_time = np.sum(pieces.one_time_usd, axis=0) + pieces.shared_one_time_usd + bought
    if pieces.baseline is not None:  # a baseline fleet shared today: every workload moved
        flows = subset_flows(pieces, np.ones((1, len(served))))
        baseline, alternative, one_time = flows[0][0], flows[1][0], flows[2][0]
    base, alt = np.broadcast_arrays(baseline, alternative)
    cum = model.cumulative_savings(base, alt, one_time)
    month = model.break_even_month(cum)
    return PortfolioOutcome(
        pieces=pieces,
        baseline_usd=base,
        alternative_usd=alt,
        requests=requests,
        one_time_usd=as_float(one_time),
        cumulative_savings_usd=cum,
        break_even_month=month,
        break_even_requests=model.break_even_requests(month, requests),
        npv_usd=model.net_present_value(base, alt, one_time, pieces.discount_rate_annual),
        gpus=gpus,
        pinned_gpus=pinned_gpus,
        idle_gpus=idle,
        spare_gpus=spare,
        fleet_usd=fleet_usd,
        fleet_share=share,
        servers=servers,
        fleet_one_time_usd=0.0 if bought is None else as_float(bought),
    )
