"""``analyze`` and ``explain`` write a figure under a cent alike: on a scenario of a
handful of requests ``analyze``'s verdict read "NPV $0.00" (and its NPV row "$0.00")
where explain said "a loss of $0.00041", "NPV $0.01" where explain said "$0.0055", and
"recovered $0.01" for $0.0072; ``analyze --json`` and explain's ``--json`` carried the
same "$0.00" in their verdict. Their numbers are raw and unchanged.

The scenario: 100 tokens in and 10 out a request, at $3 / $15 per million on the baseline
(100 × $3 + 10 × $15 = $450 per million requests, $0.00045 a request) and $1 / $5 on the
alternative ($0.00015 a request); a one-time cost of ``data_usd``; 24 months at 10% a year,
discounted monthly at 1.1^(1/12) - 1, so the 24 months' present value of $1 a month is
(1 - 1.1^-2) / (1.1^(1/12) - 1) = 21.7651."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import run

PAIR = """[baseline]
name = "big api"
kind = "hosted_api"
input_usd_per_mtok = 3.0
cached_input_usd_per_mtok = 0.30
output_usd_per_mtok = 15.0

[[alternatives]]
name = "small api"
kind = "hosted_api"
input_usd_per_mtok = 1.0
cached_input_usd_per_mtok = 0.10
output_usd_per_mtok = 5.0
"""
"""The baseline and the alternative both files compare."""

SCENARIO = """
[scenario]
name = "a handful of requests"
horizon_months = 24
discount_rate_annual = 0.10

[traffic]
requests_per_month = {requests}
input_tokens = 100
output_tokens = 10
cached_input_share = 0.0

{pair}
[alternatives.one_time]
data_usd = {data}
"""

ANNUITY = (1 - 1.1**-2) / (1.1 ** (1 / 12) - 1)  # 21.7651


def _scenario(tmp_path: Path, requests: int, data: float) -> Path:
    path = tmp_path / f"tiny-{requests}-{data}.toml"
    path.write_text(SCENARIO.format(requests=requests, data=data, pair=PAIR))
    return path


def _said(*args: str | Path) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return " ".join(out.split())


def _json(*args: str | Path) -> dict:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(
    ("requests", "data", "npv", "verdict", "explained"),
    [
        # 3 requests: $0.00135 against $0.00045 a month, $0.0009 saved; a $0.02 one-time
        # cost back in month 0.02 / 0.0009 = 22.2; NPV -0.02 + 0.0009 × 21.7651 = -$0.000414
        (3, 0.02, -0.02 + 0.0009 * ANNUITY, "NPV -$0.00041 over", "a loss of $0.00041"),
        # 1 request, $0.0003 saved a month, $0.001 up front: NPV -0.001 + 0.0003 × 21.7651
        # = $0.00553, which "$0.01" rounded up by 81%
        (1, 0.001, -0.001 + 0.0003 * ANNUITY, "NPV $0.0055 over", "10% a year is $0.0055"),
    ],
)
def test_the_npv_under_a_cent_reads_alike(
    tmp_path: Path, requests: int, data: float, npv: float, verdict: str, explained: str
) -> None:
    path = _scenario(tmp_path, requests, data)
    analyzed, told = _said("analyze", path), _said("explain", path)
    assert verdict in analyzed
    assert explained in told
    shown = verdict.split()[1]  # the figure itself: -$0.00041, $0.0055
    assert f"NPV, 24 months at 10% {shown} " in analyzed  # the NPV row says it as well
    assert "$0.00 over" not in analyzed
    assert "NPV $0.01 over" not in analyzed
    # the JSON: the same sentence in analyze's and explain's, the NPV a raw number
    answer, explanation = _json("analyze", path), _json("explain", path)
    alt = answer["alternatives"][0]
    assert alt["npv_usd"] == pytest.approx(npv, rel=1e-9)
    assert alt["monthly_cost_usd"][0] == pytest.approx(requests * 0.00015, rel=1e-12)
    assert answer["baseline"]["monthly_cost_usd"][0] == pytest.approx(requests * 0.00045)
    assert verdict in answer["verdict"]
    assert explanation["alternatives"][0]["verdict"] == answer["verdict"]


def test_the_costs_table_and_explain_say_the_same_month(tmp_path: Path) -> None:
    # 3 requests: the baseline $0.00135 a month, the alternative $0.00045 (read "$0.00")
    analyzed = _said("analyze", _scenario(tmp_path, 3, 0.02))
    assert re.search(r"baseline \$0\.00135 \$0\.00135 \$0\.03 ", analyzed)  # 24 × 0.00135
    assert re.search(r"this alternative \$0\.00045 \$0\.00045 \$0\.01 ", analyzed)
    told = _said("explain", _scenario(tmp_path, 3, 0.02))
    assert "the baseline costs $0.00135" in told
    assert "'small api' costs $0.00045" in told


def test_a_recovered_sum_under_a_cent_is_not_a_cent(tmp_path: Path) -> None:
    # 1 request, $0.02 up front: $0.0003 a month recovers 24 × 0.0003 = $0.0072 by month 24
    path = _scenario(tmp_path, 1, 0.02)
    said = "by month 24 it has recovered $0.0072 of the $0.02 up front"
    assert said in _said("analyze", path)
    assert said in _json("explain", path)["alternatives"][0]["verdict"]


def test_a_one_time_cost_under_a_cent_reads_alike(tmp_path: Path) -> None:
    # $0.001 of data: the row and its item read "$0.00", explain "$0.001 before it saves"
    analyzed = _said("analyze", _scenario(tmp_path, 1, 0.001))
    assert "One-time cost $0.001 data (collect, label, clean) $0.001 " in analyzed
    assert "costs $0.001 before it saves anything" in _said(
        "explain", _scenario(tmp_path, 1, 0.001)
    )


# ------------------------------------------------------------------ every output, one rule
# The reports' summary table, the portfolio's tables and verdict, the page's figures, the
# sparkline's ends, the charts' central NPV and the verdict's words wrote the same scenario's
# figures under a cent with plain usd ("$0.00") or whole dollars ("$0 → $0").


PORTFOLIO = """
[scenario]
name = "a handful of requests, two tasks"
horizon_months = 24
discount_rate_annual = 0.10

{pair}
[[workloads]]
name = "one"
traffic = {{ requests_per_month = {one}, input_tokens = 100, output_tokens = 10, cached_input_share = 0.0 }}
one_time = {{ data_usd = {data} }}

[[workloads]]
name = "two"
traffic = {{ requests_per_month = {two}, input_tokens = 100, output_tokens = 10, cached_input_share = 0.0 }}
one_time = {{ data_usd = {data} }}
"""


def _priced_errors(path: Path) -> Path:
    """The scenario with its errors priced at $0.01 each: 2% of the baseline's replies and
    1% of the alternative's, so each request saves 0.01 × $0.01 = $0.0001 more."""
    text = path.read_text()
    for price, rate in (("15.0", 0.02), ("5.0", 0.01)):
        rule = f"output_usd_per_mtok = {price}\n"
        text = text.replace(
            rule, f"{rule}quality = {{ error_rate = {rate}, usd_per_error = 0.01 }}\n"
        )
    path.write_text(text)
    return path


def _portfolio(tmp_path: Path, one: float, two: float, data: float) -> Path:
    path = tmp_path / f"tiny-portfolio-{one}-{two}-{data}.toml"
    path.write_text(PORTFOLIO.format(one=one, two=two, data=data, pair=PAIR))
    return path


def test_the_reports_summary_table_writes_the_month_and_the_npv(tmp_path: Path) -> None:
    # 3 requests, $0.02 up front: month 1 costs 3 × $0.00015 = $0.00045 (read "$0.00"), the
    # NPV is -$0.000414 (read "$0.00"), as analyze's table and verdict say them
    path = _scenario(tmp_path, 3, 0.02)
    code, _, err = run("report", path, "-o", tmp_path / "r.md")
    assert code == 0, err
    md = (tmp_path / "r.md").read_text()
    assert "| small api | \\$0.02 | \\$0.00045 | month 22.2 | 67 | -\\$0.00041 | no |" in md
    code, _, err = run("report", path, "-o", tmp_path / "r.html")
    assert code == 0, err
    page = (tmp_path / "r.html").read_text()
    cells = re.findall(r'<td class="num">([^<]*)</td>', page.split("</table>")[0])
    assert cells == ["$0.02", "$0.00045", "67", "-$0.00041"]
    assert "central NPV -$0.00041" in page  # the drivers chart's line
    assert "central NPV $0.00" not in page
    # errors priced: month 1 costs $0.00045 + 3 × $0.0001 = $0.00075, the NPV is -0.02 +
    # 0.0012 × 21.7651 = $0.0061 and without the errors the scenario's -$0.00041 (read
    # "$0.00" in the column of the answer with quality and latency left out)
    code, _, err = run("report", _priced_errors(path), "-o", tmp_path / "q.md")
    assert code == 0, err
    row = "| small api | \\$0.02 | \\$0.00075 | month 16.7 | 50 | \\$0.0061 | no |"
    assert f"{row} month 22.2, -\\$0.00041 |" in (tmp_path / "q.md").read_text()


def test_the_markdown_drivers_chart_says_the_central_npv(tmp_path: Path) -> None:
    import payback
    from payback.report import charts
    from payback.report.markdown import draw

    analysis = payback.analyze(payback.load_scenario(_scenario(tmp_path, 3, 0.02)))
    figure = draw(charts.drivers(analysis, 0))
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert "central NPV -$0.00041" in texts


def test_the_sentence_under_a_headline_says_the_npv() -> None:
    from payback.report.common import shown_below

    # the alternative a page shows below a better one: its NPV in whole dollars, but one
    # under a cent as the verdict says it ("NPV $0" read as nothing at all)
    assert shown_below("small api", 22.2, -0.000414, 24) == (
        " Shown below: 'small api', which pays back in month 22.2; NPV -$0.00041."
    )
    assert shown_below("small api", None, -1234.5, 24).endswith("NPV -$1,235.")


def test_the_sparklines_ends_say_the_figures(tmp_path: Path) -> None:
    # 3 requests: -$0.02 up front, then 24 × $0.0009 saved: -0.02 + 0.0216 = $0.0016
    assert "█ -$0.02 → $0.0016 " in _said("analyze", _scenario(tmp_path, 3, 0.02))
    # 1 request: -$0.001 up front, then 24 × $0.0003: -0.001 + 0.0072 = $0.0062
    assert "█ -$0.001 → $0.0062 " in _said("analyze", _scenario(tmp_path, 1, 0.001))


def test_the_tornado_says_the_central_npv_and_its_ends(tmp_path: Path) -> None:
    # the data cost ±25%: $0.015 and $0.025 up front, NPV -0.015 + 0.0009 × 21.7651 =
    # $0.0046 and -0.025 + 0.019589 = -$0.0054 (explain: "NPV $0.0046 to -$0.0054")
    said = _said("sensitivity", _scenario(tmp_path, 3, 0.02))
    assert said.startswith("small api: NPV -$0.00041 with every input central")
    assert "$0.015 → $0.025: NPV $0.0046 → -$0.0054;" in said
    assert "NPV $0 → $0" not in said


def test_per_1k_text_writes_a_price_under_a_cent() -> None:
    from payback.analysis.verdict import per_1k_text

    # $10,000 and $40,000 for 10^10 requests: $0.001 and $0.004 per 1,000
    assert per_1k_text(10_000.0, 40_000.0, 1e10) == "$0.001 vs $0.004"
    assert per_1k_text(730.0, 2000.0, 1e6) == "$0.73 vs $2.00"  # a cent or more as before


def test_the_portfolio_says_its_npv_under_a_cent(tmp_path: Path) -> None:
    # 2 + 1 requests and $0.01 + $0.01 up front: the scenario's figures, NPV -$0.000414
    path = _portfolio(tmp_path, 2, 1, 0.01)
    analyzed = _said("analyze", path)
    assert "NPV, 24 months at 10% -$0.00041 " in analyzed
    assert analyzed.endswith("NPV -$0.00041 over 24 months at 10%")
    assert "$0.00 over" not in analyzed
    answer = _json("analyze", path)["portfolio"]
    assert answer["alternatives"][0]["npv_usd"] == pytest.approx(-0.02 + 0.0009 * ANNUITY)
    assert answer["verdict"].endswith("NPV -$0.00041 over 24 months at 10%")
    code, _, err = run("report", path, "-o", tmp_path / "p.md")
    assert code == 0, err
    md = (tmp_path / "p.md").read_text()
    assert "| NPV, 24 months at 10% | -\\$0.00041 |" in md
    # $0.0005 + $0.0005 up front: a one-time cost of $0.001, not "$0.00"
    cheap = _portfolio(tmp_path, 2, 1, 0.0005)
    assert "One-time cost $0.001 ($0.00 shared, the rest per workload)" in _said("analyze", cheap)
    code, _, err = run("report", cheap, "-o", tmp_path / "c.md")
    assert code == 0, err
    assert "| one-time cost | \\$0.001 (\\$0.00 shared) |" in (tmp_path / "c.md").read_text()


def test_the_portfolios_shared_row_is_no_float_noise(tmp_path: Path) -> None:
    # nothing shared: the row is the nets less the NPV, 0 but for float noise, which the
    # column's rule under a cent wrote as "$0.00000000000091" beside $12,000
    for one, two in [(2, 1), (1_234_567, 98_765), (3_333_333, 4_321)]:
        said = _said("analyze", _portfolio(tmp_path, one, two, 1000.0))
        (row,) = re.findall(r"shared ops, shared (-?\$[^ ]+) one-time", said) or re.findall(
            r"shared ops, shared one-time (-?\$[^ ]+)", said
        )
        assert row in ("$0", "$0.00"), said


def test_the_page_shows_the_npv_and_the_one_time_cost(tmp_path: Path) -> None:
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    import payback
    from payback.web.state import Held

    # 1 request, $0.001 up front, errors priced: $0.0003 + $0.0001 saved a month, NPV
    # -0.001 + 0.0004 × 21.7651 = $0.0077 (read "$0.01"); without the errors -0.001 +
    # 0.0003 × 21.7651 = $0.0055, back in month 0.001 / 0.0003 = 3.33 (read "$0.01")
    path = _priced_errors(_scenario(tmp_path, 1, 0.001))
    app = Path(payback.__file__).parent / "web" / "app.py"
    at = AppTest.from_file(str(app), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at = at.run()
    assert [str(m.value) for m in at.metric if m.label.startswith("NPV")] == ["$0.0077"]
    captions = " ".join(c.value for c in at.caption)
    # month 1: $0.00015 + $0.0001 of errors against $0.00045 + $0.0002
    assert "One-time cost $0.001; month 1 costs $0.00025 against $0.00065" in captions
    assert (
        "Infrastructure only (errors and waiting left out): break-even month 3.33; NPV $0.0055."
        in captions
    )


def test_the_pages_portfolio_caption_says_the_one_time_cost(tmp_path: Path) -> None:
    from payback.scenario import load_scenario
    from payback.studies.portfolio import analyze_portfolio
    from payback.web.portfolio import moved_words

    analysis = analyze_portfolio(load_scenario(_portfolio(tmp_path, 2, 1, 0.0005)))
    assert moved_words(analysis, 0) == (
        "The 2 workloads moved together: one-time cost $0.001; month 1 costs $0.00045 "
        "against $0.00135 for the baseline."
    )


def test_a_saving_under_a_cent_is_said_with_its_month(tmp_path: Path) -> None:
    # 1 request, $0.02 up front: $0.0003 saved a month recovers 24 × 0.0003 = $0.0072 by
    # month 24; the 0.02 - 0.0072 = $0.0128 left takes 0.0128 / 0.0003 = 42.7 months more,
    # about month 66.7: not "at under a cent a month ... never recovered"
    path = _scenario(tmp_path, 1, 0.02)
    analyzed = _said("analyze", path)
    assert (
        "by month 24 it has recovered $0.0072 of the $0.02 up front; if month 24's $0.0003 "
        "saving kept up, with no later retraining or price change counted, the rest would take "
        "until about month 66.7" in analyzed
    )
    reason = _json("analyze", path)["alternatives"][0]["reason"]
    assert reason.startswith("saves $0.0003/month (month 24); if that saving kept up")
    assert reason.endswith("it would recover the $0.01 still owed at month 24 by about month 66.7")
    assert "under a cent" not in analyzed + _said("explain", path)


def test_a_cost_under_a_cent_more_is_said(tmp_path: Path) -> None:
    # the two prices swapped: the alternative costs $0.00045 against $0.00015, $0.0003 more
    swapped = _scenario(tmp_path, 1, 0.02).read_text()
    swapped = swapped.replace("= 3.0", "= x").replace("= 1.0", "= 3.0").replace("= x", "= 1.0")
    swapped = swapped.replace("= 15.0", "= x").replace("= 5.0", "= 15.0").replace("= x", "= 5.0")
    path = tmp_path / "dearer.toml"
    path.write_text(swapped)
    analyzed = _said("analyze", path)
    assert (
        "it costs more than the baseline every month ($0.0003 more in month 1), so the $0.02 "
        "up front is never recovered" in analyzed
    )
    reason = _json("analyze", path)["alternatives"][0]["reason"]
    assert reason == "the alternative costs more every month ($0.0003 more in month 1)"


def test_savings_that_end_say_the_cost_under_a_cent(tmp_path: Path) -> None:
    # the baseline's price falls 90% a year: month m costs $0.00045 × 0.1^((m-1)/12), under
    # the alternative's $0.00015 from month 7 (0.00045 × 0.1^0.5 = $0.000142); month 24's
    # 0.00045 × 0.1^(23/12) = $0.0000055 is $0.000145 under it
    path = _scenario(tmp_path, 1, 0.02)
    path.write_text(
        path.read_text().replace(
            "output_usd_per_mtok = 15.0", "output_usd_per_mtok = 15.0\nprice_change_annual = -0.9"
        )
    )
    analyzed = _said("analyze", path)
    assert (
        "it saves from month 1 to month 6, then costs more than the baseline from month 7 on "
        "($0.000145 more in month 24); by month 24 it is $0.02 behind" in analyzed
    )
    reason = _json("analyze", path)["alternatives"][0]["reason"]
    assert reason == (
        "savings end in month 7 (costs $0.000145 more in month 24), $0.02 is never recovered"
    )
