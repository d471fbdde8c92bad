"""Every file payback writes (init, report, recommend --apply, usage -o) goes through one
writer: a symbolic link stays a link and the file it points to is written, and a file made
read-only is refused in one line, exit 2, left as it was (it was replaced all the same, a
new file renamed over it, and a link was replaced by a file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import assert_user_error, run


def test_init_force_through_a_link_writes_the_file_it_points_to(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("# mine\n")
    link = tmp_path / "link.toml"
    link.symlink_to("real.toml")
    code, _, err = run("init", link, "--force")
    assert code == 0, err
    assert link.is_symlink()
    assert link.readlink() == Path("real.toml")
    assert real.read_text().startswith("# A starter payback scenario")


def test_report_through_a_link_writes_the_file_it_points_to(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    link = tmp_path / "report.md"
    link.symlink_to(tmp_path / "out" / "report.md")
    code, _, err = run("report", "examples/seed.toml", "-o", link)
    assert code == 0, err
    assert link.is_symlink()
    text = (tmp_path / "out" / "report.md").read_text()
    assert "\n# seed: " in text
    # its charts beside the file it points to, where its image links find them
    assert "](report-cumulative.png)" in text
    assert (tmp_path / "out" / "report-cumulative.png").exists()
    assert not (tmp_path / "report-cumulative.png").exists()


@pytest.mark.parametrize("through_link", [False, True])
def test_a_read_only_file_is_refused_and_kept(tmp_path: Path, through_link: bool) -> None:
    real = tmp_path / "real.toml"
    real.write_text("# mine, read-only\n")
    real.chmod(0o444)
    target = real
    if through_link:
        target = tmp_path / "link.toml"
        target.symlink_to("real.toml")
    try:
        assert_user_error(
            *run("init", target, "--force"),
            f"error: {target}: is read-only; left as it is (make it writable to replace it)",
        )
        assert real.read_text() == "# mine, read-only\n"
        assert target.is_symlink() == through_link
    finally:
        real.chmod(0o644)
