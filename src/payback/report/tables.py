"""Terminal tables for catalogs and estimates (Rich renderables, no printing here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table

from payback.catalog import (
    Gpu,
    HostedFineTune,
    OpenModel,
    gpu_offers,
    gpu_rent,
    is_stale,
    rent_range,
    rent_text,
)
from payback.figures import rate_text
from payback.report.fit import Fit, fit

if TYPE_CHECKING:
    from payback.hardware.calibration import Factors
    from payback.hardware.serving import ServingEngine


def _num(value: float | None, fmt: str = ",.0f") -> str:
    return "—" if value is None else format(value, fmt)


def _fitting(title: str, columns: list[tuple[str, str]], rows: list[list[str]]) -> Fit:
    """A catalog listing that never cuts an id nor a figure (:func:`~payback.report.fit.fit`):
    a table where every column fits at its full width, else each entry as its id on a line
    of its own and its figures below."""
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    return fit(table)


_KIND_MARK = {"hyperscaler": " (hyper)", "marketplace": " (market)"}
"""How a typical rent that is not a GPU cloud's is marked."""


def gpus_table(gpus: Iterable[Gpu], today: dt.date) -> Fit:
    rows = []
    for gpu in gpus:
        rent, offers = gpu_rent(gpu), gpu_offers(gpu)
        offer = rent.offer if rent else None
        if offer is None and offers:  # marketplace offers only: shown, never the default
            market = gpu_rent(gpu, price="marketplace")
            offer = market.offer if market else None
        checked = offer.checked if offer else gpu.checked
        stale = " (stale)" if offer and is_stale(offer.checked, today) else ""
        rows.append(
            [
                gpu.id,
                _num(gpu.memory_gb),
                _num(gpu.memory_bandwidth_gb_s),
                _num(gpu.bf16_tflops),
                _num(gpu.fp8_tflops),
                _num(gpu.int8_tops),
                (
                    f"{rent_text(offer.usd_per_gpu_hour)} {offer.provider}"
                    + _KIND_MARK.get(offer.provider_kind, "")
                    if offer
                    else "—"
                ),
                f"{len(offers)}"
                + (
                    f": {rent_range(offers[0].usd_per_gpu_hour, offers[-1].usd_per_gpu_hour)}"
                    if len(offers) > 1
                    else ""
                ),
                f"{checked}{stale}",
            ]
        )
    return _fitting(
        "GPUs (GB of memory, GB/s, dense peaks [TFLOP/s, TOP/s]; typical rent = median of GPU "
        "clouds' on-demand offers, lower middle for an even count, else hyperscalers' (hyper); "
        "a marketplace's (market) is shown when no one else rents the GPU, never used by "
        "default; on-demand = count and range of every on-demand offer)",
        [
            ("id", "left"),
            ("GB", "right"),
            ("GB/s", "right"),
            ("BF16", "right"),
            ("FP8", "right"),
            ("INT8", "right"),
            ("typical $/GPU-h", "right"),
            ("on-demand", "right"),
            ("checked", "left"),
        ],
        rows,
    )


def _attention(m: OpenModel) -> str:
    """The model's attention in a few characters: GQA, MLA's latent + rope widths, or the
    sliding window and how many layers use it."""
    if m.is_mla:
        return f"MLA {m.kv_lora_rank}+{m.qk_rope_head_dim}"
    if m.sliding_window:
        return f"SWA {m.sliding_window}×{m.sliding_layers}"
    return "MHA" if m.kv_heads == m.heads else "GQA"


def models_table(models: Iterable[OpenModel]) -> Fit:
    rows = []
    for m in models:
        experts = "—"
        if m.is_moe:
            experts = f"{m.experts_per_token}/{m.experts}" + (
                f"+{m.shared_experts}" if m.shared_experts else ""
            )
        rows.append(
            [
                m.id,
                f"{m.params_b:g}",
                f"{m.active_params_b:g}" if m.active_params_b else "—",
                experts,
                str(m.layers),
                f"{m.heads}/{m.kv_heads}",
                _attention(m),
                f"{m.max_context:,}",
            ]
        )
    names = ["id", "total B", "active B", "experts", "layers", "heads/kv", "attention", "context"]
    return _fitting(
        "Open models (shapes from config.json; active = parameters a token uses; "
        "experts = routed per token/routed+shared; SWA = sliding window × its layers)",
        [(n, "left" if n in ("id", "attention") else "right") for n in names],
        rows,
    )


def finetunes_table(offers: Iterable[HostedFineTune], today: dt.date | None = None) -> Fit:
    rows = []
    for o in offers:
        band = (
            o.base_model or f"{o.min_params_b or 0:g}-{o.max_params_b:g}B"
            if o.max_params_b
            else (o.base_model or "—")
        )
        stale = " (stale)" if is_stale(o.checked, today) else ""
        rows.append(
            [
                o.id,
                f"{band} ({o.method})",
                f"{o.training_usd_per_mtok:g}",
                "GPU-h" if o.tuned_serving == "dedicated" else _num(o.input_usd_per_mtok, "g"),
                "GPU-h" if o.tuned_serving == "dedicated" else _num(o.output_usd_per_mtok, "g"),
                f"{o.checked}{stale}",
            ]
        )
    names = ["id", "applies to", "train", "tuned in", "tuned out", "checked"]
    return _fitting(
        "Hosted fine-tuning ($ per 1M tokens; GPU-h = the tuned model runs on a dedicated "
        "deployment billed per GPU-hour)",
        [(n, "left" if n in ("id", "applies to", "checked") else "right") for n in names],
        rows,
    )


def engines_table(engines: Iterable[ServingEngine]) -> Fit:
    """The serving engines modelled, each with the figures its steps are estimated from: the
    fixed cost a decode step and a layer, the shares of peak bandwidth and tensor rate it
    reaches on a Hopper GPU, its limits on sequences and tokens a step (vLLM's larger ones
    on GPUs of 70 GiB or more other than the A100, in parentheses), the weight formats it
    serves and the GPU makers it runs on."""
    rows = []
    for e in engines:
        seqs, budget = f"{e.max_num_seqs:,}", "none (static batches)"
        if e.max_num_batched_tokens is not None:
            budget = f"{e.max_num_batched_tokens:,.0f}"
        if e.large_gpu_limits is not None:
            seqs += f" ({e.large_gpu_limits[0]:,})"
            budget += f" ({e.large_gpu_limits[1]:,.0f})"
        rows.append(
            [
                e.name,
                f"{e.step_overhead_s * 1e3:g} ms + {e.layer_overhead_s * 1e6:g} µs/layer",
                f"{e.bandwidth_efficiency:.1%}".replace(".0%", "%"),
                f"{e.prefill_mfu:.0%}",
                seqs,
                budget,
                " ".join(e.precisions),
                " ".join(e.vendors),
            ]
        )
    names = ["id", "per step", "bandwidth", "prefill", "sequences", "tokens a step"]
    return _fitting(
        "Serving engines (shares of a Hopper GPU's peaks; in parentheses, on GPUs of 70 GiB "
        "or more other than the A100)",
        [(n, "left" if n in ("id", "per step") else "right") for n in names]
        + [("formats", "left"), ("runs on", "left")],
        rows,
    )


def apis_table(prices: Iterable[Any]) -> Fit:
    rows = [
        [
            p.ref,
            f"{p.input_usd_per_mtok:g}",
            _num(p.cached_input_usd_per_mtok, "g"),
            f"{p.output_usd_per_mtok:g}",
            "—" if p.batch_discount is None else f"{rate_text(p.batch_discount)} off",
        ]
        for p in prices
    ]
    names = ["ref", "input", "cached input", "output", "batch"]
    return _fitting(
        "API prices ($ per 1M tokens, genai-prices snapshot)",
        [(n, "left" if n == "ref" else "right") for n in names],
        rows,
    )


def api_providers_table(summary: Iterable[Any]) -> Fit:
    """Hosted API providers: how many models each prices, and their price ranges."""

    def span(low: float, high: float) -> str:
        return f"{low:g}" if low == high else f"{low:g}-{high:g}"

    rows = [
        [
            s.provider,
            f"{s.models:,}",
            span(s.input_low, s.input_high),
            span(s.output_low, s.output_high),
        ]
        for s in summary
    ]
    return _fitting(
        "API providers ($ per 1M tokens, genai-prices snapshot)",
        [("provider", "left"), ("models", "right"), ("input", "right"), ("output", "right")],
        rows,
    )


def key_values(title: str, rows: Mapping[str, str]) -> Fit:
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")  # a long URL is wrapped, never cut with an ellipsis
    for key, value in rows.items():
        table.add_row(key, value)
    return fit(table)


def _ms(p: Any) -> str:
    if p is None:
        return "—"
    parts = [
        f"{name} {getattr(p, name):,.1f}"
        for name in ("p50", "p90", "p99")
        if getattr(p, name) is not None
    ]
    if not parts and p.mean is not None:
        parts = [f"mean {p.mean:,.1f}"]
    return ", ".join(parts) + " ms"


def benchmark_table(cal: Any, estimate: Any | None = None, closed: Any | None = None) -> Fit:
    """An imported serving benchmark (a :class:`payback.measure.calibration.Calibration`), and the
    estimate of the same run next to it when one was made: ``closed``, the estimate of a run
    at a fixed concurrency as that many clients in a closed loop
    (:class:`payback.hardware.estimate.ClosedLoopLatency`), is the one compared when given."""
    s = cal.serving
    rows = {
        "from": f"{cal.tool}: {cal.file}" + (f" ({cal.created})" if cal.created else ""),
        "model served": cal.served_model or "not named",
        "requests/s": f"{s.replica_requests_per_s:,.3f}",
        "output tokens/s": f"{s.output_tokens_per_s:,.0f}",
        "tokens per request": f"{s.input_tokens:,.0f} in, {s.output_tokens:,.0f} out (mean)",
        "load": (
            f"concurrency {s.concurrency}"
            if s.concurrency
            else f"{s.request_rate:g} requests/s offered"
            if s.request_rate
            else "all requests at once"
        )
        + (f"; {s.completed:,} requests" if s.completed else "")
        + (f" in {s.duration_s:,.1f} s" if s.completed and s.duration_s else ""),
        "time to first token": _ms(s.ttft_ms),
        "time per output token": _ms(s.tpot_ms),
        "gaps between streamed chunks (vLLM ITL)": _ms(s.itl_ms),
        "end-to-end latency": _ms(s.e2el_ms),
    }
    if estimate is not None:
        label = f"estimate ({estimate.model}, {estimate.gpus_per_replica} × {estimate.gpu}, {estimate.precision})"
        if closed is not None:
            rps = closed.requests_per_s
            run = f" over {s.completed:,} requests" if s.completed else ""
            rows[label] = (
                f"{rps:,.3f} requests/s with {closed.concurrency} clients in a closed loop{run} "
                f"({closed.running:,.1f} decoding at once), {closed.tpot_s * 1000:,.1f} ms/token, "
                f"first token after {closed.ttft_s * 1000:,.0f} ms (mean)"
            )
        else:
            rps = estimate.replica_requests_per_s
            load = "the benchmark's concurrency" if estimate.limited_by == "given" else "full load"
            rows[label] = (
                f"{rps:,.3f} requests/s at batch {estimate.batch} ({load}), "
                f"{estimate.tpot_ms:,.1f} ms/token"
            )
        rows["measured / estimated"] = f"{s.replica_requests_per_s / rps:.2f}"
    return key_values("Serving benchmark", rows)


def calibration_table(cal: Any) -> Fit:
    """What ``payback calibrate`` measured next to today's estimate of the same thing at
    the calibration's conditions, with the ratio.

    Today's estimate is made again through the functions the calibration used
    (:func:`payback.measure.estimates.estimated_now`), so a file read after the estimators
    changed shows what payback estimates now, never the figure it recorded then; where that
    recorded figure differs, it is shown beside, as the estimate when measured. Where the
    conditions cannot be made again (a CPU, a GPU the catalog lacks), the recorded
    estimate is shown, and the title says it is the one made when measured."""
    from payback.catalog import default_catalog
    from payback.measure.estimates import SAME, estimated_now

    m = cal.measured
    now = estimated_now(cal, default_catalog())
    rows: list[tuple[str, float | None, float | None, float | None, str]] = []
    if m is not None:
        rows.append(
            (
                f"training ({m.training_method}), tokens/s",
                m.training_tokens_per_s,
                m.training_estimated_tokens_per_s,
                now.training_tokens_per_s if now else None,
                ",.0f",
            )
        )
        rows.append(
            (
                f"prefill of {m.prefill_tokens} tokens, tokens/s",
                m.prefill_tokens_per_s,
                m.prefill_estimated_tokens_per_s,
                now.prefill_tokens_per_s if now else None,
                ",.0f",
            )
        )
        for i, point in enumerate(m.decode):
            rows.append(
                (
                    f"decode step, batch {point.batch}, context {point.context_tokens:,.0f}, ms",
                    point.measured_ms,
                    point.estimated_ms,
                    now.decode_ms[i] if now else None,
                    ",.2f",
                )
            )
    rows = [r for r in rows if r[1] is not None]
    when = cal.created[:10] if cal.created else "the day measured"
    then = [
        now is not None and r[2] is not None and abs(r[2] - (r[3] or 0.0)) > SAME * r[2]
        for r in rows
    ]
    title = f"Calibration of {cal.model} ({cal.precision}) on {cal.device}" + (
        f" (catalog {cal.gpu})" if cal.gpu else ""
    )
    if now is None:
        title += f"; estimated: as estimated when measured, on {when}"
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    columns = [("", "left"), ("measured", "right"), ("estimated", "right")]
    columns.append(("measured / estimated", "right"))
    if any(then):
        columns.append((f"estimated on {when}", "right"))
        table.caption = (
            f"estimated: payback's estimate today; estimated on {when}: the one the file "
            "recorded when measured, by an earlier payback"
        )
        table.caption_justify = "left"
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for (label, measured, recorded, today, fmt), stale in zip(rows, then, strict=True):
        estimated = today if now is not None else recorded
        ratio = f"{measured / estimated:.2f}" if measured and estimated else "—"
        cells = [label, format(measured, fmt), _num(estimated, fmt), ratio]
        if any(then):
            cells.append(_num(recorded, fmt) if stale else "same")
        table.add_row(*cells)
    return fit(table)


# -- calibration factors ---------------------------------------------------------


def factor_rows(factors: Factors, defaults: ServingEngine | None = None) -> dict[str, str]:
    """The factors next to the defaults they replace (vLLM's if none given), one row each,
    every figure to three significant digits
    (:func:`payback.measure.apply.factor_text`)."""
    from payback.hardware.serving import VLLM
    from payback.measure.apply import factor_text

    f, d, rows = factors, defaults or VLLM, {}
    if f.bandwidth_efficiency is not None:
        rows["bandwidth efficiency (decode)"] = (
            f"{factor_text(f.bandwidth_efficiency)} (default {factor_text(d.bandwidth_efficiency)})"
        )
    if f.step_overhead_s is not None:
        layer = f.layer_overhead_s or 0.0
        rows["overhead per decode step"] = (
            f"{factor_text(f.step_overhead_s * 1e3)} ms + {factor_text(layer * 1e6)} µs per layer "
            f"(default {factor_text(d.step_overhead_s * 1e3)} ms + "
            f"{factor_text(d.layer_overhead_s * 1e6)} µs)"
        )
    if f.prefill_mfu is not None:
        rows["prefill utilization (MFU)"] = (
            f"{factor_text(f.prefill_mfu)} (default {factor_text(d.prefill_mfu)})"
        )
    if f.training_mfu_ratio is not None:
        rows[f"training ({f.training_method}) utilization"] = (
            f"× {factor_text(f.training_mfu_ratio)} of the estimate's"
        )
    return rows
