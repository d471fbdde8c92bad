"""A plain-language account of an analysis, with this scenario's numbers (no LLM call)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from payback.analysis.result import QUARTER_MONTHS, AlternativeResult, Analysis, months_text
from payback.analysis.verdict import (
    NOT_CHEAPER,
    behind_again_text,
    falls_behind_text,
    has_cost_per_1k,
    month_figure,
    requests_text,
    saves_nothing,
)
from payback.figures import rate_text, share_text, whole_text
from payback.money import small_usd, tiny_usd
from payback.report.common import (
    COMPONENT_LABELS,
    ONE_TIME_LABELS,
    SAME_SAMPLES,
    configuration_text,
    driver_range,
    in_month_text,
    month_text,
    quarter_text,
)
from payback.report.fleet import (
    ANSWER_WORDS,
    break_even_span,
    changes_the_answer,
    escalation_words,
    moves_words,
    not_within,
    part_shares,
    prose_usd,
    quiet_line,
    split_drivers,
    why_paragraphs,
)
from payback.report.fleet import npv_words as npv_words
from payback.report.fleet import usd_alike as usd_alike
from payback.report.labels import input_label
from payback.report.measuring import MEASURE_FIRST as MEASURE_FIRST
from payback.report.measuring import measure_first as measure_first
from payback.report.monthly import monthly_changes as monthly_changes
from payback.report.windows import samples_behind_text, window_shares

if TYPE_CHECKING:
    from payback.studies.uncertainty import Driver

usd = prose_usd
"""Money in prose: whole dollars from $10, cents below, more places where cents would not
write it within 1% (:func:`~payback.report.fleet.prose_usd`)."""


def _costs(analysis: Analysis, alt: AlternativeResult) -> list[str]:
    items = sorted((alt.one_time_items_usd or {}).items(), key=lambda kv: -kv[1])
    items = [(k, v) for k, v in items if v > 0]
    total = alt.one_time_usd
    shares = dict(zip([k for k, _ in items], part_shares([v for _, v in items]), strict=True))
    money = small_usd(total, *(v for _, v in items))  # "$0.01 before it saves anything"
    listed = ", ".join(f"{ONE_TIME_LABELS.get(k, k)} {money(v)} ({shares[k]})" for k, v in items)
    paragraphs = []
    if total > 0:
        largest = items[0][0]
        runs = (
            f"The training runs themselves are {shares['training']} of that"
            if "training" in shares
            else "There is no training run to pay for"
        )
        paragraphs.append(
            f"'{alt.name}' costs {money(total)} before it saves anything: {listed}. {runs}; the "
            f"largest item is {ONE_TIME_LABELS.get(largest, largest)}."
        )
    else:
        paragraphs.append(f"'{alt.name}' has no one-time cost in this scenario.")
    month1 = {k: v[0] for k, v in alt.components_usd.items() if k != "retraining" and v[0] > 0}
    retraining = retraining_paid(alt)
    horizon = analysis.horizon_months
    running_total, staying = sum(alt.monthly_cost_usd), sum(analysis.baseline.monthly_cost_usd)
    money = small_usd(  # "API / usage fees $0.0003", not "$0.00"
        *month1.values(), *(retraining or (0.0,))[:1], running_total, total, staying
    )
    running = ", ".join(f"{COMPONENT_LABELS.get(k, k)} {money(v)}" for k, v in month1.items())
    sentence = f"Running it costs, in month 1, {running or 'nothing'}"
    if retraining is not None:
        cost, every = retraining
        sentence += f", and {money(cost)} for retraining every {months_text(every)}"
    sentence += (
        f". Over {months_text(horizon)} that is {money(running_total)} of running costs plus the "
        f"one-time {money(total)}, against {money(staying)} for staying on "
        f"'{analysis.baseline.name}'."
    )
    config = configuration_text(alt.configuration)
    if config:
        sentence += f" It serves with {config}."
    if escalated := escalation_words(analysis, analysis.alternatives.index(alt)):
        sentence += f" Escalation: {escalated}."
    paragraphs.append(sentence)
    return paragraphs


def retraining_paid(alt: AlternativeResult) -> tuple[float, int] | None:
    """What one retraining costs and every how many months it is paid (the first month
    paid when it is paid once); ``None`` without one within the horizon."""
    paid = [m + 1 for m, v in enumerate(alt.components_usd.get("retraining") or []) if v > 0]
    if not paid:
        return None
    return alt.components_usd["retraining"][paid[0] - 1], (
        paid[1] - paid[0] if len(paid) > 1 else paid[0]
    )


def _how(analysis: Analysis, alt: AlternativeResult) -> list[str]:
    base, cost = analysis.baseline, alt.monthly_cost_usd
    requests = analysis.requests_per_month[0]
    saved = base.monthly_cost_usd[0] - cost[0]
    money = usd_alike(base.monthly_cost_usd[0], cost[0], saved)
    served = f"{requests_text(requests)} request{'' if requests == 1 else 's'}"
    if has_cost_per_1k(requests):  # the results' rule: none under one request
        served += f" at {tiny_usd(base.usd_per_1k_requests[0])} per 1,000"
        own = f" ({tiny_usd(alt.usd_per_1k_requests[0])} per 1,000)"
    else:
        served, own = served + ", too few for a cost per 1,000", ""
    first = (
        f"In month 1 the baseline costs {money(base.monthly_cost_usd[0])} ({served}) and "
        f"'{alt.name}' costs {money(cost[0])}{own}, so switching "
        + (
            f"saves {money(saved)} that month."
            if saved >= 0
            else f"costs {money(-saved)} more that month."
        )
    )
    changes = monthly_changes(analysis, alt)
    if changes:
        listed = (
            changes[0] if len(changes) == 1 else ", ".join(changes[:-1]) + " and " + changes[-1]
        )
        first += f" The monthly difference then moves because {listed}."
    cum = alt.cumulative_savings_usd or []
    second = f"Cumulative savings start at {prose_usd(cum[0])} (the one-time cost) and add each month's difference."
    second += crossing_text(
        cum, alt.break_even_month, alt.break_even_requests, analysis.horizon_months, alt.reason
    )
    return [first, second]


def crossing_text(
    cum: list[float],
    month: float | None,
    requests: float | None,
    horizon: int,
    reason: str | None = None,
) -> str:
    """Where the cumulative savings ``cum`` (month 0 first) reach zero, worked out: the
    month they cross, the two figures around it and the linear step inside the month; or
    why they never do (``reason``), or that nothing is saved. For a scenario and a
    portfolio alike.

    >>> crossing_text([-400.0, -140.0, 120.0], 1 + 140 / 260, 30_769.2, 6)
    ' They first reach zero in month 2: -$140 at the end of month 1, $120 at the end of month 2. Linear inside the month, break-even = 1 + $140 / $260 = month 1.54, after 30,769 requests.'
    """
    if month is None:
        return f" They never reach zero within {months_text(horizon)}" + (
            f": {reason}." if reason else "."
        )
    if saves_nothing(cum):
        return (
            " They stay at zero: nothing to recover and nothing saved, so the break-even is "
            "month 0 by the formula but switching gains nothing."
        )
    if month == 0:
        return " With nothing to recover and month 1 not losing money, it pays back at once."
    m, before, after = crossing(cum, month)
    count = whole_text(requests or 0)  # it read "after 1 requests"
    money = small_usd(before, after, after - before)  # "3 + $0.0019 / $0.0027", not "$0.00 / $0.00"
    return (
        f" They first reach zero in month {m}: {money(before)} at the end of month {m - 1}, "
        f"{money(after)} at the end of month {m}. Linear inside the month, break-even = {m - 1} + "
        f"{money(-before)} / {money(after - before)} = month {month_figure(month, 2)}, after "
        f"{count} request{'' if count == '1' else 's'}."
    )


def _paid_back(
    alt: AlternativeResult, t: float, horizon: int, money: Callable[[float], str], behind: bool
) -> str:
    """When it pays back, as the verdict says it: a project behind again after its
    break-even "breaks even in month 2.0 but is behind again from month 3 on"
    (:func:`~payback.analysis.verdict.behind_again_text`)."""
    again = behind_again_text(alt, horizon, money)
    if again:
        return f"it breaks even {in_month_text(t)}{again}"
    return f"it pays back {in_month_text(t)}" + (
        f", {falls_behind_text(alt, horizon, money)}" if behind else ""
    )


def crossing(cum: list[float], month: float) -> tuple[int, float, float]:
    """The month the cumulative savings ``cum`` (month 0 first) cross zero at break-even
    ``month`` (> 0), and their figures at the end of the month before and of that month.

    >>> crossing([-400.0, -140.0, 120.0], 1 + 140 / 260)
    (2, -140.0, 120.0)
    """
    m = math.ceil(month)
    return m, cum[m - 1], cum[m]


def _verdict(analysis: Analysis, alt: AlternativeResult, index: int) -> list[str]:
    horizon = analysis.horizon_months
    cum = alt.cumulative_savings_usd or []
    t = alt.break_even_month
    answer = quarter_text(alt.pays_back_within)
    nothing = saves_nothing(cum)
    short = not nothing and not (answer == "yes" and t is not None)
    behind = falls_behind_text(alt, horizon) if t is not None and not nothing else ""
    quarter = min(QUARTER_MONTHS, horizon)
    money = usd_alike(  # every amount the paragraph says, written alike
        alt.npv_usd,
        *((cum[quarter] - cum[0], cum[0]) if short else ()),
        *((cum[-1],) if behind else ()),
    )
    if nothing:
        text = f"Within a quarter: no. It {NOT_CHEAPER}."  # the verdict's own words
    elif not short and t is not None:
        text = f"Within a quarter: yes, it pays back {in_month_text(t)}."
    else:
        text = f"Within a quarter: {answer}." + _short_of_a_quarter(cum, t, horizon, money)
    rate = analysis.scenario.scenario.discount_rate_annual
    over = f"Over {months_text(horizon)}: " + (
        "it neither saves nor loses"
        if nothing
        else _paid_back(alt, t, horizon, money, bool(behind))
        if t is not None
        else "it does not pay back"
    )
    over += (
        f"; the NPV of switching{f' at {rate_text(rate)} a year' if rate else ''} is "
        f"{npv_words(alt.npv_usd, money)}."
    )
    paragraphs = [text + " " + over]
    take = "" if nothing else _what_it_takes(analysis, alt, index)
    if take:
        paragraphs[0] += " " + take
    plain = alt.infrastructure_only
    if plain is not None:
        month = plain["break_even_month"]
        paragraphs.append(
            "These numbers price errors and waiting (quality and latency). On infrastructure "
            "alone it "
            + (
                f"would not pay back within {months_text(horizon)}"
                if month is None
                else f"would pay back {in_month_text(month)}"
            )
            + f"; its NPV is {npv_words(plain['npv_usd'] or 0.0)}."
        )
    if analysis.uncertainty is not None:
        u = analysis.uncertainty.alternatives[index]
        paragraphs.append(
            samples_paragraph(
                u.samples,
                u.p_break_even_within,
                u.break_even_month_percentiles["p50"],
                u.p_npv_positive,
                horizon,
                uncertain=bool(analysis.uncertainty.inputs),
                behind=u.p_behind_again_at,
            )
        )
    return paragraphs


def _short_of_a_quarter(
    cum: list[float], t: float | None, horizon: int, money: Callable[[float], str] = usd
) -> str:
    """After "Within a quarter: no" (or unknown, the horizon shorter): what the quarter (or
    the horizon's fewer months) recovered of the one-time cost, or how far behind it is
    with none, or that it pays back within a horizon shorter than a quarter, whose month 3
    is not computed; amounts written by ``money`` (the paragraph's)."""
    quarter = min(QUARTER_MONTHS, horizon)
    if quarter < QUARTER_MONTHS and t is not None:
        return f" It pays back within the {months_text(horizon)} computed; month 3 is past it."
    text = (
        ""
        if quarter == QUARTER_MONTHS
        else f" It has not paid back by the end of the {months_text(horizon)} computed."
    )
    recovered, after = cum[quarter] - cum[0], f" After {months_text(quarter)} it"
    if cum[0] == 0:  # nothing up front: behind again by then (or, unknown, ahead)
        return (
            f"{text}{after} is {money(-recovered)} behind: it has cost that much more to run "
            "than the baseline, with nothing up front."
            if recovered < 0
            else f"{text}{after} has saved {money(recovered)}, with nothing up front."
        )
    if recovered >= 0:
        return f"{text}{after} has recovered {money(recovered)} of the {money(-cum[0])} it cost up front."
    return (
        f"{text}{after} has recovered nothing: it has cost {money(-recovered)} more to run than "
        f"the baseline, on top of the {money(-cum[0])} it cost up front."
    )


def samples_paragraph(
    samples: int,
    within: dict[str, float | None],
    median: float | None,
    npv_positive: float,
    horizon: int,
    *,
    uncertain: bool = True,
    behind: dict[str, float | None] | None = None,
) -> str:
    """What the samples say of one alternative (a scenario's or a portfolio's): the share
    paying back within each window the horizon answers (``within``), those broken even by a
    window's month but behind again at it (``behind``), the median break-even, the share
    with a positive NPV; without an ``uncertain`` input, that all are the same."""
    counted = f"{samples:,} sample{'' if samples == 1 else 's'}"  # it read '1 samples'
    if not uncertain:
        return f"Across {counted}: {SAME_SAMPLES}."
    names = {QUARTER_MONTHS: "a quarter", 12: "a year"}
    clauses = [
        f"within {names.get(k, months_text(k))} in {share_text(share)}"
        for k, share in window_shares(within, horizon)
    ]
    clauses[0] += " of them"
    listed = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
    again = samples_behind_text(behind, horizon) if behind else ""
    if again:
        listed += f"; it {again}"
    return (
        f"Across {counted} of the scenario's ranges it pays back {listed}; "
        f"the median break-even is "
        + (not_within(horizon) if median is None else month_text(median))
        + f", and the NPV is positive in {share_text(npv_positive)} of samples."
    )


def quarter_sentence(analysis: Analysis, index: int) -> str:
    """The sentence explain's verdict gives of the monthly traffic that pays back within a
    quarter (:func:`_what_it_takes`), for the page to say it in the same words."""
    return _what_it_takes(analysis, analysis.alternatives[index], index)


def _what_it_takes(analysis: Analysis, alt: AlternativeResult, index: int) -> str:
    """The monthly traffic from which it pays back within a quarter, broken even by month
    3 and not behind again there (:meth:`~payback.analysis.result.Analysis.quarter_threshold`)."""
    traffic = quarter_traffic(analysis, index)
    if traffic is None:  # a horizon shorter than a quarter
        return ""
    today = f"(today {requests_text(traffic['today'])})"
    within = quarter_text(alt.pays_back_within) == "yes"
    bound = traffic["requests_per_month"]
    if bound is None:
        if traffic["holds_everywhere"]:
            return "It pays back within a quarter at any traffic."
        return "No traffic level makes it pay back within a quarter."
    at_least = traffic["at_least"]
    words = "at least" if at_least else "at most"
    if not traffic["single_crossing"]:  # the claim holds near the crossing only
        way = "above" if at_least else "below"
        steps = "the savings after month 3 are not monotone in traffic (the fleet's replicas step)."
        if within:  # today's traffic pays back: the crossing is where it would stop
            return (
                f"It still pays back within a quarter down to traffic just {way} {bound:,} "
                f"requests/month {today}, the nearest crossing to today's"
                if at_least
                else f"It still pays back within a quarter up to traffic just {way} "
                f"{bound:,} requests/month {today}, the nearest crossing to today's"
            ) + (  # every traffic from today's to it pays back; the search names no other side
                "; the answer crosses again elsewhere: the savings after month 3 are not "
                "monotone in traffic (the fleet's replicas step)."
            )
        if traffic["holds_past"]:  # every traffic tried past it pays back: met again beyond
            return (
                f"It pays back within a quarter with traffic {words} {bound:,} requests/month "
                f"{today}, the nearest such traffic to today's, and again at some traffic "
                f"further {'below' if at_least else 'above'} it: {steps}"
            )
        return (
            f"It pays back within a quarter with traffic just {way} {bound:,} requests/month "
            f"{today}, the nearest such traffic to today's, but not at every traffic {way} it: "
            f"{steps}"
        )
    if within:
        return (
            f"It still pays back within a quarter as long as traffic is {words} {bound:,} "
            f"requests/month {today}."
        )
    return f"It pays back within a quarter if traffic is {words} {bound:,} requests/month {today}."


def quarter_traffic(analysis: Analysis, index: int) -> dict[str, Any] | None:
    """The monthly traffic from which alternative ``index`` pays back within a quarter
    (:meth:`~payback.analysis.result.Analysis.quarter_threshold`), as the verdict says it:
    ``requests_per_month`` (whole, rounded to the side that meets it; ``None`` when no traffic does,
    or every one does: ``holds_everywhere``), ``at_least`` (else at most), ``single_crossing``
    (false: it crosses again), ``holds_past`` (every traffic tried past it meets it: it crosses
    again only on the other side; false with ``single_crossing`` false: it holds just beside that
    traffic only) and ``today``'s; ``None`` for a horizon shorter than a quarter."""
    solution = analysis.quarter_threshold(index)
    if solution is None:
        return None
    value, at_least = solution.value, bool(solution.met_above)
    return {
        "requests_per_month": None
        if value is None
        else math.ceil(value)
        if at_least
        else math.floor(value),
        "at_least": None if value is None else at_least,
        "single_crossing": None if value is None else solution.single_crossing,
        "holds_past": None if value is None else solution.holds_past,
        "holds_everywhere": solution.holds_everywhere,
        "today": analysis.scenario.traffic.requests_per_month,
    }


def _drivers(analysis: Analysis, index: int) -> list[str]:
    said = drivers_paragraphs(
        analysis.drivers[index],
        analysis.horizon_months,
        lambda path: input_label(path, units=False),
        lambda d: driver_range(analysis, d),
    )
    held = capacity_held(analysis, index)
    return said if held is None else [*said, f"Caution: {held}."]


def capacity_held(analysis: Analysis, index: int) -> str | None:
    """The line ``payback sensitivity`` warns with where its drivers vary a token length
    while alternative ``index``'s capacity or the baseline's (every alternative is held
    against the baseline's fleet) is the file's and stays as it is
    (:func:`~payback.studies.capacity_held.capacity_held_line` of every alternative's
    drivers, as the command passes them), naming those capacities only: another
    alternative's is said in its own section; ``None`` where no such capacity is held."""
    from payback.studies.capacity_held import capacity_held_line, kept_for

    paths = [d.parameter for ranked in analysis.drivers for d in ranked]
    return capacity_held_line(analysis.resolved, paths, kept_for(index))


def drivers_paragraphs(
    drivers: list[Driver],
    horizon: int,
    label: Callable[[str], str],
    span: Callable[[Driver], str],
) -> list[str]:
    """What decides the answer, a scenario's alternative's and a portfolio's: the three
    inputs that move it most (``label``: an input's words; ``span``: its range's), what the
    others do, counted, and what to measure first."""
    if not drivers:
        return ["No input moves the answer: it holds whatever the assumptions."]
    lines = []
    for d in drivers[:3]:
        ends = break_even_span(d.break_even_month_low, d.break_even_month_high, horizon)
        npv = small_usd(d.npv_low_usd, d.npv_high_usd)
        lines.append(
            f"{label(d.parameter)} ({d.parameter}; {span(d)}): "
            f"NPV {npv(d.npv_low_usd)} to {npv(d.npv_high_usd)}, break-even {ends}"
        )
    advice = measure_first(drivers[0].parameter)
    rest = ""
    if not any(changes_the_answer(d) for d in drivers[:3]):
        # a break-even shown moving (month 0.0027 to month 0.0015) but by less than the
        # threshold: said as what it is, not as "changes the break-even"
        moved = any(d.break_even_month_low != d.break_even_month_high for d in drivers[:3])
        # a loss that grows or shrinks changes no decision (changes_the_answer weighs a
        # tenth only of an NPV above zero): said as a loss at both ends, not as a small move
        losses = all(max(d.npv_low_usd, d.npv_high_usd) < 0 for d in drivers[:3])
        words = dict(ANSWER_WORDS, **({} if moved else {"break-even": "the break-even"}))
        said = [words["break-even"], words["sign"]] + ([] if losses else [words["tenth"]])
        tail = ": the NPV stays a loss at both ends of each range" if losses else ""
        either = said[0] if len(said) == 1 else f"{', '.join(said[:-1])} or {said[-1]}"
        rest = f" None of them moves {either}{tail}."
    # every input not listed is counted, in sensitivity's ranks: those down to the last
    # that moves the answer, then the rest, each moving the NPV less (split_drivers)
    ranked, quiet = split_drivers(drivers)
    others = ranked[3:]
    loud = [d for d in others if changes_the_answer(d)]
    if others:
        one = len(others) == 1
        moves = moves_words(loud)
        if len(loud) == len(others):
            rest += (
                f" {len(others)} other input{'' if one else 's'} also move{'s' if one else ''} "
                f"{moves}"
            )
        else:  # one at least, the last ranked: the answer moves down to it
            swings = [f(d.npv_swing_usd for d in others) for f in (min, max)]
            low, high = map(small_usd(*swings), swings)
            rest += (
                f" {len(others)} other inputs move the NPV by {low} to {high} from low to "
                f"high; {len(loud)} of them also move{'s' if len(loud) == 1 else ''} {moves}"
            )
        rest += " (the command payback sensitivity ranks every input)."
    if quiet:
        word = "more" if others else "other"
        rest += " " + quiet_line(quiet, names=False, word=word, horizon=horizon)
    first = label(drivers[0].parameter)  # a workload's own: "support triage's ..."
    the = "" if drivers[0].parameter.startswith("workloads.") else "the "
    if "," in first:  # "requests per month, in month 1," closed as the clause it opens
        first += ","
    return [
        "With each input moved alone over the range in brackets and the others central, the "
        "answer moves most with: " + "; ".join(lines) + "." + rest,
        f"Measure first: {advice}. Narrowing {the}{first} narrows the answer more than "
        "anything else.",
    ]


def heading(title: str) -> str:
    """A section's title (:func:`explain`'s, the portfolio's) as a heading: with a capital,
    unless it starts with an alternative's name, kept as its user wrote it; only such a
    title holds ``": "``.

    >>> heading("the verdict"), heading("gpt-4o via a vendor: the verdict")
    ('The verdict', 'gpt-4o via a vendor: the verdict')
    """
    return title if ": " in title else title[0].upper() + title[1:]


def explain(analysis: Analysis) -> list[tuple[str, list[str]]]:
    """Sections (title, paragraphs) for every alternative: the real costs, how the break-even
    is computed here, the verdict for a quarter and the horizon, and what dominates."""
    sections = []
    many = len(analysis.alternatives) > 1
    for i, alt in enumerate(analysis.alternatives):
        prefix = f"{alt.name}: " if many else ""
        sections += [
            (f"{prefix}what the project really costs", _costs(analysis, alt)),
            (f"{prefix}how the break-even is computed here", _how(analysis, alt)),
            (f"{prefix}the verdict", _verdict(analysis, alt, i)),
            *(
                [(f"{prefix}why it wins or loses", why)]
                if (why := why_paragraphs(analysis, i))
                else []
            ),
            (f"{prefix}what decides it", _drivers(analysis, i)),
        ]
    return sections


def explain_facts(analysis: Analysis) -> list[dict[str, Any]]:
    """What :func:`explain` says of each alternative, as numbers (``explain --json``'s
    ``alternatives``): see :func:`payback.report.explain_facts.explain_facts`."""
    from payback.report.explain_facts import explain_facts as facts

    return facts(analysis)
