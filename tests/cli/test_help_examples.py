"""Each study's and measurement's --help ends with an example, tried as a new user would:
the command as its help writes it runs, from a folder of the user's own, and prints the
figures the help says (sensitivity, recommend, import-benchmark and usage had none)."""

from __future__ import annotations

import gzip
import json
import shlex
import shutil
from pathlib import Path

import pytest

from helpers import DATA, EXAMPLES, run


def example(command: str) -> tuple[str, list[str]]:
    """The words above the example in ``payback COMMAND --help`` and its arguments."""
    code, out, err = run(*command.split(), "--help")
    assert code == 0, err
    lines = [line.strip(" │") for line in out.splitlines()]
    at = next(i for i, line in enumerate(lines) if line.startswith("Example"))
    shown = next(line for line in lines[at + 1 :] if line)
    words = shlex.split(shown)
    assert words[: 1 + len(command.split())] == ["payback", *command.split()], shown
    return lines[at], words[1:]


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
    × 30.4375 = 730.5 a month (written whole), 1,000 tokens in and 200 out."""
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
    assert "requests_per_month = 730 " in (home / "scenario.toml").read_text(encoding="utf-8")


def test_calibrate_example_names_a_catalog_model() -> None:
    said, args = example("calibrate")
    assert "18 to 27 s on an H200" in said  # the README's measured time
    model = args[args.index("--model") + 1]
    code, out, err = run("catalog", "models", "--search", model, "--json")
    assert code == 0, err
    assert model in [m["id"] for m in json.loads(out)]
