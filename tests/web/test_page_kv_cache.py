"""The KV cache's type under Serving: “GPU and model from the catalog”, beside the engine.
A page user could not say their vLLM keeps an FP8 cache: the page now has a "KV cache"
picker (auto, the engine's default, first), started from the file's ``kv_cache``; the
file's auto left out stays left out; the answer is the command line's for the file the
page would download, a refused combination said in the command line's one line, and the
cache the estimate kept is said under the picker."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import payback
from helpers import EXAMPLES
from payback.cli import app as cli_app
from payback.web.state import Held

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = str(Path(payback.__file__).parent / "web" / "app.py")
A = "in:alternatives.0"
CATALOG = "GPU and model from the catalog (capacity estimated)"


def _open(path: Path) -> AppTest:
    """The page as `payback serve path` opens it: the file's text, its folder."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    return at.run()


def _read(markdown: str) -> str:
    """A message as its reader sees it: Markdown escapes and entities undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown.replace(":small[]", ""))).replace(
        "\xa0", " "
    )


def _saved(at: AppTest, path: Path) -> str:
    """The scenario the page would download, written to ``path``."""
    path.write_text(at.session_state["held"].file_text())
    return path.read_text()


def _analyzed(path: Path) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli_app, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _captions(at: AppTest) -> list[str]:
    return [_read(c.value) for c in at.caption]


def test_an_fp8_cache_on_an_l4_raises_the_capacity_analyze_uses(tmp_path: Path) -> None:
    """qwen2.5-7b, FP8 weights on vLLM on one L4 at the starter's 2,000/400 tokens, 20%
    cached, 70% utilization. vLLM keeps a BF16 cache for FP8 weights: 11.54 GB of cache
    holds a batch of 91 (1.944 requests/s a replica). An FP8 cache stores each element in
    one byte instead of two: the same 11.54 GB holds twice the tokens, a batch of 182
    (3.016 requests/s), as `payback estimate serving --model qwen2.5-7b --gpu l4
    --precision fp8 --input-tokens 2000 --output-tokens 400 --cached-input-share 0.2
    --utilization 0.7 [--kv-cache fp8] --json` says. Auto leaves the file without a
    kv_cache line."""
    at = _open(EXAMPLES / "quarter-200k.toml")
    at = at.radio(key=f"{A}.mode").set_value(CATALOG).run()
    picker = at.selectbox(key=f"{A}.kv_cache")
    assert picker.label == "KV cache"
    assert picker.options == ["auto (the engine's default)", "bf16", "fp8"]
    assert picker.value == "auto"
    at = at.selectbox(key=f"{A}.precision").set_value("fp8").run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    auto = tmp_path / "auto.toml"
    assert "kv_cache" not in _saved(at, auto)
    serving = _analyzed(auto)["estimates"]["alternatives.0"]["serving"]
    assert (serving["kv_cache"], serving["batch"]) == ("bf16", 91)
    assert serving["replica_requests_per_s"] == pytest.approx(1.9445, abs=1e-4)
    assert serving["kv_cache_gb"] == pytest.approx(11.54, abs=0.01)
    said = "Estimated with a BF16 KV cache (vLLM's default for FP8 weights)."
    assert said in _captions(at)

    at = at.selectbox(key=f"{A}.kv_cache").set_value("fp8").run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    fp8 = tmp_path / "fp8.toml"
    assert 'kv_cache = "fp8"\n' in _saved(at, fp8)
    data = _analyzed(fp8)
    serving = data["estimates"]["alternatives.0"]["serving"]
    assert (serving["kv_cache"], serving["batch"]) == ("fp8", 182)  # twice 91
    assert serving["kv_cache_gb"] == pytest.approx(11.54, abs=0.01)  # the same room
    assert serving["replica_requests_per_s"] == pytest.approx(3.0163, abs=1e-4)
    assert "Estimated with an FP8 KV cache (as asked)." in _captions(at)
    (npv,) = [m.value for m in at.metric if m.label.startswith("NPV over")]
    assert npv == f"${data['alternatives'][0]['npv_usd']:,.0f}".replace("$-", "-$")

    at = at.selectbox(key=f"{A}.kv_cache").set_value("auto").run()
    assert "kv_cache" not in _saved(at, tmp_path / "back.toml")  # left out again


def test_a_files_kv_cache_is_shown_as_chosen_and_kept(tmp_path: Path) -> None:
    """A file's ``kv_cache = "fp8"`` starts the picker on fp8 and stays in the download;
    its written ``kv_cache = "auto"`` stays written when auto is kept. catalog-ids.toml's
    L40S option alone (the page shows the best option: there the hosted one)."""
    text = (EXAMPLES / "catalog-ids.toml").read_text()
    text = text[: text.index("[[alternatives]]", text.index("[[alternatives]]") + 1)]
    path = tmp_path / "cache.toml"
    path.write_text(text.replace('precision = "fp8"\n', 'precision = "fp8"\nkv_cache = "fp8"\n', 1))
    at = _open(path)
    assert not at.exception
    assert at.selectbox(key=f"{A}.kv_cache").value == "fp8"
    assert 'kv_cache = "fp8"\n' in _saved(at, tmp_path / "kept.toml")
    assert "Estimated with an FP8 KV cache (as asked)." in _captions(at)
    at = at.selectbox(key=f"{A}.kv_cache").set_value("bf16").run()
    assert 'kv_cache = "bf16"\n' in _saved(at, tmp_path / "bf16.toml")
    assert "Estimated with a BF16 KV cache (as asked)." in _captions(at)

    path.write_text(
        text.replace('precision = "fp8"\n', 'precision = "fp8"\nkv_cache = "auto"\n', 1)
    )
    at = _open(path)
    assert at.selectbox(key=f"{A}.kv_cache").value == "auto"
    assert 'kv_cache = "auto"\n' in _saved(at, tmp_path / "auto.toml")


@pytest.mark.parametrize(
    ("engine", "gpu", "words"),
    [
        ("lean", "l4", "alternatives.0.kv_cache = 'fp8': lean keeps a BF16 cache only"),
        (
            "trtllm",
            "a100-80gb",
            "alternatives.0.kv_cache = 'fp8': TensorRT-LLM's FP8 cache needs FP8 tensor cores "
            "(Ada or later) and a100-80gb has none; use bf16, or vllm or sglang, which store "
            "an FP8 cache there",
        ),
    ],
)
def test_a_cache_the_engine_cannot_keep_is_said_in_the_command_lines_line(
    tmp_path: Path, engine: str, gpu: str, words: str
) -> None:
    """Tried as a new user would: BF16 weights, an FP8 cache asked of an engine that
    cannot keep one there. The page shows no answer and says what `payback analyze`
    says of the file it would download, in one line."""
    at = _open(EXAMPLES / "quarter-200k.toml")
    at = at.radio(key=f"{A}.mode").set_value(CATALOG).run()
    at = at.selectbox(key=f"{A}.gpu").set_value(gpu).run()
    at = at.selectbox(key=f"{A}.engine").set_value(engine).run()
    at = at.selectbox(key=f"{A}.kv_cache").set_value("fp8").run()
    assert not at.exception
    assert [m.value for m in at.metric if m.label.startswith("NPV over")] == []
    path = tmp_path / "refused.toml"
    _saved(at, path)
    refused = CliRunner().invoke(cli_app, ["analyze", str(path)])
    assert refused.exit_code == 2
    line = refused.stderr.strip().removeprefix("error: ").removeprefix(f"{path}: ")
    assert line == words
    assert any(words in _read(str(e.value)) for e in at.error), [e.value for e in at.error]
