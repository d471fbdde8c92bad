"""A real PostgreSQL server for the request-log tests, started from the PostgreSQL binaries
(initdb, pg_ctl) in a temporary folder on 127.0.0.1, once per test session.

It is skipped when the binaries are missing, unless PAYBACK_REQUIRE_POSTGRES=1 (CI), where
that fails instead. initdb refuses to run as root: as root the server runs as ``nobody``
(the data folder is given to that user). The login is ``payback`` with a password over TCP
(scram-sha-256), so refused logins can be tested too.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "s3cret-Pw!d"
USER = "payback"


@dataclass(frozen=True)
class Postgres:
    """A running server: where it listens and the URL of its ``postgres`` database."""

    host: str
    port: int
    bin: Path
    password: str = PASSWORD

    def url(self, password: str | None = PASSWORD, db: str = "postgres") -> str:
        auth = f"{USER}:{password}" if password is not None else USER
        return f"postgresql://{auth}@{self.host}:{self.port}/{db}"


def _bin_dir() -> Path | None:
    for name in ("initdb", "pg_ctl"):
        found = shutil.which(name)
        if found:
            return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(args: list[str], root: bool) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *args] if root else args


def start_postgres() -> tuple[Postgres, Callable[[], None]]:
    """Start a server in a new temporary folder: it and the function that stops it and
    removes the folder. Raises FileNotFoundError without the binaries and RuntimeError
    when the server does not start."""
    bindir = _bin_dir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        raise FileNotFoundError("PostgreSQL binaries (initdb, pg_ctl) not found")
    root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="payback-pg-"))
    data, pwfile, log = base / "data", base / "pw", base / "log"
    pwfile.write_text(PASSWORD + "\n")
    if root:
        import pwd

        nobody = pwd.getpwnam("nobody")
        base.chmod(0o755)
        os.chown(base, nobody.pw_uid, nobody.pw_gid)
        os.chown(pwfile, nobody.pw_uid, nobody.pw_gid)
    port = _free_port()
    initdb = [
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        USER,
        f"--pwfile={pwfile}",
        "--auth-host=scram-sha-256",
        "--auth-local=trust",
        "--encoding=UTF8",
        "--no-sync",
    ]
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} "
        "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    )
    start = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]
    try:
        for args in (initdb, start):
            subprocess.run(
                _as_server_user(args, root), check=True, capture_output=True, text=True, cwd=base
            )
    except subprocess.CalledProcessError as exc:
        text = log.read_text() if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(
            f"PostgreSQL did not start: {exc.stderr or exc.stdout} {text[-2000:]}"
        ) from None

    def stop() -> None:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], root),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)

    return Postgres("127.0.0.1", port, bindir), stop


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server for this test session (see the module docstring)."""
    pytest.importorskip("psycopg")
    try:
        server, stop = start_postgres()
    except FileNotFoundError as exc:
        if os.environ.get("PAYBACK_REQUIRE_POSTGRES") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        stop()
