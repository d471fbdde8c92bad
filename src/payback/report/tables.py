"""Terminal tables for catalogs and estimates (Rich renderables, no printing here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from rich import box
from rich.table import Table

from payback.catalog import Gpu, HostedFineTune, OpenModel, is_stale, typical_gpu_price


def _num(value: float | None, fmt: str = ",.0f") -> str:
    return "—" if value is None else format(value, fmt)


def gpus_table(gpus: Iterable[Gpu], today: dt.date) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        title="GPUs (dense peaks; typical = median on-demand rent, lower middle for an even count)",
        title_justify="left",
    )
    for name, justify in [
        ("id", "left"),
        ("memory GB", "right"),
        ("GB/s", "right"),
        ("BF16 TF", "right"),
        ("FP8 TF", "right"),
        ("INT8 TOPS", "right"),
        ("typical $/GPU-h", "right"),
        ("offers", "right"),
        ("checked", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for gpu in gpus:
        offer = typical_gpu_price(gpu)
        checked = offer.checked if offer else gpu.checked
        stale = " (stale)" if offer and is_stale(offer.checked, today) else ""
        table.add_row(
            gpu.id,
            _num(gpu.memory_gb),
            _num(gpu.memory_bandwidth_gb_s),
            _num(gpu.bf16_tflops),
            _num(gpu.fp8_tflops),
            _num(gpu.int8_tops),
            f"${offer.usd_per_gpu_hour:.2f} {offer.provider}" if offer else "—",
            str(len(gpu.prices)),
            f"{checked}{stale}",
        )
    return table


def models_table(models: Iterable[OpenModel]) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD, title="Open models (shapes from config.json)", title_justify="left"
    )
    for name in (
        "id",
        "params B",
        "layers",
        "hidden",
        "heads/kv",
        "head dim",
        "vocab",
        "tied",
        "context",
    ):
        table.add_column(name, justify="left" if name == "id" else "right")
    for m in models:
        table.add_row(
            m.id,
            f"{m.params_b:g}",
            str(m.layers),
            str(m.hidden_size),
            f"{m.heads}/{m.kv_heads}",
            str(m.head_dim),
            f"{m.vocab_size:,}",
            "yes" if m.tied_embeddings else "no",
            f"{m.max_context:,}",
        )
    return table


def finetunes_table(offers: Iterable[HostedFineTune]) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD, title="Hosted fine-tuning ($ per 1M tokens)", title_justify="left"
    )
    for name in ("id", "applies to", "train", "tuned in", "tuned out", "checked"):
        table.add_column(
            name, justify="left" if name in ("id", "applies to", "checked") else "right"
        )
    for o in offers:
        band = (
            o.base_model or f"{o.min_params_b or 0:g}-{o.max_params_b:g}B"
            if o.max_params_b
            else (o.base_model or "—")
        )
        table.add_row(
            o.id,
            f"{band} ({o.method})",
            f"{o.training_usd_per_mtok:g}",
            _num(o.input_usd_per_mtok, "g"),
            _num(o.output_usd_per_mtok, "g"),
            str(o.checked),
        )
    return table


def apis_table(prices: Iterable[Any]) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        title="API prices ($ per 1M tokens, genai-prices snapshot)",
        title_justify="left",
    )
    for name in ("ref", "input", "cached input", "output", "batch off"):
        table.add_column(name, justify="left" if name == "ref" else "right")
    for p in prices:
        table.add_row(
            p.ref,
            f"{p.input_usd_per_mtok:g}",
            _num(p.cached_input_usd_per_mtok, "g"),
            f"{p.output_usd_per_mtok:g}",
            "—" if p.batch_discount is None else f"{p.batch_discount:.0%}",
        )
    return table


def key_values(title: str, rows: Mapping[str, str]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows.items():
        table.add_row(key, value)
    return table
