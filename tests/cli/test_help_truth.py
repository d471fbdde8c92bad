"""What a command's help says is what it does: analyze's word on a [traffic] beside
[[workloads]] (said of every [traffic]; only one that differs from the first workload's is
warned of)."""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLES, run


def _words(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_analyze_help_says_which_traffic_beside_workloads_is_warned_of(tmp_path: Path) -> None:
    """The help said a [traffic] beside [[workloads]] "is not read, and warned of"; a
    [traffic] that repeats the first workload's is said nothing of."""
    code, out, _ = run("analyze", "--help")
    assert code == 0
    said = _words(out)
    assert "and warned of" not in said
    assert (
        "a [traffic] beside them is not read: its fields that differ from the first "
        "workload's are warned of, as they move only the page's one-workload view"
    ) in said
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    first = (
        "requests_per_month = 400000, input_tokens = 1500, output_tokens = 150, "
        "peak_to_average = 3.0"
    )
    assert first in text
    for requests, warned in (("400000", False), ("500000", True)):
        traffic = "[traffic]\n" + first.replace("400000", requests).replace(", ", "\n") + "\n"
        scenario = tmp_path / f"p{requests}.toml"
        scenario.write_text(text.replace("[baseline]", traffic + "\n[baseline]", 1))
        code, _, err = run("analyze", scenario)
        assert code == 0, err
        assert ("[traffic] is not used" in err) is warned, err


def test_the_option_bounds_are_in_the_help_and_the_readmes_limits() -> None:
    """--samples (analyze, explain, report) at most 2,000,000, calibrate --seconds at most
    3,600 and sensitivity --swing from 0.001 to under 1 were refused past their bounds with
    no word of them in the help or the README's limits table."""
    from helpers import ROOT
    from payback.measure.calibrate import MAX_SECONDS
    from payback.studies.uncertainty import MAX_SAMPLES, MIN_SWING

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Limits", 1)[1].split("\n## ", 1)[0]
    samples, seconds = f"{MAX_SAMPLES:,}", f"{MAX_SECONDS:,.0f}"
    for row in (
        f"| `analyze`, `explain` and `report --samples` (Monte Carlo) | 1 to {samples} samples |",
        f"| `sensitivity --swing` | at least {MIN_SWING:g} and under 1 (±0.1% to under ±100%) |",
        f"| `calibrate --seconds` | more than 0 and at most {seconds} (an hour) |",
    ):
        assert row in section, row
    for command, option, stated in (
        ("analyze", "--samples", f"(1 to {samples} samples)"),
        ("explain", "--samples", f"(1 to {samples})"),
        ("report", "--samples", f"(1 to {samples})"),
        ("calibrate", "--seconds", f"At most {seconds}."),
        ("sensitivity", "--swing", f"at least {MIN_SWING:g}, under 1"),
    ):
        code, out, _ = run(command, "--help")
        assert code == 0
        said = _words(out)
        assert option in said
        assert stated in said, (command, stated)
        code, _, err = run(command, *_too_far(command, option))
        assert code == 2, (command, err)
        assert err.count("\n") == 1, err


def _too_far(command: str, option: str) -> tuple[str, ...]:
    """Arguments with ``option`` just past its bound: refused, exit code 2."""
    scenario = str(EXAMPLES / "quarter-uncertain.toml")
    if command == "calibrate":
        return ("--model", "qwen2.5-0.5b", "--seconds", "3601")
    if command == "sensitivity":
        return (str(EXAMPLES / "quarter-200k.toml"), "--swing", "1")
    extra = ("-o", "never-written.md") if command == "report" else ()
    return (scenario, option, "2000001", *extra)


def test_estimate_training_runs_a_scenarios_epochs_unless_given() -> None:
    """`estimate training` read 1 epoch unless given while a scenario's one_time.training
    job reads 3: catalog-ids.toml's job (20,000 examples of 800 tokens, LoRA of
    llama-3.1-8b on an H100) cost $7.01 a run in analyze and a third of it here."""
    import inspect
    import json

    import payback
    from payback.cli.estimate import TRAINING_EPOCHS
    from payback.scenario.schema import TrainingJob

    assert TrainingJob.model_fields["epochs"].default == TRAINING_EPOCHS == 3.0
    library = inspect.signature(payback.estimate_training).parameters["epochs"].default
    assert library == 3.0  # the library had read 1 epoch: a third of the same job
    code, out, _ = run("estimate", "training", "--help")
    assert code == 0
    assert "the default of a scenario's one_time.training job" in _words(out)
    args = ("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--method", "lora", "--tokens", "16e6")
    code, out, err = run("estimate", "training", *args, "--json")
    assert code == 0, err
    alone = json.loads(out)
    analysis = payback.analyze(payback.load_scenario(EXAMPLES / "catalog-ids.toml"))
    job = analysis.resolved.scenario.alternatives[0].one_time
    assert job.training is not None
    assert (job.training.examples * job.training.tokens_per_example, job.training.epochs) == (
        16e6,
        3.0,
    )
    assert alone["usd"] == job.training_usd
    assert round(alone["usd"], 2) == 7.01
    assert alone["tokens"] == 48e6
    assert alone["epochs"] == 3.0  # said beside the tokens processed, 16e6 × 3
    catalog = payback.catalog.default_catalog()
    lib = payback.estimate_training(
        catalog.model("llama-3.1-8b"), catalog.gpu("h100-sxm"), tokens=16e6
    )
    assert (lib.tokens, lib.usd) == (alone["tokens"], alone["usd"])


def test_estimate_training_refuses_the_epochs_a_scenario_refuses() -> None:
    """`estimate training --epochs 150` priced a run ($350.31) a scenario's training job
    refuses (epochs ≤ 100): both now stop at the same bound, in one line."""
    from payback.hardware.fine_tuning import MAX_EPOCHS
    from payback.scenario.schema import TrainingJob

    bound = [m.le for m in TrainingJob.model_fields["epochs"].metadata if hasattr(m, "le")]
    assert bound == [MAX_EPOCHS] == [100.0]
    args = ("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--tokens", "16e6")
    code, out, err = run("estimate", "training", *args, "--epochs", "150")
    assert (code, out) == (2, "")
    assert err == "error: --epochs 150: must be ≤ 100, as in a scenario's training job\n"
    code, _, err = run("estimate", "training", *args, "--epochs", "100")
    assert code == 0, err
