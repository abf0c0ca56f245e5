"""The verifier's native fast paths (gpustark._native.verifier) and the conversions they need.

Each phase runs its hot loops natively by default and keeps its Python loop as the readable
reference (`native=False`); tests run both on the same proofs, honest and tampered. Values passed
in are canonical already (the shape checks ran first); results come back as (.., 4) uint32 arrays.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .. import _native
from ..ext import Ext

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


def observe_all(transcript, values) -> None:
    """observe_ext of every value in order, in one native call; `values` is an (.., 4) canonical
    array or a sequence of Ext. The native transcript range-checks every word."""
    array = values if isinstance(values, np.ndarray) else ef_array(values)
    transcript._t.observe_many(array.reshape(-1).tolist())
