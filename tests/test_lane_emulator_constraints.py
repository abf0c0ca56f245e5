"""metal/trace_tables.metal and metal/round0.metal on the lane emulator: the batch-constraint
inputs built from a trace (core/trace_tables.h, core/round0_sums.h), against numpy models written
from the definitions ("reference", plus "cpu": the same model on gpustark.field's native
arithmetic), and the trace tables against the CPU's column openings (gpustark.pcs). Sizes include
one row, one column, traces shorter than a chunk (rows wrap), shifted and offset blocks of
chunks, and grids capped below the lane count."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
from ef_reference import P, ext_from_base, ext_sum, random_ext  # noqa: E402
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


def gather_model(trace, l_skip, first, count, shift, selectors):
    """Element (c, x, a): row (N (first + x) + a + shift) mod h, column c (then the selectors), in
    Montgomery form (x 2^32 mod p), as round 0's NTTs and DAG take it."""
    h, n = len(trace), 1 << l_skip
    values = row_values(trace, rot=False, selectors=selectors)
    rows = (n * (first + np.arange(count))[None, :] + np.arange(n)[:, None] + shift) % h  # (a, x)
    return (values[rows].transpose(2, 1, 0) << np.uint64(32)) % np.uint64(P)


@pytest.mark.parametrize("width,log_height,l_skip,first,count,shift,selectors,group,groups", [
    (1, 0, 0, 0, 1, 0, 0, 32, None),   # one value
    (3, 3, 1, 0, 4, 0, 1, 5, None),    # the whole trace, with selectors
    (2, 4, 2, 1, 2, 1, 1, 3, None),    # chunks 1..2, next rows
    (4, 2, 3, 0, 1, 5, 0, 7, None),    # h = 4 < N = 8: rows wrap
    (5, 5, 2, 3, 5, 1, 1, 6, 2),       # 320 lanes on 12 threads
    (5, 6, 4, 1, 3, 1, 1, 32, 3),      # N = 16: tiles of 8 points by 8 columns, 384 lanes on 96 threads
])
def test_round0_gather(emu, width, log_height, l_skip, first, count, shift, selectors, group, groups):
    trace = field(np.random.default_rng(width + log_height + first), 1 << log_height, width)
    out = emu.run("round0_gather", width, log_height, l_skip, first, count, shift, selectors, data=trace,
                  group=group, groups=groups)
    assert_words(out, gather_model(trace, l_skip, first, count, shift, selectors).ravel(), "round0_gather")

