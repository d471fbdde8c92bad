"""``python3 main.py``: the lesson's demo through payback, then what the full analysis adds."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT
from payback import analyze, load_scenario


def test_main_prints_the_seed_line_then_three_lines_of_the_full_analysis(
    capsys: pytest.CaptureFixture[str],
) -> None:
    runpy.run_path(str(ROOT / "main.py"), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0] == "Break even after ~30,769 requests"
    # the same case, analyzed: examples/seed.toml's numbers, as payback analyze gives them
    alt = analyze(load_scenario(EXAMPLES / "seed.toml")).alternatives[0]
    assert alt.break_even_month == pytest.approx(400 / 260)
    assert lines[1].startswith(
        "In time: at 20,000 requests a month it pays back in month 1.54, within a quarter; "
        f"NPV ${alt.npv_usd:,.0f} over 6 months"
    )
    assert lines[2].startswith(
        "The $400 item by item: data $150, engineering time $200, training runs $50;"
    )
    # the top driver: the hosted price ±25% ($11.25 to $18.75) saves $9.25 to $16.75 per
    # 1,000 on 120,000 requests, less the $400: NPV $710 to $1,610
    assert lines[3].startswith(
        "What decides it: baseline.usd_per_1k_requests ±25% moves the NPV from $710 to $1,610"
    )


@pytest.mark.slow
def test_python3_main_py_runs_from_anywhere(tmp_path: object) -> None:
    src = str(ROOT / "src")
    env = os.environ | {"PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(tmp_path),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "Break even after ~30,769 requests"
    assert len(proc.stdout.splitlines()) == 4


def test_full_analysis_lines_of_a_scenario_that_never_pays_back(tmp_path: Path) -> None:
    """For another scenario the lines read "pays back in never within 24 months", "NPV
    $-3,400" and named examples/seed.toml as the command to run. $6 against $5 per 1,000 at
    100,000 requests a month, $1,000 of data, no discount: $100 more every month, NPV
    -$1,000 - 24 x $100 = -$3,400; the price ±25% ($4.50 to $7.50) saves $0.50 to -$2.50
    per 1,000 on 2.4M requests: NPV $200 to -$7,000."""
    main = runpy.run_path(str(ROOT / "main.py"))
    path = tmp_path / "never.toml"
    path.write_text(
        '[scenario]\nname = "never"\nhorizon_months = 24\n\n[traffic]\n'
        'requests_per_month = 100000\n\n[baseline]\nname = "hosted"\nkind = "per_request"\n'
        'usd_per_1k_requests = 5.0\n\n[[alternatives]]\nname = "dearer"\n'
        'kind = "per_request"\nusd_per_1k_requests = 6.0\n\n[alternatives.one_time]\n'
        "data_usd = 1000.0\n"
    )
    assert main["full_analysis_lines"](path) == [
        "In time: at 100,000 requests a month it does not pay back within 24 months; NPV "
        f"-$3,400 over 24 months (payback analyze {path}).",
        "The $1,000 item by item: data $1,000; a real project adds an eval harness, hosting, "
        "ops and retraining (examples/quarter-200k.toml).",
        "What decides it: alternatives.0.usd_per_1k_requests ±25% moves the NPV from $200 to "
        f"-$7,000 (payback sensitivity {path}).",
    ]
