"""benchmarks/stage_profile.py: the debug log of a proof turned into spans and the device stages
inside each (parsing only; the GPU runs are in benchmarks/gpu_check.sh)."""
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "stage_profile.py"
spec = importlib.util.spec_from_file_location("stage_profile", SCRIPT)
sp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sp)

TOP = "stark_prove_excluding_trace"


def stage(name, kernels, syncs, ms):
    return (f"gpustark debug: dispatch_stage name={name} command_buffer_count=1 kernel_count={kernels} "
            f"sync_count={syncs} wall_ms={ms}")


def span(path, ms):
    return f"gpustark debug: span {path} {ms} ms"


def proof(scale):
    """One proof's lines: a stage in a leaf span, a parent with its own host time, the top span."""
    return [stage("ntt", 3, 1, 2.0 * scale), stage("ntt", 3, 1, 1.0 * scale), span(f"{TOP}/a/leaf", 5.0 * scale),
            span(f"{TOP}/a", 6.0 * scale), stage("grind", 1, 1, 0.5 * scale), span(f"{TOP}/b", 1.0 * scale),
            span(TOP, 8.0 * scale)]


def test_the_timed_run_is_the_last_proof_and_stages_go_to_the_next_span():
    lines = ["noise"] + proof(100) + proof(1)  # the warm-up (slow), then the timed run
    spans, stages = sp.profile(sp.timed_run_lines(lines))
    assert spans[TOP] == 8.0 and spans[f"{TOP}/a/leaf"] == 5.0
    assert stages[f"{TOP}/a/leaf"]["ntt"] == [2, 6, 2, 3.0]  # calls, kernels, syncs, wall ms
    assert stages[f"{TOP}/b"]["grind"] == [1, 1, 1, 0.5]
    text = sp.report(spans, stages)
    lines_out = text.splitlines()
    leaf = lines_out.index(next(l for l in lines_out if l.strip().startswith("leaf")))
    assert "ntt" in lines_out[leaf + 1] and lines_out[leaf + 2].split()[-1] == "2.00"  # 5 ms - 3 ms in stages
    parent = next(l for l in lines_out if l.strip().startswith("(outside the child spans)") and "1.00" in l)
    assert parent  # span a: 6 ms, its child 5 ms


def test_a_log_without_a_warm_up_is_refused():
    with pytest.raises(SystemExit, match="warm-up"):
        sp.timed_run_lines(proof(1))
