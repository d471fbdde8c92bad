"""A portfolio analysis in plain words (``payback explain``, and the "What it means" of
``payback report``): per alternative, what moving the workloads together costs and saves,
who carries the fleet, how the break-even is computed, the order to move them in and what
decides it. Only reads the analysis; money through :mod:`payback.report.fleet`'s helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from payback.analysis.result import months_text
from payback.analysis.result import usd as money
from payback.analysis.verdict import NOT_CHEAPER, saves_nothing
from payback.figures import rate_text
from payback.money import tiny_usd
from payback.report.common import in_month_text
from payback.report.explain import crossing_text
from payback.report.fleet import npv_words, prose_usd
from payback.report.portfolio_common import (
    baseline_fleet,
    baseline_today,
    counted,
    gpus_text,
    idle_words,
    month_costs,
    one_fleet_kept,
    one_time_parts,
    placement_words,
    step_break_even,
)
from payback.report.portfolio_facts import (
    Sampled,
    capacity_held,
    driver_label,
    driver_span,
    last_month_saving,
    lowering_steps,
    month_one,
    own_fleets,
    sampled,
)
from payback.studies.portfolio import PortfolioAlternative, PortfolioAnalysis
from payback.studies.uncertainty import Driver

if TYPE_CHECKING:
    from payback.analysis.portfolio_baseline import BaselineFleetFacts

__all__ = [
    "break_even_paragraphs",
    "drivers_paragraphs",
    "npv_terms",
    "order_paragraph",
    "portfolio_explanation",
    "ranked_drivers",
    "samples_words",
]


def npv_terms(analysis: PortfolioAnalysis) -> str:
    """``24 months at 10%``: the NPV's horizon and discount rate, as ``analyze`` says them."""
    rate = analysis.scenario.scenario.discount_rate_annual
    return months_text(analysis.horizon_months) + (f" at {rate_text(rate)}" if rate else "")


def _names(names: list[str], one: str, many: str) -> str:
    """``a saves`` or ``a, b save``: never at a sentence's start, where a name written in
    lowercase ("support triage") would start it in lowercase (its words come first)."""
    return f"{', '.join(names)} {one if len(names) == 1 else many}"


def _adds(value: float) -> str:
    """A step's marginal NPV as a verb: ``adds $3,369`` or ``lowers the NPV by $10,294``
    (it read "adds -$10,294"), the amount as :func:`~payback.report.fleet.npv_words`'s."""
    text = prose_usd(abs(value))
    return f"lowers the NPV by {text}" if value < 0 and text.strip("$0.,") else f"adds {text}"


def break_even_paragraphs(
    alt: PortfolioAlternative,
    horizon: int,
    today: str = "today's APIs",
    sheds: bool = False,
    own: tuple[str, ...] = (),
) -> list[str]:
    """How the alternative's break-even is computed, with its figures: month 1's costs of
    the workloads on what they run on today (``today``, :func:`baseline_today`'s words) and
    on the alternative, the one-time cost, and the month the cumulative savings cross zero
    (linear inside that month), as ``explain`` says it for one scenario. ``sheds``: the
    workloads share a baseline fleet today, so their baseline figure is what moving them
    sheds of it, not what they cost there; ``own``: those it serves that run on baselines
    of their own, whose costs there the figure includes."""
    one = month_one(alt)
    base, cost, saved = one["baseline_usd"], one["alternative_usd"], one["saving_usd"]
    n = len(alt.workloads)
    base_1k, cost_1k = one["baseline_usd_per_1k_requests"], one["alternative_usd_per_1k_requests"]
    requests = f"{one['requests']:,.0f}"
    them = "the workload" if n == 1 else f"the {n} workloads"
    first = (
        f"In month 1 moving {them} off {today} saves {prose_usd(base)} there "
        + (
            f"(what it sheds of the baseline fleet and what {', '.join(own)} "
            f"{'costs' if len(own) == 1 else 'cost'} on {'its' if len(own) == 1 else 'their'}"
            " own; "
            if own
            else "("
        )
        + f"{counted(requests, 'request')}"
        if sheds
        else f"In month 1 {'the workload costs' if n == 1 else f'the {n} workloads cost'} "
        f"{prose_usd(base)} on {today} ({counted(requests, 'request')}"
    )
    first += (
        (f", {tiny_usd(base_1k)} per 1,000" if base_1k is not None and not sheds else "")
        + f") and '{alt.name}' costs {prose_usd(cost)}"
        + (f" ({tiny_usd(cost_1k)} per 1,000)" if cost_1k is not None else "")
        + ", so switching "
        + (
            f"saves {prose_usd(saved)} that month."
            if saved >= 0
            else f"costs {prose_usd(-saved)} more that month."
        )
    )
    last = last_month_saving(alt)
    if money(last) != money(saved):
        first += (
            f" The difference moves with the months (traffic, prices, the fleet): in month "
            f"{horizon} it "
            + (f"saves {prose_usd(last)}." if last >= 0 else f"costs {prose_usd(-last)} more.")
        )
    cum = alt.cumulative_savings_usd
    second = (
        f"Cumulative savings start at {prose_usd(cum[0])} (the one-time cost"
        + (
            f", {parts}"
            if (parts := one_time_parts(alt, prose_usd, "of it shared", "the workloads' own"))
            else f", {prose_usd(alt.shared_one_time_usd)} of it shared"
            if alt.shared_one_time_usd != alt.one_time_usd
            else ""
        )
        + ") and add each month's difference."
    )
    second += crossing_text(cum, alt.break_even_month, alt.break_even_requests, horizon)
    return [first, second]


def order_paragraph(alt: PortfolioAlternative, horizon: int) -> str:
    """Why the migration order is this one, with each step's figures."""
    steps = alt.order
    head = steps[0]
    best = alt.greedy_is_best is False  # the greedy order lost: the best order is shown
    text = (
        "The order is the one whose first k workloads add up to the most NPV (the sum of the "
        "NPVs of each first k, checked against every order); moving the best next workload "
        f"each time does less well. The first to move is {head.workload} (NPV alone "
        f"{npv_words(head.marginal_npv_usd)})"
        if best
        else f"The first to move is {head.workload}: alone it has the highest NPV of any "
        f"workload ({npv_words(head.marginal_npv_usd)})"
    )
    moves = "; ".join(
        f"{s.workload} {_adds(s.marginal_npv_usd)} (NPV so far {npv_words(s.npv_usd)}, "
        f"{step_break_even(s, horizon, 'break-even ')})"
        for s in steps[1:]
    )
    if best:
        text += f"; then {moves}."
    else:
        text += (
            ". Then each step moves the workload that adds the most NPV given those already "
            f"moved: {moves}."
        )
        if alt.greedy_is_best:
            text += (
                " Checked against every order (the sum of the NPVs of each first k): none is "
                "better."
            )
        else:
            text += " There are too many workloads to check every order."
    return text


def drivers_paragraphs(analysis: PortfolioAnalysis, drivers: list[Driver]) -> list[str]:
    """The inputs that move the alternative's answer most (``payback sensitivity``'s
    tornado: each input alone at its p10 and p90, or ±25%, the rest central), what the
    others do and what to measure first, as a scenario's explain says them
    (:func:`payback.report.explain.drivers_paragraphs`), each range with its values."""
    from payback.report.explain import drivers_paragraphs as said

    return said(
        drivers,
        analysis.horizon_months,
        lambda path: driver_label(analysis, path),
        lambda d: driver_span(analysis, d),
    )


def _portfolio_paragraphs(analysis: PortfolioAnalysis, alt: PortfolioAlternative) -> list[str]:
    """What moving the workloads together costs and saves, who carries the fleet and the
    quarter, for one alternative."""
    horizon = analysis.horizon_months
    cost, base, _, _ = month_costs(alt, horizon)
    paragraphs = [
        f"It serves {len(alt.workloads)} workload{'' if len(alt.workloads) == 1 else 's'} "
        f"({', '.join(alt.workloads)}) for "
        f"{cost} a month in month 1, against "
        f"{base} on what {'it uses' if len(alt.workloads) == 1 else 'they use'} today, "
        + (
            "with nothing to pay up front."
            if alt.one_time_usd == 0
            else f"after a one-time {prose_usd(alt.one_time_usd)}"
            + (
                f" ({parts})."
                if (parts := one_time_parts(alt, prose_usd, "of it shared by all", "per workload"))
                else f" ({prose_usd(alt.shared_one_time_usd)} of it shared by all)."
                if alt.shared_one_time_usd != alt.one_time_usd
                else "."
            )
        ),
        (
            f"It {NOT_CHEAPER}"  # the verdict's own words, not "it pays back at once"
            if saves_nothing(alt.cumulative_savings_usd)
            else f"It does not pay back within {months_text(horizon)}"
            if alt.break_even_month is None
            else f"It pays back {in_month_text(alt.break_even_month)}"
        )
        + f"; its NPV over {npv_terms(analysis)} is {npv_words(alt.npv_usd)}.",
    ]
    if alt.gpus is not None:
        placed = placement_words(alt)
        paragraphs.append(
            f"The shared fleet runs {gpus_text(alt.gpus[0], 'GPU')} in month 1: "
            + (placed or "every one mixes adapters")
            + "."
            + _why_pinned(alt)
            + _why_spare(alt)
            + _reserved(alt)
        )
        carriers, riders = alt.carriers, alt.riders
        roles = [
            f"{_names(carriers, 'saves', 'save')} more than {'its' if len(carriers) == 1 else 'their'} "
            f"share and {'carries' if len(carriers) == 1 else 'carry'} the fleet" if carriers else "",
            f"{_names(riders, 'saves', 'save')} less and {'rides' if len(riders) == 1 else 'ride'} "
            "on it" if riders else "",
        ]  # fmt: skip
        said = "; ".join(r for r in roles if r)
        paragraphs.append(
            "Each workload pays for the shared fleet by its share of GPU time"
            + (f": {said}." if said else ".")
        )
    elif own := _own_fleets(alt):
        paragraphs.append(own)
    index = [a.name for a in analysis.alternatives].index(alt.name)  # names are unique
    facts = baseline_fleet(analysis, index)
    if alt.gpus is None and (losing := alt.riders):
        one = len(losing) == 1
        paragraphs.append(
            (
                f"On a fleet of its own, {_names(losing, 'saves', 'save')} less than the fleet "
                "costs."
                if one
                else f"On fleets of their own, {_names(losing, 'saves', 'save')} less than "
                "their fleets cost."
            )
            if alt.fleet  # a fleet per workload
            else _losing_words(alt, losing, facts)
        )  # priced per request or token: no fleet
    from payback.report.portfolio_common import baseline_fleet_paragraph

    if facts is not None:
        paragraphs.append(baseline_fleet_paragraph(facts))
    if losing_steps := lowering_steps(alt):
        one = len(losing_steps) == 1  # "it ... lowers", "them ... lower"
        paragraphs.append(
            f"Moved after the workloads before {'it' if one else 'them'}, "
            f"{_names(losing_steps, 'lowers', 'lower')} the NPV (a negative marginal NPV)."
        )
    if not saves_nothing(alt.cumulative_savings_usd):  # else its words open the section
        paragraphs.append(alt.quarter + ".")
    return paragraphs


def _losing_words(
    alt: PortfolioAlternative, losing: list[str], facts: BaselineFleetFacts | None
) -> str:
    """What the workloads that do not pay their way on an alternative with no fleet (a
    price per request or token) bring once their own one-time items are paid: those whose
    net is $0 save nothing, the others lose their nets; on a baseline fleet the set retires
    or shrinks together, what the set saves that no workload saves moving alone."""
    nets = {c.workload: c.net_usd for c in alt.contributions}
    nothing = [w for w in losing if not prose_usd(-nets[w]).strip("$0.,")]
    lose = [w for w in losing if w not in nothing]
    alone = facts is not None and len(facts.moved) > 1
    by = "by moving alone" if alone else "by moving"
    parts = ([f"{_names(nothing, 'saves', 'save')} nothing {by}"] if nothing else []) + (
        [f"{_names(lose, 'loses', 'lose')} {', '.join(prose_usd(-nets[w]) for w in lose)} {by}"]
        if lose
        else []
    )
    one = len(losing) == 1
    text = (
        f"Once {'its' if one else 'their'} own one-time items are paid, "
        + "; ".join(parts)
        + " (present values)"
    )
    if alone and facts is not None and round(facts.joint_usd, 2) > 0.0:
        text += (
            f"; moved as a set, they save {prose_usd(facts.joint_usd)} more of the baseline"
            " fleet, which none saves alone"
        )
    return text + "."


def _own_fleets(alt: PortfolioAlternative) -> str:
    """The GPUs of a fleet per workload, all together, or of one workload's own fleet, as
    the summary's fleet row counts them (:func:`~payback.report.portfolio_common.fleet_words`);
    ``""`` for an option with no fleet."""
    if (fleets := own_fleets(alt)) is None:
        return ""
    first, most = fleets["gpus_month_1"], fleets["gpus_max"]
    grows = f", up to {gpus_text(most)}" if most != first else ""
    if alt.separate_gpus:
        return (
            f"Each workload runs its own fine-tuned model on its own fleet: "
            f"{gpus_text(first, 'GPU')} in all in month 1{one_fleet_kept(alt)}{grows}."
            + _reserved(alt)
        )
    return (
        f"Its one workload runs on a fleet of its own: {gpus_text(first, 'GPU')} in month 1"
        f"{one_fleet_kept(alt)}{grows}." + _reserved(alt)
    )


def _why_pinned(alt: PortfolioAlternative) -> str:
    """Why a shared fleet pins replicas to one workload in month 1, after a space; ``""``
    when it pins none."""
    if not (alt.pinned_gpus and alt.pinned_gpus[0] > 0):
        return ""
    return (
        " A replica that serves one workload's adapter alone runs it merged, without the "
        "multi-adapter penalty, so workloads that fill whole replicas get their own and "
        "only the leftovers mix."
    )


def _why_spare(alt: PortfolioAlternative) -> str:
    """What the GPUs ``min_replicas`` keeps beyond the traffic's need in month 1 do, after
    a space; ``""`` when the floor keeps none."""
    if not (alt.spare_gpus and alt.spare_gpus[0] > 0):
        return ""
    return (
        " Those kept by min_replicas run the base model and every adapter as well and share "
        "the load; they are paid for whatever the traffic."
    )


def _reserved(alt: PortfolioAlternative) -> str:
    """A sentence on the GPUs a 1y/3y commitment pays for in months that need fewer
    (:func:`~payback.report.portfolio_common.idle_words`), after a space; ``""`` if none."""
    if not (words := idle_words(alt)):
        return ""
    return (
        " A commitment pays to the end of its term for the most GPUs that term has needed: "
        f"{words}."
    )


def samples_words(summary: Sampled, horizon: int) -> str:
    """What ``--samples`` draws say of one alternative (:func:`sampled`), in a scenario's
    explain's words; with no distribution in the scenario, that every sample is the same."""
    from payback.report.explain import samples_paragraph

    return samples_paragraph(
        summary["samples"],
        summary["p_break_even_within"],
        summary["break_even_month_p50"],
        summary["p_npv_positive"],
        horizon,
        uncertain=bool(summary["inputs"]),
        behind=summary["p_behind_again_at"],
    )


def ranked_drivers(analysis: PortfolioAnalysis) -> list[list[Driver]]:
    """Each alternative's drivers, as ``payback sensitivity`` ranks them (computed once for
    the words and the numbers)."""
    from payback.studies.portfolio_uncertainty import portfolio_tornado

    return portfolio_tornado(analysis.portfolio)


def portfolio_explanation(
    analysis: PortfolioAnalysis, ranked: list[list[Driver]] | None = None
) -> list[tuple[str, list[str]]]:
    """In plain words, per alternative: what moving the workloads together costs and saves,
    who carries the fleet, the order to move them in and the quarter; ``ranked``: the
    drivers of :func:`ranked_drivers`, computed when not given."""
    horizon = analysis.horizon_months
    ranked = ranked_drivers(analysis) if ranked is None else ranked
    held = capacity_held(analysis, ranked)
    sections = []
    for index, (alt, drivers) in enumerate(zip(analysis.alternatives, ranked, strict=True)):
        paragraphs = _portfolio_paragraphs(analysis, alt)
        if (summary := sampled(analysis, index)) is not None:  # beside the answer, as one
            paragraphs.insert(2, samples_words(summary, horizon))  # scenario's verdict
        sections.append((f"{alt.name}: the portfolio", paragraphs))
        sections.append(
            (
                f"{alt.name}: how the break-even is computed here",
                break_even_paragraphs(
                    alt,
                    horizon,
                    baseline_today(analysis, alt),
                    sheds=(facts := baseline_fleet(analysis, index)) is not None,
                    own=tuple(w for w in alt.workloads if facts and w not in facts.workloads),
                ),
            )
        )
        if len(alt.order) > 1:
            sections.append(
                (f"{alt.name}: why this migration order", [order_paragraph(alt, horizon)])
            )
        said = drivers_paragraphs(analysis, drivers)
        if held[index] is not None:
            said.append(f"Caution: {held[index]}.")  # as payback sensitivity warns it
        sections.append((f"{alt.name}: what decides it", said))
    return sections
