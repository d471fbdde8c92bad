"""The page of `payback serve`: its state helpers, the app driven through Streamlit's
AppTest, the serve command's checks, and one end-to-end run in headless Chromium."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import payback
from helpers import EXAMPLES, Browser, find_browser, per_request_dict, quality_dict
from payback.cli import app as cli_app
from payback.report import charts
from payback.report.common import solution_lines
from payback.web.state import (
    apply_edits,
    central,
    evaluate_inputs,
    get_path,
    read_upload,
    section_of,
    set_path,
)

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from payback.analysis.result import usd
from payback.scenario import (
    dump_scenario,
    parse_scenario,
    read_scenario_data,
    scenario_data_from_text,
)
from payback.studies.solve import Target, parse_target

pytestmark = pytest.mark.slow  # Streamlit's AppTest and a real browser: seconds a test

APP = Path(payback.__file__).parent / "web" / "app.py"
WAIT_MS = 90_000  # generous: a loaded 2-core CI machine renders the first page slowly


# ---------------------------------------------------------------- state helpers


def test_set_and_get_path_walk_tables_and_lists() -> None:
    data: dict[str, Any] = {"alternatives": [{"one_time": {"data_usd": 1.0}}]}
    set_path(data, "alternatives.0.one_time.eval_usd", 5.0)
    set_path(data, "traffic.requests_per_month", 10.0)
    assert data == {
        "alternatives": [{"one_time": {"data_usd": 1.0, "eval_usd": 5.0}}],
        "traffic": {"requests_per_month": 10.0},
    }
    set_path(data, "alternatives.0.one_time.data_usd", None)
    assert data["alternatives"][0]["one_time"] == {"eval_usd": 5.0}
    assert get_path(data, "alternatives.0.one_time.eval_usd") == 5.0
    assert get_path(data, "alternatives.3.name", "none") == "none"
    assert get_path(data, "traffic.missing") is None


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"dist": "triangular", "low": 1, "mode": 2, "high": 5}, 2),
        ({"dist": "uniform", "low": 1, "high": 5}, 3),
        ({"dist": "normal", "mean": 4, "sd": 1}, 4),
        ({"dist": "lognormal", "median": 7, "p90": 9}, 7),
        ({"dist": "triangular", "low": 5, "mode": 2, "high": 1}, None),  # malformed
        (3.5, 3.5),
    ],
)
def test_central_value_of_each_distribution(table: Any, expected: float) -> None:
    assert central(table) == expected


def test_an_untouched_range_stays_a_range_and_a_changed_one_becomes_a_number() -> None:
    raw = {
        "traffic": {"growth_monthly": {"dist": "triangular", "low": 0, "mode": 0.02, "high": 0.05}}
    }
    kept = apply_edits(raw, {"traffic.growth_monthly": 0.02})
    assert kept == raw
    changed = apply_edits(raw, {"traffic.growth_monthly": 0.03})
    assert changed["traffic"]["growth_monthly"] == 0.03
    assert raw["traffic"]["growth_monthly"]["mode"] == 0.02  # the loaded table is not mutated


@pytest.mark.parametrize(
    ("message", "section"),
    [
        ("traffic.requests_per_month = -5: must be > 0", "traffic"),
        ("baseline.model = 'x': unknown API model", "baseline"),
        ("scenario.horizon_months = 0: must be >= 1", "scenario"),
        ("alternatives.0.one_time.data_usd = -1: must be >= 0", "one_time"),
        ("alternatives.1.recurring.retrain_usd = -1: must be >= 0", "recurring"),
        ("alternatives.0.usd_per_gpu_hour = -1: must be >= 0", "alternative"),
        ("alternatives.0.quality.error_rate = 2: must be ≤ 1", "quality"),
        ("baseline.latency.p50_ms = -1: must be ≥ 0", "quality"),
        ("something else entirely", "general"),
    ],
)
def test_messages_go_to_the_section_they_name(message: str, section: str) -> None:
    assert section_of(message) == section


def test_an_upload_is_read_in_memory_with_the_cli_messages(tmp_path: Path) -> None:
    text = (EXAMPLES / "seed.toml").read_text()
    data, problems = read_upload("seed.toml", text.encode())
    assert problems == []
    assert data == read_scenario_data(EXAMPLES / "seed.toml")
    yaml_data, _ = read_upload(
        "Seed.YML",
        dump_scenario(payback.load_scenario(EXAMPLES / "seed.toml"), "yaml").encode(),
    )
    assert parse_scenario(yaml_data, "y") == payback.load_scenario(EXAMPLES / "seed.toml")  # type: ignore[arg-type]
    # with a byte-order mark, as some editors save
    assert read_upload("bom.toml", b"\xef\xbb\xbf" + text.encode())[1] == []
    # what the command line says about the same bad file, the same words
    bad = text.replace("usd_per_1k_requests = 2.0", "usd_per_1k_requests = -2.0")
    assert bad != text
    (tmp_path / "bad.toml").write_text(bad)
    cli = CliRunner().invoke(cli_app, ["analyze", str(tmp_path / "bad.toml")])
    data, problems = read_upload("bad.toml", bad.encode())
    assert data is None
    assert [f"error: {tmp_path}/{m}" for m in problems] == cli.stderr.strip().splitlines()
    assert read_upload("x.toml", b"\xff\xfe\x00") == (
        None,
        ["x.toml: not a text file (expected UTF-8 TOML or YAML)"],
    )
    data, problems = read_upload("broken.toml", b"[traffic\nrequests = 1")
    assert data is None
    assert len(problems) == 1
    assert problems[0].startswith("broken.toml: ")


def test_evaluate_inputs_gives_the_cli_answer_or_sorted_problems() -> None:
    raw = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    good = evaluate_inputs(raw, {})
    expected = payback.analyze(payback.load_scenario(EXAMPLES / "quarter-200k.toml"))
    assert good.analysis is not None
    assert good.problems == {}
    assert good.analysis.to_dict() == expected.to_dict()
    bad = evaluate_inputs(
        raw, {"traffic.requests_per_month": -5.0, "alternatives.0.one_time.eval_usd": -1.0}
    )
    assert bad.analysis is None
    assert bad.problems["traffic"] == ["traffic.requests_per_month = -5.0: must be > 0"]
    assert [m.split(":")[0] for m in bad.problems["one_time"]] == [
        "alternatives.0.one_time.eval_usd = -1.0"
    ]


# ---------------------------------------------------------------- the app (AppTest)


def _app(raw: dict[str, Any], source: str = "test.toml") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["raw"] = raw
    at.session_state["source"] = source
    return at.run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _set(at: AppTest, path: str, value: Any) -> AppTest:
    return at.number_input(key=f"in:{path}").set_value(value).run()


def test_doubling_traffic_halves_the_break_even_month_of_a_flat_saving() -> None:
    """$10 vs $2 per 1k requests and $8,000 up front: 100k requests a month save $800 a
    month (break-even month 10.0, after 1,000,000 requests); 200k save $1,600 (month 5.0,
    the same 1,000,000 requests); 400k, month 2.5, within a quarter. NPV over 24 months at
    0%: 24 x saving - 8,000."""
    raw = per_request_dict(10.0, 2.0, 100_000.0, horizon=24, data_usd=8_000.0)
    at = _app(raw)
    assert not at.exception
    assert _metrics(at) == {
        "Break-even": "month 10.0",
        "Requests until then": "1,000,000",
        "Pays back within a quarter?": "no",
        "NPV over 24 months": "$11,200",
    }
    at = _set(at, "traffic.requests_per_month", 200_000.0)
    assert _metrics(at) == {
        "Break-even": "month 5.0",
        "Requests until then": "1,000,000",
        "Pays back within a quarter?": "no",
        "NPV over 24 months": "$30,400",
    }
    at = _set(at, "traffic.requests_per_month", 400_000.0)
    assert _metrics(at)["Break-even"] == "month 2.5"
    assert _metrics(at)["Pays back within a quarter?"] == "yes"
    assert _metrics(at)["NPV over 24 months"] == "$68,800"
    # the price of the alternative: $6 per 1k leaves $4 x 400 = $1,600 a month → month 5.0
    at = _set(at, "alternatives.0.usd_per_1k_requests", 6.0)
    assert _metrics(at)["Break-even"] == "month 5.0"


def test_a_short_horizon_says_the_quarter_is_unknown_unless_it_already_paid_back() -> None:
    """$800 a month saved over a 2-month horizon: $800 up front is back at month 1.0 (yes);
    $4,000 would need month 5, past the horizon, so a quarter cannot be told."""
    at = _app(per_request_dict(10.0, 2.0, 100_000.0, horizon=2, data_usd=800.0))
    assert _metrics(at)["Break-even"] == "month 1.0"
    assert _metrics(at)["Pays back within a quarter?"] == "yes"
    at = _set(at, "alternatives.0.one_time.data_usd", 4_000.0)
    assert _metrics(at)["Break-even"] == "never"
    assert _metrics(at)["Pays back within a quarter?"] == "unknown (horizon too short)"


@pytest.mark.parametrize("name", ["seed", "quarter-200k", "growth", "catalog-ids", "quality"])
def test_the_page_shows_what_analyze_says_for_each_example(name: str) -> None:
    path = EXAMPLES / f"{name}.toml"
    at = _app(read_scenario_data(path), path.name)
    assert not at.exception
    assert [e.value for e in at.error] == []
    expected = payback.analyze(payback.load_scenario(path))
    alt = expected.alternatives[0]
    shown = _metrics(at)
    assert shown["Break-even"] == (
        "never" if alt.break_even_month is None else f"month {alt.break_even_month:.1f}"
    )
    assert shown[f"NPV over {expected.horizon_months} months"] == usd(alt.npv_usd, 0)
    assert any(m.value == f"**Verdict:** {expected.verdict()}" for m in at.markdown)


def test_invalid_values_show_the_cli_message_at_the_input_and_the_page_recovers(
    tmp_path: Path,
) -> None:
    raw = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    at = _app(raw)
    before = _metrics(at)
    at = _set(at, "traffic.requests_per_month", -5.0)
    assert not at.exception
    assert _metrics(at) == {}
    errors = [e.value for e in at.error]
    # the command line says the same about a file with the same value
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (EXAMPLES / "quarter-200k.toml")
        .read_text()
        .replace("requests_per_month = 200000", "requests_per_month = -5.0")
    )
    result = CliRunner().invoke(cli_app, ["analyze", str(bad)])
    assert result.exit_code == 2
    assert errors == [result.stderr.strip().removeprefix(f"error: {bad}: ")]
    assert errors == ["traffic.requests_per_month = -5.0: must be > 0"]
    # the message sits in the traffic section, above its inputs
    traffic = at.expander[1]
    assert traffic.label == "Traffic"
    assert [e.value for e in traffic.error] == errors
    at = _set(at, "traffic.requests_per_month", 200_000.0)
    assert [e.value for e in at.error] == []
    assert _metrics(at) == before


def test_choosing_an_api_model_and_a_catalog_gpu_gives_the_cli_answer(tmp_path: Path) -> None:
    raw = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    at = _app(raw)
    at = at.radio(key="in:baseline.mode").set_value("API model from the catalog").run()
    at = at.selectbox(key="in:baseline.model").set_value("openai:gpt-4.1-mini").run()
    at = (
        at.radio(key="in:alternatives.0.mode")
        .set_value("GPU and model from the catalog (capacity estimated)")
        .run()
    )
    at = at.selectbox(key="in:alternatives.0.gpu").set_value("h100-sxm").run()
    at = at.selectbox(key="in:alternatives.0.model").set_value("llama-3.1-8b").run()
    at = at.selectbox(key="in:alternatives.0.precision").set_value("fp8").run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    for line in ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok"):
        text = "\n".join(t for t in text.splitlines() if not t.startswith(line))
    text = text.replace('kind = "hosted_api"', 'kind = "hosted_api"\nmodel = "openai:gpt-4.1-mini"')
    text = "\n".join(
        t
        for t in text.splitlines()
        if not t.startswith(("usd_per_gpu_hour", "replica_requests_per_s", "gpus_per_replica"))
    ).replace(
        'kind = "self_hosted"',
        'kind = "self_hosted"\ngpu = "h100-sxm"\nmodel = "llama-3.1-8b"\nprecision = "fp8"',
    )
    path = tmp_path / "same.toml"
    path.write_text(text)
    expected = payback.analyze(payback.load_scenario(path)).alternatives[0]
    shown = _metrics(at)
    assert shown["NPV over 24 months"] == usd(expected.npv_usd, 0)
    assert shown["Break-even"] == (
        "never" if expected.break_even_month is None else f"month {expected.break_even_month:.1f}"
    )


def test_quality_inputs_price_errors_and_switch_off() -> None:
    """quality_dict's case (tests/helpers.py): $10 vs $12 per 1k, 4% vs 2% errors at $2.50,
    $10,000 up front: saving $4,800/month, month 2.1. An alternative error rate of 3% makes
    its errors $7,500 and the saving 11,000 − 8,700 = $2,300: month 10,000 / 2,300 = 4.3.
    Without errors priced it costs $200 more a month: never."""
    at = _app(quality_dict())
    assert not at.exception
    assert at.checkbox(key="in:quality.on").value is True
    assert _metrics(at)["Break-even"] == "month 2.1"
    assert any(c.value.startswith("Infrastructure only") for c in at.caption)
    at = _set(at, "alternatives.0.quality.error_rate", 3.0)  # percent
    assert _metrics(at)["Break-even"] == f"month {10_000 / 2_300:.1f}"
    at = at.checkbox(key="in:quality.on").uncheck().run()
    assert _metrics(at)["Break-even"] == "never"
    assert not any(c.value.startswith("Infrastructure only") for c in at.caption)
    at = at.checkbox(key="in:latency.on").check().run()
    at = _set(at, "baseline.latency.p50_ms", 3000.0)
    at = _set(at, "alternatives.0.latency.p50_ms", 800.0)
    at = _set(at, "baseline.latency.usd_per_second_per_1k_requests", 2.0)
    # waiting: 100 × 3 × 2 = $600 against 100 × 0.8 × 2 = $160, a $440 credit; net $240 a
    # month, 10,000 / 240 = 41.7 months: past the 12-month horizon
    assert _metrics(at)["Break-even"] == "never"
    assert _metrics(at)["NPV over 12 months"] == usd(12 * 240 - 10_000, 0)


def test_each_option_keeps_its_own_value_of_waiting_as_the_cli_does() -> None:
    """quality_dict with waiting at 3 s and $1 a second per 1k on the baseline, 0.8 s and
    $3 on the alternative: $300 and $240 a month, so $11,300 against $6,440, a $4,860
    saving: NPV 12 × 4,860 − 10,000 = $48,320, month 10,000 / 4,860 = 2.06. Tying the
    alternative's $3 to the baseline's $1 (as the page once did) would give $50,240."""
    raw = quality_dict()
    raw["baseline"]["latency"] = {"p50_ms": 3000.0, "usd_per_second_per_1k_requests": 1.0}
    raw["alternatives"][0]["latency"] = {"p50_ms": 800.0, "usd_per_second_per_1k_requests": 3.0}
    at = _app(raw)
    assert not at.exception
    assert _metrics(at)["NPV over 12 months"] == "$48,320"
    assert _metrics(at)["Break-even"] == f"month {10_000 / 4_860:.1f}"
    at = _set(at, "alternatives.0.latency.usd_per_second_per_1k_requests", 0.0)
    assert _metrics(at)["NPV over 12 months"] == usd(12 * 5_100 - 10_000, 0)
    # equal values (or none for the alternative): one input, used for every option
    raw["alternatives"][0]["latency"]["usd_per_second_per_1k_requests"] = 1.0
    at = _app(raw)
    keys = {n.key for n in at.number_input}
    assert "in:alternatives.0.latency.usd_per_second_per_1k_requests" not in keys
    at = _set(at, "baseline.latency.usd_per_second_per_1k_requests", 2.0)
    # $600 against 1,200 + 5,000 + 160: saving 11,600 − 6,360 = 5,240
    assert _metrics(at)["NPV over 12 months"] == usd(12 * 5_240 - 10_000, 0)


@pytest.mark.parametrize("baseline_latency", [False, True])
def test_the_page_agrees_with_the_cli_on_the_value_of_waiting(baseline_latency: bool) -> None:
    """examples/quality.toml with the alternative's second of waiting worth $2 per 1k,
    unlike the baseline's (or the baseline not pricing waiting at all)."""
    raw = read_scenario_data(EXAMPLES / "quality.toml")
    if not baseline_latency:
        del raw["baseline"]["latency"]
    raw["alternatives"][0]["latency"] = {"p50_ms": 4000, "usd_per_second_per_1k_requests": 2.0}
    at = _app(raw)
    assert not at.exception
    alt = payback.analyze(parse_scenario(raw)).alternatives[0]
    shown = _metrics(at)
    assert shown["NPV over 12 months"] == usd(alt.npv_usd, 0)
    assert alt.break_even_month is not None
    assert shown["Break-even"] == f"month {alt.break_even_month:.1f}"


def test_what_would_it_take_box_gives_the_solve_answer() -> None:
    """By the closed form in tests/studies/test_solve.py, the alternative error rate at which
    quality_dict pays back in exactly 3 months is (9,800 − 10,000/3) / 250,000 = 2.5867%."""
    at = _app(quality_dict())
    assert at.selectbox(key="take:vary").value == "traffic.requests_per_month"
    # nothing is solved until asked: the page stays quick on every other change
    assert not any("traffic.requests_per_month" in m.value for m in at.markdown)
    at = at.toggle(key="take:on").set_value(True).run()
    scenario = parse_scenario(quality_dict())
    expected = solution_lines(
        payback.solve(scenario, "traffic.requests_per_month", parse_target("break_even_month=3"))
    )
    shown = [m.value for m in at.markdown]
    assert all(line in shown for line in expected)
    at = at.selectbox(key="take:vary").set_value("alternatives.0.quality.error_rate").run()
    shown = [m.value for m in at.markdown]
    assert any("alternatives.0.quality.error_rate = 2.5867%" in line for line in shown)
    at = at.selectbox(key="take:metric").set_value("npv_usd").run()
    at = at.number_input(key="take:npv_usd").set_value(1e12).run()
    shown = [m.value for m in at.markdown]
    assert any(line.startswith("No value of alternatives.0.quality.error_rate") for line in shown)


def test_what_would_it_take_box_errors_and_default_goals() -> None:
    """A bad goal reads as the target with its problem, no flag and no stray quote; the
    break-even-requests goal starts at today's, rounded up (quality_dict: 10,000 / 4,800
    months of 100,000 requests = 208,333.3, the same at any traffic since the saving per
    request is flat), not at 0 (never met). It is met wherever it pays back within the
    12-month horizon: 10,000 / (0.048 · R) ≤ 12 ⇒ R ≥ 17,361.1."""
    from payback.web.state import what_it_takes

    analysis = payback.analyze(parse_scenario(quality_dict()))
    lines = what_it_takes(analysis, 0, "traffic.requests_per_month", "break_even_month", -1.0)
    assert lines == ["break_even_month=-1: break_even_month must be ≥ 0"]
    at = _app(quality_dict())
    at = at.toggle(key="take:on").set_value(True).run()
    at = at.selectbox(key="take:metric").set_value("break_even_requests").run()
    assert at.number_input(key="take:break_even_requests").value == 208_334
    shown = [m.value for m in at.markdown]
    assert not any(line.startswith("No value") for line in shown)
    assert any("traffic.requests_per_month at least 17,361.11" in line for line in shown)
    assert any("already meets the target" in line for line in shown)


def test_the_edited_scenario_round_trips_through_the_schema() -> None:
    raw = read_scenario_data(EXAMPLES / "quarter-uncertain.toml")
    edits = {"traffic.requests_per_month": 321_000.0, "alternatives.0.ops_usd_per_month": 450.0}
    outcome = evaluate_inputs(raw, edits)
    assert outcome.scenario is not None
    assert outcome.analysis is not None
    text = dump_scenario(outcome.scenario)
    again = parse_scenario(scenario_data_from_text(text, "toml"), "download")
    assert again == outcome.scenario
    assert payback.analyze(again).to_dict() == outcome.analysis.to_dict()
    # the ranges the page did not touch are still ranges in the download
    assert again.distributions == outcome.scenario.distributions
    loaded = payback.load_scenario(EXAMPLES / "quarter-uncertain.toml").distributions
    assert set(loaded) - set(again.distributions) == set(edits)
    assert all(again.distributions[path] == loaded[path] for path in again.distributions)


def test_each_chart_is_drawn_on_request_with_its_title_and_note() -> None:
    path = EXAMPLES / "growth.toml"
    at = _app(read_scenario_data(path), path.name)
    analysis = payback.analyze(payback.load_scenario(path))
    titles = {
        "Cumulative cost": charts.cumulative_costs(analysis).title,
        "Monthly by component": charts.monthly_components(analysis, 0).title,
        "One-time cost": charts.one_time_items(analysis).title,
        "Cost per 1k requests": charts.cost_per_1k_vs_traffic(analysis).title,
        "Drivers": charts.drivers(analysis, 0).title,  # type: ignore[union-attr]
    }
    assert at.radio(key="view").options == list(titles)
    for view, title in titles.items():
        at = at.radio(key="view").set_value(view).run()
        assert not at.exception
        assert len(at.get("plotly_chart")) == 1  # one figure at a time
        assert any(m.value == f"**{title}**" for m in at.markdown)


def test_the_html_report_is_offered_for_the_inputs_it_was_made_from() -> None:
    at = _app(read_scenario_data(EXAMPLES / "seed.toml"), "seed.toml")
    keys = lambda: [b.key for b in at.get("download_button")]  # noqa: E731
    assert keys() == ["dl:scenario"]
    at = at.button(key="dl:prepare").click().run()
    assert keys() == ["dl:scenario", "dl:report"]
    at = _set(at, "traffic.requests_per_month", 30_000.0)
    assert keys() == ["dl:scenario"]  # a report of older inputs is not offered


def test_monte_carlo_runs_only_when_asked_and_agrees_with_analyze() -> None:
    path = EXAMPLES / "quarter-uncertain.toml"
    at = _app(read_scenario_data(path), path.name)
    assert "mc" not in at.session_state
    at = at.select_slider(key="mc:samples").set_value(5_000).run()
    assert "mc" not in at.session_state
    at = at.button(key="mc:run").click().run()
    assert not at.exception
    expected = payback.analyze(payback.load_scenario(path), samples=5_000)
    assert expected.uncertainty is not None
    within = expected.uncertainty.alternatives[0].p_break_even_within
    sentence = next(
        m.value for m in at.markdown if m.value.startswith("Pays back within a quarter in")
    )
    assert f"**{within['3']:.0%}**" in sentence
    assert f"**{within['horizon']:.0%}**" in sentence


def test_a_scenario_without_ranges_explains_why_there_is_no_sampling() -> None:
    at = _app(read_scenario_data(EXAMPLES / "quarter-200k.toml"))
    assert any("no ranges" in i.value for i in at.info)
    assert not at.get("button") or all(b.key != "mc:run" for b in at.button)


# ---------------------------------------------------------------- the serve command


def test_serve_refuses_a_missing_file_and_a_bad_port(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "nope.toml" in result.stderr
    assert "Traceback" not in result.stderr
    result = CliRunner().invoke(cli_app, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --port 70000: must be between 1 and 65535"


def test_serve_without_streamlit_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "streamlit" else real(name, *a),
    )
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'payback[web]'" in result.stderr


# ---------------------------------------------------------------- in a real browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_in_headless_chromium_an_edit_updates_the_verdict(
    tmp_path: Path, chromium: Browser
) -> None:
    """`payback serve` in a subprocess, a real browser: the verdict updates after an edit,
    an uploaded scenario replaces the shown one without touching the disk, the downloaded
    scenario loads, and a screenshot is saved (PAYBACK_SCREENSHOTS names a folder to keep it).
    Skipped without playwright or Debian's chromium package, unless PAYBACK_REQUIRE_BROWSER=1
    (CI), where that fails (the chromium fixture)."""
    home = tmp_path / "home"
    scratch = tmp_path / "tmp"
    home.mkdir()
    scratch.mkdir()
    port = _free_port()
    env = os.environ | {"HOME": str(home), "TMPDIR": str(scratch)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "payback",
            "serve",
            str(EXAMPLES / "quarter-200k.toml"),
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    marker = "uploaded-scenario-7f3a9c"
    upload = tmp_path / "upload" / "mine.toml"
    upload.parent.mkdir()
    upload.write_text(
        dump_scenario(
            parse_scenario(
                per_request_dict(10.0, 2.0, 100_000.0, horizon=24, data_usd=8_000.0)
                | {"scenario": {"name": marker, "horizon_months": 24}},
                "upload",
            )
        )
    )
    shots = Path(os.environ.get("PAYBACK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the page did not start in 60 s"
                time.sleep(0.2)
        with chromium.sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium.executable, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
            page.set_default_timeout(WAIT_MS)
            page.goto(f"http://127.0.0.1:{port}", wait_until="domcontentloaded")

            def metric(label: str) -> str:
                box = page.locator('[data-testid="stMetric"]', has_text=label)
                return box.locator('[data-testid="stMetricValue"]').inner_text(timeout=WAIT_MS)

            def idle() -> None:
                """Wait for the script run to end: an answer drawn at the top can come
                before the sidebar's download is rebuilt at the bottom."""
                quiet_since = time.monotonic()
                deadline = quiet_since + WAIT_MS / 1000
                while time.monotonic() - quiet_since < 1.0:
                    assert time.monotonic() < deadline, "the page kept running"
                    if page.locator('[data-testid="stStatusWidget"]').count():
                        quiet_since = time.monotonic()
                    time.sleep(0.1)

            assert metric("Break-even") == "month 13.4"
            requests = page.get_by_label("Requests per month (month 1)")
            requests.fill("400000")
            requests.press("Enter")
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
                ".some(e => e.innerText === 'month 4.2')",
                timeout=WAIT_MS,
            )
            assert metric("Requests until then") == "1,688,107"
            idle()
            page.screenshot(path=str(shots / "serve-edited.png"), full_page=True)

            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
            page.get_by_text("mine.toml", exact=False).first.wait_for(timeout=WAIT_MS)
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
                ".some(e => e.innerText === 'month 10.0')",
                timeout=WAIT_MS,
            )
            idle()
            with page.expect_download(timeout=WAIT_MS) as info:
                page.get_by_role("button", name="Edited scenario (TOML)").click()
            saved = tmp_path / "download.toml"
            info.value.save_as(saved)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    downloaded = payback.load_scenario(saved)
    assert downloaded.scenario.name == marker
    assert payback.analyze(downloaded).alternatives[0].break_even_month == pytest.approx(10.0)
    shot = (shots / "serve-edited.png").read_bytes()
    assert shot.startswith(b"\x89PNG")
    assert len(shot) > 20_000
    # the server wrote the upload nowhere: not in its working folder, home or temp folder
    for folder in (home, scratch, tmp_path):
        for path in folder.rglob("*"):
            if path.is_file() and path not in (upload, saved) and path.suffix != ".png":
                assert marker.encode() not in path.read_bytes(), path


def test_a_file_with_a_calibration_is_read_from_its_own_folder() -> None:
    """The page opened on examples/calibrated-h200.toml reads the calibration it names
    relative to that file, and shows the CLI's answer."""
    path = EXAMPLES / "calibrated-h200.toml"
    expected = payback.analyze(payback.load_scenario(path)).alternatives[0]
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["raw"] = read_scenario_data(path)
    at.session_state["source"] = path.name
    at.session_state["base"] = path.parent
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert expected.break_even_month is not None
    assert _metrics(at)["Break-even"] == f"month {expected.break_even_month:.1f}"
    # without its folder the relative path cannot be read: said at the input, not a crash
    outcome = evaluate_inputs(read_scenario_data(path), {})
    assert outcome.analysis is None
    assert any("calibration" in line for lines in outcome.problems.values() for line in lines)


def test_what_would_it_take_speaks_the_pages_words_and_reuses_the_quarter() -> None:
    from payback.web.state import what_it_takes

    analysis = payback.analyze(payback.load_scenario(EXAMPLES / "quarter-200k.toml"))
    for lines in (
        what_it_takes(analysis, 3, "traffic.requests_per_month", "npv_usd", 0.0),
        what_it_takes(analysis, 0, "traffic.nope", "npv_usd", 0.0),
    ):
        assert not any("--" in line for line in lines), lines
    (line,) = what_it_takes(analysis, 0, "traffic.nope", "npv_usd", 0.0)
    assert line.startswith("traffic.nope: no such field in the scenario")
    quarter = what_it_takes(analysis, 0, "traffic.requests_per_month", "break_even_month", 3.0)
    assert quarter == solution_lines(analysis.quarter_threshold(0))  # type: ignore[arg-type]
    assert quarter == solution_lines(
        payback.solve(
            analysis.resolved, "traffic.requests_per_month", Target("break_even_month", 3.0)
        )
    )


# ---------------------------------------------------------------- the page agrees with the CLI

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need_chromium() -> str:
    """Debian's Chromium for playwright, or the skip (a failure in CI) that find_browser gives."""
    return find_browser().executable


@contextlib.contextmanager
def _served(path: Path, folder: Path) -> Iterator[str]:
    """`payback serve path` in a subprocess (its home and temp folders under ``folder``);
    the page's address."""
    for name in ("home", "tmp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = os.environ | {"HOME": str(folder / "home"), "TMPDIR": str(folder / "tmp")}
    command = [sys.executable, "-m", "payback", "serve", str(path), "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the page did not start in 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


class Visitor:
    """One browser tab on the page: what a visitor does, and what the page then shows."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.downloads = 0

    def idle(self) -> None:
        """Wait until the page's script has run to its end (a second without its
        running sign): an answer drawn at the top comes before the sidebar's downloads."""
        quiet_since = time.monotonic()
        deadline = quiet_since + WAIT_MS / 1000
        while time.monotonic() - quiet_since < 1.0:
            assert time.monotonic() < deadline, "the page kept running"
            if self.page.locator('[data-testid="stStatusWidget"]').count():
                quiet_since = time.monotonic()
            time.sleep(0.1)

    def metrics(self) -> dict[str, str]:
        boxes = self.page.locator('[data-testid="stMetric"]')
        return {
            box.locator('[data-testid="stMetricLabel"]').inner_text().strip(): box.locator(
                '[data-testid="stMetricValue"]'
            ).inner_text()
            for box in boxes.all()
        }

    def shown_alternative(self) -> str:
        return str(self.page.locator("h3").first.inner_text()).strip()

    def upload(self, path: Path) -> None:
        self.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        self.idle()

    def chart(self, name: str) -> None:
        self.page.locator('[data-testid="stRadio"]', has_text="Cumulative cost").get_by_text(
            name, exact=True
        ).click()
        self.idle()

    def download(self) -> Path:
        """The scenario the page holds, downloaded as a visitor would."""
        self.downloads += 1
        with self.page.expect_download(timeout=WAIT_MS) as info:
            self.page.get_by_role("button", name="Edited scenario (TOML)").click()
        saved = self.folder / f"held-{self.downloads}.toml"
        info.value.save_as(saved)
        return saved

    def agrees_with_cli(self) -> None:
        """What the page shows is what `payback analyze --json` says for the scenario
        the page would download."""
        held = self.download()
        result = CliRunner().invoke(cli_app, ["analyze", str(held), "--json"])
        assert result.exit_code == 0, result.stderr
        expected = json.loads(result.stdout)
        shown = self.metrics()
        name = self.shown_alternative()
        (alt,) = [a for a in expected["alternatives"] if a["name"] == name]
        month = alt["break_even_month"]
        assert shown["Break-even"] == ("never" if month is None else f"month {month:.1f}")
        assert shown[f"NPV over {expected['horizon_months']} months"] == usd(alt["npv_usd"], 0)
        verdict = self.page.locator(
            '[data-testid="stMarkdownContainer"]', has_text="Verdict:"
        ).first.inner_text()
        assert verdict.removeprefix("Verdict:").strip() == expected["verdict"]


@contextlib.contextmanager
def _visit(url: str, folder: Path, width: int = 1400) -> Iterator[Visitor]:
    import playwright.sync_api as playwright

    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_need_chromium(), args=BROWSER_ARGS)
        try:
            page = browser.new_page(
                viewport={"width": width, "height": 1000}, accept_downloads=True
            )
            page.set_default_timeout(WAIT_MS)
            page.goto(url, wait_until="domcontentloaded")
            page.locator('[data-testid="stMetricValue"]').first.wait_for()
            visitor = Visitor(page, folder)
            visitor.idle()
            yield visitor
        finally:
            browser.close()


def test_after_an_upload_every_box_holds_the_new_files_numbers(tmp_path: Path) -> None:
    """Serve quarter-200k, upload growth: the answer is growth's, and a click elsewhere (a
    chart tab) re-runs the page with growth's numbers, not with the boxes of the first file
    (which once gave "month 8.3, NPV $23,429" for growth's best alternative)."""
    _need_chromium()
    with (
        _served(EXAMPLES / "quarter-200k.toml", tmp_path) as url,
        _visit(url, tmp_path) as visitor,
    ):
        visitor.agrees_with_cli()
        visitor.upload(EXAMPLES / "growth.toml")
        visitor.agrees_with_cli()
        visitor.chart("One-time cost")
        visitor.agrees_with_cli()
        assert payback.load_scenario(visitor.download()) == payback.load_scenario(
            EXAMPLES / "growth.toml"
        )
