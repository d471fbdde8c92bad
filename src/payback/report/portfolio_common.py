"""What the portfolio's terminal view (:mod:`payback.report.portfolio`) and its documents
(:mod:`payback.report.portfolio_document`) say alike: the workloads' rows, each workload's
contribution, the migration order, the fleet in words and each workload's role. Only reads
the analysis. Money down a column is written alike (``usd_column``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from payback.analysis.result import months_text
from payback.analysis.verdict import month_text, prose_usd, saves_nothing, usd_column
from payback.figures import counted, rate_text, share_text, whole_text
from payback.report.common import (
    NOTHING_SAVED,
    NOTHING_SAVED_WHY,
    SAME_SAMPLES,
)
from payback.report.windows import samples_behind_text, window_shares
from payback.studies.portfolio import (
    Contribution,
    MigrationStep,
    PortfolioAlternative,
    PortfolioAnalysis,
)

if TYPE_CHECKING:
    from payback.analysis.portfolio_baseline import BaselineFleetFacts

__all__ = [
    "SAVES_NET",
    "adds_up_words",
    "baseline_fleet",
    "baseline_fleet_paragraph",
    "baseline_fleet_words",
    "baseline_row",
    "baseline_today",
    "break_even_cell",
    "contribution_rows",
    "counted",
    "fleet_header",
    "fleet_words",
    "gpus_text",
    "idle_most",
    "idle_words",
    "kept_words",
    "month_costs",
    "one_fleet_kept",
    "one_time_parts",
    "order_rows",
    "placement_words",
    "role_words",
    "sampled_sentence",
    "sampled_words",
    "shares_fleet",
    "sheds_words",
    "workload_rows",
]


def workload_rows(analysis: PortfolioAnalysis) -> list[list[str]]:
    """Per workload: name, requests a month, growth, token lengths, busiest hour, baseline."""
    scenario = analysis.scenario
    rows = []
    for w in scenario.workloads or []:
        t = w.traffic
        lengths = (
            f"{t.input_tokens:,.0f} / {t.output_tokens:,.0f}"
            if t.input_tokens is not None and t.output_tokens is not None
            else "-"
        )
        rows.append(
            [
                w.name,
                f"{t.requests_per_month:,.0f}",
                # none is "0%", as the scenario's inputs table writes it (it read "-")
                rate_text(t.growth_monthly, signed=True) if t.growth_monthly else "0%",
                lengths,
                f"{t.peak_to_average:g}",
                (w.baseline or scenario.baseline).name,
            ]
        )
    return rows


def gpus_text(x: float, unit: str | None = None) -> str:
    """A count of GPUs as a single scenario writes one: whole, with thousands separators
    ('1,034', '8,697,542'; it read '1034' and '8.69754e+06'); a fleet scaled to zero, busy
    GPU-hours / 730, to three figures ('0.417'); with ``unit``, followed by it, plural but
    for 1 ('1 GPU': it read '1 GPUs').

    >>> gpus_text(8_697_542.0), gpus_text(2.0), gpus_text(0.41666), gpus_text(1.0, "GPU")
    ('8,697,542', '2', '0.417', '1 GPU')
    """
    count = f"{x:,.0f}" if x >= 100 or x == round(x) else f"{x:.3g}"
    return count if unit is None else counted(count, unit)


def placement_words(alt: PortfolioAlternative, month: int = 0) -> str:
    """How the shared fleet's GPUs are placed in ``month`` (0: the first): ``""`` when they
    all mix adapters, else how many are pinned to one workload's adapter, mix adapters, are
    kept by ``min_replicas`` beyond what the traffic needs and, under a 1y/3y commitment,
    are reserved but idle."""
    if alt.pinned_gpus is None or alt.gpus is None or alt.mixed_gpus is None:
        return ""
    pinned, mixed = alt.pinned_gpus[month], alt.mixed_gpus[month]
    idle = (alt.idle_gpus or [0.0] * len(alt.gpus))[month]
    spare = (alt.spare_gpus or [0.0] * len(alt.gpus))[month]
    if pinned == 0 and idle == 0 and spare == 0:
        return ""
    if mixed == 0 and idle == 0 and spare == 0:
        return "each workload on GPUs of its own (cheaper than mixing adapters)"
    words = [
        f"{gpus_text(pinned, 'GPU')} pinned to a single workload's adapter" if pinned else "",
        f"{gpus_text(mixed, 'GPU')} mixing adapters" if mixed else "",
    ]
    return ", ".join(w for w in [*words, kept_words(spare, idle)] if w)


def kept_words(spare: float, idle: float) -> str:
    """The GPUs a fleet pays for beyond what the month's traffic needs, each count with
    its unit ('1 GPU kept by min_replicas': it read '1 mixing adapters'): those
    ``min_replicas`` keeps and, under a 1y/3y commitment, those reserved but idle; ``""``
    when none.

    >>> kept_words(1.0, 2.0)
    '1 GPU kept by min_replicas beyond what the traffic needs, 2 GPUs reserved, idle until the term ends'
    """
    words = [
        f"{gpus_text(spare, 'GPU')} kept by min_replicas beyond what the traffic needs"
        if spare
        else "",
        f"{gpus_text(idle, 'GPU')} reserved, idle until the term ends" if idle else "",
    ]
    return ", ".join(w for w in words if w)


def one_fleet_kept(alt: PortfolioAlternative, month: int = 0) -> str:
    """Of the fleet of a shared option that serves one workload (or the fleets, one per
    workload, of a separate option, summed), the GPUs beyond what the traffic needs in
    ``month`` (0: the first), as :func:`kept_words` says them after a
    space and in brackets, as a shared fleet's placement is said; ``""`` when none."""
    spare = (alt.spare_gpus or [])[month:]
    idle = (alt.idle_gpus or [])[month:]
    words = kept_words(spare[0] if spare else 0.0, idle[0] if idle else 0.0)
    return f" ({words})" if words else ""


def idle_words(alt: PortfolioAlternative) -> str:
    """The GPUs a 1y/3y commitment keeps paid for in months that need fewer (reserved to
    the term's end): ``"up to 3 GPUs reserved, idle until the term ends (in 19 of 24
    months)"``, or ``""`` when no month has any."""
    most, months = idle_most(alt)
    if months == 0:
        return ""
    return (
        f"up to {gpus_text(most, 'GPU')} reserved, idle until the term ends "
        f"(in {months} of {len(alt.idle_gpus or [])} months)"
    )


def idle_most(alt: PortfolioAlternative) -> tuple[float, int]:
    """The most GPUs a 1y/3y commitment keeps reserved but idle in a month, and in how
    many months it keeps any (0 and 0 without a commitment or an option with no fleet)."""
    idle = [i for i in alt.idle_gpus or [] if i > 0.0]
    return max(idle, default=0.0), len(idle)


def _gpus_span(gpus: list[float]) -> str:
    """``2 GPUs``, or ``2 GPUs, up to 3`` for a fleet that grows."""
    first, most = gpus[0], max(gpus)
    return gpus_text(first, "GPU") + (f", up to {gpus_text(most)}" if most != first else "")


def fleet_words(alt: PortfolioAlternative) -> str:
    """The alternative's fleet in a few words, with the shared fleet's GPUs."""
    idle = f"; {words}" if (words := idle_words(alt)) else ""
    if shares_fleet(alt) and alt.gpus is not None:
        placed = placement_words(alt)
        return (
            f"one shared fleet, an adapter per workload: {_gpus_span(alt.gpus)}"
            + (f" ({placed})" if placed else "")
            + idle
        )
    if alt.fleet == "shared":  # its one workload's model merged, on a fleet of its own
        one = alt.one_fleet_gpus
        kept = one_fleet_kept(alt)
        return "one fleet (one workload)" + (f": {_gpus_span(one)}{kept}{idle}" if one else "")
    if alt.fleet == "separate":
        every = alt.separate_gpus  # the sum of the workloads' own fleets, each month
        if not every:
            return "a fine-tuned model and fleet per workload"
        grows = f", up to {gpus_text(max(every))}" if max(every) != every[0] else ""
        return (
            f"a fine-tuned model and fleet per workload: {gpus_text(every[0], 'GPU')} in all"
            f"{one_fleet_kept(alt)}{grows}{idle}"
        )
    priced = {"per_request": "a price per 1,000 requests", "hosted_api": "token prices"}
    return f"none: {priced.get(alt.kind, alt.kind)}, per workload"


def role_words(c: Contribution, shared: bool) -> str:
    """``carries the fleet`` or ``rides on it`` (a shared fleet), else whether the workload
    pays for its own fleet; ``nothing saved`` where it costs the same moved alone, as its
    migration step says (:func:`step_break_even`)."""
    if c.saves_nothing:
        return NOTHING_SAVED
    if shared:
        return "carries the fleet" if c.role == "carries" else "rides on it"
    return "pays its way" if c.role == "carries" else "does not pay its way"


def month_costs(alt: PortfolioAlternative, horizon: int) -> tuple[str, str, str, str]:
    """Month 1's and month ``horizon``'s cost against the baseline's, written alike (one
    column's rule, ``usd_column``): "$500 against $1,300", never "$500.00 against $1,300"."""
    last = horizon - 1
    now, base, later, base_later = usd_column(
        [
            alt.monthly_cost_usd[0],
            alt.baseline_usd[0],
            alt.monthly_cost_usd[last],
            alt.baseline_usd[last],
        ]
    )
    return now, base, later, base_later


def fleet_header(alt: PortfolioAlternative) -> str:
    """The contribution table's fleet column: a shared fleet's share, a workload's own
    fleet, or nothing for an option priced per request or per token (its cells read -)."""
    return "fleet share" if shares_fleet(alt) else "own fleet" if alt.fleet else ""


def shares_fleet(alt: PortfolioAlternative) -> bool:
    """Whether the workloads share one sized fleet (GPU time shares and fleet shares)."""
    return alt.fleet == "shared" and alt.gpus is not None


SHARED_ROW = "shared ops, shared one-time"

SAVES_NET = "saves is net of each one's own one-time items"
"""How the contribution tables' ``saves`` column is read: the hosted cost a workload no
longer pays, less its own running costs and its own one-time items (the shared ones are
:data:`SHARED_ROW`'s), said in their titles; read as the gross saving without it."""


def baseline_today(analysis: PortfolioAnalysis, alt: PortfolioAlternative | None = None) -> str:
    """What the workloads (those ``alt`` serves, or all) run on today, in words:
    ``today's APIs`` where every one is on a hosted price (per token or per request),
    ``today's baseline ('NAME')``
    where they share one baseline of another kind (a self-hosted model), else ``today's
    baselines``."""
    scenario = analysis.scenario
    served = None if alt is None else set(alt.workloads)
    baselines = [
        w.baseline or scenario.baseline
        for w in scenario.workloads or []
        if served is None or w.name in served
    ]
    if all(b.kind != "self_hosted" for b in baselines):  # a price per token or request
        return "today's APIs"
    names = list(dict.fromkeys(b.name for b in baselines))
    return f"today's baseline ({names[0]!r})" if len(names) == 1 else "today's baselines"


def one_time_parts(
    alt: PortfolioAlternative, usd: Callable[[float], str], shared: str, own: str
) -> str | None:
    """The one-time cost of an alternative whose shared fleet buys servers in cash, in its
    parts that add up to it: ``"$14,400 shared, $60,000 of servers for the shared fleet,
    $13,990 per workload"`` (``shared`` and ``own`` the words after the alternative's shared
    items and the workloads' own; a part of $0 left out but the servers). None without such
    servers: the callers' words then say the shared items and the rest per workload."""
    if not alt.fleet_one_time_usd:
        return None
    parts = [
        (alt.shared_one_time_usd, shared),
        (alt.fleet_one_time_usd, "of servers for the shared fleet"),
        (alt.workloads_one_time_usd, own),
    ]
    return ", ".join(
        f"{usd(amount)} {words}" for k, (amount, words) in enumerate(parts) if k == 1 or amount
    )


"""The row of what no workload carries alone: ops and retraining each month of the horizon
and the alternative's own one-time items (present values)."""


def baseline_fleet(analysis: PortfolioAnalysis, index: int) -> BaselineFleetFacts | None:
    """The baseline fleet alternative ``index``'s workloads share today (None: each
    workload's baseline is its own)."""
    from payback.analysis.portfolio_baseline import baseline_fleet_facts

    return baseline_fleet_facts(analysis.evaluation, index)


def _replicas(gpus: float, per_replica: float) -> str:
    """``1 × 2 GPUs``: replicas of so many GPUs."""
    return f"{gpus_text(gpus / per_replica)} × {gpus_text(per_replica, 'GPU')}"


def baseline_fleet_paragraph(facts: BaselineFleetFacts) -> str:
    """The baseline fleet the workloads share today, in a sentence or two for ``explain``."""
    text = (
        f"Today {', '.join(facts.workloads)} run on one baseline fleet "
        f"({facts.name!r}) of {_replicas(facts.gpus[0], facts.gpus_per_replica)}, "
        f"{prose_usd(facts.usd_per_month[0])} in month 1; {_after_words(facts)}."
    )
    if len(facts.moved) > 1 and round(facts.joint_usd, 2) > 0.0:
        text += (
            " A workload moved alone leaves it running for the others: each one's part is"
            f" what its move alone saves, and {prose_usd(facts.joint_usd)} (present value) is"
            " saved only by the set."
        )
    elif len(facts.moved) > 1 and round(facts.joint_usd, 2) < 0.0:
        text += (
            " Each workload's part is what its move alone saves, and moved alone each avoids"
            " some of the same servers: the parts count"
            f" {prose_usd(-facts.joint_usd)} (present value) of the fleet's saving more than"
            " once, taken back as the set's."
        )
    return text


def _after_words(facts: BaselineFleetFacts) -> str:
    """What is left of the baseline fleet in month 1 once the alternative's workloads move."""
    n = len(facts.workloads)
    every = "both" if n == 2 else f"all {n}"
    moved = every if len(facts.moved) == n else ", ".join(facts.moved)
    if facts.usd_per_month_after[0] == 0.0:
        return f"moving {moved} retires it"
    left = [w for w in facts.workloads if w not in facts.moved]
    riders = [", ".join(left)] if left else []
    riders += ["the escalated share"] if facts.escalated else []
    return (
        f"after moving {moved}: {_replicas(facts.gpus_after[0], facts.gpus_per_replica)}, "
        f"{usd_column([facts.usd_per_month_after[0]])[0]}, for {' and '.join(riders)}"
    )


def baseline_fleet_words(facts: BaselineFleetFacts) -> str:
    """The baseline fleet the workloads share today and what is left of it once the
    alternative moves its workloads (month 1): "$2,920 today: one fleet of 1 × 2 GPUs for
    the 3 workloads; moving all 3 retires it"."""
    n, per = len(facts.workloads), facts.gpus_per_replica
    today = usd_column([facts.usd_per_month[0]])[0]
    return (
        f"{today} today: one fleet of {_replicas(facts.gpus[0], per)} for the {n} workloads; "
        + _after_words(facts)
    )


BASELINE_ROW = "baseline fleet, retired as a set"
"""The row of what the baseline fleet the workloads share today saves that no workload
saves moving alone (its replicas run for the others until the last one moves)."""
BASELINE_SHRUNK_ROW = "baseline fleet, saved only by the set"
"""The same row where the fleet keeps running once the set moves (for the workloads left
on it or the escalated share): the set shrinks it, it does not retire it."""
BASELINE_TWICE_ROW = "baseline fleet, counted more than once"
"""The same row where the workloads' own parts add up to more than the set saves (each
moved alone avoids some of the same servers bought): what the parts count more than once."""


def sheds_words(alt: PortfolioAlternative, facts: BaselineFleetFacts | None) -> str:
    """What the baseline figure of an alternative's workloads on a shared baseline fleet
    is: "today's figure is what moving them sheds of the baseline fleet" where every one it
    serves runs on that fleet today, "... includes ..." where some run on their own
    baselines (their costs there count too); ``""`` without such a fleet."""
    if facts is None:
        return ""
    every = all(w in facts.workloads for w in alt.workloads)
    after = facts.usd_per_month_after[0]
    if every and set(facts.moved) == set(facts.workloads) and after > 0:
        # every workload moves and the fleet runs on (for the escalated share): today's
        # figure is the whole fleet and the alternative's carries what still runs; moving
        # them sheds nothing of it (the review's $2,985 against $2,920)
        share = " for the escalated share" if facts.escalated else ""
        return (
            "today's figure is the baseline fleet's, and the alternative's includes the "
            f"{prose_usd(after)} a month it still costs after the move{share}"
        )
    return f"today's figure {'is' if every else 'includes'} what moving them sheds of the" + (
        " baseline fleet"
    )


def baseline_row(baseline: BaselineFleetFacts | None) -> str | None:
    """The contributions' row label of what the baseline fleet saves that no workload saves
    moving alone (:data:`BASELINE_ROW` where the set retires it, :data:`BASELINE_SHRUNK_ROW`
    where it keeps running, :data:`BASELINE_TWICE_ROW` where the parts count more than the
    set saves); None without such a row (no shared baseline fleet, one workload moved, or
    nothing the set saves beyond its parts)."""
    if baseline is None or len(baseline.moved) < 2 or round(baseline.joint_usd, 2) == 0.0:
        return None
    if baseline.joint_usd < 0:
        return BASELINE_TWICE_ROW
    return BASELINE_SHRUNK_ROW if any(baseline.usd_per_month_after) else BASELINE_ROW


def adds_up_words(analysis: PortfolioAnalysis, index: int) -> str:
    """What adds up to alternative ``index``'s NPV: the nets less what the workloads
    share; with a baseline-fleet row (what the set saves that no workload saves moving
    alone), that row's figure and the others', as the contributions table shows them."""
    alt = analysis.alternatives[index]
    facts = baseline_fleet(analysis, index)
    if (label := baseline_row(facts)) is None:
        return (
            "The nets less the shared ops, retraining and one-time items add up to the"
            " alternative's NPV."
        )
    nets = [row[4] for row in contribution_rows(alt, facts)]  # as the table writes them
    return (
        f"The nets ({', '.join(nets[:-2])}), the row '{label}' ({nets[-2]}) and the shared"
        f" ops, retraining and one-time items ({nets[-1]}) add up to the alternative's NPV"
        f" ({usd_column([alt.npv_usd])[0]})."
    )


def contribution_rows(
    alt: PortfolioAlternative, baseline: BaselineFleetFacts | None = None
) -> list[list[str]]:
    """Per workload: name, what it saves, its GPU time share, its fleet share and its net,
    and its role; then, on a baseline fleet the workloads share today, what it saves that
    no workload saves alone (``baseline``: :func:`baseline_fleet`; a workload's own saving
    is its move alone's); then what the workloads share (ops and retraining over the
    horizon, the alternative's own one-time items). Present values, the table's money
    written alike (:func:`usd_column` over every money cell: cents only where each is under
    $1,000)."""
    shared = shares_fleet(alt)
    cs = alt.contributions
    joint = 0.0 if baseline is None else baseline.joint_usd
    label = baseline_row(baseline)
    nets = [c.net_usd for c in cs] + ([joint] if label else []) + [-alt.shared_usd]
    fleets = [c.fleet_usd for c in cs] if alt.fleet else []
    # the table's money written alike, every column: "-$324.00" stood beside "-$324"
    money = usd_column([c.savings_usd for c in cs] + fleets + nets)
    saves, fleet, net = (
        money[: len(cs)],
        money[len(cs) : len(cs) + len(fleets)],
        money[-len(nets) :],
    )
    fleet = fleet or ["-"] * len(cs)
    rows = [
        [
            c.workload,
            saves[i],
            "" if c.gpu_time_share is None else f"{c.gpu_time_share:.1%}",
            fleet[i],
            net[i],
            role_words(c, shared),
        ]
        for i, c in enumerate(cs)
    ]
    if label is not None:
        rows.append([label, "", "", "", net[-2], ""])
    return [*rows, [SHARED_ROW, "", "", "", net[-1], ""]]


def step_break_even(step: MigrationStep, horizon: int, prefix: str = "") -> str:
    """The break-even of the workloads moved up to ``step``: ``nothing saved`` where they
    cost the same, ``not within N months`` past the horizon, else ``prefix`` and its month.

    >>> from payback.studies.portfolio import MigrationStep
    >>> step_break_even(MigrationStep("a", 10.0, 10.0, 2.5, True), 12, "break-even ")
    'break-even month 2.5'
    >>> step_break_even(MigrationStep("a", -5.0, -5.0, None, False), 12)
    'not within 12 months'
    >>> step_break_even(MigrationStep("a", 0.0, 0.0, None, False, saves_nothing=True), 12)
    'nothing saved'
    """
    if step.saves_nothing:
        return NOTHING_SAVED
    if step.break_even_month is None:
        return f"not within {months_text(horizon)}"
    return prefix + month_text(step.break_even_month)


def order_rows(alt: PortfolioAlternative, horizon: int) -> list[list[str]]:
    """The migration order: step, workload, marginal NPV, NPV so far and the break-even so
    far (``not within N months`` past the horizon, as every output says it; ``nothing
    saved`` where the workloads so far cost the same)."""
    marginal = usd_column([s.marginal_npv_usd for s in alt.order])
    so_far = usd_column([s.npv_usd for s in alt.order])
    return [
        [
            str(k),
            s.workload,
            marginal[k - 1],
            so_far[k - 1],
            step_break_even(s, horizon),
        ]
        for k, s in enumerate(alt.order, 1)
    ]


def break_even_cell(alt: PortfolioAlternative, horizon: int) -> str:
    """An alternative's break-even with the requests it takes, as one scenario's ``analyze``
    says it: "not within N months", "nothing saved: ..." for one that saves nothing (month
    0 by the formula, which read "at once, after 0 requests"), or its month."""
    if alt.break_even_month is None:
        return f"not within {months_text(horizon)}"
    if saves_nothing(alt.cumulative_savings_usd):
        return NOTHING_SAVED_WHY
    return f"{month_text(alt.break_even_month, 2)}, after " + counted(
        whole_text(alt.break_even_requests or 0), "request"
    )


def _samples(n: int) -> str:
    """``1 sample``, ``2,000 samples`` (it read '1 samples', where a scenario's says one)."""
    return f"{n:,} sample{'' if n == 1 else 's'}"


def sampled_sentence(summary: dict[str, Any], horizon: int, inputs: int) -> str:
    """:func:`sampled_words` as a sentence, as ``analyze`` and ``report`` both show it (the
    terminal's had no closing period where the report's did)."""
    return sampled_words(summary, horizon, inputs) + "."


def sampled_words(summary: dict[str, Any], horizon: int, inputs: int) -> str:
    """The samples' answer for one alternative (``analyze --samples``' summary): the share
    paid back within each window the horizon answers (within 3 months was ``None`` with a
    horizon under a quarter, which stopped the command), and the NPV's spread; with no
    uncertain input (``inputs``), that every sample is the same, as a scenario says it (its
    p10, p50 and p90 read one NPV three times). Without its closing period: the terminal and
    the report close it (:func:`sampled_sentence`), ``compare`` goes on after it."""
    if not inputs:
        return f"Monte Carlo ({_samples(summary['samples'])}): {SAME_SAMPLES}"
    shares = window_shares(summary["p_break_even_within"], horizon)
    within = ", ".join(f"within {months_text(k)} {share_text(p)}" for k, p in shares)
    again = samples_behind_text(summary["p_behind_again_at"], horizon)
    within += f" ({again})" if again else ""
    p10, p50, p90 = usd_column([summary["npv_usd_percentiles"][k] for k in ("p10", "p50", "p90")])
    return (
        f"Monte Carlo ({_samples(summary['samples'])}): pays back {within}; NPV p10 "
        f"{p10}, p50 {p50}, p90 {p90}"
    )
