"""The limits on what payback reads, each checked before any work with one line naming it
(issue: hostile and odd input)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLES, assert_user_error
from payback import PaybackError, load_scenario
from payback.cli import app
from payback.limits import (
    MAX_ALTERNATIVES,
    MAX_NESTING,
    MAX_SCENARIO_BYTES,
    MAX_SCENARIO_VALUES,
    check_tree,
)
from payback.scenario import parse_scenario, scenario_data_from_text
from payback.web.state import read_upload

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
SEED = (EXAMPLES / "seed.toml").read_text()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=ENV).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_error(code: int, out: str, err: str) -> str:
    assert code == 2, (out, err)
    assert "Traceback" not in err
    errors = [line for line in err.strip().splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    return errors[0]


# ------------------------------------------------------------------ nesting


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.toml", SEED + "\n[extra]\nx = " + "[" * 2000 + "]" * 2000 + "\n"),
        ("deep.yaml", "scenario: " + "[" * 2000 + "]" * 2000 + "\n"),
        (
            "deep-block.yaml",
            "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n",
        ),
        ("forty.toml", SEED + "\n[extra]\nx = " + "[" * 40 + "]" * 40 + "\n"),
    ],
)
def test_nesting_2000_deep_is_one_line_not_a_recursion_error(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    for command in ("analyze", "explain", "sensitivity"):
        line = one_error(*run(command, path))
        assert f"nested over {MAX_NESTING} deep; the limit is {MAX_NESTING}" in line


def test_serve_refuses_a_deep_scenario_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import payback.cli.serve as serve

    def never(*args: object) -> None:
        raise AssertionError("the page must not start")

    monkeypatch.setattr(serve.os, "execv", never)
    path = tmp_path / "deep.yaml"
    path.write_text("scenario: " + "[" * 2000 + "]" * 2000 + "\n")
    assert "nested over 32 deep" in one_error(*run("serve", path, "--port", "1"))


def test_a_real_scenarios_nesting_is_far_from_the_limit() -> None:
    for example in EXAMPLES.glob("*.toml"):
        check_tree(scenario_data_from_text(example.read_text(), "toml"), example.name)


# ------------------------------------------------------------------ YAML aliases and size


def alias_bomb(levels: int = 10, width: int = 10) -> str:
    lines = [f"a0: &a0 [{', '.join(['1'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + f"\nscenario: {{name: x, horizon_months: 6, extra: *a{levels - 1}}}\n"


def test_a_yaml_alias_bomb_is_refused_in_a_moment(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    start = time.monotonic()
    line = one_error(*run("analyze", path))
    assert time.monotonic() - start < 10  # it ran for minutes
    assert f"over {MAX_SCENARIO_VALUES:,} values (YAML aliases counted each time" in line


def test_yaml_aliases_within_the_budget_still_work(tmp_path: Path) -> None:
    text = """
scenario: {name: shared one-time costs, horizon_months: 12}
traffic: {requests_per_month: 20000}
baseline: {name: api, kind: per_request, usd_per_1k_requests: 15}
costs: &costs {data_usd: 400}
alternatives:
  - {name: a, kind: per_request, usd_per_1k_requests: 2, one_time: *costs}
  - {name: b, kind: per_request, usd_per_1k_requests: 3, one_time: *costs}
"""
    data = scenario_data_from_text(text, "yaml")
    del data["costs"]
    assert [a.one_time.data_usd for a in parse_scenario(data).alternatives] == [400, 400]


def test_a_scenario_over_10_mib_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(SEED + ("# padding\n" * (MAX_SCENARIO_BYTES // 10 + 1)))
    line = one_error(*run("analyze", path))
    size = path.stat().st_size  # a few KiB over: 10.0 MiB, so said in bytes
    assert line == (
        f"error: {path}: {size:,} bytes, over the 10 MiB (10,485,760-byte) limit for a "
        "scenario file"
    )


@pytest.mark.parametrize(
    ("size", "said"),
    [  # "10 MiB, over the 10 MiB limit": the size to one decimal, or in bytes where that ties
        (11_000_000, "10.5 MiB, over the 10 MiB limit"),
        (10 * 2**20 + 1, "10,485,761 bytes, over the 10 MiB (10,485,760-byte) limit"),
        (12 * 2**20, "12 MiB, over the 10 MiB limit"),
    ],
)
def test_a_scenario_over_the_limit_says_its_size_apart_from_the_limit(
    tmp_path: Path, size: int, said: str
) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * (size - 1) + b"\n")
    assert path.stat().st_size == size
    assert one_error(*run("analyze", path)) == f"error: {path}: {said} for a scenario file"


def test_yaml_duplicate_keys_are_refused_as_toml_does(tmp_path: Path) -> None:
    yaml = tmp_path / "twice.yaml"
    yaml.write_text(
        "scenario: {name: x, horizon_months: 6}\n"
        "traffic:\n  requests_per_month: 20000\n  requests_per_month: 90000\n"
    )
    line = one_error(*run("analyze", yaml))
    assert "'requests_per_month' given twice (first on line 3)" in line
    toml = tmp_path / "twice.toml"
    toml.write_text("[traffic]\nrequests_per_month = 1\nrequests_per_month = 2\n")
    assert one_error(*run("analyze", toml)).endswith(
        "twice.toml line 3: traffic.requests_per_month given twice (first on line 2)"
    )


# ------------------------------------------------------------------ alternatives


def with_alternatives(count: int) -> str:
    block = '\n[[alternatives]]\nname = "option {i}"\nkind = "per_request"\nusd_per_1k_requests = {price}\n'
    return SEED + "".join(block.format(i=i, price=2 + i / 100) for i in range(count - 1))


def test_over_100_alternatives_are_refused_before_any_work(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    path.write_text(with_alternatives(1000))
    for command in ("analyze", "sensitivity", "explain"):
        line = one_error(*run(command, path))
        assert line.endswith(
            f"alternatives: 1,000 of them; the limit is {MAX_ALTERNATIVES} in one scenario "
            "(split it into several files)"
        )
    with pytest.raises(PaybackError, match="the limit is 100"):
        load_scenario(path)


def test_100_alternatives_run(tmp_path: Path) -> None:
    path = tmp_path / "hundred.toml"
    path.write_text(with_alternatives(MAX_ALTERNATIVES))
    code, out, err = run("sensitivity", path, "--json")
    assert code == 0, err
    assert out.count('"name": "option ') == MAX_ALTERNATIVES - 1


# ------------------------------------------------------------------ paths and special files

LONG = "x" * 300


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", f"{LONG}.toml"),
        ("usage", f"{LONG}.csv"),
        ("import-benchmark", f"{LONG}.json"),
        (
            "estimate",
            "serving",
            "--model",
            "qwen2.5-7b",
            "--gpu",
            "l4",
            "--calibration",
            f"{LONG}.toml",
        ),
        ("estimate", "serving", "--model", f"{LONG}.json", "--gpu", "l4"),
        ("estimate", "training", "--model", LONG, "--gpu", "l4", "--tokens", "1e6"),
        ("calibrate", "--model", LONG),
        ("init", f"{LONG}.toml"),
        ("report", EXAMPLES / "seed.toml", "-o", f"{LONG}.html"),
    ],
    ids=lambda a: " ".join(str(x)[:24] for x in a),
)
def test_a_path_or_id_longer_than_the_file_system_allows_is_one_line(
    args: tuple[str | Path, ...],
) -> None:
    line = one_error(*run(*args))
    assert "Errno" not in line
    assert "the limit is 255 bytes a name" in line or "unknown model" in line


@pytest.mark.parametrize("field", ["model", "calibration"])
def test_a_long_path_inside_a_scenario_is_one_line(tmp_path: Path, field: str) -> None:
    path = tmp_path / "long.toml"
    value = f"{LONG}.json"
    path.write_text(
        (EXAMPLES / "calibrated-h200.toml")
        .read_text()
        .replace("calibrations/h200-llama-3.1-8b-lora.toml", value)
        if field == "calibration"
        else (EXAMPLES / "catalog-ids.toml").read_text().replace('"llama-3.1-8b"', f'"{value}"', 1)
    )
    line = one_error(*run("analyze", path))
    assert "the limit is 255 bytes a name" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("s.toml", ("analyze", "{fifo}")),
        ("s.toml", ("explain", "{fifo}")),
        ("s.toml", ("sensitivity", "{fifo}")),
        (
            "s.toml",
            ("solve", "{fifo}", "--vary", "traffic.requests_per_month", "--target", "npv_usd=0"),
        ),
        ("s.toml", ("recommend", "{fifo}")),
        ("s.toml", ("report", "{fifo}", "-o", "{tmp}/r.html")),
        ("b.json", ("import-benchmark", "{fifo}")),
        (
            "c.toml",
            (
                "estimate",
                "serving",
                "--model",
                "qwen2.5-7b",
                "--gpu",
                "l4",
                "--calibration",
                "{fifo}",
            ),
        ),
        ("config.json", ("estimate", "serving", "--model", "{fifo}", "--gpu", "l4")),
        ("logs.csv", ("usage", "{fifo}")),
    ],
    ids=lambda x: x if isinstance(x, str) else x[0],
)
def test_a_fifo_as_input_is_refused_without_blocking(
    tmp_path: Path, name: str, args: tuple[str, ...]
) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    start = time.monotonic()
    line = one_error(*run(*(a.format(fifo=fifo, tmp=tmp_path) for a in args)))
    assert time.monotonic() - start < 30
    assert "is a FIFO (named pipe), not a regular file" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize(
    "args",
    [
        ("init", "{out}", "--force"),
        ("report", str(EXAMPLES / "seed.toml"), "-o", "{out}", "--force"),
        (
            "import-benchmark",
            "tests/data/benchmarks/vllm_save_result.json",
            "-o",
            "{out}",
            "--force",
        ),
        ("usage", "{tmp}/none.csv", "-o", "{out}"),
    ],
    ids=lambda a: a[0],
)
def test_a_fifo_or_device_is_never_an_output_even_with_force(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "out.html" if args[0] == "report" else tmp_path / "out.toml"
    os.mkfifo(out)
    argv = [a.format(out=out, tmp=tmp_path) for a in args]
    argv = [str(root / a) if a.startswith("tests/") else a for a in argv]
    line = one_error(*run(*argv))
    assert "payback writes only regular files (even with --force)" in line
    assert out.exists()
    assert not out.is_file()  # still the FIFO


def test_a_device_is_refused_as_input_and_as_output() -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    assert "is a device, not a regular file" in one_error(*run("analyze", "/dev/null"))
    line = one_error(*run("init", "/dev/null", "--force"))
    assert "is a device, not a regular file; payback writes only regular files" in line
    assert Path("/dev/null").is_char_device()


def test_the_readme_states_the_limits_payback_checks() -> None:
    from helpers import ROOT
    from payback import limits

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Limits", 1)[1].split("\n## ", 1)[0]
    for stated in (
        f"{limits.MAX_SCENARIO_BYTES // 2**20} MiB",
        f"nested at most {limits.MAX_NESTING} deep",
        f"at most {limits.MAX_SCENARIO_VALUES:,} values",
        f"at most {limits.MAX_ALTERNATIVES} alternatives",
        f"{limits.MAX_INPUT_BYTES // 2**20} MiB",
        f"{limits.MAX_LOG_LINE_BYTES // 2**20} MiB",
        f"{limits.MAX_PATH_BYTES:,} bytes, {limits.MAX_NAME_BYTES} for one name",
        "regular files only",
    ):
        assert stated in section, stated
    code, out, _ = run("analyze", "--help")
    assert code == 0
    assert "at most 10 MiB, nested 32 deep, 100 alternatives" in " ".join(
        out.replace("│", " ").split()
    )


def test_recommend_with_a_model_id_longer_than_a_file_name_is_one_line() -> None:
    line = one_error(*run("recommend", EXAMPLES / "quarter-200k.toml", "--model", LONG))
    assert "unknown model 'xxxxxxxx" in line
    assert "…" in line  # the id is cut in the message


UNREADABLE = [
    ("s.toml", ("analyze", "{f}")),
    ("s.toml", ("explain", "{f}")),
    ("s.toml", ("sensitivity", "{f}")),
    ("s.toml", ("solve", "{f}", "--vary", "traffic.requests_per_month", "--target", "npv_usd=0")),
    ("s.toml", ("recommend", "{f}")),
    ("s.toml", ("report", "{f}", "-o", "{tmp}/r.html")),
    ("b.json", ("import-benchmark", "{f}")),
    (
        "c.toml",
        ("estimate", "serving", "--model", "qwen2.5-7b", "--gpu", "l4", "--calibration", "{f}"),
    ),
    ("config.json", ("estimate", "training", "--model", "{f}", "--gpu", "l4", "--tokens", "1e6")),
]


@pytest.mark.parametrize(
    ("name", "args"), UNREADABLE, ids=lambda x: x if isinstance(x, str) else x[0]
)
def test_a_file_payback_may_not_read_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, args: tuple[str, ...]
) -> None:
    import payback.limits as limits

    path = tmp_path / name
    path.write_text("{}")
    real_open = os.open

    def denied(file: Any, flags: int, *rest: Any) -> int:
        if Path(file).name == name:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *rest)

    monkeypatch.setattr(limits.os, "open", denied)
    line = one_error(*run(*(a.format(f=path, tmp=tmp_path) for a in args)))
    assert f"{path}: cannot read: Permission denied" in line


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_an_unreadable_log_file_is_one_line(tmp_path: Path) -> None:
    logs = tmp_path / "logs.csv"
    logs.write_text("timestamp,input_tokens,output_tokens\n2026-01-01T00:00:00Z,1,1\n")
    logs.chmod(0)
    try:
        line = one_error(*run("usage", logs))
    finally:
        logs.chmod(0o644)
    assert "Permission denied" in line


def test_serve_refuses_an_address_of_another_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    import payback.cli.serve as serve

    monkeypatch.setattr(serve.os, "execv", lambda *a: pytest.fail("the page started"))
    line = one_error(*run("serve", "--host", "192.0.2.1", "--port", "8599"))  # TEST-NET-1
    assert line.startswith("error: --host 192.0.2.1: cannot listen there (")


@pytest.mark.parametrize(
    ("name", "text"),
    [("empty.toml", ""), ("blank.toml", "\n  \n"), ("comment.yaml", "# to do\n"), ("e.yaml", "")],
)
def test_an_empty_file_is_one_line_in_analyze_and_on_the_page(
    tmp_path: Path, name: str, text: str
) -> None:
    """An empty file gave four lines, one a missing section; it is one line that says so."""
    line = (
        f"{name}: empty (no sections); a scenario has [scenario], [traffic], [baseline] "
        "and [alternatives]"
    )
    path = tmp_path / name
    path.write_text(text)
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, f"{tmp_path / line}")
    assert len(err.strip().splitlines()) == 1
    assert read_upload(name, text.encode()) == (None, [line])
