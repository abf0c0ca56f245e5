#!/usr/bin/env bash
# Builds gpustark and runs every test: the native unit tests (ctest), the Python suite (pytest), and,
# where Metal is not built, the Python suite on `metal` over the fake device (test_metal_fake.sh).
#   scripts/test.sh                 all default tests
#   scripts/test.sh --run-slow      also the large cases
#   scripts/test.sh --backend cuda  the primitive suites on another backend
# Extra arguments go to pytest. Works on a fresh Debian/Ubuntu machine with Python, gcc and cmake.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages for the native tests (GoogleTest) and the MSL lint (clang-19). As root with
# apt-get they are installed; otherwise the tests that need them are skipped and say why.
missing=()
command -v clang-19 >/dev/null 2>&1 || missing+=(clang-19)
[ -f /usr/include/gtest/gtest.h ] || missing+=(libgtest-dev)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== building and installing gpustark into .venv"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q ".[test]"

if [ -f /usr/include/gtest/gtest.h ]; then
    echo "== native unit tests (ctest)"
    cmake -S . -B build/native -DGPUSTARK_NATIVE_TESTS=ON -DGPUSTARK_CUDA=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build/native -j "$(nproc)" >/dev/null
    ctest --test-dir build/native --output-on-failure
else
    echo "== native unit tests SKIPPED: GoogleTest headers not found (install libgtest-dev)"
fi

echo "== Python tests (pytest)"
.venv/bin/python -m pytest "$@"

if .venv/bin/python -c "import sys, gpustark; sys.exit('metal' in gpustark.backends())"; then
    scripts/test_metal_fake.sh
else
    echo "== Python tests on the fake metal device SKIPPED: this build has the real metal backend"
fi
