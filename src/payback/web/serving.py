"""The inputs of a self-hosted alternative: its serving either from the catalog (GPU,
model, precision, engine, KV cache: capacity estimated, rent the catalog's) or typed
(rent, requests a second, GPUs a replica), and its fleet.

Only the inputs of the mode shown are in the scenario the page analyzes and downloads;
the other mode's values are set aside (:attr:`payback.web.state.Held.set_aside`) and
come back with it. Boxes a switch brings back the first time start from the numbers the
answer was using (the catalog's rent and estimate), so a switch alone moves nothing."""

from __future__ import annotations

from typing import Any

from payback.catalog import OpenModel, default_catalog, gpu_offer
from payback.errors import PaybackError
from payback.hardware.kv_cache import KV_CACHE_CHOICES
from payback.hardware.serving import ENGINE_NAMES
from payback.web.inputs import Form, answered_value, start
from payback.web.rent import RENT_FIELDS, pricing_kind, rent_input
from payback.web.state import central, get_path
from payback.web.words import markdown_literal

__all__ = ["ENGINES", "KV_CACHES", "PRECISIONS", "kv_cache_used", "self_hosted_inputs"]

PRECISIONS = ["bf16", "fp8", "int8", "int4", "mxfp4"]
ENGINES = list(ENGINE_NAMES)
"""Serving engines the estimate models, vLLM (the default) first."""
KV_CACHES = list(KV_CACHE_CHOICES)
"""KV-cache element types one may ask for, auto (the engine's default) first."""
CATALOG_FIELDS = ("gpu", "model", "precision", "engine", "kv_cache", *RENT_FIELDS)
"""What the catalog mode shows; the typed mode leaves them out (of a file typed, it keeps
the GPU and whose rent it pays)."""
SERVING_LABELS = {
    "gpu": "GPU",
    "model": "Model",
    "precision": "Precision",
    "engine": "Engine",
    "kv_cache": "KV cache",
}
"""The catalog mode's lists, by field: their labels."""
TYPED_FIELDS = ("usd_per_gpu_hour", "replica_requests_per_s", "gpus_per_replica")
"""What the typed mode shows; the catalog mode leaves them out (the estimate gives them)."""


def priced_gpus(form: Form, a: str) -> list[str]:
    """The catalog's GPUs the alternative can rent as its file prices them (its
    ``gpu_provider``, ``gpu_price`` and ``commitment``, as the page holds them): a GPU with
    marketplace offers only has no default rent. Every GPU where the alternative owns its
    servers (no rent)."""
    gpus = default_catalog().gpus
    if get_path(form.raw, f"{a}.owned") is not None:
        return list(gpus)
    provider = form.value(f"{a}.gpu_provider")
    price = form.value(f"{a}.gpu_price")
    kind = pricing_kind(price, form.value(f"{a}.commitment"))
    priced = []
    for name, gpu in gpus.items():
        try:
            offer = gpu_offer(gpu, provider, kind, price)
        except PaybackError:
            continue
        if offer is not None:
            priced.append(name)
    return priced


def _model_label(model: OpenModel) -> str:
    """A model in the picker: its id, and for a mixture of experts its active and total
    parameters (mxfp4 applies to its experts)."""
    if model.active_params_b is None:
        return model.id
    return f"{model.id} (MoE: {model.active_params_b:g}B of {model.params_b:g}B active)"


def _kept(form: Form, path: str, chosen: str, default: str) -> None:
    """Set ``path`` to the box's ``chosen`` value; the file's ``default`` left out stays
    left out."""
    left_out = chosen == default and get_path(form.raw, path) is None
    form.set(path, None if left_out else chosen)


def _kv_cache_label(choice: str) -> str:
    """A KV-cache choice in its picker: auto says it is the engine's default."""
    return "auto (the engine's default)" if choice == "auto" else choice


def kv_cache_used(serving: dict[str, Any]) -> str:
    """The KV cache a serving estimate kept (its ``to_dict()``), and why.

    >>> kv_cache_used({"kv_cache": "bf16", "kv_cache_reason": "vLLM's default for FP8 weights"})
    "Estimated with a BF16 KV cache (vLLM's default for FP8 weights)."
    >>> kv_cache_used({"kv_cache": "fp8", "kv_cache_reason": "as asked"})
    'Estimated with an FP8 KV cache (as asked).'
    """
    dtype = str(serving["kv_cache"]).upper()
    article = "an" if dtype.startswith("F") else "a"
    return f"Estimated with {article} {dtype} KV cache ({serving['kv_cache_reason']})."


def _catalog_inputs(form: Form, a: str) -> None:
    """A self-hosted alternative from the catalog: GPU, model, precision, engine and KV
    cache, two a row (a model id in a quarter of the column was cut), each started from
    the file's value."""
    st = form.ui

    catalog = default_catalog()
    models = list(catalog.models)
    aside = form.held.set_aside
    gpu = form.value(f"{a}.gpu") or aside.get(f"{a}.gpu") or "l4"
    model = form.value(f"{a}.model") or aside.get(f"{a}.model") or "qwen2.5-7b"
    precision = form.value(f"{a}.precision") or aside.get(f"{a}.precision") or "bf16"
    gpus = priced_gpus(form, a)
    if gpu not in gpus and gpu in catalog.gpus:  # the file's: kept, its error said
        gpus.insert(0, gpu)
    start(f"in:{a}.gpu", gpu if gpu in gpus else gpus[0])
    start(f"in:{a}.model", model if model in models else models[0])
    start(f"in:{a}.precision", precision if precision in PRECISIONS else PRECISIONS[0])
    engine = form.value(f"{a}.engine") or aside.get(f"{a}.engine") or "vllm"
    start(f"in:{a}.engine", engine if engine in ENGINES else ENGINES[0])
    cache = form.value(f"{a}.kv_cache") or aside.get(f"{a}.kv_cache") or "auto"
    start(f"in:{a}.kv_cache", cache if cache in KV_CACHES else KV_CACHES[0])
    c1, c2 = st.columns(2)
    c3, c4 = st.columns(2)
    c5, c6 = st.columns(2, vertical_alignment="center")
    with c1:
        form.set(f"{a}.gpu", st.selectbox("GPU", gpus, key=f"in:{a}.gpu"))
    with c2:
        form.set(
            f"{a}.model",
            st.selectbox(
                "Model",
                models,
                key=f"in:{a}.model",
                format_func=lambda m: _model_label(catalog.models[m]) if m in catalog.models else m,
            ),
        )
    with c3:
        chosen = st.selectbox("Precision", PRECISIONS, key=f"in:{a}.precision")
        _kept(form, f"{a}.precision", chosen, "bf16")  # the file's bf16 left out stays out
    with c4:
        served = st.selectbox("Engine", ENGINES, key=f"in:{a}.engine")
        _kept(form, f"{a}.engine", served, "vllm")  # the file's vllm left out stays out
    with c5:
        kept = st.selectbox(
            "KV cache",
            KV_CACHES,
            key=f"in:{a}.kv_cache",
            format_func=_kv_cache_label,
            help="The KV cache's element type: auto keeps the engine's default for the "
            "weights (vLLM and SGLang keep BF16 for FP8 weights, TensorRT-LLM FP8).",
        )
        _kept(form, f"{a}.kv_cache", kept, "auto")  # the file's auto left out stays out
    for name, label in SERVING_LABELS.items():  # a message about one names its list
        form.labels[f"{a}.{name}"] = label
    serving = form.estimates.get(a, {}).get("serving")
    if serving is not None:  # the answer's estimate: which cache it kept, and why
        c6.caption(markdown_literal(kv_cache_used(serving)))
    rent = st.container()  # the whole column: a choice and its rent read whole
    rent_input(form, a, catalog.gpus.get(str(form.value(f"{a}.gpu"))), rent, rent)


def _typed_inputs(form: Form, a: str, estimated: bool) -> None:
    """Typed rent (none for owned servers), capacity and GPUs a replica. A file opened with a catalog model has its
    catalog inputs left out (else its GPU would price a rent box left empty); a file typed
    keeps its own GPU (its catalog rent where no rent is typed), said under the boxes."""
    st = form.ui
    for name in CATALOG_FIELDS:
        path = f"{a}.{name}"
        form.set(path, None if estimated or name == "model" else central(get_path(form.raw, path)))
    gpu = form.held.value(f"{a}.gpu")
    rent = "not set: the catalog's rent for the GPU" if gpu else None
    if form.value(f"{a}.owned") is not None:  # owned servers pay no rent: no box for it
        form.set(f"{a}.usd_per_gpu_hour", None)
    else:
        form.number(
            f"{a}.usd_per_gpu_hour",
            default=answered_value(form, f"{a}.usd_per_gpu_hour", estimated),
            placeholder=rent,
        )
    form.number(
        f"{a}.replica_requests_per_s",
        default=answered_value(form, f"{a}.replica_requests_per_s", estimated),
        help="At your token lengths: measure it with a load test.",
    )
    form.number(
        f"{a}.gpus_per_replica",
        default=answered_value(form, f"{a}.gpus_per_replica", estimated),
        placeholder="not set: 1",
    )
    for name in TYPED_FIELDS:
        form.held.set_aside[f"{a}.{name}"] = form.held.value(f"{a}.{name}")
    if gpu:
        st.caption(markdown_literal(f"GPU from the file: {gpu}."))


def self_hosted_inputs(form: Form, a: str) -> None:
    """A self-hosted alternative: GPU, model and precision from the catalog (capacity
    estimated) or typed capacity and rent; its fleet."""
    st = form.ui

    modes = [
        "GPU and model from the catalog (capacity estimated)",
        "Capacity and price I type",
    ]
    estimated = (
        get_path(form.raw, f"{a}.model") is not None and get_path(form.raw, f"{a}.gpu") is not None
    )
    start(f"in:{a}.mode", modes[0 if estimated else 1])
    mode = st.radio("Serving", modes, key=f"in:{a}.mode")
    if mode == modes[0]:
        _catalog_inputs(form, a)
        for name in CATALOG_FIELDS:
            form.held.set_aside[f"{a}.{name}"] = form.held.value(f"{a}.{name}")
        for name in TYPED_FIELDS:
            path = f"{a}.{name}"
            if estimated and get_path(form.raw, path) is not None:
                # the file's own rent (or capacity, GPUs a replica) beside its catalog
                # GPU and model: used, so shown
                form.number(path, placeholder="not set: the catalog's or the estimate's")
            else:
                form.set(path, None)
    else:
        _typed_inputs(form, a, estimated)
    always = get_path(form.raw, f"{a}.always_on")
    start(f"in:{a}.always_on", bool(form.value(f"{a}.always_on", True)))
    on = st.checkbox(
        "Always on (off: scale to zero, pay only the GPU-hours it runs)",
        key=f"in:{a}.always_on",
    )
    form.set(f"{a}.always_on", None if on and always is None else on)
    if on:  # scaled to zero, no replica is kept on: the minimum, kept, comes back with it
        form.number(f"{a}.min_replicas")
    form.number(f"{a}.target_utilization")
