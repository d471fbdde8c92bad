"""KV cache variants: grouped-query attention as before, sliding-window layers capped at
the window (Gemma 3), and multi-head latent attention's latent plus rope key (DeepSeek)."""

from __future__ import annotations

import pytest

from payback import estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.estimate import (
    attended_tokens,
    kv_cache_tokens,
    model_kv_bytes_per_token,
    serving_shape,
    with_kv_cache,
)

CAT = default_catalog()
GEMMA = CAT.model("gemma-3-27b")
DEEPSEEK = CAT.model("deepseek-v3")


def test_gemma3_sliding_window_kv_at_32k_by_hand() -> None:
    # Gemma 3 27B: 62 layers, 16 KV heads of 128, BF16: 2 x 16 x 128 x 2 = 8,192 B per
    # token and layer. Every sixth layer is global (10 of 62) and holds all 32,768 tokens;
    # the other 52 hold their 1,024-token window:
    # 8,192 x (10 x 32,768 + 52 x 1,024) = 3,120,562,176 B, against 16.6 GB without windows.
    assert (GEMMA.layers, GEMMA.sliding_layers, GEMMA.sliding_window) == (62, 52, 1024)
    per_layer = 2 * 16 * 128 * 2
    by_hand = per_layer * (10 * 32768 + 52 * 1024)
    assert by_hand == 3_120_562_176
    held = model_kv_bytes_per_token(GEMMA, "bf16") * attended_tokens(GEMMA, 32768)
    assert held == pytest.approx(by_hand, rel=1e-12)
    assert per_layer * 62 * 32768 / by_hand == pytest.approx(5.33, abs=0.01)
    # below the window nothing is saved
    assert attended_tokens(GEMMA, 1000) == 1000


def test_gemma2_alternate_sliding_layers_by_hand() -> None:
    # Gemma 2 9B: 42 layers, every other one local with a 4,096-token window (its
    # config.json, the catalog's source); the record held no window, so at 8,192 tokens its
    # KV cache came out 4/3 of what the engines keep. 8 KV heads of 256, BF16:
    # 2 x 8 x 256 x 2 = 8,192 B per token and layer; 8,192 x (21 x 8,192 + 21 x 4,096).
    gemma2 = CAT.model("gemma-2-9b")
    assert (gemma2.layers, gemma2.sliding_layers, gemma2.sliding_window) == (42, 21, 4096)
    by_hand = 8192 * (21 * 8192 + 21 * 4096)
    held = model_kv_bytes_per_token(gemma2, "bf16") * attended_tokens(gemma2, 8192)
    assert held == pytest.approx(by_hand, rel=1e-12)
    assert 8192 * 42 * 8192 / by_hand == pytest.approx(4 / 3)


def test_gemma3_batch_at_32k_counts_the_windows() -> None:
    # One H100 SXM: (81,559 MiB x 0.9 - 1.5e9 - 27.0e9 x 2) / 507,904 B per token of all
    # 62 layers = 42,269 tokens; a 32,768-token sequence holds 6,144 of those (the
    # windows): 6 sequences, where full attention on every layer would hold 1.
    h100 = CAT.gpu("h100-sxm")
    capacity = (81559 * 2**20 * 0.9 - 1.5e9 - 27.0e9 * 2) / (62 * 8192)
    assert kv_cache_tokens(GEMMA, h100, "bf16", 1) == pytest.approx(capacity, rel=1e-12)
    assert attended_tokens(GEMMA, 32768) == 6144
    result = estimate_serving(
        GEMMA, h100, "bf16", input_tokens=32000, output_tokens=1536, gpus_per_replica=1
    )
    assert result.max_batch == int(capacity // 6144) == 6
    assert int(capacity // 32768) == 1
    # a decode step streams the weights and 6 x 6,144 token-layers of KV, not 6 x 32,768;
    # the weights at 85% of the bandwidth, the KV cache at the attention kernels' 71%
    step = sv.decode_step_seconds(batch=6, context=32768, **serving_shape(GEMMA, h100, "bf16", 1))
    weights = 27.0e9 * 2  # tied embeddings are streamed
    cache = 6 * 6144 * 62 * 8192
    compute = 6 * (2 * 27.0e9 + 4 * 62 * 32 * 128 * 6144) / (989e12 * 0.5)
    memory = weights / (3350e9 * 0.85) + cache / (3350e9 * 0.71)
    assert compute < memory
    assert float(step) == pytest.approx(memory + 1e-3 + 62 * 3e-5, rel=1e-12)


def test_deepseek_mla_kv_per_token_by_hand() -> None:
    # MLA caches one 512-wide latent and one 64-wide rope key per token and layer, shared
    # by all 128 heads: 61 x (512 + 64) x 2 B = 70,272 B in BF16, 35,136 B in FP8; grouped
    # attention with 128 KV heads of 192 would take 2 x 61 x 128 x 192 x 2 = 6.0 MB.
    assert model_kv_bytes_per_token(DEEPSEEK, "bf16") == 61 * (512 + 64) * 2 == 70_272
    assert model_kv_bytes_per_token(DEEPSEEK, "fp8") == 35_136
    grouped = 2 * 61 * 128 * 192 * 2
    assert grouped / 70_272 == pytest.approx(85.3, abs=0.1)
    # every GPU of a tensor-parallel replica keeps the whole latent (it has no heads to split)
    h200 = CAT.gpu("h200")
    fp8_cache = with_kv_cache(sv.VLLM, "fp8")
    shape = serving_shape(DEEPSEEK, h200, "fp8", 8, fp8_cache)
    assert shape["kv_bytes_per_token"] == 8 * 35_136
    # vLLM's default for FP8 weights keeps the model's BF16 cache
    assert serving_shape(DEEPSEEK, h200, "fp8", 8)["kv_bytes_per_token"] == 8 * 70_272
    # FP8: one byte per parameter, but the embedding and the output projection (129,280 x
    # 7,168 each) stay in BF16, one more byte for each of their parameters
    weights = 671.0e9 + 2 * 129_280 * 7_168
    free = 8 * (h200.memory_bytes * 0.9 - 1.5e9) - weights
    assert kv_cache_tokens(DEEPSEEK, h200, "fp8", 8, fp8_cache) == pytest.approx(
        free / (8 * 35_136), rel=1e-12
    )


def test_grouped_query_attention_is_unchanged() -> None:
    llama = CAT.model("llama-3.1-8b")
    assert model_kv_bytes_per_token(llama, "bf16") == 2 * 32 * 8 * 128 * 2
    assert attended_tokens(llama, 100_000) == 100_000
