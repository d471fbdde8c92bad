"""``recommend --apply``: whether the training job follows the model served is one decision
(:func:`payback.studies.rewrite.training_follows`), for the file written and the note that
tells of it. They were two: the file compared the model as written with the winner as the
file names it, the note compared it with the winner's catalog id, so a model named by its
Hugging Face repo got a note of a change the file never made."""

from __future__ import annotations

from pathlib import Path

import tomlkit

from helpers import EXAMPLES, run

HF_8B = "meta-llama/Llama-3.1-8B-Instruct"
HF_70B = "meta-llama/Llama-3.1-70B-Instruct"


def _by_repo(tmp_path: Path) -> Path:
    """catalog-ids.toml with its served and trained model named by the Hugging Face repo."""
    path = tmp_path / "by-repo.toml"
    path.write_text(
        (EXAMPLES / "catalog-ids.toml").read_text().replace('"llama-3.1-8b"', f'"{HF_8B}"')
    )
    return path


def _trained(path: Path) -> str:
    return str(tomlkit.parse(path.read_text())["alternatives"][0]["one_time"]["training"]["model"])  # type: ignore[index]


def test_the_same_model_under_its_repo_name_is_no_change_in_file_or_note(tmp_path: Path) -> None:
    """The winner serves the 8B the file names by its repo: nothing changes for training,
    and no note says it did (it said "... = 'meta-llama/Llama-3.1-8B-Instruct' is now
    'llama-3.1-8b'" while the file kept the repo name)."""
    source, output = _by_repo(tmp_path), tmp_path / "out.toml"
    code, _, err = run("recommend", source, "--apply", "-o", output)
    assert code == 0, err
    new = tomlkit.parse(output.read_text())["alternatives"][0]  # type: ignore[index]
    assert new["model"] == HF_8B  # type: ignore[index]
    assert _trained(output) == HF_8B
    assert "training.model" not in err


def test_another_model_moves_training_and_the_note_names_what_was_written(
    tmp_path: Path,
) -> None:
    """--model by repo name: the file writes the repo name for both models, and the note
    says that name (it said 'llama-3.1-70b', a name the file did not hold)."""
    source, output = _by_repo(tmp_path), tmp_path / "out.toml"
    code, _, err = run("recommend", source, "--model", HF_70B, "--apply", "-o", output)
    assert code == 0, err
    assert _trained(output) == HF_70B
    assert (
        f"alternatives.0.one_time.training.model = '{HF_8B}' is now '{HF_70B}': the model "
        "fine-tuned is the model served" in " ".join(err.split())
    )


def test_a_job_on_another_model_stays_in_file_and_note(tmp_path: Path) -> None:
    """A job that trains a model other than the one served (as written) stays, and is not
    said to move: the behaviour both places had."""
    path = tmp_path / "other.toml"
    path.write_text(
        (EXAMPLES / "catalog-ids.toml")
        .read_text()
        .replace('training = { model = "llama-3.1-8b"', 'training = { model = "qwen2.5-7b"')
    )
    output = tmp_path / "out.toml"
    code, _, err = run("recommend", path, "--model", "llama-3.1-70b", "--apply", "-o", output)
    assert code == 0, err
    assert _trained(output) == "qwen2.5-7b"
    assert "training.model" not in err


def test_apply_keeps_the_files_byte_order_mark_and_line_ends(tmp_path: Path) -> None:
    """A scenario saved by Notepad (a byte-order mark, CRLF): the file written keeps both,
    as usage -o does; the mark was dropped."""
    source, output = tmp_path / "notepad.toml", tmp_path / "out.toml"
    text = (EXAMPLES / "catalog-ids.toml").read_text().replace("\n", "\r\n")
    source.write_bytes(b"\xef\xbb\xbf" + text.encode())
    code, _, err = run("recommend", source, "--apply", "-o", output)
    assert code == 0, err
    written = output.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert written.count(b"\xef\xbb\xbf") == 1
    assert b"\r\n" in written
    assert b"\n" not in written.replace(b"\r\n", b"")
    assert "gpu" in tomlkit.parse(written.decode("utf-8-sig"))["alternatives"][0]  # type: ignore[operator,index]
    # without a mark, none is added
    plain = tmp_path / "plain.toml"
    plain.write_text((EXAMPLES / "catalog-ids.toml").read_text())
    code, _, err = run("recommend", plain, "--apply", "-o", output, "--force")
    assert code == 0, err
    assert not output.read_bytes().startswith(b"\xef\xbb\xbf")


MODELS = 'models = ["qwen2.5-1.5b", "qwen2.5-7b", "llama-3.1-8b"]\n'
OLD_JOB = (
    'model = "llama-3.1-8b", gpu = "h100-sxm", method = "lora", examples = 20000, '
    "tokens_per_example = 800, epochs = 3 }"
)


def _with_models(tmp_path: Path) -> Path:
    """catalog-ids.toml with the models to compare beside the model served."""
    path = tmp_path / "m.toml"
    text = (EXAMPLES / "catalog-ids.toml").read_text()
    path.write_text(
        text.replace('model = "llama-3.1-8b"\n', f'model = "llama-3.1-8b"\n{MODELS}', 1)
    )
    return path


def test_the_training_line_replaced_stays_as_a_comment_in_toml(tmp_path: Path) -> None:
    """Tried as a new user would: the one-line training job moved to the winner and its old
    line was only in a note on stderr, where the README says each line replaced stays in
    the file as a comment."""
    output = tmp_path / "m2.toml"
    code, _, err = run("recommend", _with_models(tmp_path), "--apply", "-o", output)
    assert code == 0, err
    lines = output.read_text().splitlines()
    at = lines.index(f"training = {{ {OLD_JOB.replace('llama-3.1-8b', 'qwen2.5-1.5b')}")
    assert lines[at + 1] == f"# replaced by payback recommend: training = {{ {OLD_JOB}"
    assert lines[at + 2] == ""
    code, _, err = run("analyze", output)
    assert code == 0, err


def test_yaml_keeps_the_training_line_replaced_and_a_null_as_written(tmp_path: Path) -> None:
    """In YAML too the training model's old line stays as a comment; ``gpu_provider: ~``,
    which the winner does not replace, stays ``~`` (it was written back as ``gpu_provider:``)."""
    from payback.scenario.edit import yaml_from_toml

    source, output = tmp_path / "m.yaml", tmp_path / "m2.yaml"
    text = yaml_from_toml(_with_models(tmp_path).read_text())
    source.write_text(text.replace("    gpu: l40s\n", "    gpu: l40s\n    gpu_provider: ~\n"))
    code, _, err = run("recommend", source, "--apply", "-o", output)
    assert code == 0, err
    lines = output.read_text().splitlines()
    assert "    gpu_provider: ~" in lines
    at = lines.index("        model: qwen2.5-1.5b")
    assert lines[at + 1] == "        # replaced by payback recommend: model: llama-3.1-8b"
    assert lines[at + 2].startswith("        gpu: h100-sxm")
