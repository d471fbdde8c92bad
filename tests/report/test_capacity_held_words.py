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


def test_a_portfolios_explain_says_the_capacities_it_holds() -> None:
    portfolio = EXAMPLES / "portfolio.toml"
    warned = _warned(portfolio)
    code, out, err = run("explain", portfolio)
    assert code == 0, err
    said = _flat(out)
    # both alternatives give each workload's capacity: each one's drivers carry the line
    assert said.count(f"Caution: {warned}.") == 2
    assert "the 10 capacities given for alternatives.0 and alternatives.1" in warned
