"""What recommend says a fleet's rent is paid for (tried as a new user would: a serverless
rent with the default always_on = true was called 'busy GPU-seconds' while each
configuration was charged a full month, an L4's $0.80 × 730 h = $584)."""

from __future__ import annotations

from pathlib import Path

from helpers import run

SCENARIO = """
[scenario]
name = "rec"
horizon_months = 12
discount_rate_annual = 0.0

[traffic]
requests_per_month = 2000000
input_tokens = 1000
output_tokens = 200

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 3.0
output_usd_per_mtok = 15.0

[[alternatives]]
name = "self"
kind = "self_hosted"
model = "qwen2.5-7b"
tpot_ms = 50
gpu_price = "serverless"
"""


def _said(tmp_path: Path, extra: str = "") -> str:
    path = tmp_path / "rec.toml"
    path.write_text(SCENARIO + extra)
    code, out, err = run("recommend", path)
    assert code == 0, err
    return " ".join(out.split())


def test_a_serverless_fleet_kept_running_is_said_to_pay_every_hour(tmp_path: Path) -> None:
    out = _said(tmp_path)
    assert (
        "priced as serverless rent for every hour of the month (always_on = true keeps the "
        "fleet running; false pays only busy GPU-seconds)"
    ) in out
    assert "busy GPU-seconds)" not in out.replace("only busy GPU-seconds)", "")
    assert " l4 fp8 1 1 2.30 43.9 181 $583* met" in out  # 730 h × $0.7992: a full month


def test_a_serverless_fleet_scaled_to_zero_pays_busy_seconds(tmp_path: Path) -> None:
    out = _said(tmp_path, "always_on = false\n")
    assert "priced as serverless rent (busy GPU-seconds)" in out
    assert "$583*" not in out
