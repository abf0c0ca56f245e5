"""Poseidon2-16 over BabyBear and the Merkle hasher built on it (PROTOCOL 2.3-2.4)."""
from __future__ import annotations

import numpy as np

from . import _native
from ._backend import resolve
from ._checks import field_array

__all__ = ["poseidon2_permute", "hash_rows", "hash", "compress", "DIGEST_WIDTH"]

DIGEST_WIDTH = 8


def poseidon2_permute(states, backend: str | None = None) -> np.ndarray:
    """Permute each row of an (n, 16) array of field elements; returns a new array."""
    return _native.poseidon2_permute(field_array(states, "states", ndim=2, last_dim=16), resolve(backend))


def hash_rows(matrix, backend: str | None = None) -> np.ndarray:
    """The leaf hash H of every row of a (rows, width) matrix: a (rows, 8) array of digests.

    H is Plonky3's padding-free sponge (rate 8, overwrite mode); a row of width 0 hashes to zeros.
    """
    return _native.hash_rows(field_array(matrix, "matrix", ndim=2), resolve(backend))


def hash(values, backend: str | None = None) -> np.ndarray:  # noqa: A001 - the protocol's H
    """H of one vector of field elements: an (8,) digest."""
    values = field_array(values, "values", ndim=1)
    return hash_rows(values.reshape(1, -1), backend)[0]


def compress(left, right, backend: str | None = None) -> np.ndarray:
    """C(a, b) = perm(a || b)[:8] for digests given as (8,) arrays or as (n, 8) batches."""
    left, right = field_array(left, "left", last_dim=8), field_array(right, "right", last_dim=8)
    if left.shape != right.shape or left.ndim not in (1, 2):
        raise ValueError(f"left and right: expected equal shapes (8,) or (n, 8), found {left.shape} and {right.shape}")
    out = _native.compress(left.reshape(-1, 8), right.reshape(-1, 8), resolve(backend))
    return out.reshape(left.shape)
