"""``payback serve``: the interactive page (Streamlit), started in this process."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from payback.cli._common import echo, user_errors
from payback.cli._streams import null_where_closed
from payback.errors import PaybackError


def _check_address(host: str, port: int) -> None:
    """Refuse, before Streamlit starts, an address the page could not listen on: an empty
    host (Streamlit would listen on every interface), one that is not this machine's, a
    port in use or one that needs privileges. A socket is bound and closed again."""
    import errno
    import socket

    if not host.strip():
        raise PaybackError(
            f"--host {host!r}: must be an address, such as 127.0.0.1 (this machine only) or "
            "0.0.0.0 (every interface)"
        )
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PaybackError(
            f"--host {host}: not an address this machine has ({reason}); use 127.0.0.1 or 0.0.0.0"
        ) from None
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise PaybackError(
                        f"--port {port}: in use by another program on {host}; give another "
                        "with --port"
                    ) from None
                if exc.errno in (errno.EACCES, errno.EPERM):
                    raise PaybackError(
                        f"--port {port}: needs privileges on this machine; give one above 1023"
                    ) from None
                raise PaybackError(
                    f"--host {host}: cannot listen there ({exc.strerror or exc}); use 127.0.0.1 "
                    "or 0.0.0.0"
                ) from None


def upload_megabytes(limit: int) -> int:
    """Streamlit's ``server.maxUploadSize`` for a scenario limit of ``limit`` bytes: twice
    it, in whole megabytes. Streamlit counts that option in MB (10**6 bytes) in the browser,
    except on Windows, and in MiB on the server; given the limit's 10 (MiB), it refused in
    the browser any file over 10,000,000 bytes, a file every command reads, and the page
    never said why (a phone's sidebar is closed). Twice the limit, the page gets every file
    up to 20 MiB and refuses one over 10 MiB with the command line's line
    (:func:`payback.web.state.read_upload`).

    >>> upload_megabytes(10 * 2**20)
    21
    """
    return -(-2 * limit // 10**6)


def page_script() -> Path:
    """The Streamlit script of the page: ``payback/web/app.py``."""
    return Path(__file__).parent.parent / "web" / "app.py"


@user_errors
def serve(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario to open (default: the starter scenario).", show_default=False
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8501,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to bind; 127.0.0.1 keeps it on this machine, 0.0.0.0 shares it.",
        ),
    ] = "127.0.0.1",
) -> None:
    """An interactive page: the main assumptions as inputs, the verdict and charts updating
    as they change, uploads and downloads of scenarios and the HTML report.

    Needs the web extra (`pip install 'payback[web]'`). Uploaded files are read in
    memory; the server writes nothing to disk.

    Example, the page on a fine-tuned 7B against a hosted API at 200k requests a month,
    at http://127.0.0.1:8501:

    `payback serve examples/quarter-200k.toml`
    """
    import importlib.util

    if importlib.util.find_spec("streamlit") is None:
        raise PaybackError("the page needs Streamlit: pip install 'payback[web]'")
    if file is not None:
        from payback.cli._common import read_scenario

        read_scenario(file)  # one clear line now rather than an error page later
    if not 1 <= port <= 65535:
        raise PaybackError(f"--port {port}: must be between 1 and 65535")
    _check_address(host, port)
    from payback.limits import MAX_SCENARIO_BYTES

    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(page_script()),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",  # more than a scenario's limit: the page refuses it
        str(upload_megabytes(MAX_SCENARIO_BYTES)),
        "--client.toolbarMode",
        "minimal",
        # blue: the page keeps red for problems; set for the light and the dark theme each,
        # so the page follows the browser's light or dark preference (a [theme] colour
        # alone makes one light theme, and a dark-mode reader got a white page)
        "--theme.light.primaryColor",
        "#1f5f9f",
        "--theme.dark.primaryColor",
        "#4a90d9",
        "--",
        *([str(file.resolve())] if file else []),
    ]
    echo(f"payback page on http://{host}:{port} (Ctrl+C stops it)", err=True)
    if sys.stderr is not None:  # None: started with stderr closed (2>&-)
        sys.stderr.flush()
    null_where_closed()  # the page's log lines go nowhere, not into a file it opens as fd 2
    # Streamlit takes this process over, so a signal that stops `payback serve` stops the page.
    os.execv(sys.executable, command)
