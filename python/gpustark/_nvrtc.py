"""Where the CUDA backend finds NVRTC, which compiles each AIR's constraint DAG for the GPU at run
time (cpp/backends/cuda/compiled_dag.h). The native loader tries $GPUSTARK_NVRTC, then the system's
libnvrtc; a pip-installed NVRTC (the `nvidia-cuda-nvrtc` wheel, as `pip install gpustark-cuda13[cuda]`
brings) lies in site-packages, off the loader's path, so its path is handed over here, before the
first CUDA proof. Without NVRTC the interpreter runs (slower, same proofs)."""
from __future__ import annotations

import os
from pathlib import Path

# The wheels' layouts: CUDA 13's nvidia/cu13/lib, CUDA 12's nvidia/cuda_nvrtc/lib.
_WHEEL_LIBRARIES = ("cu13/lib/libnvrtc.so.13", "cuda_nvrtc/lib/libnvrtc.so.12")


def wheel_nvrtc() -> str | None:
    """The path of a pip-installed libnvrtc, or None."""
    try:
        import nvidia  # the namespace package of NVIDIA's wheels
    except ImportError:
        return None
    for root in getattr(nvidia, "__path__", []):
        for relative in _WHEEL_LIBRARIES:
            candidate = Path(root) / relative
            if candidate.is_file():
                return str(candidate)
    return None


def point_native_loader_at_wheel() -> None:
    """Sets GPUSTARK_NVRTC to a pip-installed libnvrtc unless the user set it."""
    if os.environ.get("GPUSTARK_NVRTC"):
        return
    path = wheel_nvrtc()
    if path:
        os.environ["GPUSTARK_NVRTC"] = path
