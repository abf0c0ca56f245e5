#!/usr/bin/env bash
# One run on an NVIDIA machine: build the extension with CUDA, run the test suite on the `cuda`
# and `dual:cpu,cuda` backends, the native tests (where GoogleTest is installed), compute-sanitizer's
# racecheck on the kernels, compare cuda against cpu on random inputs, time both backends, and
# measure the device's peaks (benchmarks/device_peaks.cu) for the keccakf spans' lower bounds.
#   benchmarks/gpu_check.sh [OUT_DIR]
# Needs nvcc, cmake, numpy and pybind11 (pip or a wheel directory in $GPUSTARK_WHEELS); no network.
# GPUSTARK_CHECK_SUITES narrows the pytest run (default: the whole suite, tests/);
# GPUSTARK_CHECK_PERMS sets the keccakf size (default 1024); GPUSTARK_CHECK_CPU_RUNS the cpu bench runs (5).
# GPUSTARK_CHECK_PART=tests or =bench runs only the checks or only the timings (each fits in one
# 10-minute call on a lent machine; the second reuses the first's build).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-gpu_check_out}
mkdir -p "$out"
status=0

if [ -n "${GPUSTARK_WHEELS:-}" ]; then
    python3 -m pip install -q --no-index --no-deps --target /tmp/gpustark_site "$GPUSTARK_WHEELS"/*.whl || exit 1
    export PYTHONPATH=/tmp/gpustark_site${PYTHONPATH:+:$PYTHONPATH}
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/device.txt"
nvcc --version | tail -2

echo "== build (CUDA on, archs native)"
native_tests=OFF
[ -f /usr/include/gtest/gtest.h ] && native_tests=ON
cmake -S . -B build/gpu -G Ninja -DGPUSTARK_CUDA=ON -DGPUSTARK_PYTHON=ON -DCMAKE_CUDA_ARCHITECTURES=native \
    -DGPUSTARK_NATIVE_TESTS=$native_tests -DGPUSTARK_METAL_HOST_CHECK=OFF \
    -Dpybind11_DIR="$(python3 -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$(command -v python3)" >"$out/configure.log" 2>&1 \
    || { tail -30 "$out/configure.log"; exit 1; }
cmake --build build/gpu -j "$(nproc)" >"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
cp build/gpu/_native*.so python/gpustark/
export PYTHONPATH=$PWD/python:$PWD/tests${PYTHONPATH:+:$PYTHONPATH}
python3 -m gpustark devices | tee "$out/devices.txt"

part=${GPUSTARK_CHECK_PART:-all}
if [ "$part" != bench ]; then
if [ "$native_tests" = ON ]; then
    echo "== native tests (cpu, cuda and dual:cpu,cuda where they apply)"
    ctest --test-dir build/gpu --output-on-failure 2>&1 | tee "$out/ctest.txt" | tail -3
    [ "${PIPESTATUS[0]}" = 0 ] || status=1
else
    echo "== native tests skipped: GoogleTest is not installed (/usr/include/gtest)"
fi

suites=${GPUSTARK_CHECK_SUITES:-tests}
for b in cuda dual:cpu,cuda; do
    echo "== pytest ($suites) on --backend $b"
    python3 -m pytest -q -p no:cacheprovider $suites --backend "$b" 2>&1 | tee "$out/pytest_${b//[:,]/_}.txt" | tail -3
    [ "${PIPESTATUS[0]}" = 0 ] || status=1
done

echo "== cuda vs cpu on random inputs, with timings"
python3 benchmarks/cuda_primitives_check.py 2>&1 | tee "$out/cuda_check.txt" | tail -40
[ "${PIPESTATUS[0]}" = 0 ] || status=1

if [ -n "${GPUSTARK_CHECK_PRIMITIVES:-}" ]; then
    echo "== primitives table, cpu and cuda"
    for b in cpu cuda; do python3 benchmarks/primitives.py --backend "$b" --runs 5 --max-log-ntt 22 2>&1 | tee "$out/primitives_$b.txt"; done
fi

fi

if [ "$part" != tests ]; then
echo "== keccakf proofs on cpu and cuda: byte-identical, and the span table of each"
perms=${GPUSTARK_CHECK_PERMS:-1024}
for b in cpu cuda; do
    python3 -m gpustark prove keccakf --perms "$perms" --backend "$b" --out "$out/keccakf_$b.proof" 2>&1 | tail -1
done
if cmp -s "$out/keccakf_cpu.proof" "$out/keccakf_cuda.proof"; then echo "keccakf proofs identical (cpu, cuda)"; else echo "keccakf proofs DIFFER"; status=1; fi
python3 -m gpustark verify "$out/keccakf_cuda.proof" || status=1
python3 -m gpustark bench keccakf --perms "$perms" --backend cpu --runs "${GPUSTARK_CHECK_CPU_RUNS:-5}" --warmup 1 --json "$out/bench_keccakf_cpu.json" 2>&1 | tee "$out/bench_keccakf_cpu.txt"
python3 -m gpustark bench keccakf --perms "$perms" --backend cuda --runs 5 --warmup 1 --json "$out/bench_keccakf_cuda.json" \
    --baseline "$out/bench_keccakf_cpu.json" 2>&1 | tee "$out/bench_keccakf_cuda.txt"

echo "== device peaks (bandwidth, fp_mul/ef_mul/Poseidon2 rates) and the keccakf spans' lower bounds"
if nvcc -O3 -arch=native -I cpp benchmarks/device_peaks.cu -o build/device_peaks >"$out/device_peaks_build.log" 2>&1; then
    if build/device_peaks >"$out/peaks.json" 2>"$out/device_peaks.log"; then
        cat "$out/peaks.json"
        python3 benchmarks/lower_bounds.py --bench "$out/bench_keccakf_cuda.json" --peaks "$out/peaks.json" 2>&1 \
            | tee "$out/lower_bounds.md"
        [ "${PIPESTATUS[0]}" = 0 ] || status=1
    else
        tail -5 "$out/device_peaks.log"; status=1
    fi
else
    tail -20 "$out/device_peaks_build.log"; status=1
fi
python3 -m gpustark bench interactions-large --backend cpu --runs 5 --warmup 1 --json "$out/bench_il_cpu.json" 2>&1 | tail -3
python3 -m gpustark bench interactions-large --backend cuda --runs 5 --warmup 1 --baseline "$out/bench_il_cpu.json" 2>&1 \
    | tee "$out/bench_il_cuda.txt"
echo "== keccakf on cuda: each backend call inside each span (benchmarks/stage_profile.py)"
python3 benchmarks/stage_profile.py keccakf --perms "$perms" --backend cuda 2>&1 | tee "$out/stage_profile.txt"
fi

if [ "$part" != bench ] && command -v compute-sanitizer >/dev/null && [ "$native_tests" = ON ]; then
    echo "== racecheck on the native tests' CUDA cases (tables, DAG, round 0, r_0 tables, fraction tree, codewords, stacked data)"
    compute-sanitizer --tool racecheck --error-exitcode 3 build/gpu/tests/cpp/gpustark_native_tests \
        --gtest_filter='EfTables.*:DagProgram.*:Round0Sums.*:TraceTables.*:FractionTree.*:EncodeAndCommit.*:StackedMatrix.*' 2>&1 | tail -4 | tee "$out/racecheck_native.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi
if [ "$part" != bench ] && command -v compute-sanitizer >/dev/null; then
    echo "== racecheck on the block NTT and Merkle kernels"
    compute-sanitizer --tool racecheck --error-exitcode 3 python3 -c "
import numpy as np, gpustark
x = np.random.default_rng(1).integers(0, gpustark.field.P, size=(1 << 14, 4), dtype=np.uint32)
assert (gpustark.ntt.ntt(x, backend='cuda') == gpustark.ntt.ntt(x)).all()
# Size-16 transforms over many columns: one fused block pass (bit reversal and scale), several columns per block.
y = np.random.default_rng(2).integers(0, gpustark.field.P, size=(16, 3000), dtype=np.uint32)
for inverse in (False, True):
    assert (gpustark.ntt.ntt(y, inverse=inverse, shift=31, backend='cuda') == gpustark.ntt.ntt(y, inverse=inverse, shift=31)).all()
assert (gpustark.merkle.MerkleTree(x, 2, backend='cuda').root == gpustark.merkle.MerkleTree(x, 2).root).all()
print('racecheck workload ok')" 2>&1 | tail -5 | tee "$out/racecheck.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi
echo "gpu_check status $status"
exit $status
