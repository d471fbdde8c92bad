"""docs/tutorial.md stays true: every command block is the command's real output
(PAYBACK_UPDATE_GOLDEN=1 rewrites them), the README links it, and it ends with a try-it
list of 6 to 8 exercises, each with a change, a prediction, a command and what to look for."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import ENV, QUARTER, ROOT, UPDATE, run
from payback.report.common import month_text

TUTORIAL = ROOT / "docs" / "tutorial.md"

# name: (arguments, first line shown (prefix) or None, first line left out (prefix) or None)
BLOCKS: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    "costs": (
        ("explain", "examples/quarter-200k.toml"),
        "What the project really costs",
        "How the break-even is computed here",
    ),
    "quick": (
        ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400"),
        None,
        None,
    ),
    "quick-month": (
        (
            "quick",
            "--hosted-per-1k",
            "15",
            "--self-hosted-per-1k",
            "2",
            "--one-time",
            "400",
            "--requests-per-month",
            "20000",
        ),
        None,
        None,
    ),
    "analyze-seed": (("analyze", "examples/seed.toml"), None, None),
    "how": (
        ("explain", "examples/quarter-200k.toml"),
        "How the break-even is computed here",
        "The verdict",
    ),
    "analyze-quarter": (("analyze", "examples/quarter-200k.toml"), None, None),
    "why": (
        ("explain", "examples/quarter-200k.toml"),
        "The verdict",
        "What decides it",
    ),
    "sensitivity": (("sensitivity", "examples/quarter-200k.toml", "--top", "5"), None, None),
    "solve": (
        (
            "solve",
            "examples/quarter-200k.toml",
            "--vary",
            "traffic.requests_per_month",
            "--target",
            "break_even_month=3",
        ),
        None,
        None,
    ),
    "uncertain": (
        ("analyze", "examples/quarter-uncertain.toml", "--samples", "20000"),
        "Uncertainty (",
        None,
    ),
}


def shown(args: tuple[str, ...], start: str | None, stop: str | None) -> str:
    code, out, err = run(*args)
    assert code in (0, 1), err  # solve exits 1 when no value reaches its target
    lines = [line.rstrip() for line in out.splitlines()]
    if start is not None:
        lines = lines[next(i for i, line in enumerate(lines) if line.startswith(start)) :]
    if stop is not None:
        lines = lines[: next(i for i, line in enumerate(lines) if line.startswith(stop))]
    body = "\n".join(lines).strip("\n")
    return f"```text\n$ payback {' '.join(args)}\n{body}\n```\n"


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_tutorial_output_is_real(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(ROOT)
    expected = shown(*BLOCKS[name])
    begin, end = f"<!-- tutorial:{name}:begin -->\n", f"<!-- tutorial:{name}:end -->"
    text = TUTORIAL.read_text(encoding="utf-8")
    start, stop = text.index(begin) + len(begin), text.index(end)
    if UPDATE:
        TUTORIAL.write_text(text[:start] + expected + text[stop:], encoding="utf-8")
        text = TUTORIAL.read_text(encoding="utf-8")
        start, stop = text.index(begin) + len(begin), text.index(end)
    assert text[start:stop] == expected


def test_every_block_of_the_tutorial_is_checked() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    assert set(re.findall(r"<!-- tutorial:([\w-]+):begin -->", text)) == set(BLOCKS)
    # no command output outside the checked blocks
    outside = re.sub(
        r"<!-- tutorial:[\w-]+:begin -->.*?<!-- tutorial:[\w-]+:end -->", "", text, flags=re.S
    )
    assert "```text" not in outside


def test_the_tutorial_walks_the_three_questions_in_order() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == [
        "1. What does a fine-tuning project really cost, beyond the training run?",
        "2. How do you build the break-even?",
        "3. 200k requests a month: does it pay back within a quarter, and what dominates?",
        "Try it",
    ]
    # the seed's line is in it, through payback
    assert "Break even after ~30,769 requests" in text


def test_the_try_it_list_has_six_to_eight_complete_exercises() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    try_it = text[text.index("## Try it") :]
    exercises = re.split(r"^\d+\. ", try_it, flags=re.M)[1:]
    assert 6 <= len(exercises) <= 8
    for exercise in exercises:
        words = " ".join(exercise.split())
        for part in ("Change:", "Predict first:", "Command:", "Look for:"):
            assert part in words, (part, words[:60])
        assert "`payback " in words


def test_the_readme_links_the_tutorial() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/tutorial.md)" in readme


def _mine(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """``mine.toml``: the quarter example with each (old, new) text replaced once, as an
    exercise asks (``cp examples/quarter-200k.toml mine.toml``, then the change)."""
    text = (ROOT / "examples" / "quarter-200k.toml").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    mine = tmp_path / "mine.toml"
    mine.write_text(text, encoding="utf-8")
    return mine


def _exercise(tmp_path: Path, old: str, new: str) -> dict[str, Any]:
    """``payback analyze --json`` of ``mine.toml`` with one line changed."""
    mine = _mine(tmp_path, (old, new))
    code, out, err = run("analyze", mine, "--json")
    assert code == 0, err
    answer: dict[str, Any] = json.loads(out)
    return answer


def test_what_the_exercises_say_to_look_for_is_what_payback_says(tmp_path: Path) -> None:
    """Exercise 2 said the same one GPU serves the grown traffic "while the rent does not"
    grow: at the example's estimated capacity (0.85 requests/s) the fleet doubles to two
    GPUs by month 24. Each exercise's "Look for" is checked against the output here."""
    text = " ".join(TUTORIAL.read_text(encoding="utf-8").split())
    _, out, _ = run("analyze", ROOT / "examples" / "quarter-200k.toml", "--json")
    today = json.loads(out)["alternatives"][0]
    saved = json.loads(out)["baseline"]["monthly_cost_usd"][0] - today["monthly_cost_usd"][0]
    # 1. half the GPU price: month 1 saves the $292 of rent more; still not in a quarter
    one = _exercise(tmp_path, "usd_per_gpu_hour = 0.80 ", "usd_per_gpu_hour = 0.40 ")
    alt = one["alternatives"][0]
    assert one["baseline"]["monthly_cost_usd"][0] - alt["monthly_cost_usd"][0] == pytest.approx(
        saved + 292
    )
    assert "the $292 of rent saved" in text
    assert alt["break_even_month"] > 3
    # 2. 5% growth: 614,305 requests in month 24, one GPU to two, an earlier break-even
    two = _exercise(tmp_path, "growth_monthly = 0.0 ", "growth_monthly = 0.05 ")
    alt = two["alternatives"][0]
    assert f"200,000 to {two['requests_per_month'][-1]:,.0f} requests" in text
    assert (alt["gpus"][0], alt["gpus"][-1]) == (1, 2)
    assert "one GPU to two" in text
    assert alt["break_even_month"] < today["break_even_month"] - 3
    # 3. escalation 30%: the escalation component triples
    three = _exercise(tmp_path, "escalation_share = 0.10 ", "escalation_share = 0.30 ")
    escalation = three["alternatives"][0]["components_usd"]["escalation"][0]
    assert escalation == pytest.approx(3 * today["components_usd"]["escalation"][0])
    # 5. scale to zero: the GPU line falls from $584 to the busy hours; explain's month
    five = _exercise(tmp_path, "always_on = true ", "always_on = false ")
    gpus = five["alternatives"][0]["components_usd"]["gpus"][0]
    assert today["components_usd"]["gpus"][0] == 584 > gpus
    _, said, _ = run("explain", ROOT / "examples" / "quarter-200k.toml")
    month = month_text(five["alternatives"][0]["break_even_month"])
    assert f"would pay back in {month}" in " ".join(said.split())


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_prose_figures_are_the_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures the prose states between the blocks: the training runs' share said "1%" where
    explain says 1.2%; the Monte Carlo's "most cases" was 57% of the samples (56% since a sample behind again at the horizon has not paid back); the central
    answer of the file with ranges (14.3, $6,844) was left unexplained beside 13.4, $7,836."""
    monkeypatch.chdir(ROOT)
    text = _words(TUTORIAL.read_text(encoding="utf-8"))
    _, said, _ = run("explain", "examples/quarter-200k.toml")
    assert "training runs $160 (1.2%)" in _words(said)
    assert "sweeps and failures included, are 1.2%" in text
    _, out, _ = run("analyze", "examples/quarter-200k.toml", "--json")
    today = json.loads(out)
    per_1k = today["baseline"]["usd_per_1k_requests"][0]
    assert round(per_1k, 2) == 10.92
    assert round(per_1k * 0.9, 2) == 9.83  # escalation_share = 0.10 pays the hosted price
    assert "($10.92, less the 10% still escalated to the hosted model at that price: $9.83)" in text
    _, out, _ = run("analyze", "examples/quarter-uncertain.toml", "--samples", "20000", "--json")
    alt = json.loads(out)["alternatives"][0]
    mc = alt["uncertainty"]
    assert (round(mc["p_break_even_within"]["horizon"], 2), mc["p_break_even_within"]["3"]) == (
        0.56,
        0.0,
    )
    assert round(mc["break_even_month_percentiles"]["p50"]) == 20
    assert "(56% of the samples; the median break-even is month 20)" in text
    assert round(mc["npv_usd_percentiles"]["p50"]) == 684
    assert (round(alt["break_even_month"], 1), round(alt["npv_usd"])) == (14.3, 6844)
    assert "it pays back in month 14.3 with an NPV of $6,844 rather than 13.4 and $7,836" in text
    uncertain = (ROOT / "examples" / "quarter-uncertain.toml").read_text(encoding="utf-8")
    assert 'growth_monthly = { dist = "normal", mean = 0.02,' in uncertain
    assert 'price_change_annual = { dist = "triangular", low = -0.5, mode = -0.2,' in uncertain
    assert 'engineer_hours = { dist = "triangular", low = 40, mode = 60, high = 160 }' in uncertain


def test_exercises_three_and_four_say_what_payback_says(tmp_path: Path) -> None:
    """Exercise 3 said only that escalation triples; at 30% it no longer pays back within
    the horizon, which a reader predicting "does it still pay back" needs to check against.
    Exercise 4 said where to add quality only as "to the alternative": a line at the end of
    the file lands in [alternatives.recurring]."""
    text = _words(TUTORIAL.read_text(encoding="utf-8"))
    today = _exercise(tmp_path, "escalation_share = 0.10 ", "escalation_share = 0.10 ")
    three = _exercise(tmp_path, "escalation_share = 0.10 ", "escalation_share = 0.30 ")
    for answer, escalation, saving in ((today, 218, 1082), (three, 655, 645)):
        alt = answer["alternatives"][0]
        assert round(alt["components_usd"]["escalation"][0]) == escalation
        assert (
            round(answer["baseline"]["monthly_cost_usd"][0] - alt["monthly_cost_usd"][0]) == saving
        )
    alt = three["alternatives"][0]
    assert alt["break_even_month"] is None
    assert (round(-alt["cumulative_savings_usd"][-1]), round(alt["npv_usd"])) == (585, -1671)
    assert "($218 to $655 in month 1)" in text
    assert "the month-1 saving falls from $1,082 to $645" in text
    assert "by month 24 it is still $585 short (NPV -$1,671)" in text
    baseline = "quality = { error_rate = 0.06, usd_per_error = 1.50 }"
    mine = "quality = { error_rate = 0.025, usd_per_error = 1.50 }"
    assert f"under `[baseline]`, `{baseline}`" in text
    assert f"before `[alternatives.one_time]`, or it belongs to that table), `{mine}`" in text
    priced = _mine(
        tmp_path,
        ("price_change_annual = 0.0 ", f"{baseline}\nprice_change_annual = 0.0 "),
        ("ops_usd_per_month = 300.0 ", f"{mine}\nops_usd_per_month = 300.0 "),
    )
    code, out, err = run("analyze", priced, "--json")
    assert code == 0, err
    four = json.loads(out)
    assert round(four["baseline"]["components_usd"]["errors"][0]) == 18_000
    assert round(four["alternatives"][0]["components_usd"]["errors"][0]) == 8_550
    assert round(four["alternatives"][0]["break_even_month"], 2) == 1.22
    assert "pay back in month 1.22 instead of 13.37" in text
    assert "errors cost $18,000 a month against the alternative's $8,550" in text
    # the line at the file's end instead is refused, naming where it landed
    end = _mine(tmp_path)
    end.write_text(end.read_text(encoding="utf-8") + mine + "\n", encoding="utf-8")
    code, _, err = run("analyze", end)
    assert code == 2
    assert "recurring" in err


def test_exercises_six_seven_and_eight_say_what_payback_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exercise 6 asked which lever is within reach without saying that no engineering time
    reaches a quarter (solve exits 1); exercise 7 said `payback init mine.toml`, which the
    earlier exercises' mine.toml makes refuse; exercise 8's single range made "What
    dominates" rank only itself."""
    monkeypatch.chdir(ROOT)
    text = _words(TUTORIAL.read_text(encoding="utf-8"))
    args = ("--vary", "alternatives.0.one_time.engineer_hours", "--target", "break_even_month=3")
    code, out, _ = run("solve", "examples/quarter-200k.toml", *args, "--json")
    assert code == 1
    assert round(json.loads(out)["closest"]["achieved"], 2) == 5.89
    assert "no engineering time at all leaves it at month 5.89" in text
    assert "exits with code 1" in text
    # 7: init never replaces mine.toml; own.toml is this same example
    mine = _mine(tmp_path)
    code, _, err = run("init", mine)
    assert code == 2
    assert "already exists" in err
    code, _, _ = run("init", tmp_path / "own.toml")
    assert code == 0
    assert (tmp_path / "own.toml").read_text(encoding="utf-8") == QUARTER.read_text(
        encoding="utf-8"
    )
    assert "`payback init own.toml` writes this same example" in text
    _, out, _ = run("analyze", QUARTER, "--json")
    alt = json.loads(out)["alternatives"][0]
    assert (round(alt["usd_per_1k_requests"][0], 2), alt["one_time_usd"]) == (5.51, 12_860)
    quick = ("--hosted-per-1k", "10.92", "--self-hosted-per-1k", "5.51", "--one-time", "12860")
    _, out, _ = run("quick", *quick, "--requests-per-month", "200000")
    assert "that is month 11.89" in out
    assert round(alt["break_even_month"], 2) == 13.37
    assert "quick says month 11.89; retraining makes it 13.37" in text
    # 8: two ranges; traffic ranks first; the verdict keeps the modes
    requests = (
        'requests_per_month = { dist = "triangular", low = 150000, mode = 200000, high = 320000 }'
    )
    hours = 'engineer_hours = { dist = "triangular", low = 40, mode = 60, high = 160 }'
    assert f"`{requests}` and `{hours}`" in text
    ranged = _mine(
        tmp_path,
        ("requests_per_month = 200000 ", requests + " "),
        ("engineer_hours = 60 ", hours + " "),
    )
    code, out, err = run("analyze", ranged, "--samples", "2000")
    assert code == 0, err
    ranked = re.findall(r"^\d\. \S+ +(\S+) *$", out, flags=re.M)
    assert ranked == ["traffic.requests_per_month", "alternatives.0.one_time.engineer_hours"]
    assert "pays back in month 13.4 " in out
    assert "so it still says month 13.4" in text


def test_the_tutorial_says_how_its_commands_run_after_the_quick_start() -> None:
    """The tutorial typed `payback` and `python3 main.py` after a quick start that installs
    into .venv without activating it: both were not found (`ModuleNotFoundError: No module
    named 'payback'`). Its blocks are printed 100 columns wide, as the tests run them."""
    text = _words(TUTORIAL.read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)[0]
    assert quick_start.startswith("python3 -m venv .venv && ")
    assert "source .venv/bin/activate" in text
    assert ENV["COLUMNS"] == "100"
    assert "as a terminal 100 columns wide prints them" in text


def test_the_output_tokens_driver_is_read_with_the_capacity_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """sensitivity warns on stderr that the token lengths move the per-token prices only,
    the file's capacity held; the tutorial's blocks show stdout, and it read
    traffic.output_tokens as a driver without that caveat."""
    monkeypatch.chdir(ROOT)
    code, _, err = run("sensitivity", "examples/quarter-200k.toml", "--top", "5")
    assert code == 0
    said = _words(err)
    assert (
        "traffic.output_tokens and traffic.cached_input_share vary the per-token prices only"
        in said
    )
    assert "(replica_requests_per_s, 0.85 requests/s) stays as it is" in said
    text = _words(TUTORIAL.read_text(encoding="utf-8"))
    assert (
        "It also warns, on stderr, that `traffic.input_tokens`, `traffic.output_tokens` and "
        "`traffic.cached_input_share` vary the per-token prices only" in text
    )
    assert "The output tokens rank for the hosted bill alone" in text
