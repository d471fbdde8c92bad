"""A chdb data folder is read without writing into it: a folder that is no chdb data folder
is refused untouched, and a real one is opened through a shadow folder (chdb made ``tmp/``
and a ``status`` lock in the folder it was given, and merged a table's parts there, even
read-only)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback.measure.usage import profile_database

pytestmark = pytest.mark.slow


def state(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every entry under ``folder`` (itself too): its change time, size and link target."""
    found = {}
    for top, folders, files in os.walk(folder):
        for name in [".", *folders, *files]:
            path = os.path.join(top, name)
            st = os.lstat(path)
            link = os.readlink(path) if os.path.islink(path) else ""
            found[os.path.normpath(path)] = (st.st_mtime_ns, st.st_size, link)
    return found


def test_a_folder_that_is_no_chdb_data_folder_is_refused_untouched(tmp_path: Path) -> None:
    pytest.importorskip("chdb.session")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.txt").write_text("hi\n")
    before = state(folder)
    code, out, err = run("usage", f"chdb://{folder}")
    assert_user_error(
        code,
        out,
        err,
        f"url 'chdb://{folder}': not a chdb data folder ('{folder}' holds no metadata/",
    )
    assert "nothing was written there" in err
    assert state(folder) == before  # chdb had made tmp/ in it
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_chdb_data_folder_is_read_without_a_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 parts of one table, merges stopped while they were written: a session on the
    folder merges them within seconds; read through the shadow, the folder stays as it was
    (no tmp/, no lock, no merged part) and the rows are all read. The shadow is made in a
    temporary folder of this test's own (another test or process may make one meanwhile)."""
    chdb_session = pytest.importorskip("chdb.session")
    own = tmp_path / "tmp"
    own.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own))
    folder = tmp_path / "chdb"
    session = chdb_session.Session(str(folder))
    session.query(
        "CREATE TABLE logs (ts DateTime('UTC'), input_tokens UInt32, output_tokens UInt32) "
        "ENGINE = MergeTree ORDER BY ts"
    )
    session.query("SYSTEM STOP MERGES logs")
    for day in range(1, 31):
        session.query(f"INSERT INTO logs VALUES ('2026-04-{day:02d} 12:00:00', {day}, 2)")
    session.close()
    for scratch in ("tmp", "status"):  # chdb's own, left by the session that wrote
        path = folder / scratch
        if path.is_dir():
            path.rmdir()
    before = state(folder)
    got = profile_database(f"chdb://{folder}", table="logs")
    assert got.traffic["input_tokens"] == pytest.approx(15.5)  # (1 + ... + 30) / 30
    assert got.traffic["output_tokens"] == 2.0
    assert state(folder) == before
    assert os.listdir(own) == []  # the shadow is removed


def test_links_into_the_folder_stay_in_the_shadow(tmp_path: Path) -> None:
    """A link inside the data folder that points into it by an absolute path is pointed at
    the shadow's copy; one that points out of it keeps its target."""
    from payback.measure.usage.chfolder import shadow_folder

    folder = tmp_path / "data"
    (folder / "metadata").mkdir(parents=True)
    (folder / "store").mkdir()
    (folder / "store" / "t.sql").write_text("x")
    (tmp_path / "outside.txt").write_text("y")
    (folder / "metadata" / "abs").symlink_to(folder / "store")
    (folder / "metadata" / "rel").symlink_to("../store")
    (folder / "metadata" / "out").symlink_to("../../outside.txt")
    (folder / "tmp").mkdir()
    with shadow_folder(str(folder), "chdb://x") as shadow:
        assert sorted(os.listdir(shadow)) == ["metadata", "store"]  # not chdb's tmp/
        assert os.readlink(f"{shadow}/metadata/abs") == f"{shadow}/store"
        assert os.readlink(f"{shadow}/metadata/rel") == "../store"
        assert os.readlink(f"{shadow}/metadata/out") == str(tmp_path / "outside.txt")
        assert os.path.islink(f"{shadow}/store/t.sql")
        assert os.path.realpath(f"{shadow}/store/t.sql") == str(folder / "store" / "t.sql")
        assert len(os.readlink(f"{shadow}/store/t.sql")) < 60  # kept in its inode
        assert not os.path.islink(f"{shadow}/store")
    assert not os.path.exists(shadow)
