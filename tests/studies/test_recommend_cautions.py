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
    assert (best.gpu, best.precision, best.gpus_per_replica, best.batch) == ("gh200", "fp8", 1, 831)
    [line] = _cautions(result.warnings)
    head = "alternatives.0: the winner, llama-3.1-8b fp8 on 1 × gh200: "
    assert line.startswith(head + "KV-bound at 831 sequences with FP8 on trtllm: ")
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "gh200", "--precision",
        "fp8", "--engine", "trtllm", "--input-tokens", "1000", "--output-tokens", "1000",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["cautions"] == [line.removeprefix(head)]


def test_the_vllm_winner_in_the_overlapped_state_is_cautioned(tmp_path: Path) -> None:
    """The same scenario on vLLM: its winner, an MI300X at 1,024 sequences, is KV-bound at
    FP8 with its kernels in series over 1.3x the step, where TensorRT-LLM's runs were
    measured optimistic; recommend said nothing of it. vLLM keeps the model's BF16 cache for
    FP8 weights unless told otherwise: the scenario asks for an FP8 one, as TensorRT-LLM
    keeps (without it the winner is the MI300X at int4, 907 sequences, in no regime)."""
    path = caution_scenario(tmp_path, "vllm", 30_000_000, alternative='kv_cache = "fp8"\n')
    result = recommend(load_scenario(path))
    best = result.candidates[0]
    assert (best.gpu, best.precision, best.batch) == ("mi300x", "fp8", 1024)
    [line] = _cautions(result.warnings)
    head = "alternatives.0: the winner, llama-3.1-8b fp8 on 1 × mi300x: "
    assert line.startswith(head + "KV-bound at 1,024 sequences with FP8 on vllm: ")
    assert line.endswith("no vllm run in it has been measured")
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "mi300x", "--precision",
        "fp8", "--input-tokens", "1000", "--output-tokens", "1000", "--kv-cache", "fp8", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["cautions"] == [line.removeprefix(head)]
    plain = recommend(load_scenario(caution_scenario(tmp_path, "vllm", 30_000_000)))
    assert (plain.candidates[0].precision, plain.candidates[0].batch) == ("int4", 907)


def _mistral(tmp_path: Path, engine: str, alternative: str = "ttft_ms = 500\n") -> Path:
    """Mistral-7B at 256/100 (rows L9-L13's lengths), 30 million requests a month, a first
    token within 500 ms at target_utilization (70%)."""
    return caution_scenario(
        tmp_path,
        engine,
        30_000_000,
        model="mistral-7b",
        precision="bf16",
        tokens=(256, 100),
        alternative=alternative,
    )


def test_a_vllm_winner_on_ada_is_cautioned_of_its_first_token(tmp_path: Path) -> None:
    """With a ttft_ms target recommend ranks by the first token at target_utilization (70%),
    as analyze holds it against the target: on vLLM on an L4 runs at 19-66% of the estimated
    capacity measured it 1.21-2.88x as late. Without the target neither says it."""
    result = recommend(load_scenario(_mistral(tmp_path, "vllm")))
    best = result.candidates[0]
    assert (best.gpu, best.precision, best.batch, round(best.ttft_ms)) == ("l4", "fp8", 256, 91)
    [line] = _cautions(result.warnings)
    head = "alternatives.0: the winner, mistral-7b fp8 on 1 × l4: "
    assert line.startswith(
        head + "first token at 70% of capacity with vllm on an Ada GPU (l4): the estimate's 91 ms"
    )
    code, out, err = run(
        "estimate", "serving", "--model", "mistral-7b", "--gpu", "l4", "--precision", "fp8",
        "--input-tokens", "256", "--output-tokens", "100", "--batch", "256", "--utilization",
        "0.7", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["cautions"] == [line.removeprefix(head)]
    untargeted = recommend(load_scenario(_mistral(tmp_path, "vllm", "")))
    assert untargeted.candidates[0].label() == best.label()
    assert _cautions(untargeted.warnings) == []


def test_a_winner_outside_every_regime_has_no_caution(tmp_path: Path) -> None:
    """The same Mistral-7B traffic on SGLang: the winner is the same L4 at FP8 (634
    sequences), outside every regime (the first-token rows are vLLM's)."""
    result = recommend(load_scenario(_mistral(tmp_path, "sglang")))
    best = result.candidates[0]
    assert best.meets_targets
    assert (best.gpu, best.precision) == ("l4", "fp8")
    assert _cautions(result.warnings) == []
