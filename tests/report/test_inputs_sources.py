"""The report's inputs table names every number ``analyze --json`` lists among its sources:
a derived number behind another (a training run's GPU rent from the catalog, behind the
training cost it prices) was listed by analyze and left out of the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import EXAMPLES, run
from payback import analyze, load_scenario
from payback.report.common import inputs_table

SCENARIOS = sorted(p for p in EXAMPLES.glob("*.toml") if "[[workloads]]" not in p.read_text())


def test_the_examples_are_read() -> None:
    names = {p.name for p in SCENARIOS}
    assert {"catalog-ids.toml", "growth.toml", "owned-h100.toml"} <= names
    assert "portfolio.toml" not in names  # a portfolio's report is another table


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_source_of_analyze_is_an_input_row(path: Path) -> None:
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    sources = json.loads(out)["sources"]
    table = inputs_table(analyze(load_scenario(path)))
    rows = {r[0]: dict(zip(table.header, r, strict=True)) for r in table.rows}
    for key, source in sources.items():
        assert key in rows, key
        assert rows[key]["source"] == source["source"]
        if source["checked"]:
            assert f"checked {source['checked']}" in rows[key]["reference"]
    assert len(rows) == len(table.rows)  # none twice


def test_the_training_rent_is_in_the_report_beside_its_cost(tmp_path: Path) -> None:
    code, _, err = run("report", EXAMPLES / "catalog-ids.toml", "-o", tmp_path / "r.md")
    assert code == 0, err
    lines = (tmp_path / "r.md").read_text().splitlines()
    rent = next(i for i, line in enumerate(lines) if "one_time.training.usd_per_gpu_hour" in line)
    assert lines[rent].startswith(
        r"| `alternatives.0.one_time.training.usd_per_gpu_hour` | \$3.99 | catalog: h100-sxm at "
        "runpod (lower middle of 4 GPU-cloud on-demand offers"
    )
    assert lines[rent].endswith("| https://www.runpod.io/pricing; checked 2026-11-09 |")
    # the row before is the training cost that rent went into; the job's numbers follow
    # it (inputs of the studies: the cost follows them)
    assert lines[rent - 1].startswith(r"| `alternatives.0.one_time.training_usd` | \$7.01 |")
    assert lines[rent + 1].startswith(
        "| `alternatives.0.one_time.training.examples` | 20,000 | scenario file |"
    )
    code, _, err = run("report", EXAMPLES / "catalog-ids.toml", "-o", tmp_path / "r.html")
    assert code == 0, err
    page = (tmp_path / "r.html").read_text().replace("<wbr>", "")
    row = re.search(r"<code>alternatives\.0\.one_time\.training\.usd_per_gpu_hour<.*?</tr>", page)
    assert row is not None
    assert "$3.99" in row.group(0)
    assert "checked 2026-11-09" in row.group(0)
