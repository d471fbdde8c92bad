"""Why a field cannot be varied, in words that are true of the scenario: a token count of a
scenario priced per request enters no cash flow (it said 'used once to estimate a catalog
number', though nothing is estimated there), one a capacity estimate reads is named with
that estimate, and a field not given says so in one pair of parentheses at most (it read
'not a number (it holds nothing (the field is not given))')."""

from __future__ import annotations

from pathlib import Path

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


def test_a_token_count_only_a_capacity_estimate_reads_names_it(tmp_path: Path) -> None:
    """Baseline per request, one GPU whose capacity is estimated from model and GPU: the
    token counts size that capacity once, and the engine reads the capacity."""
    path = tmp_path / "s.toml"
    path.write_text(
        "[scenario]\nname = 'e'\nhorizon_months = 12\n"
        "[traffic]\nrequests_per_month = 200000\ninput_tokens = 1000\noutput_tokens = 200\n"
        "[baseline]\nname = 'api'\nkind = 'per_request'\nusd_per_1k_requests = 10.0\n"
        "[[alternatives]]\nname = 'own'\nkind = 'self_hosted'\nmodel = 'qwen2.5-7b'\n"
        "gpu = 'l4'\n"
    )
    assert _refusal(path, "traffic.output_tokens") == (
        "vary traffic.output_tokens: not an input of the cost engine: used once to estimate "
        "alternatives.0.replica_requests_per_s (vary that instead)"
    )
