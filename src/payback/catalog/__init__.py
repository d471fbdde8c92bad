"""Catalogs with provenance: GPUs, open models, hosted fine-tuning and API prices.

GPU, model and fine-tuning records ship as TOML data files in ``catalog/data``; API
token prices come from ``genai-prices`` (its offline snapshot) behind
:mod:`payback.catalog.apis`. A :class:`Catalog` is injectable: tests build tiny ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from payback.catalog.records import (
    PROVIDER_KINDS,
    STALE_AFTER_DAYS,
    Gpu,
    GpuPrice,
    HostedFineTune,
    OpenModel,
    ProviderKind,
)
from payback.errors import PaybackError
from payback.hardware.shapes import SHAPE_FIELDS, parameter_split
from payback.limits import check_path, read_input

__all__ = [
    "PROVIDER_KINDS",
    "STALE_AFTER_DAYS",
    "Catalog",
    "Gpu",
    "GpuPrice",
    "GpuRent",
    "HostedFineTune",
    "OpenModel",
    "ProviderKind",
    "default_catalog",
    "gpu_offer",
    "gpu_offers",
    "gpu_rent",
    "is_stale",
    "load_catalog",
    "marketplace_only",
    "model_from_hf_config",
    "near_ids",
    "typical_gpu_price",
]

T = TypeVar("T", bound=BaseModel)

_FILES = {
    "gpu": ("gpus.toml", Gpu),
    "model": ("models.toml", OpenModel),
    "finetune": ("finetuning.toml", HostedFineTune),
}


def _shown_id(text: str, width: int = 80) -> str:
    """An id for a message, quoted, cut to ``width`` characters when longer."""
    return repr(text) if len(text) <= width else repr(text[:width]) + "…"


def near_ids(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` ids closest to ``word`` (any case), best first: ids that start with it, then
    ids that contain it, then the rest, each group by difflib's similarity ratio; ids less
    than half similar that neither start with nor contain it are left out.

    >>> near_ids("L4", ["a10", "l40s", "l4", "l40"])
    ['l4', 'l40', 'l40s']
    >>> near_ids("h100", ["a100-80gb", "h100-pcie", "h100-sxm"])
    ['h100-sxm', 'h100-pcie']
    """
    key = word.lower()
    scored = []
    for i, choice in enumerate(dict.fromkeys(choices)):
        low = choice.lower()
        ratio = difflib.SequenceMatcher(None, key, low).ratio()
        starts, contains = low.startswith(key), key in low
        if key and (starts or contains or ratio >= 0.5):
            scored.append((low != key, not starts, not contains, -ratio, i, choice))
    return [entry[-1] for entry in sorted(scored)[:n]]


def _near(word: str, choices: Iterable[str]) -> str:
    """'; did you mean a, b?': the closest ids, best first (:func:`near_ids`)."""
    picked = near_ids(word, choices)
    return f"; did you mean {', '.join(picked)}?" if picked else ""


@dataclass(frozen=True)
class Catalog:
    """GPUs, open models and hosted fine-tuning offers, by id."""

    gpus: Mapping[str, Gpu] = field(default_factory=dict)
    models: Mapping[str, OpenModel] = field(default_factory=dict)
    finetunes: Mapping[str, HostedFineTune] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        gpus: Iterable[Gpu] = (),
        models: Iterable[OpenModel] = (),
        finetunes: Iterable[HostedFineTune] = (),
    ) -> Catalog:
        """A catalog from records (ids must be unique)."""
        return cls(_by_id(gpus, "gpu"), _by_id(models, "model"), _by_id(finetunes, "finetune"))

    def gpu(self, gpu_id: str) -> Gpu:
        """The GPU with this id; :class:`PaybackError` naming the nearest ids otherwise."""
        try:
            return self.gpus[gpu_id] if gpu_id in self.gpus else self.gpus[gpu_id.lower()]
        except KeyError:
            raise PaybackError(
                f"unknown GPU {_shown_id(gpu_id)}{_near(gpu_id, self.gpus)} (known: {', '.join(self.gpus)})"
            ) from None

    def model(self, model_id: str, base: Path | None = None) -> OpenModel:
        """The open model with this id or Hugging Face repository (``meta-llama/Llama-3.1-8B-Instruct``),
        or read from a local ``config.json`` path (relative paths from ``base``)."""
        if model_id in self.models:
            return self.models[model_id]
        if model_id.lower() in self.models:
            return self.models[model_id.lower()]
        by_repo = {m.hf_repo.lower(): m for m in self.models.values()}
        if model_id.lower() in by_repo:
            return by_repo[model_id.lower()]
        path = Path(model_id)
        if base is not None and not path.is_absolute():
            path = base / path
        try:
            is_file = path.is_file()
        except (OSError, ValueError):  # a name longer than the file system allows, a NUL
            is_file = False
        if model_id.endswith(".json") or is_file:
            return model_from_hf_config(path)
        raise PaybackError(
            f"unknown model {_shown_id(model_id)}{_near(model_id, self.models)} "
            f"(known: {', '.join(self.models)}; a catalog model's Hugging Face repository or a local config.json path works too)"
        )

    def finetune(self, offer_id: str) -> HostedFineTune:
        """The hosted fine-tuning offer with this id."""
        try:
            if offer_id in self.finetunes:
                return self.finetunes[offer_id]
            return self.finetunes[offer_id.lower()]
        except KeyError:
            raise PaybackError(
                f"unknown hosted fine-tuning offer {offer_id!r}{_near(offer_id, self.finetunes)} "
                f"(known: {', '.join(self.finetunes)})"
            ) from None


def _by_id(records: Iterable[T], what: str) -> dict[str, T]:
    out: dict[str, T] = {}
    for record in records:
        rid = record.id  # type: ignore[attr-defined]
        if rid in out:
            raise ValueError(f"duplicate {what} id {rid!r}")
        out[rid] = record
    return out


def _load_file(path: Path | Any, key: str, model: type[T]) -> list[T]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {key}
    if unknown:
        raise ValueError(
            f"{path.name}: unexpected top-level keys {sorted(unknown)}; expected [[{key}]]"
        )
    records = []
    for i, raw in enumerate(data.get(key, [])):
        try:
            records.append(model.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(
                f"{path.name}: {key}[{i}] ({raw.get('id')}): {where}: {first['msg']}"
            ) from None
    return records


def load_catalog(folder: Path | None = None) -> Catalog:
    """Read and validate the catalog data files (the packaged ones by default)."""
    base: Any = (
        folder if folder is not None else resources.files("payback.catalog").joinpath("data")
    )
    return Catalog.of(
        _load_file(base.joinpath("gpus.toml"), "gpu", Gpu),
        _load_file(base.joinpath("models.toml"), "model", OpenModel),
        _load_file(base.joinpath("finetuning.toml"), "finetune", HostedFineTune),
    )


@cache
def default_catalog() -> Catalog:
    """The packaged catalog, loaded once."""
    return load_catalog()


_KIND_WORDS = {
    "gpu_cloud": "GPU-cloud",
    "hyperscaler": "hyperscaler",
    "marketplace": "marketplace",
    "serverless": "serverless",
}
"""Provider kinds in a sentence."""

_FALLBACK = ("gpu_cloud", "hyperscaler")
"""Where the default rent is taken from, in order: the first provider kind with offers.
Marketplace rents (third-party hosts, no datacentre SLA) are never the default: a scenario
asks for them with ``gpu_price = "marketplace"``."""


def gpu_offers(
    gpu: Gpu, kind: str = "on_demand", provider_kind: str | None = None
) -> list[GpuPrice]:
    """The offers of a pricing ``kind`` (and ``provider_kind``, any when none), cheapest
    first: every count of offers payback shows is the length of this list."""
    return sorted(
        (
            p
            for p in gpu.prices
            if p.kind == kind and (provider_kind is None or p.provider_kind == provider_kind)
        ),
        key=lambda p: p.usd_per_gpu_hour,
    )


def _median(offers: list[GpuPrice]) -> GpuPrice:
    """The median offer, the lower middle one for an even count (a real offer, never
    inflated): its provider, source and date go with the figure."""
    return offers[(len(offers) - 1) // 2]


@dataclass(frozen=True)
class GpuRent:
    """The rent payback uses for a GPU, and the offers it was chosen from.

    ``offer`` is the median (lower middle) of ``basis``: the offers of one provider kind
    (GPU clouds by default) at one pricing kind (on demand unless a commitment is given).
    ``offers`` are all offers of that pricing kind, whoever rents them: their count and
    range are shown beside the figure, so a hyperscaler's user sees theirs.
    """

    gpu: str
    offer: GpuPrice
    provider_kind: str
    """Whose offers the median was taken over (:data:`ProviderKind`)."""
    basis: tuple[GpuPrice, ...]
    offers: tuple[GpuPrice, ...]
    fallback: bool = False
    """Whether no offer of the provider kind asked for exists, so the next one was used."""

    @property
    def low(self) -> float:
        return self.offers[0].usd_per_gpu_hour

    @property
    def high(self) -> float:
        return self.offers[-1].usd_per_gpu_hour

    def describe(self) -> str:
        """The choice in words, e.g. 'median of 4 GPU-cloud on-demand offers; 7 on-demand
        offers in all, $3.99-12.29'."""
        kind = self.offer.kind.replace("_", "-")
        who = _KIND_WORDS[self.provider_kind]
        if self.provider_kind == "serverless":
            who = ""
        head = (
            f"the only {who} {kind} offer".replace("  ", " ")
            if len(self.basis) == 1
            else f"median of {len(self.basis)} {who} {kind} offers".replace("  ", " ")
        )
        if self.fallback:
            head += f" (no GPU-cloud {kind} offer)"
        if len(self.offers) == len(self.basis):
            return head
        return f"{head}; {len(self.offers)} {kind} offers in all, ${self.low:.2f}-{self.high:.2f}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "gpu": self.gpu,
            "usd_per_gpu_hour": self.offer.usd_per_gpu_hour,
            "provider": self.offer.provider,
            "kind": self.offer.kind,
            "provider_kind": self.provider_kind,
            "basis_count": len(self.basis),
            "offers_count": len(self.offers),
            "offers_low_usd_per_gpu_hour": self.low,
            "offers_high_usd_per_gpu_hour": self.high,
            "fallback": self.fallback,
            "description": self.describe(),
        }


def gpu_rent(gpu: Gpu, kind: str = "on_demand", price: str | None = None) -> GpuRent | None:
    """The rent of ``gpu`` at a pricing ``kind``: the median of the offers of provider kind
    ``price``; by default (``None``) of GPU clouds', else hyperscalers' (never
    marketplaces'). ``None`` when there is no such offer of ``kind``; :class:`PaybackError`
    when ``price`` names a provider kind with no such offer (or is not a provider kind)."""
    if price is not None and price not in PROVIDER_KINDS:
        raise PaybackError.bad("gpu_price", price, f"one of {', '.join(PROVIDER_KINDS)}")
    offers = gpu_offers(gpu, kind)
    if not offers:
        return None
    if kind == "serverless":  # a serverless price is a serverless platform's
        return GpuRent(gpu.id, _median(offers), "serverless", tuple(offers), tuple(offers))
    if price is not None:
        basis = gpu_offers(gpu, kind, price)
        if not basis:
            have = sorted({p.provider_kind for p in offers})
            raise PaybackError(
                f"no {_KIND_WORDS[price]} {kind.replace('_', '-')} price for {gpu.id} "
                f"(its {kind.replace('_', '-')} offers are from: {', '.join(have)})"
            )
        return GpuRent(gpu.id, _median(basis), price, tuple(basis), tuple(offers))
    for i, provider_kind in enumerate(_FALLBACK):
        basis = gpu_offers(gpu, kind, provider_kind)
        if basis:
            return GpuRent(
                gpu.id, _median(basis), provider_kind, tuple(basis), tuple(offers), i > 0
            )
    return None  # marketplace offers only


def marketplace_only(gpu: Gpu, kind: str = "on_demand") -> bool:
    """Whether every offer of ``kind`` for ``gpu`` is a marketplace's (so there is no
    default rent, and ``gpu_price = "marketplace"`` would find one)."""
    offers = gpu_offers(gpu, kind)
    return bool(offers) and all(p.provider_kind == "marketplace" for p in offers)


def typical_gpu_price(gpu: Gpu, kind: str = "on_demand") -> GpuPrice | None:
    """The default offer of a kind (:func:`gpu_rent`): the median (lower middle) of GPU
    clouds' offers, else hyperscalers'; ``None`` when neither rents the GPU."""
    rent = gpu_rent(gpu, kind)
    return rent.offer if rent else None


def gpu_offer(
    gpu: Gpu, provider: str | None = None, kind: str = "on_demand", price: str | None = None
) -> GpuPrice | None:
    """A provider's offer for ``gpu`` (its on-demand one when it has several kinds), or the
    default offer of ``kind`` (of provider kind ``price``: :func:`gpu_rent`) when no
    provider is named; :class:`PaybackError` for a provider the catalog does not list for
    this GPU (any case). With a ``kind`` other than on-demand (a 1- or 3-year commitment),
    the provider's offer of that kind, ``None`` if it has none."""
    if provider is None:
        rent = gpu_rent(gpu, kind, price)
        return rent.offer if rent else None
    offers = sorted(
        (p for p in gpu.prices if p.provider == provider.lower()),
        key=lambda p: p.kind != "on_demand",
    )
    if not offers:
        known = sorted({p.provider for p in gpu.prices})
        raise PaybackError(
            f"no {gpu.id} price from {provider!r}{_near(provider, known)} (listed: {', '.join(known) or 'none'})"
        )
    if kind != "on_demand":
        return next((p for p in offers if p.kind == kind), None)
    return offers[0]


def is_stale(checked: dt.date, today: dt.date | None = None, days: int = STALE_AFTER_DAYS) -> bool:
    """Whether a figure checked on ``checked`` is older than ``days`` days: the one rule for
    GPU rents, hosted fine-tuning prices and API prices, wherever they are shown or used."""
    return ((today or dt.date.today()) - checked).days > days


_CONFIG_FIELDS = {
    "num_hidden_layers": "layers",
    "hidden_size": "hidden_size",
    "num_attention_heads": "heads",
    "vocab_size": "vocab_size",
}

_EXPERT_COUNTS = ("num_local_experts", "num_experts", "n_routed_experts")
"""How config.json files name the routed experts (Mixtral/gpt-oss/Llama 4, Qwen, DeepSeek)."""

_UNMODELLED = {
    "layers_block_type": "Mamba layers (a hybrid state-space model)",
    "hybrid_override_pattern": "Mamba layers (a hybrid state-space model)",
    "mamba_d_state": "Mamba layers (a hybrid state-space model)",
    "ssm_cfg": "state-space layers",
    "linear_attention": "linear-attention layers",
    "full_attn_idxs": "linear-attention layers",
}
"""Fields of architectures whose layers payback does not model, and what they are."""

_LAYER_TYPES = {"full_attention": False, "sliding_attention": True, "chunked_attention": True}
"""``layer_types`` values payback models, and whether the layer holds a window."""


_CONFIG_MAX = 2**31 - 1
"""The largest size a config.json may give (layers, hidden size, heads, vocabulary, context)."""


def _config_int(cfg: Mapping[str, Any], key: str, default: int | None, p: Path) -> int:
    value = cfg.get(key, default) if cfg.get(key) is not None else default
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value != int(value)
        or value < 1
    ):
        raise PaybackError(f"{p}: {key} = {value!r}: must be a whole number ≥ 1")
    if value > _CONFIG_MAX:
        raise PaybackError(f"{p}: {key} = {value!r}: must be at most {_CONFIG_MAX:,}")
    return int(value)


def _optional_int(cfg: Mapping[str, Any], key: str, p: Path, low: int = 1) -> int | None:
    """A whole-number field that may be absent or null; one line when it is anything else."""
    value = cfg.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise PaybackError(f"{p}: {key} = {value!r}: must be a whole number ≥ {low}")
    if value < low:
        raise PaybackError(f"{p}: {key} = {value!r}: must be a whole number ≥ {low}")
    return int(value)


def _read_config(p: Path) -> dict[str, Any]:
    """The language model's part of a config.json (``text_config`` for multimodal ones)."""
    with contextlib.suppress(OSError):
        if not p.exists():
            raise PaybackError(f"{p}: no such model config file")
    raw = read_input(p, "a model's config.json")
    try:
        cfg = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PaybackError(f"{p}: not a readable config.json ({exc})") from None
    except RecursionError:
        raise PaybackError(f"{p}: not a readable config.json (nested too deeply)") from None
    if not isinstance(cfg, dict):
        raise PaybackError(f"{p}: expected a JSON object with the model's configuration")
    if isinstance(cfg.get("text_config"), dict):  # multimodal configs nest the language model
        cfg = cfg["text_config"]
    missing = [k for k in _CONFIG_FIELDS if k not in cfg]
    if missing:
        raise PaybackError(
            f"{p}: config.json lacks {', '.join(missing)}; is it a decoder-only LLM?"
        )
    for key, what in _UNMODELLED.items():
        if cfg.get(key) is not None:
            raise PaybackError(
                f"{p}: {key}: {what}; payback models transformer layers with full, "
                "sliding-window or latent (MLA) attention only"
            )
    return dict(cfg)


def _experts(cfg: Mapping[str, Any], layers: int, p: Path) -> dict[str, Any]:
    """The mixture of experts' fields of a config (none for a dense model)."""
    counts = {k: _optional_int(cfg, k, p) for k in _EXPERT_COUNTS if cfg.get(k) is not None}
    if len(set(counts.values())) > 1:
        named = ", ".join(f"{k} = {v}" for k, v in counts.items())
        raise PaybackError(f"{p}: {named}: the routed expert counts disagree")
    experts = next(iter(counts.values()), None)
    if experts is None or experts == 1:
        return {}
    name = next(iter(counts))
    top = [_optional_int(cfg, k, p) for k in ("num_experts_per_tok", "experts_per_token")]
    given = {t for t in top if t is not None}
    if len(given) > 1:
        raise PaybackError(
            f"{p}: num_experts_per_tok = {top[0]} and experts_per_token = {top[1]} disagree"
        )
    if not given:
        raise PaybackError(
            f"{p}: {name} = {experts} without num_experts_per_tok: a mixture of experts "
            "needs how many experts each token uses"
        )
    per_token = given.pop()
    if per_token > experts:
        raise PaybackError(f"{p}: num_experts_per_tok = {per_token} exceeds {name} = {experts}")
    width = _optional_int(cfg, "moe_intermediate_size", p) or _config_int(
        cfg, "intermediate_size", None, p
    )
    return {
        "experts": experts,
        "experts_per_token": per_token,
        "moe_intermediate_size": width,
        "shared_experts": _shared_experts(cfg, width, p),
        "moe_layers": _moe_layers(cfg, layers, p),
    }


def _shared_experts(cfg: Mapping[str, Any], width: int, p: Path) -> int:
    """Shared experts: DeepSeek's ``n_shared_experts``, Llama 4's one, or Qwen2-MoE's
    ``shared_expert_intermediate_size`` in expert widths."""
    count = _optional_int(cfg, "n_shared_experts", p, low=0)
    if count is not None:
        return count
    if str(cfg.get("model_type", "")).startswith("llama4"):
        return 1  # every Llama 4 MoE layer has one shared expert of the expert width
    shared = _optional_int(cfg, "shared_expert_intermediate_size", p, low=0)
    if not shared:
        return 0
    if shared % width:
        raise PaybackError(
            f"{p}: shared_expert_intermediate_size = {shared} is not a multiple of the expert "
            f"width {width}"
        )
    return shared // width


def _moe_layers(cfg: Mapping[str, Any], layers: int, p: Path) -> int:
    """Layers with experts: DeepSeek's after ``first_k_dense_replace`` dense ones, every
    ``decoder_sparse_step``-th (Qwen, less ``mlp_only_layers``) or
    ``interleave_moe_layer_step``-th (Llama 4), else all."""
    first_dense = _optional_int(cfg, "first_k_dense_replace", p, low=0) or 0
    if first_dense >= layers:
        raise PaybackError(
            f"{p}: first_k_dense_replace = {first_dense} leaves no MoE layer of {layers}"
        )
    step = _optional_int(cfg, "decoder_sparse_step", p) or _optional_int(
        cfg, "interleave_moe_layer_step", p
    )
    step = step or _optional_int(cfg, "moe_layer_freq", p) or 1
    dense_only = cfg.get("mlp_only_layers") or []
    if not isinstance(dense_only, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and 0 <= i < layers for i in dense_only
    ):
        raise PaybackError(
            f"{p}: mlp_only_layers = {dense_only!r}: must be a list of layer indices below {layers}"
        )
    moe = [
        i for i in range(first_dense, layers) if (i + 1) % step == 0 and i not in set(dense_only)
    ]
    if not moe:
        raise PaybackError(f"{p}: the MoE fields leave no MoE layer of {layers}")
    return len(moe)


def _windows(cfg: Mapping[str, Any], layers: int, p: Path) -> dict[str, Any]:
    """Sliding-window (or chunked local) attention: ``layer_types``, Gemma 3's
    ``sliding_window_pattern``, Llama 4's chunked RoPE layers, Gemma 2's alternate layers,
    or a window on every layer; none when the window covers the whole context."""
    window = _optional_int(cfg, "sliding_window", p)
    chunk = _optional_int(cfg, "attention_chunk_size", p)
    types = cfg.get("layer_types")
    if types is not None:
        if not isinstance(types, list) or len(types) != layers:
            raise PaybackError(
                f"{p}: layer_types has {len(types) if isinstance(types, list) else 'no list of'} "
                f"entries; num_hidden_layers = {layers}"
            )
        unknown = sorted({str(t) for t in types} - set(_LAYER_TYPES))
        if unknown:
            raise PaybackError(
                f"{p}: layer_types: {', '.join(map(repr, unknown))}: unknown; payback models "
                f"{', '.join(_LAYER_TYPES)}"
            )
        sliding = [t for t in types if _LAYER_TYPES[t]]
        if "chunked_attention" in sliding and "sliding_attention" in sliding:
            raise PaybackError(f"{p}: layer_types mixes sliding and chunked attention")
        size = chunk if "chunked_attention" in sliding else window
        if sliding and size is None:
            field = "attention_chunk_size" if "chunked_attention" in sliding else "sliding_window"
            raise PaybackError(f"{p}: layer_types has windowed layers but no {field}")
        count = len(sliding)
    elif chunk is not None:  # Llama 4: RoPE layers attend within chunks, NoPE layers to all
        rope = cfg.get("no_rope_layers")
        if isinstance(rope, list) and len(rope) == layers:
            count = sum(1 for r in rope if r)
        else:
            interval = _optional_int(cfg, "no_rope_layer_interval", p) or 4
            count = layers - layers // interval
        size = chunk
    elif window is None or cfg.get("use_sliding_window") is False:
        return {}
    elif cfg.get("sliding_window_pattern") is not None:  # every pattern-th layer is global
        pattern = _config_int(cfg, "sliding_window_pattern", None, p)
        count, size = layers - layers // pattern, window
    elif str(cfg.get("model_type", "")) == "gemma2":  # sliding and global layers alternate
        count, size = (layers + 1) // 2, window
    else:
        count, size = layers, window
    max_context = cfg.get("max_position_embeddings")
    if not count or size is None or (isinstance(max_context, int) and size >= max_context):
        return {}
    return {"sliding_window": size, "sliding_layers": count}


def _latent_attention(cfg: Mapping[str, Any], p: Path) -> dict[str, Any]:
    """MLA's ranks and head widths (DeepSeek-V2/V3): the latent and rope key are cached."""
    kv_rank = _optional_int(cfg, "kv_lora_rank", p)
    if kv_rank is None:
        return {}
    dims = {k: _optional_int(cfg, k, p) for k in ("qk_rope_head_dim", "qk_nope_head_dim")}
    missing = [k for k, v in dims.items() if v is None]
    if missing:
        raise PaybackError(
            f"{p}: kv_lora_rank = {kv_rank} without {', '.join(missing)}: latent attention "
            "needs both parts of a key head"
        )
    rope, nope = dims["qk_rope_head_dim"] or 0, dims["qk_nope_head_dim"] or 0
    return {
        "kv_lora_rank": kv_rank,
        "q_lora_rank": _optional_int(cfg, "q_lora_rank", p),
        "qk_rope_head_dim": rope,
        "head_dim": nope + rope,
        "v_head_dim": _optional_int(cfg, "v_head_dim", p) or nope + rope,
    }


def model_from_hf_config(path: str | Path) -> OpenModel:
    """An :class:`OpenModel` from a local Hugging Face ``config.json`` (nothing is downloaded).

    Parameters are counted from the shape (attention, gated MLP or experts, norms,
    embeddings). Read as well: a mixture of experts' fields (``num_local_experts`` /
    ``num_experts`` / ``n_routed_experts``, ``num_experts_per_tok``,
    ``moe_intermediate_size``, shared experts, dense first layers), sliding windows
    (``layer_types``, ``sliding_window``, ``sliding_window_pattern``, Llama 4's
    ``attention_chunk_size``) and latent attention (``kv_lora_rank``). A field the reader
    cannot use, or fields that disagree, give one line naming them.
    """
    p = check_path(path)
    cfg = _read_config(p)
    shape: dict[str, Any] = {
        field: _config_int(cfg, key, None, p) for key, field in _CONFIG_FIELDS.items()
    }
    hidden, heads, layers = shape["hidden_size"], shape["heads"], shape["layers"]
    shape["kv_heads"] = _config_int(cfg, "num_key_value_heads", heads, p)
    if heads % shape["kv_heads"]:
        raise PaybackError(
            f"{p}: num_attention_heads = {heads} is not a multiple of "
            f"num_key_value_heads = {shape['kv_heads']}"
        )
    dense_width = cfg.get("intermediate_size_mlp") or cfg.get("intermediate_size")
    shape["intermediate_size"] = _config_int(
        {"intermediate_size": dense_width}, "intermediate_size", 4 * hidden, p
    )
    shape["head_dim"] = _config_int(cfg, "head_dim", max(hidden // heads, 1), p)
    shape.update(_experts(cfg, layers, p))
    shape.update(_windows(cfg, layers, p))
    shape.update(_latent_attention(cfg, p))
    tied = bool(cfg.get("tie_word_embeddings", False))
    split = parameter_split(
        tied_embeddings=tied, **{k: v for k, v in shape.items() if k in SHAPE_FIELDS}
    )
    name = str(cfg.get("_name_or_path") or p.parent.name or p.stem)
    try:
        return OpenModel(
            id=_local_id(name),
            name=name,
            hf_repo="local/" + _local_id(name),
            params_b=split.total / 1e9,
            active_params_b=split.active / 1e9 if "experts" in shape else None,
            tied_embeddings=tied,
            max_context=_config_int(cfg, "max_position_embeddings", 4096, p),
            source=f"local config.json: {p}",
            checked=dt.date.fromtimestamp(p.stat().st_mtime),
            **shape,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        message = str(first["msg"]).removeprefix("Value error, ")
        raise PaybackError(f"{p}: {where + ': ' if where else ''}{message}") from None


def _local_id(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in name.lower()).strip("-._")
    return (cleaned or "local-model")[:64]
