"""An upload the page refuses leaves the file shown before: said by the answer too. Tried
as a new user would at 420 px: a file with ``requests_per_month = -5`` uploaded, the error
was said only in the sidebar, which a phone closes, and the page went on showing the
starter's answer (month 13.4, NPV $7,836) with nothing to tell it was not the file's."""

from __future__ import annotations

from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = str(Path(payback.__file__).parent / "web" / "app.py")
QUARTER = EXAMPLES / "quarter-200k.toml"


def _figures(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_an_upload_refused_is_said_beside_the_answer_still_shown() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    before = _figures(at)
    assert before["NPV over 24 months"] == "$7,836"  # the starter: quarter-200k's numbers
    text = QUARTER.read_text().replace("requests_per_month = 200000", "requests_per_month = -5")
    assert "requests_per_month = -5" in text
    at.file_uploader(key="upload").set_value(("neg_1.toml", text.encode(), "application/toml"))
    at.run()
    assert not at.exception
    assert [e.value for e in at.sidebar.error] == [
        r"neg\_1.toml\: traffic.requests\_per\_month = -5\: must be &gt; 0"
    ]
    assert [e.value for e in at.main.error] == [
        r"neg\_1.toml was not opened (the sidebar says why)\: the answer here is still for "
        "starter.toml."
    ]
    assert _figures(at) == before  # the file shown before, as said
    # a file the page opens: the notice goes, the answer is the new file's
    at.file_uploader(key="upload").set_value(
        ("growth.toml", (EXAMPLES / "growth.toml").read_bytes(), "application/toml")
    )
    at.run()
    assert [e.value for e in at.error] == []
    # the figures of the best by NPV, the verdict's ('smaller hosted model, prompt-tuned')
    assert _figures(at)["NPV over 24 months"] == "$144,159"
