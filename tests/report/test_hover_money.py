"""Money in the HTML report's hovers at small scales.

The hovers wrote every figure as whole dollars (plotly's ``$,.0f``): 1,000 requests a month
on a cheap API cost $0.51 a month, which the tables write "$0.51" and every hover "$1"
(three months "$2" for $1.53, a one-time $1.50 "$2"); a month of $0.0017 read "$0". Now a
chart's hovers take the places its own figures need (whole dollars from $1,000 or where
they are exact, as the examples' charts keep them; cents below; more under a cent), and
the per-1k line's hover the tables' own figure ("$0.0035 per 1k", where ``.3f`` read
"$0.004")."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from helpers import EXAMPLES, per_request_dict, run


def _written(tmp_path: Path, data: dict[str, Any] | Path) -> str:
    """The HTML ``payback report`` writes for ``data`` (a scenario, or an example file)."""
    path = data if isinstance(data, Path) else tmp_path / "small.toml"
    if not isinstance(data, Path):
        path.write_text(tomlkit.dumps(data))
    out = tmp_path / "report.html"
    code, _, err = run("report", path, "-o", out)
    assert code == 0, err
    return out.read_text()


def _plotted(page: str) -> dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Each chart's plotly traces and layout, read from that chart's own div."""
    decoder = json.JSONDecoder()
    found = {}
    for match in re.finditer(r'data-chart="([^"]+)"', page):
        call = re.compile(r'Plotly\.newPlot\(\s*"[0-9a-f-]{36}",\s*').search(page, match.end())
        assert call is not None
        traces, end = decoder.raw_decode(page, call.end())
        after = re.compile(r",\s*").match(page, end)
        assert after is not None
        layout, _ = decoder.raw_decode(page, after.end())
        found[match.group(1)] = (traces, layout)
    return found


def _d3(fmt: str, value: float) -> str:
    """What plotly's ``$,.Nf`` writes for a non-negative ``value``."""
    found = re.fullmatch(r"\$,\.(\d+)f", fmt)
    assert found is not None, fmt
    return f"${value:,.{int(found.group(1))}f}"


def _hovers(traces: list[dict[str, Any]], layout: dict[str, Any]) -> tuple[str, set[str]]:
    """A chart's y hover format and its money traces' hover templates."""
    return layout["yaxis"].get("hoverformat", ""), {
        t["hovertemplate"] for t in traces if "hovertemplate" in t and "customdata" not in t
    }


# 1,000 requests a month at $0.51 and $0.17 per 1,000: $0.51 and $0.17 a month
CENTS = per_request_dict(0.51, 0.17, requests=1_000.0, horizon=6, training_usd=1.5)
# 10 a month: $0.0051 and $0.0017 a month
UNDER_A_CENT = per_request_dict(0.51, 0.17, requests=10.0, horizon=6, training_usd=1.5)


def test_a_month_of_cents_hovers_in_cents(tmp_path: Path) -> None:
    charts = _plotted(_written(tmp_path, CENTS))
    fmt, templates = _hovers(*charts["cumulative"])
    assert fmt == "$,.2f"
    assert templates == {"month %{x}: %{y}<extra>%{fullData.name}</extra>"}
    baseline = charts["cumulative"][0][0]
    assert baseline["x"][3] == 3
    assert _d3(fmt, baseline["y"][3]) == "$1.53"  # 3 × $0.51; it read "$2"
    fmt, templates = _hovers(*charts["components-0"])
    assert (fmt, templates) == ("$,.2f", {"%{y}"})
    assert [_d3(fmt, t["y"][0]) for t in charts["components-0"][0]] == ["$0.17", "$0.51"]
    fmt, _ = _hovers(*charts["one-time"])
    assert _d3(fmt, charts["one-time"][0][0]["y"][0]) == "$1.50"  # it read "$2"
    tornado = {t["hovertemplate"] for t in charts["tornado-0"][0]}
    assert tornado == {"NPV %{customdata:$,.2f}<extra>%{fullData.name}</extra>"}


def test_the_hover_shows_the_tables_figure(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_text(tomlkit.dumps(CENTS))
    code, text, err = run("analyze", path)
    assert code == 0, err
    (row,) = [line for line in text.splitlines() if line.strip().startswith("this alternative")]
    traces, layout = _plotted(_written(tmp_path, CENTS))["components-0"]
    assert row.split()[2] == _d3(layout["yaxis"]["hoverformat"], traces[0]["y"][0]) == "$0.17"


def test_a_month_under_a_cent_hovers_to_its_figures(tmp_path: Path) -> None:
    charts = _plotted(_written(tmp_path, UNDER_A_CENT))
    traces, layout = charts["components-0"]
    fmt = layout["yaxis"]["hoverformat"]
    assert fmt == "$,.4f"  # $0.0051 within 1%: "$0.01" was 96% off
    assert [_d3(fmt, t["y"][0]) for t in traces] == ["$0.0017", "$0.0051"]
    # the cumulative chart's alternative starts at its one-time $1.50: cents, as the
    # table's column of totals ($0.03 beside $1.51) writes them
    traces, layout = charts["cumulative"]
    assert [_d3(layout["yaxis"]["hoverformat"], t["y"][6]) for t in traces[:2]] == [
        "$0.03",
        "$1.51",
    ]


@pytest.mark.parametrize(
    ("example", "whole"),
    [
        ("quarter-200k", ["cumulative", "components-0", "one-time"]),
        # $300 and $40 a month, $150, $200 and $50 one-time: exact in whole dollars
        ("seed", ["cumulative", "components-0", "one-time"]),
    ],
)
def test_larger_scenarios_keep_whole_dollars(
    tmp_path: Path, example: str, whole: list[str]
) -> None:
    charts = _plotted(_written(tmp_path, EXAMPLES / f"{example}.toml"))
    assert {key: charts[key][1]["yaxis"]["hoverformat"] for key in whole} == dict.fromkeys(
        whole, "$,.0f"
    )
    tornado = {t["hovertemplate"] for t in charts["tornado-0"][0]}
    assert tornado == {"NPV %{customdata:$,.0f}<extra>%{fullData.name}</extra>"}


def test_the_per_1k_hover_is_the_tables_figure(tmp_path: Path) -> None:
    # an embedding API at $0.0035 per 1,000: plotly's .3f read "$0.004"
    data = per_request_dict(0.0035, 0.001, requests=1e10, horizon=12, data_usd=100_000.0)
    traces, _ = _plotted(_written(tmp_path, data))["per-1k"]
    baseline, alternative = traces[0], traces[1]
    assert {text for _, text in baseline["customdata"]} == {"$0.0035"}
    assert {text for _, text in alternative["customdata"]} == {"$0.001"}
    assert baseline["hovertemplate"] == "%{customdata[0]} requests/month: %{customdata[1]} per 1k"
    assert baseline["customdata"][-1][0] == f"{baseline['x'][-1]:,.0f}"
