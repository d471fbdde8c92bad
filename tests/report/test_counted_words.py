"""One of a thing is singular wherever a count is written, tried as a new user would: a
scenario of one request a month said "1 requests in month 1", "after 1 requests" and
"(after ~1 requests)"; quick "compounds 1 requests"; usage "Traffic from 1 file(s)";
sensitivity "a rate left at 0 over assumed ranges" of one range."""

from __future__ import annotations

from pathlib import Path

from helpers import run

ONE_REQUEST = """
[scenario]
name = "one request"
horizon_months = 12
discount_rate_annual = 0.0

[traffic]
requests_per_month = 1

[baseline]
name = "people"
kind = "per_request"
usd_per_1k_requests = 100000.0

[[alternatives]]
name = "model"
kind = "per_request"
usd_per_1k_requests = 1000.0

[alternatives.one_time]
data_usd = 99.0
"""


def test_one_request_a_month_is_singular(tmp_path: Path) -> None:
    path = tmp_path / "one.toml"
    path.write_text(ONE_REQUEST)
    code, out, err = run("analyze", path)
    assert code == 0, err
    text = " ".join(out.split())
    assert "12 months; 1 request in month 1" in text
    # $100 saved a month of $99 up front: the first request pays it back
    assert "Break-even month 1.00, after 1 request Cumulative" in text
    assert "'model' pays back in month 1.0 (after ~1 request), within a quarter" in text
    assert "1 requests" not in text


def test_many_requests_stay_plural(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text(ONE_REQUEST.replace("requests_per_month = 1", "requests_per_month = 2"))
    code, out, err = run("analyze", path)
    assert code == 0, err
    text = " ".join(out.split())
    assert "12 months; 2 requests in month 1" in text
    # $99 owed, $99 saved a request (the first month's $198 over 2 requests): month 0.5
    assert "Break-even month 0.50, after 1 request Cumulative" in text


def test_quick_compounds_one_request() -> None:
    code, out, err = run(
        "quick",
        "--hosted-per-1k", "15",
        "--self-hosted-per-1k", "2",
        "--one-time", "1e9",
        "--requests-per-month", "1",
        "--growth", "0.5",
    )  # fmt: skip
    assert code == 0, err
    warning = " ".join(err.split())
    assert "(+50% a month) compounds 1 request in month 1 to 36,768,468,717 in month 61" in warning
    # $13 saved per 1,000 requests against $1e9: 1e9 / 0.013 requests
    assert "Break even after ~76,923,076,923 requests" in out
    assert "At 1 request a month growing +50% a month" in out


def test_usage_counts_its_files(tmp_path: Path) -> None:
    log = "created_at,model,prompt_tokens,completion_tokens\n"
    log += "2026-06-01T10:00:00Z,m,100,20\n2026-06-02T11:00:00Z,m,120,30\n"
    (tmp_path / "a.csv").write_text(log)
    (tmp_path / "b.csv").write_text(log)
    code, out, err = run("usage", tmp_path / "a.csv")
    assert code == 0, err
    assert "Traffic from 1 file, generic format" in out
    code, out, err = run("usage", tmp_path / "a.csv", tmp_path / "b.csv")
    assert code == 0, err
    assert "Traffic from 2 files, generic format" in out


def test_one_assumed_range_is_singular(tmp_path: Path) -> None:
    code, _, err = run("init", tmp_path / "s.toml")
    assert code == 0, err
    starter = (tmp_path / "s.toml").read_text()
    assert "growth_monthly = 0.0 " in starter
    (tmp_path / "grows.toml").write_text(
        starter.replace("growth_monthly = 0.0 ", "growth_monthly = 0.02")
    )
    code, out, err = run("sensitivity", tmp_path / "grows.toml")
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "each moved ±25%; a rate left at 0 over an assumed range (price trend -30%..0/year)."
        in text
    )
    code, out, err = run("sensitivity", tmp_path / "s.toml")
    assert code == 0, err
    assert (
        "each moved ±25%; rates left at 0 over assumed ranges (growth ±2%/month, price trend "
        "-30%..0/year)." in " ".join(out.split())
    )
