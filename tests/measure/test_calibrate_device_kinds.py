"""payback calibrate on a GPU the catalog lacks (an A800, H800 or H20): the record it
builds gives the architecture and memory the device reports, so weight-only int4 pays
Marlin's fixed time on an HBM Ampere or Hopper part as it did when the rule read the
name. No GPU is needed: PyTorch's device properties are faked."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.device import (
    dequant_gemm_seconds,
    engine_limits,
    gpu_family,
    reported_kinds,
    weight_read_share,
)
from payback.measure import calibrate, devices, timing

CAT = default_catalog()


def _props(
    name: str, major: int, minor: int, gcn: str | None = None, gib: int = 80
) -> SimpleNamespace:
    props = SimpleNamespace(name=name, major=major, minor=minor, total_memory=gib * 2**30)
    if gcn is not None:
        props.gcnArchName = gcn
    return props


@pytest.mark.parametrize(
    ("name", "capability", "gib", "kinds"),
    [
        ("NVIDIA A800 80GB PCIe", (8, 0), 80, ("ampere", "hbm2e")),
        ("NVIDIA A800-SXM4-40GB", (8, 0), 40, ("ampere", "hbm2")),
        ("NVIDIA A30", (8, 0), 24, ("ampere", "hbm2")),
        ("NVIDIA H800", (9, 0), 80, ("hopper", "hbm3")),
        ("NVIDIA H20", (9, 0), 96, ("hopper", "hbm3")),
        ("NVIDIA H100 80GB HBM3", (9, 0), 80, ("hopper", "hbm3")),
        ("NVIDIA H200", (9, 0), 140, ("hopper", "hbm3e")),
        ("NVIDIA H100 PCIe HBM2e", (9, 0), 80, ("hopper", "hbm2e")),  # the name's word wins
        ("NVIDIA A40", (8, 6), 45, ("ampere", "gddr6")),
        ("NVIDIA L20", (8, 9), 45, ("ada", "gddr6")),
        ("NVIDIA B300 SXM6 AC", (10, 3), 268, ("blackwell", "hbm3e")),
        ("NVIDIA GeForce RTX 5080", (12, 0), 16, ("blackwell", "gddr7")),
        ("NVIDIA GB10", (12, 1), 120, ("blackwell", None)),  # LPDDR5X: no kind of the list
        ("Orin", (8, 7), 64, ("ampere", None)),
        ("Tesla V100-SXM2-32GB", (7, 0), 32, (None, None)),  # Volta: no architecture listed
    ],
)
def test_the_reported_capability_gives_architecture_and_memory(
    name: str, capability: tuple[int, int], gib: int, kinds: tuple[str | None, str | None]
) -> None:
    assert reported_kinds(_props(name, *capability, gib=gib)) == kinds


def test_rocm_reports_its_architecture_by_name() -> None:
    # ROCm gives gfx942 a "compute capability" of 9.4, which is no NVIDIA part's
    mi300 = _props("AMD Instinct MI300X", 9, 4, "gfx942:sramecc+:xnack-")
    assert reported_kinds(mi300) == ("cdna3", "hbm3")
    assert reported_kinds(_props("AMD Instinct MI250X", 9, 0, "gfx90a:sramecc+:xnack-")) == (
        None,
        None,
    )  # CDNA 2: no architecture of the list, whatever the capability
    # a CUDA build's attribute that is not a gfx name is not read as ROCm
    assert reported_kinds(_props("NVIDIA H20", 9, 0, "NVIDIA")) == ("hopper", "hbm3")


def test_a_measured_a800_takes_int4s_fixed_time() -> None:
    """An A800 measured at 1,800 GB/s: a 112.5 MB layer streams in 112.5e6 / (0.95 × 0.85
    × 1,800e9) = 77.40 µs beside four multiplies' 36 µs: 0.95 × 77.40 / 113.40 = 0.6484 of
    the 16-bit rate. Without the fields (as before) it read at 0.95."""
    props = _props("NVIDIA A800 80GB PCIe", 8, 0)
    spec = devices.measured_spec("measured", props.name, 80 * 2**30, 250.0, 1800.0, props)
    assert (spec.architecture, spec.memory) == ("ampere", "hbm2e")
    assert gpu_family(spec) == "ampere"
    assert dequant_gemm_seconds(spec, "int4") == 9e-6
    stream = 112.5e6 / (0.95 * 0.85 * 1800e9)
    assert stream == pytest.approx(77.399e-6, rel=1e-4)
    share = weight_read_share(sv.VLLM, spec, "int4", 112.5e6)
    assert share == pytest.approx(0.95 * stream / (stream + 36e-6), rel=1e-12)
    assert share == pytest.approx(0.6484, abs=1e-4)
    assert engine_limits(sv.VLLM, spec) == (1024, 8192.0)  # no "a100" in its name: vLLM's larger
    cpu = devices.measured_spec("cpu", "CPU x86_64 (8 threads)", 16e9, 1.0, 20.0)
    assert (cpu.architecture, cpu.memory) == (None, None)
    assert dequant_gemm_seconds(cpu, "int4") == 0.0


def test_the_probe_of_an_h20_builds_an_hbm_hopper_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole probe with a fake PyTorch: an H20 is not in the catalog, so its record is
    the measured one, with what its properties report."""
    props = _props("NVIDIA H20", 9, 0)
    props.total_memory = 96 * 2**30
    cuda = SimpleNamespace(
        get_device_name=lambda *_: props.name,
        mem_get_info=lambda *_: (90 * 2**30, 96 * 2**30),
        get_device_properties=lambda *_: props,
    )
    torch: Any = SimpleNamespace(cuda=cuda, bfloat16="bf16")
    monkeypatch.setattr(timing, "device_speed", lambda *_: (140.0, 3400.0))
    run = calibrate._Run(torch, "cuda", timing.Timer(torch, "cuda"), 0.0, lambda *_: None)
    found = calibrate._probe_device(run, CAT, None)
    assert found.spec.id == "measured"
    assert (found.spec.architecture, found.spec.memory) == ("hopper", "hbm3")
    assert found.spec.memory_gb == pytest.approx(96 * 2**30 / 1e9)
    assert dequant_gemm_seconds(found.spec, "int4") == 9e-6
    assert run.notes == [
        "NVIDIA H20 is not in the catalog: the measured matrix product and copy stand in for "
        "its datasheet"
    ]
