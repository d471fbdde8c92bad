"""Published measurements against what payback predicts: serving and fine-tuning.

Each row names the measurement's engine, hardware, parallelism, precision, token lengths
and batch, the figure published and its source; ``predicted`` is
:func:`payback.estimate_serving` or :func:`payback.estimate_training` at the same
conditions. Rows are compared like with like: per GPU or per replica as the source
reports, output tokens (not total), a static batch as a given batch, a maximum-load run
at the engine's own limits, latency as its inverse (so a ratio above 1 is optimistic
everywhere). ``fit`` marks the rows a factor was set from (the factor's docstring says
which); the summary gives the error on all rows and on the others.

``python benchmarks/accuracy.py`` prints the generated part of docs/accuracy.md;
``--write`` puts it between the markers (a test keeps the two equal).
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from payback import estimate_serving, estimate_training
from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware import training as tr
from payback.hardware.estimate import (
    DECODE_ONLY,
    gpu_family,
    serving_at_concurrency,
    serving_shape,
)
from payback.measure.calibration import Calibration, load_calibration

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "accuracy.md"
OWN = [
    *sorted((ROOT / "benchmarks" / "measured").glob("*.toml")),
    *sorted((ROOT / "examples" / "calibrations").glob("*.toml")),
]
"""Our own measurements: ``payback calibrate`` on one H200 (benchmarks/gpu_accuracy.sh
and, bundled as examples, two earlier calibrations)."""
OWN_FIT = {"h200-llama-3.1-8b-lora.toml"}
"""The own measurement a factor was set from: the lean engine's overheads and bandwidth
share (:data:`payback.hardware.serving.LEAN`)."""
START, END = "<!-- accuracy:start -->", "<!-- accuracy:end -->"

SERVING_GOAL = (0.10, 0.30)
"""Serving: median |error| at most 10%, none beyond ±30%."""
TRAINING_GOAL = (0.15, 0.35)
"""Training: median |error| at most 15%, none beyond ±35%."""

TRT_STATIC = dataclasses.replace(
    sv.TRTLLM,
    max_num_batched_tokens=None,
    grouped_kv_reuse=False,
    kv_bandwidth_efficiency=sv.TRTLLM.bandwidth_efficiency,
)
"""TensorRT-LLM v0.5/v0.6's gptSessionBenchmark: a static batch, prefilled, then decoded,
its KV cache one contiguous buffer (the page's build commands set no
``--paged_kv_cache``), read as fast as the weights; its grouped-query attention kernels
(XQA) were experimental and off by default (``TRTLLM_ENABLE_XQA``, the same page), so a
grouped-query cache was read once per query head."""

TRT_DOC = (
    "NVIDIA/TensorRT-LLM docs/source/performance.md (v0.6.1 throughput, v0.5 L40S and "
    "first-token latency; commit 77d24b5), gptSessionBenchmark static batches"
)
TRT_BENCH = (
    "NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md (v1.0, commit 00f3768), "
    "trtllm-bench throughput at max load, output tok/s"
)
TRT_MOE = (
    "NVIDIA/TensorRT-LLM docs/source/developer-guide/perf-overview.md, trtllm-bench "
    "throughput at max load, output tok/s per GPU"
)
DSTACK = (
    "dstack 'DeepSeek R1 inference performance: MI300X vs. H200' (2025-03-18, "
    "dstackai/dstack docs/blog/posts/h200-mi300x-deepskeek-benchmark.md), online, output tok/s"
)
RTX4090_VLLM = (
    "mushfiqrahman.dev 'Benchmarking Mistral-7B on RTX 4090: vLLM Concurrency, Latency, and "
    "Capacity Planning', part 1 (300 prompts at an unbounded rate), output tok/s"
)
NEMO = (
    "NVIDIA/NeMo docs/source/performance/performance_summary.md (NeMo 24.07, DGX-H100, FP8; "
    "commit 070a0bb), tokens/s per GPU"
)
AUTOMODEL = (
    "NVIDIA-NeMo/Automodel docs/performance-summary.md (2025-10-02, DGX-H100, BF16, "
    "seq 4096), tokens/s per GPU"
)
LMSYS_GPT_OSS = (
    "LMSYS blog 'SGLang for gpt-oss: From Day 0 Support to Enhanced Performance' "
    "(https://lmsys.org/blog/2025-08-27-gpt-oss), 'Low-Latency Performance (Batch Size = 1)'; "
    "commands in sgl-project/sglang benchmark/gpt_oss/README.md (commit 5d2c83e; SGLang v0.5.1.post3, "
    "bench_one_batch_server --batch-size 1 --input-len 1024 --output-len 512), decode tok/s"
)
TRT_DSR1_B200 = (
    "NVIDIA/TensorRT-LLM docs/source/blogs/tech_blog/blog1_Pushing_Latency_Boundaries_"
    "Optimizing_DeepSeek-R1_Performance_on_NVIDIA_B200_GPUs.md (commit 01c4ece), "
    "'Autoregressive MTP Layers' table, 'Without MTP' row, TPS/user"
)
WMX_L4 = (
    "https://ai.wmx.dev/benchmarks (serving/raw-vllm baseline, commit 8e78aaa: vLLM v0.23.0 V1, "
    "1 × L4 on GKE g2-standard-4, --gpu-memory-utilization 0.6 --max-model-len 8192, "
    "vllm bench serve closed loop at fixed max-concurrency, --ignore-eos, seed 42)"
)
SUROGATE = (
    "invergent-ai/surogate benchmarks/speed.md (commit 1097702), 'Unsloth BF16' (LoRA) and "
    "'Unsloth NF4' (QLoRA) columns: LoRA rank 16 on q/k/v/o/gate/up/down, seq 2048 packed, "
    "batch 2 × 4 accumulation, tokens/s on one GPU"
)


LATENCIES = ("ttft", "itl")
"""Metrics that are times (their ratio is inverted so that above 1 is optimistic)."""
METRIC_NAMES = {
    "out/gpu": "output tok/s per GPU",
    "out": "output tok/s",
    "ttft": "TTFT ms",
    "user": "decode tok/s per sequence",
    "itl": "inter-token ms",
    "req": "requests/s",
}


@dataclass(frozen=True)
class ServingRow:
    model: str
    gpu: str
    gpus: int
    precision: str
    input_tokens: int
    output_tokens: int
    published: float
    metric: str
    """``out/gpu`` output tok/s per GPU, ``out`` per replica, ``ttft`` first-token ms,
    ``user`` decode tok/s of one sequence (first token excluded), ``itl`` the time between
    its output tokens [ms], ``req`` requests/s of a replica."""
    conditions: str
    source: str
    batch: int | None = None
    engine: sv.ServingEngine = sv.TRTLLM
    fit: bool = False
    concurrency: int | None = None
    """Clients of a closed loop (each sends its next request when the last ends): modelled
    by :func:`~payback.hardware.estimate.latency_at_concurrency`, not as a batch."""
    requests: int | None = None
    """Requests in the closed loop's whole run, when the figure is the run's average
    (every client's first request sent at once); None for a steady state."""

    def predicted(self) -> float:
        catalog = default_catalog()
        if self.concurrency is not None:
            loop = serving_at_concurrency(
                catalog.model(self.model),
                catalog.gpu(self.gpu),
                self.precision,
                concurrency=self.concurrency,
                input_tokens=self.input_tokens,
                output_tokens=self.output_tokens,
                gpus_per_replica=self.gpus,
                engine=self.engine,
                requests=self.requests,
            )
            return loop.requests_per_s * self.output_tokens
        result = estimate_serving(
            catalog.model(self.model),
            catalog.gpu(self.gpu),
            self.precision,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            gpus_per_replica=self.gpus,
            batch=self.batch,
            engine=self.engine,
        )
        if self.metric == "ttft":
            return result.ttft_ms
        # a sequence's own decode speed: the time per output token at the run's load (its
        # batch full, the next prompts riding on the others' steps), not the decode step
        # without them
        per_sequence = 1000.0 / result.tpot_ms
        if self.metric == "user":
            return per_sequence
        if self.metric == "itl":
            return 1000.0 / per_sequence
        if self.metric == "req":
            return result.replica_requests_per_s
        total = result.output_tokens_per_s
        return total / self.gpus if self.metric == "out/gpu" else total

    def ratio(self) -> float:
        """Predicted speed over published speed (latencies inverted)."""
        p = self.predicted()
        return self.published / p if self.metric in LATENCIES else p / self.published


@dataclass(frozen=True)
class TrainingRow:
    model: str
    gpu: str
    gpus: int
    method: str
    precision: str
    stack: str
    published: float
    conditions: str
    source: str
    fit: bool = False

    def predicted(self) -> float:
        catalog = default_catalog()
        return estimate_training(
            catalog.model(self.model),
            catalog.gpu(self.gpu),
            self.method,
            tokens=1e10,
            precision=self.precision,
            stack=self.stack,
            gpus=self.gpus,
        ).tokens_per_s_per_gpu

    def ratio(self) -> float:
        return self.predicted() / self.published


def _trt_static(
    model: str,
    gpu: str,
    gpus: int,
    precision: str,
    batch: int,
    io: tuple[int, int],
    published: float,
) -> ServingRow:
    return ServingRow(
        model,
        gpu,
        gpus,
        precision,
        io[0],
        io[1],
        published,
        "out/gpu",
        f"TP{gpus}, static batch {batch}",
        TRT_DOC,
        batch=batch,
        engine=_trt_cache(precision),
    )


def _trt_cache(precision: str) -> sv.ServingEngine:
    """TRT_STATIC with the cache the page built: its FP8 engines pass ``--fp8_kv_cache``
    (an FP8 cache, as TensorRT-LLM's default for FP8 weights also gives), the others keep
    FP16."""
    return dataclasses.replace(TRT_STATIC, kv_cache="fp8" if precision == "fp8" else "bf16")


def _trt_ttft(
    model: str, gpu: str, gpus: int, precision: str, published: float, fit: bool = False
) -> ServingRow:
    fit = fit or (precision == "fp8" and gpu == "h100-sxm")
    return ServingRow(
        model,
        gpu,
        gpus,
        precision,
        2048,
        1,
        published,
        "ttft",
        f"TP{gpus}, batch 1, first-token latency",
        TRT_DOC,
        batch=1,
        engine=_trt_cache(precision),
        fit=fit,
    )


NIM_70B = (
    "NVIDIA NIM benchmarking guide, Performance (docs.nvidia.com/nim/benchmarking/llm/1.0.0/"
    "performance): Llama-3.3-70B-Instruct NIM 1.8.0 on 2 × H100 80GB, FP8, TP2, AIPerf at a "
    "fixed concurrency; TTFT, ITL and output tokens/s"
)
RTX4090_LOAD = (
    "mushfiqrahman.dev 'Benchmarking Mistral-7B on RTX 4090: vLLM Concurrency, Latency, and "
    "Capacity Planning', part 1: 300 prompts, vllm bench serve --max-concurrency; req/s, "
    "output tok/s, mean TTFT"
)

LOOP_WORDS = (
    "a closed loop for 30 (A, D) or 15 (C, F) minutes, sampled at each minute's end (29 or 14 "
    "samples: the loop ends before its last minute's); the samples after the suite's warm-up "
    "minutes (suite.json warmup_minutes: 2 for A and D, 1 for C and F) kept, not the "
    "harness's is_warmup flag, which loadgen/loadgen.py sets only while elapsed < "
    "warmup_minutes × 60 s at the sample, so that it drops the first minute of A and D and "
    "none of C and F; requests completed a minute and output tokens/s their means over those "
    "minutes, the first token the median of their medians (benchmarks/accelmark_sustained.toml, "
    "minute by minute)"
)
"""How every AccelMark closed loop (L14-L46) is counted, the same for all
(:func:`sustained_minutes`)."""
ACCELMARK = (
    "FreedomIntelligence/AccelMark (commit 5797fc4) results/verified/"
    "nvidia_a100_sxm4_80gbx1_suite_{A,C,D,F}_nvidia_vllm020_0f6c56e4_*/sustained/result.json "
    "(suite C under bf16/): vLLM 0.20.1 (V1 engine, AsyncLLMEngine in process, no HTTP "
    "server), 1 × A100 SXM4 80GB, BF16, TP1, greedy, chat template; " + LOOP_WORDS
)
SUSTAINED = tomllib.loads(
    (ROOT / "benchmarks" / "accelmark_sustained.toml").read_text(encoding="utf-8")
)
"""AccelMark's sustained runs minute by minute, by the run's directory name: the suite's
warm-up minutes, the harness's flags and figure, and each sample's requests completed,
output tokens/s and median first token."""


@dataclass(frozen=True)
class Minutes:
    """A sustained run's figures over the minutes kept (:func:`sustained_minutes`)."""

    requests_per_min: float
    tokens_s: float
    ttft_ms: float
    kept: int


def sustained_minutes(run: str) -> Minutes:
    """The one AccelMark run whose directory name starts with ``run``, counted from the
    sample after its suite's warm-up minutes (sample 2 of suites C and F, 3 of A and D):
    the mean requests a minute and output tokens/s, and the median of the samples' median
    first tokens."""
    (name,) = [n for n in SUSTAINED if n.startswith(run)]
    record = SUSTAINED[name]
    skip = record["warmup_minutes"]
    requests, tokens, ttft = (record[k][skip:] for k in ("requests", "tokens_s", "ttft_p50_ms"))
    return Minutes(
        statistics.fmean(requests),
        statistics.fmean(tokens),
        statistics.median(ttft),
        len(requests),
    )


ACCELMARK_ONLINE = (
    "FreedomIntelligence/AccelMark (commit 5797fc4) results/verified/"
    "nvidia_a100_sxm4_80gbx1_suite_{A,C,F}_nvidia_vllm020_0f6c56e4_*/online/result.json "
    "(suite C under bf16/): the same engine and GPU; 300 requests arriving as a Poisson "
    "stream (loadgen/loadgen.py: random.expovariate at the target rate); median TTFT and "
    "median time per output token, (e2e − TTFT) / (O − 1) a request"
)

ACCELMARK_INTERACTIVE = (
    "FreedomIntelligence/AccelMark (commit 5797fc4) results/verified/"
    "nvidia_a100_sxm4_80gbx1_suite_{A,F}_nvidia_vllm020_0f6c56e4_*/interactive/result.json: "
    "vLLM 0.20.1 (AsyncLLMEngine in process), 1 × A100 SXM4 80GB, BF16, TP1, greedy, one "
    "request at a time; median time per output token"
)

ACCELMARK_INTERACTIVE_TTFT = ACCELMARK_INTERACTIVE.replace(
    "median time per output token",
    "median time to the first token, timed from the call to AsyncLLMEngine.generate with the "
    "templated text (runners/nvidia_vllm020_0f6c56e4/runner.py): tokenization, the engine "
    "and the output path",
)

ACCELMARK_LONG = (
    "FreedomIntelligence/AccelMark (commit 5797fc4) results/verified/{run}/result.json: suite "
    "D (suites/suite_D/suite.json), Llama-3.1-8B-Instruct, BF16, TP1, prompts of "
    "28,245-29,210 tokens (p25-p75; median 28,650) and 256 out, {engine}, one request at a "
    "time (interactive); median {metric}"
)


def _long(run: str, engine: str, metric: str = "time to the first token") -> str:
    return ACCELMARK_LONG.format(run=run, engine=engine, metric=metric)


LONG_V1 = "vLLM 0.20.1 (V1 engine, AsyncLLMEngine in process; prompts chunked)"
LONG_V1_19 = "vLLM 0.19.1rc1 (V1 engine, AsyncLLMEngine in process; prompts chunked)"
LONG_V0_RUNS = (
    "nvidia_{a100_sxm4_80gb,a100_sxm4_40gb,rtx_a6000,h100_80gb_hbm3,h200,"
    "rtx_6000_ada_generation}x1_suite_D_nvidia_vllm_47f5d58e_*"
)
LONG_PROMPT = 28_680
"""Suite D's median prompt, 28,650 tokens, and about 30 of Llama 3.1's chat template."""
LONG_V0 = (
    "vLLM 0.7.3 (V0 engine, AsyncLLMEngine in process: chunked prefill off below 32K of "
    "context, so the whole prompt in one step)"
)
LONG_V0_SOURCE = _long(LONG_V0_RUNS, LONG_V0)
ACCELMARK_LONG_OFFLINE = (
    "FreedomIntelligence/AccelMark (commit 5797fc4) results/verified/"
    "nvidia_a100_sxm4_80gbx1_suite_D_nvidia_vllm020_0f6c56e4_43e96189/offline/result.json: "
    "suite D's 50 prompts (28,650 tokens median, 256 out) sent at once to vLLM 0.20.1's LLM "
    "class (runners/nvidia_vllm020_0f6c56e4/runner.py: max_num_seqs 512; the token budget "
    "vLLM's default for the LLM class on an A100, 8,192, vllm/engine/arg_utils.py), 196.5 s "
    "a run; output tok/s (65.15 and 65.12 at the suite's two client settings)"
)

ACCELMARK_SGLANG_LONG = (
    "FreedomIntelligence/AccelMark (refs/pull/54/head, commit a2ec8f6; community results, "
    "not merged into the verified set) results/community/{run}/interactive/result.json: "
    "suite D (suites/suite_D/suite.json), Llama-3.1-8B-Instruct, BF16, TP1, prompts of "
    "28,245-29,210 tokens (p25-p75; median 28,650) and 256 out, SGLang 0.5.6 "
    "(runners/nvidia_sglang_c43a8309/runner.py: sgl.Engine in process, CUDA graphs, "
    "mem_fraction_static 0.88), one request at a time (interactive, 2 runs); median {metric}"
)


def _sglang_long(gpu: str, run: str, ttft: float, tpot: float, card: str) -> list[ServingRow]:
    """Suite D on SGLang 0.5.6, one prompt at a time: its first token and time per token."""
    return [
        ServingRow(
            "llama-3.1-8b",
            gpu,
            1,
            "bf16",
            LONG_PROMPT,
            256,
            published,
            metric,
            f"{card}, SGLang 0.5.6 (prompts chunked), the suite D prompts one at a time, "
            f"median {label}",
            ACCELMARK_SGLANG_LONG.format(run=run, metric=what),
            batch=1,
            engine=sv.SGLANG,
        )
        for published, metric, label, what in (
            (ttft, "ttft", "TTFT", "time to the first token"),
            (tpot, "itl", "TPOT", "time per output token"),
        )
    ]


LOAD_GOAL = {"tpot": 0.06, "e2e": 0.06, "ttft": 0.15, "capacity": 0.10}
"""Under load: time per output token and end-to-end latency within 6% mean absolute
error on every GPU family, time to the first token within 15%, capacity within 10% of the
highest load served."""


V0_GROUP = "vLLM 0.7.3 (V0)"
"""The family tables' label for rows of vLLM's V0 engine: an engine payback does not offer
(its host time a sequence and step is not modelled), held apart from the goal."""


V0_APART = (
    "none: an engine payback does not offer, its host time a sequence not modelled "
    '(L18-L34 under "Where the goal is missed")'
)


def _group(gpu: str, engine: sv.ServingEngine) -> str:
    """A row's line in the family tables: its GPU family, and the V0 engine's rows apart."""
    family = gpu_family(default_catalog().gpu(gpu))
    return f"{family}, {V0_GROUP}" if engine.name == "vllm-v0" else family


@dataclass(frozen=True)
class LoadRow:
    """A closed-loop run at a fixed concurrency: what was measured, and what
    :func:`~payback.hardware.estimate.serving_at_concurrency` predicts at the same clients.
    Latencies the source does not print are derived from what it does (``derived``):
    e2e = TTFT + (O − 1) · ITL, or, for a closed loop, e2e = clients / requests per second
    (Little's law) and TPOT = (e2e − TTFT) / (O − 1)."""

    model: str
    gpu: str
    gpus: int
    precision: str
    engine: sv.ServingEngine
    input_tokens: int
    output_tokens: int
    concurrency: int
    ttft_ms: float
    tpot_ms: float
    e2e_ms: float
    output_tokens_per_s: float
    conditions: str
    source: str
    requests: int | None = None
    """Requests in the whole run when the figures are the run's averages (a benchmark of
    that many prompts, every client's first one sent at once); None for a steady state."""
    derived_tpot: bool = False
    """The TPOT is derived as (e2e − TTFT) / (O − 1) from the other figures; the
    prediction is then derived the same way from its own."""

    def predicted(self) -> tuple[float, float, float, float]:
        """TTFT, TPOT and e2e [ms] and output tokens/s at this concurrency."""
        catalog = default_catalog()
        loop = serving_at_concurrency(
            catalog.model(self.model),
            catalog.gpu(self.gpu),
            self.precision,
            concurrency=self.concurrency,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            gpus_per_replica=self.gpus,
            engine=self.engine,
            requests=self.requests,
        )
        tpot = loop.tpot_s
        if self.derived_tpot:
            tpot = (loop.e2e_s - loop.ttft_s) / (self.output_tokens - 1)
        return (
            loop.ttft_s * 1e3,
            tpot * 1e3,
            loop.e2e_s * 1e3,
            loop.requests_per_s * self.output_tokens,
        )

    def capacity(self) -> float:
        """The estimate's output tokens/s at full load for these lengths."""
        catalog = default_catalog()
        return estimate_serving(
            catalog.model(self.model),
            catalog.gpu(self.gpu),
            self.precision,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            gpus_per_replica=self.gpus,
            engine=self.engine,
        ).output_tokens_per_s

    def family(self) -> str:
        """The GPU family, apart for an engine payback does not offer (:func:`_group`)."""
        return _group(self.gpu, self.engine)


def _nim(concurrency: int, ttft: float, itl: float, tokens_s: float) -> LoadRow:
    return LoadRow(
        "llama-3.3-70b",
        "h100-sxm",
        2,
        "fp8",
        sv.TRTLLM,
        5000,
        500,
        concurrency,
        ttft,
        itl,
        ttft + 499 * itl,
        tokens_s,
        "NIM 1.8.0 (TensorRT-LLM), e2e = TTFT + 499 · ITL",
        NIM_70B,
    )


def _rtx(concurrency: int, requests_s: float, tokens_s: float, ttft: float) -> LoadRow:
    out = round(tokens_s / requests_s)
    e2e = concurrency / requests_s * 1e3
    return LoadRow(
        "mistral-7b",
        "rtx-4090",
        1,
        "bf16",
        sv.VLLM,
        256,
        out,
        concurrency,
        ttft,
        (e2e - ttft) / (out - 1),
        e2e,
        tokens_s,
        f"{out} tokens out on average (tok/s ÷ req/s); e2e = clients ÷ req/s, "
        "TPOT = (e2e − TTFT) / (O − 1); averages over a run of 300 requests",
        RTX4090_LOAD,
        requests=300,
        derived_tpot=True,
    )


def _accelmark(
    model: str,
    template: int,
    prompts: tuple[int, float],
    clients: int,
    run: str,
    note: str,
) -> LoadRow:
    """A sustained closed loop of AccelMark, ``run`` (:func:`sustained_minutes`): its
    requests completed a minute and output tokens/s (means over the minutes kept) and first
    token; ``prompts`` how many of the dataset's prompts it cycles and their mean
    ``input_tokens``, to which the chat template adds ``template`` tokens."""
    loop = sustained_minutes(run)
    tokens_s, ttft = loop.tokens_s, loop.ttft_ms
    requests_s = loop.requests_per_min / 60.0
    out = round(tokens_s / requests_s)
    e2e = clients / requests_s * 1e3
    count, mean_in = prompts
    return LoadRow(
        model,
        "a100-80gb",
        1,
        "bf16",
        sv.VLLM,
        round(mean_in + template),
        out,
        clients,
        ttft,
        (e2e - ttft) / (out - 1),
        e2e,
        tokens_s,
        f"{note}, vLLM 0.20.1; the first {count} prompts, {mean_in:,.1f} tokens on average plus about "
        f"{template} of chat template; {out} tokens out on average (tok/s ÷ req/s), EOS or "
        f"a cap; e2e = clients ÷ req/s, TPOT = (e2e − TTFT) / (O − 1); TTFT the median of "
        "the minutes' medians",
        ACCELMARK,
        derived_tpot=True,
    )


def _accelmark_long() -> LoadRow:
    """Suite D's sustained closed loop: 8 clients of 28,650-token prompts and 256-token
    outputs (every one: 256 × the requests is the tokens out) for 30 minutes, the 27
    one-minute samples after the suite's 2 warm-up minutes kept (:func:`sustained_minutes`:
    13.78 requests a minute and 58.79 output tokens/s on average, the median of the
    minutes' median first tokens 5,593 ms)."""
    loop = sustained_minutes("nvidia_a100_sxm4_80gbx1_suite_D_nvidia_vllm020_0f6c56e4")
    requests_s = loop.requests_per_min / 60.0
    e2e = 8 / requests_s * 1e3
    return LoadRow(
        "llama-3.1-8b",
        "a100-80gb",
        1,
        "bf16",
        sv.VLLM,
        LONG_PROMPT,
        256,
        8,
        loop.ttft_ms,
        (e2e - loop.ttft_ms) / 255,
        e2e,
        loop.tokens_s,
        "Llama-3.1-8B-Instruct, suite D, vLLM 0.20.1; prompts of 28,650 tokens (median) plus "
        "about 30 of chat template, 256 tokens out; e2e = clients ÷ req/s, TPOT = (e2e − "
        "TTFT) / (O − 1); TTFT the median of the minutes' medians",
        ACCELMARK,
        derived_tpot=True,
    )


VLLM_V0 = dataclasses.replace(
    sv.VLLM,
    name="vllm-v0",
    max_num_batched_tokens=None,
    large_gpu_limits=None,
    prefill_pauses_decode=True,
)
"""vLLM 0.7.3's V0 engine as AccelMark's runner starts it (runners/nvidia_vllm_47f5d58e/
runner.py: ``AsyncEngineArgs`` with ``max_model_len`` 4,096 and ``gpu_memory_utilization``
0.9, CUDA graphs on, no ``max_num_seqs``): V0's defaults, 256 sequences, and chunked
prefill off below 32K of context (vllm/engine/arg_utils.py 0.7.3), so waiting prompts go
first, each in a step of its own while decoding waits (``Scheduler._schedule_default``):
payback's engine without mixed steps, named apart (``vllm-v0``) so that the cautions about
payback's ``vllm`` (V1) do not take these rows. Its costs a step and a request are vLLM
V1's, as payback has them; nothing is set from these runs."""

ACCELMARK_V0 = (
    "FreedomIntelligence/AccelMark (commit 5797fc4) results/verified/"
    "nvidia_{h100_80gb_hbm3,h200,geforce_rtx_4090,rtx_6000_ada_generation,a100_sxm4_40gb,"
    "a100_sxm4_80gb}x1_"
    "suite_{A,C,F}_nvidia_vllm_47f5d58e_*/sustained/result.json (suite C under bf16/): vLLM "
    "0.7.3 (V0 engine, AsyncLLMEngine in process, no HTTP server; chunked prefill off, 256 "
    "sequences), 1 GPU, BF16, TP1, greedy, chat template; " + LOOP_WORDS
)
ACCELMARK_V0_ONLINE = ACCELMARK_V0.replace("sustained/result.json", "online/result.json").replace(
    LOOP_WORDS,
    "300 requests arriving as a Poisson stream at each target rate; median TTFT and median "
    "time per output token, (e2e − TTFT) / (O − 1) a request",
)

V0_SUITES = {
    "A": ("llama-3.1-8b", 10, (100, 245.4), 8, "Meta-Llama-3-8B-Instruct, suite A"),
    "C": ("llama-3.1-8b", 34, (100, 245.4), 8, "Llama-3.1-8B-Instruct, suite C"),
    "F": ("qwen2.5-0.5b", 30, (200, 74.2), 32, "Qwen2.5-0.5B-Instruct, suite F"),
}
"""AccelMark's suites as the A100 rows read them (:func:`_accelmark`): the model, the chat
template's tokens, the prompts the closed loop cycles and their mean, and its clients."""


CARD_CHIP = {
    "H100 80GB HBM3": "h100_80gb_hbm3",
    "H200": "h200",
    "RTX 4090": "geforce_rtx_4090",
    "RTX 6000 Ada": "rtx_6000_ada_generation",
    "A100 SXM4 40GB": "a100_sxm4_40gb",
    "A100 SXM4 80GB": "a100_sxm4_80gb",
    "RTX A6000": "rtx_a6000",
    "RTX 5090": "geforce_rtx_5090",
}
"""The chip in the name of AccelMark's runs on each card the rows name."""


def _loop_minutes(card: str, suite: str, impl: str) -> Minutes:
    """AccelMark's sustained run of ``suite`` on ``card`` by ``impl`` (its runner's name)."""
    return sustained_minutes(f"nvidia_{CARD_CHIP[card]}x1_suite_{suite}_{impl}_")


def loop_output(card: str, suite: str, impl: str) -> int:
    """The closed loop's mean output tokens a request: its tok/s ÷ its req/s."""
    loop = _loop_minutes(card, suite, impl)
    return round(loop.tokens_s / (loop.requests_per_min / 60.0))


def _accelmark_loop(
    gpu: str,
    suite: str,
    run: tuple[str, str],
    engine: sv.ServingEngine,
    words: tuple[str, str],
    source: str,
) -> LoadRow:
    """A sustained closed loop of AccelMark's ``suite`` on catalog ``gpu``, ``run`` the card
    and the runner (:func:`_loop_minutes`): requests completed a minute and output tokens/s
    (means over the minutes kept) and the first token (the median of their medians);
    e2e = clients ÷ req/s, TPOT = (e2e − TTFT) / (O − 1). ``words``: the conditions' text
    before and after "N out (tok/s ÷ req/s" (:func:`_v0`, :func:`_community`)."""
    model, template, (count, mean_in), clients, label = V0_SUITES[suite]
    loop = _loop_minutes(run[0], suite, run[1])
    ttft = loop.ttft_ms
    requests_s = loop.requests_per_min / 60.0
    out = loop_output(run[0], suite, run[1])
    e2e = clients / requests_s * 1e3
    before, after = words
    return LoadRow(
        model,
        gpu,
        1,
        "bf16",
        engine,
        round(mean_in + template),
        out,
        clients,
        ttft,
        (e2e - ttft) / (out - 1),
        e2e,
        loop.tokens_s,
        f"{before.format(label=label)}; the first {count} prompts plus about {template} tokens "
        f"of chat template; {out} out (tok/s ÷ req/s{after}); e2e = clients ÷ req/s, "
        "TPOT = (e2e − TTFT) / (O − 1); TTFT the median of the minutes' medians",
        source,
        derived_tpot=True,
    )


V0_IMPL = "nvidia_vllm_47f5d58e"
"""AccelMark's runner of vLLM 0.7.3 (and, on the RTX 5090, vLLM 0.19.1)."""
SGLANG_IMPL = "nvidia_sglang_c43a8309"
"""AccelMark's runner of SGLang 0.5.6."""


def _v0(gpu: str, card: str, suite: str) -> LoadRow:
    """A sustained closed loop of vLLM 0.7.3 on ``card`` (catalog ``gpu``)."""
    words = (card + ", {label}, vLLM 0.7.3 (V0: prompts prefilled apart)", "")
    return _accelmark_loop(gpu, suite, (card, V0_IMPL), VLLM_V0, words, ACCELMARK_V0)


V0_LOAD = [
    _v0("h100-sxm", "H100 80GB HBM3", "A"),
    _v0("h100-sxm", "H100 80GB HBM3", "F"),
    _v0("h200", "H200", "A"),
    _v0("h200", "H200", "C"),
    _v0("h200", "H200", "F"),
    _v0("rtx-4090", "RTX 4090", "A"),
    _v0("rtx-4090", "RTX 4090", "C"),
    _v0("rtx-4090", "RTX 4090", "F"),
    _v0("rtx-6000-ada", "RTX 6000 Ada", "A"),
    _v0("rtx-6000-ada", "RTX 6000 Ada", "C"),
    _v0("rtx-6000-ada", "RTX 6000 Ada", "F"),
    _v0("a100-40gb", "A100 SXM4 40GB", "A"),
    _v0("a100-40gb", "A100 SXM4 40GB", "C"),
    _v0("a100-40gb", "A100 SXM4 40GB", "F"),
    _v0("a100-80gb", "A100 SXM4 80GB", "A"),
    _v0("a100-80gb", "A100 SXM4 80GB", "C"),
    _v0("a100-80gb", "A100 SXM4 80GB", "F"),
]
"""vLLM 0.7.3's closed loops (AccelMark's sustained runs), appended after L17."""


ACCELMARK_SGLANG = (
    "FreedomIntelligence/AccelMark (refs/pull/54/head, commit a2ec8f6; community results, "
    "not merged into the verified set) results/community/"
    "nvidia_{a100_sxm4_80gb,rtx_a6000,geforce_rtx_4090}x1_suite_{A,C,F}_nvidia_sglang_c43a8309_*"
    "/sustained/result.json (suite C under bf16/): SGLang 0.5.6 (runners/nvidia_sglang_c43a8309/"
    "runner.py: sgl.Engine in process, no HTTP server, CUDA graphs, mem_fraction_static 0.88; "
    "streamed outputs capped at 224 new tokens, counted by re-tokenizing the text), 1 GPU, "
    "BF16, TP1, greedy, chat template; " + LOOP_WORDS
)
ACCELMARK_5090 = (
    "FreedomIntelligence/AccelMark (commit 5797fc4) results/verified/"
    "nvidia_geforce_rtx_5090x1_suite_{A,C,F}_nvidia_vllm_47f5d58e_*/sustained/result.json "
    "(suite C under bf16/): vLLM 0.19.1rc1.dev339 (V1 engine: prompts chunked; "
    "runners/nvidia_vllm_47f5d58e/runner.py: AsyncLLMEngine in process, no HTTP server, "
    "max_model_len 4,096, CUDA graphs, gpu_memory_utilization 0.9), 1 × GeForce RTX 5090, "
    "BF16, TP1, greedy, chat template; " + LOOP_WORDS
)


def _community(gpu: str, card: str, suite: str, sglang: bool = True) -> LoadRow:
    """A sustained closed loop of SGLang 0.5.6 (or, ``sglang`` false, vLLM 0.19.1's V1
    engine) on ``card`` (catalog ``gpu``)."""
    engine, release = (sv.SGLANG, "SGLang 0.5.6") if sglang else (sv.VLLM, "vLLM 0.19.1 (V1)")
    words = (card + ", {label}, " + release, "; streamed outputs capped at 224" if sglang else "")
    source = ACCELMARK_SGLANG if sglang else ACCELMARK_5090
    run = (card, SGLANG_IMPL if sglang else V0_IMPL)
    return _accelmark_loop(gpu, suite, run, engine, words, source)


COMMUNITY_LOAD = [
    _community("a100-80gb", "A100 SXM4 80GB", "A"),
    _community("a100-80gb", "A100 SXM4 80GB", "C"),
    _community("a100-80gb", "A100 SXM4 80GB", "F"),
    _community("rtx-a6000", "RTX A6000", "A"),
    _community("rtx-a6000", "RTX A6000", "C"),
    _community("rtx-a6000", "RTX A6000", "F"),
    _community("rtx-4090", "RTX 4090", "A"),
    _community("rtx-4090", "RTX 4090", "C"),
    _community("rtx-4090", "RTX 4090", "F"),
    _community("rtx-5090", "RTX 5090", "A", sglang=False),
    _community("rtx-5090", "RTX 5090", "C", sglang=False),
    _community("rtx-5090", "RTX 5090", "F", sglang=False),
]
"""SGLang 0.5.6's closed loops on an A100 80GB, an RTX A6000 and an RTX 4090 (AccelMark's
community results) and vLLM 0.19.1's on an RTX 5090 (its verified results), appended
after L34: requests a minute and output tokens/s the means of the minutes after the suite's
warm-up minutes, the first token the median of their medians (as every AccelMark loop,
:func:`sustained_minutes`)."""


LOAD = [
    _nim(1, 406.77, 18.58, 51.67),
    _nim(5, 546.7, 21.83, 218.48),
    _nim(25, 688.69, 38.75, 623.4),
    _nim(50, 834.51, 59.73, 814.37),
    _nim(100, 7996.25, 92.91, 917.26),
    _nim(150, 34794.22, 92.86, 920.9),
    _nim(200, 61680.22, 93.06, 920.54),
    _nim(250, 88605.32, 93.2, 920.12),
    _rtx(4, 2.09, 210, 63),
    _rtx(8, 3.78, 377, 79),
    _rtx(16, 6.44, 644, 155),
    _rtx(32, 9.73, 975, 362),
    _rtx(48, 11.87, 1190, 667),
    _accelmark(
        "llama-3.1-8b",
        10,
        (100, 245.4),
        8,
        "nvidia_a100_sxm4_80gbx1_suite_A_nvidia_vllm020_0f6c56e4",
        "Meta-Llama-3-8B-Instruct (Llama 3.1 8B's shape), suite A",
    ),
    _accelmark(
        "qwen2.5-0.5b",
        30,
        (200, 74.2),
        32,
        "nvidia_a100_sxm4_80gbx1_suite_F_nvidia_vllm020_0f6c56e4",
        "Qwen2.5-0.5B-Instruct, suite F (its default system prompt in the template)",
    ),
    _accelmark(
        "llama-3.1-8b",
        34,
        (100, 245.4),
        8,
        "nvidia_a100_sxm4_80gbx1_suite_C_nvidia_vllm020_0f6c56e4",
        "Llama-3.1-8B-Instruct, suite C (Llama 3.1's dated system header in the template)",
    ),
    _accelmark_long(),
    *V0_LOAD,
    *COMMUNITY_LOAD,
]
"""Latency under load, closed loops held against published sweeps."""


@dataclass(frozen=True)
class PoissonRow:
    """Requests arriving as a Poisson stream at ``rate`` a second: what was measured, and
    what :func:`payback.estimate_serving` gives at ``utilization`` = rate ÷ its capacity
    for the same lengths (``--utilization``; None beyond the estimated capacity)."""

    model: str
    gpu: str
    precision: str
    engine: sv.ServingEngine
    input_tokens: int
    output_tokens: int
    rate: float
    ttft_ms: float
    tpot_ms: float
    conditions: str
    source: str
    sla_met: bool | None = None
    """Whether the run's P99 first token stayed under its 500 ms service level
    (loadgen/loadgen.py: ``ttft_p99 < online_sla_ttft_ms``); None where not given."""
    release: str = "vLLM 0.20.1"
    """The engine's release, as the capacity table names it."""

    def _estimate(self, utilization: float | None = None) -> Any:
        catalog = default_catalog()
        return estimate_serving(
            catalog.model(self.model),
            catalog.gpu(self.gpu),
            self.precision,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            gpus_per_replica=1,
            engine=self.engine,
            utilization=utilization,
        )

    def utilization(self) -> float:
        """The rate as a share of the estimated capacity (requests/s)."""
        return float(self.rate / self._estimate().replica_requests_per_s)

    def predicted(self) -> tuple[float, float] | None:
        """TTFT and TPOT [ms] at that load, or None when the rate is past capacity (or at
        it: the wait for a slot is then unbounded)."""
        share = self.utilization()
        if share > 1.0:
            return None
        loaded = self._estimate(share)
        if loaded.first_token_unbounded:
            return None
        return float(loaded.ttft_at_utilization_ms), float(loaded.tpot_at_utilization_ms)

    def family(self) -> str:
        """The GPU family, apart for an engine payback does not offer (:func:`_group`)."""
        return _group(self.gpu, self.engine)


ONLINE_SUITES = {
    "A": ("llama-3.1-8b", 250, 346, "suite A, Meta-Llama-3-8B-Instruct (Llama 3.1 8B's shape)"),
    "C": ("llama-3.1-8b", 274, 358, "suite C, Llama-3.1-8B-Instruct"),
    "F": ("qwen2.5-0.5b", 100, 211, "suite F, Qwen2.5-0.5B-Instruct"),
}
"""AccelMark's online runs: the model, the 300 prompts' mean ``input_tokens`` plus the
chat template's (A 239.6 + 10, C 239.6 + 34 with Llama 3.1's dated system header, F
70.2 + 30 with Qwen2.5's default system prompt) and the mean output the same suite's
closed loop measured (greedy, to EOS or the cap)."""


def _online(suite: str, rate: float, ttft: float, tpot: float, sla: bool) -> PoissonRow:
    model, prompt, out, label = ONLINE_SUITES[suite]
    return PoissonRow(
        model,
        "a100-80gb",
        "bf16",
        sv.VLLM,
        prompt,
        out,
        rate,
        ttft,
        tpot,
        f"{label}, vLLM 0.20.1; {prompt} tokens in (the prompts and the chat template), "
        f"{out} out (the suite's closed loop); medians",
        ACCELMARK_ONLINE,
        sla,
    )


V0_ONLINE_PROMPTS = {"A": 250, "C": 274, "F": 100}
"""The online runs' 300 prompts and chat template (:data:`ONLINE_SUITES`)."""


def _online_v0(
    gpu: str, card: str, suite: str, run: tuple[float, float, float, bool]
) -> PoissonRow:
    """A Poisson run of vLLM 0.7.3, its output the mean of the same GPU's closed loop (its
    row of :data:`V0_LOAD`, :func:`loop_output`)."""
    model, label = V0_SUITES[suite][0], V0_SUITES[suite][4]
    out = loop_output(card, suite, V0_IMPL)
    prompt = V0_ONLINE_PROMPTS[suite]
    rate, ttft, tpot, sla = run
    return PoissonRow(
        model,
        gpu,
        "bf16",
        VLLM_V0,
        prompt,
        out,
        rate,
        ttft,
        tpot,
        f"{card}, {label}, vLLM 0.7.3 (V0: prompts prefilled apart); {prompt} tokens in, "
        f"{out} out (the closed loop's); medians",
        ACCELMARK_V0_ONLINE,
        sla,
        "vLLM 0.7.3",
    )


V0_POISSON = [
    *(
        _online_v0("h100-sxm", "H100 80GB HBM3", s, (r, t, p, m))
        for s, r, t, p, m in (
            ("A", 5, 26.79, 9.52, True),
            ("A", 25, 38.5, 24.47, True),
            ("A", 100, 62.79, 29.96, False),
            ("F", 10, 13.2, 3.02, True),
            ("F", 40, 19.62, 9.64, True),
        )
    ),
    *(
        _online_v0("h200", "H200", s, (r, t, p, m))
        for s, r, t, p, m in (
            ("A", 5, 45.43, 14.16, True),
            ("A", 25, 69.22, 56.85, False),
            ("A", 100, 129.35, 60.58, False),
            ("C", 5, 80.71, 26.75, True),
            ("C", 10, 142.5, 70.46, True),
            ("C", 25, 269.72, 73.55, False),
            ("C", 50, 2064.76, 66.31, False),
            ("F", 10, 96.56, 47.79, True),
            ("F", 40, 316.72, 73.78, False),
        )
    ),
    *(
        _online_v0("rtx-4090", "RTX 4090", s, (r, t, p, m))
        for s, r, t, p, m in (
            ("A", 5, 107.99, 50.81, False),
            ("A", 25, 453.72, 59.26, False),
            ("A", 100, 2862.47, 57.17, False),
            ("C", 5, 4437.25, 55.47, False),
            ("C", 10, 18009.11, 57.34, False),
            ("C", 25, 26012.77, 58.28, False),
            ("C", 50, 28389.38, 56.53, False),
            ("F", 10, 58.97, 22.65, True),
            ("F", 40, 85.82, 84.21, False),
        )
    ),
    *(
        _online_v0("rtx-6000-ada", "RTX 6000 Ada", s, (r, t, p, m))
        for s, r, t, p, m in (
            ("A", 5, 84.3, 35.34, True),
            ("A", 25, 562.53, 80.87, False),
            ("A", 100, 4834.17, 79.56, False),
            ("C", 5, 87.44, 35.4, True),
            ("C", 10, 129.58, 70.99, True),
            ("C", 25, 812.49, 80.79, False),
            ("C", 50, 4119.4, 80.76, False),
            ("F", 10, 60.47, 13.77, True),
            ("F", 40, 98.45, 46.42, False),
        )
    ),
    *(
        _online_v0("a100-40gb", "A100 SXM4 40GB", s, (r, t, p, m))
        for s, r, t, p, m in (
            ("A", 5, 57.85, 24.26, True),
            ("A", 25, 92.34, 60.31, False),
            ("A", 100, 1439.69, 60.65, False),
            ("C", 5, 60.47, 25.7, True),
            ("C", 10, 78.68, 49.51, True),
            ("C", 25, 103.81, 63.6, False),
            ("C", 50, 283.75, 65.18, False),
            ("F", 10, 18.66, 4.71, True),
            ("F", 40, 33.8, 32.19, True),
        )
    ),
    *(
        _online_v0("a100-80gb", "A100 SXM4 80GB", s, (r, t, p, m))
        for s, r, t, p, m in (
            ("A", 5, 55.35, 21.7, True),
            ("A", 25, 105.73, 68.9, False),
            ("A", 100, 2046.3, 67.8, False),
            ("C", 5, 58.03, 23.86, True),
            ("C", 10, 79.87, 49.33, True),
            ("C", 25, 107.17, 65.78, False),
            ("C", 50, 358.31, 68.36, False),
            ("F", 10, 23.12, 5.98, True),
            ("F", 40, 68.41, 64.99, False),
        )
    ),
]
"""vLLM 0.7.3's Poisson runs (AccelMark's online runs), appended after Q7."""


ACCELMARK_SGLANG_ONLINE = ACCELMARK_SGLANG.replace(
    "sustained/result.json", "online/result.json"
).replace(
    LOOP_WORDS,
    "300 requests arriving as a Poisson stream at each target rate; median TTFT and median "
    "time per output token, (e2e − TTFT) / (O − 1) a request",
)
ACCELMARK_5090_ONLINE = ACCELMARK_5090.replace(
    "sustained/result.json", "online/result.json"
).replace(
    LOOP_WORDS,
    "300 requests arriving as a Poisson stream at each target rate; median TTFT and median "
    "time per output token, (e2e − TTFT) / (O − 1) a request",
)


def _online_community(
    gpu: str, card: str, suite: str, run: tuple[float, float, float, bool]
) -> PoissonRow:
    """A Poisson run of SGLang 0.5.6 (vLLM 0.19.1 on the RTX 5090), its output the mean of
    the same GPU's closed loop (its row of :data:`COMMUNITY_LOAD`, :func:`loop_output`)."""
    model, label = V0_SUITES[suite][0], V0_SUITES[suite][4]
    out = loop_output(card, suite, V0_IMPL if gpu == "rtx-5090" else SGLANG_IMPL)
    prompt = V0_ONLINE_PROMPTS[suite]
    rate, ttft, tpot, sla = run
    vllm = gpu == "rtx-5090"
    release = "vLLM 0.19.1" if vllm else "SGLang 0.5.6"
    return PoissonRow(
        model,
        gpu,
        "bf16",
        sv.VLLM if vllm else sv.SGLANG,
        prompt,
        out,
        rate,
        ttft,
        tpot,
        f"{card}, {label}, {release}; {prompt} tokens in, {out} out (the closed loop's); medians",
        ACCELMARK_5090_ONLINE if vllm else ACCELMARK_SGLANG_ONLINE,
        sla,
        release,
    )


COMMUNITY_POISSON = [
    *(
        _online_community(gpu, card, s, (r, t, p, m))
        for gpu, card, s, r, t, p, m in (
            ("a100-80gb", "A100 SXM4 80GB", "A", 5, 41.3, 12.84, False),
            ("a100-80gb", "A100 SXM4 80GB", "A", 25, 53.35, 30.58, True),
            ("a100-80gb", "A100 SXM4 80GB", "A", 100, 51.72, 38.98, True),
            ("a100-80gb", "A100 SXM4 80GB", "C", 5, 41.09, 12.83, False),
            ("a100-80gb", "A100 SXM4 80GB", "C", 10, 42.35, 15.94, True),
            ("a100-80gb", "A100 SXM4 80GB", "C", 25, 53.45, 29.88, True),
            ("a100-80gb", "A100 SXM4 80GB", "C", 50, 51.39, 37.98, True),
            ("a100-80gb", "A100 SXM4 80GB", "F", 10, 19.48, 2.43, False),
            ("a100-80gb", "A100 SXM4 80GB", "F", 40, 28.79, 4.56, True),
            ("rtx-a6000", "RTX A6000", "A", 5, 73.61, 30.47, False),
            ("rtx-a6000", "RTX A6000", "A", 25, 74.09, 68.29, True),
            ("rtx-a6000", "RTX A6000", "A", 100, 68.38, 75.85, True),
            ("rtx-a6000", "RTX A6000", "C", 5, 74.15, 30.47, False),
            ("rtx-a6000", "RTX A6000", "C", 10, 71.26, 40.73, True),
            ("rtx-a6000", "RTX A6000", "C", 25, 74.68, 67.21, True),
            ("rtx-a6000", "RTX A6000", "C", 50, 71.87, 76.16, True),
            ("rtx-a6000", "RTX A6000", "F", 10, 21.59, 3.15, False),
            ("rtx-a6000", "RTX A6000", "F", 40, 38.68, 21.19, True),
            ("rtx-4090", "RTX 4090", "A", 5, 70.25, 23.17, False),
            ("rtx-4090", "RTX 4090", "A", 25, 4399.78, 40.9, False),
            ("rtx-4090", "RTX 4090", "A", 100, 8348.54, 35.32, False),
            ("rtx-4090", "RTX 4090", "C", 5, 68.99, 23.2, False),
            ("rtx-4090", "RTX 4090", "C", 10, 77.79, 34.33, True),
            ("rtx-4090", "RTX 4090", "C", 25, 4302.15, 40.74, False),
            ("rtx-4090", "RTX 4090", "C", 50, 7003.83, 35.52, False),
            ("rtx-4090", "RTX 4090", "F", 10, 15.66, 2.07, False),
            ("rtx-4090", "RTX 4090", "F", 40, 27.64, 14.31, True),
            ("rtx-5090", "RTX 5090", "A", 5, 71.85, 15.63, False),
            ("rtx-5090", "RTX 5090", "A", 25, 980.74, 28.73, False),
            ("rtx-5090", "RTX 5090", "A", 100, 3672.75, 28.43, False),
            ("rtx-5090", "RTX 5090", "C", 5, 76.32, 17.06, False),
            ("rtx-5090", "RTX 5090", "C", 10, 96.15, 24.79, True),
            ("rtx-5090", "RTX 5090", "C", 25, 662.02, 28.54, False),
            ("rtx-5090", "RTX 5090", "C", 50, 2482.36, 28.78, False),
            ("rtx-5090", "RTX 5090", "F", 10, 32.25, 6.54, False),
            ("rtx-5090", "RTX 5090", "F", 40, 47.58, 10.66, True),
        )
    ),
]
"""SGLang 0.5.6's Poisson runs on an A100 80GB, an RTX A6000 and an RTX 4090 and vLLM
0.19.1's on an RTX 5090 (AccelMark's online runs of :data:`COMMUNITY_LOAD`'s GPUs),
appended after Q57."""


POISSON = [
    _online("A", 5, 40.2, 13.21, True),
    _online("A", 25, 75.24, 22.28, False),
    _online("C", 5, 41.15, 13.32, True),
    _online("C", 10, 52.06, 17.62, True),
    _online("C", 25, 86.32, 22.47, False),
    _online("F", 10, 10.04, 2.13, True),
    _online("F", 40, 11.96, 2.50, True),
    *V0_POISSON,
    *COMMUNITY_POISSON,
]
"""Poisson arrivals held against a published run (``--utilization``)."""


VLLM_RTN_MARLIN = (
    "vllm-project/vllm pull requests #21865 and #23197 ('Introduce Marlin-based GEMM kernels "
    "for the calibration-free RTN-based quantization', 2025-07-29 and 2025-08-19), the "
    "Llama3.1-8B table: benchmarks/benchmark_latency.py --n 1 --num-iters-warmup 3 "
    "--num-iters 10 --input-len 256 --output-len 32 -tp 1 --batch-size B --quantization rtn "
    "with RTN_NUM_BITS=4 (vllm/model_executor/layers/quantization/rtn.py, commit 897ad15: "
    "linear layers only, group size 128, Marlin kernels), seconds a batch, average of 5 runs; "
    "output tok/s = B × 32 ÷ seconds"
)
VLLM_STATIC = dataclasses.replace(sv.VLLM, max_num_batched_tokens=None, large_gpu_limits=None)
"""vLLM's offline latency benchmark: B prompts sent at once, all in the first step (the
``LLM`` class takes 16,384 tokens a step on an H100), then decoded together, with CUDA
graphs (``enforce_eager`` off by default): a static batch."""


def _marlin_rtn(batch: int, seconds: float) -> ServingRow:
    """Llama 3.1 8B in weight-only int4 (W4A16, Marlin) on one H100, a static batch."""
    return ServingRow(
        "llama-3.1-8b",
        "h100-sxm",
        1,
        "int4",
        256,
        32,
        batch * 32 / seconds,
        "out",
        f"vLLM V1 (the pull request's branch, August 2025) benchmark_latency, static batch "
        f"{batch}, RTN int4 weights (W4A16, group 128) on Marlin kernels, CUDA graphs; {seconds} "
        "s a batch; H100 (SXM: the same table's BF16 baseline is 0.99-1.01× its estimate)",
        VLLM_RTN_MARLIN,
        batch=batch,
        engine=VLLM_STATIC,
    )


SERVING = [
    _trt_static("llama-2-7b", "h100-sxm", 1, "fp8", 768, (128, 128), 19_694),
    _trt_static("llama-2-7b", "h100-sxm", 1, "fp8", 112, (128, 2048), 6_818),
    _trt_static("llama-2-7b", "h100-sxm", 1, "fp8", 80, (2048, 128), 2_244),
    _trt_static("llama-2-7b", "h100-sxm", 1, "fp8", 48, (2048, 2048), 2_740),
    _trt_static("llama-2-70b", "h100-sxm", 2, "fp8", 1024, (128, 128), 2_657),
    _trt_static("llama-2-70b", "h100-sxm", 2, "fp8", 64, (2048, 2048), 547),
    _trt_static("llama-2-7b", "l40s", 1, "fp8", 64, (128, 128), 3_240),
    _trt_static("llama-2-7b", "l40s", 1, "fp8", 64, (128, 2048), 1_622),
    _trt_static("llama-2-7b", "l40s", 1, "fp8", 32, (2048, 128), 581),
    _trt_static("llama-2-7b", "l40s", 1, "fp8", 16, (2048, 2048), 531),
    _trt_static("llama-2-7b", "a100-80gb", 1, "bf16", 60, (128, 2048), 1_928),
    _trt_static("llama-2-7b", "a100-80gb", 1, "bf16", 52, (2048, 128), 591),
    _trt_static("llama-2-70b", "a100-80gb", 4, "bf16", 1280, (128, 128), 670),
    _trt_static("llama-2-70b", "a100-80gb", 4, "bf16", 240, (128, 2048), 525),
    _trt_ttft("llama-2-7b", "h100-sxm", 1, "fp8", 36),
    _trt_ttft("llama-2-7b", "l40s", 1, "fp8", 73),
    _trt_ttft("llama-2-7b", "a100-80gb", 1, "bf16", 133),
    _trt_ttft("llama-2-70b", "a100-80gb", 4, "bf16", 377),
    _trt_ttft("llama-2-70b", "h100-sxm", 4, "fp8", 109),
    ServingRow("llama-3.3-70b", "h200", 1, "fp8", 1000, 1000, 2_909, "out", "TP1, FP8", TRT_BENCH),
    ServingRow("llama-3.3-70b", "h200", 1, "fp8", 5000, 500, 566, "out", "TP1, FP8", TRT_BENCH),
    ServingRow("llama-3.1-8b", "h200", 1, "fp8", 2048, 2048, 12_194, "out", "TP1, FP8", TRT_BENCH),
    ServingRow(
        "llama-3.1-8b",
        "h200",
        1,
        "fp8",
        20000,
        2000,
        1_804,
        "out",
        "TP1, FP8, long context",
        TRT_BENCH,
    ),
    ServingRow(
        "llama-3.1-8b",
        "h100-sxm",
        1,
        "fp8",
        128,
        4096,
        14_325,
        "out",
        "TP1, FP8, long outputs",
        TRT_BENCH,
    ),
    ServingRow(
        "gpt-oss-20b",
        "h100-sxm",
        1,
        "mxfp4",
        1000,
        1000,
        11_557,
        "out/gpu",
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_MOE,
        fit=True,
    ),
    ServingRow(
        "gpt-oss-20b",
        "h100-sxm",
        1,
        "mxfp4",
        8192,
        1024,
        3_366,
        "out/gpu",
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_MOE,
        fit=True,
    ),
    ServingRow(
        "gpt-oss-20b",
        "h200",
        1,
        "mxfp4",
        1000,
        1000,
        13_858,
        "out/gpu",
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_MOE,
        fit=True,
    ),
    ServingRow(
        "gpt-oss-120b",
        "h200",
        1,
        "mxfp4",
        1000,
        1000,
        6_868,
        "out/gpu",
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_MOE,
        fit=True,
    ),
    ServingRow(
        "gpt-oss-120b",
        "h200",
        1,
        "mxfp4",
        8192,
        1024,
        1_828,
        "out/gpu",
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_MOE,
        fit=True,
    ),
    ServingRow(
        "qwen3-30b-a3b",
        "b200",
        1,
        "mxfp4",
        1000,
        1000,
        26_971,
        "out/gpu",
        "TP1, NVFP4 checkpoint (modelled as 4-bit expert weights)",
        TRT_MOE,
    ),
    ServingRow(
        "qwen3-30b-a3b",
        "rtx-pro-6000",
        1,
        "mxfp4",
        1000,
        1000,
        9_938,
        "out/gpu",
        "TP1, NVFP4, Server Edition (modelled as 4-bit expert weights on the Workstation Edition's 1,792 GB/s)",
        TRT_MOE,
    ),
    ServingRow(
        "deepseek-v3",
        "h200",
        8,
        "fp8",
        1000,
        1000,
        1_627,
        "out/gpu",
        "DeepSeek-R1-0528 (V3's shape), DEP8 (modelled as TP8), FP8",
        TRT_MOE,
    ),
    ServingRow(
        "deepseek-v3",
        "h200",
        8,
        "fp8",
        3200,
        800,
        4_176,
        "out",
        "DeepSeek-R1, TensorRT-LLM, 128 clients in a closed loop, FP8",
        DSTACK,
        concurrency=128,
    ),
    ServingRow(
        "deepseek-v3",
        "mi300x",
        8,
        "fp8",
        3200,
        800,
        4_574,
        "out",
        "DeepSeek-R1, vLLM, 128 clients in a closed loop, FP8",
        DSTACK,
        concurrency=128,
        engine=sv.VLLM,
    ),
    ServingRow(
        "mistral-7b",
        "rtx-4090",
        1,
        "bf16",
        256,
        100,
        210,
        "out",
        "Mistral-7B-Instruct-v0.3, 4 clients in a closed loop of 300 requests, 100 tokens "
        "out on average",
        RTX4090_VLLM,
        engine=sv.VLLM,
        concurrency=4,
        requests=300,
    ),
    ServingRow(
        "mistral-7b",
        "rtx-4090",
        1,
        "bf16",
        256,
        100,
        644,
        "out",
        "Mistral-7B-Instruct-v0.3, 16 clients in a closed loop of 300 requests, 100 tokens "
        "out on average",
        RTX4090_VLLM,
        engine=sv.VLLM,
        concurrency=16,
        requests=300,
    ),
    ServingRow(
        "mistral-7b",
        "rtx-4090",
        1,
        "bf16",
        256,
        100,
        1_190,
        "out",
        "Mistral-7B-Instruct-v0.3, 48 clients in a closed loop of 300 requests, 100 tokens "
        "out on average",
        RTX4090_VLLM,
        engine=sv.VLLM,
        concurrency=48,
        requests=300,
    ),
    ServingRow(
        "gpt-oss-120b",
        "h100-sxm",
        8,
        "mxfp4",
        1024,
        512,
        318.53,
        "user",
        "TP8, MXFP4 experts, triton attention backend",
        LMSYS_GPT_OSS,
        batch=1,
        engine=sv.SGLANG,
    ),
    ServingRow(
        "gpt-oss-120b",
        "h100-sxm",
        8,
        "bf16",
        1024,
        512,
        293.12,
        "user",
        "TP8, lmsys/gpt-oss-120b-bf16, triton attention backend",
        LMSYS_GPT_OSS,
        batch=1,
        engine=sv.SGLANG,
    ),
    ServingRow(
        "gpt-oss-120b",
        "b200",
        4,
        "mxfp4",
        1024,
        512,
        416.02,
        "user",
        "TP4, MXFP4 experts",
        LMSYS_GPT_OSS,
        batch=1,
        engine=sv.SGLANG,
    ),
    ServingRow(
        "gpt-oss-120b",
        "b200",
        4,
        "bf16",
        1024,
        512,
        315.63,
        "user",
        "TP4, lmsys/gpt-oss-120b-bf16",
        LMSYS_GPT_OSS,
        batch=1,
        engine=sv.SGLANG,
    ),
    ServingRow(
        "deepseek-v3",
        "b200",
        8,
        "mxfp4",
        1024,
        2048,
        111,
        "user",
        "DeepSeek-R1 (V3's shape), TP8 attention, experts TP4 × EP2, NVFP4 experts and dense "
        "FFN (modelled as 4-bit expert weights), BF16 attention, CUDA graphs, no MTP",
        TRT_DSR1_B200,
        batch=1,
    ),
    ServingRow(
        "qwen2.5-0.5b",
        "l4",
        1,
        "bf16",
        256,
        128,
        5.1,
        "itl",
        "Qwen2.5-0.5B-Instruct, concurrency 1, ITL p50",
        WMX_L4,
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "qwen2.5-0.5b",
        "l4",
        1,
        "bf16",
        256,
        128,
        168,
        "out",
        "Qwen2.5-0.5B-Instruct, 1 client in a closed loop",
        WMX_L4,
        engine=sv.VLLM,
        concurrency=1,
    ),
    ServingRow(
        "qwen2.5-0.5b",
        "l4",
        1,
        "bf16",
        256,
        128,
        1_312,
        "out",
        "Qwen2.5-0.5B-Instruct, 8 clients in a closed loop",
        WMX_L4,
        engine=sv.VLLM,
        concurrency=8,
    ),
    ServingRow(
        "qwen2.5-0.5b",
        "l4",
        1,
        "bf16",
        256,
        128,
        3_773,
        "out",
        "Qwen2.5-0.5B-Instruct, 32 clients in a closed loop",
        WMX_L4,
        engine=sv.VLLM,
        concurrency=32,
    ),
    ServingRow(
        "gpt-oss-120b",
        "b200",
        8,
        "mxfp4",
        332,
        213,
        2.31,
        "itl",
        "TP8, MXFP4 experts, ShareGPT prompts at concurrency 1 (means of 100: 33,178 input and "
        "21,251 output tokens), mean TPOT excluding the first token",
        "sgl-project/sgl-cookbook docs/autoregressive/OpenAI/GPT-OSS.md (commit 7b5bd9c), "
        "'Latency-Sensitive Benchmark': SGLang 0.5.6, launch_server --tp 8, bench_serving "
        "--num-prompt 100 --max-concurrency 1",
        batch=1,
        engine=sv.SGLANG,
    ),
    ServingRow(
        "llama-4-scout",
        "mi300x",
        8,
        "bf16",
        610,
        422,
        7.49,
        "itl",
        "Llama-4-Scout-17B-16E-Instruct, TP8, BF16, random prompts at concurrency 1 (means of "
        "10: 6,101 input and 4,220 output tokens), mean TPOT excluding the first token",
        "sgl-project/sgl-cookbook docs/autoregressive/Llama/Llama4.md (commit 7b5bd9c), "
        "'Low Concurrency (Latency-Optimized)': SGLang 0.5.9 on 8 × AMD MI300X, sglang serve "
        "--tp 8, bench_serving --random-input-len 1000 --random-output-len 1000 "
        "--num-prompts 10 --max-concurrency 1",
        batch=1,
        engine=sv.SGLANG,
    ),
    ServingRow(
        "llama-3.1-8b",
        "a100-80gb",
        1,
        "bf16",
        246,
        346,
        10.77,
        "itl",
        "Meta-Llama-3-8B-Instruct (Llama 3.1 8B's shape), vLLM 0.20.1 in process, one request "
        "at a time over the first 150 prompts (236.1 tokens and about 10 of chat template; "
        "outputs as the suite's closed loop measured them), median TPOT",
        ACCELMARK_INTERACTIVE,
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "qwen2.5-0.5b",
        "a100-80gb",
        1,
        "bf16",
        103,
        211,
        1.83,
        "itl",
        "Qwen2.5-0.5B-Instruct, vLLM 0.20.1 in process, one request at a time over the first "
        "150 prompts (72.6 tokens and about 30 of chat template), median TPOT",
        ACCELMARK_INTERACTIVE,
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "a100-80gb",
        1,
        "bf16",
        246,
        346,
        27.78,
        "ttft",
        "S49's run: the median first token of a prompt served alone; it sets vLLM's time a "
        "request outside its steps",
        ACCELMARK_INTERACTIVE_TTFT,
        batch=1,
        engine=sv.VLLM,
        fit=True,
    ),
    ServingRow(
        "qwen2.5-0.5b",
        "a100-80gb",
        1,
        "bf16",
        103,
        211,
        11.24,
        "ttft",
        "S50's run: the median first token of a prompt served alone; it sets vLLM's time a "
        "request outside its steps",
        ACCELMARK_INTERACTIVE_TTFT,
        batch=1,
        engine=sv.VLLM,
        fit=True,
    ),
    ServingRow(
        "llama-3.1-8b",
        "a100-80gb",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        3178.55,
        "ttft",
        "Llama-3.1-8B-Instruct, vLLM 0.20.1 in process, prompts of 28,650 tokens (median) plus "
        "about 30 of chat template, chunked into decode steps, one request at a time, median "
        "TTFT",
        _long("nvidia_a100_sxm4_80gbx1_suite_D_nvidia_vllm020_0f6c56e4_43e96189", LONG_V1),
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "a100-80gb",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        13.1,
        "itl",
        "the same run: median TPOT, each token reading the weights and about 28,800 tokens of "
        "cache",
        _long(
            "nvidia_a100_sxm4_80gbx1_suite_D_nvidia_vllm020_0f6c56e4_43e96189",
            LONG_V1,
            "time per output token",
        ),
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "a100-80gb",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        2838.69,
        "ttft",
        "A100 SXM4 80GB, vLLM 0.7.3 (V0: the whole prompt in one step), the same prompts one at a "
        "time, median TTFT",
        LONG_V0_SOURCE,
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "a100-40gb",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        2822.72,
        "ttft",
        "A100 SXM4 40GB, vLLM 0.7.3 (V0: the whole prompt in one step), the same prompts one at a "
        "time, median TTFT",
        LONG_V0_SOURCE,
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "rtx-a6000",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        5820.97,
        "ttft",
        "RTX A6000, vLLM 0.7.3 (V0: the whole prompt in one step), the same prompts one at a "
        "time, median TTFT",
        LONG_V0_SOURCE,
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "h100-sxm",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        1076.72,
        "ttft",
        "H100 80GB HBM3, vLLM 0.7.3 (V0: the whole prompt in one step), the same prompts one at a "
        "time, median TTFT",
        LONG_V0_SOURCE,
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "h200",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        1165.86,
        "ttft",
        "H200, vLLM 0.7.3 (V0: the whole prompt in one step), the same prompts one at a "
        "time, median TTFT",
        LONG_V0_SOURCE,
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "rtx-5090",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        3483.1,
        "ttft",
        "RTX 5090, vLLM 0.19.1rc1 (V1: prompts chunked), the same prompts one at a time, median "
        "TTFT",
        _long("nvidia_geforce_rtx_5090x1_suite_D_nvidia_vllm_47f5d58e_e87e6c36", LONG_V1_19),
        batch=1,
        engine=sv.VLLM,
    ),
    ServingRow(
        "llama-3.1-8b",
        "a100-80gb",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        65.15,
        "out",
        "S53's prompts, 50 at once through vLLM 0.20.1's offline LLM class (on an A100 its "
        "default 8,192 tokens a step; 512 sequences, the run's setting): output tok/s over "
        "the run",
        ACCELMARK_LONG_OFFLINE,
        engine=dataclasses.replace(sv.VLLM, max_num_batched_tokens=8192.0, max_num_seqs=512),
    ),
    *_sglang_long(
        "rtx-4090",
        "nvidia_geforce_rtx_4090x1_suite_D_nvidia_sglang_c43a8309_3f838de7",
        4305.61,
        20.59,
        "GeForce RTX 4090",
    ),
    *_sglang_long(
        "a100-80gb",
        "nvidia_a100_sxm4_80gbx1_suite_D_nvidia_sglang_c43a8309_4f45791f",
        2971.73,
        13.3,
        "A100 SXM4 80GB",
    ),
    *_sglang_long(
        "rtx-a6000",
        "nvidia_rtx_a6000x1_suite_D_nvidia_sglang_c43a8309_4974e840",
        5946.25,
        28.33,
        "RTX A6000",
    ),
    _marlin_rtn(1, 0.154),
    _marlin_rtn(4, 0.194),
    _marlin_rtn(16, 0.267),
]

UNSLOTH: list[tuple[str, str, dict[str, dict[str, float]]]] = [
    (
        "h100-sxm",
        "H100 SXM",
        {
            "qwen3-0.6b": {"lora": 24_500, "qlora": 21_000},
            "qwen3-1.7b": {"lora": 23_000, "qlora": 20_000},
            "qwen3-4b": {"lora": 13_100, "qlora": 12_600},
            "qwen3-8b": {"lora": 9_100, "qlora": 8_600},
            "qwen3-14b": {"lora": 5_600, "qlora": 5_200},
        },
    ),
    (
        "h200",
        "H200",
        {
            "qwen3-0.6b": {"lora": 21_700, "qlora": 18_300},
            "qwen3-1.7b": {"lora": 21_400, "qlora": 18_300},
            "qwen3-4b": {"lora": 12_800, "qlora": 12_100},
            "qwen3-8b": {"lora": 9_100, "qlora": 8_400},
        },
    ),
    (
        "b200",
        "B200, CUDA 13",
        {
            "qwen3-0.6b": {"lora": 19_100, "qlora": 17_000},
            "qwen3-1.7b": {"lora": 20_300, "qlora": 16_700},
            "qwen3-4b": {"lora": 14_800, "qlora": 13_100},
            "qwen3-8b": {"lora": 12_400, "qlora": 11_300},
            "qwen3-14b": {"lora": 8_600},
            "qwen3-32b": {"lora": 4_200},
        },
    ),
    (
        "rtx-5090",
        "RTX 5090, CUDA 13.1",
        {
            "qwen3-0.6b": {"lora": 21_700, "qlora": 19_100},
            "qwen3-1.7b": {"lora": 12_600, "qlora": 12_000},
            "qwen3-4b": {"lora": 6_100, "qlora": 6_000},
            "qwen3-8b": {"lora": 3_500, "qlora": 3_400},
        },
    ),
]
"""The Unsloth columns of the Surogate speed table (:data:`SUROGATE`): tokens/s on one
GPU by model and method ("Unsloth BF16" is LoRA on BF16 weights, "Unsloth NF4" QLoRA;
the B200 table has no NF4 figure for 14B and 32B)."""

UNSLOTH_FIT = {("h100-sxm", "*"), ("h200", "*"), ("rtx-5090", "qwen3-8b/lora")}
"""The Unsloth rows the ``unsloth`` stack's factors were set from
(:data:`payback.hardware.training.UNSLOTH_MFU`, ``UNSLOTH_HOST_SECONDS_PER_LAYER`` and the
RTX 5090's kernel attainment): every H100 and H200 row, and Qwen3-8B LoRA on the RTX 5090.
The B200's attainment comes from the table's Surogate columns, not from these rows."""


def _unsloth_fit(gpu: str, model: str, method: str) -> bool:
    return (gpu, "*") in UNSLOTH_FIT or (gpu, f"{model}/{method}") in UNSLOTH_FIT


TRAINING = [
    TrainingRow(
        "llama-2-7b",
        "h100-sxm",
        8,
        "full",
        "fp8",
        "optimized",
        16_847,
        "pre-training, seq 4096, TP1",
        NEMO,
    ),
    TrainingRow(
        "llama-3.1-8b",
        "h100-sxm",
        8,
        "full",
        "fp8",
        "optimized",
        12_036,
        "Llama 3 8B pre-training, seq 8192, CP2",
        NEMO,
    ),
    TrainingRow(
        "llama-2-70b",
        "h100-sxm",
        64,
        "full",
        "fp8",
        "optimized",
        1_707,
        "pre-training, seq 4096, TP4 PP4",
        NEMO,
    ),
    TrainingRow(
        "llama-3.1-70b",
        "h100-sxm",
        64,
        "full",
        "fp8",
        "optimized",
        1_533,
        "Llama 3 70B pre-training, seq 8192, TP4 PP4 CP2",
        NEMO,
    ),
    TrainingRow(
        "qwen3-30b-a3b",
        "h100-sxm",
        8,
        "full",
        "bf16",
        "standard",
        12_040,
        "Qwen3 MoE 30B pre-training, FSDP8 EP8, TE + DeepEP",
        AUTOMODEL,
    ),
    TrainingRow(
        "gpt-oss-20b",
        "h100-sxm",
        8,
        "full",
        "bf16",
        "standard",
        13_058,
        "pre-training, FSDP8, TE + DeepEP + FlexAttention",
        AUTOMODEL,
    ),
    TrainingRow(
        "gpt-oss-120b",
        "h100-sxm",
        64,
        "full",
        "bf16",
        "standard",
        7_626,
        "pre-training, FSDP64, TE + DeepEP + FlexAttention",
        AUTOMODEL,
    ),
    TrainingRow(
        "llama-2-7b",
        "h100-sxm",
        8,
        "full",
        "fp8",
        "optimized",
        17_120,
        "SFT on SQuAD packed to 4096, GBS 32, TP1",
        NEMO,
        fit=True,
    ),
    TrainingRow(
        "llama-2-7b",
        "h100-sxm",
        8,
        "lora",
        "fp8",
        "optimized",
        25_206,
        "LoRA on SQuAD packed to 4096, GBS 32, TP1",
        NEMO,
        fit=True,
    ),
    TrainingRow(
        "llama-2-70b",
        "h100-sxm",
        8,
        "lora",
        "fp8",
        "optimized",
        2_557,
        "LoRA on SQuAD packed to 4096, GBS 32, TP2 PP4",
        NEMO,
        fit=True,
    ),
    *(
        TrainingRow(
            model,
            gpu,
            1,
            method,
            "bf16",
            "unsloth",
            published,
            f"Unsloth, {label}",
            SUROGATE,
            fit=_unsloth_fit(gpu, model, method),
        )
        for gpu, label, figures in UNSLOTH
        for model, by_method in figures.items()
        for method, published in by_method.items()
    ),
    TrainingRow(
        "llama-3.3-70b",
        "h100-sxm",
        8,
        "lora",
        "bf16",
        "standard",
        608.42,
        "Llama 3.3 70B Instruct LoRA (custom_llama3_3_70b_instruct_peft_benchmark.yaml), mock "
        "data, seq 4096, GBS 32, TP2 PP4 VP10",
        AUTOMODEL,
    ),
]


VLLM_SHAREGPT = (
    "sgl-project/sglang benchmark/benchmark_vllm_060/README.md: vLLM 0.6 serving ShareGPT "
    "(about 202 tokens in, 179 out) on one A100 80GB, 5,000 prompts at once, req/s"
)

HELD_BACK: dict[str, ServingRow] = {
    "H1": ServingRow(
        "llama-3.1-8b",
        "h100-sxm",
        1,
        "fp8",
        1000,
        1000,
        15_220,
        "out",
        "TP1, FP8",
        TRT_BENCH,
    ),
    "H2": ServingRow(
        "llama-3.1-8b",
        "a100-80gb",
        1,
        "bf16",
        202,
        179,
        21.3,
        "req",
        "ShareGPT, 5,000 prompts at once",
        VLLM_SHAREGPT,
        engine=sv.VLLM,
    ),
    "H3": ServingRow(
        "llama-3.1-8b",
        "rtx-6000-ada",
        1,
        "bf16",
        LONG_PROMPT,
        256,
        5826.13,
        "ttft",
        "vLLM 0.7.3 (the whole prompt in one step), 28,650-token prompts one at a time, "
        "median TTFT",
        LONG_V0_SOURCE,
        batch=1,
        engine=sv.VLLM,
    ),
}
"""Published rows held back from the table, each a named strict xfail of
``tests/hardware/test_estimators.py`` (a known miss beyond ±30%), that a caution of
:data:`payback.hardware.cautions.REGIMES` cites: TensorRT-LLM's Llama-3.1-8B at FP8
1,000/1,000 on an H100, vLLM 0.6 serving ShareGPT on an A100, and vLLM 0.7.3's first token
of a 28,650-token prompt on an RTX 6000 Ada."""


def row_ratios() -> dict[str, float]:
    """Every row's ratio by its id in docs/accuracy.md (predicted ÷ published, latencies
    inverted): the serving rows ``S1``…, the training rows ``T1``…, the held-back rows
    (:data:`HELD_BACK`), the rows under load by their first token, ``L1``… and ``Q1``…
    (the measured TTFT over the predicted; a Poisson rate past the estimated capacity has
    none), and the own training runs by stack, ``O8/standard`` (a
    stack's estimate over the measured tokens/s)."""
    out = {f"S{i}": row.ratio() for i, row in enumerate(SERVING, 1)}
    out |= {f"L{i}": row.ttft_ms / row.predicted()[0] for i, row in enumerate(LOAD, 1)}
    for i, row in enumerate(POISSON, 1):
        if (loaded := row.predicted()) is not None:
            out[f"Q{i}"] = row.ttft_ms / loaded[0]
    out |= {f"T{i}": row.ratio() for i, row in enumerate(TRAINING, 1)}
    out |= {name: row.ratio() for name, row in HELD_BACK.items()}
    for j, run in enumerate(own_runs(), 1):
        measured = run.cal.measured.training_tokens_per_s
        if not measured or run.method != "lora" or not run.checkpointed:
            continue
        for stack, predicted in run.training().items():
            if predicted is not None:
                out[f"O{j}/{stack}"] = predicted / measured
    return out


def _err(r: float) -> float:
    return r - 1.0


def summary(rows: list[ServingRow] | list[TrainingRow]) -> tuple[float, float, int]:
    """Median |error|, the worst error (signed) and the row count."""
    errors = [_err(row.ratio()) for row in rows]
    worst = max(errors, key=abs)
    return statistics.median(abs(e) for e in errors), worst, len(errors)


def _fig(x: float) -> str:
    """A figure as the table prints it: whole numbers, one decimal below 10."""
    return f"{x:,.1f}" if x < 10 else f"{x:,.0f}"


def main_table() -> list[str]:
    lines = [
        "| # | model | hardware | engine | precision | in/out | batch | conditions | metric "
        "| published | predicted | ratio | source |",
        "|---|---|---|---|---|---|---|---|---|---:|---:|---:|---|",
    ]
    sources: dict[str, int] = {}
    for i, row in enumerate(SERVING, 1):
        ref = sources.setdefault(row.source, len(sources) + 1)
        metric = METRIC_NAMES[row.metric]
        batch = "max load" if row.batch is None else str(row.batch)
        if row.concurrency is not None:
            batch = f"{row.concurrency} client{'s' if row.concurrency > 1 else ''}"
        static = " (static)" if row.engine.max_num_batched_tokens is None else ""
        fit = " (fit)" if row.fit else ""
        lines.append(
            f"| S{i} | {row.model} | {row.gpus} × {row.gpu} | {row.engine.name}{static} | "
            f"{row.precision} | {row.input_tokens:,}/{row.output_tokens:,} | {batch} | "
            f"{row.conditions}{fit} | {metric} | {_fig(row.published)} | {_fig(row.predicted())} | "
            f"{row.ratio():.2f} | [{ref}] |"
        )
    lines += [
        "",
        "| # | model | hardware | method | precision | stack | conditions | published tok/s per GPU "
        "| predicted | ratio | source |",
        "|---|---|---|---|---|---|---|---:|---:|---:|---|",
    ]
    for i, t in enumerate(TRAINING, 1):
        ref = sources.setdefault(t.source, len(sources) + 1)
        lines.append(
            f"| T{i} | {t.model} | {t.gpus} × {t.gpu} | {t.method} | {t.precision} | {t.stack} | "
            f"{t.conditions}{' (fit)' if t.fit else ''} | {t.published:,.0f} | {t.predicted():,.0f} | {t.ratio():.2f} | [{ref}] |"
        )
    lines += ["", "Sources:", ""]
    lines += [f"{n}. {s}" for s, n in sources.items()]
    return lines


def summary_lines() -> list[str]:
    out = [
        "",
        "| rows | count | median \\|error\\| | worst error | goal |",
        "|---|---:|---:|---:|---|",
    ]
    groups: list[tuple[str, list[ServingRow] | list[TrainingRow], tuple[float, float]]] = [
        ("serving, all", SERVING, SERVING_GOAL),
        ("serving, not used to set a factor", [r for r in SERVING if not r.fit], SERVING_GOAL),
        ("training, all", TRAINING, TRAINING_GOAL),
        ("training, not used to set a factor", [t for t in TRAINING if not t.fit], TRAINING_GOAL),
        (
            "training, multi-GPU stacks (NeMo, AutoModel)",
            [t for t in TRAINING if t.source != SUROGATE],
            TRAINING_GOAL,
        ),
        (
            "training, Unsloth on one GPU, all",
            [t for t in TRAINING if t.source == SUROGATE],
            TRAINING_GOAL,
        ),
        (
            "training, Unsloth on one GPU, not used to set a factor",
            [t for t in TRAINING if t.source == SUROGATE and not t.fit],
            TRAINING_GOAL,
        ),
    ]
    for name, rows, goal in groups:
        median, worst, n = summary(rows)
        out.append(
            f"| {name} | {n} | {median:.0%} | {worst:+.0%} | median ≤ {goal[0]:.0%}, "
            f"none beyond ±{goal[1]:.0%} |"
        )
    return out


def load_table() -> list[str]:
    """Latency under load: each closed-loop row, measured against predicted, then the
    mean absolute error by GPU family and the capacity against the highest load served."""
    lines = [
        "",
        "### Latency under load (closed loops at a fixed concurrency)",
        "",
        "Each metric reads measured → predicted (ratio predicted ÷ measured; below 1 a "
        "latency is optimistic, a throughput pessimistic).",
        "",
        "| # | model | hardware | engine | precision | in/out | clients | TTFT ms | TPOT ms "
        "| e2e ms | output tok/s | conditions | source |",
        "|---|---|---|---|---|---|---:|---|---|---|---|---|---|",
    ]
    sources: dict[str, str] = {}
    for i, row in enumerate(LOAD, 1):
        ref = sources.setdefault(row.source, chr(ord("a") + len(sources)))
        ttft, tpot, e2e, tokens = row.predicted()
        cells = [
            f"{m:,.0f} → {p:,.0f} ({p / m:.2f})"
            for m, p in (
                (row.ttft_ms, ttft),
                (row.tpot_ms, tpot),
                (row.e2e_ms, e2e),
                (row.output_tokens_per_s, tokens),
            )
        ]
        cells[1] = f"{row.tpot_ms:,.1f} → {tpot:,.1f} ({tpot / row.tpot_ms:.2f})"
        lines.append(
            f"| L{i} | {row.model} | {row.gpus} × {row.gpu} | {row.engine.name} | "
            f"{row.precision} | {row.input_tokens:,}/{row.output_tokens:,} | {row.concurrency} | "
            + " | ".join(cells)
            + f" | {row.conditions} | [{ref}] |"
        )
    lines += ["", "Sources:", ""]
    lines += [f"{ref}. {source}" for source, ref in sources.items()]
    lines += [
        "",
        "| GPU family | rows | TPOT MAE | e2e MAE | TTFT MAE | capacity: highest served → "
        "estimate | goal |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for family, error in load_errors().items():
        served, capacity = error["served"], error["capacity"]
        held = (
            f"{served:,.0f} → {capacity:,.0f} tok/s ({capacity / served - 1:+.0%})"
            if error["plateau"]
            else f"not reached: {served:,.0f} tok/s at the most clients run, still rising "
            f"(estimate {capacity:,.0f})"
        )
        lines.append(
            f"| {family} | {error['rows']:.0f} | {error['tpot']:.1%} | {error['e2e']:.1%} | "
            f"{error['ttft']:.1%} | {held} | "
            + (
                V0_APART
                if V0_GROUP in family
                else f"TPOT, e2e ≤ {LOAD_GOAL['tpot']:.0%}; TTFT ≤ {LOAD_GOAL['ttft']:.0%}; "
                f"capacity ±{LOAD_GOAL['capacity']:.0%}"
            )
            + " |"
        )
    return lines


def poisson_errors() -> dict[str, dict[str, float]]:
    """By GPU family: the Poisson rows the estimate places (a rate within its capacity),
    those past it, and the mean absolute errors of TTFT and TPOT over the placed ones."""
    out: dict[str, dict[str, float]] = {}
    for family in dict.fromkeys(row.family() for row in POISSON):
        rows = [row for row in POISSON if row.family() == family]
        placed = [(row, row.predicted()) for row in rows]
        held = [(row, p) for row, p in placed if p is not None]
        out[family] = {
            "rows": float(len(held)),
            "beyond": float(len(rows) - len(held)),
            "ttft": statistics.mean(abs(p[0] / r.ttft_ms - 1.0) for r, p in held),
            "tpot": statistics.mean(abs(p[1] / r.tpot_ms - 1.0) for r, p in held),
        }
    return out


def poisson_table() -> list[str]:
    """Poisson arrivals: each row, measured against the estimate at rate ÷ capacity, then
    the mean absolute errors by GPU family."""
    lines = [
        "",
        "### Latency under load (Poisson arrivals at a fixed rate)",
        "",
        "Each row is `estimate serving --utilization` at the run's rate over the estimated "
        "capacity for its lengths; a rate past that capacity is not placed. The run's "
        "figures are medians; the estimate's are means.",
        "",
        "| # | model | hardware | engine | precision | in/out | req/s | utilization | "
        "TTFT ms | TPOT ms | conditions | source |",
        "|---|---|---|---|---|---|---:|---:|---|---|---|---|",
    ]
    sources: dict[str, str] = {}
    for i, row in enumerate(POISSON, 1):
        ref = sources.setdefault(row.source, chr(ord("p") + len(sources)))
        share, predicted = row.utilization(), row.predicted()
        if predicted is None:
            cells = [
                f"{row.ttft_ms:,.0f} → past capacity",
                f"{row.tpot_ms:,.1f} → past capacity",
            ]
        else:
            ttft, tpot = predicted
            cells = [
                f"{row.ttft_ms:,.0f} → {ttft:,.0f} ({ttft / row.ttft_ms:.2f})",
                f"{row.tpot_ms:,.1f} → {tpot:,.1f} ({tpot / row.tpot_ms:.2f})",
            ]
        lines.append(
            f"| Q{i} | {row.model} | 1 × {row.gpu} | {row.engine.name} | {row.precision} | "
            f"{row.input_tokens:,}/{row.output_tokens:,} | {row.rate:g} | {share:.2f} | "
            + " | ".join(cells)
            + f" | {row.conditions} | [{ref}] |"
        )
    lines += ["", "Sources:", ""]
    lines += [f"{ref}. {source}" for source, ref in sources.items()]
    lines += [
        "",
        "| GPU family | rows placed | past capacity | TPOT MAE | TTFT MAE | goal |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for family, error in poisson_errors().items():
        lines.append(
            f"| {family} | {error['rows']:.0f} | {error['beyond']:.0f} | {error['tpot']:.1%} | "
            f"{error['ttft']:.1%} | "
            + (
                V0_APART
                if V0_GROUP in family
                else f"TPOT ≤ {LOAD_GOAL['tpot']:.0%}; TTFT ≤ {LOAD_GOAL['ttft']:.0%}"
            )
            + " |"
        )
    return lines + capacity_table()


def _sweep_capacity(rows: list[LoadRow]) -> tuple[LoadRow, bool]:
    """The capacity a family's closed loops show: within each sweep (one run's clients
    at several concurrencies: same source, model, GPU and prompt), whether more clients
    served no more output (a plateau, the replica's capacity), and its highest row; a
    sweep with a plateau first, else the sweep run to the most clients."""
    sweeps: dict[tuple[str, str, str, int], list[LoadRow]] = {}
    for row in rows:
        sweeps.setdefault((row.source, row.model, row.gpu, row.input_tokens), []).append(row)
    found: list[tuple[bool, int, LoadRow]] = []
    for sweep in sweeps.values():
        most = max(sweep, key=lambda r: r.concurrency)
        below = [r.output_tokens_per_s for r in sweep if r.concurrency < most.concurrency]
        plateau = bool(below) and max(below) >= 0.98 * most.output_tokens_per_s
        top = max(sweep, key=lambda r: r.output_tokens_per_s)
        found.append((plateau, most.concurrency, top))
    plateau, _, top = max(found, key=lambda f: (f[0], f[1]))
    return top, plateau


def poisson_capacity() -> list[tuple[PoissonRow, float, float | None, float | None]]:
    """Each Poisson run with a service level (:attr:`PoissonRow.sla_met`): its first row,
    the estimate's capacity [requests/s], the highest rate it served within the level and
    the lowest rate above that it did not (None where none)."""
    runs: dict[tuple[str, str, str, int, int], list[PoissonRow]] = {}
    for row in POISSON:
        if row.sla_met is not None:
            key = (row.source, row.model, row.gpu, row.input_tokens, row.output_tokens)
            runs.setdefault(key, []).append(row)
    out = []
    for rows in runs.values():
        met = max((r.rate for r in rows if r.sla_met), default=None)
        failed = min(
            (r.rate for r in rows if not r.sla_met and (met is None or r.rate > met)),
            default=None,
        )
        capacity = rows[0].rate / rows[0].utilization()
        out.append((rows[0], capacity, met, failed))
    return out


def capacity_table() -> list[str]:
    """The Poisson runs' service level against the estimated capacity: the estimate should
    lie between the highest rate served within it and the lowest that was not."""
    lines = [
        "",
        "Capacity: the highest rate each run served with its P99 first token under 500 ms "
        "(AccelMark's service level, loadgen/loadgen.py) and the lowest rate above it that "
        "missed it bound the replica's capacity; the estimate's, for the run's lengths, "
        "should lie between them.",
        "",
        "| hardware | engine | model | in/out | served within the level up to | missed from | "
        "estimated capacity | within the bounds |",
        "|---|---|---|---|---:|---:|---:|---|",
    ]
    for row, capacity, met, failed in poisson_capacity():
        inside = (met is None or capacity >= met) and (failed is None or capacity <= failed)
        lines.append(
            f"| 1 × {row.gpu} | {row.release} | "
            f"{row.model} | "
            f"{row.input_tokens:,}/{row.output_tokens:,} | "
            f"{'none' if met is None else f'{met:g} req/s'} | "
            f"{'none run' if failed is None else f'{failed:g} req/s'} | {capacity:,.1f} req/s | "
            f"{'yes' if inside else 'no'} |"
        )
    return lines


def load_errors() -> dict[str, dict[str, float]]:
    """By GPU family: the rows, mean absolute errors of TTFT, TPOT and e2e, the highest
    output tokens/s served, whether the sweep reached a plateau (more clients served no
    more: the replica's capacity) and the estimate's capacity for those lengths."""
    out: dict[str, dict[str, float]] = {}
    for family in dict.fromkeys(row.family() for row in LOAD):
        rows = [row for row in LOAD if row.family() == family]
        predicted = [row.predicted() for row in rows]

        def mae(k: int, measured: list[float], predicted: list[tuple[float, ...]]) -> float:
            return statistics.mean(
                abs(p[k] / m - 1.0) for p, m in zip(predicted, measured, strict=True)
            )

        top, plateau = _sweep_capacity(rows)
        out[family] = {
            "plateau": float(plateau),
            "rows": float(len(rows)),
            "ttft": mae(0, [r.ttft_ms for r in rows], predicted),
            "tpot": mae(1, [r.tpot_ms for r in rows], predicted),
            "e2e": mae(2, [r.e2e_ms for r in rows], predicted),
            "served": top.output_tokens_per_s,
            "capacity": top.capacity(),
        }
    return out


@dataclass(frozen=True)
class OwnRun:
    """One ``payback calibrate`` file of :data:`OWN`."""

    path: Path
    cal: Calibration

    @property
    def fit(self) -> bool:
        return self.path.name in OWN_FIT

    @property
    def checkpointed(self) -> bool:
        return not any("without activation checkpointing" in n for n in self.cal.measured.notes)

    @property
    def method(self) -> str:
        return self.cal.measured.training_method or "lora"

    @property
    def repeats_decode(self) -> bool:
        """Whether its decode steps repeat a LoRA run's of the same model and context (the
        full and unrecomputed training runs build the same inference model)."""
        return self.method != "lora" or not self.checkpointed

    def label(self) -> str:
        kind = "measured" if self.path.parent.name == "measured" else "examples/calibrations"
        return f"{kind}/{self.path.name}"

    def cells(self, fit: bool) -> str:
        """The row's file and model cells, the file marked ``(fit)`` where ``fit``."""
        return f"{self.label()}{' (fit)' if fit else ''} | {self.cal.model}"

    def shape(self) -> dict[str, Any]:
        catalog = default_catalog()
        return serving_shape(
            catalog.model(self.cal.model), catalog.gpu(self.cal.gpu or "h200"), "bf16", 1, sv.LEAN
        )

    def prefill(self) -> tuple[float, float, float] | None:
        """The prompt's tokens, measured and the lean engine's prefill tokens/s."""
        m = self.cal.measured
        if m.prefill_tokens is None or m.prefill_tokens_per_s is None:
            return None
        shape = {k: v for k, v in self.shape().items() if k not in DECODE_ONLY}
        seconds = float(sv.prefill_seconds(input_tokens=m.prefill_tokens, **shape, engine=sv.LEAN))
        return m.prefill_tokens, m.prefill_tokens_per_s, m.prefill_tokens / seconds

    def decode(self) -> list[tuple[int, float, float, float]]:
        """Each decode step: batch, context, measured ms and the lean engine's ms."""
        shape = self.shape()
        return [
            (
                p.batch,
                p.context_tokens,
                p.measured_ms,
                1e3
                * float(
                    sv.decode_step_seconds(
                        batch=p.batch, context=p.context_tokens, **shape, engine=sv.LEAN
                    )
                ),
            )
            for p in self.cal.measured.decode
        ]

    def training(self) -> dict[str, float | None]:
        """The training estimate on one GPU by stack (None where the stack refuses)."""
        catalog = default_catalog()
        out: dict[str, float | None] = {}
        for stack in tr.STACKS:
            try:
                out[stack] = estimate_training(
                    catalog.model(self.cal.model),
                    catalog.gpu(self.cal.gpu or "h200"),
                    self.method,
                    tokens=1e10,
                    stack=stack,
                    gpus=1,
                ).tokens_per_s_per_gpu
            except PaybackError:
                out[stack] = None
        return out

    def training_ratio(self) -> float | None:
        """The ``unsloth`` stack's estimate over the measurement, for the runs it stands
        for: LoRA with activation checkpointing on one GPU."""
        measured = self.cal.measured.training_tokens_per_s
        predicted = self.training()["unsloth"]
        if self.method != "lora" or not self.checkpointed or not measured or not predicted:
            return None
        return predicted / measured


def own_runs() -> list[OwnRun]:
    return [OwnRun(path, load_calibration(path)) for path in OWN]


def own_table() -> list[str]:
    """Our own measurements: decode steps against the lean engine, training steps against
    each stack, and the error of both."""
    runs = own_runs()
    lines = [
        "",
        "### Our own measurements (one H200, `payback calibrate`)",
        "",
        "`payback calibrate` builds the model's shape with random weights in PyTorch and times "
        "it (`benchmarks/gpu_accuracy.sh`; the files are in `benchmarks/measured/` and "
        "`examples/calibrations/`). Decode steps are replayed as CUDA graphs over a static KV "
        "cache with FlashAttention (SDPA), the loop a serving engine runs on the GPU without "
        "its scheduler: the `lean` engine, whose overheads and bandwidth share were set from "
        "the Llama-3.1-8B file (fit). Ratio: measured ÷ predicted step time (above 1 the "
        "estimate is optimistic).",
        "",
        "| # | file | model | context | batch | measured ms | predicted ms | ratio |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    decode_errors: list[float] = []
    i = 0
    for run in runs:
        if run.repeats_decode:
            continue
        for batch, context, measured, predicted in run.decode():
            i += 1
            lines.append(
                f"| D{i} | {run.cells(run.fit)} | "
                f"{context:,.0f} | {batch} | {measured:.2f} | {predicted:.2f} | "
                f"{measured / predicted:.2f} |"
            )
            if not run.fit:
                decode_errors.append(measured / predicted - 1.0)
    lines += [
        "",
        "Prefill: a batch of prompts through the model, logits for the last token only. "
        "Ratio: predicted ÷ measured tokens/s (the prefill share of the peak, 0.67, was set "
        "from the Llama-3.1-8B file).",
        "",
        "| # | file | model | prompt tokens | measured tok/s | predicted | ratio |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    prefill_errors: list[float] = []
    k = 0
    for run in runs:
        prefill = run.prefill()
        if run.repeats_decode or prefill is None:
            continue
        k += 1
        tokens, measured_tps, predicted_tps = prefill
        lines.append(
            f"| P{k} | {run.cells(run.fit)} | "
            f"{tokens:,.0f} | {measured_tps:,.0f} | {predicted_tps:,.0f} | "
            f"{predicted_tps / measured_tps:.2f} |"
        )
        if not run.fit:
            prefill_errors.append(predicted_tps / measured_tps - 1.0)
    lines += [
        "",
        "Training steps: one GPU, micro-batches of 4,096 tokens, AdamW, LoRA of rank 16 on "
        "every projection, activation checkpointing unless the file says not. The estimate is "
        "given by stack; the `unsloth` stack (a single-GPU trainer: FLOPs at a share of the "
        "peak plus a host time per layer and micro-batch) is the one this loop is, and its "
        "ratio (predicted ÷ measured) is the row's error. The full and unrecomputed runs have "
        "no stack of their kind (`unsloth` trains LoRA and QLoRA, with recomputation).",
        "",
        "| # | file | model | method | measured tok/s | "
        + " | ".join(f"{stack}" for stack in tr.STACKS)
        + " | ratio |",
        "|---|---|---|---|---:|" + "---:|" * len(tr.STACKS) + "---:|",
    ]
    training_errors: list[float] = []
    for j, run in enumerate(runs, 1):
        measured_tps = run.cal.measured.training_tokens_per_s
        if measured_tps is None:
            continue
        by_stack = run.training()
        ratio = run.training_ratio()
        method = run.method + ("" if run.checkpointed else ", no recomputation")
        cells = " | ".join("—" if v is None else f"{v:,.0f}" for v in by_stack.values())
        lines.append(
            f"| O{j} | {run.cells(fit=False)} | {method} | {measured_tps:,.0f} | "
            f"{cells} | {'—' if ratio is None else f'{ratio:.2f}'} |"
        )
        if ratio is not None:
            training_errors.append(ratio - 1.0)
    lines += [
        "",
        "| rows | count | median \\|error\\| | worst error |",
        "|---|---:|---:|---:|",
    ]
    for name, errors in (
        ("decode steps, lean engine, not used to set a factor", decode_errors),
        ("prefill, not used to set a factor", prefill_errors),
        ("LoRA training, `unsloth` stack", training_errors),
    ):
        worst = max(errors, key=abs)
        lines.append(
            f"| {name} | {len(errors)} | {statistics.median(abs(e) for e in errors):.0%} | "
            f"{worst:+.0%} |"
        )
    return lines


def _held(x: float) -> str:
    """A held-back row's figure: whole numbers, one decimal below 100 (21.3 requests/s)."""
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def cautions_table() -> list[str]:
    """The regimes the estimates caution of (:data:`payback.hardware.cautions.REGIMES`),
    with the held-back rows they cite."""
    from payback.hardware.cautions import REGIMES

    ratios = row_ratios()
    lines = [
        "",
        "### Regimes the estimates caution of",
        "",
        "`payback estimate serving`, `estimate training`, `analyze` (its warnings, a "
        "report's Cautions) and `recommend` (of its winner) say in one line when an estimate "
        "falls in one of these regimes, "
        "naming the mechanism and the rows' ratios (`payback.hardware.cautions.REGIMES`; "
        "`tests/hardware/test_cautions.py` holds the ratios cited to these rows). The "
        "estimate itself is unchanged.",
        "",
        "| regime | condition | why | rows inside (ratio) | rows just outside |",
        "|---|---|---|---|---|",
    ]
    for regime in REGIMES.values():
        inside = (
            ", ".join(f"{r.row} ({ratios[r.row]:.2f})" for r in regime.inside) or "none measured"
        )
        lines.append(
            f"| {regime.name} | {regime.condition_text()} | {regime.mechanism} | {inside} | "
            f"{', '.join(regime.outside) or '—'} |"
        )
    lines += [
        "",
        "Held-back rows (named strict xfails of `tests/hardware/test_estimators.py`, beyond ±30%):",
        "",
        "| # | model | hardware | engine | precision | in/out | conditions | metric | published "
        "| predicted | ratio | source |",
        "|---|---|---|---|---|---|---|---|---:|---:|---:|---|",
    ]
    for name, row in HELD_BACK.items():
        lines.append(
            f"| {name} | {row.model} | {row.gpus} × {row.gpu} | {row.engine.name} | "
            f"{row.precision} | {row.input_tokens:,}/{row.output_tokens:,} | {row.conditions} | "
            f"{METRIC_NAMES[row.metric]} | {_held(row.published)} | {_held(row.predicted())} | "
            f"{row.ratio():.2f} | {row.source} |"
        )
    return lines


def section() -> str:
    """The text between the markers of docs/accuracy.md."""
    return "\n".join(
        [
            START,
            *main_table(),
            *summary_lines(),
            *load_table(),
            *poisson_table(),
            *own_table(),
            *cautions_table(),
            END,
        ]
    )


def write(doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(head + section() + tail, encoding="utf-8")


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        write()
    else:
        print(section())
