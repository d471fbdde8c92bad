"""Generate internally consistent sample benchmark result files.

Scenario (synthetic, not a real measurement): meta-llama/Llama-3.1-8B-Instruct,
1x H100, vLLM server, 1000 requests, ISL ~1000 (900..1100), OSL ~200 (180..220,
ignore_eos), closed-loop concurrency 64, streaming.

Each tool "runs" the same scenario with its own seed; every aggregate in every
file is computed from the simulated per-request data with the tool's own
formulas (see README.md), so request_throughput == completed / duration etc.
"""

import heapq
import json
import math
from datetime import datetime, timedelta

import numpy as np

N = 1000
C = 64
MODEL = "meta-llama/Llama-3.1-8B-Instruct"
OUT = "."  # run it in the folder it should write to


def simulate(seed):
    rng = np.random.default_rng(seed)
    isl = rng.integers(900, 1101, N)
    osl = rng.integers(180, 221, N)
    arrival = np.arange(N) * 2.0e-5  # task creation loop, ~20 us apart
    slots = [0.0] * C
    heapq.heapify(slots)
    start = np.zeros(N)
    ttft = np.zeros(N)
    itls = []
    for i in range(N):
        free = heapq.heappop(slots)
        s = max(free, arrival[i]) + rng.uniform(0.0002, 0.0008)
        start[i] = s
        if i < C:  # first wave: 64 prompts prefilled back-to-back
            t = 0.035 + i * 0.0185 * (isl[i] / 1000.0) + rng.exponential(0.004)
        else:
            t = rng.lognormal(math.log(0.072), 0.33) * (isl[i] / 1000.0) ** 0.5
            if rng.random() < 0.03:
                t += rng.uniform(0.08, 0.25)
        ttft[i] = t
        n = int(osl[i]) - 1
        base = rng.normal(0.0126, 0.0007, n)
        spike = rng.random(n) < 0.25
        step = np.where(spike, rng.normal(0.0305, 0.0025, n), base)
        step = np.clip(step, 0.009, None)
        itls.append(step)
        heapq.heappush(slots, s + t + step.sum())
    lat = np.array([ttft[i] + itls[i].sum() for i in range(N)])
    end = start + lat
    return dict(
        isl=isl, osl=osl, arrival=arrival, start=start, ttft=ttft, itls=itls, lat=lat, end=end
    )


def pct(a, p):
    return float(np.percentile(a, p))


# ---------------------------------------------------------------- vLLM ----
def vllm_metrics(sim, bench_start, dur):
    ttfts = sim["ttft"]
    tpots = np.array([(sim["lat"][i] - ttfts[i]) / (sim["osl"][i] - 1) for i in range(N)])
    itl_flat = np.concatenate(sim["itls"])
    e2els = sim["lat"]
    tot_in = int(sim["isl"].sum())
    tot_out = int(sim["osl"].sum())
    # peak output tok/s and peak concurrency exactly as in vllm/benchmarks/serve.py
    min_start = sim["start"].min()
    max_end = sim["end"].max()
    nbuck = int(np.ceil(max_end - min_start)) + 1
    tps = np.zeros(nbuck)
    for i in range(N):
        t = sim["start"][i] + ttfts[i]
        times = np.concatenate([[t], t + np.cumsum(sim["itls"][i])])
        b = (times - min_start).astype(int)
        b = b[(b >= 0) & (b < nbuck)]
        np.add.at(tps, b, 1)
    ev = sorted(
        [(s, 1) for s in sim["start"]] + [(e, -1) for e in sim["end"]], key=lambda x: (x[0], x[1])
    )
    cur = peak = 0
    for _, d in ev:
        cur += d
        peak = max(peak, cur)
    return dict(
        ttfts=ttfts,
        tpots=tpots,
        itls=itl_flat,
        e2els=e2els,
        tot_in=tot_in,
        tot_out=tot_out,
        max_tps=float(tps.max()),
        peak=peak,
    )


def add_metric(result, name, arr, percentiles):
    result[f"mean_{name}_ms"] = float(np.mean(arr) * 1000)
    result[f"median_{name}_ms"] = float(np.median(arr) * 1000)
    result[f"std_{name}_ms"] = float(np.std(arr) * 1000)
    for p in percentiles:
        p_word = str(int(p)) if int(p) == p else str(p)
        result[f"p{p_word}_{name}_ms"] = pct(arr, p) * 1000


def write_vllm_new():
    sim = simulate(1)
    bench_start = 0.0
    dur = float(sim["end"].max() - bench_start + 0.0042)
    m = vllm_metrics(sim, bench_start, dur)
    perf_base = 431872.5531  # time.perf_counter() origin on the client host
    r = {}
    r["date"] = "20251118-142203"
    r["endpoint_type"] = "openai"
    r["backend"] = "openai"
    r["label"] = None
    r["model_id"] = MODEL
    r["tokenizer_id"] = MODEL
    r["num_prompts"] = N
    r["request_rate"] = "inf"
    r["burstiness"] = 1.0
    r["max_concurrency"] = C
    r["duration"] = dur
    r["completed"] = N
    r["failed"] = 0
    r["total_input_tokens"] = m["tot_in"]
    r["total_output_tokens"] = m["tot_out"]
    r["request_throughput"] = N / dur
    r["request_goodput"] = None
    r["output_throughput"] = m["tot_out"] / dur
    r["total_token_throughput"] = (m["tot_in"] + m["tot_out"]) / dur
    # --save-detailed not given: input_lens/output_lens/start_times/ttfts/itls/
    # generated_texts/errors are deleted; latencies and queue_times are NOT in
    # the deletion list of serve.py @009e6d4, so they stay.
    r["latencies"] = [float(x) for x in sim["lat"]]
    r["queue_times"] = [float(sim["start"][i] - sim["arrival"][i]) for i in range(N)]
    r["max_output_tokens_per_s"] = m["max_tps"]
    r["max_concurrent_requests"] = m["peak"]
    r["rtfx"] = 0.0
    P = [50.0, 90.0, 99.0]
    add_metric(r, "ttft", m["ttfts"], P)
    add_metric(r, "tpot", m["tpots"], P)
    add_metric(r, "itl", m["itls"], P)
    add_metric(r, "e2el", m["e2els"], P)
    with open(f"{OUT}/vllm_save_result.json", "w", encoding="utf-8") as f:
        json.dump(r, f)  # serve.py uses json.dump without indent
    return r


def write_vllm_old():
    sim = simulate(2)
    dur = float(sim["end"].max() + 0.0039)
    m = vllm_metrics(sim, 0.0, dur)
    r = {}
    r["date"] = "20250415-093117"
    r["backend"] = "vllm"
    r["model_id"] = MODEL
    r["tokenizer_id"] = MODEL
    r["num_prompts"] = N
    r["request_rate"] = "inf"
    r["burstiness"] = 1.0
    r["max_concurrency"] = C
    r["duration"] = dur
    r["completed"] = N
    r["total_input_tokens"] = m["tot_in"]
    r["total_output_tokens"] = m["tot_out"]
    r["request_throughput"] = N / dur
    r["request_goodput:"] = None  # sic: trailing colon in benchmark_serving.py
    r["output_throughput"] = m["tot_out"] / dur
    r["total_token_throughput"] = (m["tot_in"] + m["tot_out"]) / dur
    # v0.8.x bug: the --save-detailed filter ran before the merge, so these
    # per-request arrays are always present (fixed by vLLM PR #17028).
    r["input_lens"] = [int(x) for x in sim["isl"]]
    r["output_lens"] = [int(x) for x in sim["osl"]]
    r["ttfts"] = [round(float(x), 6) for x in sim["ttft"]]
    r["itls"] = [[round(float(v), 6) for v in it] for it in sim["itls"]]
    words = (
        "the of and to in a is that for it as with was on be by this are "
        "from at or an which have not one had but were all can their"
    ).split()
    rng = np.random.default_rng(7)
    r["generated_texts"] = [" ".join(rng.choice(words, 24)) + " ..." for _ in range(N)]
    r["errors"] = [""] * N
    P = [99.0]  # default --metric-percentiles
    add_metric(r, "ttft", m["ttfts"], P)  # default --percentile-metrics ttft,tpot,itl
    add_metric(r, "tpot", m["tpots"], P)
    add_metric(r, "itl", m["itls"], P)
    with open(f"{OUT}/vllm_old_save_result.json", "w", encoding="utf-8") as f:
        json.dump(r, f)
    return r


# ------------------------------------------------------------ GenAI-Perf ---
GAP_P = [1, 5, 10, 25, 50, 75, 90, 95, 99]


def gap_stats(arr_ns_or_val, unit, scale=1.0, percentiles=GAP_P):
    a = np.asarray(arr_ns_or_val, dtype=float) * scale
    d = {"unit": unit, "avg": float(np.mean(a))}
    for p in percentiles:
        d[f"p{p}"] = float(np.percentile(a, p))
    d["min"] = float(np.min(a))
    d["max"] = float(np.max(a))
    d["std"] = float(np.std(a))
    return d


def gap_core(seed):
    sim = simulate(seed)
    t0_ns = 1763470923_000000000 + seed * 1000
    req_ts = (t0_ns + sim["start"] * 1e9).astype(np.int64)
    first = (req_ts + sim["ttft"] * 1e9).astype(np.int64)
    lat_ns = (sim["lat"] * 1e9).astype(np.int64)
    last = req_ts + lat_ns
    ttft_ns = first - req_ts
    ttst_ns = np.array([int(round(it[0] * 1e9)) for it in sim["itls"]])
    itl_ns = np.array([round((lat_ns[i] - ttft_ns[i]) / (sim["osl"][i] - 1)) for i in range(N)])
    dur = (last.max() - req_ts.min()) / 1e9
    return sim, dict(
        req_ts=req_ts, lat_ns=lat_ns, ttft_ns=ttft_ns, ttst_ns=ttst_ns, itl_ns=itl_ns, dur=dur
    )


def write_gap():
    sim, g = gap_core(3)
    ms = 1 / 1e6
    out = {}
    out["request_throughput"] = {"unit": "requests/sec", "avg": N / g["dur"]}
    out["request_latency"] = gap_stats(g["lat_ns"], "ms", ms)
    out["request_count"] = {"unit": "count", "avg": N}
    out["time_to_first_token"] = gap_stats(g["ttft_ns"], "ms", ms)
    out["time_to_second_token"] = gap_stats(g["ttst_ns"], "ms", ms)
    out["inter_token_latency"] = gap_stats(g["itl_ns"], "ms", ms)
    out["output_token_throughput"] = {
        "unit": "tokens/sec",
        "avg": float(sim["osl"].sum()) / g["dur"],
    }
    out["output_token_throughput_per_user"] = gap_stats(
        1.0 / (g["itl_ns"] / 1e9), "tokens/sec/user"
    )
    out["output_sequence_length"] = gap_stats(sim["osl"], "tokens")
    out["input_sequence_length"] = gap_stats(sim["isl"], "tokens")
    art = "artifacts/meta-llama_Llama-3.1-8B-Instruct-openai-chat-concurrency64"
    out["input_config"] = {
        "model_names": [MODEL],
        "analyze": {"sweep_parameters": {}},
        "endpoint": {
            "model_selection_strategy": "round_robin",
            "backend": "tensorrtllm",
            "custom": "",
            "type": "chat",
            "service_kind": "openai",
            "streaming": True,
            "server_metrics_urls": ["http://localhost:8002/metrics"],
            "url": "localhost:8000",
            "grpc_method": "",
        },
        "perf_analyzer": {
            "path": "perf_analyzer",
            "verbose": False,
            "stimulus": {"concurrency": C},
            "stability_percentage": 999,
            "measurement_interval": 10000,
            "request_count": {"num": N, "warmup": 64},
        },
        "input": {
            "batch_size": 1,
            "extra": {"ignore_eos": True, "min_tokens": 200, "max_tokens": 200},
            "goodput": {},
            "header": {},
            "file": None,
            "num_dataset_entries": 1200,
            "random_seed": 0,
            "output_tokens": {"mean": 200, "deterministic": False, "stddev": 0},
            "synthetic_tokens": {"mean": 1000, "stddev": 50},
        },
        "output": {
            "artifact_directory": art,
            "profile_export_file": f"{art}/profile_export.json",
            "generate_plots": False,
        },
        "tokenizer": {"name": MODEL, "revision": "main", "trust_remote_code": False},
        "subcommand": "profile",
    }
    with open(f"{OUT}/genai_perf_profile_export_genai_perf.json", "w") as f:
        f.write(json.dumps(out, indent=2))  # JsonExporter: json.dumps(..., indent=2)
    return out


def write_gap_legacy():
    """Flat-args input_config era (verbatim shape seen in perf_analyzer issue #298)."""
    sim, g = gap_core(4)
    ms = 1 / 1e6
    P = [99, 95, 90, 75, 50, 25]

    def st(a, unit, scale=1.0):
        a = np.asarray(a, dtype=float) * scale
        d = {"unit": unit, "avg": float(np.mean(a))}
        for p in sorted(P):
            d[f"p{p}"] = float(np.percentile(a, p))
        d["min"] = float(np.min(a))
        d["max"] = float(np.max(a))
        d["std"] = float(np.std(a))
        return d

    out = {}
    out["request_throughput"] = {"unit": "requests/sec", "avg": N / g["dur"]}
    out["request_latency"] = st(g["lat_ns"], "ms", ms)
    out["time_to_first_token"] = st(g["ttft_ns"], "ms", ms)
    out["inter_token_latency"] = st(g["itl_ns"], "ms", ms)
    out["output_token_throughput"] = {
        "unit": "tokens/sec",
        "avg": float(sim["osl"].sum()) / g["dur"],
    }
    out["output_token_throughput_per_request"] = st(sim["osl"] / (g["lat_ns"] / 1e9), "tokens/sec")
    out["output_sequence_length"] = st(sim["osl"], "tokens")
    out["input_sequence_length"] = st(sim["isl"], "tokens")
    art = "artifacts/meta-llama_Llama-3.1-8B-Instruct-openai-chat-concurrency64"
    out["input_config"] = {
        "subcommand": "profile",
        "model": [MODEL],
        "model_selection_strategy": "round_robin",
        "backend": "tensorrtllm",
        "endpoint": "v1/chat/completions",
        "endpoint_type": "chat",
        "service_kind": "openai",
        "server_metrics_url": None,
        "streaming": True,
        "u": "localhost:8000",
        "batch_size_image": 1,
        "batch_size_text": 1,
        "goodput": None,
        "num_dataset_entries": 1200,
        "output_tokens_mean": 200,
        "output_tokens_mean_deterministic": False,
        "output_tokens_stddev": 0,
        "random_seed": 0,
        "request_count": N,
        "synthetic_input_tokens_mean": 1000,
        "synthetic_input_tokens_stddev": 50,
        "warmup_request_count": 64,
        "image_width_mean": 100,
        "image_width_stddev": 0,
        "image_height_mean": 100,
        "image_height_stddev": 0,
        "image_format": None,
        "concurrency": C,
        "measurement_interval": 10000,
        "request_rate": None,
        "stability_percentage": 999,
        "artifact_dir": art,
        "generate_plots": False,
        "profile_export_file": f"{art}/profile_export.json",
        "tokenizer": MODEL,
        "tokenizer_revision": "main",
        "tokenizer_trust_remote_code": False,
        "verbose": False,
        "synthetic_input_files": None,
        "prompt_source": "synthetic",
        "formatted_model_name": "meta-llama_Llama-3.1-8B-Instruct",
        "extra_inputs": {"ignore_eos": True, "min_tokens": 200, "max_tokens": 200},
    }
    with open(f"{OUT}/genai_perf_legacy_flat_profile_export_genai_perf.json", "w") as f:
        f.write(json.dumps(out, indent=2))
    return out


# ---------------------------------------------------------------- AIPerf ---
AIP_P = [1, 5, 10, 25, 50, 75, 90, 95, 99]


def aip_stats(a, unit, with_count_sum=False, percentiles=AIP_P):
    a = np.asarray(a, dtype=float)
    d = {"unit": unit, "avg": float(np.mean(a))}
    for p in percentiles:
        d[f"p{p}"] = float(np.percentile(a, p))
    d["min"] = float(np.min(a))
    d["max"] = float(np.max(a))
    d["std"] = float(np.std(a, ddof=1))
    if with_count_sum:
        d["count"] = int(a.size)
        d["sum"] = float(a.sum())
    return d


def aip_core(seed):
    sim = simulate(seed)
    wall0 = datetime(2025, 11, 18, 15, 41, 7, 204113)
    ttft_ms = sim["ttft"] * 1000
    lat_ms = sim["lat"] * 1000
    itl_ms = (lat_ms - ttft_ms) / (sim["osl"] - 1)
    dur = float(sim["end"].max() - sim["start"].min())
    return sim, dict(wall0=wall0, ttft_ms=ttft_ms, lat_ms=lat_ms, itl_ms=itl_ms, dur=dur)


def write_aiperf():
    sim, a = aip_core(5)
    tot_osl = int(sim["osl"].sum())
    tot_isl = int(sim["isl"].sum())
    out = {
        "schema_version": "1.0",
        "aiperf_version": "0.3.0",
        "benchmark_id": "6f1c2a9e-3b7d-4c55-9a0e-2d8e41b7c903",
        "request_throughput": {"unit": "requests/sec", "avg": N / a["dur"]},
        "request_latency": aip_stats(a["lat_ms"], "ms"),
        "request_count": {"unit": "requests", "avg": float(N)},
        "time_to_first_token": aip_stats(a["ttft_ms"], "ms"),
        "time_to_second_token": aip_stats([it[0] * 1000 for it in sim["itls"]], "ms"),
        "inter_token_latency": aip_stats(a["itl_ms"], "ms"),
        "output_token_throughput": {"unit": "tokens/sec", "avg": tot_osl / a["dur"]},
        "output_token_throughput_per_user": aip_stats(1000.0 / a["itl_ms"], "tokens/sec/user"),
        "output_sequence_length": aip_stats(sim["osl"], "tokens"),
        "input_sequence_length": aip_stats(sim["isl"], "tokens"),
        "output_token_count": aip_stats(sim["osl"], "tokens"),
        "inter_chunk_latency": aip_stats(np.concatenate(sim["itls"]) * 1000, "ms"),
        "total_output_tokens": {"unit": "tokens", "avg": float(tot_osl)},
        "benchmark_duration": {"unit": "sec", "avg": a["dur"]},
        "total_isl": {"unit": "tokens", "avg": float(tot_isl)},
        "total_osl": {"unit": "tokens", "avg": float(tot_osl)},
        "input_config": {
            "endpoint": {
                "model_names": [MODEL],
                "type": "chat",
                "streaming": True,
                "url": "localhost:8000",
            },
            "input": {
                "prompt": {
                    "input_tokens": {"mean": 1000, "stddev": 50},
                    "output_tokens": {"mean": 200, "stddev": 10},
                },
                "extra": [["ignore_eos", True], ["min_tokens", 200]],
                "random_seed": 42,
            },
            "tokenizer": {"name": MODEL},
            "loadgen": {"concurrency": C, "request_count": N, "warmup_request_count": 64},
            "output": {
                "artifact_directory": "artifacts/meta-llama_Llama-3.1-8B-Instruct-openai-chat-concurrency64"
            },
            "cli_command": "aiperf profile --model meta-llama/Llama-3.1-8B-Instruct --url localhost:8000 --endpoint-type chat --streaming --concurrency 64 --request-count 1000 --warmup-request-count 64 --synthetic-input-tokens-mean 1000 --synthetic-input-tokens-stddev 50 --output-tokens-mean 200 --output-tokens-stddev 10 --extra-inputs ignore_eos:true --extra-inputs min_tokens:200 --random-seed 42",
        },
        "was_cancelled": False,
        "error_summary": [],
        "start_time": a["wall0"].isoformat(),
        "end_time": (a["wall0"] + timedelta(seconds=a["dur"])).isoformat(),
    }
    with open(f"{OUT}/aiperf_profile_export_aiperf.json", "w") as f:
        f.write(json.dumps(out, indent=2))
    return out


def write_aiperf_legacy_records():
    """Pre-Oct-2025 AIPerf shape: metrics nested under "records" (before PR #343)."""
    sim, a = aip_core(6)
    P = [1, 5, 25, 50, 75, 90, 95, 99]
    tot_osl = int(sim["osl"].sum())

    def rec(tag, header, unit, arr=None, value=None):
        d = {"tag": tag, "header": header, "unit": unit}
        if arr is not None:
            s = aip_stats(arr, unit, percentiles=P)
            s.pop("unit")
            d.update(s)
            d["count"] = int(np.asarray(arr).size)
        else:
            d["avg"] = value
        return d

    recs = {
        "ttft": rec("ttft", "Time to First Token", "ms", a["ttft_ms"]),
        "ttst": rec("ttst", "Time to Second Token", "ms", [it[0] * 1000 for it in sim["itls"]]),
        "request_latency": rec("request_latency", "Request Latency", "ms", a["lat_ms"]),
        "inter_token_latency": rec("inter_token_latency", "Inter Token Latency", "ms", a["itl_ms"]),
        "output_token_throughput_per_user": rec(
            "output_token_throughput_per_user",
            "Output Token Throughput Per User",
            "tokens/sec/user",
            1000.0 / a["itl_ms"],
        ),
        "output_sequence_length": rec(
            "output_sequence_length", "Output Sequence Length", "tokens", sim["osl"]
        ),
        "input_sequence_length": rec(
            "input_sequence_length", "Input Sequence Length", "tokens", sim["isl"]
        ),
        "output_token_throughput": rec(
            "output_token_throughput",
            "Output Token Throughput",
            "tokens/sec",
            value=tot_osl / a["dur"],
        ),
        "request_throughput": rec(
            "request_throughput", "Request Throughput", "requests/sec", value=N / a["dur"]
        ),
        "request_count": rec("request_count", "Request Count", "requests", value=float(N)),
    }
    out = {
        "records": recs,
        "input_config": {
            "endpoint": {
                "model_names": [MODEL],
                "type": "chat",
                "streaming": True,
                "url": "localhost:8000",
            },
            "loadgen": {"concurrency": C, "request_count": N},
            "tokenizer": {"name": MODEL},
        },
        "was_cancelled": False,
        "error_summary": [],
        "start_time": a["wall0"].isoformat(),
        "end_time": (a["wall0"] + timedelta(seconds=a["dur"])).isoformat(),
    }
    with open(f"{OUT}/aiperf_legacy_records_profile_export_aiperf.json", "w") as f:
        f.write(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    results = {
        "vllm_new": write_vllm_new(),
        "vllm_old": write_vllm_old(),
        "gap": write_gap(),
        "gap_legacy": write_gap_legacy(),
        "aiperf": write_aiperf(),
        "aiperf_legacy": write_aiperf_legacy_records(),
    }
    v = results["vllm_new"]
    print(
        "vLLM new: dur %.3f s, req/s %.3f, out tok/s %.1f, mean ISL %.1f, mean OSL %.1f, "
        "TTFT p50/p90/p99 %.1f/%.1f/%.1f ms, TPOT p50/p90/p99 %.2f/%.2f/%.2f, "
        "ITL p50/p90/p99 %.2f/%.2f/%.2f, E2EL p50/p99 %.0f/%.0f, peak tok/s %.0f, peak conc %d"
        % (
            v["duration"],
            v["request_throughput"],
            v["output_throughput"],
            v["total_input_tokens"] / v["completed"],
            v["total_output_tokens"] / v["completed"],
            v["p50_ttft_ms"],
            v["p90_ttft_ms"],
            v["p99_ttft_ms"],
            v["p50_tpot_ms"],
            v["p90_tpot_ms"],
            v["p99_tpot_ms"],
            v["p50_itl_ms"],
            v["p90_itl_ms"],
            v["p99_itl_ms"],
            v["p50_e2el_ms"],
            v["p99_e2el_ms"],
            v["max_output_tokens_per_s"],
            v["max_concurrent_requests"],
        )
    )
    o = results["vllm_old"]
    print(
        "vLLM old: dur %.3f req/s %.3f out tok/s %.1f p99 ttft %.1f"
        % (o["duration"], o["request_throughput"], o["output_throughput"], o["p99_ttft_ms"])
    )
    g = results["gap"]
    print(
        "GAP: req/s %.3f out tok/s %.1f ttft p50 %.1f itl p50 %.2f isl %.1f osl %.1f"
        % (
            g["request_throughput"]["avg"],
            g["output_token_throughput"]["avg"],
            g["time_to_first_token"]["p50"],
            g["inter_token_latency"]["p50"],
            g["input_sequence_length"]["avg"],
            g["output_sequence_length"]["avg"],
        )
    )
    a = results["aiperf"]
    print(
        "AIPerf: req/s %.3f out tok/s %.1f ttft p50 %.1f itl p50 %.2f dur %.2f"
        % (
            a["request_throughput"]["avg"],
            a["output_token_throughput"]["avg"],
            a["time_to_first_token"]["p50"],
            a["inter_token_latency"]["p50"],
            a["benchmark_duration"]["avg"],
        )
    )
