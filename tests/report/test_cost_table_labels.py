"""The cost table's labels stay on one line at 80 columns, tried as a new user would: with
figures of billions, "per 1k requests vs baseline" wrapped, and "baseline" stood on a line
of its own under it, read as a row."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from helpers import ENV, run
from payback.cli import app


def test_a_label_never_wraps_at_80_columns(tmp_path: Path) -> None:
    code, _, err = run("init", tmp_path / "s.toml")
    assert code == 0, err
    starter = (tmp_path / "s.toml").read_text()
    big = starter.replace("requests_per_month = 200000 ", "requests_per_month = 200000000 ")
    big = big.replace("growth_monthly = 0.0 ", "growth_monthly = 0.5 ")
    assert big.count("200000000") == 1
    (tmp_path / "big.toml").write_text(big)
    result = CliRunner(env=ENV | {"COLUMNS": "80"}).invoke(
        app, ["analyze", str(tmp_path / "big.toml")]
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index(
        " USD per month                      month 1          month 24      total, 24 mo"
    )
    table = lines[start : lines.index("", start)]
    assert max(len(line) for line in table) <= 80
    labels = [line[:28].strip() for line in table]
    assert "per 1k requests vs baseline" in labels
    assert "escalation to baseline" in labels
    # each label once, none a line of its own: 'baseline' is the first row's alone
    assert labels.count("baseline") == 1
    assert table[2].startswith(" baseline ")
    assert [line.strip() for line in table].count("baseline") == 0
