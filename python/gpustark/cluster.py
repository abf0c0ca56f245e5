"""Many proofs under one proving key on Ray: one proving actor per GPU, across machines.

On a laptop (a local Ray is started for the run and shut down after it):

    import gpustark
    from gpustark.cluster import prove_on_ray
    from gpustark.many import workload_jobs
    from gpustark.workloads import WORKLOADS, make_params

    pk, vk = gpustark.keygen(WORKLOADS["multi"].airs({}), make_params("small"))
    for job_id, data, info in prove_on_ray(pk, workload_jobs("multi", 100), workers=2):
        gpustark.verify(vk, gpustark.Proof.from_bytes(data))   # in completion order

On a cluster (`ray start --head` on one machine, `ray start --address=HEAD:6379` on each GPU
machine, every one with gpustark's CUDA build installed):

    from gpustark.cluster import prove_many_on_ray
    proofs = prove_many_on_ray(pk, jobs, backend="cuda", address="auto")   # or "ray://HEAD:10001"

A Ray the program already connected (ray.init, or `with ray_session(address):` around several
runs) is used as it is and left running.

Each worker is an actor holding the proving key, which is put in Ray's object store once and read
by each worker when it starts. A GPU worker asks Ray for one GPU (Ray then shows it only that one);
a CPU worker for `cpus_per_worker` CPUs, and its prover uses that many threads. Jobs are pulled
from the iterable as workers free up (at most `max_in_flight_per_worker` each), so a stream of jobs
can be endless. Jobs are Job or WorkloadJob (gpustark.many): a WorkloadJob ships only its options
and the worker builds the witness.

A worker that dies (its process, or its machine) is restarted by Ray (`max_restarts`); its
unfinished jobs go to another worker (at most `max_retries` times each) and every job is yielded
exactly once. A job whose prover raises (an unsatisfied trace) raises JobError, not retried.
"""
from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from . import _backend
from .keygen import ProvingKey
from .many import Job, WorkloadJob
from .prover import prove

__all__ = ["JobError", "WorkerLostError", "prove_on_ray", "prove_many_on_ray", "ray_session"]

GPU_BACKENDS = ("cuda", "metal")
BACKENDS = tuple(_backend.NOT_COMPILED_REASONS)  # every backend gpustark has; a node may lack some


class JobError(RuntimeError):
    """A job's prover raised: the job's fault, not its worker's, so it is not retried. The
    prover's exception is the __cause__."""

    def __init__(self, job_id, message: str):
        super().__init__(f"job {job_id!r}: {message}")
        self.job_id = job_id


class WorkerLostError(RuntimeError):
    """Workers died more often than the retries allow, or none is left, or one could not start."""


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise ImportError("gpustark.cluster needs Ray: pip install gpustark[ray]") from exc
    return ray


@contextlib.contextmanager
def ray_session(address: str | None = None, **init_options):
    """Ray, connected for the block. address None starts a local Ray (no dashboard), 'auto' or
    'ray://HOST:PORT' joins a cluster. A Ray already connected is used as it is and left running;
    one this started is shut down at the end."""
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    if address is None:
        init_options = {"include_dashboard": False, "log_to_driver": False, **init_options}
    ray.init(address=address, **init_options)
    try:
        yield ray
    finally:
        ray.shutdown()


class _Prover:
    """A proving worker (a Ray actor): the key, taken once per start, serves every job it proves."""

    def __init__(self, pk: ProvingKey, backend: str, index: int):
        import ray
        self.pk = pk  # Ray resolved the object-store reference: fetched once per start of this process
        self.backend = _backend.resolve(backend)  # a node without this backend fails here, named
        self.where = {"worker": index, "node": ray.util.get_node_ip_address(), "pid": os.getpid()}

    def ping(self) -> dict:
        return self.where

    def prove(self, job: Job | WorkloadJob) -> tuple[bytes, dict]:
        start = time.perf_counter()
        _backend.reset_device_memory_peak(self.backend)
        traces, public_values = job.witness()
        data = prove(self.pk, traces, public_values, backend=self.backend).to_bytes()
        memory = _backend.device_memory(self.backend)
        return data, {**self.where, "seconds": time.perf_counter() - start,
                      "device_peak_bytes": memory["peak_bytes"] if memory["tracked"] else None}


def _backend_parts(backend: str) -> list[str]:
    if backend.startswith(_backend.DUAL_PREFIX):
        return backend[len(_backend.DUAL_PREFIX):].split(",")
    return [backend]


def _uses_gpu(backend: str) -> bool:
    return any(part in GPU_BACKENDS for part in _backend_parts(backend))


def _check_backend(backend) -> None:
    # By name only: the driver may have no GPU; each worker resolves the backend on its own node.
    dual = isinstance(backend, str) and backend.startswith(_backend.DUAL_PREFIX)
    parts = _backend_parts(backend) if isinstance(backend, str) else [backend]
    if len(parts) != (2 if dual else 1) or not all(part in BACKENDS for part in parts):
        raise ValueError(f"backend: expected one of {', '.join(BACKENDS)} (or 'dual:A,B' over two of them), "
                         f"found {backend!r}")


def _check_count(name: str, value, minimum: int, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, found {value!r}")


def _check_options(pk, backend, workers, max_in_flight_per_worker, cpus_per_worker, max_restarts, max_retries):
    if not isinstance(pk, ProvingKey):
        raise TypeError(f"pk: expected a gpustark.ProvingKey, found {type(pk).__name__}")
    _check_backend(backend)
    _check_count("workers", workers, 1, allow_none=True)
    _check_count("max_in_flight_per_worker", max_in_flight_per_worker, 1)
    _check_count("max_restarts", max_restarts, 0)
    _check_count("max_retries", max_retries, 0)
    if isinstance(cpus_per_worker, bool) or not isinstance(cpus_per_worker, (int, float)) or cpus_per_worker <= 0:
        raise ValueError(f"cpus_per_worker: expected a number > 0, found {cpus_per_worker!r}")


def _unique_jobs(jobs: Iterable) -> Iterator[Job | WorkloadJob]:
    """The jobs as they come, each checked; a repeated id raises when it is reached."""
    seen = set()
    for job in jobs:
        if not isinstance(job, (Job, WorkloadJob)):
            raise TypeError(f"jobs: expected gpustark.many.Job or WorkloadJob, found {type(job).__name__}")
        if job.id in seen:
            raise ValueError(f"jobs: job id {job.id!r} appears twice; ids must be unique")
        seen.add(job.id)
        yield job


@dataclass
class _Worker:
    index: int
    actor: Any
    name: str
    in_flight: int = 0
    state: str = "ok"  # ok; probing: lost a job, back once a ping answers (restarted); dead


@dataclass
class _Task:
    job: Job | WorkloadJob
    lost: int = 0  # how many times its worker died under it
    last_worker: int | None = None


def _default_workers(ray, gpu: bool, cpus_per_worker: float) -> int:
    resources = ray.cluster_resources()
    if gpu:
        count = int(resources.get("GPU", 0))
        if count < 1:
            raise ValueError("workers: the Ray cluster has no GPUs (start its nodes with GPUs, or "
                             "ray.init(num_gpus=1) on a Mac), or give backend='cpu'")
        return count
    return max(1, int(resources.get("CPU", 1) // cpus_per_worker))


def _start_workers(ray, key, backend, workers, cpus_per_worker, max_restarts) -> list[_Worker]:
    """Workers sharing the key's object-store copy `key` (the caller holds it while they may restart)."""
    gpu = _uses_gpu(backend)
    count = workers if workers is not None else _default_workers(ray, gpu, cpus_per_worker)
    options = {"num_cpus": cpus_per_worker, "num_gpus": 1 if gpu else 0, "max_restarts": max_restarts}
    if not gpu:  # so that CPU workers on one machine share its cores instead of each taking all
        options["runtime_env"] = {"env_vars": {"GPUSTARK_NUM_THREADS": str(max(1, int(cpus_per_worker)))}}
    actor_class = ray.remote(_Prover)
    run = uuid.uuid4().hex[:8]
    out = []
    for index in range(count):
        name = f"gpustark-prover-{run}-{index}"  # named, so an operator (or a test) can find it
        out.append(_Worker(index, actor_class.options(name=name, **options).remote(key, backend, index), name))
    return out


class _Scheduler:
    """Keeps every live worker fed and yields each job's result once, in completion order."""

    def __init__(self, ray, workers: list[_Worker], jobs: Iterable, per_worker: int, max_retries: int):
        self.ray, self.workers, self.per_worker, self.max_retries = ray, workers, per_worker, max_retries
        self.source = _unique_jobs(jobs)
        self.retry: deque[_Task] = deque()
        self.running: dict[Any, tuple[_Task, _Worker]] = {}
        self.probes: dict[Any, _Worker] = {}
        self.exhausted = False
        self.done = set()

    def run(self) -> Iterator[tuple[Any, bytes, dict]]:
        while True:
            self._fill()
            if not self.running and not self.probes:
                if self.exhausted and not self.retry:
                    return
                raise WorkerLostError(self._all_dead_message())
            [ref], _ = self.ray.wait(list(self.running) + list(self.probes), num_returns=1)
            if ref in self.probes:
                self._settle_probe(ref)
                continue
            result = self._settle_job(ref)
            if result is not None:
                yield result

    def _all_dead_message(self) -> str:
        left = [task.job.id for task in self.retry]
        waiting = f"jobs {', '.join(map(repr, left))} and any not yet taken" if left else "the jobs not yet taken"
        return f"every worker died (restarts exhausted); {waiting} are not proved"

    def _next_task(self) -> _Task | None:
        if self.retry:
            return self.retry.popleft()
        if not self.exhausted:
            job = next(self.source, None)  # pulled only when a worker has room for it
            if job is not None:
                return _Task(job)
            self.exhausted = True
        return None

    def _pick(self, avoid: int | None) -> _Worker | None:
        free = [w for w in self.workers if w.state == "ok" and w.in_flight < self.per_worker]
        # Least loaded; a retried job prefers a worker other than the one that died under it.
        return min(free, key=lambda w: (w.index == avoid, w.in_flight, w.index), default=None)

    def _fill(self) -> None:
        while self._pick(None) is not None:
            task = self._next_task()
            if task is None:
                return
            worker = self._pick(task.last_worker)
            worker.in_flight += 1
            self.running[worker.actor.prove.remote(task.job)] = (task, worker)

    def _settle_job(self, ref):
        task, worker = self.running.pop(ref)
        worker.in_flight -= 1
        try:
            data, info = self.ray.get(ref)
        except self.ray.exceptions.RayActorError as exc:
            self._lost(task, worker, exc)
            return None
        except self.ray.exceptions.RayTaskError as exc:
            cause = exc.cause if isinstance(exc.cause, BaseException) else exc
            raise JobError(task.job.id, f"failed on worker {worker.index}: {type(cause).__name__}: {cause}") from cause
        if task.job.id in self.done:  # a result for a job already yielded is dropped
            return None
        self.done.add(task.job.id)
        return task.job.id, data, {**info, "actor": worker.name, "attempts": task.lost + 1}

    def _lost(self, task: _Task, worker: _Worker, exc) -> None:
        _raise_if_never_started(worker, exc)
        task.lost, task.last_worker = task.lost + 1, worker.index
        if task.lost > self.max_retries:
            raise WorkerLostError(f"job {task.job.id!r}: its worker died {task.lost} times (max_retries="
                                  f"{self.max_retries}); last on worker {worker.index}: {_first_line(exc)}") from exc
        self.retry.append(task)
        if worker.state == "ok":
            # No jobs for it until a ping answers: the ping waits out a restart, or fails if it's over.
            worker.state = "probing"
            self.probes[worker.actor.ping.options(max_task_retries=-1).remote()] = worker

    def _settle_probe(self, ref) -> None:
        worker = self.probes.pop(ref)
        try:
            self.ray.get(ref)
            worker.state = "ok"
        except self.ray.exceptions.RayActorError as exc:
            _raise_if_never_started(worker, exc)
            worker.state = "dead"


def _raise_if_never_started(worker: _Worker, exc) -> None:
    # Its constructor raised (e.g. the backend is missing on its node): a restart would fail alike.
    if getattr(exc, "actor_init_failed", False):
        raise WorkerLostError(f"worker {worker.index} could not start: {exc}") from exc


def _first_line(exc) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def prove_on_ray(pk: ProvingKey, jobs: Iterable[Job | WorkloadJob], *, backend: str = "cpu",
                 workers: int | None = None, address: str | None = None, max_in_flight_per_worker: int = 2,
                 cpus_per_worker: float = 1, max_restarts: int = 3, max_retries: int = 3,
                 init_options: dict | None = None) -> Iterator[tuple[Any, bytes, dict]]:
    """Prove every job under `pk` on Ray workers; yields (job id, proof bytes, info) as each ends.

    workers: how many (default: one per GPU of the cluster, or its CPUs / cpus_per_worker for
    'cpu'). address and init_options: see ray_session. info holds the worker's index, node, pid and
    actor name, the job's seconds on it (witness included), its peak device memory
    (device_peak_bytes, None on the CPU) and attempts (1 unless a worker died).
    Bad arguments raise here; a repeated job id raises when it is reached. Stopping early (break)
    ends the workers (by ray.kill, so they are gone shortly after the stream closes). Raises
    JobError if a job's prover raised, WorkerLostError if a job's worker died more than
    max_retries times or every worker is gone.
    """
    ray = _import_ray()
    _check_options(pk, backend, workers, max_in_flight_per_worker, cpus_per_worker, max_restarts, max_retries)
    return _stream(ray, pk, jobs, backend, workers, address, max_in_flight_per_worker, cpus_per_worker,
                   max_restarts, max_retries, dict(init_options or {}))


def _stream(ray, pk, jobs, backend, workers, address, per_worker, cpus_per_worker, max_restarts, max_retries,
            init_options):
    with ray_session(address, **init_options):
        key = ray.put(pk)  # once; held here while workers run, as a restarting one reads it again
        started = _start_workers(ray, key, backend, workers, cpus_per_worker, max_restarts)
        try:
            yield from _Scheduler(ray, started, jobs, per_worker, max_retries).run()
        finally:
            for worker in started:  # frees their GPUs and keys now, not when the driver exits
                ray.kill(worker.actor)


def prove_many_on_ray(pk: ProvingKey, jobs: Iterable[Job | WorkloadJob], **options) -> list[bytes]:
    """prove_on_ray's proofs (bytes) in job order; options as prove_on_ray's."""
    jobs = list(_unique_jobs(jobs))  # all checked before any worker starts
    proofs = {job_id: data for job_id, data, _ in prove_on_ray(pk, jobs, **options)}
    return [proofs[job.id] for job in jobs]
