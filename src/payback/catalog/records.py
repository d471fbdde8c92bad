"""Typed records of the catalogs shipped as data files, validated strictly on load.

Every record names its ``source`` (a URL or a precise citation) and the date it was
``checked``. Units are in the field names; datasheet figures are *dense* (no sparsity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from payback.nearby import ID_CUTOFF, nearest

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=64)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]

STALE_AFTER_DAYS = 180
"""A price (GPU rent, hosted fine-tuning, API token price) checked longer ago than this is
flagged as stale, in every catalog and every command: :func:`payback.catalog.is_stale`."""

ProviderKind = Literal["gpu_cloud", "hyperscaler", "marketplace", "serverless"]
"""Who rents a GPU: a GPU cloud (Lambda, RunPod Secure Cloud, Nebius, CoreWeave: GPUs are
their business, list prices near cost), a hyperscaler (AWS, Azure, Google Cloud, Oracle:
GPU instances beside a general cloud, list prices well above), a marketplace (third-party
hosts rented through a broker, e.g. RunPod Community Cloud, Vast.ai: cheaper, no datacentre
SLA) or a serverless platform (per-second billing of busy time, e.g. Modal)."""

PROVIDER_KINDS: tuple[str, ...] = get_args(ProviderKind)
"""The provider kinds, the default rent's (``gpu_cloud``) first."""

MemoryKind = Literal["hbm2", "hbm2e", "hbm3", "hbm3e", "gddr6", "gddr6x", "gddr7"]
"""The memory a GPU's datasheet names: stacked high-bandwidth memory (HBM2, HBM2e, HBM3,
HBM3e) or graphics memory (GDDR6, GDDR6X, GDDR7)."""

MEMORY_KINDS: tuple[str, ...] = get_args(MemoryKind)
"""The memory kinds a GPU record may name."""

HBM_KINDS: frozenset[str] = frozenset(k for k in MEMORY_KINDS if k.startswith("hbm"))
"""The high-bandwidth (stacked) memory kinds."""

Architecture = Literal["ampere", "ada", "hopper", "blackwell", "cdna3"]
"""A GPU's architecture: NVIDIA Ampere, Ada Lovelace, Hopper, Blackwell, or AMD CDNA 3."""

ARCHITECTURES: tuple[str, ...] = get_args(Architecture)
"""The architectures a GPU record may name."""


class Record(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=False,
        frozen=True,
        allow_inf_nan=False,
    )

    source: str = Field(min_length=8)
    """Where the numbers come from: a URL, or a document and section."""
    checked: dt.date
    """When the source was last read."""


class GpuPrice(Record):
    """An hourly rental price of one GPU at one provider."""

    provider: str = Field(min_length=2)
    """Who rents it, e.g. ``lambda``, ``runpod``, ``aws``, ``modal``."""
    usd_per_gpu_hour: Positive
    """Price of one GPU for one hour [USD]; for multi-GPU instances, divided by GPUs."""
    kind: Literal["on_demand", "serverless", "spot", "reserved_1y", "reserved_3y"] = "on_demand"
    """On-demand rent, per-second serverless, spot, or a 1/3-year commitment."""
    provider_kind: ProviderKind = "gpu_cloud"
    """Who rents it (:data:`ProviderKind`); a ``serverless`` price is a serverless
    platform's (the default for one), every other price a GPU cloud's unless given."""
    note: str | None = None
    """Anything a reader needs: the instance type, the region, a second-hand figure."""
    recheck: str | None = None
    """What comparing the figure with the provider's own published page found, and when;
    or why no such comparison could be made (the figure is then kept as it was read)."""

    @model_validator(mode="before")
    @classmethod
    def _serverless_platform(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind") == "serverless":
            data = {"provider_kind": "serverless", **data}
        return data

    @model_validator(mode="after")
    def _kinds_agree(self) -> GpuPrice:
        if (self.kind == "serverless") != (self.provider_kind == "serverless"):
            raise ValueError(
                f"kind = {self.kind!r} with provider_kind = {self.provider_kind!r}: a serverless "
                "price is a serverless platform's, and a serverless platform's price is serverless"
            )
        return self


class Gpu(Record):
    """An accelerator: what the serving and training estimators need, and its rent."""

    id: Id
    name: str
    memory_gb: Positive
    """Memory on the card as the datasheet names it [GB]."""
    memory_mib: int | None = Field(None, ge=1)
    """Memory the driver reports (nvidia-smi ``memory.total``; on AMD, rocm-smi's VRAM total
    or amd-smi's, which it prints as "MB") [MiB]: an "80GB" HBM card has about 80 GiB, a
    "48GB" GDDR6 card about 45 GiB. Engines size the KV cache from this. Every packaged GPU
    gives it (the catalog tests require it); without it :attr:`memory_bytes` falls back to
    ``memory_gb`` in decimal bytes."""
    memory_bandwidth_gb_s: Positive
    """Peak memory bandwidth [GB/s]."""
    memory: MemoryKind | None = None
    """The kind of memory the datasheet names (:data:`MemoryKind`: ``hbm2``, ``hbm2e``,
    ``hbm3``, ``hbm3e``, ``gddr6``, ``gddr6x``, ``gddr7``). Every packaged GPU gives it;
    a GPU defined elsewhere without it is taken as no HBM part: weight-only int4 then pays
    no fixed time a matrix multiply
    (:func:`payback.hardware.device.dequant_gemm_seconds`)."""
    architecture: Architecture | None = None
    """The GPU's architecture (:data:`Architecture`: ``ampere``, ``ada``, ``hopper``,
    ``blackwell``, ``cdna3``). Every packaged GPU gives it; without it the family is
    recognised by the name, Hopper when no name matches
    (:func:`payback.hardware.device.gpu_family`), and int4 pays no fixed time."""
    bf16_tflops: Positive
    """Dense BF16 tensor peak [TFLOP/s]."""
    fp8_tflops: Positive | None = None
    """Dense FP8 tensor peak [TFLOP/s]; none when the GPU has no FP8 tensor cores."""
    int8_tops: Positive | None = None
    """Dense INT8 tensor peak [TOP/s]; none when not supported."""
    fp4_tflops: Positive | None = None
    """Dense FP4 tensor peak [TFLOP/s] (Blackwell: B200, RTX PRO 6000, RTX 5090); recorded,
    not used by the estimates: there is no NVFP4 (W4A4) precision, and the MXFP4 expert
    format is multiplied at the BF16 peak, as engines run it W4A16 or W4A8 (the rows it
    would move are memory-bound: docs/accuracy.md, S31)."""
    interconnect_gb_s: Positive | None = None
    """GPU-to-GPU bandwidth per GPU, one direction [GB/s] (NVLink, else PCIe)."""
    tdp_w: Positive | None = None
    """Board power [W]."""
    prices: list[GpuPrice] = Field(default_factory=list)
    """Hourly rents at named providers."""
    caveat: str | None = None
    """What a renter should know before choosing it (a licence, a service tier), said when
    ``recommend`` picks it."""

    @property
    def memory_bytes(self) -> float:
        """Usable device memory [bytes]: ``memory_mib`` × 2^20 when known, else
        ``memory_gb`` × 10^9.

        The fallback is exact for a record built from a byte count (``payback calibrate``
        gives a device it measured ``memory_gb`` = bytes / 10^9) and, for a datasheet's GB,
        never more than the card has: a datasheet's "96 GB" reads 96e9 bytes, where the
        driver of an HBM or GDDR card reports up to 7% more (binary gigabytes). A packaged
        GPU never takes it: each gives ``memory_mib``, read from the driver's report."""
        return self.memory_mib * 2.0**20 if self.memory_mib else self.memory_gb * 1e9


class OpenModel(Record):
    """The shape of an open-weights decoder-only transformer (from its config.json).

    Dense models give the shape of every layer. A mixture of experts adds its routed
    ``experts`` (``experts_per_token`` of them chosen per token), its ``shared_experts``
    and their width ``moe_intermediate_size``; its first ``layers - moe_layers`` layers
    keep a dense MLP of ``intermediate_size``. Sliding-window (or chunked local)
    attention holds at most ``sliding_window`` tokens in ``sliding_layers`` of the layers;
    multi-head latent attention (MLA) caches a ``kv_lora_rank`` latent and a
    ``qk_rope_head_dim`` rope key per token and layer instead of keys and values.
    """

    id: Id
    name: str
    hf_repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    """The Hugging Face repository, e.g. ``Qwen/Qwen2.5-7B-Instruct``."""
    params_b: Positive
    """Total parameters [billions], embeddings included, as the model card states."""
    layers: int = Field(ge=1)
    hidden_size: int = Field(ge=1)
    intermediate_size: int = Field(ge=1)
    """Width of the dense MLP (of the dense layers of a mixture of experts)."""
    heads: int = Field(ge=1)
    """Attention (query) heads."""
    kv_heads: int = Field(ge=1)
    """Key/value heads (fewer than ``heads`` with grouped-query attention)."""
    head_dim: int = Field(ge=1)
    """Width of a query/key head (nope + rope parts under MLA)."""
    vocab_size: int = Field(ge=1)
    tied_embeddings: bool
    """Whether the output projection shares the input embedding's weights."""
    max_context: int = Field(ge=1)
    """Longest context the model supports [tokens]."""
    license: str | None = Field(None, min_length=2)
    """The licence the weights are published under, with what limits commercial use."""
    license_source: str | None = Field(None, min_length=8)
    """Where the licence was read: the licence text's URL, and what confirmed it."""
    active_params_b: Positive | None = None
    """Parameters a token uses [billions], as the model card states (mixtures of experts)."""
    experts: int | None = Field(None, ge=2)
    """Routed experts in each MoE layer; none for a dense model."""
    experts_per_token: int | None = Field(None, ge=1)
    """Routed experts each token is sent to (top-k)."""
    shared_experts: int = Field(0, ge=0)
    """Experts every token goes through besides the routed ones."""
    moe_intermediate_size: int | None = Field(None, ge=1)
    """Width of one expert's gated MLP (routed and shared experts)."""
    moe_layers: int | None = Field(None, ge=1)
    """Layers with experts (the rest have a dense MLP); all layers when not given."""
    sliding_window: int | None = Field(None, ge=1)
    """Tokens a sliding-window (or chunked local) attention layer holds at most."""
    sliding_layers: int = Field(0, ge=0)
    """Layers with sliding-window attention (the rest attend to the whole context)."""
    q_lora_rank: int | None = Field(None, ge=1)
    """MLA: rank of the compressed query (none: a full query projection)."""
    kv_lora_rank: int | None = Field(None, ge=1)
    """MLA: rank of the compressed key/value latent cached per token and layer."""
    qk_rope_head_dim: int | None = Field(None, ge=1)
    """MLA: width of the rope part of a key, cached beside the latent."""
    v_head_dim: int | None = Field(None, ge=1)
    """MLA: width of a value head (``head_dim`` when not given)."""

    @model_validator(mode="after")
    def _consistent(self) -> OpenModel:
        if self.heads % self.kv_heads:
            raise ValueError(
                f"heads ({self.heads}) must be a multiple of kv_heads ({self.kv_heads})"
            )
        moe = (self.experts, self.experts_per_token, self.moe_intermediate_size)
        if any(v is not None for v in moe) and any(v is None for v in moe):
            raise ValueError(
                "experts, experts_per_token and moe_intermediate_size go together "
                "(a mixture of experts gives all three)"
            )
        if self.experts is not None and self.experts_per_token is not None:
            if self.experts_per_token > self.experts:
                raise ValueError(
                    f"experts_per_token ({self.experts_per_token}) exceeds experts ({self.experts})"
                )
        elif self.shared_experts or self.moe_layers is not None or self.active_params_b:
            raise ValueError(
                "shared_experts, moe_layers and active_params_b describe a mixture of experts; "
                "give experts, experts_per_token and moe_intermediate_size too"
            )
        if self.moe_layers is not None and self.moe_layers > self.layers:
            raise ValueError(f"moe_layers ({self.moe_layers}) exceeds layers ({self.layers})")
        if self.active_params_b is not None and self.active_params_b > self.params_b:
            raise ValueError(
                f"active_params_b ({self.active_params_b}) exceeds params_b ({self.params_b})"
            )
        if self.sliding_layers > self.layers:
            raise ValueError(
                f"sliding_layers ({self.sliding_layers}) exceeds layers ({self.layers})"
            )
        if (self.sliding_window is None) != (self.sliding_layers == 0):
            raise ValueError("sliding_window and sliding_layers go together")
        mla = (self.kv_lora_rank, self.qk_rope_head_dim)
        if (mla[0] is None) != (mla[1] is None):
            raise ValueError("kv_lora_rank and qk_rope_head_dim go together (MLA)")
        if self.kv_lora_rank is None and (self.q_lora_rank or self.v_head_dim):
            raise ValueError("q_lora_rank and v_head_dim describe MLA; give kv_lora_rank too")
        return self

    @property
    def is_moe(self) -> bool:
        """Whether the model is a mixture of experts."""
        return self.experts is not None

    @property
    def is_mla(self) -> bool:
        """Whether attention is multi-head latent attention (a compressed KV cache)."""
        return self.kv_lora_rank is not None


class HostedFineTune(Record):
    """A provider's fine-tuning service: training price and the tuned model's inference price."""

    id: Id
    """``provider.base-model-or-band``, e.g. ``openai.gpt-4o-mini`` or
    ``together.lora-up-to-16b``."""
    provider: str
    base_model: str | None = None
    """The model tuned, for providers that price per model."""
    min_params_b: float | None = Field(None, ge=0.0)
    """Smallest model size the price applies to [billions], for size-banded prices."""
    max_params_b: Positive | None = None
    """Largest model size the price applies to [billions], for size-banded prices."""
    method: Literal["full", "lora", "unspecified"] = "unspecified"
    training_usd_per_mtok: Positive
    """Price of one million training tokens (tokens x epochs) [USD]."""
    min_job_usd: float = Field(0.0, ge=0.0)
    """Minimum charge of one job [USD]."""
    input_usd_per_mtok: float | None = Field(None, ge=0.0)
    """Inference price of the tuned model per million input tokens [USD]."""
    cached_input_usd_per_mtok: float | None = Field(None, ge=0.0)
    output_usd_per_mtok: float | None = Field(None, ge=0.0)
    tuned_serving: Literal["per_token", "dedicated"] = "per_token"
    """How the tuned model is billed: ``per_token`` (served on shared, serverless capacity
    at the prices above) or ``dedicated`` (a deployment of its own, billed per GPU-time
    whether it serves or not: a ``self_hosted`` alternative's arithmetic, not tokens')."""
    dedicated_gpu: Id | None = None
    """The catalog GPU a dedicated deployment runs on, where the provider names it."""
    dedicated_usd_per_gpu_hour: Positive | None = None
    """The provider's rent of one GPU of a dedicated deployment for one hour [USD], where a
    source gives it."""
    dedicated_source: str | None = None
    """Where the dedicated deployment's billing was read."""
    note: str | None = None
    recheck: str | None = None
    """What comparing the prices with the provider's own published page found, and when;
    or why no such comparison could be made (the figures are then kept as they were read)."""

    @model_validator(mode="after")
    def _serving(self) -> HostedFineTune:
        dedicated = (self.dedicated_gpu, self.dedicated_usd_per_gpu_hour, self.dedicated_source)
        if self.tuned_serving == "per_token" and any(v is not None for v in dedicated):
            raise ValueError(
                "dedicated_gpu, dedicated_usd_per_gpu_hour and dedicated_source describe "
                'tuned_serving = "dedicated"'
            )
        if self.tuned_serving == "dedicated":
            if self.input_usd_per_mtok is not None or self.output_usd_per_mtok is not None:
                raise ValueError(
                    'tuned_serving = "dedicated" is billed per GPU-hour: no per-token prices'
                )
            if self.dedicated_source is None:
                raise ValueError('tuned_serving = "dedicated" needs dedicated_source')
        return self


def unknown_provider(gpus: Iterable[Gpu], given: str) -> str | None:
    """What is allowed of a ``gpu_provider`` that rents none of ``gpus`` (any case): the
    nearest provider and every one they list; None for a provider some GPU lists.

    >>> from payback.catalog import default_catalog
    >>> gpus = default_catalog().gpus.values()
    >>> unknown_provider(gpus, "lamda")[:40], unknown_provider(gpus, "Lambda")
    ("unknown provider; did you mean 'lambda'?", None)
    """
    known = sorted({p.provider for gpu in gpus for p in gpu.prices})
    if given.lower() in known:
        return None
    near = nearest(given, known, cutoff=ID_CUTOFF)
    mean = f"; did you mean {near!r}?" if near else ""
    return f"unknown provider{mean} (known: {', '.join(known)})"
