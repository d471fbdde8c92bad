"""``payback solve --vary ...training.usd_per_gpu_hour``, tried as a new user would on the
examples: a self-hosted training job priced at the catalog's rent (the file gives none),
a hosted fine-tuning job (priced per token, no GPU rent at all) and a job a given
``training_usd`` overrides. Each said "not given in the file, so there is no value to
vary; give it one first": wrong for the first (analyze priced the run at the catalog's
$3.99 an hour, which solve now varies from) and advice that does not apply to the others.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES, assert_user_error, run, without_stale
from payback.errors import PaybackError
from payback.studies.solve import parse_target, solve

IDS = EXAMPLES / "catalog-ids.toml"
RENT = "alternatives.0.one_time.training.usd_per_gpu_hour"
HOSTED_RENT = "alternatives.1.one_time.training.usd_per_gpu_hour"
JOB = "epochs = 3 }\n\n[alternatives.recurring]\nretrain_every_months = 6\nretrain_usd = 1500.0"


def _with_rent(tmp_path: Path, rent: float) -> Path:
    """catalog-ids with the self-hosted job's rent written in."""
    text = IDS.read_text(encoding="utf-8")
    assert text.count(JOB) == 1
    path = tmp_path / "rent.toml"
    path.write_text(
        text.replace(
            JOB, JOB.replace("epochs = 3 }", f"epochs = 3, usd_per_gpu_hour = {rent!r} }}")
        )
    )
    return path


def _npv(path: Path) -> float:
    return float(payback.analyze(payback.load_scenario(path)).alternatives[0].npv_usd)


def test_the_catalogs_rent_is_solved_from_as_analyze_uses_it(tmp_path: Path) -> None:
    """Today's value is the catalog's $3.99 an hour (runpod's H100 SXM, analyze's list of
    derived numbers); the answer is the rent at which analyze, with it written in, gives the
    target. By hand: 1.76 GPU-hours a run ($7.006 at $3.99), 4 runs at month 0, so the NPV
    falls $7.0236 per $1 an hour: $7,943.64 - $7,900 = $43.64 is $6.213 more, $10.203."""
    found = solve(payback.load_scenario(IDS), RENT, parse_target("npv_usd=7900"))
    assert found.current == 3.99
    assert found.current_source is not None
    assert found.current_source.startswith("catalog: h100-sxm at runpod")
    assert found.value == pytest.approx(10.203, abs=1e-3)
    assert found.reached
    assert found.met_above is False
    assert found.single_crossing
    assert _npv(_with_rent(tmp_path, 3.99)) == pytest.approx(_npv(IDS), rel=1e-12)
    assert _npv(_with_rent(tmp_path, found.value)) == pytest.approx(7900.0, abs=1e-6)
    # written in, the same rent solves to the same answer
    written = solve(payback.load_scenario(_with_rent(tmp_path, 3.99)), RENT, "npv_usd=7900")
    assert written.value == pytest.approx(found.value, rel=1e-9)
    assert written.current_source is None


def test_the_command_line_says_where_todays_rent_comes_from() -> None:
    code, out, err = run("solve", IDS, "--vary", RENT, "--target", "npv_usd=7900")
    assert code == 0, err
    text = " ".join(out.split())
    assert f"{RENT} = $10.2031 gives $7,900" in text
    assert (
        f"Today {RENT} = $3.99 (not in the file: the catalog's price, h100-sxm at runpod, as "
        "analyze uses it) gives $7,944, which already meets the target." in text
    )
    code, out, err = run("solve", IDS, "--vary", RENT, "--target", "npv_usd=7900", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["current"]["value"] == 3.99
    assert answer["current"]["source"].startswith("catalog: h100-sxm at runpod (")
    assert answer["value"] == pytest.approx(10.203, abs=1e-3)


def test_a_hosted_job_has_no_gpu_rent() -> None:
    code, out, err = run(
        "solve", IDS, "--vary", HOSTED_RENT, "--target", "break_even_month=3", "--alternative", "1"
    )
    assert_user_error(code, out, err, HOSTED_RENT)
    assert len(without_stale(err)) == 1
    line = " ".join(err.split())
    assert (
        "a hosted fine-tuning job ('openai.gpt-4.1-mini') is priced per training token (the "
        "provider's fine-tuning price), not per GPU-hour, so it has no GPU rent to vary; vary "
        "its size (alternatives.1.one_time.training.examples, tokens_per_example or epochs) or "
        "alternatives.1.one_time.training_usd instead" in line
    )
    assert "give it one first" not in line


def test_a_hosted_job_with_a_rent_written_says_it_is_unused(tmp_path: Path) -> None:
    text = IDS.read_text(encoding="utf-8")
    hosted = "tokens_per_example = 800, epochs = 3 }\n"
    assert text.endswith(hosted)
    path = tmp_path / "h.toml"
    path.write_text(text.removesuffix(hosted) + hosted.replace(" }", ", usd_per_gpu_hour = 2.0 }"))
    with pytest.raises(PaybackError) as err:
        solve(payback.load_scenario(path), HOSTED_RENT, "break_even_month=3", alternative=1)
    assert str(err.value).startswith(
        f"vary {HOSTED_RENT}: not an input of the cost engine: a hosted fine-tuning job "
        "('openai.gpt-4.1-mini') is priced per training token"
    )


def test_a_job_a_given_training_cost_overrides(tmp_path: Path) -> None:
    text = IDS.read_text(encoding="utf-8")
    old = "training_runs = 4                 # a small sweep\n"
    assert old in text
    path = tmp_path / "given.toml"
    path.write_text(text.replace(old, old + "training_usd = 30.0\n"))
    with pytest.raises(PaybackError) as err:
        solve(payback.load_scenario(path), RENT, "npv_usd=0")
    assert str(err.value) == (
        f"vary {RENT}: not given, and unused: alternatives.0.one_time.training_usd is given "
        "and wins over the training job; vary alternatives.0.one_time.training_usd instead"
    )


@pytest.mark.parametrize("name", ["calibrated-h200.toml", "owned-h100.toml"])
def test_every_example_with_a_catalog_rent_solves(name: str) -> None:
    """Every example whose training job takes the catalog's rent solves for it (a
    calibrated job too: the calibration scales the GPU-hours, the rent prices them)."""
    scenario = payback.load_scenario(EXAMPLES / name)
    npv = float(payback.analyze(scenario).alternatives[0].npv_usd)
    found = solve(scenario, RENT, parse_target(f"npv_usd={npv - 10:.6f}"))
    assert found.current_source is not None
    assert found.value is not None
    assert found.value > found.current


def test_an_override_of_the_catalogs_rent_says_how_to_move_it() -> None:
    """The engine alone (a library call's override) keeps the estimate as resolved: its
    refusal names the rent analyze used and the field to write (solve writes it in)."""
    import numpy as np

    from payback.analysis.cashflows import evaluate
    from payback.analysis.resolve import resolve

    with pytest.raises(PaybackError) as err:
        evaluate(resolve(payback.load_scenario(IDS)), {RENT: np.array([2.0, 5.0])})
    assert str(err.value) == (
        f"{RENT}: not given, and the training estimate reads the catalog's rent ($3.99 an "
        "hour) once; payback solve varies it from there, and a study that moves it needs it "
        "written: give alternatives.0.one_time.training.usd_per_gpu_hour"
    )
