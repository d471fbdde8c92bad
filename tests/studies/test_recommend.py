"""payback recommend: the search against brute force, its limits, and the CLI."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import payback
from helpers import (
    CHECKED,
    EXAMPLES,
    QUARTER,
    build,
    build_data,
    check_golden,
    edited,
    tiny_catalog,
    tiny_scenario,
)
from payback.analysis.cashflows import evaluate
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, default_catalog
from payback.cli import app
from payback.hardware.estimate import estimate_serving, valid_tensor_parallel
from payback.hardware.serving import PRECISIONS
from payback.scenario import dump_scenario
from payback.studies.recommend import recommend

runner = CliRunner()


def brute_force(scenario: payback.Scenario, catalog: Catalog) -> dict[tuple[str, str, int], float]:
    """Every configuration one at a time through estimate_serving and the cost engine."""
    option = scenario.alternatives[0]
    traffic = scenario.traffic
    model = catalog.model("qwen2.5-7b")
    out = {}
    for gpu in catalog.gpus.values():
        for precision in PRECISIONS:
            for tp in valid_tensor_parallel(model):
                try:
                    est = estimate_serving(
                        model,
                        gpu,
                        precision,
                        input_tokens=traffic.input_tokens or 0.0,
                        output_tokens=traffic.output_tokens or 0.0,
                        cached_input_share=traffic.cached_input_share,
                        gpus_per_replica=tp,
                        tpot_ms=option.tpot_ms,  # type: ignore[union-attr]
                    )
                except payback.PaybackError:
                    continue  # does not fit, lacks the precision or misses the target
                explicit = scenario.model_copy(
                    update={
                        "alternatives": [
                            option.model_copy(
                                update={
                                    "replica_requests_per_s": est.replica_requests_per_s,
                                    "gpus_per_replica": tp,
                                    "usd_per_gpu_hour": gpu.prices[0].usd_per_gpu_hour,
                                }
                            )
                        ]
                    }
                )
                gpus = evaluate(explicit).alternatives[0].costs.components["gpus"]
                out[(gpu.id, precision, tp)] = float(np.mean(gpus))
    return out


@pytest.mark.parametrize("tpot_ms", [None, 40.0, 25.0])
def test_search_finds_the_brute_force_minimum(tpot_ms: float | None) -> None:
    scenario = tiny_scenario(tpot_ms=tpot_ms) if tpot_ms else tiny_scenario()
    catalog = tiny_catalog()
    costs = brute_force(scenario, catalog)
    result = recommend(scenario, catalog=catalog)
    best = result.best
    assert best is not None
    cheapest = min(costs.values())
    assert best.monthly_cost_usd == pytest.approx(cheapest, rel=1e-12)
    assert costs[(best.gpu, best.precision, best.gpus_per_replica)] == pytest.approx(cheapest)
    # every configuration brute force can run is a candidate meeting the target, same cost
    meeting = {
        (c.gpu, c.precision, c.gpus_per_replica): c.monthly_cost_usd
        for c in result.candidates
        if c.meets_targets
    }
    assert meeting.keys() == costs.keys()
    for key, cost in costs.items():
        assert meeting[key] == pytest.approx(cost, rel=1e-12)


def test_memory_limits_are_respected() -> None:
    catalog = tiny_catalog()
    result = recommend(tiny_scenario(), catalog=catalog)
    keys = {(c.gpu, c.precision, c.gpus_per_replica) for c in result.candidates}
    assert ("small", "bf16", 1) not in keys  # 15 GB of weights in 16 GB
    assert ("small", "bf16", 2) in keys
    assert ("small", "fp8", 1) not in keys  # no FP8 rate in its record
    assert result.excluded["does not fit in memory"] >= 1
    # of no known architecture, it is not said to lack the tensor cores
    assert "the catalog gives no rate for the GPU at the precision" in result.excluded
    assert "the GPU lacks the precision's tensor cores" not in result.excluded
    model = catalog.model("qwen2.5-7b")
    with pytest.raises(payback.PaybackError):
        estimate_serving(model, catalog.gpu("small"), "bf16", gpus_per_replica=1)


def test_latency_targets_are_respected() -> None:
    catalog = tiny_catalog()
    result = recommend(tiny_scenario(tpot_ms=25.0, ttft_ms=400.0), catalog=catalog)
    met = [c for c in result.candidates if c.meets_targets]
    missed = [c for c in result.candidates if not c.meets_targets]
    assert met
    assert missed
    assert all(c.tpot_ms <= 25.0 and c.ttft_ms <= 400.0 for c in met)
    assert all(c.tpot_ms > 25.0 or c.ttft_ms > 400.0 for c in missed)
    # those meeting the targets come first, each group by cost
    assert result.candidates[: len(met)] == met
    assert [c.monthly_cost_usd for c in met] == sorted(c.monthly_cost_usd for c in met)
    assert "misses the latency targets" not in result.excluded
    assert result.missing_targets == len(missed)
    # the Pareto front: cheaper means slower
    front = result.pareto
    assert front[0] == result.best
    assert all(a.monthly_cost_usd <= b.monthly_cost_usd for a, b in itertools.pairwise(front))
    assert all(a.tpot_ms > b.tpot_ms for a, b in itertools.pairwise(front))
    # nothing on the front is beaten on both counts; everything off it is
    for c in met:
        beaten = any(
            o.monthly_cost_usd <= c.monthly_cost_usd
            and o.tpot_ms <= c.tpot_ms
            and (o.monthly_cost_usd, o.tpot_ms) != (c.monthly_cost_usd, c.tpot_ms)
            for o in met
        )
        if c in front:
            assert not beaten
        elif not beaten:  # a tie with one on the front
            assert any(
                (o.monthly_cost_usd, o.tpot_ms) == (c.monthly_cost_usd, c.tpot_ms) for o in front
            )


def test_too_many_replicas_are_left_out() -> None:
    catalog = tiny_catalog()
    result = recommend(tiny_scenario(requests=3e8), catalog=catalog, max_replicas=20)
    assert result.candidates
    assert all(c.replicas_max <= 20 for c in result.candidates)
    assert result.excluded["needs more than 20 replicas"] >= 1


@settings(max_examples=25, deadline=None)
@given(
    low=st.floats(1e4, 1e8, allow_nan=False),
    factor=st.floats(1.0, 50.0, allow_nan=False),
)
def test_more_traffic_never_lowers_the_chosen_cost(low: float, factor: float) -> None:
    catalog = tiny_catalog()
    small = recommend(tiny_scenario(requests=low), catalog=catalog).best
    large = recommend(tiny_scenario(requests=low * factor), catalog=catalog).best
    assert small is not None
    assert large is not None
    assert large.monthly_cost_usd >= small.monthly_cost_usd * (1 - 1e-12)


def test_owned_search_costs_what_analyze_charges() -> None:
    owned = {
        "usd_per_server": 40_000.0,
        "gpus_per_server": 4,
        "kw_per_server": 3.0,
        "usd_per_kwh": 0.15,
        "pue": 1.4,
        "colocation_usd_per_server_month": 800.0,
        "financing": "cash",
    }
    data = build_data(requests=2e7, gpu="mid", owned=owned)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    catalog = tiny_catalog()
    result = recommend(build(data), catalog=catalog)
    assert {c.gpu for c in result.candidates} == {"mid"}
    best = result.best
    assert best is not None
    assert best.usd_per_gpu_hour is None
    for financing in ("cash", "depreciation"):
        data["alternatives"][0]["owned"]["financing"] = financing
        best = recommend(build(data), catalog=catalog).best
        assert best is not None
        applied = edited(data, "alternatives.0.precision", best.precision)
        applied = edited(applied, "alternatives.0.gpus_per_replica", best.gpus_per_replica)
        del applied["alternatives"][0]["replica_requests_per_s"]
        resolved = resolve(build(applied), catalog, CHECKED)
        alt = evaluate(resolved).alternatives[0]
        spent = float(alt.one_time_items_usd.get("hardware", 0.0)) + float(
            np.sum(alt.costs.components["hardware"] + alt.costs.components["facility"])
        )
        assert spent / 12 == pytest.approx(best.monthly_cost_usd, rel=1e-12)


def test_commitment_and_trend_price_the_search() -> None:
    catalog = tiny_catalog()
    # traffic one replica serves all year, so the fleet is the same every month
    plain = recommend(tiny_scenario(3e5), catalog=catalog).best
    falling = recommend(tiny_scenario(3e5, gpu_price_change_annual=-0.5), catalog=catalog).best
    assert plain is not None
    assert falling is not None
    assert plain.replicas == plain.replicas_max == falling.replicas_max
    trend = np.mean(0.5 ** (np.arange(12) / 12))
    assert falling.monthly_cost_usd == pytest.approx(plain.monthly_cost_usd * trend)
    none = recommend(tiny_scenario(commitment="1y"), catalog=catalog)
    assert none.candidates == []
    assert sum(none.excluded.values()) > 0
    assert "no reserved-1y price in the catalog" in none.excluded


@pytest.mark.slow  # every catalog model on every GPU: seconds
def test_search_covers_every_model() -> None:
    # its speed is measured by benchmarks/bench_recommend.py, not timed here
    catalog = default_catalog()
    scenario = tiny_scenario(models=list(catalog.models))
    result = recommend(scenario)
    assert result.evaluated > 1000
    assert len(result.models) == len(catalog.models)


# ---------------------------------------------------------------- CLI


def _quarter_with(tmp_path: Path, **edits: Any) -> Path:
    document = tomlkit.parse(QUARTER.read_text())
    for key, value in edits.items():
        if key == "requests_per_month":
            document["traffic"][key] = value  # type: ignore[index]
        else:
            document["alternatives"][0][key] = value  # type: ignore[index]
    path = tmp_path / "scenario.toml"
    path.write_text(tomlkit.dumps(document))
    return path


@pytest.mark.parametrize(
    "edits",
    [
        {"model": "qwen2.5-7b"},
        {"model": "qwen2.5-7b", "requests_per_month": 30_000_000, "tpot_ms": 30.0},
        {"models": ["qwen2.5-1.5b", "qwen2.5-7b"], "ttft_ms": 200.0},
    ],
)
def test_applied_winner_costs_the_same_in_analyze(tmp_path: Path, edits: dict[str, Any]) -> None:
    path = _quarter_with(tmp_path, **edits)
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--json", "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    best = answer["best"]
    assert answer["written"] == str(out)
    text = out.read_text()
    assert "# in month 1" in text  # comments kept
    analysis = json.loads(runner.invoke(app, ["analyze", str(out), "--json"]).stdout)
    gpus = analysis["alternatives"][0]["components_usd"]["gpus"]
    # the file's $0.80 (no gpu) is replaced: analyze pays the rent recommend ranked at
    assert sum(gpus) / len(gpus) == pytest.approx(best["monthly_cost_usd"], rel=1e-9)
    assert analysis["alternatives"][0]["gpus"][0] == best["replicas"] * best["gpus_per_replica"]
    written = payback.load_scenario(out).alternatives[0]
    assert (written.gpu, written.precision, written.gpus_per_replica) == (  # type: ignore[union-attr]
        best["gpu"],
        best["precision"],
        best["gpus_per_replica"],
    )


def test_recommend_json_shape_and_order(tmp_path: Path) -> None:
    path = _quarter_with(tmp_path, model="qwen2.5-7b", tpot_ms=20.0)
    result = runner.invoke(app, ["recommend", str(path), "--json", "--top", "1000"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["alternative"] == 0
    keys = {
        "gpu",
        "precision",
        "gpus_per_replica",
        "replicas",
        "replica_requests_per_s",
        "tpot_ms",
        "ttft_ms",
        "monthly_cost_usd",
        "meets_targets",
    }
    candidates = data["candidates"]
    assert len(candidates) > 1
    assert all(keys <= set(c) for c in candidates)
    order = [(not c["meets_targets"], c["monthly_cost_usd"]) for c in candidates]
    assert order == sorted(order)
    assert data["best"] == candidates[0]
    assert data["best"]["meets_targets"] is True
    assert data["evaluated"] > 100
    assert len(candidates) == data["candidates_total"]
    top3 = json.loads(runner.invoke(app, ["recommend", str(path), "--json", "--top", "3"]).stdout)
    assert top3["candidates"] == candidates[:3]


def test_recommend_text_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    import payback.studies.recommend as study

    monkeypatch.setattr(study, "_today", lambda: dt.date(2026, 12, 5))  # stale rents stay put
    # a fixed time: a slow run's "in 1,123.3 ms" is longer than "in 523.4 ms" and wrapped the
    # paragraph's lines elsewhere, which the golden's <time> could not hide
    clock = itertools.count(0.0, 0.5)
    monkeypatch.setattr(study, "time", type("Clock", (), {"perf_counter": lambda: next(clock)}))
    path = _quarter_with(tmp_path, model="qwen2.5-7b", tpot_ms=40.0)
    result = runner.invoke(app, ["recommend", str(path), "--top", "5"])
    assert result.exit_code == 0, result.output
    text = re.sub(r"in [\d,.]+ ms", "in <time> ms", result.stdout)
    check_golden("recommend_quarter-200k.txt", text)


@pytest.mark.parametrize(
    ("edits", "args", "fragment"),
    [
        ({}, [], "alternatives.0.model: recommend needs the model to serve"),
        (
            {"models": ["qwen2.5-7b", "qwen9-7b"]},
            [],
            "alternatives.0.models: unknown model 'qwen9-7b'",
        ),
        ({"models": []}, [], "alternatives.0.models"),
        (
            {"model": "qwen2.5-7b"},
            ["--model", "llama-9"],
            "--model llama-9: unknown model 'llama-9'",
        ),
        (
            {"model": "qwen2.5-7b"},
            ["--alternative", "3"],
            "--alternative 3: the scenario has one alternative, 0",
        ),
        ({"model": "qwen2.5-7b"}, ["--top", "0"], "--top 0: must be ≥ 1"),
        ({"model": "qwen2.5-7b"}, ["--apply"], "--apply needs -o FILE"),
        ({"model": "qwen2.5-7b"}, ["-o", "x.toml"], "-o is for --apply"),
        ({"model": "qwen2.5-7b"}, ["--max-replicas", "0"], "--max-replicas 0: must be ≥ 1"),
        (
            {"model": "qwen2.5-7b", "tpot_ms": float("nan")},
            [],
            "tpot_ms = nan: must be a finite number",
        ),
        (
            {"model": "qwen2.5-7b", "ttft_ms": -5.0},
            [],
            "alternatives.0.ttft_ms = -5.0: must be > 0",
        ),
        (
            {"model": "qwen2.5-7b", "commitment": "5y"},
            [],
            "alternatives.0.commitment = '5y': did you mean '1y'? allowed: 'none', '1y' or '3y'",
        ),
        ({"model": "qwen2.5-7b", "gpu": "h1OO"}, [], "unknown GPU 'h1OO'"),
    ],
)
def test_recommend_bad_input_one_line_exit_2(
    tmp_path: Path, edits: dict[str, Any], args: list[str], fragment: str
) -> None:
    path = _quarter_with(tmp_path, **edits)
    result = runner.invoke(app, ["recommend", str(path), *args])
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_recommend_on_a_hosted_alternative_says_which_are_self_hosted(tmp_path: Path) -> None:
    data = build_data()
    data["alternatives"].insert(
        0,
        {
            "name": "mini",
            "kind": "hosted_api",
            "input_usd_per_mtok": 0.1,
            "output_usd_per_mtok": 0.4,
        },
    )
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(data))
    result = runner.invoke(app, ["recommend", str(path), "--alternative", "0"])
    assert result.exit_code == 2
    assert (
        "alternatives.0 ('mini') is hosted_api; recommend needs a self_hosted one (self_hosted: 1)"
        in result.output
    )
    ok = runner.invoke(app, ["recommend", str(path), "--json"])
    assert json.loads(ok.stdout)["alternative"] == 1


def test_apply_refuses_to_overwrite_and_yaml_works(tmp_path: Path) -> None:
    path = _quarter_with(tmp_path, model="qwen2.5-7b")
    out = tmp_path / "exists.toml"
    out.write_text("keep me")
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert result.exit_code == 2
    assert "already exists; use --force" in result.output
    assert out.read_text() == "keep me"
    yaml_in = tmp_path / "s.yaml"
    yaml_in.write_text(dump_scenario(payback.load_scenario(path), "yaml"))
    yaml_out = tmp_path / "new.yaml"
    result = runner.invoke(app, ["recommend", str(yaml_in), "--apply", "-o", str(yaml_out)])
    assert result.exit_code == 0, result.output
    assert payback.load_scenario(yaml_out).alternatives[0].gpu == "l4"  # type: ignore[union-attr]


def test_recommend_help_teaches() -> None:
    result = runner.invoke(app, ["recommend", "--help"])
    assert result.exit_code == 0
    for word in ("--apply", "tpot_ms", "ttft_ms", "models", "Pareto", "commitment"):
        assert word in result.output


def test_calibrated_factors_apply_to_every_configuration(tmp_path: Path) -> None:
    from payback.hardware.calibration import Factors, engine_for
    from payback.measure.calibration import Calibration, calibration_toml

    cal = Calibration(
        kind="calibration",
        tool="payback calibrate",
        created="2026-11-28T00:00:00",
        factors=Factors(bandwidth_efficiency=0.5, step_overhead_s=0.004),
    )
    (tmp_path / "cal.toml").write_text(calibration_toml(cal))
    data = build_data(calibration="cal.toml")
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(data))
    scenario = payback.load_scenario(path)
    catalog = tiny_catalog()
    calibrated = recommend(scenario, catalog=catalog)
    assert calibrated.candidates
    assert (
        calibrated.candidates
        == recommend(scenario, catalog=catalog, engine=engine_for(cal.factors)).candidates
    )
    default = recommend(build(build_data()), catalog=catalog)
    slower = {(c.gpu, c.precision, c.gpus_per_replica): c.tpot_ms for c in calibrated.candidates}
    for c in default.candidates:
        assert slower[(c.gpu, c.precision, c.gpus_per_replica)] > c.tpot_ms
    broken = tmp_path / "s2.toml"
    broken.write_text(tomlkit.dumps(build_data(calibration="missing.toml")))
    result = runner.invoke(app, ["recommend", str(broken)])
    assert result.exit_code == 2
    assert "alternatives.0.calibration = 'missing.toml'" in result.output


def test_recommend_names_its_parameters_and_an_interface_renames_them() -> None:
    from payback.report.recommend import COMMAND_NAMES

    with pytest.raises(payback.PaybackError) as err:
        recommend(tiny_scenario(), catalog=tiny_catalog(), max_replicas=0)
    assert (err.value.param, err.value.messages) == (
        "max_replicas",
        ["max_replicas 0: must be ≥ 1"],
    )
    with pytest.raises(payback.PaybackError) as err:
        recommend(tiny_scenario(), 4, catalog=tiny_catalog())
    assert err.value.param == "alternative"
    assert err.value.messages[0].startswith("alternative 4: the scenario has one alternative, 0")
    with pytest.raises(payback.PaybackError) as err:
        recommend(tiny_scenario(), models=["nope-7b"], catalog=tiny_catalog())
    assert (err.value.param, err.value.value) == ("model", "nope-7b")
    # every configuration needs too many replicas: the advice names the parameter
    result = recommend(tiny_scenario(requests=3e9), catalog=tiny_catalog(), max_replicas=1)
    assert result.best is None
    assert result.no_best_reason is not None
    assert result.no_best_reason.endswith("; raise max_replicas")
    assert "--" not in result.no_best_reason
    assert result.why_no_best(COMMAND_NAMES) == result.no_best_reason.replace(
        "max_replicas", "--max-replicas"
    )


def test_recommend_says_how_many_were_left_out_before_and_after_evaluation(
    tmp_path: Path,
) -> None:
    """It said "Evaluated 171 configurations ...; 171 fit" beside 81 left out (before
    evaluation) with no word of the 252 considered; with --max-replicas 1 at 30M requests
    a month some evaluated configurations need more replicas: said apart."""
    path = _quarter_with(tmp_path, model="qwen2.5-7b", requests_per_month=30_000_000)
    result = runner.invoke(app, ["recommend", str(path), "--json", "--max-replicas", "1"])
    data = json.loads(result.stdout)
    excluded = data["excluded"]
    after = sum(n for r, n in excluded.items() if r.startswith("needs more than"))
    after += excluded.get("does not fit in memory", 0)
    assert after > 0
    assert data["evaluated_did_not_fit"] == after
    assert data["evaluated"] - after == data["candidates_total"]
    assert data["left_out_before_evaluation"] == sum(excluded.values()) - after
    assert data["considered"] == data["evaluated"] + data["left_out_before_evaluation"]
    text = runner.invoke(app, ["recommend", str(path), "--max-replicas", "1"]).stdout
    flat = " ".join(text.split())
    assert f"Considered {data['considered']:,} configurations" in flat
    assert f"{data['left_out_before_evaluation']:,} left out before evaluation" in flat
    assert f"{data['candidates_total']:,} of them fit" in flat
    assert f"Evaluated, did not fit ({after:,}):" in flat


@pytest.mark.parametrize(
    ("edits", "words"),
    [
        ({"gpu_price": "marketplace"}, "on-demand rent (the median of marketplace offers)"),
        ({"gpu_price": "hyperscaler"}, "on-demand rent (the median of hyperscalers' offers)"),
        ({"gpu_provider": "aws"}, "on-demand rent from aws"),
        ({"commitment": "1y"}, "1y committed rent (the median of GPU clouds'"),
        ({"gpu_price": "serverless", "always_on": False}, "serverless rent (busy GPU-seconds)"),
    ],
)
def test_recommend_names_the_rent_it_priced(
    tmp_path: Path, edits: dict[str, Any], words: str
) -> None:
    """It said "priced as on-demand rent" whatever gpu_price or gpu_provider chose."""
    path = _quarter_with(tmp_path, model="qwen2.5-7b", gpu="l4", **edits)
    result = runner.invoke(app, ["recommend", str(path), "--top", "1"])
    assert result.exit_code == 0, result.output
    assert f"priced as {words}" in " ".join(result.stdout.split())
    # the alternative's own rent holds for its own GPU only, and says so
    assert "l4 at the alternative's own usd_per_gpu_hour = 0.8" in " ".join(result.stdout.split())


def test_apply_renames_the_scenario_name_that_names_the_old_gpu(tmp_path: Path) -> None:
    """--apply renamed the alternative ('... on one rented L4' to RTX-A6000) but left
    [scenario] name saying L4."""
    path = _quarter_with(tmp_path, model="qwen2.5-7b", tpot_ms=20.0)
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    new = tomlkit.parse(out.read_text())
    gpu = new["alternatives"][0]["gpu"]  # type: ignore[index]
    assert gpu != "l4"
    shown = gpu.upper()
    assert new["alternatives"][0]["name"] == f"fine-tuned 7B on one rented {shown}"  # type: ignore[index]
    assert new["scenario"]["name"] == (  # type: ignore[index]
        f"200k requests/month: hosted big model vs fine-tuned 7B on one rented {shown}"
    )
    assert "scenario.name = " in result.stderr
    assert "--apply -o FILE" not in result.stdout  # done, not advised


def test_a_missing_model_is_asked_for_at_the_size_the_name_says() -> None:
    """growth.toml's 'fine-tuned 8B on rented H100s' has no model: recommend suggested
    model = "qwen2.5-7b", a 7B, whatever the alternative said."""
    result = runner.invoke(app, ["recommend", str(EXAMPLES / "growth.toml")])
    assert result.exit_code == 2
    assert (
        'give model = "llama-3.1-8b" (its name says 8B: the catalog\'s 8B models are '
        "llama-3.1-8b, qwen3-8b) in the scenario" in result.stderr
    )
    assert "qwen2.5-7b" not in result.stderr


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("new.yaml", "is TOML, and the new scenario keeps its format and comments; give a .toml"),
        ("new.json", "a scenario is written as .toml, or .yaml / .yml for YAML; not .json"),
        ("new", "not a name without an extension"),
    ],
)
def test_apply_writes_only_a_scenario_in_the_files_format(
    tmp_path: Path, name: str, fragment: str
) -> None:
    """--apply -o new.yaml wrote the TOML text into new.yaml (analyze: 'not valid YAML'),
    and -o new.json a TOML file named .json."""
    path = _quarter_with(tmp_path, model="qwen2.5-7b")
    out = tmp_path / name
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: -o {out}: ")
    assert fragment in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()


def test_the_winners_rent_reads_as_analyze_reads_it(tmp_path: Path) -> None:
    """recommend's Best said '$0.8/GPU-h' where analyze of the applied scenario says
    '$0.80/GPU-h' (and '$0.8048' where analyze said '$0.80')."""
    path = _quarter_with(tmp_path, model="qwen2.5-7b", gpu="l4")
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    winner = " ".join(result.stdout.split()).partition("Best: ")[2]  # not a stale rent's note
    best = re.search(r"at (\$[\d.]+)/GPU-h", winner)
    assert best is not None
    assert best.group(1) == "$0.80"
    analyzed = runner.invoke(app, ["analyze", str(out)]).stdout
    assert f"on-demand at {best.group(1)}/GPU-h" in " ".join(analyzed.split())
