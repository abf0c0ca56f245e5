"""metal/stacked.metal on the lane emulator: the stacked reduction's round-0 slot sums (in pieces,
then the pieces added), the columns' tables after u_0, the kernel tables and WHIR's batched
message, and the commitment's scatter and message, against numpy models written from the definitions in
core/stacked_matrix.h and kernels/stacked/*.h ("reference", plus "cpu": the same model on
gpustark.field's native arithmetic). The scatter and the message are also compared with the CPU
backend's stacked commitment (its .matrix and .message). Cases cover one slot, rotated and
unrotated slots, offsets into eq, more pieces than chunks, every chunk size the message kernel
takes (N = 2^l_skip, l_skip 0..5), random slots tiling the kernel tables' columns (with gaps, slots
of one chunk, one slot, many slots), grids whose last threadgroup is not full, and grids capped
below the lane count."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
import msl_emulator  # noqa: E402
from ef_reference import P, ext_one, ext_sum, random_ext  # noqa: E402
from lane_tests import assert_words, emulator, field, field_ops, gpustark_module, words  # noqa: E402
from msl_reference import OMEGA  # noqa: E402

KINDS = ["reference", "cpu"]


@pytest.fixture(scope="session")
def emu(tmp_path_factory):
    return emulator(tmp_path_factory)


def slot_sums_model(F, matrix, l_skip, slots, pieces, eq):
    """(slots, pieces, N, 2, 4): piece p's share (chunks x = p, p + pieces, ...) of
    S[a] = sum_x eq[off + x] v(x_begin + x, a) and T[a] = sum_x eq[off + (x - 1 mod x_len)] v(..)."""
    n = 1 << l_skip
    out = np.zeros((len(slots), pieces, n, 2, 4), np.uint64)
    for j, (column, rot, x_begin, x_len, offset) in enumerate(slots):
        for p in range(pieces):
            xs = np.arange(p, x_len, pieces)
            if not len(xs):
                continue
            v = matrix[(x_begin + xs)[:, None] * n + np.arange(n)[None, :], column]  # (x, a)
            out[j, p, :, 0] = ext_sum(F.ext_mul_base(eq[offset + xs][:, None], v), axis=0)
            if rot:
                out[j, p, :, 1] = ext_sum(F.ext_mul_base(eq[offset + (xs + x_len - 1) % x_len][:, None], v), axis=0)
    return out


def slot_words(slots):
    """Each slot as the scenario reads it: column, rot, then x_begin, x_len, eq_offset as u64."""
    return np.array([[c, r, b & 0xFFFFFFFF, b >> 32, n & 0xFFFFFFFF, n >> 32, o & 0xFFFFFFFF, o >> 32]
                     for c, r, b, n, o in slots], dtype=np.uint64).reshape(-1, 8)


@pytest.mark.parametrize("width,log_rows,l_skip,slots,pieces,eq_len,group,groups", [
    (1, 0, 0, [(0, 0, 0, 1, 0)], 1, 1, 32, None),                          # one value
    (2, 3, 1, [(1, 1, 0, 4, 0)], 1, 4, 3, None),                           # rotated, whole column
    (3, 4, 2, [(0, 1, 1, 2, 3), (2, 0, 0, 4, 0), (1, 1, 2, 1, 5)], 2, 6, 5, None),
    (2, 5, 1, [(1, 1, 3, 9, 2), (0, 1, 0, 16, 0)], 5, 16, 4, 2),           # more pieces; capped grid
    (1, 3, 2, [(0, 0, 0, 2, 0)], 3, 2, 7, None),                           # more pieces than chunks
])
@pytest.mark.parametrize("kind", KINDS)
def test_stacked_sums(emu, width, log_rows, l_skip, slots, pieces, eq_len, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(width * 100 + log_rows * 10 + pieces)
    matrix, eq = field(rng, 1 << log_rows, width).astype(np.uint64), random_ext(rng, eq_len)
    out = emu.run("stacked_sums", width, log_rows, l_skip, len(slots), pieces, eq_len,
                  data=words(matrix, slot_words(slots), eq), group=group, groups=groups)
    n = 1 << l_skip
    partials = slot_sums_model(F, matrix, l_skip, slots, pieces, eq)
    cut = partials.size
    assert_words(out[:cut].reshape(partials.shape), partials, f"stacked_slot_sums vs {kind}")
    s, t = out[cut:].reshape(2, len(slots), n, 4)
    assert_words(s, ext_sum(partials[:, :, :, 0], axis=1), f"stacked_piece_sums s vs {kind}")
    assert_words(t, ext_sum(partials[:, :, :, 1], axis=1), f"stacked_piece_sums t vs {kind}")


@pytest.mark.parametrize("width,log_rows,l_skip,group,groups", [
    (1, 0, 0, 32, None), (3, 3, 1, 4, None), (2, 4, 4, 3, None), (5, 6, 2, 7, 2)])
@pytest.mark.parametrize("kind", KINDS)
def test_stacked_fold_columns(emu, width, log_rows, l_skip, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(width + log_rows + l_skip)
    n, chunks = 1 << l_skip, 1 << (log_rows - l_skip)
    matrix = field(rng, 1 << log_rows, width).astype(np.uint64)
    lagrange, odd = random_ext(rng, n), random_ext(rng, width, chunks)
    out = emu.run("stacked_fold_columns", width, log_rows, l_skip, data=words(matrix, lagrange, odd), group=group,
                  groups=groups).reshape(width, 2, chunks, 4)
    v = matrix.reshape(chunks, n, width)  # (x, a, c)
    folded = ext_sum(F.ext_mul_base(lagrange[None, :, None, :], v), axis=1).transpose(1, 0, 2)  # (c, x, 4)
    assert_words(out[:, 0], folded, f"stacked_fold_columns vs {kind}")
    assert_words(out[:, 1], odd, "stacked_fold_columns leaves the host's tables")


def kernel_table_model(F, tables, slots, eq, coeffs):
    """The tables (2 width, chunks, 4) after the pass: for slot j = (column, rot, x_begin, x_len,
    offset) and xl < x_len, with e = eq[offset:offset + x_len],
    tables[2 column + 1][x_begin + xl] = coeffs[2j] e[xl] + coeffs[2j + 1] (e[xl - 1 mod x_len] - e[xl]);
    every other entry as it was."""
    out = np.array(tables, np.uint64, copy=True)
    for j, (column, _, x_begin, x_len, offset) in enumerate(slots):
        xl = np.arange(x_len)
        cur, prev = eq[offset + xl], eq[offset + (xl - 1) % x_len]
        eq_part = F.ext_mul(coeffs[2 * j][None, :], cur)
        wrap_part = F.ext_mul(coeffs[2 * j + 1][None, :], F.ext_sub(prev, cur))
        out[2 * column + 1, x_begin + xl] = F.ext_add(eq_part, wrap_part)
    return out


def random_kernel_slots(rng, width, chunks, max_len, gaps):
    """Slots tiling each column's chunks in runs of 1..max_len (some chunks skipped when gaps),
    in a shuffled order, and their eq tables: [1] for a slot of one chunk, otherwise a random
    table, shared by some slots of the same length (eq_offset as the host reuses it)."""
    slots, eq, by_len = [], [], {}
    for column in range(width):
        x = 0
        while x < chunks:
            if gaps and rng.random() < 0.25:
                x += 1
                continue
            x_len = int(rng.integers(1, min(max_len, chunks - x) + 1))
            if x_len in by_len and rng.random() < 0.5:
                offset = by_len[x_len]
            else:
                offset = sum(len(e) for e in eq)
                eq.append(ext_one((1,)) if x_len == 1 else random_ext(rng, x_len))
                by_len[x_len] = offset
            slots.append((column, int(rng.integers(0, 2)), x, x_len, offset))
            x += x_len
    order = rng.permutation(len(slots))
    return [slots[i] for i in order], np.concatenate(eq) if eq else np.zeros((0, 4), np.uint64)


def run_kernel_table(emu, width, chunks, slots, eq, coeffs, tables, group=None, groups=None):
    out = emu.run("stacked_kernel_table", width, chunks, len(slots), len(eq),
                  data=words(slot_words(slots), eq, coeffs, tables), group=group, groups=groups)
    return out.reshape(2 * width, chunks, 4)


def check_kernel_table(emu, F, width, chunks, slots, eq, group, groups, rng, what):
    cells = [(c, b + x) for c, _, b, n, _ in slots for x in range(n)]
    assert len(cells) == len(set(cells)), "the case's slots must write disjoint chunks"
    coeffs, tables = random_ext(rng, 2 * len(slots)), random_ext(rng, 2 * width, chunks)
    out = run_kernel_table(emu, width, chunks, slots, eq, coeffs, tables, group, groups)
    written = np.zeros((2 * width, chunks), bool)
    for c, x in cells:
        written[2 * c + 1, x] = True
    assert_words(out[~written], tables[~written], f"{what}: entries no slot reaches keep their value")
    assert_words(out, kernel_table_model(F, tables, slots, eq, coeffs), f"{what} vs {F.name}")
    return out


# (width, chunks, slots, eq_len, group, groups): the slots by hand.
KERNEL_TABLE_CASES = [
    (1, 1, [(0, 0, 0, 1, 0)], 1, 32, None),                                # one slot, one chunk
    (2, 8, [(1, 1, 0, 8, 0)], 8, 3, None),                                 # one slot, a whole column
    (1, 16, [(0, 0, 5, 9, 2)], 11, 4, 1),                                  # one slot inside; one group
    (2, 6, [(0, 1, 0, 3, 0), (1, 0, 2, 1, 3), (0, 0, 3, 3, 0), (1, 1, 3, 3, 4)], 7, 4, None),
    (2, 5, [(0, 0, 0, 2, 0), (1, 0, 0, 0, 0), (1, 1, 1, 4, 2)], 6, 3, 2),  # an empty slot between two
]


@pytest.mark.parametrize("width,chunks,slots,eq_len,group,groups", KERNEL_TABLE_CASES)
@pytest.mark.parametrize("kind", KINDS)
def test_stacked_kernel_table(emu, width, chunks, slots, eq_len, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(5000 + width * 100 + chunks * 10 + len(slots))
    eq = random_ext(rng, eq_len)
    for _, _, _, x_len, offset in slots:
        if x_len == 1:
            eq[offset] = ext_one()  # a column of one chunk: its eq table is [1]
    check_kernel_table(emu, F, width, chunks, slots, eq, group, groups, rng, "stacked_kernel_table")


# (width, chunks, max_len, gaps, group, groups): random tilings; lanes = the slots' chunks.
@pytest.mark.parametrize("width,chunks,max_len,gaps,group,groups", [
    (3, 16, 6, False, 5, None),    # 48 lanes: the last threadgroup of 5 is 3 lanes
    (3, 16, 6, True, 5, 2),        # capped: threads take several lanes
    (4, 32, 2, False, 7, 1),       # many slots (deep binary search), one threadgroup
    (5, 64, 17, True, 6, 3),
    (2, 7, 7, False, 4, None),     # chunks not a power of two
    (1, 9, 1, False, 2, None),     # every slot one chunk
])
@pytest.mark.parametrize("kind", KINDS)
def test_stacked_kernel_table_random_slots(emu, width, chunks, max_len, gaps, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(6000 + width * 1000 + chunks * 10 + max_len + gaps)
    slots, eq = random_kernel_slots(rng, width, chunks, max_len, gaps)
    lanes = sum(s[3] for s in slots)
    assert len(slots) > 1 and any(s[3] == 1 for s in slots)
    if not gaps:
        assert lanes == width * chunks
    if groups is None and (width, chunks) == (3, 16):
        assert lanes % group, "the case means a last threadgroup that is not full"
    check_kernel_table(emu, F, width, chunks, slots, eq, group, groups, rng, "stacked_kernel_table")


def test_stacked_kernel_table_refuses_slots_past_the_tables(emu):
    slots = [(0, 0, 3, 2, 0)]  # chunks 3..4 of a 4-chunk column
    with pytest.raises(msl_emulator.EmulatorError, match="reaches past"):
        run_kernel_table(emu, 1, 4, slots, random_ext(np.random.default_rng(1), 2), np.zeros((2, 4), np.uint64),
                         np.zeros((2, 4, 4), np.uint64))


@pytest.mark.parametrize("width,rows,group,groups", [
    (1, 1, 32, None),   # one row
    (0, 3, 32, None),   # no columns: f is zero
    (3, 5, 4, None),    # the last threadgroup half full
    (4, 64, 8, 3),      # capped: threads take several rows
    (7, 33, 5, 2),
])
@pytest.mark.parametrize("accumulate", [False, True], ids=["write", "accumulate"])
@pytest.mark.parametrize("kind", KINDS)
def test_stacked_batch_message(emu, width, rows, group, groups, accumulate, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(1000 + width * 100 + rows)
    message, weights = field(rng, rows, width).astype(np.uint64), random_ext(rng, width)
    before = random_ext(rng, rows)  # what f holds when a later commitment adds its share
    data = words(message, weights, before) if accumulate else words(message, weights)
    out = emu.run("stacked_batch_message", width, rows, int(accumulate), data=data, group=group,
                  groups=groups).reshape(rows, 4)
    # f[i] = sum_c weights[c] message[i][c] (+ f[i])
    f = ext_sum(F.ext_mul_base(weights[None, :, :], message), axis=1)
    if accumulate:
        f = F.ext_add(before, f)
    assert_words(out, f, f"stacked_batch_message vs {kind}")


def scatter_model(matrix, trace, slots):
    """matrix[row_idx + i step][stacked_col] = trace[i][column] for every slot and trace row i."""
    out = np.array(matrix, np.uint64, copy=True)
    rows = np.arange(trace.shape[0])
    for column, stacked_col, row_idx, step in slots:
        out[row_idx + rows * step, stacked_col] = trace[:, column]
    return out


def scatter_slot_words(slots):
    """Each slot as the scenario reads it: column, stacked_col, then row_idx and step as u64."""
    return np.array([[c, s, r & 0xFFFFFFFF, r >> 32, t & 0xFFFFFFFF, t >> 32] for c, s, r, t in slots],
                    dtype=np.uint64).reshape(-1, 6)


def run_scatter(emu, matrix, trace, slots, group=None, groups=None):
    rows, width = matrix.shape
    out = emu.run("stacked_scatter", trace.shape[0], trace.shape[1], len(slots), width, rows,
                  data=words(trace, scatter_slot_words(slots), matrix), group=group, groups=groups)
    return out.reshape(rows, width)


@pytest.mark.parametrize("trace_rows,trace_width,slots,width,rows,group,groups", [
    (1, 1, [(0, 0, 0, 1)], 1, 1, 32, None),                                    # one value
    (4, 3, [(0, 0, 0, 1), (1, 0, 4, 1), (2, 1, 2, 1)], 2, 8, 5, None),         # a column across two
    (2, 2, [(0, 0, 0, 4), (1, 0, 1, 4), (0, 1, 2, 2)], 3, 8, 3, None),         # strided (short) columns
    (8, 3, [(2, 1, 0, 1), (0, 0, 8, 1), (1, 2, 3, 2)], 3, 19, 4, 2),           # capped grid
    (16, 2, [(1, 0, 0, 1), (0, 0, 16, 1)], 1, 32, 7, 1),                       # one threadgroup
    (3, 4, [], 2, 4, 32, None),                                                # no slots: nothing moves
])
def test_stacked_scatter(emu, trace_rows, trace_width, slots, width, rows, group, groups):
    rng = np.random.default_rng(2000 + trace_rows * 10 + width)
    cells = [(r + i * t, s) for _, s, r, t in slots for i in range(trace_rows)]
    assert len(cells) == len(set(cells)), "the case's slots must write disjoint cells"
    trace, matrix = field(rng, trace_rows, trace_width), field(rng, rows, width)
    out = run_scatter(emu, matrix, trace, slots, group, groups)
    assert_words(out, scatter_model(matrix, trace, slots), "stacked_scatter vs reference")


def message_model(F, matrix, l_skip):
    """Per (chunk x, column c): the chunk's N = 2^l_skip values v_a turned into coefficients
    c_j = N^-1 sum_a v_a omega_N^(-a j), then the subset-zeta transform: message[x N + j][c] =
    sum over j' whose bits are a subset of j's of c_j'."""
    n = 1 << l_skip
    v = np.asarray(matrix, np.uint64).reshape(-1, n, matrix.shape[1])  # (x, a, c)
    omega_inv = pow(OMEGA[l_skip], P - 2, P)
    vinv = np.array([[pow(omega_inv, a * k, P) for k in range(n)] for a in range(n)], np.uint64)  # (a, j)
    coeff = F.mul(v[:, :, None, :], vinv[None, :, :, None]).sum(axis=1, dtype=np.uint64) % P  # (x, j, c)
    coeff = F.mul(coeff, pow(n, P - 2, P))
    j = np.arange(n)
    subset = ((j[:, None] & ~j[None, :]) == 0).astype(np.uint64)  # subset[j', j]: j' within j
    return F.mul(coeff[:, :, None, :], subset[None, :, :, None]).sum(axis=1, dtype=np.uint64) % P


@pytest.mark.parametrize("width,log_rows,l_skip,group,groups", [
    (1, 0, 0, 32, None),   # one value: the message is the value
    (3, 2, 0, 4, None),    # N = 1, the last threadgroup partly full
    (3, 2, 1, 4, None),
    (2, 3, 2, 3, None),
    (3, 5, 3, 2, 1),       # capped at one threadgroup: two threads take 6 lanes each
    (3, 5, 4, 7, None),
    (2, 7, 5, 3, 2),       # N = 32, the largest chunk; capped
    (1, 5, 5, 32, None),   # one chunk
])
@pytest.mark.parametrize("kind", KINDS)
def test_stacked_message(emu, width, log_rows, l_skip, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(3000 + width * 100 + log_rows * 10 + l_skip)
    matrix = field(rng, 1 << log_rows, width).astype(np.uint64)
    out = emu.run("stacked_message", width, log_rows, l_skip, data=words(matrix), group=group,
                  groups=groups).reshape(1 << log_rows, width)
    expected = message_model(F, matrix, l_skip).reshape(out.shape)
    assert_words(out, expected, f"stacked_message vs {kind}")


def test_stacked_message_model_inverts_the_dft():
    """The model's coefficients, before the zeta transform, evaluate back to the chunk's values:
    sum_j c_j omega_N^(a j) = v_a (checked by undoing the zeta transform with subset Moebius)."""
    rng = np.random.default_rng(3999)
    F = field_ops("reference")
    for l_skip in range(6):
        n = 1 << l_skip
        matrix = field(rng, 2 * n, 2).astype(np.uint64)
        msg = message_model(F, matrix, l_skip)  # (x, j, c)
        coeff = msg.copy()
        for b in range(l_skip):
            hi = [k for k in range(n) if k >> b & 1]
            coeff[:, hi] = (coeff[:, hi] + P - coeff[:, [k ^ (1 << b) for k in hi]]) % P
        w = np.array([[pow(OMEGA[l_skip], a * k, P) for k in range(n)] for a in range(n)], np.uint64)
        values = (w[None, :, :, None] * coeff[:, None, :, :] % P).sum(axis=2) % P
        assert_words(values, matrix.reshape(-1, n, 2), f"message model inverts the size-{n} DFT")


def test_stacked_message_refuses_chunks_past_the_registers(emu):
    """N = 2^6 exceeds GS_STACKED_MAX_CHUNK: the host refuses it, as the CUDA launcher does."""
    with pytest.raises(msl_emulator.EmulatorError, match="GS_STACKED_MAX_CHUNK"):
        emu.run("stacked_message", 1, 6, 6, data=np.zeros(64, np.uint32))


# (l_skip, n_stack, k, [(log_h, width)]): traces of descending heights, short ones (log_h < l_skip)
# spread with a stride, several slots per trace.
COMMIT_CASES = [
    (0, 3, 1, [(3, 2), (1, 1), (0, 1)]),
    (1, 2, 1, [(3, 1), (0, 2)]),
    (2, 3, 2, [(5, 2), (3, 3), (1, 2), (0, 1)]),
    (3, 1, 1, [(4, 1), (2, 3)]),
    (4, 1, 1, [(5, 1), (4, 2), (1, 1)]),
    (5, 1, 1, [(6, 2), (3, 1), (0, 2)]),
    (5, 2, 2, [(7, 1), (5, 3)]),
]


@pytest.mark.parametrize("l_skip,n_stack,k,traces", COMMIT_CASES)
def test_stacked_commit_matches_cpu(emu, l_skip, n_stack, k, traces):
    """stacked_scatter (trace by trace, as the CUDA host dispatches it) and stacked_message give
    the CPU backend's stacked matrix and message."""
    pcs = gpustark_module("gpustark.pcs")
    params = gpustark_module("gpustark.params").test_params_small(l_skip, n_stack, k)
    rng = np.random.default_rng(4000 + l_skip * 10 + n_stack)
    mats = [field(rng, 1 << log_h, w) for log_h, w in traces]
    data = pcs.stacked_commit(mats, params, backend="cpu")
    log_rows, width = l_skip + n_stack, data.width
    matrix = np.zeros((1 << log_rows, width), np.uint32)
    for mi, trace in enumerate(mats):
        slots = [(col, scol, row, 1 << (l_skip - log_h) if log_h < l_skip else 1)
                 for m, col, scol, row, log_h in data.layout if m == mi]
        matrix = run_scatter(emu, matrix, trace, slots, group=5, groups=2)
    assert_words(matrix, data.matrix, "stacked_scatter vs the CPU's stacked matrix")
    message = emu.run("stacked_message", width, log_rows, l_skip, data=words(matrix), group=3)
    assert_words(message.reshape(matrix.shape), data.message, "stacked_message vs the CPU's message")
