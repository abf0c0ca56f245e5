"""Poseidon2-16: the compiled constants equal the shipped JSON, and random states match a naive
numpy model written from PROTOCOL 2.3."""
import numpy as np
import pytest

import gpustark
from gpustark import _native

import naive


def test_compiled_constants_equal_json(poseidon2_constants):
    compiled = _native.poseidon2_constants()
    for key in ("ei", "ef", "ii"):
        assert compiled[key] == poseidon2_constants[key]
    assert compiled["internal_diag"] == naive.INTERNAL_DIAG.tolist()


@pytest.mark.parametrize("count", [1, 3, 257])
def test_random_states_match_naive_model(rng, backend, count):
    states = rng.integers(0, gpustark.field.P, size=(count, 16), dtype=np.uint32)
    assert np.array_equal(gpustark.hash.poseidon2_permute(states, backend=backend), naive.poseidon2(states))


def test_empty_batch(backend):
    out = gpustark.hash.poseidon2_permute(np.zeros((0, 16), np.uint32), backend=backend)
    assert out.shape == (0, 16)


def test_input_is_not_modified(rng, backend):
    states = rng.integers(0, gpustark.field.P, size=(4, 16), dtype=np.uint32)
    before = states.copy()
    gpustark.hash.poseidon2_permute(states, backend=backend)
    assert np.array_equal(states, before)


@pytest.mark.parametrize(
    "states, message",
    [
        (np.zeros((2, 15), np.uint32), "last axis of size 16"),
        (np.zeros(16, np.uint32), "2-d array"),
        (np.zeros((1, 16), np.float32), "dtype uint32, found float32"),
        (np.full((1, 16), 2013265921, np.uint32), "found 2013265921"),
    ],
)
def test_bad_states(states, message):
    with pytest.raises(ValueError, match=message):
        gpustark.hash.poseidon2_permute(states)
