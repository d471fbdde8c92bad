"""Serving benchmarks' result files read as calibrations, one module per format.

- :mod:`~payback.measure.benchmarks.vllm`: ``vllm bench serve --save-result`` (and the
  older ``benchmark_serving.py``);
- :mod:`~payback.measure.benchmarks.nvidia`: NVIDIA GenAI-Perf's
  ``profile_export_genai_perf.json`` and AIPerf's ``profile_export_aiperf.json``.

The field-by-field mapping is in ``docs/benchmark-formats.md``. :func:`read_benchmark`
tells the formats apart by their fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from payback.errors import PaybackError
from payback.measure.benchmarks._common import json_objects, offered_load
from payback.measure.benchmarks.nvidia import from_nvidia, is_nvidia
from payback.measure.benchmarks.vllm import from_vllm, is_vllm
from payback.measure.calibration import Calibration

__all__ = [
    "RUN_ADVICE",
    "SCENARIO_RUN_ADVICE",
    "catalog_model_id",
    "read_benchmark",
    "read_benchmark_with_warnings",
]

RUN_ADVICE = "read_benchmark(path, run=N)"
"""How the warning of a file holding several runs says to import another (N counts from
1); the command line gives its own command there."""

SCENARIO_RUN_ADVICE = (
    "read_benchmark(path, run=N), write it with calibration_toml() and name that file as "
    "calibration"
)
""":data:`RUN_ADVICE` where a scenario's ``calibration`` names the file: the run picked is
a calibration file of its own, which the scenario then names (the command line says its
command, and ``cli._advice`` holds its words)."""


def read_benchmark(path: str | Path, run: int | None = None) -> Calibration:
    """Import a serving benchmark's result file as a calibration.

    ``run`` picks one run (1-based) of a file holding several (vLLM's
    ``--append-result``); the default is the last. What to double-check (failed
    requests, a run picked among several) comes from :func:`read_benchmark_with_warnings`.
    """
    return read_benchmark_with_warnings(path, run)[0]


def read_benchmark_with_warnings(
    path: str | Path, run: int | None = None
) -> tuple[Calibration, list[str]]:
    """:func:`read_benchmark`, and what to double-check about the result."""
    p = Path(path)
    objects = json_objects(p)
    _not_pytorch_records(p, objects)
    warnings: list[str] = []
    if run is not None and not 1 <= run <= len(objects):
        raise PaybackError.bad(
            "run",
            run,
            f"{p} holds one run, so there is none to pick: leave it out"
            if len(objects) == 1
            else f"{p} holds {len(objects)} runs; pick 1 to {len(objects)}",
        )
    index = (run or len(objects)) - 1
    if len(objects) > 1 and run is None:
        warnings.append(  # the command line tells its command for this call: RUN_ADVICE
            f"{p}: holds {len(objects)} runs; using the last (import another with "
            f"{RUN_ADVICE}, N from 1 to {len(objects)})"
        )
    data = objects[index]
    where = str(p) if len(objects) == 1 else f"{p} (run {index + 1})"
    if is_vllm(data):
        cal, more = from_vllm(data, where)
    elif is_nvidia(data):
        cal, more = from_nvidia(data, where)
    else:
        keys = ", ".join(sorted(data)[:8])
        raise PaybackError(
            f"{where}: not a vLLM --save-result, GenAI-Perf or AIPerf profile export "
            f"(no request_throughput; keys: {keys or 'none'})"
        )
    assert cal.serving is not None
    more += offered_load(cal.serving, where)
    return cal.model_copy(update={"file": p.name, "model": catalog_model_id(cal.served_model)}), (
        warnings + more
    )


def _not_pytorch_records(path: Path, objects: list[dict[str, Any]]) -> None:
    """Refuse the ``*.pytorch.json`` vLLM writes beside a ``--save-result`` file (records of
    PyTorch's benchmark database: ``benchmark``, ``model``, ``metric``), naming the result
    to import instead."""
    if not all("metric" in o and "benchmark" in o for o in objects):
        return
    name = path.name
    stem = name[: -len(".pytorch.json")] if name.lower().endswith(".pytorch.json") else ""
    instead = (
        f"import {path.with_name(stem + '.json')} instead"
        if stem
        else "import the --save-result file it was written beside instead"
    )
    raise PaybackError(
        f"{path}: records for PyTorch's benchmark database, which vLLM writes beside its "
        f"--save-result file (as NAME.pytorch.json), not the result itself; {instead}"
    )


def catalog_model_id(name: str | None) -> str | None:
    """The catalog id of a model named by id, Hugging Face repository or config.json path
    (``meta-llama/Llama-3.1-8B-Instruct`` is ``llama-3.1-8b``); None when unknown."""
    if not name:
        return None
    from payback.catalog import default_catalog

    try:
        return default_catalog().model(name).id
    except PaybackError:
        return None
