"""A value ``payback usage -o`` (or any edit) replaces in a TOML file keeps the comment after
it in its column, as YAML does: ``requests_per_month = 1461       # in month 1`` (the
spaces kept, the value 2 digits shorter) read 2 columns left of the file's other comments."""

from pathlib import Path

from helpers import EXAMPLES, run
from payback.scenario.edit import with_traffic, with_values

TRAFFIC = {
    "requests_per_month": 1461,
    "growth_monthly": 0.0,
    "input_tokens": 1000.04,
    "output_tokens": 200.0,
    "cached_input_share": 0.0,
    "peak_to_average": 3.5,
}


def _comment_columns(text: str, section: str) -> dict[str, int]:
    lines = text.split(f"[{section}]", 1)[1].split("\n[", 1)[0].splitlines()
    return {line.split(" =")[0]: line.index("#") for line in lines if " = " in line and "#" in line}


def test_usage_keeps_the_traffic_comments_in_their_column() -> None:
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    before = _comment_columns(text, "traffic")
    assert set(before.values()) == {34}  # the starter's column
    after = with_traffic(text, "toml", TRAFFIC)
    # the starter's words about the field stay true of a measured value: not marked
    assert "requests_per_month = 1461" + " " * 9 + "# in month 1" in after
    assert _comment_columns(after, "traffic") == before


def test_a_value_past_the_column_keeps_one_space() -> None:
    text = "[traffic]\nrequests_per_month = 1   # in month 1\n"
    after = with_traffic(text, "toml", {"requests_per_month": 123_456_789})
    assert after == "[traffic]\nrequests_per_month = 123456789 # in month 1\n"


def test_usage_marks_the_words_of_a_value_it_replaces() -> None:
    """usage -o into growth.toml wrote ``growth_monthly = 0.0  # +8% a month: 1M now, ~5.9M
    in month 24``: words about the file's value beside the measured one, tried as a new user
    would. They are marked with the value they were written about; a value unchanged keeps
    its words as they are."""
    text = (EXAMPLES / "growth.toml").read_text()
    after = with_traffic(text, "toml", {"growth_monthly": 0.0, "peak_to_average": 3.0})
    assert "growth_monthly = 0.0             # was 0.08: +8% a month: 1M now" in after
    assert after.replace("0.0             # was 0.08: ", "0.08            # ", 1) == text


def test_a_value_set_by_path_keeps_its_comment_column() -> None:
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    after = with_values(text, "toml", {"alternatives.0.usd_per_gpu_hour": 1.2345})
    line = next(x for x in after.splitlines() if x.startswith("usd_per_gpu_hour"))
    assert line == "usd_per_gpu_hour = 1.2345" + " " * 9 + (
        "# on-demand L4 rent, rounded from catalog: l4 at aws ($0.8048)"
    )


def test_usage_o_writes_aligned_toml(tmp_path: Path) -> None:
    logs = tmp_path / "logs.csv"
    rows = ["timestamp,input_tokens,output_tokens"]
    rows += [f"2026-09-01T{h:02d}:00:00,1000,200" for h in range(24)]
    logs.write_text("\n".join(rows) + "\n")
    scenario = tmp_path / "s2.toml"
    scenario.write_text((EXAMPLES / "quarter-200k.toml").read_text())
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    assert set(_comment_columns(scenario.read_text(), "traffic").values()) == {34}
