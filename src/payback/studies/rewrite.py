"""Write a recommendation back into a scenario file, and keep its file paths right.

:func:`apply_winner` fills a self-hosted alternative's serving configuration with the
winner of :func:`payback.studies.recommend.recommend`, keeping each line it replaces as a
comment in a TOML document; :func:`relocate_paths` rewrites the relative paths a scenario
holds so that a copy written in another folder points at the same files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from payback.catalog import Catalog, default_catalog, rent_text
from payback.errors import PaybackError
from payback.scenario.edit import REPLACED, Edit, edited_text, yaml_replace_lines
from payback.scenario.io import (
    parse_scenario,
    read_scenario_text,
    scenario_data_from_text,
    scenario_format,
)
from payback.scenario.schema import Scenario, SelfHostedOption
from payback.studies.retitle import apply_title

if TYPE_CHECKING:
    from payback.studies.recommend import Candidate, Recommendation

__all__ = [
    "apply_winner",
    "relocate_paths",
    "rent_kept",
    "rented_gpu",
    "training_follows",
    "with_winner",
]


def apply_winner(
    data: Any,
    index: int,
    winner: Candidate,
    option: SelfHostedOption,
    *,
    drop_calibration: bool = False,
    model_ref: str | None = None,
    benchmark_gpu: str | None = None,
    catalog: Catalog | None = None,
    follow_training: bool = True,
) -> list[str]:
    """Write ``winner`` into the ``index``-th alternative of a scenario's data (a tomlkit
    document or a plain dict): model, GPU, precision and GPUs per replica. The capacity
    (``replica_requests_per_s``), a rent given for another GPU (:func:`rent_kept`) and, with
    ``drop_calibration``, the calibration are removed so that ``analyze`` estimates and looks them
    up again; ``models`` stays (``analyze`` does not read it). ``model_ref`` is how the scenario
    named the winning model (a config.json path), if not by its id. A training job
    (``one_time.training``) on the model served before follows the new one, so the fine-tune is
    priced for the model it serves (unless ``follow_training`` is false: a YAML file's edit does it
    apart, to keep the line it replaces).

    In a tomlkit document each line replaced or removed stays as a comment
    (``# replaced by payback recommend: usd_per_gpu_hour = 0.8``) under the line that
    replaces it, or where it was. Returns those lines as the user wrote them."""
    table = data["alternatives"][index]
    new: dict[str, Any] = {
        "model": model_ref or winner.model,
        "gpu": winner.gpu,
        "precision": winner.precision,
        "gpus_per_replica": winner.gpus_per_replica,
    }
    removed = ["replica_requests_per_s"]
    if not rent_kept(option, winner, benchmark_gpu, catalog)[0]:  # a rent for another GPU
        removed.append("usd_per_gpu_hour")
    if drop_calibration:
        removed.append("calibration")
    replaced: list[str] = []
    for key, value in new.items():
        if key in table and table[key] == value:
            continue
        if key in table:
            replaced.append(_replace_line(table, key, value))
        else:
            table[key] = value
    for key in removed:
        if key in table:
            replaced.append(_replace_line(table, key, None))
    holder = _inline_holder(data, table)
    if holder is not None and replaced:  # a one-line table: after it, on its line
        _say_at_line_end(holder, replaced, f"alternatives.{index}: " if len(holder) > 1 else "")
    # the model trained is the model served: a training job on the old one follows it
    if follow_training and training_follows(option, new["model"]):  # said in with_winner's notes
        _follow_training(table, new["model"])
    return replaced


def _follow_training(table: Any, model: str) -> None:
    """Set the training job's model in a tomlkit table (or a plain dict), keeping the old
    line as a comment: where the job is written on one line (``training = { model = ...
    }``, or inside a one-line ``one_time``), that whole line, under it."""
    import tomlkit

    one_time = table["one_time"]
    training = one_time["training"]
    if not isinstance(one_time, tomlkit.items.InlineTable | tomlkit.items.Table):
        _replace_line(training, "model", model)  # a plain dict: no comments to keep
        return
    holder, key = next(
        (
            (parent, name)
            for parent, name in ((table, "one_time"), (one_time, "training"))
            if isinstance(parent[name], tomlkit.items.InlineTable)
            and not isinstance(parent, tomlkit.items.InlineTable)
        ),
        (None, ""),
    )
    if holder is None:  # a [one_time.training] table: its model line, as the others
        _replace_line(training, "model", model)
        return
    old = _written(holder, key)
    training["model"] = model
    trivia = holder[key].trivia
    first, _, rest = trivia.trail.partition("\n")
    trivia.trail = f"{first}\n{trivia.indent}{REPLACED}{old}\n{rest}"


def _inline_holder(data: Any, table: Any) -> Any:
    """The array ``alternatives = [{ ... }]`` where ``table`` is one of its one-line
    tables in a tomlkit document (a comment inside the braces would end the line
    unclosed: one goes after the array), else ``None``."""
    import tomlkit

    if not isinstance(table, tomlkit.items.InlineTable):
        return None
    return data["alternatives"]


def _say_at_line_end(holder: Any, olds: list[str], where: str = "") -> None:
    """The lines ``olds`` replaced, kept as a comment at the end of the line of
    ``holder``, a tomlkit item, after any comment it has."""
    said = holder.trivia.comment
    holder.trivia.comment_ws = holder.trivia.comment_ws or "  "
    holder.trivia.comment = (f"{said}; " if said else "# ") + where
    holder.trivia.comment += f"{REPLACED.removeprefix('# ')}{'; '.join(olds)}"


def rented_gpu(option: SelfHostedOption, benchmark_gpu: str | None = None) -> str | None:
    """The catalog id of the GPU the alternative's ``usd_per_gpu_hour`` rents, as analyze
    reads it: its ``gpu`` (ids are lowercase), else the GPU its calibration's serving
    benchmark ran on (``benchmark_gpu``); ``None`` when the file does not say.

    >>> from payback.scenario.schema import SelfHostedOption
    >>> rented_gpu(SelfHostedOption(name="a", gpu="L4", model="qwen2.5-7b"))
    'l4'
    >>> rented_gpu(SelfHostedOption(name="a", usd_per_gpu_hour=0.8, replica_requests_per_s=1.0))
    """
    if option.gpu is not None:
        return option.gpu.lower()
    return benchmark_gpu.lower() if benchmark_gpu else None


def training_follows(option: SelfHostedOption, model: str) -> bool:
    """Whether the alternative's training job (``one_time.training.model``) moves to
    ``model``, the winner's model as the new file names it (its id, or how the scenario
    named it: a config.json path): the job trains the model the alternative served, as
    written, and the file now names another. The one rule for :func:`apply_winner`'s edit
    and :func:`with_winner`'s note (which spoke of a change when the winner was the model
    served under another name, ``meta-llama/Llama-3.1-8B-Instruct`` for ``llama-3.1-8b``)."""
    served = option.model
    job = option.one_time.training
    return served is not None and job is not None and job.model == served and model != served


def _written(table: Any, key: str) -> str:
    """The line ``key = value`` as the user wrote it (with its comment), when known."""
    item = table[key]
    trivia = getattr(item, "trivia", None)
    if trivia is None or not hasattr(item, "as_string"):
        return f"{key} = {item!r}"
    comment = f"{trivia.comment_ws or ' '}{trivia.comment}" if trivia.comment else ""
    return f"{key} = {item.as_string()}{comment}"


def _replace_line(table: Any, key: str, value: Any) -> str:
    """Set (or, for ``None``, remove) ``table[key]``, keeping the old line as a comment
    where a tomlkit layout allows; returns the old line."""
    old = _written(table, key)
    import tomlkit

    container = getattr(table, "value", None)
    body = getattr(container, "body", None)
    if body is None or isinstance(table, tomlkit.items.InlineTable):
        # a plain dict (YAML) or an inline table (one line): no comments to keep
        if value is None:
            del table[key]
        else:
            table[key] = value
        return old
    keys = [k.key if k is not None else None for k, _ in body]
    position = keys.index(key)
    lines = [  # the other key = value lines (a removal leaves a Null in the body)
        (i, item)
        for i, (k, item) in enumerate(body)
        if k is not None and i != position and not isinstance(item, tomlkit.items.Null)
    ]
    before = [item for i, item in lines if i < position]
    after = [item for i, item in lines if i > position]
    trivia = table[key].trivia
    trail = trivia.trail  # the notes an earlier removal left after this line stay too
    carried = trail[trail.index("\n") + 1 :] if "\n" in trail else ""
    note = f"{trivia.indent}{REPLACED}{old}\n{carried}"
    if value is not None:
        item = tomlkit.item(value)
        item.trivia.indent = trivia.indent
        table[key] = item
        item = table[key]
        item.trivia.comment_ws = ""
        item.trivia.comment = ""
        item.trivia.trail = "\n" + note
        return old
    del table[key]
    previous = getattr(before[-1], "trivia", None) if before else None
    following = getattr(after[0], "trivia", None) if after else None
    if previous is not None and previous.trail.endswith("\n"):
        previous.trail += note
    elif following is not None:
        following.indent = note + following.indent
    else:
        table.add(tomlkit.comment(f"{REPLACED.removeprefix('# ')}{old}"))
    return old


def relocate_paths(
    data: Any, source: Path, target: Path, catalog: Catalog | None = None
) -> list[str]:
    """Rewrite the relative file paths a scenario's data holds (a tomlkit document or a
    plain dict: each option's ``calibration`` and ``model``/``models`` given as a local
    ``config.json``, and its training job's ``calibration`` and ``model``) from the folder
    ``source`` to the folder ``target``, so that a copy written in ``target`` points at the
    same files: relative where possible, else absolute. Returns what changed, as
    ``field: 'old' → 'new'``."""
    import os

    catalog = catalog or default_catalog()
    source, target = source.resolve(), target.resolve()
    if source == target:
        return []
    repos = {m.hf_repo.lower() for m in catalog.models.values()}

    def is_path(value: Any, model: bool) -> bool:
        if not isinstance(value, str) or not value or Path(value).is_absolute():
            return False
        if not model:
            return True
        if value in catalog.models or value.lower() in repos:
            return False
        return value.endswith(".json") or (source / value).is_file()

    def moved(value: str) -> str:
        where = source / value
        try:
            return Path(os.path.relpath(where, target)).as_posix()
        except ValueError:  # another drive: no relative path
            return str(where)

    changes: list[str] = []

    def rewrite(container: Any, key: Any, field_path: str, model: bool) -> None:
        value = container[key]
        if not is_path(value, model):
            return
        new = moved(str(value))
        if new != str(value):
            container[key] = new
            changes.append(f"{field_path}: {str(value)!r} → {new!r}")

    options: list[tuple[str, Any]] = [("baseline", data.get("baseline"))]
    options += [(f"alternatives.{i}", a) for i, a in enumerate(data.get("alternatives") or [])]
    for where, table in options:
        if not hasattr(table, "get"):
            continue
        jobs = [(where, table)]
        one_time = table.get("one_time")
        training = one_time.get("training") if hasattr(one_time, "get") else None
        if hasattr(training, "get"):
            jobs.append((f"{where}.one_time.training", training))
        for prefix, part in jobs:
            if "calibration" in part:
                rewrite(part, "calibration", f"{prefix}.calibration", model=False)
            if "model" in part:
                rewrite(part, "model", f"{prefix}.model", model=True)
        names = table.get("models")
        if isinstance(names, list):
            for j in range(len(names)):
                rewrite(names, j, f"{where}.models.{j}", model=True)
    return changes


def with_winner(
    path: str | Path,
    scenario: Scenario,
    result: Recommendation,
    output: str | Path,
    catalog: Catalog | None = None,
) -> Edit:
    """What ``payback recommend --apply -o output`` writes: the scenario file at ``path``
    (read as ``scenario``) with ``result``'s best configuration in its alternative (see
    :func:`apply_winner`) and in the scenario's name where it can be (:mod:`.retitle`).
    Each line the winner replaces stays as a comment under the new one (``# replaced by
    payback recommend: ...``), the other comments and the layout stay, and relative file
    paths are rewritten to point at the same files from ``output``'s folder; notes say so."""
    path, output = Path(path), Path(output)
    best, index = result.best, result.alternative
    where = f"alternatives.{index}"
    if best is None:
        raise PaybackError(f"{where}: {result.no_best_reason}; nothing to apply")
    option = scenario.alternatives[index]
    if not isinstance(option, SelfHostedOption):
        raise PaybackError(f"{where}: not a self_hosted alternative; nothing to apply")
    drop = result.benchmark is not None and not result.benchmark_matches(best)
    notes = _calibration_notes(where, option, result, best, drop)
    model = result.model_refs.get(best.model) or best.model  # as the new file names it
    ran_on = (result.benchmark or {}).get("gpu")
    fmt = scenario_format(path)
    replaced: list[str] = []
    measured: list[str] = []  # the workloads' capacities for the configuration replaced
    relocated: list[str] = []

    def change(document: Any) -> None:
        def apply(data: Any) -> list[str]:
            return apply_winner(
                data,
                index,
                best,
                option,
                drop_calibration=drop,
                model_ref=model,
                benchmark_gpu=ran_on,
                catalog=catalog,
                follow_training=fmt != "yaml",
            )

        lines = original.replace("\r\n", "\n").splitlines()
        if fmt == "yaml":
            replaced.extend(_yaml_apply(document, index, apply, model, option, lines))
        else:
            replaced.extend(apply(document))
        measured.extend(drop_workload_capacities(document, option.name, lines))
        relocated.extend(relocate_paths(document, path.parent, output.parent))

    original = read_scenario_text(path)
    text, titled = apply_title(edited_text(original, fmt, change), fmt, scenario, result, model)
    edited = f"the edit of {path} for {output}"  # not the input, which read well
    parse_scenario(scenario_data_from_text(text, fmt, edited), source=edited)  # still valid
    if replaced:
        notes.append(
            f"{where}: replaced by the winner (kept as comments in the file): "
            + "; ".join(replaced)
        )
    dist = scenario.distributions.get(f"{where}.usd_per_gpu_hour")
    written = f"usd_per_gpu_hour (a {dist.dist} distribution)" if dist else None
    rent_note = rent_kept(option, best, ran_on, catalog, written)[1]
    notes += _measured_note(measured, fmt) + ([f"{where}.{rent_note}"] if rent_note else [])
    if training_follows(option, model):
        notes.append(
            f"{where}.one_time.training.model = {option.model!r} is now {model!r}: the model "
            "fine-tuned is the model served, so analyze prices training the winner"
        )
    if relocated:
        notes.append(
            f"relative paths rewritten to point at the same files from {output.parent}: "
            + "; ".join(relocated)
        )
    return Edit(text, notes=notes + titled)


def _calibration_notes(
    where: str, option: SelfHostedOption, result: Recommendation, best: Candidate, drop: bool
) -> list[str]:
    """What becomes of the alternative's calibration: removed (``drop``: its benchmark
    measured another configuration) or kept; nothing where it has none."""
    from payback.studies.recommend import benchmark_text

    if drop:
        return [
            f"{where}.calibration = {option.calibration!r} removed: its serving benchmark measured "
            f"{benchmark_text(result.benchmark or {})}, not the winner {best.label()}; analyze "
            "estimates the winner's capacity"
        ]
    if result.benchmark is None:
        return []
    assumed = (
        f" ({best.gpus_per_replica} GPUs per replica assumed, as analyze assumes: the "
        "benchmark does not say; set gpus_per_replica in the calibration if it differs)"
        if result.benchmark.get("gpus_per_replica_assumed")
        else ""
    )
    return [
        f"{where}.calibration = {option.calibration!r} kept: it measured the winner{assumed}; "
        "analyze prices it with the benchmark's capacity"
    ]


def _yaml_apply(
    document: Any,
    index: int,
    apply: Callable[[Any], list[str]],
    model: str,
    option: SelfHostedOption,
    lines: list[str],
) -> list[str]:
    """``apply`` on a ruamel.yaml document read from ``lines``, each line replaced kept as a
    comment; the training job's model then follows the winner, its line kept too."""
    table = document["alternatives"][index]
    if _flow(table):  # one line: the keys replaced as `key: value`, said at its end
        before = dict(table)
        apply(document)
        replaced = [f"{k}: {v}" for k, v in before.items() if k not in table or table[k] != v]
        if replaced:
            _yaml_line_end(document, index, REPLACED + "; ".join(replaced))
    else:
        replaced = yaml_replace_lines(table, apply, document, lines)
    if training_follows(option, model):
        job = table["one_time"]["training"]
        yaml_replace_lines(job, lambda _: job.__setitem__("model", model), job, lines)
    return replaced


def _yaml_line_end(document: Any, index: int, comment: str) -> None:
    """``comment`` at the end of the line of ``alternatives[index]``, a one-line {flow}
    table in a ruamel.yaml document: the item's line in a block list, else the line the
    one-line list ends on (naming the alternative where the list holds several)."""
    from ruamel.yaml.comments import CommentedSeq

    alternatives = document["alternatives"]
    if isinstance(alternatives, CommentedSeq) and not alternatives.fa.flow_style():
        alternatives.yaml_add_eol_comment(comment, index)
        return
    where = f"alternatives.{index}: " if len(alternatives) > 1 else ""
    document.yaml_add_eol_comment(
        comment.replace(REPLACED, f"# {where}{REPLACED[2:]}"), "alternatives"
    )


def _measured_note(measured: list[str], fmt: str) -> list[str]:
    """What :func:`drop_workload_capacities` removed, said once (in YAML, a table left
    empty or written on one line keeps no comment)."""
    if not measured:
        return []
    kept = (
        "kept as comments in the file"
        if fmt == "toml"
        else "a YAML file keeps them as comments where a table keeps lines"
    )
    return [
        "workloads: capacities measured for the configuration replaced, removed so that "
        f"analyze estimates the winner's at each workload's lengths ({kept}): "
        + "; ".join(measured)
    ]


def drop_workload_capacities(document: Any, name: str, lines: list[str]) -> list[str]:
    """Remove each ``[[workloads]]``'s own ``replica_requests_per_s`` for the alternative
    ``name`` from a scenario's data (a tomlkit document, or a ruamel.yaml one read from
    ``lines``): a capacity measured for the configuration the winner replaces, as the
    alternative's own is. Each stays as a comment (on the line of a one-line table).
    Returns them, each with its path."""
    key = "replica_requests_per_s"
    out: list[str] = []
    for j, workload in enumerate(document.get("workloads") or []):
        terms: Any = (workload.get("alternatives") or {}).get(name)
        if terms is None or not hasattr(terms, "get") or terms.get(key) is None:
            continue
        where = f"workloads.{j}.alternatives.{_quoted_key(name)}"
        if isinstance(document, dict) and not hasattr(document, "as_string"):  # YAML
            value: list[object] = []

            def drop(_document: Any, table: Any = terms, value: list[object] = value) -> object:
                value.append(table.pop(key))
                return value[0]

            old = [line.strip() for line in yaml_replace_lines(terms, drop, document, lines)]
            if _flow(terms):  # its line holds the other keys too: the key and its value
                old = [f"{key}: {value[0]}"]
        else:
            old = [_drop_term(terms, key, _line_end(document, workload, terms))]
        out += [f"{where}.{line}" for line in old]
    return out


def _flow(table: Any) -> bool:
    """Whether a ruamel.yaml mapping is written on one line, ``{a: 1, b: 2}``."""
    from ruamel.yaml.comments import CommentedMap

    return not isinstance(table, CommentedMap) or bool(table.fa.flow_style())


def _quoted_key(name: str) -> str:
    """A TOML key as a path writes it: bare where it can be, else in double quotes."""
    import re

    import tomlkit

    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else tomlkit.string(name).as_string()


def _line_end(document: Any, workload: Any, terms: Any) -> Any:
    """The item whose line's end holds a comment on ``terms`` in a tomlkit document: the
    outermost one-line value around it (``workloads = [{ ... }]``, ``alternatives = { own
    = { ... } }``), else ``terms`` itself."""
    import tomlkit

    if not isinstance(document.get("workloads"), tomlkit.items.AoT):
        return document["workloads"]  # an array of { ... } tables
    for item in (workload.get("alternatives"), terms):
        if isinstance(item, tomlkit.items.InlineTable):
            return item
    return terms


def _drop_term(terms: Any, key: str, holder: Any) -> str:
    """Remove ``terms[key]`` from a tomlkit table, its old line kept as a comment: after it
    in a table, at the end of the line of ``holder``, the outermost one-line ``{ ... }``
    value it is written in (a comment inside the braces would end the line unclosed)."""
    import tomlkit

    if not isinstance(terms, tomlkit.items.InlineTable):
        return _replace_line(terms, key, None)
    old = _written(terms, key)
    del terms[key]
    _say_at_line_end(holder, [old])
    return old


def rent_kept(
    option: SelfHostedOption,
    winner: Candidate,
    benchmark_gpu: str | None = None,
    catalog: Catalog | None = None,
    written: str | None = None,
) -> tuple[bool, str | None]:
    """Whether :func:`apply_winner` keeps the alternative's ``usd_per_gpu_hour``, and why in
    words (``None`` where there is nothing to say). Kept where the winner runs on the GPU
    the rent is for (:func:`rented_gpu`), which recommend ranked it at; replaced where that
    is another GPU, or where the file does not say which GPU it rents: recommend ranked the
    winner at the catalog's rent (its own rent is used only beside a ``gpu``), and analyze
    pays what recommend said only with that rent (a $1.09 L40S rent kept for an L4 ranked at
    $0.8048 had analyze pay $1,591 a month against the $1,175 ranked). ``written``: the rent
    as the file gives it, where it is not one number (a distribution)."""
    rent = option.usd_per_gpu_hour
    runs_on = rented_gpu(option, benchmark_gpu)
    if rent is None or option.owned is not None:  # nothing to keep; owned servers pay no rent
        return runs_on == winner.gpu, None
    said = written or f"usd_per_gpu_hour = {rent:g}"
    if runs_on is not None:
        if runs_on == winner.gpu:
            return True, f"{said} kept: the rent of the {runs_on} the winner runs on"
        return False, None  # said among the lines replaced
    return False, (
        f"{said} replaced: the file does not say which GPU it rents (no gpu), so analyze pays "
        f"the catalog's rent for the winner's {winner.gpu}{_ranked_at(winner)}"
    )


def _ranked_at(best: Candidate) -> str:
    """`` (recommend ranked it at $X/GPU-h)`` where the winner was priced otherwise."""
    price = best.usd_per_gpu_hour
    return "" if price is None else f" (recommend ranked it at {rent_text(price)}/GPU-h)"
