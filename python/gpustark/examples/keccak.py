"""Plonky3's Keccak-f[1600] AIR (`p3_keccak_air::KeccakAir` @ v0.4.3), the statement of OpenVM's
keccakf example (PROTOCOL 14).

    from gpustark.examples.keccak import keccak_air, keccak_inputs, keccak_trace

    air = keccak_air()                       # 2633 columns, 3182 constraints of degree 3, need_rot
    inputs = keccak_inputs(1024)             # (1024, 25) uint64 states, lane x + 5y at index x + 5*y
    trace = keccak_trace(inputs)             # (32768, 2633) uint32: 24 rows per permutation
    outputs = keccak_outputs(trace, 1024)    # (1024, 25) uint64 = Keccak-f[1600](inputs)

Layout (one row per round, 64-bit lanes as four 16-bit limbs, little-endian; states y-major,
so `preimage[y][x]` holds lane x + 5y), with the column offsets of `KECCAK_COLS`:

    step_flags[24]   1 in column `round`
    export           always 0 in generated traces
    preimage[5][5][4]  the permutation's input, repeated on all its rows
    a[5][5][4]       the round's input state
    c[5][64]         C[x] = xor_y A[x, y], bits
    c_prime[5][64]   C'[x] = C[x] ^ C[x-1] ^ rot(C[x+1], 1), bits
    a_prime[5][5][64]  A' = A ^ C ^ C' (theta), bits
    a_prime_prime[5][5][4]  A'' = chi(rho(pi(A'))), limbs
    a_prime_prime_0_0_bits[64]  bits of A''[0][0]
    a_prime_prime_prime_0_0_limbs[4]  A''[0][0] ^ RC[round] (iota), limbs

The constraints are recorded in Plonky3's order with its expression shapes (`eval_round_flags`,
then `KeccakAir::eval`), so that the DAG built from them follows OpenVM's keygen of the same AIR:
3,182 constraints (OpenVM's count) of degree 3, and 39,273 nodes with gpustark's DAG builder
(OpenVM v2.0.1's interning and simplification rules). OpenVM PR #217 quotes 36,020 nodes for
KeccakAir; that figure predates the PR's rebase onto Plonky3 0.4.3 and we could not reproduce it
from the v0.4.3 source (its other figures, a max intermediate use of 321, point to an unfolded
`TWO.double()` shared by the 320 theta-sum constraints, so it measured a different builder).
Bit checks use `Expr.bool_check`, Plonky3 v0.4.3's `x * (x - 1)`.

`keccak_trace` follows Plonky3's `generate_trace_rows(inputs, 0)`: 24 rows per permutation, the
height rounded up to a power of two and filled with permutations of the all-zero state, the last of
them cut off where the trace ends. It is vectorised across permutations with numpy.

Inputs: OpenVM's example draws its 1024 states from Rust's `StdRng::seed_from_u64(42)` (ChaCha12),
whose stream numpy cannot reproduce. `keccak_inputs` draws them from numpy's
`np.random.default_rng(seed)` (PCG64) instead, so our keccakf statement is OpenVM's except for the
random input states (same AIR, same row generation and padding, same parameters).
"""
from __future__ import annotations

from numbers import Integral

import numpy as np

from ..air import Air
from ..air.expr import Expr, constant

__all__ = ["keccak_air", "keccak_trace", "keccak_inputs", "keccak_outputs", "keccak_f", "KECCAK_COLS",
           "NUM_KECCAK_COLS", "NUM_ROUNDS", "U64_LIMBS", "BITS_PER_LIMB", "R", "RC"]

NUM_ROUNDS = 24
BITS_PER_LIMB = 16
U64_LIMBS = 64 // BITS_PER_LIMB

# Rotation offsets R[x][y] and round constants (Plonky3 keccak-air constants.rs, FIPS 202).
R = ((0, 36, 3, 41, 18),
     (1, 44, 10, 45, 2),
     (62, 6, 43, 15, 61),
     (28, 55, 25, 21, 56),
     (27, 20, 39, 8, 14))

RC = (0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
      0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
      0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
      0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
      0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
      0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008)


class _Cols:
    """Column offsets of Plonky3's `KeccakCols` (repr(C), fields in declaration order)."""

    def __init__(self):
        offset = 0

        def take(n):
            nonlocal offset
            start, offset = offset, offset + n
            return start

        self.step_flags = take(NUM_ROUNDS)
        self.export = take(1)
        self.preimage = take(25 * U64_LIMBS)
        self.a = take(25 * U64_LIMBS)
        self.c = take(5 * 64)
        self.c_prime = take(5 * 64)
        self.a_prime = take(25 * 64)
        self.a_prime_prime = take(25 * U64_LIMBS)
        self.a_prime_prime_0_0_bits = take(64)
        self.a_prime_prime_prime_0_0_limbs = take(U64_LIMBS)
        self.width = offset

    # Index helpers, in Plonky3's array order.
    def preimage_(self, y, x, limb):
        return self.preimage + (5 * y + x) * U64_LIMBS + limb

    def a_(self, y, x, limb):
        return self.a + (5 * y + x) * U64_LIMBS + limb

    def c_(self, x, z):
        return self.c + 64 * x + z

    def c_prime_(self, x, z):
        return self.c_prime + 64 * x + z

    def a_prime_(self, y, x, z):
        return self.a_prime + (5 * y + x) * 64 + z

    def a_prime_prime_(self, y, x, limb):
        return self.a_prime_prime + (5 * y + x) * U64_LIMBS + limb

    def b_(self, x, y, z):
        """B[x][y][z], an alias of A' (KeccakCols::b): B[x, y] = ROT(A'[(x + 3y) % 5, x], R[..])."""
        a, b = (x + 3 * y) % 5, x
        return self.a_prime_(b, a, (z + 64 - R[a][b]) % 64)

    def a_prime_prime_prime_(self, y, x, limb):
        if y == 0 and x == 0:
            return self.a_prime_prime_prime_0_0_limbs + limb
        return self.a_prime_prime_(y, x, limb)


KECCAK_COLS = _Cols()
NUM_KECCAK_COLS = KECCAK_COLS.width  # 2633

# RC[round] bit i (little-endian), as RC_BITS in constants.rs.
_RC_BITS = tuple(tuple((rc >> i) & 1 for i in range(64)) for rc in RC)


def _limb_fold(bits) -> Expr:
    """(limb*16 .. limb*16+16).rev().fold(ZERO, |acc, z| acc.double() + bit(z)) for the 16 given bits,
    listed from low to high."""
    acc = constant(0)
    for bit in reversed(bits):
        acc = acc.double() + bit
    return acc


def keccak_air() -> Air:
    """Plonky3's KeccakAir: 2633 columns, 3182 constraints (degree 3), reads the next row."""
    air = Air("KeccakAir", width=NUM_KECCAK_COLS)
    K = KECCAK_COLS
    loc = air.main

    def nxt(col):
        return air.main(col, next=True)

    # eval_round_flags (round_flags.rs).
    first_row = air.when_first_row()
    first_row.assert_one(loc(K.step_flags))
    first_row = air.when_first_row()
    for i in range(1, NUM_ROUNDS):
        first_row.assert_zero(loc(K.step_flags + i))
    transition = air.when_transition()
    for i in range(NUM_ROUNDS):
        transition.assert_zero(loc(K.step_flags + i) - nxt(K.step_flags + (i + 1) % NUM_ROUNDS))

    # KeccakAir::eval (air.rs).
    first_step = loc(K.step_flags)
    final_step = loc(K.step_flags + NUM_ROUNDS - 1)
    not_final_step = constant(1) - final_step

    # On the first step the input A is the preimage.
    for y in range(5):
        for x in range(5):
            gated = air.when(first_step)
            for limb in range(U64_LIMBS):
                gated.assert_zero(loc(K.preimage_(y, x, limb)) - loc(K.a_(y, x, limb)))

    # Off the final step, the preimage carries over to the next row.
    for y in range(5):
        for x in range(5):
            gated = air.when(not_final_step).when_transition()
            for limb in range(U64_LIMBS):
                gated.assert_zero(loc(K.preimage_(y, x, limb)) - nxt(K.preimage_(y, x, limb)))

    # export is a bit, and 0 off the final step.
    air.assert_zero(loc(K.export).bool_check())
    air.when(not_final_step).assert_zero(loc(K.export))

    # C'[x, z] = xor3(C[x, z], C[x - 1, z], C[x + 1, z - 1]); C is boolean.
    for x in range(5):
        for z in range(64):
            air.assert_zero(loc(K.c_(x, z)).bool_check())
        for z in range(64):
            xor = loc(K.c_(x, z)).xor(loc(K.c_((x + 4) % 5, z))).xor(loc(K.c_((x + 1) % 5, (z + 63) % 64)))
            air.assert_zero(loc(K.c_prime_(x, z)) - xor)

    # A'[y][x] is boolean and A[x, y] = xor3(A'[x, y], C[x], C'[x]) limb by limb.
    for y in range(5):
        for x in range(5):
            for z in range(64):
                air.assert_zero(loc(K.a_prime_(y, x, z)).bool_check())
            for limb in range(U64_LIMBS):
                bits = [loc(K.a_prime_(y, x, z)).xor(loc(K.c_(x, z))).xor(loc(K.c_prime_(x, z)))
                        for z in range(limb * BITS_PER_LIMB, (limb + 1) * BITS_PER_LIMB)]
                air.assert_zero(_limb_fold(bits) - loc(K.a_(y, x, limb)))

    # sum_y A'[x, y, z] - C'[x, z] is 0, 2 or 4.
    for x in range(5):
        four = constant(2).double()
        for z in range(64):
            total = sum(loc(K.a_prime_(y, x, z)) for y in range(5))
            diff = total - loc(K.c_prime_(x, z))
            air.assert_zero(diff * (diff - constant(2)) * (diff - four))

    # A''[x, y] = xor(B[x, y], andn(B[x + 1, y], B[x + 2, y])), limb by limb.
    for y in range(5):
        for x in range(5):
            for limb in range(U64_LIMBS):
                bits = []
                for z in range(limb * BITS_PER_LIMB, (limb + 1) * BITS_PER_LIMB):
                    andn = loc(K.b_((x + 1) % 5, y, z)).andn(loc(K.b_((x + 2) % 5, y, z)))
                    bits.append(andn.xor(loc(K.b_(x, y, z))))
                air.assert_zero(_limb_fold(bits) - loc(K.a_prime_prime_(y, x, limb)))

    # The bits of A''[0, 0] are boolean and recompose its limbs.
    for z in range(64):
        air.assert_zero(loc(K.a_prime_prime_0_0_bits + z).bool_check())
    for limb in range(U64_LIMBS):
        bits = [loc(K.a_prime_prime_0_0_bits + z) for z in range(limb * BITS_PER_LIMB, (limb + 1) * BITS_PER_LIMB)]
        air.assert_zero(_limb_fold(bits) - loc(K.a_prime_prime_(0, 0, limb)))

    # A'''[0, 0] = A''[0, 0] ^ RC[round], RC selected by the step flags.
    def xored_bit(i):
        rc_bit = constant(0)
        for r in range(NUM_ROUNDS):
            rc_bit = rc_bit + loc(K.step_flags + r) * constant(_RC_BITS[r][i])
        return rc_bit.xor(loc(K.a_prime_prime_0_0_bits + i))

    for limb in range(U64_LIMBS):
        bits = [xored_bit(z) for z in range(limb * BITS_PER_LIMB, (limb + 1) * BITS_PER_LIMB)]
        air.assert_zero(_limb_fold(bits) - loc(K.a_prime_prime_prime_0_0_limbs + limb))

    # Off the final step, this round's output is the next round's input (x outer, as in air.rs).
    for x in range(5):
        for y in range(5):
            gated = air.when_transition().when(not_final_step)
            for limb in range(U64_LIMBS):
                gated.assert_zero(loc(K.a_prime_prime_prime_(y, x, limb)) - nxt(K.a_(y, x, limb)))
    return air


# ----------------------------------------------------------------------------------------------
# Inputs, the permutation, and trace generation.

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def _rotl(v: np.ndarray, n: int) -> np.ndarray:
    n %= 64
    if n == 0:
        return v
    return (v << np.uint64(n)) | (v >> np.uint64(64 - n))


def _check_inputs(inputs) -> np.ndarray:
    arr = np.asarray(inputs)
    if arr.ndim != 2 or arr.shape[1] != 25:
        raise ValueError(f"keccak: inputs must have shape (n, 25), found {arr.shape}")
    if arr.dtype != np.uint64:
        if not np.issubdtype(arr.dtype, np.integer) or (arr.size and int(arr.min()) < 0):
            raise ValueError(f"keccak: inputs must be uint64 lanes, found dtype {arr.dtype}")
        arr = arr.astype(np.uint64)
    return np.ascontiguousarray(arr)


def _rounds(inputs: np.ndarray):
    """Run Keccak-f on (P, 25) lanes and keep what each of the 24 rounds writes to its row.

    Returns (state_in, c, c_prime, a_prime, a_pp, a_ppp_00), indexed [perm, round, ...], with states
    y-major ([.., y, x]) as the AIR's columns are; each one follows generation.rs's round step.
    """
    n = inputs.shape[0]
    state_in = np.empty((n, NUM_ROUNDS, 5, 5), dtype=np.uint64)
    c_all = np.empty((n, NUM_ROUNDS, 5), dtype=np.uint64)
    cp_all = np.empty((n, NUM_ROUNDS, 5), dtype=np.uint64)
    ap_all = np.empty((n, NUM_ROUNDS, 5, 5), dtype=np.uint64)
    app_all = np.empty((n, NUM_ROUNDS, 5, 5), dtype=np.uint64)
    appp_00 = np.empty((n, NUM_ROUNDS), dtype=np.uint64)
    # s[y][x] = lane x + 5y: a view of the input's (n, 5, 5) reshape (y-major, like the columns).
    s = inputs.reshape(n, 5, 5).copy()
    for r in range(NUM_ROUNDS):
        state_in[:, r] = s
        c = s[:, 0] ^ s[:, 1] ^ s[:, 2] ^ s[:, 3] ^ s[:, 4]              # (n, 5) over x
        c_left = np.roll(c, 1, axis=1)                                    # C[x - 1]
        c_right = np.roll(c, -1, axis=1)                                  # C[x + 1]
        cp = c ^ c_left ^ ((c_right << np.uint64(1)) | (c_right >> np.uint64(63)))
        c_all[:, r], cp_all[:, r] = c, cp
        ap = s ^ (c ^ cp)[:, None, :]                                     # A'[y][x]
        ap_all[:, r] = ap
        # B[x][y] = ROT(A'[x'=(x + 3y) % 5][y'=x], R[x'][y']) (x-major); store b[y][x].
        b = np.empty_like(ap)
        for x in range(5):
            for y in range(5):
                xs = (x + 3 * y) % 5
                b[:, y, x] = _rotl(ap[:, x, xs], R[xs][x])
        chi = b ^ (~np.roll(b, -1, axis=2) & np.roll(b, -2, axis=2))      # A''[y][x]
        app_all[:, r] = chi
        chi[:, 0, 0] ^= np.uint64(RC[r])
        appp_00[:, r] = chi[:, 0, 0]
        s = chi
    return state_in, c_all, cp_all, ap_all, app_all, appp_00, s


def keccak_f(inputs) -> np.ndarray:
    """Keccak-f[1600] of each (25,) lane vector (lane x + 5y at index x + 5y): (n, 25) uint64."""
    arr = _check_inputs(inputs)
    return _rounds(arr)[-1].reshape(arr.shape[0], 25)


def _limbs(v: np.ndarray) -> np.ndarray:
    """uint64 (..., k) -> uint16 (..., 4k): little-endian 16-bit limbs (u64_to_16_bit_limbs)."""
    return np.ascontiguousarray(v).astype("<u8", copy=False).view("<u2")


def _bits(v: np.ndarray) -> np.ndarray:
    """uint64 (..., k) -> uint8 (..., 64k): little-endian bits (u64_to_bits_le)."""
    return np.unpackbits(np.ascontiguousarray(v).astype("<u8", copy=False).view(np.uint8), axis=-1,
                         bitorder="little")


def _fill_rows(out: np.ndarray, inputs: np.ndarray) -> None:
    """Write the 24 rows of each permutation: out is a (P, 24, 2633) uint32 view, inputs (P, 25)."""
    K = KECCAK_COLS
    n = inputs.shape[0]
    state_in, c, cp, ap, app, appp_00, _ = _rounds(inputs)
    out[:, :, K.step_flags:K.step_flags + NUM_ROUNDS] = np.eye(NUM_ROUNDS, dtype=np.uint32)
    out[:, :, K.export] = 0
    out[:, :, K.preimage:K.a] = _limbs(inputs)[:, None, :]
    out[:, :, K.a:K.c] = _limbs(state_in.reshape(n, NUM_ROUNDS, 25))
    # c, c_prime and a_prime are adjacent bit columns: unpack them in one go.
    lanes = np.concatenate([c, cp, ap.reshape(n, NUM_ROUNDS, 25)], axis=2)
    out[:, :, K.c:K.a_prime_prime] = _bits(lanes)
    out[:, :, K.a_prime_prime:K.a_prime_prime_0_0_bits] = _limbs(app.reshape(n, NUM_ROUNDS, 25))
    out[:, :, K.a_prime_prime_0_0_bits:K.a_prime_prime_prime_0_0_limbs] = _bits(app[:, :, 0, 0, None])
    out[:, :, K.a_prime_prime_prime_0_0_limbs:] = _limbs(appp_00[:, :, None])


def keccak_trace(inputs, chunk: int = 256) -> np.ndarray:
    """Plonky3's generate_trace_rows(inputs, 0): a (2^k, 2633) uint32 trace.

    Permutation i fills rows 24i .. 24i + 23 (row r is round r). The height is
    (24 * n).next_power_of_two(); rows past 24n hold permutations of the all-zero state, the last
    cut off where the trace ends. n = 0 gives Rust's single row (round 0 of the zero state).
    """
    arr = _check_inputs(inputs)
    n = arr.shape[0]
    num_rows = 1 << max(NUM_ROUNDS * n - 1, 0).bit_length()
    trace = np.empty((num_rows, NUM_KECCAK_COLS), dtype=np.uint32)
    full = min(n, num_rows // NUM_ROUNDS)
    body = trace[: full * NUM_ROUNDS].reshape(full, NUM_ROUNDS, NUM_KECCAK_COLS)
    for start in range(0, full, chunk):  # chunks keep the temporaries in cache-sized pieces
        _fill_rows(body[start:start + chunk], arr[start:start + chunk])
    pad_rows = num_rows - full * NUM_ROUNDS
    if pad_rows:
        zero = np.empty((1, NUM_ROUNDS, NUM_KECCAK_COLS), dtype=np.uint32)
        _fill_rows(zero, np.zeros((1, 25), dtype=np.uint64))
        pad = trace[full * NUM_ROUNDS:]
        whole = pad_rows // NUM_ROUNDS
        pad[: whole * NUM_ROUNDS].reshape(whole, NUM_ROUNDS, NUM_KECCAK_COLS)[:] = zero
        pad[whole * NUM_ROUNDS:] = zero[0, : pad_rows - whole * NUM_ROUNDS]
    return trace


def keccak_outputs(trace: np.ndarray, num_perms: int) -> np.ndarray:
    """The outputs of the first num_perms permutations, read from the a''' limbs of their last rows."""
    K = KECCAK_COLS
    rows = trace[NUM_ROUNDS - 1: NUM_ROUNDS * num_perms: NUM_ROUNDS].astype(np.uint64)
    cols = [K.a_prime_prime_prime_(y, x, limb) for y in range(5) for x in range(5) for limb in range(U64_LIMBS)]
    limbs = rows[:, cols].reshape(-1, 25, U64_LIMBS)
    shifts = (np.arange(U64_LIMBS, dtype=np.uint64) * np.uint64(BITS_PER_LIMB))
    return np.bitwise_or.reduce(limbs << shifts, axis=2)


def keccak_inputs(num_perms: int, seed: int = 42) -> np.ndarray:
    """num_perms random Keccak states: (num_perms, 25) uint64 from np.random.default_rng(seed) (PCG64).

    OpenVM's example uses Rust's StdRng::seed_from_u64(42) (ChaCha12), which we cannot reproduce, so
    these differ from OpenVM's inputs; nothing else in the keccakf statement does.
    """
    if isinstance(num_perms, bool) or not isinstance(num_perms, Integral) or num_perms < 0:
        raise ValueError(f"keccak_inputs: num_perms must be an int >= 0, found {num_perms!r}")
    rng = np.random.default_rng(seed)
    return rng.integers(0, np.iinfo(np.uint64).max, size=(int(num_perms), 25), dtype=np.uint64, endpoint=True)
