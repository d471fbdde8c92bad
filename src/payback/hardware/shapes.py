"""Sizes that follow from a transformer's shape: parameters, bytes, KV cache.

Decoder-only transformers with a gated (SwiGLU-style) MLP, as Llama, Qwen, Mistral,
Gemma, Phi and gpt-oss are: grouped-query attention, or DeepSeek's multi-head latent
attention (MLA); a dense MLP, or a mixture of experts (routed experts, a few of them per
token, shared experts every token uses, a router, and optionally dense first layers).
"""

from __future__ import annotations

from dataclasses import dataclass

SHAPE_FIELDS = (
    "layers",
    "hidden_size",
    "intermediate_size",
    "heads",
    "kv_heads",
    "head_dim",
    "vocab_size",
    "tied_embeddings",
    "experts",
    "experts_per_token",
    "shared_experts",
    "moe_intermediate_size",
    "moe_layers",
    "q_lora_rank",
    "kv_lora_rank",
    "qk_rope_head_dim",
    "v_head_dim",
)
"""The fields of a model record (or a config.json) that its parameter count needs."""


@dataclass(frozen=True)
class ParameterSplit:
    """A model's parameters by part [count]."""

    attention: int
    """Query, key, value and output projections of every layer (MLA's down- and
    up-projections and their norms included)."""
    dense_mlp: int
    """Gated MLPs of the dense layers (every layer of a dense model)."""
    routed_experts: int
    """Every routed expert of every MoE layer: the weights a token touches only k/E of."""
    shared_experts: int
    """Shared experts of the MoE layers (every token uses them)."""
    router: int
    """The router (gate) of each MoE layer: hidden × experts."""
    norms: int
    """Two norms per layer and the final norm."""
    embedding: int
    """The input embedding (a table lookup)."""
    unembedding: int
    """The output projection (0 when tied to the embedding)."""
    expert_share: float = 0.0
    """k / E: the share of routed experts one token uses (0 for a dense model)."""

    @property
    def total(self) -> int:
        """All parameters [count]."""
        return (
            self.attention
            + self.dense_mlp
            + self.routed_experts
            + self.shared_experts
            + self.router
            + self.norms
            + self.embedding
            + self.unembedding
        )

    @property
    def active(self) -> float:
        """Parameters one token uses [count]: all but the routed experts it skips,
        total − (1 − k/E) · routed (the embedding counted, as model cards count it)."""
        return self.total - (1.0 - self.expert_share) * self.routed_experts


def parameter_split(
    *,
    layers: int,
    hidden_size: int,
    intermediate_size: int,
    heads: int,
    kv_heads: int,
    head_dim: int,
    vocab_size: int,
    tied_embeddings: bool,
    experts: int | None = None,
    experts_per_token: int | None = None,
    shared_experts: int = 0,
    moe_intermediate_size: int | None = None,
    moe_layers: int | None = None,
    q_lora_rank: int | None = None,
    kv_lora_rank: int | None = None,
    qk_rope_head_dim: int | None = None,
    v_head_dim: int | None = None,
) -> ParameterSplit:
    """Parameters by part (biases, QK norms and attention sinks are left out: well under
    0.1% of any catalog model).

    per layer, attention: h·(H·d) + 2·h·(K·d) + (H·d)·h with grouped-query attention;
    with MLA, the query h·r_q + r_q + r_q·H·d (h·H·d without a query rank r_q), the KV
    latent h·(r_kv + d_rope) + r_kv + r_kv·H·(d − d_rope + d_v), the output H·d_v·h.
    MLP: 3·h·f in a dense layer; in an MoE layer 3·h·f_e for each of E routed and S shared
    experts, and a router h·E. Two norms 2·h per layer; the embedding V·h, the output
    projection V·h unless tied, and a final norm h.

    >>> split = parameter_split(layers=48, hidden_size=2048, intermediate_size=6144,
    ...     heads=32, kv_heads=4, head_dim=128, vocab_size=151936, tied_embeddings=False,
    ...     experts=128, experts_per_token=8, moe_intermediate_size=768)
    >>> round(split.total / 1e9, 2), round(split.active / 1e9, 2)
    (30.53, 3.35)
    """
    h = hidden_size
    if kv_lora_rank is None:
        per_attention = h * heads * head_dim + 2 * h * kv_heads * head_dim + heads * head_dim * h
    else:
        rope = qk_rope_head_dim or 0
        v = v_head_dim or head_dim
        if q_lora_rank is None:
            query = h * heads * head_dim
        else:
            query = h * q_lora_rank + q_lora_rank + q_lora_rank * heads * head_dim
        latent = h * (kv_lora_rank + rope) + kv_lora_rank
        latent += kv_lora_rank * heads * (head_dim - rope + v)
        per_attention = query + latent + heads * v * h
    moe = 0 if experts is None else (layers if moe_layers is None else moe_layers)
    width = moe_intermediate_size or 0
    return ParameterSplit(
        attention=layers * per_attention,
        dense_mlp=(layers - moe) * 3 * h * intermediate_size,
        routed_experts=moe * (experts or 0) * 3 * h * width,
        shared_experts=moe * shared_experts * 3 * h * width,
        router=moe * h * (experts or 0),
        norms=layers * 2 * h + h,
        embedding=vocab_size * h,
        unembedding=0 if tied_embeddings else vocab_size * h,
        expert_share=0.0 if not experts else (experts_per_token or 0) / experts,
    )


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
    experts: int | None = None,
    experts_per_token: int | None = None,
    shared_experts: int = 0,
    moe_intermediate_size: int | None = None,
    moe_layers: int | None = None,
    q_lora_rank: int | None = None,
    kv_lora_rank: int | None = None,
    qk_rope_head_dim: int | None = None,
    v_head_dim: int | None = None,
) -> float:
    """Parameters of the model, embeddings included [count] (:func:`parameter_split`'s total).

    per layer: attention h·(H·d) + 2·h·(K·d) + (H·d)·h, gated MLP 3·h·f, two norms 2·h;
    plus the embedding V·h, the output projection V·h unless tied, and a final norm h.

    >>> round(parameter_count(layers=32, hidden_size=4096, intermediate_size=14336, heads=32,
    ...     kv_heads=8, head_dim=128, vocab_size=128256, tied_embeddings=False) / 1e9, 3)
    8.03
    """
    return float(
        parameter_split(
            layers=layers,
            hidden_size=hidden_size,
            intermediate_size=intermediate_size,
            heads=heads,
            kv_heads=kv_heads,
            head_dim=head_dim,
            vocab_size=vocab_size,
            tied_embeddings=tied_embeddings,
            experts=experts,
            experts_per_token=experts_per_token,
            shared_experts=shared_experts,
            moe_intermediate_size=moe_intermediate_size,
            moe_layers=moe_layers,
            q_lora_rank=q_lora_rank,
            kv_lora_rank=kv_lora_rank,
            qk_rope_head_dim=qk_rope_head_dim,
            v_head_dim=v_head_dim,
        ).total
    )


def kv_bytes_per_token(
    *,
    layers: int,
    kv_heads: int,
    head_dim: int,
    kv_bytes: float,
    kv_lora_rank: int | None = None,
    qk_rope_head_dim: int | None = None,
) -> float:
    """KV cache of one token across all layers, as if every layer attended to the whole
    context [bytes].

    Grouped-query attention keeps a key and a value per KV head: 2 · L · K · d · bytes.
    Multi-head latent attention keeps one compressed latent and the rope part of the key,
    shared by every head: L · (r_kv + d_rope) · bytes.

    >>> kv_bytes_per_token(layers=32, kv_heads=8, head_dim=128, kv_bytes=2.0)
    131072.0
    >>> kv_bytes_per_token(layers=61, kv_heads=128, head_dim=192, kv_bytes=2.0,
    ...     kv_lora_rank=512, qk_rope_head_dim=64)
    70272.0
    """
    if kv_lora_rank is not None:
        return float(layers * (kv_lora_rank + (qk_rope_head_dim or 0))) * kv_bytes
    return 2.0 * layers * kv_heads * head_dim * kv_bytes
