"""gpustark.many: jobs proved on several streams of one backend give the proofs each job gets
alone, in job order; each stream is its own backend instance; the memory gate admits jobs within
the budget; bad arguments raise ValueError naming them. Runs on --backend (cpu by default)."""
from __future__ import annotations

import pickle
import threading
import time

import numpy as np
import pytest

import gpustark
from gpustark import _backend
from gpustark.many import Job, _MemoryGate, prove_many, stream_backend, workload_jobs
from gpustark.workloads import WORKLOADS, make_params


@pytest.fixture(scope="module")
def multi_key():
    return gpustark.keygen(WORKLOADS["multi"].airs({}), make_params("small"))


def alone(pk, job, backend):
    traces, pvs = job.witness()
    return gpustark.prove(pk, traces, pvs, backend=backend).to_bytes()


def test_jobs_of_a_workload_differ_by_seed():
    jobs = workload_jobs("multi", 3, {"seed": 5})
    assert [j.options["seed"] for j in jobs] == [5, 6, 7]
    assert [j.id for j in jobs] == [0, 1, 2]
    assert len({j.witness()[0][0].tobytes() for j in jobs}) == 3
    assert workload_jobs("keccakf", 2, {"perms": 1})[1].options == {"perms": 1, "seed": 43}


@pytest.mark.parametrize("streams", [1, 2])
def test_streams_give_each_job_its_own_proof_in_job_order(multi_key, backend, streams):
    if streams > 1 and backend.startswith(_backend.DUAL_PREFIX):
        pytest.skip("a dual backend runs on one stream only (checked in test_bad_arguments_are_named)")
    pk, vk = multi_key
    jobs = workload_jobs("multi", 4)
    done = []
    proofs = prove_many(pk, jobs, backend, streams, on_done=lambda r: done.append((r.id, r.stream)))
    assert [p.to_bytes() for p in proofs] == [alone(pk, job, backend) for job in jobs]
    assert len({p.to_bytes() for p in proofs}) == len(jobs)  # different statements, different proofs
    for proof in proofs:
        gpustark.verify(vk, proof)
    assert sorted(i for i, _ in done) == list(range(4))
    assert {s for _, s in done} <= {stream_backend(backend, s) for s in range(streams)}


def test_each_stream_is_its_own_backend_instance(backend):
    if backend.startswith(_backend.DUAL_PREFIX):
        pytest.skip("a dual backend has no streams")
    name = stream_backend(backend, 2)
    assert name == f"{backend}@2" and stream_backend(backend, 0) == backend
    assert _backend.resolve(name) == name
    x = np.random.default_rng(3).integers(0, gpustark.field.P, size=(64, 3), dtype=np.uint32)
    assert (gpustark.ntt.ntt(x, backend=name) == gpustark.ntt.ntt(x, backend="cpu")).all()
    if _backend.device_memory(backend)["tracked"]:
        # A table made on stream 2 counts in stream 2's account only.
        before = _backend.device_memory(backend)["in_use_bytes"]
        _backend.release_device_memory(name)
        gpustark.ntt.ntt(np.zeros((1 << 12, 4), dtype=np.uint32), backend=name)
        assert _backend.device_memory(backend)["in_use_bytes"] == before
        assert _backend.device_memory(name)["peak_bytes"] > 0


def test_a_stream_runs_a_whole_proof_while_another_does(multi_key, backend):
    if backend.startswith(_backend.DUAL_PREFIX):
        pytest.skip("a dual backend has no streams")
    pk, _ = multi_key
    job = workload_jobs("multi", 1, {"seed": 9})[0]
    want = alone(pk, job, backend)
    got = [None] * 3

    def run(i):
        got[i] = alone(pk, job, stream_backend(backend, i))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [want] * 3


def test_the_memory_gate_keeps_jobs_within_the_budget():
    gate = _MemoryGate(budget=10)
    gate.leave(gate.enter(), measured=6)  # the first job, alone, needed 6
    running, most = [0], [0]
    lock = threading.Lock()

    def job():
        took = gate.enter()
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        gate.leave(took, measured=6)

    threads = [threading.Thread(target=job) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1  # 6 + 6 > 10: one at a time
    roomy = _MemoryGate(budget=100)
    roomy.leave(roomy.enter(), measured=6)
    assert roomy.enter() == 6 and roomy.enter() == 6 and roomy.in_use == 12


def test_traces_that_crossed_a_process_boundary_prove_alike(multi_key, backend):
    # Unpickled arrays (Ray, multiprocessing) carry their own dtype object, equal to uint32's.
    pk, _ = multi_key
    job = workload_jobs("multi", 1, {"seed": 4})[0]
    traces, pvs = job.witness()
    assert gpustark.prove(pk, pickle.loads(pickle.dumps(traces)), pvs, backend=backend).to_bytes() == \
        alone(pk, job, backend)


def test_a_budget_below_one_proof_still_proves_every_job(multi_key):
    pk, _ = multi_key
    jobs = workload_jobs("multi", 3)
    proofs = prove_many(pk, jobs, "cpu", streams=2, device_memory_budget=1)
    assert [p.to_bytes() for p in proofs] == [alone(pk, job, "cpu") for job in jobs]
    unchecked = prove_many(pk, jobs, "cpu", streams=2, check_witness=False)
    assert [p.to_bytes() for p in unchecked] == [p.to_bytes() for p in proofs]


def test_an_unsatisfied_job_raises(multi_key):
    pk, _ = multi_key
    traces, pvs = workload_jobs("multi", 1)[0].witness()
    bad = [t.copy() for t in traces]
    bad[1][0, 0] = (int(bad[1][0, 0]) + 1) % gpustark.field.P
    jobs = [Job("good", traces, pvs), Job("bad", bad, pvs)]
    with pytest.raises(ValueError):
        prove_many(pk, jobs, "cpu", streams=2)


def test_bad_arguments_are_named(multi_key):
    pk, _ = multi_key
    jobs = workload_jobs("multi", 2)
    for streams in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="streams"):
            prove_many(pk, jobs, "cpu", streams)
    with pytest.raises(ValueError, match="ids must be unique"):
        prove_many(pk, [jobs[0], jobs[0]], "cpu")
    with pytest.raises(ValueError, match="dual"):
        prove_many(pk, jobs, "dual:cpu,cpu", streams=2)
    for name in ("cpu@0", "cpu@", "cpu@x", "nosuch@1"):
        with pytest.raises(ValueError, match="not available"):
            _backend.resolve(name)
    with pytest.raises(ValueError, match="count"):
        workload_jobs("multi", 0)
    with pytest.raises(ValueError, match="workload"):
        workload_jobs("nosuch", 1)
    assert prove_many(pk, [], "cpu", streams=2) == []
