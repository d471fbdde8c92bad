"""What :func:`payback.report.explain.explain` says of each alternative, as numbers
(``explain --json``'s ``alternatives``): the verdict, the costs, the break-even worked
out, the traffic and the GPU rent that pay back within a quarter, the fleet, the drivers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from payback.analysis.result import QUARTER_MONTHS, AlternativeResult, Analysis
from payback.analysis.verdict import outcome_text, quoted, saves_nothing
from payback.figures import whole_text
from payback.report.common import driver_range, quarter_text
from payback.report.explain import (
    capacity_held,
    crossing,
    measure_first,
    quarter_traffic,
    retraining_paid,
)
from payback.report.fleet import cents_toward, changes_the_answer, escalation_words, met_today
from payback.report.labels import input_label
from payback.report.monthly import monthly_changes

if TYPE_CHECKING:
    from payback.studies.solve import Solution

__all__ = ["explain_facts"]


def explain_facts(analysis: Analysis) -> list[dict[str, Any]]:
    """What :func:`~payback.report.explain.explain` says of each alternative, as numbers
    (``explain --json``'s ``alternatives``): the verdict, the costs, the break-even worked out, the
    traffic that pays back within a quarter, the fleet and the levers, and every driver with its
    range and its effect on the NPV and the break-even. Money in USD, months from the start."""
    counts = _gpu_counts(analysis)
    return [
        _facts(analysis, alt, i) | ({} if alt.utilisation is None else {"fleet": counts[i]})
        for i, alt in enumerate(analysis.alternatives)
    ]


def _gpu_counts(analysis: Analysis) -> list[dict[str, Any]]:
    """Each self-hosted alternative's ``fleet`` facts with the GPUs it pays for beyond what
    the month's traffic needs, as a portfolio's explain --json gives them: those
    ``min_replicas`` keeps and those a 1y/3y commitment keeps reserved but idle
    (:class:`~payback.analysis.utilisation.FleetUtilisation`) in month 1, the most in a
    month and in how many months; an empty dict for an option with no fleet."""
    out: list[dict[str, Any]] = []
    for alt in analysis.alternatives:
        u = alt.utilisation
        if u is None:
            out.append({})
            continue
        spare, idle = u.spare_gpus, u.idle_gpus
        out.append(
            {
                "always_on": u.always_on,
                "gpus_month_1": u.gpus[0],
                "spare_gpus_month_1": None if spare is None else spare[0],
                "idle_gpus_month_1": None if idle is None else idle[0],
                "idle_gpus_max": None if idle is None else max(idle, default=0.0),
                "months_with_idle_gpus": None if idle is None else sum(g > 0.0 for g in idle),
                "average_utilisation_month_1": u.average[0],
                "busiest_hour_utilisation_month_1": u.peak[0],
                "fleet_usd_month_1": u.fleet_usd[0],
                "idle_usd_month_1": u.idle_usd[0],
                "idle_usd_over_horizon": u.idle_total_usd,
            }
        )
    return out


def _facts(analysis: Analysis, alt: AlternativeResult, index: int) -> dict[str, Any]:
    horizon, base = analysis.horizon_months, analysis.baseline
    rate = analysis.scenario.scenario.discount_rate_annual
    cum = alt.cumulative_savings_usd or [0.0]
    month = alt.break_even_month
    crossed = None
    if month is not None and month > 0 and not saves_nothing(cum):
        m, before, after = crossing(cum, month)
        crossed = {"month": m, "savings_before_usd": before, "savings_after_usd": after}
    quarter = min(QUARTER_MONTHS, horizon)
    retraining = retraining_paid(alt)
    drivers = analysis.drivers[index]
    return {
        "name": alt.name,
        "kind": alt.kind,
        "verdict": f"{quoted(alt.name)} {outcome_text(alt, horizon, rate, requests=whole_text)}",
        "within_a_quarter": (alt.pays_back_within or {}).get("3"),
        "pays_back_within": alt.pays_back_within,
        "saves_nothing": saves_nothing(cum),
        # saving nothing, no break-even: null, as analyze --json gives it
        "break_even_month": None if saves_nothing(cum) else month,
        "break_even_requests": None if saves_nothing(cum) else alt.break_even_requests,
        "never_reason": alt.reason,
        "npv_usd": alt.npv_usd,
        "one_time_usd": alt.one_time_usd,
        "one_time_items_usd": alt.one_time_items_usd or {},
        "month_1": {
            "requests": analysis.requests_per_month[0],
            "baseline_usd": base.monthly_cost_usd[0],
            "baseline_usd_per_1k_requests": base.usd_per_1k_requests[0],
            "alternative_usd": alt.monthly_cost_usd[0],
            "alternative_usd_per_1k_requests": alt.usd_per_1k_requests[0],
            "saving_usd": base.monthly_cost_usd[0] - alt.monthly_cost_usd[0],
            "components_usd": {k: v[0] for k, v in alt.components_usd.items()},
        },
        "retraining": None
        if retraining is None
        else {"usd": retraining[0], "every_months": retraining[1]},
        "over_horizon": {
            "baseline_usd": sum(base.monthly_cost_usd),
            "alternative_running_usd": sum(alt.monthly_cost_usd),
        },
        "escalation_words": escalation_words(analysis, index),
        "monthly_difference_moves_because": monthly_changes(analysis, alt),
        "crossing": crossed,
        "after_a_quarter": {"months": quarter, "recovered_usd": cum[quarter] - cum[0]},
        "traffic_for_a_quarter": quarter_traffic(analysis, index),
        "fleet": None,  # a self-hosted option's: _gpu_counts
        "levers": _levers(analysis, index),
        "drivers": [
            d.to_dict()
            | {
                "label": input_label(d.parameter, units=False),
                "range": driver_range(analysis, d),
                "changes_the_answer": changes_the_answer(d),
            }
            for d in drivers
        ],
        "measure_first": None
        if not drivers
        else {"parameter": drivers[0].parameter, "what": measure_first(drivers[0].parameter)},
        # the caution the drivers' words end with, as payback sensitivity warns it
        "capacity_held": capacity_held(analysis, index),
        "infrastructure_only": alt.infrastructure_only,
        "uncertainty": _uncertainty(analysis, index),
    }


def _levers(analysis: Analysis, index: int) -> dict[str, Any] | None:
    """What "why it wins or loses" weighs for a self-hosted fleet that does not pay back
    within a quarter: the fleet scaled to zero, and the GPU rent that would pay back within
    one; ``None`` for other alternatives (it names no lever).

    The rent is a lever as the text names it: ``value`` the bound, to the cent on the side
    that meets it (``at_most``: a rent at most it), or ``null`` where no rent pays back within a
    quarter (``nearest``: the rent that comes closest), or where today's rent already meets the
    bound (``today_meets_it``: broken even by month 3 at today's rent and behind again there, so no
    lower rent changes the answer; the text names no rent either)."""
    alt = analysis.alternatives[index]
    if alt.utilisation is None or quarter_text(alt.pays_back_within) == "yes":
        return None
    path = f"alternatives.{index}.usd_per_gpu_hour"
    rent = analysis.quarter_lever(index, path) if path in analysis.input_paths else None
    return {
        "scaled_to_zero": analysis.scaled_to_zero(index) if alt.utilisation.always_on else None,
        "usd_per_gpu_hour_for_a_quarter": None if rent is None else _rent_lever(rent),
    }


def _rent_lever(rent: Solution) -> dict[str, Any]:
    """The GPU rent that pays back within a quarter, as :func:`_levers` gives it."""
    closest = rent.closest
    today = met_today(rent)  # the text's own test: no bound named where it holds
    value = None if today or rent.value is None else cents_toward(rent.value, rent.met_above)
    return {
        "value": value,
        "at_most": None if value is None else rent.met_above is False,
        "today_meets_it": today,
        "today": rent.current,
        "nearest": None
        if closest is None
        else {"usd_per_gpu_hour": closest[0], "break_even_month": closest[1]},
    }


def _uncertainty(analysis: Analysis, index: int) -> dict[str, Any] | None:
    """What the samples say of alternative ``index`` (with ``--samples``), as the verdict
    says it."""
    if analysis.uncertainty is None:
        return None
    u = analysis.uncertainty.alternatives[index]
    return {
        "samples": u.samples,
        "p_break_even_within": u.p_break_even_within,
        "p_behind_again_at": u.p_behind_again_at,
        "break_even_month_p50": u.break_even_month_percentiles["p50"],
        "p_npv_positive": u.p_npv_positive,
    }
