"""A real PostgreSQL server for the request-log tests, started from the PostgreSQL binaries
(initdb, pg_ctl) in a temporary folder on 127.0.0.1, once per test session.

It is skipped when the binaries are missing, unless PAYBACK_REQUIRE_POSTGRES=1 (CI), where
that fails instead. initdb refuses to run as root: as root the server runs as ``nobody``
(the data folder is given to that user). The login is ``payback`` with a password over TCP
(scram-sha-256), so refused logins can be tested too.

PgBouncer, from its Debian package, can be put in front of it (:func:`start_pgbouncer`): the
pooler that hosted PostgreSQL (Supabase, Neon) and many LiteLLM deployments put between
clients and the server. It is skipped or failed alike when ``pgbouncer`` is missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
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


def start_pgbouncer(
    server: Postgres,
    *,
    pool_mode: str = "transaction",
    ignore: str = "",
    pool_size: int = 20,
    query_wait_s: int = 120,
) -> tuple[Postgres, Callable[[], None]]:
    """Start PgBouncer on a free port of 127.0.0.1 in front of ``server`` (the same login,
    scram-sha-256): where it listens, and the function that stops it. ``ignore`` is its
    ``ignore_startup_parameters`` (empty, its default: a client's ``options`` is refused);
    ``pool_size`` its server connections (``default_pool_size``) and ``query_wait_s`` how
    long a client waits in its queue for one (``query_wait_timeout``), both its defaults.
    Raises FileNotFoundError without the binary."""
    binary = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    if binary is None:
        raise FileNotFoundError("PgBouncer (pgbouncer) not found")
    root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="payback-pgbouncer-"))
    port = _free_port()
    (base / "users.txt").write_text(f'"{USER}" "{server.password}"\n')
    (base / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={server.host} port={server.port}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = scram-sha-256\nauth_file = {base / 'users.txt'}\n"
        f"pool_mode = {pool_mode}\nignore_startup_parameters = {ignore}\n"
        f"default_pool_size = {pool_size}\nquery_wait_timeout = {query_wait_s}\n"
        f"logfile = {base / 'log'}\npidfile = {base / 'pid'}\n"
    )
    if root:
        import pwd

        nobody = pwd.getpwnam("nobody")
        base.chmod(0o755)
        for path in (base, *base.iterdir()):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
    start = _as_server_user([binary, "-d", str(base / "pgbouncer.ini")], root)
    try:
        subprocess.run(start, check=True, capture_output=True, text=True, cwd=base)
        for _ in range(100):  # daemonized: wait until it listens
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            raise subprocess.CalledProcessError(1, start, "", "not listening after 5 s")
    except subprocess.CalledProcessError as exc:
        log = base / "log"
        text = log.read_text() if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"PgBouncer did not start: {exc.stderr} {text[-2000:]}") from None

    def stop() -> None:
        pid = base / "pid"
        if pid.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid.read_text()), signal.SIGTERM)
        shutil.rmtree(base, ignore_errors=True)

    return Postgres("127.0.0.1", port, server.bin, server.password), stop


def _running(start: Callable[[], tuple[Postgres, Callable[[], None]]]) -> Iterator[Postgres]:
    """What ``start`` started, stopped after the tests: skipped without its binaries
    (failed where PAYBACK_REQUIRE_POSTGRES=1, as in CI), failed when it does not start."""
    try:
        server, stop = start()
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


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server for this test session (see the module docstring)."""
    pytest.importorskip("psycopg")
    yield from _running(start_postgres)


@pytest.fixture(scope="session", params=["transaction", "session"])
def pgbouncer(request: pytest.FixtureRequest, postgres: Postgres) -> Iterator[Postgres]:
    """PgBouncer in front of the test server, in transaction and in session pooling, with
    its default ``ignore_startup_parameters`` (a client's ``options`` is refused)."""
    yield from _running(lambda: start_pgbouncer(postgres, pool_mode=request.param))


@pytest.fixture(params=["transaction", "session"])
def short_pgbouncer(request: pytest.FixtureRequest, postgres: Postgres) -> Iterator[Postgres]:
    """PgBouncer with 2 server connections, where a client waits up to 60 s in its queue
    for one (fewer than the 3 parts a table is read in)."""
    yield from _running(
        lambda: start_pgbouncer(postgres, pool_mode=request.param, pool_size=2, query_wait_s=60)
    )
