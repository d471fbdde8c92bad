"""The starter's one training run states what the estimator gives for its compute: it had
called $40 "a few GPU-hours", where $40 is 50 hours of its own $0.80 L4 and the estimate of
a LoRA over its ~2k examples is about 4.5 (tried as a new user would)."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import payback
from payback.catalog import default_catalog

STARTER = resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")


def test_the_training_comment_is_the_estimate() -> None:
    data = tomllib.loads(STARTER)
    traffic = data["traffic"]
    per_example = traffic["input_tokens"] + traffic["output_tokens"]  # 2,000 + 400
    said = re.search(
        r"~(\d+)k examples, is ~([\d.]+) L4 GPU-hours \(\$([\d.]+): `payback\s+#\s+estimate "
        r"training --model (\S+) --gpu (\S+) --tokens (\S+)`\)",
        STARTER,
    )
    assert said is not None
    examples, hours, usd, model, gpu, tokens = said.groups()
    assert float(tokens) == float(examples) * 1000 * per_example == 4.8e6
    catalog = default_catalog()
    run = payback.estimate_training(catalog.model(model), catalog.gpu(gpu), tokens=float(tokens))
    served = re.search(r"estimate: (\S+) bf16 on 1 × (\S+) at", STARTER)  # the capacity's
    assert served is not None
    assert (run.epochs, model, gpu) == (3.0, *served.groups())
    assert f"{run.gpu_hours:.1f}" == hours == "4.5"
    assert f"{run.usd:.2f}" == usd
