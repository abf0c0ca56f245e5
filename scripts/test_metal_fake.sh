#!/usr/bin/env bash
# Runs the Python suite with --backend metal on a machine without Metal: the extension is built
# with GPUSTARK_METAL_FAKE_DEVICE, which registers `metal` (MetalBackend and all its C++) over the
# fake device of tests/cpp/test_metal_fake_device.h; that device checks every launch as Metal's
# validation layer would and runs the real metal/*.metal kernels compiled as C++ on the CPU.
# What it cannot check is device.mm, the Metal compiler and real Apple GPUs (docs/metal.md).
#   scripts/test_metal_fake.sh                   the suites that run on a backend, on `metal`
#   scripts/test_metal_fake.sh tests/test_ntt.py --backend dual:cpu,metal   any pytest arguments
# Needs what scripts/test.sh installs (run it first: this reuses its .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/metal-fake
package=$build/python
echo "== building the extension with metal over the fake device ($build)"
[ -x .venv/bin/python ] || { echo "run scripts/test.sh first (it makes .venv)"; exit 2; }
.venv/bin/python -m pip install -q "pybind11>=2.12"
cmake -S . -B "$build" -DGPUSTARK_METAL_FAKE_DEVICE=ON -DGPUSTARK_METAL=OFF -DGPUSTARK_PYTHON=ON -DGPUSTARK_CUDA=OFF \
    -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE="$PWD/.venv/bin/python" \
    -Dpybind11_DIR="$(.venv/bin/python -m pybind11 --cmakedir)" >/dev/null
cmake --build "$build" -j "$(nproc)" --target _native >/dev/null
# The package as the wheel lays it out, with this extension in it.
rm -rf "$package" && mkdir -p "$package"
cp -r python/gpustark "$package/"
rm -f "$package"/gpustark/_native*.so
cp "$build"/_native*.so "$package/gpustark/"

# Without `metal` in the build every test would skip and the run would prove nothing.
PYTHONPATH="$PWD/$package" .venv/bin/python -c "import gpustark, sys; sys.exit(0 if 'metal' in gpustark.backends() \
    else 'the fake-device build has no metal backend: ' + str(gpustark.metal.unavailable_reason()))"

args=("$@")
# By default every suite that runs on a backend; the lint, the lane emulator and the nvcc check
# do not depend on one, and scripts/test.sh has run them already.
[ ${#args[@]} -gt 0 ] || args=(tests --backend metal --ignore-glob='tests/test_lane_emulator*'
                               --ignore=tests/test_msl_lint.py --ignore=tests/test_cuda_compile.py)
echo "== Python tests on the fake metal device: pytest ${args[*]}"
PYTHONPATH="$PWD/$package" .venv/bin/python -m pytest -p no:cacheprovider "${args[@]}"
