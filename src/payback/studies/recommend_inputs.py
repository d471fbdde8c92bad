"""What :func:`payback.studies.recommend.recommend` searches, read from the alternative
and checked before the search: the models to compare (:func:`searched_models`), the GPUs
(:func:`searched_gpus`) and the provider whose rent prices them (:func:`check_provider`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from payback.catalog import Catalog, Gpu, OpenModel
from payback.errors import PaybackError
from payback.scenario import Scenario, SelfHostedOption

__all__ = ["check_provider", "searched_gpus", "searched_models"]


def _model_hint(name: str, catalog: Catalog) -> str:
    """``model = "..."`` for an alternative without one: the first of the catalog's models
    of the size its name says ("fine-tuned 8B": llama-3.1-8b, qwen3-8b), else an example.

    >>> from payback.catalog import default_catalog
    >>> print(_model_hint("fine-tuned 8B on rented H100s", default_catalog()))
    model = "llama-3.1-8b" (its name says 8B: the catalog's 8B models are llama-3.1-8b, qwen3-8b)
    >>> print(_model_hint("on-prem", default_catalog()))
    model = "qwen2.5-7b", for one,
    """
    import re

    for size in re.findall(r"(?<![\w.])(\d+(?:\.\d+)?)\s*[bB](?!\w)", name):
        sized = [m for m in catalog.models if m.endswith(f"-{size.lower()}b")]
        if sized:
            return (
                f'model = "{sized[0]}" (its name says {size}B: the catalog\'s {size}B models '
                f"are {', '.join(sized)})"
            )
    return 'model = "qwen2.5-7b", for one,'


def searched_models(
    scenario: Scenario,
    catalog: Catalog,
    option: SelfHostedOption,
    path: str,
    models: list[str] | None,
) -> tuple[list[OpenModel], dict[str, str]]:
    """The models to compare, once each however many ways named, and how each was first
    named (by model id): ``models``, else the alternative's ``models`` and its ``model``
    (the one it serves today is compared too). A local config.json path in ``models`` (the
    command line's ``--model``) starts from the current folder, as ``estimate serving
    --model`` reads it, and is named from the scenario's folder, as the file's own are; the
    scenario's start from its folder."""
    named = {name: f"{path}.models" for name in option.models or []}
    if option.model and option.model not in named:
        named[option.model] = f"{path}.model"
    names = models or list(named)
    if not names:
        raise PaybackError(
            f"{path}.model: recommend needs the model to serve; give "
            f"{_model_hint(option.name, catalog)} in the scenario, models = [...] to compare "
            "several, or pass models to recommend"
        )
    open_models: list[OpenModel] = []
    model_refs: dict[str, str] = {}
    for name in dict.fromkeys(names):
        try:
            model = catalog.model(name, None if models else scenario.base_dir)
        except PaybackError as exc:
            if models and len(exc.messages) == 1:  # one of recommend's models
                raise PaybackError.bad("model", name, exc.messages[0]) from None
            flag = f"model {name}" if models else named[name]
            raise PaybackError([f"{flag}: {m}" for m in exc.messages]) from None
        same = next((m for m in open_models if m.id == model.id), None)
        if same is None:
            open_models.append(model)
            model_refs[model.id] = _from_scenario(name, scenario, catalog) if models else name
        elif _shape(same) != _shape(model):  # two shapes, one id: neither dropped unsaid
            raise PaybackError(
                f"{named.get(name, 'model')} {name!r}: reads as model id {model.id!r}, as "
                f"{model_refs[model.id]!r} does, with another shape; give one a config "
                "whose _name_or_path (or folder) names it apart"
            )
    return open_models, model_refs


def _from_scenario(name: str, scenario: Scenario, catalog: Catalog) -> str:
    """``name`` as the scenario's file would name it: a catalog id or repository as it is;
    a path from the current folder, from the scenario's folder (absolute where no relative
    path leads there: another drive)."""
    import os

    repos = {m.hf_repo.lower() for m in catalog.models.values()}
    if name.lower() in catalog.models or name.lower() in repos or Path(name).is_absolute():
        return name
    where = os.path.abspath(name)
    try:
        return Path(os.path.relpath(where, os.path.abspath(scenario.base_dir or "."))).as_posix()
    except ValueError:
        return where


def _shape(model: OpenModel) -> dict[str, Any]:
    """What the estimates read of a model: all but where it was read and its names."""
    return model.model_dump(
        exclude={"source", "checked", "name", "hf_repo", "license", "license_source"}
    )


def searched_gpus(catalog: Catalog, option: SelfHostedOption, path: str) -> list[Gpu]:
    """The GPUs to search: the owned servers' one, else every catalog GPU."""
    if option.gpu is not None:
        try:
            catalog.gpu(option.gpu)
        except PaybackError as exc:
            raise PaybackError([f"{path}.gpu: {m}" for m in exc.messages]) from None
    if option.owned is None:
        return list(catalog.gpus.values())
    if option.gpu is None:
        raise PaybackError(
            f'{path}.gpu: owned servers hold one GPU type; name it (gpu = "h100-sxm") to search '
            "precisions, GPUs per replica and replicas on it"
        )
    return [catalog.gpu(option.gpu)]


def check_provider(catalog: Catalog, option: SelfHostedOption, path: str) -> None:
    """A ``gpu_provider`` that rents no GPU in the catalog, refused in one line before the
    search (it printed a table of configurations left out, then "not offered by lamda for
    any GPU"), with the nearest provider and every one the catalog lists."""
    from payback.catalog.records import unknown_provider

    given = option.gpu_provider
    if given is None or option.owned is not None:  # owned servers pay no rent
        return
    allowed = unknown_provider(catalog.gpus.values(), given)
    if allowed is None:
        return
    field = f"{path}.gpu_provider"
    raise PaybackError(f"{field} = {given!r}: {allowed}", param=field, value=given, allowed=allowed)
