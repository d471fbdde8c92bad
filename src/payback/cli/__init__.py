"""The ``payback`` command line: thin, it calls the public API only.

Every command takes ``--json`` for scripts. Bad input gives one line per problem on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

import payback
from payback import report as renderers
from payback.analysis.result import usd as money
from payback.hardware.serving import PRECISIONS
from payback.report import analysis_renderables, charts, sobol_table, tables, tornado_table
from payback.report import explain as explain_analysis
from payback.report.common import solution_lines
from payback.scenario import VALUE_TERMS

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="payback",
    help=(
        "Does fine-tuning and self-hosting a model pay back against a hosted LLM API?\n\n"
        "Start with **payback init** to write a commented scenario, then "
        "**payback analyze scenario.toml**. For the seed's back-of-the-envelope "
        "answer, **payback quick --hosted-per-1k 15 --self-hosted-per-1k 2 --one-time 400**."
    ),
    rich_markup_mode="markdown",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

SeedOption = Annotated[
    int | None,
    typer.Option("--seed", help="Random seed (default 0): the same seed gives the same samples."),
]
JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")
]
NoQualityFlag = Annotated[
    bool,
    typer.Option(
        "--no-quality",
        help="Leave every option's quality (error cost) and latency out: the pure infrastructure view.",
    ),
]


def _console() -> Console:
    return Console(highlight=False)


def _fail(lines: list[str]) -> typer.Exit:
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    return typer.Exit(code=2)


def as_flag(param: str) -> str | None:
    """The command line's name for a library parameter: ``max_replicas`` is ``--max-replicas``.

    Dotted scenario paths (``alternatives.0.gpu``) and names with other characters are not
    flags: ``None``.

    >>> as_flag("max_replicas"), as_flag("alternatives.0.gpu")
    ('--max-replicas', None)
    """
    return "--" + param.replace("_", "-") if param.isidentifier() else None


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`payback.PaybackError` into one line per problem and exit code 2; an
    error about one library parameter names the command's flag for it."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except payback.PaybackError as exc:
            flag = as_flag(exc.param) if exc.param else None
            if flag is not None and exc.param is not None:
                exc = exc.renamed({exc.param: flag})
            raise _fail(exc.messages) from None

    return wrapper


def _load_calibration(path: Path) -> payback.Calibration:
    """A --calibration file; its problems name the flag."""
    try:
        return payback.load_calibration(path)
    except payback.PaybackError as exc:
        raise payback.PaybackError([f"--calibration {m}" for m in exc.messages]) from None


def _warn(lines: list[str]) -> None:
    for line in lines:
        typer.echo(f"warning: {line}", err=True)


def _print_json(data: Any) -> None:
    def clean(x: Any) -> Any:
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, list):
            return [clean(v) for v in x]
        return x

    typer.echo(json.dumps(clean(data), indent=2, ensure_ascii=False, allow_nan=False))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"payback {payback.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Does fine-tuning and self-hosting a model pay back against a hosted LLM API?"""


@app.command()
@user_errors
def quick(
    hosted_per_1k: Annotated[
        float, typer.Option("--hosted-per-1k", help="Hosted API cost of 1,000 requests [USD].")
    ],
    self_hosted_per_1k: Annotated[
        float,
        typer.Option("--self-hosted-per-1k", help="Self-hosted cost of 1,000 requests [USD]."),
    ],
    one_time: Annotated[
        float,
        typer.Option("--one-time", help="One-time project cost: data, training, your time [USD]."),
    ],
    as_json: JsonFlag = False,
) -> None:
    """The seed's calculator: requests until a one-time cost pays back.

    break-even requests = one_time / (hosted − self_hosted) × 1000, at constant prices.
    For growth, token prices, GPU fleets and NPV, write a scenario and use **analyze**.
    """
    answer = payback.quick_break_even(hosted_per_1k, self_hosted_per_1k, one_time)
    if as_json:
        _print_json(answer.to_dict())
    else:
        typer.echo(answer.message)


@app.command()
@user_errors
def analyze(
    file: Annotated[
        Path, typer.Argument(help="Scenario file (TOML, or YAML by extension).", show_default=False)
    ],
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Monte Carlo over the scenario's distributions: the chance of paying back within 3/6/12 months, percentiles, drivers.",
        ),
    ] = None,
    seed: SeedOption = None,
    no_quality: NoQualityFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Break-even month and requests, NPV and monthly costs of each alternative.

    Reads a scenario (see **payback init** for a commented one) and compares
    every `[[alternatives]]` entry with the `[baseline]`: one-time cost by item, monthly
    cost now and at the horizon, break-even (interpolated inside the month), NPV and
    whether it pays back within a quarter. Numbers may be distributions
    (`{ dist = "triangular", low = 1, mode = 2, high = 4 }`); the answer uses their
    central values, and **--samples N** adds how likely each outcome is and which
    inputs drive it. An option's `quality = { error_rate, usd_per_error }` and
    `latency = { p50_ms, usd_per_second_per_1k_requests }` are priced as their own cost
    components; **--no-quality** leaves them out (the infrastructure view).
    """
    analysis = _analysis(file, samples, seed, no_quality)
    if as_json:
        _print_json(analysis.to_dict())
    else:
        _console().print(analysis_renderables(analysis))


catalog_app = typer.Typer(
    help="List the catalogs: GPUs, open models, API prices, hosted fine-tuning.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(catalog_app, name="catalog")
estimate_app = typer.Typer(
    help="First-principles estimates: serving capacity and fine-tuning cost.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(estimate_app, name="estimate")

SearchOption = Annotated[
    str, typer.Option("--search", help="Show only entries whose id or name contains this text.")
]


def _matches(text: str, *fields: str | None) -> bool:
    needle = text.lower()
    return any(needle in (f or "").lower() for f in fields)


@catalog_app.command("gpus")
@user_errors
def catalog_gpus(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """GPUs: memory, bandwidth, dense tensor peaks and hourly rents with their sources."""
    gpus = [g for g in payback.default_catalog().gpus.values() if _matches(search, g.id, g.name)]
    if as_json:
        _print_json([g.model_dump(mode="json") for g in gpus])
    else:
        _console().print(tables.gpus_table(gpus, dt.date.today()))


@catalog_app.command("models")
@user_errors
def catalog_models(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """Open models: parameters and the shape the estimators use."""
    models = [
        m
        for m in payback.default_catalog().models.values()
        if _matches(search, m.id, m.name, m.hf_repo)
    ]
    if as_json:
        _print_json([m.model_dump(mode="json") for m in models])
    else:
        _console().print(tables.models_table(models))


@catalog_app.command("apis")
@user_errors
def catalog_apis(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """Hosted API token prices from the pinned genai-prices snapshot."""
    prices = payback.search_api_models(search)
    if as_json:
        _print_json([dataclasses.asdict(p) for p in prices])
    else:
        _console().print(tables.apis_table(prices))


@catalog_app.command("finetuning")
@user_errors
def catalog_finetuning(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """Hosted fine-tuning: price per million training tokens and the tuned model's prices."""
    offers = [
        o
        for o in payback.default_catalog().finetunes.values()
        if _matches(search, o.id, o.provider, o.base_model)
    ]
    if as_json:
        _print_json([o.model_dump(mode="json") for o in offers])
    else:
        _console().print(tables.finetunes_table(offers))


ModelOption = Annotated[
    str,
    typer.Option(
        "--model", help="Open model id (see `payback catalog models`) or a config.json path."
    ),
]
GpuOption = Annotated[str, typer.Option("--gpu", help="GPU id (see `payback catalog gpus`).")]
CalibrationOption = Annotated[
    Path | None,
    typer.Option(
        "--calibration",
        help="A `payback calibrate` file: use its measured utilisation factors.",
        show_default=False,
    ),
]
ForceFlag = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]


@estimate_app.command("serving")
@user_errors
def estimate_serving(
    model: ModelOption,
    gpu: GpuOption,
    precision: Annotated[
        str, typer.Option("--precision", help="Weights: bf16, fp8, int8 or int4.")
    ] = "bf16",
    input_tokens: Annotated[
        float, typer.Option("--input-tokens", help="Mean prompt tokens per request.")
    ] = 1000.0,
    output_tokens: Annotated[
        float, typer.Option("--output-tokens", help="Mean output tokens per request.")
    ] = 200.0,
    context: Annotated[
        float | None,
        typer.Option("--context", help="Context at which to report decode speed [tokens]."),
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
            "--gpus-per-replica", help="Tensor-parallel GPUs (default: the fewest that fit)."
        ),
    ] = None,
    calibration: CalibrationOption = None,
    as_json: JsonFlag = False,
) -> None:
    """What one replica serves: batch, latency, decode and prefill speed, requests/s.

    A roofline model of a vLLM-class engine: prefill is compute-bound, each decode step
    streams the weights once plus every sequence's KV cache; the batch is capped by the
    memory left for the KV cache, 256 sequences and the **--tpot-ms** target.
    **--calibration** uses the utilisation factors `payback calibrate` measured.
    """
    catalog = payback.default_catalog()
    served, gpu_record = catalog.model(model), catalog.gpu(gpu)
    cal = _load_calibration(calibration) if calibration else None
    factors = None
    if cal is not None:
        factors = payback.serving_factors(cal, f"--calibration {calibration}")
        _warn(
            payback.check_use(
                cal, model=served.id, gpu=gpu_record.id, where=f"--calibration {calibration}"
            )
        )
    result = payback.estimate_serving(
        served,
        gpu_record,
        precision,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        context=context,
        batch=batch,
        tpot_ms=tpot_ms,
        gpus_per_replica=gpus_per_replica,
        engine=payback.engine_for(factors),
    )
    if as_json:
        _print_json(result.to_dict())
        return
    rows = {
        "GPUs per replica": f"{result.gpus_per_replica} × {result.gpu} ({result.precision})",
        "weights / KV cache": f"{result.weights_gb:,.1f} GB / {result.kv_cache_gb:,.1f} GB",
        "max batch": f"{result.max_batch} sequences at {result.input_tokens + result.output_tokens / 2:,.0f} tokens",
        "batch at full load": f"{result.batch} (limited by {result.limited_by})",
        f"decode at batch {result.batch}, context {result.context_tokens:,.0f}": f"{result.decode_output_tokens_per_s:,.0f} output tokens/s",
        "prefill": f"{result.prefill_tokens_per_s:,.0f} tokens/s",
        "time per output token": f"{result.tpot_ms:,.1f} ms",
        "time to first token (unloaded)": f"{result.ttft_ms:,.0f} ms",
        f"requests/s at {result.input_tokens:,.0f}/{result.output_tokens:,.0f} tokens": f"{result.replica_requests_per_s:,.2f} ({result.output_tokens_per_s:,.0f} output tokens/s)",
        "GPU price": f"${result.usd_per_gpu_hour:.2f}/h ({result.price_source})"
        if result.usd_per_gpu_hour
        else "not in the catalog",
    }
    if result.usd_per_gpu_hour:
        per_hour = result.usd_per_gpu_hour * result.gpus_per_replica
        rows["cost per 1k requests at full load"] = (
            f"${per_hour / (result.replica_requests_per_s * 3.6):,.4f}"
        )
    if cal is not None:
        rows["calibrated by"] = f"{calibration} ({cal.tool} on {cal.device}, {cal.created})"
    _console().print(tables.key_values(f"Serving {result.model} on {result.gpu}", rows))


@estimate_app.command("training")
@user_errors
def estimate_training(
    model: ModelOption,
    gpu: GpuOption,
    tokens: Annotated[
        float, typer.Option("--tokens", help="Dataset tokens (examples × tokens per example).")
    ],
    method: Annotated[str, typer.Option("--method", help="full, lora or qlora.")] = "lora",
    epochs: Annotated[float, typer.Option("--epochs", help="Passes over the dataset.")] = 1.0,
    runs: Annotated[
        int, typer.Option("--runs", help="Runs paid, sweeps and failed runs included.")
    ] = 1,
    precision: Annotated[str, typer.Option("--precision", help="bf16 or fp8.")] = "bf16",
    stack: Annotated[
        str,
        typer.Option("--stack", help="standard (HF/PEFT, torchtune) or optimized (NeMo/Megatron)."),
    ] = "standard",
    gpus: Annotated[
        int | None, typer.Option("--gpus", help="GPUs to use (default: the fewest that fit).")
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
    size and stack; GPUs from memory (weights, gradients, optimizer, activations).
    **--calibration** scales the utilization by what `payback calibrate` measured.
    """
    catalog = payback.default_catalog()
    trained, gpu_record = catalog.model(model), catalog.gpu(gpu)
    scale, cal = 1.0, None
    if calibration is not None:
        where = f"--calibration {calibration}"
        cal = _load_calibration(calibration)
        scale = payback.training_scale(cal, method, where)
        _warn(payback.check_use(cal, model=trained.id, gpu=gpu_record.id, where=where))
    result = payback.estimate_training(
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
    if as_json:
        _print_json(result.to_dict())
        return
    rows = {
        "method": f"{result.method} ({result.precision}, {result.stack} stack)",
        "GPUs": f"{result.gpus} × {result.gpu}, {result.memory_gib:,.1f} GiB each",
        "compute": f"{result.flops:.3g} FLOPs for {result.tokens:,.0f} tokens",
        "utilization (MFU)": f"{result.mfu:.0%}",
        "throughput": f"{result.tokens_per_s:,.0f} tokens/s ({result.tokens_per_s_per_gpu:,.0f} per GPU)",
        "time per run": f"{result.hours:,.2f} h ({result.gpu_hours:,.2f} GPU-hours)",
        "cost": (
            f"${result.usd:,.2f} for {result.runs} run(s) at ${result.usd_per_gpu_hour:.2f}/GPU-h ({result.price_source})"
            if result.usd is not None
            else "no price in the catalog: give --usd-per-gpu-hour"
        ),
    }
    if cal is not None:
        rows["calibrated by"] = (
            f"{calibration}: utilization ×{scale:.2f} ({cal.tool} on {cal.device}, {cal.created})"
        )
    _console().print(tables.key_values(f"Fine-tuning {result.model} on {result.gpu}", rows))


@app.command()
@user_errors
def recommend(
    file: Annotated[
        Path, typer.Argument(help="Scenario file (TOML, or YAML by extension).", show_default=False)
    ],
    alternative: Annotated[
        int | None,
        typer.Option(
            "--alternative",
            help="Index of the self_hosted alternative to configure (default: the first one).",
        ),
    ] = None,
    models: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            help="Model to serve (repeat to compare sizes); default: the alternative's model or models.",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Configurations to show.")] = 10,
    max_replicas: Annotated[
        int,
        typer.Option(
            "--max-replicas", help="Leave out configurations needing more replicas than this."
        ),
    ] = 1000,
    apply: Annotated[
        bool,
        typer.Option("--apply", help="Write the scenario with the winner filled in (needs -o)."),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where --apply writes the scenario.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Let -o replace a file.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Choose the GPU, precision, GPUs per replica and replicas of a self-hosted alternative.

    Searches every catalog GPU × precision (bf16, fp8, int8, int4) × tensor-parallel
    degree (1, 2, 4, 8) that fits the model in memory, sizes each for the scenario's
    traffic at its busiest hour (peak_to_average, growth over the horizon), and ranks
    them by average monthly cost: rent at the alternative's `commitment` and
    `gpu_price_change_annual`, or its `[owned]` servers. Configurations that miss
    `tpot_ms` (time per output token) or `ttft_ms` (time to first token) come after
    those that meet them. Shows the top **--top** and the cost-vs-latency Pareto
    front, and says why the others were left out.

    Give the model as `model = "qwen2.5-7b"`, `models = ["qwen2.5-1.5b", "qwen2.5-7b"]`
    or **--model**. **--apply -o new.toml** writes the scenario with the winner in it;
    `payback analyze new.toml` then shows the same monthly GPU cost.
    """
    if top < 1:
        raise payback.PaybackError(f"--top {top}: must be ≥ 1")
    if apply and output is None:
        raise payback.PaybackError("--apply needs -o FILE: where to write the new scenario")
    if output is not None and not apply:
        raise payback.PaybackError("-o is for --apply: add --apply to write the winner")
    scenario = payback.load_scenario(file)
    result = payback.recommend(
        scenario, alternative, models=models or None, max_replicas=max_replicas
    )
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    written: str | None = None
    if apply and output is not None and result.best is not None:
        text, notes = _applied_text(file, scenario, result, output)
        _write_new(output, text, force)
        for note in notes:
            typer.echo(f"note: {note}", err=True)
        written = str(output)
    if as_json:
        _print_json(result.to_dict(top) | ({"written": written} if written else {}))
    else:
        _console().print(renderers.recommendation_renderables(result, top))
    if result.best is None:
        raise payback.PaybackError(
            f"alternatives.{result.alternative}: {result.no_best_reason}"
            + ("; nothing to apply" if apply else "")
        )
    if written and not as_json:
        typer.echo(f"Wrote {written} with the winner. Next: payback analyze {written}")


def _applied_text(
    file: Path, scenario: payback.Scenario, result: payback.Recommendation, output: Path
) -> tuple[str, list[str]]:
    """The scenario file's text with the winner filled in (TOML keeps its comments, and
    the lines the winner replaces as comments) and its relative paths rewritten to point
    at the same files from ``output``'s folder, and what to tell about it."""
    from payback.scenario import SelfHostedOption
    from payback.studies.recommend import apply_winner, benchmark_text, relocate_paths

    best = result.best
    assert best is not None
    option = scenario.alternatives[result.alternative]
    assert isinstance(option, SelfHostedOption)
    path = f"alternatives.{result.alternative}"
    notes: list[str] = []
    drop = result.benchmark is not None and not result.benchmark_matches(best)
    if drop:
        notes.append(
            f"{path}.calibration = {option.calibration!r} removed: its serving benchmark measured "
            f"{benchmark_text(result.benchmark or {})}, not the winner {best.label()}; analyze "
            "estimates the winner's capacity"
        )
    elif result.benchmark is not None:
        assumed = (
            f" ({best.gpus_per_replica} GPUs per replica assumed, as analyze assumes: the "
            "benchmark does not say; set gpus_per_replica in the calibration if it differs)"
            if result.benchmark.get("gpus_per_replica_assumed")
            else ""
        )
        notes.append(
            f"{path}.calibration = {option.calibration!r} kept: it measured the winner{assumed}; "
            "analyze prices it with the benchmark's capacity"
        )
    yaml = file.suffix.lower() in {".yaml", ".yml"}
    if yaml:
        data = payback.read_scenario_data(file)
        replaced = apply_winner(
            data,
            result.alternative,
            best,
            option,
            drop_calibration=drop,
            model_ref=result.model_refs.get(best.model),
        )
        relocated = relocate_paths(data, file.parent, output.parent)
        text = payback.dump_scenario(payback.parse_scenario(data, source=str(file)), "yaml")
    else:
        import tomlkit

        document = tomlkit.parse(file.read_text(encoding="utf-8-sig"))
        replaced = apply_winner(
            document,
            result.alternative,
            best,
            option,
            drop_calibration=drop,
            model_ref=result.model_refs.get(best.model),
        )
        relocated = relocate_paths(document, file.parent, output.parent)
        text = tomlkit.dumps(document)
        payback.parse_scenario(_toml_loads(text), source=str(file))  # still valid
    if replaced:
        kept = "" if yaml else " (kept as comments in the file)"
        notes.append(f"{path}: replaced by the winner{kept}: " + "; ".join(replaced))
    if relocated:
        notes.append(
            f"relative paths rewritten to point at the same files from {output.parent}: "
            + "; ".join(relocated)
        )
    return text, notes


@app.command("import-benchmark")
@user_errors
def import_benchmark(
    file: Annotated[
        Path,
        typer.Argument(
            help="Result of a serving benchmark: vLLM --save-result JSON, GenAI-Perf or AIPerf profile export.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write a calibration file (TOML) for scenarios."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Catalog model served (default: the benchmark's, if the catalog knows it).",
        ),
    ] = None,
    gpu: Annotated[
        str | None, typer.Option("--gpu", help="Catalog GPU it ran on: compares with the estimate.")
    ] = None,
    precision: Annotated[
        str | None,
        typer.Option(
            "--precision", help="Weights served: bf16, fp8, int8 or int4 (recorded only if given)."
        ),
    ] = None,
    gpus_per_replica: Annotated[
        int | None, typer.Option("--gpus-per-replica", help="GPUs the served replica used.")
    ] = None,
    run: Annotated[
        int | None,
        typer.Option(
            "--run",
            help="Which run of a file holding several (vLLM --append-result); default the last.",
        ),
    ] = None,
    force: ForceFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Read a serving benchmark: requests/s, output tokens/s, token lengths, latencies.

    Run the benchmark at the load you would plan for (a concurrency whose latency you
    accept), then point a scenario's self-hosted option at the result
    (`calibration = "bench.json"` or the **-o** file): its capacity replaces the
    estimate, scaled to the scenario's token lengths when the option names its model
    and GPU. With **--gpu** (and **--model** when the benchmark's model is not in the
    catalog) it also shows the estimate of the same run and how far it was.
    """
    catalog = payback.default_catalog()
    served = catalog.model(model) if model is not None else None
    gpu_record = catalog.gpu(gpu) if gpu is not None else None
    if precision is not None and precision not in PRECISIONS:
        raise payback.PaybackError(
            f"--precision {precision}: unknown; allowed: {', '.join(PRECISIONS)}"
        )
    if gpus_per_replica is not None and not 1 <= gpus_per_replica <= 1024:
        raise payback.PaybackError(f"--gpus-per-replica {gpus_per_replica}: must be 1 to 1024")
    if output is not None:
        _check_writable(output, force, "calibration.toml")
    cal, estimate, warnings = payback.import_benchmark(
        file,
        model=served,
        gpu=gpu_record,
        precision=precision,
        gpus_per_replica=gpus_per_replica,
        run=run,
    )
    serving = cal.serving
    assert serving is not None
    if output is not None and (gpu_record is None or precision is None):
        warnings.append(
            f"{output} will not record the benchmark's "
            + " or ".join(
                n
                for n, v in (("GPU (--gpu)", gpu_record), ("precision (--precision)", precision))
                if v is None
            )
            + "; scenarios then take this option's, with a warning"
        )
    _warn(warnings)
    if output is not None:
        _write_new(output, payback.calibration_toml(cal), force)
    if as_json:
        data = {
            "replica_requests_per_s": serving.replica_requests_per_s,
            "output_tokens_per_s": serving.output_tokens_per_s,
            "input_tokens": serving.input_tokens,
            "output_tokens": serving.output_tokens,
            "latency_ms": {
                name: getattr(serving, name).model_dump(exclude_none=True)
                for name in ("ttft_ms", "tpot_ms", "itl_ms", "e2el_ms")
                if getattr(serving, name) is not None
            },
            "calibration": cal.model_dump(exclude_none=True),
            "estimate": estimate.to_dict() if estimate else None,
            "written": str(output) if output else None,
        }
        _print_json(data)
        return
    _console().print(tables.benchmark_table(cal, estimate))
    if output is not None:
        typer.echo(f'Wrote {output}. Use it with calibration = "{output}" on a self_hosted option.')


@app.command()
@user_errors
def calibrate(
    model: ModelOption,
    method: Annotated[
        str, typer.Option("--method", help="Fine-tuning method timed: lora or full.")
    ] = "lora",
    precision: Annotated[str, typer.Option("--precision", help="Precision timed (bf16).")] = "bf16",
    device: Annotated[
        str | None,
        typer.Option("--device", help="cuda or cpu (default: cuda when PyTorch sees a GPU)."),
    ] = None,
    gpu: Annotated[
        str | None,
        typer.Option("--gpu", help="Catalog GPU this device is (default: found from its name)."),
    ] = None,
    context: Annotated[
        int,
        typer.Option(
            "--context", help="Prompt length prefilled and KV cache per decode sequence [tokens]."
        ),
    ] = 1024,
    seconds: Annotated[
        float,
        typer.Option(
            "--seconds",
            help="Time for the whole measurement; steps are sized to fit it (about 20 s on a GPU).",
        ),
    ] = 120.0,
    checkpointing: Annotated[
        bool,
        typer.Option(
            "--checkpointing/--no-checkpointing",
            help="Recompute activations in training (as common fine-tuning stacks do).",
        ),
    ] = True,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write the calibration file (TOML) for estimates and scenarios."
        ),
    ] = None,
    force: ForceFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Measure this machine: training, prefill and decode speed of a model's shape.

    Builds the catalog model's shape in PyTorch with random weights (nothing is
    downloaded; weights do not change speed), times a training step of **--method**,
    a prefill and decode steps at several batch sizes (CUDA graphs on a GPU), prints
    each next to the estimate with the ratio, and with **-o** saves the utilisation
    factors: `payback estimate ... --calibration FILE`, or `calibration = "FILE"` on a
    scenario's self-hosted option or training job, then use them. Needs PyTorch:
    `pip install 'payback[calibrate]'`.
    """
    catalog = payback.default_catalog()
    record = catalog.model(model)
    gpu_record = catalog.gpu(gpu) if gpu else None
    if output is not None:
        _check_writable(output, force, "calibration.toml")
    console = Console(stderr=True)
    with Progress(
        TextColumn("calibrating: {task.description}"),
        BarColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("starting", total=1.0)

        def progress(phase: str, share: float) -> None:
            bar.update(task, description=phase, completed=share)

        cal = payback.run_calibration(
            record,
            catalog=catalog,
            gpu=gpu_record,
            method=method,
            precision=precision,
            device=device,
            context=context,
            seconds=seconds,
            checkpointing=checkpointing,
            progress=progress,
        )
    if as_json:
        if output is not None:
            _write_new(output, payback.calibration_toml(cal), force)
        _print_json(
            {**cal.model_dump(exclude_none=True), "written": str(output) if output else None}
        )
        return
    out = _console()  # the results first: a failed write loses nothing measured
    out.print(tables.calibration_table(cal))
    out.print(
        tables.key_values("Factors for later estimates", tables.factors_rows(cal, payback.VLLM))
    )
    for note in cal.measured.notes if cal.measured else []:
        out.print(f"note: {note}")
    if output is not None:
        _write_new(output, payback.calibration_toml(cal), force)
        out.print(
            f'Wrote {output}. Use it with --calibration {output}, or calibration = "{output}" in a scenario.'
        )


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback that shows a bar on a terminal once sampling will take over a second."""
    console = Console(stderr=True)
    start = time.monotonic()
    bar: Progress | None = None
    task: TaskID | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        elapsed = time.monotonic() - start
        if bar is None and console.is_terminal and done < total and elapsed / done * total > 1.0:
            bar = Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            bar.start()
            task = bar.add_task("sampling", total=total)
        if bar is not None and task is not None:
            bar.update(task, completed=done)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


def _top(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise payback.PaybackError(f"top = {value}: must be ≥ 1")
    return value


@app.command()
@user_errors
def sensitivity(
    file: Annotated[
        Path,
        typer.Argument(help="Scenario file (TOML, or YAML by extension).", show_default=False),
    ],
    method: Annotated[
        str,
        typer.Option(
            "--method", help="tornado (one input at a time) or sobol (variance-based, global)."
        ),
    ] = "tornado",
    swing: Annotated[
        float | None,
        typer.Option(
            "--swing",
            help="Move every input ±this share instead of using distributions (0.25 when the scenario has none).",
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Sobol only: base samples, rounded up to a power of two (default 1024).",
        ),
    ] = None,
    seed: SeedOption = None,
    top: Annotated[
        int | None, typer.Option("--top", help="Show only the K most influential inputs.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Which assumptions decide the answer, ranked.

    **tornado**: each uncertain input at its p10 and p90 (the rest at their central
    values), ranked by how far the NPV moves; also the break-even month at each end.
    **sobol**: the share of the NPV's variance due to each input (first order) and with
    its interactions (total). Inputs are the scenario's distributions; a scenario without
    any gets every number moved ±25% (rates left at 0 over stated ranges).
    """
    top = _top(top)
    if method not in ("tornado", "sobol"):
        raise payback.PaybackError(f"method {method!r}: unknown; allowed: tornado, sobol")
    if method == "tornado" and (samples is not None or seed is not None):
        raise payback.PaybackError(
            "--samples and --seed apply to --method sobol; a tornado does not sample"
        )
    resolved = payback.resolve(payback.load_scenario(file))
    for warning in resolved.warnings:
        typer.echo(f"warning: {warning}", err=True)
    names = [alt.name for alt in resolved.scenario.alternatives]
    central = [float(alt.npv_usd) for alt in payback.evaluate(resolved).alternatives]
    if method == "tornado":
        ranked_drivers = payback.tornado(resolved, swing)
        if as_json:
            _print_json(
                {
                    "method": "tornado",
                    "alternatives": [
                        {
                            "name": name,
                            "npv_usd": npv,
                            "drivers": [d.to_dict() for d in drivers[:top]],
                        }
                        for name, npv, drivers in zip(names, central, ranked_drivers, strict=True)
                    ],
                }
            )
            return
        for name, npv, drivers in zip(names, central, ranked_drivers, strict=True):
            _console().print(
                tornado_table(
                    drivers,
                    top,
                    title=f"{name}: NPV {money(npv)} with every input central; each input moved alone",
                )
            )
        return
    with _progress("Sobol") as progress:
        result = payback.sobol(resolved, samples or 1024, seed or 0, swing, progress)
    if as_json:
        _print_json(
            {
                "method": "sobol",
                "base_samples": result.base_samples,
                "seed": result.seed,
                "alternatives": [
                    {"name": name, "indices": [s.to_dict() for s in indices[:top]]}
                    for name, indices in zip(names, result.alternatives, strict=True)
                ],
            }
        )
        return
    for name, indices in zip(names, result.alternatives, strict=True):
        _console().print(
            sobol_table(
                indices[:top],
                title=f"{name}: shares of the NPV's variance ({result.base_samples:,} base samples)",
            )
        )


@app.command()
@user_errors
def solve(
    file: Annotated[
        Path,
        typer.Argument(help="Scenario file (TOML, or YAML by extension).", show_default=False),
    ],
    vary: Annotated[
        str,
        typer.Option(
            "--vary",
            help="The input to solve for, as a dotted path: traffic.requests_per_month, "
            "alternatives.0.usd_per_gpu_hour, alternatives.0.quality.error_rate, ...",
            show_default=False,
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--target",
            help="METRIC=VALUE that must hold: break_even_month=3, npv_usd=0 or "
            "break_even_requests=1e6.",
            show_default=False,
        ),
    ],
    alternative: Annotated[
        int, typer.Option("--alternative", help="Which alternative, by index (0 is the first).")
    ] = 0,
    no_quality: NoQualityFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """What would it take: the value of one input at which a target holds exactly.

    `payback solve scenario.toml --vary traffic.requests_per_month --target break_even_month=3`
    gives the monthly traffic at which the alternative pays back in exactly a quarter, and
    whether more or less traffic is needed. Every other number stays as in the file
    (distributions at their central values). The whole allowed range of the input is
    searched (the crossing nearest today's value wins), then narrowed by bisection; where
    the answer jumps (fleet replicas, whole-number fields) it says the target is met only
    within a step, and where the answer is not monotone in the input it says the target
    holds near the value, not for every value beyond it. Exit code 1 when no allowed value
    reaches the target. **--json**: `{"parameter", "value", "target", "achieved",
    "iterations", "single_crossing", ...}`.
    """
    wanted = payback.parse_target(target)
    scenario = payback.load_scenario(file)
    if no_quality:
        priced = [name for name in VALUE_TERMS if f".{name}." in f".{vary}."]
        if priced:
            raise payback.PaybackError(
                f"--vary {vary}: a {priced[0]} field, left out by --no-quality (which drops "
                "every option's quality and latency); leave --no-quality off to vary it"
            )
        scenario = payback.without_value_terms(scenario)
    resolved = payback.resolve(scenario)
    for warning in resolved.warnings:
        typer.echo(f"warning: {warning}", err=True)
    solution = payback.solve(resolved, vary, wanted, alternative)
    if as_json:
        _print_json(solution.to_dict())
    else:
        for line in solution_lines(solution):
            typer.echo(line)
    if solution.value is None:
        raise typer.Exit(code=1)


SamplesOption = Annotated[
    int | None,
    typer.Option(
        "--samples", help="Also sample the scenario's distributions (Monte Carlo) this many times."
    ),
]


def _analysis(
    file: Path, samples: int | None, seed: int | None, no_quality: bool = False
) -> payback.Analysis:
    if seed is not None and samples is None:
        raise payback.PaybackError(
            "--seed needs --samples: without sampling there is nothing to seed"
        )
    with _progress("sampling") as progress:
        analysis = payback.analyze(
            payback.load_scenario(file),
            samples=samples,
            seed=seed or 0,
            progress=progress,
            value_terms=not no_quality,
        )
    for warning in analysis.resolved.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return analysis


def _made_by_payback(path: Path) -> bool:
    """Whether an existing file is one payback wrote (its marker is in the first 64 KiB)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    return renderers.MARKER.encode() in head or (
        b"payback" in head[:4096] and head.startswith(b"\x89PNG")
    )


def _write_outputs(files: dict[Path, bytes], force: bool) -> None:
    """Write generated files atomically; never replace a file payback did not make unless forced."""
    for path in files:
        if path.exists() and not force and not _made_by_payback(path):
            raise payback.PaybackError(
                f"{path}: exists and was not written by payback; use --force to replace it"
            )
    for path, content in files.items():
        _write_new(path, content, force=True)


@app.command()
@user_errors
def report(
    file: Annotated[
        Path, typer.Argument(help="Scenario file (TOML, or YAML by extension).", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="report.html (interactive, one offline file), report.md (+ PNG charts beside it) or chart.png.",
        ),
    ],
    samples: SamplesOption = None,
    seed: SeedOption = None,
    no_quality: NoQualityFlag = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace files payback did not write.")
    ] = False,
) -> None:
    """A report to attach to a design review: charts, the explanation and every input's source.

    **.html**: one self-contained file (plotly.js inlined, no network requests) with
    interactive charts: cumulative cost with the break-even marked, monthly cost by
    component, one-time cost by item, cost per 1k requests as traffic varies, the drivers,
    and with **--samples** the fan of cumulative savings and the break-even histogram.
    **.md**: the same as Markdown with PNG charts written beside it. **.png**: the
    cumulative-cost chart alone. Files payback wrote before are replaced; others need **--force**.
    """
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".png"):
        raise payback.PaybackError(
            f"-o {output}: unknown report type {suffix or '(none)'}; allowed: .html, .md, .png"
        )
    analysis = _analysis(file, samples, seed, no_quality)
    if suffix in (".html", ".htm"):
        files = {output: renderers.render_html(analysis).encode("utf-8")}
    elif suffix == ".md":
        files = renderers.markdown_files(analysis, output)
    else:
        files = {output: renderers.png_bytes(charts.cumulative_costs(analysis))}
    _write_outputs(files, force)
    typer.echo(
        f"Wrote {output}" + (f" and {len(files) - 1} charts beside it" if len(files) > 1 else "")
    )


@app.command()
@user_errors
def explain(
    file: Annotated[
        Path, typer.Argument(help="Scenario file (TOML, or YAML by extension).", show_default=False)
    ],
    samples: SamplesOption = None,
    seed: SeedOption = None,
    no_quality: NoQualityFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """In plain words, with this scenario's numbers: what the project really costs, how the
    break-even is computed, the verdict for a quarter and the horizon, and what to measure first.
    """
    sections = explain_analysis(_analysis(file, samples, seed, no_quality))
    if as_json:
        _print_json({"sections": [{"title": t, "paragraphs": p} for t, p in sections]})
        return
    console = _console()
    for title, paragraphs in sections:
        console.print(Text(title[0].upper() + title[1:], style="bold underline"))
        for paragraph in paragraphs:
            console.print(paragraph, soft_wrap=False)
            console.print()


def _date(name: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise payback.PaybackError(f"{name} {text!r}: expected a date such as 2026-11-01") from None


@app.command()
@user_errors
def usage(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Log files or globs: CSV, TSV, JSON, JSONL or Parquet, gzip too "
            "(optional with --sql).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto (told file by file), generic, openai-usage, litellm, langfuse or helicone.",
        ),
    ] = "auto",
    model: Annotated[
        str | None, typer.Option("--model", help="Only requests to this model.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="First day to count (UTC), e.g. 2026-08-01.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day to count (UTC), inclusive.")
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="Generic logs: ts=...,input=...,output=...[,cached=...,model=...,requests=...].",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write [traffic] into this scenario (other sections untouched), or a new one.",
        ),
    ] = None,
    sql: Annotated[
        bool,
        typer.Option(
            "--sql",
            help="Print the DuckDB SQL payback runs (for these files, or for a table of JSON "
            "records in --format), to run where the logs live.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """The workload from real request logs: the `[traffic]` of a scenario, measured.

    **requests_per_month**: requests per day in the last complete calendar month (UTC)
    × 30.44 (365.25/12); **growth_monthly**: compound rate of a log-linear fit of requests
    per day over complete months; **input_tokens** / **output_tokens**: means per request
    (p50/p90/p99 shown); **cached_input_share**: cached / input tokens;
    **peak_to_average**: the busiest clock hour over the mean hour (not measured from
    daily buckets). Unreadable rows are counted and shown. With **-o**, an existing
    scenario gets only its `[traffic]` numbers replaced (layout and comments kept; a file
    that is not a scenario is refused); a new path gets the starter scenario with this
    traffic. DuckDB reads files larger than memory.
    """
    options: dict[str, Any] = {
        "model": model,
        "since": _date("--since", since),
        "until": _date("--until", until),
        "columns": columns,
    }
    if sql:
        typer.echo(payback.usage_sql(fmt, paths or None, **options), nl=False)
        return
    if not paths:
        raise payback.PaybackError(
            "usage: give log files or globs (or --sql to print the queries it runs)"
        )
    profile = payback.profile_usage(paths, fmt, **options)
    for warning in profile.warnings:
        typer.echo(f"warning: {warning}", err=True)
    written = None
    if output is not None:
        written = _write_traffic(output, profile.traffic)
    if as_json:
        _print_json(
            profile.to_dict()
            | ({"written": str(output), "created": written == "created"} if output else {})
        )
        return
    console = _console()
    from payback.report.usage import render_profile

    console.print(render_profile(profile))
    for note in profile.notes:
        typer.echo(f"note: {note}", err=True)
    if output is not None:
        typer.echo(
            f"Wrote {output}: "
            + (
                "a new scenario from the starter with this traffic"
                if written == "created"
                else "its [traffic] numbers, everything else kept"
            )
        )


SCENARIO_SECTIONS = ("scenario", "traffic", "baseline", "alternatives")


def _write_traffic(path: Path, traffic: dict[str, float]) -> str:
    """Put measured traffic into ``path``: update an existing scenario, or create one.

    An existing file is replaced only when it is a scenario and stays a valid one; its
    byte-order mark and line endings are kept. Values it held as distributions are named
    in a warning before being replaced."""
    fmt: Literal["toml", "yaml"] = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "toml"
    if path.is_dir():
        raise payback.PaybackError(f"{path}: is a directory")
    text, bom = "", False
    if path.exists():
        try:
            raw = path.read_bytes()
            bom = raw.startswith(b"\xef\xbb\xbf")
            text = raw.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise payback.PaybackError(f"{path}: cannot read ({exc}); left as it is") from None
    if text.strip():  # an empty file gets the starter, as a new one would
        try:
            data = payback.scenario_data_from_text(text, fmt, str(path))
        except payback.PaybackError as exc:
            raise payback.PaybackError(f"{exc.messages[0]}; left as it is") from None
        if not any(key in data for key in SCENARIO_SECTIONS):
            raise payback.PaybackError(
                f"{path}: does not look like a payback scenario (no [scenario], [traffic], "
                "[baseline] or [alternatives]); left as it is"
            )
        replaced: list[str] = []
        try:
            updated = payback.with_traffic(text, fmt, traffic, replaced)
        except payback.PaybackError as exc:
            raise payback.PaybackError(f"{path}: {exc}") from None
        try:
            payback.parse_scenario(
                payback.scenario_data_from_text(updated, fmt, str(path)), source=str(path)
            )
        except payback.PaybackError as exc:
            problem = exc.messages[0].removeprefix(f"{path}: ")
            raise payback.PaybackError(
                f"{path}: with the measured [traffic] it would not be a valid scenario "
                f"({problem}); left as it is"
            ) from None
        for line in replaced:
            typer.echo(f"warning: {path}: {line}", err=True)
        _write_new(path, ("\ufeff" if bom else "") + updated, force=True)
        return "updated"
    starter = _starter_text()
    text = payback.with_traffic(starter, "toml", traffic)
    if fmt == "yaml":
        text = payback.dump_scenario(payback.parse_scenario(_toml_loads(text)), "yaml")
    _write_new(path, text, force=path.exists())
    return "created"


@app.command()
@user_errors
def serve(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario to open (default: the starter scenario).", show_default=False
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8501,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 127.0.0.1 keeps it on this machine.")
    ] = "127.0.0.1",
) -> None:
    """An interactive page: the main assumptions as inputs, the verdict and charts updating
    as they change, uploads and downloads of scenarios and the HTML report.

    Needs the web extra (`pip install 'payback[web]'`). Uploaded files are read in
    memory; the server writes nothing to disk.
    """
    import importlib.util

    if importlib.util.find_spec("streamlit") is None:
        raise payback.PaybackError("the page needs Streamlit: pip install 'payback[web]'")
    if file is not None:
        payback.load_scenario(file)  # one clear line now rather than an error page later
    if not 1 <= port <= 65535:
        raise payback.PaybackError(f"--port {port}: must be between 1 and 65535")
    app_path = Path(__file__).parent / "web" / "app.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--theme.primaryColor",
        "#1f5f9f",  # blue: the page keeps red for problems
        "--",
        *([str(file.resolve())] if file else []),
    ]
    typer.echo(f"payback page on http://{host}:{port} (Ctrl+C stops it)", err=True)
    sys.stderr.flush()
    # Streamlit takes this process over, so a signal that stops `payback serve` stops the page.
    os.execv(sys.executable, command)


def _starter_text() -> str:
    return resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")


def _check_writable(path: Path, force: bool, example: str = "scenario.toml") -> Path:
    """Refuse, before any work, a path that is a folder, is in a missing folder, or exists
    (without ``force``); the folder it goes in."""
    if path.is_dir():
        raise payback.PaybackError(
            f"{path}: is a directory; give a file name such as {path / example}"
        )
    if path.exists() and not force:
        raise payback.PaybackError(f"{path}: already exists; use --force to overwrite it")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise payback.PaybackError(f"{path}: folder {parent} does not exist")
    return parent


def _write_new(path: Path, text: str | bytes, force: bool) -> None:
    """Write ``text`` to ``path`` atomically; refuse to replace a file without ``force``.

    The new file gets the permissions a plain write would give (the umask's), or the
    replaced file's own.
    """
    parent = _check_writable(path, force)
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise payback.PaybackError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


@app.command()
@user_errors
def init(
    path: Annotated[
        Path, typer.Argument(help="Where to write the scenario (.toml, or .yaml for YAML).")
    ] = Path("scenario.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Write a commented starter scenario to edit.

    200k requests a month on a hosted big model against a fine-tuned small open model
    on one rented GPU, with every cost item filled in. Never overwrites a file unless
    **--force** is given.
    """
    text = _starter_text()
    if path.suffix.lower() in {".yaml", ".yml"}:
        text = payback.dump_scenario(payback.parse_scenario(_toml_loads(text)), "yaml")
    _write_new(path, text, force)
    if as_json:
        _print_json({"written": str(path)})
    else:
        typer.echo(f"Wrote {path}. Edit the numbers, then: payback analyze {path}")


def _toml_loads(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)


def main() -> None:
    """Entry point of the ``payback`` command."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
