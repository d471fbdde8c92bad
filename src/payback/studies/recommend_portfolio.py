"""The fleets :func:`payback.studies.recommend.recommend` sizes when the scenario is a
portfolio (``[[workloads]]``), as ``analyze`` sizes them.

- One workload served: its traffic, by the one-scenario engine (``analyze`` prices a
  one-workload portfolio so).
- Several on separate fleets (``portfolio.fleet = "separate"``): a fleet per workload, each
  sized for its own traffic at its own token lengths; the costs add up.
- Several on one shared fleet: each configuration's capacity at each workload's own token
  lengths, and the fleet the portfolio engine sizes for all of them together
  (:func:`payback.analysis.portfolio.evaluate_portfolio`, every configuration at once as
  its samples: the adapters' placement, coincidence and overhead as ``analyze`` applies
  them).

A configuration qualifies when it fits and meets the latency targets at every workload's
lengths; its time per token and to the first token are the worst workload's, its batch and
requests per second those of the workload with the most requests.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from payback.catalog import Catalog
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.scenario import Scenario, SelfHostedOption
from payback.scenario.workloads import served_workloads
from payback.studies.configurations import Candidate, LeftOut, Load, Rows, evaluate_rows

__all__ = ["evaluate", "own_terms", "served_scenario"]

_Key = tuple[str, str, str, int]
_ANY = 10**18
"""No limit on one workload's replicas: the limit applies to the fleet."""


def _served(scenario: Scenario, index: int) -> list[int]:
    return served_workloads(scenario, index) if scenario.workloads else []


def served_scenario(scenario: Scenario, index: int) -> Scenario:
    """``scenario`` with the traffic alternative ``index`` serves: its own ``[traffic]``
    without workloads; with them, the one workload it serves, or of several the one with
    the longest requests (whose context the models must hold); :func:`evaluate` sizes
    their fleet for all of them."""
    served = _served(scenario, index)
    if not served:
        return scenario
    workloads = scenario.workloads or []
    for j in served:
        for name in ("input_tokens", "output_tokens"):
            if getattr(workloads[j].traffic, name) is None:
                raise PaybackError(
                    f"workloads.{j}.traffic.{name}: required by recommend (capacity is "
                    "estimated from each workload's token lengths)"
                )
        if (workloads[j].traffic.output_tokens or 0) < 1:
            raise PaybackError(
                f"workloads.{j}.traffic.output_tokens: recommend needs at least 1 output token"
            )
    longest = max(
        served,
        key=lambda j: (
            (workloads[j].traffic.input_tokens or 0) + (workloads[j].traffic.output_tokens or 0)
        ),
    )
    return scenario.model_copy(update={"traffic": workloads[longest].traffic})


def own_terms(scenario: Scenario, option: SelfHostedOption, j: int) -> SelfHostedOption:
    """``option`` as workload ``j`` sees it: with the terms the workload gives it
    (``[workloads.alternatives."name"]``: its own ``escalation_share``, quality, latency),
    as ``analyze`` reads them; not its ``replica_requests_per_s``, measured for the GPU the
    search replaces (each configuration's capacity is estimated)."""
    terms = (scenario.workloads or [])[j].alternatives.get(option.name)
    if terms is None:
        return option
    given = terms.model_dump(include=terms.model_fields_set - {"replica_requests_per_s"})
    return option.model_copy(update={k: getattr(terms, k) for k in given})


def evaluate(
    scenario: Scenario,
    index: int,
    option: SelfHostedOption,
    rows: Rows,
    load: Load,
    max_replicas: int,
    engine: sv.ServingEngine,
    left_out: LeftOut,
    catalog: Catalog,
) -> tuple[list[Candidate], list[str], Load]:
    """Every configuration's fleet and cost for the traffic alternative ``index`` serves
    (see the module's words), those missing the latency targets, and the token lengths
    its batch and capacity are given at (``load``, or the busiest workload's). ``catalog``
    is the search's (its GPUs' memory checks the adapters; the shared fleet is set up
    with it), as ``rows`` were gathered from."""
    served = _served(scenario, index)
    if len(served) < 2:
        one = served_scenario(scenario, index)
        own_option = own_terms(scenario, option, served[0]) if served else option
        return *evaluate_rows(one, own_option, rows, load, max_replicas, engine, left_out), load
    workloads = scenario.workloads or []
    per: list[dict[_Key, Candidate]] = []
    loads: list[Load] = []
    noted: set[str] = set()
    for j in served:
        traffic = workloads[j].traffic
        assert traffic.input_tokens is not None
        assert traffic.output_tokens is not None
        own = Load.of(traffic.input_tokens, traffic.output_tokens, traffic.cached_input_share)
        loads.append(own)
        scratch = _Noted()
        part = scenario.model_copy(update={"traffic": traffic})
        terms = own_terms(scenario, option, j)
        found, _ = evaluate_rows(part, terms, rows, own, _ANY, engine, scratch)
        per.append({_key(c): c for c in found})
        for label, reason in scratch.why.items():  # once each, at the first workload's
            if label not in noted:
                noted.add(label)
                left_out.note(reason, f"{label} at workloads.{j}'s lengths", evaluated=True)
    busiest = int(np.argmax([workloads[j].traffic.requests_per_month for j in served]))
    keys = [k for k in rows.keys if all(k in found for found in per)]
    if not keys:
        return [], [], loads[busiest]
    names = [workloads[j].name for j in served]
    shared = option.portfolio is None or option.portfolio.fleet == "shared"
    if shared:
        keys = _adapters_fit(scenario, index, keys, left_out, catalog)
        if not keys:
            return [], [], loads[busiest]
    fleets = (
        _shared(scenario, index, option, per, keys, catalog) if shared else _separate(per, keys)
    )
    out: list[Candidate] = []
    missing: list[str] = []
    for i, key in enumerate(keys):
        each = [found[key] for found in per]
        cost, first, most = fleets.cost[i], fleets.replicas[i], fleets.replicas_max[i]
        label = each[0].label()
        if most > max_replicas:
            left_out.note(
                f"needs more than {max_replicas:,} replica{'s' if max_replicas != 1 else ''}",
                f"{label}: {most:,} replicas",
                evaluated=True,
            )
            continue
        misses = [f"{n}: {c.misses}" for n, c in zip(names, each, strict=True) if c.misses]
        if misses:
            missing.append(f"{label}: {'; '.join(misses)}")
        out.append(
            replace(
                each[busiest],
                replicas=first,
                replicas_max=most,
                tpot_ms=max(c.tpot_ms for c in each),
                ttft_ms=max(c.ttft_ms for c in each),
                monthly_cost_usd=cost,
                meets_targets=not misses,
                misses="; ".join(misses) or None,
                bought_at_start_usd=fleets.at_start[i] if fleets.at_start else None,
                replicas_paid=fleets.paid[i][0] if fleets.paid else None,
                replicas_paid_max=fleets.paid[i][1] if fleets.paid else None,
            )
        )
    return out, missing, loads[busiest]


def _adapters_fit(
    scenario: Scenario, index: int, keys: list[_Key], left_out: LeftOut, catalog: Catalog
) -> list[_Key]:
    """The configurations whose replica holds an adapter for each workload served beside
    the weights and the longest request's KV cache, as ``analyze`` checks a shared fleet
    (:func:`payback.analysis.portfolio_setup.adapters_room`), on ``catalog``'s GPUs and
    models (the search's); the others noted."""
    from payback.analysis.portfolio_setup import adapter_rank, adapters_room, longest_request
    from payback.hardware.serving import WEIGHT_BYTES

    n = len(served_workloads(scenario, index))
    rank = adapter_rank(scenario, index)
    longest = longest_request(scenario)
    room = np.empty(len(keys))
    for model in dict.fromkeys(k[0] for k in keys):
        shape = catalog.model(model, scenario.base_dir)
        at = np.array([i for i, k in enumerate(keys) if k[0] == model])
        memory = np.array([catalog.gpu(keys[i][1]).memory_bytes for i in at])
        tp = np.array([keys[i][3] for i in at], dtype=np.float64)
        weights = shape.params_b * 1e9 * np.array([WEIGHT_BYTES[keys[i][2]] for i in at])
        room[at], _ = adapters_room(shape, rank, memory, tp, weights, longest)
    for key, fits in zip(keys, room, strict=True):
        if fits < n:
            left_out.note(
                f"too little memory for the {n} workloads' rank-{rank} adapters",
                f"{key[0]} {key[2]} on {key[3]} × {key[1]}: room for {int(fits)}",
                evaluated=True,
            )
    return [k for k, fits in zip(keys, room, strict=True) if fits >= n]


def _key(c: Candidate) -> _Key:
    return (c.model, c.gpu, c.precision, c.gpus_per_replica)


@dataclass
class _Noted(LeftOut):
    """A :class:`LeftOut` that keeps each configuration's reason, by its label."""

    why: dict[str, str] = field(default_factory=dict)

    def note(self, reason: str, example: str, count: int = 1, evaluated: bool = False) -> None:
        super().note(reason, example, count, evaluated)
        self.why[example.split(":")[0]] = reason


@dataclass(frozen=True)
class _Fleets:
    cost: list[float]
    replicas: list[int]
    replicas_max: list[int]
    at_start: list[float] | None
    paid: list[tuple[float, float]] | None = None
    """Scaled to zero: the replicas paid on average in month 1 and in the month paying
    the most (:attr:`Candidate.replicas_paid`)."""


def _separate(per: list[dict[_Key, Candidate]], keys: list[_Key]) -> _Fleets:
    """A fleet per workload: each its own, as analyze sizes it; their costs add up, and
    scaled to zero so do the replicas they pay for (the most a month of each: an upper
    bound of the most in one month, equal where they grow alike)."""
    cash = [all(found[k].bought_at_start_usd is not None for found in per) for k in keys]
    scaled = all(found[k].replicas_paid is not None for found in per for k in keys)
    return _Fleets(
        paid=[
            (
                sum(found[k].replicas_paid or 0.0 for found in per),
                sum(found[k].replicas_paid_max or 0.0 for found in per),
            )
            for k in keys
        ]
        if scaled
        else None,
        cost=[sum(found[k].monthly_cost_usd for found in per) for k in keys],
        replicas=[sum(found[k].replicas for found in per) for k in keys],
        replicas_max=[sum(found[k].replicas_max for found in per) for k in keys],
        at_start=[sum(found[k].bought_at_start_usd or 0.0 for found in per) for k in keys]
        if all(cash)
        else None,
    )


def _shared(
    scenario: Scenario,
    index: int,
    option: SelfHostedOption,
    per: list[dict[_Key, Candidate]],
    keys: list[_Key],
    catalog: Catalog,
) -> _Fleets:
    """One fleet for every workload, sized and priced by the portfolio engine (set up with
    the search's ``catalog``) with each configuration as one of its samples."""
    from payback.analysis.portfolio import evaluate_portfolio, shared_fleet_costs

    served = served_workloads(scenario, index)
    p = _set_up(scenario, index, option, per, keys, catalog)
    overrides: dict[str, Any] = {
        f"workloads.{j}.alternatives.0.replica_requests_per_s": np.array(
            [found[k].replica_requests_per_s for k in keys]
        )
        for j, found in zip(served, per, strict=True)
    }
    overrides["alternatives.0.gpus_per_replica"] = np.array([float(k[3]) for k in keys])
    if option.owned is None:
        overrides["alternatives.0.usd_per_gpu_hour"] = np.array(
            [per[0][k].usd_per_gpu_hour for k in keys], dtype=np.float64
        )
    outcome = evaluate_portfolio(p, overrides).alternatives[0]
    assert outcome.pieces.fleet is not None
    costs = shared_fleet_costs(outcome.pieces.fleet, np.ones((1, len(served))))
    monthly = np.sum(list(costs.components.values()), axis=0)[0]
    at_start = np.broadcast_to(costs.at_start[0], (len(keys),))
    horizon = monthly.shape[-1]
    replicas = np.ceil(costs.gpus[0] / np.array([k[3] for k in keys])[:, np.newaxis] - 1e-9)
    cash = option.owned is not None and option.owned.financing == "cash"
    cost = list((np.sum(monthly, axis=-1) + at_start) / horizon)
    if not option.always_on:  # scaled to zero: each workload's deployment at its busiest
        # hour, as the engine places them (its GPUs are GPU-hours run (paid) / 730) and as the
        # one-workload search counts a fleet scaled to zero
        at = [float(a) for a in at_start] if cash else None
        paid = costs.gpus[0] / np.array([k[3] for k in keys], dtype=np.float64)[:, np.newaxis]
        pairs = [(float(row[0]), float(row.max())) for row in paid]
        return replace(_separate(per, keys), cost=cost, at_start=at, paid=pairs)
    return _Fleets(
        cost=cost,
        replicas=[int(r) for r in replicas[:, 0]],
        replicas_max=[int(r) if math.isfinite(r) else _ANY for r in replicas.max(axis=1)],
        at_start=[float(a) for a in at_start] if cash else None,
    )


def _set_up(
    scenario: Scenario,
    index: int,
    option: SelfHostedOption,
    per: list[dict[_Key, Candidate]],
    keys: list[_Key],
    catalog: Catalog,
) -> Any:
    """The portfolio engine set up for the alternative alone (its index 0 there: the
    others need not be priced) with one configuration in it, each configuration's
    capacity, size and rent then given as its samples. Set up with the first configuration
    that meets the latency targets at every workload's lengths (the setup refuses one that
    misses them), else the first; where the setup refuses those too, without the targets,
    which the search has judged (each configuration's capacity was estimated under them):
    so that a configuration that misses them ranks after the others, as on one workload,
    and not refuses the search."""
    from payback.analysis.portfolio import prepare

    meets = [k for k in keys if all(found[k].meets_targets for found in per)]
    tries = [(k, True) for k in dict.fromkeys(meets[:1] + keys[:1])] + [(keys[0], False)]
    refused: PaybackError | None = None
    for key, targets in tries:
        try:
            return prepare(_applied(scenario, index, option, per[0][key], targets), catalog)
        except PaybackError as exc:
            refused = refused or exc
    assert refused is not None
    raise PaybackError(
        f"alternatives.{index}: recommend could not set up the shared fleet with "
        f"{per[0][tries[0][0]].label()}: "
        + re.sub(r"\balternatives\.0\b", f"alternatives.{index}", refused.messages[0])
    ) from None


_TARGETS = ("tpot_ms", "ttft_ms")


def _applied(
    scenario: Scenario,
    index: int,
    option: SelfHostedOption,
    c: Candidate,
    targets: bool = True,
) -> Scenario:
    """``scenario`` with alternative ``index`` alone (its ``alternatives.0``), ``c`` in it
    and no capacity given (by the alternative or a workload), as ``recommend --apply``
    writes it: the portfolio engine estimates each workload's, replaced by the search's
    for each configuration. The other alternatives are left out, with the workloads' terms
    for them: their fleets are not this one's, and one that analyze could not price yet (a
    self-hosted one without a ``gpu``) refused the search. Tried as a new user would.
    Without ``targets``, no ``tpot_ms`` or ``ttft_ms`` either (:func:`_set_up`)."""
    data = scenario.model_dump(exclude_unset=True)
    data["baseline"] = data["baseline"] | {"kind": scenario.baseline.kind}
    alt = option.model_dump(exclude_unset=True) | {"kind": option.kind}
    data["alternatives"] = [alt]
    alt.update(model=c.model, gpu=c.gpu, precision=c.precision, gpus_per_replica=c.gpus_per_replica)
    dropped = ("replica_requests_per_s",) + (() if targets else _TARGETS)
    for name in (*dropped, "calibration"):
        alt.pop(name, None)
    for workload, given in zip(data.get("workloads") or [], scenario.workloads or [], strict=True):
        own = workload.get("alternatives") or {}
        terms = own.get(option.name)
        workload["alternatives"] = {} if terms is None else {option.name: terms}
        for name in dropped:
            if terms is not None:
                terms.pop(name, None)
        if given.baseline is not None:
            workload["baseline"] = workload["baseline"] | {"kind": given.baseline.kind}
    out = Scenario.model_validate(data)
    out.base_dir = scenario.base_dir
    return out
