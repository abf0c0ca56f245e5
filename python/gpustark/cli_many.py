"""`gpustark prove-many`: many proofs of one workload under one key, on streams of one device
(gpustark.many) or on Ray workers (gpustark.cluster), with a progress line and a summary table."""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from . import _backend
from .bench_stats import median, p95
from .keygen import keygen
from .many import JobResult, prove_many, workload_jobs
from .proof import Proof
from .proof_file import write_proof_file
from .progress import progress_enabled

__all__ = ["add_prove_many", "latency_summary"]


class _JobProgress:
    """'jobs done k/N, P proofs/s' on stderr: redrawn on a terminal, one line per job when forced."""

    def __init__(self, total: int):
        self.total, self.done, self.start = total, 0, time.perf_counter()
        self.enabled = progress_enabled(sys.stderr)
        self.redraw = self.enabled and sys.stderr.isatty()
        self.lock = threading.Lock()

    def job_done(self) -> None:
        with self.lock:
            self.done += 1
            if not self.enabled:
                return
            elapsed = time.perf_counter() - self.start
            line = f"gpustark: jobs done {self.done}/{self.total}, {self.done / elapsed:.2f} proofs/s"
            sys.stderr.write(f"\r\033[K{line}" if self.redraw else line + "\n")
            if self.redraw and self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def latency_summary(seconds: list[float]) -> tuple[float, float]:
    """(median, p95) of per-proof latencies, in ms; p95 by the nearest-rank rule, as the bench's."""
    return median(seconds) * 1e3, p95(seconds) * 1e3


def _note_peak(peaks: dict, where: str, peak: int | None) -> None:
    """The largest peak seen on each stream or worker (None where the backend tracks none)."""
    peaks[where] = peak if peaks.get(where) is None else max(peaks[where], peak or 0)


def _gib(n: int | None) -> str:
    return "-" if n is None else f"{n / 2**30:.3f} GiB"


def _prove_many_command(args: argparse.Namespace, setup) -> int:
    if args.count < 1 or args.streams < 1:
        raise ValueError(f"--count, --streams: expected integers >= 1, found {args.count} and {args.streams}")
    if args.ray is not None and args.streams != 1:
        raise ValueError("--streams: applies without --ray only (each Ray worker proves on one stream)")
    if os.path.exists(args.out_dir) and not os.path.isdir(args.out_dir):
        raise ValueError(f"--out-dir: '{args.out_dir}' exists and is not a directory")
    workload, options, (params_name, log_stacked_height), params, airs, required = setup(args)
    backend = _backend.resolve(args.backend)
    pk, _ = keygen(airs, params, required=required)
    jobs = workload_jobs(workload.name, args.count, options)
    os.makedirs(args.out_dir, exist_ok=True)
    progress = _JobProgress(len(jobs))
    latencies: list[float] = []
    peaks: dict[str, int | None] = {}

    def save(job_id, data: bytes, job_options: dict) -> None:
        header = {"workload": workload.name, "options": job_options, "params": params_name,
                  "log_stacked_height": log_stacked_height, "required": required}
        write_proof_file(os.path.join(args.out_dir, f"job-{job_id}.proof"), header, data)

    options_of = {job.id: job.options for job in jobs}
    start = time.perf_counter()
    if args.ray is None:
        def on_done(result: JobResult) -> None:
            save(result.id, result.proof.to_bytes(), options_of[result.id])
            latencies.append(result.seconds)
            _note_peak(peaks, result.stream, result.device_peak_bytes)
            progress.job_done()
        prove_many(pk, jobs, backend, args.streams, on_done=on_done)
        where = f"{backend}, {args.streams} stream{'s' * (args.streams > 1)}"
    else:
        from . import cluster
        address = None if args.ray == "local" else args.ray
        for job_id, data, info in cluster.prove_on_ray(pk, jobs, backend=backend, workers=args.workers,
                                                       address=address):
            Proof.from_bytes(data)  # a worker's bytes are checked to decode before they are written
            save(job_id, data, options_of[job_id])
            latencies.append(info["seconds"])
            _note_peak(peaks, str(info.get("worker")), info.get("device_peak_bytes"))
            progress.job_done()
        where = f"{backend} on Ray ({args.ray}), {len(peaks)} worker{'s' * (len(peaks) > 1)}"
    elapsed = time.perf_counter() - start
    median, p95 = latency_summary(latencies)
    print(f"prove-many {workload.name} {options} with {params.name} on {where}: "
          f"{len(jobs)} proofs in {elapsed:.2f} s -> {args.out_dir}")
    print(f"{'proofs/s':>10} {'latency median ms':>18} {'latency p95 ms':>15}")
    print(f"{len(jobs) / elapsed:>10.2f} {median:>18.1f} {p95:>15.1f}")
    print("peak device memory per " + ("worker" if args.ray else "stream") + ": " +
          ", ".join(f"{name} {_gib(peak)}" for name, peak in sorted(peaks.items())) +
          ("" if any(peaks.values()) else " (not tracked on this backend)"))
    return 0


def add_prove_many(commands, add_workload_arguments, setup) -> None:
    """The prove-many subcommand; `setup(args)` is the CLI's workload setup (cli._setup)."""
    cmd = commands.add_parser("prove-many", help="prove COUNT jobs of a workload on several streams or Ray workers")
    add_workload_arguments(cmd)
    cmd.add_argument("--count", type=int, required=True, help="how many proofs (job i uses seed + i where the "
                                                              "workload takes a seed)")
    cmd.add_argument("--streams", type=int, default=1, help="streams on the one device (default 1)")
    cmd.add_argument("--ray", metavar="ADDRESS|local", default=None,
                     help="prove on Ray workers: 'local' starts Ray here, else a cluster address such as ray://host:10001")
    cmd.add_argument("--workers", type=int, default=None, help="--ray only: proving workers (default: one per GPU, or 2)")
    cmd.add_argument("--backend", default=None, help="cpu (default) or a device backend")
    cmd.add_argument("--out-dir", required=True, metavar="DIR", help="where job-ID.proof files are written")
    cmd.set_defaults(run=lambda args: _prove_many_command(args, setup))
