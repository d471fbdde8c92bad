"""One "did you mean" rule for every refused name (:mod:`payback.nearby`): hand cases of the
rule, and the places that used difflib's own on their own terms (case counted, a word that
starts a name not preferred) and missed a name the rule finds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import QUARTER, build, fleet_dict, run
from payback import PaybackError, load_scenario
from payback.analysis.resolve import resolve
from payback.catalog import Catalog, default_catalog
from payback.nearby import nearby, nearest
from payback.studies.targets import parse_target


def test_the_name_but_for_case_comes_first_and_is_returned_as_listed() -> None:
    assert nearby("NPV_usd", ["npv_usd_x", "npv_usd"]) == ["npv_usd", "npv_usd_x"]
    assert nearby("h100", ["H100-SXM"]) == ["H100-SXM"]


def test_a_name_that_starts_with_the_word_then_one_that_holds_it_then_a_similar_one() -> None:
    # h100-sxm starts with h100; gh100 holds it; h200 shares h, 0, 0: 2*3/8 = 0.75
    assert nearby("h100", ["h200", "gh100", "h100-sxm"]) == ["h100-sxm", "gh100", "h200"]
    # peak is 4 of peak_to_average's 15 letters (a quarter or more); only 2*4/19 = 0.42 similar
    assert nearby("peak", ["requests_per_month", "peak_to_average"]) == ["peak_to_average"]


def test_a_word_less_than_a_quarter_of_a_name_does_not_count_as_held() -> None:
    # s is 1 of 8 and 1 of 9 letters, 2/9 and 2/10 similar: neither is near
    assert nearby("s", ["scenario", "workloads"]) == []
    # L is 1 of l40s's 4: a quarter, held
    assert nearby("L", ["l40s"]) == ["l40s"]


def test_the_cutoff_is_the_least_similarity_and_inclusive() -> None:
    assert nearby("l5", ["l4"]) == []  # 2*1/4 = 0.5 under the default 0.6
    assert nearby("l5", ["l4"], cutoff=0.5) == ["l4"]
    assert nearby("abcd", ["abcxyz"]) == ["abcxyz"]  # 2*3/10 = 0.6 exactly
    assert nearby("abcd", ["abcxyz"], cutoff=0.61) == []
    # a real id that holds another is no slip of it: 2*3/12 = 0.5 < 0.8
    assert nearby("a100-80gb", ["a10"], cutoff=0.8) == []


def test_ties_go_to_the_longer_start_in_common_then_to_the_order_listed() -> None:
    # both 2*5/13 similar (gpt- and 4 in common); gpt-4.1 starts as gpt-4x does for 5 letters
    assert nearby("gpt-4x", ["gpt-5.4", "gpt-4.1"]) == ["gpt-4.1", "gpt-5.4"]
    assert nearby("l4", ["l4x", "l40"]) == ["l4x", "l40"]  # both start with l4, 2*2/5
    assert nearby("l4", ["l40", "l4x"]) == ["l40", "l4x"]


def test_n_names_at_most_each_once() -> None:
    assert nearby("l4", ["l40", "l40s", "l4x"], n=2) == ["l40", "l4x"]
    assert nearby("l4", ["l40", "l40"]) == ["l40"]
    assert nearby("l4", ["l40"], n=0) == []
    assert nearby("", ["l40"]) == []
    assert nearest("l4", ["a10", "l40s"]) == "l40s"
    assert nearest("zzz", ["a10", "l40s"]) is None


def test_a_metric_in_another_case_is_suggested() -> None:
    """difflib counted case: NPV_usd was 2*4/14 similar to npv_usd, no suggestion."""
    with pytest.raises(PaybackError) as caught:
        parse_target("NPV_usd=0")
    assert str(caught.value) == (
        "target 'NPV_usd=0': unknown metric 'NPV_usd'; did you mean 'npv_usd'? "
        "allowed: break_even_month, npv_usd, break_even_requests"
    )


def test_a_field_written_short_is_suggested_whole(tmp_path: Path) -> None:
    """peak for peak_to_average was 0.42 similar, under difflib's 0.6: no suggestion."""
    path = tmp_path / "s.toml"
    path.write_text(QUARTER.read_text().replace("peak_to_average = 4.0", "peak = 4.0"))
    with pytest.raises(PaybackError) as caught:
        load_scenario(path)
    assert str(caught.value) == (
        f"{path}: traffic.peak: unknown field in traffic; did you mean 'peak_to_average'? "
        "allowed: requests_per_month, growth_monthly, input_tokens, output_tokens, "
        "cached_input_share, peak_to_average"
    )


def test_an_option_in_capitals_is_suggested() -> None:
    code, out, err = run("analyze", QUARTER, "--SAMPLES", "5")
    assert (code, out) == (2, "")
    assert err.startswith(
        "error: --SAMPLES: no such option of payback analyze (did you mean --samples?); "
    )


def test_a_gpu_without_rent_is_not_offered_a_shorter_id_it_starts_with() -> None:
    """a100-80gb starts with a10, another GPU: it was offered as a slip of it."""
    catalog = default_catalog()
    unrented = catalog.gpus["a100-80gb"].model_copy(update={"prices": []})
    small = Catalog.of(
        gpus=[catalog.gpus["a10"], unrented, catalog.gpus["l4"]], models=catalog.models.values()
    )
    data = fleet_dict(gpu="a100-80gb")
    del data["alternatives"][0]["usd_per_gpu_hour"]
    with pytest.raises(PaybackError) as caught:
        resolve(build(data), small, today=dt.date(2026, 12, 1))
    assert str(caught.value) == (
        "alternatives.0.gpu = 'a100-80gb': the catalog has no on-demand price for a100-80gb; "
        "give usd_per_gpu_hour"
    )
