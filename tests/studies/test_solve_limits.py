"""``payback solve`` searches an input only as far as analyze accepts the file: a token
length only up to the context of each model an option's capacity is estimated with, and
never an input the estimate reads once while the engine holds its result.

Tried as a new user would: on the starter's scenario with qwen2.5-7b's capacity estimated
(its 32,768-token context), ``--vary traffic.input_tokens --target break_even_month=12``
answered "at least 48,317.4", a file analyze refuses (past the context); on
examples/catalog-ids.toml at 10⁸ requests a month, ``--vary
alternatives.0.gpus_per_replica --target npv_usd=5.5e6`` held the capacity estimated for
one GPU (8.525 requests/s) while paying for two a replica, and answered "at most 1" where
analyze at 2 gives an NPV of $5.59M.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, QUARTER, build, edited, run, without_stale
from payback import PaybackError, analyze, solve

CONTEXT = 32_768
"""qwen2.5-7b's context (max_position_embeddings)."""


def estimated_starter() -> dict[str, Any]:
    """The starter's numbers, its L4 replica's capacity estimated from qwen2.5-7b (not the
    0.85 requests/s typed in), at 795.3/167.4 tokens and 13,210 requests growing 5.87% a
    month over two years."""
    data = tomllib.loads(QUARTER.read_text(encoding="utf-8"))
    data["scenario"]["horizon_months"] = 24
    data["traffic"].update(
        requests_per_month=13210,
        growth_monthly=0.0587,
        input_tokens=795.3,
        output_tokens=167.4,
        cached_input_share=0.165,
        peak_to_average=2.88,
    )
    option = data["alternatives"][0]
    del option["replica_requests_per_s"]
    option.update(model="qwen2.5-7b", gpu="l4", precision="bf16", engine="vllm")
    return data


def refusal(data: dict[str, Any], path: str, value: float) -> str:
    """analyze's refusal of the file with ``path`` at ``value``; empty where it accepts it."""
    try:
        analyze(build(edited(data, path, value)))
    except PaybackError as exc:
        return str(exc)
    return ""


def test_a_token_length_is_searched_within_the_context() -> None:
    """The context holds 32,768 tokens: with 167.4 output tokens the prompt can reach
    32,600.6 and no further. Month 12 needs a longer prompt (month 18.02 at the edge), so
    no value reaches it; the search stops at the edge and says why."""
    data = estimated_starter()
    path = "traffic.input_tokens"
    solution = solve(build(data), path, "break_even_month=12")
    within = solution.within_fleet_cap
    assert within is not None
    assert within.highest == pytest.approx(CONTEXT - 167.4, abs=1e-9)
    assert solution.value is None
    assert solution.closest is not None
    assert solution.closest[0] == within.highest
    assert solution.closest[1] == pytest.approx(18.02, abs=0.01)
    assert refusal(data, path, within.highest) == ""
    assert "context is 32,768 tokens" in refusal(
        data, path, math.nextafter(within.highest, math.inf)
    )
    # after the line saying the capacity solve holds (tests/studies/test_capacity_held.py)
    edge = solution.warnings[-1]
    assert edge.startswith("traffic.input_tokens searched ≤ 32,600.6: past it analyze refuses")
    assert "qwen2.5-7b's context is 32,768 tokens" in edge


def test_a_reachable_target_within_the_context_is_found(tmp_path: Path) -> None:
    """Month 20 is met within the context: the answer is a prompt analyze accepts, and
    the month it gives there is 20 (the CLI's figure written back)."""
    data = estimated_starter()
    path = "traffic.input_tokens"
    solution = solve(build(data), path, "break_even_month=20")
    assert solution.value is not None
    assert solution.value < CONTEXT - 167.4
    assert refusal(data, path, solution.value) == ""
    month = analyze(build(edited(data, path, solution.value))).alternatives[0]
    assert month.break_even_month == pytest.approx(20.0, abs=0.01)


def test_the_cli_says_no_value_reaches_within_the_context(tmp_path: Path) -> None:
    scen = tmp_path / "scen.toml"
    scen.write_text(
        QUARTER.read_text(encoding="utf-8")
        .replace("replica_requests_per_s = 0.85", 'model = "qwen2.5-7b"\ngpu = "l4"')
        .replace("input_tokens = 2000", "input_tokens = 795.3")
        .replace("output_tokens = 400", "output_tokens = 167.4")
        .replace("growth_monthly = 0.0 ", "growth_monthly = 0.0587")
        .replace("requests_per_month = 200000", "requests_per_month = 13210"),
        encoding="utf-8",
    )
    code, out, err = run(
        "solve", scen, "--vary", "traffic.input_tokens", "--target", "break_even_month=12"
    )
    flat = " ".join(out.split())
    assert code == 1
    assert "No value of traffic.input_tokens" in flat
    assert "≤ 32,600.6" in flat
    assert "at least" not in flat
    assert "traffic.input_tokens searched ≤ 32,600.6: past it analyze refuses the file" in err
    # the answer names the refusal, not the fleet cap (which it said, past 10,000,000 GPUs)
    assert (
        "within what analyze accepts (≤ 32,600.6: past it analyze refuses the file, as warned)"
        in flat
    )
    assert "at the largest value analyze accepts: past it the file is refused, as warned" in flat
    assert "fleet cap" not in flat
    code, out, _ = run(
        "solve",
        scen,
        "--vary",
        "traffic.input_tokens",
        "--target",
        "break_even_month=12",
        "--json",
    )
    assert json.loads(out)["refused_past"] == [False, True]


def test_gpus_per_replica_of_an_estimated_capacity_is_refused(tmp_path: Path) -> None:
    """The estimate reads gpus_per_replica once (one GPU: 8.525 requests/s; two: 14.41):
    solve would hold the first while paying for the second. Refused, one line, exit 2."""
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    big = tmp_path / "big.toml"
    big.write_text(text.replace("requests_per_month = 1000000", "requests_per_month = 1e8"))
    path = "alternatives.0.gpus_per_replica"
    code, out, err = run("solve", big, "--vary", path, "--target", "npv_usd=5.5e6")
    assert code == 2
    assert out == ""
    assert without_stale(err) == [
        f"error: --vary {path}: alternatives.0's capacity is estimated for each replica "
        "size the model splits over (a few whole numbers, not a range to search); leave "
        "gpus_per_replica out for analyze to choose the cheapest, run analyze at each size, "
        "or vary alternatives.0.replica_requests_per_s instead"
    ]
    data = tomllib.loads(big.read_text(encoding="utf-8"))
    two = analyze(build(edited(data, path, 2))).alternatives[0]
    assert two.npv_usd == pytest.approx(5_590_559, abs=1)
    with pytest.raises(PaybackError) as raised:
        solve(build(data), path, "npv_usd=5.5e6")
    assert raised.value.param == "vary"


def test_gpus_per_replica_of_a_given_capacity_is_solved() -> None:
    """Where the capacity is given (the quarter's 0.85 requests/s a replica), the engine
    reads gpus_per_replica as the GPUs paid a replica: solved as before. One GPU a
    replica keeps the NPV positive ($7,835.93), two do not: "at most 1"."""
    data = tomllib.loads(QUARTER.read_text(encoding="utf-8"))
    path = "alternatives.0.gpus_per_replica"
    solution = solve(build(data), path, "npv_usd=0")
    assert (solution.value, solution.met_above) == (1.0, False)
    assert solution.achieved == pytest.approx(7835.93, abs=0.01)
    assert solution.other_side is not None
    assert solution.other_side[0] == 2.0
    assert analyze(build(edited(data, path, 2))).alternatives[0].npv_usd < 0
