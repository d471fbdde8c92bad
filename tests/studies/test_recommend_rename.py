"""The ``recommend --apply`` rename, tried as a new user would: a GPU the name mentions by
its catalog id, its catalog name or a short form ("H100", "4xH100", "4 × H100") becomes the
winner's; one the rename cannot match is left and said. The old rename matched catalog ids
only: "llama 70B fp8 on 4xH100" named a winner on 1 × mi300x."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, run
from payback.catalog import default_catalog
from payback.scenario import load_scenario
from payback.studies.gpu_names import swap_gpus


@pytest.mark.parametrize(
    ("name", "gpu", "tp", "new", "unsure"),
    [
        ("llama 70B on 4xH100", "mi300x", 1, "llama 70B on 1xMI300X", []),
        ("llama 8B on 4 × H100", "h100-sxm", 2, "llama 8B on 2 × H100", []),
        ("llama 8B fp8 on H100", "h100-pcie", 1, "llama 8B fp8 on H100", []),  # an H100 still
        ("on rented H200s", "l4", 1, "on rented L4s", []),
        ("Qwen on one rented L4", "l40s", 1, "Qwen on one rented L40S", []),
        ("8B on NVIDIA L4 24GB", "mi300x", 1, "8B on MI300X", []),
        ("on h100-sxm", "l40s", 1, "on l40s", []),
        ("RTX 4090 rig", "rtx-5090", 1, "RTX 5090 rig", []),
        ("on A800 boxes", "l4", 1, "on A800 boxes", ["A800"]),
        ("on H100, measured on an H200", "l4", 1, "on L4, measured on an H200", ["H200"]),
        ("qwen3-8b bf16 vs gpt-4o", "l4", 1, "qwen3-8b bf16 vs gpt-4o", []),
    ],
)
def test_gpu_mentions(name: str, gpu: str, tp: int, new: str, unsure: list[str]) -> None:
    swap = swap_gpus(name, gpu, tp, default_catalog())
    assert (swap.name, swap.unsure) == (new, unsure)


RENAME = """\
[scenario]
name = "rename"
horizon_months = 24

[traffic]
requests_per_month = 3000000
input_tokens = 1500
output_tokens = 300
peak_to_average = 2.5

[baseline]
name = "gpt-4o"
kind = "hosted_api"
model = "openai:gpt-4o"

[[alternatives]]
name = "llama 70B bf16 on 4xH100"
kind = "self_hosted"
model = "llama-3.1-70b"
gpu = "h100-sxm"
gpus_per_replica = 4
precision = "bf16"
"""


def test_the_applied_name_says_the_winners_gpus(tmp_path: Path) -> None:
    """The winner, llama-3.1-70b fp8 on 1 × mi300x (192 GB holds 70 GB of fp8 weights)."""
    path = tmp_path / "r.toml"
    path.write_text(RENAME)
    code, _, err = run("recommend", path, "--apply", "-o", tmp_path / "new.toml")
    assert code == 0
    option = load_scenario(tmp_path / "new.toml").alternatives[0]
    assert option.name == "llama 70B fp8 on 1xMI300X"
    assert "(4xH100 by 1xMI300X, bf16 by fp8)" in " ".join(err.split())


def test_a_name_it_cannot_read_is_left_and_said(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(RENAME.replace("on 4xH100", "on A800s"))
    code, _, err = run("recommend", path, "--apply", "-o", tmp_path / "new.toml")
    assert code == 0
    assert load_scenario(tmp_path / "new.toml").alternatives[0].name == "llama 70B fp8 on A800s"
    assert (
        "alternatives.0.name = 'llama 70B fp8 on A800s': 'A800s' left as written, which "
        "recommend cannot match to the winner (llama-3.1-70b fp8 on 1 × mi300x); the name may "
        "no longer describe the configuration"
    ) in " ".join(err.split())


@pytest.mark.parametrize(
    ("name", "configured", "gpu", "new", "unsure"),
    [
        # the configured GPU's mention, not the first ("L4" is a network layer here)
        ("OSI L4 gateway on H100", "h100-sxm", "mi300x", "OSI L4 gateway on MI300X", ["L4"]),
        # else the one after "on" or a count
        ("OSI L4 gateway on H100", None, "mi300x", "OSI L4 gateway on MI300X", ["L4"]),
        ("L4 tests, serving 2xH100", None, "l40s", "L4 tests, serving 1xL40S", ["L4"]),
        # a memory size after it made the winner's, or said where the winner's is unknown
        ("H100 SXM5 80GB fleet", "h100-sxm", "mi300x", "MI300X 192GB fleet", []),
        ("H100 80GB fleet", None, "b200", "B200 80GB fleet", ["80GB"]),
        ("H100 80GB fleet", None, "h100-pcie", "H100 80GB fleet", []),
        # periods and o-series models are no GPU; other words starting with o may be
        ("FY25 plan on H100", None, "l4", "FY25 plan on L4", []),
        ("o3 vs H100", None, "l4", "o3 vs L4", []),
        ("on OAM100 boxes", None, "l4", "on OAM100 boxes", ["OAM100"]),
    ],
)
def test_the_mention_replaced(
    name: str, configured: str | None, gpu: str, new: str, unsure: list[str]
) -> None:
    swap = swap_gpus(name, gpu, 1, default_catalog(), configured)
    assert (swap.name, swap.unsure) == (new, unsure)


def test_the_applied_name_replaces_the_configured_gpus_mention(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(RENAME.replace("llama 70B bf16 on 4xH100", "L4 relay, H100 fleet"))
    code, _, err = run("recommend", path, "--apply", "-o", tmp_path / "new.toml")
    assert code == 0, err
    option = load_scenario(tmp_path / "new.toml").alternatives[0]
    assert option.name == "L4 relay, MI300X fleet"


def test_owned_servers_keep_their_size_in_the_name(tmp_path: Path) -> None:
    """recommend --apply on the owned-H100 example renamed "on owned 8x H100 servers" to
    "4x H100 servers", with the file's gpus_per_server still 8: the count was the servers',
    not a replica's. A count equal to the servers' GPUs is left; a replica's is swapped."""
    swap = swap_gpus("on owned 8x H100 servers", "h100-sxm", 4, default_catalog(), per_server=8)
    assert (swap.name, swap.replaced) == ("on owned 8x H100 servers", [])
    swap = swap_gpus("on owned 2x H100", "h100-sxm", 4, default_catalog(), per_server=8)
    assert swap.name == "on owned 4x H100"
    out = tmp_path / "owned.toml"
    code, _, err = run("recommend", EXAMPLES / "owned-h100.toml", "--apply", "-o", out)
    assert code == 0, err
    option = load_scenario(out).alternatives[0]
    assert option.gpus_per_replica == 4  # the winner: replicas of 4 in servers of 8
    assert option.owned is not None
    assert option.owned.gpus_per_server == 8
    assert option.name == "Llama 3.1 8B FP8 on owned 8x H100 servers"
