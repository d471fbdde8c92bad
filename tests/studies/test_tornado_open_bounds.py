"""A tornado's end clipped at a bound the field leaves out is a value the field accepts.

Tried as a new user would: ``escalation_share = 0.85`` (it must be under 1). Its ±25% end
past 1 was clipped to 1.0 itself and said "clipped to what the field allows": --json gave
``"high": 1.0``, a value analyze refuses; ``growth_monthly = -0.9`` gave a low end of
-1.0 (the field must be over -1)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run

SEED = """\
[scenario]
name = "escalating"
horizon_months = 24
discount_rate_annual = 0.0

[traffic]
requests_per_month = 20000
growth_monthly = GROWTH

[baseline]
name = "base"
kind = "per_request"
usd_per_1k_requests = 15.0

[[alternatives]]
name = "alt"
kind = "per_request"
usd_per_1k_requests = 2.0
escalation_share = 0.85
[alternatives.one_time]
data_usd = 400.0
"""


def _ends(tmp_path: Path, growth: str) -> dict[str, tuple[float, float]]:
    path = tmp_path / "s.toml"
    path.write_text(SEED.replace("GROWTH", growth), encoding="utf-8")
    code, out, err = run("sensitivity", path, "--json")
    assert code == 0, err
    drivers = json.loads(out)["alternatives"][0]["drivers"]
    return {d["parameter"]: (d["low"], d["high"]) for d in drivers}


def test_an_end_past_an_open_bound_is_the_nearest_value_inside(tmp_path: Path) -> None:
    ends = _ends(tmp_path, "-0.9")
    low, high = ends["alternatives.0.escalation_share"]
    assert low == 0.85 * 0.75
    assert high == 1.0 - 2.0**-53  # the largest float under 1: accepted, 1.0 is not
    growth_low, growth_high = ends["traffic.growth_monthly"]
    assert growth_low == -1.0 + 2.0**-53  # over -1, as the field asks
    assert growth_high == -0.9 * 0.75
    accepted = SEED.replace("0.85", repr(high)).replace("GROWTH", repr(growth_low))
    (tmp_path / "ends.toml").write_text(accepted, encoding="utf-8")
    code, _, err = run("analyze", tmp_path / "ends.toml")
    assert code == 0, err
