"""A terminal far narrower than a table, and output piped to a file, tried as a new user
would: at 10 columns the comparison of the examples read "$20,62" above "2;" (a figure
split across two lines); stacked rows lost their inline colours (an input's name in bold
cyan read cyan only); and every line of a table, piped, ended in the blanks of its
padding ("$1,800 " and a title padded to the table's width)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from helpers import ENV, EXAMPLES, HUGE, QUARTER
from payback.analysis.verdict import usd
from payback.cli import app

SEED = EXAMPLES / "seed.toml"


def run_at(columns: int, *args: str | Path, colour: bool = False) -> str:
    """``payback ARGS`` on a terminal ``columns`` wide (piped: not a TTY), its stdout after
    checking that it succeeded; with ``colour``, coloured as a TTY would be (FORCE_COLOR)."""
    env: dict[str, str | None] = dict(ENV) | {"COLUMNS": str(columns)}
    if colour:
        env |= {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color"}
    result = CliRunner(env=env).invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _whole(figure: str, text: str) -> bool:
    """Whether ``figure`` stands in ``text`` whole, on one line: no digit, sign or ``$``
    glued to it."""
    return re.search(rf"(?<![\w$,.\-]){re.escape(figure)}(?!,?\d|\.\d)", text) is not None


def _compared(answers: list[dict[str, Any]]) -> list[str]:
    """The comparison's money as it writes it: one-time cost, month-1 saving and NPV."""
    figures = []
    for answer in answers:
        base = answer.get("baseline")
        for alt in answer.get("alternatives") or answer["portfolio"]["alternatives"]:
            saving = (
                base["monthly_cost_usd"][0] - alt["monthly_cost_usd"][0]
                if base is not None
                else alt["baseline_usd"][0] - alt["monthly_cost_usd"][0]
            )
            figures += [usd(v, 0) for v in (alt["one_time_usd"], saving, alt["npv_usd"])]
    return figures


def test_the_examples_compared_at_10_columns_keep_every_figure_whole() -> None:
    files = sorted(EXAMPLES.glob("*.toml"))
    answers = json.loads(run_at(120, "analyze", *files, "--json"))
    figures = _compared(answers)
    assert "$20,622" in figures  # calibrated-h200's one-time cost, as its golden shows it
    out = run_at(10, "analyze", *files)
    split = [f for f in figures if not _whole(f, out)]
    assert split == [], split
    # "$20,622;" (8) after 2 blanks of the 4 a stacked figure stands in: within 10 columns
    assert "\n  $20,622;\n" in out


def test_a_stacked_alternatives_figures_are_whole_at_16_columns() -> None:
    """The seed at 16 columns: each figure beside its column's name where both fit in the
    12 columns past the indent, else below it, never split."""
    out = run_at(16, "analyze", SEED)
    lines = out.splitlines()
    start = lines.index("this alternative")
    assert lines[start : start + 7] == [
        "this alternative",
        "    month 1",  # "month 1 $40.00;" is 15, more than 12
        "    $40.00;",
        "    month 6",
        "    $40.00;",
        "    total, 6 mo",
        "    $240",
    ]
    assert max(len(line) for line in lines) <= 16


def test_stacked_rows_keep_their_colours() -> None:
    """sensitivity at 28 columns stacks its drivers: the input's name stays bold cyan (it
    read cyan only, "\\x1b[36mtraffic.requests_per_month"), and at 16 columns analyze's
    "this alternative" row stays bold on its figures, as the table shows it."""
    out = run_at(28, "sensitivity", QUARTER, colour=True)
    assert "\x1b[1;36mtraffic.requests_per_month\x1b[0m" in out
    out = run_at(16, "analyze", SEED, colour=True)
    assert "\x1b[1mthis alternative\x1b[0m\n    \x1b[1mmonth 1\x1b[0m\n" in out
    assert "    \x1b[1m$40.00;\x1b[0m\n" in out


def _blank_ended(out: str) -> list[str]:
    return [line for line in out.splitlines() if line != line.rstrip()]


def test_piped_tables_end_no_line_in_a_blank() -> None:
    """The seed's analysis at 100 columns had 17 lines ending in blanks (its tables'
    padding); the GPU catalog and a serving estimate every line of theirs."""
    out = run_at(100, "analyze", SEED)
    assert _blank_ended(out) == []
    assert " baseline                              $300.00           $300.00        $1,800\n" in out
    assert _blank_ended(run_at(80, "catalog", "gpus")) == []
    serving = run_at(80, "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm")
    table = serving.split("\n\nWithout --gpus-per-replica")[0]  # the note below: prose
    assert _blank_ended(table) == []
    assert "\n  weights / KV cache                     16.1 GB / 59.4 GB (BF16, vLLM's\n" in table


def test_several_scenarios_verdicts_end_no_line_in_a_blank() -> None:
    """Each scenario's verdict below the comparison broke its lines after a blank."""
    out = run_at(80, "analyze", QUARTER, SEED, EXAMPLES / "growth.toml")
    assert _blank_ended(out) == []
    assert "seed (seed: hosted $15/1k vs fine-tuned self-hosted $2/1k, $400 project):\n" in out


def test_a_figure_wider_than_the_whole_terminal_runs_past_it_whole(tmp_path: Path) -> None:
    """Rich cut every printed line at the terminal's width: at 12 columns the huge
    scenario's one-time cost, "$987,654,321,987" (16 characters), lost its last digits.
    Now it runs past the width, whole, as do the month-1 saving and the NPV."""
    path = tmp_path / "huge.toml"
    path.write_text(HUGE, encoding="utf-8")
    answer = json.loads(run_at(100, "analyze", path, "--json"))
    text = run_at(12, "analyze", path)
    wide = [
        usd(alt[key], 0) for alt in answer["alternatives"] for key in ("one_time_usd", "npv_usd")
    ]
    wide = [figure for figure in wide if len(figure) > 12]
    assert "$987,654,321,987" in wide
    for figure in wide:
        assert _whole(figure, text), figure
