"""The GPUs of a portfolio alternative's fleets other than one shared by several workloads:
a self-hosted option that would share its fleet but serves one workload (that workload's
own fleet, its model merged), and a fleet per workload (``fleet = "separate"``)."""

from __future__ import annotations

import numpy as np

from payback.analysis.cashflows import OptionCosts
from payback.analysis.portfolio import Portfolio, PortfolioEvaluation
from payback.analysis.result import floats
from payback.analysis.result import spare_gpus as fleet_spare_gpus

__all__ = ["one_fleet_gpus", "separate_gpus", "spare_gpus"]


def _one_fleet(p: Portfolio, index: int, ev: PortfolioEvaluation) -> OptionCosts | None:
    """The costs of the one fleet of a self-hosted option that would share its fleet and
    serves one workload (None otherwise)."""
    alt, served = p.scenario.alternatives[index], ev.alternatives[index].pieces.served
    shared = alt.portfolio is None or alt.portfolio.fleet == "shared"
    if alt.kind != "self_hosted" or not shared or len(served) != 1:
        return None
    return ev.parts[served[0]].alternatives[index].costs


def one_fleet_gpus(p: Portfolio, index: int, ev: PortfolioEvaluation) -> list[float] | None:
    """:attr:`~payback.studies.portfolio.PortfolioAlternative.one_fleet_gpus`: the fleet's
    GPUs of a self-hosted option that would share its fleet and serves one workload (none
    otherwise)."""
    costs = _one_fleet(p, index, ev)
    return None if costs is None or costs.gpus is None else floats(costs.gpus)


def spare_gpus(p: Portfolio, index: int, ev: PortfolioEvaluation) -> list[float] | None:
    """:attr:`~payback.studies.portfolio.PortfolioAlternative.spare_gpus`: the GPUs
    ``min_replicas`` keeps beyond what each month's traffic needs, of the fleet several
    workloads share, of the one fleet of a shared option serving one workload, or of a
    fleet per workload summed (:func:`~payback.analysis.result.spare_gpus`, counted
    alike); none otherwise."""
    shared = ev.alternatives[index].spare_gpus
    if shared is not None:
        return floats(shared)
    one = _one_fleet(p, index, ev)
    fleets = [one] if one is not None else _separate_fleets(p, index, ev)
    spare = [fleet_spare_gpus(c) for c in fleets]
    counted = [s for s in spare if s is not None]
    return floats(np.sum(counted, axis=0)) if counted and len(counted) == len(spare) else None


def separate_gpus(p: Portfolio, index: int, ev: PortfolioEvaluation) -> list[float] | None:
    """:attr:`~payback.studies.portfolio.PortfolioAlternative.separate_gpus`: the GPUs of a
    self-hosted option's fleets, one per served workload, summed each month (none for any
    other option)."""
    fleets = [c.gpus for c in _separate_fleets(p, index, ev)]
    if not fleets or any(g is None for g in fleets):
        return None
    return floats(np.sum([np.asarray(g, dtype=np.float64) for g in fleets], axis=0))


def _separate_fleets(p: Portfolio, index: int, ev: PortfolioEvaluation) -> list[OptionCosts]:
    """The costs of each served workload's own fleet of a self-hosted option with a fleet
    per workload (``fleet = "separate"``); none for any other option."""
    alt, served = p.scenario.alternatives[index], ev.alternatives[index].pieces.served
    if alt.kind != "self_hosted" or alt.portfolio is None or alt.portfolio.fleet != "separate":
        return []
    return [ev.parts[j].alternatives[index].costs for j in served]
