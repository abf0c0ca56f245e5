#!/usr/bin/env python3
"""How long gpustark.verify takes, per workload: a table of proof size and warm verify times.

    python benchmarks/verify_speed.py                    # fib, interactions, multi
    python benchmarks/verify_speed.py --keccak-perms 1024  # and keccakf (proving takes minutes on a CPU)
    python benchmarks/verify_speed.py --proof k.proof    # and a proof file written by `gpustark prove`
    python benchmarks/verify_speed.py --reference        # the Python reference too (native=False)

Each proof is made once (or read), its key rebuilt with keygen, and verified once to warm up;
then `--runs` verifications are timed (wall clock, and the process's CPU time, which a machine
shared with other work disturbs less). Speed is measured here, never asserted in a test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import gpustark
from gpustark.keygen import keygen
from gpustark.proof import Proof
from gpustark.proof_file import parse_proof_file
from gpustark.workloads import WORKLOADS, make_params, resolve_params


def _from_workload(name: str, options: dict):
    workload = WORKLOADS[name]
    options = {**workload.defaults, **options}
    params = make_params(*resolve_params(workload, options, None, None))
    pk, vk = keygen(workload.airs(options), params)
    traces, public_values = workload.witness(options)
    data = gpustark.prove(pk, traces, public_values=public_values).to_bytes()
    return f"{name} {options}" if options else name, vk, data


def _from_file(path: str):
    with open(path, "rb") as f:
        header, data = parse_proof_file(f.read())
    workload = WORKLOADS[header["workload"]]
    options = {**workload.defaults, **header.get("options", {})}
    params = make_params(header.get("params"), header.get("log_stacked_height"))
    _, vk = keygen(workload.airs(options), params, required=header.get("required"))
    return f"{workload.name} {options} ({path})", vk, data


def _time(vk, proof, runs: int, native: bool) -> tuple[list[float], list[float]]:
    gpustark.verify(vk, proof, native=native)  # warm: keygen-side caches, first-call costs
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        gpustark.verify(vk, proof, native=native)
        wall.append(1e3 * (time.perf_counter() - w))
        cpu.append(1e3 * (time.process_time() - c))
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="timed verifications per proof (default 20)")
    parser.add_argument("--keccak-perms", type=int, default=0, help="add keccakf with this many permutations")
    parser.add_argument("--proof", action="append", default=[], help="add a proof file written by `gpustark prove`")
    parser.add_argument("--reference", action="store_true", help="time the Python reference (native=False) too")
    args = parser.parse_args()

    cases = [_from_workload(name, {}) for name in ("fib", "interactions", "multi")]
    if args.keccak_perms:
        cases.append(_from_workload("keccakf", {"perms": args.keccak_perms}))
    cases += [_from_file(path) for path in args.proof]

    modes = [True, False] if args.reference else [True]
    print(f"threads: {os.environ.get('GPUSTARK_NUM_THREADS', 'all cores')} (GPUSTARK_NUM_THREADS; only the Merkle "
          f"paths use more than one)")
    print(f"{'workload':<44} {'path':<9} {'proof bytes':>11} {'median ms':>10} {'min..max ms':>17} {'cpu median ms':>14}")
    for label, vk, data in cases:
        proof = Proof.from_bytes(data)
        for native in modes:
            runs = args.runs if native else max(1, min(args.runs, 5))
            wall, cpu = _time(vk, proof, runs, native)
            print(f"{label[:44]:<44} {'native' if native else 'python':<9} {len(data):>11} {statistics.median(wall):>10.2f} "
                  f"{f'{min(wall):.2f}..{max(wall):.2f}':>17} {statistics.median(cpu):>14.2f}")


if __name__ == "__main__":
    main()
