"""Each study's and measurement's --help ends with an example, tried as a new user would:
the command as its help writes it runs, from a folder of the user's own, and prints the
figures the help says (sensitivity, recommend, import-benchmark and usage had none; then
analyze, report, init and serve). Every command's examples run as written from the
repository's root."""

from __future__ import annotations

import gzip
import json
import re
import shlex
import shutil
from pathlib import Path

import click
import pytest

from helpers import DATA, EXAMPLES, run
from payback.cli import app, serve
from payback.cli._files import owned
from payback.cli.serve import page_script


def example(command: str) -> tuple[str, list[str]]:
    """The words above the example in ``payback COMMAND --help`` and its arguments."""
    code, out, err = run(*command.split(), "--help")
    assert code == 0, err
    lines = [line.strip(" │") for line in out.splitlines()]
    at = next(i for i, line in enumerate(lines) if line.startswith("Example"))
    end = lines.index("", at)  # the words above it may take several lines
    shown = next(line for line in lines[end:] if line)
    words = shlex.split(shown)
    assert words[: 1 + len(command.split())] == ["payback", *command.split()], shown
    return " ".join(lines[at:end]), words[1:]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of the user's own, with the bundled examples copied in."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sensitivity_example_ranks_traffic_first(home: Path) -> None:
    said, args = example("sensitivity")
    assert "150k → 250k requests/month moves the NPV -$2.9k → $18.5k" in said
    code, out, err = run(*args)
    assert code == 0, err
    assert out.splitlines()[1].startswith("1. ██████████ traffic.requests_per_month")
    assert "150k → 250k requests/month: NPV -$2.9k → $18.5k" in out


def test_recommend_example_writes_the_winner(home: Path) -> None:
    said, args = example("recommend")
    assert "best llama-3.1-8b int4 on 1 × l4, 2 replicas, $1,175/month" in said
    code, out, err = run(*args)
    assert code == 0, err
    assert "Best: llama-3.1-8b int4 on 1 × l4, 2 replicas, $1,175/month" in " ".join(out.split())
    assert 'gpu = "l4"' in (home / "tuned.toml").read_text(encoding="utf-8")


def test_import_benchmark_example_writes_a_calibration(home: Path) -> None:
    said, args = example("import-benchmark")
    assert "vLLM --save-result file of Llama-3.1-8B on one H100 SXM" in said
    shutil.copy(DATA / "vllm_save_result.json", home / "result.json")
    code, out, err = run(*args)
    assert code == 0, err
    assert "measured / estimated" in out
    assert "Wrote h100.toml." in out
    written = (home / "h100.toml").read_text(encoding="utf-8")
    assert 'gpu = "h100-sxm"' in written
    assert 'precision = "bf16"' in written


def test_usage_example_measures_a_folder_of_logs(home: Path) -> None:
    """A request every hour through January and February 2026 (both months complete): 24
    × 30.4375 = 730.5 a month (written so: 730 would be 0.07% off), 1,000 tokens in and 200 out."""
    said, args = example("usage")
    assert "a folder of logs" in said
    (home / "logs").mkdir()
    for month, days in ((1, 31), (2, 28)):
        rows = [
            {
                "timestamp": f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z",
                "input_tokens": 1000,
                "output_tokens": 200,
            }
            for day in range(1, days + 1)
            for hour in range(24)
        ]
        text = "".join(json.dumps(row) + "\n" for row in rows)
        (home / "logs" / f"2026-{month:02d}.jsonl.gz").write_bytes(gzip.compress(text.encode()))
    code, out, err = run(*args)
    assert code == 0, err
    assert "(requests per day in 2026-02 × 30.4375)" in out
    assert "1,000.0 mean" in out
    assert "requests_per_month = 730.5 " in (home / "scenario.toml").read_text(encoding="utf-8")


def test_calibrate_example_names_a_catalog_model() -> None:
    said, args = example("calibrate")
    assert "18 to 27 s on an H200" in said  # the README's measured time
    model = args[args.index("--model") + 1]
    code, out, err = run("catalog", "models", "--search", model, "--json")
    assert code == 0, err
    assert model in [m["id"] for m in json.loads(out)]


# ------------------------------------------------------ every command's examples run


def _commands() -> dict[str, click.Command]:
    """Every command a user runs (the groups only list theirs), by its words after payback."""
    import typer.main

    found: dict[str, click.Command] = {}

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        subs = getattr(command, "commands", {})
        if not subs:
            found[" ".join(path)] = command
        for name, sub in subs.items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()


def own_examples(name: str) -> list[str]:
    """The ``payback NAME ...`` commands the help of ``payback NAME`` writes out (in its
    text as backticked code), each as the help shows it."""
    spans = re.findall(r"`(payback [^`]*)`", COMMANDS[name].help or "")
    return [s for s in spans if s.startswith(f"payback {name} ") and "..." not in s]


@pytest.fixture
def repo_root(home: Path) -> Path:
    """The repository's root as a new user has it (the bundled examples), with the files of
    their own that the measuring commands' examples read: a vLLM result and a folder of
    logs (two complete months, a request an hour)."""
    shutil.copy(DATA / "vllm_save_result.json", home / "result.json")
    (home / "logs").mkdir()
    for month, days in ((1, 31), (2, 28)):
        rows = [
            f'{{"timestamp": "2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z", '
            '"input_tokens": 1000, "output_tokens": 200}\n'
            for day in range(1, days + 1)
            for hour in range(24)
        ]
        (home / "logs" / f"2026-{month:02d}.jsonl.gz").write_bytes(
            gzip.compress("".join(rows).encode())
        )
    return home


def test_every_command_shows_an_example() -> None:
    """analyze, report, init, serve (and catalog apis) had none; solve's named a file that is
    not there (scenario.toml)."""
    for name in COMMANDS:
        examples = own_examples(name)
        assert examples, f"payback {name} --help has no example"
        _, out, _ = run(*name.split(), "--help")
        shown = " ".join(out.replace("│", " ").split())
        for line in examples:
            assert line in shown, line  # on the screen as written, not only in the source


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_example_runs_as_written(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Each example in a command's --help, run from the repository's root: exit code 0.
    ``serve`` is run up to where Streamlit takes the process over; ``calibrate`` needs
    PyTorch and a GPU."""
    if name == "calibrate" and not _has_a_gpu():
        pytest.skip("calibrate's example measures a GPU")
    started: list[list[str]] = []
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: started.append(argv))
    examples = own_examples(name)
    assert examples, f"payback {name} --help has no example"
    for line in examples:
        code, _, err = run(*shlex.split(line)[1:])
        assert code == 0, (line, err)
    if name == "serve":
        assert started[0][-1] == str(repo_root / "examples" / "quarter-200k.toml")
        assert started[0][3:5] == ["run", str(page_script())]


def _has_a_gpu() -> bool:
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


def test_analyze_example_says_its_figures(home: Path) -> None:
    said, args = example("analyze")
    assert "break-even in month 13.37 (after 2,673,817 requests), not within a quarter" in said
    code, out, err = run(*args)
    assert code == 0, err
    assert "Break-even             month 13.37, after 2,673,817 requests" in out
    assert "NPV, 24 months at 10%  $7,836" in out
    assert "Pays back within       3 months: no; 6: no; 12: no" in out


def test_report_example_makes_its_folder(home: Path) -> None:
    said, args = example("report")
    assert "in a folder made for" in said
    code, out, err = run(*args)
    assert code == 0, err
    written = home / "reports" / "quarter-200k.html"
    assert out == f"Wrote {Path('reports/quarter-200k.html')}\n"
    assert owned(written)
    assert [p.name for p in (home / "reports").iterdir()] == ["quarter-200k.html"]


def test_init_example_then_its_answer(home: Path) -> None:
    said, args = example("init")
    assert "break-even in month" in said
    code, out, err = run(*args)
    assert (code, err) == (0, "")
    assert out.startswith("Wrote scenarios/mine.toml. Edit the numbers")
    code, out, err = run("analyze", "scenarios/mine.toml")
    assert code == 0, err
    assert "Break-even             month 13.37, after 2,673,817 requests" in out


def test_solve_example_finds_the_traffic_for_a_quarter(home: Path) -> None:
    flat = " ".join(run("solve", "--help")[1].replace("│", " ").split())
    assert "(585,538 requests a month there, today 200,000)" in flat
    code, out, err = run(*shlex.split(own_examples("solve")[0])[1:])
    assert code == 0, err
    assert "traffic.requests_per_month at least 585,538" in " ".join(out.split())
