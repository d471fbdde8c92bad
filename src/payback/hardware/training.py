"""Fine-tuning compute and time from first principles (pure functions); the memory a GPU
needs is :mod:`payback.hardware.training_memory`.

FLOPs ≈ k · N · D: a forward pass costs 2 N per token, the backward pass 4 N (2 N for
activation gradients, 2 N for weight gradients). LoRA and QLoRA freeze the base
weights, so their backward pass skips the weight gradients: k = 4 instead of 6 (the
adapters' own FLOPs are well under 1%). Recomputation under activation checkpointing
is not counted: utilizations below are *model* FLOP utilizations (MFU), as published
benchmarks report them.

Stacks: ``standard`` (Hugging Face TRL/PEFT, torchtune, axolotl), ``optimized``
(NeMo/Megatron-class) and ``unsloth`` (a single-GPU trainer with fused kernels,
Unsloth-like). The first two fold every cost into one utilisation by method and size;
the ``unsloth`` step adds up three named terms, since its small models are bound by the
host, not the GPU (:func:`unsloth_mfu`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from payback.catalog import HBM_KINDS, Gpu

Method = Literal["full", "lora", "qlora"]
METHODS: tuple[str, ...] = get_args(Method)
Stack = Literal["standard", "optimized", "unsloth"]
STACKS: tuple[str, ...] = get_args(Stack)
STACK_MAX_GPUS: dict[str, int] = {"unsloth": 1}
"""The most GPUs a stack trains on, for a stack with a limit of its own: ``unsloth`` is a
single-GPU trainer. The others use as many GPUs as the run has sequences a step."""
TrainingPrecision = Literal["bf16", "fp8"]
TRAINING_PRECISIONS: tuple[str, ...] = get_args(TrainingPrecision)
METHOD_PRECISIONS: dict[str, tuple[str, ...]] = {"qlora": ("bf16",)}
"""The training precisions a method runs at, for a method limited to some: QLoRA keeps
its base weights in 4-bit NF4 and dequantizes them to BF16 for every matrix
multiplication (bitsandbytes' ``bnb_4bit_compute_dtype``), so it has no FP8 path and
an FP8 peak does not apply to it."""

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
BF16 (0.18 of 989) at 70B, where the size factor below gives 0.144 (docs/accuracy.md T47,
0.83×), more for mid-size models on one GPU. QLoRA pays for
dequantizing the 4-bit weights on every pass."""

UNSLOTH_MFU = 0.533
"""Share of the dense BF16 peak that the ``unsloth`` stack's matrix multiplications run
at, once its host cost (:data:`UNSLOTH_HOST_SECONDS_PER_LAYER`) is set apart. Set with
that cost and the QLoRA terms on the Unsloth H100 and H200 rows of docs/accuracy.md
(invergent-ai/surogate benchmarks/speed.md, commit 1097702: Qwen3 0.6B-14B, LoRA rank 16
on every projection, seq 2048 packed, batch 2 × 4 accumulation), marked ``fit`` there."""

UNSLOTH_HOST_SECONDS_PER_LAYER: dict[str, float] = {"lora": 5.33e-3, "qlora": 6.12e-3}
"""Fixed time a decoder layer adds to each micro-batch on the ``unsloth`` stack [s],
whatever the GPU: its forward, recomputed forward and backward launch many small kernels
from Python (LoRA's rank-16 products, norms, rotary embeddings), each at a fixed host
cost, which keeps a small model's step bound by the host. The Surogate table shows it:
Qwen3-0.6B (28 layers) trains at 17-25k tokens/s on an H100, H200, B200 and RTX 5090
alike, and 1.7B at 17-23k on the first three: 0.17-0.24 s a 4,096-token micro-batch,
where their FLOPs take 0.01-0.05 s. QLoRA adds a dequantisation kernel before each of
the seven NF4 projections in every pass (0.79 ms a layer). Set on the H100 and H200 rows
(``fit``); the B200 machine's host is about 25% slower (its 0.6B rows are 1.35× the
estimate), which no GPU figure can tell."""

NF4_DEQUANT_BYTES_PER_PARAM = 2.5
"""Bytes QLoRA moves per base parameter and pass to dequantise it: reads 0.5 (4-bit
weights and their double-quantised scales) and writes 2 (the BF16 copy the matrix
multiplication reads)."""

NF4_DEQUANT_PASSES = 3
"""Passes over the weights a QLoRA micro-batch makes: forward, the forward recomputed
under activation checkpointing, and backward."""


@dataclass(frozen=True)
class KernelAttainment:
    """How much of a GPU's catalog peak a stack's kernels reach, relative to an H100."""

    pattern: str
    """Regular expression matched against the catalog GPU's name: the only test where
    ``architecture`` is none (a product line no field names), else the test for a record
    that gives no ``architecture`` or no ``memory``."""
    factor: float
    source: str
    architecture: str | None = None
    """The architecture the record must give (with ``hbm``), where the fields say it."""
    hbm: bool = False
    """Whether the record's ``memory`` must be an HBM kind (with ``architecture``)."""

    def matches(self, gpu: Gpu) -> bool:
        """Whether ``gpu`` is one this factor is for: by its ``architecture`` and ``memory``
        where this entry and the record give them, else by its name."""
        if self.architecture is not None and gpu.architecture and gpu.memory:
            return gpu.architecture == self.architecture and (gpu.memory in HBM_KINDS) == self.hbm
        return re.search(self.pattern, gpu.name) is not None


UNSLOTH_ATTAINMENT: tuple[KernelAttainment, ...] = (
    KernelAttainment(
        r"\bB100\b|\bB200\b|\bB300\b|\bGB200\b|\bGB300\b",
        0.83,
        "datacenter Blackwell: the same table's Surogate BF16 columns (not the Unsloth rows "
        "held against the estimate) train Qwen3-14B at 12.9k tokens/s on a B200 and 6.8k on "
        "an H100, 1.90× for a 2.28× higher BF16 peak: single-GPU LoRA kernels reach 0.83 of "
        "the H100's share of the peak",
        architecture="blackwell",
        hbm=True,
    ),
    KernelAttainment(
        r"GeForce RTX 50\d0",
        1.23,
        "GeForce Blackwell: the datasheet halves BF16 with FP32 accumulation (209.5 TFLOP/s "
        "on an RTX 5090), but the tensor cores do not: mma.sync measures 370.6 TFLOP/s (1.77×) "
        "and torch.matmul 224 (1.07×) (main-horse.github.io/posts/5090-mm-perf). The factor is "
        "set on one row, Qwen3-8B LoRA on the RTX 5090 (``fit``), and lies between the two",
    ),
)
"""Per-GPU kernel attainment of the ``unsloth`` stack, × its utilisation: Unsloth's
kernels (Triton, and cuBLAS through PyTorch) do not reach the B200's higher peak as they
do the H100's, and a GeForce Blackwell card runs above the BF16 figure its datasheet
prints. A GPU that matches none is taken as an H100 (1.0). Datacenter Blackwell (B100,
B200, B300, GB200, GB300) is the Blackwell architecture with HBM, as the record's fields
say; a GeForce card is told by its name, as no field names the product line (the RTX
PRO 6000 is Blackwell with GDDR7 too, and its datasheet does not halve the rate)."""


def kernel_attainment(gpu: Gpu, stack: str) -> float:
    """The stack's kernel attainment on a GPU: the factor of the first
    :data:`UNSLOTH_ATTAINMENT` entry that matches it (:meth:`KernelAttainment.matches`),
    1.0 otherwise and for the other stacks.

    >>> from payback.catalog import default_catalog
    >>> kernel_attainment(default_catalog().gpu("b200"), "unsloth")
    0.83
    >>> kernel_attainment(default_catalog().gpu("b200"), "standard")
    1.0
    """
    if stack != "unsloth":
        return 1.0
    for entry in UNSLOTH_ATTAINMENT:
        if entry.matches(gpu):
            return entry.factor
    return 1.0


def host_seconds_per_token(
    *, layers: int, method: str, stack: str, tokens_per_micro_batch: float
) -> float:
    """The host's share of the time a token takes [s]: layers × the fixed time a layer
    adds to a micro-batch (:data:`UNSLOTH_HOST_SECONDS_PER_LAYER`) over the micro-batch's
    tokens; 0 on the stacks whose utilisation already includes it.

    >>> round(host_seconds_per_token(layers=28, method="lora", stack="unsloth",
    ...                              tokens_per_micro_batch=4096) * 1e6, 1)
    36.4
    """
    if stack != "unsloth":
        return 0.0
    return layers * UNSLOTH_HOST_SECONDS_PER_LAYER[method] / tokens_per_micro_batch


def dequant_seconds_per_token(
    *, params: float, method: str, stack: str, bandwidth: float, tokens_per_micro_batch: float
) -> float:
    """Memory time of QLoRA's dequantisation per token on the ``unsloth`` stack [s]:
    :data:`NF4_DEQUANT_PASSES` × N × :data:`NF4_DEQUANT_BYTES_PER_PARAM` at the GPU's
    bandwidth [bytes/s], once a micro-batch. On the other stacks the QLoRA utilisation
    (:data:`BASE_MFU`) includes it.

    >>> round(dequant_seconds_per_token(params=8.2e9, method="qlora", stack="unsloth",
    ...       bandwidth=3.35e12, tokens_per_micro_batch=4096) * 1e6, 2)
    4.48
    """
    if stack != "unsloth" or method != "qlora":
        return 0.0
    moved = NF4_DEQUANT_PASSES * params * NF4_DEQUANT_BYTES_PER_PARAM
    return moved / bandwidth / tokens_per_micro_batch


def training_flops(params: float, tokens: float, method: str) -> float:
    """Training FLOPs: k · N · D with k from :data:`FLOPS_PER_PARAM_TOKEN`.

    ``tokens`` is D, the tokens processed (dataset tokens × epochs).

    >>> training_flops(8e9, 1e6, "full") / 1e15, training_flops(8e9, 1e6, "lora") / 1e15
    (48.0, 32.0)
    """
    return FLOPS_PER_PARAM_TOKEN[method] * params * tokens


def training_mfu(method: str, params: float, gpus: int = 1, stack: str = "standard") -> float:
    """Model FLOP utilization for a method, model size and GPU count.

    On the ``unsloth`` stack (one GPU): :data:`UNSLOTH_MFU` for LoRA and QLoRA alike, the
    rate of its matrix multiplications alone; its host cost and QLoRA's dequantisation
    are separate terms of the step (:func:`host_seconds_per_token`,
    :func:`dequant_seconds_per_token`), which give small models their lower utilisation.

    Otherwise :data:`BASE_MFU` at 7-8B on one node; smaller models keep GPUs less busy (short
    matrix multiplications, launch overheads): × (N / 7.5e9) ** 0.15 below 7.5B; a
    standard stack (FSDP/ZeRO data parallelism) loses 10% on more than one GPU to
    gathering sharded weights, and above 7.5B (offloaded states) a further share,
    × (7.5e9 / N) ** 0.2. An optimized stack's tensor and pipeline parallelism keeps the
    per-GPU rate from one node to thousands of GPUs ("Efficient
    Large-Scale Language Model Training on GPU Clusters Using Megatron-LM",
    arXiv:2104.04473: 44-52% of peak from 32 to 3,072 GPUs; NeMo 24.07 runs Llama-2 at
    776 TFLOP/s per H100 on 8 GPUs and 759 on 64).

    >>> round(training_mfu("full", 7.5e9, 8, "optimized"), 3)
    0.35
    >>> round(training_mfu("lora", 70e9, 8, "standard"), 3)
    0.144
    """
    if stack == "unsloth":
        return UNSLOTH_MFU
    mfu = BASE_MFU[(stack, method)]
    if params < 7.5e9:
        mfu *= (params / 7.5e9) ** 0.15
    elif stack == "standard":
        mfu *= (7.5e9 / params) ** 0.2
    if gpus > 1 and stack == "standard":
        mfu *= 0.9
    return mfu


def unsloth_mfu(
    *,
    params: float,
    layers: int,
    method: str,
    peak_flops: float,
    bandwidth: float,
    attainment: float = 1.0,
    tokens_per_micro_batch: float = 4096.0,
) -> float:
    """Model FLOP utilisation of the ``unsloth`` stack on one GPU: the time a token takes
    is its matrix multiplications at :data:`UNSLOTH_MFU` × the GPU's kernel attainment
    (:func:`kernel_attainment`), plus the host's fixed time a layer
    (:func:`host_seconds_per_token`), plus QLoRA's dequantisation
    (:func:`dequant_seconds_per_token`); the utilisation is the matrix multiplications'
    time at the full peak over that sum. The default micro-batch is the one the fit rows
    ran: 2 sequences × 2,048 tokens (``per_device_train_batch_size = 2``,
    ``max_seq_length = 2048``, packed).

    Qwen3-8B LoRA on an H100 (36 layers): 33.2 µs of FLOPs a token at 53.3% of 989
    TFLOP/s is 62.2 µs, the host 36 × 5.33 ms / 4,096 = 46.8 µs: 9,170 tokens/s, MFU
    0.304 (9,100 measured).

    >>> round(unsloth_mfu(params=8.2e9, layers=36, method="lora", peak_flops=989e12,
    ...                   bandwidth=3.35e12), 3)
    0.304
    """
    compute = FLOPS_PER_PARAM_TOKEN[method] * params / peak_flops
    total = compute / (UNSLOTH_MFU * attainment)
    total += host_seconds_per_token(
        layers=layers, method=method, stack="unsloth", tokens_per_micro_batch=tokens_per_micro_batch
    )
    total += dequant_seconds_per_token(
        params=params,
        method=method,
        stack="unsloth",
        bandwidth=bandwidth,
        tokens_per_micro_batch=tokens_per_micro_batch,
    )
    return compute / total


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

    The stacks modelled adapt every expert: transformers 4.x builds each DeepSeek-V3 and
    Mixtral expert as its own ``gate_proj``/``up_proj``/``down_proj`` (``w1``/``w3``/``w2``)
    ``nn.Linear``, which ``all-linear`` or those names in ``target_modules`` match, while
    DeepSeek-V3's router (``DeepseekV3TopkRouter``) is a bare ``nn.Parameter`` that no
    LoRA wraps; NeMo AutoModel's ``GroupedExpertsLoRA`` holds its A and B matrices as
    [n_routed_experts, …] tensors, one pair per expert. AutoModel fuses gate and up under
    one A (r · (2h + 3f) an expert, not r · (3h + 3f): DeepSeek-V3's adapters would be
    a quarter fewer); Mixtral's router is an ``nn.Linear`` that ``all-linear`` adapts too
    (r · (h + 8) a layer, negligible). Where transformers fuses the experts into 3-D
    parameters, PEFT reaches them only through ``target_parameters``.

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


def training_seconds(flops: float, gpus: int, peak_flops: float, mfu: float) -> float:
    """Wall time of a run [s]: FLOPs / (GPUs · peak · MFU).

    >>> training_seconds(6 * 7e9 * 1e9, 8, 1979e12, 0.35) / 3600
    2.1
    """
    return flops / (gpus * peak_flops * mfu)
