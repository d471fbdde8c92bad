"""The page's downloads made from its latest answer.

A number typed into a box is sent when the box loses focus: typed, then a click on a
download button, it reaches the server a moment after the button's request (60 ms after
it, measured locally), and the button's file was the one of the run before. The file held
the old number (ops $300) while the page, a moment later, answered for the new one ($999).
A download now waits that moment for a run to start, then for the runs under way to end,
and gives the file of the last one: the numbers on the page when it comes. Streamlit here,
but only to see whether a run is under way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Latest", "NoAnswer"]

GRACE_S = 1.0
"""How long a download waits for a number sent with its click to start a run: 16 times
the 60 ms seen on a loaded 2-core machine, short beside the time a report takes."""
WAIT_S = 60.0
"""The longest a download waits for the page's runs to end (one takes well under a
second; a loaded machine, a few)."""


class NoAnswer(RuntimeError):
    """The inputs on the page give no answer, so there is nothing to download (the page
    says why, at the inputs)."""


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

    def offer(self, name: str, make: Callable[[], str] | None) -> None:
        """What the button ``name`` gives, as this run worked it out."""
        self.makers[name] = make

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

    def maker(self, name: str) -> Callable[[], str]:
        """The button's data: when clicked, the file of the page's latest run."""

        def make() -> str:
            self.settled()
            latest = self.makers.get(name)
            if latest is None:
                raise NoAnswer("the inputs on the page give no answer")
            return latest()

        return make
