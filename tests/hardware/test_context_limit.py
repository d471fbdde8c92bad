"""A request longer than the model's context (max_position_embeddings) is refused where one
configuration is asked for, and left out, with the reason, where many are searched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomlkit

from helpers import EXAMPLES, assert_user_error, build, build_data, edited, run, tiny_catalog
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


def _estimated(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("usd_per_gpu_hour", "replica_requests_per_s"):  # estimated, not given
        data = edited(data, f"alternatives.0.{key}", ...)
    return data


def test_analyze_refuses_traffic_longer_than_the_options_model() -> None:
    data = _estimated(build_data(model="llama-2-7b", gpu="h100-sxm"))
    data = edited(data, "traffic.input_tokens", 5_000)  # 5,000 + 300 > 4,096
    with pytest.raises(PaybackError) as caught:
        resolve(build(data))
    # the field as the file names it, with the value as written (5000, not 5000.0)
    assert caught.value.messages == [
        "traffic.input_tokens = 5000: llama-2-7b's context is 4,096 tokens "
        "(max_position_embeddings); a prompt of at most 4,095 tokens (for alternatives.0)"
    ]
    assert caught.value.param == "traffic.input_tokens"
    resolve(build(edited(data, "traffic.input_tokens", 3_796)))  # 3,796 + 300 = 4,096 fits


def test_analyze_names_traffic_output_tokens_when_the_output_overflows() -> None:
    data = _estimated(build_data(model="llama-2-7b", gpu="h100-sxm"))
    data = edited(data, "traffic.output_tokens", 3_000)  # 1,500 + 3,000 > 4,096
    with pytest.raises(PaybackError) as caught:
        resolve(build(data))
    assert caught.value.messages == [
        "traffic.output_tokens = 3000: llama-2-7b's context is 4,096 tokens "
        "(max_position_embeddings), and with 1,500 input tokens a request at most 2,596 "
        "more fit (for alternatives.0)"
    ]


def test_analyze_on_the_command_line_names_the_file_and_the_field(tmp_path: Path) -> None:
    data = _estimated(build_data(model="llama-2-7b", gpu="h100-sxm"))
    path = tmp_path / "long.toml"
    path.write_text(tomlkit.dumps(edited(data, "traffic.input_tokens", 5_000)))
    code, out, err = run("analyze", path, EXAMPLES / "seed.toml")
    assert_user_error(code, out, err)
    assert err.splitlines() == [
        f"error: {path}: traffic.input_tokens = 5000: llama-2-7b's context is 4,096 tokens "
        "(max_position_embeddings); a prompt of at most 4,095 tokens (for alternatives.0)"
    ]


SHORT = "the model's context is shorter than the requests"


def test_recommend_leaves_a_model_with_too_short_a_context_out() -> None:
    base = tiny_catalog()
    catalog = Catalog.of(
        list(base.gpus.values()), [*base.models.values(), CATALOG.model("llama-2-7b")]
    )
    data = build_data()
    # with requests that fit, each of llama-2-7b's configurations is evaluated or left out
    # before (the small GPU's record, of no known architecture, gives no FP8 rate): that many
    # are left out when the requests do not fit
    fits = recommend(build(data), catalog=catalog, models=["llama-2-7b"])
    all_of_them = 3 * 4 * 4  # 3 GPUs × bf16, fp8, int8, int4 × TP 1, 2, 4, 8
    no_rate = fits.excluded["the catalog gives no rate for the GPU at the precision"]
    assert (no_rate, fits.evaluated + no_rate) == (4, all_of_them)
    long = edited(data, "traffic.input_tokens", 5_000)  # 5,000 + 300 > 4,096
    result = recommend(build(long), catalog=catalog, models=["llama-2-7b", "qwen2.5-7b"])
    assert result.excluded[SHORT] == all_of_them  # configurations, as every reason counts
    assert result.examples[SHORT] == "a request of 5,300 tokens; context llama-2-7b's 4,096"
    assert result.candidates
    assert {c.model for c in result.candidates} == {"qwen2.5-7b"}


def test_recommend_with_every_model_too_short_says_what_to_change() -> None:
    catalog = Catalog.of(
        list(tiny_catalog().gpus.values()),
        [CATALOG.model("llama-2-7b"), CATALOG.model("gemma-2-9b")],
    )
    data = edited(build_data(), "traffic.input_tokens", 9_000)  # past 4,096 and 8,192
    result = recommend(build(data), catalog=catalog, models=["llama-2-7b", "gemma-2-9b"])
    assert result.examples[SHORT] == (
        "a request of 9,300 tokens; context llama-2-7b's 4,096, gemma-2-9b's 8,192"
    )
    total = result.excluded[SHORT]
    assert result.excluded == {SHORT: total}
    assert result.no_best_reason == (
        f"no configuration qualifies: {SHORT} for any of the {total:,} configurations; "
        "compare a model with a longer context (models), or shorter requests "
        "(traffic.input_tokens, traffic.output_tokens)"
    )
