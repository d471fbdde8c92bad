"""A portfolio workload that saves exactly $0 (the same prices on both sides, nothing up
front): its contributions row said "does not pay its way" while its migration step said
"nothing saved"; and explain's portfolio section said "It is not cheaper per request than
the baseline ..." twice (as its outcome, and again as its quarter)."""

from __future__ import annotations

from pathlib import Path

from helpers import run

SAME = """[scenario]
name = "saves nothing"
horizon_months = 12
discount_rate_annual = 0.0

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 2.0
output_usd_per_mtok = 8.0

[[alternatives]]
name = "same api elsewhere"
kind = "hosted_api"
input_usd_per_mtok = 2.0
output_usd_per_mtok = 8.0

[[workloads]]
name = "A"
traffic = { requests_per_month = 100000, input_tokens = 1000, output_tokens = 100 }

[[workloads]]
name = "B"
traffic = { requests_per_month = 100000, input_tokens = 1000, output_tokens = 100 }
"""

CHEAPER_B = (
    'alternatives."same api elsewhere" = { input_usd_per_mtok = 1.0, output_usd_per_mtok = 4.0 }\n'
)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "same.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_workload_that_saves_nothing_says_so_in_both_tables(tmp_path: Path) -> None:
    """A at the same prices saves $0; B at half of them saves 100,000 x (1,000 x $1 + 100 x
    $4) / 1M = $140 a month, $1,680 over 12 months undiscounted: it pays its way."""
    code, out, err = run("analyze", _file(tmp_path, SAME + CHEAPER_B))
    assert code == 0, err
    rows = [line.split() for line in out.splitlines() if line.strip().startswith(("A ", "B "))]
    assert ["A", "$0", "-", "$0", "nothing", "saved"] in rows
    assert ["B", "$1,680", "-", "$1,680", "pays", "its", "way"] in rows
    assert ["1", "A", "$0", "$0", "nothing", "saved"] not in rows  # B moves first
    assert "does not pay its way" not in out


def test_both_saving_nothing_say_nothing_saved_in_rows_and_steps(tmp_path: Path) -> None:
    path = _file(tmp_path, SAME)
    code, out, err = run("analyze", path)
    assert code == 0, err
    rows = [line.split() for line in out.splitlines()]
    for name, step in (("A", "1"), ("B", "2")):
        assert [name, "$0.00", "-", "$0.00", "nothing", "saved"] in rows
        assert [step, name, "$0.00", "$0.00", "nothing", "saved"] in rows
    assert "does not pay its way" not in out


def test_explain_says_it_is_not_cheaper_once(tmp_path: Path) -> None:
    code, out, err = run("explain", _file(tmp_path, SAME))
    assert code == 0, err
    section = out.split("same api elsewhere: how the break-even")[0]
    assert section.count("It is not cheaper per request than the baseline") == 1
    assert "its NPV over 12 months is $0" in section
