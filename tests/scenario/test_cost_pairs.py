"""A cost written as a count times a price, one given without the other, is refused in one
line (exit code 2): the product would silently be $0. Options that value a second of
waiting differently are warned of: the value is the workload's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_user_error, build, fleet_dict, per_request_dict, run
from payback import analyze
from payback.analysis.resolve import resolve

SEED_LIKE = (
    '[scenario]\nname = "A"\nhorizon_months = 12\n'
    "[traffic]\nrequests_per_month = 1000000\n"
    '[baseline]\nname = "api"\nkind = "per_request"\nusd_per_1k_requests = 5\n'
    '[[alternatives]]\nname = "ft"\nkind = "per_request"\nusd_per_1k_requests = 1\n'
)


def _file(tmp_path: Path, tables: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(SEED_LIKE + tables)
    return path


@pytest.mark.parametrize(
    ("tables", "line"),
    [
        (
            "[alternatives.one_time]\ndata_usd = 4000\ntraining_usd = 100\ntraining_runs = 0\n",
            "alternatives.0.one_time.training_runs = 0 with training_usd = 100: no run would "
            "be paid; give training_runs ≥ 1, or leave training_usd out",
        ),
        (
            "[alternatives.one_time]\ntraining_runs = 0\n[alternatives.one_time.training]\n"
            'hosted = "openai.gpt-4.1-mini"\nexamples = 1000\ntokens_per_example = 500\n',
            "alternatives.0.one_time.training_runs = 0 with a training job: no run would be "
            "paid; give training_runs ≥ 1, or leave training out",
        ),
    ],
    ids=["training_usd", "training job"],
)
def test_a_training_cost_for_no_run_is_refused_in_one_line(
    tmp_path: Path, tables: str, line: str
) -> None:
    # training_runs = 0 with training_usd = 100 gave a one-time cost of $4,000 with no
    # training line: the $100 run was dropped without a word
    path = _file(tmp_path, tables)
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err == f"error: {path}: {line}\n"


@pytest.mark.parametrize(
    ("tables", "line"),
    [
        (
            "[alternatives.recurring]\nretrain_usd = 1500\n",
            "alternatives.0.recurring.retrain_usd = 1500 is never paid: "
            "alternatives.0.recurring.retrain_every_months = 0 (never); give "
            "retrain_every_months ≥ 1 to pay it",
        ),
        (
            "[alternatives.recurring]\nretrain_every_months = 6\n",
            "alternatives.0.recurring.retrain_every_months = 6 without retrain_usd: each "
            "retraining costs $0 (give retrain_usd, 0 if it costs nothing)",
        ),
        (
            "[alternatives.one_time]\nengineer_hours = 80\n",
            "alternatives.0.one_time.engineer_hours = 80 without engineer_usd_per_hour: their "
            "product, a cost, is $0 (give engineer_usd_per_hour, 0 if it costs nothing)",
        ),
        (
            "[alternatives.one_time]\nengineer_usd_per_hour = 120\n",
            "alternatives.0.one_time.engineer_usd_per_hour = 120 without engineer_hours: their "
            "product, a cost, is $0 (give engineer_hours, 0 if it costs nothing)",
        ),
    ],
    ids=["never retrained", "free retraining", "hours", "rate"],
)
def test_a_count_or_price_alone_is_warned_of_in_one_line(
    tmp_path: Path, tables: str, line: str
) -> None:
    # each is allowed on its own (retrain_every_months = 0 means never), but their product
    # is $0: the cost the user wrote, or meant, is left out
    path = _file(tmp_path, tables)
    code, _out, err = run("analyze", path)
    assert code == 0, err
    assert err.splitlines() == [f"warning: {line}"]
    assert json.loads(run("analyze", path, "--json")[1])["warnings"] == [line]


def test_owned_power_without_a_price_is_warned_of() -> None:
    data = fleet_dict(
        gpus_per_replica=1,
        owned={
            "usd_per_server": 10_000.0,
            "gpus_per_server": 8,
            "kw_per_server": 10.0,
            "financing": "depreciation",
        },
    )
    del data["alternatives"][0]["usd_per_gpu_hour"]

    def warnings() -> list[str]:  # less the book value left at month 3, said of any horizon
        return [w for w in resolve(build(data)).warnings if "book value" not in w]

    assert warnings() == [
        "alternatives.0.owned.kw_per_server = 10 without usd_per_kwh: their product, a cost, "
        "is $0 (give usd_per_kwh, 0 if it costs nothing)"
    ]
    data["alternatives"][0]["owned"]["usd_per_kwh"] = 0.12
    assert warnings() == []


@pytest.mark.parametrize(
    "one_time",
    [
        {"training_runs": 0},  # no training at all
        {"training_runs": 0, "training_usd": 0.0},
        {"engineer_hours": 80.0, "engineer_usd_per_hour": 0.0},  # said: it costs nothing
        {"training_runs": 3, "training_usd": 100.0},
    ],
)
def test_pairs_written_out_are_accepted(one_time: dict[str, Any]) -> None:
    data = per_request_dict(5.0, 1.0, 1e6, horizon=12, data_usd=4000.0, **one_time)
    expected = 4000.0 + one_time.get("training_runs", 1) * one_time.get("training_usd", 0.0)
    assert float(analyze(build(data)).alternatives[0].one_time_usd) == pytest.approx(expected)


def _latency(base: float, alt: float) -> dict[str, Any]:
    data = per_request_dict(10.0, 1.0, 100_000.0, horizon=4, data_usd=10_000.0)
    data["baseline"]["latency"] = {"p50_ms": 2000, "usd_per_second_per_1k_requests": base}
    data["alternatives"][0]["latency"] = {"p50_ms": 1500, "usd_per_second_per_1k_requests": alt}
    return data


LATENCY_LINE = (
    "latency.usd_per_second_per_1k_requests differs: baseline 0.1, alternatives.0 0.5; a "
    "second of waiting is worth what it is to the workload whichever option answers, so a "
    "faster option valued higher can pay more for waiting (give every option the same value)"
)


def test_options_valuing_a_second_differently_are_warned_of() -> None:
    # baseline 100 x 2 s x $0.10 = $20 of waiting a month; the faster alternative
    # 100 x 1.5 s x $0.50 = $75: it pays more for waiting because it values a second more
    analysis = analyze(build(_latency(0.1, 0.5)))
    assert analysis.baseline.components_usd["latency"][0] == pytest.approx(20.0)
    assert analysis.alternatives[0].components_usd["latency"][0] == pytest.approx(75.0)
    assert analysis.resolved.warnings == [LATENCY_LINE]
    assert analyze(build(_latency(0.5, 0.5))).resolved.warnings == []
    assert analyze(build(_latency(0.1, 0.5)), value_terms=False).resolved.warnings == []


def test_the_latency_warning_is_one_stderr_line_and_in_json(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "latency = { p50_ms = 1500, usd_per_second_per_1k_requests = 0.5 }\n"
        "[alternatives.one_time]\ndata_usd = 10000\n",
    )
    path.write_text(
        path.read_text().replace(
            "usd_per_1k_requests = 5\n",
            "usd_per_1k_requests = 5\n"
            "latency = { p50_ms = 2000, usd_per_second_per_1k_requests = 0.1 }\n",
        )
    )
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert err.splitlines() == [f"warning: {LATENCY_LINE}"]
    code, out, err = run("analyze", path, "--json")
    assert json.loads(out)["warnings"] == [LATENCY_LINE]


def test_growth_compounding_past_the_starting_limit_is_warned_of(tmp_path: Path) -> None:
    """1,000,000 requests at +10% a month pass 1e13 when 1.1^(m-1) > 1e7, m - 1 > 169.1:
    from month 171; at 600 months they reach 1e6 · 1.1^599 = 6.23e30. A horizon of 170
    months stays under it and says only that it compounds far (9.9 million-fold)."""
    text = SEED_LIKE.replace("horizon_months = 12", "horizon_months = 600")
    text = text.replace(
        "requests_per_month = 1000000", "requests_per_month = 1000000\ngrowth_monthly = 0.1"
    )
    path = tmp_path / "g.toml"
    path.write_text(text)
    code, out, _ = run("analyze", path, "--json")
    assert code == 0
    (line,) = [w for w in json.loads(out)["warnings"] if "compounds" in w]
    assert line == (
        "traffic.growth_monthly = 0.1 compounds 1,000,000 requests a month to 6.23×10³⁰ by month "
        "600, past 10,000,000,000,000 from month 171 on: the figures past it rest on growth no "
        "traffic keeps (shorten scenario.horizon_months, or lower the growth)"
    )
    path.write_text(text.replace("horizon_months = 600", "horizon_months = 170"))
    code, out, _ = run("analyze", path, "--json")
    assert code == 0
    assert not [w for w in json.loads(out)["warnings"] if "past 10,000,000,000,000" in w]
    (far,) = [w for w in json.loads(out)["warnings"] if "compounds" in w]  # 1.1^169 = 9.9e6
    assert far.startswith("traffic.growth_monthly = 0.1 (+10% a month) compounds 1,000,000 ")


BATCHED = (
    '[scenario]\nname = "B"\nhorizon_months = 12\n'
    "[traffic]\nrequests_per_month = 1000000\ninput_tokens = 1000\noutput_tokens = 300\n"
    "cached_input_share = 0.4\n"
    '[baseline]\nname = "api"\nkind = "hosted_api"\ninput_usd_per_mtok = 2.5\n'
    "cached_input_usd_per_mtok = 1.25\noutput_usd_per_mtok = 10\n"
    "batch_share = 0.5\nbatch_discount = 0.5\n"
    '[[alternatives]]\nname = "ft"\nkind = "per_request"\nusd_per_1k_requests = 1\n'
)


@pytest.mark.parametrize(
    ("added", "month_1", "warned"),
    [
        ("", 3875.0, True),
        ("cached_input_batch_discount = 0.5\n", 3750.0, False),
        ("cached_input_batch_discount = 0\n", 3875.0, False),
    ],
)
def test_a_typed_cached_price_with_batched_requests_is_warned_of(
    tmp_path: Path, added: str, month_1: float, warned: bool
) -> None:
    """1e6 requests of 1,000 input tokens (40% cached at a typed $1.25) and 300 output at
    $2.50 and $10, half through the batch API at 50% off: 600 x 2.50 x 0.75 + 400 x 1.25 +
    300 x 10 x 0.75 = $3,875 a month, the cached input billed at its full price (no
    provider's batch cache-read rate comes with a typed price): said in one line. With
    cached_input_batch_discount = 0.5, 0.75 x $5,000 = $3,750; given as 0, the file says
    so itself: nothing to warn of either way."""
    path = tmp_path / "b.toml"
    path.write_text(BATCHED.replace("batch_discount = 0.5\n", "batch_discount = 0.5\n" + added))
    code, out, _ = run("analyze", path, "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["baseline"]["monthly_cost_usd"][0] == pytest.approx(month_1)
    line = (
        "baseline.cached_input_usd_per_mtok = 1.25 with batch_share = 0.5: the cached input "
        "of batched requests is billed at $1.25 per million tokens, with no batch discount; "
        "give baseline.cached_input_batch_discount for one (the share off that price, 0.5 = "
        "half; 0 where the provider bills it in full)"
    )
    assert answer["warnings"] == ([line] if warned else [])
    code, _, err = run("analyze", path)
    assert code == 0
    assert err.splitlines() == ([f"warning: {line}"] if warned else [])


def test_no_batch_warning_without_cached_tokens_or_with_catalog_prices() -> None:
    data = fleet_dict()
    data["baseline"].update(cached_input_usd_per_mtok=1.25, batch_share=0.5, batch_discount=0.5)
    # no cached tokens: the typed cached price bills nothing
    assert not [w for w in resolve(build(data)).warnings if "batch" in w]
    data["traffic"]["cached_input_share"] = 0.4
    assert [w for w in resolve(build(data)).warnings if "batch" in w]
    # no batched requests: nothing to discount
    data["baseline"]["batch_share"] = 0.0
    assert not [w for w in resolve(build(data)).warnings if "batch" in w]
    # a catalog model brings the provider's batch cache-read rate (gpt-4o's: none off)
    data["baseline"] = {
        "name": "api",
        "kind": "hosted_api",
        "model": "openai:gpt-4o",
        "cached_input_usd_per_mtok": 1.25,
        "batch_share": 0.5,
    }
    resolved = resolve(build(data))
    assert "baseline.cached_input_batch_discount" in resolved.sources
    assert not [w for w in resolved.warnings if "batch" in w]
