"""The page's "what would it take" to break even by month 3 says, beside it, the traffic
that pays back within a quarter as the verdict beside it counts it, where the two differ.

The file of tests/report/test_quarter_after_a_dip.py at 10,000 requests a month: the first
break-even reaches month 3 from 12,500 requests a month, but with a $200 retraining in
month 3 it pays back within a quarter only from 15,000 (0.03 R - 450 >= 0). The page
answered 12,500 beside "Within a quarter? no" at 12,500-14,999, and said nothing more."""

from __future__ import annotations

from pathlib import Path

import payback
from helpers import EXAMPLES
from retrained import RETRAINED_QUARTERLY as DIP


def _words(path: Path) -> list[str]:
    from payback.web.state import what_it_takes

    analysis = payback.analyze(payback.load_scenario(path))
    return what_it_takes(analysis, 0, "traffic.requests_per_month", "break_even_month", 3.0)


def test_a_retraining_in_month_3_names_the_quarters_traffic_too(tmp_path: Path) -> None:
    path = tmp_path / "dip.toml"
    path.write_text(DIP.format(requests=10_000), encoding="utf-8")
    words = " ".join(_words(path))
    assert "12,500" in words
    assert (
        "To pay back within a quarter, not behind again at month 3, traffic must be at least "
        "15,000 requests a month" in words
    )


def test_no_second_figure_where_the_two_agree() -> None:
    words = " ".join(_words(EXAMPLES / "quarter-200k.toml"))
    assert "585,538" in words
    assert "To pay back within a quarter" not in words
