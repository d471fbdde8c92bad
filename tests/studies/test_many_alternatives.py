"""Studies of every alternative stay linear in their number: each alternative's drivers and
thresholds are computed on it alone (issue: hostile and odd input; sensitivity took 1.5 GB
at 200 alternatives, explain 353 s at 100)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import payback.studies.solve as solving
import payback.studies.uncertainty as uncertainty
from helpers import build, fleet_dict
from payback.errors import PaybackError
from payback.studies.solve import solve
from payback.studies.uncertainty import tornado


def many(count: int) -> dict[str, Any]:
    data = fleet_dict()
    first = data["alternatives"][0]
    data["alternatives"] = []
    for i in range(count):
        alt = copy.deepcopy(first)
        alt["name"] = f"fleet {i}"
        alt["usd_per_gpu_hour"] = 0.5 + i / 10
        alt["one_time"] = {"data_usd": 1000.0 + 100 * i}
        data["alternatives"].append(alt)
    return data


def cells_per_call(
    monkeypatch: pytest.MonkeyPatch, module: Any, alternatives: list[int] | None = None
) -> list[int]:
    """Records, per engine call, samples × alternatives evaluated (and the alternatives)."""
    calls: list[int] = []
    real = module.evaluate

    def counting(resolved: Any, overrides: Any = None) -> Any:
        result = real(resolved, overrides)
        samples = max((np.size(v) for v in (overrides or {}).values()), default=1)
        calls.append(samples * len(result.alternatives))
        if alternatives is not None:
            alternatives.append(len(result.alternatives))
        return result

    monkeypatch.setattr(module, "evaluate", counting)
    return calls


def test_each_alternatives_drivers_are_those_it_has_alone() -> None:
    scenario = build(many(4))
    together = tornado(scenario)
    for i in range(4):
        data = many(4)
        data["alternatives"] = [data["alternatives"][i]]
        (alone,) = tornado(build(data))
        renamed = [
            (d.parameter.replace("alternatives.0.", f"alternatives.{i}."), d.npv_swing_usd)
            for d in alone
        ]
        # the same drivers and swings (ties may come in another order: inputs are listed
        # in the order the engine first reads them)
        assert sorted((d.parameter, d.npv_swing_usd) for d in together[i]) == sorted(renamed)


def test_tornado_memory_per_engine_call_does_not_grow_with_alternatives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = cells_per_call(monkeypatch, uncertainty)
    tornado(build(many(5)))
    five = max(calls)
    calls.clear()
    tornado(build(many(50)))
    assert len(calls) == 50
    assert max(calls) == five


def test_solving_one_alternative_evaluates_it_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = build(many(30))
    expected = solve(build(many(30)), "traffic.requests_per_month", "npv_usd=0", 7)
    counts: list[int] = []
    cells_per_call(monkeypatch, solving, counts)
    answer = solve(scenario, "traffic.requests_per_month", "npv_usd=0", 7)
    assert answer.value == expected.value
    # the search evaluates this alternative alone; the fleet cap's edges, once, every
    # alternative's fleet (analyze refuses a file any of whose fleets passes the cap)
    assert counts.count(30) == 1
    assert set(counts) == {1, 30}
    counts.clear()
    mine = solve(scenario, "alternatives.7.usd_per_gpu_hour", "npv_usd=0", 7)
    assert mine.parameter == "alternatives.7.usd_per_gpu_hour"
    assert set(counts) == {1}
    counts.clear()
    # another alternative's number cannot move this one: refused before any engine call
    with pytest.raises(PaybackError, match="cannot move alternative 7's answer"):
        solve(scenario, "alternatives.3.usd_per_gpu_hour", "npv_usd=0", 7)
    assert counts == []


def test_an_input_only_other_alternatives_read_still_works() -> None:
    """traffic.peak_to_average moves a fleet, not a per-request price: on a mix, each
    alternative's drivers hold only what moves it, and solving for the per-request one over
    the peak finds no crossing (as before), rather than refusing the input."""
    from helpers import per_request_dict

    data = many(1)
    data["alternatives"].append(per_request_dict()["alternatives"][0])
    scenario = build(data)
    fleet, price = tornado(scenario)
    assert "traffic.peak_to_average" in [d.parameter for d in fleet]
    assert "traffic.peak_to_average" not in [d.parameter for d in price]
    answer = solve(scenario, "traffic.peak_to_average", "npv_usd=0", 1)
    assert answer.value is None
