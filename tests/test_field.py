"""BabyBear and its quartic extension against galois (a maintained finite-field library)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpustark import field

# An oracle, not a runtime dependency: `pip install .[test]` brings it; a bare GPU machine may lack it.
galois = pytest.importorskip("galois", reason="galois (the test oracle) is not installed")

P = field.P
GF = galois.GF(P)
elements = st.integers(min_value=0, max_value=P - 1)


@pytest.fixture(scope="module")
def gf4():
    # EF = F[X]/(X^4 - 11); galois writes coefficient vectors highest degree first.
    return galois.GF(P**4, irreducible_poly=galois.Poly([1, 0, 0, 0, P - 11], field=GF), verify=False)


def to_galois(gf4, limbs):
    return gf4.Vector(np.asarray(limbs, dtype=np.int64)[..., ::-1])


def from_galois(values):
    return np.asarray(values.vector(), dtype=np.uint32)[..., ::-1]


def random_field(rng, shape):
    values = rng.integers(0, P, size=shape, dtype=np.uint32)
    values.flat[: min(4, values.size)] = [0, 1, P - 1, P - 2][: min(4, values.size)]  # edges
    return values


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_base_ops_match_galois(rng, size):
    a, b = random_field(rng, size), random_field(rng, size)
    ga, gb = GF(a), GF(b)
    assert np.array_equal(field.add(a, b), ga + gb)
    assert np.array_equal(field.sub(a, b), ga - gb)
    assert np.array_equal(field.mul(a, b), ga * gb)
    assert np.array_equal(field.neg(a), -ga)
    nonzero = np.where(a == 0, 1, a).astype(np.uint32)
    assert np.array_equal(field.inv(nonzero), GF(nonzero) ** -1)
    assert np.array_equal(field.pow(a, 7), ga**7)
    assert np.array_equal(field.pow(a, 0), GF(np.ones(size, dtype=np.int64)))


@given(elements, elements, st.integers(min_value=0, max_value=2**64 - 1))
@settings(max_examples=200, deadline=None)
def test_base_ops_properties(a, b, e):
    assert int(field.mul([a], [b])[0]) == a * b % P
    assert int(field.add([a], [b])[0]) == (a + b) % P
    assert int(field.sub([a], [b])[0]) == (a - b) % P
    assert int(field.pow([a], e)[0]) == pow(a, e, P)


@pytest.mark.parametrize("size", [1, 50])
def test_extension_ops_match_galois(gf4, rng, size):
    a, b = random_field(rng, (size, 4)), random_field(rng, (size, 4))
    a[0] = [0, 0, 0, 1]  # X^3: the reduction X^4 = 11 is exercised by a^2
    ga, gb = to_galois(gf4, a), to_galois(gf4, b)
    assert np.array_equal(field.ext_add(a, b), from_galois(ga + gb))
    assert np.array_equal(field.ext_sub(a, b), from_galois(ga - gb))
    assert np.array_equal(field.ext_mul(a, b), from_galois(ga * gb))
    assert field.ext_mul(a[:1], a[:1])[0].tolist() == [0, 0, 11, 0]  # X^6 = 11 X^2
    assert np.array_equal(field.ext_inv(a), from_galois(ga**-1))
    assert np.array_equal(field.ext_pow(a, 12345), from_galois(ga**12345))


def test_inverse_of_zero_is_refused():
    with pytest.raises(ValueError, match="zero"):
        field.inv([0])
    with pytest.raises(ValueError, match="zero"):
        field.ext_inv([[0, 0, 0, 0]])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: field.add(np.zeros(3, np.int64), np.zeros(3, np.uint32)), "dtype uint32, found int64"),
        (lambda: field.mul([P], [1]), "found 2013265921"),
        (lambda: field.add([-1], [1]), "found -1"),
        (lambda: field.add([1, 2], [1]), "equal shapes"),
        (lambda: field.ext_mul([[1, 2, 3]], [[1, 2, 3]]), "last axis of size 4"),
        (lambda: field.two_adic_generator(28), r"\[0, 28\)"),
    ],
)
def test_bad_input_names_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()
