"""A token length a per-token price needs, missing from a workload, is named by the
workload's path in the file: the first workload's had been named ``traffic.output_tokens``
(a section the file does not have: ``[traffic]`` defaults to the first workload's), the
others' ``workloads.1 ('b'): traffic.input_tokens``."""

from __future__ import annotations

from pathlib import Path

from helpers import assert_user_error, run

HEAD = """
[scenario]
name = "two tasks"
horizon_months = 12

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "fleet"
kind = "self_hosted"
usd_per_gpu_hour = 1.0
replica_requests_per_s = 5.0
portfolio = { fleet = "shared" }
"""


def analyze(tmp_path: Path, workloads: str) -> str:
    path = tmp_path / "p.toml"
    path.write_text(HEAD + workloads)
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    return err.replace(f"error: {path}: ", "")


def test_the_first_workloads_missing_length_is_named_by_its_path(tmp_path: Path) -> None:
    err = analyze(
        tmp_path,
        '[[workloads]]\nname = "a"\ntraffic = { requests_per_month = 1000, input_tokens = 100 }\n',
    )
    assert err == (
        "workloads.0.traffic.output_tokens: is required because baseline ('api') is priced "
        "per token\n"
    )


def test_a_later_workloads_missing_lengths_are_named_by_their_paths(tmp_path: Path) -> None:
    err = analyze(
        tmp_path,
        '[[workloads]]\nname = "a"\n'
        "traffic = { requests_per_month = 1000, input_tokens = 100, output_tokens = 10 }\n"
        '[[workloads]]\nname = "b"\ntraffic = { requests_per_month = 400000 }\n',
    )
    assert err.splitlines() == [
        f"workloads.1.traffic.{field}: is required because baseline ('api') is priced per token"
        for field in ("input_tokens", "output_tokens")
    ]
