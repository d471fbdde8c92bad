"""The page's sentences about its answer: the headline, which is `payback analyze`'s
verdict word for word, and how many of the file's numbers are ranges. No Streamlit here,
so it is testable."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from payback.analysis.result import Analysis
from payback.analysis.verdict import quoted
from payback.figures import share_text
from payback.report.common import shown_below
from payback.report.labels import input_label
from payback.web.typed import show_number

if TYPE_CHECKING:
    from payback.studies.portfolio import PortfolioAnalysis

__all__ = [
    "best_index",
    "figures_caption",
    "ranged_words",
    "ranges_in_plain_words",
    "sampled_chances",
    "shown_index",
    "verdict_headline",
    "warnings_for",
    "whole_percent",
]


def verdict_headline(analysis: Analysis | PortfolioAnalysis, shown: int | None = None) -> str:
    """The page's headline: the verdict ``payback analyze`` ends with (a scenario's, or a
    portfolio's with all its workloads), word for word and figure for figure (every digit
    of the requests, the NPV in cents below $1,000), as a sentence; ``shown``, when it is
    not the best by NPV, named after it with its own answer.

    >>> from payback import analyze
    >>> from payback.scenario import parse_scenario
    >>> seed = {"scenario": {"name": "s", "horizon_months": 6},
    ...     "traffic": {"requests_per_month": 20000},
    ...     "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 15},
    ...     "alternatives": [{"name": "ft", "kind": "per_request", "usd_per_1k_requests": 2,
    ...                       "one_time": {"data_usd": 400}}]}
    >>> verdict_headline(analyze(parse_scenario(seed, "seed")))
    "'ft' pays back in month 1.5 (after ~30,769 requests), within a quarter; NPV $1,160 over 6 months."
    """
    verdict = analysis.verdict()
    line = f"{verdict[0].upper()}{verdict[1:]}."
    if shown is not None and shown != best_index(analysis):
        alt = analysis.alternatives[shown]
        line += shown_below(alt.name, alt.break_even_month, alt.npv_usd, analysis.horizon_months)
    return line


def best_index(analysis: Analysis | PortfolioAnalysis) -> int:
    """The alternative the verdict names: the best by NPV (the first of equals, as
    ``max`` in :meth:`Analysis.verdict` picks it)."""
    alts = analysis.alternatives
    return max(range(len(alts)), key=lambda i: alts[i].npv_usd)


def shown_index(held: int, count: int, best: int | None, chosen: bool) -> int:
    """Which alternative “Showing” shows: the one chosen there (``held``) when the user
    chose one, else the verdict's ``best`` (``None`` while there is no answer: the one
    shown before), so the figures under the verdict are the verdict's own; an index past
    the ``count`` of alternatives (one removed) shows the first.

    >>> shown_index(0, 3, 2, chosen=False), shown_index(0, 3, 2, chosen=True)
    (2, 0)
    >>> shown_index(1, 3, None, chosen=False), shown_index(4, 3, None, chosen=True)
    (1, 0)
    """
    if not chosen and best is not None:
        return best
    return held if 0 <= held < count else 0


def figures_caption(name: str, best: bool) -> str:
    """The line above the figures of a scenario with several alternatives: whose they are.

    >>> figures_caption("rented", True)
    "The figures of 'rented', the best by NPV:"
    >>> figures_caption("owned", False)
    "The figures of 'owned', as chosen under “Showing” (not the best by NPV):"
    """
    if best:
        return f"The figures of {quoted(name)}, the best by NPV:"
    return f"The figures of {quoted(name)}, as chosen under “Showing” (not the best by NPV):"


def ranged_words(count: int, first: str | None = None) -> str:
    """How many numbers a file gives as ranges, in words, one of them named when given.

    >>> ranged_words(14), ranged_words(1)
    ('the 14 numbers the file gives as ranges', 'the one number the file gives as a range')
    >>> ranged_words(2, "traffic.requests_per_month")
    '2 numbers as ranges (such as requests per month, in month 1)'
    >>> ranged_words(1, "alternatives.0.one_time.data_usd")
    'one number as a range (data: collect, label, clean)'
    """
    if first is None:
        if count == 1:
            return "the one number the file gives as a range"
        return f"the {count} numbers the file gives as ranges"
    name = input_label(first, units=False)
    if count == 1:
        return f"one number as a range ({name})"
    return f"{count} numbers as ranges (such as {name})"


def whole_percent(share: float | None) -> str:
    """A portfolio's sampled share as its terminal line gives it (share_text);
    "unknown" for a window the horizon cannot answer (a quarter past a 2-month horizon).

    >>> whole_percent(0.574), whole_percent(None)
    ('57%', 'unknown')
    """
    return share_text(share)


_ABOUT = re.compile(r"alternatives\.(\d+)\b")


def warnings_for(lines: list[str], names: list[str], shown: int) -> tuple[list[str], str | None]:
    """The warnings to show beside alternative ``shown`` of ``names``, and a line that says
    which other alternatives have warnings of their own (None when none has).

    A line about one alternative (it starts with its path, as ``payback analyze`` writes
    them: "alternatives.1.usd_per_gpu_hour = 2.35 (catalog: ...) was checked ...: stale")
    is shown with that alternative only, its name first where there are several: beside
    another, the answer on the page is not the one it is about. A line about the scenario,
    the traffic, the baseline or several options is shown with every one.

    >>> stale = "alternatives.1.usd_per_gpu_hour = 2.35 (catalog) was checked 2026-04-02: stale"
    >>> warnings_for([stale, "traffic.x: a scenario-wide line"], ["owned", "rented"], 0)
    (['traffic.x: a scenario-wide line'], "'rented' has a warning of its own (a stale price), shown with it: choose it under “Showing”.")
    >>> warnings_for([stale], ["owned", "rented"], 1)
    (["'rented': alternatives.1.usd_per_gpu_hour = 2.35 (catalog) was checked 2026-04-02: stale"], None)
    >>> warnings_for([stale.replace("alternatives.1", "alternatives.0")], ["alone"], 0)[0][0][:24]
    'alternatives.0.usd_per_g'
    >>> warnings_for(["alternatives.1: too slow"], ["owned", "rented"], 1)[0]
    ["'rented': too slow"]
    """
    mine: list[str] = []
    others: dict[int, list[str]] = {}
    for line in lines:
        about = _ABOUT.match(line)
        index = int(about.group(1)) if about is not None else None
        if index is None or index >= len(names) or (index == shown and len(names) == 1):
            mine.append(line)
        elif index == shown:  # "alternatives.1: ..." said with its name, a field's path kept
            mine.append(f"{quoted(names[index])}: {line.removeprefix(f'alternatives.{index}: ')}")
        else:
            others.setdefault(index, []).append(line)
    if not others:
        return mine, None
    said = []
    for index, theirs in sorted(others.items()):
        stale = sum("stale" in line for line in theirs)
        kinds = (
            "a stale price"
            if stale == len(theirs) == 1
            else f"{stale} stale price{'s' if stale > 1 else ''}"
            if stale == len(theirs)
            else None
        )
        count = "a warning" if len(theirs) == 1 else f"{len(theirs)} warnings"
        said.append(
            f"{quoted(names[index])} has {count} of its own" + (f" ({kinds})" if kinds else "")
        )
    return mine, (
        "; ".join(said) + ", shown with it: choose it under “Showing”."
        if len(said) == 1
        else "; ".join(said) + ", each shown with its own: choose it under “Showing”."
    )


def ranges_in_plain_words(analysis: Analysis) -> str:
    """How to give a number as a range, with this scenario's monthly requests."""
    requests = analysis.scenario.traffic.requests_per_month
    low, mid, high = (show_number(round(requests * f, -3) or requests * f) for f in (0.75, 1, 1.6))
    return (
        "When you are unsure of a number, give it as a range instead of one value: "
        f'"at least {low}, most likely {mid}, at most {high} requests a month". In the '
        "scenario file that is written\n\n"
        f'`requests_per_month = {{ dist = "triangular", low = {low.replace(",", "")}, '
        f"mode = {mid.replace(',', '')}, high = {high.replace(',', '')} }}`\n\n"
        "Open the file again here and the page can try thousands of combinations of the "
        "ranges and say how often the alternative pays back within a quarter and within "
        "the horizon. Until then, the Drivers chart shows which numbers move the answer most."
    )


def sampled_chances(result: Any, index: int) -> tuple[int, dict[str, Any], float | None, int, int]:
    """What a Monte Carlo says for alternative ``index``: samples, chances by month, the
    median break-even, the number of ranges sampled and the horizon; of one analysis (an
    :class:`Analysis`) or of the workloads moved together (its ``uncertainty`` table)."""
    if isinstance(result, Analysis):
        assert result.uncertainty is not None
        u = result.uncertainty.alternatives[index]
        median = u.break_even_month_percentiles.get("p50")
        ranges = len(result.uncertainty.inputs)
        return u.samples, u.p_break_even_within, median, ranges, result.horizon_months
    table = result.uncertainty
    alt = table["alternatives"][index]
    median = alt["break_even_month_percentiles"].get("p50")
    return (
        alt["samples"],
        alt["p_break_even_within"],
        median,
        len(table["inputs"]),
        result.horizon_months,
    )
