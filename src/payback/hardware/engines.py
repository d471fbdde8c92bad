"""The serving engines modelled: what each reaches on a Hopper GPU (its shares of peak
bandwidth and tensor rate, its fixed cost a step and a layer), its scheduler's limits
(sequences and tokens a step, mixed prompt and decode steps), the formats it serves and
the GPUs it runs on. :mod:`payback.hardware.serving` turns them into step times and
capacity; ``payback catalog engines`` lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "ENGINES",
    "ENGINE_NAMES",
    "LEAN",
    "SGLANG",
    "TRTLLM",
    "VLLM",
    "Engine",
    "ServingEngine",
]

Engine = Literal["vllm", "sglang", "trtllm", "lean"]
"""Serving engines modelled (:data:`ENGINES`)."""


@dataclass(frozen=True)
class ServingEngine:
    """What a serving engine achieves on a Hopper GPU (other GPUs scale the bandwidth and
    tensor shares by what their own copy and GEMM benchmarks reach:
    :func:`payback.hardware.estimate.gpu_family`). Every figure is replaceable by a
    measurement (``payback calibrate``); ``measured`` names those that were, which are
    then the device's own and not scaled again."""

    name: str = "vllm"
    """The engine's name (a key of :data:`ENGINES`)."""
    about: str = "continuous batching with chunked prefill"
    """What the engine is, in a few words (``payback catalog engines``)."""
    bandwidth_efficiency: float = 0.85
    """Share of peak memory bandwidth decode steps reach (a 1,024/128 batch-1 Llama-3.1-8B
    on an A100-40GB reaches 77% of the bandwidth bound, overheads included; copies on an
    H200 reach 87%, ``examples/calibrations/h200-llama-3.1-8b-lora.toml``)."""
    kv_bandwidth_efficiency: float = 0.71
    """Share of peak bandwidth the decode attention kernels reach reading the KV cache
    (paged blocks gathered per sequence, softmax between reads): 0.71, what the bundled H200
    calibration measured (``examples/calibrations/h200-llama-3.1-8b-lora.toml``): its decode
    step grows from 8.008 ms at batch 64 to 15.594 ms at batch 256 at 1,024 tokens of
    context, 7.586 ms for 192 × 1,024 more tokens of a 131,072-byte-a-token BF16 cache
    (25.8 GB): 3.40 TB/s of the 4.8 TB/s peak. The only direct measurement of the KV read
    rate at hand; TensorRT-LLM's trtllm-bench rows of Llama-3.1-8B on an H200 at
    2,048/2,048 and 20,000/2,000 tokens, which had set 0.6 before prompts were modelled to
    ride on few steps, now disagree with each other at any one value (1.20× and 0.94× at
    0.71; 1.08× and 0.84× at 0.6), so they no longer set it (docs/accuracy.md)."""
    grouped_kv_reuse: bool = True
    """Whether the decode attention kernel reads each KV head once for its group of query
    heads (FlashInfer, FlashAttention, TensorRT-LLM's XQA); without it (TensorRT-LLM
    before XQA was on by default, 2023) a grouped-query model's cache is read once per
    query head."""
    prefill_mfu: float = 0.67
    """Share of the dense tensor peak prefill reaches: 0.67 measured by ``payback
    calibrate`` on an H200 (1,024-token Llama-3.1-8B prompt, BF16;
    ``examples/calibrations/h200-llama-3.1-8b-lora.toml``), where plain GEMMs reach 0.78."""
    decode_mfu: float = 0.5
    """Share of the dense tensor peak decode matrix multiplications reach when
    compute-bound (skinny GEMMs of one token per sequence reach less than prefill's)."""
    step_overhead_s: float = 1.0e-3
    """Fixed time per decode step: scheduling, sampling, output processing [s]."""
    layer_overhead_s: float = 3.0e-5
    """Time per dense layer per step: its 9 small kernels in series [s] (:mod:`.kernels`)."""
    memory_utilization: float = 0.9
    """Share of GPU memory the engine takes (vLLM's ``gpu_memory_utilization``)."""
    runtime_overhead_bytes: float = 1.5e9
    """Per-GPU memory for activations, CUDA graphs and buffers [bytes]."""
    max_num_seqs: int = 256
    """Most sequences decoded together (vLLM's default ``max_num_seqs``)."""
    max_num_batched_tokens: float | None = 2048.0
    """Tokens one step may process, prompt chunks and decode tokens together (vLLM's
    ``max_num_batched_tokens`` with chunked prefill); ``None``: no mixed steps, each prompt
    is prefilled in a step of its own while decoding waits (static batching)."""
    prefill_pauses_decode: bool = False
    """Without mixed steps, whether a prompt arriving while a batch decodes is prefilled in
    a step of its own at once, the batch's decoding paused meanwhile (vLLM V0's scheduler
    below 32K of context: waiting prompts first), so each output token waits out the
    prompts that arrive during it (:func:`payback.hardware.load.paused_share`). False: a
    static batch, its prompts all prefilled before its first tokens and new ones taken
    when it ends, so a token takes one step."""
    large_gpu_limits: tuple[int, float] | None = (1024, 8192.0)
    """``(max_num_seqs, max_num_batched_tokens)`` on GPUs of at least 70 GiB whose name has
    no "a100" in it, vLLM's own rule by the device's name, not its chip
    (:func:`payback.hardware.device.engine_limits`; vLLM raises both there; ``None``: the
    same limits on every GPU)."""
    request_overhead_s: float = 0.0
    """Time a request spends outside the engine's steps, once [s]: its input processing
    (tokenization), the hand-offs between the front-end and the engine and the output
    path of its first token. It runs beside the steps (no GPU time) and delays the first
    token; 0 where none was measured."""
    allreduce_latency_s: float = 8.0e-6
    """Latency of one all-reduce between tensor-parallel GPUs [s]: a token's few KiB at TP8
    take 5.7-7.8 µs with SGLang's custom all-reduce on H100 (sglang PR #2904) and 5.2 µs
    with aiter's on MI300X (ROCm/aiter PR #3549; docs/accuracy.md, row S48)."""
    kv_cache: str = "auto"
    """The KV cache asked for: auto (the engine's default), bf16 or fp8 (:mod:`.kv_cache`)."""
    fp8_weights_kv_cache: str = "bf16"
    """The cache the engine keeps by default for FP8 weights, others keeping BF16 (vLLM's
    and SGLang's ``auto``: the model's data type; :mod:`payback.hardware.kv_cache`)."""
    kv_caches: tuple[str, ...] = ("bf16", "fp8")
    """KV-cache element types the engine stores."""
    fp8_cache_needs_fp8_gpu: bool = False
    """Whether an FP8 cache needs FP8 tensor cores (vLLM's and SGLang's run on Ampere too)."""
    precisions: tuple[str, ...] = ("bf16", "fp8", "int8", "int4", "mxfp4")
    """Weight formats the engine serves."""
    vendors: tuple[str, ...] = ("nvidia", "amd")
    """GPU makers the engine runs on."""
    measured: tuple[str, ...] = ()
    """Factors a calibration measured on the device (not scaled by the GPU family)."""


VLLM = ServingEngine(request_overhead_s=8.5e-3)
"""vLLM (V1): continuous batching with chunked prefill. ``vllm serve`` runs at most 256
sequences and 2,048 tokens a step, and 1,024 sequences and 8,192 tokens on GPUs of 70 GiB
or more other than the A100 (``EngineArgs.get_batch_defaults`` in
vllm/engine/arg_utils.py; larger budgets lowered A100 throughput, vLLM PR #17885). Its
per-step cost, 1.0 ms plus 30 µs a layer, covers the Python scheduler, sampling and
output processing. A request's 8.5 ms outside the steps is what a prompt served alone on
an A100 80GB took beyond its modelled prompt step, vLLM 0.20.1 called in process with no
HTTP server (AccelMark's interactive runs, first token 27.78 ms for Llama 3 8B and
11.24 ms for Qwen2.5-0.5B against 19.70 and 2.29 ms of steps: 8.1 and 9.0 ms more, their
mean; rows S51, S52 of docs/accuracy.md). An HTTP server adds its own (about 18 ms in all
on an L4's host, row S46's run at one client)."""

SGLANG = ServingEngine(
    name="sglang",
    about="continuous batching; the next batch prepared while the GPU runs this one",
    step_overhead_s=0.5e-3,
    max_num_seqs=1024,
    max_num_batched_tokens=8192.0,
    large_gpu_limits=None,
)
"""SGLang: its scheduler prepares the next batch while the GPU runs the current one
("zero-overhead batch scheduler", SGLang v0.4 release notes), so the fixed cost a step is
half vLLM's; it admits as many sequences as the KV cache holds (``max_running_requests``
sized from memory; 1,024 here bounds the search) and chunks prompts at 8,192 tokens
(``chunked_prefill_size``)."""

TRTLLM = ServingEngine(
    name="trtllm",
    about="C++ in-flight batching, NVIDIA only; FP8 checkpoints keep an FP8 KV cache",
    step_overhead_s=0.5e-3,
    max_num_seqs=2048,
    max_num_batched_tokens=8192.0,
    large_gpu_limits=None,
    vendors=("nvidia",),
    fp8_weights_kv_cache="fp8",
    fp8_cache_needs_fp8_gpu=True,
)
"""TensorRT-LLM: a C++ in-flight batching runtime (``max_batch_size`` 2,048 and
``max_num_tokens`` 8,192 by default in the LLM API, NVIDIA/TensorRT-LLM
docs/source/performance/perf-best-practices.md), on NVIDIA GPUs only. Its FP8
checkpoints keep an FP8 KV cache (:mod:`payback.hardware.kv_cache`)."""

LEAN = ServingEngine(
    name="lean",
    about="one model's decode loop as a CUDA graph: static batches, BF16 only",
    bandwidth_efficiency=0.725,
    step_overhead_s=0.70e-3,
    layer_overhead_s=2.1e-5,
    max_num_batched_tokens=None,
    large_gpu_limits=None,
    precisions=("bf16",),
    kv_caches=("bf16",),
)
"""A lean compiled baseline: one model's decode loop captured as a CUDA graph (what
``payback calibrate`` times, and gpt-fast-style servers run), static batches, BF16 only.
Its overheads, 0.70 ms a step and 21 µs a layer, and its share of the bandwidth, 0.725,
are one fit: the one ``payback calibrate`` made of its decode steps on an H200
(``examples/calibrations/h200-llama-3.1-8b-lora.toml``). The overheads alone beside the
default 0.85 made every step 3-19% too fast, the fit's own included; with its share they
hold 26 steps of five other models and contexts timed on an H200 within 12%
(benchmarks/measured/, docs/accuracy.md)."""

ENGINES: dict[str, ServingEngine] = {e.name: e for e in (VLLM, SGLANG, TRTLLM, LEAN)}
"""The engines by name; vLLM, the most common, is the default."""
ENGINE_NAMES: tuple[str, ...] = get_args(Engine)
