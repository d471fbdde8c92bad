"""What a command's help says is what it does: analyze's word on a [traffic] beside
[[workloads]] (said of every [traffic]; only one that differs from the first workload's is
warned of)."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES, run


def _words(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_analyze_help_says_which_traffic_beside_workloads_is_warned_of(tmp_path: Path) -> None:
    """The help said a [traffic] beside [[workloads]] "is not read, and warned of"; a
    [traffic] that repeats the first workload's is said nothing of."""
    code, out, _ = run("analyze", "--help")
    assert code == 0
    said = _words(out)
    assert "and warned of" not in said
    assert (
        "a [traffic] beside them is not read: its fields that differ from the first "
        "workload's are warned of, as they move only the page's one-workload view"
    ) in said
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    first = (
        "requests_per_month = 400000, input_tokens = 1500, output_tokens = 150, "
        "peak_to_average = 3.0"
    )
    assert first in text
    for requests, warned in (("400000", False), ("500000", True)):
        traffic = "[traffic]\n" + first.replace("400000", requests).replace(", ", "\n") + "\n"
        scenario = tmp_path / f"p{requests}.toml"
        scenario.write_text(text.replace("[baseline]", traffic + "\n[baseline]", 1))
        code, _, err = run("analyze", scenario)
        assert code == 0, err
        assert ("[traffic] is not used" in err) is warned, err
