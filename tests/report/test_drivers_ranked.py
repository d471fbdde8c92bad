"""The words about drivers rank them as ``sensitivity --json`` does, by NPV swing: only a
tail of inputs ranked below the last that changes the answer is set aside in one line,
``--top K`` lists K, and a loss that grows or shrinks is never said to move the NPV "by a
tenth".

The scenario is the tutorial's exercise 3, examples/quarter-200k.toml with
``escalation_share = 0.30``: an NPV of -$1,671 with every input central. Its 19 inputs,
as ``--json`` ranks them: 1-4 (requests, growth, output tokens, the output price) take
the NPV across zero; 5, ``baseline.price_change_annual``, moves it -$10,529 to -$1,671
(a loss at both ends, never paid back: it changes nothing a reader acts on, but its swing,
$8,859, is larger than any below it); 6-15 take the break-even to or from "not within 24
months" (the 15th, ``recurring.retrain_usd``, month 22.7 to never, $1,422); 16-19 change
nothing and swing $750, $487, $183 and $80. So 15 are listed and 4 set aside."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import QUARTER, run
from payback.report.fleet import (
    ALWAYS_LISTED,
    answer_moves,
    changes_the_answer,
    moves_words,
    split_drivers,
)
from payback.studies.uncertainty import Driver

QUIET = [
    "alternatives.0.one_time.eval_usd",
    "scenario.discount_rate_annual",
    "baseline.cached_input_usd_per_mtok",
    "alternatives.0.one_time.training_usd",
]


def _esc30(tmp_path: Path) -> Path:
    text = QUARTER.read_text()
    assert "escalation_share = 0.10" in text
    file = tmp_path / "esc30.toml"
    file.write_text(text.replace("escalation_share = 0.10", "escalation_share = 0.30"))
    return file


def _ranked(out: str) -> list[str]:
    """The inputs a tornado's text lists, in their numbered order."""
    return re.findall(r"^\s*\d+\. [█ ]*(\S+)$", out, flags=re.MULTILINE)


def test_the_text_ranks_every_input_as_json_down_to_the_set_aside_tail(tmp_path: Path) -> None:
    file = _esc30(tmp_path)
    code, out, err = run("sensitivity", file, "--json")
    assert code == 0, err
    (alt,) = json.loads(out)["alternatives"]
    order = [d["parameter"] for d in alt["drivers"]]
    assert len(order) == 19
    assert order[4] == "baseline.price_change_annual"
    assert round(alt["drivers"][4]["npv_swing_usd"]) == 8859
    assert order[15:] == QUIET
    code, out, err = run("sensitivity", file)
    assert code == 0, err
    assert _ranked(out) == order[:15]  # the price trend 5th, as --json ranks it
    said = " ".join(out.split())
    assert (
        "4 more inputs leave it short of paying back within 24 months and move the NPV by at "
        "most $750 from low to high: " + ", ".join(QUIET) + "."
    ) in said


def test_top_k_lists_k(tmp_path: Path) -> None:
    code, out, err = run("sensitivity", _esc30(tmp_path), "--top", "5")
    assert code == 0, err
    assert _ranked(out) == [
        "traffic.requests_per_month",
        "traffic.growth_monthly",
        "traffic.output_tokens",
        "baseline.output_usd_per_mtok",
        "baseline.price_change_annual",
    ]
    assert "more input" not in out


def test_explain_counts_the_others_in_rank_and_no_tenth_of_a_loss(tmp_path: Path) -> None:
    """Ranks 4-15 (12 inputs) swing $1,422 (retrain_usd) to $9,141 (the output price); all
    but the price trend move the break-even or the NPV across zero; none is an NPV above
    zero at both ends, so no "tenth" is said."""
    code, out, err = run("explain", _esc30(tmp_path))
    assert code == 0, err
    said = " ".join(out.split())
    assert (
        "12 other inputs move the NPV by $1,422 to $9,141 from low to high; 11 of them also "
        "move the break-even by at least 0.05 months or the NPV across zero (the command "
        "payback sensitivity ranks every input). 4 more inputs leave it short of paying back within 24 months and move "
        "the NPV by at most $750 from low to high."
    ) in said
    assert "tenth" not in said


def _driver(
    name: str, npv: tuple[float, float], months: tuple[float | None, float | None]
) -> Driver:
    return Driver(name, 1.0, 2.0, *npv, *months, abs(npv[1] - npv[0]))


def test_an_input_above_a_listed_one_is_listed() -> None:
    """a, b: across zero; c: a loss at both ends, swing 800; d: to never, swing 500; e: a
    loss, swing 10. Only e is set aside; c is listed in its rank."""
    drivers = [
        _driver("a", (-1000.0, 1000.0), (None, 10.0)),
        _driver("b", (-900.0, 100.0), (None, 20.0)),
        _driver("c", (-900.0, -100.0), (None, None)),
        _driver("d", (-200.0, -700.0), (22.0, None)),
        _driver("e", (-400.0, -410.0), (None, None)),
    ]
    listed, quiet = split_drivers(drivers)
    assert [d.parameter for d in listed] == ["a", "b", "c", "d"]
    assert [d.parameter for d in quiet] == ["e"]
    assert [answer_moves(d) for d in drivers] == [
        ("break-even", "sign"),
        ("break-even", "sign"),
        (),
        ("break-even",),
        (),
    ]


def test_none_changing_the_answer_lists_the_top_three() -> None:
    drivers = [_driver(n, (-100.0 * k, -50.0), (None, None)) for k, n in enumerate("abcd", 2)]
    listed, quiet = split_drivers(drivers)
    assert [d.parameter for d in listed] == ["a", "b", "c"]
    assert [d.parameter for d in quiet] == ["d"]


def test_a_tenth_is_said_only_of_an_npv_above_zero() -> None:
    """A loss of $900 shrinking to $100 moves no "tenth"; $1,000 to $1,500 (a swing of
    $500, more than a tenth of $1,500) does; $1,000 to $1,100 ($100, under $150) does not."""
    loss = _driver("loss", (-900.0, -100.0), (None, 20.0))
    gain = _driver("gain", (1000.0, 1500.0), (3.0, 3.01))
    small = _driver("small", (1000.0, 1100.0), (3.0, 3.01))
    assert answer_moves(loss) == ("break-even",)
    assert answer_moves(gain) == ("tenth",)
    assert answer_moves(small) == ()
    assert moves_words([loss]) == "the break-even by at least 0.05 months"
    assert (
        moves_words([loss, gain])
        == "the break-even by at least 0.05 months or a positive NPV by at least 10%"
    )
    crossing = _driver("x", (-10.0, 10.0), (None, 5.0))
    assert moves_words([crossing, gain]) == (
        "the break-even by at least 0.05 months, the NPV across zero or a positive NPV by at least 10%"
    )


ends = st.floats(-1e6, 1e6, allow_nan=False)
months = st.one_of(st.none(), st.floats(0.0, 60.0))


@given(st.lists(st.tuples(ends, ends, months, months), max_size=12))
def test_only_a_tail_that_changes_nothing_is_set_aside(
    rows: list[tuple[float, float, float | None, float | None]],
) -> None:
    drivers = sorted(
        (_driver(f"p{i}", (a, b), (m, n)) for i, (a, b, m, n) in enumerate(rows)),
        key=lambda d: -d.npv_swing_usd,
    )
    listed, quiet = split_drivers(drivers)
    assert listed + quiet == drivers
    assert len(listed) >= min(ALWAYS_LISTED, len(drivers))
    assert not any(changes_the_answer(d) for d in quiet)
    if quiet and len(listed) > ALWAYS_LISTED:
        assert changes_the_answer(listed[-1])
    least = min((d.npv_swing_usd for d in listed), default=0.0)
    assert all(d.npv_swing_usd <= least for d in quiet)


@pytest.mark.parametrize(
    ("npv", "months", "sentence"),
    [
        (
            (-900.0, -800.0),
            (None, None),
            "None of them moves the break-even or the NPV across zero: the NPV stays a loss "
            "at both ends of each range.",
        ),
        (
            (1_000.0, 1_050.0),  # 50 of 1,050: under a tenth
            (3.0, 3.0),
            "None of them moves the break-even, the NPV across zero or a positive NPV by at "
            "least 10%.",
        ),
        (
            (1_000.0, 1_050.0),
            (3.0, 3.01),  # moved, by less than 0.05 months
            "None of them moves the break-even by at least 0.05 months, the NPV across zero "
            "or a positive NPV by at least 10%.",
        ),
        (
            (-900.0, -800.0),
            (20.0, 20.01),
            "None of them moves the break-even by at least 0.05 months or the NPV across "
            "zero: the NPV stays a loss at both ends of each range.",
        ),
    ],
)
def test_drivers_that_move_nothing_are_said_in_the_thresholds_words(
    npv: tuple[float, float], months: tuple[float | None, float | None], sentence: str
) -> None:
    """The sentence names each threshold as sensitivity's "also moves" lines do (it read
    "changes the break-even or the sign of the NPV" beside "moves the NPV across zero")."""
    from payback.report.explain import drivers_paragraphs
    from payback.studies.uncertainty import Driver

    driver = Driver("a", 1.0, 2.0, *npv, *months, abs(npv[1] - npv[0]))
    text = drivers_paragraphs([driver], 24, str, lambda d: "1 to 2")[0]
    assert text.endswith(sentence), text
