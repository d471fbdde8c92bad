"""The solve over the set, in one sentence: with how many of the workloads, in the
migration order, an alternative pays back within a quarter (:func:`quarter_sentence`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from payback.analysis.result import QUARTER_MONTHS, months_text
from payback.analysis.verdict import in_month_text, month_text

if TYPE_CHECKING:
    from payback.studies.portfolio import MigrationStep

__all__ = ["quarter_sentence"]


def quarter_sentence(steps: list[MigrationStep], names_in_order: list[str], horizon: int) -> str:
    """With every workload of ``steps`` (the migration order), whether the alternative
    pays back within a quarter; where it does not, the most of the first workloads with
    which it does (the first 4 of 5 where steps 1 to 4 pay back: it had named the first
    alone), and where it does, the most with which it does not.

    >>> from payback.studies.portfolio import MigrationStep
    >>> steps = [MigrationStep(n, 1.0, 1.0, m, m < 3) for n, m in zip("abc", (0.8, 2.5, 5.2))]
    >>> quarter_sentence(steps, ["a", "b", "c"], 24)
    'With all 3 workloads it does not pay back within a quarter (month 5.2); with the first 2 (a, b) it does'
    """
    n = len(steps)
    these = f"{n} workload" + ("" if n == 1 else "s")
    every = "both workloads" if n == 2 else f"all {these}"
    full = steps[-1]
    if horizon < QUARTER_MONTHS:  # month 3 is not computed: the break-even alone is known
        with_them = "With its one workload" if n == 1 else f"With {every}"
        if full.break_even_month is None:
            return f"{with_them} it does not pay back within {months_text(horizon)}"
        return (
            f"{with_them} it breaks even ({month_text(full.break_even_month)}); "
            f"a quarter is past the {months_text(horizon)} computed"
        )
    if not full.pays_back_within_quarter:
        when = (
            f"a quarter ({month_text(full.break_even_month)})"
            if full.break_even_month is not None
            else months_text(horizon)  # not even within the horizon
        )
        paying = [s for s in steps if s.pays_back_within_quarter]
        if paying:
            k = steps.index(paying[-1]) + 1  # the most workloads that still pay back
            return (
                f"With {every} it does not pay back within {when}; "
                f"with the first {'alone' if k == 1 else k} ({', '.join(names_in_order[:k])}) it does"
            )
        if n == 1:
            return f"With its one workload it does not pay back within {when}"
        return _fewer_do_better(steps, names_in_order, every, when)
    missing = [k + 1 for k, s in enumerate(steps) if not s.pays_back_within_quarter]
    if not missing:
        return (
            f"With {'its one workload' if n == 1 else 'both workloads' if n == 2 else f'these {these}'} it pays back within a quarter ({month_text(full.break_even_month or 0.0)})"
            + ("" if n == 1 else "; so does the first alone")
        )
    k = max(missing)
    return (
        f"With {'both workloads' if n == 2 else f'these {these}'} it pays back within a quarter "
        f"({month_text(full.break_even_month or 0.0)}); with the first {'alone' if k == 1 else k} ({', '.join(names_in_order[:k])}) it does not"
    )


def _fewer_do_better(steps: list[MigrationStep], names: list[str], every: str, when: str) -> str:
    """The quarter sentence of a set that does not pay back within a quarter: "Even with
    all" where every workload added raised the NPV to its most; else "With all", and the
    first workloads in order that pay back within the horizon with the most NPV, where all
    of them do not (separate fleets that small workloads do not fill: examples/portfolio.toml
    pays back in month 13.1 with its first 2, never with all 5)."""
    full, best = steps[-1], max(steps, key=lambda s: s.npv_usd)
    if full.npv_usd >= best.npv_usd:
        return f"Even with {every} it does not pay back within {when}"
    text = f"With {every} it does not pay back within {when}"
    back = [s for s in steps if s.break_even_month is not None]
    if full.break_even_month is None and back:
        best = max(back, key=lambda s: s.npv_usd)
        k = steps.index(best) + 1
        text += (
            f"; with {'the first alone' if k == 1 else f'only the first {k}'} ({', '.join(names[:k])}) it pays "
            f"back {in_month_text(best.break_even_month or 0.0)} (the migration order's highest "
            "NPV so far)"
        )
    return text
