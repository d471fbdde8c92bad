"""``explain --json`` carries the "capacity held" caution its words end "what decides it"
with (and both reports, whose "What it means" is explain's), tried as a new user would:
explain of examples/quarter-200k.toml cautions that the token lengths its drivers vary
leave the file's 0.85 requests/s as it is, while its --json said nothing of it. Each
alternative's ``capacity_held`` is now that line, as ``payback sensitivity`` warns it, or
``null`` where no capacity is held (examples/catalog-ids.toml estimates its own)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import EXAMPLES, QUARTER, run


def _json(*args: Any) -> Any:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def _paragraphs(explained: dict[str, Any]) -> list[str]:
    return [p for s in explained["sections"] for p in s["paragraphs"]]


def test_the_caution_is_the_words_and_sensitivitys_warning() -> None:
    explained = _json("explain", QUARTER)
    (alt,) = explained["alternatives"]
    held = alt["capacity_held"]
    assert held == (
        "traffic.input_tokens, traffic.output_tokens and traffic.cached_input_share vary the "
        "per-token prices only: alternatives.0's capacity (replica_requests_per_s, 0.85 "
        "requests/s) stays as it is; measure it at other token lengths (payback estimate "
        "serving, or a benchmark through payback import-benchmark) and give the file what "
        "you measure, or leave it out for analyze to estimate from model and gpu at each length"
    )
    assert f"Caution: {held}." in _paragraphs(explained)  # the words say the same line
    assert held in _json("sensitivity", QUARTER)["warnings"]


def test_none_where_the_capacity_is_estimated() -> None:
    explained = _json("explain", EXAMPLES / "catalog-ids.toml")
    assert [a["capacity_held"] for a in explained["alternatives"]] == [None, None]
    assert not any(p.startswith("Caution:") for p in _paragraphs(explained))


def test_a_portfolios_alternatives_each_carry_it() -> None:
    path = EXAMPLES / "portfolio.toml"
    explained = _json("explain", path)
    lines = [a["capacity_held"] for a in explained["alternatives"]]
    assert len(lines) == 2
    both = (
        "the capacities of alternatives.0 and alternatives.1 on those workloads "
        "(replica_requests_per_s: the 8 that workloads 1, 2, 3 and 4 give; alternatives.0's "
        "own on workload 0; alternatives.1's own on workload 0)"
    )
    for i, line in enumerate(lines):  # each names its own alternative's five only
        own = (
            f"the capacities of alternatives.{i} on those workloads (replica_requests_per_s: "
            f"the 4 that workloads 1, 2, 3 and 4 give; alternatives.{i}'s own on workload 0)"
        )
        assert line.startswith(
            "the input_tokens and output_tokens of workloads 0, 1, 2, 3 and 4 vary the "
            f"per-token prices only: {own} stay as they are"
        )
        assert line.replace(own, both) in (_json("sensitivity", path)["warnings"])
    cautions = [p for p in _paragraphs(explained) if p.startswith("Caution:")]
    assert cautions == [f"Caution: {line}." for line in lines]


def test_an_escalating_alternative_carries_the_baselines_held_capacity() -> None:
    """A hosted API escalating 20% to a self-hosted baseline pays for the baseline fleet
    that share needs, which the baseline's capacity sizes: sensitivity warned that it is
    held while token lengths vary, explain --json said null."""
    path = Path(__file__).parents[1] / "data" / "escalation_self_hosted.toml"
    explained = _json("explain", path)
    (held,) = [a["capacity_held"] for a in explained["alternatives"]]
    assert held is not None
    assert "baseline's capacity (replica_requests_per_s, 0.05 requests/s)" in held
    assert held in _json("sensitivity", path)["warnings"]
