"""The command line's one error path: every failure one line per problem and an exit code,
never a traceback (issue: hostile and odd input)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLES
from payback.cli import app

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
SEED = EXAMPLES / "seed.toml"


def run(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=ENV | (env or {})).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_error(code: int, out: str, err: str, expected_code: int = 2) -> str:
    """The single ``error:`` line of a failed run (notes and warnings may come before it)."""
    assert code == expected_code, (out, err)
    assert "Traceback" not in err + out
    assert "╭" not in err, err  # no Typer box
    lines = err.strip().splitlines()
    assert all(line.startswith(("error: ", "warning: ", "note: ")) for line in lines), err
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, err
    return errors[0]


# ------------------------------------------------------------------ Typer's own parse errors

QUICK = ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("quick", "--hosted-per-1k", "abc", "--self-hosted-per-1k", "2", "--one-time", "4"),
            "error: --hosted-per-1k abc: must be a number",
        ),
        (
            ("analyze", SEED, "--samples", "1e3"),
            "error: --samples 1e3: must be a whole number",
        ),
        (
            ("estimate", "training", "--model", "qwen2.5-7b", "--gpu", "l4", "--runs", "1.5"),
            "error: --runs 1.5: must be a whole number",
        ),
        (
            ("analyze", SEED, "--sample", "3"),
            "error: --sample: no such option of payback analyze (did you mean --samples?); "
            "allowed: --samples, --seed, --no-quality, --json, --help",
        ),
        (
            ("analyse", SEED),
            "error: analyse: no such command (did you mean analyze?); allowed: quick, analyze,",
        ),
        (("estimate", "bogus"), "error: bogus: no such command; allowed: serving, training"),
        (
            ("analyze",),
            "error: FILE: missing; payback analyze needs a file path (Scenario file",
        ),
        (
            ("quick", "--hosted-per-1k", "15"),
            "error: --self-hosted-per-1k: missing; payback quick needs a number",
        ),
        (  # the help's first sentence keeps its ellipsis (it ended "error_rate, )")
            ("solve", SEED, "--target", "npv_usd=0"),
            "error: --vary: missing; payback solve needs text (The input to solve for, as a "
            "dotted path, as payback sensitivity FILE lists a file's inputs: "
            "traffic.requests_per_month, alternatives.0.usd_per_gpu_hour, "
            "alternatives.0.quality.error_rate, alternatives.0.tpot_ms, ...)",
        ),
        (("quick", "--hosted-per-1k"), "error: --hosted-per-1k: needs a value (a number)"),
        (("catalog", "gpus", "--search"), "error: --search: needs a value (text)"),
        (
            ("explain", SEED, "extra"),  # analyze takes several files: extra is one
            "error: extra: unexpected argument; payback explain takes FILE and options",
        ),
        (
            ("analyze", SEED, "--seed", "\x1b[2Jx"),
            "error: --seed '\\x1b[2Jx': must be a whole number",  # shown escaped
        ),
    ],
)
def test_parse_errors_are_one_line_with_the_option_value_and_what_is_allowed(
    args: tuple[str | Path, ...], line: str
) -> None:
    assert one_error(*run(*args)).startswith(line)


def test_help_and_bare_groups_still_show_the_help() -> None:
    code, out, _ = run("analyze", "--help")
    assert code == 0
    assert "Usage: payback analyze" in out
    code, out, _ = run("estimate")
    assert code == 2
    assert "Usage: payback estimate" in out


# ------------------------------------------------------------------ Ctrl-C and bugs


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import payback.finance.quick as quick

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(quick, "quick_break_even", interrupted)
    line = one_error(*run(*QUICK), expected_code=130)
    assert line == "error: interrupted (Ctrl-C); no file was left half-written"


def test_a_bug_is_one_line_asking_for_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    import payback.finance.quick as quick

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(quick, "quick_break_even", broken)
    monkeypatch.delenv("PAYBACK_DEBUG", raising=False)
    line = one_error(*run(*QUICK), expected_code=1)
    assert line.startswith("error: internal error: ZeroDivisionError: float division by zero")
    assert "please report it" in line
    assert "--debug or PAYBACK_DEBUG=1 shows the traceback" in line


@pytest.mark.parametrize("how", ["flag after the command", "flag first", "environment"])
def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    import payback.finance.quick as quick

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(quick, "quick_break_even", broken)
    args: tuple[str, ...] = QUICK
    env: dict[str, str] = {}
    if how == "flag after the command":
        args = (*QUICK, "--debug")
    elif how == "flag first":
        args = ("--debug", *QUICK)
    else:
        env = {"PAYBACK_DEBUG": "1"}
    code, _, err = run(*args, env=env)
    assert code == 1
    assert "Traceback (most recent call last)" in err
    assert "ZeroDivisionError" in err
    assert err.strip().splitlines()[-1].startswith("error: internal error:")


def test_debug_changes_nothing_when_all_goes_well() -> None:
    assert run(*QUICK, "--debug") == run(*QUICK)


# ------------------------------------------------------------------ warnings and terminal output


def test_library_warnings_become_notes_and_numpy_ones_are_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import numpy as np

    import payback.finance.quick as quick

    real = quick.quick_break_even

    def noisy(*args: float) -> object:
        warnings.warn("Glyph 128512 missing from font(s) DejaVu Sans.", UserWarning, stacklevel=1)
        warnings.warn("Glyph 128512 missing from font(s) DejaVu Sans.", UserWarning, stacklevel=1)
        with np.errstate(all="warn"):
            np.float64(1.0) / np.float64(0.0)
        return real(*args)

    monkeypatch.setattr(quick, "quick_break_even", noisy)
    code, out, err = run(*QUICK)
    assert code == 0
    assert out.splitlines()[0] == "Break even after ~30,769 requests"
    assert err == "note: Glyph 128512 missing from font(s) DejaVu Sans.\n"


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    text = SEED.read_text().replace(
        'name = "fine-tuned small model"',
        'name = "fine-tuned \\u001b]0;pwned\\u0007\\u001b[2J model"',
    )
    path = tmp_path / "ansi.toml"
    path.write_text(text)
    for command in ("analyze", "explain"):  # a name is one line: refused, quoted escaped
        code, out, err = run(command, path)
        assert code == 2, err
        assert "alternatives.0.name: 'fine-tuned \\x1b]0;pwned\\x07\\x1b[2J model': a line " in err
        for text in (out, err):
            assert not any(ord(c) < 32 and c not in "\n\t" for c in text)


# ------------------------------------------------------------------ serve


@pytest.fixture
def no_page(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """``payback serve`` without starting Streamlit: the commands it would run."""
    import payback.cli.serve as serve

    started: list[list[str]] = []

    def execv(path: str, argv: list[str]) -> None:
        started.append(argv)

    monkeypatch.setattr(serve.os, "execv", execv)
    return started


@pytest.mark.parametrize(
    ("host", "fragment"),
    [
        ("", "error: --host '': must be an address, such as 127.0.0.1"),
        ("   ", "error: --host '   ': must be an address"),
        ("999.1.1.1", "error: --host 999.1.1.1: not an address this machine has"),
    ],
)
def test_serve_refuses_an_address_it_cannot_listen_on(
    no_page: list[list[str]], host: str, fragment: str
) -> None:
    line = one_error(*run("serve", "--host", host, "--port", "8599"))
    assert line.startswith(fragment)
    assert no_page == []


def test_serve_with_its_port_in_use_is_one_line_and_exit_2(no_page: list[list[str]]) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = one_error(*run("serve", "--port", str(port)))
    assert (
        line
        == f"error: --port {port}: in use by another program on 127.0.0.1; give another with --port"
    )
    assert no_page == []


def test_serve_starts_the_page_on_a_free_port(no_page: list[list[str]]) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, err = run("serve", "--port", str(port))
    assert code == 0, err
    assert len(no_page) == 1
    assert "--server.port" in no_page[0]


# ------------------------------------------------------------------ odd inputs, one line each


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--method", "dpo"), "error: --method dpo: calibrate measures lora or full fine-tuning"),
        (("--context", "5"), "error: --context 5: must be 16 to"),
        (("--seconds", "-1"), "error: --seconds -1: must be > 0"),
        (("--device", "tpu"), "error: --device tpu: must be cuda or cpu"),
    ],
)
def test_calibrate_says_a_bad_option_before_it_needs_pytorch(
    monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], line: str
) -> None:
    import payback.measure.timing as timing
    from payback import PaybackError

    def missing() -> None:
        raise PaybackError("payback calibrate needs PyTorch, an optional dependency")

    monkeypatch.setattr(timing, "torch_module", missing)
    assert one_error(*run("calibrate", "--model", "qwen2.5-0.5b", *args)).startswith(line)
    # with good options, the missing PyTorch is what it says
    assert "needs PyTorch" in one_error(*run("calibrate", "--model", "qwen2.5-0.5b"))


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e400", "1e30"])
def test_a_nan_or_huge_size_in_a_config_json_is_one_line(tmp_path: Path, value: str) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        '{"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, '
        f'"vocab_size": 1000, "intermediate_size": {value}}}'
    )
    line = one_error(*run("estimate", "serving", "--model", config, "--gpu", "l4"))
    assert "intermediate_size" in line
    assert "Traceback" not in line


@pytest.mark.slow  # a report with its charts
def test_names_are_escaped_in_the_markdown_report(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    name = "<script>alert(1)</script> *bold* [link](http://example.com) | pipe"
    text = SEED.read_text().replace('name = "fine-tuned small model"', f'name = "{name}"')
    scenario = tmp_path / "xss.toml"
    scenario.write_text(text)
    report = tmp_path / "r.md"
    code, _, err = run("report", scenario, "-o", report)
    assert code == 0, err
    markdown = report.read_text()
    assert "<script>" not in markdown
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<script>" not in html
    assert "<a href" not in html  # the name's link is text
    assert "<em>" not in html.split("<h2>")[0]  # nor its emphasis
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *bold* [link](http://example.com) | pipe" in html


def test_a_matplotlib_warning_is_a_note_not_a_leak(tmp_path: Path) -> None:
    text = SEED.read_text().replace("fine-tuned small model", "fine-tuned \U0001f680 model")
    scenario = tmp_path / "emoji.toml"
    scenario.write_text(text)
    code, out, err = run("report", scenario, "-o", tmp_path / "chart.png")
    assert code == 0, err
    assert out.startswith("Wrote ")
    assert "UserWarning" not in err
    assert "fig.savefig" not in err
    for line in err.strip().splitlines():
        assert line.startswith("note: "), line


@pytest.mark.parametrize("command", ["analyze", "explain", "sensitivity", "recommend"])
def test_a_name_that_looks_like_rich_markup_is_shown_as_it_is(tmp_path: Path, command: str) -> None:
    """Found by hand after the fuzz test: "[/]" in a name was an internal error (MarkupError)."""
    name = "a [/] b [bold red]x"
    source = EXAMPLES / ("quarter-200k.toml" if command == "recommend" else "seed.toml")
    old = (
        'name = "fine-tuned 7B on one rented L4"'
        if command == "recommend"
        else 'name = "fine-tuned small model"'
    )
    text = source.read_text()
    assert old in text
    path = tmp_path / "markup.toml"
    path.write_text(text.replace(old, f'name = "{name}"'))
    args: list[str | Path] = [command, path]
    if command == "recommend":
        args += ["--model", "qwen2.5-7b"]
    code, out, err = run(*args)
    assert code == 0, err
    assert name in " ".join(out.split()) or name in out


def test_serve_lets_the_uploader_take_more_than_a_scenarios_limit(
    no_page: list[list[str]],
) -> None:
    """The page was started with Streamlit's cap at the scenario's limit, 10: Streamlit
    counts it in MB (10**6 bytes) in the browser, so a scenario of 10,000,001 to 10,485,760
    bytes, which every command reads, was refused there, and a larger one never reached the
    page's own line. The cap is now twice the limit, in whole MB: 21, 21,000,000 bytes in
    the browser and 21 MiB on the server, both over 10 MiB; the page refuses what is over
    it (tests/web/test_page_upload_limit.py)."""
    from payback.limits import MAX_SCENARIO_BYTES

    code, _, err = run("serve", "--port", "8597")
    assert code == 0, err
    (argv,) = no_page
    assert argv[argv.index("--server.maxUploadSize") + 1] == "21"
    assert MAX_SCENARIO_BYTES == 10 * 2**20
    assert 2 * MAX_SCENARIO_BYTES <= 21 * 10**6


@pytest.mark.parametrize(
    ("day", "rule"),
    [("9999-12-31", "must be ≤ 2199-12-31"), ("0001-01-01", "must be ≥ 1970-01-01")],
)
def test_a_start_date_outside_what_a_log_can_hold_is_one_line(
    tmp_path: Path, day: str, rule: str
) -> None:
    """A start date of 9999-12-31 answered with genai-prices' prices 'on 9999-12-31' and a
    comparison to about year 10049, where usage --since refuses a day past 2199 (tried as a
    new user would); the same days bound both."""
    text = (EXAMPLES / "catalog-ids.toml").read_text()
    assert text.count("start_date = ") == 1
    path = tmp_path / "far.toml"
    path.write_text(
        "\n".join(
            f"start_date = {day}" if line.startswith("start_date = ") else line
            for line in text.splitlines()
        )
    )
    line = one_error(*run("analyze", path))
    assert line == f"error: {path}: scenario.start_date = {day}: {rule}"
    edge = tmp_path / "edge.toml"
    edge.write_text(path.read_text().replace(f"start_date = {day}", "start_date = 2199-12-31"))
    code, _, err = run("analyze", edge)
    assert code == 0, err
