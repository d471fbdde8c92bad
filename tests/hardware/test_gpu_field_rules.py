"""The rules that once read a GPU's name now read its record's ``architecture`` and
``memory``: vLLM's larger limits (not on an Ampere part) and the ``unsloth`` stack's
kernel attainment on datacenter Blackwell (Blackwell with HBM). Every packaged GPU gets
what the name gave it; a GPU of one's own gets what its fields say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from payback.catalog import Catalog, default_catalog, load_catalog
from payback.hardware import serving as sv
from payback.hardware import training as tr
from payback.hardware.device import engine_limits, on_gpu

CAT = default_catalog()


def _catalog(tmp_path: Path, name: str, memory: str | None, architecture: str | None) -> Catalog:
    """A catalog of one's own holding one 80 GiB GPU, ``acme-x1``."""
    for file in ("models.toml", "finetuning.toml"):
        (tmp_path / file).write_text("")
    fields = "".join(
        f'{key} = "{value}"\n'
        for key, value in (("memory", memory), ("architecture", architecture))
        if value
    )
    (tmp_path / "gpus.toml").write_text(
        f'[[gpu]]\nid = "acme-x1"\nname = "{name}"\nmemory_gb = 80\nmemory_mib = 81920\n'
        f"memory_bandwidth_gb_s = 2039\n{fields}bf16_tflops = 312\n"
        'source = "a datasheet of our own"\nchecked = 2026-12-01\n'
    )
    return load_catalog(tmp_path)


def test_every_packaged_gpu_keeps_the_limits_the_name_check_gave_it() -> None:
    larger = set()
    for gpu in CAT.gpus.values():
        by_name = gpu.memory_bytes >= 70 * 2**30 and "A100" not in gpu.name
        for engine in sv.ENGINES.values():
            expected = engine.large_gpu_limits if by_name and engine.large_gpu_limits else None
            seqs, budget = expected or (engine.max_num_seqs, engine.max_num_batched_tokens)
            assert engine_limits(engine, gpu) == (seqs, float(budget or "inf")), gpu.id
        if engine_limits(sv.VLLM, gpu) == (1024, 8192.0):
            larger.add(gpu.id)
    assert larger == {
        "h100-sxm",
        "h100-pcie",
        "h100-nvl",
        "h200",
        "gh200",
        "b200",
        "rtx-pro-6000",
        "mi300x",
        "mi325x",
    }


def test_an_a800_of_ones_own_takes_the_limits_vllm_gives_it(tmp_path: Path) -> None:
    """vLLM decides its limits by the device's name (70 GiB or more and no "a100" in the
    lower-cased name), so an A800 80GB, the A100's chip under another name, runs with
    1,024 sequences and 8,192 tokens a step, and an A100 of any spelling with 256 and
    2,048, whatever its record's architecture."""
    a800 = _catalog(tmp_path, "NVIDIA A800 80GB PCIe", "hbm2e", "ampere").gpu("acme-x1")
    assert a800.memory_bytes == 80 * 2**30
    assert engine_limits(sv.VLLM, a800) == (1024, 8192.0)
    assert on_gpu(sv.VLLM, a800).max_num_batched_tokens == 8192.0
    lower = _catalog(tmp_path, "nvidia a100-sxm4-80gb", "hbm2e", "ampere").gpu("acme-x1")
    assert engine_limits(sv.VLLM, lower) == (256, 2048.0)
    named = _catalog(tmp_path, "NVIDIA A100 80GB", None, None).gpu("acme-x1")
    assert engine_limits(sv.VLLM, named) == (256, 2048.0)
    unknown = _catalog(tmp_path, "Acme X1", None, None).gpu("acme-x1")
    assert engine_limits(sv.VLLM, unknown) == (1024, 8192.0)


def test_every_packaged_gpu_keeps_its_unsloth_attainment() -> None:
    by_name = {}
    for gpu in CAT.gpus.values():
        found = next((e for e in tr.UNSLOTH_ATTAINMENT if re.search(e.pattern, gpu.name)), None)
        by_name[gpu.id] = found.factor if found else 1.0
        assert tr.kernel_attainment(gpu, "unsloth") == by_name[gpu.id], gpu.id
    assert {k: v for k, v in by_name.items() if v != 1.0} == {"b200": 0.83, "rtx-5090": 1.23}


def test_datacenter_blackwell_is_told_by_its_fields(tmp_path: Path) -> None:
    """A Blackwell part with HBM3e is datacenter Blackwell (0.83 of the H100's share of the
    peak) whatever its name; with GDDR7 it is not (an RTX PRO card: 1.0)."""
    hbm = _catalog(tmp_path, "Acme DC-Blackwell", "hbm3e", "blackwell").gpu("acme-x1")
    assert tr.kernel_attainment(hbm, "unsloth") == 0.83
    assert tr.kernel_attainment(hbm, "standard") == 1.0
    gddr = _catalog(tmp_path, "Acme DC-Blackwell", "gddr7", "blackwell").gpu("acme-x1")
    assert tr.kernel_attainment(gddr, "unsloth") == 1.0
    # fields that say otherwise win over a name that says B200
    hopper = _catalog(tmp_path, "NVIDIA B200 lookalike", "hbm3", "hopper").gpu("acme-x1")
    assert tr.kernel_attainment(hopper, "unsloth") == 1.0
    # without the fields, the name; a GeForce card by its name alone
    named = _catalog(tmp_path, "NVIDIA B300", None, None).gpu("acme-x1")
    assert tr.kernel_attainment(named, "unsloth") == 0.83
    geforce = _catalog(tmp_path, "NVIDIA GeForce RTX 5080", "gddr7", "blackwell").gpu("acme-x1")
    assert tr.kernel_attainment(geforce, "unsloth") == pytest.approx(1.23)
