"""The page's workloads on one self-hosted baseline fleet they share today. Tried as a new
user would: `payback analyze` says what the fleet costs today and what moving leaves of it
("Baseline fleet $2,920 today: ...; moving all 3 retires it") and its contributions end
with the row of what only the set saves ("baseline fleet, retired as a set $35,040"); the
page showed three workloads at -$324 each beside an NPV of $34,068, with neither. It now
shows the line above the workloads table, the row in it, and the row's figure in words
below it (the table scrolls sideways to its net on a phone), in analyze's and the report's
words (Streamlit's AppTest, and headless Chromium at 420 and 1400 px)."""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import payback
from baseline_fleet_files import THREE_ON_ONE_FLEET
from helpers import EXAMPLES, find_browser, page_tables, run
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio
from payback.web.portfolio import baseline_fleet_lines, workloads_rows

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from payback.web.state import Held

pytestmark = pytest.mark.slow  # Streamlit's AppTest and Chromium: seconds a test

APP = payback.__file__.replace("__init__.py", "web/app.py")

RETIRED = THREE_ON_ONE_FLEET
"""Three workloads of 100,000 requests a month on one replica of 2 GPUs at $2/GPU-hour:
$2,920 a month, 2 × 730 h × $2.00, whichever of them run there. Each moved alone to the API
costs it 100,000 × (1,000 × $0.15 + 200 × $0.60) / 1e6 = $27 a month and sheds nothing
(the fleet runs on for the other two): -$27 × 12 = -$324. Moved as a set they retire it:
12 × $2,920 = $35,040, and -3 × $324 + $35,040 = $34,068, the NPV."""

SEVERAL = """
[scenario]
name = "x"
horizon_months = 12
discount_rate_annual = 0.0

[baseline]
name = "old fleet"
kind = "self_hosted"
gpus_per_replica = 2
replica_requests_per_s = 1.0
min_replicas = 2
ops_usd_per_month = 500.0
usd_per_gpu_hour = 2.0
commitment = "1y"
gpu_price_change_annual = -0.2

[[alternatives]]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 0.5
output_usd_per_mtok = 1.5
escalation_share = 0.1
portfolio = { workloads = ["a", "b"] }
[alternatives.one_time]
engineer_hours = 10
engineer_usd_per_hour = 100
""" + "".join(
    f"""
[[workloads]]
name = "{n}"
traffic = {{ requests_per_month = {r}, input_tokens = 1000, output_tokens = 100, \
peak_to_average = 2.0 }}
"""
    for n, r in (("a", 2000000), ("b", 1000000), ("c", 500000))
)
"""a and b move, c stays: each moved alone avoids some of the same replicas, and the row
takes back what the parts count more than once."""

KEPT = RETIRED.replace(
    "output_usd_per_mtok = 0.6\n", "output_usd_per_mtok = 0.6\nescalation_share = 0.2\n"
)
"""The three workloads with 20% of requests still sent to the fleet: it keeps its replica
for them, so the set saves nothing the parts do not (no row)."""


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _terminal_rows(out: str) -> list[tuple[str, str]]:
    """`payback analyze`'s contributions table: each row's first cell and its net, less the
    shared row."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("What each workload"))
    rule = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("─"))
    rows = []
    for line in lines[rule + 1 :]:
        if not line.strip() or line.strip().startswith("shared ops"):
            break
        cells = re.split(r"\s{2,}", line.strip())
        net = next(c for c in reversed(cells) if c.startswith(("$", "-$")))
        rows.append((cells[0], net))
    return rows


@pytest.mark.parametrize(
    ("name", "text", "row"),
    [
        ("retired", RETIRED, ("baseline fleet, retired as a set", "$35,040")),
        ("several", SEVERAL, ("baseline fleet, counted more than once", "-$35,040")),
        ("kept", KEPT, None),
    ],
)
def test_the_rows_end_with_analyzes_baseline_fleet_row(
    tmp_path: Path, name: str, text: str, row: tuple[str, str] | None
) -> None:
    path = _file(tmp_path, name, text)
    code, out, err = run("analyze", path)
    assert code == 0, err
    scenario = load_scenario(path)
    _, rows = workloads_rows(scenario, analyze_portfolio(scenario))
    assert [(r["workload"], r["net (PV)"]) for r in rows] == _terminal_rows(out)
    workloads = [r for r in rows if r["move"]]
    assert [r["workload"] for r in workloads] == list("abc" if name != "several" else "ab")
    if row is None:
        assert len(rows) == len(workloads)
        return
    (last,) = [r for r in rows if not r["move"]]
    assert rows[-1] is last
    assert (last["workload"], last["net (PV)"]) == row
    assert (last["requests/month"], last["saves (PV)"], last["role"]) == ("", "", "")


def test_the_figures_by_hand(tmp_path: Path) -> None:
    scenario = load_scenario(_file(tmp_path, "retired", RETIRED))
    analysis = analyze_portfolio(scenario)
    _, rows = workloads_rows(scenario, analysis)
    assert [(r["workload"], r["saves (PV)"], r["net (PV)"]) for r in rows][-1] == (
        "baseline fleet, retired as a set",
        "",
        "$35,040",
    )
    assert [r["net (PV)"] for r in rows[:3]] == ["-$324"] * 3
    line, adds_up = baseline_fleet_lines(analysis, 0)
    assert line == (
        "$2,920 today: one fleet of 1 × 2 GPUs for the 3 workloads; moving all 3 retires it"
    )
    assert adds_up == (
        "The nets (-$324, -$324, -$324), the row 'baseline fleet, retired as a set' ($35,040)"
        " and the shared ops, retraining and one-time items ($0) add up to the alternative's"
        " NPV ($34,068)."
    )


def _read(markdown: str) -> str:
    """A caption as its reader sees it: the Markdown less its escapes and bold marks."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown)).replace("**", "")


def _page(tmp_path: Path, text: str) -> AppTest:
    path = _file(tmp_path, "page", text)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, text, path.parent)
    return at.run()


def test_the_page_shows_the_line_the_row_and_its_figure(tmp_path: Path) -> None:
    at = _page(tmp_path, RETIRED)
    assert not at.exception
    captions = [_read(c.value) for c in at.caption]
    line = (
        "Baseline fleet $2,920 today: one fleet of 1 × 2 GPUs for the 3 workloads; moving all"
        " 3 retires it."
    )
    assert line in captions
    adds_up = [c for c in captions if c.startswith("The nets (")]
    assert adds_up == [
        "The nets (-$324, -$324, -$324), the row 'baseline fleet, retired as a set' ($35,040)"
        " and the shared ops, retraining and one-time items ($0) add up to the alternative's"
        " NPV ($34,068)."
    ]
    # above the table, and its figure below it
    assert captions.index(line) < captions.index(adds_up[0])
    (table,) = page_tables(at)
    assert list(table.value["workload"]) == ["a", "b", "c", "baseline fleet, retired as a set"]
    assert list(table.value["net (PV)"]) == ["-$324", "-$324", "-$324", "$35,040"]


def test_no_line_where_each_workload_keeps_its_own_baseline(tmp_path: Path) -> None:
    """examples/portfolio.toml: every workload on a hosted API of its own, no fleet shared
    today: no line, no row, no figure of one."""
    scenario = load_scenario(EXAMPLES / "portfolio.toml")
    analysis = analyze_portfolio(scenario)
    for index in range(len(analysis.alternatives)):
        assert baseline_fleet_lines(analysis, index) == ("", None)
    at = _page(tmp_path, (EXAMPLES / "portfolio.toml").read_text())
    assert not at.exception
    captions = [_read(c.value) for c in at.caption]
    assert not [c for c in captions if c.startswith(("Baseline fleet", "The nets ("))]
    (table,) = page_tables(at)
    assert list(table.value["workload"]) == [w.name for w in scenario.workloads or []]


# ---------------------------------------------------------------- in Chromium


@contextmanager
def _served(path: Path, folder: Path) -> Iterator[str]:
    """`payback serve path` in a subprocess, this checkout's sources; the page's address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = os.environ | {
        "HOME": str(folder),
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "payback", "serve", str(path), "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                assert server.poll() is None, "the page did not start"
                assert time.monotonic() < deadline, "the page did not start in 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


READ = """() => {
    const box = [...document.querySelectorAll('[data-testid=stExpander]')]
        .find(e => e.innerText.includes('moved together'));
    const width = document.documentElement.clientWidth;
    return [...box.querySelectorAll('[data-testid=stCaptionContainer]')].map(e => {
        const r = e.getBoundingClientRect();
        return {text: e.innerText.replaceAll('\\u00a0', ' '), left: r.left, right: r.right,
                width, scrolls: e.scrollWidth > e.clientWidth};
    });
}"""


@pytest.mark.parametrize("width", [420, 1400])
def test_chromium_shows_the_line_and_the_figure_whole(tmp_path: Path, width: int) -> None:
    """The line and the row's figure in words read in full inside the page at each width,
    wrapped, none cut or scrolled sideways (PAYBACK_SHOTS=DIR keeps a picture of the
    workloads at each width)."""
    found = find_browser()
    path = _file(tmp_path, "retired", RETIRED)
    with _served(path, tmp_path) as url, found.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=found.executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 1600})
            page.set_default_timeout(90_000)
            page.goto(url, wait_until="domcontentloaded")
            page.locator(".st-key-workloads table").first.wait_for()
            page.get_by_text("The nets (", exact=False).first.wait_for()
            shown = page.evaluate(READ)
            texts = [" ".join(c["text"].split()) for c in shown]
            assert texts[0] == (
                "Baseline fleet $2,920 today: one fleet of 1 × 2 GPUs for the 3 workloads;"
                " moving all 3 retires it."
            )
            assert texts[2].startswith("The nets (-$324, -$324, -$324), the row 'baseline")
            assert texts[2].endswith("add up to the alternative's NPV ($34,068).")
            for caption in shown:
                assert caption["left"] >= 0, caption
                assert caption["right"] <= caption["width"], caption
                assert not caption["scrolls"], caption
            shots = os.environ.get("PAYBACK_SHOTS")
            if shots:
                box = page.locator("[data-testid=stExpander]", has_text="moved together")
                box.first.screenshot(path=f"{shots}/baseline-fleet-{width}.png")
        finally:
            browser.close()
