"""Which numbers only an estimate reads may hold a distribution: those whose estimate
follows each sample (``payback.analysis.follow``, ``payback.analysis.follow_training``,
``payback.analysis.follow_tiers``).

The lists of what each estimate reads live here, and the analysis that follows the samples
reads them from here (the scenario does not import the analysis)."""

from __future__ import annotations

from collections.abc import Mapping

from payback.errors import PaybackError
from payback.scenario.distributions import Distribution, as_written
from payback.scenario.paths import value_at
from payback.scenario.schema import Scenario, TrainingJob

__all__ = [
    "CAPACITY_ONLY",
    "CAPACITY_READS",
    "JOB_TOKENS",
    "TIERED_PRICES",
    "TIER_READS",
    "TOKEN_LENGTHS",
    "TRAFFIC_READS",
    "TRAINING_READS",
    "followed",
    "job_reads",
    "not_sampled",
]

TOKEN_LENGTHS = ("input_tokens", "output_tokens")
"""``traffic``'s token lengths."""
TRAFFIC_READS = (*TOKEN_LENGTHS, "cached_input_share")
"""``traffic``'s numbers a replica's estimated capacity reads."""
CAPACITY_ONLY = ("tpot_ms",)
"""A self-hosted option's numbers that only its capacity estimate reads (the engine reads
none of them), where the option gives them."""
CAPACITY_READS = (*TRAFFIC_READS, *CAPACITY_ONLY, "gpus_per_replica")
"""The inputs a replica's estimated capacity depends on (``traffic``'s token lengths and
cached share, the option's latency target where it gives one, and its replica size)."""

TIER_READS = ("input_tokens",)
"""``traffic``'s numbers that pick a hosted API price's tier (genai-prices tiers some
models' rates by a request's input tokens)."""
TIERED_PRICES = (
    "input_usd_per_mtok",
    "cached_input_usd_per_mtok",
    "output_usd_per_mtok",
    "batch_discount",
    "cached_input_batch_discount",
)
"""A hosted API option's numbers genai-prices gives at the tier of a request's input
tokens (:data:`TIER_READS`), where the option names a ``model`` and gives none of them: a
study that moves the input tokens prices each sample at its own tier
(``payback.analysis.follow_tiers``)."""

JOB_TOKENS = ("examples", "tokens_per_example", "epochs")
"""A training job's numbers whose product is the tokens a run processes."""
TRAINING_READS = (*JOB_TOKENS, "usd_per_gpu_hour")
"""A training job's numbers its estimate is proportional to (the rent on rented GPUs
only, where the job gives one): the tokens a run processes and the price of a GPU-hour."""


def job_reads(job: TrainingJob) -> tuple[str, ...]:
    """The names among :data:`TRAINING_READS` that ``job``'s estimated cost follows: those
    it gives, its rent only where it trains on rented GPUs (not a hosted offer)."""
    return tuple(
        name
        for name in TRAINING_READS
        if getattr(job, name) is not None
        and not (name == "usd_per_gpu_hour" and job.hosted is not None)
    )


def followed(scenario: Scenario, path: str, found: Mapping[str, Distribution]) -> bool:
    """Whether a distribution at ``path`` can be sampled as far as an estimate goes: a
    number no estimate reads, or one whose estimate follows each sample (a latency target
    of a capacity estimated, not given nor sampled; a training job's size where its cost
    is estimated); a number an estimate reads once (its figure given) cannot."""
    option, _, last = path.rpartition(".")
    if last in CAPACITY_ONLY:
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
    return not given and f"{one_time}.training_usd" not in found and name in job_reads(job)


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
    elif path.rpartition(".")[2] in (*CAPACITY_ONLY, *TOKEN_LENGTHS):
        figure = "replica_requests_per_s"
    else:
        figure = "replica_requests_per_s, training_usd"
    return (
        f"{path} = {as_written(dist)}: a distribution here cannot be sampled: the number is "
        "used only to estimate a catalog figure once, or not at all; give that figure a "
        f"distribution instead ({figure})"
    )
