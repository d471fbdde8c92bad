"""Axis labels that say what their ticks are: a cost per 1,000 requests under a cent read
"$0.00, $0.00, $0.01", an NPV that moved by cents "$10, $10, $10", a count of 999,999.9
"1e+03k", the tornado "$25,000" wide and "$25k" on a phone, and plotly's own money and
share ticks "$0, $0, $1" and "0%, 0%, 1%". Every tick of an axis is in one format, told
apart from the others, never an exponent, never $0 for a tick that is not."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import build, per_request_dict
from payback import analyze
from payback.report import charts as ch
from payback.report import tornado
from payback.report.axes import (
    count_ticks,
    log_ticks,
    money_axis,
    money_axis_of,
    money_format_stops,
    money_tick_labels,
    money_ticks,
    share_format_stops,
)
from payback.report.common import metric, per_1k_ticks


def _sound(labels: list[str], values: list[float]) -> None:
    """Distinct labels for distinct values, no exponent, no zero for a tick that is not."""
    assert len(set(labels)) == len(set(values)), (values, labels)
    for label, value in zip(labels, values, strict=True):
        assert "e+" not in label, label
        assert "e-" not in label, label
        if value != 0:
            assert label.strip("−-$0.,") != "", (value, label)


# hand-computed: each failed on the code before


def test_sub_cent_prices_per_1k_are_told_apart() -> None:
    # 5 input and 1 output tokens on gpt-4o-mini: $0.0014 per 1,000 requests
    assert per_1k_ticks([0.0001, 0.0002, 0.0005, 0.001]) == [
        "$0.0001",
        "$0.0002",
        "$0.0005",
        "$0.0010",
    ]
    assert per_1k_ticks([0.002, 0.005, 0.01]) == ["$0.002", "$0.005", "$0.010"]
    assert per_1k_ticks([0.0011, 0.0012, 0.0013]) == ["$0.0011", "$0.0012", "$0.0013"]
    # cents stay cents, whole dollars whole
    assert per_1k_ticks([0.5, 1.0, 2.0]) == ["$0.50", "$1.00", "$2.00"]
    assert per_1k_ticks([1.0, 2.0, 5.0]) == ["$1", "$2", "$5"]


def test_counts_round_up_to_the_next_unit() -> None:
    assert count_ticks([999_999.9]) == ["1M"] == [metric(999_999.9)]
    assert count_ticks([999.9999, 999_499.0, 999_500.0]) == ["1k", "999k", "1M"]
    assert count_ticks([0.5, 1.5, 999.0]) == ["0.5", "1.5", "999"]


def test_an_npv_that_moves_by_cents() -> None:
    assert money_ticks(10.011, 10.042) == ([10.02, 10.03, 10.04], ["$10.02", "$10.03", "$10.04"])
    assert money_tick_labels([10.01, 10.015, 10.02]) == ["$10.010", "$10.015", "$10.020"]
    assert money_ticks(-0.3, 0.4) == (
        [-0.2, 0.0, 0.2, 0.4],
        ["−$0.20", "$0", "$0.20", "$0.40"],
    )
    assert money_tick_labels([-0.3, 0.0, 0.3]) == ["−$0.30", "$0", "$0.30"]


def test_short_and_whole_money_share_their_units_from_a_million() -> None:
    assert money_ticks(-25_394.0, 81_020.0)[1] == ["−$25k", "$0", "$25k", "$50k", "$75k"]
    assert money_tick_labels([1.5e6, 2e6], short=True) == money_tick_labels([1.5e6, 2e6])
    assert money_tick_labels([1.5e6, 2e6]) == ["$1.5M", "$2.0M"]
    # across a million: one unit, and the ticks apart (it read "$1e+03k", "$1M")
    assert money_ticks(999_990.0, 1_000_010.0)[1] == ["$0.99999M", "$1.00000M", "$1.00001M"]
    assert money_tick_labels([999_990.0, 999_995.0, 1e6]) == [
        "$0.999990M",
        "$0.999995M",
        "$1.000000M",
    ]


def test_a_phone_holds_the_tornado_ticks_apart() -> None:
    # six ticks of "−$0.0002" took 317 px of a phone's 280
    assert money_ticks(-0.00025, 0.0003) == ([-0.0002, 0.0, 0.0002], ["−$0.0002", "$0", "$0.0002"])


def _tornado_chart(**edits: float) -> ch.Chart:
    data = per_request_dict(0.0015, 0.0005, requests=100.0, horizon=6, data_usd=0.0002)
    data["traffic"].update(edits)
    chart = ch.drivers(analyze(build(data)), 0)
    assert chart is not None
    return chart


def test_the_tornado_wide_and_narrow_agree() -> None:
    """Wide, plotly's own ticks in cents and finer (as the PNG's); narrow, the same places
    (it wrote "$2×10⁻⁴" beside a wide "$0"); from a million the same ticks ("$4,000,000,000"
    wide beside "$4B" narrow)."""
    from payback.report.html import figure

    chart = _tornado_chart()
    fig = figure(chart)
    wide = fig.layout.xaxis
    assert wide.tickformat == "$,.0f"
    assert [s.value for s in wide.tickformatstops][3:5] == ["$,.4f", "$,.5f"]
    narrow = tornado.narrow(fig, chart)["layout"]["xaxis"]
    assert narrow["ticktext"] == ["$0.0002", "$0.0004", "$0.0006"]
    big = _tornado_chart(requests_per_month=1e12)
    fig = figure(big)
    narrow = tornado.narrow(fig, big)["layout"]["xaxis"]
    assert list(fig.layout.xaxis.ticktext) == narrow["ticktext"]
    assert list(fig.layout.xaxis.tickvals) == narrow["tickvals"]
    assert all(t.endswith("M") for t in narrow["ticktext"]), narrow["ticktext"]
    _sound(narrow["ticktext"], narrow["tickvals"])


def test_money_axes_of_the_report_write_cents_and_large_units() -> None:
    from payback.report.html import figure

    small = analyze(build(per_request_dict(0.0015, 0.0005, requests=100.0, data_usd=0.0002)))
    chart = ch.cumulative_costs(small)
    yaxis = figure(chart).layout.yaxis
    assert yaxis.tickformat == "$,.0f"
    assert [s.value for s in yaxis.tickformatstops][:3] == ["$,.2f", "$,.2f", "$,.3f"]
    big = analyze(build(per_request_dict(15.0, 2.0, requests=1e12, data_usd=1e9)))
    big_axis = money_axis(ch.cumulative_costs(big))
    assert big_axis["ticktext"] == ["$0", "$20B", "$40B", "$60B", "$80B"]  # $90B in 6 months
    assert all(len(t) <= 7 for t in big_axis["ticktext"]), big_axis
    assert figure(ch.cumulative_costs(big)).layout.yaxis.ticktext == tuple(big_axis["ticktext"])


@pytest.mark.parametrize("k", range(1, 19))
@pytest.mark.parametrize("m", [1, 2, 5])
def test_plotly_format_stops_tell_steps_apart(k: int, m: int) -> None:
    """The stop plotly picks for a step of m×10^-k (the first whose closed range holds it)
    writes 0 to 5 steps apart and none but zero as 0, as d3's fixed format would."""

    def picked(stops: list[dict[str, object]], dtick: float) -> str:
        for stop in stops:
            low, high = stop["dtickrange"]  # type: ignore[misc]
            if (low is None or low <= dtick) and (high is None or dtick <= high):
                return str(stop["value"])
        raise AssertionError(dtick)

    dtick = m * 10.0**-k
    places = int(picked(money_format_stops(), dtick).removeprefix("$,.").removesuffix("f"))
    labels = [f"{n * dtick:,.{places}f}" for n in range(6)]
    _sound(labels, [n * dtick for n in range(6)])
    if dtick < 0.01:  # from 1%, ".0%"
        share = int(picked(share_format_stops(), dtick).removeprefix(".").removesuffix("%"))
        percents = [f"{n * dtick * 100:.{share}f}%" for n in range(6)]
        _sound(percents, [n * dtick for n in range(6)])


def test_no_stop_for_a_step_of_a_dollar_or_a_percent() -> None:
    """From a dollar (and 1%) plotly's base format writes the ticks: no stop holds them."""
    for stops, whole in ((money_format_stops(), 1.0), (share_format_stops(), 0.01)):
        for dtick in (whole, 2 * whole, 5 * whole):
            assert not any(
                (s["dtickrange"][0] is None or s["dtickrange"][0] <= dtick)
                and dtick <= s["dtickrange"][1]
                for s in stops
            )


# properties: any ticks the generators give are labelled soundly


ends = st.tuples(
    st.floats(min_value=-19.0, max_value=14.0), st.floats(min_value=0.001, max_value=8.0)
)


@settings(max_examples=300, deadline=None)
@given(ends)
def test_log_ticks_labels_are_sound(end: tuple[float, float]) -> None:
    low = 10.0 ** end[0]
    high = low * 10.0 ** end[1]
    values = log_ticks(low, high)
    assert values == sorted(values)
    _sound(per_1k_ticks(values), values)
    _sound(count_ticks(values), values)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=-13.0, max_value=14.0),
    st.floats(min_value=-1.0, max_value=1.0),
    st.floats(min_value=-5.0, max_value=2.0),
)
def test_money_ticks_labels_are_sound(size: float, where: float, spread: float) -> None:
    middle = where * 10.0**size
    span = 10.0 ** (size + spread)
    values, labels = money_ticks(middle - span / 2, middle + span / 2)
    assert values == sorted(values)
    _sound(labels, values)
    assert len(values) <= 6
    assert len({label.lstrip("−$").lstrip("0123456789.,") for label in labels} - {""}) <= 1


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=-15, max_value=16),
    st.sampled_from([1.0, 2.0, 2.5, 5.0]),
    st.integers(min_value=-40, max_value=40),
    st.integers(min_value=2, max_value=9),
    st.booleans(),
)
def test_money_tick_labels_are_sound(
    power: int, mantissa: float, first: int, count: int, short: bool
) -> None:
    step = mantissa * 10.0**power
    values = [float(f"{(first + n) * step:.12g}") for n in range(count)]
    labels = money_tick_labels(values, short=short)
    _sound(labels, values)
    assert all(math.isfinite(v) for v in values)


def test_an_axis_up_the_side_keeps_its_ticks() -> None:
    """Up the side each tick has a line of its own: no ticks dropped for width there; across
    a phone, a power of ten's superscripts count as the narrow figures they are."""
    assert money_axis_of([0.0, 1.17e18], math.inf)["ticktext"] == [
        "$0",
        "$0.25×10¹⁸",
        "$0.50×10¹⁸",
        "$0.75×10¹⁸",
        "$1.00×10¹⁸",
    ]
    assert money_ticks(1.17e15, 5.4e15)[1] == ["$2×10¹⁵", "$3×10¹⁵", "$4×10¹⁵", "$5×10¹⁵"]
