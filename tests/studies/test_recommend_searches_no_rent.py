"""A scenario whose self-hosted alternative names no model, GPU or rent is searched with
``recommend --model``, each GPU priced from the catalog (README): it was refused
'usd_per_gpu_hour is required unless gpu names a catalog GPU ...' before the search ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, run

RENT = "usd_per_gpu_hour = 0.80"


def _no_rent(tmp_path: Path) -> Path:
    lines = (EXAMPLES / "quarter-200k.toml").read_text().splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(RENT)]
    assert len(kept) == len(lines) - 1
    path = tmp_path / "q2-norent.toml"
    path.write_text("".join(kept))
    return path


def test_recommend_with_model_searches_a_file_with_no_rent(tmp_path: Path) -> None:
    path = _no_rent(tmp_path)
    code, out, err = run("recommend", path, "--model", "qwen2.5-7b", "--json")
    assert code == 0, err
    best = json.loads(out)["best"]
    assert (best["model"], best["gpu"], best["replicas"]) == ("qwen2.5-7b", "l4", 1)
    assert best["usd_per_gpu_hour"] == 0.8048  # the catalog's L4 rent
    assert best["monthly_cost_usd"] == pytest.approx(730 * 0.8048)  # $587.50
    applied = tmp_path / "new.toml"
    code, _, err = run("recommend", path, "--model", "qwen2.5-7b", "--apply", "-o", applied)
    assert code == 0, err
    code, out, err = run("analyze", applied, "--json")
    assert code == 0, err
    gpus = json.loads(out)["alternatives"][0]["components_usd"]["gpus"]
    assert gpus[0] == pytest.approx(730 * 0.8048, abs=0.005)


def test_without_model_the_file_is_still_refused(tmp_path: Path) -> None:
    code, out, err = run("recommend", _no_rent(tmp_path))
    assert (code, out) == (2, "")
    assert "usd_per_gpu_hour is required unless gpu names a catalog GPU" in err
