"""The proof codec (gpustark.proof) against the byte layout of OpenVM's `Proof::encode`/`decode`
(CODEC_VERSION 3): round trips on random proofs of many shapes, a hand-assembled byte string for a
small proof, and malformed inputs (truncations, non-canonical values, forged lengths, fuzz), which
must raise ProofFormatError and nothing else."""
from __future__ import annotations

import copy
import itertools
import struct
import time
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpustark.proof import (
    CODEC_VERSION, BatchConstraintProof, GkrProof, Proof, ProofFormatError, StackingProof, TraceVData,
    WhirProof, get_element, proof_fields, set_element,
)

P = 2013265921


# --------------------------------------------------------------------------------------------------
# Random proofs with a consistent shape
# --------------------------------------------------------------------------------------------------

@dataclass
class AirSpec:
    present: bool = True
    preprocessed: bool = False
    cached: int = 0          # number of cached parts (and commitments)
    need_rot: bool = False
    width: int = 3           # columns per part
    num_pvs: int = 0


@dataclass
class ProofSpec:
    airs: list = field(default_factory=lambda: [AirSpec()])
    gkr_layers: int = 4      # 0: no interactions (empty GKR)
    l_skip: int = 2
    degree: int = 2
    n_max: int = 2
    n_stack: int = 3
    k_whir: int = 2
    queries: tuple = (3, 2)  # per WHIR round; its length is the number of rounds R
    log_blowup: int = 1


def random_proof(rng: np.random.Generator, spec: ProofSpec) -> Proof:
    """A proof whose shapes follow the protocol's structure (values are random, not a valid proof)."""
    def felts(*shape):
        return rng.integers(0, P, size=shape, dtype=np.int64).astype(np.uint32)

    def f():
        return int(rng.integers(0, P))

    present = [a for a in spec.airs if a.present]
    m = spec.l_skip + spec.n_stack
    trace_vdata = [TraceVData(int(rng.integers(0, m + 1)), [felts(8) for _ in range(a.cached)]) if a.present else None
                   for a in spec.airs]
    public_values = [[f() for _ in range(a.num_pvs)] if a.present else [] for a in spec.airs]

    layers = spec.gkr_layers
    gkr = GkrProof(f(), felts(4) if layers else np.array([1, 0, 0, 0], np.uint32), felts(layers, 4, 4),
                   [felts(i + 1, 3, 4) for i in range(max(layers - 1, 0))])

    n = len(present)
    openings = []
    for a in present:
        num_parts = 1 + a.preprocessed + a.cached
        openings.append([felts(a.width * (2 if a.need_rot else 1), 4) for _ in range(num_parts)])
    skip = (1 << spec.l_skip) - 1
    batch = BatchConstraintProof(felts(n, 4), felts(n, 4), felts((spec.degree + 1) * skip + 1, 4),
                                 felts(spec.n_max, spec.degree + 1, 4), openings)

    # Commit order: common main, then each present AIR's preprocessed and cached commits.
    num_commits = 1 + sum(a.preprocessed + a.cached for a in present)
    widths = [int(rng.integers(1, 5)) for _ in range(num_commits)]
    stacking = StackingProof(felts(2 * skip + 1, 4), felts(spec.n_stack, 2, 4), [felts(w, 4) for w in widths])

    k, rounds = spec.k_whir, len(spec.queries)
    depth0 = m + spec.log_blowup - k
    whir = WhirProof(
        mu_pow_witness=f(),
        whir_sumcheck_polys=felts(rounds * k, 2, 4),
        codeword_commits=[felts(8) for _ in range(rounds - 1)],
        ood_values=felts(rounds - 1, 4),
        folding_pow_witnesses=[f() for _ in range(rounds * k)],
        query_phase_pow_witnesses=[f() for _ in range(rounds)],
        initial_round_opened_rows=[felts(spec.queries[0], 1 << k, w) for w in widths],
        initial_round_merkle_proofs=[felts(spec.queries[0], depth0, 8) for _ in widths],
        codeword_opened_values=[felts(q, 1 << k, 4) for q in spec.queries[1:]],
        codeword_merkle_proofs=[felts(q, depth0 - i, 8) for i, q in enumerate(spec.queries[1:], start=1)],
        final_poly=felts(1 << max(m - k * rounds, 0), 4),
    )
    return Proof(felts(8), trace_vdata, public_values, gkr, batch, stacking, whir)


SPECS = {
    "one_air_keccak_like": ProofSpec(airs=[AirSpec(need_rot=True, width=5)], gkr_layers=0),
    "mixed": ProofSpec(airs=[AirSpec(num_pvs=2), AirSpec(present=False), AirSpec(preprocessed=True, cached=2),
                             AirSpec(need_rot=True, cached=1, num_pvs=1), AirSpec(present=False)]),
    "eight_airs": ProofSpec(airs=[AirSpec(present=i % 3 != 1) for i in range(8)], gkr_layers=6),
    "nine_airs": ProofSpec(airs=[AirSpec(present=i in (0, 8), need_rot=i == 8) for i in range(9)], gkr_layers=1),
    "seventeen_absent_tail": ProofSpec(airs=[AirSpec()] + [AirSpec(present=False)] * 16, gkr_layers=2),
    "no_batch_rounds": ProofSpec(n_max=0, n_stack=0, l_skip=3),
    "one_whir_round": ProofSpec(queries=(4,), k_whir=3),
    "three_whir_rounds": ProofSpec(queries=(5, 3, 2), k_whir=1, n_stack=4),
    "k_whir_zero": ProofSpec(queries=(2, 2), k_whir=0),
    "no_initial_queries": ProofSpec(queries=(0, 0)),
    "later_round_without_queries": ProofSpec(queries=(3, 0, 2), k_whir=1),
    "zero_width_parts": ProofSpec(airs=[AirSpec(width=0, cached=1)]),
    "no_airs": ProofSpec(airs=[], gkr_layers=0),
}


@pytest.mark.parametrize("name", SPECS)
def test_round_trip(name, rng):
    proof = random_proof(rng, SPECS[name])
    data = proof.to_bytes()
    decoded = Proof.from_bytes(data)
    assert decoded == proof
    assert decoded.to_bytes() == data
    assert Proof.from_bytes(bytearray(data)) == proof


def test_decoded_representation(rng):
    proof = Proof.from_bytes(random_proof(rng, SPECS["mixed"]).to_bytes())
    assert isinstance(proof.common_main_commit, np.ndarray) and proof.common_main_commit.shape == (8,)
    assert proof.common_main_commit.dtype == np.uint32
    assert proof.trace_vdata[1] is None and isinstance(proof.trace_vdata[2], TraceVData)
    assert [c.shape for c in proof.trace_vdata[2].cached_commitments] == [(8,), (8,)]
    assert all(type(v) is int for pv in proof.public_values for v in pv)
    gkr = proof.gkr_proof
    assert type(gkr.logup_pow_witness) is int and gkr.q0_claim.shape == (4,)
    assert gkr.claims_per_layer.shape == (4, 4, 4)
    assert [p.shape for p in gkr.sumcheck_polys] == [(1, 3, 4), (2, 3, 4), (3, 3, 4)]
    batch = proof.batch_constraint_proof
    assert batch.sumcheck_round_polys.shape == (2, 3, 4)
    assert [[p.shape for p in parts] for parts in batch.column_openings] == [[(3, 4)], [(3, 4)] * 4, [(6, 4)] * 2]
    whir = proof.whir_proof
    assert whir.whir_sumcheck_polys.shape == (4, 2, 4) and whir.ood_values.shape == (1, 4)
    assert all(type(v) is int for v in whir.folding_pow_witnesses + whir.query_phase_pow_witnesses)
    assert [r.shape[:2] for r in whir.initial_round_opened_rows] == [(3, 4)] * 5
    assert [p.shape for p in whir.initial_round_merkle_proofs] == [(3, 4, 8)] * 5
    assert [v.shape for v in whir.codeword_opened_values] == [(2, 4, 4)]
    assert [p.shape for p in whir.codeword_merkle_proofs] == [(2, 3, 8)]
    # Decoded arrays are independent and writable (the mutation tests rely on it).
    whir.final_poly[0, 0] = 7


# --------------------------------------------------------------------------------------------------
# The byte layout, written out by hand from upstream's Encode impls
# --------------------------------------------------------------------------------------------------

BASE = 1000  # field values start here so that they never collide with a length word


def tiny_proof() -> Proof:
    """Every field element, in wire order, is BASE, BASE+1, ... (so the layout is easy to spell)."""
    counter = iter(range(BASE, BASE + 10_000))

    def seq(*shape):
        return np.array([next(counter) for _ in range(int(np.prod(shape)))], dtype=np.uint32).reshape(shape)

    commit = seq(8)
    vdata0 = TraceVData(5, [seq(8)])
    public_values = [[next(counter), next(counter)], [], []]
    gkr = GkrProof(next(counter), seq(4), seq(2, 4, 4), [seq(1, 3, 4)])
    batch = BatchConstraintProof(seq(2, 4), seq(2, 4), seq(3, 4), seq(1, 3, 4), [[seq(2, 4)], [seq(1, 4), seq(0, 4)]])
    stacking = StackingProof(seq(1, 4), seq(1, 2, 4), [seq(2, 4), seq(1, 4)])
    mu = next(counter)
    polys, commits, ood = seq(2, 2, 4), [seq(8)], seq(1, 4)
    folding, query = [next(counter), next(counter)], [next(counter), next(counter)]
    rows = [seq(1, 2, 2), seq(1, 2, 1)]
    paths = [seq(1, 2, 8), seq(1, 2, 8)]
    whir = WhirProof(mu, polys, commits, ood, folding, query, rows, paths, [seq(1, 2, 4)], [seq(1, 1, 8)], seq(1, 4))
    return Proof(commit, [vdata0, None, TraceVData(2, [])], public_values, gkr, batch, stacking, whir)


def tiny_expected_bytes() -> bytes:
    values = iter(range(BASE, BASE + 10_000))

    def u32(*words):
        return struct.pack(f"<{len(words)}I", *words)

    def vals(n):
        return u32(*[next(values) for _ in range(n)])

    parts = [
        u32(CODEC_VERSION), vals(8),                           # version, common_main_commit
        u32(3), bytes([0b101]),                                # num_airs, bitmap (AIRs 0 and 2)
        u32(5), u32(1), vals(8),                               # vdata 0: log_height, 1 cached commitment
        u32(2), u32(0),                                        # vdata 2: log_height, no cached commitments
        u32(3), u32(2), vals(2), u32(0), u32(0),               # public values: 3 lists
        vals(1), vals(4), u32(2), vals(32), vals(12),          # GKR: pow, q0, J=2 layers, 1 poly (no length)
        u32(2), vals(8), vals(8),                              # batch: N=2 numerators, denominators (no length)
        u32(3), vals(12),                                      # univariate coefficients
        u32(1), u32(3), vals(12),                              # n_max=1, d+1=3, rounds
        u32(1), u32(2), vals(8), u32(2), u32(1), vals(4), u32(0),  # column openings (N implied)
        u32(1), vals(4), u32(1), vals(8),                      # stacking: coefficients, rounds
        u32(2), u32(2), vals(8), u32(1), vals(4),              # stacking openings per commit
        vals(1), u32(2), vals(16), u32(1), vals(8),            # WHIR: mu pow, R*k=2 polys, R-1=1 commit
        vals(4), vals(2), vals(2),                             # ood, folding pow, query pow (no lengths)
        u32(2), u32(1), u32(2), u32(2), u32(1),                # commits, Q0, depth, widths
        vals(4), vals(2), vals(16), vals(16),                  # rows, then paths, commit by commit
        u32(1), vals(8),                                       # round 1: 1 query of 2^k EFs
        u32(1), vals(8),                                       # first codeword depth, its paths
        u32(1), vals(4),                                       # final_poly
    ]
    return b"".join(parts)


def test_byte_layout_matches_upstream():
    assert tiny_proof().to_bytes() == tiny_expected_bytes()
    assert Proof.from_bytes(tiny_expected_bytes()) == tiny_proof()


def test_header_layout(rng):
    proof = random_proof(rng, SPECS["nine_airs"])
    data = proof.to_bytes()
    assert data[:4] == bytes([3, 0, 0, 0])
    assert data[4:36] == proof.common_main_commit.astype("<u4").tobytes()
    assert data[36:40] == (9).to_bytes(4, "little")
    assert data[40:42] == bytes([0b0000_0001, 0b0000_0001])  # AIRs 0 and 8, LSB first
    assert data[42:46] == proof.trace_vdata[0].log_height.to_bytes(4, "little")


def test_empty_gkr_layout():
    """No interactions: q0 = 1, then J = 0 and nothing else."""
    proof = tiny_proof()
    proof.gkr_proof = GkrProof(7, np.array([1, 0, 0, 0], np.uint32), np.zeros((0, 4, 4), np.uint32), [])
    data = proof.to_bytes()
    gkr = struct.pack("<6I", 7, 1, 0, 0, 0, 0)
    assert gkr in data
    assert Proof.from_bytes(data) == proof


def test_lengths_not_on_the_wire_are_not_compared():
    """With no batch rounds d+1 is not written, so (0, 3, 4) and (0, 0, 4) encode alike."""
    proof = tiny_proof()
    proof.batch_constraint_proof.sumcheck_round_polys = np.zeros((0, 3, 4), np.uint32)
    decoded = Proof.from_bytes(proof.to_bytes())
    assert decoded.batch_constraint_proof.sumcheck_round_polys.shape == (0, 0, 4)
    assert decoded == proof


# --------------------------------------------------------------------------------------------------
# Malformed input
# --------------------------------------------------------------------------------------------------

def decode_or_format_error(data: bytes):
    """Decode, or return the ProofFormatError; anything else fails the test. A successful decode
    must re-encode to the same bytes (the encoding is canonical)."""
    try:
        proof = Proof.from_bytes(data)
    except ProofFormatError as exc:
        return exc
    assert proof.to_bytes() == data
    return proof


def value_offsets(data: bytes) -> list[int]:
    """Offsets of the tiny proof's field elements (BASE, BASE+1, ...)."""
    offsets, start = [], 0
    for value in range(BASE, BASE + 10_000):
        at = data.find(struct.pack("<I", value), start)
        if at < 0:
            break
        offsets.append(at)
        start = at + 4
    return offsets


def patch(data: bytes, offset: int, word: int) -> bytes:
    return data[:offset] + struct.pack("<I", word) + data[offset + 4:]


def test_every_truncation_raises(rng):
    for data in (tiny_proof().to_bytes(), random_proof(rng, SPECS["mixed"]).to_bytes()):
        for end in range(len(data)):
            with pytest.raises(ProofFormatError):
                Proof.from_bytes(data[:end])


def test_trailing_bytes_raise():
    data = tiny_proof().to_bytes()
    for extra in (b"\x00", b"\x00" * 4, b"\xff" * 7):
        with pytest.raises(ProofFormatError, match=rf"trailing.*offset {len(data)}"):
            Proof.from_bytes(data + extra)


def test_wrong_version_raises():
    data = tiny_proof().to_bytes()
    for version in (0, 2, 4, 0xFFFFFFFF):
        with pytest.raises(ProofFormatError, match="version"):
            Proof.from_bytes(patch(data, 0, version))


def test_every_noncanonical_value_raises():
    data = tiny_proof().to_bytes()
    offsets = value_offsets(data)
    assert len(offsets) == 234  # every element of tiny_proof
    for offset in offsets:
        for bad in (P, P + 1, 0xFFFFFFFF):
            with pytest.raises(ProofFormatError, match=rf"not a canonical.*offset {offset}\)"):
                Proof.from_bytes(patch(data, offset, bad))
        assert isinstance(decode_or_format_error(patch(data, offset, P - 1)), Proof)  # p-1 is fine


def test_noncanonical_error_names_the_field():
    data = tiny_proof().to_bytes()
    offsets = value_offsets(data)
    with pytest.raises(ProofFormatError, match=r"^common_main_commit: .*offset 4\)"):
        Proof.from_bytes(patch(data, 4, P))
    with pytest.raises(ProofFormatError, match=r"^whir_proof\.final_poly: "):
        Proof.from_bytes(patch(data, offsets[-1], P))
    with pytest.raises(ProofFormatError, match=r"^whir_proof\.initial_round_opened_rows\[1\]: "):
        Proof.from_bytes(patch(data, offsets[180], P))


def test_bitmap_padding_raises():
    data = tiny_proof().to_bytes()
    assert data[40] == 0b101
    for bit in range(3, 8):
        bad = data[:40] + bytes([0b101 | 1 << bit]) + data[41:]
        with pytest.raises(ProofFormatError, match="padding.*offset 40"):
            Proof.from_bytes(bad)


def test_absurd_lengths_raise_fast():
    """A forged length must fail at once, without allocating or looping over it."""
    data = tiny_proof().to_bytes()
    at = value_offsets(data)  # at[i]: offset of the tiny proof's i-th field element
    length_words = {           # each length word sits just before the values it counts
        "num_airs": 36,
        "cached_commitments": at[8] - 4,
        "public_values": at[16] - 8,
        "claims_per_layer": at[23] - 4,
        "numerator_term_per_air": at[67] - 4,
        "univariate_round_coeffs": at[83] - 4,
        "n_max": at[95] - 8,
        "d+1": at[95] - 4,
        "column_openings parts": at[107] - 8,
        "column_openings part": at[107] - 4,
        "stacking rounds": at[123] - 4,
        "stacking_openings": at[131] - 8,
        "whir_sumcheck_polys": at[144] - 4,
        "codeword_commits": at[160] - 4,
        "number of commits": at[175] + 4,
        "number of queries": at[175] + 8,
        "Merkle depth": at[175] + 12,
        "width": at[175] + 16,
        "codeword queries": at[214] - 4,
        "first codeword depth": at[222] - 4,
        "final_poly": at[230] - 4,
    }
    for name, offset in length_words.items():
        for forged in (0xFFFFFFFF, 0x7FFFFFFF, 1 << 20):
            start = time.perf_counter()
            with pytest.raises(ProofFormatError):
                Proof.from_bytes(patch(data, offset, forged))
            assert time.perf_counter() - start < 0.5, name


def test_forged_word_at_every_offset():
    """Overwrite each 4-byte window with large values: a ProofFormatError or a canonical decode."""
    data = tiny_proof().to_bytes()
    for offset in range(len(data) - 3):
        for forged in (0xFFFFFFFF, 0x7FFFFFFF, 1 << 16, 64, 0):
            decode_or_format_error(patch(data, offset, forged))


def test_whir_inconsistent_round_counts_raise():
    data = tiny_proof().to_bytes()
    start = value_offsets(data)[143]  # whir_proof.mu_pow_witness
    # R*k = 3 sumcheck polys (one more inserted) with R = 2 rounds: not a multiple.
    polys_end = start + 8 + 2 * 32
    forged = data[:start + 4] + struct.pack("<I", 3) + data[start + 8:polys_end] + bytes(32) + data[polys_end:]
    with pytest.raises(ProofFormatError, match="multiple"):
        Proof.from_bytes(forged)
    # 28 polys in one round: k_whir = 28 > 27 is refused before any 2^k-sized shape is built.
    forged = data[:start + 4] + struct.pack("<I", 28) + bytes(28 * 32) + struct.pack("<I", 0)
    with pytest.raises(ProofFormatError, match="k_whir"):
        Proof.from_bytes(forged + bytes(100))


def test_whir_zero_commits_and_depth_underflow_raise():
    data = tiny_proof().to_bytes()
    offsets = value_offsets(data)
    commits_at = offsets[175] + 4  # after the last query pow witness
    assert data[commits_at:commits_at + 8] == struct.pack("<2I", 2, 1)
    with pytest.raises(ProofFormatError, match="number of commits.*nonzero"):
        Proof.from_bytes(patch(data, commits_at, 0))
    # Later-round depth 0 with two later rounds (depth would go to -1 on the second).
    proof = tiny_proof()
    whir = proof.whir_proof
    whir.whir_sumcheck_polys = np.zeros((3, 2, 4), np.uint32)
    whir.folding_pow_witnesses = [0, 0, 0]
    whir.query_phase_pow_witnesses = [0, 0, 0]
    whir.codeword_commits = [np.zeros(8, np.uint32)] * 2
    whir.ood_values = np.zeros((2, 4), np.uint32)
    whir.initial_round_opened_rows = [np.zeros((1, 2, 2), np.uint32), np.zeros((1, 2, 1), np.uint32)]
    whir.codeword_opened_values = [np.zeros((1, 2, 4), np.uint32)] * 2
    whir.codeword_merkle_proofs = [np.zeros((1, 1, 8), np.uint32), np.zeros((1, 0, 8), np.uint32)]
    good = proof.to_bytes()
    assert Proof.from_bytes(good) == proof
    depth_at = len(good) - (4 + 16) - (32 + 0) - 4  # then both rounds' paths, then final_poly
    assert good[depth_at:depth_at + 4] == struct.pack("<I", 1)
    with pytest.raises(ProofFormatError, match="negative"):
        Proof.from_bytes(patch(good, depth_at, 0))  # depth 0, then -1 for the second later round


def test_codeword_depth_must_be_zero_when_unused():
    """Upstream writes 0 when there is no later round or no initial query; we insist on it so that
    every accepted input re-encodes to itself."""
    proof = tiny_proof()
    proof.whir_proof.codeword_commits = []
    proof.whir_proof.ood_values = np.zeros((0, 4), np.uint32)
    proof.whir_proof.whir_sumcheck_polys = np.zeros((1, 2, 4), np.uint32)
    proof.whir_proof.folding_pow_witnesses = [0]
    proof.whir_proof.query_phase_pow_witnesses = [0]
    proof.whir_proof.codeword_opened_values = []
    proof.whir_proof.codeword_merkle_proofs = []
    data = proof.to_bytes()
    depth_at = len(data) - (4 + 16) - 4  # then final_poly
    assert data[depth_at:depth_at + 4] == bytes(4)
    with pytest.raises(ProofFormatError, match="first Merkle depth"):
        Proof.from_bytes(patch(data, depth_at, 3))


def test_many_commits_without_queries_raise():
    proof = random_proof(np.random.default_rng(0), SPECS["no_initial_queries"])
    data = proof.to_bytes()
    marker = struct.pack("<2I", len(proof.whir_proof.initial_round_opened_rows), 0)
    at = data.rindex(marker, 0, len(data) - 16 * len(proof.whir_proof.final_poly))
    with pytest.raises(ProofFormatError, match="commits without queries"):
        Proof.from_bytes(patch(data, at, 0xFFFFFFFF))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_fuzz_random_bytes(data):
    decode_or_format_error(data)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_after_valid_header(tail):
    decode_or_format_error(struct.pack("<I", CODEC_VERSION) + bytes(32) + tail)


TINY = tiny_proof().to_bytes()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(TINY) - 1), st.integers(0, 255)), min_size=1, max_size=6),
       st.one_of(st.none(), st.integers(0, len(TINY) + 8)))
def test_fuzz_mutated_proof(edits, end):
    """Byte edits to a valid proof, optionally cut short or padded."""
    data = bytearray(TINY)
    for offset, byte in edits:
        data[offset] = byte
    if end is not None:
        data = data[:end] + bytes(max(end - len(data), 0))
    decode_or_format_error(bytes(data))


# --------------------------------------------------------------------------------------------------
# Encoder validation
# --------------------------------------------------------------------------------------------------

def broken(edit):
    proof = tiny_proof()
    edit(proof)
    return proof


@pytest.mark.parametrize("edit, field", [
    (lambda p: setattr(p.batch_constraint_proof, "denominator_term_per_air", np.zeros((3, 4), np.uint32)),
     "batch_constraint_proof.denominator_term_per_air"),
    (lambda p: p.batch_constraint_proof.column_openings.pop(), "batch_constraint_proof.column_openings"),
    (lambda p: p.gkr_proof.sumcheck_polys.append(np.zeros((2, 3, 4), np.uint32)), "gkr_proof.sumcheck_polys"),
    (lambda p: setattr(p.gkr_proof, "q0_claim", np.zeros(3, np.uint32)), "gkr_proof.q0_claim"),
    (lambda p: p.whir_proof.query_phase_pow_witnesses.pop(), "whir_proof.query_phase_pow_witnesses"),
    (lambda p: setattr(p.whir_proof, "ood_values", np.zeros((2, 4), np.uint32)), "whir_proof.ood_values"),
    (lambda p: p.whir_proof.initial_round_opened_rows.__setitem__(1, np.zeros((2, 2, 1), np.uint32)),
     r"whir_proof.initial_round_opened_rows\[1\]"),
    (lambda p: p.whir_proof.initial_round_opened_rows.__setitem__(1, np.zeros((1, 4, 1), np.uint32)),
     r"whir_proof.initial_round_opened_rows\[1\]"),
    (lambda p: p.whir_proof.initial_round_merkle_proofs.__setitem__(1, np.zeros((1, 3, 8), np.uint32)),
     r"whir_proof.initial_round_merkle_proofs\[1\]"),
    (lambda p: p.whir_proof.codeword_merkle_proofs.__setitem__(0, np.zeros((2, 1, 8), np.uint32)),
     r"whir_proof.codeword_merkle_proofs\[0\]"),
    (lambda p: setattr(p.whir_proof, "initial_round_opened_rows", []), "whir_proof.initial_round_opened_rows"),
    (lambda p: setattr(p.whir_proof, "whir_sumcheck_polys", np.zeros((3, 2, 4), np.uint32)),
     "whir_proof.whir_sumcheck_polys"),
    (lambda p: p.public_values[0].append(P), r"public_values\[0\]"),
    (lambda p: p.public_values[0].append(-1), r"public_values\[0\]"),
    (lambda p: setattr(p.trace_vdata[0], "log_height", 1 << 32), r"trace_vdata\[0\].log_height"),
    (lambda p: setattr(p.whir_proof, "mu_pow_witness", P), "whir_proof.mu_pow_witness"),
    (lambda p: setattr(p.whir_proof, "mu_pow_witness", 1.0), "whir_proof.mu_pow_witness"),
    (lambda p: setattr(p, "common_main_commit", np.full(8, P, np.int64)), "common_main_commit"),
    (lambda p: setattr(p.stacking_proof, "sumcheck_round_polys", np.zeros((2, 3, 4), np.uint32)),
     "stacking_proof.sumcheck_round_polys"),
])
def test_encoder_rejects_inconsistent_shapes(edit, field):
    with pytest.raises(ProofFormatError, match=f"^{field}"):
        broken(edit).to_bytes()


def test_encoder_accepts_lists_and_wide_integer_arrays():
    proof = tiny_proof()
    data = proof.to_bytes()
    proof.common_main_commit = proof.common_main_commit.astype(np.int64).tolist()
    proof.stacking_proof.univariate_round_coeffs = proof.stacking_proof.univariate_round_coeffs.astype(np.uint64)
    proof.whir_proof.codeword_commits = [c.tolist() for c in proof.whir_proof.codeword_commits]
    proof.whir_proof.folding_pow_witnesses = np.array(proof.whir_proof.folding_pow_witnesses)
    assert proof.to_bytes() == data


# --------------------------------------------------------------------------------------------------
# Equality and proof_fields
# --------------------------------------------------------------------------------------------------

def test_equality(rng):
    proof = random_proof(rng, SPECS["mixed"])
    other = copy.deepcopy(proof)
    assert proof == other
    other.whir_proof.initial_round_merkle_proofs[2][1, 0, 7] ^= 1
    assert proof != other
    other = copy.deepcopy(proof)
    other.trace_vdata[1] = TraceVData(0, [])
    assert proof != other
    other = copy.deepcopy(proof)
    other.batch_constraint_proof.column_openings[1].pop()
    assert proof != other
    assert proof != "not a proof"


def test_proof_fields_cover_every_element_in_wire_order():
    proof = tiny_proof()
    fields = list(proof_fields(proof))
    values = [get_element(c, i) for path, c, i in fields if not path.endswith("log_height")]
    assert values == list(range(BASE, BASE + 234))
    paths = [path for path, _, _ in fields]
    assert len(set(paths)) == len(paths)
    assert paths[:2] == ["common_main_commit[0]", "common_main_commit[1]"]
    assert "trace_vdata[0].log_height" in paths and "trace_vdata[2].log_height" in paths
    assert "whir_proof.initial_round_opened_rows[1][0][1][0]" in paths
    assert "gkr_proof.logup_pow_witness" in paths and "public_values[0][1]" in paths


def test_mutating_each_field_changes_exactly_its_word(rng):
    """The lead's mutation test, in miniature: each yielded field is one word on the wire."""
    for proof in (tiny_proof(), random_proof(rng, SPECS["mixed"])):
        data = proof.to_bytes()
        count = len(list(proof_fields(proof)))
        changed_at = set()
        for k in range(count):
            mutant = copy.deepcopy(proof)
            path, container, index = next(itertools.islice(proof_fields(mutant), k, None))
            set_element(container, index, (get_element(container, index) + 1) % P)
            assert mutant != proof, path
            if path.endswith("log_height"):
                continue  # a usize: it changes the word but is not a field element
            mutated = mutant.to_bytes()
            assert len(mutated) == len(data)
            diff = np.flatnonzero(np.frombuffer(mutated, np.uint8) != np.frombuffer(data, np.uint8))
            assert diff.size and diff[-1] - diff[0] < 4, path
            changed_at.add(int(diff[0]))  # words never overlap
        assert len(changed_at) == count - sum(v is not None for v in proof.trace_vdata)


# --------------------------------------------------------------------------------------------------
# Speed
# --------------------------------------------------------------------------------------------------

def test_megabyte_proof_decodes_fast(rng):
    spec = ProofSpec(airs=[AirSpec(need_rot=True, width=2633)], gkr_layers=0, n_stack=17, l_skip=4,
                     k_whir=4, queries=(100, 60, 40, 30), log_blowup=1)
    proof = random_proof(rng, spec)
    proof.whir_proof.initial_round_opened_rows[0] = rng.integers(0, P, (100, 16, 150)).astype(np.uint32)
    data = proof.to_bytes()
    assert len(data) > 1_000_000
    start = time.perf_counter()
    decoded = Proof.from_bytes(data)
    elapsed = time.perf_counter() - start
    assert decoded == proof
    assert elapsed < 1.0, elapsed
    start = time.perf_counter()
    assert decoded.to_bytes() == data
    assert time.perf_counter() - start < 1.0
