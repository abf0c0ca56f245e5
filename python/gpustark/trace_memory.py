"""Host memory for traces that a device backend uploads fastest.

    trace = gpustark.empty_trace(height, width, backend="cuda")   # page-locked on cuda
    trace[:] = values                                            # or generate into it in place
    proof = gpustark.prove(pk, [trace], backend="cuda")

On `cuda` the array lives in page-locked (pinned) host memory: the prover's upload is then one
asynchronous copy that the copy engine reads straight from the array, while the host goes on,
instead of a copy through pinned staging that the host waits for (docs/device.md, "Traces in
page-locked memory"). Elsewhere it is plain numpy memory. Page-locked memory is slow to allocate
and taken from the host's RAM: allocate once and reuse the array for proof after proof.
"""
from __future__ import annotations

import numpy as np

from . import _backend, _native
from .field import P

__all__ = ["empty_trace", "trace_in_backend_memory"]


def _dimension(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"empty_trace: {name} must be a positive integer, found {value!r}")
    return int(value)


def empty_trace(height: int, width: int, backend: str | None = None) -> np.ndarray:
    """An uninitialised C-contiguous (height, width) uint32 array in the host memory that
    `backend`'s device copies from fastest: page-locked on cuda, plain numpy memory elsewhere."""
    height, width = _dimension(height, "height"), _dimension(width, "width")
    array = _native.trace_host_array(height, width, _backend.resolve(backend))
    return np.empty((height, width), dtype=np.uint32) if array is None else array


def trace_in_backend_memory(trace: np.ndarray, backend: str | None = None) -> np.ndarray:
    """A copy of a 2-d trace of integers in [0, p) in empty_trace's memory for `backend`."""
    trace = np.asarray(trace)
    if trace.ndim != 2 or 0 in trace.shape:
        raise ValueError(f"trace_in_backend_memory: expected a non-empty 2-d trace, found shape {trace.shape}")
    if not np.issubdtype(trace.dtype, np.integer):
        raise ValueError(f"trace_in_backend_memory: expected integer values, found dtype {trace.dtype}")
    if trace.dtype != np.uint32 and (trace.min() < 0 or trace.max() >= P):
        raise ValueError(f"trace_in_backend_memory: values must lie in [0, p = {P}), found "
                         f"{trace.min()}..{trace.max()}")
    out = empty_trace(trace.shape[0], trace.shape[1], backend)
    np.copyto(out, trace, casting="unsafe")  # in range: every value fits uint32 as it is
    return out
