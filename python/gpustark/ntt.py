"""Batched number-theoretic transforms over BabyBear, natural order, on Plonky3's two-adic
subgroups: a column c of length n = 2^k maps to evaluations out[i] = sum_j c[j] (s w^i)^j with
w = two_adic_generator(k) and coset shift s (1 by default)."""
from __future__ import annotations

import numpy as np

from . import _native
from ._backend import resolve
from ._checks import P, field_array, power_of_two

__all__ = ["ntt", "intt"]

MAX_LOG_SIZE = 27


def ntt(columns, inverse: bool = False, shift: int = 1, backend: str | None = None) -> np.ndarray:
    """Transform every column of an (n, batch) array (or one (n,) column); returns a new array.

    Forward maps coefficients to evaluations on shift * <w>; inverse maps those evaluations back
    to coefficients.
    """
    columns = field_array(columns, "columns")
    if columns.ndim not in (1, 2):
        raise ValueError(f"columns: expected shape (n,) or (n, batch), found {columns.shape}")
    log_n = power_of_two(columns.shape[0], "columns: number of rows")
    if log_n > MAX_LOG_SIZE:
        raise ValueError(f"columns: BabyBear has subgroups up to 2^{MAX_LOG_SIZE} elements, found 2^{log_n} rows")
    if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)) or not 0 < int(shift) < P:
        raise ValueError(f"shift: expected a nonzero field element in [1, p), found {shift!r}")
    out = _native.ntt(columns.reshape(columns.shape[0], -1), bool(inverse), int(shift), resolve(backend))
    return out.reshape(columns.shape)


def intt(evaluations, shift: int = 1, backend: str | None = None) -> np.ndarray:
    """The inverse transform: ntt(evaluations, inverse=True, ...)."""
    return ntt(evaluations, inverse=True, shift=shift, backend=backend)
