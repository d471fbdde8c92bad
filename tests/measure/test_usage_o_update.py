"""``payback usage -o`` onto a scenario that is there: what it writes and what it says
agree (a growth of 0 fitted from too few months is told, not silently left as the file's
own), the words payback wrote there about earlier traffic (its title, header and capacity
comment) are made true of the new traffic, and the lines of the user's (or the starter's)
that state other traffic are named, left as written."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, run
from payback import load_scenario, profile_usage

pytestmark = pytest.mark.slow

HEADER = "created_at,model,prompt_tokens,completion_tokens\n"
STARTER = resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")
REST = "hosted big model vs fine-tuned 7B on one rented L4"


def flat_logs(path: Path, first: dt.date, end: dt.date, per_day: int, tokens: str) -> Path:
    """``per_day`` requests every day from ``first`` to before ``end``, evenly apart from
    00:30 to 23:30 (the first and last months complete), each of ``tokens``
    (``input,output``): a growth of exactly 0."""
    rows = []
    day = dt.datetime(first.year, first.month, first.day, 0, 30, tzinfo=dt.UTC)
    step = dt.timedelta(hours=23) / (per_day - 1)
    while day.date() < end:
        rows += [f"{(day + k * step).isoformat()},m,{tokens}\n" for k in range(per_day)]
        day += dt.timedelta(days=1)
    path.write_text(HEADER + "".join(rows))
    return path


def six_months(tmp_path: Path) -> Path:
    """January to June 2026, 10 a day of 1,000/200 tokens: 10 × 30.4375 = 304 a month."""
    return flat_logs(tmp_path / "a.csv", dt.date(2026, 1, 1), dt.date(2026, 7, 1), 10, "1000,200")


def three_months(tmp_path: Path) -> Path:
    """October to December 2026, 8 a day of 500/50 tokens: 8 × 30.4375 = 243.5 a month."""
    return flat_logs(tmp_path / "b.csv", dt.date(2026, 10, 1), dt.date(2027, 1, 1), 8, "500,50")


def with_growth(tmp_path: Path, growth: str) -> Path:
    scenario = tmp_path / "s.toml"
    scenario.write_text(STARTER.replace("growth_monthly = 0.0  ", f"growth_monthly = {growth}"))
    return scenario


# -- what is written and what is said agree ---------------------------------------------


def test_a_flat_growth_from_three_months_is_told_not_written(tmp_path: Path) -> None:
    """It was shown as +0.00% and 'Wrote s.toml: its [traffic] numbers' with no word that
    the file keeps its 0.03, which analyze then compounded at +3 % a month."""
    scenario = with_growth(tmp_path, "0.03")
    code, _, err = run("usage", three_months(tmp_path), "-o", scenario)
    assert code == 0, err
    assert (
        f"warning: {scenario}: growth_monthly +0.00% a month is fitted from only 3 complete "
        "months (2026-10 to 2026-12); it is not written, the scenario keeps its own "
        "(growth_monthly = 0.03): set the growth you expect, or measure 6 complete months "
        "or more"
    ) in " ".join(err.split())
    assert load_scenario(scenario).traffic.growth_monthly == 0.03
    assert load_scenario(scenario).traffic.requests_per_month == 243.5  # 244 would be 0.2% off


def test_no_growth_measured_is_told_where_the_scenario_keeps_another(tmp_path: Path) -> None:
    # October whole and November to the 10th: one complete month, no growth fitted
    logs = flat_logs(tmp_path / "c.csv", dt.date(2026, 10, 1), dt.date(2026, 11, 10), 8, "5,1")
    scenario = with_growth(tmp_path, "0.03")
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    assert (
        f"warning: {scenario}: growth_monthly is not measured: the logs hold 1 complete "
        "month (2026-10); the scenario keeps its own 0.03: set the growth you expect, or "
        "measure 6 complete months or more"
    ) in " ".join(err.split())
    assert "growth_monthly is 0" not in err  # no note saying otherwise
    assert load_scenario(scenario).traffic.growth_monthly == 0.03
    # where the scenario keeps 0, the 0 said is the 0 written: nothing to tell
    scenario = with_growth(tmp_path, "0.0 ")
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    assert "warning" not in err


def test_a_flat_growth_from_six_months_is_written_as_zero(tmp_path: Path) -> None:
    scenario = with_growth(tmp_path, "0.03")
    code, _, err = run("usage", six_months(tmp_path), "-o", scenario)
    assert code == 0, err
    assert "growth_monthly" not in err
    assert load_scenario(scenario).traffic.growth_monthly == 0.0
    assert "growth_monthly = 0.0             # compound" in scenario.read_text()


# -- payback's own words made true of the new traffic -----------------------------------


@pytest.mark.parametrize("name", ["s.toml", "s.yaml"])
def test_o_over_a_scenario_it_wrote_rewrites_its_own_words_and_keeps_the_users(
    tmp_path: Path, name: str
) -> None:
    """A scenario usage -o made from six months, edited by its user (its title's words
    after the traffic, its growth, a comment of theirs), then given three other months:
    its title, header and capacity comment named the first logs, their 304 requests a
    month and 1,000/200 tokens."""
    scenario = tmp_path / name
    code, _, err = run("usage", six_months(tmp_path), "-o", scenario)
    assert code == 0, err
    made = scenario.read_text()
    lines = made.splitlines()
    assert lines[:2] == [
        "# A payback scenario: [traffic] measured by `payback usage` in a.csv",
        "# (2026-01-01 to 2026-06-30); the rest is the starter's: a hosted big model against a",
    ]
    assert load_scenario(scenario).scenario.name == f"304 requests/month from a.csv: {REST}"
    assert "capacity estimated at the measured 1,000/200 tokens (the starter's" in made
    growth = "growth_monthly = " if name.endswith(".toml") else "growth_monthly: "
    edited = (
        made.replace(REST, "support bot on the API vs our 7B")
        .replace(f"{growth}0.0 ", f"{growth}0.02")
        .replace("# Money is USD", "# ours: 300 requests/month last spring\n# Money is USD")
    )
    scenario.write_text(edited)
    code, out, err = run("usage", three_months(tmp_path), "-o", scenario)
    assert code == 0, err
    assert (
        f"Wrote {scenario}: its [traffic] numbers and the words an earlier -o wrote on it, "
        "all else kept"
    ) in " ".join(out.split())
    text = scenario.read_text()
    got = load_scenario(scenario)
    assert got.scenario.name == (
        "244 requests/month from b.csv (growth +2.00%/month as set: its 3 months grew "
        "+0.00%/month): support bot on the API vs our 7B"
    )
    assert got.traffic.growth_monthly == 0.02  # the user's, kept
    assert text.splitlines()[:2] == [
        "# A payback scenario: [traffic] measured by `payback usage` in b.csv",
        "# (2026-10-01 to 2026-12-31); the rest is the starter's: a hosted big model against a",
    ]
    assert "capacity estimated at the measured 500/50 tokens (the starter's 0.85" in text
    assert "1,000/200" not in text
    assert "a.csv" not in text
    assert "# ours: 300 requests/month last spring" in text  # the user's words stay
    said = " ".join(err.split())
    assert (
        f"note: {scenario}: line 5 says '300 requests/month', where 244 requests/month were "
        "measured: it may no longer describe the traffic (left as written)"
    ) in said
    assert said.count(f"note: {scenario}: line") == 1
    # and back: the file is the one the six months made, with the user's edits but the
    # growth, which six months measure and write
    code, _, err = run("usage", six_months(tmp_path), "-o", scenario)
    assert code == 0, err
    assert scenario.read_text() == edited.replace(f"{growth}0.02", f"{growth}0.0 ")
    assert f"note: {scenario}: line" not in err


def test_o_over_a_new_scenario_with_the_growth_unwritten_and_then_written(
    tmp_path: Path,
) -> None:
    """Three months make a title 'held flat' and a growth comment 'too few to
    extrapolate'; six months then write the growth: the file is what six months make."""
    scenario = tmp_path / "s.toml"
    code, _, err = run("usage", three_months(tmp_path), "-o", scenario)
    assert code == 0, err
    assert "# 3 months (2026-10 to 2026-12) grew +0.00%/month: too few" in scenario.read_text()
    code, _, err = run("usage", six_months(tmp_path), "-o", scenario)
    assert code == 0, err
    fresh = tmp_path / "fresh.toml"
    code, _, err = run("usage", six_months(tmp_path), "-o", fresh)
    assert code == 0, err
    assert scenario.read_text() == fresh.read_text()


def test_a_byte_order_mark_and_crlf_stay_where_its_words_are_rewritten(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    code, _, err = run("usage", six_months(tmp_path), "-o", scenario)
    assert code == 0, err
    scenario.write_bytes(b"\xef\xbb\xbf" + scenario.read_bytes().replace(b"\n", b"\r\n"))
    code, _, err = run("usage", three_months(tmp_path), "-o", scenario)
    assert code == 0, err
    raw = scenario.read_bytes()
    assert raw.startswith(
        b"\xef\xbb\xbf# A payback scenario: [traffic] measured by `payback usage` in b.csv\r\n"
        b"# (2026-10-01 to 2026-12-31); "
    )
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b'name = "244 requests/month from b.csv (held flat: ' in raw


# -- the user's and the starter's words named, not changed ------------------------------


def test_o_over_the_starter_names_the_lines_that_state_other_traffic(tmp_path: Path) -> None:
    """The starter's header and title say 200k requests a month, its capacity is stated at
    2,000/400 tokens: a new scenario has them rewritten, this one had them kept with no
    word."""
    scenario = tmp_path / "t.toml"
    scenario.write_text(STARTER)
    code, out, err = run("usage", six_months(tmp_path), "-o", scenario)
    assert code == 0, err
    assert f"Wrote {scenario}: its [traffic] numbers, everything else kept" in out
    said = [" ".join(line.split()) for line in err.split("note: ")[1:]]
    # (the logs have no cached column: that it is kept is noted too)
    assert [line for line in said if line.startswith(f"{scenario}: line ")] == [
        f"{scenario}: line 1 says '200k requests a month', where 304 requests/month were "
        "measured: it may no longer describe the traffic (left as written)",
        f"{scenario}: line 7 says '200k requests/month', where 304 requests/month were "
        "measured: it may no longer describe the traffic (left as written)",
        f"{scenario}: line 32: replica_requests_per_s is stated at 2,000/400 tokens, where "
        "1,000/200 tokens were measured: re-check it (a model, gpu and engine in its place "
        "are estimated at the measured lengths); left as written",
    ]
    text = scenario.read_text()
    before, after = STARTER.split("[traffic]"), text.split("[traffic]")
    assert after[0] == before[0]  # its header and title, as written
    assert after[1].split("[baseline]")[1] == before[1].split("[baseline]")[1]


def test_refreshed_updates_the_measured_lengths_of_a_capacity_to_re_check(
    tmp_path: Path,
) -> None:
    """Where a new scenario's capacity could not be estimated, its comment says it is the
    starter's, 'not the measured 1,747/275': that is payback's, rewritten; the line is
    named, as it states other lengths."""
    from payback.measure.usage.rewritten import refreshed

    profile = profile_usage([six_months(tmp_path)])
    line = (
        "replica_requests_per_s = 0.85     # re-check: an estimate for qwen2.5-7b bf16 on 1 × "
        "l4 (vllm) at the starter's 2,000/400 tokens, not the measured {}"
    )
    text = "[scenario]\nname = 'mine'\n\n[[alternatives]]\n" + line.format("1,747/275") + "\n"
    new, notes = refreshed(text, "toml", profile)
    assert new == text.replace(line.format("1,747/275"), line.format("1,000/200"))
    assert notes == [
        "line 5: replica_requests_per_s is stated at 2,000/400 tokens, where 1,000/200 tokens "
        "were measured: re-check it (a model, gpu and engine in its place are estimated at "
        "the measured lengths); left as written"
    ]


def test_a_flat_fit_the_scenario_already_keeps_is_not_warned_of(tmp_path: Path) -> None:
    """Three months fitted flat (+0.00%) onto a scenario that keeps 0: the warning said the
    +0.00% was not written and the scenario kept its own 0, the same number as shown. With
    a growth of 0.0001 kept (+0.01%, another number as shown), it stays."""
    scenario = with_growth(tmp_path, "0.0 ")
    code, _, err = run("usage", three_months(tmp_path), "-o", scenario)
    assert code == 0, err
    assert "growth_monthly" not in err
    scenario = with_growth(tmp_path, "0.0001")
    code, _, err = run("usage", three_months(tmp_path), "-o", scenario)
    assert code == 0, err
    assert (
        f"warning: {scenario}: growth_monthly +0.00% a month is fitted from only 3 complete "
        "months (2026-10 to 2026-12); it is not written, the scenario keeps its own "
        "(growth_monthly = 0.0001)"
    ) in " ".join(err.split())


def test_o_over_the_starter_names_a_capacity_stated_at_another_cached_share(
    tmp_path: Path,
) -> None:
    """Logs of the starter's 2,000/400 tokens with 1,600 of the 2,000 cached (80 %): the
    starter's capacity is stated 'at 2,000/400 tokens, 20% cached', 60 points away, and is
    named with its share, as other token lengths are."""
    rows = []
    day = dt.datetime(2026, 10, 1, 0, 30, tzinfo=dt.UTC)
    while day.month < 12:
        rows.append(f"{day.isoformat()},m,2000,400,1600\n")
        day += dt.timedelta(hours=6)
    logs = tmp_path / "c.csv"
    logs.write_text(
        "created_at,model,prompt_tokens,completion_tokens,cached_tokens\n" + "".join(rows)
    )
    scenario = tmp_path / "t.toml"
    scenario.write_text(STARTER)
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    said = [" ".join(line.split()) for line in err.split("note: ")[1:]]
    assert (
        f"{scenario}: line 32: replica_requests_per_s is stated at 2,000/400 tokens, 20% "
        "cached, where 2,000/400 tokens, 80% cached were measured: re-check it (a model, gpu "
        "and engine in its place are estimated at the measured traffic); left as written"
    ) in said


def test_stale_lines_read_a_cached_share_with_its_lengths() -> None:
    """A share more than 10 points from the measured 80 % is named, with the lengths it
    was stated at; one within 10 points is not, unless the lengths are far (then both)."""
    from types import SimpleNamespace

    from payback.measure.usage.rewritten import stale_lines

    profile: Any = SimpleNamespace(
        traffic={
            "requests_per_month": 1000.0,
            "input_tokens": 2000.0,
            "output_tokens": 400.0,
            "cached_input_share": 0.8,
        }
    )
    text = (
        "# sized at 2,000/400 tokens, 75% cached\n"  # 5 points: as measured
        "# sized at 2,000/400 tokens, 69% cached\n"  # 11 points
        "# sized at 1,000/400 tokens, 80% cached\n"  # other lengths, the share with them
        "# 20% cached in the old days\n"  # a share alone
    )
    assert stale_lines(text, profile) == [
        "line 2 says '2,000/400 tokens, 69% cached', where 2,000/400 tokens, 80% cached were "
        "measured: it may no longer describe the traffic (left as written)",
        "line 3 says '1,000/400 tokens, 80% cached', where 2,000/400 tokens, 80% cached were "
        "measured: it may no longer describe the traffic (left as written)",
        "line 4 says '20% cached', where 80% cached were measured: it may no longer describe "
        "the traffic (left as written)",
    ]
    # without a cached-token column the share is not measured: nothing to read it against
    profile.traffic.pop("cached_input_share")
    assert stale_lines(text, profile) == [
        "line 3 says '1,000/400 tokens', where 2,000/400 tokens were measured: it may no "
        "longer describe the traffic (left as written)"
    ]


def test_stale_lines_read_a_count_in_the_comment_of_the_traffics_own_lines() -> None:
    """growth.toml's `growth_monthly = 0.08  # +8% a month: 1M now, ~5.9M in month 24`
    was left unnamed after usage -o measured 4,358 requests/month: only "N requests/month"
    was read. A count (1M, 200k, 1.5 million) in the comment of requests_per_month or
    growth_monthly is of requests now; one of a later month, of tokens or of money, and a
    count on any other line, are not read."""
    from types import SimpleNamespace

    from payback.measure.usage.rewritten import stale_lines

    profile: Any = SimpleNamespace(
        traffic={"requests_per_month": 4358.0, "input_tokens": 1500.0, "output_tokens": 350.0}
    )
    growth = (ROOT / "examples" / "growth.toml").read_text(encoding="utf-8").splitlines()
    assert growth[12] == "growth_monthly = 0.08            # +8% a month: 1M now, ~5.9M in month 24"
    text = "\n".join(
        [
            growth[12],
            "requests_per_month: 1000000  # 1.5 million a month",  # YAML
            "requests_per_month = 4400  # ~4.4k now, 1M tokens",  # within 10 %: as measured
            "growth_monthly = 0.05  # ~5.9M in month 24, 2k tokens, $10k",
            "ops_usd_per_month = 300.0  # 200k a year of salary",  # not a traffic line
            "# 1M now",  # not a traffic line
        ]
    )
    assert stale_lines(text, profile) == [
        "line 1 says '1M', where 4,358 requests/month were measured: it may no longer "
        "describe the traffic (left as written)",
        "line 2 says '1.5 million', where 4,358 requests/month were measured: it may no "
        "longer describe the traffic (left as written)",
    ]
    profile.traffic["requests_per_month"] = 1_000_000.0
    assert stale_lines(growth[12], profile) == []
