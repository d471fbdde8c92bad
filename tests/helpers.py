"""Plain helpers and constants the test folders share: paths, small scenarios and catalogs
built inline, and the command line run in-process (importable: tests/ is on pytest's path).

Fixtures live in conftest.py; a test file imports from here, never from another test file.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import pytest
from typer.testing import CliRunner

from payback import Scenario
from payback.catalog import Catalog, Gpu, GpuPrice, default_catalog
from payback.cli import app
from payback.scenario import parse_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TESTS = Path(__file__).resolve().parent
CONTRACT = TESTS / "contract"
GOLDEN = TESTS / "golden"
DATA = TESTS / "data" / "benchmarks"
SHARED_CONTRACT = ROOT.parent / "shared" / "contract"
QUARTER = EXAMPLES / "quarter-200k.toml"
FROZEN_PORTFOLIO = TESTS / "data" / "portfolio.toml"
"""examples/portfolio.toml as it was at $0.86 an L40S-hour: the input of the tests whose
figures are worked out by hand; the tests of the example itself read examples/."""
CHECKED = dt.date(2026, 11, 1)

# PAYBACK_UPDATE_GOLDEN=1 rewrites the golden files (and the README's output blocks)
UPDATE = os.environ.get("PAYBACK_UPDATE_GOLDEN") == "1"
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def per_request_dict(
    baseline_per_1k: float = 15.0,
    alternative_per_1k: float = 2.0,
    requests: float = 20_000.0,
    horizon: int = 6,
    **one_time: float,
) -> dict[str, Any]:
    """The seed's shape: two per-1k prices and a one-time cost."""
    return {
        "scenario": {"name": "test", "horizon_months": horizon},
        "traffic": {"requests_per_month": requests},
        "baseline": {
            "name": "hosted",
            "kind": "per_request",
            "usd_per_1k_requests": baseline_per_1k,
        },
        "alternatives": [
            {
                "name": "fine-tuned",
                "kind": "per_request",
                "usd_per_1k_requests": alternative_per_1k,
                "one_time": one_time or {"data_usd": 400.0},
            }
        ],
    }


def fleet_dict(**alternative: Any) -> dict[str, Any]:
    """A per-token baseline against a self-hosted fleet; keyword arguments edit the fleet."""
    alt: dict[str, Any] = {
        "name": "fleet",
        "kind": "self_hosted",
        "usd_per_gpu_hour": 1.0,
        "replica_requests_per_s": 1.0,
        "target_utilization": 1.0,
    }
    alt.update(alternative)
    return {
        "scenario": {"name": "fleet test", "horizon_months": 3},
        "traffic": {
            "requests_per_month": 2_628_000.0,  # exactly 1 request/s on average
            "input_tokens": 1000,
            "output_tokens": 200,
        },
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.5,
            "output_usd_per_mtok": 10.0,
        },
        "alternatives": [alt],
    }


def edited(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with the dotted ``path`` set (or removed when value is ...)."""
    out = copy.deepcopy(data)
    node: Any = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return out


def build(data: dict[str, Any]) -> Scenario:
    return parse_scenario(data)


# ---------------------------------------------------------------- the command line


def run(*args: str | Path) -> tuple[int, str, str]:
    """``payback ARGS`` in-process: exit code, stdout, stderr."""
    result = CliRunner(env=ENV).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def without_stale(err: str) -> list[str]:
    """The lines of ``err`` but the warnings of a stale catalog figure, which come and go
    with the day the tests run (a price checked 180 days before it)."""
    return [
        line
        for line in err.strip().splitlines()
        if not (line.startswith("warning: ") and "stale" in line)
    ]


def assert_user_error(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 2, (out, err)
    assert out == ""
    assert "Traceback" not in err
    lines = without_stale(err)
    assert lines, "no message"
    assert all(line.startswith("error: ") for line in lines)
    for fragment in fragments:
        assert fragment in err


def benchmark_module(name: str) -> ModuleType:
    """``benchmarks/NAME.py`` as a module, loaded once (later calls give the same one)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden {name}: PAYBACK_UPDATE_GOLDEN=1 writes it"
    assert text == path.read_text(encoding="utf-8"), (
        f"golden {name} differs (PAYBACK_UPDATE_GOLDEN=1 rewrites it)"
    )


# ---------------------------------------------------------------- scenarios


def quality_dict(
    *,
    escalation: float = 0.0,
    base_rate: float = 0.04,
    alt_rate: float = 0.02,
    usd_per_error: float = 2.5,
    horizon: int = 12,
) -> dict[str, Any]:
    """Baseline $10/1k at a 4% error rate, alternative $12/1k at 2%, $2.50 an error,
    100,000 requests a month, a $10,000 project."""
    data = per_request_dict(10.0, 12.0, 100_000.0, horizon=horizon, data_usd=10_000.0)
    data["baseline"]["quality"] = {"error_rate": base_rate, "usd_per_error": usd_per_error}
    data["alternatives"][0]["quality"] = {"error_rate": alt_rate, "usd_per_error": usd_per_error}
    data["alternatives"][0]["escalation_share"] = escalation
    return data


def _gpu(
    gpu_id: str, memory_gb: float, bandwidth: float, bf16: float, price: float, **kw: Any
) -> Gpu:
    return Gpu(
        id=gpu_id,
        name=gpu_id.upper(),
        memory_gb=memory_gb,
        memory_bandwidth_gb_s=bandwidth,
        bf16_tflops=bf16,
        source="https://example.com/datasheet",
        checked=CHECKED,
        prices=[
            GpuPrice(
                provider="pp",
                usd_per_gpu_hour=price,
                source="https://example.com/prices",
                checked=CHECKED,
            )
        ],
        **kw,
    )


def tiny_catalog() -> Catalog:
    """Three GPUs: a small cheap one without FP8 (7B bf16 does not fit on one), a mid one
    with FP8, a big fast dear one; one model."""
    return Catalog.of(
        [
            _gpu("small", 16, 300, 60, 0.40, int8_tops=120),
            _gpu("mid", 48, 860, 180, 0.90, fp8_tflops=360, int8_tops=360),
            _gpu(
                "big", 80, 3350, 989, 3.00, fp8_tflops=1979, int8_tops=1979, interconnect_gb_s=450
            ),
        ],
        [default_catalog().model("qwen2.5-7b")],
    )


def tiny_scenario(requests: float = 3e6, **alternative: Any) -> Scenario:
    data = build_data(requests, **alternative)
    return build(data)


def build_data(requests: float = 3e6, **alternative: Any) -> dict[str, Any]:
    alt: dict[str, Any] = {
        "name": "self-hosted",
        "kind": "self_hosted",
        "model": "qwen2.5-7b",
        "usd_per_gpu_hour": 1.0,
        "replica_requests_per_s": 1.0,
    }
    alt.update(alternative)
    return {
        "scenario": {"name": "search", "horizon_months": 12},
        "traffic": {
            "requests_per_month": requests,
            "growth_monthly": 0.05,
            "input_tokens": 1500,
            "output_tokens": 300,
            "cached_input_share": 0.3,
            "peak_to_average": 3.0,
        },
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 3.0,
            "output_usd_per_mtok": 15.0,
        },
        "alternatives": [alt],
    }


# ---------------------------------------------------------------- the cautions' scenario

CAUTION_SCENARIO = """
[scenario]
name = "{model} {precision} on {engine} at {input_tokens:,}/{output_tokens:,}"
horizon_months = 12

[traffic]
requests_per_month = {requests}
input_tokens = {input_tokens}
output_tokens = {output_tokens}

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 5.0

[[alternatives]]
name = "self-hosted"
kind = "self_hosted"
model = "{model}"
gpu = "{gpu}"
precision = "{precision}"
engine = "{engine}"
"""
"""The scenario the caution tests of ``analyze`` (tests/cli/test_estimate_cautions.py) and
``recommend`` (tests/studies/test_recommend_cautions.py) write: one self-hosted alternative
against an API at $5 per 1,000 requests."""

LORA_ON_ONE_GPU = """gpus_per_replica = 1

[alternatives.one_time]
training = { model = "qwen2.5-0.5b", gpu = "h200", method = "lora", examples = 20000, tokens_per_example = 800, epochs = 3 }
"""
"""Lines of the alternative: one GPU a replica and a LoRA run of Qwen2.5-0.5B on an H200
(host-bound, tests/hardware/test_cautions.py)."""


def caution_scenario(
    tmp_path: Path,
    engine: str,
    requests: int,
    *,
    model: str = "llama-3.1-8b",
    gpu: str = "h100-sxm",
    precision: str = "fp8",
    tokens: tuple[int, int] = (1000, 1000),
    alternative: str = "",
) -> Path:
    """:data:`CAUTION_SCENARIO` (by default Llama-3.1-8B at FP8 on an H100 at 1,000/1,000,
    H1's lengths in docs/accuracy.md) on ``engine`` at ``requests`` a month, with
    ``alternative``'s lines added to the alternative, written to tmp_path/s.toml."""
    path = tmp_path / "s.toml"
    text = CAUTION_SCENARIO.format(
        engine=engine,
        requests=requests,
        model=model,
        gpu=gpu,
        precision=precision,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
    )
    path.write_text(text + alternative, encoding="utf-8")
    return path


# ---------------------------------------------------------------- model shapes (config.json)

LLAMA_8B_CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "hidden_size": 4096,
    "intermediate_size": 14336,
    "max_position_embeddings": 131072,
    "num_attention_heads": 32,
    "num_hidden_layers": 32,
    "num_key_value_heads": 8,
    "tie_word_embeddings": False,
    "vocab_size": 128256,
}

# a two-layer Llama shape `payback calibrate` times on the CPU in seconds
TINY_MODEL_CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "vocab_size": 512,
    "tie_word_embeddings": False,
    "max_position_embeddings": 2048,
}


# ---------------------------------------------------------------- a real browser


class Browser(NamedTuple):
    """Playwright's ``sync_playwright`` and the Chromium executable it launches."""

    sync_playwright: Any
    executable: str


def find_browser() -> Browser:
    """Playwright and Debian's headless Chromium, or a skip naming what is missing; a
    failure instead where PAYBACK_REQUIRE_BROWSER=1 (CI), so a missing browser there can
    never pass for a tested page."""
    missing = []
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        missing.append("Debian's chromium package (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("playwright (pip install -e '.[test]')")
    if missing:
        message = "needs " + " and ".join(missing)
        if os.environ.get("PAYBACK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}; PAYBACK_REQUIRE_BROWSER=1 requires the browser test")
        pytest.skip(message)
    assert executable is not None
    return Browser(sync_playwright, executable)


def pages_at(
    page_file: Path, widths: Sequence[int], height: int = 900
) -> Iterator[tuple[int, Any]]:
    """``page_file`` opened in headless Chromium at each width in turn: (width, page), the
    page closed when the loop moves on and the browser when it ends."""
    found = find_browser()
    with found.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=found.executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            for width in widths:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(page_file.as_uri())
                try:
                    yield width, page
                finally:
                    page.close()
        finally:
            browser.close()


HUGE = """
[scenario]
name = "huge"
horizon_months = 12
discount_rate_annual = 0.10

[traffic]
requests_per_month = 9876543210987

[baseline]
name = "hosted"
kind = "per_request"
usd_per_1k_requests = 123456.789

[[alternatives]]
name = "dearer per-request"
kind = "per_request"
usd_per_1k_requests = 987654.321
ops_usd_per_month = 999999999999.0

[alternatives.one_time]
data_usd = 987654321987.0

[[alternatives]]
name = "fine-tuned 7B on rented L4s"
kind = "self_hosted"
usd_per_gpu_hour = 987.65
gpus_per_replica = 1
replica_requests_per_s = 8.5
target_utilization = 0.7
"""
"""A scenario whose figures run to 16-22 digits (tests/cli/test_money_whole.py,
test_narrow_terminal.py): money that a narrow layout must never cut."""


def locked_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder this user may not write in, as payback's writers see it: os.access says no
    for it (tests may run as root, who may write anywhere, so a chmod would not do)."""
    import payback.cli._files as files_module

    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        return False if Path(path) == locked else real(path, mode, *args, **kwargs)

    monkeypatch.setattr(files_module.os, "access", access)
    return locked


def every_command() -> list[tuple[str, ...]]:
    """Every command's words (``()`` for ``payback`` itself, ``analyze``, ``catalog gpus``,
    ...), from the app itself."""
    import typer

    group = typer.main.get_command(app)
    found: list[tuple[str, ...]] = [()]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.append((name,))
        for sub in getattr(command, "commands", {}):
            found.append((name, sub))
    return found


# Portfolios more than one test file builds. A test whose numbers are its own keeps its text.

HOSTED_API = """
[baseline]
name = "hosted API"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0
"""

SUPPORT_TRIAGE = """
[[workloads]]
name = "support triage"
traffic = { requests_per_month = 6000000, growth_monthly = -0.15, input_tokens = 1500, output_tokens = 150, peak_to_average = 2.0 }
"""

SUMMARIES = """
[[workloads]]
name = "summaries"
traffic = { requests_per_month = 2000000, growth_monthly = -0.10, input_tokens = 3000, output_tokens = 300, peak_to_average = 2.0 }
"""


def declining_tasks(name: str, alternatives: str, workloads: int = 2) -> str:
    """Over 24 months against :data:`HOSTED_API`, ``alternatives`` (their TOML tables)
    serving the first ``workloads`` of: support triage, 6,000,000 requests a month falling
    15% a month (1,500 tokens in, 150 out), and summaries, 2,000,000 falling 10% (3,000
    in, 300 out), each with a busiest hour twice its average."""
    tasks = (SUPPORT_TRIAGE, SUMMARIES)[:workloads]
    head = f'\n[scenario]\nname = "{name}"\nhorizon_months = 24\n'
    return head + HOSTED_API + alternatives + "".join(tasks)


def portfolio_alternatives(path: Path) -> list[dict[str, Any]]:
    """The alternatives of ``analyze PATH --json``'s portfolio."""
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    return list(json.loads(out)["portfolio"]["alternatives"])


GPU_PARTS = ("pinned_gpus", "mixed_gpus", "spare_gpus", "idle_gpus")
"""What a portfolio alternative's GPUs are in a month, adding up to them."""


def gpu_counts(alt: dict[str, Any], month: int) -> tuple[float, ...]:
    """A portfolio alternative's (gpus, pinned, mixed, spare, idle) in ``month`` (from 1)."""
    return tuple(alt[k][month - 1] for k in ("gpus", *GPU_PARTS))


def assert_gpus_add_up(alt: dict[str, Any]) -> None:
    """Pinned, mixed, spare and idle GPUs are never negative and add up to the GPUs every
    month."""
    for m in range(len(alt["gpus"])):
        parts = [alt[k][m] for k in GPU_PARTS]
        assert min(parts) >= 0.0, m
        assert sum(parts) == alt["gpus"][m], m


def quick_portfolio(discount_rate_annual: float | None = None) -> str:
    """Two workloads priced per request over 60 months: $10 against $2 per 1,000 requests,
    10 engineer-hours at $100 once; alpha 100,000 requests a month with $360 of data,
    beta 1,000."""
    rate = (
        "" if discount_rate_annual is None else f"discount_rate_annual = {discount_rate_annual}\n"
    )
    return f"""
[scenario]
name = "two tasks, quick"
horizon_months = 60
{rate}
[baseline]
name = "hosted API"
kind = "per_request"
usd_per_1k_requests = 10.0

[[alternatives]]
name = "cheap model"
kind = "per_request"
usd_per_1k_requests = 2.0
one_time = {{ engineer_hours = 10, engineer_usd_per_hour = 100.0 }}

[[workloads]]
name = "alpha"
traffic = {{ requests_per_month = 100000 }}
one_time = {{ data_usd = 360.0 }}

[[workloads]]
name = "beta"
traffic = {{ requests_per_month = 1000 }}
"""


def fleet_past_the_cap(name: str = "fleet") -> str:
    """A portfolio whose samples pass the 10,000,000-GPU fleet cap: workload a uniform over
    5e11..9e11 requests a month beside b's 1.1e12, on one fleet of 0.1 requests/s
    replicas named ``name`` (by hand 40.1% of samples pass it:
    tests/analysis/test_portfolio_limits.py)."""
    return f"""[scenario]
name = "big"
horizon_months = 12

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 2.0

[[alternatives]]
name = "{name}"
kind = "self_hosted"
usd_per_gpu_hour = 1.0
replica_requests_per_s = 0.1

[[workloads]]
name = "a"
traffic = {{ requests_per_month = {{ dist = "uniform", low = 5e11, high = 9e11 }} }}

[[workloads]]
name = "b"
traffic = {{ requests_per_month = 1.1e12 }}
"""


def first_workloads(path: Path, count: int) -> Path:
    """The frozen portfolio.toml with its first ``count`` workloads only, written to ``path``."""
    head, *tables = FROZEN_PORTFOLIO.read_text(encoding="utf-8").split("[[workloads]]")
    path.write_text(head + "".join("[[workloads]]" + t for t in tables[:count]))
    return path


# ---------------------------------------------------------------- samples without ranges


def sampled_library(path: Path, samples: int) -> tuple[Any, list[tuple[str, list[str]]]]:
    """The analysis of ``path`` with ``samples`` draws and explain's sections, through the
    library: the command line refuses ``--samples`` of a file without distributions, the
    library still answers it (every sample the same), and its words say so."""
    from payback.scenario import load_scenario

    scenario = load_scenario(path)
    if scenario.workloads:
        from payback.report.portfolio_document import portfolio_explanation, ranked_drivers
        from payback.studies.portfolio import analyze_portfolio

        portfolio = analyze_portfolio(scenario, samples=samples, seed=0)
        return portfolio, portfolio_explanation(portfolio, ranked_drivers(portfolio))
    from payback.analysis.result import analyze
    from payback.report.explain import explain

    analysis = analyze(scenario, samples=samples, seed=0)
    return analysis, explain(analysis)


def sampled_words(path: Path, samples: int) -> str:
    """explain's paragraphs of ``path`` with ``samples`` draws (:func:`sampled_library`),
    on one line."""
    _, sections = sampled_library(path, samples)
    return " ".join(" ".join(p for _, paragraphs in sections for p in paragraphs).split())


def sampled_markdown(path: Path, samples: int, output: Path) -> str:
    """The Markdown report of ``path`` with ``samples`` draws (:func:`sampled_library`)."""
    analysis, _ = sampled_library(path, samples)
    if hasattr(analysis, "portfolio"):
        from payback.report.portfolio_document import portfolio_markdown_files

        files = portfolio_markdown_files(analysis, output)
    else:
        from payback.report import markdown_files

        files = markdown_files(analysis, output)
    return files[output].decode("utf-8")


# ---------------------------------------------------------------- the page's tables


class PageTable(NamedTuple):
    """A table the page draws as HTML (the workloads: web/portfolio.workloads_table), its
    cells' text as read (``value``: a DataFrame, one column a header), as AppTest gives a
    dataframe's."""

    value: Any


def page_tables(at: Any) -> list[PageTable]:
    """The workloads tables an AppTest run drew."""
    import html as html_module
    import re

    import pandas as pd

    tables = []
    for element in at.get("html"):
        text = str(element.proto.body)
        if not text.startswith("<table>"):
            continue
        heads = [
            html_module.unescape(h.replace("<wbr>", ""))
            for h in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", text)
        ]
        rows = [
            [html_module.unescape(c) for c in re.findall(r"<td(?: [^>]*)?>(.*?)</td>", row)]
            for row in re.findall(r"<tr><td.*?</tr>", text)
        ]
        tables.append(PageTable(pd.DataFrame(rows, columns=heads)))
    return tables
