"""A scenario with several problems says each in one run (tried as a new user would): a file
with requests −1, the model ``qwen9-7b`` and the GPU ``l5`` said only the requests; fixed,
only the GPU; fixed, then the model."""

from __future__ import annotations

from pathlib import Path

from helpers import TESTS, assert_user_error, run
from payback.analysis.ids import unknown_ids

MODEL = (
    "alternatives.0.model: unknown model 'qwen9-7b'; did you mean qwen2.5-7b, qwen3-1.7b, qwen3-4b?"
)
GPU = "alternatives.0.gpu: unknown GPU 'l5'; did you mean l4?"


def _mistyped(tmp_path: Path, requests: str) -> Path:
    """The file as the trial wrote it (the starter with the three problems), its requests
    replaced by ``requests``."""
    text = (TESTS / "data" / "three_problems.toml").read_text(encoding="utf-8")
    path = tmp_path / "m.toml"
    path.write_text(text.replace("requests_per_month = -1", f"requests_per_month = {requests}"))
    return path


def _lines(err: str) -> list[str]:
    return [line.split(" (known: ")[0] for line in err.strip().splitlines()]


def test_a_schema_error_and_two_unknown_ids_are_said_together(tmp_path: Path) -> None:
    path = _mistyped(tmp_path, "-1")
    for command in ("analyze", "explain", "sensitivity"):
        code, out, err = run(command, path)
        assert_user_error(code, out, err)
        assert _lines(err) == [
            f"error: {path}: traffic.requests_per_month = -1: must be > 0",
            f"error: {path}: {MODEL}",
            f"error: {path}: {GPU}",
        ], command


def test_two_unknown_ids_of_a_valid_file_are_said_together(tmp_path: Path) -> None:
    path = _mistyped(tmp_path, "200000")
    code, out, err = run("analyze", path, "--json")
    assert_user_error(code, out, err)
    assert _lines(err) == [f"error: {path}: {MODEL}", f"error: {path}: {GPU}"]


def test_known_ids_and_other_kinds_are_not_checked() -> None:
    """A hosted API's ``model`` is an API model (another catalog); a number is the schema's
    to refuse; a training job's ids are checked as the options' are."""
    table = {
        "baseline": {"kind": "hosted_api", "model": "gpt-9"},
        "alternatives": [
            {"kind": "self_hosted", "model": "qwen2.5-7b", "gpu": 4},
            {"kind": "per_request", "one_time": {"training": {"model": "x", "gpu": "h100-sxm"}}},
        ],
    }
    assert [line.split(";")[0].split(" (known")[0] for line in unknown_ids(table)] == [
        "alternatives.1.one_time.training.model: unknown model 'x'"
    ]
