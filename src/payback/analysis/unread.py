"""Why a field of a scenario is not a number the cost engine reads: the one wording a
refusal to vary or override it uses (:func:`not_an_input`; re-exported by
:mod:`payback.analysis.cashflows`)."""

from __future__ import annotations

from typing import Any

from payback.analysis.resolve import Resolved
from payback.errors import PaybackError
from payback.scenario import HostedApiOption, Scenario, SelfHostedOption, value_at

__all__ = ["NO_CASH_FLOW", "TOKEN_FIELDS", "not_an_input"]


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a table"


NO_CASH_FLOW = "so no value of it changes the NPV or meets a target"
"""What an input that enters no cash flow cannot do (the end of :func:`not_an_input`'s line)."""
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cached_input_share")


def _token_readers(written: Scenario) -> tuple[bool, list[str]]:
    """Whether an option is priced per token, and the capacities estimated at the
    scenario's token lengths (``alternatives.0.replica_requests_per_s``)."""
    options = [("baseline", written.baseline)]
    options += [(f"alternatives.{i}", a) for i, a in enumerate(written.alternatives)]
    per_token = any(isinstance(o, HostedApiOption) for _, o in options)
    estimated = [
        f"{where}.replica_requests_per_s"
        for where, o in options
        if isinstance(o, SelfHostedOption) and o.replica_requests_per_s is None
    ]
    return per_token, estimated


def _token_words(written: Scenario, path: str) -> str | None:
    """Why a token field of ``traffic`` is not a number the engine reads: read once by a
    capacity estimate, or by nothing at all (``None`` for another field)."""
    parts = path.split(".")
    if parts[0] != "traffic" or parts[-1] not in TOKEN_FIELDS:
        return None
    per_token, estimated = _token_readers(written)
    if estimated:
        return f"used once to estimate {' and '.join(estimated)} (vary that instead)"
    if per_token:
        return None
    return (
        "it enters no cash flow of this scenario (no option is priced per token or has its "
        f"capacity estimated from token counts), {NO_CASH_FLOW}"
    )


def not_an_input(scenario: Scenario | Resolved, path: str) -> str:
    """Why the field at ``path`` (which names a field of ``scenario``) is not a number the
    cost engine reads, as the rest of the line after ``path:``; the one wording a refusal to
    vary or override it uses (:func:`~payback.studies.solve.solve`, :func:`evaluate`)."""
    explicit = scenario.scenario if isinstance(scenario, Resolved) else scenario
    written = scenario.original if isinstance(scenario, Resolved) else scenario
    current = value_at(explicit, path)
    rent = _training_rent(scenario, path)
    if rent is not None and current is not None:
        return f"not an input of the cost engine: {rent}"
    if rent is not None:
        return rent if rent.startswith("a hosted") else f"not given, and {rent}"
    if current is None:
        tokens = _token_words(written, path)
        if tokens is not None and tokens.startswith("it enters no cash flow"):
            return f"not given, and {tokens}"
        return "not given in the file, so there is no value to vary; give it one first"
    if isinstance(current, bool) or not isinstance(current, int | float):
        return f"not a number (it holds {_what(current)}); vary a numeric input"
    return f"not an input of the cost engine: {_why_unused(explicit, written, path)}"


def _training_rent(scenario: Scenario | Resolved, path: str) -> str | None:
    """Why a training job's ``usd_per_gpu_hour`` is not a number to vary, whether the file
    gives it or not (``None`` for another field): a hosted job has no GPU rent (it is priced
    per token); a given ``training_usd`` wins over the job; else the rent the estimate read
    once from the catalog (a study that moves it, solve, writes it in first)."""
    parts = path.split(".")
    if parts[-2:] != ["training", "usd_per_gpu_hour"]:
        return None
    written = scenario.original if isinstance(scenario, Resolved) else scenario
    where = ".".join(parts[:-1])
    one_time = ".".join(parts[:-2])
    job = value_at(written, where)
    cost = f"{one_time}.training_usd"
    given = value_at(written, cost) is not None or cost in written.distributions
    if job.hosted is not None:
        instead = (
            f"vary {cost} instead"
            if given
            else f"vary its size ({where}.examples, tokens_per_example or epochs) or {cost} instead"
        )
        return (
            f"a hosted fine-tuning job ({job.hosted!r}) is priced per training token (the "
            f"provider's fine-tuning price), not per GPU-hour, so it has no GPU rent to vary; "
            f"{instead}"
        )
    if given:
        return f"unused: {cost} is given and wins over the training job; vary {cost} instead"
    source = scenario.sources.get(path) if isinstance(scenario, Resolved) else None
    rent = f" (${source.value:,.4g} an hour)" if source is not None else ""
    return (
        f"the training estimate reads the catalog's rent{rent} once; payback solve varies it "
        f"from there, and a study that moves it needs it written: give {where}.usd_per_gpu_hour"
    )


def _why_unused(explicit: Scenario, written: Scenario, path: str) -> str:
    parts = path.split(".")
    if path == "scenario.horizon_months":
        return "it fixes the horizon (how many months are compared); run again with another value"
    if parts[-2:] == ["owned", "depreciation_months"]:
        owned = value_at(explicit, ".".join(parts[:-1]))
        if owned.financing == "cash":
            return (
                'unused with financing = "cash" (servers are paid when first needed, not '
                'depreciated); set financing = "depreciation" to vary it'
            )
    if "training" in parts:
        one_time = ".".join(parts[: parts.index("training")])
        try:
            given = value_at(written, f"{one_time}.training_usd") is not None
        except PaybackError:
            given = False
        if given:
            return f"unused: {one_time}.training_usd is given and wins over the training job"
        return (
            f"used once to estimate {one_time}.training_usd from the catalog; vary "
            f"{one_time}.training_usd instead"
        )
    if parts[-1] in ("tpot_ms", "ttft_ms"):
        option = ".".join(parts[:-1])
        if getattr(value_at(written, option), "replica_requests_per_s", None) is not None:
            return (
                f"unused: {option}.replica_requests_per_s is given (a latency target only caps "
                "the batch of an estimated capacity)"
            )
        if parts[-1] == "ttft_ms":
            sized = getattr(value_at(written, option), "gpus_per_replica", None) is None
            return (
                "analyze checks the estimate's first token where the fleet runs against it"
                + (
                    ", and chooses the GPUs per replica among the sizes that meet it"
                    if sized
                    else ""
                )
                + "; a study keeps it as written"
                + ("" if sized else ", and it moves no cost")
                + f": vary {option}.target_utilization instead"
            )
        return (
            f"used once to estimate {option}.replica_requests_per_s from the catalog; vary "
            f"{option}.replica_requests_per_s instead"
        )
    tokens = _token_words(written, path)
    if tokens is not None:
        return tokens
    return f"it enters no cash flow of this scenario, {NO_CASH_FLOW}"
