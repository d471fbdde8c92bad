"""Each GPU record names its memory kind and architecture; those fields, not the name,
decide whether weight-only int4 pays Marlin's fixed time a matrix multiply."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from payback import estimate_serving
from payback.catalog import (
    ARCHITECTURES,
    HBM_KINDS,
    MEMORY_KINDS,
    Catalog,
    default_catalog,
    load_catalog,
)
from payback.hardware import serving as sv
from payback.hardware.device import _FAMILIES, dequant_gemm_seconds, gpu_family, weight_read_share

CAT = default_catalog()

MEMORY = {
    "h100-sxm": "hbm3",
    "h100-pcie": "hbm2e",
    "h100-nvl": "hbm3",
    "h200": "hbm3e",
    "gh200": "hbm3",
    "b200": "hbm3e",
    "a100-80gb": "hbm2e",
    "a100-40gb": "hbm2",
    "a100-pcie": "hbm2e",
    "l40s": "gddr6",
    "l40": "gddr6",
    "l4": "gddr6",
    "a10": "gddr6",
    "a10g": "gddr6",
    "rtx-a6000": "gddr6",
    "rtx-6000-ada": "gddr6",
    "rtx-4090": "gddr6x",
    "rtx-5090": "gddr7",
    "rtx-pro-6000": "gddr7",
    "mi300x": "hbm3",
    "mi325x": "hbm3e",
}
"""What each datasheet names (the catalog's ``source``; REFERENCES.md's table where listed)."""

FIXED = {
    "h100-sxm",
    "h100-pcie",
    "h100-nvl",
    "h200",
    "gh200",
    "a100-80gb",
    "a100-40gb",
    "a100-pcie",
}
"""The GPUs int4 paid the fixed time on before the fields (by a pattern on the name)."""


def test_every_packaged_gpu_names_its_memory_and_architecture() -> None:
    assert {g.id: g.memory for g in CAT.gpus.values()} == MEMORY
    assert all(g.architecture in ARCHITECTURES for g in CAT.gpus.values())
    assert MEMORY_KINDS == ("hbm2", "hbm2e", "hbm3", "hbm3e", "gddr6", "gddr6x", "gddr7")
    assert sorted(HBM_KINDS) == ["hbm2", "hbm2e", "hbm3", "hbm3e"]


def test_the_architecture_field_agrees_with_the_name_it_replaced() -> None:
    """The family recognised by the name before is the one each record now gives."""
    for gpu in CAT.gpus.values():
        by_name = next((f for p, f in _FAMILIES if re.search(p, gpu.name)), None)
        assert gpu.architecture == by_name, gpu.id
        assert gpu_family(gpu) == by_name


def test_the_fixed_time_goes_to_the_same_gpus_as_before() -> None:
    taken = {g.id for g in CAT.gpus.values() if dequant_gemm_seconds(g, "int4") == 9e-6}
    assert taken == FIXED
    assert all(
        dequant_gemm_seconds(g, "int4") == 0.0 for g in CAT.gpus.values() if g.id not in FIXED
    )


def _user_gpu(memory: str, architecture: str | None = "hopper") -> str:
    arch = f'architecture = "{architecture}"\n' if architecture else ""
    return (
        f'[[gpu]]\nid = "acme-x1"\nname = "Acme X1"\nmemory_gb = 96\n'
        f'memory_bandwidth_gb_s = 2000\nmemory = "{memory}"\n{arch}bf16_tflops = 500\n'
        'source = "a datasheet of our own"\nchecked = 2026-12-01\n'
    )


def _catalog(tmp_path: Path, gpus: str) -> Catalog:
    for name in ("models.toml", "finetuning.toml"):
        (tmp_path / name).write_text("")
    (tmp_path / "gpus.toml").write_text(gpus)
    return load_catalog(tmp_path)


def test_a_user_gpu_with_hbm_takes_the_fixed_time_and_one_with_gddr_does_not(
    tmp_path: Path,
) -> None:
    """A catalog of one's own: an HBM3 Hopper part called "Acme X1" at 2,000 GB/s. A
    112.5 MB layer streams in 112.5e6 / (0.95 × 0.85 × 2,000e9) = 69.66 µs beside four
    multiplies' 36 µs: 0.95 × 69.66 / 105.66 = 0.6263 of the 16-bit rate. The same card
    with GDDR6 reads at 0.95 (no fixed time)."""
    hbm = _catalog(tmp_path, _user_gpu("hbm3")).gpu("acme-x1")
    assert dequant_gemm_seconds(hbm, "int4") == 9e-6
    assert weight_read_share(sv.VLLM, hbm, "int4", 112.5e6) == pytest.approx(0.62632, rel=1e-4)
    gddr = _catalog(tmp_path, _user_gpu("gddr6")).gpu("acme-x1")
    assert dequant_gemm_seconds(gddr, "int4") == 0.0
    assert weight_read_share(sv.VLLM, gddr, "int4", 112.5e6) == 0.95
    model = CAT.model("llama-3.1-8b")
    slow, fast = (estimate_serving(model, g, "int4", batch=1).tpot_ms for g in (hbm, gddr))
    assert slow > fast  # 32 layers × 4 × 9 µs = 1.15 ms more a token, less the stream's share
    nothing = _catalog(tmp_path, _user_gpu("hbm3", None)).gpu("acme-x1")
    assert nothing.architecture is None
    assert gpu_family(nothing) == "hopper"  # "Acme X1" matches no family's name
    assert dequant_gemm_seconds(nothing, "int4") == 0.0  # no architecture given: no fixed time


def test_an_unknown_memory_kind_is_one_line_naming_field_value_and_allowed(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match="memory = 'ddr5'") as caught:
        _catalog(tmp_path, _user_gpu("ddr5"))
    assert str(caught.value) == (
        "gpus.toml: gpu[0] (acme-x1): memory = 'ddr5': Input should be 'hbm2', 'hbm2e', "
        "'hbm3', 'hbm3e', 'gddr6', 'gddr6x' or 'gddr7'"
    )
    with pytest.raises(ValueError, match="architecture = 'volta'") as caught:
        _catalog(tmp_path, _user_gpu("hbm3", "volta"))
    assert str(caught.value) == (
        "gpus.toml: gpu[0] (acme-x1): architecture = 'volta': Input should be 'ampere', "
        "'ada', 'hopper', 'blackwell' or 'cdna3'"
    )
