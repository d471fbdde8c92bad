"""How long the page of `payback serve` takes to answer one change of an input.

Run on demand (not in the test suite), after the README's install:

    .venv/bin/python benchmarks/bench_web.py [--browser]

Target (issue: web page): the deterministic analysis path under 100 ms per change. Two
figures per bundled example, each the median and the 95th percentile over 50 changes of
the monthly requests (a new value each time, so nothing is cached):

- ``analysis``: widget values to a validated scenario and its analysis
  (``payback.web.state.evaluate_inputs``, the path the target names);
- ``page``: the whole page script re-run (timed by the script itself, under Streamlit's
  AppTest), which adds building every widget and the chart shown: what a visitor waits
  for, less the browser's drawing.

And in a real browser (Debian's headless Chromium, when installed), `payback serve
examples/quarter-200k.toml` as a visitor meets it:

- ``first verdict``: from opening the page to the verdict on screen (target 1.5 s, for
  visits after the server's first), and to the figures under it;
- ``verdict after a change``: from pressing Enter in the monthly requests box to the new
  verdict on screen (target 0.3 s at the 95th percentile), over 20 changes, and to its
  figures.

On a machine busy with other work the browser's figures grow with the load: compare runs
made one after the other.

Exits 1 when the analysis path or the browser figures miss their targets.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import payback
from payback.scenario import read_scenario_data
from payback.web.state import evaluate_inputs

ROOT = Path(__file__).resolve().parent.parent
APP = Path(payback.__file__).parent / "web" / "app.py"
EXAMPLES = ["seed", "quarter-200k", "growth", "catalog-ids", "quarter-uncertain"]
CHANGES = 50
TARGET_MS = 100.0
FIRST_VERDICT_S = 1.5
CHANGE_S = 0.3
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VERDICT = """() => {
    const own = document.querySelector('.st-key-verdict');
    if (own) return own.innerText;
    const old = [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]
        .find(e => e.innerText.startsWith('Verdict:'));
    return old ? old.innerText : '';
}"""
"""The verdict's text as shown (the headline; on pages before it, the "Verdict:" line)."""
FIGURES = """() => [...document.querySelectorAll('[data-testid=stMetricValue]')]
    .map(e => e.innerText).join('|')"""
"""The figures under it (break-even, requests, quarter, NPV)."""


def _stats(times: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]


def analysis_path(raw: dict[str, object]) -> tuple[float, float]:
    evaluate_inputs(raw, {})  # warm the catalog and price caches, as a running page has
    times = []
    for i in range(CHANGES):
        start = time.perf_counter()
        outcome = evaluate_inputs(raw, {"traffic.requests_per_month": 100_000.0 + 1_000 * i})
        times.append(time.perf_counter() - start)
        assert outcome.analysis is not None, outcome.problems
    return _stats(times)


def page_path(path: Path) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    from payback.web.state import Held

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    times = []
    for i in range(CHANGES):
        widget = at.text_input(key="in:traffic.requests_per_month")
        widget.set_value(f"{100_000 + 1_000 * i:,}")
        at.run()
        assert not at.exception
        times.append(at.session_state["render_seconds"])
    return _stats(times)


def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = os.environ | {"HOME": str(folder), "TMPDIR": str(folder)}
    example = str(ROOT / "examples" / "quarter-200k.toml")
    server = subprocess.Popen(
        [sys.executable, "-m", "payback", "serve", example, "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the page did not start") from None
            time.sleep(0.2)


def _until(page: object, script: str, arg: object = None) -> float:
    """Seconds until ``script`` (a JS function of ``arg``) is true, from now."""
    start = time.perf_counter()
    page.wait_for_function(script, arg=arg, polling="raf")  # type: ignore[attr-defined]
    return time.perf_counter() - start


def browser_path() -> dict[str, list[float]] | None:
    """Seconds to the first verdict and its figures (each visit, from opening the page) and
    from Enter to the new verdict and figures (each change), in headless Chromium; ``None``
    without it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    import playwright.sync_api as playwright

    out: dict[str, list[float]] = {"verdict": [], "figures": [], "change": [], "change figures": []}
    with tempfile.TemporaryDirectory() as scratch:
        server, url = _serve(Path(scratch))
        try:
            with playwright.sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
                for visit in range(4):
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    start = time.perf_counter()
                    page.goto(url, wait_until="commit")
                    _until(page, f"() => ({VERDICT})().length > 0")
                    out["verdict"].append(time.perf_counter() - start)
                    _until(page, f"() => ({FIGURES})().length > 0")
                    out["figures"].append(time.perf_counter() - start)
                    if visit < 3:
                        page.close()
                box = page.get_by_label("Requests per month", exact=False).first
                page.wait_for_timeout(1500)  # the first run's end (charts, sidebar)
                for i in range(20):
                    verdict, figures = page.evaluate(VERDICT), page.evaluate(FIGURES)
                    box.fill(str(150_000 + 10_000 * i))
                    start = time.perf_counter()
                    box.press("Enter")
                    _until(page, f"v => ({VERDICT})() !== v", verdict)
                    out["change"].append(time.perf_counter() - start)
                    _until(page, f"v => ({FIGURES})() !== v", figures)
                    out["change figures"].append(time.perf_counter() - start)
                    page.wait_for_timeout(700)  # let the run finish before the next change
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return out


def main() -> int:
    if "--browser" in sys.argv[1:]:  # the browser's figures alone
        return _report_browser(True)
    print(f"{'example':<20}{'analysis p50':>14}{'p95':>8}{'page p50':>12}{'p95':>8}   [ms]")
    worst = 0.0
    for name in EXAMPLES:
        path = ROOT / "examples" / f"{name}.toml"
        a50, a95 = analysis_path(read_scenario_data(path))
        p50, p95 = page_path(path)
        worst = max(worst, a95)
        print(f"{name:<20}{a50:>14.1f}{a95:>8.1f}{p50:>12.0f}{p95:>8.0f}")
    verdict = "met" if worst < TARGET_MS else "MISSED"
    print(
        f"worst analysis p95 {worst:.1f} ms: target {TARGET_MS:.0f} ms {verdict} "
        f"({TARGET_MS / worst:.0f}x headroom)"
    )
    return _report_browser(worst < TARGET_MS)


def _report_browser(ok: bool) -> int:
    measured = browser_path()
    if measured is None:
        print("browser: chromium not installed, not measured")
        return 0 if ok else 1
    first, later = measured["verdict"][0], statistics.median(measured["verdict"][1:])
    figures = statistics.median(measured["figures"][1:])
    c50, c95 = _stats(measured["change"])
    f50, f95 = _stats(measured["change figures"])
    first_ok = max(measured["verdict"][1:]) < FIRST_VERDICT_S
    change_ok = c95 / 1000 < CHANGE_S
    print(
        f"browser: first verdict {first:.2f} s on the first visit after the server starts, "
        f"{later:.2f} s on later ones, its figures at {figures:.2f} s "
        f"(target {FIRST_VERDICT_S} s {'met' if first_ok else 'MISSED'})"
    )
    print(
        f"browser: verdict after a change p50 {c50:.0f} ms, p95 {c95:.0f} ms; its figures "
        f"p50 {f50:.0f} ms, p95 {f95:.0f} ms "
        f"(target {CHANGE_S * 1000:.0f} ms {'met' if change_ok else 'MISSED'})"
    )
    return 0 if ok and first_ok and change_ok else 1


if __name__ == "__main__":
    sys.exit(main())
