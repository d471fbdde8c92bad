"""A scenario's words from a short list read in any case, as the command line's choices do,
and are kept lowercase; a word that is none of them is refused naming the field, the value
and the words allowed. Tried as a new user would: 'precision = "FP8"' was refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES
from payback.errors import PaybackError
from payback.scenario import load_scenario

CATALOG_IDS = EXAMPLES / "catalog-ids.toml"


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = CATALOG_IDS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "scenario.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_words_read_in_any_case_and_are_kept_lowercase(tmp_path: Path) -> None:
    path = _with(
        tmp_path,
        'precision = "fp8"',
        'precision = "FP8"\nengine = "SGLang"\ncommitment = "1Y"\ngpu_price = "Hyperscaler"',
    )
    option = load_scenario(path).alternatives[0]
    assert (option.precision, option.engine, option.commitment, option.gpu_price) == (  # type: ignore[union-attr]
        "fp8",
        "sglang",
        "1y",
        "hyperscaler",
    )


def test_a_word_set_later_reads_in_any_case() -> None:
    option = load_scenario(CATALOG_IDS).alternatives[0]
    option.engine = "TRTLLM"  # type: ignore[union-attr]
    assert option.engine == "trtllm"  # type: ignore[union-attr]


def test_a_word_in_no_case_lists_the_words_allowed(tmp_path: Path) -> None:
    path = _with(tmp_path, 'precision = "fp8"', 'precision = "FP9"')
    with pytest.raises(PaybackError) as err:
        load_scenario(path)
    (line,) = err.value.messages
    assert "alternatives.0.precision = 'FP9': did you mean 'fp8'?" in line
    assert "'bf16', 'fp8', 'int8', 'int4' or 'mxfp4'" in line
