"""The kernels a decode step runs one after another in a layer, by the layer's kind.

At a small batch a decode step is latency-bound: each of a layer's kernels reads little
and takes a few microseconds however small its work, so the step's per-layer cost grows
with the layer's count of dependent kernels, not with its bytes. The engines' per-layer
cost (:attr:`payback.hardware.serving.ServingEngine.layer_overhead_s`, 30 µs) was set on
dense Llama layers; a layer of another kind costs it times its kernels over a dense
layer's :data:`DENSE_LAYER_KERNELS` (3.3 µs a kernel). The counts are the kernels the
engines' model code runs in series at one token, tensor-parallel all-reduces apart (the
step counts those on their own):

- a dense layer, 9 (SGLang python/sglang/srt/models/llama.py, commit 0023954,
  ``LlamaDecoderLayer.forward``): input RMSNorm, QKV GEMM, rotary embedding (with the
  cache write), attention, output GEMM; post-attention RMSNorm, gate-up GEMM,
  SiLU-and-multiply, down GEMM;
- a mixture-of-experts MLP (:data:`ROUTED_KERNELS`) puts the router GEMM, the top-k
  selection and the fused experts (SGLang python/sglang/srt/layers/moe/fused_moe_triton/
  fused_moe.py, commit 006fc20, ``fused_experts_impl``: block alignment of the routed
  tokens, first grouped GEMM, activation, second grouped GEMM, and the sum over the
  chosen experts when a token has more than one) in the place of the three MLP kernels
  after its norm (SGLang gpt_oss.py, commit 009c680, ``GptOssSparseMoeBlock``: router,
  top-k, experts);
- shared experts (:data:`SHARED_KERNELS`: gate-up GEMM, activation, down GEMM and the add
  to the routed output) run on a second stream beside the routed experts on NVIDIA GPUs
  (TensorRT-LLM's DeepSeek-R1 latency blog, "overlap shared expert with sparse experts";
  SGLang llama4.py, commit 003cb21, ``Llama4MoE._forward_core``, below 4 tokens under
  CUDA), in series on AMD GPUs (the same SGLang code keeps the overlap to CUDA);
- multi-head latent attention (:data:`MLA_EXTRA_KERNELS`) runs 9 kernels where a
  grouped-query block runs 5 (NVIDIA/TensorRT-LLM docs/source/blogs/tech_blog/
  blog1_Pushing_Latency_Boundaries_Optimizing_DeepSeek-R1_Performance_on_NVIDIA_B200_GPUs
  .md, commit 01c4ece, modules 1-8 and the norm fused into the all-reduce before them:
  the norm, the fused down-projection GEMM, the query and latent norms on two streams,
  the query up-projection GEMM, the key up-projection batched GEMM, the cache write with
  RoPE, attention, the value up-projection batched GEMM and the output GEMM).

Not counted: element-wise work a model adds inside these (gpt-oss's attention sinks,
Llama 4's query-key norm and attention temperature), and engines' fusions beyond the
counted ones; a dense model is 9 on every engine, so its estimate does not move.
"""

from __future__ import annotations

from payback.catalog import OpenModel

DENSE_LAYER_KERNELS = 9
"""Kernels in series in a dense decoder layer at one token (module docstring)."""

MLP_KERNELS = 3
"""A dense MLP's kernels after its norm: gate-up GEMM, activation, down GEMM."""

ROUTED_KERNELS = 6
"""A routed MoE MLP's kernels after its norm with one expert a token: router GEMM, top-k,
block alignment, two grouped GEMMs and the activation between them; a seventh, the sum
over the chosen experts, when a token has more than one."""

SHARED_KERNELS = 4
"""Shared experts' kernels when they run in series: gate-up GEMM, activation, down GEMM
and the add to the routed output."""

MLA_EXTRA_KERNELS = 4
"""Multi-head latent attention's kernels beyond a grouped-query block's five (9 in all)."""


def layer_kernels(model: OpenModel, *, shared_in_series: bool) -> float:
    """Mean kernels a decode step runs in series in one of the model's layers (module
    docstring): 9 for a dense layer; a mixture's MoE layers put their routed experts'
    6 or 7 kernels in the place of the MLP's 3, plus 4 for shared experts run in series
    (``shared_in_series``: on AMD GPUs); multi-head latent attention adds 4 to every
    layer. The first ``layers - moe_layers`` layers of a mixture keep a dense MLP.

    >>> from payback.catalog import default_catalog
    >>> layer_kernels(default_catalog().model("llama-3.1-8b"), shared_in_series=False)
    9.0
    """
    attention_extra = MLA_EXTRA_KERNELS if model.is_mla else 0
    dense = float(DENSE_LAYER_KERNELS + attention_extra)
    if not model.is_moe:
        return dense
    routed = ROUTED_KERNELS + (1 if (model.experts_per_token or 1) > 1 else 0)
    shared = SHARED_KERNELS if model.shared_experts and shared_in_series else 0
    moe = dense - MLP_KERNELS + routed + shared
    moe_layers = model.moe_layers or model.layers
    return (moe_layers * moe + (model.layers - moe_layers) * dense) / model.layers
