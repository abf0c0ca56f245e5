"""The metal/*.metal kernels, run on the CPU by the lane emulator (tests/msl/emulator/), against
independent numpy references (tests/msl/msl_reference.py, checked against the known-answer
vectors) and against the CPU backend through the Python API (skipped until gpustark is built).

Sizes include 1 and other tiny cases, grids that do not fill their last threadgroup, and NTT
block passes with fewer lanes than butterflies, lane counts that are not powers of two and
log_block both below and equal to log_n. The emulator is built with ASan/UBSan where available,
so a lane that reads or writes outside its buffers fails the run.
"""

import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
import msl_emulator  # noqa: E402
import msl_reference as ref  # noqa: E402
import msl_sources  # noqa: E402
from lane_tests import assert_words, emulator, field, gpustark_module  # noqa: E402

P = ref.P


@pytest.fixture(scope="session")
def emu(tmp_path_factory):
    return emulator(tmp_path_factory)


# --- coverage ---------------------------------------------------------------------------------

def emulator_sources() -> str:
    """emulator.cpp and the scenario files it includes."""
    files = [msl_emulator.EMULATOR_DIR / "emulator.cpp", *sorted(msl_emulator.EMULATOR_DIR.glob("scenarios_*.h"))]
    return "\n".join(f.read_text() for f in files)


def test_every_kernel_has_an_emulator_scenario(emu):
    listed = {k for kernels in emu.scenarios().values() for k in kernels}
    main = (msl_emulator.EMULATOR_DIR / "emulator.cpp").read_text()
    source = emulator_sources()
    problems = []
    assert msl_sources.metal_files(), f"no .metal files in {msl_sources.METAL_DIR}"
    for f in msl_sources.metal_files():
        names = msl_sources.kernel_names(f)
        if not names:
            problems.append(f"{f.name}: no `kernel void NAME(` found")
        if f'#include "{f.name}"' not in main:
            problems.append(f"{f.name} is not #included by tests/msl/emulator/emulator.cpp")
        for k in names:
            if k not in listed:
                problems.append(f"{f.name}: kernel {k} has no scenario in `emulator --list`")
            if not re.search(rf"\b{k}\(", source):
                problems.append(f"{f.name}: kernel {k} is never called in emulator.cpp or its scenarios_*.h")
    assert not problems, "lane emulator does not cover every kernel:\n  " + "\n  ".join(problems)


# --- poseidon2 --------------------------------------------------------------------------------

def test_poseidon2_known_answers(emu):
    vectors = ref.VECTORS["poseidon2_perm"]
    out = emu.run("poseidon2", len(vectors), data=[v["in"] for v in vectors], group=1)
    assert_words(out.reshape(-1, 16), [v["out"] for v in vectors], "poseidon2 known answers")


@pytest.mark.parametrize("count,group", [(1, 32), (2, 1), (5, 4), (33, 32), (100, 7)])
@pytest.mark.parametrize("cpu", [False, True], ids=["reference", "cpu"])
def test_poseidon2(emu, count, group, cpu):
    states = field(np.random.default_rng(count), count, 16)
    expected = gpustark_module("gpustark.hash").poseidon2_permute(states, backend="cpu") if cpu else ref.poseidon2(states)
    out = emu.run("poseidon2", count, data=states, group=group).reshape(count, 16)
    assert_words(out, expected, f"poseidon2 vs {'CPU backend' if cpu else 'reference'}")


# --- merkle -----------------------------------------------------------------------------------

def test_hash_rows_known_answers(emu):
    for v in ref.VECTORS["hash_rows"]:
        out = emu.run("merkle_leaf", 1, len(v["in"]), data=v["in"])
        assert_words(out, v["out"], f"hash of {v['in']}")


@pytest.mark.parametrize("rows,width,group", [(1, 0, 1), (1, 1, 32), (3, 8, 2), (7, 9, 4), (37, 17, 32)])
@pytest.mark.parametrize("cpu", [False, True], ids=["reference", "cpu"])
def test_merkle_leaf(emu, rows, width, group, cpu):
    matrix = field(np.random.default_rng(rows * 100 + width), rows, width)
    expected = gpustark_module("gpustark.hash").hash_rows(matrix, backend="cpu") if cpu else ref.hash_rows(matrix)
    out = emu.run("merkle_leaf", rows, width, data=matrix, group=group).reshape(rows, 8)
    assert_words(out, expected, f"merkle_leaf vs {'CPU backend' if cpu else 'reference'}")


def test_compress_known_answer(emu):
    for v in ref.VECTORS["compress"]:
        out = emu.run("merkle_compress", 1, 1, data=v["left"] + v["right"])
        assert_words(out, v["out"], "compress known answer")


@pytest.mark.parametrize("count,stride,group", [(1, 1, 32), (4, 1, 3), (6, 3, 4), (12, 4, 5), (40, 8, 32)])
@pytest.mark.parametrize("cpu", [False, True], ids=["reference", "cpu"])
def test_merkle_compress(emu, count, stride, group, cpu):
    children = field(np.random.default_rng(count * 10 + stride), 2 * count, 8)
    # PROTOCOL 6.4: node i combines c0 = i % s + 2 (i / s) s and c0 + s.
    i = np.arange(count)
    c0 = i % stride + 2 * (i // stride) * stride
    left, right = children[c0], children[c0 + stride]
    expected = gpustark_module("gpustark.hash").compress(left, right, backend="cpu") if cpu else ref.compress(left, right)
    out = emu.run("merkle_compress", count, stride, data=children, group=group).reshape(count, 8)
    assert_words(out, expected, f"merkle_compress vs {'CPU backend' if cpu else 'reference'}")


@pytest.mark.parametrize("rows,width,log_group,group", [
    (1, 3, 0, 32), (2, 1, 1, 1), (8, 5, 2, 3), (16, 4, 0, 32), (32, 9, 3, 7), (64, 2, 6, 32)])
@pytest.mark.parametrize("cpu", [False, True], ids=["reference", "cpu"])
def test_merkle_tree_root(emu, rows, width, log_group, group, cpu):
    matrix = field(np.random.default_rng(rows + width + log_group), rows, width)
    if cpu:
        expected = gpustark_module("gpustark.merkle").MerkleTree(matrix, log_group=log_group, backend="cpu").root
    else:
        expected = ref.merkle_root(matrix, log_group)
    root = emu.run("merkle_tree", rows, width, log_group, data=matrix, group=group)
    assert_words(root, expected, f"merkle root vs {'CPU backend' if cpu else 'reference'}")


@pytest.mark.parametrize("count,group", [(1, 32), (5, 2), (12, 5)])
def test_compress_is_merkle_compress_over_left_then_right(emu, count, group):
    """CUDA's compress(left, right) has no Metal kernel of its own: it is merkle_compress over one
    buffer holding left then right, with child stride `count` (node i: children i and i + count)."""
    rng = np.random.default_rng(count)
    left, right = field(rng, count, 8), field(rng, count, 8)
    expected = gpustark_module("gpustark.hash").compress(left, right, backend="cpu")
    out = emu.run("merkle_compress", count, count, data=np.concatenate([left, right]), group=group)
    assert_words(out.reshape(count, 8), expected, "merkle_compress(left ++ right, stride count) vs CPU compress")


@pytest.mark.parametrize("runs,words,src_words,group,groups", [
    (0, 3, 4, 32, None), (1, 1, 1, 32, None), (3, 8, 40, 5, None), (7, 5, 100, 4, 2)])
def test_gather_words(emu, runs, words, src_words, group, groups):
    rng = np.random.default_rng(runs * 10 + words)
    src = rng.integers(0, 2**32, size=src_words, dtype=np.uint64).astype(np.uint32)
    starts = rng.integers(0, src_words - words + 1, size=runs, dtype=np.uint64)
    data = np.concatenate([src, starts.view(np.uint32)])  # u64 starts as (low, high) words
    out = emu.run("gather_words", runs, words, src_words, data=data, group=group, groups=groups)
    expected = np.array([src[s:s + words] for s in starts], dtype=np.uint32).reshape(-1)
    assert_words(out, expected, "gather_words")


# --- ntt --------------------------------------------------------------------------------------

NTT_CASES = [
    # log_n, batch, log_block, block lanes, block columns, 1-D group size: block passes of
    # log_block stages from stage 0 until none is left (the last shorter; none for log_block 0);
    # then fused: the whole transform in one block pass that also reverses the bits and scales
    (0, 1, 0, 1, 1, 1),      # size 1
    (1, 1, 1, 1, 1, 32),
    (2, 3, 1, 2, 1, 5),      # two passes of one stage: the second's blocks are rows 2 apart
    (3, 2, 2, 3, 1, 7),      # 3 lanes: not a power of two, fewer than the block's 4 rows
    (5, 3, 5, 7, 1, 32),     # log_block == log_n
    (6, 2, 3, 64, 1, 16),    # more lanes than butterflies; two passes
    (7, 4, 0, 1, 1, 24),     # no block pass: global stages only
    (10, 3, 6, 24, 1, 64),   # lanes stride over 32 butterflies; passes of 6 and 4 stages
    (4, 9, 4, 32, 4, 32),    # four columns per group, the last group with one
    (3, 6, 3, 5, 6, 8),      # every column in one group, 5 lanes over 24 butterflies
    (5, 7, 2, 64, 3, 16),    # passes of 2, 2 and 1 stages with columns
    (2, 5, 2, 8, 0, 4),      # columns 0 counts as 1
    (12, 5, 5, 32, 2, 64),   # the codeword's shape, small: passes of 5, 5 and 2 stages
]
FUSED_CASES = [
    (4, 9, 4, 32, 4, 32),    # round 0's shape: size 16, several columns per group
    (1, 3, 1, 1, 1, 8),
    (5, 6, 5, 7, 3, 16),     # 7 lanes over 48 butterflies, a partial last group
]
COSET = 31  # BabyBear's multiplicative generator


ALL_NTT_CASES = [(*c, 0) for c in NTT_CASES] + [(*c, 1) for c in FUSED_CASES]


@pytest.mark.parametrize("log_n,batch,log_block,lanes,columns,group,fused", ALL_NTT_CASES)
@pytest.mark.parametrize("shift", [1, COSET])
@pytest.mark.parametrize("cpu", [False, True], ids=["reference", "cpu"])
def test_ntt_forward(emu, log_n, batch, log_block, lanes, columns, group, fused, shift, cpu):
    n = 1 << log_n
    coeffs = field(np.random.default_rng(log_n * 7 + shift), n, batch)
    if cpu:
        expected = gpustark_module("gpustark.ntt").ntt(coeffs, inverse=False, shift=shift, backend="cpu")
    else:
        expected = ref.ntt(coeffs, shift)
    out = emu.run("ntt", log_n, batch, log_block, lanes, 0, shift, columns, fused, data=coeffs,
                  group=group).reshape(n, batch)
    assert_words(out, expected, f"forward ntt vs {'CPU backend' if cpu else 'naive DFT'}")


@pytest.mark.parametrize("log_n,batch,log_block,lanes,columns,group,fused", ALL_NTT_CASES)
@pytest.mark.parametrize("shift", [1, COSET])
@pytest.mark.parametrize("cpu", [False, True], ids=["reference", "cpu"])
def test_ntt_inverse(emu, log_n, batch, log_block, lanes, columns, group, fused, shift, cpu):
    n = 1 << log_n
    evals = field(np.random.default_rng(log_n * 11 + shift), n, batch)
    cpu_out = gpustark_module("gpustark.ntt").ntt(evals, inverse=True, shift=shift, backend="cpu") if cpu else None
    out = emu.run("ntt", log_n, batch, log_block, lanes, 1, shift, columns, fused, data=evals,
                  group=group).reshape(n, batch)
    if cpu:
        assert_words(out, cpu_out, "inverse ntt vs CPU backend")
    else:  # the naive forward DFT must undo it
        assert_words(ref.ntt(out, shift), evals, "naive DFT of inverse ntt")


REVERSED_OUT_CASES = [
    (12, 5, 5, 32, 2, 64),   # the codeword's shape, small: passes of 5, 5 and 2 stages
    (6, 2, 3, 64, 1, 16),    # two passes
    (4, 9, 4, 32, 4, 32),    # one pass (it takes the scale too)
    (5, 7, 2, 64, 3, 16),    # passes of 2, 2 and 1 stages with columns
]


def bit_reverse_rows(values):
    """Row i of `values` moved to row rev(i) (log2(len) bits)."""
    n = len(values)
    bits = n.bit_length() - 1
    rev = [int(format(i, f"0{bits}b")[::-1], 2) if bits else 0 for i in range(n)]
    out = np.empty_like(values)
    out[rev] = values
    return out


@pytest.mark.parametrize("log_n,batch,log_block,lanes,columns,group", REVERSED_OUT_CASES)
@pytest.mark.parametrize("shift", [1, COSET])
def test_ntt_forward_bit_reversed_out(emu, log_n, batch, log_block, lanes, columns, group, shift):
    """The codeword's transform: natural order in, output i at row rev(i), no bit-reversal pass."""
    n = 1 << log_n
    coeffs = field(np.random.default_rng(log_n * 13 + shift), n, batch)
    out = emu.run("ntt", log_n, batch, log_block, lanes, 0, shift, columns, 2, data=coeffs,
                  group=group).reshape(n, batch)
    assert_words(out, bit_reverse_rows(ref.ntt(coeffs, shift)), "bit-reversed forward ntt vs naive DFT")


@pytest.mark.parametrize("log_n,batch,log_block,lanes,columns,fused", [
    (6, 3, 4, 5, 2, 0),     # two block passes, 2 columns a group (pitch 3)
    (4, 13, 4, 32, 6, 1),   # round 0's fused size-16 transforms: 6 columns a group (pitch 7), a short last run
    (5, 10, 5, 7, 5, 1),    # an odd count of columns (pitch 5), lanes not a multiple of anything
])
@pytest.mark.parametrize("inverse", [0, 1])
def test_ntt_column_major(emu, log_n, batch, log_block, lanes, columns, fused, inverse):
    data = field(np.random.default_rng(5 + inverse + batch), 1 << log_n, batch)
    args = (log_n, batch, log_block, lanes, inverse, COSET, columns, fused)
    row_major = emu.run("ntt", *args, data=data)
    col_major = emu.run("ntt", *args, data=data.T, col_major=True)
    assert_words(col_major.reshape(batch, -1).T, row_major.reshape(-1, batch), "column-major vs row-major ntt")


# --- proof of work ----------------------------------------------------------------------------

def test_reference_sponge_matches_vectors():
    for v in ref.VECTORS["sponge"]:
        s = ref.Sponge()
        for x in v["observe"]:
            s.observe(x)
        assert [s.sample() for _ in v["samples"]] == v["samples"]


@pytest.mark.parametrize("bits,absorb_idx,window,group", [
    (1, 0, 1, 1), (2, 3, 1, 4), (4, 7, 7, 3), (6, 5, 64, 32), (8, 0, 1000, 32)])
def test_pow_grind(emu, bits, absorb_idx, window, group):
    state = field(np.random.default_rng(bits * 8 + absorb_idx), 16)
    out = emu.run("pow", bits, absorb_idx, window, data=state, group=group)
    assert_words(out, [ref.grind(state, absorb_idx, bits)], "pow witness vs brute force")


@pytest.mark.parametrize("observed,bits", [(0, 3), (5, 7), (8, 5), (13, 8)])
def test_pow_grind_vs_transcript(emu, observed, bits):
    gpustark = gpustark_module("gpustark")
    values = field(np.random.default_rng(observed), observed)
    transcript, mirror = gpustark.Transcript(), ref.Sponge()
    for x in values:
        transcript.observe(int(x))
        mirror.observe(int(x))
    out = emu.run("pow", bits, mirror.absorb_idx, 256, data=mirror.state)
    assert_words(out, [transcript.grind(bits, backend="cpu")], "pow witness vs Transcript.grind")
