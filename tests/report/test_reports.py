"""Reports: self-contained HTML with the charts' data, Markdown with its PNGs, the
explanation's numbers, the sparkline, and the report command's file safety."""

from __future__ import annotations

import html
import io
import itertools
import json
import math
import re
import tokenize
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import matplotlib.pyplot as plt
import numpy as np
import pytest
from markdown_it import MarkdownIt
from matplotlib.colors import to_hex
from matplotlib.text import Text

from helpers import EXAMPLES, assert_user_error, build, per_request_dict, run
from payback import analyze, load_scenario
from payback.analysis.result import Analysis
from payback.report import charts as ch
from payback.report import markdown_files, render_html
from payback.report.common import (
    COMPONENT_COLOURS,
    alternative_colour,
    driver_range,
    headline,
    inputs_table,
    summary_table,
)
from payback.report.explain import explain
from payback.report.html import figure
from payback.report.markdown import draw, md_escape
from payback.report.text import sparkline
from payback.scenario import parse_scenario
from payback.studies.uncertainty import tornado

pytestmark = pytest.mark.slow  # charts drawn with plotly and matplotlib: seconds a test

SEED = (EXAMPLES / "seed.toml").read_text()


def scenario(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def words(analysis: Analysis) -> str:
    return "\n".join(p for _, paragraphs in explain(analysis) for p in paragraphs)


def plotted(page: str) -> dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Each chart's plotly traces and layout, read from that chart's own div of the page."""
    decoder = json.JSONDecoder()
    found = {}
    for match in re.finditer(r'data-chart="([^"]+)"', page):
        call = re.compile(r'Plotly\.newPlot\(\s*"[0-9a-f-]{36}",\s*').search(page, match.end())
        assert call is not None
        traces, end = decoder.raw_decode(page, call.end())
        layout, _ = decoder.raw_decode(page, re.compile(r",\s*").match(page, end).end())  # type: ignore[union-attr]
        found[match.group(1)] = (traces, layout)
    return found


def markdown_tables(text: str) -> list[list[list[str]]]:
    """The Markdown's tables as a CommonMark parser reads them: rows of cell texts, each
    escape read (``\\$5`` is ``$5``), a code span in its backticks."""
    tables, rows, row = [], [], None
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(
                "".join(
                    f"`{c.content}`" if c.type == "code_inline" else c.content
                    for c in token.children or []
                )
            )
        elif token.type == "tr_close":
            rows.append(row)
            row = None
        elif token.type == "table_close":
            tables.append(rows)
    return tables


def png_texts(chart: ch.Chart) -> list[str]:
    fig = draw(chart)
    texts = [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)
    return texts


@pytest.fixture(scope="module")
def growth() -> object:
    return analyze(load_scenario(EXAMPLES / "growth.toml"))


@pytest.fixture(scope="module")
def growth_page(growth: object) -> str:
    return render_html(growth)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def uncertain() -> object:
    return analyze(load_scenario(EXAMPLES / "quarter-uncertain.toml"), samples=4000, seed=1)


def test_html_is_self_contained(growth_page: str) -> None:
    page = growth_page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?https?:", page, re.I)
    assert page.count("<script") >= 2  # plotly.js itself, inlined, and the charts
    assert len(page) > 3_000_000  # the library is in the file


def test_html_holds_every_charts_data(growth: object, growth_page: str) -> None:
    page = growth_page
    drawn = plotted(page)
    charts = ch.all_charts(growth)  # type: ignore[arg-type]
    assert list(drawn) == [c.key for c in charts]
    assert {"cumulative", "components-0", "components-2", "one-time", "per-1k", "tornado-0"} <= set(
        drawn
    )
    for chart in charts:
        traces, _ = drawn[chart.key]
        for series in chart.series:
            # the series' whole data, in its own chart's div (a tornado bar holds the NPV in
            # customdata; its bar length is NPV - centre)
            same = [
                t
                for t in traces
                if series.y in (t.get("y"), t.get("customdata"))
                and (chart.key.startswith(("tornado", "one-time")) or t.get("x") == series.x)
            ]
            assert same, (chart.key, series.name)
            if not chart.key.startswith("fan"):
                # a long name on lines of its own in the legend (38 characters at most)
                names = [t["name"].replace("<br>", " ") for t in same]
                assert series.name in names, (chart.key, series.name)


def test_html_and_png_colour_by_component_and_option(growth: object) -> None:
    for index in range(3):
        chart = ch.monthly_components(growth, index)  # type: ignore[arg-type]
        html_bars = {t.name: t.marker.color for t in figure(chart).data if t.type == "bar"}
        fig = draw(chart)
        png_bars = {
            c.get_label(): to_hex(c.patches[0].get_facecolor()) for c in fig.axes[0].containers
        }
        plt.close(fig)
        assert html_bars == png_bars
        components = growth.alternatives[index].components_usd  # type: ignore[attr-defined]
        assert len(html_bars) == len(components)
    # GPUs are the same colour for both self-hosted options, whatever the trace order
    gpus = COMPONENT_COLOURS["gpus"]
    for index in (0, 1):
        bars = {t.name: t.marker.color for t in figure(ch.monthly_components(growth, index)).data}  # type: ignore[arg-type]
        assert bars["GPUs"] == gpus
        assert bars["ops"] == COMPONENT_COLOURS["ops"]
    # an alternative has one colour in every chart
    for chart in (
        ch.cumulative_costs(growth),
        ch.one_time_items(growth),
        ch.cost_per_1k_vs_traffic(growth),
    ):  # type: ignore[arg-type]
        colours = {s.name: s.color for s in chart.series}
        for i, alt in enumerate(growth.alternatives):  # type: ignore[attr-defined]
            assert colours[alt.name] == alternative_colour(i)


def test_money_ticks_agree(growth: object) -> None:
    fig = figure(ch.drivers(growth, 0))  # type: ignore[arg-type]
    assert fig.layout.xaxis.tickformat == "$,.0f"  # d3 draws −$20,000
    assert fig.layout.xaxis.tickprefix is None
    cumulative = figure(ch.cumulative_costs(growth))  # type: ignore[arg-type]
    assert cumulative.layout.yaxis.tickformat == "$,.0f"
    assert cumulative.layout.yaxis.tickprefix is None
    png = draw(ch.drivers(growth, 0))  # type: ignore[arg-type]
    assert png.axes[0].xaxis.get_major_formatter()(-20000.0, 0) == "−$20,000"
    plt.close(png)


def test_cumulative_chart_marks_each_break_even(growth: object, tmp_path: Path) -> None:
    # the first alternative never pays back: markers must still go with their own line
    two = SEED.replace(
        "[[alternatives]]",
        '[[alternatives]]\nname = "dearer"\nkind = "per_request"\nusd_per_1k_requests = 16.0\n\n'
        "[[alternatives]]",
        1,
    )
    mixed = analyze(load_scenario(scenario(tmp_path, "two", two)))
    assert mixed.alternatives[0].break_even_month is None
    for analysis in (growth, mixed):
        chart = ch.cumulative_costs(analysis)  # type: ignore[arg-type]
        expected = {
            a.name: a.break_even_month
            for a in analysis.alternatives  # type: ignore[attr-defined]
            if a.break_even_month is not None
        }
        assert {m["name"]: m["x"] for m in chart.markers} == expected
        base = chart.series[0]
        assert base.y[0] == 0.0
        assert base.y[-1] == pytest.approx(sum(analysis.baseline.monthly_cost_usd))  # type: ignore[attr-defined]
        lines = {s.name: s for s in chart.series[1:]}
        for marker in chart.markers:
            line = lines[marker["name"]]
            # at the break-even the alternative's cumulative cost equals the baseline's
            assert np.interp(marker["x"], line.x, line.y) == pytest.approx(marker["y"], rel=1e-6)
            assert np.interp(marker["x"], base.x, base.y) == pytest.approx(marker["y"], rel=1e-6)
    # seed: $400 up front, $260 a month saved: 400 / 260 = month 1.54
    (marker,) = ch.cumulative_costs(mixed).markers
    assert marker["x"] == pytest.approx(400 / 260)
    assert marker["text"] == "fine-tuned small model: break-even month 1.5"


def test_break_even_labels_name_the_alternative(growth: object) -> None:
    chart = ch.cumulative_costs(growth)  # type: ignore[arg-type]
    labels = {
        "fine-tuned 8B on rented H100s: break-even month 18.5",
        "fine-tuned 8B, serverless (scale to zero): break-even month 8.1",
        "smaller hosted model, prompt-tuned: break-even month 2.8",
    }
    assert {m["text"] for m in chart.markers} == labels  # the diamonds' hover
    # as drawn: three names this long, on lines of 17 characters, do not all fit a phone's
    # plot clear of the lines and of each other; each label says its break-even alone, in
    # its alternative's colour (the legend names it)
    drawn = {m["label"] for m in chart.markers}
    assert drawn == {"break-even\nmonth 18.5", "break-even\nmonth 8.1", "break-even\nmonth 2.8"}
    assert {m["color"] for m in chart.markers} == {s.color for s in chart.series[1:]}
    assert drawn <= set(png_texts(chart))
    fig = figure(chart)
    assert {d.replace("\n", "<br>") for d in drawn} == {a.text for a in fig.layout.annotations}
    for a in fig.layout.annotations:  # off the lines: each label is offset from its point
        assert a.showarrow
        assert (a.ax, a.ay) != (0, 0)


def test_per_1k_chart_finds_the_crossover(growth: object) -> None:
    chart = ch.cost_per_1k_vs_traffic(growth)  # type: ignore[arg-type]
    crossings = [m for m in chart.markers if m["name"] != "today"]
    assert crossings
    for m in crossings:  # on the baseline's line, at the crossing the sentence states
        assert m["y"] == pytest.approx(np.interp(m["x"], chart.series[0].x, chart.series[0].y))
        assert round(m["x"], -3) == m["volume"]
    fleet = chart.series[1].y  # rented H100s: steps up when a replica is added
    assert any(b > a for a, b in itertools.pairwise(fleet))
    # stated to three figures of the crossover narrowed between the grid's levels, not as
    # the next grid point's six digits (nor the midpoint of two levels: 250k and 990k)
    assert {m["volume"] for m in crossings} == {991_000.0, 246_000.0}


def test_per_1k_spreads_retraining_over_its_months(tmp_path: Path) -> None:
    # $1/1k against $0.50/1k plus $1,000 retraining every 2 months = $500 a month:
    # 1.0 = 0.5 + 500 / V * 1000 at V = 1,000,000 requests a month. Month 1 has no retraining,
    # so without spreading it the alternative would look cheaper at every volume.
    text = """
[scenario]
name = "retraining spread"
horizon_months = 6
[traffic]
requests_per_month = 500000
[baseline]
name = "hosted"
kind = "per_request"
usd_per_1k_requests = 1.0
[[alternatives]]
name = "tuned"
kind = "per_request"
usd_per_1k_requests = 0.5
[alternatives.recurring]
retrain_every_months = 2
retrain_usd = 1000.0
"""
    analysis = analyze(load_scenario(scenario(tmp_path, "retrain", text)))
    chart = ch.cost_per_1k_vs_traffic(analysis)
    base, tuned = chart.series
    today = base.x.index(min(base.x, key=lambda v: abs(v - 500_000)))
    assert base.y[today] == pytest.approx(1.0)
    assert tuned.y[today] == pytest.approx(0.5 + 500 / 500_000 * 1000)  # $1.50
    (crossing,) = [m for m in chart.markers if m["name"] != "today"]
    # at the crossing stated, on the baseline's line (not the next grid level, ~3% on)
    assert crossing["x"] == pytest.approx(1_000_000, rel=1e-3)
    assert crossing["y"] == pytest.approx(1.0)
    assert crossing["volume"] == 1_000_000
    assert (
        chart.note
        == "'tuned' is cheaper per request than the baseline from about 1M requests a month."
    )
    # labelled in the PNG, stated in the Markdown
    # (on two lines where one would cross the line of today's 500k on a phone)
    assert "cheaper from ~1M/month" in [t.replace("\n", " ") for t in png_texts(chart)]
    md = markdown_files(analysis, tmp_path / "r.md")[tmp_path / "r.md"].decode()
    assert "'tuned' is cheaper per request than the baseline from about 1M requests a month" in md


def test_a_fleets_step_is_stated_where_it_is(tmp_path: Path) -> None:
    """One GPU at $2/h serving 1 request/s planned at 50%, peaks 2x the average, 10% sent
    back to the $4.50/1k API: the second replica comes when 0.9 R / 2,628,000 s x 2 / 0.5 > 1,
    at R = 730,000 requests a month. The caption said "dearer from about 720k": the midpoint
    of the two grid levels around it (711,685 and 732,145). By hand, with $80 ops and $500
    retraining every 6 months ($83.33 a month): cheaper from 1,623.33 / 0.00405 = 400,823,
    dearer from 730,000, cheaper again from 3,083.33 / 0.00405 = 761,317."""
    text = """
[scenario]
name = "A"
horizon_months = 12
[traffic]
requests_per_month = 1000000
input_tokens = 1000
output_tokens = 200
peak_to_average = 2.0
[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0
[[alternatives]]
name = "selfhost"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
gpus_per_replica = 1
replica_requests_per_s = 1.0
target_utilization = 0.5
escalation_share = 0.1
ops_usd_per_month = 80.0
[alternatives.recurring]
retrain_every_months = 6
retrain_usd = 500.0
"""
    analysis = analyze(load_scenario(scenario(tmp_path, "step", text)))
    (found,) = analysis.cost_per_1k_curve.crossovers
    by_hand = [(80 + 500 / 6 + 1460) / 0.00405, 730_000.0, (80 + 500 / 6 + 2920) / 0.00405]
    assert found == pytest.approx(by_hand, rel=1e-6)
    assert ch.cost_per_1k_vs_traffic(analysis).note == (
        "Lines of always-on fleets step up where another replica is needed. 'selfhost' is "
        "cheaper per request than the baseline from about 401k requests a month, dearer from "
        "about 730k, cheaper from about 761k."
    )


def test_per_1k_note_follows_the_kinds(tmp_path: Path) -> None:
    # the baseline is an own GPU ($1/h, 730 h a month, capacity to spare), the alternative
    # an API at $0.73/1k: 730 / V * 1000 = 0.73 at V = 1M; above it the API is dearer
    text = """
[scenario]
name = "own fleet vs an API"
horizon_months = 6
[traffic]
requests_per_month = 300000
[baseline]
name = "own GPU"
kind = "self_hosted"
usd_per_gpu_hour = 1.0
gpus_per_replica = 1
replica_requests_per_s = 1000.0
[[alternatives]]
name = "per-request API"
kind = "per_request"
usd_per_1k_requests = 0.73
"""
    analysis = analyze(load_scenario(scenario(tmp_path, "kind", text)))
    chart = ch.cost_per_1k_vs_traffic(analysis)
    base = dict(zip(chart.series[0].x, chart.series[0].y, strict=True))
    assert base[min(base, key=lambda v: abs(v - 300_000))] == pytest.approx(730 / 300)
    assert chart.note == (
        "Lines of always-on fleets step up where another replica is needed. 'per-request API' "
        "is dearer per request than the baseline from about 1M requests a month."
    )
    assert "API is cheaper" not in chart.note
    # no one-time cost anywhere: no chart of $0 bars, and the pay-back-at-once marker at month 0
    assert "one-time" not in [c.key for c in ch.all_charts(analysis)]
    (at_once,) = ch.cumulative_costs(analysis).markers
    assert (at_once["x"], at_once["text"]) == (0.0, "per-request API: pays back at once")
    assert figure(ch.cumulative_costs(analysis)).layout.xaxis.range[0] < 0  # the marker shows whole
    seed = ch.cost_per_1k_vs_traffic(analyze(load_scenario(EXAMPLES / "seed.toml")))
    assert seed.note == (
        "'fine-tuned small model' is cheaper per request than the baseline over the whole range shown."
    )


def test_today_is_labelled_on_the_log_axis(growth: object) -> None:
    chart = ch.cost_per_1k_vs_traffic(growth)  # type: ignore[arg-type]
    fig = figure(chart)
    (today,) = [a for a in fig.layout.annotations if a.text == "today"]
    # plotly places annotations on a log axis at log10 of the value: 1M requests -> 6
    assert (today.xref, today.yref) == ("x", "paper")
    assert today.x == pytest.approx(6.0)
    xs = chart.series[0].x
    assert math.log10(min(xs)) < today.x < math.log10(max(xs))
    for m in chart.markers:
        if m["name"] != "today":
            lines = m["label"].replace("\n", "<br>")  # 'cheaper from<br>~991k/month'
            (label,) = [a for a in fig.layout.annotations if a.text == lines]
            assert (label.x, label.y) == (math.log10(m["x"]), math.log10(m["y"]))


def test_uncertainty_charts_only_when_sampling(growth: object, uncertain: object) -> None:
    plain = {c.key for c in ch.all_charts(growth)}  # type: ignore[arg-type]
    assert not any(k.startswith(("fan", "histogram")) for k in plain)
    sampled = {c.key for c in ch.all_charts(uncertain)}  # type: ignore[arg-type]
    assert {"fan-0", "histogram-0", "tornado-0"} <= sampled
    histogram = ch.break_even_histogram(uncertain, 0)  # type: ignore[arg-type]
    assert histogram is not None
    u = uncertain.uncertainty.alternatives[0]  # type: ignore[attr-defined]
    assert sum(histogram.series[0].y) + histogram.markers[0]["never"] == pytest.approx(1.0)
    # never broken even, or broken even and behind again at month 24: neither paid back
    never = histogram.markers[0]["never"]
    assert never == u.break_even_month_histogram[-1] / u.samples
    again = 1 - never - u.p_break_even_within["horizon"]
    assert 0 < again < 0.02
    assert u.p_behind_again_at["horizon"] == pytest.approx(again)
    assert histogram.note.endswith(  # in the words of every other summary of the samples
        f"never break even within 24 months; it breaks even by month 24 but is behind again "
        f"there in {again:.1%} of samples."
    )


def test_inputs_table_names_every_source(uncertain: object) -> None:
    rows = {r["path"]: r for r in ch.inputs_table(uncertain)}  # type: ignore[arg-type]
    assert rows["traffic.requests_per_month"]["range"]["dist"] == "triangular"
    assert rows["alternatives.0.usd_per_gpu_hour"]["source"] == "scenario file"
    ids = analyze(load_scenario(EXAMPLES / "catalog-ids.toml"))
    rows = {r["path"]: r for r in ch.inputs_table(ids)}
    assert rows["baseline.input_usd_per_mtok"]["source"].startswith("genai-prices")
    assert rows["alternatives.0.replica_requests_per_s"]["source"].startswith("estimate:")
    assert rows["alternatives.0.usd_per_gpu_hour"]["checked"] is not None
    table = inputs_table(ids)
    assert table.header == ["input", "value used", "source", "reference"]
    cells = {r[0]: r for r in table.rows}
    assert "checked 20" in cells["alternatives.0.usd_per_gpu_hour"][3]


def test_inputs_table_says_default_and_formats_values(
    tmp_path: Path, growth: object, uncertain: object, growth_page: str
) -> None:
    table = inputs_table(growth)  # type: ignore[arg-type]
    assert table.header == ["input", "value used", "source"]  # no ranges, no references
    cells = {r[0]: r[1:] for r in table.rows}
    assert cells["traffic.requests_per_month"] == ["1,000,000", "scenario file"]
    assert cells["traffic.growth_monthly"] == ["8%", "scenario file"]
    assert cells["traffic.cached_input_share"] == ["30%", "scenario file"]
    assert cells["baseline.price_change_annual"] == ["-40%", "scenario file"]
    assert cells["baseline.cached_input_usd_per_mtok"] == ["$1.25", "scenario file"]
    assert cells["alternatives.0.usd_per_gpu_hour"] == ["$2.69", "scenario file"]
    assert cells["alternatives.0.one_time.data_usd"] == ["$15,000", "scenario file"]
    # not in the file: the field's default
    assert cells["baseline.batch_share"] == ["0%", "default"]
    assert cells["alternatives.1.gpus_per_replica"] == ["1", "default"]
    assert cells["alternatives.2.one_time.data_usd"] == ["$0", "default"]
    assert cells["alternatives.2.one_time.training_runs"] == ["1", "default"]
    ranges = {r[0]: r[2] for r in inputs_table(uncertain).rows}  # type: ignore[arg-type]
    assert (
        ranges["traffic.requests_per_month"]
        == "triangular: low 150,000, mode 200,000, high 320,000"
    )
    assert ranges["traffic.growth_monthly"] == "normal: mean 2%, sd 2%"
    assert ranges["traffic.cached_input_share"] == "uniform: low 10%, high 40%"
    assert ranges["alternatives.0.one_time.data_usd"] == "lognormal: median $4,000, p90 $9,000"
    assert ranges["traffic.peak_to_average"] == ""
    # both renderings show the same cells
    page = growth_page
    assert (
        '<td><code>baseline.<wbr>batch_share</code></td><td class="num">0%</td><td class="">default</td>'
        in page
    )
    md = markdown_files(growth, tmp_path / "g.md")[tmp_path / "g.md"].decode()  # type: ignore[arg-type]
    inputs = markdown_tables(md)[-1]
    assert inputs[0] == table.header
    assert ["`alternatives.2.one_time.data_usd`", "$0", "default"] in inputs
    assert ["`traffic.requests_per_month`", "1,000,000", "scenario file"] in inputs
    assert "e+06" not in md
    assert "e+06" not in page.split("Inputs and where they come from")[1]


@pytest.mark.parametrize("name", ["report.md", "my report (v2).md"])
def test_markdown_links_existing_pngs(tmp_path: Path, uncertain: object, name: str) -> None:
    files = markdown_files(uncertain, tmp_path / name)  # type: ignore[arg-type]
    for path, content in files.items():
        path.write_bytes(content)
    text = (tmp_path / name).read_text()
    # the link targets as a CommonMark parser reads them
    links = [
        child.attrs["src"]
        for token in MarkdownIt("commonmark").parse(text)
        if token.type == "inline"
        for child in token.children or []
        if child.type == "image"
    ]
    assert len(links) == len(files) - 1
    for link in links:
        png = tmp_path / unquote(str(link))
        assert png.exists(), link
        assert png.read_bytes().startswith(b"\x89PNG")
        assert b"generated by payback" in png.read_bytes()
    assert "## What it means" in text
    assert "`traffic.requests_per_month`" in text


def test_markdown_summary_matches_html_and_analyze(
    tmp_path: Path, growth: object, growth_page: str
) -> None:
    md = markdown_files(growth, tmp_path / "g.md")[tmp_path / "g.md"].decode()  # type: ignore[arg-type]
    summary = markdown_tables(md)[0]
    assert summary[0] == [
        "alternative",
        "one-time cost",
        "cost in month 1",
        "pays back",
        "requests until then",
        "NPV, 24 months at 10%",
        "within a quarter?",
    ]
    # break-even months 18.5, 8.1 and 2.8: only the last within a quarter
    assert [row[-1] for row in summary[1:]] == ["no", "no", "yes"]
    assert summary[1:] == summary_table(growth).rows  # type: ignore[arg-type]
    code, out, _ = run("analyze", EXAMPLES / "growth.toml", "--json")
    assert code == 0
    alts = json.loads(out)["alternatives"]
    assert [a["pays_back_within"]["3"] for a in alts] == [False, False, True]
    assert [row[5] for row in summary[1:]] == [f"${a['npv_usd']:,.0f}" for a in alts]
    assert [row[4] for row in summary[1:]] == [f"{a['break_even_requests']:,.0f}" for a in alts]
    page = growth_page
    first = page[page.index("<table>") : page.index("</table>")]
    cells = [html.unescape(c) for c in re.findall(r"<t[hd] class=\"[^\"]*\">(.*?)</t[hd]>", first)]
    assert cells == [cell for row in summary for cell in row]


def test_explain_states_the_numbers_of_the_analysis() -> None:
    analysis = analyze(load_scenario(EXAMPLES / "quarter-200k.toml"))
    alt = analysis.alternatives[0]
    text = "\n".join(p for _, paragraphs in explain(analysis) for p in paragraphs)
    cum = alt.cumulative_savings_usd or []
    assert f"costs ${alt.one_time_usd:,.0f} before it saves anything" in text
    assert "engineering time $7,200 (56.0%)" in text  # one place for all: they add to 100%
    assert "training runs $160 (1.2%)" in text  # 160 / 12,860 (it read 1%)
    assert (
        f"month {alt.break_even_month:.2f}, after {alt.break_even_requests:,.0f} requests" in text
    )
    assert (
        f"-${-cum[13]:,.0f} at the end of month 13, ${cum[14]:,.0f} at the end of month 14" in text
    )
    assert f"NPV of switching at 10% a year is ${alt.npv_usd:,.0f}" in text
    assert f"After 3 months it has recovered ${cum[3] - cum[0]:,.0f}" in text
    assert "Measure first: your real monthly traffic" in text
    assert "{" not in text  # no template left unfilled


def test_explain_with_samples_states_the_probabilities(uncertain: object) -> None:
    u = uncertain.uncertainty.alternatives[0]  # type: ignore[attr-defined]
    text = "\n".join(p for _, paragraphs in explain(uncertain) for p in paragraphs)  # type: ignore[arg-type]
    assert f"Across {u.samples:,} samples" in text
    assert f"within {24} months in {u.p_break_even_within['horizon']:.0%}" in text
    # growth ~ normal(2%, 2%): p10 and p90 at 2% ∓ 1.2816 · 2% = -0.56% and 4.56%
    assert "traffic growth (traffic.growth_monthly; p10 -0.6% to p90 4.6% a month): NPV" in text


def test_explain_a_scenario_that_never_pays_back(tmp_path: Path) -> None:
    never = analyze(
        load_scenario(
            scenario(
                tmp_path,
                "never",
                SEED.replace("usd_per_1k_requests = 2.0", "usd_per_1k_requests = 16.0"),
            )
        )
    )
    text = words(never)
    assert "They never reach zero within 6 months: the alternative costs more every month" in text
    # $320 against $300 a month: after 3 months $60 more to run, on top of $400 up front
    assert (
        "Within a quarter: no. After 3 months it has recovered nothing: it has cost $60 more to run "
        "than the baseline, on top of the $400 it cost up front." in text
    )
    assert "recovered -" not in text
    # each driver with its own range: 16 ± 25% = 12 to 20; a trend left at 0 over -30%..0
    assert (
        "alternative's price (alternatives.0.usd_per_1k_requests; $12 to $20/1k requests, ±25%): NPV"
        in text
    )
    assert (
        "alternative's price trend (alternatives.0.price_change_annual; -30.0% to 0.0% a year, "
        "assumed for a rate left at 0): NPV" in text
    )
    assert "each input moved ±25%" not in text.lower()


def test_explain_with_a_horizon_shorter_than_a_quarter(tmp_path: Path) -> None:
    # $300 against $40 a month saves $260; $650 up front: break-even would be month 2.5
    path = scenario(
        tmp_path,
        "short",
        SEED.replace("horizon_months = 6", "horizon_months = 2").replace(
            "data_usd = 150.0", "data_usd = 400.0"
        ),
    )
    analysis = analyze(load_scenario(path))
    code, out, _ = run("analyze", path, "--json")
    assert code == 0
    assert json.loads(out)["alternatives"][0]["pays_back_within"]["3"] is None
    text = words(analysis)
    assert (
        "Within a quarter: unknown (horizon too short). It has not paid back by the end of the "
        "2 months computed. After 2 months it has recovered $520 of the $650 it cost up front."
        in text
    )
    assert "Within a quarter: no" not in text
    assert summary_table(analysis).rows[0][-1] == "unknown (horizon too short)"
    assert '<td class="">unknown (horizon too short)</td>' in render_html(analysis)
    md = markdown_files(analysis, tmp_path / "r.md")[tmp_path / "r.md"].decode()
    assert markdown_tables(md)[0][1][-1] == "unknown (horizon too short)"


def test_each_driver_states_its_own_range(tmp_path: Path) -> None:
    seed = analyze(load_scenario(EXAMPLES / "seed.toml"))
    text = words(seed)
    assert (
        "baseline price (baseline.usd_per_1k_requests; $11.25 to $18.75/1k requests, ±25%): NPV"
        in text
    )
    assert (
        "traffic growth (traffic.growth_monthly; -2.0% to 2.0% a month, assumed for a rate left "
        "at 0): NPV" in text
    )
    chart = ch.drivers(seed, 0)
    assert chart is not None
    ranges = dict(zip(chart.markers[0]["paths"], chart.markers[0]["ranges"], strict=True))
    assert ranges["baseline.usd_per_1k_requests"] == "$11.25 to $18.75/1k requests, ±25%"
    assert ranges["traffic.growth_monthly"] == "-2.0% to 2.0% a month, assumed for a rate left at 0"
    # the bars' labels: plain words with their unit, no dotted path
    labels = dict(zip(chart.markers[0]["paths"], chart.markers[0]["labels"], strict=True))
    assert labels["baseline.usd_per_1k_requests"] == "baseline price [$ per 1,000 requests]"
    assert labels["traffic.growth_monthly"] == "traffic growth [% a month]"
    assert all("." not in label.replace("1,000", "") for label in labels.values()), labels
    assert "±25%" not in chart.title
    assert "by ±25% of its value; over an assumed range when it is a rate left at 0" in chart.note
    # 0.9 ± 25% would pass 100%: clipped, and said so
    hot = analyze(
        load_scenario(
            scenario(
                tmp_path,
                "hot",
                (EXAMPLES / "growth.toml")
                .read_text()
                .replace("cached_input_share = 0.3", "cached_input_share = 0.9"),
            )
        )
    )
    (cached,) = [d for d in tornado(hot.resolved)[0] if d.parameter == "traffic.cached_input_share"]
    assert (cached.low, cached.high) == (pytest.approx(0.675), 1.0)
    assert driver_range(hot, cached) == (
        "67.5% to 100.0% of input, ±25% clipped to what the field allows"
    )


def test_sparkline_shape_and_colors() -> None:
    line = sparkline([-400.0, -140.0, 120.0, 380.0])
    assert line.plain == "▁▃▆█"
    styles = [str(span.style) for span in line.spans]
    assert styles == ["red", "red", "green", "green"]


# ------------------------------------------------------------------ command line


def test_report_command_writes_each_format(tmp_path: Path) -> None:
    code, out, err = run("report", EXAMPLES / "seed.toml", "-o", tmp_path / "r.html")
    assert code == 0, err
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    code, out, _ = run(
        "report", EXAMPLES / "quarter-uncertain.toml", "-o", tmp_path / "r.md", "--samples", "500"
    )
    assert code == 0
    assert "charts beside it" in out
    assert (tmp_path / "r-fan-0.png").exists()
    code, _, _ = run("report", EXAMPLES / "seed.toml", "-o", tmp_path / "r.png")
    assert code == 0
    assert (tmp_path / "r.png").read_bytes().startswith(b"\x89PNG")
    # payback's own files are replaced on the next run
    assert run("report", EXAMPLES / "seed.toml", "-o", tmp_path / "r.html")[0] == 0
    assert run("report", EXAMPLES / "seed.toml", "-o", tmp_path / "r.png")[0] == 0


def test_report_never_replaces_a_users_file(tmp_path: Path) -> None:
    mine = tmp_path / "notes.md"
    mine.write_text("# my notes\n")
    assert_user_error(
        *run("report", EXAMPLES / "seed.toml", "-o", mine),
        "notes.md: exists and was not written by payback",
    )
    assert mine.read_text() == "# my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]  # no PNG written either
    assert run("report", EXAMPLES / "seed.toml", "-o", mine, "--force")[0] == 0
    assert mine.read_text().startswith("<!-- generated by payback")


def test_report_bad_output(tmp_path: Path) -> None:
    assert_user_error(
        *run("report", EXAMPLES / "seed.toml", "-o", tmp_path / "r.pdf"),
        "unknown report type .pdf; allowed: .html, .md, .png",
    )
    # a missing folder is made for every type (tests/cli/test_report_folder.py); a file in
    # the way is refused before any work
    (tmp_path / "plain").write_text("x")
    assert_user_error(
        *run("report", EXAMPLES / "seed.toml", "-o", tmp_path / "plain" / "r.html"),
        "is a file, not a folder",
    )


def test_explain_command() -> None:
    code, out, _ = run("explain", EXAMPLES / "quarter-200k.toml", "--json")
    assert code == 0
    sections = json.loads(out)["sections"]
    assert [s["title"] for s in sections] == [
        "what the project really costs",
        "how the break-even is computed here",
        "the verdict",
        "why it wins or loses",
        "what decides it",
    ]
    code, out, _ = run("explain", EXAMPLES / "quarter-200k.toml")
    assert code == 0
    assert "What the project really costs" in out


# ------------------------------------------------ renderers read, never recompute


def test_renderers_read_what_the_analysis_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drivers, the per-1k curve and the quarter's traffic are computed once per
    analysis, however many renderings read them."""
    import payback.analysis.curve as curve
    import payback.studies.solve as solving
    import payback.studies.uncertainty as uncertainty

    calls = {"tornado": 0, "solve": 0, "evaluate": 0}

    def counted(name: str, func: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return func(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(uncertainty, "tornado", counted("tornado", uncertainty.tornado))
    monkeypatch.setattr(solving, "solve", counted("solve", solving.solve))
    monkeypatch.setattr(curve, "evaluate", counted("evaluate", curve.evaluate))
    analysis = analyze(load_scenario(EXAMPLES / "growth.toml"))
    assert calls == {"tornado": 0, "solve": 0, "evaluate": 0}  # nothing until read
    for _ in range(2):
        ch.all_charts(analysis)
        explain(analysis)
    count = len(analysis.alternatives)
    # the quarter's traffic for each, and the GPU price of the two fleets that miss a quarter;
    # the curve once, then each round narrowing its crossovers
    curve_calls = 1 + curve.REFINE_ROUNDS
    assert calls == {"tornado": 1, "solve": count + 2, "evaluate": curve_calls}
    assert (
        ch.drivers(analysis, 0).markers[0]["paths"]
        == [  # type: ignore[union-attr]
            d.parameter for d in tornado(analysis.resolved)[0][:10]
        ]
    )


def test_the_renderers_call_no_engine_and_no_study() -> None:
    """Charts, the explanation, the shared tables and the page's drawing read the analysis;
    only the page's "what would it take" box solves (a question the user asks there)."""
    from payback import report, web

    folders = [Path(report.__file__).parent, Path(web.__file__).parent]
    for path in sorted(p for folder in folders for p in folder.glob("*.py")):
        calls = _called(
            path.read_text(),
            {"evaluate", "numeric_paths", "tornado", "monte_carlo", "sobol", "solve"},
        )
        # the box's answer (which inputs it offers: payback.studies.solve.takes, no search)
        allowed = ["solve"] if path.name == "state.py" else []
        assert calls == allowed, path.name


def _called(source: str, names: set[str]) -> list[str]:
    """The ``names`` the code calls, in order: a name followed by "(" in the code, not in
    its strings (the page's words quote the library's advice, ``monte_carlo() shows ...``)."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    ]
    return [
        a.string
        for a, b in itertools.pairwise(tokens)
        if a.type == tokenize.NAME and a.string in names and b.string == "("
    ]


# ------------------------------------------------ a report a team can put on the screen


@pytest.mark.parametrize("kind", ["cumulative", "per-1k"])
@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.toml")))
def test_labels_cross_no_line_and_no_other_label(name: str, kind: str) -> None:
    """In the drawn PNG: each label's text box (break-evens; crossovers on the log-log
    per-1k chart) holds no point of any line, and no two labels overlap (the HTML places
    them at the same data coordinates)."""
    analysis = analyze(load_scenario(EXAMPLES / f"{name}.toml"))
    chart = (ch.cumulative_costs if kind == "cumulative" else ch.cost_per_1k_vs_traffic)(analysis)
    fig = draw(chart)
    fig.canvas.draw()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    marked = [m for m in chart.markers if "label" in m]
    labels = {m["label"] for m in marked}
    # the text's own box (with its white background), not the leader line to the point
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts if t.get_text() in labels]
    assert len(boxes) == len(marked)
    for s in chart.series:
        xs = (np.geomspace if kind == "per-1k" else np.linspace)(s.x[0], s.x[-1], 2000)
        points = ax.transData.transform(np.column_stack([xs, np.interp(xs, s.x, s.y)]))
        for box in boxes:
            inside = (
                (points[:, 0] > box.x0)
                & (points[:, 0] < box.x1)
                & (points[:, 1] > box.y0)
                & (points[:, 1] < box.y1)
            )
            assert not inside.any(), (s.name, box)
    for one, other in itertools.combinations(boxes, 2):
        assert not one.overlaps(other)
    plt.close(fig)
    # the HTML's labels stand where the PNG's do, in data units
    annotations = {a.text.replace("<br>", "\n"): a for a in figure(chart).layout.annotations}
    log = math.log10 if kind == "per-1k" else float  # plotly's log axes place by log10
    for m in marked:
        a = annotations[html.escape(m["label"])]
        assert (a.ax, a.ay, a.axref, a.ayref) == (
            pytest.approx(log(m["label_x"])),
            pytest.approx(log(m["label_y"])),
            "x",
            "y",
        )


def test_with_samples_the_headline_gives_the_median_and_the_share_that_never_pays_back(
    tmp_path: Path,
) -> None:
    """quarter-uncertain.toml: with every input central it pays back in month 14.3, but
    the samples' median is later and a share never pays back within 24 months: the
    headline leads with those, then the central answer."""
    analysis = analyze(load_scenario(EXAMPLES / "quarter-uncertain.toml"), samples=20_000)
    assert analysis.uncertainty is not None
    u = analysis.uncertainty.alternatives[0]
    median = u.break_even_month_percentiles["p50"]
    short = 1 - u.p_break_even_within["horizon"]
    assert median is not None
    assert median > 14.3
    assert short > 0.3
    line = headline(analysis)
    assert line == (
        f"'fine-tuned 7B on one rented L4' breaks even in month {median:.1f} at the median of "
        f"20,000 samples; {short:.0%} of samples do not pay back within 24 months. With every "
        "input at its central value it pays back in month 14.3 (after ~3.27M requests), not "
        "within a quarter; NPV $6,844 over 24 months at 10%."
    )
    page = render_html(analysis)
    assert f'<p class="verdict">{html.escape(line)}</p>' in page
    md = markdown_files(analysis, tmp_path / "r.md")[tmp_path / "r.md"].decode()
    assert f"**{md_escape(line)}**" in md  # names and ~ escaped for Markdown
    # without samples: the central answer alone
    central = analyze(load_scenario(EXAMPLES / "quarter-uncertain.toml"))
    assert headline(central).startswith("'fine-tuned 7B on one rented L4' pays back in month 14.3")


def test_headlines_round_request_counts_and_tables_keep_them(growth: Analysis) -> None:
    line = headline(growth)
    assert "(after ~2.99M requests)" in line
    assert "2,986,122" not in line
    assert "2,986,122" in render_html(growth)  # the summary table: every digit
    table = summary_table(growth)
    assert [row[4] for row in table.rows] == ["39,429,894", "10,905,123", "2,986,122"]


NUMBER_TICK = re.compile(r"[−-]?\$?[\d,]+(\.\d+)?[kMB%]?")


def _tick_formats(texts: list[str]) -> set[str]:
    """The shape of each tick label: digits as 9 with the sign left out, so $5.00 and
    $100.00 read alike, $5.00 and $100 do not. Thousands grouped with commas ($250 beside
    $1,000) are one format, a metric suffix (500 beside 1k and 2.5M) another: 1,000
    beside 10k makes two."""
    shapes, families = set(), set()
    for text in texts:
        text = text.lstrip("−-")
        if re.search(r"\d[kMB]$", text):
            families.add("metric")
            shapes.add(re.sub(r"\d+(\.\d+)?[kMB]$", "9", text))
        elif "," in text:
            families.add("grouped")
            shapes.add(re.sub(r"\d[\d,]*", "9", text))
        else:
            shapes.add(re.sub(r"\d+", "9", text))
    return shapes | ({"grouped beside metric"} if len(families) > 1 else set())


def test_the_tick_shapes_tell_formats_apart() -> None:
    assert len(_tick_formats(["$5.00", "$100"])) == 2
    assert len(_tick_formats(["1,000", "10k"])) == 2
    assert len(_tick_formats(["$5.00", "$100.00", "−$1.50"])) == 1
    assert len(_tick_formats(["500", "1k", "2.5M", "10k"])) == 1
    assert len(_tick_formats(["−$250", "$0", "$1,000", "$12,500"])) == 1


def _numeric_ticks(labels: list[Any]) -> list[str]:
    texts = [t.get_text() for t in labels if t.get_text()]
    return texts if texts and all(NUMBER_TICK.fullmatch(t) for t in texts) else []


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.toml")))
def test_each_axis_has_one_tick_format(name: str) -> None:
    """$100 beside $5.00, or 1,000 beside 10k, on one axis once: every number axis of every
    chart (the sampled ones where the file has ranges), as the PNG draws it and as the HTML
    writes the ticks it sets itself (plotly formats its own with one format an axis)."""
    scenario = load_scenario(EXAMPLES / f"{name}.toml")
    analysis = (
        analyze(scenario, samples=500, seed=1) if scenario.distributions else analyze(scenario)
    )
    numeric = 0
    for chart in ch.all_charts(analysis):
        drawn = draw(chart)
        drawn.canvas.draw()
        for ax in drawn.axes:
            for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
                ticks = _numeric_ticks(labels)
                numeric += bool(ticks)
                assert len(_tick_formats(ticks)) <= 1, (chart.key, ticks)
        plt.close(drawn)
        layout = figure(chart).layout
        for axis in (layout.xaxis, layout.yaxis):
            if axis.ticktext:
                assert len(_tick_formats(list(axis.ticktext))) == 1, (chart.key, axis.ticktext)
    assert numeric >= 4


def test_no_empty_category_in_the_one_time_chart(growth: Analysis) -> None:
    chart = ch.one_time_items(growth)
    labels = chart.markers[0]["labels"]
    assert "servers bought (cash)" not in labels
    assert all(any(s.y[i] for s in chart.series) for i in range(len(labels)))
    # servers bought for cash are a one-time item, shown when some alternative buys them
    text = (EXAMPLES / "owned-h100.toml").read_text()
    bought = text.replace('financing = "depreciation"', 'financing = "cash"')
    assert bought != text
    owned = analyze(parse_scenario(tomllib.loads(bought)))
    assert "servers bought (cash)" in ch.one_time_items(owned).markers[0]["labels"]


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.toml")))
def test_no_chart_has_an_empty_category_or_series(name: str) -> None:
    """Every chart of every example (sampled where the file has ranges): no series that is
    zero throughout (a legend entry for nothing), no one-time bar group of zeros."""
    scenario = load_scenario(EXAMPLES / f"{name}.toml")
    analysis = (
        analyze(scenario, samples=500, seed=1) if scenario.distributions else analyze(scenario)
    )
    for chart in ch.all_charts(analysis):
        for s in chart.series:
            assert np.any(np.nan_to_num(np.asarray(s.y, dtype=float)) != 0), (chart.key, s.name)
        if chart.key == "one-time":
            labels = chart.markers[0]["labels"]
            assert all(any(s.y[i] for s in chart.series) for i in range(len(labels))), labels


def test_a_markdown_report_into_a_missing_folder_makes_it(tmp_path: Path) -> None:
    target = tmp_path / "new" / "reports" / "r.md"
    assert run("report", EXAMPLES / "seed.toml", "-o", target)[0] == 0
    assert target.read_text().startswith("<!-- generated by payback")
    assert any(p.suffix == ".png" for p in target.parent.iterdir())
    # a path through a file cannot be a folder: one line saying so
    (tmp_path / "plain").write_text("x")
    assert_user_error(
        *run("report", EXAMPLES / "seed.toml", "-o", tmp_path / "plain" / "r.md"),
        "cannot make the folder",
    )


@pytest.mark.parametrize(
    ("prices", "ticks"),
    [
        ((5.0, 6.0), ["$4", "$5", "$6", "$7"]),
        ((1.3, 1.4), ["$1.10", "$1.20", "$1.30", "$1.40", "$1.50", "$1.60", "$1.70"]),
    ],
)
def test_the_per_1k_chart_labels_both_prices_when_they_are_close(
    prices: tuple[float, float], ticks: list[str]
) -> None:
    """$6 against $5 per 1,000 requests: the axis runs from $5 / 1.25 = $4 to $6 x 1.25 =
    $7.50, where the 1-2-5 ticks gave $5 alone and the alternative's line had no price beside
    it, in the HTML report and in the Markdown's PNG; both now read $4, $5, $6, $7. $1.40
    against $1.30: every whole and half step gave the one tick $1.50; tenths of a step label
    both prices."""
    analysis = analyze(build(per_request_dict(*prices, 100_000, horizon=24)))
    chart = ch.cost_per_1k_vs_traffic(analysis)
    assert chart is not None
    assert list(figure(chart).layout.yaxis.ticktext) == ticks
    fig = draw(chart)
    fig.canvas.draw()
    (ax,) = [a for a in fig.axes if a.get_yscale() == "log"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ticks
    plt.close(fig)


def test_an_alternative_that_never_pays_back_has_a_dash_for_its_requests(tmp_path: Path) -> None:
    """The page shows "—" where no request count pays back; the reports' summary left the cell
    empty, which reads as a value missing."""
    analysis = analyze(build(per_request_dict(5.0, 6.0, 100_000, horizon=12)))
    row = summary_table(analysis).rows[0]
    assert row[3] == "not within 12 months"
    assert row[4] == "—"
    md = markdown_files(analysis, tmp_path / "r.md")[tmp_path / "r.md"].decode()
    assert markdown_tables(md)[0][1][4] == "—"


def test_control_characters_are_left_out_of_every_document(tmp_path: Path) -> None:
    """A name holding an escape sequence was stripped in the terminal, but ``report -o x.md``
    wrote its ESC bytes into the Markdown and matplotlib warned "Glyph 27 missing" drawing
    it; every document now leaves them out with the terminal's own function."""

    import payback.cli._errors
    from payback.report.controls import clean

    assert payback.cli._errors.clean is clean  # one function, the terminal's
    text = (EXAMPLES / "seed.toml").read_text()
    assert 'name = "fine-tuned small model"' in text
    text = text.replace(
        'name = "fine-tuned small model"',
        'name = "fine-tuned \\u001b[31mred\\u001b[0m\\u0007 model"',
    )
    path = tmp_path / "esc.toml"
    path.write_text(text)
    code, _, err = run("report", path, "-o", tmp_path / "r.md")  # a name is one line now
    assert code == 2, err
    assert "'fine-tuned \\x1b[31mred\\x1b[0m\\x07 model': a line break or control " in err
    assert "\x1b" not in err
    assert not (tmp_path / "r.md").exists()
    # what still reaches a document unchecked is cleaned by the terminal's function
    assert clean("fine-tuned \x1b[31mred\x1b[0m\x07 model") == "fine-tuned [31mred[0m model"
