"""A scenario with several problems says each in one run (tried as a new user would): a file
with requests −1, the model ``qwen9-7b`` and the GPU ``l5`` said only the requests; fixed,
only the GPU; fixed, then the model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    """A number is the schema's to refuse; a training job's ids are checked as the options'
    are; a hosted API's ``model`` is checked in genai-prices' catalog of API models."""
    table = {
        "baseline": {"kind": "hosted_api", "model": "openai:gpt-4o"},
        "alternatives": [
            {"kind": "self_hosted", "model": "qwen2.5-7b", "gpu": 4},
            {"kind": "per_request", "one_time": {"training": {"model": "x", "gpu": "h100-sxm"}}},
        ],
    }
    assert [line.split(";")[0].split(" (known")[0] for line in unknown_ids(table)] == [
        "alternatives.1.one_time.training.model: unknown model 'x'"
    ]


# Each line as the resolution says it when the file has that problem alone (the words
# before this change, one run per problem), and as read_scenario says it with a schema error.
API = (
    "baseline.model: unknown API model 'openai:gpt-4q'; did you mean openai:gpt-4, "
    "openai:gpt-4o, openai:gpt-4.1? (payback catalog apis --search TEXT lists them)"
)
TUNED = (
    "alternatives.0.fine_tuned: unknown hosted fine-tuning offer 'openai.gpt-4o-minj'; "
    "did you mean openai.gpt-4o-mini, openai.gpt-4.1-mini, openai.gpt-4o?"
)
GPU_1 = "alternatives.1.gpu: unknown GPU 'l5'; did you mean l4?"
PROVIDERS = [  # a provider no GPU lists is said whatever the GPU (it suggested modal for l4)
    f"alternatives.{i}.gpu_provider = 'lambdax': unknown provider; did you mean 'lambda'?"
    for i in (1, 2)
]
JOB = (
    "alternatives.2.one_time.training.hosted: unknown hosted fine-tuning offer "
    "'openai.gpt-4o-mimi'; did you mean openai.gpt-4o-mini, openai.gpt-4.1-mini, openai.gpt-4o?"
)
HOSTED_IDS = """[scenario]
name = "every id at once"
horizon_months = 24

[traffic]
requests_per_month = REQUESTS
input_tokens = 2000
output_tokens = 400

[baseline]
name = "hosted"
kind = "hosted_api"
model = "openai:gpt-4q"

[[alternatives]]
name = "tuned on the API"
kind = "hosted_api"
fine_tuned = "openai.gpt-4o-minj"

[[alternatives]]
name = "a 7B on a mistyped GPU"
kind = "self_hosted"
model = "qwen2.5-7b"
gpu = "l5"
gpu_provider = "lambdax"          # said: no GPU of the catalog lists it

[[alternatives]]
name = "a 7B on an L4, tuned by a hosted job"
kind = "self_hosted"
model = "qwen2.5-7b"
gpu = "l4"
gpu_provider = "lambdax"

[alternatives.one_time.training]
hosted = "openai.gpt-4o-mimi"
examples = 2000
tokens_per_example = 500
"""


def test_hosted_and_training_ids_are_said_with_the_others(tmp_path: Path) -> None:
    """Tried as a new user would: a mistyped API model, fine-tuned offer, GPU, provider and
    hosted training offer were said one a run (the API model first, then the offer, ...);
    each is said at once now, with a schema error too, in the words it had alone."""
    path = tmp_path / "ids.toml"
    for requests, schema in (
        ("200000", []),
        ("-1", ["traffic.requests_per_month = -1: must be > 0"]),
    ):
        path.write_text(HOSTED_IDS.replace("REQUESTS", requests), encoding="utf-8")
        code, out, err = run("analyze", path)
        assert_user_error(code, out, err)
        assert _lines(err) == [
            f"error: {path}: {line}" for line in [*schema, API, TUNED, GPU_1, *PROVIDERS, JOB]
        ]


def test_a_provider_is_checked_where_its_rent_is_looked_up() -> None:
    """A ``gpu_provider`` beside a given ``usd_per_gpu_hour`` (or owned servers, or a job's
    given ``training_usd``) is not read: the resolution warns so and refuses nothing."""
    rented = {"kind": "self_hosted", "model": "qwen2.5-7b", "gpu": "l4", "gpu_provider": "x"}
    job = {"model": "qwen2.5-7b", "gpu": "l4", "gpu_provider": "x", "examples": 1}
    table = {
        "alternatives": [
            rented,
            rented | {"usd_per_gpu_hour": 0.8},
            rented | {"owned": {"usd_per_server": 1.0, "gpus_per_server": 1}},
            {"kind": "per_request", "one_time": {"training": job}},
            {"kind": "per_request", "one_time": {"training": job, "training_usd": 40.0}},
            {"kind": "per_request", "one_time": {"training": job | {"usd_per_gpu_hour": 1.0}}},
        ]
    }
    assert _lines("\n".join(unknown_ids(table))) == [
        "alternatives.0.gpu_provider = 'x': unknown provider",
        "alternatives.3.one_time.training.gpu_provider = 'x': unknown provider",
    ]
    table["alternatives"][0]["gpu_provider"] = "lambda"  # listed, but it rents no L4
    assert unknown_ids(table)[0] == (
        "alternatives.0.gpu_provider: no l4 price from 'lambda' (listed: aws, modal)"
    )


def test_a_workloads_own_ids_are_checked() -> None:
    """A workload's own baseline and training job name ids as the options do."""
    table = {
        "workloads": [
            {"name": "a", "baseline": {"kind": "hosted_api", "fine_tuned": "openai.x"}},
            {"name": "b", "one_time": {"training": {"hosted": "together.y", "examples": 1}}},
        ]
    }
    assert [line.split(";")[0].split(" (known")[0] for line in unknown_ids(table)] == [
        "workloads.0.baseline.fine_tuned: unknown hosted fine-tuning offer 'openai.x'",
        "workloads.1.one_time.training.hosted: unknown hosted fine-tuning offer 'together.y'",
    ]


def test_api_models_alone_read_no_catalog_file() -> None:
    """An API model is genai-prices': a table that names only those asks for no catalog."""

    def no_catalog() -> Any:
        raise AssertionError("the catalog was read")

    table = {"baseline": {"kind": "hosted_api", "model": "gpt-9"}}
    assert [line.split(";")[0] for line in unknown_ids(table, None, no_catalog)] == [
        "baseline.model: unknown API model 'gpt-9'"
    ]


PORTFOLIO = """[scenario]
name = "tasks"
horizon_months = 24

[baseline]
name = "hosted"
kind = "hosted_api"
model = "openai:gpt-4q"

[[alternatives]]
name = "tuned"
kind = "hosted_api"
fine_tuned = "openai.gpt-4o-mini"

[[workloads]]
name = "a"
traffic = { requests_per_month = 100000, input_tokens = 1000, output_tokens = 100 }
one_time = { training = { hosted = "openai.gpt-4o-mimi", examples = 100, tokens_per_example = 100 } }
alternatives.tuned = { fine_tuned = "openai.gpt-4o-minj" }

[[workloads]]
name = "b"
traffic = { requests_per_month = 100000, input_tokens = 1000, output_tokens = 100 }
"""


def test_a_portfolios_ids_are_said_together(tmp_path: Path) -> None:
    """A workload's own training job was priced after every other check, its mistyped
    offer said alone (and without the file's name); a workload's fine-tuned offer was
    said only once the baseline's API model was mended."""
    path = tmp_path / "tasks.toml"
    path.write_text(PORTFOLIO, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert (
        [line.split(";")[0] for line in err.strip().splitlines()]
        == [
            f"error: {path}: {API.split(';')[0]}",  # the baseline every workload uses, said once
            f"error: {path}: workloads.0.alternatives.tuned.{TUNED.split(';')[0][15:]}",
            f"error: {path}: workloads.0.{JOB.split(';')[0].removeprefix('alternatives.2.')}",
        ]
    )


def _catalog_ids(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """examples/catalog-ids.toml with each (line, replacement) made."""
    text = (TESTS.parent / "examples" / "catalog-ids.toml").read_text(encoding="utf-8")
    for line, new in edits:
        assert text.count(line) == 1
        text = text.replace(line, new)
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


SERVED = '\nmodel = "llama-3.1-8b"\n'


def test_a_models_list_is_said_with_the_other_ids_in_a_models_words(tmp_path: Path) -> None:
    """``models`` (what recommend chooses among) with a mistyped id, beside an unknown field
    and a mistyped GPU: recommend said the field and the GPU, then (fixed) the model. Its
    line is the one a single bad ``model`` gets, named ``models`` as recommend names it."""
    alone = _catalog_ids(tmp_path, (SERVED, '\nmodel = "qwen9-7b"\n'))
    code, out, err = run("analyze", alone)
    assert_user_error(code, out, err)
    (single,) = _lines(err)
    words = single.split(".model: ", 1)[1]
    assert words == "unknown model 'qwen9-7b'; did you mean qwen2.5-7b, qwen3-1.7b, qwen3-4b?"
    listed = f'{SERVED}models = ["llama-3.1-8b", "qwen9-7b", "qwen9-7b"]\nmystery = 1\n'
    path = _catalog_ids(tmp_path, (SERVED, listed), ('gpu = "l40s"', 'gpu = "l5"'))
    for command in ("recommend", "analyze"):
        code, out, err = run(command, path)
        assert_user_error(code, out, err)
        lines = _lines(err)
        assert lines[1:] == [
            f"error: {path}: alternatives.0.models: {words}",
            f"error: {path}: {GPU}",
        ], command
        assert lines[0].startswith(f"error: {path}: alternatives.0.mystery: unknown field")


def test_each_unknown_id_of_a_models_list_is_said_once() -> None:
    table = {
        "alternatives": [
            {"kind": "self_hosted", "models": ["qwen2.5-7b", "x", 3, "y", "x"], "gpu": "l4"}
        ]
    }
    assert [line.split(" (known")[0].split(";")[0] for line in unknown_ids(table)] == [
        "alternatives.0.models: unknown model 'x'",
        "alternatives.0.models: unknown model 'y'",
    ]
