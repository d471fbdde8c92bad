"""One alternative of a scenario alone: the studies that look at one alternative at a time
(its drivers, a threshold) evaluate the baseline and that alternative only."""

from __future__ import annotations

from payback.analysis.resolve import Resolved
from payback.scenario import Scenario

__all__ = ["alone", "local_path"]


def alone(resolved: Resolved, index: int) -> Resolved:
    """``resolved`` with the baseline and alternative ``index`` only, as alternative 0.

    The engine computes each alternative from the traffic, the baseline and its own numbers,
    so that alternative's outcome is the same here, for 1/A of the work: the studies that
    look at one alternative at a time (its drivers, a threshold) stay linear in the number
    of alternatives. Paths of its numbers move with it (:func:`local_path`).
    """

    def only(scenario: Scenario) -> Scenario:
        kept = scenario.alternatives[index : index + 1]
        return scenario.model_copy(update={"alternatives": kept})

    return Resolved(
        only(resolved.scenario),
        only(resolved.original),
        catalog=resolved.catalog,
        today=resolved.today,
    )


def local_path(path: str, index: int) -> str | None:
    """``path`` in :func:`alone`'s scenario for alternative ``index``: the same for the
    scenario's, traffic's and baseline's numbers, ``alternatives.0.…`` for the alternative's
    own, None for another alternative's (which cannot change this one's outcome).

    >>> (
    ...     local_path("traffic.requests_per_month", 3),
    ...     local_path("alternatives.3.ops_usd_per_month", 3),
    ... )
    ('traffic.requests_per_month', 'alternatives.0.ops_usd_per_month')
    >>> local_path("alternatives.1.ops_usd_per_month", 3) is None
    True
    """
    head, _, rest = path.partition(".")
    if head != "alternatives":
        return path
    number, _, inside = rest.partition(".")
    return f"alternatives.0.{inside}" if number == str(index) else None
