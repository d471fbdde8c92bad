"""``recommend --apply`` on an alternative written as a one-line table, tried as a new user
would: the note said the replaced values were "kept as comments in the file", but the
old ``gpu = "l40s"`` was just gone (a comment inside the braces would end the line
unclosed), and in YAML the note quoted a piece of the line (``gpu: l40s, tpot_ms: 40,
min_replicas: 2}]``). They stay as a comment at the end of the table's line."""

from __future__ import annotations

from pathlib import Path

from helpers import TESTS, run
from payback.scenario import load_scenario

TOML = TESTS / "data" / "inline_alternative.toml"
REST = """scenario: {name: inline, horizon_months: 12}
traffic: {requests_per_month: 1000000, input_tokens: 1200, output_tokens: 250}
baseline: {name: api, kind: hosted_api, input_usd_per_mtok: 2.5, output_usd_per_mtok: 10.0}
"""
MINE = "kind: self_hosted, model: llama-3.1-8b, gpu: l40s, tpot_ms: 40, min_replicas: 2"
OTHER = (
    "{name: other, kind: self_hosted, model: llama-3.1-8b, gpu: l4, usd_per_gpu_hour: 0.8, "
    "replica_requests_per_s: 2.0}"
)
WINNER = (
    "model: llama-3.1-8b, gpu: l4, tpot_ms: 40, min_replicas: 2, precision: int4, "
    "gpus_per_replica: 1"
)


def _applied(tmp_path: Path, source: Path, *flags: str) -> tuple[list[str], str]:
    out = tmp_path / f"new{source.suffix}"
    code, _, err = run("recommend", source, *flags, "--apply", "-o", out, "--force")
    assert code == 0, err
    load_scenario(out)  # analyze reads it
    return out.read_text(encoding="utf-8").splitlines(), err


def test_a_toml_one_line_alternative_keeps_the_old_gpu_after_its_line(tmp_path: Path) -> None:
    lines, err = _applied(tmp_path, TOML)
    assert lines[0].startswith('alternatives = [ { name = "self on L4", kind = "self_hosted"')
    assert lines[0].endswith(
        'gpus_per_replica = 1} ]  # replaced by payback recommend: gpu = "l40s"'
    )
    assert 'replaced by the winner (kept as comments in the file): gpu = "l40s"' in err


def test_one_of_several_on_lines_of_an_array_is_named_after_its_comment(tmp_path: Path) -> None:
    text = TOML.read_text(encoding="utf-8").splitlines()
    alternative = text[0].removeprefix("alternatives = [ ").removesuffix(" ]")
    source = tmp_path / "two.toml"
    source.write_text(
        "alternatives = [\n"
        '  { name = "other", kind = "self_hosted", usd_per_gpu_hour = 0.8, '
        "replica_requests_per_s = 2.0 },\n"
        f"  {alternative.replace('tpot_ms', 'usd_per_gpu_hour = 1.5, tpot_ms')},\n"
        "]  # two ways\n" + "\n".join(text[1:]) + "\n",
        encoding="utf-8",
    )
    lines, err = _applied(tmp_path, source, "--alternative", "1")
    assert lines[3] == (
        "]  # two ways; alternatives.1: replaced by payback recommend: "
        'gpu = "l40s"; usd_per_gpu_hour = 1.5'
    )
    assert ': gpu = "l40s"; usd_per_gpu_hour = 1.5' in err


def test_a_yaml_one_line_alternative_keeps_them_too(tmp_path: Path) -> None:
    source = tmp_path / "flow.yaml"
    source.write_text(REST + f"alternatives: [{{name: self on L40S, {MINE}}}]\n")
    lines, err = _applied(tmp_path, source)
    assert lines[3].startswith(f"alternatives: [{{name: self on L4, kind: self_hosted, {WINNER}}}]")
    assert lines[3].endswith("  # replaced by payback recommend: gpu: l40s")
    assert "replaced by the winner (kept as comments in the file): gpu: l40s\n" in err
    # one of a block list's one-line items: at the end of its own line
    source.write_text(
        REST
        + f"alternatives:\n  - {OTHER}  # kept\n"
        + f"  - {{name: self on L40S, {MINE}, usd_per_gpu_hour: 1.5}}\n"
    )
    lines, err = _applied(tmp_path, source, "--alternative", "1")
    assert lines[4] == f"  - {OTHER}  # kept"
    assert lines[5].startswith(f"  - {{name: self on L4, kind: self_hosted, {WINNER}}}")
    assert lines[5].endswith("# replaced by payback recommend: gpu: l40s; usd_per_gpu_hour: 1.5")
