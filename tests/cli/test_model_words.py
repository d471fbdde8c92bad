"""A model given by path, tried as a new user would: an empty folder was "unknown model"
(it is a folder with no config.json in it), and a model far too big for any node was said
in figures without thousands separators ("3850575 GB of weights", "51023 × h100-sxm")."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import EXAMPLES, assert_user_error, run


def test_an_empty_folder_is_said_to_have_no_config_json(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    assert_user_error(
        *run("estimate", "serving", "--model", tmp_path / "mine", "--gpu", "l4"),
        "is a folder with no config.json in it",
    )


def test_a_model_too_big_for_a_node_is_said_in_grouped_figures(tmp_path: Path) -> None:
    config = {
        "model_type": "llama",
        "hidden_size": 262_144,
        "intermediate_size": 1_048_576,
        "num_hidden_layers": 2_000,
        "num_attention_heads": 2_048,
        "num_key_value_heads": 8,
        "vocab_size": 128_256,
        "max_position_embeddings": 8_192,
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code, out, err = run("estimate", "serving", "--model", path, "--gpu", "h100-sxm")
    # 2,000 layers of 3 · 262,144 · 1,048,576 (MLP) + 2 · 262,144² (query, output) + the
    # small key and value projections: about 1.93e15 parameters, 3.85e15 bytes in BF16
    assert_user_error(code, out, err, "3,850,575 GB of weights", "51,023 × h100-sxm at bf16")


def test_an_empty_model_id_is_said_empty_not_a_folder() -> None:
    """``--model ""`` was "'' is a folder with no config.json in it": the working folder,
    as a path (tried as a new user would)."""
    code, out, err = run("recommend", EXAMPLES / "quarter-200k.toml", "--model", "")
    assert_user_error(code, out, err, "--model : an empty model id (known: qwen2.5-0.5b, ")
    assert "folder" not in err
