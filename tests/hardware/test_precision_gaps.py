"""A precision a GPU cannot be priced at, told as what it is: no tensor cores for the
format (FP8 on Ampere) or no rate in the catalog (the A10G's INT8), and never advised.

Found tried as a new user would: ``--gpu a10g --precision int8`` said the A10G (Ampere,
INT8 tensor cores) had no INT8 tensor cores, ``--gpu rtx-pro-6000`` the same of a Blackwell
card, and a model too large for one node at BF16 was advised onto formats the GPU was then
refused at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import build, build_data
from payback.catalog import Catalog, default_catalog
from payback.cli import app
from payback.errors import PaybackError
from payback.hardware.device import TENSOR_FORMATS, gpu_family, precision_gap
from payback.hardware.estimate import estimate_serving
from payback.studies.configurations import NO_RATE, NO_TENSOR_CORES
from payback.studies.recommend import recommend

CAT = default_catalog()
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
SERVING = ("estimate", "serving", "--model")


def one_error(*args: str | Path) -> str:
    """The single line of a run that failed with exit code 2, nothing on stdout."""
    result = CliRunner(env=ENV).invoke(app, [str(a) for a in args])
    assert (result.exit_code, result.stdout) == (2, ""), (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    return line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            (*SERVING, "llama-3.1-8b", "--gpu", "a10g", "--precision", "int8"),
            "error: --precision int8: the catalog gives no INT8 rate for a10g: its Ampere tensor "
            "cores run INT8, but its record has no int8_tops; use bf16, int4 on it, or add "
            "int8_tops (dense) to its record in the catalog's gpus.toml",
        ),
        (  # Ampere has no FP8 tensor cores: that refusal stays as it was
            (*SERVING, "llama-3.1-8b", "--gpu", "a10g", "--precision", "fp8"),
            "error: --precision fp8: a10g has no FP8 tensor cores; use bf16, int4 on it, or a "
            "GPU that has them",
        ),
        (
            (*SERVING, "gpt-oss-120b", "--gpu", "a10g"),
            "error: gpt-oss-120b at bf16 has 234 GB of weights; 8 × a10g hold 162 GB usable; it "
            "needs at least 12 × a10g at bf16 (more than one node); 4 at int4; 4 at mxfp4; one "
            "node of 8 holds it at int4, mxfp4 only",
        ),
        (
            (*SERVING, "deepseek-v3", "--gpu", "a10g"),
            "error: deepseek-v3 at bf16 has 1,342 GB of weights; 8 × a10g hold 162 GB usable; it "
            "needs at least 67 × a10g at bf16 (more than one node); 18 at int4; 19 at mxfp4; "
            "none of these fits one node of 8 GPUs (a replica's tensor parallelism)",
        ),
        (  # on an A100 INT8 is priced, FP8 is not: the advice keeps int8 and drops fp8
            (*SERVING, "deepseek-v3", "--gpu", "a100-80gb"),
            "error: deepseek-v3 at bf16 has 1,342 GB of weights; 8 × a100-80gb hold 606 GB "
            "usable; it needs at least 18 × a100-80gb at bf16 (more than one node); 9 at int8; "
            "8 at int4; 8 at mxfp4; one node of 8 holds it at int4, mxfp4 only",
        ),
    ],
)
def test_the_refusal_and_the_advice_are_true(args: tuple[str, ...], expected: str) -> None:
    assert one_error(*args) == expected


def test_the_rtx_pro_6000_runs_int8_at_its_fp8_rate() -> None:
    """Its record derives INT8 as the FP8 rate, 1,000 dense TOP/s, as the RTX 5090's."""
    gpu, model = CAT.gpu("rtx-pro-6000"), CAT.model("llama-3.1-8b")
    assert (gpu.int8_tops, gpu.fp8_tflops) == (1000, 1000)
    int8 = estimate_serving(model, gpu, "int8")
    assert int8.prefill_tokens_per_s == estimate_serving(model, gpu, "fp8").prefill_tokens_per_s


def test_every_gap_in_the_catalog_is_one_of_no_tensor_cores_or_no_figure() -> None:
    """Every packaged GPU whose architecture multiplies FP8 or INT8 gives the rate, but the
    A10G's INT8 (no rate published by NVIDIA or AWS); Ampere lacks FP8 alone."""
    figure, cores = set(), set()
    for gpu in CAT.gpus.values():
        for precision in ("fp8", "int8"):
            gap = precision_gap(gpu, precision)
            if gap == "figure":
                figure.add((gpu.id, precision))
            elif gap == "cores":
                cores.add((gpu.id, precision))
                assert precision not in TENSOR_FORMATS[gpu_family(gpu)]
    assert figure == {("a10g", "int8")}
    ampere = {g.id for g in CAT.gpus.values() if gpu_family(g) == "ampere"}
    assert cores == {(g, "fp8") for g in ampere}
    assert ampere == {"a100-80gb", "a100-40gb", "a100-pcie", "a10", "a10g", "rtx-a6000"}


def _advice() -> list[tuple[str, str, list[str]]]:
    """Each (model, GPU, precisions) a refusal in the packaged catalog advises: those it
    names with a count of GPUs, and those one node holds it at."""
    found = []
    for gpu in CAT.gpus.values():
        for model in CAT.models.values():
            try:
                estimate_serving(model, gpu)
            except PaybackError as err:
                named = re.findall(r"; [\d,]+ at (\w+)", str(err))
                one_node = re.search(r"holds it at (.*) only", str(err))
                if one_node:
                    named += one_node.group(1).split(", ")
                if named:
                    found.append((model.id, gpu.id, named))
    return found


ADVICE = _advice()


def test_the_advice_is_given_somewhere() -> None:
    assert len(ADVICE) >= 19
    assert ("gpt-oss-120b", "a10g", ["int4", "mxfp4", "int4", "mxfp4"]) in ADVICE


@pytest.mark.parametrize(
    ("model", "gpu", "precisions"), ADVICE, ids=[f"{m}-{g}" for m, g, _ in ADVICE]
)
def test_every_precision_advised_is_accepted_on_that_gpu(
    model: str, gpu: str, precisions: list[str]
) -> None:
    """The property: a precision the advice names is one estimate serving runs on the GPU
    (it may still need more GPUs than one node; it is never refused for the precision)."""
    for precision in precisions:
        refusal = _refusal(model, gpu, precision)
        assert refusal is None or refusal.param != "precision", str(refusal)
        assert "tensor cores" not in str(refusal)
        assert "gives no" not in str(refusal)


def _refusal(model: str, gpu: str, precision: str) -> PaybackError | None:
    try:
        estimate_serving(CAT.model(model), CAT.gpu(gpu), precision)
    except PaybackError as err:
        return err
    return None


def test_recommend_counts_a_missing_figure_apart_from_missing_tensor_cores() -> None:
    catalog = Catalog.of(
        [CAT.gpu("a10g"), CAT.gpu("a100-80gb")], [default_catalog().model("qwen2.5-7b")]
    )
    result = recommend(build(build_data()), catalog=catalog)
    # 1, 2 and 4 GPUs each (its 28 heads): the A10G at fp8 (no cores) and int8 (no rate),
    # the A100 at fp8 (no cores)
    assert result.excluded[NO_TENSOR_CORES] == 6
    assert result.excluded[NO_RATE] == 3
    assert result.examples[NO_RATE] == "qwen2.5-7b int8 on 1 × a10g"
