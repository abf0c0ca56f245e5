"""BabyBear (p = 2^31 - 2^27 + 1) and its quartic extension F[X]/(X^4 - 11), elementwise on numpy
arrays of canonical uint32 values. Extension elements are a last axis of size 4: (a0, a1, a2, a3)."""
from __future__ import annotations

import numpy as np

from . import _native
from ._checks import P, field_array, nonnegative_int

__all__ = ["P", "TWO_ADICITY", "add", "sub", "mul", "neg", "inv", "pow", "two_adic_generator",
           "ext_add", "ext_sub", "ext_mul", "ext_neg", "ext_inv", "ext_pow"]

TWO_ADICITY = 27


def _pair(a, b):
    a, b = field_array(a, "a"), field_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b: expected equal shapes, found {a.shape} and {b.shape}")
    return a, b


def add(a, b) -> np.ndarray:
    return _native.fp_add(*_pair(a, b))


def sub(a, b) -> np.ndarray:
    return _native.fp_sub(*_pair(a, b))


def mul(a, b) -> np.ndarray:
    return _native.fp_mul(*_pair(a, b))


def neg(a) -> np.ndarray:
    return _native.fp_neg(field_array(a, "a"))


def inv(a) -> np.ndarray:
    """Multiplicative inverse; raises on zero."""
    a = field_array(a, "a")
    if (a == 0).any():
        raise ValueError("inv: zero has no inverse")
    return _native.fp_inv(a)


def pow(a, exponent: int) -> np.ndarray:  # noqa: A001 - mirrors the field operation's name
    return _native.fp_pow(field_array(a, "a"), nonnegative_int(exponent, "exponent", below=2**64))


def two_adic_generator(log_order: int) -> int:
    """Plonky3's generator of the subgroup of order 2^log_order (log_order <= 27)."""
    return int(_native.two_adic_generator(nonnegative_int(log_order, "log_order", below=TWO_ADICITY + 1)))


def _ext(a, name):
    return field_array(a, name, last_dim=4)


def _ext_pair(a, b):
    a, b = _ext(a, "a"), _ext(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b: expected equal shapes, found {a.shape} and {b.shape}")
    return a, b


def ext_add(a, b) -> np.ndarray:
    return _native.ef_add(*_ext_pair(a, b))


def ext_sub(a, b) -> np.ndarray:
    return _native.ef_sub(*_ext_pair(a, b))


def ext_mul(a, b) -> np.ndarray:
    return _native.ef_mul(*_ext_pair(a, b))


def ext_neg(a) -> np.ndarray:
    return _native.ef_neg(_ext(a, "a"))


def ext_inv(a) -> np.ndarray:
    """Inverse in the extension; raises on zero."""
    a = _ext(a, "a")
    if (a.reshape(-1, 4) == 0).all(axis=1).any():
        raise ValueError("ext_inv: zero has no inverse")
    return _native.ef_inv(a)


def ext_pow(a, exponent: int) -> np.ndarray:
    return _native.ef_pow(_ext(a, "a"), nonnegative_int(exponent, "exponent", below=2**64))
