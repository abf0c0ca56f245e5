"""Primitive throughput on one backend, as one table.

    python benchmarks/primitives.py [--backend cpu] [--runs 5] [--warmup 1] [--max-log-ntt 22]

Each row is the median (and min..max) of warm runs; inputs are random and generated outside the
timed region. "per core" divides by the threads the backend uses.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import gpustark

P = gpustark.field.P


def timed(fn, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--max-log-ntt", type=int, default=22)
    parser.add_argument("--log-perms", type=int, default=18, help="2^N Poseidon2 states per run")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    info = gpustark.device_info(args.backend)
    threads = int(info["limits"].get("threads", 1))
    rows = []

    states = rng.integers(0, P, size=(1 << args.log_perms, 16), dtype=np.uint32)
    t = timed(lambda: gpustark.hash.poseidon2_permute(states, backend=args.backend), args.runs, args.warmup)
    rate = len(states) / statistics.median(t)
    rows.append((f"poseidon2 permute 2^{args.log_perms} states", t, f"{rate / 1e6:.2f} M perm/s, {rate / threads / 1e6:.2f} M/s per core"))

    for log_n in range(16, args.max_log_ntt + 1, 2):
        columns = rng.integers(0, P, size=(1 << log_n, 16), dtype=np.uint32)
        t = timed(lambda: gpustark.ntt.ntt(columns, backend=args.backend), args.runs, args.warmup)
        rate = columns.size / statistics.median(t)
        rows.append((f"ntt 2^{log_n} x 16 columns", t, f"{rate / 1e6:.1f} M elements/s"))

    matrix = rng.integers(0, P, size=(1 << 20, 16), dtype=np.uint32)
    t = timed(lambda: gpustark.merkle.MerkleTree(matrix, log_group=0, backend=args.backend), args.runs, args.warmup)
    rows.append(("merkle commit 2^20 x 16", t, f"{(1 << 20) / statistics.median(t) / 1e6:.2f} M rows/s"))

    print(f"backend {args.backend} ({info['name']}, {threads} threads); {args.runs} warm runs after {args.warmup} warm-up")
    print(f"{'primitive':34} {'median ms':>10} {'min..max ms':>22}  throughput")
    for name, samples, throughput in rows:
        ms = [1e3 * s for s in samples]
        print(f"{name:34} {statistics.median(ms):10.1f} {min(ms):10.1f}..{max(ms):<10.1f}  {throughput}")


if __name__ == "__main__":
    main()
