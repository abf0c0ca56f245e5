"""Naive, obviously-correct numpy references written from the protocol (docs/protocol.md), used only as test oracles.

Vectorised over a leading batch axis with uint64 arithmetic mod p; slow but small. The lane
emulator's references (tests/msl/msl_reference.py) use these too.
"""
from __future__ import annotations

import json
import pathlib

import numpy as np

P = 2013265921
_CONSTANTS = json.loads((pathlib.Path(__file__).parent / "vectors/poseidon2_babybear16_constants.json").read_text())
M4 = np.array([[2, 3, 1, 1], [1, 2, 3, 1], [1, 1, 2, 3], [3, 1, 1, 2]], dtype=np.uint64)
_INV = lambda x: pow(x, P - 2, P)  # noqa: E731
INTERNAL_DIAG = np.array([v % P for v in [-2, 1, 2, _INV(2), 3, 4, -_INV(2), -3, -4, _INV(2**8), _INV(4), _INV(8),
                                          _INV(2**27), -_INV(2**8), -_INV(16), -_INV(2**27)]], dtype=np.uint64)
_EI = np.array(_CONSTANTS["ei"], dtype=np.uint64).reshape(4, 16)
_EF = np.array(_CONSTANTS["ef"], dtype=np.uint64).reshape(4, 16)
_II = np.array(_CONSTANTS["ii"], dtype=np.uint64)

# Values stay below p < 2^31, so every product fits uint64 before its reduction.


def _sbox(x):
    x2 = x * x % P
    return x2 * x2 % P * x2 % P * x % P


def _external_layer(s):
    blocks = (s.reshape(-1, 4, 4) @ M4.T) % P  # M4 on each block of 4 lanes
    return ((blocks + blocks.sum(axis=1, keepdims=True)) % P).reshape(-1, 16)  # then add the column sums


def poseidon2(states) -> np.ndarray:
    """Poseidon2-16 over BabyBear on (n, 16) canonical states."""
    s = _external_layer(np.asarray(states, dtype=np.uint64).reshape(-1, 16) % P)
    for r in range(4):
        s = _external_layer(_sbox((s + _EI[r]) % P))
    for c in _II:
        s[:, 0] = _sbox((s[:, 0] + c) % P)
        s = (s.sum(axis=1, keepdims=True) + s * INTERNAL_DIAG) % P
    for r in range(4):
        s = _external_layer(_sbox((s + _EF[r]) % P))
    return s.astype(np.uint32)


def hash_rows(matrix) -> np.ndarray:
    """PaddingFreeSponge: overwrite chunks of 8 into a zero state, permute after each."""
    m = np.asarray(matrix, dtype=np.uint32)
    state = np.zeros((m.shape[0], 16), dtype=np.uint32)
    for start in range(0, m.shape[1], 8):
        chunk = m[:, start:start + 8]
        state[:, :chunk.shape[1]] = chunk
        state = poseidon2(state)
    return state[:, :8].copy()


def compress(left, right) -> np.ndarray:
    return poseidon2(np.concatenate([np.asarray(left).reshape(-1, 8), np.asarray(right).reshape(-1, 8)], axis=1))[:, :8]


def merkle_root(matrix, log_group: int) -> np.ndarray:
    """PROTOCOL 6.4: leaves, then each query group's rows y + t Q folded in t order, then the
    ordinary tree over the Q group digests."""
    level = hash_rows(matrix)
    queries = level.shape[0] >> log_group
    for _ in range(log_group):  # level[t Q + y]: pair t = 2u with t = 2u + 1 for each y
        by_t = level.reshape(-1, queries, 8)
        level = compress(by_t[0::2].reshape(-1, 8), by_t[1::2].reshape(-1, 8))
    assert level.shape[0] == queries
    while level.shape[0] > 1:
        level = compress(level[0::2], level[1::2])
    return level[0]


class Sponge:
    """The duplex sponge of PROTOCOL 2.5, one operation at a time."""

    def __init__(self):
        self.state = [0] * 16
        self.absorb_idx = 0
        self.sample_idx = 0

    def _permute(self):
        self.state = [int(v) for v in poseidon2([self.state])[0]]
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
        return self.state[self.sample_idx]

    def check_witness(self, bits: int, witness: int) -> bool:
        if bits == 0:
            return True
        self.observe(witness)
        return self.sample() & ((1 << bits) - 1) == 0
