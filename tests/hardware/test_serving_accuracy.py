"""docs/accuracy.md is what the code predicts, covers what the issue asks, and names the
mechanism behind every row outside the goal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import benchmark_module
from payback.catalog import default_catalog

ROOT = Path(__file__).resolve().parents[2]


ACCURACY = benchmark_module("accuracy")
DOC = (ROOT / "docs" / "accuracy.md").read_text(encoding="utf-8")


def test_the_table_is_what_the_code_predicts() -> None:
    start = DOC.index(ACCURACY.START)
    end = DOC.index(ACCURACY.END) + len(ACCURACY.END)
    assert DOC[start:end] == ACCURACY.section(), (
        "docs/accuracy.md differs from the code: run python benchmarks/accuracy.py --write"
    )


def test_thirty_rows_diverse_in_gpu_engine_precision_batch_and_method() -> None:
    serving, training = ACCURACY.SERVING, ACCURACY.TRAINING
    assert len(serving) + len(training) >= 30
    catalog = default_catalog()
    gpus = {row.gpu for row in serving}
    assert {"a100-80gb", "l40s", "h100-sxm", "h200", "rtx-4090"} <= gpus
    assert len({row.engine.name for row in serving}) >= 2
    assert {"bf16", "fp8", "mxfp4"} <= {row.precision for row in serving}
    assert any(row.batch == 1 for row in serving)
    assert any(row.batch is None for row in serving)
    sizes = [catalog.model(row.model).params_b for row in serving]
    assert min(sizes) < 8
    assert max(sizes) > 60
    assert sum(catalog.model(row.model).is_moe for row in serving) >= 3
    moe_at_batch_1 = {r.model for r in serving if r.batch == 1 and catalog.model(r.model).is_moe}
    assert len(moe_at_batch_1) >= 3  # issue 16: three MoE models measured at batch 1
    assert "l4" in gpus
    assert min(sizes) < 1
    assert {"full", "lora", "qlora"} <= {row.method for row in training}
    assert {"standard", "optimized"} <= {row.stack for row in training}
    for row in (*serving, *training):
        assert row.published > 0
        assert row.conditions
        assert row.source


NOT_IDENTIFIED = {"S31", "S32", "Q85", "Q88", "Q89"}
"""Rows outside the goal whose mechanism is not identified: their bullet says so."""


def _row_ids(text: str) -> set[str]:
    """The row ids a text names, ranges spelled out: ``L9-L13`` is L9, L10, … L13."""
    out: set[str] = set()
    for m in re.finditer(r"\b([SLQHT])(\d+)(?:-\1(\d+))?\b", text):
        out |= {f"{m[1]}{k}" for k in range(int(m[2]), int(m[3] or m[2]) + 1)}
    return out


def _misses_bullets(doc: str) -> list[tuple[set[str], str]]:
    """Each top-level bullet of "Where the goal is missed": the ids its bold heading names,
    and its text."""
    section = doc[doc.index("## Where the goal is missed") :]
    section = section[: section.find("\n## ", 3)] if "\n## " in section[3:] else section
    bullets = re.split(r"\n(?=- \*\*)", section)[1:]
    return [(_row_ids(b.split("**")[1]), b) for b in bullets]


def rows_outside_the_goal() -> dict[str, str]:
    """Every row outside its goal, by id, with how: a serving row (S) or a held-back one
    (H) beyond ±30%, a training row (T) beyond ±35%, a closed-loop row (L) or a Poisson row
    (Q) whose time per output token or e2e is beyond 6% or first token beyond 15% (the
    under-load goals, held row by row), or a Poisson rate past the estimated capacity."""
    out: dict[str, str] = {}
    serving = [(f"S{i}", row) for i, row in enumerate(ACCURACY.SERVING, 1)]
    for name, row in [*serving, *ACCURACY.HELD_BACK.items()]:
        if abs(row.ratio() - 1.0) > ACCURACY.SERVING_GOAL[1]:
            out[name] = f"{row.ratio():.2f}×"
    for i, t in enumerate(ACCURACY.TRAINING, 1):
        if abs(t.ratio() - 1.0) > ACCURACY.TRAINING_GOAL[1]:
            out[f"T{i}"] = f"{t.ratio():.2f}×"
    goal = ACCURACY.LOAD_GOAL
    for i, load in enumerate(ACCURACY.LOAD, 1):
        ttft, tpot, e2e, _ = load.predicted()
        pairs = {
            "ttft": (ttft, load.ttft_ms),
            "tpot": (tpot, load.tpot_ms),
            "e2e": (e2e, load.e2e_ms),
        }
        missed = [f"{k} {p / m:.2f}×" for k, (p, m) in pairs.items() if abs(p / m - 1) > goal[k]]
        if missed:
            out[f"L{i}"] = ", ".join(missed)
    for i, poisson in enumerate(ACCURACY.POISSON, 1):
        placed = poisson.predicted()
        if placed is None:
            out[f"Q{i}"] = "past the estimated capacity"
            continue
        pairs = {"ttft": (placed[0], poisson.ttft_ms), "tpot": (placed[1], poisson.tpot_ms)}
        missed = [f"{k} {p / m:.2f}×" for k, (p, m) in pairs.items() if abs(p / m - 1) > goal[k]]
        if missed:
            out[f"Q{i}"] = ", ".join(missed)
    return out


def test_every_row_outside_the_goal_is_named_with_its_mechanism() -> None:
    bullets = _misses_bullets(DOC)
    named = set().union(*(_row_ids(text) for _, text in bullets))
    outside = rows_outside_the_goal()
    # by hand from the tables: S1 1.41, S31 0.69, S32 1.38, S42 1.57, S46 1.31, S48 1.56
    # (S69, 1.36 before each int4 multiply's fixed time, now 1.08; S38 and S39, 1.31 and
    # 1.30 before a layer's kernels were counted, now 1.09 and 1.10); H1 1.38, H2 1.41,
    # H3 2.17; the rows under load by their worst
    assert {k for k in outside if k[0] in "SH"} == {
        *("S1", "S31", "S32", "S42", "S46", "S48"),
        *("H1", "H2", "H3"),
    }
    assert {"L9", "L13", "L15", "L17", "Q2", "Q5", "Q6"} <= set(outside)
    for name, how in outside.items():
        assert name in named, f"{name} ({how}) is outside the goal and not named"
    said = {i for ids, text in bullets if "not identified" in text for i in ids}
    for name in NOT_IDENTIFIED:
        assert name in outside, f"{name} is within the goal now: take it off NOT_IDENTIFIED"
        assert name in said, f"{name}: its bullet does not say its mechanism is not identified"
    assert said & set(outside) <= NOT_IDENTIFIED, "a bullet says 'not identified': list it"


def test_the_prose_summary_is_the_tables() -> None:
    """The figures the prose gives for the summary are the summary table's."""
    words = " ".join(DOC.split())
    median, worst, count = ACCURACY.summary(ACCURACY.SERVING)
    held = ACCURACY.summary([r for r in ACCURACY.SERVING if not r.fit])
    bound = ACCURACY.SERVING_GOAL[1]
    beyond = [
        f"S{i} {row.ratio():.2f}"
        for i, row in enumerate(ACCURACY.SERVING, 1)
        if abs(ACCURACY._err(row.ratio())) > bound
    ]
    assert (
        f"**Serving median {median:.0%} over all {count} rows, within the goal's median of "
        f"{ACCURACY.SERVING_GOAL[0]:.0%}, but {len(beyond)} rows lie beyond its ±{bound:.0%}** "
        f"({', '.join(beyond)}; "
    ) in words
    assert (
        f"{held[0]:.0%} over the {held[2]} rows no factor was set from; worst {worst:+.0%}):"
    ) in words
    assert median <= ACCURACY.SERVING_GOAL[0]  # the prose says within the goal's median
    assert held[0] <= ACCURACY.SERVING_GOAL[0]
    train = ACCURACY.summary(ACCURACY.TRAINING)
    train_held = ACCURACY.summary([t for t in ACCURACY.TRAINING if not t.fit])
    assert (
        f"every row is within the goal (median {train[0]:.0%}, worst {train[1]:+.0%}); "
        f"the rows not used to set a factor, median {train_held[0]:.0%}, worst "
        f"{train_held[1]:+.0%}"
    ) in words
    assert abs(train[1]) <= ACCURACY.TRAINING_GOAL[1]


def test_per_sequence_metrics_read_the_same_decode_step() -> None:
    """``user`` (tokens/s of one sequence) and ``itl`` (ms between its tokens) are one
    figure two ways: their predictions multiply to 1,000 and the latency's ratio is
    inverted, so both rows give the same ratio for the same measurement."""
    speed = ACCURACY.ServingRow(
        "qwen2.5-0.5b", "l4", 1, "bf16", 256, 128, 196.0, "user", "c", "s", batch=1
    )
    latency = ACCURACY.dataclasses.replace(speed, metric="itl", published=1000.0 / 196.0)
    assert speed.predicted() * latency.predicted() == pytest.approx(1000.0)
    assert speed.ratio() == pytest.approx(latency.ratio())


def test_the_lean_engine_is_the_bundled_calibrations_fit() -> None:
    """The lean engine's overheads and bandwidth share are one fit of the H200 calibration
    (its three factors, to the precision the engine keeps them); the overheads beside the
    default share made the fit's own steps too fast."""
    from payback.hardware import serving as sv
    from payback.measure.calibration import load_calibration

    fit = load_calibration(ROOT / "examples" / "calibrations" / "h200-llama-3.1-8b-lora.toml")
    assert fit.factors.bandwidth_efficiency == pytest.approx(sv.LEAN.bandwidth_efficiency, abs=5e-4)
    assert fit.factors.step_overhead_s == pytest.approx(sv.LEAN.step_overhead_s, abs=5e-6)
    assert fit.factors.layer_overhead_s == pytest.approx(sv.LEAN.layer_overhead_s, abs=5e-7)
    assert sv.LEAN.bandwidth_efficiency != sv.VLLM.bandwidth_efficiency


def test_own_measurements_are_held_back_and_within_their_bounds() -> None:
    """Our own H200 runs: every decode step not used to set a factor is within 15% of the
    lean engine (hand check of one below), and each checkpointed LoRA run within 20% of
    the unsloth stack; the full and unrecomputed runs are listed but not scored."""
    runs = {run.path.name: run for run in ACCURACY.own_runs()}
    assert len([r for r in runs.values() if r.path.parent.name == "measured"]) == 6
    held = [
        step
        for run in runs.values()
        if not run.fit and not run.repeats_decode
        for step in run.decode()
    ]
    assert len(held) == 24
    for batch, context, measured, predicted in held:
        assert 0.85 <= measured / predicted <= 1.15, (batch, context, measured, predicted)
    # by hand: Qwen2.5-7B, batch 1 at 1,024 tokens on an H200 (4.8 TB/s): 0.70 ms + 28 × 21 µs,
    # plus 7.07e9 streamed weights × 2 bytes at 0.725 of the bandwidth and 1,024 tokens of a
    # 57,344-byte-a-token cache at 0.71 of it
    step = 0.70e-3 + 28 * 21e-6 + 2 * 7.07e9 / (4.8e12 * 0.725) + 1024 * 57_344 / (4.8e12 * 0.71)
    (first,) = [s for s in runs["h200-qwen2.5-7b-lora-1024.toml"].decode() if s[0] == 1]
    assert first[3] == pytest.approx(step * 1e3, rel=0.01)
    scored = [run.training_ratio() for run in runs.values()]
    assert sum(r is not None for r in scored) == 6
    assert all(0.8 <= r <= 1.2 for r in scored if r is not None)
    assert runs["h200-qwen2.5-1.5b-full-1024.toml"].training_ratio() is None
    assert runs["h200-qwen2.5-7b-lora-1024-nockpt.toml"].training_ratio() is None


def test_ampere_and_poisson_runs_are_held() -> None:
    """Under load, an Ampere family is held (AccelMark's A100 80GB closed loops) and
    Poisson arrivals are placed at rate ÷ the estimated capacity; a rate past it is not
    placed. By hand for Q1: 5 requests/s over the capacity the estimate gives for 250/346
    on an A100 80GB under vLLM."""
    errors = ACCURACY.load_errors()
    assert "ampere" in errors
    assert errors["ampere"]["rows"] >= 2
    llama = next(r for r in ACCURACY.LOAD if r.gpu == "a100-80gb" and r.model == "llama-3.1-8b")
    _, tpot, e2e, tokens = llama.predicted()
    assert tpot == pytest.approx(llama.tpot_ms, rel=0.06)
    assert e2e == pytest.approx(llama.e2e_ms, rel=0.06)
    assert tokens == pytest.approx(llama.output_tokens_per_s, rel=0.06)
    q1 = ACCURACY.POISSON[0]
    catalog = default_catalog()
    capacity = ACCURACY.estimate_serving(
        catalog.model("llama-3.1-8b"),
        catalog.gpu("a100-80gb"),
        "bf16",
        input_tokens=250,
        output_tokens=346,
        gpus_per_replica=1,
        engine="vllm",
    ).replica_requests_per_s
    assert q1.utilization() == pytest.approx(5.0 / capacity)
    assert q1.predicted() is not None
    past = [row for row in ACCURACY.POISSON if row.utilization() > 1.0]
    assert past
    assert all(row.predicted() is None for row in past)
    assert "ampere" in ACCURACY.poisson_errors()
    alone = [r for r in ACCURACY.SERVING if r.gpu == "a100-80gb" and r.engine.name == "vllm"]
    assert len(alone) >= 2
    assert all(abs(r.ratio() - 1.0) <= ACCURACY.SERVING_GOAL[1] for r in alone)
    named = _row_ids(DOC[DOC.index("## Where the goal is missed") :])
    for i, row in enumerate(ACCURACY.POISSON, 1):
        assert f"Q{i}" in named, row


def test_the_int4_rows_baseline_pins_the_engine_and_the_gpu() -> None:
    """S68-S70 (weight-only int4 on Marlin, vLLM's static latency benchmark on an H100):
    the same table's BF16 baseline (0.236, 0.260, 0.284, 0.336 s for batches 1, 4, 8, 16
    of 256/32) is within 2% of the static vLLM engine on an H100 SXM, so what the int4 rows
    miss is the int4 matrix multiplications; by hand, S68 is 32 tokens in 0.154 s."""
    rows = ACCURACY.SERVING[67:70]
    assert [(r.precision, r.batch) for r in rows] == [("int4", 1), ("int4", 4), ("int4", 16)]
    assert rows[0].published == pytest.approx(32 / 0.154)
    for batch, seconds in zip((1, 4, 8, 16), (0.236, 0.260, 0.284, 0.336), strict=True):
        bf16 = ACCURACY.dataclasses.replace(
            rows[0], precision="bf16", batch=batch, published=batch * 32 / seconds
        )
        assert bf16.ratio() == pytest.approx(1.0, abs=0.02), (batch, bf16.ratio())
    # each int4 multiply's 9 µs beside its read (Marlin on HBM, set from its A100
    # benchmark): 0.96, 1.08 and 1.05 (1.25, 1.36 and 1.22 with the stream alone)
    assert [round(r.ratio(), 2) for r in rows] == [0.96, 1.08, 1.05]


def test_sglang_and_rtx5090_closed_loops_are_held() -> None:
    """L35-L46: AccelMark's SGLang 0.5.6 closed loops (A100 80GB, RTX A6000, RTX 4090) and
    vLLM 0.19.1's on an RTX 5090, read as L14-L16 are. By hand for L35 (suite A on the
    A100, minutes 3-29 kept): 5,704 requests and 17,927.1 output tokens/s summed over the 27
    minutes, so 211.26 requests and 663.97 tok/s a minute, 663.97 ÷ (211.26 / 60) = 188.6
    → 189 tokens out, e2e = 8 clients ÷ 3.5210 req/s = 2,272.1 ms, the minutes' median
    first tokens' median 39.3 ms (the 14th of 27) and TPOT (2,272.1 − 39.3) / 188 = 11.877
    ms; the 0.5B rows stream at the client's one thread's pace, 1 / (tok/s): 134.4 µs a
    token on the A100's host, 322.3 on the RTX 4090's."""
    rows = ACCURACY.LOAD[34:46]
    assert [(r.gpu, r.engine.name) for r in rows] == [
        *[("a100-80gb", "sglang")] * 3,
        *[("rtx-a6000", "sglang")] * 3,
        *[("rtx-4090", "sglang")] * 3,
        *[("rtx-5090", "vllm")] * 3,
    ]
    l35 = rows[0]
    assert (l35.model, l35.input_tokens, l35.output_tokens, l35.concurrency) == (
        "llama-3.1-8b",
        255,
        189,
        8,
    )
    assert l35.output_tokens_per_s == pytest.approx(17927.1 / 27)
    assert l35.e2e_ms == pytest.approx(8 / (5704 / 27 / 60) * 1e3)
    assert l35.e2e_ms == pytest.approx(2272.1, abs=0.1)
    assert l35.ttft_ms == 39.3
    assert l35.tpot_ms == pytest.approx((2272.09 - 39.3) / 188, rel=1e-5)
    outs = [189, 184, 187, 189, 183, 186, 189, 185, 186, 347, 359, 210]
    assert [r.output_tokens for r in rows] == outs
    small = {r.gpu: r for r in rows if r.model == "qwen2.5-0.5b"}
    assert 1e6 / small["a100-80gb"].output_tokens_per_s == pytest.approx(134.4, abs=0.05)
    assert 1e6 / small["rtx-4090"].output_tokens_per_s == pytest.approx(322.3, abs=0.05)
    errors = ACCURACY.load_errors()
    assert {"ampere", "ada", "blackwell"} <= set(errors)
    assert errors["ampere"]["rows"] == 10
    assert errors["blackwell"]["rows"] == 3
    # the A6000's Llama rows are within every goal; the 4090's read 1.17-1.18× in TPOT
    for row in rows[3:5]:
        ttft, tpot, e2e, _ = row.predicted()
        assert tpot / row.tpot_ms == pytest.approx(1.0, abs=0.06)
        assert e2e / row.e2e_ms == pytest.approx(1.0, abs=0.06)
        assert ttft / row.ttft_ms == pytest.approx(1.0, abs=0.15)
    assert [round(r.predicted()[1] / r.tpot_ms, 2) for r in rows[6:8]] == [1.17, 1.18]


def test_the_harness_flags_no_warm_up_minute_of_suites_c_and_f() -> None:
    """AccelMark's loadgen flags a minute's sample as warm-up only while elapsed <
    warmup_minutes × 60 s, checked when the minute has passed (elapsed ≥ 60 s at the
    first): suites C and F (1 warm-up minute) get no flag, A and D (2) only the first.
    The harness's own figure, sustained_throughput_tokens_per_sec, is the mean over the
    samples it did not flag: for C and F every one, the stalled first minute too."""
    runs = ACCURACY.SUSTAINED
    assert len(runs) == 33  # L14-L46
    for name, run in runs.items():
        suite = name.split("_suite_")[1][0]
        assert run["warmup_minutes"] == (2 if suite in "AD" else 1), name
        assert run["flagged"] == ([1] if suite in "AD" else []), name
        assert len(run["requests"]) == len(run["tokens_s"]) == len(run["ttft_p50_ms"])
        assert len(run["requests"]) == (29 if suite in "AD" else 14), name
        counted = run["tokens_s"][len(run["flagged"]) :]
        assert sum(counted) / len(counted) == pytest.approx(run["harness_tokens_s"], abs=0.051)
    # the RTX 5090's suite C: 14 samples, the first 310.3 tok/s (a 31-43 s stall), the
    # harness's 676.2 = (310.3 + 9,156.0) / 14 where the 13 after it average 704.3
    c5090 = runs["nvidia_geforce_rtx_5090x1_suite_C_nvidia_vllm_47f5d58e_d1baa050"]
    assert c5090["tokens_s"][0] == 310.3
    assert sum(c5090["tokens_s"][1:]) == pytest.approx(9156.0)
    assert c5090["harness_tokens_s"] == 676.2
    assert sum(c5090["tokens_s"]) / 14 == pytest.approx(676.2, abs=0.05)


def test_every_accelmark_loop_counts_the_minutes_after_its_suites_warm_up() -> None:
    """L14-L46 keep the samples after the suite's warm-up minutes (from the 2nd in C and
    F, the 3rd in A and D), all by :func:`sustained_minutes`. By hand, from the runs'
    samples: L45 (RTX 5090, suite C) 1,531 requests and 9,156.0 tok/s summed over minutes
    2-14, so 117.77 requests a minute and 704.31 tok/s (with minute 1: 113.36 and 676.2),
    704.31 ÷ (117.77 / 60) = 358.8 → 359 tokens out, the first token the median of 13
    minute medians, 35.1 ms (36.57 the mean of all 14); L46 (suite F) 15,602 and 54,494.1:
    1,200.15 and 4,191.85, 35.7 ms; L16 (A100, suite C) 1,551 and 9,241.7: 119.31 and
    710.90, 34.5 ms (minute 1's 44.4 ms gone); L14 (suite A) 27 minutes kept of 29."""
    rows = {f"L{i}": row for i, row in enumerate(ACCURACY.LOAD, 1)}
    l45, l46, l16 = rows["L45"], rows["L46"], rows["L16"]
    assert l45.output_tokens_per_s == pytest.approx(9156.0 / 13)
    assert l45.e2e_ms == pytest.approx(8 / (1531 / 13 / 60) * 1e3)
    assert (l45.output_tokens, l45.ttft_ms) == (359, 35.1)
    assert l46.output_tokens_per_s == pytest.approx(54494.1 / 13)
    assert l46.e2e_ms == pytest.approx(32 / (15602 / 13 / 60) * 1e3)
    assert (l46.output_tokens, l46.ttft_ms) == (210, 35.7)
    assert l16.output_tokens_per_s == pytest.approx(9241.7 / 13)
    assert l16.e2e_ms == pytest.approx(8 / (1551 / 13 / 60) * 1e3)
    assert (l16.output_tokens, l16.ttft_ms) == (358, 34.5)
    kept = {name: ACCURACY.sustained_minutes(name).kept for name in ACCURACY.SUSTAINED}
    assert all(n == (27 if "_suite_A_" in k or "_suite_D_" in k else 13) for k, n in kept.items())
    # every AccelMark loop's source says how the minutes are counted
    accelmark = [row for row in rows.values() if "AccelMark" in row.source]
    assert len(accelmark) == 33
    assert all(ACCURACY.LOOP_WORDS in row.source for row in accelmark)
    assert all("median of the minutes' medians" in row.conditions for row in accelmark)


def test_capacity_bounds_hold_on_ada_and_blackwell_with_a_modelled_engine() -> None:
    """The RTX 4090 (SGLang) and RTX 5090 (vLLM 0.19.1) met AccelMark's 500 ms level for
    suite C at 10 requests/s and missed it at 25: the estimated capacity lies between."""
    found = {
        (row.gpu, row.release, row.input_tokens): (capacity, met, failed)
        for row, capacity, met, failed in ACCURACY.poisson_capacity()
    }
    for key in (("rtx-4090", "SGLang 0.5.6", 274), ("rtx-5090", "vLLM 0.19.1", 274)):
        capacity, met, failed = found[key]
        assert (met, failed) == (10, 25)
        assert met <= capacity <= failed, key


def test_the_rtx5090_first_token_figures_read_the_tables_closed_loops() -> None:
    """benchmarks/accelmark_first_token_5090.py copies L14, L16, L44 and L45 (lengths and
    first token) and the Poisson rows' outputs: they are the table's, counted after the
    suites' warm-up minutes (L45 35.1 ms and 359 tokens out, not the stalled minute's
    36.57 and 358)."""
    figures = benchmark_module("accelmark_first_token_5090")
    rows = {f"L{i}": row for i, row in enumerate(ACCURACY.LOAD, 1)}
    for name, gpu, prompt, out, ttft in figures.CLOSED:
        row = rows[name]
        assert (row.gpu, row.input_tokens, row.output_tokens, row.ttft_ms) == (
            gpu,
            prompt,
            out,
            ttft,
        ), name
    poisson = {f"Q{i}": row for i, row in enumerate(ACCURACY.POISSON, 1)}
    for name, gpu, prompt, out, rate, ttft in figures.POISSON:
        row = poisson[name]
        assert (row.gpu, row.input_tokens, row.output_tokens, row.rate, row.ttft_ms) == (
            gpu,
            prompt,
            out,
            rate,
            ttft,
        ), name
    assert rows["L45"].ttft_ms == 35.1
