"""payback calibrate's factors as shown, tried as a new user would: a CPU run printed
``bandwidth efficiency (decode) 0.00 (default 0.85)`` for a factor it saved as 0.00171286
(and ``estimate --calibration`` showed 0.00171), and nothing said the factors were far
from any GPU's. Every output now shows a factor to three significant digits, and a factor
far below a GPU's is said, where it is measured and where it is used."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from helpers import run
from payback.hardware import calibration
from payback.hardware.calibration import Factors, far_below_gpu
from payback.hardware.serving import VLLM
from payback.measure.apply import factor_text, far_from_gpu
from payback.measure.calibration import Calibration, Measured, load_calibration
from payback.report.tables import factor_rows

CPU_FACTORS = Factors(
    bandwidth_efficiency=0.00171286,
    prefill_mfu=0.0827,
    step_overhead_s=0.0,
    layer_overhead_s=0.0,
    training_method="lora",
    training_mfu_ratio=1.13322,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.00171286, "0.00171"),
        (0.725125, "0.725"),
        (0.85, "0.85"),
        (1.44084, "1.44"),
        (0.0, "0"),
        (2.10246e-05, "0.000021"),
        (1.0, "1"),
    ],
)
def test_a_factor_is_shown_to_three_significant_digits(value: float, shown: str) -> None:
    assert factor_text(value) == shown


def test_factor_rows_keep_the_digits_of_a_small_factor() -> None:
    assert factor_rows(CPU_FACTORS, VLLM) == {
        "bandwidth efficiency (decode)": "0.00171 (default 0.85)",
        "overhead per decode step": "0 ms + 0 µs per layer (default 1 ms + 30 µs)",
        "prefill utilization (MFU)": "0.0827 (default 0.67)",
        "training (lora) utilization": "× 1.13 of the estimate's",
    }


@pytest.mark.parametrize(
    ("factors", "said"),
    [
        (Factors(bandwidth_efficiency=0.725125, prefill_mfu=0.667654), ""),  # the H200's
        (Factors(bandwidth_efficiency=0.591169, prefill_mfu=0.583342), ""),
        (Factors(bandwidth_efficiency=0.25, prefill_mfu=0.15), ""),  # half the low ends: kept
        (
            Factors(bandwidth_efficiency=0.249),
            "bandwidth_efficiency 0.249 is far below a GPU's 0.5-0.95",
        ),
        (
            CPU_FACTORS,
            "bandwidth_efficiency 0.00171 and prefill_mfu 0.0827 are far below a GPU's "
            "0.5-0.95 and 0.3-0.8",
        ),
        (Factors(training_mfu_ratio=0.01), ""),  # the training ratio: no GPU range
    ],
)
def test_far_from_a_gpu(factors: Factors, said: str) -> None:
    assert far_from_gpu(factors) == said


def test_the_hardware_layer_says_which_factors_are_far_in_numbers() -> None:
    """The check is the hardware's (numbers, by factor); its words are the report's."""
    assert far_below_gpu(CPU_FACTORS) == {"bandwidth_efficiency": 0.00171286, "prefill_mfu": 0.0827}
    assert far_below_gpu(Factors(bandwidth_efficiency=0.25, prefill_mfu=0.149)) == {
        "prefill_mfu": 0.149
    }
    assert far_below_gpu(Factors(training_mfu_ratio=0.01)) == {}
    assert not hasattr(calibration, "factor_rows")
    assert not hasattr(calibration, "far_from_gpu")


def _cpu_calibration(*_: Any, **__: Any) -> Calibration:
    return Calibration(
        kind="calibration",
        tool="payback calibrate",
        created="2026-12-06T12:00:00",
        model="qwen2.5-0.5b",
        device="CPU x86_64",
        precision="bf16",
        measured=Measured(matmul_tflops=0.057, copy_gb_s=6.19, notes=["a note"]),
        factors=CPU_FACTORS,
    )


def test_calibrate_shows_what_it_saves_and_estimates_for_a_gpu_refuse_a_cpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from payback.measure import calibrate

    monkeypatch.setattr(calibrate, "run_calibration", _cpu_calibration)
    target = tmp_path / "cal" / "cpu.toml"
    code, out, err = run("calibrate", "--model", "qwen2.5-0.5b", "-o", target)
    assert code == 0, err
    shown = re.sub(r"\s+", " ", out)
    assert "bandwidth efficiency (decode) 0.00171 (default 0.85)" in shown
    assert "prefill utilization (MFU) 0.0827 (default 0.67)" in shown
    assert "training (lora) utilization × 1.13 of the estimate's" in shown
    assert "0.00 " not in shown
    assert shown.endswith(
        f"Wrote {target}. It was measured on a CPU: estimates for a GPU refuse it; calibrate "
        "on the GPU you serve on for factors to use. "
    )
    saved = load_calibration(target).factors
    assert saved is not None
    assert saved.bandwidth_efficiency == 0.00171286
    refused = (
        f"error: --calibration {target}: measured on a CPU (CPU x86_64), and this estimate is "
        "for h100-sxm; a CPU's utilisation factors do not carry over to a GPU. Allowed: a "
        "calibration measured on a GPU (`payback calibrate` run on one), best on "
        "h100-sxm; or none, for the catalog's defaults"
    )
    code, out, err = run(
        "estimate", "serving", "--model", "qwen2.5-0.5b", "--gpu", "h100-sxm",
        "--calibration", target,
    )  # fmt: skip
    assert (code, out, err.splitlines()) == (2, "", [refused])
    code, out, err = run(
        "estimate", "training", "--model", "qwen2.5-0.5b", "--gpu", "h100-sxm",
        "--tokens", "1e6", "--calibration", target,
    )  # fmt: skip
    assert (code, out, err.splitlines()) == (2, "", [refused])


@pytest.mark.slow  # times a tiny model on the CPU
def test_a_cpu_run_says_gpus_refuse_its_factors_and_its_overrun(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from payback.catalog import default_catalog
    from payback.measure import timing
    from payback.measure.calibrate import run_calibration

    real = timing.prefill_seconds

    def slow(*args: Any, **kwargs: Any) -> float:  # a hundred times slower: far below a GPU
        return float(real(*args, **kwargs)) * 100

    monkeypatch.setattr(timing, "prefill_seconds", slow)
    catalog = default_catalog()
    cal = run_calibration(
        catalog.model(str(tiny_model)), catalog=catalog, device="cpu", context=64,
        batches=(1, 2), seconds=0.5,
    )  # fmt: skip
    assert cal.measured is not None
    assert cal.factors is not None
    far = far_from_gpu(cal.factors)
    assert f"prefill_mfu {factor_text(cal.factors.prefill_mfu or 0)}" in far
    # a CPU's factors are refused on a GPU, whether far from a GPU's or not: the note says so
    assert not [n for n in cal.measured.notes if "far below" in n]
    assert (
        "measured on a CPU: the factors describe this CPU, with its measured matrix-product "
        "and copy speeds as the peak; estimates for a GPU refuse them (calibrate on the GPU "
        "you serve on for factors to use)"
    ) in cal.measured.notes
    # 0.5 s cannot hold a warm-up and three timings of each step: the note says by how much
    overrun = [n for n in cal.measured.notes if n.startswith("the measurement took ")]
    assert len(overrun) == 1
    assert re.fullmatch(
        r"the measurement took [\d,]+ s of the 0\.5 s asked: each step is timed after a "
        r"warm-up at least three times, and two decode batches always, however short the time",
        overrun[0],
    )


def test_the_words_for_far_factors_load_no_terminal_library() -> None:
    """The library words its warnings itself: calibrate and check_use say a factor is far
    from a GPU's without loading Rich (the report's terminal tables)."""
    import subprocess
    import sys

    code = (
        "import sys, payback.measure.calibrate, payback.measure.apply, "
        "payback.hardware.calibration; print(sorted(m for m in sys.modules if m == 'rich' "
        "or m.startswith('payback.report')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
