"""Invariants of the serving and training estimates over the whole catalog, as a lead
would probe them: more of what costs never costs less, a faster GPU never serves less,
and a LoRA never costs more than full fine-tuning of the same model."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware.estimate import ServingEstimate, estimate_serving, valid_tensor_parallel
from payback.hardware.fine_tuning import TrainingEstimate, estimate_training

CATALOG = default_catalog()
MODELS = st.sampled_from(sorted(CATALOG.models))
GPUS = st.sampled_from(["h100-sxm", "h200", "a100-80gb", "a100-40gb", "l40s", "l4", "mi300x"])
PRECISIONS = st.sampled_from(["bf16", "fp8", "int8", "int4", "mxfp4"])
ENGINES = st.sampled_from(["vllm", "sglang", "trtllm", "lean"])
TOKENS = st.floats(16.0, 8000.0)


def _serving(model: str, gpu: str, precision: str, **kw: object) -> ServingEstimate | None:
    try:
        return estimate_serving(CATALOG.model(model), CATALOG.gpu(gpu), precision, **kw)  # type: ignore[arg-type]
    except PaybackError:
        return None


def _training(model: str, gpu: str, method: str, **kw: object) -> TrainingEstimate | None:
    try:
        return estimate_training(CATALOG.model(model), CATALOG.gpu(gpu), method, **kw)  # type: ignore[arg-type]
    except PaybackError:
        return None


@given(MODELS, GPUS, PRECISIONS, ENGINES, TOKENS, TOKENS, st.floats(1.05, 4.0), st.data())
def test_longer_requests_never_raise_a_replicas_requests_per_s(
    model: str,
    gpu: str,
    precision: str,
    engine: str,
    prompt: float,
    output: float,
    longer: float,
    data: st.DataObject,
) -> None:
    tp = data.draw(st.sampled_from(valid_tensor_parallel(CATALOG.model(model))))
    common = {"engine": engine, "gpus_per_replica": tp}
    base = _serving(model, gpu, precision, input_tokens=prompt, output_tokens=output, **common)
    if base is None:
        return
    for more in (
        {"input_tokens": prompt * longer, "output_tokens": output},
        {"input_tokens": prompt, "output_tokens": output * longer},
    ):
        grown = _serving(model, gpu, precision, **more, **common)
        if grown is not None:
            assert grown.replica_requests_per_s <= base.replica_requests_per_s * (1 + 1e-9)


@given(MODELS, GPUS, PRECISIONS, ENGINES, TOKENS, TOKENS, st.floats(1.01, 3.0))
def test_a_faster_gpu_with_the_same_memory_never_serves_less(
    model: str,
    gpu: str,
    precision: str,
    engine: str,
    prompt: float,
    output: float,
    faster: float,
) -> None:
    record = CATALOG.gpu(gpu)
    quicker = record.model_copy(
        update={
            "memory_bandwidth_gb_s": record.memory_bandwidth_gb_s * faster,
            **{
                name: getattr(record, name) * faster
                for name in ("bf16_tflops", "fp8_tflops", "int8_tops", "interconnect_gb_s")
                if getattr(record, name) is not None
            },
        }
    )
    lengths = {"input_tokens": prompt, "output_tokens": output, "engine": engine}
    base = _serving(model, gpu, precision, **lengths)
    if base is None:
        return
    fast = estimate_serving(
        CATALOG.model(model), quicker, precision, gpus_per_replica=base.gpus_per_replica, **lengths
    )
    assert fast.replica_requests_per_s >= base.replica_requests_per_s * (1 - 1e-9)
    assert fast.ttft_ms <= base.ttft_ms * (1 + 1e-9)


@given(
    MODELS,
    GPUS,
    st.sampled_from(["full", "lora", "qlora"]),
    st.sampled_from(["standard", "optimized", "unsloth"]),
    st.floats(1e4, 1e10),
    st.floats(1.01, 10.0),
)
def test_more_training_tokens_never_cost_less_or_take_less_time(
    model: str, gpu: str, method: str, stack: str, tokens: float, more: float
) -> None:
    base = _training(model, gpu, method, tokens=tokens, epochs=1.0, stack=stack)
    if base is None or base.usd is None:
        return
    for grown in (
        _training(model, gpu, method, tokens=tokens * more, epochs=1.0, stack=stack),
        _training(model, gpu, method, tokens=tokens, epochs=more, stack=stack),
    ):
        assert grown is not None
        assert grown.usd is not None
        assert grown.usd >= base.usd * (1 - 1e-12)
        assert grown.hours >= base.hours * (1 - 1e-12)
    paid = _training(model, gpu, method, tokens=tokens, epochs=1.0, stack=stack, runs=3)
    assert paid is not None
    assert paid.usd is not None
    assert paid.usd == base.usd * 3


@given(MODELS, GPUS, st.sampled_from(["standard", "optimized"]), st.floats(1e5, 1e10))
def test_a_lora_never_costs_more_than_full_fine_tuning(
    model: str, gpu: str, stack: str, tokens: float
) -> None:
    full = _training(model, gpu, "full", tokens=tokens, stack=stack)
    lora = _training(model, gpu, "lora", tokens=tokens, stack=stack)
    if full is None or full.usd is None:
        return
    assert lora is not None  # what fits for full fine-tuning fits for a LoRA
    assert lora.usd is not None
    assert lora.usd <= full.usd
    assert lora.gpus <= full.gpus


@given(MODELS, GPUS, st.sampled_from(["full", "lora"]), st.floats(1e8, 1e10))
def test_more_gpus_never_make_a_run_longer(
    model: str, gpu: str, method: str, tokens: float
) -> None:
    times = [
        run.hours
        for count in (1, 2, 4, 8, 16, 32)
        if (run := _training(model, gpu, method, tokens=tokens, gpus=count)) is not None
    ]
    assert times == sorted(times, reverse=True)
