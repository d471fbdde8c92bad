"""A misspelt engine or gpu_price is answered with the nearest name, as a misspelt GPU id is.

Tried as a new user would: ``--engine vlm`` said "unknown; allowed: vllm, sglang, trtllm,
lean" and ``gpu_price = "hyperscalers"`` listed the allowed names, while ``--gpu h100``
asks "did you mean h100-sxm, ...?"; and a scenario's ``engine = "tensorrt"`` was quoted
"tensorrt" beside the allowed 'trtllm' and analyze's other engine lines
(``alternatives.0.engine = 'trtllm': runs on NVIDIA GPUs only ...``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run
from payback import PaybackError
from payback.catalog import default_catalog
from payback.hardware.estimate import estimate_serving

ENGINES = "'vllm', 'sglang', 'trtllm' or 'lean'"

FILE = """\
[scenario]
name = "typo"
horizon_months = 12

[traffic]
requests_per_month = 100000
input_tokens = 1000
output_tokens = 200

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 3.0
output_usd_per_mtok = 15.0

[[alternatives]]
name = "tuned"
kind = "self_hosted"
model = "qwen2.5-7b"
gpu = "l4"
"""


def test_a_misspelt_engine_flag_names_the_nearest() -> None:
    code, out, err = run(
        "estimate", "serving", "--model", "qwen2.5-0.5b", "--gpu", "l4", "--engine", "vlm"
    )
    assert (code, out) == (2, "")
    assert err.strip() == (
        "error: --engine vlm: unknown; did you mean vllm? allowed: vllm, sglang, trtllm, lean"
    )
    code, _, err = run(
        "estimate", "serving", "--model", "qwen2.5-0.5b", "--gpu", "l4", "--engine", "tgi"
    )
    assert err.strip() == "error: --engine tgi: unknown; allowed: vllm, sglang, trtllm, lean"


def test_the_library_names_the_nearest_engine() -> None:
    catalog = default_catalog()
    with pytest.raises(PaybackError) as err:
        estimate_serving(catalog.model("llama-3.1-8b"), catalog.gpu("l4"), engine="sglan")
    assert str(err.value) == (
        "engine sglan: unknown; did you mean sglang? allowed: vllm, sglang, trtllm, lean"
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (
            'gpu_price = "hyperscalers"',
            "alternatives.0.gpu_price = 'hyperscalers': did you mean 'hyperscaler'? allowed: "
            "'gpu_cloud', 'hyperscaler', 'marketplace' or 'serverless'",
        ),
        (
            'engine = "vlm"',
            f"alternatives.0.engine = 'vlm': did you mean 'vllm'? allowed: {ENGINES}",
        ),
        # nothing near: quoted as the allowed names and analyze's engine lines are
        ('engine = "tensorrt"', f"alternatives.0.engine = 'tensorrt': allowed: {ENGINES}"),
    ],
)
def test_a_misspelt_scenario_choice_names_the_nearest(tmp_path: Path, line: str, said: str) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(FILE + line + "\n", encoding="utf-8")
    code, out, err = run("analyze", path)
    assert (code, out) == (2, "")
    assert err.strip() == f"error: {path}: {said}"
    # the engine's other line quotes alike
    path.write_text(FILE.replace('"l4"', '"mi300x"') + 'engine = "trtllm"\n', encoding="utf-8")
    code, _, err = run("analyze", path)
    assert code == 2
    assert err.startswith(f"error: {path}: alternatives.0.engine = 'trtllm': runs on NVIDIA")
