"""SWIRL proof objects and OpenVM's binary proof codec (``CODEC_VERSION = 3``), byte for byte.

The dataclasses mirror the structs of OpenVM ``stark-backend`` ``proof.rs`` field for field; the
codec reproduces its hand-written ``Encode``/``Decode`` impls (``proof.rs``, ``codec.rs``) for the
BabyBear-Poseidon2 configuration.

Representation (every other module codes against this):

* F (base field element): a Python ``int`` in [0, p).
* EF (quartic extension): a numpy uint32 array of shape (4,); ``Vec<EF>`` is (n, 4) and
  ``Vec<[EF; k]>`` is (n, k, 4).
* Digest: a numpy uint32 array of shape (8,). ``Vec<Digest>`` is a list of (8,) arrays where it is a
  list of commitments (``cached_commitments``, ``codeword_commits``) and an (n, 8) array where it
  is a Merkle path.
* ``usize`` (``log_height``): a Python ``int`` < 2^32.

Wire format: every scalar is a u32 little-endian word (``usize`` too); F is its canonical value; EF
is its 4 basis coefficients; a digest is its 8 limbs; a ``Vec`` is a u32 length and then its items,
except where upstream leaves the length out because the decoder can derive it (``encode.py``
says, function by function, which lengths are written and which are implied).

Modules: ``types`` (dataclasses, constants, ProofFormatError), ``wire`` (the Reader/Writer pair),
``encode`` and ``decode`` (one function per upstream impl), ``fields`` (``proof_fields``).
"""
from .fields import get_element, proof_fields, set_element
from .types import (CODEC_VERSION, DIGEST_WIDTH, EXT_DEGREE, GKR_CLAIM_ORDER, MAX_K_WHIR, BatchConstraintProof,
                    GkrProof, Proof, ProofFormatError, StackingProof, TraceVData, WhirProof)

__all__ = [
    "CODEC_VERSION", "DIGEST_WIDTH", "EXT_DEGREE", "GKR_CLAIM_ORDER", "MAX_K_WHIR", "ProofFormatError",
    "Proof", "TraceVData", "GkrProof", "BatchConstraintProof", "StackingProof", "WhirProof",
    "proof_fields", "get_element", "set_element",
]
