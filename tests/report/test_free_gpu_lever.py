"""Where not even a free GPU pays back within a quarter, explain does not then send the
reader to recommend for a cheaper GPU (tried as a new user would: the two sat in one
paragraph)."""

from __future__ import annotations

from pathlib import Path

from helpers import QUARTER, run


def _explained(tmp_path: Path, requests: int) -> str:
    text = QUARTER.read_text().replace(
        "requests_per_month = 200000", f"requests_per_month = {requests}", 1
    )
    path = tmp_path / "q.toml"
    path.write_text(text)
    code, out, err = run("explain", path)
    assert code == 0, err
    return " ".join(out.split())


def test_no_cheaper_gpu_where_a_free_one_does_not_pay_back(tmp_path: Path) -> None:
    said = _explained(tmp_path, 13_210)
    assert "not even a free GPU would pay back within a quarter" in said
    assert "payback recommend ranks smaller and cheaper GPUs" not in said


def test_recommend_is_a_lever_where_a_cheaper_gpu_would_do(tmp_path: Path) -> None:
    said = _explained(tmp_path, 500_000)  # a GPU at $0.22/hour or less would do
    assert "not even a free GPU" not in said
    assert "the command payback recommend ranks smaller and cheaper GPUs" in said
