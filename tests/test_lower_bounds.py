"""The per-span lower-bound model (gpustark.bench_bounds) on a synthetic keccakf bench result (no
proving): every span gets a row, bounds are positive, a leaf's bound is the larger of its two, a
parent's adds up its children's; and benchmarks/lower_bounds.py, the script over it, prints what it
printed before the model moved into the package."""
import dataclasses
import importlib.util
import json
import pathlib
import re
import sys

import pytest

from gpustark import bench_bounds as bb
from gpustark.bench import BenchResult
from gpustark.bench_stats import HEADLINE
from gpustark.params import app_params_with_100_bits_security
from gpustark.spans import Span

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_script():
    spec = importlib.util.spec_from_file_location("lower_bounds", ROOT / "benchmarks" / "lower_bounds.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    return module


lb = load_script()

# (name, parent name or None), in the prover's order; "extra_phase" is a span the model does not know.
TREE = [(HEADLINE, None), ("prover.main_trace_commit", HEADLINE), ("stacked_commit", "prover.main_trace_commit"),
        ("rs_code_matrix", "stacked_commit"), ("merkle_tree", "stacked_commit"),
        ("prover.rap_constraints", HEADLINE), ("logup_gkr", "prover.rap_constraints"), ("input_evals", "logup_gkr"),
        ("round0", "prover.rap_constraints"), ("mle_rounds", "prover.rap_constraints"),
        ("prover.openings", HEADLINE), ("stacked_reduction", "prover.openings"), ("whir", "prover.openings"),
        ("extra_phase", "prover.openings")]


def synthetic_run(scale: float) -> list[Span]:
    spans, index, paths = [], {}, {}
    for i, (name, parent) in enumerate(TREE):
        path = name if parent is None else f"{paths[parent]}/{name}"
        depth = 0 if parent is None else spans[index[parent]].depth + 1
        spans.append(Span(name, path, 0, int(scale * (10 + i) * 1e6), depth, index.get(parent)))
        index[name], paths[name] = i, path
    return spans


def synthetic_bench(tmp_path, perms=64) -> pathlib.Path:
    params = json.loads(json.dumps(dataclasses.asdict(app_params_with_100_bits_security(21))))
    result = BenchResult(workload="keccakf", options={"perms": perms}, params=params, backend="cuda", warmup=0,
                         runs=[synthetic_run(1.0), synthetic_run(1.2)], wall_ms=[1.0, 1.2], verify_ms=1.0,
                         proof_bytes=1000, peak_rss_bytes=1 << 20,
                         machine={"device_info": {"name": "NVIDIA H100 80GB HBM3"}})
    path = tmp_path / "bench.json"
    result.save(str(path))
    return path


def rows_for(path, rates=None):
    result = BenchResult.load(str(path))
    shape = bb.keccak_shape(result, bb.KECCAK_DAG)
    return shape, bb.bound_rows(result, shape, rates or bb.Rates.assumed())


def test_every_span_gets_a_row_and_bounds_are_positive(tmp_path):
    shape, rows = rows_for(synthetic_bench(tmp_path))
    assert [r.stats.name for r in rows] == [name for name, _ in TREE]
    by_name = {r.stats.name: r for r in rows}
    assert by_name["extra_phase"].work is None and by_name["extra_phase"].bound_ms is None
    for name in ("stacked_commit", "rs_code_matrix", "merkle_tree", "logup_gkr", "round0", "mle_rounds",
                 "stacked_reduction", "whir", HEADLINE):
        row = by_name[name]
        assert row.bound_ms > 0 and row.muls_ms > 0 and row.ratio > 0, name
        assert row.bytes_ms > 0 or name == "logup_gkr", name  # the LogUp grind moves no memory
    assert by_name["input_evals"].bound_ms == 0 and by_name["input_evals"].ratio is None  # no interactions


def test_a_leaf_bound_is_the_max_and_a_parent_adds_its_children(tmp_path):
    shape, rows = rows_for(synthetic_bench(tmp_path))
    rates = bb.Rates.assumed()
    for row in rows:
        if row.bound_ms is None:
            continue
        assert row.bound_ms >= max(row.bytes_ms, row.muls_ms) - 1e-12
        known = [c for c in row.children if c.bound_ms is not None]
        if not row.children:
            assert row.bound_ms == max(row.bytes_ms, row.muls_ms), row.stats.name
        elif bb.SPAN_MODELS.get(row.stats.name) is None:  # no own work
            assert row.bound_ms == pytest.approx(sum(c.bound_ms for c in known)), row.stats.name
        else:  # own work, then the children's
            own_work = bb.SPAN_MODELS[row.stats.name](shape)
            own = max(own_work.bytes_ms(rates), own_work.muls_ms(rates))
            assert row.bound_ms == pytest.approx(own + sum(c.bound_ms for c in known)), row.stats.name


def test_keccakf_1024_shape_and_counts(tmp_path):
    shape, rows = rows_for(synthetic_bench(tmp_path, perms=1024))
    assert (shape.log_height, shape.stacked_width, shape.m) == (15, 42, 21)  # 2^15 x 2633 -> 2^21 x 42
    merkle = bb.model_merkle_tree(shape)
    rows_cw = 1 << 22
    assert merkle.fp_muls == 42 * (rows_cw // 2) * 22 + (rows_cw * 6 + rows_cw - 1) * 772 and bb.POSEIDON2_MULS == 772
    rs = bb.model_rs_code_matrix(shape)
    assert rs.pcie_bytes == 0 and rs.fp_muls == (1 << 17) * 42 * (8 * 4)  # size-16 inverse NTTs per chunk, column
    stacking = bb.model_stacked_commit(shape)
    assert stacking.pcie_bytes == 4 * (1 << 15) * 2633 and stacking.fp_muls == 0
    on_device = bb.model_stacked_commit(dataclasses.replace(shape, trace_on_host=False))
    assert on_device.pcie_bytes == 0 and on_device.hbm_bytes == stacking.hbm_bytes
    # Measured rates with an ef_mul rate: extension work is timed at that rate.
    rates = bb.Rates(3e12, 50e9, 3e12, 1e11, "test GPU", True, 3e9)
    mle = bb.model_mle_rounds(shape)
    assert mle.muls_ms(rates) == pytest.approx(1e3 * (mle.fp_muls / 3e12 + mle.ef_muls / 1e11))


def test_the_command_with_and_without_peaks(tmp_path, capsys):
    bench = synthetic_bench(tmp_path)
    assert lb.main(["--bench", str(bench)]) == 0
    out = capsys.readouterr().out
    assert "ASSUMED, NOT MEASURED" in out and out.count("\n| ") == len(TREE) + 1  # header + one row per span
    peaks = tmp_path / "peaks.json"
    peaks.write_text(json.dumps({"device": "NVIDIA H100 80GB HBM3", "hbm_bytes_per_s": 3.0e12, "h2d_bytes_per_s": 5.0e10,
                                 "d2h_bytes_per_s": 5.0e10, "fp_muls_per_s": 2.5e12, "ef_muls_per_s": 1.2e11,
                                 "poseidon2_perms_per_s": 3.0e9}))
    assert lb.main(["--bench", str(bench), "--peaks", str(peaks), "--trace-on-device"]) == 0
    out = capsys.readouterr().out
    assert "measured on NVIDIA H100 80GB HBM3" in out and "ASSUMED" not in out and "already on the device" in out
    assert lb.main(["--bench", str(tmp_path / "missing.json")]) == 2


# benchmarks/lower_bounds.py's output for a fixed bench JSON (the H100 keccakf medians of
# docs/benchmarks.md), saved from the script before the model moved into the package.
VECTORS = ROOT / "tests" / "vectors" / "lower_bounds"
SAVED_OUTPUTS = {
    "expected_assumed.txt": [],
    "expected_measured.txt": ["--peaks", VECTORS / "peaks_h100.json"],
    "expected_overrides.txt": ["--peaks", VECTORS / "peaks_h100.json", "--trace-on-device", "--dag-muls", "10000",
                               "--dag-constraints", "3000"],
}


@pytest.mark.parametrize("expected", sorted(SAVED_OUTPUTS))
def test_the_script_prints_what_it_printed_before_the_move(expected, capsys):
    args = ["--bench", VECTORS / "bench_keccakf_1024.json", *SAVED_OUTPUTS[expected]]
    assert lb.main([str(a) for a in args]) == 0
    assert capsys.readouterr().out == (VECTORS / expected).read_text()


@pytest.mark.parametrize("peaks, message", [
    ('{"hbm_bytes_per_s": 1e12, "h2d_bytes_per_s": 5e10}', "missing ['fp_muls_per_s']"),
    ('{"hbm_bytes_per_s": 0, "h2d_bytes_per_s": 5e10, "fp_muls_per_s": 1e12}', "hbm_bytes_per_s must be a positive"),
    ('{"hbm_bytes_per_s": 1e12, "h2d_bytes_per_s": "fast", "fp_muls_per_s": 1e12}', "h2d_bytes_per_s must be"),
    ('{"hbm_bytes_per_s": 1e12, "h2d_bytes_per_s": 5e10, "fp_muls_per_s": 1e12, "ef_muls_per_s": -1}',
     "ef_muls_per_s must be a positive"),
    ("[1, 2]", "expected device_peaks.cu's JSON object"),
    ("{not json", "not JSON"),
])
def test_bad_peaks_are_refused_with_the_reason(tmp_path, peaks, message):
    path = tmp_path / "peaks.json"
    path.write_text(peaks)
    with pytest.raises(ValueError, match=re.escape(message)):
        bb.Rates.load(str(path))
    assert bb.Rates.load(str(VECTORS / "peaks_h100.json")).ef_mul == 1.717e11
