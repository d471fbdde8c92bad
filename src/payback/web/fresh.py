"""The page's downloads made from its latest answer.

A number typed into a box is sent when the box loses focus: typed, then a click on a
download button, it reaches the server a moment after the button's request (60 ms after
it, measured locally), and the button's file was the one of the run before. The file held
the old number (ops $300) while the page, a moment later, answered for the new one ($999).
A download now waits that moment for a run to start, then for the runs under way to end,
and gives the file of the last one: the numbers on the page when it comes. Streamlit here,
but only to see whether a run is under way.

A click that finds no answer (a number typed that is not allowed, then the button clicked
at once) gives a file saying it was not made and why (:func:`not_made`): raising there left
the browser with nothing and printed two tracebacks where ``payback serve`` runs.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from payback.errors import PaybackError

__all__ = ["Latest", "not_made"]

GRACE_S = 1.0
"""How long a download waits for a number sent with its click to start a run: 16 times
the 60 ms seen on a loaded 2-core machine, short beside the time a report takes."""
WAIT_S = 60.0
"""The longest a download waits for the page's runs to end (one takes well under a
second; a loaded machine, a few)."""


def not_made(fmt: str, why: list[str]) -> str:
    """The file a download gives when the page has no answer: the line saying it was not
    made, and why, as comments of a scenario file (``toml``, ``yaml``) or a page (``html``).

    >>> print(not_made("toml", ["traffic.input_tokens: -5 is out of range; allowed: at least 1"]))
    # Not made: the numbers on the page give no answer while these are not allowed:
    # - traffic.input_tokens: -5 is out of range; allowed: at least 1
    # Fix them on the page, then download again.
    <BLANKLINE>
    """
    lines = [
        "Not made: the numbers on the page give no answer"
        + (" while these are not allowed:" if why else "."),
        *(f"- {' '.join(line.split())}" for line in why),
        "Fix them on the page, then download again.",
    ]
    if fmt == "html":
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        return f'<!doctype html><meta charset="utf-8"><title>Not made</title>{body}\n'
    return "".join(f"# {line}\n" for line in lines)


def _session(session_id: str) -> Any:
    """This page's Streamlit session, or ``None`` where it cannot be found."""
    try:
        from streamlit.runtime import Runtime

        info = Runtime.instance()._session_mgr.get_active_session_info(session_id)
    except Exception:  # no runtime (a test of the script alone) or another version's
        return None
    return None if info is None else info.session


def _running(session: Any) -> bool:
    """Whether a run of the page is under way or asked for: Streamlit keeps a script
    runner for the session from the moment a run is asked for until the runs end."""
    return getattr(session, "_scriptrunner", None) is not None


@dataclass
class Latest:
    """What the last run of the page offers to download (``None``: no answer); kept in
    the session's state, read when a button is clicked."""

    session_id: str
    makers: dict[str, Callable[[], str] | None]
    why: list[str] = field(default_factory=list)
    """Why the last run has no answer: the lines the page shows at its inputs."""

    def offer(
        self, name: str, make: Callable[[], str] | None, why: list[str] | None = None
    ) -> None:
        """What the button ``name`` gives, as this run worked it out; ``None``, with the
        lines saying ``why``, where it has no answer."""
        self.makers[name] = make
        self.why = list(why or [])

    def settled(self, grace_s: float = GRACE_S, wait_s: float = WAIT_S) -> None:
        """Return once no run of the page is under way, ``grace_s`` after the call (a run
        asked for with the click comes that much later), or ``wait_s`` has passed."""
        session = _session(self.session_id)
        if session is None:
            return
        now = time.monotonic()
        grace, deadline = now + grace_s, now + wait_s
        while time.monotonic() < deadline and (_running(session) or time.monotonic() < grace):
            time.sleep(0.02)

    def maker(self, name: str, fmt: str) -> Callable[[], str]:
        """The button's data: when clicked, the file of the page's latest run (``fmt``:
        ``toml``, ``yaml`` or ``html``); where that run has no answer, or the file cannot
        be made, the file saying so (:func:`not_made`), never an exception (Streamlit
        would log its traceback and send the browser nothing)."""

        def make() -> str:
            self.settled()
            latest = self.makers.get(name)
            if latest is None:
                return not_made(fmt, self.why)
            try:
                return latest()
            except PaybackError as error:
                return not_made(fmt, [str(error)])

        return make
