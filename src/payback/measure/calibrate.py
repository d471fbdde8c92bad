"""``payback calibrate``: time a model of the catalog shape on this machine's GPU or CPU.

Weights do not change speed, so nothing is downloaded: a decoder of the model's shape
(embedding, pre-norm attention with grouped-query heads, SwiGLU MLP, output projection)
is built with random weights in PyTorch, and three things are timed:

- a training step (forward, backward, AdamW) of the fine-tuning method (LoRA adapters
  of rank 16 on every linear layer over frozen weights, or every weight for ``full``);
- prefill: a batch of prompts through the model, logits for the last token only;
- decode steps at several batch sizes over a KV cache of ``context`` tokens, replayed
  as CUDA graphs on a GPU (the way serving engines run them).

The measured decode steps are fitted to the roofline's ``overhead + bytes / (bandwidth
· efficiency)`` (:func:`payback.measure.calibration.fit_decode`), prefill gives its utilisation
of the tensor peak, and training its throughput over the estimate's; together these
are the :class:`payback.measure.calibration.Factors` later estimates on this device use.
Rotary position embeddings and biases are left out (element-wise work under 1% of the
FLOPs). PyTorch is an optional dependency: ``pip install 'payback[calibrate]'``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from payback.catalog import Catalog, Gpu, OpenModel
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware import training as tr
from payback.hardware.calibration import DecodePoint, Factors, fit_decode
from payback.hardware.estimate import estimate_training, serving_shape
from payback.measure.calibration import Calibration, Measured

__all__ = ["DEFAULT_BATCHES", "gpu_for_device", "run_calibration"]

DEFAULT_BATCHES = (1, 4, 16, 64, 256)
"""Decode batch sizes timed (those whose KV cache fits)."""
LORA_RANK = 16
Progress = Callable[[str, float], None]
"""``progress(phase, share_done)`` callbacks."""


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise PaybackError(
            "payback calibrate needs PyTorch, an optional dependency: pip install 'payback[calibrate]' "
            "(or a torch build for your GPU from pytorch.org)"
        ) from None
    return torch


def gpu_for_device(name: str, catalog: Catalog) -> Gpu | None:
    """The catalog GPU a CUDA device name (``NVIDIA H100 80GB HBM3``) stands for, if any.

    >>> from payback.catalog import default_catalog
    >>> [gpu_for_device(n, default_catalog()).id for n in
    ...  ("NVIDIA H100 80GB HBM3", "NVIDIA H100 PCIe", "NVIDIA H200", "NVIDIA A100-SXM4-40GB",
    ...   "NVIDIA L40S", "NVIDIA L4", "NVIDIA A10G")]
    ['h100-sxm', 'h100-pcie', 'h200', 'a100-40gb', 'l40s', 'l4', 'a10g']
    """
    words = set(re.findall(r"[a-z0-9]+", name.lower()))
    found = []
    for gpu in catalog.gpus.values():
        parts = gpu.id.split("-")
        head = "".join(parts[:2]) if parts[0] == "rtx" else parts[0]
        joined = "".join(re.findall(r"[a-z0-9]+", name.lower()))
        if head not in words and not (parts[0] == "rtx" and head in joined):
            continue
        variant = parts[-1] if len(parts) > 1 and parts[0] != "rtx" else None
        if variant == "pcie" and "pcie" not in words:
            continue
        if variant == "sxm" and "pcie" in words:
            continue
        if variant and variant.endswith("gb") and variant not in words:
            continue
        found.append(gpu)
    return found[0] if len(found) == 1 else None


def _measured_spec(
    device_id: str, name: str, memory_bytes: float, matmul_tflops: float, copy_gb_s: float
) -> Gpu:
    """A device the catalog lacks (a CPU, an unknown GPU) as a record: the peak and the
    bandwidth just measured stand in for its datasheet."""
    return Gpu(
        id=device_id,
        name=name,
        memory_gb=memory_bytes / 1e9,
        memory_bandwidth_gb_s=copy_gb_s,
        bf16_tflops=matmul_tflops,
        source="measured by payback calibrate on this machine",
        checked=dt.date.today(),
    )


def _cpu_memory_bytes() -> float:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 16.0 * 2**30


class _Timer:
    def __init__(self, torch: Any, device: str) -> None:
        self.torch, self.device = torch, device

    def sync(self) -> None:
        if self.device == "cuda":
            self.torch.cuda.synchronize()

    def median(
        self, fn: Callable[[], Any], seconds: float, reps: int = 20, warmup: int | None = None
    ) -> float:
        """Median time of ``fn`` over up to ``reps`` runs within about ``seconds``, after
        ``warmup`` untimed runs (default: 2 on a GPU, 1 on a CPU)."""
        for _ in range(warmup if warmup is not None else (2 if self.device == "cuda" else 1)):
            fn()
        self.sync()
        times: list[float] = []
        deadline = time.perf_counter() + seconds
        while len(times) < reps:
            now = time.perf_counter()
            # past the time: stop, after at least 3 runs unless they overrun it by half
            if times and now >= deadline and (len(times) >= 3 or now >= deadline + seconds / 2):
                break
            start = time.perf_counter()
            fn()
            self.sync()
            times.append(time.perf_counter() - start)
        return float(np.median(times))


def _device_speed(torch: Any, timer: _Timer, device: str, dtype: Any) -> tuple[float, float]:
    """A large matrix product [TFLOP/s] and a large copy, read plus write [GB/s]."""
    n = 8192 if device == "cuda" else 1024
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    t = timer.median(lambda: a @ b, 1.0, reps=10)
    size = 2**30 if device == "cuda" else 2**27
    src = torch.empty(size, dtype=torch.uint8, device=device)
    dst = torch.empty_like(src)
    c = timer.median(lambda: dst.copy_(src), 1.0, reps=10)
    return 2.0 * n**3 / t / 1e12, 2.0 * size / c / 1e9


def _build(
    torch: Any,
    model: OpenModel,
    device: str,
    dtype: Any,
    method: str | None,
    checkpointing: bool = False,
) -> Any:
    """A decoder of the model's shape with random weights (LoRA adapters when asked;
    with ``checkpointing``, each layer's activations are recomputed in the backward pass)."""
    nn, F = torch.nn, torch.nn.functional
    Module: Any = nn.Module
    h, heads, kv, hd, f = (
        model.hidden_size,
        model.heads,
        model.kv_heads,
        model.head_dim,
        model.intermediate_size,
    )

    class Linear(Module):  # type: ignore[misc]
        def __init__(self, fan_in: int, fan_out: int) -> None:
            super().__init__()
            self.weight = nn.Parameter(
                torch.empty(fan_out, fan_in, device=device, dtype=dtype).normal_(std=0.02),
                requires_grad=method == "full",
            )
            self.lora = method == "lora"
            if self.lora:
                self.a = nn.Parameter(
                    torch.empty(fan_in, LORA_RANK, device=device, dtype=dtype).normal_(std=0.02)
                )
                self.b = nn.Parameter(torch.zeros(LORA_RANK, fan_out, device=device, dtype=dtype))

        def forward(self, x: Any) -> Any:
            y = F.linear(x, self.weight)
            return y + (x @ self.a) @ self.b if self.lora else y

    class Block(Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.n1 = nn.RMSNorm(h, device=device, dtype=dtype)
            self.n2 = nn.RMSNorm(h, device=device, dtype=dtype)
            self.q, self.k, self.v = Linear(h, heads * hd), Linear(h, kv * hd), Linear(h, kv * hd)
            self.o = Linear(heads * hd, h)
            self.gate, self.up, self.down = Linear(h, f), Linear(h, f), Linear(f, h)

        def forward(self, x: Any, cache: tuple[Any, Any] | None = None) -> Any:
            b, t, _ = x.shape
            y = self.n1(x)
            q = self.q(y).view(b, t, heads, hd).transpose(1, 2)
            k = self.k(y).view(b, t, kv, hd).transpose(1, 2)
            v = self.v(y).view(b, t, kv, hd).transpose(1, 2)
            if cache is None:
                a = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=kv != heads)
            else:  # one new token per sequence, written at the cache's last position
                kc, vc = cache
                kc[:, :, -1:].copy_(k)
                vc[:, :, -1:].copy_(v)
                a = F.scaled_dot_product_attention(q, kc, vc, enable_gqa=kv != heads)
            x = x + self.o(a.transpose(1, 2).reshape(b, t, heads * hd))
            y = self.n2(x)
            return x + self.down(F.silu(self.gate(y)) * self.up(y))

    class Decoder(Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Parameter(
                torch.empty(model.vocab_size, h, device=device, dtype=dtype).normal_(std=0.02),
                requires_grad=method == "full",
            )
            self.blocks = nn.ModuleList(Block() for _ in range(model.layers))
            self.norm = nn.RMSNorm(h, device=device, dtype=dtype)
            self.head = (
                self.embed
                if model.tied_embeddings
                else nn.Parameter(
                    torch.empty(model.vocab_size, h, device=device, dtype=dtype).normal_(std=0.02),
                    requires_grad=method == "full",
                )
            )
            if method != "full":
                for norm in [self.norm, *(n for blk in self.blocks for n in (blk.n1, blk.n2))]:
                    norm.weight.requires_grad_(False)

        def forward(
            self, tokens: Any, caches: Sequence[tuple[Any, Any]] | None = None, last: bool = False
        ) -> Any:
            x = F.embedding(tokens, self.embed)
            for i, block in enumerate(self.blocks):
                if checkpointing and caches is None and torch.is_grad_enabled():
                    x = torch.utils.checkpoint.checkpoint(block, x, use_reentrant=False)
                else:
                    x = block(x, None if caches is None else caches[i])
            x = self.norm(x[:, -1:] if last else x)
            return F.linear(x, self.head)

    return Decoder()


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
    recomputation is not counted as useful work.
    """
    torch = _torch()
    if precision != "bf16":
        raise PaybackError(
            f"--precision {precision}: calibrate measures bf16 (fp8 and int4 need a serving engine's kernels); "
            "its factors serve estimates at every precision"
        )
    if method not in ("lora", "full"):
        raise PaybackError(f"--method {method}: calibrate measures lora or full fine-tuning")
    if not 16 <= context <= model.max_context:
        raise PaybackError(
            f"--context {context}: must be 16 to {model.max_context:,} tokens ({model.id}'s longest context)"
        )
    if not math.isfinite(seconds) or seconds <= 0:
        raise PaybackError(f"--seconds {seconds}: must be > 0")
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cuda", "cpu"):
        raise PaybackError(f"--device {device}: must be cuda or cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise PaybackError(
            f"--device cuda: PyTorch {torch.__version__} sees no CUDA GPU; use --device cpu, or a torch build with CUDA"
        )
    if device == "cpu" and gpu is not None:
        raise PaybackError(
            f"--gpu {gpu.id}: names the catalog GPU a CUDA device is; not used with --device cpu"
        )
    end = time.perf_counter() + seconds

    def left() -> float:
        return max(end - time.perf_counter(), 0.0)

    report = progress or (lambda phase, share: None)
    dtype = torch.bfloat16
    timer = _Timer(torch, device)
    torch.manual_seed(0)
    notes: list[str] = []
    report("device", 0.0)
    matmul, copy = _device_speed(torch, timer, device, dtype)
    if device == "cuda":
        name = torch.cuda.get_device_name()
        free_bytes = float(torch.cuda.mem_get_info()[0])
        found = gpu_for_device(name, catalog)
        if gpu is not None and found is not None and found.id != gpu.id:
            raise PaybackError(f"--gpu {gpu.id}: this device is {name} (catalog {found.id})")
        spec = gpu or found
        if spec is None:
            memory = torch.cuda.get_device_properties(0).total_memory
            spec = _measured_spec("measured", name, memory, matmul, copy)
            notes.append(
                f"{name} is not in the catalog: the measured matrix product and copy stand in for its datasheet"
            )
    else:
        name = f"CPU {platform.processor() or platform.machine()}"
        threads = f"{name} ({torch.get_num_threads()} threads)"
        spec = _measured_spec("cpu", threads, _cpu_memory_bytes(), matmul, copy)
        free_bytes = spec.memory_gb * 1e9 * 0.5
    report("device", 1.0)
    shape = serving_shape(model, spec, "bf16", 1)
    weights_total = float(sv.weights_bytes(model.params_b * 1e9, "bf16"))
    if weights_total > 0.8 * free_bytes:
        raise PaybackError(
            f"{model.id}: {weights_total / 1e9:.1f} GB of bf16 weights do not fit in the {free_bytes / 1e9:.1f} GB "
            f"free on {name}; calibrate a smaller model of the same family"
        )
    # a third of the measured peak on a GPU, a tenth on a CPU (small kernels, bf16 emulation)
    achievable = matmul * 1e12 / (3.0 if device == "cuda" else 10.0)

    # -- training --------------------------------------------------------------------
    measured: dict[str, Any] = {
        "matmul_tflops": matmul,
        "copy_gb_s": copy,
        "training_method": method,
    }
    factors: dict[str, Any] = {}
    # a step of k·N FLOPs per token (+2N recomputed) at a third of the measured peak, and
    # about five steps (warm-up included) within the training time
    k = tr.FLOPS_PER_PARAM_TOKEN[method] + (2.0 if checkpointing else 0.0)
    per_token_s = k * model.params_b * 1e9 / achievable
    training_s = 0.3 * left()
    tokens_per_step = _affordable(4096, per_token_s, training_s / 5.0)
    seq = min(2048, max(context, 16), tokens_per_step)
    micro = max(1, tokens_per_step // seq)
    tokens_per_step = micro * seq
    if tokens_per_step < 4096:
        notes.append(
            f"training timed on {tokens_per_step} tokens a step (4,096 would overrun the time; "
            "raise --seconds for more)"
        )
    report("training", 0.0)
    net = _build(torch, model, device, dtype, method, checkpointing)
    try:
        estimated = estimate_training(model, spec, method, tokens=1e9, gpus=1).tokens_per_s_per_gpu
    except PaybackError as exc:
        estimated = None
        notes.append(f"training not estimated on one {spec.id}: {exc}")
    try:
        step = _training_step_seconds(torch, net, model, micro, seq, device, training_s, timer)
        measured.update(
            training_tokens=tokens_per_step, training_tokens_per_s=tokens_per_step / step
        )
        if estimated:
            measured["training_estimated_tokens_per_s"] = estimated
            factors.update(
                training_method=method, training_mfu_ratio=tokens_per_step / step / estimated
            )
    except torch.OutOfMemoryError:
        notes.append(
            f"training skipped: a {method} step of {tokens_per_step} tokens does not fit in memory"
        )
    net = None
    _free(torch, device)
    report("training", 1.0)

    # -- prefill ---------------------------------------------------------------------
    report("prefill", 0.0)
    net = _build(torch, model, device, dtype, None)
    prompt_s = 2.0 * model.params_b * 1e9 * context / achievable
    prefill_s = 0.2 * left()
    prompts = max(1, min(8192 // context, int(prefill_s / 5.0 / prompt_s)))
    if prompt_s * 5.0 > prefill_s:
        notes.append(
            f"prefill timed fewer times than usual: the time left ({prefill_s:.1f} s) is short for "
            f"prompts of {context} tokens (raise --seconds, or lower --context)"
        )
    took = _prefill_seconds(torch, net, model, prompts, context, device, prefill_s, timer)
    per_prompt = float(
        sv.prefill_seconds(
            input_tokens=context,
            **{
                k: v
                for k, v in shape.items()
                if k not in ("kv_bytes_per_token", "weights", "bandwidth")
            },
        )
    )
    measured.update(
        prefill_tokens=context,
        prefill_tokens_per_s=prompts * context / took,
        prefill_estimated_tokens_per_s=context / per_prompt,
    )
    factors["prefill_mfu"] = min(1.0, sv.VLLM.prefill_mfu * per_prompt * prompts / took)
    _free(torch, device)
    report("prefill", 1.0)

    # -- decode ----------------------------------------------------------------------
    kv_per_token = float(shape["kv_bytes_per_token"])
    room = free_bytes * 0.8 - weights_total if device == "cuda" else free_bytes * 0.5
    fits = [b for b in batches if b * context * kv_per_token <= room and b <= sv.VLLM.max_num_seqs]
    if len(fits) < len(batches):
        notes.append(
            f"decode batches {', '.join(str(b) for b in batches if b not in fits)} skipped: their KV cache does not fit"
        )
    points: list[DecodePoint] = []
    memory_bound_t: list[float] = []
    memory_bound_bytes: list[float] = []
    graphs = device == "cuda"
    for i, b in enumerate(fits):
        share = max(min(2.0, left() / (len(fits) - i)), 0.2)
        if len(points) >= 2 and left() <= 0.0:  # two points make the fit
            notes.append(f"decode batches from {b} on skipped: the time budget ran out")
            break
        report(f"decode batch {b}", i / len(fits))
        step_s, graphs = _decode_step(
            torch, net, model, b, context, device, dtype, timer, graphs, notes, share
        )
        estimated_s = float(sv.decode_step_seconds(batch=b, context=context, **shape))
        points.append(
            DecodePoint(
                batch=b,
                context_tokens=context,
                measured_ms=step_s * 1e3,
                estimated_ms=estimated_s * 1e3,
            )
        )
        streamed = float(
            sv.decode_bytes(
                batch=b,
                context=context,
                weights=shape["weights"],
                kv_bytes_per_token=kv_per_token,
            )
        )
        compute = float(
            sv.decode_flops(
                batch=b,
                context=context,
                params=shape["params"],
                layers=model.layers,
                attention_width=shape["attention_width"],
            )
        )
        # memory-bound even at the full bandwidth: these points fit the bandwidth line
        if compute / (float(shape["peak_flops"]) * sv.VLLM.decode_mfu) < streamed / float(
            shape["bandwidth"]
        ):
            memory_bound_t.append(step_s)
            memory_bound_bytes.append(streamed)
        _free(torch, device)
    report("decode", 1.0)
    if memory_bound_t:
        eff, step_overhead, layer_overhead = fit_decode(
            step_s=memory_bound_t,
            bytes_per_step=memory_bound_bytes,
            bandwidth=float(shape["bandwidth"]),
            layers=model.layers,
        )
        factors.update(
            bandwidth_efficiency=eff, step_overhead_s=step_overhead, layer_overhead_s=layer_overhead
        )
        if eff >= 1.0:
            notes.append(
                "decode ran at or above the bandwidth bound (caches hold the model): bandwidth_efficiency capped at 1"
            )
    else:
        notes.append(
            "decode was compute-bound at every batch on this device (its measured matrix-product "
            "speed is low against its copy speed): no bandwidth_efficiency or step overhead fitted"
        )
    if device == "cpu":
        notes.append(
            "measured on a CPU: the factors describe this CPU, with its measured matrix-product and copy speeds as the peak"
        )
    notes.append(
        "training timed with activation checkpointing (each layer recomputed in the backward pass)"
        if checkpointing
        else "training timed without activation checkpointing; a stack that recomputes activations runs about a quarter slower"
    )
    return Calibration(
        kind="calibration",
        tool="payback calibrate",
        created=dt.datetime.now().isoformat(timespec="seconds"),
        model=model.id,
        gpu=spec.id if spec.id not in ("cpu", "measured") else None,
        device=name,
        precision="bf16",
        measured=Measured(decode=points, notes=notes, **measured),
        factors=Factors(**factors),
    )


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


def _training_step_seconds(
    torch: Any,
    net: Any,
    model: OpenModel,
    micro: int,
    seq: int,
    device: str,
    seconds: float,
    timer: _Timer,
) -> float:
    """Median time of one training step (forward, loss, backward, AdamW) of micro × seq tokens."""
    params = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-5, foreach=True)
    tokens = torch.randint(0, model.vocab_size, (micro, seq + 1), device=device)

    def step() -> None:
        logits = net(tokens[:, :-1])
        loss = torch.nn.functional.cross_entropy(
            logits.flatten(0, 1).float(), tokens[:, 1:].flatten()
        )
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return timer.median(step, seconds, reps=10)


def _prefill_seconds(
    torch: Any,
    net: Any,
    model: OpenModel,
    prompts: int,
    context: int,
    device: str,
    seconds: float,
    timer: _Timer,
) -> float:
    """Median time to prefill ``prompts`` prompts of ``context`` tokens together."""
    tokens = torch.randint(0, model.vocab_size, (prompts, context), device=device)
    with torch.inference_mode():
        return timer.median(lambda: net(tokens, last=True), seconds, reps=10)


def _free(torch: Any, device: str) -> None:
    import gc

    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()


def _decode_step(
    torch: Any,
    net: Any,
    model: OpenModel,
    batch: int,
    context: int,
    device: str,
    dtype: Any,
    timer: _Timer,
    graphs: bool,
    notes: list[str],
    seconds: float,
) -> tuple[float, bool]:
    """Median time of one decode step of ``batch`` sequences over ``context`` cached tokens."""
    shape = (batch, model.kv_heads, context, model.head_dim)
    caches = [
        (
            torch.zeros(shape, device=device, dtype=dtype),
            torch.zeros(shape, device=device, dtype=dtype),
        )
        for _ in range(model.layers)
    ]
    token = torch.randint(0, model.vocab_size, (batch, 1), device=device)

    def step() -> None:
        logits = net(token, caches)
        token.copy_(logits[:, -1].argmax(-1, keepdim=True))

    with torch.inference_mode():
        run = step
        if graphs:
            try:
                stream = torch.cuda.Stream()
                stream.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(stream):
                    for _ in range(3):
                        step()
                torch.cuda.current_stream().wait_stream(stream)
                graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(graph):
                    step()
                run = graph.replay
            except RuntimeError as exc:
                notes.append(
                    f"CUDA graphs failed ({str(exc).splitlines()[0][:120]}); decode timed without them"
                )
                graphs = False
        took = timer.median(run, seconds, reps=50, warmup=3 if graphs else 1)
    return took, graphs
