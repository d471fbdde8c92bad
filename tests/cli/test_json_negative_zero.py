"""--json writes one zero, tried as a new user would: an alternative with no one-time
cost started "cumulative_savings_usd": [-0.0, ...] (the cost negated), and a -0.0 typed in
the file was echoed by analyze --json and explain --json."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run

SCENARIO = """
[scenario]
name = "negzero"
horizon_months = 6

[traffic]
requests_per_month = 20000

[baseline]
name = "base"
kind = "per_request"
usd_per_1k_requests = {base}

[[alternatives]]
name = "alt"
kind = "per_request"
usd_per_1k_requests = 2.0

[alternatives.one_time]
data_usd = {data}
training_usd = {data}
"""


def _json(*args: object) -> tuple[str, dict]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return out, json.loads(out)


def test_no_one_time_cost_starts_the_savings_at_zero(tmp_path: Path) -> None:
    path = tmp_path / "zero.toml"
    path.write_text(SCENARIO.format(base=15.0, data="0.0"), encoding="utf-8")
    out, data = _json("analyze", path)
    assert "-0.0" not in out
    assert data["alternatives"][0]["cumulative_savings_usd"][:2] == [0.0, 260.0]


def test_a_typed_negative_zero_is_written_as_zero(tmp_path: Path) -> None:
    path = tmp_path / "negzero.toml"
    path.write_text(SCENARIO.format(base=2.0, data="-0.0"), encoding="utf-8")
    for command in ("analyze", "explain"):
        out, data = _json(command, path)
        assert "-0.0" not in out, command
    _, data = _json("analyze", path)
    assert data["alternatives"][0]["one_time_items_usd"]["data"] == 0.0
