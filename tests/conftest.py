"""Fixtures shared by the test folders (plain helpers and constants are in helpers.py)."""

from __future__ import annotations

import functools
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
import typer.testing
from hypothesis import settings

# Speed lives in benchmarks/: a property test is never failed for being slow on a busy machine
settings.register_profile("payback", deadline=None)
settings.register_profile("inner-loop", deadline=None, max_examples=10)
settings.load_profile("payback")


def pytest_configure(config: pytest.Config) -> None:
    """``pytest -m "not slow"``, the inner loop, tries 10 examples of each property instead of
    100; a plain ``pytest`` (and CI) tries them all."""
    if "not slow" in (config.getoption("markexpr") or ""):
        settings.load_profile("inner-loop")


def pytest_report_header() -> str | None:
    """Say so when the run started with Ctrl-C ignored: a process started in the background
    by a shell without job control (``python -m pytest > log &``) inherits SIGINT ignored, and
    Python keeps it so; a test that needs Python's own handler installs it (test_interrupt)."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return "SIGINT: ignored at start (inherited from a background launch)"
    return None


@pytest.fixture(autouse=True)
def _sigint_put_back() -> Iterator[None]:
    """A test that changes the Ctrl-C handler puts back what was there: otherwise the guard
    puts it back and the test errors, naming both (cheap: two reads of the handler)."""
    before = signal.getsignal(signal.SIGINT)
    yield
    after = signal.getsignal(signal.SIGINT)
    if after is not before:
        if before is not None:  # None: a handler not installed from Python, not restorable
            signal.signal(signal.SIGINT, before)
        pytest.fail(f"the test left SIGINT's handler {after!r}, not {before!r}", pytrace=False)


# Typer's CliRunner builds the click command anew at every invoke: 30 ms, three quarters of a
# light command's run, over hundreds of runs. A built command is reusable (click's tests
# reuse theirs), so the suite builds each app's once.
typer.testing._get_command = functools.cache(typer.main.get_command)  # type: ignore[attr-defined]

# helpers.py asserts (assert_user_error, check_golden): show their values when they fail
pytest.register_assert_rewrite("helpers")

from helpers import TINY_MODEL_CONFIG, Browser, find_browser  # noqa: E402


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    """A tiny model's config.json (in a folder named ``tiny``, its model id) for
    ``payback calibrate``, which needs torch: skipped without it."""
    pytest.importorskip("torch")
    folder = tmp_path / "tiny"
    folder.mkdir()
    path = folder / "config.json"
    path.write_text(json.dumps(TINY_MODEL_CONFIG))
    return path


@pytest.fixture
def chromium() -> Browser:
    """Playwright and headless Chromium for the page's end-to-end test: skipped when
    either is missing, failed instead where PAYBACK_REQUIRE_BROWSER=1 (as in .ci/run)."""
    return find_browser()
