"""`gpustark bench`: its statistics on synthetic spans, the command end to end, its JSON, and the
interactions-large workload."""
import json
import dataclasses
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import gpustark
from gpustark.air import interaction_balance
from gpustark.bench import BenchResult
from gpustark.bench_stats import (HEADLINE, compare, format_table, median, p95, percentile_nearest_rank, speedup,
                                  summarize)
from gpustark.examples.interaction_bench import interaction_bench_airs, interaction_bench_witness
from gpustark.spans import Span
from gpustark.workloads import WORKLOADS, make_params, resolve_params


def synthetic_run(headline_ms, commit_ms, whir_ms=(1.0,)):
    """A run: headline > commit, headline > whir (possibly several times: their times add up)."""
    ms = 1_000_000
    out = [Span(HEADLINE, HEADLINE, 0, int(headline_ms * ms), 0, None),
           Span("commit", f"{HEADLINE}/commit", 0, int(commit_ms * ms), 1, 0)]
    for w in whir_ms:
        out.append(Span("whir", f"{HEADLINE}/whir", 0, int(w * ms), 1, 0))
    return out


def test_median_and_nearest_rank_percentile():
    assert median([3, 1, 2]) == 2 and median([4, 1, 2, 3]) == 2.5 and median([7]) == 7
    assert p95([5, 1, 4, 2, 3]) == 5                      # rank ceil(4.75) = 5
    assert p95(list(range(1, 21))) == 19                   # rank ceil(19.0) = 19
    assert p95(list(range(1, 22))) == 20                   # rank ceil(19.95) = 20
    assert percentile_nearest_rank([10, 20, 30, 40], 50) == 20 and percentile_nearest_rank([9], 95) == 9
    with pytest.raises(ValueError):
        median([])
    with pytest.raises(ValueError):
        percentile_nearest_rank([1], 0)


def test_summary_rows_follow_the_tree_and_sum_repeated_spans():
    runs = [synthetic_run(10, 4, (1, 2)), synthetic_run(12, 5, (2, 2)), synthetic_run(11, 9, (3,))]
    rows = summarize(runs)
    assert [(r.name, r.depth) for r in rows] == [(HEADLINE, 0), ("commit", 1), ("whir", 1)]
    head, commit, whir = rows
    assert (head.median_ms, head.p95_ms, head.min_ms, head.max_ms, head.runs) == (11, 12, 10, 12, 3)
    assert (commit.median_ms, commit.p95_ms) == (5, 9)
    assert (whir.median_ms, whir.min_ms, whir.max_ms) == (3, 3, 4)  # per run 1+2, 2+2, 3


def test_each_span_shows_the_most_device_memory_held_while_it_was_open():
    runs = [synthetic_run(10, 4, (1, 2)), synthetic_run(12, 5)]
    peak = {"device_peak_bytes": 3 << 20}
    runs[0][1] = dataclasses.replace(runs[0][1], counters=peak)  # commit, run 0
    runs[1][1] = dataclasses.replace(runs[1][1], counters={"device_peak_bytes": 5 << 20})
    runs[0][2] = dataclasses.replace(runs[0][2], counters=peak)  # whir, one of its two occurrences
    head, commit, whir = summarize(runs)
    assert (head.device_peak_bytes, commit.device_peak_bytes, whir.device_peak_bytes) == (None, 5 << 20, 3 << 20)
    table = format_table([head, commit, whir], "title").splitlines()
    assert "peak MiB" in table[1]
    assert table[3].split()[-1] == "-" and table[4].split()[-1] == "5.0" and table[5].split()[-1] == "3.0"
    assert "peak MiB" not in format_table(summarize([synthetic_run(10, 4)]), "title")  # the CPU's runs


def test_baseline_deltas_and_speedup():
    baseline = summarize([synthetic_run(20, 8), synthetic_run(20, 8)])
    current = summarize([synthetic_run(15, 10), synthetic_run(15, 10)])
    deltas = compare(current, baseline)
    assert deltas[HEADLINE].ms == -5 and deltas[HEADLINE].pct == -25
    assert deltas[f"{HEADLINE}/commit"].ms == 2 and deltas[f"{HEADLINE}/commit"].pct == 25
    assert speedup(current, baseline) == pytest.approx(20 / 15)
    table = format_table(current, "title", ["footer line"], baseline)
    assert "delta ms" in table and "-25.0%" in table and "+25.0%" in table
    assert table.splitlines()[-1] == f"speed-up: 1.333x on {HEADLINE} (median 20.00 ms -> 15.00 ms)"
    zero = summarize([[Span(HEADLINE, HEADLINE, 0, 0, 0, None)]])
    assert math.isnan(compare(current, zero)[HEADLINE].pct) and speedup(zero, current) is None


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "gpustark", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "GPUSTARK_LOG": ""})


def test_bench_runs_end_to_end_and_its_json_round_trips(tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    result = run_cli("bench", "interactions", "--runs", "2", "--warmup", "0", "--json", str(first))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("span ") for line in lines) == 1            # one table
    assert any(line.startswith(HEADLINE) for line in lines) and "proof " in lines[-1] and "verify " in lines[-1]

    data = json.loads(first.read_text())
    loaded = BenchResult.load(str(first))
    assert len(loaded.runs) == 2 and loaded.warmup == 0 and loaded.workload == "interactions"
    assert loaded.to_json() == data                                        # load . save is the identity
    assert data["summary"] == json.loads(json.dumps([r.__dict__ for r in loaded.summary()]))
    assert data["machine"]["cores"] >= 1 and data["machine"]["device_info"]["backend"] == "cpu"
    assert data["machine"]["threads"] >= 1
    assert data["machine"]["cpu_model"] and data["peak_rss_bytes"] > 2**20 and data["proof_bytes"] > 0
    assert data["params"]["name"] == "test_params_small(2,8,3)" and data["params"]["l_skip"] == 2
    assert data["peak_device_bytes"] is None and "peak device memory" not in result.stdout  # host memory

    result = run_cli("bench", "interactions", "--runs", "2", "--warmup", "0", "--baseline", str(first),
                     "--json", str(second))
    assert result.returncode == 0, result.stderr
    assert "delta ms" in result.stdout and "speed-up: " in result.stdout


def test_bench_refuses_a_bad_baseline_and_a_missing_matplotlib_before_running(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    result = run_cli("bench", "interactions", "--baseline", str(bad))
    assert result.returncode == 2 and "gpustark-bench/1" in result.stderr and "Traceback" not in result.stderr
    png = tmp_path / "medians.png"
    result = run_cli("bench", "interactions", "--runs", "1", "--warmup", "0", "--plot", str(png))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert result.returncode == 2 and "matplotlib" in result.stderr and not png.exists()
    else:
        assert result.returncode == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- interactions-large ------------------------------------------------------------------------

def test_interaction_bench_witness_balances_and_a_wrong_count_does_not():
    airs = interaction_bench_airs()
    for log_height in (2, 6, 16):
        traces, _ = interaction_bench_witness(log_height, seed=log_height)
        assert interaction_balance(airs, traces) == {}
    traces, _ = interaction_bench_witness(6)
    traces[0][3, 3] += 1  # CubeTable receives (3, 9) once more than anyone sends it
    assert interaction_balance(airs, traces) == {0: {(3, 9): -1}}


def test_interactions_large_defaults_have_enough_interaction_rows_and_fitting_params():
    workload = WORKLOADS["interactions-large"]
    options = dict(workload.defaults)
    traces, _ = workload.witness(options)
    airs = workload.airs(options)
    heights = [t.shape[0] for t in traces]
    assert len(set(heights)) == 3
    assert sum(h * len(a.interactions) for h, a in zip(heights, airs)) >= 1 << 16
    assert {len(it.message) for a in airs for it in a.interactions} == {2, 3}
    assert max(int(t[:, 3].max()) for t in traces[:1]) > 1 and int(traces[2][:, 3].max()) == 3  # counts > 1
    name, log_stacked_height = resolve_params(workload, options)
    assert (name, log_stacked_height) == ("app", 16)
    assert make_params(name, log_stacked_height).name == "app_params_with_100_bits_security(16)"
    assert resolve_params(workload, {"height": 1 << 8, "seed": 0}) == ("app", 11)
    assert resolve_params(workload, options, "small") == ("small", None)


def test_interactions_large_proves_and_verifies_at_a_small_size():
    traces, pvs = interaction_bench_witness(6, seed=3)
    pk, vk = gpustark.keygen(interaction_bench_airs(), gpustark.test_params_small())
    proof = gpustark.prove(pk, traces, public_values=pvs)
    gpustark.verify(vk, gpustark.Proof.from_bytes(proof.to_bytes()))
    bad = [t.copy() for t in traces]
    bad[1][np.flatnonzero(bad[1][:, 2])[0], 2] = 0  # drop one lookup: the table's count no longer matches
    with pytest.raises(ValueError):
        gpustark.prove(pk, bad, public_values=pvs)


def test_interactions_large_cli_proves_at_app_params(tmp_path):
    out = tmp_path / "large.proof"
    result = run_cli("prove", "interactions-large", "--height", "256", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "app_params_with_100_bits_security(11)" in result.stdout
    result = run_cli("verify", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
