"""The page of `payback serve`: its state helpers, the app driven through Streamlit's
AppTest, the serve command's checks, and one end-to-end run in headless Chromium."""

from __future__ import annotations

import contextlib
import html
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as hypothesis_st
from typer.testing import CliRunner

import payback
from contrast import COLOURS, below_contrast
from helpers import (
    EXAMPLES,
    FROZEN_PORTFOLIO,
    Browser,
    find_browser,
    fleet_past_the_cap,
    page_tables,
    per_request_dict,
    quality_dict,
    run,
)
from payback.cli import app as cli_app
from payback.report import charts
from payback.report.common import (
    headline,
    month_text,
    quarter_text,
)
from payback.report.html import render_html
from payback.web.answer import best_index, verdict_headline
from payback.web.state import (
    Held,
    apply_edits,
    central,
    evaluate_inputs,
    get_path,
    read_upload,
    section_of,
    set_path,
    solvable_inputs,
)
from payback.web.take import goal_words, solution_words
from payback.web.typed import read_number

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from payback.analysis.result import usd
from payback.scenario import (
    dump_scenario,
    parse_scenario,
    read_scenario_data,
    scenario_data_from_text,
)
from payback.studies.portfolio import analyze_portfolio
from payback.studies.solve import Target, parse_target

pytestmark = pytest.mark.slow  # Streamlit's AppTest and a real browser: seconds a test

APP = Path(payback.__file__).parent / "web" / "app.py"
WAIT_MS = 90_000  # generous: a loaded 2-core CI machine renders the first page slowly
RETRY_MS = 20_000
"""How long a typed value may go without starting a run before it is typed again."""


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
        [
            "x.toml: not a text file (a scenario is UTF-8 TOML or YAML): byte 0xff at line 1, "
            "column 1 (byte 0) is not UTF-8; save the file as UTF-8"
        ],
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


def _app(raw: dict[str, Any], source: str = "test.toml", base: Path | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_data(source, raw, base)
    return at.run()


def _open(path: Path) -> AppTest:
    """The page as `payback serve path` opens it: the file's text, its folder."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    return at.run()


def _metrics(at: AppTest) -> dict[str, str]:
    """The figures of the answer (the Monte Carlo's are in :func:`_chances`)."""
    return {m.label: m.value for m in at.metric if not m.label.startswith(("Chance", "Median"))}


def _chances(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label.startswith(("Chance", "Median"))}


def _headline(at: AppTest) -> str:
    (verdict,) = [m.value for m in at.markdown if "pay back" in m.value or "pays back" in m.value][
        :1
    ]
    return str(verdict)


def _set(at: AppTest, path: str, value: Any) -> AppTest:
    """Type ``value`` into the box of ``path`` (a percentage for a fraction) and press Enter."""
    return at.text_input(key=f"in:{path}").set_value(str(value)).run()


def _box(at: AppTest, path: str) -> Any:
    """The block of one input: its label, its box and the messages under it."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            if str(getattr(getattr(child, "proto", None), "id", "")).endswith(f"-box-{path}"):
                found.append(child)
            walk(child)

    walk(at.main)
    assert len(found) == 1, path
    return found[0]


def _label_of(at: AppTest, path: str) -> str:
    """A box's label as the page shows it, without the path after it."""
    label = str(_box(at, path).markdown[0].value)
    words, _, shown = label.partition(" :small[:gray[`")
    assert shown == f"{path}`]]"  # the dotted path, small, after the words
    assert "." not in words.replace("1,000", ""), words
    assert "_" not in words, words
    return words


def _read(markdown: str) -> str:
    """A message of the page as its reader sees it: the Markdown that shows it as written
    (:func:`payback.web.words.message_markdown`) with its escapes, entities, no-break
    spaces and the empty elements that split an address read (the browser tests check
    Chromium reads them so)."""
    text = html.unescape(re.sub(r"\\(.)", r"\1", markdown.replace(":small[]", "")))
    return text.replace("\xa0", " ")


def _errors_at(at: AppTest, path: str) -> list[str]:
    return [_read(e.value) for e in _box(at, path).error]


def test_doubling_traffic_halves_the_break_even_month_of_a_flat_saving() -> None:
    """$10 vs $2 per 1k requests and $8,000 up front: 100k requests a month save $800 a
    month (break-even month 10.0, after 1,000,000 requests); 200k save $1,600 (month 5.0,
    the same 1,000,000 requests); 400k, month 2.5, within a quarter. NPV over 24 months at
    0%: 24 x saving - 8,000."""
    raw = per_request_dict(10.0, 2.0, 100_000.0, horizon=24, data_usd=8_000.0)
    at = _app(raw)
    assert not at.exception
    assert _metrics(at) == {
        "Break-even": "month 10.00",
        "Requests until then": "1,000,000",
        "Within a quarter?": "no",
        "NPV over 24 months": "$11,200",
    }
    at = _set(at, "traffic.requests_per_month", "200,000")
    assert _metrics(at) == {
        "Break-even": "month 5.00",
        "Requests until then": "1,000,000",
        "Within a quarter?": "no",
        "NPV over 24 months": "$30,400",
    }
    at = _set(at, "traffic.requests_per_month", 400_000)
    assert at.text_input(key="in:traffic.requests_per_month").value == "400,000"  # tidied
    assert _metrics(at)["Break-even"] == "month 2.50"
    assert _metrics(at)["Within a quarter?"] == "yes"
    assert _metrics(at)["NPV over 24 months"] == "$68,800"
    # the price of the alternative: $6 per 1k leaves $4 x 400 = $1,600 a month → month 5.0
    at = _set(at, "alternatives.0.usd_per_1k_requests", 6.0)
    assert _metrics(at)["Break-even"] == "month 5.00"


def test_a_short_horizon_says_the_quarter_is_unknown() -> None:
    """$800 a month saved over a 2-month horizon: $800 up front is back at month 1.0, but
    whether it is still ahead at month 3 is past the horizon (paid back within a quarter is
    broken even by month 3 and not behind again there); $4,000 would need month 5."""
    at = _app(per_request_dict(10.0, 2.0, 100_000.0, horizon=2, data_usd=800.0))
    assert _metrics(at)["Break-even"] == "month 1.00"
    assert _metrics(at)["Within a quarter?"] == "unknown (horizon too short)"
    at = _set(at, "alternatives.0.one_time.data_usd", 4_000.0)
    assert _metrics(at)["Break-even"] == "not within 2 months"
    assert _metrics(at)["Within a quarter?"] == "unknown (horizon too short)"


def test_a_one_month_horizon_is_said_as_one_month() -> None:
    """The page's NPV label read "NPV over 1 months"."""
    at = _app(per_request_dict(10.0, 2.0, 100_000.0, horizon=1, data_usd=400.0))
    assert "NPV over 1 month" in _metrics(at)
    assert not any("1 months" in label for label in _metrics(at))


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.toml")))
def test_the_page_shows_what_analyze_says_for_each_example(name: str) -> None:
    path = EXAMPLES / f"{name}.toml"
    at = _open(path)
    assert not at.exception
    assert [e.value for e in at.error] == []
    scenario = payback.load_scenario(path)
    expected = payback.analyze(scenario)
    several = len(expected.alternatives) > 1
    workloads = scenario.workloads
    # a file with workloads: what `payback analyze` gives for it, the workloads together
    answer = analyze_portfolio(scenario) if workloads else expected
    # “Showing” starts on the verdict's best: the figures under it are its own
    best = max(range(len(answer.alternatives)), key=lambda i: answer.alternatives[i].npv_usd)
    assert best_index(answer) == best
    if several:
        assert at.selectbox(key="in:show").value == best
    alt = answer.alternatives[best]
    shown = _metrics(at)
    assert shown["Break-even"] == (
        f"not within {expected.horizon_months} months"
        if alt.break_even_month is None
        else month_text(alt.break_even_month, 2)
    )
    assert shown[f"NPV over {expected.horizon_months} months"] == usd(alt.npv_usd)
    if workloads:
        verdict = analyze_portfolio(scenario).verdict()
        assert _headline(at).startswith(f"{verdict[0].upper()}{verdict[1:]}.")
    else:
        assert _headline(at) == verdict_headline(expected, best if several else None)
        assert "Shown below" not in _headline(at)
    # looking changes nothing: no edit, and the download is the file as it is
    for index in range(len(expected.alternatives) if several else 0):
        at = at.selectbox(key="in:show").set_value(index).run()
        assert not at.exception
    assert at.session_state["held"].edits == {}
    assert at.session_state["held"].file_text() == path.read_text()
    # the answer, worked out before the inputs are drawn, used what they hold
    assert "redrawn" not in at.session_state


def _terminal_section(text: str, name: str) -> str:
    """One alternative's part of `payback analyze`'s text: from the line naming it ("NAME
    (kind)") to the next one naming an alternative, or the verdict."""
    starts = [
        m.start()
        for m in re.finditer(
            r"^\S.* \((?:per_request|hosted_api|self_hosted|priced per request|hosted API|self-hosted)\)\s*$|^Verdict:",
            text,
            re.M,
        )
    ]
    mine = [m.start() for m in re.finditer(rf"^{re.escape(name)} \(", text, re.M)]
    assert len(mine) == 1, (name, mine)
    return text[mine[0] : min(p for p in starts if p > mine[0])]


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.toml")))
def test_every_figure_on_the_page_is_the_terminals(name: str) -> None:
    """Each example, each alternative shown: the headline is `payback analyze`'s verdict
    word for word, and each figure on the page is written in the terminal as the page
    writes it. The page gave request counts to three figures ("~30.8k" for the seed, where
    the terminal and `payback quick` say "~30,769"), the break-even month to one place
    (month 1.5; the terminal's row: month 1.54), and whole dollars under $1,000 ("One-time
    cost $400; month 1 costs $40 against $300": the terminal's $400.00, $40.00, $300.00;
    portfolio.toml's SQL helper saved $406 where the terminal says $406.09; with a fleet per
    task, its workloads that do not pay their way "rode" on a fleet they do not share)."""
    path = EXAMPLES / f"{name}.toml"
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    data = json.loads(out)
    answer = data.get("portfolio", data)
    verdict = answer["verdict"]
    result = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1", "TERM": "dumb"}).invoke(
        cli_app, ["analyze", str(path)]
    )
    assert result.exit_code == 0, result.stderr
    terminal = result.stdout
    at = _open(path)
    assert not at.exception
    alternatives = answer["alternatives"]
    for index, alt in enumerate(alternatives):
        if len(alternatives) > 1:
            at = at.selectbox(key="in:show").set_value(index).run()
        assert _headline(at).startswith(f"{verdict[0].upper()}{verdict[1:]}.")
        lines = _terminal_section(terminal, alt["name"])
        section = " ".join(lines.split()) + " "
        shown = _metrics(at)
        month, requests = shown["Break-even"], shown["Requests until then"]
        if alt["break_even_month"] is None:
            assert (month, requests) == (f"not within {answer['horizon_months']} months", "—")
            assert f"Break-even not within {answer['horizon_months']} months" in section
        else:
            assert f"Break-even {month}, after {requests} requests" in section
        npv = shown[f"NPV over {answer['horizon_months']} months"]
        assert re.search(rf"NPV, \d+ months( at \d+%)? {re.escape(npv)} ", section), npv
        assert f"3 months: {shown['Within a quarter?']};" in section
        if "portfolio" in data:  # the caption is the first workload's view, not the file's
            (table,) = page_tables(at)
            brings = lines[lines.index("What each workload brings") :]
            for row in table.value.to_dict("records"):
                (line,) = [x for x in brings.splitlines() if x.startswith(f" {row['workload']} ")]
                figures = line.split()
                fleet = row.get("fleet share (PV)", row.get("own fleet (PV)"))
                for figure in (row["saves (PV)"], fleet, row["net (PV)"]):
                    assert figure in figures, (row, figure, line)
                # in the same words: "does not pay its way" (the page said "rides")
                assert line.rstrip().endswith(f" {row['role']}"), (row, line)
            continue
        (costs,) = [c.value for c in at.caption if c.value.startswith("One-time cost")]
        one_time, ours, theirs = re.findall(r"-?\$[\d,]+(?:\.\d\d)?", costs)
        assert f"One-time cost {one_time} " in section
        assert re.search(rf"this alternative {re.escape(ours)} ", section), costs
        assert re.search(rf"baseline {re.escape(theirs)} ", section), costs
        plain = [c.value for c in at.caption if c.value.startswith("Infrastructure only")]
        for line in plain:
            words = line.removeprefix("Infrastructure only (errors and waiting left out): ")
            assert f"Infrastructure only {words.rstrip('.')} (" in section, line


def test_a_value_the_schema_refuses_is_said_at_its_box_and_the_answer_goes(tmp_path: Path) -> None:
    raw = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    at = _app(raw)
    before = _metrics(at)
    at = _set(at, "traffic.requests_per_month", "-5")
    assert not at.exception
    assert _metrics(at) == {}  # hidden, not stale
    assert not at.get("download_button")
    line = (
        "Requests per month, in month 1 [requests]: -5 is out of range; allowed: more than 0 "
        "and at most 10,000,000,000,000"
    )
    assert _errors_at(at, "traffic.requests_per_month") == [line]
    # the answer's column says why it is gone, with the same line
    assert any(_read(m.value) == f"- {line}" for m in at.markdown)
    # what the command line says about a file with the value: refused too
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (EXAMPLES / "quarter-200k.toml")
        .read_text()
        .replace("requests_per_month = 200000", "requests_per_month = -5.0")
    )
    assert CliRunner().invoke(cli_app, ["analyze", str(bad)]).exit_code == 2
    at = _set(at, "traffic.requests_per_month", "200,000")
    assert [e.value for e in at.error] == []
    assert _metrics(at) == before


def _bad_texts(at: AppTest) -> dict[str, tuple[str, str]]:
    """For each box on the page, a text below its minimum and the words expected."""
    from payback.web.state import number_field

    held = at.session_state["held"]
    out = {}
    for box in at.text_input:
        path = str(box.key).removeprefix("in:")
        if not str(box.key).startswith("in:"):
            continue
        field = number_field(held.raw, path)
        if math.isfinite(field.allowed.lowest):
            low = field.allowed.lowest * (100 if field.percent else 1)
            out[path] = (
                str(int(low) - 1 if field.allowed.lowest_included else int(low)),
                "out of range",
            )
    return out


@pytest.mark.parametrize("name", ["quarter-200k", "quality", "growth", "owned-h100", "seed"])
def test_bad_values_at_every_input_give_their_message_in_place(name: str) -> None:
    """Every box on the page, at once: text that is no number, a value below what the
    field allows, an empty box. Each says so under itself in one line naming the field,
    the text and what is allowed; no answer is shown meanwhile; the file's values bring
    it back."""
    at = _open(EXAMPLES / f"{name}.toml")
    before = _metrics(at)
    boxes = {
        str(b.key).removeprefix("in:"): b.value for b in at.text_input if b.key.startswith("in:")
    }
    assert len(boxes) >= 12
    held = at.session_state["held"]
    from payback.web.state import number_field

    for path in boxes:
        at.text_input(key=f"in:{path}").set_value("12abc")
    at.run()
    assert _metrics(at) == {}
    for path in boxes:
        (line,) = _errors_at(at, path)
        assert line.startswith(f"{_label_of(at, path)}: “12abc” is not a plain number; allowed: ")
    for path, (text, _) in _bad_texts(at).items():
        at.text_input(key=f"in:{path}").set_value(text)
    at.run()
    for path, (text, words) in _bad_texts(at).items():
        (line,) = _errors_at(at, path)
        assert f": {text} is {words}; allowed: " in line, line
    for path in boxes:
        at.text_input(key=f"in:{path}").set_value("")
    at.run()
    for path in boxes:
        field = number_field(held.raw, path)
        errors = _errors_at(at, path)
        table = path.rpartition(".")[0]
        if field.optional or (table.count(".") and get_path(held.raw, table) is None):
            assert errors == [], path  # empty: the field is not set, as in a file without it
        else:
            (line,) = errors
            assert line.startswith(f"{_label_of(at, path)}: empty; type a number")
    for path, text in boxes.items():
        at.text_input(key=f"in:{path}").set_value(text)
    at.run()
    assert [e.value for e in at.error] == []
    assert _metrics(at) == before
    assert "redrawn" not in at.session_state


def test_numbers_show_thousands_and_are_read_strictly() -> None:
    at = _open(EXAMPLES / "growth.toml")
    assert at.text_input(key="in:traffic.requests_per_month").value == "1,000,000"
    assert at.text_input(key="in:traffic.growth_monthly").value == "8"  # percent
    # "12abc" is not 12, "1,00" is not 100: both refused
    for text in ("12abc", "1,00", "1e6", "12 000"):
        at = _set(at, "traffic.requests_per_month", text)
        assert _metrics(at) == {}, text
    at = _set(at, "traffic.requests_per_month", " 2,000,000 ")
    expected = payback.analyze(
        parse_scenario(
            apply_edits(
                read_scenario_data(EXAMPLES / "growth.toml"),
                {"traffic.requests_per_month": 2_000_000},
            )
        )
    )
    # the best by NPV is now the serverless one ($305,806, not the rented H100s' $227,310):
    # “Showing” follows the verdict, and so do the figures under it
    assert best_index(expected) == 1
    assert at.selectbox(key="in:show").value == 1
    assert _metrics(at)["NPV over 24 months"] == usd(expected.alternatives[1].npv_usd)
    assert _metrics(at)["NPV over 24 months"] == "$305,806"
    at = at.selectbox(key="in:show").set_value(0).run()
    assert at.text_input(key="in:alternatives.0.usd_per_gpu_hour").value == "2.69"
    assert _metrics(at)["NPV over 24 months"] == usd(expected.alternatives[0].npv_usd)


def test_one_showing_choice_drives_the_headline_and_the_figures() -> None:
    """growth.toml: the best by NPV is the third alternative; showing the first, the
    headline names both and the figures are the first's; each alternative's edits stay
    when another is shown."""
    path = EXAMPLES / "growth.toml"
    at = _open(path)
    expected = payback.analyze(payback.load_scenario(path))
    show = at.selectbox(key="in:show")
    assert show.options == [f"alternative: {a.name}" for a in expected.alternatives]
    # the choice sits at the top of the answer's column, above the headline
    assert _box_of_key(at, "answer").selectbox[0].key == "in:show"
    for index, alt in enumerate(expected.alternatives):
        at = at.selectbox(key="in:show").set_value(index).run()
        assert _headline(at) == verdict_headline(expected, index)
        assert _metrics(at)["NPV over 24 months"] == usd(alt.npv_usd)
        assert at.expander[3].label == f"Alternative: {alt.name}"
    assert "Shown below" not in verdict_headline(expected, 2)
    assert verdict_headline(expected, 0).endswith(
        "Shown below: 'fine-tuned 8B on rented H100s', which pays back in month 18.5; NPV $25,395."
    )
    at = at.selectbox(key="in:show").set_value(0).run()
    at = _set(at, "alternatives.0.ops_usd_per_month", "2,500")
    at = at.selectbox(key="in:show").set_value(1).run()
    assert at.session_state["held"].edits == {"alternatives.0.ops_usd_per_month": 2500}
    at = at.selectbox(key="in:show").set_value(0).run()
    assert at.text_input(key="in:alternatives.0.ops_usd_per_month").value == "2,500"


def _whose(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("The figures of")]


def test_showing_starts_on_the_verdicts_best_and_follows_it_until_chosen() -> None:
    """growth.toml, tried as a new user would: the verdict named 'smaller hosted model,
    prompt-tuned' (month 2.8, NPV $144,159) while the figures under it were the first
    alternative's (month 18.50, $25,395), “Showing” starting on it. Now it starts on the
    verdict's best and follows it after a change (2,000,000 requests: the serverless one,
    $305,806); chosen by hand, it keeps the choice and says whose figures they are."""
    at = _open(EXAMPLES / "growth.toml")
    assert at.selectbox(key="in:show").value == 2
    assert _headline(at).startswith("Best of 3 by NPV: 'smaller hosted model, prompt-tuned'")
    assert "Shown below" not in _headline(at)
    assert _metrics(at) == {
        "Break-even": "month 2.78",
        "Requests until then": "2,986,122",
        "Within a quarter?": "yes",
        "NPV over 24 months": "$144,159",
    }
    assert _whose(at) == ["The figures of 'smaller hosted model, prompt-tuned', the best by NPV:"]
    at = _set(at, "traffic.requests_per_month", "2,000,000")
    assert at.selectbox(key="in:show").value == 1
    assert _headline(at).startswith("Best of 3 by NPV: 'fine-tuned 8B, serverless (scale to")
    assert _metrics(at)["NPV over 24 months"] == "$305,806"
    assert _whose(at) == [
        "The figures of 'fine-tuned 8B, serverless (scale to zero)', the best by NPV:"
    ]
    assert "redrawn" not in at.session_state
    # chosen by hand: kept after a change that makes another the best, and said
    at = at.selectbox(key="in:show").set_value(0).run()
    at = _set(at, "traffic.requests_per_month", "1,000,000")
    assert at.selectbox(key="in:show").value == 0
    assert _metrics(at)["NPV over 24 months"] == "$25,395"
    assert _headline(at).endswith(
        "Shown below: 'fine-tuned 8B on rented H100s', which pays back in month 18.5; NPV $25,395."
    )
    assert _whose(at) == [
        "The figures of 'fine-tuned 8B on rented H100s', as chosen under “Showing” (not the "
        "best by NPV):"
    ]
    assert at.session_state["held"].edits == {}


def test_a_stale_price_is_warned_of_with_the_alternative_it_is_about() -> None:
    """owned-h100.toml: only the rented alternative prices its GPUs from a stale catalog
    offer (checked 2026-04-02, 247 days before the start). Showing the owned servers, the
    page put that warning under the owned servers' figures, where it read as theirs; now
    it is shown with the rented alternative, named, as `payback analyze` says it, and the
    owned servers' answer says only that the other has a stale price of its own."""
    path = EXAMPLES / "owned-h100.toml"
    code, _, err = run("analyze", path)
    assert code == 0
    (cli,) = [line.removeprefix("warning: ") for line in err.splitlines() if "stale" in line]
    assert cli.startswith("alternatives.1.usd_per_gpu_hour = 2.35 (catalog: h100-sxm at ")
    owned, rented = (a.name for a in payback.load_scenario(path).alternatives)
    at = _open(path)
    assert at.selectbox(key="in:show").value == 1  # the best by NPV: the rented one
    at = at.selectbox(key="in:show").set_value(0).run()
    assert [w.value for w in at.warning if "stale" in w.value] == []
    pointers = [c.value for c in at.caption if "of its own" in c.value]
    assert pointers == [
        f"{rented!r} has a warning of its own (a stale price), shown with it: choose it "
        "under “Showing”."
    ]
    at = at.selectbox(key="in:show").set_value(1).run()
    assert [_read(w.value) for w in at.warning if "stale" in w.value] == [f"{rented!r}: {cli}"]
    assert [c.value for c in at.caption if "of its own" in c.value] == []
    assert owned not in " ".join(w.value for w in at.warning)


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
    assert shown["NPV over 24 months"] == usd(expected.npv_usd)
    assert shown["Break-even"] == (
        "not within 24 months"
        if expected.break_even_month is None
        else month_text(expected.break_even_month, 2)
    )


def test_the_model_picker_names_mixtures_of_experts_and_offers_mxfp4(tmp_path: Path) -> None:
    """The catalog's gpt-oss-20b is a mixture of experts, 3.61B of its 20.91B parameters
    active a token: the picker says so (a dense model keeps its bare id), mxfp4 is offered,
    and the page's answer for it is the command line's for the file it would download."""
    at = _open(EXAMPLES / "quarter-200k.toml")
    at = (
        at.radio(key="in:alternatives.0.mode")
        .set_value("GPU and model from the catalog (capacity estimated)")
        .run()
    )
    picker = at.selectbox(key="in:alternatives.0.model")
    assert "gpt-oss-20b (MoE: 3.61B of 20.91B active)" in picker.options
    assert "llama-3.1-8b" in picker.options
    assert "mxfp4" in at.selectbox(key="in:alternatives.0.precision").options
    at = picker.set_value("gpt-oss-20b").run()
    at = at.selectbox(key="in:alternatives.0.precision").set_value("mxfp4").run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    path = tmp_path / "picked.toml"
    path.write_text(at.session_state["held"].file_text())
    text = path.read_text()
    assert 'model = "gpt-oss-20b"' in text
    assert 'precision = "mxfp4"' in text
    result = CliRunner().invoke(cli_app, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    alt = json.loads(result.stdout)["alternatives"][0]
    shown = _metrics(at)
    assert shown["NPV over 24 months"] == usd(alt["npv_usd"])
    month = alt["break_even_month"]
    assert shown["Break-even"] == (
        "not within 24 months" if month is None else month_text(month, 2)
    )


def test_a_files_serving_engine_is_kept_and_its_refusal_said_on_the_page(
    tmp_path: Path,
) -> None:
    """A self-hosted option's engine is the file's (the Engine picker starts on it).
    The lean engine serves bf16 only: at the file's fp8 the page says what the command
    line says and shows no answer; picking bf16 brings the command line's answer for
    the file it would download, its engine line kept."""
    text = (EXAMPLES / "catalog-ids.toml").read_text()
    text = text.replace('precision = "fp8"\n', 'precision = "fp8"\nengine = "lean"\n', 1)
    path = tmp_path / "lean.toml"
    path.write_text(text)
    refused = CliRunner().invoke(cli_app, ["analyze", str(path)])
    assert refused.exit_code == 2
    line = refused.stderr.strip().removeprefix("error: ").removeprefix(f"{path}: ")
    assert "alternatives.0.precision = 'fp8': engine 'lean' serves bf16" in line
    at = _open(path)
    assert not at.exception
    assert _metrics(at) == {}
    assert any(line in _read(e.value) for e in at.error), [e.value for e in at.error]
    at = at.selectbox(key="in:alternatives.0.precision").set_value("bf16").run()
    assert [e.value for e in at.error] == []
    saved = tmp_path / "saved.toml"
    saved.write_text(at.session_state["held"].file_text())
    assert 'engine = "lean"\n' in saved.read_text()
    assert 'precision = "bf16"' in saved.read_text()
    result = CliRunner().invoke(cli_app, ["analyze", str(saved), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    alt = max(data["alternatives"], key=lambda a: a["npv_usd"])  # shown: the verdict's best
    assert _metrics(at)[f"NPV over {data['horizon_months']} months"] == usd(alt["npv_usd"])


def test_quality_inputs_price_errors_and_switch_off() -> None:
    """quality_dict's case (tests/helpers.py): $10 vs $12 per 1k, 4% vs 2% errors at $2.50,
    $10,000 up front: saving $4,800/month, month 2.1. An alternative error rate of 3% makes
    its errors $7,500 and the saving 11,000 − 8,700 = $2,300: month 10,000 / 2,300 = 4.3.
    Without errors priced it costs $200 more a month: not within the 12 months."""
    at = _app(quality_dict())
    assert not at.exception
    assert at.checkbox(key="in:quality.on").value is True
    assert _metrics(at)["Break-even"] == "month 2.08"
    assert any(c.value.startswith("Infrastructure only") for c in at.caption)
    at = _set(at, "alternatives.0.quality.error_rate", 3.0)  # percent
    assert _metrics(at)["Break-even"] == month_text(10_000 / 2_300, 2)
    at = at.checkbox(key="in:quality.on").uncheck().run()
    assert _metrics(at)["Break-even"] == "not within 12 months"
    assert not any(c.value.startswith("Infrastructure only") for c in at.caption)
    at = at.checkbox(key="in:latency.on").check().run()
    at = _set(at, "baseline.latency.p50_ms", 3000.0)
    at = _set(at, "alternatives.0.latency.p50_ms", 800.0)
    at = _set(at, "baseline.latency.usd_per_second_per_1k_requests", 2.0)
    # waiting: 100 × 3 × 2 = $600 against 100 × 0.8 × 2 = $160, a $440 credit; net $240 a
    # month, 10,000 / 240 = 41.7 months: past the 12-month horizon
    assert _metrics(at)["Break-even"] == "not within 12 months"
    assert _metrics(at)["NPV over 12 months"] == usd(12 * 240 - 10_000)


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
    assert _metrics(at)["Break-even"] == month_text(10_000 / 4_860, 2)
    at = _set(at, "alternatives.0.latency.usd_per_second_per_1k_requests", 0.0)
    assert _metrics(at)["NPV over 12 months"] == usd(12 * 5_100 - 10_000)
    # equal values (or none for the alternative): one input, used for every option
    raw["alternatives"][0]["latency"]["usd_per_second_per_1k_requests"] = 1.0
    at = _app(raw)
    keys = {n.key for n in at.number_input}
    assert "in:alternatives.0.latency.usd_per_second_per_1k_requests" not in keys
    at = _set(at, "baseline.latency.usd_per_second_per_1k_requests", 2.0)
    # $600 against 1,200 + 5,000 + 160: saving 11,600 − 6,360 = 5,240
    assert _metrics(at)["NPV over 12 months"] == usd(12 * 5_240 - 10_000)


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
    assert shown["NPV over 12 months"] == usd(alt.npv_usd)
    assert alt.break_even_month is not None
    assert shown["Break-even"] == month_text(alt.break_even_month, 2)


def test_what_would_it_take_box_gives_the_solve_answer() -> None:
    """By the closed form in tests/studies/test_solve.py, the alternative error rate at which
    quality_dict pays back in exactly 3 months is (9,800 − 10,000/3) / 250,000 = 2.5867%."""
    at = _app(quality_dict())
    vary = at.selectbox(key="take:vary")
    assert vary.value == "traffic.requests_per_month"
    # the choices read as plain words with units, the path shown small under the choice
    assert vary.options[0] == "Requests per month, in month 1 [requests]"
    assert all("_" not in option for option in vary.options), vary.options
    assert any(c.value == "In the file: `traffic.requests_per_month`" for c in at.caption)
    assert at.selectbox(key="take:metric").options == [
        "Break-even month",
        "NPV over 12 months [$]",
        "Requests until break-even",
    ]
    # nothing is solved until asked: the page stays quick on every other change
    assert not any(m.value.startswith("Today") for m in at.markdown)
    at = at.toggle(key="take:on").set_value(True).run()
    scenario = parse_scenario(quality_dict())
    expected = solution_words(
        payback.solve(scenario, "traffic.requests_per_month", parse_target("break_even_month=3"))
    )
    shown = [m.value for m in at.markdown]
    assert all(line in shown for line in expected), (expected, shown)
    at = at.selectbox(key="take:vary").set_value("alternatives.0.quality.error_rate").run()
    shown = [m.value for m in at.markdown]
    assert any("“alternative's error rate” must be at most 2.5866%" in line for line in shown), (
        shown
    )
    at = at.selectbox(key="take:metric").set_value("npv_usd").run()
    at = at.text_input(key="take:npv_usd").set_value("1,000,000,000,000").run()
    shown = [m.value for m in at.markdown]
    assert any(line.startswith("No value of “alternative's error rate”") for line in shown)


def test_what_would_it_take_follows_the_alternative_shown() -> None:
    """Solving for the first alternative's training runs, then showing the third: the box
    kept the first's input, not one of the third's choices, and said "Today training runs =
    5 gives month 2.78" (the first's runs, the third's month). The input is now the same one
    of the alternative shown, and the answer is `payback solve` for it."""
    path = EXAMPLES / "growth.toml"
    at = _open(path)
    at = at.selectbox(key="take:vary").set_value("alternatives.0.one_time.training_runs").run()
    at = at.toggle(key="take:on").set_value(True).run()
    analysis = payback.analyze(payback.load_scenario(path))
    for index in (2, 1):
        at = at.selectbox(key="in:show").set_value(index).run()
        assert not at.exception
        vary = at.selectbox(key="take:vary")
        wanted = f"alternatives.{index}.one_time.training_runs"
        choices = [
            p
            for p in solvable_inputs(analysis)
            if not p.startswith("alternatives.") or p.startswith(f"alternatives.{index}.")
        ]
        assert vary.value == (wanted if wanted in choices else choices[0])
        expected = solution_words(
            payback.solve(analysis.resolved, vary.value, parse_target("break_even_month=3"), index)
        )
        shown = [m.value for m in at.markdown]
        assert all(line in shown for line in expected), (expected, shown)


def test_what_would_it_take_names_its_target_in_words() -> None:
    """The answer read "... gives month 3.00, the target (break_even_month=3)" and "...
    meets npv_usd=0 for ...": the file's field names, where the box above says "Break-even
    month" and "NPV". Now "to break even by month 3", "to reach an NPV of $0 or more over
    12 months", "to break even within N requests"."""
    at = _app(quality_dict())
    at = at.toggle(key="take:on").set_value(True).run()
    for metric, words in (
        ("break_even_month", "to break even by month 3, "),
        ("npv_usd", "to reach an NPV of $0 or more over 12 months, "),
        ("break_even_requests", "to break even within "),
    ):
        at = at.selectbox(key="take:metric").set_value(metric).run()
        assert not at.exception
        shown = " ".join(m.value for m in at.markdown)
        assert f"{metric}=" not in shown
        assert words in shown, (metric, shown)


def test_what_would_it_take_box_errors_and_default_goals() -> None:
    """A bad goal reads as the target with its problem, no flag and no stray quote; the
    break-even-requests goal starts at today's, rounded up (quality_dict: 10,000 / 4,800
    months of 100,000 requests = 208,333.3, the same at any traffic since the saving per
    request is flat), not at 0 (never met). It is met wherever it pays back within the
    12-month horizon: 10,000 / (0.048 · R) ≤ 12 ⇒ R ≥ 17,361.1, at least 17,362 requests (17,361.1
    written back never pays back within the horizon)."""
    from payback.web.state import what_it_takes

    analysis = payback.analyze(parse_scenario(quality_dict()))
    lines = what_it_takes(analysis, 0, "traffic.requests_per_month", "break_even_month", -1.0)
    assert lines == ["break_even_month=-1: break_even_month must be ≥ 0"]
    at = _app(quality_dict())
    at = at.toggle(key="take:on").set_value(True).run()
    for text, problem in (
        ("-1", "Break-even month: -1 is out of range; allowed: 0 to 12, the horizon"),
        (
            "3 months",
            "Break-even month: “3 months” is not a plain number; allowed: 0 to 12, the hor",
        ),
    ):
        at = at.text_input(key="take:break_even_month").set_value(text).run()
        (error,) = [_read(e.value) for e in at.error]
        assert error.startswith(problem), error
        assert not any(m.value.startswith("Today") for m in at.markdown)
    at = at.selectbox(key="take:metric").set_value("break_even_requests").run()
    assert at.text_input(key="take:break_even_requests").value == "208,334"
    shown = [m.value for m in at.markdown]
    assert not any(line.startswith("No value") for line in shown)
    assert any(
        "“requests per month, in month 1” must be at least 17,362 requests a month." in line
        for line in shown
    ), shown
    assert any("already meets the target" in line for line in shown)


def test_a_break_even_goal_past_the_horizon_is_said_at_its_box() -> None:
    """Tried as a new user would: 100 typed as the break-even month to reach, on a 12-month
    horizon, read "break_even_month=100: the scenario's horizon is 12 months and no
    break-even after it is computed; set scenario.horizon_months ≥ 100" (the file's names
    under a box that says "Break-even month"; 10^24 typed gave "≥ 999999999999999983222784").
    The box now says in one line what it allows, as for -1; 12 itself is solved."""
    at = _app(quality_dict())
    at = at.toggle(key="take:on").set_value(True).run()
    at = at.text_input(key="take:break_even_month").set_value("100").run()
    assert not at.exception
    (error,) = [_read(e.value) for e in at.error]
    assert error == "Break-even month: 100 is out of range; allowed: 0 to 12, the horizon"
    assert not any("break_even_month=" in m.value for m in at.markdown)
    at = at.text_input(key="take:break_even_month").set_value("12").run()
    assert [e.value for e in at.error] == []
    assert any("to break even by month 12, " in m.value for m in at.markdown)


def test_the_edited_scenario_keeps_the_files_comments_and_round_trips() -> None:
    path = EXAMPLES / "quarter-uncertain.toml"
    held = Held.from_text(path.name, path.read_text())
    held.set("traffic.requests_per_month", 321_000)
    held.set("alternatives.0.ops_usd_per_month", 450)
    held.set("alternatives.0.quality", None)  # not in the file: no change
    outcome = evaluate_inputs(held.raw, held.edits)
    assert outcome.scenario is not None
    assert outcome.analysis is not None
    text = held.file_text()
    # the file as it was, its comments and layout, but for the two lines changed
    before, after = path.read_text().splitlines(), text.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            'requests_per_month = { dist = "triangular", low = 150000, mode = 200000, high = 320000 }',
            "requests_per_month = 321000",
        ),
        (
            'ops_usd_per_month = { dist = "triangular", low = 150, mode = 300, high = 800 }',
            "ops_usd_per_month = 450",
        ),
    ]
    again = parse_scenario(scenario_data_from_text(text, "toml"), "download")
    assert again == outcome.scenario
    assert payback.analyze(again).to_dict() == outcome.analysis.to_dict()
    # the ranges the page did not touch are still ranges in the download
    loaded = payback.load_scenario(path).distributions
    assert set(loaded) - set(again.distributions) == set(held.edits)
    assert all(again.distributions[p] == loaded[p] for p in again.distributions)
    # a value typed back to the file's is no change at all
    held.set("traffic.requests_per_month", 200_000)
    held.set("alternatives.0.ops_usd_per_month", 300)
    assert held.edits == {}
    assert held.file_text() == path.read_text()


@pytest.mark.parametrize("name", ["quarter-uncertain", "growth", "quality"])
def test_the_download_holds_the_scenario_the_page_analyzes(name: str) -> None:
    """Whatever the page records (numbers, ranges' central values typed back, fields and
    tables removed), the file it would download reads as the table it analyzes."""
    path = EXAMPLES / f"{name}.toml"
    paths = [
        "traffic.requests_per_month",
        "traffic.growth_monthly",
        "alternatives.0.one_time.data_usd",
        "alternatives.0.ops_usd_per_month",
        "alternatives.0.quality",
        "alternatives.0.quality.error_rate",
        "alternatives.0.quality.usd_per_error",
        "baseline.latency",
        "baseline.latency.p50_ms",
        "baseline.cached_input_usd_per_mtok",
    ]
    value = hypothesis_st.one_of(
        hypothesis_st.none(),
        hypothesis_st.integers(0, 10**6),
        hypothesis_st.sampled_from([0.02, 200_000, 300.0, 4000.0]),  # central values
    )

    tables = {"alternatives.0.quality", "baseline.latency"}  # the page only removes these

    @hypothesis.settings(max_examples=40, deadline=None, derandomize=True)
    @hypothesis.given(
        hypothesis_st.lists(hypothesis_st.tuples(hypothesis_st.sampled_from(paths), value))
    )
    def check(changes: list[tuple[str, Any]]) -> None:
        held = Held.from_text(path.name, path.read_text())
        for where, v in changes:
            held.set(where, None if where in tables else v)
        read = scenario_data_from_text(held.file_text(), "toml")
        assert read == held.data()

    check()


def test_a_yaml_file_downloads_as_yaml_with_its_comments() -> None:
    text = "# my notes\n" + dump_scenario(payback.load_scenario(EXAMPLES / "seed.toml"), "yaml")
    held = Held.from_text("mine.yaml", text)
    held.set("traffic.requests_per_month", 12_345)
    assert held.download_name() == "mine.yaml"
    out = held.file_text()
    assert out.startswith("# my notes\n")
    assert parse_scenario(scenario_data_from_text(out, "yaml")) == (parse_scenario(held.data()))


def test_each_chart_is_drawn_on_request_with_its_title_and_note() -> None:
    path = EXAMPLES / "growth.toml"
    at = _app(read_scenario_data(path), path.name)
    analysis = payback.analyze(payback.load_scenario(path))
    best = best_index(analysis)  # shown first: the verdict's
    titles = {
        "Cumulative cost": charts.cumulative_costs(analysis).title,
        "Monthly by component": charts.monthly_components(analysis, best).title,
        "One-time cost": charts.one_time_items(analysis).title,
        "Cost per 1k requests": charts.cost_per_1k_vs_traffic(analysis).title,
        "Drivers": charts.drivers(analysis, best).title,  # type: ignore[union-attr]
    }
    assert at.radio(key="view").options == list(titles)
    for view, title in titles.items():
        at = at.radio(key="view").set_value(view).run()
        assert not at.exception
        assert len(at.get("plotly_chart")) == 1  # one figure at a time
        assert any(m.value == f"**{title}**" for m in at.markdown)


def test_the_downloads_are_one_click_each_and_only_for_allowed_inputs() -> None:
    at = _open(EXAMPLES / "seed.toml")
    keys = lambda: [b.key for b in at.get("download_button")]  # noqa: E731
    assert keys() == ["dl:scenario", "dl:report"]  # the report is made when clicked
    at = _set(at, "traffic.requests_per_month", "30,000")
    assert keys() == ["dl:scenario", "dl:report"]
    at = _set(at, "traffic.requests_per_month", "30,000x")
    assert keys() == []  # nothing that could disagree with a page showing no answer
    assert any("Downloads come back" in c.value for c in at.sidebar.caption)


def _cli_chances(path: Path, samples: int, index: int = 0) -> dict[str, str]:
    """The Monte Carlo's figures as `payback analyze --samples N` prints them in the
    terminal ("Chance it pays back  within 3 months 0.6%; 6: 40%", "Break-even month  p10
    3.7 · p50 20.2 · ..."), for alternative ``index``, under the page's labels (a median
    "not within 24 months" is the page's "never", with the horizon in its help)."""
    code, out, err = run("analyze", path, "--samples", str(samples))
    assert code == 0, err
    text = " ".join(out.split())
    found = re.findall(
        r"Chance it pays back within 3 months (\S+?);(?: \d+: \S+;)* (\d+): (\S+) "
        r"(?:Breaks even by month .+? of samples.*? )?Break-even month p10 .+? · p50 (.+?) · p90",
        text,
    )
    quarter, horizon, within, median = found[index]
    return {
        "Chance within a quarter": quarter,
        f"Chance within {horizon} months": within,
        "Median break-even month": "never" if median.startswith("not within") else median,
    }


def test_chances_under_one_percent_read_as_the_terminal_gives_them(tmp_path: Path) -> None:
    """$15 against $2 per 1k at 20,000 requests a month saves $260 a month; a quarter pays
    back $780. With the data cost drawn uniformly from $770 to $2,770, 10 in 2,000 of the
    draws pay back within a quarter (0.5%) and those up to $1,560 within the 6 months
    (39.5%). The page said "1%" (or "0%") where the terminal says "0.5%"; it now says what
    the terminal says, to its digit."""
    import tomlkit

    raw = per_request_dict(15.0, 2.0, 20_000.0, horizon=6)
    raw["alternatives"][0]["one_time"] = {"data_usd": {"dist": "uniform", "low": 770, "high": 2770}}
    path = tmp_path / "ranged-seed.toml"
    path.write_text(tomlkit.dumps(raw))
    at = _open(path)
    said = lambda: [c.value for c in _box_of_key(at, "monte-carlo").caption]  # noqa: E731
    # one range, said as one ("the 1 numbers the file gives as ranges" before)
    assert said()[0].startswith("The file gives one number as a range (data: collect, label,")
    at = at.select_slider(key="mc:samples").set_value(5_000).run()
    at = at.button(key="mc:run").click().run()
    assert not at.exception
    assert said()[0].startswith("5,000 samples of the one number the file gives as a range,")
    terminal = _cli_chances(path, 5_000)
    assert _chances(at) == terminal
    quarter = float(terminal["Chance within a quarter"].rstrip("%"))
    assert 0 < quarter < 1  # a share under one percent, with its decimal
    assert float(terminal["Chance within 6 months"].rstrip("%")) == pytest.approx(39.5, abs=3)


def test_monte_carlo_sits_by_the_answer_and_is_kept_out_of_date_after_a_change(
    tmp_path: Path,
) -> None:
    path = EXAMPLES / "quarter-uncertain.toml"
    at = _open(path)
    assert "mc" not in at.session_state
    assert _chances(at) == {}
    at = at.select_slider(key="mc:samples").set_value(1_000).run()
    assert "mc" not in at.session_state
    at = at.button(key="mc:run").click().run()
    assert not at.exception
    assert _chances(at) == _cli_chances(path, 1_000)
    assert not at.warning
    # in the answer's column, right under the headline's figures
    assert _box_of_key(at, "monte-carlo") is not None
    at = _set(at, "traffic.requests_per_month", "250,000")
    assert _chances(at) == _cli_chances(path, 1_000)  # kept, as they were
    (stale,) = [w.value for w in at.warning]
    assert stale.startswith("Out of date: an input changed")
    assert at.button(key="mc:run").label == "Run again"
    at = at.button(key="mc:run").click().run()
    changed = tmp_path / "changed.toml"
    changed.write_text(at.session_state["held"].file_text())
    assert _chances(at) == _cli_chances(changed, 1_000)
    assert not at.warning
    # the sampled charts come with it
    at = at.radio(key="view").set_value("Sampled break-even").run()
    assert any("across 1,000 samples" in m.value for m in at.markdown)


def _box_of_key(at: AppTest, key: str) -> Any:
    found: list[Any] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            if str(getattr(getattr(child, "proto", None), "id", "")).endswith(f"-{key}"):
                found.append(child)
            walk(child)

    walk(at.main)
    return found[0] if found else None


def test_a_scenario_without_ranges_explains_ranges_in_plain_words() -> None:
    at = _open(EXAMPLES / "quarter-200k.toml")
    box = _box_of_key(at, "monte-carlo")
    assert any("one value, so there is one answer" in c.value for c in box.caption)
    (words,) = [m.value for m in box.markdown if "range" in m.value]
    assert '"at least 150,000, most likely 200,000, at most 320,000 requests a month"' in words
    assert "low = 150000, mode = 200000, high = 320000" in words
    assert all(b.key != "mc:run" for b in at.button)


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


def test_in_headless_chromium_an_edit_updates_the_verdict(browser: Any, tmp_path: Path) -> None:
    """`payback serve` in a subprocess, a real browser: the verdict updates after an edit,
    an uploaded scenario replaces the shown one without touching the disk, the downloaded
    scenario loads, and a screenshot is saved (PAYBACK_SCREENSHOTS names a folder to keep it).
    Skipped without Debian's chromium package, unless PAYBACK_REQUIRE_BROWSER=1 (CI)."""
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
    with (
        _served(EXAMPLES / "quarter-200k.toml", tmp_path) as url,
        _visit(browser, url, tmp_path) as visitor,
    ):
        assert visitor.metrics()["Break-even"] == "month 13.37"
        visitor.type("Requests per month, in month 1 [requests]", "400000")
        assert visitor.metrics()["Break-even"] == "month 4.22"
        assert visitor.metrics()["Requests until then"] == "1,688,107"
        visitor.page.screenshot(path=str(shots / "serve-edited.png"), full_page=True)
        visitor.upload(upload)
        assert visitor.metrics()["Break-even"] == "month 10.00"
        saved = visitor.download()
    downloaded = payback.load_scenario(saved)
    assert downloaded.scenario.name == marker
    assert payback.analyze(downloaded).alternatives[0].break_even_month == pytest.approx(10.0)
    shot = (shots / "serve-edited.png").read_bytes()
    assert shot.startswith(b"\x89PNG")
    assert len(shot) > 20_000
    # the server wrote the upload nowhere: not in its working folder, home or temp folder
    for path in tmp_path.rglob("*"):
        if path.is_file() and "upload" not in path.parts[-2] and path.suffix != ".png":
            assert path == saved or marker.encode() not in path.read_bytes(), path


def test_a_file_with_a_calibration_is_read_from_its_own_folder() -> None:
    """The page opened on examples/calibrated-h200.toml reads the calibration it names
    relative to that file, and shows the CLI's answer."""
    path = EXAMPLES / "calibrated-h200.toml"
    expected = payback.analyze(payback.load_scenario(path)).alternatives[0]
    at = _open(path)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert expected.break_even_month is not None
    assert _metrics(at)["Break-even"] == month_text(expected.break_even_month, 2)
    # without its folder (an upload) the relative path cannot be read: said at the input,
    # not a crash, with where it was looked for and how to have it read beside the file
    outcome = evaluate_inputs(read_scenario_data(path), {})
    assert outcome.analysis is None
    (line,) = [line for lines in outcome.problems.values() for line in lines]
    assert line.startswith(
        "alternatives.0.calibration = 'calibrations/h200-llama-3.1-8b-lora.toml': "
    )
    assert line.endswith(
        "no such file here: a file opened on the page comes without its folder, so a path in "
        "it is read from the folder `payback serve` runs in; `payback serve FILE` reads it "
        "beside the file"
    )


def test_what_would_it_take_speaks_the_pages_words_and_solves_the_break_even() -> None:
    """The page's break_even_month=3 is solve's (the first month the savings reach zero),
    not the explanation's pay-back within a quarter, which is not behind again at month 3
    (Analysis.quarter_threshold): the page had answered with the latter."""
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
    solved = payback.solve(
        analysis.resolved, "traffic.requests_per_month", Target("break_even_month", 3.0)
    )
    assert quarter == solution_words(solved)
    # here no later month puts the savings back below zero: the two agree, 585,538
    within = analysis.quarter_threshold(0)
    assert within is not None
    assert solved.value is not None
    assert within.value is not None
    assert math.ceil(solved.value) == math.ceil(within.value) == 585_538


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
RUNS = """() => {
    const state = () => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state');
    if (window.__runs === undefined) {
        window.__runs = 0;
        new MutationObserver(() => { if (state() === 'notRunning') window.__runs++; })
            .observe(document.documentElement,
                     {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
    }
    return [window.__runs, state() ?? 'absent'];
}"""
"""The page's script runs counted as they end (Streamlit marks the app while one runs). The
whole document is watched, so an app element drawn anew (after the page reconnects to its
server) is still counted."""
SHOWN = "() => document.querySelector('[data-testid=stMain]')?.innerText ?? ''"
"""What the page shows, as text: a step that ran changes it."""


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
    # this checkout's sources: a relative PYTHONPATH=src read from ``folder`` found none, and
    # the server ran the package installed (another checkout's) instead
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = os.environ | {
        "HOME": str(folder / "home"),
        "TMPDIR": str(folder / "tmp"),
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }
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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module's browser tests; each test opens its own session."""
    _need_chromium()
    folder = tmp_path_factory.mktemp("served")
    with _served(EXAMPLES / "quarter-200k.toml", folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    found: Browser = find_browser()
    with found.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=found.executable, args=BROWSER_ARGS)
        yield launched
        launched.close()


class Visitor:
    """One browser tab on the page: what a visitor does, and a check after each step
    that what the page shows is what `payback analyze --json` says for the scenario the
    page would download."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.downloads = 0
        self.sampled: dict[str, str] | None = None
        """The Monte Carlo's figures when they were last current (kept when out of date)."""
        self.steps: list[str] = []
        self._names: list[str] = []
        """The alternatives of the scenario last checked, as the command line names them."""
        self.sampled_for = 0

    # ------------------------------------------------ waiting for the page

    def runs(self) -> int:
        return int(self.page.evaluate(RUNS)[0])

    def after(self, action: Any) -> None:
        """Do ``action`` and wait until the script run it starts has ended, and no other
        follows within a moment.

        On a loaded machine two things were seen to go wrong once in a few hundred steps:
        a run that starts and ends between two renders leaves the app's run state as it was
        (nothing to count), and an input drawn anew between typing and Enter drops the
        value typed. So where no run is seen after a while and the page is idle, a changed
        page means the run came and went; an unchanged one gets the action again (twice at
        most), and a page that never changes fails the step, naming it."""
        before, shown = self.runs(), self.page.evaluate(SHOWN)
        action()
        ended = f"n => ({RUNS})()[0] > n && ({RUNS})()[1] === 'notRunning'"
        for tries_left in (2, 1, 0):
            try:
                self.page.wait_for_function(ended, arg=before, timeout=RETRY_MS)
                break
            except Exception as error:
                runs, state = self.page.evaluate(RUNS)
                if state != "notRunning":  # still running: give it the whole time
                    self.page.wait_for_function(ended, arg=before)
                    break
                if self.page.evaluate(SHOWN) != shown:
                    break  # it ran between two renders: the page changed
                if tries_left:
                    action()
                    continue
                raise AssertionError(  # say which step did nothing, and where the page was
                    f"{' → '.join(self.steps)}: runs {before} → {runs}, script {state}, "
                    "the page unchanged"
                ) from error
        self.settle()

    def settle(self) -> None:
        quiet_since = time.monotonic()
        seen = self.runs()
        deadline = quiet_since + WAIT_MS / 1000
        while time.monotonic() - quiet_since < 0.4:
            assert time.monotonic() < deadline, "the page kept running"
            now, state = self.page.evaluate(RUNS)
            if now != seen or state != "notRunning":
                seen, quiet_since = now, time.monotonic()
            time.sleep(0.05)

    # ------------------------------------------------ what a visitor does

    def upload(self, path: Path, accepted: bool = True) -> None:
        """Drop a file on the uploader (one the page refuses keeps what it had)."""
        self.steps.append(f"upload {path.name}")
        # a copy in a folder of its own: the browser picks the same file again only so
        self.downloads += 1
        copy = self.folder / f"upload-{self.downloads}" / path.name
        copy.parent.mkdir()
        shutil.copy(path, copy)
        dropzone = self.page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        self.after(lambda: dropzone.set_input_files(str(copy)))
        if accepted:
            self.sampled = None

    def box(self, label: str) -> Any:
        return self.page.get_by_label(label, exact=True)

    def type(self, label: str, text: str) -> None:
        self.steps.append(f"type {text!r} into {label}")
        box = self.box(label)
        if box.input_value() == text:
            return  # the same text again: nothing changes, the page does not run

        def enter() -> None:
            box.fill(text)
            box.press("Enter")

        self.after(enter)

    def chart(self, name: str) -> None:
        self.steps.append(f"chart {name}")
        radio = self.page.locator('[data-testid="stRadio"]', has_text="Cumulative cost")
        option = radio.get_by_role("radio", name=name, exact=True)
        if not option.count() or option.is_checked():
            return  # not offered (a sampled chart before sampling), or shown already
        self.after(lambda: radio.get_by_text(name, exact=True).click())

    def show(self, name: str) -> None:
        """Choose the alternative shown, at the top of the answer."""
        self.steps.append(f"show {name}")
        choice = self.page.get_by_role("combobox", name="Showing")
        if choice.input_value() == f"alternative: {name}":
            return
        option = self.page.get_by_role("option", name=f"alternative: {name}", exact=True)

        def pick() -> None:  # the list opened each time: a second try finds it closed
            choice.click()
            option.click()

        self.after(pick)

    def sample(self) -> None:
        """Work out the chances (the Monte Carlo), at the default samples."""
        self.steps.append("sample")
        button = self.page.locator(".st-key-mc-run button")
        self.after(button.click)

    # ------------------------------------------------ what the page shows

    def metrics(self, where: str = ".st-key-headline") -> dict[str, str]:
        """The figures by label, once two reads 0.1 s apart agree: the browser draws them a
        moment after the run ends (a fresh clone's run read the first before the rest were
        drawn: KeyError 'Break-even')."""
        deadline = time.monotonic() + WAIT_MS / 1000
        last: dict[str, str] | None = None
        while True:
            out = {}
            for box in self.page.locator(f'{where} [data-testid="stMetric"]').all():
                label = box.locator('[data-testid="stMetricLabel"]').inner_text().strip()
                out[label] = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
            if out == last or time.monotonic() > deadline:
                return out
            last = out
            time.sleep(0.1)

    def headline(self) -> str:
        return str(self.page.locator(".st-key-verdict").inner_text()).strip()

    def shown(self) -> int:
        """The alternative the answer is about (0 without a choice)."""
        choice = self.page.get_by_role("combobox", name="Showing")
        if not choice.count():
            return 0
        return self._names.index(choice.input_value().removeprefix("alternative: "))

    def download(self, button: str = "Edited scenario") -> Path:
        self.downloads += 1
        with self.page.expect_download(timeout=WAIT_MS) as info:
            self.page.get_by_role("button", name=re.compile(button)).click()
        saved = self.folder / f"download-{self.downloads}-{info.value.suggested_filename}"
        info.value.save_as(saved)
        return saved

    def check(self) -> dict[str, Any]:
        """What the page shows equals `payback analyze --json` (and `--samples N` for the
        Monte Carlo) for the scenario it would download; with no answer, no figure at all."""
        steps = " → ".join(self.steps)
        if self.page.locator(
            ".st-key-headline [data-testid='stAlert']", has_text="No answer"
        ).count():
            assert self.metrics() == {}, steps
            assert not self.page.get_by_role("button", name=re.compile("Edited scenario")).count()
            return {}
        held = self.download()
        result = CliRunner().invoke(cli_app, ["analyze", str(held), "--json"])
        assert result.exit_code == 0, result.stderr
        expected = json.loads(result.stdout)
        expected.pop("scenario_file")  # each download's own name: the answers compare without it
        self._names = [a["name"] for a in expected["alternatives"]]
        index = self.shown()
        alt = expected["alternatives"][index]
        month, requests = alt["break_even_month"], alt["break_even_requests"]
        wanted = {
            "Break-even": f"not within {expected['horizon_months']} months"
            if month is None
            else month_text(month, 2),
            "Requests until then": "—" if requests is None else f"{requests:,.0f}",
            "Within a quarter?": quarter_text(alt["pays_back_within"]),
            f"NPV over {expected['horizon_months']} months": usd(alt["npv_usd"]),
        }
        figures = self.metrics()
        answer = {k: v for k, v in figures.items() if not k.startswith(("Chance", "Median"))}
        if answer != wanted:  # read again once the browser has drawn all it was sent
            self.page.wait_for_timeout(1000)
            self.settle()
            figures = self.metrics()
            answer = {k: v for k, v in figures.items() if not k.startswith(("Chance", "Median"))}
        assert answer == wanted, f"{steps}: shown {answer}, the command line {wanted}"
        analysis = payback.analyze(payback.load_scenario(held))
        assert self.headline() == verdict_headline(
            analysis, index if len(analysis.alternatives) > 1 else None
        ), steps
        best = max(expected["alternatives"], key=lambda a: a["npv_usd"])
        assert usd(best["npv_usd"]) in self.headline()
        chances = {k: v for k, v in figures.items() if k.startswith(("Chance", "Median"))}
        stale = self.page.locator(
            ".st-key-monte-carlo [data-testid='stAlert']", has_text="Out of date"
        )
        if chances and not stale.count():
            samples = 20_000
            assert f"{samples:,} samples" in self.page.locator(".st-key-monte-carlo").inner_text()
            assert chances == _cli_chances(held, samples, index), steps
            self.sampled = chances
            self.sampled_for = index
        elif chances:
            assert self.sampled is not None, steps
            if self.sampled_for == index:
                assert chances == self.sampled, steps  # kept as they were, marked
        return expected


@contextlib.contextmanager
def _visit(
    browser: Any, url: str, folder: Path, width: int = 1400, scheme: str = "light"
) -> Iterator[Visitor]:
    """A tab on the page, ``width`` px wide, in a browser whose system prefers the
    ``scheme`` ("light" or "dark") colour scheme."""
    context = browser.new_context(
        viewport={"width": width, "height": 1000}, accept_downloads=True, color_scheme=scheme
    )
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(url, wait_until="domcontentloaded")
        page.locator(".st-key-verdict").wait_for()
        # the figures come a moment after the headline: their code is fetched on first use
        page.locator(".st-key-headline [data-testid='stMetric']").first.wait_for()
        visitor = Visitor(page, folder)
        page.evaluate(RUNS)
        visitor.settle()
        yield visitor
    finally:
        context.close()


def test_the_issues_sequence_shows_only_what_the_cli_says(
    served: str, browser: Any, tmp_path: Path
) -> None:
    """The steps that once showed wrong numbers without a word: upload growth.toml over
    quarter-200k.toml, click a chart tab (the boxes held the first file's numbers:
    "month 8.3, NPV $23,429"); upload quarter-uncertain.toml and sample (2% / 98% / 100%
    where the file gives 0% / 56%). After every step the page shows what the command
    line says for the scenario it would download, or no answer at all."""
    with _visit(browser, served, tmp_path) as visitor:
        visitor.check()
        visitor.upload(EXAMPLES / "growth.toml")
        first = visitor.check()
        assert "Best of 3 by NPV: 'smaller hosted model, prompt-tuned' pays back in month 2.8" in (
            visitor.headline()
        )
        visitor.chart("One-time cost")
        assert visitor.check() == first
        visitor.show("smaller hosted model, prompt-tuned")
        visitor.check()
        visitor.type("Requests per month, in month 1 [requests]", "1500000")
        assert visitor.box("Requests per month, in month 1 [requests]").input_value() == "1,500,000"
        visitor.check()
        visitor.upload(EXAMPLES / "quarter-uncertain.toml")
        visitor.check()
        visitor.sample()
        visitor.check()
        assert visitor.metrics()["Chance within a quarter"] == "0%"
        assert visitor.metrics()["Chance within 24 months"] == "56%"
        visitor.chart("Sampled break-even")
        visitor.type("Ops, monitoring, on-call [$ a month]", "450")
        visitor.check()  # kept, marked out of date
        text = visitor.download().read_text()  # the file's own text, its comments kept
        assert text.startswith("# The 200k-requests-a-month quarter question with the guesses")
        assert "ops_usd_per_month = 450\n" in text
        assert visitor.page.locator(".st-key-monte-carlo").get_by_text("Out of date").count()
        visitor.sample()
        visitor.check()
        visitor.type("Engineering time [hours]", "12abc")
        visitor.check()  # no answer while a box holds no number
        assert visitor.page.get_by_text(
            "Engineering time [hours]: “12abc” is not a plain number"
        ).count()
        visitor.type("Engineering time [hours]", "80")
        visitor.check()
        visitor.chart("Drivers")
        visitor.check()
        # a file that is no scenario: said where it was dropped, the page keeps its own
        broken = tmp_path / "broken.toml"
        broken.write_text("[traffic\nrequests = 1\n")
        before = visitor.check()
        visitor.upload(broken, accepted=False)
        sidebar = visitor.page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("broken.toml: ", exact=False).count()
        # and beside the answer, where a phone (its sidebar closed) shows it
        main = visitor.page.locator("[data-testid=stMain] [data-testid=stAlert]")
        assert main.get_by_text("broken.toml was not opened (the sidebar says why)").count()
        assert visitor.check() == before
        visitor.upload(EXAMPLES / "seed.toml")  # after a sampled chart: the page's first
        visitor.check()


def _step(visitor: Visitor, step: tuple[str, Any]) -> None:
    kind, arg = step
    if kind == "upload":
        visitor.upload(EXAMPLES / f"{arg}.toml")
    elif kind == "edit":
        label, factor = arg
        box = visitor.box(label)
        if not box.count():
            return
        old = read_number(box.input_value())
        if old is None:
            return
        new = float(old) * factor
        visitor.type(label, f"{new:,.0f}" if new >= 100 else f"{new:g}")
    elif kind == "bad":
        if visitor.box(arg).count():
            visitor.type(arg, "12abc")
    elif kind == "chart":
        visitor.chart(arg)
    elif kind == "show":
        names = visitor._names
        if len(names) > 1:
            visitor.show(names[arg % len(names)])
    elif kind == "sample" and visitor.page.locator(".st-key-mc-run button").count():
        visitor.sample()


STEPS = hypothesis_st.one_of(
    hypothesis_st.tuples(
        hypothesis_st.just("upload"),
        hypothesis_st.sampled_from(["growth", "quarter-uncertain", "seed", "quality"]),
    ),
    hypothesis_st.tuples(
        hypothesis_st.just("edit"),
        hypothesis_st.tuples(
            hypothesis_st.sampled_from(
                [
                    "Requests per month, in month 1 [requests]",
                    "Ops, monitoring, on-call [$ a month]",
                    "Data: collect, label, clean [$]",
                ]
            ),
            hypothesis_st.sampled_from([0.5, 2.0, 3.0]),
        ),
    ),
    hypothesis_st.tuples(
        hypothesis_st.just("bad"),
        hypothesis_st.sampled_from(
            ["Requests per month, in month 1 [requests]", "Engineering time [hours]"]
        ),
    ),
    hypothesis_st.tuples(
        hypothesis_st.just("chart"),
        hypothesis_st.sampled_from(
            ["Monthly by component", "One-time cost", "Drivers", "Sampled break-even"]
        ),
    ),
    hypothesis_st.tuples(hypothesis_st.just("show"), hypothesis_st.integers(0, 2)),
    hypothesis_st.tuples(hypothesis_st.just("sample"), hypothesis_st.none()),
)


@hypothesis.settings(
    max_examples=int(os.environ.get("PAYBACK_BROWSER_EXAMPLES", "3")),
    deadline=None,
    derandomize=True,
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],  # each try takes seconds
    suppress_health_check=list(hypothesis.HealthCheck),
)
@hypothesis.given(steps=hypothesis_st.lists(STEPS, min_size=4, max_size=7))
def test_sequences_of_steps_show_only_what_the_cli_says(
    served: str, browser: Any, tmp_path_factory: pytest.TempPathFactory, steps: list[Any]
) -> None:
    """Hypothesis picks the sequences (the same ones each run; PAYBACK_BROWSER_EXAMPLES
    asks for more): uploads, edits, a bad value, chart tabs, the alternative shown and
    sampling, in any order, each followed by the check against the command line."""
    folder = tmp_path_factory.mktemp("steps")
    with _visit(browser, served, folder) as visitor:
        visitor.check()
        for step in steps:
            _step(visitor, step)
            visitor.check()


def test_the_answer_stays_in_view_on_a_desktop_and_comes_first_on_a_phone(
    served: str, browser: Any, tmp_path: Path
) -> None:
    """Screenshots at 1400 px and 390 px wide (PAYBACK_SCREENSHOTS names a folder to keep
    them): on the desktop the answer stays on screen while the inputs scroll down to the
    one-time costs; on the phone it comes before the inputs, on the first screen."""
    shots = Path(os.environ.get("PAYBACK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with _visit(browser, served, tmp_path, width=1400) as visitor:
        page = visitor.page
        verdict = page.locator(".st-key-verdict")
        box = visitor.box("Engineering time [hours]")
        box.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        shown = verdict.bounding_box()
        where = box.bounding_box()
        assert where is not None
        assert where["y"] > 0
        assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop") > 800
        assert shown is not None
        assert shown["y"] >= 0
        assert shown["y"] + shown["height"] <= 1000
        page.screenshot(path=str(shots / "page-desktop-scrolled.png"))
        # the inputs' end: the row the column is sticky in ends there, and a column taller
        # than the room above the page's bottom padding was pushed up (88 px at 1400x1000)
        page.mouse.move(500, 600)
        for _ in range(8):
            page.mouse.wheel(0, 700)
            page.wait_for_timeout(250)
        top = page.evaluate(
            "() => document.querySelector('[data-testid=stColumn]:has(.st-key-answer)')"
            ".getBoundingClientRect().top"
        )
        assert top == pytest.approx(60, abs=1)  # 3.75rem: where it sticks
        shown = verdict.bounding_box()
        assert shown is not None
        assert shown["y"] >= 60
    with _visit(browser, served, tmp_path, width=390) as visitor:
        page = visitor.page
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        verdict = page.locator(".st-key-verdict").bounding_box()
        first_box = visitor.box("Requests per month, in month 1 [requests]").bounding_box()
        assert verdict is not None
        assert first_box is not None
        assert verdict["y"] + verdict["height"] < 844  # on the first screen
        assert verdict["y"] < first_box["y"]
        figures = page.locator(".st-key-headline [data-testid='stMetric']").first.bounding_box()
        assert figures is not None
        assert figures["y"] < 844
        page.screenshot(path=str(shots / "page-phone.png"))
    for name in ("page-desktop-scrolled.png", "page-phone.png"):
        assert (shots / name).read_bytes().startswith(b"\x89PNG")


def test_the_html_report_downloads_in_one_click(served: str, browser: Any, tmp_path: Path) -> None:
    with _visit(browser, served, tmp_path) as visitor:
        visitor.type("Requests per month, in month 1 [requests]", "400,000")
        report = visitor.download("HTML report").read_text()
        held = visitor.download()
    assert report.startswith("<!DOCTYPE html>")
    analysis = payback.analyze(payback.load_scenario(held))
    assert html.escape(headline(analysis)) in report
    assert "month 4.2" in report


def test_the_html_report_carries_the_chances_while_they_are_current(
    served: str, browser: Any, tmp_path: Path
) -> None:
    """quarter-uncertain.toml sampled on the page (56% within 24 months): the report left
    the sampling out, where `payback report FILE --samples 20000` draws the savings fan and
    the break-even histogram. It now has them while they are current, and not once an input
    has changed (the chances are then out of date)."""
    with _visit(browser, served, tmp_path) as visitor:
        visitor.upload(EXAMPLES / "quarter-uncertain.toml")
        visitor.sample()
        assert visitor.metrics()["Chance within 24 months"] == "56%"
        sampled = visitor.download("HTML report").read_text()
        visitor.type("Ops, monitoring, on-call [$ a month]", "450")
        changed = visitor.download("HTML report").read_text()
    expected = render_html(
        payback.analyze(payback.load_scenario(EXAMPLES / "quarter-uncertain.toml"), samples=20_000)
    )
    keys = re.compile(r'data-chart="([\w-]+)"')
    assert keys.findall(sampled) == keys.findall(expected)
    assert {"fan-0", "histogram-0"} <= set(keys.findall(sampled))
    assert not {"fan-0", "histogram-0"} & set(keys.findall(changed))
    assert "56%" in sampled


def test_a_portfolios_traffic_edit_and_report_in_the_browser_are_the_portfolios(
    served: str, browser: Any, tmp_path: Path
) -> None:
    """portfolio.toml uploaded, 800,000 requests typed into the first workload's box: the
    headline, the downloaded file and the downloaded report all give the five workloads
    moved together with the new traffic, as `payback analyze` does. The report was the
    first workload alone ("'a fine-tuned 8B and its own fleet per task' pays back in month
    5.03" under a portfolio headline) and the edit reached neither the headline nor the
    file's workloads."""
    with _visit(browser, served, tmp_path) as visitor:
        visitor.upload(FROZEN_PORTFOLIO)
        assert visitor.metrics()["Break-even"] == "month 12.81"
        visitor.type("Requests per month, in month 1 [requests]", "800,000")
        shown = visitor.metrics()
        headline_text = visitor.headline()
        report = visitor.download("HTML report").read_text()
        held = visitor.download()
    portfolio = analyze_portfolio(payback.load_scenario(held))
    assert portfolio.scenario.workloads[0].traffic.requests_per_month == 800_000  # type: ignore[index]
    alt = portfolio.alternatives[0]
    assert alt.break_even_month is not None
    assert shown["Break-even"] == month_text(alt.break_even_month, 2) != "month 12.81"
    assert shown["NPV over 24 months"] == usd(alt.npv_usd)
    verdict = portfolio.verdict()
    assert headline_text.startswith(verdict[0].upper() + verdict[1:])
    assert html.escape(verdict[0].upper() + verdict[1:]) in report


def test_the_engine_picker_beside_precision_gives_the_cli_answer(tmp_path: Path) -> None:
    """The serving engine is chosen beside the precision; the page's answer for it is the
    command line's for the file it would download, and an engine that does not run on the
    GPU says so in one line."""
    at = _open(EXAMPLES / "quarter-200k.toml")
    at = (
        at.radio(key="in:alternatives.0.mode")
        .set_value("GPU and model from the catalog (capacity estimated)")
        .run()
    )
    picker = at.selectbox(key="in:alternatives.0.engine")
    assert picker.options == ["vllm", "sglang", "trtllm", "lean"]
    assert picker.value == "vllm"
    at = at.selectbox(key="in:alternatives.0.gpu").set_value("h100-sxm").run()
    at = at.selectbox(key="in:alternatives.0.model").set_value("llama-3.1-8b").run()
    at = at.selectbox(key="in:alternatives.0.engine").set_value("sglang").run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    path = tmp_path / "engine.toml"
    path.write_text(at.session_state["held"].file_text())
    assert 'engine = "sglang"' in path.read_text()
    result = CliRunner().invoke(cli_app, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    alt = json.loads(result.stdout)["alternatives"][0]
    shown = _metrics(at)
    (npv,) = [v for k, v in shown.items() if k.startswith("NPV over")]
    assert npv == usd(alt["npv_usd"])
    at = at.selectbox(key="in:alternatives.0.gpu").set_value("mi300x").run()
    at = at.selectbox(key="in:alternatives.0.engine").set_value("trtllm").run()
    assert not at.exception
    refusal = "alternatives.0.engine = 'trtllm': runs on NVIDIA GPUs only"  # analyze's words
    assert any(refusal in _read(str(e.value)) for e in at.error)


CUT = """() => [...document.querySelectorAll(
    '.st-key-headline [data-testid=stMetricValue], .st-key-headline [data-testid=stMetricLabel]'
)].flatMap(e => [e, ...e.querySelectorAll('*')])
  .filter(e => e.scrollWidth > e.clientWidth + 1 && e.innerText.trim())
  .map(e => e.innerText.trim())"""
"""The headline's figures and labels the browser cuts short (drawn with an ellipsis)."""


@pytest.mark.parametrize("width", [1000, 1400, 420])
def test_every_figure_is_shown_whole_at_laptop_desktop_and_phone_widths(
    served: str, browser: Any, tmp_path: Path, width: int
) -> None:
    """At a 1000 px window the answer column was 208 px: "mo…", "~2.…", "$7,…", "Within a
    quart…"; at any width an NPV of $184,638,861,795 read "$184,638,…" and "unknown (horizon
    too short)" was cut. The answer now stacks above the inputs where the two columns do
    not fit, and every figure and label is shown whole (PAYBACK_SCREENSHOTS keeps them)."""
    shots = Path(os.environ.get("PAYBACK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with _visit(browser, served, tmp_path, width=width) as visitor:
        page = visitor.page
        answer = page.locator(".st-key-answer").bounding_box()
        assert answer is not None
        assert answer["width"] >= 340, answer
        assert page.evaluate(CUT) == []
        assert visitor.metrics()["Break-even"] == "month 13.37"
        visitor.type("Requests per month, in month 1 [requests]", "1,000,000,000,000")
        raw = read_scenario_data(EXAMPLES / "quarter-200k.toml")
        raw["traffic"]["requests_per_month"] = 1e12
        npv = payback.analyze(parse_scenario(raw, "huge")).alternatives[0].npv_usd
        assert visitor.metrics()["NPV over 24 months"] == usd(npv) == "$184,638,861,795"
        page.screenshot(path=str(shots / f"figures-{width}-huge.png"))
        assert page.evaluate(CUT) == []
        visitor.type("Requests per month, in month 1 [requests]", "200,000")
        page.locator(".st-key-inputs summary", has_text="Horizon and money").click()
        visitor.type("Horizon [months]", "2")
        assert visitor.metrics()["Within a quarter?"] == "unknown (horizon too short)"
        assert page.evaluate(CUT) == []
        page.screenshot(path=str(shots / f"figures-{width}-short-horizon.png"))


LINES = """() => [...document.querySelectorAll('.st-key-headline [data-testid=stMetricValue]')]
  .map(e => { const r = document.createRange(); r.selectNodeContents(e);
              const tops = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
              return [e.innerText.trim(), tops.size]; })"""
"""Each of the headline's figures and the number of lines it is drawn on."""


@pytest.mark.parametrize("width", [1000, 1400, 420])
def test_a_break_even_inside_month_1_is_one_line(
    served: str, browser: Any, tmp_path: Path, width: int
) -> None:
    """$15 against $2 per 1,000 at 2,000,000 requests a month and $400 up front pays back
    in month 400 / 26,000 = 0.015: the figure read "month" on one line and "0.015" under it
    (sized by its longest word, it wrapped). Each figure is now one line, whole, at a
    laptop's, a desktop's and a phone's width; so is month 0.0019 (16,000,000 requests)."""
    import tomlkit

    with _visit(browser, served, tmp_path, width=width) as visitor:
        for requests, month in ((2_000_000.0, "month 0.015"), (16_000_000.0, "month 0.0019")):
            path = tmp_path / f"early-{requests:.0f}.toml"
            path.write_text(tomlkit.dumps(per_request_dict(15.0, 2.0, requests, horizon=12)))
            visitor.upload(path)
            assert visitor.metrics()["Break-even"] == month
            lines = dict(visitor.page.evaluate(LINES))
            assert lines[month] == 1, lines
            assert set(lines.values()) == {1}, lines
            assert visitor.page.evaluate(CUT) == []


CHART_FIT = """() => {
    const svg = document.querySelector('.st-key-answer .main-svg');
    const chart = svg.getBoundingClientRect();
    const plot = document.querySelector('.st-key-answer .nsewdrag').getBoundingClientRect();
    const outside = [...document.querySelectorAll('.st-key-answer .legendtext, .st-key-answer .annotation-text')]
        .filter(t => { const r = t.getBoundingClientRect();
                       return r.width > 0 && (r.left < chart.left - 1 || r.right > chart.right + 1); })
        .map(t => t.textContent);
    const titles = [...document.querySelectorAll('.st-key-answer .g-xtitle, .st-key-answer .g-ytitle')]
        .map(t => t.textContent).filter(t => t);
    return {plot: plot.width / chart.width, outside, titles};
}"""
"""How a chart sits in the answer's column: the plot's share of its width, the legend and
note texts that run past its edges, and its axis titles."""


@pytest.mark.parametrize("width", [1400, 420])
def test_each_chart_fits_the_answers_column_with_labelled_axes(
    served: str, browser: Any, tmp_path: Path, width: int
) -> None:
    """In the answer's column (about 390 px) the drivers chart drew its bars in a sliver at
    the right (the inputs' names took the rest: 16% of the width) and its ticks ran into its
    axis title; the cost-per-1k chart's legend ran off the edge ("... cheaper per request
    thar"). Every chart now gives its plot most of the width, keeps its texts inside and
    names both axes with their units (PAYBACK_SCREENSHOTS keeps the shots)."""
    shots = Path(os.environ.get("PAYBACK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    units = {
        "Cumulative cost": ("month", "cumulative cost (USD)"),
        "Monthly by component": ("month", "cost per month (USD)"),
        "One-time cost": ("item", "USD"),
        "Cost per 1k requests": ("requests per month", "USD per 1,000 requests"),
        "Drivers": ("NPV (USD)",),
    }
    with _visit(browser, served, tmp_path, width=width) as visitor:
        for view, titles in units.items():
            visitor.chart(view)
            visitor.page.locator(".st-key-answer .main-svg").first.wait_for()
            visitor.page.wait_for_timeout(500)
            fit = visitor.page.evaluate(CHART_FIT)
            name = view.lower().replace(" ", "-")
            visitor.page.locator(".st-key-answer [data-testid=stPlotlyChart]").screenshot(
                path=str(shots / f"chart-{width}-{name}.png")
            )
            assert fit["plot"] >= 0.55, (view, fit)
            assert fit["outside"] == [], (view, fit)
            assert tuple(fit["titles"]) == titles, (view, fit)


def test_the_catalog_choices_show_their_values_whole(
    served: str, browser: Any, tmp_path: Path
) -> None:
    """GPU, model, precision and engine sat four to a row: the model box read "qwen2.5-"
    (85 px of text in 68). Two to a row, each shows its whole value, the KV cache's
    "auto (the engine's default)" too, and under it the cache the estimate kept
    and whose rent it pays (PAYBACK_SCREENSHOTS names a folder to keep the screenshot of
    the boxes)."""
    shots = Path(os.environ.get("PAYBACK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with _visit(browser, served, tmp_path) as visitor:
        page = visitor.page
        catalog = page.get_by_text("GPU and model from the catalog (capacity estimated)")
        visitor.after(catalog.click)
        for name, value in (
            ("GPU", "l4"),
            ("Model", "qwen2.5-7b"),
            ("Engine", "vllm"),
            ("KV cache", "auto (the engine's default)"),
            ("Rent from", "Default: hyperscalers' median ($0.8048 an hour)"),  # an L4: AWS's
        ):
            box = page.get_by_role("combobox", name=name, exact=True)
            assert box.input_value() == value
            text, room = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
            assert text <= room, (name, text, room)
        said = page.get_by_text("Estimated with a BF16 KV cache (vLLM's default for BF16 weights).")
        assert said.count() == 1
        box = page.locator("[data-testid=stExpander]").filter(has_text="Alternative:")
        box.screenshot(path=str(shots / "catalog-kv-cache.png"))


def test_a_number_typed_and_downloaded_at_once_is_in_the_download(
    served: str, browser: Any, tmp_path: Path
) -> None:
    """Tried as a new user would: 999 typed into the ops box, no Enter, then a click on
    "Edited scenario": the file said ``ops_usd_per_month = 300.0`` (the run before) while
    the page, a moment later, answered for 999 (NPV -$7,378); 222 typed, then a click on
    "HTML report": the report said NPV $11,949, the page $9,534. A download now waits for
    the run the click starts and is the file of the numbers then on the page."""
    with _visit(browser, served, tmp_path) as visitor:
        box = visitor.box("Ops, monitoring, on-call [$ a month]")
        box.fill("999")  # sent when the box loses focus: as the button takes the click
        held = visitor.download()
        visitor.settle()
        assert box.input_value() == "999"
        assert re.search(r"^ops_usd_per_month = 999 ", held.read_text(), re.M)
        alt = payback.analyze(payback.load_scenario(held)).alternatives[0]
        assert visitor.metrics()["NPV over 24 months"] == usd(alt.npv_usd) == "-$7,378"
        box.fill("222")
        report = visitor.download("HTML report").read_text()
        visitor.settle()
        assert box.input_value() == "222"
        figures = visitor.metrics()
        visitor.steps.append("typed 222, report downloaded")
        visitor.check()  # the page is the command line's answer for 222
    raw = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    raw["alternatives"][0]["ops_usd_per_month"] = 222
    analysis = payback.analyze(parse_scenario(raw, "ops"))
    assert figures["NPV over 24 months"] == usd(analysis.alternatives[0].npv_usd) == "$9,534"
    assert html.escape(headline(analysis)) in report


FITS = """() => {
    const box = document.querySelector('.st-key-answer .st-key-workloads');
    const table = box.querySelector('table');
    const right = box.getBoundingClientRect().right;
    const row = [...table.querySelector('tbody tr').querySelectorAll('td')];
    return {box: box.clientWidth, table: table.scrollWidth,
            heads: [...table.querySelectorAll('th')].map(th => th.innerText),
            inView: [...table.querySelectorAll('th, td')].every(
                cell => cell.getBoundingClientRect().right <= right + 0.5),
            labels: row.map(td => getComputedStyle(td, '::before').content),
            stacked: getComputedStyle(table.querySelector('thead')).display === 'none'};
}"""
"""The workloads table's width against its column's, its headers, whether every cell is in
view, and what each cell of its first row says before it (stacked: its header)."""

HEADS = [
    "workload",
    "requests/month",
    "saves (PV)",
    "fleet share (PV)",
    "net (PV)",
    "role",
    "move",
]


@pytest.mark.parametrize("width", [1400, 420, 320])
def test_every_column_of_the_workloads_table_is_in_view(
    served: str, browser: Any, tmp_path: Path, width: int
) -> None:
    """portfolio.toml at 1400 px and on a phone (420 px): the workloads table (a grid, 626 px
    wide in the answer's 352) was cut after "saves (PV)", its fleet share and net behind a
    sideways scroll. Every column is now in view, the names and headers wrapped; narrower
    still (320 px) each row stacks, each cell after its header (PAYBACK_SCREENSHOTS keeps
    the shots)."""
    shots = Path(os.environ.get("PAYBACK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with _visit(browser, served, tmp_path, width=width) as visitor:
        page = visitor.page
        visitor.upload(EXAMPLES / "portfolio.toml")
        table = page.locator(".st-key-answer .st-key-workloads table")
        table.wait_for()
        page.wait_for_timeout(300)
        fits = page.evaluate(FITS)
        table.screenshot(path=str(shots / f"workloads-{width}.png"))
        assert fits["table"] <= fits["box"], fits
        assert fits["inView"], fits
        assert fits["stacked"] == (width == 320), fits
        if fits["stacked"]:
            assert fits["labels"] == [f'"{h}"' for h in HEADS], fits
        else:
            assert ["".join(h.split()) for h in fits["heads"]] == [
                "".join(h.split()) for h in HEADS
            ], fits


LONG_NAME = "fine-tuned-qwen2.5-7b-instruct-lora-on-one-rented-nvidia-l4-with-vllm"


@pytest.mark.parametrize("width", [420, 1400])
def test_a_long_alternative_name_is_read_whole_in_the_charts_legend(
    served: str, browser: Any, tmp_path: Path, width: int
) -> None:
    """quarter-200k.toml with its alternative named by its whole recipe (70 characters, no
    space): the verdict wrapped it, but the chart's legend cut it at the column's edge
    ("fine-tuned-qwen2.5-7b-instruct-lora-on-one-rented-nvidia-"). A legend entry longer
    than the column now goes on two lines, each inside the chart."""
    path = tmp_path / "long-name.toml"
    path.write_text(
        (EXAMPLES / "quarter-200k.toml")
        .read_text()
        .replace('name = "fine-tuned 7B on one rented L4"', f'name = "{LONG_NAME}"')
    )
    assert LONG_NAME in path.read_text()
    with _visit(browser, served, tmp_path, width=width) as visitor:
        visitor.upload(path)
        assert LONG_NAME in visitor.headline()
        for view in ("Cumulative cost", "Monthly by component", "Cost per 1k requests"):
            visitor.chart(view)
            visitor.page.locator(".st-key-answer .main-svg").first.wait_for()
            visitor.page.wait_for_timeout(500)
            fit = visitor.page.evaluate(CHART_FIT)
            assert fit["outside"] == [], (view, fit)


TEXT_FIT = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    const width = document.documentElement.clientWidth;
    const blocks = 'h1,h2,h3,p,li,summary,label,[data-testid=stMetricValue],'
        + '[data-testid=stMetricLabel],[data-testid=stCaptionContainer],code';
    const leaves = [...main.querySelectorAll(blocks)]
        .filter(e => e.innerText.trim() && e.getClientRects().length && !e.querySelector(blocks));
    const drawn = leaves.map(e => {
        const range = document.createRange();
        range.selectNodeContents(e);
        return [e, range.getBoundingClientRect()];
    });
    const chart = document.querySelector('.st-key-answer .main-svg')?.getBoundingClientRect();
    const texts = [...main.querySelectorAll('.legendtext, .annotation-text, .g-xtitle, .g-ytitle')]
        .map(t => [t, t.getBoundingClientRect()]).filter(([t, r]) => r.width > 0);
    const cut = [...drawn, ...texts]
        .filter(([e, r]) => r.left < -0.5 || r.right > width + 0.5
            || (chart && e instanceof SVGElement && (r.left < chart.left - 1 || r.right > chart.right + 1))
            || (!(e instanceof SVGElement) && getComputedStyle(e).overflowX !== 'visible'
                && e.scrollWidth > e.clientWidth + 1))
        .map(([e]) => e.textContent.trim().slice(0, 60));
    const overlap = [];
    for (let i = 0; i < drawn.length; i++) for (let j = i + 1; j < drawn.length; j++) {
        const [a, p] = drawn[i], [b, q] = drawn[j];
        if (a.contains(b) || b.contains(a)) continue;
        const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (x > 2 && y > 2) overlap.push([a.innerText.slice(0, 40), b.innerText.slice(0, 40)]);
    }
    return {cut, overlap, sideways: document.documentElement.scrollWidth - width};
}"""
"""The page's texts at its width: those cut or past the screen (headings, the verdict,
figures, warnings, captions, the chart's legend and notes), those drawn over another, and
how far the page scrolls sideways."""


def test_every_text_on_a_phone_is_whole_and_apart(
    served: str, browser: Any, tmp_path: Path
) -> None:
    """As the terminal is checked at 80 columns, the page at 420 px: its title, the
    verdict and figures, the stale-price warning (owned-h100.toml), the workloads' caption
    and table (portfolio.toml), the long messages of a page with no answer, and a chart
    legend with a 70-character name (cut at the edge before: "...-rented-nvidia-") are
    each whole, none drawn over another, and the page never scrolls sideways."""
    long_name = tmp_path / "long-name.toml"
    long_name.write_text(
        (EXAMPLES / "quarter-200k.toml")
        .read_text()
        .replace('name = "fine-tuned 7B on one rented L4"', f'name = "{LONG_NAME}"')
    )
    with _visit(browser, served, tmp_path, width=420) as visitor:
        page = visitor.page
        for path in (EXAMPLES / "owned-h100.toml", EXAMPLES / "portfolio.toml", long_name):
            visitor.upload(path)
            page.locator(".st-key-answer .main-svg").first.wait_for()
            page.wait_for_timeout(500)
            if path.name == "owned-h100.toml":  # its rented option's price is stale: its warning
                visitor.show("Llama 3.1 8B FP8 on H100s rented for 1 year")
                assert page.get_by_text("check it before deciding", exact=False).count()
            assert page.evaluate(TEXT_FIT) == {"cut": [], "overlap": [], "sideways": 0}, path
        visitor.type("Requests per month, in month 1 [requests]", "-5")
        visitor.type("Engineering rate [$ per hour]", "12abc")
        assert page.get_by_text("No answer while 2 inputs are not allowed").count()
        assert page.evaluate(TEXT_FIT) == {"cut": [], "overlap": [], "sideways": 0}


# ---------------------------------------------------------------- light and dark themes

PAGE_BACKGROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(23, 22, 20)"}
"""The page's background in Streamlit 1.67's light and dark theme."""

CHART_VIEWS = (
    "Cumulative cost",
    "Monthly by component",
    "One-time cost",
    "Cost per 1k requests",
    "Drivers",
)


@pytest.mark.parametrize("width", [1400, 420])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_in_either_theme_every_text_and_mark_of_the_answer_stands_out(
    served: str, browser: Any, tmp_path: Path, width: int, scheme: str
) -> None:
    """A reader whose system prefers dark got a white page: `payback serve` gave Streamlit
    one colour for a custom theme, which makes it light only. Now it follows the browser,
    and in the dark the report's charts drew for white paper: the baseline's line in
    near-black (1.05:1 on the page), the drivers' names in the theme's light grey on white
    boxes (1.27:1), the break-even and crossing labels red on white boxes (2.68:1), 'today'
    in dark grey (2.43:1), the GPUs' bars navy (1.63:1). In the light theme too some read
    poorly on white: Streamlit's grey tick labels (3.72:1), the first alternative's red
    labels (3.68:1), the orange escalation bars (2.42:1), the light-blue low-end bars
    (1.75:1), the grey 'today' line (2.85:1). In either theme every text of the answer's
    column now has 4.5:1 against what is behind it, every line, marker, bar and rule of
    each chart 3:1 (PAYBACK_SCREENSHOTS keeps the shots)."""
    shots = Path(os.environ.get("PAYBACK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    below: dict[tuple[str, str, str, float], str] = {}
    with _visit(browser, served, tmp_path, width=width, scheme=scheme) as visitor:
        page = visitor.page
        background = page.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
        )
        # Streamlit 1.67's white and dark
        assert background == PAGE_BACKGROUND[scheme], background
        assert visitor.metrics()["NPV over 24 months"] == "$7,836"
        for view in CHART_VIEWS:
            visitor.chart(view)
            page.locator(".st-key-answer .main-svg").first.wait_for()
            page.wait_for_timeout(500)
            items = page.evaluate(COLOURS)
            texts = {i["what"] for i in items if i["kind"] == "text"}
            assert visitor.headline() in texts, view  # the verdict and a figure were read
            assert "$7,836" in texts, view
            assert sum(i["kind"] == "chart text" for i in items) >= 8, view
            assert any(i["kind"] in ("chart line", "chart bar") for i in items), view
            name = view.lower().replace(" ", "-")
            page.locator(".st-key-answer [data-testid=stPlotlyChart]").screenshot(
                path=str(shots / f"{scheme}-{width}-{name}.png")
            )
            for kind, what, fg, ratio in below_contrast(items):  # one of each colour
                below.setdefault((view, kind, fg, ratio), what)
    assert not below, "\n".join(f"{key}: {what}" for key, what in below.items())


def test_a_change_of_theme_redraws_the_chart_in_its_colours(browser: Any, tmp_path: Path) -> None:
    """Streamlit runs nothing when the theme changes, so a chart drawn light kept its
    near-black baseline on the page turned dark; the page now runs again and draws it
    anew, and back in the light theme draws it light again. With the file's ranges
    sampled, the savings fan and the break-even histogram stand out too, in either."""
    _need_chromium()
    with (
        _served(EXAMPLES / "quarter-uncertain.toml", tmp_path) as url,
        _visit(browser, url, tmp_path, width=420) as visitor,
    ):
        page = visitor.page
        visitor.sample()
        for view in ("Cost per 1k requests", "Sampled savings", "Sampled break-even"):
            visitor.chart(view)
            page.locator(".st-key-answer .main-svg").first.wait_for()
            page.wait_for_timeout(500)
            assert below_contrast(page.evaluate(COLOURS)) == [], (view, "light")
            visitor.after(lambda: page.emulate_media(color_scheme="dark"))
            page.wait_for_timeout(500)
            assert below_contrast(page.evaluate(COLOURS)) == [], (view, "dark")
            visitor.after(lambda: page.emulate_media(color_scheme="light"))
            page.wait_for_timeout(500)
            assert below_contrast(page.evaluate(COLOURS)) == [], (view, "light again")


_FIGURE = re.compile(r"-?\$?\d+(?:,\d{3})*(?:\.\d+)?%?")
"""A figure as payback writes one: -$1,234.50, 20.0605%, 585,538."""


def _solve_figures(path: Path, vary: str, target: str) -> list[str]:
    """Every figure `payback solve` writes for ``vary`` and ``target`` (its file names,
    the target as written and the allowed range in file units left out)."""
    code, out, err = run("solve", path, "--vary", vary, "--target", target)
    assert code in (0, 1), err
    text = " ".join(out.split())
    text = re.sub(r"\((?:≥|>) [^)]* and (?:≤|<) [^)]*\)", "", text)  # the range, in file units
    text = text.replace(vary, "").replace(target, "")
    return _FIGURE.findall(re.sub(r"[a-z_]+=\S+", "", text))


@pytest.mark.parametrize(
    ("vary", "target"),
    [
        ("traffic.requests_per_month", "break_even_month=3"),
        ("traffic.requests_per_month", "npv_usd=0"),
        ("alternatives.0.usd_per_gpu_hour", "break_even_month=3"),
        ("alternatives.0.one_time.engineer_hours", "npv_usd=10000"),
        ("traffic.growth_monthly", "break_even_month=6"),
        ("alternatives.0.recurring.retrain_every_months", "npv_usd=9000"),
    ],
)
def test_what_would_it_take_says_each_answer_in_the_users_units_with_solves_figures(
    vary: str, target: str
) -> None:
    """Read as a finance partner reads it, the answer said "requests per month, in month 1
    = 585,538 gives month 3.00, the target (a break-even in month 3); it holds for requests
    per month, in month 1 at least 585,538" and "Today GPU rent = $0.80 gives month 13.37":
    no unit, "it" and "holds" for what the alternative must do, the range in the file's
    units ("≥ 0 and ≤ 1000" for a rent). Each sentence now says what is solved, for which
    target and in the input's units, and every figure `payback solve` gives for the same
    question is on the page, written alike."""
    path = EXAMPLES / "quarter-200k.toml"
    at = _open(path)
    at = at.toggle(key="take:on").set_value(True).run()
    at = at.selectbox(key="take:vary").set_value(vary).run()
    metric, goal = target.split("=")
    at = at.selectbox(key="take:metric").set_value(metric).run()
    at = at.text_input(key=f"take:{metric}").set_value(f"{float(goal):,.0f}").run()
    assert not at.exception
    lines = [
        m.value
        for m in at.markdown
        if m.value.startswith(("For ", "No value", "Today", "To ", "Found"))
    ]
    shown = " ".join(lines)
    assert lines, [m.value for m in at.markdown]
    for figure in _solve_figures(path, vary, target):
        assert figure in _FIGURE.findall(shown), (figure, lines)
    assert vary not in shown
    assert "_" not in shown, shown  # no field name of the file
    alt = "'fine-tuned 7B on one rented L4'"
    # the first sentence says for which alternative, and which target, in words
    assert alt in lines[0], lines
    assert goal_words(parse_target(target), 24) in " ".join(lines[:2]), lines
    expected = {
        ("traffic.requests_per_month", "break_even_month=3"): [
            f"For {alt} to break even by month 3, “requests per month, in month 1” must be at "
            "least 585,538 requests a month: at 585,538 requests a month it breaks even in "
            "month 3.00.",
            f"Today “requests per month, in month 1” is 200,000 requests a month: {alt} breaks "
            "even in month 13.37.",
            "Found by trying 7,292 values of “requests per month, in month 1”.",
        ],
        ("alternatives.0.usd_per_gpu_hour", "break_even_month=3"): [
            "No value of “GPU rent” in its allowed range (≥ $0 per GPU-hour and ≤ $1,000 per "
            f"GPU-hour) lets {alt} break even by month 3; the nearest it comes is at $0 per "
            "GPU-hour, where it breaks even in month 8.20.",
            f"Today “GPU rent” is $0.80 per GPU-hour: {alt} breaks even in month 13.37.",
            "Found by trying 4,098 values of “GPU rent”.",
        ],
        ("alternatives.0.one_time.engineer_hours", "npv_usd=10000"): [
            f"For {alt} to reach an NPV of $10,000 or more over 24 months, “engineering time” "
            "must be at most 41.96 hours: at 41.966 hours it has an NPV of $10,000 over 24 "
            "months.",
            f"Today “engineering time” is 60 hours: {alt} has an NPV of $7,836 over 24 months.",
            "Found by trying 6,335 values of “engineering time”.",
        ],
    }
    if (vary, target) in expected:
        assert lines == expected[vary, target]


ANSWER_WORDS = """() => {
  const answer = document.querySelector('.st-key-answer');
  const notes = [...answer.querySelectorAll('[data-testid=stPlotlyChart] g.annotation')]
    .map(g => g.textContent.trim());
  const seen = [];
  const words = document.createTreeWalker(answer, NodeFilter.SHOW_TEXT);
  for (let n = words.nextNode(); n; n = words.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || el.closest('[data-testid=stPlotlyChart]')) continue;
    if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    seen.push(n.textContent.trim());
  }
  return {text: seen.join(' '), notes};
}"""
"""What the answer's column shows as text, and its chart's labels."""


def test_every_figure_in_the_answers_column_is_analyzes(
    served: str, browser: Any, tmp_path: Path
) -> None:
    """examples/quarter-200k.toml in a browser: each figure in the answer's column (the
    verdict, the four figures, the costs caption, the cumulative chart's break-even label,
    the drivers' central NPV) is the one `payback analyze --json` gives, written as the
    terminal writes it (month 13.4 in the verdict and 13.37 beside it, NPV $7,836), and no
    other figure is there."""
    path = EXAMPLES / "quarter-200k.toml"
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    data = json.loads(out)
    (alt,) = data["alternatives"]
    month, requests, npv = alt["break_even_month"], alt["break_even_requests"], alt["npv_usd"]
    assert (f"{month:.1f}", usd(npv)) == ("13.4", "$7,836")  # the task's figures
    ours, theirs = alt["monthly_cost_usd"][0], data["baseline"]["monthly_cost_usd"][0]
    wanted = {
        f"month {month:.1f}",  # the verdict's, and the chart's label
        f"~{requests:,.0f} requests",
        f"NPV {usd(npv)} over 24 months at 10%",
        month_text(month, 2),
        f"{requests:,.0f}",
        usd(npv),
        f"One-time cost {usd(alt['one_time_usd'])}; month 1 costs {usd(ours)} against "
        f"{usd(theirs)} for the baseline",
    }
    with _visit(browser, served, tmp_path, width=1400) as visitor:
        visitor.page.locator(
            ".st-key-answer [data-testid=stPlotlyChart] g.annotation"
        ).first.wait_for()
        shown = visitor.page.evaluate(ANSWER_WORDS)
        text = " ".join(shown["text"].split())
        for words in wanted:
            assert words in text, (words, text)
        assert any(f"month {month:.1f}" in note for note in shown["notes"]), shown["notes"]
        visitor.chart("Drivers")
        visitor.page.locator(".st-key-answer g.annotation", has_text="central NPV").wait_for()
        notes = visitor.page.evaluate(ANSWER_WORDS)["notes"]
        assert f"central NPV {usd(npv)}" in notes, notes
    # and nothing else: each figure of the column's text is one of those, a count of the
    # page's own (24 months, 10%, a quarter's 3) or the time it took
    allowed = {f for words in wanted for f in _FIGURE.findall(words)} | {"24", "10%", "1", "$0"}
    # how to give a range, with this file's 200,000 requests a month (0.75x, 1x, 1.6x)
    (traffic,) = set(data["requests_per_month"])
    allowed |= {f"{traffic * k:,.0f}" for k in (0.75, 1, 1.6)}
    allowed |= {f"{traffic * k:.0f}" for k in (0.75, 1, 1.6)}
    timing = re.search(r"Recomputed in (\d+) ms", text)
    assert timing is not None
    rest = text.replace(timing.group(0), "").replace(alt["name"], "").replace("per 1k", "")
    others = [f for f in _FIGURE.findall(rest) if f not in allowed]
    assert others == [], (others, text)


NAMED = {"alternative": "**x**_today", "baseline": "a_b_c [x](y) $5$ :rocket:"}
"""Names Streamlit's Markdown would draw bold, italic, linked, as maths and an emoji."""
FORMATTED = "em, a, code, del, .katex, [data-testid=stIconMaterial]"
"""What a name read as Markdown turns into (or bold: ``strong``)."""


@pytest.mark.parametrize("width", [420, 1400])
def test_in_the_browser_the_files_names_read_as_written(
    served: str, browser: Any, tmp_path: Path, width: int
) -> None:
    """quarter-200k with its alternative named ``**x**_today`` and its baseline
    ``a_b_c [x](y) $5$ :rocket:``: the headline read "x_today pays back" in bold, the
    chart's title and the alternative's section likewise; each now reads as written,
    nothing in them bold, italic, a link, maths or an emoji. (PAYBACK_SHOTS=DIR keeps a
    picture of the page at each width.)"""
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    text = text.replace('"fine-tuned 7B on one rented L4"', json.dumps(NAMED["alternative"]))
    text = text.replace('name = "hosted big model"', f"name = {json.dumps(NAMED['baseline'])}")
    (tmp_path / "named").mkdir()
    path = tmp_path / "named" / "named.toml"
    path.write_text(text)
    with _visit(browser, served, tmp_path, width=width) as visitor:
        visitor.upload(path)
        page = visitor.page
        verdict = page.locator(".st-key-verdict")
        assert visitor.headline().startswith("'**x**_today' pays back in month 13.4")
        assert verdict.locator(f"strong, {FORMATTED}").count() == 0
        section = page.locator("[data-testid=stExpander] summary", has_text="Alternative:")
        assert section.inner_text().strip().endswith("Alternative: **x**_today")
        baseline = page.locator("[data-testid=stCaptionContainer]", has_text="a_b_c")
        assert baseline.inner_text().strip() == "a_b_c [x](y) $5$ :rocket: (hosted API)"
        assert baseline.locator(FORMATTED).count() == 0  # bold: the whole name, as meant
        assert baseline.locator("strong").all_inner_texts() == [NAMED["baseline"]]
        visitor.chart("Monthly by component")
        title = page.locator("[data-testid=stMarkdownContainer]", has_text="Monthly cost of")
        assert title.inner_text().strip() == "Monthly cost of **x**_today, by component"
        assert title.locator(FORMATTED).count() == 0
        assert title.locator("strong").all_inner_texts() == [
            "Monthly cost of **x**_today, by component"
        ]
        shots = os.environ.get("PAYBACK_SHOTS")
        if shots:
            visitor.chart("Cost per 1k requests")
            page.locator(".st-key-answer g.annotation", has_text="today").first.wait_for()
            page.screenshot(path=f"{shots}/names-{width}.png")
            chart = page.locator(".st-key-answer [data-testid=stPlotlyChart]")
            chart.scroll_into_view_if_needed()
            page.screenshot(path=f"{shots}/names-{width}-chart.png")


RENAMED = {
    "Llama 3.1 8B, an adapter per task, one fleet": "www.example.com  **adapter**  $5 and 6$",
    "a fine-tuned 8B and its own fleet per task": "ops@example.com   own fleet",
    "support triage": "support    triage",
    "ticket summaries": "_ticket_ [summaries](x)",
    "hosted GPT-4o-class API": "<b>hosted</b>   API :rocket:",
}
"""portfolio.toml's names, each with an address (a link where read as Markdown), repeated
spaces (drawn as one), maths or markup."""
READ_AS_SEEN = "e => e.innerText.replaceAll('\\u00a0', ' ').trim()"
"""A text as a reader sees it: a no-break space is a space."""
COPIED = """e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection.toString().replaceAll('\\u00a0', ' ').trim();
}"""
"""A text as a reader copies it from the page: selected whole, as the clipboard gets it."""
ADDRESSES = "a[href*='example.com'], a[href*='x.com'], a[href^='mailto:']"


@pytest.mark.parametrize("width", [420, 1400])
def test_in_the_browser_addresses_spaces_and_dollars_in_names_read_as_written(
    served: str, browser: Any, tmp_path: Path, width: int
) -> None:
    """portfolio.toml with an alternative named "www.example.com  **adapter**  $5 and 6$",
    another "ops@example.com   own fleet", workloads "support    triage" and
    "_ticket_ [summaries](x)", uploaded as "my  **plan** www.x.com.toml": the addresses
    were links, the spaces read as one, in the headline, the alternative's section, the
    captions and the "Showing" list. Each now reads as written, with no link, maths or
    emphasis; the table and the chart's legend keep every space; the downloads keep the
    file's name. (PAYBACK_SHOTS=DIR keeps a picture at each width.)"""
    text = FROZEN_PORTFOLIO.read_text()
    for old, new in RENAMED.items():
        assert json.dumps(old) in text
        text = text.replace(json.dumps(old), json.dumps(new))
    path = tmp_path / "in" / "my  **plan** www.x.com.toml"
    path.parent.mkdir()
    path.write_text(text)
    first, second = (
        RENAMED["Llama 3.1 8B, an adapter per task, one fleet"],
        RENAMED["a fine-tuned 8B and its own fleet per task"],
    )
    with _visit(browser, served, tmp_path, width=width) as visitor:
        visitor.upload(path)
        page = visitor.page
        verdict = page.locator(".st-key-verdict")
        assert verdict.evaluate(READ_AS_SEEN).startswith(
            f"Best of 2 by NPV: '{first}' serving 5 workloads pays back in month 12.8"
        )
        assert verdict.locator(f"strong, {FORMATTED}").count() == 0
        section = page.locator("[data-testid=stExpander] summary", has_text="Alternative:")
        assert section.locator("[data-testid=stMarkdownContainer]").evaluate(READ_AS_SEEN) == (
            f"Alternative: {first}"
        )
        # copied, a name is as written: no invisible character comes along (a word
        # joiner kept the address from being a link, and was pasted with the name)
        assert section.locator("[data-testid=stMarkdownContainer]").evaluate(COPIED) == (
            f"Alternative: {first}"
        )
        assert verdict.evaluate(COPIED) == verdict.evaluate(READ_AS_SEEN)
        assert "\u2060" not in page.locator("[data-testid=stMain]").evaluate(COPIED)
        captions = [c.evaluate(READ_AS_SEEN) for c in page.locator(CAPTION).all()]
        assert f"Showing my  **plan** www.x.com.toml. {STORED}" in captions
        assert (
            f"With '{first}', present values over 24 months; saves is net of each one's own "
            "one-time items:"
        ) in captions
        assert f"{RENAMED['hosted GPT-4o-class API']} (hosted API)" in captions
        assert any(f"traffic ('{RENAMED['support triage']}') on" in c for c in captions)
        assert page.locator(ADDRESSES).count() == 0
        assert page.locator(".katex").count() == 0
        # the list of alternatives: each as written, its spaces too
        page.get_by_role("combobox", name="Showing").click()
        options = page.get_by_role("option")
        options.first.wait_for()
        assert [o.evaluate(READ_AS_SEEN) for o in options.all()] == [
            f"alternative: {first}",
            f"alternative: {second}",
        ]
        shots = os.environ.get("PAYBACK_SHOTS")
        if shots:
            page.screenshot(path=f"{shots}/spaced-{width}-options.png")
        page.keyboard.press("Escape")
        # the table and the legend: every space, no Markdown read in them
        grid = page.locator(".st-key-workloads table")
        grid.scroll_into_view_if_needed()
        grid.locator("td").first.wait_for(state="attached")
        table = grid.locator("td").all_inner_texts()
        assert RENAMED["support triage"] in table
        assert RENAMED["ticket summaries"] in table
        legend = [t.text_content() for t in page.locator(".st-key-answer .legendtext").all()]
        assert [first, second] == [n for n in legend if n in (first, second)]
        assert (
            page.locator(".st-key-answer .legendtext").first.evaluate(
                "e => getComputedStyle(e).whiteSpace"
            )
            == "pre"
        )
        visitor.chart("Monthly by component")
        title = page.locator("[data-testid=stMarkdownContainer]", has_text="Monthly cost of")
        assert title.evaluate(READ_AS_SEEN) == (  # the first workload's view, said so
            f"Monthly cost of {first}, by component (the first workload's traffic only: "
            f"'{RENAMED['support triage']}')"
        )
        if shots:
            page.screenshot(path=f"{shots}/spaced-{width}.png")
        if width > 640:  # on a phone the sidebar, and its downloads, are closed
            # Chromium writes '*' (not allowed in a Windows file name) as '_': the rest kept
            assert visitor.download().name.endswith("-my  __plan__ www.x.com.toml")
            report = visitor.download("HTML report")
            assert report.name.endswith("-my  __plan__ www.x.com-report.html")


CAPTION = "[data-testid=stCaptionContainer]"
STORED = "Nothing you upload is stored on the server."
FLEET_PAST_THE_CAP = fleet_past_the_cap("**fleet**  _a_b_ www.example.com")
"""A portfolio whose samples pass the fleet cap (test_portfolio_web's too), its alternative
named in bold, italics and an address."""


def test_in_the_browser_the_start_files_error_and_a_sampled_warning_read_as_written(
    browser: Any, tmp_path: Path
) -> None:
    """The file `payback serve` was given, "**x** [y](z) <b> $5 and 6$ www.example.com
    _a_b_.toml", no longer TOML when a visitor opens the page (each visit reads it again):
    the page's error drew its name in bold, a link, maths, an address link and italics,
    and was gone a moment later (the page's second run drew it no more). A portfolio's sampled warning (its samples past the fleet
    cap) drew its alternative's name "**fleet**  _a_b_ www.example.com" bold and italic.
    Both now read as the command line writes them."""
    folder = tmp_path / "served"
    folder.mkdir()
    bad = folder / "**x** [y](z) <b> $5 and 6$ www.example.com _a_b_.toml"
    shutil.copy(EXAMPLES / "seed.toml", bad)
    sampled = tmp_path / "sampled" / "fleet.toml"
    sampled.parent.mkdir()
    sampled.write_text(FLEET_PAST_THE_CAP)
    with _served(bad, tmp_path) as url:
        bad.write_text("bad = [\n")  # served, then broken
        code, _, err = run("analyze", bad)
        assert code == 2
        said = err.strip().removeprefix(f"error: {folder}/")  # the page names the file
        assert said.startswith(f"{bad.name}: not valid TOML")
        with _visit(browser, url, tmp_path) as visitor:
            _start_error_and_sampled_warning(visitor, said, sampled)


def _start_error_and_sampled_warning(visitor: Visitor, said: str, sampled: Path) -> None:
    """The start file's error reads ``said``; ``sampled`` uploaded and sampled, its
    warning names its alternative as written."""
    page = visitor.page
    error = page.locator("[data-testid=stAlert]", has_text="not valid TOML")
    assert error.locator("[data-testid=stMarkdownContainer]").evaluate(READ_AS_SEEN) == said
    assert error.locator(f"strong, {FORMATTED}").count() == 0
    # an upload refused: its name as written in the sidebar's error
    refused = sampled.parent / "**y** www.z.com  _b_.toml"
    refused.write_text("bad = [\n")
    visitor.upload(refused, accepted=False)
    sidebar = page.locator("[data-testid=stSidebar] [data-testid=stAlert]")
    assert sidebar.locator("[data-testid=stMarkdownContainer]").evaluate(READ_AS_SEEN) == (
        f"{refused.name}: not valid TOML: Invalid value (at end of document)"
    )
    assert sidebar.locator(f"strong, {FORMATTED}").count() == 0
    visitor.upload(sampled)
    visitor.after(lambda: page.get_by_role("button", name="Work it out").click())
    warning = page.locator("[data-testid=stAlert]", has_text="past the cap")
    said_there = warning.locator("[data-testid=stMarkdownContainer]")
    assert said_there.evaluate(READ_AS_SEEN).startswith(
        "alternatives.0 ('**fleet**  _a_b_ www.example.com'): "
    )
    assert warning.locator(f"strong, {FORMATTED}").count() == 0
    assert page.locator(ADDRESSES).count() == 0
    shots = os.environ.get("PAYBACK_SHOTS")
    if shots:
        warning.scroll_into_view_if_needed()
        page.screenshot(path=f"{shots}/sampled-warning.png")
