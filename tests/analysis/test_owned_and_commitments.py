"""Owned hardware (cash and depreciation), committed-use prices and GPU price trends,
hand-computed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomlkit
from typer.testing import CliRunner

import payback
from helpers import build, edited, fleet_dict
from payback import finance as model
from payback.analysis.cashflows import evaluate, numeric_paths
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, Gpu, GpuPrice
from payback.cli import app
from payback.report.common import configuration_text
from payback.report.explain import explain

OWNED = {
    "usd_per_server": 100_000.0,
    "gpus_per_server": 8,
    "kw_per_server": 10.0,
    "usd_per_kwh": 0.12,
    "pue": 1.3,
    "colocation_usd_per_server_month": 1500.0,
    "depreciation_months": 36,
}
FACILITY = 10.0 * 730 * 0.12 * 1.3 + 1500.0  # 2638.8 per server-month
BASELINE_PER_REQUEST = (1000 * 2.5 + 200 * 10.0) / 1e6  # fleet_dict's hosted API


def growing_fleet(financing: str) -> dict[str, Any]:
    """1, 2, 4 requests/s in months 1-3; a replica of 4 GPUs serves 1 request/s: 4, 8 and
    16 GPUs, so 1, 1 and 2 eight-GPU servers."""
    data = fleet_dict(gpus_per_replica=4, owned=OWNED | {"financing": financing})
    del data["alternatives"][0]["usd_per_gpu_hour"]
    data["traffic"]["growth_monthly"] = 1.0
    return data


def test_owned_cash_pays_the_first_server_at_t0_and_the_second_when_needed() -> None:
    result = evaluate(build(growing_fleet("cash")))
    alt = result.alternatives[0]
    np.testing.assert_allclose(alt.costs.gpus, [4.0, 8.0, 16.0])
    np.testing.assert_allclose(alt.costs.servers, [1.0, 1.0, 2.0])
    assert float(alt.one_time_items_usd["hardware"]) == pytest.approx(100_000.0)
    assert float(alt.one_time_usd) == pytest.approx(100_000.0)
    np.testing.assert_allclose(alt.costs.components["hardware"], [0.0, 0.0, 100_000.0])
    np.testing.assert_allclose(alt.costs.components["facility"], [FACILITY, FACILITY, 2 * FACILITY])
    assert "gpus" not in alt.costs.components
    baseline = BASELINE_PER_REQUEST * 2_628_000.0 * np.array([1.0, 2.0, 4.0])
    alternative = np.array([FACILITY, FACILITY, 2 * FACILITY + 100_000.0])
    expected = np.concatenate([[-100_000.0], np.cumsum(baseline - alternative) - 100_000.0])
    np.testing.assert_allclose(alt.cumulative_savings_usd, expected)
    # S(0) = -one_time: NPV at 0% is the last cumulative saving
    assert float(alt.npv_usd) == pytest.approx(expected[-1])


def test_cash_warns_of_the_book_value_left_at_the_horizon() -> None:
    # 1, 1, 2 servers of $100,000 bought for months 1 and 3 of 3, depreciated over 36: the
    # first serves 3 months (33/36 left), the second 1 (35/36 left): $188,889 of the
    # $200,000 paid is book value at month 3. Depreciation charges only the months used.
    warnings = resolve(build(growing_fleet("cash"))).warnings
    assert warnings == [
        "alternatives.0 ('fleet'): financing = \"cash\" charges all $200,000 of the 2 servers "
        "bought within the 3-month horizon, though $188,889 of book value is left at month 3 "
        '(straight line over depreciation_months = 36); financing = "depreciation" charges '
        "only the months held"
    ]
    # depreciation charges (1 + 1 + 2) x $100,000 / 36 = $11,111 and leaves the same
    # $188,889 at month 3; the month-3 server's last month, 3 + 35, is the horizon for it all
    assert resolve(build(growing_fleet("depreciation"))).warnings == [
        "alternatives.0 ('fleet'): financing = \"depreciation\": $11,111 of the servers' "
        "price is charged within the 3-month horizon, though $188,889 of book value is left "
        "at month 3 (straight line over depreciation_months = 36), counted neither as a cost "
        "nor as a sale; a horizon of 38 months charges it all"
    ]
    # over 1 month no book value is left, but the month-1 server is in use past it in
    # months 2-3 (and the month-3 one is not): 2 server-months at $100,000 / 1, $100,000 a month
    no_value_left = edited(growing_fleet("cash"), "alternatives.0.owned.depreciation_months", 1)
    assert resolve(build(no_value_left)).warnings == [
        "alternatives.0 ('fleet'): financing = \"cash\": the servers in use past "
        "depreciation_months = 1 (months 2-3) are not bought again: no replacement is counted "
        "(about $100,000 a month at depreciation's rate)"
    ]


def test_servers_used_past_depreciation_are_said_for_both_financings() -> None:
    # 1, 1, 2 servers of $100,000 over 3 months, depreciated over 2: the month-1 server is
    # past its 2 months in month 3, the month-3 one is not. Depreciation charges
    # (1 + 1 + 2) x $50,000 = $200,000, of which month 3's old server, $50,000, is its
    # replacement; cash charges none of that (about $50,000 a month at depreciation's
    # rate), and the month-3 server keeps 1 of its 2 months, $50,000, at month 3. Under
    # depreciation the month-1 server's replacement, bought for month 3, keeps 1 of its 2
    # months too: $100,000 left, all charged by month 4.
    two = "alternatives.0.owned.depreciation_months"
    depreciation = resolve(build(edited(growing_fleet("depreciation"), two, 2))).warnings
    assert depreciation == [
        "alternatives.0 ('fleet'): financing = \"depreciation\": $50,000 of the $200,000 "
        "charged pays for replacing the servers after depreciation_months = 2 (month 3); "
        "$100,000 of book value is left at month 3 (straight line over depreciation_months "
        "= 2), counted neither as a cost nor as a sale; a horizon of 4 months charges it all"
    ]
    cash = resolve(build(edited(growing_fleet("cash"), two, 2))).warnings
    assert cash == [
        "alternatives.0 ('fleet'): financing = \"cash\" charges all $200,000 of the 2 servers "
        "bought within the 3-month horizon, though $50,000 of book value is left at month 3 "
        '(straight line over depreciation_months = 2); financing = "depreciation" charges '
        "only the months held; the servers in use past depreciation_months = 2 (month 3) "
        "are not bought again: no replacement is counted (about $50,000 a month at "
        "depreciation's rate)"
    ]
    # the charges stay as they were: depreciation pays every month in use, cash once
    alt = evaluate(build(edited(growing_fleet("depreciation"), two, 2))).alternatives[0]
    np.testing.assert_allclose(alt.costs.components["hardware"], [50_000.0, 50_000.0, 100_000.0])


def test_one_server_kept_past_depreciation_is_said_in_analyze_and_json(tmp_path: Path) -> None:
    # one $100,000 server depreciated over 6 months, a 12-month horizon: depreciation
    # charges 12 x $100,000 / 6 = $200,000, half of it (months 7-12) for replacing it;
    # cash charges $100,000 once and $16,667 a month (100,000 / 6) is not counted after
    for financing, line in (
        (
            "depreciation",
            "alternatives.0 ('owned'): financing = \"depreciation\": $100,000 of the "
            "$200,000 charged pays for replacing the servers after depreciation_months = 6 "
            "(months 7-12)",
        ),
        (
            "cash",
            "alternatives.0 ('owned'): financing = \"cash\": the servers in use past "
            "depreciation_months = 6 (months 7-12) are not bought again: no replacement is "
            "counted (about $16,667 a month at depreciation's rate)",
        ),
    ):
        path = tmp_path / f"{financing}.toml"
        path.write_text(
            '[scenario]\nname = "O"\nhorizon_months = 12\n'
            "[traffic]\nrequests_per_month = 2628000\n"
            '[baseline]\nname = "api"\nkind = "per_request"\nusd_per_1k_requests = 5\n'
            '[[alternatives]]\nname = "owned"\nkind = "self_hosted"\n'
            "replica_requests_per_s = 1.0\ntarget_utilization = 1.0\ngpus_per_replica = 2\n"
            "[alternatives.owned]\nusd_per_server = 100000\ngpus_per_server = 8\n"
            f'depreciation_months = 6\nfinancing = "{financing}"\n'
        )
        result = CliRunner().invoke(app, ["analyze", str(path)])
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines() == [f"warning: {line}"]
        result = CliRunner().invoke(app, ["analyze", str(path), "--json"])
        assert json.loads(result.stdout)["warnings"] == [line]


def test_cash_past_the_horizon_is_one_warning_line_and_in_json(tmp_path: Path) -> None:
    # a $12,000 server depreciated over 36 months, a 12-month horizon: cash charges all of
    # it; 24/36 of the price, $8,000, is book value at month 12
    path = tmp_path / "owned.toml"
    path.write_text(
        '[scenario]\nname = "O"\nhorizon_months = 12\n'
        "[traffic]\nrequests_per_month = 1000000\n"
        '[baseline]\nname = "api"\nkind = "per_request"\nusd_per_1k_requests = 10\n'
        '[[alternatives]]\nname = "owned"\nkind = "self_hosted"\n'
        "replica_requests_per_s = 1.0\ntarget_utilization = 1.0\n"
        "[alternatives.owned]\nusd_per_server = 12000\ngpus_per_server = 1\n"
        'colocation_usd_per_server_month = 100\ndepreciation_months = 36\nfinancing = "cash"\n'
    )
    line = (
        "alternatives.0 ('owned'): financing = \"cash\" charges all $12,000 of the 1 server "
        "bought within the 12-month horizon, though $8,000 of book value is left at month 12 "
        '(straight line over depreciation_months = 36); financing = "depreciation" charges '
        "only the months held"
    )
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"warning: {line}"]
    result = CliRunner().invoke(app, ["analyze", str(path), "--json"])
    assert json.loads(result.stdout)["warnings"] == [line]


def _owned_portfolio(fleet: str) -> dict[str, Any]:
    """Two workloads of 3,153,600 requests a month (1.2 requests/s, flat) on replicas of
    1 request/s, one $12,000 one-GPU server each, paid in cash, over 12 months."""
    owned = {
        "usd_per_server": 12_000.0,
        "gpus_per_server": 1,
        "colocation_usd_per_server_month": 100.0,
        "depreciation_months": 36,
        "financing": "cash",
    }
    serving = {"fleet": fleet}
    if fleet == "shared":  # no adapter penalty: the combined load alone sizes it
        serving |= {"adapter_overhead": 0.0, "adapter_decade_loss": 0.0}
    traffic = {"requests_per_month": 3_153_600, "peak_to_average": 1.0}
    return {
        "scenario": {"name": "two tasks", "horizon_months": 12},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 10.0},
        "alternatives": [
            {
                "name": "owned",
                "kind": "self_hosted",
                "replica_requests_per_s": 1.0,
                "target_utilization": 1.0,
                "owned": owned,
                "portfolio": serving,
            }
        ],
        "workloads": [{"name": "a", "traffic": traffic}, {"name": "b", "traffic": traffic}],
    }


def test_cash_on_a_shared_fleet_warns_of_the_servers_the_portfolio_sizes(tmp_path: Path) -> None:
    # each workload alone needs ceil(1.2) = 2 servers; on one shared fleet the combined
    # 2.4 requests/s needs 3 (one pinned to each workload, one for the 0.2 + 0.2 left):
    # 3 x $12,000 = $36,000 paid, each server 24/36 of its price left at month 12: $24,000.
    # The workloads' own lines (2 servers, $24,000, $16,000 left, twice) were shown before.
    from payback.analysis.portfolio import evaluate_portfolio, prepare
    from payback.scenario import parse_scenario

    p = prepare(parse_scenario(_owned_portfolio("shared")))
    line = (
        "alternatives.0 ('owned'), the fleet its 2 workloads share: financing = \"cash\" "
        "charges all $36,000 of the 3 servers bought within the 12-month horizon, though "
        "$24,000 of book value is left at month 12 (straight line over depreciation_months = "
        '36); financing = "depreciation" charges only the months held'
    )
    assert p.warnings == [line]
    outcome = evaluate_portfolio(p).alternatives[0]
    assert outcome.servers is not None
    np.testing.assert_allclose(outcome.servers, [3.0] * 12)
    assert float(outcome.one_time_usd) == pytest.approx(36_000.0)
    path = tmp_path / "portfolio.toml"
    path.write_text(tomlkit.dumps(_owned_portfolio("shared")))
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"warning: {line}"]
    # separate fleets: each workload's own, as its own scenario sizes it (2 servers), said
    # once for both
    separate = prepare(parse_scenario(_owned_portfolio("separate"))).warnings
    assert separate == [
        "each of the 2 workloads: alternatives.0 ('owned'): financing = \"cash\" charges "
        "all $24,000 of the 2 servers bought within the 12-month horizon, though $16,000 of "
        "book value is left at month 12 (straight line over depreciation_months = 36); "
        'financing = "depreciation" charges only the months held'
    ]


def test_owned_depreciation_spreads_each_server_over_its_months() -> None:
    alt = evaluate(build(growing_fleet("depreciation"))).alternatives[0]
    assert "hardware" not in alt.one_time_items_usd
    assert float(alt.one_time_usd) == 0.0
    per_server = 100_000.0 / 36
    np.testing.assert_allclose(
        alt.costs.components["hardware"], [per_server, per_server, 2 * per_server]
    )
    np.testing.assert_allclose(
        alt.costs.monthly_usd, np.array([1.0, 1.0, 2.0]) * (per_server + FACILITY)
    )


def test_owned_fleet_that_shrinks_and_grows_back_buys_nothing_new() -> None:
    servers = np.array([2.0, 1.0, 2.0, 3.0])
    at_start, monthly = model.owned_server_cost(
        servers, usd_per_server=10.0, depreciation_months=1, cash=True
    )
    assert float(at_start) == 20.0
    np.testing.assert_allclose(monthly, [0.0, 0.0, 0.0, 10.0])


def test_owned_costs_are_vectorized_over_samples() -> None:
    data = growing_fleet("cash")
    scenario = build(data)
    assert "alternatives.0.owned.usd_per_server" in numeric_paths(scenario)
    prices = np.array([50_000.0, 100_000.0, 200_000.0])
    alt = evaluate(scenario, {"alternatives.0.owned.usd_per_server": prices}).alternatives[0]
    np.testing.assert_allclose(alt.one_time_items_usd["hardware"], prices)
    np.testing.assert_allclose(alt.costs.components["hardware"][:, 2], prices)
    pue = np.array([1.0, 2.0])
    alt = evaluate(scenario, {"alternatives.0.owned.pue": pue}).alternatives[0]
    np.testing.assert_allclose(
        alt.costs.components["facility"][:, 0], 10.0 * 730 * 0.12 * pue + 1500.0
    )


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        ("alternatives.0.always_on", False, "always_on must be true with [owned]"),
        ("alternatives.0.commitment", "1y", "not used with owned hardware"),
        ("alternatives.0.gpu_price_change_annual", -0.2, "not used with owned hardware"),
        (
            "alternatives.0.usd_per_gpu_hour",
            2.0,
            "usd_per_gpu_hour: rent, not used with owned hardware (remove one of them)",
        ),
        ("alternatives.0.owned.pue", 0.9, "alternatives.0.owned.pue = 0.9: must be ≥ 1"),
        ("alternatives.0.owned.gpus_per_server", 0, "owned.gpus_per_server = 0: must be ≥ 1"),
        ("alternatives.0.owned.usd_per_server", -1.0, "owned.usd_per_server = -1.0: must be ≥ 0"),
        ("alternatives.0.owned.financing", "lease", "allowed: 'cash' or 'depreciation'"),
        ("alternatives.0.owned.watts", 1.0, "unknown field in alternatives.0.owned"),
        ("alternatives.0.owned.usd_per_kwh", float("nan"), "must be a finite number"),
    ],
)
def test_owned_bad_input_names_the_field(path: str, value: Any, fragment: str) -> None:
    with pytest.raises(payback.PaybackError) as err:
        build(edited(growing_fleet("cash"), path, value))
    assert fragment in str(err.value)


# ---------------------------------------------------------------- commitments and trends


def _tiny_catalog() -> Catalog:
    checked = dt.date(2026, 11, 1)

    def price(kind: str, usd: float, provider: str = "pp") -> GpuPrice:
        return GpuPrice(
            provider=provider,
            usd_per_gpu_hour=usd,
            kind=kind,  # type: ignore[arg-type]
            source="https://example.com/prices",
            checked=checked,
        )

    gpu = Gpu(
        id="g1",
        name="G1",
        memory_gb=80,
        memory_bandwidth_gb_s=2000,
        bf16_tflops=300,
        source="https://example.com/g1",
        checked=checked,
        prices=[
            price("on_demand", 3.0),
            price("on_demand", 4.0, "qq"),
            price("reserved_1y", 2.0),
            price("reserved_3y", 1.5),
        ],
    )
    return Catalog.of([gpu])


@pytest.mark.parametrize(
    ("commitment", "provider", "expected"),
    [("none", None, 3.0), ("1y", None, 2.0), ("3y", None, 1.5), ("none", "qq", 4.0)],
)
def test_commitment_picks_the_catalog_price_of_its_term(
    commitment: str, provider: str | None, expected: float
) -> None:
    data = fleet_dict(gpu="g1", commitment=commitment)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    if provider:
        data["alternatives"][0]["gpu_provider"] = provider
    data["scenario"]["horizon_months"] = 36
    resolved = resolve(build(data), _tiny_catalog(), dt.date(2026, 11, 28))
    assert resolved.scenario.alternatives[0].usd_per_gpu_hour == expected
    gpus = evaluate(resolved).alternatives[0].costs.components["gpus"]
    np.testing.assert_allclose(gpus, 1.0 * 730 * expected)


def test_commitment_the_provider_lacks_is_one_clear_error() -> None:
    data = fleet_dict(gpu="g1", commitment="1y", gpu_provider="qq")
    del data["alternatives"][0]["usd_per_gpu_hour"]
    with pytest.raises(payback.PaybackError) as err:
        resolve(build(data), _tiny_catalog(), dt.date(2026, 11, 28))
    message = str(err.value)
    assert message.startswith("alternatives.0.commitment = '1y': the catalog has no reserved_1y")
    assert "from qq (it has: on_demand)" in message
    assert "give usd_per_gpu_hour" in message


def test_commitment_price_given_wins_and_a_term_past_the_horizon_warns() -> None:
    data = fleet_dict(gpu="g1", commitment="3y", usd_per_gpu_hour=1.25)
    resolved = resolve(build(data), _tiny_catalog(), dt.date(2026, 11, 28))
    assert resolved.scenario.alternatives[0].usd_per_gpu_hour == 1.25
    assert any("runs 36 months, past the 3-month horizon" in w for w in resolved.warnings)


def test_packaged_catalog_has_a_sourced_one_year_h100_price_and_no_three_year_one(
    tmp_path: Any,
) -> None:
    data = fleet_dict(gpu="h100-sxm", commitment="1y")
    del data["alternatives"][0]["usd_per_gpu_hour"]
    resolved = resolve(build(data))
    source = resolved.sources["alternatives.0.usd_per_gpu_hour"]
    assert source.value == 2.35
    assert "reserved-1y" in source.source
    assert source.reference
    three = edited(data, "alternatives.0.commitment", "3y")
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(three))
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2
    assert "commitment = '3y': the catalog has no reserved_3y price for h100-sxm" in result.output
    assert "Traceback" not in result.output


def test_gpu_price_trend_by_hand() -> None:
    data = fleet_dict(usd_per_gpu_hour=2.0, gpu_price_change_annual=-0.19)
    data["scenario"]["horizon_months"] = 25
    alt = evaluate(build(data)).alternatives[0]
    gpus = alt.costs.components["gpus"]
    assert gpus[0] == pytest.approx(730 * 2.0)
    assert gpus[12] == pytest.approx(730 * 2.0 * 0.81)
    assert gpus[24] == pytest.approx(730 * 2.0 * 0.81**2)
    assert gpus[6] == pytest.approx(730 * 2.0 * 0.81**0.5)


def test_gpu_price_trend_applies_to_scale_to_zero_and_samples() -> None:
    data = fleet_dict(usd_per_gpu_hour=2.0, always_on=False, gpu_price_change_annual=0.1)
    data["scenario"]["horizon_months"] = 13
    scenario = build(data)
    alt = evaluate(scenario).alternatives[0]
    busy = 2_628_000.0 / 3600.0  # GPU-hours at 1 request/s per replica, utilization 1
    assert alt.costs.components["gpus"][12] == pytest.approx(busy * 2.0 * 1.1)
    trends = np.array([-0.5, 0.0, 0.5])
    varied = evaluate(scenario, {"alternatives.0.gpu_price_change_annual": trends})
    np.testing.assert_allclose(
        varied.alternatives[0].costs.components["gpus"][:, 12], busy * 2.0 * (1.0 + trends)
    )


def test_no_trend_no_input_row() -> None:
    assert "alternatives.0.gpu_price_change_annual" not in numeric_paths(build(fleet_dict()))


def test_analyze_shows_the_configuration_behind_self_hosted_numbers() -> None:
    analysis = payback.analyze(build(growing_fleet("cash")))
    config = analysis.alternatives[0].configuration
    assert config is not None
    assert config["gpus_per_replica"] == 4
    assert (config["replicas_month_1"], config["replicas_max"]) == (1.0, 4.0)
    assert (config["servers_month_1"], config["servers_max"]) == (1.0, 2.0)
    assert config["pricing"] == "owned (cash)"
    assert analysis.to_dict()["alternatives"][0]["configuration"] == config
    assert analysis.baseline.configuration is None
    text = configuration_text(config)
    assert text == (
        "4 GPUs per replica, 1.00 requests/s each (planned at 100%); 1 replica in month 1, "
        "4 at the most; 1 to 2 owned (cash) servers"
    )
    sections = dict(explain(analysis))
    assert text in " ".join(sections["what the project really costs"])
    rented = payback.analyze(
        build(fleet_dict(usd_per_gpu_hour=2.0, commitment="1y", gpu_price_change_annual=-0.2))
    )
    assert configuration_text(rented.alternatives[0].configuration) == (
        "1 GPU per replica, 1.00 requests/s each (planned at 100%); 1 replica in month 1; "
        "1y commitment at $2.00/GPU-h, -20% a year"
    )


def test_owned_refusals_name_the_whole_path_and_the_range_knows_the_server() -> None:
    from payback.scenario import field_range

    with pytest.raises(payback.PaybackError) as err:
        build(edited(growing_fleet("cash"), "alternatives.0.usd_per_gpu_hour", 2.0))
    assert err.value.messages == [
        "scenario: alternatives.0.usd_per_gpu_hour: rent, not used with owned hardware "
        "(remove one of them)"
    ]
    with pytest.raises(
        payback.PaybackError, match=r"alternatives\.0\.gpus_per_replica = 12: a replica larger"
    ):
        build(edited(growing_fleet("cash"), "alternatives.0.gpus_per_replica", 12))
    scenario = build(growing_fleet("cash"))  # 4 GPUs a replica, 8 a server
    assert field_range(scenario, "alternatives.0.gpus_per_replica").highest == 8
    assert field_range(scenario, "alternatives.0.owned.gpus_per_server").lowest == 4
