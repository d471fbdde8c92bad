"""Whose GPU rent a self-hosted alternative pays, chosen on the page as the file chooses it
(``gpu_price = "hyperscaler"``, ``gpu_provider = "aws"``), tried as a new user would: the
page had no such control, so examples/catalog-ids.toml's L40S always paid the GPU clouds'
median ($1.09 an hour) there, whatever a file could ask for. The page's answer is now
``payback analyze --json`` of the file with that field set, and the rent it shows is the
one analyze lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES, run
from payback.analysis.result import usd
from payback.catalog import default_catalog
from payback.web.rent import choice_of, rent_choices, rent_label, rent_used
from payback.web.state import Held

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = Path(payback.__file__).parent / "web" / "app.py"
FILE = EXAMPLES / "catalog-ids.toml"
RENT = "in:alternatives.0.rent"


def test_the_choices_are_those_the_catalog_prices_the_gpu_at() -> None:
    gpus = default_catalog().gpus
    # an L40S: GPU clouds (runpod $1.09, nebius $1.55) and one serverless platform (modal),
    # whose serverless price is chosen as serverless platforms' median, never as on-demand
    assert rent_choices(gpus["l40s"], "none") == [
        "",
        "gpu_price:gpu_cloud",
        "gpu_price:serverless",
        "gpu_provider:nebius",
        "gpu_provider:runpod",
    ]
    h100 = rent_choices(gpus["h100-sxm"], "none")
    assert {"gpu_price:hyperscaler", "gpu_provider:aws", "gpu_provider:gcp"} <= set(h100)
    # neocloud prices an H100 reserved for a year only, modal serverless only: not on demand
    assert "gpu_provider:neocloud" not in h100
    assert "gpu_provider:modal" not in h100
    assert "gpu_price:marketplace" not in h100  # no marketplace offer for it
    # a 1-year commitment: only the provider with a 1-year price, and no serverless rent
    assert rent_choices(gpus["h100-sxm"], "1y") == [
        "",
        "gpu_price:gpu_cloud",
        "gpu_provider:neocloud",
    ]
    assert rent_label(gpus["l40s"], "gpu_provider:nebius", "none") == "nebius ($1.55 an hour)"
    assert choice_of("hyperscaler", None) == "gpu_price:hyperscaler"
    assert rent_used(None) is None


def _analyzed(tmp_path: Path, field: str, gpu: str = "l40s") -> tuple[float, str]:
    """``payback analyze --json`` of the file with the L40S alternative's ``gpu`` and
    ``field``: that alternative's NPV and the source of its rent."""
    text = FILE.read_text().replace('gpu = "l40s"', f'gpu = "{gpu}"\n{field}', 1)
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    answer = json.loads(out)
    rent = answer["sources"]["alternatives.0.usd_per_gpu_hour"]
    return answer["alternatives"][0]["npv_usd"], json.dumps(rent)


def _page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(FILE.name, FILE.read_text(), FILE.parent)
    at = at.run()
    return at.selectbox(key="in:show").set_value(0).run()  # the self-hosted alternative


def _npv(at: AppTest) -> str:
    (value,) = [m.value for m in at.metric if m.label.startswith("NPV")]
    return str(value)


def _captions(at: AppTest) -> str:
    """The captions as read (Streamlit's Markdown escapes taken off)."""
    return " ".join(str(c.value).replace("\\", "") for c in at.caption)


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_the_page_pays_the_rent_chosen_as_the_file_would(tmp_path: Path) -> None:
    at = _page()
    rent = at.selectbox(key=RENT)
    assert rent.value == ""  # the file names neither: the default, GPU clouds' median
    assert rent.options == [
        "Default: GPU clouds' median ($1.09 an hour)",
        "GPU clouds' median ($1.09 an hour)",
        "Serverless platforms' median ($1.9512 an hour)",
        "nebius ($1.55 an hour)",
        "runpod ($1.09 an hour)",
    ]
    assert (
        "GPU rent in the answer: $1.09 per GPU-hour (runpod: the lower middle of 2 GPU-cloud "
        "on-demand offers, $1.09 and $1.55)." in _captions(at)
    )
    default_npv, _ = _analyzed(tmp_path, "")
    assert _npv(at) == usd(default_npv) == "$7,944"
    for choice, field, rent_text in (
        ("gpu_provider:nebius", 'gpu_provider = "nebius"', "$1.55 per GPU-hour (nebius's"),
        (
            "gpu_price:serverless",
            'gpu_price = "serverless"',
            "$1.9512 per GPU-hour (modal: the only serverless offer",
        ),
    ):
        at = at.selectbox(key=RENT).set_value(choice).run()
        assert not at.exception
        npv, source = _analyzed(tmp_path, field)
        assert _npv(at) == usd(npv), (choice, source)
        assert rent_text in _captions(at), _captions(at)
        assert field in at.session_state["held"].file_text()  # the download says it too
    assert _npv(at) != usd(default_npv)


@pytest.mark.slow
def test_a_hyperscaler_or_aws_for_a_gpu_they_rent(tmp_path: Path) -> None:
    """An H100 SXM (the L40S has no hyperscaler offer): a hyperscaler's median and AWS's
    own price, each the NPV analyze gives the file with the GPU and that field."""
    at = _page()
    at = at.selectbox(key="in:alternatives.0.gpu").set_value("h100-sxm").run()
    assert not at.exception
    offered = at.selectbox(key=RENT).options
    assert "Hyperscalers' median ($10.9791 an hour)" in offered
    assert "aws ($6.88 an hour)" in offered
    for choice, field in (
        ("gpu_price:hyperscaler", 'gpu_price = "hyperscaler"'),
        ("gpu_provider:aws", 'gpu_provider = "aws"'),
    ):
        at = at.selectbox(key=RENT).set_value(choice).run()
        assert not at.exception
        npv, source = _analyzed(tmp_path, field, gpu="h100-sxm")
        assert _npv(at) == usd(npv), (choice, source)
    # back to the default: the fields go, and the answer is the file's with the GPU alone
    at = at.selectbox(key=RENT).set_value("").run()
    npv, _ = _analyzed(tmp_path, "", gpu="h100-sxm")
    assert _npv(at) == usd(npv)
    text = at.session_state["held"].file_text()
    assert "gpu_price" not in text
    assert "gpu_provider" not in text


TYPED = 'gpu = "l40s"\nusd_per_gpu_hour = 2.0'
"""The L40S alternative with its own rent typed: $2.00 an hour, the catalog's ignored."""
WINS = (
    "Not used: the GPU rent typed below, $2.00 per GPU-hour (usd_per_gpu_hour), wins over "
    "any catalog price. Empty its box to pay the rent chosen here."
)


def _typed_page(field: str = "") -> tuple[AppTest, str]:
    """The page on examples/catalog-ids.toml with the L40S's rent typed (and ``field``),
    showing that alternative; and the file's text."""
    text = FILE.read_text().replace('gpu = "l40s"', f"{TYPED}\n{field}", 1)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text("typed.toml", text, FILE.parent)
    at = at.run()
    return at.selectbox(key="in:show").set_value(0).run(), text


def _analyzed_text(tmp_path: Path, text: str) -> float:
    path = tmp_path / "typed.toml"
    path.write_text(text)
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    return float(json.loads(out)["alternatives"][0]["npv_usd"])


@pytest.mark.slow
def test_a_typed_rent_greys_the_choice_out_and_says_it_wins(tmp_path: Path) -> None:
    """Tried as a new user would: with the file's own $2.00 an hour, choosing nebius
    ($1.55) moved nothing and nothing said why. The picker is now greyed out under a line
    saying the typed rent wins; emptied, the rent is chosen again, as analyze chooses it."""
    at, text = _typed_page()
    rent = at.selectbox(key=RENT)
    assert rent.disabled
    assert rent.value == ""  # the file's choice (none), kept
    assert WINS in _captions(at)
    assert "GPU rent in the answer" not in _captions(at)
    typed_npv = _analyzed_text(tmp_path, text)
    assert _npv(at) == usd(typed_npv) == "-$7,203"  # analyze of the file: $2.00 an hour
    # the rent's box emptied: the catalog's rent, and the choice is the user's again
    box = "in:alternatives.0.usd_per_gpu_hour"
    at = at.text_input(key=box).set_value("").run()
    assert not at.exception
    rent = at.selectbox(key=RENT)
    assert not rent.disabled
    assert WINS not in _captions(at)
    assert "GPU rent in the answer: $1.09 per GPU-hour" in _captions(at)
    assert _npv(at) == usd(_analyzed_text(tmp_path, text.replace(TYPED, 'gpu = "l40s"')))
    assert _npv(at) == "$7,944"  # the file without a rent: the GPU clouds' median
    at = at.selectbox(key=RENT).set_value("gpu_provider:nebius").run()
    nebius = text.replace(TYPED, 'gpu = "l40s"\ngpu_provider = "nebius"')
    assert _npv(at) == usd(_analyzed_text(tmp_path, nebius))
    assert "GPU rent in the answer: $1.55 per GPU-hour (nebius's" in _captions(at)
    assert "usd_per_gpu_hour" not in at.session_state["held"].file_text()


@pytest.mark.slow
def test_a_typed_rent_beside_a_provider_keeps_both_as_analyze_reads_them(
    tmp_path: Path,
) -> None:
    """The file's gpu_provider beside its typed rent: shown, greyed out, kept in the
    download; the answer is analyze's, whose warning says the provider is not used."""
    at, text = _typed_page('gpu_provider = "nebius"')
    rent = at.selectbox(key=RENT)
    assert (rent.value, rent.disabled) == ("gpu_provider:nebius", True)
    assert WINS in _captions(at)
    assert _npv(at) == usd(_analyzed_text(tmp_path, text)) == "-$7,203"
    assert at.session_state["held"].file_text() == text
    code, _, err = run("analyze", tmp_path / "typed.toml")
    assert code == 0
    assert "gpu_provider is not used: usd_per_gpu_hour is given and wins" in err


def test_the_picker_shows_a_rent_with_every_digit_analyze_shows() -> None:
    """The page had rounded catalog rents to cents: an L4 at $0.80 where analyze says
    $0.8048 (730 h a month: $584 against $587.50), an A10G at $1.01 for $1.006."""
    gpus = default_catalog().gpus
    assert rent_label(gpus["l4"], "", "none") == "Default: hyperscalers' median ($0.8048 an hour)"
    assert rent_label(gpus["a10g"], "gpu_provider:aws", "none") == "aws ($1.006 an hour)"
    assert rent_used({"usd_per_gpu_hour": 0.8048, "provider": "aws", "description": ""}) == (
        "GPU rent in the answer: $0.8048 per GPU-hour (aws)."
    )
