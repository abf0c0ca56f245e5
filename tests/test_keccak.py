"""The keccakf example: Plonky3's KeccakAir (v0.4.3) and its trace generation, checked against an
independent Keccak-f[1600] (FIPS 202) written here, hashlib's SHA3, the constraint checker, and
the prover and verifier on one and two permutations."""
from __future__ import annotations

import hashlib
import time

import numpy as np
import pytest

import gpustark
from gpustark.air import find_unsatisfied
from gpustark.examples.keccak import (KECCAK_COLS, NUM_KECCAK_COLS, keccak_air, keccak_f, keccak_inputs,
                                      keccak_outputs, keccak_trace)

MASK = (1 << 64) - 1

# ---------------------------------------------------------------------------------------------
# A plain, lane-by-lane Keccak-f[1600] from FIPS 202 (state A[x][y] = lane x + 5y), with its
# constants derived from the spec (rho offsets by the (x, y) -> (y, 2x + 3y) walk, iota from the
# LFSR rc(t)), so that nothing is shared with the module under test.


def _rc_bit(t: int) -> int:
    if t % 255 == 0:
        return 1
    r = 0x80  # R = 10000000, bits R[0..7] with R[0] the most significant here
    for _ in range(t % 255):
        r0 = r & 1  # R[8] after the shift: the bit shifted out
        r >>= 1
        if r0:
            r ^= 0x8E  # R[0] ^= R8, R[4] ^= R8, R[5] ^= R8, R[6] ^= R8
    return (r >> 7) & 1


ROUND_CONSTANTS = [sum(_rc_bit(j + 7 * ir) << ((1 << j) - 1) for j in range(7)) for ir in range(24)]
RHO = [[0] * 5 for _ in range(5)]
_x, _y = 1, 0
for _t in range(24):
    RHO[_x][_y] = ((_t + 1) * (_t + 2) // 2) % 64
    _x, _y = _y, (2 * _x + 3 * _y) % 5


def _rot(v: int, n: int) -> int:
    n %= 64
    return ((v << n) | (v >> (64 - n))) & MASK if n else v


def reference_keccak_f(lanes: list[int]) -> list[int]:
    a = [[lanes[x + 5 * y] for y in range(5)] for x in range(5)]
    for ir in range(24):
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rot(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rot(a[x][y], RHO[x][y])
        a = [[b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y] & MASK) for y in range(5)] for x in range(5)]
        a[0][0] ^= ROUND_CONSTANTS[ir]
    return [a[x][y] for y in range(5) for x in range(5)]


def _sha3_256(message: bytes, permute) -> bytes:
    """SHA3-256 by the sponge: rate 136 bytes, pad10*1 with domain bits 01."""
    rate = 136
    pad = rate - len(message) % rate
    padded = bytes(message) + (b"\x86" if pad == 1 else b"\x06" + bytes(pad - 2) + b"\x80")
    state = [0] * 25
    for block in range(0, len(padded), rate):
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(padded[block + 8 * i: block + 8 * i + 8], "little")
        state = permute(state)
    return b"".join(lane.to_bytes(8, "little") for lane in state[:4])


def _np_permute(state: list[int]) -> list[int]:
    return [int(v) for v in keccak_f(np.array([state], dtype=np.uint64))[0]]


def _trace_permute(state: list[int]) -> list[int]:
    trace = keccak_trace(np.array([state], dtype=np.uint64))
    return [int(v) for v in keccak_outputs(trace, 1)[0]]


# ---------------------------------------------------------------------------------------------


def test_reference_matches_fips202_known_answers():
    assert ROUND_CONSTANTS[:3] == [0x1, 0x8082, 0x800000000000808A]
    assert ROUND_CONSTANTS[23] == 0x8000000080008008
    zero = reference_keccak_f([0] * 25)
    assert zero[0] == 0xF1258F7940E1DDE7
    for message in (b"", b"abc", bytes(range(200)), bytes(135)):
        assert _sha3_256(message, reference_keccak_f) == hashlib.sha3_256(message).digest()


def test_numpy_and_trace_permutations_match_hashlib():
    assert int(keccak_f(np.zeros((1, 25), dtype=np.uint64))[0, 0]) == 0xF1258F7940E1DDE7
    for message in (b"", b"abc", bytes(range(150))):
        expected = hashlib.sha3_256(message).digest()
        assert _sha3_256(message, _np_permute) == expected
        assert _sha3_256(message, _trace_permute) == expected


def test_air_shape_matches_plonky3():
    air = keccak_air()
    dag = air.dag()
    assert air.width == NUM_KECCAK_COLS == 2633
    assert len(air.constraints) == dag.num_constraints == 3182
    assert air.degree == 3
    assert dag.need_rot
    assert air.num_public_values == 0 and not air.interactions
    # OpenVM's keygen of Plonky3 v0.4.3's KeccakAir, rebuilt with gpustark's DAG builder: 39,273 nodes.
    # (OpenVM PR #217 quotes 36,020, measured before that PR was rebased; see the module's docstring.)
    assert dag.num_nodes == 39273
    cols = KECCAK_COLS
    assert (cols.export, cols.preimage, cols.a, cols.c, cols.c_prime, cols.a_prime, cols.a_prime_prime,
            cols.a_prime_prime_0_0_bits, cols.a_prime_prime_prime_0_0_limbs) == \
        (24, 25, 125, 225, 545, 865, 2465, 2565, 2629)
    # Constraint 0 in batching order is the first one asserted: is_first_row * (step_flags[0] - 1).
    assert dag.describe(dag.constraint_idx[0]) == "(is_first_row * (local[0] - 1))"


@pytest.mark.parametrize("num_perms, height", [(0, 1), (1, 32), (4, 128), (5, 128), (11, 512), (1024, 32768)])
def test_trace_height_and_padding_follow_generate_trace_rows(num_perms, height):
    inputs = keccak_inputs(num_perms, seed=3)
    trace = keccak_trace(inputs)
    assert trace.shape == (height, NUM_KECCAK_COLS) and trace.dtype == np.uint32
    rows = np.arange(height)
    # One step flag per row, cycling with the round; export never set.
    assert (trace[:, :24].argmax(axis=1) == rows % 24).all() and (trace[:, :24].sum(axis=1) == 1).all()
    assert not trace[:, 24].any()
    # Padding rows are permutations of the zero state, the last one cut off by the trace's end.
    zero = keccak_trace(np.zeros((1, 25), dtype=np.uint64))[:24]
    for start in range(24 * num_perms, height, 24):
        block = trace[start:start + 24]
        assert (block == zero[:len(block)]).all()
    if num_perms:
        assert (keccak_outputs(trace, num_perms) == keccak_f(inputs)).all()


def test_trace_columns_against_reference(rng):
    inputs = rng.integers(0, 1 << 64, size=(3, 25), dtype=np.uint64)
    trace = keccak_trace(inputs)
    cols = KECCAK_COLS
    for p in range(3):
        lanes = [int(v) for v in inputs[p]]
        expected = reference_keccak_f(lanes)
        last = trace[24 * p + 23]
        limbs = [int(last[cols.a_prime_prime_prime_(y, x, limb)]) for y in range(5) for x in range(5)
                 for limb in range(4)]
        got = [sum(limbs[4 * i + j] << (16 * j) for j in range(4)) for i in range(25)]
        assert got == expected
        first = trace[24 * p]
        pre = [sum(int(first[cols.preimage_(y, x, j)]) << (16 * j) for j in range(4)) for y in range(5)
               for x in range(5)]
        assert pre == lanes
        # Every row repeats the preimage; bits are bits and limbs are 16-bit.
        block = trace[24 * p: 24 * p + 24]
        assert (block[:, cols.preimage:cols.a] == block[0, cols.preimage:cols.a]).all()
        assert block[:, cols.c:cols.a_prime_prime].max() <= 1
        assert block[:, cols.a_prime_prime_0_0_bits:cols.a_prime_prime_prime_0_0_limbs].max() <= 1
        assert block.max() < 1 << 16


def test_inputs_are_deterministic_numpy_pcg64():
    a = keccak_inputs(4)
    assert a.shape == (4, 25) and a.dtype == np.uint64
    assert (a == keccak_inputs(4, seed=42)).all()
    assert not (a == keccak_inputs(4, seed=43)).all()


@pytest.fixture(scope="module")
def air_and_dag():
    air = keccak_air()
    return air, air.dag()


@pytest.mark.parametrize("num_perms", [1, 4])
def test_honest_trace_satisfies_every_constraint(air_and_dag, num_perms):
    air, dag = air_and_dag
    trace = keccak_trace(keccak_inputs(num_perms, seed=num_perms))
    assert find_unsatisfied(air, trace, dag=dag) is None


@pytest.mark.parametrize("column_name, offset, row", [
    ("c", 77, 5),                           # a C bit: breaks its bool check
    ("a_prime", 1000, 30),                  # an A' bit
    ("a_prime_prime_0_0_bits", 63, 47),     # a bit of A''[0][0]
    ("a", 13, 24),                          # an input limb on a permutation's first row
    ("a_prime_prime_prime_0_0_limbs", 3, 100),
    ("preimage", 99, 50),
])
def test_planted_errors_are_found(air_and_dag, column_name, offset, row):
    air, dag = air_and_dag
    trace = keccak_trace(keccak_inputs(4, seed=11))
    col = getattr(KECCAK_COLS, column_name) + offset
    if column_name.endswith("bits") or column_name in ("c", "a_prime"):
        trace[row, col] ^= 1
    else:
        trace[row, col] = (int(trace[row, col]) + 1) % (1 << 16)
    assert find_unsatisfied(air, trace, dag=dag) is not None


def test_flipped_step_flag_is_found(air_and_dag):
    air, dag = air_and_dag
    trace = keccak_trace(keccak_inputs(1))
    trace[9, 9] = 0
    trace[9, 10] = 1
    assert find_unsatisfied(air, trace, dag=dag) is not None


@pytest.fixture(scope="module")
def keccak_keys():
    air = keccak_air()
    return {"small": gpustark.keygen([air], gpustark.test_params_small()),
            "app11": gpustark.keygen([air], gpustark.app_params_with_100_bits_security(11))}


@pytest.mark.parametrize("preset, num_perms", [("small", 1), ("small", 2), ("app11", 1)])
def test_prove_and_verify(keccak_keys, preset, num_perms):
    pk, vk = keccak_keys[preset]
    trace = keccak_trace(keccak_inputs(num_perms))
    start = time.perf_counter()
    proof = gpustark.prove(pk, [trace])
    proved = time.perf_counter()
    gpustark.verify(vk, gpustark.Proof.from_bytes(proof.to_bytes()))
    print(f"keccakf {num_perms} perm(s) at {pk.params.name}: prove {proved - start:.2f} s, "
          f"verify {time.perf_counter() - proved:.2f} s, {len(proof.to_bytes())} bytes")


def test_prover_rejects_a_bad_witness(keccak_keys):
    pk, _ = keccak_keys["small"]
    trace = keccak_trace(keccak_inputs(1))
    trace[3, KECCAK_COLS.c_prime + 5] ^= 1
    with pytest.raises(ValueError):
        gpustark.prove(pk, [trace])


@pytest.mark.slow
def test_prove_and_verify_app11_two_perms(keccak_keys):
    pk, vk = keccak_keys["app11"]
    proof = gpustark.prove(pk, [keccak_trace(keccak_inputs(2))])
    gpustark.verify(vk, proof)


@pytest.mark.slow
def test_keccakf_workload_cli(tmp_path):
    from gpustark.cli import main

    out = tmp_path / "k.proof"
    assert main(["prove", "keccakf", "--perms", "2", "--log-stacked-height", "12", "--out", str(out)]) == 0
    assert main(["verify", str(out)]) == 0
