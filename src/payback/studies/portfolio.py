"""Studies over a portfolio of workloads: who carries the fleet, the order to move them in,
and how many it takes to pay back within a quarter.

- **Contribution** of a workload to an alternative: the present value of what it saves
  (its baseline cost less its own running cost on the alternative, less its own one-time
  items) against its share of the fleet (by GPU time on a shared fleet: its busy
  replica-hours over all workloads'; its own fleet otherwise). A workload whose savings
  exceed its fleet share *carries* the fleet; the others *ride* on it. Servers a shared
  fleet buys in cash at t = 0 are in the fleet shares as their depreciation would be
  (:mod:`payback.analysis.portfolio`). What the alternative pays once (ops, retraining,
  shared one-time items, a fleet with no load) is *shared*; contributions and the shared
  part add up to the portfolio's NPV.
- **Migration order**, greedy: move first the workload with the highest NPV alone, then
  each time the one whose move adds the most NPV given those already moved (its marginal
  NPV). A step prices every candidate set at once by the moved set's sums plus each
  candidate's row (:mod:`~payback.analysis.portfolio_steps`, what
  :func:`~payback.analysis.portfolio.subset_flows` gives their masks, without a (K, W, …)
  array: 1,000 workloads in seconds). On
  portfolios of up to :data:`BRUTE_FORCE_LIMIT` workloads the order is checked against
  every order: the best order is the one whose prefixes add up to the most NPV
  (Σ_k NPV(first k)), found exactly over all 2^W subsets by dynamic programming.
- **Solve over the set**: break-even and NPV of the first k workloads of the order, for
  every k at once: "with these N it pays back within a quarter; with the first k it does not".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from payback import finance as model
from payback.analysis.portfolio import (
    AlternativePieces,
    Portfolio,
    PortfolioEvaluation,
    evaluate_portfolio,
    prepare,
    shared_fleet_costs,
    subset_flows,
)
from payback.analysis.result import QUARTER_MONTHS, ScenarioFacts, floats, months_text
from payback.analysis.verdict import (
    NOT_CHEAPER,
    behind_again_text,
    in_month_text,
    quarter_clause,
    quoted,
    saves_nothing,
)
from payback.figures import rate_text
from payback.finance._types import BoolArray, FloatArray
from payback.finance.cashflow import saves_nothing as none_saved
from payback.money import fine_usd
from payback.scenario import Scenario
from payback.studies.portfolio_fleets import one_fleet_gpus, separate_gpus, spare_gpus
from payback.studies.portfolio_quarter import quarter_sentence

if TYPE_CHECKING:
    from payback.catalog import Catalog
    from payback.studies.uncertainty import Progress

__all__ = [
    "BRUTE_FORCE_LIMIT",
    "Contribution",
    "MigrationStep",
    "PortfolioAlternative",
    "PortfolioAnalysis",
    "analyze_portfolio",
    "best_order",
    "greedy_order",
    "subset_npv",
    "without_workload_value_terms",
]

BRUTE_FORCE_LIMIT = 12
"""Portfolios up to this many workloads have their greedy order checked against every
order (2^W subsets: 4,096 at 12)."""


def _maybe(x: Any) -> float | None:
    value = float(x)
    return None if math.isnan(value) else value


def subset_npv(pieces: AlternativePieces, masks: FloatArray) -> FloatArray:
    """NPV of moving each subset (``masks``: (K, W) of 0/1) of an alternative's workloads."""
    base, alt, one_time, _ = subset_flows(pieces, masks)
    return model.net_present_value(base, alt, one_time, pieces.discount_rate_annual)


def _subset_break_even(
    pieces: AlternativePieces, masks: FloatArray
) -> tuple[FloatArray, FloatArray, BoolArray, BoolArray]:
    """Each subset's break-even month, NPV, whether it pays back within a quarter (broken
    even by month 3 and not behind again there, :func:`share_paid_back_within`), and
    whether it saves nothing (:func:`~payback.finance.saves_nothing`: no break-even, not
    paid back, as for one scenario)."""
    base, alt, one_time, _ = subset_flows(pieces, masks)
    cum = model.cumulative_savings(base, alt, one_time)
    npv = model.net_present_value(base, alt, one_time, pieces.discount_rate_annual)
    nothing = none_saved(cum)  # month 0 by the formula, but nothing paid back
    month = np.where(nothing, np.nan, model.break_even_month(cum))
    horizon = cum.shape[-1] - 1
    paid = model.paid_back_within(month, horizon, cum[..., model.window_months(horizon)])
    return month, npv, paid[:, model.PAYBACK_WINDOWS.index(QUARTER_MONTHS)], nothing


def greedy_order(pieces: AlternativePieces) -> tuple[list[int], list[float]]:
    """Positions (into ``pieces.served``) in the greedy order, and each one's marginal NPV
    given those before it; ties go to the workload listed first. A step prices its
    candidates by sums kept as the workloads move
    (:class:`~payback.analysis.portfolio_steps.Steps`), each candidate's NPV the one
    :func:`subset_npv` gives its mask."""
    from payback.analysis.portfolio_steps import Steps

    n = len(pieces.served)
    steps = Steps(pieces)
    order: list[int] = []
    marginals: list[float] = []
    current = 0.0
    for _ in range(n):
        left = np.flatnonzero(~steps.moved)
        npv = steps.npv(left)
        pick = int(np.argmax(npv))
        order.append(int(left[pick]))
        marginals.append(float(npv[pick]) - current)
        current = float(npv[pick])
        steps.move(int(left[pick]))
    return order, marginals


def _all_masks(n: int) -> FloatArray:
    codes = np.arange(2**n)
    return ((codes[:, np.newaxis] >> np.arange(n)) & 1).astype(np.float64)


def best_order(pieces: AlternativePieces) -> tuple[list[int], float]:
    """The order whose prefixes add up to the most NPV, Σ_k NPV(first k), and that sum:
    dynamic programming over all 2^W subsets, f(S) = NPV(S) + max_{c ∈ S} f(S − {c})."""
    n = len(pieces.served)
    npv = subset_npv(pieces, _all_masks(n))
    best = np.full(2**n, -np.inf)
    last = np.zeros(2**n, dtype=np.int64)
    best[0] = 0.0
    for s in range(1, 2**n):
        for c in range(n):
            if s >> c & 1:
                value = best[s ^ (1 << c)]
                if value > best[s]:
                    best[s], last[s] = value, c
        best[s] += npv[s]
    order: list[int] = []
    s = 2**n - 1
    while s:
        order.append(int(last[s]))
        s ^= 1 << int(last[s])
    return order[::-1], float(best[2**n - 1])


def _prefix_masks(order: list[int]) -> FloatArray:
    """The subsets of the first 1, 2, …, W workloads of ``order`` (a permutation), as masks.

    >>> _prefix_masks([2, 0, 1]).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
    """
    masks = np.zeros((len(order), len(order)))
    for k in range(len(order)):
        masks[k:, order[k]] = 1.0
    return masks


def _prefix_total(pieces: AlternativePieces, order: list[int]) -> float:
    return float(np.sum(subset_npv(pieces, _prefix_masks(order))))


@dataclass(frozen=True)
class Contribution:
    """One workload's part in an alternative's portfolio NPV [USD, present values]."""

    workload: str
    savings_usd: float
    """Its baseline cost less its own running cost on the alternative (fleet aside) and its
    own one-time items; on a baseline fleet it shares today, what moving it alone saves
    (:mod:`payback.analysis.portfolio_baseline`)."""
    fleet_usd: float
    """Its share of the fleet: by GPU time on a shared fleet, its own fleet otherwise."""
    gpu_time_share: float | None
    """Its share of the shared fleet's busy GPU time over the horizon (None: own fleet)."""
    saves_nothing: bool = False
    """Moved alone it costs the same every month and nothing up front, as a migration step
    that saves nothing (:attr:`MigrationStep.saves_nothing`)."""

    @property
    def net_usd(self) -> float:
        return self.savings_usd - self.fleet_usd

    @property
    def role(self) -> str:
        """``carries`` the fleet (saves more than its share costs) or ``rides`` on it."""
        return "carries" if self.net_usd > 0 else "rides"

    def to_dict(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "savings_usd": self.savings_usd,
            "fleet_usd": self.fleet_usd,
            "net_usd": self.net_usd,
            "gpu_time_share": self.gpu_time_share,
            "role": self.role,
        }


@dataclass(frozen=True)
class MigrationStep:
    """The k-th workload to move, and the portfolio of the first k."""

    workload: str
    marginal_npv_usd: float
    npv_usd: float
    break_even_month: float | None
    pays_back_within_quarter: bool | None
    """Paid back within 3 months with the workloads so far; None (null in JSON) past a
    horizon shorter than a quarter, where month 3 is not computed."""
    saves_nothing: bool = False
    """The workloads so far cost the same on the alternative every month and nothing up
    front: no break-even (None) and not paid back, as for one scenario."""

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class PortfolioAlternative:
    """One alternative serving its workloads together."""

    name: str
    kind: str
    fleet: str | None
    """``shared``, ``separate`` or None (not self-hosted)."""
    workloads: list[str]
    requests_per_month: list[float]
    baseline_usd: list[float]
    monthly_cost_usd: list[float]
    one_time_usd: float
    shared_one_time_usd: float
    """The alternative's own one-time items, paid once for all its workloads."""
    fleet_one_time_usd: float
    """The servers its shared fleet buys in cash at t = 0 (in the workloads' fleet shares)."""
    workloads_one_time_usd: float
    """The workloads' own one-time items: with the two above, the one-time cost."""
    cumulative_savings_usd: list[float]
    break_even_month: float | None
    break_even_requests: float | None
    npv_usd: float
    pays_back_within: dict[str, bool | None]
    gpus: list[float] | None
    """GPUs of the shared fleet each month."""
    pinned_gpus: list[float] | None
    """Of those, the GPUs pinned to one workload's adapter each month (merged weights, no
    multi-adapter penalty); the rest mix adapters
    (:func:`~payback.analysis.portfolio.place_adapters`), are kept by ``min_replicas``
    beyond the traffic's need (:attr:`spare_gpus`) or, under a 1y/3y commitment, are
    reserved but idle (:attr:`idle_gpus`)."""
    contributions: list[Contribution]
    shared_usd: float
    """What the portfolio pays once, in present value: ops, retraining, shared one-time
    items and any fleet cost no workload's load accounts for; the contributions table's
    "shared ops, shared one-time" row, less. The contributions' nets, with what a baseline
    fleet the workloads share today saves that none saves moving alone (``baseline_fleet``'s
    ``joint_usd``, a row of its own), less this, are the NPV (it had held that joint part
    too, negated: $2,353 where the row said -$45,882)."""
    order: list[MigrationStep]
    greedy_is_best: bool | None
    """Whether the greedy order is the best order (None: too many workloads to check)."""
    quarter: str
    """The solve over the set, in one sentence."""
    one_fleet_gpus: list[float] | None = None
    """A self-hosted option sharing its fleet that serves one workload: that fleet's GPUs
    each month, which the JSON gives as a shared fleet's (its one adapter on every GPU)."""
    separate_gpus: list[float] | None = None
    """A self-hosted option with a fleet per workload (``fleet = "separate"``): the GPUs of
    all its fleets each month, the sum of each served workload's own, which the JSON gives
    as ``gpus`` (``pinned_gpus`` and ``mixed_gpus`` stay null: no adapters are placed)."""
    idle_gpus: list[float] | None = None
    """A self-hosted option's GPUs reserved under a 1y/3y commitment that the month does
    not need (the most its term has needed so far is paid, :func:`~payback.finance.reserved_count`):
    reserved, idle until the term ends. Its shared fleet's, or its own fleets' summed; 0
    without a commitment; None for an option with no fleet."""
    spare_gpus: list[float] | None = None
    """The shared fleet's GPUs ``min_replicas`` keeps beyond what the month's traffic needs
    (they run the base model and every adapter and share the load); of a fleet that would be
    shared but serves one workload, the same count of its own fleet. None otherwise."""

    @property
    def carriers(self) -> list[str]:
        return [c.workload for c in self.contributions if c.role == "carries"]

    @property
    def riders(self) -> list[str]:
        return [c.workload for c in self.contributions if c.role == "rides"]

    @property
    def mixed_gpus(self) -> list[float] | None:
        """The shared fleet's GPUs that mix adapters, each month: neither pinned to one
        workload's adapter, nor kept by ``min_replicas`` alone, nor reserved but idle."""
        if self.gpus is None or self.pinned_gpus is None:
            return None
        idle = self.idle_gpus or [0.0] * len(self.gpus)
        spare = self.spare_gpus or [0.0] * len(self.gpus)
        counts = zip(self.gpus, self.pinned_gpus, idle, spare, strict=True)
        return [g - p - i - s for g, p, i, s in counts]

    def to_dict(self) -> dict[str, Any]:
        kept = {k: v for k, v in self.__dict__.items() if k not in ("contributions", "order")}
        out = {k: v for k, v in kept.items() if k not in ("one_fleet_gpus", "separate_gpus")}
        out["contributions"] = [c.to_dict() for c in self.contributions]
        out["mixed_gpus"] = self.mixed_gpus
        out["spare_gpus"] = out.pop("spare_gpus")  # beside the other counts
        out["idle_gpus"] = out.pop("idle_gpus")
        if self.gpus is None and self.one_fleet_gpus is not None:  # the shape of several
            n = len(self.one_fleet_gpus)
            idle, spare = self.idle_gpus or [0.0] * n, self.spare_gpus or [0.0] * n
            out["gpus"] = self.one_fleet_gpus  # its one adapter on every GPU its traffic needs
            counts = zip(self.one_fleet_gpus, idle, spare, strict=True)
            out["pinned_gpus"] = [g - i - s for g, i, s in counts]
            out["mixed_gpus"], out["spare_gpus"] = [0.0] * n, spare
            for c in out["contributions"]:
                c["gpu_time_share"] = 1.0
        if self.gpus is None and self.separate_gpus is not None:  # every fleet's, summed
            out["gpus"] = self.separate_gpus
        out["carry_the_fleet"] = self.carriers
        out["ride_on_it"] = self.riders
        out["migration_order"] = [s.to_dict() for s in self.order]
        out["saves_nothing"] = nothing = saves_nothing(self.cumulative_savings_usd)
        if nothing:  # paid back nothing: no break-even, as for one scenario
            out["break_even_month"] = out["break_even_requests"] = None
        return out


@dataclass(frozen=True)
class PortfolioAnalysis(ScenarioFacts):
    """The portfolio answer: every alternative serving its workloads together."""

    portfolio: Portfolio
    evaluation: PortfolioEvaluation
    alternatives: list[PortfolioAlternative]
    uncertainty: Any = None

    @property
    def scenario(self) -> Scenario:
        return self.portfolio.scenario

    def verdict(self) -> str:
        best = max(self.alternatives, key=lambda a: a.npv_usd)
        rate = self.scenario.scenario.discount_rate_annual
        npv = f"NPV {fine_usd(best.npv_usd)} over {months_text(self.horizon_months)}" + (
            f" at {rate_text(rate)}" if rate else ""
        )
        n = len(best.workloads)
        if saves_nothing(best.cumulative_savings_usd):
            line = f"{quoted(best.name)} serving {n} workload{'' if n == 1 else 's'} {NOT_CHEAPER}; {npv}"
        elif best.break_even_month is None:
            line = f"{quoted(best.name)} serving {n} workload{'' if n == 1 else 's'} does not pay back within {months_text(self.horizon_months)}; {npv}"
        else:
            quarter = quarter_clause(best.pays_back_within, self.horizon_months)
            again = behind_again_text(best, self.horizon_months)  # a retraining, a falling price
            pays = (
                f"breaks even {in_month_text(best.break_even_month)}{again}"
                if again
                else (f"pays back {in_month_text(best.break_even_month)}{quarter}")
            )
            line = f"{quoted(best.name)} serving {n} workload{'' if n == 1 else 's'} {pays}; {npv}"
        if len(self.alternatives) > 1:
            line = f"best of {len(self.alternatives)} by NPV: {line}"
        return line

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.name,
            "horizon_months": self.horizon_months,
            "discount_rate_annual": self.scenario.scenario.discount_rate_annual,
            "workloads": [
                {
                    "name": w.name,
                    "requests_per_month": float(w.traffic.requests_per_month),
                    "baseline": (w.baseline or self.scenario.baseline).name,
                }
                for w in self.scenario.workloads or []
            ],
            "alternatives": [
                a.to_dict() | _baseline_fleet(self.evaluation, i)
                for i, a in enumerate(self.alternatives)
            ],
            "verdict": self.verdict(),
            "warnings": self.portfolio.warnings,
        }
        if self.uncertainty is not None:
            out["uncertainty"] = self.uncertainty
        return out


def _baseline_fleet(ev: PortfolioEvaluation, index: int) -> dict[str, Any]:
    """``baseline_fleet``: the baseline fleet the alternative's workloads share today, and
    what is left of it once they move (no key where each workload's baseline is its own)."""
    from payback.analysis.portfolio_baseline import baseline_fleet_facts

    facts = baseline_fleet_facts(ev, index)
    return {} if facts is None else {"baseline_fleet": facts.to_dict()}


def _joint(ev: PortfolioEvaluation, index: int) -> float:
    """What the baseline fleet alternative ``index``'s workloads share today saves that
    none saves moving alone (``baseline_fleet.joint_usd``; 0 without one)."""
    from payback.analysis.portfolio_baseline import baseline_fleet_facts

    facts = baseline_fleet_facts(ev, index)
    return 0.0 if facts is None else facts.joint_usd


def _present_value(monthly: FloatArray, rate: FloatArray) -> float:
    return float(model.net_present_value(monthly, 0.0, 0.0, rate))


def _contributions(
    pieces: AlternativePieces, names: list[str], npv: float, joint: float = 0.0
) -> tuple[list[Contribution], float]:
    """Each served workload's contribution, and what the workloads share
    (:attr:`PortfolioAlternative.shared_usd`): the nets, with ``joint`` (what a baseline
    fleet shared today saves that no workload saves moving alone), less the NPV."""
    rate = pieces.discount_rate_annual
    out = []
    share = None
    fleet_monthly = None
    if pieces.fleet is not None:
        costs = shared_fleet_costs(pieces.fleet, np.ones((1, len(pieces.served))))
        fleet_monthly = np.sum(list(costs.components.values()), axis=0)[0]
        share = costs.share[0]
        weights = [_present_value(s, rate) for s in share]  # the servers bought at t = 0
        bought = float(costs.at_start[0]) / (sum(weights) or math.inf)
        busy = np.sum(pieces.fleet.mean, axis=-1)
        total_busy = float(np.sum(busy))
    for k, j in enumerate(pieces.served):
        own_fleet = pieces.own_fleet_usd[k]
        savings = _present_value(pieces.baseline_usd[k] - (pieces.own_usd[k] - own_fleet), rate)
        savings -= float(pieces.one_time_usd[k])
        if fleet_monthly is not None and share is not None:
            fleet = _present_value(fleet_monthly * share[k], rate) + bought * weights[k]
            gpu_share: float | None = float(busy[k]) / total_busy if total_busy > 0 else 0.0
        else:
            fleet = _present_value(own_fleet, rate)
            gpu_share = None
        out.append(Contribution(names[j], savings, fleet, gpu_share))
    shared = sum(c.net_usd for c in out) + joint - npv
    # a difference of sums: with nothing shared it is 0 but for float noise, which money
    # under a cent writes ("$0.00000000000091" beside $12,059): noise of the flows is 0
    flows = float(np.sum(np.abs(pieces.baseline_usd)) + np.sum(np.abs(pieces.own_usd)))
    flows += abs(npv) + sum(abs(c.fleet_usd) for c in out)
    return out, shared if abs(shared) > 1e-12 * flows else 0.0


def _steps(
    p: Portfolio, pieces: AlternativePieces, order: list[int], marginals: list[float]
) -> list[MigrationStep]:
    """The migration steps of ``order``: each first k's marginal NPV, NPV and break-even."""
    months, npvs, quarters, nothing = _subset_break_even(pieces, _prefix_masks(order))
    known = p.scenario.scenario.horizon_months >= QUARTER_MONTHS  # month 3 computed
    return [
        MigrationStep(
            workload=p.names[pieces.served[pos]],
            marginal_npv_usd=float(marginals[k]),
            npv_usd=float(npvs[k]),
            break_even_month=_maybe(months[k]),
            pays_back_within_quarter=bool(quarters[k]) if known else None,
            saves_nothing=bool(nothing[k]),
        )
        for k, pos in enumerate(order)
    ]


def _alternative(p: Portfolio, index: int, ev: PortfolioEvaluation) -> PortfolioAlternative:
    alt = p.scenario.alternatives[index]
    outcome = ev.alternatives[index]
    pieces = outcome.pieces
    names = p.names
    month = _maybe(outcome.break_even_month)
    contributions, shared = _contributions(pieces, names, float(outcome.npv_usd), _joint(ev, index))
    alone = _subset_break_even(pieces, np.eye(len(contributions)))[3]  # each moved alone
    contributions = [
        replace(c, saves_nothing=bool(a)) for c, a in zip(contributions, alone, strict=True)
    ]
    order, marginals = greedy_order(pieces)
    greedy_is_best: bool | None = None
    if len(order) <= BRUTE_FORCE_LIMIT:
        best, total = best_order(pieces)
        greedy_total = _prefix_total(pieces, order)
        greedy_is_best = greedy_total >= total - 1e-9 * max(1.0, abs(total))
        if not greedy_is_best:
            order = best
            prefix = subset_npv(pieces, _prefix_masks(order))
            marginals = list(np.diff(np.concatenate([[0.0], prefix])))
    steps = _steps(p, pieces, order, marginals)
    horizon = p.scenario.scenario.horizon_months
    cumulative = floats(outcome.cumulative_savings_usd)
    shares = model.share_paid_back_within(
        math.nan if month is None else month,
        horizon,
        np.asarray(cumulative)[model.window_months(horizon)],
    )
    serving = alt.portfolio
    nothing = saves_nothing(cumulative)
    return PortfolioAlternative(
        name=alt.name,
        kind=alt.kind,
        fleet=(serving.fleet if serving is not None else "shared")
        if alt.kind == "self_hosted"
        else None,
        workloads=[names[j] for j in pieces.served],
        requests_per_month=floats(outcome.requests),
        baseline_usd=floats(outcome.baseline_usd),
        monthly_cost_usd=floats(outcome.alternative_usd),
        one_time_usd=float(outcome.one_time_usd),
        shared_one_time_usd=float(pieces.shared_one_time_usd),
        fleet_one_time_usd=float(outcome.fleet_one_time_usd),
        workloads_one_time_usd=float(np.sum(pieces.one_time_usd)),
        cumulative_savings_usd=cumulative,
        break_even_month=month,
        break_even_requests=_maybe(outcome.break_even_requests),
        npv_usd=float(outcome.npv_usd),
        pays_back_within=(
            dict.fromkeys(shares, False)  # the same price: nothing to gain, as for a scenario
            if nothing
            else {k: None if v is None else v == 1.0 for k, v in shares.items()}
        ),
        gpus=None if outcome.gpus is None else floats(outcome.gpus),
        pinned_gpus=None if outcome.pinned_gpus is None else floats(outcome.pinned_gpus),
        idle_gpus=None if outcome.idle_gpus is None else floats(outcome.idle_gpus),
        spare_gpus=spare_gpus(p, index, ev),
        contributions=contributions,
        shared_usd=shared,
        order=steps,
        greedy_is_best=greedy_is_best,
        quarter=f"It {NOT_CHEAPER}"
        if nothing
        else quarter_sentence(steps, [s.workload for s in steps], horizon),
        one_fleet_gpus=one_fleet_gpus(p, index, ev),
        separate_gpus=separate_gpus(p, index, ev),
    )


def without_workload_value_terms(scenario: Scenario) -> Scenario:
    """``scenario`` with no quality or latency anywhere, workloads included."""
    from payback.scenario import VALUE_TERMS, without_value_terms

    out = without_value_terms(scenario)
    for workload in out.workloads or []:
        holders: list[Any] = [workload.baseline, *workload.alternatives.values()]
        for holder in holders:
            for name in VALUE_TERMS:
                if holder is not None and getattr(holder, name) is not None:
                    setattr(holder, name, None)
    return out


def analyze_portfolio(
    scenario: Scenario | Portfolio,
    catalog: Catalog | None = None,
    *,
    samples: int | None = None,
    seed: int = 0,
    value_terms: bool = True,
    progress: Progress | None = None,
) -> PortfolioAnalysis:
    """The portfolio answer for a scenario with ``[[workloads]]`` (central values); with
    ``samples``, a Monte Carlo over its distributions as well. ``value_terms=False``
    leaves every quality and latency out (the options', the workloads' baselines' and
    their terms'). ``progress(done, total)`` follows the sampling, as a scenario's does."""
    if isinstance(scenario, Scenario) and not value_terms:
        scenario = without_workload_value_terms(scenario)
    p = scenario if isinstance(scenario, Portfolio) else prepare(scenario, catalog)
    ev = evaluate_portfolio(p)
    alternatives = [_alternative(p, i, ev) for i in range(len(p.scenario.alternatives))]
    uncertainty = None
    if samples is not None:
        from payback.studies.portfolio_uncertainty import portfolio_monte_carlo

        uncertainty = portfolio_monte_carlo(p, samples, seed, progress)
        if uncertainty.get("warnings"):  # said where the portfolio's own are
            p = replace(p, warnings=[*p.warnings, *uncertainty["warnings"]])
    return PortfolioAnalysis(p, ev, alternatives, uncertainty)
