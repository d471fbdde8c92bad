"""The record of the device ``payback calibrate`` measures: a CUDA device's name matched
to its catalog GPU (:func:`gpu_for_device`), or, for a CPU or a GPU the catalog lacks, its
measured speeds standing in for a datasheet (:func:`measured_spec`)."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from payback.catalog import Catalog, Gpu
from payback.hardware.device import reported_kinds

__all__ = ["cpu_memory_bytes", "gpu_for_device", "measured_spec"]


def gpu_for_device(name: str, catalog: Catalog) -> Gpu | None:
    """The catalog GPU a CUDA device name (``NVIDIA H100 80GB HBM3``) stands for, if any.

    >>> from payback.catalog import default_catalog
    >>> [gpu_for_device(n, default_catalog()).id for n in
    ...  ("NVIDIA H100 80GB HBM3", "NVIDIA H100 PCIe", "NVIDIA H200", "NVIDIA A100-SXM4-40GB",
    ...   "NVIDIA L40S", "NVIDIA L4", "NVIDIA A10G", "NVIDIA H100 NVL", "NVIDIA A100 80GB PCIe")]
    ['h100-sxm', 'h100-pcie', 'h200', 'a100-40gb', 'l40s', 'l4', 'a10g', 'h100-nvl', 'a100-pcie']
    """
    words = set(re.findall(r"[a-z0-9]+", name.lower()))
    found = []
    for gpu in catalog.gpus.values():
        parts = gpu.id.split("-")
        head = "".join(parts[:2]) if parts[0] == "rtx" else parts[0]
        joined = "".join(re.findall(r"[a-z0-9]+", name.lower()))
        if head not in words and not (parts[0] == "rtx" and head in joined):
            continue
        variant = parts[-1] if len(parts) > 1 and parts[0] != "rtx" else None
        if variant in ("pcie", "nvl") and variant not in words:
            continue
        if variant == "sxm" and words & {"pcie", "nvl"}:
            continue
        if variant and variant.endswith("gb") and variant not in words:
            continue
        found.append(gpu)
    sizes = {int(w[:-2]) for w in words if re.fullmatch(r"\d+gb", w)}
    if sizes and len(found) > 1:  # "A100-PCIE-40GB": the 40 GB record
        found = [g for g in found if round(g.memory_gb) in sizes] or found
    for form in ("pcie", "nvl"):  # "A100 80GB PCIe": the PCIe record, not the SXM one
        if form in words and len(found) > 1:
            found = [g for g in found if g.id.endswith(form)] or found
    return found[0] if len(found) == 1 else None


def measured_spec(
    device_id: str,
    name: str,
    memory_bytes: float,
    matmul_tflops: float,
    copy_gb_s: float,
    props: Any = None,
) -> Gpu:
    """A device the catalog lacks (a CPU, an unknown GPU) as a record: the peak and the
    bandwidth just measured stand in for its datasheet, and a GPU's architecture and
    memory are what its properties report (``props``, from
    ``torch.cuda.get_device_properties``: :func:`~payback.hardware.device.reported_kinds`),
    so an A800, H800 or H20 is taken as the HBM Ampere or Hopper part it is."""
    architecture, memory = reported_kinds(props) if props is not None else (None, None)
    return Gpu(
        id=device_id,
        name=name,
        memory_gb=memory_bytes / 1e9,
        memory_bandwidth_gb_s=copy_gb_s,
        memory=memory,
        architecture=architecture,
        bf16_tflops=matmul_tflops,
        source="measured by payback calibrate on this machine",
        checked=dt.date.today(),
    )


def cpu_memory_bytes() -> float:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 16.0 * 2**30
