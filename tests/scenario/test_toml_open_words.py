"""Two TOML mistakes a new user makes in `payback init`'s starter, said with the parser's
words alone: an inline table wrapped over two lines ("not valid TOML: Invalid initial
character for a key part (at line 12, column 44)": TOML 1.0 keeps { ... } on one line),
and text in single quotes left open ('Expected "\'" (at end of document)', no line), where
the same text in double quotes names its line."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES, assert_user_error, run

QUARTER = (EXAMPLES / "quarter-200k.toml").read_text(encoding="utf-8")


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "q.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert len(err.strip().splitlines()) == 1, err
    return err.strip().removeprefix(f"error: {tmp_path}/")


def test_an_inline_table_wrapped_over_two_lines(tmp_path: Path) -> None:
    old = "requests_per_month = 200000 "
    wrapped = 'requests_per_month = { dist = "triangular",\n  low = 150000, mode = 200000, high = 320000 } #'
    assert QUARTER.splitlines()[11].startswith(old)
    assert _error(tmp_path, QUARTER.replace(old, wrapped)) == (
        'q.toml line 12: traffic.requests_per_month = { dist = "triangular",: an inline table '
        "{ ... } must stay on one line in TOML 1.0; write it on one line, with its closing }"
    )
    one_line = wrapped.replace(",\n  ", ", ")  # the same table on one line reads
    path = tmp_path / "ok.toml"
    path.write_text(QUARTER.replace(old, one_line), encoding="utf-8")
    assert run("analyze", path)[0] == 0


def test_text_in_single_quotes_left_open_names_its_line(tmp_path: Path) -> None:
    old = 'name = "fine-tuned 7B on one rented L4"'
    assert QUARTER.splitlines()[27] == old
    opened = "name = 'fine-tuned 7B on one rented L4"
    assert _error(tmp_path, QUARTER.replace(old, opened)) == (
        "q.toml line 28: alternatives.0.name = 'fine-tuned 7B on one rented L4: text needs "
        "its closing quote (') before the line ends"
    )
    double = _error(tmp_path, QUARTER.replace(old, old[:-1]))  # as the double-quote case
    assert double == (
        'q.toml line 28: alternatives.0.name = "fine-tuned 7B on one rented L4: text needs '
        'its closing quote (") before the line ends'
    )
