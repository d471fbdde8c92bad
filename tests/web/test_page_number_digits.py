"""A number box reads the digits 0 to 9 only, as the command line does. From a hostile-input
review: the page's boxes, documented as strict, took Arabic-Indic "٣٠٠" as 300 and
full-width "２００" as 200 (Python's ``\\d`` and ``Decimal`` read any script's digits), where
`payback quick --hosted-per-1k ٣٠٠` refuses the value ("must be a number; write 300") and a
scenario file cannot hold such a number at all. Each is now one line naming the box and
the value, with the number in 0 to 9 to type instead."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import payback
from helpers import EXAMPLES
from payback.cli import app as cli_app
from payback.web.state import Held
from payback.web.typed import ascii_number, read_number

APP = Path(payback.__file__).parent / "web" / "app.py"
REQUESTS = "in:traffic.requests_per_month"


@pytest.mark.parametrize("typed", ["٣٠٠", "２００", "3٠0", "۳۰۰", "２００,０００", "1.５", "२००"])
def test_digits_of_other_scripts_are_not_a_plain_number(typed: str) -> None:
    with pytest.raises(ValueError, match=re.escape(typed)):
        read_number(typed)
    with pytest.raises(ValueError, match=re.escape(typed)):
        read_number(typed + "%", percent=True)


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=8))
def test_only_ascii_digits_are_read(typed: str) -> None:
    """Any string of decimal digits reads as its number when they are 0 to 9 only, and is
    refused when one of them is another script's."""
    if typed.isascii():
        assert read_number(typed) == Decimal(typed)
    else:
        with pytest.raises(ValueError, match=re.escape(typed)):
            read_number(typed)


@pytest.mark.parametrize(("typed", "write"), [("٣٠٠", "300"), ("２００", "200")])
def test_the_number_to_write_is_the_command_lines(typed: str, write: str) -> None:
    """The page says what `payback quick` says of the same value: write it in 0 to 9."""
    result = CliRunner().invoke(
        cli_app,
        ["quick", "--hosted-per-1k", typed, "--self-hosted-per-1k", "2", "--one-time", "400"],
    )
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f"error: --hosted-per-1k {typed}: must be a number; write {write}"
    )
    assert ascii_number(typed) == f"; write {write}"


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_a_box_given_arabic_indic_digits_says_so_in_one_line() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    path = EXAMPLES / "quarter-200k.toml"
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    before = {m.label: m.value for m in at.metric}
    at = at.text_input(key=REQUESTS).set_value("٣٠٠").run()
    assert not at.exception
    assert [str(e.value) for e in at.error] == [
        "Requests per month, in month 1 \\[requests\\]\\: “٣٠٠” is not a plain number; "
        "allowed\\: more than 0 and at most 10,000,000,000,000, in digits with or without "
        "commas between thousands, such as 200,000; write 300"
    ]
    assert at.session_state["held"].value("traffic.requests_per_month") == 200_000
    assert not [m for m in at.metric if m.value != before.get(m.label)]  # no answer from it
