"""recommend says the regimes docs/accuracy.md measured optimistic that its winner falls
in, as analyze and estimate serving say them of the same configuration."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import caution_scenario, run
from payback import load_scenario
from payback.studies.recommend import recommend


def _cautions(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "docs/accuracy.md" in w]


def test_the_winner_in_a_regime_is_cautioned_as_estimate_serving_cautions_it(
    tmp_path: Path,
) -> None:
    path = caution_scenario(tmp_path, "trtllm", 30_000_000)
    result = recommend(load_scenario(path))
    best = result.candidates[0]
    assert (best.gpu, best.precision, best.gpus_per_replica, best.batch) == ("gh200", "fp8", 1, 771)
    [line] = _cautions(result.warnings)
    head = "alternatives.0: the winner, llama-3.1-8b fp8 on 1 × gh200: "
    assert line.startswith(head + "KV-bound at 771 sequences with FP8 on trtllm: ")
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "gh200", "--precision",
        "fp8", "--engine", "trtllm", "--input-tokens", "1000", "--output-tokens", "1000",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["cautions"] == [line.removeprefix(head)]


def test_a_winner_outside_every_regime_has_no_caution(tmp_path: Path) -> None:
    path = caution_scenario(tmp_path, "vllm", 30_000_000)
    result = recommend(load_scenario(path))
    assert result.candidates[0].meets_targets
    assert _cautions(result.warnings) == []
