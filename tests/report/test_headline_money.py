"""The report's headline writes the NPV as analyze's verdict does: cents under $1,000, whole
dollars from $1,000. It had always written whole dollars, so a loss of $0.40 read "NPV $0"
beside the table's -$0.40."""

from __future__ import annotations

from pathlib import Path

import pytest

import payback
from payback.report.common import headline

TINY = """
[scenario]
name = "tiny"
horizon_months = 12
discount_rate_annual = 0.0
[traffic]
requests_per_month = 3
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 1.0
[[alternatives]]
name = "alt"
kind = "per_request"
usd_per_1k_requests = 0.9
[alternatives.one_time]
data_usd = {one_time}
"""


@pytest.mark.parametrize(
    ("one_time", "npv"),
    [
        # 3 requests × $0.0001 saved × 12 months = $0.0036, less the one-time cost
        ("0.40", "NPV -$0.40"),  # -$0.3964
        ("2000", "NPV -$2,000"),  # -$1,999.9964: whole dollars from $1,000
    ],
)
def test_the_headline_npv_is_written_as_analyze_writes_it(
    tmp_path: Path, one_time: str, npv: str
) -> None:
    file = tmp_path / "tiny.toml"
    file.write_text(TINY.format(one_time=one_time))
    analysis = payback.analyze(payback.load_scenario(file))
    (alt,) = analysis.alternatives
    assert alt.npv_usd == pytest.approx(0.0036 - float(one_time))
    said = headline(analysis)
    assert f"{npv} over 12 months." in said, said
    assert f"{npv} over 12 months" in analysis.verdict()
