"""Metal buffers as numpy arrays, without copies (Apple silicon's unified memory).

    import numpy as np
    import gpustark
    from gpustark import metal

    if metal.available():
        states = metal.zeros((1024, 16))          # a numpy view of a Metal buffer in shared storage
        states[:] = np.arange(16, dtype=np.uint32)
        digests = gpustark.hash.hash_rows(states, backend="metal")  # the kernel reads it in place
    else:
        print(metal.unavailable_reason())

Any numpy array works on the `metal` backend; one from zeros() is read by the kernels where it is,
instead of being copied into a buffer first. A GPU failure (a command buffer that completed with
an error) raises MetalError, a RuntimeError naming the kernels it held.
"""
from __future__ import annotations

import math

import numpy as np

from . import _native

__all__ = ["MetalError", "available", "unavailable_reason", "zeros", "is_metal_array"]

_metal = _native.metal

if _metal.built:
    MetalError = _metal.MetalError
else:
    class MetalError(RuntimeError):
        """A Metal command buffer failed (never raised by a build without Metal)."""


def available() -> bool:
    """Whether the `metal` backend is built and found a device."""
    return bool(_metal.status()[0])


def unavailable_reason() -> str | None:
    """Why the `metal` backend cannot be used here, or None when it can."""
    ok, reason = _metal.status()
    return None if ok else str(reason)


def zeros(shape, dtype=np.uint32) -> np.ndarray:
    """A zero-filled array in a Metal buffer in shared storage; raises RuntimeError (saying why)
    when Metal is not available."""
    ok, reason = _metal.status()
    if not ok:
        raise RuntimeError(f"gpustark.metal: {reason}")
    shape = (int(shape),) if np.isscalar(shape) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"shape: expected non-negative sizes, found {shape}")
    dtype = np.dtype(dtype)
    count = math.prod(shape)
    buffer = _metal.buffer(count * dtype.itemsize)
    return np.frombuffer(buffer, dtype=dtype, count=count).reshape(shape)  # the view keeps the buffer


def is_metal_array(array: np.ndarray) -> bool:
    """Whether the `metal` backend would bind this array's memory in place (it lies in one of its
    buffers); False for any array when Metal is not available."""
    if not available() or not isinstance(array, np.ndarray) or array.nbytes == 0:
        return False
    return bool(_metal.holds(array.ctypes.data, array.nbytes))
