"""How long a fine-tuning run takes, as ``estimate training`` says it: in the unit the time
fills (milliseconds to years), and a caution where a run would take longer than a year, which
a mistyped ``--tokens`` gives (``1e15`` read "36,582,012.34 h" without a word); and the
tokens a run processes, refused with its flags past the library's bounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.hardware.fine_tuning import TrainingEstimate

HOURS_PER_DAY = 24.0
HOURS_PER_YEAR = 8760.0
"""365 days, as a month's 730 hours make a year."""
DAYS_FROM_HOURS = 48.0
"""A run from two days on is said in days (and from a year on, in years)."""


def duration_text(hours: float, gpu: str = "") -> str:
    """A run's time (``gpu`` ``"GPU-"``: its GPU time, always in hours from one hour on: the
    unit its rent is priced in) in hours from one hour, in days from :data:`DAYS_FROM_HOURS`
    and in years from :data:`HOURS_PER_YEAR`, else in the largest of minutes, seconds and
    milliseconds it fills, to 3 figures: 1,000 GPUs ran a run in "0.00 h".

    >>> duration_text(36.5), duration_text(72.0), duration_text(36_582_012.34)
    ('36.50 h', '3 days', '4,176 years')
    >>> duration_text(36_582_012.34, "GPU-"), duration_text(8760.0), duration_text(3000.0)
    ('36,582,012.34 GPU-hours', '1 year', '125 days')
    """
    from payback.figures import power_text

    if not gpu and hours >= DAYS_FROM_HOURS:
        days, years = hours / HOURS_PER_DAY, hours / HOURS_PER_YEAR
        size, unit = (years, "year") if float(f"{years:.3g}") >= 1.0 else (days, "day")
        text = f"{size:,.0f}" if size >= 100 else f"{size:.3g}"
        text = power_text(size) if "e" in text else text
        return f"{text} {unit}{'' if text == '1' else 's'}"
    units = ((1.0, "h", "hours"), (60.0, "min", "minutes"), (3600.0, "s", "seconds"))
    per_hour, short, long = next(
        (unit for unit in units if float(f"{hours * unit[0]:.3g}") >= 1.0),  # 0.9999 h: 1.00 h
        (3.6e6, "ms", "milliseconds"),
    )
    size = hours * per_hour
    text = f"{size:,.2f}" if short == "h" else f"{size:.3g}"
    text = power_text(size) if "e" in text else text
    return f"{text} {gpu}{long.rstrip('s') if text == '1' else long}" if gpu else f"{text} {short}"


def long_run_caution(result: TrainingEstimate, tokens: float, epochs: float) -> list[str]:
    """One line where a run takes longer than a year on its GPUs, naming the input that made
    it (``--tokens``, and ``--epochs`` where it is not 1) and its value; none otherwise.

    A run of 1e15 tokens at 7,593 tokens a second on one GPU:
    "a run takes 4,176 years on 1 GPU (--tokens 1e+15): more than a year; --tokens is the
    dataset's tokens (examples × tokens per example), e.g. 16e6 for 20,000 examples of 800"
    """
    if not result.hours > HOURS_PER_YEAR:
        return []
    given = f"--tokens {tokens:g}" + ("" if epochs == 1 else f", --epochs {epochs:g}")
    gpus = f"{result.gpus:,} GPU{'s' if result.gpus != 1 else ''}"
    return [
        f"a run takes {duration_text(result.hours)} on {gpus} ({given}): more than a year; "
        "--tokens is the dataset's tokens (examples × tokens per example), e.g. 16e6 for "
        "20,000 examples of 800"
    ]


def check_run_tokens(tokens: float, epochs: float) -> None:
    """The tokens a run processes (--tokens × --epochs) within the library's bounds, said
    with the flags: the library's "tokens × epochs = 1e+30" named no option. A value that
    is not a finite number > 0 is the library's to refuse (it names the flag too)."""
    import math

    from payback.figures import limit_text
    from payback.hardware.fine_tuning import MAX_TRAINING_TOKENS

    total = tokens * epochs
    if not (math.isfinite(tokens) and math.isfinite(epochs) and tokens > 0 and epochs > 0):
        return
    given = f"--tokens {tokens:g}" + (
        "" if epochs == 1 else f" × --epochs {epochs:g} = {total:.3g}"
    )
    if total < 1:
        raise PaybackError(f"{given}: a run processes at least one token")
    if total > MAX_TRAINING_TOKENS:
        raise PaybackError(
            f"{given}: at most {limit_text(MAX_TRAINING_TOKENS)} tokens a run (far beyond any "
            "pre-training run)"
        )
