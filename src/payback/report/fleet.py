"""Why a self-hosted alternative wins or loses, in words: how busy its fleet is, what the
idle capacity costs, and the levers that would change the answer (with the numbers the
analysis already holds: :meth:`~payback.analysis.result.Analysis.scaled_to_zero` and the
values :func:`payback.solve` finds for a payback within a quarter)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from payback.analysis.result import QUARTER_MONTHS, AlternativeResult, Analysis, months_text, usd
from payback.analysis.utilisation import FleetUtilisation
from payback.analysis.verdict import requests_text
from payback.figures import share_text as share_text
from payback.figures import shares_alike
from payback.money import small_usd
from payback.report.common import in_month_text, metric, month_text, quarter_text

if TYPE_CHECKING:
    from payback.studies.solve import Solution
    from payback.studies.uncertainty import Driver

__all__ = [
    "answer_moves",
    "break_even_span",
    "escalation_words",
    "fleet_rows",
    "met_today",
    "moves_words",
    "not_within",
    "npv_words",
    "part_shares",
    "prose_usd",
    "quiet_line",
    "share_text",
    "split_drivers",
    "usd_alike",
    "why_paragraphs",
]


def prose_usd(value: float) -> str:
    """Money in prose: whole dollars from $10, cents below, and under 50 cents the places
    that write it within 1% (:func:`~payback.money.small_usd`: "$0.003", never "$0.00").

    >>> prose_usd(1590.6), prose_usd(7.254), prose_usd(0.0), prose_usd(0.0027)
    ('$1,591', '$7.25', '$0', '$0.0027')
    """
    return small_usd(value)(value)


def usd_alike(*values: float) -> Callable[[float], str]:
    """Money for one sentence of prose, every figure of it written alike: whole dollars,
    or cents for all where any figure needs them (one under $10 that rounds to a cent at
    least); never "$442.50 behind" beside "$443". A figure under $10 but not zero takes the
    places :func:`~payback.money.small_usd` gives the sentence's figures under $10 ("recovered $0.0081 of
    the $0.01", never "$0.01 of the $0.01").

    >>> money = usd_alike(442.5, -442.5); money(442.5), money(-442.5)
    ('$443', '-$443')
    >>> money = usd_alike(442.5, 7.25); money(442.5), money(7.25)
    ('$442.50', '$7.25')
    >>> money = usd_alike(0.31, 0.0081, -0.01); money(0.31), money(0.0081), money(-0.01)
    ('$0.31', '$0.0081', '-$0.01')
    """
    cents = any(0 < round(abs(v), 2) < 10 for v in values)
    small = small_usd(*values)
    return lambda value: (
        small(value) if value and round(abs(value), 2) < 10 else usd(value, 2 if cents else 0)
    )


def part_shares(parts: list[float], one_place: bool = False) -> list[str]:
    """Each part's share of their sum, in one sentence: each its own rounding, all to one
    precision (:func:`~payback.figures.shares_alike`), so $19,200, $8,000 and $7.01 of
    $27,207 read 70.6%, 29.4% and <0.1% (forced to add up to 100% they read 70.5%, 29.4%
    and 0.1%, two of them untrue). All zero, each "0%".

    >>> part_shares([200.0, 150.0, 50.0]), part_shares([19200.0, 8000.0, 7.01])
    (['50%', '38%', '13%'], ['70.6%', '29.4%', '<0.1%'])
    >>> part_shares([7200.0, 4000.0, 1500.0, 160.0]), part_shares([0.0, 0.0])
    (['56.0%', '31.1%', '11.7%', '1.2%'], ['0%', '0%'])
    """
    whole = sum(parts)
    if whole <= 0:
        return ["0%"] * len(parts)
    return shares_alike([p / whole for p in parts], one_place)


def npv_words(value: float, money: Callable[[float], str] = prose_usd) -> str:
    """An NPV after "is" in prose: the amount, and a negative one worded as a loss
    ("a loss of $443"), as "$443 behind" is, not "-$443".

    >>> npv_words(84577.2), npv_words(-442.5), npv_words(-0.2, lambda v: usd(v, 0))
    ('$84,577', 'a loss of $443', '$0')
    >>> npv_words(-0.0019)
    'a loss of $0.0019'
    """
    text = money(abs(value))
    return f"a loss of {text}" if value < 0 and text.strip("$0.,") else text


def escalation_words(analysis: Analysis, index: int) -> str | None:
    """Why an alternative's escalation costs what it does, where the baseline it escalates
    to is an always-on self-hosted fleet (the engine's ``_escalation_cost``): the share of
    requests sent there keeps that fleet running, at least its ``min_replicas``, however few
    reach it, so a small share can cost the whole fleet. Owned servers bought in cash are
    the baseline's already: the share pays their facility (and servers bought beyond
    today's fleet); depreciated, their monthly charge too. ``None`` where escalation is priced
    as that share of the baseline's own usage (an API, a fleet scaled to zero) or is nil.

    The share is the scenario's value (its centre where a distribution is given)."""
    from payback.scenario.schema import SelfHostedOption

    baseline = analysis.scenario.baseline
    alt = analysis.alternatives[index]
    paid = (alt.components_usd.get("escalation") or [0.0])[0]
    share = analysis.scenario.alternatives[index].escalation_share
    if not isinstance(baseline, SelfHostedOption) or not baseline.always_on or share <= 0:
        return None
    requests = analysis.requests_per_month[0] * share
    sent = f"{share_text(share)} of requests ({requests_text(requests)} in month 1)"
    if baseline.owned is not None and baseline.owned.financing == "cash":
        return (  # bought already: only the facility, and servers beyond today's fleet
            f"{sent} go to '{analysis.baseline.name}' on the servers it already runs: "
            f"{prose_usd(paid)} in month 1 for the facility (power and colocation) of the "
            "servers they need (at least one), however few requests reach them; bought in "
            "cash, the servers are the baseline's own: more are bought only where the share "
            "outgrows today's fleet"
        )
    if baseline.owned is not None:
        return (
            f"{sent} go to '{analysis.baseline.name}' on the servers it already runs: "
            f"{prose_usd(paid)} in month 1 for the servers they need (at least one), their "
            "monthly charge and facility, however few requests reach them"
        )
    gpus = baseline.gpus_per_replica or 1
    kept = f"{baseline.min_replicas:,} × {counted_gpus(gpus)}"
    return (
        f"{sent} go to '{analysis.baseline.name}', so it keeps running for them: "
        f"{prose_usd(paid)} in month 1 for an always-on fleet of at least its min_replicas "
        f"({kept}), however few requests reach it"
    )


def counted_gpus(n: float) -> str:
    """``1 GPU``, ``2 GPUs``."""
    return f"{n:,.0f} GPU" + ("" if n == 1 else "s")


def fleet_rows(u: FleetUtilisation, horizon: int) -> list[tuple[str, str]]:
    """The two rows ``analyze`` shows for a self-hosted fleet: its utilisation (average and
    busiest hour, month 1 and the last month when they differ) and its idle cost."""
    last = horizon - 1
    if u.always_on:
        used = f"average {share_text(u.average[0])}, busiest hour {share_text(u.peak[0])} (month 1)"
        if horizon > 1 and (
            share_text(u.average[last]) != share_text(u.average[0])
            or share_text(u.peak[last]) != share_text(u.peak[0])
        ):
            used += (
                f"; {share_text(u.average[last])} and {share_text(u.peak[last])} in month {horizon}"
            )
    else:
        used = (
            f"scaled to zero: the GPU-hours paid are {share_text(u.average[0])} busy "
            "(the planned utilisation)"
        )
    if u.always_on and u.owned_gpus is not None and u.owned_gpus[0] > u.gpus[0]:
        held, running = u.owned_gpus[0], u.gpus[0]
        used = f"of the {held:,.0f} GPUs the owned servers hold (replicas run on {running:,.0f}): {used}"
    fleet, idle = u.fleet_usd[0], u.idle_usd[0]
    idle_share = idle / fleet if fleet > 0 else 0.0
    money = small_usd(idle, fleet, u.idle_total_usd)  # "$0.0007 of $0.0010", not "$0.00 of $0.00"
    cost = f"{money(idle)} of {money(fleet)} in month 1 ({share_text(idle_share)})"
    if horizon > 1:
        cost += f"; {money(u.idle_total_usd)} over {months_text(horizon)}"
    return [("Fleet utilisation", used), ("Idle capacity cost", cost)]


def _fleet_words(analysis: Analysis, index: int, u: FleetUtilisation) -> str:
    """``one always-on L4``, ``the 4 always-on GPUs (h100-sxm)``, ``the owned fleet``."""
    config = analysis.alternatives[index].configuration or {}
    gpu = config.get("gpu")
    count = u.gpus[0]
    owned = str(config.get("pricing", "")).startswith("owned")
    servers = config.get("servers_month_1")
    if owned and servers is not None:
        many = "one owned server" if servers == 1 else f"the {servers:,.0f} owned servers"
        return many + (f" ({gpu})" if gpu else "")
    kind = "always-on"
    if count == 1:
        return f"one {kind} {gpu or 'GPU'}"
    return f"the {count:,.0f} {kind} GPUs" + (f" ({gpu})" if gpu else "")


def _usage_sentence(analysis: Analysis, index: int, u: FleetUtilisation) -> str:
    horizon = analysis.horizon_months
    fleet, idle = u.fleet_usd[0], u.idle_usd[0]
    idle_share = idle / fleet if fleet > 0 else 0.0
    if not u.always_on:
        return (
            f"Scaled to zero, it pays only for the GPU-hours it runs, planned at "
            f"{share_text(u.average[0])} busy, so {share_text(idle_share)} of its "
            f"{small_usd(fleet)(fleet)} of GPU time in month 1 pays for idle capacity."
        )
    fleet_words = _fleet_words(analysis, index, u)
    money = small_usd(fleet, u.idle_total_usd)
    single = fleet_words.startswith("one ")
    verb = "is" if single else "are"
    return (
        f"{fleet_words[0].upper()}{fleet_words[1:]} {verb} {share_text(u.average[0])} busy on "
        f"average and {share_text(u.peak[0])} in the busiest hour of month 1, so "
        f"{share_text(idle_share)} of {'its' if single else 'their'} "
        f"{money(fleet)}/month pays for idle time ({money(u.idle_total_usd)} over "
        f"{months_text(horizon)})."
    )


def _traffic_lever(analysis: Analysis, index: int) -> str | None:
    solution = analysis.quarter_threshold(index)
    if solution is None or solution.value is None or not solution.met_above:
        return None
    if met_today(solution):  # paid back within a quarter already: no lever
        return None
    today = analysis.scenario.traffic.requests_per_month
    return (
        f"{_count(math.ceil(solution.value))} requests/month (today {_count(today)}) would "
        "pay back within a quarter"
    )


def _count(value: float) -> str:
    """A request count in prose: 1.57M, 526k, 20,000, and under 100 as every count is
    (:func:`~payback.analysis.verdict.requests_text`: 0.5, where it read 0).

    >>> _count(1_565_102.9), _count(526_116), _count(20_000), _count(999_999), _count(0.5)
    ('1.57M', '526k', '20,000', '1M', '0.5')
    """
    if value >= 1e5:
        return metric(value)
    return requests_text(value)


def cents_toward(value: float, up: bool | None) -> float:
    """A rent bound to the cent on the side that meets it, as the text says it: at most
    $6.8493 is $6.84 (rounded to $6.85 it named a rent that misses the quarter).

    >>> cents_toward(10000 / 1460, False), cents_toward(6.8401, True), cents_toward(1.1, False)
    (6.84, 6.85, 1.1)
    """
    cents = round(value * 100, 6)  # float noise off: 1.1 × 100 is 110.00000000000001
    return (math.ceil(cents) if up else math.floor(cents)) / 100


def met_today(solution: Solution) -> bool:
    """Whether today's value already lies on the side of a lever's bound that meets the
    target (``payback solve``'s value, at least or at most): then it is no lever (today's
    value pays back within a quarter already); the text names no bound and ``explain
    --json`` gives ``today_meets_it``. False without a bound."""
    if solution.value is None or solution.met_above is None:
        return False
    if solution.met_above:
        return solution.current >= solution.value
    return solution.current <= solution.value


def _price_lever(analysis: Analysis, index: int) -> str | None:
    path = f"alternatives.{index}.usd_per_gpu_hour"
    if path not in analysis.input_paths:
        return None
    solution: Solution | None = analysis.quarter_lever(index, path)
    if solution is None:
        return None
    if solution.value is not None and solution.met_above is not None:
        if met_today(solution):
            return None
        bound = cents_toward(solution.value, solution.met_above)  # to the cent that meets it
        side = "or more" if solution.met_above else "or less"
        return f"a GPU at {usd(bound, 2)}/hour {side} would pay back within a quarter"
    closest = solution.closest
    if solution.value is None and closest is not None and closest[0] == 0:
        best = closest[1]
        at_best = (
            f"not within {months_text(analysis.horizon_months)}"
            if best is None
            else month_text(best)
            + (f", behind again at month {QUARTER_MONTHS}" if best <= QUARTER_MONTHS else "")
        )
        return (
            f"{NOT_EVEN_FREE} would pay back within a quarter (break-even {at_best}): "
            "the one-time cost and the other running costs decide it"
        )
    return None


def _scale_lever(analysis: Analysis, index: int, alt: AlternativeResult) -> str | None:
    zero = analysis.scaled_to_zero(index)
    if zero is None:
        return None
    month = zero["break_even_month"]
    u = alt.utilisation
    busy, npv = zero["fleet_usd"] or 0.0, zero["npv_usd"] or 0.0
    money = usd_alike(busy, npv, *(() if u is None else (u.fleet_usd[0],)))
    now = money(u.fleet_usd[0]) if u is not None else "the fleet's rent"
    pays = (
        f"would not pay back within {months_text(analysis.horizon_months)}"
        if month is None
        else f"would pay back {in_month_text(month)}"
        + (
            f" but be behind again at month {QUARTER_MONTHS}"
            if month <= QUARTER_MONTHS and zero["within_a_quarter"] is False
            else ""
        )
    )
    return (
        f"scaled to zero (only the GPU-hours it runs: {money(busy)} of GPU time in month 1 "
        f"instead of {now}) it {pays}, and its NPV would be {npv_words(npv, money)}"
    )


NOT_EVEN_FREE = "not even a free GPU"
"""How the price lever starts where no GPU price pays back within a quarter."""


def why_paragraphs(analysis: Analysis, index: int) -> list[str]:
    """Why self-hosted alternative ``index`` wins or loses: how busy its fleet is and what
    idle capacity costs; when it does not pay back within a quarter, the levers that would
    change that, with numbers. Empty for an alternative that is not self-hosted."""
    alt = analysis.alternatives[index]
    u = alt.utilisation
    if u is None:
        return []
    paragraphs = [_usage_sentence(analysis, index, u)]
    month = alt.break_even_month
    within = alt.pays_back_within or {}
    if quarter_text(within) == "yes" or (
        analysis.horizon_months < QUARTER_MONTHS and within.get("horizon")
    ):  # paid back within a quarter, or within all a shorter horizon computes
        return paragraphs
    levers = [
        lever
        for lever in (
            _scale_lever(analysis, index, alt) if u.always_on else None,
            _price_lever(analysis, index),
            _traffic_lever(analysis, index),
        )
        if lever
    ]
    horizon = analysis.horizon_months
    # a horizon shorter than a quarter cannot tell whether it pays back within one
    window = (
        f"within the {months_text(horizon)} computed"
        if horizon < QUARTER_MONTHS
        else "within a quarter"
    )
    cause = f"It does not pay back {window}"
    if month is None and horizon >= QUARTER_MONTHS:  # nor at all: said as the verdict says it
        cause = f"It does not pay back within {months_text(horizon)}"
    zero = analysis.scaled_to_zero(index) if u.always_on else None
    zero_month = None if zero is None else zero["break_even_month"]
    if zero is not None and zero["within_a_quarter"]:
        cause = f"Idle GPU time is why it does not pay back {window}"
    elif zero_month is not None and month is None:
        # other costs may weigh as much (an escalation share, say): say what is true of
        # idle time alone, that without it the alternative would pay back
        cause = (
            f"It does not pay back within {months_text(analysis.horizon_months)}; without its "
            "idle GPU time it would"
        )
    free_too = any(lever.startswith(NOT_EVEN_FREE) for lever in levers)
    if f"alternatives.{index}.usd_per_gpu_hour" in analysis.input_paths and not free_too:
        # (where not even a free GPU pays back, no cheaper one does: recommend is no lever)
        option = analysis.scenario.alternatives[index]
        named = getattr(option, "model", None) or getattr(option, "models", None)
        levers.append(
            "the command payback recommend ranks smaller and cheaper GPUs for this traffic"
            + ("" if named else " (give it the model to serve: --model ID)")
        )
    if levers:
        listed = levers[0] if len(levers) == 1 else "; ".join(levers[:-1]) + "; " + levers[-1]
        cause += ". What would change it: " + listed + "."
    else:
        cause += "."
    paragraphs.append(cause)
    return paragraphs


ALWAYS_LISTED = 3
"""The drivers listed in full however little they change: the top of the ranking."""


def not_within(horizon: int | None) -> str:
    """A break-even past the horizon, as the single-scenario view says it: ``not within
    12 months`` (``never`` where the horizon is not known). What happens after the
    horizon is not computed, so it is never called "never" there.

    >>> not_within(1), not_within(None)
    ('not within 1 month', 'never')
    """
    return "never" if horizon is None else f"not within {months_text(horizon)}"


def break_even_span(
    low: float | None,
    high: float | None,
    horizon: int | None,
    arrow: str = " to ",
    month: Callable[[float, int], str] = month_text,
) -> str:
    """A break-even at an input's two ends, both with the same places: ``month 3.2 to
    month 2.1``, ``not within 12 months to month 10.9``, ``not within 1 month at either
    end``; two ends that read the same are said once (``month 1.7 at either end``, not
    ``month 1.7 to month 1.7``). Two places at both ends where one would read the same
    for ends 0.05 months apart or more, or an end as the whole month it is past (8.03 is
    inside month 9: ``month 8.03 to month 9.50``, not ``8.0`` nor ``8.03 to 9.5``); at two
    places such an end is rounded up (6.004: ``6.01``), never down onto the whole month.

    >>> break_even_span(None, 10.93, 12), break_even_span(None, None, 1)
    ('not within 12 months to month 10.9', 'not within 1 month at either end')
    >>> break_even_span(1.683, 1.688, 60), break_even_span(1.651, 1.749, 60)
    ('month 1.7 at either end', 'month 1.65 to month 1.75')
    >>> break_even_span(8.03, 9.5, 12), break_even_span(7.8, 10.01, 12, " → ")
    ('month 8.03 to month 9.50', 'month 7.80 → month 10.01')
    >>> break_even_span(6.004, 8.0, 12), break_even_span(6.004, None, 12)
    ('month 6.01 to month 8.00', 'month 6.01 to not within 12 months')
    """
    if low is None and high is None and horizon is not None:
        return f"{not_within(horizon)} at either end"
    known = [m for m in (low, high) if m is not None]
    places = 2 if any(_past_whole(m, 1) for m in known) else 1

    def ends(places: int) -> list[str]:
        return [
            not_within(horizon) if m is None else _span_end(m, places, month) for m in (low, high)
        ]

    said = ends(places)
    if low is not None and high is not None and said[0] == said[1]:
        if abs(low - high) < 0.05:  # not a change (changes_the_answer): one figure
            return f"{month(low, 1)} at either end"
        said = ends(2)
    return arrow.join(said)


def _past_whole(month: float, places: int) -> bool:
    """Whether ``month`` (0.1 or more: a smaller one keeps its own figures) is past a whole
    month that it rounds down onto at ``places``: 8.03 at one place, 6.004 at two."""
    whole = math.floor(month)
    return month >= 0.1 and month != whole and round(month, places) <= whole


def _span_end(month: float, places: int, say: Callable[[float, int], str]) -> str:
    """One end of :func:`break_even_span` at ``places``, rounded up where rounding would
    land on the whole month it is past."""
    if _past_whole(month, places):
        month = math.floor(month) + 10.0**-places
    return say(month, places)


NPV_SHARE = 0.1
"""A swing of a paying-back NPV by this share of its larger end or more changes the answer:
a break-even within the first month moves little while the NPV moves by hundreds of
thousands. (An NPV below zero at both ends is the same answer, however far apart.)"""


def answer_moves(driver: Driver) -> tuple[str, ...]:
    """What moving this input over its range changes of the answer a reader acts on, in
    this order: ``"break-even"`` (by 0.05 months or more, or to or from never), ``"sign"``
    (of the NPV) and ``"tenth"`` (an NPV at or above zero at both ends, moved by
    :data:`NPV_SHARE` of its larger end or more); none for a loss at both ends, however
    far apart its ends are."""
    moved: list[str] = []
    low, high = driver.break_even_month_low, driver.break_even_month_high
    if (low is None) != (high is None) or (
        low is not None and high is not None and abs(low - high) >= 0.05
    ):
        moved.append("break-even")
    ends = (driver.npv_low_usd, driver.npv_high_usd)
    if (ends[0] >= 0) != (ends[1] >= 0):
        moved.append("sign")
    elif max(ends) > 0 and abs(ends[1] - ends[0]) >= NPV_SHARE * max(map(abs, ends)):
        moved.append("tenth")
    return tuple(moved)


def changes_the_answer(driver: Driver) -> bool:
    """Whether moving this input over its range changes the answer a reader acts on: the
    break-even (by 0.05 months or more, or to or from never), the sign of the NPV, or an
    NPV above zero by :data:`NPV_SHARE` of its larger end or more (:func:`answer_moves`)."""
    return bool(answer_moves(driver))


ANSWER_WORDS = {
    "break-even": "the break-even by at least 0.05 months",
    "sign": "the NPV across zero",
    "tenth": f"a positive NPV by at least {NPV_SHARE:.0%}",
}
"""What :func:`answer_moves` finds moved, in words, each with its threshold, after "move":
"also move the break-even by at least 0.05 months, the NPV across zero or a positive NPV
by at least 10%" (it read "move the break-even, the sign of the NPV or an NPV above zero by
a tenth or more")."""


def moves_words(drivers: list[Driver]) -> str:
    """What these drivers move of the answer, each thing said once and only if one of them
    moves it (a loss that grows is never said to move an NPV "by a tenth").

    >>> from payback.studies.uncertainty import Driver
    >>> loss = Driver("a", 1.0, 2.0, -900.0, -100.0, None, 20.0, 800.0)
    >>> gain = Driver("b", 1.0, 2.0, 1000.0, 1500.0, 3.0, 3.01, 500.0)
    >>> moves_words([loss]), moves_words([loss, gain])
    ('the break-even by at least 0.05 months', 'the break-even by at least 0.05 months or a positive NPV by at least 10%')
    """
    moved = {m for d in drivers for m in answer_moves(d)}
    said = [words for key, words in ANSWER_WORDS.items() if key in moved]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]


def split_drivers(drivers: list[Driver]) -> tuple[list[Driver], list[Driver]]:
    """Drivers ranked by NPV swing, as ``sensitivity`` ranks them, cut in two: those listed
    in full, in rank, down to the last one that changes the answer
    (:func:`changes_the_answer`) and at least the top :data:`ALWAYS_LISTED`; and those
    ranked below them, which change nothing a reader acts on, summarised in one line
    (:func:`quiet_line`). Only a tail is set aside: an input that moves the NPV more than
    one listed is listed too, in its rank, whether or not it changes the answer."""
    loud = [rank for rank, d in enumerate(drivers) if changes_the_answer(d)]
    cut = max(ALWAYS_LISTED, loud[-1] + 1 if loud else 0)
    return drivers[:cut], drivers[cut:]


def quiet_line(
    quiet: list[Driver], names: bool = True, word: str = "more", horizon: int | None = None
) -> str:
    """One line for the drivers that change nothing a reader acts on (their paths listed
    with ``names``); ``horizon`` words a break-even past it (:func:`not_within`)."""
    swing = max(d.npv_swing_usd for d in quiet)
    months = {
        None if m is None else month_text(m)
        for d in quiet
        for m in (d.break_even_month_low, d.break_even_month_high)
    }
    where = "the answer as it is"  # paying back within a quarter or not, the NPV's sign
    if len(months) == 1:
        only = months.pop()
        where = (
            f"the break-even {only}"
            if only is not None
            else "the break-even never"
            if horizon is None
            else f"it short of paying back within {months_text(horizon)}"
        )
    listed = ": " + ", ".join(d.parameter for d in quiet) if names else ""
    one = len(quiet) == 1
    count = f"{len(quiet)} {word} input{'' if one else 's'}"
    if swing == 0:
        return f"{count} change{'s' if one else ''} nothing{listed}."
    return (
        f"{count} leave{'s' if one else ''} {where} and move{'s' if one else ''} the NPV by at "
        f"most {prose_usd(swing)} from low to high{listed}."
    )
