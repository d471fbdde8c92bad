"""recommend for owned servers, tried as a new user would: --help said it "Searches every
catalog GPU" and the count line counted the configurations of the owned GPU alone, with no
word of why. The help and a note say only the servers' GPU is searched."""

from __future__ import annotations

import json

from helpers import EXAMPLES, run


def test_owned_servers_search_their_gpu_and_say_so() -> None:
    code, out, err = run("recommend", EXAMPLES / "owned-h100.toml", "--json")
    assert code == 0, err
    answer = json.loads(out)
    note = (
        "alternatives.0 runs on owned servers, which hold one GPU type: only their gpu, "
        "h100-sxm, is searched (its precisions, GPUs per replica and replicas); without "
        "[owned], every catalog GPU is searched at its rent"
    )
    assert answer["notes"] == [note]
    assert {c["gpu"] for c in answer["candidates"]} == {"h100-sxm"}
    assert f"note: {note}" in " ".join(err.split())
    code, out, err = run("recommend", EXAMPLES / "catalog-ids.toml", "--json")
    assert code == 0, err
    assert json.loads(out)["notes"] == []


def test_the_help_says_owned_servers_search_their_gpu() -> None:
    code, out, err = run("recommend", "--help")
    assert code == 0, err
    assert "Searches every catalog GPU (with [owned] servers, only the gpu they hold" in (
        " ".join(out.split())
    )
