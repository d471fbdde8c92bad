"""What to measure first to narrow an input: the advice ``explain`` ends each alternative's
drivers with, by the input's last path segment (a baseline's own words first: it is what
runs today, not the model to build)."""

from __future__ import annotations

MEASURE_FIRST = {
    "requests_per_month": "your real monthly traffic, from request logs",
    "growth_monthly": "the traffic trend over the last months of logs",
    "input_tokens": "the mean prompt length in your logs",
    "output_tokens": "the mean answer length in your logs",
    "cached_input_share": "the cached-token share in your API bills",
    "peak_to_average": "the busiest hour against the average hour in your logs",
    "input_usd_per_mtok": "the price on your API contract",
    "output_usd_per_mtok": "the price on your API contract",
    "price_change_annual": "how fast this API's prices have fallen (its price history)",
    "usd_per_gpu_hour": "quotes from two or three GPU providers",
    "replica_requests_per_s": "a load test of the fine-tuned model at your token lengths",
    "target_utilization": "how hot your team is willing to run the fleet at the peak",
    "escalation_share": "an eval: how often the small model must hand a request back",
    "ops_usd_per_month": "the on-call and monitoring time the service will really take",
    "data_usd": "a labeling quote or a small pilot batch",
    "engineer_hours": "a work breakdown from the engineers who will do it",
    "engineer_usd_per_hour": "your loaded engineering cost",
    "eval_usd": "the eval harness's scope",
    "training_usd": "one real training run",
    "retrain_usd": "what one refresh of data, training and evals takes",
    "discount_rate_annual": "your finance team's discount rate",
    "usd_per_1k_requests": "the real price per 1,000 requests",
    "error_rate": "the error rate of each model on the same eval set of real requests",
    "usd_per_error": "what one rework, refund or retry really costs (support tickets, refunds)",
    "p50_ms": "the median latency of each option under real load",
    "usd_per_second_per_1k_requests": "what a second of waiting costs you (conversion, agent time)",
}

BASELINE_MEASURE_FIRST = {
    "replica_requests_per_s": "a load test of today's self-hosted model at your token lengths",
    "usd_per_gpu_hour": "the GPU rate on your current bill",
    "ops_usd_per_month": "the on-call and monitoring time the service takes today",
}
"""Where the baseline's input (``baseline.…``, ``workloads.N.baseline.…``) is measured
otherwise: the fleet or service that runs today."""


def measure_first(parameter: str) -> str:
    """What to measure to narrow the input at ``parameter`` (a dotted path).

    >>> measure_first("alternatives.0.usd_per_gpu_hour")
    'quotes from two or three GPU providers'
    >>> measure_first("baseline.replica_requests_per_s")
    "a load test of today's self-hosted model at your token lengths"
    """
    *parents, name = parameter.split(".")
    if "baseline" in parents and name in BASELINE_MEASURE_FIRST:
        return BASELINE_MEASURE_FIRST[name]
    return MEASURE_FIRST.get(name, "this number")
