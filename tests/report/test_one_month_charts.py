"""A one-month horizon's charts: the monthly-cost chart's baseline, one point, was an
invisible plotly line (the caption says "the dotted line is what the baseline costs that
month") and the PNG had no line either, with x ticks 0.6, 0.7 ... 1.4 "month"; now the
baseline is a dotted segment across month 1's bar and the PNG's months are whole."""

from __future__ import annotations

from helpers import build, per_request_dict
from payback import analyze
from payback.report import charts as ch
from payback.report.html import figure
from payback.report.markdown import draw


def _charts() -> tuple[ch.Chart, ch.Chart]:
    # 100,000 requests at $10 and $1 per 1,000: the baseline $1,000 in month 1, 'cheap' $100
    analysis = analyze(build(per_request_dict(10.0, 1.0, 100_000.0, horizon=1, data_usd=300.0)))
    return ch.monthly_components(analysis, 0), ch.cumulative_costs(analysis)


def test_the_page_draws_the_baseline_across_the_month() -> None:
    line = [t for t in figure(_charts()[0]).data if t.type == "scatter"]
    assert len(line) == 1
    assert list(line[0].x) == [0.6, 1.0, 1.4]
    assert list(line[0].y) == [1_000.0, 1_000.0, 1_000.0]


def _visible_ticks(ax: object) -> list[float]:
    low, high = ax.get_xlim()  # type: ignore[attr-defined]
    return [t for t in ax.get_xticks() if low <= t <= high]  # type: ignore[attr-defined]


def test_the_png_draws_the_baseline_and_ticks_whole_months() -> None:
    components, cumulative = _charts()
    ax = draw(components).axes[0]
    (line,) = ax.lines
    assert list(line.get_xdata()) == [0.6, 1.0, 1.4]
    assert list(line.get_ydata()) == [1_000.0, 1_000.0, 1_000.0]
    assert _visible_ticks(ax) == [1.0]
    assert _visible_ticks(draw(cumulative).axes[0]) == [0.0, 1.0]
