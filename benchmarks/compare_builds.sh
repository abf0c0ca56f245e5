#!/usr/bin/env bash
# Two builds side by side on one NVIDIA machine: a base source tree and this one, built alike, each
# proving keccakf on `cuda` in turn (base, this, base, this, ...), so that lease-to-lease drift does not
# enter the ratio. Proofs of the two builds must be byte-identical.
#   benchmarks/compare_builds.sh BASE_DIR [ROUNDS] [OUT_DIR]
# BASE_DIR holds the build before (e.g. `git archive COMMIT | tar -x -C BASE_DIR`). Each round runs
# `gpustark bench keccakf --backend cuda --runs 5 --warmup 1` once per build; GPUSTARK_CHECK_PERMS sets the
# size (default 1024), GPUSTARK_CHECK_WORKLOAD another workload (e.g. interactions-large). Proofs are compared as OpenVM bytes (--raw: file headers may differ). Prints each round's median of stark_prove_excluding_trace and the ratio of medians.
set -uo pipefail
cd "$(dirname "$0")/.."
base=$(cd "$1" && pwd)
rounds=${2:-2}
out=${3:-compare_out}
perms=${GPUSTARK_CHECK_PERMS:-1024}
workload=${GPUSTARK_CHECK_WORKLOAD:-keccakf}
size=(); [ "$workload" = keccakf ] && size=(--perms "$perms")
mkdir -p "$out"

build() {  # build SRC_DIR BUILD_DIR: the extension with CUDA, copied next to the tree's Python package
    cmake -S "$1" -B "$2" -G Ninja -DGPUSTARK_CUDA=ON -DGPUSTARK_PYTHON=ON -DCMAKE_CUDA_ARCHITECTURES=native \
        -DGPUSTARK_NATIVE_TESTS=OFF -DGPUSTARK_METAL_HOST_CHECK=OFF -DCMAKE_BUILD_TYPE=Release \
        -Dpybind11_DIR="$(python3 -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$(command -v python3)" \
        >"$out/configure_$3.log" 2>&1 && cmake --build "$2" -j "$(nproc)" >"$out/build_$3.log" 2>&1 \
        || { tail -30 "$out/build_$3.log" "$out/configure_$3.log"; exit 1; }
    cp "$2"/_native*.so "$1/python/gpustark/"
}
echo "== building base ($base) and this tree"
build "$base" "$base/build/compare" base &
build "$PWD" build/compare this &
wait

run() {  # run NAME SRC_DIR ROUND
    PYTHONPATH="$2/python" python3 -m gpustark bench "$workload" ${size[@]+"${size[@]}"} --backend cuda --runs 5 --warmup 1 \
        --json "$out/$1_$3.json" >"$out/$1_$3.txt" 2>&1 || { tail -20 "$out/$1_$3.txt"; exit 1; }
}
for name in base this; do
    src=$base; [ $name = this ] && src=$PWD
    # Each build starts its backends and describes them first: a build that cannot start says so here.
    PYTHONPATH="$src/python" python3 -X faulthandler -m gpustark devices >"$out/devices_$name.txt" 2>&1 \
        || { echo "$name: gpustark devices failed:"; tail -20 "$out/devices_$name.txt"; exit 1; }
    PYTHONPATH="$src/python" python3 -X faulthandler -m gpustark prove "$workload" ${size[@]+"${size[@]}"} --backend cuda --raw --out "$out/$name.proof" \
        >"$out/prove_$name.log" 2>&1 || { echo "$name: prove failed:"; tail -20 "$out/prove_$name.log"; exit 1; }
done
cmp -s "$out/base.proof" "$out/this.proof" && echo "proofs identical (base, this)" || { echo "proofs DIFFER"; exit 1; }
for r in $(seq 1 "$rounds"); do run base "$base" "$r"; run this "$PWD" "$r"; done

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def load(name, r):
    data = json.load(open(f"{out}/{name}_{r}.json"))
    return {s["path"]: s["median_ms"] for s in data["summary"]}, data.get("peak_device_bytes")
runs = {name: [load(name, r) for r in range(1, rounds + 1)] for name in ("base", "this")}
head = "stark_prove_excluding_trace"
print(f"{'round':>5} {'base ms':>10} {'this ms':>10} {'this/base':>10}")
for r in range(rounds):
    b, t = runs["base"][r][0][head], runs["this"][r][0][head]
    print(f"{r + 1:>5} {b:>10.2f} {t:>10.2f} {t / b:>10.3f}")
def overall(name, path):  # the median of the rounds' medians
    values = [spans[path] for spans, _ in runs[name] if path in spans]
    return statistics.median(values) if values else None
print(f"\nevery span, the median of the rounds' medians (5 warm runs each):")
print(f"{'span':<40} {'base ms':>10} {'this ms':>10} {'this/base':>10}")
for path in runs["this"][0][0]:
    b, t = overall("base", path), overall("this", path)
    label = "  " * path.count("/") + path.split("/")[-1]
    if b is None or t is None:
        print(f"{label:<40} {'-' if b is None else f'{b:.2f}':>10} {'-' if t is None else f'{t:.2f}':>10}")
    else:
        print(f"{label:<40} {b:>10.2f} {t:>10.2f} {t / b if b else float('nan'):>10.3f}")
for name in ("base", "this"):
    peaks = [p for _, p in runs[name] if p is not None]
    print(f"peak device memory, {name}: " + (f"{max(peaks) / 2**30:.3f} GiB" if peaks else "not tracked"))
PY
