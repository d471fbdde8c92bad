"""``payback init``: write the commented starter scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from payback.cli._common import JsonFlag, _print_json, user_errors
from payback.cli._files import (
    _check_scenario_suffix,
    _check_writable,
    _starter_text,
    _write_new,
    through_missing,
)
from payback.cli._streams import status


@user_errors
def init(
    path: Annotated[
        Path,
        typer.Argument(
            help="Where to write the scenario (.toml, or .yaml for YAML); a missing folder is made."
        ),
    ] = Path("scenario.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Write a commented starter scenario to edit.

    200k requests a month on a hosted big model against a fine-tuned small open model
    on one rented GPU, with every cost item filled in. Never overwrites a file unless
    **--force** is given. A name ending in .yaml gets the same scenario, comments kept, in
    YAML.

    Example, a starter in a new folder, then its answer as written (break-even in month
    13.37, not within a quarter):

    `payback init scenarios/mine.toml`

    `payback analyze scenarios/mine.toml`
    """
    path = through_missing(path)  # newd/../s.toml is s.toml: no newd made, none needed
    try:  # a folder, a FIFO, a name too long: refused as such below
        special = path.exists() and not path.is_file()
    except OSError:
        special = True
    if not special:
        _check_scenario_suffix(path)
    text = _starter_text()
    if path.suffix.lower() in {".yaml", ".yml"}:  # the same file, comments and order kept
        from payback.scenario.edit import yaml_from_toml

        text = yaml_from_toml(text)
    _check_writable(path, force, status_only=not as_json)  # --json is more than a status
    _write_new(path, text, force)
    if as_json:
        _print_json({"written": str(path)})
    else:  # dropped where stdout was closed from the start: the file is the output
        status(f"Wrote {path}. Edit the numbers, then: payback analyze {path}")
