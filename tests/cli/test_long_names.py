"""Long file names, tried as a new user would: a name of 242-255 bytes was refused ("File
name too long") though a file system takes 255, the temporary file written first being 14
bytes longer; a Markdown report whose chart's name passed the limit was refused after the
whole analysis and left the report behind, linking charts that were never written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import payback.cli.analyze as analyze_module
from helpers import EXAMPLES, assert_user_error, run
from payback.cli._files import _temp_prefix, _write_new, _write_outputs
from payback.errors import PaybackError

SEED = EXAMPLES / "seed.toml"


def test_a_name_of_255_bytes_is_written(tmp_path: Path) -> None:
    for size in (242, 255):
        path = tmp_path / ("s" * (size - len(".toml")) + ".toml")
        _write_new(path, "x = 1\n", force=False)
        assert path.read_text() == "x = 1\n"
    assert len(list(tmp_path.iterdir())) == 2  # no temporary left beside them


def test_a_name_in_several_bytes_a_letter_is_cut_whole(tmp_path: Path) -> None:
    path = tmp_path / ("é" * 125 + ".toml")  # 255 bytes, 2 a letter
    _write_new(path, "x = 1\n", force=False)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    # its temporary's name: 241 bytes of it would end in half an é; 240 are kept whole
    prefix = _temp_prefix(tmp_path / ("é" * 122 + ".html"))
    assert prefix == "." + "é" * 120 + "."
    assert prefix.encode("utf-8")  # no lone byte (a surrogate would not encode)


def test_files_written_together_are_all_written_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import tempfile

    real, calls = tempfile.mkstemp, []

    def full_at_the_second(*args: Any, **kwargs: Any) -> tuple[int, str]:
        calls.append(kwargs["prefix"])
        if len(calls) == 2:  # the disk full at the chart, once the report is written
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", full_at_the_second)
    report, chart = tmp_path / "r.md", tmp_path / "r-cumulative.png"
    with pytest.raises(PaybackError, match=r"r-cumulative\.png: cannot write: No space left"):
        _write_outputs({report: b"# r\n", chart: b"\x89PNG"}, force=False)
    assert calls == [".r.md.", ".r-cumulative.png."]
    assert list(tmp_path.iterdir()) == []  # the report is not left linking a missing chart


def test_a_chart_name_too_long_is_refused_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed: list[Path] = []
    monkeypatch.setattr(analyze_module, "_analysis", lambda file, *a, **k: analysed.append(file))
    # seed.toml has one alternative: its longest chart is NAME-components-0.png, 17 bytes on
    # the name's stem, so the report's name may be 255 - 17 + 3 (.md) = 241 bytes
    assert_user_error(
        *run("report", SEED, "-o", tmp_path / ("r" * 239 + ".md")),
        "its chart …-components-0.png beside it would have a name of 256 bytes; the limit is 255 bytes a name: give the report a name of at most 241 bytes",
    )
    assert analysed == []
    assert list(tmp_path.iterdir()) == []


def test_a_report_of_the_longest_name_allowed_is_written(tmp_path: Path) -> None:
    out = tmp_path / ("r" * 238 + ".md")  # 241 bytes: its components chart 255
    code, stdout, _ = run("report", SEED, "-o", out)
    assert code == 0, stdout
    names = sorted(len(p.name.encode()) for p in tmp_path.iterdir())
    assert max(names) == 255
    assert out.exists()


def test_a_portfolios_longest_chart_is_its_contributions(tmp_path: Path) -> None:
    # NAME-cumulative-portfolio.png, 25 bytes on the stem (its two alternatives'
    # NAME-one-contributions-1.png 24): a name of 255 - 25 + 3 = 233 bytes allowed
    assert_user_error(
        *run("report", EXAMPLES / "portfolio.toml", "-o", tmp_path / ("p" * 231 + ".md")),
        "…-cumulative-portfolio.png beside it would have a name of 256 bytes",
        "at most 233 bytes",
    )
