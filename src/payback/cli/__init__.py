"""The ``payback`` command line: thin, it calls the library and renders what it returns.

Every command takes ``--json`` for scripts. Bad input gives one line per problem on
stderr and exit code 2, never a traceback.

One module per group of commands, registered below in the order ``payback --help`` lists
them; :mod:`payback.cli._common` holds the app, the shared options and the error and output
helpers, :mod:`payback.cli._files` the file writing. A command imports the library inside
its function, so that ``payback --help`` and the light commands start fast.
"""

# Ctrl-C from here on is one line and exit code 130, never a traceback: everything this
# module does, its imports, the registrations and the definitions, runs inside this try
# (``import payback`` before it imports nothing: its names load on first use).
try:
    import contextlib
    import os
    import signal
    import sys

    # numpy's bundled OpenBLAS starts one busy-waiting thread per core when numpy is
    # imported, about 0.08 s of CPU on a 2-core machine, at every command. The command
    # line's arrays are elementwise (samples × months) and never reach a BLAS call worth
    # threading, so it asks for one thread unless the user chose otherwise.
    # benchmarks/bench_startup.py measures it.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    from payback.cli import analyze, catalog, estimate, init, measure, quick, serve, studies
    from payback.cli._common import app, as_flag, user_errors
    from payback.cli._errors import INTERRUPTED

    __all__ = ["app", "as_flag", "main", "user_errors"]

    # In the order of `payback --help`. Registered by module (analyze.analyze), so that
    # payback.cli.analyze stays the module rather than the function of the same name.
    app.command()(quick.quick)
    app.command()(analyze.analyze)
    app.command()(studies.recommend)
    app.command("import-benchmark")(measure.import_benchmark)
    app.command()(measure.calibrate)
    app.command()(studies.sensitivity)
    app.command()(studies.solve)
    app.command()(analyze.report)
    app.command()(analyze.explain)
    app.command()(measure.usage)
    app.command()(serve.serve)
    app.command()(init.init)
    app.add_typer(catalog.app, name="catalog")
    app.add_typer(estimate.app, name="estimate")

    def main() -> None:
        """Entry point of the ``payback`` command: exit code 0, 1 (a target no value
        reaches, or an internal error), 2 (bad input, one line per problem) or 130
        (Ctrl-C)."""
        try:
            app()
        except KeyboardInterrupt:  # before the command started (Typer builds it) or after
            with contextlib.suppress(Exception):  # a stderr closed or full: the code says it
                sys.stderr.write(f"error: {INTERRUPTED}\n")
            _interrupted_exit()
        except SystemExit as exc:
            if exc.code == 130:
                _interrupted_exit()
            raise
        finally:  # the command is over: a Ctrl-C now has nothing to stop (Python would print one)
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _interrupted_exit() -> None:
        """Leave with 130 once the output is flushed, without the interpreter's
        finalization: a library thread stopped mid-work by Ctrl-C can abort it ("Fatal
        Python error: PyThreadState_Get ... finalizing", exit -6: 1 of about 150 reports
        interrupted under load). The stack is unwound by then: every file is closed, every
        ``finally`` has run."""
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(130)

except KeyboardInterrupt:
    import contextlib
    import sys

    with contextlib.suppress(Exception):  # a stderr closed or full: the exit code says it
        sys.stderr.write("error: interrupted (Ctrl-C); no file was left half-written\n")
    sys.exit(130)
