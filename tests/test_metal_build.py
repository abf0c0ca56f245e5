"""The parts of the Metal build that only run on a Mac, checked here: the script that embeds the
metallib in the extension, and the macOS workflow that builds and tests it."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EMBED = REPO / "cpp" / "backends" / "metal" / "embed_file.cmake"
WORKFLOW = REPO / ".github" / "workflows" / "macos.yml"


@pytest.mark.parametrize("data", [b"\x00", bytes(range(256)) * 3 + b"tail"], ids=["one byte", "771 bytes"])
def test_embed_script_writes_the_bytes_as_a_cpp_array(tmp_path, data):
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("cmake not found")
    src, out = tmp_path / "lib.metallib", tmp_path / "data.cpp"
    src.write_bytes(data)
    subprocess.run([cmake, f"-DINPUT={src}", f"-DOUTPUT={out}", "-P", str(EMBED)], check=True, capture_output=True)
    text = out.read_text()
    assert f"kLibrary[{len(data)}]" in text
    assert "LibraryBytes embedded_library()" in text
    assert bytes(int(b, 16) for b in re.findall(r"0x([0-9a-f]{2}),", text)) == data


def test_embed_script_refuses_an_empty_metallib(tmp_path):
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("cmake not found")
    src = tmp_path / "empty.metallib"
    src.write_bytes(b"")
    proc = subprocess.run([cmake, f"-DINPUT={src}", f"-DOUTPUT={tmp_path / 'x.cpp'}", "-P", str(EMBED)],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "is empty" in proc.stderr


def test_macos_workflow_runs_the_suite_on_metal_and_dual_and_the_bench():
    text = WORKFLOW.read_text()
    runner = re.search(r"^\s*runs-on:\s*(.+)$", text, re.M).group(1)
    assert re.search(r"macos-(1[4-9]|[2-9]\d)", runner), f"an Apple-silicon runner (macos-14 or later), found {runner}"
    for command in ("pip wheel .", "pytest tests -q --backend metal", "pytest tests -q --backend dual:cpu,metal",
                    "gpustark bench keccakf --backend metal --runs 5", "ctest --test-dir build/native"):
        assert command in text, f"{WORKFLOW.name} does not run `{command}`"
    assert re.search(r'GPUSTARK_METAL:\s*"ON"', text), "a build without Metal must fail, not pass vacuously"
    assert re.search(r'MACOSX_DEPLOYMENT_TARGET:\s*"12\.0"', text), "the wheel is for macOS 12 and later (MSL 2.4)"


def test_macos_workflow_is_valid_yaml():
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["metal"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert all("run" in step or "uses" in step for step in steps)
