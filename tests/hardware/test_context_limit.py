"""A request longer than the model's context (max_position_embeddings) is refused where one
configuration is asked for, and left out, with the reason, where many are searched."""

from __future__ import annotations

import pytest

from helpers import build, build_data, edited, run, tiny_catalog
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, default_catalog
from payback.errors import PaybackError
from payback.hardware.estimate import context_overflow, estimate_serving
from payback.studies.recommend import recommend

CATALOG = default_catalog()
LLAMA = CATALOG.model("llama-3.1-8b")  # max_position_embeddings 131,072
H100 = CATALOG.gpu("h100-sxm")


def test_the_context_is_the_catalogs_max_position_embeddings() -> None:
    assert LLAMA.max_context == 131_072
    assert CATALOG.model("llama-2-7b").max_context == 4_096


def test_a_request_that_fills_the_context_exactly_fits() -> None:
    assert context_overflow(LLAMA, 1_000.0, 130_072.0) is None
    estimate = estimate_serving(LLAMA, H100, input_tokens=1_000.0, output_tokens=130_072.0)
    assert estimate.context_tokens == pytest.approx(1_000 + 130_072 / 2)


def test_an_output_past_the_context_names_the_output_and_what_fits() -> None:
    # 1,000 + 130,073 = 131,073 tokens: one past 131,072; at most 131,072 - 1,000 = 130,072
    with pytest.raises(PaybackError) as caught:
        estimate_serving(LLAMA, H100, input_tokens=1_000.0, output_tokens=130_073.0)
    assert caught.value.param == "output_tokens"
    assert "llama-3.1-8b's context is 131,072 tokens" in str(caught.value)
    assert "at most 130,072 more fit" in str(caught.value)


def test_a_prompt_past_the_context_names_the_input() -> None:
    with pytest.raises(PaybackError) as caught:
        estimate_serving(LLAMA, H100, input_tokens=131_072.0, output_tokens=1.0)
    assert caught.value.param == "input_tokens"
    assert "a prompt of at most 131,071 tokens" in str(caught.value)


def test_a_decode_context_past_the_models_is_refused() -> None:
    with pytest.raises(PaybackError) as caught:
        estimate_serving(LLAMA, H100, context=131_073.0)
    assert caught.value.param == "context"
    assert "at most 131,072" in str(caught.value)
    assert estimate_serving(LLAMA, H100, context=131_072.0).context_tokens == 131_072.0


def test_the_command_line_gives_one_line_naming_the_flag() -> None:
    code, out, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm",
        "--output-tokens", "200000",
    )  # fmt: skip
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: --output-tokens 200000")
    assert "at most 130,072 more fit" in lines[0]  # 131,072 - 1,000 (the default input)


def test_analyze_refuses_traffic_longer_than_the_options_model() -> None:
    data = build_data(model="llama-2-7b", gpu="h100-sxm")
    for key in ("usd_per_gpu_hour", "replica_requests_per_s"):  # estimated, not given
        data = edited(data, f"alternatives.0.{key}", ...)
    data = edited(data, "traffic.input_tokens", 5_000)  # 5,000 + 300 > 4,096
    with pytest.raises(PaybackError, match=r"alternatives\.0.*llama-2-7b's context is 4,096"):
        resolve(build(data))
    resolve(build(edited(data, "traffic.input_tokens", 3_796)))  # 3,796 + 300 = 4,096 fits


def test_recommend_leaves_a_model_with_too_short_a_context_out() -> None:
    base = tiny_catalog()
    catalog = Catalog.of(
        list(base.gpus.values()), [*base.models.values(), CATALOG.model("llama-2-7b")]
    )
    data = edited(build_data(), "traffic.input_tokens", 5_000)  # 5,000 + 300 > 4,096
    result = recommend(build(data), catalog=catalog, models=["llama-2-7b", "qwen2.5-7b"])
    assert (
        result.excluded[
            "models with a context shorter than the requests (all their configurations)"
        ]
        == 1
    )
    assert (
        "llama-2-7b"
        in result.examples[
            "models with a context shorter than the requests (all their configurations)"
        ]
    )
    assert result.candidates
    assert {c.model for c in result.candidates} == {"qwen2.5-7b"}
