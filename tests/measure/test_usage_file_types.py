"""The log file types ``payback usage`` names are the ones it reads, tried as a new user
would: a ``.txt`` was read as CSV whatever it held (JSON lines failed with "no time /
input-token / output-token column among: ..." listing pieces of JSON), while the line
refusing another type named no ``.txt`` and promised ``.parquet (optionally .gz)``, and a
``.parquet.gz`` then failed with DuckDB's "No magic bytes found". A ``.txt`` is now told by
its first line; a compressed Parquet file is refused with one line saying to decompress it; a ``.gzip``, named as read, was not: it
is refused with the ``.gz`` name to give it."""

from __future__ import annotations

import gzip
import itertools
import json
import re
from pathlib import Path

import duckdb
import pytest

from helpers import assert_user_error, run
from payback.measure.usage import profile_usage
from payback.measure.usage.files import LOG_TYPES

RECORDS = [
    {
        "timestamp": f"2026-03-{day:02d}T{hour:02d}:15:00Z",
        "input_tokens": 900 + 37 * day + hour,
        "output_tokens": 150 + 11 * hour,
        "cached_tokens": 100 * (hour % 3),
    }
    for day in range(1, 15)
    for hour in (1, 6, 9, 13, 22)
]
COLUMNS = list(RECORDS[0])
NAMED = [".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".gz", ".zst", ".parquet"]
PLAIN = [".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson"]
COMPRESSIONS = ["", ".gz", ".zst"]


def _text(kind: str) -> str:
    """The records as a file of ``kind`` writes them (a ``.txt``: JSON lines)."""
    if kind in (".csv", ".tsv"):
        delim = "," if kind == ".csv" else "\t"
        rows = [delim.join(COLUMNS)] + [delim.join(str(r[c]) for c in COLUMNS) for r in RECORDS]
        return "\n".join(rows) + "\n"
    if kind == ".json":
        return json.dumps(RECORDS, indent=2)
    return "".join(json.dumps(r) + "\n" for r in RECORDS)


def _write(path: Path, text: str) -> Path:
    """``text`` at ``path``, compressed as its name says."""
    name = path.name.lower()
    if name.endswith(".zst"):  # Python has no zstd before 3.14: DuckDB writes it
        plain = path.with_name(path.name + ".plain")
        plain.write_text(text)
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv('{plain}', columns = {{'line': 'VARCHAR'}}, "
            "header = false, delim = chr(1), quote = '')) "
            f"TO '{path}' (FORMAT csv, HEADER false, QUOTE '', COMPRESSION zstd)"
        )
        plain.unlink()
    elif name.endswith((".gz", ".gzip")):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def _measured(path: Path) -> tuple[object, ...]:
    profile = profile_usage([path])
    return profile.traffic, profile.token_percentiles, profile.rows["read"], profile.by_month


def test_the_refusal_names_the_types_read() -> None:
    assert re.findall(r"\.[a-z]+", LOG_TYPES) == NAMED
    assert "each optionally .gz or .zst, or .parquet" in LOG_TYPES


@pytest.mark.slow
def test_every_type_named_reads_the_same_traffic(tmp_path: Path) -> None:
    reference = _measured(_write(tmp_path / "logs.jsonl", _text(".jsonl")))
    # 900 + 37 × 7.5 (days 1 to 14) + 51 / 5 (the hours): 1,187.7; 150 + 11 × 10.2: 262.2
    assert reference[0]["input_tokens"] == pytest.approx(1187.7)
    assert reference[0]["output_tokens"] == pytest.approx(262.2)
    for kind, compression in itertools.product(PLAIN, COMPRESSIONS):
        path = _write(tmp_path / f"logs{kind}{compression}", _text(kind))
        assert _measured(path) == reference, path.name
    parquet = tmp_path / "logs.parquet"
    duckdb.sql(
        f"COPY (SELECT * FROM read_json('{tmp_path / 'logs.jsonl'}')) TO '{parquet}' "
        "(FORMAT parquet)"
    )
    assert _measured(parquet)[0] == reference[0]


@pytest.mark.parametrize(
    "text",
    [
        _text(".csv"),  # CSV, as before
        _text(".tsv"),
        _text(".jsonl"),  # JSON lines: had been read as CSV
        _text(".json"),  # an array over many lines
        json.dumps(RECORDS),  # an array on one line
        json.dumps({"data": RECORDS}, indent=1),  # an object over many lines
        "\n\n" + _text(".jsonl"),  # told by the first line that is not blank
    ],
)
def test_a_txt_is_read_as_what_its_first_line_shows(tmp_path: Path, text: str) -> None:
    reference = _measured(_write(tmp_path / "logs.jsonl", _text(".jsonl")))
    assert _measured(_write(tmp_path / "logs.txt", text)) == reference


def test_a_txt_of_json_lines_no_longer_fails_as_csv(tmp_path: Path) -> None:
    logs = _write(tmp_path / "logs.txt", _text(".jsonl"))
    code, out, err = run("usage", logs)
    assert code == 0, err
    assert "no time / input-token / output-token column" not in err
    assert "requests_per_month" in out


@pytest.mark.parametrize(
    ("name", "how"),
    [("logs.parquet.gz", "gunzip"), ("LOGS.PARQUET.ZST", "zstd -d"), ("a.parquet.gzip", "gunzip")],
)
def test_a_compressed_parquet_is_refused_in_one_line(tmp_path: Path, name: str, how: str) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(b"PAR1 not really"))
    assert_user_error(
        *run("usage", path),
        f"{name}: a compressed Parquet file; Parquet compresses its own columns and is read "
        f"only as it is: decompress it ({how}) and give the .parquet file",
    )


@pytest.mark.parametrize("name", ["logs.csv.gzip", "logs.JSONL.gzip"])
def test_a_gzip_suffix_is_refused_with_the_name_to_give(tmp_path: Path, name: str) -> None:
    """A ``.csv.gzip`` passed the type check and was then read as compressed bytes (none of
    its rows UTF-8, or "not valid JSON"): DuckDB decompresses gzip by ``.gz`` only."""
    path = _write(tmp_path / name, _text(".csv"))
    assert_user_error(
        *run("usage", path),
        f"{name}: a gzip-compressed log is read by the suffix .gz, not .gzip; rename it "
        f"{name.removesuffix('.gzip')}.gz",
    )


@pytest.mark.parametrize("name", ["logs.gz", "logs.gzip", "logs.log", "logs.xlsx", "logs.txt.bz2"])
def test_another_type_is_refused_with_the_list(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, _text(".csv"))
    assert_user_error(*run("usage", path), f"{name}: unknown file type; expected {LOG_TYPES}")


def test_a_glob_names_the_same_list_for_what_it_passes_over(tmp_path: Path) -> None:
    _write(tmp_path / "a.jsonl", _text(".jsonl"))
    _write(tmp_path / "b.parquet.gz", "x")
    code, _, err = run("usage", f"{tmp_path}/*")
    assert code == 0, err
    assert f"b.parquet.gz: not read, matched by a glob but of no log type ({LOG_TYPES})" in err
