"""recommend --apply on a portfolio whose alternative's name follows the winner ("Llama 3.1
8B, ..." becomes "Qwen2.5 7B Instruct, ...") wrote a file analyze refused: the workloads'
own numbers stayed under ``alternatives."<old name>"`` ("workloads.1.alternatives.Llama
3.1 8B, ...: unknown alternative", exit 2). Their keys follow the name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import FROZEN_PORTFOLIO, run
from payback.scenario.edit import yaml_from_toml
from payback.scenario.rename import with_alternative_renamed

OLD = "Llama 3.1 8B, an adapter per task, one fleet"
NEW = "Qwen2.5 7B Instruct, an adapter per task, one fleet"


def _on_llama(tmp_path: Path) -> Path:
    """The frozen portfolio with its shared fleet's model named (so that the winner's
    model, another, renames it)."""
    text = FROZEN_PORTFOLIO.read_text(encoding="utf-8")
    text = text.replace(
        "gpus_per_replica = 1\n", 'gpus_per_replica = 1\nmodel = "llama-3.1-8b"\n', 1
    )
    path = tmp_path / "on-llama.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_applied_portfolio_analyzes_with_the_winner(tmp_path: Path) -> None:
    """The winner, qwen2.5-7b fp8 on 1 x L4, 2 replicas, is what analyze then prices: 2
    GPUs at the catalog's $0.8048/GPU-h it was ranked at (the file's $0.86 names no gpu),
    2 x 730 x 0.8048 = $1,175.008, + $500 ops + 5% of the baseline's $4,181.50 escalated
    ($209.075) = $1,884.083 a month."""
    out = tmp_path / "applied.toml"
    code, _, err = run(
        "recommend", _on_llama(tmp_path), "--model", "qwen2.5-7b", "--apply", "-o", out
    )
    assert code == 0, err
    assert "workloads.1.alternatives, workloads.2.alternatives" in err
    text = out.read_text(encoding="utf-8")
    assert f'alternatives."{OLD}"' not in text
    # each workload's capacity for the old configuration kept as a comment, under the new key
    assert (
        f'alternatives."{NEW}" = {{  }}  # replaced by payback recommend: '
        "replica_requests_per_s = 4.0"
    ) in text
    code, stdout, err = run("analyze", out, "--json")
    assert code == 0, err
    alt = json.loads(stdout)["portfolio"]["alternatives"][0]
    assert alt["name"] == NEW
    assert alt["gpus"][0] == 2.0
    assert alt["monthly_cost_usd"][0] == pytest.approx(2 * 730 * 0.8048 + 500 + 0.05 * 4181.5)


TABLES = """[[alternatives]]
name = "Old x"
[[workloads]]
name = "a"
[workloads.alternatives."Old x"]   # measured
replica_requests_per_s = 4.0  # by engine
[workloads.alternatives.B]
replica_requests_per_s = 3.0
[[workloads]]
name = "b"
alternatives = { "Old x" = { replica_requests_per_s = 5.0 }, B = {} }  # one line
"""


def test_a_header_and_a_one_line_table_are_renamed_in_place() -> None:
    text, keys = with_alternative_renamed(TABLES, "toml", "Old x", "New, y")
    assert keys == ["workloads.0.alternatives", "workloads.1.alternatives"]
    assert (
        '[workloads.alternatives."New, y"]   # measured\nreplica_requests_per_s = 4.0  # by engine\n'
        in text
    )
    assert (
        'alternatives = { "New, y" = { replica_requests_per_s = 5.0 }, B = {} }  # one line' in text
    )
    assert 'name = "Old x"' in text  # the alternative's own name is with_values' to change


def test_a_yaml_portfolio_applied_analyzes_too(tmp_path: Path) -> None:
    """The same in YAML: each workload's key renamed in its place, the table under it kept."""
    source = tmp_path / "on-llama.yaml"
    yaml = yaml_from_toml(_on_llama(tmp_path).read_text(encoding="utf-8"))
    source.write_text(yaml, encoding="utf-8")
    text, keys = with_alternative_renamed(yaml, "yaml", OLD, NEW)
    assert keys == [f"workloads.{j}.alternatives" for j in (1, 2, 3, 4)]
    assert text == yaml.replace(f"      {OLD}:\n", f"      {NEW}:\n")
    out = tmp_path / "applied.yaml"
    code, _, err = run("recommend", source, "--model", "qwen2.5-7b", "--apply", "-o", out)
    assert code == 0, err
    code, stdout, err = run("analyze", out, "--json")
    assert code == 0, err
    alt = json.loads(stdout)["portfolio"]["alternatives"][0]
    assert (alt["name"], alt["gpus"][0]) == (NEW, 2.0)
    written = out.read_text(encoding="utf-8")
    assert "# replaced by payback recommend: usd_per_gpu_hour: 0.86" in written


def test_an_l40s_rent_with_no_gpu_is_not_kept_for_the_winners_l4(tmp_path: Path) -> None:
    """The frozen portfolio's $0.86 for an L40S (no gpu in the file) is replaced for the
    winner's L4, which recommend ranked at the catalog's rent; the other alternative's rent
    line is left as it was."""
    out = tmp_path / "applied.toml"
    code, _, err = run(
        "recommend", _on_llama(tmp_path), "--model", "qwen2.5-7b", "--apply", "-o", out
    )
    assert code == 0, err
    rents = [
        line for line in out.read_text(encoding="utf-8").splitlines() if "usd_per_gpu_hour" in line
    ]
    assert rents == [
        "# replaced by payback recommend: usd_per_gpu_hour = 0.86          # an L40S, on demand; "
        "an 8B model in FP8 fits one",
        "usd_per_gpu_hour = 0.86",
    ]


DOTTED = """[[alternatives]]
name = "Old x"
[[workloads]]
name = "a"
alternatives."Old x".replica_requests_per_s = 3.4  # measured
[[workloads]]
name = "b"
alternatives."Old x".replica_requests_per_s = 5.0
"""


def test_a_three_part_dotted_key_is_renamed_as_a_dotted_key() -> None:
    """``alternatives."Old x".replica_requests_per_s = 3.4`` is a dotted key, not a header:
    rewritten as ``[alternatives."New, y"]`` it had moved both workloads' numbers into the
    last ``[[alternatives]]`` entry (each workload's terms gone)."""
    import tomllib

    text, keys = with_alternative_renamed(DOTTED, "toml", "Old x", "New, y")
    assert keys == ["workloads.0.alternatives", "workloads.1.alternatives"]
    assert 'alternatives."New, y".replica_requests_per_s = 3.4  # measured\n' in text
    data = tomllib.loads(text)
    assert [w["alternatives"] for w in data["workloads"]] == [
        {"New, y": {"replica_requests_per_s": 3.4}},
        {"New, y": {"replica_requests_per_s": 5.0}},
    ]
    assert data["alternatives"] == [{"name": "Old x"}]
