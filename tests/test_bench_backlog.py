"""The residual backlog of `gpustark bench` (gpustark.bench_backlog): spans ranked by median minus
the lower-bound model's bound, on a constructed summary and on a fixed keccakf bench JSON; one line,
no bounds, for a workload the model does not cover; assumed rates said plainly."""
import pathlib

import pytest

from cli_run import gpustark as run
from gpustark.bench import BenchResult
from gpustark.bench_backlog import format_backlog, rank
from gpustark.bench_bounds import Rates, Row
from gpustark.bench_stats import HEADLINE, SpanStats

VECTORS = pathlib.Path(__file__).parent / "vectors" / "lower_bounds"


def row(name, median_ms, bound_ms, depth=1):
    path = name if name == HEADLINE else f"{HEADLINE}/{name}"
    return Row(SpanStats(path, name, depth, 3, median_ms, median_ms, median_ms, median_ms), bound_ms=bound_ms)


def test_rank_orders_by_distance_to_the_bound_largest_first():
    rows = [row(HEADLINE, 100.0, 10.0, depth=0),
            row("near", 50.0, 45.0),         # distance 5, ratio 1.1
            row("far", 40.0, 2.0),           # distance 38, ratio 20
            row("unmodelled", 90.0, None),   # no bound: not ranked
            row("tie_first", 12.0, 2.0),     # distance 10
            row("free", 3.0, 0.0),           # bound 0: distance 3, no ratio
            row("tie_second", 20.0, 10.0),   # distance 10: after tie_first, the table's order
            row("below", 1.0, 4.0)]          # below its bound (an optimistic rate): ranked last
    ranked = rank(rows)
    assert [r.name for r in ranked] == ["far", "tie_first", "tie_second", "near", "free", "below"]
    assert [r.distance_ms for r in ranked] == [38.0, 10.0, 10.0, 5.0, 3.0, -3.0]
    assert ranked[0].ratio == 20.0 and ranked[4].ratio is None


def test_the_keccakf_backlog_lists_every_modelled_span_in_order_of_distance():
    result = BenchResult.load(str(VECTORS / "bench_keccakf_1024.json"))
    text = format_backlog(result, Rates.load(str(VECTORS / "peaks_h100.json")))
    lines = text.splitlines()
    assert "measured on NVIDIA H100 80GB HBM3" in text and "ASSUMED" not in text
    assert lines[3] == f"{HEADLINE}: median 88.40 ms, bound 21.443 ms: 66.96 ms above it (4.1x)"
    ranked = [line.split() for line in lines if line[:4].strip().isdigit()]
    assert [r[1] for r in ranked][:3] == ["prover.rap_constraints", "round0", "prover.openings"]
    assert len(ranked) == 12 and HEADLINE not in [r[1] for r in ranked]
    distances = [float(r[4]) for r in ranked]
    assert distances == sorted(distances, reverse=True)
    assert lines[-1] == "not modelled (no bound): extra_phase"  # a cuda run: no host note


def test_assumed_rates_and_a_cpu_run_are_said_plainly():
    result = BenchResult.load(str(VECTORS / "bench_keccakf_1024.json"))
    result.backend, result.machine = "cpu", {"device_info": {"name": "host CPU"}}
    lines = format_backlog(result, Rates.assumed()).splitlines()
    assert lines[1].startswith("rates: ASSUMED, NOT MEASURED (NVIDIA H100 SXM (datasheet))")
    assert lines[-1] == "note: this bench ran on cpu (host CPU); the bounds are for the GPU rates above."


@pytest.mark.parametrize("change, reason", [
    ({"workload": "fib"}, "backlog: none: the lower-bound model covers only the keccakf workload, not fib"),
    ({"options": {"perms": 1 << 20}}, "backlog: none: the lower-bound model cannot size this run (trace of 2^25 rows"),
])
def test_a_run_the_model_does_not_cover_gets_one_line(change, reason):
    result = BenchResult.load(str(VECTORS / "bench_keccakf_1024.json"))
    for key, value in change.items():
        setattr(result, key, value)
    text = format_backlog(result, Rates.assumed())
    assert len(text.splitlines()) == 1 and text.startswith(reason)


def test_peaks_alone_prints_the_backlog_and_no_gate(capsys):
    code, out, err = run(capsys, "bench", "fib", "--height", 64, "--runs", 1, "--warmup", 0,
                         "--peaks", VECTORS / "peaks_h100.json")
    assert code == 0, err
    assert out.splitlines()[-1] == "backlog: none: the lower-bound model covers only the keccakf workload, not fib"
    assert "target:" not in out
