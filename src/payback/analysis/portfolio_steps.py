"""One workload more: the NPV of each candidate set ``moved ∪ {k}`` of a greedy step, by
sums kept as the workloads move (:func:`~payback.studies.portfolio.greedy_order`).

:func:`~payback.analysis.portfolio.subset_flows` prices any K subsets of W workloads;
through it, a step of the greedy order reads a (K, W, …, H) array of loads and sorts each
subset's leftovers, and the order (W steps of up to W candidates) grows as W³. A step's
candidates differ from the moved set by one workload, so here:

- what a subset's workloads cost or save alone, its requests and its one-time items, and a
  fleet's summed loads (a fleet scaled to zero; a one-model fleet, the baseline fleet
  shared today) are the moved set's sums plus the candidate's row;
- an always-on fleet of adapters with every busiest hour at once (c = 1, one η per count)
  is placed by inserting the candidate's leftover into the moved set's sorted leftovers
  (:func:`_placed`): each (sample, month) column is sorted once a step, not once a
  candidate, and a candidate's cheapest placement is looked up among the levels its
  leftover can reach.

Every candidate's NPV is the one :func:`subset_flows` gives its mask, to round-off; where
the placement is not one of these (a coincidence below 1, parameters per sample) a step
falls back to :func:`subset_flows` itself.
"""

from __future__ import annotations

import numpy as np

from payback import finance as model
from payback.analysis.adapters import adapter_efficiency, ceil_replicas
from payback.analysis.portfolio import AlternativePieces, subset_flows
from payback.analysis.portfolio_baseline import baseline_flows_of, rows_add, tenant_features
from payback.analysis.portfolio_fleet import (
    FleetCosts,
    SharedFleet,
    linear_fleet,
    price_fleet,
    shared_fleet_costs,
    spread_loads,
    sum_arrays,
    whole_replicas,
)
from payback.finance._types import FloatArray, as_float, per_sample
from payback.finance.costs import CEIL_TOLERANCE

__all__ = ["FleetSteps", "Steps"]

_MOST_LEVELS = 16
"""The most levels above its floor a candidate's placement is looked up among; an
adapter penalty so steep that a leftover reaches more (η below about 1/14) falls back."""


class Steps:
    """The workloads of an alternative moved so far, and the NPV of moving each other one
    with them (:meth:`npv`); :meth:`move` moves one."""

    def __init__(self, pieces: AlternativePieces) -> None:
        self.pieces = pieces
        n = len(pieces.served)
        self.moved = np.zeros(n, dtype=bool)
        own, base = pieces.own_usd, pieces.baseline_usd
        if pieces.baseline is not None:  # of the workloads on the baseline fleet shared today
            own, base = pieces.baseline.own_usd, pieces.baseline.other_baseline
        self.rows = {"base": base, "own": own, "one_time": pieces.one_time_usd}
        self.fleet = None if pieces.fleet is None else FleetSteps(pieces.fleet)
        share = pieces.baseline
        if share is not None:
            features = tenant_features(share)
            self.today = share.base[np.newaxis] @ features
            self.rows |= {"stays": share.stays @ features}
            if np.any(share.moves):
                self.rows |= {"moves": share.moves @ features}
        self.sums = {name: np.zeros(a.shape[1:]) for name, a in self.rows.items()}

    def move(self, k: int) -> None:
        """Move workload ``k`` (a position in ``pieces.served``)."""
        self.moved[k] = True
        for name, a in self.rows.items():
            self.sums[name] = as_float(self.sums[name] + a[k])
        if self.fleet is not None:
            self.fleet.move(k)

    def npv(self, candidates: np.ndarray) -> FloatArray:
        """(K,): the NPV of moving the moved workloads and each of ``candidates`` (positions
        not moved yet), as :func:`~payback.studies.portfolio.subset_npv` gives their masks."""
        pieces = self.pieces
        if self.fleet is not None and self.fleet.kind == "generic":
            base, alt, one_time, _ = subset_flows(pieces, _masks(self.moved, candidates))
            return model.net_present_value(base, alt, one_time, pieces.discount_rate_annual)

        def with_each(name: str) -> FloatArray:
            return as_float(self.sums[name][np.newaxis] + self.rows[name][candidates])

        baseline = with_each("base")
        alternative = rows_add(with_each("own"), as_float(pieces.shared_monthly_usd)[np.newaxis])
        one_time = with_each("one_time") + as_float(pieces.shared_one_time_usd)
        if self.fleet is not None:
            costs = self.fleet.costs(candidates)
            fleet = as_float(sum_arrays(list(costs.components.values())))
            alternative = rows_add(alternative, fleet)
            one_time = one_time + costs.at_start
        if pieces.baseline is not None:
            rest = as_float(self.today - with_each("stays"))
            escalated = with_each("moves") if "moves" in self.rows else None
            shed, added = baseline_flows_of(pieces.baseline, self.today, rest, escalated)
            baseline, alternative = rows_add(baseline, shed), rows_add(alternative, added)
        rate = pieces.discount_rate_annual
        return model.net_present_value(baseline, alternative, one_time, rate)


def _masks(moved: np.ndarray, candidates: np.ndarray) -> FloatArray:
    """(K, W): the moved workloads and each candidate."""
    m = np.repeat(moved[np.newaxis, :].astype(np.float64), len(candidates), axis=0)
    m[np.arange(len(candidates)), candidates] = 1.0
    return m


class FleetSteps:
    """A shared fleet's workloads moved so far, and the fleet of those and each candidate
    (:meth:`costs`, as :func:`~payback.analysis.portfolio_fleet.shared_fleet_costs` prices
    their masks); :meth:`move` moves one."""

    def __init__(self, fleet: SharedFleet) -> None:
        self.fleet = fleet
        peak, mean = spread_loads(fleet)
        n = peak.shape[0]
        self.moved = np.zeros(n, dtype=bool)
        self.columns = peak.shape[1:]
        self.kind = "linear" if linear_fleet(fleet) else "placed"
        self.rows = {"peak": as_float(peak), "mean": as_float(mean)}
        self.sums = {name: np.zeros(a.shape[1:]) for name, a in self.rows.items()}
        if self.kind == "linear":
            return
        c, o, d = (as_float(v) for v in (fleet.coincidence, fleet.overhead, fleet.decade_loss))
        table = as_float(adapter_efficiency(np.arange(n + 2.0), o, d))
        x = as_float(peak / per_sample(fleet.params["target_utilization"]))
        self.x = np.broadcast_to(x, peak.shape).reshape(n, -1)
        self.whole = ceil_replicas(self.x)
        self.left = as_float(self.x - np.maximum(self.whole - 1.0, 0.0))
        self.table = table
        self.levels = int(np.ceil(np.max(self.left, initial=1.0) / np.min(table))) + 2
        if c.ndim or o.ndim or d.ndim or float(c) != 1.0 or self.levels > _MOST_LEVELS:
            self.kind = "generic"  # a coincidence below 1, parameters per sample
        by = np.argsort(self.left, axis=0, kind="stable")
        self.rank = np.argsort(by, axis=0)
        self.by_rank = np.take_along_axis(self.left, by, axis=0)

    def move(self, k: int) -> None:
        self.moved[k] = True
        for name, a in self.rows.items():
            self.sums[name] = as_float(self.sums[name] + a[k])

    def costs(self, candidates: np.ndarray) -> FleetCosts:
        """The fleet of the moved workloads and each of ``candidates`` (K subsets)."""
        fleet = self.fleet
        if self.kind == "linear":
            each = {
                n: as_float(s[np.newaxis] + self.rows[n][candidates]) for n, s in self.sums.items()
            }
            if not fleet.always_on:
                return price_fleet(fleet, each["mean"], None)
            return price_fleet(fleet, whole_replicas(each["peak"], fleet), None)
        replicas = _placed(self, candidates) if self.kind == "placed" else None
        if replicas is None:  # a placement outside the insertion's reach: priced as any
            return shared_fleet_costs(fleet, _masks(self.moved, candidates))
        return price_fleet(fleet, replicas.reshape((len(candidates), *self.columns)), None)


def _placed(steps: FleetSteps, candidates: np.ndarray) -> FloatArray | None:
    """(K, X): :func:`~payback.analysis.adapters.place_adapters`'s whole replicas of the
    moved workloads and each candidate, at c = 1, each (sample, month) column X apart.

    The placements priced are one pool, ⌈Σ x / η(n)⌉, and for each j the j smallest
    leftovers mixed: Σ ⌈x⌉ + min(0, min_j g_j), g_j = ⌈P_j / η(k_j)⌉ − k_j (P_j the sum of
    the j smallest, k_j the positive ones among them). A candidate of leftover l > 0 goes
    in after the q leftovers below it: the gains up to q stay (their running minimum), and
    each later one is h_i(l) = ⌈(P_i + l) / η(k_i + 1)⌉ − k_i − 1, i ≥ q. h_i is at least
    its floor b_i (l → 0) and at most b_i + ⌈l / η⌉ + 1; h_i(l) ≤ v exactly when
    l ≤ τ_i(v) = (v + k_i + 1) · η / (1 − tol) − P_i. So min_{i ≥ q} h_i(l) is the floor
    B_q = min_{i ≥ q} b_i plus the first t whose level B_q + t some i ≥ q reaches: those i
    have b_i = B_q + d (d ≤ t), and each group of equal floors is looked up, past q, for
    its largest τ_i(b_i + t − d). None where a candidate reaches no level (round-off at
    a level's edge): the step is priced as any other."""
    moved = steps.moved
    x, whole, left, table = steps.x, steps.whole, steps.left, steps.table
    s, columns = int(np.sum(moved)), x.shape[1]
    tol = CEIL_TOLERANCE
    # the moved leftovers in order, each column: by the candidates' common ranks
    in_rank = np.zeros(left.shape, dtype=bool)
    np.put_along_axis(in_rank, steps.rank[moved], True, axis=0)
    below = np.concatenate([np.zeros((1, columns), dtype=np.int64), np.cumsum(in_rank, axis=0)])
    ordered = steps.by_rank.T[in_rank.T].reshape(columns, s).T  # (s, X)
    pool = np.concatenate([np.zeros((1, columns)), np.cumsum(ordered, axis=0)])  # P_0 … P_s
    count = np.concatenate(
        [np.zeros((1, columns)), np.cumsum(ordered > 0.0, axis=0, dtype=np.float64)]
    )
    gains = ceil_replicas(pool / table[count.astype(np.intp)]) - count
    gains[0] = 0.0  # nothing mixed
    kept = np.minimum.accumulate(gains, axis=0)  # the gains before the candidate's place
    # h_i's floors and their running minimum from the end
    eta = table[count.astype(np.intp) + 1]
    floor = np.floor(pool / eta * (1.0 - tol)) - count  # b_i (i = 0 … s)
    least = np.minimum.accumulate(floor[::-1], axis=0)[::-1]  # B_q
    levels = steps.levels
    # a level i can reach matters only below 0 (no mixing is always a placement) and
    # within the levels of the least floor after it (h_i(l) ≥ b_i > B_q + levels ≥ M)
    relevant = (floor < 0.0) & (floor <= least + levels)
    k = len(candidates)
    leftover = left[candidates]  # (K, X): l
    q = np.take_along_axis(below, steps.rank[candidates], axis=0)  # moved leftovers below l
    floor_q = np.take_along_axis(least, q, axis=0)  # B_q
    found = np.full((k, columns), -1, dtype=np.int64)
    entries = np.nonzero(relevant.T)  # (column, i), column first
    if len(entries[0]):
        c_of, i_of = entries
        b_of = floor.T[entries]
        low = int(np.min(b_of))
        span = int(np.max(b_of)) - low + levels + 2
        rows = s + 2
        keys = (c_of * span + (b_of - low).astype(np.int64)) * rows + i_of
        order = np.argsort(keys)  # by column, floor, then place
        keys, b_of = keys[order], b_of[order]
        entries = (c_of[order], i_of[order])
        group = keys // rows
        first = np.concatenate([[True], group[1:] != group[:-1]])
        gid = np.cumsum(first) - 1
        size = len(keys)
        offset = (gid[-1] - gid) * size
        eta_of, count_of, pool_of = eta.T[entries], count.T[entries], pool.T[entries]
        best_after = []
        for u in range(levels + 1):  # τ_i(b_i + u), clipped past every leftover's reach
            values = np.clip((b_of + u + count_of + 1.0) / (1.0 - tol) * eta_of - pool_of, 0, 2)
            by = np.argsort(values, kind="stable")
            rank = np.empty(size, dtype=np.int64)
            rank[by] = np.arange(size)
            top = np.maximum.accumulate((rank + offset)[::-1])[::-1] - offset
            best_after.append(values[by[top]])  # the largest τ from here to its group's end
        cols = np.broadcast_to(np.arange(columns)[np.newaxis, :], (k, columns))
        reached = [np.zeros((k, columns)) for _ in range(levels + 1)]
        for d in range(levels + 1):
            want = (cols * span + (floor_q + d - low).astype(np.int64)) * rows + q
            at = np.minimum(np.searchsorted(keys, want.ravel()), size - 1).reshape(k, columns)
            hit = group[at] == want // rows
            for t in range(d, levels + 1):
                reached[t] = np.maximum(reached[t], np.where(hit, best_after[t - d][at], 0.0))
        for t in range(levels + 1):
            found = np.where((found < 0) & (reached[t] >= leftover), t, found)
    positive = leftover > 0.0
    mixing = floor_q < 0.0  # else no level below 0 after q: mixing the rest gains nothing
    if np.any(positive & mixing & (found < 0)):
        return None
    after = np.where(found >= 0, floor_q + found, 0.0)
    best = np.minimum(np.minimum(np.take_along_axis(kept, q, axis=0), after), 0.0)
    best = np.where(positive, best, np.minimum(kept[-1], 0.0))  # an idle candidate: as before
    moved_x = x[moved]
    busiest = np.sum(moved_x, axis=0) + x[candidates]
    n = np.count_nonzero(moved_x > 0.0, axis=0) + (x[candidates] > 0.0)
    all_mixed = ceil_replicas(busiest / table[n])
    placed = np.sum(whole[moved], axis=0) + whole[candidates] + best
    return as_float(np.where(all_mixed <= placed, all_mixed, placed))
