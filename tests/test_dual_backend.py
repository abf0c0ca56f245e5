"""The dual backend ('dual:A,B' runs A and B and compares every output): dual:cpu,cpu gives the
cpu results and the very same proof bytes; malformed or unavailable parts raise ValueError.
(Caught differences are tested natively, with a faulty backend: tests/cpp/test_dual_backend.cpp.)"""
import numpy as np
import pytest

import gpustark
from gpustark import hash as gshash
from gpustark import merkle
from gpustark.examples import multi_fixture

P = gpustark.field.P
DUAL = "dual:cpu,cpu"


def test_primitives_equal_cpu(rng):
    states = rng.integers(0, P, size=(5, 16), dtype=np.uint32)
    matrix = rng.integers(0, P, size=(32, 7), dtype=np.uint32)
    left, right = (rng.integers(0, P, size=(4, 8), dtype=np.uint32) for _ in range(2))
    for run in (lambda b: gshash.poseidon2_permute(states, backend=b),
                lambda b: gshash.hash_rows(matrix, backend=b),
                lambda b: gshash.compress(left, right, backend=b),
                lambda b: gpustark.ntt.ntt(matrix, shift=31, backend=b),
                lambda b: gpustark.ntt.intt(matrix, backend=b),
                lambda b: merkle.MerkleTree(matrix, log_group=2, backend=b).root):
        assert np.array_equal(run(DUAL), run("cpu"))
    assert gpustark.Transcript().grind(8, backend=DUAL) == gpustark.Transcript().grind(8, backend="cpu")


def test_whole_proof_bytes_equal_cpu():
    airs, traces, pvs = multi_fixture(seed=0)
    pk, vk = gpustark.keygen(airs, gpustark.test_params_small())
    proofs = {b: gpustark.prove(pk, traces, public_values=pvs, backend=b) for b in ("cpu", DUAL)}
    assert proofs[DUAL].to_bytes() == proofs["cpu"].to_bytes()
    gpustark.verify(vk, proofs[DUAL])


def test_device_info_reports_both_sides():
    info = gpustark.device_info(DUAL)
    assert info["backend"] == DUAL
    assert "a.threads" in info["limits"] and "b.threads" in info["limits"]


def test_not_listed_among_backends():
    assert DUAL not in gpustark.backends()


@pytest.mark.parametrize("name, message", [
    ("dual:cpu,nope", "'nope' is not available"),
    ("dual:nope,cpu", "'nope' is not available"),
    ("dual:cpu", "expected 'dual:A,B'"),
    ("dual:cpu,", "expected 'dual:A,B'"),
    ("dual:cpu,cpu,cpu", "expected 'dual:A,B'"),
])
def test_bad_parts_raise_value_error(name, message):
    with pytest.raises(ValueError, match=message):
        gpustark.ntt.ntt(np.zeros((4, 1), np.uint32), backend=name)
