"""Why a field cannot be varied, in words that are true of the scenario: a token count of a
scenario priced per request enters no cash flow (it said 'used once to estimate a catalog
number', though nothing is estimated there), one an estimated capacity reads is an input
(the capacity follows it), and a field not given says so in one pair of parentheses at
most (it read 'not a number (it holds nothing (the field is not given))')."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from helpers import EXAMPLES
from payback import load_scenario
from payback.errors import PaybackError
from payback.studies.solve import parse_target, solve

SEED = EXAMPLES / "seed.toml"
NOTHING = (
    "it enters no cash flow of this scenario (no option is priced per token or has its "
    "capacity estimated from token counts), so no value of it changes the NPV or meets a target"
)


def _refusal(path: Path, field: str) -> str:
    with pytest.raises(PaybackError) as err:
        solve(load_scenario(path), field, parse_target("npv_usd=0"))
    return str(err.value)


def test_a_token_count_of_a_per_request_scenario_enters_no_cash_flow(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        SEED.read_text().replace(
            "requests_per_month = 20000\n", "requests_per_month = 20000\noutput_tokens = 300\n"
        )
    )
    text = _refusal(path, "traffic.output_tokens")
    assert text == f"vary traffic.output_tokens: not an input of the cost engine: {NOTHING}"
    assert "estimate" not in text.split("(")[0]


def test_a_token_count_not_given_says_so_once() -> None:
    text = _refusal(SEED, "traffic.output_tokens")
    assert text == f"vary traffic.output_tokens: not given, and {NOTHING}"
    assert "((" not in text
    assert "))" not in text


def test_a_field_not_given_is_said_so_without_nested_parentheses() -> None:
    text = _refusal(SEED, "alternatives.0.quality")
    assert text == (
        "vary alternatives.0.quality: not given in the file, so there is no value "
        "to vary; give it one first"
    )


def test_a_token_count_only_a_capacity_estimate_reads_is_an_input(tmp_path: Path) -> None:
    """Baseline per request, one GPU whose capacity is estimated from model and GPU: the
    token counts size that capacity alone, which follows them; solve's answer is one
    analyze of the file gives (refused before: "used once to estimate ... vary that
    instead")."""
    from payback.analysis.cashflows import evaluate
    from payback.analysis.resolve import resolve
    from payback.scenario.paths import with_value

    path = tmp_path / "s.toml"
    path.write_text(
        "[scenario]\nname = 'e'\nhorizon_months = 12\n"
        "[traffic]\nrequests_per_month = 20000000\ninput_tokens = 1000\noutput_tokens = 200\n"
        "[baseline]\nname = 'api'\nkind = 'per_request'\nusd_per_1k_requests = 1.0\n"
        "[[alternatives]]\nname = 'own'\nkind = 'self_hosted'\nmodel = 'qwen2.5-7b'\n"
        "gpu = 'l4'\n"
    )
    scenario = load_scenario(path)
    today = float(evaluate(scenario).alternatives[0].npv_usd)
    found = solve(scenario, "traffic.output_tokens", parse_target(f"npv_usd={today - 5e4:.2f}"))
    assert found.value is not None
    assert found.value > 200  # longer answers: fewer requests a replica, a dearer fleet
    again = resolve(with_value(scenario, "traffic.output_tokens", found.value))
    study = evaluate(scenario, {"traffic.output_tokens": np.array([found.value])})
    npv = float(evaluate(again).alternatives[0].npv_usd)
    assert float(study.alternatives[0].npv_usd[0]) == pytest.approx(npv, rel=1e-9)
    assert npv >= today - 5e4  # the fleet's whole replicas: met within a step


@pytest.mark.parametrize("sized", [True, False])
def test_a_first_token_target_says_what_it_does(tmp_path: Path, sized: bool) -> None:
    """Tried as a new user would: solve on a ttft_ms beside an estimated capacity said
    "used once to estimate alternatives.0.replica_requests_per_s from the catalog", but the
    capacity never reads it: analyze checks the loaded first token against it and, where
    the file gives no gpus_per_replica, chooses the replica's size among those that meet
    it (a cost it had said the target never moves)."""
    path = tmp_path / "t.toml"
    extra = "ttft_ms = 300" + ("" if sized else "\ngpus_per_replica = 1")
    path.write_text(
        (EXAMPLES / "catalog-ids.toml")
        .read_text()
        .replace('gpu = "l40s"', f'gpu = "l40s"\n{extra}', 1)
    )
    assert "ttft_ms = 300" in path.read_text()
    text = _refusal(path, "alternatives.0.ttft_ms")
    chooses = ", and chooses the GPUs per replica among the sizes that meet it" if sized else ""
    assert text == (
        "vary alternatives.0.ttft_ms: not an input of the cost engine: analyze checks the "
        f"estimate's first token where the fleet runs against it{chooses}; a study keeps it as "
        f"written{'' if sized else ', and it moves no cost'}: vary "
        "alternatives.0.target_utilization instead"
    )
