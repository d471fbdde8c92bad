"""The page's inputs, one function per section of the form: each draws its widgets and
records what they hold, by scenario path, in the held scenario's changes
(:class:`payback.web.state.Held`). Streamlit is imported inside the functions (it is the
page's, and slow to import).

Numbers are typed into text boxes that show thousands separators and are read strictly
(:meth:`payback.web.state.NumberField.read`): a box whose text is not an allowed value
says so under it, and the page shows no answer until it is fixed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from payback.catalog.apis import api_price, search_api_models
from payback.errors import PaybackError
from payback.report.common import kind_text
from payback.web.state import Held, central, get_path, number_field
from payback.web.typed import (
    ascii_number,
    estimate_number,
    percent_hint,
    read_number,
    show_number,
)
from payback.web.words import boxes_named, markdown_literal, message_markdown

__all__ = [
    "Form",
    "alternative_inputs",
    "baseline_inputs",
    "horizon_inputs",
    "one_time_inputs",
    "quality_inputs",
    "read_goal",
    "recurring_inputs",
    "start",
    "traffic_inputs",
    "untouched",
]


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


def untouched(key: str, value: str) -> None:
    """:func:`start` for a box whose starting value follows the answer (a goal the
    horizon bounds): while it holds the value it was last started with, the box takes
    the new one; a value typed stays."""
    import streamlit as st

    given = f"{key}:given"  # reset with the box (same prefix) when a new file opens
    if key in st.session_state and st.session_state[key] == st.session_state.get(given):
        st.session_state[key] = value
    start(key, value)
    st.session_state[given] = value


def _tidy(key: str, percent: bool) -> None:
    """After a box changes: write a number it holds the way the page shows numbers
    (``400000`` becomes ``400,000``), a ``%`` typed after it kept (``0.2 %`` becomes
    ``0.2%``: it says the percentage is meant, see :func:`percent_hint`); text that is
    not a number stays as typed."""
    import streamlit as st

    typed = str(st.session_state.get(key, ""))
    try:
        number = read_number(typed, percent)
    except ValueError:
        return
    if number is not None:
        sign = "%" if percent and typed.strip().endswith("%") else ""
        st.session_state[key] = show_number(number) + sign


def _label(words: str, path: str | None = None) -> str:
    """A box's label: plain words with the unit, the file's dotted path small after it."""
    text = words[0].upper() + words[1:]
    return f"{text} :small[:gray[`{path}`]]" if path else text


class Dry:
    """The Streamlit calls the form makes, drawing nothing: each widget gives the value it
    holds (its session state). The page works out its answer with a dry form first, so the
    answer reaches the browser before the inputs, then draws the inputs, which give the
    same values."""

    def __init__(self) -> None:
        import streamlit as st

        self.state = st.session_state

    def __getattr__(self, name: str) -> Any:
        return self._nothing  # caption, info, markdown, expander, container, empty...

    def _nothing(self, *args: Any, **kwargs: Any) -> Dry:
        return self

    def __enter__(self) -> Dry:
        return self

    def __exit__(self, *args: object) -> None:
        return None

    def columns(self, spec: int | list[float], **kwargs: Any) -> list[Dry]:
        return [self] * (spec if isinstance(spec, int) else len(spec))

    def text_input(self, label: str, key: str, **kwargs: Any) -> Any:
        return self.state.get(key, "")

    def radio(self, label: str, options: list[Any], key: str, **kwargs: Any) -> Any:
        return self.state.get(key, options[0])

    def selectbox(self, label: str, options: list[Any], key: str, **kwargs: Any) -> Any:
        return self.state.get(key, options[0])

    def checkbox(self, label: str, key: str, **kwargs: Any) -> bool:
        return bool(self.state.get(key, False))


class Form:
    """The inputs drawn on this run: the values they give go into ``held``'s changes;
    boxes whose text is not an allowed value are in ``rejected``, with their message.
    ``draw=False``: the same, with nothing drawn (:class:`Dry`)."""

    def __init__(self, held: Held, draw: bool = True) -> None:
        import streamlit as st

        self.ui: Any = st if draw else Dry()
        self.held = held
        self.raw = held.raw
        self.rejected: dict[str, str] = {}
        """Dotted path → the one line saying what is wrong with its box."""
        self.slots: dict[str, Any] = {}
        """Dotted path → the place under its box for messages about it."""
        self.labels: dict[str, str] = {}
        """Dotted path → the label of its box drawn (a number's, a list's), as a message
        about it names the box (:func:`payback.web.words.boxes_named`)."""
        self.estimates: dict[str, Any] = {}
        """An option's dotted path → what the answer's estimates said of it
        (``Analysis.resolved.details``, as ``payback analyze --json`` writes them)."""
        self.answered: Any = None
        """The scenario the latest answer was worked out on, its catalog figures resolved
        (``Analysis.resolved.scenario``): boxes a mode switch brings back start from its
        numbers, so the answer does not move until one is changed."""

    def value(self, path: str, default: Any = None) -> Any:
        """The value at ``path`` as the page holds it (``default`` where not set)."""
        value = self.held.value(path)
        return default if value is None else value

    def set(self, path: str, value: Any) -> None:
        self.held.set(path, value)

    def number(
        self,
        path: str,
        *,
        label: str | None = None,
        default: float | None = None,
        help: str | None = None,
        placeholder: str | None = None,
        key: str | None = None,
    ) -> None:
        """A text box for the number at ``path``: its plain label and unit, the path
        small; thousands separated; a percentage for a fraction. ``default`` is shown
        where the page holds no value (and then counts as a change). ``key``: the box's
        own key where two modes draw a box for one path (``in:PATH`` otherwise)."""
        st = self.ui

        spec = number_field(self.raw, path, label)
        parent = path.rpartition(".")[0]
        if default is None and parent.count(".") >= 1 and not self.held.has(parent):
            # a table the scenario leaves out (an option's quality, its one-time costs):
            # empty boxes leave it out; a number typed makes it
            spec = dataclasses.replace(spec, optional=True)
        key = key or f"in:{path}"
        self.labels[path] = _label(spec.label)
        held = self.held.value(path)
        shown = held if held is not None else default if default is not None else spec.default
        example = show_number(shown, spec.percent) if shown is not None else ""
        start(key, example)
        unit = f"{'%' if spec.percent else ''}"
        ranged = get_path(self.raw, path)
        note = (
            f"The file gives a range ({ranged.get('dist')}); this is its central value. "
            "Typing another number replaces the range with it."
            if isinstance(ranged, dict) and "dist" in ranged
            else None
        )
        with st.container(gap="small", key=f"box-{path}"):
            # the label read aloud is the plain words; the path is shown, small, after them
            st.markdown(
                _label(spec.label, path), help=" ".join(h for h in (help, note) if h) or None
            )
            text = st.text_input(
                _label(spec.label),
                key=key,
                label_visibility="collapsed",
                placeholder=placeholder or ("not set" if spec.optional else unit or None),
                on_change=_tidy,
                args=(key, spec.percent),
            )
            written = show_number(central(get_path(self.raw, path)), spec.percent)
            hint = percent_hint(str(text)) if spec.percent else None
            if hint is not None and str(text).strip().removesuffix("%").strip() != written:
                st.caption(hint)  # a fraction typed as in a file: taken, but said
            self.slots[path] = st.empty()
        value, problem = spec.read(str(text), example or show_number(spec.default, spec.percent))
        if problem is not None:
            self.rejected[path] = problem
            return
        in_file = central(get_path(self.raw, path))
        if in_file is None and get_path(self.raw, path) is None:
            in_file = spec.default  # a field the file leaves out has the schema's value
        if value == in_file or (value is None and get_path(self.raw, path) is None):
            self.held.edits.pop(path, None)
        else:
            self.held.edits[path] = value

    def show_problems(self, problems: dict[str, list[str]]) -> list[str]:
        """Each message under the box it is about; the messages of no box on the page
        are returned. A message about a list, or about more than one box, names them in
        the page's words."""
        rest = []
        for path, lines in problems.items():
            slot = self.slots.get(path)
            if slot is None:
                rest += [boxes_named(line, self.labels) for line in lines]
            else:
                with slot.container():
                    for line in lines:
                        slot_error(boxes_named(line, self.labels, own=path))
        return rest


def slot_error(line: str) -> None:
    import streamlit as st

    st.error(message_markdown(line), icon=":material/error:")


def horizon_inputs(form: Form, boxes: dict[str, Any]) -> None:
    """The horizon and the discount rate."""
    st = form.ui

    with st.expander("Horizon and money", expanded=False):
        boxes["scenario"] = st.container()
        form.number("scenario.horizon_months")
        form.number(
            "scenario.discount_rate_annual",
            help="For the NPV; 10 means 10% a year.",
        )


def traffic_inputs(form: Form, boxes: dict[str, Any]) -> None:
    """Traffic: requests, growth, token lengths, the busiest hour."""
    st = form.ui

    with st.expander("Traffic", expanded=True):
        boxes["traffic"] = st.container()
        form.number("traffic.requests_per_month")
        form.number("traffic.growth_monthly", help="Compound: 5 means +5% every month.")
        form.number("traffic.input_tokens")
        form.number("traffic.output_tokens")
        form.number("traffic.cached_input_share")
        form.number("traffic.peak_to_average", help="Sizes an always-on fleet for the peak.")


BASELINE_PRICES = ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok")
"""The baseline's typed prices (an API model from the catalog gives them instead)."""
BASELINE_STARTS = {"baseline.input_usd_per_mtok": 2.5, "baseline.output_usd_per_mtok": 10.0}
"""Typed prices to start from where no answer gave the catalog model's."""


def answered_value(form: Form, path: str, switched: bool, fallback: float | None = None) -> Any:
    """Where a box a mode switch brings back starts: the value it held when last shown
    (:attr:`Held.set_aside`); else, ``switched`` from the file's mode (the box's field left
    out of the file or cleared by the other mode), the number the latest answer used there
    (the catalog's price as quoted; an estimated capacity to the digits a file is written
    with, :func:`estimate_number`), else ``fallback``."""
    if path in form.held.set_aside:
        return form.held.set_aside[path]
    if not switched or form.held.value(path) is not None:
        return None  # the box shows the file's value, or the page's
    used = get_path(form.answered.model_dump(), path) if form.answered is not None else None
    if isinstance(used, float) and path.endswith(".replica_requests_per_s"):
        used = estimate_number(used)  # an estimate's every digit: as a file would be written
    # (a catalog price, a rent of $0.8048, is a quoted figure: kept to its every digit)
    return fallback if used is None else used


DISCOUNT = "baseline.batch_discount"


def _batch_inputs(form: Form, typed: bool, switched: bool) -> None:
    """The batch share and discount, where the file sends a share of requests as batch
    (or gives a discount): a model chosen from the list may have no known batch discount,
    and typed prices never have one, so the answer asks for one; these boxes let it be
    typed, or the share set to 0.

    From the catalog, an empty discount is the provider's; its box comes back with the
    catalog mode holding what it held (the file's value at first). Typed prices have a box of their own,
    started from the discount the catalog model's answer used, so a switch alone moves
    nothing."""
    import streamlit as st

    if get_path(form.raw, "baseline.batch_share") is None and get_path(form.raw, DISCOUNT) is None:
        return
    form.number("baseline.batch_share")
    if typed:
        held = form.held.value(DISCOUNT)
        form.number(
            DISCOUNT,
            key=f"in:{DISCOUNT}:typed",
            default=None if held is not None else answered_value(form, DISCOUNT, switched),
            placeholder="not set: needed while requests are sent as batch",
        )
        return
    aside = f"{DISCOUNT}:catalog"
    if f"in:{DISCOUNT}" not in st.session_state:  # the catalog mode (back): as it was
        form.held.edits.pop(DISCOUNT, None)
        if form.held.set_aside.get(aside) is not None:
            form.set(DISCOUNT, form.held.set_aside[aside])
    form.number(DISCOUNT, placeholder="not set: the provider's")
    form.held.set_aside[aside] = form.held.value(DISCOUNT)


def _api_model_input(form: Form, st: Any) -> str:
    """The API model picker: the page's model (or the one last chosen), listed first when
    the catalog does not know it (the answer's error says so)."""
    refs = [p.ref for p in search_api_models("")]
    current = (
        form.value("baseline.model") or form.held.set_aside.get("baseline.model") or "openai:gpt-4o"
    )
    try:
        resolved_current = api_price(current).ref if current not in refs else current
    except PaybackError:  # unknown: kept, listed first; the answer's error says so
        resolved_current = current
        refs = [current, *refs]
    start("in:baseline.model", resolved_current if resolved_current in refs else refs[0])
    model = st.selectbox("API model", refs, key="in:baseline.model")
    form.labels["baseline.model"] = "API model"
    return str(current if model == resolved_current else model)


def baseline_inputs(form: Form, boxes: dict[str, Any]) -> None:
    """The baseline, by its kind: an API model or typed prices, or a price per request."""
    st = form.ui

    with st.expander("Baseline: what you do today", expanded=True):
        boxes["baseline"] = st.container()
        kind = get_path(form.raw, "baseline.kind")
        name = markdown_literal(str(get_path(form.raw, "baseline.name", "baseline")))
        st.caption(f"**{name}** ({kind_text(str(kind))})")
        if kind == "hosted_api":
            modes = ["API model from the catalog", "Prices I type"]
            start("in:baseline.mode", modes[0 if get_path(form.raw, "baseline.model") else 1])
            mode = st.radio("Prices", modes, horizontal=True, key="in:baseline.mode")
            prices = [f"baseline.{n}" for n in BASELINE_PRICES]
            if mode == modes[0]:
                model = _api_model_input(form, st)
                form.set("baseline.model", model)
                form.held.set_aside["baseline.model"] = model
                for path in prices:
                    form.set(path, None)
                _batch_inputs(form, typed=False, switched=False)
            else:
                form.set("baseline.model", None)
                switched = get_path(form.raw, "baseline.model") is not None
                starts = {
                    p: answered_value(form, p, switched, BASELINE_STARTS.get(p)) for p in prices
                }
                form.number(prices[0], default=starts[prices[0]])
                form.number(
                    prices[1], default=starts[prices[1]], placeholder="not set: the input price"
                )
                form.number(prices[2], default=starts[prices[2]])
                for path in prices:
                    form.held.set_aside[path] = form.held.value(path)
                _batch_inputs(form, typed=True, switched=switched)
            form.number("baseline.price_change_annual", help="-30 means prices fall 30% a year.")
        elif kind == "per_request":
            form.number("baseline.usd_per_1k_requests")
        else:
            st.info(
                "A self-hosted baseline is edited in the scenario file; its numbers are used as they are."
            )


def alternative_inputs(form: Form, boxes: dict[str, Any], index: int) -> None:
    """The alternative shown, by its kind: GPU and model from the catalog or typed
    capacity and rent, or a price per request; its escalation and ops."""
    st = form.ui

    names = [
        a.get("name", f"alternative {i}")
        for i, a in enumerate(get_path(form.raw, "alternatives", []))
    ]
    a = f"alternatives.{index}"
    named = markdown_literal(str(names[index])) if names else "?"
    with st.expander(f"Alternative: {named}", expanded=True):
        boxes["alternative"] = st.container()
        kind = get_path(form.raw, f"{a}.kind")
        if kind == "self_hosted":
            from payback.web.serving import self_hosted_inputs  # it draws with this module's Form

            self_hosted_inputs(form, a)
        elif kind == "per_request":
            form.number(f"{a}.usd_per_1k_requests")
        elif kind == "hosted_api":
            st.info("A hosted-API alternative keeps the prices in its file.")
        form.number(f"{a}.escalation_share")
        form.number(f"{a}.ops_usd_per_month")


def one_time_inputs(form: Form, boxes: dict[str, Any], a: str) -> None:
    """The alternative's one-time costs."""
    st = form.ui

    with st.expander("One-time costs", expanded=True):
        boxes["one_time"] = st.container()
        p = f"{a}.one_time"
        form.number(f"{p}.data_usd")
        form.number(f"{p}.engineer_hours")
        form.number(f"{p}.engineer_usd_per_hour")
        form.number(f"{p}.eval_usd")
        if (
            get_path(form.raw, f"{p}.training") is not None
            and get_path(form.raw, f"{p}.training_usd") is None
        ):
            st.caption("One training run's cost is estimated from the file's training job.")
        else:
            form.number(f"{p}.training_usd", placeholder="not set: $0")
        form.number(f"{p}.training_runs", help="Sweeps and failed runs count.")


def recurring_inputs(form: Form, boxes: dict[str, Any], a: str) -> None:
    """The alternative's retraining."""
    st = form.ui

    with st.expander("Recurring costs", expanded=False):
        boxes["recurring"] = st.container()
        form.number(f"{a}.recurring.retrain_every_months")
        form.number(f"{a}.recurring.retrain_usd")


def _latency_inputs(form: Form, a: str, fresh: bool) -> None:
    """Waiting priced as money: each option's median latency and what a second costs
    (``fresh``: just switched on, every box starts at 0)."""
    zero = 0.0 if fresh else None
    form.number("baseline.latency.p50_ms", default=zero)
    form.number(f"{a}.latency.p50_ms", default=zero)
    worth = "latency.usd_per_second_per_1k_requests"
    given = {o: central(get_path(form.raw, f"{o}.{worth}")) for o in ("baseline", a)}
    # one input for every option unless the file gives the alternative its own
    if given[a] is None or given[a] == given["baseline"]:
        form.number(
            f"baseline.{worth}",
            label="cost of waiting [$ a second, per 1,000 requests]",
            default=zero,
            help="Users' or agents' time, conversion lost; used for every option.",
        )
        form.set(f"{a}.{worth}", form.held.value(f"baseline.{worth}"))
    else:
        for option in ("baseline", a):
            form.number(
                f"{option}.{worth}",
                default=zero,
                help="Users' or agents' time, conversion lost, as the file gives it "
                "for this option.",
            )


def quality_inputs(form: Form, boxes: dict[str, Any], a: str) -> None:
    """Errors and waiting priced as money, for the baseline and the alternative."""
    st = form.ui

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
            for option in ("baseline", a):
                if form.held.edits.get(f"{option}.quality", 0) is None:
                    form.held.edits.pop(f"{option}.quality")
            fresh = not priced["quality"]  # just switched on: every box starts at 0
            zero = 0.0 if fresh else None
            form.number("baseline.quality.error_rate", default=zero)
            form.number(f"{a}.quality.error_rate", default=zero)
            form.number("baseline.quality.usd_per_error", default=zero)
            form.number(f"{a}.quality.usd_per_error", default=zero)
        else:
            form.set("baseline.quality", None)
            form.set(f"{a}.quality", None)
        if st.checkbox("Price waiting (latency)", key="in:latency.on"):
            for option in ("baseline", a):
                if form.held.edits.get(f"{option}.latency", 0) is None:
                    form.held.edits.pop(f"{option}.latency")
            _latency_inputs(form, a, fresh=not priced["latency"])
        else:
            form.set("baseline.latency", None)
            form.set(f"{a}.latency", None)


def read_goal(
    name: str, metric: str, text: str, example: str, horizon: int
) -> tuple[float | None, str | None]:
    """The goal typed for "what would it take", or the line saying what is wrong with it;
    a break-even month within the horizon (no later one is worked out)."""
    allowed = {"npv_usd": "any number", "break_even_month": f"0 to {horizon}, the horizon"}
    allowed_text = allowed.get(metric, "at least 0")
    try:
        number = read_number(text)
    except ValueError:
        return None, (
            f"{name}: “{text.strip()}” is not a plain number; allowed: {allowed_text}, in digits with "
            f"or without commas between thousands, such as {example}" + ascii_number(text)
        )
    if number is None:
        return None, f"{name}: empty; type a number, such as {example} (allowed: {allowed_text})"
    too_late = metric == "break_even_month" and number > horizon
    if (metric != "npv_usd" and number < 0) or too_late:
        return None, f"{name}: {text.strip()} is out of range; allowed: {allowed_text}"
    return float(number), None
