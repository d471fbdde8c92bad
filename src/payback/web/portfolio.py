"""The page's workloads table: a scenario with ``[[workloads]]`` gets the portfolio answer
beside the one-workload view the rest of the page shows."""

from __future__ import annotations

import streamlit as st

from payback.analysis.result import usd
from payback.errors import PaybackError
from payback.scenario import Scenario
from payback.web.words import lines_in_page_words

__all__ = ["workloads_rows", "workloads_section"]


def workloads_rows(scenario: Scenario) -> tuple[str, list[dict[str, str]]]:
    """The portfolio verdict and one row per workload and alternative: its requests, what
    it saves, its fleet share, whether it carries the fleet, its place in the order."""
    from payback.studies.portfolio import analyze_portfolio

    analysis = analyze_portfolio(scenario)
    rows = []
    for alt in analysis.alternatives:
        place = {step.workload: k for k, step in enumerate(alt.order, 1)}
        requests = {w.name: w.traffic.requests_per_month for w in scenario.workloads or []}
        for c in alt.contributions:
            rows.append(
                {
                    "alternative": alt.name,
                    "workload": c.workload,
                    "requests/month": f"{requests[c.workload]:,.0f}",
                    "saves (PV)": usd(c.savings_usd, 0),
                    "fleet share (PV)": usd(c.fleet_usd, 0),
                    "net (PV)": usd(c.net_usd, 0),
                    "role": c.role,
                    "move": f"#{place[c.workload]}",
                }
            )
    return analysis.verdict(), rows


def workloads_section(scenario: Scenario) -> None:
    """The workloads, moved together: the verdict and the table (in an expander)."""
    with st.expander(f"Workloads: {len(scenario.workloads or [])} moved together", expanded=True):
        try:
            verdict, rows = workloads_rows(scenario)
        except PaybackError as exc:
            for line in lines_in_page_words(exc.messages):
                st.error(line, icon=":material/error:")
            return
        st.info(verdict, icon=":material/stacks:")
        st.dataframe(rows, hide_index=True, key="workloads")
        st.caption(
            "The rest of the page shows the first workload alone; `payback analyze` gives the "
            "portfolio in full (costs, the order to move the workloads in, the quarter)."
        )
