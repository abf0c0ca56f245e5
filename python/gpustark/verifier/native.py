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
    array or a sequence of Ext."""
    array = values if isinstance(values, np.ndarray) else ef_array(values)
    _sponge(transcript).observe_many(array.reshape(-1).tolist())
