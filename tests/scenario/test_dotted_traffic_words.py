"""``payback usage -o`` marks the words after a number it replaces however the file writes
``[traffic]``, tried as a new user would: growth.toml with its traffic written as dotted keys
(``traffic.requests_per_month = 1000000  # one million now``) came back as
``traffic.requests_per_month = 7396  # one million now``, words about the old number beside
the measured one unmarked, where the ``[traffic]`` table's form of the same file reads
``# was 1000000: one million now``. tomlkit reaches dotted keys through a proxy whose value
after an assignment is a copy: a comment set on it never reached the file. An inline table
(``traffic = {...}  # words``) had its words left unmarked too."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import EXAMPLES, run
from payback.scenario.comments import marked_values
from payback.scenario.edit import with_traffic

GROWTH = (EXAMPLES / "growth.toml").read_text()
TABLE = GROWTH.replace(
    "requests_per_month = 1000000\n", "requests_per_month = 1000000  # one million now\n", 1
)
BLOCK = TABLE.split("[traffic]\n", 1)[1].split("\n\n", 1)[0] + "\n"
DOTTED = TABLE.replace("[traffic]\n" + BLOCK + "\n", "").replace(
    "[scenario]\n", "".join(f"traffic.{line}\n" for line in BLOCK.splitlines()) + "\n[scenario]\n"
)
"""growth.toml with its traffic in dotted keys before the first table, a comment on the
requests' line."""
MEASURED = {
    "requests_per_month": 7396,
    "growth_monthly": 0.5,
    "input_tokens": 2099.4,
    "output_tokens": 409.2,
    "cached_input_share": 0.1248,
    "peak_to_average": 10.47,
}
REQUESTS = "traffic.requests_per_month = 7396     # was 1000000: one million now"
"""The value 3 digits shorter, the comment kept in its column: 2 spaces + 3."""
GROWTH_LINE = (
    "traffic.growth_monthly = 0.5             # was 0.08: +8% a month: 1M now, ~5.9M in month 24"
)


def _traffic_lines(text: str, prefix: str) -> list[str]:
    return [line.removeprefix(prefix) for line in text.splitlines() if line.startswith(prefix)]


def test_the_dotted_file_is_the_tables_traffic() -> None:
    assert "[traffic]" not in DOTTED
    assert DOTTED.count("traffic.") == 6
    assert tomlkit.parse(DOTTED).unwrap() == tomlkit.parse(TABLE).unwrap()


def test_usage_marks_the_words_after_dotted_keys() -> None:
    after = with_traffic(DOTTED, "toml", MEASURED)
    lines = after.splitlines()
    assert REQUESTS in lines
    assert GROWTH_LINE in lines
    assert "traffic.input_tokens = 2099.4" in lines  # no words, no mark
    # the same marks, in the same columns, as the [traffic] table's form of the file
    table = with_traffic(TABLE, "toml", MEASURED).split("[traffic]\n", 1)[1].split("\n\n")[0]
    assert _traffic_lines(after, "traffic.") == table.splitlines()


@pytest.mark.parametrize(
    "text",
    [
        # the only traffic key: a table of its own, no proxy
        'traffic.requests_per_month = 1000000  # one million now\n[scenario]\nname = "x"\n',
        # no [scenario] table: the scenario's keys dotted too
        'scenario.name = "x"\ntraffic.requests_per_month = 1000000  # one million now\n'
        "traffic.growth_monthly = 0.08\n",
    ],
)
def test_any_file_of_dotted_keys_is_marked(text: str) -> None:
    after = with_traffic(text, "toml", {"requests_per_month": 7396, "growth_monthly": 0.0})
    assert REQUESTS in after.splitlines()


def test_a_value_unchanged_keeps_its_words_and_column() -> None:
    text = "traffic.requests_per_month = 7396     # one million now\ntraffic.x_y = 1\n"
    after = with_traffic(text, "toml", {"requests_per_month": 7396})
    assert after == text


def test_a_range_in_dotted_keys_is_kept_in_the_comment() -> None:
    text = (
        "traffic.requests_per_month = 100\n"
        'traffic.peak_to_average = { dist = "triangular", low = 2, mode = 3, high = 5 }  # unsure\n'
    )
    said: list[str] = []
    after = with_traffic(text, "toml", {"peak_to_average": 10.47}, said)
    assert after.splitlines()[1] == (
        'traffic.peak_to_average = 10.47  # was {dist = "triangular", low = 2, mode = 3, '
        "high = 5}: unsure"
    )
    assert said[0].endswith("; the range is kept in a comment after it")


def test_a_range_on_lines_of_its_own_keeps_their_words() -> None:
    text = (
        "traffic.requests_per_month = 100\n"
        'traffic.peak_to_average.dist = "uniform"  # unsure\n'
        "traffic.peak_to_average.low = 2\n"
        "traffic.peak_to_average.high = 5  # at launch\n"
    )
    after = with_traffic(text, "toml", {"peak_to_average": 10.47})
    assert after == (
        "traffic.requests_per_month = 100\n"
        'traffic.peak_to_average = 10.47  # was {dist = "uniform", low = 2, high = 5}: '
        "unsure; at launch\n"
    )


def test_an_inline_tables_words_name_the_keys_it_changed() -> None:
    text = (
        "traffic = { requests_per_month = 1000000, growth_monthly = 0.08, peak_to_average = 3 }"
        "  # one million, +8%\n"
    )
    after = with_traffic(text, "toml", {"requests_per_month": 7396, "peak_to_average": 3})
    assert after == (  # 3 written 3.0, the same value: not named
        "traffic = { requests_per_month = 7396, growth_monthly = 0.08, peak_to_average = 3.0 }"
        "   # was requests_per_month = 1000000: one million, +8%\n"
    )
    # a key the table did not have is named so; a value back to the one its mark names
    # leaves the mark
    again = with_traffic(after, "toml", {"requests_per_month": 1000000, "input_tokens": 900})
    assert again == (  # (tomlkit writes no space before the brace after a key it adds)
        "traffic = { requests_per_month = 1000000, growth_monthly = 0.08, peak_to_average = 3.0,"
        " input_tokens = 900.0} # was input_tokens not set: one million, +8%\n"
    )


def test_a_yaml_flow_tables_words_are_marked() -> None:
    text = "traffic: {requests_per_month: 1000000, growth_monthly: 0.08}  # one million, +8%\n"
    after = with_traffic(text, "yaml", {"requests_per_month": 7396, "growth_monthly": 0.08})
    assert after == (
        "traffic: {requests_per_month: 7396, growth_monthly: 0.08}     "
        "# was requests_per_month = 1000000: one million, +8%\n"
    )


def test_the_pages_download_marks_dotted_keys() -> None:
    values = {"traffic.requests_per_month": 7396, "traffic.growth_monthly": 0.5}
    after = marked_values(DOTTED, "toml", values)
    assert REQUESTS in after.splitlines()
    assert GROWTH_LINE in after.splitlines()
    back = marked_values(after, "toml", {"traffic.requests_per_month": 1000000})
    assert "traffic.requests_per_month = 1000000  # one million now" in back.splitlines()


@settings(max_examples=40, deadline=None)
@given(
    requests=st.integers(1, 10**9),
    growth=st.sampled_from([0.0, 0.01, 0.08, 0.125, 0.5]),
)
def test_dotted_and_table_forms_write_the_same_lines(requests: int, growth: float) -> None:
    measured = {**MEASURED, "requests_per_month": requests, "growth_monthly": growth}
    dotted = _traffic_lines(with_traffic(DOTTED, "toml", measured), "traffic.")
    table = with_traffic(TABLE, "toml", measured).split("[traffic]\n", 1)[1].split("\n\n")[0]
    assert dotted == table.splitlines()
    marked = [line for line in dotted if "# was " in line]
    assert len(marked) == (requests != 1000000) + (growth != 0.08)


def test_usage_o_marks_a_dotted_files_words(tmp_path: Path) -> None:
    logs = tmp_path / "logs.csv"
    rows = ["timestamp,input_tokens,output_tokens"]
    rows += [f"2026-09-01T{h:02d}:00:00,1000,200" for h in range(24)]
    logs.write_text("\n".join(rows) + "\n")
    scenario = tmp_path / "dotted.toml"
    scenario.write_text(DOTTED)
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    lines = scenario.read_text().splitlines()
    # 24 requests in a day: 730.5 a month (30.4375 days), 2 digits longer than 1000000
    assert "traffic.requests_per_month = 730.5    # was 1000000: one million now" in lines
    # the growth is not measured from a day: kept, and its words with it
    assert GROWTH_LINE.replace("0.5 ", "0.08", 1).replace("was 0.08: ", "") in lines


def test_a_literal_string_keeps_its_quotes_beside_its_marked_words() -> None:
    text = "[scenario]\nname = 'ours'  # its name\n\n[traffic]\nx.requests = 1\n"
    after = marked_values(text, "toml", {"scenario.name": "theirs"})
    assert after.splitlines()[1] == "name = 'theirs' # was 'ours': its name"  # 2 longer
