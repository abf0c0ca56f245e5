"""The CUDA backend compiles: every cpp/backends/cuda/*.cu (the kernels and their launchers, which
pull in the shared kernel headers as CUDA) and the host-side *.cpp, with `nvcc -c`.

Needs only nvcc, no GPU. Skipped when nvcc is not installed. The files are compiled once each,
in parallel, into a temporary directory.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CUDA_DIR = ROOT / "cpp" / "backends" / "cuda"
SOURCES = sorted(CUDA_DIR.glob("*.cu")) + sorted(CUDA_DIR.glob("*.cpp"))
ARCH = "sm_90"
TIMEOUT_S = 300


def find_nvcc() -> str | None:
    found = shutil.which("nvcc")
    if found:
        return found
    for candidate in (os.environ.get("CUDACXX"), "/usr/local/cuda/bin/nvcc"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


NVCC = find_nvcc()
pytestmark = pytest.mark.skipif(NVCC is None, reason="nvcc not found (not on PATH, $CUDACXX or /usr/local/cuda/bin)")


def _compile(source: Path, out_dir: Path) -> subprocess.CompletedProcess:
    cmd = [
        NVCC,
        "-c",
        "-std=c++17",
        "-I",
        str(ROOT / "cpp"),
        f"-arch={ARCH}",
        str(source),
        "-o",
        str(out_dir / (source.name + ".o")),
    ]
    if source.suffix == ".cu":
        cmd[1:1] = ["-Xptxas", "-v"]  # each kernel's registers and stack frame (test_arrays_stay_in_registers)
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(cmd, returncode=-1, stdout=str(e.stdout or ""),
                                           stderr=f"timed out after {TIMEOUT_S} s")


@pytest.fixture(scope="module")
def compiled():
    """source name -> CompletedProcess, all sources compiled once, in parallel."""
    with tempfile.TemporaryDirectory(prefix="gpustark-nvcc-") as tmp:
        workers = max(1, min(len(SOURCES), os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = dict(zip((s.name for s in SOURCES), pool.map(lambda s: _compile(s, Path(tmp)), SOURCES)))
        yield results


def test_sources_present():
    names = {s.name for s in SOURCES}
    for family in ("poseidon2.cu", "merkle.cu", "ntt.cu", "pow.cu"):
        assert family in names, f"{family} missing from {CUDA_DIR}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_nvcc_compiles(source: Path, compiled):
    result = compiled[source.name]
    output = (result.stdout or "") + (result.stderr or "")
    assert result.returncode == 0, (
        f"nvcc failed on {source.relative_to(ROOT)} (exit {result.returncode}):\n"
        f"$ {' '.join(map(str, result.args))}\n{output}"
    )


# Kernels whose per-thread arrays must live in registers: a chunk of the register DFT
# (kernels/ntt/ntt_registers.h) or a Poseidon2 state. An array indexed in a loop that nvcc did not
# unroll goes to local memory instead, which ptxas reports as a stack frame: round 0's gather and
# the stacked message had 128 bytes of it at l_skip = 4 while the DFT's stages ran `half <<= 1`, and
# the device transcript's sponge step 128 bytes while it wrote the rate lane absorb_idx by index.
IN_REGISTERS = [("round0.cu", "round0_gather_kernel"), ("stacked.cu", "stacked_message_kernel"),
                ("merkle.cu", "merkle_leaf_kernel"), ("merkle.cu", "merkle_compress_kernel"),
                ("poseidon2.cu", "poseidon2_permute_kernel"), ("pow.cu", "pow_grind_kernel"),
                ("sumcheck.cu", "sumcheck_sponge_step_kernel"), ("sumcheck.cu", "sumcheck_sponge_grind_kernel"),
                ("sumcheck.cu", "sumcheck_sponge_witness_kernel")]


@pytest.mark.parametrize("source,kernel", IN_REGISTERS, ids=lambda v: v)
def test_arrays_stay_in_registers(source: str, kernel: str, compiled):
    import re

    output = (compiled[source].stdout or "") + (compiled[source].stderr or "")
    frames = {name: int(size) for name, size in
              re.findall(r"Function properties for (\S+)\s+(\d+) bytes stack frame", output)}
    mine = {name: size for name, size in frames.items() if kernel in name}
    assert mine, f"ptxas reported no properties for {kernel} in {source}:\n{output}"
    assert all(size == 0 for size in mine.values()), f"{kernel} has a stack frame (local memory): {mine}"


def _host_cxx() -> str | None:
    for name in (os.environ.get("CXX"), "c++", "g++", "clang++"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def test_backend_header_is_plain_cpp():
    """cuda_backend.h is included by plain C++ (backends/builtin.cpp), so it must compile without any
    CUDA header on the include path; only cuda_backend.cpp and the .cu files talk to the runtime."""
    cxx = _host_cxx()
    if cxx is None:
        pytest.skip("no host C++ compiler")
    cmd = [cxx, "-std=c++17", "-fsyntax-only", "-x", "c++", "-I", str(ROOT / "cpp"),
           str(CUDA_DIR / "cuda_backend.h")]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=ROOT)
    assert result.returncode == 0, f"$ {' '.join(cmd)}\n{result.stdout}{result.stderr}"


def test_lane_kernels_stride_over_the_grid():
    """The planner may raise items_per_thread above 1 (a grid over max_groups, or the grinder's one
    wave of resident threads), so every lane kernel loops `lane += lane_stride()` (launch.h)
    instead of assuming one lane per thread; the block NTT does not, and the sumcheck rounds' sponge
    step runs as one block (its launcher refuses any other grid) whose threads stride over the
    round's partial sums."""
    import re

    kernels = {}
    for source in CUDA_DIR.glob("*.cu"):
        text = source.read_text()
        for match in re.finditer(r"__global__ void (\w+)\([^)]*\)\s*\{(.*?)\n\}", text, re.S):
            kernels[match.group(1)] = match.group(2)
    header = (ROOT / "cpp" / "backends" / "gpu" / "kernel_id.h").read_text()
    enum = re.search(r"enum class Kernel : int \{(.*?)\};", header, re.S).group(1)
    declared = [name for name in re.findall(r"(\w+),", enum) if name != "Count"]
    assert len(kernels) == len(declared), (sorted(kernels), declared)
    for name, body in kernels.items():
        if name == "ntt_block_kernel":
            assert "lane_stride" not in body
            continue
        if name == "sumcheck_sponge_step_kernel":
            assert "sumcheck_sponge_partials_lane(threadIdx.x, blockDim.x" in body, body
            continue
        assert re.search(r"for \(uint64_t \w+ = first_lane\(\); \w+ < [\w.]+; \w+ \+= lane_stride\(\)\)", body), (
            f"{name} is not a grid-stride loop:\n{body}")
