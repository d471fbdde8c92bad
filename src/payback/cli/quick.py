"""``payback quick``: the back-of-the-envelope break-even from three numbers."""

from __future__ import annotations

from typing import Annotated

import typer

from payback.cli._common import JsonFlag, _print_json, echo, user_errors


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
    """Back-of-the-envelope: requests until a one-time cost pays back.

    break-even requests = one-time cost / (hosted − self-hosted cost per 1,000) × 1,000,
    at constant prices. For growth, token prices, GPU fleets and NPV, write a scenario
    (**payback init**) and use **payback analyze**.
    """
    from payback.finance.quick import quick_break_even

    answer = quick_break_even(hosted_per_1k, self_hosted_per_1k, one_time)
    if as_json:
        _print_json(answer.to_dict())
    else:
        echo(answer.message)
