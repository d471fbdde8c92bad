"""A hosted fine-tuning job is held to the tokens a run a job on rented GPUs is.

Tried as a new user would: a hosted job of 10^10 examples × 10^7 tokens × 100 epochs
(10^19 tokens) was priced, $3×10^17 of one-time cost, while the same job on rented GPUs
was refused past 10^15 tokens a run, in e-notation ("at most 1e+15")."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run

JOB = """\
[scenario]
name = "big job"
horizon_months = 12

[traffic]
requests_per_month = 100000
input_tokens = 1000
output_tokens = 200

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 3.0
output_usd_per_mtok = 15.0

[[alternatives]]
name = "tuned"
kind = "hosted_api"
input_usd_per_mtok = 0.3
output_usd_per_mtok = 1.2
[alternatives.one_time.training]
hosted = "openai.gpt-4o-mini"
examples = EXAMPLES
tokens_per_example = 10000000
epochs = 100.0
"""


@pytest.mark.parametrize(
    ("examples", "refused"),
    [("1e10", "1×10¹⁹"), ("1000000", None)],  # 10^15 tokens: the most a run may process
)
def test_a_hosted_job_past_the_bound_is_refused(
    tmp_path: Path, examples: str, refused: str | None
) -> None:
    path = tmp_path / "job.toml"
    path.write_text(JOB.replace("EXAMPLES", examples), encoding="utf-8")
    code, _, err = run("analyze", path)
    if refused is None:
        assert code == 0, err
        return
    assert code == 2
    assert err.strip() == (
        f"error: {path}: alternatives.0.one_time.training: tokens × epochs = {refused}: "
        "at most 1,000,000,000,000,000 tokens a run (far beyond any pre-training run)"
    )
