"""A Ctrl-C that Python drops: pressed while a garbage-collector callback runs (matplotlib's
transforms have weakref callbacks), Python prints "Exception ignored in ..." with a
traceback and goes on. The command line prints no traceback for it and stops where the
work is, with its one line and exit code 130 (issue: hostile and odd input; a CI run saw
this traceback once in tests/cli/test_interrupt.py)."""

from __future__ import annotations

import signal
import sys
import time

import pytest
import typer

from payback.cli._errors import INTERRUPTED, PaybackGroup

SECONDS = 10.0
"""How long the work runs when nothing stops it."""


def run(app: typer.Typer) -> object:
    """``APP work`` as payback's ``main`` runs its group: the exit code."""
    return typer.main.get_command(app).main(args=["work"], standalone_mode=False)


def app_pressing_ctrl_c_in_a_finalizer(done: list[int]) -> typer.Typer:
    """A command whose object's finalizer presses Ctrl-C (calls the handler payback put in
    place, as the signal would), then ``SECONDS`` of work steps, appended to ``done`` (1
    when the work reached its end)."""
    app = typer.Typer(cls=PaybackGroup)

    @app.callback()
    def group() -> None:
        """Two commands make a group, as payback's."""

    @app.command()
    def work() -> None:
        class Finalized:
            def __del__(self) -> None:
                handler = signal.getsignal(signal.SIGINT)
                assert callable(handler)
                handler(signal.SIGINT, None)

        Finalized()  # gone at once: its finalizer runs here and its KeyboardInterrupt is dropped
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            done.append(0)
        done.append(1)  # the work's end

    @app.command()
    def other() -> None:
        """Unused."""

    return app


def test_a_dropped_ctrl_c_stops_the_command_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python's own hook, as `payback` has (pytest puts one of its own in place)
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    done: list[int] = []
    before = signal.getsignal(signal.SIGINT), sys.unraisablehook
    code = run(app_pressing_ctrl_c_in_a_finalizer(done))
    err = capsys.readouterr().err
    assert code == 130
    assert err == f"error: {INTERRUPTED}\n"  # no "Exception ignored in ...", no traceback
    assert 1 not in done  # stopped where the work was (at once, or a few steps on), not at its end
    assert (signal.getsignal(signal.SIGINT), sys.unraisablehook) == before


def test_other_unraisable_exceptions_still_reach_the_previous_hook(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_type))
    app = typer.Typer(cls=PaybackGroup)

    @app.callback()
    def group() -> None:
        """A group."""

    @app.command()
    def work() -> None:
        class Failing:
            def __del__(self) -> None:
                raise ValueError("in a finalizer")

        Failing()

    @app.command()
    def other() -> None:
        """Unused."""

    assert run(app) == 0
    assert seen == [ValueError]
    assert capsys.readouterr().err == ""


def test_no_second_press_reaches_the_caller_after_the_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command whose finalizer presses Ctrl-C and which ends at once: the second press,
    from a thread, came after the command had put the caller's handler back and raised
    KeyboardInterrupt in the caller's next lines (297 of 300 runs), or, in `payback`,
    printed a traceback (18 of 150). It now never comes once the command is over."""
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    app = typer.Typer(cls=PaybackGroup)

    class Finalized:
        def __del__(self) -> None:
            signal.raise_signal(signal.SIGINT)  # the key pressed, in a finalizer

    @app.command()
    def work() -> None:
        Finalized()

    @app.command()
    def other() -> None:
        """Unused."""

    codes, escaped = [], 0
    for _ in range(50):
        try:
            codes.append(run(app))
            time.sleep(0.002)  # the caller's next lines: no KeyboardInterrupt here
        except KeyboardInterrupt:
            escaped += 1
    assert (codes, escaped) == ([130] * 50, 0)
    assert capsys.readouterr().err == f"error: {INTERRUPTED}\n" * 50
