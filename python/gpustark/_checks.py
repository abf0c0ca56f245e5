"""Input validation shared by the public API: every check raises ValueError naming what was
expected and what was found, before anything reaches native code."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

P = 2013265921

# Arrays above this many values are scanned in pieces on several threads (numpy's reductions
# release the GIL): a prover's traces run to hundreds of MB.
_PARALLEL_SCAN_VALUES = 1 << 22
_scan_pool: ThreadPoolExecutor | None = None
_scan_pool_pid = 0  # a forked child has the pool object but none of its threads: it makes its own


def largest_value(array: np.ndarray) -> int:
    """The largest value of a non-empty uint32 array, as numpy's max, over several threads when large."""
    global _scan_pool, _scan_pool_pid
    threads = os.cpu_count() or 1
    if array.size < _PARALLEL_SCAN_VALUES or threads == 1:
        return int(array.max())
    if _scan_pool is None or _scan_pool_pid != os.getpid():
        _scan_pool = ThreadPoolExecutor(threads, thread_name_prefix="gpustark-scan")
        _scan_pool_pid = os.getpid()
    flat = np.ascontiguousarray(array).reshape(-1)
    pieces = 4 * threads  # a few per thread, so one slow thread does not hold up the rest
    bounds = [len(flat) * i // pieces for i in range(pieces + 1)]
    return max(_scan_pool.map(lambda i: int(flat[bounds[i]:bounds[i + 1]].max()), range(pieces)))


def field_array(value, name: str, *, ndim: int | None = None, last_dim: int | None = None) -> np.ndarray:
    """Return `value` as a C-contiguous uint32 array of canonical field elements.

    numpy arrays must already have dtype uint32 (no silent casts); Python lists and ints are
    converted after a range check.
    """
    if isinstance(value, np.ndarray):
        if value.dtype != np.uint32:
            raise ValueError(f"{name}: expected dtype uint32, found {value.dtype}")
        array = value
    else:
        try:
            wide = np.asarray(value, dtype=np.int64)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValueError(f"{name}: expected integers in [0, p), found {value!r:.80}") from exc
        if wide.size and (wide.min() < 0 or wide.max() >= P):
            bad = wide[(wide < 0) | (wide >= P)].flat[0]
            raise ValueError(f"{name}: values must be canonical field elements in [0, p = {P}), found {bad}")
        array = wide.astype(np.uint32)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-d array, found shape {array.shape}")
    if last_dim is not None and (array.ndim == 0 or array.shape[-1] != last_dim):
        raise ValueError(f"{name}: expected last axis of size {last_dim}, found shape {array.shape}")
    if array.size and largest_value(array) >= P:
        bad = int(array[array >= P].flat[0])
        raise ValueError(f"{name}: values must be canonical field elements in [0, p = {P}), found {bad}")
    return np.ascontiguousarray(array)


def power_of_two(n: int, name: str, *, allow_one: bool = True) -> int:
    """Return log2(n), or raise if n is not a power of two."""
    if n < 1 or n & (n - 1) or (n == 1 and not allow_one):
        raise ValueError(f"{name}: expected a power of two, found {n}")
    return n.bit_length() - 1


def nonnegative_int(value, name: str, *, below: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}: expected an integer, found {type(value).__name__}")
    value = int(value)
    if value < 0 or (below is not None and value >= below):
        bound = f"[0, {below})" if below is not None else ">= 0"
        raise ValueError(f"{name}: expected an integer in {bound}, found {value}")
    return value


def read_file_capped(path, cap: int, refusal: str) -> bytes:
    """The file's bytes, reading at most cap + 1 of them: ValueError "{path}: larger than N MiB,
    {refusal}" for a longer file (so /dev/zero or a huge file never fills memory)."""
    with open(path, "rb") as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise ValueError(f"{path}: larger than {cap >> 20} MiB, {refusal}")
    return data
