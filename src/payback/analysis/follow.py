"""Capacities that follow what a study moves, as analyze would move them.

A self-hosted option without ``replica_requests_per_s`` has its capacity (and, without
``gpus_per_replica``, its replica's GPUs: among the sizes the model splits over, those
meeting ``ttft_ms`` first, then the cheapest fleet) estimated when the scenario is
resolved, at the file's values (:mod:`payback.analysis.resolve_self_hosted`).
:func:`following` adds to the engine's overrides the capacity and GPUs analyze of the file
would give at each sample's values:

- a token length (:data:`~payback.scenario.followed.CAPACITY_READS`) estimates each size
  again at it;
- an input that prices the fleet (the traffic, the option's own numbers) chooses the size
  again, by the same rule analyze chooses by (one engine call a size: :func:`_chosen`),
  each size's first token where the fleet runs read at the sample's lengths and, where
  the option gives ``ttft_ms``, its ``target_utilization``;
- the capacity itself, moved alone (a tornado's ±25% on an estimate), scales the estimate
  of every size at the sample's lengths by its ratio to the file's.

Token lengths at few distinct values (a tornado's ends, a solve's values, at most
:data:`EXACT_VALUES` a call) are each resolved: a study's figure there is analyze's. At
many (Monte Carlo, Sobol) the scenario is resolved at the nodes of a lattice anchored at
the file's values (a length in geometric steps of :data:`LOG_STEPS`, a share in steps of
:data:`SHARE_STEPS`) and each sample reads between the nodes around it: the seconds a
request takes on a replica of each size and its latencies where the fleet runs,
multilinear in the lattice coordinates (logarithmic for a length). The lattice is the same
whatever samples a chunk holds, so chunking changes no sample; nodes resolved once are kept
(:data:`_KEPT` scenarios' worth).

A node the resolver refuses (a length past the model's context) is not read: samples next
to it are resolved at their own values; a value the resolver refuses itself is refused
with the resolver's reason. A capacity given (``replica_requests_per_s``) or sampled stays
as it is, and so does a replica the caller sizes (capacity and GPUs both overridden).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.analysis.memo import Memo
from payback.errors import PaybackError
from payback.finance._types import FloatArray
from payback.scenario.followed import CAPACITY_ONLY, CAPACITY_READS, TRAFFIC_READS

if TYPE_CHECKING:
    from payback.analysis.resolve import Resolved

__all__ = [
    "CAPACITY_READS",
    "EXACT_VALUES",
    "estimate_inputs",
    "followers",
    "following",
    "ranks_before",
    "replica_serving",
]

_TRAFFIC = frozenset(TRAFFIC_READS)

_SHARES = frozenset({"cached_input_share"})
_WHOLE = frozenset({"gpus_per_replica"})

EXACT_VALUES = 64
"""At most this many distinct values in one call are each resolved on their own."""

LOG_STEPS = {1: 1.02, 2: 1.1}
"""A lattice node's ratio to the next for a length, by how many inputs vary together
(1.2 for three or more): 2% steps keep a sample of one length within about 0.2% of its
own resolution, 10% steps of two within about 0.7% (benchmarks/bench_follow.py)."""

SHARE_STEPS = {1: 0.02, 2: 0.1}
"""The lattice's step for a share (0.2 for three or more inputs)."""

_KEPT = 8
_nodes: Memo[Any] = Memo(_KEPT)
"""Resolved nodes by the scenario they belong to (its id, the scenario kept alive)."""


def followers(resolved: Resolved) -> dict[str, tuple[str, ...]]:
    """Each self-hosted option whose capacity is estimated, with the paths of the inputs
    that estimate reads (:data:`~payback.scenario.followed.CAPACITY_READS`)."""
    from payback.scenario.schema import SelfHostedOption

    out: dict[str, tuple[str, ...]] = {}
    for path, option in resolved.original.options():
        if not isinstance(option, SelfHostedOption) or option.replica_requests_per_s is not None:
            continue
        if f"{path}.replica_requests_per_s" in resolved.original.distributions:
            continue
        out[path] = tuple(
            f"traffic.{name}" if name in _TRAFFIC else f"{path}.{name}"
            for name in CAPACITY_READS
            if name not in CAPACITY_ONLY or getattr(option, name) is not None
        )
    return out


def estimate_inputs(resolved: Resolved) -> dict[str, tuple[str, ...]]:
    """Each estimated figure that follows what a study moves, with the numbers its
    estimate reads that a study may move: a followed capacity's token lengths and
    ``tpot_ms`` (:func:`followers`), a training cost's job size
    (:func:`~payback.analysis.follow_training.trainees`), a hosted API's catalog prices
    tiered by the input tokens (:func:`~payback.analysis.follow_tiers.tiered`). The engine
    reads some of them itself (a token length a hosted API prices), others not at all."""
    from payback.analysis.follow_tiers import tiered
    from payback.analysis.follow_training import trainees

    out = {
        f"{p}.replica_requests_per_s": tuple(
            r for r in reads if not r.endswith(".gpus_per_replica")
        )
        for p, reads in followers(resolved).items()
    }
    out.update((f"{where}.training_usd", reads) for where, reads in trainees(resolved).items())
    out.update(
        (f"{where}.{name}", ("traffic.input_tokens",))
        for where, names in tiered(resolved).items()
        for name in names
    )
    return out


def following(resolved: Resolved, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``overrides`` with a training cost estimated from a job and a hosted API's tiered
    catalog prices where they move them (:mod:`~payback.analysis.follow_training`,
    :mod:`~payback.analysis.follow_tiers`), and the capacity and replica GPUs of each option of
    :func:`followers` where they move it: an input its estimate reads (estimated again at
    each sample's values); where analyze chose the replica among several sizes, anything
    (chosen again at each sample: :func:`_chosen`); its capacity itself (a swing of the
    estimate: the estimate at each sample's values, of each size, times the sample's
    ratio to the file's estimate)."""
    from payback.analysis.follow_tiers import following_tiers
    from payback.analysis.follow_training import following_training

    out = following_tiers(resolved, following_training(resolved, overrides))
    reads = _sized_by_analyze(resolved, overrides)
    if not reads:
        return out
    sizes, shape = _sizes_at(resolved, overrides, reads)
    moving = [
        p
        for p in reads
        if (len(sizes[p]) > 1 and any(_prices_fleet(path, p) for path in overrides))
        or any(r in overrides for r in reads[p])
        or f"{p}.replica_requests_per_s" in overrides
    ]
    if not moving:
        return out
    capacity, gpus = _chosen(resolved, out, shape, {p: sizes[p] for p in moving})
    for p in moving:
        out[f"{p}.replica_requests_per_s"] = capacity[p].reshape(shape)
        if f"{p}.gpus_per_replica" not in overrides:
            out[f"{p}.gpus_per_replica"] = gpus[p].reshape(shape)
    return out


def _sized_by_analyze(
    resolved: Resolved, overrides: Mapping[str, Any]
) -> dict[str, tuple[str, ...]]:
    """:func:`followers` but those whose replica the caller sizes (capacity and GPUs both
    overridden: recommend's configurations), each option whose size analyze chooses by
    ``ttft_ms`` reading its ``target_utilization`` too: the first token is at it."""
    return {
        p: r + _first_token_reads(resolved, p)
        for p, r in followers(resolved).items()
        if not {f"{p}.replica_requests_per_s", f"{p}.gpus_per_replica"} <= set(overrides)
    }


def _first_token_reads(resolved: Resolved, path: str) -> tuple[str, ...]:
    """``target_utilization`` where the option at ``path`` gives ``ttft_ms`` and no
    ``gpus_per_replica``: the first token analyze chooses its size by is at it."""
    from payback.scenario import value_at

    chooses = value_at(resolved.original, f"{path}.gpus_per_replica") is None
    if chooses and value_at(resolved.original, f"{path}.ttft_ms") is not None:
        return (f"{path}.target_utilization",)
    return ()


def _sizes_at(
    resolved: Resolved, overrides: Mapping[str, Any], reads: dict[str, tuple[str, ...]]
) -> tuple[Sizes, tuple[int, ...]]:
    """Each option of ``reads``' sizes with their capacity at each sample (flat), and the
    samples' shape: estimated again where an input its estimate reads moves, scaled by a
    capacity's own swing."""
    columns = sorted({r for p in reads for r in reads[p] if r in overrides})
    shape = np.broadcast_shapes(*(np.shape(v) for v in overrides.values()))
    n = math.prod(shape)
    nodes = _Nodes(resolved, columns)
    if columns:
        table = np.stack([_flat(overrides[p], shape) for p in columns], axis=1)
        sizes = nodes.at(table, list(reads))
    else:  # at the file's values: the sizes analyze compared (resolved again where a
        # copy of the resolution, a study's alternative alone, kept no details of them)
        here = {
            p: _sizes(resolved, p) if p in resolved.details else nodes.exact((), [p])[p]
            for p in reads
        }
        sizes = {p: {g: np.tile(each, (n, 1)) for g, each in here[p].items()} for p in reads}
    for p in reads:
        given = overrides.get(f"{p}.replica_requests_per_s")
        if given is not None:  # the estimate moved by the sample's ratio to the file's
            ratio = _flat(given, shape) / _written(resolved, f"{p}.replica_requests_per_s")
            for each in sizes[p].values():
                each[:, 0] *= ratio
    return sizes, shape


def _prices_fleet(path: str, option: str) -> bool:
    """Whether ``path`` can change what the fleet of ``option`` costs (its traffic, its
    own numbers): where none moves, the size analyze chose stays the cheapest."""
    return path.startswith(("traffic.", f"{option}.", "scenario."))


def _flat(values: Any, shape: tuple[int, ...]) -> FloatArray:
    """``values`` broadcast to ``shape``, flat."""
    return np.broadcast_to(np.asarray(values, dtype=np.float64), shape).ravel()


Sizes = dict[str, dict[float, FloatArray]]
"""Each option's replica sizes (GPUs) with, at each sample (a row), their capacity, their
mean first token and time per output token where the fleet runs [ms] (three columns;
``nan`` where a size does not serve the sample's lengths)."""

Node = dict[str, dict[float, tuple[float, float, float]]]
"""Each option's replica sizes with their capacity and latencies (:data:`Sizes`' columns),
at one point."""

_NO_SIZE = (math.nan, math.nan, math.nan)


def _chosen(
    resolved: Resolved, overrides: dict[str, Any], shape: tuple[int, ...], sizes: Sizes
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Each option's capacity and replica GPUs at each sample: of several sizes, the one
    analyze prefers (:func:`~payback.analysis.resolve_fleet.fleet_rank`): those meeting
    ``ttft_ms`` where the fleet runs first, then the one whose fleet costs least over the
    horizon (GPUs, owned hardware and facility a month, and servers bought at the start:
    what analyze chooses by, :func:`~payback.analysis.resolve_fleet.fleet_cost`), a tie
    broken as ``payback recommend`` ranks; one engine call a size."""
    from payback.analysis.cashflows import evaluate
    from payback.analysis.resolve_self_hosted import first_token_meets
    from payback.scenario import value_at

    order = {p: sorted(sizes[p]) for p in sizes}
    capacity = {p: sizes[p][order[p][0]][:, 0] for p in sizes}
    gpus = {p: np.full(capacity[p].shape, order[p][0]) for p in sizes}
    several = [p for p in sizes if len(order[p]) > 1]
    best: dict[str, tuple[FloatArray, ...]] = {}
    for j in range(max((len(order[p]) for p in several), default=0)):
        engine = dict(overrides)
        for p in sizes:
            g = order[p][min(j, len(order[p]) - 1)]
            rps = sizes[p][g][:, 0]
            engine[f"{p}.replica_requests_per_s"] = np.where(np.isfinite(rps), rps, 1.0).reshape(
                shape
            )
            engine[f"{p}.gpus_per_replica"] = np.full(shape, g)
        ev = evaluate(resolved, engine, follow=False)
        for p in several:
            if j >= len(order[p]):
                continue
            g = order[p][j]
            rps, ttft = sizes[p][g][:, 0], sizes[p][g][:, 1]
            option = value_at(resolved.scenario, p)
            key = _rank(ev, p, option, g, sizes[p][g], first_token_meets(ttft, option.ttft_ms))
            better = ranks_before(key, best[p]) if p in best else np.isfinite(rps)
            best[p] = (
                key
                if p not in best
                else tuple(np.where(better, k, b) for k, b in zip(key, best[p], strict=True))
            )
            capacity[p] = np.where(better, rps, capacity[p])
            gpus[p] = np.where(better, g, gpus[p])
    return capacity, gpus


def _rank(
    ev: Any, path: str, option: Any, g: float, each: FloatArray, meets: Any
) -> tuple[FloatArray, ...]:
    """:func:`~payback.analysis.resolve_fleet.fleet_rank` of the size of ``g`` GPUs (its
    capacity, first token and time per output token the columns of ``each``) at each
    sample of an evaluation; a size that does not serve the sample last."""
    from payback.analysis.resolve_fleet import fleet_rank, spare_capacity

    rps, ttft, tpot = each.T
    costs = _costs(ev, path)
    with np.errstate(all="ignore"):
        replicas = np.asarray(costs.gpus, dtype=np.float64)[..., 0].ravel() / g
    spare = spare_capacity(option.always_on, replicas, rps)
    served = np.isfinite(rps)
    cost = np.where(served, _fleet_cost(ev, path).ravel(), math.inf)
    return tuple(
        np.asarray(k, dtype=np.float64)
        for k in fleet_rank(meets & served, cost, np.where(served, spare, 0.0), ttft, tpot)
    )


def ranks_before(key: tuple[FloatArray, ...], other: tuple[FloatArray, ...]) -> FloatArray:
    """Where ``key`` comes strictly before ``other``, element by element, compared as
    tuples (the first that differs decides; ``nan`` never decides)."""
    before = np.zeros(np.shape(key[0]), dtype=bool)
    tied = np.ones(np.shape(key[0]), dtype=bool)
    for k, o in zip(key, other, strict=True):
        with np.errstate(invalid="ignore"):
            before |= tied & (k < o)
            tied &= (k == o) | (np.isnan(k) & np.isnan(o))
    return before


def _costs(ev: Any, path: str) -> Any:
    """An option's costs in an evaluation."""
    return ev.baseline if path == "baseline" else ev.alternatives[int(path.split(".")[1])].costs


def _fleet_cost(ev: Any, path: str) -> FloatArray:
    """An option's fleet cost over the horizon in an evaluation: its GPUs (owned hardware
    and facility) each month, and the servers it buys at the start."""
    costs = _costs(ev, path)
    at_start = 0.0 if costs.hardware_at_start_usd is None else costs.hardware_at_start_usd
    return np.asarray(np.sum(costs.usage_usd, axis=-1) + at_start, dtype=np.float64)


class _Nodes:
    """The scenario resolved at points of ``columns``' values, kept across calls."""

    def __init__(self, resolved: Resolved, columns: list[str]) -> None:
        self.resolved = resolved
        self.columns = columns
        self.cache = _nodes.of(resolved)
        self.files = {p: _written(resolved, p) for p in columns}

    def resolve(self, point: tuple[float, ...]) -> Node | str:
        """Each follower's replica sizes with their capacity, with ``columns`` at
        ``point`` (the scenario resolved again), or the refusal's reason."""
        from payback.analysis.resolve import resolve
        from payback.scenario.paths import with_value

        key = (tuple(self.columns), point)
        if key not in self.cache:
            scenario = self.resolved.original
            for path, value in zip(self.columns, point, strict=True):
                scenario = with_value(scenario, path, value)
            try:
                again = resolve(scenario, self.resolved.catalog, self.resolved.today)
            except PaybackError as exc:  # its reason, without the file's name
                self.cache[key] = reason_of(exc)
            else:
                self.cache[key] = {p: _sizes(again, p) for p in followers(self.resolved)}
        found: Node | str = self.cache[key]
        return found

    def exact(self, point: tuple[float, ...], paths: list[str]) -> Node:
        """Each option's sizes at ``point``; a refusal raised, naming it."""
        got = self.resolve(point)
        if isinstance(got, str):
            pairs = list(zip(self.columns, point, strict=True))
            moved = [(p, v) for p, v in pairs if v != self.files[p]] or pairs  # the file's: unsaid
            values = ", ".join(f"{p} = {v:,.6g}" for p, v in moved)
            one = len(paths) == 1
            raise refused_there(
                values,
                got,
                f"the {'capacity' if one else 'capacities'} of {' and '.join(paths)} "
                f"{'is' if one else 'are'} estimated again at",
                "replica_requests_per_s",
            )
        return {p: got[p] for p in paths}

    def at(self, table: FloatArray, paths: list[str]) -> Sizes:
        """Each option's sizes at each row of ``table``."""
        rows, inverse = np.unique(table, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        if len(rows) > EXACT_VALUES:
            return self.lattice(table, paths)
        found = [self.exact(tuple(map(float, row)), paths) for row in rows]
        return {
            p: {
                g: np.array([f[p].get(g, _NO_SIZE) for f in found])[inverse]
                for g in sorted({g for f in found for g in f[p]})
            }
            for p in paths
        }

    def lattice(self, table: FloatArray, paths: list[str]) -> Sizes:
        """:meth:`at` between the lattice's nodes (the module's docstring): the seconds a
        request takes on a replica of each size, and its latencies, multilinear between
        them."""
        n, k = table.shape
        below, above, weight = zip(
            *(self._axis(table[:, j], self.columns[j], k) for j in range(k)), strict=True
        )
        seconds: dict[str, dict[float, FloatArray]] = {p: {} for p in paths}
        refused = np.zeros(n, dtype=bool)
        for corner in product((0, 1), repeat=k):
            ends = [above[j] if c else below[j] for j, c in enumerate(corner)]
            w = np.prod([weight[j] if c else 1.0 - weight[j] for j, c in enumerate(corner)], axis=0)
            points, where = np.unique(np.stack(ends, axis=1), axis=0, return_inverse=True)
            where = where.ravel()
            got = [self.resolve(tuple(map(float, point))) for point in points]
            refused |= np.array([isinstance(g, str) for g in got])[where] & (w > 0)
            for p in paths:
                each = [{} if isinstance(g, str) else g[p] for g in got]
                for g in {g for e in each for g in e}:
                    at_node = np.array([e.get(g, _NO_SIZE) for e in each])[where]
                    with np.errstate(all="ignore"):
                        at_node[:, 0] = 1.0 / at_node[:, 0]
                        part = np.where(w[:, np.newaxis] > 0, w[:, np.newaxis] * at_node, 0.0)
                    seconds[p][g] = seconds[p].get(g, np.zeros((n, 3))) + part
        with np.errstate(all="ignore"):  # a sample of no estimate (nan) reads as nan
            for p in paths:
                for summed in seconds[p].values():
                    summed[:, 0] = 1.0 / summed[:, 0]
        sizes = {p: {g: seconds[p][g] for g in sorted(seconds[p])} for p in paths}
        for i in np.flatnonzero(refused):  # next to a refused node: resolved at its own values
            own = self.exact(tuple(map(float, table[i])), paths)
            for p in paths:
                for g in sizes[p]:
                    sizes[p][g][i] = own[p].get(g, _NO_SIZE)
        return sizes

    def _axis(self, xs: FloatArray, path: str, k: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The lattice's nodes below and above each value of ``xs`` along ``path``, and
        the weight of the node above."""
        if path.rsplit(".", 1)[-1] in _WHOLE:
            return xs, xs, np.zeros_like(xs)
        file = self.files[path]
        if path.rsplit(".", 1)[-1] in _SHARES or file <= 0 or np.any(xs <= 0):
            step = SHARE_STEPS.get(k, 0.2) * (
                1.0 if path.endswith("share") else max(abs(file), 1.0)
            )
            t = (xs - file) / step
            lo = np.floor(t)
            low, high = file + lo * step, file + (lo + 1) * step
            if path.endswith("share"):
                low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
            span = high - low
            with np.errstate(all="ignore"):
                w = np.where(span > 0, (xs - low) / span, 0.0)
            return low, high, w
        ratio = math.log(LOG_STEPS.get(k, 1.2))
        t = np.log(xs / file) / ratio
        lo = np.floor(t)
        return file * np.exp(lo * ratio), file * np.exp((lo + 1) * ratio), t - lo


def _written(resolved: Resolved, path: str) -> float:
    """The file's value at ``path`` as resolved (the lattice's anchor)."""
    from payback.scenario import value_at

    value = value_at(resolved.scenario, path)
    return float(value) if value is not None else 1.0


def _sizes(resolved: Resolved, path: str) -> dict[float, tuple[float, float, float]]:
    """The replica sizes (GPUs) the option at ``path`` was chosen among, with their
    capacity and latencies where the fleet runs (:data:`Sizes`' columns); its own alone
    where it was not chosen (its latencies unread: nothing to choose between)."""
    from payback.scenario import value_at

    details = resolved.details.get(path, {})
    compared = details.get("replicas")
    if compared:
        latency = details.get("replica_latency", {})
        return {float(g): (float(rps), *_latency(latency.get(g))) for g, rps in compared.items()}
    rps = value_at(resolved.scenario, f"{path}.replica_requests_per_s")
    gpus = float(value_at(resolved.scenario, f"{path}.gpus_per_replica"))
    return {gpus: (float(rps), math.nan, math.nan)}


def _latency(said: Any) -> tuple[float, float]:
    """A size's first token (∞ where the details say null: unbounded) and time per output
    token where the fleet runs, as analyze's details keep them."""
    if said is None:
        return math.nan, math.nan
    first = said["ttft_at_utilization_ms"]
    return math.inf if first is None else float(first), float(said["tpot_at_utilization_ms"])


def reason_of(exc: PaybackError) -> str:
    """Analyze's reason for refusing a file, without the file's name: what is allowed
    where the error is about one parameter, its lines otherwise."""
    return exc.allowed or "; ".join(exc.messages)


def refused_there(values: str, reason: str, follows: str, give: str) -> PaybackError:
    """The refusal of a study's value analyze refuses, for an estimate that follows it
    (a capacity, a training cost, a price tier): ``values`` as ``path = value``, analyze's
    ``reason`` (kept as the error's, for a study to quote), what ``follows`` each value
    tried and what to ``give`` so that nothing follows."""
    return PaybackError(
        f"{values}: analyze refuses the file there ({reason}), and {follows} each value a "
        "study tries; keep the input's range within what analyze accepts, or give "
        f"{give}",
        reason=reason,
    )


def lookups_on_day(resolved: Resolved, scenario: Any) -> Any:
    """The catalog lookups for ``scenario`` (``resolved``'s file with values moved), on the
    day ``resolved`` was resolved, as analyze of that file would make them."""
    from payback.analysis.lookups import Lookups
    from payback.catalog import analysis_day

    return Lookups(scenario, resolved.catalog, resolved.today or analysis_day())


def replica_serving(
    resolved: Resolved, overrides: Mapping[str, Any], path: str
) -> dict[float, tuple[FloatArray, FloatArray, FloatArray]] | None:
    """The replica sizes (GPUs) the option at ``path`` is chosen among, each with its
    capacity, mean first token and time per output token where the fleet runs [ms] at each
    sample of ``overrides`` (:data:`Sizes`' columns, each of the samples' broadcast shape;
    ``nan`` where the size does not serve the sample's lengths): what a fleet several
    workloads share chooses its size by, as analyze chooses one workload's
    (:func:`~payback.analysis.portfolio_fleet.at_cheapest_size`). None where the capacity
    is not estimated, or the caller sizes the replica."""
    reads = _sized_by_analyze(resolved, overrides)
    if path not in reads:
        return None
    sizes, shape = _sizes_at(resolved, overrides, {path: reads[path]})
    return {
        g: (each[:, 0].reshape(shape), each[:, 1].reshape(shape), each[:, 2].reshape(shape))
        for g, each in sizes[path].items()
    }
