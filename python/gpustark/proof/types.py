"""The proof dataclasses (field names as in OpenVM's `proof.rs`), the codec's constants and its error."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CODEC_VERSION = 3
DIGEST_WIDTH = 8
EXT_DEGREE = 4
# Order of the 4 EFs in each row of GkrProof.claims_per_layer: the struct (and wire) order. The
# transcript observes them in a different order (p0, q0, p1, q1).
GKR_CLAIM_ORDER = ("p_xi_0", "p_xi_1", "q_xi_0", "q_xi_1")
# 2^k_whir rows are opened per WHIR query; they lie in a two-adic BabyBear domain, so k_whir <= 27.
# Upstream computes `1 << k_whir` unchecked; bounding it keeps decoded array shapes representable.
MAX_K_WHIR = 27


class ProofFormatError(ValueError):
    """A proof that cannot be decoded (or encoded): the message names the field and the byte offset."""


class _Part:
    """Structural equality for the proof dataclasses: numpy arrays are compared by value."""

    __hash__ = None  # mutable containers of arrays

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(_same(getattr(self, f.name), getattr(other, f.name)) for f in dataclasses.fields(self))


@dataclass(eq=False)
class TraceVData(_Part):
    """Shape of one present trace: ``log_height`` (usize) and its cached commitments (list of (8,))."""

    log_height: int
    cached_commitments: list = field(default_factory=list)


@dataclass(eq=False)
class GkrProof(_Part):
    """LogUp-GKR proof (PROTOCOL 8.5).

    ``claims_per_layer``: (J, 4, 4), each layer in ``GKR_CLAIM_ORDER``.
    ``sumcheck_polys``: J-1 arrays, entry i of shape (i+1, 3, 4) (evaluations at 1, 2, 3).
    With no interactions: ``q0_claim`` = 1, J = 0 and no polynomials.
    """

    logup_pow_witness: int
    q0_claim: np.ndarray
    claims_per_layer: np.ndarray
    sumcheck_polys: list


@dataclass(eq=False)
class BatchConstraintProof(_Part):
    """Batch constraint sumcheck proof (§9), per present AIR in sorted order.

    ``numerator_term_per_air``, ``denominator_term_per_air``: (N, 4).
    ``univariate_round_coeffs``: (c, 4). ``sumcheck_round_polys``: (n_max, d+1, 4).
    ``column_openings``: per sorted trace, per part, an (n, 4) array (claims, or claim/rot
    interleaved when the AIR needs rotation).
    """

    numerator_term_per_air: np.ndarray
    denominator_term_per_air: np.ndarray
    univariate_round_coeffs: np.ndarray
    sumcheck_round_polys: np.ndarray
    column_openings: list


@dataclass(eq=False)
class StackingProof(_Part):
    """Stacked opening reduction proof (§10).

    ``univariate_round_coeffs``: (c, 4). ``sumcheck_round_polys``: (n_stack, 2, 4).
    ``stacking_openings``: per commit, a (width_c, 4) array.
    """

    univariate_round_coeffs: np.ndarray
    sumcheck_round_polys: np.ndarray
    stacking_openings: list


@dataclass(eq=False)
class WhirProof(_Part):
    """WHIR opening proof (§11), with R rounds of k folds.

    ``whir_sumcheck_polys``: (R*k, 2, 4). ``codeword_commits``: R-1 digests. ``ood_values``: (R-1, 4).
    ``folding_pow_witnesses``: R*k ints. ``query_phase_pow_witnesses``: R ints.
    ``initial_round_opened_rows``: per commit, (Q0, 2^k, width_c) base field values.
    ``initial_round_merkle_proofs``: per commit, (Q0, depth, 8).
    ``codeword_opened_values``: per round 1..R-1, (Q_i, 2^k, 4).
    ``codeword_merkle_proofs``: per round 1..R-1, (Q_i, depth_1 - (i-1), 8).
    ``final_poly``: (n, 4).
    """

    mu_pow_witness: int
    whir_sumcheck_polys: np.ndarray
    codeword_commits: list
    ood_values: np.ndarray
    folding_pow_witnesses: list
    query_phase_pow_witnesses: list
    initial_round_opened_rows: list
    initial_round_merkle_proofs: list
    codeword_opened_values: list
    codeword_merkle_proofs: list
    final_poly: np.ndarray


@dataclass(eq=False)
class Proof(_Part):
    """A complete SWIRL proof (§12). ``trace_vdata`` and ``public_values`` are in vk order; an
    absent AIR has ``None`` vdata (and, in a valid proof, no public values)."""

    common_main_commit: np.ndarray
    trace_vdata: list
    public_values: list
    gkr_proof: GkrProof
    batch_constraint_proof: BatchConstraintProof
    stacking_proof: StackingProof
    whir_proof: WhirProof

    def to_bytes(self) -> bytes:
        """OpenVM's ``Proof::encode``. Raises ProofFormatError if the object's shapes are not
        consistent with what the decoder derives (such a proof would not round-trip)."""
        from .encode import proof_to_bytes  # encode imports this module

        return proof_to_bytes(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Proof":
        """OpenVM's ``Proof::decode_from_bytes``: the whole input must be one proof."""
        from .decode import proof_from_bytes  # decode imports this module

        return proof_from_bytes(data)


def _canonical_shape(shape: tuple) -> tuple:
    """Shape up to the first zero axis. The codec cannot carry the sizes of axes that follow an
    empty one (e.g. d+1 when there are no sumcheck rounds), so those sizes are not compared."""
    for axis, size in enumerate(shape):
        if size == 0:
            return shape[: axis + 1]
    return shape


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            a, b = np.asarray(a), np.asarray(b)
        except (TypeError, ValueError):
            return False
        if _canonical_shape(a.shape) != _canonical_shape(b.shape):
            return False
        return a.size == 0 or bool(np.array_equal(a, b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b

