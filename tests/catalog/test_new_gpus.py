"""The accelerators teams rent for serving today: AMD Instinct, workstation and consumer
cards, H100 NVL, GH200 and A100 PCIe, with datasheet figures, sourced rents and caveats."""

from __future__ import annotations

import datetime as dt

import pytest

from payback import PaybackError, estimate_serving
from payback.catalog import default_catalog, gpu_rent, typical_gpu_price

CAT = default_catalog()
NEW_GPUS = [
    "mi300x",
    "mi325x",
    "rtx-4090",
    "rtx-5090",
    "rtx-6000-ada",
    "rtx-pro-6000",
    "h100-nvl",
    "gh200",
    "a100-pcie",
]


@pytest.mark.parametrize(
    ("gpu_id", "memory_gb", "bandwidth", "bf16", "fp8", "int8"),
    [  # dense datasheet peaks (FP32 accumulate on GeForce), see each record's source
        ("mi300x", 192, 5300, 1307.4, 2614.9, 2614.9),
        ("mi325x", 256, 6000, 1307.4, 2614.9, 2614.9),
        ("rtx-4090", 24, 1008, 165.2, 330.3, 660.6),
        ("rtx-5090", 32, 1792, 209.5, 419, 838),
        ("rtx-6000-ada", 48, 960, 364, 728.5, 728.5),
        ("rtx-pro-6000", 96, 1792, 500, 1000, 1000),
        ("h100-nvl", 94, 3900, 835.5, 1670.5, 1670.5),
        ("gh200", 96, 4000, 989, 1979, 1979),
        ("a100-pcie", 80, 1935, 312, None, 624),
    ],
)
def test_new_gpus_match_their_datasheets(
    gpu_id: str,
    memory_gb: float,
    bandwidth: float,
    bf16: float,
    fp8: float | None,
    int8: float | None,
) -> None:
    gpu = CAT.gpu(gpu_id)
    assert (gpu.memory_gb, gpu.memory_bandwidth_gb_s) == (memory_gb, bandwidth)
    assert (gpu.bf16_tflops, gpu.fp8_tflops, gpu.int8_tops) == (bf16, fp8, int8)
    assert gpu.checked == dt.date(2026, 12, 2)
    assert gpu.source.startswith("https://")


@pytest.mark.parametrize("gpu_id", NEW_GPUS)
def test_new_gpu_rents_have_sources_and_past_dates(gpu_id: str) -> None:
    gpu = CAT.gpu(gpu_id)
    for price in gpu.prices:
        assert price.source.startswith("https://")
        assert price.checked <= dt.date(2026, 12, 2)
        assert price.note
        assert 0.2 < price.usd_per_gpu_hour < 10


def test_which_new_gpus_have_an_on_demand_rent() -> None:
    on_demand = {g for g in NEW_GPUS if typical_gpu_price(CAT.gpu(g)) is not None}
    # no on-demand rent with a source was found for the RTX 6000 Ada (serverless only); GH200
    # is Lambda's 1x GH200 instance;
    # the GeForce and RTX PRO cards are rented on RunPod's Community Cloud, a marketplace, which
    # is never the default rent (gpu_price = "marketplace" asks for it)
    marketplace = {"rtx-4090", "rtx-5090", "rtx-pro-6000"}
    assert on_demand == set(NEW_GPUS) - {"rtx-6000-ada"} - marketplace
    assert all(gpu_rent(CAT.gpu(g), price="marketplace") is not None for g in marketplace)
    assert typical_gpu_price(CAT.gpu("rtx-6000-ada"), "serverless") is not None


def test_gpus_ids_stay_unique_and_near_matches_still_work() -> None:
    assert len(CAT.gpus) == len(set(CAT.gpus))
    with pytest.raises(
        PaybackError, match=r"unknown GPU 'h100'; did you mean h100-sxm, h100-nvl, h100-pcie"
    ):
        CAT.gpu("h100")


def test_fp8_is_refused_in_one_line_where_the_gpu_has_none() -> None:
    with pytest.raises(PaybackError) as err:
        estimate_serving(CAT.model("qwen3-8b"), CAT.gpu("a100-pcie"), "fp8")
    assert err.value.messages == [
        "a100-pcie has no FP8 tensor cores; use bf16, int8, int4 on it, or a GPU that has them"
    ]
    # the RTX PRO 6000's INT8 rate is its FP8 one (derived in its record), as the RTX 5090's
    int8 = estimate_serving(CAT.model("qwen3-8b"), CAT.gpu("rtx-pro-6000"), "int8")
    fp8 = estimate_serving(CAT.model("qwen3-8b"), CAT.gpu("rtx-pro-6000"), "fp8")
    assert int8.prefill_tokens_per_s == pytest.approx(fp8.prefill_tokens_per_s, rel=1e-12)
    assert int8.prefill_tokens_per_s > 32_000  # 1,000 dense TOP/s, BF16 at 500 gives 21,700


def test_geforce_and_community_rents_carry_a_caveat() -> None:
    for gpu_id in ("rtx-4090", "rtx-5090"):
        assert "GeForce driver licence excludes datacentre deployment" in (
            CAT.gpu(gpu_id).caveat or ""
        )
    assert "Community Cloud" in (CAT.gpu("rtx-pro-6000").caveat or "")
    assert CAT.gpu("mi300x").caveat is None


@pytest.mark.parametrize(
    ("model_id", "gpu_id", "precision", "gpus"),
    [
        ("gpt-oss-120b", "mi300x", "mxfp4", 1),  # 65 GB of weights on 192 GB
        ("deepseek-v3", "mi325x", "fp8", 4),  # 671 GB on 4 x 256 GB
        ("qwen3-30b-a3b", "rtx-pro-6000", "bf16", 1),
        ("gemma-3-27b", "rtx-5090", "int4", 1),
        ("llama-3.3-70b", "h100-nvl", "fp8", 1),
        ("qwen3-8b", "gh200", "bf16", 1),
    ],
)
def test_new_models_estimate_on_new_gpus(
    model_id: str, gpu_id: str, precision: str, gpus: int
) -> None:
    result = estimate_serving(CAT.model(model_id), CAT.gpu(gpu_id), precision)
    assert result.gpus_per_replica == gpus
    assert result.replica_requests_per_s > 0
