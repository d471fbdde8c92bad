"""A Sobol share that rounds to zero is shown without a minus sign: tried as a new user
would, ``sensitivity --method sobol`` on the starter printed ``-0.00 ±0.01`` for the
replica rate (an estimate a hair below zero, as noise makes it)."""

from __future__ import annotations

import io

from rich.console import Console

from helpers import EXAMPLES, run
from payback.figures import fixed_text
from payback.report import sobol_table
from payback.studies.uncertainty import SobolIndex


def _text(indices: list[SobolIndex]) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(sobol_table(indices))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def test_fixed_text_drops_the_sign_of_a_zero() -> None:
    assert [fixed_text(v) for v in (-0.004, -0.0, 0.0, -0.005001, -0.006, 0.51, -1.5)] == [
        "0.00",
        "0.00",
        "0.00",
        "-0.01",
        "-0.01",
        "0.51",
        "-1.50",
    ]
    assert [fixed_text(v, 0) for v in (-0.4, -10.0, -0.6)] == ["0", "-10", "-1"]


def test_a_sobol_share_below_zero_by_noise_shows_as_zero() -> None:
    out = _text(
        [
            SobolIndex("traffic.requests_per_month", 0.5, 0.52, None, 0.05, 0.03),
            SobolIndex("alternatives.0.replica_requests_per_s", -0.004, 0.006, None, 0.01, -0.001),
            SobolIndex("alternatives.0.ops_usd_per_month", -0.02, 0.01, None, 0.01, 0.0),
        ]
    )
    rows = {line.split()[0]: line.split()[1:5] for line in out.splitlines()[1:4]}
    assert rows["traffic.requests_per_month"] == ["0.50", "±0.05", "0.52", "±0.03"]
    # -0.004 is 0.00, its interval's -0.001 too; a share of -0.02 keeps its sign
    assert rows["alternatives.0.replica_requests_per_s"] == ["0.00", "±0.01", "0.01", "±0.00"]
    assert rows["alternatives.0.ops_usd_per_month"] == ["-0.02", "±0.01", "0.01", "±0.00"]
    assert "-0.00" not in out


def test_the_starters_sobol_table_has_no_negative_zero() -> None:
    code, out, err = run("sensitivity", EXAMPLES / "quarter-200k.toml", "--method", "sobol")
    assert code == 0, err
    row = next(line for line in out.splitlines() if "replica_requests_per_s" in line)
    assert row.split()[1:3] == ["0.00", "±0.01"]  # its estimate is -0.0010 (in --json)
    assert "-0.00" not in out
