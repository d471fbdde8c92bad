"""Reports: self-contained HTML with the charts' data, Markdown with its PNGs, the
explanation's numbers, the sparkline, and the report command's file safety."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from helpers import EXAMPLES
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report import explain, markdown_files, render_html
from payback.report.text import sparkline
from test_cli import assert_user_error, run


@pytest.fixture(scope="module")
def growth() -> object:
    return analyze(load_scenario(EXAMPLES / "growth.toml"))


@pytest.fixture(scope="module")
def uncertain() -> object:
    return analyze(load_scenario(EXAMPLES / "quarter-uncertain.toml"), samples=4000, seed=1)


def test_html_is_self_contained(growth: object) -> None:
    page = render_html(growth)  # type: ignore[arg-type]
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?https?:", page, re.I)
    assert page.count("<script") >= 2  # plotly.js itself, inlined, and the charts
    assert len(page) > 3_000_000  # the library is in the file


def test_html_holds_every_charts_data(growth: object) -> None:
    page = render_html(growth).replace("\\u002f", "/")  # type: ignore[arg-type]  # JSON escapes "/"
    charts = ch.all_charts(growth)  # type: ignore[arg-type]
    keys = {c.key for c in charts}
    assert {"cumulative", "components-0", "components-2", "one-time", "per-1k", "tornado-0"} <= keys
    for chart in charts:
        assert f'data-chart="{chart.key}"' in page
        for series in chart.series:
            assert json.dumps(series.name)[1:-1] in page
            assert json.dumps(series.y[-1]) in page or f"{series.y[-1]}" in page, (
                chart.key,
                series.name,
            )


def test_cumulative_chart_marks_each_break_even(growth: object) -> None:
    chart = ch.cumulative_costs(growth)  # type: ignore[arg-type]
    months = [m["x"] for m in chart.markers]
    expected = [a.break_even_month for a in growth.alternatives if a.break_even_month is not None]  # type: ignore[attr-defined]
    assert months == expected
    base = chart.series[0]
    assert base.y[0] == 0.0
    assert base.y[-1] == pytest.approx(sum(growth.baseline.monthly_cost_usd))  # type: ignore[attr-defined]
    for marker, alt_series in zip(chart.markers, chart.series[1:], strict=False):
        # at the break-even the alternative's cumulative cost equals the baseline's
        import numpy as np

        assert np.interp(marker["x"], alt_series.x, alt_series.y) == pytest.approx(
            marker["y"], rel=1e-6
        )


def test_per_1k_chart_finds_the_crossover(growth: object) -> None:
    chart = ch.cost_per_1k_vs_traffic(growth)  # type: ignore[arg-type]
    crossings = [m for m in chart.markers if m["name"] != "today"]
    assert crossings
    for m in crossings:
        base = dict(zip(chart.series[0].x, chart.series[0].y, strict=True))[m["x"]]
        assert m["y"] <= base  # from the crossover on, the alternative is cheaper
    fleet = chart.series[1].y  # rented H100s: steps up when a replica is added
    assert any(b > a for a, b in itertools.pairwise(fleet))


def test_uncertainty_charts_only_when_sampling(growth: object, uncertain: object) -> None:
    plain = {c.key for c in ch.all_charts(growth)}  # type: ignore[arg-type]
    assert not any(k.startswith(("fan", "histogram")) for k in plain)
    sampled = {c.key for c in ch.all_charts(uncertain)}  # type: ignore[arg-type]
    assert {"fan-0", "histogram-0", "tornado-0"} <= sampled
    histogram = ch.break_even_histogram(uncertain, 0)  # type: ignore[arg-type]
    assert histogram is not None
    u = uncertain.uncertainty.alternatives[0]  # type: ignore[attr-defined]
    assert sum(histogram.series[0].y) + histogram.markers[0]["never"] == pytest.approx(1.0)
    assert histogram.markers[0]["never"] == pytest.approx(1 - u.p_break_even_within["horizon"])


def test_inputs_table_names_every_source(uncertain: object) -> None:
    rows = {r["path"]: r for r in ch.inputs_table(uncertain)}  # type: ignore[arg-type]
    assert rows["traffic.requests_per_month"]["range"]["dist"] == "triangular"
    assert rows["alternatives.0.usd_per_gpu_hour"]["source"] == "scenario file"
    ids = analyze(load_scenario(EXAMPLES / "catalog-ids.toml"))
    rows = {r["path"]: r for r in ch.inputs_table(ids)}
    assert rows["baseline.input_usd_per_mtok"]["source"].startswith("genai-prices")
    assert rows["alternatives.0.replica_requests_per_s"]["source"].startswith("estimate:")
    assert rows["alternatives.0.usd_per_gpu_hour"]["checked"] is not None


def test_markdown_links_existing_pngs(tmp_path: Path, uncertain: object) -> None:
    files = markdown_files(uncertain, tmp_path / "report.md")  # type: ignore[arg-type]
    for path, content in files.items():
        path.write_bytes(content)
    text = (tmp_path / "report.md").read_text()
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) == len(files) - 1
    for link in links:
        png = tmp_path / link
        assert png.exists()
        assert png.read_bytes().startswith(b"\x89PNG")
        assert b"generated by payback" in png.read_bytes()
    assert "## What it means" in text
    assert "`traffic.requests_per_month`" in text


def test_explain_states_the_numbers_of_the_analysis() -> None:
    analysis = analyze(load_scenario(EXAMPLES / "quarter-200k.toml"))
    alt = analysis.alternatives[0]
    text = "\n".join(p for _, paragraphs in explain(analysis) for p in paragraphs)
    cum = alt.cumulative_savings_usd or []
    assert f"costs ${alt.one_time_usd:,.0f} before it saves anything" in text
    assert "engineering time $7,200 (56%)" in text
    assert "training runs $160 (1%)" in text
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
    assert "at its p10 and p90" in text


def test_explain_a_scenario_that_never_pays_back(tmp_path: Path) -> None:
    path = tmp_path / "never.toml"
    path.write_text(
        (EXAMPLES / "seed.toml")
        .read_text()
        .replace("usd_per_1k_requests = 2.0", "usd_per_1k_requests = 16.0")
    )
    text = "\n".join(p for _, ps in explain(analyze(load_scenario(path))) for p in ps)
    assert "They never reach zero within 6 months: the alternative costs more every month" in text
    assert "Within a quarter: no." in text


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
    assert_user_error(
        *run("report", EXAMPLES / "seed.toml", "-o", tmp_path / "no" / "r.html"), "does not exist"
    )


def test_explain_command() -> None:
    code, out, _ = run("explain", EXAMPLES / "quarter-200k.toml", "--json")
    assert code == 0
    sections = json.loads(out)["sections"]
    assert [s["title"] for s in sections] == [
        "what the project really costs",
        "how the break-even is computed here",
        "the verdict",
        "what decides it",
    ]
    code, out, _ = run("explain", EXAMPLES / "quarter-200k.toml")
    assert code == 0
    assert "What the project really costs" in out
