"""Every CUDA kernel has a Metal kernel: each `__global__ void NAME_kernel(` in
cpp/backends/cuda/*.cu needs a `kernel void NAME(` in metal/*.metal (the same name without the
`_kernel` suffix), unless ALIASES names the Metal kernel that does the same job, and says why.
Only source text is read: no compiler, no device."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
import msl_sources  # noqa: E402

CUDA_DIR = msl_sources.REPO / "cpp" / "backends" / "cuda"
_GLOBAL = re.compile(r"__global__\s+void\s+([A-Za-z_]\w*)\s*\(")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
SUFFIX = "_kernel"

# CUDA kernel (without the suffix) -> (Metal kernel, why it is another name).
ALIASES: dict[str, tuple[str, str]] = {}


def cuda_kernels() -> dict[str, str]:
    """CUDA kernel name -> the .cu file that defines it."""
    found = {}
    for cu in sorted(CUDA_DIR.glob("*.cu")):
        for name in _GLOBAL.findall(_COMMENTS.sub("", cu.read_text())):
            found[name] = cu.name
    return found


def metal_kernels() -> dict[str, str]:
    """Metal kernel name -> the .metal file that defines it."""
    return {name: f.name for f in msl_sources.metal_files() for name in msl_sources.kernel_names(f)}


def metal_name(cuda_name: str) -> str:
    base = cuda_name[: -len(SUFFIX)] if cuda_name.endswith(SUFFIX) else cuda_name
    return ALIASES.get(base, (base, ""))[0]


def test_cuda_kernels_are_found():
    kernels = cuda_kernels()
    assert len(kernels) >= 20, f"expected the CUDA backend's kernels in {CUDA_DIR}, found {sorted(kernels)}"


def test_cuda_kernel_names_end_in_kernel():
    odd = [f"{cu}: {name}" for name, cu in cuda_kernels().items() if not name.endswith(SUFFIX)]
    assert not odd, f"CUDA kernels must be named NAME{SUFFIX} (the Metal kernel is NAME):\n  " + "\n  ".join(odd)


def test_every_cuda_kernel_has_a_metal_kernel():
    metal = metal_kernels()
    missing = [f"{cu}: {name} needs `kernel void {metal_name(name)}(` in metal/*.metal"
               for name, cu in sorted(cuda_kernels().items()) if metal_name(name) not in metal]
    assert not missing, "CUDA kernels without a Metal kernel:\n  " + "\n  ".join(missing)


def test_aliases_are_current():
    cuda = {name[: -len(SUFFIX)] for name in cuda_kernels()}
    metal = metal_kernels()
    stale = [f"{base} -> {target}" for base, (target, _) in ALIASES.items() if base not in cuda or target not in metal]
    assert not stale, "ALIASES names kernels that no longer exist:\n  " + "\n  ".join(stale)
