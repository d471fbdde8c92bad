"""Which numbers only an estimate reads may hold a distribution: those whose estimate
follows each sample (``payback.analysis.follow``, ``payback.analysis.follow_training``)."""

from __future__ import annotations

from collections.abc import Mapping

from payback.errors import PaybackError
from payback.scenario.distributions import Distribution, as_written
from payback.scenario.paths import value_at
from payback.scenario.schema import Scenario

__all__ = ["followed", "not_sampled"]

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


def not_sampled(path: str, dist: Distribution) -> str:
    """The one line for a distribution at ``path`` that cannot be sampled, analyze's and
    the studies' alike: a number only an estimate reads, once, or one nothing reads; the
    figure to give it instead (a training job's cost for its numbers, a replica's capacity
    for a latency target or a token length).

    >>> from payback.scenario.distributions import Triangular
    >>> epochs = Triangular(dist="triangular", low=2, mode=3, high=4)
    >>> print(not_sampled("alternatives.0.one_time.training.epochs", epochs))
    alternatives.0.one_time.training.epochs = { dist = "triangular", low = 2, mode = 3, high = 4 }: a distribution here cannot be sampled: the number is used only to estimate a catalog figure once, or not at all; give that figure a distribution instead (training_usd)
    """
    if ".one_time.training." in path:
        figure = "training_usd"
    elif path.endswith(("tpot_ms", "_tokens")):
        figure = "replica_requests_per_s"
    else:
        figure = "replica_requests_per_s, training_usd"
    return (
        f"{path} = {as_written(dist)}: a distribution here cannot be sampled: the number is "
        "used only to estimate a catalog figure once, or not at all; give that figure a "
        f"distribution instead ({figure})"
    )
