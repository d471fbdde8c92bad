"""Files that are not a benchmark result as payback reads one, tried as a new user would: a
result saved as UTF-16 was "not a text file", GenAI-Perf's CSV export "not valid JSON (line
1, column 1: Expecting value)", vLLM's ``*.pytorch.json`` sibling "(run 2): not a vLLM
--save-result ..."; the hint for a file of several runs named a command that did not work
(the folder dropped, ``--run`` never named); ``-o`` into a folder that cannot be written
warned of what the file would not record before its error."""

from __future__ import annotations

import gzip
import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from helpers import DATA, assert_user_error, run
from payback import PaybackError
from payback.measure.benchmarks import read_benchmark, read_benchmark_with_warnings

VLLM = DATA / "vllm_save_result.json"
GAP = DATA / "genai_perf_profile_export_genai_perf.json"


def _one_line(path: Path, line: str) -> None:
    code, out, err = run("import-benchmark", path)
    assert_user_error(code, out, err)
    assert err == f"error: {path}: {line}\n"


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
@pytest.mark.parametrize("sample", [VLLM, GAP])
def test_text_with_a_byte_order_mark_is_read(tmp_path: Path, codec: str, sample: Path) -> None:
    """UTF-16 (as PowerShell's ``>`` and Notepad save it) and UTF-32 with their mark."""
    text = sample.read_text(encoding="utf-8")
    data = ("\ufeff" + text).encode(codec) if codec.endswith(("le", "be")) else text.encode(codec)
    path = tmp_path / "r.json"
    path.write_bytes(data)
    assert read_benchmark(path) == read_benchmark(sample).model_copy(update={"file": "r.json"})


def test_utf16_without_its_mark_says_so(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(VLLM.read_text().encode("utf-16-le"))
    _one_line(path, "UTF-16 text without a byte-order mark; save it as UTF-8")


def test_a_latin1_byte_says_the_encoding(tmp_path: Path) -> None:
    data = json.loads(VLLM.read_text()) | {"label": "café"}
    path = tmp_path / "r.json"
    text = json.dumps(data, ensure_ascii=False)
    path.write_bytes(text.encode("latin-1"))
    offset = text.index("é")
    _one_line(
        path,
        f"not UTF-8 text (byte 0xe9 at offset {offset:,}, as Latin-1 or Windows-1252 write "
        "one); save it as UTF-8",
    )


def test_a_gzipped_result_says_so(tmp_path: Path) -> None:
    path = tmp_path / "r.json.gz"
    path.write_bytes(gzip.compress(VLLM.read_bytes()))
    _one_line(path, "gzip-compressed; decompress it first (gunzip), then import the JSON")


def test_a_binary_file_is_still_not_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _one_line(path, "not a text file; expected a benchmark result (JSON)")


# ------------------------------------------------------------------ other files of a run

CSV_LINE = (
    "a CSV table, which payback does not import; import the JSON export of the same run: "
    "profile_export_genai_perf.json (GenAI-Perf), profile_export_aiperf.json (AIPerf) or "
    "vLLM's --save-result file"
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (  # as GenAI-Perf writes profile_export_genai_perf.csv
            "profile_export_genai_perf.csv",
            "Metric,avg,min,max,p99,p90,p75\nTime To First Token (ms),114.46,20.76,1174.83,"
            "1002.09,143.54,96.18\n",
        ),
        ("row.csv", "duration,completed,request_throughput\n57,1000,17.5\n"),
        ("export.json", "Metric,avg,min,max\nRequest Latency (ms),3501.7,2842.1,4709.1\n"),
        ("table.CSV", "just one word\n"),  # by its name alone
    ],
)
def test_a_csv_export_names_the_json_to_import(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    _one_line(path, CSV_LINE)


def test_bad_json_is_still_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"completed": 1000,, }')
    _one_line(
        path,
        "not valid JSON (line 1, column 20: Expecting property name enclosed in double quotes)",
    )


def _pytorch_records() -> list[dict[str, Any]]:
    """What vLLM's ``save_to_pytorch_benchmark_format`` writes beside a result."""
    bench = {"name": "vLLM benchmark", "extra_info": {"args": {"model": "m"}}}
    return [
        {
            "benchmark": bench,
            "model": {"name": "m"},
            "metric": {"name": name, "benchmark_values": [v]},
        }
        for name, v in (("request_throughput", 17.52), ("mean_ttft_ms", 116.3))
    ]


def test_the_pytorch_sibling_names_the_result_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "bench.pytorch.json"
    path.parent.mkdir()
    path.write_text(json.dumps(_pytorch_records()))
    _one_line(
        path,
        "records for PyTorch's benchmark database, which vLLM writes beside its --save-result "
        f"file (as NAME.pytorch.json), not the result itself; import {path.parent / 'bench.json'} "
        "instead",
    )
    other = tmp_path / "records.json"  # renamed: no sibling to name
    other.write_text("\n".join(json.dumps(r) for r in _pytorch_records()))
    with pytest.raises(PaybackError, match="import the --save-result file it was written beside"):
        read_benchmark(other)


# ------------------------------------------------------------------ several runs


def test_the_hint_for_several_runs_is_a_command_that_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path as given (its folder, quoted for the shell) and ``--run N``, which runs."""
    first = json.loads(VLLM.read_text())
    second = first | {
        "request_throughput": 9.0,
        "duration": 1000 / 9.0,
        "output_throughput": first["total_output_tokens"] / (1000 / 9.0),
    }
    folder = tmp_path / "my runs"
    folder.mkdir()
    path = folder / "runs.json"
    path.write_text(json.dumps(first) + "\n" + json.dumps(second))
    monkeypatch.chdir(tmp_path)
    typed = Path("my runs/runs.json")
    _, warnings = read_benchmark_with_warnings(typed)  # the library names no command
    assert warnings == [
        "my runs/runs.json: holds 2 runs; using the last (import another with "
        "read_benchmark(path, run=N), N from 1 to 2)"
    ]
    code, out, err = run("import-benchmark", typed)
    assert code == 0
    assert err == (
        "warning: my runs/runs.json: holds 2 runs; using the last (import another with "
        "`payback import-benchmark 'my runs/runs.json' --run N`, N from 1 to 2)\n"
    )
    command = err.split("`")[1].replace(" N", " 1")
    args = shlex.split(command)
    assert args[:2] == ["payback", "import-benchmark"]
    code, out, err = run(*args[1:], "--json")
    assert (code, err) == (0, ""), err
    assert json.loads(out)["replica_requests_per_s"] == first["request_throughput"]


def test_run_help_says_it_counts_from_one() -> None:
    code, out, _ = run("import-benchmark", "--help")
    assert code == 0
    assert "counting from 1" in " ".join(out.replace("│", " ").split())


# ------------------------------------------------------------------ -o


def test_a_refused_write_is_one_error_line_without_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o /sys/x.toml`` (root passes the folder's check, the write fails): the warning of
    what the file will not record came first."""
    import payback.cli.measure as measure

    def refuse(path: Path, *_: Any) -> None:
        raise PaybackError(f"{path}: cannot write: the folder {path.parent} is not writable")

    monkeypatch.setattr(measure, "_write_new", refuse)
    out_path = tmp_path / "c.toml"
    code, out, err = run("import-benchmark", VLLM, "-o", out_path)
    assert_user_error(code, out, err)
    assert err == f"error: {out_path}: cannot write: the folder {tmp_path} is not writable\n"


def test_the_warning_follows_a_write_that_worked(tmp_path: Path) -> None:
    out_path = tmp_path / "c.toml"
    code, out, err = run("import-benchmark", VLLM, "-o", out_path)
    assert code == 0
    assert out_path.exists()
    assert err == (
        f"warning: {out_path} will not record the benchmark's GPU (--gpu) or precision "
        "(--precision); scenarios then take this option's, with a warning\n"
    )
    assert f"Wrote {out_path}." in out
