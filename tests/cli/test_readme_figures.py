"""Figures the README states in prose or in its examples' comments are what payback gives:
each is computed here and looked for in the README's words."""

from __future__ import annotations

import re
import tomllib

from helpers import ROOT
from payback import PaybackError, estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_portfolio_examples_capacity_comment_is_the_estimates_range() -> None:
    """The SQL helper's comment said the estimate "gives 9.64-9.89 by engine here", beside
    9.7 requests/s; llama-3.1-8b fp8 on one L40S at 2,000/250 tokens gives vllm 5.91,
    sglang 5.87 and trtllm 9.64."""
    block = next(
        b for b in re.findall(r"```toml\n(.*?)```", _readme(), flags=re.S) if "SQL helper" in b
    )
    data = tomllib.loads(block)
    alternative, workload = data["alternatives"][0], data["workloads"][0]
    traffic = workload["traffic"]
    catalog = default_catalog()
    rates = []
    for engine in sv.ENGINES.values():
        try:
            rates.append(
                estimate_serving(
                    catalog.model(alternative["model"]),
                    catalog.gpu(alternative["gpu"]),
                    alternative["precision"],
                    input_tokens=traffic["input_tokens"],
                    output_tokens=traffic["output_tokens"],
                    engine=engine,
                ).replica_requests_per_s
            )
        except PaybackError:
            continue  # an engine that does not serve this precision or GPU
    low, high = min(rates), max(rates)
    assert (f"{low:.2f}", f"{high:.2f}") == ("5.87", "9.64")
    said = re.search(r"which gives (\d+\.\d\d)-(\d+\.\d\d) by engine here", block)
    assert said is not None
    assert (said[1], said[2]) == (f"{low:.2f}", f"{high:.2f}")
    stated = next(iter(workload["alternatives"].values()))["replica_requests_per_s"]
    assert low <= stated <= high * 1.05
