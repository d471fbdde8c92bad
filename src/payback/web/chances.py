"""The page's "How sure is it?" box: the chances a scenario pays back, from sampling the
ranges its file gives (``payback analyze --samples``), kept in the session after a change
and marked out of date until it is run again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

import payback
from payback.analysis.result import Analysis
from payback.analysis.verdict import month_figure, months_text
from payback.report.text import share_text
from payback.web.answer import ranged_words, ranges_in_plain_words, sampled_chances, whole_percent
from payback.web.portfolio import sample_portfolio, show_sampled_warnings
from payback.web.words import message_markdown

if TYPE_CHECKING:
    from payback.studies.portfolio import PortfolioAnalysis
    from payback.web.state import Outcome

__all__ = ["monte_carlo_box"]


def monte_carlo_box(
    outcome: Outcome,
    analysis: Analysis,
    index: int,
    data_key: str,
    portfolio: PortfolioAnalysis | None = None,
) -> None:
    """The chances it pays back, from sampling the file's ranges, beside the headline:
    kept after a change (``data_key``, the inputs' hash, tells it is out of date), marked
    out of date, with a button to run it again. For a file with workloads, the workloads'
    chances moved together (the headline's answer, as `payback analyze --samples` gives
    them)."""
    scenario = outcome.scenario
    assert scenario is not None
    box = st.container(border=True, key="monte-carlo")
    with box:
        st.markdown("**How sure is it?**")
        if not scenario.distributions:
            st.caption(
                "Every number in this file is one value, so there is one answer and no "
                "chance to work out."
            )
            with st.expander("Give a number as a range"):
                st.markdown(ranges_in_plain_words(analysis))
            return
        stored = st.session_state.get("mc")
        fresh = stored is not None and stored[0] == data_key
        if stored is not None:
            count, w, median, ranges, horizon = sampled_chances(stored[2], index)
            if not fresh:
                st.warning(
                    "Out of date: an input changed since these chances were worked out. "
                    "Run it again for the numbers now on the page.",
                    icon=":material/history:",
                )
            c1, c2, c3 = st.columns(3)
            # as `payback analyze --samples` says them: for one scenario 0.9% is not "1%",
            # nor 0.04% "0%"; a portfolio's line gives whole percents
            share = share_text if isinstance(stored[2], Analysis) else whole_percent
            c1.metric("Chance within a quarter", share(w["3"]))
            c2.metric(f"Chance within {months_text(horizon)}", share(w["horizon"]))
            c3.metric(
                "Median break-even month",
                "never" if median is None else month_figure(median),
                help="Half of the samples pay back by then; 'never': half or more do not "
                f"within {months_text(horizon)}.",
            )
            st.caption(
                f"{count:,} samples of {ranged_words(ranges)}, each drawn from its range; "
                "everything else as typed"
                + (", the workloads moved together." if portfolio is not None else ".")
            )
            show_sampled_warnings(stored[2])  # a portfolio's samples past the fleet cap
        else:
            ranged = sorted(scenario.distributions, key=lambda p: p != "traffic.requests_per_month")
            st.caption(
                f"The file gives {ranged_words(len(ranged), ranged[0])} rather than one "
                "value. Sampling draws each from its range thousands of times and counts how "
                "often it pays back."
            )
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        with c1:
            samples = st.select_slider(
                "Samples",
                options=[1_000, 5_000, 20_000, 50_000, 200_000],
                value=20_000,
                format_func=lambda n: f"{n:,}",
                key="mc:samples",
            )
        with c2:
            label = "Run again" if stored is not None and not fresh else "Work it out"
            run = st.button(label, key="mc:run", type="primary" if not fresh else "secondary")
        if run:
            bar = st.progress(0.0, text="sampling")

            def advance(done: int, total: int) -> None:
                bar.progress(done / total, text=f"sampling {done:,} of {total:,}")

            try:
                sample: Any = sample_portfolio if portfolio is not None else payback.analyze
                result = sample(scenario, samples=int(samples), progress=advance)
            except payback.PaybackError as exc:  # a range that cannot be sampled: said here
                bar.empty()
                for line in exc.messages:
                    st.error(message_markdown(line), icon=":material/error:")
                return
            bar.empty()
            st.session_state.mc = (data_key, int(samples), result)
            st.rerun()
