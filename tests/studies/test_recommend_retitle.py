"""``recommend --apply`` on a scenario of several alternatives whose name does not hold the
recommended alternative's: the GPU, model or precision the winner replaces is rewritten in
``[scenario] name`` where the name mentions it and it is that alternative's alone; where
another alternative has it too, the name is left with a comment above it. Tried as a new
user would: ``recommend examples/catalog-ids.toml --apply`` renamed the alternative to
"... INT4 on rented L4" and left the scenario "... Llama 3.1 8B on L40S"."""

from __future__ import annotations

import tomllib
from pathlib import Path

from helpers import EXAMPLES, run
from payback.studies.retitle import with_title_comment

IDS = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
TITLE = "ids only: gpt-4o vs fine-tuned Llama 3.1 8B on L40S, or a fine-tuned gpt-4.1-mini"


def _applied(tmp_path: Path, text: str) -> tuple[str, str]:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run("recommend", path, "--apply", "-o", tmp_path / "new.toml")
    assert code == 0, err
    return (tmp_path / "new.toml").read_text(encoding="utf-8"), " ".join(err.split())


def test_the_example_name_follows_the_winners_gpu(tmp_path: Path) -> None:
    """The winner: llama-3.1-8b int4 on 1 × l4 (examples/catalog-ids.toml)."""
    text, err = _applied(tmp_path, IDS)
    data = tomllib.loads(text)
    new = "ids only: gpt-4o vs fine-tuned Llama 3.1 8B on L4, or a fine-tuned gpt-4.1-mini"
    assert data["scenario"]["name"] == new
    assert data["alternatives"][0]["name"] == "fine-tuned Llama 3.1 8B, INT4 on rented L4"
    assert (
        f"scenario.name = {TITLE!r} is now {new!r}: it named what the winner replaces (L40S by L4)"
        in err
    )
    assert "predates" not in text


def test_a_precision_the_name_mentions_follows_too(tmp_path: Path) -> None:
    text, _ = _applied(tmp_path, IDS.replace(TITLE, "gpt-4o, or Llama 3.1 8B FP8 on L40S"))
    assert tomllib.loads(text)["scenario"]["name"] == "gpt-4o, or Llama 3.1 8B INT4 on L4"


def test_a_gpu_another_alternative_has_is_left_with_a_comment(tmp_path: Path) -> None:
    second = """
[[alternatives]]
name = "a second fleet on L40S"
kind = "self_hosted"
model = "llama-3.1-8b"
gpu = "l40s"
precision = "bf16"
"""
    text, err = _applied(tmp_path, IDS + second)
    assert tomllib.loads(text)["scenario"]["name"] == TITLE
    lines = text.splitlines()
    at = lines.index(f'name = "{TITLE}"')
    assert lines[at - 1] == (
        "# this name predates the recommendation applied: alternatives.0 now runs "
        "llama-3.1-8b int4 on 1 × l4"
    )
    assert (
        f"scenario.name = {TITLE!r} left as written: 'L40S' names what the winner replaces and "
        "another alternative too; a comment above it says the name predates the applied "
        "recommendation"
    ) in err


def test_the_comment_goes_above_the_name_in_each_form() -> None:
    note = "predates"
    assert with_title_comment('[scenario]\nhorizon_months = 3\nname = "a"\n', "toml", note) == (
        '[scenario]\nhorizon_months = 3\n# predates\nname = "a"\n'
    )
    assert with_title_comment('scenario = { name = "a" }\r\n', "toml", note) == (
        '# predates\r\nscenario = { name = "a" }\r\n'
    )
    assert with_title_comment("scenario:\n  name: a\ntraffic:\n  name: b\n", "yaml", note) == (
        "scenario:\n  # predates\n  name: a\ntraffic:\n  name: b\n"
    )
    # no name under [scenario] (the next table's is not its): left as it was
    text = '[scenario]\nhorizon_months = 3\n[baseline]\nname = "b"\n'
    assert with_title_comment(text, "toml", note) == text


def test_a_model_the_name_mentions_follows_too(tmp_path: Path) -> None:
    """Among three models the winner serves qwen2.5-7b: the catalog name "Llama 3.1 8B" in
    the scenario's name is made the winner's, as the alternative's is."""
    many = 'model = "llama-3.1-8b"\nmodels = ["llama-3.1-8b", "qwen2.5-7b", "qwen3-8b"]'
    text, _ = _applied(tmp_path, IDS.replace('model = "llama-3.1-8b"', many, 1))
    data = tomllib.loads(text)
    assert data["alternatives"][0]["model"] == "qwen2.5-7b"
    assert data["scenario"]["name"] == (
        "ids only: gpt-4o vs fine-tuned Qwen2.5 7B Instruct on L4, or a fine-tuned gpt-4.1-mini"
    )
