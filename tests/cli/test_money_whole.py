"""A money figure is never cut in a terminal table: tried as a new user would, at 80 columns
(a new terminal's width) an NPV of -$97,318,792,555,102,864 read "-$97,318,792,55…", a
month-1 cost "$1,219,326,311,2…" and a one-time cost "$987,654,321…", so the reader saw a
wrong number; at 60 columns the comparison's names, Sobol's intervals ("0.36 ±0.…") and a
portfolio's workloads ("w…") were cut as well. Every figure ``--json`` gives is now found
whole in the text, written as the text writes it, at 80 and 60 columns."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import ENV, FROZEN_PORTFOLIO, HUGE, QUARTER
from payback.analysis.verdict import usd, usd_column
from payback.cli import app

WIDTHS = (80, 60)


def run_at(columns: int, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=ENV | {"COLUMNS": str(columns)}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.toml"
    path.write_text(HUGE, encoding="utf-8")
    return path


def _whole(figure: str, text: str) -> bool:
    """Whether ``figure`` stands in ``text`` whole: no digit, sign or ``$`` glued to it."""
    return re.search(rf"(?<![\w$,.\-]){re.escape(figure)}(?!,?\d|\.\d)", text) is not None


def _printed_whole(columns: int, figures: list[str], *args: str | Path) -> str:
    """``payback ARGS`` at ``columns``: its output, after checking that it succeeded, that
    every one of ``figures`` stands in it whole, that nothing is cut with "…" and that no
    line is wider than the terminal."""
    code, out, err = run_at(columns, *args)
    assert code == 0, err
    cut = [f for f in figures if not _whole(f, out)]
    assert not cut, cut
    assert "…" not in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= columns
    return out


def _analysis_figures(answer: dict[str, Any]) -> list[str]:
    """Every money figure of ``analyze``'s tables, from its JSON, as the text writes it."""
    base = answer["baseline"]
    last = answer["horizon_months"] - 1
    figures = []
    for alt in answer["alternatives"]:
        figures += [
            usd(alt["one_time_usd"], 0),  # the comparison
            usd(base["monthly_cost_usd"][0] - alt["monthly_cost_usd"][0], 0),
            usd(alt["npv_usd"], 0),
            usd(alt["one_time_usd"]),  # the payback summary
            usd(alt["npv_usd"]),
            usd(alt["usd_per_1k_requests"][0]),
            usd(base["usd_per_1k_requests"][0]),
        ]
        rows = [base["monthly_cost_usd"], alt["monthly_cost_usd"], *alt["components_usd"].values()]
        for column in ([r[0] for r in rows], [r[last] for r in rows], [sum(r) for r in rows]):
            figures += usd_column(column)  # the monthly costs
    return figures


def _json(*args: str | Path) -> Any:
    code, out, err = run_at(120, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_huge_scenarios_figures_are_as_written_by_hand(tmp_path: Path) -> None:
    """The figures looked for, by hand: 9,876,543,210,987 requests at $123.456789 and
    $987.654321 a request, the dearer alternative's ops $999,999,999,999 a month."""
    answer = _json("analyze", _huge(tmp_path))
    base, dear = answer["baseline"], answer["alternatives"][0]
    # 9,876,543,210,987 × 123.456789 = 1,219,326,311,248,204.5 (the float holds it exactly)
    assert base["monthly_cost_usd"][0] == 1_219_326_311_248_204.5
    # 9,876,543,210,987 × 987.654321 = 9,754,610,578,874,524, the ops on top
    assert dear["monthly_cost_usd"][0] == 9_755_610_578_874_524.0
    figures = _analysis_figures(answer)
    assert "$987,654,321,987" in figures
    assert "-$8,536,284,267,626,320" in figures  # 1,219,…,204.5 − 9,755,…,524, half up
    # 12 × 9,755,610,578,874,524 = 117,067,326,946,494,288, to the floats' spacing of 16
    total = sum(dear["monthly_cost_usd"])
    assert abs(total - 117_067_326_946_494_288) <= 64
    assert usd(total) in figures
    assert len(usd(total)) == 24
    assert usd(dear["npv_usd"], 0) == "-$97,318,792,555,102,900"  # 15 digits a float keeps


@pytest.mark.parametrize("columns", WIDTHS)
def test_every_money_figure_of_analyze_stays_whole(tmp_path: Path, columns: int) -> None:
    path = _huge(tmp_path)
    code, out, err = run_at(columns, "analyze", path, "--json")
    assert code == 0, err
    answer = json.loads(out)
    figures = _analysis_figures(answer)
    counts = [
        f"{answer['requests_per_month'][0]:,.0f}",
        f"{answer['alternatives'][1]['gpus'][0]:,.0f}",
    ]
    out = _printed_whole(columns, figures, "analyze", path)
    assert counts[0] == "9,876,543,210,987"
    for count in counts:
        assert _whole(count, out), count  # the requests and GPUs whole too


def _compared_figures(answer: dict[str, Any]) -> list[str]:
    """The comparison's money: one-time cost, month-1 saving and NPV in whole dollars."""
    base = answer["baseline"]
    return [
        usd(value, 0)
        for alt in answer["alternatives"]
        for value in (
            alt["one_time_usd"],
            base["monthly_cost_usd"][0] - alt["monthly_cost_usd"][0],
            alt["npv_usd"],
        )
    ]


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_comparison_across_scenarios_keeps_its_figures_and_names(
    tmp_path: Path, columns: int
) -> None:
    files = [_huge(tmp_path), QUARTER]
    answers = _json("analyze", *files)
    figures = [f for answer in answers for f in _compared_figures(answer)]
    assert "$12,860" in figures  # the quarter's one-time cost, as its golden shows it
    out = _printed_whole(columns, figures, "analyze", *files)
    for name in ("dearer per-request", "fine-tuned 7B on rented L4s"):
        assert name in " ".join(out.split()), name


def _huge_portfolio(tmp_path: Path) -> Path:
    """The portfolio example with its two largest workloads at trillions of requests."""
    text = FROZEN_PORTFOLIO.read_text(encoding="utf-8")
    for old, new in (
        ("requests_per_month = 400000,", "requests_per_month = 9876543210987,"),
        ("requests_per_month = 150000,", "requests_per_month = 5555555555555,"),
        ("input_tokens = 1500,", "input_tokens = 15000,"),
        ("input_usd_per_mtok = 2.5\n", "input_usd_per_mtok = 9999.0\n"),
        ("cached_input_usd_per_mtok = 1.25\n", "cached_input_usd_per_mtok = 9999.0\n"),
        ("output_usd_per_mtok = 10.0\n", "output_usd_per_mtok = 9999.0\n"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    text = re.sub(r"replica_requests_per_s = [\d.]+", "replica_requests_per_s = 9000.0", text)
    path = tmp_path / "portfolio.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_huge_portfolio_keeps_its_figures_and_workloads(tmp_path: Path, columns: int) -> None:
    path = _huge_portfolio(tmp_path)
    answer = _json("analyze", path)["portfolio"]
    figures = [
        usd(value)
        for alt in answer["alternatives"]
        for value in (
            alt["npv_usd"],
            alt["monthly_cost_usd"][0],
            alt["baseline_usd"][0],
            *(c[k] for c in alt["contributions"] for k in ("savings_usd", "net_usd")),
        )
    ]
    # month 1 today, by hand: 9,876,543,210,987 × (15,150 tokens × $0.009999) =
    # $1.49614×10^15 and 5,555,555,555,555 × 3,300 × $0.009999 = $1.83315×10^14
    base = answer["alternatives"][0]["baseline_usd"][0]
    assert base == pytest.approx(1.49614e15 + 1.83315e14, rel=1e-5)
    assert len(usd(answer["alternatives"][0]["npv_usd"])) == len("$34,725,119,242,789,072")
    out = _printed_whole(columns, figures, "analyze", path)
    assert _whole("9,876,543,210,987", out)
    for workload in ("support", "triage", "summaries", "tagging"):
        assert re.search(rf"\b{workload}\b", out), workload


def test_sobols_intervals_stay_whole_at_60_columns(tmp_path: Path) -> None:
    """At 60 columns "alternatives.0.usd_per_1k_requests" beside its shares read
    "alternatives.0.usd_per_1k_reques…  0.36 ±0.…"."""
    path = _huge(tmp_path)
    out = _printed_whole(60, [], "sensitivity", path, "--method", "sobol", "--samples", "64")
    assert "alternatives.0.usd_per_1k_requests\n" in out  # the input on a line of its own
    shares = re.findall(r"(first|total) (\d\.\d\d) ±(\d\.\d\d)", out)
    assert len(shares) >= 4, out  # each input's shares below it, whole
