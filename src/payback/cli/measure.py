"""``payback import-benchmark``, ``calibrate`` and ``usage``: measurements that replace
assumptions (a serving benchmark, this machine's speed, the traffic in request logs)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from payback.cli._advice import in_command_words
from payback.cli._common import (
    ForceFlag,
    JsonFlag,
    ModelOption,
    _busy,
    _console,
    _print_json,
    _warn,
    echo,
    from_catalog,
    user_errors,
)
from payback.cli._files import (
    _calibration_output,
    _check_scenario_suffix,
    _check_writable,
    _write_new,
    through_missing,
)
from payback.cli._usage import _check_usage_options, _date, _show_profile, _write_traffic
from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.hardware.estimate import ClosedLoopLatency
    from payback.measure.calibration import Calibration


# ------------------------------------------------------------------ import-benchmark


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
        typer.Option("-o", "--output", help="Write a calibration file; a missing folder is made."),
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
            "--precision",
            help="Weights served: bf16, fp8, int8, int4 or mxfp4 (recorded only if given).",
        ),
    ] = None,
    gpus_per_replica: Annotated[
        int | None, typer.Option("--gpus-per-replica", help="GPUs the served replica used.")
    ] = None,
    run: Annotated[
        int | None,
        typer.Option(
            "--run",
            help="Which run of a file holding several (vLLM --append-result), counting from 1; "
            "default the last.",
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
    catalog) it also shows the estimate of the same run and how far it was: for a run at a
    fixed concurrency, the estimate of that many clients in a closed loop (each sends its
    next request when the last one ends).

    Example, a vLLM `--save-result` file of Llama-3.1-8B on one H100 SXM:

    `payback import-benchmark result.json --gpu h100-sxm --precision bf16 -o h100.toml`
    """
    from payback.measure.apply import closed_loop_at_load, far_from_estimate
    from payback.measure.apply import import_benchmark as read_benchmark
    from payback.measure.calibration import calibration_toml

    served = from_catalog("model", "--model", model) if model is not None else None
    gpu_record = from_catalog("gpu", "--gpu", gpu) if gpu is not None else None
    precision = None if precision is None else precision.lower()  # BF16 reads as bf16
    _check_run(precision, gpus_per_replica)
    if output is not None:
        output = _calibration_output(output, force)  # .json, an input, a folder: refused
    cal, estimate, warnings = read_benchmark(
        file,
        model=served,
        gpu=gpu_record,
        precision=precision,
        gpus_per_replica=gpus_per_replica,
        run=run,
    )
    warnings = [_run_in_command_words(line, file) for line in warnings]
    if output is not None:
        warnings += _unrecorded(output, gpu_record is None, precision is None)
    elif served is not None and gpu_record is None:
        warnings.append(f"--model {model}: unused without --gpu (to compare) or -o (to record it)")
    closed = closed_loop_at_load(cal, estimate)
    warnings += far_from_estimate(cal, estimate, closed, str(file))
    if output is not None:  # before any warning: a refused write is its one error line
        _write_new(output, calibration_toml(cal), force, "-o")
    _warn(warnings)
    if as_json:
        _print_json({**_benchmark_json(cal, estimate, closed, output), "warnings": warnings})
        return
    from payback.report import tables

    _console().print(tables.benchmark_table(cal, estimate, closed))
    if output is not None:
        echo(
            f'Wrote {output}. Use it with calibration = "{_in_scenario(output)}" on a '
            "self_hosted option (a relative path there is read from the scenario file's "
            "folder, not from here)."
        )


def _run_in_command_words(line: str, file: Path) -> str:
    """The library's advice to import another run of ``file`` as the command that does
    (the path as given, quoted for a shell where it needs to be, and ``--run N``)."""
    import shlex

    from payback.measure.benchmarks import RUN_ADVICE

    command = f"`payback import-benchmark {shlex.quote(str(file))} --run N`"
    return line.replace(RUN_ADVICE, command)


def _in_scenario(output: Path) -> str:
    """``output`` as a scenario's ``calibration`` names it from any folder: absolute (a
    scenario reads a relative path from its own folder, not from where payback ran), with
    forward slashes, which a TOML string takes as they are."""
    return output.absolute().as_posix()


def _check_run(precision: str | None, gpus_per_replica: int | None) -> None:
    """Refuse a --precision or --gpus-per-replica no run can have."""
    from payback.hardware.serving import PRECISIONS

    if precision is not None and precision not in PRECISIONS:
        raise PaybackError(f"--precision {precision}: unknown; allowed: {', '.join(PRECISIONS)}")
    if gpus_per_replica is not None and not 1 <= gpus_per_replica <= 1024:
        raise PaybackError(f"--gpus-per-replica {gpus_per_replica}: must be 1 to 1024")


def _unrecorded(output: Path, no_gpu: bool, no_precision: bool) -> list[str]:
    """A warning that the calibration file will lack the GPU or precision of the run."""
    unknown = [
        name
        for name, missing in (("GPU (--gpu)", no_gpu), ("precision (--precision)", no_precision))
        if missing
    ]
    if not unknown:
        return []
    return [
        f"{output} will not record the benchmark's {' or '.join(unknown)}"
        "; scenarios then take this option's, with a warning"
    ]


def _benchmark_json(
    cal: Calibration,
    estimate: Any | None,
    closed: ClosedLoopLatency | None,
    output: Path | None,
) -> dict[str, Any]:
    """``import-benchmark --json``: the measured serving, the calibration, the estimate
    (at full load, or at the batch of the run's concurrency), the closed-loop estimate of a
    run at a fixed concurrency, and the measured requests/s over the one compared."""
    from dataclasses import asdict

    serving = cal.serving
    assert serving is not None
    compared = (
        closed.requests_per_s
        if closed is not None
        else estimate.replica_requests_per_s
        if estimate is not None
        else None
    )
    return {
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
        "closed_loop": asdict(closed) if closed is not None else None,
        "measured_over_estimated": (
            serving.replica_requests_per_s / compared if compared is not None else None
        ),
        "written": str(output) if output else None,
    }


# ------------------------------------------------------------------ calibrate


@user_errors
def calibrate(  # long: most of it is its options and their help text
    model: ModelOption,
    method: Annotated[
        str, typer.Option("--method", help="Fine-tuning method timed: lora or full.")
    ] = "lora",
    precision: Annotated[str, typer.Option("--precision", help="Precision timed (bf16).")] = "bf16",
    device: Annotated[
        str | None,
        typer.Option(
            "--device",
            help="cuda or cpu (default: cuda when PyTorch sees a GPU). A CPU's factors describe "
            "the CPU: estimates for a GPU refuse them.",
        ),
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
            help="Time for the whole run, PyTorch's start-up included; steps are sized to fit it (about 20 s on a GPU), but each is timed at least 3 times, so a slow device (a CPU) runs over, and a note says by how much. At most 3,600.",
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
            "-o", "--output", help="Write the calibration file; a missing folder is made."
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

    Example, 18 to 27 s on an H200:

    `payback calibrate --model llama-3.1-8b -o h200.toml`
    """
    # Long for its ten options and their help; the measuring is in payback.measure.calibrate.
    from payback.catalog import default_catalog
    from payback.measure.apply import measured_on_cpu
    from payback.measure.calibrate import run_calibration
    from payback.measure.calibration import calibration_toml

    catalog = default_catalog()
    record = from_catalog("model", "--model", model)
    gpu_record = from_catalog("gpu", "--gpu", gpu) if gpu else None
    # choices in any case, as every command's are (LoRA, BF16, CUDA)
    method, precision = method.lower(), precision.lower()
    device = None if device is None else device.lower()
    if output is not None:
        output = _calibration_output(output, force)  # .json, an input, a folder: refused
    with _phase_bar() as progress:
        cal = run_calibration(
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
            _write_new(output, calibration_toml(cal), force, "-o")
        _print_json(
            {**cal.model_dump(exclude_none=True), "written": str(output) if output else None}
        )
        return
    _show_calibration(cal)  # the results first: a failed write loses nothing measured
    if output is not None:
        _write_new(output, calibration_toml(cal), force, "-o")
        _console().print(
            f"Wrote {output}. It was measured on a CPU: estimates for a GPU refuse it; calibrate "
            "on the GPU you serve on for factors to use."
            if measured_on_cpu(cal)
            else f"Wrote {output}. Use it with --calibration {output}, or calibration = "
            f'"{_in_scenario(output)}" in a scenario (a relative path there is read from the '
            "scenario file's folder, not from here)."
        )


@contextlib.contextmanager
def _phase_bar() -> Iterator[Callable[[str, float], None]]:
    """A progress callback ``(phase, share done)`` drawing a bar on a terminal's stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

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

        yield progress


def _show_calibration(cal: Calibration) -> None:
    """The measurements next to the estimates, the factors they give, and notes."""
    from payback.hardware.calibration import Factors
    from payback.report import tables

    out, factors = _console(), tables.factor_rows(cal.factors or Factors())
    out.print(tables.calibration_table(cal))
    out.print(tables.key_values("Factors for later estimates", factors))
    for note in cal.measured.notes if cal.measured else []:
        out.print(f"note: {note}")


# ------------------------------------------------------------------ usage


@user_errors
def usage(  # long: most of it is its options and their help text
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Log files or globs: CSV, TSV, TXT (CSV or JSON lines), JSON, JSONL or "
            "Parquet, all but Parquet also .gz or .zst (optional with --sql); regular files only. Or one database: postgresql://..., "
            "clickhouse://..., chdb:///folder, duckdb:///file (or FILE.duckdb).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto (detected file by file, or a table by its name), generic, openai-usage, "
            "litellm, langfuse, helicone or otel (OpenTelemetry GenAI spans).",
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
            help="Generic logs: ts=...,input=...,output=...[,cached=...,model=...,requests=...,id=...].",
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="A database's table of logs (default: LiteLLM_SpendLogs, observations, "
            "request_response_rmt, otel_traces or spans, found by name; else the one table "
            "that looks like logs).",
        ),
    ] = None,
    dialect: Annotated[
        str | None,
        typer.Option(
            "--dialect",
            help="With --sql: print the table query for this engine (postgres, clickhouse, "
            "bigquery, snowflake, spark, trino, duckdb, ...).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write [traffic] into this scenario (other sections untouched), or a new one; a "
            "missing folder is made.",
        ),
    ] = None,
    sql: Annotated[
        bool,
        typer.Option(
            "--sql",
            help="Print the DuckDB SQL payback runs (for these files, or for a table of JSON "
            "records in --format), to run where the logs live; with a URL, --table or "
            "--dialect: the one query it runs on a database table.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """The workload from real request logs: the `[traffic]` of a scenario, measured.

    **requests_per_month**: requests per day in the last complete calendar month (UTC) ×
    30.4375 (365.25/12); **growth_monthly**: compound rate of a log-linear fit of requests per
    day over complete months. A month is complete when the logs cover its start and its end:
    its first request within an hour, a bucket or 5 mean gaps between its requests of its
    start (a gap that long comes 0.7 % of the time; a late start missed costs about 5
    requests), likewise at its end; the month before's requests cover its start only where
    the gap across the boundary is no longer than that or than the longest gap inside either
    month (a night, a weekend). A much longer gap inside a month is warned of. The months are the
    logs', --model or not: a complete month without a request of the model is a zero for it (no
    growth fitted across it). **input_tokens** / **output_tokens**: means per request (p50/p90/p99
    shown); **cached_input_share**: cached / input tokens (not measured where some files give no
    cached count; with --model, a file naming no model is not the model's zeros);
    **peak_to_average**: the busiest clock hour of that same last complete month over its mean hour
    (not measured from daily buckets). Unreadable rows are counted by reason and shown (a CSV or
    JSON-lines line over 16 MiB is one); a row whose request id came before (the same request logged
    twice) is dropped and counted: the file listed first keeps it, in one file the earlier time (an
    OTel span by its trace and span ids; a database table's ids are not matched: counted as given,
    duplicates null, noted). With **-o**, an existing scenario gets its `[traffic]` numbers replaced
    (layout and comments kept; a comment after a number it changes is marked with the number it was
    written about, `# was 0.08: +8% a month`, and a range the file gave stays in a comment after the
    measured number, `# was {dist = ...}`; a file that is not a scenario is refused), and the words
    an earlier -o wrote there (title, header, capacity comment) made true of the new traffic; its
    other lines that state other traffic (200k requests/month, 2,000/400 tokens, 20% cached, or a
    count in the comment of requests_per_month or growth_monthly, 1M now) are named, left as
    written. A new path gets the starter scenario with this traffic, titled by it, its capacity
    estimated at the measured token lengths. A growth fitted from under 6 complete months is not
    written (warned of, with the traffic it would compound to, where the scenario keeps another
    growth). DuckDB reads files larger than memory.

    A **database** URL reads the logs where they are: the engine runs one grouped scan,
    read-only and with a statement timeout (PAYBACK_STATEMENT_TIMEOUT seconds, default
    1800), and only hourly aggregates come back (LiteLLM's, Langfuse's, Helicone's and
    OpenTelemetry span tables are found by name; any other with --table and --columns).
    Passwords come from the URL, the environment or ~/.pgpass and are never shown.
    LiteLLM's DATABASE_URL works as it is: Prisma's own arguments are left out and its
    ?schema= is searched first; PgBouncer and hosted poolers (Supabase, Neon) work too.
    With LiteLLM's disable_spend_logs (LiteLLM_SpendLogs empty or missing) its daily
    rollup (LiteLLM_DailyUserSpend, or by team or organization) is read: requests per
    month, growth, mean tokens, cached share and models, but no token percentiles and no
    busiest hour (peak_to_average is left out of -o).
    **--sql --dialect D** prints that query for D.

    Example, a new scenario with the traffic of a folder of logs:

    `payback usage 'logs/*.jsonl.gz' -o scenario.toml`
    """
    # Long for its ten options and their help; the work is in payback.measure.usage.
    from payback.measure.usage import (
        database_sql,
        is_database,
        profile_database,
        profile_usage,
        usage_sql,
    )

    if any(not p.strip() for p in paths or ()):
        raise PaybackError(
            "PATHS '': the path is empty; give a log file's path, a glob or a database URL"
        )
    fmt = fmt.lower()  # choices in any case, as every command's are (LiteLLM, OTel)
    _check_usage_options(model, table, columns, output, sql=sql, dialect=dialect)
    options: dict[str, Any] = {
        "model": model,
        "since": _date("--since", since),
        "until": _date("--until", until),
        "columns": columns,
    }
    url = paths[0] if paths and len(paths) == 1 and is_database(paths[0]) else None
    if paths and url is None and any(is_database(p) for p in paths):
        raise PaybackError("usage: give one database URL, or log files (not both)")
    if url is None and paths and (table is not None or dialect is not None):
        flag = "--table" if table is not None else "--dialect"
        raise PaybackError(f"usage: {flag} is for a database table, not for log files")
    if sql:
        if url is not None or table is not None or dialect is not None:
            text = database_sql(dialect, fmt, url=url, table=table, **options)
        else:
            text = usage_sql(fmt, paths or None, **options)
        if as_json:
            _print_json({"sql": in_command_words(text)})
        else:
            echo(in_command_words(text), nl=False)
        return
    if not paths:
        raise PaybackError(
            "usage: give log files or globs, or a database URL (or --sql to print the queries it runs)"
        )
    if output is not None:
        output = through_missing(output)  # newd/../s.toml is s.toml: no newd needed
        _check_writable(output, True, flag="-o")  # a folder, a FIFO: before the work
        if not output.exists() or output.stat().st_size == 0:  # the starter is written there
            _check_scenario_suffix(output, "-o")
        from payback.scenario.edit import check_traffic_target

        check_traffic_target(output)  # refusals no measured number can change: before the scan
    # a million rows take seconds: a moving bar on a terminal's stderr, nothing elsewhere
    with _busy("scanning the table" if url else "reading the logs", enabled=not as_json):
        if url is not None:
            profile = profile_database(url, fmt, table=table, **options)
        else:
            profile = profile_usage(paths, fmt, **options)
    _warn(profile.warnings)
    written, refused, said = None, None, list[str]()
    if output is not None:
        try:
            written, said = _write_traffic(output, profile)
        except PaybackError as exc:  # the profile measured is shown all the same, then why
            refused = exc
    if as_json:
        wrote: dict[str, Any] = {}
        if output is not None and refused is None:
            wrote = {"written": str(output), "created": written == "created"}
        elif refused is not None:
            wrote = {"written": None, "created": False, "refused": " ".join(refused.messages)}
        _print_json(profile.to_dict() | wrote)
    else:
        _show_profile(profile, output if refused is None else None, written, said)
    if refused is not None:
        raise refused  # one line, exit code 2; the file is left as it was
