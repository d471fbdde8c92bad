"""A quote a CSV log leaves open: DuckDB reads the lines after it as one value (to the end
of the file, or to the next stray quote), so the rows there would be lost without a word.
Its signs, asked of the scan after it: a model name with a line break in it, or absurdly
long; a rejected row that runs over lines (a quote in a middle column); a last value over
lines that ends as the file ends (a quote in the last column). The file is then read here,
line by line, for the line where the quote opens, and said with it (exit 2): no traffic
from a cut file."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from payback.errors import PaybackError
from payback.measure.usage.normalize import TAIL_DIGITS
from payback.measure.usage.sql import Source, interrupted, sql_list

__all__ = ["MAX_MODEL_CHARS", "check_quotes"]

MAX_MODEL_CHARS = 1_000
"""The longest model name read as one (the longest real ones, a cloud's resource paths
and fine-tuned ids, have about 200 characters)."""
TAIL_BYTES = 4096
"""The bytes at a file's end compared with a value's end (200 characters, UTF-8)."""
SHOWN = 30
"""The characters of the value shown where its quote opens."""

SUSPECT_MODEL = f"""SELECT file, model FROM hourly
WHERE part = 3 AND list_contains({{files}}, file) AND model IS NOT NULL
  AND (contains(model, chr(10)) OR contains(model, chr(13)) OR length(model) > {MAX_MODEL_CHARS})
ORDER BY file LIMIT 1  -- a model name over lines, or absurdly long: a quote left open"""

SUSPECT_REJECT = """SELECT s.file_path, min(e.line) FROM reject_errors e
JOIN reject_scans s USING (scan_id, file_id)
WHERE list_contains({files}, s.file_path) AND (e.error_type = 'LINE SIZE OVER MAXIMUM'
   OR contains(trim(e.csv_line, chr(10) || chr(13)), chr(10))
   OR contains(trim(e.csv_line, chr(10) || chr(13)), chr(13)))
GROUP BY 1 ORDER BY 2  -- a row DuckDB could not split that runs over lines"""

SUSPECT_TAIL = f"""SELECT file, list(DISTINCT tail[{TAIL_DIGITS + 1}:]) FROM hourly
WHERE part = 3 AND tail IS NOT NULL AND list_contains({{files}}, file)
GROUP BY file ORDER BY file  -- the ends of last values over lines: one that ends the file"""


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
    whose quote does close (a prompt over lines in a row DuckDB rejects, or in the last
    column) is read as it was: a model name's quote is said even where it closes, a
    model name has no line break."""
    tables = {f: s for s in sources if s.sql.startswith("read_csv(") for f in s.files}
    if not tables:
        return
    listed = sql_list(list(tables))
    found = con.execute(SUSPECT_MODEL.replace("{files}", listed)).fetchone()
    if found:
        path, model = str(found[0]), str(found[1])
        source = tables[path]
        run = _locate(path, source.delimiter, None, model)
        raise PaybackError(_said(path, list(source.types), run, None, model))
    suspects: list[tuple[str, int | None]] = []
    try:
        suspects += [
            (str(p), int(n))
            for p, n in con.execute(SUSPECT_REJECT.replace("{files}", listed)).fetchall()
        ]
    except Exception as exc:  # no reject tables: nothing rejected
        interrupted(exc)
    ends = con.execute(SUSPECT_TAIL.replace("{files}", listed)).fetchall()
    suspects += [(str(p), None) for p, tails in ends if _ends_file(str(p), tails)]
    hints: dict[str, int | None] = {}
    for path, hint in suspects:  # each file once, with its first line rejected
        hints.setdefault(path, hint)
    for path, hint in hints.items():
        source = tables[path]
        run = _locate(path, source.delimiter, hint, None)
        if run is not None and not run.closed:
            raise PaybackError(_said(path, list(source.types), run, hint, None))


def _ends_file(path: str, tails: Sequence[str]) -> bool:
    """Whether one of a CSV's last values over lines ends as the file does (line breaks
    at the end aside): its quote never closes. A .zst (Python cannot read it): False."""
    lower = path.lower()
    if lower.endswith(".zst"):
        return False
    try:
        if lower.endswith((".gz", ".gzip")):
            end = b""
            with gzip.open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    end = (end + chunk)[-TAIL_BYTES:]
        else:
            with open(path, "rb") as fh:
                fh.seek(max(0, fh.seek(0, 2) - TAIL_BYTES))
                end = fh.read()
    except (OSError, EOFError):
        return False
    text = end.decode("utf-8", "replace").rstrip("\r\n")
    return any(t and text.endswith(t.rstrip("\r\n")) for t in tails)


def _said(
    path: str, header: list[str], run: Run | None, hint: int | None, model: str | None
) -> str:
    """The line that says where the quote opens, what it does, and what to do."""
    fix = 'close the quote or remove it (a quote inside a value is doubled in a quoted value: "a ""b""")'
    if run is None:  # a model name alone (or a .zst, which Python cannot read)
        over = model is not None and any(c in model for c in "\r\n")
        if model is not None and not over:
            return (
                f"{path}: a model name of {len(model):,} characters ({model[:SHOWN]!r}…); a "
                f"model name has at most {MAX_MODEL_CHARS:,}: a quote in the file left open?"
            )
        what = f"a model name over lines ({model.splitlines()[0][:SHOWN]!r}…)" if model else ""
        where = what or (
            f"line {hint:,}: a quoted value over lines" if hint else "a value over lines"
        )
        return f"{path}: {where}: a quote in the file left open?; {fix}"
    column = header[run.field] if run.field < len(header) else f"column {run.field + 1}"
    shown = repr('"' + run.text)
    opened = f"line {run.start:,}: a quote opens the {column} value ({shown})"
    lines = f"{run.end - run.start:,} " + ("line" if run.end - run.start == 1 else "lines")
    if not run.closed:
        return (
            f"{path}: {opened} and is never closed: the {lines} after it would be read as "
            f"that one value, their rows lost; {fix}"
        )
    return (
        f"{path}: {opened} and closes only on line {run.end:,}: the {lines} after "
        f"it would be read as that one value, their rows lost; {fix}"
    )


def _locate(path: str, delim: str, hint: int | None, model: str | None) -> Run | None:
    """The quoted value over lines that the signs point to: the first never closed; else
    the one that opens on the ``hint`` line, or whose text starts as ``model`` does; else
    the first; None when the file has none (or Python cannot read it, a .zst)."""
    if path.lower().endswith(".zst"):
        return None
    head = (model or "").splitlines()[0] if model else None
    first = matched = None
    try:
        with (
            gzip.open(path, "rb")
            if path.lower().endswith((".gz", ".gzip"))
            else open(path, "rb") as fh
        ):
            for run in runs((raw.decode("utf-8", "replace") for raw in fh), delim):
                if not run.closed:
                    return run
                first = first or run
                if matched is None and (
                    run.start == hint or (head is not None and run.text.startswith(head[:SHOWN]))
                ):
                    matched = run
    except (OSError, EOFError):
        return None
    return matched or first


def runs(lines: Iterable[str], delim: str) -> Iterator[Run]:
    """The quoted values that run over lines, as a CSV reader with ``"`` as quote and
    escape reads them: a quote opens a value only at its start; inside, ``""`` is a quote.

    >>> list(runs(['a,"b', 'c",d', 'e,f"g', 'h,"i""', 'j'], ","))
    [Run(start=1, end=2, field=1, text='b', closed=True), Run(start=4, end=5, field=1, text='i""', closed=False)]
    """
    quoted, field, start, text, n = False, 0, 0, "", 0
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
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
        yield Run(start, n, field, text, closed=False)
