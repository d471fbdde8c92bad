"""An assumed ±25% end analyze refuses is taken back to the file's value
(studies/accepted.py); the range is then labelled as it was moved, one way only and why,
never "±25%", in the terminal's table, --json and the reports; and Sobol's samples are
narrowed the same way (they sampled the refused end: the command stopped).

catalog-ids with Llama 3.1 70B on H100s at tpot_ms = 10: at 7.5 ms (-25%) no replica size
meets the target (one sequence alone takes 17.2 ms per token on 2 GPUs), so tpot_ms moves
from 10 to 12.5 only. The table said "No distribution for these inputs: each moved ±25%",
the reports "10 to 12, ±25% clipped to what the field allows", and `payback sensitivity
--method sobol` stopped with "alternatives.0.tpot_ms = 7.51084, ...: analyze refuses the
file there"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import payback
from helpers import EXAMPLES, run
from payback.analysis import cashflows
from payback.analysis.resolve import resolve
from payback.studies.uncertainty import sobol, tornado

TPOT = "alternatives.0.tpot_ms"
REASON = (
    "llama-3.1-70b at fp8 on 2 × h100-sxm cannot meet it: one sequence alone takes 17.2 ms "
    "per token, nor can 8 GPUs in one node (7.8 ms alone on 8)"
)
LABEL = f"+25% only, not -25%: at 7.5 analyze refuses the file ({REASON})"


@pytest.fixture
def tight(tmp_path: Path) -> Path:
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    for old, new in (
        ('model = "llama-3.1-8b"\ngpu = "l40s"', 'model = "llama-3.1-70b"\ngpu = "h100-sxm"'),
        ("tpot_ms = 40 ", "tpot_ms = 10 "),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "tight.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _one(text: str) -> str:
    return " ".join(text.split())


def test_the_tornado_says_which_end_was_taken_back_and_why(tight: Path) -> None:
    (tpot,) = [d for d in tornado(payback.load_scenario(tight))[0] if d.parameter == TPOT]
    assert (tpot.low, tpot.high) == (10.0, 12.5)
    assert tpot.assumed == "±25%"  # the rule; the narrowing is said beside it
    assert tpot.narrowed is not None
    assert (tpot.narrowed.end, tpot.narrowed.refused) == ("low", 7.5)
    assert tpot.narrowed.reason == REASON
    assert tpot.narrowed.label == LABEL
    others = [d for r in tornado(payback.load_scenario(tight)) for d in r if d.parameter != TPOT]
    assert others
    assert all(d.narrowed is None for d in others)


def test_json_has_the_field(tight: Path) -> None:
    code, out, err = run("sensitivity", tight, "--json")
    assert code == 0, err
    drivers = json.loads(out)["alternatives"][0]["drivers"]
    (tpot,) = [d for d in drivers if d["parameter"] == TPOT]
    assert tpot["narrowed"] == {"end": "low", "refused": 7.5, "reason": REASON, "label": LABEL}
    assert all(d["narrowed"] is None for d in drivers if d["parameter"] != TPOT)


def test_the_table_labels_the_range_as_moved(tight: Path) -> None:
    code, out, err = run("sensitivity", tight)
    assert code == 0, err
    text = _one(out)
    assert (
        "No distribution for these inputs: each moved ±25%; a rate left at 0 over an assumed "
        f"range (price trend -30%..0/year); but {TPOT} moved {LABEL}." in text
    )
    # the second alternative (hosted) reads no latency target: its note is as before
    assert text.count(f"but {TPOT} moved") == 1


def test_the_report_labels_the_range_as_moved(tight: Path, tmp_path: Path) -> None:
    output = tmp_path / "r.md"
    code, _, err = run("report", tight, "-o", output)
    assert code == 0, err
    text = _one(output.read_text(encoding="utf-8"))
    assert f"(alternatives.0.tpot\\_ms; 10.0 to 12.5, {LABEL}):" in text
    assert "clipped to what the field allows" not in text
    assert "one way only where analyze refuses the file at the other end" in text
    code, out, err = run("explain", tight)
    assert code == 0, err
    assert f"({TPOT}; 10.0 to 12.5, {LABEL}):" in _one(out)


def test_sobol_samples_only_what_analyze_accepts(
    tight: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every latency target Sobol's samples try lies between the file's 10 ms and 12.5 ms,
    and the index says it was sampled one way only."""
    seen: list[float] = []
    engine = cashflows.evaluate

    def evaluate(scenario: Any, overrides: Any = None, *args: Any, **kwargs: Any) -> Any:
        if overrides and TPOT in overrides:
            seen.extend(np.ravel(overrides[TPOT]).tolist())
        return engine(scenario, overrides, *args, **kwargs)

    monkeypatch.setattr(cashflows, "evaluate", evaluate)
    found = sobol(resolve(payback.load_scenario(tight)), samples=64)
    sampled = [v for v in seen if v != 10.0]
    assert len(sampled) > 64
    assert min(seen) >= 10.0
    assert max(seen) <= 12.5
    assert max(seen) > 12.4  # the whole narrowed range, not less
    (index,) = [i for i in found.alternatives[0] if i.parameter == TPOT]
    assert index.narrowed is not None
    assert index.narrowed.label == LABEL
    assert all(i.narrowed is None for a in found.alternatives for i in a if i.parameter != TPOT)


def test_sobol_on_the_command_line(tight: Path) -> None:
    code, out, err = run("sensitivity", tight, "--method", "sobol", "--samples", "64")
    assert code == 0, err
    assert "analyze refuses the file there" not in err
    assert f"but {TPOT} moved {LABEL}." in _one(out)
    code, out, err = run("sensitivity", tight, "--method", "sobol", "--samples", "64", "--json")
    assert code == 0, err
    (index,) = [i for i in json.loads(out)["alternatives"][0]["indices"] if i["parameter"] == TPOT]
    assert index["narrowed"]["end"] == "low"
    assert index["narrowed"]["refused"] == 7.5
