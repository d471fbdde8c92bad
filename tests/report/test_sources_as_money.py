"""``analyze``'s "Numbers taken from catalogs and estimates" writes each number as the
reports' inputs table writes it: money as money, rates as percentages, never an exponent
(a 70B model's full fine-tune read ``3.304e+04`` where One-time said $33,037)."""

from __future__ import annotations

from pathlib import Path

import tomlkit

from helpers import run
from payback.report.common import input_value

TRAIN_70B = """
[scenario]
name = "train70"
horizon_months = 24

[traffic]
requests_per_month = 200000

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 15.0

[[alternatives]]
name = "ft"
kind = "per_request"
usd_per_1k_requests = 2.0

[alternatives.one_time.training]
model = "llama-3.1-70b"
gpu = "h100-sxm"
method = "full"
examples = 2000000
tokens_per_example = 2000
epochs = 3.0
"""


def _row(out: str, field: str) -> str:
    (line,) = [line for line in out.splitlines() if line.startswith(f"  {field} ")]
    return line.split()[1]


def test_a_training_estimate_is_money(tmp_path: Path) -> None:
    # llama-3.1-70b, full, 2M examples × 2,000 tokens × 3 epochs, tried as a new user would
    path = tmp_path / "train70.toml"
    path.write_text(TRAIN_70B)
    code, out, err = run("analyze", path)
    assert code == 0, err
    training = _row(out, "one_time.training_usd")
    rent = _row(out, "one_time.training.usd_per_gpu_hour")
    assert "e+" not in out
    # the estimate in dollars and cents: the GPU-hours at the rent, to the cent
    assert training.startswith("$")
    dollars = float(training.strip("$").replace(",", ""))
    assert 30_000 < dollars < 40_000
    assert training == f"${dollars:,.2f}"
    assert rent.startswith("$")
    # the One-time line rounds the same amount to whole dollars
    assert f"One-time cost       ${round(dollars):,}" in out


def test_hosted_training_of_ten_million_examples(tmp_path: Path) -> None:
    # 10^7 examples × 1,000 tokens × 3 epochs at a hosted fine-tune: read "9e+04"
    data = tomlkit.parse(TRAIN_70B)
    training = data["alternatives"][0]["one_time"]  # type: ignore[index]
    training["training"] = {  # type: ignore[index]
        "hosted": "openai.gpt-4o-mini",
        "examples": 1e7,
        "tokens_per_example": 1000,
        "epochs": 3.0,
    }
    path = tmp_path / "th.toml"
    path.write_text(tomlkit.dumps(data))
    code, out, err = run("analyze", path)
    assert code == 0, err
    shown = _row(out, "one_time.training_usd")
    assert "e+" not in out
    assert shown.startswith("$")
    assert shown.endswith(",000")  # 30,000M tokens at a whole price per 1M tokens


def test_rates_and_counts_in_their_units() -> None:
    assert input_value("baseline.batch_discount", 0.5) == "50%"
    assert input_value("alternatives.0.gpus_per_replica", 4.0) == "4"
    assert input_value("alternatives.0.replica_requests_per_s", 35.0512) == "35.05"
    assert input_value("alternatives.0.one_time.training_usd", 33_036.67) == "$33,036.67"
    assert input_value("alternatives.0.one_time.training_usd", 9e4) == "$90,000"
