"""A quote a CSV log leaves open: DuckDB reads the lines after it as one value (to the end
of the file, or to the next stray quote), so the rows there would be lost without a word.
Its signs, asked of the scan after it: a model name with a line break in it, or absurdly
long; a rejected row that runs over lines, or holds an odd number of quotes (one left open
on the last line); a value over lines whose lines hold a row's delimiters
(:func:`over_lines_sql`). The file is then read here (a .zst through DuckDB), line by
line, for the line where the quote opens, and said with it (exit 2): no traffic from a
cut file. A quoted value over lines that closes is read as it was (a prompt over lines),
unless each of its lines, read alone, splits into the header's columns with a time where
its first line holds one: rows that two stray quotes swallow, not a table pasted into a
prompt."""

from __future__ import annotations

import gzip
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from payback.errors import PaybackError
from payback.measure.usage.sql import Source, interrupted, sql_list

__all__ = ["MAX_MODEL_CHARS", "check_quotes"]

MAX_MODEL_CHARS = 1_000
"""The longest model name read as one (the longest real ones, a cloud's resource paths
and fine-tuned ids, have about 200 characters)."""
SHOWN = 30
"""The characters of the value shown where its quote opens."""
BATCH = 10_000
"""The lines of a .zst fetched from DuckDB at a time."""

SUSPECT_MODEL = f"""SELECT file, model FROM hourly
WHERE part = 3 AND list_contains({{files}}, file) AND model IS NOT NULL
  AND (contains(model, chr(10)) OR contains(model, chr(13)) OR length(model) > {MAX_MODEL_CHARS})
ORDER BY file LIMIT 1  -- a model name over lines, or absurdly long: a quote left open"""

SUSPECT_REJECT = """SELECT DISTINCT s.file_path FROM reject_errors e
JOIN reject_scans s USING (scan_id, file_id)
WHERE list_contains({files}, s.file_path) AND (e.error_type = 'LINE SIZE OVER MAXIMUM'
   OR (length(e.csv_line) - length(replace(e.csv_line, '"', ''))) % 2 = 1
   OR contains(trim(e.csv_line, chr(10) || chr(13)), chr(10))
   OR contains(trim(e.csv_line, chr(10) || chr(13)), chr(13)))
ORDER BY 1  -- a row DuckDB could not split that runs over lines, or holds an odd number of quotes"""

SUSPECT_OVER = """SELECT DISTINCT file FROM hourly
WHERE part = 3 AND over_lines AND list_contains({files}, file)
ORDER BY file  -- a value over lines: a quote left open, or two that swallow rows"""


PRECISE_COLUMNS = 100
"""The most columns whose values over lines are each checked in SQL for rows swallowed
(a check a column: DuckDB binds 500 in 1.4 s, 10,000 in 26 s); a wider CSV with any
value over lines is read here whole."""


def over_lines_sql(source: Source) -> str:
    """SQL for whether a CSV row shows a quote left open or two stray quotes: a value over
    lines whose lines, with the row around it, each hold a row's delimiters (the first
    line: those of the columns after it; the last: those of the columns before it, or
    fewer after whole rows, where the second quote is in an earlier column), so that the
    lines between are rows; a prompt over lines is not. Only a sign: the file is
    then read (:func:`check_quotes`). A CSV of more than :data:`PRECISE_COLUMNS` columns:
    any value over lines. FALSE for other sources."""
    if not source.sql.startswith("read_csv(") or not source.width:
        return "FALSE"
    names = [  # the header's columns: not those of folder names (day=1/), nor the file's
        f'CAST("{c.replace(chr(34), chr(34) * 2)}" AS VARCHAR)'
        for c in list(source.columns.values())[: source.width]
    ]
    if len(names) > PRECISE_COLUMNS:
        return f"coalesce(contains(concat_ws('', {', '.join(names)}), chr(10)), FALSE)"
    n, delim = len(names), f"chr({ord(source.delimiter)})"

    def count(x: str) -> str:
        return f"(strlen({x}) - strlen(replace({x}, {delim}, '')))"

    checks = []
    for c, v in enumerate(names):
        rows = (
            f"{count('q[1]')} = {n - 1 - c} AND ({count('q[-1]')} = {c} OR (len(q) > 2 AND "
            f"{count('q[-1]')} < {c})) AND coalesce("
            f"list_bool_and(list_transform(q[2:-2], lambda x: {count('x')} = {n - 1})), TRUE)"
        )
        checks.append(
            f"coalesce(CASE WHEN contains({v}, chr(10)) THEN list_transform("
            f"[string_split(rtrim({v}, chr(13) || chr(10)), chr(10))], lambda q: {rows})[1] END, FALSE)"
        )
    return "(" + " OR ".join(checks) + ")"


class Run(NamedTuple):
    """A quoted value that runs over lines: where it opens and closes (never closed: the
    file's last line)."""

    start: int
    end: int
    field: int
    text: str
    """The value's start, after its opening quote."""
    closed: bool = True


def check_quotes(con: Any, sources: Sequence[Source]) -> None:
    """Exit 2 (:class:`PaybackError`) naming the line where a quote a CSV log leaves open
    starts, when the scan shows its signs; nothing when it does not. A row over lines
    whose quote does close (a prompt over lines in a row DuckDB rejects, or in any column)
    is read as it was, unless its lines each read as a row: a model name's quote is said
    even where it closes, a model name has no line break."""
    tables = {f: s for s in sources if s.sql.startswith("read_csv(") for f in s.files}
    if not tables:
        return
    listed = sql_list(list(tables))
    found = con.execute(SUSPECT_MODEL.replace("{files}", listed)).fetchone()
    if found:
        path, model = str(found[0]), str(found[1])
        source = tables[path]
        run = _locate(con, path, source.delimiter, model)
        raise PaybackError(_said(path, list(source.types), run, model))
    suspects: list[str] = []
    try:
        suspects += [
            str(p) for (p,) in con.execute(SUSPECT_REJECT.replace("{files}", listed)).fetchall()
        ]
    except Exception as exc:  # no reject tables: nothing rejected
        interrupted(exc)
    suspects += [str(p) for (p,) in con.execute(SUSPECT_OVER.replace("{files}", listed)).fetchall()]
    for path in dict.fromkeys(suspects):  # each file once
        source = tables[path]
        run = _broken(con, path, source.delimiter, source.width)
        if run is not None:
            raise PaybackError(_said(path, list(source.types), run, None))


def _lines(con: Any, path: str) -> Iterator[str]:
    """A CSV's lines as Python reads them (bytes that are not UTF-8 replaced); a .zst's
    (Python cannot decompress it) through DuckDB, each byte a character where a line is
    not UTF-8. OSError or EOFError where the file cannot be read (a DuckDB error: OSError)."""
    lower = path.lower()
    if not lower.endswith(".zst"):
        compressed = lower.endswith((".gz", ".gzip"))
        with gzip.open(path, "rb") if compressed else open(path, "rb") as fh:
            yield from (raw.decode("utf-8", "replace") for raw in fh)
        return
    from payback.measure.usage.files import MAX_LINE_BYTES

    try:  # every line, a blank one too (NULL), in the file's order; latin-1: none rejected
        con.execute(
            f"SELECT line FROM read_csv({sql_list([path])}, columns = {{'line': 'VARCHAR'}}, "
            "header = false, delim = chr(1), quote = '', escape = '', new_line = '\\n', "
            "encoding = 'latin-1', auto_detect = false, strict_mode = false, "
            f"max_line_size = {MAX_LINE_BYTES})"
        )
        while rows := con.fetchmany(BATCH):
            for (line,) in rows:
                raw = (line or "").encode("latin-1")
                yield raw.decode("utf-8", "replace")
    except Exception as exc:
        interrupted(exc)
        raise OSError(str(exc)) from None


def _locate(con: Any, path: str, delim: str, model: str) -> Run | None:
    """The quoted value over lines that a model name over lines (or absurdly long) points
    to: the first never closed; else the one whose text starts as ``model`` does; else the
    first; None when the file has none (or cannot be read)."""
    head = model.splitlines()[0] if model else ""
    first = None
    try:
        for run in runs(_lines(con, path), delim):
            if not run.closed or run.text.startswith(head[:SHOWN]):
                return run
            first = first or run
    except (OSError, EOFError):
        return None
    return first


def _broken(con: Any, path: str, delim: str, width: int) -> Run | None:
    """The first quoted value that is never closed, or that closes lines later where each
    line it spans, read alone (its stray quote a character), splits into the header's
    ``width`` columns and reads as a row (:func:`_like_rows`): rows it swallows. None when
    there is none (or the file cannot be read)."""
    odd = 0  # the last line read so far that does not split into the header's columns
    kept: deque[str] = deque(maxlen=KEPT_LINES)

    def lines() -> Iterator[str]:
        nonlocal odd
        for n, line in enumerate(_lines(con, path), 1):
            text = line.rstrip("\r\n")
            if _width(text, delim) != width:
                odd = n
            kept.append(text)
            yield line

    try:
        for run in runs(lines(), delim):  # (yielded as its last line is read)
            if not run.closed:
                return run
            spanned = list(kept)[-(run.end - run.start + 1) :]
            if odd < run.start and _like_rows(spanned, run.field, delim):
                return run
    except (OSError, EOFError):
        return None
    return None


KEPT_LINES = 10_000
"""The lines kept to read a quoted value's lines again (a longer value: its widths alone)."""


def _like_rows(spanned: Sequence[str], field: int, delim: str) -> bool:
    """Whether the lines after a quoted value's first (``spanned[1:]``) read as rows of its
    log: in each column before the quoted one (``field``) where the first line has a time,
    a time; what is not kept (a value over more than :data:`KEPT_LINES` lines) counts as
    rows. A table pasted into a prompt has the log's columns but not its times (its first
    column a name where the log's is a time): a prompt, not rows swallowed.

    >>> _like_rows(['2026-01-05T10:00:00Z,gpt-4o,120,30,"Sum:', "name,city,age,team,role"], 4, ",")
    False
    >>> _like_rows(
    ...     ['2026-01-05T10:00:00Z,gpt-4o,"bob,30,x', "2026-01-05T11:00:00Z,m,1,2,y"], 2, ","
    ... )
    True
    """
    kinds = [_kind(value) for value in _split(spanned[0], delim)[:field]]
    return all(
        _fits(want, value)
        for line in spanned[1:]
        for want, value in zip(kinds, _split(line, delim), strict=False)
    )


def _fits(want: str | None, value: str) -> bool:
    """Whether ``value`` may stand in a column whose kind (:func:`_kind`) is ``want``: any
    value where it has none, and an empty one; a time where it is one."""
    return want is None or not value.strip() or _kind(value) == want


def _kind(value: str) -> str | None:
    """``time`` for a time as logs write them (a date first, or a unix time in seconds or
    more), else None: what a column's values stay in every row of one log. Other columns
    (ids, users, counts) may hold anything row to row, so they are not compared."""
    text = value.strip().strip('"').strip()
    if DATE_FIRST.match(text):
        return "time"
    try:
        return "time" if float(text) >= 1e8 else None
    except ValueError:
        return None


DATE_FIRST = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
"""A date at a value's start (``2026-01-05``, ``2026-01-05T10:00:00Z``)."""


def _split(line: str, delim: str) -> list[str]:
    """The fields of one line read alone, a quote that does not close on it a character
    (:func:`_width` counts them).

    >>> _split('a,"b,c",d', ","), _split('a,"b,c', ","), _split('x,y""z', ",")
    (['a', '"b,c"', 'd'], ['a', '"b', 'c'], ['x', 'y""z'])
    """
    fields: list[str] = []
    i = 0
    while True:
        start = i
        if line.startswith('"', i):
            j = i + 1
            while (j := line.find('"', j)) >= 0 and line.startswith('""', j):
                j += 2
            if j < 0:
                return fields + line[start:].split(delim)
            i = j + 1
        j = line.find(delim, i)
        if j < 0:
            return [*fields, line[start:]]
        fields.append(line[start:j])
        i = j + 1


def _width(line: str, delim: str) -> int:
    """The fields of one line read alone, a quote that does not close on it a character.

    >>> _width('a,"b,c",d', ","), _width('a,"b,c', ","), _width('x,y""z', ",")
    (3, 3, 2)
    """
    if '"' not in line:
        return line.count(delim) + 1
    n, i = 1, 0
    while True:
        if line.startswith('"', i):
            j = i + 1
            while (j := line.find('"', j)) >= 0 and line.startswith('""', j):
                j += 2
            if j < 0:
                return n + line.count(delim, i)
            i = j + 1
        j = line.find(delim, i)
        if j < 0:
            return n
        n, i = n + 1, j + 1


def _said(path: str, header: list[str], run: Run | None, model: str | None) -> str:
    """The line that says where the quote opens, what it does, and what to do."""
    fix = 'close the quote or remove it (a quote inside a value is doubled in a quoted value: "a ""b""")'
    if run is None:  # a model name alone (or a file that cannot be read again)
        if model is not None and not any(c in model for c in "\r\n"):
            return (
                f"{path}: a model name of {len(model):,} characters ({model[:SHOWN]!r}…); a "
                f"model name has at most {MAX_MODEL_CHARS:,}: a quote in the file left open?"
            )
        what = f"a model name over lines ({model.splitlines()[0][:SHOWN]!r}…)" if model else ""
        return f"{path}: {what or 'a value over lines'}: a quote in the file left open?; {fix}"
    column = header[run.field] if run.field < len(header) else f"column {run.field + 1}"
    shown = repr('"' + run.text)
    opened = f"line {run.start:,}: a quote opens the {column} value ({shown})"
    one = run.end - run.start == 1
    lines = f"{run.end - run.start:,} " + ("line" if one else "lines")
    lost = "its row lost" if one else "their rows lost"
    if not run.closed and run.end == run.start:  # on the last line
        return (
            f"{path}: {opened} and is never closed: the rest of that line would be read as "
            f"that one value, its row lost; {fix}"
        )
    if not run.closed:
        return (
            f"{path}: {opened} and is never closed: the {lines} after it would be read as "
            f"that one value, {lost}; {fix}"
        )
    return (
        f"{path}: {opened} and closes only on line {run.end:,}: the {lines} after "
        f"it would be read as that one value, {lost}; {fix}"
    )


def runs(lines: Iterable[str], delim: str) -> Iterator[Run]:
    """The quoted values that run over lines, as a CSV reader with ``"`` as quote and
    escape reads them: a quote opens a value only at its start; inside, ``""`` is a quote.
    One never closed ends on the file's last line that is not blank.

    >>> list(runs(['a,"b', 'c",d', 'e,f"g', 'h,"i""', 'j'], ","))
    [Run(start=1, end=2, field=1, text='b', closed=True), Run(start=4, end=5, field=1, text='i""', closed=False)]
    """
    quoted, field, start, text, filled = False, 0, 0, "", 0
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if quoted and line.strip():
            filled = n  # (blank lines at the file's end are no rows lost)
        if not quoted:
            if '"' not in line:
                continue
            field = 0
        i, at_start, end = 0, not quoted, len(line)
        while i <= end:
            if quoted:
                j = line.find('"', i)
                if j < 0:
                    break
                if line.startswith('""', j):
                    i = j + 2
                    continue
                quoted, i, at_start = False, j + 1, False
                if n > start:
                    yield Run(start, n, field, text)
                continue
            if at_start and line.startswith('"', i):
                quoted, start, text, i = True, n, line[i + 1 : i + 1 + SHOWN], i + 1
                continue
            j = line.find(delim, i)
            if j < 0:
                break
            field, i, at_start = field + 1, j + 1, True
    if quoted:
        yield Run(start, max(start, filled), field, text, closed=False)
