"""The Sobol size limit, tried as a new user would: the count it suggests passes, it counts
one alternative's inputs (each alternative is studied alone), and the command line names
``--samples`` and says when the count was the default.

Before: ``--samples 1048576`` on 45 inputs said "use at most 19,753 samples" (40,000,000 //
45²) and ``--samples 19753`` was refused the same way (rounded up to 32,768 first); 100
alternatives of 7 inputs each were refused at the default 1,024 ("711 uncertain inputs")
and at the 79 samples the refusal asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

import payback.studies.sobol as sobol_module
from helpers import build, fleet_dict, run
from payback import PaybackError
from payback.analysis.resolve import resolve
from payback.studies.sobol import check_sobol_size, most_base_samples
from payback.studies.uncertainty import sobol, uncertain_inputs

FLEET = """
[scenario]
name = "fleet"
horizon_months = 3
[traffic]
requests_per_month = 2628000
input_tokens = 1000
output_tokens = 200
[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0
[[alternatives]]
name = "fleet"
kind = "self_hosted"
usd_per_gpu_hour = 1.0
replica_requests_per_s = 1.0
target_utilization = 1.0
"""


def fleets(count: int) -> dict:  # type: ignore[type-arg]
    data = fleet_dict()
    first = data["alternatives"][0]
    data["alternatives"] = [
        {**first, "name": f"fleet {i}", "usd_per_gpu_hour": 0.5 + i / 10} for i in range(count)
    ]
    return data


def test_the_count_it_suggests_passes_and_one_more_does_not() -> None:
    # 45 inputs: 40,000,000 // 2,025 = 19,753 numbers' worth; the base samples are a
    # power of two, so the most that pass are 16,384 (16,384 x 2,025 = 33.2 million);
    # 16,385 rounds up to 32,768 (66.4 million)
    assert most_base_samples(45) == 16_384
    check_sobol_size(16_384, 45)
    for refused in (16_385, 19_753, 2**20):
        with pytest.raises(PaybackError) as caught:
            check_sobol_size(refused, 45)
        assert caught.value.param == "samples"
        assert caught.value.messages == [
            f"samples {refused}: with 45 uncertain inputs, Sobol indices need n · inputs² "
            "numbers (n: the base samples, rounded up to a power of two), at most 40,000,000; "
            "use at most 16,384"
        ]
    for inputs in range(2, 2237):  # every count passes up to the one named, none past it
        most = most_base_samples(inputs)
        assert most * inputs**2 <= 40_000_000
        assert most == 2**20 or 2 * most * inputs**2 > 40_000_000
        check_sobol_size(most, inputs)
        if most < 2**20:  # past 2**20 the count itself is refused
            with pytest.raises(PaybackError):
                check_sobol_size(most + 1, inputs)
    assert most_base_samples(2237) == 0  # 8 x 2,237² is past 40 million
    with pytest.raises(PaybackError, match="past it even at 8; the tornado ranks"):
        check_sobol_size(8, 2237)


def test_the_scenario_limit_named_is_one_that_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # 12 inputs move the fleet; with room for 12² x 100 numbers the most base samples are
    # 64 (a power of two): 64 runs and 65 (128) does not, as the refusal says
    scenario = build(fleet_dict())
    assert len(uncertain_inputs(resolve(scenario))) == 12
    monkeypatch.setattr(sobol_module, "SOBOL_CELLS", 12**2 * 100)
    with pytest.raises(PaybackError, match=r"use at most 64$"):
        sobol(scenario, samples=1000)
    assert sobol(scenario, samples=64).base_samples == 64
    with pytest.raises(PaybackError, match=r"samples 65: with 12 uncertain inputs of 'fleet',"):
        sobol(scenario, samples=65)


def test_the_limit_counts_one_alternatives_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    # 3 fleets: 8 shared inputs and 4 of each fleet, 20 in all, 12 for each fleet alone;
    # room for 64 x 12² numbers: each alternative fits (the scenario together did not)
    together = build(fleets(3))
    assert len(uncertain_inputs(resolve(together))) == 20
    monkeypatch.setattr(sobol_module, "SOBOL_CELLS", 64 * 12**2)
    found = sobol(together, samples=64, seed=3)
    assert found.base_samples == 64
    for i in range(3):
        data = fleets(3)
        data["alternatives"] = [data["alternatives"][i]]
        (alone,) = sobol(build(data), samples=64, seed=3).alternatives
        renamed = [
            (s.parameter.replace("alternatives.0.", f"alternatives.{i}."), s.first_order)
            for s in alone
        ]
        # the same indices as the alternative alone, none of another alternative's inputs
        assert [(s.parameter, s.first_order) for s in found.alternatives[i]] == renamed
        assert alone  # something moves it


def test_the_command_line_names_the_flag_and_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text(FLEET, encoding="utf-8")
    monkeypatch.setattr(sobol_module, "SOBOL_CELLS", 12**2 * 100)
    code, out, err = run("sensitivity", path, "--method", "sobol")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "error: --samples 1024 (the default): with 12 uncertain inputs of 'fleet', Sobol "
        "indices need n · inputs² numbers (n: the base samples, rounded up to a power of "
        "two), at most 14,400; use at most 64"
    )
    code, out, err = run("sensitivity", path, "--method", "sobol", "--samples", "100")
    assert code == 2
    assert err.startswith("error: --samples 100: with 12 uncertain inputs of 'fleet', ")
    assert err.strip().endswith("use at most 64")
    code, out, err = run("sensitivity", path, "--method", "sobol", "--samples", "64", "--json")
    assert code == 0, err
