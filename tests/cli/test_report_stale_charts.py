"""A Markdown report written again into its folder (tried as a new user would): a scenario
with three alternatives, then one with one, left the first one's extra charts there
(r-components-2.png, r-tornado-2.png), in the folder that gets attached to a design review.
Those its previous version linked are removed now, each only if payback wrote it and
nobody changed it since; nothing the user wrote or changed is touched."""

from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLES
from payback.cli import app
from payback.cli._files import owned, stamped

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
SEED = EXAMPLES / "seed.toml"
SEED_CHARTS = ["r-cumulative.png", "r-components-0.png", "r-one-time.png", "r-per-1k.png"]
SEED_CHARTS += ["r-tornado-0.png"]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=ENV).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def a_png(seed: int) -> bytes:
    """A 1x1 grey PNG, its shade ``seed``."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    pixels = _chunk(b"IDAT", zlib.compress(bytes([0, seed])))
    return b"\x89PNG\r\n\x1a\n" + header + pixels + _chunk(b"IEND", b"")


def payback_wrote(path: Path, content: bytes) -> Path:
    path.write_bytes(stamped(path, content))
    assert owned(path)
    return path


def previous_report(folder: Path, links: list[str]) -> Path:
    """A report payback wrote before (stamped), linking ``links``."""
    text = "# before\n\n" + "".join(f"![chart]({name})\n\n" for name in links)
    return payback_wrote(folder / "r.md", text.encode())


def test_only_payback_charts_the_previous_report_linked_are_removed(tmp_path: Path) -> None:
    stale = payback_wrote(tmp_path / "r-tornado-2.png", a_png(1))
    user = tmp_path / "r-user.png"
    user.write_bytes(a_png(2))  # the user's own PNG under a chart's name
    edited = payback_wrote(tmp_path / "r-edited.png", a_png(3))
    edited.write_bytes(edited.read_bytes() + b"\n")  # changed since payback wrote it
    hard = payback_wrote(tmp_path / "r-hard.png", a_png(4))
    os.link(hard, tmp_path / "kept-under-another-name.png")
    elsewhere = payback_wrote(tmp_path / "elsewhere.png", a_png(5))
    (tmp_path / "r-link.png").symlink_to(elsewhere)
    unlinked = payback_wrote(tmp_path / "r-tornado-3.png", a_png(6))  # not in the old report
    other = payback_wrote(tmp_path / "other-tornado-2.png", a_png(7))
    links = ["r-tornado-2.png", "r-user.png", "r-edited.png", "r-hard.png", "r-link.png"]
    previous_report(tmp_path, [*links, "other-tornado-2.png", "../r-tornado-2.png"])
    code, out, err = run("report", SEED, "-o", tmp_path / "r.md")
    assert code == 0, err
    assert out.splitlines() == [
        f"Wrote {tmp_path / 'r.md'} and 5 charts beside it",
        "Removed 1 charts of its previous version, not in this one: r-tornado-2.png",
    ]
    assert not stale.exists()
    for kept in (user, edited, hard, elsewhere, tmp_path / "r-link.png", unlinked, other):
        assert kept.exists(), kept.name
    assert user.read_bytes() == a_png(2)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            "r.md",
            *SEED_CHARTS,
            "r-user.png",
            "r-edited.png",
            "r-hard.png",
            "kept-under-another-name.png",
            "elsewhere.png",
            "r-link.png",
            "r-tornado-3.png",
            "other-tornado-2.png",
        ]
    )


def test_an_edited_previous_report_removes_nothing(tmp_path: Path) -> None:
    """Its links are the user's: replaced with --force, the charts it linked stay."""
    stale = payback_wrote(tmp_path / "r-tornado-2.png", a_png(1))
    report = previous_report(tmp_path, ["r-tornado-2.png"])
    report.write_text(report.read_text() + "my notes\n")
    code, out, err = run("report", SEED, "-o", report, "--force", "--json")
    assert code == 0, err
    assert "removed" not in json.loads(out)
    assert stale.exists()


@pytest.mark.slow
def test_a_report_of_fewer_alternatives_leaves_none_of_the_earlier_charts(tmp_path: Path) -> None:
    """The finding as it was: growth.toml's three alternatives, then seed.toml's one."""
    report = tmp_path / "st" / "r.md"
    assert run("report", EXAMPLES / "growth.toml", "-o", report)[0] == 0
    assert len(list(report.parent.iterdir())) == 10
    code, out, err = run("report", SEED, "-o", report, "--json")
    assert code == 0, err
    removed = ["r-components-1.png", "r-components-2.png", "r-tornado-1.png", "r-tornado-2.png"]
    assert json.loads(out)["removed"] == [str(report.parent / n) for n in removed]
    assert sorted(p.name for p in report.parent.iterdir()) == sorted(["r.md", *SEED_CHARTS])
