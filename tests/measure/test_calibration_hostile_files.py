"""Calibration files edited by hand, tried as a new user would: a decode overhead written in
milliseconds was read as seconds (the estimate went on at 5 requests a second, or a scenario
blamed its tpot_ms), a table inside another was said to be unknown "did you mean" itself, a
GPU id in capitals was warned of as another GPU, an unknown GPU or model went unsaid, a
created date of "yesterday" passed, an empty path was a directory, a UTF-16 or gzip file
showed Python's decoding message, and the written file's header told a benchmark's owner to
use it where it is refused."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import DATA, EXAMPLES, ROOT, assert_user_error, run
from payback import PaybackError
from payback.hardware.calibration import DecodePoint, Factors, fit_decode
from payback.measure.apply import check_use
from payback.measure.calibration import (
    Calibration,
    Measured,
    calibration_toml,
    load_calibration,
    scenario_calibration,
)

EXAMPLE = EXAMPLES / "calibrations" / "h200-llama-3.1-8b-lora.toml"
STEPS = "the decode steps this file measured, of which it is a part, took 5.78229-15.594 ms"
STEP_MS = (
    "factors.step_overhead_s = 0.70082: 0.70082 s: is it in milliseconds? the fixed time per "
    "decode step is in seconds: a GPU's serving engines spend 0.5-1.4 ms a step, and "
    f"{STEPS}; allowed: 0 to 0.015594 s"
)
LAYER = (
    "factors.layer_overhead_s = 0.5: 0.5 s: is it in milliseconds or microseconds? the time "
    "per layer per decode step is in seconds: a GPU's serving engines spend 20-41 µs a layer, "
    f"and {STEPS}; allowed: 0 to 0.001 s"
)


def _edited(tmp_path: Path, old: str, new: str, name: str = "cal.toml") -> Path:
    text = EXAMPLE.read_text()
    assert text.count(old) == 1
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


def _refused(path: Path) -> list[str]:
    with pytest.raises(PaybackError) as info:
        load_calibration(path)
    return info.value.messages


# -- decode overheads in the wrong unit --------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("step_overhead_s = 0.00070082", "step_overhead_s = 0.70082", STEP_MS),
        ("layer_overhead_s = 2.10246e-05", "layer_overhead_s = 0.5", LAYER),
    ],
)
def test_an_overhead_in_milliseconds_is_refused_naming_it(
    tmp_path: Path, old: str, new: str, line: str
) -> None:
    path = _edited(tmp_path, old, new)
    assert _refused(path) == [f"{path}: {line}"]
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h200", "--calibration", path
    )
    assert_user_error(code, out, err)
    assert err == f"error: --calibration {path}: {line}\n"


def test_a_scenario_blames_the_calibration_not_its_tpot_ms(tmp_path: Path) -> None:
    (tmp_path / "calibrations").mkdir()
    _edited(
        tmp_path / "calibrations",
        "step_overhead_s = 0.00070082",
        "step_overhead_s = 0.70082",
        EXAMPLE.name,
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text((EXAMPLES / "calibrated-h200.toml").read_text())
    code, out, err = run("analyze", scenario)
    assert_user_error(code, out, err)
    assert "tpot_ms" not in err
    assert err.endswith(f"{EXAMPLE.name}: {STEP_MS}\n")


FACTORS_ONLY = """[calibration]
kind = "calibration"
tool = "by hand"
device = "{device}"
[factors]
step_overhead_s = {step}
layer_overhead_s = {layer}
"""


def test_a_gpu_file_without_decode_steps_is_held_to_the_engines_limits(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text(FACTORS_ONLY.format(device="NVIDIA H200", step=0.2, layer=0.002))
    assert _refused(path) == [
        f"{path}: factors.step_overhead_s = 0.2: 0.2 s: is it in milliseconds? the fixed time "
        "per decode step is in seconds: a GPU's serving engines spend 0.5-1.4 ms a step; "
        "allowed: 0 to 0.1 s",
        f"{path}: factors.layer_overhead_s = 0.002: 0.002 s: is it in milliseconds or "
        "microseconds? the time per layer per decode step is in seconds: a GPU's serving "
        "engines spend 20-41 µs a layer; allowed: 0 to 0.001 s",
    ]
    # at the limits, and on a CPU (whose steps take seconds), the same values are read
    path.write_text(FACTORS_ONLY.format(device="NVIDIA H200", step=0.1, layer=0.001))
    assert load_calibration(path).factors == Factors(step_overhead_s=0.1, layer_overhead_s=0.001)
    path.write_text(FACTORS_ONLY.format(device="CPU x86_64", step=0.2, layer=0.002))
    assert load_calibration(path).factors == Factors(step_overhead_s=0.2, layer_overhead_s=0.002)


@pytest.mark.parametrize(
    "path",
    sorted((EXAMPLES / "calibrations").glob("*.toml"))
    + sorted((ROOT / "benchmarks" / "measured").glob("*.toml")),
    ids=lambda p: p.name,
)
def test_every_measured_file_still_reads(path: Path) -> None:
    cal = load_calibration(path)
    assert cal.factors is not None
    assert cal.factors.step_overhead_s is not None
    assert 5e-4 < cal.factors.step_overhead_s < 2e-3


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(st.floats(1e-4, 0.9), min_size=1, max_size=6),
    growth=st.lists(st.floats(1.0, 8.0), min_size=6, max_size=6),
    layers=st.integers(1, 128),
    on_gpu=st.booleans(),
)
def test_any_fit_of_payback_calibrate_reads_back(
    steps: list[float], growth: list[float], layers: int, on_gpu: bool
) -> None:
    """Whatever steps were timed, in whatever shape (concave, flat, slower at a smaller
    batch), the overheads fit_decode fits to them are within the limits the file is held
    to: a calibration ``payback calibrate`` writes is never refused on reading."""
    streamed, moved = [], 2e9
    for factor in growth[: len(steps)]:
        streamed.append(moved)
        moved *= factor
    _, step, layer = fit_decode(
        step_s=steps, bytes_per_step=streamed, bandwidth=4.8e12, layers=layers
    )
    points = [
        DecodePoint(batch=i + 1, context_tokens=1024.0, measured_ms=s * 1e3, estimated_ms=1.0)
        for i, s in enumerate(steps)
    ]
    cal = Calibration(
        kind="calibration",
        tool="payback calibrate",
        gpu="h200" if on_gpu else None,
        device="NVIDIA H200" if on_gpu else "CPU x86_64",
        measured=Measured(decode=points),
        factors=Factors(step_overhead_s=step, layer_overhead_s=layer),
    )
    assert cal.factors is not None
    assert cal.factors.step_overhead_s == step


# -- a table inside another ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (
            "training_mfu_ratio = 1.44084\n",
            "training_mfu_ratio = 1.44084\n[factors.measured]\nx = 1\n",
            "factors.measured: [measured] is a table of its own, not inside [factors]: write it "
            "under a [measured] header of its own",
        ),
        (
            "\n[factors]\n",
            "\nfactors = { bandwidth_efficiency = 0.7 }\n[more]\n",
            "measured.factors: [factors] is a table of its own, not inside [measured]: write it "
            "under a [factors] header of its own",
        ),
        (
            'precision = "bf16"\n',
            'precision = "bf16"\nserving = { replica_requests_per_s = 1.0 }\n',
            "calibration.serving: [serving] is a table of its own, not inside [calibration]: "
            "write it under a [serving] header of its own",
        ),
    ],
    ids=["factors.measured", "inline in measured", "inline in calibration"],
)
def test_a_table_inside_another_is_named_where_it_is(
    tmp_path: Path, old: str, new: str, line: str
) -> None:
    path = _edited(tmp_path, old, new)
    assert f"{path}: {line}" in _refused(path)


# -- gpu, model and created ---------------------------------------------------------------


def _used(path: Path, *command: str) -> tuple[int, str, str]:
    return run(*command, "--model", "llama-3.1-8b", "--gpu", "h200", "--calibration", path)


def test_a_gpu_in_capitals_is_the_same_gpu(tmp_path: Path) -> None:
    path = _edited(tmp_path, 'gpu = "h200"', 'gpu = "H200"')
    code, _, err = _used(path, "estimate", "serving")
    assert code == 0
    assert err == ""
    # a serving benchmark of "H100-SXM" is used on h100-sxm, not refused as another GPU
    bench = _benchmark(tmp_path).model_copy(update={"gpu": "H100-SXM"})
    assert check_use(bench, model="llama-3.1-8b", gpu="h100-sxm", precision="bf16") == []


def _benchmark(tmp_path: Path) -> Calibration:
    out = tmp_path / "bench.toml"
    code, _, err = run(
        "import-benchmark", DATA / "vllm_save_result.json", "--gpu", "h100-sxm",
        "--precision", "bf16", "-o", out,
    )  # fmt: skip
    assert code == 0, err
    return load_calibration(out)


@pytest.mark.parametrize(
    ("old", "new", "warning"),
    [
        (
            'gpu = "h200"',
            'gpu = "h900"',
            "the calibration measured gpu h900 (not in the catalog); this uses h200 (its "
            "utilisation factors may not carry over)",
        ),
        (
            'model = "llama-3.1-8b"',
            'model = "llama-9"',
            "the calibration measured model llama-9 (not in the catalog); this uses "
            "llama-3.1-8b (its utilisation factors may not carry over, and with no size of it "
            "to compare, how far is unknown: calibrate with the model you serve)",
        ),
    ],
)
@pytest.mark.parametrize("kind", ["serving", "training"])
def test_a_gpu_or_model_the_catalog_lacks_is_said(
    tmp_path: Path, old: str, new: str, warning: str, kind: str
) -> None:
    path = _edited(tmp_path, old, new)
    extra = ("--tokens", "1e6") if kind == "training" else ()
    code, _, err = _used(path, "estimate", kind, *extra)
    assert code == 0
    assert err == f"warning: --calibration {path}: {warning}\n"


@pytest.mark.parametrize(
    ("created", "read"),
    [
        ("2026-11-28T06:52:19", "2026-11-28T06:52:19"),  # a TOML date and time
        ("2026-11-28", "2026-11-28"),
        ('"2026-11-28 06:52:19Z"', "2026-11-28 06:52:19Z"),
    ],
)
def test_a_created_date_is_read(tmp_path: Path, created: str, read: str) -> None:
    path = _edited(tmp_path, 'created = "2026-11-28T06:52:19"', f"created = {created}")
    assert load_calibration(path).created == read


@pytest.mark.parametrize("created", ['"yesterday"', '""', '"28/11/2026"'])
def test_a_created_that_is_no_date_is_refused(tmp_path: Path, created: str) -> None:
    path = _edited(tmp_path, 'created = "2026-11-28T06:52:19"', f"created = {created}")
    assert _refused(path) == [
        f"{path}: calibration.created = {created}: must be a date or a date and time (ISO "
        "8601: 2026-11-28 or 2026-11-28T06:52:19), or left out (when the measurement ran or "
        "the file was made)"
    ]


# -- the path and the bytes ---------------------------------------------------------------

SCENARIO = """[scenario]
name = "s"
horizon_months = 3
[traffic]
requests_per_month = 1000000
input_tokens = 1000
output_tokens = 200
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 5
[[alternatives]]
name = "mine"
kind = "self_hosted"
model = "llama-3.1-8b"
gpu = "h200"
usd_per_gpu_hour = 2.0
calibration = "{calibration}"
"""


def _analyzed(tmp_path: Path, calibration: str) -> str:
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO.format(calibration=calibration))
    code, out, err = run("analyze", scenario)
    assert_user_error(code, out, err)
    assert len(err.splitlines()) == 1
    prefix = f"error: {scenario}: alternatives.0.calibration = {calibration!r}: "
    assert err.startswith(prefix)
    return err.removeprefix(prefix).rstrip("\n")


@pytest.mark.parametrize("empty", ["", " "])
def test_an_empty_path_is_said_to_be_empty(tmp_path: Path, empty: str) -> None:
    said = (
        "an empty path; name a calibration file (`payback calibrate` or `payback "
        "import-benchmark` writes one), or leave calibration out for the estimate's defaults"
    )
    with pytest.raises(PaybackError) as info:
        scenario_calibration(empty, tmp_path, "x.calibration")
    assert info.value.messages == [f"x.calibration = {empty!r}: {said}"]
    scenario = tmp_path / "s.toml"
    text = (EXAMPLES / "calibrated-h200.toml").read_text()
    scenario.write_text(text.replace("calibrations/h200-llama-3.1-8b-lora.toml", empty))
    code, out, err = run("analyze", scenario)
    assert_user_error(code, out, err)
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: {scenario}: alternatives.0.")  # the option's or its job's
    assert err.endswith(f"calibration = {empty!r}: {said}\n")


NOT_UTF8 = (
    "(a calibration file is UTF-8 TOML, a benchmark result JSON): byte 0xff at line 1, "
    "column 1 (byte 0) is not UTF-8; save the file as UTF-8"
)


def test_a_utf16_file_is_said_to_be_no_utf8(tmp_path: Path) -> None:
    path = tmp_path / "utf16.toml"
    path.write_bytes(EXAMPLE.read_text().encode("utf-16"))
    assert _refused(path) == [f"{path}: not a text file {NOT_UTF8}"]
    assert _analyzed(tmp_path, "utf16.toml") == f"{path}: not a text file {NOT_UTF8}"
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"\xff" + EXAMPLE.read_bytes())
    assert _refused(latin) == [f"{latin}: not UTF-8 text {NOT_UTF8}"]


def test_a_gzip_file_is_said_to_be_compressed(tmp_path: Path) -> None:
    path = tmp_path / "vllm.json.gz"
    with gzip.open(path, "wb") as packed:
        packed.write((DATA / "vllm_save_result.json").read_bytes())
    line = (
        f"{path}: compressed (gzip), not a calibration file (TOML) nor a benchmark result "
        "(JSON): decompress it first (gunzip vllm.json.gz) and give the file it holds"
    )
    assert _refused(path) == [line]
    assert _analyzed(tmp_path, "vllm.json.gz") == line


# -- the header of a written file -----------------------------------------------------------


def _header(text: str) -> str:
    lines = [line.removeprefix("# ") for line in text.splitlines() if line.startswith("#")]
    return " ".join(lines)


def test_a_written_benchmark_says_where_it_is_used(tmp_path: Path) -> None:
    _benchmark(tmp_path)
    text = (tmp_path / "bench.toml").read_text()
    assert _header(text) == (
        "payback calibration, a serving benchmark: its measured capacity and latency. Use it "
        'with `calibration = "<this file>"` on a scenario\'s self_hosted option of the model, '
        "GPU and precision it measured; `payback estimate` takes the utilisation factors of "
        "`payback calibrate` instead."
    )
    # what it says holds: estimate refuses it, a scenario's option of its run uses it
    assert_user_error(
        *run("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm",
             "--calibration", tmp_path / "bench.toml"),
        "holds no utilisation factors but a serving benchmark",
    )  # fmt: skip


def test_a_written_calibration_says_where_it_is_used(tmp_path: Path) -> None:
    cal = load_calibration(EXAMPLE)
    use = (
        "payback calibration: utilisation factors measured by payback calibrate. Use it with "
        '`calibration = "<this file>"` on a self_hosted option or a training job, or give it to '
        "`payback estimate serving` or `payback estimate training`."
    )
    assert _header(calibration_toml(cal)) == use
    on_cpu = cal.model_copy(update={"gpu": None, "device": "CPU x86_64"})
    assert _header(calibration_toml(on_cpu)) == (
        "payback calibration: utilisation factors measured by payback calibrate on a CPU (CPU "
        "x86_64); estimates for a GPU refuse them: calibrate on the GPU you serve on for "
        "factors to use."
    )
    assert cal.factors is not None
    serving_only = cal.model_copy(
        update={"factors": cal.factors.model_copy(update={"training_mfu_ratio": None})}
    )
    assert "a training job" not in _header(calibration_toml(serving_only))
    # the file written reads back as it was
    path = tmp_path / "written.toml"
    path.write_text(calibration_toml(cal))
    assert load_calibration(path) == cal


def test_an_empty_path_on_the_option_alone_is_refused(tmp_path: Path) -> None:
    """``calibration = ""`` on a self-hosted option whose capacity is estimated was read as
    no calibration, without a word (its training job's was refused)."""
    scenario = tmp_path / "s.toml"
    text = (EXAMPLES / "calibrated-h200.toml").read_text()
    first = text.index('calibration = "calibrations/h200-llama-3.1-8b-lora.toml"')
    job = text.index("calibrations/h200-llama-3.1-8b-lora.toml", first + 20)
    text = text[:job].replace("calibrations/h200-llama-3.1-8b-lora.toml", "") + text[job:]
    scenario.write_text(text)
    code, out, err = run("analyze", scenario)
    assert_user_error(code, out, err)
    assert err.startswith(f"error: {scenario}: alternatives.0.calibration = '': an empty path")
