"""Connection URLs: which arguments name a database, the URL as shown (no password), a
driver's message with no password in it, and a PostgreSQL URL as libpq reads it (the
arguments only Prisma reads, as LiteLLM's ``DATABASE_URL`` carries them, taken out)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from payback.errors import PaybackError

__all__ = ["PRISMA_ONLY", "SCHEMES", "is_database", "libpq_url", "local_path", "mask", "scrub"]

SCHEMES = ("postgresql", "postgres", "clickhouse", "clickhouses", "chdb", "duckdb")


def is_database(text: str) -> bool:
    """Whether an argument names a database (a URL of a known scheme, or a DuckDB file)."""
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    return scheme in SCHEMES or text.lower().endswith((".duckdb", ".ddb"))


def mask(url: str) -> str:
    """The URL without its password (``user:***@host``) and without password parameters."""
    if "://" not in url:
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            if ":" in userinfo:
                userinfo = userinfo.split(":", 1)[0] + ":***"
            netloc = f"{userinfo}@{host}"
        query = re.sub(r"(?i)(password|passwd|pwd)=[^&]*", r"\1=***", parts.query)
        # by hand, not urlunsplit: that drops the "//" of an empty host (chdb:///path)
        return (
            f"{parts.scheme}://{netloc}{parts.path}"
            + (f"?{query}" if query else "")
            + (f"#{parts.fragment}" if parts.fragment else "")
        )
    except ValueError:
        return url.split("://", 1)[0] + "://***"


_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s\"']*):[^@\s\"']*@")
_PASSWORD_PARAM = re.compile(r"(?i)\b(password|passwd|pwd)\s*=\s*(?:'[^']*'|\"[^\"]*\"|[^&\s\"']*)")


def _secrets(url: str) -> list[str]:
    """The passwords in ``url`` (in its user part and its parameters), as written and
    decoded; found without parsing the URL, so a malformed one gives them up too."""
    found: list[str] = []
    user = re.match(r"^[^:]+://([^/?#@]*)@", url) or re.match(r"^[^:]+://(.*)@", url)
    if user and ":" in user.group(1):
        found.append(user.group(1).split(":", 1)[1])
    found += re.findall(r"(?i)(?:password|passwd|pwd)=([^&#]*)", url)
    return [x for s in found for x in {s, unquote(s)} if x]


SHORT_SECRET = 4
"""A password shorter than this is masked where it stands alone, not inside words."""


def scrub(text: str, url: str) -> str:
    """A driver's message on one line, with no password of ``url`` in it: the URL itself
    masked where the message repeats it (a driver quotes a URL it cannot parse), then its
    passwords wherever they are, then any other ``user:password@`` or ``password=``.

    A password of a few characters is taken out where it stands alone, not inside a longer
    word: ``p`` made "Servname not supported" read "Servname not su******orted".

    >>> scrub("failed for 'pw' at Servname not supported", "postgresql://u:p@h/db")
    "failed for 'pw' at Servname not supported"
    >>> scrub("failed for 'p' at Servname not supported", "postgresql://u:p@h/db")
    "failed for '***' at Servname not supported"
    """
    line = " ".join(text.split()).replace(url, mask(url))
    for secret in sorted(_secrets(url), key=len, reverse=True):
        if len(secret) >= SHORT_SECRET:
            line = line.replace(secret, "***")
        else:  # not inside a word: only a whole word (or run of symbols) is this password
            line = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "***", line)
    line = _USERINFO.sub(r"\g<head>:***@", line)
    line = _PASSWORD_PARAM.sub(lambda m: f"{m.group(1)}=***", line)
    return line[:300]


PRISMA_ONLY = (
    "schema",
    "connection_limit",
    "pool_timeout",
    "socket_timeout",
    "pgbouncer",
    "statement_cache_size",
)
"""Arguments of a PostgreSQL URL that Prisma reads and libpq refuses ("invalid URI query
parameter"): LiteLLM's proxy reaches its database through Prisma, so its ``DATABASE_URL``
may carry them (prisma.io/docs, PostgreSQL connector, "Arguments"). The pool's size and
timeouts and ``pgbouncer=true`` (no prepared statements: payback never prepares) are
Prisma's client's own; ``schema`` is the schema Prisma made the tables in, searched first."""


def libpq_url(url: str) -> tuple[str, str | None]:
    """``url`` without the arguments in :data:`PRISMA_ONLY` (the others kept as written),
    and the schema its ``schema`` argument names (None without one)."""
    head, sep, query = url.partition("?")
    if not sep:
        return url, None
    query, hash_, fragment = query.partition("#")
    kept, schema = [], None
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if unquote(key) not in PRISMA_ONLY:
            kept.append(pair)
        elif unquote(key) == "schema" and value:
            schema = unquote(value)
    rest = "&".join(kept)
    return head + ("?" + rest if rest else "") + hash_ + fragment, schema


def local_path(url: str, exists: Callable[[str], bool], shown: str, what: str) -> str:
    """The local path a ``duckdb://`` or ``chdb://`` URL (or a bare path) names.

    ``scheme:///logs.duckdb`` is relative to the working folder, as SQLAlchemy and
    duckdb_engine read it, and ``scheme:////abs/logs.duckdb`` absolute; a three-slash path
    that is not there relative is tried absolute too (``duckdb:///tmp/x.duckdb``, as a
    ``file:`` URL would read it). One line naming the paths tried when none is there.

    >>> here = {"logs.duckdb", "/srv/x.duckdb"}.__contains__
    >>> local_path("duckdb:///logs.duckdb", here, "", "file")
    'logs.duckdb'
    >>> local_path("duckdb:////srv/x.duckdb", here, "", "file")
    '/srv/x.duckdb'
    >>> local_path("duckdb:///srv/x.duckdb", here, "", "file")
    '/srv/x.duckdb'
    """
    if "://" not in url:
        tried = [url]
    else:
        rest = url.split("://", 1)[1]
        rest = rest[1:] if rest.startswith("/") else rest  # the empty host's "/"
        tried = [rest] if rest.startswith("/") or not rest else [rest, "/" + rest]
    for path in tried:
        if path and exists(path):
            return path
    looked = " or ".join(repr(p) for p in tried if p) or "no path"
    raise PaybackError.bad("url", repr(shown), f"no such {what} (looked for {looked})")
