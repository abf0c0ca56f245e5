"""Batched NTTs against galois (its NTT uses 31, Plonky3's generator, as primitive root) and
against direct polynomial evaluation for coset shifts."""
import numpy as np
import pytest

import gpustark
from gpustark import field

# An oracle, not a runtime dependency: `pip install .[test]` brings it; a bare GPU machine may lack it.
galois = pytest.importorskip("galois", reason="galois (the test oracle) is not installed")

P = field.P
GF = galois.GF(P)


def test_galois_roots_are_plonky3_roots():
    # The oracle is only valid because galois' n-th roots of unity are Plonky3's.
    assert galois.primitive_root(P) == 31
    for k in (1, 5, 12, 27):
        assert int(GF.primitive_root_of_unity(2**k)) == field.two_adic_generator(k)


@pytest.mark.parametrize("log_n, batch", [(0, 1), (1, 3), (2, 1), (5, 16), (10, 4), (12, 2)])
def test_forward_matches_galois(rng, backend, log_n, batch):
    columns = rng.integers(0, P, size=(1 << log_n, batch), dtype=np.uint32)
    out = gpustark.ntt.ntt(columns, backend=backend)
    for c in range(batch):
        assert np.array_equal(out[:, c], galois.ntt(GF(columns[:, c])))


@pytest.mark.parametrize("log_n, batch", [(0, 2), (3, 5), (11, 3)])
def test_inverse_matches_galois_and_round_trips(rng, backend, log_n, batch):
    evaluations = rng.integers(0, P, size=(1 << log_n, batch), dtype=np.uint32)
    coefficients = gpustark.ntt.intt(evaluations, backend=backend)
    for c in range(batch):
        assert np.array_equal(coefficients[:, c], galois.intt(GF(evaluations[:, c])))
    assert np.array_equal(gpustark.ntt.ntt(coefficients, backend=backend), evaluations)


@pytest.mark.parametrize("log_n", [0, 3, 8])
def test_coset_shift_evaluates_on_the_coset(rng, backend, log_n):
    n = 1 << log_n
    shift = 31
    coefficients = rng.integers(0, P, size=(n, 2), dtype=np.uint32)
    out = gpustark.ntt.ntt(coefficients, shift=shift, backend=backend)
    w = field.two_adic_generator(log_n)
    points = GF([shift * pow(w, i, P) % P for i in range(n)])
    for c in range(2):
        poly = galois.Poly(GF(coefficients[::-1, c]))  # galois wants highest degree first
        assert np.array_equal(out[:, c], poly(points))
    assert np.array_equal(gpustark.ntt.intt(out, shift=shift, backend=backend), coefficients)


def test_one_dimensional_input(rng, backend):
    column = rng.integers(0, P, size=16, dtype=np.uint32)
    assert np.array_equal(gpustark.ntt.ntt(column, backend=backend), galois.ntt(GF(column)))


@pytest.mark.slow
def test_large_transform_round_trips(rng, backend):
    columns = rng.integers(0, P, size=(1 << 20, 4), dtype=np.uint32)
    assert np.array_equal(gpustark.ntt.intt(gpustark.ntt.ntt(columns, backend=backend), backend=backend), columns)


def test_medium_transform_against_galois(rng, backend):
    column = rng.integers(0, P, size=(1 << 16, 1), dtype=np.uint32)
    assert np.array_equal(gpustark.ntt.ntt(column, backend=backend)[:, 0], galois.ntt(GF(column[:, 0])))


@pytest.mark.parametrize(
    "columns, kwargs, message",
    [
        (np.zeros((3, 2), np.uint32), {}, "power of two, found 3"),
        (np.zeros((0, 2), np.uint32), {}, "power of two, found 0"),
        (np.zeros((4, 2, 2), np.uint32), {}, r"shape \(n,\) or \(n, batch\)"),
        (np.zeros((4, 2), np.int32), {}, "dtype uint32, found int32"),
        (np.full((4, 1), P, np.uint32), {}, "found 2013265921"),
        (np.zeros((4, 1), np.uint32), {"shift": 0}, "nonzero field element"),
        (np.zeros((4, 1), np.uint32), {"shift": P}, "nonzero field element"),
        (np.zeros((4, 1), np.uint32), {"backend": "nope"}, "'nope' is not available"),
    ],
)
def test_bad_input(columns, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gpustark.ntt.ntt(columns, **kwargs)
