"""Where explain and the reports list the token lengths among what decides the answer, they
carry the line ``payback sensitivity`` warns with when the file gives the self-hosted
capacity: the study holds it while the lengths vary. An estimated capacity follows the
lengths, and no such line is said."""

from __future__ import annotations

import html
import re
from pathlib import Path

from helpers import EXAMPLES, QUARTER, run

HELD = (
    "traffic.input_tokens, traffic.output_tokens and traffic.cached_input_share vary the "
    "per-token prices only: alternatives.0's capacity (replica_requests_per_s, 0.85 "
    "requests/s) stays as it is; measure it at other token lengths"
)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _warned(path: Path) -> str:
    """The one capacity-held line ``payback sensitivity`` warns with on stderr."""
    code, _, err = run("sensitivity", path)
    assert code == 0, err
    lines = [w for w in _flat(err).split("warning: ") if "per-token prices only" in w]
    assert len(lines) == 1, err
    return lines[0].strip()


def test_explain_and_reports_say_the_capacity_the_study_holds(tmp_path: Path) -> None:
    warned = _warned(QUARTER)
    assert warned.startswith(HELD)  # 0.85 requests/s, as the file gives it
    code, out, err = run("explain", QUARTER)
    assert code == 0, err
    said = _flat(out)
    assert said.count("per-token prices only") == 1
    assert f"Caution: {warned}." in said
    # after the drivers it qualifies: the output tokens are among the three named
    assert said.index("(traffic.output_tokens;") < said.index("Caution: ")
    for name in ("r.md", "r.html"):
        code, _, err = run("report", QUARTER, "-o", tmp_path / name)
        assert code == 0, err
        page = _flat((tmp_path / name).read_text())
        page = html.unescape(page) if name.endswith(".html") else page.replace("\\_", "_")
        assert page.count("per-token prices only") == 1, name
        assert f"Caution: {warned}." in page, name


def test_an_estimated_capacity_follows_the_lengths_and_no_line_says_it_is_held(
    tmp_path: Path,
) -> None:
    catalog = EXAMPLES / "catalog-ids.toml"
    code, out, err = run("explain", catalog)
    assert code == 0, err
    assert "traffic.output_tokens" in out  # the lengths are among the drivers
    assert "per-token prices only" not in out
    code, _, err = run("report", catalog, "-o", tmp_path / "r.md")
    assert code == 0, err
    assert "per-token prices only" not in (tmp_path / "r.md").read_text()


BOTH = (
    "the capacities of alternatives.0 and alternatives.1 on those workloads "
    "(replica_requests_per_s: the 8 that workloads 1, 2, 3 and 4 give; alternatives.0's own on "
    "workload 0; alternatives.1's own on workload 0)"
)
OWN = (
    "the capacities of alternatives.{i} on those workloads (replica_requests_per_s: the 4 that "
    "workloads 1, 2, 3 and 4 give; alternatives.{i}'s own on workload 0)"
)


def test_a_portfolios_explain_says_the_capacities_it_holds() -> None:
    portfolio = EXAMPLES / "portfolio.toml"
    warned = _warned(portfolio)
    code, out, err = run("explain", portfolio)
    assert code == 0, err
    said = _flat(out)
    # the study's warning names both alternatives' capacities (workload 0 gives none: each
    # alternative's own is held there) ...
    assert BOTH in warned
    # ... and each alternative's drivers end with the same line naming its own five
    for i in (0, 1):
        own = warned.replace(BOTH, OWN.format(i=i))
        assert said.count(f"Caution: {own}.") == 1
    assert said.count("Caution: ") == 2


def test_each_alternatives_section_names_its_own_capacity_only(tmp_path: Path) -> None:
    """examples/growth.toml gives both alternatives' capacities: sensitivity's one warning
    names both, and each alternative's section names its own, not the other's twice over."""
    growth = EXAMPLES / "growth.toml"
    warned = _warned(growth)
    both = (
        "alternatives.0's capacity (replica_requests_per_s, 10.7 requests/s) and "
        "alternatives.1's capacity (replica_requests_per_s, 10.7 requests/s) stay as they are"
    )
    assert both in warned
    own = [
        warned.replace(
            both,
            f"alternatives.{i}'s capacity (replica_requests_per_s, 10.7 requests/s) stays as it is",
        )
        .replace("measure them", "measure it")
        .replace("leave them out", "leave it out")
        for i in (0, 1)
    ]
    code, out, err = run("explain", growth)
    assert code == 0, err
    said = _flat(out)
    code, _, err = run("report", growth, "-o", tmp_path / "r.html")
    assert code == 0, err
    page = html.unescape(_flat((tmp_path / "r.html").read_text()))
    for text in (said, page):
        assert text.count("per-token prices only") == 2
        assert "and alternatives.1's capacity" not in text
        assert all(text.count(f"Caution: {line}.") == 1 for line in own)


SELF_HOSTED_BASELINE = """
[scenario]
name = "ch"
horizon_months = 12
[traffic]
requests_per_month = 20000000
input_tokens = 1000
output_tokens = 200
[baseline]
name = "bsh"
kind = "self_hosted"
usd_per_gpu_hour = 4.0
replica_requests_per_s = {baseline_rps}
[[alternatives]]
name = "a1"
kind = "self_hosted"
usd_per_gpu_hour = 1.0
replica_requests_per_s = 4.0
[alternatives.one_time]
data_usd = 1000
[[alternatives]]
name = "a2"
kind = "hosted_api"
input_usd_per_mtok = 0.2
output_usd_per_mtok = 0.8
"""


def test_every_alternatives_caution_names_the_baselines_held_capacity(tmp_path: Path) -> None:
    """A self-hosted baseline's capacity prices the fleet every alternative is held against:
    the caution of an alternative that does not escalate dropped it (review), though the
    baseline's capacity at 4 instead of 2 moves a1's NPV by $105,120."""
    import json

    npv = {}
    for rps in (2.0, 4.0):
        path = tmp_path / f"b{rps:g}.toml"
        path.write_text(SELF_HOSTED_BASELINE.format(baseline_rps=rps))
        code, out, err = run("analyze", path, "--json")
        assert code == 0, err
        npv[rps] = [a["npv_usd"] for a in json.loads(out)["alternatives"]]
    assert round(npv[2.0][0] - npv[4.0][0]) == 105_120  # a1 moves with the baseline's capacity
    code, out, err = run("explain", tmp_path / "b2.toml")
    assert code == 0, err
    cautions = _flat(out).split("Caution: ")[1:]
    assert len(cautions) == 2
    assert cautions[0].startswith(
        "traffic.input_tokens and traffic.output_tokens vary the per-token prices only: "
        "baseline's capacity (replica_requests_per_s, 2 requests/s) and alternatives.0's "
        "capacity (replica_requests_per_s, 4 requests/s) stay as they are"
    )
    assert cautions[1].startswith(
        "traffic.input_tokens and traffic.output_tokens vary the per-token prices only: "
        "baseline's capacity (replica_requests_per_s, 2 requests/s) stays as it is"
    )
