"""The portfolio's words and the shared ones they lean on, tried as a new user would on
tests/data/portfolio.toml: a negative NPV and a negative step said as losses, verbs that
agree with their workloads, sentences that start with a capital, a separate fleet's GPUs,
kinds and growth in words, no code backticks in prose, one closing period for the
samples' line, "1 GPU per replica" and one-time shares that add up to 100%."""

from __future__ import annotations

import dataclasses
import io
import re
from functools import cache

import pytest
from rich.console import Console

from helpers import EXAMPLES, FROZEN_PORTFOLIO, run
from payback.report.common import configuration_text, kind_text
from payback.report.fleet import part_shares
from payback.report.portfolio import portfolio_renderables
from payback.report.portfolio_common import workload_rows
from payback.report.portfolio_document import portfolio_html, portfolio_markdown
from payback.report.portfolio_words import portfolio_explanation
from payback.scenario import load_scenario
from payback.studies.portfolio import PortfolioAnalysis, analyze_portfolio

PORTFOLIO = FROZEN_PORTFOLIO
SEPARATE = "a fine-tuned 8B and its own fleet per task"


@cache
def _analysis() -> PortfolioAnalysis:
    return analyze_portfolio(load_scenario(PORTFOLIO))


@cache
def _sections() -> dict[str, list[str]]:
    return dict(portfolio_explanation(_analysis()))


def test_a_negative_npv_is_said_as_a_loss() -> None:
    """The separate fleets' NPV, -$21,133, read "NPV -$21,133" where the scenario's verdict
    says "a loss of"."""
    said = " ".join(_sections()[f"{SEPARATE}: the portfolio"])
    assert "its NPV over 24 months at 10% is a loss of $21,133." in said
    assert "-$" not in said
    shared = " ".join(_sections()["Llama 3.1 8B, an adapter per task, one fleet: the portfolio"])
    assert "It pays back in month 12.8; its NPV over 24 months at 10% is $19,858." in shared


def test_a_step_that_lowers_the_npv_says_so() -> None:
    """email drafts' marginal NPV, -$10,294, read "adds -$10,294"."""
    order = _sections()[f"{SEPARATE}: why this migration order"][0]
    assert "email drafts lowers the NPV by $10,294 (NPV so far $4,691, break-even" in order
    assert "SQL helper lowers the NPV by $13,258 (NPV so far a loss of $21,133, not" in order
    assert "ticket summaries adds $14,661 (NPV so far $14,986," in order
    assert "adds -$" not in order
    assert "-$" not in order


def test_the_lowering_steps_agree_with_their_number() -> None:
    """Three workloads: "before them ... lower"; one keeps "before it ... lowers"."""
    said = _sections()[f"{SEPARATE}: the portfolio"]
    assert (
        "Moved after the workloads before them, email drafts, product tagging, SQL helper "
        "lower the NPV (a negative marginal NPV)." in said
    )
    analysis = _analysis()
    alt = analysis.alternatives[1]
    steps = [dataclasses.replace(s, marginal_npv_usd=abs(s.marginal_npv_usd)) for s in alt.order]
    steps[2] = dataclasses.replace(steps[2], marginal_npv_usd=-1.0)  # email drafts alone
    one = dataclasses.replace(alt, order=steps)
    from payback.report.portfolio_words import _portfolio_paragraphs

    assert (
        "Moved after the workloads before it, email drafts lowers the NPV (a negative "
        "marginal NPV)." in _portfolio_paragraphs(analysis, one)
    )


def test_every_sentence_starts_with_a_capital() -> None:
    """ "support triage moves first" and "GPU time. support triage, ..." started sentences
    in lowercase; the names stay as written inside them."""
    for title, paragraphs in _sections().items():
        for paragraph in paragraphs:
            for sentence in re.split(r"(?<=\.) (?=\S)", paragraph):
                assert not sentence[0].islower(), (title, sentence)
    order = _sections()[f"{SEPARATE}: why this migration order"][0]
    assert order.startswith("The first to move is support triage: alone it has the highest")
    shared = _sections()["Llama 3.1 8B, an adapter per task, one fleet: the portfolio"]
    assert (
        "Each workload pays for the shared fleet by its share of GPU time: support triage, "
        "ticket summaries, product tagging, email drafts save more than their share and "
        "carry the fleet; SQL helper saves less and rides on it." in shared
    )


def test_separate_fleets_say_their_gpus() -> None:
    """The summary row says "5 GPUs in all"; explain said nothing of them."""
    said = _sections()[f"{SEPARATE}: the portfolio"]
    assert (
        "Each workload runs its own fine-tuned model on its own fleet: 5 GPUs in all in month 1."
        in said
    )


def test_the_numbers_hold_the_separate_fleets_gpus() -> None:
    """The GPUs the words say, all the workloads' own fleets together."""
    from payback.report.portfolio_facts import own_fleets

    shared, separate = _analysis().alternatives
    assert own_fleets(separate) == {"gpus_month_1": 5, "gpus_max": 5}  # one per workload
    assert own_fleets(shared) is None


def test_kinds_are_words_in_every_heading() -> None:
    assert kind_text("self_hosted") == "self-hosted"
    assert kind_text("per_request") == "priced per request"
    md = portfolio_markdown(_analysis())
    assert f"## {SEPARATE} (self-hosted)" in md
    assert "self_hosted" not in md.split("## Inputs")[0]
    out = run("analyze", PORTFOLIO)[1]
    assert "Llama 3.1 8B, an adapter per task, one fleet (self-hosted)" in out
    assert "(self_hosted)" not in out


def test_no_growth_reads_as_the_inputs_table_does() -> None:
    """Growth left at 0 read "-" (unknown) in the workloads table; the inputs say "0%"."""
    assert [row[2] for row in workload_rows(_analysis())] == ["0%"] * 5


def test_no_prose_carries_code_backticks() -> None:
    """ "(`payback sensitivity` ranks every input)" showed its backticks in the HTML and
    Markdown reports."""
    words = " ".join(p for ps in _sections().values() for p in ps)
    assert "`" not in words
    assert "(the command payback sensitivity ranks every input)" in words
    page = portfolio_html(_analysis())
    assert "`" not in page.split("<h2>What it means</h2>")[1].split("<h2>Inputs")[0]
    scenario = run("explain", EXAMPLES / "seed.toml")[1]
    assert "`" not in scenario
    assert "(the command payback sensitivity ranks every input)" in " ".join(scenario.split())


def test_the_samples_line_closes_alike_everywhere() -> None:
    """The terminal's "Monte Carlo (...)" line had no period where the report had one."""
    line = (
        "Monte Carlo (20 samples): the scenario has no distributions, so every sample is the same."
    )
    analysis = analyze_portfolio(load_scenario(PORTFOLIO), samples=20)
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(portfolio_renderables(analysis))  # analyze refuses --samples here
    assert " ".join(console.export_text().split()).count(line) == 2
    assert portfolio_markdown(analysis).count(line + "\n") == 2


@pytest.mark.parametrize(("per", "said"), [(1, "1 GPU per replica"), (4, "4 GPUs per replica")])
def test_an_unnamed_gpu_is_counted_in_words(per: int, said: str) -> None:
    """ "1 × GPU per replica" read as a product; a named GPU keeps "1 × l4"."""
    config: dict[str, object] = {
        "gpus_per_replica": per,
        "gpu": None,
        "model": None,
        "precision": None,
        "replica_requests_per_s": 0.85,
        "target_utilization": 0.7,
        "always_on": True,
        "replicas_month_1": 1.0,
        "replicas_max": 1.0,
        "pricing": "on-demand",
        "usd_per_gpu_hour": 0.8,
    }
    assert configuration_text(config) == (
        f"{said}, 0.85 requests/s each (planned at 70%); 1 replica in month 1; on-demand at "
        "$0.80/GPU-h"
    )
    assert (configuration_text(config | {"gpu": "l4"}) or "").startswith(f"{per} × l4 per")


def test_each_share_is_its_own_rounding() -> None:
    """Each one-time item's share rounds on its own, never forced to add up to 100%: the
    seed's $200, $150 and $50 of $400 are 50%, 37.5% and 12.5%, read 50%, 38% and 13% (101%
    as printed; 12% was untrue); owned-h100's $19,200, $8,000 and $7.01 of $27,207 are
    70.57%, 29.40% and 0.026%, read 70.6%, 29.4% and <0.1% (they read 70.5%, 29.4%, 0.1%)."""
    assert part_shares([200.0, 150.0, 50.0]) == ["50%", "38%", "13%"]
    assert part_shares([1.0, 1.0, 1.0]) == ["33%", "33%", "33%"]
    assert part_shares([1000.0, 1.0]) == ["99.9%", "0.1%"]
    assert part_shares([1e6, 1.0, 0.0]) == [">99.9%", "<0.1%", "0%"]  # never 0% for a part
    assert part_shares([7200.0, 4000.0, 1500.0, 160.0]) == ["56.0%", "31.1%", "11.7%", "1.2%"]
    assert part_shares([19200.0, 8000.0, 7.01]) == ["70.6%", "29.4%", "<0.1%"]
    out = " ".join(run("explain", EXAMPLES / "seed.toml")[1].split())
    assert (
        "engineering time $200 (50%), data (collect, label, clean) $150 (38%), training runs "
        "$50 (13%). The training runs themselves are 13% of that;" in out
    )
    out = " ".join(run("explain", EXAMPLES / "owned-h100.toml")[1].split())
    assert (
        "engineering time $19,200 (70.6%), data (collect, label, clean) $8,000 (29.4%), "
        "training runs $7.01 (<0.1%). The training runs themselves are <0.1% of that;" in out
    )
