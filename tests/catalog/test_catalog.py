"""The packaged catalogs: complete, valid, sourced, consistent with the references."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers import LLAMA_8B_CONFIG
from payback import PaybackError
from payback.catalog import (
    Catalog,
    Gpu,
    GpuPrice,
    default_catalog,
    is_stale,
    load_catalog,
    model_from_hf_config,
    typical_gpu_price,
)
from payback.hardware.shapes import SHAPE_FIELDS, parameter_count

REQUIRED_GPUS = [
    "h100-sxm",
    "h100-pcie",
    "h200",
    "a100-80gb",
    "a100-40gb",
    "l40s",
    "l4",
    "a10g",
    "b200",
]
REQUIRED_MODELS = [
    "qwen2.5-0.5b",
    "qwen2.5-1.5b",
    "qwen2.5-7b",
    "qwen2.5-72b",
    "llama-3.1-8b",
    "llama-3.1-70b",
    "llama-3.2-1b",
    "llama-3.2-3b",
    "mistral-7b",
    "gemma-2-9b",
    "phi-3.5-mini",
]
SHAPE = (
    "layers",
    "hidden_size",
    "intermediate_size",
    "heads",
    "kv_heads",
    "head_dim",
    "vocab_size",
    "tied_embeddings",
)


def test_required_ids_are_present() -> None:
    catalog = default_catalog()
    assert set(REQUIRED_GPUS) <= set(catalog.gpus)
    assert set(REQUIRED_MODELS) <= set(catalog.models)
    assert any(o.provider == "openai" for o in catalog.finetunes.values())
    assert any(o.max_params_b is not None for o in catalog.finetunes.values())  # size-banded offers


def test_every_record_and_price_has_a_source_and_a_past_date() -> None:
    catalog = default_catalog()
    records = [*catalog.gpus.values(), *catalog.models.values(), *catalog.finetunes.values()]
    records += [p for g in catalog.gpus.values() for p in g.prices]
    today = dt.date.today()
    for record in records:
        assert len(record.source) >= 8
        assert record.checked <= today, record


def test_every_required_gpu_has_an_on_demand_price() -> None:
    catalog = default_catalog()
    for gpu_id in REQUIRED_GPUS:
        offer = typical_gpu_price(catalog.gpu(gpu_id))
        assert offer is not None, gpu_id
        assert 0.1 < offer.usd_per_gpu_hour < 20


def test_gpu_figures_are_dense_and_ordered() -> None:
    for gpu in default_catalog().gpus.values():
        if gpu.fp8_tflops is not None:
            assert gpu.fp8_tflops == pytest.approx(2 * gpu.bf16_tflops, rel=0.05), gpu.id
        assert gpu.memory_bandwidth_gb_s > 100


@pytest.mark.parametrize(
    ("gpu_id", "memory_gb", "bandwidth", "bf16", "fp8"),
    [  # REFERENCES.md, GPU datasheet constants (dense)
        ("h100-sxm", 80, 3350, 989, 1979),
        ("h100-pcie", 80, 2000, 756, 1513),
        ("h200", 141, 4800, 989, 1979),
        ("a100-80gb", 80, 2039, 312, None),
        ("l40s", 48, 864, 362, 733),
        ("l4", 24, 300, 121, 242.5),
    ],
)
def test_gpus_match_the_reference_datasheets(
    gpu_id: str, memory_gb: float, bandwidth: float, bf16: float, fp8: float | None
) -> None:
    gpu = default_catalog().gpu(gpu_id)
    assert gpu.memory_gb == memory_gb
    assert gpu.memory_bandwidth_gb_s == bandwidth
    assert gpu.bf16_tflops == pytest.approx(bf16, rel=0.01)
    assert gpu.fp8_tflops == (None if fp8 is None else pytest.approx(fp8, rel=0.01))


@pytest.mark.parametrize("model_id", sorted(default_catalog().models))
def test_parameters_follow_from_the_shape(model_id: str) -> None:
    model = default_catalog().model(model_id)
    counted = parameter_count(**{k: getattr(model, k) for k in SHAPE_FIELDS})
    assert counted / 1e9 == pytest.approx(model.params_b, rel=0.03)


def test_unknown_ids_suggest_near_ones() -> None:
    catalog = default_catalog()
    with pytest.raises(
        PaybackError, match=r"unknown GPU 'h100'; did you mean h100-sxm, h100-nvl, h100-pcie"
    ):
        catalog.gpu("h100")
    with pytest.raises(
        PaybackError,
        match=r"unknown model 'llama-3.1-7b'; did you mean llama-3.1-70b, llama-3.1-8b",
    ):
        catalog.model("llama-3.1-7b")
    with pytest.raises(
        PaybackError,
        match=r"unknown hosted fine-tuning offer 'openai.gpt4o-mini'; did you mean openai.gpt-4o-mini",
    ):
        catalog.finetune("openai.gpt4o-mini")


def _gpu(gpu_id: str, *prices: float) -> Gpu:
    return Gpu(
        id=gpu_id,
        name=gpu_id,
        memory_gb=80,
        memory_bandwidth_gb_s=2000,
        bf16_tflops=300,
        source="inline test record",
        checked=dt.date(2026, 1, 1),
        prices=[
            GpuPrice(
                provider=f"p{i}",
                usd_per_gpu_hour=p,
                source="inline test price",
                checked=dt.date(2026, 1, 1),
            )
            for i, p in enumerate(prices)
        ],
    )


def test_typical_price_is_the_median_offer() -> None:
    offer = typical_gpu_price(_gpu("x", 3.0, 1.0, 2.0))
    assert offer is not None
    assert offer.usd_per_gpu_hour == 2.0
    even = typical_gpu_price(_gpu("y", 4.0, 1.0, 2.0, 3.0))
    assert even is not None
    assert even.usd_per_gpu_hour == 2.0  # the lower middle: never inflate a price
    assert typical_gpu_price(_gpu("z")) is None


def test_injectable_catalog_and_duplicate_ids() -> None:
    catalog = Catalog.of(gpus=[_gpu("x", 1.0)])
    assert catalog.gpu("x").prices[0].usd_per_gpu_hour == 1.0
    with pytest.raises(ValueError, match="duplicate gpu id 'x'"):
        Catalog.of(gpus=[_gpu("x"), _gpu("x")])


def test_stale_after_180_days() -> None:
    today = dt.date(2026, 11, 28)
    assert not is_stale(today - dt.timedelta(days=180), today)
    assert is_stale(today - dt.timedelta(days=181), today)


def test_loader_rejects_bad_records(tmp_path: Path) -> None:
    for name in ("models.toml", "finetuning.toml"):
        (tmp_path / name).write_text("")
    (tmp_path / "gpus.toml").write_text(
        '[[gpu]]\nid = "x"\nname = "x"\nmemory_gb = -1\nmemory_bandwidth_gb_s = 1\nbf16_tflops = 1\n'
        'source = "somewhere long"\nchecked = 2026-01-01\n'
    )
    with pytest.raises(ValueError, match=r"gpus.toml: gpu\[0\] \(x\): memory_gb"):
        load_catalog(tmp_path)
    (tmp_path / "gpus.toml").write_text('[[gpus]]\nid = "x"\n')
    with pytest.raises(ValueError, match="unexpected top-level keys"):
        load_catalog(tmp_path)


def test_hf_config_json_is_a_model(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(LLAMA_8B_CONFIG))
    model = default_catalog().model(str(path))
    reference = default_catalog().model("llama-3.1-8b")
    assert model.params_b == pytest.approx(reference.params_b, rel=0.001)
    for field in SHAPE:
        assert getattr(model, field) == getattr(reference, field), field
    assert str(path) in model.source


def test_hf_config_errors(tmp_path: Path) -> None:
    with pytest.raises(PaybackError, match="no such model config file"):
        model_from_hf_config(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(PaybackError, match=r"not a readable config\.json"):
        model_from_hf_config(bad)
    vision = tmp_path / "vision.json"
    vision.write_text(json.dumps({"model_type": "clip"}))
    with pytest.raises(PaybackError, match="lacks num_hidden_layers, hidden_size"):
        model_from_hf_config(vision)
