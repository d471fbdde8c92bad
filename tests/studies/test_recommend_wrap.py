"""recommend's lists wrap under their items: at 80 columns the stale rents' URLs and the
'Left out' reasons (with their example ids) went on at column 0 with no indent, as
'(https://tensorwave.com/pricing)' and 'rtx-6000-ada)' did; a URL is never broken."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.console import Console

import payback
import payback.studies.recommend as study
from helpers import QUARTER
from payback.report.recommend import Hanging, recommendation_renderables


def _text(renderable: object, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [50, 80])
def test_left_out_reasons_and_stale_urls_hang_under_their_items(
    monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setattr(study, "_today", lambda: dt.date(2026, 12, 5))
    scenario = payback.load_scenario(QUARTER)
    result = payback.recommend(scenario, models=["qwen2.5-7b"])
    lines = _text(recommendation_renderables(result, top=10), width)
    start = lines.index("Left out before evaluation (81):")
    items = lines[start + 1 : lines.index("", start)]
    assert items[0].startswith("    48 marketplace rents only")
    assert all(line.startswith(("    ", "       ")) for line in items)  # nothing at column 0
    assert sum(line[:6].strip().isdigit() for line in items) == 4
    assert all(line.startswith("       ") for line in items if not line[:6].strip().isdigit())
    assert all(len(line) <= width for line in items)
    stale = next(i for i, line in enumerate(lines) if line.startswith("* a stale rent"))
    urls = [line for line in lines[stale:start] if "https://" in line]
    assert urls
    assert all("(https://tensorwave.com/pricing)" in line for line in urls)  # whole
    assert all(
        line.startswith("         ") for line in urls
    )  # under 'at $1.50...', past '  mi300x'
    words = " ".join(" ".join(lines).split())
    assert "(e.g. qwen2.5-7b bf16 on 1 × rtx-6000-ada)" in words  # the id whole


def test_a_word_wider_than_the_line_is_folded_under_its_item_not_cropped() -> None:
    url = "https://example.com/" + "a" * 60
    lines = _text(Hanging([("  gpu", f"from somewhere ({url})")]), 40)
    assert lines[0] == "  gpu from somewhere"
    assert all(line.startswith("      ") and len(line) <= 40 for line in lines[1:])
    assert "".join(line.strip() for line in lines[1:]) == f"({url})"
