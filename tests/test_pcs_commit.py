"""The stacked commitment (PROTOCOL 6) and column openings (PROTOCOL 5): layout, strided stacking,
the eval-to-coeff RS encoding, the grouped Merkle root, and PLE evaluations of trace columns."""
from __future__ import annotations

import numpy as np
import pytest

from gpustark import _native, merkle, pcs
from gpustark.ext import Ext, P
from gpustark.layout import stacked_layout
from gpustark.params import test_params_small as small_params
from gpustark.poly import eq, eq_uni, horner, mle_eval
from gpustark.verifier.stacking import two_adic_generator


def random_trace(rng, height, width):
    return rng.integers(0, P, (height, width), dtype=np.uint32)


def ext(limbs) -> Ext:
    return Ext(*(int(v) for v in limbs))


def random_ext(rng, n):
    return rng.integers(0, P, (n, 4), dtype=np.uint32)


# ---- layout (6.1) ----------------------------------------------------------------------------

LAYOUT_CASES = [
    # (l_skip, log_stacked_height, [(log_h, width)], slots, width)
    (0, 2, [(2, 1), (1, 1), (0, 1)], [(0, 0, 0, 0, 2), (1, 0, 1, 0, 1), (2, 0, 1, 2, 0)], 2),
    (2, 2, [(2, 1), (1, 1), (0, 1)], [(0, 0, 0, 0, 2), (1, 0, 1, 0, 1), (2, 0, 2, 0, 0)], 3),
    (2, 4, [(4, 2), (2, 1), (1, 2)], [(0, 0, 0, 0, 4), (0, 1, 1, 0, 4), (1, 0, 2, 0, 2), (2, 0, 2, 4, 1),
                                      (2, 1, 2, 8, 1)], 3),
    # Several matrices sharing columns; a zero-width matrix takes no slot.
    (2, 5, [(5, 1), (3, 3), (3, 0), (2, 2), (0, 3)],
     [(0, 0, 0, 0, 5), (1, 0, 1, 0, 3), (1, 1, 1, 8, 3), (1, 2, 1, 16, 3), (3, 0, 1, 24, 2), (3, 1, 1, 28, 2),
      (4, 0, 2, 0, 0), (4, 1, 2, 4, 0), (4, 2, 2, 8, 0)], 3),
    (3, 4, [(2, 3)], [(0, 0, 0, 0, 2), (0, 1, 0, 8, 2), (0, 2, 1, 0, 2)], 2),
]


@pytest.mark.parametrize("l_skip, log_height, matrices, slots, width", LAYOUT_CASES)
def test_layout_hand_checked(l_skip, log_height, matrices, slots, width):
    got_slots, got_width = stacked_layout(l_skip, log_height, matrices)
    assert [tuple(s) for s in got_slots] == slots and got_width == width
    native_slots, native_width = _native.stacked_layout(l_skip, log_height, matrices)
    assert [tuple(s) for s in native_slots] == slots and native_width == width


def test_layout_python_matches_native(rng):
    for _ in range(50):
        l_skip = int(rng.integers(0, 4))
        log_height = l_skip + int(rng.integers(0, 4))
        logs = sorted((int(v) for v in rng.integers(0, log_height + 1, int(rng.integers(1, 6)))), reverse=True)
        matrices = [(lh, int(rng.integers(0, 4))) for lh in logs]
        slots, width = stacked_layout(l_skip, log_height, matrices)
        native_slots, native_width = _native.stacked_layout(l_skip, log_height, matrices)
        assert [tuple(s) for s in slots] == [tuple(s) for s in native_slots] and width == native_width
        # Width = ceil(total lifted cells / stacked height).
        cells = sum((1 << max(lh, l_skip)) * w for lh, w in matrices)
        assert width == -(-cells // (1 << log_height))


@pytest.mark.parametrize("fn", [stacked_layout, _native.stacked_layout])
def test_layout_rejects_bad_input(fn):
    with pytest.raises(ValueError, match="descending"):
        fn(2, 4, [(2, 1), (3, 1)])
    with pytest.raises(ValueError):
        fn(2, 4, [(5, 1)])


# ---- stacked matrix (6.2) --------------------------------------------------------------------

@pytest.mark.parametrize("l_skip, n_stack, expected", [
    (0, 2, [[1, 5], [2, 6], [3, 7], [4, 0]]),
    (2, 0, [[1, 5, 7], [2, 0, 0], [3, 6, 0], [4, 0, 0]]),
    (3, 0, [[1, 5, 7], [0, 0, 0], [2, 0, 0], [0, 0, 0], [3, 6, 0], [0, 0, 0], [4, 0, 0], [0, 0, 0]]),
])
def test_stacking_strides(l_skip, n_stack, expected):
    traces = [np.array([[1], [2], [3], [4]], np.uint32), np.array([[5], [6]], np.uint32), np.array([[7]], np.uint32)]
    data = pcs.stacked_commit(traces, small_params(l_skip, n_stack, 1))
    assert data.matrix.tolist() == expected
    assert data.width == len(expected[0])


def test_stacked_matrix_places_every_column(rng):
    params = small_params(2, 4, 2)
    traces = [random_trace(rng, 64, 2), random_trace(rng, 4, 3), random_trace(rng, 2, 1), random_trace(rng, 1, 2)]
    data = pcs.stacked_commit(traces, params)
    for mi, col, scol, row, log_h in data.layout:
        stride = 1 << max(params.l_skip - log_h, 0)
        length = 1 << max(log_h, params.l_skip)
        column = data.matrix[row:row + length, scol]
        assert column[::stride].tolist() == traces[mi][:, col].tolist()
        if stride > 1:
            assert not column.reshape(-1, stride)[:, 1:].any()


# ---- RS encoding (6.3) and the Merkle root (6.4) ------------------------------------------------

@pytest.mark.parametrize("l_skip, n_stack, k", [(2, 3, 2), (3, 1, 1), (0, 4, 2), (1, 3, 3)])
def test_rs_encoding_and_root(rng, l_skip, n_stack, k):
    params = small_params(l_skip, n_stack, k)
    m = l_skip + n_stack
    traces = [random_trace(rng, 1 << m, 1), random_trace(rng, 1 << max(m - 1, 0), 2), random_trace(rng, 1, 1)]
    data = pcs.stacked_commit(traces, params)
    msg, codeword = data.message, data.codeword
    assert codeword.shape == (1 << (m + params.log_blowup), data.width)
    omega = two_adic_generator(m + params.log_blowup)
    for c in range(data.width):
        coeffs = [int(v) for v in msg[:, c]]
        for i in range(codeword.shape[0]):
            # codeword row i = the message polynomial at omega^i (natural order, no shift)
            assert int(codeword[i, c]) == horner(coeffs, pow(omega, i, P)).c[0]
    assert data.root.tolist() == merkle.MerkleTree(codeword, log_group=k).root.tolist()
    assert data.k == k and data.log_blowup == params.log_blowup


@pytest.mark.parametrize("l_skip, n_stack", [(2, 3), (3, 2), (1, 4), (0, 3)])
def test_message_is_evaluation_table_of_q(rng, l_skip, n_stack):
    """6.3: msg is the evaluation table of Q(Y, X) with q^(u_0, u') = Q(u_0, u_0^2, .., u')."""
    params = small_params(l_skip, n_stack, 1)
    m = l_skip + n_stack
    traces = [random_trace(rng, 1 << m, 2), random_trace(rng, 1 << max(l_skip - 1, 0), 3)]
    data = pcs.stacked_commit(traces, params)
    u = random_ext(rng, n_stack + 1)
    u_cube = [ext(v) for v in pcs.u_cube(u, l_skip)]
    assert len(u_cube) == m
    # The stacked column as a trace of height 2^m: its PLE at u is q^_c(u).
    opened = pcs.column_openings(data.matrix, u, l_skip, need_rot=False)
    # Moebius-eq kernel K_u(b) = prod_i ((1 - 2u_i)(1 - b_i) + u_i b_i), bit i <-> u_cube[i].
    kernel = [Ext(1)]
    for ui in u_cube:
        kernel = [v * (1 - ui - ui) for v in kernel] + [v * ui for v in kernel]
    for c in range(data.width):
        msg = [int(v) for v in data.message[:, c]]
        assert mle_eval(msg, u_cube) == ext(opened[c, 0])
        # f~ with coefficient table msg: its hypercube evaluations are subset sums of msg, and
        # sum_b f~(b) K_u(b) = q^(u) (PROTOCOL 6.3, 11).
        evals = [sum(msg[s] for s in range(len(msg)) if s & b == s) % P for b in range(len(msg))]
        assert sum((kernel[b] * evals[b] for b in range(len(msg))), Ext(0)) == ext(opened[c, 0])


def test_commit_rejects_bad_traces(rng):
    params = small_params(2, 2, 1)
    with pytest.raises(ValueError, match="descending"):
        pcs.stacked_commit([random_trace(rng, 2, 1), random_trace(rng, 4, 1)], params)
    with pytest.raises(ValueError, match="exceeds"):
        pcs.stacked_commit([random_trace(rng, 32, 1)], params)
    with pytest.raises(ValueError, match="power of two"):
        pcs.stacked_commit([random_trace(rng, 3, 1)], params)
    with pytest.raises(ValueError, match="no columns"):
        pcs.stacked_commit([np.zeros((4, 0), np.uint32)], params)


# ---- column openings (5.1-5.2) ---------------------------------------------------------------

def naive_ple(column, r, l_skip):
    """PLE of a column of height 2^(l_skip + n) at r, straight from the kernels of PROTOCOL 5.3."""
    log_h = len(column).bit_length() - 1
    r = [ext(v) for v in r]
    if log_h < l_skip:
        z = r[0] ** (1 << (l_skip - log_h))
        omega = two_adic_generator(log_h)
        return sum((eq_uni(log_h, z, pow(omega, a, P)) * int(v) for a, v in enumerate(column)), Ext(0))
    n, size = log_h - l_skip, 1 << l_skip
    omega = two_adic_generator(l_skip)
    total = Ext(0)
    for i, v in enumerate(column):
        a, x = i % size, i // size
        total = total + eq_uni(l_skip, r[0], pow(omega, a, P)) * eq(r[1:n + 1], [(x >> b) & 1 for b in range(n)]) * int(v)
    return total


@pytest.mark.parametrize("l_skip, log_h", [(2, 4), (2, 2), (2, 1), (2, 0), (3, 3), (0, 3), (1, 0)])
def test_column_openings_match_kernels(rng, l_skip, log_h):
    trace = random_trace(rng, 1 << log_h, 3)
    r = random_ext(rng, max(log_h - l_skip, 0) + 2)  # longer than needed: extra entries are ignored
    out = pcs.column_openings(trace, r, l_skip, need_rot=True)
    assert out.shape == (3, 2, 4)
    rotated = np.roll(trace, -1, axis=0)
    for c in range(3):
        assert ext(out[c, 0]) == naive_ple(trace[:, c].tolist(), r, l_skip)
        assert ext(out[c, 1]) == naive_ple(rotated[:, c].tolist(), r, l_skip)
    assert not pcs.column_openings(trace, r, l_skip, need_rot=False)[:, 1].any()


def test_column_openings_interpolate_and_lift(rng):
    l_skip = 2
    trace = random_trace(rng, 16, 2)
    omega = two_adic_generator(l_skip)
    for a in range(4):
        for x in range(4):
            r = np.array([[pow(omega, a, P), 0, 0, 0], [x & 1, 0, 0, 0], [x >> 1, 0, 0, 0]], np.uint32)
            out = pcs.column_openings(trace, r, l_skip, need_rot=True)
            assert out[:, 0, 0].tolist() == trace[a + 4 * x].tolist()
            assert out[:, 1, 0].tolist() == trace[(a + 4 * x + 1) % 16].tolist()
    # A short trace opens like its lift (the trace repeated to height 2^l_skip), PROTOCOL 5.2.
    short = random_trace(rng, 2, 2)
    r = random_ext(rng, 1)
    assert np.array_equal(pcs.column_openings(short, r, l_skip, True),
                          pcs.column_openings(np.tile(short, (2, 1)), r, l_skip, True))


def test_column_openings_rejects_short_r(rng):
    with pytest.raises(ValueError, match="needs 3"):
        pcs.column_openings(random_trace(rng, 16, 1), random_ext(rng, 2), 2, False)
