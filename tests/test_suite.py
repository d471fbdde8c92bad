"""The test suite's own rules: a folder per package, no test file importing another (shared
code is in helpers.py, fixtures in conftest.py), and the browser test's gate: skipped where
playwright or Chromium is missing, failed instead where PAYBACK_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import ast
import shutil
import sys
import types
from pathlib import Path

import pytest

import payback
from helpers import ROOT, TESTS, Browser, find_browser

# sample benchmark results and the script that generated them: not tests
SOURCES = sorted(p for p in TESTS.rglob("*.py") if (TESTS / "data") not in p.parents)
NOT_PACKAGES = {"golden", "contract", "data", "__pycache__"}


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at the top or inside a function; a relative import
    keeps its leading dots; importlib.import_module("x") and __import__("x") count too."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in ("__import__", "import_module", "importlib.import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.append(str(node.args[0].value))
    return names


def test_the_suite_has_its_files() -> None:
    names = {p.relative_to(TESTS).as_posix() for p in SOURCES}
    assert {"conftest.py", "helpers.py", "cli/test_cli.py", "test_suite.py"} <= names
    assert len([p for p in SOURCES if p.name.startswith("test_")]) > 20


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(TESTS).as_posix())
def test_no_test_file_imports_another(path: Path) -> None:
    for name in imported_modules(path):
        top = name.split(".")[0]
        assert not name.startswith("."), f"{path.name}: relative import {name}"
        assert not top.startswith("test_"), (
            f"{path.name} imports {name}: shared code goes in tests/helpers.py, "
            "fixtures in tests/conftest.py"
        )
        assert top != "conftest", f"{path.name} imports conftest: pytest gives its fixtures"


def test_the_import_rule_sees_every_kind_of_import(tmp_path: Path) -> None:
    path = tmp_path / "test_x.py"
    path.write_text(
        "import os\nfrom test_cli import run\n"
        "def f():\n    from . import helpers\n    import test_web\n"
        "    return __import__('test_quality'), importlib.import_module('conftest')\n"
    )
    assert imported_modules(path) == [
        "os",
        "test_cli",
        ".",
        "test_web",
        "test_quality",
        "conftest",
    ]


def test_each_test_folder_is_a_package_of_payback() -> None:
    """tests/<name>/ holds the tests of payback/<name>/: a newcomer finds them by the name."""
    packages = {
        p.name for p in Path(payback.__file__).parent.iterdir() if (p / "__init__.py").is_file()
    }
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and p.name not in NOT_PACKAGES}
    assert folders, "no test folders"
    assert folders <= packages, f"not a package of payback: {sorted(folders - packages)}"
    for folder in folders:
        assert list((TESTS / folder).glob("test_*.py")), f"tests/{folder} holds no test file"


# ---------------------------------------------------------------- the browser test's gate


@pytest.fixture(params=["", "1"], ids=["skip", "required"])
def required(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setenv("PAYBACK_REQUIRE_BROWSER", request.param)
    return request.param == "1"


def fake_playwright(monkeypatch: pytest.MonkeyPatch) -> object:
    sync_api = types.ModuleType("playwright.sync_api")
    sync_api.sync_playwright = object()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "playwright", types.ModuleType("playwright"))
    monkeypatch.setitem(sys.modules, "playwright.sync_api", sync_api)
    return sync_api.sync_playwright  # type: ignore[attr-defined]


def test_without_chromium_the_browser_test_skips_unless_required(
    monkeypatch: pytest.MonkeyPatch, required: bool
) -> None:
    fake_playwright(monkeypatch)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    outcome = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(outcome, match="chromium"):
        find_browser()


def test_without_playwright_the_browser_test_skips_unless_required(
    monkeypatch: pytest.MonkeyPatch, required: bool
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    outcome = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(outcome, match="playwright"):
        find_browser()


def test_with_both_the_browser_test_gets_them(
    monkeypatch: pytest.MonkeyPatch, required: bool
) -> None:
    sync_playwright = fake_playwright(monkeypatch)
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    assert find_browser() == Browser(sync_playwright, "/usr/bin/chromium")


def test_ci_requires_the_browser() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "export PAYBACK_REQUIRE_BROWSER=1" in ci
