"""``payback report`` and ``payback explain`` of a scenario with workloads: the portfolio as
HTML, Markdown and plain words, read from the analysis."""

from __future__ import annotations

import html
import tomllib
from pathlib import Path

import pytest

from helpers import FROZEN_PORTFOLIO, run
from payback.report.portfolio_document import (
    portfolio_explanation,
    portfolio_html,
    portfolio_markdown,
)
from payback.scenario import load_scenario, parse_scenario
from payback.studies.portfolio import analyze_portfolio

PORTFOLIO = FROZEN_PORTFOLIO


def test_html_and_markdown_hold_every_table() -> None:
    analysis = analyze_portfolio(load_scenario(PORTFOLIO))
    page = portfolio_html(analysis)
    md = portfolio_markdown(analysis)
    for alt in analysis.alternatives:
        assert f"<h2>{html.escape(f'{alt.name} (self-hosted)')}</h2>" in page
        assert html.escape(alt.quarter) in page
        for step in alt.order:
            assert f"<td>{html.escape(step.workload)}</td>" in page
    verdict = analysis.verdict()  # a sentence of its own: capitalised
    assert f"<p>{html.escape(verdict[0].upper() + verdict[1:])}</p>" in page
    assert "NPV $19,858 over 24 months at 10%" in verdict  # the rate, as analyze says it
    assert "| NPV, 24 months at 10% | \\$19,858 |" in md  # \$: not GitHub's maths
    assert "| support triage | 400,000 | 0% | 1,500 / 150 | 3 | hosted GPT-4o-class API |" in md
    assert md.count("## Migration order") == len(analysis.alternatives)
    # figures right-aligned as the HTML's (workload, 4 figures, its baseline's name)
    assert (
        "| workload | requests/month | growth | tokens in / out | peak / average | baseline |\n|---|---:|---:|---:|---:|---|\n"
        in md
    )
    # GPU time by requests over capacity: 15,000 / 9.7 of 400,000 / 13.8 + 150,000 / 4.0 +
    # 60,000 / 36.5 + 40,000 / 11 + 15,000 / 9.7 = 1,546 of 73,313, 2.1%
    assert "| SQL helper | \\$406 | 2.1% | \\$576 | -\\$170 | rides on it |" in md
    # each workload's 3 training runs (3 x $50 for support triage) are inputs too: whole
    # numbers were left out of the inputs table
    for j in range(5):
        assert f"| `workloads.{j}.one_time.training_runs` | 3 | scenario file |" in md


def test_headings_keep_an_alternatives_name_as_written() -> None:
    """A section named after an alternative keeps its name's case (``a fine-tuned 8B``, not
    ``A fine-tuned 8B``: a name such as ``gpt-4o`` is not a sentence); one of fixed words
    starts with a capital."""
    analysis = analyze_portfolio(load_scenario(PORTFOLIO))
    name = "a fine-tuned 8B and its own fleet per task"
    assert name in [alt.name for alt in analysis.alternatives]
    assert f"### {name}: the portfolio\n" in portfolio_markdown(analysis)
    assert f"<h3>{html.escape(name)}: what decides it</h3>" in portfolio_html(analysis)
    code, stdout, _ = run("explain", PORTFOLIO)
    assert code == 0
    assert f"\n{name}: how the break-even is computed here\n" in f"\n{stdout}"
    assert "A fine-tuned 8B" not in stdout


def test_report_writes_the_portfolio_and_refuses_a_png(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    code, stdout, _ = run("report", PORTFOLIO, "-o", out)
    assert code == 0
    assert stdout.strip() == f"Wrote {out} and 3 charts beside it"
    pngs = ["r-cumulative-portfolio.png", "r-one-contributions-0.png", "r-one-contributions-1.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*pngs, "r.md"])
    text = out.read_text()
    for png in pngs:
        assert f"]({png})" in text
        assert (tmp_path / png).read_bytes().startswith(b"\x89PNG")
    assert text.startswith("# five tasks, one 8B base model\n")
    assert "payback sha256:" in text.splitlines()[-1]  # payback's own file: replaced
    assert run("report", PORTFOLIO, "-o", out)[0] == 0
    # -o .png is the cumulative-cost chart alone: the portfolio's, the one beside the .md
    code, stdout, _ = run("report", PORTFOLIO, "-o", tmp_path / "c.png")
    assert (code, stdout.strip()) == (0, f"Wrote {tmp_path / 'c.png'}")
    cumulative = (tmp_path / "r-cumulative-portfolio.png").read_bytes()
    assert (tmp_path / "c.png").read_bytes() == cumulative


def test_explain_says_who_carries_the_fleet() -> None:
    analysis = analyze_portfolio(load_scenario(PORTFOLIO))
    (shared_title, shared), *_ = portfolio_explanation(analysis)
    assert shared_title == "Llama 3.1 8B, an adapter per task, one fleet: the portfolio"
    assert (
        "Each workload pays for the shared fleet by its share of GPU time: support triage, "
        "ticket summaries, product tagging, email drafts save more than their share and "
        "carry the fleet; SQL helper saves less and rides on it."
    ) in shared
    assert (
        shared[-1]
        == "Even with all 5 workloads it does not pay back within a quarter (month 12.8)."
    )
    code, out, _ = run("explain", PORTFOLIO, "--json")
    assert code == 0
    assert '"Llama 3.1 8B, an adapter per task, one fleet: the portfolio"' in out


def test_report_and_explain_say_which_gpus_are_pinned() -> None:
    # support triage at 12M requests fills a replica (its busiest hour 12M × 0.95 / 2.63M s
    # × 3 = 13.0 requests/s, a replica 13.8 × 0.7 = 9.66): one pinned to its adapter
    # (merged, no multi-adapter penalty), the other four workloads' load mixed on the second
    data = tomllib.loads(PORTFOLIO.read_text())
    data["workloads"][0]["traffic"]["requests_per_month"] = 12e6
    analysis = analyze_portfolio(parse_scenario(data))
    shared = analysis.alternatives[0]
    assert (shared.gpus or [])[0] == 2.0
    assert (shared.pinned_gpus or [])[0] == 1.0
    md = portfolio_markdown(analysis)
    assert (
        "| placement, month 1 | 1 GPU pinned to a single workload's adapter, 1 GPU mixing "
        "adapters |"
    ) in md
    (_, paragraphs), *_ = portfolio_explanation(analysis)
    assert (
        "The shared fleet runs 2 GPUs in month 1: 1 GPU pinned to a single workload's adapter, "
        "1 GPU mixing adapters."
    ) in paragraphs[2]
    from payback.report.portfolio_common import fleet_words

    assert fleet_words(shared) == (
        "one shared fleet, an adapter per workload: 2 GPUs (1 GPU pinned to a single "
        "workload's adapter, 1 GPU mixing adapters)"
    )
    as_dict = analysis.to_dict()["alternatives"][0]
    assert (as_dict["pinned_gpus"][0], as_dict["mixed_gpus"][0]) == (1.0, 1.0)


FITS = """() => {
    const page = document.documentElement;
    const boxes = [...document.querySelectorAll('table')].map(t => {
        const box = t.parentElement;
        return {boxed: box.classList.contains('wide') && getComputedStyle(box).overflowX === 'auto',
                right: Math.round(box.getBoundingClientRect().right),
                inner: t.getBoundingClientRect().width, room: box.clientWidth,
                head: t.querySelector('tr').innerText.replace(/\\s+/g, ' ').slice(0, 40)};
    });
    return {scroll: page.scrollWidth, width: page.clientWidth, boxes};
}"""


@pytest.mark.slow
def test_the_page_fits_a_phone_each_table_scrolling_in_its_box(tmp_path: Path) -> None:
    """At 360 and 420 px the contribution and inputs tables are wider than the page: each
    scrolls sideways in its own box, the page itself never wider than the screen (measured
    in Chromium). The workloads table, six columns (659 px at 420), stacks there instead
    (test_portfolio_workloads_stacked.py): all of it in its box."""
    from helpers import pages_at

    page_file = tmp_path / "report.html"
    page_file.write_text(portfolio_html(analyze_portfolio(load_scenario(PORTFOLIO))))
    for width, page in pages_at(page_file, (360, 420, 1400)):
        measured = page.evaluate(FITS)
        assert measured["scroll"] == measured["width"] == width, measured
        for box in measured["boxes"]:
            assert box["boxed"], (width, box)
            assert box["right"] <= width, (width, box)
        workloads = measured["boxes"][0]
        assert workloads["head"].startswith("workload requests/month")
        assert workloads["inner"] <= workloads["room"]  # stacked on a phone: no scrolling
        if width < 1400:
            contributions = measured["boxes"][2]
            assert contributions["head"].startswith("workload saves")
            assert contributions["inner"] > contributions["room"]  # it does scroll there


def test_control_characters_in_names_are_refused_in_one_line_each(tmp_path: Path) -> None:
    """A workload and an alternative named with an escape sequence and a bell: the raw
    bytes had reached the HTML and Markdown files (then read as the terminal shows them);
    a name is one line of text now, refused where it is read, shown escaped."""
    text = (
        PORTFOLIO.read_text()
        .replace('name = "support triage"', 'name = "a\\u001b[31mb"')
        .replace("Llama 3.1 8B, an adapter per task, one fleet", "x\\u0007y shared")
    )
    path = tmp_path / "ctrl.toml"
    path.write_text(text)
    for command in ("analyze", "explain", "report"):
        code, out, err = run(
            command, path, *(("-o", tmp_path / "r.html") if command == "report" else ())
        )
        assert code == 2, err
        assert "'a\\x1b[31mb': a line break or control character" in err
        assert "'x\\x07y shared': a line break or control character" in err
        for said in (out, err):
            assert "\x1b" not in said
            assert "\x07" not in said
    assert not (tmp_path / "r.html").exists()


def test_a_fleet_that_mixes_no_adapters_is_not_said_to() -> None:
    """With one workload the shared alternative runs that workload's model merged, and a
    fleet per workload mixes nothing: the report said 'one shared fleet, an adapter per
    workload' and 'placement, month 1 | -' for them, where analyze says 'one fleet (one
    workload)', and neither said how many GPUs that fleet runs (--json does) (tried as a
    new user would, with a portfolio of one workload)."""
    data = tomllib.loads(PORTFOLIO.read_text())
    data["workloads"] = data["workloads"][:1]
    md = portfolio_markdown(analyze_portfolio(parse_scenario(data)))
    # support triage's busiest hour: 400,000 × 0.95 / 2,628,000 s × 3 = 0.43 requests/s,
    # one replica of 13.8 × 0.7; min_replicas = 2 runs two (2 × $0.86 × 730 h = $1,256),
    # the second kept by the floor alone, as a fleet shared by several workloads says it
    assert (
        "| fleet | one fleet (one workload): 2 GPUs (1 GPU kept by min\\_replicas beyond what "
        "the traffic needs) |"
    ) in md
    assert "| USD per month, month 1 | \\$1,861 against \\$2,100 |" in md
    assert "| fleet | a fine-tuned model and fleet per workload: 1 GPU in all |" in md
    assert "an adapter per workload" not in md
    assert "placement" not in md
    # five workloads: the shared fleet's row and its placement stay
    md = portfolio_markdown(analyze_portfolio(load_scenario(PORTFOLIO)))
    assert "| fleet | one shared fleet, an adapter per workload (2 GPUs in month 1) |" in md
    # 665,000 requests need one replica at their busiest; min_replicas = 2 keeps a second
    assert (
        "| placement, month 1 | 1 GPU mixing adapters, 1 GPU kept by min\\_replicas beyond "
        "what the traffic needs |" in md
    )
    assert md.count("placement, month 1") == 1
