"""A portfolio's warnings and errors: one about a field of the shared part (the same in
every workload's scenario) is that field's alone; one a workload's own numbers give names
the workloads (tests/data/portfolio.toml, edited)."""

from __future__ import annotations

import re

import pytest

from helpers import EXAMPLES, FROZEN_PORTFOLIO
from payback.analysis.portfolio import prepare
from payback.analysis.portfolio_setup import _shared_field
from payback.errors import PaybackError
from payback.scenario import Scenario, parse_scenario
from payback.scenario.io import scenario_data_from_text

PORTFOLIO = FROZEN_PORTFOLIO.read_text()
SHARED = 'portfolio = { fleet = "shared", adapter_rank = 16 }'


def _edited(*changes: tuple[str, str]) -> str:
    text = PORTFOLIO
    for old, new in changes:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    return text


def _scenario(text: str) -> Scenario:
    scenario = parse_scenario(scenario_data_from_text(text, "toml"))
    scenario.base_dir = EXAMPLES
    return scenario


def _problems(text: str) -> list[str]:
    with pytest.raises(PaybackError) as caught:
        prepare(_scenario(text))
    return caught.value.messages


def test_an_unknown_gpu_of_the_shared_alternative_is_its_field_alone() -> None:
    """It read "each of the 5 workloads: alternatives.0.gpu: unknown GPU 'h900'; ...", as
    if each workload had a GPU of its own; the gpu is the alternative's, one for all."""
    (line,) = _problems(_edited(("gpus_per_replica = 1\n", 'gpus_per_replica = 1\ngpu = "h900"\n')))
    assert line.startswith("alternatives.0.gpu: unknown GPU 'h900'; did you mean h200"), line


def test_a_commitment_past_the_horizon_is_its_field_alone() -> None:
    text = _edited((SHARED, f'commitment = "3y"\n{SHARED}'))
    assert prepare(_scenario(text)).warnings == [
        "alternatives.0.commitment = '3y': the term runs 36 months, past the 24-month "
        "horizon; months 25-36 are paid but not counted: $7,534 for each GPU reserved in "
        "month 24 (a horizon of 36 months holds them)"  # 730 h × 12 × $0.86
    ]


def test_a_latency_each_workload_misses_at_its_own_lengths_names_them() -> None:
    """The shared alternative estimated (model and gpu, no capacity given) against a
    ttft_ms of 150: the time to the first token depends on each workload's lengths, so the
    three that miss it are each named with their own figure, none said as the
    alternative's alone."""
    text = _edited(
        (
            "replica_requests_per_s = 13.8     #",
            'model = "llama-3.1-8b"\ngpu = "l40s"\nttft_ms = 150\n#',
        )
    )
    text = re.sub(r'alternatives."Llama [^\n]*one fleet" = \{[^}]*\}\n', "", text)
    warnings = [w for w in prepare(_scenario(text)).warnings if "ttft_ms" in w]
    assert [w.split(": the estimate's")[0] for w in warnings] == [
        "workloads.0 ('support triage'): alternatives.0",
        "workloads.1 ('ticket summaries'): alternatives.0",
        "workloads.4 ('SQL helper'): alternatives.0",
    ]
    assert [w.split(" is ")[1].split(",")[0] for w in warnings] == ["213 ms", "290 ms", "210 ms"]


def test_which_fields_are_the_shared_parts() -> None:
    """The example's workloads give their own replica_requests_per_s for both
    alternatives (four of five): a line about it is theirs; the gpu, the commitment, the
    shared baseline and the scenario's own fields are the same for all; a line that names
    an alternative but no field of it (its fleet as a workload's load sizes it) is not."""
    scenario = _scenario(PORTFOLIO)
    said = {
        "alternatives.0.gpu: unknown GPU 'x'": True,
        "alternatives.1.commitment = '3y': the term runs 36 months": True,
        "baseline.cached_input_usd_per_mtok = 1.25 with batch_share = 0.5: x": True,
        "scenario.horizon_months = 24: x": True,
        "alternatives.0.replica_requests_per_s = 3: x": False,
        "alternatives.1.replica_requests_per_s: x": False,
        "alternatives.0 ('owned'): financing = \"cash\" charges all $24,000": False,
        "traffic.input_tokens = 5000: too long": False,
        "alternatives.7.gpu: x": False,
        "something else": False,
    }
    assert {line: _shared_field(scenario, line) for line in said} == said
