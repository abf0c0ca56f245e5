"""Independent references for the lane emulator tests, in numpy on canonical values: written
from the protocol's definitions, not from the kernel headers, and checked themselves against
tests/vectors/primitives.json.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
VECTORS = json.loads((REPO / "tests/vectors/primitives.json").read_text())
P = VECTORS["field"]["p"]
OMEGA = {int(k): v for k, v in VECTORS["field"]["two_adic_generators"].items()}
OMEGA[0] = 1

# The hashing references are the suite's own (tests/naive.py): one numpy model of Poseidon2, the
# leaf hash, compression, Merkle tree and duplex sponge for every test.
_spec = importlib.util.spec_from_file_location("gpustark_tests_naive", REPO / "tests/naive.py")
_naive = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_naive)
poseidon2, hash_rows, compress, merkle_root = _naive.poseidon2, _naive.hash_rows, _naive.compress, _naive.merkle_root
Sponge = _naive.Sponge


def ntt(columns, shift: int = 1) -> np.ndarray:
    """Naive forward DFT of each column: out[i] = sum_j c_j (shift w^i)^j, w = omega_{log n}."""
    c = np.asarray(columns, dtype=np.uint64)
    n = c.shape[0]
    w = OMEGA[n.bit_length() - 1]
    wpow = np.array([pow(w, k, P) for k in range(n)], dtype=np.uint64)
    spow = np.array([pow(shift, j, P) for j in range(n)], dtype=np.uint64)
    c = c * spow[:, None] % P
    idx = np.outer(np.arange(n), np.arange(n)) % n
    return ((wpow[idx][:, :, None] * c[None, :, :]) % P).sum(axis=1) % P


def grind(state, absorb_idx: int, bits: int, batch: int = 4096) -> int:
    """Smallest w with perm(state with lane absorb_idx = w)[7] % 2^bits == 0, by brute force."""
    for first in range(0, P, batch):
        states = np.tile(np.asarray(state, dtype=np.uint32), (batch, 1))
        states[:, absorb_idx] = np.arange(first, first + batch, dtype=np.uint32)
        hits = np.nonzero((poseidon2(states)[:, 7] & ((1 << bits) - 1)) == 0)[0]
        if hits.size:
            return first + int(hits[0])
    raise AssertionError("no witness")
