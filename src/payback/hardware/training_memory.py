"""Fine-tuning memory a GPU needs, from first principles (pure functions): the model's
states by method (weights, gradients, optimizer state; frozen base weights in BF16 or, for
QLoRA, NF4), the trainable adapters', one micro-batch's activations and a fixed runtime
overhead, split over the GPUs as each stack splits them (sharded data parallelism on the
``standard`` stack, Megatron's tensor and pipeline parallelism with a distributed optimizer
on the ``optimized`` one), and the fewest GPUs that hold a run.

The compute and time side is :mod:`payback.hardware.training`.
"""

from __future__ import annotations

NF4_BYTES_PER_PARAM = (4 + 8 / 64 + 32 / (64 * 256)) / 8
"""Bytes a weight of a linear layer takes in NF4 with double quantization: 4.127 bits,
0.5159 B. Each weight is 4 bits; each block of 64 has an absmax constant, 32/64 = 0.5 bits
a weight in FP32, which double quantization stores in 8 bits with one FP32 constant for
each 256 of them: 8/64 + 32/(64 · 256) = 0.127 bits ("QLoRA: Efficient Finetuning of
Quantized LLMs", arXiv:2305.14314, section 3, "Double Quantization"; bitsandbytes'
``quantize_4bit`` with ``compress_statistics``: blocks of 64, then
``quantize_blockwise(absmax, blocksize=256)``). The recipes modelled turn it on (the
paper's; Unsloth's loader, ``bnb_4bit_use_double_quant=True``); without it, 4.5 bits
(0.5625 B)."""

QLORA_ROOT_BYTES = 2.0
"""Bytes per parameter of QLoRA's root, which stays 16-bit: the input embedding, the
output projection (``lm_head``) and the final norm. bitsandbytes replaces only
``nn.Linear`` modules, which an ``nn.Embedding`` is not, and transformers leaves the
output embedding (and any weight tied to it) out, to "keep the lm_head in full precision
for numerical stability reasons" (``get_keys_to_not_convert``); Unsloth's loader skips
them too (``llm_int8_skip_modules``), as quantized serving checkpoints do
(:func:`~payback.hardware.placement.sixteen_bit_parameters`). BF16 on the stacks
modelled: TRL's trainer casts ``lm_head`` and ``embed_tokens`` back to BF16
(``peft_module_casting_to_bf16``) after PEFT's ``prepare_model_for_kbit_training`` made
them FP32; a bare PEFT loop that stops there holds them at 4 B, not modelled. Not counted
either: the decoder layers' norms (2 h a layer) and a router held as a bare parameter,
each under 0.05% of the weights."""

BYTES_PER_PARAM_STATE: dict[str, float] = {
    "full": 16.0,
    "lora": 2.0,
    "qlora": NF4_BYTES_PER_PARAM,
}
"""Bytes per base-model parameter held during training: full = BF16 weights and
gradients + FP32 master weights and two Adam moments (2+2+4+8); LoRA = frozen BF16
weights; QLoRA = the decoder's linear weights in NF4 (:data:`NF4_BYTES_PER_PARAM`), its
root in 16 bits (:data:`QLORA_ROOT_BYTES`, :func:`base_state_bytes`)."""

ADAPTER_STATE_BYTES = 16.0
"""Bytes per trainable adapter parameter (BF16 weights and gradient, FP32 master copy and
two Adam moments: 2+2+4+8), sharded over the run's GPUs like the base weights on the
sharded data-parallel stacks (:func:`training_memory_per_gpu`; Megatron's split is
:data:`MEGATRON_ADAPTER_BYTES`)."""

USABLE_MEMORY_SHARE = 0.9
"""Share of a GPU's memory a training job can use (the CUDA context and allocator
fragmentation take the rest)."""

RUNTIME_OVERHEAD_BYTES = 2e9
"""Per-GPU memory for kernels, communication buffers and workspace [bytes]."""


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


FSDP_GATHERED_LAYERS = 2
"""Decoder layers whose weights a GPU holds whole at once under sharded data parallelism
(FSDP ``FULL_SHARD``, ZeRO stage 3), as the layer computes: each GPU keeps 1/``gpus`` of
every parameter and all-gathers a layer's weights just before it runs (ZeRO,
arXiv:1910.02054, section 5.3: parameters outside a GPU's partition "are received from
the appropriate data parallel process through broadcast" when forward and backward need
them). With PyTorch FSDP's default ``backward_prefetch=BACKWARD_PRE`` "at the peak, it holds
the current set of parameters, next set of parameters, and current set of gradients in
memory" (``torch.distributed.fsdp.BackwardPrefetch``); in the forward pass
``limit_all_gathers`` (default since PyTorch 2.1) and FSDP2's implicit prefetching allow
two all-gathered layers alive at once. The unit is the decoder layer: the wrap policy of
PEFT's FSDP guide (``TRANSFORMER_BASED_WRAP``) and torchtune's ``fully_shard`` of each
layer, so a mixture of experts gathers all its experts of a layer. DeepSpeed ZeRO-3 bounds
its gathered weights by ``stage3_max_live_parameters`` (1e9 by default, 2 GB in 16-bit)
and gathers module by module, not a layer at a time: a ZeRO-3 run of a model whose layers
pass 0.5B parameters can hold less than this estimate, which takes FSDP."""

FSDP_GRADIENT_LAYERS: dict[str, int] = {"full": 1, "lora": 0, "qlora": 0}
"""Decoder layers whose unsharded 16-bit gradients a GPU holds before it reduce-scatters them
(the "current set of gradients" of :data:`FSDP_GATHERED_LAYERS`): one under full
fine-tuning; none for LoRA and QLoRA, whose frozen base weights have no gradient (the
adapters' own are under 1% of a layer)."""

GATHERED_WEIGHT_BYTES: dict[str, float] = {
    "full": 2.0,
    "lora": 2.0,
    "qlora": NF4_BYTES_PER_PARAM,
}
"""Bytes per parameter of a gathered layer: the BF16 compute copy (FSDP's ``MixedPrecision``
``param_dtype``) under full fine-tuning and LoRA; QLoRA gathers its 4-bit NF4 storage
(bitsandbytes' ``bnb_4bit_quant_storage`` lets FSDP shard it) and dequantizes it a
matrix at a time."""

FSDP_ROOT_BYTES = 2.0
"""Bytes per parameter of FSDP's root unit, held whole through forward and backward beside
:data:`FSDP_GATHERED_LAYERS`: wrapping each decoder layer, then the model (torchtune's
``training/_distributed.py`` ``shard_model``), leaves the root the embedding, final norm and
``lm_head``, used first and last in both passes, and FSDP2 keeps the root unsharded after
forward ("``False`` for root modules", ``torch.distributed.fsdp.fully_shard``), as FSDP1 does
(``_post_forward_reshard``). 16-bit for every method (bitsandbytes quantizes neither matrix);
not counted: the root's gradients in full fine-tuning, ``custom_sharded_layers`` runs."""

MEGATRON_STATE_BYTES: dict[str, tuple[float, float]] = {
    "full": (6.0, 12.0),
    "lora": (2.0, 0.0),
    "qlora": (NF4_BYTES_PER_PARAM, 0.0),
}
"""Bytes per base parameter on the ``optimized`` (Megatron/NeMo) stack, as (held by every
data-parallel replica, sharded over all GPUs). Megatron splits the weights by tensor,
pipeline and expert parallelism and replicates them over the data-parallel GPUs; its
distributed optimizer shards only the optimizer state: for BF16 weights with FP32
gradients, 6 + 12/d bytes a parameter on d data-parallel GPUs, 18 without it (Megatron
Core, "Distributed Optimizer": the BF16 weight and FP32 main gradient are not distributed;
the FP32 master weight and two Adam moments are). A BF16 run keeps FP32 gradients: "bfloat16
requires gradient accumulation and all-reduce to be done in fp32" (Megatron-LM,
``megatron/training/arguments.py``). Frozen LoRA/QLoRA base weights keep only their
weight, split as the others (QLoRA's root in 16 bits: :func:`base_state_bytes`)."""

MEGATRON_ADAPTER_BYTES: tuple[float, float] = (6.0, 12.0)
"""Bytes per trainable adapter parameter on the ``optimized`` stack, as
:data:`MEGATRON_STATE_BYTES` ``full``: an adapter trains as a full weight does."""


def base_state_bytes(
    *, params: float, method: str, per_param: float, root_params: float = 0.0
) -> float:
    """The base model's states [bytes]: ``params`` × ``per_param`` bytes, except that QLoRA
    holds its root's ``root_params`` (the embedding, ``lm_head`` and final norm; a tied
    matrix once) at :data:`QLORA_ROOT_BYTES`, not in NF4.

    Llama-3.1-8B QLoRA: (8.03e9 − 1,050,677,248) × 0.515869140625 + 1,050,677,248 × 2.

    >>> base_state_bytes(params=8.03e9, method="qlora", per_param=NF4_BYTES_PER_PARAM,
    ...                  root_params=1_050_677_248)
    5701771726.21875
    """
    if method != "qlora":
        return params * per_param
    return (params - root_params) * per_param + root_params * QLORA_ROOT_BYTES


def gathered_bytes(
    *, layer_params: float, method: str, stack: str, gpus: int, root_params: float = 0.0
) -> float:
    """Per-GPU memory of the layers that sharded data parallelism holds whole [bytes]:
    :data:`FSDP_GATHERED_LAYERS` × the largest layer's ``layer_params`` ×
    :data:`GATHERED_WEIGHT_BYTES`, plus its 16-bit gradients under full fine-tuning
    (:data:`FSDP_GRADIENT_LAYERS`), plus the root unit's ``root_params`` ×
    :data:`FSDP_ROOT_BYTES`; 0 on one GPU (nothing is sharded, nothing gathered) and
    on the ``optimized`` stack, whose tensor and pipeline parallelism keep each GPU's slice
    of the weights in place.

    Llama-3.1-70B LoRA on 8: 855,654,400 × 2 × 2 + (2 × 128,256 × 8,192 + 8,192) × 2 B.

    >>> gathered_bytes(layer_params=855_654_400, method="lora", stack="standard", gpus=8,
    ...                root_params=2_101_354_496) / 1e9
    7.625326592
    """
    if gpus <= 1 or stack == "optimized":
        return 0.0
    per_param = FSDP_GATHERED_LAYERS * GATHERED_WEIGHT_BYTES[method]
    per_param += FSDP_GRADIENT_LAYERS[method] * 2.0
    return layer_params * per_param + root_params * FSDP_ROOT_BYTES


def training_memory_per_gpu(
    *,
    params: float,
    method: str,
    gpus: int,
    adapter_params: float,
    activations: float,
    layer_params: float,
    stack: str = "standard",
    model_parallel: int | None = None,
    root_params: float = 0.0,
) -> float:
    """Memory each GPU needs [bytes]: the model states, the frozen base weights and the
    trainable adapters' alike, split over the GPUs as the stack splits them; one
    micro-batch's activations on every GPU; plus the runtime overhead.

    ``standard`` (and ``unsloth``, whose count past one GPU is what a standard stack would
    need): every parameter, trainable or not, with its gradient and optimizer state, is
    sharded across the data-parallel GPUs instead of replicated: ZeRO stage 3 partitions
    "the three model states (optimizer states, gradients, and parameters)" ("ZeRO: Memory
    Optimizations Toward Training Trillion Parameter Models", arXiv:1910.02054; DeepSpeed's
    ZeRO docs), as PyTorch FSDP does with ``FULL_SHARD``;
    PEFT's FSDP guide (docs/source/accelerate/fsdp.md) trains a 70B LoRA that way on 8 GPUs,
    its ``fsdp_auto_wrap_policy`` wrapping the adapters apart from the frozen weights so
    that only they carry gradients (with ``use_orig_params=False``; torchtune's
    ``lora_fsdp_wrap_policy`` does the same). To compute, each GPU gathers the layers it
    runs whole and the root unit (:func:`gathered_bytes`, ``layer_params`` the largest
    layer's parameters, ``root_params`` the root's). On one GPU sharding changes nothing.
    On every stack QLoRA holds the root in 16 bits, the rest in NF4
    (:func:`base_state_bytes`).

    ``optimized`` (Megatron/NeMo): :data:`MEGATRON_STATE_BYTES` — the weights and
    gradients split over ``model_parallel`` GPUs (tensor × pipeline × expert parallel, by
    default all ``gpus``) and replicated over the rest, the optimizer state sharded over
    all ``gpus``.

    Llama-3.1-8B LoRA (41.9M adapter parameters) on one GPU with 3 GB of activations:
    16.06 + 0.67 + 3 + 2 = 21.73 GB.

    >>> round(training_memory_per_gpu(params=8.03e9, method="lora", gpus=1,
    ...       adapter_params=41_943_040, activations=3e9, layer_params=218e6) / 1e9, 2)
    21.73
    """

    def base(per_param: float) -> float:
        return base_state_bytes(
            params=params, method=method, per_param=per_param, root_params=root_params
        )

    if stack == "optimized":
        split = gpus if model_parallel is None else model_parallel
        held, sharded = MEGATRON_STATE_BYTES[method]
        states = base(held) / split + params * sharded / gpus
        if method != "full":
            held, sharded = MEGATRON_ADAPTER_BYTES
            states += adapter_params * (held / split + sharded / gpus)
    else:
        states = base(BYTES_PER_PARAM_STATE[method])
        if method != "full":
            states += adapter_params * ADAPTER_STATE_BYTES
        states /= gpus
        whole = {"layer_params": layer_params, "root_params": root_params}
        states += gathered_bytes(method=method, stack=stack, gpus=gpus, **whole)
    return states + activations + RUNTIME_OVERHEAD_BYTES


def gpus_needed(
    *,
    params: float,
    method: str,
    gpu_memory_bytes: float,
    adapter_params: float,
    activations: float,
    layer_params: float,
    stack: str = "standard",
    max_gpus: int = 64,
    root_params: float = 0.0,
) -> int | None:
    """The fewest GPUs (1, 2, 4, 8, 16, 32, 64) whose memory holds the job; ``None`` if none.
    On the ``optimized`` stack all of them split the weights (no data parallelism), the
    split that needs least memory a GPU."""
    usable = gpu_memory_bytes * USABLE_MEMORY_SHARE
    g = 1
    while g <= max_gpus:
        need = training_memory_per_gpu(
            params=params,
            method=method,
            gpus=g,
            adapter_params=adapter_params,
            activations=activations,
            layer_params=layer_params,
            stack=stack,
            root_params=root_params,
        )
        if need <= usable:
            return g
        g *= 2
    return None


def model_parallel_gpus(
    *,
    params: float,
    method: str,
    gpus: int,
    gpu_memory_bytes: float,
    adapter_params: float,
    activations: float,
    root_params: float = 0.0,
) -> int:
    """The GPUs the ``optimized`` stack splits the weights over on a run of ``gpus``: the
    fewest (1, 2, 4, … ``gpus``) that leave each GPU's memory enough, the rest data
    parallel, as Megatron runs are set (tensor and pipeline parallelism cost communication,
    so a run uses no more of them than its memory needs). ``gpus`` itself where none
    fewer does.

    Llama-2-7B (6.74B) full fine-tuning on 8 × 80 GiB: unsplit, 6.74e9 × (6 + 12/8) =
    50.6 GB of states, which with its activations fits: 1.

    >>> model_parallel_gpus(params=6.74e9, method="full", gpus=8,
    ...     gpu_memory_bytes=85.5e9, adapter_params=0.0, activations=4e9)
    1
    """
    usable = gpu_memory_bytes * USABLE_MEMORY_SHARE
    split = 1
    while split < gpus:
        need = training_memory_per_gpu(
            params=params,
            method=method,
            gpus=gpus,
            adapter_params=adapter_params,
            activations=activations,
            layer_params=0.0,
            stack="optimized",
            model_parallel=split,
            root_params=root_params,
        )
        if need <= usable:
            return split
        split *= 2
    return gpus
