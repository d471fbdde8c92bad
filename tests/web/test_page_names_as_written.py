"""The page draws the report's figures (``payback.report.html.figure``), fitted to its
column and to its theme: a name holding markup reads there as written too."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from helpers import EXAMPLES
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report.html import figure
from payback.web.colours import for_dark, for_light
from payback.web.look import LEGEND_CHARS, fit_to_column

NAME = "<b>fine-tuned</b> &amp; <i>served</i> on <a href='https://e.x'>our</a> H100s"
"""Longer than the column's legend line (a '<' on each side of a cut)."""


@pytest.mark.parametrize("theme", [for_light, for_dark])
def test_the_pages_chart_names_an_alternative_as_written(tmp_path: Path, theme: object) -> None:
    """The page's cumulative chart held the name as markup (a bold 'fine-tuned', a link);
    its legend entry is the name in entities now, on lines of the column's width cut
    between words, in either theme."""
    text = (EXAMPLES / "seed.toml").read_text()
    path = tmp_path / "s.toml"
    path.write_text(text.replace('"fine-tuned small model"', json.dumps(NAME)))
    analysis = analyze(load_scenario(path))
    assert analysis.alternatives[0].name == NAME
    chart = ch.cumulative_costs(analysis)
    fig = figure(chart)
    fit_to_column(fig, chart)
    fig = theme(fig)  # type: ignore[operator]
    (entry,) = [
        t.name for t in fig.data if t.name and "fine-tuned" in t.name and t.showlegend is not False
    ]
    lines = entry.split("<br>")
    assert [html.unescape(line) for line in lines] == [
        "<b>fine-tuned</b> &amp; <i>served</i> on",
        "<a href='https://e.x'>our</a> H100s",
    ]
    assert all(len(html.unescape(line)) <= LEGEND_CHARS for line in lines)
    assert "<b>" not in entry
    assert "<a " not in entry
    assert "&amp;amp;" in entry
