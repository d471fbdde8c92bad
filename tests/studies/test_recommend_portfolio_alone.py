"""recommend on a portfolio whose alternatives both still need their GPUs chosen, tried as a
new user would: the shared fleet of the first was set up with the whole scenario, so the
second alternative's missing ``gpu`` refused the search ("alternatives.1.gpu: required to
price and size it; run `payback recommend FILE` to choose one"), sending the user back to
the command that refused. Each alternative is configured on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import payback
from helpers import TESTS, run
from payback.scenario import load_scenario

FILE = TESTS / "data" / "portfolio_gpus_to_choose.toml"
SECOND = 'name = "a fine-tuned 8B and its own fleet per task"\nkind = "self_hosted"\n'


def _with_second_gpu(tmp_path: Path) -> Path:
    """The same portfolio with the second alternative on a GPU (as analyze needs it)."""
    text = FILE.read_text(encoding="utf-8")
    assert SECOND in text
    path = tmp_path / "second-on-l40s.toml"
    path.write_text(text.replace(SECOND, SECOND + 'gpu = "l40s"\nprecision = "fp8"\n'))
    return path


def _answer(result: payback.Recommendation) -> dict[str, Any]:
    out = result.to_dict()
    out.pop("search_seconds")
    return out


def test_the_shared_fleet_is_chosen_while_another_alternative_has_no_gpu(
    tmp_path: Path,
) -> None:
    """Five workloads on one shared fleet: 2 replicas (min_replicas) of llama-3.1-8b int4
    on 1 × l4 at the catalog's $0.8048/GPU-h, 2 × 730 × 0.8048 = $1,175.008 a month; the
    same answer, configuration for configuration, as when the second alternative has its
    GPU."""
    alone = payback.recommend(load_scenario(FILE), 0)
    best = alone.best
    assert best is not None, alone.no_best_reason
    assert (best.model, best.gpu, best.precision, best.gpus_per_replica) == (
        "llama-3.1-8b",
        "l4",
        "int4",
        1,
    )
    assert (best.replicas, best.replicas_max) == (2, 2)
    assert best.monthly_cost_usd == pytest.approx(2 * 730 * 0.8048, rel=1e-12)
    assert _answer(alone) == _answer(payback.recommend(load_scenario(_with_second_gpu(tmp_path))))


def test_the_command_configures_each_alternative_of_the_file(tmp_path: Path) -> None:
    for index in ("0", "1"):
        code, out, err = run("recommend", FILE, "--alternative", index, "--top", "1")
        assert code == 0, err
        assert f"alternatives.{index} '" in out
        assert "Best: llama-3.1-8b" in out
    out_file = tmp_path / "new.toml"
    code, _, err = run("recommend", FILE, "--apply", "-o", out_file)
    assert code == 0, err
    written = load_scenario(out_file).alternatives
    assert getattr(written[0], "gpu", None) == "l4"
    assert getattr(written[1], "gpu", None) is None  # the other is the user's to configure
