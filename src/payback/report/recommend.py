"""The terminal rendering of a configuration search (Rich renderables, no printing here)."""

from __future__ import annotations

import math
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from payback.analysis.result import usd as money
from payback.catalog import STALE_AFTER_DAYS
from payback.report.common import rent_text
from payback.report.fit import Fit, fit
from payback.studies.recommend import Candidate, Recommendation

__all__ = ["COMMAND_NAMES", "STALE_MARK", "recommendation_renderables", "stale_note"]

COMMAND_NAMES = {"max_replicas": "--max-replicas", "models": "--model"}
"""``recommend``'s parameters by the command line's flags: its advice names them so."""


STALE_MARK = "*"
"""Beside the monthly cost of a configuration whose rent is stale (:func:`stale_note`)."""


def _table(
    title: str,
    candidates: list[Candidate],
    numbered: bool,
    models: int,
    targets: bool = True,
    result: Recommendation | None = None,
) -> Fit:
    """Configurations as rows; the ``targets`` column only when there are latency targets;
    a monthly cost at a stale rent (of ``result``'s search) marked :data:`STALE_MARK`."""
    table = Table(
        box=box.SIMPLE_HEAD, title=title, title_justify="left", padding=(0, 1, 0, 0), pad_edge=False
    )
    columns = [
        ("#", "right"),
        ("model", "left"),
        ("GPU", "left"),
        ("prec.", "left"),
        ("TP", "right"),
        ("repl.", "right"),
        ("req/s", "right"),
        ("tpot", "right"),
        ("ttft", "right"),
        ("$/month", "right"),
        ("targets", "left"),
    ]
    keep = [
        name
        for name, _ in columns
        if (numbered or name not in ("#", "targets"))
        and (models > 1 or name != "model")
        and (targets or name != "targets")
    ]
    for name, justify in columns:
        if name in keep:
            table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    marked = [result is not None and result.stale_rent(c) for c in candidates]
    unmarked = " " if any(marked) else ""  # the figures stay aligned beside a mark
    for rank, (c, stale) in enumerate(zip(candidates, marked, strict=True), 1):
        replicas = str(c.replicas) + (f"→{c.replicas_max}" if c.replicas_max != c.replicas else "")
        missed = [t for t in ("tpot", "ttft") if c.misses and t in c.misses]
        cells = {
            "#": str(rank),
            "model": c.model,
            "GPU": c.gpu,
            "prec.": c.precision,
            "TP": str(c.gpus_per_replica),
            "repl.": replicas,
            "req/s": f"{c.replica_requests_per_s:,.2f}",
            "tpot": f"{c.tpot_ms:,.1f}",
            "ttft": f"{c.ttft_ms:,.0f}" if math.isfinite(c.ttft_ms) else "unbounded",
            "$/month": money(c.monthly_cost_usd, 0) + (STALE_MARK if stale else unmarked),
            "targets": "met" if c.meets_targets else "misses " + "+".join(missed),
        }
        table.add_row(*(cells[name] for name in keep))
    return fit(table)  # a figure never cut: too narrow, each configuration above its figures


def stale_note(result: Recommendation, shown: list[Candidate]) -> RenderableType | None:
    """The stale rents of the configurations ``shown``, one item per GPU, each said as
    ``estimate`` and ``catalog gpus`` say it (:meth:`Recommendation.rent_source`); ``None``
    when none is stale. An item that wraps continues under its text, not at column 0."""
    gpus = {c.gpu: c for c in shown if result.stale_rent(c)}
    if not gpus:
        return None
    items = []
    for gpu, c in gpus.items():
        rent = f"at {rent_text(c.usd_per_gpu_hour)}/GPU-h " if c.usd_per_gpu_hour else ""
        items.append((f"  {gpu}", f"{rent}from {result.rent_source(c)}"))
    title = (
        f"{STALE_MARK} a stale rent (checked over {STALE_AFTER_DAYS} days ago): check it before "
        "deciding"
    )
    return Group(Text(title), Hanging(items))


class Hanging:
    """Items of a list, each a head (``  mi300x``, a count) and a text that wraps under
    itself, not under the head nor at column 0. Lines break between words only: a URL or
    an id (``rtx-6000-ada``) moves whole to the next line; only a word wider than the whole
    line is folded (the terminal would crop it)."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        import textwrap

        width = max(len(head) for head, _ in self.items)
        indent = " " * (width + 1)
        room = max(20, options.max_width - len(indent))
        for head, text in self.items:
            words = textwrap.wrap(text, room, break_long_words=False, break_on_hyphens=False)
            lines = [line[i : i + room] for line in words for i in range(0, len(line), room)]
            body = f"\n{indent}".join(lines)
            yield Text(f"{head.rjust(width)} {body}", no_wrap=True)


def pricing_text(result: Recommendation) -> str:
    """Which rent the search priced each GPU at, in words: owned servers, a serverless
    platform's busy seconds, on-demand or committed rent and whose (a named provider, or
    the catalog's median of a kind of provider), and the alternative's own rent for its
    own GPU. A fleet kept running (``always_on``, the default) pays every hour of the
    month, a serverless rate too; else only the GPU-hours it runs.

    >>> from payback.studies.recommend import Recommendation
    >>> pricing_text(Recommendation(0, "x", [], [], [], {}, gpu_price="marketplace"))
    'on-demand rent (the median of marketplace offers)'
    >>> pricing_text(Recommendation(0, "x", [], [], [], {}, gpu_price="serverless"))
    'serverless rent for every hour of the month (always_on = true keeps the fleet running; false pays only busy GPU-seconds)'
    >>> pricing_text(
    ...     Recommendation(0, "x", [], [], [], {}, gpu_price="serverless", always_on=False)
    ... )
    'serverless rent (busy GPU-seconds)'
    >>> pricing_text(Recommendation(0, "x", [], [], [], {}, always_on=False))
    "on-demand rent (the median of GPU clouds' offers, else of hyperscalers') for the GPU-hours the fleet runs (always_on = false)"
    """
    if result.cash:
        return "owned servers bought in cash"
    if result.owned:
        return "owned servers (depreciated)"
    whose = (
        f" from {result.gpu_provider}"
        if result.gpu_provider
        else f" ({PRICE_KINDS[result.gpu_price]})"
        if result.gpu_price in PRICE_KINDS
        else " (the median of GPU clouds' offers, else of hyperscalers')"
    )
    if result.gpu_price == "serverless" and not result.always_on:
        text = "serverless rent (busy GPU-seconds)"
    elif result.gpu_price == "serverless":
        text = (
            "serverless rent for every hour of the month (always_on = true keeps the fleet "
            "running; false pays only busy GPU-seconds)"
        )
    elif result.commitment == "none":
        text = "on-demand rent" + whose
        if not result.always_on:
            text += " for the GPU-hours the fleet runs (always_on = false)"
    else:
        text = f"{result.commitment} committed rent" + whose
    if result.own_rent is not None:
        gpu, rent = result.own_rent
        text += (
            f"; {gpu} at the alternative's own usd_per_gpu_hour = {rent:g}"
            if gpu is not None
            else f"; the alternative's usd_per_gpu_hour = {rent:g} is not used: it names no gpu "
            "to price at it"
        )
    return text


PRICE_KINDS = {
    "gpu_cloud": "the median of GPU clouds' offers",
    "hyperscaler": "the median of hyperscalers' offers",
    "marketplace": "the median of marketplace offers",
}
"""The alternative's ``gpu_price`` (other than serverless) in words."""


def searched_text(result: Recommendation) -> str:
    """How many configurations were considered, left out before evaluation, evaluated and
    fit, and in how long."""
    fit = len(result.candidates)
    before = result.left_out_before
    evaluated = (
        f"{result.evaluated:,} evaluated in {result.seconds * 1000:,.1f} ms, each with the "
        "replicas its busiest month needs"
    )
    fitted = f"{fit:,} fit" if result.did_not_fit == 0 else f"{fit:,} of them fit"
    if result.missing_targets:
        fitted += f" ({result.missing_targets:,} missing the latency targets)"
    text = (
        f"Considered {result.evaluated + before:,} configurations (model × GPU × precision × "
        f"TP, the GPUs per replica): {before:,} left out before evaluation (see below), "
        f"{evaluated}; {fitted}."
        if before
        else f"Evaluated {result.evaluated:,} configurations (model × GPU × precision × TP, the "
        f"GPUs per replica) in {result.seconds * 1000:,.1f} ms, each with the replicas its "
        f"busiest month needs; {fitted}."
    )
    return (
        text
        + " Costs are monthly averages over the horizon"
        + (" (incl. the servers bought at t = 0, spread over the horizon)." if result.cash else ".")
    )


def _left_out(result: Recommendation) -> list[tuple[str, list[tuple[str, int]]]]:
    """The reasons configurations were left out, most first: those before evaluation, then
    those evaluated that did not fit, each group with its title."""
    ordered = sorted(result.excluded.items(), key=lambda kv: (-kv[1], kv[0]))
    after_evaluation = result.excluded_after_evaluation
    before = [(r, n) for r, n in ordered if r not in after_evaluation]
    after = [(r, n) for r, n in ordered if r in after_evaluation]
    groups = []
    if before:
        groups.append((f"Left out before evaluation ({sum(n for _, n in before):,}):", before))
    if after:
        groups.append((f"Evaluated, did not fit ({sum(n for _, n in after):,}):", after))
    return groups


def recommendation_renderables(
    result: Recommendation, top: int = 10, applied: bool = False
) -> RenderableType:  # long: five sections in the order shown
    """What was searched, the top configurations, the Pareto front, what was left out and
    the winner."""
    targets = (
        "latency targets: "
        + ", ".join(f"{k} ≤ {v:g}" for k, v in result.targets.items())
        + " at the target utilisation"
        if result.targets
        else "no latency targets (tpot_ms or ttft_ms in the alternative rank by them)"
    )
    engine = result.engine
    served = f"served by {engine.name}" + (
        f" ({', '.join(engine.measured)} measured by the calibration)" if engine.measured else ""
    )
    header = Text(
        f"alternatives.{result.alternative} '{result.name}': {', '.join(result.models)} "
        f"{served}; {targets}; priced as {pricing_text(result)}\n{searched_text(result)}"
    )
    parts: list[RenderableType] = [header]
    if result.candidates:
        parts += [
            Text(),
            _table(
                "Cheapest configurations (tpot, ttft in ms at the target utilisation; TP = GPUs "
                "per replica)",
                result.candidates[:top],
                numbered=True,
                models=len(result.models),
                targets=bool(result.targets),
                result=result,
            ),
        ]
    if result.pareto:
        parts.append(
            _table(
                "Pareto front: nothing as cheap has a lower tpot",
                result.pareto,
                numbered=False,
                models=len(result.models),
                result=result,
            )
        )
    if (stale := stale_note(result, result.candidates[:top] + result.pareto)) is not None:
        parts.append(stale)  # a blank line before what follows; the winner's line brings its own
        if result.missing_targets or _left_out(result):
            parts.append(Text())
    if result.missing_targets:
        parts.append(
            Text(
                f"Ranked after the others: {result.missing_targets:,} "
                f"miss{'es' if result.missing_targets == 1 else ''} the latency targets "
                f"(e.g. {result.missing_example})"
            )
        )
    for title, reasons in _left_out(result):
        items = [
            (f"  {count:>4}", f"{reason} (e.g. {result.examples[reason]})")
            for reason, count in reasons
        ]
        parts.append(Group(Text(title), Hanging(items)))
    best = result.best
    line = Text("\nBest: ", style="bold")
    if best is None:
        line.append(result.why_no_best(COMMAND_NAMES) or "none")
    else:
        average = (
            f" (average over the horizon, incl. {money(best.bought_at_start_usd)} bought at t=0)"
            if best.bought_at_start_usd is not None
            else ""
        )
        line.append(
            f"{best.label()}, {best.replicas} replica{'s' if best.replicas != 1 else ''}"
            + (f" (up to {best.replicas_max})" if best.replicas_max != best.replicas else "")
            + f", {money(best.monthly_cost_usd, 0)}/month{average}"
            + (f" at {rent_text(best.usd_per_gpu_hour)}/GPU-h" if best.usd_per_gpu_hour else "")
            + f"; tpot {best.tpot_ms:.1f} ms, "
            + (
                f"ttft {best.ttft_ms:.0f} ms"
                if math.isfinite(best.ttft_ms)
                else "ttft unbounded (requests at the capacity)"
            )
            + tie_words(result)
            + "."
            + ("" if applied else " Write it into the scenario with --apply -o FILE.")
        )
    parts.append(line)
    return Group(*parts)


def tie_words(result: Any) -> str:
    """Why the best is the one named where others cost the same a month (to the cent): it
    has the most capacity, the ranking's next key (:func:`~payback.studies.configurations.
    rank`), and a latency target would rank by latency instead; scaled to zero, where each
    pays for its load and no more, none faster to the first token; ``""`` without a tie. Tried
    as a new user would: "Best: … fp8 on 1 × l4" beside an int4 on the same L4 at the same
    $588 with a lower tpot on the Pareto front, and no word of why."""
    best = result.best
    tied = [
        c
        for c in result.candidates
        if c.meets_targets and round(c.monthly_cost_usd, 2) == round(best.monthly_cost_usd, 2)
    ]
    if len(tied) < 2:
        return ""
    at = f"; of the {len(tied)} at {money(best.monthly_cost_usd, 0)}/month"
    if best.replicas_paid is not None:  # scaled to zero: each pays for its load, no more
        return f"{at} none is faster to the first token ({best.ttft_ms:.0f} ms), nor then per token"
    capacity = best.replicas * best.replica_requests_per_s
    words = f"{at} it has the most capacity ({capacity:.2f} requests/s)"
    # without targets latency ranks nothing; with them, those missing one rank after
    return words if result.targets else words + "; with a tpot_ms target, those slower rank after"
