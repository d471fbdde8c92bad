"""The KV cache's element type: what each engine keeps by default for the weights, what
one may ask for, and where an FP8 cache runs.

The weights' format does not set the cache's. What the engines do, from their own sources:

- vLLM: ``kv_cache_dtype="auto"``, the default, "will use model data type"
  (``--kv-cache-dtype`` in vllm/engine/arg_utils.py, ``CacheConfig.cache_dtype`` in
  vllm/config/cache.py): an FP8-weight checkpoint computes in BF16 and keeps a BF16 cache
  unless ``--kv-cache-dtype fp8`` is given, or the checkpoint itself declares a quantized
  cache (ModelOpt's ``kv_cache_quant_algo``, which recent releases resolve ``auto`` to,
  ``resolve_kv_cache_dtype_string`` in vllm/utils/torch_utils.py; llm-compressor's
  ``kv_cache_scheme`` in a compressed-tensors config). The FP8-dynamic checkpoints most
  vLLM deployments load declare none. ``fp8_e5m2`` and ``fp8_e4m3`` caches are "supported
  for CUDA 11.8+": stored in 8 bits and converted inside the attention kernels, on Ampere
  as well (vLLM's docs/features/quantization/quantized_kvcache.md).
- SGLang: ``kv_cache_dtype`` "defaults to the ``dtype``" (docs/backend/server_arguments.md;
  ``--kv-cache-dtype`` "auto will use model data type" in python/sglang/srt/server_args.py,
  ``fp8_e5m2``/``fp8_e4m3`` for CUDA 11.8+), as vLLM.
- TensorRT-LLM: the cache takes the checkpoint's quantization (``KvCacheConfig`` dtype
  ``auto``). FP8 checkpoints made with ModelOpt (``hf_ptq.py``; its example script
  ``huggingface_example.sh`` passes ``--kv_cache_qformat fp8`` unless told otherwise),
  those NVIDIA's published performance runs serve, record ``kv_cache_quant_algo: FP8``; its
  quantization guide (docs/source/features/quantization.md) lets one enable the FP8 cache
  "even for checkpoints that do not have it enabled by default", and lists FP8 among the
  formats of Ada, Hopper and Blackwell: its FP8 attention kernels need FP8 tensor cores.
- the lean baseline: BF16 only.
"""

from __future__ import annotations

import dataclasses
from typing import Literal, get_args

from payback.catalog import Gpu
from payback.errors import PaybackError
from payback.hardware.serving import ServingEngine

KvCache = Literal["auto", "bf16", "fp8"]
"""KV-cache element types one may ask for: ``auto`` is the engine's default for the
weights (:func:`kv_cache_dtype`)."""
KV_CACHE_CHOICES: tuple[str, ...] = get_args(KvCache)

KV_BYTES = {"bf16": 2.0, "fp8": 1.0}
"""KV-cache bytes per element by the cache's element type."""

ENGINE_TITLES = {"vllm": "vLLM", "sglang": "SGLang", "trtllm": "TensorRT-LLM", "lean": "lean"}


def kv_cache_dtype(engine: ServingEngine, precision: str) -> str:
    """The KV cache's element type, ``bf16`` or ``fp8``: the one the engine was asked for
    (:attr:`ServingEngine.kv_cache`), else its default for the weights: for FP8 weights
    :attr:`ServingEngine.fp8_weights_kv_cache`, for the others BF16.

    >>> from payback.hardware.serving import TRTLLM, VLLM
    >>> kv_cache_dtype(VLLM, "fp8"), kv_cache_dtype(TRTLLM, "fp8"), kv_cache_dtype(TRTLLM, "int4")
    ('bf16', 'fp8', 'bf16')
    """
    if engine.kv_cache != "auto":
        return engine.kv_cache
    return engine.fp8_weights_kv_cache if precision == "fp8" else "bf16"


def with_kv_cache(engine: ServingEngine, kv_cache: str | None) -> ServingEngine:
    """The engine asked to keep a ``kv_cache`` cache (``None``: as it is); one line for a
    type not in :data:`KV_CACHE_CHOICES`."""
    if kv_cache is None:
        return engine
    _check_known(kv_cache)
    return dataclasses.replace(engine, kv_cache=kv_cache)


def _check_known(kv_cache: str) -> None:
    """One line for a cache type not in :data:`KV_CACHE_CHOICES`."""
    if kv_cache not in KV_CACHE_CHOICES:
        raise PaybackError.bad(
            "kv_cache", kv_cache, f"unknown; allowed: {', '.join(KV_CACHE_CHOICES)}"
        )


def kv_cache_said(engine: ServingEngine, precision: str) -> str:
    """The cache's type and why, for a reader: "BF16, vLLM's default for FP8 weights" or
    "FP8, as asked"."""
    dtype = kv_cache_dtype(engine, precision).upper()
    if engine.kv_cache != "auto":
        return f"{dtype}, as asked"
    title = ENGINE_TITLES.get(engine.name, engine.name)
    return f"{dtype}, {title}'s default for {precision.upper()} weights"


def check_kv_cache(engine: ServingEngine, gpu: Gpu) -> None:
    """One line when the engine cannot keep the cache asked for, or not on this GPU."""
    asked = engine.kv_cache
    _check_known(asked)
    if asked == "auto":
        return
    title = ENGINE_TITLES.get(engine.name, engine.name)
    if asked not in engine.kv_caches:
        why = f"{title} keeps a {', '.join(c.upper() for c in engine.kv_caches)} cache only"
        raise PaybackError.bad("kv_cache", asked, why)
    if asked == "fp8" and engine.fp8_cache_needs_fp8_gpu and gpu.fp8_tflops is None:
        why = (
            f"{title}'s FP8 cache needs FP8 tensor cores (Ada or later) and {gpu.id} has none; "
            "use bf16, or vllm or sglang, which store an FP8 cache there"
        )
        raise PaybackError.bad("kv_cache", asked, why)
