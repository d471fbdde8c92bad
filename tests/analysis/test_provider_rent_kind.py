"""A ``gpu_provider`` is billed at the pricing kind the option asks for, or refused (tried
as a new user would: ``gpu_provider = "neocloud"`` on an H100 billed neocloud's 1-year
reserved $2.35 as on-demand rent, and ``"modal"`` its serverless $3.95, in analyze, a
training job and recommend); the rent a provider is chosen at is described by that
offer's own facts (a marketplace's said so, in --json and in words); a training job
chooses ``gpu_price`` as an alternative does."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_user_error, build, fleet_dict, run
from payback import PaybackError
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog, gpu_offer, provider_gap
from payback.scenario import parse_scenario

TODAY = dt.date(2026, 12, 1)

SCENARIO = """
[scenario]
name = "rent check"
horizon_months = 12
discount_rate_annual = 0.0

[traffic]
requests_per_month = 100000
input_tokens = 1000
output_tokens = 200

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 3.0
output_usd_per_mtok = 15.0

[[alternatives]]
name = "self"
kind = "self_hosted"
"""


def _file(tmp_path: Path, alternative: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(SCENARIO + alternative)
    return path


def _rented(gpu: str, **fields: Any) -> dict[str, Any]:
    data = fleet_dict(gpu=gpu, **fields)
    del data["alternatives"][0]["usd_per_gpu_hour"]
    return data


def test_a_provider_with_a_reserved_price_only_is_not_billed_on_demand(tmp_path: Path) -> None:
    path = _file(tmp_path, 'gpu = "h100-sxm"\nreplica_requests_per_s = 1.0\n')
    code, out, err = run("analyze", path)
    assert code == 0, err
    path.write_text(path.read_text() + 'gpu_provider = "neocloud"\n')
    code, out, err = run("analyze", path)
    assert_user_error(
        code,
        out,
        err,
        "alternatives.0.gpu_provider = 'neocloud': neocloud has no on-demand price for "
        'h100-sxm, only a reserved-1y one; commitment = "1y" pays it; or give usd_per_gpu_hour',
    )
    assert len(err.strip().splitlines()) == 1
    # the way out the line gives works: the reserved price, as a reserved one
    path.write_text(path.read_text() + 'commitment = "1y"\n')
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    rent = json.loads(out)["estimates"]["alternatives.0.usd_per_gpu_hour"]
    assert (rent["usd_per_gpu_hour"], rent["kind"], rent["provider"]) == (
        2.35,
        "reserved_1y",
        "neocloud",
    )


def test_a_serverless_platform_named_points_to_gpu_price(tmp_path: Path) -> None:
    path = _file(
        tmp_path, 'gpu = "h100-sxm"\nreplica_requests_per_s = 1.0\ngpu_provider = "modal"\n'
    )
    code, out, err = run("analyze", path)
    assert_user_error(
        code,
        out,
        err,
        "alternatives.0.gpu_provider = 'modal': modal has no on-demand price for h100-sxm, "
        'only a serverless one; gpu_price = "serverless" in place of gpu_provider pays '
        "serverless platforms' median",
    )
    path.write_text(path.read_text().replace('gpu_provider = "modal"', 'gpu_price = "serverless"'))
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    rent = json.loads(out)["estimates"]["alternatives.0.usd_per_gpu_hour"]
    assert (rent["usd_per_gpu_hour"], rent["kind"]) == (3.9492, "serverless")


def test_the_offer_of_a_provider_is_of_the_kind_asked_for() -> None:
    h100 = default_catalog().gpus["h100-sxm"]
    assert gpu_offer(h100, "neocloud") is None
    assert gpu_offer(h100, "modal") is None
    reserved = gpu_offer(h100, "neocloud", "reserved_1y")
    assert reserved is not None
    assert reserved.usd_per_gpu_hour == 2.35
    aws = gpu_offer(h100, "aws")
    assert aws is not None
    assert (aws.kind, aws.usd_per_gpu_hour) == ("on_demand", 6.88)
    with pytest.raises(PaybackError, match="no h100-sxm price from 'nobody'"):
        gpu_offer(h100, "nobody")
    # a training run has no commitment to write: no pointer to one
    assert provider_gap(h100, "neocloud", "on_demand", terms=False) == (
        "neocloud has no on-demand price for h100-sxm, only a reserved-1y one"
    )


def _training(**job: Any) -> dict[str, Any]:
    data = fleet_dict()
    data["alternatives"][0]["one_time"] = {
        "training": {
            "model": "qwen2.5-7b",
            "gpu": "h100-sxm",
            "examples": 10_000,
            "tokens_per_example": 1000,
            "epochs": 2,
            **job,
        }
    }
    return data


def test_a_training_job_is_refused_a_reserved_price_as_on_demand() -> None:
    with pytest.raises(PaybackError) as err:
        resolve(build(_training(gpu_provider="neocloud")), today=TODAY)
    assert str(err.value) == (
        "alternatives.0.one_time.training.gpu_provider = 'neocloud': neocloud has no "
        "on-demand price for h100-sxm, only a reserved-1y one; a training run rents on "
        "demand: choose another provider or give usd_per_gpu_hour"
    )


def test_a_training_job_chooses_gpu_price(tmp_path: Path) -> None:
    """The file that had said 'did you mean [[alternatives]] gpu_price?' for the inline
    table's field, and trained at runpod's $3.99 when it was moved to the alternative."""
    path = "alternatives.0.one_time.training.usd_per_gpu_hour"
    paid = resolve(build(_training(gpu_price="hyperscaler")), today=TODAY)
    assert paid.sources[path].value == 10.9791  # gcp: the median of aws, gcp, azure
    assert paid.details[path]["chosen_by"] == "gpu_price"
    assert paid.details[path]["provider_kind"] == "hyperscaler"
    default = resolve(build(_training()), today=TODAY)
    assert default.sources[path].value == 3.99
    serverless = resolve(build(_training(gpu_price="serverless")), today=TODAY)
    assert serverless.sources[path].value == 3.9492
    with pytest.raises(PaybackError, match=r"training.gpu_price = 'hyperscaler' and gpu_pro"):
        parse_scenario(_training(gpu_price="hyperscaler", gpu_provider="aws"))
    text = _file(
        tmp_path,
        'gpu = "h100-sxm"\nreplica_requests_per_s = 5\n[alternatives.one_time]\ntraining = '
        '{ model = "qwen2.5-7b", gpu = "h100-sxm", examples = 10000, tokens_per_example = '
        '1000, epochs = 2, gpu_price = "hyperscaler" }\n',
    )
    code, out, err = run("analyze", text, "--json")
    assert code == 0, err
    assert json.loads(out)["sources"][path]["value"] == 10.9791


def test_rent_fields_a_training_job_does_not_read_are_said() -> None:
    said = resolve(build(_training(gpu_price="hyperscaler", usd_per_gpu_hour=2.0)), today=TODAY)
    assert (
        "alternatives.0.one_time.training.gpu_price is not used: usd_per_gpu_hour is given and wins"
    ) in said.warnings


def test_recommend_leaves_out_a_reserved_price_it_would_bill_on_demand(tmp_path: Path) -> None:
    path = _file(tmp_path, 'model = "qwen2.5-7b"\ntpot_ms = 50\ngpu_provider = "neocloud"\n')
    code, out, err = run("recommend", path)
    assert code == 2, (out, err)
    assert "$2.35" not in out + err
    assert (
        'neocloud has no on-demand price for h100-sxm, only a reserved-1y one; commitment = "1y"'
        in " ".join(out.split())
    )
    path.write_text(path.read_text() + 'commitment = "1y"\n')
    code, out, err = run("recommend", path)
    assert code == 0, err
    assert "1y committed rent from neocloud" in " ".join(out.split())


def test_a_marketplace_offer_named_keeps_its_facts() -> None:
    """l40 at runpod: a marketplace's offer (RunPod's Community Cloud), the only one."""
    done = resolve(build(_rented("l40", gpu_provider="runpod")), today=TODAY)
    rent = done.details["alternatives.0.usd_per_gpu_hour"]
    assert rent["usd_per_gpu_hour"] == 0.69
    assert rent["provider_kind"] == "marketplace"
    assert (rent["basis_count"], rent["offers_count"]) == (1, 1)
    assert (rent["offers_low_usd_per_gpu_hour"], rent["offers_high_usd_per_gpu_hour"]) == (
        0.69,
        0.69,
    )
    assert rent["chosen_by"] == "gpu_provider"
    assert rent["description"].startswith(
        "runpod's marketplace on-demand price, third-party hosts with no datacentre SLA"
    )
    assert "marketplace" in done.sources["alternatives.0.usd_per_gpu_hour"].source


def test_a_provider_named_is_described_by_its_own_offer_not_the_median() -> None:
    """aws's H100: a hyperscaler's offer, one offer the basis, none of the GPU-cloud
    median's stale offers (nebius) listed as its basis; the range of all offers still
    counts them."""
    done = resolve(build(_rented("h100-sxm", gpu_provider="aws")), today=TODAY)
    rent = done.details["alternatives.0.usd_per_gpu_hour"]
    assert (rent["usd_per_gpu_hour"], rent["provider"], rent["provider_kind"]) == (
        6.88,
        "aws",
        "hyperscaler",
    )
    assert rent["basis_count"] == 1
    assert rent["stale_offers"] == []
    assert rent["fallback"] is False
    assert rent["offers_count"] == 7
    assert [o["provider"] for o in rent["offers_stale"]] == ["nebius"]
    assert [o["used"] for o in rent["offers_stale"]] == [False]


def test_gpu_price_beside_owned_servers_is_said_unused() -> None:
    owned = {
        "usd_per_server": 100_000.0,
        "gpus_per_server": 8,
        "kw_per_server": 10.0,
        "usd_per_kwh": 0.12,
        "pue": 1.3,
        "colocation_usd_per_server_month": 1500.0,
        "depreciation_months": 36,
        "financing": "depreciation",
    }
    data = _rented("h100-sxm", gpu_price="hyperscaler", owned=owned)
    said = resolve(build(data), today=TODAY).warnings
    assert "alternatives.0.gpu_price is not used: owned servers pay no rent" in said
    given = resolve(build(fleet_dict(gpu="h100-sxm", gpu_price="hyperscaler")), today=TODAY)
    assert given.warnings == [
        "alternatives.0.gpu_price is not used: usd_per_gpu_hour is given and wins"
    ]
    # a serverless gpu_price bills busy seconds at the rent given: it is used
    serverless = fleet_dict(gpu="h100-sxm", gpu_price="serverless")
    assert resolve(build(serverless), today=TODAY).warnings == []


def test_a_gap_says_how_to_pay_what_the_provider_has() -> None:
    """'only a on-demand one' and no way to pay it; a serverless price offered to a
    committed fleet, which the schema refuses (a serverless rent is not committed)."""
    h100 = default_catalog().gpus["h100-sxm"]
    assert provider_gap(h100, "lambda", "reserved_1y") == (
        'lambda has no reserved-1y price for h100-sxm, only an on-demand one; commitment = "none" '
        "pays it"
    )
    assert provider_gap(h100, "modal", "reserved_1y") == (
        "modal has no reserved-1y price for h100-sxm, only a serverless one"
    )
