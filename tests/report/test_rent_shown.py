"""The GPU rent analyze shows is the rent it charges: 730 h × the shown rent is the month's
GPU cost (a catalog's $0.8048 showed as $0.80 beside GPUs $587.50, not $584)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from helpers import ENV, EXAMPLES, QUARTER, run
from payback.cli import app


def test_the_shown_rent_times_730_hours_is_the_gpu_cost(tmp_path: Path) -> None:
    text = QUARTER.read_text()
    text = re.sub(r"(?m)^usd_per_gpu_hour = .*\n", "", text)  # the catalog's L4 rent
    text = text.replace(
        'kind = "self_hosted"', 'kind = "self_hosted"\nmodel = "qwen2.5-7b"\ngpu = "l4"'
    )
    path = tmp_path / "s.toml"
    path.write_text(text)
    _, out, _ = run("analyze", path, "--json")
    alt = json.loads(out)["alternatives"][0]
    rent = alt["configuration"]["usd_per_gpu_hour"]
    assert rent == pytest.approx(0.8048)
    _, out, _ = run("analyze", path)
    shown = re.search(r"on-demand at \$([\d.]+)/GPU-h", " ".join(out.split()))
    assert shown is not None
    gpus = alt["gpus"][0]
    assert 730 * gpus * float(shown.group(1)) == pytest.approx(alt["components_usd"]["gpus"][0])


@pytest.mark.parametrize("columns", ["80", "100"])
def test_the_sources_name_each_field_whole_at_80_columns(columns: str) -> None:
    """At 80 columns the field of a number taken from a catalog read
    'one_time.training.usd_per_gpu_h…'; the field is whole and its source wraps."""
    env = ENV | {"COLUMNS": columns}
    result = CliRunner(env=env).invoke(app, ["analyze", str(EXAMPLES / "catalog-ids.toml")])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    assert any(
        re.match(r"  one_time\.training\.usd_per_gpu_hour +\$3\.99  catalog: h100-sxm", line)
        for line in lines
    )
    assert "…" not in result.stdout


@given(st.floats(min_value=0.0, max_value=1e4, allow_nan=False))
def test_a_rent_is_never_shown_cut_short(rent: float) -> None:
    """rent_text(1.00001) gave '$1.': the rent reads back within half its last place."""
    from payback.report.common import rent_text

    text = rent_text(rent)
    if "×10" in text:  # past what is written out (figures.far_text): three figures
        mantissa, _, power = text[1:].partition("×10")
        exponent = power.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        assert float(f"{mantissa}e{exponent}") == pytest.approx(rent, rel=5e-3)
        return
    assert not text.endswith(".")
    digits = text[1:].replace(",", "")
    places = len(digits.partition(".")[2])
    assert places >= 2
    assert abs(float(digits) - rent) <= 0.5 * 10**-places + 1e-12


def test_estimate_shows_the_rent_it_charges() -> None:
    """estimate training said '$4.28 ... at $0.80/GPU-h' for 5.32 GPU-hours of a catalog's
    $0.8048 L4; serving said '$0.80/h' where analyze and recommend say $0.8048."""
    code, out, err = run(
        "estimate",
        "training",
        "--model",
        "llama-3.1-8b",
        "--gpu",
        "l4",
        "--tokens",
        "1e6",
        "--json",
    )
    assert code == 0, err
    rent = json.loads(out)["usd_per_gpu_hour"]
    assert rent == pytest.approx(0.8048)
    code, out, _ = run(
        "estimate", "training", "--model", "llama-3.1-8b", "--gpu", "l4", "--tokens", "1e6"
    )
    assert "at $0.8048/GPU-h" in out
    code, out, _ = run("estimate", "serving", "--model", "qwen2.5-7b", "--gpu", "l4")
    assert "$0.8048/h" in out
