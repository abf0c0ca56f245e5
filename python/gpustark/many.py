"""Many proofs under one proving key: jobs, and proving them on several streams of one device.

    import gpustark
    from gpustark.many import Job, prove_many

    jobs = [Job(i, [trace_i], [pvs_i]) for i, (trace_i, pvs_i) in enumerate(witnesses)]
    proofs = prove_many(pk, jobs, backend="cuda", streams=2)   # in job order

Each stream is its own instance of the backend ("cuda@1", "cuda@2", ...: a CUDA stream or Metal
command queue with its own scratch and held traces), driven by its own host thread, so that one
proof's host work and small kernels overlap another's. Streams share the device's memory: a job
starts only when the memory its proof needs (measured on the first proof, which runs alone) fits
beside the proofs already running, within `device_memory_budget`. On the CPU a stream is a thread;
the CPU backend's parallel loops take turns, so several CPU streams add little speed.

Across processes and machines: gpustark.cluster (Ray).
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np

from . import _backend
from .keygen import ProvingKey
from .proof import Proof
from .prover import prove

__all__ = ["Job", "WorkloadJob", "JobResult", "workload_jobs", "stream_backend", "prove_many"]


@dataclass(frozen=True)
class Job:
    """One statement to prove: its traces (one per AIR, vk order) and public values."""

    id: int | str
    traces: Sequence[np.ndarray | None]
    public_values: Sequence[Sequence[int] | None] | None = None

    def witness(self):
        return list(self.traces), self.public_values


@dataclass(frozen=True)
class WorkloadJob:
    """A job named by a workload (gpustark.workloads) and its options: small to ship to another
    process, which builds the witness itself."""

    id: int | str
    workload: str
    options: dict = field(default_factory=dict)

    def witness(self):
        from .workloads import WORKLOADS
        w = WORKLOADS[self.workload]
        return w.witness({**w.defaults, **self.options})


@dataclass(frozen=True)
class JobResult:
    """A proved job: the proof, where and how long it took (seconds, witness building included)."""

    id: int | str
    proof: Proof
    stream: str
    seconds: float
    device_peak_bytes: int | None = None


def workload_jobs(workload: str, count: int, options: dict | None = None) -> list[WorkloadJob]:
    """`count` jobs of one workload: job i uses seed base + i where the workload takes a seed
    (different statements under the same key), else the same options for every job."""
    from .workloads import WORKLOADS
    if workload not in WORKLOADS:
        raise ValueError(f"workload: expected one of {', '.join(WORKLOADS)}, found {workload!r}")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count: expected an integer >= 1, found {count!r}")
    options = dict(options or {})
    defaults = WORKLOADS[workload].defaults
    if "seed" not in defaults:
        return [WorkloadJob(i, workload, options) for i in range(count)]
    base = options.pop("seed", defaults["seed"])
    return [WorkloadJob(i, workload, {**options, "seed": base + i}) for i in range(count)]


def stream_backend(backend: str, stream: int) -> str:
    """The backend instance of stream `stream`: the backend itself for stream 0, else
    'NAME@stream', a separate instance (its own device queue, scratch and held traces)."""
    if stream == 0:
        return backend
    if backend.startswith(_backend.DUAL_PREFIX):
        raise ValueError(f"streams: a dual backend ({backend!r}) runs on one stream only")
    return f"{backend}@{stream}"


class _MemoryGate:
    """Admits a job when its expected device memory fits beside the running ones'."""

    def __init__(self, budget: int | None):
        self.budget, self.need, self.in_use = budget, None, 0
        self.cond = threading.Condition()

    def enter(self) -> int:
        with self.cond:
            need = self.need or 0
            if self.budget is not None:
                self.cond.wait_for(lambda: self.in_use == 0 or self.in_use + need <= self.budget)
            self.in_use += need
            return need

    def leave(self, took: int, measured: int | None) -> None:
        with self.cond:
            self.in_use -= took
            if measured is not None and self.need is None:
                self.need = measured
            self.cond.notify_all()


# Where each device reports the memory it has (device_info's limits).
_MEMORY_LIMITS = ("global_memory_bytes", "recommended_max_working_set_bytes")


def _default_budget(backend: str) -> int | None:
    limits = _backend.device_info(backend)["limits"]
    total = next((int(limits[key]) for key in _MEMORY_LIMITS if key in limits), None)
    return int(total * 0.9) if total else None


def prove_many(pk: ProvingKey, jobs: Iterable[Job | WorkloadJob], backend: str | None = None, streams: int = 1, *,
               device_memory_budget: int | None = None, check_witness: bool = True,
               on_done: Callable[[JobResult], None] | None = None) -> list[Proof]:
    """Prove every job under `pk` on `streams` streams of one backend; the proofs in job order.

    device_memory_budget (bytes; default 90% of the device's memory where it reports it) bounds
    the memory the streams hold together: the first job runs alone and its peak is what each later
    job is expected to need. check_witness=False skips each job's witness check on the CPU (for
    witnesses checked when they were made; an unsatisfied one then gives a proof the verifier
    rejects). on_done(result) is called as each job finishes (from its stream's
    thread). A job that fails raises its error here once the running jobs end.
    """
    backend = _backend.resolve(backend)
    if isinstance(streams, bool) or not isinstance(streams, int) or streams < 1:
        raise ValueError(f"streams: expected an integer >= 1, found {streams!r}")
    jobs = list(jobs)
    ids = [job.id for job in jobs]
    if len(set(ids)) != len(ids):
        raise ValueError("jobs: ids must be unique")
    names = [stream_backend(backend, s) for s in range(streams)]
    for name in names[1:]:
        _backend.device_info(name)  # starts the instance now: one that cannot start fails before any job
    budget = device_memory_budget if device_memory_budget is not None else _default_budget(backend)
    gate = _MemoryGate(budget)
    free_streams = list(reversed(names))
    lock = threading.Lock()

    def run(job) -> Proof:
        with lock:
            name = free_streams.pop()
        took = gate.enter()
        measured = None
        try:
            start = time.perf_counter()
            _backend.reset_device_memory_peak(name)
            traces, pvs = job.witness()
            proof = prove(pk, traces, pvs, backend=name, check_witness=check_witness)
            memory = _backend.device_memory(name)
            measured = memory["peak_bytes"] if memory["tracked"] else None
            if on_done is not None:
                on_done(JobResult(job.id, proof, name, time.perf_counter() - start, measured))
            return proof
        finally:
            gate.leave(took, measured)
            with lock:
                free_streams.append(name)

    if not jobs:
        return []
    proofs = [run(jobs[0])]  # alone: its peak memory admits the rest
    with ThreadPoolExecutor(max_workers=streams, thread_name_prefix="gpustark-stream") as pool:
        proofs += list(pool.map(run, jobs[1:]))
    return proofs
