"""Words about the baseline fleet the workloads share today, as a review of portfolio
output on one self-hosted baseline found them wrong:

- the contributions row read "baseline fleet, retired as a set" where the fleet keeps
  running after every move (for the escalated share);
- the contributions chart's note said the nets less the shared items add up to the NPV,
  leaving out the baseline-fleet row it needs;
- explain said workloads that each lose money moved alone "save nothing by moving";
- analyze and explain said today's figure "is what moving them sheds of the baseline
  fleet" where a served workload runs on a hosted baseline of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from baseline_fleet_files import escalating
from helpers import run

FLEET = """
[scenario]
name = "x"
horizon_months = HORIZON
discount_rate_annual = 0.0

[baseline]
name = "old fleet"
kind = "self_hosted"
gpus_per_replica = 2
replica_requests_per_s = 1.0
min_replicas = 2
ops_usd_per_month = 500.0
BASELINE
[[alternatives]]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 0.5
output_usd_per_mtok = 1.5
escalation_share = ESCALATION
PORTFOLIO
[alternatives.one_time]
engineer_hours = 10
engineer_usd_per_hour = 100
""" + "".join(
    f"""
[[workloads]]
name = "{n}"
traffic = {{ requests_per_month = {r}, input_tokens = 1000, output_tokens = 100, \
peak_to_average = 2.0GROWTH }}
"""
    for n, r in (("a", 2000000), ("b", 1000000), ("c", 500000))
)

RENTED = """usd_per_gpu_hour = 2.0
commitment = "1y"
gpu_price_change_annual = -0.2
"""
OWNED = """[baseline.owned]
usd_per_server = 200000
gpus_per_server = 8
kw_per_server = 10
usd_per_kwh = 0.1
pue = 1.2
colocation_usd_per_server_month = 1000
depreciation_months = MONTHS
financing = "depreciation"
"""


def _file(tmp_path: Path, name: str, **parts: str) -> Path:
    text = FLEET
    for key, value in parts.items():
        text = text.replace(key.upper(), value)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _kept(tmp_path: Path) -> Path:
    """The fleet keeps 2 × 2 GPUs for the escalated share once all 3 move."""
    owned = OWNED.replace("MONTHS", "12")
    return _file(
        tmp_path, "kept", horizon="24", baseline=owned, escalation="0.3", portfolio="",
        growth=", growth_monthly = 0.05",
    )  # fmt: skip


def _double(tmp_path: Path) -> Path:
    """a and b move, c stays: each moved alone avoids some of the same replicas."""
    return _file(
        tmp_path, "double", horizon="12", baseline=RENTED, escalation="0.1",
        portfolio='portfolio = { workloads = ["a", "b"] }', growth="",
    )  # fmt: skip


def _losing(tmp_path: Path) -> Path:
    """Every workload loses money moved alone; the set retires the fleet."""
    owned = OWNED.replace("MONTHS", "36")
    return _file(
        tmp_path, "losing", horizon="24", baseline=owned, escalation="0.0", portfolio="",
        growth="",
    )  # fmt: skip


def _flat(out: str) -> str:
    return " ".join(out.split())


def test_the_row_says_retired_only_where_the_set_retires_the_fleet(tmp_path: Path) -> None:
    code, out, err = run("analyze", _kept(tmp_path))
    assert code == 0, err
    text = _flat(out)
    assert "after moving all 3: 2 × 2 GPUs, $18,543, for the escalated share" in text
    assert "baseline fleet, saved only by the set $12,000" in text
    assert "retired as a set" not in text
    code, out, err = run("analyze", _losing(tmp_path))
    assert code == 0, err
    text = _flat(out)
    assert "moving all 3 retires it" in text
    assert "baseline fleet, retired as a set $190,357" in text


_MONEY = r"(-?)\\?\$([0-9,]+(?:\.[0-9]+)?)"


def _amounts(text: str) -> list[float]:
    return [
        (-1.0 if sign else 1.0) * float(value.replace(",", ""))
        for sign, value in re.findall(_MONEY, text)
    ]


def _note(tmp_path: Path, path: Path) -> tuple[str, float]:
    """The contributions chart's note in the report, and the report's NPV."""
    report = tmp_path / f"{path.stem}.md"
    code, _, err = run("report", path, "-o", report)
    assert code == 0, err
    text = report.read_text(encoding="utf-8")
    npv = re.search(r"NPV, \d+ months \| " + _MONEY, text)
    assert npv is not None
    notes = [line for line in text.splitlines() if "add up to" in line]
    assert len(notes) == 1
    return notes[0], float(npv.group(2).replace(",", "")) * (-1 if npv.group(1) else 1)


def test_the_charts_note_names_figures_that_add_up_to_the_npv(tmp_path: Path) -> None:
    note, npv = _note(tmp_path, _double(tmp_path))
    assert npv == 48_020
    assert (
        "The nets (\\$56,040, \\$28,020), the row 'baseline fleet, counted more than once'"
        " (-\\$35,040) and the shared ops, retraining and one-time items (-\\$1,000) add up"
        " to the alternative's NPV (\\$48,020)." in note
    )
    for path in (_double(tmp_path), _kept(tmp_path), _losing(tmp_path)):
        note, npv = _note(tmp_path, path)
        parts = _amounts(note.split("add up to")[0].split("does not.")[-1])
        assert len(parts) >= 3, note
        assert abs(sum(parts) - npv) <= 1.0, (path.stem, note)
        assert _amounts(note)[-1] == npv


def test_explain_says_each_loses_alone_and_the_set_saves(tmp_path: Path) -> None:
    code, out, err = run("explain", _losing(tmp_path))
    assert code == 0, err
    text = _flat(out)
    assert "save nothing" not in text
    assert (
        "Once their own one-time items are paid, a, b, c lose $31,200, $15,600, $7,800 by"
        " moving alone (present values); moved as a set, they save $190,357 more of the"
        " baseline fleet, which none saves alone." in text
    )


def test_todays_figure_includes_a_served_workloads_own_baseline(tmp_path: Path) -> None:
    path = _double(tmp_path)
    text = path.read_text(encoding="utf-8")
    hosted = (  # c on a hosted API of its own, served too
        '\n[workloads.baseline]\nname = "c api"\nkind = "hosted_api"\n'
        "input_usd_per_mtok = 3.0\noutput_usd_per_mtok = 3.0\n"
    )
    text = text.replace('workloads = ["a", "b"]', 'workloads = ["a", "b", "c"]') + hosted
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 0, err
    flat = _flat(out)
    assert "today's figure includes what moving them sheds of the baseline fleet" in flat
    assert "today's figure is what" not in flat
    code, out, err = run("explain", path)
    assert code == 0, err
    assert "(what it sheds of the baseline fleet and what c costs on its own; " in _flat(out)
    code, out, err = run("analyze", _double(tmp_path))
    assert code == 0, err
    assert "today's figure is what moving them sheds of the baseline fleet" in _flat(out)
    code, out, err = run("explain", _double(tmp_path))
    assert code == 0, err
    assert "costs on its own" not in _flat(out)


ESCALATED_ALL = escalating(0.2)


def test_every_workload_moved_onto_a_fleet_kept_for_the_escalated_share(tmp_path: Path) -> None:
    """All three move and 20% escalates to the fleet, which keeps its one 2-GPU replica
    (2 × $2 × 730 h = $2,920): the alternative's $2,985 is the tokens of the 240,000
    requests it answers (240,000 × (1,000 × $0.15 + 200 × $0.60) / 1M = $64.80) and that
    fleet. It said "today's figure is what moving them sheds of the baseline fleet", but
    moving them sheds none of it (review)."""
    path = tmp_path / "all.toml"
    path.write_text(ESCALATED_ALL, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 0, err
    flat = _flat(out)
    assert (
        "$2,985 against $2,920 today (month 12: $2,985 against $2,920); today's figure is the "
        "baseline fleet's, and the alternative's includes the $2,920 a month it still costs "
        "after the move for the escalated share" in flat
    )
    assert "sheds" not in flat
