"""config.json of today's families read into the catalog's shapes: Qwen3 MoE, gpt-oss
(layer_types), Gemma 3 (text_config, sliding_window_pattern), Llama 4 (chunked attention,
a shared expert) and DeepSeek-V3 (kv_lora_rank); fields it cannot use are one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from payback.catalog import default_catalog, model_from_hf_config
from payback.cli import app
from payback.hardware.shapes import SHAPE_FIELDS

CAT = default_catalog()
COMPARED = (*SHAPE_FIELDS, "sliding_window", "sliding_layers", "max_context")

QWEN3_MOE = {  # Qwen/Qwen3-30B-A3B, as published
    "architectures": ["Qwen3MoeForCausalLM"],
    "decoder_sparse_step": 1,
    "head_dim": 128,
    "hidden_size": 2048,
    "intermediate_size": 6144,
    "max_position_embeddings": 40960,
    "max_window_layers": 48,
    "mlp_only_layers": [],
    "model_type": "qwen3_moe",
    "moe_intermediate_size": 768,
    "norm_topk_prob": True,
    "num_attention_heads": 32,
    "num_experts": 128,
    "num_experts_per_tok": 8,
    "num_hidden_layers": 48,
    "num_key_value_heads": 4,
    "sliding_window": None,
    "tie_word_embeddings": False,
    "use_sliding_window": False,
    "vocab_size": 151936,
}
GPT_OSS = {  # openai/gpt-oss-20b
    "architectures": ["GptOssForCausalLM"],
    "model_type": "gpt_oss",
    "head_dim": 64,
    "hidden_size": 2880,
    "intermediate_size": 2880,
    "layer_types": ["sliding_attention", "full_attention"] * 12,
    "max_position_embeddings": 131072,
    "num_attention_heads": 64,
    "num_experts_per_tok": 4,
    "experts_per_token": 4,
    "num_hidden_layers": 24,
    "num_key_value_heads": 8,
    "num_local_experts": 32,
    "sliding_window": 128,
    "tie_word_embeddings": False,
    "vocab_size": 201088,
    "quantization_config": {"quant_method": "mxfp4"},
}
GEMMA2 = {  # google/gemma-2-9b, as published: no tie_word_embeddings (Gemma2Config's true)
    "architectures": ["Gemma2ForCausalLM"],
    "attn_logit_softcapping": 50.0,
    "final_logit_softcapping": 30.0,
    "head_dim": 256,
    "hidden_act": "gelu_pytorch_tanh",
    "hidden_activation": "gelu_pytorch_tanh",
    "hidden_size": 3584,
    "intermediate_size": 14336,
    "max_position_embeddings": 8192,
    "model_type": "gemma2",
    "num_attention_heads": 16,
    "num_hidden_layers": 42,
    "num_key_value_heads": 8,
    "query_pre_attn_scalar": 256,
    "sliding_window": 4096,
    "vocab_size": 256000,
}
PHI2 = {  # microsoft/phi-2: a plain (not gated) MLP
    "architectures": ["PhiForCausalLM"],
    "hidden_act": "gelu_new",
    "hidden_size": 2560,
    "intermediate_size": 10240,
    "max_position_embeddings": 2048,
    "model_type": "phi",
    "num_attention_heads": 32,
    "num_hidden_layers": 32,
    "num_key_value_heads": 32,
    "partial_rotary_factor": 0.4,
    "tie_word_embeddings": False,
    "vocab_size": 51200,
}
GEMMA3 = {  # google/gemma-3-27b-it: the language model under text_config
    "architectures": ["Gemma3ForConditionalGeneration"],
    "model_type": "gemma3",
    "text_config": {
        "model_type": "gemma3_text",
        "head_dim": 128,
        "hidden_size": 5376,
        "intermediate_size": 21504,
        "max_position_embeddings": 131072,
        "num_attention_heads": 32,
        "num_hidden_layers": 62,
        "num_key_value_heads": 16,
        "sliding_window": 1024,
        "sliding_window_pattern": 6,
        "vocab_size": 262208,
        "tie_word_embeddings": True,
    },
    "vision_config": {"hidden_size": 1152, "num_hidden_layers": 27},
}
LLAMA4 = {  # meta-llama/Llama-4-Scout-17B-16E-Instruct
    "architectures": ["Llama4ForConditionalGeneration"],
    "model_type": "llama4",
    "text_config": {
        "model_type": "llama4_text",
        "attention_chunk_size": 8192,
        "head_dim": 128,
        "hidden_size": 5120,
        "interleave_moe_layer_step": 1,
        "intermediate_size": 8192,
        "intermediate_size_mlp": 16384,
        "max_position_embeddings": 10485760,
        "no_rope_layers": [1, 1, 1, 0] * 12,
        "num_attention_heads": 40,
        "num_experts_per_tok": 1,
        "num_hidden_layers": 48,
        "num_key_value_heads": 8,
        "num_local_experts": 16,
        "tie_word_embeddings": False,
        "vocab_size": 202048,
    },
}
DEEPSEEK_V3 = {  # deepseek-ai/DeepSeek-V3-0324
    "architectures": ["DeepseekV3ForCausalLM"],
    "model_type": "deepseek_v3",
    "first_k_dense_replace": 3,
    "hidden_size": 7168,
    "intermediate_size": 18432,
    "kv_lora_rank": 512,
    "max_position_embeddings": 163840,
    "moe_intermediate_size": 2048,
    "moe_layer_freq": 1,
    "n_group": 8,
    "n_routed_experts": 256,
    "n_shared_experts": 1,
    "num_attention_heads": 128,
    "num_experts_per_tok": 8,
    "num_hidden_layers": 61,
    "num_key_value_heads": 128,
    "num_nextn_predict_layers": 1,
    "q_lora_rank": 1536,
    "qk_nope_head_dim": 128,
    "qk_rope_head_dim": 64,
    "v_head_dim": 128,
    "tie_word_embeddings": False,
    "vocab_size": 129280,
}


def _write(tmp_path: Path, config: Any, name: str = "config.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(config))
    return path


@pytest.mark.parametrize(
    ("config", "model_id"),
    [
        (QWEN3_MOE, "qwen3-30b-a3b"),
        (GPT_OSS, "gpt-oss-20b"),
        (GEMMA3, "gemma-3-27b"),
        (GEMMA2, "gemma-2-9b"),
        (LLAMA4, "llama-4-scout"),
        (DEEPSEEK_V3, "deepseek-v3"),
    ],
)
def test_config_json_of_each_family_is_the_catalog_shape(
    tmp_path: Path, config: dict[str, Any], model_id: str
) -> None:
    read = model_from_hf_config(_write(tmp_path, config))
    catalog = CAT.model(model_id)
    for field in COMPARED:
        expected = getattr(catalog, field)
        if field == "moe_layers" and expected is None and catalog.is_moe:
            expected = catalog.layers
        assert getattr(read, field) == expected, field
    assert read.params_b == pytest.approx(catalog.params_b, rel=0.03)
    if catalog.is_moe:
        # the count with the input embedding; cards that leave it out state less
        embedding = catalog.vocab_size * catalog.hidden_size / 1e9
        assert read.active_params_b is not None
        assert catalog.active_params_b is not None
        assert read.active_params_b - embedding <= catalog.active_params_b * 1.03
        assert catalog.active_params_b <= read.active_params_b * 1.03


def test_gemma3_layer_types_give_the_same_windows(tmp_path: Path) -> None:
    text = dict(GEMMA3["text_config"])  # type: ignore[call-overload]
    del text["sliding_window_pattern"]
    text["layer_types"] = (["sliding_attention"] * 5 + ["full_attention"]) * 10 + [
        "sliding_attention"
    ] * 2
    read = model_from_hf_config(_write(tmp_path, {"text_config": text}))
    assert (read.sliding_layers, read.sliding_window) == (52, 1024)


def test_a_window_as_long_as_the_context_is_no_window(tmp_path: Path) -> None:
    qwen = {**QWEN3_MOE, "use_sliding_window": True, "sliding_window": 40960}
    assert model_from_hf_config(_write(tmp_path, qwen)).sliding_window is None
    mistral = {
        "model_type": "mistral",
        "num_hidden_layers": 32,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "vocab_size": 32000,
        "max_position_embeddings": 32768,
        "sliding_window": 4096,
    }
    read = model_from_hf_config(_write(tmp_path, mistral, "m.json"))
    assert (read.sliding_layers, read.sliding_window) == (32, 4096)


def _run(*args: str | Path) -> tuple[int, str, str]:
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner(env=env).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


BAD = {
    "layer_types_length": (
        {**GPT_OSS, "layer_types": ["full_attention"] * 23},
        "layer_types has 23 entries; num_hidden_layers = 24",
    ),
    "layer_types_unknown": (
        {**GPT_OSS, "layer_types": ["linear_attention", "full_attention"] * 12},
        "layer_types: 'linear_attention': unknown; payback models full_attention, "
        "sliding_attention, chunked_attention",
    ),
    "windows_without_size": (
        {**GPT_OSS, "sliding_window": None},
        "layer_types has windowed layers but no sliding_window",
    ),
    "top_k_above_experts": (
        {**QWEN3_MOE, "num_experts_per_tok": 200},
        "num_experts_per_tok = 200 exceeds num_experts = 128",
    ),
    "top_k_missing": (
        {k: v for k, v in QWEN3_MOE.items() if k != "num_experts_per_tok"},
        "num_experts = 128 without num_experts_per_tok",
    ),
    "expert_counts_disagree": (
        {**GPT_OSS, "num_experts": 64},
        "num_local_experts = 32, num_experts = 64: the routed expert counts disagree",
    ),
    "top_k_spellings_disagree": (
        {**GPT_OSS, "experts_per_token": 2},
        "num_experts_per_tok = 4 and experts_per_token = 2 disagree",
    ),
    "mla_without_rope": (
        {k: v for k, v in DEEPSEEK_V3.items() if k != "qk_rope_head_dim"},
        "kv_lora_rank = 512 without qk_rope_head_dim",
    ),
    "dense_layers_cover_all": (
        {**DEEPSEEK_V3, "first_k_dense_replace": 61},
        "first_k_dense_replace = 61 leaves no MoE layer of 61",
    ),
    "mamba_hybrid": (
        {**QWEN3_MOE, "layers_block_type": ["mamba", "attention"] * 24},
        "layers_block_type: Mamba layers (a hybrid state-space model)",
    ),
    "heads_not_grouped": (
        {**QWEN3_MOE, "num_key_value_heads": 5},
        "num_attention_heads = 32 is not a multiple of num_key_value_heads = 5",
    ),
    "shared_width": (
        {**QWEN3_MOE, "shared_expert_intermediate_size": 1000},
        "shared_expert_intermediate_size = 1000 is not a multiple of the expert width 768",
    ),
    "plain_mlp": (
        PHI2,
        "model_type = 'phi': a plain two-matrix MLP, not gated; payback models gated MLPs",
    ),
    "fractional_rank": (
        {**DEEPSEEK_V3, "kv_lora_rank": 51.5},
        "kv_lora_rank = 51.5: must be a whole number ≥ 1",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_unknown_or_inconsistent_fields_are_one_line_exit_2(tmp_path: Path, case: str) -> None:
    config, fragment = BAD[case]
    path = _write(tmp_path, config)
    code, out, err = _run("estimate", "serving", "--model", path, "--gpu", "h200")
    assert code == 2, (out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert fragment in err
    assert "Traceback" not in err


def test_a_moe_config_json_is_estimated(tmp_path: Path) -> None:
    path = _write(tmp_path, GPT_OSS)
    code, out, err = _run(
        "estimate", "serving", "--model", path, "--gpu", "h100-sxm", "--precision", "mxfp4"
    )
    assert code == 0, err
    assert "1 × h100-sxm (mxfp4)" in out


def test_a_family_that_ties_by_default_is_read_tied(tmp_path: Path) -> None:
    """google/gemma-2-9b's config.json leaves tie_word_embeddings out (Gemma2Config's default,
    true): read untied, the output projection was counted again, 256,000 × 3,584 =
    0.917B more, 10.16B against the safetensors' 9.24B. Given, the file's value holds."""
    read = model_from_hf_config(_write(tmp_path, GEMMA2))
    assert read.tied_embeddings is True
    assert read.params_b == pytest.approx(9.24, rel=0.01)
    untied = model_from_hf_config(_write(tmp_path, {**GEMMA2, "tie_word_embeddings": False}))
    assert untied.params_b - read.params_b == pytest.approx(256000 * 3584 / 1e9)


PUBLISHED = Path(__file__).parents[1] / "data" / "hf_configs"


def test_gemma3s_published_config_reads_with_its_class_defaults() -> None:
    """google/gemma-3-27b-it's config.json as published (transformers 4.50 saved it): its
    text_config leaves out what equals Gemma3TextConfig's defaults (vocab_size 262,208,
    max_position_embeddings 131,072, sliding_window_pattern 6, tied embeddings). Read
    without them it was refused (no vocab_size), and with vocab_size alone had a context
    of 4,096 and all 62 layers sliding; every 6th is global: 62 - 62 // 6 = 52 slide."""
    read = model_from_hf_config(PUBLISHED / "gemma-3-27b-it.json")
    catalog = CAT.model("gemma-3-27b")
    for field in COMPARED:
        assert getattr(read, field) == getattr(catalog, field), field
    assert (read.vocab_size, read.max_context, read.sliding_layers) == (262_208, 131_072, 52)
    assert read.tied_embeddings
    assert read.params_b == pytest.approx(catalog.params_b, rel=0.003)


def test_a_field_the_file_gives_wins_over_the_class_default(tmp_path: Path) -> None:
    text = {
        k: v
        for k, v in GEMMA3["text_config"].items()  # type: ignore[attr-defined]
        if k not in ("vocab_size", "max_position_embeddings", "sliding_window_pattern")
    }
    text["max_position_embeddings"] = 32_768  # gemma-3-1b's
    read = model_from_hf_config(_write(tmp_path, GEMMA3 | {"text_config": text}))
    assert (read.vocab_size, read.max_context, read.sliding_layers) == (262_208, 32_768, 52)
    del text["model_type"]  # the outer model_type names the family then
    read = model_from_hf_config(_write(tmp_path, GEMMA3 | {"text_config": text}))
    assert (read.vocab_size, read.sliding_layers) == (262_208, 52)
