"""Every bundled example and the starter scenario agree with the serving estimate: a
self-hosted option's capacity is either derived from catalog ids (model and gpu, no
stated number) or stated with a comment naming the estimate it came from
(``estimate: MODEL PRECISION on N × GPU``), and the stated number lies within the range
the engines give for it at the scenario's token lengths and latency target."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from payback import PaybackError, estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    *sorted((ROOT / "examples").glob("*.toml")),
    ROOT / "src" / "payback" / "data" / "starter.toml",
]
SOURCE = re.compile(r"estimate: (?P<model>\S+) (?P<precision>\S+) on (?P<tp>\d+) × (?P<gpu>\S+)")


def _central(value: Any) -> float:
    """A number, or a distribution's central value (median, mode, or the middle)."""
    if not isinstance(value, dict):
        return float(value)
    for key in ("median", "mode", "mean", "value"):
        if key in value:
            return float(value[key])
    return (float(value["low"]) + float(value["high"])) / 2.0


def _capacity_comments(text: str) -> list[str]:
    """The comment on each ``replica_requests_per_s`` line, in file order."""
    return [
        line.split("#", 1)[1] if "#" in line else ""
        for line in text.splitlines()
        if re.match(r"\s*replica_requests_per_s\s*=", line)
    ]


def _estimate_range(
    source: re.Match[str], traffic: dict[str, Any], tpot_ms: float | None
) -> tuple[float, float]:
    catalog = default_catalog()
    model, gpu = catalog.model(source["model"]), catalog.gpu(source["gpu"])
    rates = []
    for engine in sv.ENGINES.values():
        try:
            rates.append(
                estimate_serving(
                    model,
                    gpu,
                    source["precision"],
                    input_tokens=_central(traffic["input_tokens"]),
                    output_tokens=_central(traffic["output_tokens"]),
                    cached_input_share=_central(traffic.get("cached_input_share", 0.0)),
                    gpus_per_replica=int(source["tp"]),
                    tpot_ms=tpot_ms,
                    engine=engine,
                ).replica_requests_per_s
            )
        except PaybackError:
            continue  # an engine that does not serve this precision or GPU
    assert rates, f"no engine serves {source.group(0)}"
    return min(rates), max(rates)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_stated_capacities_come_from_the_estimate(path: Path) -> None:
    _check(path)


def test_the_check_catches_a_capacity_the_estimate_does_not_give(tmp_path: Path) -> None:
    # the starter as it was: a 7B on one L4 serving 2.0 requests/s at 2,000/400 tokens,
    # where the engines give 0.84-0.89; and the same number without its source
    starter = (ROOT / "src" / "payback" / "data" / "starter.toml").read_text(encoding="utf-8")
    line = next(x for x in starter.splitlines() if x.startswith("replica_requests_per_s"))
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(starter.replace(line, line.replace("= 0.85 ", "= 2.0 ")), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"states 2 requests/s; estimate: qwen2.5-7b"):
        _check(wrong)
    unsourced = tmp_path / "unsourced.toml"
    unsourced.write_text(starter.replace(line, "replica_requests_per_s = 1.1"), encoding="utf-8")
    with pytest.raises(AssertionError, match="without saying which estimate"):
        _check(unsourced)


def _check(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    if "workloads" in data:
        pytest.skip(
            "a portfolio states a capacity per workload, each at its own lengths: not checked yet"
        )
    comments = iter(_capacity_comments(text))
    for option in data.get("alternatives", []):
        if option.get("kind") != "self_hosted":
            continue
        if "replica_requests_per_s" not in option:
            # derived: from ids, or from a calibration's benchmark
            assert (
                (option.get("model") or option.get("models")) and option.get("gpu")
            ) or option.get("calibration"), (
                f"{path.name}: {option['name']!r} states no capacity and names no model and gpu"
            )
            continue
        comment = next(comments)
        source = SOURCE.search(comment)
        assert source, (
            f"{path.name}: {option['name']!r} states replica_requests_per_s without saying "
            f"which estimate it came from ('estimate: MODEL PRECISION on N × GPU')"
        )
        low, high = _estimate_range(source, data["traffic"], option.get("tpot_ms"))
        stated = _central(option["replica_requests_per_s"])
        assert low * 0.95 <= stated <= high * 1.05, (
            f"{path.name}: {option['name']!r} states {stated:g} requests/s; "
            f"{source.group(0)} gives {low:.2f}-{high:.2f} at these lengths"
        )
        said = re.search(r"(\d+\.\d\d)-(\d+\.\d\d) by engine", comment)
        if said:  # a range the comment states is the range the engines give
            assert (said[1], said[2]) == (f"{low:.2f}", f"{high:.2f}"), (
                f"{path.name}: the comment says {said[0]}; the engines give {low:.2f}-{high:.2f}"
            )
