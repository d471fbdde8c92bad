"""The models teams serve today are in the catalog with their shapes, sources, dates and
licences; mixtures of experts state total and active parameters consistently."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from importlib import resources

import pytest

from payback.catalog import default_catalog
from payback.hardware.estimate import model_parameters

CAT = default_catalog()
NEW_MODELS = [
    "qwen3-0.6b",
    "qwen3-1.7b",
    "qwen3-4b",
    "qwen3-8b",
    "qwen3-14b",
    "qwen3-32b",
    "qwen3-30b-a3b",
    "qwen2.5-14b",
    "qwen2.5-32b",
    "gpt-oss-20b",
    "gpt-oss-120b",
    "gemma-3-1b",
    "gemma-3-4b",
    "gemma-3-12b",
    "gemma-3-27b",
    "llama-3.3-70b",
    "llama-4-scout",
    "mistral-small-24b",
    "phi-4",
    "deepseek-v3",
]
MOE = ["qwen3-30b-a3b", "gpt-oss-20b", "gpt-oss-120b", "llama-4-scout", "deepseek-v3"]


def test_the_new_models_are_present_with_unique_ids() -> None:
    assert set(NEW_MODELS) <= set(CAT.models)
    raw = tomllib.loads(
        resources.files("payback.catalog").joinpath("data/models.toml").read_text("utf-8")
    )
    ids = [m["id"] for m in raw["model"]]
    assert len(ids) == len(set(ids))
    repos = [m["hf_repo"].lower() for m in raw["model"]]
    assert len(repos) == len(set(repos))


@pytest.mark.parametrize("model_id", sorted(CAT.models))
def test_every_model_has_a_source_a_date_and_a_licence(model_id: str) -> None:
    model = CAT.model(model_id)
    assert model.source.startswith("https://huggingface.co/" + model.hf_repo + "/")
    assert dt.date(2026, 1, 1) <= model.checked <= dt.date.today()
    assert model.license is not None
    assert len(model.license) > 5


@pytest.mark.parametrize("model_id", NEW_MODELS)
def test_new_entries_were_checked_for_this_issue(model_id: str) -> None:
    assert CAT.model(model_id).checked == dt.date(2026, 12, 2)


@pytest.mark.parametrize("model_id", MOE)
def test_moe_entries_state_total_and_active_parameters_consistently(model_id: str) -> None:
    model = CAT.model(model_id)
    assert model.is_moe
    split = model_parameters(model)
    assert split.total / 1e9 == pytest.approx(model.params_b, rel=0.03)
    # cards count the active parameters with the input embedding (Qwen) or without (gpt-oss)
    assert model.active_params_b is not None
    with_embedding = split.active / 1e9
    without = (split.active - split.embedding) / 1e9
    assert without * 0.97 <= model.active_params_b <= with_embedding * 1.03
    assert model.active_params_b < model.params_b / 4


@pytest.mark.parametrize(
    ("model_id", "experts", "top_k", "shared", "width", "moe_layers"),
    [
        ("qwen3-30b-a3b", 128, 8, 0, 768, None),
        ("gpt-oss-20b", 32, 4, 0, 2880, None),
        ("gpt-oss-120b", 128, 4, 0, 2880, None),
        ("llama-4-scout", 16, 1, 1, 8192, None),
        ("deepseek-v3", 256, 8, 1, 2048, 58),
    ],
)
def test_moe_shapes_from_their_configs(
    model_id: str, experts: int, top_k: int, shared: int, width: int, moe_layers: int | None
) -> None:
    model = CAT.model(model_id)
    assert (model.experts, model.experts_per_token, model.shared_experts) == (
        experts,
        top_k,
        shared,
    )
    assert (model.moe_intermediate_size, model.moe_layers) == (width, moe_layers)


@pytest.mark.parametrize(
    ("model_id", "window", "sliding"),
    [
        ("gemma-3-1b", 512, 22),
        ("gemma-3-4b", 1024, 29),
        ("gemma-3-12b", 1024, 40),
        ("gemma-3-27b", 1024, 52),
        ("gpt-oss-20b", 128, 12),
        ("gpt-oss-120b", 128, 18),
        ("llama-4-scout", 8192, 36),
    ],
)
def test_sliding_window_layers(model_id: str, window: int, sliding: int) -> None:
    model = CAT.model(model_id)
    assert (model.sliding_window, model.sliding_layers) == (window, sliding)
    # Gemma 3: every sixth layer global; gpt-oss: alternate; Llama 4: one NoPE layer in four
    assert model.layers - model.sliding_layers in (
        model.layers // 6,
        model.layers // 2,
        model.layers // 4,
    )


def test_deepseek_is_mla() -> None:
    model = CAT.model("deepseek-v3")
    assert model.is_mla
    assert (model.kv_lora_rank, model.qk_rope_head_dim, model.q_lora_rank) == (512, 64, 1536)
    assert (model.head_dim, model.v_head_dim) == (128 + 64, 128)


def test_licences_that_limit_commercial_use_say_how() -> None:
    assert "700 million monthly active users" in (CAT.model("llama-4-scout").license or "")
    assert "700 million monthly active users" in (CAT.model("llama-3.3-70b").license or "")
    assert "100 million monthly active users" in (CAT.model("qwen2.5-72b").license or "")
    assert "Prohibited Use Policy" in (CAT.model("gemma-3-27b").license or "")
    for open_licence in ("qwen3-30b-a3b", "gpt-oss-20b", "mistral-small-24b", "qwen2.5-14b"):
        assert (CAT.model(open_licence).license or "").startswith("Apache-2.0")
    assert (CAT.model("phi-4").license or "").startswith("MIT")
    assert (CAT.model("deepseek-v3").license or "").startswith("MIT")


LICENCE_NAMES = {"Apache-2.0": "Apache License 2.0", "MIT": "MIT License"}


@pytest.mark.parametrize("model_id", sorted(CAT.models))
def test_every_licence_names_where_and_when_it_was_read(model_id: str) -> None:
    model = CAT.model(model_id)
    source = model.license_source or ""
    assert source.startswith("https://"), model_id
    # the source names the licence the record states ("Llama 3.3 Community License" -> its
    # family "Llama 3.3 Community"; "Apache-2.0 (...)" -> "Apache License 2.0")
    family = (model.license or "").split(" (")[0].split(":")[0]
    assert LICENCE_NAMES.get(family, family.split(" License")[0]) in source, model_id
    # and the day it was confirmed: a real date, not before the catalog existed nor ahead
    dates = re.findall(r"confirmed (\d{4}-\d{2}-\d{2})", source)
    assert dates, f"{model_id}: no 'confirmed YYYY-MM-DD' in its licence source"
    for day in dates:
        assert dt.date(2026, 1, 1) <= dt.date.fromisoformat(day) <= dt.date.today(), model_id


def test_licences_that_restrict_use_point_at_the_licence_text() -> None:
    for model_id in ("llama-3.3-70b", "llama-4-scout"):
        source = CAT.model(model_id).license_source or ""
        assert "700 million monthly active users" in source
        assert "LICENSE" in source
    assert "ai.google.dev/gemma/terms" in (CAT.model("gemma-3-27b").license_source or "")
    assert "USAGE_POLICY" in (CAT.model("gpt-oss-120b").license_source or "")
