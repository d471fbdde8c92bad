"""``payback analyze FILE --samples N`` of a file with no distribution (tried as a new user
would): it printed "Chance it pays back within 3 months 0%; 6: 0%; 12: 100%" beside "every
sample is the same", and ``--json`` the same shares, which a reader takes for certainty.
Nothing was sampled, so the flag is refused, with one line saying what to add."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT, run

IDS = Path("examples/catalog-ids.toml")
UNCERTAIN = Path("examples/quarter-uncertain.toml")


def refusal(path: Path | str, where: str = "[traffic]") -> str:
    return (
        f"error: --samples: {path} has no distributions, so every sample would be the same "
        f"answer; give an input a range (e.g. under {where}, requests_per_month = "
        '{ dist = "triangular", low = 150000, mode = 200000, high = 320000 }), or see which '
        f"inputs matter over assumed ±25% ranges with `payback sensitivity {path}`"
    )


def test_samples_of_a_file_without_distributions_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    for extra in ((), ("--json",)):
        code, out, err = run("analyze", IDS, "--samples", "100", *extra)
        assert (code, out) == (2, "")
        assert err.strip() == refusal(IDS)
        assert "Traceback" not in err


def test_a_portfolio_without_distributions_is_refused_too() -> None:
    """A portfolio keeps its traffic in its workloads: the example said [traffic] (review)."""
    code, out, err = run("analyze", EXAMPLES / "portfolio.toml", "--samples", "50", "--json")
    assert (code, out) == (2, "")
    where = "a [[workloads]] entry's traffic"
    assert err.strip() == refusal(EXAMPLES / "portfolio.toml", where)


def test_of_several_files_the_one_without_is_not_sampled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compared with a file that has ranges, the one without answers as without --samples
    (no ``uncertainty``), said once on stderr; the other is sampled as alone."""
    monkeypatch.chdir(ROOT)
    code, out, err = run("analyze", "examples/seed.toml", UNCERTAIN, "--samples", "400", "--json")
    assert code == 0, err
    assert err == (
        "note: examples/seed.toml has no distributions: not sampled (every sample would be "
        "the same)\n"
    )
    seed, uncertain = json.loads(out)
    assert "uncertainty" not in seed["alternatives"][0]
    assert seed["alternatives"][0]["break_even_month"] == pytest.approx(400 / 260)  # as alone
    assert uncertain["alternatives"][0]["uncertainty"]["samples"] == 400


def test_several_files_all_without_are_refused_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("analyze", "examples/seed.toml", IDS, "--samples", "100", "--seed", "2")
    assert (code, out) == (2, "")
    assert err.strip() == refusal("examples/seed.toml and examples/catalog-ids.toml").replace(
        "has no", "have no"
    ).replace(
        "sensitivity examples/seed.toml and examples/catalog-ids.toml",
        "sensitivity examples/seed.toml",
    )


def test_a_bad_sample_count_is_said_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run("analyze", IDS, "--samples", "0")
    assert code == 2
    assert err.strip() == "error: --samples 0: must be a whole number from 1 to 2,000,000"


def test_without_samples_and_with_ranges_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file alone still answers; a file with ranges still samples: 14 uncertain
    inputs, and the shares of 200 samples each a multiple of 1/200."""
    monkeypatch.chdir(ROOT)
    code, out, err = run("analyze", IDS)
    assert code == 0, err
    assert "Chance it pays back" not in out
    code, out, err = run("analyze", UNCERTAIN, "--samples", "200", "--json")
    assert code == 0, err
    data = json.loads(out)
    u = data["alternatives"][0]["uncertainty"]
    assert len(u["inputs"]) == 14
    assert u["samples"] == 200
    for share in u["p_break_even_within"].values():
        assert share is None or abs(share * 200 - round(share * 200)) < 1e-9


@pytest.mark.parametrize("path", [Path("examples/growth.toml"), Path("examples/portfolio.toml")])
def test_report_and_explain_refuse_as_analyze_does(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``report … --samples 2000`` and ``explain … --samples 2000`` of a file without
    distributions wrote a report and printed "every sample is the same" where analyze
    stopped: all three refuse in the same line, before any file is written."""
    monkeypatch.chdir(ROOT)
    output = tmp_path / "r.md"
    for args in (
        ("analyze", path),
        ("explain", path),
        ("explain", path, "--json"),
        ("report", path, "-o", output),
    ):
        code, out, err = run(*args, "--samples", "2000")
        assert (code, out) == (2, ""), args
        where = "a [[workloads]] entry's traffic" if "portfolio" in path.name else "[traffic]"
        assert err.strip() == refusal(path, where), args
    assert not output.exists()
    assert not list(tmp_path.iterdir())


def test_report_and_explain_of_a_file_with_ranges_still_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("explain", UNCERTAIN, "--samples", "50", "--json")
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["uncertainty"]["samples"] == 50
    code, _, err = run("report", UNCERTAIN, "--samples", "50", "-o", tmp_path / "r.html")
    assert code == 0, err
    assert "50 samples" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_yaml_file_is_shown_the_range_in_yaml_and_the_hint_followed_samples(
    tmp_path: Path,
) -> None:
    """The hint gave TOML's { dist = "triangular", ... } for a YAML file; written so in YAML,
    it was refused as "traffic.requests_per_month = a table: must be a number" (tried as a
    new user would)."""
    path = tmp_path / "s.yaml"
    assert run("init", path)[0] == 0
    code, _, err = run("analyze", path, "--samples", "100")
    hint = "requests_per_month: {dist: triangular, low: 150000, mode: 200000, high: 320000}"
    assert code == 2
    assert f"(e.g. under traffic:, {hint})" in err
    text = path.read_text(encoding="utf-8")
    start = text.index("  requests_per_month:")
    end = text.index("\n", start)
    toml_way = '{ dist = "triangular", low = 150000, mode = 200000, high = 320000 }'
    (tmp_path / "toml_way.yaml").write_text(
        text[:start] + f"  requests_per_month: {toml_way}" + text[end:], encoding="utf-8"
    )
    code, _, err = run("analyze", tmp_path / "toml_way.yaml")
    assert code == 2
    assert err.strip().endswith(
        "traffic.requests_per_month: YAML writes a range's keys as key: value, {dist: "
        "triangular, low: 150000, mode: 200000, high: 320000}, not key = value"
    )
    path.write_text(text[:start] + f"  {hint}" + text[end:], encoding="utf-8")
    code, out, err = run("analyze", path, "--samples", "100", "--json")
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["uncertainty"]["samples"] == 100


def test_a_range_without_dist_names_the_key_that_names_its_kind(tmp_path: Path) -> None:
    """{ distribution = "triangular", low = ..., ... } read "= a table: must be a number"."""
    text = (EXAMPLES / "quarter-200k.toml").read_text(encoding="utf-8")
    start = text.index("requests_per_month =")
    end = text.index("\n", start)
    path = tmp_path / "dn.toml"
    path.write_text(
        text[:start]
        + 'requests_per_month = { distribution = "triangular", low = 150000, mode = 200000, '
        "high = 320000 }" + text[end:],
        encoding="utf-8",
    )
    code, out, err = run("analyze", path)
    assert (code, out) == (2, "")
    assert err.strip() == (
        f'error: {path}: traffic.requests_per_month: a range names its kind in dist (dist = "'
        'triangular" beside low, mode, high); distribution is not a key of a range'
    )
