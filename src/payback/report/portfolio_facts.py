"""What a portfolio's ``payback explain`` says, as numbers (``explain --json``'s
``alternatives`` for a scenario with ``[[workloads]]``), and the helpers the words
(:mod:`payback.report.portfolio_document`) read them through, so the two cannot drift."""

from __future__ import annotations

from typing import Any, TypedDict

from payback.analysis.result import QUARTER_MONTHS
from payback.analysis.verdict import has_cost_per_1k, saves_nothing, usd_per_1k
from payback.report.common import span_text
from payback.report.explain import crossing, measure_first
from payback.report.fleet import changes_the_answer
from payback.report.portfolio_common import idle_most
from payback.studies.capacity_held import kept_for, portfolio_capacity_held_line
from payback.studies.portfolio import PortfolioAlternative, PortfolioAnalysis
from payback.studies.uncertainty import Driver

__all__ = [
    "capacity_held",
    "driver_label",
    "driver_span",
    "idle_facts",
    "last_month_saving",
    "lowering_steps",
    "month_one",
    "own_fleets",
    "portfolio_explain_json",
    "sampled",
]


def portfolio_explain_json(
    analysis: PortfolioAnalysis,
    sections: list[tuple[str, list[str]]],
    ranked: list[list[Driver]],
) -> dict[str, Any]:
    """``explain --json`` of a portfolio: the ``sections`` of words, the scenario's terms,
    its workloads and, per alternative, the numbers the words say."""
    whole = analysis.to_dict()
    held = capacity_held(analysis, ranked)
    return {
        "sections": [{"title": t, "paragraphs": p} for t, p in sections],
        "scenario": analysis.name,
        "horizon_months": analysis.horizon_months,
        "discount_rate_annual": analysis.scenario.scenario.discount_rate_annual,
        "workloads": whole["workloads"],
        "verdict": whole["verdict"],
        "alternatives": [
            _facts(analysis, alt, drivers)
            | {"capacity_held": held[index], "uncertainty": sampled(analysis, index)}
            | {k: v for k, v in whole["alternatives"][index].items() if k == "baseline_fleet"}
            for index, (alt, drivers) in enumerate(zip(analysis.alternatives, ranked, strict=True))
        ],
    }


def _facts(
    analysis: PortfolioAnalysis, alt: PortfolioAlternative, drivers: list[Driver]
) -> dict[str, Any]:
    horizon = analysis.horizon_months
    cum = alt.cumulative_savings_usd
    month = alt.break_even_month
    crossed = None
    if month is not None and month > 0 and not saves_nothing(cum):
        m, before, after = crossing(cum, month)
        crossed = {"month": m, "savings_before_usd": before, "savings_after_usd": after}
    return {
        "name": alt.name,
        "kind": alt.kind,
        "fleet": alt.fleet,
        "workloads": alt.workloads,
        "within_a_quarter": alt.pays_back_within.get(str(QUARTER_MONTHS)),
        "pays_back_within": alt.pays_back_within,
        "saves_nothing": saves_nothing(cum),
        "break_even_month": None if saves_nothing(cum) else month,
        "break_even_requests": None if saves_nothing(cum) else alt.break_even_requests,
        "npv_usd": alt.npv_usd,
        "one_time_usd": alt.one_time_usd,
        "shared_one_time_usd": alt.shared_one_time_usd,
        "month_1": month_one(alt),
        "last_month": {"month": horizon, "saving_usd": last_month_saving(alt)},
        "crossing": crossed,
        "shared_fleet": None
        if alt.gpus is None
        else {
            "gpus_month_1": alt.gpus[0],
            "pinned_gpus_month_1": None if alt.pinned_gpus is None else alt.pinned_gpus[0],
            "mixed_gpus_month_1": None if alt.mixed_gpus is None else alt.mixed_gpus[0],
            "spare_gpus_month_1": None if alt.spare_gpus is None else alt.spare_gpus[0],
        }
        | idle_facts(alt),
        "own_fleets": None
        if (own := own_fleets(alt)) is None
        else own
        | {"spare_gpus_month_1": None if alt.spare_gpus is None else alt.spare_gpus[0]}
        | idle_facts(alt),
        "contributions": [c.to_dict() for c in alt.contributions],
        "carry_the_fleet": alt.carriers,
        "ride_on_it": alt.riders,
        "migration_order": [s.to_dict() for s in alt.order],
        "greedy_is_best": alt.greedy_is_best,
        "lowers_the_npv": lowering_steps(alt),
        "quarter": alt.quarter,
        "drivers": [
            d.to_dict()
            | {
                "label": driver_label(analysis, d.parameter),
                "range": driver_span(analysis, d),
                "changes_the_answer": changes_the_answer(d),
            }
            for d in drivers
        ],
        "measure_first": None
        if not drivers
        else {"parameter": drivers[0].parameter, "what": measure_first(drivers[0].parameter)},
    }


def capacity_held(analysis: PortfolioAnalysis, ranked: list[list[Driver]]) -> list[str | None]:
    """Per alternative, the caution its "what decides it" ends with: the line ``payback
    sensitivity`` warns with where the ``ranked`` drivers vary a token length while a
    capacity the file gives stays as it is
    (:func:`~payback.studies.capacity_held.portfolio_capacity_held_line`), naming its
    capacities and the baseline's only (:func:`~payback.studies.capacity_held.kept_for`):
    another alternative's are said in its own section; ``None`` where none is held."""
    paths = [d.parameter for r in ranked for d in r]
    return [
        portfolio_capacity_held_line(analysis.portfolio, paths, kept_for(i))
        for i in range(len(analysis.alternatives))
    ]


class MonthOne(TypedDict):
    """Month 1 of a portfolio alternative (:func:`month_one`)."""

    requests: float
    baseline_usd: float
    baseline_usd_per_1k_requests: float | None
    alternative_usd: float
    alternative_usd_per_1k_requests: float | None
    saving_usd: float


def month_one(alt: PortfolioAlternative) -> MonthOne:
    """Month 1 as the break-even's worked example says it: the workloads' requests, their
    cost on today's APIs and on the alternative (each also per 1,000 requests; ``None``
    under one request: :func:`~payback.analysis.verdict.has_cost_per_1k`) and the saving."""
    base, cost, requests = alt.baseline_usd[0], alt.monthly_cost_usd[0], alt.requests_per_month[0]
    counted = bool(has_cost_per_1k(requests))  # under 1 request, no cost of 1,000 (None)
    return {
        "requests": requests,
        "baseline_usd": base,
        "baseline_usd_per_1k_requests": float(usd_per_1k(base, requests)) if counted else None,
        "alternative_usd": cost,
        "alternative_usd_per_1k_requests": float(usd_per_1k(cost, requests)) if counted else None,
        "saving_usd": base - cost,
    }


class Sampled(TypedDict):
    """What ``--samples`` draws say of one alternative (:func:`sampled`)."""

    samples: int
    inputs: list[str]
    p_break_even_within: dict[str, float | None]
    p_behind_again_at: dict[str, float | None]
    break_even_month_p50: float | None
    p_npv_positive: float


def sampled(analysis: PortfolioAnalysis, index: int) -> Sampled | None:
    """With ``--samples``, what the draws say of alternative ``index``, as a scenario's
    explain --json gives it (the samples, the share paid back within each window, the
    median break-even, the share with a positive NPV) and the paths sampled (none: the
    scenario has no distribution, every sample the same); ``None`` without samples."""
    if analysis.uncertainty is None:
        return None
    summary = analysis.uncertainty["alternatives"][index]
    return {
        "samples": summary["samples"],
        "inputs": list(analysis.uncertainty["inputs"]),
        "p_break_even_within": summary["p_break_even_within"],
        "p_behind_again_at": summary["p_behind_again_at"],
        "break_even_month_p50": summary["break_even_month_percentiles"]["p50"],
        "p_npv_positive": summary["p_npv_positive"],
    }


def last_month_saving(alt: PortfolioAlternative) -> float:
    """What switching saves in the horizon's last month (negative: it costs more)."""
    return alt.baseline_usd[-1] - alt.monthly_cost_usd[-1]


def lowering_steps(alt: PortfolioAlternative) -> list[str]:
    """The workloads whose move, after those before it, lowers the NPV (a negative marginal
    NPV), in order. Not the first: its marginal NPV is the first move's whole NPV, the shared
    one-time cost and fleet in it, so it reads negative for the workload that carries the
    fleet (examples/portfolio.toml: support triage, -$13,340, which the others then repay)."""
    return [s.workload for s in alt.order[1:] if s.marginal_npv_usd < 0]


def driver_label(analysis: PortfolioAnalysis, path: str) -> str:
    """An input's plain label, a workload's own input with the workload's name in front."""
    from payback.report.labels import input_label

    head, _, rest = path.partition(".")
    if head == "workloads":
        index, _, rest = rest.partition(".")
        name = (analysis.scenario.workloads or [])[int(index)].name
        owner = f"{name}'" if name.endswith("s") else f"{name}'s"  # ticket summaries' volume
        return f"{owner} {input_label(rest, units=False)}"
    return input_label(path, units=False)


def driver_span(analysis: PortfolioAnalysis, d: Driver) -> str:
    """The range an input was moved over, its values with their unit, as a scenario's
    explain says it (:func:`~payback.report.common.span_text`): ``$1.88 to $3.12/1M
    tokens, ±25%``, ``-30.0% to 0.0% a year, assumed for a rate left at 0``."""
    from payback.analysis.portfolio import central_value

    return span_text(d, lambda: float(central_value(analysis.portfolio, d.parameter)))


def idle_facts(alt: PortfolioAlternative) -> dict[str, float | int | None]:
    """The GPUs a 1y/3y commitment keeps reserved beyond each month's need, as the words
    say them (:func:`~payback.report.portfolio_common.idle_words`): in month 1 (beside
    ``spare_gpus_month_1``, so month 1's counts add up to its GPUs), the most in any month
    and in how many months there are any; ``None`` for an option with no fleet."""
    if alt.idle_gpus is None:
        return dict.fromkeys(("idle_gpus_month_1", "idle_gpus_max", "months_with_idle_gpus"))
    most, months = idle_most(alt)
    return {
        "idle_gpus_month_1": alt.idle_gpus[0],
        "idle_gpus_max": most,
        "months_with_idle_gpus": months,
    }


def own_fleets(alt: PortfolioAlternative) -> dict[str, float] | None:
    """The GPUs of a fleet per workload, all together (or of one workload's own fleet), in
    month 1 and at the most ("5 GPUs in all in month 1"); ``None`` for a shared fleet or an
    option with no fleet."""
    every = alt.separate_gpus or alt.one_fleet_gpus
    return None if not every else {"gpus_month_1": every[0], "gpus_max": max(every)}
