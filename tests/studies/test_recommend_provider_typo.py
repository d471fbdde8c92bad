"""recommend with a misspelt ``gpu_provider``, tried as a new user would: it printed a
16-line table of configurations left out, then "no configuration qualifies: not offered by
lamda for any GPU", where one line before any table names the field, its value, the nearest
provider and every provider the catalog lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, _gpu, assert_user_error, build, build_data, run
from payback.catalog import Catalog, GpuPrice, default_catalog
from payback.errors import PaybackError
from payback.studies.recommend import recommend


def _two_providers() -> Catalog:
    """Two GPUs, one rented by cloudco and one by hyperco and cloudco."""
    small, big = (_gpu(i, 80, 3350, 989, 2.0, fp8_tflops=1979) for i in ("small", "big"))
    offer = small.prices[0]

    def rented(*providers: str) -> list[GpuPrice]:
        return [offer.model_copy(update={"provider": p}) for p in providers]

    return Catalog.of(
        [
            small.model_copy(update={"prices": rented("cloudco")}),
            big.model_copy(update={"prices": rented("hyperco", "cloudco")}),
        ],
        [default_catalog().model("qwen2.5-7b")],
    )


def _searched(**alternative: Any) -> Any:
    data = build_data(3e6, **alternative)
    for key in ("usd_per_gpu_hour", "replica_requests_per_s"):
        del data["alternatives"][0][key]
    return build(data)


def test_an_unknown_provider_is_one_line_naming_the_catalogs() -> None:
    with pytest.raises(PaybackError) as caught:
        recommend(_searched(gpu_provider="cloudc0"), catalog=_two_providers())
    assert caught.value.messages == [
        "alternatives.0.gpu_provider = 'cloudc0': unknown provider; did you mean 'cloudco'? "
        "(known: cloudco, hyperco)"
    ]
    assert caught.value.param == "alternatives.0.gpu_provider"
    with pytest.raises(PaybackError) as caught:  # nothing near it: the list alone
        recommend(_searched(gpu_provider="zzz"), catalog=_two_providers())
    assert caught.value.messages == [
        "alternatives.0.gpu_provider = 'zzz': unknown provider (known: cloudco, hyperco)"
    ]


def test_a_known_provider_in_capitals_is_searched() -> None:
    """Providers are matched in any case, as analyze matches them: HYPERCO rents the big
    GPU only."""
    result = recommend(_searched(gpu_provider="HYPERCO"), catalog=_two_providers())
    assert result.best is not None
    assert {c.gpu for c in result.candidates} == {"big"}


def test_the_command_says_it_in_one_line(tmp_path: Path) -> None:
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    text = text.replace('gpu = "l40s"\n', 'gpu_provider = "lamda"\n', 1)
    path = tmp_path / "typo.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("recommend", path)
    known = sorted({p.provider for g in default_catalog().gpus.values() for p in g.prices})
    assert "lambda" in known
    assert_user_error(
        code,
        out,
        err,
        "alternatives.0.gpu_provider = 'lamda': unknown provider; did you mean 'lambda'? "
        f"(known: {', '.join(known)})",
    )
    assert len(err.strip().splitlines()) == 1
