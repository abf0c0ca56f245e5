"""metal/trace_tables.metal and metal/round0.metal on the lane emulator: the batch-constraint
inputs built from a trace (core/trace_tables.h, core/round0_sums.h), against numpy models written
from the definitions ("reference", plus "cpu": the same model on gpustark.field's native
arithmetic), and the trace tables against the CPU's column openings (gpustark.pcs). Round 0's
gather takes each chunk to D or a coset in registers; its model evaluates the chunk's interpolant
at the coset's points by the definition (checked against galois). Round 0's eq-weighted sums are
checked against their definition over every chunk, in blocks and pieces of several shapes. Sizes
include one row, one column, traces shorter than a chunk (rows wrap), offset blocks of chunks, and
grids capped below the lane count."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
import msl_emulator  # noqa: E402
from ef_reference import P, ext_from_base, ext_sum, random_ext  # noqa: E402
from msl_reference import OMEGA  # noqa: E402
from lane_tests import assert_words, emulator, field, field_ops, gpustark_module, words  # noqa: E402

KINDS = ["reference", "cpu"]


@pytest.fixture(scope="session")
def emu(tmp_path_factory):
    return emulator(tmp_path_factory)


def row_values(trace, rot: bool, selectors: bool):
    """Per row: its columns, [the next row's columns,] [is_first, is_last, is_transition]."""
    h = len(trace)
    rows = np.arange(h)
    parts = [trace.astype(np.uint64)]
    if rot:
        parts.append(trace[(rows + 1) % h].astype(np.uint64))
    if selectors:
        parts += [(rows == 0)[:, None], (rows == h - 1)[:, None], (rows != h - 1)[:, None]]
    return np.concatenate([np.asarray(p, np.uint64) for p in parts], axis=1)


def trace_tables_model(F, trace, l_skip, lagrange, eq):
    """Table c, chunk x: sum_a lagrange[a] V[(a + N x) mod h][c]; then the eq table."""
    h, n = len(trace), 1 << l_skip
    values = row_values(trace, rot=True, selectors=True)
    chunks = max(h // n, 1)
    rows = (np.arange(n)[:, None] + n * np.arange(chunks)[None, :]) % h  # (a, x)
    terms = F.ext_mul_base(lagrange[:, None, None, :], values[rows])   # (a, x, c, 4)
    tables = ext_sum(terms, axis=0).transpose(1, 0, 2)                 # (c, x, 4)
    return np.concatenate([tables, eq[None]], axis=0)


@pytest.mark.parametrize("width,log_height,l_skip,group,groups", [
    (1, 0, 0, 32, None),      # one row, one column
    (1, 2, 2, 3, None),       # one chunk
    (3, 3, 1, 5, None),
    (2, 1, 3, 4, None),       # h = 2 < N = 8: rows wrap
    (5, 4, 2, 7, 2),          # 52 lanes on 14 threads
])
@pytest.mark.parametrize("kind", KINDS)
def test_trace_tables(emu, width, log_height, l_skip, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(width * 100 + log_height * 10 + l_skip)
    chunks = max(1 << (log_height - l_skip), 1) if log_height >= l_skip else 1
    trace = field(rng, 1 << log_height, width)
    lagrange, eq = random_ext(rng, 1 << l_skip), random_ext(rng, chunks)
    out = emu.run("trace_tables", width, log_height, l_skip, data=words(trace, lagrange, eq), group=group,
                  groups=groups)
    expected = trace_tables_model(F, trace, l_skip, lagrange, eq)
    assert_words(out.reshape(2 * width + 4, chunks, 4), expected, f"trace_tables vs {kind}")


def ext_inv(F, a):
    return ext_pow(F, a, P ** 4 - 2)  # the extension's multiplicative group has order p^4 - 1


def ext_pow(F, a, e):
    acc = ext_from_base(np.uint64(1))
    while e:
        if e & 1:
            acc = F.ext_mul(acc, a)
        a, e = F.ext_mul(a, a), e >> 1
    return acc


def lagrange_at(F, l_skip, r0, omega):
    """L_a(r_0) on the subgroup of order N = 2^l_skip: w^a (r_0^N - 1) / (N (r_0 - w^a))."""
    n = 1 << l_skip
    powers = [pow(omega, a, P) for a in range(n)]
    top = F.ext_sub(ext_pow(F, r0, n), ext_from_base(np.uint64(1)))
    out = []
    for w in powers:
        den = F.ext_mul_base(F.ext_sub(r0, ext_from_base(np.uint64(w))), np.uint64(n))
        out.append(F.ext_mul_base(F.ext_mul(top, ext_inv(F, den)), np.uint64(w)))
    return np.stack(out)


@pytest.mark.parametrize("width,log_height,l_skip", [(2, 3, 1), (3, 4, 2), (1, 5, 3)])
def test_trace_tables_vs_cpu_column_openings(emu, width, log_height, l_skip):
    """The tables at r_0, combined with eq over the chunks at (r_1, ..), are the columns' PLE
    openings at r that the CPU computes (gpustark.pcs.column_openings), local and rotated."""
    pcs, fld = gpustark_module("gpustark.pcs"), gpustark_module("gpustark.field")
    F = field_ops("cpu")
    rng = np.random.default_rng(log_height * 3 + l_skip)
    trace = field(rng, 1 << log_height, width)
    vars_ = log_height - l_skip
    r = random_ext(rng, vars_ + 1)
    lagrange = lagrange_at(F, l_skip, r[0], fld.two_adic_generator(l_skip))
    chunks = 1 << vars_
    eq = np.broadcast_to(ext_from_base(np.uint64(1)), (chunks, 4)).copy()
    for k in range(vars_):
        bit = ((np.arange(chunks) >> k) & 1).astype(bool)[:, None]
        eq = F.ext_mul(eq, np.where(bit, r[k + 1], F.ext_sub(ext_from_base(np.uint64(1)), r[k + 1])))
    out = emu.run("trace_tables", width, log_height, l_skip, data=words(trace, lagrange, eq))
    tables = out.reshape(2 * width + 4, chunks, 4).astype(np.uint64)
    openings = ext_sum(F.ext_mul(tables[: 2 * width], eq[None]), axis=1)  # (2 width, 4)
    expected = pcs.column_openings(trace, r.astype(np.uint32), l_skip, True)  # (width, 2, 4)
    assert_words(openings[:width], expected[:, 0], "trace tables' local openings vs CPU column_openings")
    assert_words(openings[width:], expected[:, 1], "trace tables' rotated openings vs CPU column_openings")


SHIFT = 31  # round 0's first coset g D (g = 31, BabyBear's generator); the second is g^2 D


def coset_powers(l_skip, shift):
    """The coset's tables as the host builds them (core/ntt_tables.h coset_dft_powers), from the
    definition: w^-k and w^k for k < N/2 (w = omega_N), then shift^j / N for j < N."""
    n, w = 1 << l_skip, OMEGA[l_skip]
    w_inv, n_inv = pow(w, P - 2, P), pow(n, P - 2, P)
    return np.array([pow(w_inv, k, P) for k in range(n // 2)] + [pow(w, k, P) for k in range(n // 2)]
                    + [pow(shift, j, P) * n_inv % P for j in range(n)], np.uint64)


def to_coset(values, l_skip, shift):
    """Each length-N run of `values` (last axis, canonical) read as a polynomial's values at
    omega_N^a, evaluated at shift omega_N^b instead: the polynomial's coefficients
    c_j = N^-1 sum_a v_a omega^(-a j), then sum_j c_j (shift omega^b)^j."""
    n, w = 1 << l_skip, OMEGA[l_skip]
    w_inv, n_inv = pow(w, P - 2, P), pow(n, P - 2, P)
    to_coeffs = np.array([[pow(w_inv, a * j, P) * n_inv % P for j in range(n)] for a in range(n)], object)
    at_coset = np.array([[pow(shift * pow(w, b, P) % P, j, P) for b in range(n)] for j in range(n)], object)
    v = values.astype(object)
    return ((v @ to_coeffs % P) @ at_coset % P).astype(np.uint64)


def gather_model(trace, l_skip, first, count, shift):
    """Local point (c, x, a): row N (first + x) + a (mod h), column c (then is_first, is_last,
    is_transition); next point (c, x, a): the row after it, column c < width. On a coset (shift
    not None) each (c, x) run of N points is taken there (to_coset). Montgomery form (x 2^32 mod
    p), as the DAG reads it: local words, then next words."""
    h, n, width = len(trace), 1 << l_skip, trace.shape[1]
    values = row_values(trace, rot=False, selectors=True)
    rows = (n * (first + np.arange(count))[:, None] + np.arange(n)[None, :]) % h  # (x, a)
    local = values[rows].transpose(2, 0, 1)                  # (c, x, a)
    nxt = values[(rows + 1) % h][..., :width].transpose(2, 0, 1)
    if shift is not None:
        local, nxt = to_coset(local, l_skip, shift), to_coset(nxt, l_skip, shift)
    montgomery = lambda v: (v.astype(np.uint64) << np.uint64(32)) % np.uint64(P)  # noqa: E731
    return np.concatenate([montgomery(local).ravel(), montgomery(nxt).ravel()])


def test_to_coset_model_against_galois():
    """The model's coset values are galois' interpolant evaluated at shift omega^b."""
    galois = pytest.importorskip("galois", reason="galois (the test oracle) is not installed")
    GF = galois.GF(P)
    rng = np.random.default_rng(41)
    for l_skip in range(6):
        n, values = 1 << l_skip, field(rng, 1 << l_skip)
        coeffs = galois.intt(GF(values)) if n > 1 else GF(values)
        points = GF([SHIFT * pow(OMEGA[l_skip], b, P) % P for b in range(n)])
        expected = galois.Poly(coeffs[::-1])(points)
        assert_words(to_coset(values[None], l_skip, SHIFT)[0], np.asarray(expected), f"to_coset, N = {n}")


@pytest.mark.parametrize("width,log_height,l_skip,first,count,group,groups", [
    (1, 0, 0, 0, 1, 32, None),   # one value
    (3, 3, 1, 0, 4, 5, None),    # the whole trace
    (2, 4, 2, 1, 2, 3, None),    # chunks 1..2
    (4, 2, 3, 0, 1, 7, None),    # h = 4 < N = 8: rows wrap
    (5, 5, 2, 3, 5, 6, 2),       # 40 lanes on 12 threads
    (5, 6, 4, 1, 3, 32, 1),      # N = 16, 24 lanes on one group
    (34, 6, 4, 0, 4, 32, None),  # N = 16, wider than a SIMD group
    (2, 7, 5, 1, 3, 4, 2),       # N = 32, the largest chunk
])
@pytest.mark.parametrize("shift", [None, SHIFT, SHIFT * SHIFT], ids=["D", "gD", "g2D"])
def test_round0_gather(emu, width, log_height, l_skip, first, count, group, groups, shift):
    trace = field(np.random.default_rng(width + log_height + first), 1 << log_height, width)
    data = trace if shift is None else words(trace, coset_powers(l_skip, shift))
    out = emu.run("round0_gather", width, log_height, l_skip, first, count, int(shift is not None), data=data,
                  group=group, groups=groups)
    assert_words(out, gather_model(trace, l_skip, first, count, shift), "round0_gather")


def round0_block_words(sums, block):
    """The per-point sums (chunks, evals, N, 3, 4) as round0_eq_sums reads them: block after block,
    each domain's points (a, x) at x N + a."""
    blocks = [sums[first:first + block].transpose(1, 0, 2, 3, 4) for first in range(0, len(sums), block)]
    return words(*blocks)


@pytest.mark.parametrize("evals,l_skip,chunks,block,pieces,group,groups", [
    (1, 0, 1, 1, 1, 32, None),  # one chunk, one point
    (3, 2, 10, 4, 3, 5, None),  # a short last block; pieces that do not divide a block
    (4, 2, 16, 16, 64, 8, 2),   # more pieces than chunks; a grid capped below the lanes
    (2, 4, 7, 3, 2, 7, None),   # N = 16
])
@pytest.mark.parametrize("kind", KINDS)
def test_round0_eq_sums(emu, evals, l_skip, chunks, block, pieces, group, groups, kind):
    """Per domain and a: sum over the chunks x of eq[x] times each of the three sums at (a, x)."""
    F = field_ops(kind)
    rng = np.random.default_rng(evals * 100 + chunks * 10 + pieces)
    n = 1 << l_skip
    eq, sums = random_ext(rng, chunks), random_ext(rng, chunks, evals, n, 3)
    out = emu.run("round0_eq_sums", evals, l_skip, chunks, block, pieces, data=words(eq, round0_block_words(sums, block)),
                  group=group, groups=groups).reshape(evals, n, 3, 4)
    expected = ext_sum(F.ext_mul(eq[:, None, None, None, :], sums), axis=0)
    assert_words(out, expected, f"round0_eq_sums vs {kind}")


def test_round0_gather_refuses_chunks_past_the_registers(emu):
    with pytest.raises(msl_emulator.EmulatorError, match="register DFT"):
        emu.run("round0_gather", 1, 6, 6, 0, 1, 0, data=np.zeros(64, np.uint32))
