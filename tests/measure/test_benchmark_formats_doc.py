"""docs/benchmark-formats.md's table of the sample files is the folder's: it listed
``vllm_old_save_result.json``, which only ``_gen.py`` writes."""

from __future__ import annotations

import re

from helpers import DATA, ROOT

DOC = ROOT / "docs" / "benchmark-formats.md"


def _listed() -> set[str]:
    """The files the doc's table of the sample files names, one a row."""
    section = DOC.read_text(encoding="utf-8").split(
        "## The sample files in `tests/data/benchmarks/`", 1
    )[1]
    rows = section.split("\n\n", 2)[1]  # the table: after the heading's blank line
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|", rows, re.M)}


def test_the_docs_table_of_sample_files_is_the_folders() -> None:
    folder = DATA
    held = {p.name for p in folder.iterdir() if p.is_file() and p.name != "README.md"}
    assert "vllm_save_result.json" in _listed()
    assert _listed() == held


def test_the_file_only_the_generator_writes_is_said_so() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert (
        "`_gen.py` also writes `vllm_old_save_result.json`, which is not kept in the folder"
    ) in text
    assert "vllm_old_save_result.json" in (DATA / "_gen.py").read_text()
    assert not (DATA / "vllm_old_save_result.json").exists()
