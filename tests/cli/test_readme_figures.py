"""Figures the README states in prose or in its examples' comments are what payback gives:
each is computed here and looked for in the README's words."""

from __future__ import annotations

import re
import tomllib

import pytest

from helpers import ROOT
from payback import PaybackError, estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_portfolio_examples_capacity_comment_is_the_estimates_range() -> None:
    """The SQL helper's comment said the estimate "gives 9.64-9.89 by engine here", beside
    9.7 requests/s; llama-3.1-8b fp8 on one L40S at 2,000/250 tokens gives vllm 5.91,
    sglang 5.87 and trtllm 9.64."""
    block = next(
        b for b in re.findall(r"```toml\n(.*?)```", _readme(), flags=re.S) if "SQL helper" in b
    )
    data = tomllib.loads(block)
    alternative, workload = data["alternatives"][0], data["workloads"][0]
    traffic = workload["traffic"]
    catalog = default_catalog()
    rates = []
    for engine in sv.ENGINES.values():
        try:
            rates.append(
                estimate_serving(
                    catalog.model(alternative["model"]),
                    catalog.gpu(alternative["gpu"]),
                    alternative["precision"],
                    input_tokens=traffic["input_tokens"],
                    output_tokens=traffic["output_tokens"],
                    engine=engine,
                ).replica_requests_per_s
            )
        except PaybackError:
            continue  # an engine that does not serve this precision or GPU
    low, high = min(rates), max(rates)
    assert (f"{low:.2f}", f"{high:.2f}") == ("5.87", "9.64")
    said = re.search(r"which gives (\d+\.\d\d)-(\d+\.\d\d) by engine here", block)
    assert said is not None
    assert (said[1], said[2]) == (f"{low:.2f}", f"{high:.2f}")
    stated = next(iter(workload["alternatives"].values()))["replica_requests_per_s"]
    assert low <= stated <= high * 1.05


def _evaluated(formula: str) -> float:
    """A figure the README writes as arithmetic (``1,200 (0.7 · 2.50 + ...) / 1e6``),
    evaluated: thousands' commas dropped, ``·`` and a number before ``(`` multiplied."""
    expression = re.sub(r"(?<=\d),(?=\d{3})", "", formula).replace("·", "*")
    expression = re.sub(r"(\d)\s*\(", r"\1 * (", expression)
    assert re.fullmatch(r"[\d.e*+\-/() ]+", expression), expression
    return float(eval(expression))  # digits and operators only, as checked above


def test_the_hosted_api_formula_reproduces_the_catalog_example() -> None:
    """The README's hosted_api formula had no batch term: for catalog-ids.toml's gpt-4o
    (20% through the batch API at half price, cache reads at the standard rate) it gave
    $5,050 in month 1 where analyze gives $4,590. The README's worked figure is the
    formula with the resolved prices, and is analyze's."""
    import payback

    analysis = payback.analyze(payback.load_scenario(ROOT / "examples" / "catalog-ids.toml"))
    base = analysis.resolved.scenario.baseline
    traffic = analysis.resolved.scenario.traffic
    assert base.kind == "hosted_api"
    month_1 = float(analysis.baseline.monthly_cost_usd[0])
    assert month_1 == 4590.0
    text = " ".join(_readme().split())
    said = re.search(r"gpt-4o in month 1: ([^=]+) = \$([\d,]+)\.", text)
    assert said is not None
    assert _evaluated(said[1]) == month_1 == float(said[2].replace(",", ""))
    s, d, d_c = base.batch_share, base.batch_discount, base.cached_input_batch_discount
    assert (s, d, d_c) == (0.2, 0.5, 0.0)
    assert d is not None
    assert d_c is not None
    c, i, o = traffic.cached_input_share, traffic.input_tokens, traffic.output_tokens
    p_in, p_cached, p_out = (
        base.input_usd_per_mtok,
        base.cached_input_usd_per_mtok,
        base.output_usd_per_mtok,
    )
    assert p_in is not None
    assert p_cached is not None
    assert p_out is not None
    formula = (
        traffic.requests_per_month
        * (
            i * ((1 - c) * p_in * (1 - s * d) + c * p_cached * (1 - s * d_c))
            + o * p_out * (1 - s * d)
        )
        / 1e6
    )
    assert formula == pytest.approx(month_1)
    assert (
        "`hosted_api`: R_m · (I ((1-c) p_in (1-s d) + c p_cached (1-s d_c)) + O p_out (1-s d)) "
        "/ 1e6 · (1+a)^((m-1)/12)" in text
    )


def test_min_replicas_counts_replicas_then_their_gpus() -> None:
    """The rule the README states (replicas at least min_replicas, then × gpus_per_replica),
    not max(min_replicas, replicas × gpus_per_replica): 4 GPUs a replica, min_replicas = 2,
    1,000 requests a month at $1/GPU-h keep 8 GPUs, $5,840 a month (the other rule: 4)."""
    import payback
    from helpers import build, edited, fleet_dict

    data = fleet_dict(gpus_per_replica=4, min_replicas=2)
    data = edited(data, "traffic.requests_per_month", 1000.0)
    alt = payback.analyze(build(data)).alternatives[0]
    assert list(alt.gpus) == [8, 8, 8]
    assert list(alt.components_usd["gpus"]) == [5840.0] * 3
    text = " ".join(_readme().split())
    assert "GPUs_m = replicas_m · gpus_per_replica" in text
    assert (
        "with 4 GPUs a replica and `min_replicas = 2`, 1,000 requests a month keep 8 GPUs, "
        "$5,840 a month at $1/GPU-h" in text
    )


def test_the_python_examples_threshold_is_the_one_solve_says() -> None:
    """The README's Python example printed '3,258,993 requests/month or more' (3,258,993.49
    rounded down) where `payback solve` says "at least 3,258,994": a lower bound is
    rounded up."""
    from helpers import run

    args = ("--vary", "traffic.requests_per_month", "--target", "break_even_month=3")
    code, out, err = run("solve", ROOT / "examples" / "growth.toml", *args)
    assert code == 0, err
    said = re.search(r"traffic\.requests_per_month at least ([\d,]+)\.", " ".join(out.split()))
    assert said is not None
    assert f"'{said[1]} requests/month or more: True'" in _readme()
    assert said[1] == "3,258,994"


def test_the_layout_says_truly_which_packages_import_rich() -> None:
    """The README said the library never imports typer, rich or streamlit; payback.report
    builds the terminal's text with rich. The packages it names as free of them are."""
    source = ROOT / "src" / "payback"
    ui = re.compile(r"^\s*(?:from|import) (?:rich|typer|streamlit)\b", flags=re.M)
    engine = ("finance", "hardware", "catalog", "scenario", "analysis", "studies", "measure")
    for package in engine:
        for path in (source / package).rglob("*.py"):
            assert not ui.search(path.read_text(encoding="utf-8")), path
    assert any(ui.search(p.read_text(encoding="utf-8")) for p in (source / "report").glob("*.py"))
    text = " ".join(_readme().split())
    assert "The library never prints" not in text
    assert (
        "The packages from `finance` to `measure` never print, never name a command-line flag "
        "and never import typer, rich or streamlit; `report` builds the terminal's text with "
        "rich" in text
    )
