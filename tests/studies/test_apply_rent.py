"""What ``recommend --apply`` does with the rent the file gives: kept where the winner runs
on the GPU it rents, or where the file does not say which GPU that is (and said so),
replaced where it rents another GPU. The starter scenario (``payback init``, the quarter
example) quotes $0.80 for an L4 with no ``gpu``: the winner is an L4 and the rent was
commented out for the catalog's $0.8048."""

from __future__ import annotations

from pathlib import Path

import payback
from helpers import EXAMPLES, QUARTER, assert_user_error, run
from payback.scenario import SelfHostedOption, load_scenario
from payback.studies.rewrite import with_winner

MODEL = 'kind = "self_hosted"\nmodel = "qwen2.5-7b"\n'
RENT = (
    "usd_per_gpu_hour = 0.80           # on-demand L4 rent, rounded from catalog: l4 at aws "
    "($0.8048)\n"
)


def _applied(tmp_path: Path, text: str) -> tuple[str, list[str], payback.Recommendation]:
    path = tmp_path / "s.toml"
    path.write_text(text)
    scenario = load_scenario(path)
    result = payback.recommend(scenario)
    assert result.best is not None
    edit = with_winner(path, scenario, result, tmp_path / "new.toml")
    (tmp_path / "new.toml").write_text(edit.text)
    return edit.text, edit.notes, result


def _rent(tmp_path: Path) -> float | None:
    option = load_scenario(tmp_path / "new.toml").alternatives[0]
    assert isinstance(option, SelfHostedOption)
    return option.usd_per_gpu_hour


def test_a_rent_for_a_gpu_the_file_does_not_name_is_replaced_by_the_rent_ranked(
    tmp_path: Path,
) -> None:
    """$0.80 with no gpu: recommend ranked the L4 at the catalog's $0.8048, so analyze pays
    that (1 × 730 × $0.8048 = $587.50 a month, not the $584 of $0.80)."""
    text, notes, result = _applied(
        tmp_path, QUARTER.read_text().replace('kind = "self_hosted"\n', MODEL, 1)
    )
    assert result.best is not None
    assert result.best.gpu == "l4"
    assert "# replaced by payback recommend: " + RENT in text
    assert _rent(tmp_path) is None  # analyze looks the winner's rent up
    assert notes[-1] == (
        "alternatives.0.usd_per_gpu_hour = 0.8 replaced: the file does not say which GPU it "
        "rents (no gpu), so analyze pays the catalog's rent for the winner's l4 (recommend "
        "ranked it at $0.8048/GPU-h)"
    )


def test_a_rent_for_a_gpu_not_named_and_far_from_the_winners_is_replaced(tmp_path: Path) -> None:
    """At 30M requests a month under 30 ms per token the winner is an MI300X (catalog rents
    $1.50-$6.00): $0.80 would price it at about half its rent."""
    text = (
        QUARTER.read_text()
        .replace('kind = "self_hosted"\n', MODEL + "tpot_ms = 30.0\n", 1)
        .replace("requests_per_month = 200000", "requests_per_month = 30000000", 1)
    )
    written, notes, result = _applied(tmp_path, text)
    assert result.best is not None
    assert result.best.gpu == "mi300x"
    assert "# replaced by payback recommend: " + RENT.rstrip("\n") in written
    assert _rent(tmp_path) is None
    assert notes[-1].startswith(
        "alternatives.0.usd_per_gpu_hour = 0.8 replaced: the file does not say which GPU it "
        "rents (no gpu), so analyze pays the catalog's rent for the winner's mi300x"
    )


def test_the_rent_of_the_winners_gpu_is_kept(tmp_path: Path) -> None:
    text = QUARTER.read_text().replace('kind = "self_hosted"\n', MODEL + 'gpu = "L4"\n', 1)
    written, notes, result = _applied(tmp_path, text)
    assert result.best is not None
    assert result.best.gpu == "l4"
    assert RENT in written
    assert _rent(tmp_path) == 0.80
    assert (
        "alternatives.0.usd_per_gpu_hour = 0.8 kept: the rent of the l4 the winner runs on" in notes
    )


def test_a_rent_for_another_gpu_is_replaced(tmp_path: Path) -> None:
    text = (
        QUARTER.read_text()
        .replace('kind = "self_hosted"\n', MODEL + 'gpu = "a10g"\n', 1)
        .replace(RENT, "usd_per_gpu_hour = 9.0  # our a10g quote\n", 1)
    )
    written, notes, result = _applied(tmp_path, text)
    assert result.best is not None
    assert result.best.gpu != "a10g"
    assert "# replaced by payback recommend: usd_per_gpu_hour = 9.0  # our a10g quote\n" in written
    assert _rent(tmp_path) is None  # analyze looks the winner's rent up
    assert not any(" kept: " in note for note in notes)


def test_a_recommend_error_about_the_file_names_it(tmp_path: Path) -> None:
    """It read "error: alternatives: none is self_hosted; ..." where analyze's errors name
    the file; an error about an argument (--alternative) stays the argument's."""
    path = tmp_path / "seed.toml"
    path.write_text((EXAMPLES / "seed.toml").read_text())
    code, out, err = run("recommend", path)
    assert_user_error(code, out, err, f"{path}: alternatives: none is self_hosted")
    code, out, err = run("recommend", EXAMPLES / "quarter-200k.toml", "--alternative", "5")
    assert_user_error(code, out, err, "error: --alternative 5: the scenario has one alternative, 0")
