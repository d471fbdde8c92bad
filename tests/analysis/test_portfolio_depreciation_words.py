"""A shared fleet of owned servers on depreciation, kept past depreciation_months: the
portfolio said each workload's own line, sized for that workload alone, where the fleet
they share is what is charged. Now the line is the shared fleet's, as for cash."""

from __future__ import annotations

from pathlib import Path

from helpers import FROZEN_PORTFOLIO, run

OWNED = (
    'owned = { usd_per_server = 60000, gpus_per_server = 4, financing = "depreciation", '
    "depreciation_months = 12 }"
)


def test_the_shared_fleet_is_said_once_as_the_portfolio_sizes_it(tmp_path: Path) -> None:
    text = FROZEN_PORTFOLIO.read_text()
    rent = "usd_per_gpu_hour = 0.86          # an L40S, on demand; an 8B model in FP8 fits one"
    assert rent in text
    path = tmp_path / "owned.toml"
    path.write_text(text.replace(rent, OWNED, 1))
    code, _, err = run("analyze", path)
    assert code == 0, err
    lines = [line for line in err.splitlines() if "depreciation_months = 12" in line]
    # min_replicas 2 of 1 GPU: one server of 4 GPUs all 24 months, $60,000 / 12 = $5,000 a
    # month: $120,000 charged, of which months 13-24 ($60,000) replace it
    assert lines == [
        "warning: alternatives.0 ('Llama 3.1 8B, an adapter per task, one fleet'), the fleet "
        'its 5 workloads share: financing = "depreciation": $60,000 of the $120,000 charged '
        "pays for replacing the servers after depreciation_months = 12 (months 13-24)"
    ]
