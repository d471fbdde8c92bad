"""Every text the page writes from a file or a user (a name, a path, a file name, a typed
value, a message that quotes them) reads as written in Streamlit's Markdown: not bold,
italic, struck, a link, maths, an emoji, a heading or a list; its spaces all shown; and the
page's own sentences never read a price's ``$`` as maths. Tried as a new user would: a
portfolio's sampled warning showed ``'**fleet**'`` in bold, the error for a bad file
passed to `payback serve` formatted its path, ``www.example.com`` in a name was a link and
"a    b" read "a b". The helpers are checked here by hand and, in headless Chromium, by
Streamlit itself (the slow test)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from helpers import EXAMPLES, find_browser
from payback.web.words import (
    NO_FOLDER,
    markdown_literal,
    message_markdown,
    names_as_written,
    page_markdown,
)

TRICKY = [
    "**x**_today",
    "_a_b_",
    "a_b_c",
    "a*b*c",
    "[x](y)",
    "![img](x.png)",
    "<b>bold</b> &amp; <i>i</i>",
    "<https://x.io>",
    "$5 and 6$",
    "$x$ and $$y$$",
    "$5 and $6",
    ":rocket: :red[x] :material/home:",
    "`code`",
    "~~struck~~ H~2~O",
    "# heading",
    "1. one",
    "- item",
    "+ plus",
    "> quote",
    "***",
    "a | b | c",
    "www.example.com",
    "WWW.Example.COM/x_y",
    "team@example.com",
    "https://example.com/a_b_c",
    "mailto:a@b.io",
    "a    b",
    " leading and trailing ",
    "tab\there",
    "line\nbreak",
    "back\\slash \\*not\\*",
    "team's a\\b",
]
"""Names that Streamlit's Markdown formats, links, turns into maths or an emoji, or whose
spaces the browser drops, each read as written once escaped."""


def _seen(name: str) -> str:
    """What a reader sees of ``name``: a line break and a tab are spaces."""
    return name.replace("\n", " ").replace("\t", " ")


# ---------------------------------------------------------------- the helpers, by hand


def test_an_address_in_a_name_is_kept_from_being_a_link() -> None:
    """Streamlit makes a link of a web or e-mail address after reading the escapes and
    entities: an empty ``:small[]`` inside it (an empty element, nothing drawn, nothing
    copied) is what stops that. It was a word joiner (U+2060), which came along when the
    name was copied from the page."""
    assert markdown_literal("www.example.com") == "www:small[].example.com"
    assert markdown_literal("WWW.X.COM") == "WWW:small[].X.COM"
    assert markdown_literal("team@example.com") == "team:small[]@example.com"
    assert markdown_literal("https://x.io") == "https\\::small[]//x.io"
    assert markdown_literal("mailto:a_b@c.io") == "mailto\\:a\\_b:small[]@c.io"
    # what is no address stays as it was: a dot, a colon without slashes
    assert markdown_literal("meta-llama/Llama-3.1-8B") == "meta-llama/Llama-3.1-8B"
    assert markdown_literal("owww.") == "owww:small[]."  # harmless: nothing drawn
    assert all("\u2060" not in markdown_literal(name) for name in TRICKY)


def test_every_space_of_a_name_is_shown() -> None:
    """The browser draws "a    b" as "a b": every space after another is a no-break one
    (&nbsp;), alternating so a long name still wraps; one at either end too."""
    assert markdown_literal("a    b") == "a &nbsp; &nbsp;b"
    assert markdown_literal("a  b") == "a &nbsp;b"
    assert markdown_literal("a b c") == "a b c"
    assert markdown_literal(" x ") == "&nbsp;x&nbsp;"
    assert markdown_literal("tab\there") == "tab here"
    assert markdown_literal("two\n\nlines") == "two &nbsp;lines"
    # inside a sentence the name's spaces are its own: the page's are plain
    assert names_as_written("With 'a  b', over 24 months:", ["a  b"]) == (
        "With 'a &nbsp;b', over 24 months:"
    )


def test_streamlit_is_at_least_the_release_whose_maths_a_price_cannot_open() -> None:
    """A price's ``$5`` is left as it is only because Streamlit 1.67 switches maths on where
    a ``$`` could close it (``$`` not before a digit); earlier releases read "between
    $113.37 and $115.40" as maths (streamlit issue #11264), and the extra allowed 1.40."""
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    (web,) = project["project"]["optional-dependencies"]["web"]
    assert web == "streamlit>=1.67,<2"
    assert tuple(int(p) for p in version("streamlit").split(".")[:2]) >= (1, 67)


def test_the_pages_own_dollar_signs_never_make_maths() -> None:
    """Streamlit reads ``$...$`` as maths where the closing ``$`` is not before a digit:
    "[$] … $5 … 6$" was maths, "$5 and $6" is not. Each ``$`` not before a digit is
    escaped; a price's stays as it is, so the page's sentences read as before."""
    assert page_markdown("NPV $7,836 over 24 months; -$1,235 more") == (
        "NPV $7,836 over 24 months; -$1,235 more"
    )
    assert page_markdown("from $5 to 6$") == "from $5 to 6\\$"
    assert page_markdown("Rent [$ per GPU-hour] :small[:gray[`a.$`]]") == (
        "Rent [\\$ per GPU-hour] :small[:gray[`a.$`]]"  # a code span is left as it is
    )
    assert page_markdown("already \\$ escaped") == "already \\$ escaped"
    # a sentence with names: their $ escaped as a name's, the page's as the page's
    assert names_as_written("'$x$' saves $5 a month [$]", ["$x$"]) == (
        "'\\$x\\$' saves $5 a month [\\$]"
    )


def test_a_message_reads_as_written_but_the_pages_advice() -> None:
    """A library message (an error, a warning, an upload refused, the start file's error)
    quotes names, paths, file names and typed values: all of it is written as it reads,
    but the advice the page puts in it, Markdown the page means (a command in code)."""
    warning = (
        "alternatives.0 ('**fleet**  _a_b_'): 793 of 2,000 samples (40%) size a fleet past the cap"
    )
    assert message_markdown(warning) == (
        "alternatives.0 ('\\*\\*fleet\\*\\* &nbsp;\\_a\\_b\\_')\\: 793 of 2,000 samples "
        "(40%) size a fleet past the cap"
    )
    start = "/tmp/**x** [y](z) <b> $5 and 6$/_a_b_.toml: not valid TOML: Invalid value"
    assert message_markdown(start) == (
        "/tmp/\\*\\*x\\*\\* \\[y\\](z) &lt;b&gt; \\$5 and 6\\$/\\_a\\_b\\_.toml\\: not "
        "valid TOML\\: Invalid value"
    )
    # the page's advice, Markdown it means, and the message around it as written
    assert message_markdown("log.csv: a_b; with columns ts=C") == (
        "log.csv\\: a\\_b; with `payback usage --columns` ts=C"
    )
    assert message_markdown("a_b.toml: no such file" + NO_FOLDER) == (
        "a\\_b.toml\\: no such file" + NO_FOLDER
    )
    # a typed value in a box's message, as typed
    typed = "Requests per month: “**5**  www.x.io” is not a plain number"
    assert message_markdown(typed) == (
        "Requests per month\\: “\\*\\*5\\*\\* &nbsp;www:small[].x.io” is not a plain number"
    )


@pytest.mark.parametrize("name", TRICKY)
def test_each_tricky_name_escapes_every_character_that_formats(name: str) -> None:
    """No character that makes Markdown is left bare: each of ``*_[]`$:~#|<>&\\`` is
    escaped or an entity, an address is split by an empty ``:small[]``, a list's mark is
    escaped."""
    text = markdown_literal(name)
    text = text.replace(":small[]", "")
    pieces = re.findall(r"\\[\\`*_\[\]#|~$:/+.-]|&(?:amp|lt|gt|nbsp);|.", text, re.S)
    bare = [p for p in pieces if len(p) == 1 and p in "\\`*_[]#|~$:<>&\n\t"]
    assert bare == [], (name, text)
    split = markdown_literal(name)
    assert ("www." not in name.lower()) or "www:small[]." in split.lower()
    assert ("@" not in name) or ":small[]@" in split


# ---------------------------------------------------------------- as Streamlit shows them

PROBE = """
import json, os
import streamlit as st
from payback.web.words import markdown_literal, message_markdown, names_as_written

for i, name in enumerate(json.loads(os.environ["PAYBACK_NAMES"])):
    with st.container(key=f"name-{i}"):
        st.markdown(markdown_literal(name))
        st.caption(names_as_written(f"With '{name}', present values over 24 months:", [name]))
        st.error(message_markdown(f"alternatives.0 ('{name}'): past the cap"))
        st.warning(message_markdown(f"{name}.toml: with columns ts=C"))
        st.expander(f"Alternative: {markdown_literal(name)}")
"""
"""A page that writes each name as the page does: alone, in a caption, in an error, in a
warning beside the page's advice, in an expander's title."""

FORMATTED = (
    "strong, em, a, code, del, s, img, h1, h2, h3, h4, h5, h6, li, blockquote, hr, table, "
    ".katex, [data-testid=stIconMaterial], .stMarkdownColoredText"
)
"""What Markdown makes of a name it formats."""

READ = """(i) => {
    const box = document.querySelector(`.st-key-name-${i}`);
    const text = e => e.innerText.replaceAll('\\u00a0', ' ');
    const copied = e => {
        const range = document.createRange();
        range.selectNodeContents(e);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        return selection.toString().replaceAll('\\u00a0', ' ');
    };
    const blocks = [...box.querySelectorAll(
        '[data-testid=stMarkdownContainer], [data-testid=stCaptionContainer]')];
    return {
        texts: blocks.map(text),
        copied: blocks.map(copied),
        formatted: blocks.flatMap(e => [...e.querySelectorAll(arguments_formatted)])
            .map(e => e.tagName + ':' + e.outerHTML.slice(0, 60)),
    };
}"""


@contextlib.contextmanager
def _probe(folder: Path, names: list[str]) -> Iterator[str]:
    """:data:`PROBE` served by Streamlit in a subprocess (this checkout's sources)."""
    script = folder / "probe.py"
    script.write_text(PROBE)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = os.environ | {
        "PAYBACK_NAMES": json.dumps(names),
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "HOME": str(folder),
    }
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless"]
    command += ["true", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                assert server.poll() is None, "streamlit did not start"
                assert time.monotonic() < deadline, "the probe did not start in 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow  # Streamlit and headless Chromium: seconds
@pytest.mark.parametrize("width", [420, 1400])
def test_streamlit_shows_each_tricky_name_as_written(tmp_path: Path, width: int) -> None:
    """Each of :data:`TRICKY`, written by the page's helpers alone, in a caption, an
    error, a warning and an expander's title, reads in Chromium as written (spaces and
    all, a line break or a tab a space), with nothing in it bold, italic, struck, a link,
    code, maths, an emoji, a heading, a list or a table; the page's advice beside it is
    its one code span. What a reader copies of each is that text, with no invisible
    character in it (a word joiner did come along). (PAYBACK_SHOTS=DIR keeps a picture at
    each width.)"""
    found = find_browser()
    with _probe(tmp_path, TRICKY) as url, found.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=found.executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 1000})
            page.set_default_timeout(90_000)
            page.goto(url, wait_until="domcontentloaded")
            page.locator(f".st-key-name-{len(TRICKY) - 1} [data-testid=stExpander]").wait_for()
            read = READ.replace("arguments_formatted", json.dumps(FORMATTED))
            for i, name in enumerate(TRICKY):
                shown = page.evaluate(read, i)
                seen = _seen(name)
                assert shown["texts"] == [
                    seen,
                    f"With '{seen}', present values over 24 months:",
                    f"alternatives.0 ('{seen}'): past the cap",
                    f"{seen}.toml: with payback usage --columns ts=C",
                    f"Alternative: {seen}",
                ], name
                assert shown["copied"] == shown["texts"], name  # no word joiner copied
                assert [f.split(":")[0] for f in shown["formatted"]] == ["CODE"], (name, shown)
            shots = os.environ.get("PAYBACK_SHOTS")
            if shots:
                page.screenshot(path=f"{shots}/tricky-{width}.png", full_page=True)
        finally:
            browser.close()


@pytest.mark.parametrize(
    "name", ["quarter-200k", "owned-h100", "quality", "growth", "catalog-ids", "seed"]
)
def test_no_label_of_an_input_can_be_read_as_maths(name: str) -> None:
    """A box's label is the page's Markdown, drawn as it is (its text is also the box's
    name read aloud, so it is not escaped): each holds one ``$`` at most ("Rent [$ per
    GPU-hour]"), and one ``$`` alone is never maths."""
    from payback import analyze, load_scenario
    from payback.report.labels import input_label

    analysis = analyze(load_scenario(EXAMPLES / f"{name}.toml"))
    labels = {path: input_label(path) for path in analysis.input_paths}
    assert labels
    assert {p: label for p, label in labels.items() if label.count("$") > 1} == {}
