"""Naive, obviously-correct numpy references written from PROTOCOL.md, used only as test oracles.

Vectorised over a leading batch axis with int64 arithmetic mod p; slow but small.
"""
from __future__ import annotations

import json
import pathlib

import numpy as np

P = 2013265921
_CONSTANTS = json.loads((pathlib.Path(__file__).parent / "vectors/poseidon2_babybear16_constants.json").read_text())
M4 = np.array([[2, 3, 1, 1], [1, 2, 3, 1], [1, 1, 2, 3], [3, 1, 1, 2]], dtype=np.int64)
_INV = lambda x: pow(x, P - 2, P)  # noqa: E731
INTERNAL_DIAG = np.array([v % P for v in [-2, 1, 2, _INV(2), 3, 4, -_INV(2), -3, -4, _INV(2**8), _INV(4), _INV(8),
                                          _INV(2**27), -_INV(2**8), -_INV(16), -_INV(2**27)]], dtype=np.int64)


def _mulmod(a, b):
    # int64 products of values < 2^31 overflow; go through Python ints via object arrays.
    return (np.asarray(a, dtype=object) * np.asarray(b, dtype=object) % P).astype(np.int64)


def _sbox(x):
    x2 = _mulmod(x, x)
    x4 = _mulmod(x2, x2)
    return _mulmod(_mulmod(x4, x2), x)


def _external_layer(s):
    blocks = s.reshape(-1, 4, 4)  # (n, block, lane)
    mixed = np.stack([(blocks * M4[i]).sum(axis=2) % P for i in range(4)], axis=2)  # M4 @ each block
    column_sums = mixed.sum(axis=1, keepdims=True) % P
    return ((mixed + column_sums) % P).reshape(-1, 16)


def poseidon2(states) -> np.ndarray:
    s = np.array(states, dtype=np.int64).reshape(-1, 16)
    ei = np.array(_CONSTANTS["ei"], dtype=np.int64).reshape(4, 16)
    ef = np.array(_CONSTANTS["ef"], dtype=np.int64).reshape(4, 16)
    s = _external_layer(s)
    for r in range(4):
        s = _external_layer(_sbox((s + ei[r]) % P))
    for c in _CONSTANTS["ii"]:
        s[:, 0] = _sbox((s[:, 0] + c) % P)
        total = s.sum(axis=1, keepdims=True) % P
        s = (total + _mulmod(s, INTERNAL_DIAG)) % P
    for r in range(4):
        s = _external_layer(_sbox((s + ef[r]) % P))
    return s.astype(np.uint32)


def hash_rows(matrix) -> np.ndarray:
    """PaddingFreeSponge: overwrite chunks of 8 into a zero state, permute after each."""
    matrix = np.asarray(matrix, dtype=np.int64)
    state = np.zeros((matrix.shape[0], 16), dtype=np.int64)
    for start in range(0, matrix.shape[1], 8):
        chunk = matrix[:, start:start + 8]
        state[:, :chunk.shape[1]] = chunk
        state = poseidon2(state).astype(np.int64)
    return state[:, :8].astype(np.uint32)


def compress(left, right) -> np.ndarray:
    return poseidon2(np.concatenate([np.asarray(left).reshape(-1, 8), np.asarray(right).reshape(-1, 8)], axis=1))[:, :8]


def merkle_root(matrix, log_group: int) -> np.ndarray:
    """Root built the slow way: group digests by explicit t-order folds, then a binary tree."""
    leaves = hash_rows(matrix)
    rows = matrix.shape[0]
    queries = rows >> log_group
    level = []
    for y in range(queries):
        nodes = [leaves[y + t * queries] for t in range(1 << log_group)]
        while len(nodes) > 1:
            nodes = [compress(nodes[i], nodes[i + 1])[0] for i in range(0, len(nodes), 2)]
        level.append(nodes[0])
    while len(level) > 1:
        level = [compress(level[i], level[i + 1])[0] for i in range(0, len(level), 2)]
    return np.asarray(level[0], dtype=np.uint32)


class Sponge:
    """The duplex sponge of PROTOCOL 2.5, one operation at a time."""

    def __init__(self):
        self.state = [0] * 16
        self.absorb = 0
        self.samples = 0

    def _permute(self):
        self.state = [int(v) for v in poseidon2([self.state])[0]]
        self.absorb, self.samples = 0, 8

    def observe(self, x: int):
        self.state[self.absorb] = x
        self.absorb += 1
        if self.absorb == 8:
            self._permute()

    def sample(self) -> int:
        if self.absorb != 0 or self.samples == 0:
            self._permute()
        self.samples -= 1
        return self.state[self.samples]

    def check_witness(self, bits: int, witness: int) -> bool:
        if bits == 0:
            return True
        self.observe(witness)
        return self.sample() & ((1 << bits) - 1) == 0
