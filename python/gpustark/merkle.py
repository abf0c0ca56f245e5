"""Merkle commitments over the rows of a matrix (PROTOCOL 6.4).

With log_group = k, the first k levels fold each query group, the rows y + t*rows/2^k for
t < 2^k, in t order; an ordinary binary tree over the rows/2^k group digests gives the root.
An opening of query y reveals the group's 2^k rows and the sibling digests above the group level.
"""
from __future__ import annotations

import numpy as np

from . import _native
from ._backend import resolve
from ._checks import field_array, nonnegative_int, power_of_two

__all__ = ["MerkleTree", "verify"]


class MerkleTree:
    """A committed matrix: `root`, `open(query)` and the digests of every level."""

    def __init__(self, matrix, log_group: int = 0, backend: str | None = None):
        matrix = field_array(matrix, "matrix", ndim=2)
        log_rows = power_of_two(matrix.shape[0], "matrix: number of rows")
        log_group = nonnegative_int(log_group, "log_group")
        if log_group > log_rows:
            raise ValueError(f"log_group: expected at most log2(rows) = {log_rows}, found {log_group}")
        self._tree = _native.MerkleTree(matrix, log_group, resolve(backend))

    @property
    def root(self) -> np.ndarray:
        """The commitment: an (8,) digest."""
        return self._tree.root

    @property
    def rows(self) -> int:
        return self._tree.rows

    @property
    def width(self) -> int:
        return self._tree.width

    @property
    def log_group(self) -> int:
        return self._tree.log_group

    @property
    def num_queries(self) -> int:
        """rows / 2^log_group: the number of distinct query indices."""
        return self._tree.num_queries

    @property
    def levels(self) -> list[np.ndarray]:
        """Digest levels: leaf hashes (rows, 8) first, the root (1, 8) last."""
        return self._tree.levels

    def open(self, query: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, path): the query group's (2^log_group, width) rows and its (depth, 8) siblings."""
        return self._tree.open(nonnegative_int(query, "query", below=self.num_queries))


def verify(root, rows: int, width: int, log_group: int, query: int, opened_rows, path) -> bool:
    """True iff `opened_rows` and `path` open query `query` of a rows x width commitment `root`."""
    root = field_array(root, "root", ndim=1, last_dim=8)
    opened_rows = field_array(opened_rows, "opened_rows", ndim=2)
    path = np.zeros((0, 8), np.uint32) if len(path) == 0 else field_array(path, "path", ndim=2, last_dim=8)
    power_of_two(nonnegative_int(rows, "rows"), "rows")
    return bool(_native.merkle_verify(root, rows, nonnegative_int(width, "width"), nonnegative_int(log_group, "log_group"),
                                      nonnegative_int(query, "query"), opened_rows, path))
