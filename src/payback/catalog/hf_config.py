"""A Hugging Face ``config.json`` read as an :class:`~payback.catalog.records.OpenModel`:
dense, mixture-of-experts (routed, shared and dense-first layers), sliding-window and
chunked attention (``layer_types``), and multi-head latent attention (``kv_lora_rank``).
A field payback cannot model (Mamba or linear-attention layers, a plain two-matrix MLP
by ``model_type``), or one out of range, is one line naming it; a field left out is read
as the family's transformers config class defaults it (``tie_word_embeddings`` for every
family, Gemma 3's shape, context and window pattern)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from payback.catalog.records import OpenModel
from payback.errors import PaybackError
from payback.hardware.shapes import SHAPE_FIELDS, parameter_split
from payback.limits import check_path, read_input

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

_TIED_BY_DEFAULT = frozenset(
    {
        "gemma", "gemma2", "gemma3", "gemma3_text", "gemma3n", "gemma3n_text", "gemma4",
        "gemma4_text", "vaultgemma", "cohere", "cohere2", "cohere2_moe", "smollm3",
        "minicpm3", "ernie4_5", "ernie4_5_moe", "jetmoe",
    }
)  # fmt: skip
"""``model_type`` values whose transformers config class ties the output projection to the
embeddings when ``tie_word_embeddings`` is left out (transformers 5.23; a config.json
saved by transformers omits a value equal to its class's default, as google/gemma-2-9b's
does); every other family's class unties them (Llama, Qwen, Mistral, DeepSeek, gpt-oss)."""

_GEMMA3_TEXT = {
    "vocab_size": 262_208,
    "hidden_size": 2304,
    "intermediate_size": 9216,
    "num_hidden_layers": 26,
    "num_attention_heads": 8,
    "num_key_value_heads": 4,
    "head_dim": 256,
    "max_position_embeddings": 131_072,
    "sliding_window": 4096,
    "sliding_window_pattern": 6,
    "tie_word_embeddings": True,
}
"""transformers' ``Gemma3TextConfig`` defaults for the fields the reader reads
(configuration_gemma3.py; its ``rope_*`` fields change no count payback makes). Without
``layer_types`` the class makes every ``sliding_window_pattern``-th layer global (layer
i slides unless (i + 1) % 6 = 0), which :func:`_windows` reads from the pattern."""

_CLASS_DEFAULTS: dict[str, dict[str, Any]] = {
    "gemma3_text": _GEMMA3_TEXT,
    "gemma3": _GEMMA3_TEXT,  # a multimodal config's text_config without its own model_type
}
"""The config class defaults of families whose published config.json files leave fields
out (a config saved by transformers omits a value equal to its class's default:
google/gemma-3-27b-it's ``text_config`` gives no ``vocab_size``, context or window
pattern), by ``model_type``; a field the file gives, null included, wins. Other families'
files give the fields read (``tie_word_embeddings`` aside: :data:`_TIED_BY_DEFAULT`)."""

_PLAIN_MLP = frozenset(
    {
        "phi", "starcoder2", "falcon", "gpt_neox", "gptj", "gpt2", "gpt_bigcode", "gpt_neo",
        "opt", "persimmon", "bloom", "mpt", "codegen",
    }
)  # fmt: skip
"""``model_type`` values whose MLP is two matrices (up, then down) rather than gated."""

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
        outer = cfg.get("model_type")
        cfg = cfg["text_config"]
        if "model_type" not in cfg and outer is not None:
            cfg = {**cfg, "model_type": outer}
    cfg = {**_CLASS_DEFAULTS.get(str(cfg.get("model_type", "")), {}), **cfg}
    missing = [k for k in _CONFIG_FIELDS if k not in cfg]
    if missing:
        raise PaybackError(
            f"{p}: config.json lacks {', '.join(missing)}; is it a decoder-only LLM?"
        )
    family = str(cfg.get("model_type", ""))
    if family in _PLAIN_MLP:
        raise PaybackError(
            f"{p}: model_type = '{family}': a plain two-matrix MLP, not gated; payback "
            "models gated MLPs (three matrices a layer: Llama, Qwen, Mistral, Gemma) and "
            "would count a third more MLP weights"
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
    tied = bool(cfg.get("tie_word_embeddings", cfg.get("model_type") in _TIED_BY_DEFAULT))
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
