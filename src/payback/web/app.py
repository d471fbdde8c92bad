"""The payback page: `payback serve [FILE]` runs this with Streamlit.

The page holds one scenario (:class:`payback.web.state.Held`): the file as opened and the
changes typed into its inputs. Every number it shows is computed from that scenario with
the command line's schema and analysis, and the download writes the same scenario into
the file's own text. Uploads are read in memory; the server writes nothing to disk.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st  # this module is the page Streamlit runs: it draws as it runs
from streamlit.runtime.scriptrunner import get_script_run_ctx

import payback
from payback.analysis.result import QUARTER_MONTHS, Analysis
from payback.analysis.verdict import months_text, quoted, usd_column
from payback.limits import MAX_SCENARIO_BYTES
from payback.money import fine_usd
from payback.report import charts
from payback.report.common import month_text
from payback.report.labels import input_label
from payback.scenario import read_scenario_text, scenario_text
from payback.scenario.workloads import single_view_warnings
from payback.studies.solve import METRICS
from payback.web.answer import (
    best_index,
    figures_caption,
    shown_index,
    verdict_headline,
    warnings_for,
)
from payback.web.chances import monte_carlo_box
from payback.web.colours import for_dark, for_light
from payback.web.fresh import Latest
from payback.web.inputs import (
    Form,
    alternative_inputs,
    baseline_inputs,
    horizon_inputs,
    one_time_inputs,
    quality_inputs,
    read_goal,
    recurring_inputs,
    traffic_inputs,
    untouched,
)
from payback.web.look import (
    REDRAW_KEY,
    REFUSED_KEY,
    STYLE,
    figure_key,
    fit_to_column,
    theme_watch,
    upload_watch,
)
from payback.web.portfolio import (
    PORTFOLIO_VIEWS,
    moved_words,
    portfolio_answer,
    portfolio_views,
    report_html,
    workloads_section,
)
from payback.web.state import (
    Held,
    Outcome,
    answer_figures,
    evaluate_inputs,
    message_path,
    read_upload,
    section_of,
    solvable_inputs,
    what_it_takes,
)
from payback.web.typed import show_number
from payback.web.words import (
    as_written,
    boxes_named,
    lines_in_page_words,
    message_markdown,
    names_in,
)

if TYPE_CHECKING:
    from payback.studies.portfolio import PortfolioAnalysis

started = time.perf_counter()
st.set_page_config(page_title="payback: does fine-tuning pay back?", layout="wide")

STARTER = Path(payback.__file__).parent / "data" / "starter.toml"

st.html(STYLE)  # the answer kept in view, figures never cut short: see look.py

# ---------------------------------------------------------------- loading


def _opened() -> Held:
    """The file `payback serve` was given (its folder for the relative paths it names),
    or the starter scenario. Only where Streamlit runs this script (``streamlit run app.py
    -- FILE`` makes ``sys.argv`` the script and its arguments): run in another program's
    process (a test's), ``sys.argv`` is that program's ("pytest -q" opened "-q")."""
    ran = bool(sys.argv) and Path(sys.argv[0]).name == Path(__file__).name
    args = [a for a in sys.argv[1:] if a] if ran else []
    if args:
        path = Path(args[0])
        try:
            return Held.from_text(path.name, read_scenario_text(path), path.resolve().parent)
        except payback.PaybackError as exc:  # said on every run until another file opens
            st.session_state.refused = message_markdown(" ".join(exc.messages))
    return Held.from_text(STARTER.name, STARTER.read_text(encoding="utf-8"))


def _reset_inputs() -> None:
    """A new file: every input starts again from it (see :func:`start`), and what was
    computed for the old one goes."""
    for key in [k for k in st.session_state if str(k).startswith(("in:", "take:"))]:
        del st.session_state[key]
    for key in ("mc", "outcome", "refused"):
        st.session_state.pop(key, None)


if "held" not in st.session_state:
    st.session_state.held = _opened()
if "refused" in st.session_state:  # it went with the first run, a moment after it came
    st.error(st.session_state.refused)
# A visit's first run draws no chart: plotly's code (megabytes) would hold up the browser
# before it draws the figures under the verdict; the chart comes in the run right after.
FIRST_RUN = "charted" not in st.session_state

with st.sidebar:
    st.header("Scenario")
    upload = st.file_uploader(
        f"Open a scenario file (TOML or YAML, up to {MAX_SCENARIO_BYTES // 2**20} MiB)",
        type=["toml", "yaml", "yml"],
        key="upload",
    )
    not_opened: str | None = None  # an upload refused: said by the answer too (see below)
    # a file the browser refused (over Streamlit's cap, of another type): said by the
    # script that clicks this hidden button (look.upload_watch), until a file comes through
    if st.button("Refused", key=REFUSED_KEY):
        st.session_state["refused-in-browser"] = True
    elif upload is not None:
        st.session_state.pop("refused-in-browser", None)
    refused_in_browser = bool(st.session_state.get("refused-in-browser"))
    if upload is not None and st.session_state.get("uploaded") != upload.file_id:
        content = upload.getvalue()
        table, refused = read_upload(upload.name, content)
        for line in refused:
            st.error(message_markdown(line))
        if table is None:
            not_opened = upload.name
        else:  # read as `payback serve FILE` reads it (a portfolio's traffic)
            st.session_state.held = Held.from_text(upload.name, scenario_text(content, upload.name))
            st.session_state.uploaded = upload.file_id
            _reset_inputs()
    held: Held = st.session_state.held
    written = as_written([held.name, *names_in(held.raw)])  # the file's names: words.py
    st.caption(written(f"Showing **{held.name}**. Nothing you upload is stored on the server."))
    st.header("Download")
    downloads = st.container()
    # the charts are drawn for the theme the browser shows: a change of theme runs it again
    st.button("Redraw", key=REDRAW_KEY)
    st.html(theme_watch(st.context.theme.type), unsafe_allow_javascript=True)
    st.html(upload_watch(), unsafe_allow_javascript=True)


def show(chart: charts.Chart, where: str = "tab") -> None:
    """A report chart, its title above it (plotly would cut a long one) and its note below;
    in the dark theme, in colours that read on it (:func:`for_dark`), in the light theme
    with its axes' figures darkened (:func:`for_light`)."""
    from payback.report.html import figure

    fig = figure(chart)
    fit_to_column(fig, chart)
    # the report's colours are for white paper: turned over for the dark theme; for the
    # light one, the axes' figures darkened (Streamlit's light theme writes them light grey)
    fig = for_dark(fig) if st.context.theme.type == "dark" else for_light(fig)
    st.markdown(f"**{written(chart.title)}**")
    st.plotly_chart(
        fig, width="stretch", config={"displaylogo": False}, key=f"chart:{where}:{chart.key}"
    )
    if chart.note:
        st.caption(written(chart.note))


# ---------------------------------------------------------------- the layout

st.title("Does fine-tuning and self-hosting pay back?")
st.caption(
    "Change any number and the answer follows. Open your own scenario file in the sidebar "
    "(» at the top left on a phone); download the edited one and the report there too."
)
left, right = st.columns([5, 4], gap="large")
with right:
    answer = st.container(key="answer")
names = [a.get("name", f"alternative {i}") for i, a in enumerate(held.raw["alternatives"])]
with answer:
    if not_opened is not None:  # on a phone the sidebar, and its error, are closed
        st.error(
            message_markdown(
                f"{not_opened} was not opened (the sidebar says why): the answer here is "
                f"still for {held.name}."
            ),
            icon=":material/error:",
        )
    elif refused_in_browser:  # Streamlit's reason is in the sidebar, shown on hover only
        st.error(
            message_markdown(
                "The file dropped last was not opened: the page opens a .toml, .yaml or .yml "
                f"file of up to {MAX_SCENARIO_BYTES // 2**20} MiB; the answer here is still "
                f"for {held.name}."
            ),
            icon=":material/error:",
        )
    pick = st.container()  # “Showing”, drawn once the answer says which is the best
    top = st.container(key="headline")
    rest = st.container()

# ---------------------------------------------------------------- the answer, worked out

# The inputs are read for the alternative whose boxes were on the page (a number typed
# there is this run's change); “Showing” is drawn once the answer is known: it shows the
# verdict's best until the user chooses one (SHOW_CHOSEN), so the figures under the
# verdict are its own after any change.
SHOW_CHOSEN = "in:show-chosen"  # an "in:" key: a new file forgets the choice
index = shown_index(int(st.session_state.get("in:show", 0)), len(names), None, chosen=True)


def _chose() -> None:
    st.session_state[SHOW_CHOSEN] = True


def _inputs(form: Form, boxes: dict[str, Any]) -> None:
    """Every section of inputs, for the alternative shown."""
    a = f"alternatives.{index}"
    horizon_inputs(form, boxes)
    traffic_inputs(form, boxes)
    baseline_inputs(form, boxes)
    alternative_inputs(form, boxes, index)
    one_time_inputs(form, boxes, a)
    recurring_inputs(form, boxes, a)
    quality_inputs(form, boxes, a)


def _problems(rejected: dict[str, str], outcome: Outcome | None) -> dict[str, list[str]]:
    """Each message by the path it is about: boxes' own first, then the schema's."""
    found: dict[str, list[str]] = {path: [line] for path, line in rejected.items()}
    boxes = {file: box for box, file in held.routes.items()}  # the first workload's traffic
    if outcome is not None:
        for lines in outcome.problems.values():
            for line in lines:
                path = message_path(line)
                found.setdefault(boxes.get(path, path), []).append(line)
    return found


# What the inputs hold, read without drawing them: the answer is worked out and sent to
# the browser first, the inputs after it (they are most of the page).
keys_before = set(st.session_state.keys())
dry = Form(held, draw=False)
_before = st.session_state.get("outcome")  # the answer shown until now (a switched mode's boxes)
_answered = _before[1].analysis if _before is not None else None
dry.answered = _answered.resolved.scenario if _answered is not None else None
_inputs(dry, {})
edits_seen = dict(held.edits)
data = held.data()
data_key = hashlib.sha256(
    json.dumps([data, str(held.base)], sort_keys=True, default=str).encode()
).hexdigest()
outcome: Outcome | None = None
if not dry.rejected:
    cached = st.session_state.get("outcome")
    if cached is not None and cached[0] == data_key:
        outcome = cached[1]
    else:
        outcome = evaluate_inputs(data, {}, held.base)
        st.session_state.outcome = (data_key, outcome)
problems = _problems(dry.rejected, outcome)

analysis: Analysis | None = outcome.analysis if outcome is not None else None


def _numbers_out(value: Any) -> Any:
    """The scenario's tables with each number left out: what it is made of."""
    if isinstance(value, dict):
        return {k: _numbers_out(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_out(v) for v in value]
    return None if isinstance(value, int | float) and not isinstance(value, bool) else value


def _figure(where: Any, slot: str, label: str, value: str, help: str | None = None) -> None:
    with where, st.container(key=figure_key(slot, value)):
        st.metric(label, value, help=written(help) if help else None)


def _metrics(alt: Any, horizon: int) -> None:
    """The figures of the answer for one alternative (of an :class:`Analysis` or of a
    portfolio's), two a row, as :func:`answer_figures` words them."""
    figures = answer_figures(alt, horizon)
    for row in (figures[:2], figures[2:]):
        for where, figure in zip(st.columns(2), row, strict=True):
            _figure(where, figure.slot, figure.label, figure.value, help=figure.help)


portfolio: PortfolioAnalysis | None = None
portfolio_problems: list[str] = []
if outcome is not None and outcome.scenario is not None and outcome.scenario.workloads:
    portfolio, portfolio_problems = portfolio_answer(outcome.scenario)

best = None if analysis is None else best_index(portfolio or analysis)
if len(names) > 1:
    read = index
    index = shown_index(index, len(names), best, bool(st.session_state.get(SHOW_CHOSEN)))
    if index != read:  # the boxes read were another alternative's: those it started go, or
        # they would outlive the run as values set, not boxes (and come back stale)
        for key in set(st.session_state.keys()) - keys_before:
            if str(key).startswith("in:"):
                del st.session_state[key]
    st.session_state["in:show"] = index  # before its box is drawn, as start() sets one
    with pick:
        st.selectbox(
            "Showing",
            range(len(names)),
            format_func=lambda i: f"alternative: {names[i]}",
            key="in:show",
            on_change=_chose,
            help="The alternative the answer and the inputs are about: the best by NPV "
            "until you choose one.",
        )


def _whose(name: str) -> None:
    """Above the figures of a scenario with several alternatives: whose they are."""
    if len(names) > 1:
        st.caption(written(figures_caption(name, index == best)))


with top:
    if analysis is None or outcome is None:
        count = sum(len(lines) for lines in problems.values()) or 1
        st.warning(
            f"No answer while {count} input{'s are' if count > 1 else ' is'} not allowed: "
            "fix the values marked in red and the answer comes back.",
            icon=":material/block:",
        )
        for lines in problems.values():
            for line in lines:
                st.markdown(f"- {message_markdown(boxes_named(line, dry.labels))}")
    elif portfolio is not None:  # the workloads moved together, as `payback analyze` says
        shown = index if len(names) > 1 else None
        st.container(key="verdict").markdown(written(verdict_headline(portfolio, shown)))
        _whose(portfolio.alternatives[index].name)
        _metrics(portfolio.alternatives[index], analysis.horizon_months)
        monte_carlo_box(
            outcome, analysis, index, data_key, portfolio
        )  # the portfolio's chances: above
        ms = outcome.seconds * 1000  # its one-time cost and month 1, as the headline's
        st.caption(written(f"{moved_words(portfolio, index)} Recomputed in {ms:.0f} ms."))
        first = (portfolio.scenario.workloads or [])[0].name
        alone = verdict_headline(analysis, shown)
        below = (  # not "that workload alone": its one-time items would count then
            f"Below: the first workload's traffic ({quoted(first)}) on the alternatives' own costs, "
            "without that workload's one-time items and terms (the inputs, the charts that say "
            f"so, “What would it take?”). In that view, {alone[0].lower()}{alone[1:]}"
        )
        st.caption(written(below))
    else:
        shown = index if len(names) > 1 else None
        st.container(key="verdict").markdown(written(verdict_headline(analysis, shown)))
        _whose(analysis.alternatives[index].name)
        _metrics(analysis.alternatives[index], analysis.horizon_months)
        monte_carlo_box(outcome, analysis, index, data_key)

with rest:
    if analysis is not None and outcome is not None:
        ms = outcome.seconds * 1000
        said = single_view_warnings(analysis.scenario)  # the page says it in its own words
        lines = [line for line in analysis.resolved.warnings if line not in said]
        own, elsewhere = warnings_for(lines, names, index)  # each with its own alternative
        for line in own:  # the command line's warning: lines
            st.warning(message_markdown(line), icon=":material/warning:")
        if elsewhere is not None:
            st.caption(written(elsewhere))
        alt = analysis.alternatives[index]
        if portfolio is None and alt.infrastructure_only is not None:
            plain = alt.infrastructure_only
            month = plain["break_even_month"]
            st.caption(  # a price's $ reads as written, never as maths (words.py)
                written(
                    "Infrastructure only (errors and waiting left out): "
                    + (
                        f"not within {months_text(analysis.horizon_months)}"
                        if month is None
                        else f"break-even {month_text(month, 2)}"
                    )
                    + f"; NPV {fine_usd(plain['npv_usd'] or 0.0)}."
                )
            )
        if portfolio is None:
            ours, theirs = usd_column(
                [alt.monthly_cost_usd[0], analysis.baseline.monthly_cost_usd[0]]
            )
            st.caption(  # the pair written alike, as the terminal's month-1 column writes it
                written(
                    f"One-time cost {fine_usd(alt.one_time_usd)}; month 1 costs {ours} against "
                    f"{theirs} for the baseline. Recomputed in {ms:.0f} ms."
                )
            )
        if outcome.scenario is not None and outcome.scenario.workloads:
            workloads_section(outcome.scenario, portfolio, portfolio_problems, index)
        # One chart at a time: building a plotly figure takes ~25 ms, five would triple
        # the time each change takes to show.
        views: dict[str, Any] = {
            "Cumulative cost": lambda: charts.cumulative_costs(analysis),
            "Monthly by component": lambda: charts.monthly_components(analysis, index),
            "One-time cost": lambda: charts.one_time_items(analysis),
            "Cost per 1k requests": lambda: charts.cost_per_1k_vs_traffic(analysis),
            "Drivers": lambda: charts.drivers(analysis, index),
        }
        one_workload = ""  # a portfolio's view of its first workload: said in its title
        if portfolio is not None:  # the headline's curves first, as `payback report` draws
            views, one_workload = portfolio_views(portfolio, index, views)
        stored = st.session_state.get("mc")
        if stored is not None and isinstance(stored[2], Analysis):  # a portfolio's: no charts
            views["Sampled savings"] = lambda: charts.savings_fan(stored[2], index)
            views["Sampled break-even"] = lambda: charts.break_even_histogram(stored[2], index)
        if st.session_state.get("view") not in views:  # a sampled chart, sampling gone
            st.session_state["view"] = "Cumulative cost"
        view = st.radio(
            "Chart", list(views), horizontal=True, key="view", label_visibility="collapsed"
        )
        chart = views.get(str(view), views["Cumulative cost"])()
        if stored is not None and str(view).startswith("Sampled") and stored[0] != data_key:
            st.caption("Out of date: sampled before the last change.")
        if chart is None:
            st.info("No input moves the NPV.")
        elif FIRST_RUN:
            st.caption("Drawing the chart…")
        elif one_workload and str(view) not in PORTFOLIO_VIEWS:
            show(dataclasses.replace(chart, title=chart.title + one_workload))
        else:
            show(chart)

        with st.expander("What would it take?", expanded=False):
            mine = f"alternatives.{index}."
            # which inputs solve takes, asked of it (~1 ms an input) again when more than a
            # number changes: a number typed keeps the page's change quick
            shape = (_numbers_out(data), analysis.input_paths, index)
            offered = st.session_state.get("take:offered")
            if offered is None or offered[0] != shape:
                offered = (shape, solvable_inputs(analysis, index))
                st.session_state["take:offered"] = offered
            choices = offered[1]
            # another alternative shown: the same input of this one (the box kept the
            # other's, not among these choices, and solved it for this one)
            kept = str(st.session_state.get("take:vary", choices[0]))
            if kept not in choices:
                same = re.sub(r"^alternatives\.\d+\.", mine, kept)
                st.session_state["take:vary"] = same if same in choices else choices[0]
            parameter = str(
                st.selectbox(
                    "Input to solve for",
                    choices,
                    key="take:vary",
                    format_func=lambda p: input_label(p)[0].upper() + input_label(p)[1:],
                )
            )
            st.caption(f"In the file: `{parameter}`")
            targets = {
                "break_even_month": "Break-even month",
                "npv_usd": f"NPV over {months_text(analysis.horizon_months)} [$]",
                "break_even_requests": "Requests until break-even",
            }
            c1, c2 = st.columns([3, 2])
            with c1:
                metric = str(
                    st.selectbox(
                        "Target",
                        list(METRICS),
                        key="take:metric",
                        format_func=lambda m: targets[str(m)],
                    )
                )
            # goals that can be met: a quarter; an NPV of 0; today's break-even requests,
            # rounded up so today meets it (a quarter's traffic when it never pays back)
            goals = {
                "break_even_month": float(min(QUARTER_MONTHS, analysis.horizon_months)),
                "npv_usd": 0.0,
                "break_even_requests": float(
                    math.ceil(alt.break_even_requests)
                    if alt.break_even_requests is not None
                    else 3 * analysis.scenario.traffic.requests_per_month
                ),
            }
            with c2:
                untouched(f"take:{metric}", show_number(goals[metric]))
                typed = st.text_input("equals", key=f"take:{metric}")
            goal, problem = read_goal(
                targets[metric],
                metric,
                str(typed),
                show_number(goals[metric]),
                analysis.horizon_months,
            )
            if problem is not None:
                st.error(message_markdown(problem), icon=":material/error:")
            # solving tries thousands of values: only while asked, so other changes stay quick
            asked = st.toggle("Work it out (again on every change)", key="take:on")
            if asked and goal is not None:
                for line in what_it_takes(analysis, index, parameter, metric, goal):
                    st.write(written(line))  # in the page's words and units: see take.py

# a download is the file of the page's latest run (a box's new number, sent as the button
# is clicked, starts a run first): see fresh.py
if "latest" not in st.session_state:  # no run context: the module imported, not served
    run_context = get_script_run_ctx()
    st.session_state.latest = Latest(run_context.session_id if run_context else "", {})
latest: Latest = st.session_state.latest
with downloads:
    if outcome is not None and outcome.scenario is not None and analysis is not None:
        shown_file = dataclasses.replace(held, edits=dict(held.edits))
        latest.offer("scenario", shown_file.file_text)
        st.download_button(
            f"Edited scenario ({held.fmt.upper()})",
            # written when clicked, with the values then on the page
            latest.maker("scenario", held.fmt),
            file_name=held.download_name(),
            mime="application/toml" if held.fmt == "toml" else "application/yaml",
            key="dl:scenario",
            on_click="ignore",
            help="The file you opened, its comments kept, with the numbers now on the page.",
        )
        # the chances worked out for the numbers now on the page go in, as `payback report
        # FILE --samples N` puts them (the savings fan, the break-even histogram)
        sampled = st.session_state.get("mc")
        current = sampled[2] if sampled is not None and sampled[0] == data_key else None
        made_from = (current if isinstance(current, Analysis) else analysis, portfolio)

        def _report() -> str:  # the portfolio's for a file with workloads, as the headline
            return report_html(*made_from)

        latest.offer("report", _report)
        st.download_button(
            "HTML report",
            latest.maker("report", "html"),
            file_name=f"{Path(held.name).stem or 'scenario'}-report.html",
            mime="text/html",
            key="dl:report",
            on_click="ignore",
            help=(
                "The workloads moved together, as `payback report` writes them: the "
                "verdict, each alternative's costs, what each workload brings and the "
                "order to move them in; opens offline. Made when you click."
                if portfolio is not None
                else "One self-contained page with every chart (plotly inlined, a few MB), "
                "the sampled chances too when they are up to date; opens offline. Made when "
                "you click."
            ),
        )
    else:
        why = lines_in_page_words(line for lines in problems.values() for line in lines)
        latest.offer("scenario", None, why)  # a click just sent: the file says why not
        latest.offer("report", None, why)
        st.caption("Downloads come back when every input is allowed.")

# ---------------------------------------------------------------- the inputs, drawn

form = Form(held)
form.estimates = analysis.resolved.details if analysis is not None else {}
form.answered = analysis.resolved.scenario if analysis is not None else dry.answered
boxes: dict[str, Any] = {}
with left, st.container(key="inputs"):
    general = st.container()
    _inputs(form, boxes)
for line in form.show_problems(_problems(form.rejected, outcome)):
    with boxes.get(section_of(line), general):
        st.error(message_markdown(line), icon=":material/error:")
if (held.edits, form.rejected) == (edits_seen, dry.rejected):
    st.session_state.pop("redrawing", None)
else:  # the drawn inputs hold other values than the answer was worked out from: again
    st.session_state["redrawn"] = st.session_state.get("redrawn", 0) + 1  # read by tests
    st.session_state["redrawing"] = st.session_state.get("redrawing", 0) + 1
    if st.session_state["redrawing"] < 3:
        st.rerun()

st.session_state.render_seconds = time.perf_counter() - started  # read by benchmarks/bench_web.py
if FIRST_RUN:  # the chart, now that the browser has the answer and its figures
    st.session_state["charted"] = True
    st.rerun()
