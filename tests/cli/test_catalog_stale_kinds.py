"""``catalog gpus``: who rents the stale offers it names under the table, where not a GPU
cloud, tried as a new user would with a catalog of their own. Offers of two kinds read
"(...; a hyperscaler's; a marketplace's)" or "(...; a marketplace's; a hyperscaler's)",
the order a set's, which moved with PYTHONHASHSEED; one offer read "(runpod $0.69,
checked 2026-02-15; a marketplace's)". The kinds now go in alphabetical order, counted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ENV

SRC = Path(__file__).resolve().parents[2] / "src"

LISTED = """
import datetime as dt
from typer.testing import CliRunner
from payback.catalog import Catalog, Gpu, GpuPrice
from payback.cli import app, catalog as catalog_cli

FRESH, OLD, OLDER = dt.date(2026, 11, 9), dt.date(2026, 3, 1), dt.date(2026, 2, 15)

def price(provider, usd, checked, provider_kind, kind="reserved_1y"):
    return GpuPrice(provider=provider, usd_per_gpu_hour=usd, provider_kind=provider_kind,
                    kind=kind, source=f"https://example.com/{provider}", checked=checked)

def gpu(gpu_id, *prices):
    return Gpu(id=gpu_id, name=gpu_id.upper(), memory_gb=80, memory_bandwidth_gb_s=3350,
               bf16_tflops=989, source="https://example.com/datasheet", checked=FRESH,
               prices=[price("lambda", 2.99, FRESH, "gpu_cloud", "on_demand"), *prices])

gpus = Catalog.of([
    gpu("mix", price("aws", 3.00, OLD, "hyperscaler"), price("runpod", 1.00, OLDER, "marketplace")),
    gpu("among", price("nebius", 2.00, OLD, "gpu_cloud"), price("vast", 1.50, OLDER, "marketplace"),
        price("salad", 1.25, OLDER, "marketplace")),
    gpu("one", price("runpod", 0.69, OLDER, "marketplace")),
    gpu("clouds", price("nebius", 2.00, OLD, "gpu_cloud")),
])
import payback.catalog
payback.catalog.default_catalog = lambda: gpus
catalog_cli._today = lambda: dt.date(2026, 12, 6)
result = CliRunner(env={"COLUMNS": "500", "NO_COLOR": "1", "TERM": "dumb"}).invoke(
    app, ["catalog", "gpus"])
assert result.exit_code == 0, result.stderr
print(result.stdout)
"""

BELOW = {
    "mix": "reserved-1y 2 of 2 stale (runpod $1.00, checked 2026-02-15; aws $3.00, checked "
    "2026-03-01; 1 hyperscaler offer and 1 marketplace offer)",
    "among": "reserved-1y 3 of 3 stale (salad $1.25, checked 2026-02-15; vast $1.50, checked "
    "2026-02-15; nebius $2.00, checked 2026-03-01; among them 2 marketplace offers)",
    "one": "reserved-1y 1 of 1 stale (runpod $0.69, checked 2026-02-15, a marketplace offer)",
    "clouds": "reserved-1y 1 of 1 stale (nebius $2.00, checked 2026-03-01)",
}


def _below(seed: int) -> dict[str, str]:
    """The lines under the table, ``catalog gpus`` run with PYTHONHASHSEED=``seed``."""
    env = os.environ | ENV | {"PYTHONPATH": str(SRC), "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(
        [sys.executable, "-c", LISTED], capture_output=True, env=env, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    after = out[out.index("the range:") + len("the range:") :]
    return {
        line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
        for line in after.splitlines()
        if line.strip()
    }


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_stale_offers_say_who_rents_them_in_one_order_whatever_the_hash_seed(seed: int) -> None:
    assert _below(seed) == BELOW
