"""Every module of the package imports on its own, whatever was imported before it (a
cycle between two modules shows only when the one imported first is the wrong one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

CHECK = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "payback" or m.startswith("payback.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def _modules() -> list[str]:
    names = []
    for path in sorted((SRC / "payback").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__main__":
            continue  # runs the command line
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_imports_first() -> None:
    names = _modules()
    assert "payback.report.solving" in names
    done = subprocess.run(
        [sys.executable, "-c", CHECK, *names], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "", done.stdout
