"""Cautions: where an estimate falls in a regime that published measurements show it
gets optimistically wrong, said in one line naming the mechanism and the measured ratio.

The regimes are mechanism conditions on the estimate's own state (its engine, precision,
GPU family, what bounds its step, its batch, its planned utilisation, a training run's
time a token), never a lookup of a model: :data:`REGIMES` holds every threshold and every figure
cited, each sourced to the rows of docs/accuracy.md that measured it, and
``tests/hardware/test_cautions.py`` checks the cited ratios against what ``benchmarks/accuracy.py``
computes for those rows, so they cannot go stale. A caution changes no estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from payback.hardware import serving as sv
from payback.hardware import training as tr
from payback.hardware.device import DEQUANT_NOT_MEASURED as NOT_MEASURED
from payback.hardware.device import dequant_regime, gpu_family, on_gpu, peak_flops
from payback.hardware.first_token import (
    FIRST_TOKEN_FIXED_MS,
    first_token_regime,
    long_prompt_regime,
)
from payback.hardware.placement import serving_shape
from payback.hardware.prompts import prompt_parts

if TYPE_CHECKING:
    from payback.catalog import Gpu, OpenModel
    from payback.hardware.estimate import ServingEstimate
    from payback.hardware.fine_tuning import TrainingEstimate

__all__ = [
    "REGIMES",
    "CitedRow",
    "Regime",
    "StepParts",
    "loaded_step_parts",
    "serving_cautions",
    "serving_regimes",
    "training_cautions",
    "training_regimes",
]


@dataclass(frozen=True)
class CitedRow:
    """A row of docs/accuracy.md: its id and its ratio (the estimate over the measurement,
    as the table prints it: above 1 the estimate is optimistic)."""

    row: str
    """``S22``, ``H1`` (a held-back row, ``benchmarks/accuracy.py`` ``HELD_BACK``) or
    ``O8/standard`` (an own training run, estimated on that stack)."""
    ratio: float


@dataclass(frozen=True)
class Regime:
    """A regime the estimate is known to be optimistic in: its condition's threshold and
    the measured rows inside it (and, for the tests, the rows just outside it)."""

    name: str
    threshold: float
    """The condition's threshold (its meaning is the regime's: :data:`REGIMES`)."""
    inside: tuple[CitedRow, ...]
    """Rows in the regime: their ratios are what a caution cites."""
    outside: tuple[str, ...]
    """Rows of the same engine, precision or stack just outside it (within the goal)."""
    mechanism: str
    """Why, in a sentence (docs/accuracy.md, 'Where the goal is missed')."""
    condition: str
    """When a caution is said, ``{threshold}`` standing for :attr:`threshold`."""

    def condition_text(self) -> str:
        return self.condition.format(threshold=f"{self.threshold:g}")

    @property
    def worst(self) -> CitedRow:
        """The row the estimate was furthest above."""
        return max(self.inside, key=lambda r: r.ratio)

    def rows_text(self) -> str:
        """The rows cited, for a caution's closing bracket: 'S1 1.41x, S22 1.20x, H1 1.38x'."""
        return ", ".join(f"{r.row} {r.ratio:.2f}x" for r in self.inside)


SERIES_THRESHOLD = 1.3
"""The kernels-overlapped regimes' threshold: the step with its kernels in series over the
estimated one (S22 1.43x and H1 1.66x inside; S24, 1.21x, within the goal)."""


REGIMES: dict[str, Regime] = {
    "kernels-overlapped": Regime(
        name="kernels-overlapped",
        threshold=SERIES_THRESHOLD,
        inside=(CitedRow("S1", 1.41), CitedRow("S22", 1.20), CitedRow("H1", 1.38)),
        outside=("S2", "S3", "S4", "S5", "S6", "S20", "S21", "S23", "S24"),
        mechanism=(
            "the estimate overlaps a step's FP8 matrix arithmetic with its KV-cache reads, "
            "where the kernels run one after the other"
        ),
        condition=(
            "TensorRT-LLM at FP8; the mean loaded step KV-bound (memory-bound, cache reads "
            "longer than the weights'); the step with its kernels in series (weights or "
            "GEMMs, then cache reads or attention) at least {threshold}x the estimated one"
        ),
    ),
    "kernels-overlapped-other-engine": Regime(
        name="kernels-overlapped-other-engine",
        threshold=SERIES_THRESHOLD,
        inside=(),
        outside=("S34",),
        mechanism=(
            "the estimate overlaps a step's FP8 matrix arithmetic with its KV-cache reads, "
            "where the kernels (separate on every engine) run one after the other; measured "
            "on TensorRT-LLM only (kernels-overlapped)"
        ),
        condition=(
            "vLLM or SGLang at FP8; the mean loaded step KV-bound; the step with its kernels "
            "in series at least {threshold}x the estimated one (kernels-overlapped's state on "
            "another engine)"
        ),
    ),
    "first-token-under-load": Regime(
        name="first-token-under-load",
        threshold=0.15,
        inside=(
            CitedRow("L10", 1.21),
            CitedRow("L11", 1.85),
            CitedRow("L12", 2.52),
            CitedRow("L13", 2.88),
        ),
        outside=("L9",),
        mechanism=(
            "a wait before the engine that grows with the load, which no modelled mechanism "
            "explains, and the HTTP server's time a request beyond what vLLM in process spends"
        ),
        condition=(
            "vLLM on an Ada GPU; the time to the first token reported at a planned "
            "utilisation of at least {threshold} of the estimated capacity, or estimated under "
            f"{FIRST_TOKEN_FIXED_MS:g} ms at any load (the rows' ratio: the measured first "
            "token over the estimated)"
        ),
    ),
    "ampere-prefill-heavy": Regime(
        name="ampere-prefill-heavy",
        threshold=1.0,
        inside=(CitedRow("H2", 1.41),),
        outside=("S11", "S12", "S13", "S14", "S17", "S18"),
        mechanism=(
            "the decode matrix multiplications of a few hundred tokens a step reach less than "
            "the 0.5 of an Ampere GPU's peak assumed"
        ),
        condition=(
            "an Ampere GPU; an engine that chunks prompts into decode steps; the mean loaded "
            "step's decode matrix multiplications (the prompt chunks' apart) at least "
            "{threshold}x its memory time (compute-bound)"
        ),
    ),
    "host-bound-lora": Regime(
        name="host-bound-lora",
        threshold=1.0,
        inside=(
            CitedRow("O8/standard", 3.30),
            CitedRow("O8/optimized", 4.62),
            CitedRow("O2/standard", 1.27),
            CitedRow("O2/optimized", 1.78),
        ),
        outside=("O3", "O5", "O6", "O7"),
        mechanism=(
            "a single-GPU trainer's host spends a fixed time a layer on each micro-batch, "
            "which the standard and optimized stacks' utilisation does not hold"
        ),
        condition=(
            "LoRA or QLoRA on the standard or optimized stack, not calibrated; the estimate's "
            "time a token on a GPU at most {threshold}x the host's fixed time a layer "
            "(unsloth's) over a 4,096-token micro-batch"
        ),
    ),
    "moe-latency-bound": Regime(
        name="moe-latency-bound",
        threshold=1.0,
        inside=(
            CitedRow("S38", 1.09),
            CitedRow("S39", 1.10),
            CitedRow("S40", 0.85),
            CitedRow("S41", 1.05),
            CitedRow("S42", 1.57),
            CitedRow("S47", 0.85),
            CitedRow("S48", 1.56),
        ),
        outside=("S15", "S16", "S17", "S18", "S19", "S25", "S28", "S29", "S30", "S43"),
        mechanism=(
            "its layers' small kernels (counted, each at a dense layer's time a kernel) run "
            "faster on B200 and slower in DeepSeek's latent-attention layers and on MI300X"
        ),
        condition=(
            "a mixture of experts; a decode step's overheads and all-reduces at least "
            "{threshold}x its reads and at least its arithmetic (latency-bound)"
        ),
    ),
    "ada-long-prompt": Regime(
        name="ada-long-prompt",
        threshold=0.25,
        inside=(CitedRow("H3", 2.17),),
        outside=("S16", "S35", "S36", "S37", "S43", "S62"),
        mechanism=(
            "a long prompt's attention, which on the one workstation Ada card measured ran "
            "far below the tensor peak the estimate assumes (its short prompts were as "
            "modelled; the GeForce RTX 4090, its figure the halved FP32-accumulate rate, ran "
            "the same prompt faster than estimated)"
        ),
        condition=(
            "an Ada GPU other than a GeForce card; a prompt whose attention arithmetic is at "
            "least {threshold}x its matrix multiplications' (14,300 tokens of Llama 3.1 8B)"
        ),
    ),
    "int4-dequant-not-measured": Regime(
        "int4-dequant-not-measured", 0.0, (), ("S68", "S69", "S70"), *NOT_MEASURED
    ),
    "fp8-standard-stack": Regime(
        name="fp8-standard-stack",
        threshold=0.0,
        inside=(),
        outside=("T1", "T2", "T3", "T4", "T8", "T9", "T10"),
        mechanism="no FP8 run on this stack has been measured",
        condition="FP8 on the standard stack",
    ),
}
"""The regimes, their thresholds and the figures their cautions cite.

- ``kernels-overlapped`` (serving, TensorRT-LLM at FP8): the loaded step is KV-bound
  (memory-bound, the cache reads longer than the weights) and the same step with its
  kernels in series (the weights or the GEMMs, whichever is longer, then the cache reads
  or the attention arithmetic; :class:`StepParts`) is at least ``threshold`` × the
  estimated one. S1 (1.65× the step), S22 (1.43×) and H1 (1.66×) are inside; the
  KV-bound rows of the engine at FP8 within the goal are at most 1.21× (S24), and the
  threshold lies between; S5 (1.43×) and S20 are compute-bound.
- ``kernels-overlapped-other-engine`` (serving on vLLM or SGLang at FP8): the state of
  ``kernels-overlapped`` (the same threshold) on an engine whose FP8 runs at maximum load
  none of docs/accuracy.md's rows measured in it. Its estimate is the same roofline (vLLM
  at H1's lengths: 675 sequences, the step 1.65x in series) and its GEMMs and attention
  are separate kernels too; the caution cites the TensorRT-LLM rows and says no run of
  its engine is held. S34 (vLLM, DeepSeek-R1 at FP8 on 8 × MI300X, 0.80x, vLLM's default BF16
  cache) is KV-bound at 1.07x, outside.
- ``first-token-under-load`` (serving on vLLM on an Ada GPU, the first token
  shown): the planned utilisation at least ``threshold``, or the first token estimated
  under :data:`~payback.hardware.first_token.FIRST_TOKEN_FIXED_MS` at any load. The closed loops
  L10-L13 (Mistral-7B on an RTX 4090, 8-48 clients, 19-66% of the estimated capacity) measured the
  first token 1.21-2.88x the estimate, a gap that grows with the load and no modelled mechanism
  explains (docs/accuracy.md, 'Where the goal is missed'); L9 (4 clients, 10%) is 1.08x, within the
  15% goal, and the threshold lies between. On an A100 (vLLM 0.20.1 in process, AccelMark) the first
  tokens of L14-L16 and Q1-Q7 are within the goal at 3-57% of capacity (0.88-1.19x a row, about 5%
  and 8% on average) since a request's time outside the engine's steps is counted
  (``ServingEngine.request_overhead_s``), so Ampere is not in the regime. Said where the first token
  is read: ``estimate serving`` (at ``--utilization`` where given), and ``analyze`` and
  ``recommend`` (its winner) against a ``ttft_ms`` target.
- ``ampere-prefill-heavy`` (serving on an Ampere GPU, prompts chunked into decode
  steps): the mean step is compute-bound, its decode matrix multiplications (the prompt
  chunks' apart) at least ``threshold`` × its memory reads. H2 (vLLM, Llama-3.1-8B on an
  A100, ShareGPT 202/179; 1.6×) is inside; the other A100 rows run static batches
  (prompts apart) or decode one sequence (S49-S57; in S53-S57 long prompts' chunks make
  the mean step compute-bound, their decode GEMMs of one token) and are within the goal.
- ``ada-long-prompt`` (serving on an Ada GPU other than a GeForce card): a prompt whose
  attention arithmetic is at least ``threshold`` × its matrix multiplications'. H3 (vLLM
  0.7.3, a 28,680-token prompt on an RTX 6000 Ada, 0.50×) is inside, its first token
  2.17× the estimate where the same card's 256-token prompts sit with the other GPUs' and
  the same prompts on Ampere and Hopper are 0.90-1.18×; the Ada rows within the goal are
  at most 0.04× (S16, 2,048 tokens on an L40S), and the threshold lies between. The
  GeForce RTX 4090 (its BF16 figure the halved FP32-accumulate rate, 165 TFLOP/s, where
  the workstation and data-centre cards' figures are the full rate) ran the same prompt
  under SGLang 0.5.6 at 0.74× the estimate (S62), so GeForce cards are left out.
- ``host-bound-lora`` (LoRA or QLoRA on the ``standard`` or ``optimized`` stack): the
  estimate's time a token on a GPU is at most ``threshold`` × the host's fixed time a
  layer (:data:`~payback.hardware.training.UNSLOTH_HOST_SECONDS_PER_LAYER`, set on the
  Unsloth rows) over a 4,096-token micro-batch. The own H200 runs O8 (Qwen2.5-0.5B) and O2
  (Qwen2.5-1.5B) are inside; O3 and O5-O7 (7-14B) are at 0.2-0.35 and pessimistic.
- ``moe-latency-bound`` (serving a mixture of experts): a decode-only step's fixed time
  (overheads a step and a layer, all-reduces) at least ``threshold`` × its reads and at
  least its arithmetic. Every batch-1 row of a mixture of experts (S38-S42, S47, S48;
  0.85-1.57×, the layers' kernels counted: :mod:`payback.hardware.kernels`) is inside;
  the dense batch-1 rows (S15-S19, S43) and the mixtures of experts at maximum load
  (memory- or compute-bound) are not.
- ``fp8-standard-stack`` (training at FP8 on the ``standard`` stack): every such
  estimate; docs/accuracy.md holds no FP8 row of that stack (its FP8 rows, T1-T4 and
  T8-T10, are the ``optimized`` stack's)."""

TRAINING_MICRO_BATCH_TOKENS = 4096.0
"""Tokens a micro-batch the host-bound condition counts the host's time over (the
Unsloth rows' 2 × 2,048 and the own runs' 4,096)."""


@dataclass(frozen=True)
class StepParts:
    """A loaded step's parts [s], averaged over the steps that carry prompt chunks (a
    share ``carrying_share`` of them) and the steps that decode only."""

    batch: float
    """Sequences running."""
    carrying_share: float
    weights_s: float
    cache_s: float
    gemm_s: float
    """The decode tokens' matrix multiplications (without the prompts')."""
    attention_s: float
    """The decode tokens' attention arithmetic."""
    prompts_s: float
    """The prompt chunks' arithmetic on a step that carries them."""
    step_s: float
    """The loaded step as the estimate has it: memory and arithmetic overlapped."""
    series_s: float
    """The same step with the kernels in series: max(weights, GEMMs and prompts) +
    max(cache reads, attention arithmetic), overheads as before."""
    fixed_s: float = 0.0
    """A decode-only step's time beyond its reads and arithmetic: the engine's overheads
    a step and a layer, and the tensor-parallel all-reduces."""

    @property
    def memory_s(self) -> float:
        return self.weights_s + self.cache_s

    @property
    def compute_s(self) -> float:
        """Arithmetic of the mean step: the decode tokens' and the prompt chunks' on the
        share of the steps that carry them."""
        return self.gemm_s + self.attention_s + self.carrying_share * self.prompts_s

    @property
    def kv_bound(self) -> bool:
        """The mean step memory-bound, its cache reads longer than its weights'."""
        return self.cache_s > self.weights_s and self.memory_s >= self.compute_s


def loaded_step_parts(
    model: OpenModel,
    gpu: Gpu,
    estimate: ServingEstimate,
    engine: sv.ServingEngine,
    cached_input_share: float = 0.0,
) -> StepParts:
    """The parts of ``estimate``'s loaded step (``engine`` the one it was made with): the
    terms :func:`~payback.hardware.serving.decode_step_seconds` takes the larger of, at the
    estimate's batch and mean context, prompts riding on a share of the steps as
    :func:`~payback.hardware.load.loaded_steps` has them."""
    engine = on_gpu(engine, gpu)
    args = serving_shape(model, gpu, estimate.precision, estimate.gpus_per_replica, engine)
    inputs, outputs = estimate.input_tokens, estimate.output_tokens
    context = inputs + outputs / 2.0
    _, riding, new = prompt_parts(args, inputs, cached_input_share, engine)
    batch = float(estimate.decode_batch)
    share, per_chunk, chunk_tokens = 0.0, 0.0, 0.0
    if engine.max_num_batched_tokens is not None:
        budget = float(engine.max_num_batched_tokens)
        batch = float(
            sv.mixed_batch(batch=batch, new_input_tokens=new, output_tokens=outputs, budget=budget)
        )
        per_step = batch / max(outputs, 1.0)
        share = max(
            float(
                sv.chunk_step_share(
                    prompts_per_step=per_step, new_input_tokens=new, room=budget - batch
                )
            ),
            1e-12,
        )
        per_chunk = per_step / share * float(riding)
        chunk_tokens = per_step / share * new
    tp = float(args["tensor_parallel"])
    bandwidth = tp * float(args["bandwidth"])
    attended = float(
        sv.attended_context(
            context=context,
            window_layers=args["window_layers"],
            layers=args["layers"],
            window=args["window"],
        )
    )
    streamed = float(
        sv.decode_bytes(
            batch=batch,
            context=0.0,
            weights=args["weights"],
            kv_bytes_per_token=args["kv_bytes_per_token"],
            expert_weights=args["expert_weights"],
            expert_share=args["expert_share"],
        )
    )
    weights = streamed / engine.bandwidth_efficiency / bandwidth
    cache = batch * attended * float(args["kv_bytes_per_token"])
    cache /= engine.kv_bandwidth_efficiency * bandwidth
    rate = tp * float(args["peak_flops"]) * engine.decode_mfu
    gemm = 2.0 * float(args["params"]) * batch / rate
    attention = 4.0 * float(args["layers"]) * float(args["attention_width"]) * attended * batch
    attention /= rate

    def step(prompts: float, tokens: float) -> tuple[float, float]:
        """A step carrying ``prompts`` seconds of prompt arithmetic: overlapped, in series."""
        whole = float(
            sv.decode_step_seconds(
                batch=batch,
                context=context,
                engine=engine,
                prefill_compute_s=prompts,
                prefill_tokens=tokens,
                **args,
            )
        )
        rest = whole - max(weights + cache, gemm + attention + prompts)
        return whole, max(weights, gemm + prompts) + max(cache, attention) + rest

    carrying, carrying_series = step(per_chunk, chunk_tokens)
    plain, plain_series = step(0.0, 0.0)
    return StepParts(
        batch=batch,
        carrying_share=share,
        weights_s=weights,
        cache_s=cache,
        gemm_s=gemm,
        attention_s=attention,
        prompts_s=per_chunk,
        step_s=share * carrying + (1.0 - share) * plain,
        series_s=share * carrying_series + (1.0 - share) * plain_series,
        fixed_s=plain - max(weights + cache, gemm + attention),
    )


def _ranges(rows: tuple[str, ...]) -> str:
    """Row ids with their runs of consecutive numbers joined: 'T1-T4 and T8-T10'.

    >>> _ranges(("T1", "T2", "T3", "T4", "T8", "T9", "T10"))
    'T1-T4 and T8-T10'
    """
    runs: list[list[int]] = []
    prefix = rows[0].rstrip("0123456789")
    for n in (int(r[len(prefix) :]) for r in rows):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{prefix}{r[0]}" if len(r) == 1 else f"{prefix}{r[0]}-{prefix}{r[-1]}" for r in runs]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def _cited(regime: Regime) -> str:
    return f"docs/accuracy.md {regime.rows_text()}"


def serving_cautions(
    model: OpenModel,
    gpu: Gpu,
    estimate: ServingEstimate,
    engine: sv.ServingEngine,
    cached_input_share: float = 0.0,
    *,
    shows_first_token: bool = True,
) -> list[str]:
    """One line for each regime of :data:`REGIMES` the serving ``estimate`` (made with
    ``engine``, ``cached_input_share`` of each prompt cached) falls in; none when it falls
    in none. ``shows_first_token``: the caller shows the estimate's first token at its
    planned utilisation (``analyze`` and ``recommend`` only against a ``ttft_ms`` target)."""
    regimes = serving_regimes(
        model, gpu, estimate, engine, cached_input_share, shows_first_token=shows_first_token
    )
    return list(regimes.values())


def serving_regimes(
    model: OpenModel,
    gpu: Gpu,
    estimate: ServingEstimate,
    engine: sv.ServingEngine,
    cached_input_share: float = 0.0,
    *,
    shows_first_token: bool = True,
) -> dict[str, str]:
    """:func:`serving_cautions`' lines by the name of their regime."""
    parts = loaded_step_parts(model, gpu, estimate, engine, cached_input_share)
    out = _overlapped(parts, estimate, engine)
    if shows_first_token:
        out |= first_token_regime(REGIMES["first-token-under-load"], gpu, estimate, engine)
    ampere = REGIMES["ampere-prefill-heavy"]
    bound = parts.gemm_s / parts.memory_s
    if (
        gpu_family(gpu) == "ampere"
        and engine.max_num_batched_tokens is not None
        and bound >= ampere.threshold
    ):
        out[ampere.name] = (
            f"compute-bound at {parts.batch:,.0f} sequences with prompt chunks on an Ampere "
            f"GPU ({gpu.id}: decode matrix arithmetic {bound:.1f}x the step's memory time), where "
            f"{ampere.mechanism}; the estimate was {ampere.worst.ratio:.2f}x the requests/s "
            f"a published run in this regime served ({_cited(ampere)}; one run, none "
            "measured just outside the regime)"
        )
    out |= long_prompt_regime(
        REGIMES["ada-long-prompt"], model, gpu, estimate, engine, cached_input_share
    )
    out |= dequant_regime(REGIMES["int4-dequant-not-measured"], gpu, estimate.precision)
    moe = REGIMES["moe-latency-bound"]
    if (
        model.is_moe
        and parts.fixed_s >= moe.threshold * parts.memory_s
        and parts.fixed_s >= parts.gemm_s + parts.attention_s
    ):
        low = min(r.ratio for r in moe.inside)
        seqs = f"{parts.batch:,.0f} sequence" + ("s" if parts.batch != 1 else "")
        out[moe.name] = (
            f"latency-bound mixture of experts at {seqs} on {estimate.gpus_per_replica} × "
            f"{gpu.id}: {parts.fixed_s * 1e3:,.2f} ms of a decode step is fixed per-step"
            + (", per-layer and all-reduce" if estimate.gpus_per_replica > 1 else " and per-layer")
            + f" time, {parts.memory_s * 1e3:,.2f} ms its reads; "
            f"{moe.mechanism}; published batch-1 runs took {low:.2f}-{moe.worst.ratio:.2f}x "
            f"the estimated time ({_cited(moe)})"
        )
    return out


def _overlapped(
    parts: StepParts, estimate: ServingEstimate, engine: sv.ServingEngine
) -> dict[str, str]:
    """The kernels-overlapped regimes: a KV-bound FP8 step whose kernels in series take at
    least :data:`SERIES_THRESHOLD` x the estimated step, on TensorRT-LLM (measured) or on
    another engine (not measured; the TensorRT-LLM rows cited)."""
    series = parts.series_s / parts.step_s
    if estimate.precision != "fp8" or not parts.kv_bound or series < SERIES_THRESHOLD:
        return {}
    overlap = REGIMES["kernels-overlapped"]
    head = (
        f"KV-bound at {parts.batch:,.0f} sequences with FP8 on {engine.name}: "
        f"{parts.cache_s * 1e3:,.1f} ms of cache reads a step overlap "
        f"{parts.compute_s * 1e3:,.1f} ms of matrix arithmetic, in series "
        f"{series:.2f}x the step; "
    )
    if engine.name == "trtllm":
        return {
            overlap.name: head + f"published runs in this regime ran up to "
            f"{overlap.worst.ratio:.2f}x slower than estimated ({_cited(overlap)})"
        }
    other = REGIMES["kernels-overlapped-other-engine"]
    return {
        other.name: head + f"TensorRT-LLM's runs in this regime ran up to "
        f"{overlap.worst.ratio:.2f}x slower than estimated ({_cited(overlap)}) and "
        f"{engine.name}'s GEMMs and attention are separate kernels too; no {engine.name} run "
        "in it has been measured"
    }


def training_cautions(
    model: OpenModel, gpu: Gpu, estimate: TrainingEstimate, mfu_scale: float = 1.0
) -> list[str]:
    """One line for each regime of :data:`REGIMES` the training ``estimate`` falls in
    (``mfu_scale`` a calibration's: a measured rate holds the host's time, so the
    host-bound caution is not said then)."""
    return list(training_regimes(model, gpu, estimate, mfu_scale).values())


def training_regimes(
    model: OpenModel, gpu: Gpu, estimate: TrainingEstimate, mfu_scale: float = 1.0
) -> dict[str, str]:
    """:func:`training_cautions`' lines by the name of their regime."""
    out: dict[str, str] = {}
    host = REGIMES["host-bound-lora"]
    if (
        estimate.stack in ("standard", "optimized")
        and estimate.method in tr.UNSLOTH_HOST_SECONDS_PER_LAYER
        and mfu_scale == 1.0
    ):
        per_layer = tr.UNSLOTH_HOST_SECONDS_PER_LAYER[estimate.method]
        host_s = model.layers * per_layer / TRAINING_MICRO_BATCH_TOKENS
        token_s = 1.0 / estimate.tokens_per_s_per_gpu
        if token_s <= host.threshold * host_s:
            cited = [r for r in host.inside if r.row.endswith("/" + estimate.stack)]
            worst = max(r.ratio for r in cited)
            out[host.name] = (
                f"host-bound: the {estimate.stack} stack's {token_s * 1e6:,.1f} µs a token is "
                f"less than the {host_s * 1e6:,.1f} µs a single-GPU trainer's host spends on "
                f"{model.layers} layers ({per_layer * 1e3:.2f} ms a layer a "
                f"{TRAINING_MICRO_BATCH_TOKENS:,.0f}-token micro-batch); measured LoRA runs in "
                f"this regime trained up to {worst:.2f}x slower than "
                f"estimated (docs/accuracy.md "
                + ", ".join(f"{r.row} {r.ratio:.2f}x" for r in cited)
                + "); stack 'unsloth' counts the host's time"
            )
    fp8 = REGIMES["fp8-standard-stack"]
    if estimate.stack == "standard" and estimate.precision == "fp8":
        doubled = peak_flops(gpu, "fp8") / peak_flops(gpu, "bf16")
        bf16 = estimate.tokens_per_s_per_gpu / doubled
        out[fp8.name] = (
            f"FP8 on the standard stack: estimated at {doubled:.2f}x the BF16 rate "
            f"({bf16:,.0f} -> {estimate.tokens_per_s_per_gpu:,.0f} tokens/s a GPU), the "
            f"same share of the FP8 peak; {fp8.mechanism} (docs/accuracy.md's FP8 rows, "
            f"{_ranges(fp8.outside)}, are the optimized stack's), so the doubling is untested"
        )
    return out
