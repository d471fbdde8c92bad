"""``payback quick``: the back-of-the-envelope break-even from three numbers."""

from __future__ import annotations

from typing import Annotated

import typer

from payback.cli._common import JsonFlag, _print_json, _warn, echo, user_errors

LEAVES_OUT = (
    "This leaves out when (--requests-per-month N), growth (--growth G), GPU fleet sizing and "
    "idle time, retraining, ops and NPV; for those: payback init scenario.toml, then payback analyze "
    "scenario.toml"
)
"""What the quick answer does not count, and the commands for the full one (wrapped to the
terminal, at most 100 columns)."""


FLAGS = {
    "hosted_usd_per_1k": "--hosted-per-1k",
    "self_hosted_usd_per_1k": "--self-hosted-per-1k",
    "one_time_usd": "--one-time",
    "growth_monthly": "--growth",
}
"""The library's names for this command's numbers and the flags they are typed with (the
others' flag is their own name: ``requests_per_month`` is ``--requests-per-month``)."""


KEPT_WHOLE = (
    "(--requests-per-month N)",
    "(--growth G)",
    "payback init scenario.toml,",
    "payback analyze scenario.toml",
)


def requests_text(requests: float) -> str:
    """A number of requests in words, singular for exactly one, never ``0`` for a number
    that is not zero: whole numbers with thousands separators, a fraction with every digit
    it was typed with (the month it breaks even in rests on all of them: 15,384.6 requests
    a month shrinking 50% a month never pay back, 15,385 do).

    >>> requests_text(20_000), requests_text(1), requests_text(0.001), requests_text(2.5)
    ('20,000 requests', '1 request', '0.001 requests', '2.5 requests')
    >>> requests_text(15_384.6), requests_text(7.6923e31), requests_text(1.0000001)
    ('15,384.6 requests', '7.69×10³¹ requests', '1.0000001 requests')
    >>> requests_text(1.234e-5), requests_text(1e-300)  # no exponent
    ('0.00001234 requests', '1×10⁻³⁰⁰ requests')
    """
    from decimal import Decimal

    from payback.figures import far_text
    from payback.finance.quick import count_text

    if requests == int(requests):
        shown = count_text(requests)
    else:  # the shortest decimal that reads back as the number, written out
        shown = far_text(requests) or f"{Decimal(repr(requests)):,f}"
    return f"{shown} request{'' if shown == '1' else 's'}"


def month_line(month: float | None, requests: float, growth: float) -> str:
    """The break-even month in a sentence, for ``--requests-per-month``: traffic "growing
    +5% a month", or "shrinking 50% a month" (never "growing -50%").

    >>> month_line(1.6, 20_000, -0.1)
    'At 20,000 requests a month shrinking 10% a month, that is month 1.60: within a quarter.'
    """
    from payback.figures import rate_text
    from payback.finance.quick import MAX_QUICK_MONTHS, month_figure

    change = f"growing {rate_text(growth, signed=True)}" if growth > 0 else (
        f"shrinking {rate_text(-growth)}")  # fmt: skip
    traffic = f"At {requests_text(requests)} a month" + (f" {change} a month" if growth else "")
    if month is None and growth < 0:
        return f"{traffic}, traffic shrinks before it gets there: it never pays back."
    if month is None:
        return f"{traffic}, it takes more than {MAX_QUICK_MONTHS:,} months (100 years)."
    if month == 0:
        return f"{traffic}, it pays back at once: there is no one-time cost to recover."
    quarter = "within a quarter" if month <= 3 else "not within a quarter"
    return f"{traffic}, that is month {month_figure(month, 2)}: {quarter}."


def _warn_growth(requests_per_month: float, growth: float, month: float | None) -> None:
    """The line a scenario's growth gets when it compounds more than a hundredfold, over
    the months this answer reads (to the break-even month), on stderr: ``--json`` keeps
    its output as it is."""
    from payback.finance.quick import compounding_line, quick_span

    line = compounding_line(FLAGS["growth_monthly"], requests_per_month, growth,
                            quick_span(month), what="flag")  # fmt: skip
    if line is not None:
        _warn([line])


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
    requests_per_month: Annotated[
        float | None,
        typer.Option(
            "--requests-per-month",
            help="Requests in month 1: adds the month it breaks even in.",
        ),
    ] = None,
    growth: Annotated[
        float,
        typer.Option(
            "--growth",
            help="Monthly traffic growth, compound (0.05: +5% a month); with --requests-per-month.",
        ),
    ] = 0.0,
    as_json: JsonFlag = False,
) -> None:
    """Back-of-the-envelope: requests until a one-time cost pays back.

    break-even requests = one-time cost / (hosted − self-hosted cost per 1,000) × 1,000,
    at constant prices. **--requests-per-month N** (and **--growth G**) adds the month it
    breaks even in. For token prices, GPU fleets, retraining and NPV, write a scenario
    (**payback init**) and use **payback analyze**.

    Example, breaking even after ~30,769 requests, in month 1.54:

    `payback quick --hosted-per-1k 15 --self-hosted-per-1k 2 --one-time 400 --requests-per-month 20000`
    """
    from payback.errors import PaybackError
    from payback.finance.quick import quick_break_even, quick_break_even_month

    if growth and requests_per_month is None:
        raise PaybackError("--growth needs --requests-per-month: growth of what traffic?")
    month = None
    try:  # an error names the flag the number was typed with
        answer = quick_break_even(hosted_per_1k, self_hosted_per_1k, one_time)
        requests = answer.break_even_requests
        if requests_per_month is not None and requests is not None:
            month = quick_break_even_month(requests, requests_per_month, growth)
    except PaybackError as exc:
        raise exc.renamed(FLAGS) from None
    if requests_per_month is not None and requests is not None:
        _warn_growth(requests_per_month, growth, month)
    if as_json:
        data = answer.to_dict()
        if requests_per_month is not None:
            data |= {
                "requests_per_month": requests_per_month,
                "growth_monthly": growth,
                "break_even_month": month,
                "pays_back_within_quarter": month is not None and month <= 3,
            }
        _print_json(data)
        return
    echo(answer.message)
    if answer.break_even_requests is None:
        return
    if requests_per_month is None:
        import textwrap

        from payback.limits import columns

        width = min(columns(), 100)
        kept = {c: c.replace(" ", "\u00a0") for c in KEPT_WHOLE}  # no-break space
        text = LEAVES_OUT
        for command, joined in kept.items():  # a command is never cut across lines
            text = text.replace(command, joined)
        wrapped = textwrap.fill(text, width, break_on_hyphens=False, break_long_words=False)
        echo(wrapped.replace("\u00a0", " "))
    else:
        echo(month_line(month, requests_per_month, growth))
