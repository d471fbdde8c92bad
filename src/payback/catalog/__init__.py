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

from payback.catalog.records import STALE_AFTER_DAYS, Gpu, GpuPrice, HostedFineTune, OpenModel
from payback.errors import PaybackError
from payback.hardware.shapes import parameter_count
from payback.limits import check_path, read_input

__all__ = [
    "STALE_AFTER_DAYS",
    "Catalog",
    "Gpu",
    "GpuPrice",
    "HostedFineTune",
    "OpenModel",
    "default_catalog",
    "gpu_offer",
    "is_stale",
    "load_catalog",
    "model_from_hf_config",
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


def _near(word: str, choices: Iterable[str]) -> str:
    """'; did you mean a, b?': ids that contain ``word`` first, then the closest spellings."""
    options = list(choices)
    containing = [c for c in options if word.lower() in c]
    close = containing + difflib.get_close_matches(word.lower(), options, n=3, cutoff=0.5)
    picked = list(dict.fromkeys(close))[:3]
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
            return self.gpus[gpu_id]
        except KeyError:
            raise PaybackError(
                f"unknown GPU {_shown_id(gpu_id)}{_near(gpu_id, self.gpus)} (known: {', '.join(self.gpus)})"
            ) from None

    def model(self, model_id: str, base: Path | None = None) -> OpenModel:
        """The open model with this id or Hugging Face repository (``meta-llama/Llama-3.1-8B-Instruct``),
        or read from a local ``config.json`` path (relative paths from ``base``)."""
        if model_id in self.models:
            return self.models[model_id]
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
            return self.finetunes[offer_id]
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


def typical_gpu_price(gpu: Gpu, kind: str = "on_demand") -> GpuPrice | None:
    """The median-priced offer of a kind (the lower middle one for an even count)."""
    offers = sorted((p for p in gpu.prices if p.kind == kind), key=lambda p: p.usd_per_gpu_hour)
    if not offers:
        return None
    return offers[(len(offers) - 1) // 2]


def gpu_offer(gpu: Gpu, provider: str | None = None, kind: str = "on_demand") -> GpuPrice | None:
    """A provider's offer for ``gpu`` (its on-demand one when it has several kinds), or the
    typical offer of ``kind`` when no provider is named; :class:`PaybackError` for a
    provider the catalog does not list for this GPU. With a ``kind`` other than on-demand
    (a 1- or 3-year commitment), the provider's offer of that kind, ``None`` if it has none."""
    if provider is None:
        return typical_gpu_price(gpu, kind)
    offers = sorted(
        (p for p in gpu.prices if p.provider == provider), key=lambda p: p.kind != "on_demand"
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
    """Whether a figure checked on ``checked`` is older than ``days`` days."""
    return ((today or dt.date.today()) - checked).days > days


_CONFIG_FIELDS = {
    "num_hidden_layers": "layers",
    "hidden_size": "hidden_size",
    "num_attention_heads": "heads",
    "vocab_size": "vocab_size",
}


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


def model_from_hf_config(path: str | Path) -> OpenModel:
    """An :class:`OpenModel` from a local Hugging Face ``config.json`` (nothing is downloaded).

    Parameters are counted from the shape (attention, gated MLP, norms, embeddings).
    Mixture-of-experts configs are refused: their weights and active parameters differ.
    """
    p = check_path(path)
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
    experts = cfg.get("num_local_experts") or cfg.get("num_experts") or cfg.get("n_routed_experts")
    if experts and experts != 1:
        raise PaybackError(
            f"{p}: a mixture-of-experts model ({experts} experts) is not supported yet: "
            "its memory and compute per token differ; give replica_requests_per_s instead"
        )
    shape = {field: _config_int(cfg, key, None, p) for key, field in _CONFIG_FIELDS.items()}
    hidden, heads = shape["hidden_size"], shape["heads"]
    shape["kv_heads"] = _config_int(cfg, "num_key_value_heads", heads, p)
    shape["intermediate_size"] = _config_int(cfg, "intermediate_size", 4 * hidden, p)
    shape["head_dim"] = _config_int(cfg, "head_dim", max(hidden // heads, 1), p)
    tied = bool(cfg.get("tie_word_embeddings", False))
    params = parameter_count(tied_embeddings=tied, **shape)
    name = str(cfg.get("_name_or_path") or p.parent.name or p.stem)
    try:
        return OpenModel(
            id=_local_id(name),
            name=name,
            hf_repo="local/" + _local_id(name),
            params_b=params / 1e9,
            tied_embeddings=tied,
            max_context=_config_int(cfg, "max_position_embeddings", 4096, p),
            source=f"local config.json: {p}",
            checked=dt.date.fromtimestamp(p.stat().st_mtime),
            **shape,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PaybackError(f"{p}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def _local_id(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in name.lower()).strip("-._")
    return (cleaned or "local-model")[:64]
