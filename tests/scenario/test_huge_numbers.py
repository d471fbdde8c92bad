"""A whole number past the largest float (about 1.8e308) in a scenario or a calibration
file, tried as a new user would: TOML and YAML read one of any length, and building its
message crashed (``int too large to convert to float``, exit 1) in analyze, sensitivity
and solve. It is refused in one line naming the field, the number shortened and the
field's bound, as a 20-digit number is."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import EXAMPLES, QUARTER, assert_user_error, run
from payback.figures import written_number

NINES_309 = "9" * 309  # 1e309 once rounded: just past 1.8e308
BIG_400 = "1" + "0" * 399  # 1e399


def _edited(tmp_path: Path, name: str, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.M), old
    path = tmp_path / name
    path.write_text(re.sub(old, new, text, count=1, flags=re.M), encoding="utf-8")
    return path


def _one_line(*args: str | Path) -> str:
    code, out, err = run(*args)
    assert_user_error(code, out, err)
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize(
    "command",
    [
        ("analyze",),
        ("sensitivity",),
        ("solve", "--vary", "traffic.requests_per_month", "--target", "break_even_month=3"),
    ],
)
def test_a_309_digit_count_is_refused_with_its_bound(tmp_path: Path, command: tuple[str]) -> None:
    new = f"requests_per_month = {NINES_309}"
    path = _edited(tmp_path, "b.toml", QUARTER, r"^requests_per_month = 200000", new)
    line = _one_line(command[0], path, *command[1:])
    assert line == (
        f"error: {path}: traffic.requests_per_month = 1e+309: must be ≤ 10,000,000,000,000"
    )


def test_a_400_digit_price_is_refused_with_its_bound(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        "p.toml",
        QUARTER,
        r"^input_usd_per_mtok = 3.0",
        f"input_usd_per_mtok = {BIG_400}",
    )
    assert _one_line("analyze", path) == (
        f"error: {path}: baseline.input_usd_per_mtok = 1e+399: must be ≤ 10,000"
    )


def test_a_negative_400_digit_number_in_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text(
        "scenario: {name: n, horizon_months: 12}\n"
        f"traffic: {{requests_per_month: -{BIG_400}}}\n"
        "baseline: {name: api, kind: per_request, usd_per_1k_requests: 15}\n"
        "alternatives:\n"
        "  - {name: own, kind: per_request, usd_per_1k_requests: 2}\n",
        encoding="utf-8",
    )
    assert _one_line("analyze", path) == (
        f"error: {path}: traffic.requests_per_month = -1e+399: must be > 0"
    )


def test_a_workloads_huge_count_is_refused_with_its_bound(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        "pf.toml",
        EXAMPLES / "portfolio.toml",
        r"requests_per_month = 400000",
        f"requests_per_month = {BIG_400}",
    )
    assert _one_line("analyze", path) == (
        f"error: {path}: workloads.0.traffic.requests_per_month = 1e+399: "
        "must be ≤ 10,000,000,000,000"
    )


CALIBRATION = """\
[calibration]
kind = "benchmark"
tool = "vllm bench serve"

[serving]
replica_requests_per_s = 17.5
output_tokens_per_s = 3500.0
input_tokens = 1000.0
output_tokens = 200.0
duration_s = 57.0
"""


@pytest.mark.parametrize(
    ("field", "said"),
    [
        (
            "replica_requests_per_s",
            "must be ≤ 1,000,000 (completed requests per second)",
        ),
        (  # no bound of its own: the largest float is
            "duration_s",
            "must be under about 1.8e308, the largest number payback computes with "
            "(length of the run [s])",
        ),
    ],
)
def test_a_calibrations_huge_number_is_refused_in_a_scenario_and_an_estimate(
    tmp_path: Path, field: str, said: str
) -> None:
    cal = tmp_path / "cal.toml"
    cal.write_text(re.sub(rf"^{field} = .*", f"{field} = {BIG_400}", CALIBRATION, flags=re.M))
    scenario = _edited(
        tmp_path,
        "s.toml",
        EXAMPLES / "calibrated-h200.toml",
        r'^calibration = "calibrations/h200-llama-3.1-8b-lora.toml"',
        'calibration = "cal.toml"',
    )
    problem = f"serving.{field} = 1e+399: {said}"
    assert _one_line("analyze", scenario) == (
        f"error: {scenario}: alternatives.0.calibration = 'cal.toml': {cal}: {problem}"
    )
    estimate = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h200")
    assert _one_line(*estimate, "--calibration", cal) == (f"error: --calibration {cal}: {problem}")


@given(st.integers(min_value=10**16, max_value=10**4299) | st.integers(max_value=-(10**16)))
def test_a_long_whole_number_is_written_short_and_near(value: int) -> None:
    """Six significant figures at most, and the exponent Python's ``:e`` gives, however
    many digits the number has (up to the 4,300 a file's reader takes)."""
    shown = written_number(value)
    assert len(shown) <= 14, shown
    assert re.fullmatch(r"-?\d(\.\d{1,5})?e\+\d{2,4}", shown), shown
    assert abs(Decimal(shown) - value) <= abs(value) * Decimal("5e-6")


LONG = "must be under about 1.8e308, the largest number payback computes with"


def test_a_number_too_long_to_read_is_refused_with_its_line(tmp_path: Path) -> None:
    """Past 4,300 digits Python's readers refuse to convert a whole number (ValueError:
    'Exceeds the limit', an internal error, exit 1)."""
    new = "requests_per_month = " + "9" * 5000
    toml = _edited(tmp_path, "l.toml", QUARTER, r"^requests_per_month = 200000", new)
    assert _one_line("analyze", toml) == (
        f"error: {toml} line 12: traffic.requests_per_month = a 5,000-digit number: {LONG}"
    )
    # the path as the schema's messages write it: the first alternative's owned table
    new = "usd_per_server = " + "9" * 4301
    owned = _edited(tmp_path, "o.toml", EXAMPLES / "owned-h100.toml", r"^usd_per_server = .*$", new)
    assert _one_line("analyze", owned).endswith(
        f"line 38: alternatives.0.owned.usd_per_server = a 4,301-digit number: {LONG}"
    )
    yaml = tmp_path / "l.yaml"
    yaml.write_text(
        "scenario: {name: n, horizon_months: 12}\n"
        f"traffic:\n  requests_per_month: -{'1' * 5000}\n",
        encoding="utf-8",
    )
    assert _one_line("analyze", yaml) == (
        f"error: {yaml} line 3: requests_per_month = a 5,000-digit negative number: must be "
        "over about -1.8e308, the lowest number payback computes with"
    )


@pytest.mark.parametrize(
    ("target", "said"),
    [
        (
            f"npv_usd=-{'9' * 400}",
            "'npv_usd=-1e+400': npv_usd must be within ±1×10²¹: no scenario within a file's "
            "limits comes near it",
        ),
        (
            f"break_even_month={'9' * 400}",
            "'break_even_month=1e+400': break_even_month must be under about 1.8e308, the "
            "largest number payback computes with",
        ),
        ("npv_usd=inf", "'npv_usd=inf': the value must be a finite number"),
    ],
)
def test_a_solve_target_past_any_float_is_said_short(target: str, said: str) -> None:
    """A 400-digit target was quoted whole (400 digits) and told only 'must be a finite
    number', where its metric has a bound."""
    vary = ("--vary", "traffic.requests_per_month", "--target", target)
    assert _one_line("solve", QUARTER, *vary) == f"error: --target {said}"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        # an inline table, a dotted key and a quoted header: the key alone, as it is written
        (f"traffic = {{ requests_per_month = {'9' * 4301} }}", "requests_per_month = "),
        (f'alternatives."a b".replica_requests_per_s = {"9" * 4301}', "replica_requests_per_s = "),
        (
            f'[alternatives."a b"]\nreplica_requests_per_s = {"9" * 4301}',
            "replica_requests_per_s = ",
        ),
    ],
)
def test_a_long_number_off_a_bare_key_line_is_named_by_its_key(line: str, said: str) -> None:
    """A whole path is given only where it is read for sure (a bare key under an unquoted
    header): it had named 'workloads.0.requests_per_month' for an inline traffic table and
    'workloads.0..replica_requests_per_s' for a dotted quoted key."""
    from payback.limits import long_number

    text = f'[[workloads]]\nname = "w"\n{line}\n'
    message = str(long_number(text, "p.toml", toml=True))
    assert f": {said}a 4,301-digit number" in message, message
