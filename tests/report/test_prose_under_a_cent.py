"""Money under a cent in the prose beside the charts and in the fleet's rows: the note under
the one-time chart read "The largest item is training runs: $0.00 of $0.00 (57%)." and the
idle cost "$0.00 of $0.00 in month 1 (50%)", a comparison of two zeros that were not; now
the figures themselves, with the places that write each within 1% and tell them apart."""

from __future__ import annotations

from helpers import build, fleet_dict, per_request_dict
from payback import analyze
from payback.money import small_usd
from payback.report import charts as ch
from payback.report.fleet import fleet_rows, why_paragraphs


def test_the_one_time_note_writes_figures_under_a_cent() -> None:
    # training $0.002 and eval $0.0035 − $0.002: 0.002 / 0.0035 = 57.1%; it read
    # "$0.00 of $0.00 (57%)"
    data = per_request_dict(0.51, 0.17, requests=10.0, training_usd=0.002, eval_usd=0.0015)
    note = ch.one_time_items(analyze(build(data))).note
    assert note == "The largest item is training runs: $0.002 of $0.0035 (57%)."


def test_an_idle_cost_under_a_cent_is_written_as_it_is() -> None:
    # 1 request/s on replicas of 1/s at 50%: 2 × 730 = 1,460 GPU-hours at $10^-6,
    # $0.00146 a month, half of it idle ($0.00073), $0.00219 over 3 months; it read
    # "$0.00 of $0.00 in month 1 (50%); $0.00 over 3 months"
    data = fleet_dict(always_on=False, target_utilization=0.5, usd_per_gpu_hour=1e-6)
    analysis = analyze(build(data))
    rows = dict(fleet_rows(analysis.alternatives[0].utilisation, 3))  # type: ignore[arg-type]
    assert rows["Idle capacity cost"] == (
        "$0.00073 of $0.00146 in month 1 (50%); $0.00219 over 3 months"
    )
    assert why_paragraphs(analysis, 0)[0] == (
        "Scaled to zero, it pays only for the GPU-hours it runs, planned at 50% busy, so "
        "50% of its $0.00146 of GPU time in month 1 pays for idle capacity."
    )


def test_figures_from_ten_dollars_read_as_before() -> None:
    # whole dollars from $10, cents under it (prose_usd): "$7,200 of $12,860", "$7.25 of $9.50"
    assert small_usd(7_200.0, 12_860.0)(7_200.0) == "$7,200"
    money = small_usd(7.254, 9.5)
    assert (money(7.254), money(9.5), money(0.0)) == ("$7.25", "$9.50", "$0")
