"""What an estimate follows is written once: the scenario's check of which numbers only an
estimate reads may hold a distribution (scenario/followed.py) and the analysis that follows
the samples (analysis/follow.py, analysis/follow_training.py) read the same lists, where
each held its own copy."""

from __future__ import annotations

import pytest

from helpers import EXAMPLES, edited
from payback.analysis import follow, follow_training
from payback.analysis.resolve import resolve
from payback.scenario import followed as scenario_followed
from payback.scenario import load_scenario, parse_scenario
from payback.scenario.schema import TrainingJob


def test_the_analysis_reads_the_lists_the_scenario_holds() -> None:
    assert follow_training.TRAINING_READS is scenario_followed.TRAINING_READS
    assert follow.CAPACITY_READS is scenario_followed.CAPACITY_READS
    assert scenario_followed.TRAINING_READS == (
        "examples",
        "tokens_per_example",
        "epochs",
        "usd_per_gpu_hour",
    )
    assert scenario_followed.CAPACITY_READS == (
        "input_tokens",
        "output_tokens",
        "cached_input_share",
        "tpot_ms",
        "gpus_per_replica",
    )


@pytest.mark.parametrize("alternative", [0, 1])  # a job on rented GPUs, one a hosted offer
def test_a_training_number_may_be_sampled_where_the_estimate_follows_it(alternative: int) -> None:
    """Each real-valued number of a training job: the scenario accepts a distribution on it
    exactly where the analysis follows it (the rent only on rented GPUs)."""
    base = load_scenario(EXAMPLES / "catalog-ids.toml")
    data = base.model_dump(mode="python", exclude_none=True, exclude_unset=True)
    where = f"alternatives.{alternative}.one_time"
    scenario = parse_scenario(edited(data, f"{where}.training.usd_per_gpu_hour", 2.0))
    reads = follow_training.trainees(resolve(scenario))[where]
    names = [
        n for n, f in TrainingJob.model_fields.items() if f.annotation in (float, float | None)
    ]
    assert set(scenario_followed.TRAINING_READS) <= set(names)
    for name in names:
        path = f"{where}.training.{name}"
        assert scenario_followed.followed(scenario, path, {}) is (path in reads), path
    rented = "usd_per_gpu_hour" in [r.rpartition(".")[2] for r in reads]
    assert rented is (alternative == 0)
