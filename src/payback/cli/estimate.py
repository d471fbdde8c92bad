"""``payback estimate serving`` and ``estimate training``: first-principles capacity and
cost of one model on one GPU, optionally scaled by a calibration file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from payback.cli._common import (
    JsonFlag,
    ModelOption,
    _console,
    _print_json,
    _warn,
    from_catalog,
    user_errors,
)
from payback.cli._rents import no_rent_text
from payback.cli._serving_rows import per_1k, priced, serving_rows
from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.hardware.estimate import ServingEstimate
    from payback.hardware.fine_tuning import TrainingEstimate
    from payback.measure.calibration import Calibration

app = typer.Typer(
    help="First-principles estimates: serving capacity and fine-tuning cost.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

ServingPrecision = Literal["bf16", "fp8", "int8", "int4", "mxfp4"]
"""``--precision`` of ``estimate serving``: the estimator's precisions (checked equal by a
test; the library is not imported before the command runs), in any case."""
Engine = Literal["vllm", "sglang", "trtllm", "lean"]
KvCache = Literal["auto", "bf16", "fp8"]
Method = Literal["full", "lora", "qlora"]
TrainingPrecision = Literal["bf16", "fp8"]
Stack = Literal["standard", "optimized", "unsloth"]
TRAINING_EPOCHS = 3.0
"""``--epochs`` of ``estimate training`` unless given: a scenario's ``one_time.training``
job's default, so that the same job costs the same in both (checked equal by a test; the
scenario's schema is not imported before the command runs)."""

GpuOption = Annotated[str, typer.Option("--gpu", help="GPU id (see `payback catalog gpus`).")]
CalibrationOption = Annotated[
    Path | None,
    typer.Option(
        "--calibration",
        help="A `payback calibrate` file: use its measured utilisation factors.",
        show_default=False,
    ),
]


def _load_calibration(path: Path) -> Calibration:
    """A --calibration file; its problems name the flag."""
    from payback.measure.calibration import load_calibration

    try:
        return load_calibration(path)
    except PaybackError as exc:
        raise PaybackError([f"--calibration {m}" for m in exc.messages]) from None


@app.command("serving")
@user_errors
def estimate_serving(
    model: ModelOption,
    gpu: GpuOption,
    precision: Annotated[
        ServingPrecision,
        typer.Option(
            "--precision",
            help="Weights: bf16, fp8, int8, int4, or mxfp4 (a mixture of experts' experts).",
            case_sensitive=False,
        ),
    ] = "bf16",
    input_tokens: Annotated[
        float, typer.Option("--input-tokens", help="Mean prompt tokens per request.")
    ] = 1000.0,
    output_tokens: Annotated[
        float, typer.Option("--output-tokens", help="Mean output tokens per request.")
    ] = 200.0,
    cached_input_share: Annotated[
        float,
        typer.Option(
            "--cached-input-share",
            help="Share of each prompt the prefix cache already holds (0 to 1; a scenario's "
            "traffic.cached_input_share): its prefill is skipped (above 0.99 estimated at "
            "0.99), its KV counted in every sequence (conservative: vLLM holds a prefix "
            "shared by sequences once).",
        ),
    ] = 0.0,
    context: Annotated[
        float | None,
        typer.Option(
            "--context",
            help="Context at which to report decode speed [tokens]: the decode line only; the "
            "full-load time per token and requests/s stay at the mean context.",
        ),
    ] = None,
    batch: Annotated[
        int | None,
        typer.Option("--batch", help="Batch to report (default: the largest that fits)."),
    ] = None,
    tpot_ms: Annotated[
        float | None, typer.Option("--tpot-ms", help="Latency target: most ms per output token.")
    ] = None,
    gpus_per_replica: Annotated[
        int | None,
        typer.Option(
            "--gpus-per-replica",
            help="Tensor-parallel GPUs (default: the fewest whose KV cache holds "
            "16 sequences at the mean context, else the fewest that hold one).",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help=(
                "Serving engine: vllm, sglang, trtllm, or lean (a compiled static-batch loop); "
                "payback catalog engines lists what each is modelled with."
            ),
            case_sensitive=False,
        ),
    ] = "vllm",
    kv_cache: Annotated[
        KvCache,
        typer.Option(
            "--kv-cache",
            help="KV cache's element type: auto (the engine's default for the weights: BF16, "
            "or FP8 for FP8 weights on trtllm), bf16 or fp8 (vLLM's --kv-cache-dtype fp8).",
            case_sensitive=False,
        ),
    ] = "auto",
    utilization: Annotated[
        float | None,
        typer.Option(
            "--utilization",
            help="Share of capacity the fleet runs at (e.g. 0.7): also report the time per "
            "output token and to the first token at that load, queueing included.",
        ),
    ] = None,
    calibration: CalibrationOption = None,
    as_json: JsonFlag = False,
) -> None:
    """What one replica serves: batch, latency, decode and prefill speed, requests/s.

    A roofline model of a serving engine (**--engine**, vLLM by default): prefill is
    compute-bound, each decode step streams the weights once plus every sequence's KV
    cache, and prompt chunks share the steps under the engine's token budget; the batch
    is capped by the memory left for the KV cache, the engine's sequence limit and the
    **--tpot-ms** target. **--calibration** uses the utilisation factors `payback
    calibrate` measured.

    Example, the replica `payback analyze examples/catalog-ids.toml` estimates:

    `payback estimate serving --model llama-3.1-8b --gpu l40s --precision fp8 --input-tokens 1200 --output-tokens 250 --cached-input-share 0.3 --tpot-ms 40 --utilization 0.7`
    """
    from payback.hardware.calibration import engine_for
    from payback.hardware.estimate import engine_named, estimate_serving, with_kv_cache
    from payback.measure.apply import check_use, serving_factors

    base = engine_named(engine)
    served, gpu_record = from_catalog("model", "--model", model), from_catalog("gpu", "--gpu", gpu)
    cal = _load_calibration(calibration) if calibration else None
    factors = None
    if cal is not None:
        factors = serving_factors(cal, f"--calibration {calibration}")
        _warn(
            check_use(
                cal,
                model=served.id,
                gpu=gpu_record.id,
                precision=precision,
                where=f"--calibration {calibration}",
            )
        )
    options: dict[str, Any] = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_input_share": cached_input_share,
        "context": context,
        "batch": batch,
        "tpot_ms": tpot_ms,
        "engine": with_kv_cache(engine_for(factors, base), kv_cache),
        "utilization": utilization,
    }
    result = estimate_serving(
        served, gpu_record, precision, gpus_per_replica=gpus_per_replica, **options
    )
    from payback.hardware.device import factors_text, factors_used

    cautions = _serving_cautions(served, gpu_record, result, options)
    used = factors_used(options["engine"], gpu_record, precision)
    used["calibration"] = None if calibration is None else str(calibration)
    larger = (
        []
        if gpus_per_replica is not None
        else _larger_replicas(result, served, gpu_record, options)
    )
    if as_json:
        _print_json(
            result.to_dict()
            | {
                "usd_per_1k_requests": per_1k(result),
                "gpus_per_replica_chosen": "given" if gpus_per_replica else _chosen(result),
                "larger_replicas": larger,
                "factors": used,
                "cautions": cautions,
            }
        )
        return
    from payback.report import tables
    from payback.report.common import usd

    rows = serving_rows(result, cached_input_share, batch)
    if gpus_per_replica is None:
        rows["GPUs per replica"] += f", the {_chosen(result)}"
    if larger:
        rows["larger replicas (--gpus-per-replica)"] = "; ".join(
            f"{r['gpus_per_replica']}: {r['replica_requests_per_s']:,.2f} requests/s"
            + (
                f" ({usd(r['usd_per_1k_requests'], 4)} per 1k)"
                if r["usd_per_1k_requests"] is not None
                else ""
            )
            for r in larger
        )
    if not result.usd_per_gpu_hour:
        rows["GPU price"] = no_rent_text(gpu_record)
    rows["efficiency factors"] = factors_text(used) + (
        f"; calibrated from {calibration}" if calibration is not None else ""
    )
    if cal is not None:
        rows["calibrated by"] = f"{calibration} ({cal.tool} on {cal.device}, {cal.created})"
    _console().print(tables.key_values(f"Serving {result.model} on {result.gpu}", rows))
    _print_lines([ANALYZE_CHOOSES] * (gpus_per_replica is None) + _caution_lines(cautions))


def _chosen(result: ServingEstimate) -> str:
    """The rule that picked the GPUs of a replica whose count was not given (what
    :func:`~payback.hardware.placement.choose_tensor_parallel` does)."""
    from payback.hardware.placement import MIN_AUTO_BATCH

    held = f"sequences of {result.input_tokens + result.output_tokens / 2:,.0f} tokens"
    if result.max_batch >= MIN_AUTO_BATCH:
        return f"fewest whose KV cache holds {MIN_AUTO_BATCH} {held}"
    return f"fewest whose KV cache holds one (none holds {MIN_AUTO_BATCH} {held})"


def _serving_cautions(
    model: Any, gpu: Any, result: ServingEstimate, options: dict[str, Any]
) -> list[str]:
    """:func:`payback.hardware.cautions.serving_cautions` of the estimate made with
    ``options`` (:func:`payback.hardware.estimate.estimate_serving`'s)."""
    from payback.hardware.cautions import serving_cautions

    return serving_cautions(model, gpu, result, options["engine"], options["cached_input_share"])


def _caution_lines(cautions: list[str]) -> list[str]:
    """The cautions of :mod:`payback.hardware.cautions` as printed under a table."""
    return [f"Caution: {line}" for line in cautions]


def _print_lines(lines: list[str]) -> None:
    """Lines under a table, each as written (no markup)."""
    from rich.text import Text

    for line in lines:
        _console().print(Text(line))


ANALYZE_CHOOSES = (
    "Without --gpus-per-replica this is the fewest GPUs whose KV cache holds 16 "
    "sequences at the mean context (else the fewest that hold one); analyze, for a scenario "
    "without gpus_per_replica, takes the count whose fleet costs least at its traffic, of "
    "those meeting its ttft_ms (payback recommend ranks them all), so its capacity can differ."
)
"""Why ``estimate serving`` and ``analyze`` can size a replica differently, said under the
table when the count was not given."""


def _larger_replicas(
    result: ServingEstimate, model: Any, gpu: Any, options: dict[str, Any]
) -> list[dict[str, Any]]:
    """The same estimate on each larger tensor-parallel replica that holds the model (what
    ``analyze`` also weighs when a scenario leaves ``gpus_per_replica`` out): GPUs per
    replica, requests/s and the cost of 1,000 requests at full load (``None`` without a
    price)."""
    from payback.hardware.estimate import serving_by_replica

    return [
        {
            "gpus_per_replica": tp,
            "replica_requests_per_s": other.replica_requests_per_s,
            "usd_per_1k_requests": per_1k(other),
        }
        for tp, other in serving_by_replica(model, gpu, result.precision, **options).items()
        if tp > result.gpus_per_replica
    ]


@app.command("training")
@user_errors
def estimate_training(
    model: ModelOption,
    gpu: GpuOption,
    tokens: Annotated[
        float, typer.Option("--tokens", help="Dataset tokens (examples × tokens per example).")
    ],
    method: Annotated[
        Method, typer.Option("--method", help="full, lora or qlora.", case_sensitive=False)
    ] = "lora",
    epochs: Annotated[
        float,
        typer.Option(
            "--epochs",
            help="Passes over the dataset (the default of a scenario's one_time.training job).",
        ),
    ] = TRAINING_EPOCHS,
    runs: Annotated[
        int, typer.Option("--runs", help="Runs paid, sweeps and failed runs included.")
    ] = 1,
    precision: Annotated[
        TrainingPrecision,
        typer.Option("--precision", help="bf16 or fp8.", case_sensitive=False),
    ] = "bf16",
    stack: Annotated[
        Stack,
        typer.Option(
            "--stack",
            help="standard (HF/PEFT, torchtune), optimized (NeMo/Megatron) or unsloth "
            "(one GPU, fused kernels; LoRA/QLoRA in BF16).",
            case_sensitive=False,
        ),
    ] = "standard",
    gpus: Annotated[
        int | None,
        typer.Option(
            "--gpus",
            help="GPUs to use (default: the fewest that fit; at most one per 4,096-token "
            "sequence of the run).",
        ),
    ] = None,
    usd_per_gpu_hour: Annotated[
        float | None,
        typer.Option("--usd-per-gpu-hour", help="GPU rent (default: the catalog's typical price)."),
    ] = None,
    calibration: CalibrationOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Fine-tuning compute, memory, GPUs, time and cost.

    FLOPs = k · N · tokens · epochs (k = 6 full, 4 LoRA/QLoRA, which skip weight
    gradients); time from the GPU's dense peak × a utilization for the method, model
    size and stack; GPUs from memory (weights, gradients, optimizer, activations, and on
    more than one GPU the layers FSDP gathers whole and its root unit, the embedding and
    output layer, or Megatron's copy of the weights on each data-parallel GPU).
    **--calibration** scales the utilization by what `payback calibrate` measured.

    Example, a LoRA of an 8B model over 20,000 examples of 800 tokens, 3 epochs:

    `payback estimate training --model llama-3.1-8b --gpu h100-sxm --method lora --tokens 16e6 --epochs 3`
    """
    from payback.hardware.fine_tuning import estimate_training
    from payback.measure.apply import check_use, training_scale

    _check_rent(usd_per_gpu_hour)
    from payback.cli._durations import check_run_tokens

    check_run_tokens(tokens, epochs)

    trained, gpu_record = from_catalog("model", "--model", model), from_catalog("gpu", "--gpu", gpu)
    scale, cal = 1.0, None
    if calibration is not None:
        where = f"--calibration {calibration}"
        cal = _load_calibration(calibration)
        scale = training_scale(cal, method, where)
        _warn(check_use(cal, model=trained.id, gpu=gpu_record.id, where=where))
    result = estimate_training(
        trained,
        gpu_record,
        method,
        tokens=tokens,
        epochs=epochs,
        runs=runs,
        precision=precision,
        stack=stack,
        gpus=gpus,
        usd_per_gpu_hour=usd_per_gpu_hour,
        mfu_scale=scale,
    )
    from payback.cli._durations import long_run_caution
    from payback.hardware.cautions import training_cautions

    cautions = long_run_caution(result, tokens, epochs) + training_cautions(
        trained, gpu_record, result, scale
    )
    if as_json:
        _print_json(result.to_dict() | {"cautions": cautions})
        return
    from payback.measure.apply import factor_text
    from payback.report import tables

    rows = _training_rows(result)
    if result.usd is None or result.usd_per_gpu_hour is None:
        rows["cost"] = no_rent_text(gpu_record, "--usd-per-gpu-hour")
    if cal is not None:
        rows["calibrated by"] = (
            f"{calibration}: utilization ×{factor_text(scale)} ({cal.tool} on {cal.device}, {cal.created})"
        )
    _console().print(tables.key_values(f"Fine-tuning {result.model} on {result.gpu}", rows))
    _print_lines(_caution_lines(cautions))


def _training_rows(result: TrainingEstimate) -> dict[str, str]:
    """The lines of ``estimate training``'s table (a mixture of experts adds its active
    parameters and where the LoRA adapters go)."""
    from payback.cli._durations import duration_text
    from payback.hardware.placement import NODE_GPUS
    from payback.hardware.training import STACK_MAX_GPUS
    from payback.report.common import rent_text, share_text, usd

    nodes = -(-result.gpus // NODE_GPUS)  # whole nodes
    limit = STACK_MAX_GPUS.get(result.stack)
    rows = {
        "method": f"{result.method} ({result.precision}, {result.stack} stack)",
        "GPUs": f"{result.gpus} × {result.gpu}"
        + (f" on {nodes} nodes of {NODE_GPUS}" if nodes > 1 else "")
        + f", {result.memory_gib:,.1f} GiB each "
        + (
            f"(could spread over up to {result.max_gpus:,} GPU{'s' if result.max_gpus != 1 else ''}: "
            "one sequence per GPU per step)"
            if limit is None
            else "(a single-GPU stack)"
            if limit == 1
            else f"(the {result.stack} stack trains on at most {limit:,} GPUs)"
        )
        + (  # a job past one node runs on a cluster, said as serving's advice says it
            "; priced at the GPU's rent, where a cluster's network may cost more"
            if nodes > 1
            else ""
        ),
        "compute": f"{result.flops:.3g} FLOPs for {result.tokens:,.0f} tokens",
        "utilization (MFU)": share_text(result.mfu),
        "throughput": f"{result.tokens_per_s:,.0f} tokens/s ({result.tokens_per_s_per_gpu:,.0f} per GPU)",
        "time per run": f"{duration_text(result.hours)} "
        f"({duration_text(result.gpu_hours, 'GPU-')})",
        "cost": (
            f"{usd(result.usd, 2)} for {result.runs:,} run{'s' if result.runs != 1 else ''} at "
            + priced(f"{rent_text(result.usd_per_gpu_hour)}/GPU-h", result.price_source)
            if result.usd is not None and result.usd_per_gpu_hour is not None
            else "no price in the catalog: give --usd-per-gpu-hour"
        ),
    }
    if result.active_params_b is not None:
        rows["parameters"] = (
            f"{result.active_params_b:,.1f}B active a token (the FLOPs); all held in memory"
        )
        if result.adapters:
            rows["LoRA adapters"] = result.adapters
    return rows


def _check_rent(usd_per_gpu_hour: float | None) -> None:
    """--usd-per-gpu-hour holds a scenario's bound (a training's ``usd_per_gpu_hour``):
    1e308 gave a cost of 58 followed by 310 digits, exit 0."""
    import math

    from payback.scenario.paths import schema_range
    from payback.scenario.schema import TrainingJob

    allowed = schema_range(TrainingJob, "usd_per_gpu_hour")
    value = usd_per_gpu_hour
    if value is not None and not (math.isfinite(value) and 0 <= value <= allowed.highest):
        raise PaybackError.bad(
            "usd_per_gpu_hour",
            value,
            f"must be a finite number from 0 to {allowed.highest:,.0f} (USD per GPU-hour, "
            "as a scenario allows)",
        )
