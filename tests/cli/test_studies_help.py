"""Help that leads to what the command needs, tried as a new user would."""

from __future__ import annotations

from helpers import EXAMPLES, run


def test_solve_help_says_where_the_input_paths_are_listed() -> None:
    """solve --vary takes a dotted path; its help names the command that lists a file's
    (sensitivity ranks every input by path), and that command does list the path the
    help gives as its first example."""
    code, out, _ = run("solve", "--help")
    assert code == 0
    assert "as a dotted path, as payback sensitivity FILE lists a file's inputs:" in " ".join(
        out.replace("│", " ").split()
    )
    code, out, _ = run("sensitivity", str(EXAMPLES / "quarter-200k.toml"))
    assert code == 0
    assert "traffic.requests_per_month" in out
