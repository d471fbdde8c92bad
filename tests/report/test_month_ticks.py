"""The month axis on long horizons: tried as a new user would, a 240-month horizon put a
tick every 12 months (21 labels, turned on their side in a phone's chart) and 600 months
51 labels that ran into one smear at 420 and 1400 px; the bars of the monthly components,
600 of them with plotly's gap beside each, were hairlines. Now the step grows with the
horizon (a year to eight years, then 2, 5 and 10 years) and past ten years the bars
touch."""

from __future__ import annotations

import tomllib
from itertools import pairwise
from pathlib import Path

import pytest

from helpers import EXAMPLES, build, edited, pages_at
from payback import analyze
from payback.report import charts as ch
from payback.report.html import figure, render_html

QUARTER = EXAMPLES / "quarter-200k.toml"


def _analysis(horizon: int):  # type: ignore[no-untyped-def]
    data = tomllib.loads(QUARTER.read_text())
    return analyze(build(edited(data, "scenario.horizon_months", horizon)))


def _ticks(dtick: int, horizon: int) -> list[int]:
    return list(range(0, horizon + 1, dtick))


@pytest.mark.parametrize(
    ("horizon", "step", "labels"),
    [
        (12, 1, 13),  # as before: every month to a year
        (24, 3, 9),  # a quarter to three years
        (36, 3, 13),
        (60, 12, 6),  # a year to eight years
        (96, 12, 9),
        (120, 24, 6),  # 10 steps of a year was too many: two years
        (240, 60, 5),  # 0, 60, 120, 180, 240 (was 12: 21 labels)
        (600, 120, 6),  # 0, 120, …, 600 (was 12: 51 labels)
    ],
)
def test_the_month_step_grows_with_the_horizon(horizon: int, step: int, labels: int) -> None:
    analysis = _analysis(horizon)
    for chart in (ch.cumulative_costs(analysis), ch.monthly_components(analysis, 0)):
        layout = figure(chart).layout
        assert layout.xaxis.dtick == step, chart.key
        assert len(_ticks(step, horizon)) == labels


@pytest.mark.parametrize(("horizon", "gap"), [(24, None), (120, None), (121, 0), (600, 0)])
def test_past_ten_years_the_monthly_bars_touch(horizon: int, gap: int | None) -> None:
    fig = figure(ch.monthly_components(_analysis(horizon), 0))
    assert fig.layout.bargap == gap
    widths = {t.marker.line.width for t in fig.data if t.type == "bar"}
    assert widths == ({0} if gap == 0 else {None})


LABELS = """key => Array.from(
    document.querySelectorAll(`#chart-${key} .plotly-graph-div .xtick text`)
).map(t => { const r = t.getBoundingClientRect();
    return {text: t.textContent, turned: (t.getAttribute('transform') || '').includes('rotate'),
            l: r.left, r: r.right}; })"""


@pytest.mark.slow
@pytest.mark.parametrize("horizon", [240, 600])
def test_month_labels_are_level_and_apart_on_a_phone_and_a_desktop(
    tmp_path: Path, horizon: int
) -> None:
    analysis = _analysis(horizon)
    page_file = tmp_path / "r.html"
    page_file.write_text(render_html(analysis))
    step = 60 if horizon == 240 else 120
    for width, page in pages_at(page_file, [420, 1400]):
        page.wait_for_timeout(500)
        for key in (ch.CUMULATIVE, ch.COMPONENTS.format(0)):
            labels = page.evaluate(LABELS, key)
            shown = [int(label["text"]) for label in labels]
            assert shown == [m for m in _ticks(step, horizon) if m >= shown[0]], (width, key)
            assert not any(label["turned"] for label in labels), (width, key)
            gaps = [b["l"] - a["r"] for a, b in pairwise(labels)]
            assert min(gaps) > 8, (width, key, gaps)
