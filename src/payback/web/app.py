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

import streamlit as st

import payback
from payback import Analysis, default_catalog, usd
from payback.report import charts, render_html
from payback.report.html import figure
from payback.studies.solve import METRICS
from payback.web.state import (
    central,
    evaluate_inputs,
    get_path,
    read_upload,
    solvable_inputs,
    what_it_takes,
)

started = time.perf_counter()
st.set_page_config(page_title="payback: does fine-tuning pay back?", layout="wide")

STARTER = Path(payback.__file__).parent / "data" / "starter.toml"
PRECISIONS = ["bf16", "fp8", "int8", "int4"]


# ---------------------------------------------------------------- loading


def _load_initial() -> tuple[dict[str, Any], str]:
    args = [a for a in sys.argv[1:] if a]
    path = Path(args[0]) if args else STARTER
    try:
        return payback.read_scenario_data(path), path.name
    except payback.PaybackError as exc:
        st.error(" ".join(exc.messages))
        return payback.read_scenario_data(STARTER), STARTER.name


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

raw: dict[str, Any] = st.session_state.raw
edits: dict[str, Any] = {}


def _value(path: str, default: Any) -> Any:
    value = central(get_path(raw, path, default))
    return default if value is None else value


def number(
    label: str,
    path: str,
    default: float,
    *,
    step: float,
    fmt: str = "%.2f",
    minimum: float | None = 0.0,
    maximum: float | None = None,
    help: str | None = None,
    scale: float = 1.0,
) -> None:
    """A number input bound to a scenario path (``scale`` shows fractions as percents)."""
    start = float(_value(path, default)) * scale
    shown = st.number_input(
        label,
        value=start,
        step=float(step),
        format=fmt,
        min_value=None if minimum is None else float(minimum),
        max_value=None if maximum is None else float(maximum),
        key=f"in:{path}",
        help=help,
    )
    edits[path] = float(shown) / scale


def whole(
    label: str,
    path: str,
    default: int,
    *,
    minimum: int = 0,
    maximum: int | None = None,
    help: str | None = None,
) -> None:
    start = int(_value(path, default))
    edits[path] = int(
        st.number_input(
            label,
            value=start,
            step=1,
            min_value=minimum,
            max_value=maximum,
            key=f"in:{path}",
            help=help,
        )
    )


def quarter_text(within: dict[str, bool | None] | None) -> str:
    answer = (within or {}).get("3")
    return "unknown (horizon too short)" if answer is None else ("yes" if answer else "no")


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
    with st.expander("Horizon and money", expanded=False):
        boxes["scenario"] = st.container()
        whole("Horizon [months]", "scenario.horizon_months", 24, minimum=1, maximum=600)
        number(
            "Discount rate [% a year]",
            "scenario.discount_rate_annual",
            0.0,
            step=1.0,
            fmt="%.1f",
            scale=100,
            maximum=100.0,
            help="For the NPV; 10 means 10% a year.",
        )
    with st.expander("Traffic", expanded=True):
        boxes["traffic"] = st.container()
        number(
            "Requests per month (month 1)",
            "traffic.requests_per_month",
            200_000,
            step=10_000,
            fmt="%.0f",
            minimum=None,
        )
        number(
            "Growth [% a month]",
            "traffic.growth_monthly",
            0.0,
            step=1.0,
            fmt="%.1f",
            scale=100,
            minimum=-99.0,
            maximum=100.0,
        )
        c1, c2 = st.columns(2)
        with c1:
            number("Input tokens per request", "traffic.input_tokens", 1000, step=100, fmt="%.0f")
        with c2:
            number("Output tokens per request", "traffic.output_tokens", 200, step=50, fmt="%.0f")
        number(
            "Cached input tokens [%]",
            "traffic.cached_input_share",
            0.0,
            step=5.0,
            fmt="%.0f",
            scale=100,
            maximum=100.0,
        )
        number(
            "Busiest hour / average hour",
            "traffic.peak_to_average",
            1.0,
            step=0.5,
            fmt="%.1f",
            minimum=1.0,
            help="Sizes an always-on fleet for the peak.",
        )

    with st.expander("Baseline: what you do today", expanded=True):
        boxes["baseline"] = st.container()
        kind = get_path(raw, "baseline.kind")
        st.caption(f"**{get_path(raw, 'baseline.name', 'baseline')}** ({kind})")
        if kind == "hosted_api":
            modes = ["API model from the catalog", "Prices I type"]
            mode = st.radio(
                "Prices",
                modes,
                index=0 if get_path(raw, "baseline.model") else 1,
                horizontal=True,
                key="in:baseline.mode",
            )
            if mode == modes[0]:
                refs = [p.ref for p in payback.search_api_models("")]
                current = get_path(raw, "baseline.model") or "openai:gpt-4o"
                resolved_current = (
                    payback.api_price(current).ref if current not in refs else current
                )
                edits["baseline.model"] = st.selectbox(
                    "API model",
                    refs,
                    index=refs.index(resolved_current) if resolved_current in refs else 0,
                    key="in:baseline.model",
                )
                for field in (
                    "input_usd_per_mtok",
                    "cached_input_usd_per_mtok",
                    "output_usd_per_mtok",
                ):
                    edits[f"baseline.{field}"] = None
            else:
                edits["baseline.model"] = None
                number("Input [$ per 1M tokens]", "baseline.input_usd_per_mtok", 2.5, step=0.25)
                number(
                    "Cached input [$ per 1M tokens]",
                    "baseline.cached_input_usd_per_mtok",
                    float(_value("baseline.input_usd_per_mtok", 2.5)),
                    step=0.25,
                )
                number("Output [$ per 1M tokens]", "baseline.output_usd_per_mtok", 10.0, step=0.5)
            number(
                "Price trend [% a year]",
                "baseline.price_change_annual",
                0.0,
                step=5.0,
                fmt="%.0f",
                scale=100,
                minimum=-99.0,
                maximum=100.0,
                help="-30 means prices fall 30% a year.",
            )
        elif kind == "per_request":
            number("Price [$ per 1,000 requests]", "baseline.usd_per_1k_requests", 15.0, step=0.5)
        else:
            st.info(
                "A self-hosted baseline is edited in the scenario file; its numbers are used as they are."
            )

    alternatives = get_path(raw, "alternatives", [])
    names = [a.get("name", f"alternative {i}") for i, a in enumerate(alternatives)]
    index = (
        st.selectbox(
            "Alternative (shown on the right, edited below)",
            range(len(names)),
            format_func=lambda i: names[i],
            key="in:alternative",
        )
        if len(names) > 1
        else 0
    )
    a = f"alternatives.{index}"
    with st.expander(f"Alternative: {names[index] if names else '?'}", expanded=True):
        boxes["alternative"] = st.container()
        kind = get_path(raw, f"{a}.kind")
        if kind == "self_hosted":
            catalog = default_catalog()
            modes = [
                "GPU and model from the catalog (capacity estimated)",
                "Capacity and price I type",
            ]
            estimated = (
                get_path(raw, f"{a}.model") is not None and get_path(raw, f"{a}.gpu") is not None
            )
            mode = st.radio("Serving", modes, index=0 if estimated else 1, key=f"in:{a}.mode")
            if mode == modes[0]:
                gpus, models = list(catalog.gpus), list(catalog.models)
                gpu = get_path(raw, f"{a}.gpu") or "l4"
                model = get_path(raw, f"{a}.model") or "qwen2.5-7b"
                c1, c2, c3 = st.columns(3)
                with c1:
                    edits[f"{a}.gpu"] = st.selectbox(
                        "GPU", gpus, index=gpus.index(gpu) if gpu in gpus else 0, key=f"in:{a}.gpu"
                    )
                with c2:
                    edits[f"{a}.model"] = st.selectbox(
                        "Model",
                        models,
                        index=models.index(model) if model in models else 0,
                        key=f"in:{a}.model",
                    )
                with c3:
                    precision = get_path(raw, f"{a}.precision", "bf16")
                    edits[f"{a}.precision"] = st.selectbox(
                        "Precision",
                        PRECISIONS,
                        index=PRECISIONS.index(precision),
                        key=f"in:{a}.precision",
                    )
                edits[f"{a}.replica_requests_per_s"] = None
                edits[f"{a}.usd_per_gpu_hour"] = None
                edits[f"{a}.gpus_per_replica"] = None
            else:
                edits[f"{a}.model"] = None
                number("GPU rent [$ per GPU-hour]", f"{a}.usd_per_gpu_hour", 1.0, step=0.1)
                number(
                    "Requests/s one replica serves",
                    f"{a}.replica_requests_per_s",
                    5.0,
                    step=0.5,
                    minimum=None,
                    help="At your token lengths: measure it with a load test.",
                )
                whole("GPUs per replica", f"{a}.gpus_per_replica", 1, minimum=1, maximum=64)
            c1, c2 = st.columns(2)
            with c1:
                whole("Replicas always on (minimum)", f"{a}.min_replicas", 1, minimum=1)
            with c2:
                number(
                    "Planned load at the peak [%]",
                    f"{a}.target_utilization",
                    0.7,
                    step=5.0,
                    fmt="%.0f",
                    scale=100,
                    minimum=None,
                    maximum=100.0,
                )
            edits[f"{a}.always_on"] = st.checkbox(
                "Always on (off: scale to zero, pay busy GPU-hours)",
                value=bool(get_path(raw, f"{a}.always_on", True)),
                key=f"in:{a}.always_on",
            )
        elif kind == "per_request":
            number("Price [$ per 1,000 requests]", f"{a}.usd_per_1k_requests", 2.0, step=0.25)
        elif kind == "hosted_api":
            st.info("A hosted-API alternative keeps the prices in its file.")
        number(
            "Requests still sent to the baseline [%]",
            f"{a}.escalation_share",
            0.0,
            step=1.0,
            fmt="%.0f",
            scale=100,
            maximum=99.0,
        )
        number(
            "Ops, monitoring, on-call [$ per month]",
            f"{a}.ops_usd_per_month",
            0.0,
            step=100.0,
            fmt="%.0f",
        )

    with st.expander("One-time costs", expanded=True):
        boxes["one_time"] = st.container()
        p = f"{a}.one_time"
        number("Data: collect, label, clean [$]", f"{p}.data_usd", 0.0, step=500.0, fmt="%.0f")
        c1, c2 = st.columns(2)
        with c1:
            number("Engineering [hours]", f"{p}.engineer_hours", 0.0, step=10.0, fmt="%.0f")
        with c2:
            number(
                "Engineering [$ per hour]", f"{p}.engineer_usd_per_hour", 0.0, step=10.0, fmt="%.0f"
            )
        number("Eval harness [$]", f"{p}.eval_usd", 0.0, step=500.0, fmt="%.0f")
        if (
            get_path(raw, f"{p}.training") is not None
            and get_path(raw, f"{p}.training_usd") is None
        ):
            st.caption("One training run's cost is estimated from the file's training job.")
        else:
            number("One training run [$]", f"{p}.training_usd", 0.0, step=10.0, fmt="%.0f")
        whole("Training runs (sweeps and failures count)", f"{p}.training_runs", 1, minimum=0)

    with st.expander("Recurring costs", expanded=False):
        boxes["recurring"] = st.container()
        whole(
            "Retrain every [months] (0: never)",
            f"{a}.recurring.retrain_every_months",
            0,
            minimum=0,
            maximum=600,
        )
        number("One retraining [$]", f"{a}.recurring.retrain_usd", 0.0, step=100.0, fmt="%.0f")

    priced = {
        name: any(get_path(raw, f"{o}.{name}") is not None for o in ("baseline", a))
        for name in ("quality", "latency")
    }
    with st.expander("Quality and latency as money", expanded=any(priced.values())):
        boxes["quality"] = st.container()
        st.caption(
            "An error is a request whose answer needs rework, a refund or a retry; rates come "
            "from your eval. Escalated requests carry the baseline's rate and latency."
        )
        if st.checkbox("Price errors (quality)", value=priced["quality"], key="in:quality.on"):
            c1, c2 = st.columns(2)
            with c1:
                number(
                    "Baseline error rate [%]",
                    "baseline.quality.error_rate",
                    0.0,
                    step=0.5,
                    fmt="%.2f",
                    scale=100,
                    maximum=100.0,
                )
            with c2:
                number(
                    "Alternative error rate [%]",
                    f"{a}.quality.error_rate",
                    0.0,
                    step=0.5,
                    fmt="%.2f",
                    scale=100,
                    maximum=100.0,
                )
            cost = float(_value("baseline.quality.usd_per_error", 0.0))
            number(
                "Cost of one error, baseline [$]", "baseline.quality.usd_per_error", 0.0, step=0.5
            )
            number(
                "Cost of one error, alternative [$]", f"{a}.quality.usd_per_error", cost, step=0.5
            )
        else:
            edits["baseline.quality"] = None
            edits[f"{a}.quality"] = None
        if st.checkbox("Price waiting (latency)", value=priced["latency"], key="in:latency.on"):
            c1, c2 = st.columns(2)
            with c1:
                number("Baseline p50 [ms]", "baseline.latency.p50_ms", 0.0, step=100.0, fmt="%.0f")
            with c2:
                number("Alternative p50 [ms]", f"{a}.latency.p50_ms", 0.0, step=100.0, fmt="%.0f")
            worth = "latency.usd_per_second_per_1k_requests"
            given = {o: central(get_path(raw, f"{o}.{worth}")) for o in ("baseline", a)}
            # one input for every option unless the file gives the alternative its own
            if given[a] is None or given[a] == given["baseline"]:
                number(
                    "A second of waiting, per 1,000 requests [$]",
                    f"baseline.{worth}",
                    0.0,
                    step=0.01,
                    fmt="%.3f",
                    help="Users' or agents' time, conversion lost; used for every option.",
                )
                edits[f"{a}.{worth}"] = edits[f"baseline.{worth}"]
            else:
                c1, c2 = st.columns(2)
                for column, option, who in ((c1, "baseline", "baseline"), (c2, a, "alternative")):
                    with column:
                        number(
                            f"A second of waiting per 1,000 requests, {who} [$]",
                            f"{option}.{worth}",
                            0.0,
                            step=0.01,
                            fmt="%.3f",
                            help="Users' or agents' time, conversion lost, as the file gives it "
                            "for this option.",
                        )
        else:
            edits["baseline.latency"] = None
            edits[f"{a}.latency"] = None

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
            payback.dump_scenario(outcome.scenario),
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
