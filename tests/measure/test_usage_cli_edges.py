"""``payback usage`` tried as a new user would and as a hostile one would: the README's
DuckDB URL, ``-o`` onto a link or a read-only scenario, options that do nothing where they
are given, empty option values, names that break out of printed SQL's comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import assert_user_error, run

HEADER = "timestamp,model,prompt_tokens,completion_tokens\n"
LOGS = HEADER + "".join(
    f"2026-10-0{day}T{hour:02d}:00:00Z,gpt-4o,{100 * hour + day},{10 * day}\n"
    for day in (1, 2)
    for hour in (9, 10, 11)
)
"""Six requests: input tokens 901..1102 (mean 1,001.5), output 10 or 20 (mean 15)."""


def _logs(tmp_path: Path) -> Path:
    path = tmp_path / "logs.csv"
    path.write_text(LOGS)
    return path


# -- a DuckDB file by URL ----------------------------------------------------------------


def test_a_duckdb_url_with_three_slashes_is_relative_as_the_readme_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`duckdb:///logs.duckdb` (the README's and --help's form) said 'no such DuckDB file':
    the path was read as /logs.duckdb. Now relative, as SQLAlchemy reads it; four slashes
    (and three before an absolute path that is not there relative) stay absolute."""
    import duckdb

    csv = _logs(tmp_path)
    with duckdb.connect(str(tmp_path / "logs.duckdb")) as con:
        con.execute(f"CREATE TABLE logs AS SELECT * FROM read_csv('{csv}')")
    monkeypatch.chdir(tmp_path)
    for url in ("duckdb:///logs.duckdb", f"duckdb:///{tmp_path}/logs.duckdb", "logs.duckdb"):
        code, out, err = run("usage", url, "--json")
        assert code == 0, (url, err)
        got = json.loads(out)
        assert got["rows"]["used"] == 6
        assert got["traffic"]["input_tokens"] == pytest.approx(1001.5)
    assert_user_error(
        *run("usage", "duckdb:///nosuch.duckdb"),
        "error: url 'duckdb:///nosuch.duckdb': no such DuckDB file "
        "(looked for 'nosuch.duckdb' or '/nosuch.duckdb')",
    )


# -- -o onto what the user made ----------------------------------------------------------


def _scenario(tmp_path: Path, name: str = "real.toml") -> Path:
    path = tmp_path / name
    path.write_text(Path("examples/seed.toml").read_text())
    return path


def test_o_through_a_symbolic_link_updates_the_file_it_points_to(tmp_path: Path) -> None:
    """`-o link.toml` (a link to real.toml) replaced the link by a new file and left
    real.toml at 20,000 requests; now the link stays and real.toml gets the traffic."""
    real = _scenario(tmp_path)
    link = tmp_path / "link.toml"
    link.symlink_to("real.toml")
    code, out, err = run("usage", _logs(tmp_path), "-o", link)
    assert code == 0, err
    assert "its [traffic] numbers, everything else kept" in out
    assert link.is_symlink()
    assert link.readlink() == Path("real.toml")
    assert "requests_per_month = 20000" not in real.read_text()
    # 6 requests in the 27 hours from 09:00 on the 1st to 11:00 on the 2nd: 6 / 27 x 730.5
    assert "requests_per_month = 162" in real.read_text()


def test_o_onto_a_read_only_scenario_is_refused_before_the_work(tmp_path: Path) -> None:
    """A scenario made read-only (chmod 444) was replaced all the same (a new file renamed
    over it); now one line, exit 2, the file as it was, through a link too."""
    real = _scenario(tmp_path)
    before = real.read_bytes()
    real.chmod(0o444)
    link = tmp_path / "link.toml"
    link.symlink_to("real.toml")
    try:
        for target in (real, link):
            assert_user_error(
                *run("usage", _logs(tmp_path), "-o", target),
                f"error: -o {target}: is read-only; left as it is",
            )
        assert real.read_bytes() == before
    finally:
        real.chmod(0o644)
