"""Leaf hash H and compression C against the naive sponge of PROTOCOL 2.4."""
import numpy as np
import pytest

import gpustark

import naive


@pytest.mark.parametrize("width", [0, 1, 7, 8, 9, 16, 17, 42])
def test_hash_rows_matches_naive_sponge(rng, backend, width):
    matrix = rng.integers(0, gpustark.field.P, size=(5, width), dtype=np.uint32)
    assert np.array_equal(gpustark.hash.hash_rows(matrix, backend=backend), naive.hash_rows(matrix))


def test_empty_row_hashes_to_zero_digest(backend):
    assert gpustark.hash.hash([], backend=backend).tolist() == [0] * 8


def test_overwrite_mode_keeps_stale_lanes(backend):
    # A 9-element input leaves lanes 1..7 of the second absorption as they were after the first
    # permutation: H([x0..x8]) differs from H of the same values zero-padded to 16.
    values = list(range(1, 10))
    assert not np.array_equal(gpustark.hash.hash(values, backend=backend),
                              gpustark.hash.hash(values + [0] * 7, backend=backend))


@pytest.mark.parametrize("count", [1, 64])
def test_compress_matches_naive(rng, backend, count):
    left = rng.integers(0, gpustark.field.P, size=(count, 8), dtype=np.uint32)
    right = rng.integers(0, gpustark.field.P, size=(count, 8), dtype=np.uint32)
    assert np.array_equal(gpustark.hash.compress(left, right, backend=backend), naive.compress(left, right))
    assert np.array_equal(gpustark.hash.compress(left[0], right[0], backend=backend), naive.compress(left, right)[0])


def test_bad_digests():
    with pytest.raises(ValueError, match="last axis of size 8"):
        gpustark.hash.compress(np.zeros(7, np.uint32), np.zeros(7, np.uint32))
    with pytest.raises(ValueError, match="equal shapes"):
        gpustark.hash.compress(np.zeros((2, 8), np.uint32), np.zeros((3, 8), np.uint32))
    with pytest.raises(ValueError, match="2-d array"):
        gpustark.hash.hash_rows(np.zeros(8, np.uint32))
