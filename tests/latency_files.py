"""Scenario texts of a 70B on H100s with a per-token target, shared by the tests of the
latency refusal and its advice (tests/hardware/test_latency_refusal.py,
test_alone_in_a_server.py, tests/cli/test_advice_names_flags.py)."""

from __future__ import annotations

HEAD = """
[scenario]
name = "lat"
horizon_months = 12
[traffic]
requests_per_month = 1000000
input_tokens = 1000
output_tokens = 200
[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10
[[alternatives]]
name = "70b"
kind = "self_hosted"
model = "llama-3.1-70b"
gpu = "h100-sxm"
precision = "bf16"
"""

LAT2G = HEAD + "usd_per_gpu_hour = 3\ntpot_ms = 20\ngpus_per_replica = 2\n"
"""Rented, 2 GPUs a replica, 20 ms a token: one sequence alone takes 29.6 ms."""

OWNED = (
    HEAD.replace("{", "{{").replace("}", "}}")
    + "tpot_ms = {tpot}\n{replica}\n[alternatives.owned]\nusd_per_server = 100000\n"
    "gpus_per_server = {server}\n"
)
"""Owned servers of ``{server}`` GPUs; ``str.format`` with ``tpot``, ``server`` and
``replica`` (a ``gpus_per_replica = N`` line, or empty)."""
