"""The verifier's native fast paths (gpustark._native.verifier) and the conversions they need.

Each phase runs its hot loops natively by default and keeps its Python loop as the readable
reference (`native=False`); tests run both on the same proofs, honest and tampered. Values passed
in are canonical already (the shape checks ran first); results come back as (.., 4) uint32 arrays.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .. import _native
from ..ext import Ext, P
from .errors import VerificationError

kernels = _native.verifier


def ef_array(values: Sequence[Ext]) -> np.ndarray:
    """(n, 4) uint32 limbs of Ext values."""
    return np.array([v.c for v in values], dtype=np.uint32).reshape(-1, 4)


def ef_scalar(value: Ext) -> np.ndarray:
    return np.array(value.c, dtype=np.uint32)


def to_ext(limbs: np.ndarray) -> Ext:
    return Ext(*limbs.tolist())


def to_exts(array: np.ndarray) -> list[Ext]:
    return [Ext(*row) for row in array.reshape(-1, 4).tolist()]


def _sponge(transcript):
    """The native transcript under a gpustark.Transcript (or the native one itself): the verifier's
    values are canonical already, so it skips the wrapper's per-call input checks. The native
    transcript still range-checks every word."""
    return getattr(transcript, "_t", transcript)


def observe_ext(transcript, value: Ext) -> None:
    _sponge(transcript).observe_ext(value.c)


def sample_ext(transcript) -> Ext:
    return Ext(*_sponge(transcript).sample_ext())


def observe_all(transcript, values) -> None:
    """observe_ext of every value in order, in one native call; `values` is an (.., 4) canonical
    uint32 array or a sequence of Ext."""
    array = values if isinstance(values, np.ndarray) else ef_array(values)
    kernels.observe_array(_sponge(transcript), array)  # uint32 only: it raises on any other dtype, never casts


def canonical(values, check: str, what: str) -> np.ndarray:
    """`values` (an integer array, or a sequence of Ext) as a canonical uint32 array, or a
    VerificationError naming `check`."""
    def limbs(v):
        if isinstance(v, Ext):
            return v.c
        return [limbs(x) for x in v] if isinstance(v, (list, tuple)) else v

    if not isinstance(values, np.ndarray):
        values = limbs(list(values))
    if not isinstance(values, np.ndarray) or values.dtype != np.uint32:
        try:
            values = np.asarray(values, dtype=np.int64)
        except (TypeError, ValueError, OverflowError) as exc:
            raise VerificationError(check, f"{what}: expected integers") from exc
        if values.size and (values.min() < 0 or values.max() >= P):
            raise VerificationError(check, f"{what}: values must be canonical field elements")
    elif values.size and values.max() >= P:
        raise VerificationError(check, f"{what}: values must be canonical field elements")
    return np.ascontiguousarray(values, dtype=np.uint32)


def sumcheck_rounds(transcript, claim: Ext, values, check: str, what: str) -> tuple[Ext, list[Ext]]:
    """Rounds sent as their polynomial's values at 1..d, shape (rounds, d, 4): per round observe
    them, sample r, claim <- the polynomial through (0, claim - v_1), (1, v_1).. at r.
    Returns (final claim, the r of each round)."""
    array = canonical(values, check, what)
    if array.size == 0:
        return claim, []
    if array.ndim != 3 or array.shape[2] != 4:
        raise VerificationError(check, f"{what}: expected (rounds, values, 4), found shape {array.shape}")
    final, challenges = kernels.sumcheck_rounds(_sponge(transcript), ef_scalar(claim), array)
    return to_ext(final), to_exts(challenges)
