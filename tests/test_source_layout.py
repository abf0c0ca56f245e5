"""The C++ tree's layers point one way, and every header has a name of its own.

kernels <- core <- prover <- bindings, with backends/ beside the prover and the verifier on core
alone: a lower layer never includes a higher one, so a reader can place any file by its folder.
A header name unique in the tree means an include or a grep reads one way only.
"""
import collections
import pathlib
import re

import pytest

CPP = pathlib.Path(__file__).resolve().parent.parent / "cpp"
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

# The top folders under cpp/ each layer may include (besides its own).
ALLOWED = {
    "kernels": set(),
    "core": {"kernels"},
    "verifier": {"kernels", "core"},
    "prover": {"kernels", "core"},
    "backends": {"kernels", "core", "prover"},
    "bindings": {"kernels", "core", "prover", "backends", "verifier"},
}


def _sources():
    return [p for p in CPP.rglob("*") if p.suffix in {".h", ".cuh", ".cpp", ".cu", ".mm"}]


def _included_layers(path):
    for name in INCLUDE.findall(path.read_text(errors="replace")):
        target = (path.parent / name).resolve()
        if not target.is_relative_to(CPP):
            yield name, "outside cpp/"
            continue
        yield name, target.relative_to(CPP).parts[0]


def test_every_top_folder_has_a_layer():
    assert {p.name for p in CPP.iterdir() if p.is_dir()} == set(ALLOWED)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_includes_only_lower_layers(layer):
    wrong = []
    for path in _sources():
        if path.relative_to(CPP).parts[0] != layer:
            continue
        for name, target in _included_layers(path):
            if target != layer and target not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(CPP)} includes {name} ({target})")
    assert not wrong, "\n".join(wrong)


def test_header_names_are_unique():
    by_name = collections.defaultdict(list)
    for path in _sources():
        if path.suffix in {".h", ".cuh"}:
            by_name[path.name].append(str(path.relative_to(CPP)))
    shared = {name: paths for name, paths in by_name.items() if len(paths) > 1}
    assert not shared, shared


def test_product_build_reads_nothing_from_tests():
    root = CPP.parent
    lists = [root / "CMakeLists.txt", *CPP.rglob("CMakeLists.txt")]
    for path in lists:
        text = "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())
        # The top level adds tests/cpp only under GPUSTARK_NATIVE_TESTS; nothing else names tests/.
        offenders = [line for line in text.splitlines() if "tests/" in line and "add_subdirectory(tests/cpp)" not in line]
        assert not offenders, f"{path.relative_to(root)}: {offenders}"


def test_kernel_bodies_share_one_suffix():
    # A lane body is named <kernel>_lane in cpp/kernels, whichever backend wraps it.
    other = re.compile(r"\b\w+_body\s*\(")
    found = [f"{p.relative_to(CPP)}: {m.group(0)}" for p in (CPP / "kernels").rglob("*.h")
             for m in other.finditer(p.read_text())]
    assert not found, found


# iostreams crashed inside the extension on the lent CUDA hosts: an ostream's number formatting in
# core/dag_source.cpp, and (2026-12-07) every process that sized the CPU pool once
# core/cpu_count.cpp read its cgroup files through them (a segfault in device_info('cpu') and on
# the first parallel step; the same build's cpu_count.cpp alone is what changed from a build that
# ran). Code that runs there reads and writes text with C stdio and std::string instead. Only the
# Metal backend, which runs on Apple machines, reads its sources with them.
IOSTREAM = re.compile(r"^\s*#\s*include\s+<(iostream|fstream|sstream|istream|ostream)>", re.M)


def test_no_iostreams_where_the_cuda_extension_runs():
    found = [str(p.relative_to(CPP)) for p in _sources()
             if IOSTREAM.search(p.read_text(errors="replace")) and p.relative_to(CPP).parts[:2] != ("backends", "metal")]
    assert not found, f"iostreams in {found}: use C stdio and std::string (see core/cpu_count.cpp)"
