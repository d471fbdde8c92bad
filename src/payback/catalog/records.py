"""Typed records of the catalogs shipped as data files, validated strictly on load.

Every record names its ``source`` (a URL or a precise citation) and the date it was
``checked``. Units are in the field names; datasheet figures are *dense* (no sparsity).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=64)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]

STALE_AFTER_DAYS = 180
"""A price checked longer ago than this is flagged as stale."""


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
    note: str | None = None
    """Anything a reader needs: the instance type, the region, a second-hand figure."""


class Gpu(Record):
    """An accelerator: what the serving and training estimators need, and its rent."""

    id: Id
    name: str
    memory_gb: Positive
    """Memory on the card as the datasheet names it [GB]."""
    memory_mib: int | None = Field(None, ge=1)
    """Memory the driver reports (nvidia-smi ``memory.total``) [MiB]: an "80GB" HBM card
    has 80 GiB, a "48GB" GDDR6 card about 45 GiB. Engines size the KV cache from this."""
    memory_bandwidth_gb_s: Positive
    """Peak memory bandwidth [GB/s]."""
    bf16_tflops: Positive
    """Dense BF16 tensor peak [TFLOP/s]."""
    fp8_tflops: Positive | None = None
    """Dense FP8 tensor peak [TFLOP/s]; none when the GPU has no FP8 tensor cores."""
    int8_tops: Positive | None = None
    """Dense INT8 tensor peak [TOP/s]; none when not supported."""
    interconnect_gb_s: Positive | None = None
    """GPU-to-GPU bandwidth per GPU, one direction [GB/s] (NVLink, else PCIe)."""
    tdp_w: Positive | None = None
    """Board power [W]."""
    prices: list[GpuPrice] = Field(default_factory=list)
    """Hourly rents at named providers."""

    @property
    def memory_bytes(self) -> float:
        """Usable device memory [bytes]: ``memory_mib`` when known, else ``memory_gb``."""
        return self.memory_mib * 2.0**20 if self.memory_mib else self.memory_gb * 1e9


class OpenModel(Record):
    """The shape of an open-weights decoder-only transformer (from its config.json)."""

    id: Id
    name: str
    hf_repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    """The Hugging Face repository, e.g. ``Qwen/Qwen2.5-7B-Instruct``."""
    params_b: Positive
    """Total parameters [billions], embeddings included, as the model card states."""
    layers: int = Field(ge=1)
    hidden_size: int = Field(ge=1)
    intermediate_size: int = Field(ge=1)
    """Width of the MLP (per expert for mixtures of experts)."""
    heads: int = Field(ge=1)
    """Attention (query) heads."""
    kv_heads: int = Field(ge=1)
    """Key/value heads (fewer than ``heads`` with grouped-query attention)."""
    head_dim: int = Field(ge=1)
    vocab_size: int = Field(ge=1)
    tied_embeddings: bool
    """Whether the output projection shares the input embedding's weights."""
    max_context: int = Field(ge=1)
    """Longest context the model supports [tokens]."""

    @model_validator(mode="after")
    def _heads_divide(self) -> OpenModel:
        if self.heads % self.kv_heads:
            raise ValueError(
                f"heads ({self.heads}) must be a multiple of kv_heads ({self.kv_heads})"
            )
        return self


class HostedFineTune(Record):
    """A provider's fine-tuning service: training price and the tuned model's inference price."""

    id: Id
    """``provider.base-model-or-band``, e.g. ``openai.gpt-4o-mini`` or ``together.lora-up-to-16b``."""
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
    note: str | None = None
