"""Samples whose fleet passes the GPU cap: a scenario's and a portfolio's Monte Carlo count
them with one counter.

A fixed scenario whose fleet would need more than
:data:`~payback.scenario.schema.MAX_FLEET_GPUS` GPUs is refused; its samples are drawn
inside each field's range, yet a wide range (traffic, a capacity near its floor) can still
size a fleet past the cap. Those samples are counted per option, a sample once however
many of its fleets (a portfolio's workloads on separate fleets) pass the cap, with the
most GPUs any sample needs and its month; :meth:`FleetsPastCap.lines` says them in one
line an option. All numpy over the samples: no per-sample loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.finance._types import FloatArray

if TYPE_CHECKING:
    from payback.scenario import Scenario

__all__ = ["SIZES_A_FLEET", "FleetsPastCap", "scenario_fleets"]

Evaluate = Callable[[dict[str, FloatArray]], Any]
"""Overrides by path (arrays over the samples) -> an evaluation."""

SIZES_A_FLEET = frozenset(
    {
        "requests_per_month",
        "growth_monthly",
        "peak_to_average",
        "replica_requests_per_s",
        "escalation_share",
        "target_utilization",
        "gpus_per_replica",
        "min_replicas",
        "coincidence_factor",
        "adapter_overhead",
        "adapter_decade_loss",
    }
)
"""The numbers a fleet's size reads (a sampled one can take it past the cap)."""


class FleetsPastCap:
    """Per option (named by ``labels``: ``alternatives.0 ('fleet')``), the samples whose
    fleets need more than :data:`~payback.scenario.schema.MAX_FLEET_GPUS` GPUs in some
    month, and the most GPUs a sample needs, with its month.

    >>> past = FleetsPastCap(["alternatives.0 ('fleet')"])
    >>> past.count([[np.array([[9e6, 1.2e7], [1e6, 2e6]]), np.array([[1.1e7, 1.0], [1.0, 1.0]])]], 2)
    >>> past.past, past.most
    ([1], [(12000000.0, 2)])
    """

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.past = [0] * len(self.labels)
        self.most = [(0.0, 0)] * len(self.labels)

    @classmethod
    def of_scenario(cls, scenario: Scenario) -> FleetsPastCap:
        """One line an option of a scenario: its baseline's and each alternative's fleet
        (:func:`scenario_fleets`), as a fixed scenario's fleets are held to the cap."""
        return cls([f"{path} ({option.name!r})" for path, option in scenario.options()])

    def counting(self, evaluate: Evaluate, fleets_of: Callable[[Any], Any]) -> Evaluate:
        """``evaluate`` that also counts the fleets (``fleets_of(evaluation)``, as
        :meth:`count` takes them) of every evaluation it makes."""

        def counted(overrides: dict[str, FloatArray]) -> Any:
            ev = evaluate(overrides)
            self.count(fleets_of(ev), len(next(iter(overrides.values()))) if overrides else 1)
            return ev

        return counted

    def count(self, fleets: Sequence[Iterable[FloatArray | None]], n: int) -> None:
        """Count ``n`` samples: ``fleets[k]`` holds option k's fleets (GPUs by month, month
        on the last axis, samples before it or broadcast; ``None``: no fleet). A sample
        with several fleets past the cap counts once."""
        from payback.scenario.schema import MAX_FLEET_GPUS

        for k, option in enumerate(fleets):
            hit = np.zeros(n, dtype=bool)
            for gpus in option:
                if gpus is None:
                    continue
                g = np.asarray(gpus, dtype=np.float64)
                peak = np.nan_to_num(np.fmax.reduce(g, axis=-1), nan=0.0)  # a sample's most
                hit |= np.broadcast_to(peak > MAX_FLEET_GPUS, (n,))
                worst = int(np.argmax(peak))  # the first sample needing the most, its first month
                if float(peak.flat[worst]) > self.most[k][0]:
                    row = np.nan_to_num(g.reshape(-1, g.shape[-1])[worst], nan=0.0)
                    self.most[k] = (float(peak.flat[worst]), int(np.argmax(row)) + 1)
            self.past[k] += int(np.sum(hit))

    def lines(self, samples: int, paths: Iterable[str]) -> list[str]:
        """One line per option with samples past the cap, naming the sampled ``paths``
        that size a fleet (the ranges to narrow)."""
        from payback.figures import share_text
        from payback.scenario.checks import fleet_limit, gpu_count

        varied = [path for path in paths if path.rsplit(".", 1)[-1] in SIZES_A_FLEET]
        out = []
        for label, past, (gpus, month) in zip(self.labels, self.past, self.most, strict=True):
            if not past:
                continue
            out.append(
                f"{label}: {past:,} of {samples:,} samples ({share_text(past / samples)}) "
                f"size a fleet past the cap, up to {gpu_count(gpus)} GPUs (month {month}); "
                f"{fleet_limit()}. The sampled figures count them: narrow "
                + (", ".join(varied) if varied else "the ranges that size the fleet")
            )
        return out


def scenario_fleets(ev: Any) -> list[list[FloatArray | None]]:
    """A scenario's evaluation's fleets, as :meth:`FleetsPastCap.of_scenario` names them:
    the baseline's, then each alternative's (``None`` where it runs none)."""
    return [[ev.baseline.gpus], *([outcome.costs.gpus] for outcome in ev.alternatives)]
