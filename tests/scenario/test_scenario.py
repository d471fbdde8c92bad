"""The scenario schema: defaults, strictness and the messages for bad input."""

import math
import re
import shutil
from pathlib import Path

import pytest

from helpers import EXAMPLES, build, edited, fleet_dict, per_request_dict
from payback import PaybackError, Scenario, load_scenario
from payback.analysis.resolve import resolve
from payback.scenario import DEFAULT_TARGET_UTILIZATION, dump_scenario, parse_scenario


def message(data: dict[str, object]) -> str:
    with pytest.raises(PaybackError) as info:
        parse_scenario(data, source="s.toml")
    return str(info.value)


def test_defaults_follow_the_contract() -> None:
    scenario = build(fleet_dict())
    assert scenario.scenario.discount_rate_annual == 0.0
    traffic = scenario.traffic
    assert (traffic.growth_monthly, traffic.cached_input_share, traffic.peak_to_average) == (
        0.0,
        0.0,
        1.0,
    )
    alt = resolve(scenario).scenario.alternatives[0]
    assert (alt.gpus_per_replica, alt.min_replicas, alt.always_on) == (1, 1, True)  # type: ignore[union-attr]
    assert alt.escalation_share == 0.0
    assert alt.one_time.training_runs == 1
    assert alt.recurring.retrain_every_months == 0
    assert build(per_request_dict()).alternatives[0].one_time.engineer_hours == 0.0
    assert DEFAULT_TARGET_UTILIZATION == 0.7
    data = fleet_dict()
    del data["alternatives"][0]["target_utilization"]
    assert build(data).alternatives[0].target_utilization == 0.7  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "traffic.requests_per_month",
            -5.0,
            "s.toml: traffic.requests_per_month = -5.0: must be > 0",
        ),
        ("traffic.requests_per_month", 0, "traffic.requests_per_month = 0: must be > 0"),
        (
            "traffic.requests_per_month",
            math.nan,
            "traffic.requests_per_month = nan: must be a finite number",
        ),
        (
            "traffic.requests_per_month",
            math.inf,
            "traffic.requests_per_month = inf: must be a finite number",
        ),
        (
            "traffic.requests_per_month",
            "200k",  # a unit typo: how to write it is said
            'traffic.requests_per_month = "200k": must be a number; write 200000, without quotes '
            "or units",
        ),
        (
            "alternatives.0.escalation_share",
            "10%",
            'alternatives.0.escalation_share = "10%": must be a number; write 0.1, without quotes '
            "or units (a fraction: 0.05 means 5% of requests)",
        ),
        (
            "alternatives.0.usd_per_gpu_hour",
            "$0.80",
            'alternatives.0.usd_per_gpu_hour = "$0.80": must be a number; write 0.8, without '
            "quotes or units",
        ),
        (
            "traffic.growth_monthly",
            5.0,
            "traffic.growth_monthly = 5.0: must be ≤ 1 (a fraction per month: 0.05 means 5%)",
        ),
        ("traffic.peak_to_average", 0.5, "traffic.peak_to_average = 0.5: must be ≥ 1"),
        (
            "scenario.discount_rate_annual",
            10.0,
            "scenario.discount_rate_annual = 10.0: must be ≤ 1 (a fraction per year",
        ),
        ("scenario.horizon_months", 0, "scenario.horizon_months = 0: must be ≥ 1"),
        ("scenario.horizon_months", 12.5, "scenario.horizon_months = 12.5: must be a whole number"),
        (
            "alternatives.0.target_utilization",
            1.5,
            "alternatives.0.target_utilization = 1.5: must be ≤ 1",
        ),
        (
            "alternatives.0.target_utilization",
            0.0,
            "alternatives.0.target_utilization = 0.0: must be > 0",
        ),
        (
            "alternatives.0.escalation_share",
            1.0,
            "alternatives.0.escalation_share = 1.0: must be < 1",
        ),
        (
            "alternatives.0.escalation_share",
            -0.1,
            "alternatives.0.escalation_share = -0.1: must be ≥ 0",
        ),
        (
            "alternatives.0.replica_requests_per_s",
            0.0,
            "alternatives.0.replica_requests_per_s = 0.0: must be ≥ 0.0001",
        ),
        (
            "alternatives.0.usd_per_gpu_hour",
            -1.0,
            "alternatives.0.usd_per_gpu_hour = -1.0: must be ≥ 0",
        ),
        (
            "alternatives.0.min_replicas",
            0,
            "must be ≥ 1 (use always_on = false for a fleet that scales to zero)",
        ),
        (
            "alternatives.0.always_on",
            "yes",
            'alternatives.0.always_on = "yes": must be true or false',
        ),
        (
            "alternatives.0.one_time.data_usd",
            -100.0,
            "alternatives.0.one_time.data_usd = -100.0: must be ≥ 0",
        ),
        (
            "alternatives.0.one_time.training_runs",
            2.5,
            "alternatives.0.one_time.training_runs = 2.5: must be a whole number",
        ),
        (
            "alternatives.0.kind",
            "self-hosted",
            "alternatives.0.kind = \"self-hosted\": unknown kind; did you mean 'self_hosted'? allowed: per_request, hosted_api, self_hosted",
        ),
        (  # a number is shown as written, not quoted as text (it was "1")
            "alternatives.0.kind",
            1,
            "alternatives.0.kind = 1: unknown kind; allowed: per_request, hosted_api, self_hosted",
        ),
        (
            "alternatives.0.kind",
            True,
            "alternatives.0.kind = true: unknown kind; allowed: per_request, hosted_api, "
            "self_hosted",
        ),
        (
            "alternatives.0.kind",
            ...,
            "alternatives.0.kind: required field is missing (allowed: per_request, hosted_api, self_hosted)",
        ),
        (
            "alternatives.0.usd_per_gpu_hour",
            ...,
            "alternatives.0: usd_per_gpu_hour is required unless gpu names a catalog GPU",
        ),
        (
            "alternatives.0.replica_requests_per_s",
            ...,
            "alternatives.0: replica_requests_per_s is required unless model and gpu are given (it is then "
            "estimated) or a calibration measured it",
        ),
        (
            "baseline.output_usd_per_mtok",
            ...,
            'baseline: output_usd_per_mtok required unless model (e.g. "openai:gpt-4o") or fine_tuned names catalog prices',
        ),
        (
            "alternatives.0.one_time.training",
            {"model": "llama-3.1-8b", "examples": 10, "tokens_per_example": 100},
            "alternatives.0.one_time.training: give either gpu (train on rented GPUs) or hosted (a hosted job), not both",
        ),
        ("baseline", ..., "s.toml: baseline: required section is missing"),
        ("alternatives", [], "alternatives: needs at least one [[alternatives]] entry"),
        ("alternatives", ..., "alternatives: required section is missing"),
        (
            "traffic.input_tokens",
            ...,
            "traffic.input_tokens: is required because baseline ('api') is priced per token",
        ),
        ("scenario.name", "", 'scenario.name = "": must not be empty'),
        ("traffic", "lots", 'traffic = "lots": must be a table'),
    ],
)
def test_bad_values_name_field_value_and_what_is_allowed(
    path: str, value: object, expected: str
) -> None:
    text = message(edited(fleet_dict(), path, value))
    assert expected in text
    assert len(text.splitlines()) == 1


def test_unknown_field_suggests_the_near_one_and_lists_allowed() -> None:
    text = message(edited(fleet_dict(), "alternatives.0.usd_per_gpu_hr", 2.0))
    assert text.startswith(
        "s.toml: alternatives.0.usd_per_gpu_hr: unknown field in alternatives.0 of kind \"self_hosted\"; did you mean 'usd_per_gpu_hour'?"
    )
    assert "allowed: name, escalation_share" in text


def test_field_of_another_kind_is_unknown_for_this_kind() -> None:
    text = message(edited(fleet_dict(), "baseline.usd_per_gpu_hour", 2.0))
    assert (
        "baseline.usd_per_gpu_hour: usd_per_gpu_hour is a field of a self_hosted option; "
        "this option is hosted_api (allowed: name, "
    ) in text


def test_unknown_top_level_section() -> None:
    text = message(edited(fleet_dict(), "trafic", {}))
    assert "trafic: unknown section [trafic]; did you mean 'traffic'?" in text


def test_every_problem_gets_its_own_line() -> None:
    data = edited(
        edited(fleet_dict(), "traffic.requests_per_month", -1),
        "alternatives.0.target_utilization",
        2,
    )
    assert len(message(data).splitlines()) == 2


def test_baseline_cannot_escalate_or_carry_one_time_costs() -> None:
    assert "baseline.escalation_share = 0.1: must be 0" in message(
        edited(fleet_dict(), "baseline.escalation_share", 0.1)
    )
    assert "baseline.one_time: must be empty" in message(
        edited(fleet_dict(), "baseline.one_time", {"data_usd": 5.0})
    )


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(PaybackError, match=r"nope\.toml: no such file"):
        load_scenario(tmp_path / "nope.toml")
    with pytest.raises(PaybackError, match="is a directory"):
        load_scenario(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname = 1\n")
    with pytest.raises(PaybackError, match=r"bad.toml: not valid TOML: .*line 1"):
        load_scenario(bad)
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("scenario: [a, b\n  name: x\n")
    with pytest.raises(PaybackError, match=r"bad.yaml: not valid YAML \(line \d+, column \d+\)"):
        load_scenario(bad_yaml)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just text\n")
    with pytest.raises(PaybackError, match="expected a table of sections"):
        load_scenario(scalar)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(PaybackError, match="not a text file"):
        load_scenario(binary)


def test_yaml_reads_exponent_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.yml"
    path.write_text(dump_scenario(build(per_request_dict()), "yaml").replace("20000.0", "2e4"))
    assert load_scenario(path).traffic.requests_per_month == 20_000.0


@pytest.mark.parametrize("fmt", ["toml", "yaml"])
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_dump_round_trips_exactly(tmp_path: Path, example: Path, fmt: str) -> None:
    scenario = load_scenario(example)
    path = tmp_path / f"out.{fmt}"
    path.write_text(dump_scenario(scenario, fmt))  # type: ignore[arg-type]
    assert load_scenario(path) == scenario


def test_scenario_json_schema_documents_fields() -> None:
    schema = Scenario.model_json_schema()
    traffic = schema["$defs"]["Traffic"]["properties"]
    assert traffic["peak_to_average"]["description"].startswith("Requests in the busiest hour")


def test_baseline_cannot_carry_a_training_job() -> None:
    data = edited(
        fleet_dict(),
        "baseline.one_time",
        {"training": {"hosted": "openai.gpt-4o-mini", "examples": 10, "tokens_per_example": 10}},
    )
    assert "baseline.one_time: must be empty" in message(data)


def test_whole_numbers_may_be_written_as_floats() -> None:
    scenario = build(
        edited(
            edited(fleet_dict(), "scenario.horizon_months", 6.0), "alternatives.0.min_replicas", 2.0
        )
    )
    assert scenario.scenario.horizon_months == 6
    assert isinstance(scenario.scenario.horizon_months, int)
    assert "must be a whole number" in message(edited(fleet_dict(), "scenario.horizon_months", 6.5))
    assert "must be a whole number" in message(
        edited(fleet_dict(), "scenario.horizon_months", True)
    )


def test_dates_get_a_format_hint() -> None:
    import datetime as dt

    text = message(edited(fleet_dict(), "scenario.start_date", dt.datetime(2026, 1, 1, 10, 0)))
    assert "scenario.start_date = " in text
    assert "must be a date such as 2026-12-01" in text
    assert "datetime.datetime" not in text
    assert "must be a date such as 2026-12-01" in message(
        edited(fleet_dict(), "scenario.start_date", "next week")
    )


def test_choices_list_what_is_allowed() -> None:
    text = message(edited(fleet_dict(), "alternatives.0.precision", "fp4"))
    assert (
        text == "s.toml: alternatives.0.precision = 'fp4': did you mean 'mxfp4'? allowed: 'bf16', "
        "'fp8', 'int8', 'int4' or 'mxfp4'"
    )


def test_yaml_numbers_follow_yaml_1_2(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = dump_scenario(build(per_request_dict()), "yaml")
    path.write_text(text.replace("horizon_months: 6", "horizon_months: 010"))
    assert load_scenario(path).scenario.horizon_months == 10  # not octal 8
    path.write_text(text.replace("horizon_months: 6", "horizon_months: 1:30"))
    with pytest.raises(
        PaybackError, match=r'scenario\.horizon_months = "1:30": must be a whole number'
    ):
        load_scenario(path)


def test_a_byte_order_mark_is_not_content(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "seed.toml").read_bytes())
    assert load_scenario(path).traffic.requests_per_month == 20_000


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_a_dumped_scenario_gives_the_same_answer(tmp_path: Path, example: Path) -> None:
    """Not only equal values: the same meaning (a training job still estimated, not zeroed)."""
    from payback import analyze

    original = load_scenario(example)
    if (EXAMPLES / "calibrations").is_dir():  # files the examples name by relative path
        shutil.copytree(EXAMPLES / "calibrations", tmp_path / "calibrations")
    path = tmp_path / "again.toml"
    path.write_text(dump_scenario(original))
    again = load_scenario(path)
    assert analyze(again).to_dict() == analyze(original).to_dict()
    assert not re.search(
        r"= -?\d+\.0$", path.read_text(), re.M
    )  # whole numbers are written as such


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_field_range_is_what_the_schema_accepts(example: Path) -> None:
    """For every number the engine reads in every example: the range field_range gives is
    the schema's (its low and high bounds validate, just beyond them fails), and a field
    it calls real takes a fraction while a whole-number count refuses one. ``Usd | None``
    (training_usd) once read as an unbounded whole number."""
    from payback.analysis.cashflows import numeric_paths
    from payback.scenario import field_range, read_scenario_data

    raw = read_scenario_data(example)
    scenario = parse_scenario(raw)
    checked = []

    def accepts(path: str, value: float) -> bool:
        try:
            parse_scenario(edited(raw, path, value))
        except PaybackError as exc:
            message = str(exc)
        else:
            return True
        if "the fleet would need" in message and "must be" not in message:
            return True  # in the field's range; the fleet it sizes is past MAX_FLEET_GPUS
        assert path in message
        return False

    for path in numeric_paths(resolve(load_scenario(example))):
        allowed = field_range(scenario, path)
        low, high = allowed.lowest, allowed.highest
        if allowed.is_real:
            inside, outside = math.nextafter, math.nextafter
            below, above = outside(low, -math.inf), outside(high, math.inf)
            just_in_low, just_in_high = inside(low, math.inf), inside(high, -math.inf)
        else:
            below, above, just_in_low, just_in_high = low - 1, high + 1, low + 1, high - 1
        if math.isfinite(low):
            assert accepts(path, low) == allowed.lowest_included, (path, low)
            assert accepts(path, just_in_low), (path, just_in_low)
            assert not accepts(path, below), (path, below)
        if math.isfinite(high):
            assert accepts(path, high) == allowed.highest_included, (path, high)
            assert accepts(path, just_in_high), (path, just_in_high)
            assert not accepts(path, above), (path, above)
        start = low if math.isfinite(low) else 0.0
        fraction = start + (
            0.5 if not math.isfinite(high) or high - start > 1 else (high - start) / 2
        )
        assert accepts(path, fraction) == allowed.is_real, (path, fraction)
        checked.append(path)
    assert "baseline.escalation_share" not in checked  # the schema holds it at 0
    if example.stem == "quarter-200k":
        training = field_range(scenario, "alternatives.0.one_time.training_usd")
        assert (training.lowest, training.highest, training.is_real) == (0.0, 1e12, True)


# ---------------------------------------------------------------- YAML files


def yaml_text(**replace: str) -> str:
    text = dump_scenario(build(fleet_dict()), "yaml")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_a_yaml_key_given_twice_is_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = yaml_text(**{"traffic:\n": "traffic:\n  output_tokens: 100\n"})
    path.write_text(text)
    second = text.splitlines().index("  output_tokens: 200") + 1
    with pytest.raises(PaybackError) as info:
        load_scenario(path)
    assert info.value.messages == [
        f"{path}: not valid YAML (line {second}, column 3): 'output_tokens' given twice "
        f"(first on line {text.splitlines().index('traffic:') + 2})"
    ]


def test_yaml_takes_yes_and_off_as_true_and_false(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    for word, value in (("off", False), ("yes", True), ("No", False), ("ON", True)):
        path.write_text(
            yaml_text(**{"  kind: self_hosted\n": f"  kind: self_hosted\n  always_on: {word}\n"})
        )
        assert load_scenario(path).alternatives[0].always_on is value  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name",
    [
        "1e6",
        "0o17",
        "09",
        "2e4",
        "yes",
        "1:30",
        "2026-01-01",
        "null",
        "it's mine",
        "'quoted'",
        "a long name: " + "that goes on " * 8,  # a name is one line (test_validation.py)
    ],
)
def test_yaml_writes_text_that_reads_back_as_text(tmp_path: Path, name: str) -> None:
    data = fleet_dict()
    data["alternatives"][0]["name"] = name
    path = tmp_path / "s.yaml"
    path.write_text(dump_scenario(build(data), "yaml"))
    assert load_scenario(path).alternatives[0].name == name


def test_yaml_folds_a_long_name_where_it_always_did() -> None:
    text = dump_scenario(load_scenario(EXAMPLES / "quarter-uncertain.toml"), "yaml")
    assert text.startswith(
        "scenario:\n  name: '200k requests/month with ranges: hosted big model vs fine-tuned 7B"
        " on one\n    L4'\n"
    )
    assert "traffic:\n  requests_per_month:\n    dist: triangular\n    low: 150000\n" in text
    tiny = dump_scenario(build(edited(fleet_dict(), "traffic.input_tokens", 1e-5)), "yaml")
    assert "  input_tokens: 1.0e-05\n" in tiny  # a number to YAML 1.1 readers too


def test_the_scenario_modules_import_tomlkit_and_ruamel_only_when_used() -> None:
    import ast

    import payback.scenario

    for module in Path(payback.scenario.__file__).parent.glob("*.py"):
        for node in ast.parse(module.read_text()).body:
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] in ("tomlkit", "ruamel", "yaml") for n in names), (
                module.name,
                names,
            )
