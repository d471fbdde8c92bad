"""Finding the log files, peeking at each to tell its kind and format, and grouping them
into one DuckDB relation per kind, layout and format."""

from __future__ import annotations

import contextlib
import csv
import glob
import gzip
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from payback.errors import PaybackError
from payback.limits import MAX_LOG_LINE_BYTES, check_path, check_regular
from payback.measure.usage.formats import detect_keys, detect_record, first_record
from payback.measure.usage.frames import check_zstd, gzip_fault
from payback.measure.usage.sql import (
    Source,
    failed,
    first_line,
    interrupted,
    shown_files,
    sql_list,
    sql_str,
)

__all__ = ["FILE_COLUMN", "expand", "find_sources", "stem"]

MAX_LINE_BYTES = MAX_LOG_LINE_BYTES
"""The longest CSV or JSON line read (16 MiB; DuckDB's default is 2 MiB)."""
MAX_JSON_OBJECT = 1 << 30
PEEK_RECORDS = 20
"""Records read from the head of each file to tell its format."""
PEEK_LINE_BYTES = 1 << 26
COMPRESSED = (".gz", ".gzip", ".zst")
"""Suffixes of compressed files (the kind is the suffix before)."""
LOG_TYPES = (
    ".csv, .tsv, .txt (CSV or JSON lines, told by its first line), .json, .jsonl or .ndjson, "
    "each optionally .gz or .zst, or .parquet"
)
"""The file types read as logs, as the lines that refuse another name them: a Parquet file
compresses its own columns and DuckDB reads it only as it is (``.parquet.gz``: "No magic
bytes found"), and DuckDB decompresses gzip by the suffix ``.gz`` only (a ``.gzip`` was read
as compressed bytes: "not UTF-8", "not valid JSON")."""


def expand(paths: Sequence[str | Path] | str | Path) -> tuple[list[str], list[str], list[str]]:
    """The files the paths and globs name, each once; plus notes and warnings about repeats.
    One path (a string, not a list of them) is that path, not its characters."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    files: list[str] = []
    seen: dict[str, str] = {}
    repeated: list[str] = []
    folders: list[str] = []  # matched by a glob without ** (its files are not read)
    passed: list[str] = []  # files of no log type a glob matched
    for raw in paths:
        text = str(raw)
        if text == "-":  # DuckDB reads a file more than once: a pipe cannot be read again
            raise PaybackError(
                "-: logs are read from files, not standard input; save them to a file such "
                "as logs.jsonl and give its name"
            )
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text) and not os.path.exists(text):
            _not_a_url(text)
        pattern = any(c in text for c in "*?[")
        matched = sorted(glob.glob(text, recursive=True)) if pattern else [text]
        if pattern and not matched and os.path.lexists(text):  # a file named logs[1].csv
            pattern, matched = False, [text]
        if pattern:  # a folder a glob matches is no log: passed over (logs/** matches logs/)
            dirs = [m for m in matched if os.path.isdir(m)]
            matched = [m for m in matched if m not in dirs]
            if dirs and not matched:
                raise PaybackError(
                    f"{text}: matches only folders ({shown_files(dirs)}); give a glob of "
                    f"files such as {Path(dirs[0]) / '*.jsonl'}"
                )
            folders += [] if "**" in text else dirs
            # nor is a file of no log type (a scenario -o wrote beside them, a README)
            others = [m for m in matched if not _is_log_name(m)]
            matched = [m for m in matched if m not in others]
            if others and not matched:
                _kind(others[0])  # one line: its type is none a log has
            passed += others
        if not matched:
            raise PaybackError(f"{text}: no file matches")
        for name in matched:
            p = check_path(name)
            if p.is_dir():
                raise PaybackError(
                    f"{p}: is a folder; give files or a glob such as {p / '*.jsonl'}"
                )
            check_regular(p, "a log file")  # missing, a FIFO (it would block), a device
            real = os.path.realpath(name)
            if real in seen:
                repeated.append(name)
                continue
            seen[real] = name
            files.append(name)
    if not files:
        raise PaybackError("no log files given")
    notes: list[str] = []
    if passed:
        notes.append(
            f"{shown_files(sorted(set(passed)))}: not read, matched by a glob but of no log "
            f"type ({LOG_TYPES})"
        )
    if folders:
        notes.append(
            f"{shown_files(folders)}: "
            + ("a folder" if len(folders) == 1 else "folders")
            + " the glob matched, not read (a glob with ** reads the files inside folders)"
        )
    if repeated:
        notes.append(
            f"{shown_files(sorted(set(repeated)))}: named more than once (the same path twice or "
            "overlapping globs); each file is read once"
        )
    return files, notes, _twins(seen)


def _twins(seen: dict[str, str]) -> list[str]:
    """A warning for each log given both compressed and not (``seen``: real path → name)."""
    by_stem: dict[str, list[str]] = {}
    for real, name in seen.items():
        by_stem.setdefault(stem(real), []).append(name)
    return [
        f"{' and '.join(names)} look like the same log, compressed and not: both are "
        "read, so its requests may count twice; give only one of them"
        for names in by_stem.values()
        if len(names) > 1
    ]


def _not_a_url(text: str) -> None:
    """One line for a URL of no database payback reads (``mysql://``, ``postgresq://``),
    its password masked: it was taken for a file and shown whole ('no such file')."""
    from payback.measure.usage.urls import SCHEMES, mask

    raise PaybackError.bad(
        "url",
        repr(mask(text)),
        f"not a database payback reads ({', '.join(s + '://' for s in SCHEMES)}) nor a file",
    )


def stem(name: str) -> str:
    """A file's name without a compression suffix (``a.csv.gz``: ``a.csv``)."""
    for suffix in COMPRESSED:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _is_log_name(path: str) -> bool:
    """Whether a file's name ends as a log's does (:func:`_kind` knows its type)."""
    try:
        _kind(path)
    except PaybackError:
        return False
    return True


def _kind(path: str) -> str:
    """A log's kind by its name (a ``.txt`` is ``csv`` here, :func:`_text_kind` tells it
    by its first line); one line naming :data:`LOG_TYPES` for a name of none of them."""
    name = path.lower()
    for suffix in COMPRESSED:
        name = name.removesuffix(suffix)
    if name.endswith(".parquet"):
        if name != path.lower():
            raise PaybackError(
                f"{path}: a compressed Parquet file; Parquet compresses its own columns and "
                f"is read only as it is: decompress it ({_decompress(path)}) and give the "
                ".parquet file"
            )
        return "parquet"
    kinds = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
    kinds |= {".csv": "csv", ".tsv": "csv", ".txt": "csv"}
    kind = next((k for suffix, k in kinds.items() if name.endswith(suffix)), None)
    if kind is None:
        raise PaybackError(f"{path}: unknown file type; expected {LOG_TYPES}")
    if path.lower().endswith(".gzip"):
        raise PaybackError(
            f"{path}: a gzip-compressed log is read by the suffix .gz, not .gzip; rename it "
            f"{Path(path).name[: -len('.gzip')]}.gz"
        )
    return kind


def _decompress(path: str) -> str:
    return "zstd -d" if path.lower().endswith(".zst") else "gunzip"


JSON_START = re.compile(r"\{|\[\s*(?:[{\]]|$)")
"""How a line of JSON records starts: an object, or an array of them (``[``, ``[{``, ``[]``)."""


def _text_kind(con: Any, path: str) -> str:
    """A ``.txt`` log's kind by its first line that is not blank: JSON lines where it is a
    JSON object, JSON where it starts one that goes on past the line or an array of
    records, else CSV (or TSV, by :func:`_layout`)."""
    head = _head(con, path, 1)
    first = head[0].strip() if head else ""
    if not JSON_START.match(first):
        return "csv"
    if first.startswith("{"):
        with contextlib.suppress(ValueError, RecursionError):
            return "jsonl" if isinstance(json.loads(first), dict) else "json"
    return "json"


def _layout(path: str, head: list[str]) -> tuple[str, list[str], int]:
    """A CSV's delimiter, header and the lines before it, from its first lines: Excel's
    ``sep=;`` line names the delimiter (and is skipped); else a ``.tsv`` is tab-separated,
    and a ``.csv`` or ``.txt`` is split by whichever of comma, semicolon (a spreadsheet in a
    locale whose decimal mark is a comma) and tab gives its header the most columns (comma
    on a tie)."""
    first = head[0].strip().strip('"')
    if first.lower().startswith("sep=") and len(first) == 5:
        delim, skip = first[4], 1
    else:
        name = stem(path.lower())
        candidates = ["\t"] if name.endswith(".tsv") else [",", ";", "\t"]
        delim = max(candidates, key=lambda d: len(_fields(head[0], d)))
        skip = 0
    header = _fields(head[skip], delim) if len(head) > skip else []
    return delim, header, skip


def _fields(line: str, delim: str) -> list[str]:
    """A CSV line's fields (a stray carriage return or NUL in it: the line as one field)."""
    try:
        return next(csv.reader([line], delimiter=delim), [])
    except csv.Error:
        return [line]


FILE_COLUMN = "__payback_file"
"""The column each reader adds with the file a row comes from (its name as given)."""


def lines_sql(files: Sequence[str], *, rejects: bool) -> str:
    """A relation of the files' lines (one VARCHAR column ``line``; with ``rejects``, also
    :data:`FILE_COLUMN`); lines that are not UTF-8 go to DuckDB's reject tables
    (``rejects``) or are skipped (a peek)."""
    errors = (
        f"store_rejects = true, filename = {sql_str(FILE_COLUMN)}"
        if rejects
        else "ignore_errors = true"
    )
    return (
        f"read_csv({sql_list(files)}, columns = {{'line': 'VARCHAR'}}, header = false, "
        "delim = chr(1), quote = '', escape = '', auto_detect = false, strict_mode = false, "
        f"{errors}, max_line_size = {MAX_LINE_BYTES})"
    )


def _head(con: Any, path: str, count: int) -> list[str]:
    """The first ``count`` non-blank lines of a file, decompressed (byte-order mark dropped)."""
    lower = path.lower()
    if lower.endswith(".zst"):  # Python cannot decompress it: DuckDB can
        try:
            rows = con.execute(
                f"SELECT line FROM {lines_sql([path], rejects=False)} WHERE trim(line) <> '' LIMIT {count}"
            ).fetchall()
        except Exception as exc:
            interrupted(exc)
            raise PaybackError(f"{path}: cannot be read ({first_line(exc)})") from None
        return [str(r[0]).removeprefix("\ufeff") for r in rows]
    import zlib

    lines: list[str] = []
    compressed = lower.endswith((".gz", ".gzip"))
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as fh:
            while len(lines) < count:
                line = fh.readline(PEEK_LINE_BYTES)
                if not line:
                    break
                if not lines:
                    if line.startswith((b"\xff\xfe", b"\xfe\xff")):
                        raise PaybackError(
                            f"{path}: UTF-16 text (as Excel's 'Unicode Text' saves it); save "
                            "it as 'CSV UTF-8', or convert it to UTF-8"
                        )
                    line = line.removeprefix(b"\xef\xbb\xbf")
                if line.strip():
                    lines.append(line.decode("utf-8", "replace").rstrip("\r\n"))
    except gzip.BadGzipFile:
        if lines:  # a whole stream read, then bytes that start none
            raise PaybackError(gzip_fault(path)) from None
        raise PaybackError(
            f"{path}: not gzip-compressed, though its name ends in {Path(path).suffix}"
        ) from None
    except EOFError:
        raise PaybackError(gzip_fault(path)) from None
    except (OSError, zlib.error) as exc:
        raise PaybackError(f"{path}: cannot be read ({first_line(exc)})") from None
    return lines


def find_sources(con: Any, files: list[str], fmt: str) -> tuple[list[Source], list[str], list[str]]:
    """One relation per group of files of the same kind, layout and format (detected file by
    file for ``auto``), in the order given; plus notes on empty files skipped, and warnings
    on a CSV header that names a column more than once."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    empty: list[str] = []
    for path in files:
        peeked = _peek(con, path)
        if peeked is None:
            empty.append(path)
            continue
        key, detected = peeked
        groups.setdefault((fmt if fmt != "auto" else detected, *key), []).append(path)
    if not groups:
        raise PaybackError(f"{shown_files(empty)}: empty (no records); no rows to read")
    notes = [f"{shown_files(empty)}: empty (no records), skipped"] if empty else []
    sources = [
        _relation(con, group, chosen, kind, rest) for (chosen, kind, *rest), group in groups.items()
    ]
    said = (
        _repeated(group, rest[1]) for (_, kind, *rest), group in groups.items() if kind == "csv"
    )
    warnings = [line for line in said if line]
    return sources, notes, warnings


def _repeated(group: list[str], header: Sequence[str]) -> str:
    """A warning when a CSV header names a column more than once (case aside): which one
    is read; empty when each name is there once."""
    names = [h.strip() for h in header]
    counts = Counter(n.lower() for n in names if n)
    twice = list({n.lower(): n for n in reversed(names) if n and counts[n.lower()] > 1}.values())
    if not twice:
        return ""
    twice.reverse()  # in the header's order, each as first spelled
    listed = ", ".join(
        f"{n} " + ("twice" if counts[n.lower()] == 2 else f"{counts[n.lower()]} times")
        for n in twice[:5]
    )
    # the next is named as DuckDB names a repeated column: its own spelling and _1
    second = [n for n in names if n.lower() == twice[0].lower()][1]
    return (
        f"{shown_files(group)}: the header names {listed}; the first "
        + ("of each " if len(twice) > 1 else "")
        + f"is read (the next is {second}_1, to name with columns)"
    )


MAX_CSV_COLUMNS = 10_000
"""The most columns a CSV or TSV log's header may name: DuckDB reads 10,000 in about a
second, 50,000 (a 389 kB file) in 14 s, and its time grows faster than the columns."""


def _peek(con: Any, path: str) -> tuple[tuple[Any, ...], str] | None:
    """What groups a file with others (its kind, and a table's layout) and the format its
    first records or columns show; None when it holds no records."""
    kind = _kind(path)
    if path.lower().endswith(".zst"):  # DuckDB reads a cut one up to where it stops
        check_zstd(path)
    if kind == "csv" and stem(path.lower()).endswith(".txt"):
        kind = _text_kind(con, path)
    if kind == "csv":
        head = _head(con, path, 3)
        if not head:
            return None
        if _binary(head[0]):  # its "columns" would be a kilobyte of bytes
            raise PaybackError(
                f"{path}: binary data, not a CSV log (its first line is not text); expected "
                f"{LOG_TYPES}"
            )
        delim, header, skip = _layout(path, head)
        if len(header) > MAX_CSV_COLUMNS:  # DuckDB's time grows faster than the columns
            raise PaybackError(
                f"{path}: a header of {len(header):,} columns; a log file has at most "
                f"{MAX_CSV_COLUMNS:,} (request logs have tens)"
            )
        if len(head) < skip + 2:  # a header and no rows
            return None
        return (kind, delim, tuple(header), skip), detect_keys({h.strip().lower() for h in header})
    if kind == "parquet":
        try:
            described = con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({sql_list([path])})"
            ).fetchall()
        except Exception as exc:
            interrupted(exc)
            raise PaybackError(f"{path}: cannot be read as Parquet ({first_line(exc)})") from None
        columns = tuple(str(r[0]) for r in described)
        return (kind, columns), detect_keys({n.lower() for n in columns})
    array = kind == "json" and _bom_array(path)
    peeked = _peek_jsonl(con, path) if kind == "jsonl" else _peek_json(con, path, array)
    if peeked is None:
        return None
    values, whole = peeked
    record = first_record(values, path)
    if record is None and whole:
        # every value read and none holds a record: pages of no rows ({"data": []}) are
        # an empty file, as [] is
        return None
    return ((kind, array) if array else (kind,)), detect_record(record)


def _binary(line: str) -> bool:
    """Whether a log's first line (decoded, bytes that are not UTF-8 as U+FFFD) is binary
    data: a NUL, or over a tenth of it control characters (a tab aside) or such bytes. A
    header with a name in Latin-1 (``modèle``) is text.

    >>> _binary("timestamp,mod\ufffdle,input_tokens"), _binary("\x02_\x1dM\ufffd\x7fK\ufffd")
    (False, True)
    """
    odd = sum(1 for c in line if c == "\ufffd" or c == "\x7f" or (c < " " and c != "\t"))
    return "\x00" in line or odd * 10 > len(line)


def _bom_array(path: str) -> bool:
    """Whether a JSON file is an array after a byte-order mark: DuckDB's ``format = 'auto'``
    then reads the array as one value (a record that is an array, refused), where it reads
    the same file without the mark as its records; ``'array'`` reads both."""
    if path.lower().endswith(".zst"):
        return False
    compressed = path.lower().endswith((".gz", ".gzip"))
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as fh:
            start = fh.read(4096)
    except (OSError, EOFError):  # (read again, and said, where the file is read)
        return False
    return start.startswith(b"\xef\xbb\xbf") and start[3:].lstrip().startswith(b"[")


class _Twice(Exception):
    """A key given twice in one JSON object, with two values (its name)."""


def _read_key(key: str) -> bool:
    """Whether a key may be one the log formats read: a time, a token count, a model or a
    request id (``ts``, ``input_tokens``, ``usage.prompt_tokens``, ``model``); a key given
    twice elsewhere (``meta.tag``) is not refused."""
    word = key.lower()
    return "token" in word or "time" in word or word in ("ts", "created", "date", "model", "id")


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object from its pairs; :class:`_Twice` for a key that may be read
    (:func:`_read_key`) given twice with two values."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found and found[key] != value and _read_key(key):
            raise _Twice(key)
        found[key] = value
    return found


def _loads(text: str, path: str, number: int) -> Any:
    """A peeked record's JSON value; one line when an object in it gives a key twice.

    DuckDB reads the first value of a key given twice and Python's ``json`` the last: which
    the log meant cannot be told, so a file that gives two is refused. Only the peeked records are
    looked at (:data:`PEEK_RECORDS`, each file's first): a key given twice only further on
    is read as DuckDB reads it, the first."""
    try:
        return json.loads(text, object_pairs_hook=_once)
    except _Twice as twice:
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 120 else shown[:119] + "…"
        raise PaybackError(
            f"{path}: record {number} gives the key {twice.args[0]!r} twice in one object "
            f"({shown}): which value is meant cannot be told; write each key once"
        ) from None


def _peek_jsonl(con: Any, path: str) -> tuple[list[Any], bool] | None:
    """The JSON values of a JSON-lines file's first lines, and whether they are all its
    lines, each JSON; None when it has none."""
    head = _head(con, path, PEEK_RECORDS)
    if not head:
        return None
    values = []
    for number, line in enumerate(head, 1):
        try:
            values.append(_loads(line, path, number))
        except (ValueError, RecursionError):  # not JSON, or nested too deep to peek at
            continue
    if not values:
        start = head[0][:40]
        shown = repr(start) if start.isprintable() else "binary data?"
        raise PaybackError(
            f"{path}: not JSON lines (its first {len(head)} line(s) are not JSON: {shown})"
        )
    return values, len(head) < PEEK_RECORDS and len(values) == len(head)


def _peek_json(con: Any, path: str, array: bool = False) -> tuple[list[Any], bool] | None:
    """The first JSON values of a JSON file, read by DuckDB (``array``: as the records of
    one array, :func:`_bom_array`), and whether they are all its values; None when it has
    none."""
    form = "array" if array else "auto"
    try:
        rows = con.execute(
            f"SELECT json::VARCHAR FROM read_json_objects({sql_list([path])}, format = '{form}', "
            f"maximum_object_size = {MAX_JSON_OBJECT}) LIMIT {PEEK_RECORDS}"
        ).fetchall()
    except Exception as exc:
        failed(exc, f"{path}: not valid JSON")
    if not rows:
        return None
    values = []
    for number, (text,) in enumerate(rows, 1):
        with contextlib.suppress(ValueError, RecursionError):  # nested too deep to peek at
            values.append(_loads(text, path, number))
    return values, len(rows) < PEEK_RECORDS and len(values) == len(rows)


def _varchar_columns(header: Sequence[str]) -> str:
    """A DuckDB struct of the header's column names, each VARCHAR: empty names as DuckDB
    names them (``column0``), repeated ones numbered (``model_1``)."""
    names: list[str] = []
    seen: set[str] = set()  # lowercased: a list scanned for each name took 50,000 columns 80 s
    for i, raw in enumerate(header):
        name = raw.strip() or f"column{i}"
        base, k = name, 0
        while name.lower() in seen:
            k += 1
            name = f"{base}_{k}"
        names.append(name)
        seen.add(name.lower())
    return "{" + ", ".join(f"{sql_str(n)}: 'VARCHAR'" for n in names) + "}"


def _relation(con: Any, group: list[str], fmt: str, kind: str, layout: list[Any]) -> Source:
    """The relation over a group of files of one kind (``layout``: a CSV's delimiter,
    header and lines before it) read as ``fmt``; a table's columns are described."""
    listed = sql_list(group)
    if kind == "jsonl":
        sql = (
            f"(SELECT j AS json, CASE WHEN j IS NULL THEN line END AS line, {FILE_COLUMN} AS file FROM "
            f"(SELECT TRY_CAST(line AS JSON) AS j, line, {FILE_COLUMN} FROM {lines_sql(group, rejects=True)} "
            "WHERE trim(line) <> ''))"
        )
        return Source(sql, True, group, fmt)
    if kind == "json":
        form = "array" if layout else "auto"  # (an array after a byte-order mark)
        sql = (
            f"(SELECT json, NULL::VARCHAR AS line, {FILE_COLUMN} AS file FROM read_json_objects({listed}, "
            f"format = '{form}', maximum_object_size = {MAX_JSON_OBJECT}, filename = {sql_str(FILE_COLUMN)}))"
        )
        return Source(sql, True, group, fmt)
    if kind == "parquet":
        sql = f"read_parquet({listed}, union_by_name = true, filename = {sql_str(FILE_COLUMN)})"
    else:
        delim = "\\t" if layout[0] == "\t" else layout[0]
        # the columns from the header read in Python: DuckDB's sniffer takes time
        # quadratic in a field's length (14 s for a 1 MB number), and every column is text.
        # strict: a row of more values than the header has columns is rejected, counted
        # unreadable (1,200 unquoted read as 1 and 200 into the next column, the last value
        # dropped without a word)
        sql = (
            f"read_csv({listed}, header = true, skip = {int(layout[2])}, "
            f"columns = {_varchar_columns(layout[1])}, "
            f"auto_detect = false, delim = '{delim}', quote = '\"', escape = '\"', "
            f"strict_mode = true, store_rejects = true, max_line_size = {MAX_LINE_BYTES}, "
            f"filename = {sql_str(FILE_COLUMN)})"
        )
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {sql}").fetchall()
    except Exception as exc:
        failed(exc, f"{shown_files(group)}: cannot be read")
    described = [row for row in described if str(row[0]) != FILE_COLUMN]
    return Source(
        sql,
        False,
        group,
        fmt,
        {str(row[0]).lower(): str(row[0]) for row in described},
        {str(row[0]): str(row[1]) for row in described},
        delimiter=layout[0] if kind == "csv" else ",",
        width=len(layout[1]) if kind == "csv" else 0,
    )
