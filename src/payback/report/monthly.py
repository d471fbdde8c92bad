"""Why the monthly difference between the baseline and an alternative moves after month 1,
in words (``explain``'s and ``explain --json``'s): judged from the months themselves, so
that a cause is named only where its months differ within the horizon."""

from __future__ import annotations

import math
from collections.abc import Iterable

from payback.analysis.result import AlternativeResult, Analysis
from payback.figures import rate_text

__all__ = ["monthly_changes"]


def _moves(values: Iterable[float], scale: float = 0.0) -> bool:
    """Whether two of these months differ by more than float noise: a part in 10^9 of the
    largest of them, or of ``scale`` where larger (a difference of two costs is noise
    beside the costs, however small it is itself).

    >>> _moves([8760.0] * 6), _moves([100.0]), _moves([100.0, 102.0])
    (False, False, True)
    >>> _moves([0.0, 1e-12]), _moves([0.0, 1e-12], scale=8760.0)
    (True, False)
    """
    known = [v for v in values if math.isfinite(v)]
    return bool(known) and max(known) - min(known) > 1e-9 * max(scale, *map(abs, known))


def _per(costs: list[float] | None, units: list[float] | None) -> list[float]:
    """A month's cost per unit (a request, a GPU) in each month with some."""
    return [c / u for c, u in zip(costs or [], units or [], strict=False) if u > 0]


def monthly_changes(analysis: Analysis, alt: AlternativeResult) -> list[str]:
    """Why the monthly difference moves after month 1, in words: none where it is the same
    in every month of the horizon, and only causes whose months differ within it (a rent
    held for a 1-year term moves nothing over 6 months; a 1-month horizon has no later
    month)."""
    base, requests = analysis.baseline, analysis.requests_per_month
    saved = [b - a for b, a in zip(base.monthly_cost_usd, alt.monthly_cost_usd, strict=True)]
    costs = [abs(c) for c in (*base.monthly_cost_usd, *alt.monthly_cost_usd) if math.isfinite(c)]
    if not _moves(saved, max(costs, default=0.0)):
        return []
    changes = []
    growth = analysis.scenario.traffic.growth_monthly
    if growth and _moves(requests):
        changes.append(f"traffic changes {rate_text(growth, signed=True)} a month")
    option = analysis.scenario.alternatives[analysis.alternatives.index(alt)]
    trends = (  # each price and what it is paid per, month by month
        (analysis.scenario.baseline, "the baseline's price", base.components_usd, requests),
        (option, "its own price", alt.components_usd, requests),
    )
    for priced, name, paid, per in trends:
        trend = float(getattr(priced, "price_change_annual", 0.0))
        if trend and _moves(_per(paid.get("api"), per)):
            changes.append(f"{name} changes {rate_text(trend, signed=True)} a year")
    if _moves(alt.components_usd.get("retraining") or []):
        changes.append("retraining months cost more")
    changes += _fleet_changes(option, alt.components_usd, alt.gpus, "it", "the")
    if analysis.scenario.baseline.kind == "self_hosted":  # its rent and fleet move it too
        baseline = analysis.scenario.baseline
        changes += _fleet_changes(
            baseline, base.components_usd, base.gpus, "the baseline", "the baseline's"
        )
    return changes


_FLEET = ("gpus", "hardware", "facility")
"""The components a self-hosted fleet's size is paid through: rent, or owned servers and
their power and colocation."""


def _fleet_changes(
    option: object, paid: dict[str, list[float]], gpus: list[float] | None, who: str, whose: str
) -> list[str]:
    """A self-hosted side's causes, its rent's trend and its fleet's size month by month:
    the alternative's (``who`` "it", ``whose`` "the") or a self-hosted baseline's ("the
    baseline", "the baseline's")."""
    changes = []
    rent = float(getattr(option, "gpu_price_change_annual", 0.0) or 0.0)
    if rent and _moves(_per(paid.get("gpus"), gpus)):
        changes.append(f"{whose} GPU rent changes {rate_text(rent, signed=True)} a year")
    fleet = [sum(m) for m in zip(*(paid[k] for k in _FLEET if paid.get(k)), strict=True)]
    if gpus is not None and _moves(gpus) and _moves(fleet):  # owned servers held cost alike
        if not getattr(option, "always_on", True):
            changes.append(f"the GPU-hours {who} runs follow the traffic")
        elif gpus[0] != gpus[-1]:
            changes.append(f"{whose} fleet goes from {gpus[0]:g} to {gpus[-1]:g} GPUs")
        else:
            changes.append(f"{whose} fleet changes between {min(gpus):g} and {max(gpus):g} GPUs")
    return changes
