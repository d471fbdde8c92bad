"""``payback usage`` on a log whose file name is not valid UTF-8 (Linux allows any bytes):
DuckDB refused the name ('Python Conversion Failure: cannot encode str as UTF-8'); it is
now read through a link of a clean name, and named as given in what comes back."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError, profile_usage
from payback.measure.usage import usage_sql
from payback.measure.usage.names import clean_names

pytestmark = pytest.mark.slow

ROWS = [  # hours 00:00..02:00 of one day: 3 requests, (100 + 200 + 300) / 3 input tokens
    {
        "timestamp": f"2026-01-05T0{h}:00:00Z",
        "model": "m",
        "input_tokens": 100 * (h + 1),
        "output_tokens": 10,
    }
    for h in range(3)
]
CSV = "timestamp,model,input_tokens,output_tokens\n" + "".join(
    f"{r['timestamp']},m,{r['input_tokens']},10\n" for r in ROWS
)


def odd(folder: Path, name: bytes) -> str:
    """The path of a file in ``folder`` named by bytes, as Python reads it back."""
    return os.fsdecode(os.path.join(os.fsencode(folder), name))


def zstd(data: str, path: str, tmp: Path) -> None:
    """``data`` zstd-compressed into ``path`` (DuckDB writes it; Python has no zstd)."""
    import duckdb

    plain, packed = tmp / "plain.jsonl", tmp / "packed.jsonl.zst"
    plain.write_text(data)
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{plain}', columns = {{'line': 'VARCHAR'}}, header = false, "
        f"delim = chr(1), quote = '')) TO '{packed}' (FORMAT csv, HEADER false, QUOTE '', "
        "COMPRESSION zstd)"
    )
    os.rename(packed, os.fsencode(path))
    plain.unlink()


def write(path: str, suffix: str, tmp: Path) -> None:
    """The three requests in ``path``, written as ``suffix`` says."""
    jsonl = "".join(json.dumps(r) + "\n" for r in ROWS)
    if suffix == ".jsonl.zst":
        zstd(jsonl, path, tmp)
        return
    if suffix == ".parquet":
        import duckdb

        (tmp / "x.csv").write_text(CSV)
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{tmp / 'x.csv'}')) TO '{tmp / 'x.parquet'}'")
        os.rename(tmp / "x.parquet", os.fsencode(path))
        return
    raw = {".jsonl": jsonl, ".json": json.dumps(ROWS), ".csv.gz": CSV}[suffix].encode()
    with open(os.fsencode(path), "wb") as fh:
        fh.write(gzip.compress(raw) if suffix.endswith(".gz") else raw)


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv.gz", ".jsonl.zst", ".parquet"])
def test_a_log_named_by_bytes_that_are_not_utf8_is_read(tmp_path: Path, suffix: str) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    path = odd(folder, b"caf\xe9-\xff" + suffix.encode())
    write(path, suffix, tmp_path)
    profile = profile_usage([path])
    assert profile.rows["used"] == 3
    assert profile.traffic["input_tokens"] == pytest.approx(200.0, rel=1e-12)
    assert profile.traffic["output_tokens"] == pytest.approx(10.0, rel=1e-12)
    assert profile.files == [path]
    assert profile.formats == {path: "generic"}


def test_the_command_line_reads_it_and_shows_each_byte_as_xNN(tmp_path: Path) -> None:
    path = odd(tmp_path, b"\xff.jsonl")
    write(path, ".jsonl", tmp_path)
    code, out, err = run("usage", path, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["files"] == [str(tmp_path / "\\xff.jsonl")]
    assert shown["rows"]["used"] == 3
    assert "Traceback" not in err


def test_an_error_names_the_file_as_given_not_its_link(tmp_path: Path) -> None:
    """A log of no readable row, and one not gzip-compressed though named .gz: the file as
    given (its byte as \\xNN on the command line), never the temporary link."""
    bad = odd(tmp_path, b"bad\xff.jsonl")
    with open(os.fsencode(bad), "wb") as fh:
        fh.write(b'{"timestamp": "x", "input_tokens": 1}\n')
    with pytest.raises(PaybackError) as caught:
        profile_usage([bad])
    assert str(caught.value).startswith(f"{bad}: none of the 1 rows could be read")
    assert_user_error(
        *run("usage", bad), f"error: {tmp_path}/bad\\xff.jsonl: none of the 1 rows could be read"
    )
    fake = odd(tmp_path, b"fake\xff.jsonl.gz")
    with open(os.fsencode(fake), "wb") as fh:
        fh.write(b"not gzip\n")
    assert_user_error(
        *run("usage", fake),
        f"error: {tmp_path}/fake\\xff.jsonl.gz: not gzip-compressed, though its name ends in .gz",
    )


def test_a_clean_name_beside_it_keeps_its_own_name(tmp_path: Path) -> None:
    clean = str(tmp_path / "a.jsonl")
    write(clean, ".jsonl", tmp_path)
    later = [{**r, "timestamp": r["timestamp"].replace("05T", "06T")} for r in ROWS]
    path = odd(tmp_path, b"b\xff.jsonl")
    with open(os.fsencode(path), "w") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in later))
    profile = profile_usage([clean, path])
    assert profile.files == [clean, path]
    assert profile.rows["used"] == 6


def test_the_sql_names_the_file_as_given(tmp_path: Path) -> None:
    path = odd(tmp_path, b"\xff.json")
    write(path, ".json", tmp_path)
    text = usage_sql("auto", [path])
    assert f"read_json_objects(['{path}']" in text
    assert "payback-names" not in text


def test_the_links_folder_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The links live in a private folder of the temporary one, gone afterwards, also after
    an error."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    path = odd(tmp_path, b"\xff.jsonl")
    write(path, ".jsonl", tmp_path)
    with clean_names([str(tmp_path / "a.csv"), path]) as (read, _):
        assert read[0] == str(tmp_path / "a.csv")
        link = Path(read[1])
        assert link.parent.parent == scratch
        assert link.name == "0.jsonl"
        assert oct(link.parent.stat().st_mode & 0o777) == "0o700"
        assert os.path.samefile(link, os.fsencode(path))
    assert list(scratch.iterdir()) == []
    profile_usage([path])
    with pytest.raises(PaybackError):
        profile_usage([odd(tmp_path, b"\xff.jsonl"), str(tmp_path / "none.jsonl")])
    bad = odd(tmp_path, b"bad\xff.jsonl")
    with open(os.fsencode(bad), "wb") as fh:
        fh.write(b"not json\n")
    with pytest.raises(PaybackError):
        profile_usage([bad])
    assert list(scratch.iterdir()) == []


def test_a_scenario_written_from_it_names_the_file_with_xNN(tmp_path: Path) -> None:
    """-o writes a new scenario (3 requests in 3 hours: 730.5 a month) whose title and head name the log with its byte as \\xNN
    (the title was refused: 'unable to parse raw data as a unicode string'), and it
    analyzes."""
    path = odd(tmp_path, b"\xff.jsonl")
    write(path, ".jsonl", tmp_path)
    out = tmp_path / "s.toml"
    code, _, err = run("usage", path, "-o", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "measured by `payback usage` in \\xff.jsonl\n" in text
    assert 'name = "730 requests/month from \\\\xff.jsonl (held flat' in text
    code, _, err = run("analyze", out)
    assert code == 0, err


@pytest.mark.parametrize("wal", [False, True])
def test_a_duckdb_database_named_by_bytes_that_are_not_utf8_is_read(
    tmp_path: Path, wal: bool
) -> None:
    """A DuckDB file of such a name (DuckDB's 'std::bad_cast', an internal error, then
    'Invalid unicode' naming the database after its file) is read, its write-ahead log too:
    here the table is only there (not checkpointed; DuckDB 1.x finds it by the link's
    target, and it is linked beside the link as well)."""
    import duckdb

    (tmp_path / "x.csv").write_text(CSV)
    clean = tmp_path / "x.duckdb"
    con = duckdb.connect(str(clean))
    if wal:
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("SET checkpoint_threshold = '1TB'")
    con.execute(f"CREATE TABLE logs AS SELECT * FROM read_csv('{tmp_path / 'x.csv'}')")
    con.close()
    assert (tmp_path / "x.duckdb.wal").exists() is wal
    path = odd(tmp_path, b"\xff.duckdb")
    os.rename(clean, os.fsencode(path))
    if wal:
        os.rename(tmp_path / "x.duckdb.wal", os.fsencode(path + ".wal"))
    for given, said in ((path, ""), ("duckdb://" + path, "duckdb://")):
        code, out, err = run("usage", given, "--json")
        assert code == 0, err
        shown = json.loads(out)
        assert shown["rows"]["used"] == 3
        assert shown["traffic"]["input_tokens"] == pytest.approx(200.0, rel=1e-12)
        assert shown["table"] == f"{said}{tmp_path}/\\xff.duckdb, table logs"


def hours(path: Path, first: int, tokens: int) -> None:
    """Two requests of ``tokens`` input tokens, at hours ``first`` and ``first`` + 1."""
    path.write_text(
        "".join(
            json.dumps(
                {
                    "timestamp": f"2026-01-05T{first + h:02d}:00:00Z",
                    "input_tokens": tokens,
                    "output_tokens": 1,
                }
            )
            + "\n"
            for h in range(2)
        )
    )


def test_a_name_that_is_a_glob_to_duckdb_reads_that_file_once(tmp_path: Path) -> None:
    """The glob a*b.jsonl matches a*b.jsonl and axb.jsonl: each is read once, 4 requests of
    (100 + 100 + 300 + 300) / 4 = 200 tokens (DuckDB took the name a*b.jsonl for a glob
    again and read axb.jsonl twice: 6 rows, 233.3 tokens)."""
    hours(tmp_path / "a*b.jsonl", 0, 100)
    hours(tmp_path / "axb.jsonl", 2, 300)
    profile = profile_usage([tmp_path / "a*b.jsonl"])
    assert profile.files == [str(tmp_path / "a*b.jsonl"), str(tmp_path / "axb.jsonl")]
    assert profile.rows["read"] == 4
    assert profile.traffic["input_tokens"] == pytest.approx(200.0, rel=1e-12)


def test_a_file_named_like_a_glob_that_matches_nothing_else_is_read(tmp_path: Path) -> None:
    """logs[1].jsonl, as a glob, matches only logs1.jsonl (not there): the file of that very
    name is read (it said 'no file matches')."""
    hours(tmp_path / "logs[1].jsonl", 0, 300)
    profile = profile_usage([tmp_path / "logs[1].jsonl"])
    assert profile.files == [str(tmp_path / "logs[1].jsonl")]
    assert profile.rows["used"] == 2
    assert profile.traffic["input_tokens"] == pytest.approx(300.0, rel=1e-12)
    assert_user_error(*run("usage", tmp_path / "logs[2].jsonl"), "logs[2].jsonl: no file matches")


def test_a_chdb_folder_named_by_bytes_that_are_not_utf8_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chdb's Session takes no such name (an internal error: 'incompatible constructor
    arguments'): the folder is read through a link, kept while the engine is open and
    removed when it closes."""
    import chdb.session

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    clean = tmp_path / "ch"
    session = chdb.session.Session(str(clean))
    session.query(
        "CREATE TABLE logs (timestamp String, input_tokens Int32, output_tokens Int32) "
        "ENGINE = MergeTree ORDER BY tuple()"
    )
    values = ", ".join(f"('{r['timestamp']}', {r['input_tokens']}, 10)" for r in ROWS)
    session.query(f"INSERT INTO logs VALUES {values}")
    session.close()
    path = odd(tmp_path, b"ch\xff")
    os.rename(clean, os.fsencode(path))
    code, out, err = run("usage", "chdb://" + path, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["rows"]["used"] == 3
    assert shown["traffic"]["input_tokens"] == pytest.approx(200.0, rel=1e-12)
    assert shown["table"] == f"chdb://{tmp_path}/ch\\xff, table logs"
    assert list(scratch.iterdir()) == []


def test_a_tab_in_the_file_name_is_written_escaped_in_the_title(tmp_path: Path) -> None:
    """A scenario's name is one line: a log named ``a<TAB>b.csv`` titled a new scenario
    with the tab, which analyze (and -o itself, checking what it writes) then refused."""
    log = tmp_path / "a\tb.csv"
    log.write_text(CSV)
    out = tmp_path / "new.toml"
    code, _, err = run("usage", log, "-o", out)
    assert code == 0, err
    assert "requests/month from a\\\\x09b.csv (held flat" in out.read_text()
    code, _, err = run("analyze", out)
    assert code == 0, err
