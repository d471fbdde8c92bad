"""Advice in an error names what the user typed: tried as a new user would, `payback estimate
serving --model llama-3.1-70b --gpu h100-sxm --tpot-ms 20` said "set gpus_per_replica to 4",
a scenario's field, where the command takes --gpus-per-replica; analyze, whose input is a
scenario, keeps the field."""

from __future__ import annotations

from pathlib import Path

from helpers import assert_user_error, run
from latency_files import LAT2G as SCENARIO
from payback.errors import PaybackError

SERVING_70B = ("estimate", "serving", "--model", "llama-3.1-70b", "--gpu", "h100-sxm")


def test_estimate_serving_names_its_flag() -> None:
    code, out, err = run(*SERVING_70B, "--tpot-ms", "20")
    assert_user_error(code, out, err)
    assert err == (
        "error: --tpot-ms 20: llama-3.1-70b at bf16 on 2 × h100-sxm cannot meet it: one "
        "sequence alone takes 29.2 ms per token; 4 × h100-sxm meets it (16.9 ms alone): set "
        "--gpus-per-replica to 4\n"
    )
    # the flag it names does what the line says
    code, out, err = run(*SERVING_70B, "--tpot-ms", "20", "--gpus-per-replica", "4", "--json")
    assert code == 0, err


def test_a_scenario_keeps_the_field(tmp_path: Path) -> None:
    path = tmp_path / "lat.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, "alternatives.0.tpot_ms = 20:", "set gpus_per_replica to 4")
    assert "--gpus-per-replica" not in err


def test_renamed_calls_the_advised_parameter_by_its_new_name() -> None:
    err = PaybackError.bad(
        "tpot_ms",
        20.0,
        "set gpus_per_replica to 4 (not owned.gpus_per_replica, nor gpus_per_replica_x)",
        ["gpus_per_replica"],
    )
    flags = {"tpot_ms": "--tpot-ms", "gpus_per_replica": "--gpus-per-replica"}
    named = err.renamed(flags)
    assert named.messages == [
        "--tpot-ms 20: set --gpus-per-replica to 4 "
        "(not owned.gpus_per_replica, nor gpus_per_replica_x)"
    ]
    assert (named.param, named.value, named.advises) == ("--tpot-ms", 20.0, ("--gpus-per-replica",))
    # only the advised name given: the parameter and its value stay as they were
    alone = err.renamed({"gpus_per_replica": "--gpus-per-replica"})
    assert alone.messages[0].startswith("tpot_ms 20.0: set --gpus-per-replica to 4")
    # a name advised that ``names`` lacks, or one not advised, is left
    assert err.renamed({"batch": "--batch"}) is err
    plain = PaybackError.bad("tpot_ms", 20.0, "set gpus_per_replica to 4")
    assert plain.renamed({"gpus_per_replica": "--gpus-per-replica"}) is plain
    assert plain.renamed(flags).messages == ["--tpot-ms 20: set gpus_per_replica to 4"]
