"""GPU counts a replica splits over divide the model's MLP widths, as vLLM and SGLang
require, each by a hand-worked case: an intermediate size of 14,337 or an expert width
of 770 was estimated on 8 GPUs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from payback.catalog import default_catalog
from payback.cli import app
from payback.hardware.placement import heads_tensor_parallel, valid_tensor_parallel

CAT = default_catalog()
LLAMA8 = CAT.model("llama-3.1-8b")


def _run(*args: str) -> tuple[int, str, str]:
    env = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner(env=env).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_gpu_counts_must_divide_the_mlp_widths() -> None:
    """An intermediate size of 14,337 splits over no GPU count but one, a mixture's expert
    width of 770 over 1 and 2 (vLLM's ``divide`` asserts it): they were estimated on 8."""
    odd = LLAMA8.model_copy(update={"id": "inter7", "intermediate_size": 14_337})
    assert heads_tensor_parallel(odd) == [1, 2, 4, 8]
    assert valid_tensor_parallel(odd) == [1]
    qwen = CAT.model("qwen3-30b-a3b")
    moe = qwen.model_copy(update={"id": "moe6", "moe_intermediate_size": 770})
    assert valid_tensor_parallel(moe) == [1, 2]
    # a mixture's dense width counts only where it has dense layers: none here
    assert valid_tensor_parallel(moe.model_copy(update={"intermediate_size": 6_145})) == [1, 2]
    # no catalog model loses a count its heads allow
    for model_id in CAT.models:
        model = CAT.model(model_id)
        assert valid_tensor_parallel(model) == heads_tensor_parallel(model), model_id


def test_an_odd_width_is_refused_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "inter7"
    config.mkdir()
    (config / "config.json").write_text(
        json.dumps(
            {
                "architectures": ["LlamaForCausalLM"],
                "model_type": "llama",
                "hidden_size": 4096,
                "intermediate_size": 14337,
                "num_hidden_layers": 32,
                "vocab_size": 128256,
                "max_position_embeddings": 8192,
                "num_attention_heads": 32,
                "num_key_value_heads": 8,
            }
        )
    )
    base = ["estimate", "serving", "--model", str(config), "--gpu", "h100-sxm"]
    code, out, err = _run(*base, "--gpus-per-replica", "8")
    assert code == 2
    assert out == ""
    assert err == (
        "error: --gpus-per-replica 8: inter7's intermediate_size 14,337 does not split evenly "
        "over 8 GPUs (vLLM and SGLang shard it evenly), over 1 GPU only; a replica of 1 GPU "
        "runs the model\n"
    )
    code, _, err = _run(*base)
    assert code == 0, err
