"""The report's summary row of an alternative that saves nothing has no requests until
break-even ("—"), as analyze --json gives none (null): it had read "nothing saved | 0"
(tried as a new user would, on a GPU that costs what the API does, every month)."""

from __future__ import annotations

import tomllib

from payback import analyze
from payback.report.common import summary_table
from payback.scenario import parse_scenario

SAME = """
[scenario]
name = "equal cost"
horizon_months = 12
discount_rate_annual = 0.0

[traffic]
requests_per_month = 2628000    # 1 request/s over 730 hours
peak_to_average = 1.0

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = {per_1k}

[[alternatives]]
name = "alt"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
replica_requests_per_s = 1.0
target_utilization = 1.0
"""


def _row(per_1k: str) -> list[str]:
    analysis = analyze(parse_scenario(tomllib.loads(SAME.format(per_1k=per_1k))))
    table = summary_table(analysis)
    return dict(zip(table.header, table.rows[0], strict=True))


def test_nothing_saved_counts_no_requests() -> None:
    # one GPU at $2.00 for 730 h is $1,460 a month; 2,628,000 requests at $1,460 / 2,628
    # per 1,000 cost the same
    row = _row(repr(1460 / 2628))
    assert row["cost in month 1"] == "$1,460"
    assert row["pays back"] == "nothing saved"
    assert row["requests until then"] == "—"


def test_a_saving_from_month_one_pays_back_after_no_requests() -> None:
    row = _row("1.0")  # $2,628 a month against $1,460: ahead from month 1, month 0
    assert row["requests until then"] == "0"
    assert row["pays back"] != "nothing saved"
