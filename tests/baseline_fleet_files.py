"""The portfolio a new user wrote to try a shared self-hosted baseline: three workloads of
100,000 requests a month, today on one replica of 2 GPUs at $2/GPU-hour ($2,920 a month),
against a hosted mini API. Shared by the analysis, report and page tests of that fleet
(tests/analysis/test_portfolio_baseline.py, test_portfolio_baseline_row_words.py,
tests/web/test_page_baseline_fleet.py)."""

from __future__ import annotations

WORKLOADS = "".join(
    f"""
[[workloads]]
name = "{name}"
traffic = {{ requests_per_month = 100000, input_tokens = 1000, output_tokens = 200 }}
"""
    for name in "abc"
)

THREE_ON_ONE_FLEET = (
    """
[scenario]
name = "self-hosted baseline portfolio"
horizon_months = 12

[baseline]
name = "own 70B fleet"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
gpus_per_replica = 2
replica_requests_per_s = 5.0
min_replicas = 1

[[alternatives]]
name = "hosted mini"
kind = "hosted_api"
input_usd_per_mtok = 0.15
output_usd_per_mtok = 0.6
"""
    + WORKLOADS
)
"""The file as written: every workload on the one baseline fleet, moved to the API whole."""


def escalating(share: float) -> str:
    """:data:`THREE_ON_ONE_FLEET` with ``share`` of the moved requests sent back to the
    fleet (``escalation_share``), which then keeps running for them."""
    old = "output_usd_per_mtok = 0.6\n"
    assert THREE_ON_ONE_FLEET.count(old) == 1
    return THREE_ON_ONE_FLEET.replace(old, f"{old}escalation_share = {share}\n")
