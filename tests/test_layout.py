"""The source tree's own rules (the layout the README's "How the code is laid out" draws):
modules a newcomer can read in one sitting and functions that fit on a screen, or a reason
written beside the ones that do not."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "payback"
MODULES = sorted(SRC.rglob("*.py"))

MODULE_LINES = 600
FUNCTION_LINES = 80
LONG_MODULES = {
    # module: why it is longer than MODULE_LINES
}
"""Modules over the limit, each with the reason it is one module (checked to stay true)."""


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function after its signature and docstring."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return 0 if not body else (node.end_lineno or node.lineno) - body[0].lineno + 1


def test_the_rules_see_the_tree() -> None:
    assert len(MODULES) > 80
    assert any(p.name == "cashflows.py" for p in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_modules_are_short_or_say_why(path: Path) -> None:
    name = path.relative_to(SRC).as_posix()
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if name in LONG_MODULES:
        assert lines > MODULE_LINES, f"{name} is {lines} lines now: drop it from LONG_MODULES"
    else:
        assert lines <= MODULE_LINES, (
            f"{name}: {lines} lines (split it, or say why in LONG_MODULES)"
        )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_functions_fit_a_screen_or_say_why(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            n = _body_lines(node)
            if n > FUNCTION_LINES:
                head = "\n".join(lines[node.lineno - 1 : node.body[0].lineno])
                assert "# long:" in head, (
                    f"{path.relative_to(SRC)}:{node.lineno} {node.name}: {n} lines in its body "
                    f"(at most {FUNCTION_LINES}; split it, or write '# long: why' on its def line)"
                )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_no_named_unicode_escapes(path: Path) -> None:
    """A ``\\N{NAME}`` escape makes the compiler import unicodedata; Ctrl-C while a module is
    first compiled then surfaces as "SyntaxError: (unicode error) \\N escapes not supported",
    a traceback and exit 1 where the command line promises one line and 130. ``\\u00a0``
    needs no import."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        assert "\\N{" not in line, (
            f"{path.relative_to(SRC)}:{number}: write \\uXXXX, not \\N{{NAME}}"
        )
