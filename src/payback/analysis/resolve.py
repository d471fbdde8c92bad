"""Turn a scenario that names catalog ids into one with every number explicit.

A scenario may say ``gpu = "l40s"``, ``model = "llama-3.1-8b"``, ``model =
"openai:gpt-4o"`` or describe a training job instead of typing prices and capacities.
:func:`resolve` looks those up once (catalog entries, genai-prices, the serving and
training estimators) and returns a scenario with the numbers filled in, plus where each
derived number came from. Numbers the user wrote always win.

The work is split by option kind: :mod:`~payback.analysis.resolve_hosted` (a hosted API's
prices), :mod:`~payback.analysis.resolve_self_hosted` (a fleet's rent and capacity) and
:mod:`~payback.analysis.resolve_training` (a one-time training job); a ``per_request``
option has nothing to look up. They share :class:`~payback.analysis.lookups.Lookups`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from payback.analysis.ids import unknown_ids
from payback.analysis.lookups import Lookups, Resolved, Source
from payback.analysis.resolve_hosted import resolve_hosted
from payback.analysis.resolve_self_hosted import cash_past_horizon_warnings, resolve_self_hosted
from payback.analysis.resolve_training import resolve_one_time, retraining_past_horizon
from payback.catalog import analysis_day
from payback.errors import PaybackError
from payback.scenario import HostedApiOption, Scenario, SelfHostedOption, value_term_warnings
from payback.scenario.checks import (
    batch_cache_warnings,
    cost_pair_warnings,
    fleet_problems,
    growth_warnings,
)
from payback.scenario.units import unit_warnings
from payback.scenario.workloads import single_view_warnings

if TYPE_CHECKING:
    from payback.catalog import Catalog

__all__ = ["Resolved", "Source", "as_resolved", "resolve"]

_BY_KIND: dict[type, Callable[[Lookups, str, Any], Any]] = {
    HostedApiOption: resolve_hosted,
    SelfHostedOption: resolve_self_hosted,
}
"""What each option kind looks up; a kind not here (``per_request``) has nothing to."""


def _run(ctx: Lookups) -> Resolved:
    scenario = ctx.scenario
    options: dict[str, Any] = {}
    for path, option in scenario.options():
        by_kind = _BY_KIND.get(type(option))
        if by_kind is not None:
            option = by_kind(ctx, path, option)
        served = option.model if isinstance(option, SelfHostedOption) else None
        one_time = resolve_one_time(ctx, f"{path}.one_time", option.one_time, served)
        options[path] = option.model_copy(update={"one_time": one_time})
        retraining = retraining_past_horizon(
            path, option.recurring, scenario.scenario.horizon_months
        )
        if retraining is not None:
            ctx.warnings.append(retraining)
    owned_at = len(ctx.warnings)  # the options' own lines end here
    # a capacity estimated here follows the token lengths a study varies (analysis/follow.py)
    ctx.warnings.extend(cost_pair_warnings(scenario))
    ctx.warnings.extend(growth_warnings(scenario))
    ctx.warnings.extend(batch_cache_warnings(scenario))
    ctx.warnings.extend(unit_warnings(scenario))
    ctx.warnings.extend(value_term_warnings(scenario))
    ctx.warnings.extend(single_view_warnings(scenario))
    explicit = scenario.model_copy(
        update={
            "baseline": options["baseline"],
            "alternatives": [
                options[f"alternatives.{i}"] for i in range(len(scenario.alternatives))
            ],
        }
    )
    too_big = fleet_problems(explicit, estimated=ctx.sources)  # estimated capacities too
    if too_big:
        raise PaybackError(too_big)
    resolved = Resolved(
        explicit, scenario, ctx.sources, ctx.warnings, ctx.details, ctx.given_catalog, ctx.today
    )
    # the servers bought in cash, as the cost engine sizes them
    ctx.warnings[owned_at:owned_at] = cash_past_horizon_warnings(resolved).values()
    return resolved


def resolve(
    scenario: Scenario, catalog: Catalog | None = None, today: dt.date | None = None
) -> Resolved:
    """Fill every catalog-derived number of ``scenario``; :class:`PaybackError` names the field
    (and the file, for a scenario read from one, as its schema errors do)."""
    with file_named(scenario):
        ctx = Lookups(scenario, catalog, today or analysis_day())
        unknown = unknown_ids(scenario.model_dump(), scenario.base_dir, lambda: ctx.catalog)
        if unknown:  # each said at once, not one a run
            raise PaybackError(unknown)
        return _run(ctx)


@contextlib.contextmanager
def file_named(scenario: Scenario) -> Iterator[None]:
    """A :class:`PaybackError` about a field of ``scenario`` raised within names the file it
    was read from (``scenario.source``), as its schema errors do; one about an argument of
    the call (a ``param`` that is a name, such as ``alternative``) is left as it is."""
    try:
        yield
    except PaybackError as exc:
        prefix = f"{scenario.source}: " if scenario.source else ""
        of_call = exc.param is not None and exc.param.isidentifier()  # an argument, not a field
        if not prefix or of_call or all(m.startswith(prefix) for m in exc.messages):
            raise
        raise PaybackError(
            [m if m.startswith(prefix) else prefix + m for m in exc.messages],
            param=exc.param,
            value=exc.value,
            allowed=exc.allowed,
        ) from None


def as_resolved(scenario: Scenario | Resolved) -> Resolved:
    """``scenario`` resolved with the packaged catalog, unless it already is."""
    return scenario if isinstance(scenario, Resolved) else resolve(scenario)
