"""Sizes that follow from a transformer's shape: parameters, bytes, KV cache.

Decoder-only transformers with grouped-query attention and a gated (SwiGLU-style)
MLP, as Llama, Qwen, Mistral, Gemma and Phi-3 are.
"""

from __future__ import annotations


def parameter_count(
    *,
    layers: int,
    hidden_size: int,
    intermediate_size: int,
    heads: int,
    kv_heads: int,
    head_dim: int,
    vocab_size: int,
    tied_embeddings: bool,
) -> float:
    """Parameters of the model, embeddings included [count].

    per layer: attention h·(H·d) + 2·h·(K·d) + (H·d)·h, gated MLP 3·h·f, two norms 2·h;
    plus the embedding V·h, the output projection V·h unless tied, and a final norm h.

    >>> round(parameter_count(layers=32, hidden_size=4096, intermediate_size=14336, heads=32,
    ...     kv_heads=8, head_dim=128, vocab_size=128256, tied_embeddings=False) / 1e9, 3)
    8.03
    """
    h = hidden_size
    attention = h * heads * head_dim + 2 * h * kv_heads * head_dim + heads * head_dim * h
    mlp = 3 * h * intermediate_size
    per_layer = attention + mlp + 2 * h
    embeddings = vocab_size * h * (1 if tied_embeddings else 2)
    return float(layers * per_layer + embeddings + h)


def kv_bytes_per_token(*, layers: int, kv_heads: int, head_dim: int, kv_bytes: float) -> float:
    """KV cache of one token across all layers [bytes]: 2 (K and V) · L · K · d · bytes.

    >>> kv_bytes_per_token(layers=32, kv_heads=8, head_dim=128, kv_bytes=2.0)
    131072.0
    """
    return 2.0 * layers * kv_heads * head_dim * kv_bytes
