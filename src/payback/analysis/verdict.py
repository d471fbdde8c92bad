"""An alternative's outcome in words: money (:func:`~payback.money.usd`, offered here too,
and in a sentence :func:`sentence_usd`), months (:func:`months_text`) and the sentence for
every shape of cash flow (:func:`outcome_text`): pays back within a quarter or not, pays
back and then falls behind, saves from month 0, never pays back."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from payback.analysis.gap import (
    NOTHING_LATER,
    about_month,
    behind_text,
    closes_on_baseline,
    costly_months,
    months_list,
    on_average,
    recovered_in,
    retrained_words,
    savings_end,
)
from payback.analysis.gap import cents as _cents
from payback.figures import (
    TIES_BELOW,
    WRITTEN_OUT,
    counted,
    far_text,
    half_up,
    listed,
    rate_text,
    share_text,
    whole_text,
)
from payback.finance._types import FloatArray
from payback.finance.quick import month_figure
from payback.money import fine_usd, stated, usd

if TYPE_CHECKING:
    from payback.analysis.result import AlternativeResult

__all__ = [
    "FEWEST_REQUESTS",
    "QUARTER_MONTHS",
    "TIES_BELOW",
    "behind_again_text",
    "half_up",
    "has_cost_per_1k",
    "in_month_text",
    "month_figure",
    "month_text",
    "months_text",
    "never_reason",
    "outcome_text",
    "per_1k_text",
    "quoted",
    "rate_text",
    "requests_text",
    "saves_nothing",
    "share_text",
    "usd",
    "usd_per_1k",
]

QUARTER_MONTHS = 3
"""The payback time the tool asks about first: a quarter."""


NOT_CHEAPER = (
    "is not cheaper per request than the baseline: it costs the same every month and "
    "nothing up front, so switching saves nothing (fine-tune only for behavior, not cost)"
)
"""The verdict of an alternative that :func:`saves_nothing`, after its name: the seed's
"fine-tune only for behavior, not cost", as ``payback quick`` says it for equal prices."""


def quoted(name: str) -> str:
    """A user's name (an alternative's, a workload's, the baseline's) in single quotes as
    written: ``team's a\\b`` reads 'team's a\\b', not Python's "team's a\\\\b"."""
    return f"'{name}'"


def saves_nothing(cumulative_savings_usd: Sequence[float] | None) -> bool:
    """No one-time cost and nothing saved (or lost) in any month: the alternative is not
    cheaper per request (:func:`payback.finance.cashflow.saves_nothing`, the one rule every
    answer follows). Its break-even is month 0 by the formula (S(0) = S(1) = 0), which the
    words, the JSON (``null``) and the "within a quarter?" answer do not call a payback.

    Equal prices written two ways differ by float noise, which the cash-flow engine takes
    as no saving (:func:`~payback.finance.cashflow.monthly_savings`); a saving of $0.0005 a
    month is a saving.

    >>> saves_nothing([0.0, 0.0, 0.0]), saves_nothing([0.0, 10.0, 20.0]), saves_nothing([-5.0, 0.0])
    (True, False, False)
    >>> saves_nothing([0.0, 0.0005, 0.001]), saves_nothing([-0.001, -0.0005, 0.0])
    (False, False)
    """
    from payback.finance.cashflow import saves_nothing as none_saved

    return bool(cumulative_savings_usd) and bool(none_saved(np.asarray(cumulative_savings_usd)))


FEWEST_REQUESTS = 1.0
"""Below one request in a month (traffic shrinking toward zero, or typed under one), a
cost of 1,000 requests is a month's fixed cost over a fraction of one: $730 of GPU rent
over 0.02 requests read "$35,644,531" per 1,000. Such a month has none: the one rule
(:func:`has_cost_per_1k`) the results (``usd_per_1k_requests``, null in JSON), the
overflow check and :func:`per_1k_text` all follow."""


def has_cost_per_1k(requests: Any) -> Any:
    """Whether a month that served ``requests`` (a number or an array) has a cost of 1,000
    requests: at least :data:`FEWEST_REQUESTS`, elementwise; a month of 0 or 0.5 requests
    has none, one of 1 or 1.5 has one (NaN has none).

    >>> has_cost_per_1k(np.array([0.0, 0.5, 1.0, 1.5])).tolist(), bool(has_cost_per_1k(0.999))
    ([False, False, True, True], False)
    """
    return np.asarray(requests) >= FEWEST_REQUESTS


def usd_per_1k(monthly_usd: Any, requests: Any) -> FloatArray:
    """The cost of 1,000 requests each month, ``monthly_usd`` over ``requests`` (arrays,
    the month last); NaN where :func:`has_cost_per_1k` says the month has none. Warns of
    nothing (a month of 0 requests divides by zero where it is not kept).

    >>> usd_per_1k(np.array([730.0, 0.5, 0.73, 1.5]), np.array([0.0, 0.5, 1.0, 1.5])).tolist()
    [nan, nan, 730.0, 1000.0]
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        per_1k = np.asarray(monthly_usd, dtype=np.float64) / requests * 1000.0
    return np.where(has_cost_per_1k(requests), per_1k, np.nan)


def requests_text(requests: float) -> str:
    """A month's request count in words: whole, with separators, from 100; fewer, to three
    significant figures (1.5, and under one a month with no cost of 1,000 requests: 0.5,
    0.0205), never an exponent (1×10⁻³³).

    >>> requests_text(1_000_000), requests_text(1.5), requests_text(1.0), requests_text(0.5)
    ('1,000,000', '1.5', '1', '0.5')
    >>> requests_text(0.02048), requests_text(0.0), requests_text(1e-5), requests_text(1e-33)
    ('0.0205', '0', '0.00001', '1×10⁻³³')
    """
    if requests >= 100 or not math.isfinite(requests):
        return whole_text(requests)
    if requests <= 0:
        return "0"
    if (far := far_text(requests)) is not None:
        return far
    places = max(0, 2 - math.floor(math.log10(requests)))
    return f"{half_up(requests):.{places}f}".rstrip("0").rstrip(".")


def per_1k_text(alternative_usd: float, baseline_usd: float, requests: float) -> str:
    """The cost of 1,000 requests of an alternative against the baseline's, over a month
    (or the horizon: its totals) that served ``requests``: ``$0.73 vs $2.00``, under a cent
    ``$0.001 vs $0.004`` (:func:`~payback.money.fine_usd`); in a month with no cost of
    1,000 requests (:func:`has_cost_per_1k`), how few, and no comparison.

    >>> per_1k_text(730.0, 2000.0, 1e6), per_1k_text(730.0, 0.9765625, 488.28125)
    ('$0.73 vs $2.00', '$1,495 vs $2.00')
    >>> per_1k_text(10_000.0, 40_000.0, 1e10)
    '$0.001 vs $0.004'
    >>> per_1k_text(730.0, 4.1e-05, 0.0205), per_1k_text(8760.0, 2500.0, 1.25e6)
    ('n/a: 0.0205 requests', '$7.01 vs $2.00')
    >>> per_1k_text(0.0, 0.0, 1e-33)
    'n/a: 1×10⁻³³ requests'
    """
    if not has_cost_per_1k(requests):
        return f"n/a: {requests_text(requests)} requests"
    # divided as the results divide it (usd_per_1k): the same figure to the cent
    alt, base = usd_per_1k(np.array([alternative_usd, baseline_usd]), requests)
    return f"{fine_usd(float(alt))} vs {fine_usd(float(base))}"


def usd_column(values: Sequence[float]) -> list[str]:
    """Money down one column of a table, all written alike: cents only where every amount
    is under $1,000 (as ``usd`` writes it), so $584.00 never stands under $2,184; an amount
    under a cent as a verdict says it (:func:`~payback.money.fine_usd`), never "$0.00".

    >>> usd_column([2184.0, 584.0, 0.0]), usd_column([584.0, 218.4]), usd_column([])
    (['$2,184', '$584', '$0'], ['$584.00', '$218.40'], [])
    >>> usd_column([0.00135, 0.00045, 0.0]), usd_column([2184.0, 0.004])
    (['$0.00135', '$0.00045', '$0.00'], ['$2,184', '$0.004'])
    """
    decimals = 2 if all(round(abs(v), 2) < 1000 for v in values) else 0
    return [fine_usd(v, decimals) for v in values]


def prose_usd(value: float) -> str:
    """Money in a verdict's sentence, as the rest of ``analyze`` writes it: whole dollars,
    cents only below $10 (a difference that rounds to $0 keeps its cents), as explain's
    prose writes money (it read "$873.92 more in month 1" beside "NPV -$30,666"); under a
    cent, as explain writes it (:func:`~payback.money.fine_usd`: "$0.0019", never "$0.00").

    >>> prose_usd(873.92), prose_usd(-106.15), prose_usd(7.254), prose_usd(0.3), prose_usd(0.0)
    ('$874', '-$106', '$7.25', '$0.30', '$0')
    >>> prose_usd(0.0019), prose_usd(-0.0051)
    ('$0.0019', '-$0.0051')
    """
    return fine_usd(value, 0 if round(abs(value), 2) >= 10 or value == 0 else 2)


def sentence_usd(*scale: float) -> Callable[[float], str]:
    """Money for one verdict, every figure of it written alike and as the rest of
    ``analyze`` writes its amounts: where any figure of ``scale`` (the cumulative savings,
    the NPV) is $1,000 or more, whole dollars (:func:`prose_usd`: "$687 more in month 1"
    beside "NPV -$30,666", never "$687.44"); where all are under $1,000, cents, as ``usd``
    writes such amounts ("$418.79 behind; NPV -$418.79"). A figure under a cent either way
    as explain's prose writes it (:func:`~payback.money.fine_usd`): "NPV -$0.00041", never
    "NPV $0.00"; "$0.0051", never "$0.01".

    >>> money = sentence_usd(-12_860.0, -30_666.0); money(687.44), money(-34.53), money(0.3)
    ('$687', '-$35', '$0.30')
    >>> money = sentence_usd(-400.0, -418.79); money(418.79), money(20.0)
    ('$418.79', '$20.00')
    >>> money = sentence_usd(-0.02, -0.0004); money(-0.00041), money(0.0051), money(0.0)
    ('-$0.00041', '$0.0051', '$0.00')
    """
    if any(round(abs(v), 2) >= 1000 for v in scale):
        return prose_usd
    return lambda value: fine_usd(value, 2)


def month_text(month: float, decimals: int = 1) -> str:
    """A break-even month as every output says it: ``at once`` for exactly 0, otherwise
    ``month`` and :func:`month_figure` (never "month 0.0" for a break-even inside month 1,
    never "month 3.0" for one in month 4); the portfolio's verdict and the reports use it.

    >>> month_text(0.0), month_text(0.03), month_text(2.46), month_text(0.0019, 2)
    ('at once', 'month 0.03', 'month 2.5', 'month 0.0019')
    """
    return "at once" if month == 0 else f"month {month_figure(month, decimals)}"


def in_month_text(month: float, decimals: int = 1) -> str:
    """:func:`month_text` after a verb: ``at once`` or ``in month 0.03``.

    >>> in_month_text(0.0), in_month_text(3.04)
    ('at once', 'in month 3.04')
    """
    return "at once" if month == 0 else f"in {month_text(month, decimals)}"


def months_text(n: float) -> str:
    """``1 month``, ``6 months``.

    >>> months_text(1), months_text(12)
    ('1 month', '12 months')
    """
    return f"{n:g} month" + ("" if n == 1 else "s")


def _more_in(
    amount: float, month: int, costs: str = "", money: Callable[[float], str] = prose_usd
) -> str:
    """`` (costs $13 more in month 40)`` after a phrase that says an alternative costs
    more, ``amount`` more than the baseline that month (under a cent as ``money`` writes
    it: "$0.0003 more"); ``""`` where it is no cost to state (traffic shrunk toward
    nothing, :func:`~payback.money.stated`).

    >>> _more_in(12.5, 40), _more_in(7.25, 40, "costs "), _more_in(1e-33, 40)
    (' ($13 more in month 40)', ' (costs $7.25 more in month 40)', '')
    >>> _more_in(0.0003, 1)
    ' ($0.0003 more in month 1)'
    """
    return f" ({costs}{money(amount)} more in month {month})" if stated(amount) else ""


def _recovers(horizon: int, shortfall: float, saving: float) -> float | None:
    """:func:`~payback.analysis.gap.recovered_in` for a saving kept up that is one to state
    (:func:`~payback.money.stated`; under a cent, where the month is written out: 10^18
    months at the most); ``None`` for one too small: it never recovers ``shortfall``."""
    needed = recovered_in(horizon, shortfall, saving) if stated(saving) else None
    return needed if _cents(saving) or (needed or math.inf) <= WRITTEN_OUT[1] else None


def _shrinking(
    monthly: list[float], money: Callable[[float], str], alternative: Sequence[float]
) -> str | None:
    """`` ($1,920 more in month 1, $1,420 in month 2: the gap shrinks)`` where an
    alternative that costs more than the baseline every month (its monthly costs
    ``alternative``) costs at least a cent less more in the horizon's last month than in
    its first and :func:`~payback.analysis.gap.closes_on_baseline` (so not "never"; the
    words say what the horizon holds and nothing past it); None otherwise.

    >>> _shrinking([-1920.0, -1420.0], prose_usd, [2920.0, 2920.0])
    ' ($1,920 more in month 1, $1,420 in month 2: the gap shrinks)'
    """
    if monthly[-1] <= monthly[0] or not _cents(monthly[-1] - monthly[0]):
        return None
    if not closes_on_baseline(monthly, alternative):
        return None
    first, last = money(-monthly[0]), money(-monthly[-1])
    return f" ({first} more in month 1, {last} in month {len(monthly)}: the gap shrinks)"


def never_reason(
    saved: FloatArray,
    cumulative: FloatArray,
    alternative: FloatArray | None = None,
    retraining: FloatArray | None = None,
) -> str:
    """Why the cumulative savings never reach zero, in one phrase (``alternative``: its
    monthly costs, without which a gap is not said to shrink; ``retraining``: its monthly
    retraining, which the saving it says is kept up leaves out)."""
    horizon = saved.shape[-1]
    money = sentence_usd(*(float(c) for c in cumulative))
    if np.all(saved == 0):
        return f"the alternative saves nothing per month, so the {money(-float(cumulative[0]))} one-time cost is never recovered"
    if np.all(saved <= 0):
        costs = [] if alternative is None else [float(c) for c in alternative]
        gap = _shrinking([float(m) for m in saved], money, costs)
        if gap is not None:  # said as far as the horizon: no claim past it
            behind = money(-float(cumulative[-1]))
            return (
                f"the alternative costs more every month of the horizon{gap}; by month "
                f"{horizon} it is {behind} behind"
            )
        return f"the alternative costs more every month{_more_in(-float(saved[0]), 1, money=money)}"
    last = float(saved[-1])
    shortfall = -float(cumulative[-1])
    if last > 0:  # kept up before the month's retraining (one costing more: months that cost more)
        retrained = 0.0 if retraining is None or not len(retraining) else float(retraining[-1])
        running = last + retrained
        needed = _recovers(horizon, shortfall, running)
        month = f"month {horizon}" + (
            f", before its {money(retrained)} retraining" if retrained > 0 else ""
        )
        if needed is None:
            per_month = f"{money(running)}/month" if stated(running) else "under a cent a month"
            return (
                f"saves {per_month} ({month}), too little to ever recover the "
                f"{money(shortfall)} still owed"
            )
        return (
            f"saves {money(running)}/month ({month}); if that saving kept up, {NOTHING_LATER}, "
            f"it would recover the {money(shortfall)} still owed at month {horizon} by about "
            f"{about_month(needed)}"
        )
    monthly = [float(m) for m in saved]
    costly = costly_months(monthly)
    if costly is not None:
        return (
            f"saves in {horizon - len(costly)} of {horizon} months but costs more in "
            f"{months_list(costly)}{_more_in(-last, horizon, money=money)}; "
            f"{money(shortfall)} still owed at month {horizon}, "
            + on_average(horizon, shortfall, monthly, money)
        )
    redone = None if retraining is None else [float(r) for r in retraining]
    if (words := retrained_words(monthly, redone, shortfall, money)) is not None:
        return words  # the last month costs more only because of its retraining
    first_worse = savings_end(monthly)[1]
    return (
        f"savings end in month {first_worse}{_more_in(-last, horizon, 'costs ', money=money)}, "
        f"{money(shortfall)} is never recovered"
    )


def _never_text(
    cum: list[float],
    monthly: list[float],
    horizon: int,
    alternative: Sequence[float],
    retraining: Sequence[float] | None = None,
) -> str:
    """Why the cumulative savings never reach zero, as a plain sentence (after a colon);
    ``retraining``: the monthly retraining a saving kept up is taken before."""
    owed = -cum[0]
    money = sentence_usd(*cum)
    up_front = f"the {money(owed)} up front is never recovered"
    if all(m == 0 for m in monthly):
        return f"it saves nothing per month, so {up_front}"
    if all(m <= 0 for m in monthly):
        gap = _shrinking(monthly, money, alternative)  # not "never": said as far as the horizon
        if gap is not None:
            return (
                f"it costs more than the baseline every month of the horizon{gap}; by month "
                f"{horizon} it is {money(-cum[-1])} behind"
            )
        more = "it costs more than the baseline every month" + _more_in(-monthly[0], 1, money=money)
        return f"{more}, so {up_front}" if owed > 0 else more
    last, short = monthly[-1], -cum[-1]
    if last > 0:  # kept up before the month's retraining (one costing more: months that cost more)
        retrained = (retraining or [0.0])[-1]
        running = last + retrained
        needed = _recovers(horizon, short, running)
        recovered = (
            f"by month {horizon} it has recovered {money(owed - short)} of the "
            f"{money(owed)} up front"
            if owed - short >= 0
            else behind_text(horizon, owed, short, money)  # ran dearer than it saved
        )
        rest = "the rest" if owed - short >= 0 else "catching up"
        if needed is None:
            never = "the rest is never recovered" if owed - short >= 0 else "it never catches up"
            return (
                f"{recovered}, and at {money(running) if stated(running) else 'under a cent'} a "
                f"month (month {horizon}) {never}"
            )
        before = f" before its {money(retrained)} retraining" if retrained > 0 else ""
        return (
            f"{recovered}; if month {horizon}'s {money(running)} saving{before} kept up, "
            f"{NOTHING_LATER}, {rest} would take until about {about_month(needed)}"
        )
    costly = costly_months(monthly)
    if costly is not None:
        return (
            f"it saves in {horizon - len(costly)} of {horizon} months but costs more than "
            f"the baseline in {months_list(costly)}{_more_in(-last, horizon, money=money)}; "
            f"by month {horizon} it is {money(short)} behind, and "
            + on_average(horizon, short, monthly, money)
        )
    saving, worse = savings_end(monthly)
    saves = (
        f"it saves in month {saving + 1} only"
        if worse - 1 == saving + 1
        else f"it saves from month {saving + 1} to month {worse - 1}"
    )
    if (words := retrained_words(monthly, retraining, short, money, True)) is not None:
        return f"{saves}, {words}"
    then = (  # traffic shrunk toward nothing: no cost to state either way
        f"then costs more than the baseline from month {worse} on{_more_in(-last, horizon, money=money)}"
        if any(_cents(m) for m in monthly[worse - 1 :]) or stated(last)
        else f"then differs from the baseline by under a cent a month from month {worse} on"
    )
    return f"{saves}, {then}; by month {horizon} it is {money(short)} behind, and {up_front}"


def outcome_text(
    alt: AlternativeResult,
    horizon: int,
    rate: float,
    requests: Any = None,
    npv_decimals: int | None = None,
) -> str:
    """What happens to one alternative, in a plain sentence that follows its name, for
    every shape of cash flow: pays back (within a quarter or not), pays back and then falls
    behind, saves from month 0, never pays back (costs more every month, saves nothing,
    saves too slowly, or stops saving). ``requests`` formats the break-even's request count
    (every digit by default); ``npv_decimals`` the NPV's cents (by default as the rest
    of the sentence, :func:`sentence_usd`)."""
    cum = alt.cumulative_savings_usd or [0.0]
    worth = (
        sentence_usd(*cum, alt.npv_usd)(alt.npv_usd)
        if npv_decimals is None
        else usd(alt.npv_usd, npv_decimals)
    )
    npv = f"NPV {worth} over {months_text(horizon)}" + (f" at {rate_text(rate)}" if rate else "")
    monthly = alt.monthly_savings_usd or [b - a for a, b in itertools.pairwise(cum)]
    month = alt.break_even_month
    if month is None:
        retraining = alt.components_usd.get("retraining")
        why = _never_text(cum, monthly, horizon, alt.monthly_cost_usd, retraining)
        return f"does not pay back within {months_text(horizon)}: {why}; {npv}"
    if month == 0:
        behind = "" if saves_nothing(cum) else falls_behind_text(alt, horizon)
        if behind:  # no one-time cost, ahead in month 1, behind again by the horizon
            return f"has no one-time cost and pays back at once, {behind}; {npv}"
        if alt.npv_usd < 0:
            return f"has no one-time cost but costs more to run: {npv}"
        if saves_nothing(cum):
            return f"{NOT_CHEAPER}; {npv}"
        return (
            f"saves from month 0: nothing to pay up front and cheaper from the first month; {npv}"
        )
    quarter = quarter_clause(alt.pays_back_within, horizon)
    shown = (requests or whole_text)(alt.break_even_requests or 0.0)
    at = f"in month {month_figure(month)} (after ~{counted(shown, 'request')})"
    again = behind_again_text(alt, horizon)
    if not again:
        return f"pays back {at}{quarter}; {npv}"
    return f"breaks even {at}{again}; {npv}"


class SavingsPath(Protocol):
    """What the words on a break-even and a fall behind read of an alternative: a
    scenario's (:class:`AlternativeResult`) or a portfolio's."""

    @property
    def cumulative_savings_usd(self) -> list[float] | None: ...
    @property
    def break_even_month(self) -> float | None: ...
    @property
    def pays_back_within(self) -> dict[str, bool | None] | None: ...


def behind_again_text(
    alt: SavingsPath, horizon: int, money: Callable[[float], str] | None = None
) -> str:
    """For an alternative that breaks even (in a month after 0) and is behind again in a
    later month (a retraining, a baseline whose price falls), what follows "breaks even in
    month m": whether that is within a quarter (said as the behind-again month's
    consequence where the break-even came before month 3 and month 3 is behind), the month
    it is behind again, then how far behind it ends (:func:`falls_behind_text`, by
    ``money``) or the month it stays ahead from; ``""`` where it is never behind again.

    >>> from types import SimpleNamespace as N
    >>> cum = [-1000.0, -500.0, 0.0, -1500.0, -1000.0, -500.0, -2000.0]
    >>> behind_again_text(N(cumulative_savings_usd=cum, break_even_month=2.0,
    ...     pays_back_within={"3": False}), 6)
    ' but is behind again from month 3 on, so not within a quarter: it costs more than the baseline in months 3 and 6 and by month 6 it is $2,000 behind'
    >>> behind_again_text(N(cumulative_savings_usd=[-100.0, 50.0, -10.0, 20.0, 40.0],
    ...     break_even_month=0.67, pays_back_within={"3": True}), 4)
    ', within a quarter, but is behind again in month 2; it stays ahead from month 3'
    """
    cum = alt.cumulative_savings_usd or [0.0]
    month = alt.break_even_month
    if not month:
        return ""
    behind = [m for m in range(math.floor(month) + 1, len(cum)) if cum[m] < 0 and _cents(cum[m])]
    if not behind:
        return ""
    quarter = quarter_clause(alt.pays_back_within, horizon)
    stays = behind == list(range(behind[0], horizon + 1))
    again = f"is behind again {'from' if stays else 'in'} month {behind[0]}{' on' if stays else ''}"
    if quarter == ", not within a quarter" and month <= QUARTER_MONTHS:
        text = f" but {again}, so not within a quarter"
    else:
        text = f"{quarter if quarter.startswith(',') else ''}, but {again}"
    ends = falls_behind_text(alt, horizon, money).removeprefix("but ")
    text += f": {ends}" if ends else f"; it stays ahead from month {behind[-1] + 1}"
    return text + (quarter if quarter.startswith(";") else "")


def falls_behind_text(
    alt: SavingsPath, horizon: int, money: Callable[[float], str] | None = None
) -> str:
    """For an alternative that pays back and is behind again at the horizon (its savings
    shrink: a baseline whose price falls, say, or a retraining; with no one-time cost too,
    a break-even at once), which months after the break-even cost more and how far behind
    it ends, written by ``money`` (explain's prose writes it as the rest of its sentence);
    ``""`` otherwise (and for one that :func:`saves_nothing`, or is behind by under a cent).

    >>> from types import SimpleNamespace as N
    >>> falls_behind_text(N(cumulative_savings_usd=[-200.0, 100.0, 50.0, -20.0], break_even_month=0.67), 3)
    'but from month 2 it costs more than the baseline each month and by month 3 it is $20.00 behind'
    >>> falls_behind_text(N(cumulative_savings_usd=[-10.0, 0.0, 10.0, -30.0, -20.0, -60.0], break_even_month=1.0), 5)
    'but it costs more than the baseline in months 3 and 5 and by month 5 it is $60.00 behind'

    Nothing up front and $1,270 saved in month 1, then $230, $480 and $720 more a month
    (in whole dollars, as the $1,270 is):

    >>> falls_behind_text(N(cumulative_savings_usd=[0.0, 1270.0, 1040.0, 560.0, -160.0], break_even_month=0.0), 4)
    'but from month 2 it costs more than the baseline each month and by month 4 it is $160 behind'
    """
    cum = alt.cumulative_savings_usd or [0.0]
    money = money or sentence_usd(*cum)
    month = alt.break_even_month
    if month is None or cum[-1] >= 0 or not _cents(cum[-1]) or saves_nothing(cum):
        return ""
    monthly = [b - a for a, b in itertools.pairwise(cum)]
    worse = [i + 1 for i, m in enumerate(monthly) if i >= math.ceil(month) and m < 0] or [horizon]
    behind = f"by month {horizon} it is {money(-cum[-1])} behind"
    if worse == list(range(worse[0], horizon + 1)):
        return f"but from month {worse[0]} it costs more than the baseline each month and {behind}"
    return f"but it costs more than the baseline in {months_list(worse)} and {behind}"


def quarter_clause(within: dict[str, bool | None] | None, horizon: int) -> str:
    """What a verdict says of a quarter after its break-even month: ", within a quarter",
    ", not within a quarter", or, past a horizon shorter than a quarter, that it is not
    known.

    >>> quarter_clause({"3": True}, 24), quarter_clause({"3": None}, 2)
    (', within a quarter', '; a quarter is past the 2 months computed')
    """
    said = (within or {}).get(str(QUARTER_MONTHS))
    if said is None:
        return f"; a quarter is past the {months_text(horizon)} computed"
    return ", within a quarter" if said else ", not within a quarter"


def within_text(within: dict[str, bool | None] | None) -> str:
    """Whether it pays back within 3, 6 and 12 months, as ``analyze`` says it for a scenario
    and for a portfolio alike.

    >>> within_text({"3": False, "6": True, "12": None})
    '3 months: no; 6: yes; 12: unknown (horizon too short)'
    >>> within_text({"3": None, "6": None, "12": None})
    '3, 6 and 12 months: unknown (horizon too short)'
    """
    said = (within or {}).get
    words = {None: "unknown (horizon too short)", True: "yes", False: "no"}
    known = [k for k in ("3", "6", "12") if said(k) is not None]
    unknown = [k for k in ("3", "6", "12") if said(k) is None]  # the longest windows
    parts = [f"{k}{' months' if k == '3' else ''}: {words[bool(said(k))]}" for k in known]
    if unknown:
        parts.append(f"{listed(unknown)}{' months' if not known else ''}: {words[None]}")
    return "; ".join(parts)
