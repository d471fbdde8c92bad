"""The measuring commands read their choices in any case, as every other command does, and
refuse an empty path in one line: tried as a new user would (`usage --format LiteLLM`,
`import-benchmark --precision BF16`, `usage ''`)."""

from __future__ import annotations

from pathlib import Path

from helpers import run

BENCH = Path(__file__).resolve().parent.parent / "data" / "benchmarks" / "vllm_save_result.json"


def test_usage_refuses_an_empty_path_in_one_line() -> None:
    code, _, err = run("usage", "")
    assert code == 2
    assert err.strip() == (
        "error: PATHS '': the path is empty; give a log file's path, a glob or a database URL"
    )


def test_usage_reads_its_format_and_dialect_in_any_case() -> None:
    lower = run("usage", "--sql", "--format", "litellm", "--dialect", "postgres")
    mixed = run("usage", "--sql", "--format", "LiteLLM", "--dialect", "Postgres")
    assert lower[0] == mixed[0] == 0
    assert mixed[1] == lower[1]
    code, _, err = run("usage", "--sql", "--format", "LiteLLMs")
    assert code == 2
    assert "--format 'litellms': unknown; allowed: auto, generic" in err


def test_import_benchmark_reads_its_precision_in_any_case(tmp_path: Path) -> None:
    out = tmp_path / "cal.toml"
    code, _, err = run("import-benchmark", str(BENCH), "--precision", "BF16", "-o", str(out))
    assert code == 0, err
    assert 'precision = "bf16"' in out.read_text()
    code, _, err = run("import-benchmark", str(BENCH), "--precision", "BF17")
    assert code == 2
    assert "--precision bf17: unknown; allowed: bf16" in err
