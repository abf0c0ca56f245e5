"""The MSL lint (tests/msl/msl_lint.py) accepts every metal/*.metal file and every kernel header
on its own, and rejects the planted bad files in tests/msl/lint/bad/, each for the reason its
`// expect:` line names."""

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
import msl_lint  # noqa: E402
import msl_sources  # noqa: E402

BAD_FILES = sorted(msl_lint.BAD_DIR.glob("*.metal"))


@pytest.fixture(scope="module")
def clang():
    found = msl_lint.find_clang()
    if found is None:
        pytest.skip("clang-19 not found: install it (apt-get install clang-19) or set GPUSTARK_CLANG")
    return found


def test_there_are_kernels_and_planted_files():
    assert msl_sources.metal_files(), f"no .metal files in {msl_sources.METAL_DIR}"
    assert BAD_FILES, f"no planted bad files in {msl_lint.BAD_DIR}"


@pytest.mark.parametrize("path", msl_sources.metal_files(), ids=lambda p: p.name)
def test_lint_accepts_kernel_file(path, clang, tmp_path):
    result = msl_lint.lint_file(path, clang, tmp_path)
    assert result.ok, f"MSL lint rejected {path}:\n{result.report()}"


@pytest.mark.parametrize("header", msl_sources.kernel_headers(), ids=str)
def test_lint_accepts_kernel_header(header, clang, tmp_path):
    result = msl_lint.lint_header(header, clang, tmp_path)
    assert result.ok, f"MSL lint rejected cpp/kernels/{header}:\n{result.report()}"


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.name)
def test_lint_rejects_planted_file(path, clang, tmp_path):
    expect = re.search(r"^// expect: (.+)$", path.read_text(), re.M)
    assert expect, f"{path} needs an `// expect: <diagnostic text>` line"
    result = msl_lint.lint_file(path, clang, tmp_path)
    assert not result.ok, f"MSL lint accepted the planted bad file {path}:\n{result.report()}"
    assert expect.group(1).strip() in result.output, (
        f"{path} was rejected, but not for `{expect.group(1).strip()}`:\n{result.report()}")
