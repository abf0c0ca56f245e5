"""Throughput of many proofs, as one table: proofs/s on 1, 2 and 4 streams of one backend
(gpustark.many), and on 1 and 2 local Ray workers (gpustark.cluster, with --ray-workers).

    python benchmarks/prove_many.py [--backend cuda] [--workload keccakf --perms 1024] [--count 16]
                                    [--streams 1,2,4] [--ray-workers 1,2] [--rounds 3]

Every configuration proves the same `count` jobs (job i: seed + i); the witnesses are built
before the clock starts, once per job, and each configuration gets one untimed warm-up proof.
Rounds alternate the configurations (1, 2, 4, 1, 2, 4, ...) so that drift does not enter the
ratios; each row is the median over rounds. "x first" is the ratio to the first row's
proofs/s. A Ray run includes starting its workers (about a second each on a laptop), as a job
queue of that size would. Memory is each stream's peak device memory (where the backend tracks it).
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import gpustark
from gpustark import _backend
from gpustark.cli_many import latency_summary
from gpustark.many import Job, prove_many, workload_jobs
from gpustark.workloads import WORKLOADS, make_params, resolve_params


def prepared_jobs(workload: str, count: int, options: dict) -> list[Job]:
    """The jobs with their witnesses built, so that the timed runs measure proving."""
    return [Job(j.id, *j.witness()) for j in workload_jobs(workload, count, options)]


def streams_run(pk, jobs, backend: str, streams: int, check_witness: bool = True) -> dict:
    latencies, peaks = [], {}

    def on_done(result):
        latencies.append(result.seconds)
        if result.device_peak_bytes is not None:
            peaks[result.stream] = max(peaks.get(result.stream, 0), result.device_peak_bytes)

    start = time.perf_counter()
    prove_many(pk, jobs, backend, streams, check_witness=check_witness, on_done=on_done)
    return {"seconds": time.perf_counter() - start, "latencies": latencies, "peak": max(peaks.values(), default=None)}


def ray_run(pk, jobs, backend: str, workers: int) -> dict:
    from gpustark import cluster
    latencies, peaks = [], []
    start = time.perf_counter()
    for _, _, info in cluster.prove_on_ray(pk, jobs, backend=backend, workers=workers):
        latencies.append(info["seconds"])
        if info.get("device_peak_bytes") is not None:
            peaks.append(info["device_peak_bytes"])
    return {"seconds": time.perf_counter() - start, "latencies": latencies, "peak": max(peaks, default=None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--workload", default="keccakf", choices=sorted(WORKLOADS))
    parser.add_argument("--perms", type=int, default=None, help="keccakf's permutations")
    parser.add_argument("--height", type=int, default=None, help="interactions-large's height")
    parser.add_argument("--count", type=int, default=16, help="proofs per configuration (default 16)")
    parser.add_argument("--streams", default="1,2,4", help="stream counts (default 1,2,4)")
    parser.add_argument("--ray-workers", default="", help="local Ray worker counts, e.g. 1,2 (default none)")
    parser.add_argument("--ray-backend", default="cpu", help="the Ray workers' backend (default cpu)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-witness-check", action="store_true",
                        help="streams: prove_many(check_witness=False) (the witnesses are checked once, before)")
    args = parser.parse_args()

    workload = WORKLOADS[args.workload]
    options = {**workload.defaults, **{k: v for k, v in (("perms", args.perms), ("height", args.height))
                                        if v is not None and k in workload.defaults}}
    params = make_params(*resolve_params(workload, options))
    pk, _ = gpustark.keygen(workload.airs(options), params)
    backend = _backend.resolve(args.backend)
    jobs = prepared_jobs(args.workload, args.count, options)
    if args.skip_witness_check:
        for job in jobs:
            pk.check_witness(job.traces, job.public_values)
    configs = [("streams", int(s), backend) for s in args.streams.split(",") if s]
    configs += [("ray", int(w), args.ray_backend) for w in args.ray_workers.split(",") if w]

    results = {c: [] for c in configs}
    with contextlib.ExitStack() as stack:
        if any(kind == "ray" for kind, _, _ in configs):  # one local Ray for every Ray run
            from gpustark import cluster
            stack.enter_context(cluster.ray_session())
        def one(kind, n, name, some):
            if kind == "streams":
                return streams_run(pk, some, name, n, check_witness=not args.skip_witness_check)
            return ray_run(pk, some, name, n)

        for kind, n, name in configs:  # warm-up: each stream's instance and tables
            one(kind, n, name, jobs[:n])
        for _ in range(args.rounds):
            for c in configs:
                results[c].append(one(*c, jobs))

    print(f"prove-many {args.workload} {options} ({params.name}), {args.count} proofs per run, "
          f"median of {args.rounds} rounds; device: {_backend.device_info(backend)['name']}")
    print(f"{'configuration':<26} {'proofs/s':>9} {'x first':>8} {'latency med ms':>15} {'p95 ms':>8} {'peak/stream':>12}")
    first = None
    for (kind, n, name), runs in results.items():
        rate = statistics.median(args.count / r["seconds"] for r in runs)
        first = first or rate
        median, p95 = latency_summary([t for r in runs for t in r["latencies"]])
        peaks = [r["peak"] for r in runs if r["peak"] is not None]
        label = f"{name}, {n} stream{'s' * (n > 1)}" if kind == "streams" else f"Ray {name}, {n} worker{'s' * (n > 1)}"
        peak = f"{max(peaks) / 2**30:.2f} GiB" if peaks else "-"
        print(f"{label:<26} {rate:>9.2f} {rate / first:>8.2f} {median:>15.1f} {p95:>8.1f} {peak:>12}")


if __name__ == "__main__":
    main()
