"""The PyTorch parts of ``payback calibrate``: a decoder of a model's shape with random
weights, and the timings of its training step, prefill and decode step.

The decoder is an embedding, pre-norm attention with grouped-query heads, a SwiGLU MLP and
an output projection; rotary position embeddings and biases are left out (element-wise
work under 1% of the FLOPs). Torch is passed in (``torch_module``), never imported at the
top: it is an optional dependency.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from payback.catalog import OpenModel
from payback.errors import PaybackError

__all__ = [
    "LORA_RANK",
    "Timer",
    "build_decoder",
    "decode_step_seconds",
    "device_speed",
    "free",
    "prefill_seconds",
    "torch_module",
    "training_step_seconds",
]

LORA_RANK = 16


def torch_module() -> Any:
    """PyTorch, or one line saying how to install it."""
    try:
        import torch
    except ImportError:
        raise PaybackError(
            "payback calibrate needs PyTorch, an optional dependency: pip install 'payback[calibrate]' "
            "(or a torch build for your GPU from pytorch.org)"
        ) from None
    return torch


class Timer:
    """Wall-clock timings on a device, synchronized with it."""

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


def device_speed(
    torch: Any, timer: Timer, device: str, dtype: Any, seconds: float = 1.0
) -> tuple[float, float]:
    """A large matrix product [TFLOP/s] and a large copy, read plus write [GB/s], each
    timed for about ``seconds``."""
    n = 8192 if device == "cuda" else 1024
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    t = timer.median(lambda: a @ b, seconds, reps=10)
    size = 2**30 if device == "cuda" else 2**27
    src = torch.empty(size, dtype=torch.uint8, device=device)
    dst = torch.empty_like(src)
    c = timer.median(lambda: dst.copy_(src), seconds, reps=10)
    return 2.0 * n**3 / t / 1e12, 2.0 * size / c / 1e9


def free(torch: Any, device: str) -> None:
    """Give back the memory of tensors no longer referenced."""
    import gc

    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()


# -- the decoder -------------------------------------------------------------------


def build_decoder(
    torch: Any,
    model: OpenModel,
    device: str,
    dtype: Any,
    method: str | None,
    checkpointing: bool = False,
) -> Any:
    """A decoder of the model's shape with random weights (LoRA adapters when asked;
    with ``checkpointing``, each layer's activations are recomputed in the backward pass)."""
    linear = _linear_type(torch, device, dtype, method)
    block = _block_type(torch, model, device, dtype, linear)
    return _decoder_type(torch, model, device, dtype, method, checkpointing, block)()


def _linear_type(torch: Any, device: str, dtype: Any, method: str | None) -> Any:
    """A linear layer without bias: frozen unless ``full``, with a LoRA adapter for ``lora``."""
    nn, F = torch.nn, torch.nn.functional
    Module: Any = nn.Module

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

    return Linear


def _block_type(torch: Any, model: OpenModel, device: str, dtype: Any, linear: Any) -> Any:
    """A pre-norm layer: grouped-query attention (over a KV cache when given), SwiGLU MLP."""
    nn, F = torch.nn, torch.nn.functional
    Module: Any = nn.Module
    h, heads, kv, hd, f = (
        model.hidden_size,
        model.heads,
        model.kv_heads,
        model.head_dim,
        model.intermediate_size,
    )

    class Block(Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.n1 = nn.RMSNorm(h, device=device, dtype=dtype)
            self.n2 = nn.RMSNorm(h, device=device, dtype=dtype)
            self.q, self.k, self.v = linear(h, heads * hd), linear(h, kv * hd), linear(h, kv * hd)
            self.o = linear(heads * hd, h)
            self.gate, self.up, self.down = linear(h, f), linear(h, f), linear(f, h)

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

    return Block


def _decoder_type(
    torch: Any,
    model: OpenModel,
    device: str,
    dtype: Any,
    method: str | None,
    checkpointing: bool,
    block: Any,
) -> Any:
    """Embedding, ``model.layers`` blocks, a final norm and the output projection (the
    embedding's when tied); only the last position's logits with ``last``."""
    nn, F = torch.nn, torch.nn.functional
    Module: Any = nn.Module
    h = model.hidden_size

    class Decoder(Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Parameter(
                torch.empty(model.vocab_size, h, device=device, dtype=dtype).normal_(std=0.02),
                requires_grad=method == "full",
            )
            self.blocks = nn.ModuleList(block() for _ in range(model.layers))
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
            for i, layer in enumerate(self.blocks):
                if checkpointing and caches is None and torch.is_grad_enabled():
                    x = torch.utils.checkpoint.checkpoint(layer, x, use_reentrant=False)
                else:
                    x = layer(x, None if caches is None else caches[i])
            x = self.norm(x[:, -1:] if last else x)
            return F.linear(x, self.head)

    return Decoder


# -- the timings -------------------------------------------------------------------


def training_step_seconds(
    torch: Any,
    net: Any,
    model: OpenModel,
    micro: int,
    seq: int,
    device: str,
    seconds: float,
    timer: Timer,
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


def prefill_seconds(
    torch: Any,
    net: Any,
    model: OpenModel,
    prompts: int,
    context: int,
    device: str,
    seconds: float,
    timer: Timer,
) -> float:
    """Median time to prefill ``prompts`` prompts of ``context`` tokens together."""
    tokens = torch.randint(0, model.vocab_size, (prompts, context), device=device)
    with torch.inference_mode():
        return timer.median(lambda: net(tokens, last=True), seconds, reps=10)


def decode_step_seconds(
    torch: Any,
    net: Any,
    model: OpenModel,
    batch: int,
    context: int,
    device: str,
    dtype: Any,
    timer: Timer,
    graphs: bool,
    notes: list[str],
    seconds: float,
) -> tuple[float, bool]:
    """Median time of one decode step of ``batch`` sequences over ``context`` cached tokens,
    replayed as a CUDA graph with ``graphs``; and whether graphs still work (a failure is
    noted and the step timed without)."""
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
        run: Callable[[], Any] = step
        if graphs:
            try:
                run = _graphed(torch, step)
            except RuntimeError as exc:
                notes.append(
                    f"CUDA graphs failed ({str(exc).splitlines()[0][:120]}); decode timed without them"
                )
                graphs = False
        took = timer.median(run, seconds, reps=50, warmup=3 if graphs else 1)
    return took, graphs


def _graphed(torch: Any, step: Callable[[], None]) -> Callable[[], Any]:
    """``step`` captured as a CUDA graph (after three warm-up runs on a side stream): its
    replay."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(3):
            step()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step()
    replay: Callable[[], Any] = graph.replay
    return replay
