"""``payback usage``: requests_per_month is the last complete month's, the tokens per
request every month's. Where the two months' tokens differ by a fifth or more, a note says
so (a made-up log whose prompts doubled read 1,475 tokens with no word of the 2,000 the
month it sized for sent)."""

from __future__ import annotations

import json
from pathlib import Path

from payback import profile_usage


def _log(path: Path, inputs: dict[int, int]) -> Path:
    """A request an hour through two whole months of 2026, each month's prompts of its own
    length, 200 tokens out."""
    rows = [
        json.dumps(
            {
                "timestamp": f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z",
                "input_tokens": tokens,
                "output_tokens": 200,
            }
        )
        for month, tokens in inputs.items()
        for day in range(1, (31 if month == 1 else 28) + 1)
        for hour in range(24)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_month_whose_prompts_stand_apart_from_the_logs_is_noted(tmp_path: Path) -> None:
    profile = profile_usage([_log(tmp_path / "log.jsonl", {1: 1000, 2: 2000})])
    # 744 requests of 1,000 and 672 of 2,000: 2,088,000 / 1,416 = 1,474.6 a request
    assert round(profile.traffic["input_tokens"], 1) == 1474.6
    assert round(profile.traffic["requests_per_month"]) == round(672 / 28 * 30.4375)
    assert (
        "tokens per request are the whole logs' while requests_per_month is 2026-02's: "
        "input_tokens 1,475 over the logs, 2,000 in that month (a since date of 2026-02-01 "
        "measures that month alone)"
    ) in profile.notes


def test_months_alike_in_tokens_get_no_note(tmp_path: Path) -> None:
    # 1,000 and 1,150: the last month 8.0% over the mean of 1,071.2, under a fifth
    profile = profile_usage([_log(tmp_path / "log.jsonl", {1: 1000, 2: 1150})])
    assert not [n for n in profile.notes if n.startswith("tokens per request")]
