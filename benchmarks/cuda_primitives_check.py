#!/usr/bin/env python3
"""Check the CUDA backend against the CPU backend and time both, through the Python API.

Run on a machine with an NVIDIA GPU after `pip install .`:

    python benchmarks/cuda_primitives_check.py            # full sizes
    python benchmarks/cuda_primitives_check.py --quick    # smaller timed sizes

For random inputs of several sizes, every primitive (Poseidon2 permute, hash_rows, compress, NTT
forward/inverse/coset, Merkle commitments with and without query groups, proof-of-work grinding)
must give identical results on `cpu` and `cuda`. The timed cases print a table of median
wall-clock times of warm runs (including host<->device copies for cuda).

Exit status: 0 when everything matches, 1 on any mismatch or error, 2 when the backend checked
(`cuda`, or --device) is not available.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import traceback

import numpy as np

import gpustark
from gpustark import hash as ghash
from gpustark import merkle as gmerkle
from gpustark import ntt as gntt

P = 0x78000001
DEVICE = "cuda"  # --device changes it (e.g. to compare another device backend with cpu)


class Checker:
    def __init__(self, rng: np.random.Generator, repeats: int, cpu_repeats: int):
        self.rng = rng
        self.repeats = repeats
        self.cpu_repeats = cpu_repeats
        self.rows: list[tuple[str, str, float | None, float | None, str]] = []
        self.failures: list[str] = []
        self.checked = 0

    def field(self, *shape: int) -> np.ndarray:
        return self.rng.integers(0, P, size=shape, dtype=np.uint32)

    @staticmethod
    def _time(fn, repeats: int):
        result = fn()  # warm-up (and the result compared)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return result, statistics.median(times) if times else None

    def case(self, op: str, size: str, run, compare=None, timed: bool = False) -> None:
        """run(backend) -> result; results of cpu and cuda must be equal (or compare(cpu, dev) true)."""
        self.checked += 1
        try:
            if timed:
                expected, cpu_s = self._time(lambda: run("cpu"), self.cpu_repeats)
                got, dev_s = self._time(lambda: run(DEVICE), self.repeats)
            else:
                expected, cpu_s = run("cpu"), None
                got, dev_s = run(DEVICE), None
            if compare is not None:
                ok = compare(expected, got)
            else:
                ok = _equal(expected, got)
        except Exception as e:  # noqa: BLE001 - report and go on with the other cases
            self.failures.append(f"{op} [{size}]: {type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
            self.rows.append((op, size, None, None, "ERROR"))
            return
        if not ok:
            self.failures.append(f"{op} [{size}]: cpu and {DEVICE} results differ{_first_difference(expected, got)}")
        if timed or not ok:
            self.rows.append((op, size, cpu_s, dev_s, "ok" if ok else "MISMATCH"))

    def table(self) -> str:
        head = ("operation", "size", "cpu ms", f"{DEVICE} ms", "speedup", "match")
        lines = []
        for op, size, cpu_s, dev_s, status in self.rows:
            cpu = f"{cpu_s * 1e3:.2f}" if cpu_s is not None else "-"
            dev = f"{dev_s * 1e3:.2f}" if dev_s is not None else "-"
            speed = f"{cpu_s / dev_s:.1f}x" if cpu_s and dev_s else "-"
            lines.append((op, size, cpu, dev, speed, status))
        widths = [max(len(str(r[i])) for r in [head, *lines]) for i in range(len(head))]
        fmt = lambda r: "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
        return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *map(fmt, lines)])


def _equal(a, b) -> bool:
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.array_equal(a, b))
    return a == b


def _first_difference(a, b) -> str:
    try:
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return f" (shapes {a.shape} vs {b.shape})"
        idx = np.argwhere(a != b)
        if len(idx):
            i = tuple(idx[0])
            return f" ({len(idx)} elements; first at {i}: cpu {a[i]} vs {DEVICE} {b[i]})"
    except Exception:  # noqa: BLE001 - ragged results (merkle levels): no detail
        pass
    return ""


def merkle_run(matrix: np.ndarray, log_group: int):
    def run(backend):
        tree = gmerkle.MerkleTree(matrix, log_group=log_group, backend=backend)
        return [np.asarray(tree.root), *[np.asarray(level) for level in tree.levels]]
    return run


def merkle_root_run(matrix: np.ndarray, log_group: int):
    return lambda backend: np.asarray(gmerkle.MerkleTree(matrix, log_group=log_group, backend=backend).root)


def grind_run(prefix: list[int], bits: int):
    def run(backend):
        t = gpustark.Transcript()
        t.observe_many(prefix)
        witness = t.grind(bits, backend=backend)
        return (witness, t.state)
    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller timed sizes (NTT up to 2^18, 2^16 states/rows)")
    ap.add_argument("--repeats", type=int, default=5, help="timed warm runs per case on cuda (median)")
    ap.add_argument("--cpu-repeats", type=int, default=3, help="timed warm runs per case on cpu (median)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--device", default="cuda", help="the backend checked against cpu (default: cuda)")
    args = ap.parse_args()
    global DEVICE
    DEVICE = args.device

    available = gpustark.backends()
    print(f"gpustark {gpustark.__version__}; backends: {', '.join(available)}")
    if DEVICE not in available:
        try:  # the native registry says why the backend could not start
            gpustark.device_info(DEVICE)
        except Exception as e:  # noqa: BLE001
            print(f"no '{DEVICE}' backend: {e}", file=sys.stderr)
        return 2
    info = gpustark.device_info(DEVICE)
    print(f"{DEVICE} device: {info.get('name', '?')}")
    for key, value in sorted(dict(info.get("limits", {})).items()):
        print(f"  {key}: {value}")

    c = Checker(np.random.default_rng(args.seed), max(args.repeats, 1), max(args.cpu_repeats, 1))
    big = 16 if args.quick else 20
    max_log_ntt = 18 if args.quick else 22

    # Poseidon2 permutation.
    for n in (1, 3, 1000, 4097):
        states = c.field(n, 16)
        c.case("poseidon2_permute", f"{n} states", lambda b, s=states: ghash.poseidon2_permute(s, backend=b))
    edge = np.array([[0] * 16, [P - 1] * 16, list(range(16))], dtype=np.uint32)
    c.case("poseidon2_permute", "edge values", lambda b: ghash.poseidon2_permute(edge, backend=b))
    states = c.field(1 << big, 16)
    c.case("poseidon2_permute", f"2^{big} states", lambda b: ghash.poseidon2_permute(states, backend=b), timed=True)

    # Leaf hash and compression.
    for rows, width in ((1, 0), (5, 0), (33, 1), (100, 7), (100, 8), (100, 9), (257, 16), (64, 100)):
        matrix = c.field(rows, width)
        c.case("hash_rows", f"{rows} x {width}", lambda b, m=matrix: ghash.hash_rows(m, backend=b))
    matrix = c.field(1 << big, 16)
    c.case("hash_rows", f"2^{big} x 16", lambda b: ghash.hash_rows(matrix, backend=b), timed=True)
    for n in (1, 1000):
        left, right = c.field(n, 8), c.field(n, 8)
        c.case("compress", f"{n} pairs", lambda b, l=left, r=right: ghash.compress(l, r, backend=b))
    left, right = c.field(1 << big, 8), c.field(1 << big, 8)
    c.case("compress", f"2^{big} pairs", lambda b: ghash.compress(left, right, backend=b), timed=True)

    # NTT: every small size (inside and across the block-kernel boundary), forward, inverse, coset.
    shift = 31  # BabyBear's multiplicative generator, the usual coset shift
    for log_n in list(range(0, 12)) + [12, 13, 14, 15, 17]:
        for batch in (1, 3, 16):
            if log_n >= 15 and batch != 16:
                continue
            cols = c.field(1 << log_n, batch)
            size = f"2^{log_n} x {batch}"
            c.case("ntt", size, lambda b, x=cols: gntt.ntt(x, backend=b))
            c.case("ntt inverse", size, lambda b, x=cols: gntt.ntt(x, inverse=True, backend=b))
            c.case("ntt coset", size, lambda b, x=cols: gntt.ntt(x, shift=shift, backend=b))
            c.case("ntt inverse coset", size, lambda b, x=cols: gntt.ntt(x, inverse=True, shift=shift, backend=b))
    column = c.field(1 << 10)
    c.case("ntt", "2^10 (1-d)", lambda b: gntt.ntt(column, backend=b))
    roundtrip = c.field(1 << 12, 4)
    c.case("ntt roundtrip", "2^12 x 4", lambda b: gntt.ntt(gntt.ntt(roundtrip, shift=shift, backend=b), inverse=True,
                                                            shift=shift, backend=b),
           compare=lambda cpu, dev: np.array_equal(cpu, roundtrip) and np.array_equal(dev, roundtrip))
    for log_n in range(16, max_log_ntt + 1):
        cols = c.field(1 << log_n, 16)
        c.case("ntt", f"2^{log_n} x 16", lambda b, x=cols: gntt.ntt(x, backend=b), timed=True)
        del cols
    cols = c.field(1 << min(20, max_log_ntt), 16)
    c.case("ntt inverse coset", f"2^{min(20, max_log_ntt)} x 16",
           lambda b: gntt.ntt(cols, inverse=True, shift=shift, backend=b), timed=True)
    del cols

    # Merkle commitments: root and every level, with and without query groups.
    for log_rows, width, log_group in ((0, 4, 0), (1, 16, 0), (1, 16, 1), (4, 0, 0), (5, 5, 2), (10, 16, 0),
                                       (10, 33, 3), (10, 8, 10), (12, 16, 4)):
        matrix = c.field(1 << log_rows, width)
        c.case("merkle", f"2^{log_rows} x {width}, log_group {log_group}", merkle_run(matrix, log_group))
    matrix = c.field(1 << big, 16)
    c.case("merkle commit", f"2^{big} x 16", merkle_root_run(matrix, 0), timed=True)
    c.case("merkle", f"2^{big} x 16, log_group 2 (levels)", merkle_run(matrix, 2))
    del matrix

    # Proof-of-work: the smallest passing witness, so cpu and cuda agree exactly.
    for bits in (1, 4, 8, 12, 16):
        prefix = c.field(int(c.rng.integers(0, 20))).tolist()
        c.case("grind", f"{bits} bits, {len(prefix)} observed", grind_run(prefix, bits))
    c.case("grind", "20 bits", grind_run(c.field(3).tolist(), 20), timed=True)

    print()
    print(c.table())
    print()
    if c.failures:
        print(f"FAILED: {len(c.failures)} of {c.checked} cases", file=sys.stderr)
        for line in c.failures:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"all {c.checked} cases match between cpu and {DEVICE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
