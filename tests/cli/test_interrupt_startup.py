"""Ctrl-C while the command line loads, at every statement of ``payback.cli``'s own code:
one line and exit code 130, never Python's traceback; and ``import payback``, which runs
before that code, imports nothing that takes time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
LINE = "error: interrupted (Ctrl-C); no file was left half-written"

# In one fresh interpreter: import payback.cli with Ctrl-C raised at its N-th statement from
# its first inside the try that holds them all (only the docstring and the try come before)
# (a trace function raising KeyboardInterrupt where a signal would), for every N until the
# import finishes; each time the exit code and what reached stderr.
CHILD = r"""
import io, json, sys
import payback
source = open(payback.__path__[0] + "/cli/__init__.py", encoding="utf-8").read().splitlines()
first = next(i for i, text in enumerate(source, 1) if text.startswith(("try:", "from ")))
results, n = [], 1
while True:
    seen, line = [0], [0]
    def local(frame, event, arg):
        if event == "line" and frame.f_lineno > first:
            seen[0] += 1
            if seen[0] == n:
                line[0] = frame.f_lineno
                raise KeyboardInterrupt
        return local
    def tracer(frame, event, arg):
        if frame.f_code.co_name == "<module>" and frame.f_code.co_filename.endswith(
            "payback/cli/__init__.py"
        ):
            return local
        return None
    for name in [m for m in sys.modules if m == "payback.cli" or m.startswith("payback.cli.")]:
        del sys.modules[name]
    err, sys.stderr = sys.stderr, io.StringIO()
    code = 0
    sys.settrace(tracer)
    try:
        import payback.cli
    except SystemExit as exc:
        code = exc.code
    except BaseException as exc:  # what would reach the top: Python prints its traceback
        code = "traceback: " + type(exc).__name__
    finally:
        sys.settrace(None)
        shown, sys.stderr = sys.stderr.getvalue(), err
    if code == 0:
        break
    results.append([n, code, shown, line[0]])
    n += 1
print(json.dumps({"statements": n - 1, "results": results}))
"""


def _python(code: str, timeout: float) -> str:
    """What a fresh Python prints running ``code`` with the sources on its path."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
        timeout=timeout,
    ).stdout


def test_ctrl_c_at_any_statement_of_the_command_line_module_is_one_line() -> None:
    """A Ctrl-C before the try of payback/cli/__init__.py (its imports) or after it (the
    commands' registration) reached the top as a KeyboardInterrupt: Python's traceback."""
    out = _python(CHILD, timeout=120)
    data = json.loads(out)
    assert data["statements"] > 20  # every import, registration and definition
    for n, code, shown, line in data["results"]:
        assert (code, shown) == (130, LINE + "\n"), f"statement {n}, line {line}"


def test_import_payback_imports_nothing_that_takes_time() -> None:
    """``import payback`` runs before the command line's handler: it imported typing (about
    12 ms, 30 modules) there."""
    code = (
        "import sys, json; before = set(sys.modules); import payback; "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = _python(code, timeout=60)
    added = set(json.loads(out)) - {"payback"}
    assert added <= {"__future__", "importlib", "importlib._bootstrap",
                     "importlib._bootstrap_external", "warnings"}, added  # fmt: skip
