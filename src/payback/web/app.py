"""The payback page: `payback serve [FILE]` runs this with Streamlit.

Every input maps to one dotted path of the scenario; each change rebuilds the scenario,
validates it with the same schema as the command line, and re-runs the analysis.
Uploads are read in memory; the server writes nothing to disk.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import streamlit as st  # this module is the page Streamlit runs: it draws as it runs

import payback
from payback import Analysis
from payback.analysis.result import usd
from payback.report import charts, render_html
from payback.report.common import quarter_text
from payback.report.html import figure
from payback.scenario import dump_scenario, read_scenario_data
from payback.studies.solve import METRICS
from payback.web.inputs import (
    Form,
    alternative_choice,
    alternative_inputs,
    baseline_inputs,
    horizon_inputs,
    one_time_inputs,
    quality_inputs,
    recurring_inputs,
    traffic_inputs,
)
from payback.web.state import evaluate_inputs, read_upload, solvable_inputs, what_it_takes

started = time.perf_counter()
st.set_page_config(page_title="payback: does fine-tuning pay back?", layout="wide")

STARTER = Path(payback.__file__).parent / "data" / "starter.toml"


# ---------------------------------------------------------------- loading


def _load_initial() -> tuple[dict[str, Any], str]:
    args = [a for a in sys.argv[1:] if a]
    path = Path(args[0]) if args else STARTER
    try:
        return read_scenario_data(path), path.name
    except payback.PaybackError as exc:
        st.error(" ".join(exc.messages))
        return read_scenario_data(STARTER), STARTER.name


def _reset_inputs() -> None:
    for key in [k for k in st.session_state if str(k).startswith("in:")]:
        del st.session_state[key]
    st.session_state.pop("mc", None)


if "raw" not in st.session_state:
    st.session_state.raw, st.session_state.source = _load_initial()
    # the opened file's folder, where its relative paths (a calibration) are read from
    opened = [a for a in sys.argv[1:] if a]
    st.session_state.base = Path(opened[0]).resolve().parent if opened else None

with st.sidebar:
    st.header("Scenario")
    upload = st.file_uploader(
        "Open a scenario file (TOML or YAML)", type=["toml", "yaml", "yml"], key="upload"
    )
    if upload is not None and st.session_state.get("uploaded") != upload.file_id:
        data, problems = read_upload(upload.name, upload.getvalue())
        for line in problems:
            st.error(line)
        if data is not None:
            st.session_state.raw, st.session_state.source = data, upload.name
            st.session_state.base = None
            st.session_state.uploaded = upload.file_id
            _reset_inputs()
    st.caption(
        f"Showing **{st.session_state.source}**. Nothing you upload is stored on the server."
    )

form = Form(st.session_state.raw)
raw, edits = form.raw, form.edits


def show(chart: charts.Chart, where: str = "tab") -> None:
    """A report chart, its title above it (plotly would cut a long one) and its note below."""
    fig = figure(chart)
    fig.update_layout(title_text=None, margin={"t": 30})
    for note in fig.layout.annotations:  # the column is narrow: the label's colour names the line
        if note.text and ": break-even" in note.text:
            note.text = note.text.split(": ", 1)[1]
    st.markdown(f"**{chart.title}**")
    st.plotly_chart(
        fig, width="stretch", config={"displaylogo": False}, key=f"chart:{where}:{chart.key}"
    )
    if chart.note:
        st.caption(chart.note)


# ---------------------------------------------------------------- inputs

st.title("Does fine-tuning and self-hosting pay back?")
st.caption(
    "Change any number on the left and the answer on the right follows. "
    "Open your own scenario file in the sidebar; download the edited one there too."
)
inputs, results = st.columns([2, 3], gap="large")
boxes: dict[str, Any] = {}

with inputs:
    horizon_inputs(form, boxes)
    traffic_inputs(form, boxes)
    baseline_inputs(form, boxes)
    index = alternative_choice(form)
    a = f"alternatives.{index}"
    alternative_inputs(form, boxes, index)
    one_time_inputs(form, boxes, a)
    recurring_inputs(form, boxes, a)
    quality_inputs(form, boxes, a)

# ---------------------------------------------------------------- results

outcome = evaluate_inputs(raw, edits, st.session_state.get("base"))
inputs_key = hashlib.sha256(
    json.dumps(outcome.data, sort_keys=True, default=str).encode()
).hexdigest()
for section, lines in outcome.problems.items():
    target = boxes.get(section)
    for line in lines:
        (target.error(line) if target is not None else st.error(line))

with results:
    analysis: Analysis | None = outcome.analysis
    if analysis is None:
        st.warning(
            "Fix the inputs marked in red; the answer appears as soon as the scenario is valid."
        )
        if "general" in outcome.problems:
            for line in outcome.problems["general"]:
                st.error(line)
    else:
        alt = analysis.alternatives[index]
        st.subheader(alt.name)
        st.markdown(f"**Verdict:** {analysis.verdict()}", help="The alternative with the best NPV.")
        m1, m2 = st.columns(2)
        m1.metric(
            "Break-even",
            "never" if alt.break_even_month is None else f"month {alt.break_even_month:.1f}",
        )
        m2.metric(
            "Requests until then",
            "—" if alt.break_even_requests is None else f"{alt.break_even_requests:,.0f}",
        )
        m3, m4 = st.columns(2)
        m3.metric("Pays back within a quarter?", quarter_text(alt.pays_back_within))
        m4.metric(f"NPV over {analysis.horizon_months} months", usd(alt.npv_usd, 0))
        if alt.reason:
            st.caption(f"Why not: {alt.reason}")
        if alt.infrastructure_only is not None:
            plain = alt.infrastructure_only
            month = plain["break_even_month"]
            st.caption(
                "Infrastructure only (errors and waiting left out): "
                + ("never pays back" if month is None else f"break-even month {month:.1f}")
                + f", NPV {usd(plain['npv_usd'] or 0.0, 0)}."
            )
        st.caption(
            f"One-time cost {usd(alt.one_time_usd, 0)}; month 1 costs {usd(alt.monthly_cost_usd[0], 0)} against "
            f"{usd(analysis.baseline.monthly_cost_usd[0], 0)} for the baseline. Recomputed in {outcome.seconds * 1000:.0f} ms."
        )
        # One chart at a time: building a plotly figure takes ~25 ms, five would triple
        # the time each change takes to show.
        views: dict[str, Any] = {
            "Cumulative cost": lambda: charts.cumulative_costs(analysis),
            "Monthly by component": lambda: charts.monthly_components(analysis, index),
            "One-time cost": lambda: charts.one_time_items(analysis),
            "Cost per 1k requests": lambda: charts.cost_per_1k_vs_traffic(analysis),
            "Drivers": lambda: charts.drivers(analysis, index),
        }
        view = st.radio(
            "Chart", list(views), horizontal=True, key="view", label_visibility="collapsed"
        )
        chart = views[view]()
        if chart is None:
            st.info("No input moves the NPV.")
        else:
            show(chart)

        with st.expander("What would it take?", expanded=False):
            choices = solvable_inputs(analysis)
            c1, c2, c3 = st.columns([3, 2, 1])
            with c1:
                parameter = st.selectbox("Input to solve for", choices, key="take:vary")
            with c2:
                metric = st.selectbox("Target", list(METRICS), key="take:metric")
            # goals that can be met: a quarter; an NPV of 0; today's break-even requests,
            # rounded up so today meets it (a quarter's traffic when it never pays back)
            start = {
                "break_even_month": 3.0,
                "npv_usd": 0.0,
                "break_even_requests": float(
                    math.ceil(alt.break_even_requests)
                    if alt.break_even_requests is not None
                    else 3 * analysis.scenario.traffic.requests_per_month
                ),
            }
            with c3:
                goal = st.number_input(
                    "equals", value=start.get(str(metric), 0.0), key=f"take:{metric}"
                )
            # solving tries thousands of values: only while asked, so other changes stay quick
            if st.toggle("Work it out (again on every change)", key="take:on"):
                for line in what_it_takes(
                    analysis, index, str(parameter), str(metric), float(goal)
                ):
                    st.write(line)

        with st.expander("How sure is this? (Monte Carlo over the file's ranges)", expanded=False):
            if not outcome.scenario or not outcome.scenario.distributions:
                st.info(
                    "The scenario has no ranges ({ dist = ... } tables), so sampling would repeat one answer. "
                    "The Drivers chart moves each number over an assumed range instead."
                )
            else:
                samples = st.select_slider(
                    "Samples",
                    options=[1_000, 5_000, 20_000, 50_000, 200_000],
                    value=20_000,
                    key="mc:samples",
                )
                if st.button("Run Monte Carlo", key="mc:run"):
                    bar = st.progress(0.0, text="sampling")

                    def advance(done: int, total: int) -> None:
                        bar.progress(done / total, text=f"sampling {done:,} of {total:,}")

                    result = payback.analyze(outcome.scenario, samples=samples, progress=advance)
                    bar.empty()
                    st.session_state.mc = (inputs_key, result)
                stored = st.session_state.get("mc")
                if stored and stored[0] == inputs_key:
                    sampled = stored[1]
                    u = sampled.uncertainty.alternatives[index]
                    w = u.p_break_even_within
                    st.write(
                        f"Pays back within a quarter in **{w['3']:.0%}** of samples, within a year in "
                        f"**{'?' if w['12'] is None else format(w['12'], '.0%')}**, within the horizon in **{w['horizon']:.0%}**."
                    )
                    for build in (charts.savings_fan, charts.break_even_histogram):
                        made = build(sampled, index)
                        if made is not None:
                            show(made, "sampled")

with st.sidebar:
    st.header("Download")
    if outcome.scenario is not None:
        name = Path(st.session_state.source).stem or "scenario"
        st.download_button(
            "Edited scenario (TOML)",
            dump_scenario(outcome.scenario),
            file_name=f"{name}.toml",
            mime="application/toml",
            key="dl:scenario",
        )
        if st.button(
            "Prepare the HTML report",
            key="dl:prepare",
            help="One self-contained page with every chart (plotly inlined, a few MB); opens offline.",
        ):
            st.session_state.report = (inputs_key, render_html(outcome.analysis))  # type: ignore[arg-type]
        report = st.session_state.get("report")
        if report and report[0] == inputs_key:
            st.download_button(
                "HTML report",
                report[1],
                file_name=f"{name}-report.html",
                mime="text/html",
                key="dl:report",
            )
    else:
        st.caption("Downloads appear when the scenario is valid.")

st.session_state.render_seconds = time.perf_counter() - started  # read by benchmarks/bench_web.py
