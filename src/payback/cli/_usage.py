"""``payback usage``'s helpers: its options checked before any work, and the measured
traffic shown or written into a scenario (kept apart from :mod:`payback.cli.measure`,
which holds the commands and their help)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from payback.cli._common import _console, _note, _warn, echo
from payback.cli._files import _write_new
from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.measure.usage import UsageProfile


def _date(name: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PaybackError(f"{name} {text!r}: expected a date such as 2026-11-01") from None


_EMPTY = {
    "--model": "give a model as the logs name it (By model lists them; (none) the requests "
    "without one)",
    "--table": "give a table's name, or schema.table",
    "--columns": "give name=column pairs, e.g. ts=created,input=prompt_tokens,"
    "output=completion_tokens",
    "--dialect": "give one, e.g. postgres, bigquery or snowflake",
}


def _check_usage_options(
    model: str | None,
    table: str | None,
    columns: str | None,
    output: Path | None,
    *,
    sql: bool,
    dialect: str | None,
) -> None:
    """One line, before any work, for an option given empty (it was taken as not given:
    ``--model ''`` counted every model) or one that does nothing where it is given (``-o``
    with ``--sql``, which measures nothing; ``--dialect`` without it)."""
    given = {"--model": model, "--table": table, "--columns": columns, "--dialect": dialect}
    for flag, value in given.items():
        if value is not None and not value.strip():
            raise PaybackError(f"{flag} {value!r}: empty; {_EMPTY[flag]}")
    if sql and output is not None:
        raise PaybackError(
            f"-o {output}: not with --sql, which prints the queries and measures nothing; "
            "without --sql, usage measures the logs and writes -o"
        )
    if dialect is not None and not sql:
        raise PaybackError(
            f"--dialect {dialect}: only with --sql (the SQL printed); a database is queried "
            "in its own dialect"
        )


def _show_profile(
    profile: UsageProfile, output: Path | None, written: str | None, said: list[str]
) -> None:
    """The measured traffic as tables (as a file ``-o`` wrote holds it), its notes (less
    those ``-o`` told already with the value the file keeps: ``said``), and what ``-o``
    wrote."""
    from payback.measure.usage.written import as_written
    from payback.report.usage import render_profile

    _console().print(render_profile(profile if written is None else as_written(profile)))
    _note([note for note in profile.notes if note not in said])
    if output is not None:
        echo(f"Wrote {output}: {_WROTE[written or 'updated']}")


_WROTE = {
    "created": "a new scenario from the starter with this traffic",
    "reworded": "its [traffic] numbers and the words an earlier -o wrote on it, all else kept",
    "updated": "its [traffic] numbers, everything else kept",
}


def _write_traffic(path: Path, profile: UsageProfile) -> tuple[str, list[str]]:
    """Put measured traffic into ``path`` (:func:`payback.measure.usage.written.
    scenario_with_traffic`: an existing scenario updated, or a new one), after telling its
    warnings (a growth fitted from too few months is not written), then its notes; the
    numbers written and the warnings are recorded on ``profile`` (``written_traffic``, added
    to ``warnings``: told already), so that ``--json`` gives them. What it wrote (a key of
    :data:`_WROTE`), and the profile's notes its lines said again."""
    from payback.measure.usage.sql import zero_tokens
    from payback.measure.usage.written import scenario_with_traffic

    zero = zero_tokens(profile.traffic["input_tokens"], profile.traffic["output_tokens"])
    if zero:
        raise PaybackError(f"-o {path}: nothing written: {zero}")
    written = scenario_with_traffic(path, profile)
    _warn(written.warnings)
    _write_new(path, written.text, force=path.exists(), flag="-o")
    _note(written.notes)
    profile.written_traffic.update(written.traffic)
    profile.warnings.extend(written.warnings)
    kind = "created" if written.created else "reworded" if written.reworded else "updated"
    return kind, written.said
