"""``payback analyze A B --json`` (tried as a new user would): the list said nothing of which
file each answer came from; two scenarios named alike (or two copies of one) could not be
told apart. Every answer now carries ``scenario_file``, the path given for it, first; the
fields it had are as they were, and one file's answer carries it too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT, run

SEED = EXAMPLES / "seed.toml"
ANALYSIS_FIELDS = [
    "scenario",
    "horizon_months",
    "discount_rate_annual",
    "requests_per_month",
    "baseline",
    "alternatives",
    "verdict",
    "sources",
    "estimates",
    "warnings",
]


def answer(*args: str | Path) -> object:
    code, out, err = run("analyze", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_each_answer_names_its_file_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of the seed in two folders, one at 40,000 requests a month: the same
    scenario name, told apart by the file. The seed saves ($15 - $2) per 1k: $260 a month at
    20,000, $520 at 40,000; its $400 is back in month 400 / 260 = 1.54, or 400 / 520 = 0.77,
    after 400 / 13 × 1,000 = 30,769 requests either way."""
    for folder, requests in (("a", 20_000), ("b", 40_000)):
        (tmp_path / folder).mkdir()
        text = SEED.read_text().replace(
            "requests_per_month = 20000", f"requests_per_month = {requests}"
        )
        (tmp_path / folder / "seed.toml").write_text(text)
    monkeypatch.chdir(tmp_path)
    both = answer("b/seed.toml", "a/seed.toml")
    assert isinstance(both, list)
    assert [a["scenario_file"] for a in both] == ["b/seed.toml", "a/seed.toml"]
    assert both[0]["scenario"] == both[1]["scenario"]  # only the file tells them apart
    months = [round(a["alternatives"][0]["break_even_month"], 2) for a in both]
    assert months == [0.77, 1.54]
    requests = [round(a["alternatives"][0]["break_even_requests"]) for a in both]
    assert requests == [30_769, 30_769]
    # an absolute path stays absolute
    absolute = answer(tmp_path / "a" / "seed.toml", SEED)
    assert isinstance(absolute, list)
    assert [a["scenario_file"] for a in absolute] == [str(tmp_path / "a" / "seed.toml"), str(SEED)]


def test_a_portfolio_among_several_names_its_file_beside_the_portfolio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    both = answer("examples/portfolio.toml", "examples/seed.toml")
    assert isinstance(both, list)
    assert [list(a)[:2] for a in both] == [
        ["scenario_file", "portfolio"],
        ["scenario_file", "scenario"],
    ]
    assert [a["scenario_file"] for a in both] == ["examples/portfolio.toml", "examples/seed.toml"]
    assert set(both[0]) == {"scenario_file", "portfolio"}
    assert both[0]["portfolio"]["scenario"] == "five tasks, one 8B base model"


def test_one_file_carries_it_too_and_keeps_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """One file's answer stays an object (the contract's), its fields as they were, with
    ``scenario_file`` first; a portfolio's beside its ``portfolio``."""
    monkeypatch.chdir(ROOT)
    alone = answer("examples/seed.toml")
    assert isinstance(alone, dict)
    assert list(alone) == ["scenario_file", *ANALYSIS_FIELDS]
    assert alone["scenario_file"] == "examples/seed.toml"
    assert round(alone["alternatives"][0]["break_even_month"], 2) == 1.54
    portfolio = answer("examples/portfolio.toml")
    assert isinstance(portfolio, dict)
    assert list(portfolio) == ["scenario_file", "portfolio"]
    # several files: each entry is that file's answer alone, the file named the same way
    assert answer("examples/portfolio.toml", "examples/seed.toml") == [portfolio, alone]


def test_samples_answers_name_their_files_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    both = answer("examples/quarter-uncertain.toml", "examples/seed.toml", "--samples", "200")
    assert isinstance(both, list)
    assert [a["scenario_file"] for a in both] == [
        "examples/quarter-uncertain.toml",
        "examples/seed.toml",
    ]
    assert "uncertainty" in both[0]["alternatives"][0]
