"""Training memory by stack: the layers sharded data parallelism gathers whole, and the
weights Megatron keeps on every data-parallel replica.

Standard stack (FSDP ``FULL_SHARD`` / ZeRO-3): every state sharded over the GPUs, plus,
on more than one GPU, the layer being computed and the prefetched next one gathered whole
in BF16 (``BackwardPrefetch.BACKWARD_PRE``: "the current set of parameters, next set of
parameters, and current set of gradients"), and under full fine-tuning the current
layer's BF16 gradients: 2 × 2 + 2 = 6 B a parameter of the largest layer (LoRA 4, QLoRA
2 × 0.515869140625 = 1.03173828125 in NF4). Also on more than one GPU, the root unit (the embedding, the final
norm and ``lm_head``, left to the root by per-layer wrapping) whole in BF16 from the start
of forward to the end of backward (FSDP2's ``reshard_after_forward``: "``False`` for root
modules"): 2 B a root parameter for every method, a tied embedding counted once.

Optimized stack (Megatron/NeMo): BF16 weights and FP32 main gradients (6 B) split over
the model-parallel GPUs M and replicated over the data-parallel ones; the FP32 master
weights and Adam moments (12 B) sharded over all g by the distributed optimizer:
N · (6/M + 12/g) for full fine-tuning ("bf16 parameters, fp32 gradients: 6 + 12/d",
Megatron Core's distributed optimizer); frozen LoRA weights 2/M, adapters 6/M + 12/g.

By hand, for a micro-batch of 4,096 tokens (H100: 0.9 × 85,520,809,984 = 76,968,728,986 B
usable):

Llama-3.1-70B (70.6B; a layer 855,654,400 parameters; the root 2 × 128,256 × 8,192
+ 8,192 = 2,101,354,496, 4,202,708,992 B in BF16; activations 9,896,460,288 B; adapters
207,093,760), full fine-tuning:
  standard, 16 GPUs: 70.6e9 × 16 / 16 + 855,654,400 × 6 + 4,202,708,992 + 9,896,460,288
                     + 2e9 = 70,600,000,000 + 9,336,635,392 + 11,896,460,288 (does not fit)
  standard, 32 GPUs: 35,300,000,000 + 9,336,635,392 + 11,896,460,288 = 56,533,095,680 B
                     (52,330,386,688 without the root, 47,196,460,288 without either)
  optimized, the fewest GPUs: 16 all model parallel hold 70.6e9 × 18 / 16 = 79,425,000,000
               + 11,896,460,288 (does not fit); 32 do (39,712,500,000 + 11,896,460,288).
               On them Megatron splits the weights over the fewest M that fit, with
               data parallelism over the rest: M = 8 needs 70.6e9 × (6/8 + 12/32)
               = 79,425,000,000 + 11,896,460,288 (does not fit); M = 16:
               70.6e9 × (6/16 + 12/32) + 11,896,460,288 = 52,950,000,000
               + 11,896,460,288 = 64,846,460,288 B (47,196,460,288 with every state
               over 32)
  optimized, 64 GPUs: M = 8 needs 70.6e9 × (6/8 + 12/64) + 11,896,460,288
               = 66,187,500,000 + 11,896,460,288 = 78,083,960,288 (does not fit); M = 16:
               70.6e9 × (6/16 + 12/64) + 11,896,460,288 = 39,712,500,000
               + 11,896,460,288 = 51,608,960,288 B (29,546,460,288 with every state
               over 64)
Llama-3.1-70B LoRA, optimized:
  2 GPUs: 70.6e9 + 207,093,760 × 9 + 11,896,460,288 = 84,360,304,128 (does not fit)
  4 GPUs: 35,300,000,000 + 931,921,920 + 11,896,460,288 = 48,128,382,208 B
  8 GPUs: M = 2 needs 70.6e9 + 207,093,760 × (3 + 1.5) + 11,896,460,288 (does not fit);
          M = 4: 35,300,000,000 + 207,093,760 × (6/4 + 12/8) + 11,896,460,288
                = 35,300,000,000 + 621,281,280 + 11,896,460,288 = 47,817,741,568 B
                (29,960,647,808 with the weights sharded over 8)
Llama-3.1-8B (8.03B; a layer 2 × 4096² + 2 × 4096 × 1024 + 3 × 4096 × 14336 + 2 × 4096
= 218,112,000; the root 2 × 128,256 × 4,096 + 4,096 = 1,050,677,248; activations 4096 × 4096 × 2 × 32 + 4096 × (10 × 4096 + 3 × 14336) × 2
+ 4096 × 128,256 × 6 = 1,073,741,824 + 687,865,856 + 3,152,019,456 = 4,913,627,136 B;
adapters 41,943,040):
  full, standard, 2 GPUs: 8.03e9 × 16 / 2 + 218,112,000 × 6 + 1,050,677,248 × 2
                        + 4,913,627,136 + 2e9 = 64,240,000,000 + 1,308,672,000
                        + 2,101,354,496 + 6,913,627,136 = 74,563,653,632 B
  LoRA, standard, 1 GPU (nothing gathered, no root): 16,060,000,000 + 41,943,040 × 16
                        + 6,913,627,136 = 23,644,715,776 B
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware import training as tr
from payback.hardware import training_memory as tm
from payback.hardware.fine_tuning import estimate_training, layer_parameters, root_parameters

CAT = default_catalog()
LLAMA_70B, LLAMA_8B = CAT.model("llama-3.1-70b"), CAT.model("llama-3.1-8b")
H100 = CAT.gpu("h100-sxm")
GIB = 2**30


def test_llama_8b_layer_by_hand() -> None:
    assert layer_parameters(LLAMA_8B) == 2 * 4096**2 + 2 * 4096 * 1024 + 3 * 4096 * 14336 + 8192
    assert layer_parameters(LLAMA_8B) == 218_112_000


@pytest.mark.parametrize(
    ("method", "per_param"), [("full", 6.0), ("lora", 4.0), ("qlora", 2 * 0.515869140625)]
)
def test_gathered_bytes_by_method(method: str, per_param: float) -> None:
    got = tm.gathered_bytes(layer_params=1e9, method=method, stack="standard", gpus=2)
    assert got == pytest.approx(per_param * 1e9, rel=1e-15)
    # one GPU shards nothing and gathers nothing; Megatron keeps its slices in place
    assert tm.gathered_bytes(layer_params=1e9, method=method, stack="standard", gpus=1) == 0.0
    assert tm.gathered_bytes(layer_params=1e9, method=method, stack="unsloth", gpus=1) == 0.0
    assert tm.gathered_bytes(layer_params=1e9, method=method, stack="optimized", gpus=8) == 0.0


def test_root_unit_by_hand() -> None:
    # untied: the embedding and lm_head, two vocab × hidden matrices, and the final norm
    assert root_parameters(LLAMA_8B) == 2 * 128_256 * 4096 + 4096 == 1_050_677_248
    assert root_parameters(LLAMA_70B) == 2 * 128_256 * 8192 + 8192 == 2_101_354_496
    # tied (Llama-3.2-3B): one matrix, counted once: 128,256 × 3,072 + 3,072
    tied = CAT.model("llama-3.2-3b")
    assert tied.tied_embeddings
    assert root_parameters(tied) == 128_256 * 3072 + 3072 == 394_005_504


@pytest.mark.parametrize("method", tr.METHODS)
def test_root_is_gathered_in_bf16_only_where_sharded(method: str) -> None:
    # the 70B's root on 8 GPUs: 2,101,354,496 × 2 B = 4,202,708,992 B, whatever the method
    # (no layer here); nothing on one GPU or under Megatron's split
    root = {"layer_params": 0.0, "method": method, "root_params": 2_101_354_496}
    assert tm.gathered_bytes(stack="standard", gpus=8, **root) == 4_202_708_992
    assert tm.gathered_bytes(stack="standard", gpus=1, **root) == 0.0
    assert tm.gathered_bytes(stack="unsloth", gpus=1, **root) == 0.0
    assert tm.gathered_bytes(stack="optimized", gpus=8, **root) == 0.0


def test_llama_70b_lora_on_8_gathers_layers_and_root() -> None:
    # 855,654,400 × 2 × 2 + 2,101,354,496 × 2 = 3,422,617,600 + 4,202,708,992
    got = tm.gathered_bytes(
        layer_params=855_654_400,
        method="lora",
        stack="standard",
        gpus=8,
        root_params=root_parameters(LLAMA_70B),
    )
    assert got == 7_625_326_592


def test_llama_70b_full_standard_counts_the_gathered_layers() -> None:
    run = estimate_training(LLAMA_70B, H100, "full", tokens=1e8)
    assert run.gpus == 32
    assert run.memory_gib == pytest.approx(56_533_095_680 / GIB, rel=1e-12)


def test_seven_b_class_full_on_two_gpus() -> None:
    run = estimate_training(LLAMA_8B, H100, "full", tokens=1e8, gpus=2)
    assert run.memory_gib == pytest.approx(74_563_653_632 / GIB, rel=1e-12)


def test_one_gpu_standard_gathers_nothing() -> None:
    run = estimate_training(LLAMA_8B, H100, "lora", tokens=1e7)
    assert run.gpus == 1
    assert run.memory_gib == pytest.approx(23_644_715_776 / GIB, rel=1e-12)


def test_llama_70b_full_optimized_keeps_weights_and_gradients_per_replica() -> None:
    run = estimate_training(LLAMA_70B, H100, "full", tokens=1e8, stack="optimized")
    assert run.gpus == 32
    assert run.memory_gib == pytest.approx(64_846_460_288 / GIB, rel=1e-12)
    wide = estimate_training(LLAMA_70B, H100, "full", tokens=1e8, stack="optimized", gpus=64)
    assert wide.memory_gib == pytest.approx(51_608_960_288 / GIB, rel=1e-12)
    with pytest.raises(PaybackError, match=r"needs 85 GiB per GPU on 16 × h100-sxm"):
        estimate_training(LLAMA_70B, H100, "full", tokens=1e8, stack="optimized", gpus=16)


def test_llama_2_7b_full_optimized_on_8_is_data_parallel() -> None:
    # NeMo's Llama-2-7B fine-tuning row (docs/accuracy.md T1) runs on 8 GPUs; unsplit each
    # holds 6.74e9 × (6 + 12/8) = 50,550,000,000 B of states, which fits: M = 1.
    # Activations (32 layers, h = 4,096, f = 11,008, V = 32,000): 4096 × 4096 × 2 × 32
    # + 4096 × (10 × 4096 + 3 × 11008) × 2 + 4096 × 32000 × 6 = 1,073,741,824
    # + 606,076,928 + 786,432,000 = 2,466,250,752; with 2e9: 55,016,250,752 B (with M = 2,
    # the fewest that hold it unsplit, 6.74e9 × 3 + 6.74e9 × 1.5 = 30.3 GB of states)
    m = CAT.model("llama-2-7b")
    assert m.params_b == 6.74
    split = tm.model_parallel_gpus(
        params=6.74e9,
        method="full",
        gpus=8,
        gpu_memory_bytes=H100.memory_bytes,
        adapter_params=0.0,
        activations=10e9,
    )
    assert split == 1
    run = estimate_training(m, H100, "full", tokens=1e8, stack="optimized", gpus=8)
    assert run.memory_gib == pytest.approx(55_016_250_752 / GIB, rel=1e-12)


def test_llama_70b_lora_optimized_replicates_the_frozen_weights() -> None:
    run = estimate_training(LLAMA_70B, H100, "lora", tokens=1e8, stack="optimized")
    assert run.gpus == 4
    assert run.memory_gib == pytest.approx(48_128_382_208 / GIB, rel=1e-12)
    wide = estimate_training(LLAMA_70B, H100, "lora", tokens=1e8, stack="optimized", gpus=8)
    assert wide.memory_gib == pytest.approx(47_817_741_568 / GIB, rel=1e-12)


PARAMS = st.floats(1e8, 1e12)
GPUS = st.sampled_from([2, 4, 8, 16, 32, 64])
METHOD = st.sampled_from(tr.METHODS)


@given(params=PARAMS, layer=st.floats(1e6, 2e10), gpus=GPUS, method=METHOD)
def test_standard_adds_exactly_the_gathered_layers(
    params: float, layer: float, gpus: int, method: str
) -> None:
    kwargs = {"params": params, "method": method, "adapter_params": 1e7, "activations": 3e9}
    with_layer = tm.training_memory_per_gpu(gpus=gpus, layer_params=layer, **kwargs)
    without = tm.training_memory_per_gpu(gpus=gpus, layer_params=0.0, **kwargs)
    gathered = tm.gathered_bytes(layer_params=layer, method=method, stack="standard", gpus=gpus)
    assert with_layer - without == pytest.approx(gathered, rel=1e-9)
    assert gathered >= layer * 2 * 0.515869140625  # at least two layers in NF4


@given(params=PARAMS, gpus=GPUS, split=st.sampled_from([1, 2, 4, 8, 16, 32, 64]))
def test_megatron_full_is_six_over_split_plus_twelve_over_gpus(
    params: float, gpus: int, split: int
) -> None:
    split = min(split, gpus)
    got = tm.training_memory_per_gpu(
        params=params,
        method="full",
        gpus=gpus,
        adapter_params=0.0,
        activations=0.0,
        layer_params=1e9,
        stack="optimized",
        model_parallel=split,
    )
    assert got == pytest.approx(params * (6 / split + 12 / gpus) + 2e9, rel=1e-12)
    # never below the 18 B a parameter of splitting everything over every GPU
    assert got >= params * 18 / gpus + 2e9 - 1e-3 * params / gpus
