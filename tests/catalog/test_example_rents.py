"""Every rent a bundled example states is the catalog's, or says where it came from: a stated
``usd_per_gpu_hour`` names its catalog offer in a comment (``catalog: GPU at PROVIDER``), and
is that offer's figure to the digit, or quotes the offer's figure (``$0.8048``) beside a
rounder one within 1% of it (a distribution's range holds it), or is a rate the offer's note
records and quotes it (RunPod's Community Cloud rate, recorded beside its Secure Cloud offer).
Tried as a new user would: portfolio.toml rented "an L40S, on demand" at $0.86, under every
catalog L40S offer ($1.09-1.55), growth.toml rented H100s at $2.69 with no word of where that
came from (a RunPod Community Cloud rate, where the catalog's default is $3.99), and any
figure passed that quoted an offer's beside it ($5.00 quoting RunPod's $1.09)."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from payback.catalog import default_catalog

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "examples").glob("*.toml"))
STARTER = resources.files("payback").joinpath("data/starter.toml")
NAMED = re.compile(r"catalog: (?P<gpu>[\w.-]+) at (?P<provider>[\w-]+)")
QUOTED = re.compile(r"\$(\d+(?:\.\d+)?)")


def _stated_rents(text: str) -> list[tuple[Any, str]]:
    """Each ``usd_per_gpu_hour = ...`` line's value and its comment, in file order."""
    found = []
    for line in text.splitlines():
        if re.match(r"\s*usd_per_gpu_hour\s*=", line):
            value = tomllib.loads(line.split("#", 1)[0].strip())["usd_per_gpu_hour"]
            found.append((value, line.split("#", 1)[1] if "#" in line else ""))
    return found


def _check(name: str, text: str) -> int:
    """Fail on a stated rent not backed as the module says; the count of rents checked."""
    catalog = default_catalog()
    rents = _stated_rents(text)
    for value, comment in rents:
        named = NAMED.search(comment)
        assert named, f"{name}: usd_per_gpu_hour = {value} does not name its catalog offer"
        gpu = catalog.gpu(named["gpu"])
        at = [p for p in gpu.prices if p.provider == named["provider"]]
        assert at, f"{name}: the catalog has no {named['gpu']} offer at {named['provider']}"
        offers = [p.usd_per_gpu_hour for p in at]
        if not isinstance(value, dict) and float(value) in offers:
            continue
        # the offer's figure, or one its note records (RunPod's Community Cloud rate)
        noted = [float(x) for p in at for x in re.findall(r"\d+\.\d+", p.note or "")]
        quoted = [float(q) for q in QUOTED.findall(comment[named.end() :])]
        backing = [q for q in quoted if q in offers or (q == value and q in noted)]
        assert backing, (
            f"{name}: usd_per_gpu_hour = {value} is not {named.group(0)} "
            f"(${', $'.join(map(str, offers))}) and quotes no such figure"
        )
        if isinstance(value, dict):
            low, high = float(value["low"]), float(value["high"])
            assert any(low <= q <= high for q in backing), (name, value, backing)
        else:  # a rounder figure beside the quoted one: within 1% of it
            assert any(abs(float(value) - q) <= 0.01 * q for q in backing), (
                f"{name}: usd_per_gpu_hour = {value} is not within 1% of the "
                f"${', $'.join(map(str, backing))} it quotes from {named.group(0)}"
            )
    return len(rents)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_an_example_rent_is_a_catalog_offer(path: Path) -> None:
    _check(path.name, path.read_text(encoding="utf-8"))


def test_the_starter_rent_is_a_catalog_offer() -> None:
    assert _check("starter.toml", STARTER.read_text(encoding="utf-8")) == 1


def test_the_examples_state_rents_to_check() -> None:
    counts = {p.stem: _check(p.stem, p.read_text(encoding="utf-8")) for p in FILES}
    assert sum(counts.values()) >= 7
    assert counts["growth"] == counts["portfolio"] == 2


@pytest.mark.parametrize(
    ("line", "error"),
    [
        # portfolio.toml as it was: under every catalog L40S offer, no source
        ("usd_per_gpu_hour = 0.86  # an L40S, on demand", "does not name its catalog offer"),
        # a comment naming an offer the figure is not
        (
            "usd_per_gpu_hour = 0.86  # catalog: l40s at runpod (Secure Cloud)",
            r"is not catalog: l40s at runpod \(\$1.09\)",
        ),
        # growth.toml as it was: RunPod's Community rate, with no word of where it came from
        ("usd_per_gpu_hour = 2.69", "does not name its catalog offer"),
        # a figure the offer's note records, but not the one stated
        (
            "usd_per_gpu_hour = 2.50  # catalog: h100-sxm at runpod, Community Cloud ($2.69)",
            "quotes no such figure",
        ),
        # an offer the catalog does not have
        ("usd_per_gpu_hour = 2.69  # catalog: h100-sxm at vast", "no h100-sxm offer at vast"),
        # a figure far from the offer's it quotes (any figure passed beside a quoted offer)
        (
            "usd_per_gpu_hour = 5.00  # catalog: l40s at runpod ($1.09)",
            r"5.0 is not within 1% of the \$1.09 it quotes from catalog: l40s at runpod",
        ),
        # a rounder figure 1.2% off the offer's it quotes
        (
            "usd_per_gpu_hour = 0.795  # rounded from catalog: l4 at aws ($0.8048)",
            "is not within 1% of the",
        ),
        # a rounder figure quoting a figure that is not the offer's
        (
            "usd_per_gpu_hour = 0.80  # rounded from catalog: l4 at aws ($0.80)",
            "quotes no such figure",
        ),
    ],
)
def test_the_check_catches_an_unbacked_rent(line: str, error: str) -> None:
    with pytest.raises(AssertionError, match=error):
        _check("wrong.toml", line)


def test_the_check_takes_an_offer_or_a_quoted_one() -> None:
    assert _check("x", "usd_per_gpu_hour = 1.09  # catalog: l40s at runpod") == 1
    assert _check("x", "usd_per_gpu_hour = 2.69  # catalog: h100-sxm at runpod, Community ($2.69)")
    assert _check("x", "usd_per_gpu_hour = 0.80  # rounded from catalog: l4 at aws ($0.8048)")
    spread = 'usd_per_gpu_hour = { dist = "triangular", low = 0.6, mode = 0.8, high = 1.1 }'
    assert _check("x", spread + "  # around catalog: l4 at aws ($0.8048)") == 1
    with pytest.raises(AssertionError):
        _check("x", spread.replace("high = 1.1", "high = 0.8") + "  # catalog: l4 at aws ($0.8048)")
