"""recommend on a shared fleet with a ``tpot_ms`` the first configuration misses: the
portfolio engine was set up with that configuration, refused it ("recommend could not set
up the shared fleet with llama-3.1-8b bf16 on 1 × h100-sxm: ... cannot meet it"), and the
search failed while others meet the target (a separate fleet with the same target found
one). It is set up with one that meets the targets; those that miss rank after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import FROZEN_PORTFOLIO, run


def _shared_with_tpot(tmp_path: Path, tpot_ms: float) -> Path:
    text = FROZEN_PORTFOLIO.read_text(encoding="utf-8")
    given = f'gpus_per_replica = 1\nmodel = "llama-3.1-8b"\ntpot_ms = {tpot_ms:g}\n'
    path = tmp_path / f"tpot-{tpot_ms:g}.toml"
    path.write_text(text.replace("gpus_per_replica = 1\n", given, 1), encoding="utf-8")
    return path


def test_a_target_the_first_configuration_misses_ranks_the_others(tmp_path: Path) -> None:
    """Best: llama-3.1-8b fp8 on 1 × MI300X, 5.2 ms a token (<= 6), 2 replicas (the
    alternative's min_replicas) at the catalog's $1.50/GPU-h: 2 × 730 × 1.50 = $2,190 a
    month; bf16 on 1 × H100 (7.3 ms) among those ranked after."""
    code, out, err = run("recommend", _shared_with_tpot(tmp_path, 6), "--json")
    assert code == 0, err
    answer = json.loads(out)
    best = answer["best"]
    assert (best["model"], best["gpu"], best["precision"], best["gpus_per_replica"]) == (
        "llama-3.1-8b",
        "mi300x",
        "fp8",
        1,
    )
    assert best["replicas"] == 2
    assert best["tpot_ms"] <= 6
    assert best["monthly_cost_usd"] == pytest.approx(2 * 730 * 1.50)
    assert answer["missing_targets"] > 0
    assert "support triage: tpot 7.3 > 6 ms" in answer["missing_targets_example"]


def test_no_configuration_meeting_the_target_says_relax(tmp_path: Path) -> None:
    """tpot_ms = 1, which none meets: the search's own answer, not a setup's refusal."""
    code, _, err = run("recommend", _shared_with_tpot(tmp_path, 1))
    assert code == 2
    assert "no configuration meets the latency targets (tpot_ms ≤ 1)" in err
    assert "relax tpot_ms/ttft_ms" in err
    assert "could not set up" not in err
