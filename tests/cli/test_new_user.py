"""The commands tried as a demanding new user would: odd but valid inputs give readable
answers, bad ones one line naming the field, the value and what is allowed (exit code 2)."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import QUARTER, run


def _quarter(tmp_path: Path, old: str, new: str) -> Path:
    text = QUARTER.read_text()
    assert old in text
    path = tmp_path / "edited.toml"
    path.write_text(text.replace(old, new))
    return path


def test_a_trillion_requests_a_month_reads_without_exponents(tmp_path: Path) -> None:
    # 1e12 requests a month on 0.85 requests/s replicas planned at 70%, peak 4×:
    # 1e12 × 4 / (730 × 3600) / (0.85 × 0.7) = 2,302,291 replicas (rounded up)
    path = _quarter(tmp_path, "requests_per_month = 200000 ", "requests_per_month = 1e12 ")
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert not re.search(r"\de[+-]\d", out), out  # 2.3e+06 GPUs, $2.04e+05M
    gpus = next(line for line in out.splitlines() if line.startswith(" GPUs "))
    assert gpus.split()[1:] == ["2,302,291", "2,302,291"]
    assert "→ $204B" in out  # cumulative savings by month 24: $204 billion
