"""A null in a YAML scenario (``~``, ``null`` or a value left empty). Tried as a new user
would, every one was refused as Python writes it: ``target_utilization = None: must be a
number``, ``kind = "None": unknown kind``, and ``gpu_provider: ~`` warned that the provider
"is not used". Now a null where the field has a default is unset (the answer is the file's
without that line, and nothing says None), and a null where a value is required is one
line naming the field, the null as written and what the field takes, exit code 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError
from payback.scenario import parse_scenario


def _starter(tmp_path: Path) -> str:
    path = tmp_path / "starter.yaml"
    code, _, err = run("init", path)
    assert code == 0, err
    return path.read_text(encoding="utf-8")


def _set(text: str, line: str, new: str) -> str:
    """``text`` with the line that starts ``line`` (its indent included) replaced by ``new``."""
    pattern = re.compile(rf"^{re.escape(line)}.*$", re.M)
    assert len(pattern.findall(text)) == 1, line
    return pattern.sub(new, text)


# the starter's line, and the same field left null (the starter's value is not the default)
OPTIONAL = [
    ("  discount_rate_annual: 0.1", "  discount_rate_annual:"),  # default 0
    ("  growth_monthly: 0.0", "  growth_monthly: ~"),
    ("    target_utilization: 0.7", "    target_utilization:"),
    ("    always_on: true", "    always_on: null"),
    ("    min_replicas: 1", "    min_replicas: ~\n    gpu_provider: ~\n    tpot_ms: NULL"),
    ("  cached_input_share: 0.2", "  cached_input_share: ~"),  # default 0
]


def test_a_null_where_the_field_has_a_default_is_unset(tmp_path: Path) -> None:
    text = _starter(tmp_path)
    nulls, left_out = text, text
    for line, null in OPTIONAL:
        nulls = _set(nulls, line, null)
        left_out = _set(left_out, line, "")
    (tmp_path / "nulls.yaml").write_text(nulls, encoding="utf-8")
    (tmp_path / "left-out.yaml").write_text(left_out, encoding="utf-8")
    for command in (["analyze"], ["analyze", "--json"], ["explain"]):
        code, out, err = run(*command, tmp_path / "nulls.yaml")
        assert (code, err) == (0, ""), err  # no warning that gpu_provider "is not used"
        assert "None" not in out
        same = run(*command, tmp_path / "left-out.yaml")
        assert out.replace("nulls.yaml", "left-out.yaml") == same[1]
    answer = json.loads(run("analyze", tmp_path / "nulls.yaml", "--json")[1])
    # the defaults: no discount, no cached share; the starter's 10% and 20% gave $7,836
    assert answer["discount_rate_annual"] == 0.0
    code, out, err = run("analyze", tmp_path / "nulls.yaml")
    assert "NPV, 24 months  " in out
    assert "at 10%" not in out


REQUIRED = [
    (
        "  requests_per_month: 200000",
        "  requests_per_month:",
        "traffic.requests_per_month is empty: a value is required; must be a number",
    ),
    (
        "  horizon_months: 24",
        "  horizon_months: null",
        "scenario.horizon_months = null: a value is required; must be a whole number",
    ),
    (
        "  name: hosted big model",
        "  name: ~",
        "baseline.name = ~: a value is required; must be text",
    ),
    (
        "    kind: self_hosted",
        "    kind: Null",
        "alternatives.0.kind = Null: a value is required; allowed: per_request, hosted_api, "
        "self_hosted",
    ),
    (
        "  kind: hosted_api",
        "  kind:",
        "baseline.kind is empty: a value is required; allowed: per_request, hosted_api, "
        "self_hosted",
    ),
    ("traffic:", "traffic: ~\nxtraffic:", "traffic = ~: a value is required; must be a table"),
    (
        "  - name: fine-tuned 7B",
        "  - ~\n  - name: fine-tuned 7B",
        "alternatives.0 = ~: a value is required; must be a table",
    ),
]


@pytest.mark.parametrize(
    ("line", "null", "said"), REQUIRED, ids=[r[2].split(" ")[0] for r in REQUIRED]
)
def test_a_null_where_a_value_is_required_is_one_line(
    tmp_path: Path, line: str, null: str, said: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(_set(_starter(tmp_path), line, null), encoding="utf-8")
    for command in ("analyze", "explain"):
        code, out, err = run(command, path)
        assert_user_error(code, out, err, f"error: {path}: {said}")
        assert "None" not in err


def test_an_unknown_field_left_null_is_named_as_unknown(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = _set(_starter(tmp_path), "    min_replicas: 1", "    favourite_colour: ~")
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(
        code, out, err, f"error: {path}: alternatives.0.favourite_colour: unknown field in"
    )
    assert len(err.splitlines()) == 1


def _portfolio(**traffic: object) -> dict[str, object]:
    terms = {"fleet": {"escalation_share": None}}
    return {
        "scenario": {"name": "two tasks", "horizon_months": 3},
        "traffic": traffic,
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 10.0},
        "alternatives": [
            {"name": "fleet", "kind": "per_request", "usd_per_1k_requests": 2.0, "recurring": None}
        ],
        "workloads": [
            {"name": "a", "traffic": {"requests_per_month": 1000}, "alternatives": terms},
            {"name": "b", "traffic": {"requests_per_month": 3000, "growth_monthly": None}},
        ],
    }


def test_nulls_built_in_python_read_alike() -> None:
    # [traffic] left null with workloads is the first workload's, field by field
    scenario = parse_scenario(_portfolio(requests_per_month=None, growth_monthly=None))
    assert scenario.traffic.requests_per_month == 1000
    assert scenario.traffic.growth_monthly == 0.0
    workloads = scenario.workloads or []
    assert "escalation_share" not in workloads[0].alternatives["fleet"].model_fields_set
    assert "growth_monthly" not in workloads[1].traffic.model_fields_set
    data = _portfolio()
    data["scenario"] = {"name": "two tasks", "horizon_months": None}
    with pytest.raises(PaybackError) as info:
        parse_scenario(data, "s.toml")
    assert str(info.value) == (
        "s.toml: scenario.horizon_months = null: a value is required; must be a whole number"
    )


def test_an_edit_writes_each_null_back_as_the_file_spelt_it() -> None:
    """ruamel.yaml writes a null back as nothing (``gpu_provider:``): an edit of other
    fields (recommend --apply, usage -o, the page's download) changed ``~`` and ``null``,
    comments after them kept in their column."""
    from payback.scenario.edit import with_values

    text = (
        "traffic:\n  requests_per_month: 1000\n  growth_monthly: ~     # none yet\n"
        "baseline:\n  gpu_provider: null\n  tpot_ms:\n  other: NULL\n"
    )
    edited = with_values(text, "yaml", {"traffic.requests_per_month": 2000})
    assert edited == (
        "traffic:\n  requests_per_month: 2000\n  growth_monthly: ~     # none yet\n"
        "baseline:\n  gpu_provider: null\n  tpot_ms:\n  other: NULL\n"
    )
    # a null the edit replaces is the new value
    edited = with_values(text, "yaml", {"baseline.gpu_provider": "aws"})
    assert "  gpu_provider: aws\n" in edited


def test_an_empty_yaml_list_of_alternatives_is_worded_for_yaml(tmp_path: Path) -> None:
    """It said "needs at least one [[alternatives]] entry", TOML's way of writing one."""
    path = tmp_path / "empty.yaml"
    path.write_text(
        "scenario:\n  name: x\n  horizon_months: 12\n"
        "traffic:\n  requests_per_month: 1000\n  input_tokens: 100\n  output_tokens: 10\n"
        "baseline:\n  name: b\n  kind: per_request\n  usd_per_1k_requests: 2\n"
        "alternatives: []\n",
        encoding="utf-8",
    )
    assert_user_error(
        *run("analyze", path),
        "alternatives: needs at least one entry (a line starting with '- ')",
    )
