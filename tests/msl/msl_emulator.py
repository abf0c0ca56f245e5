"""Builds and runs the lane emulator (tests/msl/emulator/).

`build(dest)` prepares the metal/*.metal files (msl_sources), compiles the emulator with g++
and returns an `Emulator`; `Emulator.run(scenario, *args, data=...)` feeds raw u32 words on
stdin and returns the output words. Also a script: `python tests/msl/msl_emulator.py OUT_DIR`
builds OUT_DIR/emulator.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import msl_sources  # noqa: E402

EMULATOR_DIR = msl_sources.MSL_TESTS / "emulator"
# -Wno-attributes: g++ ignores MSL's [[buffer(0)]] and friends.
BASE_FLAGS = ["-O2", "-std=c++20", "-pthread", "-Wall", "-Wno-attributes"]
# Out-of-bounds lanes and undefined shifts abort the run instead of passing by luck.
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


class EmulatorError(RuntimeError):
    pass


def find_cxx() -> str | None:
    return shutil.which(os.environ.get("CXX", "g++")) or shutil.which("g++")


def _compile(cxx: str, flags: list[str], source: Path, exe: Path,
             includes: list[Path]) -> subprocess.CompletedProcess:
    cmd = [cxx, *flags, *(f"-I{d}" for d in includes), str(source), "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    proc.args = cmd
    return proc


def build(dest: Path, sanitize: bool = True) -> "Emulator":
    """Compiles the emulator into dest; falls back to an unsanitised build only when the
    sanitiser runtime is missing (the program itself compiled)."""
    cxx = find_cxx()
    if cxx is None:
        raise EmulatorError("no C++ compiler found (set CXX or install g++)")
    prepared = dest / "metal"
    for f in msl_sources.metal_files():
        msl_sources.prepare(f, prepared)
    includes = [EMULATOR_DIR / "include", EMULATOR_DIR, prepared, msl_sources.KERNEL_INCLUDE]
    exe = dest / "emulator"
    source = EMULATOR_DIR / "emulator.cpp"
    proc = _compile(cxx, BASE_FLAGS + (SANITIZE if sanitize else []), source, exe, includes)
    if proc.returncode != 0 and sanitize:
        plain = _compile(cxx, BASE_FLAGS, source, exe, includes)
        if plain.returncode == 0:
            return Emulator(exe, sanitized=False, build_log=proc.stdout + proc.stderr)
        proc = plain
    if proc.returncode != 0:
        raise EmulatorError(f"emulator build failed:\n$ {' '.join(proc.args)}\n{proc.stdout}{proc.stderr}")
    return Emulator(exe, sanitized=sanitize, build_log=proc.stdout + proc.stderr)


class Emulator:
    def __init__(self, exe: Path, sanitized: bool, build_log: str):
        self.exe = exe
        self.sanitized = sanitized
        self.build_log = build_log

    def scenarios(self) -> dict[str, list[str]]:
        """scenario name -> the kernels it launches (`emulator --list`)."""
        out = subprocess.run([str(self.exe), "--list"], capture_output=True, text=True, check=True).stdout
        return {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}

    def run(self, scenario: str, *args: int, data, group: int | None = None, groups: int | None = None,
            col_major: bool = False, timeout: float = 60) -> np.ndarray:
        """Runs one scenario; data is anything numpy turns into u32 words. group: lanes per
        threadgroup; groups: the cap on a grid-stride kernel's threadgroups. Returns a flat u32
        array."""
        cmd = [str(self.exe)]
        if group is not None:
            cmd += ["--group", str(group)]
        if groups is not None:
            cmd += ["--groups", str(groups)]
        if col_major:
            cmd.append("--col-major")
        cmd += [scenario, *(str(int(a)) for a in args)]
        words = np.ascontiguousarray(np.asarray(data, dtype="<u4")).tobytes()
        proc = subprocess.run(cmd, input=words, capture_output=True, timeout=timeout)
        if proc.returncode != 0:
            raise EmulatorError(f"$ {' '.join(cmd)}  (exit {proc.returncode})\n"
                                f"{proc.stderr.decode(errors='replace')[-4000:]}")
        return np.frombuffer(proc.stdout, dtype="<u4").astype(np.uint32)


if __name__ == "__main__":
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "build/msl_emulator").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    emu = build(out_dir)
    print(f"{emu.exe} (sanitizers {'on' if emu.sanitized else 'off'})")
