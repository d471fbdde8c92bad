"""Problems of a portfolio file told once, by the field as the file names it (tried as a
new user would): an unknown field in the first workload's traffic was told twice ("in
traffic" and "in workloads.0.traffic"); a workload's own unknown fine-tuning offer was told
as the alternative's field (alternatives.2.fine_tuned); retrain_every_months written in
[[alternatives]] was said to belong to [baseline.recurring]; solve's path naming no
workload was told without the flag it came by."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES, run

HOSTED_FT = '\n[[alternatives]]\nname = "hosted ft"\nkind = "hosted_api"\nfine_tuned = "{offer}"\n'


def _errors(path: Path, *args: str) -> list[str]:
    code, out, err = run(*(args or ("analyze",)), path)
    assert code == 2, out
    return err.splitlines()


def test_an_unknown_field_in_the_first_workloads_traffic_is_told_once(tmp_path: Path) -> None:
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    old = "peak_to_average = 3.0 }\none_time = { data_usd = 3000.0"
    assert old in text
    path = tmp_path / "p.toml"
    path.write_text(text.replace(old, "peak = 3.0 }\none_time = { data_usd = 3000.0"), "utf-8")
    assert _errors(path) == [
        f"error: {path}: workloads.0.traffic.peak: unknown field in workloads.0.traffic; "
        "did you mean 'peak_to_average'? allowed: requests_per_month, growth_monthly, input_tokens, output_tokens, "
        "cached_input_share, peak_to_average"
    ]


def test_a_workloads_own_unknown_fine_tuning_offer_is_told_by_its_own_path(
    tmp_path: Path,
) -> None:
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    head, _, workloads = text.partition("[[workloads]]")
    sql = 'name = "SQL helper"\n'
    assert sql in workloads
    own = sql + 'alternatives."hosted ft" = { fine_tuned = "openai:gpt-9-zzz" }\n'
    path = tmp_path / "p.toml"
    hosted = HOSTED_FT.format(offer="openai.gpt-4.1-mini")
    path.write_text(head + hosted + "\n[[workloads]]" + workloads.replace(sql, own), "utf-8")
    (line,) = _errors(path)
    assert line.startswith(
        f"error: {path}: workloads.4.alternatives.hosted ft.fine_tuned: unknown hosted "
        "fine-tuning offer 'openai:gpt-9-zzz'; did you mean "
    )
    # the alternative's own offer, unknown, is still the alternative's, said once
    path.write_text(
        head + HOSTED_FT.format(offer="openai:gpt-4.1-mini") + "\n[[workloads]]" + workloads,
        "utf-8",
    )
    (line,) = _errors(path)
    assert line.startswith(
        f"error: {path}: alternatives.2.fine_tuned: unknown hosted fine-tuning offer "
        "'openai:gpt-4.1-mini'; did you mean openai.gpt-4.1-mini"
    )


def test_retraining_written_in_an_alternative_is_said_to_belong_to_its_recurring_table(
    tmp_path: Path,
) -> None:
    text = (EXAMPLES / "seed.toml").read_text(encoding="utf-8")
    old = "usd_per_1k_requests = 2.0\n"
    assert text.count(old) == 1
    path = tmp_path / "s.toml"
    path.write_text(text.replace(old, old + "retrain_every_months = 3\n"), "utf-8")
    (line,) = _errors(path)
    assert (
        "alternatives.0.retrain_every_months: unknown field in alternatives.0 of kind "
        '"per_request"; did you mean [alternatives.recurring] retrain_every_months? (move '
        "it under [alternatives.recurring]); allowed: "
    ) in line
    # in [baseline], still the baseline's
    old = 'kind = "per_request"\nusd_per_1k_requests = 15.0\n'
    assert text.count(old) == 1
    path.write_text(text.replace(old, old + "retrain_every_months = 3\n"), "utf-8")
    (line,) = _errors(path)
    assert "did you mean [baseline.recurring] retrain_every_months?" in line
