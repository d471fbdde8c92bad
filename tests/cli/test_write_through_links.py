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
    # a link to nothing yet: --force (see the last test)
    code, _, err = run("report", "examples/seed.toml", "-o", link, "--force")
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


def test_init_onto_a_link_says_where_it_points_and_needs_force(tmp_path: Path) -> None:
    real = tmp_path / "p.txt"
    real.write_text("mine\n")
    link = tmp_path / "p.toml"
    link.symlink_to("p.txt")
    assert_user_error(
        *run("init", link),
        f"error: {link}: already exists, a link to p.txt; use --force to overwrite p.txt "
        "through it\n",
    )
    assert real.read_text() == "mine\n"


@pytest.mark.parametrize("suffix", [".toml", ".md", ".html"])
def test_a_link_to_nothing_is_not_written_through_without_force(
    tmp_path: Path, suffix: str
) -> None:
    """Tried as a new user would: ``init d.toml``, d.toml a link to a missing gone.toml, made
    gone.toml without --force (so did ``report -o``): the name is there, as a link."""
    link = tmp_path / f"d{suffix}"
    link.symlink_to(f"gone{suffix}")
    args = ("init", link) if suffix == ".toml" else ("report", "examples/seed.toml", "-o", link)
    code, out, err = run(*args)
    assert_user_error(code, out, err)
    assert err == (
        f"error: {link}: already exists, a link to gone{suffix}, which does not exist; use "
        f"--force to write gone{suffix} through it\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [link.name]
    code, _, err = run(*args, "--force")  # written through the link, which stays one
    assert code == 0, err
    assert link.is_symlink()
    assert (tmp_path / f"gone{suffix}").is_file()
    if suffix != ".toml":  # payback's own report, unchanged: replaced through it as before
        code, _, err = run(*args)
        assert code == 0, err
