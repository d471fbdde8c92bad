"""No command writes over a file it reads, even with --force, and a calibration is never
written under a .json name (read back as a benchmark result); tried as a new user would:
``import-benchmark bench.json -o bench.json --force`` replaced the benchmark with TOML,
``report s.html -o s.html --force`` the scenario with HTML, ``report r-one-time.png -o
r.md --force`` the scenario with the chart of that name, and ``-o calx.json`` wrote TOML
that ``calibration = "calx.json"`` then refused as "not valid JSON"."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import DATA, EXAMPLES, TINY_MODEL_CONFIG, run

BENCH = DATA / "vllm_save_result.json"
NEVER = "which this command reads; payback never writes over its input, even with --force"
ITS_OWN = "this command reads; payback never writes over its input, even with --force"
"""The end of the line where the output is the input's own name: said once, not twice."""


def one_error(code: int, out: str, err: str) -> str:
    """The one line of a refusal (exit 2, nothing on stdout), without its ``error: ``."""
    assert code == 2, (out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0].removeprefix("error: ")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", ["calx.json", "calx.JSON", "new/calx.json"])
def test_import_benchmark_refuses_a_json_calibration(here: Path, name: str) -> None:
    shutil.copy(BENCH, "bench2.json")
    args = ("bench2.json", "--gpu", "h100-sxm", "--precision", "bf16", "-o", name)
    line = one_error(*run("import-benchmark", *args))
    suffix = Path(name).suffix
    assert line == (
        f"-o {name}: a calibration is written as TOML (.toml); not {suffix}, which payback "
        "reads as a benchmark result"
    )
    assert not Path(name).exists()
    assert not (here / "new").exists()


def test_calibrate_refuses_a_json_calibration(here: Path) -> None:
    """Before PyTorch is looked for: nothing is measured for a file it would not write."""
    line = one_error(*run("calibrate", "--model", "llama-3.1-8b", "-o", "h200.json"))
    assert line == (
        "-o h200.json: a calibration is written as TOML (.toml); not .json, which payback "
        "reads as a benchmark result"
    )
    assert not Path("h200.json").exists()


@pytest.mark.parametrize(
    ("model", "input_words"),
    [
        ("m/config.json", f"the --model file {ITS_OWN}"),
        ("m", f"the --model file m (its config.json), {NEVER}"),
    ],
    ids=["its own name", "its folder"],
)
def test_calibrate_never_writes_over_its_model(here: Path, model: str, input_words: str) -> None:
    Path("m").mkdir()
    Path("m/config.json").write_text(json.dumps(TINY_MODEL_CONFIG), encoding="utf-8")
    before = Path("m/config.json").read_bytes()
    line = one_error(*run("calibrate", "--model", model, "-o", "m/config.json", "--force"))
    assert line == f"-o m/config.json: is {input_words}: give another name"
    assert Path("m/config.json").read_bytes() == before


def test_a_toml_calibration_reads_back(here: Path) -> None:
    """The name the refusal asks for reads back: the benchmark's 17.5224 requests/s
    (17.52241876769224 in the file, kept to 6 figures)."""
    from payback.measure.calibration import load_calibration

    shutil.copy(BENCH, "bench2.json")
    code, _, err = run("import-benchmark", "bench2.json", "--gpu", "h100-sxm", "-o", "calx.toml")
    assert code == 0, err
    serving = load_calibration("calx.toml").serving
    assert serving is not None
    assert serving.replica_requests_per_s == 17.5224


@pytest.mark.parametrize(
    ("given", "output", "shown", "input_words"),
    [
        ("bench.json", "bench.json", "bench.json", ITS_OWN),
        ("bench.json", "./bench.json", "bench.json", ITS_OWN),  # another spelling, one file
        ("bench.txt", "bench.txt", "bench.txt", ITS_OWN),  # not refused for its .json
        (
            "link.txt",
            "bench.txt",
            "bench.txt",
            f"link.txt, {NEVER}",
        ),  # a link read, its file written
        ("bench.txt", "hard.txt", "hard.txt", f"bench.txt, {NEVER}"),  # a hard link: two names
    ],
    ids=["same", "another spelling", "not .json", "symbolic link", "hard link"],
)
def test_import_benchmark_never_writes_over_its_benchmark(
    here: Path, given: str, output: str, shown: str, input_words: str
) -> None:
    """The input in words, never the argument's name in help ("is FILE bench.json")."""
    shutil.copy(BENCH, "bench.json")
    shutil.copy(BENCH, "bench.txt")
    os.symlink("bench.txt", "link.txt")
    os.link("bench.txt", "hard.txt")
    before = BENCH.read_bytes()
    line = one_error(*run("import-benchmark", given, "-o", output, "--force"))
    assert line == f"-o {shown}: is the benchmark {input_words}: give another name"
    assert Path("bench.json").read_bytes() == before
    assert Path("bench.txt").read_bytes() == before


def test_report_never_writes_over_its_scenario(here: Path) -> None:
    shutil.copy(EXAMPLES / "seed.toml", "s.html")
    before = Path("s.html").read_bytes()
    line = one_error(*run("report", "s.html", "-o", "s.html", "--force"))
    assert line == f"-o s.html: is the scenario {ITS_OWN}: give another name"
    assert Path("s.html").read_bytes() == before
    assert sorted(os.listdir(here)) == ["s.html"]  # no temporary left behind


@pytest.mark.slow  # the Markdown report's charts are drawn before they are written
def test_report_never_writes_a_chart_over_its_scenario(here: Path) -> None:
    Path("md3").mkdir()
    shutil.copy(EXAMPLES / "seed.toml", "md3/r-one-time.png")
    before = Path("md3/r-one-time.png").read_bytes()
    line = one_error(*run("report", "md3/r-one-time.png", "-o", "md3/r.md", "--force"))
    assert line == (
        "-o md3/r.md: its chart md3/r-one-time.png is the scenario this command reads; "
        "payback never writes over its input, even with --force: give the report another name"
    )
    assert Path("md3/r-one-time.png").read_bytes() == before
    assert os.listdir("md3") == ["r-one-time.png"]  # no report, no other chart: none or all


def test_report_never_writes_over_a_calibration_its_scenario_names(here: Path) -> None:
    shutil.copy(EXAMPLES / "calibrated-h200.toml", "s.toml")
    shutil.copytree(EXAMPLES / "calibrations", "calibrations")
    cal = Path("calibrations/h200-llama-3.1-8b-lora.toml")
    shutil.copy(cal, "calibrations/c.html")  # read as TOML whatever its name
    text = Path("s.toml").read_text(encoding="utf-8").replace(f'"{cal}"', '"calibrations/c.html"')
    Path("s.toml").write_text(text, encoding="utf-8")
    before = Path("calibrations/c.html").read_bytes()
    line = one_error(*run("report", "s.toml", "-o", "calibrations/c.html", "--force"))
    assert line == (
        '-o calibrations/c.html: is alternatives.0.calibration = "calibrations/c.html" in '
        f"s.toml, {NEVER}: give another name"
    )
    assert Path("calibrations/c.html").read_bytes() == before


@pytest.mark.parametrize("output", ["calibrations/h200-llama-3.1-8b-lora.toml", "link.toml"])
def test_recommend_never_writes_over_a_calibration_its_scenario_names(
    here: Path, output: str
) -> None:
    shutil.copy(EXAMPLES / "calibrated-h200.toml", "s.toml")
    shutil.copytree(EXAMPLES / "calibrations", "calibrations")
    cal = Path("calibrations/h200-llama-3.1-8b-lora.toml")
    os.symlink(cal, "link.toml")
    before = cal.read_bytes()
    line = one_error(*run("recommend", "s.toml", "--apply", "-o", output, "--force"))
    assert line == (
        f'-o {output}: is alternatives.0.calibration = "{cal}" in s.toml, {NEVER}: '
        "give another name"
    )
    assert cal.read_bytes() == before


def test_recommend_never_writes_over_its_scenario(here: Path) -> None:
    shutil.copy(EXAMPLES / "catalog-ids.toml", "s.toml")
    before = Path("s.toml").read_bytes()
    line = one_error(*run("recommend", "s.toml", "--apply", "-o", "./s.toml", "--force"))
    assert line == f"-o s.toml: is the scenario {ITS_OWN}: give another name"
    assert Path("s.toml").read_bytes() == before


def test_usage_never_writes_over_its_logs(here: Path) -> None:
    """Refused before the logs are read (it was refused only once they were, as no scenario),
    without "even with --force": usage has no --force."""
    Path("logs").mkdir()
    log = b'{"timestamp": "2026-01-05T10:00:00Z", "input_tokens": 10, "output_tokens": 5}\n'
    Path("logs/a.jsonl").write_bytes(log)
    line = one_error(*run("usage", "logs/a.jsonl", "-o", "logs/a.jsonl"))
    assert line == (
        "-o logs/a.jsonl: is the log this command reads; payback never writes over its input: "
        "give another name"
    )
    assert Path("logs/a.jsonl").read_bytes() == log


def test_a_toml_calibration_under_a_json_name_is_named_as_such(here: Path) -> None:
    """One an earlier payback wrote: said to be TOML under a .json name, not "not valid JSON
    (line 1, column 1 ...)"."""
    shutil.copy(BENCH, "bench2.json")
    assert run("import-benchmark", "bench2.json", "--gpu", "h100-sxm", "-o", "c.toml")[0] == 0
    shutil.copy("c.toml", "calx.json")
    told = (
        "calx.json: a calibration (TOML) under a .json name, which payback reads as a "
        "benchmark result (JSON); rename it calx.toml"
    )
    args = ("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--calibration", "calx.json")
    assert one_error(*run("estimate", "serving", *args)) == f"--calibration {told}"
    shutil.copy(EXAMPLES / "calibrated-h200.toml", "s.toml")
    cal = '"calibrations/h200-llama-3.1-8b-lora.toml"'
    text = Path("s.toml").read_text(encoding="utf-8").replace(cal, '"calx.json"')
    Path("s.toml").write_text(text, encoding="utf-8")
    code, _, err = run("analyze", "s.toml")
    assert code == 2
    assert f"alternatives.0.calibration = 'calx.json': {here / told}" in err


def test_a_link_written_names_the_scenario_it_reaches(here: Path) -> None:
    """``-o link.html`` where link.html is a symbolic link to the scenario read: the line
    said "is FILE q2.toml", the argument's name in help; it says what q2.toml is."""
    shutil.copy(EXAMPLES / "seed.toml", "q2.toml")
    os.symlink("q2.toml", "link.html")
    line = one_error(*run("report", "q2.toml", "-o", "link.html"))
    assert line == f"-o link.html: is the scenario q2.toml, {NEVER}: give another name"


def test_a_log_read_through_another_spelling_is_named_as_given(here: Path) -> None:
    """``usage ./log.csv -o log.csv``: one file, named as the log was given (no word of a
    --force usage does not have)."""
    Path("log.csv").write_text("timestamp,input_tokens,output_tokens\n", encoding="utf-8")
    line = one_error(*run("usage", "./log.csv", "-o", "log.csv"))
    assert line == (
        "-o log.csv: is the log ./log.csv, which this command reads; payback never writes over "
        "its input: give another name"
    )
