"""The answer for one scenario: plain numbers, reasons and verdicts, ready for any interface.

An :class:`Analysis` also carries what the renderers draw beyond the monthly numbers (the
drivers, the cost of 1,000 requests across traffic, the traffic that pays back within a
quarter), each computed once, the first time it is read, so that no renderer evaluates
the scenario again.

The studies (:mod:`payback.studies`: tornado, solve, Monte Carlo) evaluate a scenario many
times through :mod:`payback.analysis.cashflows`, so they sit above this package. The few
answers here that come from a study import it inside the function that needs it: the
package never imports :mod:`payback.studies` at load time, and there is no import cycle.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.analysis.cashflows import (
    COMPONENTS,
    AlternativeOutcome,
    OptionCosts,
    evaluate,
    numeric_paths,
)
from payback.analysis.curve import PerThousandCurve, per_1k_curve
from payback.analysis.gap import never_pays_back, pays_back_within
from payback.analysis.resolve import Resolved, resolve
from payback.analysis.utilisation import FLEET_COMPONENTS, FleetUtilisation, fleet_utilisation
from payback.analysis.verdict import (
    NOT_CHEAPER,
    QUARTER_MONTHS,
    months_text,
    never_reason,
    outcome_text,
    quoted,
    saves_nothing,
    usd,
    usd_per_1k,
)
from payback.finance import monthly_savings
from payback.finance._types import FloatArray
from payback.finance.costs import servers_held
from payback.scenario import (
    VALUE_TERMS_ADVICE,
    Scenario,
    SelfHostedOption,
    has_value_terms,
    without_value_terms,
)

if TYPE_CHECKING:
    from payback.catalog import Catalog
    from payback.studies.solve import Solution
    from payback.studies.uncertainty import Driver, MonteCarlo, Progress

__all__ = [
    "QUARTER_MONTHS",
    "QUARTER_PARAMETER",
    "AlternativeResult",
    "Analysis",
    "OptionResult",
    "analyze",
    "months_text",
    "usd",
]

QUARTER_PARAMETER = "traffic.requests_per_month"
"""What :meth:`Analysis.quarter_threshold` solves for."""


def floats(a: Any) -> list[float]:
    """``a`` as a flat list of plain floats, as an answer carries its numbers."""
    return [float(x) for x in np.asarray(a, dtype=np.float64).ravel()]


def _maybe(x: FloatArray | float) -> float | None:
    value = float(x)
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class OptionResult:
    """Monthly costs of one option."""

    name: str
    kind: str
    monthly_cost_usd: list[float]
    components_usd: dict[str, list[float]]
    """Monthly cost by component (``api``, ``gpus``, ``escalation``, ``ops``,
    ``retraining``); components that are zero in every month are left out."""
    usd_per_1k_requests: list[float]
    """Effective cost of 1,000 requests in each month (escalation included); ``NaN``
    (JSON ``null``) in a month of fewer than one request, which has none
    (:func:`~payback.analysis.verdict.has_cost_per_1k`)."""
    gpus: list[float] | None
    configuration: dict[str, Any] | None = None
    """The serving configuration behind a self-hosted option's numbers (see
    :func:`configuration`); ``None`` for other kinds."""
    utilisation: FleetUtilisation | None = None
    """How busy a self-hosted option's fleet is and what its idle capacity costs (see
    :mod:`payback.analysis.utilisation`); ``None`` for other kinds."""

    @classmethod
    def _from(cls, name: str, kind: str, costs: OptionCosts, requests: FloatArray) -> OptionResult:
        # a month of under one request has no cost per 1k (NaN, null in JSON): the rule
        # per_1k_text and the overflow check follow too (verdict.has_cost_per_1k)
        per_1k = usd_per_1k(costs.monthly_usd, requests)
        return cls(
            name=name,
            kind=kind,
            monthly_cost_usd=floats(costs.monthly_usd),
            components_usd={
                k: floats(costs.components[k])
                for k in COMPONENTS
                if k in costs.components and np.any(costs.components[k] != 0)
            },
            usd_per_1k_requests=floats(per_1k),
            gpus=None if costs.gpus is None else floats(costs.gpus),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "monthly_cost_usd": self.monthly_cost_usd,
            "components_usd": self.components_usd,
            "usd_per_1k_requests": self.usd_per_1k_requests,
        }
        if self.gpus is not None:
            out["gpus"] = self.gpus
        if self.configuration is not None:
            out["configuration"] = self.configuration
        if self.utilisation is not None:
            out["utilisation"] = self.utilisation.to_dict()
        return out


@dataclass(frozen=True)
class AlternativeResult(OptionResult):
    """One alternative compared with the baseline."""

    one_time_usd: float = 0.0
    one_time_items_usd: dict[str, float] | None = None
    cumulative_savings_usd: list[float] | None = None
    """S(0..H), month 0 first."""
    break_even_month: float | None = None
    break_even_requests: float | None = None
    npv_usd: float = 0.0
    pays_back_within: dict[str, bool | None] | None = None
    """Keys "3", "6", "12" and "horizon": broken even by that month and not behind again
    there (:func:`~payback.finance.paid_back_within`). ``None`` (JSON ``null``) for a
    window past the horizon, even where it is ahead at the horizon: what happens after it
    is not computed (a 6-month horizon answers "3" and "6", never "12")."""
    reason: str | None = None
    """Why it never pays back within the horizon, or why a break-even at month 0 gains
    nothing (the same cost every month and nothing up front); ``None`` when it pays back."""
    infrastructure_only: dict[str, float | None] | None = None
    """When the scenario prices quality or latency: ``break_even_month``, ``break_even_requests``
    and ``npv_usd`` with them left out (the pure infrastructure view)."""
    monthly_savings_usd: list[float] | None = None
    """What switching saves in months 1..H (:func:`~payback.finance.monthly_savings`), which
    the reason and the verdict read: differences of the sums lose a saving under a part in
    10^16 of them. Not in the JSON, which has the costs on both sides."""

    def to_dict(self) -> dict[str, Any]:
        nothing = saves_nothing(self.cumulative_savings_usd)
        extra = (
            {}
            if self.infrastructure_only is None
            else {"infrastructure_only": self.infrastructure_only}
        )
        return (
            super().to_dict()
            | extra
            | {
                "one_time_usd": self.one_time_usd,
                "one_time_items_usd": self.one_time_items_usd,
                "cumulative_savings_usd": self.cumulative_savings_usd,
                # one that saves nothing has paid back nothing: no break-even, and a reason
                "break_even_month": None if nothing else self.break_even_month,
                "break_even_requests": None if nothing else self.break_even_requests,
                "npv_usd": self.npv_usd,
                "pays_back_within": self.pays_back_within,
                "reason": self.reason,
            }
        )


class ScenarioFacts:
    """The scenario's name and horizon, for a result that holds a :attr:`scenario`
    (:class:`Analysis`, the portfolio's analysis)."""

    @property
    def scenario(self) -> Scenario:
        raise NotImplementedError

    @property
    def name(self) -> str:
        return self.scenario.scenario.name

    @property
    def horizon_months(self) -> int:
        return self.scenario.scenario.horizon_months


@dataclass(frozen=True)
class Analysis(
    ScenarioFacts
):  # long: the documented result fields, then short answers renderers read
    """The deterministic answer for a scenario."""

    resolved: Resolved
    requests_per_month: list[float]
    baseline: OptionResult
    alternatives: list[AlternativeResult]
    uncertainty: MonteCarlo | None = None
    """Monte Carlo summaries (with drivers) per alternative, when samples were asked for."""

    @property
    def scenario(self) -> Scenario:
        """The scenario with every number explicit (catalog ids resolved)."""
        return self.resolved.scenario

    @cached_property
    def input_paths(self) -> list[str]:
        """Dotted paths of every number the engine reads, in the order it reads them, and
        of those an estimated figure follows (see
        :func:`~payback.analysis.cashflows.numeric_paths`)."""
        return numeric_paths(self.resolved)

    @cached_property
    def drivers(self) -> list[list[Driver]]:
        """Per alternative, the inputs that move its answer, most first: each input alone at
        its p10 and p90 (or an assumed ±25% without distributions), the rest central (the
        tornado). The same lists as :attr:`uncertainty`'s when the analysis sampled."""
        if self.uncertainty is not None:
            return [u.drivers for u in self.uncertainty.alternatives]
        from payback.studies.uncertainty import tornado  # a study: see the module's docstring

        return tornado(self.resolved)

    @cached_property
    def cost_per_1k_curve(self) -> PerThousandCurve:
        """The cost of 1,000 requests of every option as monthly traffic varies from 1/30x
        to 30x today's (month-1 prices, retraining spread over its schedule)."""
        return per_1k_curve(self.resolved)

    @cached_property
    def _quarter_levers(self) -> dict[tuple[int, str], Solution | None]:
        return {}

    def quarter_threshold(self, index: int) -> Solution | None:
        """The monthly traffic from which alternative ``index`` pays back within
        :data:`QUARTER_MONTHS` months as the verdict says it, broken even by then and not
        behind again there (:meth:`quarter_lever` of ``traffic.requests_per_month``)."""
        return self.quarter_lever(index, QUARTER_PARAMETER)

    def quarter_lever(self, index: int, parameter: str) -> Solution | None:
        """The value of ``parameter`` (a dotted path) from which alternative ``index`` pays
        back within :data:`QUARTER_MONTHS` months: :func:`payback.solve` for cumulative
        savings of 0 at the end of month 3 (``QUARTER_SAVINGS``; a break-even in month 3
        is that only where no later cost puts the savings back below zero by then),
        distributions at their central values. Without a solution, its ``closest`` holds
        the break-even month at the value that comes nearest (``None``: never), as a
        break-even target's does. Solved the first time it is asked for; ``None`` when the
        horizon is shorter than a quarter."""
        key = (index, parameter)
        if key not in self._quarter_levers:
            self._quarter_levers[key] = self._solve_quarter(index, parameter)
        return self._quarter_levers[key]

    def _solve_quarter(self, index: int, parameter: str) -> Solution | None:
        if self.horizon_months < QUARTER_MONTHS:
            return None
        from payback.studies.solve import Target, solve  # a study: see the module's docstring
        from payback.studies.targets import QUARTER_SAVINGS

        found = solve(
            self.resolved, parameter, Target(QUARTER_SAVINGS, 0.0), index, over_distribution=True
        )
        if found.closest is None:
            return found
        at = found.closest[0]
        there = evaluate(self.resolved, {parameter: np.array([at])}).alternatives[index]
        month = np.asarray(there.break_even_month, dtype=np.float64).ravel()[0]
        return dataclasses.replace(found, closest=(at, _maybe(month)))

    @cached_property
    def _scaled_to_zero(self) -> dict[int, dict[str, float | bool | None] | None]:
        return {}

    def scaled_to_zero(self, index: int) -> dict[str, float | bool | None] | None:
        """What alternative ``index`` would give with its rented always-on fleet scaled to
        zero (only the GPU-hours it runs paid), everything else as it is: ``monthly_cost_usd``
        (month 1), ``break_even_month``, ``within_a_quarter`` (broken even by month 3 and
        not behind again there; ``None`` past the horizon) and ``npv_usd``; ``None`` for an
        alternative that is not a rented always-on fleet."""
        if index not in self._scaled_to_zero:
            self._scaled_to_zero[index] = self._evaluate_scaled_to_zero(index)
        return self._scaled_to_zero[index]

    def _evaluate_scaled_to_zero(self, index: int) -> dict[str, float | bool | None] | None:
        option = self.scenario.alternatives[index]
        if (
            not isinstance(option, SelfHostedOption)
            or not option.always_on
            or option.owned is not None
            or option.commitment != "none"
        ):
            return None
        changed = self.scenario.model_copy(
            update={
                "alternatives": [
                    alt.model_copy(update={"always_on": False}) if i == index else alt
                    for i, alt in enumerate(self.scenario.alternatives)
                ]
            }
        )
        outcome = evaluate(dataclasses.replace(self.resolved, scenario=changed)).alternatives[index]
        month = _maybe(outcome.break_even_month)
        within = pays_back_within(
            month, self.horizon_months, floats(outcome.cumulative_savings_usd)
        )
        return {
            "monthly_cost_usd": float(np.atleast_1d(outcome.costs.monthly_usd)[0]),
            "fleet_usd": float(np.atleast_1d(outcome.costs.components["gpus"])[0]),
            "break_even_month": month,
            "within_a_quarter": within[str(QUARTER_MONTHS)],
            "npv_usd": float(outcome.npv_usd),
        }

    def verdict(self) -> str:
        """One line: the best alternative by NPV and when (or why not) it pays back."""
        best = max(self.alternatives, key=lambda a: a.npv_usd)
        line = _alternative_verdict(
            best, self.horizon_months, self.scenario.scenario.discount_rate_annual
        )
        if len(self.alternatives) > 1:
            line = f"best of {len(self.alternatives)} by NPV: {line}"
        return line

    def _uncertainty(self, index: int) -> dict[str, Any]:
        assert self.uncertainty is not None
        return self.uncertainty.alternatives[index].to_dict() | {
            "seed": self.uncertainty.seed,
            "inputs": self.uncertainty.inputs,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.name,
            "horizon_months": self.horizon_months,
            "discount_rate_annual": self.scenario.scenario.discount_rate_annual,
            "requests_per_month": self.requests_per_month,
            "baseline": self.baseline.to_dict(),
            "alternatives": [
                alt.to_dict() | ({"uncertainty": self._uncertainty(i)} if self.uncertainty else {})
                for i, alt in enumerate(self.alternatives)
            ],
            "verdict": self.verdict(),
            "sources": {path: s.to_dict() for path, s in self.resolved.sources.items()},
            "estimates": self.resolved.details,
            "warnings": self.resolved.warnings,
        }


def _alternative_verdict(alt: AlternativeResult, horizon: int, rate: float) -> str:
    return f"{quoted(alt.name)} {outcome_text(alt, horizon, rate)}"


def configuration(option: Any, costs: OptionCosts) -> dict[str, Any] | None:
    """What a self-hosted option runs: model, GPU, precision, GPUs per replica, capacity,
    replicas in month 1 and at the most, and how the GPUs are paid for."""
    if not isinstance(option, SelfHostedOption):
        return None
    gpus = np.atleast_1d(costs.gpus) if costs.gpus is not None else np.zeros(1)
    per = option.gpus_per_replica or 1
    owned = option.owned
    out: dict[str, Any] = {
        "model": option.model,
        "gpu": option.gpu,
        "precision": option.precision if option.model and option.gpu else None,
        "gpus_per_replica": per,
        "replica_requests_per_s": option.replica_requests_per_s,
        "target_utilization": option.target_utilization,
        "always_on": option.always_on,
        "replicas_month_1": float(gpus[0]) / per,
        "replicas_max": float(np.max(gpus)) / per,
        "pricing": (
            f"owned ({owned.financing})"
            if owned
            else "serverless"
            if option.gpu_price == "serverless"
            else "on-demand"
            if option.commitment == "none"
            else f"{option.commitment} commitment"
        ),
        "usd_per_gpu_hour": None if owned else option.usd_per_gpu_hour,
        "gpu_price_change_annual": option.gpu_price_change_annual,
    }
    if owned is not None and costs.servers is not None:
        out["servers_month_1"] = float(np.atleast_1d(costs.servers)[0])
        out["servers_max"] = float(np.max(costs.servers))
    return out


def utilisation(
    option: Any, costs: OptionCosts, requests: FloatArray, peak_to_average: float
) -> FleetUtilisation | None:
    """How busy a self-hosted option's fleet is each month (its central values), from the
    requests it serves itself (those not escalated); an owned fleet's capacity counts every
    replica its servers hold, used or not (a shrinking fleet keeps them), and its power and
    colocation, paid on the servers in use, are idle beside those. ``None`` for other kinds."""
    if not isinstance(option, SelfHostedOption) or costs.gpus is None:
        return None
    escalation = float(getattr(option, "escalation_share", 0.0) or 0.0)
    fleet = np.sum([costs.components[k] for k in FLEET_COMPONENTS if k in costs.components], axis=0)
    gpus, owned, used = costs.gpus, None, None
    per_replica = float(option.gpus_per_replica or 1)
    if option.owned is not None and costs.servers is not None:
        per_server = math.floor(option.owned.gpus_per_server / per_replica) * per_replica
        used = np.asarray(costs.servers, dtype=np.float64) * per_server
        gpus = owned = servers_held(used)  # GPU slots held: the most in use so far

    def busy(gpus: FloatArray, cost: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        return fleet_utilisation(
            requests * (1.0 - escalation),
            gpus=gpus,
            gpus_per_replica=per_replica,
            replica_requests_per_s=float(option.replica_requests_per_s or 0.0),
            peak_to_average=peak_to_average,
            target_utilization=float(option.target_utilization),
            always_on=option.always_on,
            fleet_usd=cost,
        )

    facility = costs.components.get("facility") if used is not None else None
    average, peak, idle = busy(gpus, fleet if facility is None else fleet - facility)
    idle = idle if used is None or facility is None else idle + busy(used, facility)[2]
    return FleetUtilisation(
        average=floats(average),
        peak=floats(peak),
        fleet_usd=floats(np.broadcast_to(fleet, np.shape(average))),
        idle_usd=floats(idle),
        always_on=option.always_on,
        gpus=floats(costs.gpus),
        owned_gpus=None if owned is None else floats(np.broadcast_to(owned, np.shape(average))),
        spare_gpus=spare_gpus(costs),
        idle_gpus=None if costs.needed_gpus is None else floats(costs.gpus - costs.needed_gpus),
    )


def spare_gpus(costs: OptionCosts) -> list[float] | None:
    """The GPUs ``min_replicas`` keeps beyond what each month's traffic needs: the cost
    engine's ``needed_gpus`` less its ``traffic_gpus``, month by month; ``None`` where it
    does not count them."""
    if costs.needed_gpus is None or costs.traffic_gpus is None:
        return None
    return floats(costs.needed_gpus - costs.traffic_gpus)


def _alternative_result(
    name: str,
    kind: str,
    outcome: AlternativeOutcome,
    base: OptionCosts,
    requests: FloatArray,
    option: Any = None,
    peak_to_average: float = 1.0,
) -> AlternativeResult:
    plain = dataclasses.replace(
        OptionResult._from(name, kind, outcome.costs, requests),
        configuration=configuration(option, outcome.costs),
        utilisation=utilisation(option, outcome.costs, requests, peak_to_average),
    )
    month = _maybe(outcome.break_even_month)
    horizon = requests.shape[-1]
    saved = monthly_savings(base.monthly_usd, outcome.costs.monthly_usd)
    nothing = saves_nothing(floats(outcome.cumulative_savings_usd))
    return AlternativeResult(
        **plain.__dict__,
        one_time_usd=float(outcome.one_time_usd),
        one_time_items_usd={k: float(v) for k, v in outcome.one_time_items_usd.items()},
        cumulative_savings_usd=floats(outcome.cumulative_savings_usd),
        break_even_month=month,
        break_even_requests=_maybe(outcome.break_even_requests),
        npv_usd=float(outcome.npv_usd),
        pays_back_within=(
            dict.fromkeys(("3", "6", "12", "horizon"), False)  # the same price: nothing to gain
            if nothing
            else pays_back_within(
                month,
                horizon,
                floats(outcome.cumulative_savings_usd),
                never_pays_back(floats(saved), floats(outcome.costs.monthly_usd)),
            )
        ),
        monthly_savings_usd=floats(saved),
        reason=never_reason(  # the months the verdict reads (verdict.outcome_text)
            saved,
            outcome.cumulative_savings_usd,
            outcome.costs.monthly_usd,
            outcome.costs.components.get("retraining"),
        )
        if month is None
        else "the alternative " + NOT_CHEAPER
        if nothing
        else None,
    )


def analyze(
    scenario: Scenario | Resolved,
    catalog: Catalog | None = None,
    *,
    samples: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    value_terms: bool = True,
) -> Analysis:
    """The analysis of a scenario (see DESIGN.md, the accounting model).

    Catalog ids are resolved first (``catalog`` defaults to the packaged one). The answer
    uses each distribution's central value; with ``samples``, a Monte Carlo over the
    distributions and the ranked drivers are added per alternative. ``value_terms=False``
    leaves every option's ``quality`` and ``latency`` out (the infrastructure view); with
    them in, each alternative also carries that view's break-even and NPV.
    """
    if not value_terms:
        if isinstance(scenario, Resolved):
            scenario = dataclasses.replace(
                scenario,
                scenario=without_value_terms(scenario.scenario),
                original=without_value_terms(scenario.original),
                warnings=[w for w in scenario.warnings if VALUE_TERMS_ADVICE not in w],
            )
        else:
            scenario = without_value_terms(scenario)
    resolved = scenario if isinstance(scenario, Resolved) else resolve(scenario, catalog)
    scenario = resolved.scenario
    ev = evaluate(resolved)
    peak = float(scenario.traffic.peak_to_average)
    baseline = dataclasses.replace(
        OptionResult._from(
            scenario.baseline.name, scenario.baseline.kind, ev.baseline, ev.requests
        ),
        configuration=configuration(scenario.baseline, ev.baseline),
        utilisation=utilisation(scenario.baseline, ev.baseline, ev.requests, peak),
    )
    alternatives = [
        _alternative_result(
            option.name, option.kind, outcome, ev.baseline, ev.requests, option, peak
        )
        for option, outcome in zip(scenario.alternatives, ev.alternatives, strict=True)
    ]
    if has_value_terms(scenario):
        plain = evaluate(Resolved(without_value_terms(scenario), resolved.original))
        alternatives = [
            dataclasses.replace(
                alt,
                infrastructure_only={
                    "break_even_month": _maybe(outcome.break_even_month),
                    "break_even_requests": _maybe(outcome.break_even_requests),
                    "npv_usd": float(outcome.npv_usd),
                },
            )
            for alt, outcome in zip(alternatives, plain.alternatives, strict=True)
        ]
    uncertainty = None
    if samples is not None:
        # studies sit above analysis (see the module's docstring): imported when asked for
        from payback.studies.uncertainty import monte_carlo, tornado

        mc = monte_carlo(resolved, samples, seed, progress)
        if mc.warnings:  # samples past the fleet cap: said where the scenario's own are
            resolved = dataclasses.replace(resolved, warnings=[*resolved.warnings, *mc.warnings])
        drivers = tornado(resolved)
        uncertainty = dataclasses.replace(
            mc,
            alternatives=[
                dataclasses.replace(summary, drivers=ranked)
                for summary, ranked in zip(mc.alternatives, drivers, strict=True)
            ],
        )
    return Analysis(
        resolved=resolved,
        requests_per_month=floats(ev.requests),
        baseline=baseline,
        alternatives=alternatives,
        uncertainty=uncertainty,
    )
