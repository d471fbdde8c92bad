"""The page's inputs, one function per section of the form: each draws its widgets and
records what they hold, by scenario path, in :attr:`Form.edits`. Streamlit is imported
inside the functions (it is the page's, and slow to import)."""

from __future__ import annotations

from typing import Any

from payback.catalog import OpenModel, default_catalog
from payback.catalog.apis import api_price, search_api_models
from payback.web.state import central, get_path

__all__ = [
    "PRECISIONS",
    "Form",
    "alternative_choice",
    "alternative_inputs",
    "baseline_inputs",
    "horizon_inputs",
    "one_time_inputs",
    "quality_inputs",
    "recurring_inputs",
    "traffic_inputs",
]

PRECISIONS = ["bf16", "fp8", "int8", "int4", "mxfp4"]


def start(key: str, value: Any) -> None:
    """Give the widget ``key`` its starting value through session state, once.

    A widget's value set this way reaches the browser with the page (Streamlit sends it
    as a new value); a ``value=`` or ``index=`` argument does not when the browser already
    holds a widget of that key, and the browser would send its old value back on the next
    change. So after a new file resets the inputs (their keys deleted), every box shows,
    and sends, the new file's value."""
    import streamlit as st

    if key not in st.session_state:
        st.session_state[key] = value


class Form:
    """The scenario as opened (``raw``) and the values the inputs hold, by dotted path
    (``edits``; ``None`` removes the field)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.edits: dict[str, Any] = {}

    def value(self, path: str, default: Any) -> Any:
        value = central(get_path(self.raw, path, default))
        return default if value is None else value

    def number(
        self,
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
        import streamlit as st

        start(f"in:{path}", float(self.value(path, default)) * scale)
        shown = st.number_input(
            label,
            step=float(step),
            format=fmt,
            min_value=None if minimum is None else float(minimum),
            max_value=None if maximum is None else float(maximum),
            key=f"in:{path}",
            help=help,
        )
        self.edits[path] = float(shown) / scale

    def whole(
        self,
        label: str,
        path: str,
        default: int,
        *,
        minimum: int = 0,
        maximum: int | None = None,
        help: str | None = None,
    ) -> None:
        """A whole-number input bound to a scenario path."""
        import streamlit as st

        start(f"in:{path}", int(self.value(path, default)))
        self.edits[path] = int(
            st.number_input(
                label,
                step=1,
                min_value=minimum,
                max_value=maximum,
                key=f"in:{path}",
                help=help,
            )
        )


def horizon_inputs(form: Form, boxes: dict[str, Any]) -> None:
    """The horizon and the discount rate."""
    import streamlit as st

    with st.expander("Horizon and money", expanded=False):
        boxes["scenario"] = st.container()
        form.whole("Horizon [months]", "scenario.horizon_months", 24, minimum=1, maximum=600)
        form.number(
            "Discount rate [% a year]",
            "scenario.discount_rate_annual",
            0.0,
            step=1.0,
            fmt="%.1f",
            scale=100,
            maximum=100.0,
            help="For the NPV; 10 means 10% a year.",
        )


def traffic_inputs(form: Form, boxes: dict[str, Any]) -> None:
    """Traffic: requests, growth, token lengths, the busiest hour."""
    import streamlit as st

    with st.expander("Traffic", expanded=True):
        boxes["traffic"] = st.container()
        form.number(
            "Requests per month (month 1)",
            "traffic.requests_per_month",
            200_000,
            step=10_000,
            fmt="%.0f",
            minimum=None,
        )
        form.number(
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
            form.number(
                "Input tokens per request", "traffic.input_tokens", 1000, step=100, fmt="%.0f"
            )
        with c2:
            form.number(
                "Output tokens per request", "traffic.output_tokens", 200, step=50, fmt="%.0f"
            )
        form.number(
            "Cached input tokens [%]",
            "traffic.cached_input_share",
            0.0,
            step=5.0,
            fmt="%.0f",
            scale=100,
            maximum=100.0,
        )
        form.number(
            "Busiest hour / average hour",
            "traffic.peak_to_average",
            1.0,
            step=0.5,
            fmt="%.1f",
            minimum=1.0,
            help="Sizes an always-on fleet for the peak.",
        )


def baseline_inputs(form: Form, boxes: dict[str, Any]) -> None:
    """The baseline, by its kind: an API model or typed prices, or a price per request."""
    import streamlit as st

    with st.expander("Baseline: what you do today", expanded=True):
        boxes["baseline"] = st.container()
        kind = get_path(form.raw, "baseline.kind")
        st.caption(f"**{get_path(form.raw, 'baseline.name', 'baseline')}** ({kind})")
        if kind == "hosted_api":
            modes = ["API model from the catalog", "Prices I type"]
            start("in:baseline.mode", modes[0 if get_path(form.raw, "baseline.model") else 1])
            mode = st.radio(
                "Prices",
                modes,
                horizontal=True,
                key="in:baseline.mode",
            )
            if mode == modes[0]:
                refs = [p.ref for p in search_api_models("")]
                current = get_path(form.raw, "baseline.model") or "openai:gpt-4o"
                resolved_current = api_price(current).ref if current not in refs else current
                start(
                    "in:baseline.model", resolved_current if resolved_current in refs else refs[0]
                )
                form.edits["baseline.model"] = st.selectbox(
                    "API model",
                    refs,
                    key="in:baseline.model",
                )
                for field in (
                    "input_usd_per_mtok",
                    "cached_input_usd_per_mtok",
                    "output_usd_per_mtok",
                ):
                    form.edits[f"baseline.{field}"] = None
            else:
                form.edits["baseline.model"] = None
                form.number(
                    "Input [$ per 1M tokens]", "baseline.input_usd_per_mtok", 2.5, step=0.25
                )
                form.number(
                    "Cached input [$ per 1M tokens]",
                    "baseline.cached_input_usd_per_mtok",
                    float(form.value("baseline.input_usd_per_mtok", 2.5)),
                    step=0.25,
                )
                form.number(
                    "Output [$ per 1M tokens]", "baseline.output_usd_per_mtok", 10.0, step=0.5
                )
            form.number(
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
            form.number(
                "Price [$ per 1,000 requests]", "baseline.usd_per_1k_requests", 15.0, step=0.5
            )
        else:
            st.info(
                "A self-hosted baseline is edited in the scenario file; its numbers are used as they are."
            )


def alternative_choice(form: Form) -> int:
    """Which alternative the page shows and edits (a choice only when there are several)."""
    import streamlit as st

    alternatives = get_path(form.raw, "alternatives", [])
    names = [a.get("name", f"alternative {i}") for i, a in enumerate(alternatives)]
    if len(names) > 1:
        start("in:alternative", 0)
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
    return int(index)


def _model_label(model: OpenModel) -> str:
    """A model in the picker: its id, and for a mixture of experts its active and total
    parameters (mxfp4 applies to its experts)."""
    if model.active_params_b is None:
        return model.id
    return f"{model.id} (MoE: {model.active_params_b:g}B of {model.params_b:g}B active)"


def _self_hosted_inputs(form: Form, a: str) -> None:
    """A self-hosted alternative: GPU, model and precision from the catalog (capacity
    estimated) or typed capacity and rent; its fleet."""
    import streamlit as st

    catalog = default_catalog()
    modes = [
        "GPU and model from the catalog (capacity estimated)",
        "Capacity and price I type",
    ]
    estimated = (
        get_path(form.raw, f"{a}.model") is not None and get_path(form.raw, f"{a}.gpu") is not None
    )
    start(f"in:{a}.mode", modes[0 if estimated else 1])
    mode = st.radio("Serving", modes, key=f"in:{a}.mode")
    if mode == modes[0]:
        gpus, models = list(catalog.gpus), list(catalog.models)
        gpu = get_path(form.raw, f"{a}.gpu") or "l4"
        model = get_path(form.raw, f"{a}.model") or "qwen2.5-7b"
        c1, c2, c3 = st.columns(3)
        start(f"in:{a}.gpu", gpu if gpu in gpus else gpus[0])
        start(f"in:{a}.model", model if model in models else models[0])
        start(f"in:{a}.precision", get_path(form.raw, f"{a}.precision", "bf16"))
        with c1:
            form.edits[f"{a}.gpu"] = st.selectbox("GPU", gpus, key=f"in:{a}.gpu")
        with c2:
            form.edits[f"{a}.model"] = st.selectbox(
                "Model",
                models,
                key=f"in:{a}.model",
                format_func=lambda m: _model_label(catalog.models[m]) if m in catalog.models else m,
            )
        with c3:
            form.edits[f"{a}.precision"] = st.selectbox(
                "Precision", PRECISIONS, key=f"in:{a}.precision"
            )
        form.edits[f"{a}.replica_requests_per_s"] = None
        form.edits[f"{a}.usd_per_gpu_hour"] = None
        form.edits[f"{a}.gpus_per_replica"] = None
    else:
        form.edits[f"{a}.model"] = None
        form.number("GPU rent [$ per GPU-hour]", f"{a}.usd_per_gpu_hour", 1.0, step=0.1)
        form.number(
            "Requests/s one replica serves",
            f"{a}.replica_requests_per_s",
            5.0,
            step=0.5,
            minimum=None,
            help="At your token lengths: measure it with a load test.",
        )
        form.whole("GPUs per replica", f"{a}.gpus_per_replica", 1, minimum=1, maximum=64)
    c1, c2 = st.columns(2)
    with c1:
        form.whole("Replicas always on (minimum)", f"{a}.min_replicas", 1, minimum=1)
    with c2:
        form.number(
            "Planned load at the peak [%]",
            f"{a}.target_utilization",
            0.7,
            step=5.0,
            fmt="%.0f",
            scale=100,
            minimum=None,
            maximum=100.0,
        )
    start(f"in:{a}.always_on", bool(get_path(form.raw, f"{a}.always_on", True)))
    form.edits[f"{a}.always_on"] = st.checkbox(
        "Always on (off: scale to zero, pay busy GPU-hours)",
        key=f"in:{a}.always_on",
    )


def alternative_inputs(form: Form, boxes: dict[str, Any], index: int) -> None:
    """The chosen alternative, by its kind: GPU and model from the catalog or typed
    capacity and rent, or a price per request; its escalation and ops."""
    import streamlit as st

    names = [
        a.get("name", f"alternative {i}")
        for i, a in enumerate(get_path(form.raw, "alternatives", []))
    ]
    a = f"alternatives.{index}"
    with st.expander(f"Alternative: {names[index] if names else '?'}", expanded=True):
        boxes["alternative"] = st.container()
        kind = get_path(form.raw, f"{a}.kind")
        if kind == "self_hosted":
            _self_hosted_inputs(form, a)
        elif kind == "per_request":
            form.number("Price [$ per 1,000 requests]", f"{a}.usd_per_1k_requests", 2.0, step=0.25)
        elif kind == "hosted_api":
            st.info("A hosted-API alternative keeps the prices in its file.")
        form.number(
            "Requests still sent to the baseline [%]",
            f"{a}.escalation_share",
            0.0,
            step=1.0,
            fmt="%.0f",
            scale=100,
            maximum=99.0,
        )
        form.number(
            "Ops, monitoring, on-call [$ per month]",
            f"{a}.ops_usd_per_month",
            0.0,
            step=100.0,
            fmt="%.0f",
        )


def one_time_inputs(form: Form, boxes: dict[str, Any], a: str) -> None:
    """The alternative's one-time costs."""
    import streamlit as st

    with st.expander("One-time costs", expanded=True):
        boxes["one_time"] = st.container()
        p = f"{a}.one_time"
        form.number("Data: collect, label, clean [$]", f"{p}.data_usd", 0.0, step=500.0, fmt="%.0f")
        c1, c2 = st.columns(2)
        with c1:
            form.number("Engineering [hours]", f"{p}.engineer_hours", 0.0, step=10.0, fmt="%.0f")
        with c2:
            form.number(
                "Engineering [$ per hour]", f"{p}.engineer_usd_per_hour", 0.0, step=10.0, fmt="%.0f"
            )
        form.number("Eval harness [$]", f"{p}.eval_usd", 0.0, step=500.0, fmt="%.0f")
        if (
            get_path(form.raw, f"{p}.training") is not None
            and get_path(form.raw, f"{p}.training_usd") is None
        ):
            st.caption("One training run's cost is estimated from the file's training job.")
        else:
            form.number("One training run [$]", f"{p}.training_usd", 0.0, step=10.0, fmt="%.0f")
        form.whole("Training runs (sweeps and failures count)", f"{p}.training_runs", 1, minimum=0)


def recurring_inputs(form: Form, boxes: dict[str, Any], a: str) -> None:
    """The alternative's retraining."""
    import streamlit as st

    with st.expander("Recurring costs", expanded=False):
        boxes["recurring"] = st.container()
        form.whole(
            "Retrain every [months] (0: never)",
            f"{a}.recurring.retrain_every_months",
            0,
            minimum=0,
            maximum=600,
        )
        form.number("One retraining [$]", f"{a}.recurring.retrain_usd", 0.0, step=100.0, fmt="%.0f")


def _latency_inputs(form: Form, a: str) -> None:
    """Waiting priced as money: each option's median latency and what a second costs."""
    import streamlit as st

    c1, c2 = st.columns(2)
    with c1:
        form.number("Baseline p50 [ms]", "baseline.latency.p50_ms", 0.0, step=100.0, fmt="%.0f")
    with c2:
        form.number("Alternative p50 [ms]", f"{a}.latency.p50_ms", 0.0, step=100.0, fmt="%.0f")
    worth = "latency.usd_per_second_per_1k_requests"
    given = {o: central(get_path(form.raw, f"{o}.{worth}")) for o in ("baseline", a)}
    # one input for every option unless the file gives the alternative its own
    if given[a] is None or given[a] == given["baseline"]:
        form.number(
            "A second of waiting, per 1,000 requests [$]",
            f"baseline.{worth}",
            0.0,
            step=0.01,
            fmt="%.3f",
            help="Users' or agents' time, conversion lost; used for every option.",
        )
        form.edits[f"{a}.{worth}"] = form.edits[f"baseline.{worth}"]
    else:
        c1, c2 = st.columns(2)
        for column, option, who in ((c1, "baseline", "baseline"), (c2, a, "alternative")):
            with column:
                form.number(
                    f"A second of waiting per 1,000 requests, {who} [$]",
                    f"{option}.{worth}",
                    0.0,
                    step=0.01,
                    fmt="%.3f",
                    help="Users' or agents' time, conversion lost, as the file gives it "
                    "for this option.",
                )


def quality_inputs(form: Form, boxes: dict[str, Any], a: str) -> None:
    """Errors and waiting priced as money, for the baseline and the alternative."""
    import streamlit as st

    priced = {
        name: any(get_path(form.raw, f"{o}.{name}") is not None for o in ("baseline", a))
        for name in ("quality", "latency")
    }
    with st.expander("Quality and latency as money", expanded=any(priced.values())):
        boxes["quality"] = st.container()
        st.caption(
            "An error is a request whose answer needs rework, a refund or a retry; rates come "
            "from your eval. Escalated requests carry the baseline's rate and latency."
        )
        start("in:quality.on", priced["quality"])
        start("in:latency.on", priced["latency"])
        if st.checkbox("Price errors (quality)", key="in:quality.on"):
            c1, c2 = st.columns(2)
            with c1:
                form.number(
                    "Baseline error rate [%]",
                    "baseline.quality.error_rate",
                    0.0,
                    step=0.5,
                    fmt="%.2f",
                    scale=100,
                    maximum=100.0,
                )
            with c2:
                form.number(
                    "Alternative error rate [%]",
                    f"{a}.quality.error_rate",
                    0.0,
                    step=0.5,
                    fmt="%.2f",
                    scale=100,
                    maximum=100.0,
                )
            cost = float(form.value("baseline.quality.usd_per_error", 0.0))
            form.number(
                "Cost of one error, baseline [$]", "baseline.quality.usd_per_error", 0.0, step=0.5
            )
            form.number(
                "Cost of one error, alternative [$]", f"{a}.quality.usd_per_error", cost, step=0.5
            )
        else:
            form.edits["baseline.quality"] = None
            form.edits[f"{a}.quality"] = None
        if st.checkbox("Price waiting (latency)", key="in:latency.on"):
            _latency_inputs(form, a)
        else:
            form.edits["baseline.latency"] = None
            form.edits[f"{a}.latency"] = None
