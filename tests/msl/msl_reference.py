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
_RC = json.loads((REPO / "tests/vectors/poseidon2_babybear16_constants.json").read_text())


def _internal_diagonal() -> list[int]:
    # The diagonal's single definition lives with the constants generator.
    spec = importlib.util.spec_from_file_location("gen_p2", REPO / "tools/gen_poseidon2_constants.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.internal_diagonal()


_DIAG = np.array(_internal_diagonal(), dtype=np.uint64)
_EI = np.array(_RC["ei"], dtype=np.uint64).reshape(4, 16)
_EF = np.array(_RC["ef"], dtype=np.uint64).reshape(4, 16)
_II = np.array(_RC["ii"], dtype=np.uint64)
_M4 = np.array([[2, 3, 1, 1], [1, 2, 3, 1], [1, 1, 2, 3], [3, 1, 1, 2]], dtype=np.uint64)


def _pow7(x):
    x2 = x * x % P
    return x2 * x2 % P * x2 % P * x % P


def _external(s):
    blocks = (s.reshape(-1, 4, 4) @ _M4.T) % P  # M4 on each block of 4 lanes
    return ((blocks + blocks.sum(axis=1, keepdims=True)) % P).reshape(-1, 16)


def _internal(s):
    return (s.sum(axis=1, keepdims=True) + s * _DIAG) % P


def poseidon2(states) -> np.ndarray:
    """Poseidon2-16 over BabyBear on (n, 16) canonical states."""
    s = _external(np.asarray(states, dtype=np.uint64).reshape(-1, 16) % P)
    for r in range(4):
        s = _external(_pow7((s + _EI[r]) % P))
    for r in range(13):
        s[:, 0] = _pow7((s[:, 0] + _II[r]) % P)
        s = _internal(s)
    for r in range(4):
        s = _external(_pow7((s + _EF[r]) % P))
    return s.astype(np.uint32)


def hash_rows(matrix) -> np.ndarray:
    """Overwrite sponge, rate 8, no padding; an empty row hashes to zeros. (rows, w) -> (rows, 8)."""
    m = np.asarray(matrix, dtype=np.uint32)
    state = np.zeros((m.shape[0], 16), dtype=np.uint32)
    for start in range(0, m.shape[1], 8):
        chunk = m[:, start:start + 8]
        state[:, :chunk.shape[1]] = chunk
        state = poseidon2(state)
    return state[:, :8].copy()


def compress(left, right) -> np.ndarray:
    return poseidon2(np.concatenate([np.asarray(left), np.asarray(right)], axis=1))[:, :8]


def merkle_root(matrix, log_group: int) -> np.ndarray:
    """The root of PROTOCOL 6.4: leaves, then each query group's rows y + t * Q folded in t order,
    then the ordinary tree over the Q group digests."""
    level = hash_rows(matrix)
    queries = level.shape[0] >> log_group
    for _ in range(log_group):  # level[t Q + y]: pair t = 2u with t = 2u + 1 for each y
        by_t = level.reshape(-1, queries, 8)
        level = compress(by_t[0::2].reshape(-1, 8), by_t[1::2].reshape(-1, 8))
    assert level.shape[0] == queries
    while level.shape[0] > 1:
        level = compress(level[0::2], level[1::2])
    return level[0]


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


class Sponge:
    """The transcript's duplex sponge (PROTOCOL 2.5), for proof-of-work states."""

    def __init__(self):
        self.state = np.zeros(16, dtype=np.uint32)
        self.absorb_idx = 0
        self.sample_idx = 0

    def _permute(self):
        self.state = poseidon2(self.state[None])[0]
        self.absorb_idx, self.sample_idx = 0, 8

    def observe(self, x: int):
        self.state[self.absorb_idx] = x
        self.absorb_idx += 1
        if self.absorb_idx == 8:
            self._permute()

    def sample(self) -> int:
        if self.absorb_idx != 0 or self.sample_idx == 0:
            self._permute()
        self.sample_idx -= 1
        return int(self.state[self.sample_idx])


def grind(state, absorb_idx: int, bits: int, batch: int = 4096) -> int:
    """Smallest w with perm(state with lane absorb_idx = w)[7] % 2^bits == 0, by brute force."""
    for first in range(0, P, batch):
        states = np.tile(np.asarray(state, dtype=np.uint32), (batch, 1))
        states[:, absorb_idx] = np.arange(first, first + batch, dtype=np.uint32)
        hits = np.nonzero((poseidon2(states)[:, 7] & ((1 << bits) - 1)) == 0)[0]
        if hits.size:
            return first + int(hits[0])
    raise AssertionError("no witness")
