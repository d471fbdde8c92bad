"""``payback sensitivity``, ``solve`` and ``recommend``: studies of one scenario (which
inputs decide it, what an input must be for a target, which GPU setup to serve on)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from payback.cli._common import (
    JsonFlag,
    NoQualityFlag,
    ScenarioFile,
    SeedOption,
    _busy,
    _console,
    _note,
    _print_json,
    _progress,
    _warn,
    echo,
    read_scenario,
    user_errors,
    wrapped,
)
from payback.cli._files import (
    _check_scenario_suffix,
    _check_writable,
    _write_new,
    through_missing,
)
from payback.errors import PaybackError
from payback.studies import SOBOL_SAMPLES

if TYPE_CHECKING:
    from payback.scenario import Scenario
    from payback.studies.recommend import Candidate, Recommendation


def _sobol_samples(samples: int | None) -> int:
    """The base samples asked for, else the library's default (read when called)."""
    from payback import studies

    return studies.SOBOL_SAMPLES if samples is None else samples


def _top(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise PaybackError.bad("top", value, "must be ≥ 1")
    return value


@user_errors
def sensitivity(
    file: ScenarioFile,
    method: Annotated[
        Literal["tornado", "sobol"],
        typer.Option(
            "--method",
            help="tornado (one input at a time) or sobol (variance-based, global).",
            case_sensitive=False,
        ),
    ] = "tornado",
    swing: Annotated[
        float | None,
        typer.Option(
            "--swing",
            help="Move every input ±this share instead of using distributions (0.25 when the scenario has none; at least 0.001, under 1).",
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Sobol only: base samples, rounded up to a power of two "
            f"(default {SOBOL_SAMPLES:,}).",
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
    **sobol**: the share of the NPV's variance due to each input (first order) and with its
    interactions (total). Inputs are the scenario's distributions; a scenario without any gets
    every number moved ±25% (a rate left at 0, such as growth, over a set range). Estimated
    capacities and training costs follow `tpot_ms`, token lengths and a training job's size as
    analyze would. A tornado end (or Sobol samples) whose fleet would need more than 10,000,000
    GPUs is worked out as if it could run, and said: on stderr, under `warnings` in **--json**, and
    as each driver's `low_past_cap` / `high_past_cap` (its `gpus` and `month`). An assumed end
    analyze refuses is taken back to the file's value: said, and as the input's `narrowed`
    (one that then moves nothing, under its alternative's `narrowed_unmoved`).

    Example, traffic first (150k → 250k requests/month moves the NPV -$2.9k → $18.5k):

    `payback sensitivity examples/quarter-200k.toml --top 5`
    """
    from payback.analysis.cashflows import evaluate
    from payback.analysis.resolve import resolve
    from payback.studies.capacity_held import capacity_held_line
    from payback.studies.uncertainty import sobol, tornado

    top = _top(top)
    if method not in ("tornado", "sobol"):
        raise PaybackError.bad("method", method, "unknown; allowed: tornado, sobol")
    if method == "tornado" and (samples is not None or seed is not None):
        raise PaybackError(
            "--samples and --seed apply to --method sobol; a tornado does not sample"
        )
    from payback.cli._sensitivity import _show_sobol, _show_tornado
    from payback.cli.portfolio import portfolio_sensitivity

    with _default_samples(samples):
        if portfolio_sensitivity(file, method, swing, top, as_json, samples, seed):
            return
    resolved = resolve(read_scenario(file))
    _warn(resolved.warnings)
    names = [alt.name for alt in resolved.scenario.alternatives]
    central = [float(alt.npv_usd) for alt in evaluate(resolved).alternatives]
    replaced = swing is not None and bool(resolved.scenario.distributions)
    if method == "tornado":
        with _busy("moving each input", enabled=not as_json):
            ranked = tornado(resolved, swing)
        horizon = resolved.scenario.scenario.horizon_months
        _show_tornado(
            names,
            central,
            ranked,
            top,
            as_json,
            horizon=horizon,
            replaced=replaced,
            held=capacity_held_line(resolved, [d.parameter for r in ranked for d in r]),
        )
        return
    with _default_samples(samples), _progress("Sobol", enabled=not as_json) as progress:
        result = sobol(resolved, _sobol_samples(samples), seed or 0, swing, progress)
    _show_sobol(names, result, top, as_json, replaced=replaced)


@contextmanager
def _default_samples(samples: int | None) -> Iterator[None]:
    """An error about the base samples says the default was used where --samples was not
    given (the flag it names is :func:`user_errors`')."""
    try:
        yield
    except PaybackError as exc:
        if samples is not None or exc.param != "samples" or exc.allowed is None:
            raise
        used = f"{_sobol_samples(None)} (the default)"
        raise PaybackError.bad("samples", used, exc.allowed) from None


@user_errors
def solve(
    file: ScenarioFile,
    vary: Annotated[
        str,
        typer.Option(
            "--vary",
            help="The input to solve for, as a dotted path, as payback sensitivity FILE lists "
            "a file's inputs: traffic.requests_per_month, alternatives.0.usd_per_gpu_hour, "
            "alternatives.0.quality.error_rate, alternatives.0.tpot_ms, ...",
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

    `payback solve examples/quarter-200k.toml --vary traffic.requests_per_month --target break_even_month=3`
    gives the monthly traffic at which the cumulative savings first reach zero at month 3.00
    (585,538 requests a month there, today 200,000), and whether more or less traffic is needed
    (a later retraining month that puts them back below zero is not counted: explain's "within a
    quarter", analyze's "Pays back within 3 months", also asks that). Every other
    number stays as in the file (distributions at their central values); an estimate the input feeds
    (`tpot_ms`, a training job's size or rent, the catalog's too) follows it as analyze would. The
    whole allowed range of the input is searched, as far as analyze accepts it (no fleet past the
    cap of 10,000,000 GPUs), the crossing nearest today's value wins, then narrowed by bisection;
    where the answer jumps (fleet replicas, whole-number fields, a price tier) it says the target
    is met only within a step (at its edge where the target is the figure just past it), and where
    the answer is not monotone in the input it says the target holds near the value, not for every
    value beyond it, or, where every value tried beyond it meets the target (`holds_past`), that it
    is met again on the other side. A bound is printed rounded toward the side where the target
    holds (at most down, at least up); --json gives it exact. Exit code 1 when no allowed value
    reaches the target. **--json**: `{"parameter", "value", "target", "achieved", "engine_calls",
    "values_tried", "single_crossing", "holds_past", "within_fleet_cap", "refused_past",
    "warnings", ...}`: `engine_calls` (`iterations`, the same) counts calls to the engine, each over
    many values; `values_tried` the values evaluated. `within_fleet_cap` is the range searched, as
    far as analyze accepts the file: each edge is the fleet cap's or, where `refused_past` is true
    for it (`[low, high]`), another refusal of analyze's (a model's context), said in `warnings`.
    """
    from payback.analysis.resolve import resolve
    from payback.cli.portfolio import portfolio_solve
    from payback.scenario import VALUE_TERMS, without_value_terms
    from payback.studies.solve import parse_target
    from payback.studies.solve import solve as solve_for

    met = portfolio_solve(file, vary, target, alternative, no_quality, as_json)
    if met is not None:
        if not met:
            raise typer.Exit(code=1)
        return
    wanted = parse_target(target)
    scenario = read_scenario(file)
    if no_quality:
        priced = [name for name in VALUE_TERMS if f".{name}." in f".{vary}."]
        if priced:
            raise PaybackError(
                f"--vary {vary}: a {priced[0]} field, left out by --no-quality (which drops "
                "every option's quality and latency); leave --no-quality off to vary it"
            )
        scenario = without_value_terms(scenario)
    resolved = resolve(scenario)
    _warn(resolved.warnings)
    with _busy("solving", enabled=not as_json):
        solution = solve_for(resolved, vary, wanted, alternative)
    _warn(solution.warnings)  # a capacity held while a token length varies
    if as_json:
        _print_json(solution.to_dict())
    else:
        from payback.report.solving import solution_lines

        for line in solution_lines(solution):
            echo(wrapped(line))
    if solution.value is None and not solution.holds_everywhere:
        raise typer.Exit(code=1)


@user_errors
def recommend(  # long: most of it is its options and their help text
    file: ScenarioFile,
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
            help="Model to serve (repeat to compare sizes): a catalog id, or a config.json path "
            "from the current folder; default: the alternative's model or models.",
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
        Path | None,
        typer.Option(
            "-o", "--output", help="Where --apply writes the scenario; a missing folder is made."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Let -o replace a file.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Choose the GPU, precision, GPUs per replica and replicas of a self-hosted alternative.

    Searches every catalog GPU (with `[owned]` servers, only the `gpu` they hold: the
    output's notes say so) × precision (bf16, fp8, int8, int4; mxfp4 experts on a
    mixture of experts) × tensor-parallel degree (1, 2, 4, 8) that fits the model in memory, sizes
    each for the scenario's traffic at its busiest hour (peak_to_average, growth over the horizon;
    with `[[workloads]]`, the fleet of the workloads it serves, as analyze sizes it), and ranks them
    by average monthly cost: rent at the alternative's `commitment` and `gpu_price_change_annual`,
    or its `[owned]` servers. Configurations that miss `tpot_ms` (time per output token) or
    `ttft_ms` (mean time to the first token) come after those that meet them; both are checked where
    the fleet runs, at the alternative's `target_utilization` of a replica's capacity (queueing
    included), not on an idle replica. Shows the top **--top** and the cost-vs-latency Pareto front,
    and says why the others were left out. A cost at a catalog rent checked over 180 days ago is
    marked `*`, its provider, date and page said below the tables as **catalog gpus** and
    **estimate** say them (**--json**: each configuration's `rent_source`, `rent_checked` and
    `rent_stale`). The serving engine is the alternative's `engine` (vllm by default), named in the
    first line (**--json**: `engine`, and `engine_measured`, the factors its calibration measured).

    Give the model as `model = "qwen2.5-7b"`, `models = ["qwen2.5-1.5b", "qwen2.5-7b"]`
    (a `model` beside them is compared too) or **--model** (only those). **--apply -o new.toml**
    writes the scenario with the winner in it; `payback analyze new.toml` then shows the same
    monthly GPU cost, unless a `usd_per_gpu_hour` the file gave without a `gpu` is kept (a note says
    so, and that deleting it pays the catalog's rent).

    Example, best llama-3.1-8b int4 on 1 × l4, 2 replicas, $1,175/month:

    `payback recommend examples/catalog-ids.toml --top 5 --apply -o tuned.toml`
    """
    from payback.studies.recommend import recommend as recommend_setup

    if top < 1:
        raise PaybackError(f"--top {top}: must be ≥ 1")
    if apply and output is None:
        raise PaybackError("--apply needs -o FILE: where to write the new scenario")
    if output is not None and not apply:
        raise PaybackError("-o is for --apply: add --apply to write the winner")
    if output is not None:
        output = through_missing(output)  # newd/../new.toml is new.toml: no newd needed
        _check_same_format(file, output)
        _check_writable(output, force, flag="-o")
    scenario = _searched_scenario(file, alternative, models or [])
    with _busy("searching configurations", enabled=not as_json):
        try:
            result = recommend_setup(
                scenario, alternative, models=models or None, max_replicas=max_replicas
            )
        except PaybackError as exc:  # the library's "pass models" is this command's --model
            if exc.param is not None:
                raise
            raise PaybackError(
                [m.replace("pass models to recommend", "pass --model ID") for m in exc.messages]
            ) from None
    _warn(result.warnings)
    _note(result.notes)
    written: str | None = None
    if apply and output is not None and result.best is not None:
        text, notes = _applied_text(file, scenario, result, output)
        _write_new(output, text, force, "-o")
        _note(notes)
        written = str(output)
    if as_json:
        _print_json(result.to_dict(top) | ({"written": written} if written else {}))
    else:
        from payback.report import recommendation_renderables

        _console().print(recommendation_renderables(result, top, applied=written is not None))
    if result.best is None:
        from payback.report.recommend import COMMAND_NAMES

        raise PaybackError(
            f"alternatives.{result.alternative}: {result.why_no_best(COMMAND_NAMES)}"
            + ("; nothing to apply" if apply else "")
        )
    if written and not as_json:
        echo(f"Wrote {written} with the winner. Next: payback analyze {written}")


def _searched_scenario(file: Path, alternative: int | None, models: list[str]) -> Scenario:
    """The scenario ``recommend`` searches: the file, or, where it names no model, GPU or
    rent for the self-hosted alternative searched and ``--model`` gives the models, the
    file with those models in it (the search supplies the GPU and prices it from the
    catalog; the file alone is refused for want of a rent)."""
    from payback.scenario import parse_scenario, read_scenario_data

    try:
        return read_scenario(file)
    except PaybackError:
        if not models:
            raise
        data = read_scenario_data(file)
        listed = data.get("alternatives")
        alternatives: list[Any] = listed if isinstance(listed, list) else []
        hosted = [
            i
            for i, alt in enumerate(alternatives)
            if isinstance(alt, dict) and alt.get("kind") == "self_hosted"
        ]
        i = hosted[0] if alternative is None and hosted else alternative
        if i not in hosted or {"model", "models", "gpu"} & set(alternatives[i]):
            raise
        alternatives[i] = {**alternatives[i], "models": list(models)}
    scenario = parse_scenario(data, source=str(file))  # another problem: said as the file's
    scenario.base_dir = file.resolve().parent
    scenario.source = str(file)
    return scenario


def _check_same_format(file: Path, output: Path) -> None:
    """``recommend --apply -o``'s file is a scenario in the format of the one it edits (its
    comments and layout kept): TOML for TOML, YAML for YAML. It wrote TOML into out.yaml
    or out.json, which analyze then refused or read as TOML."""
    from payback.scenario import scenario_format

    _check_scenario_suffix(output, "-o")
    fmt = scenario_format(file)
    if scenario_format(output) != fmt:
        wanted = ".toml" if fmt == "toml" else ".yaml or .yml"
        raise PaybackError(
            f"-o {output}: {file} is {fmt.upper()}, and the new scenario keeps its format and "
            f"comments; give a {wanted} path"
        )


def _applied_text(
    file: Path, scenario: Scenario, result: Recommendation, output: Path
) -> tuple[str, list[str]]:
    """The scenario file's text with the winner filled in (comments kept, and the lines
    the winner replaces as comments, its byte-order mark and line ends as they were) and its
    relative paths rewritten to point at the same files from ``output``'s folder, and what
    to tell about it."""
    from payback.studies.rewrite import with_winner

    edit = with_winner(file, scenario, result, output)
    text, notes = _renamed(edit.text, file, scenario, result)
    with file.open("rb") as fh:  # Notepad's byte-order mark, kept as the file had it
        bom = "\ufeff" if fh.read(3) == b"\xef\xbb\xbf" else ""
    return bom + text, edit.notes + notes


def _renamed(
    text: str, file: Path, scenario: Scenario, result: Recommendation
) -> tuple[str, list[str]]:
    """The written scenario with the alternative's name updated where it names a GPU, a
    model or a precision the winner replaces ("... on one rented L4" when the winner runs
    on an L40, "FP8" when it runs at int4: "INT4"), and ``[scenario] name`` too where it
    holds the alternative's name or, with one alternative, names what the winner replaces;
    so that no GPU, model or precision the rename recognises contradicts the configuration
    (a GPU by its catalog id, name or short form, "4xH100"); and the notes that say so, and
    that a name is left where it mentions what could be a GPU it cannot match."""
    from payback.figures import listed
    from payback.scenario import scenario_format
    from payback.scenario.edit import with_values
    from payback.scenario.rename import with_alternative_renamed

    best = result.best
    if best is None:
        return text, []
    index = result.alternative
    name = scenario.alternatives[index].name
    configured = getattr(scenario.alternatives[index], "gpu", None)
    owned = getattr(scenario.alternatives[index], "owned", None)
    per_server = None if owned is None else owned.gpus_per_server
    new, replaced, unsure = _swapped(name, best, configured, per_server)
    values: dict[str, str] = {}
    notes: list[str] = _unsure_notes(f"alternatives.{index}.name", new, unsure, best)
    if new != name:
        values[f"alternatives.{index}.name"] = new
        notes.append(
            f"alternatives.{index}.name = {name!r} is now {new!r}: it named what the winner "
            f"replaces ({', '.join(replaced)})"
        )
    title = scenario.scenario.name
    if new != name and name in title:
        new_title = title.replace(name, new)
    elif len(scenario.alternatives) == 1:
        new_title, replaced, unsure = _swapped(title, best, configured, per_server)
        notes += _unsure_notes("scenario.name", new_title, unsure, best)
    else:
        new_title = title
    if new_title != title:
        values["scenario.name"] = new_title
        notes.append(
            f"scenario.name = {title!r} is now {new_title!r}: it named what the winner "
            f"replaces ({', '.join(replaced)})"
        )
    if not values:
        return text, notes
    fmt = scenario_format(file)
    text = with_values(text, fmt, values)
    if new != name:  # the workloads' own numbers for it, under its new name
        text, keys = with_alternative_renamed(text, fmt, name, new)
        if keys:
            notes.append(f"{listed(keys)}: {name!r} renamed {new!r} with the alternative")
    return text, notes


def _unsure_notes(where: str, name: str, unsure: list[str], best: Candidate) -> list[str]:
    """That the name is left where it mentions what may be a GPU the rename cannot match."""
    if not unsure:
        return []
    words = ", ".join(repr(w) for w in dict.fromkeys(unsure))
    return [
        f"{where} = {name!r}: {words} left as written, which recommend cannot match to the "
        f"winner ({best.label()}); the name may no longer describe the configuration"
    ]


def _swapped(
    name: str, best: Candidate, configured: str | None, per_server: int | None = None
) -> tuple[str, list[str], list[str]]:
    """``name`` with its GPU mention (:func:`payback.studies.gpu_names.swap_gpus`) and each
    model or precision id it holds that ``best`` replaces written as the winner's (in
    capitals where it was), those swaps in words, and the GPU-like words it left."""
    import re

    from payback.catalog import default_catalog
    from payback.hardware.serving import PRECISIONS
    from payback.studies.gpu_names import swap_gpus

    catalog = default_catalog()
    gpus = swap_gpus(name, best.gpu, best.gpus_per_replica, catalog, configured, per_server)
    replaced: list[str] = list(gpus.replaced)
    new = gpus.name
    precisions = dict.fromkeys(PRECISIONS)
    for ids, winner in (
        (catalog.models, best.model),
        (precisions, best.precision),
    ):
        words = re.findall(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]|[A-Za-z0-9]", name)
        for word in dict.fromkeys(words):  # each once
            # a plural names the id too ("on rented H200s")
            stem, plural = (word[:-1], word[-1]) if word[-1:] in "sS" else (word, "")
            if stem.lower() not in ids or (word.lower() in ids and plural):
                stem, plural = word, ""
            if stem.lower() in ids and stem.lower() != winner.lower():
                shown = (winner.upper() if stem.isupper() else winner) + plural
                # the first place only: a later one says where something else was measured
                # ("..., calibrated on an H200")
                new = re.sub(rf"(?<![\w.-]){re.escape(word)}(?![\w.-])", shown, new, count=1)
                replaced.append(f"{word} by {shown}")
    # a model named as the catalog names it ("Llama 3.1 8B"), not by its id
    winner = getattr(catalog.models.get(best.model), "name", "") or best.model
    shown_as = sorted(
        ((getattr(m, "name", ""), i) for i, m in catalog.models.items()), key=lambda p: -len(p[0])
    )
    for (
        display,
        model_id,
    ) in shown_as:  # the longest first: "Qwen2.5 7B Instruct" before "Qwen2.5 7B"
        pattern = rf"(?<![\w.-]){re.escape(display)}(?![\w.-])"
        if display and re.search(pattern, new):
            if model_id != best.model and display != winner:
                new = re.sub(pattern, winner, new)
                replaced.append(f"{display} by {winner}")
            break
    return new, replaced, gpus.unsure
