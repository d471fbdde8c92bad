"""Training memory of LoRA across GPUs: the adapters' states are sharded with the weights.

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
  8 GPUs:  1,449,114,086,400 / 8  + 7,799,308,288 + 2e9 = 190,938,569,088 B (177.8 GiB)
  16 GPUs: 1,449,114,086,400 / 16 + 9,799,308,288     = 100,368,938,688 B (93.5 GiB)
  64 GPUs: 1,449,114,086,400 / 64 + 9,799,308,288     =  32,441,715,888 B
  (with the adapters whole on each GPU, 64 GPUs needed 20,968,750,000 + 107,114,086,400
  + 9,799,308,288 = 137,882,144,688 B, over an H200's 0.9 × 150,754,820,096 =
  135,679,338,086 B usable: the refusal.) 8 GPUs do not hold it; 16 do.

Llama-3.1-70B (70.6B; 80 layers, h = 8,192, GQA 64/8 heads of 128, f = 28,672):
  adapters: 80 × 16 × ((8192 + 8192) + 2 × (8192 + 1024) + (8192 + 8192)
            + 2 × (8192 + 28672) + (28672 + 8192)) = 80 × 16 × 161,792 = 207,093,760
  states: 141.2e9 + 207,093,760 × 16 = 141.2e9 + 3,313,500,160 = 144,513,500,160 B
  activations: 4096 × 8192 × 2 × 80 + 4096 × (10 × 8192 + 3 × 28672) × 2
               + 4096 × 128,256 × 6 = 5,368,709,120 + 1,375,731,712 + 3,152,019,456
             = 9,896,460,288 B
  8 GPUs:  144,513,500,160 / 8  + 9,896,460,288 + 2e9 = 29,960,647,808 B
           (was 17,650,000,000 + 3,313,500,160 + 11,896,460,288 = 32,859,960,448)
  64 GPUs: 144,513,500,160 / 64 + 11,896,460,288      = 14,154,483,728 B
           (was 2,206,250,000 + 3,313,500,160 + 11,896,460,288 = 17,416,210,448)
"""

from __future__ import annotations

import pytest

from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware import training as tr
from payback.hardware.fine_tuning import adapter_parameters, estimate_training

CAT = default_catalog()
V3, LLAMA_70B = CAT.model("deepseek-v3"), CAT.model("llama-3.1-70b")
H200 = CAT.gpu("h200")

V3_ACTIVATIONS = 7_799_308_288
LLAMA_70B_ACTIVATIONS = 9_896_460_288


def _per_gpu(params: float, adapters: float, activations: float, gpus: int) -> float:
    return tr.training_memory_per_gpu(
        params=params, method="lora", gpus=gpus, adapter_params=adapters, activations=activations
    )


def test_adapter_counts_by_hand() -> None:
    assert adapter_parameters(V3) == 16 * (61 * (99_392 + 76_800) + 58 * (257 * 27_648 - 76_800))
    assert adapter_parameters(V3) == 6_694_630_400
    assert adapter_parameters(LLAMA_70B) == 80 * 16 * 161_792 == 207_093_760


def test_activations_by_hand() -> None:
    v3 = tr.activation_bytes(
        tokens_per_micro_batch=4096,
        layers=61,
        hidden_size=7168,
        intermediate_size=18432,
        vocab_size=129_280,
    )
    assert v3 == 3_581_935_616 + 1_040_187_392 + 3_177_185_280 == V3_ACTIVATIONS
    llama = tr.activation_bytes(
        tokens_per_micro_batch=4096,
        layers=80,
        hidden_size=8192,
        intermediate_size=28672,
        vocab_size=128_256,
    )
    assert llama == 5_368_709_120 + 1_375_731_712 + 3_152_019_456 == LLAMA_70B_ACTIVATIONS


@pytest.mark.parametrize(
    ("gpus", "expected"),
    [(8, 190_938_569_088), (16, 100_368_938_688), (64, 32_441_715_888)],
)
def test_deepseek_v3_lora_per_gpu_memory_by_hand(gpus: int, expected: int) -> None:
    got = _per_gpu(671e9, 6_694_630_400, V3_ACTIVATIONS, gpus)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("gpus", "expected"), [(8, 29_960_647_808), (64, 14_154_483_728)])
def test_llama_70b_lora_per_gpu_memory_by_hand(gpus: int, expected: int) -> None:
    got = _per_gpu(70.6e9, 207_093_760, LLAMA_70B_ACTIVATIONS, gpus)
    assert got == pytest.approx(expected, rel=1e-12)


def test_deepseek_v3_lora_fits_on_16_h200() -> None:
    # 177.8 GiB a GPU on 8 (over the 126.4 GiB usable), 93.5 GiB on 16
    run = estimate_training(V3, H200, "lora", tokens=1e8)
    assert run.gpus == 16
    assert run.memory_gib == pytest.approx(100_368_938_688 / 2**30, rel=1e-12)
    on_64 = estimate_training(V3, H200, "lora", tokens=1e8, gpus=64)
    assert on_64.memory_gib == pytest.approx(32_441_715_888 / 2**30, rel=1e-12)
    with pytest.raises(PaybackError, match=r"needs 178 GiB per GPU on 8 × h200"):
        estimate_training(V3, H200, "lora", tokens=1e8, gpus=8)


@pytest.mark.parametrize(("gpus", "expected"), [(8, 29_960_647_808), (64, 14_154_483_728)])
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
    # on one GPU sharding changes nothing: weights + adapters × 16 + activations + 2 GB
    m = CAT.model(model)
    run = estimate_training(m, CAT.gpu(gpu), method, tokens=1e7, stack="unsloth")
    assert run.gpus == 1
    activations = tr.activation_bytes(
        tokens_per_micro_batch=4096,
        layers=m.layers,
        hidden_size=m.hidden_size,
        intermediate_size=m.intermediate_size,
        vocab_size=m.vocab_size,
    )
    whole = m.params_b * 1e9 * tr.BYTES_PER_PARAM_STATE[method]
    whole += adapter_parameters(m) * 16 + activations + 2e9
    assert run.memory_gib == pytest.approx(whole / 2**30, rel=1e-12)
