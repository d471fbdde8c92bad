"""Fine-tuning compute, memory and time from first principles (pure functions).

FLOPs ≈ k · N · D: a forward pass costs 2 N per token, the backward pass 4 N (2 N for
activation gradients, 2 N for weight gradients). LoRA and QLoRA freeze the base
weights, so their backward pass skips the weight gradients: k = 4 instead of 6 (the
adapters' own FLOPs are well under 1%). Recomputation under activation checkpointing
is not counted: utilizations below are *model* FLOP utilizations (MFU), as published
benchmarks report them.
"""

from __future__ import annotations

from typing import Literal, get_args

Method = Literal["full", "lora", "qlora"]
METHODS: tuple[str, ...] = get_args(Method)
Stack = Literal["standard", "optimized"]
STACKS: tuple[str, ...] = get_args(Stack)
TrainingPrecision = Literal["bf16", "fp8"]
TRAINING_PRECISIONS: tuple[str, ...] = get_args(TrainingPrecision)

FLOPS_PER_PARAM_TOKEN: dict[str, float] = {"full": 6.0, "lora": 4.0, "qlora": 4.0}
"""k in FLOPs = k · N · D for each method."""

BASE_MFU: dict[tuple[str, str], float] = {
    ("optimized", "full"): 0.35,
    ("optimized", "lora"): 0.35,
    ("optimized", "qlora"): 0.25,
    ("standard", "full"): 0.30,
    ("standard", "lora"): 0.25,
    ("standard", "qlora"): 0.18,
}
"""Model FLOP utilization of a 7-8B model on one node, as a share of the GPU's dense peak
at the training precision.

``optimized``: Megatron/NeMo-class stacks (fused kernels, FP8, tuned parallelism):
NeMo reports 682 TFLOP/s per H100 for Llama-2-7B full fine-tuning in FP8 (0.34 of the
1,979 FP8 peak) and the same rate for 7B and 70B LoRA. ``standard``: Hugging Face
TRL/PEFT, torchtune or NeMo AutoModel: 176 TFLOP/s per H100 for Llama-3-70B LoRA in
BF16 (0.18 of 989) at 70B, more for mid-size models on one GPU. QLoRA pays for
dequantizing the 4-bit weights on every pass."""

BYTES_PER_PARAM_STATE: dict[str, float] = {"full": 16.0, "lora": 2.0, "qlora": 0.55}
"""Bytes per base-model parameter held during training: full = BF16 weights and
gradients + FP32 master weights and two Adam moments (2+2+4+8); LoRA = frozen BF16
weights; QLoRA = 4-bit NF4 weights with double-quantized scales."""

ADAPTER_STATE_BYTES = 16.0
"""Bytes per trainable adapter parameter (weights, gradient, master copy, Adam)."""

USABLE_MEMORY_SHARE = 0.9
"""Share of a GPU's memory a training job can use (the CUDA context and allocator
fragmentation take the rest)."""

RUNTIME_OVERHEAD_BYTES = 2e9
"""Per-GPU memory for kernels, communication buffers and workspace [bytes]."""


def training_flops(params: float, tokens: float, method: str) -> float:
    """Training FLOPs: k · N · D with k from :data:`FLOPS_PER_PARAM_TOKEN`.

    ``tokens`` is D, the tokens processed (dataset tokens × epochs).

    >>> training_flops(8e9, 1e6, "full") / 1e15, training_flops(8e9, 1e6, "lora") / 1e15
    (48.0, 32.0)
    """
    return FLOPS_PER_PARAM_TOKEN[method] * params * tokens


def training_mfu(method: str, params: float, gpus: int = 1, stack: str = "standard") -> float:
    """Model FLOP utilization for a method, model size and GPU count.

    :data:`BASE_MFU` at 7-8B on one node; smaller models keep GPUs less busy (short
    matrix multiplications, launch overheads): × (N / 7.5e9) ** 0.15 below 7.5B; a
    standard stack (FSDP/ZeRO data parallelism) loses 10% on more than one GPU to
    gathering sharded weights, and above 7.5B (offloaded states) a further share,
    × (7.5e9 / N) ** 0.2. An optimized stack's tensor and pipeline parallelism keeps the
    per-GPU rate from one node to thousands of GPUs (Narayanan et al., "Efficient
    Large-Scale Language Model Training on GPU Clusters Using Megatron-LM",
    arXiv:2104.04473: 44-52% of peak from 32 to 3,072 GPUs; NeMo 24.07 runs Llama-2 at
    776 TFLOP/s per H100 on 8 GPUs and 759 on 64).

    >>> round(training_mfu("full", 7.5e9, 8, "optimized"), 3)
    0.35
    >>> round(training_mfu("lora", 70e9, 8, "standard"), 3)
    0.144
    """
    mfu = BASE_MFU[(stack, method)]
    if params < 7.5e9:
        mfu *= (params / 7.5e9) ** 0.15
    elif stack == "standard":
        mfu *= (7.5e9 / params) ** 0.2
    if gpus > 1 and stack == "standard":
        mfu *= 0.9
    return mfu


def lora_parameters(
    *,
    layers: int,
    hidden_size: int,
    intermediate_size: int,
    heads: int,
    kv_heads: int,
    head_dim: int,
    rank: int = 16,
    experts: int = 0,
    shared_experts: int = 0,
    moe_intermediate_size: int = 0,
    moe_layers: int = 0,
    attention_matrices: tuple[tuple[int, int], ...] | None = None,
) -> float:
    """Trainable parameters of LoRA adapters of rank r on every linear layer.

    Each adapted matrix of shape (in, out) adds r · (in + out): q, k, v, o, gate, up, down.
    In a mixture of experts' ``moe_layers`` MoE layers, the gate, up and down projections
    of every routed and shared expert are adapted (what PEFT's ``all-linear`` reaches);
    the router is not. ``attention_matrices`` replaces q, k, v, o by other (in, out)
    shapes (MLA's down- and up-projections).

    >>> lora_parameters(layers=32, hidden_size=4096, intermediate_size=14336, heads=32,
    ...                 kv_heads=8, head_dim=128, rank=16) / 1e6
    41.943040
    """
    h, q, kv, f = hidden_size, heads * head_dim, kv_heads * head_dim, intermediate_size
    if attention_matrices is None:
        attention = (h + q) + 2 * (h + kv) + (q + h)
    else:
        attention = sum(a + b for a, b in attention_matrices)
    per_layer = attention + 2 * (h + f) + (f + h)
    dense = float(layers * rank * per_layer)
    if not moe_layers:
        return dense
    mlp = 2 * (h + f) + (f + h)
    expert = 3 * (h + moe_intermediate_size)
    return dense + float(moe_layers * rank * ((experts + shared_experts) * expert - mlp))


def activation_bytes(
    *,
    tokens_per_micro_batch: float,
    layers: int,
    hidden_size: int,
    intermediate_size: int,
    vocab_size: int,
) -> float:
    """Activation memory of one micro-batch with activation checkpointing [bytes].

    Each layer keeps its BF16 input (T · h · 2); one layer at a time is recomputed with
    its working set (~T · (10 h + 3 f) · 2 with flash attention); the logits and the loss
    take T · V · (2 + 4) (BF16 logits, FP32 for the softmax). For a mixture of experts,
    f is the MLP width a token passes through: (k + shared) × the expert width.
    """
    t = tokens_per_micro_batch
    kept = t * hidden_size * 2.0 * layers
    working = t * (10.0 * hidden_size + 3.0 * intermediate_size) * 2.0
    logits = t * vocab_size * 6.0
    return kept + working + logits


def training_memory_per_gpu(
    *, params: float, method: str, gpus: int, adapter_params: float, activations: float
) -> float:
    """Memory each GPU needs [bytes]: model states sharded over ``gpus`` (FSDP/ZeRO-3),
    adapter states and activations on every GPU, plus the runtime overhead."""
    states = params * BYTES_PER_PARAM_STATE[method] / gpus
    adapters = adapter_params * ADAPTER_STATE_BYTES if method != "full" else 0.0
    return states + adapters + activations + RUNTIME_OVERHEAD_BYTES


def gpus_needed(
    *,
    params: float,
    method: str,
    gpu_memory_bytes: float,
    adapter_params: float,
    activations: float,
    max_gpus: int = 64,
) -> int | None:
    """The fewest GPUs (1, 2, 4, 8, 16, 32, 64) whose memory holds the job; ``None`` if none."""
    usable = gpu_memory_bytes * USABLE_MEMORY_SHARE
    g = 1
    while g <= max_gpus:
        need = training_memory_per_gpu(
            params=params,
            method=method,
            gpus=g,
            adapter_params=adapter_params,
            activations=activations,
        )
        if need <= usable:
            return g
        g *= 2
    return None


def training_seconds(flops: float, gpus: int, peak_flops: float, mfu: float) -> float:
    """Wall time of a run [s]: FLOPs / (GPUs · peak · MFU).

    >>> training_seconds(6 * 7e9 * 1e9, 8, 1979e12, 0.35) / 3600
    2.1
    """
    return flops / (gpus * peak_flops * mfu)
