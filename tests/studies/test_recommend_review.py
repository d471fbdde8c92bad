"""Committed prices under a trend, whole replicas in owned servers, what recommend says
when nothing qualifies, ties, and what ``--apply`` keeps; hand-computed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomlkit
from typer.testing import CliRunner

import payback
from helpers import (
    EXAMPLES,
    LLAMA_8B_CONFIG,
    QUARTER,
    build,
    build_data,
    fleet_dict,
    tiny_catalog,
    tiny_scenario,
)
from payback import finance as model
from payback.analysis.cashflows import evaluate
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog
from payback.cli import app
from payback.studies.configurations import rank as _rank
from payback.studies.recommend import Candidate, recommend

runner = CliRunner()


# ------------------------------------------------ 1. committed prices hold for their term


def test_committed_price_trend_holds_for_each_term() -> None:
    one_year = model.committed_price_trend(-0.2, 25, 12)
    np.testing.assert_allclose(one_year, [1.0] * 12 + [0.8] * 12 + [0.64])
    three_years = model.committed_price_trend(-0.2, 40, 36)
    np.testing.assert_allclose(three_years, [1.0] * 36 + [0.512] * 4)  # renewed 3 years on
    on_demand = model.committed_price_trend(-0.2, 13, 1)
    np.testing.assert_allclose(on_demand, model.price_trend(-0.2, 13))


@pytest.mark.parametrize(
    ("commitment", "horizon", "factors"),
    [
        ("1y", 25, [1.0] * 12 + [0.8] * 12 + [0.64]),
        ("3y", 40, [1.0] * 36 + [0.512] * 4),
        ("none", 13, [0.8 ** (m / 12) for m in range(13)]),
    ],
)
def test_engine_renews_a_commitment_at_the_trended_price(
    commitment: str, horizon: int, factors: list[float]
) -> None:
    # 1 request/s, a replica serves 1 request/s at full use: 1 GPU at $2/h, 730 h a month
    data = fleet_dict(usd_per_gpu_hour=2.0, commitment=commitment, gpu_price_change_annual=-0.2)
    data["scenario"]["horizon_months"] = horizon
    alt = evaluate(build(data)).alternatives[0]
    np.testing.assert_allclose(alt.costs.components["gpus"], 1460.0 * np.array(factors))


def test_recommend_holds_a_committed_price_for_its_term() -> None:
    def mid(**kw: Any) -> Candidate:
        data = build_data(gpu="mid", usd_per_gpu_hour=1.0, **kw)
        data["scenario"]["horizon_months"] = 24
        data["traffic"]["growth_monthly"] = 0.0
        result = recommend(build(data), catalog=tiny_catalog())
        best = result.best
        assert best is not None
        assert best.gpu == "mid"
        return best

    flat = mid(commitment="1y")
    halving = mid(commitment="1y", gpu_price_change_annual=-0.5)
    # 12 months at the price, 12 at half of it: 0.75 of the flat cost
    assert halving.monthly_cost_usd == pytest.approx(0.75 * flat.monthly_cost_usd, rel=1e-12)


# ------------------------------------------------ 7. whole replicas in owned servers

OWNED = {
    "usd_per_server": 100_000.0,
    "gpus_per_server": 6,
    "colocation_usd_per_server_month": 1000.0,
    "financing": "cash",
}


def test_servers_hold_whole_replicas() -> None:
    np.testing.assert_allclose(model.servers_needed(3.0, 4, 6), 3.0)  # not ceil(12 / 6) = 2
    np.testing.assert_allclose(model.servers_needed([3.0, 4.0], 2, 6), [1.0, 2.0])
    np.testing.assert_allclose(
        model.servers_needed(np.array([[3.0], [3.0]]), np.array([4.0, 1.0]), 6), [[3.0], [1.0]]
    )
    assert np.isinf(model.servers_needed(1.0, 8, 6))


def test_engine_packs_whole_replicas_into_owned_servers() -> None:
    # 3 requests/s, 1 request/s a replica: 3 replicas of 4 GPUs, one per 6-GPU server
    data = fleet_dict(gpus_per_replica=4, owned=OWNED)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    data["traffic"]["requests_per_month"] = 3 * 2_628_000.0
    alt = evaluate(build(data)).alternatives[0]
    np.testing.assert_allclose(alt.costs.servers, [3.0, 3.0, 3.0])
    np.testing.assert_allclose(alt.costs.gpus, [12.0, 12.0, 12.0])
    assert float(alt.one_time_items_usd["hardware"]) == pytest.approx(300_000.0)
    np.testing.assert_allclose(alt.costs.components["facility"], [3000.0] * 3)


def test_a_replica_larger_than_a_server_is_refused() -> None:
    data = fleet_dict(gpus_per_replica=8, owned=OWNED)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    with pytest.raises(payback.PaybackError, match="replica larger than a server"):
        build(data)


def test_recommend_leaves_out_replicas_larger_than_a_server() -> None:
    owned = OWNED | {"gpus_per_server": 2, "usd_per_server": 0.0}
    data = build_data(requests=2e7, gpu="mid", owned=owned)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    data["traffic"]["growth_monthly"] = 0.0
    result = recommend(build(data), catalog=tiny_catalog())
    assert result.excluded["replica larger than a server"] > 0
    assert result.candidates
    assert all(c.gpus_per_replica <= 2 for c in result.candidates)
    for c in result.candidates:  # $1,000 a server-month only; 2 TP-1 or 1 TP-2 a server
        servers = {1: -(-c.replicas // 2), 2: c.replicas}[c.gpus_per_replica]
        assert c.monthly_cost_usd == pytest.approx(1000.0 * servers)


# ------------------------------------------------ 8. owned cash: the average includes t = 0


def test_owned_cash_says_the_average_includes_the_purchase(tmp_path: Path) -> None:
    data = build_data(requests=2e7, gpu="mid", owned=OWNED)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    result = recommend(build(data), catalog=tiny_catalog())
    best = result.best
    assert best is not None
    servers = -(-best.replicas // (6 // best.gpus_per_replica))
    assert best.bought_at_start_usd == pytest.approx(100_000.0 * servers)
    from rich.console import Console

    from payback.report.recommend import recommendation_renderables

    console = Console(width=400, record=True)
    console.print(recommendation_renderables(result))
    text = console.export_text()
    assert "average over the horizon, incl. $" in text
    assert "bought at t=0" in text


# ------------------------------------------------ 3./4. nothing qualifies; missing targets


def test_no_price_for_the_commitment_names_the_reason() -> None:
    result = recommend(tiny_scenario(commitment="3y"), catalog=tiny_catalog())
    assert result.best is None
    reason = result.no_best_reason
    assert reason is not None
    assert reason.startswith(
        "no configuration qualifies: no reserved-3y price in the catalog for any GPU;"
    )
    assert "give usd_per_gpu_hour" in reason
    assert "latency" not in reason


def _scenario_file(tmp_path: Path, **edits: Any) -> Path:
    document = tomlkit.parse(QUARTER.read_text())
    for key, value in edits.items():
        document["alternatives"][0][key] = value  # type: ignore[index]
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(document))
    return path


def test_recommend_with_no_qualifying_configuration_exits_2(tmp_path: Path) -> None:
    path = _scenario_file(tmp_path, model="qwen2.5-7b", tpot_ms=0.5)
    result = runner.invoke(app, ["recommend", str(path)])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "no configuration meets the latency targets (tpot_ms ≤ 0.5)" in errors[0]
    as_json = runner.invoke(app, ["recommend", str(path), "--json"])
    assert as_json.exit_code == 2
    answer = json.loads(as_json.stdout)
    assert answer["best"] is None
    assert "relax tpot_ms" in answer["no_best_reason"]
    assert answer["missing_targets"] == answer["candidates_total"] > 0
    assert "misses the latency targets" not in answer["excluded"]
    out = tmp_path / "new.toml"
    applied = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert applied.exit_code == 2
    assert "nothing to apply" in applied.stderr
    assert not out.exists()


def test_missing_targets_are_ranked_not_left_out(tmp_path: Path) -> None:
    path = _scenario_file(tmp_path, model="qwen2.5-7b", tpot_ms=40.0)
    result = runner.invoke(app, ["recommend", str(path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Ranked after the others: 1 misses the latency targets" in text  # not "1 miss"
    assert "Left out before evaluation (81): 48 marketplace rents only" in text
    assert "12 no on-demand price in the catalog" in text  # rtx-6000-ada: serverless only
    assert "18 the GPU lacks" in text  # FP8 on the six Ampere GPUs
    assert "3 the catalog gives no rate for the GPU at the precision" in text  # INT8, a10g
    assert "misses the latency targets" not in text.partition("Left out before evaluation")[2]


# ------------------------------------------------ 9. ties


def _candidate(**kw: Any) -> Candidate:
    base: dict[str, Any] = {
        "model": "m",
        "gpu": "g",
        "precision": "bf16",
        "gpus_per_replica": 1,
        "replicas": 1,
        "replicas_max": 1,
        "batch": 8,
        "replica_requests_per_s": 2.0,
        "tpot_ms": 30.0,
        "ttft_ms": 200.0,
        "usd_per_gpu_hour": 1.0,
        "monthly_cost_usd": 730.0,
        "meets_targets": True,
    }
    return Candidate(**(base | kw))


def test_ties_break_on_spare_capacity_then_ttft_then_tpot() -> None:
    cheaper = _candidate(monthly_cost_usd=700.0, replica_requests_per_s=0.5, tpot_ms=39.0)
    roomy = _candidate(replica_requests_per_s=4.0, tpot_ms=35.0, ttft_ms=300.0)
    two = _candidate(replicas=2, replica_requests_per_s=1.5, precision="int8")  # 3 req/s
    quick = _candidate(replica_requests_per_s=2.0, ttft_ms=100.0, tpot_ms=39.0, gpu="a")
    slow_token = _candidate(replica_requests_per_s=2.0, ttft_ms=100.0, tpot_ms=40.0, gpu="b")
    order = sorted([slow_token, quick, two, roomy, cheaper], key=_rank)
    assert order == [cheaper, roomy, two, quick, slow_token]


def test_quarter_ties_rank_spare_capacity_first(tmp_path: Path) -> None:
    path = _scenario_file(tmp_path, model="qwen2.5-7b", tpot_ms=40.0, gpu_price="marketplace")
    result = recommend(payback.load_scenario(path))
    top = [(c.gpu, c.precision) for c in result.candidates[:4]]
    # four RTX 4090 configurations at $248.20: 6.02, 5.29, 2.77 and 2.06 req/s
    assert top == [
        ("rtx-4090", "int8"),
        ("rtx-4090", "fp8"),
        ("rtx-4090", "int4"),
        ("rtx-4090", "bf16"),
    ]


# ------------------------------------------------ 5. a model without a GPU


def test_a_model_without_gpu_is_for_recommend(tmp_path: Path) -> None:
    data = build_data()
    for key in ("usd_per_gpu_hour", "replica_requests_per_s"):
        del data["alternatives"][0][key]
    scenario = build(data)  # the schema accepts it
    with pytest.raises(payback.PaybackError) as err:
        resolve(scenario)
    assert str(err.value) == (
        "alternatives.0.gpu: required to price and size it; recommend() chooses one"
    )
    assert recommend(scenario, catalog=tiny_catalog()).best is not None
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(data))
    analyzed = runner.invoke(app, ["analyze", str(path)])
    assert analyzed.exit_code == 2
    assert "alternatives.0.gpu: required to price and size it" in analyzed.output
    assert "Traceback" not in analyzed.output
    out = tmp_path / "new.toml"
    applied = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert applied.exit_code == 0, applied.output
    assert runner.invoke(app, ["analyze", str(out)]).exit_code == 0


# ------------------------------------------------ 6. --apply keeps what the user wrote


def test_apply_keeps_models_and_replaced_lines_as_comments(tmp_path: Path) -> None:
    text = QUARTER.read_text()
    text = text.replace(
        'name = "fine-tuned 7B on one rented L4"\n',
        'name = "fine-tuned 7B on one rented L4"\n'
        'models = ["qwen2.5-1.5b", "qwen2.5-7b"]  # sizes to compare\n',
        1,
    )
    assert "usd_per_gpu_hour = " in text
    assert "replica_requests_per_s = " in text
    path = tmp_path / "s.toml"
    path.write_text(text)
    before = {
        line.split("=")[0].strip(): line
        for line in text.splitlines()
        if line.startswith(("usd_per_gpu_hour", "replica_requests_per_s", "gpu "))
    }
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = out.read_text()
    assert 'models = ["qwen2.5-1.5b", "qwen2.5-7b"]  # sizes to compare' in written
    original = before["replica_requests_per_s"].strip()
    assert f"# replaced by payback recommend: {original}" in written
    assert "replica_requests_per_s" in result.stderr
    # the rent is replaced (the file does not say which GPU it rents) and said to be
    assert "# replaced by payback recommend: " + before["usd_per_gpu_hour"] in written.splitlines()
    assert "usd_per_gpu_hour = 0.8 replaced" in result.stderr
    assert "replaced by the winner" in result.stderr
    resolve(payback.load_scenario(out))  # analyze reads it
    # onto the input itself: never, even with --force (no command writes over a file it
    # reads); the scenario is left as it was
    for force in ([], ["--force"]):
        refused = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(path), *force])
        assert refused.exit_code == 2
        assert "payback never writes over its input, even with --force" in refused.stderr
        assert path.read_text() == text


# ------------------------------------------------ 2./12. calibrations


def _benchmark(tmp_path: Path, **kw: Any) -> None:
    from payback.measure.calibration import Calibration, ServingMeasurement, calibration_toml

    cal = Calibration(
        kind="benchmark",
        tool="vllm bench serve",
        created="2026-11-28T00:00:00",
        serving=ServingMeasurement(
            replica_requests_per_s=2.5,
            output_tokens_per_s=1000.0,
            input_tokens=2000.0,
            output_tokens=400.0,
            gpus_per_replica=1,
        ),
        **kw,
    )
    (tmp_path / "bench.toml").write_text(calibration_toml(cal))


def test_apply_drops_a_benchmark_of_another_configuration(tmp_path: Path) -> None:
    _benchmark(tmp_path, model="qwen2.5-7b", gpu="l4", precision="bf16")
    path = _scenario_file(
        tmp_path, model="qwen2.5-7b", calibration="bench.toml", gpu_price="marketplace"
    )
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--json", "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    best = json.loads(result.stdout)["best"]
    assert best["gpu"] == "rtx-4090"
    assert "calibration = 'bench.toml' removed" in result.stderr
    assert '# replaced by payback recommend: calibration = "bench.toml"' in out.read_text()
    analysis = json.loads(runner.invoke(app, ["analyze", str(out), "--json"]).stdout)
    gpus = analysis["alternatives"][0]["components_usd"]["gpus"]
    assert sum(gpus) / len(gpus) == pytest.approx(best["monthly_cost_usd"], rel=1e-9)


def test_a_benchmark_of_the_winner_is_kept_and_said(tmp_path: Path) -> None:
    _benchmark(tmp_path, model="qwen2.5-7b", gpu="rtx-4090", precision="int8")
    path = _scenario_file(
        tmp_path, model="qwen2.5-7b", calibration="bench.toml", gpu_price="marketplace"
    )
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "serving benchmark of qwen2.5-7b int8 on 1 × rtx-4090" in result.stderr
    assert "calibration = 'bench.toml' kept" in result.stderr
    assert payback.load_scenario(out).alternatives[0].calibration == "bench.toml"  # type: ignore[union-attr]
    assert runner.invoke(app, ["analyze", str(out)]).exit_code == 0


def test_an_unknown_benchmark_configuration_counts_as_differing(tmp_path: Path) -> None:
    _benchmark(tmp_path)  # no model, GPU or precision
    path = _scenario_file(tmp_path, model="qwen2.5-7b", calibration="bench.toml")
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "unknown model unknown precision on 1 × unknown gpu" in result.stderr
    assert payback.load_scenario(out).alternatives[0].calibration is None  # type: ignore[union-attr]


def test_factors_from_another_gpu_are_warned_once(tmp_path: Path) -> None:
    from payback.hardware.calibration import Factors
    from payback.measure.calibration import Calibration, calibration_toml

    cal = Calibration(
        kind="calibration",
        tool="payback calibrate",
        created="2026-11-28T00:00:00",
        gpu="h100-sxm",
        factors=Factors(bandwidth_efficiency=0.5),
    )
    (tmp_path / "cal.toml").write_text(calibration_toml(cal))
    path = _scenario_file(tmp_path, model="qwen2.5-7b", calibration="cal.toml")
    result = runner.invoke(app, ["recommend", str(path)])
    assert result.exit_code == 0, result.output
    warnings = [
        line
        for line in result.stderr.splitlines()
        if line.startswith("warning: alternatives.0.calibration")
    ]
    assert len(warnings) == 1
    assert "measured on h100-sxm; recommend applies them to every GPU" in warnings[0]


# ------------------------------------------------ 11. flags


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--model", "nope-7b"], "error: --model nope-7b: unknown model 'nope-7b'"),
        (["--max-replicas", "0"], "error: --max-replicas 0: must be ≥ 1"),
    ],
)
def test_flag_errors_name_the_flag(tmp_path: Path, args: list[str], fragment: str) -> None:
    path = _scenario_file(tmp_path, model="qwen2.5-7b")
    result = runner.invoke(app, ["recommend", str(path), *args])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[0].startswith(fragment)
    assert "alternatives.0.model" not in result.stderr
    assert "max_replicas =" not in result.stderr


def _unsized_benchmark(tmp_path: Path, **kw: Any) -> None:
    """A serving benchmark that does not say how many GPUs its replica used."""
    from payback.measure.calibration import Calibration, ServingMeasurement, calibration_toml

    cal = Calibration(
        kind="benchmark",
        tool="vllm bench serve",
        created="2026-11-28T00:00:00",
        serving=ServingMeasurement(
            replica_requests_per_s=17.5,
            output_tokens_per_s=3500.0,
            input_tokens=1000.0,
            output_tokens=200.0,
        ),
        **kw,
    )
    (tmp_path / "bench.toml").write_text(calibration_toml(cal))


OWNED_8 = """
[scenario]
name = "owned"
horizon_months = 36

[traffic]
requests_per_month = 3000000
input_tokens = 1000
output_tokens = 200
peak_to_average = 3.0

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "owned"
kind = "self_hosted"
model = "llama-3.1-8b"
gpu = "h100-sxm"
calibration = "bench.toml"

[alternatives.owned]
usd_per_server = 250000
gpus_per_server = 8
kw_per_server = 10.0
usd_per_kwh = 0.12
depreciation_months = 36
financing = "cash"
"""


def test_a_benchmark_without_a_gpu_count_does_not_match_an_8_gpu_winner(tmp_path: Path) -> None:
    # the benchmark ran llama-3.1-8b fp8 on h100-sxm without saying on how many GPUs:
    # analyze assumes the fewest that hold it (1), so an 8-GPU winner is another
    # configuration and the calibration must go (it was kept and priced as 8 GPUs)
    _unsized_benchmark(tmp_path, model="llama-3.1-8b", gpu="h100-sxm", precision="fp8")
    path = tmp_path / "s.toml"
    path.write_text(OWNED_8)
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--json", "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    best = json.loads(result.stdout)["best"]
    assert (best["gpu"], best["precision"], best["gpus_per_replica"]) == ("h100-sxm", "fp8", 8)
    assert "calibration = 'bench.toml' removed" in result.stderr
    assert "1 assumed" in result.stderr
    assert payback.load_scenario(out).alternatives[0].calibration is None  # type: ignore[union-attr]
    assert runner.invoke(app, ["analyze", str(out)]).exit_code == 0


def test_a_benchmark_without_a_gpu_count_kept_for_the_count_analyze_assumes(
    tmp_path: Path,
) -> None:
    _unsized_benchmark(tmp_path, model="qwen2.5-7b", gpu="rtx-4090", precision="int8")
    path = _scenario_file(
        tmp_path, model="qwen2.5-7b", calibration="bench.toml", gpu_price="marketplace"
    )
    out = tmp_path / "new.toml"
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    stderr = " ".join(result.stderr.split())
    assert "calibration = 'bench.toml' kept" in stderr
    assert "1 GPUs per replica assumed" in stderr
    assert payback.load_scenario(out).alternatives[0].gpus_per_replica == 1  # type: ignore[union-attr]
    assert runner.invoke(app, ["analyze", str(out)]).exit_code == 0


def test_apply_into_another_folder_keeps_relative_paths_pointing_at_the_same_files(
    tmp_path: Path,
) -> None:
    import shutil

    shutil.copytree(EXAMPLES / "calibrations", tmp_path / "calibrations")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "config.json").write_text(json.dumps(LLAMA_8B_CONFIG))
    document = tomlkit.parse((EXAMPLES / "calibrated-h200.toml").read_text())
    other = tomlkit.table()
    other.update(
        {
            "name": "local llama",
            "kind": "self_hosted",
            "model": "models/config.json",
            "gpu": "h100-sxm",
            "usd_per_gpu_hour": 2.0,
        }
    )
    document["alternatives"].append(other)  # type: ignore[union-attr]
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(document))
    out = tmp_path / "sub" / "deeper" / "new.toml"
    out.parent.mkdir(parents=True)
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out)])
    assert result.exit_code == 0, result.output
    stderr = " ".join(result.stderr.split())
    assert "relative paths rewritten" in stderr
    assert (
        "alternatives.0.one_time.training.calibration: 'calibrations/h200-llama-3.1-8b-lora.toml'"
        " → '../../calibrations/h200-llama-3.1-8b-lora.toml'" in stderr
    )
    assert "alternatives.1.model: 'models/config.json' → '../../models/config.json'" in stderr
    scenario = payback.load_scenario(out)
    job = scenario.alternatives[0].one_time.training  # type: ignore[union-attr]
    assert job is not None
    assert job.calibration == "../../calibrations/h200-llama-3.1-8b-lora.toml"
    analyzed = runner.invoke(app, ["analyze", str(out), "--json"])
    assert analyzed.exit_code == 0, analyzed.output
    # the same numbers as the scenario analysed from its own folder with the winner
    same = tmp_path / "same.toml"
    assert runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(same)]).exit_code == 0
    assert (
        "relative paths rewritten"
        not in runner.invoke(
            app, ["recommend", str(path), "--apply", "-o", str(tmp_path / "again.toml")]
        ).stderr
    )
    here = json.loads(runner.invoke(app, ["analyze", str(same), "--json"]).stdout)
    there = json.loads(analyzed.stdout)
    for i in (0, 1):
        for key in ("monthly_cost_usd", "one_time_usd", "npv_usd"):
            assert there["alternatives"][i][key] == pytest.approx(here["alternatives"][i][key])


def test_relocate_paths_on_plain_data_keeps_catalog_ids_and_absolute_paths(tmp_path: Path) -> None:
    from payback.studies.rewrite import relocate_paths

    data: dict[str, Any] = {
        "baseline": {"kind": "self_hosted", "calibration": "c.toml", "model": "qwen2.5-7b"},
        "alternatives": [
            {"models": ["llama-3.1-8b", "m/config.json"], "calibration": "/abs/c.toml"},
        ],
    }
    changes = relocate_paths(data, tmp_path, tmp_path / "out")
    assert data["baseline"] == {
        "kind": "self_hosted",
        "calibration": "../c.toml",
        "model": "qwen2.5-7b",
    }
    assert data["alternatives"][0] == {
        "models": ["llama-3.1-8b", "../m/config.json"],
        "calibration": "/abs/c.toml",
    }
    assert len(changes) == 2
    assert relocate_paths(data, tmp_path, tmp_path) == []


def test_recommend_uses_only_public_names_of_the_estimate() -> None:
    import ast
    import inspect

    import payback.studies.configurations as configurations
    import payback.studies.recommend as module

    trees = [ast.parse(inspect.getsource(m)) for m in (module, configurations)]
    private = [
        alias.name
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "payback.hardware.estimate"
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []


def test_every_reader_of_a_commitment_term_reads_the_one_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One table of terms (payback.scenario.COMMITMENT_TERM_MONTHS): a 1y term changed to
    6 months there changes resolve's warning, the engine's renewals and recommend's costs."""
    from payback.scenario import COMMITMENT_TERM_MONTHS

    monkeypatch.setitem(COMMITMENT_TERM_MONTHS, "1y", 6)
    data = fleet_dict(usd_per_gpu_hour=2.0, commitment="1y", gpu_price_change_annual=-0.2)
    data["scenario"]["horizon_months"] = 3
    warnings = resolve(build(data)).warnings
    assert any("the term runs 6 months, past the 3-month horizon" in w for w in warnings)
    data["scenario"]["horizon_months"] = 13
    alt = evaluate(build(data)).alternatives[0]
    factors = [1.0] * 6 + [0.8**0.5] * 6 + [0.8]  # renewed every 6 months
    np.testing.assert_allclose(alt.costs.components["gpus"], 1460.0 * np.array(factors))

    def mid(**kw: Any) -> Candidate:
        data = build_data(gpu="mid", usd_per_gpu_hour=1.0, **kw)
        data["scenario"]["horizon_months"] = 24
        data["traffic"]["growth_monthly"] = 0.0
        best = recommend(build(data), catalog=tiny_catalog()).best
        assert best is not None
        assert best.gpu == "mid"
        return best

    flat = mid(commitment="1y")
    halving = mid(commitment="1y", gpu_price_change_annual=-0.5)
    # four 6-month terms at 1, 0.5^0.5, 0.5 and 0.5^1.5 of the price
    share = (1.0 + 0.5**0.5 + 0.5 + 0.5**1.5) / 4
    assert halving.monthly_cost_usd == pytest.approx(share * flat.monthly_cost_usd, rel=1e-12)


def test_kv_cache_tokens_is_the_estimates_memory_limit() -> None:
    from payback.hardware.estimate import estimate_serving, kv_cache_tokens

    catalog = default_catalog()
    model, gpu = catalog.model("qwen2.5-7b"), catalog.gpu("l40")
    estimate = estimate_serving(model, gpu, "fp8", input_tokens=1000, output_tokens=200)
    tokens = kv_cache_tokens(model, gpu, "fp8", estimate.gpus_per_replica)
    assert estimate.batch <= tokens / 1100.0


def test_recommend_says_once_that_distributions_are_taken_at_their_central_values() -> None:
    uncertain = EXAMPLES / "quarter-uncertain.toml"
    result = runner.invoke(app, ["recommend", str(uncertain), "--model", "qwen2.5-7b"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "central values" in line]
    assert len(lines) == 1
    assert "the scenario holds distributions (traffic.cached_input_share" in lines[0]
    plain = runner.invoke(app, ["recommend", str(QUARTER), "--model", "qwen2.5-7b"])
    assert "central values" not in plain.stderr


def test_recommend_and_estimate_serving_price_capacity_with_one_core() -> None:
    from payback.hardware.estimate import estimate_serving

    scenario = payback.load_scenario(QUARTER)
    result = recommend(scenario, models=["qwen2.5-7b"])
    catalog = default_catalog()
    traffic = scenario.traffic
    for c in result.candidates[:5]:
        e = estimate_serving(
            catalog.model(c.model),
            catalog.gpu(c.gpu),
            c.precision,
            input_tokens=traffic.input_tokens or 0.0,
            output_tokens=traffic.output_tokens or 0.0,
            cached_input_share=traffic.cached_input_share,
            gpus_per_replica=c.gpus_per_replica,
            batch=c.batch,
            utilization=scenario.alternatives[0].target_utilization,
        )
        assert e.replica_requests_per_s == pytest.approx(c.replica_requests_per_s, rel=1e-12)
        # latency targets are checked where the fleet runs, at the target utilisation
        assert e.tpot_at_utilization_ms == pytest.approx(c.tpot_ms, rel=1e-12)
        assert e.ttft_at_utilization_ms == pytest.approx(c.ttft_ms, rel=1e-12)


def test_a_winning_model_named_by_its_config_json_keeps_its_path(tmp_path: Path) -> None:
    """The scenario names its model by a local config.json; the winner written back must
    name the same file (relative to the output), not the id payback gave it, which no
    catalog knows."""
    folder = tmp_path / "m7"
    folder.mkdir()
    qwen = default_catalog().model("qwen2.5-7b")
    (folder / "config.json").write_text(
        json.dumps(
            {
                "architectures": ["Qwen2ForCausalLM"],
                "hidden_size": qwen.hidden_size,
                "intermediate_size": qwen.intermediate_size,
                "num_hidden_layers": qwen.layers,
                "num_attention_heads": qwen.heads,
                "num_key_value_heads": qwen.kv_heads,
                "vocab_size": qwen.vocab_size,
                "tie_word_embeddings": qwen.tied_embeddings,
                "max_position_embeddings": qwen.max_context,
            }
        )
    )
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    source = tmp_path / "s.toml"
    source.write_text(
        text.replace('kind = "self_hosted"', 'kind = "self_hosted"\nmodel = "m7/config.json"', 1)
    )
    (tmp_path / "sub").mkdir()
    for target, written in (
        (tmp_path / "out.toml", "m7/config.json"),
        (tmp_path / "sub" / "out.toml", "../m7/config.json"),
    ):
        result = runner.invoke(app, ["recommend", str(source), "--apply", "-o", str(target)])
        assert result.exit_code == 0, result.output
        applied = tomlkit.parse(target.read_text())
        assert applied["alternatives"][0]["model"] == written
        assert payback.analyze(payback.load_scenario(target)).alternatives[0].npv_usd is not None
