"""A long horizon's sparkline drawn whole: tried as a new user would, horizon_months = 600
showed only the first ~80 months, the rest cut (the line now wraps over eight lines
instead). It is resampled to the width available, its last bar the horizon's value, the
ends' figures kept beside it."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from helpers import ENV
from payback.cli import app
from payback.report.text import BARS, Sparkline, resampled

LONG = """\
[scenario]
name = "long"
horizon_months = 600
[traffic]
requests_per_month = 100000
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 10
[[alternatives]]
name = "ft"
kind = "per_request"
usd_per_1k_requests = 9.99
[alternatives.one_time]
data_usd = 1000
"""


def _rendered(line: Sparkline, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(line)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def test_resampled_keeps_month_0_and_the_horizon() -> None:
    months = [float(m) for m in range(601)]
    # 40 points: month 0, then every 16th month's end (600 / 39 rounded up), then month 600
    points = resampled(months, 40)
    assert points[:4] == [0.0, 16.0, 32.0, 48.0]
    assert points[-2:] == [592.0, 600.0]
    assert len(points) == 39  # 1 + 600 / 16 rounded up
    assert resampled([1.0, 2.0, 3.0], 3) == [1.0, 2.0, 3.0]  # fits: as it is


def test_a_curve_that_falls_at_its_end_shows_it_last() -> None:
    """End-of-bucket values: the horizon's drop is the last bar, not averaged away."""
    values = [0.0] + [100.0] * 599 + [-500.0]
    out = _rendered(Sparkline(values, "  $0 → -$500"), 40)
    assert out.splitlines() == [out.splitlines()[0]]  # one line
    line = out.splitlines()[0].rstrip()
    assert len(line) <= 40
    assert line.endswith("  $0 → -$500")
    bars = line.split("  ")[0]
    assert len(bars) == 28  # 40 - 12 for the ends; 1 + 600 / 23 rounded up, 23 = 600 / 27 up
    # levels of 8 from -500 to 100: 0 is (0 + 500) / 600 × 7 = 5.8, the sixth step up
    assert bars[0] == BARS[6]
    assert set(bars[1:-1]) == {BARS[7]}
    assert bars[-1] == BARS[0]


def test_a_600_month_horizon_fits_the_line(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(LONG)
    for columns in (80, 100):
        result = CliRunner(env=ENV | {"COLUMNS": str(columns)}).invoke(app, ["analyze", str(path)])
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        at = next(i for i, x in enumerate(lines) if x.startswith("Cumulative savings"))
        line = lines[at].rstrip()
        assert lines[at + 1].startswith("NPV, 600 months")  # one line, not eight
        assert "…" not in line
        assert len(line) <= columns
        # month 0 saves -$1,000, each month +$1 after: -$400 at month 600, the highest bar
        assert line.endswith("  -$1.0k → -$400")
        bars = line.removeprefix("Cumulative savings").strip().split()[0]
        assert bars[0] == BARS[0]
        assert bars[-1] == BARS[-1]
        assert list(bars) == sorted(bars, key=BARS.index)  # rising, as the curve does
        room = columns - len("Cumulative savings  ") - len("  -$1.0k → -$400")
        # 80 columns: 44 bars, 14 months each (600 / 43 rounded up); 100: 61 bars of 10
        assert len(bars) == {80: 44, 100: 61}[columns]
        assert len(bars) == len(resampled([0.0] * 601, room))
