"""recommend compares a model once however it is named, and says which configurations
its reason left out apart from the others (tried as a new user would)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import build, build_data
from payback import PaybackError
from payback.studies.recommend import recommend


def _qwen() -> dict:
    return build_data(3e6, model="qwen2.5-7b")


def test_a_model_named_by_id_and_by_repository_is_compared_once() -> None:
    """``--model qwen2.5-7b --model Qwen/Qwen2.5-7B-Instruct`` listed every configuration
    twice (504 considered, each row ranked twice); one model, one entry, the first name."""
    once = recommend(build(_qwen()), models=["qwen2.5-7b"])
    twice = recommend(build(_qwen()), models=["qwen2.5-7b", "Qwen/Qwen2.5-7B-Instruct"])
    assert twice.models == once.models == ["qwen2.5-7b"]
    assert len(twice.candidates) == len(once.candidates)
    assert [c.label() for c in twice.candidates] == [c.label() for c in once.candidates]
    assert sum(twice.excluded.values()) == sum(once.excluded.values())


def test_the_reason_left_out_is_counted_apart_from_the_others() -> None:
    """At 3 billion requests a month and one replica at most, some configurations are left
    out before evaluation (no price, no tensor cores, ...) and the rest need more than one
    replica: the line said "for N of the T configurations left out", as if T were all
    left out for it."""
    result = recommend(build(build_data(3e9, model="qwen2.5-7b")), max_replicas=1)
    assert result.best is None
    total = sum(result.excluded.values())
    count = result.excluded["needs more than 1 replica"]
    assert 0 < count < total
    assert result.no_best_reason == (
        f"no configuration qualifies: needs more than 1 replica for {count:,} of the "
        f"{total:,} configurations (the other {total - count:,} left out for other reasons); "
        "raise max_replicas"
    )


def test_two_shapes_under_one_id_are_refused_not_one_dropped(tmp_path: Path) -> None:
    """Two local checkpoints whose configs keep their base's _name_or_path read as one id;
    comparing them once dropped the second without a word (a 1.5B shape that serves 16
    requests/s where the 7B serves 2)."""
    shape = {
        "architectures": ["Qwen2ForCausalLM"],
        "_name_or_path": "Qwen/Qwen2.5-7B",
        "vocab_size": 152064,
        "tie_word_embeddings": False,
        "max_position_embeddings": 32768,
        "num_attention_heads": 28,
        "num_key_value_heads": 4,
    }
    for name, hidden, mlp, layers in [("big", 3584, 18944, 28), ("small", 1536, 8960, 28)]:
        folder = tmp_path / name
        folder.mkdir()
        config = shape | {
            "hidden_size": hidden,
            "intermediate_size": mlp,
            "num_hidden_layers": layers,
        }
        if name == "small":
            config |= {"num_attention_heads": 12, "num_key_value_heads": 2}
        (folder / "config.json").write_text(json.dumps(config))
    scenario = build(build_data(3e6, model="qwen2.5-7b"))
    with pytest.raises(PaybackError) as info:
        recommend(scenario, models=[str(tmp_path / "big"), str(tmp_path / "small")])
    assert info.value.messages == [
        f"model {str(tmp_path / 'small')!r}: reads as model id 'qwen-qwen2.5-7b', as "
        f"{str(tmp_path / 'big')!r} does, with another shape; give one a config whose "
        "_name_or_path (or folder) names it apart"
    ]
    # one folder named twice is one model
    once = recommend(scenario, models=[str(tmp_path / "big"), str(tmp_path / "big") + "/"])
    assert len(once.models) == 1
