"""Which numbers only an estimate reads may hold a distribution: those whose estimate
follows each sample (``payback.analysis.follow``, ``payback.analysis.follow_training``)."""

from __future__ import annotations

from collections.abc import Mapping

from payback.errors import PaybackError
from payback.scenario.distributions import Distribution
from payback.scenario.paths import value_at
from payback.scenario.schema import Scenario

__all__ = ["followed"]

_FOLLOWED_JOB = ("examples", "tokens_per_example", "epochs", "usd_per_gpu_hour")
"""A training job's numbers its estimated cost follows (analysis/follow_training.py)."""


def followed(scenario: Scenario, path: str, found: Mapping[str, Distribution]) -> bool:
    """Whether a distribution at ``path`` can be sampled as far as an estimate goes: a
    number no estimate reads, or one whose estimate follows each sample (a latency target
    of a capacity estimated, not given nor sampled; a training job's size where its cost
    is estimated); a number an estimate reads once (its figure given) cannot."""
    if path.endswith(".tpot_ms"):
        option = path.removesuffix(".tpot_ms")
        capacity = f"{option}.replica_requests_per_s"
        try:
            given = value_at(scenario, capacity) is not None
        except PaybackError:
            return False
        return not given and capacity not in found
    if ".one_time.training." not in path:
        return True
    one_time, _, name = path.partition(".training.")
    try:
        job = value_at(scenario, f"{one_time}.training")
        given = value_at(scenario, f"{one_time}.training_usd") is not None
    except PaybackError:
        return False
    if given or f"{one_time}.training_usd" in found or name not in _FOLLOWED_JOB:
        return False
    return not (name == "usd_per_gpu_hour" and job.hosted is not None)
