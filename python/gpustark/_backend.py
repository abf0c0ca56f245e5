"""Backend selection: names are resolved by the native registry; this adds the default and a
clear error for unknown or unavailable names. 'dual:A,B' (A and B both available) runs both and
compares every output."""
from __future__ import annotations

import os

from . import _native

DEFAULT_BACKEND = "cpu"
DUAL_PREFIX = "dual:"


def backends() -> list[str]:
    """Names of the backends this build includes that found a device (always includes 'cpu')."""
    return list(_native.backends())


# Backends gpustark has, and why a build may leave one out (CMakeLists.txt decides at configure time).
NOT_COMPILED_REASONS = {
    "cpu": "always built",
    "cuda": "not compiled into this build: nvcc was not found at build time (or GPUSTARK_CUDA=OFF)",
    "metal": "not compiled into this build: it builds only on macOS with Xcode's Metal compiler (GPUSTARK_METAL)",
}


def backend_status() -> list[dict]:
    """Every backend gpustark has: {'name', 'compiled', 'available', 'reason'}. A compiled backend
    that could not start (a CUDA build on a machine without a GPU) carries its factory's reason; one
    this build left out says so."""
    out = [{"name": name, "compiled": True, "available": bool(started), "reason": reason}
           for name, started, reason in _native.backend_status()]
    compiled = {entry["name"] for entry in out}
    out += [{"name": name, "compiled": False, "available": False, "reason": reason}
            for name, reason in NOT_COMPILED_REASONS.items() if name not in compiled]
    return out


def resolve(backend: str | None) -> str:
    """The backend to use: the argument, else $GPUSTARK_BACKEND, else 'cpu'. A name from
    backends(), 'dual:A,B' over two of them, or 'NAME@K' (K >= 1), stream K of backend NAME: a
    separate instance with its own device queue (gpustark.many)."""
    name = backend or os.environ.get("GPUSTARK_BACKEND") or DEFAULT_BACKEND
    if not isinstance(name, str):
        raise ValueError(f"backend: expected a name such as 'cpu', found {name!r}")
    available = backends()
    base, at, stream = name.rpartition("@")
    if at and base in available and stream.isdigit() and int(stream) >= 1 and stream[0] != "0":
        return name  # stream K of `base`: gpustark.many
    if name.startswith(DUAL_PREFIX):
        _check_dual(name, available)
    elif name not in available:
        raise ValueError(f"backend: '{name}' is not available; available backends: {', '.join(available)}")
    return name


def _check_dual(name: str, available: list[str]) -> None:
    """'dual:A,B' runs every primitive on A and B and compares (the native registry builds it on
    first use), so it is available exactly when A and B are; it is not listed by backends()."""
    parts = name[len(DUAL_PREFIX):].split(",")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"backend: '{name}' is malformed; expected 'dual:A,B' with two backend names, "
                         f"e.g. 'dual:cpu,cpu'")
    for part in parts:
        if part not in available:
            raise ValueError(f"backend: '{name}': '{part}' is not available; available backends: {', '.join(available)}")


def device_info(backend: str | None = None) -> dict:
    """The backend's device name and the limits its launch planner reads."""
    return dict(_native.device_info(resolve(backend)))


def device_memory(backend: str | None = None) -> dict:
    """Device memory the backend holds, in bytes: `in_use_bytes` (allocated now, including the
    scratch and tables it keeps between calls), `peak_bytes` (the most since the backend started or
    the bench last reset it) and `cached_bytes` (freed memory kept for the next proof: CUDA's memory
    pool). `tracked` is False where the backend has no device memory of its own (cpu)."""
    return dict(_native.device_memory(resolve(backend)))


def reset_device_memory_peak(backend: str | None = None) -> None:
    """Starts device_memory's `peak_bytes` again from what the backend holds now."""
    _native.device_memory(resolve(backend), reset_peak=True)


def host_memory() -> dict:
    """The host block cache, in bytes: the prover's large host buffers (the codeword, the stacked
    matrix, the Merkle levels, ...) come from it, and a freed one is kept for the next proof rather
    than given back to the OS, whose fresh pages cost a page fault and a zeroing each.
    `live_bytes` are in buffers now, `cached_bytes` kept for reuse, `peak_bytes` the most ever live
    at once (what is kept never makes live + cached exceed it); `hits` and `misses` count the
    requests served from the cache and from the OS. GPUSTARK_HOST_CACHE=0 turns the keeping off."""
    return dict(_native.host_memory())


def release_host_memory() -> int:
    """Gives the host blocks kept for reuse back to the OS (for a long-lived process between
    proofs); returns how many bytes that was. The next proof maps fresh pages again."""
    return int(_native.release_host_memory())


def release_device_memory(backend: str | None = None) -> None:
    """Gives back what the backend keeps for reuse, once the work queued so far has run: its
    scratch and tables kept between calls, and the pool's free blocks (`cached_bytes`; a block
    that still holds a live allocation stays). The next call allocates again. For a long-lived
    process between proofs; a no-op where nothing is kept."""
    _native.release_cached_memory(resolve(backend))
