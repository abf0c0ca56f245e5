"""Merkle commitments with grouped query leaves (PROTOCOL 6.4): roots against a naive tree,
openings verify, and every tampered opening is rejected."""
import numpy as np
import pytest

import gpustark
from gpustark import merkle

import naive

P = gpustark.field.P


@pytest.mark.parametrize("log_rows, width, log_group", [(0, 3, 0), (1, 1, 1), (3, 5, 0), (4, 9, 2), (5, 16, 3), (6, 2, 6)])
def test_root_matches_naive_tree(rng, backend, log_rows, width, log_group):
    matrix = rng.integers(0, P, size=(1 << log_rows, width), dtype=np.uint32)
    tree = merkle.MerkleTree(matrix, log_group=log_group, backend=backend)
    assert np.array_equal(tree.root, naive.merkle_root(matrix, log_group))
    assert np.array_equal(tree.levels[0], naive.hash_rows(matrix))
    assert len(tree.levels) == log_rows + 1 and tree.levels[-1].shape == (1, 8)
    assert tree.num_queries == 1 << (log_rows - log_group)


def test_group_is_the_strided_fibre(rng, backend):
    # With 16 rows and groups of 4, query 1 holds rows 1, 5, 9, 13 (the fibre of x -> x^4).
    matrix = rng.integers(0, P, size=(16, 3), dtype=np.uint32)
    tree = merkle.MerkleTree(matrix, log_group=2, backend=backend)
    rows, path = tree.open(1)
    assert np.array_equal(rows, matrix[[1, 5, 9, 13]])
    assert path.shape == (2, 8)


@pytest.mark.parametrize("log_rows, log_group", [(0, 0), (3, 0), (6, 3), (7, 7)])
def test_every_opening_verifies(rng, backend, log_rows, log_group):
    matrix = rng.integers(0, P, size=(1 << log_rows, 4), dtype=np.uint32)
    tree = merkle.MerkleTree(matrix, log_group=log_group, backend=backend)
    for query in range(tree.num_queries):
        rows, path = tree.open(query)
        assert merkle.verify(tree.root, tree.rows, tree.width, log_group, query, rows, path)


def test_tampered_openings_are_rejected(rng, backend):
    matrix = rng.integers(0, P, size=(64, 5), dtype=np.uint32)
    tree = merkle.MerkleTree(matrix, log_group=2, backend=backend)
    query = 5
    rows, path = tree.open(query)
    args = (tree.rows, tree.width, 2)
    for index in np.ndindex(rows.shape):
        bad = rows.copy()
        bad[index] = (int(bad[index]) + 1) % P
        assert not merkle.verify(tree.root, *args, query, bad, path), f"row cell {index}"
    for index in np.ndindex(path.shape):
        bad = path.copy()
        bad[index] = (int(bad[index]) + 1) % P
        assert not merkle.verify(tree.root, *args, query, rows, bad), f"path cell {index}"
    for index in range(8):
        bad_root = tree.root.copy()
        bad_root[index] = (int(bad_root[index]) + 1) % P
        assert not merkle.verify(bad_root, *args, query, rows, path)
    assert not merkle.verify(tree.root, *args, query + 1, rows, path)
    assert not merkle.verify(tree.root, *args, query, rows[::-1].copy(), path)  # wrong t order
    assert not merkle.verify(tree.root, *args, query, rows, path[:-1])  # short path
    assert not merkle.verify(tree.root, tree.rows, tree.width, 1, query, rows[:2].copy(), path)  # other grouping


@pytest.mark.parametrize(
    "matrix, log_group, message",
    [
        (np.zeros((6, 2), np.uint32), 0, "power of two, found 6"),
        (np.zeros((0, 2), np.uint32), 0, "power of two, found 0"),
        (np.zeros((8, 2), np.uint32), 4, r"at most log2\(rows\) = 3, found 4"),
        (np.zeros(8, np.uint32), 0, "2-d array"),
        (np.zeros((8, 2), np.uint64), 0, "dtype uint32, found uint64"),
        (np.full((8, 2), P + 5, np.uint32), 0, "found 2013265926"),
    ],
)
def test_bad_input(matrix, log_group, message):
    with pytest.raises(ValueError, match=message):
        merkle.MerkleTree(matrix, log_group=log_group)


def test_bad_query_index(rng):
    tree = merkle.MerkleTree(rng.integers(0, P, size=(8, 2), dtype=np.uint32), log_group=1)
    with pytest.raises(ValueError, match=r"query: expected an integer in \[0, 4\), found 4"):
        tree.open(4)
