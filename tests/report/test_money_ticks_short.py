"""The PNG charts' money and count ticks at large amounts: one unit an axis, short enough
to stand apart ($4B, $5B), powers of ten past a thousand trillion. A tornado of 10^10
requests a month read "$4,000,000,000$5,000,000,000…", one of 10^190 ran off the figure in
191 digits, and 10^13 requests a month read "1e+04B" on the cost-per-1k chart."""

from __future__ import annotations

import pytest

from helpers import build, per_request_dict
from payback import analyze
from payback.report import charts as ch
from payback.report.axes import count_ticks, money_tick_labels
from payback.report.markdown import _pyplot, draw


def _tick_texts(axis: object) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("values", "labels"),
    [
        ([-20_000.0, 0.0, 20_000.0], ["−$20,000", "$0", "$20,000"]),
        ([4e9, 5e9, 6e9], ["$4B", "$5B", "$6B"]),
        ([4e9, 4.5e9, 5e9], ["$4.0B", "$4.5B", "$5.0B"]),
        ([-2e6, 0.0, 2e6], ["−$2M", "$0", "$2M"]),
        ([2.5e12, 5e12], ["$2.5T", "$5.0T"]),
        ([0.0, 1e190, 2e190], ["$0", "$10×10¹⁸⁹", "$20×10¹⁸⁹"]),
    ],
)
def test_money_tick_labels(values: list[float], labels: list[str]) -> None:
    assert money_tick_labels(values) == labels


def test_counts_never_in_exponents() -> None:
    assert count_ticks([5e11, 1e12, 1e13, 2e14]) == ["500B", "1T", "10T", "200T"]
    assert count_ticks([1e15, 3e-5]) == ["1×10¹⁵", "3×10⁻⁵"]


def test_a_tornado_of_billions_has_short_ticks() -> None:
    # 10^10 requests a month at $15 against $2 per 1,000: an NPV of billions (bigco.toml)
    data = per_request_dict(requests=1e10, horizon=36, data_usd=1e6, training_usd=1e6)
    data["traffic"]["growth_monthly"] = 0.03
    data["scenario"]["discount_rate_annual"] = 0.1
    chart = ch.drivers(analyze(build(data)), 0)
    assert chart is not None
    fig = draw(chart)
    fig.canvas.draw()
    texts = _tick_texts(fig.axes[0].xaxis)
    plt = _pyplot()
    plt.close(fig)
    assert texts
    assert all(t.endswith("B") and len(t) <= 6 for t in texts), texts
    assert len(texts) <= 6


def test_a_cumulative_chart_past_written_out() -> None:
    # 10^13 requests a month doubling each month for 600 months: costs past 10^190
    data = per_request_dict(1e6, 0.0, requests=1e13, horizon=600, data_usd=1e12)
    data["traffic"]["growth_monthly"] = 1.0
    fig = draw(ch.cumulative_costs(analyze(build(data))))
    fig.canvas.draw()
    texts = _tick_texts(fig.axes[0].yaxis)
    _pyplot().close(fig)
    assert texts
    assert all(len(t) <= 12 for t in texts), texts
    assert any("×10" in t for t in texts)
