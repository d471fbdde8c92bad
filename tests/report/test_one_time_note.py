"""The note under the one-time cost chart: tried as a new user would, with a $20,000
training run (four runs, $80,000 of $92,700) the report said "training runs $80,000
(86.3%) … the largest item is training runs" while the note under the chart said "The
training run is rarely the big item; data and engineering time usually are.", fixed text
the chart beside it contradicted. Now the note names each alternative's largest item, its
cost and its share, as the report's prose does."""

from __future__ import annotations

import tomllib
from pathlib import Path

from helpers import EXAMPLES, build, edited, run
from payback import analyze, load_scenario
from payback.report import charts as ch

QUARTER = EXAMPLES / "quarter-200k.toml"


def _costly_training() -> dict:
    data = tomllib.loads(QUARTER.read_text())
    return edited(data, "alternatives.0.one_time.training_usd", 20000.0)


def test_the_note_names_the_largest_item_and_its_share() -> None:
    # 4 runs × $20,000 = $80,000; + data $4,000 + 60 h × $120 = $7,200 + eval $1,500:
    # $92,700, of which training is 80,000 / 92,700 = 86.30%
    chart = ch.one_time_items(analyze(build(_costly_training())))
    assert chart.note == "The largest item is training runs: $80,000 of $92,700 (86.3%)."


def test_the_example_note_names_engineering_time() -> None:
    # the example as shipped: 4 × $40 = $160 of training; engineering $7,200 of $12,860
    chart = ch.one_time_items(analyze(load_scenario(QUARTER)))
    assert chart.note == "The largest item is engineering time: $7,200 of $12,860 (56.0%)."


def test_each_alternative_has_its_own_largest_item() -> None:
    # growth.toml: each fine-tuned 8B pays engineering $22,000 of $44,000; the smaller
    # hosted model $8,800 of $13,800 (63.8%): one place for the whole note, as the fine-tuned
    # ones' prose needs one (their training runs are 4.5%), where it read "(50.0%)" beside
    # "(64%)"
    note = ch.one_time_items(analyze(load_scenario(EXAMPLES / "growth.toml"))).note
    assert note == (
        "The largest item of 'fine-tuned 8B on rented H100s' is engineering time: "
        "$22,000 of $44,000 (50.0%). "
        "The largest item of 'fine-tuned 8B, serverless (scale to zero)' is engineering "
        "time: $22,000 of $44,000 (50.0%). "
        "The largest item of 'smaller hosted model, prompt-tuned' is engineering time: "
        "$8,800 of $13,800 (63.8%)."
    )


def test_each_share_in_the_note_is_its_own_rounding() -> None:
    # owned-h100.toml: $19,200 of $27,207 is 70.57%, where shares forced to add up to 100%
    # (the training runs' $7.01, 0.026%, read 0.1%) wrote 70.5%
    note = ch.one_time_items(analyze(load_scenario(EXAMPLES / "owned-h100.toml"))).note
    assert note.startswith(
        "The largest item of 'Llama 3.1 8B FP8 on owned 8x H100 servers' is engineering time: "
        "$19,200 of $27,207 (70.6%)."
    )


def test_a_note_of_whole_shares_stays_whole() -> None:
    # the hosted alternative alone: $8,800 and $5,000 of $13,800 are 64% and 36%, whole
    data = tomllib.loads((EXAMPLES / "growth.toml").read_text())
    data["alternatives"] = data["alternatives"][2:]
    note = ch.one_time_items(analyze(build(data))).note
    assert note == "The largest item is engineering time: $8,800 of $13,800 (64%)."


def test_an_alternative_without_one_time_cost_says_so() -> None:
    data = _costly_training()
    second = edited(data["alternatives"][0], "name", "no setup")
    second["one_time"] = {}
    data["alternatives"].append(second)
    note = ch.one_time_items(analyze(build(data))).note
    assert note == (
        "The largest item of 'fine-tuned 7B on one rented L4' is training runs: "
        "$80,000 of $92,700 (86.3%). 'no setup' has no one-time cost."
    )


def test_the_report_and_its_note_agree(tmp_path: Path) -> None:
    data = _costly_training()
    text = QUARTER.read_text().replace("training_usd = 40.0 ", "training_usd = 20000.0 ")
    assert tomllib.loads(text) == data
    (tmp_path / "s.toml").write_text(text)
    code, _, err = run("report", tmp_path / "s.toml", "-o", tmp_path / "t.md")
    assert code == 0, err
    report = (tmp_path / "t.md").read_text()
    assert "rarely the big item" not in report
    assert "*The largest item is training runs: \\$80,000 of \\$92,700 (86.3%).*" in report
    assert "training runs \\$80,000 (86.3%)" in report
    assert "the largest item is training runs." in report
