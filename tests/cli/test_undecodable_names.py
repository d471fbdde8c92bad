"""A scenario file whose name is not valid UTF-8 (``cp seed.toml $'x\\xff.toml'``), tried as a
new user would: ``analyze --json`` wrote the name's byte as it was, so its output was not
UTF-8 (strict JSON readers refused it, others read a lone surrogate); an error line showed
the byte as ``\\udcff``; ``report -o $'r\\xff.md'`` was an internal error. The JSON and the
error lines now show each such byte as the text ``\\xNN``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES

pytestmark = pytest.mark.skipif(os.name != "posix", reason="names as bytes are POSIX")

SRC = Path(__file__).resolve().parents[2] / "src"
SEED = EXAMPLES / "seed.toml"


def payback(*args: str | Path, **extra_env: str) -> tuple[int, bytes, bytes]:
    env = os.environ | {"PYTHONPATH": str(SRC), "COLUMNS": "100"} | extra_env
    done = subprocess.run(
        [sys.executable, "-m", "payback", *(os.fsencode(a) for a in args)],
        capture_output=True,
        env=env,
        check=False,
        timeout=300,
    )
    return done.returncode, done.stdout, done.stderr


def named(folder: Path, raw: bytes, text: bytes | None = None) -> Path:
    """A file named ``raw`` (bytes) in ``folder``, holding ``text`` (the seed scenario's)."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), raw)))
    try:
        path.write_bytes(SEED.read_bytes() if text is None else text)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes UTF-8 names only")
    return path


def test_analyze_json_names_the_file_with_each_byte_as_backslash_x(tmp_path: Path) -> None:
    path = named(tmp_path, b"x\xff.toml")
    code, out, err = payback("analyze", path, "--json")
    assert (code, err) == (0, b"")
    answer = json.loads(out.decode("utf-8"))  # strict: valid UTF-8, no lone surrogate
    assert answer["scenario_file"] == f"{tmp_path}/x\\xff.toml"
    _, seed_out, _ = payback("analyze", SEED, "--json")
    assert answer == json.loads(seed_out) | {"scenario_file": f"{tmp_path}/x\\xff.toml"}


def test_analyze_reads_it(tmp_path: Path) -> None:
    code, out, err = payback("analyze", named(tmp_path, b"x\xff.toml"))
    assert (code, err) == (0, b"")
    assert out.startswith(b"seed: hosted $15/1k vs fine-tuned self-hosted $2/1k, $400 project\n")


def test_an_error_line_shows_the_byte_as_backslash_x(tmp_path: Path) -> None:
    code, out, err = payback("analyze", os.fsdecode(os.fsencode(tmp_path) + b"/nope\xfe.toml"))
    assert (code, out, err.decode("utf-8")) == (
        2,
        b"",
        f"error: {tmp_path}/nope\\xfe.toml: no such file\n",
    )
    bad = named(tmp_path, b"b\xff.toml", b"x = [\n")
    code, out, err = payback("analyze", bad)
    assert (code, out) == (2, b"")
    assert err.decode("utf-8").startswith(f"error: {tmp_path}/b\\xff.toml: not valid TOML")


def test_report_from_it_and_to_such_a_name(tmp_path: Path) -> None:
    path = named(tmp_path, b"x\xff.toml")
    code, out, err = payback("report", path, "-o", tmp_path / "r.png")
    assert (code, err) == (0, b"")
    assert (tmp_path / "r.png").read_bytes().startswith(b"\x89PNG")
    output = Path(os.fsdecode(os.fsencode(tmp_path) + b"/r\xfe.png"))
    code, out, err = payback("report", SEED, "-o", output, "--json")
    assert (code, err) == (0, b"")
    shown = f"{tmp_path}/r\\xfe.png"
    assert json.loads(out.decode("utf-8")) == {"report": shown, "written": [shown]}
    assert output.read_bytes().startswith(b"\x89PNG")  # written under its own name


def test_a_markdown_report_under_such_a_name_links_its_charts(tmp_path: Path) -> None:
    """It was refused (its links to the charts took UTF-8 names only); the links now carry
    the name's bytes percent-encoded (%FF), and the charts are written under their own
    names beside it."""
    raw = os.fsencode(tmp_path) + b"/r\xff.md"
    code, out, err = payback("report", SEED, "-o", Path(os.fsdecode(raw)), "--json")
    assert (code, err) == (0, b"")
    text = Path(os.fsdecode(raw)).read_text(encoding="utf-8")
    assert "](r%FF-cumulative.png)" in text
    assert (tmp_path / os.fsdecode(b"r\xff-cumulative.png")).read_bytes().startswith(b"\x89PNG")
    written = json.loads(out.decode("utf-8"))["written"]
    assert f"{tmp_path}/r\\xff-cumulative.png" in written
    assert len(list(tmp_path.iterdir())) == len(written)


def test_a_strict_utf8_stdout_writes_the_name_back_as_its_bytes(tmp_path: Path) -> None:
    """Under PYTHONIOENCODING=utf-8 (or a UTF-8 locale other than C) stdout's handler is
    "strict": ``Wrote r\\udcfe.png`` was an internal error, once the report was written."""
    output = Path(os.fsdecode(os.fsencode(tmp_path) + b"/r\xfe.png"))
    code, out, err = payback("report", SEED, "-o", output, PYTHONIOENCODING="utf-8")
    assert (code, out, err) == (0, b"Wrote " + os.fsencode(output) + b"\n", b"")
    path = named(tmp_path, b"x\xff.toml")
    code, out, err = payback("analyze", path, SEED, PYTHONIOENCODING="utf-8")
    assert (code, err) == (0, b"")
    assert b"\n x\xff  " in out  # its row in the comparison: the stem, as its bytes


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (
            ("estimate", "serving", "--model", "m\udcff", "--gpu", "l40s"),
            "error: --model m\\xff: unknown model 'm\\xff' (known: ",
        ),
        (("catalog\udcff",), "error: catalog\\xff: no such command (did you mean catalog?)"),
        (("analyze", "--samples", "s\udcff", SEED), "error: --samples s\\xff: must be a whole"),
    ],
)
def test_a_value_that_is_not_utf8_is_shown_as_backslash_x(
    args: tuple[str | Path, ...], start: str
) -> None:
    """A message that quotes the value with repr showed ``'m\\udcff'``."""
    code, out, err = payback(*args)
    assert (code, out) == (2, b"")
    assert err.decode("utf-8").startswith(start)
    assert "\\udc" not in err.decode("utf-8")
