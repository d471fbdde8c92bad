"""A new user's first tries, each said plainly: a GPU's rent and its source without nested
parentheses, the training GPU limit said as a count of GPUs, ``usage`` alive on a terminal,
``--swing``'s open range, ``init`` then ``recommend`` working, the README's writers and
``-h``, and ``init newdir/`` said as a folder's name. Tried as a new user would."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import ENV, EXAMPLES, ROOT, assert_user_error, run
from payback.cli import app


def _row(out: str, label: str) -> str:
    """A table row, its wrapped lines (indented past the labels) joined, label dropped."""
    lines = out.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.strip().startswith(label + "  ")]
    row = [lines[at]]
    for line in lines[at + 1 :]:
        if not line.startswith(" " * 6):
            break
        row.append(line)
    return " ".join(" ".join(row).split())[len(label) :].strip()


def _deepest(text: str) -> int:
    """How deep parentheses nest in ``text``."""
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


# ------------------------------------------------------------------ 1. a rent's source


def test_a_serving_rent_and_its_source_nest_no_parentheses() -> None:
    """It read "$1.09/h (runpod, checked 2026-09-25 (https://www.runpod.io/pricing))"."""
    args = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s")
    code, out, err = run(*args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["usd_per_gpu_hour"] == 1.09
    source = data["price_source"]
    assert source.startswith("runpod, checked ")
    assert source.endswith(" (https://www.runpod.io/pricing)")
    code, out, err = run(*args)
    assert code == 0, err
    row = _row(out, "GPU price")
    assert row == f"$1.09/h: {source}"
    assert _deepest(row) == 1


def test_a_training_cost_and_its_source_nest_no_parentheses() -> None:
    args = ("estimate", "training", "--model", "qwen3-8b", "--gpu", "h100-sxm")
    args += ("--method", "lora", "--tokens", "5e7")
    code, out, err = run(*args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["usd_per_gpu_hour"] == 3.99
    source = data["price_source"]
    code, out, err = run(*args)
    assert code == 0, err
    row = _row(out, "cost")
    assert row == f"{'$' + format(data['usd'], ',.2f')} for 1 run at $3.99/GPU-h: {source}"
    assert _deepest(row) == 1
    code, out, err = run(*args, "--usd-per-gpu-hour", "2")  # a rent given: "(given)"
    assert code == 0, err
    assert _row(out, "cost").endswith("for 1 run at $2.00/GPU-h (given)")


# ------------------------------------------------------------------ 2. the GPU limit


def test_the_training_gpu_limit_says_it_counts_gpus() -> None:
    """5e7 tokens over the default 3 epochs are 36,621 whole sequences of 4,096 tokens
    (1.5e8 / 4,096 = 36,621.09): at most that many GPUs, one sequence each a step. It read "(at most 12,207: one sequence
    per GPU a step)", not saying what was counted."""
    args = ("estimate", "training", "--model", "qwen3-8b", "--gpu", "h100-sxm")
    code, out, err = run(*args, "--method", "lora", "--tokens", "5e7")
    assert code == 0, err
    assert _row(out, "GPUs") == (
        "1 × h100-sxm, 23.0 GiB each (could spread over up to 36,621 GPUs: one sequence per "
        "GPU per step)"
    )
    code, out, err = run(*args, "--method", "lora", "--tokens", "4096", "--epochs", "1")
    assert code == 0, err
    assert _row(out, "GPUs").endswith(
        "(could spread over up to 1 GPU: one sequence per GPU per step)"
    )


# ------------------------------------------------------------------ 3. usage's sign of life


def _logs(folder: Path) -> Path:
    """One request an hour through January and February 2026, none of it cached (a cached
    column of zeros: without one, a note says the cached share is not measured)."""
    rows = [f"2026-01-{1 + h // 24:02d}T{h % 24:02d}:00:00Z,1000,200,0" for h in range(31 * 24)]
    rows += [f"2026-02-{1 + h // 24:02d}T{h % 24:02d}:00:00Z,1000,200,0" for h in range(28 * 24)]
    logs = folder / "requests.csv"
    logs.write_text("timestamp,input_tokens,output_tokens,cached_tokens\n" + "\n".join(rows) + "\n")
    return logs


def _usage(monkeypatch: pytest.MonkeyPatch, terminal: bool, *args: Any) -> tuple[int, str, str]:
    """``payback usage ARGS`` with a scan that takes 0.3 s, every piece of work counted as
    long; ``terminal``: stderr is a terminal (as test_terminal's progress tests run it)."""
    import payback.cli._common as common
    import payback.measure.usage as usage_module

    scan = usage_module.profile_usage

    def slow(*a: Any, **k: Any) -> Any:
        time.sleep(0.3)  # a million rows, as a new user's logs took 5 to 30 s
        return scan(*a, **k)

    monkeypatch.setattr(usage_module, "profile_usage", slow)
    monkeypatch.setattr(common, "PROGRESS_AFTER_S", 0.0)
    env = ENV | {"COLUMNS": "100", "TERM": "xterm"} | ({"FORCE_COLOR": "1"} if terminal else {})
    result = CliRunner(env=env).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_usage_shows_it_is_reading_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    logs = _logs(tmp_path)
    code, out, err = _usage(monkeypatch, True, "usage", logs)
    assert code == 0, err
    assert "reading the logs" in err  # the bar, on stderr
    assert "reading the logs" not in out
    assert "requests" in out
    code, out, err = _usage(monkeypatch, False, "usage", logs)  # a pipe, a test
    assert code == 0
    assert err == ""
    code, out, err = _usage(monkeypatch, True, "usage", logs, "--json")  # for scripts
    assert code == 0
    assert err == ""
    assert json.loads(out)["rows"]["used"] == (31 + 28) * 24  # 1,416: one an hour


# ------------------------------------------------------------------ 4. --swing's range


@pytest.mark.parametrize("swing", ["0", "1", "-0.1"])
def test_a_swing_at_either_end_is_said_as_an_open_range(swing: str) -> None:
    """``--swing 0`` was refused as "must be between 0 and 1", which 0 is."""
    code, out, err = run("sensitivity", EXAMPLES / "quarter-uncertain.toml", "--swing", swing)
    assert_user_error(code, out, err)
    assert err == f"error: --swing {swing}: must be at least 0.001 and less than 1 (0.25: ±25%)\n"


@pytest.mark.parametrize("swing", ["1e-300", "0.0009"])
def test_a_swing_too_small_to_move_an_input_is_refused(swing: str) -> None:
    """``--swing 1e-300`` answered with the two assumed rates alone: every other input, the
    requests included, left the ranking without a word (tried as a new user would)."""
    code, out, err = run("sensitivity", EXAMPLES / "quarter-200k.toml", "--swing", swing)
    assert_user_error(code, out, err)
    assert err == f"error: --swing {swing}: must be at least 0.001 and less than 1 (0.25: ±25%)\n"
    code, out, err = run("sensitivity", EXAMPLES / "quarter-200k.toml", "--swing", "0.001")
    assert code == 0, err
    assert "traffic.requests_per_month" in out


# ------------------------------------------------------------------ 5. init, then recommend


def test_init_then_recommend_says_the_line_to_add_and_then_works(tmp_path: Path) -> None:
    """``init`` then ``recommend``: the starter names no model (naming one would change
    every example's answer text), so recommend's one line says the exact line to add and
    where; added as said, recommend ranks configurations for it."""
    scenario = tmp_path / "scenario.toml"
    assert run("init", scenario)[0] == 0
    code, out, err = run("recommend", scenario)
    assert_user_error(code, out, err, "alternatives.0.model: recommend needs the model to serve")
    line = re.search(r'give (model = "([\w.-]+)")', err)
    assert line is not None, err
    assert line.group(2) == "qwen2.5-7b"  # the starter's 7B, as its replica_requests_per_s says
    text = scenario.read_text()
    assert 'kind = "self_hosted"\n' in text
    scenario.write_text(
        text.replace('kind = "self_hosted"\n', f'kind = "self_hosted"\n{line[1]}\n')
    )
    code, out, err = run("recommend", scenario, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["models"] == ["qwen2.5-7b"]
    assert data["best"]["model"] == "qwen2.5-7b"
    code, out, err = run("analyze", scenario, "--json")  # the model changes no figure
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["break_even_month"] == pytest.approx(13.37, abs=0.005)


# ------------------------------------------------------------------ 6. the README


def test_the_readme_says_every_writer_makes_a_missing_folder_and_h_is_help() -> None:
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "Every command takes `--help` (`-h` is the same)" in text
    assert (
        "Every command that writes a file makes a missing folder in its path once there is "
        "something to write: `init`, `usage -o`, `recommend --apply -o`, `import-benchmark -o`, "
        "`calibrate -o` and `report -o`."
    ) in text


# ------------------------------------------------------------------ 7. init newdir/


@pytest.mark.parametrize("name", ["newdir/", "a/b/"])
def test_init_of_a_folders_name_asks_for_a_file_name(tmp_path: Path, name: str) -> None:
    """``init newdir/`` said "not a name without an extension": the slash was lost."""
    target = f"{tmp_path}/{name}"
    code, out, err = run("init", target)
    assert_user_error(code, out, err)
    shown = Path(target) / "scenario.toml"
    assert err == (
        f"error: {target}: a folder's name (it ends with /); give a file name such as {shown}\n"
    )
    assert list(tmp_path.iterdir()) == []  # nothing made
    code, out, err = run("init", shown)  # as told
    assert code == 0, err
    assert shown.is_file()
