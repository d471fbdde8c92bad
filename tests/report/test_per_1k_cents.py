"""A cost of 1,000 requests under a cent keeps the digits that tell it from $0, in
``analyze``'s table and in ``explain``'s worked sum: an embedding API at $0.004 against a
fine-tune at $0.001 per 1,000, 10^10 requests a month, read "$0.00 vs $0.00" beside a
saving of $30,000 a month, and explain's "$40,000 (10,000,000,000 requests at $0.00 per
1,000)" did not add up."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit

from helpers import build, per_request_dict, run
from payback import analyze
from payback.money import tiny_usd
from payback.report.explain import explain
from payback.report.per_1k import per_1k_pair

EMBED = per_request_dict(0.004, 0.001, requests=1e10, horizon=12, data_usd=100_000.0)


def test_analyze_writes_the_prices_per_1k(tmp_path: Path) -> None:
    path = tmp_path / "embed.toml"
    path.write_text(tomlkit.dumps(EMBED))
    code, text, err = run("analyze", path)
    assert code == 0, err
    (row,) = [line for line in text.splitlines() if "per 1k requests vs baseline" in line]
    # month 1 and month 12: $10,000 / 10^10 × 1,000 and $40,000 / 10^10 × 1,000
    assert row.split("baseline", 1)[1].split() == ["$0.001", "vs", "$0.004"] * 2


def test_explains_sum_adds_up() -> None:
    words = " ".join(" ".join(p) for _, p in explain(analyze(build(EMBED))))
    assert (
        "In month 1 the baseline costs $40,000 (10,000,000,000 requests at $0.004 per 1,000) "
        "and 'fine-tuned' costs $10,000 ($0.001 per 1,000), so switching saves $30,000"
    ) in words


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (15.0, "$15.00"),
        (2.0, "$2.00"),
        (0.73, "$0.73"),
        (0.1, "$0.10"),
        (0.05, "$0.05"),
        (0.004, "$0.004"),
        (0.0035, "$0.0035"),
        (0.00125, "$0.0013"),  # halves up
        (0.000123, "$0.00012"),
        (0.0, "$0.00"),
        (1495.2, "$1,495"),
    ],
)
def test_tiny_usd(value: float, text: str) -> None:
    assert tiny_usd(value) == text


def test_each_price_tells_the_two_apart() -> None:
    # the same pair as the table's: monthly costs over the month's requests, × 1,000
    assert per_1k_pair(10_000.0, 40_000.0, 1e10) == "$0.001 vs $0.004"
    assert per_1k_pair(3_000.0, 3_500.0, 1e9) == "$0.003 vs $0.0035"
