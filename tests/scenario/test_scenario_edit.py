"""Changes to a scenario file's text (payback.scenario.edit): the user's comments and
layout stay, in TOML and in YAML."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import payback
from helpers import EXAMPLES
from payback import PaybackError, load_scenario
from payback.cli import app
from payback.scenario import read_scenario_data, scenario_data_from_text
from payback.scenario.edit import Edit, file_with_traffic
from payback.studies.rewrite import with_winner

runner = CliRunner()

QUARTER_YAML = """\
# my team's scenario
scenario:
  name: 200k requests/month   # title
  horizon_months: 24
  discount_rate_annual: 0.1
traffic:
  requests_per_month: 200000  # in month 1
  input_tokens: 2000
  output_tokens: 400
  cached_input_share: 0.2
  peak_to_average: 4.0
baseline:
  name: hosted big model
  kind: hosted_api
  input_usd_per_mtok: 3.0
  cached_input_usd_per_mtok: 0.30
  output_usd_per_mtok: 15.0
alternatives:
  - name: fine-tuned 7B on one rented L4   # the plan
    kind: self_hosted
    model: qwen2.5-7b
    # rent we were quoted
    usd_per_gpu_hour: 0.80  # on-demand L4 rent
    gpus_per_replica: 1
    replica_requests_per_s: 2.0  # measure it
    # about the fleet
    min_replicas: 1
    escalation_share: 0.10
    ops_usd_per_month: 300.0
    # one-time costs next
    one_time:
      data_usd: 4000.0
      engineer_hours: 60
      engineer_usd_per_hour: 120.0
      eval_usd: 1500.0
      training_usd: 40.0    # one run
      training_runs: 4
    recurring:
      retrain_every_months: 6
      retrain_usd: 800.0
    # end of the alternative
"""
"""The same scenario as QUARTER_TOML."""

QUARTER_TOML = (
    (EXAMPLES / "quarter-200k.toml")
    .read_text()
    .replace('kind = "self_hosted"\n', 'kind = "self_hosted"\nmodel = "qwen2.5-7b"\n', 1)
)
"""The quarter example with a model for recommend to size."""


def comments(text: str) -> list[str]:
    """Every comment, in order (end-of-line ones too)."""
    lines = [f" {line}" for line in text.splitlines()]
    return [f"#{line.split(' #', 1)[1]}" for line in lines if " #" in line]


def applied(tmp_path: Path, name: str, text: str, output: str = "out") -> tuple[Path, Edit]:
    path = tmp_path / name
    path.write_text(text)
    scenario = load_scenario(path)
    result = payback.recommend(scenario)
    out = tmp_path / output / f"new{path.suffix}"
    out.parent.mkdir(exist_ok=True)
    edit = with_winner(path, scenario, result, out)
    out.write_text(edit.text)
    return out, edit


def gpu_cost(path: Path) -> list[float]:
    analysis = payback.analyze(load_scenario(path)).to_dict()
    return list(analysis["alternatives"][0]["components_usd"]["gpus"])


def test_apply_keeps_the_yaml_comments_and_the_replaced_lines(tmp_path: Path) -> None:
    out, edit = applied(tmp_path, "s.yaml", QUARTER_YAML)
    text = out.read_text()
    places = [text.find(comment) for comment in comments(QUARTER_YAML)]
    assert -1 not in places
    assert places == sorted(places)
    # the rent is replaced: the file does not say which GPU it rents (no gpu)
    assert (
        "    # replaced by payback recommend: usd_per_gpu_hour: 0.80  # on-demand L4 rent\n" in text
    )
    assert (
        "    # replaced by payback recommend: replica_requests_per_s: 2.0  # measure it\n" in text
    )
    assert "  - name: fine-tuned 7B on one rented L4   # the plan\n" in text
    # the new lines go after the last plain line, before the one_time block and its comment
    assert "    ops_usd_per_month: 300.0\n    gpu: " in text
    assert "\n    # one-time costs next\n    one_time:\n" in text
    assert text.endswith("      retrain_usd: 800.0\n    # end of the alternative\n")
    note, rent = edit.notes
    assert note.startswith(
        "alternatives.0: replaced by the winner (kept as comments in the file): "
    )
    assert rent.startswith("alternatives.0.usd_per_gpu_hour = 0.8 replaced: the file does not say")
    option = load_scenario(out).alternatives[0]
    assert isinstance(option, payback.scenario.SelfHostedOption)
    assert (option.replica_requests_per_s, option.usd_per_gpu_hour) == (None, None)


def test_yaml_and_toml_apply_write_the_same_scenario_and_cost(tmp_path: Path) -> None:
    toml_out, toml_edit = applied(tmp_path, "s.toml", QUARTER_TOML, "toml")
    yaml_out, _ = applied(tmp_path, "s.yaml", QUARTER_YAML, "yaml")
    assert comments(QUARTER_TOML)[0] in toml_out.read_text()  # tomlkit keeps them
    toml, yaml = load_scenario(toml_out), load_scenario(yaml_out)
    assert yaml.alternatives[0].model_dump() == toml.alternatives[0].model_dump()
    result = payback.recommend(load_scenario(tmp_path / "s.yaml"))
    assert result.best is not None
    for out in (toml_out, yaml_out):
        gpus = gpu_cost(out)
        # the file's $0.80 (no gpu) is replaced: analyze pays the rent recommend ranked at
        assert sum(gpus) / len(gpus) == pytest.approx(result.best.monthly_cost_usd, rel=1e-9)
    assert gpu_cost(yaml_out) == gpu_cost(toml_out)
    assert "replaced by the winner (kept as comments in the file)" in toml_edit.notes[0]


def test_recommend_apply_o_yaml_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(QUARTER_YAML)
    out = tmp_path / "new.yml"
    result = runner.invoke(app, ["recommend", str(path), "--apply", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["written"] == str(out)
    assert "# my team's scenario" in out.read_text()
    assert "note: alternatives.0: replaced by the winner (kept as comments" in result.stderr
    analyzed = runner.invoke(app, ["analyze", str(out), "--json"])
    assert analyzed.exit_code == 0, analyzed.output


def test_yaml_apply_rewrites_relative_paths_and_keeps_their_comments(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "calibrations", tmp_path / "calibrations")
    text = QUARTER_YAML.replace(
        "    model: qwen2.5-7b\n",
        "    model: qwen2.5-7b\n"
        "    calibration: calibrations/h200-llama-3.1-8b-lora.toml  # measured here\n",
    )
    out, edit = applied(tmp_path, "s.yaml", text, "deeper")
    assert re.search(  # the comment stays on its line (its column, where the value allows)
        r"\n    calibration: \.\./calibrations/h200-llama-3\.1-8b-lora\.toml +# measured here\n",
        out.read_text(),
    )
    assert any(note.startswith("relative paths rewritten") for note in edit.notes)
    assert load_scenario(out).alternatives[0].calibration == (  # type: ignore[union-attr]
        "../calibrations/h200-llama-3.1-8b-lora.toml"
    )
    assert gpu_cost(out) == gpu_cost(applied(tmp_path, "t.yaml", text)[0])


@pytest.mark.parametrize(
    ("label", "alternative"),
    [
        (
            "replaced key first, indentless list",
            "alternatives:\n"
            "- replica_requests_per_s: 2.0  # first\n"
            "  # after the first\n"
            "  name: alt\n"
            "  kind: self_hosted\n"
            "  model: qwen2.5-7b\n"
            "  gpu: h100-sxm  # we thought\n"
            "  usd_per_gpu_hour: 2.5\n",
        ),
        (
            "capacity as a block distribution",
            "alternatives:\n"
            "  - name: alt\n"
            "    kind: self_hosted\n"
            "    model: qwen2.5-7b\n"
            "    usd_per_gpu_hour: 0.8\n"
            "    replica_requests_per_s:  # a range\n"
            "      dist: uniform\n"
            "      low: 1.5\n"
            "      high: 2.5\n"
            "    # after the range\n"
            "    min_replicas: 1\n",
        ),
    ],
)
def test_yaml_apply_keeps_comments_in_other_layouts(
    tmp_path: Path, label: str, alternative: str
) -> None:
    head = QUARTER_YAML.split("alternatives:\n")[0]
    text = head + alternative
    out, edit = applied(tmp_path, "s.yaml", text)
    written = out.read_text()
    for comment in comments(text):
        assert comment in written, (label, comment)
    assert "# replaced by payback recommend: replica_requests_per_s" in written
    assert edit.notes
    assert any("kept as comments" in note for note in edit.notes)
    load_scenario(out)


def test_yaml_apply_to_a_one_line_table(tmp_path: Path) -> None:
    head = QUARTER_YAML.split("alternatives:\n")[0]
    flow = (
        "alternatives:  # one line\n"
        "  - {name: alt, kind: self_hosted, model: qwen2.5-7b, usd_per_gpu_hour: 0.8, "
        "replica_requests_per_s: 2.0}\n"
    )
    out, edit = applied(tmp_path, "s.yaml", head + flow)
    written = out.read_text()
    assert written.startswith("# my team's scenario\n")
    assert "alternatives:  # one line\n  - {name: alt, kind: self_hosted, " in written
    assert "replica_requests_per_s: 2.0" in edit.notes[0]  # no room for it as a comment
    assert load_scenario(out).alternatives[0].replica_requests_per_s is None  # type: ignore[union-attr]


def test_with_winner_refuses_a_recommendation_without_a_winner(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        QUARTER_TOML.replace("requests_per_month = 200000", "requests_per_month = 9e11")
    )
    scenario = load_scenario(path)
    result = payback.recommend(scenario, max_replicas=1)
    assert result.best is None
    with pytest.raises(PaybackError, match="nothing to apply"):
        with_winner(path, scenario, result, tmp_path / "out.toml")


# ---------------------------------------------------------------- measured traffic

TRAFFIC: dict[str, Any] = {
    "requests_per_month": 1461.2,
    "growth_monthly": 0.0,
    "input_tokens": 1000.04,
    "output_tokens": 200.0,
}


@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_file_with_traffic_creates_the_starter_with_the_traffic(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"new{suffix}"
    edit = file_with_traffic(path, TRAFFIC)
    assert edit.created
    assert not edit.warnings
    assert not path.exists()  # the library writes nothing
    path.write_text(edit.text)
    traffic = load_scenario(path).traffic
    assert (traffic.requests_per_month, traffic.input_tokens) == (1461, 1000.0)


def test_file_with_traffic_updates_and_warns_of_ranges(tmp_path: Path) -> None:
    path = tmp_path / "unc.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "quarter-uncertain.toml").read_bytes())
    edit = file_with_traffic(path, TRAFFIC)
    assert not edit.created
    assert edit.text.startswith("\ufeff")
    assert edit.warnings[0].startswith(f"{path}: traffic.requests_per_month was a triangular range")
    with pytest.raises(PaybackError, match="is a directory"):
        file_with_traffic(tmp_path, TRAFFIC)


KEPT_RANGES = [
    (  # TOML: the range, then the line's own words, in one comment
        "toml",
        '[traffic]\nrequests_per_month = { dist = "triangular", low = 1, mode = 2, high = 3 }'
        "  # our guess\ninput_tokens = 5\n",
        '[traffic]\nrequests_per_month = 1461  # was {dist = "triangular", low = 1, mode = 2, '
        "high = 3}: our guess\ninput_tokens = 5\n",
        True,
    ),
    (  # a sub-table
        "toml",
        '[traffic]\ninput_tokens = 5\n\n[traffic.requests_per_month]\ndist = "uniform"\n'
        "low = 1\nhigh = 3\n",
        'requests_per_month = 1461  # was {dist = "uniform", low = 1, high = 3}',
        True,
    ),
    (  # YAML over lines: the words after the key and the comment lines after the range
        "yaml",
        "traffic:\n  requests_per_month:  # our guess\n    dist: uniform  # flat\n    low: 1\n"
        "    high: 3  # at most\n  # lines after\n\n  input_tokens: 5\n",
        "traffic:\n  requests_per_month: 1461  # was {dist: uniform, low: 1, high: 3}: our guess"
        "\n  # lines after\n\n  input_tokens: 5\n",
        True,
    ),
    (  # YAML in flow, no words
        "yaml",
        "traffic:\n  requests_per_month: {dist: uniform, low: 1, high: 3}\n  input_tokens: 5\n",
        "traffic:\n  requests_per_month: 1461  # was {dist: uniform, low: 1, high: 3}\n"
        "  input_tokens: 5\n",
        True,
    ),
    (  # one line holding the other values too: no place for it, and not said to be kept
        "toml",
        'traffic = { requests_per_month = { dist = "uniform", low = 1, high = 3 }, '
        "input_tokens = 5 }\n",
        "traffic = { requests_per_month = 1461, input_tokens = 5 }\n",
        False,
    ),
    (
        "yaml",
        "traffic: {requests_per_month: {dist: uniform, low: 1, high: 3}, input_tokens: 5}\n",
        "traffic: {requests_per_month: 1461, input_tokens: 5}\n",
        False,
    ),
]


@pytest.mark.parametrize(("fmt", "text", "expected", "kept"), KEPT_RANGES)
def test_measured_traffic_keeps_the_range_it_replaces_in_a_comment(
    fmt: Any, text: str, expected: str, kept: bool
) -> None:
    """``usage -o`` replaced a range the user wrote by the measured number and the range was
    gone from the file (only the warning quoted it): it is now kept in a comment."""
    from payback.scenario.edit import with_traffic

    replaced: list[str] = []
    out = with_traffic(text, fmt, {"requests_per_month": 1461}, replaced)
    assert expected in out
    assert scenario_data_from_text(out, fmt, "x")["traffic"]["requests_per_month"] == 1461
    [warning] = replaced
    assert warning.startswith("traffic.requests_per_month was a ")
    assert warning.endswith("replaced by the measured 1461" + KEPT * kept)


KEPT = "; the range is kept in a comment after it"


# ------------------------------------------------ values set by path (the page's download)


def _numbers(data: Any, prefix: str = "") -> list[str]:
    """Every dotted path to a plain number in a scenario table."""
    out: list[str] = []
    items = enumerate(data) if isinstance(data, list) else data.items()
    for key, value in items:
        path = f"{prefix}{key}"
        if (isinstance(value, dict) and "dist" not in value) or (
            isinstance(value, list) and value and isinstance(value[0], dict)
        ):
            out += _numbers(value, f"{path}.")
        elif isinstance(value, int | float | dict) and not isinstance(value, bool):
            out.append(path)
    return out


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a value by path, making tables on the way; ``None`` removes, making nothing."""
    node: Any = data
    *parents, last = path.split(".")
    for part in parents:
        if value is None and not isinstance(node, list) and part not in node:
            return
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value


@pytest.mark.parametrize("name", ["quarter-uncertain", "growth", "owned-h100"])
def test_with_values_writes_what_the_table_would_hold_and_keeps_the_rest(name: str) -> None:
    """Any values by path, a range replaced by a number, a field removed, a table made:
    the text reads back as the table with those values set, and every comment line of the
    file is still there."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from payback.scenario.edit import with_values

    text = (EXAMPLES / f"{name}.toml").read_text()
    data = read_scenario_data(EXAMPLES / f"{name}.toml")
    paths = [*_numbers(data), "alternatives.0.quality.error_rate", "baseline.latency.p50_ms"]
    value = st.one_of(st.none(), st.integers(0, 10**7), st.floats(0, 1e6, allow_nan=False))

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(st.dictionaries(st.sampled_from(paths), value, max_size=6))
    def check(values: dict[str, Any]) -> None:
        edited = with_values(text, "toml", values)
        expected = copy.deepcopy(data)
        for path, v in values.items():
            _set(expected, path, v)
        assert scenario_data_from_text(edited, "toml") == expected
        comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
        kept = edited.splitlines()
        assert all(line in kept for line in comments)

    check()


def test_with_values_keeps_yaml_layout_and_comments() -> None:
    from payback.scenario.edit import with_values

    text = (
        "# my scenario\nscenario:\n  name: mine   # the name\n  horizon_months: 12\n"
        "traffic:\n  requests_per_month: 1000  # month 1\n"
    )
    out = with_values(text, "yaml", {"traffic.requests_per_month": 2500, "traffic.x.y": 1})
    assert out.startswith("# my scenario\nscenario:\n  name: mine   # the name\n")
    assert "  requests_per_month: 2500  # month 1\n" in out
    with pytest.raises(PaybackError, match=r"scenario\.name is not a table"):
        with_values(text, "yaml", {"scenario.name.first": 1})


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_yaml_from_toml_reads_back_as_the_toml(path: Path) -> None:
    """Every example written as YAML holds what the TOML holds: a table written with dotted
    keys twice (portfolio.toml's alternatives."A" = {...} and alternatives."B" = {...}) kept
    only the last."""
    import tomllib

    from ruamel.yaml import YAML

    from payback.scenario.edit import yaml_from_toml

    text = path.read_text(encoding="utf-8")
    assert YAML(typ="safe").load(yaml_from_toml(text)) == tomllib.loads(text)
