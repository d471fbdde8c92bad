"""Every command through the CLI: outputs, golden text, the contract and bad input."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
import typer
from typer.core import TyperGroup

import payback.cli as payback_cli
from helpers import (
    CONTRACT,
    EXAMPLES,
    ROOT,
    SHARED_CONTRACT,
    UPDATE,
    assert_user_error,
    check_golden,
    run,
)
from payback.cli import app

SEED = (CONTRACT / "seed_as_scenario.toml").read_text()
FLEET = (CONTRACT / "tokens_and_fleet.toml").read_text()


# ------------------------------------------------------------------ quick


def test_quick_prints_the_seed_answer_exactly() -> None:
    """The seed's line, exactly, then what it leaves out (test_terminal.py), wrapped; growth
    is said with its flag as when is (it read "when (--requests-per-month N), growth,"
    while --growth exists)."""
    code, out, err = run(
        "quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400"
    )
    assert (code, err) == (0, "")
    first, *rest = out.splitlines()
    assert first == "Break even after ~30,769 requests"
    assert " ".join(rest).startswith(
        "This leaves out when (--requests-per-month N), growth (--growth G), GPU fleet sizing"
    )


def test_quick_shows_huge_counts_to_three_figures() -> None:
    """1e12 / 0.013 × 1,000 = 7.69e16 requests (the largest one-time cost a scenario allows,
    a saving of 1.3 cents per 1k): to three figures, not the 17 digits of a float whose
    digits past the 16th are noise; at 1e13 requests a month (a scenario's limit) that
    would take 7,692 months (looked for up to 1,200: not a traffic that shrinks)."""
    code, out, err = run(
        "quick", "--hosted-per-1k", "2.013", "--self-hosted-per-1k", "2", "--one-time", "1e12",
        "--requests-per-month", "1e13",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [
        "Break even after ~7.69×10¹⁶ requests",  # powers of ten, as every output writes them
        "At 10,000,000,000,000 requests a month, it takes more than 1,200 months (100 years).",
    ]
    code, out, err = run(
        "quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400",
        "--requests-per-month", "1000", "--growth", "-0.5",
    )  # fmt: skip
    assert out.splitlines()[1] == (
        "At 1,000 requests a month shrinking 50% a month, traffic shrinks before it gets "
        "there: it never pays back."
    )


@pytest.mark.parametrize("self_hosted", ["15", "20"])
def test_quick_not_cheaper(self_hosted: str) -> None:
    code, out, _ = run(
        "quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", self_hosted, "--one-time", "400"
    )
    assert code == 0
    assert (
        out == "Self-hosting is not cheaper per request -- fine-tune only for behavior, not cost\n"
    )


def test_quick_json() -> None:
    code, out, _ = run(
        "quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data == {
        "break_even_requests": pytest.approx(400 / 13 * 1000),
        "savings_per_1k_usd": 13.0,
        "message": "Break even after ~30,769 requests",
    }
    code, out, _ = run(
        "quick", "--hosted-per-1k", "1", "--self-hosted-per-1k", "2", "--one-time", "400", "--json"
    )
    assert json.loads(out)["break_even_requests"] is None
    assert json.loads(out)["savings_per_1k_usd"] == -1.0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ("--hosted-per-1k", "-15", "--self-hosted-per-1k", "2", "--one-time", "400"),
            "--hosted-per-1k -15: must be a finite number ≥ 0",
        ),
        (
            ("--hosted-per-1k", "15", "--self-hosted-per-1k", "nan", "--one-time", "400"),
            "--self-hosted-per-1k nan: must be a finite number",
        ),
        (
            ("--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "inf"),
            "--one-time inf: must be a finite number",
        ),
    ],
)
def test_quick_bad_numbers(args: tuple[str, ...], fragment: str) -> None:
    assert_user_error(*run("quick", *args), fragment)


def test_quick_non_number_and_missing_option_exit_2() -> None:
    code, _, err = run(
        "quick", "--hosted-per-1k", "abc", "--self-hosted-per-1k", "2", "--one-time", "4"
    )
    assert code == 2
    assert "--hosted-per-1k" in err
    assert "Traceback" not in err
    code, _, err = run("quick", "--hosted-per-1k", "15")
    assert code == 2
    assert "Traceback" not in err


# ------------------------------------------------------------------ analyze


# The contract's cases are always the copies in tests/contract, with or without ../shared
# beside this checkout (there, the copies must equal it: the test after the next).
CONTRACT_CASES = sorted(CONTRACT.glob("*.toml"))


def test_the_contract_cases_are_the_copies_in_tests_contract() -> None:
    names = [p.name for p in CONTRACT_CASES]
    assert {"seed_as_scenario.toml", "tokens_and_fleet.toml"} <= set(names), names
    for path in CONTRACT_CASES:
        assert path.with_name(path.stem + ".expected.json").is_file(), path.name


def close(actual: object, expected: object, path: str = "") -> None:
    """Every expected number within 0.1%; nulls equal."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            close(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), path
        assert len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            close(a, e, f"{path}.{i}")
    elif isinstance(expected, float | int) and not isinstance(expected, bool):
        assert actual == pytest.approx(expected, rel=1e-3, abs=1e-6), path
    else:
        assert actual == expected, path


@pytest.mark.parametrize("scenario", CONTRACT_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_analyze_json_agrees_with_the_contract(scenario: Path) -> None:
    code, out, err = run("analyze", scenario, "--json")
    assert code == 0, err
    expected = json.loads(scenario.with_name(scenario.stem + ".expected.json").read_text())
    close(json.loads(out), expected)


def test_contract_copies_match_the_shared_contract() -> None:
    """Only this check needs ../shared/contract; the cases above run on the copies."""
    if not SHARED_CONTRACT.is_dir():
        pytest.skip("../shared/contract is not beside this checkout")

    def files(folder: Path) -> list[str]:
        return sorted(p.name for p in folder.iterdir() if p.suffix in {".toml", ".json"})

    assert files(CONTRACT) == files(SHARED_CONTRACT)
    for name in files(SHARED_CONTRACT):
        assert (CONTRACT / name).read_text() == (SHARED_CONTRACT / name).read_text(), name


def test_analyze_json_shape() -> None:
    code, out, _ = run("analyze", EXAMPLES / "growth.toml", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"scenario", "horizon_months", "baseline", "alternatives", "verdict"} <= data.keys()
    assert len(data["baseline"]["monthly_cost_usd"]) == 24
    for alt in data["alternatives"]:
        assert {
            "name",
            "one_time_usd",
            "monthly_cost_usd",
            "cumulative_savings_usd",
            "break_even_month",
            "break_even_requests",
            "npv_usd",
            "reason",
            "pays_back_within",
        } <= alt.keys()
        assert len(alt["cumulative_savings_usd"]) == 25
        assert alt["cumulative_savings_usd"][0] == -alt["one_time_usd"]


def test_analyze_json_null_when_never(tmp_path: Path) -> None:
    path = tmp_path / "never.toml"
    path.write_text(SEED.replace("usd_per_1k_requests = 2.0", "usd_per_1k_requests = 16.0"))
    code, out, _ = run("analyze", path, "--json")
    assert code == 0
    alt = json.loads(out)["alternatives"][0]
    assert alt["break_even_month"] is None
    assert alt["break_even_requests"] is None
    assert alt["reason"] == "the alternative costs more every month ($20.00 more in month 1)"
    assert alt["pays_back_within"] == {"3": False, "6": False, "12": False, "horizon": False}


@pytest.fixture
def catalog_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The day the catalog's offers are judged stale on in analyze's words (a rent's source
    names the stale offers it was chosen from): fixed, so a golden does not move as offers
    age (the warnings about them go to stderr, never into the output)."""
    import payback.catalog

    monkeypatch.setattr(payback.catalog, "_today", lambda: dt.date(2026, 12, 6))


@pytest.mark.usefixtures("catalog_day")
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_analyze_examples_golden(example: Path) -> None:
    code, out, err = run("analyze", example)
    assert code == 0
    # catalog prices turn stale with time: those warnings go to stderr, never into the output
    assert all(line.startswith("warning: ") for line in err.splitlines())
    check_golden(f"analyze_{example.stem}.txt", out)


def test_analyze_text_states_the_numbers() -> None:
    code, out, _ = run("analyze", CONTRACT / "tokens_and_fleet.toml")
    assert code == 0
    assert "month 3.33, after 7,501,202 requests" in out
    assert "$83,132" in out
    assert "$20,750" in out
    assert "Verdict:" in out


def test_analyze_yaml(tmp_path: Path) -> None:
    """The YAML starter is the TOML starter: the same answer, the same keys in the same
    order and every comment (it had none, and `kind` after `one_time`)."""
    code, out, _ = run("init", tmp_path / "s.yaml")
    assert code == 0
    code, out, err = run("analyze", tmp_path / "s.yaml", "--json")
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["break_even_month"] > 0
    code, _, _ = run("init", tmp_path / "s.toml")
    assert code == 0
    code, toml_out, err = run("analyze", tmp_path / "s.toml", "--json")
    assert code == 0, err
    assert json.loads(toml_out)["alternatives"] == json.loads(out)["alternatives"]
    toml_text = (tmp_path / "s.toml").read_text()
    yaml_text = (tmp_path / "s.yaml").read_text()
    comments = [line.split("#", 1)[1].strip() for line in toml_text.splitlines() if "#" in line]
    for comment in comments:
        assert comment.replace("[[alternatives]]", "alternatives entries") in yaml_text, comment
    keys = [m.group(1) for m in re.finditer(r"^\s*(\w+) =", toml_text, re.MULTILINE)]
    in_yaml = [m.group(1) for m in re.finditer(r"^[\s-]*(\w+):", yaml_text, re.MULTILINE)]
    assert [k for k in in_yaml if k in keys] == keys


BAD_FILES = {
    "malformed.toml": ("[scenario\nname='x'\n", "not valid TOML"),
    "malformed.yaml": ("scenario: {name: x\n", "not valid YAML"),
    "unknown_field.toml": (
        SEED.replace("horizon_months = 6", "horizon_months = 6\nhorizon = 6"),
        "scenario.horizon: unknown field",
    ),
    "wrong_type.toml": (
        SEED.replace("requests_per_month = 20000", 'requests_per_month = "many"'),
        'traffic.requests_per_month = "many": must be a number',
    ),
    "nan.toml": (
        SEED.replace("requests_per_month = 20000", "requests_per_month = nan"),
        "traffic.requests_per_month = nan: must be a finite number",
    ),
    "inf.toml": (
        SEED.replace("usd_per_1k_requests = 2.0", "usd_per_1k_requests = inf"),
        "alternatives.0.usd_per_1k_requests = inf: must be a finite number",
    ),
    "negative_money.toml": (
        SEED.replace("data_usd = 150.0", "data_usd = -150.0"),
        "alternatives.0.one_time.data_usd = -150.0: must be ≥ 0",
    ),
    "negative_traffic.toml": (
        SEED.replace("requests_per_month = 20000", "requests_per_month = -20000"),
        "traffic.requests_per_month = -20000: must be > 0",
    ),
    "utilization.toml": (
        FLEET.replace("target_utilization = 0.7", "target_utilization = 70"),
        "alternatives.0.target_utilization = 70: must be ≤ 1 (a fraction of capacity: 0.7 means 70%)",
    ),
    "escalation.toml": (
        FLEET.replace("escalation_share = 0.05", "escalation_share = 1.0"),
        "alternatives.0.escalation_share = 1.0: must be < 1",
    ),
    "zero_capacity.toml": (
        FLEET.replace("replica_requests_per_s = 3.0", "replica_requests_per_s = 0"),
        "alternatives.0.replica_requests_per_s = 0: must be ≥ 0.0001",
    ),
    "no_baseline.toml": (
        SEED[: SEED.index("[baseline]")] + SEED[SEED.index("[[alternatives]]") :],
        "baseline: required section is missing",
    ),
    "no_alternatives.toml": (
        SEED.split("[[alternatives]]")[0],
        "alternatives: required section is missing",
    ),
    "unknown_kind.toml": (
        SEED.replace('kind = "per_request"', 'kind = "per_token"', 1),
        'baseline.kind = "per_token": unknown kind',
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_analyze_bad_input_one_line_exit_2(tmp_path: Path, name: str) -> None:
    text, fragment = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, fragment, str(path))
    assert len(err.strip().splitlines()) == 1
    assert path.read_text(encoding="utf-8") == text  # nothing the user wrote is touched


def test_analyze_missing_file(tmp_path: Path) -> None:
    assert_user_error(*run("analyze", tmp_path / "nope.toml"), "nope.toml: no such file")


def test_analyze_directory(tmp_path: Path) -> None:
    assert_user_error(*run("analyze", tmp_path), "is a directory")


# ------------------------------------------------------------------ init


def test_init_writes_the_starter_that_matches_the_example(tmp_path: Path) -> None:
    target = tmp_path / "scenario.toml"
    code, out, _ = run("init", target)
    assert code == 0
    assert str(target) in out
    assert target.read_text() == (EXAMPLES / "quarter-200k.toml").read_text()
    code, out, err = run("analyze", target, "--json")
    assert code == 0, err
    alt = json.loads(out)["alternatives"][0]
    assert alt["kind"] == "self_hosted"
    assert alt["one_time_items_usd"]
    assert all(v > 0 for v in alt["one_time_items_usd"].values())  # every cost item filled in


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "scenario.toml"
    target.write_text("# mine\n")
    assert_user_error(*run("init", target), "already exists; use --force")
    assert target.read_text() == "# mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.toml"]
    code, _, _ = run("init", target, "--force")
    assert code == 0
    assert target.read_text().startswith("# A starter payback scenario")


def test_init_default_path_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("init", "--json")
    assert code == 0
    assert json.loads(out) == {"written": "scenario.toml"}
    assert (tmp_path / "scenario.toml").exists()


def test_init_bad_targets(tmp_path: Path) -> None:
    # a missing folder is made (tests/cli/test_output_folders.py)
    assert_user_error(*run("init", tmp_path), "is a directory")


def test_a_path_under_a_file_says_the_file_is_not_a_folder(tmp_path: Path) -> None:
    """``init scenario.toml/x.toml`` (and report -o, usage -o) said "folder scenario.toml
    does not exist": it exists, it is a file. The file is left as it was."""
    scenario = tmp_path / "scenario.toml"
    assert run("init", scenario)[0] == 0
    before = scenario.read_bytes()
    said = f"{scenario} is a file, not a folder"
    for args in (
        ("init", scenario / "x.toml"),
        ("init", scenario / "deeper" / "x.toml"),
        ("report", EXAMPLES / "seed.toml", "-o", scenario / "r.html"),
        ("usage", EXAMPLES / "seed.toml", "-o", scenario / "u.toml"),
    ):
        code, out, err = run(*args)
        assert_user_error(code, out, err, said)
        assert "does not exist" not in err
    assert scenario.read_bytes() == before


# ------------------------------------------------------------------ help


# Each command's help in its own words: (purpose, one of its flags or arguments, that
# flag's help). Every command and subcommand is listed; a new one fails the test below
# until it is added here.
HELP: dict[tuple[str, ...], tuple[str, str, str]] = {
    (): (
        "Does fine-tuning and self-hosting a model pay back against a hosted LLM API?",
        "--version",
        "Show the version.",
    ),
    ("quick",): (
        "Back-of-the-envelope: requests until a one-time cost pays back.",
        "--self-hosted-per-1k",
        "Self-hosted cost of 1,000 requests [USD].",
    ),
    ("analyze",): (
        "Break-even month and requests, NPV and monthly costs of each alternative.",
        "--samples",
        "Monte Carlo over the scenario's distributions: the chance of paying back within",
    ),
    ("recommend",): (
        "Choose the GPU, precision, GPUs per replica and replicas of a self-hosted alternative.",
        "--max-replicas",
        "Leave out configurations needing more replicas than this.",
    ),
    ("import-benchmark",): (
        "Read a serving benchmark: requests/s, output tokens/s, token lengths, latencies.",
        "--run",
        "Which run of a file holding several (vLLM --append-result), counting from 1; "
        "default the last.",
    ),
    ("calibrate",): (
        "Measure this machine: training, prefill and decode speed of a model's shape.",
        "--no-checkpointing",
        "Recompute activations in training (as common fine-tuning stacks do).",
    ),
    ("sensitivity",): (
        "Which assumptions decide the answer, ranked.",
        "--swing",
        "Move every input ±this share instead of using distributions",
    ),
    ("solve",): (
        "What would it take: the value of one input at which a target holds exactly.",
        "--target",
        "METRIC=VALUE that must hold: break_even_month=3, npv_usd=0 or break_even_requests=1e6.",
    ),
    ("report",): (
        "A report to attach to a design review: charts, the explanation and every input's source.",
        "--output",
        "report.html (interactive, one offline file), report.md (+ PNG charts beside it)",
    ),
    ("explain",): (
        "Why the answer is what it is: analyze's verdict in plain words, with this scenario's "
        "numbers.",
        "--no-quality",
        "Leave every option's quality (error cost) and latency out",
    ),
    ("usage",): (
        "The workload from real request logs: the [traffic] of a scenario, measured.",
        "--sql",
        "Print the DuckDB SQL payback runs",
    ),
    ("serve",): (
        "An interactive page: the main assumptions as inputs, the verdict and charts updating",
        "--port",
        "Port to listen on.",
    ),
    ("init",): (
        "Write a commented starter scenario to edit.",
        "path",
        "Where to write the scenario (.toml, or .yaml for YAML); a missing folder is made.",
    ),
    ("catalog",): (
        "List the catalogs: GPUs, open models, API prices, hosted fine-tuning, serving engines.",
        "finetuning",
        "Hosted fine-tuning: price per million training tokens and the tuned model's prices.",
    ),
    ("catalog", "engines"): (
        "Serving engines: what each costs a decode step, the shares of a GPU's peaks it",
        "--search",
        "Show only entries whose id or name contains this text.",
    ),
    ("catalog", "gpus"): (
        "GPUs: memory, bandwidth, dense tensor peaks and hourly rents with their sources.",
        "--search",
        "Show only entries whose id or name contains this text.",
    ),
    ("catalog", "models"): (
        "Open models: parameters, layers, hidden size, attention heads and context.",
        "--search",
        "Show only entries whose id or name contains this text.",
    ),
    ("catalog", "apis"): (
        "Hosted API token prices, from the genai-prices snapshot shipped with payback.",
        "--search",
        "Show only entries whose id or name contains this text.",
    ),
    ("catalog", "finetuning"): (
        "Hosted fine-tuning: price per million training tokens and the tuned model's prices.",
        "--json",
        "Print machine-readable JSON (for scripts) instead of text.",
    ),
    ("estimate",): (
        "First-principles estimates: serving capacity and fine-tuning cost.",
        "training",
        "Fine-tuning compute, memory, GPUs, time and cost.",
    ),
    ("estimate", "serving"): (
        "What one replica serves: batch, latency, decode and prefill speed, requests/s.",
        "--tpot-ms",
        "Latency target: most ms per output token.",
    ),
    ("estimate", "training"): (
        "Fine-tuning compute, memory, GPUs, time and cost.",
        "--usd-per-gpu-hour",
        "GPU rent (default: the catalog's typical price).",
    ),
}
# Words of the code, not of the user: the help never says them.
JARGON = ("seed's", "estimator")


def help_text(*command: str) -> str:
    """``payback COMMAND --help`` with the boxes and line breaks taken out."""
    code, out, err = run(*command, "--help")
    assert code == 0, err
    return " ".join(out.replace("│", " ").split())


def all_commands() -> set[tuple[str, ...]]:
    import typer.main

    def walk(group: object, path: tuple[str, ...]) -> set[tuple[str, ...]]:
        found = {path}
        for name, command in getattr(group, "commands", {}).items():
            found |= walk(command, (*path, name))
        return found

    return walk(typer.main.get_command(app), ())


def test_help_covers_every_command() -> None:
    assert all_commands() == set(HELP)


@pytest.mark.parametrize("command", sorted(HELP), ids=lambda c: " ".join(c) or "payback")
def test_help_says_what_the_command_does_and_its_options(command: tuple[str, ...]) -> None:
    text = help_text(*command)
    purpose, flag, flag_help = HELP[command]
    assert text.startswith(" ".join(("Usage: payback", *command))), text[:80]
    assert purpose in text
    assert flag in text
    assert flag_help in text
    for word in JARGON:
        assert word not in text.lower()


def test_bare_groups_show_their_help() -> None:
    for command in ([], ["catalog"], ["estimate"]):
        code, out, _ = run(*command)
        assert code == 2  # no_args_is_help: the help, as a usage error
        assert " ".join(out.replace("│", " ").split()).startswith(
            " ".join(("Usage: payback", *command))
        )


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.startswith("payback ")


@pytest.mark.slow
@pytest.mark.parametrize("module", ["payback", "payback.cli"])
def test_python_m_runs_the_command_line(module: str) -> None:
    src = str(Path(payback_cli.__file__).parents[2])
    env = os.environ | {"PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True, env=env
    )
    assert (proc.returncode, proc.stdout.startswith("payback ")) == (0, True), proc.stderr


# ------------------------------------------------------------------ start-up and serve

CLI_SOURCES = Path(payback_cli.__file__).parent
# What `payback --help` must not load: the library's heavy dependencies (a command loads
# them inside its function, when it runs).
HEAVY = (
    "numpy",
    "pydantic",
    "scipy",
    "plotly",
    "matplotlib",
    "duckdb",
    "genai_prices",
    "tomlkit",
    "ruamel",
    "yaml",
    "streamlit",
    "torch",
)


def top_level_imports(tree: ast.Module) -> list[str]:
    """The modules a file imports when it loads (not those under ``if TYPE_CHECKING``)."""
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CLI_SOURCES.glob("*.py")), ids=lambda p: p.name)
def test_cli_modules_import_only_light_modules_at_the_top(path: Path) -> None:
    """Every command module loads for `payback --help`: at the top it imports the standard
    library, Typer, payback's error type and its own helpers; the rest inside a function."""
    for name in top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
        light = (
            name.split(".")[0] in sys.stdlib_module_names
            or name in ("payback", "payback.errors")  # payback: loaded already
            or name == "payback.studies"  # its defaults (SOBOL_SAMPLES) and no import
            or name == "payback.report.controls"  # the standard library only: the one filter
            # of control characters, for the terminal and the documents alike
            or name == "payback.report.stamp"  # the standard library only: a report's hash
            # mark, which the page's downloaded report carries too
            or name.split(".")[0] == "typer"
            or name.startswith("payback.cli")
        )
        assert light, f"{path.name} imports {name} at the top"


def test_the_studies_package_a_command_module_reads_imports_nothing() -> None:
    """``payback.studies`` is read for its defaults when the command line loads, so its
    ``__init__`` imports nothing (numpy, pandas and the engine load with its modules)."""
    tree = ast.parse((CLI_SOURCES.parent / "studies" / "__init__.py").read_text("utf-8"))
    assert top_level_imports(tree) == []


SNOOP = """
import json, sys
import payback
eager = sorted(m for m in sys.modules if m.split(".")[0] in {heavy})
from payback.cli import main
sys.argv = ["payback", *{args}]
try:
    main()
except SystemExit:
    pass
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy}))
print(json.dumps({{"eager": eager, "loaded": loaded}}), file=sys.stderr)
"""


@pytest.mark.slow
@pytest.mark.parametrize("command", ["--help", "init"])
def test_help_and_init_load_no_heavy_library(tmp_path: Path, command: str) -> None:
    args = ["--help"] if command == "--help" else ["init", str(tmp_path / "s.toml")]
    # Typer 0.29 checks every option's value with pydantic when a command runs.
    heavy = set(HEAVY) - ({"pydantic"} if command != "--help" else set())
    src = str(Path(payback_cli.__file__).parents[2])
    env = os.environ | {"PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-c", SNOOP.format(heavy=sorted(heavy), args=args)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    found = json.loads(proc.stderr.strip().splitlines()[-1])
    # The command line adds no heavy library to those `import payback` loads (the package's
    # public API, imported first by any `payback.cli`); where that import loads none, the
    # command loads none at all.
    eager = {m.split(".")[0] for m in found["eager"]}
    assert set(found["loaded"]) <= eager, f"{command} loads {set(found['loaded']) - eager}"


def test_serve_runs_the_page_of_this_package() -> None:
    from payback.cli.serve import page_script

    assert page_script().is_file()
    assert page_script().parent.parent == Path(payback_cli.__file__).parent.parent


# ------------------------------------------------------------------ docs that cannot drift


def readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    commands = [block.strip() for block in readme_blocks("sh")[:2]]
    assert "payback analyze examples/quarter-200k.toml" in commands[0]
    assert "pytest" in commands[1]
    assert all("\n" not in c for c in commands)
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


README_BLOCKS = {
    "analyze-quarter": (("analyze", "examples/quarter-200k.toml"), None),
    "uncertain": (
        ("analyze", "examples/quarter-uncertain.toml", "--samples", "20000"),
        "Uncertainty (",
    ),
}


@pytest.mark.usefixtures("catalog_day")
@pytest.mark.parametrize("block", sorted(README_BLOCKS))
def test_readme_output_is_real(monkeypatch: pytest.MonkeyPatch, block: str) -> None:
    """README output blocks are the command's real output (PAYBACK_UPDATE_GOLDEN=1 rewrites them)."""
    monkeypatch.chdir(ROOT)
    args, start_at = README_BLOCKS[block]
    code, out, _ = run(*args)
    assert code == 0
    lines = [line.rstrip() for line in out.splitlines()]
    if start_at is not None:
        first = next(i for i, line in enumerate(lines) if line.startswith(start_at))
        last = next(i for i, line in enumerate(lines) if line.startswith("Verdict:"))
        lines = lines[first:last]
    shown = "\n".join(lines).strip("\n") + "\n"
    begin, end = f"<!-- {block}:begin -->\n```text\n", f"```\n<!-- {block}:end -->"
    readme = (ROOT / "README.md").read_text()
    start, stop = readme.index(begin) + len(begin), readme.index(end)
    if UPDATE:
        (ROOT / "README.md").write_text(readme[:start] + shown + readme[stop:])
        readme = (ROOT / "README.md").read_text()
        start, stop = readme.index(begin) + len(begin), readme.index(end)
    assert readme[start:stop] == shown


def test_the_readme_command_table_names_every_option() -> None:
    """Each command's options, read from the app, are in its row of the README's command
    table: sensitivity's --seed, explain's and report's --no-quality, estimate serving's
    --utilization, estimate training's --gpus and --usd-per-gpu-hour and five more were
    missing. -o stands for --output; --no-checkpointing for its pair."""
    group = typer.main.get_command(app)
    cells = re.findall(r"^\| `payback ([^`]+)` \|", (ROOT / "README.md").read_text(), flags=re.M)
    leaves: list[tuple[list[str], click.Command]] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        leaves += [([name, s], c) for s, c in subs.items()] if subs else [([name], command)]
    missing = []
    for words, command in leaves:
        row = " ".join(
            c for c in cells if c.split()[0] == words[0] and all(w in c for w in words[1:])
        )
        assert row, words
        for param in command.params:
            names = [o for o in param.opts + param.secondary_opts if o != "--help"]
            if "-o" in names or "--no-checkpointing" in names:
                names = [n for n in names if n in ("-o", "--no-checkpointing")]
            for name in (n for n in names if n.startswith("-")):
                if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", row):
                    missing.append(f"{' '.join(words)} {name}")
    assert missing == []


def test_the_readme_states_vllms_time_outside_the_engine_steps() -> None:
    """The Serving bullet names the time a request vLLM spends outside its engine's steps,
    which delays every first token the estimate gives; it was not said at all."""
    from payback.hardware.serving import VLLM

    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"the {VLLM.request_overhead_s * 1e3:g} ms a request it spends outside" in text


def test_the_readme_says_what_the_test_command_needs() -> None:
    """The quick start's test command installs PyTorch (test extra) and skips the browser
    and PostgreSQL tests without Debian's packages, which CI installs; the README said
    only "installs the test tools"."""
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(d.startswith("torch") for d in extra["project"]["optional-dependencies"]["test"])
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("chromium", "postgresql", "pgbouncer"):
        assert package in ci
    assert "Debian's `chromium`, `postgresql` and `pgbouncer` packages" in text
    assert "The test tools include PyTorch" in text
    main = (ROOT / "main.py").read_text(encoding="utf-8")
    assert main.count("import payback") == 1
    assert "`.venv/bin/python main.py` runs the lesson's demo" in text


# ------------------------------------------------------------------ catalog and estimate


def test_catalog_gpus_json_and_search() -> None:
    code, out, _ = run("catalog", "gpus", "--json")
    assert code == 0
    gpus = {g["id"]: g for g in json.loads(out)}
    assert gpus["h100-sxm"]["bf16_tflops"] == 989
    assert gpus["l40s"]["prices"]
    assert all(p["source"] and p["checked"] for p in gpus["l40s"]["prices"])
    code, out, _ = run("catalog", "gpus", "--search", "h100")
    assert code == 0
    assert "h100-sxm" in out
    assert "h100-pcie" in out
    assert "l40s" not in out


def test_catalog_models_and_finetuning() -> None:
    code, out, _ = run("catalog", "models", "--json")
    assert code == 0
    assert {m["id"] for m in json.loads(out)} >= {"llama-3.1-8b", "qwen2.5-0.5b", "gemma-2-9b"}
    code, out, _ = run("catalog", "models", "--search", "qwen")
    assert "qwen2.5-72b" in out
    assert "llama" not in out
    code, out, _ = run("catalog", "finetuning", "--json")
    assert code == 0
    assert any(o["id"] == "openai.gpt-4o-mini" for o in json.loads(out))
    code, out, _ = run("catalog", "finetuning")
    assert "openai.gpt-4o-mini" in out


def test_catalog_apis_from_genai_prices() -> None:
    code, out, _ = run("catalog", "apis", "--search", "openai:gpt-4o", "--json")
    assert code == 0
    prices = {p["ref"]: p for p in json.loads(out)}
    assert prices["openai:gpt-4o"]["input_usd_per_mtok"] == 2.5
    assert prices["openai:gpt-4o"]["output_usd_per_mtok"] == 10.0
    code, out, _ = run("catalog", "apis", "--search", "claude-sonnet")
    assert code == 0
    assert "anthropic:" in out


def test_estimate_serving_json_and_text() -> None:
    args = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s", "--precision", "fp8")
    code, out, _ = run(*args, "--json")
    assert code == 0
    data = json.loads(out)
    for key in (
        "decode_output_tokens_per_s",
        "prefill_tokens_per_s",
        "max_batch",
        "replica_requests_per_s",
        "gpus_per_replica",
    ):
        assert data[key] > 0, key
    code, out, _ = run(*args, "--context", "2000", "--batch", "8", "--json")
    assert json.loads(out)["batch"] == 8
    assert json.loads(out)["context_tokens"] == 2000
    code, out, _ = run(*args)
    assert code == 0
    assert "requests/s at 1,000/200 tokens" in out


def test_estimate_training_json() -> None:
    code, out, err = run(
        "estimate",
        "training",
        "--model",
        "llama-3.1-8b",
        "--gpu",
        "h100-sxm",
        "--method",
        "lora",
        "--tokens",
        "2e7",
        "--epochs",
        "3",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    for key in ("tokens_per_s", "gpu_hours", "gpus", "usd", "memory_gib"):
        assert data[key] > 0, key
    assert data["tokens"] == 6e7


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100"),
            ["unknown GPU 'h100'; did you mean h100-sxm, h100-nvl, h100-pcie"],
        ),
        (
            ("estimate", "serving", "--model", "llama-8b", "--gpu", "l4"),
            ["unknown model 'llama-8b'"],
        ),
        (
            (
                "estimate",
                "serving",
                "--model",
                "llama-3.1-70b",
                "--gpu",
                "l4",
                "--precision",
                "bf16",
                "--gpus-per-replica",
                "1",
            ),
            [
                "error: --gpus-per-replica 1: llama-3.1-70b at bf16 has 141 GB of weights; "
                "1 × l4 hold 20 GB usable",
                "needs at least 8 × l4 at bf16",
                "2 at int4",
            ],
        ),
        (
            (
                "estimate",
                "serving",
                "--model",
                "llama-3.1-8b",
                "--gpu",
                "a100-80gb",
                "--precision",
                "fp8",
            ),
            ["a100-80gb has no FP8 tensor cores"],
        ),
        (
            (
                "estimate",
                "serving",
                "--model",
                "llama-3.1-8b",
                "--gpu",
                "l4",
                "--input-tokens",
                "-5",
            ),
            ["--input-tokens -5: must be a finite number ≥ 0"],
        ),
        (
            (
                "estimate",
                "training",
                "--model",
                "llama-3.1-70b",
                "--gpu",
                "l4",
                "--method",
                "full",
                "--tokens",
                "1e6",
            ),
            ["does not fit on 64 × l4"],
        ),
        (
            (
                "estimate",
                "training",
                "--model",
                "llama-3.1-8b",
                "--gpu",
                "l4",
                "--method",
                "sft",
                "--tokens",
                "1e6",
            ),
            ["error: --method sft: unknown; allowed: full, lora, qlora"],
        ),
    ],
)
def test_estimate_bad_input(args: tuple[str, ...], fragments: list[str]) -> None:
    assert_user_error(*run(*args), *fragments)


CONFIGS = {
    "zero_heads": (
        {"num_hidden_layers": 2, "hidden_size": 10, "num_attention_heads": 0, "vocab_size": 10},
        "num_attention_heads = 0: must be a whole number ≥ 1",
    ),
    "text_layers": (
        {"num_hidden_layers": "x", "hidden_size": 10, "num_attention_heads": 2, "vocab_size": 10},
        "num_hidden_layers = 'x': must be a whole number ≥ 1",
    ),
    "fraction": (
        {"num_hidden_layers": 2, "hidden_size": 10.5, "num_attention_heads": 2, "vocab_size": 10},
        "hidden_size = 10.5",
    ),
    "text_config_null": (
        {"text_config": None, "num_hidden_layers": 2},
        "config.json lacks hidden_size",
    ),
    "list": ([1, 2], "expected a JSON object"),
    "moe": (
        {
            "num_hidden_layers": 32,
            "hidden_size": 4096,
            "num_attention_heads": 32,
            "vocab_size": 32000,
            "num_local_experts": 8,
        },
        "num_local_experts = 8 without num_experts_per_tok",
    ),
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_bad_config_json_is_one_line_in_estimate_and_analyze(tmp_path: Path, case: str) -> None:
    config, fragment = CONFIGS[case]
    (tmp_path / "c.json").write_text(json.dumps(config))
    assert_user_error(
        *run("estimate", "serving", "--model", tmp_path / "c.json", "--gpu", "h100-sxm"), fragment
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        FLEET.replace(
            "usd_per_gpu_hour = 2.0", 'usd_per_gpu_hour = 2.0\nmodel = "c.json"\ngpu = "h100-sxm"'
        ).replace("replica_requests_per_s = 3.0\n", "")
    )
    assert_user_error(*run("analyze", scenario), fragment, "alternatives.0.model")


def test_config_json_relative_to_the_scenario_and_repo_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    config = {
        "num_hidden_layers": 32,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "vocab_size": 128256,
        "max_position_embeddings": 131072,
    }
    (sub / "c.json").write_text(json.dumps(config))
    scenario = FLEET.replace(
        "usd_per_gpu_hour = 2.0", 'usd_per_gpu_hour = 2.0\nmodel = "c.json"\ngpu = "h100-sxm"'
    ).replace("replica_requests_per_s = 3.0\n", "")
    (sub / "s.toml").write_text(scenario)
    monkeypatch.chdir(tmp_path)
    code, out, err = run("analyze", "sub/s.toml", "--json")
    assert code == 0, err
    by_file = json.loads(out)["sources"]["alternatives.0.replica_requests_per_s"]["value"]
    (sub / "s.toml").write_text(
        scenario.replace('model = "c.json"', 'model = "meta-llama/Llama-3.1-8B-Instruct"')
    )
    code, out, err = run("analyze", "sub/s.toml", "--json")
    assert code == 0, err
    by_repo = json.loads(out)["sources"]["alternatives.0.replica_requests_per_s"]["value"]
    assert by_file == pytest.approx(by_repo, rel=0.01)  # the same shape, counted or catalogued


def test_init_cannot_write_is_one_line() -> None:
    proc = Path("/proc")  # a folder nobody, root included, can create files in
    if not proc.is_dir():
        pytest.skip("needs Linux /proc")
    assert_user_error(
        *run("init", proc / "payback-scenario.toml"), "payback-scenario.toml: cannot write"
    )


def test_init_keeps_the_umask_and_an_existing_files_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert run("init", tmp_path / "new.toml")[0] == 0
        assert (tmp_path / "new.toml").stat().st_mode & 0o777 == 0o644
        existing = tmp_path / "shared.toml"
        existing.write_text("# team file\n")
        existing.chmod(0o664)
        assert run("init", existing, "--force")[0] == 0
        assert existing.stat().st_mode & 0o777 == 0o664
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "new.toml",
        "shared.toml",
    ]  # no temp files left


@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("4", "4")])
def test_the_command_line_asks_openblas_for_one_thread_unless_the_user_chose(
    given: str | None, seen: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = "import os, payback.cli; print(os.environ['OPENBLAS_NUM_THREADS'])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == seen


def test_an_unknown_api_model_in_a_scenario_points_to_the_catalog_command(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('model = "openai:gpt-4o"', 'model = "openai:zzzzqqq"', 1))
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, "openai:zzzzqqq", "no close match")
    assert err.rstrip().endswith("(payback catalog apis --search TEXT lists them)")


LIBRARY = [
    p
    for p in (ROOT / "src" / "payback").rglob("*.py")
    if not {"cli", "web", "report"} & set(p.relative_to(ROOT / "src" / "payback").parts)
]


def _strings(path: Path) -> list[str]:
    """The string constants of a module, its docstrings (a string as a statement) left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


def _flags(group: TyperGroup) -> set[str]:
    """Every option the command line has, in all its commands."""
    found: set[str] = set()
    for command in group.commands.values():
        if isinstance(command, TyperGroup):
            found |= _flags(command)
        for param in command.params:
            found |= {o for o in param.opts if o.startswith("--")}
    return found


def test_the_library_names_no_flag_and_the_command_line_translates_its_advice() -> None:
    from payback.cli._advice import LIBRARY_ADVICE

    group = typer.main.get_command(payback_cli.app)
    assert isinstance(group, TyperGroup)
    flags = _flags(group) - {"--help"}
    assert {"--max-replicas", "--samples", "--force", "--json"} <= flags
    said = {p.relative_to(ROOT).as_posix(): _strings(p) for p in LIBRARY}
    pattern = re.compile(r"(?<![\w-])(--[a-z][a-z-]*)")
    named = {
        p: sorted({f for s in strings for f in pattern.findall(s)} & flags)
        for p, strings in said.items()
    }
    assert {p: f for p, f in named.items() if f} == {}
    for library_words in LIBRARY_ADVICE:  # each is still said somewhere, or the entry is dead
        assert any(library_words in s for strings in said.values() for s in strings), library_words


@pytest.mark.parametrize(
    "command", ["analyze", "report", "explain", "sensitivity", "solve", "recommend"]
)
def test_usage_lines_name_the_file_alike(command: str) -> None:
    """``analyze --help`` showed ``{FILE}...`` where every other command shows ``{file}``."""
    code, out, err = run(command, "--help")
    assert code == 0, err
    usage = next(line for line in out.splitlines() if "Usage:" in line)
    assert "{file}" in usage
    assert "FILE" not in usage


@pytest.mark.parametrize("model", ["llama-3.1-8", "qwen7b", "nope"])
def test_calibrate_suggests_models_as_estimate_does(model: str) -> None:
    """An unknown --model reads the same in calibrate as in estimate: near ids as "did you
    mean" (none for "nope", which is near none), then the known ids."""
    code, _, calibrate = run("calibrate", "--model", model)
    assert code == 2
    code, _, estimate = run("estimate", "serving", "--model", model, "--gpu", "l4")
    assert code == 2
    assert calibrate == estimate
    assert calibrate.startswith(f"error: --model {model}: unknown model '{model}'")
    assert ("did you mean" in calibrate) == (model != "nope")
