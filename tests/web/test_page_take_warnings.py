"""The page's "what would it take" box says what payback solve warns of, as the command
line does: it said the threshold of a token length and not that the self-hosted capacity
the file gives stays as it is while the length varies."""

from __future__ import annotations

import payback
from helpers import EXAMPLES
from payback.studies.solve import parse_target
from payback.web.take import solution_words


def test_a_held_capacity_is_said_under_the_answer() -> None:
    scenario = payback.load_scenario(EXAMPLES / "quarter-200k.toml")
    solution = payback.solve(scenario, "traffic.output_tokens", parse_target("npv_usd=0"))
    warning = solution.warnings[0]
    assert warning.startswith("traffic.output_tokens varies the per-token prices only:")
    words = solution_words(solution)
    assert words[-len(solution.warnings) :] == [f"Note: {w}" for w in solution.warnings]
    assert words[0].startswith("For 'fine-tuned 7B on one rented L4' to ")


def test_no_note_where_solve_warns_of_nothing() -> None:
    scenario = payback.load_scenario(EXAMPLES / "quarter-200k.toml")
    solution = payback.solve(scenario, "traffic.requests_per_month", parse_target("npv_usd=0"))
    assert solution.warnings == []
    assert not any(line.startswith("Note: ") for line in solution_words(solution))
