"""Which inputs :func:`payback.studies.solve.solve` varies: a number the engine reads (or
one an estimated figure follows: ``tpot_ms``, a training job's size), without a
distribution (unless solving over one), not a replica size whose capacity is estimated;
otherwise one line saying why and what to vary instead."""

from __future__ import annotations

from payback.analysis.cashflows import not_an_input, numeric_paths
from payback.analysis.resolve import Resolved, as_resolved
from payback.errors import PaybackError
from payback.nearby import nearest
from payback.scenario import Scenario, value_at
from payback.studies.fleet_cap import estimated_by

__all__ = ["check_parameter", "distribution_refused", "takes"]


def distribution_refused(path: str, dist: str) -> PaybackError:
    """The refusal of ``path``, which holds a distribution (``dist``), as solve's input:
    one wording for a scenario's and a portfolio's paths."""
    return PaybackError.bad(
        "vary",
        path,
        f"holds a distribution ({dist}); "
        "solve needs one number: give it a single value, or vary another input",
    )


def takes(scenario: Scenario | Resolved, path: str) -> bool:
    """Whether :func:`~payback.studies.solve.solve` takes ``path`` as the input to vary (a
    number the engine reads or an estimated figure follows, without a distribution, not a
    replica size whose capacity is estimated): what the page offers (no search is run)."""
    try:
        check_parameter(as_resolved(scenario), path, over_distribution=False)
    except PaybackError:
        return False
    return True


def check_parameter(resolved: Resolved, path: str, over_distribution: bool) -> None:
    """Refuse ``path`` as solve's input (``param`` ``vary``), saying why in one line."""
    scenario = resolved.scenario
    paths = numeric_paths(resolved)
    if path in paths:
        if path in scenario.distributions and not over_distribution:
            raise distribution_refused(path, scenario.distributions[path].dist)
        _check_estimated_replica(resolved, path)
        return
    if path == "baseline.escalation_share":
        raise PaybackError.bad(
            "vary",
            path,
            "the baseline escalates to nothing (the field must be 0); "
            "vary an alternative's escalation_share instead",
        )
    try:
        value_at(scenario, path)
    except PaybackError:
        close = nearest(path, paths)
        examples = (
            f"did you mean {close!r}?"
            if close
            else "inputs include " + ", ".join(paths[:4]) + ", ..."
        )
        raise PaybackError.bad("vary", path, f"no such field in the scenario; {examples}") from None
    raise PaybackError.bad("vary", path, not_an_input(resolved, path))


def _check_estimated_replica(resolved: Resolved, path: str) -> None:
    """Refuse an option's ``gpus_per_replica`` where its capacity is estimated: a
    replica's size is one of the few the model splits over (1, 2, 4, 8), each estimated on
    its own, not a number to search between; analyze compares them (the cheapest fleet)."""
    option, _, name = path.rpartition(".")
    if name == "gpus_per_replica" and estimated_by(resolved, path):
        raise PaybackError.bad(
            "vary",
            path,
            f"{option}'s capacity is estimated for each replica size the model splits over "
            "(a few whole numbers, not a range to search); leave gpus_per_replica out for "
            "analyze to choose the cheapest, run analyze at each size, or vary "
            f"{option}.replica_requests_per_s instead",
        )
