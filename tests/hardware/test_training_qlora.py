"""QLoRA's memory: the decoder's linear weights in NF4, its root in 16 bits.

bitsandbytes (and so PEFT's QLoRA recipe, TRL and Unsloth) replaces only the ``nn.Linear``
modules of the decoder with 4-bit ones: the input embedding is an ``nn.Embedding`` and
transformers keeps the output projection (``lm_head``, or the matrix tied to it) out of
the conversion. So the root, which :func:`~payback.hardware.fine_tuning.root_parameters`
counts (embedding, ``lm_head`` and final norm; a tied matrix once), stays 2 B a parameter
and only the rest is NF4. The estimate used to hold every parameter in NF4.

NF4 itself, with double quantization (arXiv:2305.14314, section 3): 4 bits, plus a block of
64's absmax in 8 bits (8/64) with an FP32 constant for each 256 blocks (32/(64 · 256)):
4.126953125 bits = 0.515869140625 B. The estimate used 0.55 B, neither that nor the
4.5 bits (0.5625 B) of FP32 constants.

By hand, one GPU, a micro-batch of 4,096 tokens, the ``standard`` stack:

Llama-3.1-8B on one L4 (untied; root 2 × 128,256 × 4,096 + 4,096 = 1,050,677,248):
  weights   (8.03e9 − 1,050,677,248) × 0.515869140625 + 1,050,677,248 × 2
            = 3,600,417,230.22 + 2,101,354,496 = 5,701,771,726.22
  adapters  41,943,040 × 16 = 671,088,640
  activations 1,073,741,824 + 687,865,856 + 3,152,019,456 = 4,913,627,136
  runtime   2,000,000,000
  total     13,286,487,502.22 B = 12.37 GiB (all at 0.55 B: 8.03e9 × 0.55 = 4,416,500,000,
            12,001,215,776 B = 11.18 GiB; the root in 16 bits at 0.55 B: 12.60 GiB)
Qwen2.5-0.5B on one L4 (tied; root 151,936 × 896 + 896 = 136,135,552, the matrix once):
  weights   (0.49e9 − 136,135,552) × 0.515869140625 + 136,135,552 × 2
            = 182,547,748.69 + 272,271,104 = 454,818,852.69
  adapters  24 layers × 16 × (1,792 + 2 × 1,024 + 1,792 + 2 × 5,760 + 5,760)
            = 8,798,208 parameters, × 16 = 140,771,328
  activations 4096 × 896 × 2 × 24 + 4096 × (8,960 + 14,592) × 2 + 4096 × 151,936 × 6
            = 176,160,768 + 192,937,984 + 3,733,979,136 = 4,103,077,888
  total     6,698,668,068.69 B (all at 0.55 B: 6,513,349,216; counted twice, as if
            untied, 136,134,656 × 1.484 = 202,041,644 B more)
Llama-3.1-70B on one H100 (root 2 × 128,256 × 8,192 + 8,192 = 2,101,354,496):
  weights   (70.6e9 − 2,101,354,496) × 0.515869140625 + 2,101,354,496 × 2
            = 35,336,337,390.13 + 4,202,708,992 = 39,539,046,382.13
  adapters  207,093,760 × 16 = 3,313,500,160; activations 9,896,460,288; runtime 2e9
  total     54,749,006,830.13 B = 50.99 GiB, one H100 (0.9 × 85,520,809,984 =
            76,968,728,986 usable); all at 0.55 B, 54,039,960,448 B = 50.33 GiB
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import run
from payback.catalog import default_catalog
from payback.hardware import training_memory as tm
from payback.hardware.fine_tuning import estimate_training, root_parameters

CAT = default_catalog()
GIB = 2**30


def _memory(model: str, gpu: str, **kwargs: object) -> tuple[int, float]:
    est = estimate_training(CAT.model(model), CAT.gpu(gpu), "qlora", tokens=1e8, **kwargs)
    return est.gpus, est.memory_gib * GIB


def test_nf4_with_double_quantization_is_4_127_bits() -> None:
    assert tm.NF4_BYTES_PER_PARAM == (4 + 8 / 64 + 32 / (64 * 256)) / 8 == 0.515869140625
    assert tm.BYTES_PER_PARAM_STATE["qlora"] == tm.NF4_BYTES_PER_PARAM
    assert tm.GATHERED_WEIGHT_BYTES["qlora"] == tm.NF4_BYTES_PER_PARAM
    assert tm.MEGATRON_STATE_BYTES["qlora"] == (tm.NF4_BYTES_PER_PARAM, 0.0)


def test_llama_8b_on_an_l4_holds_its_embedding_and_lm_head_in_16_bits() -> None:
    gpus, memory = _memory("llama-3.1-8b", "l4")
    assert gpus == 1
    assert memory == pytest.approx(13_286_487_502.21875, rel=1e-12)
    assert memory / GIB == pytest.approx(12.374, abs=5e-4)


def test_a_tied_embedding_is_held_once() -> None:
    qwen = CAT.model("qwen2.5-0.5b")
    assert qwen.tied_embeddings
    assert root_parameters(qwen) == 151_936 * 896 + 896 == 136_135_552
    gpus, memory = _memory("qwen2.5-0.5b", "l4")
    assert gpus == 1
    assert memory == pytest.approx(6_698_668_068.6875, rel=1e-12)


def test_llama_70b_on_one_h100_still_fits_with_its_root_in_16_bits() -> None:
    gpus, memory = _memory("llama-3.1-70b", "h100-sxm")
    assert gpus == 1
    assert memory == pytest.approx(54_749_006_830.125, rel=1e-12)


def test_the_command_line_shows_it() -> None:
    code, out, _ = run(
        "estimate", "training", "--model", "llama-3.1-8b", "--gpu", "l4",
        "--method", "qlora", "--tokens", "1e7",
    )  # fmt: skip
    assert code == 0
    assert "1 × l4, 12.4 GiB each" in out


ROOT = st.floats(0.0, 5e9)
PARAMS = st.floats(1e10, 1e12)
GPUS = st.sampled_from([1, 2, 4, 8, 16, 32, 64])


@given(params=PARAMS, root=ROOT, gpus=GPUS)
def test_standard_root_costs_its_16_bits_less_nf4_over_the_gpus(
    params: float, root: float, gpus: int
) -> None:
    # each GPU holds its share of the root at 2 B instead of NF4, and (past one GPU) the
    # whole root gathered in BF16, as for every method
    kwargs = {"params": params, "adapter_params": 1e7, "activations": 3e9, "layer_params": 1e8}
    with_root = tm.training_memory_per_gpu(method="qlora", gpus=gpus, root_params=root, **kwargs)
    without = tm.training_memory_per_gpu(method="qlora", gpus=gpus, root_params=0.0, **kwargs)
    per_param = tm.BYTES_PER_PARAM_STATE["qlora"]
    gathered = root * 2.0 if gpus > 1 else 0.0
    expected = root * (2.0 - per_param) / gpus + gathered
    assert with_root - without == pytest.approx(expected, rel=1e-9, abs=1e-3)
    # LoRA and full fine-tuning hold the root as every other weight: only the gathered copy
    for method in ("lora", "full"):
        more = tm.training_memory_per_gpu(method=method, gpus=gpus, root_params=root, **kwargs)
        less = tm.training_memory_per_gpu(method=method, gpus=gpus, root_params=0.0, **kwargs)
        assert more - less == pytest.approx(gathered, rel=1e-9, abs=1e-3)


@given(params=PARAMS, root=ROOT, split=st.sampled_from([1, 2, 4, 8]), extra=st.integers(0, 3))
def test_megatron_splits_the_16_bit_root_with_the_weights(
    params: float, root: float, split: int, extra: int
) -> None:
    gpus = split * 2**extra
    kwargs = {"params": params, "method": "qlora", "gpus": gpus, "adapter_params": 0.0}
    kwargs |= {"activations": 0.0, "layer_params": 0.0, "stack": "optimized"}
    got = tm.training_memory_per_gpu(model_parallel=split, root_params=root, **kwargs)
    per_param = tm.BYTES_PER_PARAM_STATE["qlora"]
    expected = ((params - root) * per_param + root * 2.0) / split + 2e9
    assert got == pytest.approx(expected, rel=1e-12)
