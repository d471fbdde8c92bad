"""docs/accuracy.md's rows of mixtures of experts are what the code predicts today."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from payback.catalog import default_catalog

ROOT = Path(__file__).resolve().parents[2]


def _accuracy() -> ModuleType:
    spec = importlib.util.spec_from_file_location("accuracy", ROOT / "benchmarks" / "accuracy.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy"] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def test_the_moe_table_is_what_the_code_predicts() -> None:
    accuracy = _accuracy()
    text = (ROOT / "docs" / "accuracy.md").read_text(encoding="utf-8")
    start, end = text.index(accuracy.START), text.index(accuracy.END) + len(accuracy.END)
    assert text[start:end] == accuracy.section(), (
        "docs/accuracy.md differs from the code: run python benchmarks/accuracy.py --write"
    )


def test_the_rows_cover_three_mixtures_of_experts_with_their_conditions() -> None:
    accuracy = _accuracy()
    catalog = default_catalog()
    models = {row.model for row in accuracy.ROWS}
    assert len(models) >= 3
    assert all(catalog.model(m).is_moe for m in models)
    for row in accuracy.ROWS:
        assert row.published > 0
        assert row.conditions
        assert row.source
        assert row.input_tokens > 0
        assert row.output_tokens > 0
