"""A file whose sections a scenario does not have: the unknown one is named first (with the
near name where there is one), before the required ones it leaves missing; a file that
reads as a portfolio but lists no ``[[workloads]]`` is told that a portfolio needs them."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES, run


def _errors(tmp_path: Path, text: str, name: str = "s.toml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    return [line.removeprefix(f"error: {path}: ") for line in err.splitlines()]


def test_an_unknown_section_alone_is_named_first(tmp_path: Path) -> None:
    lines = _errors(tmp_path, "[foo]\n")
    assert (
        lines[0]
        == "foo: unknown section [foo]; allowed: scenario, traffic, baseline, alternatives, workloads"
    )
    assert lines[1:] == [
        "scenario: required section is missing (Name, horizon and discount rate)",
        "traffic: required section is missing (the workload: a single scenario needs "
        "[traffic]; a portfolio gives [[workloads]] entries instead)",
        "baseline: required section is missing (What you do today)",
        "alternatives: required section is missing (What you could do instead)",
    ]


def test_a_misspelt_section_comes_first_with_the_near_name(tmp_path: Path) -> None:
    lines = _errors(tmp_path, "[traffc]\nrequests_per_month = 1000\n")
    assert lines[0].startswith("traffc: unknown section [traffc]; did you mean 'traffic'? ")


def test_a_misspelt_field_keeps_its_words(tmp_path: Path) -> None:
    """A plain value at the top level is a field, not a section."""
    lines = _errors(tmp_path, "foo = 1\n")
    assert lines[0].startswith("foo: unknown field in the top level; allowed: scenario, ")


def _portfolio_head() -> str:
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    return text[: text.index("[[workloads]]")]


def test_a_portfolio_without_workloads_is_told_it_needs_them(tmp_path: Path) -> None:
    assert _errors(tmp_path, _portfolio_head()) == [
        "traffic: required section is missing; the file reads as a portfolio "
        "(alternatives.0.portfolio is given), which needs [[workloads]] entries, each with "
        "its name and traffic (see examples/portfolio.toml); a single scenario gives "
        "[traffic] instead"
    ]


def test_a_misspelt_workloads_reads_as_a_portfolio(tmp_path: Path) -> None:
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    text = text.replace("[[workloads]]", "[[workload]]")
    text = "\n".join(x for x in text.splitlines() if not x.startswith("portfolio = "))
    lines = _errors(tmp_path, text)
    assert lines[0].startswith("workload: unknown section [workload]; did you mean 'workloads'?")
    assert lines[1].startswith(
        "traffic: required section is missing; the file reads as a portfolio (workload is "
        "given), which needs [[workloads]] entries"
    )


def test_a_yaml_file_is_told_in_yaml_words(tmp_path: Path) -> None:
    lines = _errors(tmp_path, "foo:\n  a: 1\n", name="s.yaml")
    assert lines[0].startswith("foo: unknown section; allowed: scenario, ")
    assert (
        "traffic: required section is missing (the workload: a single scenario needs a "
        "traffic: table; a portfolio gives a workloads: list instead)"
    ) in lines
