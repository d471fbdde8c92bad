"""The traffic :func:`payback.studies.recommend.recommend` sizes a fleet for when the
scenario is a portfolio (``[[workloads]]``): the one workload the alternative serves, as
``analyze`` reads it. A fleet for several workloads (shared, or one per workload) is
sized by the portfolio's own rules (:mod:`payback.analysis.portfolio`), which the search
does not apply: it refuses such an alternative rather than rank fleets for one
workload's traffic alone."""

from __future__ import annotations

from payback.errors import PaybackError
from payback.scenario import Scenario, SelfHostedOption
from payback.scenario.workloads import served_workloads

__all__ = ["served_scenario"]


def served_scenario(scenario: Scenario, index: int, option: SelfHostedOption) -> Scenario:
    """``scenario`` with the traffic alternative ``index`` serves: its own ``[traffic]``
    without workloads; with them, the one workload it serves (``analyze`` prices a
    one-workload portfolio by the one-scenario engine). :class:`PaybackError` (one line)
    when it serves several: their fleet is sized for all of them together."""
    workloads = scenario.workloads
    if not workloads:
        return scenario
    served = served_workloads(scenario, index)
    if len(served) == 1:
        return scenario.model_copy(update={"traffic": workloads[served[0]].traffic})
    fleet = "shared" if option.portfolio is None else option.portfolio.fleet
    kind = "one shared fleet" if fleet == "shared" else "a fleet per workload"
    raise PaybackError(
        f"alternatives.{index} ({option.name!r}) serves {len(served)} workloads on {kind}: "
        "recommend sizes a fleet for one workload's traffic and cannot yet size a portfolio's "
        "fleet (analyze would price another fleet); run it on a scenario with one workload's "
        '[traffic], or name portfolio.workloads = ["…"] with one workload, then compare '
        "the configurations with payback analyze"
    )
