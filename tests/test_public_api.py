"""The public surface: ``import payback`` offers a short list of names, loaded on first use,
and the README's Python examples run as written."""

from __future__ import annotations

import doctest
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

import payback

ROOT = Path(__file__).resolve().parents[1]

LEAN = {
    "Analysis",
    "PaybackError",
    "Scenario",
    "analyze",
    "break_even",
    "estimate_serving",
    "estimate_training",
    "load_scenario",
    "monte_carlo",
    "npv",
    "profile_usage",
    "quick_break_even",
    "recommend",
    "sensitivity",
    "solve",
}


def test_the_public_api_is_short_and_every_name_resolves() -> None:
    assert set(payback.__all__) == LEAN | {"__version__"}
    for name in LEAN:
        assert getattr(payback, name) is not None, name
    with pytest.raises(AttributeError, match="evaluate"):
        _ = payback.evaluate  # type: ignore[attr-defined]


def test_import_payback_loads_no_heavy_library() -> None:
    code = (
        "import sys, payback; "
        "heavy = ['numpy', 'pydantic', 'scipy', 'plotly', 'matplotlib', 'duckdb', "
        "'genai_prices', 'tomlkit', 'ruamel', 'streamlit', 'torch', 'rich', 'typer']; "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_readme_python_examples_are_doctests_that_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", readme, flags=re.S)
    assert len(blocks) >= 3
    parser, runner = (
        doctest.DocTestParser(),
        doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE),
    )
    globs: dict[str, object] = {}
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, globs, f"README block {i + 1}", "README.md", 0)
        assert test.examples, f"README block {i + 1} has no example"
        runner.run(test, clear_globs=False)
        globs = test.globs  # later blocks use earlier names, as a reader would
    result = runner.summarize(verbose=False)
    assert result.failed == 0
    assert result.attempted >= 10


def test_break_even_and_npv_on_plain_numbers_by_hand() -> None:
    # 400 one-time, 130 a month: -10 after month 3, +120 after month 4 -> 3 + 10/130
    assert payback.break_even(400, [130] * 4) == pytest.approx(3 + 10 / 130, rel=1e-12)
    assert payback.break_even(400, [130] * 3) is None
    assert payback.break_even(0, [5.0]) == 0.0
    r = 1.1 ** (1 / 12) - 1
    by_hand = -400 + sum(130 / (1 + r) ** m for m in range(1, 5))
    assert payback.npv(400, [130] * 4, 0.1) == pytest.approx(by_hand, rel=1e-12)
    assert payback.npv(400, [130] * 4) == pytest.approx(120.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: payback.break_even(-1, [1.0]), "one_time_usd -1: must be a finite number ≥ 0"),
        (lambda: payback.break_even(1, []), "monthly_savings_usd []: needs at least one month"),
        (
            lambda: payback.npv(1, [1.0, math.nan]),
            "monthly_savings_usd[1] nan: must be a finite number (USD)",
        ),
    ],
)
def test_plain_numbers_refuse_bad_input_in_one_line(call: object, message: str) -> None:
    with pytest.raises(payback.PaybackError) as err:
        call()  # type: ignore[operator]
    assert err.value.messages == [message]


def test_sensitivity_is_tornado_or_sobol() -> None:
    from payback.studies.uncertainty import Sobol, tornado

    scenario = payback.load_scenario(ROOT / "examples" / "quarter-200k.toml")
    drivers = payback.sensitivity(scenario)
    assert drivers == tornado(scenario)
    assert isinstance(payback.sensitivity(scenario, "sobol", samples=64), Sobol)
    with pytest.raises(payback.PaybackError, match=r"^method morris: must be tornado or sobol$"):
        payback.sensitivity(scenario, "morris")  # type: ignore[arg-type]


def test_solve_takes_the_target_as_text() -> None:
    from payback.studies.solve import parse_target

    scenario = payback.load_scenario(ROOT / "examples" / "quarter-200k.toml")
    as_text = payback.solve(scenario, "traffic.requests_per_month", "break_even_month=3")
    parsed = payback.solve(
        scenario, "traffic.requests_per_month", parse_target("break_even_month=3")
    )
    assert as_text.value == parsed.value
    assert as_text.value is not None
    assert as_text.value > 200_000
