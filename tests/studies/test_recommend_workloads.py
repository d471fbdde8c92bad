"""recommend on a portfolio (``[[workloads]]``), tried as a new user would: a fleet for
several workloads is sized for all of them (shared, or one per workload) as analyze sizes
it, not for the first workload's traffic alone, and so is the one workload an alternative
serves: the applied winner shows the same monthly GPU cost in analyze; a workload's own capacity for the GPU replaced is commented
out and said, as the alternative's is; and no warning speaks of a winner when none
meets the targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import payback
from helpers import run
from payback.analysis.portfolio import PortfolioOutcome, evaluate_portfolio, prepare
from payback.scenario import load_scenario
from payback.studies.rewrite import with_winner

NAME = "Llama 3.1 8B, an adapter per task, one fleet"
PORTFOLIO = f"""\
[scenario]
name = "two tasks, one 8B base model"
horizon_months = 12

[baseline]
name = "hosted API"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "{NAME}"
kind = "self_hosted"
model = "llama-3.1-8b"
gpu = "h100-sxm"
precision = "fp8"
min_replicas = 1
portfolio = {{ fleet = "shared", adapter_rank = 16 }}

[[workloads]]
name = "small task (listed first)"
traffic = {{ requests_per_month = 10000, input_tokens = 1000, output_tokens = 200, peak_to_average = 2.0 }}

[[workloads]]
name = "big task"
traffic = {{ requests_per_month = 200000000, input_tokens = 1000, output_tokens = 200, peak_to_average = 2.0 }}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(text)
    return path


def _analyzed(tmp_path: Path, path: Path, result: payback.Recommendation) -> PortfolioOutcome:
    """The applied file's portfolio, as analyze evaluates it."""
    new = tmp_path / "new.toml"
    new.write_text(with_winner(path, load_scenario(path), result, new).text)
    return evaluate_portfolio(prepare(load_scenario(new))).alternatives[result.alternative]


def test_a_shared_fleet_is_sized_for_every_workload_as_analyze_sizes_it(tmp_path: Path) -> None:
    """200,010,000 requests a month at 2x peak: 152.2 requests/s at the busiest hour. On
    1 × mi300x fp8 (65.9 requests/s at 1,000/200 tokens, planned at 60%: 39.5) that is 4
    replicas (3.85), at the catalog's $1.50/GPU-h: 4 × 1.50 × 730 = $4,380 a month, as
    analyze of the applied file says. The old search sized the first workload's 10,000
    requests: 1 × l4, $588, where analyze of the applied file priced 40 GPUs, $23,500."""
    path = _write(tmp_path, PORTFOLIO)
    result = payback.recommend(load_scenario(path))
    best = result.best
    assert best is not None
    assert (best.gpu, best.precision, best.gpus_per_replica, best.replicas) == (
        "mi300x",
        "fp8",
        1,
        4,
    )
    assert best.monthly_cost_usd == pytest.approx(4 * 1.50 * 730)
    analyzed = _analyzed(tmp_path, path, result)
    assert analyzed.fleet_usd is not None
    assert analyzed.gpus is not None
    assert float(np.mean(analyzed.fleet_usd)) == pytest.approx(best.monthly_cost_usd)
    assert float(analyzed.gpus[0]) == 4.0


def test_separate_fleets_are_sized_each_for_its_workload(tmp_path: Path) -> None:
    """A fleet per workload on 1 × mi300x: 1 replica for the 10,000 requests, 4 for the
    200 million: 5 × 1.50 × 730 = $5,475 a month, analyze's own fleets summed."""
    path = _write(tmp_path, PORTFOLIO.replace('fleet = "shared"', 'fleet = "separate"'))
    result = payback.recommend(load_scenario(path))
    best = result.best
    assert best is not None
    assert (best.gpu, best.replicas) == ("mi300x", 5)
    assert best.monthly_cost_usd == pytest.approx(5 * 1.50 * 730)
    analyzed = _analyzed(tmp_path, path, result)
    fleets = np.sum(analyzed.pieces.own_fleet_usd, axis=0)
    assert float(np.mean(fleets)) == pytest.approx(best.monthly_cost_usd)


def test_the_command_sizes_the_portfolio_and_analyze_agrees(tmp_path: Path) -> None:
    path = _write(tmp_path, PORTFOLIO)
    code, out, _ = run("recommend", path, "--apply", "-o", tmp_path / "new.toml")
    assert code == 0
    assert "Best: llama-3.1-8b fp8 on 1 × mi300x, 4 replicas, $4,380/month" in out
    code, out, _ = run("analyze", tmp_path / "new.toml")
    assert code == 0
    assert "4 GPUs" in out
    assert "$4,380 against" in " ".join(out.split())


def test_the_one_workload_served_is_sized_and_analyze_shows_the_same_cost(
    tmp_path: Path,
) -> None:
    """Serving only "big task" (200M requests a month, 2x peak: 152 requests/s at the
    busiest hour), the winner is 4 × (1 × mi300x fp8, 65.9 requests/s at 1,000/200 tokens
    planned at 60%: 39.5) at the catalog's $1.50/GPU-h: 4 × 1.50 × 730 = $4,380 a month.
    The old search sized the first workload's 10,000 requests: 1 × l4, $588."""
    text = PORTFOLIO.replace("adapter_rank = 16 }", 'adapter_rank = 16, workloads = ["big task"] }')
    path = _write(tmp_path, text)
    scenario = load_scenario(path)
    result = payback.recommend(scenario)
    best = result.best
    assert best is not None
    assert (best.gpu, best.precision, best.gpus_per_replica, best.replicas) == (
        "mi300x",
        "fp8",
        1,
        4,
    )
    assert best.monthly_cost_usd == pytest.approx(4 * 1.50 * 730)
    new = tmp_path / "new.toml"
    new.write_text(with_winner(path, scenario, result, new).text)
    analyzed = evaluate_portfolio(prepare(load_scenario(new))).alternatives[0]
    assert float(np.mean(analyzed.alternative_usd)) == pytest.approx(best.monthly_cost_usd)


SERVED = PORTFOLIO.replace(
    "adapter_rank = 16 }", 'adapter_rank = 16, workloads = ["big task"] }'
).replace('gpu = "h100-sxm"\n', 'gpu = "h100-sxm"\nreplica_requests_per_s = 40.0\n')
INLINE = SERVED + f'alternatives."{NAME}" = {{ replica_requests_per_s = 5.5 }}  # on the h100\n'
TABLE = SERVED + f'[workloads.alternatives."{NAME}"]\nreplica_requests_per_s = 7.5  # measured\n'


@pytest.mark.parametrize(
    ("text", "kept", "line"),
    [
        (
            INLINE,
            f'alternatives."{NAME}" = {{  }}  # on the h100; replaced by payback recommend: '
            "replica_requests_per_s = 5.5\n",
            "replica_requests_per_s = 5.5",
        ),
        (
            TABLE,
            f'[workloads.alternatives."{NAME}"]\n'
            "# replaced by payback recommend: replica_requests_per_s = 7.5  # measured\n",
            "replica_requests_per_s = 7.5  # measured",
        ),
    ],
)
def test_a_workloads_own_capacity_is_commented_out_and_said(
    tmp_path: Path, text: str, kept: str, line: str
) -> None:
    """The workload's ``replica_requests_per_s`` for the alternative was measured for the
    GPU replaced (the h100): commented out as the alternative's own is, listed with its
    path. The old rewrite kept it, so analyze priced the winner with the h100's figure."""
    path = _write(tmp_path, text)
    scenario = load_scenario(path)
    result = payback.recommend(scenario)
    edit = with_winner(path, scenario, result, tmp_path / "new.toml")
    assert kept in edit.text
    assert "# replaced by payback recommend: replica_requests_per_s = 40.0\n" in edit.text
    assert (
        "workloads: capacities measured for the configuration replaced, removed so that analyze "
        "estimates the winner's at each workload's lengths (kept as comments in the file): "
        f'workloads.1.alternatives."{NAME}".{line}'
    ) in edit.notes
    new = tmp_path / "new.toml"
    new.write_text(edit.text)
    workloads = load_scenario(new).workloads or []
    assert workloads[1].alternatives[NAME].replica_requests_per_s is None


def test_the_command_lists_the_workloads_capacities_on_stderr(tmp_path: Path) -> None:
    path = _write(tmp_path, INLINE)
    code, _, err = run("recommend", path, "--apply", "-o", tmp_path / "new.toml")
    assert code == 0
    flat = " ".join(err.split())
    assert f'workloads.1.alternatives."{NAME}".replica_requests_per_s = 5.5' in flat


def test_no_warning_about_a_winner_when_none_meets_the_targets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every catalog rent stale (judged in 2030) and a 2 ms tpot_ms no configuration meets:
    the old search warned of "the winner's rent, mi300x ... stale", then said there was none."""
    monkeypatch.setattr("payback.studies.recommend._today", lambda: dt.date(2030, 1, 1))
    text = (
        PORTFOLIO.replace("[[workloads]]", "[[no]]", 0)
        .split("[[workloads]]")[0]
        .replace('portfolio = { fleet = "shared", adapter_rank = 16 }\n', "tpot_ms = 2\n")
        + "[traffic]\nrequests_per_month = 3000000\ninput_tokens = 1500\noutput_tokens = 300\n"
    )
    result = payback.recommend(load_scenario(_write(tmp_path, text)))
    assert result.best is None
    assert result.candidates
    assert not result.candidates[0].meets_targets
    assert [w for w in result.warnings if "winner" in w or "cheapest" in w] == []
    assert "tpot_ms ≤ 2" in str(result.why_no_best())


def test_a_yaml_workloads_own_capacity_is_removed_and_said(tmp_path: Path) -> None:
    """In YAML the workload's one-line table keeps no comment: the line is said on stderr."""
    path = tmp_path / "p.yaml"
    path.write_text(
        "scenario: {name: two tasks, horizon_months: 12}\n"
        "baseline: {name: API, kind: hosted_api, input_usd_per_mtok: 2.5, output_usd_per_mtok: 10}\n"
        "alternatives:\n"
        "  - name: shared 8B\n"
        "    kind: self_hosted\n"
        "    model: llama-3.1-8b\n"
        "    gpu: h100-sxm\n"
        "    precision: fp8\n"
        "workloads:\n"
        "  - name: small\n"
        "    traffic: {requests_per_month: 10000, input_tokens: 1000, output_tokens: 200}\n"
        "  - name: big\n"
        "    traffic: {requests_per_month: 20000000, input_tokens: 3000, output_tokens: 300}\n"
        "    alternatives:\n"
        "      shared 8B: {replica_requests_per_s: 7.5}\n"
    )
    scenario = load_scenario(path)
    edit = with_winner(path, scenario, payback.recommend(scenario), tmp_path / "new.yaml")
    assert "shared 8B: {}\n" in edit.text
    assert edit.notes[1].endswith(
        'workloads.1.alternatives."shared 8B".replica_requests_per_s: 7.5'
    )


ESCALATED = PORTFOLIO + f'alternatives."{NAME}" = {{ escalation_share = 0.9 }}\n'


@pytest.mark.parametrize(
    ("serving", "replicas"),
    [('fleet = "separate"', 2), ('workloads = ["big task"]', 1)],
)
def test_a_workloads_own_escalation_share_sizes_its_fleet(
    tmp_path: Path, serving: str, replicas: int
) -> None:
    """ "big task" sends 90% of its 200M requests back to the baseline: 20M a month, 15.2
    requests/s at its 2x peak, one replica of 1 × mi300x fp8 (39.5 planned). Separate
    fleets: 1 + 1 replicas, 2 × 1.50 × 730 = $2,190; serving it alone: 1, $1,095; as
    analyze of the applied file prices them. The old search ignored the workload's share:
    5 replicas ($5,475) and 4 ($4,380), where analyze gave 2 GPUs and 1."""
    text = ESCALATED.replace('fleet = "shared", adapter_rank = 16', serving)
    path = _write(tmp_path, text)
    result = payback.recommend(load_scenario(path))
    best = result.best
    assert best is not None
    assert (best.gpu, best.gpus_per_replica, best.replicas) == ("mi300x", 1, replicas)
    assert best.monthly_cost_usd == pytest.approx(replicas * 1.50 * 730)
    analyzed = _analyzed(tmp_path, path, result)
    fleets = np.sum(analyzed.pieces.own_fleet_usd, axis=0)
    assert float(np.mean(fleets)) == pytest.approx(best.monthly_cost_usd)


def _tasks(n: int, rank: int, busy: int = 10_000) -> str:
    """``n`` workloads (the first with ``busy`` requests a month) sharing one fleet."""
    text = PORTFOLIO.split("[[workloads]]")[0].replace(
        "adapter_rank = 16", f"adapter_rank = {rank}"
    )
    for j in range(n):
        requests = busy if j == 0 else 10_000
        text += (
            f'\n[[workloads]]\nname = "w{j}"\ntraffic = {{ requests_per_month = {requests}, '
            "input_tokens = 1000, output_tokens = 200, peak_to_average = 2.0 }\n"
        )
    return text


def test_a_shared_fleet_is_set_up_with_a_configuration_its_adapters_fit(tmp_path: Path) -> None:
    """12 rank-4096 adapters (too many for one H100: room for 2): the search
    leaves out each configuration without room for 12 and sizes the fleet on one with it,
    2 × mi300x fp8, 3 replicas for the 200M requests (152 requests/s at the busiest hour,
    107.7 a replica planned at 60%: 64.6): 6 × 1.50 × 730 = $6,570, as analyze of the
    applied file prices it. The old search refused outright: its first configuration had
    room for 2."""
    path = _write(tmp_path, _tasks(12, 4096, busy=200_000_000))
    result = payback.recommend(load_scenario(path))
    best = result.best
    assert best is not None
    assert (best.gpu, best.precision, best.gpus_per_replica, best.replicas) == (
        "mi300x",
        "fp8",
        2,
        3,
    )
    assert best.monthly_cost_usd == pytest.approx(6 * 1.50 * 730)
    reason = "too little memory for the 12 workloads' rank-4096 adapters"
    assert result.examples[reason] == "llama-3.1-8b bf16 on 1 × h100-sxm: room for 2"
    assert reason in result.excluded_after_evaluation
    analyzed = _analyzed(tmp_path, path, result)
    assert analyzed.fleet_usd is not None
    assert float(np.mean(analyzed.fleet_usd)) == pytest.approx(best.monthly_cost_usd)


def test_no_winner_whose_adapters_analyze_refuses(tmp_path: Path) -> None:
    """3 rank-2048 adapters: 1 × l4 (24 GB) holds 1 beside the weights, so the old winner
    (1 × l4, which analyze of the applied file refused: "room for 1") is left out; the
    winner, 1 × rtx-a6000 int8 (48 GB), holds all 3 and analyze of the applied file
    prices it the same."""
    path = _write(tmp_path, _tasks(3, 2048))
    result = payback.recommend(load_scenario(path))
    best = result.best
    assert best is not None
    assert (best.gpu, best.precision, best.gpus_per_replica, best.replicas) == (
        "rtx-a6000",
        "int8",
        1,
        1,
    )
    assert best.monthly_cost_usd == pytest.approx(best.usd_per_gpu_hour * 730)
    assert not [c for c in result.candidates if (c.gpu, c.gpus_per_replica) == ("l4", 1)]
    reason = "too little memory for the 3 workloads' rank-2048 adapters"
    assert result.excluded[reason] > 0
    analyzed = _analyzed(tmp_path, path, result)
    assert analyzed.fleet_usd is not None
    assert float(np.mean(analyzed.fleet_usd)) == pytest.approx(best.monthly_cost_usd)


NESTED = SERVED + f'alternatives = {{ "{NAME}" = {{ replica_requests_per_s = 5.5 }} }}  # h100\n'


def test_a_capacity_nested_in_inline_tables_is_noted_after_the_outermost(tmp_path: Path) -> None:
    """``alternatives = { "x" = { replica_requests_per_s = 5.5 } }``: the comment goes at
    the end of the line, after the outer brace, and the file stays valid TOML. The old
    edit put it on the inner table, inside the outer braces ("Unclosed inline table",
    blamed on the user's file)."""
    path = _write(tmp_path, NESTED)
    code, _, err = run("recommend", path, "--apply", "-o", tmp_path / "new.toml")
    assert code == 0, err
    text = (tmp_path / "new.toml").read_text()
    assert (
        f'alternatives = {{ "{NAME}" = {{  }} }}  # h100; replaced by payback recommend: '
        "replica_requests_per_s = 5.5\n"
    ) in text
    assert load_scenario(tmp_path / "new.toml").workloads is not None


def test_an_edit_that_does_not_read_back_names_the_edited_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the edit ever invalid, the error names the file --apply would write, not the
    user's valid input."""
    import payback.studies.rewrite as rewrite

    path = _write(tmp_path, SERVED)
    monkeypatch.setattr(rewrite, "edited_text", lambda *_: "x = {")
    code, _, err = run("recommend", path, "--apply", "-o", tmp_path / "new.toml")
    assert code == 2
    assert f"error: the edit of {path} for {tmp_path / 'new.toml'}: not valid TOML" in err
    assert f"error: {path}:" not in err


def test_a_yaml_note_quotes_only_the_key_removed(tmp_path: Path) -> None:
    """``own: {replica_requests_per_s: 7.0, escalation_share: 0.1}  # measured``: the note
    says the capacity removed, not the share kept (nor the brace and comment); a block
    table's line is said as written. The old note quoted the whole flow line."""
    path = tmp_path / "p.yaml"
    path.write_text(
        "scenario: {name: two tasks, horizon_months: 12}\n"
        "baseline: {name: API, kind: hosted_api, input_usd_per_mtok: 2.5, output_usd_per_mtok: 10}\n"
        "alternatives:\n"
        "  - {name: own, kind: self_hosted, model: llama-3.1-8b, gpu: h100-sxm, precision: fp8}\n"
        "workloads:\n"
        "  - name: a\n"
        "    traffic: {requests_per_month: 10000, input_tokens: 1000, output_tokens: 200}\n"
        "    alternatives:\n"
        "      own:\n"
        "        replica_requests_per_s: 5.0  # on the h100\n"
        "  - name: b\n"
        "    traffic: {requests_per_month: 200000, input_tokens: 1000, output_tokens: 200}\n"
        "    alternatives:\n"
        "      own: {replica_requests_per_s: 7.0, escalation_share: 0.1}  # measured\n"
    )
    scenario = load_scenario(path)
    edit = with_winner(path, scenario, payback.recommend(scenario), tmp_path / "new.yaml")
    assert "own: {escalation_share: 0.1}" in edit.text
    assert edit.notes[-1].endswith(
        "workloads.0.alternatives.own.replica_requests_per_s: 5.0  # on the h100; "
        "workloads.1.alternatives.own.replica_requests_per_s: 7.0"
    )


def test_a_shared_fleet_scaled_to_zero_counts_replicas_at_the_busiest_hour(
    tmp_path: Path,
) -> None:
    """Scaled to zero, each workload runs its own deployment: at their busiest hours 1
    replica of 1 × mi300x for the 10,000 requests and 4 for the 200M (152 requests/s, 39.5
    a replica), 5 in all, as a fleet per workload and the one-workload search count them;
    so --max-replicas 4 leaves it out. The old count was busy GPU-hours / 730: 2."""
    text = PORTFOLIO.replace("min_replicas = 1", "always_on = false")
    path = _write(tmp_path, text)
    result = payback.recommend(load_scenario(path))
    best = result.best
    assert best is not None
    assert (best.gpu, best.precision, best.gpus_per_replica) == ("mi300x", "fp8", 1)
    assert (best.replicas, best.replicas_max) == (5, 5)
    # the replicas paid, GPU-hours run / 730, are analyze's (about 2, over 5 run at peak)
    gpus = _analyzed(tmp_path, path, result).gpus
    assert gpus is not None
    assert best.replicas_paid == pytest.approx(float(np.ravel(gpus)[0]), rel=1e-12)
    assert best.replicas_paid_max == pytest.approx(float(np.max(gpus)), rel=1e-12)
    assert best.replicas_paid is not None
    assert 1 < best.replicas_paid < 3
    separate = payback.recommend(
        load_scenario(_write(tmp_path, text.replace('"shared"', '"separate"')))
    )
    assert separate.best is not None
    assert separate.best.replicas == best.replicas
    assert separate.best.replicas_paid == pytest.approx(best.replicas_paid, rel=1e-9)
    capped = payback.recommend(load_scenario(_write(tmp_path, text)), max_replicas=4)
    assert capped.best is not None
    assert (capped.best.gpus_per_replica, capped.best.replicas) == (2, 4)
