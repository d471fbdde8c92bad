"""A calibration's estimates, tried as a new user would: the bundled H200 files recorded
the estimate payback made when they were measured (Llama 3.1 8B's prefill 32,367
tokens/s), and the table of measured against estimated printed that figure with a ratio of
1.34 after the estimator had changed to 43,372 (a ratio of 1.00). The table now makes the
estimate again at the file's conditions through the functions ``payback calibrate`` uses
(:mod:`payback.measure.estimates`), the bundled files are kept at today's estimates, and
their factors are checked to be what their measured values give today: a ratio-type
factor (``training_mfu_ratio``) derived against an estimate that has since moved would
no longer reproduce what was measured."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from helpers import run
from payback.catalog import default_catalog
from payback.measure.calibration import load_calibration
from payback.measure.estimates import SAME, estimated_now, factors_now, main, refresh_file
from payback.report.tables import calibration_table

CALIBRATIONS = Path(__file__).parents[2] / "examples" / "calibrations"
FILES = sorted(CALIBRATIONS.glob("*.toml"))
LLAMA = CALIBRATIONS / "h200-llama-3.1-8b-lora.toml"
REFRESH = "PYTHONPATH=src python -m payback.measure.estimates examples/calibrations/*.toml"

STALE = {
    "training_estimated_tokens_per_s": 7593.29,
    "prefill_estimated_tokens_per_s": 32367.3,
    "decode": [5.67165, 5.77034, 6.1651, 7.74413, 14.0603],
}
"""The Llama 3.1 8B file's estimates as recorded when it was measured (2026-11-28)."""


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= SAME * max(abs(a), abs(b))


def _stale_copy(folder: Path) -> Path:
    """The Llama 3.1 8B file with the estimates it recorded when measured."""
    doc = tomlkit.parse(LLAMA.read_text())
    measured: Any = doc["measured"]
    measured["training_estimated_tokens_per_s"] = STALE["training_estimated_tokens_per_s"]
    measured["prefill_estimated_tokens_per_s"] = STALE["prefill_estimated_tokens_per_s"]
    for point, ms in zip(measured["decode"], STALE["decode"], strict=True):
        point["estimated_ms"] = ms
    path = folder / LLAMA.name
    path.write_text(tomlkit.dumps(doc))
    return path


def _table_rows(path: Path) -> list[str]:
    console = Console(width=200, record=True)
    console.print(calibration_table(load_calibration(path)))
    return [" ".join(line.split()) for line in console.export_text().splitlines()]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_bundled_calibration_records_todays_estimates(path: Path) -> None:
    cal = load_calibration(path)
    now = estimated_now(cal, default_catalog())
    assert now is not None
    assert cal.measured is not None
    m = cal.measured
    recorded = [
        ("training_estimated_tokens_per_s", m.training_estimated_tokens_per_s, now.training_tokens_per_s),
        ("prefill_estimated_tokens_per_s", m.prefill_estimated_tokens_per_s, now.prefill_tokens_per_s),
        *[
            (f"decode batch {p.batch} estimated_ms", p.estimated_ms, ms)
            for p, ms in zip(m.decode, now.decode_ms, strict=True)
        ],
    ]  # fmt: skip
    stale = [
        f"{name} {old:g}, today {new:.6g}"
        for name, old, new in recorded
        if old is None or new is None or not _close(old, new)
    ]
    assert not stale, f"{path.name}: estimates changed ({'; '.join(stale)}); run {REFRESH}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_bundled_calibrations_factors_are_what_its_measurements_give_today(path: Path) -> None:
    cal = load_calibration(path)
    today = factors_now(cal, default_catalog())
    assert today is not None
    assert cal.factors is not None
    stored = cal.factors.model_dump(exclude_none=True)
    assert set(today) == set(stored) - {"training_method"}
    moved = [
        f"{name} {stored[name]:g}, today {value:.6g}"
        for name, value in today.items()
        if not _close(stored[name], value)
    ]
    assert not moved, f"{path.name}: factors changed ({'; '.join(moved)}); run {REFRESH}"


@pytest.mark.parametrize(
    ("path", "model", "tokens_per_s"),
    [(LLAMA, "llama-3.1-8b", 10940.7), (CALIBRATIONS / "h200-qwen2.5-0.5b-lora.toml", "qwen2.5-0.5b", 25387.2)],
)  # fmt: skip
def test_a_calibrated_training_estimate_is_the_throughput_measured(
    path: Path, model: str, tokens_per_s: float
) -> None:
    """``training_mfu_ratio`` is measured over the estimate: at the measured conditions the
    calibrated estimate gives back what was measured (10,941 tokens/s for Llama 3.1 8B)."""
    code, out, err = run(
        "estimate", "training", "--model", model, "--gpu", "h200", "--method", "lora",
        "--tokens", "4096000", "--calibration", path, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["tokens_per_s_per_gpu"] == pytest.approx(tokens_per_s, rel=2e-5)


def test_the_table_shows_todays_estimate_beside_the_one_a_file_recorded(tmp_path: Path) -> None:
    rows = _table_rows(_stale_copy(tmp_path))
    assert "measured estimated measured / estimated estimated on 2026-11-28" in rows
    # 43,220 measured / 43,372 estimated today = 1.00; the file's 32,367 gave 1.34
    assert "prefill of 1024 tokens, tokens/s 43,220 43,372 1.00 32,367" in rows
    assert "decode step, batch 256, context 1,024, ms 15.59 15.72 0.99 14.06" in rows
    assert "training (lora), tokens/s 10,941 7,593 1.44 same" in rows
    assert not any("1.34" in row for row in rows)
    assert any(row.startswith("estimated: payback's estimate today;") for row in rows)


def test_the_table_of_a_bundled_file_is_todays_estimates_alone() -> None:
    rows = _table_rows(LLAMA)
    assert "measured estimated measured / estimated" in rows
    assert "prefill of 1024 tokens, tokens/s 43,220 43,372 1.00" in rows
    assert "decode step, batch 1, context 1,024, ms 5.78 5.68 1.02" in rows
    assert not any("estimated on" in row for row in rows)


def test_a_table_whose_conditions_cannot_be_made_again_says_whose_estimate(
    tmp_path: Path,
) -> None:
    """A CPU's calibration: its speeds stood in for a datasheet, and are not all recorded."""
    text = _stale_copy(tmp_path).read_text()
    text = text.replace('gpu = "h200"\n', "").replace('"NVIDIA H200"', '"CPU x86_64"')
    path = tmp_path / "cpu.toml"
    path.write_text(text)
    rows = _table_rows(path)
    assert " ".join(rows[:2]).startswith(
        "Calibration of llama-3.1-8b (bf16) on CPU x86_64; estimated: as estimated when "
        "measured, on 2026-11-28"
    )
    assert "prefill of 1024 tokens, tokens/s 43,220 32,367 1.34" in rows


def test_refresh_rewrites_the_estimates_and_keeps_the_rest(tmp_path: Path) -> None:
    path = _stale_copy(tmp_path)
    before = path.read_text()
    changed = refresh_file(path)
    assert "prefill_estimated_tokens_per_s: 32367.3 -> 43372.2" in changed
    assert "decode[4] batch 256: estimated_ms: 14.0603 -> 15.7208" in changed
    assert not any(line.startswith(("training", "factors.")) for line in changed)
    after = path.read_text()
    assert after == LLAMA.read_text()  # the bundled file is the refreshed one
    kept = [line for line in before.splitlines() if "estimated" not in line]
    assert kept == [line for line in after.splitlines() if "estimated" not in line]
    assert refresh_file(path) == []  # once is enough
    assert path.read_text() == after


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefill=st.floats(1e3, 1e6),
    training=st.floats(1e2, 1e5),
    steps=st.lists(st.floats(1.0, 50.0), min_size=5, max_size=5),
)  # fmt: skip
def test_refresh_keeps_every_measured_value(
    tmp_path: Path, prefill: float, training: float, steps: list[float]
) -> None:
    """Whatever was measured: after a refresh the file records today's estimates and the
    factors today's estimates give, its measured values as they were."""
    doc = tomlkit.parse(_stale_copy(tmp_path).read_text())
    measured: Any = doc["measured"]
    measured["prefill_tokens_per_s"] = float(f"{prefill:.6g}")
    measured["training_tokens_per_s"] = float(f"{training:.6g}")
    for point, ms in zip(measured["decode"], sorted(steps), strict=True):
        point["measured_ms"] = float(f"{ms:.6g}")
    path = tmp_path / "random.toml"
    path.write_text(tomlkit.dumps(doc))
    old = load_calibration(path)
    refresh_file(path)
    new = load_calibration(path)
    assert new.measured is not None
    assert old.measured is not None
    assert new.factors is not None
    assert new.measured.prefill_tokens_per_s == old.measured.prefill_tokens_per_s
    assert new.measured.training_tokens_per_s == old.measured.training_tokens_per_s
    assert [p.measured_ms for p in new.measured.decode] == [
        p.measured_ms for p in old.measured.decode
    ]
    assert new.created == old.created
    assert new.measured.notes == old.measured.notes
    now = estimated_now(new, default_catalog())
    assert now is not None
    assert now.prefill_tokens_per_s is not None
    assert new.measured.prefill_estimated_tokens_per_s is not None
    assert _close(new.measured.prefill_estimated_tokens_per_s, now.prefill_tokens_per_s)
    ratio = new.measured.training_tokens_per_s / now.training_tokens_per_s  # type: ignore[operator]
    assert new.factors.training_mfu_ratio is not None
    assert _close(new.factors.training_mfu_ratio, min(ratio, 100.0))


def test_refresh_of_a_file_it_cannot_estimate_again_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cpu.toml"
    path.write_text(LLAMA.read_text().replace('gpu = "h200"\n', ""))
    assert main([str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: {path}: its estimates cannot be made again (a payback calibrate file of a "
        "catalog model measured on a catalog GPU can)"
    ]
    assert path.read_text() == LLAMA.read_text().replace('gpu = "h200"\n', "")
    assert main([]) == 2


def test_refresh_says_a_file_already_at_todays_estimates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / LLAMA.name
    path.write_text(LLAMA.read_text())
    assert main([str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: already today's estimates\n"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]+", load_calibration(path).created or "")
