"""A value TOML cannot read, told by the type its field takes, tried as a new user would:
hints ignored the field (``requests_per_month = 2026-02-30`` was told to write a date,
``= 10%`` to write 0.1; ``1 000`` and ``1.2.3`` got the parser's words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import assert_user_error, run


def _error(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert len(err.strip().splitlines()) == 1, err
    return err.strip().removeprefix(f"error: {tmp_path}/")


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("requests_per_month = 2026-02-30", "must be a number, not a date"),
        ("requests_per_month = 1979-05-27T25:00:00", "must be a number, not a date"),
        ("requests_per_month = 10%", "must be a number, not a percentage (requests in month 1)"),
        ("requests_per_month = 1 000", "a number is written without separators or suffixes; write 1000"),
        ("requests_per_month = 1 000 000.5", "a number is written without separators or suffixes; write 1000000.5"),
        ("requests_per_month = 1.2.3", "must be a number"),
        ("requests_per_month = 2e", "must be a number"),
        ("requests_per_month = 0x", "must be a number"),
        ("requests_per_month = yes", "must be a number"),
        ("growth_monthly = 5 %", "a share is written as a fraction; write 0.05 (a fraction per month: 0.05 means 5%)"),
        ("cached_input_share = 40%", "a share is written as a fraction; write 0.4 (a fraction: 0.4 means 40% of input tokens)"),
    ],
)  # fmt: skip
def test_a_toml_number_the_parser_cannot_read_is_told_by_its_fields_type(
    tmp_path: Path, line: str, said: str
) -> None:
    text = f"[traffic]\n{line}\n"
    assert _error(tmp_path, "t.toml", text) == f"t.toml line 2: traffic.{line}: {said}"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("horizon_months = 10%", "must be a whole number, not a percentage (months the comparison runs for)"),
        ("horizon_months = $0.5", "must be a whole number"),
        ("horizon_months = 2 4", "must be a whole number"),
        ("discount_rate_annual = 8%", "a share is written as a fraction; write 0.08 (a fraction per year: 0.10 means 10%)"),
        ("name = 2026-02-30", 'text is written in quotes; write "2026-02-30"'),
        ("name = yes", 'text is written in quotes; write "yes"'),
        ("name = 200k", 'text is written in quotes; write "200k"'),
        ("start_date = 2026-02-30", "not a date (day 30: 2026-02 has 28 days); write a date such as 2026-12-01"),
        ("start_date = 1979-05-27T25:00:00", "a date is written without a time; write 1979-05-27"),
        ("start_date = soon", "not a date; write a date such as 2026-12-01"),
    ],
)  # fmt: skip
def test_a_toml_count_text_or_date_is_told_by_its_fields_type(
    tmp_path: Path, line: str, said: str
) -> None:
    text = f"[scenario]\n{line}\n"
    assert _error(tmp_path, "t.toml", text) == f"t.toml line 2: scenario.{line}: {said}"


def test_a_toml_flag_the_parser_cannot_read(tmp_path: Path) -> None:
    text = '[[alternatives]]\nname = "x"\nalways_on = 1.2.3\n'
    assert _error(tmp_path, "t.toml", text) == (
        "t.toml line 3: alternatives.0.always_on = 1.2.3: must be true or false"
    )
