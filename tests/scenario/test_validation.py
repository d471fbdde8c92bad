"""Scenario validation found by a new-user pass: absurd capacities and fleets, repeated
alternative names, an empty list, a field of another option kind, the file's name on
catalog errors and where a file stops being UTF-8."""

from pathlib import Path

import pytest

from helpers import EXAMPLES, assert_user_error, edited, fleet_dict, per_request_dict, run
from payback import PaybackError, load_scenario
from payback.analysis.resolve import resolve
from payback.scenario import parse_scenario, read_scenario_data, read_scenario_text
from payback.scenario.schema import MAX_FLEET_GPUS, MIN_REPLICA_REQUESTS_PER_S


def message(data: dict[str, object]) -> str:
    with pytest.raises(PaybackError) as info:
        parse_scenario(data, source="s.toml")
    return str(info.value)


@pytest.mark.parametrize("rps", [1e-300, 1e-9, 9.9e-5])
def test_a_replica_slower_than_one_request_in_hours_is_refused(rps: float) -> None:
    """1e-300 requests/s sized a fleet of 10^300 GPUs (a 300-digit NPV), 1e-9 one of 391
    million; both were accepted (only > 0 was asked)."""
    assert message(fleet_dict(replica_requests_per_s=rps)) == (
        f"s.toml: alternatives.0.replica_requests_per_s = {rps!r}: must be ≥ 0.0001 (requests "
        "per second one replica sustains; 0.0001 is one request every 2.8 hours, slower than "
        "any real replica)"
    )


def test_the_slowest_replica_allowed_sizes_its_fleet() -> None:
    """1 request/s on average, peak 1×, planned at 100%: 1 / 1e-4 = 10,000 replicas."""
    from payback import analyze

    assert MIN_REPLICA_REQUESTS_PER_S == 1e-4
    scenario = parse_scenario(fleet_dict(replica_requests_per_s=1e-4))
    assert analyze(scenario).to_dict()["alternatives"][0]["gpus"] == [10_000, 10_000, 10_000]


def test_a_workloads_capacity_has_the_same_floor() -> None:
    data = read_scenario_data(EXAMPLES / "portfolio.toml")
    alt = data["alternatives"][0]["name"]
    data["workloads"][1]["alternatives"] = {alt: {"replica_requests_per_s": 1e-9}}
    assert (
        f"s.toml: workloads.1.alternatives.{alt}.replica_requests_per_s = 1e-09: must be ≥ 0.0001"
    ) in message(data)


def test_a_fleet_past_ten_million_gpus_is_refused() -> None:
    """2,000 requests/s on average (5.256e9 a month), peak 1×, planned at 100%, on
    1e-4 requests/s replicas: 2,000 / 1e-4 = 20,000,000 GPUs. At 1e-3 requests/s the
    same traffic needs 2,000,000 and is kept."""
    data = edited(fleet_dict(replica_requests_per_s=1e-4), "traffic.requests_per_month", 5.256e9)
    assert MAX_FLEET_GPUS == 10_000_000
    assert message(data) == (
        "s.toml: alternatives.0.replica_requests_per_s = 0.0001: the fleet would need "
        "20,000,000 GPUs in month 1 (5,256,000,000 requests, busiest hour 1× the mean, planned "
        "at 100% of capacity); at most 10,000,000 GPUs (more than twice the data-centre GPUs "
        "sold in a year)"
    )
    parse_scenario(edited(data, "alternatives.0.replica_requests_per_s", 1e-3))


def test_a_fleet_grown_past_the_cap_is_refused_at_its_busiest_month() -> None:
    """1 request/s at +100% a month over 3 months: 4 requests/s in month 3, on replicas of
    1e-4 requests/s with 4 GPUs each, is 4 / 1e-4 · 4 = 160,000 GPUs; over 13 months,
    2^12 · 4 / 1e-4 = 163,840,000 (the count the cost model sizes)."""
    data = fleet_dict(replica_requests_per_s=1e-4, gpus_per_replica=4)
    data["traffic"]["growth_monthly"] = 1.0
    parse_scenario(data)
    text = message(edited(data, "scenario.horizon_months", 13))
    assert "the fleet would need 163,840,000 GPUs in month 13" in text


def test_min_replicas_past_the_cap_is_refused() -> None:
    data = fleet_dict(min_replicas=100_000, gpus_per_replica=128)
    assert message(data) == (
        "s.toml: alternatives.0.min_replicas = 100000: 12,800,000 GPUs at 128 a replica; at "
        "most 10,000,000 GPUs (more than twice the data-centre GPUs sold in a year)"
    )


def test_an_absurd_capacity_is_one_line_and_exit_2(tmp_path: Path) -> None:
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    path = tmp_path / "tiny.toml"
    path.write_text(text.replace("replica_requests_per_s = 0.85", "replica_requests_per_s = 1e-9"))
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, "replica_requests_per_s = 1e-9: must be ≥ 0.0001")
    assert len(err.splitlines()) == 1


def test_two_alternatives_of_one_name_are_refused() -> None:
    """The verdict read "best of 2 by NPV: 'fine-tuned small model'" over two rows of it."""
    data = per_request_dict()
    data["alternatives"].append(dict(data["alternatives"][0], usd_per_1k_requests=3.0))
    name = data["alternatives"][0]["name"]
    assert message(data) == (
        f"s.toml: alternatives.1.name = {name!r}: used by alternatives.0 too; give each "
        "alternative its own name"
    )


def test_an_empty_list_of_workloads_is_one_line_in_the_projects_words() -> None:
    """Was "= a list: List should have at least 1 item after validation, not 0"."""
    data = read_scenario_data(EXAMPLES / "portfolio.toml")
    data["alternatives"][0]["portfolio"] = {"fleet": "shared", "workloads": []}
    assert message(data) == (
        "s.toml: alternatives.0.portfolio.workloads = []: must name at least 1 workload; "
        "leave the field out to serve every workload"
    )


def test_a_field_of_another_kind_says_whose_it_is() -> None:
    """Was "did you mean 'ops_usd_per_month'?"."""
    data = edited(per_request_dict(), "alternatives.0.input_usd_per_mtok", 1.0)
    assert message(data) == (
        "s.toml: alternatives.0.input_usd_per_mtok: input_usd_per_mtok is a field of a "
        "hosted_api option; this option is per_request (allowed: name, escalation_share, "
        "ops_usd_per_month, one_time, recurring, quality, latency, portfolio, kind, "
        "usd_per_1k_requests, price_change_annual)"
    )
    # a misspelling still gets its near match
    text = message(edited(per_request_dict(), "alternatives.0.ops_usd_per_mont", 1.0))
    assert "did you mean 'ops_usd_per_month'?" in text


def _unknown_model(tmp_path: Path) -> Path:
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    start = text.index("[baseline]")
    end = text.index("[[alternatives]]")
    baseline = '[baseline]\nname = "api"\nkind = "hosted_api"\nmodel = "openai:gpt-nonexistent"\n\n'
    path = tmp_path / "c.toml"
    path.write_text(text[:start] + baseline + text[end:])
    return path


def test_a_catalog_error_names_the_file_as_a_schema_error_does(tmp_path: Path) -> None:
    """Was "error: baseline.model: unknown API model ..." without the file."""
    path = _unknown_model(tmp_path)
    scenario = load_scenario(path)
    assert scenario.source == str(path)
    with pytest.raises(PaybackError, match=rf"^{path}: baseline\.model: unknown API model"):
        resolve(scenario)
    for command in (("analyze",), ("explain",), ("sensitivity",)):
        code, out, err = run(*command, path)
        assert_user_error(code, out, err)
        assert err.startswith(f"error: {path}: baseline.model: unknown API model"), err
    with pytest.raises(PaybackError, match=r"^baseline\.model: unknown"):  # no file: no name
        resolve(parse_scenario(read_scenario_data(path)))


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b'[scenario]\nname = "x" # caf\xe9\n', "byte 0xe9 at line 2, column 17 (byte 27)"),
        (
            b'\xef\xbb\xbf[scenario]\nname = "x" # caf\xe9\n',
            "byte 0xe9 at line 2, column 17 (byte 30)",
        ),
        (
            '[scenario]\nname = "été" # caf'.encode() + b"\xe9\n",
            "byte 0xe9 at line 2, column 19 (byte 31)",
        ),
        (b"\xff", "byte 0xff at line 1, column 1 (byte 0)"),
    ],
)
def test_a_byte_that_is_not_utf8_is_found(tmp_path: Path, raw: bytes, where: str) -> None:
    """Was "latin.toml: not a text file (expected UTF-8 TOML or YAML)" with no place, then
    called a cp1252 file "not a text file" (tried as a new user would): it is text, not
    UTF-8. The column counts characters (é is one), the offset bytes from the file's
    start."""
    path = tmp_path / "latin.toml"
    path.write_bytes(raw)
    with pytest.raises(PaybackError) as info:
        read_scenario_text(path)
    assert str(info.value) == (
        f"{path}: not UTF-8 text (a scenario is UTF-8 TOML or YAML): {where} is not UTF-8; save "
        "the file as UTF-8"
    )


def test_an_estimated_capacity_is_held_to_the_same_fleet_cap(tmp_path: Path) -> None:
    """qwen2.5-7b on l4s at 2,000/400 tokens is estimated at 3.45 requests/s a replica of 2
    GPUs: 1e13 requests at 4× peak, planned at 70%, need 1e13 · 4 / 2,628,000 / (3.45 ·
    0.7) · 2 = 11.36 million GPUs. Analyze showed them (exit 0): it was checked only at a
    capacity the file gives."""
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    for old, new in (
        ("requests_per_month = 200000 ", "requests_per_month = 1e13 "),
        ("usd_per_gpu_hour = 0.80 ", 'model = "qwen2.5-7b"\ngpu = "l4"\n#'),
        ("replica_requests_per_s = 0.85 ", "#"),
        ("gpus_per_replica = 1 ", "#"),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "big.toml"
    path.write_text(text)
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err.strip() == (
        f"error: {path}: alternatives.0.replica_requests_per_s = 3.45 (estimated): the fleet "
        "would need 11,357,238 GPUs in month 1 (10,000,000,000,000 requests, busiest hour 4× "
        "the mean, planned at 70% of capacity); at most 10,000,000 GPUs (more than twice the "
        "data-centre GPUs sold in a year)"
    )
    path.write_text(text.replace("= 1e13 ", "= 1e12 "))  # 1.14 million GPUs: kept
    code, _, err = run("analyze", path)
    assert code == 0, err


@pytest.mark.parametrize(
    ("where", "name"),
    [
        ("scenario", "   "),
        ("baseline", "\n\t"),
        ("baseline", "\u200b"),  # a zero-width space
        ("alternatives.0", "\u2066 \u2069"),  # direction isolates around a space
    ],
)
def test_a_name_that_shows_nothing_is_refused(where: str, name: str) -> None:
    # every output printed such a name as a blank: "Baseline:     (hosted_api)"
    data = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    table: dict[str, object] = data
    for key in where.split("."):
        table = table[int(key)] if key.isdigit() else table[key]  # type: ignore[index]
    table["name"] = name
    assert message(data) == (
        f"s.toml: {where}.name: {name!r}: blank (spaces or invisible characters only); "
        "give a name that shows"
    )


@pytest.mark.parametrize(
    ("where", "name"),
    [("scenario", "a\nb"), ("baseline", "api\tv2"), ("alternatives.0", "x\u2028y")],
)
def test_a_name_of_more_than_one_line_is_refused(where: str, name: str) -> None:
    # "a\nb" beside a workload "b" printed "Serves a / b, b" and a stray row "b"
    data = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    table: dict[str, object] = data
    for key in where.split("."):
        table = table[int(key)] if key.isdigit() else table[key]  # type: ignore[index]
    table["name"] = name
    assert message(data) == (
        f"s.toml: {where}.name: {name!r}: a line break or control character; a name is one "
        "line of text"
    )


@pytest.mark.parametrize("name", ["a", " x ", "שלום", "7B", "→", "ß\u200b", "日本"])
def test_a_name_with_one_character_that_shows_is_kept(name: str) -> None:
    data = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    data["baseline"]["name"] = name  # type: ignore[index]
    assert parse_scenario(data).baseline.name == name


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            '"qwen2.5-7b"',
            'models = "qwen2.5-7b": must be a list of model ids, such as ["qwen2.5-7b"]',
        ),
        ("5", 'models = 5: must be a list of model ids, such as ["llama-3.1-8b", "qwen2.5-7b"]'),
    ],
)
def test_models_not_a_list_says_a_list_of_ids(tmp_path: Path, written: str, said: str) -> None:
    """``models`` is a list of model ids; a text or a number there was told it "must be a
    list of tables ([[alternatives]] in TOML)", the words for [[alternatives]]."""
    text = (EXAMPLES / "quarter-200k.toml").read_text()
    path = tmp_path / "models.toml"
    path.write_text(
        text.replace("gpus_per_replica = 1", f"gpus_per_replica = 1\nmodels = {written}", 1)
    )
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, f"alternatives.0.{said}")
    assert len(err.splitlines()) == 1
    assert "tables" not in err
