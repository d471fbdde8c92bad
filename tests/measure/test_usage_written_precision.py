"""``usage -o`` writes the traffic it measured to within 0.05%
(:func:`payback.scenario.rounding.written_value`), so ``analyze`` of the written file
agrees with ``usage --json`` to the contract's 0.1%: one request a day (30.4375 a month)
had been written 30, 1.4% low, and a growth of +3.13407% a month 0.0313."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from helpers import run
from payback import load_scenario
from payback.scenario.rounding import COUNTS, MOVED, TRAFFIC_DIGITS, written_value


def test_one_request_a_day_is_written_as_measured(tmp_path: Path) -> None:
    logs = tmp_path / "oneday.jsonl"
    day = dt.date(2026, 1, 1)
    with logs.open("w") as f:
        while day < dt.date(2026, 9, 1):
            f.write(
                json.dumps({"ts": f"{day}T12:00:00Z", "input_tokens": 1000, "output_tokens": 200})
                + "\n"
            )
            day += dt.timedelta(days=1)
    code, out, err = run("usage", logs, "--json")
    assert code == 0, err
    measured = json.loads(out)["traffic"]["requests_per_month"]
    assert measured == 30.4375  # one a day × 365.25 / 12
    scenario = tmp_path / "s.toml"
    code, out, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    written = load_scenario(scenario).traffic.requests_per_month
    assert written == 30.44  # was 30
    assert abs(written - measured) <= MOVED * measured


@given(
    st.sampled_from(sorted(TRAFFIC_DIGITS)),
    st.floats(min_value=1e-6, max_value=1e12, allow_nan=False),
)
def test_a_written_value_is_within_5e4_of_the_measured_one_and_stays(
    key: str, value: float
) -> None:
    written = written_value(key, value)
    if key in COUNTS or value >= 1e-3:
        assert abs(written - value) <= MOVED * value
    else:  # a share or rate under 0.001: its own decimals, never powers of ten
        assert abs(written - value) <= 0.5 * 10.0 ** -TRAFFIC_DIGITS[key] * (1 + 1e-9)
        assert "e" not in repr(float(written))
    assert written_value(key, written) == written  # rounding again changes nothing
    # no more decimals than needed: one fewer (down to the field's own) would move it more
    text = repr(float(written))
    if "e" in text:  # too small or large to count decimals in its text
        return
    decimals = 0 if isinstance(written, int) else len(text.split(".")[1])
    if decimals > TRAFFIC_DIGITS[key]:
        fewer = round(value, decimals - 1)
        assert abs(fewer - value) > MOVED * value or math.isclose(fewer, written)
