"""docs/tutorial.md stays true: every command block is the command's real output
(PAYBACK_UPDATE_GOLDEN=1 rewrites them), the README links it, and it ends with a try-it
list of 6 to 8 exercises, each with a change, a prediction, a command and what to look for."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, UPDATE, run
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


def _exercise(tmp_path: Path, old: str, new: str) -> dict[str, Any]:
    """``payback analyze --json`` of the quarter example with one line changed, as an
    exercise asks (``cp examples/quarter-200k.toml mine.toml``, then the change)."""
    text = (ROOT / "examples" / "quarter-200k.toml").read_text(encoding="utf-8")
    assert old in text
    mine = tmp_path / "mine.toml"
    mine.write_text(text.replace(old, new, 1), encoding="utf-8")
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
