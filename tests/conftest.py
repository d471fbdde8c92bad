"""Fixtures shared by the test folders (plain helpers and constants are in helpers.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import settings

# Speed lives in benchmarks/: a property test is never failed for being slow on a busy machine
settings.register_profile("payback", deadline=None)
settings.load_profile("payback")

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
