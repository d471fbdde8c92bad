"""A portfolio of a single workload, tried as a new user would: compared with another
scenario its heading read "one (1 workload together)", and its fleet's GPUs went unsaid."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import EXAMPLES, first_workloads, run


def _one(tmp_path: Path) -> Path:
    return first_workloads(tmp_path / "one.toml", 1)


def test_a_portfolio_of_one_workload_is_not_said_to_move_together(tmp_path: Path) -> None:
    one = _one(tmp_path)
    code, out, err = run("analyze", one, EXAMPLES / "seed.toml")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "one (1 workload) " in flat
    assert "one (five tasks, one 8B base model; 1 workload): best of 2 by NPV" in flat
    assert "together" not in flat
    code, out, err = run("analyze", EXAMPLES / "portfolio.toml", EXAMPLES / "seed.toml")
    assert code == 0, err
    assert "portfolio (five tasks, one 8B base model; 5 workloads together): best" in " ".join(
        out.split()
    )


def test_the_fleet_of_one_workload_says_its_gpus(tmp_path: Path) -> None:
    """The shared alternative serving one workload runs min_replicas = 2 GPUs (its busiest
    hour needs 0.43 requests/s of a replica's 9.66, one replica): analyze said only 'one
    fleet (one workload)', where --json gives the GPUs; the second is kept by the floor."""
    code, out, err = run("analyze", _one(tmp_path))
    assert code == 0, err
    said = "one fleet (one workload): 2 GPUs (1 GPU kept by min_replicas beyond what the traffic needs)"
    assert f"Fleet {said} USD" in " ".join(out.split())
    code, out, err = run("analyze", _one(tmp_path), "--json")
    assert json.loads(out)["portfolio"]["alternatives"][0]["gpus"][0] == 2
