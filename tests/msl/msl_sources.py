"""The .metal sources as the MSL lint and the lane emulator see them.

Both tools compile the real metal/*.metal files as C++ with MSL's keywords turned into macros.
One MSL construct defeats that: in `threadgroup u32* s [[threadgroup(0)]]` the attribute's name
is the keyword, and a macro for the qualifier would also rewrite the attribute. So each tool
compiles a prepared copy in which only that attribute is renamed; a #line directive keeps the
diagnostics pointing at the real file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
METAL_DIR = REPO / "metal"
KERNEL_INCLUDE = REPO / "cpp" / "kernels"
MSL_TESTS = Path(__file__).resolve().parent

_THREADGROUP_ATTR = re.compile(r"\[\[\s*threadgroup\s*\(")
_KERNEL = re.compile(r"\bkernel\s+void\s+([A-Za-z_]\w*)\s*\(")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def metal_files() -> list[Path]:
    return sorted(METAL_DIR.glob("*.metal"))


def kernel_headers() -> list[Path]:
    """Every header under cpp/kernels, relative to it (the include path the .metal files use)."""
    return sorted(p.relative_to(KERNEL_INCLUDE) for p in KERNEL_INCLUDE.rglob("*.h"))


def kernel_names(path: Path) -> list[str]:
    """The `kernel void NAME(` entry points of a .metal file (comments ignored)."""
    return _KERNEL.findall(_COMMENTS.sub("", path.read_text()))


def prepared_text(path: Path) -> str:
    text = _THREADGROUP_ATTR.sub("[[gs_threadgroup_index(", path.read_text())
    return f'#line 1 "{path}"\n' + text


def prepare(path: Path, dest_dir: Path) -> Path:
    """Writes the prepared copy of `path` into dest_dir (same file name) and returns it."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    out = dest_dir / path.name
    out.write_text(prepared_text(path))
    return out
