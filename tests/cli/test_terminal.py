"""What a newcomer reads in the terminal: why an alternative wins or loses (fleet
utilisation, idle cost, levers), drivers that change nothing in one line, the summary
table across alternatives and scenarios, quick's break-even month, plain verdicts; each
with goldens at 80 and 120 columns."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import tomlkit
from typer.testing import CliRunner

from helpers import ENV, EXAMPLES, QUARTER, check_golden, run
from payback.cli import app

WIDTHS = (80, 120)


def run_at(columns: int, *args: str | Path) -> tuple[int, str, str]:
    """``payback ARGS`` in-process on a terminal ``columns`` wide."""
    result = CliRunner(env=ENV | {"COLUMNS": str(columns)}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def quarter_at(tmp_path: Path, requests: int) -> Path:
    path = tmp_path / f"quarter-{requests}.toml"
    path.write_text(
        QUARTER.read_text().replace(
            "requests_per_month = 200000 ", f"requests_per_month = {requests} "
        )
    )
    return path


# ------------------------------------------------------------------ why it wins or loses


@pytest.mark.parametrize("columns", WIDTHS)
def test_explain_names_the_cause_and_the_levers(columns: int) -> None:
    code, out, err = run_at(columns, "explain", QUARTER)
    assert code == 0, err
    check_golden(f"explain_quarter-200k_{columns}.txt", out)
    words = " ".join(out.split())
    # 180,000 served requests / (730 h · 3600 s) / 0.85 requests/s = 8.1% busy; ×4 at the peak
    assert "One always-on GPU is 8.1% busy on average and 32% in the busiest hour" in words
    assert "92% of its $584/month pays for idle time ($12,887 over 24 months)" in words
    # the levers, with the numbers the analysis solved
    assert (
        "scaled to zero (only the GPU-hours it runs: $67 of GPU time in month 1 instead of $584)"
        in words
    )
    assert "it would pay back in month 8.5" in words
    assert "not even a free GPU would pay back within a quarter" in words
    assert "586k requests/month (today 200k) would pay back within a quarter" in words
    # where not even a free GPU pays back within a quarter, no cheaper GPU is a lever
    assert "payback recommend ranks smaller and cheaper GPUs" not in words


def test_explain_says_idle_time_is_why_when_scaling_to_zero_would_pay_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cheap.toml"
    path.write_text(
        QUARTER.read_text()
        .replace("engineer_hours = 60", "engineer_hours = 0")
        .replace("eval_usd = 1500.0", "eval_usd = 0.0")
        .replace("training_usd = 40.0", "training_usd = 0.0")
    )  # $4,000 up front: 3 × $1,082 saved always-on is less, 3 × $1,637 scaled to zero more
    code, out, err = run_at(120, "explain", path)
    assert code == 0, err
    assert "Idle GPU time is why it does not pay back within a quarter" in " ".join(out.split())


@pytest.mark.parametrize("columns", WIDTHS)
def test_analyze_shows_fleet_utilisation_and_idle_cost(columns: int) -> None:
    code, out, err = run_at(columns, "analyze", EXAMPLES / "growth.toml")
    assert code == 0, err
    check_golden(f"analyze_growth_{columns}.txt", out)
    words = " ".join(out.split())
    assert "Fleet utilisation average 8.1%, busiest hour 32% (month 1)" in " ".join(
        run_at(columns, "analyze", QUARTER)[1].split()
    )
    assert "Idle capacity cost" in words
    assert "scaled to zero: the GPU-hours paid are 50% busy" in words


def test_analyze_json_carries_utilisation() -> None:
    code, out, _ = run_at(100, "analyze", QUARTER, "--json")
    assert code == 0
    u = json.loads(out)["alternatives"][0]["utilisation"]
    assert u["average"][0] == pytest.approx(180_000 / (730 * 3600) / 0.85)
    assert u["idle_total_usd"] == pytest.approx(sum(u["idle_usd"]))
    assert len(u["peak"]) == 24


@pytest.mark.parametrize("columns", WIDTHS)
def test_drivers_that_change_nothing_take_one_line(tmp_path: Path, columns: int) -> None:
    code, out, err = run_at(columns, "sensitivity", quarter_at(tmp_path, 20000))
    assert code == 0, err
    check_golden(f"sensitivity_quarter-20k_{columns}.txt", out)
    words = " ".join(out.split())
    # the top three, listed in full; a break-even past the horizon is said as explain says it
    assert words.count("break-even not within 24 months at either end") == 3
    assert "never" not in words
    assert (
        "16 more inputs leave it short of paying back within 24 months and move the NPV by at "
        "most $3,265 from low to high:" in words
    )
    code, out, _ = run_at(columns, "explain", quarter_at(tmp_path, 20000))
    words = " ".join(out.split())
    # NPV -$27,489 to -$33,844 with the rent: a loss either way, whatever it moves by (it
    # said "or moves the NPV by a tenth", untrue of the trial's loss of -$27,118 to -$58,894)
    assert (
        "None of them moves the break-even or the NPV across zero: the NPV stays a loss at "
        "both ends of each range." in words
    )
    assert (
        "16 other inputs leave it short of paying back within 24 months and move the NPV by at "
        "most $3,265 from low to high." in words
    )


# ------------------------------------------------------------------ comparing


def test_several_alternatives_start_with_the_summary_table() -> None:
    code, out, _ = run_at(120, "analyze", EXAMPLES / "growth.toml")
    assert code == 0
    data = json.loads(run_at(100, "analyze", EXAMPLES / "growth.toml", "--json")[1])
    lines = [line.rstrip() for line in out.splitlines()]
    table = lines.index("3 alternatives compared (NPV over 24 months at 10%/year)")
    assert table < next(i for i, line in enumerate(lines) if line.startswith("fine-tuned 8B"))
    base = data["baseline"]["monthly_cost_usd"][0]
    for alt in data["alternatives"]:
        row = next(line for line in lines[table:] if line.startswith(" " + alt["name"]))
        saving = base - alt["monthly_cost_usd"][0]
        assert f"${alt['one_time_usd']:,.0f}" in row
        assert f"${saving:,.0f}" in row
        assert f"${alt['npv_usd']:,.0f}" in row
    # a single alternative has no table to compare
    assert "compared" not in run_at(120, "analyze", QUARTER)[1]


@pytest.mark.parametrize("columns", WIDTHS)
def test_several_scenarios_in_one_table(columns: int) -> None:
    files = [QUARTER, EXAMPLES / "seed.toml", EXAMPLES / "growth.toml"]
    code, out, err = run_at(columns, "analyze", *files)
    assert code == 0, err
    check_golden(f"analyze_three_scenarios_{columns}.txt", out)
    assert out.startswith("3 scenarios compared")
    for stem in ("quarter-200k", "seed", "growth"):
        assert f"\n {stem}" in out  # each scenario heads its rows
        assert f"\n{stem} (" in out  # and its verdict follows the table


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_portfolio_beside_a_scenario_reads_at_80_columns(columns: int) -> None:
    """At 80 columns the names were crushed beside "not within 24 months": a header
    "alternat…", "fine-tun…", and a name one or two words a line over five lines; now a
    name keeps at least 20 columns (its break-even in words takes two lines) and its
    wrapped lines keep its indent."""
    code, out, err = run_at(columns, "analyze", EXAMPLES / "portfolio.toml", EXAMPLES / "seed.toml")
    assert code == 0, err
    check_golden(f"analyze_portfolio_and_seed_{columns}.txt", out)
    assert "…" not in out
    assert " alternative " in out
    assert "   Llama 3.1 8B, an" in out  # 16 characters and more on the name's first line
    assert "not within" in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= columns


def test_several_scenarios_json_is_a_list_of_the_single_answers() -> None:
    files = [QUARTER, EXAMPLES / "seed.toml"]
    code, out, _ = run_at(100, "analyze", *files, "--json")
    assert code == 0
    both = json.loads(out)
    assert isinstance(both, list)
    assert both == [json.loads(run_at(100, "analyze", f, "--json")[1]) for f in files]
    # one file keeps its answer an object, as the contract has it
    assert isinstance(json.loads(run_at(100, "analyze", QUARTER, "--json")[1]), dict)


def test_a_bad_file_among_several_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\n")
    code, out, err = run_at(100, "analyze", QUARTER, bad)
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert "bad.toml" in err
    assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------ quick

QUICK = ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400")


@pytest.mark.parametrize("columns", WIDTHS)
def test_quick_names_what_it_leaves_out_and_the_full_command(columns: int) -> None:
    code, out, _ = run_at(columns, *QUICK)
    assert code == 0
    check_golden(f"quick_seed_{columns}.txt", out)
    first, *rest = out.splitlines()
    assert first == "Break even after ~30,769 requests"
    assert all(len(line) <= min(columns, 100) for line in rest)  # wrapped to the terminal
    second = " ".join(rest)
    for left_out in ("--requests-per-month N", "growth", "idle time", "retraining", "NPV"):
        assert left_out in second
    assert "payback init scenario.toml, then payback analyze scenario.toml" in second
    for command in ("payback init scenario.toml", "payback analyze scenario.toml"):
        assert any(command in line for line in rest), f"{command!r} cut across lines"


@pytest.mark.parametrize("columns", WIDTHS)
def test_quick_with_traffic_gives_the_break_even_month(columns: int) -> None:
    code, out, _ = run_at(columns, *QUICK, "--requests-per-month", "20000")
    assert code == 0
    check_golden(f"quick_seed_20k_{columns}.txt", out)
    # 30,769.23 requests at 20,000 a month: month 1 + 10,769.23 / 20,000
    assert out.splitlines() == [
        "Break even after ~30,769 requests",
        "At 20,000 requests a month, that is month 1.54: within a quarter.",
    ]
    code, out, _ = run_at(columns, *QUICK, "--requests-per-month", "5000", "--growth", "0.05")
    # 5,000 + 5,250 + 5,512.5 + 5,788.1 + 6,077.5 = 27,628.2; then 3,141.0 of month 6's 6,381.4
    assert out.splitlines()[1] == (
        "At 5,000 requests a month growing +5% a month, that is month 5.49: not within a quarter."
    )


def test_quick_json_with_traffic() -> None:
    code, out, _ = run_at(
        100, *QUICK, "--requests-per-month", "20000", "--growth", "0.05", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["message"] == "Break even after ~30,769 requests"
    assert data["break_even_month"] == pytest.approx(1 + (400 / 13 * 1000 - 20_000) / 21_000)
    assert (data["requests_per_month"], data["growth_monthly"]) == (20_000, 0.05)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--requests-per-month", "0"), "error: --requests-per-month 0: must be > 0"),
        (
            ("--requests-per-month", "10", "--growth", "-1"),
            "error: --growth -1: must be > -1",
        ),
        (("--growth", "0.1"), "error: --growth needs --requests-per-month"),
    ],
)
def test_quick_bad_traffic_is_one_line(args: tuple[str, ...], line: str) -> None:
    code, out, err = run_at(100, *QUICK, *args)
    assert (code, out) == (2, "")
    assert err.startswith(line)
    assert len(err.splitlines()) == 1


# ------------------------------------------------------------------ recommend

RECOMMEND = ("recommend", QUARTER, "--model", "qwen2.5-7b", "--top", "3")


@pytest.mark.parametrize("columns", WIDTHS)
def test_recommend_without_targets_says_so(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    import payback.studies.recommend as study

    monkeypatch.setattr(study.time, "perf_counter", lambda: 0.0)  # "in 0.0 ms": lines stay put
    monkeypatch.setattr(study, "_today", lambda: dt.date(2026, 12, 5))  # and the stale rents
    code, out, err = run_at(columns, *RECOMMEND)
    assert code == 0, err
    check_golden(f"recommend_no_targets_{columns}.txt", out)
    words = " ".join(out.split())
    assert "no latency targets" in words
    assert "met" not in out.split()  # no row claims targets it does not have


def test_recommend_with_targets_still_marks_them(tmp_path: Path) -> None:
    path = tmp_path / "targets.toml"
    path.write_text(
        QUARTER.read_text().replace(
            "min_replicas = 1 ", 'model = "qwen2.5-7b"\ntpot_ms = 30\nmin_replicas = 1 '
        )
    )
    code, out, err = run_at(120, "recommend", path, "--top", "3")
    assert code == 0, err
    assert "latency targets: tpot_ms ≤ 30" in out
    assert "met" in out.split()


def test_recommend_warns_when_the_winners_price_is_stale() -> None:
    from payback.catalog import default_catalog, gpu_offer, is_stale, offer_source, rent_text

    code, out, err = run_at(120, *RECOMMEND, "--json")
    assert code == 0
    best = json.loads(out)["best"]
    offer = gpu_offer(default_catalog().gpu(best["gpu"]))
    assert offer is not None
    stale = is_stale(offer.checked)
    line = (
        f"warning: alternatives.0: the winner's rent, {best['gpu']} at "
        f"{rent_text(offer.usd_per_gpu_hour)}/GPU-h from {offer_source(offer)}: check it before "
        "deciding"
    )
    assert (line in err.splitlines()) == stale


def test_recommend_apply_renames_what_the_winner_replaces(tmp_path: Path) -> None:
    # at marketplace rents the winner is not the L4 the alternative's name says
    source = tmp_path / "market.toml"
    source.write_text(
        QUARTER.read_text().replace(
            'kind = "self_hosted"', 'kind = "self_hosted"\ngpu_price = "marketplace"'
        )
    )
    output = tmp_path / "applied.toml"
    market = ("recommend", source, *RECOMMEND[2:])
    code, out, err = run_at(120, *market, "--apply", "-o", output)
    assert code == 0, err
    best = json.loads(run_at(120, *market, "--json")[1])["best"]
    assert best["gpu"] != "l4"
    new_name = f"fine-tuned 7B on one rented {best['gpu'].upper()}"
    assert f'name = "{new_name}"' in output.read_text()
    assert "note: alternatives.0.name = 'fine-tuned 7B on one rented L4' is now" in err
    # the file analyzes, under its new name, with the winner's GPU
    code, out, _ = run_at(120, "analyze", output, "--json")
    assert json.loads(out)["alternatives"][0]["name"] == new_name


def test_recommend_apply_keeps_a_name_that_names_no_gpu(tmp_path: Path) -> None:
    source = tmp_path / "plain.toml"
    source.write_text(QUARTER.read_text().replace('on one rented L4"', 'self-hosted"'))
    output = tmp_path / "applied.toml"
    code, _, err = run_at(
        120, "recommend", source, "--model", "qwen2.5-7b", "--apply", "-o", output
    )
    assert code == 0, err
    assert 'name = "fine-tuned 7B self-hosted"' in output.read_text()
    assert ".name = " not in err


# ------------------------------------------------------------------ solve

SOLVE = ("solve", QUARTER, "--vary", "traffic.requests_per_month", "--target", "break_even_month=3")


@pytest.mark.parametrize("columns", WIDTHS)
def test_solve_prints_whole_requests_in_plain_words(columns: int) -> None:
    code, out, err = run_at(columns, *SOLVE)
    assert code == 0, err
    check_golden(f"solve_traffic_{columns}.txt", out)
    words = " ".join(out.split())
    value = json.loads(run_at(100, *SOLVE, "--json")[1])["value"]
    assert value != round(value)  # the solution is fractional, 585,537.9...
    assert f"at least {value:,.0f}" not in words or round(value) == -(-value // 1)
    # rounded up, whole requests (at the quarter's 0.85 req/s no replica step is near)
    assert f"it holds for traffic.requests_per_month at least {-(-value // 1):,.0f}" in words
    assert "engine call" not in words
    assert "Found by trying" in words


@pytest.mark.parametrize("columns", WIDTHS)
def test_solve_unreachable_names_the_value_that_comes_nearest(tmp_path: Path, columns: int) -> None:
    """At 20,000 requests a month no GPU price pays back within 24 months: the nearest is
    the free GPU (the most saved by month 24), not today's price."""
    path = quarter_at(tmp_path, 20000)
    args = (
        "solve",
        path,
        "--vary",
        "alternatives.0.usd_per_gpu_hour",
        "--target",
        "break_even_month=3",
    )
    code, out, _ = run_at(columns, *args)
    assert code == 1
    words = " ".join(out.split())
    assert "at every value it never pays back within 24 months" in words
    assert "it comes nearest at alternatives.0.usd_per_gpu_hour = $0," in words
    data = json.loads(run_at(100, *args, "--json")[1])
    saved = data["closest"]["savings_at_horizon_usd"]
    assert f"still ${-saved:,.0f} short at month 24" in words
    # by hand: at $0 the fleet costs nothing; the rest is the scenario's own numbers
    analysis = json.loads(run_at(100, "analyze", path, "--json")[1])["alternatives"][0]
    gpus = sum(analysis["components_usd"]["gpus"])
    assert saved == pytest.approx(analysis["cumulative_savings_usd"][-1] + gpus)


# ------------------------------------------------------------------ verdicts, shape by shape

SEED_TEXT = (EXAMPLES / "seed.toml").read_text()
FALLING = SEED_TEXT.replace("horizon_months = 6", "horizon_months = 24").replace(
    "usd_per_1k_requests = 15.0", "usd_per_1k_requests = 15.0\nprice_change_annual = -0.99"
)
SHAPES = {
    # $400 up front, $13 saved per 1,000 on 20,000 requests: $260 a month
    "pays back": (
        SEED_TEXT,
        "'fine-tuned small model' pays back in month 1.5 (after ~30,769 requests), within a "
        "quarter; NPV $1,160 over 6 months",
    ),
    "never, costs more every month": (
        SEED_TEXT.replace("usd_per_1k_requests = 2.0", "usd_per_1k_requests = 16.0"),
        "'fine-tuned small model' does not pay back within 6 months: it costs more than the "
        "baseline every month ($20.00 more in month 1), so the $400.00 up front is never "
        "recovered; NPV -$520.00 over 6 months",
    ),
    "never, saves too slowly": (
        SEED_TEXT.replace("data_usd = 150.0", "data_usd = 3000.0"),
        # 6 × $260 = $1,560 of $3,250; the $1,690 left takes 1,690 / 260 = 6.5 more months
        "'fine-tuned small model' does not pay back within 6 months: by month 6 it has "
        "recovered $1,560 of the $3,250 up front; if month 6's $260 saving kept up, with no "
        "later retraining or price change counted, the rest would take until about month "
        "12.5; NPV -$1,690 over 6 months",
    ),
    "never, savings end": (
        FALLING.replace("data_usd = 150.0", "data_usd = 1500.0"),
        "'fine-tuned small model' does not pay back within 24 months: it saves from month 1 "
        "to month 6, then costs more than the baseline from month 7 on ($40 more in month "
        "24); by month 24 it is $1,769 behind, and the $1,750 up front is never recovered; "
        "NPV -$1,769 over 24 months",
    ),
    "never, savings in one month only": (
        # $1 saved per 1,000 in month 1; the API is cheaper than $14/1k from month 2
        FALLING.replace("usd_per_1k_requests = 2.0", "usd_per_1k_requests = 14.0"),
        "'fine-tuned small model' does not pay back within 24 months: it saves in month 1 "
        "only, then costs more than the baseline from month 2 on ($280 more in month 24); "
        "by month 24 it is $6,179 behind, and the $400 up front is never recovered; NPV "
        "-$6,179 over 24 months",
    ),
    "pays back then falls behind": (
        FALLING,
        "'fine-tuned small model' breaks even in month 1.9 (after ~37,033 requests), within "
        "a quarter, but is behind again from month 14 on: from month 7 it costs more than the "
        "baseline each month and by month 24 it is $418.79 behind; NPV -$418.79 over 24 months",
    ),
    "saves from month 0": (
        SEED_TEXT.replace("data_usd = 150.0", "data_usd = 0.0")
        .replace("training_usd = 50.0", "training_usd = 0.0")
        .replace("engineer_hours = 2", "engineer_hours = 0"),
        "'fine-tuned small model' saves from month 0: nothing to pay up front and cheaper "
        "from the first month; NPV $1,560 over 6 months",
    ),
    "no one-time cost, costs more": (
        SEED_TEXT.replace("data_usd = 150.0", "data_usd = 0.0")
        .replace("training_usd = 50.0", "training_usd = 0.0")
        .replace("engineer_hours = 2", "engineer_hours = 0")
        .replace("usd_per_1k_requests = 2.0", "usd_per_1k_requests = 16.0"),
        "'fine-tuned small model' does not pay back within 6 months: it costs more than the "
        "baseline every month ($20.00 more in month 1); NPV -$120.00 over 6 months",
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_verdict_is_a_plain_sentence_for_every_shape(tmp_path: Path, shape: str) -> None:
    text, verdict = SHAPES[shape]
    path = tmp_path / "shape.toml"
    path.write_text(text)
    code, out, err = run_at(120, "analyze", path)
    assert code == 0, err
    assert " ".join(out[out.index("Verdict: ") :].split()) == "Verdict: " + verdict
    data = json.loads(run_at(120, "analyze", path, "--json")[1])
    assert data["verdict"] == verdict


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_falling_behind_verdict_golden(tmp_path: Path, columns: int) -> None:
    path = tmp_path / "falling.toml"
    path.write_text(FALLING)
    code, out, _ = run_at(columns, "analyze", path)
    assert code == 0
    check_golden(f"analyze_falls_behind_{columns}.txt", out.replace(str(tmp_path), "<tmp>"))


# ------------------------------------------------------------------ progress


def bar_shown(
    monkeypatch: pytest.MonkeyPatch, terminal: bool, *args: str | Path
) -> tuple[int, str, str]:
    """Run with every piece of work counted as long; ``terminal``: stderr is a terminal."""
    import payback.cli._common as common

    monkeypatch.setattr(common, "PROGRESS_AFTER_S", 0.0)
    env = ENV | {"COLUMNS": "100", "TERM": "xterm"} | ({"FORCE_COLOR": "1"} if terminal else {})
    result = CliRunner(env=env).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


LONG_WORK = {
    "sampling": ("analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", "5000"),
    "Sobol": ("sensitivity", QUARTER, "--method", "sobol", "--samples", "256"),
    "moving each input": ("sensitivity", EXAMPLES / "growth.toml"),
    "searching configurations": RECOMMEND,
}


@pytest.mark.parametrize("label", sorted(LONG_WORK))
def test_long_work_shows_a_progress_bar_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, label: str
) -> None:
    args = LONG_WORK[label]
    code, out, err = bar_shown(monkeypatch, True, *args)
    assert code == 0, err
    assert label in err  # the bar, on stderr
    assert label not in out
    code, _, err = bar_shown(monkeypatch, False, *args)  # not a terminal
    assert code == 0
    assert label not in err
    code, out, err = bar_shown(monkeypatch, True, *args, "--json")  # scripts get no bar
    assert code == 0
    assert label not in err
    json.loads(out)


def test_short_work_shows_no_bar_even_on_a_terminal() -> None:
    env = ENV | {"COLUMNS": "100", "TERM": "xterm", "FORCE_COLOR": "1"}
    uncertain = str(EXAMPLES / "quarter-uncertain.toml")  # with ranges, so sampled
    result = CliRunner(env=env).invoke(app, ["analyze", uncertain, "--samples", "100"])
    assert result.exit_code == 0
    assert "sampling" not in result.stderr


def test_several_scenarios_with_samples_add_the_sampled_answer() -> None:
    uncertain = EXAMPLES / "quarter-uncertain.toml"
    code, out, _ = run_at(120, "analyze", QUARTER, uncertain, "--samples", "500")
    assert code == 0
    single = json.loads(run_at(100, "analyze", uncertain, "--samples", "500", "--json")[1])
    u = single["alternatives"][0]["uncertainty"]
    median = u["break_even_month_percentiles"]["p50"]
    words = " ".join(out.split())
    assert f"Sampled: it breaks even in month {median:.1f} at the median of 500 samples" in words


def test_explain_speaks_of_an_owned_fleet_as_its_servers() -> None:
    code, out, _ = run_at(120, "explain", EXAMPLES / "owned-h100.toml")
    assert code == 0
    words = " ".join(out.split())
    # 2.85M served requests a month on one 8-GPU server of two 4-GPU replicas of 172.2
    # requests/s: 2.85e6 / 2,628,000 s / 344.4 = 0.31%
    assert "One owned server (h100-sxm) is 0.3% busy on average" in words
    assert "The 2 always-on GPUs (h100-sxm) are 0.9% busy on average" in words


def test_recommend_apply_of_another_model_trains_and_names_that_model(tmp_path: Path) -> None:
    """--model llama-3.1-70b --apply served the 70B but kept training the 8B ($28.02 for 4
    LoRA runs where a 70B run alone costs $105.72) and the name 'Llama 3.1 8B'."""
    output = tmp_path / "t70.toml"
    code, _, err = run_at(
        120,
        "recommend",
        EXAMPLES / "catalog-ids.toml",
        "--model",
        "llama-3.1-70b",
        "--apply",
        "-o",
        output,
    )
    assert code == 0, err
    new = tomlkit.parse(output.read_text())
    alt = new["alternatives"][0]  # type: ignore[index]
    assert alt["model"] == "llama-3.1-70b"
    assert alt["one_time"]["training"]["model"] == "llama-3.1-70b"
    assert "Llama 3.1 8B" not in alt["name"]
    assert "alternatives.0.one_time.training.model = 'llama-3.1-8b' is now 'llama-3.1-70b'" in err
    code, out, err = run_at(120, "analyze", output, "--json")
    assert code == 0, err
    items = json.loads(out)["alternatives"][0]["one_time_items_usd"]
    code, est, err = run_at(
        120, "estimate", "training", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--method", "lora",
        "--tokens", str(20_000 * 800), "--epochs", "3", "--json",
    )  # fmt: skip
    assert code == 0, err
    per_run = json.loads(est)["usd"]  # 4 GPUs × 6.62 h × $3.99
    assert items["training"] == pytest.approx(4 * per_run, rel=1e-9)


def test_recommend_apply_renames_the_first_gpu_and_a_plural(tmp_path: Path) -> None:
    """calibrated-h200.toml's title '... on one rented H200, calibrated on an H200' became
    '..., calibrated on an RTX-A6000' (the calibration was measured on the H200), while the
    alternative's 'on rented H200s' kept the old GPU (a plural is no id)."""
    output = tmp_path / "applied.toml"
    code, _, err = run_at(
        120,
        "recommend",
        EXAMPLES / "calibrated-h200.toml",
        "--model",
        "qwen2.5-7b",
        "--apply",
        "-o",
        output,
    )
    assert code == 0, err
    new = tomlkit.parse(output.read_text())
    gpu = str(new["alternatives"][0]["gpu"])  # type: ignore[index]
    assert gpu != "h200"
    title = str(new["scenario"]["name"])  # type: ignore[index]
    assert title.endswith(f"on one rented {gpu.upper()}, calibrated on an H200"), title
    assert f"on rented {gpu.upper()}s" in str(new["alternatives"][0]["name"])  # type: ignore[index]


def test_swing_over_distributions_says_it_replaced_them() -> None:
    """--swing on a file with distributions: the Sobol note said "No distribution for these
    inputs: each moved ±10%" though the file has them; a file without any still says so."""
    uncertain = EXAMPLES / "quarter-uncertain.toml"
    args = ("sensitivity", uncertain, "--swing", "0.1", "--method", "sobol", "--samples", "64")
    code, out, err = run_at(120, *args)
    assert code == 0, err
    assert "--swing moved each input ±10% in place of its distribution." in out
    assert "No distribution" not in out
    code, out, err = run_at(120, "sensitivity", QUARTER, "--swing", "0.1")
    assert code == 0, err
    assert "No distribution for these inputs: each moved ±10%" in out
    assert "in place of" not in out


def test_solve_rounds_a_step_and_wraps_to_the_terminal(tmp_path: Path) -> None:
    """The scenario init writes, solved for NPV 0 over the peak-to-average ratio: the step
    read "from -$4,875 at traffic.peak_to_average = 8.687000008687003 to $7,836 at
    8.687000008687001" (a float's last digits) on one line of 179 characters."""
    path = tmp_path / "scenario.toml"
    assert run_at(80, "init", path)[0] == 0
    args = ("solve", path, "--vary", "traffic.peak_to_average", "--target", "npv_usd=0")
    code, out, err = run_at(80, *args)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    flat = " ".join(out.split())
    assert (
        "the answer jumps from -$4,875 just above traffic.peak_to_average = 8.687 to $7,836 "
        "at 8.687 (a whole number" in flat
    )
    assert "The target holds for traffic.peak_to_average at most 8.687." in flat
    assert "8.6870" not in out


@pytest.mark.parametrize(
    ("requests", "said"),
    [
        ("1", "At 1 request a month,"),  # was "At 1 requests a month"
        ("0.001", "At 0.001 requests a month,"),  # was "At 0 requests a month"
        ("2.5", "At 2.5 requests a month,"),  # was "At 2 requests a month"
        ("20000", "At 20,000 requests a month,"),
    ],
)
def test_quick_says_the_requests_it_was_given(requests: str, said: str) -> None:
    args = ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "1e12")
    code, out, err = run_at(100, *args, "--requests-per-month", requests)
    assert code == 0, err
    assert out.splitlines()[-1].startswith(said)


def test_the_assumed_ranges_note_names_only_the_rates_left_at_0(tmp_path: Path) -> None:
    """The sensitivity note named growth, price trend and escalation whatever the file
    held: the starter's escalation of 0.10 (moved ±25%, 0.075 to 0.125) read "escalation
    0..10%". Now only the rates at 0, each with its range."""
    from payback.report.text import ZERO_RANGE_WORDS
    from payback.studies.uncertainty import ZERO_RANGES

    assert set(ZERO_RANGE_WORDS) == set(ZERO_RANGES)
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    assert "escalation_share = 0.10 " in text
    _, out, _ = run("sensitivity", EXAMPLES / "quarter-200k.toml", "--json")
    moved = {d["parameter"]: d for d in json.loads(out)["alternatives"][0]["drivers"]}
    assert (
        moved["alternatives.0.escalation_share"]["low"],
        moved["alternatives.0.escalation_share"]["high"],
    ) == pytest.approx((0.075, 0.125))
    _, said, _ = run("sensitivity", EXAMPLES / "quarter-200k.toml")
    note = " ".join(said.split())
    assert note.endswith(
        "each moved ±25%; rates left at 0 over assumed ranges (growth ±2%/month, price trend "
        "-30%..0/year)."
    )
    path = tmp_path / "s.toml"
    path.write_text(
        text.replace("escalation_share = 0.10 ", "escalation_share = 0.0 ").replace(
            "growth_monthly = 0.0 ", "growth_monthly = 0.01 "
        )
    )
    _, said, _ = run("sensitivity", path)
    assert " ".join(said.split()).endswith(
        "rates left at 0 over assumed ranges (escalation 0..10%, price trend -30%..0/year)."
    )
