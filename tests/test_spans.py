"""Timing spans (gpustark.spans): OpenVM's names, nesting across Python and C++, counters, the
Chrome trace, GPUSTARK_LOG=debug, and the cost of a span nobody records."""
import json
import os
import subprocess
import sys
import threading
import time

import pytest

import gpustark
from gpustark import _native, spans
from gpustark.examples import fixture11

# Each span's parent, by name (OpenVM's span tree, PROTOCOL 1.4 and 16).
PARENT = {
    "stark_prove_excluding_trace": None,
    "prover.main_trace_commit": "stark_prove_excluding_trace",
    "stacked_commit": "prover.main_trace_commit",
    "rs_code_matrix": "stacked_commit",
    "merkle_tree": "stacked_commit",
    "prover.rap_constraints": "stark_prove_excluding_trace",
    "logup_gkr": "prover.rap_constraints",
    "input_evals": "logup_gkr",
    "round0": "prover.rap_constraints",
    "mle_rounds": "prover.rap_constraints",
    "prover.openings": "stark_prove_excluding_trace",
    "stacked_reduction": "prover.openings",
    "whir": "prover.openings",
}
# Opened in batch_constraints.cpp; checked for placement whenever present.
LATER: set[str] = set()


@pytest.fixture(scope="module")
def fixture():
    airs, traces, pvs = fixture11()
    pk, vk = gpustark.keygen(airs, gpustark.test_params_small())
    return pk, vk, traces, pvs


def recorded_proof(fixture):
    pk, vk, traces, pvs = fixture
    with spans.record() as recorded:
        proof = gpustark.prove(pk, traces, public_values=pvs)
    gpustark.verify(vk, proof)
    return recorded


def test_a_proof_records_openvm_span_names_nested(fixture):
    recorded = recorded_proof(fixture)
    names = [s.name for s in recorded]
    assert set(PARENT) - LATER <= set(names) <= set(PARENT), names
    assert len(names) == len(set(names))
    for s in recorded:
        parent = None if s.parent is None else recorded[s.parent]
        assert (parent.name if parent else None) == PARENT[s.name]
        assert s.depth == (0 if parent is None else parent.depth + 1)
        assert s.path == (s.name if parent is None else f"{parent.path}/{s.name}")
        assert s.start_ns <= s.end_ns
        if parent:
            assert parent.start_ns <= s.start_ns and s.end_ns <= parent.end_ns


def test_spans_opened_in_python_contain_native_ones_and_carry_counters(fixture):
    pk, _, traces, pvs = fixture
    with spans.record() as recorded:
        with spans.span("bench.run"):
            spans.count("kernel_count", 2)
            gpustark.prove(pk, traces, public_values=pvs)
            spans.count("kernel_count", 3)
            spans.count("sync_count")
    top = recorded[0]
    assert (top.name, top.parent, top.counters) == ("bench.run", None, {"kernel_count": 5, "sync_count": 1})
    headline = next(s for s in recorded if s.name == "stark_prove_excluding_trace")
    assert recorded[headline.parent] is top and headline.path == "bench.run/stark_prove_excluding_trace"
    assert all(s.depth >= 1 for s in recorded[1:])


def test_only_spans_inside_a_recording_are_returned_and_recordings_nest():
    with spans.span("before"):
        pass
    with spans.record() as outer:
        with spans.span("a"):
            with spans.record() as inner:
                with spans.span("b"):
                    pass
        with spans.span("c"):
            pass
    assert [s.name for s in outer] == ["a", "b", "c"]
    assert [(s.name, s.parent, s.depth, s.path) for s in inner] == [("b", None, 0, "a/b")]
    assert outer[1].parent == 0 and outer[1].depth == 1
    assert not _native.spans.active() or spans.logging_enabled()


def test_each_thread_has_its_own_stack():
    def worker():
        with spans.span("worker"):
            pass

    with spans.record() as recorded:
        with spans.span("main"):
            t = threading.Thread(target=worker)
            t.start()
            t.join()
    by_name = {s.name: s for s in recorded}
    assert by_name["worker"].parent is None and by_name["worker"].thread != by_name["main"].thread


def test_closing_out_of_order_fails_loudly():
    outer, inner = spans.span("outer"), spans.span("inner")
    with spans.record():
        outer.__enter__()
        inner.__enter__()
        with pytest.raises(Exception, match="out of order"):
            outer.__exit__(None, None, None)
        inner.__exit__(None, None, None)
        outer.__exit__(None, None, None)


def test_chrome_trace_has_one_complete_event_per_span(fixture, tmp_path):
    recorded = recorded_proof(fixture)
    path = tmp_path / "trace.json"
    spans.write_chrome_trace(recorded, path, {"workload": "interactions"})
    trace = json.loads(path.read_text())
    events = trace["traceEvents"]
    assert [e["name"] for e in events] == [s.name for s in recorded]
    origin = min(s.start_ns for s in recorded)
    for e, s in zip(events, recorded):
        assert e["ph"] == "X" and e["args"]["path"] == s.path
        assert e["ts"] == pytest.approx((s.start_ns - origin) / 1e3) and e["dur"] == pytest.approx(s.duration_ns / 1e3)
        assert isinstance(e["pid"], int) and isinstance(e["tid"], int)
    assert trace["otherData"] == {"workload": "interactions"}


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "gpustark", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_prove_trace_json_writes_every_span(tmp_path):
    trace_path = tmp_path / "trace.json"
    result = run_cli("prove", "interactions", "--out", str(tmp_path / "p.proof"), "--trace-json", str(trace_path))
    assert result.returncode == 0, result.stderr
    events = json.loads(trace_path.read_text())["traceEvents"]
    names = {e["name"] for e in events}
    assert set(PARENT) - LATER <= names and all(e["ph"] == "X" and e["dur"] >= 0 for e in events)


def test_gpustark_log_debug_prints_each_span_as_it_closes(tmp_path):
    out = str(tmp_path / "p.proof")
    quiet = run_cli("prove", "interactions", "--out", out, env={"GPUSTARK_LOG": ""})
    assert quiet.returncode == 0 and "span" not in quiet.stderr
    loud = run_cli("prove", "interactions", "--out", out, env={"GPUSTARK_LOG": "debug"})
    assert loud.returncode == 0, loud.stderr
    lines = [line for line in loud.stderr.splitlines() if line.startswith("gpustark debug: span ")]
    closed = [line.split()[3].rsplit("/", 1)[-1] for line in lines]
    assert set(PARENT) - LATER <= set(closed)
    assert closed[-1] == "stark_prove_excluding_trace" and lines[-1].endswith(" ms")  # the outermost closes last


def test_a_span_nobody_records_costs_about_nothing():
    if spans.logging_enabled():
        pytest.skip("GPUSTARK_LOG=debug is on")
    n = 20000
    start = time.perf_counter()
    for _ in range(n):
        with spans.span("idle"):
            pass
    per_span = (time.perf_counter() - start) / n
    assert per_span < 20e-6, f"{per_span * 1e6:.2f} us per inactive Python span"
