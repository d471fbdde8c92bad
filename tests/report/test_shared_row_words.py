"""The portfolio's row of what no workload carries alone holds ops each month of the horizon
as well as the alternative's one-time items: its name and the chart's note say so, not
"paid once"."""

from __future__ import annotations

from pathlib import Path

from helpers import FROZEN_PORTFOLIO, run
from payback.report.portfolio_charts import workload_contributions
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio

PORTFOLIO = FROZEN_PORTFOLIO
ROW = "shared ops, shared one-time"


def test_analyze_names_the_shared_row_for_what_it_holds() -> None:
    code, out, err = run("analyze", PORTFOLIO)
    assert code == 0, err
    assert "paid once (ops" not in out
    # $500 of ops a month, months 1 to 24 at 10% a year: sum 500 x 1.1^(-m/12) = $10,882,
    # and 120 engineer hours x $120 = $14,400 once: $25,282 (no retraining in the file)
    rows = [line for line in out.splitlines() if line.strip().startswith(ROW)]
    assert len(rows) == 2, out  # one per alternative
    assert all(line.split()[-1] == "-$25,282" for line in rows)


def test_markdown_and_chart_note_say_ops_is_not_paid_once(tmp_path: Path) -> None:
    code, _, err = run("report", PORTFOLIO, "-o", tmp_path / "r.md")
    assert code == 0, err
    md = (tmp_path / "r.md").read_text()
    assert "paid once (ops" not in md
    assert f"| {ROW} |" in md
    assert "-\\$25,282" in md
    note = workload_contributions(analyze_portfolio(load_scenario(PORTFOLIO)), 0).note
    assert "paid once" not in note
    assert note.endswith(
        "The nets less the shared ops, retraining and one-time items add up to the"
        " alternative's NPV."
    )
