"""Scenarios compared when one is a portfolio of a single workload, tried as a new user
would: its heading read "one (1 workload together)"."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES, run


def test_a_portfolio_of_one_workload_is_not_said_to_move_together(tmp_path: Path) -> None:
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    one = tmp_path / "one.toml"  # the first workload only
    one.write_text(text[: text.index("[[workloads]]", text.index("[[workloads]]") + 1)])
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
