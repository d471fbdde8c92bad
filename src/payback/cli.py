"""The ``payback`` command line: thin, it calls the public API only.

Every command takes ``--json`` for scripts. Bad input gives one line per problem on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

import payback
from payback.report import analysis_renderables

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

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")
]


def _console() -> Console:
    return Console(highlight=False)


def _fail(lines: list[str]) -> typer.Exit:
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    return typer.Exit(code=2)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`payback.ScenarioError` into one line per problem and exit code 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except payback.ScenarioError as exc:
            raise _fail(exc.messages) from None

    return wrapper


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
    as_json: JsonFlag = False,
) -> None:
    """Break-even month and requests, NPV and monthly costs of each alternative.

    Reads a scenario (see **payback init** for a commented one) and compares
    every `[[alternatives]]` entry with the `[baseline]`: one-time cost by item, monthly
    cost now and at the horizon, break-even (interpolated inside the month), NPV and
    whether it pays back within a quarter.
    """
    analysis = payback.analyze(payback.load_scenario(file))
    if as_json:
        _print_json(analysis.to_dict())
    else:
        _console().print(analysis_renderables(analysis))


def _starter_text() -> str:
    return resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")


def _write_new(path: Path, text: str, force: bool) -> None:
    """Write ``text`` to ``path`` atomically; refuse to replace a file without ``force``."""
    if path.is_dir():
        raise payback.ScenarioError(
            f"{path}: is a directory; give a file name such as {path / 'scenario.toml'}"
        )
    if path.exists() and not force:
        raise payback.ScenarioError(f"{path}: already exists; use --force to overwrite it")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise payback.ScenarioError(f"{path}: folder {parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
