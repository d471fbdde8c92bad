"""The page's workloads table for a scenario with ``[[workloads]]`` (Streamlit's AppTest)."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLES, FROZEN_PORTFOLIO, fleet_past_the_cap, page_tables, run
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

import payback
from payback.analysis.result import usd
from payback.analysis.verdict import month_figure
from payback.cli import app as cli_app
from payback.report.common import headline, month_text, quarter_text
from payback.web.portfolio import workloads_rows
from payback.web.state import Held

pytestmark = pytest.mark.slow  # Streamlit's AppTest: seconds a test

APP = payback.__file__.replace("__init__.py", "web/app.py")
PORTFOLIO = FROZEN_PORTFOLIO


def test_rows_are_the_portfolio_analysis() -> None:
    scenario = load_scenario(PORTFOLIO)
    verdict, rows = workloads_rows(scenario)
    analysis = analyze_portfolio(scenario)
    assert verdict == analysis.verdict()
    assert len(rows) == 5 * len(analysis.alternatives)
    first = analysis.alternatives[0]
    riders = [
        r["workload"] for r in rows if r["alternative"] == first.name and r["role"] == "rides on it"
    ]
    assert riders == first.riders
    assert rows[0]["move"] == "#1"  # support triage moves first


def test_the_page_shows_the_workloads_table() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(
        PORTFOLIO.name, PORTFOLIO.read_text(), PORTFOLIO.parent
    )
    at.run()
    assert not at.exception
    names = [w.name for w in load_scenario(PORTFOLIO).workloads or []]
    analysis = analyze_portfolio(load_scenario(PORTFOLIO))
    _, rows = workloads_rows(load_scenario(PORTFOLIO), analysis)
    for index, alt in enumerate(analysis.alternatives):  # the rows of the alternative shown
        at = at.selectbox(key="in:show").set_value(index).run()
        (table,) = page_tables(at)  # the workloads table
        frame = table.value
        assert list(frame["workload"]) == names
        assert list(frame["net (PV)"]) == [
            r["net (PV)"] for r in rows if r["alternative"] == alt.name
        ]
        assert "alternative" not in frame.columns


def _with_hosted_option(tmp_path: Path) -> Path:
    """portfolio.toml with a third alternative that has no fleet: a smaller hosted model."""
    text = PORTFOLIO.read_text().replace(
        "[[workloads]]",
        '[[alternatives]]\nname = "a smaller hosted model"\nkind = "hosted_api"\n'
        "input_usd_per_mtok = 0.15\noutput_usd_per_mtok = 0.6\n\n[[workloads]]",
        1,
    )
    path = tmp_path / "hosted.toml"
    path.write_text(text)
    return path


def _terminal_money_headers(out: str) -> list[list[str]]:
    """Per alternative, the headers of `payback analyze`'s contribution table between the
    workload and the role (blank ones left out, as a blank says nothing)."""
    lines = out.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("What each workload brings")]
    headers = []
    for i in starts:
        head = next(line for line in lines[i + 1 :] if line.strip().startswith("workload"))
        headers.append([h for h in head.split("  ") if h.strip()][1:])
    return [[h.strip() for h in row if h.strip() != "GPU time"] for row in headers]


def test_a_fleetless_options_columns_are_the_terminals(tmp_path: Path) -> None:
    """The page's workloads table headed a hosted model's column "own fleet (PV)" (its cells
    "-") where `payback analyze` leaves that column's header blank: such an option has no
    fleet. The page's money columns are now the terminal's, for each alternative."""
    path = _with_hosted_option(tmp_path)
    code, out, err = run("analyze", path)
    assert code == 0, err
    terminal = _terminal_money_headers(out)
    assert terminal == [
        ["saves", "fleet share", "net"],
        ["saves", "own fleet", "net"],
        ["saves", "net"],
    ]
    scenario = load_scenario(path)
    analysis = analyze_portfolio(scenario)
    _, rows = workloads_rows(scenario, analysis)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    for index, alt in enumerate(analysis.alternatives):
        mine = [r for r in rows if r["alternative"] == alt.name]
        money = [k.removesuffix(" (PV)") for k in mine[0] if k.endswith(" (PV)")]
        assert money == terminal[index]
        at = at.selectbox(key="in:show").set_value(index).run()
        assert not at.exception
        (table,) = page_tables(at)
        shown = [c.removesuffix(" (PV)") for c in table.value.columns if c.endswith(" (PV)")]
        assert shown == terminal[index]
    assert "own fleet (PV)" not in table.value.columns  # the hosted model, shown last


def test_an_uploaded_portfolio_file_gets_the_answer_it_gets_when_opened() -> None:
    """A file with workloads and no [traffic] gave "No answer: requests per month empty"
    when uploaded (opened with `payback serve FILE` it showed its answer): an upload now
    reads the file as opening it does."""
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.session_state["held"] = Held.from_text(
        PORTFOLIO.name, PORTFOLIO.read_text(), PORTFOLIO.parent
    )
    opened.run()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="upload").set_value(
        (PORTFOLIO.name, PORTFOLIO.read_bytes(), "application/toml")
    )
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    shown = {m.label: m.value for m in at.metric}
    assert shown == {m.label: m.value for m in opened.metric}
    assert shown  # an answer, not "No answer while 1 input is not allowed"
    (table,) = page_tables(at)
    assert list(table.value["workload"]) == [
        w.name for w in load_scenario(PORTFOLIO).workloads or []
    ]


def test_a_portfolio_files_headline_and_figures_are_the_portfolios_answer() -> None:
    """Opened on portfolio.toml, the page led with the first workload alone ("Best of 2:
    'a fine-tuned 8B and its own fleet per task' pays back in month 16.6", NPV -$9,190 for
    the one shown) where `payback analyze --json` gives the five workloads moved together
    ('Llama 3.1 8B, an adapter per task, one fleet' pays back in month 12.8, NPV $19,858),
    and the library's "payback analyze ... show the portfolio" was the page's only hint.
    Now the headline and the figures are the portfolio's, for each alternative shown, and
    the page says in its own words what the rest is: the first workload's traffic on the
    alternatives' own costs (it said "the first workload alone", whose own one-time items
    would make it month 21.4, not the 16.6 it showed)."""
    result = CliRunner().invoke(cli_app, ["analyze", str(PORTFOLIO), "--json"])
    assert result.exit_code == 0, result.stderr
    expected = json.loads(result.stdout)["portfolio"]
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(
        PORTFOLIO.name, PORTFOLIO.read_text(), PORTFOLIO.parent
    )
    at.run()
    best = max(expected["alternatives"], key=lambda a: a["npv_usd"])
    first = load_scenario(PORTFOLIO).workloads[0].name  # type: ignore[index]
    for index, alt in enumerate(expected["alternatives"]):
        at = at.selectbox(key="in:show").set_value(index).run()
        assert not at.exception
        month, requests = alt["break_even_month"], alt["break_even_requests"]
        assert {m.label: m.value for m in at.metric} == {
            "Break-even": f"not within {expected['horizon_months']} months"
            if month is None
            else month_text(month, 2),
            "Requests until then": "—" if requests is None else f"{requests:,.0f}",
            "Within a quarter?": quarter_text(alt["pays_back_within"]),
            f"NPV over {expected['horizon_months']} months": usd(alt["npv_usd"]),
        }
        (verdict,) = [m.value for m in at.markdown if "serving 5 workloads" in m.value]
        assert verdict.startswith(expected["verdict"][0].upper() + expected["verdict"][1:])
        assert usd(best["npv_usd"]) in verdict
        if alt is not best:
            assert f"Shown below: {alt['name']!r}" in verdict
        page_text = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.warning])
        assert "payback analyze, sensitivity and solve" not in page_text
        (alone,) = [c.value for c in at.caption if c.value.startswith("Below: the first")]
        assert repr(first) in alone
        # support triage alone, its $4,150 of one-time items in, would pay back in month
        # 21.4 on its own fleet (the order's first move): the view below is not that
        assert "without that workload's one-time items" in alone
        assert "alone" not in alone


def test_a_traffic_box_of_a_portfolio_changes_the_first_workload(tmp_path: Path) -> None:
    """The traffic boxes show the first workload's traffic; typing 800,000 requests there
    wrote a ``[traffic]`` table beside the workloads, which the portfolio does not read: the
    headline stayed at month 12.8 and NPV $19,858, the workloads table at 400,000, and the
    downloaded file gave `payback analyze` the old answer. The change is now the first
    workload's, in the answer, the table and the download."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(
        PORTFOLIO.name, PORTFOLIO.read_text(), PORTFOLIO.parent
    )
    at.run()
    before = {m.label: m.value for m in at.metric}
    assert before["Break-even"] == "month 12.81"
    at = at.text_input(key="in:traffic.requests_per_month").set_value("800,000").run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    held = at.session_state["held"]
    text = held.file_text()
    assert "[traffic]" not in text
    assert "traffic = { requests_per_month = 800000, input_tokens = 1500" in text
    path = tmp_path / "edited.toml"
    path.write_text(text)
    assert load_scenario(path).workloads[0].traffic.requests_per_month == 800_000  # type: ignore[index]
    result = CliRunner().invoke(cli_app, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    expected = json.loads(result.stdout)["portfolio"]
    alt = expected["alternatives"][0]
    shown = {m.label: m.value for m in at.metric}
    assert shown == {
        "Break-even": month_text(alt["break_even_month"], 2),
        "Requests until then": f"{alt['break_even_requests']:,.0f}",
        "Within a quarter?": quarter_text(alt["pays_back_within"]),
        f"NPV over {expected['horizon_months']} months": usd(alt["npv_usd"]),
    }
    assert shown != before
    (table,) = page_tables(at)
    assert list(table.value["requests/month"]) == [
        "800,000",
        "150,000",
        "60,000",
        "40,000",
        "15,000",
    ]


def test_the_pages_report_of_a_portfolio_is_the_portfolios() -> None:
    """The page's "HTML report" of portfolio.toml was the first workload alone: its verdict
    read "'a fine-tuned 8B and its own fleet per task' pays back in month 16.6" under a page
    whose headline (and `payback report`'s) is "'Llama 3.1 8B, an adapter per task, one
    fleet' serving 5 workloads pays back in month 12.8". It is now what `payback report
    FILE -o report.html` writes; a file without workloads keeps its charted report."""
    from payback.report import stamped
    from payback.report.portfolio_document import portfolio_html
    from payback.web.portfolio import report_html

    scenario = load_scenario(PORTFOLIO)
    portfolio = analyze_portfolio(scenario)
    page = report_html(payback.analyze(scenario), portfolio)
    assert page == stamped(Path("report.html"), portfolio_html(portfolio).encode()).decode()
    assert "serving 5 workloads pays back in month 12.8" in page
    assert "month 16.6" not in page
    seed = payback.analyze(load_scenario(EXAMPLES / "seed.toml"))
    charted = report_html(seed)
    assert html.escape(headline(seed)) in charted
    assert 'data-chart="cumulative"' in charted


def _ranged_portfolio(tmp_path: Path) -> Path:
    """portfolio.toml with the second workload's traffic and the first alternative's rent
    given as ranges."""
    text = PORTFOLIO.read_text()
    text = text.replace(
        "traffic = { requests_per_month = 150000,",
        'traffic = { requests_per_month = { dist = "triangular", low = 50000, mode = 150000, '
        "high = 400000 },",
    )
    text = text.replace(
        "usd_per_gpu_hour = 0.86          # an L40S",
        'usd_per_gpu_hour = { dist = "uniform", low = 0.5, high = 1.5 }  # an L40S',
        1,
    )
    path = tmp_path / "ranged-portfolio.toml"
    path.write_text(text)
    return path


def test_the_chances_beside_a_portfolios_answer_are_the_portfolios(tmp_path: Path) -> None:
    """ "Work it out" on a portfolio with a workload's traffic as a range ended in a
    traceback (the one-workload analysis cannot sample another workload's numbers), and
    with ranges it could sample the chances were the first workload's alone beside the
    five workloads' answer. The chances are now `payback analyze --samples 20000`'s for
    the workloads moved together, for each alternative shown: 95% within 24 months and a
    median of month 11.5 for the shared fleet, 31% and never for a fleet per task."""
    path = _ranged_portfolio(tmp_path)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    at = at.button(key="mc:run").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    sampled = analyze_portfolio(load_scenario(path), samples=20_000).uncertainty
    assert sampled is not None
    for index, alt in enumerate(sampled["alternatives"]):
        at = at.selectbox(key="in:show").set_value(index).run()
        chances = {m.label: m.value for m in at.metric if m.label.startswith(("Chance", "Med"))}
        median = alt["break_even_month_percentiles"]["p50"]
        assert chances == {
            "Chance within a quarter": f"{alt['p_break_even_within']['3']:.0%}",
            "Chance within 24 months": f"{alt['p_break_even_within']['horizon']:.0%}",
            "Median break-even month": "never" if median is None else month_figure(median),
        }
    assert [m.value for m in at.metric if m.label == "Chance within 24 months"] == ["31%"]
    at = at.selectbox(key="in:show").set_value(0).run()
    assert [m.value for m in at.metric if m.label == "Median break-even month"] == ["11.5"]
    assert "Sampled savings" not in at.radio(key="view").options  # no fan for a portfolio


def test_a_range_on_a_number_only_the_estimate_reads_is_sampled(tmp_path: Path) -> None:
    """A range on a number that only estimates the capacity (the prompt length, for a GPU
    and model from the catalog): "Work it out" ended in a traceback, then said in one line
    that it cannot be sampled; the capacity now follows each sample, as analyze
    --samples does, and the chances are shown beside the answer, which stays."""
    path = tmp_path / "estimated.toml"
    path.write_text(
        '[scenario]\nname = "estimated"\nhorizon_months = 12\n\n[traffic]\n'
        'requests_per_month = 1000000\ninput_tokens = { dist = "uniform", low = 500, '
        'high = 1500 }\noutput_tokens = 200\n\n[baseline]\nname = "hosted"\n'
        'kind = "per_request"\nusd_per_1k_requests = 5.0\n\n[[alternatives]]\n'
        'name = "self-hosted"\nkind = "self_hosted"\nmodel = "qwen2.5-7b"\ngpu = "l4"\n'
        "usd_per_gpu_hour = 0.8\n"
    )
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    before = {m.label: m.value for m in at.metric}
    at = at.button(key="mc:run").click().run()
    assert not at.exception
    assert not at.error
    after = {m.label: m.value for m in at.metric}
    assert {k: after[k] for k in before} == before
    assert "Chance within a quarter" in after


def test_the_portfolios_chances_come_before_the_first_workload_alone(tmp_path: Path) -> None:
    """The chances (the workloads moved together) sat under the caption "Below: the first
    workload, 'support triage', alone (...)", as if they were that workload's; they now
    come right after the portfolio's figures, before that caption."""
    path = _ranged_portfolio(tmp_path)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    order: list[str] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            if str(getattr(getattr(child, "proto", None), "id", "")).endswith("-monte-carlo"):
                order.append("chances")
            if getattr(child, "type", None) == "caption" and child.value.startswith("Below:"):
                order.append("alone")
            walk(child)

    walk(at.main)
    assert order == ["chances", "alone"]


def test_the_download_of_a_portfolio_holds_what_the_page_analyzes() -> None:
    """Whatever the traffic boxes record (numbers, removed optional fields), the file the
    page would download reads, once its first workload fills ``[traffic]`` as opening it
    does, as the table the page analyzes; and it has no ``[traffic]`` of its own."""
    import hypothesis
    from hypothesis import strategies as st

    from payback.scenario import scenario_data_from_text
    from payback.scenario.workloads import workload_defaults

    paths = [
        "traffic.requests_per_month",
        "traffic.growth_monthly",
        "traffic.input_tokens",
        "traffic.cached_input_share",
        "traffic.peak_to_average",
        "alternatives.0.ops_usd_per_month",
    ]
    value = st.one_of(st.integers(1, 10**6), st.sampled_from([0.02, 400_000, 1500, 3.0]))

    @hypothesis.settings(max_examples=40, deadline=None, derandomize=True)
    @hypothesis.given(st.lists(st.tuples(st.sampled_from(paths), value)))
    def check(changes: list[tuple[str, Any]]) -> None:
        held = Held.from_text(PORTFOLIO.name, PORTFOLIO.read_text())
        for where, v in changes:
            held.set(where, v)
        read = scenario_data_from_text(held.file_text(), "toml")
        assert "traffic" not in read
        assert workload_defaults(read) == held.data()

    check()


def test_samples_past_the_fleet_cap_are_said_on_the_page(tmp_path: Path) -> None:
    """A portfolio's samples whose shared fleet passes 10,000,000 GPUs are warned of by
    `payback analyze --samples`; the page's chances said nothing of them. Workload a over
    5e11-9e11 requests beside b's 1.1e12, at 0.1 requests/s: 40.1% of samples by hand.
    Sampling it on the page refused the first workload's range as [traffic]'s ('with
    [[workloads]] each workload's traffic is read'): the page writes [traffic] from it."""
    path = tmp_path / "sampled.toml"
    path.write_text(fleet_past_the_cap())
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    at = at.button(key="mc:run").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []  # [traffic], the first workload's, was refused
    said = [w.value for w in at.warning if "past the cap" in w.value]
    assert len(said) == 1
    share = re.search(r"of 20,000 samples \((\d+(?:\.\d)?)%\)", said[0])
    assert share is not None
    assert abs(float(share.group(1)) - 40.1) < 1.5


def test_the_page_opens_the_file_only_when_streamlit_runs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``payback serve FILE`` runs ``streamlit run app.py -- FILE``: the page's
    ``sys.argv`` is the script and the file. Run in another program's process, the page
    took that program's first argument for a file ("pytest -q" showed "-q: no such file"
    on every run)."""
    monkeypatch.setattr(sys, "argv", ["/venv/bin/pytest", "-q", "tests/web"])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert at.session_state["held"].name == "starter.toml"
    monkeypatch.setattr(sys, "argv", [str(APP), str(PORTFOLIO)])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert [e.value for e in at.error] == []
    assert at.session_state["held"].name == PORTFOLIO.name
