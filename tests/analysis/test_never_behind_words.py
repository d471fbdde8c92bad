"""An alternative that has recovered less than nothing by the horizon (its months cost more
to run than the baseline's, on top of what it paid up front) says how far behind it is and
why; the verdict had read "by month 12 it has recovered -$5,927 of the $0 up front" (tried
as a new user would, on growing traffic that four always-on GPUs serve dearer at first)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import run

SCENARIO = """
[scenario]
name = "behind"
horizon_months = 12
discount_rate_annual = 0.0

[traffic]
requests_per_month = 1000000
growth_monthly = 0.1

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 3.0

[[alternatives]]
name = "alt"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
replica_requests_per_s = 1.0
target_utilization = 1.0
min_replicas = 4
gpus_per_replica = 1
[alternatives.one_time]
data_usd = {data}
"""


def _hand(data_usd: float) -> tuple[float, float, float]:
    """Behind at month 12, month 12's saving and the month it would catch up by, by hand:
    the baseline 3,000 · 1.1^(m−1) a month, four GPUs 4 · 730 · $2 = $5,840 a month."""
    saving = [3000.0 * 1.1 ** (m - 1) - 5840.0 for m in range(1, 13)]
    behind = data_usd - sum(saving)
    return behind, saving[-1], 12 + behind / saving[-1]


@pytest.mark.parametrize("data_usd", [0.0, 5000.0])
def test_the_verdict_says_how_far_behind_and_why(tmp_path: Path, data_usd: float) -> None:
    path = tmp_path / "behind.toml"
    path.write_text(SCENARIO.replace("{data}", str(data_usd)), encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 0, err
    verdict = " ".join(out[out.index("Verdict:") :].split())
    behind, last, month = _hand(data_usd)
    assert f"{behind:,.0f}" == ("5,927" if data_usd == 0 else "10,927")
    why = (
        "all of it more to run than the baseline"
        if data_usd == 0
        else f"the $5,000 up front and ${behind - 5000:,.0f} more to run than the baseline"
    )
    sep = ", " if data_usd == 0 else ": "
    assert f"by month 12 it is ${behind:,.0f} behind{sep}{why};" in verdict
    assert f"if month 12's ${last:,.0f} saving" in verdict
    assert f"catching up would take until about month {month:.1f}" in verdict
    assert "recovered" not in verdict
    assert not re.search(r"-\$[\d,]+ of the", verdict)
