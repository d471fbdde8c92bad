"""The command line takes its defaults and limits from the library, never a copy of them:
the Sobol base samples, and a training stack's GPU limit."""

from __future__ import annotations

import inspect
import json

import pytest

from helpers import EXAMPLES, run
from payback import studies
from payback.studies.portfolio_uncertainty import portfolio_sobol
from payback.studies.uncertainty import sensitivity, sobol


def test_the_sobol_default_is_one_library_constant() -> None:
    for function in (sobol, portfolio_sobol, sensitivity):
        assert inspect.signature(function).parameters["samples"].default == studies.SOBOL_SAMPLES
    code, out, _ = run("sensitivity", "--help")
    assert code == 0
    words = " ".join(out.replace("│", " ").split())  # the help's box drawn away
    assert f"(default {studies.SOBOL_SAMPLES:,})" in words


@pytest.mark.parametrize("example", ["seed.toml", "portfolio.toml"])
def test_sensitivity_without_samples_runs_the_librarys_default(
    monkeypatch: pytest.MonkeyPatch, example: str
) -> None:
    """The command reads the constant when it runs: with the library's default moved to
    64, ``sensitivity --method sobol`` without --samples runs 64 base samples (a scenario,
    and a portfolio of workloads)."""
    monkeypatch.setattr(studies, "SOBOL_SAMPLES", 64)
    code, out, err = run("sensitivity", EXAMPLES / example, "--method", "sobol", "--json")
    assert code == 0, err
    assert json.loads(out)["base_samples"] == 64
