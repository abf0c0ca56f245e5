#!/usr/bin/env bash
# Writes the source tree of the NVIDIA package, gpustark-cudaNN (NN: nvcc's CUDA major version), to
# DEST: this checkout's files with pyproject.toml renamed, GPUSTARK_CUDA=ON and the wheel's CUDA
# architectures by default (CUDAARCHS overrides them, in CMake's form). Both
# packages install the module `gpustark`; install one of them (as cupy's packages do).
#   scripts/cuda_variant.sh DEST     then: pip wheel DEST
set -euo pipefail
dest=${1:?usage: scripts/cuda_variant.sh DEST}
cd "$(dirname "$0")/.."

# GPUSTARK_CUDA_MAJOR names it where the nvcc that builds it is elsewhere (a manylinux container).
major=${GPUSTARK_CUDA_MAJOR:-}
if [ -z "$major" ]; then
    nvcc=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
    major=$("$nvcc" --version | sed -n 's/.*release \([0-9]*\)\..*/\1/p')
    [ -n "$major" ] || { echo "cuda_variant.sh: cannot read the CUDA version from $nvcc --version" >&2; exit 1; }
fi

rm -rf "$dest" && mkdir -p "$dest"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked and untracked-but-not-ignored files: what the sdist would hold, without build outputs.
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
        [ -e "$f" ] && printf '%s\0' "$f"
    done | tar --null -T - -cf - | tar -xf - -C "$dest"
else  # a copy of the tree without git (a lent GPU machine): everything but build outputs and caches
    tar --exclude=build --exclude=./.venv --exclude=./.whl --exclude=./wheelhouse --exclude=./.git \
        --exclude='*.so' --exclude=__pycache__ -cf - . | tar -xf - -C "$dest"
fi

# The wheel's GPUs: Turing to Hopper and Blackwell as SASS, and PTX of the newest, which the driver
# compiles for GPUs after it. A source build (no wheel) keeps cmake/cuda.cmake's shorter default.
archs="75-real;80-real;86-real;89-real;90-real;100-real;120-real;120-virtual"
sed -i \
    -e "s/^name = \"gpustark\"$/name = \"gpustark-cuda${major}\"/" \
    -e 's/^GPUSTARK_CUDA = { env = "GPUSTARK_CUDA", default = "AUTO" }$/GPUSTARK_CUDA = { env = "GPUSTARK_CUDA", default = "ON" }\
CMAKE_CUDA_ARCHITECTURES = { env = "CUDAARCHS", default = "'"$archs"'" }/' \
    "$dest/pyproject.toml"
grep -q "^name = \"gpustark-cuda${major}\"$" "$dest/pyproject.toml" &&
    grep -q 'default = "ON" }$' "$dest/pyproject.toml" &&
    grep -q '^CMAKE_CUDA_ARCHITECTURES = ' "$dest/pyproject.toml" ||
    { echo "cuda_variant.sh: pyproject.toml did not take the rename" >&2; exit 1; }
echo "gpustark-cuda${major}"
