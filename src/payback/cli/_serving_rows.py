"""The rows of ``estimate serving``'s table, and the rent and cost words ``estimate
training``'s shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payback.hardware.estimate import ServingEstimate


def per_1k(result: ServingEstimate) -> float | None:
    """The cost of 1,000 requests at full load [USD], ``None`` without a GPU price."""
    if not result.usd_per_gpu_hour:
        return None
    per_hour = result.usd_per_gpu_hour * result.gpus_per_replica
    return per_hour / (result.replica_requests_per_s * 3.6)


def _budget_holds_fewer(result: ServingEstimate, asked: int | None) -> str:
    """Where a step's token budget holds fewer sequences than ``--batch`` asked: the batch
    asked and why fewer run (a step carries each decoding sequence's token and, spread
    over its steps, its prompt's)."""
    if asked is None or result.batch >= asked or result.max_num_batched_tokens is None:
        return ""
    return (
        f": of the {asked:,} set by --batch, a step's {result.max_num_batched_tokens:,.0f} "
        f"tokens hold {result.batch:,} decoding beside their prompts' chunks"
    )


def serving_rows(
    result: ServingEstimate, cached: float = 0.0, asked: int | None = None
) -> dict[str, str]:
    """The lines of ``estimate serving``'s table (``cached``: the share of each prompt the
    prefix cache holds; ``asked``: the batch ``--batch`` gave)."""
    from payback.hardware.estimate import COMPUTED_CACHED_SHARE
    from payback.report.common import rate_text, rent_text, usd

    lengths = f"{result.input_tokens:,.0f}/{result.output_tokens:,.0f} tokens"
    mean = result.input_tokens + result.output_tokens / 2
    apart = result.context_tokens != mean  # --context: its decode line alone
    cache = (
        {
            "prefix cache": f"{rate_text(cached)} of each prompt, its prefill skipped"
            + (
                f" (estimated as {rate_text(COMPUTED_CACHED_SHARE)}: the last block is recomputed)"
                if cached > COMPUTED_CACHED_SHARE
                else ""
            )
        }
        if cached
        else {}
    )
    rows = {
        "GPUs per replica": f"{result.gpus_per_replica} × {result.gpu} ({result.precision})",
        "engine": result.engine
        + (
            f" ({result.max_num_batched_tokens:,.0f} tokens a step, prompts chunked)"
            if result.max_num_batched_tokens
            else " (prompts prefilled apart)"
        ),
        "weights / KV cache": f"{result.weights_gb:,.1f} GB / {result.kv_cache_gb:,.1f} GB "
        f"({result.kv_cache.upper()}, "
        + ("set by --kv-cache" if result.kv_cache_reason == "as asked" else result.kv_cache_reason)
        + ")",
        "max batch": f"{result.max_batch:,} sequence{'s' * (result.max_batch != 1)} at "
        f"{mean:,.0f} tokens",
        "batch at full load": f"{result.batch:,} ("
        + ("set by --batch" if result.limited_by == "given" else f"limited by {result.limited_by}")
        + _budget_holds_fewer(result, asked)
        + ")",
        f"decode at batch {result.context_batch:,}, context {result.context_tokens:,.0f}": f"{result.decode_output_tokens_per_s:,.0f} output tokens/s"
        + (
            f" (one sequence takes {result.context_tpot_missed_ms:,.1f} ms per token here: "
            "--tpot-ms is missed at this context)"
            if result.context_tpot_missed_ms is not None
            else ""
        ),
        "prefill": f"{result.prefill_tokens_per_s:,.0f} tokens/s"
        + (" (of the prompts' uncached part)" if cached else ""),
        "time per output token (full load)": f"{result.tpot_ms:,.1f} ms"
        + (f" (at {mean:,.0f} tokens of context, not --context's)" if apart else ""),
        "time to first token (unloaded)": f"{result.ttft_ms:,.0f} ms",
        **(
            {
                f"at {rate_text(result.utilization)} of capacity": (
                    f"{result.tpot_at_utilization_ms:,.1f} ms per output token, first token "
                    + loaded_first_token(result)
                )
            }
            if result.utilization is not None
            and result.tpot_at_utilization_ms is not None
            and result.ttft_at_utilization_ms is not None
            else {}
        ),
        **cache,
        f"requests/s at {lengths}": f"{result.replica_requests_per_s:,.2f} ({result.output_tokens_per_s:,.0f} output tokens/s)",
        "GPU price": priced(f"{rent_text(result.usd_per_gpu_hour)}/h", result.price_source)
        if result.usd_per_gpu_hour
        else "not in the catalog",
    }
    cost = per_1k(result)
    if cost is not None:
        rows["cost per 1k requests at full load"] = usd(cost, 4)
    return rows


def loaded_first_token(result: ServingEstimate) -> str:
    """The first token at the planned utilisation, in words: its mean with the wait for a
    free slot when that is a millisecond or more, or unbounded at the capacity."""
    if result.first_token_unbounded:
        where = "at" if (result.utilization or 1.0) >= 1.0 else "within a billionth of"
        budget = result.limited_by == "token budget"  # the prompts' queue saturates first
        queue = "of prompts for the steps' token budget" if budget else "for a free sequence slot"
        return (
            f"unbounded: arrivals {where} the capacity (the queue {queue} grows without bound; "
            "plan below 100%)"
        )
    slot = result.slot_wait_at_utilization_ms or 0.0
    waits = f", {slot:,.0f} ms of it waiting for a free slot" if slot >= 0.5 else ""
    return f"after {result.ttft_at_utilization_ms:,.0f} ms (queueing included{waits})"


def priced(rate: str, source: str | None) -> str:
    """A rent with where it comes from, the catalog's source (which ends with its page in
    parentheses) after a colon so that no parentheses nest; a rent given on the command
    line is marked "(given)"."""
    if source is None:
        return rate
    if source == "given":
        return f"{rate} (given)"
    return f"{rate}: {source}"
