"""The caption under a portfolio's headline counts the workloads the alternative serves:
an alternative serving 2 of 5 said "The 5 workloads moved together" where analyze and
explain said 2 (tried as a new user would, on examples/portfolio.toml)."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES
from payback.analysis.result import usd
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio
from payback.web.portfolio import moved_words

SEPARATE = 'portfolio = { fleet = "separate" }'


def _serving(tmp_path: Path, names: list[str]) -> Path:
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    own = 'alternatives."a fine-tuned 8B and its own fleet per task" = '
    kept = [line for line in text.splitlines() if not line.startswith(own)]
    listed = ", ".join(f'"{n}"' for n in names)
    path = tmp_path / "p.toml"
    path.write_text(
        "\n".join(kept).replace(
            SEPARATE, f'portfolio = {{ fleet = "separate", workloads = [{listed}] }}'
        ),
        encoding="utf-8",
    )
    return path


def test_the_caption_counts_the_workloads_the_alternative_serves(tmp_path: Path) -> None:
    analysis = analyze_portfolio(
        load_scenario(_serving(tmp_path, ["support triage", "SQL helper"]))
    )
    every, two = analysis.alternatives
    assert two.workloads == ["support triage", "SQL helper"]
    assert moved_words(analysis, 1).startswith(
        f"The 2 workloads it serves (of 5) moved together: one-time cost {usd(two.one_time_usd)}; "
    )
    assert moved_words(analysis, 0).startswith(
        f"The 5 workloads moved together: one-time cost {usd(every.one_time_usd)}; "
    )


def test_the_caption_of_one_workload_served_names_it(tmp_path: Path) -> None:
    analysis = analyze_portfolio(load_scenario(_serving(tmp_path, ["SQL helper"])))
    one = analysis.alternatives[1]
    assert moved_words(analysis, 1).startswith(
        f"The one workload it serves of 5 ('SQL helper') moved: one-time cost "
        f"{usd(one.one_time_usd)}; "
    )
