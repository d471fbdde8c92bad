"""A scenario's narrowed input that moves nothing over the half left is said where the
narrowed inputs are (it vanished from the tornado without a word); analyze's reason is the
refusal's structured ``reason`` (it was read back from the line's words); and a narrowed
range holds only values analyze accepts.

catalog-ids with Llama 3.1 70B on H100s at tpot_ms = 8.5 and 20,000 requests a month: at
6.375 ms (-25%) no replica size meets the target; from 8.5 to 10.625 analyze keeps one
8-GPU replica, the same NPV, so tpot_ms moved nothing and was left out, its refused half
unsaid."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import payback
from helpers import EXAMPLES, run
from payback.analysis.cashflows import evaluate
from payback.analysis.resolve import resolve
from payback.errors import PaybackError
from payback.scenario import FieldRange
from payback.scenario.distributions import Uniform
from payback.studies import accepted
from payback.studies.accepted import narrowed_unmoved, within_accepted
from payback.studies.uncertainty import UncertainInput, tornado, uncertain_inputs

TPOT = "alternatives.0.tpot_ms"
REASON = (
    "llama-3.1-70b at fp8 on 2 × h100-sxm cannot meet it: one sequence alone takes 17.2 ms "
    "per token, nor can 8 GPUs in one node (7.8 ms alone on 8)"
)
ANY_POSITIVE = FieldRange(0.0, math.inf, False, False, True)
LABEL = f"+25% only, not -25%: at 6.375 analyze refuses the file ({REASON})"


def _file(tmp_path: Path, tpot: str) -> Path:
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    for old, new in (
        ('model = "llama-3.1-8b"\ngpu = "l40s"', 'model = "llama-3.1-70b"\ngpu = "h100-sxm"'),
        ("tpot_ms = 40 ", f"tpot_ms = {tpot} "),
        ("requests_per_month = 1000000", "requests_per_month = 20000"),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"tight-{tpot}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _npv(path: Path) -> float:
    return float(payback.analyze(payback.load_scenario(path)).alternatives[0].npv_usd)


def _one(text: str) -> str:
    return " ".join(text.split())


def test_a_narrowed_input_that_moves_nothing_is_said(tmp_path: Path) -> None:
    tight = _file(tmp_path, "8.5")
    assert _npv(tight) == pytest.approx(_npv(_file(tmp_path, "10.625")), rel=1e-12)
    drivers = tornado(payback.load_scenario(tight))
    assert TPOT not in [d.parameter for d in drivers[0]]
    (unmoved,) = narrowed_unmoved(drivers[0])
    assert unmoved.path == TPOT
    assert unmoved.narrowed is not None
    assert unmoved.narrowed.label == LABEL
    assert narrowed_unmoved(drivers[1]) == []  # the hosted alternative reads no tpot_ms
    code, out, err = run("sensitivity", tight)
    assert code == 0, err
    said = f"but {TPOT} moved {LABEL}, and over that range it changes nothing, so it is not listed."
    assert _one(out).count(said) == 1
    code, out, err = run("sensitivity", tight, "--json")
    assert code == 0, err
    first, second = json.loads(out)["alternatives"]
    assert first["narrowed_unmoved"] == [
        {
            "parameter": TPOT,
            "narrowed": {"end": "low", "refused": 6.375, "reason": REASON, "label": LABEL},
        }
    ]
    assert "narrowed_unmoved" not in second  # a key only where there is one


def test_the_refusal_carries_analyzes_reason(tmp_path: Path) -> None:
    """The words stay as they were; the reason is a field of the error."""
    resolved = resolve(payback.load_scenario(_file(tmp_path, "8.5")))
    with pytest.raises(PaybackError) as raised:
        evaluate(resolved, {TPOT: np.array([6.375])})
    assert raised.value.reason == REASON
    assert raised.value.messages[0].startswith(
        f"{TPOT} = 6.375: analyze refuses the file there ({REASON}), and the capacity of "
        "alternatives.0 is estimated again"
    )


def test_the_label_takes_the_errors_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal worded otherwise still gives its reason, not its whole line."""
    resolved = resolve(payback.load_scenario(_file(tmp_path, "8.5")))
    inputs = [i for i in uncertain_inputs(resolved) if i.path == TPOT]

    def refusing(scenario: object, overrides: dict[str, np.ndarray]) -> None:
        if overrides[TPOT][0] < 8.5:
            raise PaybackError("tpot 6.375 (a study's words)", reason="no batch meets it")

    monkeypatch.setattr(accepted, "evaluate", refusing)
    ((item, _),) = within_accepted(resolved, [(i, i.path) for i in inputs])
    assert item.narrowed is not None
    assert item.narrowed.reason == "no batch meets it"
    assert item.narrowed.label.endswith("at 6.375 analyze refuses the file (no batch meets it)")


@settings(max_examples=60, deadline=None)
@given(
    central=st.floats(0.5, 1e4),
    share=st.floats(0.01, 0.9),
    at=st.floats(0.0, 1.0),
    refuse_below=st.booleans(),
    u=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=1, max_size=20),
)
def test_narrowed_samples_lie_where_analyze_accepts(
    central: float, share: float, at: float, refuse_below: bool, u: list[float]
) -> None:
    """Whatever side analyze refuses (below or above a threshold between an end and the
    file's value), every sample of the narrowed input is a value it accepts, between the
    file's value and the end it accepts."""
    low, high = central * (1 - share), central * (1 + share)
    threshold = low + at * (central - low) if refuse_below else central + at * (high - central)

    def run(path: str, x: float) -> None:
        if (x < threshold) if refuse_below else (x > threshold):
            raise PaybackError(f"{path} = {x}: refused", reason="past it")

    item = UncertainInput(
        "x", central, Uniform(dist="uniform", low=low, high=high), ANY_POSITIVE, "±25%"
    )
    out = accepted._narrowed([(item, "x")], {"x"}, run)
    if (low >= threshold) if refuse_below else (high <= threshold):  # both ends accepted
        assert out == [(item, "x")]
        return
    ((got, _),) = out
    assert got.narrowed is not None
    assert got.narrowed.end == ("low" if refuse_below else "high")
    assert got.ends() == ((central, high) if refuse_below else (low, central))
    samples = got.ppf(np.array(u))
    assert np.all((got.ends()[0] <= samples) & (samples <= got.ends()[1]))
    for x in samples:
        run("x", float(x))  # accepted
    assert replace(got, narrowed=None, dist=item.dist) == item
