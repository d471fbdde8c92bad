"""The library's advice (a function to call) told in the command line's words (a command
to run): the library names no command or flag."""

from __future__ import annotations

__all__ = ["LIBRARY_ADVICE", "in_command_words"]

LIBRARY_ADVICE = {
    "search_api_models(text) lists them": "payback catalog apis --search TEXT lists them",
    "recommend() chooses one": "run `payback recommend FILE` to choose one",
    "(recommend() finds one)": "(payback recommend FILE finds one)",
    "for recommend() to choose one": "for `payback recommend FILE` to choose one",
    "(even when forced)": "(even with --force)",
    "monte_carlo() shows the spread": "analyze --samples N shows the spread",
    "name one with table (and columns ts=": "name one with --table (and --columns ts=",
    "with columns ts=": "with --columns ts=",
    "with columns model=COLUMN": "with --columns model=COLUMN",
    "with columns cached=COLUMN": "with --columns cached=COLUMN",
    "the one query profile_database() runs": "the one query `payback usage` runs",
    "(usage_sql() gives that DuckDB SQL)": "(see `payback usage --sql` for that DuckDB SQL)",
    "a since date of ": "--since ",
    "a since or until date can leave it out": "--since or --until can leave it out",
    # a scenario's calibration naming a file of several runs (SCENARIO_RUN_ADVICE)
    "read_benchmark(path, run=N), write it with calibration_toml() and name that file as "
    "calibration": "`payback import-benchmark FILE --run N -o cal.toml` and point calibration "
    "at cal.toml",
}
"""The library's advice in its own words (a function to call) and the command line's for
it (a command to run), so that the library names no command or flag."""


def in_command_words(line: str) -> str:
    """``line`` with the library's advice told as the command line's.

    >>> in_command_words(
    ...     "unknown API model 'x'; no close match (search_api_models(text) lists them)"
    ... )
    "unknown API model 'x'; no close match (payback catalog apis --search TEXT lists them)"
    """
    for library, command in LIBRARY_ADVICE.items():
        line = line.replace(library, command)
    return line
