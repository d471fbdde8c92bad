"""``recommend --model PATH`` with a relative config.json path, tried as a new user would:
it was read from the scenario's folder ("examples/huge/config.json: no such model config
file") where ``estimate serving --model PATH`` reads it from the current folder. A path on
the command line starts from the current folder; written back by --apply, it points at the
same file from the new scenario's folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, run
from payback.catalog import default_catalog
from payback.scenario import load_scenario

CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "_name_or_path": "my-org/tiny-llama",
    "hidden_size": 2048,
    "intermediate_size": 8192,
    "num_hidden_layers": 16,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "vocab_size": 128256,
    "max_position_embeddings": 131072,
    "torch_dtype": "bfloat16",
}


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/work/model/config.json, the current folder tmp/work, the scenario in tmp/scenarios."""
    (tmp_path / "work" / "model").mkdir(parents=True)
    (tmp_path / "work" / "model" / "config.json").write_text(json.dumps(CONFIG))
    (tmp_path / "scenarios").mkdir()
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    (tmp_path / "scenarios" / "s.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path


def test_a_model_path_on_the_command_line_starts_from_the_current_folder(folders: Path) -> None:
    scenario = folders / "scenarios" / "s.toml"
    code, out, err = run("recommend", scenario, "--model", "model/config.json", "--json")
    assert code == 0, err
    assert json.loads(out)["models"] == ["my-org-tiny-llama"]
    code, out, err = run("estimate", "serving", "--model", "model/config.json", "--gpu", "l4")
    assert code == 0, err  # the same path, read from the same folder


def test_the_applied_path_points_at_the_same_file_from_the_new_scenario(folders: Path) -> None:
    scenario = folders / "scenarios" / "s.toml"
    new = folders / "out" / "new.toml"
    code, _, err = run("recommend", scenario, "--model", "model/config.json", "--apply", "-o", new)
    assert code == 0, err
    written = load_scenario(new)
    model = getattr(written.alternatives[0], "model", None)
    assert model == "../work/model/config.json"
    assert written.base_dir is not None
    assert default_catalog().model(model, written.base_dir).id == "my-org-tiny-llama"
    # a catalog id stays an id
    code, _, err = run(
        "recommend", scenario, "--model", "qwen2.5-1.5b", "--apply", "-o", new, "--force"
    )
    assert code == 0, err
    assert getattr(load_scenario(new).alternatives[0], "model", None) == "qwen2.5-1.5b"
