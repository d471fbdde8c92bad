"""Monthly running costs of each kind of option, and the recurring items.

All functions are pure and broadcast: monthly arrays have the month on the last axis,
per-option parameters are scalars or arrays of samples (see :mod:`payback.finance`).
"""

from collections.abc import Callable, Mapping

import numpy as np

from payback.finance._types import ArrayLike, FloatArray, as_float, per_sample
from payback.finance.traffic import HOURS_PER_MONTH, months

CEIL_TOLERANCE = 1e-9
"""Relative slack so that 2.0000000000001 replicas (float noise) is 2 replicas, not 3."""


def price_trend(price_change_annual: ArrayLike, horizon_months: int) -> FloatArray:
    """The factor that multiplies a price in each month: (1 + a) ** ((m − 1) / 12).

    ``a`` is the yearly change (−0.3: prices fall 30% a year). Month 1 pays the
    scenario's price; month 13 pays it times (1 + a).

    >>> price_trend(-0.19, 25)[[0, 12, 24]].round(4)
    array([1.    , 0.81  , 0.6561])
    """
    m = months(horizon_months)
    return (1.0 + per_sample(price_change_annual)) ** ((m - 1.0) / 12.0)


def committed_price_trend(
    price_change_annual: ArrayLike, horizon_months: int, term_months: int
) -> FloatArray:
    """The trend of a price fixed for a term of ``term_months`` and renewed at the trended
    price: (1 + a) ** (floor((m − 1) / term) · term / 12).

    A 1-year reservation (term 12) pays the scenario's price in months 1–12 and
    price · (1 + a) in months 13–24; a term of 1 month is :func:`price_trend`.

    >>> committed_price_trend(-0.19, 25, 12)[[0, 11, 12, 23, 24]].round(4)
    array([1.    , 1.    , 0.81  , 0.81  , 0.6561])
    """
    if term_months < 1:
        raise ValueError(f"term_months = {term_months}: must be ≥ 1")
    since = months(horizon_months) - 1.0  # months since the first
    start = _each_term(since, term_months, lambda term: np.broadcast_to(term[..., :1], term.shape))
    return (1.0 + per_sample(price_change_annual)) ** (start / 12.0)


def _each_term(
    values: FloatArray, term_months: int, within: Callable[[FloatArray], FloatArray]
) -> FloatArray:
    """``values`` (the month on the last axis) worked out term by term: cut into terms of
    ``term_months`` months (months 1–T, T+1–2T, …, the last one cut at the horizon), each
    a row of what ``within`` gets, then put back in months. ``within`` gives each month
    its value in place, from that month and those before it in its term (the last row
    is padded with −inf past the horizon). The terms of a commitment, for its price
    (:func:`committed_price_trend`) and for the GPUs it pays for (:func:`reserved_count`).

    >>> _each_term(np.arange(5.0), 2, lambda term: np.broadcast_to(term[..., :1], term.shape))
    array([0., 0., 2., 2., 4.])
    """
    horizon = values.shape[-1]
    terms = -(-horizon // term_months)
    pad = np.full((*values.shape[:-1], terms * term_months - horizon), -np.inf)
    cut = np.concatenate([values, pad], axis=-1).reshape((*values.shape[:-1], terms, term_months))
    worked = within(cut).reshape((*values.shape[:-1], -1))
    return np.asarray(worked[..., :horizon], dtype=np.float64)


def reserved_count(needed: ArrayLike, term_months: int) -> FloatArray:
    """What a fleet reserved for terms of ``term_months`` pays for each month, from what it
    needs (GPUs or replicas, the month on the last axis): within each term (months
    1–T, T+1–2T, …; the terms of :func:`committed_price_trend`) the most it has needed so
    far in that term. A unit added mid-term is reserved to the term's end; the count
    falls only at a renewal, which starts again from what that month needs. A term of
    1 month (on demand) pays what each month needs.

    paid_m = max(needed_k for k from the first month of m's term to m)

    >>> reserved_count([6.0, 4.0, 3.0, 2.0, 2.0, 1.0], 3)
    array([6., 6., 6., 2., 2., 2.])
    >>> reserved_count([1.0, 3.0, 2.0, 5.0, 4.0], 2)
    array([1., 3., 2., 5., 4.])
    """
    n = as_float(needed)
    if term_months <= 1 or n.ndim == 0:
        return n
    return _each_term(n, term_months, lambda term: np.maximum.accumulate(term, axis=-1))


def per_request_cost(
    requests: ArrayLike, usd_per_1k_requests: ArrayLike, price_change_annual: ArrayLike = 0.0
) -> FloatArray:
    """Cost of ``requests`` at a fixed price per 1,000 requests [USD/month].

    cost_m = R_m / 1000 · p · (1 + a) ** ((m − 1) / 12)

    >>> per_request_cost([20_000.0, 20_000.0], 15.0)
    array([300., 300.])
    """
    r = as_float(requests)
    trend = price_trend(price_change_annual, r.shape[-1])
    return r / 1000.0 * per_sample(usd_per_1k_requests) * trend


def hosted_api_usd_per_request(
    input_tokens: ArrayLike,
    output_tokens: ArrayLike,
    cached_input_share: ArrayLike,
    input_usd_per_mtok: ArrayLike,
    cached_input_usd_per_mtok: ArrayLike,
    output_usd_per_mtok: ArrayLike,
    batch_share: ArrayLike = 0.0,
    batch_discount: ArrayLike = 0.0,
    cached_input_batch_discount: ArrayLike = 0.0,
) -> FloatArray:
    """Price of one request at per-token prices, before any trend [USD/request].

    (I · ((1 − c) · p_in · (1 − s · d) + c · p_cached · (1 − s · d_c))
    + O · p_out · (1 − s · d)) / 1e6, with I and O the mean input and output tokens per
    request, c the share of input tokens billed as cached, s the share of requests sent
    through a batch API that takes d off the input and output rates and d_c off the cached
    input rate (genai-prices' batch price of gpt-4o keeps cache reads at the standard
    rate, d_c = 0; Anthropic's halves them too).

    >>> float(hosted_api_usd_per_request(1000, 300, 0.4, 2.5, 1.25, 10.0))
    0.005
    >>> float(hosted_api_usd_per_request(1000, 300, 0.4, 2.5, 1.25, 10.0, 0.5, 0.5, 0.5))
    0.00375
    >>> float(hosted_api_usd_per_request(1000, 300, 0.4, 2.5, 1.25, 10.0, 0.5, 0.5))
    0.003875
    """
    c = as_float(cached_input_share)
    s = as_float(batch_share)
    standard = 1.0 - s * as_float(batch_discount)
    cached = 1.0 - s * as_float(cached_input_batch_discount)
    input_price = (1.0 - c) * as_float(input_usd_per_mtok) * standard + c * as_float(
        cached_input_usd_per_mtok
    ) * cached
    tokens_usd = (
        as_float(input_tokens) * input_price
        + as_float(output_tokens) * as_float(output_usd_per_mtok) * standard
    )
    return tokens_usd / 1e6


def hosted_api_cost(
    requests: ArrayLike,
    *,
    input_tokens: ArrayLike,
    output_tokens: ArrayLike,
    cached_input_share: ArrayLike,
    input_usd_per_mtok: ArrayLike,
    cached_input_usd_per_mtok: ArrayLike,
    output_usd_per_mtok: ArrayLike,
    price_change_annual: ArrayLike = 0.0,
    batch_share: ArrayLike = 0.0,
    batch_discount: ArrayLike = 0.0,
    cached_input_batch_discount: ArrayLike = 0.0,
) -> FloatArray:
    """Cost of ``requests`` on a per-token hosted API [USD/month].

    cost_m = R_m · usd_per_request · (1 + a) ** ((m − 1) / 12)  (see
    :func:`hosted_api_usd_per_request`).

    >>> hosted_api_cost([2e6], input_tokens=1000, output_tokens=300, cached_input_share=0.4,
    ...                 input_usd_per_mtok=2.5, cached_input_usd_per_mtok=1.25,
    ...                 output_usd_per_mtok=10.0)
    array([10000.])
    """
    r = as_float(requests)
    usd_per_request = hosted_api_usd_per_request(
        input_tokens,
        output_tokens,
        cached_input_share,
        input_usd_per_mtok,
        cached_input_usd_per_mtok,
        output_usd_per_mtok,
        batch_share,
        batch_discount,
        cached_input_batch_discount,
    )
    return r * per_sample(usd_per_request) * price_trend(price_change_annual, r.shape[-1])


def escalated_requests(requests: ArrayLike, escalation_share: ArrayLike) -> FloatArray:
    """Requests an alternative routes to the baseline instead of serving them [requests/month].

    >>> escalated_requests([1000.0, 2000.0], 0.05)
    array([ 50., 100.])
    """
    return as_float(requests) * per_sample(escalation_share)


def fleet_replicas(
    requests: ArrayLike,
    *,
    peak_to_average: ArrayLike,
    replica_requests_per_s: ArrayLike,
    target_utilization: ArrayLike,
    min_replicas: ArrayLike,
) -> FloatArray:
    """Replicas an always-on fleet needs to serve the busiest hour of each month.

    peak_rps_m = R_m / (730 · 3600) · peak_to_average
    replicas_m = max(min_replicas, ceil(peak_rps_m / (replica_requests_per_s · u)))

    >>> fleet_replicas([1.9e6, 3.7e6], peak_to_average=3.0, replica_requests_per_s=3.0,
    ...                target_utilization=0.7, min_replicas=2)
    array([2., 3.])
    """
    needed = traffic_replicas(
        requests,
        peak_to_average=peak_to_average,
        replica_requests_per_s=replica_requests_per_s,
        target_utilization=target_utilization,
    )
    return np.maximum(per_sample(min_replicas), needed)


def traffic_replicas(
    requests: ArrayLike,
    *,
    peak_to_average: ArrayLike,
    replica_requests_per_s: ArrayLike,
    target_utilization: ArrayLike,
) -> FloatArray:
    """Replicas the busiest hour of each month needs, before ``min_replicas`` keeps more:
    ceil(peak_rps_m / (replica_requests_per_s · u)) (:func:`fleet_replicas`).

    >>> traffic_replicas([1.9e6, 3.7e6], peak_to_average=3.0, replica_requests_per_s=3.0,
    ...                  target_utilization=0.7)
    array([1., 3.])
    """
    peak_rps = as_float(requests) / (HOURS_PER_MONTH * 3600.0) * per_sample(peak_to_average)
    usable_rps = per_sample(replica_requests_per_s) * per_sample(target_utilization)
    return np.ceil(peak_rps / usable_rps * (1.0 - CEIL_TOLERANCE))


def fleet_gpus(
    requests: ArrayLike,
    *,
    peak_to_average: ArrayLike,
    replica_requests_per_s: ArrayLike,
    target_utilization: ArrayLike,
    gpus_per_replica: ArrayLike,
    min_replicas: ArrayLike,
) -> FloatArray:
    """GPUs an always-on fleet runs each month: replicas · gpus_per_replica.

    >>> fleet_gpus([1.9e6], peak_to_average=3.0, replica_requests_per_s=3.0,
    ...            target_utilization=0.7, gpus_per_replica=2, min_replicas=1)
    array([4.])
    """
    replicas = fleet_replicas(
        requests,
        peak_to_average=peak_to_average,
        replica_requests_per_s=replica_requests_per_s,
        target_utilization=target_utilization,
        min_replicas=min_replicas,
    )
    return replicas * per_sample(gpus_per_replica)


def always_on_gpu_cost(gpus: ArrayLike, usd_per_gpu_hour: ArrayLike) -> FloatArray:
    """Rent of GPUs that run all month: GPUs · 730 h · price [USD/month].

    >>> always_on_gpu_cost([2.0, 3.0], 2.0)
    array([2920., 4380.])
    """
    return as_float(gpus) * HOURS_PER_MONTH * per_sample(usd_per_gpu_hour)


def scale_to_zero_gpu_hours(
    requests: ArrayLike,
    *,
    replica_requests_per_s: ArrayLike,
    target_utilization: ArrayLike,
    gpus_per_replica: ArrayLike,
) -> FloatArray:
    """Busy GPU-hours of a scale-to-zero (per-second billed) deployment [GPU-h/month].

    gpu_hours_m = R_m / (replica_requests_per_s · u · 3600) · gpus_per_replica

    >>> scale_to_zero_gpu_hours([36_000.0], replica_requests_per_s=10.0,
    ...                         target_utilization=0.5, gpus_per_replica=2)
    array([4.])
    """
    usable_per_hour = per_sample(replica_requests_per_s) * per_sample(target_utilization) * 3600.0
    return as_float(requests) / usable_per_hour * per_sample(gpus_per_replica)


def retraining_cost(
    retrain_every_months: ArrayLike, retrain_usd: ArrayLike, horizon_months: int
) -> FloatArray:
    """Retraining paid in months k, 2k, 3k, … (k = 0: never) [USD/month].

    >>> retraining_cost(4, 1500.0, 9)
    array([   0.,    0.,    0., 1500.,    0.,    0.,    0., 1500.,    0.])
    >>> retraining_cost(0, 1500.0, 3)
    array([0., 0., 0.])
    """
    m = months(horizon_months)
    k = np.rint(per_sample(retrain_every_months))
    due = (k > 0) & (np.mod(m, np.where(k > 0, k, 1.0)) == 0)
    return np.where(due, per_sample(retrain_usd), 0.0)


def recurring_monthly(usd_per_month: ArrayLike, horizon_months: int) -> FloatArray:
    """A fixed monthly cost (ops, monitoring, on-call share) in every month [USD/month].

    >>> recurring_monthly(1000.0, 3)
    array([1000., 1000., 1000.])
    """
    return per_sample(usd_per_month) * np.ones(horizon_months)


def error_cost(requests: ArrayLike, error_rate: ArrayLike, usd_per_error: ArrayLike) -> FloatArray:
    """What the errors among ``requests`` cost: R_m · error_rate · usd_per_error [USD/month].

    An error is a request whose answer needs human rework, a refund or a retry.

    >>> error_cost([100_000.0, 200_000.0], 0.04, 2.5)
    array([10000., 20000.])
    """
    return as_float(requests) * per_sample(error_rate) * per_sample(usd_per_error)


def latency_cost(
    requests: ArrayLike, p50_ms: ArrayLike, usd_per_second_per_1k_requests: ArrayLike
) -> FloatArray:
    """What waiting for the answers to ``requests`` costs [USD/month].

    cost_m = R_m / 1000 · p50_ms / 1000 · v, with v the value of one second of waiting
    across 1,000 requests. Only differences between options matter: a faster option is
    credited (p50_baseline − p50_alternative) / 1000 · v per 1,000 requests.

    >>> latency_cost([200_000.0], 1500.0, 0.4)
    array([120.])
    """
    seconds = per_sample(p50_ms) / 1000.0
    return as_float(requests) / 1000.0 * seconds * per_sample(usd_per_second_per_1k_requests)


def servers_needed(
    replicas: ArrayLike, gpus_per_replica: ArrayLike, gpus_per_server: ArrayLike
) -> FloatArray:
    """Servers that hold ``replicas`` whole replicas of ``gpus_per_replica`` GPUs each:
    ceil(replicas / floor(gpus_per_server / gpus_per_replica)). A replica does not span
    servers; one larger than a server cannot be placed (``inf`` servers).

    >>> servers_needed([1.0, 2.0, 3.0], 1, 8)
    array([1., 1., 1.])
    >>> servers_needed([3.0], 4, 6)
    array([3.])
    >>> servers_needed([1.0], 8, 4)
    array([inf])
    """
    per_server = np.floor(per_sample(gpus_per_server) / per_sample(gpus_per_replica))
    with np.errstate(divide="ignore", invalid="ignore"):
        servers = np.ceil(as_float(replicas) / per_server * (1.0 - CEIL_TOLERANCE))
    return np.where(per_server >= 1.0, servers, np.inf)


def server_running_cost(
    servers: ArrayLike,
    *,
    kw_per_server: ArrayLike,
    usd_per_kwh: ArrayLike,
    pue: ArrayLike,
    colocation_usd_per_server_month: ArrayLike,
) -> FloatArray:
    """Power, cooling and colocation of owned servers in use [USD/month].

    cost_m = servers_m · (kW · 730 h · usd_per_kwh · PUE + colocation)

    >>> server_running_cost([2.0], kw_per_server=10.0, usd_per_kwh=0.12, pue=1.3,
    ...                     colocation_usd_per_server_month=1500.0)
    array([5277.6])
    """
    power = per_sample(kw_per_server) * HOURS_PER_MONTH * per_sample(usd_per_kwh) * per_sample(pue)
    return as_float(servers) * (power + per_sample(colocation_usd_per_server_month))


def servers_held(servers: ArrayLike) -> FloatArray:
    """Servers owned each month: the most in use so far, since a fleet that shrinks keeps
    its servers (both financings charge them) [servers].

    >>> servers_held([2.0, 1.0, 1.0, 3.0])
    array([2., 2., 2., 3.])
    """
    return as_float(np.maximum.accumulate(as_float(servers), axis=-1))


def servers_bought(servers: ArrayLike) -> FloatArray:
    """Servers bought for each month when each is paid when first needed [servers].

    bought_m = max_{i ≤ m} servers_i − max_{i < m} servers_i: the first entry is the
    month-1 fleet (paid at t = 0, with the one-time cost), the others the servers month m
    needs beyond the most ever needed before (paid in month m). A fleet that shrinks keeps
    its servers, so growing back buys nothing.

    >>> servers_bought([1.0, 1.0, 2.0, 1.0, 3.0])
    array([1., 0., 1., 0., 1.])
    """
    return np.diff(servers_held(servers), axis=-1, prepend=0.0)


def owned_server_cost(
    servers: ArrayLike,
    *,
    usd_per_server: ArrayLike,
    depreciation_months: ArrayLike,
    cash: bool,
) -> tuple[FloatArray, FloatArray]:
    """What buying the servers costs: (paid at t = 0 [USD], paid in each month [USD/month]).

    Both financings hold the servers bought: a fleet that shrinks keeps them (held_m =
    max_{i ≤ m} servers_i, the most in use so far), so growing back buys nothing.

    cash: the month-1 fleet's price at t = 0; month m ≥ 2 pays for the servers it adds
    (:func:`servers_bought`), and a server kept past its depreciation period is not bought
    again. depreciation: nothing at t = 0; month m pays held_m · usd_per_server /
    depreciation_months, a straight line over each server held, in use or idle. A held
    server kept past its depreciation period is replaced, so its charge goes on at the
    same usd_per_server / depreciation_months a month for as long as it is held, idle or
    not: what keeps the held fleet ready to grow back into. Within depreciation_months,
    the charges so far plus the book value left add up to the price of every server
    bought, what cash pays. analyze says either when servers are held past
    depreciation_months within the horizon, and the book value left at its last month.

    >>> owned_server_cost([1.0, 2.0, 2.0], usd_per_server=100.0, depreciation_months=10,
    ...                   cash=True)
    (array(100.), array([  0., 100.,   0.]))
    >>> owned_server_cost([1.0, 2.0, 2.0], usd_per_server=100.0, depreciation_months=10,
    ...                   cash=False)
    (array(0.), array([10., 20., 20.]))
    >>> owned_server_cost([2.0, 1.0, 1.0], usd_per_server=100.0, depreciation_months=10,
    ...                   cash=False)  # the second server is held, idle
    (array(0.), array([20., 20., 20.]))
    """
    s = as_float(servers)
    price = per_sample(usd_per_server)
    if cash:
        bought = servers_bought(s) * price
        monthly = bought.copy()
        monthly[..., 0] = 0.0
        return as_float(bought[..., 0]), monthly
    per_month = servers_held(s) * price / per_sample(depreciation_months)
    return np.zeros(per_month.shape[:-1]), per_month


def owned_book_value_left(
    bought: ArrayLike, *, usd_per_server: ArrayLike, depreciation_months: ArrayLike
) -> FloatArray:
    """Straight-line book value left after the last month of the servers bought for each
    month (:func:`servers_bought`) [USD]: what cash financing charges beyond the months
    the servers were in use within the horizon.

    left = Σ_m bought_m · usd_per_server · max(0, D − (H − m + 1)) / D, with H the months
    counted and D the depreciation months: a server bought for month m serves H − m + 1
    of them.

    >>> float(owned_book_value_left([1.0] + [0.0] * 11, usd_per_server=12000.0,
    ...                             depreciation_months=36))
    8000.0
    >>> float(owned_book_value_left([1.0, 0.0, 1.0], usd_per_server=300.0,
    ...                             depreciation_months=3))
    200.0
    """
    b = as_float(bought)
    horizon = b.shape[-1]
    used = horizon - months(horizon) + 1.0
    d = per_sample(depreciation_months)
    left = np.maximum(d - used, 0.0) / d
    return as_float(np.sum(b * left, axis=-1) * as_float(usd_per_server))


OWNED_PARAMETERS = (
    "usd_per_server",
    "gpus_per_server",
    "kw_per_server",
    "usd_per_kwh",
    "pue",
    "colocation_usd_per_server_month",
    "depreciation_months",
)
"""The numbers of owned servers :func:`self_hosted_cost` takes (``owned``)."""


def self_hosted_cost(
    requests: ArrayLike,
    *,
    replica_requests_per_s: ArrayLike,
    target_utilization: ArrayLike,
    gpus_per_replica: ArrayLike,
    always_on: bool,
    peak_to_average: ArrayLike = 1.0,
    min_replicas: ArrayLike = 1.0,
    usd_per_gpu_hour: ArrayLike = 0.0,
    trend: ArrayLike = 1.0,
    owned: Mapping[str, ArrayLike] | None = None,
    cash: bool = False,
    term_months: int = 1,
) -> tuple[dict[str, FloatArray], FloatArray, dict[str, FloatArray]]:
    """The monthly cost of a self-hosted fleet serving ``requests``, by component; the
    GPUs in use each month (GPU-hours run (paid) / 730 when scaled to zero); and extras
    (``needed_gpus``: the GPUs each month needs, before a commitment reserves the most its
    term has needed, so ``gpus − needed_gpus`` are reserved but idle; ``traffic_gpus``: of
    those, the GPUs the traffic needs, so ``needed_gpus − traffic_gpus`` are kept by
    ``min_replicas`` alone; ``replicas`` of an always-on fleet; owned ``servers`` and
    ``at_start``, paid at t = 0).

    One implementation for the cost engine (parameters per sample) and for ``payback
    recommend`` (parameters per configuration): each parameter is a scalar or has the
    leading shape of ``requests`` without its month axis.

    - rented, always on: GPUs · 730 h · usd_per_gpu_hour · trend (``gpus``); a 1y/3y
      commitment (``term_months`` 12 or 36) pays for the GPUs it reserved, the most its
      term has needed so far (:func:`reserved_count`), and those are the GPUs returned
    - rented, scaled to zero: GPU-hours run · usd_per_gpu_hour · trend (``gpus``)
    - owned (always on; ``owned`` holds :data:`OWNED_PARAMETERS`): whole replicas in each
      server (:func:`servers_needed`), their facility each month (``facility``) and their
      price in cash or depreciated (``hardware``; ``at_start``)

    >>> parts, gpus, extra = self_hosted_cost([2_628_000.0], replica_requests_per_s=1.0,
    ...     target_utilization=1.0, gpus_per_replica=2, always_on=True, usd_per_gpu_hour=1.0)
    >>> parts["gpus"], gpus
    (array([1460.]), array([2.]))
    >>> _, gpus, extra = self_hosted_cost([5_256_000.0, 876_000.0], replica_requests_per_s=1.0,
    ...     target_utilization=1.0, gpus_per_replica=2, always_on=True, term_months=12)
    >>> gpus, extra["needed_gpus"]
    (array([4., 4.]), array([4., 2.]))
    >>> _, gpus, extra = self_hosted_cost([876_000.0], replica_requests_per_s=1.0,
    ...     target_utilization=1.0, gpus_per_replica=2, always_on=True, min_replicas=3)
    >>> gpus, extra["needed_gpus"], extra["traffic_gpus"]
    (array([6.]), array([6.]), array([2.]))
    """
    if not always_on:
        hours = scale_to_zero_gpu_hours(
            requests,
            replica_requests_per_s=replica_requests_per_s,
            target_utilization=target_utilization,
            gpus_per_replica=gpus_per_replica,
        )
        cost = hours * per_sample(usd_per_gpu_hour) * as_float(trend)
        gpus = hours / HOURS_PER_MONTH
        return {"gpus": cost}, gpus, {"needed_gpus": gpus, "traffic_gpus": gpus}
    traffic = traffic_replicas(
        requests,
        peak_to_average=peak_to_average,
        replica_requests_per_s=replica_requests_per_s,
        target_utilization=target_utilization,
    )
    replicas = np.maximum(per_sample(min_replicas), traffic)  # fleet_replicas
    needed_gpus = replicas * per_sample(gpus_per_replica)
    traffic_gpus = np.broadcast_to(traffic * per_sample(gpus_per_replica), needed_gpus.shape)
    if owned is None:
        replicas = reserved_count(replicas, term_months)
        gpus = replicas * per_sample(gpus_per_replica)
        cost = always_on_gpu_cost(gpus, usd_per_gpu_hour) * as_float(trend)
        extras = {"replicas": replicas, "needed_gpus": needed_gpus, "traffic_gpus": traffic_gpus}
        return {"gpus": cost}, gpus, extras
    gpus = needed_gpus
    servers = servers_needed(replicas, gpus_per_replica, owned["gpus_per_server"])
    facility = server_running_cost(
        servers,
        kw_per_server=owned["kw_per_server"],
        usd_per_kwh=owned["usd_per_kwh"],
        pue=owned["pue"],
        colocation_usd_per_server_month=owned["colocation_usd_per_server_month"],
    )
    at_start, hardware = owned_server_cost(
        servers,
        usd_per_server=owned["usd_per_server"],
        depreciation_months=owned["depreciation_months"] if not cash else 1.0,
        cash=cash,
    )
    return (
        {"hardware": hardware, "facility": facility},
        gpus,
        {
            "replicas": replicas,
            "servers": servers,
            "at_start": at_start,
            "needed_gpus": gpus,
            "traffic_gpus": traffic_gpus,
        },
    )
