"""A scenario's ranges as read: every ``{ dist = ... }`` table taken out of the raw data
and replaced by its central value (:func:`take_distributions`), then each checked against
the field it sits on (:func:`check_distributions`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from payback.scenario.distributions import (
    Distribution,
    range_problem,
    stated_end_problem,
    undeclared_range,
)
from payback.scenario.followed import followed, not_sampled
from payback.scenario.messages import explain_distribution
from payback.scenario.paths import field_range

if TYPE_CHECKING:
    from payback.scenario.schema import Scenario

__all__ = ["check_distributions", "take_distributions"]

_DIST_ADAPTER: TypeAdapter[Distribution] = TypeAdapter(Distribution)

_NOT_REAL = "a distribution needs a field that holds any number; this one holds a whole-number count, a flag or text"


def take_distributions(
    node: Any, prefix: str, found: dict[str, Distribution | None], problems: list[str]
) -> Any:
    """A copy of the raw table with every ``{dist = ...}`` table replaced by its central
    value; a table that is not a valid distribution is recorded as ``None``."""
    if isinstance(node, dict):
        if "dist" in node:
            path = prefix[:-1]
            try:
                dist = _DIST_ADAPTER.validate_python(node)
            except ValidationError as exc:
                problems.extend(explain_distribution(path, node, exc))
                found[path] = None
                return 1.0  # a placeholder number, so that only the distribution is reported
            found[path] = dist
            return dist.central()
        if (line := undeclared_range(prefix[:-1], node)) is not None:
            problems.append(line)
            found[prefix[:-1]] = None
            return 1.0
        return {k: take_distributions(v, f"{prefix}{k}.", found, problems) for k, v in node.items()}
    if isinstance(node, list):
        return [take_distributions(v, f"{prefix}{i}.", found, problems) for i, v in enumerate(node)]
    return node


def check_distributions(scenario: Scenario, found: Mapping[str, Distribution]) -> list[str]:
    """Distributions must sit on real-valued fields, inside the field's range as
    :func:`~payback.scenario.distributions.stated_end_problem` and
    :func:`~payback.scenario.distributions.range_problem` rule (a triangular's or uniform's
    ends inside it; at most 10% of a normal's or lognormal's mass past a bound, truncation
    moving its median little; what lies outside is sampled truncated to the range)."""
    problems = []
    for path, dist in found.items():
        if not followed(scenario, path, found):
            problems.append(not_sampled(path, dist))
            continue
        allowed = field_range(scenario, path)
        if not allowed.is_real:
            problems.append(f"{path}: {_NOT_REAL}")
            continue
        problem = stated_end_problem(path, dist, allowed) or range_problem(path, dist, allowed)
        if problem is not None:
            problems.append(problem)
    return problems
