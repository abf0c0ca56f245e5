"""MSL lint: clang-19 -fsyntax-only over .metal files through the shim in tests/msl/lint/.

Usable as a script too: `python tests/msl/msl_lint.py [FILE.metal ...]` (default: metal/*.metal
and every header under cpp/kernels, each on its own).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import msl_sources  # noqa: E402

LINT_DIR = msl_sources.MSL_TESTS / "lint"
SHIM = LINT_DIR / "msl_lint_shim.h"
STDLIB_DIR = LINT_DIR / "include"
BAD_DIR = LINT_DIR / "bad"

FLAGS = [
    "-fsyntax-only", "-x", "c++", "-std=c++17",
    # The shim's address spaces (see msl_lint_shim.h for why SYCL's).
    "-Xclang", "-fsycl-is-device",
    "-Wall", "-Wextra", "-Werror",
    # MSL attributes such as [[buffer(0)]] mean nothing to clang.
    "-Wno-unknown-attributes",
    # `constant const T&` once the shim's constant carries a const.
    "-Wno-duplicate-decl-specifier",
]


def find_clang() -> str | None:
    """$GPUSTARK_CLANG, else clang-19 on PATH, else /usr/bin/clang-19."""
    explicit = os.environ.get("GPUSTARK_CLANG")
    if explicit:
        return shutil.which(explicit)
    found = shutil.which("clang-19")
    if found:
        return found
    return "/usr/bin/clang-19" if Path("/usr/bin/clang-19").exists() else None


@dataclass
class LintResult:
    path: Path
    ok: bool
    command: list[str]
    output: str

    def report(self) -> str:
        return f"$ {' '.join(self.command)}\n{self.output}"


def lint_file(path: Path, clang: str, workdir: Path) -> LintResult:
    prepared = msl_sources.prepare(path, Path(tempfile.mkdtemp(dir=workdir)))
    cmd = [clang, *FLAGS, "-include", str(SHIM), "-isystem", str(STDLIB_DIR),
           "-I", str(msl_sources.KERNEL_INCLUDE), str(prepared)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return LintResult(path, proc.returncode == 0, cmd, proc.stdout + proc.stderr)


def lint_header(header: Path, clang: str, workdir: Path) -> LintResult:
    """Lints one kernel header (relative to cpp/kernels) on its own, as a .metal file that only
    includes it: headers no kernel uses yet must stay valid MSL too."""
    unit = Path(tempfile.mkdtemp(dir=workdir)) / (header.stem + "_header.metal")
    unit.write_text(f'#include "{header.as_posix()}"\n')
    result = lint_file(unit, clang, workdir)
    result.path = msl_sources.KERNEL_INCLUDE / header
    return result


def main(argv: list[str]) -> int:
    clang = find_clang()
    if clang is None:
        print("clang-19 not found (apt-get install clang-19, or set GPUSTARK_CLANG)", file=sys.stderr)
        return 2
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        if argv:
            results = [lint_file(Path(a).resolve(), clang, Path(tmp)) for a in argv]
        else:
            results = [lint_file(f, clang, Path(tmp)) for f in msl_sources.metal_files()]
            results += [lint_header(h, clang, Path(tmp)) for h in msl_sources.kernel_headers()]
        for r in results:
            print(f"{'ok  ' if r.ok else 'FAIL'} {r.path}")
            if not r.ok:
                failed += 1
                print(r.report())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
