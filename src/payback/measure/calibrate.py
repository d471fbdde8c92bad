"""``payback calibrate``: time a model of the catalog shape on this machine's GPU or CPU.

Weights do not change speed, so nothing is downloaded: a decoder of the model's shape
(embedding, pre-norm attention with grouped-query heads, SwiGLU MLP, output projection)
is built with random weights in PyTorch (:mod:`payback.measure.timing`), and three things
are timed:

- a training step (forward, backward, AdamW) of the fine-tuning method (LoRA adapters
  of rank 16 on every linear layer over frozen weights, or every weight for ``full``);
- prefill: a batch of prompts through the model, logits for the last token only;
- decode steps at several batch sizes over a KV cache of ``context`` tokens, replayed
  as CUDA graphs on a GPU (the way serving engines run them).

The measured decode steps are fitted to the roofline's ``overhead + bytes / (bandwidth
· efficiency)`` (:func:`payback.hardware.calibration.fit_decode`), prefill gives its
utilisation of the tensor peak, and training its throughput over the estimate's; together
these are the :class:`payback.hardware.calibration.Factors` later estimates on this device
use. Rotary position embeddings and biases are left out (element-wise work under 1% of the
FLOPs). PyTorch is an optional dependency: ``pip install 'payback[calibrate]'``.
"""

from __future__ import annotations

import datetime as dt
import math
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from payback.catalog import Catalog, Gpu, OpenModel
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware import training as tr
from payback.hardware.calibration import DecodePoint, Factors
from payback.hardware.estimate import serving_shape
from payback.measure import estimates, timing
from payback.measure.apply import far_from_gpu
from payback.measure.calibration import Calibration, Measured
from payback.measure.devices import cpu_memory_bytes, gpu_for_device, measured_spec

__all__ = ["DEFAULT_BATCHES", "gpu_for_device", "run_calibration"]

DEFAULT_BATCHES = (1, 4, 16, 64, 256)
"""Decode batch sizes timed (those whose KV cache fits)."""
Progress = Callable[[str, float], None]
"""``progress(phase, share_done)`` callbacks."""


def run_calibration(
    model: OpenModel,
    *,
    catalog: Catalog,
    gpu: Gpu | None = None,
    method: str = "lora",
    precision: str = "bf16",
    device: str | None = None,
    context: int = 1024,
    batches: Sequence[int] = DEFAULT_BATCHES,
    seconds: float = 120.0,
    checkpointing: bool = True,
    progress: Progress | None = None,
) -> Calibration:
    """Time training, prefill and decode of ``model`` on this machine; see the module doc.

    ``gpu`` is the catalog GPU the device is (found from its name when not given); on a
    CPU, or a GPU the catalog lacks, the measured matrix-product and copy speeds stand
    in for its datasheet. ``seconds`` is the time for the whole measurement: the steps
    timed are sized from the device's measured speed to fit it, and a step that has
    started finishes. ``checkpointing`` recomputes activations
    in training, as the estimate's memory model and common fine-tuning stacks do; the
    recomputation is not counted as useful work. Dense decoders with grouped-query
    attention only: a mixture of experts or latent attention is measured by a serving
    benchmark (``payback import-benchmark``).
    """
    _check_options(model, gpu, method, precision, device, context, seconds)  # before torch
    start = time.perf_counter()  # PyTorch's start-up (seconds on a CPU) is in the time
    torch = timing.torch_module()
    device = _checked_device(torch, gpu, device)
    run = _Run(
        torch,
        device,
        timing.Timer(torch, device),
        start + seconds,
        progress or (lambda phase, share: None),
    )
    torch.manual_seed(0)
    # a second for each speed, less in a short time (5 s: a quarter second each)
    found = _probe_device(run, catalog, gpu, probe_s=min(1.0, 0.05 * seconds))
    shape = serving_shape(model, found.spec, "bf16", 1)
    weights_total = _weights_that_fit(model, found)
    measured: dict[str, Any] = {
        "matmul_tflops": found.matmul_tflops,
        "copy_gb_s": found.copy_gb_s,
        "training_method": method,
    }
    factors: dict[str, Any] = {}
    for step_measured, step_factors in (
        _time_training(run, model, found, method, context, checkpointing),
        _time_serving(run, model, found, context, batches, shape, weights_total),
    ):
        measured.update(step_measured)
        factors.update(step_factors)
    run.notes += _closing_notes(device, checkpointing) + _overrun(start, seconds)
    if device != "cpu" and (far := far_from_gpu(Factors(**factors))):  # a CPU's: refused
        run.notes.append(
            f"{far}: this device ({found.name}) is not the GPU you will serve on; "
            "estimates with these factors take a GPU to be as slow as it"
        )
    return Calibration(
        kind="calibration",
        tool="payback calibrate",
        created=dt.datetime.now().isoformat(timespec="seconds"),
        model=model.id,
        gpu=found.spec.id if found.spec.id not in ("cpu", "measured") else None,
        device=found.name,
        precision="bf16",
        measured=Measured(notes=run.notes, **measured),
        factors=Factors(**factors),
    )


@dataclass
class _Run:
    """What the steps of one calibration share: the device, the time left, the notes."""

    torch: Any
    device: str
    timer: timing.Timer
    end: float
    """When the measurement's time is up (``time.perf_counter``)."""
    report: Progress
    notes: list[str] = field(default_factory=list)
    """What the measurement left out or could not do."""

    @property
    def dtype(self) -> Any:
        return self.torch.bfloat16

    def left(self) -> float:
        """Seconds left of the measurement's time."""
        return max(self.end - time.perf_counter(), 0.0)


@dataclass(frozen=True)
class _Device:
    """The device measured and its measured speeds."""

    name: str
    """As the machine names it."""
    spec: Gpu
    """Its catalog record, or one of the measured speeds (a CPU, a GPU the catalog lacks)."""
    free_bytes: float
    matmul_tflops: float
    copy_gb_s: float
    achievable_flops: float
    """What a step of a model this size reaches: a third of the measured peak on a GPU, a
    tenth on a CPU (small kernels, bf16 emulation) [FLOP/s]."""


MAX_SECONDS = 3600.0
"""The longest measurement ``seconds`` asks for: an hour (a GPU's takes about 20 s)."""


def _check_options(
    model: OpenModel,
    gpu: Gpu | None,
    method: str,
    precision: str,
    device: str | None,
    context: int,
    seconds: float,
) -> None:
    """One line naming the first option that cannot be used; checked before PyTorch is
    loaded, so that a bad option is said as such where PyTorch is missing too."""
    if model.is_moe or model.is_mla:
        raise PaybackError.bad(
            "model",
            model.id,
            "calibrate times a dense decoder with grouped-query attention; measure a mixture "
            "of experts or latent attention with a serving benchmark (payback import-benchmark)",
        )
    if precision != "bf16":
        raise PaybackError.bad(
            "precision",
            precision,
            "calibrate measures bf16 (fp8 and int4 need a serving engine's kernels); "
            "its factors serve estimates at every precision",
        )
    if method not in ("lora", "full"):
        raise PaybackError.bad("method", method, "calibrate measures lora or full fine-tuning")
    if not 16 <= context <= model.max_context:
        raise PaybackError.bad(
            "context",
            context,
            f"must be 16 to {model.max_context:,} tokens ({model.id}'s longest context)",
        )
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_SECONDS):  # 1e308 ran on and on
        raise PaybackError.bad(
            "seconds",
            seconds,
            f"must be > 0 and ≤ {MAX_SECONDS:,.0f} (an hour; 20 s does on a GPU)",
        )
    if device is not None and device not in ("cuda", "cpu"):
        raise PaybackError.bad("device", device, "must be cuda or cpu")
    if device == "cpu" and gpu is not None:
        raise PaybackError.bad(
            "gpu", gpu.id, "names the catalog GPU a CUDA device is; not used on a CPU"
        )


def _checked_device(torch: Any, gpu: Gpu | None, device: str | None) -> str:
    """The device to measure (``cuda`` when PyTorch sees one, else ``cpu``); one line when
    PyTorch sees no GPU where one is asked for."""
    if device is None and gpu is not None and not torch.cuda.is_available():
        raise PaybackError.bad(
            "gpu",
            gpu.id,
            f"PyTorch {torch.__version__} sees no CUDA GPU: calibrate would measure the CPU, "
            "where no catalog GPU is used; leave the GPU out to measure the CPU, or run it "
            "where PyTorch sees the GPU",
        )
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise PaybackError.bad(
            "device",
            device,
            f"PyTorch {torch.__version__} sees no CUDA GPU; use the CPU, or a torch build with CUDA",
        )
    if device == "cpu" and gpu is not None:
        raise PaybackError.bad(
            "gpu", gpu.id, "names the catalog GPU a CUDA device is; not used on a CPU"
        )
    return device


def _probe_device(run: _Run, catalog: Catalog, gpu: Gpu | None, probe_s: float = 1.0) -> _Device:
    """The device's matrix-product and copy speeds (each timed for about ``probe_s``), its
    catalog record and its free memory."""
    torch, device = run.torch, run.device
    run.report("device", 0.0)
    matmul, copy = timing.device_speed(torch, run.timer, device, run.dtype, probe_s)
    if device == "cuda":
        name = torch.cuda.get_device_name()
        free_bytes = float(torch.cuda.mem_get_info()[0])
        found = gpu_for_device(name, catalog)
        if gpu is not None and found is not None and found.id != gpu.id:
            raise PaybackError.bad("gpu", gpu.id, f"this device is {name} (catalog {found.id})")
        spec = gpu or found
        if spec is None:
            props = torch.cuda.get_device_properties(0)
            spec = measured_spec("measured", name, props.total_memory, matmul, copy, props)
            run.notes.append(
                f"{name} is not in the catalog: the measured matrix product and copy stand in for its datasheet"
            )
    else:
        name = f"CPU {platform.processor() or platform.machine()}"
        threads = f"{name} ({torch.get_num_threads()} threads)"
        spec = measured_spec("cpu", threads, cpu_memory_bytes(), matmul, copy)
        free_bytes = spec.memory_gb * 1e9 * 0.5
    run.report("device", 1.0)
    achievable = matmul * 1e12 / (3.0 if device == "cuda" else 10.0)
    return _Device(name, spec, free_bytes, matmul, copy, achievable)


def _weights_that_fit(model: OpenModel, found: _Device) -> float:
    """The model's bf16 weights [bytes]; one line when they do not fit the free memory."""
    weights_total = float(sv.weights_bytes(model.params_b * 1e9, "bf16"))
    if weights_total > 0.8 * found.free_bytes:
        raise PaybackError(
            f"{model.id}: {weights_total / 1e9:.1f} GB of bf16 weights do not fit in the {found.free_bytes / 1e9:.1f} GB "
            f"free on {found.name}; calibrate a smaller model of the same family"
        )
    return weights_total


def _time_training(
    run: _Run, model: OpenModel, found: _Device, method: str, context: int, checkpointing: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A training step's throughput, and its ratio to the estimate's (measured, factors)."""
    measured: dict[str, Any] = {}
    factors: dict[str, Any] = {}
    # a step of k·N FLOPs per token (+2N recomputed) at a third of the measured peak, and
    # about five steps (warm-up included) within the training time
    k = tr.FLOPS_PER_PARAM_TOKEN[method] + (2.0 if checkpointing else 0.0)
    per_token_s = k * model.params_b * 1e9 / found.achievable_flops
    training_s = 0.3 * run.left()
    tokens_per_step = _affordable(4096, per_token_s, training_s / 5.0)
    seq = min(2048, max(context, 16), tokens_per_step)
    micro = max(1, tokens_per_step // seq)
    tokens_per_step = micro * seq
    if tokens_per_step < 4096:
        run.notes.append(
            f"training timed on {tokens_per_step} tokens a step (4,096 would overrun the time; "
            "a longer time allows more)"
        )
    run.report("training", 0.0)
    torch, device = run.torch, run.device
    net = timing.build_decoder(torch, model, device, run.dtype, method, checkpointing)
    try:
        estimated = estimates.training_estimate(model, found.spec, method)
    except PaybackError as exc:
        estimated = None
        run.notes.append(f"training not estimated on one {found.spec.id}: {exc}")
    try:
        step = timing.training_step_seconds(
            torch, net, model, micro, seq, device, training_s, run.timer
        )
        measured.update(
            training_tokens=tokens_per_step, training_tokens_per_s=tokens_per_step / step
        )
        if estimated:
            measured["training_estimated_tokens_per_s"] = estimated
            factors.update(
                training_method=method, training_mfu_ratio=tokens_per_step / step / estimated
            )
    except torch.OutOfMemoryError:
        run.notes.append(
            f"training skipped: a {method} step of {tokens_per_step} tokens does not fit in memory"
        )
    net = None
    timing.free(torch, device)
    run.report("training", 1.0)
    return measured, factors


def _time_serving(
    run: _Run,
    model: OpenModel,
    found: _Device,
    context: int,
    batches: Sequence[int],
    shape: dict[str, Any],
    weights_total: float,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Prefill and decode of one inference model (measured, factors)."""
    run.report("prefill", 0.0)
    net = timing.build_decoder(run.torch, model, run.device, run.dtype, None)
    measured, factors = _time_prefill(run, net, model, found, context, shape)
    timing.free(run.torch, run.device)
    run.report("prefill", 1.0)
    points, steps = _time_decode(run, net, model, found, context, batches, shape, weights_total)
    measured["decode"] = points
    factors.update(_decode_factors(run, model, shape, steps))
    return measured, factors


def _time_prefill(
    run: _Run, net: Any, model: OpenModel, found: _Device, context: int, shape: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Prefill's throughput against the estimate's, and its utilisation of the peak."""
    prompt_s = 2.0 * model.params_b * 1e9 * context / found.achievable_flops
    prefill_s = 0.2 * run.left()
    prompts = max(1, min(8192 // context, int(prefill_s / 5.0 / prompt_s)))
    if prompt_s * 5.0 > prefill_s:
        run.notes.append(
            f"prefill timed fewer times than usual: the time left ({prefill_s:.1f} s) is short for "
            f"prompts of {context} tokens (a longer time or a shorter context allows more)"
        )
    took = timing.prefill_seconds(
        run.torch, net, model, prompts, context, run.device, prefill_s, run.timer
    )
    estimated = estimates.prefill_estimate(shape, context)
    measured = {
        "prefill_tokens": context,
        "prefill_tokens_per_s": prompts * context / took,
        "prefill_estimated_tokens_per_s": estimated,
    }
    mfu = estimates.prefill_mfu_of(prompts * context / took, estimated)
    if mfu > 1.0:  # as decode's: a cap said, not hidden
        run.notes.append(
            f"prefill ran at {mfu:.2f} of the peak the estimate takes for this device (its "
            "matrix-product speed, measured or listed, is below what prefill reached): "
            "prefill_mfu capped at 1"
        )
    return measured, {"prefill_mfu": min(1.0, mfu)}


def _time_decode(
    run: _Run,
    net: Any,
    model: OpenModel,
    found: _Device,
    context: int,
    batches: Sequence[int],
    shape: dict[str, Any],
    weights_total: float,
) -> tuple[list[DecodePoint], list[tuple[int, float, float]]]:
    """Decode steps at the batches that fit, against the estimate; and each step as its
    batch, context and seconds, which the bandwidth line is fitted to."""
    fits = _decode_batches(run, found, context, batches, shape, weights_total)
    points: list[DecodePoint] = []
    steps: list[tuple[int, float, float]] = []
    graphs = run.device == "cuda"
    for i, b in enumerate(fits):
        share = max(min(2.0, run.left() / (len(fits) - i)), 0.2)
        if len(points) >= 2 and run.left() <= 0.0:  # two points make the fit
            run.notes.append(f"decode batches from {b} on skipped: the time budget ran out")
            break
        run.report(f"decode batch {b}", i / len(fits))
        step_s, graphs = timing.decode_step_seconds(
            run.torch,
            net,
            model,
            b,
            context,
            run.device,
            run.dtype,
            run.timer,
            graphs,
            run.notes,
            share,
        )
        points.append(
            DecodePoint(
                batch=b,
                context_tokens=context,
                measured_ms=step_s * 1e3,
                estimated_ms=estimates.decode_estimate_ms(shape, b, context),
            )
        )
        steps.append((b, context, step_s))
        timing.free(run.torch, run.device)
    run.report("decode", 1.0)
    return points, steps


def _decode_batches(
    run: _Run,
    found: _Device,
    context: int,
    batches: Sequence[int],
    shape: dict[str, Any],
    weights_total: float,
) -> list[int]:
    """The batches whose KV cache of ``context`` tokens fits beside the weights."""
    kv_per_token = float(shape["kv_bytes_per_token"])
    free_bytes = found.free_bytes
    room = free_bytes * 0.8 - weights_total if run.device == "cuda" else free_bytes * 0.5
    fits = [b for b in batches if b * context * kv_per_token <= room and b <= sv.VLLM.max_num_seqs]
    if len(fits) < len(batches):
        run.notes.append(
            f"decode batches {', '.join(str(b) for b in batches if b not in fits)} skipped: their KV cache does not fit"
        )
    return fits


def _decode_factors(
    run: _Run, model: OpenModel, shape: dict[str, Any], steps: list[tuple[int, float, float]]
) -> dict[str, Any]:
    """The bandwidth efficiency and overheads fitted to the memory-bound decode steps
    (:func:`payback.measure.estimates.decode_factors`), with a note where none was or a
    factor is capped."""
    factors = estimates.decode_factors(model, shape, steps)
    if not factors:
        run.notes.append(
            "decode was compute-bound at every batch on this device (its measured matrix-product "
            "speed is low against its copy speed): no bandwidth_efficiency or step overhead fitted"
        )
    elif factors["bandwidth_efficiency"] >= 1.0:
        run.notes.append(
            "decode ran at or above the bandwidth bound (caches hold the model): bandwidth_efficiency capped at 1"
        )
    return factors


def _closing_notes(device: str, checkpointing: bool) -> list[str]:
    """What every calibration on this device says about how it was measured."""
    notes = []
    if device == "cpu":
        notes.append(
            "measured on a CPU: the factors describe this CPU, with its measured matrix-product "
            "and copy speeds as the peak; estimates for a GPU refuse them (calibrate on the GPU "
            "you serve on for factors to use)"
        )
    notes.append(
        "training timed with activation checkpointing (each layer recomputed in the backward pass)"
        if checkpointing
        else "training timed without activation checkpointing; a stack that recomputes activations runs about a quarter slower"
    )
    return notes


OVERRUN_SAID = 1.2
"""A measurement that takes more than this share of the time asked says so in a note."""


def _overrun(start: float, seconds: float) -> list[str]:
    """A note when the measurement ran past its time: every step is timed a few times
    however short the time, and two decode batches always, so a short time on a slow
    device (a CPU) runs over."""
    took = time.perf_counter() - start
    if took <= OVERRUN_SAID * seconds:
        return []
    return [
        f"the measurement took {took:,.0f} s of the {seconds:g} s asked: each step is timed "
        "after a warm-up at least three times, and two decode batches always, however short "
        "the time"
    ]


def _affordable(wanted: int, per_token_s: float, seconds: float, floor: int = 64) -> int:
    """The most tokens, up to ``wanted`` and at least ``floor`` (powers of two below
    ``wanted``), one run of which takes about ``seconds`` at ``per_token_s``.

    >>> _affordable(4096, 1e-4, 10.0), _affordable(4096, 1e-3, 1.0), _affordable(4096, 1.0, 1.0)
    (4096, 512, 64)
    """
    tokens = wanted
    while tokens > floor and tokens * per_token_s > seconds:
        tokens //= 2
    return max(tokens, floor)
