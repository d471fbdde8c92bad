"""Training memory of LoRA across GPUs: the adapters' states are sharded with the weights,
and each GPU holds the layers it computes whole.

Under FSDP (``FULL_SHARD``) and ZeRO stage 3 every parameter, the trainable adapters
included, is sharded with its gradient and optimizer state across the data-parallel GPUs
(arXiv:1910.02054; PEFT's FSDP guide). Tried as a new user would, a LoRA of DeepSeek-V3
on H200s was refused on 64 GPUs (about 9 TB) although its BF16 weights are 1.34 TB: its
6.7B adapter parameters × 16 B (107 GB) were held whole on every GPU.

By hand, for a micro-batch of 4,096 tokens:

DeepSeek-V3 (671B; 61 layers, 3 dense and 58 MoE, h = 7,168; MLA; 256 routed + 1 shared
expert of width 2,048), LoRA rank 16:
  attention a layer: (7168 + 1536) + (1536 + 24576) + (7168 + 576) + (512 + 32768)
                     + (16384 + 7168) = 99,392
  dense MLP: 3 × (7168 + 18432) = 76,800; an expert: 3 × (7168 + 2048) = 27,648
  adapters: 16 × (61 × (99,392 + 76,800) + 58 × (257 × 27,648 − 76,800))
          = 16 × (10,747,712 + 407,666,688) = 6,694,630,400
  states: 671e9 × 2 (frozen BF16) + 6,694,630,400 × 16 = 1,342e9 + 107,114,086,400
          = 1,449,114,086,400 B
  activations: 4096 × 7168 × 2 × 61 + 4096 × (10 × 7168 + 3 × 18432) × 2
               + 4096 × 129,280 × 6 = 3,581,935,616 + 1,040,187,392 + 3,177,185,280
             = 7,799,308,288 B
  the largest layer, an MoE one: attention (7168 × 1536 + 1536 + 1536 × 128 × 192)
    + (7168 × 576 + 512 + 512 × 128 × 256) + 128 × 128 × 7168 = 187,107,328; 257
    experts × 3 × 7168 × 2048 = 11,318,329,344; router 7168 × 256 = 1,835,008; norms
    2 × 7168: 11,507,286,016 parameters. FSDP gathers it and prefetches the next (BF16,
    2 B each): 2 × 2 × 11,507,286,016 = 46,029,144,064 B on every GPU.
  8 GPUs:  1,449,114,086,400 / 8  + 46,029,144,064 + 7,799,308,288 + 2e9
         = 236,967,713,152 B
  16 GPUs: 1,449,114,086,400 / 16 + 46,029,144,064 + 9,799,308,288 = 146,398,082,752 B
  32 GPUs: 1,449,114,086,400 / 32 + 46,029,144,064 + 9,799,308,288 = 101,113,267,552 B
           (94.2 GiB)
  64 GPUs: 1,449,114,086,400 / 64 + 46,029,144,064 + 9,799,308,288 =  78,470,859,952 B
  An H200 holds 0.9 × 150,754,820,096 = 135,679,338,086 B: 16 GPUs do not hold it (they
  did while the gathered layers went uncounted: 100,368,938,688 B, 93.5 GiB); 32 do. (With
  the adapters whole on each GPU, 64 GPUs once needed 20,968,750,000 + 107,114,086,400 +
  9,799,308,288 = 137,882,144,688 B: a refusal.)
  A run (estimate_training) also holds FSDP's root unit whole in BF16: the embedding and
  lm_head, 2 × 129,280 × 7,168, and the final norm, 7,168: 1,853,365,248 parameters,
  3,706,730,496 B. 16 GPUs: 150,104,813,248 B (139.8 GiB); 32: 104,819,998,048 B;
  64: 82,177,590,448 B.

Llama-3.1-70B (70.6B; 80 layers, h = 8,192, GQA 64/8 heads of 128, f = 28,672):
  adapters: 80 × 16 × ((8192 + 8192) + 2 × (8192 + 1024) + (8192 + 8192)
            + 2 × (8192 + 28672) + (28672 + 8192)) = 80 × 16 × 161,792 = 207,093,760
  states: 141.2e9 + 207,093,760 × 16 = 141.2e9 + 3,313,500,160 = 144,513,500,160 B
  activations: 4096 × 8192 × 2 × 80 + 4096 × (10 × 8192 + 3 × 28672) × 2
               + 4096 × 128,256 × 6 = 5,368,709,120 + 1,375,731,712 + 3,152,019,456
             = 9,896,460,288 B
  a layer: 2 × 8192 × 8192 + 2 × 8192 × 1024 + 3 × 8192 × 28672 + 2 × 8192 = 855,654,400
  parameters, two of them gathered in BF16: 4 × 855,654,400 = 3,422,617,600 B
  8 GPUs:  144,513,500,160 / 8  + 3,422,617,600 + 9,896,460,288 + 2e9 = 33,383,265,408 B
           (29,960,647,808 without the gathered layers; with the adapters whole
           17,650,000,000 + 3,313,500,160 + 11,896,460,288 = 32,859,960,448)
  64 GPUs: 144,513,500,160 / 64 + 3,422,617,600 + 11,896,460,288 = 17,577,101,328 B
  A run also holds the root unit, 2 × 128,256 × 8,192 + 8,192 = 2,101,354,496 parameters in
  BF16, 4,202,708,992 B: 37,585,974,400 B on 8 GPUs, 21,779,810,320 B on 64.
"""

from __future__ import annotations

import pytest

from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware import training_memory as tm
from payback.hardware.fine_tuning import (
    adapter_parameters,
    estimate_training,
    layer_parameters,
    root_parameters,
)

CAT = default_catalog()
V3, LLAMA_70B = CAT.model("deepseek-v3"), CAT.model("llama-3.1-70b")
H200 = CAT.gpu("h200")

V3_ACTIVATIONS = 7_799_308_288
LLAMA_70B_ACTIVATIONS = 9_896_460_288
V3_LAYER = 187_107_328 + 11_318_329_344 + 1_835_008 + 2 * 7168
LLAMA_70B_LAYER = 2 * 8192 * 8192 + 2 * 8192 * 1024 + 3 * 8192 * 28672 + 2 * 8192


def _per_gpu(params: float, adapters: float, activations: float, layer: float, gpus: int) -> float:
    return tm.training_memory_per_gpu(
        params=params,
        method="lora",
        gpus=gpus,
        adapter_params=adapters,
        activations=activations,
        layer_params=layer,
    )


def test_adapter_counts_by_hand() -> None:
    assert adapter_parameters(V3) == 16 * (61 * (99_392 + 76_800) + 58 * (257 * 27_648 - 76_800))
    assert adapter_parameters(V3) == 6_694_630_400
    assert adapter_parameters(LLAMA_70B) == 80 * 16 * 161_792 == 207_093_760


def test_largest_layer_by_hand() -> None:
    assert V3_LAYER == layer_parameters(V3) == 11_507_286_016
    assert LLAMA_70B_LAYER == layer_parameters(LLAMA_70B) == 855_654_400
    gathered = tm.gathered_bytes(layer_params=V3_LAYER, method="lora", stack="standard", gpus=16)
    assert gathered == 46_029_144_064  # about 23 GB a layer, two at once


def test_activations_by_hand() -> None:
    v3 = tm.activation_bytes(
        tokens_per_micro_batch=4096,
        layers=61,
        hidden_size=7168,
        intermediate_size=18432,
        vocab_size=129_280,
    )
    assert v3 == 3_581_935_616 + 1_040_187_392 + 3_177_185_280 == V3_ACTIVATIONS
    llama = tm.activation_bytes(
        tokens_per_micro_batch=4096,
        layers=80,
        hidden_size=8192,
        intermediate_size=28672,
        vocab_size=128_256,
    )
    assert llama == 5_368_709_120 + 1_375_731_712 + 3_152_019_456 == LLAMA_70B_ACTIVATIONS


@pytest.mark.parametrize(
    ("gpus", "expected"),
    [(8, 236_967_713_152), (16, 146_398_082_752), (32, 101_113_267_552), (64, 78_470_859_952)],
)
def test_deepseek_v3_lora_per_gpu_memory_by_hand(gpus: int, expected: int) -> None:
    got = _per_gpu(671e9, 6_694_630_400, V3_ACTIVATIONS, V3_LAYER, gpus)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("gpus", "expected"), [(8, 33_383_265_408), (64, 17_577_101_328)])
def test_llama_70b_lora_per_gpu_memory_by_hand(gpus: int, expected: int) -> None:
    got = _per_gpu(70.6e9, 207_093_760, LLAMA_70B_ACTIVATIONS, LLAMA_70B_LAYER, gpus)
    assert got == pytest.approx(expected, rel=1e-12)


def test_deepseek_v3_lora_fits_on_32_h200() -> None:
    # 139.8 GiB a GPU on 16 (over the 126.4 GiB usable: two gathered MoE layers, 42.9 GiB,
    # and the root unit, 3.5 GiB), 97.6 GiB on 32
    run = estimate_training(V3, H200, "lora", tokens=1e8)
    assert run.gpus == 32
    assert run.memory_gib == pytest.approx(104_819_998_048 / 2**30, rel=1e-12)
    on_64 = estimate_training(V3, H200, "lora", tokens=1e8, gpus=64)
    assert on_64.memory_gib == pytest.approx(82_177_590_448 / 2**30, rel=1e-12)
    with pytest.raises(PaybackError, match=r"needs 140 GiB per GPU on 16 × h200"):
        estimate_training(V3, H200, "lora", tokens=1e8, gpus=16)


@pytest.mark.parametrize(("gpus", "expected"), [(8, 37_585_974_400), (64, 21_779_810_320)])
def test_llama_70b_lora_estimate_memory(gpus: int, expected: int) -> None:
    run = estimate_training(LLAMA_70B, H200, "lora", tokens=1e8, gpus=gpus)
    assert run.memory_gib == pytest.approx(expected / 2**30, rel=1e-12)


@pytest.mark.parametrize(
    ("model", "gpu", "method"),
    [
        ("qwen3-8b", "h100-sxm", "lora"),
        ("qwen3-8b", "rtx-5090", "qlora"),
        ("llama-3.1-8b", "h100-sxm", "lora"),
        ("qwen2.5-7b", "l4", "qlora"),
    ],
)
def test_one_gpu_memory_keeps_every_state_whole(model: str, gpu: str, method: str) -> None:
    # on one GPU sharding changes nothing: weights (QLoRA's root in 16 bits) + adapters × 16
    # + activations + 2 GB
    m = CAT.model(model)
    run = estimate_training(m, CAT.gpu(gpu), method, tokens=1e7, stack="unsloth")
    assert run.gpus == 1
    activations = tm.activation_bytes(
        tokens_per_micro_batch=4096,
        layers=m.layers,
        hidden_size=m.hidden_size,
        intermediate_size=m.intermediate_size,
        vocab_size=m.vocab_size,
    )
    whole = tm.base_state_bytes(
        params=m.params_b * 1e9,
        method=method,
        per_param=tm.BYTES_PER_PARAM_STATE[method],
        root_params=root_parameters(m),
    )
    whole += adapter_parameters(m) * 16 + activations + 2e9
    assert run.memory_gib == pytest.approx(whole / 2**30, rel=1e-12)
