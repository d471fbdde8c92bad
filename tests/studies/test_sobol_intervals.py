"""Sobol indices carry their sampling uncertainty. On a linear model whose shares are
known (y = a·x1 + b·x2, independent uniform inputs: S_i = S_Ti = a_i² / (a² + b²)) the
estimates fall within their 95% intervals at least as often as said, the intervals narrow as
1/√n, a first order above the total is marked as noise (or not), and wide intervals are
warned about with the samples that would narrow them. Tried as a new user would,
examples/quarter-uncertain.toml showed 'alternatives.0.one_time.data_usd 0.05 0.04' and at
128 samples 'traffic.growth_monthly 0.38 0.31' (a total below the first order) with only
'Shares below 0.005 are sampling noise' to explain it."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from rich.console import Console

from helpers import EXAMPLES, run
from payback.finance._types import FloatArray
from payback.report.text import sobol_table
from payback.scenario import FieldRange
from payback.scenario.distributions import Uniform
from payback.studies.sobol import sobol_over
from payback.studies.sobol_intervals import with_intervals
from payback.studies.uncertainty import Sobol, SobolIndex, UncertainInput

A, B = 1.0, 2.0
TRUE = (A**2 / (A**2 + B**2), B**2 / (A**2 + B**2))  # 0.2, 0.8


def _linear(samples: int, seed: int) -> Sobol:
    unit = Uniform(dist="uniform", low=0.0, high=1.0)
    allowed = FieldRange(0.0, 1.0, True, True, True)
    inputs = [UncertainInput(p, 0.5, unit, allowed) for p in ("x1", "x2")]

    def npvs(x: dict[str, FloatArray]) -> list[FloatArray]:
        return [A * x["x1"] + B * x["x2"]]

    return sobol_over(inputs, 1, npvs, 10_000, samples, seed, names=["linear"])


def _render(indices: list[SobolIndex]) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(sobol_table(indices))
    return console.export_text()


def test_the_linear_models_shares_lie_within_their_intervals() -> None:
    found = {s.parameter: s for s in _linear(1024, 0).alternatives[0]}
    for path, truth in zip(("x1", "x2"), TRUE, strict=True):
        s = found[path]
        assert abs(s.first_order - truth) <= s.first_order_conf
        assert abs(s.total_order - truth) <= s.total_order_conf
        assert 0.0 < s.total_order_conf < s.first_order_conf < 0.1  # Jansen's total is tighter


def test_the_intervals_cover_the_truth_at_least_as_often_as_said() -> None:
    covered = []
    for seed in range(40):
        for s in _linear(256, seed).alternatives[0]:
            truth = TRUE[s.parameter == "x2"]
            covered += [
                abs(s.first_order - truth) <= s.first_order_conf,
                abs(s.total_order - truth) <= s.total_order_conf,
            ]
    assert len(covered) == 160
    # 95% said, and more found: the bootstrap treats SciPy's quasi-random rows as
    # independent draws, so its half-widths are an upper bound (said under the table)
    assert np.mean(covered) >= 0.95


def test_the_intervals_narrow_as_one_over_root_n() -> None:
    small = {s.parameter: s for s in _linear(1024, 1).alternatives[0]}
    large = {s.parameter: s for s in _linear(16384, 1).alternatives[0]}
    for path in ("x1", "x2"):
        ratio = large[path].first_order_conf / small[path].first_order_conf
        assert ratio == pytest.approx(1 / 4, rel=0.3)  # √16 = 4


def test_a_first_order_above_the_total_is_said_noise_when_it_is() -> None:
    seeds = [
        seed
        for seed in range(20)
        if any(s.first_order > s.total_order for s in _linear(128, seed).alternatives[0])
    ]
    assert seeds  # in a linear model the two are equal: estimates fall either side
    indices = _linear(128, seeds[0]).alternatives[0]
    above = [s for s in indices if s.first_order > s.total_order]
    assert all(s.first_above_total() == "noise" for s in above)
    text = _render(indices)
    assert "* first order above total, by less than their sampling noise" in text
    assert f"{above[0].first_order:.2f} ±{above[0].first_order_conf:.2f}*" in text
    below = [s for s in indices if s.first_order <= s.total_order]
    assert "first order above total" not in _render(below)


def test_a_first_order_above_the_total_beyond_noise_is_said_unreliable() -> None:
    s = SobolIndex("x", 0.5, 0.3, first_order_conf=0.05, total_order_conf=0.02, excess_conf=0.05)
    assert s.first_above_total() == "beyond noise"
    text = _render([s])
    assert "0.50 ±0.05!" in text
    assert "! first order above total by more than their noise" in text


def test_the_bootstrap_half_width_is_z_times_the_resampled_spread() -> None:
    """Two outputs, one input: the half-width is 1.96 standard deviations of the
    resampled estimates; a constant output has none."""
    rng = np.random.default_rng(3)
    f_a, f_b = rng.normal(size=(2, 200)), rng.normal(size=(2, 200))
    f_b[1] = f_a[1] = 0.0
    f_ab = np.stack([f_b, f_b])[:1]
    found = with_intervals(f_a, f_b, f_ab, seed=0)
    assert found.first[0, 0] == pytest.approx(
        float(np.mean(f_b[0] * (f_b[0] - f_a[0]))) / float(np.var(np.stack([f_a[0], f_b[0]])))
    )
    assert found.first_conf[0, 0] > 0
    assert found.first_conf[1, 0] == found.total_conf[1, 0] == 0.0


def test_wide_intervals_are_warned_with_the_samples_that_narrow_them() -> None:
    few = _linear(16, 0)
    widest = max(max(s.first_order_conf, s.total_order_conf) for s in few.alternatives[0])
    assert widest > 0.1
    more = 1 << math.ceil(math.log2(16 * (widest / 0.05) ** 2))
    assert few.warnings == [
        f"'linear': the Sobol shares' 95% intervals reach ±{widest:.2f} at 16 base samples, "
        f"so their order may be noise; about {more:,} base samples would narrow them to ±0.05"
    ]
    assert _linear(1024, 0).warnings == []


def test_the_command_gives_the_intervals_in_json_and_warns_when_wide() -> None:
    code, out, err = run(
        "sensitivity",
        EXAMPLES / "quarter-uncertain.toml",
        "--method",
        "sobol",
        "--samples",
        "100",
        "--json",
    )
    assert code == 0, err
    (alternative,) = json.loads(out)["alternatives"]
    growth = alternative["indices"][0]
    assert growth["parameter"] == "traffic.growth_monthly"
    assert 0.05 < growth["first_order_conf"] < 0.3
    assert 0.0 < growth["total_order_conf"] < growth["first_order_conf"]
    assert growth["excess_conf"] > growth["first_order"] - growth["total_order"]  # noise
    assert "warning: 'fine-tuned 7B on one rented L4': the Sobol shares' 95% intervals" in err
    assert "about 2,048 base samples would narrow them to ±0.05" in err
    # the JSON carries them too, as analyze --json carries its warnings
    # no capacity said held: the file gives it as a range, sampled on its own
    (said,) = json.loads(out)["warnings"]
    assert f"warning: {said}" in err


def test_the_advice_at_the_size_limit_says_how_far_it_narrows() -> None:
    """±0.6 at 64 base samples needs 64 · (0.6 / 0.05)² = 9,216, 16,384 as a power of two;
    capped at 4,096 it narrows only to 0.6 · √(64 / 4,096) = ±0.075 (it promised ±0.05)."""
    from payback.studies.sobol_intervals import wide_warnings
    from payback.studies.uncertainty import SobolIndex

    index = SobolIndex("x", 0.4, 0.38, None, 0.6, 0.3)
    (capped,) = wide_warnings([[index]], ["alt"], 64, 2**12)
    assert capped.endswith("4,096 base samples (the size limit) would narrow them to about ±0.07")
    (free,) = wide_warnings([[index]], ["alt"], 64, 2**20)
    assert free.endswith("about 16,384 base samples would narrow them to ±0.05")
