"""Published serving measurements of mixtures of experts against what payback predicts.

Each row names the measurement's engine, hardware, parallelism, precision and token
lengths, and the figure published; ``predicted`` is :func:`payback.estimate_serving` at
the same conditions. ``python benchmarks/accuracy.py`` prints the Markdown rows;
``--write`` puts them into docs/accuracy.md between the MoE markers (tests keep the two
equal). Throughput-at-load runs of TensorRT-LLM let the batch grow to thousands of
sequences (``max_num_seqs`` 2,048, as for the dense rows of the estimator tests); online
runs at a fixed concurrency give that concurrency as the batch.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from payback import estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv

DOC = Path(__file__).resolve().parent.parent / "docs" / "accuracy.md"
START, END = "<!-- moe-rows:start -->", "<!-- moe-rows:end -->"
TOLERANCE = 0.30
"""The goal the dense rows are held to: within ±30% of the published figure."""

TRT_PERF = (
    "TensorRT-LLM perf overview (NVIDIA/TensorRT-LLM docs/source/developer-guide/"
    "perf-overview.md), trtllm-bench throughput at max load, output tok/s per GPU"
)
DSTACK = (
    "dstack 'DeepSeek R1 inference performance: MI300X vs. H200' (2025-03-18, "
    "dstackai/dstack docs/blog/posts/h200-mi300x-deepskeek-benchmark.md), online, output tok/s"
)
TRT = sv.ServingEngine(max_num_seqs=2048)


@dataclass(frozen=True)
class Row:
    model: str
    gpu: str
    gpus: int
    precision: str
    input_tokens: int
    output_tokens: int
    published: float
    conditions: str
    source: str
    batch: int | None = None
    per_gpu: bool = True

    def predicted(self) -> float:
        catalog = default_catalog()
        engine = TRT if self.batch is None else sv.VLLM
        result = estimate_serving(
            catalog.model(self.model),
            catalog.gpu(self.gpu),
            self.precision,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            gpus_per_replica=self.gpus,
            batch=self.batch,
            engine=engine,
        )
        total = result.output_tokens_per_s
        return total / self.gpus if self.per_gpu else total


ROWS = [
    Row(
        "gpt-oss-20b",
        "h100-sxm",
        1,
        "mxfp4",
        1000,
        1000,
        11_557,
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_PERF,
    ),
    Row(
        "gpt-oss-20b",
        "h100-sxm",
        1,
        "mxfp4",
        8192,
        1024,
        3_366,
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_PERF,
    ),
    Row(
        "gpt-oss-20b",
        "h200",
        1,
        "mxfp4",
        1000,
        1000,
        13_858,
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_PERF,
    ),
    Row(
        "gpt-oss-120b",
        "h200",
        1,
        "mxfp4",
        1000,
        1000,
        6_868,
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_PERF,
    ),
    Row(
        "gpt-oss-120b",
        "h200",
        1,
        "mxfp4",
        8192,
        1024,
        1_828,
        "TP1, MXFP4 experts (W4A16 on Hopper)",
        TRT_PERF,
    ),
    Row(
        "qwen3-30b-a3b",
        "b200",
        1,
        "mxfp4",
        1000,
        1000,
        26_971,
        "TP1, NVFP4 checkpoint (modelled as 4-bit expert weights)",
        TRT_PERF,
    ),
    Row(
        "qwen3-30b-a3b",
        "rtx-pro-6000",
        1,
        "mxfp4",
        1000,
        1000,
        9_938,
        "TP1, NVFP4, Server Edition (modelled as 4-bit expert weights)",
        TRT_PERF,
    ),
    Row(
        "deepseek-v3",
        "h200",
        8,
        "fp8",
        1000,
        1000,
        1_627,
        "DeepSeek-R1-0528 (V3's shape), DEP8 (modelled as TP8), FP8",
        TRT_PERF,
    ),
    Row(
        "deepseek-v3",
        "h200",
        8,
        "fp8",
        3200,
        800,
        4_176,
        "DeepSeek-R1, TensorRT-LLM, concurrency 128, FP8",
        DSTACK,
        batch=128,
        per_gpu=False,
    ),
    Row(
        "deepseek-v3",
        "mi300x",
        8,
        "fp8",
        3200,
        800,
        4_574,
        "DeepSeek-R1, vLLM, concurrency 128, FP8",
        DSTACK,
        batch=128,
        per_gpu=False,
    ),
]


def markdown_rows() -> list[str]:
    """The table's rows: one per measurement, predicted to three significant figures."""
    lines = [
        "| model | hardware | precision | input/output | conditions | metric | published "
        "| predicted | ratio | within ±30% |",
        "|---|---|---|---|---|---|---:|---:|---:|---|",
    ]
    for row in ROWS:
        predicted = row.predicted()
        ratio = predicted / row.published
        metric = "output tok/s per GPU" if row.per_gpu else "output tok/s"
        ok = "yes" if abs(ratio - 1.0) <= TOLERANCE else "no"
        lines.append(
            f"| {row.model} | {row.gpus} × {row.gpu} | {row.precision} | "
            f"{row.input_tokens:,}/{row.output_tokens:,} | {row.conditions} | {metric} | "
            f"{row.published:,.0f} | {predicted:,.0f} | {ratio:.2f} | {ok} |"
        )
    return lines


def sources() -> list[str]:
    """The sources of the rows, once each."""
    return [f"- {s}" for s in dict.fromkeys(row.source for row in ROWS)]


def section() -> str:
    """The text between the MoE markers of docs/accuracy.md."""
    return "\n".join([START, *markdown_rows(), "", "Sources:", "", *sources(), END])


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
