"""Words that read wrong when tried as a new user would: each said once, in lower case
after a semicolon, naming what to give, and alike wherever the same figure is shown."""

from __future__ import annotations

from pathlib import Path

from helpers import ROOT, run

BENCHMARK = ROOT / "tests" / "data" / "benchmarks" / "vllm_save_result.json"

ONE_MONTH = """
[scenario]
name = "one month"
horizon_months = HORIZON
[traffic]
requests_per_month = 3000000
growth_monthly = 0.02
[baseline]
name = "b"
kind = "per_request"
usd_per_1k_requests = 6
[[alternatives]]
name = "a"
kind = "per_request"
usd_per_1k_requests = 2
"""

NO_PRICE = """
[scenario]
name = "t"
horizon_months = 12
[traffic]
requests_per_month = 100000
input_tokens = 1000
output_tokens = 200
[baseline]
name = "b"
kind = "hosted_api"
model = "gpt-4o"
[[alternatives]]
name = "a"
kind = "self_hosted"
model = "llama-3.1-8b"
gpu = "rtx-6000-ada"
"""

# $10 per 1,000 against a fleet of 3 GPUs at $3.99 an hour, always on: 3 x 730 x $3.99 =
# $8,738.10 a month against $10,000; nothing up front, so it pays back at once. Moved
# ±25%, the rent runs from $2.9925 to $4.9875 an hour.
RENT = """
[scenario]
name = "rent"
horizon_months = 12
[traffic]
requests_per_month = 1000000
[baseline]
name = "b"
kind = "per_request"
usd_per_1k_requests = 10
[[alternatives]]
name = "fleet"
kind = "self_hosted"
usd_per_gpu_hour = 3.99
replica_requests_per_s = 5.0
min_replicas = 3
"""


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _flat(*args: str | Path) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return " ".join(out.split())


def test_one_month_says_its_traffic_once(tmp_path: Path) -> None:
    # it read "1 month; 3,000,000 requests in month 1, +2%/month to 3,000,000 in month 1"
    code, out, err = run("analyze", _file(tmp_path, "h1.toml", ONE_MONTH.replace("HORIZON", "1")))
    assert code == 0, err
    assert out.splitlines()[1] == "1 month; 3,000,000 requests in month 1"
    # two months: the growth reaches month 2 (3,000,000 x 1.02 = 3,060,000)
    code, out, err = run("analyze", _file(tmp_path, "h2.toml", ONE_MONTH.replace("HORIZON", "2")))
    assert code == 0, err
    assert out.splitlines()[1] == (
        "2 months; 3,000,000 requests in month 1, +2%/month to 3,060,000 in month 2"
    )


def test_what_to_give_after_a_semicolon_is_lower_case(tmp_path: Path) -> None:
    path = _file(tmp_path, "noprice.toml", NO_PRICE)
    code, _out, err = run("analyze", path)
    assert code == 2
    assert err.strip() == (
        f"error: {path}: alternatives.0.gpu = 'rtx-6000-ada': the catalog has no "
        "on-demand price for rtx-6000-ada; it has a serverless platform's offer, runpod "
        '$1.908 (set gpu_price = "serverless" to pay it); give usd_per_gpu_hour'
    )


def test_a_file_of_one_run_has_none_to_pick() -> None:
    code, _out, err = run("import-benchmark", BENCHMARK, "--run", "3")
    assert code == 2
    assert err.strip() == (
        f"error: --run 3: {BENCHMARK} holds one run, so there is none to pick: leave it out"
    )


def test_a_model_without_a_gpu_or_a_file_says_it_is_not_used() -> None:
    # it exited 0 with the same table as without --model
    code, out, err = run("import-benchmark", BENCHMARK, "--model", "llama-3.1-8b")
    assert code == 0
    assert "Serving benchmark" in out  # the table still comes
    assert err.strip() == (
        "warning: --model llama-3.1-8b: unused without --gpu (to compare) or -o (to record it)"
    )
    code, _out, err = run(
        "import-benchmark", BENCHMARK, "--model", "llama-3.1-8b", "--gpu", "h100-sxm"
    )
    assert code == 0
    assert "--model" not in err


def test_a_break_even_at_once_reads_at_once_in_the_tornado(tmp_path: Path) -> None:
    # it read "break-even 0.0 at either end" where analyze says "pays back at once"
    text = _flat("sensitivity", _file(tmp_path, "rent.toml", RENT))
    assert "break-even 0.0" not in text
    assert "break-even not within 12 months → at once" in text  # traffic: 750k → 1.25M
    assert (
        "$2.99 → $4.99/GPU-hour: NPV $41.4k → -$11.1k; break-even at once → not within 12 months"
        in text
    )


def test_explain_rounds_a_rent_range_as_the_tornado_does(tmp_path: Path) -> None:
    # it read "$2.9925 to $4.9875/GPU-hour" where sensitivity said "$2.99 → $4.99"
    text = _flat("explain", _file(tmp_path, "rent.toml", RENT))
    assert "(alternatives.0.usd_per_gpu_hour; $2.99 to $4.99/GPU-hour, ±25%)" in text
    assert "2.9925" not in text
